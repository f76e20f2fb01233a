"""`mmb pay`: a SEPA credit-transfer batch (pain.001) for approved cases with a payee,
each transfer recorded as ordered in its case (issue 21).

Everything is checked before anything is written, under the team lock: team.yaml,
payees.yaml and ledger.csv readable, each case approved without an error in its file, its
payee in payees.yaml with an unchanged IBAN (MMB212), money left to pay (approved − paid
in the ledger − ordered and not booked yet), the execution date a bank business day and
not in the past, every text in SEPA characters. The file is made and checked against the
official XSD and read back (`mmb.sepa.batch_xml`), every case file is edited and read back
as what it must become, and only then are files written.

The order of the writes, so that a crash can never leave a file that could be paid twice:
1. the batch is written to a hidden temporary file beside the output (flushed to disk);
2. each case file gets its order (atomically, each checked unchanged since it was read);
3. the temporary file becomes the output file (a new name: an existing file is never
   replaced).
A crash before 2 leaves nothing (a stray hidden temporary file at most): run it again. A
crash during 2 or before 3 leaves orders recorded without their file; they are never
ordered again, MMB211 reports them after 10 days, and `mmb pay --again BATCH -o FILE`
writes their file from what the case files recorded. The other order (the file first)
could leave a file without its orders, which a second `mmb pay` would order again: a
double payment. So a file exists only for orders that are recorded.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from mmb import messages as msg
from mmb.errors import ConflictError, InputError, MmbError, RefusedError, UsageError
from mmb.files import EditableYaml, TeamLock
from mmb.findings import Finding
from mmb.folder import CaseDoc
from mmb.ledger import LedgerRow
from mmb.models import END_TO_END_ID_RE, Account, Case, Outcome, Payment, Team
from mmb.money import euro
from mmb.payees import PayeeFile

#: How far ahead an execution date may be (a year typed wrong is refused, not sent).
MAX_DAYS_AHEAD = 365


@dataclass(frozen=True)
class Planned:
    """One transfer of the batch."""

    case_id: str
    payee: str
    amount: Decimal
    end_to_end_id: str
    remittance: str


@dataclass(frozen=True)
class LeftOut:
    """An approved case with money left that is not in the batch, and why."""

    case_id: str
    reason: str


@dataclass
class PayResult:
    batch_id: str
    output: Path
    execution_date: date
    debtor_iban: str
    version: str
    transfers: list[Planned]
    left_out: list[LeftOut] = field(default_factory=list)
    cases_written: list[str] = field(default_factory=list)
    again: bool = False

    @property
    def total(self) -> Decimal:
        return sum((t.amount for t in self.transfers), Decimal(0))


@dataclass
class _State:
    """A team loaded for `mmb pay`."""

    root: Path
    team: Team
    cases: list[CaseDoc]
    payees: PayeeFile
    rows: dict[str, list[LedgerRow]]
    errors: dict[str, list[Finding]]
    changed: set[str]


def parse_date(text: str, option: str) -> date:
    """A `YYYY-MM-DD` option value."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(msg.OPTION_PREFIX.format(
            option=option, text=msg.DATE_BAD.format(value=text))) from None


def execution_day(given: date | None, today: date) -> date:
    """The execution date: the one given, which must be a business day from today on,
    else the first business day from today."""
    from mmb.sepa import is_business_day, next_business_day

    if given is None:
        return next_business_day(today)
    if given < today:
        raise UsageError(msg.PAY_DATE_PAST.format(day=given, today=today))
    if given > today + timedelta(days=MAX_DAYS_AHEAD):
        raise UsageError(msg.PAY_DATE_FAR.format(day=given))
    if not is_business_day(given):
        raise UsageError(msg.PAY_DATE_NOT_BUSINESS.format(day=given,
                                                          next=next_business_day(given)))
    return given


