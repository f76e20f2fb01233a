"""The shared vocabulary of the bank readers: messages, the error, the result types and
the registry entry every reader module provides.

A reader module (``ing.py``, ``camt053.py``, ...) exposes ``READERS``: a tuple of
`BankReader` values. `mmb.banks` finds the modules by itself, so adding a bank is one new
module plus its fixture.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from mmb.errors import InputError

# ---------------------------------------------------------------------------------------
# User-facing messages.
#
# Every message the bank readers can show is here, so the block can move into one
# catalogue for translation. Each starts with ``{where}`` (file, zip member and line, see
# `Source.where`), names what is wrong in plain words and says what to do.
# ---------------------------------------------------------------------------------------

MSG_CANNOT_OPEN = (
    "{where}: cannot be read ({reason}). Check that the file exists and that you may read it."
)
MSG_TOO_LARGE = (
    "{where}: the file is {size_mb} MB; mmb reads bank exports of at most {limit_mb} MB. "
    "Download a shorter period."
)
MSG_EMPTY = "{where}: the file is empty. Download the export from your bank again."
MSG_UNKNOWN_FORMAT = (
    "{where}: this is not a bank export mmb can read. mmb reads: {formats}. "
    "Download the transactions of the team account again in one of these formats and "
    "replace this file."
)
MSG_OTHER_EXPORT = (
    "{where}: this is {what}, not the transactions of a current account. Download the "
    "transactions (af- en bijschrijvingen) of the team account instead."
)
MSG_INTERNAL = (
    "{where}: mmb could not read this {format_name} file ({reason}). The file may be damaged: "
    "download it again. If that does not help, report this message to the mmb maintainers."
)

MSG_CSV_BROKEN = (
    "{where}: the CSV is damaged ({reason}). The file was probably cut off or edited in a "
    "spreadsheet; download the export again."
)
MSG_NO_HEADER_COLUMN = (
    "{where}: the header of this {format_name} file has no column {column!r}. The file was "
    "probably edited; download the export again."
)
MSG_TOO_FEW_COLUMNS = (
    "{where}: this row has {found} columns where the {format_name} export has {expected}. "
    "The file looks cut off or edited; download the export again."
)
MSG_TOO_MANY_COLUMNS = (
    "{where}: this row has {found} columns where the {format_name} export has {expected}. "
    "A text probably holds an unquoted separator, or the file was edited; download the "
    "export again."
)
MSG_BAD_ROW = (
    "{where}: this line does not have the layout of a {format_name} export. The file looks "
    "cut off or edited; download the export again."
)
MSG_BAD_AMOUNT = (
    "{where}: {value!r} ({column}) is not an amount as the {format_name} export writes them "
    "(e.g. {example}). The file looks damaged or edited; download the export again."
)
MSG_BAD_DATE = (
    "{where}: {value!r} ({column}) is not a valid date written as {pattern}. The file looks "
    "damaged or edited; download the export again."
)
MSG_BAD_VALUE = (
    "{where}: {value!r} ({column}) should be one of {allowed}. The file looks damaged or "
    "edited; download the export again."
)

MSG_XML_BROKEN = (
    "{where}: the XML is damaged ({reason}); the file looks cut off. Download the statement again."
)
MSG_XML_FORBIDDEN = (
    "{where}: the XML declares a document type or entities ({reason}). Bank statements never "
    "do, so mmb refuses to read it. Download the statement again from your bank."
)
MSG_XML_MISSING = (
    "{where}: this CAMT.053 {element_kind} has no {element}. The file looks damaged or "
    "edited; download the statement again."
)

MSG_MT940_NO_STATEMENT = (
    "{where}: no MT940 statement found (no :20: ... :62F: block). Download the statement again."
)
MSG_MT940_MISSING_TAG = (
    "{where}: the MT940 statement that starts here has no {what} ({tag}); the file looks cut "
    "off. Download the statement again."
)
MSG_MT940_BAD_TAG = (
    "{where}: cannot read the MT940 {tag} line {value!r}. The file looks damaged or edited; "
    "download the statement again."
)

MSG_ZIP_BROKEN = "{where}: the zip file is damaged ({reason}). Download it again."
MSG_ZIP_UNSAFE = (
    "{where}: the zip holds an entry with an unsafe name or type ({name!r}); mmb refuses such "
    "zips. Download the export again from your bank."
)
MSG_ZIP_TOO_BIG = (
    "{where}: the zip holds more than {limit_mb} MB or more than {limit_members} files once "
    "unpacked; mmb refuses it. Download a shorter period."
)
MSG_ZIP_ENCRYPTED = (
    "{where}: the zip is password protected ({name!r}). Unpack it yourself and put the "
    "statement files in bank/."
)
MSG_ZIP_EMPTY = "{where}: the zip holds no statement files. Download the export again."
MSG_ZIP_NESTED = (
    "{where}: the zip holds another zip ({name!r}). Unpack it and put the statement files in bank/."
)
MSG_ZIP_MIXED = (
    "{where}: the zip mixes different export formats ({formats}). Put each export in bank/ "
    "as a file of its own."
)

# --- end of messages -------------------------------------------------------------------


class BankFormatError(InputError):
    """A bank export that cannot be read. The message names the file (and zip member and
    line where that applies) and says what to do; `path`, `member` and `line` carry the
    same for callers that report findings."""

    def __init__(
        self,
        message: str,
        *,
        path: Path,
        line: int | None = None,
        member: str | None = None,
    ) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.member = member


@dataclass(frozen=True, slots=True)
class BankTransaction:
    """One booked transaction as the bank wrote it. Money out is negative."""

    account: str
    booking_date: date
    amount: Decimal
    balance_after: Decimal | None
    counterparty: str
    counterparty_iban: str
    description: str
    bank_id: str | None
    code: str
    is_cash: bool
    row: int


@dataclass(frozen=True, slots=True)
class StatementBalance:
    """Opening and closing balance of one statement (CAMT.053, MT940)."""

    account: str
    opening_date: date | None
    opening: Decimal | None
    closing_date: date | None
    closing: Decimal | None


@dataclass(frozen=True)
class BankExport:
    """Everything read from one export file."""

    path: Path
    format: str
    format_name: str
    transactions: tuple[BankTransaction, ...]
    balances: tuple[StatementBalance, ...]


@dataclass(frozen=True)
class Source:
    """The bytes of one export (or of one member of a zip) and how to name it in messages."""

    path: Path
    data: bytes
    member: str | None = None

    @cached_property
    def text(self) -> str:
        """The text, decoded as UTF-8 (with or without BOM) or else as Windows-1252."""
        from mmb.banks._common import decode

        return decode(self.data, "cp1252")

    def text_as(self, legacy_encoding: str) -> str:
        """The text, decoded as UTF-8 where it is valid UTF-8, else as `legacy_encoding`
        (the encoding the bank is known to use for its non-UTF-8 files)."""
        from mmb.banks._common import decode, is_utf8

        if legacy_encoding == "cp1252" or is_utf8(self.data):
            return self.text
        return decode(self.data, legacy_encoding)

    def where(self, line: int | None = None) -> str:
        """``path``, ``path (member)`` and ``:line`` as the start of a message."""
        text = str(self.path)
        if self.member is not None:
            text += f" ({self.member})"
        if line is not None:
            text += f":{line}"
        return text

    def error(self, template: str, line: int | None = None, **fields: object) -> BankFormatError:
        """A `BankFormatError` from one of the message templates above."""
        return BankFormatError(
            template.format(where=self.where(line), **fields),
            path=self.path,
            line=line,
            member=self.member,
        )


Parsed = tuple[list[BankTransaction], list[StatementBalance]]


@dataclass(frozen=True)
class BankReader:
    """A registry entry: one export format.

    `detect` gets the first characters of the decoded file (at most `HEAD_CHARS`) and
    answers whether this reader recognises it; it must be cheap and must not raise.
    `read` returns the transactions in file order (the caller puts them in booking order)
    and the statement balances, raising `BankFormatError` for anything it cannot read.

    `order` says how the file lists rows: ``"oldest_first"`` or ``"newest_first"`` (the
    bank's habit; a file whose dates clearly run the other way is taken as it runs), or
    ``"statements"`` (CAMT/MT940: each statement in booking order, never reversed).
    """

    format: str
    format_name: str
    detect: Callable[[str], bool]
    read: Callable[[Source], Parsed]
    order: str = "oldest_first"


HEAD_CHARS = 8192
