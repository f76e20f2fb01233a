"""The cash book tells the truth: no transaction counted twice, no cell lost, no edit
overwritten, nothing written before every check passed, and ledger.csv kept in the
dialect it was found in (issue 12 items 6 and 7, issue 16 "spreadsheet-friendly")."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import TEAM_YAML, case_yaml

from mmb.folder import load_team
from mmb.ledger import LedgerRow
from mmb.ledger_rules import ExportView, check_ledger

ACCOUNT = "NL91ABNA0417164300"
HEADER = ("id,date,amount,balance,counterparty,counterparty_iban,description,source,case,"
          "kind,receipt,note\n")
TEAM = TEAM_YAML + f"accounts:\n  - iban: {ACCOUNT}\n"
NOW = datetime(2026, 4, 1, 12, 0)


def row(day: str, amount: str, balance: str | None = None, **kw: str) -> LedgerRow:
    return LedgerRow(date=date.fromisoformat(day), amount=Decimal(amount),
                     balance=None if balance is None else Decimal(balance), **kw)


def codes(found) -> list[tuple[str, str, int]]:
    return sorted((f.code, f.path, f.line) for f in found)


# ---------------------------------------------------------------- MMB208 and a note

def test_a_cash_row_with_a_note_is_a_declaration_not_a_finding(make_team):
    root = make_team({"2026-001": case_yaml()}, team=TEAM)
    rows = [row("2026-03-05", "-50.00", description="Geldautomaat Centrum", kind="correction"),
            row("2026-03-05", "-40.00", description="Geldautomaat Centrum", kind="correction",
                note="contant voor de buurtmaaltijd, bon volgt"),
            row("2026-03-06", "-20.00", description="Pasvolgnr 3", source="bank/x.csv",
                kind="correction", note="opname voor de sleutelkluis"),
            row("2026-03-06", "-20.00", description="Pasvolgnr 4", source="bank/x.csv",
                kind="correction")]
    for number, r in enumerate(rows, start=2):
        r.row = number
    # The export's own code says cash for both rows of bank/x.csv.
    view = ExportView(source="bank/x.csv", rows=(rows[2], rows[3]), lines=(2, 3),
                      accounts=(ACCOUNT,), cash=(True, True))
    doc = load_team(root)
    found = check_ledger(team=doc.team, docs=doc.cases, rows=rows, exports=[view], root=root,
                         now=NOW)
    assert codes(f for f in found if f.code == "MMB208") == [("MMB208", "ledger.csv", 2),
                                                             ("MMB208", "ledger.csv", 5)]


def _write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))


ING_HEADER = ('"Datum";"Naam / Omschrijving";"Rekening";"Tegenrekening";"Code";"Af Bij";'
              '"Bedrag (EUR)";"Mutatiesoort";"Mededelingen";"Saldo na mutatie";"Tag"\n')


def ing(rows: list[tuple[str, str, str, str, str]], account: str = ACCOUNT) -> str:
    """An ING semicolon export with balances, newest first: (yyyymmdd, name, af/bij,
    amount, balance)."""
    lines = [f'"{d}";"{name}";"{account}";"";"BA";"{sign}";"{amount}";"Betaalautomaat";'
             f'"Pasvolgnr 001";"{bal}";""\n' for d, name, sign, amount, bal in reversed(rows)]
    return ING_HEADER + "".join(lines)


def mmb(*args: str, cwd: Path | None = None):
    """The real console entry point in a subprocess (no traceback may leak)."""
    import os
    import subprocess
    import sys
    import tempfile

    env = {**os.environ, "MMB_NOW": "2026-04-01 12:00", "NO_COLOR": "1",
           "XDG_CACHE_HOME": tempfile.mkdtemp(prefix="mmb-test-cache-")}
    env.pop("MMB_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "mmb", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def folder_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


# ---------------------------------------------------------------- a cell after the last column

EXTRA = ("x1,2026-03-01,-12.00,88.00,Shop,,Pasvolgnr 001,bank/a.csv,2026-001,,,,"
         "receipt: missing\n")


def test_a_cell_after_the_last_column_is_an_error_naming_row_and_cell(make_team):
    from mmb.validate import validate_team

    root = make_team({"2026-001": case_yaml()}, team=TEAM)
    _write(root / "ledger.csv", HEADER + EXTRA)
    found, _ = validate_team(root, NOW, use_cache=False)
    extra = [f for f in found if f.code == "MMB002"]
    assert [(f.path, f.line, f.level) for f in extra] == [("ledger.csv", 2, "error")]
    assert "cell 13 (column M) holds 'receipt: missing'" in extra[0].message
    assert "only 12 columns" in extra[0].message


def test_empty_cells_after_the_last_column_lose_nothing(make_team):
    from mmb.ledger import parse_ledger_text

    # A spreadsheet that saw column M used once saves an empty 13th cell on every row.
    text = HEADER.rstrip("\n") + ",\n" + EXTRA.replace(",receipt: missing", ",")
    ledger = parse_ledger_text(text, "ledger.csv")
    assert ledger.findings == [] and ledger.complete and len(ledger.rows) == 1


def test_reconcile_refuses_a_ledger_with_a_cell_after_the_last_column(make_team):
    root = make_team({"2026-001": case_yaml()}, team=TEAM)
    _write(root / "ledger.csv", HEADER + EXTRA)
    (root / "bank").mkdir()
    _write(root / "bank" / "a.csv", ing([("20260301", "Shop", "Af", "12,00", "88,00"),
                                         ("20260302", "Shop", "Af", "2,00", "86,00")]))
    before = folder_bytes(root)
    done = mmb("reconcile", "--yes", "-C", str(root))
    assert done.returncode == 2, done.stderr
    assert "ledger.csv has problems that stop the import" in done.stderr
    assert "row 2: cell 13 (column M)" in done.stderr
    assert "Traceback" not in done.stderr
    assert folder_bytes(root) == before


# ---------------------------------------------------------------- written last, never over an edit

def _team_with_export(make_team) -> Path:
    root = make_team({"2026-001": case_yaml()}, team=TEAM)
    _write(root / "ledger.csv", HEADER + "x1,2026-03-01,-12.00,88.00,Shop,,Pasvolgnr 001,"
           "bank/a.csv,2026-001,,,\n")
    (root / "bank").mkdir()
    _write(root / "bank" / "a.csv", ing([("20260301", "Shop", "Af", "12,00", "88,00"),
                                         ("20260302", "Shop", "Af", "2,00", "86,00")]))
    return root


@pytest.fixture
def fresh_writes(monkeypatch):
    """This test's own record of the files written (the record is per process)."""
    import mmb.files

    monkeypatch.setattr(mmb.files, "_WRITTEN", [], raising=False)


