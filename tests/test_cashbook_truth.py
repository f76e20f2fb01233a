"""The cash book tells the truth: no transaction counted twice, no cell lost, no edit
overwritten, nothing written before every check passed, and ledger.csv kept in the
dialect it was found in (issue 12 items 6 and 7, issue 16 "spreadsheet-friendly")."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import TEAM_YAML, case_yaml
from hypothesis import given, settings
from hypothesis import strategies as st

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


# ---------------------------------------------------------------- the dialect it was found in

FIXTURES = Path(__file__).parent / "fixtures" / "cashbook"


def ing_rows(rows: list[tuple[str, str, str, str, str, str, str]],
             account: str = ACCOUNT) -> str:
    """An ING semicolon export, newest first: (yyyymmdd, name, counter account, af/bij,
    amount, notes, balance)."""
    lines = [f'"{d}";"{name}";"{account}";"{counter}";"GT";"{sign}";"{amount}";'
             f'"Online bankieren";"{notes}";"{bal}";""\r\n'
             for d, name, counter, sign, amount, notes, bal in reversed(rows)]
    return ING_HEADER.replace("\n", "\r\n") + "".join(lines)


EXCEL_EXPORT = [
    ("20260302", "Gemeente Amsterdam", "NL20INGB0001234567", "Bij", "2500,00",
     "Mini-Maatwerkbudget 2026", "2600,00"),
    ("20260303", "Albert Heijn 1234", "", "Af", "12,50", "Pasvolgnr 001", "2587,50"),
    ("20260304", "Fietsenmaker De Spaak", "", "Af", "149,95", "Pasvolgnr 001", "2437,55"),
    ("20260305", "Woningcorporatie", "NL44RABO0123456789", "Af", "80,00",
     "Casus 2026-002 huurachterstand", "2357,55"),
    ("20260306", "Kosten zakelijk pakket", "", "Af", "3,45", "Kosten", "2354,10"),
    ("20260307", "HEMA Centrum", "", "Af", "20,00", "Pasvolgnr 002", "2334,10"),
]


def _excel_team(make_team) -> Path:
    root = make_team({"2026-001": case_yaml(),
                      "2026-002": case_yaml("2026-002", household="H-0002",
                                            purpose="Huurachterstand inlopen")}, team=TEAM)
    (root / "ledger.csv").write_bytes((FIXTURES / "excel_nl_ledger.csv").read_bytes())
    (root / "bank").mkdir()
    _write(root / "bank" / "a.csv", ing_rows(EXCEL_EXPORT))
    (root / "receipts").mkdir()
    (root / "receipts" / "2026-001-bon.jpg").write_bytes(b"bon")
    (root / "receipts" / "2026-002-brief.pdf").write_bytes(b"%PDF")
    return root


def test_a_dutch_excel_ledger_keeps_its_dialect_through_reconcile(make_team):
    from mmb.reconcile import reconcile

    root = _excel_team(make_team)
    found = (FIXTURES / "excel_nl_ledger.csv").read_bytes()
    result = reconcile(root, NOW)
    assert result.written and result.added == 2
    written = (root / "ledger.csv").read_bytes()
    assert written.startswith(b"\xef\xbb\xbf")  # the byte order mark of "CSV UTF-8"
    lines = written[3:].decode("utf-8").split("\r\n")
    assert lines[-1] == "" and "\n" not in "".join(lines)  # CRLF after every row, only CRLF
    old = found[3:].decode("utf-8").split("\r\n")
    # The header and the rows mmb did not change: byte for byte as Excel saved them
    # (dates as 2-3-2026, amounts as 2500 and -12,5, quotes only where needed).
    assert lines[:4] == old[:4]
    # The row whose case and receipt mmb filled keeps its other cells as they were.
    assert lines[4] == ("mmb-3d4e5f607182;5-3-2026;-80;2357,55;Woningcorporatie;"
                        "NL44RABO0123456789;Casus 2026-002 huurachterstand;bank/a.csv;"
                        "2026-002;;receipts/2026-002-brief.pdf;")
    # New rows: semicolons and decimal commas, in the file's column order.
    new = [line.split(";") for line in lines[5:-1]]
    assert [cells[1:] for cells in new] == [
        ["2026-03-06", "-3,45", "2354,10", "Kosten zakelijk pakket", "", "Kosten",
         "bank/a.csv", "", "bank_costs", "", ""],
        ["2026-03-07", "-20,00", "2334,10", "HEMA Centrum", "", "Pasvolgnr 002",
         "bank/a.csv", "", "", "", ""]]
    # Read back: the same values, nothing to report about the file; a second run has
    # nothing to do and leaves the file alone.
    from mmb.ledger import read_ledger

    back = read_ledger(root)
    assert back.findings == [] and back.complete
    assert [r.amount for r in back.rows] == [Decimal("2500"), Decimal("-12.5"),
                                              Decimal("-149.95"), Decimal("-80"),
                                              Decimal("-3.45"), Decimal("-20.00")]
    assert back.rows[2].note == 'fiets "tweedehands", met slot'
    again = reconcile(root, NOW)
    assert again.added == 0 and not again.written
    assert (root / "ledger.csv").read_bytes() == written


def test_a_new_ledger_gets_mmbs_own_dialect(make_team):
    from mmb.reconcile import reconcile

    root = _excel_team(make_team)
    (root / "ledger.csv").unlink()
    reconcile(root, NOW, link=True)
    text = (root / "ledger.csv").read_bytes().decode("utf-8")
    assert text.startswith(HEADER) and "\r" not in text and ";" not in text
    assert ",2026-03-03,-12.50,2587.50,Albert Heijn 1234," in text


def test_columns_in_the_files_own_order_and_quoting_style_are_kept(make_team):
    from mmb.ledger import ledger_bytes, parse_ledger_text

    columns = ["date", "amount", "description", "id", "balance", "counterparty",
               "counterparty_iban", "source", "case", "kind", "receipt", "note"]
    # Every cell quoted, as some tools write it (empty cells too).
    header = ",".join(f'"{c}"' for c in columns) + "\n"
    first = ('"2026-03-01","-12.50","Pasvolgnr 001","x1","88.00","Shop","","bank/a.csv",'
             '"","correction","",""\n')
    ledger = parse_ledger_text(header + first, "ledger.csv")
    assert ledger.findings == [] and ledger.dialect.positions[0] == 3
    mine = ledger.rows[0]
    mine.note = "gecorrigeerd"
    added = row("2026-03-02", "-2.00", "86.00", id="x2", counterparty="Bakker, De",
                source="bank/a.csv", kind="correction", note='zei "ok"')
    text = ledger_bytes([mine, added], ledger.dialect).decode("utf-8")
    assert text.split("\n") == [
        header.rstrip("\n"),
        first.rstrip("\n").removesuffix('""') + '"gecorrigeerd"',
        '"2026-03-02","-2.00","","x2","86.00","Bakker, De","","bank/a.csv","","correction",'
        '"","zei ""ok"""',
        ""]


