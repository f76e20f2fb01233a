"""Find personal data in free text (rule MMB301) so case files stay anonymous.

A case file describes a problem, never a person: the household is a code such as
``H-0231``. :func:`find_personal_data` looks for the identifiers that would undo that,
in this order (each detector blanks what an earlier one matched, so the ten-digit
account part of an IBAN is never reported again as a phone number or BSN):

1. **IBAN** - Dutch (``NL`` + 2 check digits + 4 letters + 10 digits) and foreign ones,
   any case, compact or with single spaces (``NL.. ABCD 0123 4567 89``). The country
   code must be one that issues IBANs, the length must be that country's length, and
   the ISO 7064 mod 97-10 check must hold. A typo in an IBAN therefore goes unnoticed;
   in exchange, no other text can look like one.
2. **E-mail address** - ``local@domain.tld``. A chat ``@mention`` has no dotted domain
   and is not an address.
3. **Phone number** - Dutch numbers in the usual ways of writing them: ``06-12345678``,
   ``06 1234 5678``, ``06 12 34 56 78``, ``0612345678``, ``(06) 12345678``,
   ``+31 6 12345678``, ``+31 (0)6 12345678``, ``+31 06 12345678``, ``0031612345678``,
   ``020-1234567``, ``(020) 123 4567``, ``010 123 4567``, ``0111-123456``,
   ``085 123 4567``; and foreign numbers written with ``+`` and a country code
   (``+32 470 12 34 56``), 9-15 digits in all.
4. **BSN** (burgerservicenummer, formerly sofinummer) - 9 digits, or 8 for old numbers,
   written together or grouped 3-3-3 or 4-2-3 with spaces, dots or dashes, passing
   the eleven-test. Any 8-9 digit number within 30 characters of the words *bsn*,
   *burgerservicenummer*, *sofinummer* or *sofi* counts even if the test fails: a
   mistyped BSN is still a BSN (``BSN123456782`` too).
5. **Address** (reported as "a postcode with house number") - a postcode followed by
   a house number (``1234 AB 12``, ``1234AB 12a``, ``1234 AB, 12``, ``1234AB nr 5``),
   or a street name ending in straat, laan, weg, plein, gracht, kade, hof, singel,
   dijk, pad, dreef or steeg followed by a house number (``Kerkstraat 12``,
   ``Lange Nieuwstraat 3-bis``), with a postcode after it included in the match.

False positives must stay rare, because a case with a finding cannot be saved. Guards,
and why each one exists:

* No detector starts or ends inside a longer run of letters or digits (order numbers,
  bar codes, ``12340612345678``), and numbers do not continue into another number
  through a dot or dash (``1.0612345678``, ``2026-123456782``); BSNs additionally not
  through a comma or slash (``123456782,50``). Case ids (``2026-014``) and dates
  (``02-03-2026``) are too short or wrongly grouped for every detector.
* Phone numbers must be written in a known grouping (``06`` + 8 digits, a 3- or
  4-digit area code + 7 or 6 digits, with single spaces or dashes). A free "any 10
  digits with any separators" pattern would flag ``02-03-2026 14`` (a date and an
  hour). ``0800``/``090x`` numbers belong to organisations, not to people. Foreign
  numbers are only recognised with ``+`` (``0032 ...`` is too easily something else).
* BSN: about 9 % of all 9-digit numbers pass the eleven-test, so the context decides.
  An amount is never a BSN: a number with ``€``/``EUR``/``euro`` right before or after
  it, or ``,-``, or decimals (``123.456.789,00``) is skipped, even near the word BSN
  (decision: ``€ 123456782`` is an amount - nobody types a BSN after a euro sign, and
  a team under a €500 cap that writes such an amount has a typo, not a privacy leak).
  An 8-digit number that reads as a date (``02032026``, ``20260302``) is a date. A
  number right after a label such as *factuurnummer*, *kvk*, *ordernummer*,
  *klantnummer* or *kenmerk* is that label's number (invoice and customer numbers
  would otherwise be "BSNs" 9 % of the time). Space-separated groups (``123 456 782``)
  must not continue into a further number group, so runs of small numbers are not
  read as one BSN. Known limit: a bare list of three 3-digit numbers (``150 200 300``)
  that happens to pass the eleven-test is reported; prose rarely writes numbers that
  way. Dotted 3-3-3 numbers without a currency (``123.456.782``) are reported: that
  is how BSNs are printed, and an amount of a hundred million is not plausible here.
* Postcode: capital letters only (``2023 en`` is a year and a word); the letter pairs
  SA, SD and SS are never issued; ``EU`` is excluded (``1500 EU``) and a third letter
  (``1500 EUR``) ends the match. A postcode *without* a house number is not reported:
  it covers about twenty addresses and teams write district postcodes on purpose.
* Street names must start with a capital and have at least two letters before the
  suffix (``weg 12`` or ``de laan 3`` are not addresses; the price is that a street
  typed in lower case, ``kerkstraat 12``, is missed). Common words that end in a
  suffix (Onderweg, Uitweg, Fietspad, Zorgpad, Schoolplein, ...) are ignored, and a
  number followed by a unit or count (``Fietspad 12 km``, ``... 3 keer``) or a time
  (``12:30``) is not a house number. An organisation's address (``Stadhuisplein 1``)
  is reported like any other: the detector cannot tell whose address it is.

``masked`` shows the first and last two digits of a BSN or phone number, the country
code, check digits and last two characters of an IBAN, the first character and the
domain of an e-mail address, and the postcode or street name without the number.

The text is first normalised without changing its length (no-break, narrow no-break,
figure and thin spaces and zero-width characters become spaces; Unicode hyphens and
en dashes become ``-``), so the offsets in every :class:`PersonalData` point into the
text as given.

Every pattern is precompiled at module level and uses bounded repetition only (no
``*`` or ``+`` anywhere); a repeated group consumes at least one fixed character per
round, so backtracking is bounded by a small constant per position (no catastrophic
backtracking; the tests feed 100,000-character hostile strings). Most patterns start
with a plain character class so the regex engine can skip ahead in C. 20,000 short
texts (~25 characters) take about 0.06 s; 20,000 texts of ~90 characters packed with
dates, amounts and ids about 0.2-0.3 s.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

__all__ = [
    "KIND_LABELS",
    "PersonalData",
    "PersonalKind",
    "bsn_valid",
    "find_personal_data",
    "iban_valid",
    "normalise_iban",
]

PersonalKind = Literal["bsn", "iban", "phone", "email", "postcode"]

KIND_LABELS: Final[dict[PersonalKind, str]] = {
    "bsn": "a BSN (citizen service number)",
    "iban": "an IBAN",
    "phone": "a phone number",
    "email": "an e-mail address",
    "postcode": "a postcode with house number",
}

_ELLIPSIS: Final = "…"


@dataclass(frozen=True)
class PersonalData:
    """One finding: what kind, where (``text[start:end]``) and a printable hint.

    ``masked`` shows just enough to find the value again (``12…82``, ``NL91…00``,
    ``06…78``, ``j…@example.nl``, ``1234 AB …``, ``Kerkstraat …``) and never the whole
    value, so it is safe in CI logs.
    """

    kind: PersonalKind
    start: int
    end: int
    masked: str


# --------------------------------------------------------------------------- helpers

# One character in, one character out: offsets stay valid after normalising.
_NORMALISE_MAP: Final[dict[str, str]] = {
    "\t": " ",
    "\u00a0": " ",  # no-break space
    "\u2007": " ",  # figure space
    "\u2009": " ",  # thin space
    "\u200a": " ",  # hair space
    "\u202f": " ",  # narrow no-break space
    "\u200b": " ",  # zero-width space
    "\u200c": " ",
    "\u200d": " ",
    "\u2060": " ",  # word joiner
    "\ufeff": " ",
    "\u2066": " ",  # bidi isolates (chat exports put them around names)
    "\u2067": " ",
    "\u2068": " ",
    "\u2069": " ",
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # en dash
}
_NORMALISE: Final = str.maketrans(_NORMALISE_MAP)
_NEEDS_NORMALISING: Final = re.compile("[" + re.escape("".join(_NORMALISE_MAP)) + "]")

# Written over matched spans; no detector pattern accepts it, so spans never overlap.
_BLANK: Final = "\x00"

# Every detector needs a digit or an "@": texts without them are skipped at once.
_QUICK: Final = re.compile(r"[0-9@]")

_AMOUNT_BEFORE: Final = re.compile(r"(?:€|\b(?:eur|euro|euros))[ ]{0,2}\Z", re.IGNORECASE)
_AMOUNT_AFTER: Final = re.compile(r"[ ]{0,2}(?:€|,-|,=|(?:eur|euro|euros)\b)", re.IGNORECASE)


def _is_amount(text: str, start: int, end: int) -> bool:
    """Whether a currency sign or word sits right before or after ``text[start:end]``."""
    return bool(
        _AMOUNT_BEFORE.search(text, max(0, start - 8), start)
        or _AMOUNT_AFTER.match(text, end, end + 8)
    )


def _blank_out(text: str, hits: list[PersonalData]) -> str:
    parts: list[str] = []
    pos = 0
    for hit in hits:
        parts.append(text[pos : hit.start])
        parts.append(_BLANK * (hit.end - hit.start))
        pos = hit.end
    parts.append(text[pos:])
    return "".join(parts)


_NON_DIGITS: Final = re.compile(r"[^0-9]{1,100}")


def _digits(value: str) -> str:
    return _NON_DIGITS.sub("", value)


# --------------------------------------------------------------------------- IBAN

# Length of the IBAN per country (SWIFT IBAN registry).
_IBAN_LENGTHS: Final[dict[str, int]] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
    "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
    "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20,
    "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20,
    "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
    "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
    "YE": 30,
}  # fmt: skip

# Per IBAN length: the whole IBAN as written, single spaces allowed between characters.
_IBAN_BY_LENGTH: Final[dict[int, re.Pattern[str]]] = {
    length: re.compile(
        r"[A-Za-z]{2}[0-9]{2}(?:[ ]?[A-Za-z0-9]){" + str(length - 4) + r"}(?![A-Za-z0-9])"
    )
    for length in set(_IBAN_LENGTHS.values())
}
# Only the start, found at the check digits (the engine skips fast to digits): two
# letters before them, not preceded by a letter or digit. The rest is read by the
# pattern for the country's length below.
_IBAN_HEAD: Final = re.compile(
    r"[0-9](?<=[A-Za-z][0-9])(?<=(?<![A-Za-z0-9])[A-Za-z]{2}[0-9])[0-9](?=[ ]?[A-Za-z0-9])"
)


def normalise_iban(value: str) -> str:
    """Upper case, all whitespace removed: ``nl91 abna ...`` -> ``NL91ABNA...``."""
    return "".join(value.split()).upper()


def iban_valid(value: str) -> bool:
    """Whether `value` is a valid IBAN (spaces and lower case allowed): `mmb.iban.is_valid`,
    python-stdnum's check of the country, its layout and length, and mod 97-10."""
    from mmb.iban import is_valid

    return is_valid(value)


