"""WhatsApp chat exports: parse the messages, then pick out the votes on cases.

This module is pure: it reads one export (``.txt``, or the ``.zip`` an iPhone makes) and
returns data. Recording votes in case files is the caller's job, as is dropping the
requester's own vote and votes cast after a decision.

Reading an export
=================

* Both line shapes: iPhone ``[22-11-2026 14:05:09] Name: text`` (comma after the date
  optional) and Android ``22-11-2026 14:05 - Name: text``. Dates with ``-``, ``/`` or ``.``,
  two- or four-digit years, year-first dates (``2026/11/22``), 24-hour clocks and 12-hour
  clocks (``2:05 PM``, ``2:05 p.m.``, with a normal, no-break or narrow no-break space),
  seconds optional. ``0:24 PM`` (some Android phones) is read as ``12:24 PM``.
* A message starts only at a line whose timestamp has the same shape as most timestamps in
  the file (same bracket or dash, date separator, year length and clock); every other line,
  including empty lines and pasted text that merely starts with a date, continues the
  message above it. Lines before the first message are ignored.
* Day or month first is decided once per file: (1) a first field above 12 means day-first,
  a second field above 12 month-first (the majority wins if a file has both); (2) otherwise
  the order under which the dates run forward in time; (3) otherwise ``-`` or ``.`` between
  the parts means day-first (month-first exports use ``/``); (4) otherwise Dutch WhatsApp
  texts (``<Media weggelaten>``, ``heeft de groep``, ...) mean day-first; (5) otherwise an
  AM/PM clock means month-first (US); (6) otherwise day-first, as this is a Dutch tool.
* Invisible marks (byte order mark, left-to-right and right-to-left marks, bidi embeddings
  and isolates) are removed from senders and texts. ``<This message was edited>`` and
  ``<Dit bericht is bewerkt>`` are removed from the text and noted in ``edited``.
* ``system`` is set for lines without a sender (joined, left, subject changed, ...), for
  notices that iPhones attribute to the group (they start with a left-to-right mark), for
  the encryption notice, deleted messages and missed calls. ``media`` is set for
  ``<Media omitted>``/``<Media weggelaten>``, ``image omitted``/``afbeelding weggelaten``
  and the like, attached files (``(file attached)``, ``<bijgevoegd: ...>``) and locations.

What counts as a vote
=====================

A message is a vote only when it names exactly one case id and exactly one kind of vote.

* Case id: ``YYYY-NNN`` with a year 2000-2099 and three or four digits, written bare or as
  ``#2026-014``, ``casus 2026-014``, ``case 2026-014``, ``zaak 2026-014``. It is stored as
  ``YYYY-NNN`` (``2026-0014`` becomes ``2026-014``). Not a case id: anything glued to
  letters, digits, ``-``, ``/`` or ``.`` before it, or followed by ``-DD``, ``/DD``,
  ``.DD`` or ``:DD`` (so ``2026-03-02`` and ``2026-014:30`` are not case ids). Short forms
  like ``2026-14`` are not accepted: such a message is listed as "case id not clear".
* Vote words are whole words, any capitals:

  - approve: akkoord, mee eens, geen bezwaar (tegen), agree, agreed, approve, approved,
    no objection(s), and 👍 👌 (any skin tone), ✅, ✔️ (also without the emoji variation mark)
  - object: niet akkoord, niet mee akkoord, geen akkoord, oneens, niet mee eens,
    het (er) niet (mee) eens, object, disagree, not agree(d), don't agree, do not agree,
    not approve(d), disapprove(d), and 👎 (any skin tone), ❌
  - abstain: onthouding, ik onthoud me, onthoud me/mij, abstain
  - everyday words that count only in a short message (at most 4 words besides the case
    id) or among its first three words: ja, yes, eens (approve); nee, no, tegen, niet eens
    (object); onthoud (abstain). ``voor`` (approve) counts only when the message has at
    most 3 words besides the case id, and never right before the case id ("akkoord voor
    2026-014" is one approve; a bare "ik ben voor 2026-014" is listed as unclear). Why:
    these words fill ordinary Dutch sentences ("fiets voor kind", "bezwaar tegen de
    beschikking", "kijk eens", "ja hoor") and must not become votes there.

  Words are runs of letters and digits; the case id and what belongs to it (``#``,
  ``casus``, ``case``, ``zaak``, ``nr.``, and ``voor``/``for`` right before it) are not
  counted.

  Negations are read first, so "niet akkoord" is an objection and never an approval, and
  "geen bezwaar (tegen)" is an approval. A negated everyday word ("niet tegen", "niet voor",
  "not against") is never guessed: the message is listed as unclear.
* Listed as not attributed, with the first reason that applies in this order, when the
  message has a vote word: a system or media line; a question (a vote word followed by
  ``?`` or a message ending in ``?``); a sender who is not a member; no case id, or more
  than one; vote words of two kinds ("ja maar eigenlijk nee"); more than 15 words before
  any condition (a long message is discussion, not a vote: read it and record the vote by
  hand).
* Messages without any vote word are ordinary chat and are skipped silently, including the
  message that opens a case (unless it contains a vote word).
* Conditions: "akkoord mits tweedehands" is an approval. The team decides on the proposal as
  amended; the case file keeps the condition in the vote's note (as in ``note: mits
  tweedehands``), so ``ChatVote.note`` carries the text from the condition word (mits, als,
  indien, tenzij, op voorwaarde, provided, if, unless, on condition) onwards. Vote words in
  the condition still count for "vote word unclear", so "akkoord, anders tegen" is listed,
  not guessed.
"""

