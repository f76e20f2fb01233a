"""Each rule fires on the file and line it should, and not on the valid edge next to it.

Line numbers refer to the layout of `case_yaml`: votes start at line 9 (3 lines each),
`decision:` is line 18, outcome 19, at 20, by 21, amount 22.
"""

from __future__ import annotations

from conftest import NOW, TEAM_YAML, case_yaml, check, codes

P = "cases/2026-001.yaml"


def only(findings, code):  # type: ignore[no-untyped-def]
    return [f for f in findings if f.code == code]


def test_valid_case_has_no_findings(make_team):
    assert check(make_team({"2026-001": case_yaml()})) == []


# ---------------------------------------------------------------- MMB101 quorum

def test_quorum_two_votes_fires_on_outcome_line(make_team):
    votes = [("jan", "approve", "2026-03-02 10:40"), ("anneke", "approve", "2026-03-02 11:00")]
    found = check(make_team({"2026-001": case_yaml(votes=votes)}))
    assert codes(found) == [("MMB101", P, 16)]
    assert "2 valid approval(s)" in found[0].message and "quorum is 3" in found[0].message


def test_requester_vote_not_counted(make_team):
    votes = [("fatima", "approve", "2026-03-02 10:30"), ("jan", "approve", "2026-03-02 10:40"),
             ("anneke", "approve", "2026-03-02 11:00")]
    found = check(make_team({"2026-001": case_yaml(votes=votes)}))
    assert codes(found) == [("MMB102", P, 9), ("MMB101", P, 19)]
    assert "requester" in only(found, "MMB102")[0].message
    assert "fatima (" in only(found, "MMB101")[0].message


def test_vote_at_decision_minute_counts(make_team):
    votes = [("jan", "approve", "2026-03-02 10:40"), ("anneke", "approve", "2026-03-02 11:00"),
             ("piet", "approve", "2026-03-02 11:45")]
    assert check(make_team({"2026-001": case_yaml(votes=votes, decided="2026-03-02 11:45")})) == []


def test_vote_one_minute_after_decision_does_not_count(make_team):
    votes = [("jan", "approve", "2026-03-02 10:40"), ("anneke", "approve", "2026-03-02 11:00"),
             ("piet", "approve", "2026-03-02 11:46")]
    found = check(make_team({"2026-001": case_yaml(votes=votes, decided="2026-03-02 11:45")}))
    assert sorted(codes(found)) == [("MMB101", P, 19), ("MMB102", P, 15)]
    assert "after the decision" in only(found, "MMB102")[0].message


def test_member_who_left_after_voting_counts(make_team):
    # sanne is a member until 2026-06-30 inclusive: a vote on that day counts.
    votes = [("jan", "approve", "2026-06-30 10:40"), ("anneke", "approve", "2026-06-30 11:00"),
             ("sanne", "approve", "2026-06-30 23:59")]
    case = case_yaml(opened="2026-06-30 09:00", votes=votes, decided="2026-07-01 08:00")
    assert check(make_team({"2026-001": case})) == []


def test_member_after_leaving_does_not_count(make_team):
    votes = [("jan", "approve", "2026-07-01 10:40"), ("anneke", "approve", "2026-07-01 11:00"),
             ("sanne", "approve", "2026-07-01 11:10")]
    case = case_yaml(opened="2026-07-01 09:00", votes=votes, decided="2026-07-01 12:00")
    found = check(make_team({"2026-001": case}))
    assert sorted(codes(found)) == [("MMB101", P, 19), ("MMB102", P, 15)]
    assert "not a member on 2026-07-01" in only(found, "MMB102")[0].message


def test_member_before_joining_does_not_count(make_team):
    votes = [("jan", "approve", "2026-03-31 10:40"), ("anneke", "approve", "2026-03-31 11:00"),
             ("joost", "approve", "2026-03-31 11:10")]
    case = case_yaml(opened="2026-03-31 09:00", votes=votes, decided="2026-03-31 12:00")
    assert sorted(codes(check(make_team({"2026-001": case})))) == [("MMB101", P, 19),
                                                                     ("MMB102", P, 15)]


