"""Bank exports shaped on real published files (issue 12, items 3 and 8): every format the
README names has one, each read as its golden says; the dialects real files use; balances
chained in the bank's own order; statements framed by a DOS end-of-file byte.

Provenance and licences: tests/fixtures/banks/real/PROVENANCE.md. The tests marked "failed
before issue 12" were run against the code before it (the file was refused, or read wrong).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import TEAM_YAML

from mmb.banks import BankFormatError, read_export, read_export_data
from mmb.reconcile import reconcile

HERE = Path(__file__).parent / "fixtures" / "banks"
REAL = HERE / "real"
NOW = datetime(2026, 4, 1, 12, 0)


def _regen():
    spec = importlib.util.spec_from_file_location("regen_goldens", HERE / "regen_goldens.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


regen = _regen()
REAL_FIXTURES = regen.fixtures(REAL)


@pytest.mark.parametrize("fixture", REAL_FIXTURES, ids=[p.name for p in REAL_FIXTURES])
def test_real_fixture_matches_golden(fixture: Path) -> None:
    expected = json.loads(regen.golden_path(fixture).read_text(encoding="utf-8"))
    assert regen.golden(read_export(fixture)) == expected


def test_every_format_of_the_readme_has_a_real_shaped_fixture() -> None:
    formats = {read_export(p).format for p in REAL_FIXTURES}
    assert formats == {"ing-csv", "ing-csv-comma", "rabobank-csv", "abnamro-txt", "bunq-csv",
                       "triodos-csv", "volksbank-csv", "knab-csv", "camt053", "mt940"}


def test_provenance_names_every_file() -> None:
    text = (REAL / "PROVENANCE.md").read_text(encoding="utf-8")
    names = [p.name for p in REAL_FIXTURES] + [p.name for p in (REAL / "refused").iterdir()]
    assert [n for n in names if f"`{n}`" not in text and f"`refused/{n}`" not in text] == []


# ------------------------------------------------------------------ dialects (item 3)


def test_mt940_two_letter_type_code_and_space() -> None:
    # Failed before issue 12: "cannot read the MT940 :61: line '100722D25,03NOV NONREF'".
    export = read_export(REAL / "ing_2010_two_letter_codes.sta")
    assert [(t.amount, t.code) for t in export.transactions][:2] == [
        (Decimal("-25.03"), "NOV"), (Decimal("-3.03"), "NOV")]
    triodos = read_export(REAL / "triodos_iban.sta")  # "131007C1000,00NET NONREF"
    assert [t.amount for t in triodos.transactions] == [Decimal("1000"), Decimal("-42"),
                                                      Decimal("-10")]
    assert triodos.problems == ()  # 0 + 1000 - 42 - 10 = 948, as its :62F: says


def test_mt940_amounts_with_a_decimal_point() -> None:
    # Failed before issue 12: "cannot read the MT940 :60F: line 'C120928EUR000000017431.67'".
    export = read_export(REAL / "rabobank_old_decimal_point.swi")
    assert export.balances[0].opening == Decimal("17431.67")
    assert export.balances[-1].closing == sum((t.amount for t in export.transactions),
                                              Decimal("17431.67"))
    assert export.problems == ()


def test_volksbank_empty_unquoted_reference() -> None:
    # Failed before issue 12: "this line does not have the layout of a de Volksbank CSV".
    for name in ("asn_empty_reference.csv", "sns_empty_reference.csv"):
        export = read_export(REAL / name)
        first = export.transactions[0]
        assert (first.amount, first.description) == (
            Decimal("300.00"), "NL00RABO1234567890-J F Kennedy")


def test_camt_amounts_with_up_to_five_decimals() -> None:
    # Failed before issue 12: "'264.85000' (Amt) is not an amount".
    export = read_export(REAL / "camt053_sns_five_decimals.xml")
    assert [t.amount for t in export.transactions] == [Decimal("-0.75"), Decimal("-2.55"),
                                                      Decimal("18.15")]
    assert export.balances[0].closing == Decimal("264.85") and export.problems == ()


def _sub_cent() -> bytes:
    return (REAL / "camt053_sns_five_decimals.xml").read_bytes().replace(
        b">18.150<", b">18.155<")


def test_camt_part_of_a_cent_is_refused_naming_the_row() -> None:
    with pytest.raises(BankFormatError) as caught:
        read_export_data(_sub_cent(), Path("bank/sns.xml"))
    text = (REAL / "camt053_sns_five_decimals.xml").read_text(encoding="utf-8-sig")
    assert caught.value.code == "MMB002"
    assert caught.value.message.startswith(f"bank/sns.xml:{caught.value.line}: the amount "
                                           "18.155 (Amt) has a part of a cent")
    # the line is the <Ntry> of the 18.155 credit, the third entry
    ntry_lines = [i + 1 for i, line in enumerate(text.splitlines()) if line == "      <Ntry>"]
    assert caught.value.line == ntry_lines[2]


def test_part_of_a_cent_in_validate_is_mmb002_and_reconcile_refuses(make_team) -> None:
    root = _team(make_team, "NL22SNSB0912345678", {"sns.xml": _sub_cent()})
    from mmb.folder import load_team
    from mmb.validate import check_cash_book

    found = check_cash_book(load_team(root), NOW)
    assert [(f.code, f.path) for f in found if f.code.startswith("MMB00")] == [
        ("MMB002", "bank/sns.xml")]
    result = _cli("reconcile", "-C", str(root))
    assert result.returncode == 2 and "has a part of a cent" in result.stderr
    assert not (root / "ledger.csv").exists()


def test_bunq_dates_day_first() -> None:
    # Failed before issue 12: "'21/10/2018' (Date) is not a valid date written as YYYY-MM-DD".
    export = read_export(REAL / "bunq_en_day_first.csv")
    assert export.transactions[0].booking_date == date(2018, 10, 21)
    assert export.transactions[0].amount == Decimal("15.00")
    # A month over 12 is refused, never read as month first.
    text = (REAL / "bunq_en_day_first.csv").read_text().replace("21/10/2018", "10/21/2018", 1)
    with pytest.raises(BankFormatError, match="10/21/2018"):
        read_export_data(text.encode(), Path("bank/bunq.csv"))


def test_bunq_every_line_wrapped_in_quotes() -> None:
    # Failed before issue 12: "this is not a bank export mmb can read".
    [tx] = read_export(REAL / "bunq_wrapped_lines.csv").transactions
    assert (tx.booking_date, tx.amount, tx.account, tx.counterparty) == (
        date(2020, 6, 1), Decimal("-83.86"), "NL51BUNQ2039462171", "Albert Heijn BV")
    # One line not wrapped like the others: the file is damaged.
    broken = (REAL / "bunq_wrapped_lines.csv").read_bytes() + (
        b'2020-06-02,"2020-06-02","-1,00","NL51BUNQ2039462171","","x","y"\r\n')
    with pytest.raises(BankFormatError, match=r":3: the CSV is damaged"):
        read_export_data(broken, Path("bank/bunq.csv"))


def test_ing_mt940_currency_glued_to_the_account(make_team) -> None:
    # Failed before issue 12: the account was read as "NL02INGB0008823104EUR" (it passes
    # mod 97 with the EUR on it), so reconcile refused it as another team's account.
    export = read_export(REAL / "ing_mt940_iban.sta")
    assert {t.account for t in export.transactions} == {"NL02INGB0008823104"}
    root = _team(make_team, "NL02INGB0008823104", {"ing.sta": REAL / "ing_mt940_iban.sta"})
    assert reconcile(root, NOW).added == 21


def test_rabobank_broken_quote_is_refused() -> None:
    # Failed before issue 12: read, with the account 'NL77RABO0311467415"' on the row.
    with pytest.raises(BankFormatError) as caught:
        read_export(REAL / "refused" / "CSV_A_20180414_112204.csv")
    assert caught.value.line == 5 and "the CSV is damaged" in caught.value.message


def test_real_files_that_do_not_add_up_give_mmb210() -> None:
    # The published samples below were edited or scrambled by their authors: their own
    # balances contradict their transactions, and mmb says so (before issue 12: nothing).
    kinds = {name: [p.kind for p in read_export(REAL / name).problems]
             for name in ("abnamro_mt940_structured.sta", "ing_2010_two_letter_codes.sta",
                          "TXT_SAMPLE.TAB")}
    assert kinds == {"abnamro_mt940_structured.sta": ["closing", "closing"],
                     "ing_2010_two_letter_codes.sta": ["closing"],
                     "TXT_SAMPLE.TAB": ["row_start", "row_start", "row_before", "row_start",
                                        "row_before"]}


# ------------------------------------------------------------------ order and framing (item 8)


@pytest.mark.parametrize(("name", "account"), [
    ("ing_mt940_iban.sta", "NL02INGB0008823104"),  # a statement listed newest first
    ("rabobank_mt940_structured.swi", "NL44RABO0123456789"),  # a payment valued earlier
])
def test_consistent_real_exports_give_no_mmb207(make_team, name: str, account: str) -> None:
    # Failed before issue 12: balances computed in file order, then rows sorted by date,
    # gave MMB207 ("an export is probably missing") on these consistent exports.
    root = _team(make_team, account, {name: REAL / name})
    result = reconcile(root, NOW)
    assert [f for f in result.findings if f.code in ("MMB207", "MMB210")] == []
    [balance] = result.balances
    assert balance.agree, balance
    # and so does validate afterwards, from the ledger as written
    from mmb.folder import load_team
    from mmb.validate import check_cash_book

    assert [f for f in check_cash_book(load_team(root), NOW) if f.code == "MMB207"] == []
    # and from the ledger alone, once the export is archived away
    (root / "bank" / name).unlink()
    assert [f for f in check_cash_book(load_team(root), NOW) if f.code == "MMB207"] == []


def test_the_chain_is_checked_between_exports_in_the_banks_order(make_team) -> None:
    # The second day's statement books a payment valued on the first day; split over two
    # exports, the gap check between them must still see one unbroken chain.
    text = (REAL / "rabobank_mt940_structured.swi").read_text()
    cut = text.index(":20:940S130404")
    root = _team(make_team, "NL44RABO0123456789",
                 {"dag1.swi": text[:cut], "dag2.swi": ":940:\n" + text[cut:]})
    result = reconcile(root, NOW)
    assert [f.code for f in result.findings if f.code in ("MMB207", "MMB210")] == []
    assert [b.agree for b in result.balances] == [True]


def test_a_day_missing_inside_an_export_is_mmb210_and_between_exports_mmb207(make_team):
    text = (REAL / "rabobank_mt940_structured.swi").read_text()
    cut = text.index(":20:940S130404")
    day1, day2 = text[:cut], ":940:\n" + text[cut:]
    # Day 2 opens at 1.190,35; a day 1 that closed lower leaves a gap.
    short = day1.replace(":61:130403C000000000169,90N122NONREF", ":61:130403C000000000169,00N122NONREF"
                         ).replace(":62F:C130403EUR000000001190,35", ":62F:C130403EUR000000001189,45")
    export = read_export_data((short + text[cut:]).encode(), Path("bank/x.swi"))
    assert [p.kind for p in export.problems] == ["opening"]
    root = _team(make_team, "NL44RABO0123456789", {"dag1.swi": short, "dag2.swi": day2})
    result = reconcile(root, NOW)
    assert [f.code for f in result.findings if f.code in ("MMB207", "MMB210")] == ["MMB207"]


def test_statements_after_a_dos_eof_byte_carry_their_own_account() -> None:
    # Failed before issue 12: the savings account's statement, after ^Z, was booked under
    # the current account's :25:.
    export = read_export(REAL / "rabobank_two_accounts_dos_eof.swi")
    by_account = {}
    for t in export.transactions:
        by_account.setdefault(t.account, []).append(t.amount)
    assert by_account["NL27RABO9123456789"] == [Decimal("100")]
    assert len(by_account["NL44RABO0123456789"]) == 9
    assert [b.account for b in export.balances] == ["NL44RABO0123456789"] * 2 + [
        "NL27RABO9123456789"]
    assert export.problems == ()


# ------------------------------------------------------------------ helpers


def _team(make_team, account: str, files: dict[str, Path | bytes | str],
          folder: str = "team") -> Path:
    root = make_team({}, team=TEAM_YAML + f"accounts:\n  - iban: {account}\n", folder=folder)
    (root / "bank").mkdir()
    for name, content in files.items():
        if isinstance(content, Path):
            content = content.read_bytes()
        if isinstance(content, str):
            content = content.encode("utf-8")
        (root / "bank" / name).write_bytes(content)
    return root


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mmb", *args], capture_output=True, text=True,
                          check=False, env={**os.environ, "MMB_NOW": "2026-04-01 12:00"})

