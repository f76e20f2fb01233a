"""de Volksbank CSV (ASN Bank, SNS, RegioBank; ``transactie-historie_<IBAN>_<time>.csv``):
no header, 19 comma-separated fields, dates ``DD-MM-YYYY``, signed amounts with a
decimal point, the balance *before* each row, and the two text fields in single quotes.

The quotes are not escaped inside the text (``'s-Hertogenbosch`` would break a CSV
reader), so the line is read by position: 16 plain fields, two quoted texts (an empty one
may be written without quotes), and the statement number.
"""

from __future__ import annotations

import re

from mmb import messages as msg
from mmb.banks._common import (
    Fields,
    amount_dot,
    clean,
    counter_account,
    date_dmy,
    lines_with_numbers,
    looks_like_cash,
    own_account,
    volksbank_card_merchant,
)
from mmb.banks.base import BankReader, BankTransaction, Parsed, Source

FORMAT_NAME = "de Volksbank CSV (ASN, SNS, RegioBank)"

# The name (field 3) is the only plain field that may hold a comma; the fixed shape of the
# fields around it tells where it ends.
_ROW = re.compile(
    r"(?P<date>[^,]*),(?P<own>[^,]*),(?P<counter>[^,]*),(?P<name>.*?),"
    r"[^,]*,[^,]*,[^,]*,(?P<ccy>[A-Z]{3}),(?P<before>[^,]*),(?P<txccy>[A-Z]{3}),(?P<amount>[^,]*),"
    r"(?P<journal>[^,]*),(?P<value>[^,]*),(?P<icode>[^,]*),(?P<code>[^,]*),(?P<seq>[^,]*),"
    r"(?:'(?P<ref>.*?)')?,(?:'(?P<text>.*)')?,(?P<statement>[^,']*)"
)
_FIRST = re.compile(r"\d{2}-\d{2}-\d{4},NL\d{2}(?:ASNB|SNSB|RBRB)\d{10},")
_CASH_CODES = {"GEA"}  # geldautomaat
_CARD_CODES = {"BEA"}  # betaalautomaat: the name field is empty, the merchant is in the text


def _detect(head: str) -> bool:
    return _FIRST.match(head.lstrip("\ufeff")) is not None


def _read(source: Source) -> Parsed:
    fields = Fields(source, FORMAT_NAME)
    out: list[BankTransaction] = []
    for line, text in lines_with_numbers(source.text_as("cp1252")):
        if not text.strip():
            continue
        m = _ROW.fullmatch(text)
        if m is None:
            raise source.error(msg.BANK_BAD_ROW, line=line, format_name=FORMAT_NAME)
        fields.euro(m["ccy"], line, msg.BANK_CURRENCY_ACCOUNT)
        fields.euro(m["txccy"], line, msg.BANK_CURRENCY_TRANSACTION)
        booked = fields.date(date_dmy, m["date"], line, msg.BANK_COLUMN_BOOKING_DATE, "DD-MM-YYYY")
        journal = fields.date(
            date_dmy, m["journal"], line, msg.BANK_COLUMN_JOURNAL_DATE, "DD-MM-YYYY"
        )
        before = fields.amount(
            amount_dot, m["before"], line, msg.BANK_COLUMN_BALANCE_BEFORE, "750.00"
        )
        amount = fields.amount(amount_dot, m["amount"], line, msg.BANK_COLUMN_AMOUNT, "-12.45")
        # An empty reference or text may be written without its quotes (ASN, SNS).
        code, description, name = m["code"].strip(), clean(m["text"] or ""), clean(m["name"])
        if not name and code.upper() in _CARD_CODES:
            name = volksbank_card_merchant(description)
        seq = m["seq"].strip()
        out.append(
            BankTransaction(
                account=own_account(m["own"]),
                booking_date=booked,
                amount=amount,
                # The export gives the balance before the booking; after is exact from it.
                balance_after=before + amount,
                counterparty=name,
                counterparty_iban=counter_account(m["counter"]),
                description=description or clean(m["ref"] or ""),
                # "Journaaldatum and Volgnummer together form a unique transaction id."
                bank_id=f"{journal.isoformat()}/{seq}" if seq else None,
                code=code,
                is_cash=amount < 0
                and (code.upper() in _CASH_CODES or looks_like_cash(name, description)),
                row=line,
                balance_before=before,
            )
        )
    return out, []


READERS = (BankReader("volksbank-csv", FORMAT_NAME, _detect, _read),)