from __future__ import annotations

import bisect
import codecs
import os
import re
import stat
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Literal, NamedTuple

from mmb import messages as msg
from mmb.errors import InputError

__all__ = [
    "MAX_CHAT_BYTES",
    "MAX_ZIP_BYTES",
    "ChatMessage",
    "ChatVote",
    "Unattributed",
    "VoteValue",
    "extract_votes",
    "member_resolver",
    "parse_chat_text",
    "read_chat",
]

VoteValue = Literal["approve", "object", "abstain"]

MAX_CHAT_BYTES = 50 * 1024 * 1024
"""Largest chat text read (also per zip member). WhatsApp caps an export at about 40,000
messages, a few megabytes; anything near this is not a chat export."""
MAX_ZIP_BYTES = 2 * 1024 * 1024 * 1024
"""Largest zip opened. Only its directory and the chat text are read, so an export with
media may be large, but not unbounded."""

EXCERPT_CHARS = 60
NOTE_CHARS = 200
LONG_MESSAGE_WORDS = 15
SHORT_MESSAGE_WORDS = 4
EARLY_WORDS = 3
VOOR_MAX_WORDS = 3

# Marks that carry no text; WhatsApp sprinkles them around names, media lines and numbers.
_INVISIBLE = "\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_INVISIBLE_SET = frozenset(_INVISIBLE)
_STRIP_INVISIBLE: dict[int, str | None] = dict.fromkeys(map(ord, _INVISIBLE))
# For matching only (never for stored text): also zero-width space and soft hyphen, and the
# special spaces seen before AM/PM become plain spaces.
_MATCH_TABLE: dict[int, str | None] = {
    **_STRIP_INVISIBLE,
    0x200B: None,
    0x00AD: None,
    0x00A0: " ",
    0x202F: " ",
    0x2009: " ",
}
_LRM = "\u200e"
# str.translate is slow on non-ASCII text; look for anything to change first.
_HAS_INVISIBLE = re.compile("[" + _INVISIBLE + "]")
_HAS_MATCH_CHANGE = re.compile("[" + _INVISIBLE + "\u200b\u00ad\u00a0\u202f\u2009]")


def _strip_marks(value: str) -> str:
    """`value` without invisible marks (for stored text)."""
    return value.translate(_STRIP_INVISIBLE) if _HAS_INVISIBLE.search(value) else value


def _for_matching(value: str) -> str:
    """`value` without invisible marks and with special spaces made plain (matching only)."""
    return value.translate(_MATCH_TABLE) if _HAS_MATCH_CHANGE.search(value) else value


# ------------------------------------------------------------------------- line grammar
# Bounded quantifiers only and one optional piece at a time: no catastrophic backtracking.
_HEADER = re.compile(
    r"(?P<open>\[)?"
    r"(?P<a>\d{1,4})(?P<sep>[-/.])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{1,4})"
    r",? "
    r"(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?:[:.](?P<s>\d{2}))?"
    r"(?: ?(?P<ap>[ap])\.? ?m\.?)?"
    r"(?(open)\] | - )",
    re.IGNORECASE,
)
_HEADER_FIRST = frozenset({"[", "\u200b", "\u00ad", *_INVISIBLE})
# A header is at most ~35 characters; leave room for invisible marks in front.
_HEADER_SCAN = 96


class _Shape(NamedTuple):
    """What stays the same across all timestamps of one export."""

    ios: bool
    sep: str
    year_first: bool
    short_year: bool
    twelve_hour: bool


# Texts before the first ": " that make a line a system line even though it has a colon
# later (a subject or group name chosen by a user may contain ": ").
_SYSTEM_BEFORE_COLON = (
    " changed the subject",
    " created group",
    " changed the group description",
    " changed this group's",
    " heeft het onderwerp",
    " hebt het onderwerp",
    " heeft de groep",
    " hebt de groep",
    " heeft de groepsbeschrijving",
    " hebt de groepsbeschrijving",
)
# Whole texts (lowercase, final full stop removed) that are notices, not someone's words.
_SYSTEM_BODIES = frozenset(
    {
        "this message was deleted",
        "you deleted this message",
        "dit bericht is verwijderd",
        "u hebt dit bericht verwijderd",
        "je hebt dit bericht verwijderd",
        "missed voice call",
        "missed video call",
        "gemiste spraakoproep",
        "gemiste video-oproep",
        "gemist spraakgesprek",
        "gemist videogesprek",
    }
)
_E2E_MARKERS = ("end-to-end encrypted", "end-to-end versleuteld", "end-to-end encryptie")
_EDITED_MARKERS = ("<this message was edited>", "<dit bericht is bewerkt>")
_MEDIA_EXACT = frozenset({"<media omitted>", "<media weggelaten>"})
_MEDIA_SUFFIXES = (
    "image omitted",
    "video omitted",
    "audio omitted",
    "sticker omitted",
    "gif omitted",
    "document omitted",
    "contact card omitted",
    "afbeelding weggelaten",
    "video weggelaten",
    "audio weggelaten",
    "sticker weggelaten",
    "gif weggelaten",
    "document weggelaten",
    "visitekaartje weggelaten",
    "(file attached)",
    "(bestand bijgevoegd)",
)
_MEDIA_INFIXES = ("<attached: ", "<bijgevoegd: ")
_MEDIA_PREFIXES = (
    "location: https://",
    "locatie: https://",
    "live location shared",
    "live locatie gedeeld",
)
# Wording of a Dutch-language phone (used only to guess day-first when dates are ambiguous).
_DUTCH_MARKERS = (
    "<media weggelaten>",
    "afbeelding weggelaten",
    "video weggelaten",
    "document weggelaten",
    "(bestand bijgevoegd)",
    "<bijgevoegd: ",
    "end-to-end versleuteld",
    "heeft de groep",
    "is deelnemer geworden",
    "dit bericht is verwijderd",
    "<dit bericht is bewerkt>",
)


