"""Any sequence of `case new` / `vote` / `approve` that mmb accepts leaves a folder that
`validate` accepts (no errors), and no sequence ends over the household cap or the budget."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from conftest import NOW, TEAM_YAML
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mmb import actions
from mmb.errors import MmbError, RefusedError
from mmb.folder import load_team
from mmb.rules import check_team

MEMBERS = ["fatima", "jan", "anneke", "piet", "sanne", "joost", "kees"]
TEAM = TEAM_YAML.replace("amount: 3000\n    top_ups: [{date: 2026-07-01, amount: 1000}]",
                         "amount: 900\n    top_ups: [{date: 2026-11-22, amount: 200}]")

hours_ago = st.integers(min_value=0, max_value=60)
new_case = st.tuples(st.just("new"), st.sampled_from(["H-1", "H-2", "H-3"]),
                     st.integers(min_value=1, max_value=40000), st.sampled_from(MEMBERS),
                     hours_ago)
vote = st.tuples(st.just("vote"), st.integers(min_value=0, max_value=5),
                 st.sampled_from(MEMBERS), st.sampled_from(["akkoord", "object", "abstain"]),
                 hours_ago)
# Several colleagues agree at once: without this, random single votes rarely reach quorum.
# Mostly the newest case, and mostly recent votes, so that approvals do happen.
target = st.sampled_from([-1, -1, -1, 0, 1, 2])
rally = st.tuples(st.just("rally"), target, st.sampled_from([0, 0, 1, 2, 30]))
# A whole case in one step (open, colleagues agree, approve), so that the household cap and
# the budget, not the quorum, decide whether the approval is accepted.
# Amounts in cents; realistic sizes often, so that the limits are reached.
cents = st.one_of(st.sampled_from([10000, 15000, 25000, 40000, 50000]),
                  st.integers(min_value=1, max_value=60000))
full = st.tuples(st.just("full"), st.sampled_from(["H-1", "H-2", "H-3"]), cents,
                 st.sampled_from(MEMBERS), st.one_of(st.none(), cents), hours_ago)
approve = st.tuples(st.just("approve"), target,
                    st.sampled_from(MEMBERS), st.one_of(st.none(), st.integers(1, 40000)),
                    st.sampled_from([None, None, None, 0, 1, 50]))


def _run(root: Path, steps: list[tuple[object, ...]]) -> tuple[int, int]:
    """Apply the steps; return (approvals accepted, approvals refused by cap or budget)."""
    ids: list[str] = []
    approved = limited = 0
    for step in steps:
        try:
            if step[0] == "new":
                _, household, cents, by, ago = step
                made = actions.new_case(root, household=str(household),
                                        category="vervoer",
                                        amount=Decimal(int(cents)).scaleb(-2), by=str(by),
                                        purpose="Fiets", now=NOW,
                                        opened=NOW - timedelta(hours=int(ago)))  # type: ignore
                ids.append(made.case_id)
            elif ids and step[0] == "vote":
                _, idx, member, word, ago = step
                actions.record_vote(root, ids[int(idx) % len(ids)], str(member), str(word),
                                    at=NOW - timedelta(hours=int(ago)), note=None,  # type: ignore
                                    now=NOW)
            elif step[0] == "full":
                _, household, cents, by, approved_cents, ago = step
                opened = NOW - timedelta(hours=int(ago) + 1)  # type: ignore
                made = actions.new_case(root, household=str(household), category="zorg",
                                        amount=Decimal(int(cents)).scaleb(-2),  # type: ignore
                                        by=str(by), purpose="Bril", now=NOW, opened=opened)
                ids.append(made.case_id)
                for member in ("jan", "anneke", "piet", "joost"):
                    actions.record_vote(root, made.case_id, member, "akkoord",
                                        at=opened + timedelta(minutes=30), note=None, now=NOW)
                amount = (None if approved_cents is None
                          else Decimal(int(approved_cents)).scaleb(-2))  # type: ignore
                actions.approve(root, made.case_id, by="jan", amount=amount,
                                at=opened + timedelta(minutes=40), note=None, now=NOW)
                approved += 1
            elif ids and step[0] == "rally":
                _, idx, ago = step
                for member in ("jan", "anneke", "piet", "joost"):
                    actions.record_vote(root, ids[int(idx) % len(ids)], member, "approve",
                                        at=NOW - timedelta(hours=int(ago)),  # type: ignore
                                        note=None, now=NOW)
            elif ids and step[0] == "approve":
                _, idx, by, cents, ago = step
                actions.approve(root, ids[int(idx) % len(ids)], by=str(by),
                                amount=None if cents is None else Decimal(int(cents)).scaleb(-2),  # type: ignore
                                at=None if ago is None else NOW - timedelta(hours=int(ago)),  # type: ignore
                                note=None, now=NOW)
                approved += 1
        except RefusedError as refused:
            if "cap" in refused.message or "available" in refused.message:
                limited += 1
        except MmbError:
            continue  # not allowed: must have changed nothing
    return approved, limited


COUNTS: list[tuple[int, int]] = []


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(full, full, new_case, vote, rally, approve), max_size=16))
def test_accepted_actions_leave_a_valid_folder(steps):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "team"
        (root / "cases").mkdir(parents=True)
        (root / "team.yaml").write_text(TEAM, encoding="utf-8")
        COUNTS.append(_run(root, steps))
        findings = check_team(load_team(root), NOW)
        errors = [f for f in findings if f.level == "error"]
        assert errors == []
        assert not any(f.code in ("MMB103", "MMB104") for f in findings)


def test_the_property_exercises_approvals():
    # Guards the property above against becoming vacuous (every approval refused).
    COUNTS.clear()
    test_accepted_actions_leave_a_valid_folder()
    assert sum(a for a, _ in COUNTS) >= 20
    assert sum(r for _, r in COUNTS) >= 5
