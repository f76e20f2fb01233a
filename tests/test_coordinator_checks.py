"""Issue 16a: checks are never skipped. An unreadable file blocks decisions and sums,
merge conflicts are MMB005, a case opened in the future is MMB106, a failed write is one
plain line, `mmb reopen` keeps the old decision in `history:`, `mmb status` says who still
has to vote. CLI tests run `mmb.cli.main` in-process, as the console script does."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import NOW, case_yaml, check, codes, tree_hash

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


def test_payments_of_an_unreadable_case_are_not_called_unknown(make_team, run) -> None:
    """The case file is there but broken: one finding on it, not an MMB004 on every ledger
    row of the case saying that the case does not exist."""
    root = make_team({"2026-001": CONFLICT})
    (root / "ledger.csv").write_text(
        "id,date,amount,balance,counterparty,counterparty_iban,description,source,case,kind,"
        "receipt,note\nmmb-1,2026-03-03,-150.00,,Fietsenmaker,,fiets,,2026-001,,missing,"
        "bon kwijt\nmmb-2,2026-03-04,-10.00,,Bakker,,brood,,2026-099,,missing,bon kwijt\n",
        encoding="utf-8")
    code, out, _ = run("validate", "--format", "json", str(root))
    problems = json.loads(out)["problems"]
    assert code == 1
    assert sorted((p["code"], p["path"].rsplit("/", 1)[-1], p["line"]) for p in problems
                  if p["code"] in ("MMB004", "MMB005")) == [
        ("MMB004", "ledger.csv", 3), ("MMB005", "2026-001.yaml", 18)]


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


# --------------------------------------------------------------------------- opened in the future

def test_case_opened_in_the_future_is_mmb106(make_team, run) -> None:
    root = make_team({"2026-001": case_yaml(opened="2100-03-02 10:15", outcome=None),
                      "2026-002": case_yaml("2026-002", opened="2026-11-23 09:00",
                                            outcome=None, votes=[])})
    found = [f for f in check(root) if f.code == "MMB106"]
    assert codes(found) == [("MMB106", "cases/2026-001.yaml", 2)]  # a day ahead is allowed
    assert "2100-03-02 10:15" in found[0].message and "future" in found[0].message
    code, out, _ = run("status", team=root)
    assert code == 0
    assert "-" not in "".join(line.split("h old")[0].split()[-1]
                              for line in out.splitlines() if "h old" in line)
    assert "2026-001  vervoer  € 180,00  0 h old" in out


# --------------------------------------------------------------------------- status

def test_status_shows_who_still_has_to_vote(make_team, run) -> None:
    root = make_team({"2026-002": pending(votes=[("jan", "approve", "2026-11-20 10:40"),
                                                 ("fatima", "approve", "2026-11-20 10:41")])})
    code, out, _ = run("status", team=root)
    assert code == 0
    # fatima is the requester, sanne left in June: neither is asked; jan has voted
    assert "    still to vote: anneke, piet, joost" in out.splitlines()


# --------------------------------------------------------------------------- reopen

APPROVED_PAID = case_yaml(extra="""\
followup:
  at: 2026-06-01
  note: fiets gebruikt
