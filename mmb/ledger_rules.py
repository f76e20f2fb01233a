"""The cash-book rules MMB201–MMB209: the ledger against the cases, the receipts and the
bank exports. Plain Python: data in, findings out, one function per rule code."""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from mmb import messages as msg
from mmb.findings import Finding, finding
from mmb.folder import CaseDoc
from mmb.ledger import LEDGER_FILE, MISSING_RECEIPT, Doubt, LedgerRow, match_rows
from mmb.models import Case, Outcome, Team
from mmb.money import euro
from mmb.privacy import mask

if TYPE_CHECKING:
    from mmb.banks.base import BalanceProblem, StatementBalance

ZERO = Decimal(0)
RECEIPTS_DIR = "receipts"
_CASH = re.compile(r"geldautomaat|geldopname|\bgea\b|\batm\b|cash withdrawal|opname contant",
                   re.I)


@dataclass(frozen=True)
class ExportView:
    """What the rules need of one bank export in bank/: its path and its rows."""

    source: str
    rows: tuple[LedgerRow, ...]
    lines: tuple[int, ...]
    accounts: tuple[str, ...]
    cash: tuple[bool, ...]
    #: The balances the export states, in the bank's order, and those its own
    #: transactions contradict (MMB210).
    balances: tuple[StatementBalance, ...] = ()
    problems: tuple[BalanceProblem, ...] = ()


def _approved(cases: dict[str, Case]) -> dict[str, Case]:
    return {cid: c for cid, c in cases.items()
            if c.decision is not None and c.decision.outcome is Outcome.approved}


def check_unexplained(rows: Sequence[LedgerRow], rel: str = LEDGER_FILE) -> list[Finding]:
    """MMB202: money out with neither a case nor a kind."""
    # Built directly and with the amounts' texts memoised: a first import of a big export
    # has 100,000 of these.
    template = _L202
    amounts: dict[Decimal, str] = {}
    days: dict[date, str] = {}
    out: list[Finding] = []
    for r in rows:
        if r.amount < ZERO and not r.case and not r.kind:
            amount = amounts.get(r.amount)
            if amount is None:
                amount = amounts[r.amount] = euro(r.amount)
            day = days.get(r.date)
            if day is None:
                day = days[r.date] = r.date.isoformat()
            who = r.counterparty or r.description[:40] or msg.L_UNKNOWN_PARTY
            out.append(Finding(rel, r.row if r.row > 1 else 1, "MMB202",
                               template(day, amount, who)))
    return out


_L202 = msg.by_position(msg.L202, "date", "amount", "who")


def check_case_links(rows: Sequence[LedgerRow], cases: dict[str, Case],
                     rel: str = LEDGER_FILE, *,
                     unreadable: frozenset[str] | set[str] = frozenset()) -> list[Finding]:
    """MMB004 (unknown case), MMB204 (not approved, or paid before the decision) and
    MMB203 (payments net of refunds above the approved amount, on the crossing row)."""
    out: list[Finding] = []
    approved = _approved(cases)
    paid: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for r in sorted((r for r in rows if r.case), key=lambda r: (r.date, r.row)):
        case = cases.get(r.case)
        if case is None:
            if r.case in unreadable:
                continue
            out.append(finding("MMB004", rel, r.row, msg.L_UNKNOWN_CASE.format(id=mask(r.case)),
                               r.case))
            continue
        if r.kind not in ("", "refund"):
            continue
        if r.is_payment:
            if r.case not in approved:
                state = case.decision.outcome.value if case.decision else msg.L_PENDING
                out.append(finding("MMB204", rel, r.row, msg.L204_NOT_APPROVED.format(
                    id=r.case, state=state), r.case))
                continue
            decision = approved[r.case].decision
            assert decision is not None
            if r.date < decision.at.date():
                out.append(finding("MMB204", rel, r.row, msg.L204_BEFORE.format(
                    id=r.case, date=r.date, decided=decision.at.date()), r.case))
        paid[r.case] += -r.amount
        if r.case in approved and r.is_payment:
            limit = approved[r.case].decision.amount or ZERO  # type: ignore[union-attr]
            if paid[r.case] > limit:
                out.append(finding("MMB203", rel, r.row, msg.L203.format(
                    id=r.case, paid=euro(paid[r.case]), approved=euro(limit),
                    over=euro(paid[r.case] - limit)), r.case))
    return out


