"""Rabobank CSV (``CSV_A_...csv``): 26 quoted columns, Dutch or English header, signed
amounts with a decimal comma, the balance after each row and a sequence number
(``Volgnr``). Oldest row first; Windows-1252 when not UTF-8.
"""

from __future__ import annotations

from mmb import messages as msg
from mmb.banks._abn import end_to_end_id
from mmb.banks._common import (
    Columns,
    Fields,
    amount_comma,
    check_width,
    clean,
    counter_account,
    csv_records,
    date_iso,
    first_line,
    looks_like_cash,
    own_account,
    split_header,
)
from mmb.banks.base import BankReader, BankTransaction, Parsed, Source

FORMAT_NAME = "Rabobank CSV"

_COLUMNS: dict[str, tuple[str, ...]] = {
    "account": ("IBAN/BBAN",),
    "currency": ("Munt", "Ccy"),
    "seq": ("Volgnr", "Seq No"),
    "date": ("Datum", "Date"),
    "amount": ("Bedrag", "Amount"),
    "balance": ("Saldo na trn", "Bal After Bkng"),
    "counter": ("Tegenrekening IBAN/BBAN", "Counterpty IBAN/BBAN"),
    "name": ("Naam tegenpartij", "Name Counterpty"),
    "code": ("Code",),
    "reference": ("Betalingskenmerk", "Payment Reference"),
    "text1": ("Omschrijving-1", "Description-1"),
    "text2": ("Omschrijving-2", "Description-2"),
    "text3": ("Omschrijving-3", "Description-3"),
}
_OPTIONAL = ("seq", "balance", "reference", "text2", "text3", "currency")
# ga = Geldautomaat Euro, gb = Geldautomaat VV (foreign currency).
_CASH_CODES = {"ga", "gb"}


def _detect(head: str) -> bool:
    _, names = split_header(first_line(head), ",;")
    lowered = [n.lower() for n in names[:4]]
    return lowered in (
        ["iban/bban", "munt", "bic", "volgnr"],
        ["iban/bban", "ccy", "bic", "seq no"],
    )


def _read(source: Source) -> Parsed:
    text = source.text_as("cp1252")
    delimiter, _ = split_header(first_line(text), ",;")
    fields = Fields(source, FORMAT_NAME)
    records = csv_records(source, text, delimiter=delimiter)
    _, header = next(records, (1, []))
    cols = Columns(source, FORMAT_NAME, header, _COLUMNS, optional=_OPTIONAL)
    i_text = [i for i in (cols["text1"], cols.get("text2"), cols.get("text3")) if i is not None]
    i_seq, i_balance, i_reference = cols.get("seq"), cols.get("balance"), cols.get("reference")
    i_account, i_date, i_amount = cols["account"], cols["date"], cols["amount"]
    i_counter, i_name, i_code = cols["counter"], cols["name"], cols["code"]
    out: list[BankTransaction] = []
    i_currency = cols.get("currency")
    for line, row in records:
        check_width(source, line, row, cols.width, FORMAT_NAME)
        if i_currency is not None:
            fields.euro(row[i_currency], line, msg.BANK_CURRENCY_TRANSACTION)
        booked = fields.date(date_iso, row[i_date], line, header[i_date], "YYYY-MM-DD")
        amount = fields.amount(amount_comma, row[i_amount], line, header[i_amount], "-12,45")
        balance = None
        if i_balance is not None and row[i_balance].strip():
            balance = fields.amount(
                amount_comma, row[i_balance], line, header[i_balance], "+737,55"
            )
        # Omschrijving-1..3 are fixed-length chunks of one text: join without a separator.
        description = clean("".join(row[i] for i in i_text))
        if not description and i_reference is not None:
            description = clean(row[i_reference])
        name, code = clean(row[i_name]), row[i_code].strip()
        seq = row[i_seq].strip() if i_seq is not None else ""
        out.append(
            BankTransaction(
                account=own_account(row[i_account]),
                booking_date=booked,
                amount=amount,
                balance_after=balance,
                counterparty=name,
                counterparty_iban=counter_account(row[i_counter]),
                description=description,
                bank_id=seq or None,
                code=code,
                is_cash=amount < 0
                and (code.lower() in _CASH_CODES or looks_like_cash(name, description)),
                row=line,
                # Transactiereferentie: the payer's end-to-end id.
                end_to_end_id=(end_to_end_id(row[i_reference]) or None)
                if i_reference is not None else None,
            )
        )
    return out, []


READERS = (BankReader("rabobank-csv", FORMAT_NAME, _detect, _read),)