def _load(root: Path, now: datetime) -> _State:
    from mmb.actions import open_team
    from mmb.ledger import read_ledger
    from mmb.payees import load_payees
    from mmb.payments import check_payments, iban_changes, rows_by_case
    from mmb.rules import check_team

    ctx = open_team(root)
    payees = load_payees(root, ctx.team)
    if not payees.readable:
        raise InputError(msg.PAY_PAYEES_UNREADABLE.format(problems=_problems(payees.findings)))
    ledger = read_ledger(root)
    if not (ledger.readable and ledger.complete):
        raise InputError(msg.PAY_LEDGER_BROKEN.format(problems=_problems(ledger.findings)))
    from mmb.folder import refuse_unreadable

    refuse_unreadable(ctx.doc, "pay")
    found = check_team(ctx.doc, now) + check_payments(ctx.doc, now, ledger)
    errors: dict[str, list[Finding]] = {}
    for f in found:
        if f.case and f.level == "error":
            errors.setdefault(f.case, []).append(f)
    valid = [c.case for c in ctx.doc.cases if c.case is not None]
    return _State(root, ctx.team, ctx.doc.cases, payees, rows_by_case(ledger.rows), errors,
                  set(iban_changes(valid, payees)))


def _problems(findings: Sequence[Finding]) -> str:
    return "; ".join(f"{f.path}:{f.line}: {f.message}" for f in list(findings)[:3])


def debtor_account(team: Team, account: str | None) -> tuple[Account, str]:
    """The team account to pay from (`--account`, or the only one) and the debtor name
    in SEPA characters (the account's `name`, else the team's)."""
    from mmb.iban import format_iban, normalise
    from mmb.sepa import sepa_text, shown_characters

    known = ", ".join(format_iban(a.iban) for a in team.accounts) or msg.NOBODY
    if account is not None:
        chosen = [a for a in team.accounts if a.iban == normalise(account)]
        if not chosen:
            raise UsageError(msg.PAY_ACCOUNT_UNKNOWN.format(account=account, known=known))
        found = chosen[0]
    elif len(team.accounts) == 1:
        found = team.accounts[0]
    elif not team.accounts:
        raise InputError(msg.PAY_NO_ACCOUNT)
    else:
        raise UsageError(msg.PAY_ACCOUNT_AMBIGUOUS.format(known=known))
    name, bad = sepa_text(found.name or team.name)
    if bad or not name or len(name) > 70:
        raise RefusedError(msg.REFUSED.format(reasons=msg.PAY_DEBTOR_NAME.format(
            name=found.name or team.name, characters=shown_characters(bad) or "-")))
    return found, name


def _check_output(root: Path, output: Path) -> None:
    """The batch file must be new, in an existing folder, and not in a folder of the team
    folder that mmb reads as data (bank/, cases/, receipts/)."""
    if output.exists() or output.is_symlink():
        raise UsageError(msg.PAY_OUTPUT_EXISTS.format(path=output))
    if not output.parent.is_dir():
        raise UsageError(msg.PAY_OUTPUT_FOLDER.format(path=output))
    try:
        inside = output.parent.resolve().relative_to(root.resolve())
    except ValueError:
        return
    if inside.parts and inside.parts[0] in ("bank", "cases", "receipts"):
        raise UsageError(msg.PAY_OUTPUT_IN_DATA.format(path=output, folder=inside.parts[0]))