_TEXT = st.text(alphabet="abcXYZ019 ;,\"\n=+-@€é", max_size=12).filter(
    lambda t: t == t.strip())


@settings(max_examples=40, deadline=None)
@given(delimiter=st.sampled_from([",", ";"]), decimal=st.sampled_from([".", ","]),
       newline=st.sampled_from(["\n", "\r\n"]), bom=st.booleans(), quote_all=st.booleans(),
       cents=st.lists(st.integers(-10**9, 10**9), min_size=1, max_size=6),
       texts=st.lists(_TEXT, min_size=6, max_size=6), data=st.data())
def test_any_dialect_reads_back_exactly_and_writes_back_unchanged(
        delimiter, decimal, newline, bom, quote_all, cents, texts, data):
    from mmb.ledger import (
        LEDGER_COLUMNS,
        LedgerDialect,
        ledger_bytes,
        parse_ledger_text,
    )

    width = len(LEDGER_COLUMNS)
    quote = (lambda c: f'"{c}"') if quote_all else (lambda c: c)
    dialect = LedgerDialect(
        delimiter=delimiter, decimal=decimal, newline=newline, bom=bom,
        header=delimiter.join(map(quote, LEDGER_COLUMNS)) + newline, width=width,
        positions=tuple(range(width)), quoted=(quote_all,) * width,
        quoted_empty=(quote_all,) * width)
    rows = [row(f"2026-03-{i % 28 + 1:02d}", str(Decimal(c) / 100),
                None if i % 2 else str(Decimal(c) / 7 // 1 / 100), id=f"r{i}",
                counterparty=texts[i % 6], description=texts[(i + 1) % 6],
                note=texts[(i + 2) % 6], source="bank/a.csv", kind="correction")
            for i, c in enumerate(cents)]
    written = ledger_bytes(rows, dialect)
    assert written.startswith(b"\xef\xbb\xbf") == bom
    back = parse_ledger_text(written.decode("utf-8-sig"), "ledger.csv", bom=bom)
    assert back.findings == [] and back.complete
    assert back.dialect == dialect
    assert [(r.date, r.amount, r.balance, r.counterparty, r.description, r.note)
            for r in back.rows] == [(r.date, r.amount, r.balance, r.counterparty,
                                     r.description, r.note) for r in rows]
    # Written back with nothing changed: the same bytes; one row changed: only that one.
    assert ledger_bytes(back.rows, back.dialect) == written
    changed = data.draw(st.integers(0, len(rows) - 1))
    back.rows[changed].case = "2026-001"
    again = ledger_bytes(back.rows, back.dialect)
    before_rows = [r.found[0] for r in back.rows]  # type: ignore[index]
    assert again.startswith(written[: len(dialect.header.encode()) + 3 * bom])
    kept = again.decode("utf-8-sig")
    for i, raw in enumerate(before_rows):
        assert (raw in kept) == (i != changed)
    assert parse_ledger_text(kept, "ledger.csv").rows[changed].case == "2026-001"


def test_amounts_are_read_exactly_and_an_amount_read_two_ways_is_reported():
    from mmb.ledger import parse_ledger_text

    header = HEADER.replace(",", ";")
    text = header + "".join(f"x{i};2026-03-0{i};{amount};;Shop;;;bank/a.csv;;correction;;\n"
                            for i, amount in enumerate(
                                ["-1.234,56", "-1234,56", "€ -1.234,56", "-12,5", "-7"],
                                start=1))
    ledger = parse_ledger_text(text, "ledger.csv")
    assert ledger.findings == []
    assert [r.amount for r in ledger.rows] == [Decimal("-1234.56")] * 3 + [Decimal("-12.5"),
                                                                            Decimal("-7")]
    assert ledger.dialect.decimal == "," and ledger.dialect.delimiter == ";"
    # Twelve hundred and thirty-four euros, or one euro and a bit? Never guessed.
    ambiguous = parse_ledger_text(text + "x9;2026-03-09;-1.234;;Shop;;;bank/a.csv;;correction;;\n",
                                  "ledger.csv")
    assert [(f.code, f.line) for f in ambiguous.findings] == [("MMB002", 7)]
    assert "ambiguous" in ambiguous.findings[0].message and not ambiguous.complete


def test_reconcile_refuses_a_ledger_with_an_amount_read_two_ways(make_team):
    root = _excel_team(make_team)
    found = (FIXTURES / "excel_nl_ledger.csv").read_bytes()
    (root / "ledger.csv").write_bytes(found.replace(b";-12,5;", b";-1.250;"))
    before = folder_bytes(root)
    done = mmb("reconcile", "-C", str(root))
    assert done.returncode == 2 and "row 3: amount: '-1.250' is ambiguous" in done.stderr
    assert folder_bytes(root) == before


# ---------------------------------------------------------------- never counted twice

ING_ACCOUNT = "NL71INGB0007416235"
ING_TEAM = TEAM_YAML + f"accounts:\n  - iban: {ING_ACCOUNT}\n"
FIRST = "NL71INGB0007416235_01-01-2026_31-03-2026.csv"
SECOND = "Alle_rekeningen_01-01-2026_31-03-2026.csv"


def _ing_team(make_team, *names: str) -> Path:
    root = make_team({}, team=ING_TEAM)
    (root / "bank").mkdir()
    for name in names:
        (root / "bank" / name).write_bytes((FIXTURES / name).read_bytes())
    return root


def _ledger_rows(root: Path) -> int:
    return len((root / "ledger.csv").read_text(encoding="utf-8").splitlines()) - 1


@pytest.mark.parametrize("together", [False, True])
def test_a_reworded_download_without_balances_is_not_counted_twice(make_team, together):
    from mmb.reconcile import reconcile
    from mmb.validate import validate_team

    root = _ing_team(make_team, FIRST, SECOND) if together else _ing_team(make_team, FIRST)
    first = reconcile(root, NOW)
    if not together:
        assert first.added == 6
        (root / "bank" / SECOND).write_bytes((FIXTURES / SECOND).read_bytes())
        second = reconcile(root, NOW)
        assert second.added == 0 and [e.new for e in second.exports] == [0, 0]
    else:
        assert first.added == 6 and [e.new for e in first.exports] == [6, 0]  # name order
    assert _ledger_rows(root) == 6  # not 12
    found, _ = validate_team(root, NOW, use_cache=False)
    assert [f for f in found if f.code == "MMB201"] == []


def test_a_reworded_transaction_that_cannot_be_proven_is_refused(make_team):
    root = _ing_team(make_team, FIRST)
    assert mmb("reconcile", "-C", str(root)).returncode == 0
    # The second download holds a third bank fee of that day: which two of its three
    # are the two in the ledger (worded differently) cannot be told.
    extra = ('"20260213","Kosten OranjePakket","NL71INGB0007416235","","DV","Af","0,31",'
             '"Diversen","25 jan t/m 31 jan 2026 ING BANK N.V."\n')
    _write(root / "bank" / SECOND, (FIXTURES / SECOND).read_text(encoding="utf-8") + extra)
    before = folder_bytes(root)
    done = mmb("reconcile", "-C", str(root))
    assert done.returncode == 2, done.stdout
    err = done.stderr
    assert f"bank/{SECOND} cannot be imported" in err and "nothing was written" in err
    assert ("2026-02-13, -€ 0,31, counterparty account (none): 3 in the export "
            f"(bank/{SECOND}:6 'Kosten OranjePakket 25 jan t/m 31 jan 2026 ING BANK N.V.'; "
            f"bank/{SECOND}:7 ") in err
    assert "2 in ledger.csv (ledger.csv row 2 'Kosten OranjePakket 25 jan t/m 31 jan 2026 " \
           "ING BANK N.V. Va…'; ledger.csv row 3 " in err
    assert folder_bytes(root) == before
    # validate names the same rows as transactions it cannot place.
    from mmb.validate import validate_team

    found, _ = validate_team(root, NOW, use_cache=False)
    doubted = sorted((f.path, f.line) for f in found if "other words" in f.message)
    assert doubted == [(f"bank/{SECOND}", 6), (f"bank/{SECOND}", 7), (f"bank/{SECOND}", 8)]


def _bunq(rows: list[tuple[str, str, str, str, str]]) -> str:
    lines = ['"Date";"Interest Date";"Amount";"Account";"Counterparty";"Name";"Description"']
    lines += [f'"{d}";"{d}";"{amount}";"NL71BUNQ2087654321";"{iban}";"{name}";"{text}"'
              for d, amount, iban, name, text in rows]
    return "\n".join(lines) + "\n"


def _knab(rows: list[tuple[str, str, str, str, str]], references: list[str]) -> str:
    head = ("KNAB EXPORT;;;;;;;;;;;;;;;;\nRekeningnummer;Transactiedatum;Valutacode;CreditDebet;"
            "Bedrag;Tegenrekeningnummer;Tegenrekeninghouder;Valutadatum;Betaalwijze;"
            "Omschrijving;Type betaling;Machtigingsnummer;Incassant ID;Adres;Referentie;"
            "Boekdatum;\n")
    body = ""
    for (d, amount, iban, name, text), ref in zip(rows, references, strict=True):
        day = f"{d[8:10]}-{d[5:7]}-{d[:4]}"
        sign = "D" if amount.startswith("-") else "C"
        body += (f'"NL68KNAB0256789012";"{day}";"EUR";"{sign}";"{amount.lstrip("-")}";'
                 f'"{iban}";"{name}";"{day}";"Betaling";"{text}";"";"";"";"";"{ref}";'
                 f'"{day}";\n')
    return head + body


def _ing_comma(rows: list[tuple[str, str, str, str, str]]) -> str:
    lines = ['"Datum","Naam / Omschrijving","Rekening","Tegenrekening","Code","Af Bij",'
             '"Bedrag (EUR)","Mutatiesoort","Mededelingen"']
    for d, amount, iban, name, text in rows:
        sign = "Af" if amount.startswith("-") else "Bij"
        lines.append(f'"{d.replace("-", "")}","{name}","{ING_ACCOUNT}","{iban}","GT","{sign}",'
                     f'"{amount.lstrip("-")}","Online bankieren","{text}"')
    return "\n".join(lines[:1] + lines[:0:-1]) + "\n"  # newest first


_PAYMENTS = [("2026-03-02", "-12,50", "", "Albert Heijn 1234", "Pasvolgnr 001 02-03-2026"),
             ("2026-03-02", "-12,50", "", "Albert Heijn 1234", "Pasvolgnr 001 02-03-2026"),
             ("2026-03-03", "-80,00", "NL44RABO0123456789", "Woningcorporatie",
              "Casus 2026-002 huurachterstand")]
_REWORDED = [(d, a, i, n.upper(), t + " Valutadatum: " + d) for d, a, i, n, t in _PAYMENTS]


@pytest.mark.parametrize(("account", "first", "second"), [
    ("NL71BUNQ2087654321", _bunq(_PAYMENTS), _bunq(_REWORDED)),
    ("NL68KNAB0256789012", _knab(_PAYMENTS, ["R1", "R2", "R3"]),
     _knab(_REWORDED, ["R1", "R2", "R3"])),  # the bank's own ids prove it
    ("NL68KNAB0256789012", _knab(_PAYMENTS, ["R1", "R2", "R3"]),
     _knab(_REWORDED, ["S1", "S2", "S3"])),  # ids that changed: as many on each side
    (ING_ACCOUNT, _ing_comma(_PAYMENTS), _ing_comma(_REWORDED)),
], ids=["bunq", "knab-same-ids", "knab-new-ids", "ing-comma"])
def test_every_format_without_balances_is_not_counted_twice(make_team, account, first,
                                                            second):
    from mmb.reconcile import reconcile

    root = make_team({}, team=TEAM_YAML + f"accounts:\n  - iban: {account}\n")
    (root / "bank").mkdir()
    _write(root / "bank" / "first.csv", first)
    assert reconcile(root, NOW).added == 3
    _write(root / "bank" / "second.csv", second)
    again = reconcile(root, NOW)
    assert again.added == 0 and _ledger_rows(root) == 3
    # A third coffee in yet another download: 3 against 2, refused.
    third = second.replace("Pasvolgnr 001 02-03-2026 Valutadatum: 2026-03-02", "Pasvolgnr 002",
                           1) if "bunq" in account.lower() else None
    if third is not None:
        from mmb.errors import InputError

        _write(root / "bank" / "third.csv", third.rstrip("\n") + "\n" + third.splitlines()[1]
               + "\n")
        with pytest.raises(InputError, match=r"third\.csv cannot be imported"):
            reconcile(root, NOW)


def test_only_rows_from_an_export_of_the_same_account_are_matched_by_count():
    from mmb.ledger import Doubt, match_rows

    mine = row("2026-03-02", "-12.50", counterparty="Albert Heijn", description="Pas 001",
               source="bank/a.csv")
    by_hand = row("2026-03-02", "-12.50", counterparty="Albert Heijn", description="koffie")
    other_account = row("2026-03-02", "-12.50", counterparty="AH", source="bank/spaar.csv")
    incoming = [row("2026-03-02", "-12.50", counterparty="ALBERT HEIJN",
                    description="Pas 001 02-03")]
    accounts = {"bank/a.csv": ACCOUNT, "bank/spaar.csv": "NL02ABNA0123456789"}

    def account_of(r: LedgerRow) -> str | None:
        return accounts.get(r.source)

    def match(ledger: list[LedgerRow]) -> tuple[list[int | None], list[Doubt]]:
        doubts: list[Doubt] = []
        found = match_rows(ledger, incoming, account=ACCOUNT, account_of=account_of,
                           doubts=doubts)
        return found, doubts

    assert match([mine]) == ([0], [])
    assert match([by_hand]) == ([None], [])  # a row typed in by hand is no export's
    assert match([other_account]) == ([None], [])  # another account's
    assert match([by_hand, mine, other_account]) == ([1], [])
    # Balances on both sides decide alone: another balance is another transaction.
    with_balance = [row("2026-03-02", "-12.50", "80.00", counterparty="ALBERT HEIJN",
                        description="x")]
    assert match_rows([row("2026-03-02", "-12.50", "90.00", source="bank/a.csv")],
                      with_balance) == [None]
    twice = [incoming[0], row("2026-03-02", "-12.50", counterparty="ALBERT HEIJN",
                              description="Pas 002")]
    doubts: list[Doubt] = []
    assert match_rows([mine], twice, doubts=doubts) == [None, None]
    assert doubts == [Doubt((0, 1), (0,))]