def check_receipts(rows: Sequence[LedgerRow], root: Path, rules_grace: int, today: date,
                   rel: str = LEDGER_FILE) -> list[Finding]:
    """MMB205 (payment without receipt: warning within the grace period, error after) and
    MMB206 (receipt absent, outside receipts/ also via a link, or shared between cases)."""
    out: list[Finding] = []
    plain_files = _plain_receipt_files(root)
    used_by: dict[str, tuple[str, int]] = {}
    for r in rows:
        if r.case and not r.receipt and r.is_payment:
            age = (today - r.date).days
            if age > rules_grace:
                out.append(finding("MMB205", rel, r.row, msg.L205.format(
                    date=r.date, amount=euro(r.amount), id=r.case, days=age, grace=rules_grace),
                    r.case, severity="error"))
            else:
                out.append(finding("MMB205", rel, r.row, msg.L205_GRACE.format(
                    date=r.date, amount=euro(r.amount), id=r.case,
                    left=rules_grace - age), r.case, severity="warning"))
        for name in r.receipts() if r.receipt else ():
            problem = (None if name in plain_files
                       else _receipt_problem(name, root))
            if problem:
                out.append(finding("MMB206", rel, r.row, problem.format(path=name),
                                   r.case or None))
                continue
            if r.is_payment and r.case:
                first = used_by.get(name)
                if first is not None and first[0] != r.case:
                    out.append(finding("MMB206", rel, r.row, msg.L206_SHARED.format(
                        path=name, id=r.case, other=first[0], row=first[1]), r.case))
                else:
                    used_by.setdefault(name, (r.case, r.row))
    return out


def _plain_receipt_files(root: Path) -> set[str]:
    """Every regular file under receipts/ reached without a symbolic link, as
    `receipts/...` paths: these need no further check (one folder walk instead of a path
    resolution per receipt). Links and anything else go through `_receipt_problem`. The
    folders are opened safely (`mmb.files.TeamDir`): a receipts/ that is itself a link
    out of the team folder holds no receipt."""
    from mmb.files import TeamDir, TeamFileError

    found: set[str] = set()
    stack = [RECEIPTS_DIR]
    while stack:
        rel = stack.pop()
        try:
            with TeamDir(root, rel) as folder:
                if folder.resolved != rel:
                    continue  # reached through a link: each receipt is checked on its own
                entries = folder.entries()
        except TeamFileError:
            continue
        for name, kind in entries:
            if kind == "dir":
                stack.append(f"{rel}/{name}")
            elif kind == "file":
                found.add(f"{rel}/{name}")
    return found


def _receipt_problem(name: str, root: Path) -> str | None:
    """Why the receipt `name` is not a usable file inside receipts/, or None. Resolved
    the safe way (`mmb.files.resolve_team_path`): links are followed only inside the team
    folder, so a receipts/ (or a folder in it) linked to /etc makes no file there valid."""
    import stat

    from mmb.files import TeamFileError, resolve_team_path

    if name == MISSING_RECEIPT:
        return None
    if os.path.isabs(name) or "\\" in name or "\x00" in name:
        return msg.L206_OUTSIDE
    parts = Path(name).parts
    if not parts or parts[0] != RECEIPTS_DIR or ".." in parts:
        return msg.L206_OUTSIDE
    try:
        resolved, mode = resolve_team_path(root, name)
    except FileNotFoundError:
        return msg.L206_ABSENT
    except TeamFileError as exc:  # a link out, or a folder on the way that is one
        return msg.L206_REFUSED.replace("{reason}", exc.reason.replace("{", "{{").replace(
            "}", "}}"))
    if not resolved.startswith(RECEIPTS_DIR + "/"):
        return msg.L206_LINK_OUT
    if not stat.S_ISREG(mode):
        return msg.L206_ABSENT if stat.S_ISDIR(mode) else msg.L206_NOT_REGULAR
    return None


