"""Tamper evidence: exactly what a report was made from, and `mmb report --verify`.

A report's *fingerprint* lists every input file of every team it covers, with its path (as
seen from the folder given on the command line) and its sha256: team.yaml, the mmb.yaml
that applies, ledger.csv, payees.yaml, and every file under cases/, bank/ and receipts/
(hidden files, such as .git, are not inputs). One sha256 over that list (`digest`) is what
the PDF, HTML and XLSX print in their sign-off block: an accountant who signs a report can
later run `mmb report --verify REPORT.json` and know that nobody changed the books under it.

Hashing is always done and is what verify trusts. When a team folder is a clean git
checkout (every input file is in the HEAD commit as it is on disk), the commit and the
folder's tree id are recorded too, as a convenience. git is run without a shell, with fixed
arguments, read-only commands only (`rev-parse`, `ls-tree`: they run no hooks, filters or
fsmonitor), and whether the checkout is clean is decided by comparing git's blob ids with
ids computed from the files here, not by `git status`.

Files are read without following symbolic links (a link is recorded as its target's name)
and nothing but regular files is opened, so a FIFO or device never blocks a report.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from mmb import messages as msg
from mmb.errors import InputError, UsageError
from mmb.text import visible

#: The folders of a team whose every file is an input, and its single input files.
INPUT_DIRS = ("cases", "bank", "receipts")
INPUT_FILES = ("team.yaml", "ledger.csv", "payees.yaml")
#: The largest report JSON `--verify` reads (a city's appendix is tens of megabytes).
MAX_REPORT_BYTES = 512 * 1024 * 1024
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Fingerprint:
    """The inputs of a report: every input file (folder index, path, digest) and the
    digest over them. In a public report only `digest` is published (file names would
    name cases, and their number count them)."""

    digest: str
    folders: tuple[str, ...] = ()
    files: tuple[tuple[int, str, str], ...] = ()  # (folder index, path, sha256)
    git: tuple[dict[str, str], ...] = field(default=())
    public: bool = False
    file_count: int = 0

    @property
    def count(self) -> int:
        return self.file_count or len(self.files)

    def to_json(self) -> dict[str, Any]:
        # a public report gives no file count: the case files in it would count requests
        # exactly, past the noise of the figures (mmb.report_sdc)
        out: dict[str, Any] = {"algorithm": "sha256", "digest": self.digest,
                               "files": None if self.public else self.count,
                               "folders": list(self.folders)}
        if self.public:
            return out
        out["inputs"] = [{"folder": folder, "files": [
            {"path": path, "sha256": digest} for index, path, digest in self.files
            if index == i]} for i, folder in enumerate(self.folders)]
        out["git"] = list(self.git)
        return out


def digest_of(files: Iterable[tuple[int, str, str]]) -> str:
    """One sha256 over the list of (folder index, path, file digest), in path order."""
    h = hashlib.sha256()
    for index, path, digest in sorted(files):
        h.update(f"{index}\t{path}\t{digest}\n".encode())
    return h.hexdigest()


def make(folders: Sequence[str], files: Iterable[tuple[int, str, str]],
         git: Iterable[dict[str, str]] = (), *, public: bool = False) -> Fingerprint:
    """The fingerprint of the files found (each (folder, path) once)."""
    unique = sorted(set(files))
    return Fingerprint(digest=digest_of(unique), folders=tuple(folders), files=tuple(unique),
                       git=tuple(git), public=public, file_count=len(unique))


# --------------------------------------------------------------------------- hashing

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


def _entry(path: str, git_format: str | None) -> tuple[str, str | None] | None:
    """(digest, git blob id) of one directory entry; None when it is gone.

    A regular file: the sha256 of its bytes (the first st_size of them, as `fstat` gives
    it on the open file). Opened without following a link (`O_NOFOLLOW`: a link fails
    with ELOOP and is recorded as its target's name) and without blocking (`O_NONBLOCK`:
    a FIFO opens at once and is recorded as what it is, never read). One open, one fstat
    and, for a small file, one read: receipts are many."""
    import errno

    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return _link(path, git_format)
        return f"unreadable:{exc.strerror or type(exc).__name__}", None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return f"special:{stat.S_IFMT(info.st_mode):o}", None
        size = info.st_size
        sha = hashlib.sha256()
        blob = hashlib.new(git_format) if git_format else None
        if blob is not None:
            blob.update(f"blob {size}\0".encode())
        done = 0
        while done < size:
            chunk = os.read(fd, min(_CHUNK, size - done))
            if not chunk:
                break  # shrank meanwhile: what was read is what is recorded
            done += len(chunk)
            sha.update(chunk)
            if blob is not None:
                blob.update(chunk)
        return sha.hexdigest(), blob.hexdigest() if blob is not None and done == size else None
    except OSError as exc:
        return f"unreadable:{exc.strerror or type(exc).__name__}", None
    finally:
        os.close(fd)


def _link(path: str, git_format: str | None) -> tuple[str, str | None] | None:
    try:
        target = os.readlink(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"unreadable:{exc.strerror or type(exc).__name__}", None
    blob = None
    if git_format:
        data = os.fsencode(target)
        blob = hashlib.new(git_format, f"blob {len(data)}\0".encode() + data).hexdigest()
    return f"symlink:{target}", blob


def _walk(folder: Path | str, rel: str) -> Iterable[tuple[str, str]]:
    """Every non-hidden entry below `folder` that is not a directory (links included,
    never followed), with its path relative to the team folder."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = f"{rel}/{entry.name}"
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(entry.path, path)
        else:
            yield entry.path, path


