"""ABN AMRO description texts, shared by the TXT, MT940 and CAMT.053 readers.

ABN AMRO writes one description in three layouts:

* slash-separated: ``/TRTP/SEPA OVERBOEKING/IBAN/.../NAME/.../REMI/.../EREF/...``;
* fixed width: 65-character MT940 lines, each two 32-character cells around one space
  (``SEPA Overboeking`` | ``IBAN: NL..`` | ``BIC: ..`` | ``Naam: ..`` | ``Omschrijving: ..``,
  or ``BEA, Betaalpas`` | ``<merchant>,PAS012`` | ``NR:.., 03.03.26/10:15`` | ``<place>``).
  The TXT export glues these lines together, which is why its texts carry a space after
  the first 32 characters and after every following 64, even inside words;
* free text, where the cells are separated by runs of spaces only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mmb.banks._common import clean, counter_account, iban_from_parts, join_wrapped

LINE = 65
CELL = 32

# Keys of the fixed-width layout, matched case-insensitively (MT940 writes them upper case).
_CELL_KEYS = (
    "iban",
    "bic",
    "naam",
    "omschrijving",
    "kenmerk",
    "machtiging",
    "incassant",
    "voor",
    "betalingskenm.",
    "id debiteur",
    "id crediteur",
)
_CELL_KEY = re.compile(r"\s*(" + "|".join(re.escape(k) for k in _CELL_KEYS) + r"):\s?", re.I)
_PAS = re.compile(r",\s*PAS\s*\d+\s*$", re.I)
_CARD = re.compile(r"\s*(BEA|GEA)\b", re.I)
_NR = re.compile(r"\s*NR:", re.I)
_WHEN = re.compile(r"^\s*\d\d\.\d\d\.\d\d/\d\d[.:]\d\d\s*")

# Keys of the slash-separated layout (also used by other banks' MT940 :86: fields).
SLASH_KEYS = (
    "TRTP",
    "IBAN",
    "BIC",
    "NAME",
    "REMI",
    "EREF",
    "MARF",
    "CSID",
    "ORDP",
    "BENM",
    "ADDR",
    "ISDT",
    "CNTP",
    "PREF",
    "RTRN",
    "PURP",
    "ULTC",
    "ULTD",
    "ULTB",
    "SVCL",
    "TRCD",
    "BUSP",
    "CDTRREFTP",
    "CDTRREF",
    "SUM",
)
_SUBFIELDS = {"CNTP": 4}
_SLASH_KEY = re.compile(r"/(" + "|".join(sorted(SLASH_KEYS, key=len, reverse=True)) + r")/")


@dataclass(frozen=True, slots=True)
class Described:
    """What a description text says."""

    counterparty: str
    counterparty_iban: str
    description: str
    #: The payer's end-to-end id (``/EREF/``, ``Kenmerk:``), "" when none is given.
    end_to_end_id: str = ""


def slash_fields(text: str) -> dict[str, str]:
    """``/KEY/value/KEY/value`` -> {KEY: value}; the first occurrence of a key wins and one
    trailing slash is dropped. ING's ``/CNTP/`` holds four slash-ended subfields
    (IBAN/BIC/name/place), read by position so a name like "TRCD" is not taken for a key;
    its ``/REMI/USTD//`` free text runs to the next ``//KEY/``."""
    found: dict[str, str] = {}
    match = _SLASH_KEY.search(text)
    while match is not None:
        key, start = match.group(1), match.end()
        skip = start
        for _ in range(_SUBFIELDS.get(key, 0)):
            slash = text.find("/", skip)
            skip = len(text) if slash < 0 else slash + 1
        if key == "REMI" and text.startswith("USTD//", start):
            following = _after_free_text(text, start + len("USTD//"))
        else:
            following = _SLASH_KEY.search(text, skip)
        end = following.start() if following is not None else len(text)
        value = text[start:end]
        if value.endswith("/"):
            value = value[:-1]
        found.setdefault(key, value)
        match = following
    return found


def _after_free_text(text: str, start: int) -> re.Match[str] | None:
    """The key after ING's ``/REMI/USTD//<free text>/``: the text ends with a slash, so a
    following key shows as ``//KEY/``; a lone ``/KEY/`` is part of the text."""
    for match in _SLASH_KEY.finditer(text, start):
        if match.start() > start and text[match.start() - 1] == "/":
            return match
    return None


