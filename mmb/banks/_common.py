"""Helpers shared by the readers: decoding, exact amounts, dates, text, accounts, CSV rows.

Everything here is exact: amounts go from text straight to `Decimal`, never through a
float. Parsers raise `ValueError`; the readers turn that into a `BankFormatError` naming
the file, the row and the column.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise

from mmb import messages as msg
from mmb.banks.base import Source
from mmb.text import normalise_space

UTF8_BOM = b"\xef\xbb\xbf"

# --- decoding ------------------------------------------------------------------------


def is_utf8(data: bytes) -> bool:
    """True when `data` (after an optional BOM) is valid UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode(data: bytes, legacy_encoding: str) -> str:
    """Decode an export: UTF-8 with or without BOM; UTF-16 with BOM (a spreadsheet's
    "Unicode text"); else the bank's legacy encoding; else Latin-1, which never fails
    (Python's cp1252 rejects five undefined bytes)."""
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode(legacy_encoding)
    except UnicodeDecodeError:
        return data.decode("latin-1")


def lines_with_numbers(text: str) -> Iterator[tuple[int, str]]:
    """Yield (1-based line number, line without its end) splitting only on CR, LF and
    CRLF, as `csv` does; `str.splitlines` would also split on U+2028, form feeds etc."""
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        yield number, line.rstrip("\r\n")


# --- text ----------------------------------------------------------------------------


#: Whitespace-normalised text: runs of whitespace become one space, no ends.
clean = normalise_space


SWIFT_LINE = 65  # MT940 line width: a full line was wrapped, a shorter one ended on purpose


def join_wrapped(lines: Sequence[str], first_prefix: int = 0) -> str:
    """Wrapped lines back into one text. Banks wrap at 65 characters inside words, so a
    full line continues without a separator; a shorter line ended on purpose (a space).
    `first_prefix` is the width of a tag before the first line (``:86:`` is 4)."""
    parts: list[str] = []
    last = len(lines) - 1
    for index, line in enumerate(lines):
        parts.append(line)
        width = len(line) + (first_prefix if index == 0 else 0)
        if index < last and width < SWIFT_LINE:
            parts.append(" ")
    return "".join(parts)


# de Volksbank card payments leave the name empty; the text starts with the merchant:
# "[PIN BETALING]NAAM >PLAATS ..." or "NAAM>PLAATS ...".
_VOLKSBANK_CARD = re.compile(r"(?:\[[^\]]*\])?\s*([^>]+?)\s*>")


def volksbank_card_merchant(text: str) -> str:
    """The merchant at the start of a de Volksbank card-payment text, or ""."""
    found = _VOLKSBANK_CARD.match(text)
    return clean(found.group(1)) if found else ""


# Cash withdrawals recognised from a description or name. ``GEA`` opens ABN AMRO and
# Volksbank ATM descriptions; Geldmaat is the Dutch ATM network.
_CASH_TEXT = re.compile(
    r"^\s*GEA\b|\bgeldautomaat\b|\bgeldmaat\b|\bcash (?:withdrawal|machine)\b"
    r"|\bopname contant|(?-i:\bATM\b)",
    re.IGNORECASE,
)


def may_be_cash(text: str) -> bool:
    """False when `text` holds none of the words `looks_like_cash` looks for: a cheap
    test, true for every text that pattern matches (most texts hold none of them)."""
    low = text.lower()
    return "gea" in low or "geld" in low or "cash" in low or "atm" in low or "opname" in low


def looks_like_cash(*texts: str) -> bool:
    """True when one of the texts reads like an ATM cash withdrawal."""
    return any(may_be_cash(text) and _CASH_TEXT.search(text) for text in texts)


# --- amounts -------------------------------------------------------------------------

# Dutch notation: decimal comma, optional dot thousands in proper groups, optional sign.
_COMMA_AMOUNT = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d{1,2})?", re.ASCII)
# Dot decimal, no grouping (Volksbank, CAMT.053 and some bunq files).
_DOT_AMOUNT = re.compile(r"[+-]?\d+(?:\.\d{1,2})?", re.ASCII)
# MT940: digits, decimal comma, possibly nothing after it ("10,"); old Rabobank files write
# a decimal point ("000000000000.00").
_SWIFT_AMOUNT = re.compile(r"\d+(?:[,.]\d{0,2})?", re.ASCII)


