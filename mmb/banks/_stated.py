"""The balances an export states, checked against its own transactions (rule MMB210).

A bank states balances in three ways, and each is checked in the bank's own order (the
order of the file, never after sorting by date):

* a statement (MT940, CAMT.053) states an opening and a closing balance: the opening plus
  the statement's booked transactions must give the closing, and each statement of an
  account must open with the closing balance of the statement before it;
* a CSV with a balance column states the balance after each row (ING 11-column, Rabobank,
  Triodos), or before it (de Volksbank), or both (ABN AMRO TXT): each must follow from the
  row before it plus the amount. Such an export's rows then also give its opening balance
  (before its first row) and closing balance (after its last), for the reconcile summary.

Everything here is plain data in, problems out; `mmb.ledger_rules` makes the findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from mmb.banks.base import BalanceProblem, BankTransaction, StatementBalance

ZERO = Decimal(0)


def check_statements(balances: Sequence[StatementBalance]) -> list[BalanceProblem]:
    """Each statement: opening balance plus its transactions = closing balance."""
    problems: list[BalanceProblem] = []
    for b in balances:
        if b.from_rows or b.opening is None or b.closing is None:
            continue
        computed = b.opening + b.movement
        if computed != b.closing:
            problems.append(BalanceProblem(
                "closing", b.account, b.closing_line, b.closing, b.closing_date, computed,
                other=b.opening, other_date=b.opening_date, count=b.count, member=b.member))
    return problems


def check_sequence(balances: Sequence[StatementBalance]) -> list[BalanceProblem]:
    """Per account, in the order given: each statement opens with the closing balance of
    the statement before it."""
    problems: list[BalanceProblem] = []
    last: dict[str, StatementBalance] = {}
    for b in balances:
        if b.from_rows:
            continue
        prev = last.get(b.account)
        if (prev is not None and prev.closing is not None and b.opening is not None
                and prev.closing != b.opening):
            problems.append(BalanceProblem(
                "opening", b.account, b.opening_line, b.opening, b.opening_date, prev.closing,
                other=prev.closing, other_date=prev.closing_date, member=b.member))
        last[b.account] = b
    return problems


@dataclass
class _Chain:
    """The balance column of one account, followed row by row."""

    first: BankTransaction
    opening: Decimal
    last: BankTransaction
    after: Decimal
    count: int = 1
    movement: Decimal = ZERO
    pending: list[Decimal] = field(default_factory=list)  # amounts of rows without balance


def check_rows(transactions: Sequence[BankTransaction]
               ) -> tuple[list[BalanceProblem], list[StatementBalance]]:
    """A CSV's balance column, in the bank's order (oldest first): the problems, and per
    account the opening and closing balance the column states (`StatementBalance` with
    `from_rows`). Rows without a balance count with their amount."""
    problems: list[BalanceProblem] = []
    chains: dict[str, _Chain] = {}
    for t in transactions:
        after = t.balance_after
        chain = chains.get(t.account)
        if after is None:
            if chain is not None:
                chain.pending.append(t.amount)
            continue
        before = t.balance_before
        if before is not None and before + t.amount != after:
            problems.append(BalanceProblem(
                "row_before", t.account, t.row, after, t.booking_date, before + t.amount,
                other=before, amount=t.amount))
        start = before if before is not None else after - t.amount
        if chain is None:
            chains[t.account] = _Chain(t, start, t, after, movement=t.amount)
            continue
        expected = chain.after + sum(chain.pending, ZERO)
        if before is not None:
            if before != expected:
                problems.append(BalanceProblem(
                    "row_start", t.account, t.row, before, t.booking_date, expected,
                    other=chain.after, other_date=chain.last.booking_date))
        elif expected + t.amount != after:
            problems.append(BalanceProblem(
                "row", t.account, t.row, after, t.booking_date, expected + t.amount,
                other=expected, amount=t.amount))
        chain.count += 1 + len(chain.pending)
        chain.movement += sum(chain.pending, ZERO) + t.amount
        chain.pending.clear()
        chain.last, chain.after = t, after
    stated = [StatementBalance(
        account, c.first.booking_date, c.opening, c.last.booking_date, c.after,
        opening_line=c.first.row, closing_line=c.last.row, count=c.count,
        movement=c.movement, from_rows=True) for account, c in chains.items()]
    return problems, stated


def first_day(balances: Sequence[StatementBalance]) -> date:
    """The earliest date of a list of statements (for putting zip members in order)."""
    days = [d for b in balances for d in (b.opening_date, b.closing_date) if d is not None]
    return min(days, default=date.min)
