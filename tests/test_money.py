"""Amounts are read exactly as written, and print back exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mmb.money import MoneyError, euro, money_str, parse_money


@pytest.mark.parametrize(("text", "expected"), [
    ("150", "150"), ("149.95", "149.95"), ("149,95", "149.95"), ("0,5", "0.5"),
    ("€ 1.234,56", "1234.56"), ("€1.234,56", "1234.56"), ("EUR 12,50", "12.50"),
    ("1.234.567,89", "1234567.89"), ("1,234.56", "1234.56"), ("1.234.567", "1234567"),
    ("  42 ", "42"), ("12,50 €", "12.50"), ("\u20ac\u00a0 99,99", "99.99"),
])
def test_accepted_spellings(text, expected):
    assert parse_money(text) == Decimal(expected)


@pytest.mark.parametrize(("text", "reason"), [
    ("12,345", "ambiguous"), ("12.345", "ambiguous"), ("1,2345", "two decimals"),
    ("2750.005", "two decimals"), ("0,005", "two decimals"), ("-1234.567", "two decimals"),
    ("12.345,6.7", "not an amount"), ("1.2.3", "not an amount"), ("abc", "not an amount"),
    ("", "not an amount"), ("-5", "negative"), ("1e3", "not an amount"),
    ("12,34,56", "not an amount"), ("1.23,45", "not an amount"),
])
def test_refused_spellings(text, reason):
    with pytest.raises(MoneyError, match=reason):
        parse_money(text)


def test_numbers_from_yaml_and_floats():
    assert parse_money(Decimal("149.95")) == Decimal("149.95")
    assert parse_money(150) == Decimal(150)
    with pytest.raises(MoneyError, match="two decimals"):
        parse_money(Decimal("1.005"))
    with pytest.raises(MoneyError, match="float"):
        parse_money(0.1)
    with pytest.raises(MoneyError):
        parse_money(True)


def test_negative_allowed_where_asked():
    assert parse_money("-12,50", allow_negative=True) == Decimal("-12.50")


cents = st.integers(min_value=0, max_value=10**11).map(lambda c: Decimal(c).scaleb(-2))


@given(cents)
def test_dutch_format_round_trips(amount):
    assert parse_money(euro(amount)) == amount


@given(cents)
def test_machine_format_round_trips(amount):
    text = money_str(amount)
    assert parse_money(text) == amount
    assert text == f"{amount:.2f}"


@given(st.integers(min_value=-10**11, max_value=10**11).map(lambda c: Decimal(c).scaleb(-2)))
def test_signed_round_trip(amount):
    assert parse_money(money_str(amount), allow_negative=True) == amount
    assert parse_money(euro(amount), allow_negative=True) == amount
