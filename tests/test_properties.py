"""For random sequences of approvals, the cap and budget findings are exactly the decisions
that crossed the line (computed here by a plain oracle over the same decisions)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from mmb.models import CapPeriod, Rules, Team
from mmb.rules import Approval, check_budget, check_household_cap

START = datetime(2025, 1, 1, 9, 0)

approval_st = st.tuples(
    st.integers(min_value=0, max_value=3),                      # household
    st.integers(min_value=0, max_value=2 * 365 * 24),           # hours after START
    st.integers(min_value=1, max_value=40000).map(lambda c: Decimal(c).scaleb(-2)),
)


def _team(cap: Decimal | None, period: CapPeriod, budget: Decimal, top_up: Decimal) -> Team:
    return Team.model_validate({
        "name": "T", "members": [{"id": "a"}],
        "rules": Rules(household_cap=cap, household_cap_period=period).model_dump(),
        "budget": [{"year": 2025, "amount": budget,
                    "top_ups": [{"date": "2025-07-01", "amount": top_up}]},
                   {"year": 2026, "amount": budget}],
    })


def _approvals(raw: list[tuple[int, int, Decimal]]) -> list[Approval]:
    items = [Approval(f"2025-{i:03d}", f"H-{h}", START + timedelta(hours=t), amount)
             for i, (h, t, amount) in enumerate(raw, start=1)]
    return sorted(items, key=lambda a: (a.at, a.case_id))


def _in_period(period: CapPeriod, earlier: datetime, at: datetime) -> bool:
    if period is CapPeriod.ever:
        return True
    if period is CapPeriod.calendar_year:
        return earlier.year == at.year
    return at - timedelta(days=365) < earlier <= at


@settings(max_examples=200, deadline=None)
@given(st.lists(approval_st, max_size=25),
       st.sampled_from([None, Decimal(300), Decimal(500)]),
       st.sampled_from(list(CapPeriod)))
def test_cap_findings_are_exactly_the_crossings(raw, cap, period):
    team = _team(cap, period, Decimal(3000), Decimal(0))
    approvals = _approvals(raw)
    found = {f.case for f in check_household_cap(team, approvals)}
    expected = set()
    for i, a in enumerate(approvals):
        total = sum((p.amount for p in approvals[: i + 1]
                     if p.household == a.household and _in_period(period, p.at, a.at)),
                    Decimal(0))
        if cap is not None and total > cap:
            expected.add(a.case_id)
    assert found == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(approval_st, max_size=25),
       st.integers(min_value=0, max_value=3000).map(Decimal),
       st.integers(min_value=0, max_value=2000).map(Decimal))
def test_budget_findings_are_exactly_the_crossings(raw, budget, top_up):
    team = _team(None, CapPeriod.calendar_year, budget, top_up)
    approvals = _approvals(raw)
    found = {f.case for f in check_budget(team, approvals)}
    expected = set()
    for i, a in enumerate(approvals):
        spent = sum((p.amount for p in approvals[: i + 1] if p.at.year == a.at.year), Decimal(0))
        if a.at.year not in (2025, 2026):  # no budget that year: every approval is over
            expected.add(a.case_id)
            continue
        available = budget
        if a.at.year == 2025 and a.at.date() >= datetime(2025, 7, 1).date():
            available += top_up
        if spent > available:
            expected.add(a.case_id)
    assert found == expected
