"""ABN AMRO TXT (``TXTyymmddHHMMSS.TAB``): tab-separated, no header, no quoting; account
number (not IBAN), currency, booking date, balance before and after, value date, signed
amount, description. Oldest row first; one file may hold several accounts.
"""

from __future__ import annotations

import re

from mmb import messages as msg
from mmb.banks._abn import abn_iban, describe, split_txt
from mmb.banks._common import (
    Fields,
    amount_comma,
    check_width,
    date_ymd,
    lines_with_numbers,
    looks_like_cash,
    own_account,
)
from mmb.banks.base import BankReader, BankTransaction, Parsed, Source

FORMAT_NAME = "ABN AMRO TXT (tab-separated)"
_FIRST_ROW = re.compile(r"\d{9,10}\t[A-Z]{3}\t\d{8}\t", re.ASCII)
_ACCOUNT_NUMBER = re.compile(r"[0-9]{1,10}")
_WIDTH = 8


def _detect(head: str) -> bool:
    return _FIRST_ROW.match(head.lstrip("\ufeff")) is not None


def _read(source: Source) -> Parsed:
    fields = Fields(source, FORMAT_NAME)
    out: list[BankTransaction] = []
    accounts: dict[str, str] = {}
    for line, text in lines_with_numbers(source.text_as("cp1252")):
        if not text.strip():
            continue
        row = text.split("\t")
        check_width(source, line, row, _WIDTH, FORMAT_NAME)
        number = row[0].strip()
        account = accounts.get(number)
        if account is None:
            # The TXT gives the bare account number; the team knows its account by IBAN.
            account = abn_iban(number) if _ACCOUNT_NUMBER.fullmatch(number) else own_account(number)
            accounts[number] = account
        fields.euro(row[1], line, msg.BANK_CURRENCY_TRANSACTION)
        booked = fields.date(date_ymd, row[2], line, msg.BANK_COLUMN_TRANSACTION_DATE, "YYYYMMDD")
        before = fields.amount(amount_comma, row[3], line, msg.BANK_COLUMN_START_BALANCE,
                               "750,00")
        balance = fields.amount(amount_comma, row[4], line, msg.BANK_COLUMN_END_BALANCE, "737,55")
        amount = fields.amount(amount_comma, row[6], line, msg.BANK_COLUMN_AMOUNT, "-12,45")
        # Keep the raw text: its spacing carries the fixed-width layout.
        said = describe(split_txt(row[7]))
        out.append(
            BankTransaction(
                account=account,
                booking_date=booked,
                amount=amount,
                balance_after=balance,
                counterparty=said.counterparty,
                counterparty_iban=said.counterparty_iban,
                description=said.description,
                bank_id=None,  # no id; the text even differs between downloads
                code="",
                is_cash=amount < 0 and looks_like_cash(said.description),
                row=line,
                balance_before=before,
                end_to_end_id=said.end_to_end_id or None,
            )
        )
    return out, []


READERS = (BankReader("abnamro-txt", FORMAT_NAME, _detect, _read),)