@dataclass(frozen=True)
class ChatMessage:
    """One message of an export, in file order."""

    at: datetime
    """Naive local time; seconds kept when the export has them."""
    sender: str
    """As in the export, invisible marks removed, whitespace normalised; "" if none."""
    text: str
    """Full text, continuation lines joined with newlines, invisible marks removed."""
    line: int
    """1-based line in the .txt (in a zip: in the chat .txt) where the message starts."""
    system: bool
    """Notice by WhatsApp (joined, left, subject, encryption, deleted...), or no sender."""
    media: bool
    """Media placeholder, attached file or location."""
    edited: bool = False
    """The export marked the message as edited (the marker is not in ``text``)."""


@dataclass(frozen=True)
class ChatVote:
    """A vote attributed to one member on one case."""

    case_id: str
    member: str
    vote: VoteValue
    at: datetime
    line: int
    sender: str
    note: str | None = None
    """The condition ("mits tweedehands") when the vote had one."""


@dataclass(frozen=True)
class Unattributed:
    """A message that looks like a vote but could not be attributed; for the coordinator."""

    at: datetime
    sender: str
    line: int
    reason: str
    excerpt: str
    """At most 60 characters, for the coordinator's terminal only; never store it."""


# =========================================================================== reading files


def read_chat(path: Path) -> list[ChatMessage]:
    """Read a WhatsApp export: a ``.txt``, or a ``.zip`` holding ``_chat.txt`` (iPhone) or
    a single ``.txt`` (Android). Zips are recognised by content, not by name.

    The text must be UTF-8 (a byte order mark is allowed) with LF or CRLF line ends and at
    most `MAX_CHAT_BYTES`. Only the chat text is read from a zip; nothing is extracted.
    Raises `InputError` naming the file (and line) for anything unreadable.
    """
    data, label = _load_bytes(path)
    return parse_chat_text(_decode(data, label), source=label)


_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


def _load_bytes(path: Path) -> tuple[bytes, str]:
    try:
        # Opened without blocking and checked to be a regular file before reading: a FIFO
        # (or a device) given as the chat must be refused, not waited for.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise InputError(msg.CHAT_NOT_REGULAR.format(file=path))
            size = _regular_size(fh)
            head = fh.read(4)
            if head in _ZIP_MAGIC:
                if size is not None and size > MAX_ZIP_BYTES:
                    raise InputError(
                        msg.CHAT_ZIP_TOO_BIG.format(
                            file=path, size=_mb(size), limit=_mb(MAX_ZIP_BYTES)
                        )
                    )
                fh.seek(0)
                return _load_zip(fh, path)
            if size is not None and size > MAX_CHAT_BYTES:
                raise InputError(_too_big(str(path), size))
            # Read one byte over the cap so growing or special files are caught too.
            data = head + fh.read(MAX_CHAT_BYTES + 1 - len(head))
    except OSError as exc:
        raise InputError(msg.CHAT_CANNOT_READ.format(file=path, detail=_os_detail(exc))) from None
    if len(data) > MAX_CHAT_BYTES:
        raise InputError(_too_big(str(path), len(data)))
    return data, str(path)


def _load_zip(fh: BinaryIO, path: Path) -> tuple[bytes, str]:
    try:
        with zipfile.ZipFile(fh) as zf:
            info = _chat_member(zf, path)
            label = f"{path} ({info.filename})"
            if info.file_size > MAX_CHAT_BYTES:
                raise InputError(_too_big(label, info.file_size))
            with zf.open(info) as member:
                # Never trust the declared size alone: stop one byte past the cap.
                data = member.read(MAX_CHAT_BYTES + 1)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        RuntimeError,
        EOFError,
        ValueError,
        zlib.error,
    ) as exc:
        raise InputError(msg.CHAT_BAD_ZIP.format(file=path, detail=_zip_detail(exc))) from None
    if len(data) > MAX_CHAT_BYTES:
        raise InputError(_too_big(label, len(data)))
    return data, label