def _run_cli(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    """`mmb ARGS` in this process (so that a test can make a step fail): exit code, stderr."""
    import sys

    from mmb.cli import main

    monkeypatch.setattr(sys, "argv", ["mmb", *args])
    with pytest.raises(SystemExit) as ended:
        main()
    return int(ended.value.code or 0), capsys.readouterr().err


def test_a_check_failing_after_the_import_leaves_the_ledger_as_it_was(
        make_team, monkeypatch, capsys, fresh_writes):
    import mmb.reconcile

    root = _team_with_export(make_team)
    before = folder_bytes(root)
    # The old ledger writer ran in a forked child from this many rows on, while the
    # checks went on: make it fork here (it is gone; the content-id workers still fork).
    monkeypatch.setattr(mmb.reconcile, "MIN_ROWS", 0)

    def broken_check(**kw):
        raise RuntimeError("a check that fails")

    monkeypatch.setattr(mmb.reconcile, "check_ledger", broken_check)
    code, err = _run_cli(monkeypatch, capsys, "reconcile", "--yes", "-C", str(root))
    assert code == 2
    assert "internal error (RuntimeError); no file was changed" in err
    assert folder_bytes(root) == before  # and that is true


def test_a_failure_after_the_write_says_what_was_written(make_team, monkeypatch, capsys,
                                                          fresh_writes):
    import mmb.render

    root = _team_with_export(make_team)
    before = (root / "ledger.csv").read_bytes()

    def broken_summary(*args, **kw):
        raise RuntimeError("a summary that fails")

    monkeypatch.setattr(mmb.render, "reconcile_summary", broken_summary)
    code, err = _run_cli(monkeypatch, capsys, "reconcile", "--yes", "-C", str(root))
    assert code == 2
    assert (root / "ledger.csv").read_bytes() != before  # the import was written ...
    assert "no file was changed" not in err  # ... and the message says so
    assert f"after it had written {root / 'ledger.csv'}" in err


def test_an_edit_saved_while_mmb_checks_is_not_overwritten(make_team, monkeypatch):
    import mmb.reconcile
    from mmb.errors import ConflictError

    root = _team_with_export(make_team)
    edited = (root / "ledger.csv").read_bytes().replace(b",,,\n", b",,,bon komt\n")
    real_check = mmb.reconcile.check_ledger

    def check_then_save(**kw):
        (root / "ledger.csv").write_bytes(edited)  # the spreadsheet saves meanwhile
        return real_check(**kw)

    monkeypatch.setattr(mmb.reconcile, "check_ledger", check_then_save)
    with pytest.raises(ConflictError, match=r"ledger\.csv changed on disk"):
        mmb.reconcile.reconcile(root, NOW, link=True)
    assert (root / "ledger.csv").read_bytes() == edited


@pytest.mark.parametrize("save", ["other content", "same content, new time"])
def test_an_edit_saved_right_before_the_rename_is_not_overwritten(make_team, monkeypatch,
                                                                   save):
    import os

    import mmb.reconcile
    from mmb.errors import ConflictError

    root = _team_with_export(make_team)
    ledger = root / "ledger.csv"
    original = ledger.read_bytes()
    edited = original.replace(b",,,\n", b",,,bon komt\n") if save == "other content" \
        else original
    real_fsync = os.fsync
    saved: list[int] = []

    def fsync_then_save(fd: int) -> None:
        real_fsync(fd)  # the new ledger is on disk in its temporary file ...
        if not saved:  # ... when the spreadsheet saves the real one
            saved.append(fd)
            ledger.write_bytes(edited)
            stamp = ledger.stat().st_mtime_ns + 1_000_000_000
            os.utime(ledger, ns=(stamp, stamp))

    monkeypatch.setattr(os, "fsync", fsync_then_save)
    with pytest.raises(ConflictError, match="nothing was written"):
        mmb.reconcile.reconcile(root, NOW, link=True)
    assert saved and ledger.read_bytes() == edited
    assert sorted(p.name for p in root.iterdir()) == ["bank", "cases", "ledger.csv",
                                                      "team.yaml"]  # no temporary file left
