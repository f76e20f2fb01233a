"""The coordinator's daily corrections without a text editor (issue 16): list and show
cases, link a ledger row, add a receipt, record the follow-up.

Plain Python, like `mmb.actions`: every command checks before it writes, under the team
lock, writes atomically and never over a file changed since it was read; a refusal raises
`RefusedError` (exit 1) with every reason and leaves every file byte-identical. The checks
are the ones `mmb validate` runs (`mmb.rules`, `mmb.ledger_rules`, `mmb.payments`): a
correction is refused when validate would report an error it introduces.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from mmb import messages as msg
from mmb.actions import (
    TeamContext,
    _insert_before,
    _refuse_personal_data,
    check_written,
    fmt_time,
    open_team,
)
from mmb.errors import InputError, RefusedError, UsageError
from mmb.files import ABSENT, EditableYaml, TeamLock
from mmb.findings import Finding
from mmb.folder import CaseDoc
from mmb.ledger import KINDS, MISSING_RECEIPT, Ledger, LedgerRow, read_ledger, write_ledger
from mmb.models import Case, Decision, Followup, Member, Outcome, Vote
from mmb.money import euro
from mmb.rules import (
    ZERO,
    approvals_of,
    cap_period_text,
    count_votes,
    household_total,
)

RECEIPTS_DIR = "receipts"
#: The largest receipt `mmb receipt add` copies (a phone photo is a few MB, a scan less).
MAX_RECEIPT_BYTES = 20 * 1024 * 1024

# --------------------------------------------------------------------------- loading


def _ledger_for_writing(root: Path) -> Ledger:
    """ledger.csv read for a change: it must exist and be written back whole."""
    return _writable(read_ledger(root))


def _writable(ledger: Ledger) -> Ledger:
    """`ledger`, when it exists and can be written back whole (else refused, naming the
    rows to fix: rewriting it would drop what mmb could not read)."""
    if not ledger.exists:
        raise UsageError(msg.LINK_NO_LEDGER)
    if not (ledger.readable and ledger.complete):
        raise InputError(msg.R_LEDGER_BROKEN.format(problems="; ".join(
            f"row {f.line}: {f.message}" for f in ledger.findings[:3])))
    return ledger


def find_row(rows: Sequence[LedgerRow], wanted: str) -> int:
    """The index of the ledger row `wanted` names: its spreadsheet row number as findings
    show it (`7`, also `row 7`), else its transaction id (`mmb-3d4e5f607182`)."""
    text = wanted.strip()
    number = re.fullmatch(r"(?:row\s*)?(\d{1,7})", text, re.I)
    if number is not None:
        n = int(number.group(1))
        for i, r in enumerate(rows):
            if r.row == n:
                return i
    for i, r in enumerate(rows):
        if r.id and r.id == text:
            return i
    last = max((r.row for r in rows), default=1)
    raise UsageError(msg.LINK_NO_ROW.format(row=text, last=last))


# --------------------------------------------------------------------------- case list

@dataclass(frozen=True)
class CaseLine:
    """One case as `mmb case list` shows it; `problem` set when its file cannot be read."""

    case_id: str
    path: str
    opened: datetime | None = None
    category: str = ""
    household: str = ""
    amount: Decimal | None = None
    state: str = ""
    approved: Decimal | None = None
    paid: Decimal = ZERO
    ordered: Decimal = ZERO
    no_receipt: int = 0
    problem: str | None = None

    @property
    def left(self) -> Decimal | None:
        if self.approved is None:
            return None
        return self.approved - self.paid - self.ordered


@dataclass(frozen=True)
class CaseFilter:
    pending: bool = False
    unpaid: bool = False
    no_receipt: bool = False
    year: int | None = None


def list_cases(root: Path, wanted: CaseFilter) -> list[CaseLine]:
    """Every case of the team with its state and money, filtered. A case file that cannot
    be read is listed with its problem under every filter but `--year` (its year unknown
    when the file holds none): a broken file is never left out without a word."""
    from mmb.payments import left_to_pay, rows_by_case

    ctx = open_team(root)
    ledger = read_ledger(root)
    by_case = rows_by_case(ledger.rows)
    out: list[CaseLine] = []
    for c in ctx.doc.cases:
        case = c.case
        problem = "; ".join(f"line {f.line}: {f.message}" for f in c.doc.findings[:2]) or None
        if case is None:
            year = c.stem[:4]
            if wanted.year is None or not year.isdigit() or int(year) == wanted.year:
                out.append(CaseLine(c.stem, c.rel, problem=problem or msg.CASE_UNREADABLE))
            continue
        rows = by_case.get(case.id, [])
        left = left_to_pay(case, rows)
        d = case.decision
        approved = (d.amount or ZERO) if d is not None and d.outcome is Outcome.approved else None
        line = CaseLine(
            case.id, c.rel, case.opened, case.category, case.household, case.amount,
            d.outcome.value if d is not None else msg.CASE_STATE_PENDING, approved,
            left.paid, left.ordered, sum(1 for r in rows if r.is_payment and not r.receipt),
            problem)
        if wanted.year is not None and case.opened.year != wanted.year:
            continue
        if wanted.pending and d is not None:
            continue
        if wanted.unpaid and not (line.approved is not None and (line.left or ZERO) > 0):
            continue
        if wanted.no_receipt and not line.no_receipt:
            continue
        out.append(line)
    out.sort(key=lambda x: x.case_id)
    return out


def case_lines_json(lines: Sequence[CaseLine]) -> str:
    """`mmb case list --format json`: amounts as exact strings with two decimals."""
    import json

    from mmb.money import money_str

    def money(value: Decimal | None) -> str | None:
        return None if value is None else money_str(value)

    items = []
    for x in lines:
        readable = x.opened is not None
        items.append({
            "id": x.case_id, "path": x.path,
            "opened": fmt_time(x.opened) if x.opened is not None else None,
            "category": x.category or None, "household": x.household or None,
            "amount": money(x.amount), "state": x.state or None,
            "approved": money(x.approved), "paid": money(x.paid) if readable else None,
            "ordered": money(x.ordered) if readable else None, "left": money(x.left),
            "payments_without_receipt": x.no_receipt if readable else None,
            "problem": x.problem})
    return json.dumps({"cases": items}, indent=2, ensure_ascii=False)


# --------------------------------------------------------------------------- case show

@dataclass(frozen=True)
class VoteLine:
    vote: Vote
    counts: bool
    reason: str | None


@dataclass(frozen=True)
class Room:
    """The household's room under the cap, as of `at`."""

    household: str
    total: Decimal
    cap: Decimal | None
    period: str
    cases: tuple[tuple[str, Decimal], ...]

    @property
    def room(self) -> Decimal | None:
        return None if self.cap is None else self.cap - self.total


