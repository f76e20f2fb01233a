"""ledger.csv: reading, writing, import by content, and the rules MMB201–MMB209."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import TEAM_YAML, case_yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mmb.errors import InputError
from mmb.folder import load_team
from mmb.ledger import (
    LedgerRow,
    csv_safe,
    csv_unescape,
    ledger_text,
    merge_export,
    parse_ledger_text,
)
from mmb.ledger_rules import ExportView, check_ledger
from mmb.reconcile import reconcile

ACCOUNT = "NL91ABNA0417164300"
HEADER = "id,date,amount,balance,counterparty,counterparty_iban,description,source,case,kind,receipt,note\n"
TEAM = TEAM_YAML + f"accounts:\n  - iban: {ACCOUNT}\n"
NOW = datetime(2026, 4, 1, 12, 0)


def row(day: str, amount: str, balance: str | None = None, **kw: str) -> LedgerRow:
    return LedgerRow(date=date.fromisoformat(day), amount=Decimal(amount),
                     balance=None if balance is None else Decimal(balance), **kw)


# ---------------------------------------------------------------- reading and writing

@pytest.mark.parametrize("text", ["=SUM(A1:A9)", "+31 6", "-5", "@cmd", "\tx", "\rx"])
def test_formula_text_is_escaped_and_read_back(text):
    stored = text.replace("\r", "\n")  # a carriage return inside a cell becomes a line break
    assert csv_safe(text).startswith("'")
    assert csv_unescape(csv_safe(text)) == stored
    written = ledger_text([row("2026-03-01", "-1.00", description=text, counterparty=text)])
    back = parse_ledger_text(written, "ledger.csv")
    assert back.findings == []
    assert back.rows[0].description == stored and back.rows[0].counterparty == stored
    assert f"'{stored}" in written


def test_amounts_and_dates_exact():
    text = HEADER + "a,2026-03-01,-149.95,1000.05,Shop,,x,,,,,\nb,2-3-2026,\"1.234,56\",,,,,,,deposit,,\n"
    ledger = parse_ledger_text(text, "ledger.csv")
    assert ledger.findings == []
    assert [r.amount for r in ledger.rows] == [Decimal("-149.95"), Decimal("1234.56")]
    assert ledger.rows[1].date == date(2026, 3, 2) and ledger.rows[1].row == 3


BAD_ROWS = [
    ("a,31-02-2026,-1.00,,,,,,,,,", "not a date"),
    ("a,2026-03-01,\"12.345,6.7\",,,,,,,,,", "amount"),
    ("a,2026-03-01,-1.005,,,,,,,,,", "two decimals"),
    ("a,2026-03-01,-1.00,,,,,,,gift,,", "kind 'gift' is not known"),
    ("a,2026-03-01,-1.00,,,,,,,other,,", "needs a note"),
    ("a,2026-03-01,-1.00,,,,,,2026-001,,missing,", "needs a note"),
    ("a,2026-03-01", "cells"),
]


@pytest.mark.parametrize(("line", "reason"), BAD_ROWS)
def test_bad_rows_are_findings_on_their_row(line, reason):
    ledger = parse_ledger_text(HEADER + "ok,2026-03-01,-1.00,,,,,,,bank_costs,,\n" + line + "\n",
                               "ledger.csv")
    assert [(f.code, f.line) for f in ledger.findings] == [("MMB002", 3)]
    assert reason in ledger.findings[0].message
    assert len(ledger.rows) >= 1


def test_columns_in_another_order_or_with_one_of_the_coordinators_own():
    row_text = "a,2026-03-01,-2.50,97.50,'=Shop,,' koffie ,,,,,"
    mine = parse_ledger_text(HEADER + row_text + "\n", "ledger.csv")
    columns = HEADER.strip().split(",")
    order = [*reversed(columns[:6]), "mijn kolom", *columns[6:]]
    cells = dict(zip(columns, row_text.split(","), strict=True))
    line = ",".join(cells.get(name, "eigen tekst") for name in order)
    theirs = parse_ledger_text(",".join(order) + "\n" + line + "\n" + line[:20] + "\n",
                               "ledger.csv")
    assert mine.findings == [] and mine.rows[0].counterparty == "=Shop"
    assert mine.rows[0].description == "' koffie"  # not an escape: no formula after it
    assert theirs.rows == mine.rows
    assert [(f.code, f.line) for f in theirs.findings] == [("MMB002", 1), ("MMB002", 3)]
    assert not theirs.complete  # rewriting would drop "mijn kolom"


def test_bad_header():
    ledger = parse_ledger_text("id,date,amount\n", "ledger.csv")
    assert [(f.code, f.line) for f in ledger.findings] == [("MMB002", 1)]
    assert not ledger.readable


# ---------------------------------------------------------------- import by content

def test_identical_coffees_and_redownload():
    rows: list[LedgerRow] = []
    export = [row("2026-03-01", "-2.50", counterparty="Koffie"),
              row("2026-03-01", "-2.50", counterparty="Koffie")]
    assert len(merge_export(rows, export, ACCOUNT, [None, None])) == 2
    assert len({r.id for r in rows}) == 2
    assert merge_export(rows, export, ACCOUNT, [None, None]) == []
    # A later download holding three coffees that day adds just the third.
    assert len(merge_export(rows, [*export, export[0]], ACCOUNT, [None] * 3)) == 1


def test_other_format_matches_by_balance_or_text():
    rows: list[LedgerRow] = []
    merge_export(rows, [row("2026-03-01", "-10.00", "90.00", description="Casus 2026-001  fiets")],
                 ACCOUNT, [None])
    # Same transaction from CAMT: other description, same balance.
    assert merge_export(rows, [row("2026-03-01", "-10.00", "90.00", description="FIETS")],
                        ACCOUNT, ["CAMT-1"]) == []
    # Same transaction from an export without balances: matched on the normalised text.
    assert merge_export(rows, [row("2026-03-01", "-10.00", description="Casus 2026-001 fiets")],
                        ACCOUNT, [None]) == []


tx = st.tuples(st.integers(min_value=0, max_value=40), st.integers(min_value=-50000, max_value=50000),
               st.sampled_from(["Shop", "Koffie", "Gemeente", "Fietsenmaker"]))


@settings(max_examples=150, deadline=None)
@given(st.lists(tx, min_size=1, max_size=30), st.integers(min_value=0, max_value=100000),
       st.data())
def test_import_is_idempotent_order_independent_and_balances_add_up(raw, opening_cents, data):
    opening = Decimal(opening_cents).scaleb(-2)
    raw = sorted(raw, key=lambda t: t[0])
    balance = opening
    full = []
    for day, cents, who in raw:
        amount = Decimal(cents).scaleb(-2)
        balance += amount
        full.append(row((date(2026, 1, 1) + timedelta(days=day)).isoformat(), str(amount),
                        str(balance), counterparty=who))
    cut1 = data.draw(st.integers(min_value=0, max_value=len(full)))
    cut2 = data.draw(st.integers(min_value=cut1, max_value=len(full)))
    exports = [full[:cut2], full[cut1:], full]  # overlapping periods
    order = data.draw(st.permutations(range(3)))
    ledgers = []
    for sequence in (order, list(reversed(order))):
        rows: list[LedgerRow] = []
        for i in sequence:
            merge_export(rows, exports[i], ACCOUNT, [None] * len(exports[i]))
            merge_export(rows, exports[i], ACCOUNT, [None] * len(exports[i]))  # twice
        ledgers.append(sorted((r.date, r.amount, r.balance, r.id) for r in rows))
    assert ledgers[0] == ledgers[1]
    assert len(ledgers[0]) == len(full)
    assert opening + sum(a for _, a, _, _ in ledgers[0]) == balance


# ---------------------------------------------------------------- rules

_FOLDERS = iter(range(10**6))


def _rules(make_team, ledger_rows: list[LedgerRow], *, cases=None, exports=(), team=TEAM,
           now=NOW, receipts=()):
    root = make_team(cases or {"2026-001": case_yaml()}, team=team, folder=f"t{next(_FOLDERS)}")
    for name in receipts:
        (root / "receipts").mkdir(exist_ok=True)
        (root / "receipts" / name).write_text("bon")
    for i, r in enumerate(ledger_rows):
        r.row = i + 2
    doc = load_team(root)
    return root, check_ledger(team=doc.team, docs=doc.cases, rows=ledger_rows,
                              exports=list(exports), root=root, now=now)


def codes(found):
    return sorted((f.code, f.path, f.line) for f in found)


def test_mmb202_and_kinds(make_team):
    _, found = _rules(make_team, [row("2026-03-05", "-10.00"),
                                  row("2026-03-05", "-7.50", kind="bank_costs"),
                                  row("2026-03-05", "500.00")])
    assert codes(found) == [("MMB202", "ledger.csv", 2)]


def test_mmb203_on_crossing_row_and_refunds(make_team):
    rows = [row("2026-03-03", "-100.00", case="2026-001", receipt="missing", note="kwijt"),
            row("2026-03-04", "-50.00", case="2026-001", receipt="missing", note="kwijt"),
            row("2026-03-05", "-0.01", case="2026-001", receipt="missing", note="kwijt"),
            row("2026-03-06", "20.00", case="2026-001", kind="refund"),
            row("2026-03-07", "-20.00", case="2026-001", receipt="missing", note="kwijt")]
    _, found = _rules(make_team, rows)  # approved 150
    # row 4 crosses; the refund brings it back under; row 6 crosses again
    assert codes(found) == [("MMB203", "ledger.csv", 4), ("MMB203", "ledger.csv", 6)]
    assert "€ 150,01" in found[0].message


def test_mmb204(make_team):
    pending = case_yaml("2026-002", household="H-2", outcome=None)
    rows = [row("2026-03-01", "-10.00", case="2026-001", receipt="missing", note="x"),
            row("2026-03-02", "-10.00", case="2026-001", receipt="missing", note="x"),
            row("2026-03-03", "-10.00", case="2026-002", receipt="missing", note="x"),
            row("2026-03-03", "-10.00", case="2026-099", receipt="missing", note="x")]
    _, found = _rules(make_team, rows, cases={"2026-001": case_yaml(), "2026-002": pending})
    got = [c for c in codes(found) if c[0] != "MMB107"]
    assert got == [("MMB004", "ledger.csv", 5), ("MMB204", "ledger.csv", 2),
                   ("MMB204", "ledger.csv", 4)]


def test_mmb205_grace_boundary(make_team):
    rows = [row("2026-03-18", "-10.00", case="2026-001"),   # 14 days before NOW: warning
            row("2026-03-17", "-10.00", case="2026-001")]   # 15 days: error
    _, found = _rules(make_team, rows)
    assert [(f.code, f.line, f.level) for f in sorted(found, key=lambda f: f.line)] == [
        ("MMB205", 2, "warning"), ("MMB205", 3, "error")]


def test_mmb206(make_team, tmp_path):
    outside = tmp_path / "secret.jpg"
    outside.write_text("x")
    root, _ = _rules(make_team, [], receipts=["2026-001-bon.jpg"])
    os.symlink(outside, root / "receipts" / "link.jpg")
    rows = [row("2026-03-30", "-10.00", case="2026-001", receipt="receipts/2026-001-bon.jpg"),
            row("2026-03-30", "-10.00", case="2026-001", receipt="receipts/nope.jpg"),
            row("2026-03-30", "-10.00", case="2026-001", receipt="../secret.jpg"),
            row("2026-03-30", "-10.00", case="2026-001", receipt="receipts/link.jpg"),
            row("2026-03-30", "-10.00", case="2026-001",
                receipt="receipts/../../secret.jpg")]
    doc = load_team(root)
    for i, r in enumerate(rows):
        r.row = i + 2
    found = check_ledger(team=doc.team, docs=doc.cases, rows=rows, exports=[], root=root, now=NOW)
    assert codes(found) == [("MMB206", "ledger.csv", n) for n in (3, 4, 5, 6)]


def test_mmb206_one_receipt_for_two_cases(make_team):
    cases = {"2026-001": case_yaml(), "2026-002": case_yaml("2026-002", household="H-2")}
    rows = [row("2026-03-30", "-10.00", case="2026-001", receipt="receipts/bon.jpg"),
            row("2026-03-30", "-10.00", case="2026-001", receipt="receipts/bon.jpg"),
            row("2026-03-30", "-10.00", case="2026-002", receipt="receipts/bon.jpg")]
    _, found = _rules(make_team, rows, cases=cases, receipts=["bon.jpg"])
    assert codes(found) == [("MMB206", "ledger.csv", 4)]


def _view(source, rows, cash=None):
    return ExportView(source=source, rows=tuple(rows), lines=tuple(range(2, 2 + len(rows))),
                      accounts=(ACCOUNT,), cash=tuple(cash or [False] * len(rows)))


def test_mmb207_missing_month_and_mmb201(make_team):
    jan = [row("2026-01-10", "100.00", "100.00", source="bank/jan.csv", kind="deposit")]
    mar = [row("2026-03-10", "-5.00", "80.00", source="bank/mar.csv", kind="bank_costs")]
    ledger_rows = [*jan, *mar]
    exports = [_view("bank/jan.csv", jan), _view("bank/mar.csv", mar)]
    _, found = _rules(make_team, ledger_rows, exports=exports)
    assert codes(found) == [("MMB207", "ledger.csv", 3)]
    assert "€ 15,00 unexplained" in found[0].message
    # A transaction in an export but not in the ledger, and a row its source does not hold.
    extra = row("2026-03-11", "-1.00", "79.00", kind="bank_costs")
    exports = [_view("bank/jan.csv", jan), _view("bank/mar.csv", [*mar, extra])]
    stray = row("2026-01-11", "-3.00", source="bank/jan.csv", kind="bank_costs")
    _, found = _rules(make_team, [*jan, stray, *mar], exports=exports)
    assert ("MMB201", "bank/mar.csv", 3) in codes(found)
    assert ("MMB201", "ledger.csv", 3) in codes(found)


def test_mmb208_from_code_or_description(make_team):
    # (no note: a note answers MMB208, see tests/test_cashbook_truth.py)
    rows = [row("2026-03-05", "-50.00", description="Geldautomaat Centrum", kind="correction"),
            row("2026-03-05", "-20.00", description="Pasvolgnr 3", source="bank/x.csv",
                kind="correction")]
    _, found = _rules(make_team, rows, exports=[_view("bank/x.csv", [rows[1]], [True])])
    assert codes(found) == [("MMB208", "ledger.csv", 2), ("MMB208", "ledger.csv", 3)]
    allow = TEAM.replace("household_cap: 500", "household_cap: 500\n  allow_cash: true")
    _, found = _rules(make_team, rows, team=allow, exports=[_view("bank/x.csv", [rows[1]],
                                                                   [True])])
    assert codes(found) == []


def test_mmb209_boundary(make_team):
    # approved 2026-03-02; 30 days later is 2026-04-01: not yet; 31 days: warning
    _, found = _rules(make_team, [], now=datetime(2026, 4, 1, 12))
    assert codes(found) == []
    _, found = _rules(make_team, [], now=datetime(2026, 4, 2, 12))
    assert codes(found) == [("MMB209", "cases/2026-001.yaml", 19)]


# ---------------------------------------------------------------- reconcile end to end

ING_HEADER = ('"Datum";"Naam / Omschrijving";"Rekening";"Tegenrekening";"Code";"Af Bij";'
              '"Bedrag (EUR)";"Mutatiesoort";"Mededelingen";"Saldo na mutatie";"Tag"\n')


def ing(rows: list[tuple[str, str, str, str, str]], account: str = ACCOUNT) -> str:
    """An ING semicolon export, newest first: (yyyymmdd, name, af/bij, amount, balance)."""
    lines = [f'"{d}";"{name}";"{account}";"";"BA";"{sign}";"{amount}";"Betaalautomaat";'
             f'"Pasvolgnr 001";"{bal}";""\n' for d, name, sign, amount, bal in reversed(rows)]
    return ING_HEADER + "".join(lines)


def test_reconcile_refuses_unknown_format_foreign_account_and_bomb(make_team):
    root = make_team({"2026-001": case_yaml()}, team=TEAM)
    (root / "ledger.csv").write_text(HEADER)
    (root / "bank").mkdir()
    bad = root / "bank" / "notes.txt"
    bad.write_text("hello, this is not a bank export\n")
    before = (root / "ledger.csv").read_bytes()
    with pytest.raises(InputError, match=r"notes\.txt"):
        reconcile(root, NOW)
    bad.unlink()
    (root / "bank" / "other.csv").write_text(ing([("20260301", "Shop", "Af", "1,00", "9,00")],
                                                 account="NL02ABNA0123456789"))
    with pytest.raises(InputError, match=r"not an account of this team"):
        reconcile(root, NOW)
    (root / "bank" / "other.csv").unlink()
    (root / "bank" / "bomb.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&b;</Document>')
    with pytest.raises(InputError):
        reconcile(root, NOW)
    assert (root / "ledger.csv").read_bytes() == before


def test_reconcile_twice_and_check(make_team):
    root = make_team({"2026-001": case_yaml()}, team=TEAM)
    (root / "bank").mkdir()
    (root / "bank" / "maart.csv").write_text(ing([
        ("20260301", "Gemeente Amsterdam", "Bij", "1000,00", "1000,00"),
        ("20260303", "Fietsenmaker", "Af", "150,00", "850,00"),
        ("20260303", "Koffie", "Af", "2,50", "847,50"),
        ("20260303", "Koffie", "Af", "2,50", "845,00")]), encoding="utf-8")
    (root / "receipts").mkdir()
    (root / "receipts" / "2026-001-fiets.jpg").write_bytes(b"jpg")
    checked = reconcile(root, NOW, check=True)
    assert checked.added == 4 and checked.open_items > 0 and not (root / "ledger.csv").exists()
    first = reconcile(root, NOW, link=True)
    assert first.added == 4 and first.written
    assert [(r.case, r.kind) for r, _ in first.classified] == [("", "deposit")]
    assert [cid for _, cid in first.linked] == ["2026-001"]
    text = (root / "ledger.csv").read_text()
    assert "2026-001,,receipts/2026-001-fiets.jpg," in text
    second = reconcile(root, NOW, link=True)
    assert second.added == 0 and not second.written
    assert (root / "ledger.csv").read_text() == text
    assert [f.code for f in second.findings] == ["MMB202", "MMB202"]  # the two coffees
    [balance] = second.balances  # the bank's stated closing balance beside the ledger's
    assert (balance.account, balance.stated, balance.computed) == (
        ACCOUNT, Decimal("845.00"), Decimal("845.00"))


def test_ambiguous_payment_is_proposed_not_linked(make_team):
    cases = {"2026-001": case_yaml(),
             "2026-002": case_yaml("2026-002", household="H-2", approved="180")}
    root = make_team(cases, team=TEAM)
    (root / "bank").mkdir()
    (root / "bank" / "a.csv").write_text(ing([("20260305", "Shop", "Af", "100,00", "900,00")]))
    result = reconcile(root, NOW, link=True)
    assert result.linked == [] and [c for _, c in result.proposals] == [["2026-001", "2026-002"]]
    picked = reconcile(root, NOW, choose=lambda r, options: options[1].case_id)
    assert [cid for _, cid in picked.linked] == ["2026-002"]


def test_the_ing_writer_of_these_tests_writes_ing(tmp_path: Path):
    # guard: the helper used to build ING exports above reads back as ING
    from mmb.banks import read_export

    path = tmp_path / "x.csv"
    path.write_text(ing([("20260301", "A", "Af", "1,00", "1,00")]))
    assert read_export(path).format == "ing-csv"


@pytest.mark.parametrize("shop", ["Coffee Company", "PostNL Pakketpunt", "Lorente Kinderkleding",
                                  "Feestwinkel"])
def test_shops_are_not_bank_costs(make_team, shop):
    from mmb.models import Team
    from mmb.reconcile import classify

    team = Team.model_validate({"name": "T", "members": [{"id": "a"}]})
    assert classify(row("2026-03-05", "-12.50", counterparty=shop), team, {}) is None
    assert classify(row("2026-03-05", "-3.45", counterparty="Kosten zakelijk pakket"), team,
                    {}) == ("bank_costs", "")


def test_a_later_refund_does_not_make_room_for_an_earlier_payment(make_team):
    # 2026-001 approved 150, 2026-002 approved 180. The payment of 150 on 03-04 is exactly
    # 2026-001's room; the refund of 20 for 2026-001 on 03-20 must not count yet, or the
    # room would be 170, no case would match exactly, and the payment would stay unlinked.
    cases = {"2026-001": case_yaml(),
             "2026-002": case_yaml("2026-002", household="H-2", approved="180")}
    root = make_team(cases, team=TEAM)
    (root / "bank").mkdir()
    (root / "bank" / "a.csv").write_text(ing([
        ("20260304", "Fietsenmaker", "Af", "150,00", "850,00"),
        ("20260320", "Fietsenmaker 2026-001", "Bij", "20,00", "870,00")]))
    result = reconcile(root, NOW, link=True)
    assert [(str(r.amount), cid) for r, cid in result.linked] == [("-150.00", "2026-001")]


EXAMPLE_TEAMS = sorted(p.parent for p in (Path(__file__).resolve().parent.parent / "examples")
                       .rglob("team.yaml"))


@pytest.mark.parametrize("team", EXAMPLE_TEAMS, ids=lambda p: p.name)
def test_one_reconcile_of_the_example_exports_gives_the_cash_book(team, tmp_path):
    import csv
    import shutil

    copy = tmp_path / team.name
    shutil.copytree(team, copy)
    shutil.copy(team.parent.parent / "mmb.yaml", tmp_path / "mmb.yaml")
    (copy / "ledger.csv").write_text(HEADER)
    result = reconcile(copy, datetime(2026, 11, 22, 12), link=True)
    assert result.written and result.proposals == []

    def columns(path):
        with path.open(encoding="utf-8", newline="") as handle:
            # receipts of split payments are filled in by hand in the example
            return [(r["id"], r["date"], r["amount"], r["balance"], r["case"], r["kind"])
                    for r in csv.DictReader(handle)]

    assert columns(copy / "ledger.csv") == columns(team / "ledger.csv")
    again = reconcile(copy, datetime(2026, 11, 22, 12), link=True)
    assert again.added == 0 and not again.written
    for balance in result.balances:
        assert balance.stated is not None and balance.agree, balance


def test_mmb207_without_exports_for_a_single_account_team(make_team):
    # The exports were archived away; the ledger's own balances must still chain.
    rows = [row("2026-01-10", "100.00", "100.00", source="bank/old.csv", kind="deposit"),
            row("2026-02-10", "-5.00", "90.00", source="bank/old.csv", kind="bank_costs")]
    _, found = _rules(make_team, rows)
    assert codes(found) == [("MMB207", "ledger.csv", 3)]


def _fresh_example(tmp_path, name):
    import shutil

    team = EXAMPLE_TEAMS[0]
    copy = tmp_path / name / team.name
    shutil.copytree(team, copy)
    shutil.copy(team.parent.parent / "mmb.yaml", tmp_path / name / "mmb.yaml")
    (copy / "ledger.csv").write_text(HEADER)
    return copy


def test_a_failed_write_is_a_plain_error_and_changes_nothing(tmp_path, monkeypatch):
    import errno

    import mmb.files

    root = _fresh_example(tmp_path, "full")
    before = (root / "ledger.csv").read_bytes()

    def disk_full(path, data, **options):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(mmb.files, "atomic_write_bytes", disk_full)
    with pytest.raises(InputError, match=r"cannot write ledger\.csv \(No space left on device\)"):
        reconcile(root, datetime(2026, 11, 22, 12), link=True)
    assert (root / "ledger.csv").read_bytes() == before


@pytest.mark.parametrize("bad_row", [
    "x1,2026-03-01,-1234.567,,Shop,,,bank/a.csv,2026-001,,,",          # amount: row dropped
    "x1,31-02-2026,-12.00,,Shop,,,bank/a.csv,2026-001,,,",             # date: row dropped
    "x1,2026-03-01,-12.00,,Shop",                                      # short row
    "x1,2026-03-01,-12.00,oops,Shop,,,bank/a.csv,2026-001,,,",         # balance not kept
    "x1,2026-03-01,-12.00,,Shop,,,bank/a.csv,,koffie,,",               # kind not kept
])
def test_reconcile_refuses_a_ledger_it_cannot_write_back_whole(make_team, bad_row):
    root = make_team({"2026-001": case_yaml()}, team=TEAM)
    (root / "ledger.csv").write_text(HEADER + bad_row + "\n")
    (root / "bank").mkdir()
    (root / "bank" / "a.csv").write_text(ing([("20260301", "Shop", "Af", "12,00", "88,00")]))
    before = (root / "ledger.csv").read_bytes()
    with pytest.raises(InputError, match=r"fix them first \(row 2: "):
        reconcile(root, NOW, link=True)
    assert (root / "ledger.csv").read_bytes() == before


def test_reconcile_refuses_a_ledger_with_a_column_of_its_own(make_team):
    root = make_team({"2026-001": case_yaml()}, team=TEAM)
    (root / "ledger.csv").write_text(HEADER.rstrip("\n") + ",checked\n")
    before = (root / "ledger.csv").read_bytes()
    with pytest.raises(InputError, match="checked"):
        reconcile(root, NOW)
    assert (root / "ledger.csv").read_bytes() == before


def test_reconcile_summary_colours_only_on_a_terminal_and_prints_no_control_characters():
    import io

    from mmb.findings import finding
    from mmb.reconcile import Reconciled
    from mmb.render import reconcile_summary

    result = Reconciled(findings=[finding("MMB202", "ledger.csv", 3, "money out (\x1b[2JShop\x07)")])
    plain, coloured = io.StringIO(), io.StringIO()
    reconcile_summary(result, plain, False, 2026)
    reconcile_summary(result, coloured, True, 2026)
    assert "\x1b" not in plain.getvalue() and "\x07" not in plain.getvalue()
    assert "  ledger.csv:3: error MMB202 money out (\\x1b[2JShop\\x07)" in plain.getvalue()
    assert "\x1b[33m" in coloured.getvalue() and "\x07" not in coloured.getvalue()
    assert "\x1b[2J" not in coloured.getvalue()
