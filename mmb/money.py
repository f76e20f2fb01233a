"""Money: always `Decimal`, parsed exactly as written, never through a binary float.

Accepted spellings (in YAML files and on the command line):

* plain numbers: ``150``, ``149.95``, ``149,95``
* Dutch grouping: ``1.234,56``, ``1.234.567``; English grouping: ``1,234.56``
* an optional euro sign or ``EUR`` and spaces: ``€ 1.234,56``, ``EUR 12,50``

Refused, each with a plain reason: more than two decimals, a lone separator followed by
exactly three digits (``12,345`` and ``12.345`` mean twelve thousand in one convention and
twelve in the other), badly placed grouping, exponents, infinities, anything else.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from mmb import messages as msg

CENT = Decimal("0.01")

_CURRENCY = re.compile(r"^(?:€|EUR|eur)\s*|\s*(?:€|EUR|eur)$")
_DIGITS = re.compile(r"^\d+$")
_GROUPED = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")


class MoneyError(ValueError):
    """An amount that cannot be read exactly; the message says why in plain words."""


def parse_money(value: object, *, allow_negative: bool = False) -> Decimal:
    """Read an amount exactly.

    `value` may be a `Decimal` or `int` (YAML numbers reach us as the exact text, turned
    into `Decimal` by the loader) or a string in one of the spellings above. A `float` is
    refused: it has already lost the exact value.
    """
    if isinstance(value, bool):
        raise MoneyError(msg.MONEY_BOOL)
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise MoneyError(msg.MONEY_NOT_FINITE)
        amount = value
    elif isinstance(value, str):
        amount = _parse_text(value)
    elif isinstance(value, float):
        raise MoneyError(msg.MONEY_FLOAT)
    else:
        raise MoneyError(msg.MONEY_EXPECTED)
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise MoneyError(msg.MONEY_DECIMALS.format(value=value))
    if amount < 0 and not allow_negative:
        raise MoneyError(msg.MONEY_NEGATIVE.format(value=value))
    return amount


def _parse_text(text: str) -> Decimal:
    raw = text
    s = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    sign = ""
    if s and s[0] in "+-":
        sign, s = ("-" if s[0] == "-" else ""), s[1:].strip()
    s = _CURRENCY.sub("", s).strip()
    if s and s[0] in "+-" and not sign:
        sign, s = ("-" if s[0] == "-" else ""), s[1:].strip()
    if not s:
        raise MoneyError(msg.MONEY_NOT_AMOUNT.format(raw=raw))
    number = _normalise(s, raw)
    try:
        return Decimal(sign + number)
    except InvalidOperation:  # pragma: no cover - _normalise only returns digit strings
        raise MoneyError(msg.MONEY_NOT_AMOUNT.format(raw=raw)) from None


def _normalise(s: str, raw: str) -> str:
    """Return `s` as ``digits[.digits]`` or raise with the reason."""
    if _DIGITS.match(s):
        return s
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        decimal_sep = "," if s.rfind(",") > s.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        whole, _, frac = s.rpartition(decimal_sep)
        if group_sep in frac or decimal_sep in whole or not _GROUPED.match(whole):
            raise MoneyError(msg.MONEY_MIXED.format(raw=raw))
        if not _DIGITS.match(frac):
            raise MoneyError(msg.MONEY_NOT_GROUPED.format(raw=raw))
        if len(frac) > 2:
            raise MoneyError(msg.MONEY_DECIMALS.format(value=repr(raw)))
        return whole.replace(group_sep, "") + "." + frac
    sep = "." if dots else ","
    count = dots or commas
    if not re.match(r"^[\d.,]+$", s):
        raise MoneyError(msg.MONEY_NOT_AMOUNT.format(raw=raw))
    if count == 1:
        whole, _, frac = s.partition(sep)
        if not whole or not _DIGITS.match(whole) or not _DIGITS.match(frac):
            raise MoneyError(msg.MONEY_NOT_AMOUNT.format(raw=raw))
        # Only "12.345" could be twelve thousand: a group has one to three digits before
        # it, not "0" and not four ("2750.005" can only mean three decimals).
        if len(frac) == 3 and len(whole) <= 3 and not whole.startswith("0"):
            raise MoneyError(msg.MONEY_AMBIGUOUS.format(raw=raw, whole=whole, frac=frac))
        if len(frac) > 2:
            raise MoneyError(msg.MONEY_DECIMALS.format(value=repr(raw)))
        return whole + "." + frac
    if _GROUPED.match(s):
        return s.replace(sep, "")
    raise MoneyError(msg.MONEY_NOT_GROUPED.format(raw=raw))


def money_str(amount: Decimal) -> str:
    """Machine form: dot decimal, exactly two decimals (``-12.50``)."""
    text = str(amount)
    # Already in that form (an amount read with two decimals): no need to quantize.
    # Decimal's str uses an exponent only for positive exponents or tiny numbers, and a
    # third-last "." means exactly two decimals.
    if text[-3:-2] == "." and "E" not in text:
        return text
    return f"{amount.quantize(CENT):f}"


def euro(amount: Decimal) -> str:
    """Human form in Dutch notation: ``€ 1.234,56`` (negative: ``-€ 12,50``)."""
    text = money_str(amount)
    negative = text[0] == "-"
    body = text[1:] if negative else text
    if len(body) <= 6 and text != "-0.00":  # under a thousand: no grouping (made fast)
        return ("-€ " if negative else "€ ") + body.replace(".", ",")
    q = amount.quantize(CENT)
    sign = "-" if q < 0 else ""
    grouped = f"{abs(q):,.2f}"  # Decimal formats exactly: 1,234.56
    return f"{sign}€ " + grouped.replace(",", "_").replace(".", ",").replace("_", ".")
