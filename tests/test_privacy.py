"""MMB301 detector: personal data in free text (mmb.privacy).

All identifiers below are made up. IBANs and BSNs are computed by the helpers in this
file (not by mmb.privacy), so the tests do not trust the code they test.
"""

from __future__ import annotations

import itertools
import re
import time
from typing import get_args

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mmb.privacy import (
    KIND_LABELS,
    PersonalData,
    PersonalKind,
    bsn_valid,
    find_personal_data,
    iban_valid,
    normalise_iban,
)

NBSP = "\u00a0"
NNBSP = "\u202f"


# ----------------------------------------------------------------- independent helpers


def make_iban(country: str, bban: str) -> str:
    """Compute the check digits for `bban` (ISO 7064 mod 97-10), independently."""
    rearranged = bban.upper() + country + "00"
    number = int("".join(str(int(ch, 36)) for ch in rearranged))
    return f"{country}{98 - number % 97:02d}{bban.upper()}"


def bsn_check_digit(first8: str) -> int | None:
    """The ninth digit that makes `first8` a valid BSN, or None when none exists."""
    remainder = sum(w * int(d) for w, d in zip(range(9, 1, -1), first8, strict=True)) % 11
    return remainder if remainder <= 9 else None


def digits_of(value: str) -> str:
    return re.sub(r"[^0-9]", "", value)


def grouped(value: str, size: int = 4, sep: str = " ") -> str:
    return sep.join(value[i : i + size] for i in range(0, len(value), size))


NL_IBAN = make_iban("NL", "INGB0007541233")
NL_IBAN_2 = make_iban("NL", "RABO0123456789")
BE_IBAN = make_iban("BE", "063123456783")  # Belgian BBAN check: 0631234567 % 97 = 83
DE_IBAN = make_iban("DE", "500105170648489890")


def test_helper_values_are_what_this_file_expects() -> None:
    # Pin the computed values so a broken helper cannot make the IBAN tests vacuous.
    assert NL_IBAN == "NL46INGB0007541233"
    assert NL_IBAN_2 == "NL44RABO0123456789"
    assert BE_IBAN == "BE14063123456783"
    assert DE_IBAN == "DE12500105170648489890"
    assert bsn_check_digit("12345678") == 2
    assert bsn_check_digit("11122233") == 3


# ----------------------------------------------------------------- bsn_valid


@pytest.mark.parametrize("value", ["111222333", "123456782", "987654305", "12345672",
                                   "123.456.782", "1234 56 782"])
def test_bsn_valid_accepts(value: str) -> None:
    assert bsn_valid(value)


@pytest.mark.parametrize(
    "value",
    [
        "111222334", "111222332", "111222343", "211222333",  # one digit off
        "123456781", "123456783", "123456792", "223456782",
        "123456789",
        "000000000", "00000000",  # passes the arithmetic, but is no number
        "12345678901", "1234567", "", "12345678a", "１２３４５６７８２",  # full-width digits
    ],
)  # fmt: skip
def test_bsn_valid_rejects(value: str) -> None:
    assert not bsn_valid(value)


def test_bsn_eight_digits_are_zero_padded() -> None:
    assert bsn_valid("12345672") == bsn_valid("012345672") is True
    assert not bsn_valid("12345673")


# ----------------------------------------------------------------- iban_valid


@pytest.mark.parametrize(
    "value",
    [
        NL_IBAN,
        grouped(NL_IBAN),
        grouped(NL_IBAN).lower(),
        f"  {grouped(NL_IBAN_2)}  ",
        grouped(NL_IBAN, sep=NBSP),
        BE_IBAN,
        grouped(BE_IBAN),
        DE_IBAN,
        grouped(DE_IBAN).lower(),
        make_iban("FR", "30006000011234567890189"),
    ],
)
def test_iban_valid_accepts(value: str) -> None:
    assert iban_valid(value)


def _change_check(iban: str) -> str:
    check = int(iban[2:4])
    return f"{iban[:2]}{(check % 97) + 1 if check < 98 else 2:02d}{iban[4:]}"