def test_non_member_and_repeat_votes(make_team):
    votes = [("jan", "approve", "2026-03-02 10:40"), ("jan", "approve", "2026-03-02 10:41"),
             ("kees", "approve", "2026-03-02 10:50"), ("anneke", "approve", "2026-03-02 11:00"),
             ("piet", "approve", "2026-03-02 11:30")]
    found = check(make_team({"2026-001": case_yaml(votes=votes)}))
    assert codes(found) == [("MMB102", P, 9), ("MMB102", P, 15)]
    assert "voted again" in found[0].message
    assert "not a member of the team" in found[1].message


def test_changed_mind_latest_vote_counts(make_team):
    votes = [("jan", "approve", "2026-03-02 10:40"), ("anneke", "approve", "2026-03-02 11:00"),
             ("piet", "approve", "2026-03-02 11:10"), ("jan", "tegen", "2026-03-02 11:20")]
    found = check(make_team({"2026-001": case_yaml(votes=votes)}))
    assert sorted(codes(found)) == [("MMB101", P, 22), ("MMB102", P, 9)]


# ---------------------------------------------------------------- MMB103 household cap

def _approved(case_id, household, approved, decided, requested="500"):
    return case_yaml(case_id, household=household, amount=requested, approved=approved,
                     opened=decided[:11] + "09:00", decided=decided,
                     votes=[("jan", "approve", decided[:11] + "09:10"),
                            ("anneke", "approve", decided[:11] + "09:20"),
                            ("piet", "approve", decided[:11] + "09:30")])


def test_exactly_at_cap_is_fine(make_team):
    root = make_team({"2026-001": _approved("2026-001", "H-1", "300", "2026-02-01 10:00"),
                      "2026-002": _approved("2026-002", "H-1", "200", "2026-03-01 10:00")})
    assert check(root) == []


def test_cap_crossed_lands_on_crossing_case_and_later_ones(make_team):
    root = make_team({"2026-001": _approved("2026-001", "H-1", "300", "2026-02-01 10:00"),
                      "2026-002": _approved("2026-002", "H-1", "200.01", "2026-03-01 10:00"),
                      "2026-003": _approved("2026-003", "H-1", "50", "2026-04-01 10:00"),
                      "2026-004": _approved("2026-004", "H-2", "500", "2026-04-01 10:00")})
    found = check(root)
    assert codes(found) == [("MMB103", "cases/2026-002.yaml", 22),
                            ("MMB103", "cases/2026-003.yaml", 22)]
    assert "€ 500,01" in found[0].message and "by € 0,01" in found[0].message
    assert "2026-001 € 300,00" in found[0].message
    assert "2026-001 € 300,00, 2026-002 € 200,01" in found[1].message


def test_cap_is_judged_in_decision_order_not_file_order(make_team):
    # 2026-002 was decided first: the later decision 2026-001 is the one that crosses.
    root = make_team({"2026-001": _approved("2026-001", "H-1", "300", "2026-05-01 10:00"),
                      "2026-002": _approved("2026-002", "H-1", "300", "2026-02-01 10:00")})
    assert codes(check(root)) == [("MMB103", "cases/2026-001.yaml", 22)]


def test_cap_calendar_year_resets(make_team):
    team = TEAM_YAML.replace("budget:\n", "budget:\n  - year: 2025\n    amount: 3000\n")
    root = make_team({"2025-001": _approved("2025-001", "H-1", "400", "2025-12-31 10:00"),
                      "2026-001": _approved("2026-001", "H-1", "400", "2026-01-01 10:00")},
                     team=team)
    assert check(root) == []


def test_cap_rolling_365_days(make_team):
    team = TEAM_YAML.replace("household_cap: 500", "household_cap: 500\n  household_cap_period: "
                             "rolling_365_days").replace(
        "budget:\n", "budget:\n  - year: 2025\n    amount: 3000\n")
    root = make_team({"2025-001": _approved("2025-001", "H-1", "400", "2025-06-01 10:00"),
                      "2026-001": _approved("2026-001", "H-1", "400", "2026-05-31 10:00"),
                      "2026-002": _approved("2026-002", "H-2", "400", "2025-06-01 10:00"),
                      "2026-003": _approved("2026-003", "H-2", "400", "2026-06-01 10:00")},
                     team=team)
    # H-1: 2025-06-01 is within 365 days of 2026-05-31; H-2: exactly 365 days is outside.
    assert codes(check(root)) == [("MMB103", "cases/2026-001.yaml", 22)]


