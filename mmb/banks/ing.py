"""ING "Af- en bijschrijvingen" CSV: the 11-column semicolon file (with the balance after
each row) and the older 9-column comma file, with Dutch or English headers.

Newest row first; amounts unsigned with ``Af``/``Bij`` (``Debit``/``Credit``) beside them.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from mmb import messages as msg
from mmb.banks._common import (
    PLAIN_COMMA_AMOUNT,
    Columns,
    Fields,
    amount_comma,
    check_width,
    clean,
    counter_account,
    csv_records,
    date_ymd,
    first_line,
    looks_like_cash,
    may_be_cash,
    own_account,
    split_header,
)
from mmb.banks.base import BankReader, BankTransaction, Parsed, Source

_COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("Datum", "Date"),
    "name": ("Naam / Omschrijving", "Name / Description"),
    "account": ("Rekening", "Account"),
    "counter": ("Tegenrekening", "Counterparty"),
    "code": ("Code",),
    "sign": ("Af Bij", "Debit/credit"),
    "amount": ("Bedrag (EUR)", "Amount (EUR)"),
    "kind": ("Mutatiesoort", "Transaction type"),  # "MutatieSoort" before 2021: case-blind
    "notes": ("Mededelingen", "Notifications"),
    "balance": ("Saldo na mutatie", "Resulting balance"),
}
_OPTIONAL = ("balance", "kind")
ZERO = Decimal(0)
_SIGNS = {"af": True, "bij": False, "debit": True, "credit": False}
# The spellings the bank writes, looked up as they are before trying any other spelling.
_SIGNS_AS_WRITTEN = {"Af": True, "Bij": False, "Debit": True, "Credit": False}
_CASH_KINDS = {"geldautomaat", "cash machine"}
_PRICED = re.compile(r"(?:bedrag|amount) \(([A-Za-z]{3})\)", re.IGNORECASE)


def _header(head: str) -> tuple[str, list[str]] | None:
    delimiter, names = split_header(first_line(head).lstrip("\ufeff"), ";,")
    lowered = [n.lower() for n in names[:2]]
    if lowered in (["datum", "naam / omschrijving"], ["date", "name / description"]):
        return delimiter, names
    return None


def _detect_semicolon(head: str) -> bool:
    found = _header(head)
    return found is not None and found[0] == ";"


def _detect_comma(head: str) -> bool:
    found = _header(head)
    return found is not None and found[0] == ","


def _read(source: Source, delimiter: str, format_name: str) -> Parsed:
    text = source.text_as("cp1252")
    fields = Fields(source, format_name)
    records = csv_records(source, text, delimiter=delimiter)
    _, header = next(records, (1, []))
    for name in header:  # "Bedrag (EUR)": a team account is a euro account
        priced = _PRICED.fullmatch(name.strip())
        if priced:
            fields.euro(priced.group(1), 1, msg.BANK_CURRENCY_COLUMN.format(column=name))
    cols = Columns(source, format_name, header, _COLUMNS, optional=_OPTIONAL)
    i_date, i_name, i_account, i_counter = (
        cols["date"],
        cols["name"],
        cols["account"],
        cols["counter"],
    )
    i_code, i_sign, i_amount, i_notes = cols["code"], cols["sign"], cols["amount"], cols["notes"]
    i_kind, i_balance = cols.get("kind"), cols.get("balance")
    width = cols.width
    out: list[BankTransaction] = []
    append = out.append
    # This loop runs for every row of an export that may hold 100,000: dates, amounts and
    # accounts already parsed are looked up, not parsed again. `fields` raises the error
    # naming row and column.
    dates: dict[str, date] = {}
    amounts: dict[str, Decimal] = {}
    accounts: dict[str, str] = {}
    counters: dict[str, str] = {}
    names: dict[str, tuple[str, bool]] = {}
    plain_amount = PLAIN_COMMA_AMOUNT.fullmatch
    for line, row in records:
        if len(row) != width:
            check_width(source, line, row, width, format_name)
        day_text = row[i_date]
        booked = dates.get(day_text)
        if booked is None:
            booked = dates[day_text] = fields.date(
                date_ymd, day_text, line, header[i_date], "YYYYMMDD")
        amount_text = row[i_amount]
        amount = amounts.get(amount_text)
        if amount is None:
            amount = amounts[amount_text] = fields.amount(
                amount_comma, amount_text, line, header[i_amount], "12,45")
        out_flag = _SIGNS_AS_WRITTEN.get(row[i_sign])
        if out_flag is None:
            out_flag = fields.choice(row[i_sign], line, header[i_sign], _SIGNS)
        if out_flag:
            amount = -amount
        balance = None
        if i_balance is not None:
            balance_text = row[i_balance]
            if plain_amount(balance_text):  # the common case: `amount_comma`, made fast
                balance = Decimal(balance_text.replace(",", "."))
            elif balance_text.strip():
                balance = fields.amount(
                    amount_comma, balance_text, line, header[i_balance], "-1922,25"
                )
        own_text, counter_text = row[i_account], row[i_counter]
        own = accounts.get(own_text)
        if own is None:
            own = accounts[own_text] = own_account(own_text)
        counter = counters.get(counter_text)
        if counter is None:
            counter = counters[counter_text] = counter_account(counter_text)
        name_text = row[i_name]
        named = names.get(name_text)
        if named is None:
            cleaned = clean(name_text)
            named = names[name_text] = (cleaned, may_be_cash(cleaned))
        name, name_cash = named
        notes = clean(row[i_notes])
        code = row[i_code].strip()
        append(
            BankTransaction(
                own,
                booked,
                amount,
                balance,
                name,
                counter,
                notes,
                None,  # ING CSV has no transaction id
                code,
                amount < ZERO
                and (
                    code.upper() == "GM"
                    or (i_kind is not None and row[i_kind].strip().lower() in _CASH_KINDS)
                    or ((name_cash or may_be_cash(notes)) and looks_like_cash(name, notes))
                ),
                line,
            )
        )
    return out, []


def _read_semicolon(source: Source) -> Parsed:
    return _read(source, ";", "ING CSV (semicolon)")


def _read_comma(source: Source) -> Parsed:
    return _read(source, ",", "ING CSV (comma)")


READERS = (
    BankReader(
        "ing-csv", "ING CSV (semicolon)", _detect_semicolon, _read_semicolon, order="newest_first"
    ),
    BankReader(
        "ing-csv-comma", "ING CSV (comma)", _detect_comma, _read_comma, order="newest_first"
    ),
)
