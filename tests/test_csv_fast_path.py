"""The fast path for bank CSV files: where it applies, it reads exactly what the csv module
reads; where it does not, the csv module reads the file (and reports damage) as before."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mmb.banks._common as common
from mmb.banks import read_export
from mmb.banks._common import csv_records
from mmb.banks.base import Source
from mmb.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "banks"


def _reference(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """What the csv module makes of the text: (line the record starts on, fields)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    out, previous = [], 0
    for row in reader:
        start, previous = previous + 1, reader.line_num
        if row and "".join(row).strip():
            out.append((start, row))
    return out


# Fields with the characters that matter: separators, quotes, spaces, line breaks.
_FIELD = st.text(alphabet=st.sampled_from(list('ab ;,"\r\n\t€é0')), max_size=8)


@settings(max_examples=400, deadline=None)
@given(rows=st.lists(st.lists(_FIELD, min_size=1, max_size=5), max_size=6),
       delimiter=st.sampled_from([";", ",", "\t"]),
       quoting=st.sampled_from([csv.QUOTE_ALL, csv.QUOTE_MINIMAL]),
       terminator=st.sampled_from(["\r\n", "\n"]))
def test_fast_path_reads_what_the_csv_module_reads(rows, delimiter, quoting, terminator):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator=terminator).writerows(rows)
    text = out.getvalue()
    source = Source(path=Path("x.csv"), data=text.encode())
    assert list(csv_records(source, text, delimiter=delimiter)) == _reference(text, delimiter)


def _no_csv_module(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the csv module was used")

    monkeypatch.setattr(common, "_csv_module_records", refuse)


def test_fast_path_takes_the_banks_own_layout(monkeypatch):
    _no_csv_module(monkeypatch)
    text = '"Datum";"Naam"\r\n"20260105";"Albert Heijn; filiaal 12"\r\n\r\n;;\r\n'
    source = Source(path=Path("x.csv"), data=text.encode())
    assert list(csv_records(source, text, delimiter=";")) == [
        (1, ["Datum", "Naam"]), (2, ["20260105", "Albert Heijn; filiaal 12"])]
    assert list(csv_records(source, "a;b\nc;d\n", delimiter=";")) == [
        (1, ["a", "b"]), (2, ["c", "d"])]


@pytest.mark.parametrize("text", [
    '"a";"say ""hi"""\n',          # an escaped quote
    '"a";b\n',                     # mixed quoting
    '"a";"two\nlines"\n',          # a line break inside a field
    # (a stray quote, 'a;b"c', is refused since issue 12: tests/test_bank_quoting.py)
    'a;\x00b\n',                   # a NUL
])
def test_anything_unusual_goes_to_the_csv_module(text, monkeypatch):
    used: list[str] = []
    real = common._csv_module_records

    def spy(source, rest, *args, **kwargs):
        used.append(rest)
        return real(source, rest, *args, **kwargs)

    monkeypatch.setattr(common, "_csv_module_records", spy)
    plain = '"Datum";"Naam"\n"20260105";"Shop"\n'
    whole = plain + text
    source = Source(path=Path("x.csv"), data=whole.encode())
    assert list(csv_records(source, whole, delimiter=";")) == _reference(whole, ";")
    # The plain lines before it were split by mmb; the csv module read from the odd line.
    assert used == [text] or (used == [whole] and "\x00" in text)


def test_a_damaged_file_is_still_reported_with_its_line():
    text = '"Datum";"Naam"\n"20260104";"Shop"\n"20260105";"Albert "Heijn"\n'
    source = Source(path=Path("export.csv"), data=text.encode())
    with pytest.raises(InputError) as caught:
        list(csv_records(source, text, delimiter=";"))
    assert "export.csv:3" in str(caught.value)


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.iterdir()
                                           if p.suffix.lower() == ".csv"))
def test_each_csv_fixture_reads_the_same_without_the_fast_path(fixture, monkeypatch):
    import importlib
    import pkgutil

    import mmb.banks

    fast = read_export(FIXTURES / fixture)

    def slow(source, text, *, delimiter, quotechar='"'):
        return common._csv_module_records(source, text, delimiter, quotechar)

    for info in pkgutil.iter_modules(mmb.banks.__path__):
        module = importlib.import_module(f"mmb.banks.{info.name}")
        if hasattr(module, "csv_records"):
            monkeypatch.setattr(module, "csv_records", slow)
    slow_read = read_export(FIXTURES / fixture)
    assert fast.transactions == slow_read.transactions
    assert fast.balances == slow_read.balances
    assert fast.transactions  # the comparison is not vacuous


@pytest.mark.parametrize("text", ['"a";"b"\r"c";"d"\r', "a;b\rc;d\r\ne;f\n", '"a";"b"\r\r\n"c";"d"'])
def test_line_ends_of_every_kind_read_as_the_csv_module_reads(text, monkeypatch):
    _no_csv_module(monkeypatch)
    source = Source(path=Path("x.csv"), data=text.encode())
    assert list(csv_records(source, text, delimiter=";")) == _reference(text, ";")
