"""`mmb status`: the coordinator's one screen, as data first, then rendered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TextIO

from mmb import messages as msg
from mmb.findings import Finding
from mmb.folder import TeamDoc
from mmb.ledger import Ledger
from mmb.models import Outcome
from mmb.money import euro
from mmb.rules import (
    ZERO,
    approvals_of,
    budget_available,
    count_votes,
    household_total,
    member_key,
    pending_since,
)


@dataclass(frozen=True)
class Waiting:
    case_id: str
    category: str
    amount: Decimal
    age_hours: int
    approvals: int
    quorum: int
    overdue: bool
    headroom: Decimal | None  # what the household may still receive; None: no cap
    to_vote: tuple[str, ...] = ()  # active members (not the requester) without a counting vote


@dataclass(frozen=True)
class Unpaid:
    case_id: str
    amount: Decimal
    days: int
    overdue: bool


@dataclass(frozen=True)
class NoReceipt:
    row: int
    day: str
    amount: Decimal
    case_id: str
    days: int
    overdue: bool


@dataclass(frozen=True)
class Ordered:
    """A transfer ordered with `mmb pay` that ledger.csv does not hold yet."""

    case_id: str
    end_to_end_id: str
    amount: Decimal
    due: str
    days: int
    overdue: bool


@dataclass
class Status:
    team: str
    year: int
    budget: Decimal | None
    approved: Decimal
    approved_count: int
    waiting: list[Waiting] = field(default_factory=list)
    problems: int = 0
    spent: Decimal | None = None  # None: no ledger.csv yet
    unpaid: list[Unpaid] = field(default_factory=list)
    no_receipt: list[NoReceipt] = field(default_factory=list)
    ordered: list[Ordered] = field(default_factory=list)
    broken: list[Finding] = field(default_factory=list)  # files the figures leave out

    @property
    def left(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.approved


def build_status(doc: TeamDoc, now: datetime, year: int,
                 findings: list[Finding] | None = None, ledger: Ledger | None = None) -> Status:
    """Budget, approvals and waiting cases of one team for `year`, as of `now`.
    `findings`: every validate finding of the team, when the caller has them (the
    validation cache); else they are worked out here."""
    from mmb.ledger import read_ledger
    from mmb.rules import check_team
    from mmb.validate import check_cash_book

    team = doc.team
    if ledger is None:
        ledger = read_ledger(doc.root)
    if findings is None:
        from mmb.payments import check_payments

        findings = (check_team(doc, now) + check_cash_book(doc, now, ledger)
                    + check_payments(doc, now, ledger))
    problems = sum(1 for f in findings if f.level == "error")
    from mmb.folder import unreadable

    broken = unreadable(doc, ledger)
    if team is None:
        return Status(team=str(doc.root), year=year, budget=None, approved=ZERO,
                      approved_count=0, problems=problems, broken=broken)
    valid = [c for c in doc.cases if c.case is not None]
    approvals = approvals_of(valid)
    in_year = [a for a in approvals if a.at.year == year]
    status = Status(
        team=team.name, year=year,
        budget=budget_available(team, year, min(now.date(), datetime(year, 12, 31).date())),
        approved=sum((a.amount for a in in_year), ZERO), approved_count=len(in_year),
        problems=problems, broken=broken)
    members = {m.id: m for m in team.members}
    cap = team.rules.household_cap
    for c in valid:
        case = c.case
        assert case is not None
        if case.decision is not None:
            continue
        tally = count_votes(case, members, None)
        headroom = None
        if cap is not None:
            total, _ = household_total(team, approvals, case.household, now)
            headroom = cap - total
        hours = max(0, int((now - case.opened).total_seconds() // 3600))  # never negative
        waited = int((now - pending_since(case)).total_seconds() // 3600)
        requester = member_key(case.requested_by)
        to_vote = tuple(m.id for m in team.members
                        if m.active_on(now.date()) and m.id != requester
                        and m.id not in tally.counted)
        status.waiting.append(Waiting(
            case.id, case.category, case.amount, hours, len(tally.approvals), team.rules.quorum,
            waited > team.rules.decision_hours, headroom, to_vote))
    status.waiting.sort(key=lambda w: -w.age_hours)
    _cash_book(doc, ledger, status, now)
    return status


def _cash_book(doc: TeamDoc, ledger: Ledger, status: Status, now: datetime) -> None:
    """Spent, approved-but-unpaid and payments without receipt, from ledger.csv."""
    team = doc.team
    assert team is not None
    rows = ledger.rows
    if ledger.exists:
        status.spent = sum((-r.amount for r in rows
                            if r.case and r.kind in ("", "refund") and r.date.year == status.year),
                           ZERO)
    paid: dict[str, Decimal] = {}
    for r in rows:
        if r.case and r.kind in ("", "refund"):
            paid[r.case] = paid.get(r.case, ZERO) - r.amount
    today = now.date()
    for c in doc.cases:
        case = c.case
        if case is None or case.decision is None or case.decision.outcome is not Outcome.approved:
            continue
        approved = case.decision.amount or ZERO
        if paid.get(case.id, ZERO) <= 0 < approved and not case.payments:  # ordered: below
            days = (today - case.decision.at.date()).days
            status.unpaid.append(Unpaid(case.id, approved, days,
                                        days > team.rules.unpaid_warning_days))
    status.unpaid.sort(key=lambda u: -u.days)
    from mmb.payments import BOOKING_DAYS, open_orders

    for o in open_orders((c.case for c in doc.cases if c.case is not None), rows):
        days = (today - o.due).days
        status.ordered.append(Ordered(o.case_id, o.payment.end_to_end_id, o.payment.amount,
                                      o.due.isoformat(), days, days > BOOKING_DAYS))
    for r in rows:
        if r.is_payment and r.case and not r.receipt:
            days = (today - r.date).days
            status.no_receipt.append(NoReceipt(r.row, r.date.isoformat(), -r.amount, r.case,
                                               days, days > team.rules.receipt_grace_days))


Segment = tuple[str, str]  # (Rich style, "" for none; text)


def status_lines(status: Status) -> list[list[Segment]]:
    """The status screen as lines of styled pieces of text (text as is, not escaped)."""
    lines: list[list[Segment]] = [[("bold", status.team), ("", f" — {status.year}")]]
    if status.broken:  # first: every figure below leaves these files out
        lines.append([("bold red", msg.STATUS_BROKEN.format(count=len(status.broken)))])
        lines += [[("red", "  " + msg.STATUS_BROKEN_ROW.format(
            path=f.path, line=f.line, message=f.message))] for f in status.broken]
    if status.budget is None:
        lines.append([("", msg.STATUS_NO_BUDGET.format(year=status.year))])
    else:
        left = status.left or ZERO
        lines.append([("", msg.STATUS_BUDGET.format(
            budget=euro(status.budget), approved=euro(status.approved),
            count=status.approved_count) + " "),
            ("red" if left < 0 else "green", msg.STATUS_LEFT.format(left=euro(left)))])
    if status.spent is not None:
        lines.append([("", msg.STATUS_SPENT.format(spent=euro(status.spent)))])
    if not status.waiting:
        lines.append([("", msg.STATUS_NONE_WAITING)])
    else:
        lines.append([("", msg.STATUS_WAITING.format(count=len(status.waiting)))])
        for w in status.waiting:
            room = "" if w.headroom is None else msg.STATUS_HEADROOM.format(
                headroom=euro(w.headroom))
            lines.append([("", "  "), ("red" if w.overdue else "", msg.STATUS_WAITING_ROW.format(
                id=w.case_id, category=w.category, amount=euro(w.amount), hours=w.age_hours,
                approvals=w.approvals, quorum=w.quorum) + room)])
            lines.append([("", msg.STATUS_STILL_TO_VOTE.format(members=", ".join(w.to_vote))
                           if w.to_vote else msg.STATUS_EVERYONE_VOTED)])
    if status.unpaid:
        lines.append([("", msg.STATUS_UNPAID.format(count=len(status.unpaid)))])
        lines += [[("", "  "), ("red" if u.overdue else "", msg.STATUS_UNPAID_ROW.format(
            id=u.case_id, amount=euro(u.amount), days=u.days))] for u in status.unpaid]
    if status.ordered:
        lines.append([("", msg.STATUS_ORDERED.format(count=len(status.ordered)))])
        lines += [[("", "  "), ("red" if o.overdue else "", msg.STATUS_ORDERED_ROW.format(
            id=o.case_id, amount=euro(o.amount), e2e=o.end_to_end_id, due=o.due,
            age=msg.STATUS_ORDERED_AGE.format(days=o.days) if o.days > 0 else ""))]
            for o in status.ordered]
    if status.no_receipt:
        lines.append([("", msg.STATUS_NO_RECEIPT.format(count=len(status.no_receipt)))])
        lines += [[("", "  "), ("red" if n.overdue else "", msg.STATUS_NO_RECEIPT_ROW.format(
            row=n.row, day=n.day, amount=euro(n.amount), id=n.case_id, days=n.days))]
            for n in status.no_receipt]
    if status.problems:
        lines.append([("red", msg.STATUS_PROBLEMS.format(count=status.problems))])
    return lines


def render_status(status: Status, out: TextIO, colour: bool) -> None:
    """Print the status screen; colour only on a terminal. Text from the files is shown
    `visible` (no escape sequence of theirs reaches the terminal); without colour the
    lines are written as they are, without Rich (a tenth of the command's time)."""
    from mmb.text import visible

    lines = status_lines(status)
    if not colour:
        out.write("".join("".join(visible(text) for _, text in line) + "\n" for line in lines))
        return
    from rich.console import Console
    from rich.markup import escape

    console = Console(file=out, no_color=False, force_terminal=True, highlight=False,
                      soft_wrap=True, emoji=False, color_system="auto")
    for line in lines:
        console.print("".join(f"[{style}]{escape(visible(text))}[/{style}]" if style
                              else escape(visible(text)) for style, text in line))
