"""Issue 14, personal data: the MMB301 forms that used to be missed, the look-alikes that
used to be flagged, numbers YAML reads as numbers, the household code's form, and masking
of personal data in every finding that echoes a value from a file.

All identifiers are made up; IBANs and BSNs are computed here, not by mmb.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from conftest import NOW, TEAM_YAML, case_yaml, check
from typer.testing import CliRunner

from mmb import actions
from mmb.cli import app
from mmb.errors import RefusedError
from mmb.privacy import find_personal_data, mask


def make_iban(country: str, bban: str) -> str:
    rearranged = bban.upper() + country + "00"
    number = int("".join(str(int(ch, 36)) for ch in rearranged))
    return f"{country}{98 - number % 97:02d}{bban.upper()}"


def bsn(first8: str) -> str:
    check_digit = sum(w * int(d) for w, d in zip(range(9, 1, -1), first8, strict=True)) % 11
    assert check_digit <= 9
    return first8 + str(check_digit)


NL = make_iban("NL", "ABNA0417164300")  # NL91ABNA0417164300
BSN = bsn("12345678")  # 123456782


def kinds(text: str) -> list[tuple[str, str]]:
    return [(h.kind, text[h.start : h.end]) for h in find_personal_data(text)]


def test_computed_identifiers_are_what_the_tests_expect() -> None:
    assert NL == "NL91ABNA0417164300"
    assert BSN == "123456782"


# ----------------------------------------------------------------- recall: the forms


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("bel 06/12345678 na vijf uur", "06/12345678"),
        ("bel 06.12.34.56.78 na vijf uur", "06.12.34.56.78"),
        ("bel 06 - 1234 5678 na vijf uur", "06 - 1234 5678"),
        ("bel 06 – 1234 5678 na vijf uur", "06 – 1234 5678"),  # en dash
        ("bel 06.1234.5678 na vijf uur", "06.1234.5678"),
        ("vaste lijn 020 - 612 34 56, zus", "020 - 612 34 56"),
        ("vaste lijn 010/4123456, zus", "010/4123456"),
        ("vaste lijn 030 5555 555, zus", "030 5555 555"),
        ("vaste lijn 088 75 555 55, zus", "088 75 555 55"),
        ("Belgisch nummer 0032 470 12 34 56.", "0032 470 12 34 56"),
        ("Duits nummer 0049 170 1234567.", "0049 170 1234567"),
        ("Duits nummer +49 151 23456789.", "+49 151 23456789"),
        ("Belgisch nummer +32 478 55 66 77.", "+32 478 55 66 77"),
        ("Broer: +49 (0)176 98765432, in Keulen", "+49 (0)176 98765432"),
        ("Nummer 0031 6 18273645 van de vader", "0031 6 18273645"),
        ("Nummer +31 (0) 6 8765 4321 van de vader", "+31 (0) 6 8765 4321"),
    ],
)
def test_phone_numbers_in_more_ways_of_writing(text: str, span: str) -> None:
    assert kinds(text) == [("phone", span)]


@pytest.mark.parametrize(
    "written",
    [
        "NL91.ABNA.0417.1643.00",
        "NL91-ABNA-0417-1643-00",
        "NL91  ABNA  0417  1643  00",
        "nl91abna0417164300",
        "nl91 abna 0417 1643 00",
        "NL12ABNA0417164300",  # wrong check digits: a typo is still an IBAN
        "NL91ABNA0417164301",  # wrong account digit
        "NL91ABN00417164300",  # a zero typed for the letter O
        make_iban("BE", "063123456783")[:-1] + "4",  # foreign, mod 97 wrong
        " ".join([make_iban("DE", "500105170648489890")[i:i + 4] for i in range(0, 22, 4)]),
    ],
)
def test_ibans_by_shape(written: str) -> None:
    text = f"Betaald op rekening {written} van de verhuurder."
    assert kinds(text) == [("iban", written)]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Woont in 1092ab 14, begane grond.", "1092ab 14"),
        ("Woont in 3512 jk 8, Utrecht.", "3512 jk 8"),
        ("Woont aan de Oudezijds Voorburgwal 214.", "Voorburgwal 214"),
        ("Woning aan de Noordzijde 81 in Zaandam.", "Noordzijde 81"),
        ("Bezorgen op Grote Markt 3, Haarlem.", "Grote Markt 3"),
        ("Adres moeder Oosterpark 27, 2 hoog.", "Oosterpark 27"),
        ("Bezorging bij Ceintuurbaan 190.", "Ceintuurbaan 190"),
        ("Bezorgen op Laan van Meerdervoort 55, Den Haag.", "Laan van Meerdervoort 55"),
        ("Woont aan het Damrak 70 boven de winkel.", "Damrak 70"),
        ("Adres: Burg. de Vlugtlaan 12, Slotermeer.", "Vlugtlaan 12"),
        ("Klant woont Kerkstr. 12 in Noord.", "Kerkstr. 12"),
        ("Woont op Molenwijk 20, bij het winkelcentrum.", "Molenwijk 20"),
        ("Post naar Postbus 12345, 1000 AB Amsterdam.", "Postbus 12345, 1000 AB"),
        ("Woont Kerkstraat 12, 1234 AB Utrecht.", "Kerkstraat 12, 1234 AB"),
    ],
)
def test_addresses_in_more_forms(text: str, span: str) -> None:
    assert kinds(text) == [("address", span)]


def test_organisation_addresses_are_flagged_on_purpose() -> None:
    # MMB301 cannot tell whose address it is; a team can name the shop instead.
    assert kinds("Koelkast ophalen bij Kringloop Zuid, Kinderdijkstraat 8.") == [
        ("address", "Kinderdijkstraat 8")]
    assert kinds("Juridisch Loket, Koningin Wilhelminaplein 13.") == [
        ("address", "Wilhelminaplein 13")]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        (f"Klantnummer {BSN} bij de gemeente", BSN),
        (f"cliëntnummer {BSN} bij de sociale dienst", BSN),
        # further than 30 characters from "bsn", and failing the eleven-test (a typo)
        ("Het BSN staat in het dossier, maar voor de aanvraag: 747661432.", "747661432"),
        ("bsn van de vader is bekend bij het wijkteam en bij de gemeente, zie 420119503",
         "420119503"),
        ("BSN: 1234 56 782", "1234 56 782"),
        ("bsn 123 456 782, kind van 7", "123 456 782"),
    ],
)
def test_bsn_after_client_numbers_and_far_from_the_word(text: str, span: str) -> None:
    assert kinds(text) == [("bsn", span)]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Klant mevr. Jansen heeft een achterstand.", "mevr. Jansen"),
        ("Koelkast voor mw. El Amrani, insuline.", "mw. El Amrani"),
        ("Fiets voor dhr. De Vries, dagbesteding.", "dhr. De Vries"),
        ("Fiets voor dhr. de Vries, dagbesteding.", "dhr. de Vries"),
        ("Laptop voor meneer Bakker.", "meneer Bakker"),
        ("Hulp voor mevrouw Yilmaz bij de eindafrekening.", "mevrouw Yilmaz"),
        ("Verhuizing van de heer Van den Berg.", "de heer Van den Berg"),
        ("Klant: dhr. J. de Boer, alleenstaand.", "dhr. J. de Boer"),
        ("Vraag van meneer Jan de Wit om een fiets.", "meneer Jan de Wit"),
        ("Overleg met mevr. Smit-Kuiper over de bril.", "mevr. Smit-Kuiper"),
        ("Bezoek aan dhr. Aydın thuis.", "dhr. Aydın"),
        ("Aanvraag voor familie Rodrigues, koelkast.", "familie Rodrigues"),
        ("Schoolspullen voor fam. Bouzid.", "fam. Bouzid"),
    ],
)
def test_names_after_a_title(text: str, span: str) -> None:
    assert kinds(text) == [("name", span)]


@pytest.mark.parametrize(
    "text",
    [
        "Mevrouw is akkoord met betaling aan de verhuurder.",
        "Meneer kan de fiets zelf ophalen.",
        "De heer des huizes is opgenomen.",
        "Meneer en mevrouw zijn allebei akkoord.",
        "akkoord, dhr. is erg gemotiveerd",
        "Het gezin met drie kinderen mist een wasmachine.",
        "Familie in Duitsland helpt mee.",
        "Rechtstreeks aan Fietsenmaker Jansen betaald.",
        "Klant woont aan het Mr. Visserplein, kamer bij een particulier.",
    ],
)
def test_titles_without_a_name(text: str) -> None:
    assert find_personal_data(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Moeder (geb. 12-03-1985) is alleenstaand.", "geb. 12-03-1985"),
        ("Zoon, geboren op 3 april 2009, heeft een laptop nodig.", "geboren op 3 april 2009"),
        ("Geboortedatum: 1979-11-23, man.", "Geboortedatum: 1979-11-23"),
        ("Geboortedatum van de klant: 14-06-1988.", "Geboortedatum van de klant: 14-06-1988"),
        ("geb.datum 05/11/1993, alleenstaande vader", "geb.datum 05/11/1993"),
        ("Dochter geb. 7 maart 2011 heeft een fiets nodig.", "geb. 7 maart 2011"),
        ("Vader is geboren in 1962 op 14 mei.", "geboren in 1962 op 14 mei"),
        ("Zoon is op 4 oktober 2008 geboren.", "4 oktober 2008 geboren"),
    ],
)
def test_dates_of_birth(text: str, span: str) -> None:
    assert kinds(text) == [("birthdate", span)]


@pytest.mark.parametrize(
    "text",
    [
        "De kinderen zijn geboren in 2014 en 2017.",
        "De baby is geboren in maart.",
        "De baby wordt verwacht op 12-03-2027.",
        "Aanvraag gedaan op 12-03-2026, besproken op 14-03-2026.",
        "Verjaardag van de zoon op 12 maart.",
    ],
)
def test_dates_that_are_no_date_of_birth(text: str) -> None:
    assert find_personal_data(text) == []


# ----------------------------------------------------------------- precision: look-alikes


@pytest.mark.parametrize(
    "text",
    [
        "Betaald aan Coolblue, bestelnummer 0612345678.",
        "Bestelling 0612345678 bij de webwinkel.",
        "Zending 0612345678 van PostNL is onderweg.",
        "Track & trace 0612345678 is verlopen.",
        f"Bedrag van {BSN} cent? Nee, een tikfout in de offerte.",
        f"Kosten {BSN} eurocent volgens het systeem.",
        "Tabel met aantallen per maand: 111 222 333 (jan, feb, mrt).",
        "Incassobureau, dossier 111 222 333, bedrag € 412,20.",
        f"Factuurnummer {BSN} van de fietsenmaker is voldaan.",
        "Kenmerk van de gemeente: 2026/123456, brief van 3 maart.",
        "Artikelnummer 871234567890 (koelkast), prijs € 299.",
        "Bon nr. 0031 4567 8901 van de Action.",
        "Ordernummer 00612345678 bij de webwinkel.",  # no valid Australian number either
        "In 2023 en 2024 twee keer geholpen; 12 of 13 weken.",
        "Verhuisd naar Almere 2026, contact via de school.",
        "Fonds 1818 reageert pas na 6 weken.",
        "Loopbaan 2 jaar onderbroken door ziekte.",
    ],
)
def test_look_alikes_are_left_alone(text: str) -> None:
    assert find_personal_data(text) == []


# ----------------------------------------------------------------- mask()


def test_mask_replaces_every_finding_and_keeps_the_rest() -> None:
    text = f"Bel mevr. Jansen op 06-12345678, rekening {NL}, BSN {BSN}."
    masked = mask(text)
    assert masked == "Bel mevr. J… op 06…78, rekening NL91…00, BSN 12…82."
    assert mask(masked) == masked  # masking twice changes nothing more
    assert mask("Fiets voor H-0231, € 150") == "Fiets voor H-0231, € 150"
    assert mask(612345678) == "612345678"  # not a BSN: shown as it is
    assert mask(123456782) == "12…82"


# ----------------------------------------------------------------- numbers YAML reads as numbers


def test_numbers_as_written_are_scanned(make_team) -> None:
    case = case_yaml(household="123456782", extra="""\
        alternatives:
          - 0612345678
        followup:
          at: 2026-06-01
          note: 0612345678
        """)
    lines = case.splitlines()
    findings = [f for f in check(make_team({"2026-001": case})) if f.code == "MMB301"]
    assert [(f.line, f.message) for f in findings] == [
        (4, "`household` contains what looks like a BSN (citizen service number) (12…82); "
            "cases must stay anonymous: remove it"),
        (lines.index("  - 0612345678") + 1, "`alternatives` contains what looks like a phone "
         "number (06…78); cases must stay anonymous: remove it"),
        (lines.index("  note: 0612345678") + 1, "`note` contains what looks like a phone "
         "number (06…78); cases must stay anonymous: remove it"),
    ]


def test_amounts_and_other_structural_numbers_are_not_scanned(make_team) -> None:
    # amount: 123456782 is absurd, but it is an amount (the cap rules report it)
    case = case_yaml(amount="123456782", approved=None, outcome=None)
    assert [f for f in check(make_team({"2026-001": case})) if f.code == "MMB301"] == []


# ----------------------------------------------------------------- household code


@pytest.mark.parametrize(
    ("household", "shown"),
    [
        ('"Mevr. Jansen"', "Mevr. J…"),
        ("Jansen", "Jansen"),
        ("h-0231", "h-0231"),
        ('"H 0231"', "H 0231"),
        ("0612345678", "06…78"),
        ('"06-12345678"', "06…78"),
    ],
)
def test_household_code_not_in_the_team_form_is_an_error(make_team, household: str,
                                                         shown: str) -> None:
    findings = [f for f in check(make_team({"2026-001": case_yaml(household=household)}))
                if f.code == "MMB002"]
    if household == "0612345678":  # a YAML number: the schema says so (and MMB301)
        assert [f.line for f in findings] == [4]
        assert "0612345678" not in findings[0].message
        return
    assert [(f.line, f.message) for f in findings] == [
        (4, f"household code {shown} does not have the team's form (H-[0-9A-Z]{{1,16}}); "
            "write the code `mmb household` makes for the client, never a name, number or "
            "address")]


@pytest.mark.parametrize("household", ["H-0231", "H-7K2QX9", "H-1"])
def test_household_codes_in_the_default_form_pass(make_team, household: str) -> None:
    assert check(make_team({"2026-001": case_yaml(household=household)})) == []


def test_team_household_pattern_replaces_the_default(make_team) -> None:
    team = TEAM_YAML + "household_pattern: 'HH[0-9]{4}'\n"
    root = make_team({"2026-001": case_yaml(household="HH0231"),
                      "2026-002": case_yaml("2026-002", household="H-0231")}, team=team)
    assert [(f.code, f.path) for f in check(root)] == [("MMB002", "cases/2026-002.yaml")]


def test_household_pattern_from_mmb_yaml(tmp_path, make_team) -> None:
    root = make_team({"2026-001": case_yaml(household="W12-0001")}, folder="stad/noord")
    (tmp_path / "stad" / "mmb.yaml").write_text("household_pattern: 'W[0-9]{2}-[0-9]{4}'\n",
                                                encoding="utf-8")
    assert check(root) == []


def test_household_pattern_that_does_not_compile(make_team) -> None:
    team = TEAM_YAML + "household_pattern: 'H-[0-9'\n"
    findings = check(make_team({"2026-001": case_yaml()}, team=team))
    assert [(f.code, f.path, f.line) for f in findings] == [
        ("MMB002", "team.yaml", len(team.splitlines()))]
    assert "household_pattern" in findings[0].message
    assert "regular expression" in findings[0].message


def test_case_new_refuses_a_household_that_is_no_code(make_team) -> None:
    root = make_team({})
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    with pytest.raises(RefusedError) as refused:
        actions.new_case(root, household="Mevr. Jansen", category="vervoer",
                         amount=actions.parse_amount("150"), by="fatima", purpose="Fiets",
                         opened=datetime(2026, 11, 22, 10, 0), now=NOW)
    text = str(refused.value)
    assert "--household Mevr. J… does not have the team's form" in text
    assert "`household` contains" not in text and "household contains what looks like" in text
    assert "Jansen" not in text
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
    assert not list((root / "cases").iterdir())


def test_case_new_takes_a_household_code(make_team) -> None:
    root = make_team({})
    made = actions.new_case(root, household="H-7K2QX9", category="vervoer",
                            amount=actions.parse_amount("150"), by="fatima", purpose="Fiets",
                            opened=datetime(2026, 11, 22, 10, 0), now=NOW)
    assert made.path.read_text(encoding="utf-8").count("household: H-7K2QX9") == 1


# ----------------------------------------------------------------- masking in every finding


def test_values_echoed_by_other_rules_are_masked(make_team, monkeypatch) -> None:
    team = TEAM_YAML.replace("categories: [vervoer, zorg, woonlasten, leefgeld]",
                             "categories: [vervoer, zorg, woonlasten, leefgeld, vervoer]")
    cases = {
        # MMB004: a category that is a phone number; MMB102: a voter that is a phone number
        "2026-001": case_yaml(category='"06-12345678"', votes=[
            ("jan", "approve", "2026-03-02 10:40"), ("anneke", "akkoord", "2026-03-02 11:00"),
            ("piet", "approve", "2026-03-02 11:30"), ('"06-87654321"', "approve",
                                                     "2026-03-02 11:31")]),
        # MMB002: a value that is no date (written 0612345678, read as a number)
        "2026-002": case_yaml("2026-002", opened="0612345678"),
        # MMB004: a requester that is an e-mail address
        "2026-007": case_yaml("2026-007", requested_by="j.jansen@example.nl"),
        # MMB003: a file name holding a BSN
        f"{BSN}": case_yaml("2026-003"),
        # MMB103: a household code that is a name (MMB002 too) over the cap
        "2026-004": case_yaml("2026-004", household='"mevr. Jansen"', approved="400"),
        "2026-005": case_yaml("2026-005", household='"mevr. Jansen"', approved="400"),
        # MMB002: an unknown key holding an IBAN
        "2026-006": case_yaml("2026-006", extra=f"{NL}: ja\n"),
    }
    root = make_team(cases, team=team)
    findings = check(root)
    got = {f.code for f in findings}
    assert {"MMB002", "MMB003", "MMB004", "MMB102", "MMB103", "MMB301"} <= got
    every = "\n".join(f.message for f in findings)
    for secret in ("12345678", "87654321", "j.jansen@example.nl", BSN, "Jansen", NL,
                   "0417164300"):
        assert secret not in every, secret
    for shown in ("06…78", "06…21", "j…@example.nl", "12…82", "mevr. J…", "NL91…00"):
        assert shown in every, shown
    # the same in the CLI's JSON output
    monkeypatch.setenv("MMB_NOW", "2026-11-22 12:00")
    result = CliRunner().invoke(app, ["validate", "--format", "json", str(root)])
    # (paths are where to look and stay as they are: the file named 123456782.yaml)
    messages = "\n".join(p["message"] for p in json.loads(result.stdout)["problems"])
    assert "06…78" in messages and "12345678" not in messages and "Jansen" not in messages
