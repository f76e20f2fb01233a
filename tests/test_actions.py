"""The coordinator's actions: refusals change nothing, edits keep what they do not touch."""

from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import NOW, TEAM_YAML, case_yaml, check

from mmb import actions
from mmb.errors import ConflictError, RefusedError, UsageError
from mmb.files import EditableYaml, TeamLock
from mmb.models import Outcome


def folder_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(str(path.relative_to(root)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def pending(case_id="2026-001", household="H-0001", amount="180", votes=None,
            opened="2026-11-22 09:00"):
    return case_yaml(case_id, household=household, amount=amount, outcome=None, opened=opened,
                     votes=votes if votes is not None else [
                         ("jan", "approve", opened[:11] + "09:10"),
                         ("anneke", "approve", opened[:11] + "09:20"),
                         ("piet", "approve", opened[:11] + "09:30")])


def approve(root, case_id="2026-001", **kw):
    kw.setdefault("by", "anneke")
    kw.setdefault("amount", None)
    kw.setdefault("at", None)
    kw.setdefault("note", None)
    return actions.approve(root, case_id, now=NOW, **kw)


# ---------------------------------------------------------------- approve

def test_approve_records_decision_and_validates_clean(make_team):
    root = make_team({"2026-001": pending()})
    result = approve(root, amount=Decimal("150"))
    assert result.amount == Decimal("150") and result.approvals == ["anneke", "jan", "piet"]
    assert result.household_total == Decimal("150") and result.budget_left == Decimal("3850")  # top-up of July counts
    text = (root / "cases/2026-001.yaml").read_text()
    assert text.endswith("decision:\n  outcome: approved\n  at: 2026-11-22 12:00\n"
                         "  by: anneke\n  amount: 150\n")
    assert check(root) == []


def test_approve_defaults_to_requested_amount(make_team):
    root = make_team({"2026-001": pending(amount='"149,95"')})
    assert approve(root).amount == Decimal("149.95")


REFUSALS = [
    pytest.param({"votes": [("jan", "approve", "2026-11-22 09:10"),
                            ("anneke", "approve", "2026-11-22 09:20")]}, {},
                 ["valid approval(s), but the quorum is 3", "votes: 2 of 3 needed"],
                 id="quorum"),
    pytest.param({"votes": [("jan", "approve", "2026-11-22 09:10"),
                            ("anneke", "approve", "2026-11-22 09:20"),
                            ("fatima", "approve", "2026-11-22 09:30")]}, {},
                 ["quorum is 3", "fatima: the requester cannot vote"], id="requester-vote"),
    pytest.param({"amount": "600"}, {"amount": Decimal("600")},
                 ["over the € 500,00 cap by € 100,00", "room € 500,00"], id="household-cap"),
    pytest.param({}, {"amount": Decimal("200")}, ["more than the € 180,00 requested"],
                 id="above-request"),
    pytest.param({}, {"at": datetime(2026, 11, 22, 8, 0)},
                 ["before the case was opened"], id="before-opening"),
]


@pytest.mark.parametrize(("case_kw", "approve_kw", "expected"), REFUSALS)
def test_approve_refusals_change_nothing(make_team, case_kw, approve_kw, expected):
    root = make_team({"2026-001": pending(**case_kw)})
    before = folder_hash(root)
    with pytest.raises(RefusedError) as refused:
        approve(root, **approve_kw)
    for text in expected:
        assert text in refused.value.message
    assert "nothing was written" in refused.value.message
    assert folder_hash(root) == before


def test_approve_refuses_over_budget_with_numbers(make_team):
    team = TEAM_YAML.replace("amount: 3000\n    top_ups: [{date: 2026-07-01, amount: 1000}]",
                             "amount: 300")
    root = make_team({"2026-001": pending(amount="250"),
                      "2026-002": case_yaml("2026-002", household="H-2", amount="100",
                                            approved="100", opened="2026-11-21 09:00",
                                            decided="2026-11-21 10:00",
                                            votes=[("jan", "approve", "2026-11-21 09:10"),
                                                   ("anneke", "approve", "2026-11-21 09:20"),
                                                   ("piet", "approve", "2026-11-21 09:30")])},
                     team=team)
    before = folder_hash(root)
    with pytest.raises(RefusedError) as refused:
        approve(root)
    assert "over the € 300,00 available by € 50,00" in refused.value.message
    assert "budget 2026: € 300,00 available, € 100,00 approved, € 200,00 left" in (
        refused.value.message)
    assert folder_hash(root) == before


def test_approve_refuses_escalation_and_veto(make_team):
    team = TEAM_YAML.replace("household_cap: 500", "household_cap: 1000\n  veto: true\n"
                             "  escalation: [{above: 500, role: wpi}]")
    votes = [("jan", "approve", "2026-11-22 09:10"), ("anneke", "approve", "2026-11-22 09:20"),
             ("sanne", "approve", "2026-11-22 09:30"), ("joost", "object", "2026-11-22 09:40")]
    team = team.replace("    until: 2026-06-30\n", "")
    root = make_team({"2026-001": pending(amount="700", votes=votes)}, team=team)
    before = folder_hash(root)
    with pytest.raises(RefusedError) as refused:
        approve(root)
    assert "without an approve vote from a member with role `wpi`" in refused.value.message
    assert "despite an objection" in refused.value.message
    assert folder_hash(root) == before


def test_approve_refuses_when_a_backdated_approval_pushes_a_later_one_over(make_team):
    later = case_yaml("2026-002", household="H-0001", amount="400", approved="400",
                      opened="2026-11-22 09:00", decided="2026-11-22 11:00",
                      votes=[("jan", "approve", "2026-11-22 09:10"),
                             ("anneke", "approve", "2026-11-22 09:20"),
                             ("piet", "approve", "2026-11-22 09:30")])
    root = make_team({"2026-001": pending(amount="200"), "2026-002": later})
    with pytest.raises(RefusedError) as refused:
        approve(root, at=datetime(2026, 11, 22, 10, 0))
    assert "over the € 500,00 cap" in refused.value.message


def test_approve_refuses_decided_case_and_unknown_member(make_team):
    root = make_team({"2026-001": case_yaml(), "2026-002": pending("2026-002")})
    with pytest.raises(RefusedError, match="already decided"):
        approve(root)
    with pytest.raises(UsageError, match="not a member"):
        approve(root, "2026-002", by="kees")
    with pytest.raises(UsageError, match="no case 2026-009"):
        approve(root, "2026-009")


def test_other_outcomes(make_team):
    root = make_team({"2026-001": pending(), "2026-002": pending("2026-002", household="H-2"),
                      "2026-003": pending("2026-003", household="H-3")})
    actions.decide(root, "2026-001", Outcome.rejected, by="jan", at=None, note="te duur",
                   solved_by=None, now=NOW)
    actions.decide(root, "2026-002", Outcome.solved_otherwise, by="jan", at=None, note=None,
                   solved_by="bijzondere bijstand", now=NOW)
    actions.decide(root, "2026-003", Outcome.withdrawn, by="jan", at=None, note=None,
                   solved_by=None, now=NOW)
    with pytest.raises(UsageError, match="--solved-by"):
        actions.decide(root, "2026-003", Outcome.solved_otherwise, by="jan", at=None,
                       note=None, solved_by=" ", now=NOW)
    assert check(root) == []
    assert "solved_by: bijzondere bijstand" in (root / "cases/2026-002.yaml").read_text()


def test_decision_note_with_personal_data_is_refused(make_team):
    root = make_team({"2026-001": pending()})
    before = folder_hash(root)
    with pytest.raises(RefusedError, match="e-mail"):
        actions.decide(root, "2026-001", Outcome.rejected, by="jan", at=None,
                       note="mail moeder via j.jansen@example.nl", solved_by=None, now=NOW)
    assert folder_hash(root) == before


# ---------------------------------------------------------------- votes

def test_vote_records_and_warns(make_team):
    root = make_team({"2026-001": pending(votes=[])})
    first = actions.record_vote(root, "2026-001", "jan", "akkoord", at=None, note="mits",
                                now=NOW)
    assert first.counts and first.approvals == 1
    own = actions.record_vote(root, "2026-001", "fatima", "approve", at=None, note=None, now=NOW)
    assert not own.counts and "requester" in (own.reason or "")
    text = (root / "cases/2026-001.yaml").read_text()
    assert ("votes:\n  - member: jan\n    vote: approve\n    at: 2026-11-22 12:00\n"
            "    note: mits\n  - member: fatima\n") in text


def test_vote_before_a_recorded_decision_is_refused(make_team):
    root = make_team({"2026-001": case_yaml()})
    before = folder_hash(root)
    with pytest.raises(RefusedError, match="would change a recorded decision"):
        actions.record_vote(root, "2026-001", "sanne", "object",
                            at=datetime(2026, 3, 2, 11, 0), note=None, now=NOW)
    assert folder_hash(root) == before
    # A vote after the decision cannot count: refused too (issue 13), never recorded.
    with pytest.raises(RefusedError, match="after the decision cannot count"):
        actions.record_vote(root, "2026-001", "sanne", "approve",
                            at=datetime(2026, 3, 3, 11, 0), note=None, now=NOW)
    assert folder_hash(root) == before


@pytest.mark.parametrize("word", ["maybe", ""])
def test_bad_vote_word(make_team, word):
    root = make_team({"2026-001": pending(votes=[])})
    with pytest.raises(UsageError, match="not a vote"):
        actions.record_vote(root, "2026-001", "jan", word, at=None, note=None, now=NOW)


# ---------------------------------------------------------------- case new

def test_new_case_numbers_and_refusals(make_team):
    root = make_team({"2026-007": case_yaml("2026-007")})
    made = actions.new_case(root, household="H-0001", category="zorg", amount=Decimal("89.95"),
                            by="fatima", purpose="Bril voor school", opened=NOW,
                            alternatives=["geen fonds"], now=NOW)
    assert made.case_id == "2026-008"
    assert made.household_total == Decimal("150") and made.headroom == Decimal("350")
    assert (root / "cases/2026-008.yaml").read_text() == (
        "id: 2026-008\nopened: 2026-11-22 12:00\nrequested_by: fatima\nhousehold: H-0001\n"
        "category: zorg\namount: 89.95\npurpose: Bril voor school\nalternatives:\n"
        "  - geen fonds\n")
    before = folder_hash(root)
    for kwargs, error, text in [
        ({"purpose": "Bril, BSN 111222333"}, RefusedError, "BSN"),
        ({"by": "kees"}, UsageError, "not a member"),
        ({"by": "sanne"}, UsageError, "not a member of the team on 2026-11-22"),
        ({"category": "fietsen"}, UsageError, "not in team.yaml"),
        ({"household": "NL91ABNA0417164300"}, RefusedError, "IBAN"),
    ]:
        args = {"household": "H-0002", "category": "zorg", "amount": Decimal(10),
                "by": "fatima", "purpose": "Bril", "opened": NOW, "now": NOW, **kwargs}
        with pytest.raises(error, match=text):
            actions.new_case(root, **args)
    assert folder_hash(root) == before
    assert check(root) == []


# ---------------------------------------------------------------- safe editing

COMMENTED = """\
# Casus: fiets voor school
# (aangemaakt door de coördinator)
id: 2026-001    # volgnummer
opened: 2026-11-22 09:00
requested_by: fatima
household: H-0001   # code uit mmb household
category: vervoer
amount: "180,00"    # incl. slot
purpose: >-
  Tweedehands fiets met slot,
  zodat het kind naar school kan
alternatives: [bijzondere bijstand afgewezen, geen fonds]

votes:
# eerst via de app
- member: jan
  vote: akkoord   # in de groepsapp
  at: 2026-11-22 09:10
- {member: anneke, vote: approve, at: "2026-11-22 09:20"}
- member: piet
  vote: approve
  at: 2026-11-22 09:30

followup:       # komt later
  at: 2026-12-15
  regret: false
"""


def test_round_trip_keeps_comments_order_and_layout(make_team):
    root = make_team({"2026-001": COMMENTED})
    approve(root)
    expected = COMMENTED.replace(
        "followup:       # komt later",
        "decision:\n  outcome: approved\n  at: 2026-11-22 12:00\n  by: anneke\n"
        "  amount: 180.00\nfollowup:       # komt later")
    assert (root / "cases/2026-001.yaml").read_text() == expected


def test_edit_refuses_when_file_changed_on_disk(make_team):
    root = make_team({"2026-001": pending()})
    path = root / "cases/2026-001.yaml"
    edit = EditableYaml(path, "cases/2026-001.yaml")
    edit.data["purpose"] = "anders"
    path.write_text(path.read_text() + "# changed by git pull\n")
    changed = path.read_bytes()
    with pytest.raises(ConflictError, match="changed on disk"):
        edit.save()
    assert path.read_bytes() == changed


def test_held_lock_gives_clear_message(make_team):
    root = make_team({"2026-001": pending()})
    before = folder_hash(root)
    with TeamLock(root), pytest.raises(ConflictError, match="another mmb command"), \
            TeamLock(root, wait=0.2):
        pass
    assert folder_hash(root) == before


def test_atomic_write_leaves_no_temp_files(make_team):
    root = make_team({"2026-001": pending()})
    approve(root)
    assert sorted(p.name for p in (root / "cases").iterdir()) == ["2026-001.yaml"]


# ---------------------------------------------------------------- households

def test_household_code_is_stable_keyed_and_normalised():
    code = actions.household_code(b"secret-one-0123456789", "123.456 789")
    assert code == actions.household_code(b"secret-one-0123456789", "123456789")
    assert code != actions.household_code(b"secret-two-0123456789", "123456789")
    assert code.startswith("H-") and len(code) == 8
    assert not set(code[2:]) & set("ILOU")
    with pytest.raises(UsageError):
        actions.household_code(b"secret-one-0123456789", " - ")


def test_household_secret_file(make_team, tmp_path, monkeypatch):
    # (issue 14: the secret belongs to the team's team_id; tests/test_household.py has more)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.delenv("MMB_HOUSEHOLD_SECRET", raising=False)
    root = make_team({})
    with pytest.raises(UsageError, match="--new-secret"):
        actions.household_secret(actions.open_team(root).team)
    path = actions.create_household_secret(root).path
    assert path.stat().st_mode & 0o777 == 0o600
    assert str(tmp_path) in str(path)
    assert len(actions.household_secret(actions.open_team(root).team)) == 64
    with pytest.raises(UsageError, match="already exists"):
        actions.create_household_secret(root)
