"""Issue 16a: checks are never skipped. An unreadable file blocks decisions and sums,
merge conflicts are MMB005, a case opened in the future is MMB106, a failed write is one
plain line, `mmb reopen` keeps the old decision in `history:`, `mmb status` says who still
has to vote. CLI tests run `mmb.cli.main` in-process, as the console script does."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest
from conftest import NOW, case_yaml, check, codes

from mmb import cli

CONFLICT = """\
id: 2026-001
opened: 2026-03-02 10:15
requested_by: fatima
household: H-0001
category: vervoer
amount: 400
purpose: Tweedehands fiets zodat het kind naar school kan
votes:
  - member: jan
    vote: approve
    at: 2026-03-02 10:40
  - member: anneke
    vote: approve
    at: 2026-03-02 11:00
  - member: piet
    vote: approve
    at: 2026-03-02 11:30
<<<<<<< HEAD
decision:
  outcome: approved
  at: 2026-03-02 11:45
  by: anneke
  amount: 400
=======
decision:
  outcome: approved
  at: 2026-03-02 11:50
  by: anneke
  amount: 380
>>>>>>> coordinator-laptop
"""

PENDING_VOTES = [("jan", "approve", "2026-11-20 10:40"), ("anneke", "akkoord", "2026-11-20 11:00"),
                 ("piet", "approve", "2026-11-20 11:30")]


def pending(case_id: str = "2026-002", amount: str = "180", household: str = "H-0001",
            votes: list[tuple[str, str, str]] | None = None) -> str:
    return case_yaml(case_id, opened="2026-11-20 10:15", household=household, amount=amount,
                     votes=PENDING_VOTES if votes is None else votes, outcome=None)


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """run(*args, team=PATH) -> (exit code, stdout, stderr) of `mmb args` (with -C team)."""
    monkeypatch.setenv("MMB_NOW", NOW.strftime("%Y-%m-%d %H:%M"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("MMB_DEBUG", raising=False)

    def go(*args: str, team: Path | None = None) -> tuple[int, str, str]:
        argv = ["mmb", *args] + (["-C", str(team)] if team is not None else [])
        monkeypatch.setattr(sys, "argv", argv)
        code: int = 0
        try:
            cli.main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out = capsys.readouterr()
        return code, out.out, out.err

    return go


# --------------------------------------------------------------------------- MMB005

def test_merge_conflict_is_one_mmb005_on_the_first_marker(make_team) -> None:
    root = make_team({"2026-001": CONFLICT})
    found = check(root)
    assert codes(found) == [("MMB005", "cases/2026-001.yaml", 18)]
    assert found[0].message == ("unresolved git merge conflict: keep the right lines, "
                                "remove the markers")
    assert found[0].case == "2026-001"  # named by its file (SPEC 6.1)


def test_merge_conflict_in_team_yaml_and_ledger(make_team, run) -> None:
    from conftest import TEAM_YAML

    team = TEAM_YAML.replace("  quorum: 3\n", "<<<<<<< HEAD\n  quorum: 3\n=======\n"
                             "  quorum: 2\n>>>>>>> other\n")
    root = make_team({"2026-001": case_yaml()}, team=team)
    (root / "ledger.csv").write_text(
        "id,date,amount,balance,counterparty,counterparty_iban,description,source,case,kind,"
        "receipt,note\n<<<<<<< HEAD\nmmb-1,2026-03-03,-150.00,,Fietsenmaker,,fiets,,"
        "2026-001,,missing,bon kwijt\n=======\nmmb-1,2026-03-03,-150.00,,Fietsenmaker,,fiets,"
        ",2026-001,,,\n>>>>>>> other\n", encoding="utf-8")
    code, out, _ = run("validate", "--format", "json", str(root))
    problems = json.loads(out)["problems"]
    assert code == 1
    assert [(p["code"], p["path"].rsplit("/", 1)[-1], p["line"]) for p in problems] == [
        ("MMB005", "ledger.csv", 2), ("MMB005", "team.yaml", 16)]


def test_merge_conflict_in_mmb_yaml_and_payees(make_team) -> None:
    root = make_team({"2026-001": case_yaml()})
    (root.parent / "mmb.yaml").write_text("rules:\n<<<<<<< a\n  quorum: 2\n=======\n"
                                          "  quorum: 4\n>>>>>>> b\n", encoding="utf-8")
    (root / "payees.yaml").write_text("=======\n", encoding="utf-8")
    from mmb.folder import load_team
    from mmb.payees import load_payees

    doc = load_team(root)
    assert [(f.code, f.path, f.line) for f in doc.findings] == [("MMB005", "../mmb.yaml", 2)]
    payees = load_payees(root, None)  # type: ignore[arg-type]
    assert [(f.code, f.line) for f in payees.findings] == [("MMB005", 1)]
    assert not payees.readable


def test_markers_inside_text_are_not_a_conflict(make_team) -> None:
    root = make_team({"2026-001": case_yaml(purpose="Bril ======= voor <<<<<<< school")})
    assert "MMB005" not in [f.code for f in check(root)]


# --------------------------------------------------------------------------- blocking

def test_merge_conflict_cannot_bypass_the_household_cap(make_team, run) -> None:
    """Regression (issue 16): an approved case with merge-conflict markers was left out of
    the cap and budget sums, and `mmb approve` approved € 80 over the cap."""
    root = make_team({"2026-001": CONFLICT, "2026-002": pending()})
    before = tree_hash(root)
    code, out, err = run("approve", "2026-002", "--by", "anneke", team=root)
    assert code == 2, out + err
    assert "cases/2026-001.yaml, line 18: unresolved git merge conflict" in err
    assert "approve refused" in err and "nothing was changed" in err
    assert out == ""
    assert tree_hash(root) == before
    # once the conflict is resolved, the cap is applied: 400 + 180 > 500
    (root / "cases" / "2026-001.yaml").write_text(
        case_yaml(amount="400", approved="400"), encoding="utf-8")
    before = tree_hash(root)
    code, out, err = run("approve", "2026-002", "--by", "anneke", team=root)
    assert code == 1
    assert "cap" in err
    assert tree_hash(root) == before


@pytest.mark.parametrize("args", [
    ("approve", "2026-002", "--by", "anneke"),
    ("reject", "2026-002", "--by", "anneke"),
    ("withdraw", "2026-002", "--by", "anneke"),
    ("resolve", "2026-002", "--by", "anneke", "--solved-by", "bijzondere bijstand"),
    ("case", "new", "--household", "H-0009", "--category", "zorg", "--amount", "20",
     "--by", "jan", "--purpose", "Medicijnen die niet vergoed worden"),
    ("reconcile", "--yes"),
    ("reconcile", "--check"),
    ("pay", "-o", "batch.xml"),
])
def test_every_deciding_or_summing_command_refuses(make_team, run, args) -> None:
    root = make_team({"2026-001": CONFLICT, "2026-002": pending()})
    before = tree_hash(root)
    code, out, err = run(*args, team=root)
    assert code == 2, out + err
    assert "cases/2026-001.yaml" in err and "merge conflict" in err
    assert tree_hash(root) == before


def test_report_refuses_naming_the_file(make_team, run, tmp_path) -> None:
    root = make_team({"2026-001": CONFLICT, "2026-002": case_yaml("2026-002")})
    before = tree_hash(root)
    code, out, err = run("report", "--year", "2026", "-o", str(tmp_path / "r.json"), str(root))
    assert code == 2, out + err
    assert "report refused" in err and "2026-001.yaml, line 18" in err
    assert not (tmp_path / "r.json").exists()
    assert tree_hash(root) == before


def test_a_case_failing_the_schema_blocks_too(make_team, run) -> None:
    broken = case_yaml(approved="400").replace("amount: 400", "amount: veel")
    root = make_team({"2026-001": broken, "2026-002": pending()})
    before = tree_hash(root)
    code, _, err = run("approve", "2026-002", "--by", "anneke", team=root)
    assert code == 2
    assert "cases/2026-001.yaml, line" in err
    assert tree_hash(root) == before


def test_an_unreadable_ledger_row_blocks_approve(make_team, run) -> None:
    root = make_team({"2026-002": pending()})
    (root / "ledger.csv").write_text(
        "id,date,amount,balance,counterparty,counterparty_iban,description,source,case,kind,"
        "receipt,note\nmmb-1,gisteren,-150.00,,Fietsenmaker,,fiets,,2026-001,,,\n",
        encoding="utf-8")
    before = tree_hash(root)
    code, _, err = run("approve", "2026-002", "--by", "anneke", team=root)
    assert code == 2
    assert "ledger.csv, line 2" in err
    assert tree_hash(root) == before


def test_vote_validate_and_status_still_run(make_team, run) -> None:
    root = make_team({"2026-001": CONFLICT, "2026-002": pending(votes=[])})
    code, out, err = run("vote", "2026-002", "jan", "approve", team=root)
    assert code == 0, err
    assert "member: jan" in (root / "cases" / "2026-002.yaml").read_text()
    code, out, _ = run("validate", str(root))
    assert code == 1 and "MMB005" in out
    code, out, _ = run("status", team=root)
    assert code == 0
    lines = out.splitlines()
    assert lines[1].startswith("Files that cannot be read (1)")
    assert "cases/2026-001.yaml, line 18: unresolved git merge conflict" in lines[2]
