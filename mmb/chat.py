"""WhatsApp chat exports: parse the messages, then pick out the votes on cases.

This module is pure: it reads one export (``.txt``, or the ``.zip`` an iPhone makes) and
returns data. Recording votes in case files is the caller's job, as is dropping the
requester's own vote and votes cast after a decision.

Reading an export
=================

* Every timestamp shape real exports use (see `_HEADER`): iPhone ``[13-03-2026 09:15:41]
  Name: text`` and Android ``13-03-2026 09:15 - Name: text``, with ``-``, ``/`` or ``.``,
  two- or four-digit years, year first, spaced dates with a final dot, French ``à``,
  Finnish ``klo`` and dotted times, ``;``, two spaces before the dash, the older iPhones'
  colon after the time, 12-hour clocks (AM/PM, a.m., a. m., vorm./nachm., Arabic ص/م),
  Arabic-Indic digits and comma, special spaces and invisible marks.
* Every line that starts like a message in any of these shapes starts a message. The shape
  most lines use is the export's; a message in another shape, or whose timestamp is no real
  date or time, is kept with ``stamp_problem`` set and is never a vote. Only lines without
  a timestamp continue the message above; lines before the first message are ignored.
* The order of day and month (or year) is never guessed: `parse_export` keeps the readings
  the export's own evidence leaves (dates that exist, lie between 2009 and today, run
  forward, agree with iPhone attachment names and zip member names) and `decide_order`
  refuses (`DateOrderUndecided`) when more than one is left and none is given. The import
  adds the cases' opening and decision times as evidence.
* Invisible marks (byte order mark, left-to-right and right-to-left marks, bidi embeddings
  and isolates) are removed from senders and texts. The edited markers (``<This message was
  edited>``, ``<Dit bericht is bewerkt>``, ...) are removed from the text and noted in
  ``edited``.
* ``system`` is set for lines without a sender (joined, left, subject changed, ...), for
  notices that iPhones attribute to the group (they start with a left-to-right or
  right-to-left mark), for the encryption notice, deleted messages and missed calls.
  ``media`` is set for media placeholders, attached files and locations. Both in WhatsApp's
  own wording in NL, EN, DE, FR, ES, PT, TR and AR.

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
* "Minimal" words (oké, ok, prima, is goed, top, +1) approve only in a message of at most
  two words besides the case id; with three or four they are listed as unclear, otherwise
  (and without a case id) they are ordinary chat.
* Listed as not attributed, with the first reason that applies in this order, when the
  message has a vote word: a timestamp in another shape or not a real date; a system or
  media line; a question (a vote word followed by
  ``?`` or a message ending in ``?``); a sender who is not a member; no case id, or more
  than one; vote words of two kinds ("ja maar eigenlijk nee"); more than 15 words before
  any condition (a long message is discussion, not a vote: read it and record the vote by
  hand).
* Messages without any vote word are ordinary chat and are skipped silently, including the
  message that opens a case (unless it contains a vote word).
* With a `ByContext` rule, a clear reply without a case id may be attributed to the one case
  whose id appeared in the chat within the team's ``decision_hours`` before it (see
  `ByContext`); it is marked with ``context_line`` and taken only when the caller says so.
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
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import BinaryIO, Literal, NamedTuple

from mmb import messages as msg
from mmb.errors import InputError, RefusedError

__all__ = [
    "DATE_ORDERS",
    "MAX_CHAT_BYTES",
    "MAX_ZIP_BYTES",
    "ByContext",
    "ChatExport",
    "ChatMessage",
    "ChatVote",
    "DateOrder",
    "DateOrderUndecided",
    "Unattributed",
    "VoteValue",
    "decide_order",
    "extract_votes",
    "member_resolver",
    "order_example",
    "parse_chat_text",
    "parse_export",
    "read_chat",
    "read_export",
    "undecided_message",
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
_RLM = "\u200f"
# str.translate is slow on non-ASCII text; look for anything to change first.
_HAS_INVISIBLE = re.compile("[" + _INVISIBLE + "]")
_HAS_MATCH_CHANGE = re.compile("[" + _INVISIBLE + "\u200b\u00ad\u00a0\u202f\u2009]")


def _strip_marks(value: str) -> str:
    """`value` without invisible marks (for stored text)."""
    return value.translate(_STRIP_INVISIBLE) if _HAS_INVISIBLE.search(value) else value


def _for_matching(value: str) -> str:
    """`value` without invisible marks and with special spaces made plain (matching only)."""
    return value.translate(_MATCH_TABLE) if _HAS_MATCH_CHANGE.search(value) else value


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
    " hat den betreff",
    " hast den betreff",
    " hat die gruppe",
    " hast die gruppe",
    " a modifié le sujet",
    " avez modifié le sujet",
    " a créé le groupe",
    " cambió el asunto",
    " creó el grupo",
    " mudou o assunto",
    " alterou o assunto",
    " criou o grupo",
    " grup konusunu",
    " grubu oluşturdu",
)
# Whole texts (lowercase, final full stop removed) that are notices, not someone's words:
# deleted messages and missed calls, in the wording of WhatsApp's own Android and iPhone
# resource strings (NL, EN, DE, FR, ES, PT, TR, AR; see tests/fixtures/chat/real).
_SYSTEM_BODIES = frozenset(
    {
        "this message was deleted",
        "you deleted this message",
        "dit bericht is verwijderd",
        "u hebt dit bericht verwijderd",
        "je hebt dit bericht verwijderd",
        "diese nachricht wurde gelöscht",
        "du hast diese nachricht gelöscht",
        "ce message a été supprimé",
        "vous avez supprimé ce message",
        "este mensaje fue eliminado",
        "se eliminó este mensaje",
        "eliminaste este mensaje",
        "esta mensagem foi apagada",
        "esta mensagem foi apagada pelo remetente",
        "mensagem apagada",
        "você apagou esta mensagem",
        "apagou esta mensagem",
        "bu mesaj silindi",
        "bu mesajı sildiniz",
        "تم حذف هذه الرسالة",
        "أنت حذفت هذه الرسالة",
        "لقد حذفت هذه الرسالة",
        "لقد حذَفت هذه الرسالة",
        "missed voice call",
        "missed video call",
        "gemiste spraakoproep",
        "gemiste video-oproep",
        "gemist spraakgesprek",
        "gemist videogesprek",
        "verpasster sprachanruf",
        "verpasster videoanruf",
        "appel vocal manqué",
        "appel vidéo manqué",
        "llamada de voz perdida",
        "llamada perdida",
        "videollamada perdida",
        "chamada de voz perdida",
        "chamada de vídeo perdida",
        "videochamada perdida",
        "cevapsız sesli arama",
        "cevapsız görüntülü arama",
        "مكالمة صوتية فائتة",
        "مكالمة فيديو فائتة",
    }
)
_E2E_MARKERS = (
    "end-to-end encrypted",
    "end-to-end versleuteld",
    "end-to-end encryptie",
    "ende-zu-ende-verschlüsselt",
    "chiffrés de bout en bout",
    "cifrados de extremo a extremo",
    "criptografia de ponta a ponta",
    "encriptadas ponto a ponto",
    "uçtan uca şifreli",
    "مشفرة تمامًا",
)
# Appended by WhatsApp to an edited message.
_EDITED_MARKERS = (
    "<this message was edited>",
    "<dit bericht is bewerkt>",
    "<diese nachricht wurde bearbeitet>",
    "<ce message a été modifié>",
    "<se editó este mensaje.>",
    "<se editó este mensaje>",
    "<este mensaje fue editado>",
    "<esta mensagem foi editada>",
    "<mensagem editada>",
    "<bu mesaj düzenlendi>",
    "<تم تعديل هذه الرسالة>",
)
# Android, exported without media: the whole first line.
_MEDIA_EXACT = frozenset(
    {
        "<media omitted>",
        "<media weggelaten>",
        "<medien ausgeschlossen>",
        "<medien weggelassen>",
        "<fichier omis>",
        "<médias omis>",
        "<archivo omitido>",
        "<multimedia omitido>",
        "<ficheiro não revelado>",
        "<mídia omitida>",
        "<medya atlanmış>",
        "<medya dahil edilmedi>",
        "<تم استبعاد الوسائط>",
    }
)
# iPhone without media ("image omitted"), Android with media ("… (file attached)").
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
    "bild weggelassen",
    "video weggelassen",
    "audio weggelassen",
    "sticker weggelassen",
    "gif weggelassen",
    "dokument weggelassen",
    "kontaktkarte ausgelassen",
    "image absente",
    "vidéo absente",
    "audio omis",
    "sticker omis",
    "gif retiré",
    "document manquant",
    "fiche contact manquante",
    "imagen omitida",
    "video omitido",
    "audio omitido",
    "sticker omitido",
    "gif omitido",
    "documento omitido",
    "tarjeta de contacto omitida",
    "imagem ocultada",
    "vídeo omitido",
    "áudio ocultado",
    "figurinha omitida",
    "cartão do contato omitido",
    "imagem não revelada",
    "vídeo não revelado",
    "ficheiro de áudio não revelado",
    "sticker não revelado",
    "gif não revelada",
    "documento não revelado",
    "contacto não revelado",
    "görüntü dahil edilmedi",
    "video dahil edilmedi",
    "ses dahil edilmedi",
    "çıkartma dahil edilmedi",
    "gif dahil edilmedi",
    "belge dahil edilmedi",
    "kişi kartı dahil edilmedi",
    "لم يتم إدراج الصورة",
    "لم يتم إدراج الفيديوهات",
    "لم يتم إدراج المقاطع الصوتية",
    "تم حذف الملصقات",
    "لم يتم إدراج صورة gif",
    "لم يتم إدراج المستند",
    "لم يتم إدراج بطاقة جهة اتصال",
    "(file attached)",
    "(bestand bijgevoegd)",
    "(datei angehängt)",
    "(fichier joint)",
    "(archivo adjunto)",
    "(archivo adjuntado)",
    "(ficheiro anexado)",
    "(arquivo anexado)",
    "(dosya ekli)",
    "(الملف مرفق)",
)
# iPhone with media: "<attached: 00000014-PHOTO-….jpg>" and its translations.
_MEDIA_INFIXES = (
    "<attached: ",
    "<bijgevoegd: ",
    "<anhang: ",
    "<pièce jointe : ",
    "< pièce jointe : ",
    "<adjunto: ",
    "<anexado: ",
    "<anexo: ",
    "<المُرفق: ",
)
_MEDIA_PATTERN = re.compile(
    r"^(?:location|locatie|standort|localisation|position|ubicación|localização|konum|"
    r"الموقع) ?: https?://|^(?:live location shared|live locatie gedeeld)|"
    r"<[^<>]{1,120} eklendi>"
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
    stamp_problem: str | None = None
    """Why the timestamp cannot be trusted (written in another shape than the rest of the
    export, or no real date); such a message is never a vote and ``at`` is the time of the
    message before it."""


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
    context_line: int | None = None
    """For a reply without a case id attributed by context: the line of the message that
    posted the case (see `ByContext`); None for a vote that names its case."""


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


def read_chat(
    path: Path, *, date_order: DateOrder | None = None, today: date | None = None
) -> list[ChatMessage]:
    """The messages of a WhatsApp export under its date order (see `decide_order`)."""
    export = read_export(path, today=today)
    return export.messages(decide_order(export, date_order))


def read_export(path: Path, *, today: date | None = None) -> ChatExport:
    """Read a WhatsApp export: a ``.txt``, or a ``.zip`` holding ``_chat.txt`` (iPhone) or
    a single ``.txt`` (Android). Zips are recognised by content, not by name.

    The text must be UTF-8 (a byte order mark is allowed) with LF or CRLF line ends and at
    most `MAX_CHAT_BYTES`. Only the chat text is read from a zip; nothing is extracted
    (the names of the other members are evidence for the date order).
    Raises `InputError` naming the file (and line) for anything unreadable.
    """
    data, label, names = _load_bytes(path)
    return parse_export(_decode(data, label), source=label, today=today, zip_names=names)


_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


def _load_bytes(path: Path) -> tuple[bytes, str, list[str]]:
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
    return data, str(path), []


def _load_zip(fh: BinaryIO, path: Path) -> tuple[bytes, str, list[str]]:
    try:
        with zipfile.ZipFile(fh) as zf:
            info = _chat_member(zf, path)
            names = [i.filename for i in zf.infolist() if i is not info]
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
    return data, label, names


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

DateOrder = Literal["dmy", "mdy", "ymd"]
DATE_ORDERS: tuple[DateOrder, ...] = ("dmy", "mdy", "ymd")
#: The first release of WhatsApp was in 2009: no export holds an earlier date.
FIRST_YEAR = 2009

# Arabic-Indic and Persian digits, and the Arabic comma, as Arabic-locale phones write
# timestamps; mapped for matching a timestamp only (one character each, so positions hold).
_HEADER_TABLE: dict[int, str | None] = {
    **_MATCH_TABLE,
    **{0x0660 + i: str(i) for i in range(10)},
    **{0x06F0 + i: str(i) for i in range(10)},
    0x060C: ",",
}
_HAS_HEADER_CHANGE = re.compile(
    "[" + _INVISIBLE + "\u200b\u00ad\u00a0\u202f\u2009\u0660-\u0669\u06f0-\u06f9\u060c]"
)

# One grammar for every timestamp shape seen in real exports (after `_HEADER_TABLE`):
#   [22-11-2026 14:05:09] Name: text          iPhone (comma after the date optional)
#   22-11-2026 14:05 - Name: text             Android (also two spaces before the dash)
#   12/07/2017 à 22:35 - Name: text           French Android
#   31.5.2019 klo 16.58 - Name: text          Finnish (dots in the time)
#   12.07.2017, 22:35:22: Name: text          older iPhones: a colon after the time
#   13. 6. 2018. 21:25:15 Name: text          spaced dates with a final dot, no separator
#   [18/3/2022, 2:56:00 م] Name: text         Arabic digits, Arabic comma, ص/م
#   12 h clocks: AM/PM, am/pm, a.m./p.m., a. m./p. m., vorm./nachm., ص/م.
# Bounded quantifiers only and one optional piece at a time: no catastrophic backtracking.
_HEADER = re.compile(
    r"(?P<open>\[)?"
    r"(?P<a>\d{1,4})(?P<sep>[-/.])(?P<sp> ?)(?P<b>\d{1,2})(?P=sep) ?(?P<c>\d{1,4})(?P<dot>\.)?"
    r"(?P<mid>[,;]? (?:(?:à|klo) )?)"
    r"(?P<h>\d{1,2})(?P<tsep>[:.])(?P<mi>\d{2})(?:(?P=tsep)(?P<s>\d{2}))?"
    r"(?: ?(?P<ap>[ap]\.? ?m\.?|vorm\.|nachm\.|\u0635|\u0645))?"
    r"(?P<close>(?(open)\] |(?: {1,2}- |: | )))",
    re.IGNORECASE,
)
_HEADER_FIRST = frozenset({"[", "\u200b", "\u00ad", *_INVISIBLE})
# A header is at most ~45 characters; leave room for invisible marks in front.
_HEADER_SCAN = 120
# After a timestamp without any separator, a sender and ": " must follow.
_BARE_SENDER = re.compile(r"[^:\n]{1,80}: ")


class _Shape(NamedTuple):
    """What stays the same across all timestamps of one export."""

    ios: bool
    sep: str
    spaced: bool
    dot: bool
    year_first: bool
    short_year: bool
    mid: str
    tsep: str
    seconds: bool
    twelve_hour: bool
    close: str

    def example(self) -> str:
        """How this shape writes a timestamp, e.g. ``[dd-mm-yyyy hh:mm:ss]``."""
        y = "yy" if self.short_year else "yyyy"
        s = self.sep + (" " if self.spaced else "")
        date = f"yyyy{s}mm{s}dd" if self.year_first else f"nn{s}nn{s}{y}"
        if self.dot:
            date += "."
        clock = f"hh{self.tsep}mm" + (f"{self.tsep}ss" if self.seconds else "")
        if self.twelve_hour:
            clock += " am/pm"
        mid = {"": " ", ",": ", ", ";": "; "}.get(self.mid, f" {self.mid} ")
        stamp = f"{date}{mid}{clock}"
        if self.ios:
            return f"[{stamp}]"
        return stamp + {"-": " -", ":": ":", " ": ""}[self.close]


@dataclass(frozen=True)
class _Stamp:
    """The numbers of one timestamp, before the date order is known."""

    a: int
    b: int
    c: int
    hour: int
    minute: int
    second: int
    half: str | None
    """"a" or "p" for a 12-hour clock (AM/PM), else None."""
    written: str
    """The date as written (for messages), e.g. ``04/06/26``."""

    def moment(self, shape: _Shape, order: DateOrder) -> datetime | None:
        """The local time under `order`, or None when that is no real date or time."""
        if shape.year_first:
            year, month, day = self.a, self.b, self.c
        elif order == "ymd":
            year, month, day = self.a + 2000, self.b, self.c
        else:
            year = self.c + 2000 if shape.short_year else self.c
            day, month = (self.a, self.b) if order == "dmy" else (self.b, self.a)
        hour = self.hour
        if self.half is not None:
            if hour > 12:
                return None
            hour %= 12  # 12 AM is 0h; "0:24 PM" on some phones means 12:24 PM
            if self.half == "p":
                hour += 12
        try:
            return datetime(year, month, day, hour, self.minute, self.second)
        except ValueError:
            return None


@dataclass(frozen=True)
class _Body:
    """A message's sender and text, which do not depend on the date order."""

    sender: str
    text: str
    system: bool
    media: bool
    edited: bool
    attachment_day: date | None
    """The date in an iPhone attachment's name (``00000010-PHOTO-2020-11-02-…``)."""