@pytest.mark.parametrize(
    "value",
    [
        _change_check(NL_IBAN),
        _change_check(BE_IBAN),
        _change_check(DE_IBAN),
        NL_IBAN[:-1] + str((int(NL_IBAN[-1]) + 1) % 10),  # account digit typo
        NL_IBAN[:-1],  # NL is 18 characters
        NL_IBAN + "0",
        make_iban("NL", "INGB00075412"),  # mod 97 right, length wrong
        make_iban("NL", "1NGB0007541233"),  # NL bank code is four letters
        make_iban("BE", "0631234567830"),  # BE is 16 characters
        make_iban("XX", "1234567890"),  # shorter than any IBAN
        make_iban("XX", "1234567890123"),  # mod 97 right, but XX issues no IBANs
        "NL00INGB0007541233",
        "",
        "NL",
        "1234567890123456",
    ],
)
def test_iban_valid_rejects(value: str) -> None:
    assert not iban_valid(value)


@pytest.mark.parametrize(
    ("bban", "check", "congruent"),
    [("INGB0000000020", "97", "00"), ("INGB0000000002", "98", "01"),
     ("INGB0000000081", "02", "99")],
)
def test_check_digits_outside_02_98_are_refused_even_if_mod97_holds(
    bban: str, check: str, congruent: str
) -> None:
    iban = make_iban("NL", bban)
    assert iban[2:4] == check
    assert iban_valid(iban)
    # 00/01/99 leave the same remainder as 97/98/02 but are never issued
    assert not iban_valid(f"NL{congruent}{bban}")


def test_normalise_iban() -> None:
    assert normalise_iban(" nl46 ingb\u00a00007 5412 33 ") == NL_IBAN


# ----------------------------------------------------------------- positives table

# (value as written, kind, the exact text the finding must cover)
POSITIVES: list[tuple[str, PersonalKind, str]] = [
    # BSN
    ("123456782", "bsn", "123456782"),
    ("111222333", "bsn", "111222333"),
    ("987654305", "bsn", "987654305"),
    ("123.456.782", "bsn", "123.456.782"),
    ("bsn 123 456 782", "bsn", "123 456 782"),  # grouped with spaces: only near a BSN word
    ("123-456-782", "bsn", "123-456-782"),
    ("1234.56.782", "bsn", "1234.56.782"),
    ("BSN: 1234 56 782", "bsn", "1234 56 782"),
    ("12345672", "bsn", "12345672"),
    (f"sofinummer 123{NBSP}456{NBSP}782", "bsn", f"123{NBSP}456{NBSP}782"),
    ("BSN: 123456789", "bsn", "123456789"),  # fails the eleven-test: keyword wins
    ("bsn-nummer 123.456.789", "bsn", "123.456.789"),
    ("burgerservicenummer is 12345678", "bsn", "12345678"),
    ("sofinummer 98765432", "bsn", "98765432"),
    ("123456789 (sofi)", "bsn", "123456789"),
    ("BSN123456789", "bsn", "123456789"),
    ("klant 123456782", "bsn", "123456782"),  # "klant" alone is no other-number label
    ("BSN van de klant: 123456789", "bsn", "123456789"),
    # IBAN
    (NL_IBAN, "iban", NL_IBAN),
    (grouped(NL_IBAN), "iban", grouped(NL_IBAN)),
    (grouped(NL_IBAN_2).lower(), "iban", grouped(NL_IBAN_2).lower()),
    (grouped(NL_IBAN, sep=NBSP), "iban", grouped(NL_IBAN, sep=NBSP)),
    (BE_IBAN, "iban", BE_IBAN),
    (grouped(DE_IBAN), "iban", grouped(DE_IBAN)),
    # e-mail
    ("jan.de.vries@example.nl", "email", "jan.de.vries@example.nl"),
    ("j+test@sub.gemeente.nl", "email", "j+test@sub.gemeente.nl"),
    ("INFO_x@voorbeeld-wijk.org", "email", "INFO_x@voorbeeld-wijk.org"),
    ("rené.müller@exämple.de", "email", "rené.müller@exämple.de"),
    # phone
    ("06-12345678", "phone", "06-12345678"),
    ("06 1234 5678", "phone", "06 1234 5678"),
    ("0612345678", "phone", "0612345678"),
    ("06 12 34 56 78", "phone", "06 12 34 56 78"),
    ("+31 6 12345678", "phone", "+31 6 12345678"),
    ("+31 (0)6 12345678", "phone", "+31 (0)6 12345678"),
    ("+31612345678", "phone", "+31612345678"),
    ("+31 06 12345678", "phone", "+31 06 12345678"),
    ("(06) 12345678", "phone", "(06) 12345678"),
    ("0031612345678", "phone", "0031612345678"),
    ("020-1234567", "phone", "020-1234567"),
    ("(020) 123 4567", "phone", "(020) 123 4567"),
    ("+31 20 123 4567", "phone", "+31 20 123 4567"),
    ("010 123 4567", "phone", "010 123 4567"),
    ("0111-123456", "phone", "0111-123456"),
    ("0111 12 34 56", "phone", "0111 12 34 56"),
    ("085 123 4567", "phone", "085 123 4567"),
    (f"06{NBSP}1234{NBSP}5678", "phone", f"06{NBSP}1234{NBSP}5678"),
    (f"+31{NNBSP}6{NNBSP}12345678", "phone", f"+31{NNBSP}6{NNBSP}12345678"),
    ("06\u201112345678", "phone", "06\u201112345678"),  # non-breaking hyphen
    ("+32 470 12 34 56", "phone", "+32 470 12 34 56"),
    ("+90 531 022 21 53", "phone", "+90 531 022 21 53"),
    # postcode with house number, street with house number
    ("1234 AB 12", "address", "1234 AB 12"),
    ("1234AB 12a", "address", "1234AB 12a"),
    ("1234 AB, 12", "address", "1234 AB, 12"),
    ("1234AB nr 5", "address", "1234AB nr 5"),
    ("9999 ZZ 1-3", "address", "9999 ZZ 1-3"),
    (f"1234{NBSP}AB{NBSP}12", "address", f"1234{NBSP}AB{NBSP}12"),
    ("Kerkstraat 12", "address", "Kerkstraat 12"),
    ("Kerkstraat nr. 12", "address", "Kerkstraat nr. 12"),
    ("Kerkstraat, 12", "address", "Kerkstraat, 12"),
    ("Lange Nieuwstraat 3-bis", "address", "Nieuwstraat 3-bis"),
    ("Van Speijkstraat 104 hs", "address", "Speijkstraat 104 hs"),
    ("Prinsengracht 263", "address", "Prinsengracht 263"),
    ("Jan-Pieterszoon-Coenkade 7", "address", "Jan-Pieterszoon-Coenkade 7"),
    ("Schiedamsedijk 40a", "address", "Schiedamsedijk 40a"),
    ("Nieuwe Weg 4", "address", "Nieuwe Weg 4"),
    ("Kerkstraat 12, 1234 AB", "address", "Kerkstraat 12, 1234 AB"),
    (f"Dorpslaan{NBSP}7", "address", f"Dorpslaan{NBSP}7"),
]