def _input_dir(root: Path, name: str) -> Iterable[tuple[str, str]]:
    """`_walk` of one input folder. A folder that is itself a symbolic link is recorded as
    the link it is, and walked only where mmb reads it: inside the team folder
    (`mmb.files.resolve_team_path`). One leading out (to / or /etc) is never walked:
    that would hash the machine's files and list their names in the report."""
    top = os.path.join(root, name)
    if not os.path.islink(top):
        yield from _walk(top, name)
        return
    from mmb.files import TeamFileError, resolve_team_path

    yield top, name
    try:
        resolved, mode = resolve_team_path(root, name)
    except (TeamFileError, OSError):
        return
    if stat.S_ISDIR(mode):
        yield from _walk(os.path.join(root, resolved), name)


def team_inputs(root: Path, *, with_git: bool = True) -> TeamInputs:
    """The input files of one team folder: (path relative to the team folder, digest),
    and the git commit and tree when the folder is a clean checkout."""
    from mmb.folder import find_defaults

    candidates: list[tuple[str, str]] = [(os.path.join(root, name), name)
                                         for name in INPUT_FILES]
    defaults = find_defaults(root)
    if defaults is not None:
        candidates.append((str(defaults), os.path.relpath(defaults, root.resolve()).replace(
            os.sep, "/")))
    for name in INPUT_DIRS:
        candidates.extend(_input_dir(root, name))
    git_format = _git_format(root) if with_git else None
    files: list[tuple[str, str]] = []
    blobs: dict[str, str | None] = {}
    for path, rel in candidates:
        found = _entry(path, git_format[1] if git_format else None)
        if found is None:
            continue
        files.append((rel, found[0]))
        blobs[rel] = found[1]
    git = _git_state(root, git_format, blobs) if git_format else None
    return TeamInputs(files=sorted(files), git=git)


@dataclass
class TeamInputs:
    files: list[tuple[str, str]]  # (path relative to the team folder, digest)
    git: dict[str, str] | None = None  # {"commit", "tree"} for a clean checkout


# --------------------------------------------------------------------------- git (a bonus)

def _in_git(root: Path) -> bool:
    """Whether a `.git` is at or above the folder (checked before running git at all)."""
    real = root.resolve()
    return any((folder / ".git").exists() for folder in (real, *real.parents))


