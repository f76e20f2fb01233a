"""Find personal data in free text (rule MMB301) so case files stay anonymous.

A case file describes a problem, never a person: the household is a code such as
``H-0231``. :func:`find_personal_data` looks for the identifiers that would undo that,
in this order (each detector blanks what an earlier one matched, so the ten-digit
account part of an IBAN is never reported again as a phone number or BSN):

1. **IBAN** - recognised by its shape, so that a typo is still an IBAN: a country that
   issues IBANs, two check digits, and exactly that country's length, in any case, with
   spaces (one or two), dots or dashes between the characters
   (``NL91 ABNA 0417 1643 00``, ``nl91abna...``, ``NL91.ABNA.0417...``). A Dutch IBAN
   needs its layout (4 letters of the bank, 10 digits), one character off allowed (a
   ``0`` typed for an ``O``); a foreign one the mod-97 check, or a body of digits with at
   most four letters (the shape of most European IBANs). The check digits are not
   required to be right.
2. **E-mail address** - ``local@domain.tld``. A chat ``@mention`` has no dotted domain
   and is not an address.
3. **Phone number** - Dutch numbers in the groupings people write (``06-12345678``,
   ``06 1234 5678``, ``06 12 34 56 78``, ``06 12 345 678``, ``(06) 12345678``,
   ``020-1234567``, ``010 123 4567``, ``0111-123456``), with spaces, dashes or dots
   inside the number and a space, dash, slash, dot or spaced dash after the area code
   (``06/12345678``, ``06.12.34.56.78``, ``06 - 1234 5678``, ``020 - 612 34 56``), with
   ``+31``/``0031`` and an optional ``(0)``; and foreign numbers written with ``+`` or
   ``00`` and a country code (``+32 470 12 34 56``, ``0049 170 1234567``), confirmed by
   libphonenumber's numbering plans (the ``phonenumberslite`` package).
4. **BSN** (burgerservicenummer, formerly sofinummer) - 9 digits, or 8 for old numbers,
   written together or grouped 3-3-3 or 4-2-3 with dots or dashes, passing the
   eleven-test. Any 8-9 digit number within 100 characters of the words *bsn*,
   *burgerservicenummer*, *sofinummer* or *sofi* counts even if the test fails: a
   mistyped BSN is still a BSN. A number after *klantnummer* or *cliëntnummer* that
   passes the test counts (social services use the BSN as client number).
5. **Address** - a postcode followed by a house number (``1234 AB 12``, ``1234ab 12``,
   ``1234AB nr 5``); a street followed by a house number: a name ending in one of the
   usual Dutch street words (straat, laan, weg, plein, gracht, kade, hof, singel, dijk,
   pad, dreef, steeg, wal, burgwal, zijde, markt, park, baan, boulevard, allee,
   plantsoen, kanaal, haven, vaart, wetering, werf, veld, erf, hoven, oord, horst,
   gaarde, akker, weide), a *Laan van ...*, a one-word street of its own (Dam, Damrak,
   Rokin, Overtoom, Brink, Markt, Singel, ...), or any capitalised name right after an
   address word (*adres:*, *woont op*, *verhuisd naar*, *bezorgen bij* ...); and a
   P.O. box (``Postbus 123``). A postcode after the house number is part of the match.
6. **Date of birth** - a date after *geb.*, *geboren (op)*, *geboortedatum* or
   *geb.datum* (``geb. 12-03-1985``, ``geboren op 3 april 2009``), or right before
   *geboren*.
7. **Name** - a name after a title or a family word: *mevr.*, *mw.*, *mevrouw*, *dhr.*,
   *meneer*, *de heer*, *fam.*, *familie*, *gezin* (``mevr. Jansen``,
   ``mw. El Amrani``, ``dhr. J. de Boer``, ``meneer Jan de Wit``). Names written
   without a title cannot be told from other words and are not found.

False positives must stay rare, because a case with a finding cannot be saved. Guards,
and why each one exists:

* No detector starts or ends inside a longer run of letters or digits (order numbers,
  bar codes, ``12340612345678``), and numbers do not continue into another number
  through a dot or dash (``1.0612345678``, ``2026-123456782``); BSNs additionally not
  through a comma or slash (``123456782,50``). Case ids (``2026-014``) and dates
  (``02-03-2026``) are too short or wrongly grouped for every number detector.
* A number right after a label such as *bestelnummer*, *order*, *factuur*, *kenmerk*,
  *pakket*, *zending*, *dossier*, *kvk* or *polis* is that label's number, not a phone
  number or BSN (``bestelnummer 0612345678``).
* Phone numbers must be written in a known grouping. A free "any 10 digits with any
  separators" pattern would flag ``02-03-2026 14`` (a date and an hour). ``0800``/``090x``
  numbers belong to organisations, not to people. A foreign number must be a valid
  number of its country (``00612345678`` is no Australian number).
* BSN: about 9 % of all 9-digit numbers pass the eleven-test, so the context decides.
  An amount is never a BSN: a number with ``€``/``EUR``/``euro``/``cent`` right before
  or after it, or ``,-``, or decimals (``123.456.789,00``) is skipped, even near the word
  BSN (decision: ``€ 123456782`` is an amount). An 8-digit number that reads as a date
  (``02032026``) is a date. Numbers grouped with spaces (``111 222 333``) are a BSN only
  near a BSN word: tables and lists of counts are written that way, BSNs rarely.
  Dotted 3-3-3 numbers without a currency (``123.456.782``) are reported: that is how
  BSNs are printed, and an amount of a hundred million is not plausible here.
* Postcode: the letter pairs SA, SD and SS are never issued; ``EU`` is excluded
  (``1500 EU``) and a third letter (``1500 EUR``) ends the match; lower-case letters
  that form a Dutch word (``2023 en 2024``, ``12 of 13``) are no postcode. A postcode
  *without* a house number is not reported: it covers about twenty addresses and teams
  write district postcodes on purpose.
* Street names must start with a capital (``weg 12`` or ``de laan 3`` are not
  addresses; the price is that a street typed in lower case, ``kerkstraat 12``, is
  missed). Common words that end in a street word (Onderweg, Fietspad, Loopbaan,
  Schoolplein, ...) are ignored, and a number followed by a unit or count
  (``Fietspad 12 km``, ``... 3 keer``, ``4 hoog``) or a time (``12:30``) is not a house
  number; after an address word a year (``verhuisd naar Almere 2026``) is no house
  number either. An organisation's address (``Stadhuisplein 1``) is reported like any
  other, on purpose: the detector cannot tell whose address it is, and a team that
  names a shop's address can name the shop instead.
* Dates of birth need the cue word: a date alone is an appointment or a deadline, and
  ``geboren in 2014`` (a year) is not reported.
* Names need a capital after the title (``mevrouw is akkoord`` and ``de heer des
  huizes`` are not names); particles (de, van, der, El, ...) may come before it.

``masked`` shows just enough to find the value again and never the whole value: the
first and last two digits of a BSN or phone number, the country code, check digits and
last two characters of an IBAN, the first character and the domain of an e-mail
address, the postcode or street name without the number, the title and first letter of
a name, the cue word of a date of birth. :func:`mask` puts those forms in place of every
finding in a text: every message that echoes a value from a file goes through it, so a
finding never prints personal data in full.

The text is first normalised without changing its length (no-break, narrow no-break,
figure and thin spaces and zero-width characters become spaces; Unicode hyphens and
en dashes become ``-``), so the offsets in every :class:`PersonalData` point into the
text as given.

Every pattern is precompiled at module level and uses bounded repetition only (no
``*`` or ``+`` anywhere); a repeated group consumes at least one fixed character per
round, so backtracking is bounded by a small constant per position (no catastrophic
backtracking; the tests feed 100,000-character hostile strings). Most patterns start
with a plain character class so the regex engine can skip ahead in C. A text without a
digit, an ``@`` or a title word is skipped at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal, cast


class _Lazy:
    """A pattern compiled when first used, which then takes its own place among the
    module's names (`name`; "" for one of `_IBAN_BY_LENGTH`): most commands scan few or
    no texts, and compiling every pattern at import took a tenth of mmb's start-up."""

    __slots__ = ("_args", "_name")

    def __init__(self, name: str, pattern: str, flags: int) -> None:
        self._name = name
        self._args = (pattern, flags)

    def __getattr__(self, attr: str) -> object:
        compiled = re.compile(*self._args)
        if self._name:
            globals()[self._name] = compiled
        else:  # one of `_IBAN_BY_LENGTH`
            for length, pattern in _IBAN_BY_LENGTH.items():
                if pattern is self:  # type: ignore[comparison-overlap]
                    _IBAN_BY_LENGTH[length] = compiled
        return getattr(compiled, attr)


