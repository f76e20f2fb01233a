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
import errno
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from mmb import messages as msg
from mmb.errors import InputError
from mmb.findings import Finding, finding
from mmb.text import clip

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


# --------------------------------------------------------------------------- safe reading
# Everything in a team folder is untrusted input: CI runs `mmb validate` on pull requests,
# and git stores symbolic links. So every team file is read here, one way:
#
# * regular files only: a FIFO, device or socket is refused, never opened for a blocking
#   read (opened with O_NONBLOCK, then `fstat`), so nothing can make mmb wait forever;
# * no way out of the folder: the path is walked one component at a time from the team
#   folder, each folder opened relative to the one before with O_NOFOLLOW|O_DIRECTORY and
#   the file with O_NOFOLLOW, so a link swapped in after a check is not followed either. A
#   symbolic link (a file's or a folder's) is followed only when its target, resolved the
#   same way, stays inside the team folder; one that leaves it is refused, absolute or not;
# * a size limit per kind of file, enforced on what is read (never more than the limit
#   and one byte), so that /dev/zero or a growing file cannot fill the memory.
#
# A file that breaks a rule raises `TeamFileError`, naming the rule, never the content.

#: Largest ledger.csv and bank export mmb reads (a team's year is well under 1 MB).
MAX_DATA_BYTES = 50 * 1024 * 1024
#: Most symbolic links followed on one path (inside the folder).
MAX_LINKS = 16