def test_no_cap(make_team):
    team = TEAM_YAML.replace("household_cap: 500", "household_cap: null")
    root = make_team({"2026-001": _approved("2026-001", "H-1", "500", "2026-02-01 10:00"),
                      "2026-002": _approved("2026-002", "H-1", "500", "2026-03-01 10:00")},
                     team=team)
    assert check(root) == []


# ---------------------------------------------------------------- MMB104 budget

def test_budget_exceeded_and_top_up_counts_from_its_date(make_team):
    cases = {}
    # 6 x 500 = 3000 exactly the budget by June; the 7th in June is over; after the
    # top-up on 07-01 the 8th fits again (3500 + 500 = 4000 <= 4000).
    days = ["01-10", "02-10", "03-10", "04-10", "05-10", "06-10", "06-20", "07-01"]
    for i, day in enumerate(days, start=1):
        cid = f"2026-{i:03d}"
        cases[cid] = _approved(cid, f"H-{i}", "500", f"2026-{day} 10:00")
    found = check(make_team(cases))
    assert codes(found) == [("MMB104", "cases/2026-007.yaml", 22)]
    assert "€ 3.500,00" in found[0].message and "€ 3.000,00 available" in found[0].message


def test_budget_missing_year(make_team):
    root = make_team({"2027-001": _approved("2027-001", "H-1", "100", "2026-02-01 10:00")
                      .replace("2026-02-01", "2027-02-01")})
    found = check(root, now=NOW.replace(year=2027))
    assert codes(found) == [("MMB104", "cases/2027-001.yaml", 22)]
    assert "no budget for 2027" in found[0].message


# ---------------------------------------------------------------- MMB105 escalation

ESC_TEAM = TEAM_YAML.replace("household_cap: 500", "household_cap: 1000\n  escalation: "
                             "[{above: 500, role: wpi}]")


def test_escalation_needs_role(make_team):
    votes = [("jan", "approve", "2026-03-02 10:40"), ("anneke", "approve", "2026-03-02 11:00"),
             ("sanne", "approve", "2026-03-02 11:10")]
    root = make_team({"2026-001": case_yaml(amount="700", approved="650", votes=votes)},
                     team=ESC_TEAM)
    assert codes(check(root)) == [("MMB105", P, 22)]


def test_escalation_role_matches_case_insensitively_and_at_threshold(make_team):
    root = make_team({"2026-001": case_yaml(amount="700", approved="650"),  # piet is WPI
                      "2026-002": case_yaml("2026-002", amount="500", approved="500",
                                            household="H-2",
                                            votes=[("jan", "approve", "2026-03-02 10:40"),
                                                   ("anneke", "approve", "2026-03-02 11:00"),
                                                   ("sanne", "approve", "2026-03-02 11:10")])},
                     team=ESC_TEAM)
    assert check(root) == []


# ---------------------------------------------------------------- MMB106 decision

def test_decision_amount_problems(make_team):
    root = make_team({
        "2026-001": case_yaml(approved=None),
        "2026-002": case_yaml("2026-002", approved="0", household="H-2"),
        "2026-003": case_yaml("2026-003", approved="180.01", household="H-3"),
        "2026-004": case_yaml("2026-004", approved="180", household="H-4"),
    })
    assert codes(check(root)) == [("MMB106", "cases/2026-001.yaml", 18),
                                  ("MMB106", "cases/2026-002.yaml", 22),
                                  ("MMB106", "cases/2026-003.yaml", 22)]


def test_decision_before_opening_and_in_future(make_team):
    root = make_team({
        "2026-001": case_yaml(opened="2026-03-02 12:00", decided="2026-03-02 11:59",
                              votes=[("jan", "approve", "2026-03-02 12:00"),
                                     ("anneke", "approve", "2026-03-02 12:00"),
                                     ("piet", "approve", "2026-03-02 12:00")]),
        "2026-002": case_yaml("2026-002", opened="2026-11-22 11:00", decided="2026-11-22 12:01",
                              household="H-2", votes=[("jan", "approve", "2026-11-22 11:10"),
                                                      ("anneke", "approve", "2026-11-22 11:20"),
                                                      ("piet", "approve", "2026-11-22 11:30")]),
    })
    found = check(root)
    ours = [(c, p, ln) for c, p, ln in codes(found) if c == "MMB106"]
    assert ours == [("MMB106", "cases/2026-001.yaml", 20), ("MMB106", "cases/2026-002.yaml", 20)]
    assert "before the case was opened" in only(found, "MMB106")[0].message
    assert "in the future" in only(found, "MMB106")[1].message


