"""`mmb reconcile`: bank exports in, cash book out, links made, open items listed.

Plain Python. The steps, all under the team lock and all checked before anything is
written: read every export in bank/ (any failure: nothing is written), refuse exports of
accounts that are not the team's, add the transactions that are not in ledger.csv yet,
classify the obvious rows (deposits, bank costs, transfers between own accounts, refunds and
transfers naming a case id), link card payments to approved cases with room left where that
is unambiguous (or the coordinator picks), propose receipts named after a case, check every
cash-book rule, and only then write ledger.csv atomically (never over an edit saved
meanwhile) and report what is still open.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import repeat
from operator import attrgetter
from pathlib import Path

from mmb import messages as msg
from mmb.errors import InputError
from mmb.files import TeamLock, relpath
from mmb.findings import Finding, sort_findings
from mmb.ledger import (
    Doubt,
    ExportSummary,
    LedgerRow,
    content_ids,
    match_rows,
    merge_export,
    new_rows,
    read_ledger,
    sort_rows,
    write_ledger,
)
from mmb.ledger_rules import ExportView, check_ledger
from mmb.models import Case, Outcome, Team
from mmb.parallel import MIN_ROWS, split_in_two
from mmb.privacy import normalise_iban

BANK_DIR = "bank"
ZERO = Decimal(0)
# A case id (2026-014, also #2026-014) standing alone: not inside a longer number or a
# date. Written to start at the "-", which the regular-expression engine finds fast; the
# look-behind then wants four digits not preceded by a digit or "-" (tested against the
# plain form `(?<![\d-])#?(\d{4}-\d{3,4})(?![\d-])`, which is five times slower).
_CASE_ID = re.compile(r"-(?<=(?<![\d-])(\d{4})-)(\d{3,4})(?![\d-])")
# Whole words only: "Coffee Company" is no fee, "Lorente" no interest, "Pakketpunt" no package.
_DEPOSIT = re.compile(r"\b(?:gemeente|municipality|fonds|foundation|budget|subsidie|storting)\b",
                      re.I)
_BANK_COSTS = re.compile(r"\b(?:kosten|costs|fees?|rente|interest|abonnement|pakket|"
                         r"servicekosten|betaalpakket)\b", re.I)


def _bank_costs(text: str) -> bool:
    """`_BANK_COSTS` matches. Its words are tested first as plain substrings of the
    case-folded text, so that the pattern runs only on the few texts that could match
    (card payments are most)."""
    folded = text.casefold()
    return ("kosten" in folded or "cost" in folded or "fee" in folded or "rente" in folded
            or "interest" in folded or "abonnement" in folded or "pakket" in folded) and bool(
        _BANK_COSTS.search(text))


@dataclass(frozen=True)
class CaseChoice:
    """A case a payment may be for, as the coordinator is asked about it: its purpose,
    approved amount and what is left of it as of the payment's date."""

    case_id: str
    purpose: str
    approved: Decimal
    left: Decimal


#: A chooser gets a payment row and its candidate cases and returns a case id, or None to
#: skip.
Chooser = Callable[[LedgerRow, list[CaseChoice]], str | None]


@dataclass(frozen=True)
class LoadedExport:
    source: str
    view: ExportView
    format_name: str
    #: The end-to-end id of each transaction where the export gives one ("" where not),
    #: to link the transfers `mmb pay` ordered.
    end_to_end: tuple[str, ...] = ()


@dataclass(frozen=True)
class AccountBalance:
    """The bank's balance of one account beside the ledger's, for the reconcile summary.

    `stated` is the latest closing balance an export in bank/ states for the account (on
    `stated_date`, in `stated_source`): the bank's own figure, never one mmb worked out.
    `computed` is the ledger's: the balance before the account's first row in the bank's
    chain of balances (`opening`, before `opening_date`) plus the amounts of every ledger
    row of the account up to `stated_date` (`count` rows). Without a stated balance,
    `computed` is None and `total` is the sum of the account's ledger rows."""

    account: str
    stated: Decimal | None
    stated_date: date | None
    stated_source: str
    computed: Decimal | None
    opening: Decimal | None
    opening_date: date | None
    count: int
    total: Decimal
    formats: tuple[str, ...]

    @property
    def agree(self) -> bool:
        """The ledger gives exactly the balance the bank states."""
        return self.stated is not None and self.computed == self.stated


