"""A team account is a euro account (issue 12, item 2): an export or a transaction in another
currency is refused (exit 2, nothing written, the file and the currency named), never booked
as euros. Before issue 12 every case below was read as if the amounts were euros."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TEAM_YAML

from mmb.banks import BankFormatError, read_export_data

CAMT = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">\n'
        "<BkToCstmrStmt><Stmt>\n"
        "<Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>{acct}</Ccy></Acct>\n"
        "<Bal><Tp><CdOrPrtry><Cd>PRCD</Cd></CdOrPrtry></Tp><Amt Ccy=\"{bal}\">10.00</Amt>"
        "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-01</Dt></Dt></Bal>\n"
        "<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">11.00</Amt>"
        "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-02</Dt></Dt></Bal>\n"
        "<Ntry><Amt Ccy=\"{entry}\">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>"
        "<BookgDt><Dt>2026-03-02</Dt></BookgDt></Ntry>\n"
        "</Stmt></BkToCstmrStmt></Document>\n")
MT940 = (":20:940S260302\n:25:{account}\n:28C:1\n:60F:C260301{open}10,00\n"
         ":61:260302C1,00N541NONREF\n:86:/REMI/x/\n:62F:C260302EUR11,00\n")
ING = ('"Datum";"Naam / Omschrijving";"Rekening";"Tegenrekening";"Code";"Af Bij";"Bedrag ({ccy})";'
       '"Mutatiesoort";"Mededelingen";"Saldo na mutatie";"Tag"\n'
       '"20260302";"Winkel";"NL20INGB0001234567";"";"BA";"Af";"1,00";"Betaalautomaat";"";"9,00";""\n')
RABO = ('"IBAN/BBAN","Munt","BIC","Volgnr","Datum","Rentedatum","Bedrag","Saldo na trn",'
        '"Tegenrekening IBAN/BBAN","Naam tegenpartij","Naam uiteindelijke partij",'
        '"Naam initiërende partij","BIC tegenpartij","Code","Batch ID","Transactiereferentie",'
        '"Machtigingskenmerk","Incassant ID","Betalingskenmerk","Omschrijving-1","Omschrijving-2",'
        '"Omschrijving-3","Reden retour","Oorspr bedrag","Oorspr munt","Koers"\n'
        '"NL44RABO0123456789","EUR","RABONL2U","000000000000000001","2026-03-02","2026-03-02",'
        '"-1,00","+9,00","","Winkel","","","","bc","","","","","","x"," ","","","1,00","USD","0,9"\n'
        '"NL44RABO0123456789","{ccy}","RABONL2U","000000000000000002","2026-03-02","2026-03-02",'
        '"-1,00","+8,00","","Winkel","","","","bc","","","","","","x"," ","","","","",""\n')
ABN = "417164300\t{ccy}\t20260302\t10,00\t9,00\t20260302\t-1,00\tBEA, Betaalpas\n"
VOLKSBANK = ("02-03-2026,NL57ASNB0123456789,,,,,,{acct},10.00,{tx},-1.00,02-03-2026,02-03-2026,"
             "7903,BEA,10000001,'','Winkel>UTRECHT',12\n")
KNAB = ("KNAB EXPORT;;;;;;;;;;;;;;;;\n"
        "Rekeningnummer;Transactiedatum;Valutacode;CreditDebet;Bedrag;Tegenrekeningnummer;"
        "Tegenrekeninghouder;Valutadatum;Betaalwijze;Omschrijving;Type betaling;"
        "Machtigingsnummer;Incassant ID;Adres;Referentie;Boekdatum;\n"
        '"NL68KNAB0123456789";"02-03-2026";"{ccy}";"D";"1,00";" ";"Winkel";"02-03-2026";'
        '"Betaalautomaat";"x";"";"";"";"";"K6C02AG0A1000001";"02-03-2026";\n')

REFUSED = [
    ("camt-account.xml", CAMT.format(acct="USD", bal="EUR", entry="EUR"), 3, "USD"),
    ("camt-balance.xml", CAMT.format(acct="EUR", bal="GBP", entry="EUR"), 5, "GBP"),
    ("camt-entry.xml", CAMT.format(acct="EUR", bal="EUR", entry="CHF"), 7, "CHF"),
    ("glued.sta", MT940.format(account="NL02INGB0008823104USD", open="EUR"), 2, "USD"),
    ("spaced.swi", MT940.format(account="NL44RABO0123456789 GBP", open="EUR"), 2, "GBP"),
    ("balance.sta", MT940.format(account="NL02INGB0008823104EUR", open="USD"), 4, "USD"),
    ("ing.csv", ING.format(ccy="USD"), 1, "USD"),
    ("rabo.csv", RABO.format(ccy="USD"), 3, "USD"),
    ("TXT260302120000.TAB", ABN.format(ccy="USD"), 1, "USD"),
    ("transactie-historie_NL57ASNB0123456789_1.csv", VOLKSBANK.format(acct="USD", tx="EUR"), 1,
     "USD"),
    ("transactie-historie_NL57ASNB0123456789_2.csv", VOLKSBANK.format(acct="EUR", tx="GBP"), 1,
     "GBP"),
    ("knab.csv", KNAB.format(ccy="USD"), 3, "USD"),
]


@pytest.mark.parametrize(("name", "text", "line", "currency"), REFUSED,
                         ids=[r[0] for r in REFUSED])
def test_another_currency_is_refused_naming_file_line_and_currency(
        name: str, text: str, line: int, currency: str) -> None:
    with pytest.raises(BankFormatError) as caught:
        read_export_data(text.encode("utf-8"), Path("bank") / name)
    assert caught.value.line == line
    assert caught.value.message.startswith(f"bank/{name}:{line}: ")
    assert f"is in {currency}, not in euros (EUR)" in caught.value.message
    assert "never books another currency as euros" in caught.value.message


@pytest.mark.parametrize(("text", "name"), [
    (CAMT.format(acct="EUR", bal="EUR", entry="EUR"), "camt.xml"),
    (MT940.format(account="NL02INGB0008823104EUR", open="EUR"), "ing.sta"),
    (MT940.format(account="NL44RABO0123456789 EUR", open="EUR"), "rabo.swi"),
    (ING.format(ccy="EUR"), "ing.csv"),
    (RABO.format(ccy="EUR"), "rabo.csv"),  # a card payment in USD, booked in euros: fine
    (ABN.format(ccy="EUR"), "TXT260302120000.TAB"),
    (VOLKSBANK.format(acct="EUR", tx="EUR"), "transactie-historie_NL57ASNB0123456789_1.csv"),
    (KNAB.format(ccy="EUR"), "knab.csv"),
])
def test_euros_are_read(text: str, name: str) -> None:
    export = read_export_data(text.encode("utf-8"), Path("bank") / name)
    assert export.transactions


def test_reconcile_refuses_with_exit_2_and_writes_nothing(make_team) -> None:
    root = make_team({}, team=TEAM_YAML + "accounts:\n  - iban: NL02INGB0008823104\n")
    (root / "bank").mkdir()
    (root / "bank" / "usd.sta").write_text(MT940.format(account="NL02INGB0008823104USD",
                                                        open="EUR"), encoding="utf-8")
    ledger = "id,date,amount,balance,counterparty,counterparty_iban,description,source,case,kind,receipt,note\n"
    (root / "ledger.csv").write_text(ledger, encoding="utf-8")
    before = sorted((p.name, p.read_bytes()) for p in root.rglob("*") if p.is_file())
    result = subprocess.run([sys.executable, "-m", "mmb", "reconcile", "-C", str(root)],
                            capture_output=True, text=True, check=False,
                            env={**os.environ, "MMB_NOW": "2026-04-01 12:00"})
    assert result.returncode == 2
    assert "usd.sta:2: the account of this export is in USD, not in euros (EUR)" in result.stderr
    assert sorted((p.name, p.read_bytes()) for p in root.rglob("*") if p.is_file()) == before