def check_unpaid(docs: Sequence[CaseDoc], rows: Sequence[LedgerRow], days: int,
                 today: date) -> list[Finding]:
    """MMB209: approved longer than `days` ago and no payment linked to the case."""
    paid = {r.case for r in rows if r.case and r.is_payment}
    out: list[Finding] = []
    for doc in docs:
        case = doc.case
        if case is None or case.decision is None or case.decision.outcome is not Outcome.approved:
            continue
        age = (today - case.decision.at.date()).days
        # A case with a transfer ordered (`mmb pay`) is acted on: MMB211 watches the order.
        if case.id not in paid and not case.payments and age > days:
            out.append(finding("MMB209", doc.rel, doc.lines.line("decision", "outcome"),
                               msg.L209.format(id=case.id, days=age, limit=days), case.id))
    return out


def is_cash(row: LedgerRow, parties: dict[str, bool] | None = None) -> bool:
    """A cash withdrawal recognised from the description (the export's own transaction
    code is used where the export is at hand, see `check_cash`). `parties`: a memo of the
    cheap test per counterparty, for a caller that tests many rows (a few shops)."""
    if row.amount >= ZERO:
        return False
    # A cheap test first: the pattern runs only on texts holding one of its words
    # (casefold, so that every spelling the case-blind pattern matches passes; the words
    # hold no space, so testing the two parts apart finds every one of them).
    party = None if parties is None else parties.get(row.counterparty)
    if party is None:
        party = _may_be_cash(row.counterparty.casefold())
        if parties is not None:
            parties[row.counterparty] = party
    if not (party or _may_be_cash(row.description.casefold())):
        return False
    return bool(_CASH.search(f"{row.counterparty} {row.description}"))


def _may_be_cash(folded: str) -> bool:
    return ("geld" in folded or "gea" in folded or "atm" in folded or "cash" in folded
            or "opname" in folded)


Matches = Sequence[Sequence[int | None]]


def match_exports(rows: Sequence[LedgerRow], exports: Sequence[ExportView],
                  only_account: str | None = None,
                  doubts: dict[int, list[Doubt]] | None = None) -> list[list[int | None]]:
    """For each export, the ledger row each of its transactions is (None: missing).
    `only_account`: the team's one account, if it has one (the account of a row whose
    export is not at hand); `doubts`: filled, per export (by position), with its rows
    that may or may not be ledger rows (`match_rows`)."""
    account_by_source = {e.source: e.accounts[0] for e in exports if len(e.accounts) == 1}

    def account_of(r: LedgerRow) -> str | None:
        return account_by_source.get(r.source, only_account)

    out: list[list[int | None]] = []
    for n, e in enumerate(exports):
        found: list[Doubt] = []
        out.append(match_rows(rows, e.rows, account_of=account_of, doubts=found,
                              account=e.accounts[0] if len(e.accounts) == 1 else None))
        if found and doubts is not None:
            doubts[n] = found
    return out


def check_cash(rows: Sequence[LedgerRow], exports: Sequence[ExportView], allow_cash: bool,
               rel: str = LEDGER_FILE, matches: Matches | None = None) -> list[Finding]:
    """MMB208: cash withdrawals (the export's own code, else the description) while the
    team does not allow cash. A row with a note is answered: the note is the team's
    declaration of what the cash was for (like `receipt: missing` with a note)."""
    if allow_cash:
        return []
    parties: dict[str, bool] = {}
    flagged: set[int] = {i for i, r in enumerate(rows) if is_cash(r, parties)}
    matches = matches if matches is not None else match_exports(rows, exports)
    for export, found in zip(exports, matches, strict=True):
        for k, m in enumerate(found):
            if m is not None and export.cash[k]:
                flagged.add(m)
    return [finding("MMB208", rel, rows[i].row, msg.L208.format(
        date=rows[i].date, amount=euro(rows[i].amount)), rows[i].case or None)
        for i in sorted(flagged) if not rows[i].note]


