"""Broken CSV quoting is refused, as the README promises (issue 12, item 5): every CSV reader
and the fast path read what a strict CSV reading reads, and refuse what it refuses. Before
issue 12 a quote inside a field that did not start with one was taken as text: a Rabobank
row beginning ``NL77RABO0311467415","EUR",...`` was read with the quote in the account."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TEAM_YAML
from hypothesis import given, settings
from hypothesis import strategies as st

from mmb.banks import BankFormatError, read_export_data
from mmb.banks._common import csv_records
from mmb.banks.base import Source

RABO_HEAD = ('"IBAN/BBAN","Munt","BIC","Volgnr","Datum","Rentedatum","Bedrag","Saldo na trn",'
             '"Tegenrekening IBAN/BBAN","Naam tegenpartij","Naam uiteindelijke partij",'
             '"Naam initiërende partij","BIC tegenpartij","Code","Batch ID",'
             '"Transactiereferentie","Machtigingskenmerk","Incassant ID","Betalingskenmerk",'
             '"Omschrijving-1","Omschrijving-2","Omschrijving-3","Reden retour","Oorspr bedrag",'
             '"Oorspr munt","Koers"\r\n')
RABO_ROW = ('"NL77RABO0311467415","EUR","RABONL2U","000000000000006408","2026-03-02",'
            '"2026-03-02","-30,00","+3406,04","","Winkel","","","","bc","","","","","",'
            '"Betaalautomaat 12:12 pasnr. 012"," ","","","","",""\r\n')
BROKEN_RABO = RABO_ROW[1:]  # the opening quote of the account lost: NL77RABO0311467415","EUR",...

ING_HEAD = ('"Datum";"Naam / Omschrijving";"Rekening";"Tegenrekening";"Code";"Af Bij";'
            '"Bedrag (EUR)";"Mutatiesoort";"Mededelingen";"Saldo na mutatie";"Tag"\n')
ING_ROW = '"20260302";"Winkel";"NL20INGB0001234567";"";"BA";"Af";"1,00";"Betaalautomaat";"x";"9,00";""\n'
BUNQ_HEAD = '"Date";"Interest Date";"Amount";"Account";"Counterparty";"Name";"Description"\n'
BUNQ_ROW = '"2026-03-02";"2026-03-02";"-1,00";"NL32BUNQ2012345678";"";"Winkel";"brood"\n'
TRIODOS_ROW = ('"02-03-2026","NL22TRIO0987654321","12,45","Debet","","","BA",'
               '"Bakker \\UTRECHT \\ BETAALAUTOMAAT","737,55"\n')
KNAB_HEAD = ("KNAB EXPORT;;;;;;;;;;;;;;;;\n"
             "Rekeningnummer;Transactiedatum;Valutacode;CreditDebet;Bedrag;Tegenrekeningnummer;"
             "Tegenrekeninghouder;Valutadatum;Betaalwijze;Omschrijving;Type betaling;"
             "Machtigingsnummer;Incassant ID;Adres;Referentie;Boekdatum;\n")
KNAB_ROW = ('"NL68KNAB0123456789";"02-03-2026";"EUR";"D";"1,00";" ";"Winkel";"02-03-2026";'
            '"Betaalautomaat";"x";"";"";"";"";"K6C02AG0A1000001";"02-03-2026";\n')


def _stray(row: str, field_start: str) -> str:
    """The row with the opening quote of one field lost."""
    assert field_start in row
    return row.replace(field_start, field_start[1:], 1)


BROKEN = [
    ("rabobank.csv", RABO_HEAD + RABO_ROW + BROKEN_RABO, 3),
    ("rabobank-last.csv", RABO_HEAD + RABO_ROW.replace('"Winkel"', 'Win"kel'), 2),
    ("ing.csv", ING_HEAD + ING_ROW + _stray(ING_ROW, '"Winkel"'), 3),
    ("ing-end.csv", ING_HEAD + ING_ROW.replace('"x"', 'x"') , 2),
    ("bunq.csv", BUNQ_HEAD + _stray(BUNQ_ROW, '"brood"'), 2),
    ("triodos.csv", TRIODOS_ROW + _stray(TRIODOS_ROW, '"BA"'), 2),
    ("knab.csv", KNAB_HEAD + KNAB_ROW + _stray(KNAB_ROW, '"Winkel"'), 4),
]


@pytest.mark.parametrize(("name", "text", "line"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_quote_inside_an_unquoted_field_is_refused_naming_the_line(name, text, line):
    for data in (text.encode("utf-8"), text.encode("cp1252")):
        with pytest.raises(BankFormatError) as caught:
            read_export_data(data, Path("bank") / name)
        assert caught.value.line == line
        assert caught.value.message.startswith(f"bank/{name}:{line}: the CSV is damaged (a \" "
                                               "inside a field that is not itself between")


def test_the_rabobank_row_is_not_read_with_the_quote_in_the_account():
    good = read_export_data((RABO_HEAD + RABO_ROW).encode("cp1252"), Path("bank/r.csv"))
    assert [t.account for t in good.transactions] == ["NL77RABO0311467415"]
    with pytest.raises(BankFormatError):
        read_export_data((RABO_HEAD + BROKEN_RABO).encode("cp1252"), Path("bank/r.csv"))


def test_reconcile_refuses_the_broken_file_with_exit_2(make_team):
    root = make_team({}, team=TEAM_YAML + "accounts:\n  - iban: NL77RABO0311467415\n")
    (root / "bank").mkdir()
    (root / "bank" / "CSV_A_20260302.csv").write_bytes(
        (RABO_HEAD + RABO_ROW + BROKEN_RABO).encode("cp1252"))
    result = subprocess.run([sys.executable, "-m", "mmb", "reconcile", "-C", str(root)],
                            capture_output=True, text=True, check=False,
                            env={**os.environ, "MMB_NOW": "2026-04-01 12:00"})
    assert result.returncode == 2
    assert "CSV_A_20260302.csv:3: the CSV is damaged" in result.stderr
    assert not (root / "ledger.csv").exists()


# ------------------------------------------------------------------ fast path = strict reading


def strict_reading(text: str, delimiter: str, quote: str = '"'
                   ) -> list[tuple[int, list[str]]] | None:
    """A strict CSV reading written out (RFC 4180, and CR, LF or CRLF ends a line): the
    records with the line each starts on, blank ones left out; None when the quoting is
    broken (a quote in a field that does not start with one, text after a closing quote,
    a quote never closed)."""
    out: list[tuple[int, list[str]]] = []
    i, n, line = 0, len(text), 1

    def line_end(at: int) -> int:
        """Where the line end at `at` ends (0 characters if there is none)."""
        if text.startswith("\r\n", at):
            return at + 2
        return at + 1 if at < n and text[at] in "\r\n" else at

    while i < n:
        start, fields = line, []
        while True:
            if text[i:i + 1] == quote:
                i, buf = i + 1, []
                while True:
                    if i >= n:
                        return None
                    if text[i] == quote:
                        if text[i + 1:i + 2] == quote:
                            buf.append(quote)
                            i += 2
                            continue
                        i += 1
                        break
                    end = line_end(i)
                    if end > i:
                        buf.append(text[i:end])
                        i, line = end, line + 1
                        continue
                    buf.append(text[i])
                    i += 1
                fields.append("".join(buf))
                if i < n and text[i] not in (delimiter, "\r", "\n"):
                    return None
            else:
                j = i
                while j < n and text[j] not in (delimiter, "\r", "\n"):
                    if text[j] == quote:
                        return None
                    j += 1
                fields.append(text[i:j])
                i = j
            if text[i:i + 1] == delimiter:
                i += 1
                continue
            break
        i, line = line_end(i), line + 1
        if "".join(fields).strip():
            out.append((start, fields))
    return out


_FIELD = st.text(alphabet=st.sampled_from(list('ab ;,"\r\n€')), max_size=6)
# How a field is written: as a bank writes it, bare, or with its quotes not doubled.
_STYLE = st.sampled_from(["quoted", "bare", "careless"])


def _write(field: str, style: str) -> str:
    if style == "quoted":
        return '"' + field.replace('"', '""') + '"'
    if style == "careless":
        return '"' + field + '"'
    return field


@settings(max_examples=400, deadline=None)
@given(rows=st.lists(st.lists(st.tuples(_FIELD, _STYLE), min_size=1, max_size=5), max_size=5),
       delimiter=st.sampled_from([";", ","]), terminator=st.sampled_from(["\r\n", "\n"]))
def test_csv_records_read_what_a_strict_reading_reads_and_refuse_the_rest(
        rows, delimiter, terminator):
    text = "".join(delimiter.join(_write(f, s) for f, s in row) + terminator for row in rows)
    source = Source(path=Path("x.csv"), data=text.encode())
    expected = strict_reading(text, delimiter)
    if expected is None:
        with pytest.raises(BankFormatError):
            list(csv_records(source, text, delimiter=delimiter))
    else:
        assert list(csv_records(source, text, delimiter=delimiter)) == expected