""")


def test_reopen_moves_the_decision_into_history(make_team, run, monkeypatch) -> None:
    root = make_team({"2026-001": "# aanvraag van maart\n" + APPROVED_PAID})
    code, out, err = run("reopen", "2026-001", "--by", "Jan", "--note",
                         "bedrag verkeerd overgenomen", team=root)
    assert code == 0, err
    assert "Reopened 2026-001" in out
    text = (root / "cases" / "2026-001.yaml").read_text()
    assert text.startswith("# aanvraag van maart\n")
    assert "\ndecision:" not in text
    assert text.endswith(
        "history:\n"
        "  - outcome: approved\n"
        "    at: 2026-03-02 11:45\n"
        "    by: anneke\n"
        "    amount: 150\n"
        "    reopened_at: 2026-11-22 12:00\n"
        "    reopened_by: jan\n"
        "    reason: bedrag verkeerd overgenomen\n"
        "followup:\n"
        "  at: 2026-06-01\n"
        "  note: fiets gebruikt\n")
    from mmb.folder import load_team

    case = load_team(root).cases[0].case
    assert case is not None and case.decision is None and len(case.history) == 1
    # pending again; the old votes stay but do not count for the new decision
    code, out, _ = run("status", team=root)
    assert "2026-001" in out and "0/3 approvals" in out
    assert "still to vote: jan, anneke, piet, joost" in out
    code, out, err = run("approve", "2026-001", "--by", "anneke", team=root)
    assert code == 1 and "reopened" in err
    monkeypatch.setenv("MMB_NOW", "2026-11-22 12:10")
    for member in ("jan", "anneke", "piet"):
        code, _, err = run("vote", "2026-001", member, "approve", "--at", "2026-11-22 12:01",
                           team=root)
        assert code == 0, err
    code, out, err = run("approve", "2026-001", "--by", "anneke", "--amount", "120",
                         "--at", "2026-11-22 12:02", team=root)
    assert code == 0, err
    text = (root / "cases" / "2026-001.yaml").read_text()
    assert "decision:\n  outcome: approved\n  at: 2026-11-22 12:02" in text
    code, out, _ = run("validate", str(root))
    assert code == 0, out


@pytest.mark.parametrize(("args", "expected", "code"), [
    (("--by", "jan", "--note", "  "), "--note", 2),
    (("--by", "kees", "--note", "fout"), "kees", 2),
    (("--by", "sanne", "--note", "fout"), "sanne", 2),
    (("--by", "jan", "--note", "bel 0612345678"), "phone", 1),
])
def test_reopen_refusals_leave_the_folder_alone(make_team, run, args, expected, code) -> None:
    root = make_team({"2026-001": case_yaml(), "2026-002": pending()})
    before = tree_hash(root)
    got, out, err = run("reopen", "2026-001", *args, team=root)
    assert got == code, out + err
    assert expected in err
    assert tree_hash(root) == before


def test_reopen_of_a_pending_case_is_refused(make_team, run) -> None:
    root = make_team({"2026-002": pending()})
    before = tree_hash(root)
    code, _, err = run("reopen", "2026-002", "--by", "jan", "--note", "fout", team=root)
    assert code == 1
    assert "no decision to reopen" in err
    assert tree_hash(root) == before


def test_reopen_refused_while_another_case_is_unreadable(make_team, run) -> None:
    root = make_team({"2026-001": CONFLICT, "2026-002": case_yaml("2026-002")})
    before = tree_hash(root)
    code, _, err = run("reopen", "2026-002", "--by", "jan", "--note", "fout", team=root)
    assert code == 2 and "2026-001.yaml" in err
    assert tree_hash(root) == before


def test_reopened_case_counts_only_its_current_decision(make_team, run) -> None:
    """The old approval is in no sum: the household's room is back, the budget too."""
    root = make_team({"2026-001": case_yaml(amount="400", approved="400"),
                      "2026-002": pending(amount="180")})
    code, _, err = run("approve", "2026-002", "--by", "anneke", team=root)
    assert code == 1 and "cap" in err
    code, _, err = run("reopen", "2026-001", "--by", "jan", "--note", "dubbel", team=root)
    assert code == 0, err
    code, out, err = run("approve", "2026-002", "--by", "anneke", team=root)
    assert code == 0, err
    assert "€ 180,00 of € 500,00" in out or "180" in out


HISTORY = """\
history:
  - outcome: rejected
    at: {at1}
    by: anneke
    reopened_at: {re1}
    reopened_by: {by1}
    reason: nieuwe offerte
  - outcome: approved
    at: {at2}
    by: anneke
    amount: 100
    reopened_at: {re2}
    reopened_by: jan
    reason: bedrag fout
"""