def _lazy(name: str, pattern: str, flags: int = 0) -> re.Pattern[str]:
    return cast("re.Pattern[str]", _Lazy(name, pattern, flags))

__all__ = [
    "KIND_LABELS",
    "PersonalData",
    "PersonalKind",
    "bsn_valid",
    "find_personal_data",
    "iban_valid",
    "mask",
    "normalise_iban",
]

PersonalKind = Literal["bsn", "iban", "phone", "email", "address", "birthdate", "name"]

KIND_LABELS: Final[dict[PersonalKind, str]] = {
    "bsn": "a BSN (citizen service number)",
    "iban": "an IBAN",
    "phone": "a phone number",
    "email": "an e-mail address",
    "address": "an address (a street or postcode with a house number)",
    "birthdate": "a date of birth",
    "name": "a person's name after a title",
}

_ELLIPSIS: Final = "…"


@dataclass(frozen=True)
class PersonalData:
    """One finding: what kind, where (``text[start:end]``) and a printable hint.

    ``masked`` shows just enough to find the value again (``12…82``, ``NL91…00``,
    ``06…78``, ``j…@example.nl``, ``1234 AB …``, ``Kerkstraat …``, ``mevr. J…``,
    ``geb. …``) and never the whole value, so it is safe in CI logs.
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
    "\u2014": "-",  # em dash
    "\u2212": "-",  # minus sign
}
_NORMALISE: Final = str.maketrans(_NORMALISE_MAP)
_NEEDS_NORMALISING: Final = _lazy("_NEEDS_NORMALISING",
                                  "[" + re.escape("".join(_NORMALISE_MAP)) + "]")

# Written over matched spans; no detector pattern accepts it, so spans never overlap.
_BLANK: Final = "\x00"

# Every number detector needs a digit or an "@", the name detector a title word: other
# texts are skipped at once. (Plain substring tests on the lower-cased text: an
# alternation of words makes the regex engine try every position.)
_QUICK: Final = _lazy("_QUICK", r"[0-9@]")


# Hints are searched in the lower-cased text (a search for alternative words is
# fast; the case-insensitive patterns themselves would be tried at every position).
_TITLE_HINT: Final = _lazy("_TITLE_HINT", r"mevr|mw|dhr|meneer|heer|fam|gezin")


_AMOUNT_BEFORE: Final = _lazy("_AMOUNT_BEFORE", r"(?:€|\b(?:eur|euro|euros))[ ]{0,2}\Z",
                              re.IGNORECASE)
_AMOUNT_AFTER: Final = _lazy("_AMOUNT_AFTER",
    r"[ ]{0,2}(?:€|,-|,=|(?:eur|euro|euros|cent|cents|centen|eurocent)\b)", re.IGNORECASE
)


def _is_amount(text: str, start: int, end: int) -> bool:
    """Whether a currency sign or word sits right before or after ``text[start:end]``."""
    return bool(
        _AMOUNT_BEFORE.search(text, max(0, start - 8), start)
        or _AMOUNT_AFTER.match(text, end, end + 12)
    )


# "bestelnummer 0612345678": the number belongs to the label; it is no phone number or
# BSN. ("klant 123456782" and "klantnummer 123456782" are no such label: social
# services use the BSN as client number.)
_OTHER_NUMBER_LABEL: Final = _lazy("_OTHER_NUMBER_LABEL",
    r"(?<![A-Za-z])(?:kvk|factuur|order|bestel|artikel|ean|btw|kenmerk|referentie|pakket"
    r"|zending|verzend|track|dossier|polis|contract|transactie|bon|kassabon|aanslag"
    r"|vonnis|zaak|incasso|betalingskenmerk|aansluit)"
    r"[a-z]{0,10}(?:[ ]?&[ ]?trace)?[ :.#-]{0,3}(?:nr|nummer|no|code)?[ :.#-]{0,3}\Z",
    re.IGNORECASE,
)


_LABEL_HINT: Final = _lazy("_LABEL_HINT",
    r"kvk|factuur|order|bestel|artikel|ean|btw|kenmerk|referentie|pakket|zending|verzend"
    r"|track|dossier|polis|contract|transactie|bon|aanslag|vonnis|zaak|incasso|aansluit"
)


def _has_other_label(text: str, start: int) -> bool:
    window = max(0, start - 40)
    if not _LABEL_HINT.search(text[window:start].lower()):
        return False
    return bool(_OTHER_NUMBER_LABEL.search(text, window, start))


def _blank_out(text: str, hits: list[PersonalData]) -> str:
    parts: list[str] = []
    pos = 0
    for hit in hits:
        parts.append(text[pos : hit.start])
        parts.append(_BLANK * (hit.end - hit.start))
        pos = hit.end
    parts.append(text[pos:])
    return "".join(parts)


_NON_DIGITS: Final = _lazy("_NON_DIGITS", r"[^0-9]{1,100}")


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

# Between two characters of an IBAN as people write it: nothing, one or two spaces, a
# dot or a dash (``NL91 ABNA``, ``NL91  ABNA``, ``NL91.ABNA``, ``NL91-ABNA``).
_IBAN_SEP: Final = r"(?:[ .-]{1,2})?"
# Per IBAN length: the rest of the IBAN after its four first characters.
_IBAN_BY_LENGTH: Final[dict[int, re.Pattern[str]]] = {
    length: _lazy(
        "", r"(?:" + _IBAN_SEP + r"[A-Za-z0-9]){" + str(length - 4) + r"}(?![A-Za-z0-9])"
    )
    for length in set(_IBAN_LENGTHS.values())
}
_IBAN_SEPARATORS: Final = _lazy("_IBAN_SEPARATORS", r"[ .-]{1,100}")
_NL_LAYOUT: Final = "A" * 4 + "9" * 10
# Only the start, found at the check digits (the engine skips fast to digits): two
# letters before them, not preceded by a letter or digit. The rest is read by the
# pattern for the country's length above.
_IBAN_HEAD: Final = _lazy("_IBAN_HEAD",
    r"[0-9](?<=[A-Za-z][0-9])(?<=(?<![A-Za-z0-9])[A-Za-z]{2}[0-9])[0-9]"
    r"(?=[ .-]{0,2}[A-Za-z0-9])"
)


def normalise_iban(value: str) -> str:
    """Upper case, all whitespace removed: ``nl91 abna ...`` -> ``NL91ABNA...``."""
    return "".join(value.split()).upper()


def iban_valid(value: str) -> bool:
    """Whether `value` is a valid IBAN (spaces and lower case allowed): `mmb.iban.is_valid`,
    python-stdnum's check of the country, its layout and length, and mod 97-10."""
    from mmb.iban import is_valid

    return is_valid(value)


