"""The shared vocabulary of the bank readers: the error, the result types and the registry
entry every reader module provides. Their messages are the ``BANK_*`` templates in
`mmb.messages`.

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


class BankFormatError(InputError):
    """A bank export that cannot be read. The message names the file (and zip member and
    line where that applies) and says what to do; `path`, `member` and `line` carry the
    same for callers that report findings, and `code` the rule code `mmb validate`
    reports it under (MMB001, or MMB002 for a value the file holds that mmb does not
    accept, like a part of a cent)."""

    def __init__(
        self,
        message: str,
        *,
        path: Path,
        line: int | None = None,
        member: str | None = None,
        code: str = "MMB001",
    ) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.member = member
        self.code = code


@dataclass(slots=True)
class BankTransaction:
    """One booked transaction as the bank wrote it. Money out is negative. Treat it as
    immutable (use `dataclasses.replace`); it is not frozen only because a frozen
    dataclass takes six times as long to build, and exports hold 100,000 of these."""

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
    #: The balance before the transaction where the export states it (ABN AMRO TXT's start
    #: balance, de Volksbank's "saldo voor mutatie"); checked against `balance_after`.
    balance_before: Decimal | None = None
    #: The end-to-end id the payer gave the transfer (CAMT ``EndToEndId``, MT940
    #: ``/EREF/``, Rabobank's Transactiereferentie), where the export has one: links a
    #: transfer ordered with `mmb pay` to its case.
    end_to_end_id: str | None = None


@dataclass(frozen=True, slots=True)
class StatementBalance:
    """The balances one statement states (CAMT.053, MT940), or that the balance column of
    a CSV export states for one account (`from_rows`): the opening balance, the closing
    balance, and what the statement's own transactions add up to.

    For a CSV the opening is the balance before its first row (stated by de Volksbank and
    ABN AMRO; for ING, Rabobank and Triodos the stated balance after the first row minus
    its amount) and the closing the balance after its last row, in the bank's order."""

    account: str
    opening_date: date | None
    opening: Decimal | None
    closing_date: date | None
    closing: Decimal | None
    #: Where the opening and closing balances are written (line in the file or zip member).
    opening_line: int | None = None
    closing_line: int | None = None
    #: The number of booked transactions of the statement, and their sum.
    count: int = 0
    movement: Decimal = Decimal(0)
    #: The available balance the bank states beside the booked one (MT940 :64:, CAMT
    #: CLAV). Read and shown, never checked: holds and credit limits make it differ.
    available: Decimal | None = None
    from_rows: bool = False
    member: str | None = None


@dataclass(frozen=True, slots=True)
class BalanceProblem:
    """A balance an export states that its own transactions contradict (rule MMB210).

    `kind` says which: ``"closing"`` (opening plus the statement's transactions differ
    from its closing balance), ``"opening"`` (a statement does not open with the closing
    balance of the statement before it of the same account), ``"row"`` (a CSV's balance
    after a row is not the balance before it plus its amount) or ``"row_before"`` (a row
    whose stated start and end balance differ by more or less than its amount).
    `stated` is the bank's figure, `computed` what the export's own numbers give."""

    kind: str
    account: str
    line: int | None
    stated: Decimal
    stated_date: date | None
    computed: Decimal
    #: "closing": the opening balance; "opening": the previous statement's closing
    #: balance; "row" and "row_before": the balance before the row.
    other: Decimal | None = None
    other_date: date | None = None
    amount: Decimal | None = None
    count: int = 0
    member: str | None = None


@dataclass(frozen=True)
class BankExport:
    """Everything read from one export file."""

    path: Path
    format: str
    format_name: str
    transactions: tuple[BankTransaction, ...]
    balances: tuple[StatementBalance, ...]
    #: Balances the export states that its own transactions contradict (MMB210).
    problems: tuple[BalanceProblem, ...] = ()


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
        """A `BankFormatError` from one of the ``BANK_*`` templates of `mmb.messages`
        (`finding_code`, when given, is the rule code `validate` reports it under)."""
        from mmb.text import shorten

        code = str(fields.pop("finding_code", "MMB001"))
        # Values quoted from the file are shortened (and every output shows them visibly,
        # `mmb.text.visible`): a message names the value at fault, never a whole file.
        quoted = {k: shorten(v, 80 if k == "reason" else 40) if isinstance(v, str)
                  and k in _QUOTED else v for k, v in fields.items()}
        return BankFormatError(
            template.format(where=self.where(line), **quoted),
            path=self.path,
            line=line,
            member=self.member,
            code=code,
        )


#: The fields of the BANK_* messages that quote the file (a cell, a line, a member name,
#: a parser's reason).
_QUOTED = frozenset(("value", "name", "reason", "column"))

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
    ``"statements"`` (CAMT/MT940: the reader returns each statement's transactions in
    booking order, running balances computed in that order, and the statements in the
    file's order).
    """

    format: str
    format_name: str
    detect: Callable[[str], bool]
    read: Callable[[Source], Parsed]
    order: str = "oldest_first"


HEAD_CHARS = 8192