@dataclass(frozen=True)
class _Raw:
    line: int
    shape: _Shape
    stamp: _Stamp
    body: _Body


def _orders_for(shape: _Shape) -> tuple[DateOrder, ...]:
    """The readings a shape allows: a four-digit year first is always year-month-day; a
    four-digit year last leaves day or month first; two-digit parts allow all three."""
    if shape.year_first:
        return ("ymd",)
    if shape.short_year:
        return DATE_ORDERS
    return ("dmy", "mdy")


@dataclass
class ChatExport:
    """A parsed export, before (or after) the date order is settled.

    `orders` are the readings of the dates that the export's own evidence leaves possible
    (see `parse_export`); `excluded` says for every other reading why not. `messages`
    gives the messages under one reading.
    """

    source: str
    shape: _Shape
    orders: tuple[DateOrder, ...]
    excluded: dict[DateOrder, str]
    impossible_orders: dict[DateOrder, str]
    """The excluded readings under which a date of the export does not exist at all."""
    _raws: list[_Raw] = field(repr=False)

    @property
    def order(self) -> DateOrder | None:
        """The one reading left, or None when the export alone does not decide."""
        return self.orders[0] if len(self.orders) == 1 else None

    def shape_text(self) -> str:
        return self.shape.example()

    def impossible(self, order: DateOrder) -> str | None:
        """Why `order` cannot be this export's reading at all (a date that does not
        exist under it), else None. Other evidence against it does not count here."""
        if order not in _orders_for(self.shape):
            return msg.CHAT_ORDER_NOT_SHAPE.format(order=order, shape=self.shape.example())
        return self.impossible_orders.get(order)

    def messages(self, order: DateOrder) -> list[ChatMessage]:
        """The messages with their times read under `order`. A message whose timestamp
        is written in another shape than the rest of the export, or is no real date under
        `order`, gets the time of the message before it and says why in `stamp_problem`."""
        moments = [
            r.stamp.moment(r.shape, order) if r.shape == self.shape else None
            for r in self._raws
        ]
        first = next((m for m in moments if m is not None), None)
        if first is None:
            raise InputError(msg.CHAT_NO_REAL_DATES.format(file=self.source))
        out: list[ChatMessage] = []
        last = first
        for raw, moment in zip(self._raws, moments, strict=True):
            problem = None
            if moment is None:
                if raw.shape != self.shape:
                    problem = msg.CHAT_REASON_OTHER_SHAPE.format(
                        written=raw.stamp.written, shape=self.shape.example())
                else:
                    problem = msg.CHAT_REASON_NOT_A_DATE.format(written=raw.stamp.written)
                moment = last
            last = moment
            b = raw.body
            out.append(ChatMessage(at=moment, sender=b.sender, text=b.text, line=raw.line,
                                   system=b.system, media=b.media, edited=b.edited,
                                   stamp_problem=problem))
        return out


