"""Bank export readers: golden fixtures, detection, bad input, and round trips."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mmb.banks
from mmb.banks import (
    KNOWN_FORMATS,
    READERS,
    BankExport,
    BankFormatError,
    read_export,
    read_export_data,
)
from mmb.banks._common import clean, iban_from_parts
from mmb.banks.base import HEAD_CHARS, Source
from mmb.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "banks"


def _load_regen():  # the golden serialiser lives beside the fixtures
    spec = importlib.util.spec_from_file_location("regen_goldens", FIXTURES / "regen_goldens.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


regen = _load_regen()
ALL_FIXTURES = regen.fixtures()
FORMAT_IDS = {
    "ing-csv",
    "ing-csv-comma",
    "rabobank-csv",
    "abnamro-txt",
    "bunq-csv",
    "triodos-csv",
    "volksbank-csv",
    "knab-csv",
    "camt053",
    "mt940",
}


# --- golden files ----------------------------------------------------------------------


def test_every_format_and_dialect_has_a_fixture() -> None:
    names = {p.name for p in ALL_FIXTURES}
    assert {
        "ing_semicolon_nl.csv",
        "ing_semicolon_en.csv",
        "ing_comma.csv",
        "rabobank.csv",
        "abnamro.TAB",
        "bunq.csv",
        "triodos.csv",
        "knab.csv",
        "transactie-historie_NL66ASNB0707070707_20260115093000.csv",
        "transactie-historie_NL22SNSB0912345678_20260115093000.csv",
        "camt053_abnamro_v02.xml",
        "camt053_sns_v08.xml",
        "camt053_abnamro_days.zip",
        "camt053_two_statements_v04.xml",
        "mt940_ing.sta",
        "mt940_rabobank.swi",
        "mt940_abnamro.STA",
        "mt940_asn.940",
    } <= names
    formats = {json.loads(regen.golden_path(p).read_text("utf-8"))["format"] for p in ALL_FIXTURES}
    assert formats == FORMAT_IDS


@pytest.mark.parametrize("fixture", ALL_FIXTURES, ids=lambda p: p.name)
def test_fixture_matches_golden(fixture: Path) -> None:
    golden = regen.golden_path(fixture)
    assert golden.exists(), f"run python {FIXTURES / 'regen_goldens.py'} and review the diff"
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert regen.golden(read_export(fixture)) == expected


@pytest.mark.parametrize("fixture", ALL_FIXTURES, ids=lambda p: p.name)
def test_fixture_is_consistent(fixture: Path) -> None:
    """Exact Decimals, booking order, balances that chain, statements that reconcile."""
    export = read_export(fixture)
    txs = export.transactions
    assert txs, "every fixture holds transactions"
    assert all(isinstance(t.amount, Decimal) for t in txs)
    assert [t.booking_date for t in txs] == sorted(t.booking_date for t in txs)
    by_account: dict[str, list[Decimal]] = {}
    for t in txs:
        if t.balance_after is None:
            continue
        chain = by_account.setdefault(t.account, [])
        if chain:
            assert chain[-1] + t.amount == t.balance_after, t
        chain.append(t.balance_after)
    for b in export.balances:
        assert b.opening is not None and b.closing is not None
    if len(export.balances) == 1:  # one statement: opening + all amounts = closing
        only = export.balances[0]
        assert only.opening is not None
        assert only.opening + sum((t.amount for t in txs), Decimal(0)) == only.closing
    for account in {b.account for b in export.balances}:  # the last statement's closing
        last = [t.balance_after for t in txs if t.account == account][-1:]
        closing = [b.closing for b in export.balances if b.account == account][-1]
        assert last in ([], [closing])
    cash = [t for t in txs if t.is_cash]
    assert all(t.amount < 0 for t in cash)


def test_same_bookings_across_formats() -> None:
    """The six scenario bookings read the same from every format that carries them."""
    scenario = [
        (date(2026, 1, 5), Decimal("1500")),
        (date(2026, 1, 7), Decimal("-23.95")),
        (date(2026, 1, 9), Decimal("-149")),
        (date(2026, 1, 12), Decimal("-7.5")),
        (date(2026, 1, 12), Decimal("-50")),
        (date(2026, 1, 14), Decimal("20")),
    ]
    for fixture in ALL_FIXTURES:
        if fixture.name.startswith("camt053_two_statements"):
            continue
        txs = read_export(fixture).transactions
        assert [(t.booking_date, t.amount) for t in txs] == scenario, fixture.name
        assert [t.is_cash for t in txs] == [False, False, False, False, True, False], fixture.name
        assert "2026-014" in txs[2].description, fixture.name
        assert "van dam" in txs[2].counterparty.lower(), fixture.name
        if txs[0].balance_after is not None:
            assert [t.balance_after for t in txs][-1] == Decimal("1601.95"), fixture.name


# --- detection -------------------------------------------------------------------------


def _heads(fixture: Path) -> list[str]:
    data = fixture.read_bytes()
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            blobs = [archive.read(info) for info in archive.infolist()]
    else:
        blobs = [data]
    return [Source(fixture, blob).text[:HEAD_CHARS] for blob in blobs]


@pytest.mark.parametrize("fixture", ALL_FIXTURES, ids=lambda p: p.name)
def test_fixture_detected_as_its_own_format_only(fixture: Path) -> None:
    expected = json.loads(regen.golden_path(fixture).read_text("utf-8"))["format"]
    for head in _heads(fixture):
        assert [r.format for r in READERS if r.detect(head)] == [expected]


def test_registry_finds_every_reader_module() -> None:
    assert {r.format for r in READERS} == FORMAT_IDS
    assert len(KNOWN_FORMATS) == len(FORMAT_IDS)


@pytest.mark.parametrize(
    "content",
    [
        b"Dear team,\nplease find the receipts attached.\n",
        b"name,age,city\nBob,34,Zwolle\nAnna,29,Deventer\n",
        b'"Datum";"Omschrijving";"Bedrag"\n"2026-01-05";"Koffie";"2,50"\n',
        b"<?xml version='1.0'?><Document xmlns='urn:iso:std:iso:20022:tech:xsd:pain.001.001.03'/>",
        bytes(range(256)) * 4,
    ],
    ids=["text", "unrelated-csv", "lookalike-csv", "other-iso20022", "binary"],
)
def test_unknown_files_are_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    with pytest.raises(BankFormatError) as caught:
        read_export(path)
    message = str(caught.value)
    assert str(path) in message
    assert "not a bank export mmb can read" in message
    for name in KNOWN_FORMATS:
        assert name in message


def test_detection_ignores_the_file_name(tmp_path: Path) -> None:
    source = FIXTURES / "mt940_ing.sta"
    renamed = tmp_path / "statement.csv"
    renamed.write_bytes(source.read_bytes())
    assert read_export(renamed).format == "mt940"


def test_bank_format_error_is_an_input_error() -> None:
    assert issubclass(BankFormatError, InputError)


def test_import_does_not_pull_in_the_cli_stack() -> None:
    code = (
        "import sys, mmb.banks; bad = [m for m in ('typer', 'rich') if m in sys.modules]; "
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# --- bad input -------------------------------------------------------------------------

ING_HEADER = (
    '"Datum";"Naam / Omschrijving";"Rekening";"Tegenrekening";"Code";"Af Bij";"Bedrag (EUR)";'
    '"Mutatiesoort";"Mededelingen";"Saldo na mutatie";"Tag"\n'
)
ING_ROW = (
    '"20260105";"Gemeente Lindenhoven";"NL71INGB0007416235";"NL37BNGH0285056789";"OV";"Bij";'
    '"{amount}";"Overschrijving";"MMB budget";"1812,40";""\n'
)
CAMT_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">\n'
)


def _camt(entry: str) -> str:
    return (
        CAMT_HEAD + "<BkToCstmrStmt><Stmt>\n"
        "<Acct><Id><IBAN>NL74ABNA0612345678</IBAN></Id></Acct>\n"
        + entry
        + "</Stmt></BkToCstmrStmt></Document>\n"
    )


GOOD_ENTRY = (
    "<Ntry><Amt Ccy='EUR'>1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
    "<BookgDt><Dt>2026-01-05</Dt></BookgDt></Ntry>\n"
)
MT940_GOOD = (
    ":20:940S260105\n:25:NL95RABO0318642957 EUR\n:28C:0\n:60F:C260105EUR312,40\n"
    ":61:260105C1500,00N541EREF\n:86:/REMI/budget/\n:62F:C260105EUR1812,40\n"
)


@dataclass(frozen=True)
class Bad:
    name: str
    content: bytes
    line: int | None
    words: str


BAD_INPUTS = [
    Bad("empty", b"", None, "empty"),
    Bad("blank", b" \r\n\r\n", None, "empty"),
    Bad(
        "ing-too-few-columns",
        (
            ING_HEADER
            + ING_ROW.format(amount="1500,00")
            + '"20260107";"Drogisterij";"NL71INGB0007416235";""\n'
        ).encode(),
        3,
        "4 columns",
    ),
    Bad(
        "ing-broken-quote",
        (ING_HEADER + '"20260105";"Gemeente "Lindenhoven";"x"\n').encode(),
        2,
        "damaged",
    ),
    Bad("ing-unclosed-quote", (ING_HEADER + '"20260105";"Gemeente\n').encode(), 2, "damaged"),
    Bad(
        "ing-bad-amount",
        (ING_HEADER + ING_ROW.format(amount="12.345,6.7")).encode(),
        2,
        "'12.345,6.7'",
    ),
    Bad(
        "ing-three-decimals",
        (ING_HEADER + ING_ROW.format(amount="12,345")).encode(),
        2,
        "not an amount",
    ),
    Bad(
        "ing-bad-date",
        (ING_HEADER + ING_ROW.format(amount="1,00").replace("20260105", "20260231")).encode(),
        2,
        "'20260231'",
    ),
    Bad(
        "ing-bad-sign",
        (ING_HEADER + ING_ROW.format(amount="1,00").replace('"Bij"', '"Plus"')).encode(),
        2,
        "'Plus'",
    ),
    Bad(
        "ing-missing-column",
        ING_HEADER.replace('"Bedrag (EUR)";', "").encode(),
        1,
        "'Bedrag (EUR)'",
    ),
    Bad(
        "ing-huge-field",
        (ING_HEADER + '"20260105";"' + "x" * 200_000 + '"\n').encode(),
        2,
        "damaged",
    ),
    Bad(
        "knab-bad-date",
        (
            b"KNAB EXPORT;;;;;;;;;;;;;;;;\r\nRekeningnummer;Transactiedatum;Valutacode;CreditDebet;"
            b"Bedrag;Tegenrekeningnummer;Tegenrekeninghouder;Valutadatum;Betaalwijze;Omschrijving;"
            b"Type betaling;Machtigingsnummer;Incassant ID;Adres;Referentie;Boekdatum;\r\n"
            b'"NL68KNAB0256789012";"31-02-2026";"EUR";"D";"7,50";" ";"Knab";"31-02-2026";"Kosten";'
            b'"x";"";"";"";"";"R1";"31-02-2026";\r\n'
        ),
        3,
        "'31-02-2026'",
    ),
    Bad(
        "volksbank-cut-off",
        b"05-01-2026,NL66ASNB0707070707,NL37BNGH0285056789,Gemeente,,,,EUR,312.40,EUR,1500.00,"
        b"05-01-2026,05-01-2026,8810,OVB,30000101,'MMB','budget',1\n"
        b"07-01-2026,NL66ASNB0707070707,,,,,,EUR,1812.40,EUR,-23.95,07-01-2026\n",
        2,
        "layout",
    ),
    Bad(
        "abn-txt-too-few",
        b"612345678\tEUR\t20260105\t312,40\t1812,40\t20260105\t1500,00\n",
        1,
        "7 columns",
    ),
    Bad("xml-cut-off", _camt(GOOD_ENTRY).encode()[:-60], 5, "damaged"),
    Bad(
        "xml-entity-bomb",
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE Document [\n <!ENTITY a "aaaaaaaaaa">\n'
            b' <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">\n]>\n'
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><x>&c;</x></Document>\n'
        ),
        2,
        "document type or entities",
    ),
    Bad(
        "xml-doctype-only",
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE Document>\n'
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"/>\n'
        ),
        2,
        "document type or entities",
    ),
    Bad(
        "xml-external-entity",
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">&x;</Document>\n'
        ),
        2,
        "document type or entities",
    ),
    Bad(
        "camt-no-amount",
        _camt(
            "<Ntry>\n<CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-01-05</Dt></BookgDt></Ntry>\n"
        ).encode(),
        5,
        "no Amt",
    ),
    Bad(
        "camt-bad-date",
        _camt(GOOD_ENTRY.replace("2026-01-05", "2026-02-31")).encode(),
        5,
        "'2026-02-31'",
    ),
    Bad(
        "mt940-no-closing",
        MT940_GOOD.replace(":62F:C260105EUR1812,40\n", "").encode(),
        1,
        "closing balance",
    ),
    Bad(
        "mt940-no-closing-second",
        (MT940_GOOD + MT940_GOOD.replace(":62F:C260105EUR1812,40\n", "")).encode(),
        8,
        "closing balance",
    ),
    Bad("mt940-bad-61", MT940_GOOD.replace("C1500,00N541", "X1500,00N541").encode(), 5, ":61:"),
    Bad("mt940-bad-date", MT940_GOOD.replace(":61:260105", ":61:260231").encode(), 5, "'260231'"),
    Bad(
        "ing-savings",
        b'"Datum";"Omschrijving";"Rekening";"Rekening naam";"Tegenrekening"\n',
        None,
        "savings-account",
    ),
]


@pytest.mark.parametrize("bad", BAD_INPUTS, ids=lambda b: b.name)
def test_bad_input_names_file_and_line(tmp_path: Path, bad: Bad) -> None:
    path = tmp_path / f"{bad.name}.dat"
    path.write_bytes(bad.content)
    with pytest.raises(BankFormatError) as caught:
        read_export(path)
    error = caught.value
    message = str(error)
    assert "\n" not in message
    assert message.startswith(str(path))
    assert bad.words in message
    assert error.line == bad.line
    if bad.line is not None:
        assert message.startswith(f"{path}:{bad.line}: ")
    assert "download" in message.lower()


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BankFormatError, match="cannot be read"):
        read_export(tmp_path / "nope.csv")


def test_file_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mmb.banks, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * 1001)
    with pytest.raises(BankFormatError, match="shorter period") as caught:
        read_export(path)
    assert str(path) in str(caught.value)


def _zip(members: dict[str, bytes], *, encrypted: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 15, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    data = bytearray(buffer.getvalue())
    if encrypted:  # zipfile cannot encrypt: set the "encrypted" flag bit in both headers
        data[6] |= 0x1
        central = data.find(b"PK\x01\x02")
        data[central + 8] |= 0x1
    return bytes(data)


CAMT_OK = _camt(GOOD_ENTRY).encode()


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("zip-slip", _zip({"../../evil.xml": CAMT_OK}), "unsafe"),
        ("zip-absolute", _zip({"/etc/statement.xml": CAMT_OK}), "unsafe"),
        ("zip-backslash", _zip({"..\\statement.xml": CAMT_OK}), "unsafe"),
        ("zip-empty", _zip({}), "no statement files"),
        ("zip-only-folders", _zip({"statements/": b""}), "no statement files"),
        ("zip-nested", _zip({"inner.zip": _zip({"a.xml": CAMT_OK})}), "another zip"),
        ("zip-mixed", _zip({"a.xml": CAMT_OK, "b.sta": MT940_GOOD.encode()}), "mixes"),
        ("zip-encrypted", _zip({"a.xml": CAMT_OK}, encrypted=True), "password"),
        ("zip-broken", _zip({"a.xml": CAMT_OK})[:40], "damaged"),
        ("zip-member-unknown", _zip({"notes.txt": b"hello"}), "(notes.txt)"),
        ("zip-member-cut-off", _zip({"day.xml": CAMT_OK[:-30]}), "(day.xml):"),
    ],
)
def test_bad_zips(tmp_path: Path, name: str, content: bytes, words: str) -> None:
    path = tmp_path / f"{name}.zip"
    path.write_bytes(content)
    with pytest.raises(BankFormatError) as caught:
        read_export(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert words in message


def test_zip_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mmb.banks, "MAX_ZIP_BYTES", 100_000)
    bomb = CAMT_OK + b"<!-- " + b"0" * 1_000_000 + b" -->"
    path = tmp_path / "bomb.zip"
    path.write_bytes(_zip({"a.xml": bomb}))
    assert path.stat().st_size < 10_000
    with pytest.raises(BankFormatError, match="more than"):
        read_export(path)


def test_zip_with_too_many_members(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mmb.banks, "MAX_ZIP_MEMBERS", 3)
    path = tmp_path / "many.zip"
    path.write_bytes(_zip({f"{i}.xml": CAMT_OK for i in range(4)}))
    with pytest.raises(BankFormatError, match="files once unpacked"):
        read_export(path)


def test_zip_member_lines_and_junk(tmp_path: Path) -> None:
    path = tmp_path / "ok.zip"
    path.write_bytes(_zip({"__MACOSX/._a.xml": b"\x00\x05", "days/a.xml": CAMT_OK}))
    export = read_export(path)
    assert export.format == "camt053"
    assert export.format_name.endswith("(zip)")
    assert [t.row for t in export.transactions] == [5]


# --- smaller behaviours ----------------------------------------------------------------


def test_encodings(tmp_path: Path) -> None:
    header = ING_HEADER.replace("Lindenhoven", "x")
    row = ING_ROW.format(amount="1,00").replace("Gemeente Lindenhoven", "Café Noëlle €")
    for encoding, prefix in (
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("cp1252", b""),
        ("utf-16", b""),
    ):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(prefix + (header + row).encode(encoding))
        assert read_export(path).transactions[0].counterparty == "Café Noëlle €", encoding
    # Bytes cp1252 leaves undefined fall back to Latin-1 instead of failing.
    path = tmp_path / "odd.csv"
    path.write_bytes((header + row).encode("cp1252").replace(b"\x80", b"\x81"))
    assert read_export(path).transactions[0].counterparty == "Café Noëlle \x81"


def test_mt940_booking_date_crosses_the_year(tmp_path: Path) -> None:
    text = (
        ":20:1\n:25:NL95RABO0318642957\n:60F:C251231EUR10,00\n"
        ":61:2512310102D1,NTRFNONREF\n:86:/REMI/x/\n"
        ":61:2512311231RC2,50NTRFNONREF\n:61:2512311231RD0,50NTRFNONREF\n"
        ":62F:C260102EUR7,\n"
    )
    export = read_export_data(text.encode(), tmp_path / "x.sta")
    # The statement lists its entries newest first (02-01, 31-12, 31-12): read the other
    # way round, as booked (issue 12: balances run in the bank's booking order).
    assert [(t.booking_date, t.amount) for t in export.transactions] == [
        (date(2025, 12, 31), Decimal("0.50")),
        (date(2025, 12, 31), Decimal("-2.50")),
        (date(2026, 1, 2), Decimal("-1")),
    ]
    assert export.balances[0].closing == Decimal("7")


def test_repeated_bank_ids_are_dropped(tmp_path: Path) -> None:
    entry = GOOD_ENTRY.replace("</BookgDt>", "</BookgDt><AcctSvcrRef>SAME</AcctSvcrRef>")
    export = read_export_data(_camt(entry + entry).encode(), tmp_path / "x.xml")
    assert [t.bank_id for t in export.transactions] == [None, None]


def test_abn_txt_undoes_the_inserted_spaces(tmp_path: Path) -> None:
    cells = [
        "SEPA Overboeking",
        "IBAN: NL78RABO0176543210",
        "BIC: RABONL2U",
        "Naam: Rijwielhandel Van Dam",
        "Omschrijving: Casus 2026-014 fie",
        "ts met slot",
    ]
    text = "".join(_abn_lines(cells))
    row = f"612345678\tEUR\t20260109\t10,00\t1,00\t20260109\t-9,00\t{text}\n"
    tx = read_export_data(row.encode(), tmp_path / "x.TAB").transactions[0]
    assert tx.description == "Casus 2026-014 fiets met slot"
    assert tx.account == "NL74ABNA0612345678"


# --- round trips (hypothesis) ----------------------------------------------------------


@dataclass(frozen=True)
class Tx:
    day: date
    amount: Decimal
    name: str
    iban: str
    text: str


OPENING = Decimal("100.00")
# Any printable text, with the characters that break naive CSV, XML and TXT writers and
# readers drawn often: separators, both quotes, backslash, ampersand, accents, the euro.
_ANY_TEXT = st.one_of(
    st.sampled_from(list(",;\"'\\&<> -./:€ëéü0123456789")),
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn")),
)
# MT940 allows only the SWIFT character set; "/" and ":" are left out because they
# structure the :86: field (a text holding "/REMI/" is ambiguous in the format itself).
_SWIFT_TEXT = st.sampled_from(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -?().,'+"
)


def _texts(alphabet: st.SearchStrategy[str], max_size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet, min_size=1, max_size=max_size).filter(lambda s: s.strip() != "")


def _ibans() -> st.SearchStrategy[str]:
    banks = st.sampled_from(["RABO", "INGB", "ABNA", "TRIO", "BNGH", "KNAB", "ASNB"])
    digits = st.text("0123456789", min_size=10, max_size=10)
    return st.builds(lambda b, d: iban_from_parts("NL", b, d), banks, digits)


def _transactions(alphabet: st.SearchStrategy[str]) -> st.SearchStrategy[list[Tx]]:
    one = st.builds(
        Tx,
        day=st.dates(min_value=date(2001, 1, 1), max_value=date(2079, 12, 31)),
        amount=st.decimals(
            min_value=Decimal("-250000"), max_value=Decimal("250000"), places=2
        ).filter(lambda d: d != 0),
        name=_texts(alphabet, 30),
        iban=_ibans(),
        text=_texts(alphabet, 90),
    )
    return st.lists(one, min_size=1, max_size=6).map(lambda txs: sorted(txs, key=lambda t: t.day))


def _balances(txs: list[Tx]) -> list[Decimal]:
    out, running = [], OPENING
    for t in txs:
        running += t.amount
        out.append(running)
    return out


def _nl(amount: Decimal, *, grouped: bool = False, signed: bool = False, plus: bool = False) -> str:
    sign = "-" if amount < 0 else ("+" if plus else "")
    whole, _, cents = f"{abs(amount):.2f}".partition(".")
    if grouped:
        whole = f"{int(whole):,}".replace(",", ".")
    return f"{sign if signed else ''}{whole},{cents}"


def _csv(rows: list[list[str]], delimiter: str, newline: str = "\r\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator=newline)
    writer.writerows(rows)
    return buffer.getvalue()


def write_ing(txs: list[Tx], comma: bool) -> bytes:
    header = [
        "Datum",
        "Naam / Omschrijving",
        "Rekening",
        "Tegenrekening",
        "Code",
        "Af Bij",
        "Bedrag (EUR)",
        "Mutatiesoort",
        "Mededelingen",
        "Saldo na mutatie",
        "Tag",
    ]
    rows = []
    for t, balance in zip(txs, _balances(txs), strict=True):
        rows.append(
            [
                t.day.strftime("%Y%m%d"),
                t.name,
                "NL71INGB0007416235",
                t.iban,
                "GT",
                "Af" if t.amount < 0 else "Bij",
                _nl(t.amount),
                "Online bankieren",
                t.text,
                _nl(balance, signed=True),
                "",
            ]
        )
    if comma:
        header, rows = header[:9], [r[:9] for r in rows]
    return _csv([header, *reversed(rows)], "," if comma else ";", "\n").encode()


def write_rabobank(txs: list[Tx]) -> bytes:
    header = [
        "IBAN/BBAN",
        "Munt",
        "BIC",
        "Volgnr",
        "Datum",
        "Rentedatum",
        "Bedrag",
        "Saldo na trn",
        "Tegenrekening IBAN/BBAN",
        "Naam tegenpartij",
        "Naam uiteindelijke partij",
        "Naam initiërende partij",
        "BIC tegenpartij",
        "Code",
        "Batch ID",
        "Transactiereferentie",
        "Machtigingskenmerk",
        "Incassant ID",
        "Betalingskenmerk",
        "Omschrijving-1",
        "Omschrijving-2",
        "Omschrijving-3",
        "Reden retour",
        "Oorspr bedrag",
        "Oorspr munt",
        "Koers",
    ]
    rows = [header]
    for n, (t, balance) in enumerate(zip(txs, _balances(txs), strict=True)):
        day = t.day.isoformat()
        chunks = [t.text[i : i + 35] for i in range(0, 105, 35)]  # fixed-length pieces
        rows.append(
            [
                "NL95RABO0318642957",
                "EUR",
                "RABONL2U",
                f"{n:018d}",
                day,
                day,
                _nl(t.amount, signed=True, plus=True),
                _nl(balance, signed=True, plus=True),
                t.iban,
                t.name,
                "",
                "",
                "",
                "cb",
                "",
                "",
                "",
                "",
                "",
                *chunks,
                "",
                "",
                "",
                "",
            ]
        )
    return _csv(rows, ",").encode()


def _abn_lines(cells: list[str]) -> list[str]:
    pieces: list[str] = []
    for cell in cells:  # long values run on over several 32-character cells
        pieces += [cell[i : i + 32] for i in range(0, len(cell), 32)] or [""]
    return [
        pieces[i].ljust(32) + (" " + pieces[i + 1].ljust(32) if i + 1 < len(pieces) else "")
        for i in range(0, len(pieces), 2)
    ]


def write_abnamro(txs: list[Tx]) -> bytes:
    lines = []
    before = OPENING
    for t, balance in zip(txs, _balances(txs), strict=True):
        day = t.day.strftime("%Y%m%d")
        text = "".join(
            _abn_lines(
                [
                    "SEPA Overboeking",
                    f"IBAN: {t.iban}",
                    "BIC: RABONL2U",
                    f"Naam: {t.name}",
                    f"Omschrijving: {t.text}",
                ]
            )
        )
        lines.append(
            f"612345678\tEUR\t{day}\t{_nl(before, signed=True)}\t"
            f"{_nl(balance, signed=True)}\t{day}\t{_nl(t.amount, signed=True)}\t{text}\n"
        )
        before = balance
    return "".join(lines).encode()


def write_bunq(txs: list[Tx], delimiter: str) -> bytes:
    rows = [["Date", "Interest Date", "Amount", "Account", "Counterparty", "Name", "Description"]]
    for t in txs:
        day = t.day.isoformat()
        rows.append(
            [
                day,
                day,
                _nl(t.amount, grouped=True, signed=True),
                "NL71BUNQ2087654321",
                t.iban,
                t.name,
                t.text,
            ]
        )
    return _csv(rows, delimiter).encode()


def write_triodos(txs: list[Tx]) -> bytes:
    rows = []
    for t, balance in zip(txs, _balances(txs), strict=True):
        rows.append(
            [
                t.day.strftime("%d-%m-%Y"),
                "NL12TRIO0198765432",
                _nl(t.amount, grouped=True),
                "Debet" if t.amount < 0 else "Credit",
                t.name,
                t.iban,
                "ET",
                t.text,
                _nl(balance, grouped=True, signed=True),
            ]
        )
    return _csv(rows, ",").encode()


def write_volksbank(txs: list[Tx]) -> bytes:
    lines, before = [], OPENING
    for n, t in enumerate(txs):
        day = t.day.strftime("%d-%m-%Y")
        lines.append(
            f"{day},NL66ASNB0707070707,{t.iban},{t.name},,,,EUR,{before:.2f},EUR,"
            f"{t.amount:.2f},{day},{day},8810,OVB,{n:08d},'','{t.text}',1\n"
        )
        before += t.amount
    return "".join(lines).encode()


def write_knab(txs: list[Tx]) -> bytes:
    head = (
        "KNAB EXPORT;;;;;;;;;;;;;;;;\r\nRekeningnummer;Transactiedatum;Valutacode;CreditDebet;"
        "Bedrag;Tegenrekeningnummer;Tegenrekeninghouder;Valutadatum;Betaalwijze;Omschrijving;"
        "Type betaling;Machtigingsnummer;Incassant ID;Adres;Referentie;Boekdatum;\r\n"
    )
    rows = []
    for n, t in enumerate(txs):
        day = t.day.strftime("%d-%m-%Y")
        rows.append(
            [
                "NL68KNAB0256789012",
                day,
                "EUR",
                "D" if t.amount < 0 else "C",
                _nl(t.amount),
                t.iban,
                t.name,
                day,
                "Overboeking",
                t.text,
                "",
                "",
                "",
                "",
                f"REF{n:013d}",
                day,
                "",
            ]
        )
    body = _csv(list(reversed(rows)), ";")
    # Knab ends every line with ";": the last, empty field is written without quotes.
    return (head + body.replace(';""\r\n', ";\r\n")).encode()


def write_camt(txs: list[Tx]) -> bytes:
    entries = []
    for t in txs:
        party = "Cdtr" if t.amount < 0 else "Dbtr"
        pieces = "".join(
            f"<Ustrd>{escape(t.text[i : i + 35])}</Ustrd>" for i in range(0, len(t.text), 35)
        )
        entries.append(
            f'<Ntry><Amt Ccy="EUR">{abs(t.amount):.2f}</Amt>'
            f"<CdtDbtInd>{'DBIT' if t.amount < 0 else 'CRDT'}</CdtDbtInd><Sts>BOOK</Sts>"
            f"<BookgDt><Dt>{t.day.isoformat()}</Dt></BookgDt><NtryDtls><TxDtls><RltdPties>"
            f"<{party}><Nm>{escape(t.name)}</Nm></{party}>"
            f"<{party}Acct><Id><IBAN>{t.iban}</IBAN></Id></{party}Acct></RltdPties>"
            f"<RmtInf>{pieces}</RmtInf></TxDtls></NtryDtls></Ntry>\n"
        )
    closing = _balances(txs)[-1]
    balances = (
        f'<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{OPENING}</Amt>'
        f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{txs[0].day}</Dt></Dt></Bal>\n"
        f'<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{abs(closing)}</Amt>'
        f"<CdtDbtInd>{'DBIT' if closing < 0 else 'CRDT'}</CdtDbtInd>"
        f"<Dt><Dt>{txs[-1].day}</Dt></Dt></Bal>\n"
    )
    return (
        _camt(balances + "".join(entries))
        .replace("NL74ABNA0612345678", "NL12TRIO0198765432")
        .encode()
    )


def _swift_lines(text: str, first_prefix: int = 4) -> list[str]:
    lines, width = [], 65 - first_prefix
    while text:
        lines.append(text[:width])
        text, width = text[width:], 65
    return lines


def write_mt940(txs: list[Tx]) -> bytes:
    def balance(tag: str, amount: Decimal, day: date) -> str:
        return f":{tag}:{'D' if amount < 0 else 'C'}{day:%y%m%d}EUR{_nl(abs(amount))}"

    out = [
        "{1:F01INGBNL2ABXXX0000000000}",
        "{2:I940INGBNL2AXXXN}",
        "{4:",
        ":20:P1",
        ":25:NL71INGB0007416235EUR",
        ":28C:00000",
        balance("60F", OPENING, txs[0].day),
    ]
    for n, t in enumerate(txs):
        mark = "D" if t.amount < 0 else "C"
        out.append(f":61:{t.day:%y%m%d%m%d}{mark}{_nl(abs(t.amount))}NTRFNONREF//{n:014d}")
        out.append("/TRCD/00100/")
        info = f"/CNTP/{t.iban}/RABONL2U/{t.name}///REMI/USTD//{t.text}/"
        out.append(":86:" + "\n".join(_swift_lines(info)))
    out += [balance("62F", _balances(txs)[-1], txs[-1].day), "-}"]
    return "\r\n".join(out).encode()


def _expected(txs: list[Tx], *, balances: bool) -> list[tuple[object, ...]]:
    after = _balances(txs) if balances else [None] * len(txs)
    return [
        (t.day, t.amount, b, clean(t.name), t.iban, clean(t.text))
        for t, b in zip(txs, after, strict=True)
    ]


def _got(export: BankExport) -> list[tuple[object, ...]]:
    return [
        (
            t.booking_date,
            t.amount,
            t.balance_after,
            t.counterparty,
            t.counterparty_iban,
            t.description,
        )
        for t in export.transactions
    ]


WRITERS = {
    "ing-csv": (lambda txs: write_ing(txs, comma=False), True),
    "ing-csv-comma": (lambda txs: write_ing(txs, comma=True), False),
    "rabobank-csv": (write_rabobank, True),
    "abnamro-txt": (write_abnamro, True),
    "bunq-csv": (lambda txs: write_bunq(txs, ";"), False),
    "triodos-csv": (write_triodos, True),
    "volksbank-csv": (write_volksbank, True),
    "knab-csv": (write_knab, False),
    "camt053": (write_camt, True),
}


@pytest.mark.parametrize("format_id", sorted(WRITERS))
@settings(max_examples=60)
@given(txs=_transactions(_ANY_TEXT))
def test_round_trip(format_id: str, txs: list[Tx]) -> None:
    write, has_balance = WRITERS[format_id]
    export = read_export_data(write(txs), Path(f"generated.{format_id}"))
    assert export.format == format_id
    assert _got(export) == _expected(txs, balances=has_balance)


@settings(max_examples=60)
@given(txs=_transactions(_ANY_TEXT))
def test_round_trip_bunq_comma(txs: list[Tx]) -> None:
    export = read_export_data(write_bunq(txs, ","), Path("generated.csv"))
    assert _got(export) == _expected(txs, balances=False)


@settings(max_examples=80)
@given(txs=_transactions(_SWIFT_TEXT))
def test_round_trip_mt940(txs: list[Tx]) -> None:
    export = read_export_data(write_mt940(txs), Path("generated.sta"))
    assert export.format == "mt940"
    assert _got(export) == _expected(txs, balances=True)
    assert export.balances[0].opening == OPENING
    assert export.balances[0].closing == _balances(txs)[-1]


# --- dialect variations of the fixtures ------------------------------------------------


def _rows_of(name: str, encoding: str = "utf-8") -> list[str]:
    return (FIXTURES / name).read_bytes().decode(encoding).splitlines()


def _scenario(export: BankExport) -> list[tuple[object, ...]]:
    return [
        (t.booking_date, t.amount, t.balance_after, t.counterparty) for t in export.transactions
    ]


def test_rabobank_english_header(tmp_path: Path) -> None:
    lines = _rows_of("rabobank.csv", "cp1252")
    english = (
        '"IBAN/BBAN","Ccy","BIC","Seq No","Date","Value Date","Amount","Bal After Bkng",'
        '"Counterpty IBAN/BBAN","Name Counterpty","Name Ultimate Pty","Name Initiating Pty",'
        '"Counterpty BIC","Code","Batch ID","Transaction Reference","Mandate Reference",'
        '"Collector ID","Payment Reference","Description-1","Description-2","Description-3",'
        '"Reasoncode","Instr Amt","Instr Ccy","Rate"'
    )
    path = tmp_path / "CSV_A_en.csv"
    path.write_text("\r\n".join([english, *lines[1:]]) + "\r\n", encoding="cp1252")
    assert _scenario(read_export(path)) == _scenario(read_export(FIXTURES / "rabobank.csv"))


def test_ing_oldest_first_and_unquoted(tmp_path: Path) -> None:
    """A file re-saved by a spreadsheet: no quotes, and rows sorted oldest first."""
    lines = _rows_of("ing_semicolon_nl.csv", "cp1252")
    path = tmp_path / "ing.csv"
    path.write_text(
        "\n".join(line.replace('"', "") for line in [lines[0], *reversed(lines[1:])]) + "\n",
        encoding="utf-8",
    )
    expected = read_export(FIXTURES / "ing_semicolon_nl.csv")
    assert _scenario(read_export(path)) == _scenario(expected)


def test_triodos_older_eight_columns(tmp_path: Path) -> None:
    rows = list(csv.reader(_rows_of("triodos.csv", "iso-8859-15")))
    path = tmp_path / "triodos.csv"
    path.write_text(_csv([row[:8] for row in rows], ","), encoding="iso-8859-15")
    export = read_export(path)
    assert export.format == "triodos-csv"
    assert [t.balance_after for t in export.transactions] == [None] * 6
    assert [t.amount for t in export.transactions] == [
        t.amount for t in read_export(FIXTURES / "triodos.csv").transactions
    ]


def test_regiobank_csv(tmp_path: Path) -> None:
    asn = "NL66ASNB0707070707"
    name = f"transactie-historie_{asn}_20260115093000.csv"
    path = tmp_path / "regiobank.csv"
    path.write_text(
        (FIXTURES / name).read_text("utf-8").replace(asn, "NL83RBRB0876543210"), encoding="utf-8"
    )
    export = read_export(path)
    assert export.format == "volksbank-csv"
    assert {t.account for t in export.transactions} == {"NL83RBRB0876543210"}


@pytest.mark.parametrize(
    ("text", "counterparty", "description"),
    [
        (  # card, layout before 2022
            "BEA   NR:X1Y23Z   30.12.25/09.15 Wijkwinkel De Hoek,PAS012                ZWOLLE",
            "Wijkwinkel De Hoek",
            "BEA NR:X1Y23Z 30.12.25/09.15 Wijkwinkel De Hoek,PAS012 ZWOLLE",
        ),
        (  # card, 2026 layout without ",PAS"
            "BEA,BETAALPAS                   KRINGLOOP OOST NL               "
            "NR:01234567,2026-01-13/14:15    ZWOLLE,NLD",
            "KRINGLOOP OOST NL",
            "BEA,BETAALPAS KRINGLOOP OOST NL NR:01234567,2026-01-13/14:15 ZWOLLE,NLD",
        ),
        (  # direct debit, fixed width, a value over two cells
            "".join(
                _abn_lines(
                    [
                        "SEPA Incasso algemeen doorlopend",
                        "Incassant: NL12ZZZ123456780000",
                        "Naam: Energie Lindenhoven",
                        "Machtiging: M-2026-0042",
                        "Omschrijving: Voorschot februari 2026",
                        "IBAN: NL37BNGH0285056789",
                    ]
                )
            ),
            "Energie Lindenhoven",
            "Voorschot februari 2026",
        ),
    ],
)
def test_abn_description_layouts(text: str, counterparty: str, description: str) -> None:
    from mmb.banks._abn import describe, split_txt

    said = describe(split_txt(text))
    assert (said.counterparty, said.description) == (counterparty, description)


def test_ing_structured_86_keeps_a_following_purpose() -> None:
    from mmb.banks._abn import remittance, slash_fields

    fields = slash_fields(
        "/EREF/ABC-1//CNTP/NL37BNGH0285056789/BNGHNL2G/NAME/ZWOLLE///REMI/USTD//"
        "Factuur 2026-014/ORDP/deel 2//PURP/OTHR/"
    )
    assert fields["CNTP"].split("/")[:3] == ["NL37BNGH0285056789", "BNGHNL2G", "NAME"]
    assert remittance(fields["REMI"]) == "Factuur 2026-014/ORDP/deel 2"
    assert fields["PURP"] == "OTHR"