@pytest.mark.parametrize(("values", "expected"), [
    ({}, []),
    ({"re1": "2026-03-02 10:00"}, [("MMB106", 22, "reopened at 2026-03-02 10:00, before that "
                                   "decision was taken")]),
    ({"at1": "2026-03-01 09:00", "re1": "2026-03-01 10:00"},
     [("MMB106", 20, "before the case was opened")]),
    ({"re2": "2026-03-02 10:30"}, [("MMB106", 29, "before the item above it"),
                                   ("MMB106", 29, "before that decision was taken")]),
    ({"at2": "2026-03-02 10:50"}, [("MMB106", 26, "before the case was reopened the time "
                                   "before")]),
    ({"by1": "kees"}, [("MMB106", 23, "reopened by kees, who is not a member")]),
    ({"re2": "2027-01-01 10:00"}, [("MMB106", 29, "in the future"),
                                   ("MMB106", 34, "before the case was last reopened")]),
    ({"decided": "2026-03-02 11:10"}, [("MMB106", 34, "before the case was last reopened")]),
])
def test_validate_checks_the_history(make_team, values, expected) -> None:
    fields = {"at1": "2026-03-02 10:30", "re1": "2026-03-02 11:00", "by1": "piet",
              "at2": "2026-03-02 11:05", "re2": "2026-03-02 11:20",
              "decided": "2026-03-02 11:45", **values}
    text = case_yaml(votes=[("jan", "approve", "2026-03-02 11:30"),
                            ("anneke", "akkoord", "2026-03-02 11:31"),
                            ("piet", "approve", "2026-03-02 11:32")],
                     decided=fields.pop("decided"))
    text = text.replace("decision:", HISTORY.format(**fields) + "decision:")
    root = make_team({"2026-001": text})
    found = [(f.code, f.line, f.message) for f in check(root) if f.code in ("MMB106", "MMB004")]
    assert len(found) == len(expected), found
    for (code, line, message), (want_code, want_line, want) in zip(found, expected, strict=True):
        assert (code, line) == (want_code, want_line), found
        assert want in message


# --------------------------------------------------------------------------- failed writes

def _pay_team(tmp_path: Path) -> Path:
    from test_pay import OWN, PAYEES, TEAM, approved_case, camt053, make_folder

    root = make_folder(tmp_path / "pay", {"2026-001": approved_case("2026-001")},
                       team=TEAM, payees=PAYEES)
    (root / "bank").mkdir()
    from decimal import Decimal

    (root / "bank" / "day.xml").write_text(camt053(OWN, Decimal(1000), "2026-03-04", [
        (Decimal("-12.50"), None, "bankkosten", "ABN AMRO", "NL02ABNA0123456789")]),
        encoding="utf-8")
    return root


def _chat(root: Path) -> Path:
    chat = root.parent / "chat.txt"
    chat.write_text("22-11-2026 09:00 - Jan: akkoord 2026-002\n", encoding="utf-8")
    return chat


WRITERS = {
    "init": lambda tmp, root: ("init", str(tmp / "nieuw")),
    "schema -o": lambda tmp, root: ("schema", "-o", str(tmp / "schemas")),
    "case new": lambda tmp, root: (
        "case", "new", "--household", "H-0009", "--category", "zorg", "--amount", "20",
        "--by", "jan", "--purpose", "Medicijnen die niet vergoed worden", "-C", str(root)),
    "vote": lambda tmp, root: ("vote", "2026-002", "joost", "approve", "-C", str(root)),
    "votes import": lambda tmp, root: ("votes", "import", str(_chat(root)), "-C", str(root)),
    "approve": lambda tmp, root: ("approve", "2026-002", "--by", "anneke", "-C", str(root)),
    "reject": lambda tmp, root: ("reject", "2026-002", "--by", "anneke", "-C", str(root)),
    "withdraw": lambda tmp, root: ("withdraw", "2026-002", "--by", "anneke", "-C", str(root)),
    "resolve": lambda tmp, root: ("resolve", "2026-002", "--by", "anneke", "--solved-by",
                                  "bijzondere bijstand", "-C", str(root)),
    "reopen": lambda tmp, root: ("reopen", "2026-001", "--by", "jan", "--note", "fout",
                                 "-C", str(root)),
    "household --new-secret": lambda tmp, root: ("household", "--new-secret", "-C", str(root)),
    "report -o": lambda tmp, root: ("report", "--year", "2026", "-o", str(tmp / "r.json"),
                                    str(root)),
    "reconcile": lambda tmp, root: ("reconcile", "--yes", "-C", str(_pay_team(tmp))),
    "pay": lambda tmp, root: ("pay", "-o", str(tmp / "batch.xml"), "-C", str(_pay_team(tmp))),
}