class DateOrderUndecided(RefusedError):
    """The export's dates can be read day-first and month-first (or year-first) and
    nothing in the export settles it; nothing is recorded (exit 1)."""


def parse_chat_text(
    text: str,
    *,
    source: str = "chat",
    date_order: DateOrder | None = None,
    today: date | None = None,
) -> list[ChatMessage]:
    """Split the text of an export into messages under its date order.

    The order is `date_order` when given, else the one the export's evidence leaves (see
    `parse_export`); when that does not decide, `DateOrderUndecided` is raised. Raises
    `InputError` when the text is empty, too large or has no WhatsApp message.
    """
    export = parse_export(text, source=source, today=today)
    return export.messages(decide_order(export, date_order))


def decide_order(export: ChatExport, date_order: DateOrder | None) -> DateOrder:
    """`date_order` if the export's dates exist under it; else the export's one reading;
    else `DateOrderUndecided` naming the option."""
    if date_order is not None:
        why_not = export.impossible(date_order)
        if why_not is not None:
            raise RefusedError(msg.CHAT_ORDER_OPTION_IMPOSSIBLE.format(
                file=export.source, order=date_order, reason=why_not))
        return date_order
    if export.order is not None:
        return export.order
    raise DateOrderUndecided(undecided_message(export))


def undecided_message(export: ChatExport, extra: Sequence[str] = ()) -> str:
    """The refusal for an export whose date order nothing settles."""
    readings = ", ".join(order_example(export, o) for o in export.orders)
    why = "; ".join([*(export.excluded[o] for o in DATE_ORDERS if o in export.excluded),
                     *extra])
    if not export.orders:
        return msg.CHAT_ORDER_NONE.format(file=export.source, shape=export.shape.example(),
                                          why=why,
                                          options="|".join(_orders_for(export.shape)))
    return msg.CHAT_ORDER_UNDECIDED.format(
        file=export.source, readings=readings, shape=export.shape.example(),
        why=msg.CHAT_ORDER_WHY.format(why=why) if why else "",
        options="|".join(export.orders))