def _git(root: Path, *args: str) -> str | None:
    """Run one read-only git command in `root`; its output, or None on any failure."""
    import subprocess

    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0",
           "LC_ALL": "C"}
    try:
        run = subprocess.run(["git", "-c", "core.fsmonitor=false", "-C", str(root), *args],
                             capture_output=True, timeout=20, env=env, check=False,
                             stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    if run.returncode != 0:
        return None
    return run.stdout.decode("utf-8", "surrogateescape")


def _git_format(root: Path) -> tuple[list[str], str] | None:
    """(rev-parse lines: top level, prefix, format, commit, tree; hash name) or None."""
    if not _in_git(root):
        return None
    out = _git(root, "rev-parse", "--show-toplevel", "--show-prefix", "--show-object-format",
               "HEAD", "HEAD:./")
    if out is None:
        return None
    lines = out.split("\n")
    if len(lines) < 5 or lines[2] not in ("sha1", "sha256"):
        return None
    return lines, lines[2]


def _git_state(root: Path, found: tuple[list[str], str], blobs: dict[str, str | None]
               ) -> dict[str, str] | None:
    """The commit and the folder's tree, when every input file is in HEAD exactly as on
    disk and every input file in HEAD is on disk."""
    lines, _ = found
    commit, tree = lines[3], lines[4]
    listed = _git(root, "ls-tree", "-r", "-z", "HEAD", "--", *INPUT_FILES, *INPUT_DIRS)
    if listed is None:
        return None
    tracked: dict[str, str] = {}
    for item in listed.split("\0"):
        if not item:
            continue
        meta, _, path = item.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == "blob":
            if any(part.startswith(".") for part in path.split("/")):
                continue  # hidden: not an input
            tracked[path] = parts[2]
    inside = {rel: blob for rel, blob in blobs.items() if not rel.startswith("../")}
    if set(inside) != set(tracked) or any(inside[p] != tracked[p] for p in tracked):
        return None
    return {"commit": commit, "tree": tree}


# --------------------------------------------------------------------------- verify

@dataclass
class Changes:
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changed or self.added or self.removed)


def read_report(path: Path) -> dict[str, Any]:
    """The report JSON at `path`; `InputError` (exit 2) for anything else."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(msg.YE_VERIFY_NOT_A_FILE.format(path=path))
        if info.st_size > MAX_REPORT_BYTES:
            raise InputError(msg.YE_VERIFY_TOO_BIG.format(path=path))
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(MAX_REPORT_BYTES + 1)
    except OSError as exc:
        raise InputError(msg.YE_VERIFY_UNREADABLE.format(
            path=path, reason=exc.strerror or type(exc).__name__)) from None
    try:
        report = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise InputError(msg.YE_VERIFY_NOT_JSON.format(path=path)) from None
    if not isinstance(report, dict) or report.get("format") != "mmb-report/1":
        raise InputError(msg.YE_VERIFY_NOT_JSON.format(path=path))
    fp = report.get("fingerprint")
    if not isinstance(fp, dict) or not isinstance(fp.get("digest"), str):
        raise InputError(msg.YE_VERIFY_NO_FINGERPRINT.format(path=path))
    return report


def recorded_files(fp: dict[str, Any], path: Path) -> tuple[list[str], list[tuple[int, str, str]]]:
    """The folders and files a report's fingerprint lists; `InputError` when malformed."""
    inputs = fp.get("inputs")
    if not isinstance(inputs, list):
        raise InputError(msg.YE_VERIFY_NOT_JSON.format(path=path))
    folders: list[str] = []
    files: list[tuple[int, str, str]] = []
    for i, item in enumerate(inputs):
        if not isinstance(item, dict) or not isinstance(item.get("folder"), str) or not (
                isinstance(item.get("files"), list)):
            raise InputError(msg.YE_VERIFY_NOT_JSON.format(path=path))
        folders.append(item["folder"])
        for f in item["files"]:
            if not (isinstance(f, dict) and isinstance(f.get("path"), str)
                    and isinstance(f.get("sha256"), str)):
                raise InputError(msg.YE_VERIFY_NOT_JSON.format(path=path))
            files.append((i, f["path"], f["sha256"]))
    return folders, files


def current_files(folders: Sequence[str], recorded: Sequence[tuple[int, str, str]] = ()
                  ) -> list[tuple[int, str, str]]:
    """The input files the folders hold now, as a report over them would record them.
    The team folders the report recorded are looked at too, so that a team.yaml removed
    shows as removed (the folder is then no team folder any more)."""
    import posixpath

    from mmb.errors import NotATeamFolder
    from mmb.validate import team_folders

    teams: dict[Path, tuple[int, str]] = {}
    for i, folder in enumerate(folders):
        try:
            found = list(team_folders([folder]))
        except NotATeamFolder:
            found = []
        for _, base, root in found:
            teams.setdefault(root.resolve(), (i, os.path.relpath(root, base).replace(
                os.sep, "/")))
    for i, path, _ in recorded:
        if posixpath.basename(path) == "team.yaml" and i < len(folders):
            inside = posixpath.dirname(path) or "."
            root = Path(folders[i]) / inside
            if root.is_dir():
                teams.setdefault(root.resolve(), (i, inside))
    out: set[tuple[int, str, str]] = set()
    for real, (i, inside) in teams.items():
        for rel, digest in team_inputs(real, with_git=False).files:
            out.add((i, _join(inside, rel), digest))
    return sorted(out)