def _plan(state: _State, cdoc: CaseDoc, amount: Decimal | None, *,
          named: bool = True) -> Planned | str:
    """The transfer for one case, or why there is none. `named`: the coordinator named
    the case; else (every eligible case) a case paid or ordered in part is left out: the
    rest may not be owed (the invoice was lower, the supplier refunded), so paying it takes
    the coordinator naming the case."""
    from mmb.payments import left_to_pay
    from mmb.sepa import sepa_text

    case = cdoc.case
    if case is None or cdoc.doc.findings:
        return msg.PAY_CASE_PROBLEMS.format(problems=_problems(cdoc.doc.findings))
    errors = state.errors.get(case.id)
    if errors:
        return msg.PAY_CASE_ERRORS.format(problems=_problems(errors))
    d = case.decision
    if d is None or d.outcome is not Outcome.approved:
        return msg.PAY_NOT_APPROVED_YET.format(state=d.outcome.value if d else msg.L_PENDING)
    if case.payee is None:
        return msg.PAY_NO_PAYEE
    payee = state.payees.payees.get(case.payee)
    if payee is None:
        if case.payee in state.payees.named:
            return msg.PAY_PAYEE_BROKEN.format(payee=case.payee, path=state.payees.rel,
                                               line=state.payees.line(case.payee))
        return msg.PAY_PAYEE_MISSING.format(payee=case.payee)
    if payee.id in state.changed:
        return msg.PAY_PAYEE_CHANGED.format(payee=payee.id, path=state.payees.rel,
                                            line=state.payees.line(payee.id, "iban"))
    left = left_to_pay(case, state.rows.get(case.id, []))
    if left.left <= 0:
        return msg.PAY_NOTHING_LEFT.format(approved=euro(left.approved), paid=euro(left.paid),
                                           ordered=euro(left.ordered))
    if not named and (left.paid or left.ordered):
        return msg.PAY_PARTLY_PAID.format(left=euro(left.left), paid=euro(left.paid),
                                          ordered=euro(left.ordered), id=case.id)
    wanted = left.left if amount is None else amount
    if wanted > left.left:
        return msg.PAY_OVER_LEFT.format(amount=euro(wanted), left=euro(left.left),
                                        approved=euro(left.approved), paid=euro(left.paid),
                                        ordered=euro(left.ordered))
    text = f"Casus {case.id} {case.payee_reference or ''}"
    remittance, bad = sepa_text(text)
    if bad or len(remittance) > 140:  # pragma: no cover - MMB002 on payee_reference first
        return msg.PAY_CASE_ERRORS.format(problems=text)
    sequence = 1 + max((int(m.group(2)) for p in case.payments
                        if (m := END_TO_END_ID_RE.match(p.end_to_end_id))), default=0)
    if sequence > 999:
        return msg.PAY_TOO_MANY.format(id=case.id)
    return Planned(case.id, payee.id, wanted, f"{case.id}-{sequence}", remittance)


def _batch_id(now: datetime) -> str:
    import secrets

    return f"MMB{now.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(3)}"


def pay(root: Path, case_ids: Sequence[str], *, output: Path, execution_date: date | None,
        version: str = "03", account: str | None = None, amount: Decimal | None = None,
        now: datetime) -> PayResult:
    """Order a transfer for each case of `case_ids` (none: every approved case with a
    payee and money left) in a new batch file `output`; see the module docstring."""
    from mmb.sepa import VERSIONS

    if amount is not None and len(case_ids) != 1:
        raise UsageError(msg.PAY_AMOUNT_ONE_CASE)
    schema = VERSIONS[version]
    day = execution_day(execution_date, now.date())
    _check_output(root, output)
    with TeamLock(root):
        state = _load(root, now)
        debtor, debtor_name = debtor_account(state.team, account)
        planned: list[tuple[CaseDoc, Planned]] = []
        left_out: list[LeftOut] = []
        if case_ids:
            refused = []
            wanted = [c.lstrip("#").strip() for c in case_ids]
            by_id = {c.stem: c for c in state.cases}
            for cid in dict.fromkeys(wanted):
                cdoc = by_id.get(cid)
                plan = (_plan(state, cdoc, amount) if cdoc is not None
                        else msg.PAY_CASE_NOT_FOUND)
                if isinstance(plan, str):
                    refused.append(msg.PAY_REFUSED_CASE.format(id=cid, reason=plan))
                else:
                    planned.append((cdoc, plan))  # type: ignore[arg-type]
            if refused:
                raise RefusedError(msg.REFUSED.format(reasons="\n  - ".join(refused)))
        else:
            for cdoc in state.cases:
                plan = _plan(state, cdoc, None, named=False)
                if isinstance(plan, Planned):
                    planned.append((cdoc, plan))
                elif _worth_saying(state, cdoc):
                    left_out.append(LeftOut(cdoc.stem, plan))
            if not planned:
                reasons = [msg.PAY_NOTHING_TO_PAY] + [
                    msg.PAY_REFUSED_CASE.format(id=x.case_id, reason=x.reason) for x in left_out]
                raise RefusedError(msg.REFUSED.format(reasons="\n  - ".join(reasons)))
        moment = now.replace(second=0, microsecond=0)
        batch_id = _batch_id(now)
        xml = _xml(state, [p for _, p in planned], batch_id, moment, day, debtor.iban,
                   debtor_name, schema)
        edits = [_order_edit(state, cdoc, p, batch_id, moment, day) for cdoc, p in planned]
        written = _write(output, xml, edits, batch_id)
    return PayResult(batch_id, output, day, debtor.iban, schema, [p for _, p in planned],
                     left_out, written)


