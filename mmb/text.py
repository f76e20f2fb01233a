"""Plain text helpers shared by the bank readers and the cash book."""

from __future__ import annotations

import re as _re


def normalise_space(text: str) -> str:
    """Runs of whitespace become one space, none at the ends (as `" ".join(text.split())`).

    Most texts are already so: a printable text (every whitespace character but the plain
    space is unprintable) with no double space and no space at either end is returned as
    it is, which is cheaper than splitting and joining it (this runs for every
    description of a 100,000-row export, twice).
    """
    if (text.isprintable() and "  " not in text and text[:1] != " "
            and text[-1:] != " "):
        return text
    return " ".join(text.split())


# --------------------------------------------------------------------------- safe output
# Text from the files (names, chat messages, bank descriptions, file names) is untrusted:
# a pull request can put terminal escape sequences (ESC, CSI, OSC: clear the screen, set
# the window title, make clickable links), C1 controls (a lone U+009B is a CSI on some
# terminals), bidirectional overrides (which make "tnuocca" read as "account") or carriage
# returns (which overwrite what was printed) into any of them. `visible` is the one
# function every output goes through: each such character is shown as its escape, so it
# can be seen and does nothing. Ordinary text, accents, emoji (with their joiners and
# variation selectors), no-break spaces and tabs are kept as they are.

#: C0 controls but tab and line feed, DEL, C1 controls, the bidi controls (embeddings,
#: overrides, isolates, the LRM/RLM/ALM marks), the Unicode line and paragraph
#: separators, and lone surrogates (undecodable bytes in file names; they cannot even be
#: printed).
_UNSAFE = _re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
    "\ud800-\udfff]")
_UNSAFE_OR_LF = _re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
    "\ud800-\udfff]")


_NAMED = {"\n": "\\n", "\r": "\\r"}


def _escape(match: _re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, newlines: bool = False) -> str:
    """`text` safe to show on a terminal, in a CI log or a web page: control characters,
    escape sequences (their ESC), bidi controls and line separators are shown escaped
    (``\\x1b``, ``\\u202e``, ``\\r``); everything else is kept. `newlines`: keep line feeds
    (for mmb's own multi-line messages); else a line feed is shown as ``\\n`` too, so that
    text from a file can never start a line of its own."""
    if text.isascii() and text.isprintable():  # the common case, made fast
        return text
    return (_UNSAFE if newlines else _UNSAFE_OR_LF).sub(_escape, text)


def shorten(text: str, limit: int = 60) -> str:
    """At most `limit` characters of `text`, then "…"."""
    return text if len(text) <= limit else text[:limit] + "…"


def clip(text: str, limit: int = 60) -> str:
    """A value from a file as a finding quotes it: at most `limit` characters (then "…"),
    shown `visible`. A finding names the value at fault, never whole lines of a file."""
    return visible(shorten(str(text), limit))


#: Characters JSON may carry raw but a terminal or browser would act on.
_JSON_UNSAFE = _re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
                           "\ud800-\udfff]")


def json_safe(text: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with DEL, C1 controls, bidi
    controls, line separators and lone surrogates written as ``\\uXXXX`` escapes: the same
    JSON value, but no raw byte of them in the output. (`json.dumps` escapes C0 controls
    itself.) They can only occur inside JSON strings, where the escape means the same."""
    if text.isascii():
        return text if "\x7f" not in text else text.replace("\x7f", "\\u007f")
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