def _join(team_rel: str, rel: str) -> str:
    import posixpath

    return posixpath.normpath(posixpath.join(team_rel, rel))


def compare(recorded: Sequence[tuple[int, str, str]], now: Sequence[tuple[int, str, str]],
            shown: Sequence[str]) -> Changes:
    """What changed between the recorded and the current files, as paths joined onto the
    folders as given now (`shown`)."""
    import posixpath

    was = {(i, p): d for i, p, d in recorded}
    is_ = {(i, p): d for i, p, d in now}

    def name(key: tuple[int, str]) -> str:
        return posixpath.normpath(posixpath.join(shown[key[0]], key[1]))

    changes = Changes()
    for key in sorted(was.keys() | is_.keys()):
        if key not in is_:
            changes.removed.append(name(key))
        elif key not in was:
            changes.added.append(name(key))
        elif was[key] != is_[key]:
            changes.changed.append(name(key))
    return changes


def run_verify(report_path: Path, folders: Sequence[str] | None, stdout: TextIO) -> int:
    """`mmb report --verify REPORT.json [FOLDERS]`: 0 when the folders hold exactly the
    inputs the report was made from, 1 listing what changed; `InputError`/`UsageError`
    (exit 2) for a report that cannot be read or folders that do not fit it."""
    report = read_report(report_path)
    fp = report["fingerprint"]
    public = "inputs" not in fp
    if public:
        recorded_folders = [str(f) for f in fp.get("folders") or []] or ["."]
        recorded: list[tuple[int, str, str]] = []
    else:
        recorded_folders, recorded = recorded_files(fp, report_path)
        if digest_of(recorded) != fp["digest"]:
            print(msg.YE_VERIFY_EDITED.format(path=report_path), file=stdout)
            return 1
    given = list(folders) if folders else recorded_folders
    if len(given) != len(recorded_folders):
        raise UsageError(msg.YE_VERIFY_FOLDER_COUNT.format(
            count=len(recorded_folders), folders=" ".join(recorded_folders),
            given=len(given)))
    now = current_files(given, recorded)
    digest = digest_of(now)
    if public:
        if digest == fp["digest"]:
            print(msg.YE_VERIFY_SAME.format(files=len(now), digest=digest), file=stdout)
            return 0
        print(msg.YE_VERIFY_PUBLIC_DIFFERS.format(digest=digest, recorded=fp["digest"]),
              file=stdout)
        return 1
    from mmb.validate import display_prefix

    changes = compare(recorded, now, [display_prefix(g) for g in given])
    if not changes:
        print(msg.YE_VERIFY_SAME.format(files=len(now), digest=digest), file=stdout)
        for g in fp.get("git") or []:
            if isinstance(g, dict):
                print(msg.YE_VERIFY_GIT.format(team=g.get("team", ""),
                                               commit=g.get("commit", "")), file=stdout)
        return 0
    print(msg.YE_VERIFY_CHANGED.format(count=len(changes.changed) + len(changes.added)
                                       + len(changes.removed)), file=stdout)
    for word, paths in ((msg.YE_VERIFY_WORD_CHANGED, changes.changed),
                        (msg.YE_VERIFY_WORD_ADDED, changes.added),
                        (msg.YE_VERIFY_WORD_REMOVED, changes.removed)):
        for p in paths:
            # A file name from the folder: shown `visible` (the one function every
            # output uses), so it cannot move the cursor or reverse the listing.
            print(f"  {word}: {visible(p)}", file=stdout)
    if recorded and now and not ({(i, p) for i, p, _ in recorded} & {(i, p) for i, p, _ in now}):
        print(msg.YE_VERIFY_NOTHING_IN_COMMON.format(folders=" ".join(recorded_folders)),
              file=stdout)
    return 1