#: The most common spelling: no grouping, two decimals (``-1922,25``); `amount_comma` of
#: such a text is `Decimal(text.replace(",", "."))`.
PLAIN_COMMA_AMOUNT = re.compile(r"-?\d{1,15},\d\d", re.ASCII)


def amount_comma(text: str) -> Decimal:
    """``-1.234,56``, ``+8,60``, ``2500`` -> Decimal. Raises ValueError."""
    s = text.strip()
    if not _COMMA_AMOUNT.fullmatch(s):
        raise ValueError(text)
    return Decimal(s.replace(".", "").replace(",", "."))


def amount_dot(text: str) -> Decimal:
    """``-12.45``, ``000000000000087.71``, ``250`` -> Decimal. Raises ValueError."""
    s = text.strip()
    if not _DOT_AMOUNT.fullmatch(s):
        raise ValueError(text)
    return Decimal(s)


# ISO 20022 (CAMT.053): a decimal point and up to five decimals.
_ISO_AMOUNT = re.compile(r"[+-]?\d+(?:\.\d{1,5})?", re.ASCII)


class SubCentError(ValueError):
    """An amount with a part of a cent (``18.155``): mmb books whole cents only."""


def amount_iso(text: str) -> Decimal:
    """ISO 20022 ``18.15``, ``18.150``, ``000000000000087.71``, ``250`` -> Decimal, exact
    to the cent: decimals after the second must be zeros (``18.150`` is 18,15), else
    `SubCentError`. Raises ValueError for anything that is not such an amount."""
    s = text.strip()
    if not _ISO_AMOUNT.fullmatch(s):
        raise ValueError(text)
    whole, _, decimals = s.partition(".")
    if len(decimals) > 2:
        if decimals[2:].strip("0"):
            raise SubCentError(text)
        s = f"{whole}.{decimals[:2]}"
    return Decimal(s)


def amount_auto(text: str) -> Decimal:
    """Dutch notation when the text has a comma, else dot decimal (bunq writes both)."""
    return amount_comma(text) if "," in text else amount_dot(text)


def amount_swift(text: str) -> Decimal:
    """MT940 ``1147,95`` / ``10,`` / ``000000000127,50`` / ``000000000000.00`` -> Decimal.
    Raises ValueError."""
    if not _SWIFT_AMOUNT.fullmatch(text):
        raise ValueError(text)
    whole, _, cents = text.replace(".", ",").partition(",")
    return Decimal(f"{whole}.{cents}") if cents else Decimal(whole)


# --- dates ---------------------------------------------------------------------------

_YMD = re.compile(r"\d{8}", re.ASCII)
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_DMY = re.compile(r"\d{2}-\d{2}-\d{4}", re.ASCII)


@lru_cache(maxsize=4096)
def date_ymd(text: str) -> date:
    """``20260305`` -> date. Raises ValueError (also for 20260231)."""
    if not _YMD.fullmatch(text):
        raise ValueError(text)
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


@lru_cache(maxsize=4096)
def date_iso(text: str) -> date:
    """``2026-03-05`` -> date. Raises ValueError."""
    if not _ISO.fullmatch(text):
        raise ValueError(text)
    return date(int(text[:4]), int(text[5:7]), int(text[8:]))


_DMY_SLASH = re.compile(r"\d{2}/\d{2}/\d{4}", re.ASCII)


@lru_cache(maxsize=4096)
def date_iso_or_dmy(text: str) -> date:
    """``2026-03-05`` or ``05/03/2026`` (day first, as bunq writes it in English exports)
    -> date. Raises ValueError (also for a month over 12, so 03/25/2026 is refused, not
    guessed)."""
    if _DMY_SLASH.fullmatch(text):
        return date(int(text[6:]), int(text[3:5]), int(text[:2]))
    return date_iso(text)


@lru_cache(maxsize=4096)
def date_dmy(text: str) -> date:
    """``05-03-2026`` -> date. Raises ValueError."""
    if not _DMY.fullmatch(text):
        raise ValueError(text)
    return date(int(text[6:]), int(text[3:5]), int(text[:2]))