def order_example(export: ChatExport, order: DateOrder) -> str:
    """`order` in words, with the first date of the export read that way."""
    first = next((r for r in export._raws if r.shape == export.shape), None)
    label = msg.CHAT_ORDER_LABELS[order]
    if first is None:
        return label
    moment = first.stamp.moment(first.shape, order)
    read = moment.strftime("%Y-%m-%d") if moment else msg.CHAT_ORDER_NOT_REAL
    return msg.CHAT_ORDER_READING.format(label=label, written=first.stamp.written, read=read)


def parse_export(
    text: str,
    *,
    source: str = "chat",
    today: date | None = None,
    zip_names: Sequence[str] = (),
) -> ChatExport:
    """Read the messages of an export and the evidence for its date order.

    Every line that starts like a message in any known shape starts a message (see
    `_HEADER`); other lines continue the message above. The shape most lines use is the
    export's; lines in another shape are kept as messages of their own but never votes.

    A reading of the dates (day, month or year first) is excluded when, under it, a date
    of the export's shape does not exist (13 as a month), lies before 2009 or after
    `today`, the dates run backwards in file order (by a day or more), an iPhone
    attachment name on a message (``00000010-PHOTO-2020-11-02-…``) carries another date
    (by more than a day), or a zip member with such a name has no message within a day
    of its date. A date that exists under no reading at all is no evidence: that line is
    flagged instead. Nothing else (12 or 24 hours, language, separators) is evidence.
    """
    if len(text) > MAX_CHAT_BYTES:
        raise InputError(_too_big(source, len(text.encode("utf-8", errors="replace"))))
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise InputError(msg.CHAT_EMPTY.format(file=source))

    raws: list[_Raw] = []
    counts: dict[_Shape, int] = {}
    pending: _Pending | None = None
    for lineno, raw in enumerate(_iter_lines(text), start=1):
        head = _read_header(raw)
        if head is None:
            if pending is not None:
                pending.more.append(_strip_marks(raw))
            continue
        if pending is not None:
            raws.append(pending.finish())
        shape, stamp, rest = head
        counts[shape] = counts.get(shape, 0) + 1
        pending = _Pending(line=lineno, shape=shape, stamp=stamp, rest=rest)
    if pending is not None:
        raws.append(pending.finish())
    if not raws:
        raise InputError(msg.CHAT_NO_MESSAGES.format(file=source))
    # The export's shape: the most common; on a tie, the one seen first.
    first_seen: dict[_Shape, int] = {}
    for r in raws:
        first_seen.setdefault(r.shape, r.line)
    shape = min(counts, key=lambda s: (-counts[s], first_seen[s]))
    own = [r for r in raws if r.shape == shape]
    orders, excluded, impossible = _weigh_orders(shape, own, today, zip_names)
    return ChatExport(source=source, shape=shape, orders=orders, excluded=excluded,
                      impossible_orders=impossible, _raws=raws)


