"""Transfers ordered with `mmb pay`: when they count as paid, and the rules on them
(issue 21). Plain Python: data in, findings out.

An order (`payments:` in a case file) is *booked* once ledger.csv holds its transfer: a
row linked to the case, money out of exactly the order's amount, dated on or after the
day it was ordered, each row booking one order (orders and rows taken in date order).
`mmb reconcile` makes that link from the bank export by the transfer's end-to-end id, or
by the case id in its remittance text. Until it is booked an order counts as money on
its way: toward MMB203 and against what `mmb pay` may still order; once booked it is the
ledger row that counts, never both.

Rules: MMB203 (booked plus ordered-but-not-booked above the approved amount), MMB204 (an
order for a case that is not approved), MMB211 (not booked within 10 days of its
execution date), MMB212 (the payee's IBAN is no longer the one a batch paid), MMB004 (a
payee that payees.yaml does not hold) and MMB002 (a record that is not the case's, a
remittance reference the SEPA character set cannot carry).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from mmb import messages as msg
from mmb.files import LineMap
from mmb.findings import Finding, finding
from mmb.folder import TeamDoc
from mmb.ledger import Ledger, LedgerRow
from mmb.models import END_TO_END_ID_RE, Case, Outcome, Payment
from mmb.money import euro

if TYPE_CHECKING:
    from mmb.payees import PayeeFile

ZERO = Decimal(0)
#: Days an order may wait for its booking before MMB211.
BOOKING_DAYS = 10
#: An end-to-end id as `mmb pay` makes them, standing alone in a bank text.
_E2E_IN_TEXT = re.compile(r"(?<![\d-])(\d{4}-\d{3,4}-[1-9]\d{0,2})(?![\d-])")


@dataclass(frozen=True)
class OrderState:
    """One order of a case and the ledger row that booked it (None: not booked yet)."""

    case_id: str
    index: int
    payment: Payment
    booked: LedgerRow | None

    @property
    def due(self) -> date:
        """The day the bank was asked to pay it."""
        return self.payment.execution_date or self.payment.ordered_at.date()


def rows_by_case(rows: Iterable[LedgerRow]) -> dict[str, list[LedgerRow]]:
    """The rows linked to each case (payments and refunds), in date order."""
    out: dict[str, list[LedgerRow]] = defaultdict(list)
    for r in rows:
        if r.case and r.kind in ("", "refund"):
            out[r.case].append(r)
    for items in out.values():
        items.sort(key=lambda r: (r.date, r.row))
    return out


def order_states(case: Case, rows: Sequence[LedgerRow]) -> list[OrderState]:
    """Each order of `case` with the row of `rows` (the case's ledger rows) booking it."""
    payments = [r for r in rows if r.amount < 0 and not r.kind]
    used: set[int] = set()
    states: list[OrderState] = []
    order = sorted(range(len(case.payments)), key=lambda i: (case.payments[i].ordered_at, i))
    found: dict[int, LedgerRow | None] = {}
    for i in order:
        p = case.payments[i]
        hit = None
        for k, r in enumerate(payments):
            if k not in used and -r.amount == p.amount and r.date >= p.ordered_at.date():
                used.add(k)
                hit = r
                break
        found[i] = hit
    for i, p in enumerate(case.payments):
        states.append(OrderState(case.id, i, p, found[i]))
    return states


def net_paid(rows: Sequence[LedgerRow]) -> Decimal:
    """Money paid for a case in the ledger, net of refunds."""
    return sum((-r.amount for r in rows if r.kind in ("", "refund")), ZERO)


@dataclass(frozen=True)
class Left:
    """What a case may still be paid: approved − paid (net) − ordered but not booked."""

    approved: Decimal
    paid: Decimal
    ordered: Decimal

    @property
    def left(self) -> Decimal:
        return self.approved - self.paid - self.ordered


def left_to_pay(case: Case, rows: Sequence[LedgerRow]) -> Left:
    """The figures of `Left` for `case` and its ledger rows."""
    d = case.decision
    approved = d.amount if d is not None and d.outcome is Outcome.approved and d.amount else ZERO
    unbooked = sum((s.payment.amount for s in order_states(case, rows) if s.booked is None),
                   ZERO)
    return Left(approved, net_paid(rows), unbooked)


def open_orders(cases: Iterable[Case], rows: Sequence[LedgerRow]) -> list[OrderState]:
    """Every order not booked yet, oldest first."""
    by_case = rows_by_case(rows)
    out = [s for c in cases if c.payments for s in order_states(c, by_case.get(c.id, []))
           if s.booked is None]
    return sorted(out, key=lambda s: (s.due, s.payment.end_to_end_id))


def unbooked_totals(cases: Iterable[Case], rows: Sequence[LedgerRow]) -> dict[str, Decimal]:
    """Per case, the amount ordered and not booked yet."""
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for s in open_orders(cases, rows):
        out[s.case_id] += s.payment.amount
    return dict(out)


def end_to_end_ids_in(text: str) -> list[str]:
    """The end-to-end ids of `mmb pay` (``2026-014-1``) a bank text names."""
    if "-" not in text:
        return []
    return list(dict.fromkeys(_E2E_IN_TEXT.findall(text)))


class OrderIndex:
    """The open orders of a team, to link the rows of a bank export that book them
    (`mmb reconcile`)."""

    def __init__(self, cases: Iterable[Case], rows: Sequence[LedgerRow]) -> None:
        self.by_id: dict[str, OrderState] = {}
        self.by_case: dict[str, list[OrderState]] = defaultdict(list)
        for s in open_orders(cases, rows):
            self.by_id[s.payment.end_to_end_id] = s
            self.by_case[s.case_id].append(s)

    def __bool__(self) -> bool:
        return bool(self.by_id)

    def link(self, row: LedgerRow, end_to_end_id: str = "") -> OrderState | None:
        """The open order `row` books, taken off the index; None when there is none or
        more than one could be meant. By the export's end-to-end id or one in the row's
        texts (exact amount, not before the order), else by the case id in the
        remittance text when exactly one case has an open order of exactly the amount."""
        if row.amount >= 0 or row.case or row.kind or not self.by_id:
            return None
        amount = -row.amount
        text = f"{row.description} {row.counterparty}"
        ids = [end_to_end_id] if end_to_end_id else []
        ids += end_to_end_ids_in(text)
        for e2e in dict.fromkeys(ids):
            state = self.by_id.get(e2e)
            if state is not None and self._fits(state, row, amount):
                return self._take(state)
        from mmb.reconcile import case_ids_in

        fitting = [s for cid in case_ids_in(text) for s in self.by_case.get(cid, [])
                   if self._fits(s, row, amount)]
        if fitting and len({s.case_id for s in fitting}) == 1:
            return self._take(fitting[0])
        return None

    @staticmethod
    def _fits(state: OrderState, row: LedgerRow, amount: Decimal) -> bool:
        return state.payment.amount == amount and row.date >= state.payment.ordered_at.date()

    def _take(self, state: OrderState) -> OrderState:
        del self.by_id[state.payment.end_to_end_id]
        self.by_case[state.case_id].remove(state)
        return state


# --------------------------------------------------------------------------- rules

def check_payments(doc: TeamDoc, now: datetime, ledger: Ledger | None = None, *,
                   rows: Sequence[LedgerRow] | None = None) -> list[Finding]:
    """Every payment rule of one team (payees.yaml and the `payee`, `payee_reference` and
    `payments` of its cases), paths like the other findings of `doc`. The ledger rows are
    `ledger`'s, or `rows` (the cash book as `mmb reconcile` is about to write it)."""
    from mmb.payees import PAYEES_FILE, load_payees
    from mmb.sepa import sepa_text, shown_characters

    prefix = doc.team_rel
    rel = PAYEES_FILE if prefix == "." else f"{prefix}/{PAYEES_FILE}"
    payees = load_payees(doc.root, doc.team, rel)
    out = list(payees.findings)
    valid = [c for c in doc.cases if c.case is not None]
    if not payees.exists and not any(c.case.payee or c.case.payments  # type: ignore[union-attr]
                                     for c in valid):
        return out
    if rows is None:
        rows = ledger.rows if ledger is not None and ledger.readable else []
    by_case = rows_by_case(rows)
    today = now.date()
    for c in valid:
        case = c.case
        assert case is not None
        lines = c.lines
        if case.payee is not None and case.payee not in payees.named and payees.readable:
            out.append(finding("MMB004", c.rel, lines.line("payee"), (
                msg.PAYEE_UNKNOWN if payees.exists else msg.PAYEE_NO_FILE).format(
                    payee=case.payee, known=", ".join(sorted(payees.named)) or msg.NOBODY),
                case.id))
        if case.payee_reference is not None:
            bad = sepa_text(case.payee_reference)[1]
            if bad:
                out.append(finding("MMB002", c.rel, lines.line("payee_reference"),
                                   msg.PAY_REFERENCE_CHARACTERS.format(
                                       characters=shown_characters(bad)), case.id))
        if not case.payments:
            continue
        seen: set[str] = set()
        for i, p in enumerate(case.payments):
            m = END_TO_END_ID_RE.match(p.end_to_end_id)
            if m is None or m.group(1) != case.id or p.end_to_end_id in seen:
                out.append(finding("MMB002", c.rel, lines.line("payments", i, "end_to_end_id"),
                                   msg.PAY_RECORD_NOT_CASE.format(e2e=p.end_to_end_id,
                                                                  id=case.id), case.id))
            seen.add(p.end_to_end_id)
            if p.payee is not None and p.payee not in payees.named and payees.readable:
                out.append(finding("MMB004", c.rel, lines.line("payments", i, "payee"),
                                   msg.PAY_RECORD_PAYEE_UNKNOWN.format(payee=p.payee),
                                   case.id))
        d = case.decision
        if d is None or d.outcome is not Outcome.approved:
            out.append(finding("MMB204", c.rel, lines.line("payments"), msg.PAY_NOT_APPROVED.format(
                id=case.id, state=d.outcome.value if d is not None else msg.L_PENDING), case.id))
        states = order_states(case, by_case.get(case.id, []))
        for s in states:
            if s.booked is None and today > s.due + timedelta(days=BOOKING_DAYS):
                out.append(finding(
                    "MMB211", c.rel, lines.line("payments", s.index), msg.PAY_211.format(
                        e2e=s.payment.end_to_end_id, amount=euro(s.payment.amount),
                        due=s.due.isoformat(), days=(today - s.due).days,
                        batch=s.payment.batch), case.id))
        out.extend(_over_approved(c.rel, lines, case, states, by_case.get(case.id, [])))
    for payee_id, records in sorted(iban_changes((c.case for c in valid), payees).items()):
        first = ", ".join(msg.PAY_212_BATCH.format(batch=p.batch, id=cid,
                                                   day=p.ordered_at.date().isoformat())
                          for p, cid in records[:3])
        out.append(finding("MMB212", rel, payees.line(payee_id, "iban"), msg.PAY_212.format(
            payee=payee_id, batches=first,
            more=msg.PAY_212_MORE.format(count=len(records) - 3) if len(records) > 3 else "")))
    return out


def iban_changes(cases: Iterable[Case | None], payees: PayeeFile
                 ) -> dict[str, list[tuple[Payment, str]]]:
    """MMB212: per payee, the orders (and their case ids) that paid an IBAN other than the
    one payees.yaml gives it now, unless the new IBAN was confirmed after the order
    (`iban_verified`)."""
    from mmb.payees import iban_digest, verified_after

    out: dict[str, list[tuple[Payment, str]]] = defaultdict(list)
    digests: dict[str, str] = {}
    for case in cases:
        if case is None:
            continue
        for p in case.payments:
            payee = payees.payees.get(p.payee or "")
            if payee is None or p.iban_sha256 is None:
                continue
            digest = digests.get(payee.id)
            if digest is None:
                digest = digests[payee.id] = iban_digest(payee.iban)
            if p.iban_sha256 != digest and not verified_after(payee, p.ordered_at):
                out[payee.id].append((p, case.id))
    return dict(out)


def _over_approved(rel: str, lines: LineMap, case: Case, states: Sequence[OrderState],
                   rows: Sequence[LedgerRow]) -> list[Finding]:
    """MMB203 for orders: the ledger's payments (net) plus the orders not booked yet above
    the approved amount, on the order that crosses it. Payments alone above it are the
    ledger rule's finding, on the ledger row."""
    d = case.decision
    if d is None or d.outcome is not Outcome.approved or d.amount is None:
        return []
    paid = net_paid(rows)
    if paid > d.amount:
        return []
    running = paid
    for s in sorted((s for s in states if s.booked is None),
                    key=lambda s: (s.payment.ordered_at, s.index)):
        running += s.payment.amount
        if running > d.amount:
            return [finding("MMB203", rel, lines.line("payments", s.index), msg.PAY_203.format(
                id=case.id, paid=euro(paid), ordered=euro(running - paid),
                approved=euro(d.amount), over=euro(running - d.amount)), case.id)]
    return []