TEMPLATES = [
    "{v} is doorgegeven aan de schuldeiser.",  # start of a sentence
    "De klant gaf {v} door aan het buurtteam.",  # middle
    "Genoteerd tijdens het gesprek: {v}",  # end, no full stop
    "Contact via {v}.",  # end, full stop
    f"Gegevens:{NBSP}{{v}}",  # after a no-break space
]


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize(("value", "kind", "span"), POSITIVES)
def test_positive(template: str, value: str, kind: PersonalKind, span: str) -> None:
    text = template.format(v=value)
    hits = find_personal_data(text)
    assert [(hit.kind, text[hit.start : hit.end]) for hit in hits] == [(kind, span)]
    masked = hits[0].masked
    assert span not in masked
    assert "…" in masked
    if len(digits_of(span)) >= 8:
        assert digits_of(span) not in digits_of(masked)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("bsn 123456782", "12…82"),
        (grouped(NL_IBAN).lower(), "NL46…33"),
        ("06-12345678", "06…78"),
        ("+31 6 12345678", "+31…78"),
        ("jan.de.vries@example.nl", "j…@example.nl"),
        ("1234AB 12", "1234 AB …"),
        ("Kerkstraat 12", "Kerkstraat …"),
    ],
)
def test_masked_forms(text: str, masked: str) -> None:
    assert [hit.masked for hit in find_personal_data(text)] == [masked]


def test_kind_labels_cover_every_kind() -> None:
    assert set(KIND_LABELS) == set(get_args(PersonalKind))
    assert KIND_LABELS["bsn"] == "a BSN (citizen service number)"
    assert KIND_LABELS["address"] == "an address (a street or postcode with a house number)"


