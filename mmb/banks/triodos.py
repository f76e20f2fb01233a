"""Triodos Bank CSV: no header; quoted, comma-separated; date, own IBAN, unsigned amount,
``Debet``/``Credit``, counterparty name and account, transaction code, description and
(in newer files) the balance after the row. ISO-8859-15 when not UTF-8.
"""

from __future__ import annotations

import csv
import re

from mmb import messages as msg
from mmb.banks._common import (
    Fields,
    amount_auto,
    amount_comma,
    check_width,
    clean,
    counter_account,
    csv_records,
    date_dmy,
    first_line,
    looks_like_cash,
    own_account,
)
from mmb.banks.base import BankReader, BankTransaction, Parsed, Source

FORMAT_NAME = "Triodos CSV"
_DATE = re.compile(r"\d{2}-\d{2}-\d{4}")
_OWN = re.compile(r"NL\d{2}TRIO\d{10}")
_SIGNS = {"debet": True, "debit": True, "credit": False}
_CASH_CODES = {"GA"}  # geldautomaat
# Card and ATM rows: "<merchant> \<place> \ BETAALAUTOMAAT ..." with an empty name.
_CARD_CODES = {"BA", "GA"}


def _detect(head: str) -> bool:
    try:
        row = next(csv.reader([first_line(head).lstrip("\ufeff")]))
    except (csv.Error, StopIteration):
        return False
    return (
        len(row) in (8, 9)
        and _DATE.fullmatch(row[0]) is not None
        and _OWN.fullmatch(row[1].replace(" ", "")) is not None
        and row[3].strip().lower() in _SIGNS
    )


def _read(source: Source) -> Parsed:
    fields = Fields(source, FORMAT_NAME)
    out: list[BankTransaction] = []
    width = 0
    for line, row in csv_records(source, source.text_as("iso-8859-15"), delimiter=","):
        # Older files have 8 columns, newer ones add the balance: follow the first row.
        width = width or (9 if len(row) >= 9 else 8)
        check_width(source, line, row, width, FORMAT_NAME)
        booked = fields.date(date_dmy, row[0], line, msg.BANK_COLUMN_DATE, "DD-MM-YYYY")
        amount = fields.amount(amount_comma, row[2], line, msg.BANK_COLUMN_AMOUNT, "12,45")
        if fields.choice(row[3], line, msg.BANK_COLUMN_DEBIT_CREDIT, _SIGNS):
            amount = -amount
        balance = None
        if width == 9 and row[8].strip():
            # The balance column's notation is not documented: accept sign and either mark.
            balance = fields.amount(amount_auto, row[8], line, msg.BANK_COLUMN_BALANCE, "737,55")
        code, description = row[6].strip(), clean(row[7])
        name = clean(row[4])
        if not name and code.upper() in _CARD_CODES:
            name = clean(description.split("\\", 1)[0])
        out.append(
            BankTransaction(
                account=own_account(row[1]),
                booking_date=booked,
                amount=amount,
                balance_after=balance,
                counterparty=name,
                counterparty_iban=counter_account(row[5]),
                description=description,
                bank_id=None,
                code=code,
                is_cash=amount < 0
                and (code.upper() in _CASH_CODES or looks_like_cash(name, description)),
                row=line,
            )
        )
    return out, []


READERS = (BankReader("triodos-csv", FORMAT_NAME, _detect, _read),)