def end_to_end_id(value: str) -> str:
    """An end-to-end id as written, "" for none or the placeholder banks write for none."""
    value = clean(value)
    return "" if value.upper() in ("NOTPROVIDED", "NONREF", "NOT PROVIDED") else value


def remittance(value: str) -> str:
    """The free text of a REMI field: ``USTD//text`` -> text, ``STRD/CUR/ref`` -> ref."""
    if value.startswith("USTD//"):
        return value[6:]
    if value.startswith("STRD/"):
        return value.rsplit("/", 1)[-1]
    return value


def is_slash_layout(text: str) -> bool:
    """True for ``/TRTP/...``-style texts."""
    return _SLASH_KEY.match(text.lstrip()) is not None


def abn_iban(account_number: str) -> str:
    """An ABN AMRO account number (9 or 10 digits, as in TXT and MT940) as its IBAN."""
    return iban_from_parts("NL", "ABNA", account_number.zfill(10))


def cells_of_lines(lines: list[str]) -> list[str] | None:
    """Split 65-character lines into their 32-character cells, or None when the lines do
    not have the fixed-width layout (the separator at position 32 is not a space)."""
    cells: list[str] = []
    for line in lines:
        if len(line) > CELL and line[CELL] != " ":
            return None
        cells.append(line[:CELL])
        if len(line) > CELL + 1:
            cells.append(line[CELL + 1 : LINE])
        if len(line) > LINE:
            return None
    return cells


def split_txt(text: str) -> list[str]:
    """A TXT description as the 65-character lines it was glued from."""
    return [text[i : i + LINE] for i in range(0, len(text), LINE)]


def describe(lines: list[str], first_prefix: int = 0) -> Described:
    """Read an ABN AMRO description given as its 65-character lines (`split_txt` for TXT
    and CAMT texts; the :86: lines for MT940, whose tag is `first_prefix` wide)."""
    text = join_wrapped(lines, first_prefix)
    if is_slash_layout(text):
        fields = slash_fields(text.strip())
        description = clean(remittance(fields.get("REMI", "")))
        return Described(
            clean(fields.get("NAME", "")),
            counter_account(fields.get("IBAN", "")),
            description or clean(text),
            end_to_end_id(fields.get("EREF", "")),
        )
    cells = cells_of_lines(lines)
    if cells is None:
        # Not aligned (e.g. a CAMT AddtlNtryInf): runs of two or more spaces part the cells.
        cells = re.split(r"\s{2,}", text.strip())
    return _describe_cells(cells)


def _glue(cells: list[str]) -> str:
    """The cells of one value back into its text: a value longer than a cell runs on into
    the next cell without a separator; a shorter (right-trimmed) cell ended with spaces."""
    return "".join(cell.ljust(CELL) for cell in cells[:-1]) + (cells[-1] if cells else "")


def _fields_text(cells: list[str]) -> str:
    """The whole description, one field per cell (card rows, bank costs)."""
    return clean(" ".join(cells))


def _describe_cells(cells: list[str]) -> Described:
    kind = cells[0].strip() if cells else ""
    if _CARD.match(kind) and len(cells) > 1:
        candidates = [c for c in cells[1:] if c.strip() and not _NR.match(c)]
        merchant = _PAS.sub("", _WHEN.sub("", candidates[0])) if candidates else ""
        return Described(clean(merchant), "", _fields_text(cells))
    keyed: dict[str, list[str]] = {}
    current: list[str] | None = None
    for cell in cells[1:]:
        match = _CELL_KEY.match(cell)
        if match:
            current = keyed.setdefault(match.group(1).lower(), [])
            current.clear()  # a repeated key starts over
            current.append(cell)
        elif current is not None:
            current.append(cell)

    def value(key: str) -> str:
        parts = keyed.get(key)
        return _CELL_KEY.sub("", _glue(parts), count=1) if parts else ""

    if keyed:
        return Described(
            clean(value("naam")),
            counter_account(value("iban")),
            clean(value("omschrijving")) or _fields_text(cells),
            end_to_end_id(value("kenmerk")),
        )
    counterparty = kind if kind.upper().startswith("ABN AMRO") else ""
    return Described(counterparty, "", _fields_text(cells))