def runs_newest_first(days: Sequence[date]) -> bool:
    """True when the dates run newest first throughout (never up, and down at least once):
    a statement listed that way (ING MT940) is booked the other way round."""
    return len(days) > 1 and days[0] > days[-1] and all(
        a >= b for a, b in pairwise(days))


# --- accounts ------------------------------------------------------------------------

# An account with its currency glued on (ING MT940 ``NL..INGB...EUR``).
_WITH_CURRENCY = re.compile(r"(.+?)([A-Z]{3})", re.ASCII)


def iban_valid(text: str) -> bool:
    """True for a valid IBAN (`mmb.iban.is_valid`: the library's check of country,
    layout, length and check digits)."""
    from mmb.iban import is_valid

    return is_valid(text)


def iban_from_parts(country: str, bank: str, account: str) -> str:
    """Build an IBAN with correct check digits, e.g. ("NL", "ABNA", "0417164300")."""
    from mmb.iban import from_parts

    return from_parts(country, bank, account)


def split_currency(text: str) -> tuple[str, str | None]:
    """An account written with its currency glued on, ``NL02INGB0008823104EUR``, as
    (account, currency); (text, None) when the text is no IBAN with a currency after it."""
    if iban_valid(text):
        return text, None
    glued = _WITH_CURRENCY.fullmatch(text)
    if glued and iban_valid(glued.group(1)):
        return glued.group(1), glued.group(2)
    return text, None


@lru_cache(maxsize=256)
def own_account(text: str) -> str:
    """The export's own account: upper case, no spaces; a currency glued to an IBAN
    (ING MT940 ``NL..INGB...EUR``) is dropped (the readers check the currency)."""
    return split_currency("".join(text.split()).upper())[0]


def counter_account(text: str) -> str:
    """A counterparty account field: upper case without spaces, "" for blank. Where the
    field holds ``BIC IBAN`` (seen at Triodos) the IBAN is kept."""
    s = text.strip()
    if not s:
        return ""
    parts = s.upper().split()
    if len(parts) > 1:
        for part in parts:
            if iban_valid(part):
                return part
    return "".join(parts)


# --- CSV -----------------------------------------------------------------------------


def csv_records(
    source: Source,
    text: str,
    *,
    delimiter: str,
    quotechar: str = '"',
) -> Iterator[tuple[int, list[str]]]:
    """Yield (line where the record starts, fields) for each non-blank record, exactly as
    `csv.reader` reads them.

    Strict quoting: a stray quote is an error (a damaged or hand-edited file), never a
    silently merged row. `csv.Error` (also the default field size limit) becomes a
    `BankFormatError` naming the line.

    The lines of the banks' own layout, every field quoted and no quote inside a field
    (``"a";"b";"c"``), or no quote at all, are split with `str.split` as they come: several
    times faster than the csv module on 100,000 rows, and no list of every field of the
    file is held at once. From the first line that is not so (an escaped quote, a stray
    one, a line break inside a field, a NUL, a field over the csv module's size limit) the
    csv module reads the rest, which reads and reports it as it would the whole file: the
    lines before it were whole records with balanced quotes.
    """
    if "\x00" in text:
        yield from _csv_module_records(source, text, delimiter, quotechar)
        return
    between = quotechar + delimiter + quotechar
    offset = 0
    # io.StringIO splits lines where the csv module does (CR, LF and CRLF).
    for number, raw in enumerate(io.StringIO(text, newline=""), start=1):
        line = raw.rstrip("\r\n")
        if line[:1] == quotechar and line[-1:] == quotechar and len(line) > 1:
            row = line[1:-1].split(between)
            # Two quotes per field (one pair around each), and no more: none inside one.
            simple = line.count(quotechar) == 2 * len(row)
        else:
            row = line.split(delimiter)
            simple = quotechar not in line
        if not simple or len(line) > _FIELD_LIMIT:
            yield from _csv_module_records(source, text[offset:], delimiter, quotechar,
                                           first=number)
            return
        offset += len(raw)
        if row[0].strip() or "".join(row).strip():  # skip blank and separator-only lines
            yield number, row


