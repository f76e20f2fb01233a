"""`mmb report`: the year-end account of a team and the figures of many teams, as data.

Plain Python: no Rich, no openpyxl, no Typer (`mmb.report_render` renders). The work has
three steps, each testable on its own:

1. `collect` reads the team folders into *facts*: one `CaseFact` per request of the year,
   one `RowFact` per cash-book transaction of the year, one `TeamFacts` per team (budget,
   balances), and the `validate` findings that concern the year.
2. `build_report` adds the facts up into a `Report` of `Cell`s: the totals, the breakdowns
   by district, team, category or month, the bank account, open items and the appendix.
   With `public=True` it leaves out everything about single cases and households and hides
   small cells (`mmb.report_sdc`).
3. `run_report` (the CLI's entry point) checks the options, renders, and writes the result.

Which year a figure belongs to: a case counts in the year (and month) of its decision, so an
approval counts in the budget year it is charged to (as in MMB104); a case still waiting
counts in the year it was opened. Money counts on the booking date of the transaction.
"""

from __future__ import annotations

import math
import posixpath
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

from mmb import messages as _msg
from mmb.errors import InputError, UsageError
from mmb.findings import Finding, sort_findings
from mmb.money import CENT, euro
from mmb.report_close import Coverage
from mmb.report_sdc import Cell, HouseholdKey, Keys, Protection, Scope, Unit, protect

if TYPE_CHECKING:
    from mmb.fingerprint import Fingerprint
    from mmb.folder import TeamDoc
    from mmb.ledger import Ledger, LedgerRow
    from mmb.models import Case, Team

# ============================================================================ messages
# Every user-facing string of `mmb report` (and its renderers), in one block, to be moved
# to mmb/messages.py when the Dutch translation is made. Keep whole sentences with named
# placeholders.
YEAR_OUT_OF_RANGE = "--year {year} is not a year mmb reports on; give a year from 2000 to 2100"
FORMAT_UNKNOWN = "unknown report format {fmt!r}; use one of: {formats}"
BY_UNKNOWN = "unknown breakdown --by {by!r}; use one of: {dims}"
XLSX_NEEDS_OUTPUT = ("xlsx is a binary file and is not written to the terminal; give a file "
                     "name with -o, e.g. -o report-{year}.xlsx")
DUTCH_EXCEL_CSV_ONLY = ("--dutch-excel only applies to csv; add --format csv (or -o FILE.csv)")
THRESHOLD_TOO_LOW = ("--threshold {threshold} is too low for a public report: counts of one or "
                     "two households identify people; use 3 or more (the default is 5)")
OUTPUT_IS_FOLDER = "cannot write the report to {path}: that is a folder; give a file name"
OUTPUT_NO_FOLDER = "cannot write the report to {path}: the folder {folder} does not exist"
OUTPUT_FAILED = "cannot write the report to {path}: {reason}"
NO_DATA = ("no figures for {year} in {folders}: no budget, request or bank transaction in "
           "that year{found}; choose the year with --year")
NO_DATA_FOUND = " (there are figures for {years})"
WROTE = "Wrote the {year} report ({fmt}) to {path}."
FINAL = ("Final: {year} is over, the bank data of every account reach 31 December, the "
         "budget and the bank agree, and mmb validate finds no errors that concern {year}.")
FINAL_WARNINGS = ("Final: {year} is over, the bank data of every account reach 31 December, "
                  "the budget and the bank agree, and mmb validate finds no errors that "
                  "concern {year} ({warnings} warning(s), listed under open items).")
NOTICE_TEAM_UNREADABLE = ("{folder}: team.yaml could not be read, so this team has no name, "
                          "district or budget here; its requests are counted with the "
                          "default rules")
NOTICE_NO_LEDGER = ("{team} has no ledger.csv: its spending, bank costs and balances are not "
                    "known and count as € 0,00; run `mmb reconcile` in its folder")
NOTICE_NO_LEDGER_PUBLIC = ("{count} team(s) have no cash book (ledger.csv): their spending "
                           "is not included")
NOTICE_NO_BUDGET = "{team} has no budget for {year} in team.yaml; it counts as € 0,00"
NOTICE_NO_BUDGET_PUBLIC = "{count} team(s) have no budget for {year}; it counts as € 0,00"
NOTICE_NO_BALANCES = ("{team}: ledger.csv gives no bank balances for {year}, so the opening "
                      "and closing balance are not known")
NOTICE_NO_BALANCES_PUBLIC = ("{count} team(s) have no bank balances for {year}: the opening "
                             "and closing balance are not known")
NOTICE_DIFFERENCE = ("{team}: opening balance + money in - money out is {computed}, but the "
                     "bank's closing balance is {closing} (difference {difference}); a "
                     "transaction is missing from ledger.csv or a balance is wrong")
NOTICE_DIFFERENCE_PUBLIC = ("{count} team(s): opening balance + money in - money out differs "
                            "from the bank's closing balance")

TITLE_TEAM = "Year-end account {year}: {team}"
TITLE_MANY = "Year-end report {year}: {teams} team(s) in {districts} district(s)"
TITLE_PUBLIC = "Public report {year}: {where}"
TEAMS_IN_DISTRICTS = "{teams} team(s) in {districts} district(s)"
GENERATED = "Made by mmb on {now}."
SUPPRESSED_MARK = "x"
UNKNOWN_MARK = "–"
LEGEND_SUPPRESSED = ("x: not shown to protect privacy (fewer than about {threshold} "
                     "households). Figures have small random noise, so tables need not "
                     "add up.")
METHOD_PUBLIC = (
    "Anonymised aggregate. No case ids, household codes, member names or free text. Every "
    "count and amount about households has small random noise (the cell key method: the "
    "same households give the same noise in every report), so a figure is close to the "
    "true one but never certainly equal to it, and tables need not add up: counts are off "
    "by at most {count_noise} (mostly by 0 or 1), amounts by at most {amount_percent}% of "
    "the largest household's part. A figure whose (noisy) number of households is below "
    "{threshold} is not shown (x); some true zeros are not shown either. Requests solved "
    "otherwise are counted, not what solved them. Budgets, top-ups, deposits and bank costs "
    "are public money and shown exactly; bank balances and other bookings are not shown.")
NO_DISTRICT = "(no district)"
UNKNOWN_CASE = "(unknown case)"
NOT_RECORDED = "(not recorded)"

