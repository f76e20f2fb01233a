"""The team's cash book, `ledger.csv` (SPEC 2.3): one row per bank transaction.

Reading is forgiving and exact: every bad cell becomes a finding on its spreadsheet row
(header = row 1) and the other rows are still read. Writing keeps the file's dialect
(delimiter, decimal separator, quoting, line ends, byte order mark, column order) and
every row mmb did not change exactly as it was found, and escapes text that a
spreadsheet would run as a formula. Importing matches transactions by content (booking
date and amount, plus the balance after the transaction where both sides have one,
otherwise counterparty and description), counting repeats, so the same transactions
downloaded again, over an overlapping period or in another format are added once.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from operator import attrgetter
from pathlib import Path

from mmb import messages as msg
from mmb.files import (
    ABSENT,
    MAX_DATA_BYTES,
    FileState,
    TeamFileError,
    content_digest,
    read_team_file_info,
)
from mmb.findings import Finding, finding
from mmb.money import MoneyError, money_str, parse_money
from mmb.text import clip, normalise_space

LEDGER_FILE = "ledger.csv"
#: Largest ledger.csv mmb reads (a city team has a few thousand rows a year).
MAX_LEDGER_BYTES = MAX_DATA_BYTES

#: The columns of ledger.csv, in order.
LEDGER_COLUMNS: tuple[str, ...] = (
    "id", "date", "amount", "balance", "counterparty", "counterparty_iban", "description",
    "source", "case", "kind", "receipt", "note",
)
TEXT_COLUMNS = ("id", "counterparty", "counterparty_iban", "description", "source", "case",
                "kind", "receipt", "note")

#: Values of the `kind` column; empty means a payment for (or refund from) a case.
KINDS: tuple[str, ...] = ("deposit", "refund", "bank_costs", "transfer", "correction", "other")
MISSING_RECEIPT = "missing"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def header_line() -> str:
    """The header row of a new ledger.csv."""
    return ",".join(LEDGER_COLUMNS) + "\n"


_FORMULA_CHARS = frozenset(_FORMULA_START)
_NO_QUOTES = (False,) * len(LEDGER_COLUMNS)


def csv_safe(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    if text[:1] in _FORMULA_CHARS:
        text = "'" + text
    if "\r" in text:
        # csv quotes a cell holding "\n" but not one holding a bare "\r", which would
        # then split the row: carriage returns inside a cell are stored as line breaks.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def csv_unescape(text: str) -> str:
    """Undo `csv_safe` when reading back."""
    if text.startswith("'") and text[1:2] and text[1:].startswith(_FORMULA_START):
        return text[1:]
    return text


#: Whitespace-normalised text, for matching descriptions across downloads.
normalise_text = normalise_space


#: A found row: its text as written (line end included), its cells as read, and its
#: values as read, in `_VALUES` order.
Found = tuple[str, list[str], tuple[object, ...]]


@dataclass(frozen=True)
class LedgerDialect:
    """How a ledger.csv is written: what a spreadsheet made of it (Dutch Excel saves
    `;`, decimal commas, CRLF and, as "CSV UTF-8", a byte order mark), so that mmb writes
    it back the same way and the spreadsheet keeps showing columns.

    `header` is the header row as found (line end included); `width` its number of cells
    and `positions` the cell of each of `LEDGER_COLUMNS`, so that the columns keep the
    file's order. `quoted`/`quoted_empty`: per cell of a row, whether the file quotes a
    value (an empty one) there even where no quote is needed."""

    delimiter: str = ","
    decimal: str = "."
    newline: str = "\n"
    bom: bool = False
    final_newline: bool = True
    header: str = ""
    width: int = 0
    positions: tuple[int, ...] = ()
    quoted: tuple[bool, ...] = ()
    quoted_empty: tuple[bool, ...] = ()


DEFAULT_DIALECT = LedgerDialect(
    header=",".join(LEDGER_COLUMNS) + "\n", width=len(LEDGER_COLUMNS),
    positions=tuple(range(len(LEDGER_COLUMNS))), quoted=_NO_QUOTES, quoted_empty=_NO_QUOTES)


@dataclass(slots=True)
class LedgerRow:
    """One transaction in the cash book; `row` is its spreadsheet row (0 when new)."""

    date: date
    amount: Decimal
    balance: Decimal | None = None
    counterparty: str = ""
    counterparty_iban: str = ""
    description: str = ""
    source: str = ""
    case: str = ""
    kind: str = ""
    receipt: str = ""
    note: str = ""
    id: str = ""
    row: int = 0
    #: How the row was found in ledger.csv (None for a new row): its text as written, its
    #: cells, and its values as read (`_VALUES` order). Writing the file back keeps a row
    #: whose values did not change exactly as it was found, and the other cells of a row
    #: mmb changed (see `ledger_bytes`).
    found: Found | None = field(default=None, compare=False, repr=False)

    @property
    def is_payment(self) -> bool:
        """Money out for a case (no kind)."""
        return self.amount < 0 and not self.kind

    def receipts(self) -> list[str]:
        if not self.receipt or self.receipt == MISSING_RECEIPT:
            return []
        return [p.strip() for p in self.receipt.split(";") if p.strip()]

    def cells(self) -> list[str]:
        """The cells of this row in `LEDGER_COLUMNS` order, text cells formula-safe."""
        texts = [self.id, self.counterparty, self.counterparty_iban, self.description,
                 self.source, self.case, self.kind, self.receipt, self.note]
        # The common case, made fast: no cell starts like a formula or holds a "\r" (a
        # NUL before each cell marks the starts; a NUL inside a cell only means the slow
        # path).
        joined = "\x00" + "\x00".join(texts)
        if ("\r" in joined or "\x00=" in joined or "\x00+" in joined or "\x00-" in joined
                or "\x00@" in joined or "\x00\t" in joined or "\x00\n" in joined):
            texts = [csv_safe(t) for t in texts]
        return [texts[0], self.date.isoformat(), money_str(self.amount),
                "" if self.balance is None else money_str(self.balance), *texts[1:]]


#: A row's values in `LEDGER_COLUMNS` order (what `Found` keeps of a row as read).
_VALUES = attrgetter(*(c for c in LEDGER_COLUMNS))


@dataclass
class Ledger:
    """ledger.csv as read: rows that could be read, and findings for those that could not."""

    rows: list[LedgerRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    exists: bool = False
    raw: bytes = b""
    readable: bool = True
    #: False when writing `rows` back would lose something the file holds: a row that
    #: could not be read, a cell that was not kept (a bad balance or kind) or an unknown
    #: column. Then the file must be fixed before mmb rewrites it.
    complete: bool = True
    #: Rows that could not be read (no date or amount): every sum leaves them out.
    unread_rows: list[int] = field(default_factory=list)
    #: Size and modification time of the file as read (see `state`).
    size: int = 0
    mtime_ns: int = 0
    #: How the file was written, so that mmb writes it back the same way.
    dialect: LedgerDialect = field(default_factory=lambda: DEFAULT_DIALECT)

    def state(self) -> FileState:
        """The file as it was read, for `atomic_write_bytes(unchanged=...)`."""
        if not self.exists:
            return ABSENT
        return FileState(True, self.size, self.mtime_ns, content_digest(self.raw))


def read_ledger(root: Path, rel: str = LEDGER_FILE) -> Ledger:
    """Read `ledger.csv` of a team folder (an absent file is an empty ledger)."""
    ledger = Ledger()
    try:  # the one safe way to read a team file (no link out, regular, bounded)
        ledger.raw, _, info = read_team_file_info(root, LEDGER_FILE, MAX_LEDGER_BYTES)
    except FileNotFoundError:
        return ledger
    except TeamFileError as exc:
        ledger.exists = True
        ledger.findings.append(exc.finding(rel))
        ledger.readable = False
        return ledger
    ledger.exists = True
    # Taken after the read, from the file read: a save meanwhile shows when the file is
    # written back (`Ledger.state`).
    ledger.size, ledger.mtime_ns = info.st_size, info.st_mtime_ns
    if b"\x00" in ledger.raw:  # not text: say so, and quote none of it
        ledger.findings.append(finding("MMB001", rel, 1, msg.FILE_BINARY))
        ledger.readable = False
        return ledger
    ledger_bom = ledger.raw.startswith(codecs.BOM_UTF8)
    try:
        text = ledger.raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = ledger.raw[: exc.start].count(b"\n") + 1
        ledger.findings.append(finding("MMB001", rel, line, msg.LEDGER_NOT_UTF8))
        ledger.readable = False
        return ledger
    from mmb.files import merge_conflict

    conflict = merge_conflict(text, rel)
    if conflict is not None:  # one finding, not "fill the empty cells" on every marker
        ledger.findings.append(conflict)
        ledger.readable = False
        ledger.complete = False
        return ledger
    parse_ledger_text(text, rel, ledger, bom=ledger_bom)
    return ledger


def parse_ledger_text(text: str, rel: str, ledger: Ledger | None = None, *,
                      bom: bool = False) -> Ledger:
    """Parse ledger.csv text into rows and findings, and note its dialect (`bom`: the
    file began with a UTF-8 byte order mark, which `text` no longer holds)."""
    ledger = ledger or Ledger(exists=True)
    if not text.strip():
        return ledger
    lines = _lines(text)
    first = lines[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header_cells = next(reader)
    except (csv.Error, StopIteration):
        ledger.findings.append(finding("MMB001", rel, 1, msg.LEDGER_NO_HEADER))
        ledger.readable = False
        return ledger
    header = [h.strip().lower() for h in header_cells]
    # Empty cells after the last column name (a spreadsheet saves the columns it used)
    # name no column: a row may leave them empty, but a value there is in no column.
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    missing = [c for c in LEDGER_COLUMNS if c not in header]
    unknown = [h for h in header[:width] if h not in LEDGER_COLUMNS]
    if missing or unknown:
        if len(missing) == len(LEDGER_COLUMNS):
            # Not a ledger at all: say so without quoting any of it (it may be anything).
            problem = msg.LEDGER_NOT_A_LEDGER.format(expected=",".join(LEDGER_COLUMNS))
        else:
            problem = msg.LEDGER_HEADER.format(
                missing=", ".join(missing) or "-", unknown=_names(unknown) or "-",
                expected=",".join(LEDGER_COLUMNS))
        ledger.findings.append(finding("MMB002", rel, 1, problem))
        ledger.complete = False  # an unknown column would be dropped on rewrite
        if missing:
            ledger.readable = False
            return ledger
    order = [header.index(name) for name in LEDGER_COLUMNS]
    if order == _CANONICAL:
        order = _CANONICAL  # mmb's own column order: `_parse_row` takes a shortcut
    apostrophes = "'" in text  # else no cell is escaped (`csv_safe`)
    start = reader.line_num  # the lines of the record being read begin here
    header_text = "".join(lines[:start])
    sample: list[tuple[int, list[str], str]] = []  # the first rows: how the file writes
    append = ledger.rows.append
    row_no = 1
    try:
        for cells in reader:
            row_no += 1
            end = reader.line_num
            raw = lines[start] if end == start + 1 else "".join(lines[start:end])
            start = end
            if not (cells and cells[0].strip()) and not "".join(cells).strip():
                continue  # a blank row
            if len(sample) < _SAMPLE_ROWS:
                sample.append((row_no, cells, raw))
            if len(cells) > width and "".join(cells[width:]).strip():
                _extra_cells(cells, width, row_no, rel, ledger)
            parsed = _parse_row(cells, order, row_no, rel, ledger, apostrophes)
            if parsed is not None:
                parsed.found = (raw, cells, _VALUES(parsed))
                append(parsed)
    except csv.Error as exc:
        ledger.findings.append(finding("MMB001", rel, row_no + 1, msg.LEDGER_CSV_ERROR.format(
            reason=str(exc))))
        ledger.readable = False
    ledger.dialect = _dialect(header_text, header_cells, sample, delimiter, order, bom,
                              lines[-1])
    return ledger


def _names(values: Sequence[str], most: int = 5) -> str:
    """Header cells a finding quotes: the first few, each masked and clipped."""
    shown = ", ".join(clip(_masked(v), 30) for v in values[:most])
    return shown + (msg.LEDGER_MORE_NAMES.format(count=len(values) - most)
                    if len(values) > most else "")


def _lines(text: str) -> list[str]:
    """The lines of `text`, each with its own line end (CR, LF or CRLF, as the csv
    module sees them)."""
    return io.StringIO(text, newline="").readlines()


_LINE_ENDS = ("\r\n", "\n", "\r")
#: Rows looked at to learn how a file writes its amounts and quotes its cells.
_SAMPLE_ROWS = 200


def _line_end(line: str) -> str:
    return next((end for end in _LINE_ENDS if line.endswith(end)), "")


def _dialect(header_text: str, header_cells: list[str],
             sample: Sequence[tuple[int, list[str], str]], delimiter: str,
             order: list[int], bom: bool, last_line: str) -> LedgerDialect:
    """The dialect of a ledger.csv as found (see `LedgerDialect`)."""
    newline = _line_end(header_text) or "\n"
    # The decimal separator new amounts get: the one the file's amounts use (a lone
    # separator before one or two digits); the usual one for its delimiter when no
    # amount shows it. Reading does not depend on it: every amount is read by itself,
    # exactly, and one that could be read two ways is reported (`_parse_amount`).
    marks = {".": 0, ",": 0}
    for _, cells, _ in sample:
        for position in (order[2], order[3]):
            if position < len(cells):
                mark = _decimal_mark(cells[position])
                if mark is not None:
                    marks[mark] += 1
    decimal = ("," if marks[","] > marks["."] else "." if marks["."] > marks[","]
               else "," if delimiter == ";" else ".")
    width = len(header_cells)
    quoted, quoted_empty = _quoting(header_text, width, sample, delimiter)
    dialect = LedgerDialect(
        delimiter=delimiter, decimal=decimal, newline=newline, bom=bom,
        final_newline=bool(_line_end(last_line)), header=header_text, width=width,
        positions=tuple(order), quoted=quoted, quoted_empty=quoted_empty)
    # mmb's own files: the one default value.
    return DEFAULT_DIALECT if dialect == DEFAULT_DIALECT else dialect


def _decimal_mark(text: str) -> str | None:
    """The decimal separator an amount as written uses: the last `.` or `,` when one or
    two digits follow it; None when it shows none (`1234`, `1.234.567`, `12.345`)."""
    text = text.strip()
    cut = max(text.rfind("."), text.rfind(","))
    if cut < 0:
        return None
    tail = text[cut + 1:].rstrip("€ \u00a0").removesuffix("EUR").rstrip()
    return text[cut] if 1 <= len(tail) <= 2 and tail.isdigit() else None


def _quoting(header_text: str, width: int, sample: Sequence[tuple[int, list[str], str]],
             delimiter: str) -> tuple[tuple[bool, ...], tuple[bool, ...]]:
    """Per cell of a row: whether the file quotes every value there (a quote that is not
    needed counts as the file's style), and every empty cell. Learnt from the rows
    looked at; a cell never seen filled follows the header, one never seen empty the
    other empty cells."""
    header_quoted = _quoted_cells(header_text, delimiter)
    filled: list[bool | None] = [None] * width
    empty: list[bool | None] = [None] * width
    for _, cells, raw in sample:
        flags = _quoted_cells(raw, delimiter)
        for i, (cell, flag) in enumerate(zip(cells[:width], flags, strict=False)):
            seen = empty if cell == "" else filled
            if cell and _needs_quotes(cell, delimiter):
                continue  # quoted because it must be: says nothing about the style
            seen[i] = flag if seen[i] is None else (seen[i] and flag)
    quoted = tuple(bool(header_quoted[i] if i < len(header_quoted) else False)
                   if f is None else f for i, f in enumerate(filled))
    seen_empty = [e for e in empty if e is not None]
    usual = bool(seen_empty) and all(seen_empty)  # a cell never seen empty: as the others
    return quoted, tuple(usual if e is None else e for e in empty)


def _quoted_cells(raw: str, delimiter: str) -> list[bool]:
    """Whether each cell of one record as written (`raw`) is in quotes."""
    text = raw[: len(raw) - len(_line_end(raw))]
    flags: list[bool] = []
    i, n = 0, len(text)
    while True:
        quoted = i < n and text[i] == '"'
        flags.append(quoted)
        if quoted:
            i += 1
            while i < n:
                if text[i] == '"':
                    if text[i + 1:i + 2] == '"':
                        i += 2
                        continue
                    i += 1
                    break
                i += 1
        cut = text.find(delimiter, i)
        if cut < 0:
            return flags
        i = cut + 1


def _needs_quotes(cell: str, delimiter: str) -> bool:
    return delimiter in cell or '"' in cell or "\n" in cell or "\r" in cell


_CANONICAL = list(range(len(LEDGER_COLUMNS)))
_TEXT_POSITIONS = [LEDGER_COLUMNS.index(c) for c in TEXT_COLUMNS]


def _extra_cells(cells: list[str], width: int, row_no: int, rel: str, ledger: Ledger) -> None:
    """A row with a value after the last column (a note typed one column too far right):
    rewriting the file would drop it, so it is an error the coordinator must fix first."""
    for number, cell in enumerate(cells[width:], start=width + 1):
        if cell.strip():
            value = cell.strip()
            ledger.findings.append(finding("MMB002", rel, row_no, msg.LEDGER_EXTRA_CELL.format(
                cell=number, letter=column_letter(number), width=width,
                value=value if len(value) <= 40 else value[:39] + "…")))
    ledger.complete = False


def column_letter(number: int) -> str:
    """The spreadsheet name of column `number` (1 = A, 27 = AA)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _parse_row(cells: list[str], order: list[int], row_no: int, rel: str,
               ledger: Ledger, apostrophes: bool = True) -> LedgerRow | None:
    """One row, or None when it cannot be read; its problems go to `ledger.findings`.
    `order`: the position of each of `LEDGER_COLUMNS` in the file; `apostrophes`: whether
    the file holds any (else no cell needs `csv_unescape`)."""
    out = ledger.findings
    needed = len(order) if order is _CANONICAL else max(order) + 1
    if len(cells) < needed:
        out.append(finding("MMB002", rel, row_no, msg.LEDGER_SHORT_ROW.format(
            count=len(cells), expected=needed)))
        ledger.complete = False
        ledger.unread_rows.append(row_no)
        return None

    # The cells in column order (this runs for every row of a big ledger; the columns are
    # nearly always in mmb's own order).
    if order is _CANONICAL:
        values = list(map(str.strip, cells if len(cells) == needed else cells[:needed]))
    else:
        values = [cells[i].strip() for i in order]
    if apostrophes:
        for i in _TEXT_POSITIONS:
            if values[i][:1] == "'":
                values[i] = csv_unescape(values[i])
    (id_, day_text, amount_text, balance_text, counterparty, counterparty_iban, description,
     source, case, kind, receipt, note) = values
    problems: list[str] = []
    day = _parse_date(day_text)
    if day is None:
        problems.append(msg.LEDGER_BAD_DATE.format(value=clip(_masked(day_text))))
    amount = _parse_amount(amount_text, problems, "amount")
    balance = _parse_amount(balance_text, problems, "balance") if balance_text else None
    if kind and kind not in KINDS:
        problems.append(msg.LEDGER_BAD_KIND.format(value=clip(_masked(kind)),
                                                   kinds=", ".join(KINDS)))
    if kind == "other" and not note:
        problems.append(msg.LEDGER_NOTE_OTHER)
    if receipt == MISSING_RECEIPT and not note:
        problems.append(msg.LEDGER_NOTE_MISSING)
    for problem in problems:
        out.append(finding("MMB002", rel, row_no, problem))
    if (day is None or amount is None or (balance_text and balance is None)
            or (kind and kind not in KINDS)):
        ledger.complete = False  # the row, or a cell of it, would not be written back
    if day is None or amount is None:
        ledger.unread_rows.append(row_no)
        return None
    return LedgerRow(day, amount, balance, counterparty, counterparty_iban, description,
                     source, case.lstrip("#"), kind if kind in KINDS else "", receipt, note,
                     id_, row_no)


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    m = _DMY.match(text)  # a spreadsheet may have rewritten 2026-03-02 as 2-3-2026
    if m:
        try:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            return None
    return None


_PLAIN_AMOUNT = re.compile(r"-?\d{1,15}\.\d{2}")
_PLAIN_COMMA_AMOUNT = re.compile(r"-?\d{1,15},\d{2}")


def _parse_amount(text: str, problems: list[str], column: str) -> Decimal | None:
    if _PLAIN_AMOUNT.fullmatch(text):  # the form mmb writes: the common case, made fast
        return Decimal(text)
    if _PLAIN_COMMA_AMOUNT.fullmatch(text):  # the same in a file with decimal commas
        return Decimal(text.replace(",", "."))
    try:
        return parse_money(text, allow_negative=True)
    except MoneyError as exc:
        problems.append(f"{column}: {exc}")
        return None


_SEPARATORS = len(LEDGER_COLUMNS) - 1


def ledger_text(rows: Iterable[LedgerRow]) -> str:
    """ledger.csv text for `rows` (comma-separated, formula-safe), exactly as
    `csv.writer` writes it. A row none of whose cells holds a comma, a quote or a line
    break needs no quoting and is joined directly (the common case, three times faster);
    any other row goes through `csv.writer`."""
    lines = [",".join(LEDGER_COLUMNS) + "\n"]
    append = lines.append
    quoted = io.StringIO()
    writer = csv.writer(quoted, lineterminator="\n")
    for r in rows:
        cells = r.cells()
        line = ",".join(cells)
        if line.count(",") == _SEPARATORS and '"' not in line and "\n" not in line:
            append(line + "\n")
            continue
        writer.writerow(cells)
        append(quoted.getvalue())
        quoted.seek(0)
        quoted.truncate()
    return "".join(lines)


def ledger_bytes(rows: Sequence[LedgerRow], dialect: LedgerDialect = DEFAULT_DIALECT) -> bytes:
    """ledger.csv holding `rows`, in the dialect the file was found in (a new ledger:
    mmb's own, the same text as `ledger_text`).

    A row read from the file whose values did not change is written exactly as it was
    found (its text, quotes, spelling of dates and amounts, line end); a row mmb changed
    keeps its other cells as they were and gets the changed ones in the file's dialect;
    a new row is written in the dialect, its cells in the file's column order. The header
    row, the delimiter, the line ends, the byte order mark and a missing last line end
    are the file's."""
    newline = dialect.newline
    header = dialect.header or header_line()
    if rows and not _line_end(header):
        header += newline
    parts = [header]
    append = parts.append
    plain = not (any(dialect.quoted) or any(dialect.quoted_empty))
    canonical = dialect.positions == DEFAULT_DIALECT.positions and dialect.width == len(
        LEDGER_COLUMNS)
    delimiter = dialect.delimiter
    separators = dialect.width - 1
    for r in rows:
        found = r.found
        if found is not None:
            raw, cells, values = found
            now = _VALUES(r)
            if now == values:
                append(raw if _line_end(raw) else raw + newline)
                continue
            fields = _dialect_cells(r, dialect)
            out = cells + [""] * (dialect.width - len(cells))
            for k, position in enumerate(dialect.positions):
                if now[k] != values[k]:
                    out[position] = fields[k]
        else:
            fields = _dialect_cells(r, dialect)
            if canonical:
                out = fields
            else:
                out = [""] * dialect.width
                for k, position in enumerate(dialect.positions):
                    out[position] = fields[k]
        if plain:
            line = delimiter.join(out)
            if (line.count(delimiter) == separators and '"' not in line and "\n" not in line
                    and "\r" not in line):
                append(line + newline)
                continue
        append(delimiter.join(_cell(c, i, dialect) for i, c in enumerate(out)) + newline)
    text = "".join(parts)
    if not dialect.final_newline:
        text = text[: len(text) - len(_line_end(text))]
    data = text.encode("utf-8")
    return codecs.BOM_UTF8 + data if dialect.bom else data


def _dialect_cells(r: LedgerRow, dialect: LedgerDialect) -> list[str]:
    """`r.cells()` with the amounts in the dialect's decimal separator."""
    cells = r.cells()
    if dialect.decimal != ".":
        cells[2] = cells[2].replace(".", dialect.decimal)
        cells[3] = cells[3].replace(".", dialect.decimal)
    return cells


def _cell(cell: str, position: int, dialect: LedgerDialect) -> str:
    """One cell as the dialect writes it: in quotes where it must be (a delimiter, a quote
    or a line break in it) or where the file quotes every cell of its column."""
    if not cell:
        forced = position < len(dialect.quoted_empty) and dialect.quoted_empty[position]
        return '""' if forced else ""
    if _needs_quotes(cell, dialect.delimiter) or (
            position < len(dialect.quoted) and dialect.quoted[position]):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def write_ledger(root: Path, ledger: Ledger, rows: Sequence[LedgerRow]) -> None:
    """Write `rows` to the team's ledger.csv atomically, in the dialect `ledger` was read
    in, unless the file changed since `ledger` was read from it (`ConflictError`, checked
    right before the rename); a failure to write is an `InputError`. Either way the file
    is left as it was. The one way mmb writes ledger.csv."""
    from mmb.errors import InputError
    from mmb.files import atomic_write_bytes

    try:
        atomic_write_bytes(root / LEDGER_FILE, ledger_bytes(rows, ledger.dialect),
                           unchanged=ledger.state(), rel=LEDGER_FILE)
    except OSError as exc:
        raise InputError(msg.R_WRITE_FAILED.format(
            path=LEDGER_FILE, reason=exc.strerror or str(exc))) from None


def sort_rows(rows: Sequence[LedgerRow]) -> list[LedgerRow]:
    """Date order; within a day the order they have (bank order), stable."""
    return sorted(rows, key=_BY_DATE)


_BY_DATE = attrgetter("date")


# --------------------------------------------------------------------------- import

def _content(account: str, r: LedgerRow) -> str:
    """The content of a transaction as text: what its content id is made of."""
    return _ContentTexts(account)(r)


class _ContentTexts:
    """The content texts of the many rows of one export (`_content`), with the parts that
    repeat (dates, amounts, counterparties) made once."""

    __slots__ = ("account", "amounts", "days", "parties")

    def __init__(self, account: str) -> None:
        self.account = account
        self.days: dict[date, str] = {}
        self.amounts: dict[Decimal, str] = {}
        self.parties: dict[str, str] = {}

    def __call__(self, r: LedgerRow) -> str:
        day = self.days.get(r.date)
        if day is None:
            day = self.days[r.date] = r.date.isoformat()
        amount = self.amounts.get(r.amount)
        if amount is None:
            amount = self.amounts[r.amount] = money_str(r.amount)
        party = self.parties.get(r.counterparty)
        if party is None:
            party = self.parties[r.counterparty] = normalise_text(r.counterparty)
        balance = "" if r.balance is None else money_str(r.balance)
        return (f"{self.account}|{day}|{amount}|{balance}|{party}|"
                f"{normalise_text(r.description)}")


def content_id(account: str, r: LedgerRow, occurrence: int, content: str | None = None) -> str:
    """A stable id for a transaction without a bank id: the same content gives the same
    id on every download; the n-th identical transaction of a day gets its own."""
    text = _content(account, r) if content is None else content
    digest = hashlib.sha1(f"{text}|{occurrence}".encode()).hexdigest()
    return "mmb-" + digest[:12]


def _text_key(r: LedgerRow) -> tuple[str, str]:
    return normalise_text(r.counterparty), normalise_text(r.description)


def same_transaction(a: LedgerRow, b: LedgerRow) -> bool:
    """True when two rows of the same date and amount are the same bank transaction:
    the same balance after it where both give one, else the same counterparty and
    description (whitespace-normalised)."""
    if a.balance is not None and b.balance is not None:
        return a.balance == b.balance
    return _text_key(a) == _text_key(b)


@dataclass(frozen=True)
class Doubt:
    """Rows of an export that may or may not be ledger rows already: the same date,
    amount and counterparty account, another text, no balances to tell, and not as many
    on each side (`match_rows`). Indices into the export's rows and into the ledger."""

    incoming: tuple[int, ...]
    ledger: tuple[int, ...]


def match_rows(ledger: Sequence[LedgerRow], incoming: Sequence[LedgerRow], *,
               account: str | None = None,
               account_of: Callable[[LedgerRow], str | None] | None = None,
               doubts: list[Doubt] | None = None) -> list[int | None]:
    """For each incoming row (the rows of one export), the index of the ledger row it is
    (None: not in the ledger).

    Each ledger row is claimed at most once per export, so two identical coffees in one
    export need two rows, and downloading them again matches the same two.

    First by content: date, amount, and the balance after the transaction where both
    give one, else counterparty and description. Then, for the rows left, where there
    are no two balances to compare: a bank may word a transaction differently in a later
    download (or another format), so rows of the same date, amount and counterparty account
    (`account`: the export's own account; `account_of`: a ledger row's, None when not
    known) with another text are the same transactions when the bank's transaction id
    says so, or when the export holds exactly as many of them as the ledger holds rows
    from an export that it has not matched: then they are matched in order. When the
    numbers differ, which is which cannot be proven: the rows are left unmatched and,
    when `doubts` is given, reported there, so that the caller refuses rather than
    counts a transaction twice or drops one.
    """
    if not ledger:  # a first import: nothing to match
        return [None] * len(incoming)
    buckets: dict[tuple[date, Decimal], list[int]] = defaultdict(list)
    for i, r in enumerate(ledger):
        buckets[(r.date, r.amount)].append(i)
    texts: dict[int, tuple[str, str]] = {}  # normalised once per ledger row, when needed
    result: list[int | None] = []
    left = False
    for row in incoming:
        found = None
        candidates = buckets.get((row.date, row.amount))
        if candidates:
            own_text: tuple[str, str] | None = None
            for pos, i in enumerate(candidates):
                other = ledger[i]
                if row.balance is not None and other.balance is not None:
                    same = row.balance == other.balance
                else:
                    if own_text is None:
                        own_text = _text_key(row)
                    if i not in texts:
                        texts[i] = _text_key(other)
                    same = texts[i] == own_text
                if same:
                    found = i
                    del candidates[pos]  # claimed: not matched again within this export
                    break
            else:
                left = True  # unmatched with ledger rows of its date and amount left
        result.append(found)
    if left:
        _match_reworded(ledger, incoming, result, buckets, account, account_of, doubts)
    return result


def _iban_key(text: str) -> str:
    return "".join(text.split()).upper()


def _match_reworded(ledger: Sequence[LedgerRow], incoming: Sequence[LedgerRow],
                    result: list[int | None], buckets: dict[tuple[date, Decimal], list[int]],
                    account: str | None, account_of: Callable[[LedgerRow], str | None] | None,
                    doubts: list[Doubt] | None) -> None:
    """The second step of `match_rows`, for the rows the first left unmatched."""
    groups: dict[tuple[date, Decimal, str, bool], list[int]] = defaultdict(list)
    for k, (row, match) in enumerate(zip(incoming, result, strict=True)):
        if match is None and buckets.get((row.date, row.amount)):
            groups[(row.date, row.amount, _iban_key(row.counterparty_iban),
                    row.balance is not None)].append(k)
    for (day, amount, iban, has_balance), mine in groups.items():
        theirs = [i for i in buckets[(day, amount)]
                  if ledger[i].source  # from an export: a row typed in by hand is not one
                  and not (has_balance and ledger[i].balance is not None)
                  and _iban_key(ledger[i].counterparty_iban) == iban
                  and (account is None or account_of is None
                       or account_of(ledger[i]) in (None, account))]
        if not theirs:
            continue  # new transactions
        # The bank's own transaction id, where it gives one, proves it.
        for k in [k for k in mine if incoming[k].id]:
            same_id = next((i for i in theirs if ledger[i].id == incoming[k].id), None)
            if same_id is not None:
                result[k] = same_id
                buckets[(day, amount)].remove(same_id)
                mine.remove(k)
                theirs.remove(same_id)
        if not mine:
            continue
        if len(theirs) == len(mine):
            for k, i in zip(mine, theirs, strict=True):
                result[k] = i
                buckets[(day, amount)].remove(i)
        elif doubts is not None:
            doubts.append(Doubt(tuple(mine), tuple(theirs)))


@dataclass(frozen=True)
class ExportSummary:
    source: str
    format_name: str
    accounts: tuple[str, ...]
    transactions: int
    new: int


def content_ids(rows: Sequence[LedgerRow], account: str, needed: Sequence[bool]
                ) -> tuple[list[str | None], list[int]]:
    """For the rows of one export, in order: the content id of each row where `needed`
    (None elsewhere), and the occurrence of each row's content (1 for the first of that
    content, 2 for the second identical coffee of the day, ...). Rows of one date depend
    on each other only, so the rows may be split at a change of date and done apart.
    Only the days with a row that needs an id are counted (the rows of other days get
    occurrence 0): downloading days the ledger holds already costs nothing here."""
    content = _ContentTexts(account)
    days = {r.date for r, wanted in zip(rows, needed, strict=True) if wanted}
    seen: dict[str, int] = {}
    ids: list[str | None] = []
    occurrences: list[int] = []
    sha1 = hashlib.sha1
    for row, wanted in zip(rows, needed, strict=True):
        if row.date not in days:
            occurrences.append(0)
            ids.append(None)
            continue
        key = content(row)
        n = seen[key] = seen.get(key, 0) + 1
        occurrences.append(n)
        # `content_id(account, row, n, key)`, written out: this runs for every new row.
        ids.append("mmb-" + sha1(f"{key}|{n}".encode()).hexdigest()[:12] if wanted else None)
    return ids, occurrences


def _occurrence(rows: Sequence[LedgerRow], index: int, account: str) -> int:
    """The occurrence of the content of `rows[index]` (as `content_ids` counts), for the
    rare row whose occurrence was not counted beforehand."""
    content = _ContentTexts(account)
    key = content(rows[index])
    day = rows[index].date
    return sum(1 for r in rows[:index + 1] if r.date == day and content(r) == key)


def new_rows(matches: Sequence[int | None], bank_ids: Sequence[str | None]) -> list[bool]:
    """Which rows of an export need a content id: those not in the ledger yet and without
    an id of the bank's."""
    return [m is None and not b for m, b in zip(matches, bank_ids, strict=True)]


def merge_export(rows: list[LedgerRow], incoming: Sequence[LedgerRow], account: str,
                 bank_ids: Sequence[str | None], *, adopt: bool = False,
                 held: list[LedgerRow] | None = None,
                 matches: Sequence[int | None] | None = None,
                 ids: tuple[Sequence[str | None], Sequence[int]] | None = None,
                 ) -> list[LedgerRow]:
    """Add the incoming rows that are not in `rows` yet; return the added rows.

    New rows get the bank's id where it has one that is not taken, else a content id.
    `adopt`: the incoming rows are the caller's to give away, so the new ones are added
    themselves (their `id` and `row` set) rather than as copies. `held`: filled with the
    ledger row each incoming row is (the one it matched, or the one added for it).
    `matches` (`match_rows`) and `ids` (`content_ids` of the `new_rows`) when the caller
    made them already.
    """
    if matches is None:
        matches = match_rows(rows, incoming)
    if ids is None:
        ids = content_ids(incoming, account, new_rows(matches, bank_ids))
    content_of, occurrences = ids
    taken = {r.id for r in rows if r.id}
    added: list[LedgerRow] = []
    for i, (row, match, bank_id) in enumerate(zip(incoming, matches, bank_ids, strict=True)):
        if match is not None:
            if held is not None:
                held.append(rows[match])
            continue
        if bank_id and bank_id not in taken:
            new_id = bank_id
        else:  # a content id: made already, or (a bank id taken) made here
            n = occurrences[i] or _occurrence(incoming, i, account)
            new_id = content_of[i] or content_id(account, row, n)
            while new_id in taken:  # a clash of ids from different banks: keep them unique
                new_id = content_id(account + "'", row, n)
                n += 1
        taken.add(new_id)
        if adopt:
            row.id, row.row = new_id, 0
            new = row
        else:
            new = replace(row, id=new_id, row=0)
        added.append(new)
        if held is not None:
            held.append(new)
    rows.extend(added)
    return added


def _masked(value: str) -> str:
    """A cell echoed in a finding, with personal data in it masked (`mmb.privacy.mask`)."""
    from mmb.privacy import mask

    return mask(value)