def test_many_findings_sorted_non_overlapping_with_offsets_in_the_original() -> None:
    text = (
        f"Mail{NBSP}j.jansen@example.nl of bel 06{NBSP}1234{NBSP}5678; BSN 111222333, "
        f"rekening {grouped(NL_IBAN)}, woont Kerkstraat 12, 1234 AB Utrecht."
    )
    hits = find_personal_data(text)
    assert [(hit.kind, text[hit.start : hit.end]) for hit in hits] == [
        ("email", "j.jansen@example.nl"),
        ("phone", f"06{NBSP}1234{NBSP}5678"),
        ("bsn", "111222333"),
        ("iban", grouped(NL_IBAN)),
        ("address", "Kerkstraat 12, 1234 AB"),
    ]
    assert all(a.end <= b.start for a, b in itertools.pairwise(hits))


def test_phone_numbers_separated_by_slash_or_comma_are_both_found() -> None:
    for text in ("06-12345678/020-1234567", "0612345678,0201234567"):
        assert [hit.kind for hit in find_personal_data(text)] == ["phone", "phone"]


def test_email_is_found_before_its_digits_look_like_a_phone_number() -> None:
    text = "Mail 0612345678@example.nl of 111222333@example.nl"
    assert [hit.kind for hit in find_personal_data(text)] == ["email", "email"]


def test_iban_account_part_is_not_also_a_phone_number_or_bsn() -> None:
    for text in (NL_IBAN, grouped(NL_IBAN), f"iban {NL_IBAN} bsn"):
        assert [hit.kind for hit in find_personal_data(text)] == ["iban"]


def test_iban_with_wrong_check_digits_is_still_an_iban() -> None:
    # Issue 14: a typo in an IBAN is still an IBAN (it used to pass unnoticed).
    for text in (_change_check(NL_IBAN), grouped(_change_check(NL_IBAN))):
        assert [h.kind for h in find_personal_data(f"rekening {text} gebruikt")] == ["iban"]


def test_personal_data_is_frozen() -> None:
    hit = PersonalData("bsn", 0, 9, "12…82")
    with pytest.raises(AttributeError):
        hit.start = 3  # type: ignore[misc]


# ----------------------------------------------------------------- negatives table