def _worth_saying(state: _State, cdoc: CaseDoc) -> bool:
    """Whether a case not in the batch is one the coordinator may expect there: approved,
    with money left (a case paid in full or not approved is no news)."""
    from mmb.payments import left_to_pay

    case = cdoc.case
    if case is None:
        return True
    d = case.decision
    if d is None or d.outcome is not Outcome.approved:
        return False
    return left_to_pay(case, state.rows.get(case.id, [])).left > 0


def _xml(state: _State, planned: Sequence[Planned], batch_id: str, moment: datetime,
         day: date, debtor_iban: str, debtor_name: str, schema: str) -> bytes:
    from mmb.sepa import Batch, Transfer, batch_xml, sepa_text

    transfers = []
    for p in planned:
        payee = state.payees.payees[p.payee]
        transfers.append(Transfer(p.end_to_end_id, p.amount, sepa_text(payee.name)[0],
                                  payee.iban, payee.bic, p.remittance))
    return batch_xml(Batch(batch_id, moment, day, debtor_name, debtor_iban, tuple(transfers),
                           schema))


def _order_edit(state: _State, cdoc: CaseDoc, p: Planned, batch_id: str, moment: datetime,
                day: date) -> tuple[EditableYaml, str]:
    """The case file opened for editing with the order appended, and its new text, which
    must read back as the case plus exactly this order."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from mmb.actions import _insert_before, check_written, fmt_time
    from mmb.payees import iban_digest

    case = cdoc.case
    assert case is not None
    digest = iban_digest(state.payees.payees[p.payee].iban)
    edit = EditableYaml(state.root / cdoc.rel, cdoc.rel)
    record = CommentedMap()
    record["ordered_at"] = fmt_time(moment)
    record["amount"] = p.amount.quantize(Decimal("0.01"))
    record["end_to_end_id"] = p.end_to_end_id
    record["batch"] = batch_id
    record["payee"] = p.payee
    record["execution_date"] = day
    record["remittance"] = p.remittance
    record["iban_sha256"] = digest
    seq = edit.data.get("payments")
    if seq is None:
        seq = CommentedSeq()
        _insert_before(edit.data, "payments", seq, ("followup", "history"))
    seq.append(record)
    expected = case.model_copy(update={"payments": [*case.payments, Payment(
        ordered_at=moment, amount=p.amount, end_to_end_id=p.end_to_end_id, batch=batch_id,
        payee=p.payee, execution_date=day, remittance=p.remittance, iban_sha256=digest)]})
    return edit, check_written(edit, expected)


def _write(output: Path, xml: bytes, edits: Sequence[tuple[EditableYaml, str]],
           batch_id: str) -> list[str]:
    """Write in the order the module docstring gives; the case files written."""
    import tempfile

    folder = output.parent
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{output.name}.", suffix=".tmp")
    written: list[str] = []
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(xml)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        for edit, _ in edits:
            if not edit.unchanged_on_disk():
                raise ConflictError(msg.FILE_CHANGED.format(path=edit.rel))
        for edit, text in edits:
            edit.save(text)
            written.append(edit.rel)
        _publish(Path(tmp), output)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if written:
            reason = exc.message if isinstance(exc, MmbError) else (
                type(exc).__name__)
            raise InputError(msg.PAY_PARTLY_WRITTEN.format(
                cases=", ".join(written), batch=batch_id, reason=reason,
                output=output)) from None
        raise
    return written


def _publish(tmp: Path, output: Path) -> None:
    """Give the written temporary file its name, never replacing a file of that name."""
    from mmb.files import _WRITTEN

    try:
        os.link(tmp, output)
    except FileExistsError:
        raise ConflictError(msg.PAY_OUTPUT_EXISTS.format(path=output)) from None
    except OSError:  # a file system without hard links (a USB stick): rename instead
        if output.exists() or output.is_symlink():
            raise ConflictError(msg.PAY_OUTPUT_EXISTS.format(path=output)) from None
        os.replace(tmp, output)
    else:
        os.unlink(tmp)
    _WRITTEN.append(output)
    with contextlib.suppress(OSError):
        dfd = os.open(output.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


# --------------------------------------------------------------------------- --again

def pay_again(root: Path, batch_id: str, *, output: Path, execution_date: date | None,
              version: str = "03", account: str | None = None, now: datetime) -> PayResult:
    """Write the file of an earlier batch again from the orders its case files recorded
    (its transfers not booked yet; the same message id, so that a bank that got the first
    file refuses the second as a duplicate). Nothing is ordered or recorded."""
    from mmb.payees import iban_digest
    from mmb.payments import order_states
    from mmb.sepa import VERSIONS, sepa_text

    schema = VERSIONS[version]
    _check_output(root, output)
    with TeamLock(root):
        state = _load(root, now)
        debtor, debtor_name = debtor_account(state.team, account)
        found: list[tuple[Case, Payment]] = []
        left_out: list[LeftOut] = []
        for cdoc in state.cases:
            case = cdoc.case
            if case is None:
                continue
            for s in order_states(case, state.rows.get(case.id, [])):
                if s.payment.batch != batch_id:
                    continue
                if s.booked is not None:
                    left_out.append(LeftOut(case.id, msg.PAY_AGAIN_BOOKED.format(
                        e2e=s.payment.end_to_end_id, day=s.booked.date, row=s.booked.row)))
                else:
                    found.append((case, s.payment))
        if not found:
            raise RefusedError(msg.REFUSED.format(reasons=(
                msg.PAY_AGAIN_ALL_BOOKED.format(batch=batch_id) if left_out
                else msg.PAY_AGAIN_UNKNOWN.format(batch=batch_id))))
        problems = []
        planned: list[Planned] = []
        for case, p in found:
            payee = state.payees.payees.get(p.payee or "")
            if payee is None or p.remittance is None or sepa_text(p.remittance) != (
                    p.remittance, []):
                problems.append(msg.PAY_REFUSED_CASE.format(id=case.id, reason=(
                    msg.PAY_AGAIN_INCOMPLETE.format(e2e=p.end_to_end_id))))
            elif p.iban_sha256 is not None and p.iban_sha256 != iban_digest(payee.iban):
                problems.append(msg.PAY_REFUSED_CASE.format(id=case.id, reason=(
                    msg.PAY_PAYEE_CHANGED.format(payee=payee.id, path=state.payees.rel,
                                                 line=state.payees.line(payee.id, "iban")))))
            else:
                planned.append(Planned(case.id, payee.id, p.amount, p.end_to_end_id,
                                       p.remittance))
        if problems:
            raise RefusedError(msg.REFUSED.format(reasons="\n  - ".join(problems)))
        recorded = found[0][1].execution_date
        if execution_date is None and recorded is not None and recorded >= now.date():
            day = recorded
        elif execution_date is None:
            raise UsageError(msg.PAY_AGAIN_DATE.format(day=recorded or "-"))
        else:
            day = execution_day(execution_date, now.date())
        xml = _xml(state, planned, batch_id, found[0][1].ordered_at, day, debtor.iban,
                   debtor_name, schema)
        _write(output, xml, [], batch_id)
    return PayResult(batch_id, output, day, debtor.iban, schema, planned, left_out, [],
                     again=True)


def describe(result: PayResult) -> list[str]:
    """The lines `mmb pay` prints."""
    from mmb.iban import format_iban

    lines = [(msg.PAY_AGAIN_DONE if result.again else msg.PAY_DONE).format(
        path=result.output, count=len(result.transfers), total=euro(result.total),
        day=result.execution_date, account=format_iban(result.debtor_iban),
        batch=result.batch_id, version=result.version)]
    for t in result.transfers:
        lines.append(msg.PAY_ROW.format(id=t.case_id, amount=euro(t.amount), payee=t.payee,
                                        e2e=t.end_to_end_id, text=t.remittance))
    if result.cases_written:
        lines.append(msg.PAY_RECORDED.format(files=", ".join(result.cases_written)))
    if result.left_out:
        lines.append((msg.PAY_AGAIN_LEFT_OUT if result.again else msg.PAY_LEFT_OUT).format(
            count=len(result.left_out)))
        lines += [msg.PAY_LEFT_OUT_ROW.format(id=x.case_id, reason=x.reason)
                  for x in result.left_out]
    lines.append(msg.PAY_NEXT.format(path=result.output))
    return lines