_ZIP_MEDIA_DAY = re.compile(
    r"(?:^|/)\d{8}-[A-Z]+-(\d{4})-(\d{2})-(\d{2})-\d{2}-\d{2}-\d{2}\.\w+$")
_ATTACHMENT_DAY = re.compile(
    r"(?<![\w-])\d{8}-(?:PHOTO|VIDEO|AUDIO|GIF|STICKER|[A-Za-z]+)-(\d{4})-(\d{2})-(\d{2})"
    r"-\d{2}-\d{2}-\d{2}\.\w{2,5}")


def _day(y: str, m: str, d: str) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def _weigh_orders(
    shape: _Shape, own: Sequence[_Raw], today: date | None, zip_names: Sequence[str]
) -> tuple[tuple[DateOrder, ...], dict[DateOrder, str], dict[DateOrder, str]]:
    """The readings left by the export's evidence, why the others are not, and which of
    those are impossible (a date that does not exist under them)."""
    candidates = _orders_for(shape)
    days: dict[DateOrder, list[date | None]] = {}
    for order in candidates:
        days[order] = [
            m.date() if (m := r.stamp.moment(shape, order)) is not None else None
            for r in own
        ]
    # A timestamp that is no real date under every reading is no evidence (it is flagged).
    usable = [i for i in range(len(own)) if any(days[o][i] is not None for o in candidates)]
    member_days = sorted(d for n in zip_names if (found := _ZIP_MEDIA_DAY.search(n))
                         and (d := _day(*found.groups())) is not None)
    excluded: dict[DateOrder, str] = {}
    impossible: dict[DateOrder, str] = {}
    label = msg.CHAT_ORDER_LABELS
    for order in candidates:
        reason = None
        previous: tuple[date, _Raw] | None = None
        seen: list[date] = []
        for i in usable:
            r, day = own[i], days[order][i]
            if day is None:
                reason = impossible[order] = msg.CHAT_ORDER_NO_SUCH_DATE.format(
                    order=label[order], line=r.line, written=r.stamp.written)
                break
            if day.year < FIRST_YEAR or (today is not None and day > today):
                text = msg.CHAT_ORDER_TOO_EARLY if day.year < FIRST_YEAR else msg.CHAT_ORDER_FUTURE
                reason = text.format(order=label[order], line=r.line, written=r.stamp.written,
                                     day=day)
                break
            if previous is not None and day < previous[0]:
                reason = msg.CHAT_ORDER_BACKWARDS.format(
                    order=label[order], line=r.line, written=r.stamp.written, day=day,
                    before=previous[1].line, before_day=previous[0])
                break
            attached = r.body.attachment_day
            if attached is not None and abs((attached - day).days) > 1:
                reason = msg.CHAT_ORDER_ATTACHMENT.format(
                    order=label[order], line=r.line, day=day, attached=attached)
                break
            previous = (day, r)
            seen.append(day)
        if reason is None and member_days and seen:
            for member_day in member_days:
                at = bisect.bisect_left(seen, member_day - timedelta(days=1))
                if at >= len(seen) or seen[at] > member_day + timedelta(days=1):
                    reason = msg.CHAT_ORDER_ZIP_MEMBER.format(order=label[order],
                                                              day=member_day)
                    break
        if reason is not None:
            excluded[order] = reason
    left = tuple(o for o in candidates if o not in excluded)
    return left, excluded, impossible


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