NEGATIVES = [
    # case ids, household codes, years, quantities
    "Zaak 2026-014 is besproken in het teamoverleg.",
    "Zie ook 2026-0142 en 2025-999.",
    "Huishouden H-0231 kreeg eerder steun (H-1200).",
    "In 2025 en 2026 is het budget 3000 euro.",
    "Gezin met 3 kinderen en 2 volwassenen, 1 hond.",
    # dates in several formats, times
    "Aangevraagd op 2026-03-02.",
    "Aangevraagd op 02-03-2026 om 14:30.",
    "Gesprek op 2-3-2026, 02/03/2026 of 02.03.2026.",
    "Datum 20260302 en 02032026.",
    "Datum 20260106 en 12012026.",  # both pass the eleven-test: the date guard matters
    "Gesprek 2026-03-02T14:30:00 en 2026-03-02 14:30.",
    "Verhuisd 31-12-2025 10:00.",  # ("Geboren 01-02-1990" is a date of birth now)
    "Spreekuur 9.00-12.30 uur en 14.30 uur.",
    "02-03-2026 14 uur",
    # amounts
    "Huurachterstand € 1.234,56.",
    "Totale schuld € 1.234.567,89 bij de woningcorporatie.",
    "Schuld € 123.456.789,00 (volgens de brief).",
    "Schuld 123.456.789,00 euro",
    "Er is 150 nodig voor de fiets.",
    "Aanvraag 1500 EUR, toegekend EUR 1.500 en €1500,-.",
    "Bedrag € 123456782 klopt niet.",
    "Bedrag 123456782 euro klopt niet.",
    "Bedrag 123456782,- klopt niet.",
    "Bedrag EUR\u00a0123.456.782 klopt niet.",
    "Bijdrage 0,612345678 per dag",
    "Kosten 1500 EU-subsidie.",
    "1500 EU",
    "Subsidie 1500 EU, 3 aanvragen.",
    # phone-like invalid numbers
    "Nummer 061234567 is te kort.",
    "Nummer 06123456789 is te lang.",
    "Nummer +31 6 1234567 is te kort.",
    "Ordernummer 1234567890 en 00612345678.",
    "Bel gratis 0800-1234 of 0800 0543, of 0900 123456.",
    "Code 12340612345678 op de bon.",
    "Versie 1.0612345678",
    "Pas 6 12345678 verlopen",
    # 9-digit number failing the eleven-test, no BSN keyword nearby
    "Klantnummer bij de energieleverancier: 123456789.",
    # ("Klantnummer 123456782", passing the eleven-test, is a BSN now: issue 14)
    "Referentie 123456789 op de brief.",
    # numbers passing the test but labelled as something else
    "Factuurnummer 123456782 van de fietsenmaker.",
    "KvK-nummer 12345672 van de winkel.",
    "Ons kenmerk: 111222333.",
    # space-separated number groups continuing into more numbers
    "Tabel: 111 222 333 444",
    # postcode without a house number, lower-case letters, SA/SD/SS
    "Klant woont in 1234 AB.",
    "Wijk 1011 AB tot 1019 ZZ Amsterdam.",
    "Postcodegebied 3500 (Utrecht).",
    "In 2023 en 2024 twee keer geholpen.",
    "Jaar 2026 of 5678 of 12",
    "Code 1234 SA 12, 1234 SD 3 en 1234 SS 4.",
    "1500 EUR 12 keer",
    # streets: ordinary words, units, no capital
    "Onderweg 3 keer gebeld.",
    "Uitweg 1: schuldhulpverlening.",
    "Fietspad 12 km lang, fietspad 3 en de weg 12.",
    "Zorgpad 2 gestart, schoolplein 4 keer.",
    "Blokkade 2 dagen, daarna Onderweg 5.",
    "woont aan de straat 12 meter verderop",
    "Kerkstraat 12 km verderop",
    # e-mail look-alikes
    "@Sanne en @Piet zijn akkoord.",
    "Mail naar info@ of naar jan@localhost of a@b.c of a@b_c.nl.",
    # ordinary Dutch sentences
    "De fiets is gestolen; een nieuwe kost € 450 bij de fietsenmaker.",
    "Koelkast kapot sinds 2 weken, vervanging € 399,00 via de kringloop.",
    "Huurachterstand van 3 maanden (€ 1.650,00), regeling met de corporatie getroffen.",
    "Energierekening te hoog: voorschot van 150 naar 95 euro per maand.",
    "Alternatief: Bijzondere bijstand afgewezen op 14-02-2026, wachttijd 8 weken.",
    "Wasmachine 7 kg, 1400 toeren, garantie 2 jaar.",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_negative(text: str) -> None:
    assert find_personal_data(text) == []


def test_empty_and_digitless_texts() -> None:
    assert find_personal_data("") == []
    assert find_personal_data("Geen cijfers hier, alleen tekst over een fiets.") == []


# ----------------------------------------------------------------- property tests

WORDS = [
    "de", "het", "een", "en", "van", "voor", "met", "op", "is", "naar", "fiets",
    "koelkast", "huurachterstand", "wasmachine", "bijstand", "aanvraag", "buurtteam",
    "betaald", "kapot", "nieuwe", "energierekening", "kinderen", "gesprek", "school",
    "onderweg", "fietspad", "weg", "straat", "laan", "Fiets", "Koelkast", "Huur",
    "Gemeente", "Onderweg", "Voor", "De", "Het", "Schuldhulp", "corporatie", "nummer",
]  # fmt: skip

words = st.sampled_from(WORDS)
sentence = st.lists(words, min_size=0, max_size=6).map(" ".join)
space = st.sampled_from([" ", NBSP, NNBSP])


def _embed(before: str, gap1: str, value: str, gap2: str, after: str) -> str:
    return f"{before}{gap1 if before else ''}{value}{gap2 if after else ''}{after}"


@st.composite
def valid_bsns(draw: st.DrawFn) -> str:
    first8 = draw(st.text("0123456789", min_size=8, max_size=8))
    check = bsn_check_digit(first8)
    assume(check is not None and (first8 + str(check)) != "000000000")
    number = f"{first8}{check}"
    # (grouped with spaces they need a BSN word nearby: tests/test_privacy_mmb301.py)
    style = draw(st.sampled_from(["plain", "3.", "3-", "4."]))
    if style == "plain":
        return number
    sep = style[1]
    if style[0] == "3":
        return sep.join([number[:3], number[3:6], number[6:]])
    return sep.join([number[:4], number[4:6], number[6:]])


@st.composite
def valid_ibans(draw: st.DrawFn) -> str:
    country = draw(st.sampled_from(["NL", "BE", "DE"]))
    if country == "NL":
        bank = draw(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=4, max_size=4))
        bban = bank + draw(st.text("0123456789", min_size=10, max_size=10))
    else:
        bban = draw(st.text("0123456789", min_size=12 if country == "BE" else 18,
                            max_size=12 if country == "BE" else 18))
    iban = make_iban(country, bban)
    style = draw(st.sampled_from(["compact", "grouped", "lower", "grouped-nbsp"]))
    if style == "grouped":
        return grouped(iban)
    if style == "lower":
        return grouped(iban).lower()
    if style == "grouped-nbsp":
        return grouped(iban, sep=NBSP)
    return iban