#: Labels of every measure, shared by all renderers (the JSON/CSV keys are the dict keys).
LABELS: dict[str, str] = {
    # breakdown rows
    "requests": "Requests",
    "approved": "Approved",
    "rejected": "Rejected",
    "solved_otherwise": "Solved otherwise",
    "withdrawn": "Withdrawn",
    "pending": "Pending",
    "households": "Households asking",
    "households_helped": "Households helped",
    "approved_amount": "Approved",
    "spent": "Spent, net",
    "budget": "Budget incl. top-ups",
    "bank_costs": "Bank costs",
    "unspent": "Unspent, to return",
    # budget
    "budget_base": "Budget",
    "top_ups": "Top-ups",
    "payments": "Paid for cases",
    "refunds": "Refunds from suppliers",
    # grants and time
    "grants": "Grants",
    "average_grant": "Average grant",
    "median_grant": "Median grant",
    "decided": "Requests decided",
    "median_hours": "Median time to decision",
    "p90_hours": "90th percentile time to decision",
    "within_target": "Decided within the target",
    "target_hours": "Target (decision_hours)",
    # follow-up and open items
    "followed_up": "Followed up",
    "regret": "Regretted on follow-up",
    "payments_without_receipt": "Payments without receipt",
    "receipts_declared_missing": "Receipts declared missing",
    "unpaid_approvals": "Approved but not paid",
    "errors": "Validate errors",
    "warnings": "Validate warnings",
    # bank account (the flows have their own labels: ACCOUNT_LABELS)
    "opening_balance": "Opening balance (bank)",
    "cases_net": "Cases, net of refunds",
    "money_in": "Money in",
    "money_out": "Money out",
    "computed_closing": "Opening + in - out",
    "closing_balance": "Closing balance (bank)",
    "difference": "Difference",
    # sections
    "section_money": "Budget and spending",
    "section_account": "Bank account: money out matches money in",
    "section_requests": "Requests",
    "section_solved_by": "Solved otherwise, by",
    "section_time": "Time to decision",
    "section_followup": "Follow-up",
    "section_open": "Open items",
    "section_accounts": "Bank account per team",
    "section_regrets": "Cases regretted on follow-up",
    "section_findings": "Validate findings for the year",
    "section_appendix": "Appendix: every transaction of the year",
    "section_method": "Method",
    "section_unpaid": "Approved but not paid",
    "section_no_receipt": "Payments without receipt",
    "section_declared_missing": "Receipts declared missing",
    "by_district": "By district",
    "by_team": "By team",
    "by_category": "By category",
    "by_month": "By month",
    "chart_month": "Spent per month (€, net of refunds)",
    "chart_category": "Spent per category (€, net of refunds)",
    "chart_outcomes": "Requests by outcome",
    "chart_budget": "Budget use",
    # columns
    "total": "Total",
    "team": "Team",
    "district": "District",
    "category": "Category",
    "month": "Month",
    "date": "Date",
    "amount": "Amount",
    "case": "Case",
    "kind": "Kind",
    "receipt": "Receipt",
    "counterparty": "Counterparty",
    "row": "Ledger row",
    "solver": "Solved by",
    "decided_on": "Decided",
    "days": "Days",
    "note": "Note",
    "followup_on": "Follow-up",
    "ledger": "Ledger",
    "agrees": "Agrees",
    "path": "File",
    "line": "Line",
    "code": "Code",
    "severity": "Severity",
    "message": "Message",
    "measure": "Measure",
    "value": "Value",
    "yes": "yes",
    "no": "NO",
    "none": "none",
    "nothing_open": "Nothing open.",
}
#: Receipt status of a payment in the appendix.
RECEIPT_LABELS = {"attached": "attached", "missing": "declared missing", "none": "none yet",
                  "": ""}
#: The lines of the bank account, signed: money in positive, money out negative.
ACCOUNT_LABELS = {"deposits": "Deposits (budget, top-ups)", "refunds": "Refunds from suppliers",
                  "case_payments": "Payments for cases", "bank_costs": "Bank costs",
                  "transfers": "Transfers between own accounts", "corrections": "Corrections",
                  "other": "Other", "refunds_unlinked": _msg.YE_FLOW_REFUNDS_UNLINKED,
                  "unexplained": "Without case or kind"}
#: The kind of a transaction in the appendix.
FLOW_LABELS = {"case_payments": "payment", "refunds": "refund", "deposits": "deposit",
               "bank_costs": "bank costs", "transfers": "transfer", "corrections": "correction",
               "other": "other", "refunds_unlinked": _msg.YE_KIND_REFUND_UNLINKED,
               "unexplained": "no case or kind"}
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
               "Dec")
LABELS.update(_msg.YE_LABELS)
# ============================================================================ end of messages

ZERO = Decimal(0)
_T = TypeVar("_T")
FORMATS = ("table", "csv", "xlsx", "json", "md", "html", "pdf")
DIMENSIONS = ("district", "team", "category", "month")
OUTCOMES = ("approved", "rejected", "solved_otherwise", "withdrawn", "pending")
ROW_COUNTS = ("requests", *OUTCOMES, "households", "households_helped")
ROW_MONEY = ("approved_amount", "spent")
TEAM_MONEY = ("budget", "bank_costs", "unspent")
FLOWS = ("deposits", "refunds", "case_payments", "bank_costs", "transfers", "corrections",
         "other", "refunds_unlinked", "unexplained")
#: Money that leaves the budget besides the cases and the bank costs, each on its own line:
#: what `unspent` subtracts besides them (signed flows; money out makes them negative).
OTHER_FLOWS = ("transfers", "corrections", "other", "refunds_unlinked", "unexplained")
_SUFFIX_FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json", ".md": "md",
                   ".html": "html", ".htm": "html", ".pdf": "pdf", ".txt": "table"}


# ============================================================================ facts

@dataclass(frozen=True)
class TeamFacts:
    """One team as the report needs it."""

    index: int
    name: str
    district: str
    municipality: str
    folder: str
    decision_hours: int = 24
    categories: tuple[str, ...] = ()
    budget: Decimal | None = None  # the year's amount without top-ups; None: not declared
    top_ups: Decimal = ZERO
    has_ledger: bool = True
    opening: Decimal | None = None  # bank balance at the start of the year; None: unknown
    closing: Decimal | None = None
    readable: bool = True
    ibans: tuple[str, ...] = ()  # the accounts in team.yaml
    coverage: tuple[Coverage, ...] = ()  # how far the bank data reach, per account
    unattributed: int = 0  # ledger rows that could be placed on none of the accounts
    #: what the public report's noise knows the team by (its bank accounts, else its
    #: name): the same wherever the folder is; "" for facts made by hand (then `folder`)
    identity: str = ""
    root: str = ""  # the team folder, absolute (to find the report key)


@dataclass(frozen=True)
class CaseFact:
    """One request that counts in the year."""

    team: int
    case_id: str
    household: str
    category: str
    outcome: str  # one of OUTCOMES
    month: int
    opened: datetime
    decided: datetime | None = None
    approved: Decimal = ZERO
    solved_by: str = ""
    followup: date | None = None
    regret: bool = False
    followup_note: str = ""

    @property
    def household_key(self) -> HouseholdKey:
        return (self.team, self.household)


@dataclass(frozen=True)
class RowFact:
    """One cash-book transaction booked in the year."""

    team: int
    row: int
    day: date
    amount: Decimal
    flow: str  # one of FLOWS
    case: str = ""
    category: str = ""
    household: str = ""
    receipt: str = ""  # payments: attached | missing | none; other flows: ""
    counterparty: str = ""
    note: str = ""
    receipts: tuple[str, ...] = ()  # the receipt files the row names

    @property
    def household_key(self) -> HouseholdKey:
        # a payment for a case mmb does not know still belongs to someone: count it apart
        return (self.team, self.household or f"case:{self.case}")


@dataclass(frozen=True)
class UnpaidFact:
    team: int
    case_id: str
    household: str
    decided: datetime
    amount: Decimal
    days: int


@dataclass
class Facts:
    """Everything the report adds up, read from the folders (or made by a test)."""

    year: int
    teams: list[TeamFacts] = field(default_factory=list)
    cases: list[CaseFact] = field(default_factory=list)
    rows: list[RowFact] = field(default_factory=list)
    unpaid: list[UnpaidFact] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    folders: tuple[str, ...] = (".",)
    years_found: set[int] = field(default_factory=set)
    #: every input file read: (index of the folder given, path from it, sha256); None:
    #: not known (facts made by a test), so the report carries no fingerprint
    inputs: list[tuple[int, str, str]] | None = None
    git: list[dict[str, str]] = field(default_factory=list)  # clean git checkouts
    #: files whose content the figures would leave out (`mmb.folder.unreadable`)
    unreadable: list[Finding] = field(default_factory=list)


def default_year(now: datetime) -> int:
    """The year a report is usually wanted for: last year in January–March (the year-end
    account is made then), else this year."""
    return now.year - 1 if now.month <= 3 else now.year


def case_year(opened: datetime, decided: datetime | None) -> datetime:
    """The moment that places a case in a year and month (see the module docstring)."""
    return decided if decided is not None else opened


def flow_of(row: LedgerRow) -> str:
    """The line of the bank account a transaction belongs to."""
    if row.case and row.kind in ("", "refund"):
        return "case_payments" if row.amount < 0 else "refunds"
    if row.kind == "deposit":
        return "deposits"
    if row.kind == "bank_costs":
        return "bank_costs"
    if row.kind == "transfer":
        return "transfers"
    if row.kind == "correction":
        return "corrections"
    if row.kind == "refund":  # a refund that names no case
        return "refunds_unlinked"
    if row.kind:
        return "other"
    return "unexplained"