def export_files(root: Path) -> list[Path]:
    """Every file under bank/ except hidden files, in name order. Walked safely (see
    `team_files`): a bank/ that is a link out of the team folder raises `TeamFileError`;
    a link or special file in it is listed, for the reader to refuse with its reason."""
    return [root / rel for rel in team_files(root, BANK_DIR)]


def team_files(root: Path, rel: str) -> list[str]:
    """The paths (inside the team folder) of every entry below its folder `rel` that is
    not a folder, hidden ones left out, in name order; [] when `rel` does not exist.
    Folders are entered only when they are real folders, never through a link, and
    nothing is opened but folders: a FIFO is listed, not read. Raises `TeamFileError`
    when `rel` itself breaks a rule (a link out of the team folder, not a folder)."""
    from mmb.files import TeamDir, TeamFileError, resolve_team_path

    found: list[str] = []
    stack = [rel]
    while stack:
        here = stack.pop()
        with TeamDir(root, here) as folder:
            entries = folder.entries()
        for name, kind in entries:
            if name.startswith("."):
                continue
            path = f"{here}/{name}"
            if kind == "dir":
                stack.append(path)
                continue
            if kind == "link":
                try:
                    _, mode = resolve_team_path(root, path)
                except (TeamFileError, FileNotFoundError):
                    mode = 0  # listed: reading it says what is wrong
                import stat

                if stat.S_ISDIR(mode):
                    continue  # a link to a folder is not followed
            found.append(path)
    return sorted(found)


_DATE, _AMOUNT, _BALANCE = attrgetter("booking_date"), attrgetter("amount"), attrgetter(
    "balance_after")
_PARTY, _IBAN, _TEXT = attrgetter("counterparty"), attrgetter("counterparty_iban"), attrgetter(
    "description")
_ACCOUNT, _LINE, _CASH = attrgetter("account"), attrgetter("row"), attrgetter("is_cash")


def load_export(path: Path, root: Path) -> LoadedExport:
    """Read one export (raises `BankFormatError`) as ledger rows tagged with its source."""
    from mmb.banks import MAX_FILE_BYTES, export_refused, read_export_data
    from mmb.banks.base import Source
    from mmb.files import TeamFileError, read_team_file

    source = relpath(path, root)
    try:  # the one safe way to read a team file (no link out, regular, bounded)
        data = read_team_file(root, source, MAX_FILE_BYTES)
    except TeamFileError as exc:
        raise export_refused(Source(path, b""), exc) from None
    except FileNotFoundError:
        raise Source(path, b"").error(msg.BANK_CANNOT_OPEN,
                                      reason="No such file or directory") from None
    export = read_export_data(data, path)
    # Column by column (`map` loops in C): this runs for every transaction of an export
    # that may hold 100,000.
    txs = export.transactions
    empty = repeat("")
    rows = tuple(map(LedgerRow, map(_DATE, txs), map(_AMOUNT, txs), map(_BALANCE, txs),
                     map(_PARTY, txs), map(_IBAN, txs), map(_TEXT, txs), repeat(source),
                     empty, empty, empty, empty, (t.bank_id or "" for t in txs)))
    accounts = set(map(_ACCOUNT, txs)) | {b.account for b in export.balances}
    view = ExportView(source=source, rows=rows, lines=tuple(map(_LINE, txs)),
                      accounts=tuple(sorted(accounts)), cash=tuple(map(_CASH, txs)),
                      balances=export.balances, problems=export.problems)
    e2e = tuple(t.end_to_end_id or "" for t in txs) if any(
        t.end_to_end_id for t in txs) else ()
    return LoadedExport(source, view, export.format_name, e2e)


