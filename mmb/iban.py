"""IBANs: the one check mmb uses everywhere (team.yaml accounts, bank exports, MMB301).

The check is python-stdnum's (`stdnum.iban`): the country must issue IBANs, the account part
must have that country's layout and length from the IBAN registry (NL: four letters and ten
digits, 18 characters in all), and the ISO 7064 mod 97-10 check must hold. On top of it,
check digits 00, 01 and 99 are refused: mod 97-10 never produces them (ISO 13616), so a
string with them is a typo that happens to leave the same remainder. A country's own check
on the account number inside the IBAN (Belgium has one) is not part of the IBAN standard
and is not applied.

stdnum is imported on first use, not at start-up (it takes some 50 ms to import), and a
Dutch IBAN, the one nearly every team has, is checked without it.
"""

from __future__ import annotations

import re
from functools import lru_cache

_DIGITS = re.compile(r"[0-9]{1,12}", re.ASCII)
_STRUCTURE = re.compile(r"([1-9][0-9]*)!([nac])")
_NEVER_ISSUED = ("00", "01", "99")


def normalise(value: str) -> str:
    """Upper case, all whitespace removed: ``nl91 abna 0417 1643 00`` -> ``NL91ABNA0417164300``."""
    return "".join(value.split()).upper()


#: A Dutch IBAN as the registry lays it out (``4!a10!n`` after the country and check
#: digits): checked here without stdnum, whose registry takes 30 ms to read; the result is
#: the same (tests/test_iban.py compares them).
_DUTCH = re.compile(r"NL[0-9]{2}[A-Z]{4}[0-9]{10}", re.ASCII)


@lru_cache(maxsize=4096)
def is_valid(value: str) -> bool:
    """Whether `value` is a valid IBAN (spaces and lower case allowed)."""
    number = normalise(value)
    if _DUTCH.fullmatch(number):
        return number[2:4] not in _NEVER_ISSUED and _mod97(number) == 1
    from stdnum import iban

    # check_country=False: the IBAN standard's checks, not a country's own check on the
    # account number inside it (Belgium has one), which are no part of ISO 13616.
    return number[2:4] not in _NEVER_ISSUED and iban.is_valid(number, check_country=False)


def _mod97(number: str) -> int:
    """ISO 7064 mod 97-10 of an IBAN: the first four characters moved to the end,
    letters as numbers (A = 10 ... Z = 35)."""
    moved = number[4:] + number[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97


def _layout(country: str) -> str | None:
    """The registry's layout of the account part of `country`'s IBANs (NL: ``4!a10!n``)."""
    from stdnum import numdb

    info = numdb.get("iban").info(country.upper() + "00")
    if not info or len(info[0][0]) != 2:
        return None
    layout = info[0][1].get("bban")
    return str(layout) if layout else None


def country_length(country: str) -> int | None:
    """The length of an IBAN of `country` (``NL`` -> 18), or None when it issues none."""
    layout = _layout(country)
    if layout is None:
        return None
    return 4 + sum(int(count) for count, _ in _STRUCTURE.findall(layout))


_CLASSES = {"n": "[0-9]", "a": "[A-Z]", "c": "[A-Z0-9]"}


def problem(value: str) -> tuple[str, dict[str, object]] | None:
    """Why `value` is not an IBAN, as a key of `mmb.messages.IBAN_PROBLEMS` and the
    fields its message needs; None when it is a valid IBAN."""
    if is_valid(value):
        return None
    number = normalise(value)
    if _DIGITS.fullmatch(number):
        return "account_number", {}
    country = number[:2]
    layout = _layout(country) if country.isalpha() else None
    if layout is None or not number[2:4].isdigit():
        return "country", {}
    length = country_length(country)
    if len(number) != length:
        return "length", {"country": country, "length": length, "found": len(number)}
    pattern = "".join(f"{_CLASSES[kind]}{{{count}}}" for count, kind in _STRUCTURE.findall(layout))
    if not re.fullmatch(pattern, number[4:]):
        return "layout", {"country": country}
    return "checksum", {}


def format_iban(value: str) -> str:
    """Groups of four: ``NL91 ABNA 0417 1643 00``."""
    number = normalise(value)
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def from_parts(country: str, bank: str, account: str) -> str:
    """An IBAN with correct check digits, e.g. ("NL", "ABNA", "0417164300")."""
    from stdnum import iban

    bban = (bank + account).upper()
    return country.upper() + iban.calc_check_digits(country.upper() + "00" + bban) + bban