def receipt_status(row: LedgerRow) -> str:
    """attached | missing (declared, with a note) | none; "" for rows that need none."""
    from mmb.ledger import MISSING_RECEIPT

    if not (row.case and row.kind == "" and row.amount < 0):
        return ""
    if row.receipt == MISSING_RECEIPT:
        return "missing"
    return "attached" if row.receipts() else "none"


def collect(folders: Sequence[str], year: int, now: datetime, *, workers: int | None = None,
            use_cache: bool | None = None) -> Facts:
    """Read every team below `folders` into the facts of `year`.

    Raises `NotATeamFolder` when a folder holds no team. The validate findings kept are the
    ones that concern the year (see `_concerns_year`); they come from `validate_team`, so
    the validation cache answers for a team nothing changed in (`use_cache`: default on,
    off with MMB_NO_CACHE like `mmb validate`).

    Teams are independent: with more than one, each is read in a process of its own (as in
    `mmb validate`; `workers`: default one per core) and the parts are joined in the order
    the teams were found, so the facts are the same as when read one by one.
    """
    import os

    from mmb.validate import team_folders, worker_count

    if use_cache is None:
        use_cache = not os.environ.get("MMB_NO_CACHE")
    jobs: list[_TeamJob] = []
    index_of: dict[Path, int] = {}
    for i, given in enumerate(folders):
        index_of.setdefault(Path(given), i)
    for prefix, base, root in team_folders(folders):
        jobs.append((len(jobs), prefix, str(base), str(root), year, now, use_cache,
                     index_of[base]))
    count = workers if workers is not None else worker_count(len(jobs))
    parts = _map_teams(jobs, count)
    facts = Facts(year=year, folders=tuple(folders), inputs=[])
    findings: dict[tuple[object, ...], Finding] = {}  # each finding once (not hashable)
    shared: set[str] = set()
    for part in parts:
        facts.teams.append(part.team)
        facts.cases.extend(part.cases)
        facts.rows.extend(part.rows)
        facts.unpaid.extend(part.unpaid)
        facts.years_found.update(part.years)
        assert facts.inputs is not None
        facts.inputs.extend(part.inputs)
        if part.git is not None:
            facts.git.append(part.git)
        facts.unreadable.extend(part.unreadable)
        found = part.findings
        if part.defaults is not None and part.defaults not in shared:
            # a shared mmb.yaml is reported once, as the first team below it shows it
            shared.add(part.defaults)
            found = found + part.defaults_findings
        for f in found:
            findings.setdefault((f.path, f.line, f.code, f.message, f.case, f.severity), f)
    facts.findings = sort_findings(findings.values())
    return facts


#: One team to collect: (index, display prefix, folder given, team folder, year, now,
#: use the validation cache, index of the folder given).
_TeamJob = tuple[int, str, str, str, int, datetime, bool, int]


@dataclass
class _TeamPart:
    """What one team adds to the facts (made in a worker process and pickled back)."""

    team: TeamFacts
    cases: list[CaseFact]
    rows: list[RowFact]
    unpaid: list[UnpaidFact]
    years: set[int]
    findings: list[Finding]
    defaults: str | None = None  # the mmb.yaml that applies (real path), if any
    defaults_findings: list[Finding] = field(default_factory=list)  # the findings in it
    inputs: list[tuple[int, str, str]] = field(default_factory=list)  # see `Facts.inputs`
    git: dict[str, str] | None = None  # commit and tree of a clean git checkout
    unreadable: list[Finding] = field(default_factory=list)  # `mmb.folder.unreadable`


