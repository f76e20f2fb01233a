"""`mmb report` reads teams in parallel processes and takes its findings from `validate_team`
(so the validation cache answers): the same facts, findings and report as one by one."""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path

import pytest
from conftest import TEAM_YAML, TEST_REPORT_KEY, case_yaml

from mmb import rules as rules_module
from mmb.findings import Finding, sort_findings
from mmb.report import Facts, build_report, collect
from mmb.report_render import render_md, to_json
from mmb.rules import check_team
from mmb.validate import check_cash_book, load_folders

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 22, 12, 0)


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("MMB_NO_CACHE", raising=False)


def _same(a: Facts, b: Facts) -> None:
    assert a.teams == b.teams
    assert a.cases == b.cases
    assert a.rows == b.rows
    assert a.unpaid == b.unpaid
    assert a.findings == b.findings
    assert a.years_found == b.years_found


def test_parallel_report_equals_sequential_on_the_examples(monkeypatch: pytest.MonkeyPatch,
                                                           ) -> None:
    monkeypatch.chdir(ROOT)
    one = collect(["examples"], 2026, NOW, workers=1)
    two = collect(["examples"], 2026, NOW, workers=2)
    # three teams, in the order they are found, each with its own figures
    assert [t.index for t in two.teams] == [0, 1, 2]
    assert [t.folder for t in two.teams] == sorted(t.folder for t in two.teams)
    assert {c.team for c in two.cases} == {0, 1, 2}
    assert {r.team for r in two.rows} == {0, 1, 2}
    _same(one, two)
    for public in (False, True):
        key = bytes.fromhex(TEST_REPORT_KEY) if public else None
        a = build_report(one, now=NOW, public=public, key=key)
        b = build_report(two, now=NOW, public=public, key=key)
        assert to_json(a) == to_json(b)
        assert render_md(a) == render_md(b)


def _age(root: Path, seconds: int = 60) -> None:
    """Every file written a minute ago (the cache does not keep findings of fresh files)."""
    past = time.time() - seconds
    for path in root.rglob("*"):
        os.utime(path, (past, past))


def _city(tmp_path: Path, make_team) -> Path:
    """Two teams below an mmb.yaml with a problem; one has a case id used twice and a
    payment without a case, the other a phone number in a case."""
    city = tmp_path / "city"
    a = make_team({"2026-001": case_yaml(), "2026-001.yml": case_yaml(),
                   "2026-002": case_yaml("2026-002", household="H-0002")},
                  folder="city/noord/team-a")
    (a / "ledger.csv").write_text(
        "id,date,amount,balance,counterparty,counterparty_iban,description,source,case,kind,"
        "receipt,note\nmmb-1,2026-05-01,-10.00,,Winkel,,iets,,,,,\n", encoding="utf-8")
    make_team({"2026-001": case_yaml(purpose="Bel haar op 0612345678 voor de fiets")},
              team=TEAM_YAML.replace("Buurtteam Test", "Buurtteam Zuid"),
              folder="city/zuid/team-b")
    (city / "mmb.yaml").write_text("rules:\n  quorum: 3\n  no_such_rule: 1\n", encoding="utf-8")
    _age(city)
    return city


def _as_loaded_against(folders: list[str]) -> list[Finding]:
    """The findings as the report made them before it used `validate_team`: every team
    loaded with paths relative to the folder given, a shared mmb.yaml reported once."""
    found: dict[tuple[object, ...], Finding] = {}
    for prefix, doc in load_folders(folders):
        for f in check_team(doc, NOW) + check_cash_book(doc, NOW):
            f = f.rebase(prefix)
            found.setdefault((f.path, f.line, f.code, f.message, f.case, f.severity), f)
    return sort_findings(found.values())


@pytest.mark.parametrize("given", [
    ["city"],
    ["city/noord/team-a"],
    ["city/noord/team-a", "city"],
    ["city/zuid", "city/noord"],
])
def test_findings_are_those_of_loading_against_the_folder(
        tmp_path: Path, make_team, monkeypatch: pytest.MonkeyPatch, given: list[str]) -> None:
    _city(tmp_path, make_team)
    monkeypatch.chdir(tmp_path)
    expected = _as_loaded_against(given)
    assert {"MMB002", "MMB003", "MMB202"} <= {f.code for f in expected}
    assert sum(f.path.endswith("mmb.yaml") for f in expected) == 1
    # this message names a second file, relative to the folder given
    assert any("also used by" in f.message for f in expected)
    cold = collect(given, 2026, NOW, workers=2)
    assert cold.findings == expected
    sequential = collect(given, 2026, NOW, workers=1, use_cache=False)
    _same(cold, sequential)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the rules ran although the validation cache was good")

    monkeypatch.setattr(rules_module, "check_team", refuse)
    warm = collect(given, 2026, NOW, workers=1)  # in this process: the patch applies
    _same(cold, warm)