def load_exports_for_validate(root: Path, team: Team | None,
                              prefix_rel: Callable[[str], str]) -> tuple[list[ExportView],
                                                                         list[Finding]]:
    """Exports for `validate`: an unreadable one, or one of another account, is a finding."""
    from mmb.banks import BankFormatError
    from mmb.findings import finding

    views: list[ExportView] = []
    problems: list[Finding] = []
    from mmb.files import TeamFileError

    own = {a.iban for a in team.accounts} if team is not None else set()
    try:
        paths = export_files(root)
    except TeamFileError as exc:
        return views, [exc.finding(prefix_rel(exc.rel))]
    for path in paths:
        rel = relpath(path, root)
        try:
            loaded = load_export(path, root)
        except BankFormatError as exc:
            line = getattr(exc, "line", None) or 1
            problems.append(finding(exc.code, prefix_rel(rel), line, exc.message))
            continue
        foreign = [a for a in loaded.view.accounts if a not in own]
        if foreign:
            problems.append(finding("MMB201", prefix_rel(rel), 1, msg.R_FOREIGN_ACCOUNT.format(
                source=rel, accounts=", ".join(foreign))))
            continue
        views.append(loaded.view)
    return views, problems


# --------------------------------------------------------------------------- linking

def case_ids_in(text: str) -> list[str]:
    """The case ids a text names, each once, in order."""
    if _CASE_ID.search(text) is None:  # most bank texts name none: skip the collecting
        return []
    return list(dict.fromkeys(f"{m.group(1)}-{m.group(2)}" for m in _CASE_ID.finditer(text)))


def classify(row: LedgerRow, team: Team, cases: dict[str, Case],
             own: set[str] | None = None) -> tuple[str, str] | None:
    """(kind, case) for a row whose meaning is clear from the row alone, else None.
    `own`: the team's account numbers, when the caller classifies many rows."""
    text = f"{row.counterparty} {row.description}"
    if own is None:
        own = {a.iban for a in team.accounts}
    named = case_ids_in(text)
    if named:
        named = [c for c in named if c in cases]
    if row.counterparty_iban and normalise_iban(row.counterparty_iban) in own:
        return "transfer", ""
    if row.amount > ZERO:
        if len(named) == 1:
            return "refund", named[0]
        municipality = (team.municipality or "").strip()
        if _DEPOSIT.search(text) or (municipality and municipality.lower() in text.lower()):
            return "deposit", ""
        return None
    if len(named) == 1:
        return "", named[0]
    if not row.counterparty_iban and not named and _bank_costs(text):
        return "bank_costs", ""
    return None


def _room(cases: dict[str, Case], rows: Sequence[LedgerRow]) -> dict[str, Decimal]:
    """What each approved case may still be paid: approved minus its payments. Refunds are
    added back per payment date (see `_later_refunds`), not here."""
    paid: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for r in rows:
        if r.case and r.kind in ("", "refund"):
            paid[r.case] += -r.amount
    room = {}
    for cid, case in cases.items():
        d = case.decision
        if d is not None and d.outcome is Outcome.approved and d.amount is not None:
            room[cid] = d.amount - paid[cid]
    return room


def _room_on(row: LedgerRow, room: dict[str, Decimal],
             refunds: dict[str, list[LedgerRow]]) -> dict[str, Decimal]:
    """The room of each case as of the payment's date: a refund that came later did not
    make room for this payment yet."""
    out = dict(room)
    for cid, items in refunds.items():
        if cid in out:
            out[cid] -= sum((r.amount for r in items if r.date > row.date), ZERO)
    return out


def candidates_for(row: LedgerRow, cases: dict[str, Case], room: dict[str, Decimal]) -> list[str]:
    """Approved cases this payment could be for: decided on or before its date, with room
    left for its amount. Exact matches of the remaining room come first."""
    need = -row.amount
    found = []
    for cid, left in room.items():
        decision = cases[cid].decision
        assert decision is not None
        if decision.at.date() <= row.date and left >= need:
            found.append(cid)
    return sorted(found, key=lambda c: (room[c] != need, c))


