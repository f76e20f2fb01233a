"""The bank's own balances checked, never assumed (issue 12, item 1): MMB210 on the export's
line when a balance it states contradicts its own transactions, in `validate` and
`reconcile`; the reconcile summary shows the bank's stated closing balance beside the
ledger's and never claims they agree when nothing was stated."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from conftest import TEAM_YAML
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mmb.banks import read_export_data
from mmb.ledger_rules import check_stated_balances
from mmb.money import euro
from mmb.reconcile import load_export, reconcile

NOW = datetime(2026, 4, 1, 12, 0)
RABO = "NL44RABO0123456789"
ABN = "NL91ABNA0417164300"
ING = "NL20INGB0001234567"


def team_with(make_team, account: str, files: dict[str, bytes | str]) -> Path:
    root = make_team({}, team=TEAM_YAML + f"accounts:\n  - iban: {account}\n")
    (root / "bank").mkdir()
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (root / "bank" / name).write_bytes(data)
    return root


def mmb210(root: Path, name: str) -> list[tuple[int, str]]:
    """(line, message) of every MMB210 of one export in bank/."""
    view = load_export(root / "bank" / name, root).view
    return [(f.line, f.message) for f in check_stated_balances([view])]


def swift(amount: Decimal) -> str:
    """An MT940 balance or amount: mark, then the amount with a decimal comma."""
    return ("D" if amount < 0 else "C") + f"{abs(amount):.2f}".replace(".", ",")


def mt940(opening: Decimal, amounts: list[Decimal], closing: Decimal, day: date,
          number: int = 1) -> str:
    """One Rabobank-style MT940 statement of one day."""
    ymd = day.strftime("%y%m%d")
    lines = [f":20:940S{ymd}{number}", f":25:{RABO} EUR", f":28C:{number}",
             f":60F:{swift(opening)[0]}{ymd}EUR{swift(opening)[1:]}"]
    for i, amount in enumerate(amounts):
        mark = "D" if amount < 0 else "C"
        lines += [f":61:{ymd}{mark}{abs(amount):.2f}N541NONREF".replace(".", ","),
                  f":86:/REMI/betaling {i}/"]
    lines.append(f":62F:{swift(closing)[0]}{ymd}EUR{swift(closing)[1:]}")
    return "\n".join(lines) + "\n"


def camt(opening: Decimal, amounts: list[Decimal], closing: Decimal, day: date) -> str:
    def bal(code: str, amount: Decimal) -> str:
        sign = "DBIT" if amount < 0 else "CRDT"
        return (f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
                f"<Amt Ccy=\"EUR\">{abs(amount):.2f}</Amt><CdtDbtInd>{sign}</CdtDbtInd>"
                f"<Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>\n")

    entries = "".join(
        f"<Ntry><Amt Ccy=\"EUR\">{abs(a):.2f}</Amt><CdtDbtInd>{'DBIT' if a < 0 else 'CRDT'}"
        f"</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>{day.isoformat()}</Dt></BookgDt></Ntry>\n"
        for a in amounts)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">\n'
            "<BkToCstmrStmt><Stmt>\n"
            f"<Acct><Id><IBAN>{ABN}</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
            + bal("PRCD", opening) + bal("CLBD", closing) + entries
            + "</Stmt></BkToCstmrStmt></Document>\n")


D = Decimal
DAY = date(2026, 3, 2)


# ------------------------------------------------------------------ statements: MT940, CAMT


def test_mt940_statement_that_does_not_add_up_is_mmb210_on_its_closing_line(make_team):
    # Opening 1.000,00 plus -12,45 and +250,00 is 1.237,55; the file says 1.273,55.
    text = mt940(D("1000"), [D("-12.45"), D("250")], D("1273.55"), DAY)
    root = team_with(make_team, RABO, {"dag.swi": text})
    [(line, message)] = mmb210(root, "dag.swi")
    assert line == text.splitlines().index(":62F:C260302EUR1273,55") + 1
    assert message == (
        f"the export states a closing balance of € 1.273,55 on 2026-03-02 for {RABO}; its "
        "opening balance (€ 1.000,00 on 2026-03-02) plus its 2 transaction(s) give "
        "€ 1.237,55, € 36,00 apart; the file is incomplete or damaged: download it again")


def test_mt940_statements_that_do_not_chain_are_mmb210_on_the_opening_line(make_team):
    first = mt940(D("100"), [D("-10")], D("90"), DAY, 1)
    second = mt940(D("95"), [D("-5")], D("90"), DAY + timedelta(days=1), 2)  # should open at 90
    root = team_with(make_team, RABO, {"twee.swi": first + second})
    [(line, message)] = mmb210(root, "twee.swi")
    assert line == (first + second).splitlines().index(":60F:C260303EUR95,00") + 1
    assert "opens with € 95,00 on 2026-03-03" in message
    assert "closed with € 90,00 on 2026-03-02" in message


def test_camt_closing_balance_that_does_not_add_up_is_mmb210(make_team):
    text = camt(D("500"), [D("-8.60"), D("-35")], D("460.00"), DAY)  # gives 456,40
    root = team_with(make_team, ABN, {"camt.xml": text})
    [(line, message)] = mmb210(root, "camt.xml")
    assert "<Cd>CLBD</Cd>" in text.splitlines()[line - 1]
    assert "closing balance of € 460,00" in message and "give € 456,40" in message


def test_zip_of_days_with_a_day_missing_names_the_member(make_team):
    days = [(DAY, D("100"), [D("-10")], D("90")),
            (DAY + timedelta(days=2), D("80"), [D("-5")], D("75"))]  # the day between: -10
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for day, opening, amounts, closing in reversed(days):  # zip order is not day order
            archive.writestr(f"{day:%d%m%y}.xml", camt(opening, amounts, closing, day))
    root = team_with(make_team, ABN, {"dagen.zip": buffer.getvalue()})
    [(_line, message)] = mmb210(root, "dagen.zip")
    assert message.startswith("in 040326.xml, the statement of")
    assert "closed with € 90,00 on 2026-03-02" in message


def test_consistent_statements_are_silent(make_team):
    root = team_with(make_team, RABO, {
        "ok.swi": mt940(D("100"), [D("-10"), D("2.5")], D("92.50"), DAY)
        + mt940(D("92.50"), [], D("92.50"), DAY + timedelta(days=1), 2)})
    assert mmb210(root, "ok.swi") == []


# ------------------------------------------------------------------ CSV balance columns

ING_HEAD = ('"Datum";"Naam / Omschrijving";"Rekening";"Tegenrekening";"Code";"Af Bij";'
            '"Bedrag (EUR)";"Mutatiesoort";"Mededelingen";"Saldo na mutatie";"Tag"\n')


def ing_csv(rows: list[tuple[str, str, str, str]]) -> str:
    """Newest first, as ING writes: (yyyymmdd, Af/Bij, amount, balance after)."""
    return ING_HEAD + "".join(
        f'"{d}";"Winkel";"{ING}";"";"BA";"{sign}";"{amount}";"Betaalautomaat";"";"{bal}";""\n'
        for d, sign, amount, bal in reversed(rows))


def test_ing_csv_balance_that_does_not_follow_is_mmb210_on_its_row(make_team):
    text = ing_csv([("20260302", "Bij", "100,00", "600,00"),
                    ("20260303", "Af", "12,45", "587,55"),
                    ("20260304", "Af", "8,60", "570,00")])  # 587,55 - 8,60 = 578,95
    root = team_with(make_team, ING, {"ing.csv": text})
    [(line, message)] = mmb210(root, "ing.csv")
    assert line == 2  # newest first: the broken row is the first after the header
    assert message.startswith("the export states a balance of € 570,00 after this transaction "
                              "of 2026-03-04 (-€ 8,60); the balance before it (€ 587,55) plus "
                              "the amount give € 578,95")


def test_rabobank_csv_balance_column_is_checked(make_team):
    head = ('"IBAN/BBAN","Munt","BIC","Volgnr","Datum","Rentedatum","Bedrag","Saldo na trn",'
            '"Tegenrekening IBAN/BBAN","Naam tegenpartij","Naam uiteindelijke partij",'
            '"Naam initiërende partij","BIC tegenpartij","Code","Batch ID","Transactiereferentie",'
            '"Machtigingskenmerk","Incassant ID","Betalingskenmerk","Omschrijving-1",'
            '"Omschrijving-2","Omschrijving-3","Reden retour","Oorspr bedrag","Oorspr munt",'
            '"Koers"\n')

    def line(seq: int, amount: str, balance: str) -> str:
        return (f'"{RABO}","EUR","RABONL2U","{seq:018d}","2026-03-02","2026-03-02","{amount}",'
                f'"{balance}","","Winkel","","","","bc","","","","","","x"," ","","","","",""\n')

    good = head + line(1, "+250,00", "+750,00") + line(2, "-12,45", "+737,55")
    bad = head + line(1, "+250,00", "+750,00") + line(2, "-12,45", "+737,50")
    root = team_with(make_team, RABO, {"good.csv": good, "bad.csv": bad})
    assert mmb210(root, "good.csv") == []
    assert [n for n, _ in mmb210(root, "bad.csv")] == [3]


def test_volksbank_balance_before_is_checked(make_team):
    def line(before: str, amount: str, seq: int) -> str:
        return (f"02-03-2026,NL57ASNB0123456789,,,,,,EUR,{before},EUR,{amount},02-03-2026,"
                f"02-03-2026,7903,BEA,{seq},'','Winkel>UTRECHT',12\n")

    text = line("500.00", "-12.45", 1) + line("487.50", "-8.60", 2)  # 500 - 12,45 = 487,55
    root = team_with(make_team, "NL57ASNB0123456789", {
        "transactie-historie_NL57ASNB0123456789_20260306120000.csv": text})
    [(number, message)] = mmb210(root, "transactie-historie_NL57ASNB0123456789_20260306120000.csv")
    assert number == 2
    assert message.startswith("the export states a balance of € 487,50 before this transaction "
                              "of 2026-03-02, but the transaction before it (2026-03-02) ends "
                              "at € 487,55")


def test_abn_txt_start_and_end_balance_of_a_row_are_checked(make_team):
    rows = ["417164300\tEUR\t20260302\t500,00\t750,00\t20260302\t250,00\tSEPA Overboeking",
            "417164300\tEUR\t20260303\t750,00\t737,50\t20260303\t-12,45\tBEA, Betaalpas"]
    root = team_with(make_team, ABN, {"TXT260306120000.TAB": "\n".join(rows) + "\n"})
    [(number, message)] = mmb210(root, "TXT260306120000.TAB")
    assert number == 2
    assert message.startswith("this row states a start balance of € 750,00 and an end balance "
                              "of € 737,50 on 2026-03-03, but its amount is -€ 12,45 (start plus "
                              "amount give € 737,55)")


# ------------------------------------------------------------------ validate and reconcile


def test_validate_reports_mmb210_with_exit_1(make_team):
    from typer.testing import CliRunner

    from mmb.cli import app

    root = team_with(make_team, RABO, {"dag.swi": mt940(D("1000"), [D("-12.45")], D("990"), DAY)})
    result = CliRunner().invoke(app, ["validate", "--format", "json", str(root)],
                                env={"MMB_NOW": "2026-04-01 12:00"})
    assert result.exit_code == 1
    found = [p for p in json.loads(result.stdout)["problems"] if p["code"] == "MMB210"]
    assert [(p["path"].rsplit("/", 2)[-2:], p["line"], p["severity"]) for p in found] == [
        (["bank", "dag.swi"], 7, "error")]  # the :62F: line


def test_reconcile_shows_the_banks_stated_balance_not_its_own_total(make_team):
    # The statement's closing balance is wrong. mmb's running total from the opening is
    # 987,55; before issue 12 the summary printed that total as the "bank balance" and
    # said "they agree".
    root = team_with(make_team, RABO, {"dag.swi": mt940(D("1000"), [D("-12.45")], D("990"), DAY)})
    result = reconcile(root, NOW)
    [balance] = result.balances
    assert (balance.stated, balance.stated_date, balance.stated_source) == (
        D("990"), DAY, "bank/dag.swi")
    assert balance.computed == D("987.55") and not balance.agree
    assert "MMB210" in {f.code for f in result.findings}
    text = _summary(result)
    assert (f"Account {RABO}: bank balance € 990,00 on 2026-03-02 as stated in bank/dag.swi; "
            "computed from the ledger € 987,55 (the balance € 1.000,00 before 2026-03-02 plus "
            "1 transaction(s) up to 2026-03-02) (they differ by € 2,45: see MMB207 and MMB210 "
            "below).") in text
    assert "they agree" not in text


def test_reconcile_without_any_stated_balance_never_says_they_agree(make_team):
    bunq = ('"Date";"Interest Date";"Amount";"Account";"Counterparty";"Name";"Description"\n'
            '"2026-03-02";"2026-03-02";"250,00";"NL32BUNQ2012345678";"";"Gemeente";"budget"\n'
            '"2026-03-03";"2026-03-03";"-12,45";"NL32BUNQ2012345678";"";"Bakker";"brood"\n')
    root = team_with(make_team, "NL32BUNQ2012345678", {"bunq.csv": bunq})
    result = reconcile(root, NOW)
    [balance] = result.balances
    assert balance.stated is None and balance.computed is None and not balance.agree
    text = _summary(result)
    assert "they agree" not in text
    assert ("Account NL32BUNQ2012345678: no export in bank/ states a balance (bunq CSV), so mmb "
            "cannot compare the ledger with the bank; the ledger's 2 transaction(s) of this "
            "account add up to € 237,55.") in text


def test_reconcile_agrees_only_with_the_banks_figure(make_team):
    root = team_with(make_team, RABO, {"dag.swi": mt940(D("1000"), [D("-12.45")], D("987.55"),
                                                        DAY)})
    result = reconcile(root, NOW)
    assert [b.agree for b in result.balances] == [True]
    assert "MMB210" not in {f.code for f in result.findings}
    assert "(they agree)." in _summary(result)


def _summary(result) -> str:
    from mmb.render import reconcile_summary

    out = io.StringIO()
    reconcile_summary(result, out, colour=False, year=2026)
    return out.getvalue()


# ------------------------------------------------------------------ property


cents = st.integers(min_value=-500_000, max_value=500_000).map(lambda c: Decimal(c) / 100)
nonzero = st.integers(min_value=-100_000, max_value=100_000).filter(bool).map(
    lambda c: Decimal(c) / 100)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(opening=cents, amounts=st.lists(nonzero, max_size=8), off=st.one_of(st.just(D(0)), nonzero),
       kind=st.sampled_from(["mt940", "camt"]))
def test_a_closing_balance_that_disagrees_always_gives_mmb210_and_one_that_agrees_never(
        opening: Decimal, amounts: list[Decimal], off: Decimal, kind: str) -> None:
    closing = opening + sum(amounts, D(0)) + off
    text = (mt940 if kind == "mt940" else camt)(opening, amounts, closing, DAY)
    export = read_export_data(text.encode(), Path(f"bank/x.{'swi' if kind == 'mt940' else 'xml'}"))
    from mmb.ledger_rules import ExportView

    view = ExportView(source="bank/x", rows=(), lines=(), accounts=(), cash=(),
                      balances=export.balances, problems=export.problems)
    found = check_stated_balances([view])
    if off:
        assert [f.code for f in found] == ["MMB210"]
        assert euro(closing) in found[0].message
        assert euro(closing - off) in found[0].message
    else:
        assert found == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(opening=cents, amounts=st.lists(nonzero, min_size=2, max_size=8),
       broken=st.integers(min_value=0, max_value=7), off=st.one_of(st.just(D(0)), nonzero))
def test_a_csv_balance_column_that_disagrees_gives_mmb210_on_that_row(
        opening: Decimal, amounts: list[Decimal], broken: int, off: Decimal) -> None:
    broken %= len(amounts)
    rows, balance = [], opening
    for i, amount in enumerate(amounts):
        balance += amount
        stated = balance + (off if i == broken else 0)
        rows.append((f"202603{i + 1:02d}", "Af" if amount < 0 else "Bij",
                     f"{abs(amount):.2f}".replace(".", ","), f"{stated:.2f}".replace(".", ",")))
    export = read_export_data(ing_csv(rows).encode(), Path("bank/ing.csv"))
    lines = [p.line for p in export.problems]
    # A wrong balance shows between two stated balances: on its own row (unless it is the
    # first, whose balance before nothing states) and on the row after it.
    n = len(amounts)
    flagged = sorted(i for i in (broken, broken + 1) if 1 <= i < n) if off else []
    assert lines == [n - i + 1 for i in flagged]  # newest first, header on line 1
    assert all(p.kind == "row" for p in export.problems)