def _csv_module_records(source: Source, text: str, delimiter: str, quotechar: str,
                        first: int = 1) -> Iterator[tuple[int, list[str]]]:
    """`csv_records` by the csv module, for `text` starting on line `first`.

    The csv module, even strict, takes a quote inside a field that does not start with
    one as part of the text (``NL77RABO0311467415","EUR",...`` gives the account
    ``NL77RABO0311467415"``): each record's own text is therefore also matched against
    the strict shape (a field is quoted, with quotes inside doubled, or holds no quote),
    and a record of another shape is refused like any other broken quote."""
    consumed: list[str] = []

    def lines() -> Iterator[str]:
        for line in io.StringIO(text, newline=""):
            consumed.append(line)
            yield line

    reader = csv.reader(lines(), delimiter=delimiter, quotechar=quotechar, strict=True)
    shape = _record_shape(delimiter, quotechar)
    previous = first - 1
    try:
        for row in reader:
            start, previous = previous + 1, first - 1 + reader.line_num
            record = "".join(consumed)
            consumed.clear()
            if not shape(record.rstrip("\r\n")):
                raise source.error(
                    msg.BANK_CSV_BROKEN, line=start,
                    reason=msg.BANK_CSV_STRAY_QUOTE.format(quote=quotechar))
            # Skip blank lines and lines of bare separators (the first test is the fast
            # common case: a row whose first field holds something).
            if row and (row[0].strip() or "".join(row).strip()):
                yield start, row
    except csv.Error as exc:
        raise source.error(msg.BANK_CSV_BROKEN, line=previous + 1, reason=str(exc)) from None


@lru_cache(maxsize=8)
def _record_shape(delimiter: str, quotechar: str) -> Callable[[str], object]:
    """The `fullmatch` of a strict CSV record: fields separated by `delimiter`, each
    either between quotes (a quote inside doubled, line breaks allowed) or without any
    quote."""
    q, d = re.escape(quotechar), re.escape(delimiter)
    one = rf"(?:{q}(?:[^{q}]|{q}{q})*{q}|[^{q}{d}\r\n]*)"
    return re.compile(rf"{one}(?:{d}{one})*").fullmatch


_FIELD_LIMIT = csv.field_size_limit()


def unwrapped_line(line: str, quotechar: str = '"') -> str | None:
    """The text of a line that is one quoted field as a whole (a spreadsheet saved each
    row into one cell: ``"Datum,""Bedrag"",..."``), or None when the line is not so."""
    if len(line) < 2 or line[0] != quotechar or line[-1] != quotechar:
        return None
    inner = line[1:-1]
    doubled = quotechar * 2
    if quotechar in inner.replace(doubled, ""):
        return None
    return inner.replace(doubled, quotechar)


def wrapped(text: str, delimiters: str = ",;") -> bool:
    """True when the first line of `text` is one quoted field holding a whole row: a
    file whose every line was wrapped in one pair of quotes."""
    inner = unwrapped_line(first_line(text.lstrip("\ufeff")))
    return inner is not None and any(d in inner for d in delimiters)


def unwrap(source: Source, text: str) -> str:
    """`text` with every line taken out of its one pair of quotes (see `wrapped`), line
    for line, so line numbers stay. A line that is not wrapped is refused: the file is
    then damaged, not saved one way."""
    out: list[str] = []
    for number, line in lines_with_numbers(text.lstrip("\ufeff")):
        if not line.strip():
            out.append("")
            continue
        inner = unwrapped_line(line)
        if inner is None or "\n" in inner or "\r" in inner:
            raise source.error(msg.BANK_CSV_BROKEN, line=number, reason=msg.BANK_CSV_UNWRAPPED)
        out.append(inner)
    return "\n".join(out) + "\n"


def first_line(text: str) -> str:
    """The first line of `text` (without its end)."""
    end = len(text)
    for sep in ("\n", "\r"):
        index = text.find(sep)
        if 0 <= index < end:
            end = index
    return text[:end]


