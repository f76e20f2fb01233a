"""Knab CSV: a ``KNAB EXPORT`` line, an unquoted header, then quoted semicolon rows that
each end with ``;``. Unsigned amounts with ``C``/``D``, dates ``DD-MM-YYYY``, a unique
``Referentie`` per row, no balance. Newest row first.
"""

from __future__ import annotations

from mmb import messages as msg
from mmb.banks._common import (
    Columns,
    Fields,
    amount_comma,
    check_width,
    clean,
    counter_account,
    csv_records,
    date_dmy,
    looks_like_cash,
    own_account,
)
from mmb.banks.base import BankReader, BankTransaction, Parsed, Source

FORMAT_NAME = "Knab CSV"

_COLUMNS: dict[str, tuple[str, ...]] = {
    "account": ("Rekeningnummer",),
    "currency": ("Valutacode",),
    "date": ("Transactiedatum",),
    "sign": ("CreditDebet",),
    "amount": ("Bedrag",),
    "counter": ("Tegenrekeningnummer",),
    "name": ("Tegenrekeninghouder",),
    "method": ("Betaalwijze",),
    "text": ("Omschrijving",),
    "reference": ("Referentie",),
    "booked": ("Boekdatum",),
}
_OPTIONAL = ("method", "reference", "booked", "currency")
_SIGNS = {"d": True, "c": False}


def _detect(head: str) -> bool:
    return head.lstrip("\ufeff").upper().startswith("KNAB EXPORT")


def _read(source: Source) -> Parsed:
    fields = Fields(source, FORMAT_NAME)
    records = csv_records(source, source.text_as("cp1252"), delimiter=";")
    next(records, None)  # the KNAB EXPORT line
    _, header = next(records, (2, []))
    cols = Columns(source, FORMAT_NAME, header, _COLUMNS, optional=_OPTIONAL)
    i_account, i_date, i_sign, i_amount = (
        cols["account"],
        cols["date"],
        cols["sign"],
        cols["amount"],
    )
    i_counter, i_name, i_text = cols["counter"], cols["name"], cols["text"]
    i_method, i_reference, i_booked = cols.get("method"), cols.get("reference"), cols.get("booked")
    i_currency = cols.get("currency")
    out: list[BankTransaction] = []
    for line, row in records:
        check_width(source, line, row, cols.width, FORMAT_NAME)
        if i_currency is not None:
            fields.euro(row[i_currency], line, msg.BANK_CURRENCY_TRANSACTION)
        # The booking date where given (it may differ from the transaction date).
        i_when = i_booked if i_booked is not None and row[i_booked].strip() else i_date
        booked = fields.date(date_dmy, row[i_when], line, header[i_when], "DD-MM-YYYY")
        amount = fields.amount(amount_comma, row[i_amount], line, header[i_amount], "12,45")
        if fields.choice(row[i_sign], line, header[i_sign], _SIGNS):
            amount = -amount
        name, description = clean(row[i_name]), clean(row[i_text])
        method = row[i_method].strip() if i_method is not None else ""
        reference = row[i_reference].strip() if i_reference is not None else ""
        out.append(
            BankTransaction(
                account=own_account(row[i_account]),
                booking_date=booked,
                amount=amount,
                balance_after=None,
                counterparty=name,
                counterparty_iban=counter_account(row[i_counter]),
                description=description,
                bank_id=reference or None,
                code=method,
                is_cash=amount < 0 and looks_like_cash(method, name, description),
                row=line,
            )
        )
    return out, []


READERS = (BankReader("knab-csv", FORMAT_NAME, _detect, _read, order="newest_first"),)