def _map_teams(jobs: list[_TeamJob], workers: int) -> list[_TeamPart]:
    """Collect every team, in `workers` forked processes when there is more than one (and
    the platform can fork); the parts come back in the order of `jobs`."""
    import multiprocessing

    if workers <= 1 or len(jobs) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [_collect_one(job) for job in jobs]
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(_collect_one, jobs,
                             chunksize=max(1, len(jobs) // (workers * 4))))


def _collect_one(job: _TeamJob) -> _TeamPart:
    """One team's facts and the findings of `validate_team` that concern the year, with
    paths as the folder given on the command line shows them."""
    from mmb.files import relpath
    from mmb.folder import load_team
    from mmb.ledger import read_ledger
    from mmb.validate import validate_team

    index, prefix, given, folder, year, now, use_cache, given_index = job
    base, root = Path(given), Path(folder)
    loaded: list[tuple[TeamDoc, Ledger]] = []

    def load() -> tuple[TeamDoc, Ledger]:
        # Paths relative to the team folder, as the validation cache keeps them; read once
        # for the findings (when the cache cannot give them) and the facts alike.
        loaded.append((load_team(root), read_ledger(root)))
        return loaded[0]

    from mmb.fingerprint import team_inputs

    # what the report is made from, hashed before it is read (a file changed meanwhile
    # then shows as changed in `mmb report --verify`, never as the same)
    inputs = team_inputs(root)
    found, _ = validate_team(root, now, use_cache, load=load)
    doc, ledger = loaded[0] if loaded else load()
    team_rel = relpath(root, base)
    part = _collect_team(index, prefix, team_rel, doc, ledger, year, now, found)
    from mmb.folder import unreadable

    shown = posixpath.normpath(posixpath.join(prefix, team_rel))
    part.unreadable = [replace(f, path=posixpath.normpath(posixpath.join(shown, f.path)))
                       for f in unreadable(doc, ledger)]
    part.inputs = [(given_index, posixpath.normpath(posixpath.join(team_rel, rel)), digest)
                   for rel, digest in inputs.files]
    if inputs.git is not None:
        part.git = {"team": posixpath.normpath(posixpath.join(prefix, team_rel)),
                    **inputs.git}
    return part


def _collect_team(index: int, prefix: str, team_rel: str, doc: TeamDoc, ledger: Ledger,
                  year: int, now: datetime, found: list[Finding]) -> _TeamPart:
    """The facts of one team. `doc` and `found` (its validate findings) have paths relative
    to the team folder; `team_rel` is the team folder relative to the folder given and
    `prefix` that folder as shown."""
    from mmb.folder import find_defaults
    from mmb.ledger import LEDGER_FILE
    from mmb.models import Outcome, Rules
    from mmb.report_close import bank_facts

    team = doc.team
    folder = team_rel if prefix == "." else (prefix if team_rel == "." else f"{prefix}/{team_rel}")
    rules = team.rules if team is not None else Rules()
    budget = next((b for b in team.budget if b.year == year), None) if team else None
    cases = {c.case.id: c.case for c in doc.cases if c.case is not None}
    bank = bank_facts(doc.root, team, ledger.rows, year)
    opening, closing = _balances(ledger.rows, year, bank.account_of) if ledger.rows else (
        None, None)
    part = _TeamPart(team=TeamFacts(
        index=index,
        name=team.name if team is not None else doc.root.resolve().name,
        district=(team.district if team is not None and team.district else NO_DISTRICT),
        municipality=(team.municipality or "") if team is not None else "",
        folder=folder,
        decision_hours=rules.decision_hours,
        categories=tuple(team.categories) if team is not None else (),
        budget=budget.amount if budget is not None else None,
        top_ups=sum((t.amount for t in budget.top_ups if t.date.year <= year), ZERO)
        if budget is not None else ZERO,
        has_ledger=ledger.exists,
        opening=opening,
        closing=closing,
        readable=team is not None,
        ibans=bank.ibans,
        coverage=bank.coverage,
        unattributed=bank.unattributed,
        identity=_identity(team, doc.root.resolve().name),
        root=str(doc.root.resolve()),
    ), cases=[], rows=[], unpaid=[], years=set(), findings=[])
    if team is not None:
        part.years.update(b.year for b in team.budget)
    paid = {r.case for r in ledger.rows if r.case and r.is_payment}  # in any year
    in_year: dict[str, datetime] = {}
    for cid, case in cases.items():
        decision = case.decision
        moment = case_year(case.opened, decision.at if decision else None)
        part.years.add(moment.year)
        in_year[cid] = moment
        if moment.year != year:
            continue
        outcome = decision.outcome.value if decision is not None else "pending"
        approved = (decision.amount or ZERO) if (
            decision is not None and decision.outcome is Outcome.approved) else ZERO
        part.cases.append(CaseFact(
            team=index, case_id=cid, household=case.household, category=case.category,
            outcome=outcome, month=moment.month, opened=case.opened,
            decided=decision.at if decision else None, approved=approved,
            solved_by=(decision.solved_by or "").strip() if decision else "",
            followup=case.followup.at if case.followup else None,
            regret=bool(case.followup and case.followup.regret),
            followup_note=(case.followup.note or "") if case.followup else ""))
        if (decision is not None and decision.outcome is Outcome.approved and ledger.exists
                and cid not in paid):
            part.unpaid.append(UnpaidFact(index, cid, case.household, decision.at, approved,
                                          (now.date() - decision.at.date()).days))
    rows_by_line: dict[int, date] = {}
    for r in ledger.rows:
        rows_by_line[r.row] = r.date
        part.years.add(r.date.year)
        if r.date.year != year:
            continue
        paid_for = cases.get(r.case) if r.case else None
        flow = flow_of(r)
        linked = flow in ("case_payments", "refunds")
        part.rows.append(RowFact(
            team=index, row=r.row, day=r.date, amount=r.amount, flow=flow, case=r.case,
            category=(paid_for.category if paid_for else UNKNOWN_CASE) if linked else "",
            household=paid_for.household if paid_for and linked else "",
            receipt=receipt_status(r), counterparty=r.counterparty, note=r.note,
            receipts=tuple(r.receipts())))
    shown = _shown_as(prefix, team_rel, doc)
    for f in found:
        if not _concerns_year(f, year, LEDGER_FILE, rows_by_line, in_year, cases):
            continue
        if f.path == doc.defaults_rel:
            part.defaults_findings.append(shown(f))
        else:
            part.findings.append(shown(f))
    if doc.defaults_rel is not None:
        defaults = find_defaults(doc.root) or doc.root / doc.defaults_rel  # (gone meanwhile)
        part.defaults = str(defaults)
    return part


def _identity(team: Team | None, folder_name: str) -> str:
    """What the public report's record keys know a team by: its bank account(s), which
    stay the same when the folder is moved, cloned or renamed; else its name."""
    if team is not None and team.accounts:
        return "iban:" + "+".join(sorted(a.iban for a in team.accounts))
    return "name:" + (team.name if team is not None else folder_name)


def _shown_as(prefix: str, team_rel: str, doc: TeamDoc) -> Callable[[Finding], Finding]:
    """A finding with paths inside the team folder as the report shows it: the path
    relative to the folder given, joined onto that folder as typed. One message names a
    file too (a case id used twice: "also used by ..."); it names it relative to the folder
    given, as it always has in the report."""
    if team_rel == ".":
        return lambda f: f.rebase(prefix)
    import posixpath
    from dataclasses import replace

    from mmb.messages import ID_DUPLICATE

    def rel(path: str) -> str:
        # = relpath(team folder / path, folder given): team_rel is already normalised and
        # never climbs, so joining and normalising is the same
        return posixpath.normpath(f"{team_rel}/{path}") if path else path

    renamed = {ID_DUPLICATE.format(id=c.case.id, other=c.rel):
               ID_DUPLICATE.format(id=c.case.id, other=rel(c.rel))
               for c in doc.cases if c.case is not None}

    def shown(f: Finding) -> Finding:
        message = renamed.get(f.message, f.message) if f.code == "MMB003" else f.message
        return replace(f, path=rel(f.path), message=message).rebase(prefix)

    return shown


def _concerns_year(f: Finding, year: int, ledger_rel: str, rows: dict[int, date],
                   in_year: dict[str, datetime], cases: dict[str, Case]) -> bool:
    """Whether a finding can change the figures of `year`: a ledger row of another year
    or a case of another year cannot; anything else (team.yaml, an unreadable file, a
    bank export) might, and counts."""
    if f.path == ledger_rel and f.line in rows:
        return rows[f.line].year == year
    if f.case is not None and f.case in in_year:
        return in_year[f.case].year == year or cases[f.case].opened.year == year
    return True


def _balances(rows: Sequence[LedgerRow], year: int,
              account_of: Callable[[LedgerRow], str]) -> tuple[Decimal | None, Decimal | None]:
    """The bank's balance at the start and at the end of `year`, from the balances in
    ledger.csv (per account, added up). Opening: the first balance of the year minus the
    transactions up to it; closing: the last balance plus the transactions after it; so a
    transaction missing between them shows as a difference. None when unknown."""
    by_account: dict[str, list[LedgerRow]] = defaultdict(list)
    for r in rows:
        by_account[account_of(r)].append(r)
    opening = closing = ZERO
    for account_rows in by_account.values():
        before = [r for r in account_rows if r.date.year < year]
        during = [r for r in account_rows if r.date.year == year]
        if not before and not during:
            continue  # an account opened after the year
        marked = [i for i, r in enumerate(during) if r.balance is not None]
        if marked:
            first, last = during[marked[0]], during[marked[-1]]
            assert first.balance is not None and last.balance is not None
            start = first.balance - sum((r.amount for r in during[: marked[0] + 1]), ZERO)
            end = last.balance + sum((r.amount for r in during[marked[-1] + 1:]), ZERO)
        else:
            known = [i for i, r in enumerate(before) if r.balance is not None]
            if not known:
                return None, None
            prior = before[known[-1]]
            assert prior.balance is not None
            start = prior.balance + sum((r.amount for r in before[known[-1] + 1:]), ZERO)
            end = start + sum((r.amount for r in during), ZERO)
        opening += start
        closing += end
    return opening, closing


# ============================================================================ figures

@dataclass
class Row:
    """One line of a breakdown: a district, team, category or month (or the total)."""

    key: str
    cells: dict[str, Cell]
    district: str = ""  # for a team: its district
    label: str = ""  # display form of the key (months: "Mar")


@dataclass
class Account:
    """The account of a team or of all teams, both ways, and how the two agree.

    The bank: opening + money in - money out = closing (`difference` = the bank's closing
    balance minus that). The budget: budget + top-ups - everything spent = unspent, to
    return, where everything spent is the cases (net of their refunds), the bank costs and
    every other line of the cash book (`spent_lines`, money out positive). They agree when
    opening + unspent = the bank's closing balance; where not, the difference is exactly
    `budget_not_received` (budget + top-ups - deposits on the bank) minus `difference`
    (the bank's balances not adding up): two causes, each shown, never plugged.
    """

    opening_balance: Cell
    flows: dict[str, Cell]
    cases_net: Cell
    money_in: Cell
    money_out: Cell
    computed_closing: Cell
    closing_balance: Cell
    difference: Cell
    agrees: bool | None  # None: balances not known
    budget_total: Cell = field(default_factory=lambda: _fixed(ZERO))
    spent_lines: dict[str, Cell] = field(default_factory=dict)  # money out positive
    spent_total: Cell = field(default_factory=lambda: _fixed(ZERO))
    unspent: Cell = field(default_factory=lambda: _fixed(ZERO))
    expected_closing: Cell = field(default_factory=lambda: _fixed(None))
    budget_not_received: Cell = field(default_factory=lambda: _fixed(ZERO))
    reconciliation_difference: Cell = field(default_factory=lambda: _fixed(None))
    reconciled: bool | None = None  # None: balances not known
    ibans: tuple[str, ...] = ()

    @property
    def cells(self) -> list[Cell]:
        """Every cell of the account (what a public report hides with spent)."""
        return [self.opening_balance, *self.flows.values(), self.cases_net, self.money_in,
                self.money_out, self.computed_closing, self.closing_balance, self.difference,
                self.budget_total, *self.spent_lines.values(), self.spent_total,
                self.unspent, self.expected_closing, self.budget_not_received,
                self.reconciliation_difference]


@dataclass
class TeamAccount:
    team: str
    district: str
    folder: str
    has_ledger: bool
    account: Account


@dataclass
class Figures:
    """The headline figures of the report (for all teams it covers)."""

    row: Row  # the total line, shared by every breakdown table
    budget_base: Cell
    top_ups: Cell
    payments: Cell
    refunds: Cell
    average_grant: Cell
    median_grant: Cell
    decided: Cell
    median_hours: Cell
    p90_hours: Cell
    within_target: Cell
    target_hours: int | None  # None: the teams have different targets
    followed_up: Cell
    regret: Cell
    open: dict[str, Cell]
    solved_by: list[tuple[str, Cell]]
    account: Account


@dataclass(frozen=True)
class AppendixRow:
    team: str
    row: int
    day: date
    amount: Decimal
    kind: str
    case: str
    category: str
    receipt: str
    counterparty: str
    receipts: tuple[str, ...] = ()  # the receipt file names, as ledger.csv names them


@dataclass(frozen=True)
class RegretCase:
    team: str
    case_id: str
    category: str
    followup: date | None
    note: str


@dataclass
class OpenItems:
    no_receipt: list[AppendixRow] = field(default_factory=list)
    declared_missing: list[tuple[AppendixRow, str]] = field(default_factory=list)
    unpaid: list[tuple[str, UnpaidFact]] = field(default_factory=list)


@dataclass
class Meta:
    year: int
    generated: datetime
    public: bool
    title: str
    municipalities: list[str]
    team_names: list[str]  # empty in a public report unless broken down by team
    teams: int
    districts: int
    dimensions: list[str]
    final: bool
    errors: int
    warnings: int
    differences: int  # teams whose bank balances do not add up
    notices: list[str]
    folders: list[str]
    single_team: bool
    threshold: int | None = None
    reasons: list[str] = field(default_factory=list)  # why not final; empty: final


@dataclass
class Report:
    """The whole report as data; `mmb.report_render` turns it into each format."""

    meta: Meta
    total: Figures
    breakdowns: dict[str, list[Row]]
    accounts: list[TeamAccount] = field(default_factory=list)
    regrets: list[RegretCase] = field(default_factory=list)
    open_items: OpenItems = field(default_factory=OpenItems)
    findings: list[Finding] = field(default_factory=list)
    appendix: list[AppendixRow] = field(default_factory=list)
    protection: Protection | None = None
    coverage: list[tuple[str, Coverage]] = field(default_factory=list)  # (team, coverage)
    fingerprint: Fingerprint | None = None


def percentile(values: Sequence[int], p: int) -> int | None:
    """Nearest-rank percentile: the smallest value with at least p% of the values at or
    below it (rank ceil(p/100 * n), 1-based). Always one of the values; None when empty.
    The median is the 50th percentile (the lower middle value for an even count)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p * len(ordered) / 100))
    return ordered[rank - 1]


def _hours(minutes: int | None) -> Decimal | None:
    if minutes is None:
        return None
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _count(cases: Iterable[CaseFact]) -> Cell:
    shares: Counter[HouseholdKey] = Counter(c.household_key for c in cases)
    return Cell(sum(shares.values()), "count",
                {k: Decimal(v) for k, v in shares.items()})


def _distinct(cases: Iterable[CaseFact]) -> Cell:
    keys = {c.household_key for c in cases}
    return Cell(len(keys), "count", dict.fromkeys(keys, Decimal(1)))


def _money_cell(pairs: Iterable[tuple[HouseholdKey, Decimal]]) -> Cell:
    shares: dict[HouseholdKey, Decimal] = defaultdict(lambda: ZERO)
    total = ZERO
    for key, amount in pairs:
        shares[key] += amount
        total += amount
    return Cell(total, "euro", dict(shares))


def _fixed(value: int | Decimal | None, unit: Unit = "euro") -> Cell:
    """A figure about no household (a budget, bank costs): never hidden."""
    return Cell(value, unit, protect=False)


def _row(key: str, cases: Sequence[CaseFact], rows: Sequence[RowFact],
         teams: Sequence[TeamFacts] | None, *, label: str = "", district: str = "",
         is_total: bool = False) -> Row:
    """The breakdown figures of some cases, transactions and (for districts, teams and the
    total) the teams' own money."""
    cells: dict[str, Cell] = {"requests": _count(cases)}
    for outcome in OUTCOMES:
        cells[outcome] = _count(c for c in cases if c.outcome == outcome)
    cells["households"] = _distinct(cases)
    cells["households_helped"] = _distinct(c for c in cases if c.outcome == "approved")
    cells["approved_amount"] = _money_cell(
        (c.household_key, c.approved) for c in cases if c.outcome == "approved")
    linked = [r for r in rows if r.flow in ("case_payments", "refunds")]
    cells["spent"] = _money_cell((r.household_key, -r.amount) for r in linked)
    for name, cell in cells.items():  # cells that count the same households (report_sdc)
        cell.family = _FAMILY.get(name, name)
    if teams is not None:
        budget = sum(((t.budget or ZERO) + t.top_ups for t in teams), ZERO)
        costs = -sum((r.amount for r in rows if r.flow == "bank_costs"), ZERO)
        # every other euro that left (or came back into) the budget: transfers,
        # corrections, other, refunds not tied to a case, rows without case or kind
        other_out = -sum((r.amount for r in rows if r.flow in OTHER_FLOWS), ZERO)
        spent = cells["spent"]
        cells["budget"] = _fixed(budget)
        cells["bank_costs"] = _fixed(costs)
        # unspent reveals spent (budget and costs are public), so it is protected alike
        assert isinstance(spent.value, Decimal)
        cells["unspent"] = Cell(budget - spent.value - costs - other_out, "euro",
                                dict(spent.households))
    for cell in cells.values():
        cell.is_total = is_total
    return Row(key=key, cells=cells, district=district, label=label or key)


#: The lines of "everything spent" on the budget side, in order (money out positive).
SPENT_LINES = ("cases", "bank_costs", *OTHER_FLOWS)
#: Cells of a row that count the same households as another (`Cell.family`).
_FAMILY = {"households": "requests", "households_helped": "approved",
           "approved_amount": "approved", "unspent": "spent"}


def _account(teams: Sequence[TeamFacts], rows: Sequence[RowFact]) -> Account:
    sums: dict[str, Decimal] = dict.fromkeys(FLOWS, ZERO)
    for r in rows:
        sums[r.flow] += r.amount
    flows = {name: _fixed(sums[name]) for name in FLOWS}
    money_in = sum((r.amount for r in rows if r.amount > 0), ZERO)
    money_out = -sum((r.amount for r in rows if r.amount < 0), ZERO)
    known = bool(teams) and all(t.opening is not None and t.closing is not None for t in teams)
    opening = sum((t.opening or ZERO for t in teams), ZERO) if known else None
    closing = sum((t.closing or ZERO for t in teams), ZERO) if known else None
    computed = opening + money_in - money_out if opening is not None else None
    difference = closing - computed if closing is not None and computed is not None else None
    cases_net = sums["case_payments"] + sums["refunds"]
    # the budget side: everything that is not a deposit was spent (money out positive)
    spent = {"cases": -cases_net, **{name: -sums[name] for name in SPENT_LINES[1:]}}
    spent_total = sum(spent.values(), ZERO)
    budget_total = sum(((t.budget or ZERO) + t.top_ups for t in teams), ZERO)
    unspent = budget_total - spent_total
    not_received = budget_total - sums["deposits"]
    expected = opening + unspent if opening is not None else None
    gap = expected - closing if expected is not None and closing is not None else None
    if gap is not None:
        assert difference is not None
        # exact algebra, not a plug: both causes are shown on their own lines
        assert gap == not_received - difference, (gap, not_received, difference)
    return Account(
        opening_balance=_fixed(opening), flows=flows, cases_net=_fixed(cases_net),
        money_in=_fixed(money_in), money_out=_fixed(money_out),
        computed_closing=_fixed(computed), closing_balance=_fixed(closing),
        difference=_fixed(difference), agrees=None if difference is None else difference == 0,
        budget_total=_fixed(budget_total),
        spent_lines={name: _fixed(value) for name, value in spent.items()},
        spent_total=_fixed(spent_total), unspent=_fixed(unspent),
        expected_closing=_fixed(expected), budget_not_received=_fixed(not_received),
        reconciliation_difference=_fixed(gap),
        reconciled=None if gap is None else gap == 0,
        ibans=tuple(i for t in teams for i in t.ibans))


def _figures(facts: Facts, total: Row) -> Figures:
    cases, rows, teams = facts.cases, facts.rows, facts.teams
    approved = [c for c in cases if c.outcome == "approved"]
    grant_total = sum((c.approved for c in approved), ZERO)
    average = (grant_total / len(approved)).quantize(CENT, ROUND_HALF_UP) if approved else None
    grants = sorted(c.approved for c in approved)
    median = grants[max(1, math.ceil(len(grants) / 2)) - 1] if grants else None
    hours_of = {t.index: t.decision_hours for t in teams}
    decided = [c for c in cases if c.decided is not None and c.decided >= c.opened]
    minutes = [int((c.decided - c.opened).total_seconds() // 60)
               for c in decided if c.decided is not None]
    within = [c for c in decided if c.decided is not None
              and (c.decided - c.opened).total_seconds() <= hours_of.get(c.team, 24) * 3600]
    targets = {t.decision_hours for t in teams}
    followed = [c for c in cases if c.followup is not None]
    payments = [r for r in rows if r.flow == "case_payments"]
    refunds = [r for r in rows if r.flow == "refunds"]
    solvers: dict[str, list[CaseFact]] = {}
    spelling: dict[str, str] = {}
    for c in cases:
        if c.outcome == "solved_otherwise":
            name = c.solved_by or NOT_RECORDED
            spelling.setdefault(name.casefold(), name)
            solvers.setdefault(name.casefold(), []).append(c)
    solved_by = sorted(((spelling[k], _count(v)) for k, v in solvers.items()),
                       key=lambda t: (-(t[1].value or 0), t[0].casefold()))
    no_receipt = [r for r in payments if r.receipt == "none"]
    declared = [r for r in payments if r.receipt == "missing"]
    errors = sum(1 for f in facts.findings if f.level == "error")
    open_cells = {
        "payments_without_receipt": _money_count(no_receipt),
        "receipts_declared_missing": _money_count(declared),
        "unpaid_approvals": _unpaid_count(facts.unpaid),
        "errors": _fixed(errors, "count"),
        "warnings": _fixed(len(facts.findings) - errors, "count"),
    }
    return Figures(
        row=total,
        budget_base=_fixed(sum((t.budget or ZERO for t in teams), ZERO)),
        top_ups=_fixed(sum((t.top_ups for t in teams), ZERO)),
        payments=_money_cell((r.household_key, -r.amount) for r in payments),
        refunds=_money_cell((r.household_key, r.amount) for r in refunds),
        average_grant=Cell(average, "euro", protect=False),
        median_grant=Cell(median, "euro", protect=False),
        decided=_count(decided),
        median_hours=Cell(_hours(percentile(minutes, 50)), "hours", protect=False),
        p90_hours=Cell(_hours(percentile(minutes, 90)), "hours", protect=False),
        within_target=_count(within),
        target_hours=targets.pop() if len(targets) == 1 else None,
        followed_up=_count(followed),
        regret=_count(c for c in followed if c.regret),
        open=open_cells,
        solved_by=solved_by,
        account=_account(teams, rows),
    )


def _unpaid_count(unpaid: Sequence[UnpaidFact]) -> Cell:
    shares: Counter[HouseholdKey] = Counter((u.team, u.household) for u in unpaid)
    return Cell(len(unpaid), "count", {k: Decimal(v) for k, v in shares.items()})


def _money_count(rows: Sequence[RowFact]) -> Cell:
    """A count of transactions, with the households behind them."""
    shares: Counter[HouseholdKey] = Counter(r.household_key for r in rows)
    return Cell(len(rows), "count", {k: Decimal(v) for k, v in shares.items()})


def _categories(facts: Facts) -> list[str]:
    """Every category of the teams, in team.yaml order, then any other in use."""
    seen: dict[str, None] = {}
    for t in facts.teams:
        seen.update(dict.fromkeys(t.categories))
    used = {c.category for c in facts.cases} | {r.category for r in facts.rows if r.category}
    extra = sorted(used - set(seen))
    known = [c for c in extra if c != UNKNOWN_CASE]
    tail = [UNKNOWN_CASE] if UNKNOWN_CASE in extra else []
    return [*seen, *known, *tail]


def _grouped(items: Iterable[_T], key: Callable[[_T], object]) -> dict[object, list[_T]]:
    """The items by key, each group in the items' order (what filtering by key gives)."""
    groups: dict[object, list[_T]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return groups


def _breakdown(dim: str, facts: Facts) -> list[Row]:
    teams = facts.teams
    if dim == "team":
        cases = _grouped(facts.cases, lambda c: c.team)
        rows = _grouped(facts.rows, lambda r: r.team)
        return [_row(t.name, cases.get(t.index, []), rows.get(t.index, []), [t],
                     district=t.district)
                for t in teams]
    if dim == "district":
        out = []
        for d in sorted({t.district for t in teams}):
            members = {t.index for t in teams if t.district == d}
            out.append(_row(d, [c for c in facts.cases if c.team in members],
                            [r for r in facts.rows if r.team in members],
                            [t for t in teams if t.index in members]))
        return out
    if dim == "category":
        cases = _grouped(facts.cases, lambda c: c.category)
        rows = _grouped(facts.rows, lambda r: r.category)
        return [_row(cat, cases.get(cat, []), rows.get(cat, []), None)
                for cat in _categories(facts)]
    cases = _grouped(facts.cases, lambda c: c.month)
    rows = _grouped(facts.rows, lambda r: r.day.month)
    return [_row(f"{facts.year}-{m:02d}", cases.get(m, []), rows.get(m, []), None,
                 label=MONTH_NAMES[m - 1])
            for m in range(1, 13)]


def _team_accounts(facts: Facts) -> list[Account]:
    """The bank account of each team, in the order of `facts.teams`."""
    rows = _grouped(facts.rows, lambda r: r.team)
    return [_account([t], rows.get(t.index, [])) for t in facts.teams]


def build_report(facts: Facts, *, now: datetime, public: bool = False, threshold: int = 5,
                 by: str | None = None, key: bytes | None = None) -> Report:
    """Add the facts up into the report. With `public`, single cases, households, member
    names and free text are left out, figures get noise keyed with `key` (the
    municipality's report key, `mmb.report_key`) and small cells are hidden (see
    `mmb.report_sdc`)."""
    if public and key is None:
        raise ValueError("a public report needs the report key")
    year = facts.year
    teams = facts.teams
    single = len(teams) == 1
    if by is not None:
        dims = [by]
    elif public:
        dims = ["district", "category", "month"]
    elif single:
        dims = ["category", "month"]
    else:
        dims = list(DIMENSIONS)
    total = _row("total", facts.cases, facts.rows, teams, label=LABELS["total"], is_total=True)
    breakdowns = {dim: _breakdown(dim, facts) for dim in dims}
    figures = _figures(facts, total)
    errors = sum(1 for f in facts.findings if f.level == "error")
    districts = sorted({t.district for t in teams})
    municipalities = sorted({t.municipality for t in teams if t.municipality})
    meta = Meta(
        year=year, generated=now, public=public, title="", municipalities=municipalities,
        team_names=[t.name for t in teams] if (not public or by == "team") else [],
        teams=len(teams), districts=len(districts), dimensions=dims, final=False,
        errors=errors, warnings=len(facts.findings) - errors, differences=0, notices=[],
        folders=list(facts.folders), single_team=single,
        threshold=threshold if public else None)
    meta.title = _title(meta, teams)
    accounts = _team_accounts(facts)
    meta.notices = _notices(facts, public, accounts)
    meta.differences = sum(1 for a in accounts if a.agrees is False)
    _agree_per_team(figures.account, accounts)
    # final: validate finds no error for the year, the money adds up both ways, the year
    # is over and the bank data of every account reach its end (`mmb.report_close`)
    from mmb.report_close import reasons

    meta.reasons = reasons(facts, accounts, now, public, errors)
    meta.final = not meta.reasons
    report = Report(meta=meta, total=figures, breakdowns=breakdowns)
    report.coverage = [] if public else [(t.name, c) for t in teams for c in t.coverage]
    if facts.inputs is not None:
        from mmb.fingerprint import make

        report.fingerprint = make(facts.folders, facts.inputs, facts.git, public=public)
    if public:
        assert key is not None
        figures.account.ibans = ()  # the public report names no team
        report.protection = _protect(report, threshold, facts, key)
        return report
    names = {t.index: t for t in teams}
    report.accounts = [TeamAccount(t.name, t.district, t.folder, t.has_ledger, a)
                       for t, a in zip(teams, accounts, strict=True)]

    report.regrets = [RegretCase(names[c.team].name, c.case_id, c.category, c.followup,
                                 c.followup_note)
                      for c in sorted(facts.cases, key=lambda c: (c.team, c.case_id))
                      if c.regret]
    categories = {(c.team, c.case_id): c.category for c in facts.cases}
    report.appendix = [
        AppendixRow(names[r.team].name, r.row, r.day, r.amount, r.flow, r.case,
                    r.category or categories.get((r.team, r.case), ""), r.receipt,
                    r.counterparty, r.receipts)
        for r in sorted(facts.rows, key=lambda r: (r.team, r.day, r.row))]
    notes = {(r.team, r.row): r.note for r in facts.rows}
    by_key = {(a.team, a.row): a for a in report.appendix}
    for r in facts.rows:
        if r.receipt == "none":
            report.open_items.no_receipt.append(by_key[(names[r.team].name, r.row)])
        elif r.receipt == "missing":
            report.open_items.declared_missing.append(
                (by_key[(names[r.team].name, r.row)], notes[(r.team, r.row)]))
    report.open_items.unpaid = [(names[u.team].name, u) for u in facts.unpaid]
    report.findings = list(facts.findings)
    return report


def _agree_per_team(total: Account, accounts: Sequence[Account]) -> None:
    """The total agrees only when every team's account does: differences of two teams
    must not cancel out in the sum."""
    for flag in ("agrees", "reconciled"):
        values = [getattr(a, flag) for a in accounts]
        if any(v is False for v in values):
            setattr(total, flag, False)
        elif any(v is None for v in values):
            setattr(total, flag, None)


def _title(meta: Meta, teams: Sequence[TeamFacts]) -> str:
    if meta.public:
        where = ", ".join(meta.municipalities)
        scope = TEAMS_IN_DISTRICTS.format(teams=meta.teams, districts=meta.districts)
        return TITLE_PUBLIC.format(year=meta.year,
                                   where=f"{where}, {scope}" if where else scope)
    if meta.single_team:
        t = teams[0]
        place = ", ".join(p for p in (t.district if t.district != NO_DISTRICT else "",
                                      t.municipality) if p)
        return TITLE_TEAM.format(year=meta.year,
                                 team=f"{t.name} ({place})" if place else t.name)
    return TITLE_MANY.format(year=meta.year, teams=meta.teams, districts=meta.districts)


def _notices(facts: Facts, public: bool, accounts: Sequence[Account]) -> list[str]:
    """Plain warnings about what the figures cannot show (no names in a public report).
    `accounts`: `_team_accounts(facts)`."""
    year = facts.year
    out: list[str] = []
    no_ledger = [t for t in facts.teams if not t.has_ledger]
    no_budget = [t for t in facts.teams if t.readable and t.budget is None]
    no_balances = [t for t in facts.teams if t.has_ledger and t.opening is None]
    account = {t.index: a for t, a in zip(facts.teams, accounts, strict=True)}
    differing = [t for t in facts.teams if account[t.index].agrees is False]
    if public:
        for items, template in ((no_ledger, NOTICE_NO_LEDGER_PUBLIC),
                                (no_budget, NOTICE_NO_BUDGET_PUBLIC),
                                (no_balances, NOTICE_NO_BALANCES_PUBLIC),
                                (differing, NOTICE_DIFFERENCE_PUBLIC)):
            if items:
                out.append(template.format(count=len(items), year=year))
        return out
    for t in facts.teams:
        if not t.readable:
            out.append(NOTICE_TEAM_UNREADABLE.format(folder=t.folder))
    out += [NOTICE_NO_LEDGER.format(team=t.name) for t in no_ledger]
    out += [NOTICE_NO_BUDGET.format(team=t.name, year=year) for t in no_budget]
    out += [NOTICE_NO_BALANCES.format(team=t.name, year=year) for t in no_balances]
    for t in differing:
        a = account[t.index]
        assert isinstance(a.computed_closing.value, Decimal)
        assert isinstance(a.closing_balance.value, Decimal)
        assert isinstance(a.difference.value, Decimal)
        out.append(NOTICE_DIFFERENCE.format(
            team=t.name, computed=euro(a.computed_closing.value),
            closing=euro(a.closing_balance.value), difference=euro(a.difference.value)))
    return out


def _scopes(report: Report, facts: Facts, identity: dict[int, str]
            ) -> list[tuple[Scope, list[Cell]]]:
    """The protected cells of the report by row, with each row's scope (`Scope`). Unspent
    is left out: it is derived from the published spent (`_protect`)."""
    total = report.total
    everyone = tuple(identity.values())
    extra = {"decided": total.decided, "within_target": total.within_target,
             "followed_up": total.followed_up, "regret": total.regret, **total.open}
    for name, cell in extra.items():
        cell.family = name
    rows = [(Scope(everyone), [*_cells(total.row), *extra.values()])]
    for dim, breakdown in report.breakdowns.items():
        if dim == "team":  # team rows are in the order of the teams
            teams = [(identity[t.index],) for t in facts.teams]
            rows += [(Scope(own), _cells(r)) for own, r in zip(teams, breakdown, strict=True)]
        elif dim == "district":
            for r in breakdown:
                members = tuple(identity[t.index] for t in facts.teams if t.district == r.key)
                rows.append((Scope(members), _cells(r)))
        else:
            rows += [(Scope(everyone, f"{dim}:{r.key}"), _cells(r)) for r in breakdown]
    return rows


def _release(facts: Facts, identity: dict[int, str]) -> bytes:
    """A fingerprint of everything the public figures are made from (`Keys.release`): the
    same facts give the same bytes (whatever the breakdown or format), any change other
    bytes. Teams by identity, so the order they are found in does not matter."""
    import hashlib

    def team(i: int) -> str:
        return identity[i]

    parts = sorted(repr((team(c.team), c.case_id, c.household, c.category, c.outcome,
                         c.month, c.opened, c.decided, str(c.approved), c.followup, c.regret))
                   for c in facts.cases)
    parts += sorted(repr((team(r.team), r.row, r.day, str(r.amount), r.flow, r.case,
                          r.category, r.household, r.receipt)) for r in facts.rows)
    parts += sorted(repr((team(u.team), u.case_id, u.household)) for u in facts.unpaid)
    parts += sorted(repr((team(t.index), t.district, t.decision_hours)) for t in facts.teams)
    digest = hashlib.sha256(str(facts.year).encode("ascii"))
    for part in parts:
        digest.update(part.encode("utf-8") + b"\n")
    return digest.digest()


def _cells(row: Row) -> list[Cell]:
    return [c for name, c in row.cells.items() if name != "unspent"]


def _protect(report: Report, threshold: int, facts: Facts, key: bytes) -> Protection:
    """Publish what a public report may show, in place: noisy figures, small ones hidden
    (`mmb.report_sdc`), figures derived from published ones, the rest left out."""
    identity = {t.index: t.identity or t.folder or t.name for t in facts.teams}
    total = report.total
    keys = Keys(key, identity, _release(facts, identity))
    log = protect(_scopes(report, facts, identity), keys, threshold)
    # Derived figures come from published ones, so that public sums do not undo the noise.
    for row in [total.row, *(r for rows in report.breakdowns.values() for r in rows)]:
        cells = row.cells
        if "unspent" in cells:
            spent, unspent = cells["spent"], cells["unspent"]
            budget, costs = cells["budget"].value, cells["bank_costs"].value
            assert isinstance(budget, Decimal) and isinstance(costs, Decimal)
            assert isinstance(spent.value, Decimal) and isinstance(spent.exact, Decimal)
            assert isinstance(unspent.value, Decimal)
            other_out = budget - costs - spent.exact - unspent.value  # bookings, not cases
            unspent.exact = unspent.value
            unspent.value = budget - spent.value - costs - other_out
            # With other bookings (not public: one can be a household's payment that is
            # linked to its case later) unspent would give their exact sum away.
            unspent.suppressed = "derived" if spent.hidden or other_out else ""
    shown = total.row.cells
    approved, amount = shown["approved"], shown["approved_amount"]
    if approved.hidden or amount.hidden or not approved.value:
        total.average_grant.suppressed = "derived"
    else:
        assert isinstance(amount.value, Decimal)
        total.average_grant.value = (amount.value / int(approved.value)).quantize(
            CENT, ROUND_HALF_UP)
    if total.decided.hidden:
        total.median_hours.suppressed = total.p90_hours.suppressed = "derived"
    # Never published: single grants and case-level money, what solved a request, and
    # the bank's own figures (balances and bookings other than the budget's deposits and
    # the bank costs: with public budgets they would give the exact spending away, and a
    # booking that moves between lines one household's payment).
    total.median_grant.suppressed = "policy"
    total.payments.suppressed = "policy"
    total.refunds.suppressed = "policy"
    total.solved_by = []
    account = total.account
    public = (account.flows["deposits"], account.flows["bank_costs"], account.budget_total,
              account.spent_lines.get("bank_costs"))
    for cell in account.cells:
        if not any(cell is p for p in public):
            cell.suppressed = "policy"
    return log


# ============================================================================ running

def _check_options(fmt: str, by: str | None, public: bool, threshold: int, dutch_excel: bool,
                   output: Path | None, year: int) -> str:
    """Refuse bad option combinations before any work; return the format to write."""
    if output is not None:
        # the file name must say what the file is: `-o report.pdf` writes a PDF, and a
        # name no format has (`.docx`) is refused rather than filled with plain text
        suffix = output.suffix.lower()
        named = _SUFFIX_FORMATS.get(suffix)
        if named is None and suffix:
            raise UsageError(_msg.YE_UNKNOWN_SUFFIX.format(path=output, suffix=output.suffix))
        if named is not None and fmt == "table":
            fmt = named  # `-o report.xlsx` says enough
        elif named is not None and named != fmt and fmt in FORMATS:
            wanted = next(k for k, v in _SUFFIX_FORMATS.items() if v == fmt)
            raise UsageError(_msg.YE_SUFFIX_MISMATCH.format(fmt=fmt, path=output,
                                                            other=named, suffix=wanted))
    if fmt not in FORMATS:
        raise UsageError(FORMAT_UNKNOWN.format(fmt=fmt, formats=", ".join(FORMATS)))
    if by is not None and by not in DIMENSIONS:
        raise UsageError(BY_UNKNOWN.format(by=by, dims=", ".join(DIMENSIONS)))
    if not 2000 <= year <= 2100:
        raise UsageError(YEAR_OUT_OF_RANGE.format(year=year))
    if public and threshold < 3:
        raise UsageError(THRESHOLD_TOO_LOW.format(threshold=threshold))
    if dutch_excel and fmt != "csv":
        raise UsageError(DUTCH_EXCEL_CSV_ONLY)
    if fmt == "xlsx" and output is None:
        raise UsageError(XLSX_NEEDS_OUTPUT.format(year=year))
    if fmt == "pdf" and output is None:
        raise UsageError(_msg.YE_PDF_NEEDS_OUTPUT.format(year=year))
    if output is not None:
        if output.is_dir():
            raise UsageError(OUTPUT_IS_FOLDER.format(path=output))
        folder = output.parent if str(output.parent) else Path(".")
        if not folder.is_dir():
            raise UsageError(OUTPUT_NO_FOLDER.format(path=output, folder=folder))
    return fmt


def _has_data(facts: Facts) -> bool:
    return bool(facts.cases or facts.rows or any(t.budget is not None for t in facts.teams))


def run_report(folders: list[str], *, year: int | None, fmt: str, output: Path | None,
               by: str | None, public: bool, threshold: int, dutch_excel: bool,
               now: datetime, stdout: TextIO, colour: bool) -> int:
    """`mmb report`: write the report; 0 when final, 1 when validate finds errors that
    concern the year or a team's bank balances do not add up (the report is still written,
    and says so at the top)."""
    year = year if year is not None else default_year(now)
    fmt = _check_options(fmt, by, public, threshold, dutch_excel, output, year)
    facts = collect(folders, year, now)
    if facts.unreadable:  # the figures would leave their content out: no report
        from mmb.folder import unreadable_error

        raise unreadable_error(facts.unreadable, "report")
    if not _has_data(facts):
        years = sorted(y for y in facts.years_found if 2000 <= y <= 2100)
        found = NO_DATA_FOUND.format(years=", ".join(map(str, years))) if years else ""
        raise InputError(NO_DATA.format(year=year, folders=" ".join(folders), found=found))
    key: bytes | None = None
    if public:  # refused without the municipality's report key, before anything is written
        from mmb.report_key import load_key

        key = load_key([Path(t.root) for t in facts.teams if t.root], folders).secret
    report = build_report(facts, now=now, public=public, threshold=threshold, by=by, key=key)
    from mmb import report_render

    if output is None:
        report_render.write(report, fmt, stdout, colour=colour, dutch_excel=dutch_excel)
    else:
        from mmb.files import atomic_write_bytes

        data = report_render.render_bytes(report, fmt, dutch_excel=dutch_excel)
        try:
            atomic_write_bytes(output, data)
        except OSError as exc:
            raise UsageError(OUTPUT_FAILED.format(path=output,
                                                  reason=exc.strerror or str(exc))) from None
        print(WROTE.format(year=year, fmt=fmt, path=output), file=stdout)
        if not report.meta.final:
            print(status_line(report), file=stdout)
    return 0 if report.meta.final else 1


def status_line(report: Report) -> str:
    """The line at the top of every format: final, or not final and the first reason
    (`meta.reasons` has them all; every format lists them)."""
    meta = report.meta
    if not meta.final:
        first = meta.reasons[0] if meta.reasons else ""
        if len(meta.reasons) > 1:
            return _msg.YE_STATUS_MORE.format(reason=first, more=len(meta.reasons) - 1)
        return _msg.YE_STATUS_NOT_FINAL.format(reason=first)
    if meta.warnings and not meta.public:
        return FINAL_WARNINGS.format(year=meta.year, warnings=meta.warnings)
    return FINAL.format(year=meta.year)