def _iban_shaped(iban: str) -> bool:
    """Whether a compact, upper-case candidate of its country's length is an IBAN, even
    with a typo: NL needs its layout (4 letters, 10 digits) with at most one character
    off; another country the mod-97 check, or digits with at most four letters."""
    if iban[:2] == "NL":
        off = sum((ch.isdigit()) != (kind == "9") for ch, kind in zip(iban[4:], _NL_LAYOUT,
                                                                       strict=True))
        return off <= 1
    if iban_valid(iban):  # the one IBAN check (mmb.iban)
        return True
    return sum(ch.isalpha() for ch in iban[4:]) <= 4


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
        rest = _IBAN_BY_LENGTH[length].match(text, start + 4)
        if rest is None:
            continue
        end = rest.end()
        iban = _IBAN_SEPARATORS.sub("", text[start:end]).upper()
        if _iban_shaped(iban):
            hits.append(PersonalData("iban", start, end, iban[:4] + _ELLIPSIS + iban[-2:]))
            resume = end
    return hits


# --------------------------------------------------------------------------- e-mail

_EMAIL: Final = _lazy("_EMAIL", r"(?<![\w.%+-])[\w.%+-]{1,64}@[\w.-]{1,255}")


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

# Subscriber parts, in the groupings people actually write, with a space, dash or dot
# between the groups. Explicit alternatives instead of "any digit with any separator":
# that would also read dates as numbers.
_G: Final = r"[ .-]"
_SUB8: Final = (
    r"(?:[0-9]{8}|[0-9]{4}" + _G + r"[0-9]{4}"
    r"|[0-9]{2}" + _G + r"[0-9]{2}" + _G + r"[0-9]{2}" + _G + r"[0-9]{2}"
    r"|[0-9]{3}" + _G + r"[0-9]{3}" + _G + r"[0-9]{2}"
    r"|[0-9]{2}" + _G + r"[0-9]{3}" + _G + r"[0-9]{3}"
    r"|[0-9]{2}" + _G + r"[0-9]{6})"
)
_SUB7: Final = (
    r"(?:[0-9]{7}|[0-9]{3}" + _G + r"[0-9]{4}|[0-9]{4}" + _G + r"[0-9]{3}"
    r"|[0-9]{3}" + _G + r"[0-9]{2}" + _G + r"[0-9]{2}"
    r"|[0-9]{2}" + _G + r"[0-9]{3}" + _G + r"[0-9]{2}"
    r"|[0-9]{2}" + _G + r"[0-9]{2}" + _G + r"[0-9]{3}"
    r"|[0-9]{2}" + _G + r"[0-9]{5})"
)
_SUB6: Final = (
    r"(?:[0-9]{6}|[0-9]{3}" + _G + r"[0-9]{3}|[0-9]{2}" + _G + r"[0-9]{2}" + _G + r"[0-9]{2}"
    r"|[0-9]{2}" + _G + r"[0-9]{4}|[0-9]{4}" + _G + r"[0-9]{2})"
)
# After the area code (or the 6 of a mobile number): nothing, a space, or a dash,
# slash or dot with optional spaces around it (``06/12345678``, ``020 - 612 34 56``).
_AFTER_AREA: Final = r"(?:[ ]?[-/.][ ]?|[ ])?"