@pytest.mark.parametrize("failure", ["disk full", "read-only"])
@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_failed_write_is_one_plain_line(make_team, run, tmp_path, monkeypatch, command,
                                          failure) -> None:
    """Disk full (the data cannot be flushed) or a read-only folder (no file can be made
    there): one line naming the file and the cause, exit 2, every file as it was."""
    import errno
    import os
    import tempfile

    root = make_team({"2026-001": case_yaml(), "2026-002": pending()})
    if command == "pay" or command == "reconcile":
        monkeypatch.setenv("MMB_NOW", "2026-03-05 10:15")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("MMB_HOUSEHOLD_SECRET", raising=False)
    args = WRITERS[command](tmp_path, root)
    before = _files(tmp_path)
    real_mkstemp = tempfile.mkstemp
    cache = str(tmp_path / "cache")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    def read_only(*a: object, **k: object) -> tuple[int, str]:
        if str(k.get("dir", "")).startswith(cache):
            return real_mkstemp(*a, **k)  # type: ignore[call-overload,no-any-return]
        raise OSError(errno.EROFS, "Read-only file system")

    def no_dir(self: Path, *a: object, **k: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    if failure == "disk full":
        monkeypatch.setattr(os, "fsync", full)
    else:
        monkeypatch.setattr(tempfile, "mkstemp", read_only)
        monkeypatch.setattr(Path, "mkdir", no_dir)
        monkeypatch.setattr(os, "open", _refuse_create(os.open))
    code, out, err = run(*args)
    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    cause = "No space left on device" if failure == "disk full" else "Read-only file system"
    assert lines[0].startswith(("mmb: could not write ", "mmb: cannot write ")), err
    assert cause in lines[0] and lines[0].count(cause) == 1, err
    assert "internal error" not in err and "Traceback" not in err
    monkeypatch.undo()
    assert _files(tmp_path) == before  # every file as it was, and no new one


def _refuse_create(real_open):  # type: ignore[no-untyped-def]
    """os.open that refuses to create files (a read-only folder); reading still works."""
    import errno
    import os

    def fake(path, flags, *a, **k):  # type: ignore[no-untyped-def]
        if flags & os.O_CREAT and "mmb-locks" not in str(path):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *a, **k)

    return fake