def unambiguous(row: LedgerRow, candidates: list[str], room: dict[str, Decimal]) -> str | None:
    """The one candidate, or the only one whose remaining room equals the amount exactly."""
    if len(candidates) == 1:
        return candidates[0]
    exact = [c for c in candidates if room[c] == -row.amount]
    return exact[0] if len(exact) == 1 else None


def receipt_files(root: Path) -> dict[str, list[str]]:
    """Receipt files under receipts/ whose name starts with a case id, by case id. A
    receipts/ that leads out of the team folder holds none."""
    from mmb.files import TeamFileError

    found: dict[str, list[str]] = defaultdict(list)
    try:
        paths = team_files(root, "receipts")
    except TeamFileError:
        return found  # `validate` reports the receipts it makes unusable (MMB206)
    for path in paths:
        name = path.rsplit("/", 1)[-1]
        m = re.match(r"^(\d{4}-\d{3,4})(?!\d)", name)
        if m and _plain_receipt(root, path):
            found[m.group(1)].append(path)
    return found


def _plain_receipt(root: Path, path: str) -> bool:
    """A regular file inside receipts/ (a link there is followed, never out of it)."""
    import stat

    from mmb.files import TeamFileError, resolve_team_path

    try:
        resolved, mode = resolve_team_path(root, path)
    except (TeamFileError, FileNotFoundError):
        return False
    return resolved.startswith("receipts/") and stat.S_ISREG(mode)


# --------------------------------------------------------------------------- reconcile