# Everything after the leading 0 of a Dutch number (0800 and 090x excluded: they
# belong to organisations).
_NL_AFTER_0: Final = (
    r"(?:6" + _AFTER_AREA + _SUB8
    + r"|(?![89]0)[1-57-9][0-9]" + _AFTER_AREA + _SUB7
    + r"|(?![89]0)[1-57-9][0-9]{2}" + _AFTER_AREA + _SUB6 + r")"
)
# After +31 / 0031: an optional "(0)" or "0", then the number without its leading 0.
_NL_AFTER_31: Final = r"[ -]?(?:\([ ]?0[ ]?\)[ -]?|0[ -]?)?" + _NL_AFTER_0
# A foreign number after "+" or "00": a country code other than 31, then digits, spaces,
# brackets, dots, slashes and dashes; what it is exactly is decided in Python.
_FOREIGN: Final = r"(?!31)[1-9][0-9 ()./-]{6,24}"

# Each alternative starts with a literal character and checks what precedes it only
# then: that lets the regex engine skip quickly to a "+", "0" or "(" (speed).
_PHONE: Final = _lazy("_PHONE",
    r"(?:"
    r"\+(?<![A-Za-z0-9_+]\+)(?<![0-9][.-]\+)"
    r"(?:31" + _NL_AFTER_31 + r"|(?P<plus>" + _FOREIGN + r"))"
    r"|0(?<![A-Za-z0-9_+]0)(?<![0-9][.-]0)"
    r"(?:031" + _NL_AFTER_31 + r"|" + _NL_AFTER_0 + r"|0(?P<zeros>" + _FOREIGN + r"))"
    r"|\((?<![A-Za-z0-9_+]\()(?<![0-9][.-]\()0"
    r"(?:6\)[ -]?" + _SUB8
    + r"|(?![89]0)[1-57-9][0-9]\)[ -]?" + _SUB7
    + r"|(?![89]0)[1-57-9][0-9]{2}\)[ -]?" + _SUB6 + r")"
    r")"
    r"(?![A-Za-z0-9_])(?![.-][0-9])"
)
# The pieces of a foreign number: digit groups and a "(0)" to leave out.
_FOREIGN_PIECE: Final = _lazy("_FOREIGN_PIECE", r"\([ ]?0[ ]?\)|[0-9]{1,15}")