def _files(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` (the validation cache aside) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).parts[0] not in ("cache", "config")}


# --------------------------------------------------------------------------- parse cache

def _docs(doc):  # type: ignore[no-untyped-def]
    def typed(x):  # type: ignore[no-untyped-def]
        if isinstance(x, dict):
            return {k: typed(v) for k, v in x.items()}
        if isinstance(x, list):
            return [typed(v) for v in x]
        return (type(x).__name__, str(x))

    def lines(m):  # type: ignore[no-untyped-def]
        m.has("id")  # a kept line map is made when first asked
        return dict(m._lines)

    return [(c.rel, c.case, c.doc.findings, typed(c.doc.data), lines(c.doc.lines),
             c.doc.numbers, c.doc.readable) for c in doc.cases]


def test_the_parse_cache_gives_what_parsing_gives(make_team, tmp_path, monkeypatch) -> None:
    import shutil

    from conftest import TEAM_YAML  # noqa: F401 - the team of make_team

    from mmb.folder import load_team

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("MMB_NO_CACHE", raising=False)
    cases = {"2026-001": case_yaml(extra="note: \"nul \\0 hier\"\n"),  # a NUL: not cached
             "2026-002": case_yaml("2026-002", amount="5.", approved="4.50"),
             "2026-003": case_yaml("2026-003", amount="1e2"),
             "2026-004": CONFLICT.replace("2026-001", "2026-004"),
             "2026-005": case_yaml("2026-005") + "amount: 12\n",  # a duplicate key
             "2026-006": "id: [\n"}
    root = make_team(cases)
    for example in sorted((Path(__file__).parent.parent / "examples").rglob("cases/*.yaml"))[:20]:
        shutil.copy(example, root / "cases" / f"2025-{len(cases) + 100:03d}.yaml")
        cases[example.stem] = ""
    plain = _docs(load_team(root))
    first = _docs(load_team(root, parse_cache=True))  # parses, fills the cache
    kept = list((tmp_path / "cache" / "mmb" / "parse").iterdir())
    assert len(kept) == 1
    again = _docs(load_team(root, parse_cache=True))  # from the cache
    assert plain == first == again
    raw = json.loads(kept[0].read_text(encoding="utf-8"))
    assert "cases/2026-001.yaml" not in raw["files"]  # the NUL: parsed every time
    assert "cases/2026-002.yaml" not in raw["files"]  # 5. would read back as 5: not kept
    assert "cases/2026-005.yaml" in raw["files"]
    # One changed byte, or a cache entry that does not match the bytes: parsed afresh.
    path = root / "cases" / "2026-002.yaml"
    path.write_text(path.read_text().replace("4.50", "4.60"), encoding="utf-8")
    raw["files"]["cases/2026-005.yaml"][0] = "0" * 64
    raw["files"]["cases/2026-005.yaml"][2]["purpose"] = "something else"
    kept[0].write_text(json.dumps(raw), encoding="utf-8")
    plain = _docs(load_team(root))
    assert _docs(load_team(root, parse_cache=True)) == plain
    kept[0].write_text("not json", encoding="utf-8")
    assert _docs(load_team(root, parse_cache=True)) == plain  # a broken cache is ignored


def test_reopen_of_a_paid_case_says_the_payments_stay(make_team, run) -> None:
    root = make_team({"2026-001": case_yaml()})
    (root / "ledger.csv").write_text(
        "id,date,amount,balance,counterparty,counterparty_iban,description,source,case,kind,"
        "receipt,note\nmmb-1,2026-03-03,-150.00,,Fietsenmaker,,fiets,,2026-001,,missing,"
        "bon kwijt\n", encoding="utf-8")
    ledger = (root / "ledger.csv").read_bytes()
    code, out, err = run("reopen", "2026-001", "--by", "jan", "--note", "bedrag fout",
                         team=root)
    assert code == 0, err
    assert "has payments linked to it (€ 150,00 paid)" in err
    assert (root / "ledger.csv").read_bytes() == ledger
    code, out, _ = run("validate", str(root))
    assert code == 1 and "MMB204" in out  # paid for a case that is not approved (any more)


def test_status_shows_broken_files_first_in_red_only_when_coloured(make_team) -> None:
    import io

    from mmb.folder import load_team
    from mmb.status import build_status, render_status

    root = make_team({"2026-001": CONFLICT, "2026-002": pending()})
    status = build_status(load_team(root), NOW, 2026)
    plain, coloured = io.StringIO(), io.StringIO()
    render_status(status, plain, colour=False)
    render_status(status, coloured, colour=True)
    assert "\x1b[" not in plain.getvalue()
    lines = coloured.getvalue().splitlines()
    assert "Files that cannot be read (1)" in lines[1] and "\x1b[1;31m" in lines[1]
    assert "cases/2026-001.yaml, line 18" in lines[2] and "\x1b[31m" in lines[2]