def check_exports(rows: Sequence[LedgerRow], exports: Sequence[ExportView],
                  rel: str = LEDGER_FILE, matches: Matches | None = None,
                  doubts: dict[int, list[Doubt]] | None = None) -> list[Finding]:
    """MMB201: a transaction of an export in bank/ missing from the ledger (or one that
    may be a ledger row worded differently, `doubts`), or a ledger row whose source export
    is present but does not hold it."""
    out: list[Finding] = []
    by_source: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_source[r.source].append(i)
    if matches is None:
        doubts = {} if doubts is None else doubts
        matches = match_exports(rows, exports, doubts=doubts)
    for n, (export, found_rows) in enumerate(zip(exports, matches, strict=True)):
        maybe = {k: doubt for doubt in (doubts or {}).get(n, ()) for k in doubt.incoming}
        for k, m in enumerate(found_rows):
            if m is None:
                t = export.rows[k]
                doubt = maybe.get(k)
                text = (msg.L201_MISSING.format(date=t.date, amount=euro(t.amount))
                        if doubt is None else msg.L201_DOUBT.format(
                            date=t.date, amount=euro(t.amount),
                            rows=", ".join(str(rows[i].row) for i in doubt.ledger)))
                out.append(finding("MMB201", export.source, export.lines[k], text))
        claimed = {m for m in found_rows if m is not None}
        mine = by_source.get(export.source, [])
        if all(i in claimed for i in mine):
            continue
        # Some rows of this source were not claimed; match within the source only, so that
        # an identical row of another source cannot hide one this export does not hold.
        held = match_rows([rows[i] for i in mine], export.rows)
        found = {m for m in held if m is not None}
        for pos, i in enumerate(mine):
            if pos not in found:
                out.append(finding("MMB201", rel, rows[i].row, msg.L201_NOT_IN_SOURCE.format(
                    source=export.source)))
    return out


def check_balances(rows: Sequence[LedgerRow], exports: Sequence[ExportView],
                   rel: str = LEDGER_FILE, only_account: str | None = None) -> list[Finding]:
    """MMB207: per account, each balance follows from the previous balance plus the amount,
    so a missing period between two exports shows. A row's account is its export's; a team
    with a single account (`only_account`) chains every row, also those whose export is
    archived.

    The ledger is in date order, the bank's balances in the bank's order: a statement may
    book a payment with an earlier date after later ones (a value date), and then its
    balance does not follow from the row above it in the ledger. Such a row is not a gap:
    its balance before follows from another row of the account that nothing else follows
    from. Only a balance that follows from no row at all is reported (the first row of an
    account starts the chain)."""
    out: list[Finding] = []
    for mine in rows_by_account(rows, exports, only_account).values():
        _head, gaps = chain_gaps(mine)
        for i in gaps:
            r, prev = mine[i], mine[i - 1]
            assert r.balance is not None and prev.balance is not None
            expected = prev.balance + r.amount
            out.append(finding("MMB207", rel, r.row, msg.L207.format(
                date=r.date, balance=euro(r.balance), expected=euro(expected),
                prev=prev.row, gap=euro(r.balance - expected))))
    return out


def rows_by_account(rows: Sequence[LedgerRow], exports: Sequence[ExportView],
                    only_account: str | None = None) -> dict[str, list[LedgerRow]]:
    """The ledger rows with a balance, per account, in ledger order: a row's account is
    its export's; with a single account (`only_account`) every row is that account's."""
    account_of = {e.source: e.accounts[0] for e in exports if len(e.accounts) == 1}
    out: dict[str, list[LedgerRow]] = defaultdict(list)
    for r in rows:
        account = account_of.get(r.source, only_account)
        if account is not None and r.balance is not None:
            out[account].append(r)
    return out


def chain_gaps(rows: Sequence[LedgerRow]) -> tuple[int | None, list[int]]:
    """For the rows of one account that have a balance, in ledger order: the row that
    starts the bank's chain of balances, and the rows whose balance before (balance minus
    amount) follows from no other row (each row's balance can be followed once).

    First each row is matched with the row above it; a row that does not follow from it
    may follow from a row elsewhere whose balance nothing followed (the bank's order is
    not the ledger's date order). The first row that follows from none starts the chain;
    every later one is a gap."""
    ends: Counter[Decimal] = Counter()
    for r in rows:
        assert r.balance is not None
        ends[r.balance] += 1
    loose: list[int] = []
    for i, r in enumerate(rows):
        assert r.balance is not None
        before = r.balance - r.amount
        prev = rows[i - 1].balance if i else None
        if prev is not None and prev == before and ends[prev] > 0:
            ends[prev] -= 1
        else:
            loose.append(i)
    starts: list[int] = []
    for i in loose:
        r = rows[i]
        assert r.balance is not None
        before = r.balance - r.amount
        own = 1 if r.amount == 0 else 0  # a zero amount must not follow from itself
        if ends[before] - own > 0:
            ends[before] -= 1
        else:
            starts.append(i)
    if not starts:
        return (0 if rows else None), []
    return starts[0], starts[1:]