def _foreign_end(text: str, start: int, strict: bool) -> int | None:
    """Where the foreign number whose country code starts at `start` ends, if it is a
    valid number of that country; the longest valid reading wins (the pattern may have
    taken a following number along)."""
    candidate = re.match(r"[0-9 ()./-]{1,30}", text[start:])
    if candidate is None:  # pragma: no cover - the pattern matched digits here
        return None
    pieces: list[tuple[str, int]] = []  # (digits so far, end offset)
    digits = ""
    for piece in _FOREIGN_PIECE.finditer(candidate.group()):
        if piece.group().startswith("("):
            continue
        digits += piece.group()
        if len(digits) > 15:  # E.164: at most 15 digits with the country code
            break
        pieces.append((digits, start + piece.end()))
    for digits, end in reversed(pieces):
        if len(digits) < 8:
            break
        if _valid_foreign_number(digits, strict):
            return end
    return None


def _valid_foreign_number(digits: str, strict: bool) -> bool:
    """Whether ``+digits`` is a phone number by libphonenumber's numbering plans: a
    possible one (the right length for its country), and when `strict` a valid one
    (also in a range that is given out)."""
    import phonenumbers

    try:
        number = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return False
    if strict:
        return bool(phonenumbers.is_valid_number(number))
    return bool(phonenumbers.is_possible_number(number))


def _find_phones(text: str) -> list[PersonalData]:
    hits: list[PersonalData] = []
    for match in _PHONE.finditer(text):
        start, end = match.span()
        if _has_other_label(text, start):
            continue
        foreign = "plus" if match["plus"] is not None else "zeros" if match["zeros"] else None
        if foreign is not None:
            # After "+" the writer meant a phone number: the right length will do. After
            # "00" it may be an order number: it must be a number actually given out.
            found_end = _foreign_end(text, match.start(foreign), strict=foreign == "zeros")
            if found_end is None:
                continue
            end = found_end
            digits = _digits(text[match.start(foreign) : end].replace("(0)", ""))
            masked = f"+{digits[:2]}{_ELLIPSIS}{digits[-2:]}"
        else:
            raw = match.group()
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
_BSN_DIGITS: Final = _lazy("_BSN_DIGITS", r"[0-9]{8,9}")

# Starts with a plain digit (the engine skips fast to digits); what precedes that
# first digit is checked right after it.
_BSN_CANDIDATE: Final = _lazy("_BSN_CANDIDATE",
    r"[0-9](?<![0-9][0-9])(?:(?<![A-Za-z_+][0-9])|(?<=[Bb][Ss][Nn][0-9]))"
    r"(?<![0-9][.,/-][0-9])"
    r"(?:"
    r"[0-9]{7,8}"
    r"|[0-9]{2}(?P<a>[.-])[0-9]{3}(?P=a)[0-9]{3}"
    r"|[0-9]{3}(?P<b>[.-])[0-9]{2}(?P=b)[0-9]{3}"
    # space-grouped: must not be one piece of a longer run of number groups
    r"|(?P<spaced>(?<![0-9][ ][0-9])[0-9]{2}[ ][0-9]{3}[ ][0-9]{3}(?![ ][0-9])"
    r"|(?<![0-9][ ][0-9])[0-9]{3}[ ][0-9]{2}[ ][0-9]{3}(?![ ][0-9]))"
    r")"
    r"(?![A-Za-z0-9_])(?![.,/-][0-9])"
)

_BSN_KEYWORD: Final = _lazy("_BSN_KEYWORD",
    r"(?<![A-Za-z])(?:bsn|burgerservicenummers?|burgerservice|sofinummers?|sofi)(?![A-Za-z])",
    re.IGNORECASE,
)
#: How far (in characters) a BSN word reaches: a number that far before or after it is
#: taken as a BSN even when it fails the eleven-test.
_BSN_KEYWORD_REACH: Final = 100


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
        if _is_compact_date(digits) or _is_amount(text, start, end) or _has_other_label(
                text, start):
            continue
        # Space-grouped numbers are counts in a table far more often than BSNs: they
        # need a BSN word nearby, like a number that fails the eleven-test.
        if match["spaced"] is not None or not bsn_valid(digits):
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
    r"(?![ ]?(?:km|m|meter|meters|kilometer|min|minuten|uur|keer|jaar|jaren|maand|maanden"
    r"|week|weken|dag|dagen|kg|cm|mm|l|liter|inch|w|watt|euro|eur|x|%|hoog|stuks"
    r"|kinderen|personen|mensen|huishoudens)(?![A-Za-z]))"
    # addition: 12a, 12-2, 3-bis, 12 hs, 12 A, 4-II
    r"(?:-[0-9]{1,4}|-?[A-Za-z]{1,3}|[ ](?:bis|hs|huis|[A-Z]))?"
    r"(?![A-Za-z0-9_])"
)
# A postcode after the house number belongs to the same address.
_TRAILING_POSTCODE: Final = (
    r"(?:,?[ ][1-9][0-9]{3}[ ]?(?!S[ADS]|EU)[A-Z]{2}(?![A-Za-z0-9_]))?"
)