@st.composite
def nl_phones(draw: st.DrawFn) -> str:
    digit = st.text("0123456789", min_size=1, max_size=1)
    kind = draw(st.sampled_from(["mobile", "area2", "area3"]))
    if kind == "mobile":
        sub = "".join(draw(digit) for _ in range(8))
        return draw(st.sampled_from([
            f"06{sub}", f"06-{sub}", f"06 {sub[:4]} {sub[4:]}", f"+31 6 {sub}",
            f"+31 (0)6 {sub}", f"00316{sub}", f"+316{sub}", f"06 {grouped(sub, 2)}",
        ]))  # fmt: skip
    if kind == "area2":
        area = draw(st.sampled_from(["10", "20", "30", "40", "50", "70", "13", "24", "43", "85"]))
        sub = str(draw(st.integers(1, 9))) + "".join(draw(digit) for _ in range(6))
        return draw(st.sampled_from([
            f"0{area}-{sub}", f"0{area} {sub[:3]} {sub[3:]}", f"0{area}{sub}",
            f"+31 {area} {sub[:3]} {sub[3:]}", f"(0{area}) {sub}",
        ]))  # fmt: skip
    area = draw(st.sampled_from(["111", "118", "299", "591", "475", "113"]))
    sub = str(draw(st.integers(1, 9))) + "".join(draw(digit) for _ in range(5))
    return draw(st.sampled_from([
        f"0{area}-{sub}", f"0{area} {sub}", f"0{area} {grouped(sub, 2)}", f"+31 {area} {sub}",
    ]))  # fmt: skip


@pytest.mark.parametrize(
    ("strategy", "kind"), [(valid_bsns(), "bsn"), (valid_ibans(), "iban"), (nl_phones(), "phone")]
)
def test_generated_identifiers_are_found_and_masked(
    strategy: st.SearchStrategy[str], kind: PersonalKind
) -> None:
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(before=sentence, gap1=space, value=strategy, gap2=space, after=sentence,
           end=st.sampled_from(["", ".", ",", "!"]))
    def check(before: str, gap1: str, value: str, gap2: str, after: str, end: str) -> None:
        text = _embed(before, gap1, value, gap2, after) + end
        hits = find_personal_data(text)
        assert [(hit.kind, text[hit.start : hit.end]) for hit in hits] == [(kind, value)]
        masked = hits[0].masked
        assert digits_of(value) not in digits_of(masked)
        assert value not in masked and normalise_iban(value) not in masked

    check()


# --- look-alikes: the tokens a case text is full of, none of them personal data

years = st.integers(1990, 2035)
days = st.integers(1, 28)
months = st.integers(1, 12)
hours = st.integers(0, 23)
minutes = st.integers(0, 59)


def _euro(cents: int) -> str:
    whole, frac = divmod(cents, 100)
    return f"{whole:,}".replace(",", ".") + f",{frac:02d}"