def check_stated_balances(exports: Sequence[ExportView]) -> list[Finding]:
    """MMB210: a balance an export states that its own transactions contradict (a
    statement whose opening plus transactions is not its closing, one that does not open
    where the one before it closed, a CSV row whose balance does not follow), on the
    export's line."""
    out: list[Finding] = []
    for export in exports:
        for p in export.problems:
            where = msg.L210_IN_MEMBER.format(member=p.member) if p.member else ""
            if p.kind == "closing":
                text = msg.L210_CLOSING.format(
                    where=where, closing=euro(p.stated), date=_day(p.stated_date),
                    account=p.account, opening=euro(p.other or ZERO),
                    opening_date=_day(p.other_date), count=p.count, computed=euro(p.computed),
                    diff=euro(abs(p.stated - p.computed)))
            elif p.kind == "opening":
                text = msg.L210_OPENING.format(
                    where=where, account=p.account, opening=euro(p.stated),
                    date=_day(p.stated_date), closing=euro(p.computed),
                    closing_date=_day(p.other_date))
            elif p.kind == "row_start":
                text = msg.L210_ROW_START.format(
                    where=where, stated=euro(p.stated), date=_day(p.stated_date),
                    before_date=_day(p.other_date), computed=euro(p.computed))
            elif p.kind == "row_before":
                text = msg.L210_ROW_BEFORE.format(
                    where=where, before=euro(p.other or ZERO), stated=euro(p.stated),
                    date=_day(p.stated_date), amount=euro(p.amount or ZERO),
                    computed=euro(p.computed))
            else:
                text = msg.L210_ROW.format(
                    where=where, stated=euro(p.stated), date=_day(p.stated_date),
                    amount=euro(p.amount or ZERO), before=euro(p.other or ZERO),
                    computed=euro(p.computed))
            out.append(finding("MMB210", export.source, p.line or 1, text))
    return out


def _day(day: date | None) -> str:
    return day.isoformat() if day is not None else "?"


def check_ledger(*, team: Team, docs: Sequence[CaseDoc], rows: Sequence[LedgerRow],
                 exports: Sequence[ExportView], root: Path, now: datetime,
                 prefix: str = ".", matches: Matches | None = None) -> list[Finding]:
    """Every cash-book rule for one team. Ledger and export findings get `prefix` (the
    team folder relative to the folder the user gave); case findings keep `doc.rel`.
    `matches`: the ledger row of each export transaction, when the caller knows them
    (`match_exports` otherwise)."""
    cases = {d.case.id: d.case for d in docs if d.case is not None}
    today = now.date()
    out: list[Finding] = []
    only = team.accounts[0].iban if len(team.accounts) == 1 else None
    doubts: dict[int, list[Doubt]] = {}
    if matches is None:
        matches = match_exports(rows, exports, only, doubts)
    out += check_exports(rows, exports, matches=matches, doubts=doubts)
    out += check_unexplained(rows)
    # A case whose file is there but cannot be read is reported on that file (MMB001,
    # MMB005 ...); its ledger rows are not "a case that does not exist".
    out += check_case_links(rows, cases, unreadable={d.stem for d in docs if d.case is None})
    out += check_receipts(rows, root, team.rules.receipt_grace_days, today)
    out += check_balances(rows, exports, only_account=only)
    out += check_cash(rows, exports, team.rules.allow_cash, matches=matches)
    out += check_stated_balances(exports)
    if prefix not in ("", "."):
        out = [f.rebase(prefix) for f in out]
    out += check_unpaid(docs, rows, team.rules.unpaid_warning_days, today)
    return out