def _find_ibans(text: str) -> list[PersonalData]:
    hits: list[PersonalData] = []
    resume = 0
    for head in _IBAN_HEAD.finditer(text):
        start = head.start() - 2
        if start < resume:
            continue
        length = _IBAN_LENGTHS.get(text[start : start + 2].upper())
        if length is None:
            continue
        whole = _IBAN_BY_LENGTH[length].match(text, start)
        if whole is None:
            continue
        end = whole.end()
        iban = normalise_iban(whole.group())
        if iban_valid(iban):
            hits.append(PersonalData("iban", start, end, iban[:4] + _ELLIPSIS + iban[-2:]))
            resume = end
    return hits


# --------------------------------------------------------------------------- e-mail

_EMAIL: Final = re.compile(r"(?<![\w.%+-])[\w.%+-]{1,64}@[\w.-]{1,255}")


def _domain_ok(domain: str) -> bool:
    labels = domain.split(".")
    if len(labels) < 2:
        return False
    for label in labels:
        if (
            not label.replace("-", "").isalnum()
            or len(label) > 63
            or label[0] == "-"
            or label[-1] == "-"
        ):
            return False
    tld = labels[-1]
    return len(tld) >= 2 and tld.isalpha()


def _find_emails(text: str) -> list[PersonalData]:
    hits: list[PersonalData] = []
    if "@" not in text:
        return hits
    for match in _EMAIL.finditer(text):
        local, _, domain = match.group().partition("@")
        start = match.start() + (len(local) - len(local.lstrip(".")))
        local = local.lstrip(".")
        domain = domain.rstrip(".-")
        if not local or not _domain_ok(domain):
            continue
        end = match.start() + match.group().index("@") + 1 + len(domain)
        hits.append(PersonalData("email", start, end, f"{local[0]}{_ELLIPSIS}@{domain}"))
    return hits