def split_header(line: str, delimiters: str = ";,\t") -> tuple[str, list[str]]:
    """Parse a header line with whichever delimiter gives the most columns."""
    best = ("", [line])
    for delimiter in delimiters:
        try:
            fields = next(csv.reader([line], delimiter=delimiter))
        except (csv.Error, StopIteration):
            continue
        if len(fields) > len(best[1]):
            best = (delimiter, fields)
    return best[0], [field.strip() for field in best[1]]


class Columns:
    """Column positions found by header name, case-insensitively, with aliases (Dutch and
    English headers, and names that changed over the years)."""

    def __init__(
        self,
        source: Source,
        format_name: str,
        header: Sequence[str],
        wanted: dict[str, tuple[str, ...]],
        optional: Sequence[str] = (),
    ) -> None:
        names = {name.strip().lower(): index for index, name in reversed(list(enumerate(header)))}
        self.width = len(header)
        self.index: dict[str, int | None] = {}
        for key, aliases in wanted.items():
            found = next((names[a.lower()] for a in aliases if a.lower() in names), None)
            if found is None and key not in optional:
                raise source.error(
                    msg.BANK_NO_HEADER_COLUMN, line=1, format_name=format_name, column=aliases[0]
                )
            self.index[key] = found

    def __getitem__(self, key: str) -> int:
        index = self.index[key]
        assert index is not None, key  # only called for required columns
        return index

    def get(self, key: str) -> int | None:
        """Position of an optional column, or None."""
        return self.index[key]


def check_width(
    source: Source, line: int, row: Sequence[str], expected: int, format_name: str
) -> None:
    """Refuse a row with too few columns, or with extra columns that hold text."""
    found = len(row)
    if found < expected:
        raise source.error(
            msg.BANK_TOO_FEW_COLUMNS,
            line=line,
            found=found,
            expected=expected,
            format_name=format_name,
        )
    if found > expected and any(field.strip() for field in row[expected:]):
        raise source.error(
            msg.BANK_TOO_MANY_COLUMNS,
            line=line,
            found=found,
            expected=expected,
            format_name=format_name,
        )


class Fields:
    """Field parsers of one export that raise `BankFormatError` naming file, line and
    column instead of a bare ValueError."""

    def __init__(self, source: Source, format_name: str) -> None:
        self.source = source
        self.format_name = format_name

    def amount(
        self,
        parse: Callable[[str], Decimal],
        value: str,
        line: int | None,
        column: str,
        example: str,
    ) -> Decimal:
        """`parse(value)`, or the bad-amount error."""
        try:
            return parse(value)
        except SubCentError:
            raise self.source.error(
                msg.BANK_SUB_CENT, line=line, finding_code="MMB002", value=value.strip(),
                column=column, format_name=self.format_name,
            ) from None
        except (ValueError, ArithmeticError):
            raise self.source.error(
                msg.BANK_BAD_AMOUNT,
                line=line,
                value=value,
                column=column,
                format_name=self.format_name,
                example=example,
            ) from None

    def date(
        self, parse: Callable[[str], date], value: str, line: int | None, column: str, pattern: str
    ) -> date:
        """`parse(value)`, or the bad-date error."""
        try:
            return parse(value.strip())
        except ValueError:
            raise self.source.error(
                msg.BANK_BAD_DATE, line=line, value=value, column=column, pattern=pattern
            ) from None

    def euro(self, currency: str, line: int | None, what: str) -> None:
        """Refuse anything but euros: a team account is a euro account (`what` says which
        part of the export names the currency: the account, a balance, a transaction)."""
        code = currency.strip().upper()
        if code and code != "EUR":
            raise self.source.error(
                msg.BANK_FOREIGN_CURRENCY, line=line, what=what, currency=currency.strip()
            )

    def choice(self, value: str, line: int | None, column: str, allowed: dict[str, bool]) -> bool:
        """Look `value` up case-insensitively in `allowed` (e.g. Af -> True, Bij -> False)."""
        try:
            return allowed[value.strip().lower()]
        except KeyError:
            raise self.source.error(
                msg.BANK_BAD_VALUE,
                line=line,
                value=value,
                column=column,
                allowed=msg.BANK_ALLOWED_OR.join(repr(a) for a in allowed),
            ) from None