_POSTCODE_NUMBER: Final = _lazy("_POSTCODE_NUMBER",
    r"(?P<digits>[1-9](?<![A-Za-z0-9_.,][1-9])[0-9]{3})"
    r"[ ]?(?P<letters>(?!(?i:S[ADS]|EU))[A-Za-z]{2})(?![A-Za-z0-9_])"
    r"(?:,[ ]?|[ ])"
    + _HOUSE_NUMBER
)
# Two lower-case letters after four digits are a word more often than a postcode:
# "2023 en 2024", "12 of 13", "1500 kg". (Upper-case pairs are always postcodes.)
_NOT_POSTCODE_LETTERS: Final = frozenset(
    {
        "en", "of", "om", "te", "op", "in", "is", "na", "al", "nu", "zo", "ja", "ik",
        "we", "ze", "je", "er", "ga", "de", "ie", "nr", "no", "km", "kg", "cm", "mm", "ml",
        "cl", "dl", "pm", "am", "st", "ca", "ex", "bv", "vs", "id", "tv", "pc", "ov",
        "mb", "gb", "kb", "pp", "ha", "uw", "mn", "zn", "eu", "mw", "hs", "nl", "be",
    }
)  # fmt: skip

# The usual last parts of Dutch street names. ("dam" is left out: Amsterdam 2026.)
_STREET_SUFFIX: Final = (
    "straat|laan|weg|plein|gracht|kade|hof|singel|dijk|pad|dreef|steeg|wal|zijde|markt"
    "|park|baan|boulevard|allee|plantsoen|kanaal|haven|vaart|wetering|werf|veld|erf"
    "|hoven|oord|horst|gaarde|akker|weide|bolwerk"
    # Frisian: dyk, strjitte, leane
    "|dyk|strjitte|leane"
)
# Abbreviated street words, written with a full stop or without: Kerkstr. 12, Dorpsln 3.
_STREET_ABBREVIATION: Final = "str|ln|wg|pln|gr|sngl|mrkt|prk|kd|dk|pd|stg|drf|plnts"
_STREET_NUMBER: Final = _lazy("_STREET_NUMBER",
    r"(?P<street>"
    r"[A-Z](?<![A-Za-zÀ-ÖØ-öø-ÿ0-9_'-][A-Z])"
    r"(?:[A-Za-zÀ-ÖØ-öø-ÿ'-]{1,40}(?:" + _STREET_SUFFIX + r")"
    r"|[A-Za-zÀ-ÖØ-öø-ÿ'-]{1,40}(?:" + _STREET_ABBREVIATION + r")\.?"
    r"|[a-zà-öø-ÿ]{1,30}[ ](?:" + _STREET_SUFFIX.title() + r"))"
    r")"
    r",?[ ]"
    + _HOUSE_NUMBER
    + _TRAILING_POSTCODE
)

# Cheap tests run first: most texts have no street word before a number at all.
_SUFFIXES: Final = tuple(_STREET_SUFFIX.split("|")) + tuple(
    _STREET_ABBREVIATION.split("|")) + tuple(w + "." for w in _STREET_ABBREVIATION.split("|"))
_STREET_NAME_SET: Final = frozenset(
    {
        "dam", "damrak", "rokin", "overtoom", "brink", "markt", "singel", "plein", "wal",
        "kade", "dijk", "gracht", "haven", "voorhout", "coolsingel", "lijnbaan",
        "kneuterdijk", "spui", "vismarkt",
    }
)  # fmt: skip
_CUE_HINT: Final = _lazy("_CUE_HINT", r"adres|woon|wonen|verhuis|bezorg|aflever|ophalen|opgehaald")
_NUMBER_WORDS: Final = frozenset({"nr.", "nr", "no.", "no", "nummer", "huisnummer"})
# A digit after a space: where a house number may start.
_NUMBER_AFTER_SPACE: Final = _lazy("_NUMBER_AFTER_SPACE", r"[1-9](?<=[ ][1-9])")


def _street_hints(low: str) -> tuple[bool, bool]:
    """(a word ending in a street word comes before a number, a street with a name of
    its own does), in the lower-cased text: ``kerkstraat 12``, ``kerkstraat, 12``,
    ``kerkstraat nr. 12``, ``dam 1``. One pass over the numbers (plain string methods:
    a pattern with all the street words would be tried at every position); the street
    patterns run only when this says they may match."""
    suffix = named = False
    for match in _NUMBER_AFTER_SPACE.finditer(low):
        end = match.start() - 1
        if low[end - 1] == ",":
            end -= 1
        start = low.rfind(" ", 0, end) + 1
        word = low[start:end]
        if word in _NUMBER_WORDS:  # "kerkstraat nr. 12": the word before "nr."
            end = start - 1
            if low[end - 1 : end] == ",":
                end -= 1
            start = low.rfind(" ", 0, end) + 1
            word = low[start:end]
        if not suffix and word.endswith(_SUFFIXES):
            suffix = True
        if not named and word in _STREET_NAME_SET:
            named = True
    return suffix, named


