"""bunq CSV statement: quoted, comma or semicolon (sniffed), Dutch or English header,
6 columns (2018-2019) or 7 with the interest date; signed amounts, decimal comma with
dot thousands (``1.250,00``) or, in some files, a decimal dot. Dates ``YYYY-MM-DD``, or
``DD/MM/YYYY`` in some English exports. No balance, no id, and the rows are not reliably
sorted. A file whose every line a spreadsheet wrapped in one pair of quotes is read too.
"""

from __future__ import annotations

from mmb.banks._common import (
    Columns,
    Fields,
    amount_auto,
    check_width,
    clean,
    counter_account,
    csv_records,
    date_iso_or_dmy,
    first_line,
    looks_like_cash,
    own_account,
    split_header,
    unwrap,
    unwrapped_line,
    wrapped,
)
from mmb.banks.base import BankReader, BankTransaction, Parsed, Source

FORMAT_NAME = "bunq CSV"

_COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("Datum", "Date"),
    "amount": ("Bedrag", "Amount"),
    "account": ("Rekening", "Account"),
    "counter": ("Tegenrekening", "Counterparty"),
    "name": ("Naam", "Name"),
    "text": ("Omschrijving", "Description"),
}
_NL = {"datum", "bedrag", "rekening", "tegenrekening", "naam", "omschrijving"}
_EN = {"date", "amount", "account", "counterparty", "name", "description"}


def _detect(head: str) -> bool:
    line = first_line(head.lstrip("\ufeff"))
    if wrapped(line):
        line = unwrapped_line(line) or line
    _, names = split_header(line, ",;")
    lowered = {n.lower() for n in names}
    return lowered >= _NL or lowered >= _EN


def _read(source: Source) -> Parsed:
    text = source.text_as("cp1252")
    if wrapped(text):  # every line wrapped in one pair of quotes (saved by a spreadsheet)
        text = unwrap(source, text)
    delimiter, _ = split_header(first_line(text), ",;")
    fields = Fields(source, FORMAT_NAME)
    records = csv_records(source, text, delimiter=delimiter)
    _, header = next(records, (1, []))
    cols = Columns(source, FORMAT_NAME, header, _COLUMNS)
    i_date, i_amount, i_account = cols["date"], cols["amount"], cols["account"]
    i_counter, i_name, i_text = cols["counter"], cols["name"], cols["text"]
    out: list[BankTransaction] = []
    for line, row in records:
        check_width(source, line, row, cols.width, FORMAT_NAME)
        booked = fields.date(date_iso_or_dmy, row[i_date], line, header[i_date],
                             "YYYY-MM-DD or DD/MM/YYYY")
        amount = fields.amount(amount_auto, row[i_amount], line, header[i_amount], "-1.034,75")
        name, description = clean(row[i_name]), clean(row[i_text])
        out.append(
            BankTransaction(
                account=own_account(row[i_account]),
                booking_date=booked,
                amount=amount,
                balance_after=None,
                counterparty=name,
                counterparty_iban=counter_account(row[i_counter]),
                description=description,
                bank_id=None,  # the CSV statement carries no transaction id
                code="",
                is_cash=amount < 0 and looks_like_cash(name, description),
                row=line,
            )
        )
    return out, []


READERS = (BankReader("bunq-csv", FORMAT_NAME, _detect, _read),)
