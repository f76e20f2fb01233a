"""MT940 customer statements, in the Dutch dialects: ING (SWIFT blocks, structured
``/CNTP/ /REMI/`` :86:), Rabobank (``:940:``, one statement per day, counter-IBAN on the
second :61: line), ABN AMRO (``ABNANL2A`` framing, account number instead of IBAN,
``/TRTP/`` or fixed-width :86:) and ASN/SNS/RegioBank (counter-IBAN in :61:, :86: lines
padded to 65 characters). Knab and Triodos files read with the generic rules.

Own parser rather than a library: a tag splitter and one :61: pattern, so that several
statements per file, each with its own opening and closing balance, the ING ``/SUM/``
trailer and continuation lines that start with ``-`` are handled predictably.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from mmb import messages as msg
from mmb.banks._abn import (
    abn_iban,
    describe,
    end_to_end_id,
    is_slash_layout,
    remittance,
    slash_fields,
)
from mmb.banks._common import (
    Fields,
    amount_swift,
    clean,
    counter_account,
    iban_from_parts,
    iban_valid,
    join_wrapped,
    lines_with_numbers,
    looks_like_cash,
    own_account,
    runs_newest_first,
    split_currency,
    volksbank_card_merchant,
)
from mmb.banks.base import (
    BankFormatError,
    BankReader,
    BankTransaction,
    Parsed,
    Source,
    StatementBalance,
)

FORMAT_NAME = "MT940"

_TAG = re.compile(r":(\d{2}[A-Z]?):")
_HEAD_START = re.compile(r"(?:^|\{4:):20:", re.M)
_HEAD_BALANCE = re.compile(r"^:60[FM]:", re.M)
# The type is N, F or S and three characters; old ING and Triodos files write a two-letter
# code and a space (``100722D25,03NOV NONREF``), and some banks put a space before it.
_STATEMENT_LINE = re.compile(
    r"(?P<value>\d{6})(?P<entry>\d{4}|\s{4})?(?P<mark>RC|RD|C|D)(?P<funds>[A-Z])?"
    r"(?P<amount>\d[\d,.]*) ?(?P<type>[NFS][A-Z0-9]{2}[A-Z0-9 ])(?P<ref>.*?)"
    r"(?://(?P<bankref>.*))?",
    re.ASCII,
)
_BALANCE = re.compile(
    r"(?P<mark>[CD])(?P<date>\d{6})(?P<ccy>[A-Z]{3})(?P<amount>\d[\d,.]*)", re.ASCII
)
_DOS_EOF = "\x1a"
_DEBIT_MARKS = {"D", "RC"}  # RC: reversal of a credit, i.e. money out
_VOLKSBANK = re.compile(r"NL\d{2}(?:ASNB|SNSB|RBRB)\d{10}")
_TRIODOS = re.compile(r"TRIODOSBANK/(\d{9,10})")
_WITH_CURRENCY = re.compile(r"(.+?)([A-Z]{3})")
_ACCOUNT_NUMBER = re.compile(r"[0-9]{1,10}")
# ING and Knab card rows: "<merchant> <place> NLD 03-03-2026 10:15 ..."
_CARD_REMI = re.compile(r"(.+?)\s+\d{2}-\d{2}-\d{2,4}\s+\d{2}:\d{2}")
_PLACEHOLDER_REFS = {"", "NONREF", "NOTPROVIDED"}


@dataclass
class _Tag:
    tag: str
    line: int
    lines: list[str]  # first: the text after ":tag:", then the continuation lines


@dataclass
class _Statement:
    line: int
    tags: list[_Tag] = field(default_factory=list)


def _detect(head: str) -> bool:
    text = head.lstrip("\ufeff \t\r\n")
    return (
        not text.startswith("<")
        and _HEAD_START.search(text) is not None
        and _HEAD_BALANCE.search(text) is not None
    )


def _tokens(text: str) -> tuple[list[_Statement], bool]:
    """Split the file into statements of tags; also say whether ABN AMRO framing was seen.

    A statement starts at :20:, or at a :25: when the statement so far has an account
    already. A DOS end-of-file byte (0x1A, ^Z), which some banks write between the
    statements of one file, ends a message like ``-}`` does."""
    statements: list[_Statement] = []
    current: _Tag | None = None
    abn_framing = False
    for number, raw in lines_with_numbers(text):
        for part, line in enumerate(raw.split(_DOS_EOF)):
            if part:
                current = None  # ^Z: the end of a message
            if line.startswith("{"):
                # SWIFT block headers ({1:..}{2:..}{4:); text after "{4:" is the first tag.
                start = line.find("{4:")
                current = None
                if start < 0:
                    continue
                line = line[start + 3 :]
                if not line.strip():
                    continue
            stripped = line.strip()
            if stripped in ("-", "}") or stripped.startswith("-}"):
                current = None  # end of a message
                continue
            match = _TAG.match(line)
            if match is None:
                if current is not None:
                    current.lines.append(line)
                elif stripped == "ABNANL2A":
                    abn_framing = True
                continue  # framing outside tags (":940:", "ABNANL2A", "940", ...)
            current = _Tag(match.group(1), number, [line[match.end() :]])
            if (current.tag == "20" or not statements or (
                    current.tag == "25" and any(t.tag == "25" for t in statements[-1].tags))):
                statements.append(_Statement(number))
            statements[-1].tags.append(current)
    return statements, abn_framing


class _Reader:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.fields = Fields(source, FORMAT_NAME)

    def bad(self, tag: _Tag) -> Exception:
        value = tag.lines[0].strip()
        return self.source.error(
            msg.BANK_MT940_BAD_TAG,
            line=tag.line,
            tag=f":{tag.tag}:",
            value=value if len(value) <= 80 else value[:77] + "...",
        )

    def yymmdd(self, text: str, tag: _Tag) -> date:
        column = msg.BANK_MT940_TAG_DATE.format(tag=tag.tag)
        return self.fields.date(_yymmdd, text, tag.line, column, "YYMMDD")

    def balance(self, tag: _Tag) -> tuple[date, Decimal]:
        m = _BALANCE.fullmatch(tag.lines[0].strip())
        if m is None:
            raise self.bad(tag)
        self.fields.euro(m["ccy"], tag.line, msg.BANK_CURRENCY_BALANCE)
        amount = self.fields.amount(amount_swift, m["amount"], tag.line, f":{tag.tag}:", "500,00")
        return self.yymmdd(m["date"], tag), -amount if m["mark"] == "D" else amount


def _yymmdd(text: str) -> date:
    """``260305`` -> 2026-03-05 (SWIFT years: 00-79 are 20xx). Raises ValueError."""
    yy, mm, dd = int(text[:2]), int(text[2:4]), int(text[4:6])
    return date(2000 + yy if yy < 80 else 1900 + yy, mm, dd)


def _account(text: str, abn: bool) -> tuple[str, str | None]:
    """The :25: account as an IBAN where it can be, and the currency written with it:
    ING glues the currency to it (``NL..INGB...EUR``), Rabobank adds `` EUR``, Knab writes
    spaces, ABN AMRO and Triodos give a bank account number."""
    compact = "".join(text.split()).upper()
    compact, currency = split_currency(compact)
    if currency is None:
        glued = _WITH_CURRENCY.fullmatch(compact)
        if glued and _ACCOUNT_NUMBER.fullmatch(glued.group(1).replace(".", "")):
            compact, currency = glued.group(1), glued.group(2)
    if abn and _ACCOUNT_NUMBER.fullmatch(compact):
        return abn_iban(compact), currency
    triodos = _TRIODOS.fullmatch(compact)
    if triodos:
        return iban_from_parts("NL", "TRIO", triodos.group(1).zfill(10)), currency
    return own_account(compact), currency


def _read(source: Source) -> Parsed:
    statements, abn_framing = _tokens(source.text_as("cp1252"))
    if not statements:
        raise source.error(msg.BANK_MT940_NO_STATEMENT, line=None)
    reader = _Reader(source)
    transactions: list[BankTransaction] = []
    balances: list[StatementBalance] = []
    for statement in statements:
        parsed, balance = _statement(reader, statement, abn_framing)
        transactions.extend(parsed)
        balances.append(balance)
    return transactions, balances


def _statement(
    reader: _Reader, statement: _Statement, abn_framing: bool
) -> tuple[list[BankTransaction], StatementBalance]:
    by_tag: dict[str, _Tag] = {}
    for tag in statement.tags:
        by_tag.setdefault(tag.tag, tag)
    reference = by_tag["20"].lines[0].strip().upper() if "20" in by_tag else ""
    raw_account = by_tag["25"].lines[0] if "25" in by_tag else ""
    # Only ABN AMRO's own framing turns a bare account number into an ABNA IBAN.
    abn = abn_framing or reference.startswith("ABN AMRO")
    account, currency = _account(raw_account, abn)
    if currency is not None and "25" in by_tag:
        reader.fields.euro(currency, by_tag["25"].line, msg.BANK_CURRENCY_ACCOUNT)
    opening_tag = by_tag.get("60F") or by_tag.get("60M")
    closing_tag = by_tag.get("62F") or by_tag.get("62M")
    if not account:
        raise reader.source.error(
            msg.BANK_MT940_MISSING_TAG,
            line=statement.line,
            what=msg.BANK_MT940_ACCOUNT,
            tag=":25:",
        )
    if opening_tag is None:
        raise reader.source.error(
            msg.BANK_MT940_MISSING_TAG,
            line=statement.line,
            what=msg.BANK_MT940_OPENING_BALANCE,
            tag=":60F:",
        )
    if closing_tag is None:
        raise reader.source.error(
            msg.BANK_MT940_MISSING_TAG,
            line=statement.line,
            what=msg.BANK_MT940_CLOSING_BALANCE,
            tag=":62F:",
        )
    opening_date, opening = reader.balance(opening_tag)
    closing_date, closing = reader.balance(closing_tag)
    available = _available(reader, by_tag.get("64"))
    volksbank = _VOLKSBANK.fullmatch(account) is not None
    out: list[BankTransaction] = []
    tags = statement.tags
    for index, tag in enumerate(tags):
        if tag.tag != "61":
            continue
        info = tags[index + 1] if index + 1 < len(tags) and tags[index + 1].tag == "86" else None
        out.append(_transaction(reader, tag, info, account, abn=abn, volksbank=volksbank))
    if runs_newest_first([tx.booking_date for tx in out]):
        out.reverse()  # ING lists a statement newest first: its balances run the other way
    running = opening
    for tx in out:
        running += tx.amount
        tx.balance_after = running  # the rows were made here: set before anyone sees them
    return out, StatementBalance(
        account, opening_date, opening, closing_date, closing,
        opening_line=opening_tag.line, closing_line=closing_tag.line, count=len(out),
        movement=running - opening, available=available)


def _available(reader: _Reader, tag: _Tag | None) -> Decimal | None:
    """The :64: available balance, shown beside the booked one; never checked, so a
    layout mmb cannot read is left out rather than refused."""
    if tag is None:
        return None
    try:
        return reader.balance(tag)[1]
    except BankFormatError:
        return None


def _transaction(
    reader: _Reader,
    tag: _Tag,
    info: _Tag | None,
    account: str,
    *,
    abn: bool,
    volksbank: bool,
) -> BankTransaction:
    m = _STATEMENT_LINE.fullmatch(tag.lines[0].rstrip())
    if m is None:
        raise reader.bad(tag)
    value_date = reader.yymmdd(m["value"], tag)
    booked = value_date
    if m["entry"] and m["entry"].strip():
        booked = _entry_date(reader, tag, value_date, m["entry"])
    column = msg.BANK_MT940_TAG_AMOUNT.format(tag="61")
    amount = reader.fields.amount(amount_swift, m["amount"], tag.line, column, "12,45")
    if m["mark"] in _DEBIT_MARKS:
        amount = -amount
    supplementary = clean(" ".join(tag.lines[1:]))
    customer_ref = m["ref"].strip()
    lines = info.lines if info is not None else []
    e2e = ""
    if abn and lines:
        said = describe(lines, first_prefix=4)
        name, iban, description = said.counterparty, said.counterparty_iban, said.description
        e2e = said.end_to_end_id
    elif volksbank:
        name, iban, description = _volksbank(lines, customer_ref, supplementary)
    else:
        text = join_wrapped(lines, 4) if lines else ""
        name, iban, description = _structured(text, supplementary)
        if is_slash_layout(text):
            e2e = end_to_end_id(slash_fields(text.strip()).get("EREF", ""))
    bank_ref = (m["bankref"] or "").strip()
    return BankTransaction(
        account=account,
        booking_date=booked,
        amount=amount,
        balance_after=None,  # set by `_statement`, in the statement's booking order
        counterparty=name,
        counterparty_iban=iban,
        description=description,
        bank_id=None if bank_ref.upper() in _PLACEHOLDER_REFS else bank_ref,
        code=m["type"].strip(),
        is_cash=amount < 0 and looks_like_cash(name, description),
        row=tag.line,
        end_to_end_id=e2e or None,
    )


def _entry_date(reader: _Reader, tag: _Tag, value_date: date, mmdd: str) -> date:
    """The booking date (MMDD) in the year that puts it nearest the value date, so a
    booking on 2 January of a payment valued 31 December lands in the next year."""
    month, day = int(mmdd[:2]), int(mmdd[2:])
    try:
        same_year = date(value_date.year, month, day)
        if abs((same_year - value_date).days) <= 183:
            return same_year  # the usual case: the same year
    except ValueError:
        pass
    candidates: list[date] = []
    for year in (value_date.year - 1, value_date.year, value_date.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        raise reader.bad(tag)
    return min(candidates, key=lambda d: abs((d - value_date).days))


def _structured(text: str, supplementary: str) -> tuple[str, str, str]:
    """ING, Rabobank, Knab: ``/KEY/value`` fields, or free text."""
    if not is_slash_layout(text):
        return "", "", clean(text)
    fields = slash_fields(text.strip())
    name, iban = fields.get("NAME", ""), fields.get("IBAN", "")
    if "CNTP" in fields:  # ING: /CNTP/<IBAN>/<BIC>/<name>/<place>/
        parts = fields["CNTP"].split("/")
        iban = iban or parts[0]
        name = name or (parts[2] if len(parts) > 2 else "")
    if (
        not iban
        and supplementary
        and not supplementary.startswith("/")
        and " " not in supplementary
    ):
        iban = supplementary  # Rabobank: the counter-account on the second :61: line
    description = clean(remittance(fields.get("REMI", "")))
    name = clean(name)
    if not name:
        card = _CARD_REMI.match(description)
        name = card.group(1) if card else ""
    return name, counter_account(iban), description


def _volksbank(lines: list[str], customer_ref: str, supplementary: str) -> tuple[str, str, str]:
    """ASN/SNS/RegioBank: :86: = ``<counter-IBAN> <name>``, then padded text lines; the
    counter-IBAN is also the :61: customer reference, the name its second line."""
    head = lines[0].strip() if lines else ""
    iban = customer_ref if iban_valid(customer_ref.upper()) else ""
    first, _, rest = head.partition(" ")
    if not iban and iban_valid(first.upper()):
        iban = first
    name = supplementary or (clean(rest) if iban and first == iban else "")
    description = clean(join_wrapped(lines[1:])) if len(lines) > 1 else ""
    if not name:
        name = volksbank_card_merchant(description)
    return clean(name), counter_account(iban), description


READERS = (BankReader("mt940", FORMAT_NAME, _detect, _read, order="statements"),)