# --------------------------------------------------------------------------- phone

# Subscriber parts, in the groupings people actually write. Explicit alternatives
# instead of "any digit with any separator": that would also read dates as numbers.
_SUB8: Final = (
    r"(?:[0-9]{8}|[0-9]{4}[ -][0-9]{4}|[0-9]{2}[ -][0-9]{2}[ -][0-9]{2}[ -][0-9]{2}"
    r"|[0-9]{3}[ -][0-9]{3}[ -][0-9]{2}|[0-9]{2}[ -][0-9]{3}[ -][0-9]{3})"
)
_SUB7: Final = r"(?:[0-9]{7}|[0-9]{3}[ -][0-9]{4}|[0-9]{3}[ -][0-9]{2}[ -][0-9]{2})"
_SUB6: Final = r"(?:[0-9]{6}|[0-9]{3}[ -][0-9]{3}|[0-9]{2}[ -][0-9]{2}[ -][0-9]{2})"

# Everything after the leading 0 of a Dutch number (0800 and 090x excluded: they
# belong to organisations).
_NL_AFTER_0: Final = (
    r"(?:6[ -]?" + _SUB8
    + r"|(?![89]0)[1-57-9][0-9][ -]?" + _SUB7
    + r"|(?![89]0)[1-57-9][0-9]{2}[ -]?" + _SUB6 + r")"
)
# After +31 / 0031: an optional "(0)" or "0", then the number without its leading 0.
_NL_AFTER_31: Final = r"[ -]?(?:\(0\)[ -]?|0)?" + _NL_AFTER_0

