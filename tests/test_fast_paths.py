"""The fast forms of reconcile's text tests find exactly what the plain patterns find."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from mmb.ledger import LedgerRow, normalise_text
from mmb.ledger_rules import _CASH, is_cash
from mmb.money import CENT, money_str
from mmb.reconcile import _BANK_COSTS, _bank_costs, case_ids_in

PLAIN_CASE_ID = re.compile(r"(?<![\d-])#?(\d{4}-\d{3,4})(?![\d-])")

# Texts built from the characters and words these patterns care about.
_PIECES = st.sampled_from(["0", "1", "2026", "014", "0141", "-", "#", " ", "a", "٣", "01-02-2026",
                           "Kosten", "KOSTEN", "fee", "fees", "coffee", "rente", "Lorente",
                           "ſ", "K", "pakket", "Pakketpunt", "GEA", "gea", "geldautomaat",
                           "ATM", "atm", "cash withdrawal", "Opname Contant", "\t", "é"])
TEXTS = st.lists(_PIECES, max_size=10).map("".join)


@settings(max_examples=2000, deadline=None)
@given(TEXTS)
def test_case_ids_are_those_of_the_plain_pattern(text):
    plain = list(dict.fromkeys(m.group(1) for m in PLAIN_CASE_ID.finditer(text)))
    assert case_ids_in(text) == plain


@settings(max_examples=2000, deadline=None)
@given(TEXTS)
def test_bank_cost_words_are_those_of_the_pattern(text):
    assert _bank_costs(text) == bool(_BANK_COSTS.search(text))


@settings(max_examples=2000, deadline=None)
@given(TEXTS, TEXTS)
def test_cash_is_what_the_pattern_says(counterparty, description):
    row = LedgerRow(date=date(2026, 1, 5), amount=Decimal("-20.00"),
                    counterparty=counterparty, description=description)
    expected = bool(_CASH.search(f"{counterparty} {description}"))
    assert is_cash(row) == expected
    parties: dict[str, bool] = {}
    assert is_cash(row, parties) == is_cash(row, parties) == expected  # memo made, then used


def test_case_ids_examples():
    assert case_ids_in("Casus 2026-014 en #2026-0151, niet 12026-014 of 2026-014-2") == [
        "2026-014", "2026-0151"]
    assert case_ids_in("Pasvolgnr: 001 01-01-2026 Transactie: 0000ABCD") == []


@given(st.decimals(min_value=-10**9, max_value=10**9, allow_nan=False, allow_infinity=False,
                   places=None))
def test_money_str_is_the_quantized_form(amount):
    assert money_str(amount) == f"{amount.quantize(CENT):f}"


@given(st.text(alphabet=st.sampled_from(list(" a\t\n\r\x0b\x0c\x1c\u00a0\u2003\u3000b")),
               max_size=12))
def test_normalise_text_is_the_regular_expression_form(text):
    assert normalise_text(text) == re.sub(r"\s+", " ", text).strip()


_CELL = st.text(alphabet=st.sampled_from(list('ab ,;"\r\n\t=+-@\'é')), max_size=6)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(_CELL, _CELL, _CELL, _CELL, st.booleans()), max_size=5))
def test_ledger_text_is_what_csv_writer_writes(cells):
    import csv
    import io

    from mmb.ledger import LEDGER_COLUMNS, ledger_text

    rows = [LedgerRow(date=date(2026, 1, 5), amount=Decimal("-1.50"),
                      balance=Decimal("10.00") if has_balance else None, counterparty=a,
                      description=b, note=c, id=d)
            for a, b, c, d, has_balance in cells]
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\n")
    writer.writerow(LEDGER_COLUMNS)
    writer.writerows(r.cells() for r in rows)
    assert ledger_text(rows) == expected.getvalue()


def _plain_euro(amount: Decimal) -> str:
    q = amount.quantize(CENT)
    sign = "-" if q < 0 else ""
    grouped = f"{abs(q):,.2f}"
    return f"{sign}€ " + grouped.replace(",", "_").replace(".", ",").replace("_", ".")


@given(st.decimals(min_value=-10**7, max_value=10**7, allow_nan=False, allow_infinity=False,
                   places=2) | st.sampled_from([Decimal(x) for x in (
                       "999.99", "1000", "1000.00", "-1000.00", "-999.99", "-0.00", "-0",
                       "0.001", "-0.004", "1234.5")]))
def test_euro_is_the_plain_dutch_form(amount):
    from mmb.money import euro

    assert euro(amount) == _plain_euro(amount)


@settings(max_examples=1000, deadline=None)
@given(TEXTS, TEXTS)
def test_bank_cash_words_are_those_of_the_pattern(name, notes):
    from mmb.banks._common import _CASH_TEXT, looks_like_cash

    assert looks_like_cash(name, notes) == any(_CASH_TEXT.search(t) for t in (name, notes))


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(" ab\t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2000"
                                             "\u2028\u2029\u202f\u3000\u200b\ufeffé")),
               max_size=12))
def test_normalise_space_is_split_and_join(text):
    from mmb.text import normalise_space

    assert normalise_space(text) == " ".join(text.split())


def test_every_whitespace_but_the_space_is_unprintable():
    """What `normalise_space`'s shortcut rests on, for every character there is."""
    import sys

    odd = [hex(c) for c in range(sys.maxunicode + 1)
           if chr(c).isspace() and chr(c).isprintable() and c != 0x20]
    assert odd == []


def test_messages_by_position_are_the_messages_by_name():
    from mmb import messages as msg

    fill = msg.by_position(msg.L202, "date", "amount", "who")
    assert fill("2026-03-01", "-€ 2,50", "Koffie") == msg.L202.format(
        date="2026-03-01", amount="-€ 2,50", who="Koffie")