def _for_header(value: str) -> str:
    return value.translate(_HEADER_TABLE) if _HAS_HEADER_CHANGE.search(value) else value


def _match_header(raw: str) -> tuple[re.Match[str], str, int] | None:
    """Match a timestamp at the start of `raw`: the match, the text it was matched in and
    where the rest begins in `raw`."""
    if not raw or not (raw[0] in _HEADER_FIRST or raw[0].isdigit()):
        return None  # most continuation lines: decided without any regex work
    prefix = raw[:_HEADER_SCAN]
    cleaned = _for_header(prefix)
    m = _HEADER.match(cleaned)
    if m is None:
        return None
    if m["close"] == " " and not (m["dot"] and _BARE_SENDER.match(cleaned, m.end())):
        return None  # a date and time in running text, not a header
    if len(cleaned) == len(prefix):
        return m, cleaned, m.end()
    # Removed invisible marks shift positions: walk the raw prefix to find the same spot.
    kept, wanted = 0, m.end()
    for index, ch in enumerate(prefix):
        if kept == wanted:
            return m, cleaned, index
        if ch not in _INVISIBLE_SET and ch not in "\u200b\u00ad":
            kept += 1
    return m, cleaned, len(prefix)


def _shape_of(m: re.Match[str]) -> _Shape | None:
    a, c = m["a"], m["c"]
    year_first = len(a) == 4
    if year_first:
        if len(c) > 2:
            return None
    elif len(a) > 2 or len(c) not in (2, 4):
        return None
    mid = m["mid"].strip()
    return _Shape(
        ios=m["open"] is not None,
        sep=m["sep"],
        spaced=bool(m["sp"]),
        dot=m["dot"] is not None,
        year_first=year_first,
        short_year=len(c) == 2 and not year_first,
        mid=mid.lower() if len(mid) > 1 else mid,
        tsep=m["tsep"],
        seconds=m["s"] is not None,
        twelve_hour=m["ap"] is not None,
        close=m["close"].strip()[:1] or " ",
    )


def _read_header(raw: str) -> tuple[_Shape, _Stamp, str] | None:
    """The shape, numbers and rest of a line that starts like a message, else None."""
    found = _match_header(raw)
    if found is None:
        return None
    m, cleaned, rest_at = found
    shape = _shape_of(m)
    if shape is None:
        return None
    hour, minute = int(m["h"]), int(m["mi"])
    ap = m["ap"]
    half = None
    if ap is not None:
        key = ap.lower()
        half = "p" if key.startswith(("p", "nachm", "\u0645")) else "a"
    written = cleaned[m.start("a"):m.end("c")]
    if minute > 59 or hour > 23 or (m["s"] is not None and int(m["s"]) > 59):
        # Still a header (it starts a message), but no time: flagged under every reading.
        hour, minute = 99, 0
    stamp = _Stamp(a=int(m["a"]), b=int(m["b"]), c=int(m["c"]), hour=hour, minute=minute,
                   second=int(m["s"]) if m["s"] else 0, half=half, written=written)
    return shape, stamp, raw[rest_at:]