case_ids = st.builds(lambda y, n: f"{y}-{n:03d}", years, st.integers(1, 999))
household_codes = st.builds(lambda n: f"H-{n:04d}", st.integers(0, 9999))
dates = st.builds(
    lambda d, m, y, h, mi, fmt: fmt.format(d=d, m=m, y=y, h=h, mi=mi),
    days, months, years, hours, minutes,
    st.sampled_from([
        "{d:02d}-{m:02d}-{y}", "{d}-{m}-{y}", "{y}-{m:02d}-{d:02d}", "{d:02d}/{m:02d}/{y}",
        "{d:02d}.{m:02d}.{y}", "{y}{m:02d}{d:02d}", "{d:02d}{m:02d}{y}", "{d} maart {y}",
        "{y}-{m:02d}-{d:02d}T{h:02d}:{mi:02d}", "{d:02d}-{m:02d}-{y} {h:02d}:{mi:02d}",
        "{y}-{m:02d}-{d:02d} {h}:{mi:02d}",
    ]),
)  # fmt: skip
times = st.builds(
    lambda h, mi, fmt: fmt.format(h=h, mi=mi),
    hours, minutes,
    st.sampled_from(["{h:02d}:{mi:02d}", "{h}.{mi:02d} uur", "{h:02d}.{mi:02d}-{h:02d}.59"]),
)
amounts = st.one_of(
    st.builds(lambda c: f"€ {_euro(c)}", st.integers(0, 10**12)),
    st.builds(lambda c: f"€{_euro(c)}", st.integers(0, 10**12)),
    st.builds(lambda c: _euro(c), st.integers(0, 10**12)),  # decimals make it an amount
    st.builds(lambda e: f"€ {e}", st.integers(0, 10**10)),
    st.builds(lambda e: f"€ {e},-", st.integers(0, 10**10)),
    st.builds(lambda e: f"EUR {e}", st.integers(0, 10**10)),
    st.builds(lambda e: f"{e} EUR", st.integers(0, 10**10)),
    st.builds(lambda e: f"{e} euro", st.integers(0, 10**10)),
    st.builds(lambda e: f"{e:,}".replace(",", "."), st.integers(0, 99_999_999)),
    st.builds(str, st.integers(0, 99_999)),
)
quantities = st.builds(
    lambda n, unit: f"{n} {unit}", st.integers(1, 12),
    st.sampled_from(["kinderen", "weken", "keer", "maanden", "stuks"]),
)
look_alikes = st.one_of(case_ids, household_codes, dates, times, amounts, quantities,
                        years.map(str))


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.tuples(sentence, words, look_alikes,
                  st.sampled_from([" ", NBSP, ", ", ". ", "; ", " (", ") "])),
        min_size=1,
        max_size=8,
    )
)
def test_generated_ordinary_texts_have_no_findings(parts: list[tuple[str, str, str, str]]) -> None:
    # As in prose, every number has a word before it: a bare list of numbers
    # ("111 222 333") is a documented limit of the detector, not part of this test.
    text = "".join(f"{lead} {word} {token}{sep}" for lead, word, token, sep in parts)
    assert find_personal_data(text) == []


# ----------------------------------------------------------------- speed


def _corpus(size: int) -> list[str]:
    samples = [
        "Koelkast kapot sinds 02-03-2026, nieuwe kost € 399,00 bij de kringloop.",
        "Huurachterstand H-0231: € 1.234,56, regeling afgesproken op 2026-03-02 14:30.",
        "Zie zaak 2026-014; 3 kinderen, 1500 EUR gevraagd, 150 toegekend.",
        "Fiets gestolen, aangifte gedaan. Alternatief: tweedehands fiets via de wijk.",
        "Klant belde vanaf 06-12345678 over de aanvraag.",
        f"Rekening {grouped(NL_IBAN)} van de verhuurder; BSN 111222333 staat in het dossier.",
        "Woont Kerkstraat 12, 1234 AB; mail j.jansen@example.nl.",
        "Energierekening omlaag van 150 naar 95 euro per maand, 2 jaar contract.",
    ]
    return [f"{samples[i % len(samples)]} ({i})" for i in range(size)]


def test_twenty_thousand_texts_are_fast() -> None:
    corpus = _corpus(20_000)
    # CPU time, not wall time: the machine may be shared with other work.
    started = time.process_time()
    found = sum(len(find_personal_data(text)) for text in corpus)
    elapsed = time.process_time() - started
    assert found == 20_000 // 8 * 5
    assert elapsed < 2.0, f"20,000 texts took {elapsed:.2f} s"  # typically 0.3-0.6 s


@pytest.mark.parametrize(
    "hostile",
    [
        "1" * 100_000,
        "0 " * 50_000,
        "06-" * 30_000,
        "a@" * 50_000,
        "a" * 100_000 + "@",
        "NL00" * 25_000,
        "+1 " * 30_000,
        "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa " * 2_500,
        "Kerkstraatstraatstraat" * 5_000 + " 12",
        "1234 AB " * 12_000,
        "bsn " * 25_000 + "123456789",
        "123.456." * 12_000,
    ],
)
def test_hostile_input_stays_linear(hostile: str) -> None:
    started = time.perf_counter()
    find_personal_data(hostile)
    assert time.perf_counter() - started < 1.0