@dataclass
class Reconciled:
    """What a reconcile did and what is still open."""

    exports: list[ExportSummary] = field(default_factory=list)
    added: int = 0
    classified: list[tuple[LedgerRow, str]] = field(default_factory=list)
    linked: list[tuple[LedgerRow, str]] = field(default_factory=list)
    proposals: list[tuple[LedgerRow, list[str]]] = field(default_factory=list)
    receipts: list[tuple[LedgerRow, str]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    balances: list[AccountBalance] = field(default_factory=list)
    spent: dict[str, Decimal] = field(default_factory=dict)
    written: bool = False
    check: bool = False

    @property
    def open_items(self) -> int:
        return len(self.findings) + len(self.proposals) + (self.added if self.check else 0)


def reconcile(root: Path, now: datetime, *, check: bool = False, link: bool = False,
              choose: Chooser | None = None) -> Reconciled:
    """Import, link and summarise. `check`: change nothing. `link`: take unambiguous
    payment links without asking. `choose`: ask the coordinator (only on a terminal)."""
    from mmb.actions import open_team

    result = Reconciled(check=check)
    with TeamLock(root):
        ctx = open_team(root)
        team = ctx.team
        ledger = read_ledger(root)
        # A ledger that cannot be written back whole is refused: rewriting it would drop
        # the rows or cells mmb could not read, with whatever the coordinator put in them.
        if not (ledger.readable and ledger.complete):
            raise InputError(msg.R_LEDGER_BROKEN.format(problems="; ".join(
                f"row {f.line}: {f.message}" for f in ledger.findings[:3])))
        from mmb.folder import refuse_unreadable

        refuse_unreadable(ctx.doc, "reconcile")  # a case left out would not be linked
        loaded = [load_export(p, root) for p in export_files(root)]
        own = {a.iban for a in team.accounts}
        for item in loaded:
            foreign = [a for a in item.view.accounts if a not in own]
            if foreign:
                raise InputError(msg.R_FOREIGN_ACCOUNT.format(source=item.source,
                                                              accounts=", ".join(foreign)))
        cases = {c.case.id: c.case for c in ctx.doc.cases if c.case is not None}
        rows = list(ledger.rows)
        held: list[list[LedgerRow]] = []  # per export: the ledger row each transaction is
        tried: dict[int, tuple[str, str] | None] = {}  # new rows classified already
        account_by_source = {x.source: x.view.accounts[0] for x in loaded
                             if len(x.view.accounts) == 1}
        only = team.accounts[0].iban if len(team.accounts) == 1 else None

        def account_of(r: LedgerRow) -> str | None:
            return account_by_source.get(r.source, only)

        refs: dict[int, str] = {}  # ledger row (by `id()`) -> the export's end-to-end id
        for item in loaded:
            account = item.view.accounts[0] if item.view.accounts else ""
            incoming = item.view.rows
            bank_ids = [r.id or None for r in incoming]
            doubts: list[Doubt] = []
            matches = match_rows(rows, incoming, doubts=doubts, account_of=account_of,
                                 account=account if len(item.view.accounts) == 1 else None)
            if doubts:
                # Nothing is written: adding them could count a transaction twice,
                # matching them could drop one.
                raise InputError(doubt_message(item, doubts, rows, loaded))
            for k, e2e in enumerate(item.end_to_end):
                at = matches[k]
                if e2e:
                    refs[id(incoming[k] if at is None else rows[at])] = e2e
            ids, kinds = _prepare(incoming, account, matches, bank_ids, team, cases, own)
            # Adopt: the export's rows were made for this run (`load_export`); the
            # checks below only read their dates, amounts and texts.
            held.append([])
            added = merge_export(rows, incoming, account, bank_ids, adopt=True,
                                 held=held[-1], matches=matches, ids=ids)
            tried.update((id(r), k) for r, m, k in zip(incoming, matches, kinds, strict=True)
                         if m is None)
            result.exports.append(ExportSummary(item.source, item.format_name,
                                                item.view.accounts, len(incoming),
                                                len(added)))
            result.added += len(added)
        _link(root, team, cases, rows, result, link=link and not check,
              choose=None if check else choose, tried=tried, refs=refs)
        rows = sort_rows(rows)
        for number, r in enumerate(rows, start=2):
            r.row = number  # the spreadsheet row each has in the file as written
        # The import above already matched every transaction of every export with its
        # ledger row: the checks take that instead of matching all over again.
        found_at = [[r.row - 2 for r in rows_of] for rows_of in held]
        from mmb.payments import check_payments

        result.findings = sort_findings([*check_ledger(
            team=team, docs=ctx.doc.cases, rows=rows, exports=[x.view for x in loaded],
            root=root, now=now, matches=found_at), *(
            # transfers ordered with `mmb pay` that are still open after this import
            f for f in check_payments(ctx.doc, now, rows=rows)
            if f.code in ("MMB203", "MMB211", "MMB212"))])
        result.balances = _balances(rows, loaded, team)
        result.spent = _spent(rows, cases, now.year)
        changed = result.added > 0 or result.classified or result.linked or result.receipts
        if changed and not check:
            # The last step, once everything above has passed: a failure before it leaves
            # ledger.csv as it was, and the write itself refuses to replace a file that
            # changed since it was read (`write_ledger`).
            write_ledger(root, ledger, rows)
            result.written = True
    return result


def doubt_message(item: LoadedExport, doubts: Sequence[Doubt], rows: Sequence[LedgerRow],
                  loaded: Sequence[LoadedExport]) -> str:
    """Why an export is refused (`match_rows` doubts): its rows and the ledger rows they
    may or may not be, each named by file and line."""
    from mmb.money import euro

    def ledger_place(r: LedgerRow) -> str:
        if r.row:
            return msg.R_DOUBT_LEDGER_ROW.format(row=r.row)
        for other in loaded:  # added by this run from another export: name its line
            for k, mine in enumerate(other.view.rows):
                if mine is r:
                    return f"{other.source}:{other.view.lines[k]}"
        return msg.R_DOUBT_NEW_ROW  # pragma: no cover - every added row is an export's

    parts = []
    for doubt in doubts[:3]:
        first = item.view.rows[doubt.incoming[0]]
        parts.append(msg.R_DOUBT_GROUP.format(
            date=first.date, amount=euro(first.amount),
            iban=first.counterparty_iban or msg.R_DOUBT_NO_IBAN,
            export=len(doubt.incoming), ledger=len(doubt.ledger),
            theirs="; ".join(msg.R_DOUBT_ROW.format(
                place=f"{item.source}:{item.view.lines[k]}",
                text=_short(item.view.rows[k]))
                for k in sorted(doubt.incoming, key=lambda k: item.view.lines[k])),
            ours="; ".join(msg.R_DOUBT_ROW.format(place=ledger_place(rows[i]),
                                                  text=_short(rows[i]))
                           for i in doubt.ledger)))
    if len(doubts) > 3:
        parts.append(msg.R_DOUBT_MORE.format(count=len(doubts) - 3))
    return msg.R_DOUBT.format(source=item.source, groups="".join(parts))


def _short(r: LedgerRow) -> str:
    text = " ".join(f"{r.counterparty} {r.description}".split())
    return text if len(text) <= 60 else text[:59] + "…"


Prepared = tuple[tuple[list[str | None], list[int]], list[tuple[str, str] | None]]


def _prepare(incoming: Sequence[LedgerRow], account: str, matches: Sequence[int | None],
             bank_ids: Sequence[str | None], team: Team, cases: dict[str, Case],
             own: set[str]) -> Prepared:
    """For the rows of one export: their content ids (`content_ids`, where a new row
    needs one) and the classification of each new row (None elsewhere). Both are plain
    functions of each day's rows, so a big export is done half here and half in a child
    process (`split_in_two`), cut between two days."""
    needed = new_rows(matches, bank_ids)

    def work(lo: int, hi: int) -> Prepared:
        part = incoming[lo:hi]
        return (content_ids(part, account, needed[lo:hi]),
                [classify(r, team, cases, own) if m is None else None
                 for r, m in zip(part, matches[lo:hi], strict=True)])

    count = len(incoming)
    if count < MIN_ROWS:
        return work(0, count)
    cut = count // 2
    while cut < count and incoming[cut - 1].date == incoming[cut].date:
        cut += 1
    ((ids_a, occ_a), kinds_a), ((ids_b, occ_b), kinds_b) = split_in_two(work, count, cut)
    return (ids_a + ids_b, occ_a + occ_b), kinds_a + kinds_b


_UNTRIED = ("", "")  # not a classification `classify` returns


def _link(root: Path, team: Team, cases: dict[str, Case], rows: list[LedgerRow],
          result: Reconciled, *, link: bool, choose: Chooser | None,
          tried: dict[int, tuple[str, str] | None] | None = None,
          refs: dict[int, str] | None = None) -> None:
    """Classify and link the rows; `tried`: rows (by `id()`) classified already; `refs`:
    the end-to-end id the export gives a row (by `id()`)."""
    from mmb.payments import OrderIndex, unbooked_totals

    own = {a.iban for a in team.accounts}
    tried = tried or {}
    refs = refs or {}
    # A transfer `mmb pay` ordered is linked to its case first, by its end-to-end id (or
    # the case id in its remittance): a remittance that also names an invoice number
    # like a case id must not leave it unlinked or link it elsewhere.
    orders = OrderIndex(cases.values(), rows)
    for r in rows:
        if r.case or r.kind:
            continue
        booked = orders.link(r, refs.get(id(r), "")) if orders else None
        if booked is not None:
            r.case = booked.case_id
            result.classified.append((r, msg.R_PAY_LINKED.format(
                e2e=booked.payment.end_to_end_id, id=booked.case_id)))
            continue
        found = tried.get(id(r), _UNTRIED)
        if found is _UNTRIED:
            found = classify(r, team, cases, own)
        if found is not None:
            r.kind, r.case = found
            result.classified.append((r, found[0] or msg.R_CASE_PAYMENT.format(id=found[1])))
    room = _room(cases, rows)
    for cid, ordered in unbooked_totals(cases.values(), rows).items():
        if cid in room:  # money on its way by transfer is no room for a card payment
            room[cid] -= ordered
    refunds: dict[str, list[LedgerRow]] = defaultdict(list)
    for r in rows:
        if r.case and r.kind == "refund":
            refunds[r.case].append(r)
    for r in rows if room else ():  # no approved case with room: nothing to link
        if r.case or r.kind or r.amount >= 0:
            continue
        room_then = _room_on(r, room, refunds) if refunds else room
        options = candidates_for(r, cases, room_then)
        if not options:
            continue
        pick = unambiguous(r, options, room_then)
        chosen: str | None = None
        if choose is not None:
            chosen = choose(r, [CaseChoice(
                c, cases[c].purpose, cases[c].decision.amount or ZERO,  # type: ignore[union-attr]
                room_then[c]) for c in options])
        elif link and pick is not None:
            chosen = pick
        if chosen is None:
            result.proposals.append((r, options))
            continue
        r.case = chosen
        room[chosen] -= -r.amount
        result.linked.append((r, chosen))
    used = {p for r in rows if r.receipt for p in r.receipts()}
    waiting_for: dict[str, list[LedgerRow]] = defaultdict(list)
    for r in rows:
        if r.case and r.is_payment and not r.receipt:
            waiting_for[r.case].append(r)
    for cid, files in receipt_files(root).items():
        free = [f for f in files if f not in used]
        waiting = waiting_for.get(cid, [])
        if free and len(waiting) == 1:
            waiting[0].receipt = ";".join(free)
            result.receipts.append((waiting[0], waiting[0].receipt))


def _balances(rows: Sequence[LedgerRow], loaded: Sequence[LoadedExport], team: Team
              ) -> list[AccountBalance]:
    """Per account of the exports in bank/: the bank's latest stated closing balance beside
    the ledger's opening balance plus its rows up to that day (`AccountBalance`)."""
    from mmb.ledger_rules import chain_gaps

    only = team.accounts[0].iban if len(team.accounts) == 1 else None
    views = [x.view for x in loaded]
    account_of = {v.source: v.accounts[0] for v in views if len(v.accounts) == 1}
    accounts = sorted({a for v in views for a in v.accounts})
    formats: dict[str, list[str]] = defaultdict(list)
    latest: dict[str, tuple[date, Decimal, str]] = {}
    for item in loaded:
        for account in item.view.accounts:
            if item.format_name not in formats[account]:
                formats[account].append(item.format_name)
        for b in item.view.balances:
            if b.closing is None or b.closing_date is None:
                continue
            known = latest.get(b.account)
            if known is None or b.closing_date >= known[0]:
                latest[b.account] = (b.closing_date, b.closing, item.source)
    out: list[AccountBalance] = []
    for account in accounts:
        mine = [r for r in rows if account_of.get(r.source, only) == account]
        total = sum(map(_AMOUNT, mine), ZERO)
        stated = latest.get(account)
        if stated is None:
            out.append(AccountBalance(account, None, None, "", None, None, None, len(mine),
                                      total, tuple(formats[account])))
            continue
        day, closing, source = stated
        chained = [r for r in mine if r.balance is not None]
        head, _gaps = chain_gaps(chained)
        if head is None:
            out.append(AccountBalance(account, closing, day, source, None, None, None, 0,
                                      total, tuple(formats[account])))
            continue
        first = chained[head]
        assert first.balance is not None
        opening = first.balance - first.amount
        # Rows without a balance dated before the chain starts are not in it.
        counted = [r for r in mine if r.date <= day
                   and not (r.balance is None and r.date < first.date)]
        computed = opening + sum(map(_AMOUNT, counted), ZERO)
        out.append(AccountBalance(account, closing, day, source, computed, opening,
                                  first.date, len(counted), total, tuple(formats[account])))
    return out


def _spent(rows: Sequence[LedgerRow], cases: dict[str, Case], year: int) -> dict[str, Decimal]:
    """Money out for cases in `year`, net of refunds, by category."""
    spent: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for r in rows:
        if r.case in cases and r.kind in ("", "refund") and r.date.year == year:
            spent[cases[r.case].category] += -r.amount
    return dict(sorted(spent.items()))