@dataclass
class _Pending:
    line: int
    shape: _Shape
    stamp: _Stamp
    rest: str
    more: list[str] = field(default_factory=list)

    def finish(self) -> _Raw:
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
                # iPhones attribute group notices to the group and start them with an LRM
                # (an RLM on right-to-left phones).
                body.startswith((_LRM, _RLM))
                or whole in _SYSTEM_BODIES
                or any(marker in whole for marker in _E2E_MARKERS)
            )
        attached = None
        if media:
            found = _ATTACHMENT_DAY.search(parts[0])
            if found is not None:
                attached = _day(*found.groups())
        return _Raw(
            line=self.line,
            shape=self.shape,
            stamp=self.stamp,
            body=_Body(sender=sender, text=text, system=system, media=media, edited=edited,
                       attachment_day=attached),
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
        or any(infix in first_line for infix in _MEDIA_INFIXES)
        or _MEDIA_PATTERN.search(first_line) is not None
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
# (pattern, value, strength). Order matters: at one position the first alternative wins,
# so negations and longer phrases come before the words they contain.
# "negated" marks a negated everyday word ("niet tegen": not against): never guessed, always
# listed as unclear.
# Strength: "strong" words are votes wherever they stand; "weak" everyday words only in a
# short message or among its first words; "minimal" words (oké, prima, top, +1: the
# replies people give to anything) only when the message is little more than the case id.
_Kind = Literal["approve", "object", "abstain", "negated"]
_Strength = Literal["strong", "weak", "minimal"]
_VOTE_WORDS: tuple[tuple[str, _Kind, _Strength], ...] = (
    (r"niet\s+(?:mee\s+)?akkoord", "object", "strong"),
    (r"geen\s+akkoord", "object", "strong"),
    (r"het\s+(?:er\s+)?niet\s+(?:mee\s+)?eens", "object", "strong"),
    (r"niet\s+mee\s+eens", "object", "strong"),
    (r"not\s+agreed?", "object", "strong"),
    (r"(?:don['’]?t|do\s+not)\s+agree", "object", "strong"),
    (r"disagree", "object", "strong"),
    (r"not\s+approved?", "object", "strong"),
    (r"disapproved?", "object", "strong"),
    (r"geen\s+bezwaar(?:\s+tegen)?", "approve", "strong"),
    (r"no\s+objections?", "approve", "strong"),
    (r"mee\s+eens", "approve", "strong"),
    (r"(?:ik\s+)?onthoud\s+(?:me|mij)", "abstain", "strong"),
    (r"niet\s+eens", "object", "weak"),
    (r"niet\s+(?:tegen|voor)", "negated", "weak"),
    (r"not\s+against", "negated", "weak"),
    (r"(?:is\s+)?niet\s+(?:oké|oke|okee|okay|ok|prima|top|goed)", "negated", "minimal"),
    (r"not\s+(?:ok|okay)", "negated", "minimal"),
    (r"oneens", "object", "strong"),
    (r"akkoord", "approve", "strong"),
    (r"agreed?", "approve", "strong"),
    (r"approved?", "approve", "strong"),
    (r"object", "object", "strong"),
    (r"onthouding", "abstain", "strong"),
    (r"abstain", "abstain", "strong"),
    (r"onthoud", "abstain", "weak"),
    (r"ja", "approve", "weak"),
    (r"yes", "approve", "weak"),
    (r"eens", "approve", "weak"),
    (r"voor", "approve", "weak"),
    (r"nee", "object", "weak"),
    (r"no", "object", "weak"),
    (r"tegen", "object", "weak"),
    (r"is\s+goed", "approve", "minimal"),
    (r"oké|oke|okee|okay|ok", "approve", "minimal"),
    (r"prima", "approve", "minimal"),
    (r"top", "approve", "minimal"),
)
_VOTE_EMOJI: tuple[tuple[str, _Kind, _Strength], ...] = (
    ("\U0001f44d" + _SKIN, "approve", "strong"),  # thumbs up
    ("\U0001f44c" + _SKIN, "approve", "strong"),  # OK hand
    ("\u2705\ufe0f?", "approve", "strong"),  # check mark button
    ("\u2714\ufe0f?", "approve", "strong"),  # heavy check mark
    ("\U0001f44e" + _SKIN, "object", "strong"),  # thumbs down
    ("\u274c\ufe0f?", "object", "strong"),  # cross mark
    (r"(?<![\w+])\+1(?!\d)", "approve", "minimal"),  # "+1"
)
_VOTE_KINDS: tuple[tuple[_Kind, _Strength, str], ...] = (
    *((value, strength, pattern) for pattern, value, strength in _VOTE_WORDS),
    *((value, strength, pattern) for pattern, value, strength in _VOTE_EMOJI),
)
_VOTE = re.compile(
    r"(?<!\w)(?:"
    + "|".join(f"(?P<g{i}>{pattern})" for i, (pattern, _, _) in enumerate(_VOTE_WORDS))
    + r")(?!\w)|"
    + "|".join(
        f"(?P<g{i + len(_VOTE_WORDS)}>{pattern})" for i, (pattern, _, _) in enumerate(_VOTE_EMOJI)
    ),
    re.IGNORECASE,
)
# A vote phrase can only start at one of these words or emoji. Scanning tokens and trying
# _VOTE only there is many times faster than _VOTE.finditer over the whole text.
_VOTE_TOKEN = re.compile(r"\w+|[\U0001f44c-\U0001f44e\u2705\u2714\u274c]|\+(?=1)")
_VOTE_STARTS = frozenset(
    {
        *("niet", "geen", "het", "mee", "ik", "onthoud", "onthouding", "oneens", "akkoord"),
        *("not", "don", "dont", "do", "disagree", "disapprove", "disapproved", "no"),
        *("agree", "agreed", "approve", "approved", "object", "abstain"),
        *("ja", "yes", "eens", "voor", "nee", "tegen"),
        *("is", "oké", "oke", "okee", "okay", "ok", "prima", "top", "+"),
        *("\U0001f44c", "\U0001f44d", "\U0001f44e", "\u2705", "\u2714", "\u274c"),
    }
)
MINIMAL_MAX_WORDS = 2
"""A "minimal" vote word (oké, prima, is goed, top, +1) is a vote only in a message of at
most this many words besides the case id; with up to `SHORT_MESSAGE_WORDS` it is listed as
unclear; in a longer message it is ordinary chat."""


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
    strong: bool
    """A strong vote word counted (the only kind taken by context)."""
    doubtful: bool
    """A minimal word (oké, top, ...) in a message too long for it to be a vote, but short
    enough to list it as unclear when it names a case."""
    only_minimal: bool
    """Only minimal words counted: without a case id this is ordinary chat ("oké!")."""


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
    counts = strong_counted = doubtful = other_counted = False
    question = False
    for m in _vote_matches(bare):
        group = m.lastgroup
        if group is None:  # pragma: no cover - every alternative is a named group
            continue
        value, strength, _ = _VOTE_KINDS[int(group[1:])]
        spelled = m.group().lower()
        words.append((m.group(), value))
        if strength == "strong":
            counts = strong_counted = True
        elif m.start() < condition_at:
            position = bisect.bisect_left(word_starts, m.start())
            if strength == "minimal":
                if word_count <= MINIMAL_MAX_WORDS:
                    counts = True
                elif word_count <= SHORT_MESSAGE_WORDS:
                    doubtful = True
            elif spelled == "voor":
                other_counted = other_counted or word_count <= VOOR_MAX_WORDS
            else:
                other_counted = (other_counted or position < EARLY_WORDS
                                 or word_count <= SHORT_MESSAGE_WORDS)
            counts = counts or other_counted
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
        strong=strong_counted,
        doubtful=doubtful,
        only_minimal=counts and not strong_counted and not other_counted,
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


@dataclass(frozen=True)
class ByContext:
    """What attributing a reply without a case id by context needs to know.

    A reply is attributed to case X only when, in the `hours` (the team's
    ``decision_hours``) before it, X is the one and only case id that appeared in the chat
    (any other id, even of a decided case, or an unclear short id makes it ambiguous), X
    is in cases/ and still undecided at the reply's time (`open_at`), and the reply is a
    clear vote with a strong vote word (akkoord, tegen, onthouding, 👍, ...; not ja, oké).
    """

    hours: int
    open_at: Callable[[str, datetime], bool | None]
    """True: the case exists and is undecided at that time; False: decided by then;
    None: no such case."""


@dataclass
class _Mentions:
    """The case ids mentioned in the chat within a sliding time window."""

    hours: int
    window: deque[tuple[datetime, int, tuple[str, ...]]] = field(default_factory=deque)

    def add(self, at: datetime, line: int, ids: tuple[str, ...]) -> None:
        if ids:
            self.window.append((at, line, ids))

    def before(self, at: datetime) -> list[tuple[int, str]]:
        """(line, id) of every mention in the `hours` before `at`, in file order."""
        cutoff = at - timedelta(hours=self.hours)
        while self.window and self.window[0][0] < cutoff:
            self.window.popleft()
        return [(line, i) for _, line, ids in self.window for i in ids]


def _mentioned_ids(text: str) -> tuple[str, ...]:
    """Every case id (normalised) and short id (as written) in a text."""
    if "20" not in text:
        return ()
    t = _for_matching(text)
    found = [f"{m[1]}-{int(m[2]):03d}" for m in _CASE_ID.finditer(t)]
    found += [m[0] for m in _SHORT_CASE_ID.finditer(t)]
    return tuple(dict.fromkeys(found))


def extract_votes(
    messages: Sequence[ChatMessage],
    resolve_sender: Callable[[str], str | None],
    *,
    context: ByContext | None = None,
) -> tuple[list[ChatVote], list[Unattributed]]:
    """The votes in `messages`, and the vote-like messages that could not be attributed.

    `resolve_sender` maps an export's sender to a member id (see `member_resolver`).
    With `context`, a clear reply without a case id may become a vote by context (its
    `context_line` set; see `ByContext`); the caller decides whether to take it.
    Both lists follow the order of the messages; the same input always gives the same
    output. Rules: see the module docstring.
    """
    votes: list[ChatVote] = []
    skipped: list[Unattributed] = []
    mentions = _Mentions(context.hours) if context is not None else None
    for message in messages:
        reading = _read_vote(message.text)
        if mentions is not None:
            ids = (reading.case_ids + reading.short_ids if reading is not None
                   else _mentioned_ids(message.text))
        if reading is not None and not reading.counts and reading.doubtful and (
                reading.case_ids or reading.short_ids):
            skipped.append(_unattributed(message, msg.CHAT_REASON_UNCLEAR.format(
                words=_unclear_words(reading.words))))
        elif reading is None or (not reading.counts and not reading.voor_only) or (
                reading.only_minimal and not reading.case_ids and not reading.short_ids):
            pass  # ordinary chat
        else:
            reason, member = _judge(message, reading, resolve_sender)
            post: int | None = None
            if (reason == msg.CHAT_REASON_NO_CASE and member is not None and context is not None
                    and mentions is not None):
                post, found, reason = _by_context(message, reading, context, mentions)
                if post is not None:
                    votes.append(ChatVote(
                        case_id=found, member=member, vote=_vote_value(reading.words[0][1]),
                        at=message.at, line=message.line, sender=message.sender,
                        note=reading.note, context_line=post))
            if post is None:
                if reason is not None or member is None:  # (a reason for every non-vote)
                    skipped.append(_unattributed(message, reason or msg.CHAT_REASON_NOT_MEMBER))
                else:
                    votes.append(ChatVote(
                        case_id=reading.case_ids[0], member=member,
                        vote=_vote_value(reading.words[0][1]), at=message.at,
                        line=message.line, sender=message.sender, note=reading.note))
        if mentions is not None:
            mentions.add(message.at, message.line, ids)
    return votes, skipped


def _unattributed(message: ChatMessage, reason: str) -> Unattributed:
    return Unattributed(at=message.at, sender=message.sender, line=message.line,
                        reason=reason, excerpt=_excerpt(message.text))


def _by_context(message: ChatMessage, reading: _Reading, context: ByContext,
                mentions: _Mentions) -> tuple[int | None, str, str]:
    """(line of the case's post, case id, "") when the reply can be attributed by
    context, else (None, "", why not)."""
    hours = context.hours
    if not reading.strong:
        return None, "", msg.CHAT_REASON_NO_CASE_WEAK
    recent = mentions.before(message.at)
    ids = list(dict.fromkeys(i for _, i in recent))
    if not ids:
        return None, "", msg.CHAT_REASON_NO_CASE_NONE_POSTED.format(hours=hours)
    if len(ids) > 1:
        return None, "", msg.CHAT_REASON_NO_CASE_AMBIGUOUS.format(
            ids=", ".join(ids), hours=hours)
    case_id = ids[0]
    state = context.open_at(case_id, message.at)
    if state is None:
        return None, "", msg.CHAT_REASON_NO_CASE_UNKNOWN.format(id=case_id)
    if not state:
        return None, "", msg.CHAT_REASON_NO_CASE_DECIDED.format(id=case_id)
    return recent[0][0], case_id, ""


def _vote_value(kind: _Kind) -> VoteValue:
    if kind == "negated":  # pragma: no cover - _judge lists negated words as unclear
        raise ValueError(kind)
    return kind


def _judge(
    message: ChatMessage, reading: _Reading, resolve_sender: Callable[[str], str | None]
) -> tuple[str | None, str | None]:
    """(reason it is not a vote, member id); the reason is None for a vote."""
    if message.stamp_problem is not None:
        return message.stamp_problem, None
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
        return msg.CHAT_REASON_NO_CASE, member  # the member, for attribution by context
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