# Each alternative starts with a literal character and checks what precedes it only
# then: that lets the regex engine skip quickly to a "+", "0" or "(" (speed).
_PHONE: Final = re.compile(
    r"(?:"
    r"\+(?<![A-Za-z0-9_+]\+)(?<![0-9][.-]\+)"
    r"(?:31" + _NL_AFTER_31
    # foreign: a country code other than 31 and digits; checked further in Python
    + r"|(?!31)(?P<foreign>[1-9][0-9 ()-]{7,24}))"
    r"|0(?<![A-Za-z0-9_+]0)(?<![0-9][.-]0)(?:031" + _NL_AFTER_31 + r"|" + _NL_AFTER_0 + r")"
    r"|\((?<![A-Za-z0-9_+]\()(?<![0-9][.-]\()0"
    r"(?:6\)[ -]?" + _SUB8
    + r"|(?![89]0)[1-57-9][0-9]\)[ -]?" + _SUB7
    + r"|(?![89]0)[1-57-9][0-9]{2}\)[ -]?" + _SUB6 + r")"
    r")"
    r"(?![A-Za-z0-9_])(?![.-][0-9])"
)
_FOREIGN_BAD_SEPARATORS: Final = re.compile(r"[ -][ -]|\([^0-9]|[^0-9]\)")


def _find_phones(text: str) -> list[PersonalData]:
    hits: list[PersonalData] = []
    for match in _PHONE.finditer(text):
        raw = match.group()
        start, end = match.span()
        if match["foreign"] is not None:
            raw = raw.rstrip(" (-")
            if raw.endswith(")") and raw.count("(") < raw.count(")"):
                raw = raw[:-1].rstrip(" (-")  # "(+32 ...)": the bracket is not ours
            end = start + len(raw)
            digits = _digits(raw)
            if (
                not 9 <= len(digits) <= 15  # E.164: at most 15 digits with the country code
                or raw.count("(") != raw.count(")")
                or _FOREIGN_BAD_SEPARATORS.search(raw)
            ):
                continue
            masked = f"+{digits[:2]}{_ELLIPSIS}{digits[-2:]}"
        else:
            digits = _digits(raw)
            if raw.startswith("+"):
                masked = f"+31{_ELLIPSIS}{digits[-2:]}"
            elif raw.startswith("00"):
                masked = f"0031{_ELLIPSIS}{digits[-2:]}"
            else:
                masked = f"{digits[:2]}{_ELLIPSIS}{digits[-2:]}"
        hits.append(PersonalData("phone", start, end, masked))
    return hits


# --------------------------------------------------------------------------- BSN

_BSN_WEIGHTS: Final = (9, 8, 7, 6, 5, 4, 3, 2, -1)
_BSN_DIGITS: Final = re.compile(r"[0-9]{8,9}")

