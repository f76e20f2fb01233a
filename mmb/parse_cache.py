"""The parse cache: a case file read before is not parsed again while its bytes are the same.

Parsing the YAML of 300 case files is most of the time a coordinator command takes; the
result of parsing (`mmb.files.yaml_doc`: the data, the line of every key, the numbers as
written, the findings) is a pure function of the file's bytes and its path. So it is kept,
per team folder, keyed by the path and the SHA-256 of the exact bytes read, and by the mmb
version: a file whose bytes differ in any way, or a new mmb, is parsed afresh. Nothing
else is kept (no schema check, no rule: those run on every command).

Where: the user's cache folder (`$XDG_CACHE_HOME/mmb/parse`, else `~/.cache/mmb/parse`),
never the team folder. Written atomically and not fsynced (a cache lost in a crash is only
a slower next run); a file that cannot be read or is not mmb's is ignored; off with
`MMB_NO_CACHE`. Used by the commands that act on one team (`open_team`, `mmb status`);
`mmb validate` has its own cache of whole results (`mmb.cache`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from mmb import __version__
from mmb.files import LineMap, YamlDoc
from mmb.findings import Finding

_SCHEMA = 1
#: An encoded Decimal while the JSON is made: a string no YAML text gives (strings with a
#: NUL are not cached), written into the JSON as the number itself and read back with
#: `parse_float=Decimal` (every Decimal a case file gives has a decimal point).
_DECIMAL = "\x00d"
_DECIMAL_JSON = re.compile(r'"\\u0000d(-?[0-9]+\.[0-9]+)"')
#: Largest cache file read (a team of 2,000 cases is a few MB).
_MAX_BYTES = 64 * 1024 * 1024


def enabled() -> bool:
    return not os.environ.get("MMB_NO_CACHE")


def _cache_file(root: Path) -> Path:
    from mmb.cache import cache_dir

    key = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:32]
    return cache_dir().parent / "parse" / f"{key}.json"


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


class _Unsafe(Exception):
    """A value the encoding could not give back exactly: the file is not cached."""


_PLAIN_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]+")


def _encode(value: Any) -> Any:
    if isinstance(value, str):
        if "\x00" in value:
            raise _Unsafe
        return value
    if isinstance(value, dict):
        return {_encode(k): _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, Decimal):
        text = str(value)
        if not _PLAIN_DECIMAL.fullmatch(text):  # 5. or 1E+2: not read back the same
            raise _Unsafe
        return _DECIMAL + text
    if isinstance(value, float):  # pragma: no cover - the YAML loader makes none
        raise _Unsafe
    return value


class _KeptLines(LineMap):
    """The line map of a kept parse, made into a `LineMap` only when a line is asked
    for: most case files of a command are never reported on, and making every map took
    more time than reading the cache."""

    __slots__ = ("_kept",)

    def __init__(self, kept: list[list[Any]]) -> None:
        super().__init__(None)
        self._kept: list[list[Any]] | None = kept

    def _made(self) -> None:
        if self._kept is not None:
            self._lines = {tuple(k): int(v) for k, v in self._kept}
            self._kept = None

    def set(self, key: Any, line: int) -> None:
        self._made()
        super().set(key, line)

    def line(self, *key: str | int) -> int:
        self._made()
        return super().line(*key)

    def has(self, *key: str | int) -> bool:
        self._made()
        return super().has(*key)

    @property
    def lines(self) -> dict[Any, int]:
        self._made()
        return self._lines


class ParseCache:
    """The parse results of one team folder's case files (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = _cache_file(root)
        self.entries: dict[str, list[Any]] = {}
        self.seen: set[str] = set()
        self.dirty = False
        try:
            with open(self.path, "rb") as handle:
                raw = handle.read(_MAX_BYTES + 1)
            if len(raw) <= _MAX_BYTES:
                loaded = json.loads(raw, parse_float=Decimal)
                if (isinstance(loaded, dict) and loaded.get("schema") == _SCHEMA
                        and loaded.get("mmb") == __version__
                        and isinstance(loaded.get("files"), dict)):
                    self.entries = loaded["files"]
        except (OSError, ValueError):
            self.entries = {}

    def get(self, rel: str, key: str) -> YamlDoc | None:
        """The document parsed from the bytes with digest `key` at `rel`, if kept."""
        self.seen.add(rel)
        entry = self.entries.get(rel)
        if not isinstance(entry, list) or len(entry) != 6 or entry[0] != key:
            return None
        try:
            _, readable, data, lines, numbers, findings = entry
            return YamlDoc(
                rel=rel, data=data, readable=bool(readable),
                lines=_KeptLines(lines),
                numbers={tuple(k): str(v) for k, v in numbers},
                findings=[Finding(path=rel, line=int(f[0]), code=str(f[1]), message=str(f[2]),
                                  case=f[3], severity=f[4]) for f in findings])
        except (TypeError, ValueError):
            return None

    def put(self, rel: str, key: str, doc: YamlDoc) -> None:
        """Keep what parsing the bytes with digest `key` at `rel` gave (before the schema
        check adds to it)."""
        self.seen.add(rel)
        try:
            data = _encode(doc.data)
        except _Unsafe:
            self.entries.pop(rel, None)
            return
        self.entries[rel] = [
            key, doc.readable, data,
            [[list(k), v] for k, v in doc.lines._lines.items()],
            [[list(k), v] for k, v in doc.numbers.items()],
            [[f.line, f.code, f.message, f.case, f.severity] for f in doc.findings]]
        self.dirty = True

    def save(self) -> None:
        """Write the cache back when it changed (files parsed anew or gone)."""
        gone = [rel for rel in self.entries if rel not in self.seen]
        for rel in gone:
            del self.entries[rel]
        if not (self.dirty or gone):
            return
        from mmb.files import atomic_write_text

        payload = {"schema": _SCHEMA, "mmb": __version__, "root": str(self.root.resolve()),
                   "files": self.entries}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
            atomic_write_text(self.path, _DECIMAL_JSON.sub(r"\1", text), durable=False)
        except (OSError, TypeError, ValueError):
            return  # a read-only home or full disk: the commands still work, only slower