@dataclass
class CaseView:
    """Everything `mmb case show` says about one case."""

    case: Case
    path: str
    votes: list[VoteLine]
    approvals: list[str]
    quorum: int
    room: Room
    rows: list[LedgerRow]
    receipts: list[tuple[str, bool]]
    """Receipt files named after the case or linked to its rows: (path, linked)."""
    approved: Decimal
    paid: Decimal
    ordered: Decimal
    orders: list[tuple[str, Decimal, str, int | None]]
    """Transfers `mmb pay` ordered: (end-to-end id, amount, ordered at, ledger row or None)."""
    findings: list[Finding] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    """Case files of the team that cannot be read: the room leaves them out."""

    @property
    def left(self) -> Decimal:
        return self.approved - self.paid - self.ordered


def show_case(root: Path, case_id: str, now: datetime) -> CaseView:
    """One case with its votes (counted or not, and why: `mmb.rules.count_votes`, the
    count `approve` makes), decision, history, payments, receipts, the household's room
    under the cap (`mmb.rules.household_total`, as `approve` computes it) and what
    `validate` finds in it."""
    from mmb.payments import left_to_pay, order_states, rows_by_case
    from mmb.reconcile import receipt_files
    from mmb.validate import validate_team

    ctx = open_team(root)
    cdoc = ctx.case(case_id)
    case = cdoc.case
    assert case is not None
    decision = case.decision
    tally = count_votes(case, ctx.members, decision.at if decision is not None else None)
    not_counted = {i: reason for i, _, reason in tally.not_counted}
    votes = [VoteLine(v, i not in not_counted, not_counted.get(i)) for i, v in
             enumerate(case.votes)]
    valid = [c for c in ctx.doc.cases if c.case is not None]
    approvals = approvals_of(valid)
    at = now
    total, earlier = household_total(ctx.team, approvals, case.household, at)
    room = Room(case.household, total, ctx.team.rules.household_cap,
                cap_period_text(ctx.team.rules.household_cap_period, at),
                tuple((a.case_id, a.amount) for a in earlier))
    ledger = read_ledger(root)
    rows = rows_by_case(ledger.rows).get(case.id, [])
    left = left_to_pay(case, rows)
    orders = [(s.payment.end_to_end_id, s.payment.amount, fmt_time(s.payment.ordered_at),
               s.booked.row if s.booked is not None else None)
              for s in order_states(case, rows)]
    linked = {p for r in rows for p in r.receipts()}
    named = receipt_files(root).get(case.id, [])
    receipts = [(p, p in linked) for p in sorted(set(named) | linked)]
    unreadable = [c.rel for c in ctx.doc.cases if c.case is None]
    # What `validate` reports, from its cache when nothing changed since it last ran
    # (else checked afresh from what is loaded here, and the cache refreshed).
    found, _ = validate_team(root, now, use_cache=not os.environ.get("MMB_NO_CACHE"),
                             load=lambda: (ctx.doc, ledger))
    mine = [f for f in found if f.case == case.id or f.path == cdoc.rel]
    from mmb.findings import sort_findings

    return CaseView(case, cdoc.rel, votes, tally.approvals, ctx.team.rules.quorum, room,
                    rows, receipts, left.approved, left.paid, left.ordered, orders,
                    sort_findings(set(mine)), unreadable)