# Starts with a plain digit (the engine skips fast to digits); what precedes that
# first digit is checked right after it.
_BSN_CANDIDATE: Final = re.compile(
    r"[0-9](?<![0-9][0-9])(?:(?<![A-Za-z_+][0-9])|(?<=[Bb][Ss][Nn][0-9]))"
    r"(?<![0-9][.,/-][0-9])"
    r"(?:"
    r"[0-9]{7,8}"
    r"|[0-9]{2}(?P<a>[.-])[0-9]{3}(?P=a)[0-9]{3}"
    r"|[0-9]{3}(?P<b>[.-])[0-9]{2}(?P=b)[0-9]{3}"
    # space-grouped: must not be one piece of a longer run of number groups
    r"|(?<![0-9][ ][0-9])[0-9]{2}[ ][0-9]{3}[ ][0-9]{3}(?![ ][0-9])"
    r"|(?<![0-9][ ][0-9])[0-9]{3}[ ][0-9]{2}[ ][0-9]{3}(?![ ][0-9])"
    r")"
    r"(?![A-Za-z0-9_])(?![.,/-][0-9])"
)

_BSN_KEYWORD: Final = re.compile(
    r"\b(?:bsn|burgerservicenummers?|sofinummers?|sofi)(?![A-Za-z])", re.IGNORECASE
)
_BSN_KEYWORD_REACH: Final = 30

# "factuurnummer 123456782": the number belongs to the label, it is not a BSN.
# ("klant 123456782" is not such a label: that may well be the client's BSN.)
_OTHER_NUMBER_LABEL: Final = re.compile(
    r"\b(?:(?:kvk|factuur|order|bestel|artikel|ean|btw|kenmerk|referentie|pakket)[a-z]{0,8}"
    r"|klant(?:nummer|nr))[ :.#-]{0,3}(?:nr|nummer|no)?[ :.#-]{0,3}\Z",
    re.IGNORECASE,
)


def bsn_valid(digits: str) -> bool:
    """Whether `digits` passes the BSN eleven-test.

    9 digits (8 are zero-padded to 9; spaces, dots and dashes are ignored), weights
    9, 8, ..., 2, -1, weighted sum divisible by 11, and not all zeros.
    """
    compact = digits.replace(" ", "").replace(".", "").replace("-", "")
    if not _BSN_DIGITS.fullmatch(compact):
        return False
    compact = compact.zfill(9)
    if compact == "000000000":
        return False
    total = sum(weight * int(d) for weight, d in zip(_BSN_WEIGHTS, compact, strict=True))
    return total % 11 == 0


def _is_compact_date(digits: str) -> bool:
    """``ddmmyyyy`` or ``yyyymmdd`` with a year 1900-2099."""
    if len(digits) != 8:
        return False

    def plausible(day: int, month: int, year: int) -> bool:
        return 1 <= day <= 31 and 1 <= month <= 12 and 1900 <= year <= 2099

    return plausible(int(digits[:2]), int(digits[2:4]), int(digits[4:])) or plausible(
        int(digits[6:]), int(digits[4:6]), int(digits[:4])
    )


def _find_bsns(text: str) -> list[PersonalData]:
    hits: list[PersonalData] = []
    keywords: list[tuple[int, int]] | None = None
    for match in _BSN_CANDIDATE.finditer(text):
        start, end = match.span()
        digits = _digits(match.group())
        if (
            _is_compact_date(digits)
            or _is_amount(text, start, end)
            or _OTHER_NUMBER_LABEL.search(text, max(0, start - 30), start)
        ):
            continue
        if not bsn_valid(digits):
            if keywords is None:
                keywords = [k.span() for k in _BSN_KEYWORD.finditer(text)]
            if not any(
                0 <= start - k_end <= _BSN_KEYWORD_REACH
                or 0 <= k_start - end <= _BSN_KEYWORD_REACH
                for k_start, k_end in keywords
            ):
                continue
        hits.append(PersonalData("bsn", start, end, f"{digits[:2]}{_ELLIPSIS}{digits[-2:]}"))
    return hits


# --------------------------------------------------------------------------- address