def _chat_member(zf: zipfile.ZipFile, path: Path) -> zipfile.ZipInfo:
    candidates: list[zipfile.ZipInfo] = []
    for info in zf.infolist():
        base = info.filename.rsplit("/", 1)[-1]
        # macOS adds resource forks ("__MACOSX/._chat.txt") that are not text.
        if info.is_dir() or info.filename.startswith("__MACOSX/") or base.startswith("._"):
            continue
        if base.casefold().endswith(".txt"):
            candidates.append(info)
    # Prefer the iPhone's _chat.txt: the zip may also hold .txt documents shared in the chat.
    chats = [i for i in candidates if i.filename.rsplit("/", 1)[-1].casefold() == "_chat.txt"]
    if len(chats) == 1:
        return chats[0]
    if len(chats) > 1:
        candidates = chats
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise InputError(msg.CHAT_ZIP_NO_TXT.format(file=path))
    names = ", ".join(sorted(i.filename for i in candidates)[:5])
    raise InputError(msg.CHAT_ZIP_MANY_TXT.format(file=path, names=names))


def _regular_size(fh: BinaryIO) -> int | None:
    st = os.fstat(fh.fileno())
    return st.st_size if stat.S_ISREG(st.st_mode) else None


def _decode(data: bytes, label: str) -> str:
    if not data:
        raise InputError(msg.CHAT_EMPTY.format(file=label))
    if b"\x00" in data:
        raise InputError(msg.CHAT_BINARY.format(file=label))
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(msg.CHAT_NOT_UTF8.format(file=label, line=line)) from None


def _too_big(label: str, size: int) -> str:
    return msg.CHAT_TOO_BIG.format(file=label, size=_mb(size), limit=_mb(MAX_CHAT_BYTES))


