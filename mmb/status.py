"""`mmb status`: the coordinator's one screen, as data first, then rendered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TextIO

from mmb import messages as msg
from mmb.folder import TeamDoc
from mmb.money import euro
from mmb.rules import ZERO, approvals_of, budget_available, count_votes, household_total


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


@dataclass
class Status:
    team: str
    year: int
    budget: Decimal | None
    approved: Decimal
    approved_count: int
    waiting: list[Waiting] = field(default_factory=list)
    problems: int = 0

    @property
    def left(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.approved


def build_status(doc: TeamDoc, now: datetime, year: int) -> Status:
    """Budget, approvals and waiting cases of one team for `year`, as of `now`."""
    from mmb.rules import check_team

    team = doc.team
    problems = sum(1 for f in check_team(doc, now) if f.level == "error")
    if team is None:
        return Status(team=str(doc.root), year=year, budget=None, approved=ZERO,
                      approved_count=0, problems=problems)
    valid = [c for c in doc.cases if c.case is not None]
    approvals = approvals_of(valid)
    in_year = [a for a in approvals if a.at.year == year]
    status = Status(
        team=team.name, year=year,
        budget=budget_available(team, year, min(now.date(), datetime(year, 12, 31).date())),
        approved=sum((a.amount for a in in_year), ZERO), approved_count=len(in_year),
        problems=problems)
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
        hours = int((now - case.opened).total_seconds() // 3600)
        status.waiting.append(Waiting(
            case.id, case.category, case.amount, hours, len(tally.approvals), team.rules.quorum,
            hours > team.rules.decision_hours, headroom))
    status.waiting.sort(key=lambda w: -w.age_hours)
    return status


def render_status(status: Status, out: TextIO, colour: bool) -> None:
    """Print the status screen; colour only on a terminal."""
    from rich.console import Console
    from rich.markup import escape

    console = Console(file=out, no_color=not colour, force_terminal=colour, highlight=False,
                      soft_wrap=True, emoji=False)
    console.print(f"[bold]{escape(status.team)}[/bold] — {status.year}")
    if status.budget is None:
        console.print(msg.STATUS_NO_BUDGET.format(year=status.year))
    else:
        left = status.left or ZERO
        style = "red" if left < 0 else "green"
        console.print(msg.STATUS_BUDGET.format(budget=euro(status.budget),
                                               approved=euro(status.approved),
                                               count=status.approved_count)
                      + f" [{style}]" + escape(msg.STATUS_LEFT.format(left=euro(left)))
                      + f"[/{style}]")
    if not status.waiting:
        console.print(msg.STATUS_NONE_WAITING)
    else:
        console.print(msg.STATUS_WAITING.format(count=len(status.waiting)))
        for w in status.waiting:
            style = "red" if w.overdue else "default"
            room = "" if w.headroom is None else msg.STATUS_HEADROOM.format(
                headroom=euro(w.headroom))
            console.print(f"  [{style}]" + escape(msg.STATUS_WAITING_ROW.format(
                id=w.case_id, category=w.category, amount=euro(w.amount), hours=w.age_hours,
                approvals=w.approvals, quorum=w.quorum)) + escape(room) + f"[/{style}]")
    if status.problems:
        console.print("[red]" + escape(msg.STATUS_PROBLEMS.format(count=status.problems))
                      + "[/red]")