def _decision_text(d: Decision) -> str:
    parts = [msg.SHOW_DECISION.format(outcome=d.outcome.value, at=fmt_time(d.at), by=d.by)]
    if d.amount is not None:
        parts.append(msg.SHOW_DECISION_AMOUNT.format(amount=euro(d.amount)))
    if d.solved_by:
        parts.append(msg.SHOW_DECISION_SOLVED_BY.format(solved_by=d.solved_by))
    if d.note:
        parts.append(msg.SHOW_NOTE.format(note=d.note))
    return "".join(parts)


def render_case(view: CaseView, now: datetime) -> list[str]:
    """The lines of `mmb case show` (plain text; the CLI shows them `visible`)."""
    from mmb.privacy import mask

    c = view.case
    out = [msg.SHOW_HEADER.format(id=c.id, path=view.path),
           msg.SHOW_OPENED.format(opened=fmt_time(c.opened), by=c.requested_by),
           msg.SHOW_REQUEST.format(household=c.household, category=c.category,
                                   amount=euro(c.amount)),
           msg.SHOW_PURPOSE.format(purpose=" ".join(c.purpose.split()))]
    for a in c.alternatives:
        out.append(msg.SHOW_ALTERNATIVE.format(text=a))
    out.append(msg.SHOW_VOTES.format(count=len(view.approvals), quorum=view.quorum,
                                     counted=", ".join(view.approvals) or msg.NOBODY))
    if not view.votes:
        out.append(msg.SHOW_NO_VOTES)
    for v in view.votes:
        note = msg.SHOW_NOTE.format(note=v.vote.note) if v.vote.note else ""
        state = msg.SHOW_VOTE_COUNTS if v.counts else msg.SHOW_VOTE_NOT.format(
            reason=v.reason)
        out.append(msg.SHOW_VOTE_ROW.format(member=mask(v.vote.member), vote=v.vote.vote.value,
                                            at=fmt_time(v.vote.at), state=state, note=note))
    d = c.decision
    if d is None:
        hours = int((now - c.opened).total_seconds() // 3600)
        out.append(msg.SHOW_PENDING.format(hours=max(hours, 0)))
    else:
        out.append(_decision_text(d))
    for h in c.history:
        out.append(msg.SHOW_HISTORY_ROW.format(
            decision=_decision_text(h), reopened_at=fmt_time(h.reopened_at),
            reopened_by=h.reopened_by, reason=h.reason))
    if c.followup is not None:
        fu = c.followup
        out.append(msg.SHOW_FOLLOWUP.format(
            at=fu.at.isoformat(), regret=msg.SHOW_REGRET if fu.regret else msg.SHOW_NO_REGRET,
            note=msg.SHOW_NOTE.format(note=fu.note) if fu.note else ""))
    r = view.room
    if r.cap is None:
        out.append(msg.SHOW_ROOM_NO_CAP.format(household=r.household, total=euro(r.total),
                                               period=r.period))
    else:
        out.append(msg.SHOW_ROOM.format(household=r.household, total=euro(r.total),
                                        period=r.period, cap=euro(r.cap),
                                        room=euro(r.room or ZERO)))
    if view.unreadable:
        out.append(msg.SHOW_ROOM_UNREADABLE.format(files=", ".join(view.unreadable)))
    if r.cases:
        out.append(msg.SHOW_ROOM_CASES.format(cases=", ".join(
            f"{cid} {euro(amount)}" for cid, amount in r.cases)))
    if d is not None and d.outcome is Outcome.approved:
        out.append(msg.SHOW_MONEY.format(approved=euro(view.approved), paid=euro(view.paid),
                                         ordered=euro(view.ordered), left=euro(view.left)))
    if view.rows:
        out.append(msg.SHOW_PAYMENTS.format(count=len(view.rows)))
        for row in view.rows:
            out.append(msg.SHOW_PAYMENT_ROW.format(
                row=row.row, date=row.date.isoformat(), amount=euro(row.amount),
                who=row.counterparty or row.description[:40] or msg.L_UNKNOWN_PARTY,
                kind=f" ({row.kind})" if row.kind else "",
                receipt=row.receipt or (msg.SHOW_NO_RECEIPT if row.is_payment else "-")))
    elif d is not None and d.outcome is Outcome.approved:
        out.append(msg.SHOW_NO_PAYMENTS)
    for e2e, amount, ordered_at, booked in view.orders:
        out.append(msg.SHOW_ORDER_ROW.format(
            e2e=e2e, amount=euro(amount), at=ordered_at,
            booked=msg.SHOW_ORDER_BOOKED.format(row=booked) if booked is not None
            else msg.SHOW_ORDER_OPEN))
    if view.receipts:
        out.append(msg.SHOW_RECEIPTS)
        for path, linked in view.receipts:
            out.append(msg.SHOW_RECEIPT_ROW.format(
                path=path, state="" if linked else msg.SHOW_RECEIPT_UNLINKED))
    if view.findings:
        out.append(msg.SHOW_FINDINGS.format(count=len(view.findings)))
        for found in view.findings:
            out.append(msg.SHOW_FINDING_ROW.format(
                path=found.path, line=found.line, level=found.level, code=found.code,
                message=found.message))
    return out


# --------------------------------------------------------------------------- link

@dataclass(frozen=True)
class Linked:
    row: LedgerRow
    before: LedgerRow
    warnings: list[str]


def _link_errors(ctx: TeamContext, rows: Sequence[LedgerRow], now: datetime) -> dict[
        tuple[str, int, str | None], Finding]:
    """The errors validate reports on the cash book and the payments (by code, line and
    case), leaving out what depends only on the bank exports (MMB201, MMB207, MMB210:
    a link does not change them) and MMB205 (a receipt still to come, handled apart)."""
    from mmb.ledger_rules import check_ledger
    from mmb.payments import check_payments

    found = check_ledger(team=ctx.team, docs=ctx.doc.cases, rows=rows, exports=[],
                         root=ctx.root, now=now)
    found += check_payments(ctx.doc, now, rows=rows)
    return {(f.code, f.line, f.case): f for f in found
            if f.level == "error" and f.code != "MMB205"}


def _refuse_new_errors(ctx: TeamContext, before: Sequence[LedgerRow],
                       after: Sequence[LedgerRow], now: datetime,
                       ignore: frozenset[tuple[str, int, str]] = frozenset()) -> None:
    """Refuse, listing each, the errors `after` has that `before` has not; `ignore`:
    (code, line, message) of findings that are no error of the change."""
    old = _link_errors(ctx, before, now)
    new = _link_errors(ctx, after, now)
    reasons = [msg.LINK_FINDING.format(path=f.path, line=f.line, code=f.code,
                                       message=f.message)
               for key, f in sorted(new.items(), key=lambda kv: (kv[0][1], kv[0][0]))
               if key not in old and (f.code, f.line, f.message) not in ignore]
    if reasons:
        raise RefusedError(msg.REFUSED.format(reasons="\n  - ".join(reasons)))


def _receipt_warning(row: LedgerRow, grace: int, today: date) -> str | None:
    if row.case and row.is_payment and not row.receipt:
        return msg.LINK_NEEDS_RECEIPT.format(id=row.case, row=row.row,
                                             days=max(grace - (today - row.date).days, 0))
    return None


def link_row(root: Path, row: str, case_id: str | None, *, kind: str | None,
             note: str | None, replace_link: bool, now: datetime) -> Linked:
    """Link ledger row `row` to a case (a payment, or with `kind` refund a refund), or give
    it a kind (and note). Refused when validate would report an error the link brings
    (an unknown or unapproved case, a payment before the decision or over the approved
    amount, a receipt shared between cases, `other` without a note, ...) and, without
    `replace_link`, when the row is linked already."""
    kind = (kind or "").strip()
    case_id = (case_id or "").strip().lstrip("#") or None
    if kind and kind not in KINDS:
        raise UsageError(msg.LINK_BAD_KIND.format(kind=kind, kinds=", ".join(KINDS)))
    if case_id is None and not kind:
        raise UsageError(msg.LINK_NOTHING)
    if case_id is not None and kind not in ("", "refund"):
        raise UsageError(msg.LINK_CASE_AND_KIND.format(kind=kind))
    if note is not None:
        _refuse_personal_data({"--note": note})
    with TeamLock(root):
        ctx = open_team(root)
        ledger = _ledger_for_writing(root)
        rows = list(ledger.rows)
        i = find_row(rows, row)
        old = rows[i]
        if case_id is not None:
            case_id = ctx.case(case_id).case.id  # type: ignore[union-attr]
        if kind == "refund" and old.amount <= 0:
            raise RefusedError(msg.REFUSED.format(reasons=msg.LINK_REFUND_OUT.format(
                row=old.row, amount=euro(old.amount))))
        if case_id is not None and not kind and old.amount > 0:
            raise RefusedError(msg.REFUSED.format(reasons=msg.LINK_PAYMENT_IN.format(
                row=old.row, amount=euro(old.amount), id=case_id)))
        new = replace(old, case=case_id or "", kind=kind,
                      note=note.strip() if note is not None else old.note)
        # What ledger.csv itself requires (read errors, not rules): a note for `other`
        # and for a receipt declared `missing`.
        if new.kind == "other" and not new.note:
            raise UsageError(msg.LINK_OTHER_NOTE)
        if new.receipt == MISSING_RECEIPT and not new.note:
            raise RefusedError(msg.REFUSED.format(reasons=msg.LINK_MISSING_NOTE.format(
                row=old.row)))
        if (new.case, new.kind, new.note) == (old.case, old.kind, old.note):
            raise RefusedError(msg.REFUSED.format(reasons=msg.LINK_SAME.format(row=old.row)))
        if (old.case or old.kind) and (old.case, old.kind) != (new.case, new.kind) and (
                not replace_link):
            raise RefusedError(msg.REFUSED.format(reasons=msg.LINK_ALREADY.format(
                row=old.row, now=_link_text(old))))
        rows[i] = new
        _refuse_new_errors(ctx, ledger.rows, rows, now)
        write_ledger(root, ledger, rows)
    warnings = []
    wait = _receipt_warning(new, ctx.team.rules.receipt_grace_days, now.date())
    if wait:
        warnings.append(wait)
    return Linked(new, old, warnings)


def _link_text(r: LedgerRow) -> str:
    if r.case and r.kind:
        return msg.LINK_TEXT_CASE_KIND.format(id=r.case, kind=r.kind)
    if r.case:
        return msg.LINK_TEXT_CASE.format(id=r.case)
    if r.kind:
        return msg.LINK_TEXT_KIND.format(kind=r.kind)
    return msg.LINK_TEXT_NONE


def link_text(r: LedgerRow) -> str:
    """How a row is linked, in words (for the CLI)."""
    return _link_text(r)


# --------------------------------------------------------------------------- receipts

#: File types taken as receipts, recognised by their content (never by the name).
_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"%PDF-", 0, "pdf"),
    (b"\xff\xd8\xff", 0, "jpg"),
    (b"\x89PNG\r\n\x1a\n", 0, "png"),
    (b"GIF87a", 0, "gif"),
    (b"GIF89a", 0, "gif"),
    (b"II*\x00", 0, "tif"),
    (b"MM\x00*", 0, "tif"),
)
_HEIF_BRANDS = {b"heic": "heic", b"heix": "heic", b"mif1": "heic", b"msf1": "heic",
                b"heif": "heic", b"avif": "avif"}
