"""Reading and writing the team folder's files.

Reading many YAML files uses ruamel.yaml's C parser (``_ruamel_yaml``) to *compose* a node
tree, which carries line marks, and builds plain Python values from it here. That gives:

* speed: the C scanner/parser does the heavy work;
* a line for every key and list item (`LineMap`), so findings point at the right line;
* exact numbers: YAML numbers reach the models as `Decimal` built from the text as written,
  never as binary floats; timestamps stay text so the models can say what is wrong with them;
* safety: no tags are constructed, aliases are refused (they enable expansion attacks and are
  never needed), duplicate keys are reported, files over a size limit are not parsed.

Round-trip loading (comments kept) is only for the one file being edited; see `edit`.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from mmb import messages as msg
from mmb.findings import Finding, finding

#: Largest YAML file mmb parses. Case files are a few hundred bytes; team.yaml a few KB.
MAX_YAML_BYTES = 1024 * 1024
#: Deepest nesting accepted; the formats need 4 levels.
MAX_DEPTH = 20

Key = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class LineMap:
    """1-based line of every key and list item of a YAML document, by path."""

    __slots__ = ("_lines",)

    def __init__(self, lines: dict[Key, int] | None = None) -> None:
        self._lines: dict[Key, int] = lines if lines is not None else {}

    def set(self, key: Key, line: int) -> None:
        self._lines[key] = line

    def line(self, *key: str | int) -> int:
        """The line of `key`, else of its nearest ancestor that has one, else 1."""
        k: Key = tuple(key)
        while k:
            found = self._lines.get(k)
            if found is not None:
                return found
            k = k[:-1]
        return self._lines.get((), 1)

    def has(self, *key: str | int) -> bool:
        return tuple(key) in self._lines


@dataclass
class YamlDoc:
    """A parsed YAML file: its data (None when unreadable or empty), lines and findings."""

    rel: str
    data: Any = None
    lines: LineMap = field(default_factory=LineMap)
    findings: list[Finding] = field(default_factory=list)
    readable: bool = True
    #: Every plain number as written (``0612345678`` reads as the int 612345678): MMB301
    #: scans what the file says, not what YAML made of it.
    numbers: dict[Key, str] = field(default_factory=dict)


class _Refused(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_BOOLS = frozenset(("true", "True", "TRUE", "false", "False", "FALSE"))
_COMPOSER: Any = None


def _composer_class() -> Any:
    """ruamel.yaml.clib's C parser and composer with a minimal resolver.

    ruamel's own resolver is Python called back for every scalar and takes more than half
    the parsing time. This one gives plain scalars YAML 1.2 core tags (null, bool, int,
    float, else str) and everything quoted the str tag; `_scalar` interprets them. Tags
    written in the file are kept as they are (and refused by the builder).
    """
    global _COMPOSER
    if _COMPOSER is not None:
        return _COMPOSER
    import re

    from _ruamel_yaml import CParser
    from ruamel.yaml.nodes import MappingNode, ScalarNode

    int_re = re.compile(r"[-+]?[0-9]+")
    float_re = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")

    class FastComposer(CParser):  # type: ignore[misc]
        def descend_resolver(self, parent: Any, index: Any) -> None:
            return None

        def ascend_resolver(self) -> None:
            return None

        def resolve(self, kind: Any, value: str, implicit: Any) -> str:
            if kind is ScalarNode:
                if not implicit[0]:  # quoted: always text
                    return _STR
                if value in _NULLS:
                    return _NULL
                if value in _BOOLS:
                    return _BOOL
                first = value[:1]
                if first.isdigit() or first in "-+.":
                    if int_re.fullmatch(value):
                        return _INT
                    if float_re.fullmatch(value):
                        return _FLOAT
                return _STR
            return _MAP if kind is MappingNode else _SEQ

    _COMPOSER = FastComposer
    return _COMPOSER


def c_parser_in_use() -> bool:
    """True when the C parser of ruamel.yaml.clib does the parsing (it should)."""
    return "CParser" in [c.__name__ for c in _composer_class().__mro__]


def read_text_file(path: Path, rel: str,
                   limit: int = MAX_YAML_BYTES) -> tuple[str | None, Finding | None]:
    """Read a UTF-8 text file with a size limit; return (text, None) or (None, MMB001)."""
    try:
        with open(path, "rb", buffering=0) as handle:  # one open, one read
            raw = handle.read(limit + 1)  # never more than the limit and one byte
            if len(raw) > limit:
                size = max(os.fstat(handle.fileno()).st_size, len(raw))
                return None, finding("MMB001", rel, 1, msg.FILE_TOO_BIG.format(
                    size=_human_size(size), limit=_human_size(limit)))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return None, finding("MMB001", rel, 1, msg.FILE_UNREADABLE.format(reason=reason))
    if b"\x00" in raw:
        return None, finding("MMB001", rel, 1, msg.FILE_BINARY)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, finding("MMB001", rel, line, msg.FILE_NOT_UTF8)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, None


def load_yaml(path: Path, rel: str, limit: int = MAX_YAML_BYTES) -> YamlDoc:
    """Load one YAML file safely; problems become findings on the returned document."""
    doc = YamlDoc(rel=rel)
    text, problem = read_text_file(path, rel, limit)
    if problem is not None or text is None:
        doc.readable = False
        doc.findings.append(problem)  # type: ignore[arg-type]
        return doc
    return parse_yaml(text, rel, doc)


def parse_yaml(text: str, rel: str, doc: YamlDoc | None = None) -> YamlDoc:
    """Parse YAML text (see the module docstring for what is refused)."""
    doc = doc or YamlDoc(rel=rel)
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    composer = _composer_class()(text)
    try:
        node = composer.get_single_node()
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        from mmb.privacy import mask

        problem = mask(str(exc.problem or exc.context or "syntax error").strip())
        hint = msg.YAML_TAB_HINT if "tab" in problem else ""
        doc.findings.append(finding("MMB001", rel, line, msg.YAML_SYNTAX.format(
            problem=problem, hint=hint)))
        doc.readable = False
        return doc
    except YAMLError as exc:
        doc.findings.append(finding("MMB001", rel, 1, msg.YAML_SYNTAX.format(
            problem=str(exc).strip().splitlines()[0] if str(exc).strip() else "syntax error",
            hint="")))
        doc.readable = False
        return doc
    finally:
        composer.dispose()
    if node is None:
        return doc
    lines: dict[Key, int] = {(): node.start_mark.line + 1}
    builder = _Builder(rel, lines, doc.findings, doc.numbers)
    try:
        doc.data = builder.build(node, (), 0)
    except _Refused as exc:
        doc.findings.append(finding("MMB001", rel, exc.line, exc.message))
        doc.readable = False
        doc.data = None
    doc.lines = LineMap(lines)
    return doc


class _Builder:
    """Turns composed nodes into dict/list/str/int/Decimal/bool/None, recording lines."""

    __slots__ = ("findings", "lines", "numbers", "rel", "seen")

    def __init__(self, rel: str, lines: dict[Key, int], findings: list[Finding],
                 numbers: dict[Key, str]) -> None:
        self.rel = rel
        self.lines = lines
        self.findings = findings
        self.numbers = numbers
        self.seen: set[int] = set()

    def build(self, node: Any, key: Key, depth: int) -> Any:
        line = node.start_mark.line + 1
        if id(node) in self.seen:
            # The composer hands back the anchored node itself for an alias.
            raise _Refused(line, msg.YAML_ALIAS)
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            raise _Refused(line, msg.YAML_TOO_DEEP)
        # `node.tag` URI-decodes on every access (a third of the parsing time); the tag
        # string our resolver (or the file) gave is kept as the suffix.
        ctag = node.ctag
        tag = ctag.suffix if ctag.handle is None else node.tag
        kind = node.id
        if kind == "mapping":
            if tag != _MAP:
                raise _Refused(line, msg.YAML_TAG.format(tag=tag))
            out: dict[str, Any] = {}
            for knode, vnode in node.value:
                kline = knode.start_mark.line + 1
                if knode.id != "scalar" or knode.ctag.suffix == _NULL:
                    raise _Refused(kline, msg.YAML_BAD_KEY)
                name = str(knode.value)
                if name == "<<" or knode.ctag.suffix == "tag:yaml.org,2002:merge":
                    raise _Refused(kline, msg.YAML_ALIAS)
                if name in out:
                    from mmb.privacy import mask

                    self.findings.append(finding("MMB002", self.rel, kline,
                                                 msg.YAML_DUPLICATE_KEY.format(key=mask(name))))
                    continue
                if id(vnode) in self.seen:
                    # An alias: the composer hands back the anchored node, whose mark is the
                    # anchor's line; report the line that uses it.
                    raise _Refused(kline, msg.YAML_ALIAS)
                sub = (*key, name)
                self.lines[sub] = kline
                out[name] = self.build(vnode, sub, depth + 1)
            return out
        if kind == "sequence":
            if tag != _SEQ:
                raise _Refused(line, msg.YAML_TAG.format(tag=tag))
            items: list[Any] = []
            for i, item in enumerate(node.value):
                if id(item) in self.seen:
                    raise _Refused(self.lines.get(key, line), msg.YAML_ALIAS)
                sub = (*key, i)
                self.lines[sub] = item.start_mark.line + 1
                items.append(self.build(item, sub, depth + 1))
            return items
        if tag in (_INT, _FLOAT):
            self.numbers[key] = node.value
        return _scalar(tag, node.value, line)


def _scalar(tag: str, value: str, line: int) -> Any:
    if tag in (_STR, _TIMESTAMP):
        return value
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return value.lower() == "true"
    if tag == _INT:
        # Plain decimal integers only; 0x.., 0o.., 1_000 and 1:30 stay text so that the
        # models can say plainly that they are not what was meant.
        stripped = value.lstrip("+-")
        if stripped.isdigit():
            return int(value, 10)
        return value
    if tag == _FLOAT:
        try:
            number = Decimal(value)
        except InvalidOperation:
            return value
        if not number.is_finite() or "e" in value.lower() or "_" in value:
            return value
        return number
    raise _Refused(line, msg.YAML_TAG.format(tag=tag))


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def relpath(path: Path, root: Path) -> str:
    """`path` relative to `root`, with forward slashes."""
    return os.path.relpath(path, root).replace(os.sep, "/")


@dataclass(frozen=True, slots=True)
class FileState:
    """A file as mmb read it: its size, modification time and a hash of its content
    (`exists` False: there was no file). `atomic_write_bytes(..., unchanged=state)`
    compares it with the file on disk right before the rename."""

    exists: bool
    size: int = 0
    mtime_ns: int = 0
    digest: str = ""

    @classmethod
    def of(cls, data: bytes, info: os.stat_result) -> FileState:
        """The state of a file whose bytes `data` were read while `info` held (the
        `os.fstat` of the open file, taken after the read)."""
        return cls(True, info.st_size, info.st_mtime_ns, _digest(data))


#: The state of a file that did not exist when mmb looked.
ABSENT = FileState(False)


def same_as_read(path: Path, state: FileState) -> bool:
    """Whether `path` is still the file of `state`: absent as it was, or the same size,
    modification time and content."""
    try:
        with open(path, "rb", buffering=0) as handle:
            info = os.fstat(handle.fileno())
            if not state.exists or (info.st_size, info.st_mtime_ns) != (state.size,
                                                                        state.mtime_ns):
                return False
            return _digest(handle.read()) == state.digest
    except FileNotFoundError:
        return not state.exists
    except OSError:
        return False


_WRITTEN: list[Path] = []


def files_written() -> list[Path]:
    """The files this process has replaced or created durably (not caches), in order: so
    that a failure after a write never says that no file was changed."""
    return list(_WRITTEN)


def atomic_write_bytes(path: Path, data: bytes, *, durable: bool = True,
                       unchanged: FileState | None = None, rel: str | None = None) -> None:
    """Replace `path` with `data` atomically: a temporary file in the same folder, flushed
    and fsynced, then renamed over the target, then the folder fsynced. Readers see the old
    or the new file, never a half-written one. The file's permissions are kept.
    `durable=False` skips the fsyncs, for files that may be lost in a crash (a cache):
    still never half-written, just not sure to be on disk yet.

    `unchanged`: the state the file had when it was read. It is compared with the file
    on disk after the new content is on disk and right before the rename, so that an edit
    saved meanwhile (a spreadsheet, a git pull) is never overwritten: then the temporary
    file is removed and a `ConflictError` (naming `rel`, else the file name) is raised."""
    import stat
    import tempfile

    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        try:
            os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))
        except FileNotFoundError:
            os.chmod(tmp, 0o644)
        if unchanged is not None and not same_as_read(path, unchanged):
            from mmb.errors import ConflictError

            raise ConflictError(msg.FILE_CHANGED.format(path=rel or path.name))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if not durable:
        return
    _WRITTEN.append(path)
    try:
        dfd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # pragma: no cover - some filesystems refuse opening folders
        return
    try:
        os.fsync(dfd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(dfd)


def atomic_write_text(path: Path, text: str, *, durable: bool = True) -> None:
    """`atomic_write_bytes` for UTF-8 text with Unix newlines."""
    atomic_write_bytes(path, text.encode("utf-8"), durable=durable)


# --------------------------------------------------------------------------- editing

LOCK_WAIT_SECONDS = 3.0


def lock_path(root: Path) -> Path:
    """The lock file of a team folder: in a per-user folder of the system's temporary
    directory, named after the folder's real path, so that mmb leaves nothing in the team
    folder (a refused command must leave it byte-identical)."""
    import hashlib
    import tempfile

    key = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:24]
    folder = Path(tempfile.gettempdir()) / f"mmb-locks-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    info = folder.lstat()
    if info.st_uid != os.getuid() or not os.path.isdir(folder) or folder.is_symlink():
        # Someone else made this folder in the shared temporary directory: do not trust it.
        from mmb.errors import ConflictError

        raise ConflictError(msg.LOCK_CANNOT_CREATE.format(path=folder, reason="not yours"))
    return folder / f"{key}.lock"


class TeamLock:
    """Serialises mmb processes writing in one team folder (`fcntl.flock`).

    Git and editors do not honour it; the read-time hash check in `EditableYaml.save`
    catches their changes. A held lock gives a clear `ConflictError` after a short wait,
    never a hang.
    """

    def __init__(self, root: Path, wait: float = LOCK_WAIT_SECONDS) -> None:
        self.root = root
        self.path = lock_path(root)
        self.wait = wait
        self._fd: int | None = None

    def __enter__(self) -> TeamLock:
        import fcntl
        import time

        from mmb.errors import ConflictError

        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise ConflictError(msg.LOCK_CANNOT_CREATE.format(path=self.path,
                                                              reason=exc.strerror)) from None
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise ConflictError(msg.LOCK_HELD.format(path=self.root)) from None
                time.sleep(0.05)
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        import fcntl

        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _digest(data: bytes) -> str:
    """The content hash `FileState` and `EditableYaml` compare (SHA-256, hex)."""
    import hashlib

    return hashlib.sha256(data).hexdigest()


content_digest = _digest


def _round_trip_yaml(text: str) -> Any:
    """A round-trip YAML instance that writes lists the way `text` already does."""
    import re
    from decimal import Decimal as _Decimal

    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    offset = 2
    m = re.search(r"^( *)[A-Za-z_]\w*:[ \t]*(?:#.*)?\n(?: *#.*\n)*( *)- ", text, re.M)
    if m:
        offset = max(0, len(m.group(2)) - len(m.group(1)))
    yaml.indent(mapping=2, sequence=offset + 2, offset=offset)

    def represent_decimal(representer: Any, value: _Decimal) -> Any:
        text_value = format(value, "f")
        tag = "tag:yaml.org,2002:float" if "." in text_value else "tag:yaml.org,2002:int"
        return representer.represent_scalar(tag, text_value)

    yaml.representer.add_representer(_Decimal, represent_decimal)
    return yaml


class EditableYaml:
    """One YAML file opened for editing: comments, key order and layout of what is not
    changed survive. `save` refuses when the file changed on disk since it was read."""

    def __init__(self, path: Path, rel: str) -> None:
        from mmb.errors import InputError

        self.path = path
        self.rel = rel
        try:
            self._raw = path.read_bytes()
        except OSError as exc:
            raise InputError(msg.EDIT_UNREADABLE.format(path=rel, reason=exc.strerror)) from None
        if len(self._raw) > MAX_YAML_BYTES:
            raise InputError(msg.EDIT_UNREADABLE.format(path=rel, reason="too large"))
        text = self._raw.decode("utf-8", errors="strict").lstrip("\ufeff")
        self._yaml = _round_trip_yaml(text)
        self.data: Any = self._yaml.load(text)

    def dump(self) -> str:
        import io

        out = io.StringIO()
        self._yaml.dump(self.data, out)
        return out.getvalue()

    def unchanged_on_disk(self) -> bool:
        try:
            return _digest(self.path.read_bytes()) == _digest(self._raw)
        except OSError:
            return False

    def save(self, text: str | None = None) -> None:
        """Write atomically, unless someone changed the file since it was read. `text`:
        what `dump` gave (and was checked), so a big file is not dumped twice."""
        from mmb.errors import ConflictError

        if not self.unchanged_on_disk():
            raise ConflictError(msg.FILE_CHANGED.format(path=self.rel))
        atomic_write_text(self.path, self.dump() if text is None else text)


def new_yaml_text(data: Any) -> str:
    """YAML text for a new file, in the layout mmb writes (lists indented under keys)."""
    import io

    yaml = _round_trip_yaml("")
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def create_file(path: Path, text: str) -> None:
    """Write a new file atomically; refuse if it already exists."""
    from mmb.errors import ConflictError

    if path.exists() or path.is_symlink():
        raise ConflictError(msg.FILE_EXISTS.format(path=path))
    atomic_write_text(path, text)