_NAME_WORD: Final = r"[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'-]{1,40}"
# Streets with a name of their own (no street word at the end), "Laan van ...", and
# P.O. boxes.
_NAMED_STREET: Final = _lazy("_NAMED_STREET",
    r"(?P<street>"
    r"(?<![A-Za-zÀ-ÖØ-öø-ÿ0-9_'-])"
    r"(?:(?:Dam|Damrak|Rokin|Overtoom|Brink|Markt|Singel|Plein|Wal|Kade|Dijk|Gracht|Haven"
    r"|Lange[ ]Voorhout|Korte[ ]Voorhout|Coolsingel|Lijnbaan|Kneuterdijk|Spui|Vismarkt)"
    r"|Laan[ ](?:van|der|de|den|op|ten|te|het)(?:[ ](?:der|den|de|het|'t))?[ ]" + _NAME_WORD
    + r"(?:[ ]" + _NAME_WORD + r")?"
    r")"
    r"(?![A-Za-zÀ-ÖØ-öø-ÿ'-])"
    r")"
    r",?[ ]"
    + _HOUSE_NUMBER
    + _TRAILING_POSTCODE
    + r"|(?P<box>(?<![A-Za-z])(?i:postbus|antwoordnummer))[ ]?[0-9]{1,6}(?![0-9])"
    + _TRAILING_POSTCODE
)
# Any capitalised name with a house number right after a word that says an address
# follows: "woont op Molenwijk 20", "adres: Overtoom 301", "bezorgen bij Reigersbos 100".
_CUED_STREET: Final = _lazy("_CUED_STREET",
    r"(?<![A-Za-z])(?i:adres|woonadres|afleveradres|bezorgadres|postadres|woont|wonen"
    r"|woonachtig|verhuisd|verhuist|verhuizen|bezorgen|bezorging|afleveren|ophalen"
    r"|opgehaald)"
    r"(?:[ ]?:)?(?:[ ](?:op|aan|in|naar|bij|de|het|'t|te|nu)){0,3}[ ]"
    r"(?P<street>" + _NAME_WORD + r"(?:[ ]" + _NAME_WORD + r"){0,3}),?[ ]"
    + _HOUSE_NUMBER
    + _TRAILING_POSTCODE
)

# Ordinary words that happen to end in a street word.
_NOT_STREETS: Final = frozenset(
    {
        "onderweg", "halfweg", "uitweg", "omweg", "snelweg", "zijweg", "fietspad",
        "voetpad", "zorgpad", "leerpad", "schoolplein", "speelplein", "gerechtshof",
        "zijstraat", "oprijlaan", "blokkade", "loopbaan", "ijsbaan", "kinderopvang",
        "arbeidsmarkt", "woningmarkt", "achterzijde", "voorzijde", "keerzijde",
        "speelveld", "sportveld", "werkveld", "vakantiepark", "pretpark", "attractiepark",
        "erf", "voorerf", "achtererf", "spijkerhoven",
    }
)  # fmt: skip


def _find_addresses(text: str) -> list[PersonalData]:
    hits: list[PersonalData] = []
    for match in _POSTCODE_NUMBER.finditer(text):
        letters = match["letters"]
        if not letters.isupper() and letters.lower() in _NOT_POSTCODE_LETTERS:
            continue
        masked = f"{match['digits']} {letters.upper()} {_ELLIPSIS}"
        hits.append(PersonalData("address", match.start(), match.end(), masked))
    low = text.lower()
    suffix, named = _street_hints(low)
    patterns = []
    if suffix:
        patterns.append(_STREET_NUMBER)
    if named or "laan " in low or "postbus" in low or "antwoordnummer" in low:
        patterns.append(_NAMED_STREET)
    if _CUE_HINT.search(low):
        patterns.append(_CUED_STREET)
    for pattern in patterns:
        if hits:
            text = _blank_out(text, sorted(hits, key=_start))
        for match in pattern.finditer(text):
            if pattern is not _NAMED_STREET or match["box"] is None:
                street = match["street"]
                if street.lower() in _NOT_STREETS:
                    continue
                number = match["number"]
                if pattern is _CUED_STREET and len(number) == 4 and 1900 <= int(number) < 2100:
                    continue  # "verhuisd naar Almere 2026": a year, not a house number
                start = match.start("street")
            else:
                street = match["box"].title()
                start = match.start("box")
            hits.append(PersonalData("address", start, match.end(), f"{street} {_ELLIPSIS}"))
    hits.sort(key=_start)
    return hits


# --------------------------------------------------------------------------- date of birth

_MONTH: Final = (
    r"(?i:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november"
    r"|december|(?:jan|febr|feb|mrt|apr|jun|jul|aug|sept|sep|okt|nov|dec)\.?)"
)
_DATE: Final = (
    r"(?:[0-3]?[0-9][-/.][01]?[0-9][-/.](?:19|20)?[0-9]{2}"
    r"|(?:19|20)[0-9]{2}-[01][0-9]-[0-3][0-9]"
    r"|[0-3][0-9][01][0-9](?:19|20)[0-9]{2}"
    r"|[0-3]?[0-9][ ]" + _MONTH + r"(?:[ ](?:19|20)[0-9]{2})?)"
    r"(?![0-9])"
)
_BIRTH_CUE: Final = (
    r"(?i:geboortedatum|geboren|geb\.?[ ]?datum|geb\.?[ ]?dat\.?|geb\.|geb(?=[ :]))"
)
_BIRTHDATE: Final = _lazy("_BIRTHDATE",
    # cue, a few small words (geboren in 1962 op 14 mei), the date
    r"(?P<cue>(?<![A-Za-z])" + _BIRTH_CUE + r")"
    r"(?:[ ](?:[a-zë]{1,12}|d\.d\.|(?:19|20)[0-9]{2})){0,4}(?:[ ]?:)?[ ]?" + _DATE
    # or the date before "geboren": "op 4 oktober 2008 geboren"
    + r"|(?<![0-9])" + _DATE + r"[ ](?P<after>(?i:geboren))(?![A-Za-z])"
)