RECEIPT_TYPES = "PDF, JPEG, PNG, HEIC, WebP, GIF, TIFF"


def receipt_type(data: bytes) -> str | None:
    """The extension for a receipt's bytes (pdf, jpg, png, heic, webp, gif, tif), or
    None when they are none of these."""
    for magic, offset, ext in _SIGNATURES:
        if data[offset:offset + len(magic)] == magic:
            return ext
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp":
        return _HEIF_BRANDS.get(data[8:12])
    return None


def _slug(text: str, limit: int = 30) -> str:
    """A short file-name part from a counterparty: lowercase letters and digits joined
    by hyphens, accents dropped ("Fietsenmaker De Spaak AMSTERDAM NLD" ->
    "fietsenmaker-de-spaak")."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", plain)
    # The card terminal's town and country (the last capitalised words) say nothing.
    while len(words) > 1 and words[-1] in {"nld", "nl", "amsterdam", "bv", "b", "v"}:
        words.pop()
    out = ""
    for w in words[:4]:
        if len(out) + len(w) + 1 > limit:
            break
        out = f"{out}-{w}" if out else w
    return out


def receipt_name(case_id: str, row: LedgerRow | None, ext: str, taken: set[str]) -> str:
    """`receipts/<case>-<counterparty>.<ext>` as the team's receipts are named (the case
    id first, so `mmb reconcile` finds it), `-2`, `-3` ... when that name is taken."""
    base = _slug(row.counterparty) if row is not None and row.counterparty else ""
    stem = f"{case_id}-{base or 'bon'}"
    name = f"{RECEIPTS_DIR}/{stem}.{ext}"
    n = 2
    while name in taken:
        name = f"{RECEIPTS_DIR}/{stem}-{n}.{ext}"
        n += 1
    return name


@dataclass(frozen=True)
class ReceiptAdded:
    path: str
    row: LedgerRow | None
    """The ledger row it was linked on (None: none waits for it yet)."""


#: Asked when more than one payment of the case could take the receipt: gets the rows,
#: returns the one chosen (None: stop, nothing written).
RowChooser = Callable[[list[LedgerRow]], LedgerRow | None]


def add_receipt(root: Path, source: Path, case_id: str, *, row: str | None, now: datetime,
                choose: RowChooser | None = None) -> ReceiptAdded:
    """Copy `source` (a photo or PDF) into receipts/ named after the case and link it on
    the case's payment row: `row`, else the one payment of the case without a receipt
    (`choose` asks when there are more). A case with no payment in ledger.csv yet gets the
    file only: `mmb reconcile` links it once the payment is imported. Refused: a source
    that is not a regular file, too large, not a known type, the same file as a receipt
    there already, a case that is not approved, a row not of the case."""
    import hashlib
    import os
    import stat

    from mmb.files import (
        TeamDir,
        TeamFileError,
        atomic_write_bytes,
        read_regular_file,
        read_team_file,
    )
    from mmb.reconcile import team_files

    try:
        data = read_regular_file(source, MAX_RECEIPT_BYTES)
    except FileNotFoundError:
        raise UsageError(msg.RECEIPT_NO_FILE.format(path=source)) from None
    except TeamFileError as exc:
        raise UsageError(msg.RECEIPT_REFUSED.format(path=source, reason=exc.message)) from None
    ext = receipt_type(data)
    if ext is None:
        raise UsageError(msg.RECEIPT_TYPE.format(path=source, types=RECEIPT_TYPES))
    with TeamLock(root):
        ctx = open_team(root)
        case = ctx.case(case_id).case
        assert case is not None
        d = case.decision
        if d is None or d.outcome is not Outcome.approved:
            raise RefusedError(msg.REFUSED.format(reasons=msg.RECEIPT_NOT_APPROVED.format(
                id=case.id, state=d.outcome.value if d is not None else msg.L_PENDING)))
        try:
            with TeamDir(root, RECEIPTS_DIR) as folder:
                if folder.fd is not None and folder.resolved != RECEIPTS_DIR:
                    raise InputError(msg.RECEIPT_DIR_LINK)
            existing = team_files(root, RECEIPTS_DIR)
        except TeamFileError as exc:
            raise InputError(msg.RECEIPT_DIR_BROKEN.format(reason=exc.message)) from None
        digest = hashlib.sha256(data).digest()
        for path in existing:
            # Only a file of the same size can be the same file: a year of receipts is
            # not read whole for this.
            try:
                info = os.lstat(root / path)
                if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
                    continue
                same = hashlib.sha256(read_team_file(root, path, MAX_RECEIPT_BYTES)).digest()
            except (TeamFileError, OSError):
                continue
            if same == digest:
                raise RefusedError(msg.REFUSED.format(reasons=msg.RECEIPT_SAME_FILE.format(
                    path=path)))
        ledger = read_ledger(root)
        rows = list(ledger.rows)
        target: int | None = None
        if row is not None:
            target = find_row(_writable(ledger).rows, row)
            if rows[target].case != case.id or not rows[target].is_payment:
                raise RefusedError(msg.REFUSED.format(reasons=msg.RECEIPT_ROW_NOT_CASE.format(
                    row=rows[target].row, id=case.id, now=_link_text(rows[target]))))
        else:
            mine = [i for i, r in enumerate(rows) if r.case == case.id and r.is_payment]
            waiting = [i for i in mine if not rows[i].receipt or
                       rows[i].receipt == MISSING_RECEIPT]
            if len(waiting) == 1:
                target = waiting[0]
            elif len(waiting) > 1 or (mine and not waiting):
                options = [rows[i] for i in (waiting or mine)]
                picked = choose(options) if choose is not None else None
                if picked is None:
                    text = msg.RECEIPT_WHICH_ROW if waiting else msg.RECEIPT_ALL_HAVE
                    raise UsageError(text.format(id=case.id, rows=", ".join(
                        msg.RECEIPT_ROW_OPTION.format(row=r.row, date=r.date.isoformat(),
                                                      amount=euro(r.amount),
                                                      receipt=r.receipt or "-")
                        for r in options)))
                target = next(i for i, r in enumerate(rows) if r is picked)
            if target is not None:
                _writable(ledger)
        chosen = rows[target] if target is not None else None
        name = receipt_name(case.id, chosen, ext, set(existing))
        if chosen is not None:
            kept = [p for p in chosen.receipts()]
            rows[target] = replace(chosen, receipt=";".join([*kept, name]))  # type: ignore[index]
            # The copy is not there yet: its absence (MMB206) is no error of the link.
            absent = ("MMB206", chosen.row, msg.L206_ABSENT.format(path=name))
            _refuse_new_errors(ctx, ledger.rows, rows, now, frozenset({absent}))
        target_path = root / name
        (root / RECEIPTS_DIR).mkdir(exist_ok=True)
        atomic_write_bytes(target_path, data, unchanged=ABSENT, rel=name)
        if chosen is not None:
            try:
                write_ledger(root, ledger, rows)
            except BaseException:
                target_path.unlink(missing_ok=True)  # nothing half done: the copy goes too
                raise
    return ReceiptAdded(name, rows[target] if target is not None else None)


# --------------------------------------------------------------------------- followup

@dataclass(frozen=True)
class FollowedUp:
    case_id: str
    followup: Followup
    replaced: Followup | None


def record_followup(root: Path, case_id: str, *, regret: bool | None, note: str,
                    at: date | None, replace_followup: bool, now: datetime) -> FollowedUp:
    """Write the case's `followup:` (did the help work out? any regret?). Only for a case
    that was approved or solved otherwise (a pending, rejected or withdrawn case has
    nothing to follow up); dated today unless `at`, never before the decision nor in the
    future; an existing follow-up is replaced only with `replace_followup`."""
    note = note.strip()
    if not note:
        raise UsageError(msg.OPTION_EMPTY.format(option="--note"))
    day = at or now.date()
    if day > now.date():
        raise UsageError(msg.OPTION_IN_FUTURE.format(option="--at"))
    _refuse_personal_data({"--note": note})
    with TeamLock(root):
        ctx = open_team(root)
        cdoc = ctx.case(case_id)
        case = cdoc.case
        assert case is not None
        d = case.decision
        if d is None or d.outcome not in (Outcome.approved, Outcome.solved_otherwise):
            raise RefusedError(msg.REFUSED.format(reasons=msg.FOLLOWUP_NOT_DECIDED.format(
                id=case.id, state=d.outcome.value if d is not None else msg.L_PENDING)))
        if day < d.at.date():
            raise RefusedError(msg.REFUSED.format(reasons=msg.FOLLOWUP_BEFORE.format(
                at=day.isoformat(), decided=d.at.date().isoformat())))
        if case.followup is not None and not replace_followup:
            old = case.followup
            raise RefusedError(msg.REFUSED.format(reasons=msg.FOLLOWUP_EXISTS.format(
                id=case.id, at=old.at.isoformat(), note=old.note or "-")))
        followup = Followup(at=day, regret=bool(regret), note=note)
        expected = case.model_copy(update={"followup": followup})
        _write_followup(cdoc, ctx, followup, regret, expected)
    return FollowedUp(case.id, followup, case.followup)


def _write_followup(cdoc: CaseDoc, ctx: TeamContext, followup: Followup,
                    regret: bool | None, expected: Case) -> None:
    from ruamel.yaml.comments import CommentedMap

    edit = EditableYaml(ctx.root / cdoc.rel, cdoc.rel)
    entry = CommentedMap()
    entry["at"] = followup.at  # a date: written plain, 2026-06-01
    if regret is not None:
        entry["regret"] = regret
    entry["note"] = followup.note
    if "followup" in edit.data:
        edit.data["followup"] = entry
    else:
        _insert_before(edit.data, "followup", entry,
                       ("payee", "payee_reference", "payments", "history"))
    edit.save(check_written(edit, expected))


# --------------------------------------------------------------------------- case new

def check_member_answer(members: dict[str, Member], answer: str, on: date) -> str | None:
    """Why `answer` cannot be the requester of a case opened on `on` (None: it can)."""
    from mmb.actions import unknown_member_message
    from mmb.rules import find_member

    member = find_member(members, answer)
    if member is None:
        return unknown_member_message(members, answer, None)
    if not member.active_on(on):
        return msg.OPTION_INACTIVE_MEMBER.format(member=member.id, day=on)
    return None


def pick_category(categories: Sequence[str], answer: str) -> str | None:
    """The category an answer names: its number in the list shown, or its name (capitals
    ignored); None when it names none."""
    text = answer.strip()
    if text.isdigit() and 1 <= int(text) <= len(categories):
        return categories[int(text) - 1]
    for c in categories:
        if c.casefold() == text.casefold():
            return c
    return None


def check_household_answer(pattern: str | None, answer: str) -> str | None:
    """Why `answer` cannot be a household code of the team (None: it can)."""
    from mmb.models import DEFAULT_HOUSEHOLD_PATTERN, household_regex
    from mmb.privacy import KIND_LABELS, find_personal_data, mask

    text = answer.strip()
    hits = find_personal_data(text)
    if hits:
        return msg.REFUSE_PERSONAL_DATA.format(field="household", kind=KIND_LABELS[hits[0].kind],
                                               masked=hits[0].masked)
    if not household_regex(pattern).fullmatch(text):
        return msg.REFUSE_HOUSEHOLD.format(code=mask(text),
                                           pattern=pattern or DEFAULT_HOUSEHOLD_PATTERN)
    return None


def check_text_answer(name: str, answer: str) -> str | None:
    """Why a free text (the purpose) cannot be stored (None: it can)."""
    from mmb.privacy import KIND_LABELS, find_personal_data

    hits = find_personal_data(answer)
    if hits:
        return msg.REFUSE_PERSONAL_DATA.format(field=name, kind=KIND_LABELS[hits[0].kind],
                                               masked=hits[0].masked)
    return None
