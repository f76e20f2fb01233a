"""One IBAN check (mmb/iban.py, python-stdnum) for team.yaml, the bank readers and MMB301."""

from __future__ import annotations

import pytest
from conftest import TEAM_YAML, check

from mmb import iban
from mmb.banks._common import iban_valid as bank_iban_valid
from mmb.banks._common import own_account, split_currency
from mmb.privacy import iban_valid as privacy_iban_valid

VALID = ["NL91ABNA0417164300", "nl91 abna 0417 1643 00", "NL02INGB0008823104", "NL44RABO0123456789",
         "DE89370400440532013000", "BE68539007547034"]
INVALID = [
    "NL02INGB0008823104EUR",  # passes mod 97 as 21 characters: the old bank-side check took it
    "NL91ABNA041716430",  # one digit short
    "NL02RABO0123456789",  # check digits wrong
    "NL911BNA0417164300",  # NL bank code is four letters
    "XX961234567890123",  # mod 97 right, but XX issues no IBANs
    "417164300",  # an old ABN AMRO account number
    "NL00INGB0000000020",  # check digits 00 are never issued, whatever mod 97 says
    "",
]


@pytest.mark.parametrize("value", VALID)
def test_valid_everywhere(value: str) -> None:
    assert iban.is_valid(value)
    assert bank_iban_valid(iban.normalise(value))
    assert privacy_iban_valid(value)
    assert iban.problem(value) is None


@pytest.mark.parametrize("value", INVALID)
def test_invalid_everywhere(value: str) -> None:
    assert not iban.is_valid(value)
    assert not bank_iban_valid(iban.normalise(value))
    assert not privacy_iban_valid(value)
    assert iban.problem(value) is not None


def test_the_glued_currency_of_ing_mt940_is_split_off() -> None:
    # Fails on the old hand-written check: "NL02INGB0008823104EUR" passed its mod 97 as it
    # was, so the account stayed with "EUR" on it and could never match team.yaml.
    assert own_account("NL02INGB0008823104EUR") == "NL02INGB0008823104"
    assert split_currency("NL02INGB0008823104USD") == ("NL02INGB0008823104", "USD")
    assert split_currency("NL02INGB0008823104") == ("NL02INGB0008823104", None)


@pytest.mark.parametrize(
    ("value", "reason"),
    [("417164300", "account_number"), ("0417164300", "account_number"),
     ("NL91ABNA041716430", "length"), ("NL02RABO0123456789", "checksum"),
     ("NL911BNA0417164300", "layout"), ("XX961234567890123", "country"),
     ("NL00INGB0000000020", "checksum")],
)
def test_problem_names_the_reason(value: str, reason: str) -> None:
    found = iban.problem(value)
    assert found is not None and found[0] == reason


def test_format_and_build() -> None:
    assert iban.format_iban("nl91abna0417164300") == "NL91 ABNA 0417 1643 00"
    assert iban.from_parts("NL", "ABNA", "0417164300") == "NL91ABNA0417164300"
    assert iban.country_length("NL") == 18 and iban.country_length("XX") is None


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("417164300", "is a bank account number, not an IBAN"),  # YAML reads it as a number
        ('"0417164300"', "is a bank account number, not an IBAN"),
        ("NL91ABNA041716430", "a NL IBAN has 18 characters, this has 17"),
        ("NL02RABO0123456789", "the check digits do not match"),
        ("NL91 ABNA 0417 1643 0X", "does not have the layout of a NL IBAN"),
    ],
)
def test_team_yaml_account_that_is_not_an_iban_gets_a_plain_message(make_team, written: str,
                                                                     says: str) -> None:
    root = make_team({}, team=TEAM_YAML + f"accounts:\n  - iban: {written}\n")
    found = [f for f in check(root) if f.path == "team.yaml"]
    assert [(f.code, f.line) for f in found] == [("MMB002", 24)]
    assert says in found[0].message
    assert "copy it from the banking app" in found[0].message


def test_team_yaml_account_is_stored_normalised(make_team) -> None:
    from mmb.folder import load_team

    root = make_team({}, team=TEAM_YAML + "accounts:\n  - iban: nl91 abna 0417 1643 00\n")
    team = load_team(root).team
    assert team is not None and team.accounts[0].iban == "NL91ABNA0417164300"


def test_the_dutch_fast_path_agrees_with_stdnum() -> None:
    """`is_valid` checks NL IBANs itself (stdnum's registry is slow to read): for every
    kind of string of the Dutch shape the answer must be stdnum's."""
    import random

    from stdnum import iban as std

    from mmb import iban as own

    rng = random.Random(16)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    samples = ["NL91ABNA0417164300", "NL02ABNA0123456789", "NL20INGB0001234567",
               "NL00ABNA0417164300", "NL01ABNA0417164300", "NL99ABNA0417164300"]
    for _ in range(3000):
        bank = "".join(rng.choice(letters) for _ in range(4))
        account = "".join(rng.choice("0123456789") for _ in range(10))
        checked = std.calc_check_digits("NL00" + bank + account)
        samples.append(f"NL{checked}{bank}{account}")
        samples.append(f"NL{rng.randrange(100):02d}{bank}{account}")
    for number in samples:
        own.is_valid.cache_clear()
        expected = number[2:4] not in ("00", "01", "99") and std.is_valid(
            number, check_country=False)
        assert own.is_valid(number) is expected, number