def test_veto(make_team):
    team = TEAM_YAML.replace("household_cap: 500", "household_cap: 500\n  veto: true")
    votes = [("jan", "approve", "2026-03-02 10:40"), ("anneke", "approve", "2026-03-02 11:00"),
             ("piet", "approve", "2026-03-02 11:10"), ("sanne", "object", "2026-03-02 11:20")]
    found = check(make_team({"2026-001": case_yaml(votes=votes)}, team=team))
    assert codes(found) == [("MMB106", P, 22)] and "sanne" in found[0].message
    # Without veto the same objection is fine.
    assert check(make_team({"2026-001": case_yaml(votes=votes)}, folder="other")) == []


def test_solved_otherwise_needs_solved_by(make_team):
    root = make_team({"2026-001": case_yaml(outcome="solved_otherwise", approved=None)})
    assert codes(check(root)) == [("MMB002", P, 19)]


# ---------------------------------------------------------------- MMB107 speed

def test_slow_decision_and_pending(make_team):
    root = make_team({
        "2026-001": case_yaml(decided="2026-03-03 10:16"),  # 24 h 1 min
        "2026-002": case_yaml("2026-002", household="H-2", decided="2026-03-03 10:15"),  # 24 h
        "2026-003": case_yaml("2026-003", opened="2026-11-21 11:59", outcome=None, votes=[]),
        "2026-004": case_yaml("2026-004", opened="2026-11-21 12:00", outcome=None, votes=[]),
    })
    assert codes(check(root)) == [("MMB107", "cases/2026-001.yaml", 20),
                                  ("MMB107", "cases/2026-003.yaml", 2)]


# ---------------------------------------------------------------- MMB003 / MMB004

def test_id_differs_from_file_name_and_duplicates(make_team):
    root = make_team({"2026-001": case_yaml(), "2026-002": case_yaml("2026-001", household="H-2")})
    found = check(root)
    assert codes(found) == [("MMB003", "cases/2026-002.yaml", 1)] * 2
    messages = [f.message for f in found]
    assert any("differs from the file name 2026-002.yaml" in m for m in messages)
    assert any("also used by cases/2026-001.yaml" in m for m in messages)


def test_unknown_references(make_team):
    root = make_team({"2026-001": case_yaml(requested_by="klaas", category="fietsen", by="kees")})
    assert codes(check(root)) == [("MMB004", P, 3), ("MMB004", P, 5), ("MMB004", P, 21)]


# ---------------------------------------------------------------- defaults from mmb.yaml

def test_municipality_defaults_merge_rules_key_by_key(tmp_path, make_team):
    (tmp_path / "mmb.yaml").write_text("rules:\n  household_cap: 200\n  quorum: 2\n"
                                       "categories: [vervoer]\n")
    team = TEAM_YAML.replace("rules:\n  quorum: 3\n  household_cap: 500\n", "rules:\n  quorum: 3\n")
    team = team.replace("categories: [vervoer, zorg, woonlasten, leefgeld]\n", "")
    root = make_team({"2026-001": case_yaml(category="zorg")}, team=team)
    found = check(root)
    # cap 200 from mmb.yaml (150 approved: fine), quorum 3 from the team, categories replaced
    assert codes(found) == [("MMB004", P, 5)]
    big = make_team({"2026-001": case_yaml(category="vervoer", approved="180")}, team=team,
                    folder="big")
    assert codes(check(big)) == []
    bigger = make_team({"2026-001": case_yaml(category="vervoer", amount="250", approved="250")},
                       team=team, folder="bigger")
    assert codes(check(bigger)) == [("MMB103", P, 22)]


def test_bad_defaults_reported_on_mmb_yaml(tmp_path, make_team):
    (tmp_path / "mmb.yaml").write_text("rules:\n  quorom: 2\n")
    found = check(make_team({"2026-001": case_yaml()}))
    assert [(f.code, f.path) for f in found] == [("MMB002", "../mmb.yaml")]
    assert "quorum" in found[0].message
