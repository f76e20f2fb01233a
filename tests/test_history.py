"""`mmb validate --since REF` (MMB110, MMB111, MMB213) and `mmb log`, over real git
repositories made in a temporary folder: commits with set authors and dates."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import TEAM_YAML, case_yaml
from typer.testing import CliRunner

from mmb.cli import app
from mmb.findings import Finding
from mmb.history import check_history

HEADER = ("id,date,amount,balance,counterparty,counterparty_iban,description,source,case,"
          "kind,receipt,note\n")
ROW1 = "T1,2026-03-03,-150.00,850.00,Fietsenwinkel,,fiets,,2026-001,,receipts/2026-001.pdf,\n"
ROW2 = "T2,2026-03-04,-20.00,830.00,Bank,,kosten,,,bank_costs,,\n"
LEDGER = HEADER + ROW1 + ROW2

REOPENED = """\
history:
  - outcome: approved
    at: 2026-03-02 11:45
    by: anneke
    amount: 150
    reopened_at: 2026-04-01 09:00
    reopened_by: anneke
    reason: leverancier failliet, andere fiets nodig
"""


def _env(name: str = "Fatima B", date: str = "2026-03-10T10:00:00+01:00") -> dict[str, str]:
    return dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1",
                GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL="a@example.org", GIT_AUTHOR_DATE=date,
                GIT_COMMITTER_NAME="ci", GIT_COMMITTER_EMAIL="ci@example.org",
                GIT_COMMITTER_DATE=date)


def git(cwd: Path, *args: str, name: str = "Fatima B",
        date: str = "2026-03-10T10:00:00+01:00") -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env=_env(name, date), check=True,
                          capture_output=True, text=True)
    return done.stdout.strip()


class Repo:
    """A git repository holding a team folder (at `team`, inside `top`)."""

    def __init__(self, top: Path, team: str = "") -> None:
        self.top = top
        self.root = top / team if team else top
        self.root.mkdir(parents=True, exist_ok=True)
        git(top, "init", "-q", "-b", "main")

    def write(self, rel: str, text: str | bytes) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")

    def remove(self, rel: str) -> None:
        (self.root / rel).unlink()

    def commit(self, message: str, name: str = "Fatima B",
               date: str = "2026-03-10T10:00:00+01:00") -> str:
        git(self.top, "add", "-A")
        git(self.top, "commit", "-q", "--allow-empty", "-m", message, name=name, date=date)
        return git(self.top, "rev-parse", "HEAD")

    def check(self, ref: str = "base") -> list[Finding]:
        return sorted(check_history(self.root, ref), key=lambda f: (f.path, f.line, f.code))


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """A team with a decided case, a pending one, a ledger and a receipt, committed and
    tagged `base`."""
    r = Repo(tmp_path / "team")
    r.write("team.yaml", TEAM_YAML)
    r.write("cases/2026-001.yaml", case_yaml())
    r.write("cases/2026-002.yaml", case_yaml("2026-002", household="H-0002", outcome=None))
    r.write("ledger.csv", LEDGER)
    r.write("receipts/2026-001.pdf", b"%PDF-1.4 receipt of the bicycle")
    r.commit("base", name="Anneke", date="2026-03-05T12:00:00+01:00")
    git(r.top, "tag", "base")
    return r


def one(found: list[Finding], code: str) -> Finding:
    hits = [f for f in found if f.code == code]
    assert len(hits) == 1, found
    return hits[0]


def edit(repo: Repo, rel: str, old: str, new: str) -> None:
    path = repo.root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


# --------------------------------------------------------------------------- MMB110
def test_decision_amount_raised_names_commit_author_and_line(repo: Repo) -> None:
    edit(repo, "cases/2026-001.yaml", "  amount: 150", "  amount: 450")
    sha = repo.commit("meer geld", name="Mallory", date="2026-04-01T10:00:00+02:00")
    f = one(repo.check(), "MMB110")
    assert f.path == "cases/2026-001.yaml" and f.case == "2026-001"
    text = (repo.root / f.path).read_text().splitlines()
    assert text[f.line - 1] == "  amount: 450"
    assert sha[:10] in f.message and "Mallory" in f.message and "2026-04-01 10:00" in f.message
    assert "€ 150,00 → € 450,00" in f.message


def test_decision_outcome_changed(repo: Repo) -> None:
    edit(repo, "cases/2026-001.yaml", "outcome: approved", "outcome: rejected")
    repo.commit("anders besloten", name="Jan")
    f = one(repo.check(), "MMB110")
    assert "approved → rejected" in f.message and "Jan" in f.message


def test_decision_removed_without_reopen(repo: Repo) -> None:
    repo.write("cases/2026-001.yaml", case_yaml(outcome=None))
    sha = repo.commit("weg ermee", name="Mallory")
    f = one(repo.check(), "MMB110")
    assert f.line == 1 and "was removed" in f.message and sha[:10] in f.message


def test_blame_names_the_commit_of_the_current_value(repo: Repo) -> None:
    edit(repo, "cases/2026-001.yaml", "  amount: 150", "  amount: 160")
    repo.commit("eerste", name="Eerste")
    edit(repo, "cases/2026-001.yaml", "  amount: 160", "  amount: 170")
    sha = repo.commit("tweede", name="Tweede")
    repo.write("cases/2026-001.yaml", (repo.root / "cases/2026-001.yaml").read_text()
               + "followup:\n  at: 2026-06-01\n  note: fietst\n")
    repo.commit("followup", name="Derde")
    f = one(repo.check(), "MMB110")
    assert sha[:10] in f.message and "Tweede" in f.message


def test_change_undone_in_the_range_is_no_finding(repo: Repo) -> None:
    edit(repo, "cases/2026-001.yaml", "  amount: 150", "  amount: 450")
    repo.commit("oeps")
    edit(repo, "cases/2026-001.yaml", "  amount: 450", "  amount: 150")
    repo.commit("terug")
    assert repo.check() == []


def test_legitimate_reopen_passes_and_a_new_decision_after_it(repo: Repo) -> None:
    repo.write("cases/2026-001.yaml", case_yaml(outcome=None) + REOPENED)
    repo.commit("mmb reopen 2026-001", name="Anneke")
    assert repo.check() == []
    votes = [("jan", "approve", "2026-04-01 10:00"), ("anneke", "approve", "2026-04-01 10:10"),
             ("piet", "approve", "2026-04-01 10:20")]
    repo.write("cases/2026-001.yaml", case_yaml(votes=votes, decided="2026-04-01 11:00",
                                                approved="170") + REOPENED)
    repo.commit("opnieuw besloten", name="Anneke")
    assert repo.check() == []


def test_reopen_and_new_decision_in_one_commit_pass(repo: Repo) -> None:
    votes = [("jan", "approve", "2026-04-01 10:00"), ("anneke", "approve", "2026-04-01 10:10"),
             ("piet", "approve", "2026-04-01 10:20")]
    repo.write("cases/2026-001.yaml", case_yaml(votes=votes, decided="2026-04-01 11:00",
                                                approved="120") + REOPENED)
    repo.commit("heropend en opnieuw besloten")
    assert repo.check() == []


def test_decision_note_rewritten_is_reported(repo: Repo) -> None:
    edit(repo, "cases/2026-001.yaml", "  amount: 150\n", "  amount: 150\n  note: mits tweedehands\n")
    repo.commit("notitie")
    git(repo.top, "tag", "-f", "base")
    edit(repo, "cases/2026-001.yaml", "mits tweedehands", "nieuw mag ook")
    repo.commit("andere notitie", name="Mallory")
    f = one(repo.check(), "MMB110")
    assert "note mits tweedehands → nieuw mag ook" in f.message


def test_reopen_that_alters_the_old_decision_is_reported(repo: Repo) -> None:
    repo.write("cases/2026-001.yaml", case_yaml(outcome=None)
               + REOPENED.replace("amount: 150", "amount: 100"))
    repo.commit("reopen met ander bedrag", name="Mallory")
    f = one(repo.check(), "MMB110")
    assert "Mallory" in f.message


def test_history_entry_of_ref_edited(repo: Repo) -> None:
    repo.write("cases/2026-001.yaml", case_yaml(outcome=None) + REOPENED)
    repo.commit("reopen")
    git(repo.top, "tag", "-f", "base")
    edit(repo, "cases/2026-001.yaml", "reason: leverancier failliet", "reason: zomaar")
    repo.commit("andere reden", name="Mallory")
    f = one(repo.check(), "MMB110")
    assert "`history:`" in f.message and "Mallory" in f.message
    lines = (repo.root / f.path).read_text().splitlines()
    assert lines[f.line - 1].startswith("  - outcome")


def test_followup_and_decision_note_filled_in_pass(repo: Repo) -> None:
    edit(repo, "cases/2026-001.yaml", "  amount: 150\n",
         "  amount: 150\n  note: fiets met slot\nfollowup:\n  at: 2026-06-01\n  regret: false\n")
    repo.commit("followup")
    assert repo.check() == []


def test_vote_added_before_the_decision_after_it_was_committed(repo: Repo) -> None:
    edit(repo, "cases/2026-001.yaml", "decision:",
         "  - member: joost\n    vote: approve\n    at: 2026-03-02 11:40\ndecision:")
    sha = repo.commit("stem vergeten", name="Mallory", date="2026-05-01T09:00:00+02:00")
    f = one(repo.check(), "MMB110")
    assert "joost" in f.message and sha[:10] in f.message and "Mallory" in f.message
    lines = (repo.root / f.path).read_text().splitlines()
    assert lines[f.line - 1] == "  - member: joost"


def test_backdated_vote_after_a_decision_committed_in_the_range(repo: Repo) -> None:
    votes = [("jan", "approve", "2026-03-20 10:00"), ("anneke", "approve", "2026-03-20 10:10")]
    repo.write("cases/2026-002.yaml", case_yaml("2026-002", household="H-0002", votes=votes,
                                                decided="2026-03-20 11:00"))
    decided = repo.commit("besloten", name="Anneke")
    votes.append(("piet", "approve", "2026-03-20 10:30"))
    repo.write("cases/2026-002.yaml", case_yaml("2026-002", household="H-0002", votes=votes,
                                                decided="2026-03-20 11:00"))
    added = repo.commit("quorum gerepareerd", name="Mallory")
    f = one(repo.check(), "MMB110")
    assert f.case == "2026-002" and "piet" in f.message
    assert added[:10] in f.message and decided[:10] in f.message


def test_vote_removed_and_vote_changed(repo: Repo) -> None:
    votes = [("jan", "object", "2026-03-02 10:40"), ("anneke", "akkoord", "2026-03-02 11:00")]
    repo.write("cases/2026-001.yaml", case_yaml(votes=votes))
    repo.commit("stemmen aangepast", name="Mallory")
    found = [f for f in repo.check() if f.code == "MMB110"]
    assert len(found) == 2
    changed = next(f for f in found if "was changed" in f.message)
    removed = next(f for f in found if "was removed" in f.message)
    assert "jan" in changed.message and "approve → object" in changed.message
    assert "piet" in removed.message


def test_vote_note_and_a_vote_after_the_decision_pass(repo: Repo) -> None:
    edit(repo, "cases/2026-001.yaml", "    at: 2026-03-02 10:40\n",
         "    at: 2026-03-02 10:40\n    note: mits tweedehands\n")
    edit(repo, "cases/2026-001.yaml", "decision:",
         "  - member: joost\n    vote: approve\n    at: 2026-03-03 09:00\ndecision:")
    repo.commit("notitie en late stem")
    assert repo.check() == []


def test_reordered_votes_pass(repo: Repo) -> None:
    votes = [("piet", "approve", "2026-03-02 11:30"), ("jan", "approve", "2026-03-02 10:40"),
             ("anneke", "akkoord", "2026-03-02 11:00")]
    repo.write("cases/2026-001.yaml", case_yaml(votes=votes))
    repo.commit("volgorde")
    assert repo.check() == []


def test_pending_case_and_new_case_may_change(repo: Repo) -> None:
    votes = [("jan", "approve", "2026-03-20 10:00")]
    repo.write("cases/2026-002.yaml", case_yaml("2026-002", household="H-0002", votes=votes,
                                                outcome=None, amount="200"))
    repo.write("cases/2026-003.yaml", case_yaml("2026-003", household="H-0003"))
    repo.commit("werk")
    repo.remove("cases/2026-002.yaml")
    repo.commit("dubbel")
    assert repo.check() == []


# --------------------------------------------------------------------------- MMB111
def test_decided_case_deleted(repo: Repo) -> None:
    repo.remove("cases/2026-001.yaml")
    sha = repo.commit("opruimen", name="Mallory")
    f = one(repo.check(), "MMB111")
    assert (f.path, f.line, f.case) == ("cases/2026-001.yaml", 1, "2026-001")
    assert sha[:10] in f.message and "Mallory" in f.message and "deleted" in f.message


def test_decided_case_renamed(repo: Repo) -> None:
    git(repo.top, "mv", "cases/2026-001.yaml", "cases/2026-009.yaml")
    repo.commit("hernoemd", name="Mallory")
    found = repo.check()
    f = one(found, "MMB111")
    assert "renamed to cases/2026-009.yaml" in f.message


# --------------------------------------------------------------------------- MMB213
def test_ledger_amount_changed(repo: Repo) -> None:
    edit(repo, "ledger.csv", "-150.00,850.00", "-15.00,850.00")
    sha = repo.commit("typfout", name="Mallory")
    f = one(repo.check(), "MMB213")
    assert (f.path, f.line) == ("ledger.csv", 2)
    assert "amount -€ 150,00 → -€ 15,00" in f.message and sha[:10] in f.message


def test_ledger_row_removed_and_id_changed(repo: Repo) -> None:
    repo.write("ledger.csv", HEADER + ROW2.replace("T2,", "X9,"))
    repo.commit("rij weg", name="Mallory")
    found = [f for f in repo.check() if f.code == "MMB213"]
    assert len(found) == 2
    removed = next(f for f in found if "removed" in f.message)
    assert removed.line == 1 and "T1" in removed.message and "Mallory" in removed.message
    renamed = next(f for f in found if "id was changed" in f.message)
    assert renamed.line == 2 and "T2" in renamed.message and "X9" in renamed.message


def test_ledger_links_filled_and_new_export_imported_pass(repo: Repo) -> None:
    repo.write("ledger.csv", HEADER + ROW1 + ROW2.replace(",,kosten,,,bank_costs,,",
                                                          ",,kosten,,,bank_costs,,maandkosten")
               + "T3,2026-03-10,-45.00,785.00,Apotheek,,medicijn,bank/maart.csv,2026-002,,"
                 "missing,bon kwijt\n")
    repo.write("bank/maart.csv", "a,b\n")
    repo.commit("nieuwe export")
    assert repo.check() == []


def test_ledger_rows_without_id_are_known_by_content(repo: Repo) -> None:
    hand = ",2026-03-05,-5.00,,Kas,,koffie,,,other,,koffie\n"
    repo.write("ledger.csv", LEDGER + hand + hand)
    repo.commit("met de hand")
    git(repo.top, "tag", "-f", "base")
    repo.write("ledger.csv", LEDGER + hand + hand.replace("koffie\n", "koffie voor het team\n"))
    repo.commit("notitie")
    assert repo.check() == []
    repo.write("ledger.csv", LEDGER + hand)
    repo.commit("een weg", name="Mallory")
    f = one(repo.check(), "MMB213")
    assert "removed" in f.message and "#2" in f.message and "Mallory" in f.message


def test_ledger_removed(repo: Repo) -> None:
    repo.remove("ledger.csv")
    repo.commit("weg")
    f = one(repo.check(), "MMB213")
    assert "2 row(s)" in f.message


def test_receipt_changed_deleted_and_moved(repo: Repo) -> None:
    repo.write("receipts/2026-001.pdf", b"%PDF-1.4 another receipt")
    sha = repo.commit("andere bon", name="Mallory")
    f = one(repo.check(), "MMB213")
    assert f.path == "receipts/2026-001.pdf" and "changed" in f.message and sha[:10] in f.message
    repo.remove("receipts/2026-001.pdf")
    repo.commit("bon weg")
    f = one(repo.check(), "MMB213")
    assert "deleted" in f.message
    repo.write("receipts/2026/2026-001.pdf", b"%PDF-1.4 receipt of the bicycle")
    repo.commit("bon verplaatst")
    assert [f.code for f in repo.check()] == []


def test_uncommitted_changes_are_checked_too(repo: Repo) -> None:
    edit(repo, "ledger.csv", "-20.00,830.00", "-2.00,830.00")
    f = one(repo.check(), "MMB213")
    assert "not committed yet" in f.message


# --------------------------------------------------------------------------- history shapes
def test_change_on_a_merged_branch_names_the_branch_commit(repo: Repo) -> None:
    git(repo.top, "checkout", "-q", "-b", "zijtak")
    edit(repo, "cases/2026-001.yaml", "  amount: 150", "  amount: 450")
    sha = repo.commit("op de zijtak", name="Mallory")
    git(repo.top, "checkout", "-q", "main")
    repo.write("cases/2026-003.yaml", case_yaml("2026-003", household="H-0003"))
    repo.commit("nieuw", name="Anneke")
    git(repo.top, "merge", "-q", "--no-edit", "zijtak", name="Anneke")
    f = one(repo.check(), "MMB110")
    assert sha[:10] in f.message and "Mallory" in f.message


def test_ref_ahead_of_the_branch_uses_the_merge_base(repo: Repo) -> None:
    git(repo.top, "checkout", "-q", "-b", "werk")
    repo.write("cases/2026-003.yaml", case_yaml("2026-003", household="H-0003", outcome=None))
    repo.commit("nieuw dossier")
    git(repo.top, "checkout", "-q", "main")
    repo.write("cases/2026-002.yaml", case_yaml("2026-002", household="H-0002"))
    repo.commit("besluit op main")
    git(repo.top, "checkout", "-q", "werk")
    # main decided 2026-002 after this branch left it: not "removed" here.
    assert repo.check("main") == []


def test_team_inside_a_municipality_repository(tmp_path: Path) -> None:
    r = Repo(tmp_path / "stad", team="teams/noord")
    r.write("team.yaml", TEAM_YAML)
    r.write("cases/2026-001.yaml", case_yaml())
    r.commit("base")
    git(r.top, "tag", "base")
    edit(r, "cases/2026-001.yaml", "outcome: approved", "outcome: withdrawn")
    r.commit("ander", name="Mallory")
    f = one(r.check(), "MMB110")
    assert f.path == "cases/2026-001.yaml"
    result = CliRunner().invoke(app, ["validate", "--since", "base", "--no-cache",
                                      "--format", "json", str(tmp_path / "stad")])
    problems = json.loads(result.stdout)["problems"]
    assert [p["path"] for p in problems if p["code"] == "MMB110"] == [
        f"{tmp_path}/stad/teams/noord/cases/2026-001.yaml"]


# --------------------------------------------------------------------------- CLI, formats
def _validate(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MMB_NOW="2026-11-22 12:00", MMB_NO_CACHE="1")
    import sys

    return subprocess.run([sys.executable, "-m", "mmb", "validate", *args], cwd=root,
                          env=env, capture_output=True, text=True, timeout=120)


def test_cli_formats_carry_the_history_findings(repo: Repo) -> None:
    edit(repo, "cases/2026-001.yaml", "  amount: 150", "  amount: 160")
    sha = repo.commit("meer", name="Mallory")
    text = _validate(repo.root, "--since", "base")
    assert text.returncode == 1 and "MMB110" in text.stdout and sha[:10] in text.stdout
    js = _validate(repo.root, "--since", "base", "--format", "json")
    problem = next(p for p in json.loads(js.stdout)["problems"] if p["code"] == "MMB110")
    assert problem["case"] == "2026-001" and "Mallory" in problem["message"]
    gh = _validate(repo.root, "--since", "base", "--format", "github")
    assert any(line.startswith("::error file=cases/2026-001.yaml,line=22,title=MMB110::")
               for line in gh.stdout.splitlines())
    clean = _validate(repo.root)
    assert "MMB110" not in clean.stdout  # without --since, no history check


def test_not_a_repository_is_a_plain_error(tmp_path: Path) -> None:
    root = tmp_path / "team"
    (root / "cases").mkdir(parents=True)
    (root / "team.yaml").write_text(TEAM_YAML)
    done = _validate(root, "--since", "main")
    assert done.returncode == 2 and "not in a git repository" in done.stderr
    assert "Traceback" not in done.stderr


def test_shallow_clone_gets_the_plain_message(repo: Repo, tmp_path: Path) -> None:
    edit(repo, "cases/2026-002.yaml", "amount: 180", "amount: 190")
    repo.commit("een")
    repo.commit("twee")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.top}", str(clone)],
                   check=True, env=_env(), capture_output=True)
    log = _log(clone, "2026-002")
    assert log.returncode == 0 and "shallow" in log.stderr and "git fetch --unshallow" in log.stderr
    done = _validate(clone, "--since", "HEAD~2")
    assert done.returncode == 2
    assert "shallow" in done.stderr and "git fetch --unshallow" in done.stderr
    assert "fetch-depth: 0" in done.stderr and "Traceback" not in done.stderr
    # REF fetched on its own, the commits between still missing: the same advice.
    subprocess.run(["git", "fetch", "-q", "--depth", "1", "origin", "tag", "base"], cwd=clone,
                   check=True, env=_env(), capture_output=True)
    done = _validate(clone, "--since", "base")
    assert done.returncode == 2 and "git fetch --unshallow" in done.stderr


# --------------------------------------------------------------------------- hostile repos
def test_option_like_ref_is_refused(repo: Repo) -> None:
    before = sorted(p.name for p in repo.root.iterdir())
    for ref in ("--output=x", "-h", "--all"):
        done = _validate(repo.root, f"--since={ref}")
        assert done.returncode == 2 and "may not start with '-'" in done.stderr
    assert sorted(p.name for p in repo.root.iterdir()) == before


def test_symlink_and_huge_blobs_in_history_are_not_read(repo: Repo) -> None:
    os.symlink("/etc/passwd", repo.root / "cases" / "2026-005.yaml")
    big = case_yaml("2026-006", household="H-0006") + "# " + "x" * (1024 * 1024 + 10) + "\n"
    repo.write("cases/2026-006.yaml", big)
    os.symlink("/etc/hostname", repo.root / "receipts" / "link.pdf")
    repo.write("ledger.csv", LEDGER + "T9,2026-03-06,-1.00,829.00,x,,y,,,bank_costs,"
               "receipts/link.pdf,\n")
    repo.commit("vijandig")
    git(repo.top, "tag", "-f", "base")
    repo.remove("cases/2026-005.yaml")
    repo.remove("cases/2026-006.yaml")
    repo.remove("receipts/link.pdf")
    repo.commit("weg")
    from mmb.history import TeamHistory

    h = TeamHistory(repo.root, "base")
    big_entry = h.base_tree["cases/2026-006.yaml"]
    assert big_entry.size is not None and big_entry.size > 1024 * 1024
    assert h.base_tree["cases/2026-005.yaml"].mode == "120000"
    # Neither the link (not followed) nor the huge file (over the limit) makes a finding.
    assert repo.check() == []
    h.repo.read_blobs([(big_entry.blob, 1024 * 1024)])
    assert h.repo.blob(big_entry.blob, 1024 * 1024) is None


def test_hostile_author_name_is_shown_visibly(repo: Repo) -> None:
    edit(repo, "cases/2026-001.yaml", "  amount: 150", "  amount: 151")
    repo.commit("x", name="Evil\x1b]0;pwned\x07\u202eName")
    done = _validate(repo.root, "--since", "base")
    assert "\x1b" not in done.stdout and "\u202e" not in done.stdout
    assert "Evil\\x1b]0;pwned\\x07\\u202eName" in done.stdout


# --------------------------------------------------------------------------- mmb log
def _log(root: Path, case: str) -> subprocess.CompletedProcess[str]:
    import sys

    return subprocess.run([sys.executable, "-m", "mmb", "log", case], cwd=root,
                          env=dict(os.environ), capture_output=True, text=True, timeout=120)


def test_log_tells_the_case_in_plain_words(tmp_path: Path) -> None:
    r = Repo(tmp_path / "team")
    r.write("team.yaml", TEAM_YAML)
    r.write("cases/2026-001.yaml", case_yaml(votes=[], outcome=None))
    opened = r.commit("nieuw", name="Fatima B", date="2026-03-02T10:20:00+01:00")
    votes = [("jan", "approve", "2026-03-02 10:40"), ("anneke", "akkoord", "2026-03-02 11:00"),
             ("piet", "approve", "2026-03-02 11:30")]
    r.write("cases/2026-001.yaml", case_yaml(votes=votes, outcome=None))
    r.commit("stemmen", name="Jan de V", date="2026-03-02T11:35:00+01:00")
    r.write("cases/2026-001.yaml", case_yaml(votes=votes))
    decided = r.commit("besluit", name="Anneke", date="2026-03-02T11:50:00+01:00")
    r.write("ledger.csv", HEADER + ROW2)
    r.commit("export", name="Anneke", date="2026-03-04T09:00:00+01:00")
    r.write("ledger.csv", LEDGER)
    r.commit("gekoppeld", name="Anneke", date="2026-03-05T09:00:00+01:00")
    r.write("cases/2026-001.yaml", case_yaml(outcome=None) + REOPENED)
    r.commit("heropend", name="Anneke", date="2026-04-01T09:05:00+02:00")
    r.write("cases/2026-001.yaml", case_yaml(outcome=None) + REOPENED
            + "followup:\n  at: 2026-06-01\n  regret: true\n")
    done = _log(r.root, "2026-001")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert f"2026-03-02 10:20  {opened[:10]}  Fatima B" in out
    assert "opened: vervoer, € 180,00 requested by fatima (opened 2026-03-02 10:15)" in out
    assert "vote: jan approve (2026-03-02 10:40)" in out and "vote: anneke approve" in out
    assert f"2026-03-02 11:50  {decided[:10]}  Anneke\n  decision: approved € 150,00" in out
    assert "payment linked in ledger.csv: 2026-03-03, -€ 150,00 (transaction T1)" in out
    assert "receipt linked: receipts/2026-001.pdf (transaction T1)" in out
    assert "reopened by anneke (2026-04-01 09:00)" in out and "leverancier failliet" in out
    assert "decision removed" not in out  # a reopen is not a removal
    assert out.index("Not committed yet") < out.index("follow-up (2026-06-01)")
    assert "H-0001" not in out and "fiets zodat" not in out  # no household, no purpose
    order = [out.index(s) for s in ("opened:", "vote: jan", "decision:", "payment linked",
                                    "reopened by", "follow-up")]
    assert order == sorted(order)


def test_log_refuses_an_unknown_or_bad_case(repo: Repo) -> None:
    done = _log(repo.root, "2026-099")
    assert done.returncode == 2 and "no file in this repository's history" in done.stderr
    done = _log(repo.root, "--all")
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_log_shows_a_tampered_decision_and_a_removed_vote(repo: Repo) -> None:
    repo.write("cases/2026-001.yaml", case_yaml(
        votes=[("jan", "approve", "2026-03-02 10:40")], approved="450"))
    sha = repo.commit("stil", name="Mallory", date="2026-05-01T08:00:00+02:00")
    out = _log(repo.root, "2026-001").stdout
    assert f"2026-05-01 08:00  {sha[:10]}  Mallory" in out
    assert "decision changed: amount € 150,00 → € 450,00" in out
    assert "vote removed: anneke approve (2026-03-02 11:00)" in out


# --------------------------------------------------------------------------- CI files
def test_init_ci_files_fetch_the_history_and_check_pull_requests_since_their_base(
        tmp_path: Path) -> None:
    from ruamel.yaml import YAML

    from mmb.scaffold import create_team_folder

    create_team_folder(tmp_path / "team", "Test")
    yaml = YAML(typ="safe")
    gh = yaml.load((tmp_path / "team/.github/workflows/mmb.yml").read_text())
    steps = gh["jobs"]["validate"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    pr = next(s for s in steps if s.get("if") == "github.event_name == 'pull_request'")
    assert pr["run"] == 'mmb validate --format github --since "origin/$BASE_REF"'
    assert pr["env"]["BASE_REF"] == "${{ github.base_ref }}"
    push = next(s for s in steps if s.get("if") == "github.event_name != 'pull_request'")
    assert push["run"] == "mmb validate --format github"
    gl = yaml.load((tmp_path / "team/.gitlab-ci.yml").read_text())
    job = gl["mmb-validate"]
    assert job["variables"]["GIT_DEPTH"] == "0"
    script = "\n".join(job["script"])
    assert 'mmb validate --format text --since "$CI_MERGE_REQUEST_DIFF_BASE_SHA"' in script
    assert any(r.get("if") == '$CI_PIPELINE_SOURCE == "merge_request_event"'
               for r in gl["workflow"]["rules"])


def test_the_gitlab_script_runs_since_the_merge_request_base(repo: Repo, tmp_path: Path
                                                            ) -> None:
    """The script of .gitlab-ci.yml, run by sh as GitLab would, in a merge request
    pipeline: the history check fires (git is already here, so apt-get is stubbed)."""
    import sys

    from ruamel.yaml import YAML

    from mmb.scaffold import create_team_folder

    create_team_folder(tmp_path / "init", "Test")
    job = YAML(typ="safe").load((tmp_path / "init/.gitlab-ci.yml").read_text())["mmb-validate"]
    base = git(repo.top, "rev-parse", "base")
    edit(repo, "cases/2026-001.yaml", "  amount: 150", "  amount: 450")
    repo.commit("mr", name="Mallory")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "apt-get").write_text("#!/bin/sh\nexit 0\n")
    (bin_dir / "mmb").write_text(f"#!/bin/sh\nexec {sys.executable} -m mmb \"$@\"\n")
    for f in bin_dir.iterdir():
        f.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}", MMB_NO_CACHE="1",
               MMB_NOW="2026-11-22 12:00", CI_MERGE_REQUEST_DIFF_BASE_SHA=base)
    script = job["script"][-1]
    done = subprocess.run(["sh", "-c", script], cwd=repo.root, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1 and "MMB110" in done.stdout and "Mallory" in done.stdout
    env.pop("CI_MERGE_REQUEST_DIFF_BASE_SHA")
    done = subprocess.run(["sh", "-c", script], cwd=repo.root, env=env, capture_output=True,
                          text=True, timeout=120)
    assert "MMB110" not in done.stdout


def test_log_stream_with_crafted_file_names_is_read_token_by_token(repo: Repo) -> None:
    fake = "\n\x01" + "a" * 40
    repo.write(f"cases/{fake}.yaml", "x: 1\n")
    repo.write("cases/with\nnewline.yaml", "x: 2\n")
    repo.commit("vreemde namen")
    edit(repo, "cases/2026-001.yaml", "  amount: 150", "  amount: 155")
    sha = repo.commit("meer", name="Mallory")
    f = one(repo.check(), "MMB110")
    assert sha[:10] in f.message
    from mmb.git import GitError, _parse_log

    with pytest.raises(GitError, match="could not be read"):
        _parse_log(b"\x01" + b"b" * 40 + b"\x00Name\x00not a date\x00")
    with pytest.raises(GitError, match="could not be read"):
        _parse_log(b"garbage\x00")


def test_repository_without_commits_is_a_plain_error(tmp_path: Path) -> None:
    r = Repo(tmp_path / "team")
    r.write("team.yaml", TEAM_YAML)
    (r.root / "cases").mkdir()
    done = _validate(r.root, "--since", "main")
    assert done.returncode == 2 and "no commit yet" in done.stderr


def test_log_of_a_link_and_a_huge_version_says_it_was_not_read(repo: Repo) -> None:
    repo.remove("cases/2026-002.yaml")
    os.symlink("/etc/passwd", repo.root / "cases" / "2026-002.yaml")
    repo.commit("link")
    repo.remove("cases/2026-002.yaml")
    repo.write("cases/2026-002.yaml", case_yaml("2026-002", household="H-0002", outcome=None)
               + "# " + "x" * (1024 * 1024 + 10) + "\n")
    repo.commit("huge")
    out = _log(repo.root, "2026-002").stdout
    assert out.count("the case file could not be read in this version") == 2
    assert "root:" not in out and "case file deleted" not in out


def test_cases_folder_linked_out_is_left_to_mmb001(repo: Repo, tmp_path: Path) -> None:
    import shutil

    outside = tmp_path / "elders"
    shutil.move(str(repo.root / "cases"), outside)
    os.symlink(outside, repo.root / "cases")
    assert [f.code for f in repo.check()] == []  # no MMB111 for every case: MMB001 says why
    done = _validate(repo.root, "--since", "base")
    assert "MMB001" in done.stdout and "MMB111" not in done.stdout


# --------------------------------------------------------------------------- random histories
def _case_text(c: dict[str, object]) -> str:
    lines = [f"id: {c['id']}", f"opened: {c['opened']}", "requested_by: fatima",
             f"household: H-{str(c['id'])[-3:]}", "category: zorg", "amount: 200",
             "purpose: Bril voor school"]
    votes = c["votes"]
    assert isinstance(votes, list)
    if votes:
        lines.append("votes:")
        for member, at in votes:
            lines += [f"  - member: {member}", "    vote: approve", f"    at: {at}"]
    decision = c.get("decision")
    if isinstance(decision, dict):
        lines += ["decision:", "  outcome: approved", f"  at: {decision['at']}", "  by: anneke",
                  f"  amount: {decision['amount']}"]
        if decision.get("note"):
            lines.append(f"  note: {decision['note']}")
    history = c.get("history")
    if isinstance(history, list) and history:
        lines.append("history:")
        for h in history:
            lines += ["  - outcome: approved", f"    at: {h['at']}", "    by: anneke",
                      f"    amount: {h['amount']}"]
            if h.get("note"):
                lines.append(f"    note: {h['note']}")
            lines += [f"    reopened_at: {h['reopened_at']}",
                      "    reopened_by: anneke", "    reason: opnieuw bekijken"]
    if c.get("followup"):
        lines += ["followup:", "  at: 2026-09-01", "  regret: false"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_random_legitimate_histories_pass_and_each_tamper_is_caught(tmp_path: Path,
                                                                    seed: int) -> None:
    """Random histories made only of what a team does (open, vote, decide, follow up,
    reopen, import rows, link them, file receipts, fill in notes) pass `--since` from any
    point; then each kind of tampering with what the base held is caught, by its code."""
    import random
    from datetime import datetime, timedelta

    rnd = random.Random(seed)
    r = Repo(tmp_path / "team")
    r.write("team.yaml", TEAM_YAML)
    cases: dict[str, dict[str, object]] = {}
    rows: list[list[str]] = []
    clock = datetime(2026, 4, 1, 9, 0)

    def tick() -> str:
        nonlocal clock
        clock += timedelta(minutes=rnd.randint(5, 90))
        return clock.strftime("%Y-%m-%d %H:%M")

    def write_all() -> None:
        for cid, c in cases.items():
            r.write(f"cases/{cid}.yaml", _case_text(c))
        r.write("ledger.csv", HEADER + "".join(",".join(row) + "\n" for row in rows))

    def step() -> None:
        pending = [c for c in cases.values() if not c.get("decision")]
        decided = [c for c in cases.values() if c.get("decision")]
        choice = rnd.choice(["open", "open", "vote", "vote", "vote", "decide", "decide",
                             "followup", "reopen", "row", "link", "note"])
        if choice == "open" or not cases:
            cid = f"2026-{len(cases) + 1:03d}"
            cases[cid] = {"id": cid, "opened": tick(), "votes": []}
        elif choice == "vote" and pending:
            c = rnd.choice(pending)
            votes = c["votes"]
            assert isinstance(votes, list)
            voters = [m for m in ("jan", "anneke", "piet", "joost") if m not in
                      [v[0] for v in votes]]
            if voters:
                votes.append((voters[0], tick()))
        elif choice == "decide" and pending:
            c = rnd.choice(pending)
            c["decision"] = {"at": tick(), "amount": rnd.choice([100, 150, 200])}
        elif choice == "followup" and decided:
            rnd.choice(decided)["followup"] = True
        elif choice == "reopen" and decided:
            c = rnd.choice(decided)
            decision = c.pop("decision")
            assert isinstance(decision, dict)
            history = c.setdefault("history", [])
            assert isinstance(history, list)
            history.append({**decision, "reopened_at": tick()})
        elif choice == "row":
            n = len(rows) + 1
            rows.append([f"T{n}", tick()[:10], f"-{rnd.randint(1, 99)}.00", "", "Winkel", "",
                         "aankoop", "", "", "other", "", "iets"])
        elif choice == "link" and rows and decided:
            row = rnd.choice(rows)
            cid = str(rnd.choice(decided)["id"])
            row[8], row[9], row[10] = cid, "", f"receipts/{row[0]}.pdf"
            r.write(f"receipts/{row[0]}.pdf", f"bon {row[0]}".encode())
        elif choice == "note" and decided:
            decision = rnd.choice(decided)["decision"]
            assert isinstance(decision, dict)
            decision.setdefault("note", "zie chat")
        write_all()

    for _ in range(4):
        step()
    r.commit("start")
    shas = []
    for i in range(14):
        for _ in range(rnd.randint(2, 3)):
            step()
        shas.append(r.commit(f"stap {i}", name=rnd.choice(["Anneke", "Jan", "Fatima B"])))
    for ref in (shas[0], shas[5], shas[-2]):
        assert r.check(ref) == [], [f.message for f in r.check(ref)]
    git(r.top, "tag", "-f", "base", shas[-1])
    decided_ids = [cid for cid, c in cases.items() if c.get("decision")]
    tampers: list[tuple[str, str]] = []
    if decided_ids:
        cid = decided_ids[0]
        path = r.root / f"cases/{cid}.yaml"
        path.write_text(path.read_text().replace("\n  amount: ", "\n  amount: 4", 1))
        tampers.append(("MMB110", cid))
        r.commit("stil", name="Mallory")
        if len(decided_ids) > 2:
            late = r.root / f"cases/{decided_ids[2]}.yaml"
            text = late.read_text()
            if "votes:\n" not in text:
                text = text.replace("decision:", "votes:\ndecision:")
            late.write_text(text.replace("decision:", "  - member: sanne\n    vote: approve\n"
                                         "    at: 2026-04-01 09:01\ndecision:", 1))
            tampers.append(("MMB110", decided_ids[2]))
        if len(decided_ids) > 1:
            r.remove(f"cases/{decided_ids[1]}.yaml")
            tampers.append(("MMB111", decided_ids[1]))
    if rows:
        edit(r, "ledger.csv", f"{rows[0][0]},{rows[0][1]},{rows[0][2]}",
             f"{rows[0][0]},{rows[0][1]},-1000.00")
        tampers.append(("MMB213", ""))
    r.commit("meer stil", name="Mallory")
    found = r.check()
    assert sorted((f.code, f.case or "") for f in found) == sorted(tampers), [f.message for f in found]
    assert all("Mallory" in f.message for f in found)


def test_blob_reads_are_chunked_and_the_cache_bounded(repo: Repo, monkeypatch: pytest.MonkeyPatch
                                                      ) -> None:
    """Many versions of a big ledger: fetched a few per `cat-file --batch`, the cache
    emptied when full, and every value still right (a blob is read again when needed)."""
    import mmb.git as g

    for i in range(6):
        repo.write("ledger.csv", LEDGER + f"T{i + 10},2026-03-06,-1.00,,x,,{'y' * 3000},,,"
                   "bank_costs,,\n")
        repo.commit(f"rij {i}")
    edit(repo, "ledger.csv", "-150.00,850.00", "-151.00,850.00")
    sha = repo.commit("stil", name="Mallory")
    calls: list[list[str]] = []
    real = g.Repository._fetch

    def fetch(self: g.Repository, blobs: list[str]) -> None:
        calls.append(list(blobs))
        real(self, blobs)
        assert self.cache.held <= 8000

    monkeypatch.setattr(g, "CHUNK_BYTES", 4000)
    monkeypatch.setattr(g, "CACHE_BYTES", 8000)
    monkeypatch.setattr(g.Repository, "_fetch", fetch)
    from mmb import history

    history._LEDGERS.clear()
    history._SHARED.clear()
    h = history.TeamHistory(repo.root, "base")
    h.remember("cases/x", None)
    h.repo.read_blobs((blob, 10**6) for _, blob in h.steps("ledger.csv") if blob)
    sizes = h.repo.cache.info
    assert len(calls) >= 3
    assert all(len(c) == 1 or sum(sizes[b][1] for b in c) <= 4000 for c in calls)
    f = one(repo.check(), "MMB213")
    assert sha[:10] in f.message