_HOUSE_NUMBER: Final = (
    r"(?:(?i:nr|no|huisnummer|nummer)\.?[ ]?)?"
    r"(?P<number>[1-9][0-9]{0,4})(?![0-9])(?![.,:/][0-9])"
    # a unit or count after the number: a distance or a quantity, not a house number
    r"(?![ ]?(?:km|m|meter|meters|kilometer|min|minuten|uur|keer|jaar|maanden|weken"
    r"|dagen|kg|euro|eur|x|%)(?![A-Za-z]))"
    # addition: 12a, 12-2, 3-bis, 12 hs, 12 A
    r"(?:-[0-9]{1,4}|-?[A-Za-z]{1,3}|[ ](?:bis|hs|huis|[A-Z]))?"
    r"(?![A-Za-z0-9_])"
)

_POSTCODE_NUMBER: Final = re.compile(
    r"(?P<digits>[1-9](?<![A-Za-z0-9_.,][1-9])[0-9]{3})"
    r"[ ]?(?P<letters>(?!S[ADS]|EU)[A-Z]{2})(?![A-Za-z0-9_])"
    r"(?:,[ ]?|[ ])"
    + _HOUSE_NUMBER
)

_STREET_SUFFIX: Final = "straat|laan|weg|plein|gracht|kade|hof|singel|dijk|pad|dreef|steeg"
_STREET_NUMBER: Final = re.compile(
    r"(?P<street>"
    r"[A-Z](?<![A-Za-zÀ-ÖØ-öø-ÿ0-9_'-][A-Z])"
    r"(?:[A-Za-zÀ-ÖØ-öø-ÿ'-]{1,40}(?:" + _STREET_SUFFIX + r")"
    r"|[a-zà-öø-ÿ]{1,30}[ ](?:" + _STREET_SUFFIX.title() + r"))"
    r")"
    r",?[ ]"
    + _HOUSE_NUMBER
    # a postcode after the house number belongs to the same address
    + r"(?:,?[ ][1-9][0-9]{3}[ ]?(?!S[ADS]|EU)[A-Z]{2}(?![A-Za-z0-9_]))?"
)

# Cheap test run first: most texts have no street suffix before a number at all.
_STREET_HINT: Final = re.compile(
    r"(?:" + _STREET_SUFFIX + "|" + _STREET_SUFFIX.title() + r"),?[ ]"
    r"(?:(?i:nr|no|huisnummer|nummer)\.?[ ]?)?[0-9]"
)

# Ordinary words that happen to end in a street suffix.
_NOT_STREETS: Final = frozenset(
    {
        "onderweg", "halfweg", "uitweg", "omweg", "snelweg", "zijweg", "fietspad",
        "voetpad", "zorgpad", "leerpad", "schoolplein", "speelplein", "gerechtshof",
        "zijstraat", "oprijlaan", "blokkade",
    }
)  # fmt: skip


def _find_addresses(text: str) -> list[PersonalData]:
    hits: list[PersonalData] = []
    for match in _POSTCODE_NUMBER.finditer(text):
        masked = f"{match['digits']} {match['letters']} {_ELLIPSIS}"
        hits.append(PersonalData("postcode", match.start(), match.end(), masked))
    if hits:
        text = _blank_out(text, hits)
    if not _STREET_HINT.search(text):
        return hits
    for match in _STREET_NUMBER.finditer(text):
        street = match["street"]
        if street.lower() in _NOT_STREETS:
            continue
        hits.append(PersonalData("postcode", match.start(), match.end(), f"{street} {_ELLIPSIS}"))
    hits.sort(key=lambda hit: hit.start)
    return hits


# --------------------------------------------------------------------------- public

_DETECTORS: Final[tuple[Callable[[str], list[PersonalData]], ...]] = (
    _find_ibans,
    _find_emails,
    _find_phones,
    _find_bsns,
    _find_addresses,
)


def find_personal_data(text: str) -> list[PersonalData]:
    """All personal data in `text`, sorted by position, never overlapping.

    Offsets refer to `text` itself. See the module docstring for what is detected and
    which look-alikes (case ids, dates, times, amounts, household codes) are left alone.
    """
    if not _QUICK.search(text):
        return []
    work = text.translate(_NORMALISE) if _NEEDS_NORMALISING.search(text) else text
    found: list[PersonalData] = []
    for detect in _DETECTORS:
        hits = detect(work)
        if hits:
            found += hits
            work = _blank_out(work, hits)
    if len(found) > 1:
        found.sort(key=_start)
    return found


def _start(hit: PersonalData) -> int:
    return hit.start