_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _O_NOFOLLOW | _O_CLOEXEC
_FILE_FLAGS = (os.O_RDONLY | _O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_NOCTTY", 0) | _O_CLOEXEC)

#: Called between checking a path component and opening it (tests use it to swap a file
#: for a link at exactly that moment): `(stage, folder fd, name)`.
_race_hook: Any = None


class TeamFileError(InputError):
    """A file that mmb may not read or could not read: `rel` (as given), `reason` (one
    plain sentence naming the rule broken and what to do), and for "too big" the sizes.
    Never carries any of the file's content. Uncaught, it is a failure (exit 2) with one
    plain line; `finding()` makes it the MMB001 finding `validate` reports."""

    def __init__(self, rel: str, reason: str, *, size: int | None = None,
                 limit: int | None = None) -> None:
        super().__init__(msg.SAFE_CANNOT_USE.format(path=rel, reason=reason))
        self.rel = rel
        self.reason = reason
        self.size = size
        self.limit = limit

    def finding(self, shown_rel: str | None = None) -> Finding:
        """The MMB001 finding for it, on `shown_rel` (default `rel`)."""
        return finding("MMB001", shown_rel or self.rel, 1, self.reason)


def _kind_of(mode: int) -> str:
    import stat

    if stat.S_ISFIFO(mode):
        return msg.SAFE_KIND_FIFO
    if stat.S_ISSOCK(mode):
        return msg.SAFE_KIND_SOCKET
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return msg.SAFE_KIND_DEVICE
    if stat.S_ISDIR(mode):
        return msg.SAFE_KIND_FOLDER
    return msg.SAFE_KIND_OTHER


def _split(rel: str) -> list[str]:
    return [p for p in rel.replace("\\", "/").split("/") if p not in ("", ".")]


class _Walker:
    """Walks `rel` inside `root` without ever leaving it (see the section comment)."""

    def __init__(self, root: Path, rel: str) -> None:
        self.root = root
        self.rel = rel
        self._real_root: str | None = None
        self._folder = False  # walking to a folder (not to a file)

    def _out(self, shown: str) -> TeamFileError:
        if shown == self.rel and not self._folder:
            return TeamFileError(self.rel, msg.SAFE_LINK_OUT)
        return TeamFileError(self.rel, msg.SAFE_FOLDER_LINK_OUT.format(folder=shown))

    def _absolute(self, target: str, shown: str) -> list[str]:
        """An absolute link target as a path inside the folder, or refused."""
        if self._real_root is None:
            self._real_root = os.path.realpath(self.root)
        real = self._real_root
        inside = os.path.normpath(target)
        if inside != real and not inside.startswith(real.rstrip("/") + "/"):
            raise self._out(shown)
        return _split(inside[len(real):])

    def walk(self, *, last_dir: bool = False) -> tuple[int, str, str]:
        """(fd of the folder holding the last component, its name, the path inside the
        folder after links). With `last_dir` the last component must be a folder, and the
        fd returned is that folder's own (name: its path). Raises `TeamFileError`, or
        `FileNotFoundError` when something on the path does not exist."""
        import stat

        parts = _split(self.rel)
        self._folder = last_dir
        try:
            fds = [os.open(self.root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
                           | _O_CLOEXEC)]
        except FileNotFoundError:
            raise
        except OSError as exc:
            raise TeamFileError(self.rel, msg.FILE_UNREADABLE.format(
                reason=exc.strerror or type(exc).__name__)) from None
        names: list[str] = []  # the path walked so far, inside the folder
        todo = list(reversed(parts))
        links = 0
        link: str | None = None  # the last link followed
        try:
            while todo:
                part = todo.pop()
                if part == "..":
                    if not names:
                        if link is None:
                            raise TeamFileError(self.rel, msg.SAFE_OUTSIDE)
                        raise self._out(link)
                    names.pop()
                    os.close(fds.pop())
                    continue
                shown = "/".join([*names, part])
                try:
                    info = os.stat(part, dir_fd=fds[-1], follow_symlinks=False)
                except FileNotFoundError:
                    raise
                except OSError as exc:
                    raise TeamFileError(self.rel, msg.FILE_UNREADABLE.format(
                        reason=exc.strerror or type(exc).__name__)) from None
                if stat.S_ISLNK(info.st_mode):
                    links += 1
                    if links > MAX_LINKS:
                        raise TeamFileError(self.rel, msg.SAFE_LINK_LOOP)
                    target = os.readlink(part, dir_fd=fds[-1])
                    link = shown
                    if target.startswith("/"):
                        # Start again at the team folder: close every folder but it.
                        for fd in fds[1:]:
                            os.close(fd)
                        del fds[1:]
                        names.clear()
                        todo.extend(reversed(self._absolute(target, shown)))
                    else:
                        todo.extend(reversed(_split(target) or ["."]))
                    continue
                if not todo and not last_dir:
                    fd = fds.pop()
                    return fd, part, "/".join([*names, part])
                if not stat.S_ISDIR(info.st_mode):
                    raise TeamFileError(self.rel, msg.SAFE_NOT_FOLDER.format(folder=shown))
                if _race_hook is not None:
                    _race_hook("folder", fds[-1], part)
                try:
                    fds.append(os.open(part, _DIR_FLAGS, dir_fd=fds[-1]))
                except OSError as exc:
                    # A link swapped in since the check above (ELOOP, ENOTDIR): refused.
                    raise TeamFileError(self.rel, msg.SAFE_SWAPPED if exc.errno in (
                        errno.ELOOP, errno.ENOTDIR) else msg.FILE_UNREADABLE.format(
                        reason=exc.strerror or type(exc).__name__)) from None
                names.append(part)
            if not last_dir:  # the path ended in ".." or a link to a folder
                raise TeamFileError(self.rel, msg.SAFE_NOT_REGULAR.format(
                    kind=msg.SAFE_KIND_FOLDER))
            fd = fds.pop()
            return fd, "/".join(names), "/".join(names)
        finally:
            for fd in fds:
                os.close(fd)


def _read_fd(fd: int, rel: str, limit: int) -> bytes:
    """Read a file opened by `_open_file`: a regular file, at most `limit` bytes."""
    import stat

    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise TeamFileError(rel, msg.SAFE_NOT_REGULAR.format(kind=_kind_of(info.st_mode)))
    if info.st_size > limit:
        raise TeamFileError(rel, msg.FILE_TOO_BIG.format(
            size=_human_size(info.st_size), limit=_human_size(limit)),
            size=info.st_size, limit=limit)
    want = info.st_size + 1  # one read for a file whose size is true, and one byte more
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = os.read(fd, want)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise TeamFileError(rel, msg.FILE_TOO_BIG.format(
                size=msg.SAFE_SIZE_OVER.format(size=_human_size(limit)),
                limit=_human_size(limit)), size=total, limit=limit)
        if len(chunk) < want:  # a short read of a regular file: its end
            break
        want = min(max(want, 1 << 16), limit + 1 - total)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _open_file(dir_fd: int, name: str, rel: str) -> int:
    if _race_hook is not None:
        _race_hook("file", dir_fd, name)
    try:
        return os.open(name, _FILE_FLAGS, dir_fd=dir_fd)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # a link swapped in since the walk checked it
            raise TeamFileError(rel, msg.SAFE_SWAPPED) from None
        raise TeamFileError(rel, msg.FILE_UNREADABLE.format(
            reason=exc.strerror or type(exc).__name__)) from None


def open_team_file(root: Path, rel: str, limit: int) -> tuple[bytes, str]:
    """The bytes of the file `rel` inside the folder `root`, and its path inside `root`
    once links are followed. Raises `TeamFileError` when it breaks a rule (a link out of
    `root`, not a regular file, over `limit` bytes) or cannot be read, and
    `FileNotFoundError` when it does not exist."""
    data, resolved, _ = read_team_file_info(root, rel, limit)
    return data, resolved


def read_team_file_info(root: Path, rel: str, limit: int
                        ) -> tuple[bytes, str, os.stat_result]:
    """`open_team_file`, and the `os.fstat` of the file taken after the read (for
    `FileState.of`)."""
    dir_fd, name, resolved = _Walker(root, rel).walk()
    try:
        fd = _open_file(dir_fd, name, rel)
    finally:
        os.close(dir_fd)
    try:
        data = _read_fd(fd, rel, limit)
        return data, resolved, os.fstat(fd)
    except OSError as exc:
        raise TeamFileError(rel, msg.FILE_UNREADABLE.format(
            reason=exc.strerror or type(exc).__name__)) from None
    finally:
        os.close(fd)


def read_team_file(root: Path, rel: str, limit: int) -> bytes:
    """`open_team_file` without the resolved path."""
    return open_team_file(root, rel, limit)[0]


def resolve_team_path(root: Path, rel: str) -> tuple[str, int]:
    """Where `rel` leads inside `root` (links followed, never out of it) and its mode
    (`os.lstat` of what it leads to); nothing is opened. Raises as `open_team_file`."""
    dir_fd, name, resolved = _Walker(root, rel).walk()
    try:
        return resolved, os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode
    finally:
        os.close(dir_fd)


class TeamDir:
    """A folder inside the team folder, opened safely (its path walked as for a file), to
    list and read many files in it at the cost of one open each. A missing folder is
    empty. Use as a context manager."""

    def __init__(self, root: Path, rel: str) -> None:
        self.root = root
        self.rel = rel
        self.fd: int | None = None
        try:
            self.fd, self.resolved, _ = _Walker(root, rel).walk(last_dir=True)
        except FileNotFoundError:
            self.resolved = rel

    def __enter__(self) -> TeamDir:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def entries(self) -> list[tuple[str, str]]:
        """(name, kind) of every entry, kind one of file, dir, link, other (without
        following links); in name order."""
        if self.fd is None:
            return []
        out: list[tuple[str, str]] = []
        with os.scandir(self.fd) as it:
            for entry in it:
                if entry.is_symlink():
                    kind = "link"
                elif entry.is_dir(follow_symlinks=False):
                    kind = "dir"
                elif entry.is_file(follow_symlinks=False):
                    kind = "file"
                else:
                    kind = "other"
                out.append((entry.name, kind))
        out.sort()
        return out

    def read(self, name: str, limit: int) -> bytes:
        """The bytes of the file `name` in this folder (as `read_team_file`)."""
        rel = f"{self.rel}/{name}"
        if self.fd is None:
            raise FileNotFoundError(rel)
        try:
            fd = os.open(name, _FILE_FLAGS, dir_fd=self.fd)
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # a link: follow it the safe, slow way
                return read_team_file(self.root, rel, limit)
            if isinstance(exc, FileNotFoundError):
                raise
            raise TeamFileError(rel, msg.FILE_UNREADABLE.format(
                reason=exc.strerror or type(exc).__name__)) from None
        try:
            return _read_fd(fd, rel, limit)
        except OSError as exc:
            raise TeamFileError(rel, msg.FILE_UNREADABLE.format(
                reason=exc.strerror or type(exc).__name__)) from None
        finally:
            os.close(fd)


def read_regular_file(path: Path, limit: int, *, follow: bool = True) -> bytes:
    """A file outside any team folder (a chat export, the cache, the household secret):
    a regular file only (a FIFO or device is refused, not waited for), at most `limit`
    bytes read. `follow=False` refuses a link. Raises `TeamFileError` (rel: the path) or
    `FileNotFoundError`."""
    flags = _FILE_FLAGS if not follow else _FILE_FLAGS & ~_O_NOFOLLOW
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise TeamFileError(str(path), msg.SAFE_LINK_REFUSED) from None
        raise TeamFileError(str(path), msg.FILE_UNREADABLE.format(
            reason=exc.strerror or type(exc).__name__)) from None
    try:
        return _read_fd(fd, str(path), limit)
    except OSError as exc:
        raise TeamFileError(str(path), msg.FILE_UNREADABLE.format(
            reason=exc.strerror or type(exc).__name__)) from None
    finally:
        os.close(fd)


def decode_text(raw: bytes, rel: str) -> tuple[str | None, Finding | None]:
    """UTF-8 text (a BOM dropped) of a file's bytes, or (None, MMB001)."""
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


def read_text_file(path: Path, rel: str,
                   limit: int = MAX_YAML_BYTES) -> tuple[str | None, Finding | None]:
    """Read a UTF-8 text file safely (`read_team_file` inside its own folder: not a link
    out of it, a regular file, at most `limit` bytes); return (text, None) or (None,
    MMB001)."""
    try:
        raw = read_team_file(path.parent, path.name, limit)
    except FileNotFoundError as exc:
        return None, finding("MMB001", rel, 1, msg.FILE_UNREADABLE.format(
            reason=exc.strerror or "No such file or directory"))
    except TeamFileError as exc:
        return None, exc.finding(rel)
    return decode_text(raw, rel)


def load_yaml(path: Path, rel: str, limit: int = MAX_YAML_BYTES) -> YamlDoc:
    """Load one YAML file safely; problems become findings on the returned document."""
    text, problem = read_text_file(path, rel, limit)
    return yaml_doc(text, problem, rel)


def yaml_doc(text: str | None, problem: Finding | None, rel: str) -> YamlDoc:
    """The document of text read by `read_text_file`/`decode_text` (or its problem). A
    file with git merge-conflict markers is one MMB005 finding, not a parser message."""
    doc = YamlDoc(rel=rel)
    if problem is not None or text is None:
        doc.readable = False
        doc.findings.append(problem)  # type: ignore[arg-type]
        return doc
    conflict = merge_conflict(text, rel)
    if conflict is not None:
        doc.readable = False
        doc.findings.append(conflict)
        return doc
    return parse_yaml(text, rel, doc)


#: A git merge-conflict marker line: `<<<<<<< ours`, `|||||||`, `=======`, `>>>>>>> theirs`,
#: at the start of a line (seven characters, then the end of the line or a space).
_CONFLICT_LINE = re.compile(r"^(?:<{7}|>{7}|\|{7})(?:[ \t].*)?\r?$|^={7}[ \t]*\r?$", re.M)


def conflict_line(text: str) -> int | None:
    """The 1-based line of the first merge-conflict marker in `text`; None without one."""
    if "<<<<<<<" not in text and ">>>>>>>" not in text and "=======" not in text:
        return None  # the usual case, without a regular expression over the file
    found = _CONFLICT_LINE.search(text)
    return None if found is None else text.count("\n", 0, found.start()) + 1


def merge_conflict(text: str, rel: str) -> Finding | None:
    """The MMB005 finding of a file left with git merge-conflict markers (any team file
    mmb reads: YAML, ledger.csv), on the first marker's line; None without markers."""
    line = conflict_line(text)
    return None if line is None else finding("MMB005", rel, line, msg.MERGE_CONFLICT)


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
            problem=clip(problem, 120), hint=hint)))
        doc.readable = False
        return doc
    except YAMLError as exc:
        doc.findings.append(finding("MMB001", rel, 1, msg.YAML_SYNTAX.format(
            problem=clip(str(exc).strip().splitlines()[0], 120) if str(exc).strip()
            else "syntax error",
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
                raise _Refused(line, msg.YAML_TAG.format(tag=clip(tag, 40)))
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

                    key_shown = clip(mask(name), 40)
                    self.findings.append(finding("MMB002", self.rel, kline,
                                                 msg.YAML_DUPLICATE_KEY.format(key=key_shown)))
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
                raise _Refused(line, msg.YAML_TAG.format(tag=clip(tag, 40)))
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
    raise _Refused(line, msg.YAML_TAG.format(tag=clip(tag, 40)))


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
    import stat

    try:
        # Never blocks and never follows a link: a FIFO or a link swapped in since the
        # read is a change, not something to wait for or read through.
        fd = os.open(path, _FILE_FLAGS)
    except FileNotFoundError:
        return not state.exists
    except OSError:
        return False
    try:
        with open(fd, "rb", buffering=0) as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or not state.exists or (
                    info.st_size, info.st_mtime_ns) != (state.size, state.mtime_ns):
                return False
            return _digest(handle.read()) == state.digest
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
    try:
        _atomic_write(path, data, durable, unchanged, rel)
    except OSError as exc:
        from mmb.errors import WriteError

        if isinstance(exc, WriteError):
            raise
        raise write_error(rel or str(path), exc) from None


def write_error(shown: str, exc: OSError) -> Exception:
    """The `WriteError` of a failed write of the file shown as `shown`: the cause in the
    system's words, and the files this process had written already, if any."""
    from mmb.errors import WriteError

    reason = exc.strerror or type(exc).__name__
    written = files_written()
    error = WriteError(msg.WRITE_FAILED_AFTER.format(
        path=shown, reason=reason, files=", ".join(map(str, written))) if written
        else msg.WRITE_FAILED.format(path=shown, reason=reason))
    error.strerror, error.filename, error.errno = reason, shown, exc.errno
    return error


def _atomic_write(path: Path, data: bytes, durable: bool, unchanged: FileState | None,
                  rel: str | None) -> None:
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


def atomic_write_text(path: Path, text: str, *, durable: bool = True,
                      rel: str | None = None) -> None:
    """`atomic_write_bytes` for UTF-8 text with Unix newlines."""
    atomic_write_bytes(path, text.encode("utf-8"), durable=durable, rel=rel)


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
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | _O_NOFOLLOW | _O_CLOEXEC, 0o644)
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
        self.path = path
        self.rel = rel
        # Read the way every team file is read (no link out of the team folder, a regular
        # file, bounded); a link inside the folder is edited where it leads.
        self._root, inside = _root_of(path, rel)
        try:
            self._raw, resolved = open_team_file(self._root, inside, MAX_YAML_BYTES)
        except FileNotFoundError:
            raise InputError(msg.EDIT_UNREADABLE.format(
                path=rel, reason="No such file or directory")) from None
        self._inside = resolved
        self.path = self._root / resolved
        try:
            text = self._raw.decode("utf-8", errors="strict").lstrip("\ufeff")
        except UnicodeDecodeError:
            raise InputError(msg.EDIT_UNREADABLE.format(path=rel, reason=msg.FILE_NOT_UTF8)
                             ) from None
        self._yaml = _round_trip_yaml(text)
        self.data: Any = self._yaml.load(text)

    def dump(self) -> str:
        import io

        out = io.StringIO()
        self._yaml.dump(self.data, out)
        return out.getvalue()

    def unchanged_on_disk(self) -> bool:
        try:
            now = read_team_file(self._root, self._inside, MAX_YAML_BYTES)
        except (OSError, TeamFileError):
            return False
        return _digest(now) == _digest(self._raw)

    def save(self, text: str | None = None) -> None:
        """Write atomically, unless someone changed the file since it was read. `text`:
        what `dump` gave (and was checked), so a big file is not dumped twice."""
        from mmb.errors import ConflictError

        if not self.unchanged_on_disk():
            raise ConflictError(msg.FILE_CHANGED.format(path=self.rel))
        atomic_write_text(self.path, self.dump() if text is None else text, rel=self.rel)


def _root_of(path: Path, rel: str) -> tuple[Path, str]:
    """The team folder of `path` given its path `rel` inside it (else: its own folder)."""
    parts = _split(rel)
    if parts and ".." not in parts and len(path.parts) > len(parts) and list(
            path.parts[-len(parts):]) == parts:
        return path.parents[len(parts) - 1], "/".join(parts)
    return path.parent, path.name


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