def _find_birthdates(text: str) -> list[PersonalData]:
    hits: list[PersonalData] = []
    if "geb" not in text.lower():  # geb., geboren, geboortedatum
        return hits
    for match in _BIRTHDATE.finditer(text):
        cue = match["cue"] if match["cue"] is not None else match["after"]
        hits.append(PersonalData("birthdate", match.start(), match.end(),
                                 f"{cue.lower()} {_ELLIPSIS}"))
    return hits


# --------------------------------------------------------------------------- names

# A title or family word before a name. ("mr." and "dr." are left out: they start
# street names, Mr. Visserplein, as often as a person's name.)
_TITLE: Final = (
    r"(?:[Mm]evr\.?|[Mm]w\.?|[Dd]hr\.?|DHR\.?|[Mm]eneer|MENEER|[Mm]evrouw|MEVROUW"
    r"|[Dd]e[ ][Hh]eer|[Ff]am\.?|[Ff]amilie|[Gg]ezin)"
)
# Name particles that may come before the capitalised part.
_PARTICLE: Final = (
    r"(?:van|de|der|den|het|'t|ter|ten|te|el|al|ben|bin|da|dos|du|le|la|von|zu|op)"
)
_CAPITAL_WORD: Final = (
    r"[A-ZÀ-ÖØ-ÞĀ-ſ][a-zß-öø-ÿĀ-ſ'’]{1,30}(?:-[A-ZÀ-ÖØ-ÞĀ-ſ][a-zß-öø-ÿĀ-ſ'’]{1,30})?"
)
_NAME: Final = _lazy("_NAME",
    r"(?P<title>(?<![A-Za-z])" + _TITLE + r")"
    r"[ ]{1,2}"
    r"(?P<name>"
    r"(?:[A-Z]\.[ ]?){0,3}"  # initials
    r"(?:(?i:" + _PARTICLE + r")[ ]){0,3}"
    + _CAPITAL_WORD
    # more of the name: "meneer Jan de Wit", "Dhr. Lopes Cardoso"
    + r"(?:[ ](?:(?:" + _PARTICLE + r")[ ]){0,3}" + _CAPITAL_WORD + r"){0,2}"
    r")"
    r"(?![A-Za-zÀ-ÖØ-öø-ÿĀ-ſ])"
)
# Family words need the capital right after them ("familie in Duitsland", "gezin met
# drie kinderen"), and some capitalised words after a title are no name.
_FAMILY_WORDS: Final = frozenset({"fam", "fam.", "familie", "gezin"})
_NOT_NAMES: Final = frozenset(
    {
        "is", "heeft", "kan", "wil", "zegt", "en", "of", "de", "het", "een", "uit", "die",
        "belde", "belt", "gaat", "komt", "was", "wordt", "zou", "moet", "mag",
    }
)  # fmt: skip


def _find_names(text: str) -> list[PersonalData]:
    hits: list[PersonalData] = []
    if not _TITLE_HINT.search(text.lower()):
        return hits
    for match in _NAME.finditer(text):
        title, name = match["title"], match["name"]
        if name.lower() in _NOT_NAMES:
            continue
        if title.lower() in _FAMILY_WORDS and not name[:1].isupper():
            continue
        hits.append(PersonalData("name", match.start(), match.end(),
                                 f"{title} {name[0]}{_ELLIPSIS}"))
    return hits


# --------------------------------------------------------------------------- public

_DETECTORS: Final[tuple[Callable[[str], list[PersonalData]], ...]] = (
    _find_ibans,
    _find_emails,
    _find_phones,
    _find_bsns,
    _find_addresses,
    _find_birthdates,
)


def find_personal_data(text: str) -> list[PersonalData]:
    """All personal data in `text`, sorted by position, never overlapping.

    Offsets refer to `text` itself. See the module docstring for what is detected and
    which look-alikes (case ids, dates, times, amounts, household codes) are left alone.
    """
    numbers = _QUICK.search(text) is not None
    names = _TITLE_HINT.search(text.lower()) is not None
    if not numbers and not names:
        return []
    work = text.translate(_NORMALISE) if _NEEDS_NORMALISING.search(text) else text
    found: list[PersonalData] = []
    for detect in _DETECTORS if numbers else ():
        hits = detect(work)
        if hits:
            found += hits
            work = _blank_out(work, hits)
    if names:
        found += _find_names(work)
    if len(found) > 1:
        found.sort(key=_start)
    return found


def mask(value: object) -> str:
    """`value` as text with every piece of personal data in it replaced by its masked
    form (``bel 06-12345678`` -> ``bel 06…78``). Every message that echoes a value read
    from a file, or given on the command line, puts it through this."""
    text = value if isinstance(value, str) else str(value)
    hits = find_personal_data(text)
    if not hits:
        return text
    parts: list[str] = []
    pos = 0
    for hit in hits:
        parts.append(text[pos : hit.start])
        parts.append(hit.masked)
        pos = hit.end
    parts.append(text[pos:])
    return "".join(parts)


def _start(hit: PersonalData) -> int:
    return hit.start