def _mb(size: int) -> str:
    # Round up, so a file just over the limit never reads as "50 MB, over the 50 MB".
    tenths = -(-size * 10 // (1024 * 1024))
    return f"{tenths / 10:.1f}".removesuffix(".0")


def _os_detail(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _zip_detail(exc: Exception) -> str:
    if isinstance(exc, RuntimeError) and "encrypt" in str(exc).lower():
        return msg.CHAT_ZIP_ENCRYPTED
    if isinstance(exc, NotImplementedError):
        return msg.CHAT_ZIP_COMPRESSION
    return msg.CHAT_ZIP_DAMAGED


# =========================================================================== parsing


def parse_chat_text(text: str, *, source: str = "chat") -> list[ChatMessage]:
    """Split the text of an export into messages (see the module docstring for the rules).

    `source` names the file in error messages. Raises `InputError` when the text is empty,
    too large or has no line that starts like a WhatsApp message. Two passes over the lines,
    each linear in the size of the text.
    """
    if len(text) > MAX_CHAT_BYTES:
        raise InputError(_too_big(source, len(text.encode("utf-8", errors="replace"))))
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise InputError(msg.CHAT_EMPTY.format(file=source))
    shape, day_first = _survey(text)
    if shape is None:
        raise InputError(msg.CHAT_NO_MESSAGES.format(file=source))

    messages: list[ChatMessage] = []
    pending: _Pending | None = None
    for lineno, raw in enumerate(_iter_lines(text), start=1):
        head = _read_header(raw, shape, day_first)
        if head is None:
            if pending is not None:
                pending.more.append(_strip_marks(raw))
            continue
        if pending is not None:
            messages.append(pending.finish())
        at, rest = head
        pending = _Pending(at=at, line=lineno, rest=rest)
    if pending is not None:
        messages.append(pending.finish())
    return messages


def _iter_lines(text: str) -> Iterator[str]:
    """Lines split on LF (a CR before it dropped), lazily; no final empty line."""
    start, end_of_text = 0, len(text)
    while start < end_of_text:
        end = text.find("\n", start)
        if end < 0:
            end = end_of_text
        line = text[start:end]
        yield line[:-1] if line.endswith("\r") else line
        start = end + 1


def _match_header(raw: str) -> tuple[re.Match[str], int] | None:
    """Match a timestamp at the start of `raw`; return it and where the rest begins in `raw`."""
    if not raw or not (raw[0] in _HEADER_FIRST or raw[0].isdigit()):
        return None  # most continuation lines: decided without any regex work
    prefix = raw[:_HEADER_SCAN]
    cleaned = _for_matching(prefix)
    m = _HEADER.match(cleaned)
    if m is None:
        return None
    if len(cleaned) == len(prefix):
        return m, m.end()
    # Removed invisible marks shift positions: walk the raw prefix to find the same spot.
    kept, wanted = 0, m.end()
    for index, ch in enumerate(prefix):
        if kept == wanted:
            return m, index
        if ch not in _INVISIBLE_SET and ch not in "\u200b\u00ad":
            kept += 1
    return m, len(prefix)


def _shape_of(m: re.Match[str]) -> _Shape | None:
    a, c = m["a"], m["c"]
    year_first = len(a) == 4
    if year_first:
        if len(c) > 2:
            return None
    elif len(a) > 2 or len(c) not in (2, 4):
        return None
    return _Shape(
        ios=m["open"] is not None,
        sep=m["sep"],
        year_first=year_first,
        short_year=len(c) == 2 and not year_first,
        twelve_hour=m["ap"] is not None,
    )


@dataclass
class _ShapeStats:
    count: int = 0
    first_seen: int = 0
    first_over_12: int = 0
    second_over_12: int = 0
    backwards_day_first: int = 0
    backwards_month_first: int = 0
    last_day_first: tuple[int, int, int] | None = None
    last_month_first: tuple[int, int, int] | None = None


def _survey(text: str) -> tuple[_Shape | None, bool]:
    """First pass: the file's timestamp shape and whether its dates are day-first."""
    stats: dict[_Shape, _ShapeStats] = {}
    dutch = False
    for lineno, raw in enumerate(_iter_lines(text)):
        found = _match_header(raw)
        if found is None:
            continue
        m, rest_at = found
        shape = _shape_of(m)
        if shape is None:
            continue
        st = stats.get(shape)
        if st is None:
            st = stats[shape] = _ShapeStats(first_seen=lineno)
        st.count += 1
        if not dutch:
            rest = raw[rest_at:].lower()
            dutch = any(marker in rest for marker in _DUTCH_MARKERS)
        if shape.year_first:
            continue
        a, b, year = int(m["a"]), int(m["b"]), int(m["c"])
        st.first_over_12 += a > 12
        st.second_over_12 += b > 12
        if 1 <= a <= 12 and 1 <= b <= 12:
            # Exports run forward in time; count steps back under each reading.
            as_day_first, as_month_first = (year, b, a), (year, a, b)
            if st.last_day_first is not None and as_day_first < st.last_day_first:
                st.backwards_day_first += 1
            if st.last_month_first is not None and as_month_first < st.last_month_first:
                st.backwards_month_first += 1
            st.last_day_first, st.last_month_first = as_day_first, as_month_first
    if not stats:
        return None, True
    # Most common shape; on a tie, the one seen first.
    shape, st = min(stats.items(), key=lambda item: (-item[1].count, item[1].first_seen))
    return shape, _day_first(shape, st, dutch)


def _day_first(shape: _Shape, st: _ShapeStats, dutch: bool) -> bool:
    if shape.year_first:
        return False
    if st.first_over_12 != st.second_over_12:
        return st.first_over_12 > st.second_over_12
    if st.backwards_day_first != st.backwards_month_first:
        return st.backwards_day_first < st.backwards_month_first
    if shape.sep in "-.":
        return True  # month-first exports (US) use "/"
    if dutch:
        return True
    return not shape.twelve_hour


def _read_header(raw: str, shape: _Shape, day_first: bool) -> tuple[datetime, str] | None:
    found = _match_header(raw)
    if found is None:
        return None
    m, rest_at = found
    if _shape_of(m) != shape:
        return None
    a, b, c = int(m["a"]), int(m["b"]), int(m["c"])
    if shape.year_first:
        year, month, day = a, b, c
    else:
        year = c + 2000 if shape.short_year else c
        day, month = (a, b) if day_first else (b, a)
    hour, minute = int(m["h"]), int(m["mi"])
    second = int(m["s"]) if m["s"] else 0
    if shape.twelve_hour:
        if hour > 12:
            return None
        hour %= 12  # 12 AM is 0h; "0:24 PM" on some phones means 12:24 PM
        if m["ap"].lower() == "p":
            hour += 12
    try:
        at = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None  # not a real date or time: text that only looks like a timestamp
    return at, raw[rest_at:]


@dataclass
class _Pending:
    at: datetime
    line: int
    rest: str
    more: list[str] = field(default_factory=list)

    def finish(self) -> ChatMessage:
        rest = self.rest
        folded = _for_matching(rest).lower()
        colon = rest.find(": ")
        before_colon = folded if colon < 0 else folded[: folded.find(": ")]
        system = colon < 0 or any(marker in before_colon for marker in _SYSTEM_BEFORE_COLON)
        sender = "" if system else _tidy(rest[:colon])
        if not sender:
            system = True
        body = rest if system else rest[colon + 2 :]
        parts = [_strip_marks(body), *self.more]
        while len(parts) > 1 and not parts[-1].strip():
            parts.pop()
        text = "\n".join(parts)
        text, edited = _remove_edited_marker(text)

        first_line = _tidy(parts[0]).lower()
        media = not system and _is_media(first_line)
        if not system and not media:
            whole = _tidy(text).lower().removesuffix(".")
            system = (
                # iPhones attribute group notices to the group and start them with an LRM.
                body.startswith(_LRM)
                or whole in _SYSTEM_BODIES
                or any(marker in whole for marker in _E2E_MARKERS)
            )
        return ChatMessage(
            at=self.at,
            sender=sender,
            text=text,
            line=self.line,
            system=system,
            media=media,
            edited=edited,
        )


def _tidy(value: str) -> str:
    """Invisible marks removed, special spaces made plain, runs of whitespace collapsed."""
    return " ".join(_for_matching(value).split())


def _remove_edited_marker(text: str) -> tuple[str, bool]:
    stripped = text.rstrip()
    lowered = stripped.lower()
    for marker in _EDITED_MARKERS:
        if lowered.endswith(marker):
            return stripped[: len(stripped) - len(marker)].rstrip(), True
    return text, False


def _is_media(first_line: str) -> bool:
    return (
        first_line in _MEDIA_EXACT
        or first_line.endswith(_MEDIA_SUFFIXES)
        or first_line.startswith(_MEDIA_PREFIXES)
        or any(infix in first_line for infix in _MEDIA_INFIXES)
    )


# =========================================================================== members


def member_resolver(
    members: Sequence[tuple[str, str | None, Sequence[str]]],
) -> Callable[[str], str | None]:
    """A function from an export's sender to a member id, or None.

    `members` holds ``(id, name, chat_names)``. The sender is matched against every
    member's chat_names first, then names, then ids; ignoring capitals, invisible marks, a
    leading ``~`` (WhatsApp's mark for a non-contact) and extra spaces. A phone number
    matches however it is written (``+31 6 1234 5678``, ``0612345678``, ``0031...``).
    Two members matching at the same step is ambiguous: None, never a guess.
    """
    tiers: list[dict[str, set[str]]] = [{}, {}, {}]
    for member_id, name, chat_names in members:
        spellings: tuple[Sequence[str], ...] = (chat_names, [name] if name else [], [member_id])
        for tier, values in zip(tiers, spellings, strict=True):
            for value in values:
                for key in _sender_keys(value):
                    tier.setdefault(key, set()).add(member_id)

    def resolve(sender: str) -> str | None:
        keys = _sender_keys(sender)
        for tier in tiers:
            found: set[str] = set()
            for key in keys:
                found |= tier.get(key, set())
            if len(found) == 1:
                return next(iter(found))
            if found:
                return None
        return None

    return resolve


_PHONE = re.compile(r"\+?[\d \-().]{8,40}")


def _sender_keys(value: str) -> list[str]:
    tidy = _tidy(value).lstrip("~ ").strip()
    if not tidy:
        return []
    keys = ["n:" + unicodedata.normalize("NFC", tidy).casefold()]
    if _PHONE.fullmatch(tidy):
        digits = "".join(ch for ch in tidy if ch.isdigit())
        if len(digits) >= 8:
            if tidy.startswith("+31"):
                national = digits[2:]
            elif digits.startswith("0031"):
                national = digits[4:]
            elif tidy.startswith("+"):
                national = ""
                keys.append("p:+" + digits)
            else:
                national = digits
            if national:
                # "+31 (0)6..." and "06..." both become "6...".
                keys.append("p:nl:" + national.removeprefix("0"))
    return keys


# =========================================================================== votes

_CASE_ID = re.compile(r"(?<![\w/.\-])(20\d\d)-(\d{3,4})(?!\w)(?![-/.:]\d)")
_SHORT_CASE_ID = re.compile(r"(?<![\w/.\-])(20\d\d)-(\d{1,2})(?!\w)(?![-/.:]\d)")
# Words that may stand before a case id and belong to it; applied to at most 40 characters
# before the id. "voor"/"for" right before a case id is a preposition, not a vote.
_CASE_PREFIX = re.compile(
    r"(?:(?<!\w)(?P<prep>voor|for)\s+)?"
    r"(?:(?<!\w)(?:casus|case|zaak)\s{0,3}(?:nr\.?|no\.?|nummer)?\s{0,3}:?\s{0,3})?"
    r"#?\s{0,3}$",
    re.IGNORECASE,
)
_CONDITION = re.compile(
    r"(?<!\w)(?:mits|als|indien|tenzij|op\s+voorwaarde|provided|if|unless|on\s+condition)(?!\w)",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
_QUESTION_MARK_NEXT = re.compile(r" {0,3}[?？]")

_SKIN = "[\U0001f3fb-\U0001f3ff]?\ufe0f?"
# (pattern, value, strong). Order matters: at one position the first alternative wins, so
# negations and longer phrases come before the words they contain.
# "negated" marks a negated everyday word ("niet tegen": not against): never guessed, always
# listed as unclear.
_Kind = Literal["approve", "object", "abstain", "negated"]
_VOTE_WORDS: tuple[tuple[str, _Kind, bool], ...] = (
    (r"niet\s+(?:mee\s+)?akkoord", "object", True),
    (r"geen\s+akkoord", "object", True),
    (r"het\s+(?:er\s+)?niet\s+(?:mee\s+)?eens", "object", True),
    (r"niet\s+mee\s+eens", "object", True),
    (r"not\s+agreed?", "object", True),
    (r"(?:don['’]?t|do\s+not)\s+agree", "object", True),
    (r"disagree", "object", True),
    (r"not\s+approved?", "object", True),
    (r"disapproved?", "object", True),
    (r"geen\s+bezwaar(?:\s+tegen)?", "approve", True),
    (r"no\s+objections?", "approve", True),
    (r"mee\s+eens", "approve", True),
    (r"(?:ik\s+)?onthoud\s+(?:me|mij)", "abstain", True),
    (r"niet\s+eens", "object", False),
    (r"niet\s+(?:tegen|voor)", "negated", False),
    (r"not\s+against", "negated", False),
    (r"oneens", "object", True),
    (r"akkoord", "approve", True),
    (r"agreed?", "approve", True),
    (r"approved?", "approve", True),
    (r"object", "object", True),
    (r"onthouding", "abstain", True),
    (r"abstain", "abstain", True),
    (r"onthoud", "abstain", False),
    (r"ja", "approve", False),
    (r"yes", "approve", False),
    (r"eens", "approve", False),
    (r"voor", "approve", False),
    (r"nee", "object", False),
    (r"no", "object", False),
    (r"tegen", "object", False),
)
_VOTE_EMOJI: tuple[tuple[str, _Kind], ...] = (
    ("\U0001f44d" + _SKIN, "approve"),  # thumbs up
    ("\U0001f44c" + _SKIN, "approve"),  # OK hand
    ("\u2705\ufe0f?", "approve"),  # check mark button
    ("\u2714\ufe0f?", "approve"),  # heavy check mark
    ("\U0001f44e" + _SKIN, "object"),  # thumbs down
    ("\u274c\ufe0f?", "object"),  # cross mark
)
_VOTE_KINDS: tuple[tuple[_Kind, bool, str], ...] = (
    *((value, strong, pattern) for pattern, value, strong in _VOTE_WORDS),
    *((value, True, pattern) for pattern, value in _VOTE_EMOJI),
)
_VOTE = re.compile(
    r"(?<!\w)(?:"
    + "|".join(f"(?P<g{i}>{pattern})" for i, (pattern, _, _) in enumerate(_VOTE_WORDS))
    + r")(?!\w)|"
    + "|".join(
        f"(?P<g{i + len(_VOTE_WORDS)}>{pattern})" for i, (pattern, _) in enumerate(_VOTE_EMOJI)
    ),
    re.IGNORECASE,
)
# A vote phrase can only start at one of these words or emoji. Scanning tokens and trying
# _VOTE only there is many times faster than _VOTE.finditer over the whole text.
_VOTE_TOKEN = re.compile(r"\w+|[\U0001f44c-\U0001f44e\u2705\u2714\u274c]")
_VOTE_STARTS = frozenset(
    {
        *("niet", "geen", "het", "mee", "ik", "onthoud", "onthouding", "oneens", "akkoord"),
        *("not", "don", "dont", "do", "disagree", "disapprove", "disapproved", "no"),
        *("agree", "agreed", "approve", "approved", "object", "abstain"),
        *("ja", "yes", "eens", "voor", "nee", "tegen"),
        *("\U0001f44c", "\U0001f44d", "\U0001f44e", "\u2705", "\u2714", "\u274c"),
    }
)


def _vote_matches(t: str) -> Iterator[re.Match[str]]:
    """The non-overlapping vote phrases in `t`, left to right (as `_VOTE.finditer`)."""
    done = 0
    for token in _VOTE_TOKEN.finditer(t):
        if token.start() < done or token.group().lower() not in _VOTE_STARTS:
            continue
        m = _VOTE.match(t, token.start())
        if m is not None:
            done = m.end()
            yield m


# Trailing characters skipped when asking "does the message end with a question mark".
_TRAILING_CATEGORIES = frozenset({"So", "Sk", "Mn", "Me", "Cf", "Pe", "Pf", "Zs"})


@dataclass(frozen=True)
class _Reading:
    case_ids: tuple[str, ...]
    short_ids: tuple[str, ...]
    words: tuple[tuple[str, _Kind], ...]
    counts: bool
    question: bool
    word_count: int
    note: str | None
    voor_only: bool


def _read_vote(text: str) -> _Reading | None:
    """Everything the vote rules need to know about one message text; None for a message
    without any vote word (ordinary chat, the bulk of an export)."""
    t = _for_matching(text)
    if next(_vote_matches(t), None) is None:
        return None

    case_ids: list[str] = []
    spans: list[tuple[int, int]] = []
    voor_before_case = False
    for m in _CASE_ID.finditer(t):
        case_id = f"{m[1]}-{int(m[2]):03d}"
        if case_id not in case_ids:
            case_ids.append(case_id)
        tail_start = max(0, m.start() - 40)
        prefix = _CASE_PREFIX.search(t, tail_start, m.start())
        start = prefix.start() if prefix is not None else m.start()
        if prefix is not None and prefix["prep"]:
            voor_before_case = True
        spans.append((start, m.end()))
    short_ids: list[str] = []
    for m in _SHORT_CASE_ID.finditer(t):
        if m[0] not in short_ids:
            short_ids.append(m[0])
        spans.append((m.start(), m.end()))

    # The text with case references blanked out: they are neither words nor vote words.
    pieces: list[str] = []
    cursor = 0
    for start, end in sorted(spans):
        if start >= cursor:
            pieces.append(t[cursor:start])
            pieces.append(" ")
            cursor = end
    pieces.append(t[cursor:])
    bare = "".join(pieces)

    condition = _CONDITION.search(bare)
    condition_at = condition.start() if condition is not None else len(bare)
    word_starts = [w.start() for w in _WORD.finditer(bare, 0, condition_at)]
    word_count = len(word_starts)

    words: list[tuple[str, _Kind]] = []
    counts = False
    question = False
    for m in _vote_matches(bare):
        group = m.lastgroup
        if group is None:  # pragma: no cover - every alternative is a named group
            continue
        value, strong, _ = _VOTE_KINDS[int(group[1:])]
        spelled = m.group().lower()
        words.append((m.group(), value))
        if strong:
            counts = True
        elif m.start() < condition_at:
            position = bisect.bisect_left(word_starts, m.start())
            if spelled == "voor":
                counts = counts or word_count <= VOOR_MAX_WORDS
            else:
                counts = counts or position < EARLY_WORDS or word_count <= SHORT_MESSAGE_WORDS
        if _QUESTION_MARK_NEXT.match(bare, m.end()):
            question = True
    question = question or _ends_with_question(t)

    note = None
    if condition is not None:
        found = _CONDITION.search(t)
        if found is not None:
            note = _shorten(" ".join(t[found.start() :].split()), NOTE_CHARS)
    return _Reading(
        case_ids=tuple(case_ids),
        short_ids=tuple(short_ids),
        words=tuple(words),
        counts=counts,
        question=question,
        word_count=word_count,
        note=note,
        voor_only=voor_before_case and not words and word_count <= VOOR_MAX_WORDS,
    )


def _ends_with_question(t: str) -> bool:
    for ch in reversed(t):
        if ch in "?？":
            return True
        if ch.isspace() or unicodedata.category(ch) in _TRAILING_CATEGORIES:
            continue
        return False
    return False


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _excerpt(text: str) -> str:
    # Only the start is ever shown; do not collapse a huge message in full.
    start = _for_matching(text[: EXCERPT_CHARS * 4])
    return _shorten(" ".join(start.split()), EXCERPT_CHARS)


def _unclear_words(words: Sequence[tuple[str, _Kind]]) -> str:
    shown: list[str] = []
    seen: set[_Kind] = set()
    for spelled, value in words:
        if value not in seen:
            seen.add(value)
            shown.append(spelled)
    return " ... ".join(shown)


def extract_votes(
    messages: Sequence[ChatMessage], resolve_sender: Callable[[str], str | None]
) -> tuple[list[ChatVote], list[Unattributed]]:
    """The votes in `messages`, and the vote-like messages that could not be attributed.

    `resolve_sender` maps an export's sender to a member id (see `member_resolver`).
    Both lists follow the order of the messages; the same input always gives the same
    output. Rules: see the module docstring.
    """
    votes: list[ChatVote] = []
    skipped: list[Unattributed] = []
    for message in messages:
        reading = _read_vote(message.text)
        if reading is None or (not reading.counts and not reading.voor_only):
            continue  # ordinary chat
        reason, member = _judge(message, reading, resolve_sender)
        if reason is not None or member is None:
            skipped.append(
                Unattributed(
                    at=message.at,
                    sender=message.sender,
                    line=message.line,
                    reason=reason or msg.CHAT_REASON_NOT_MEMBER,
                    excerpt=_excerpt(message.text),
                )
            )
            continue
        votes.append(
            ChatVote(
                case_id=reading.case_ids[0],
                member=member,
                vote=_vote_value(reading.words[0][1]),
                at=message.at,
                line=message.line,
                sender=message.sender,
                note=reading.note,
            )
        )
    return votes, skipped


def _vote_value(kind: _Kind) -> VoteValue:
    if kind == "negated":  # pragma: no cover - _judge lists negated words as unclear
        raise ValueError(kind)
    return kind


def _judge(
    message: ChatMessage, reading: _Reading, resolve_sender: Callable[[str], str | None]
) -> tuple[str | None, str | None]:
    """(reason it is not a vote, member id); the reason is None for a vote."""
    if message.system:
        return msg.CHAT_REASON_SYSTEM, None
    if message.media:
        return msg.CHAT_REASON_MEDIA, None
    if reading.question:
        return msg.CHAT_REASON_QUESTION, None
    member = resolve_sender(message.sender)
    if member is None:
        return msg.CHAT_REASON_NOT_MEMBER, None
    ids = [*reading.case_ids, *reading.short_ids]
    if not reading.case_ids and len(reading.short_ids) == 1:
        year, number = reading.short_ids[0].split("-")
        example = f"{year}-{int(number):03d}"
        return msg.CHAT_REASON_SHORT_CASE.format(found=reading.short_ids[0], example=example), None
    if not ids:
        return msg.CHAT_REASON_NO_CASE, None
    if len(ids) == 2:
        return msg.CHAT_REASON_TWO_CASES.format(ids=", ".join(ids)), None
    if len(ids) > 2:
        return msg.CHAT_REASON_MANY_CASES.format(count=len(ids), ids=", ".join(ids)), None
    if reading.voor_only:
        return msg.CHAT_REASON_UNCLEAR.format(words="voor"), None
    kinds = {kind for _, kind in reading.words}
    if len(kinds) > 1 or "negated" in kinds:
        return msg.CHAT_REASON_UNCLEAR.format(words=_unclear_words(reading.words)), None
    if reading.word_count > LONG_MESSAGE_WORDS:
        return msg.CHAT_REASON_LONG.format(count=reading.word_count), None
    return None, member
