"""The municipality's report key: the secret behind the noise of `mmb report --public`
(`mmb.report_sdc`).

One key per municipality, in `.mmb/public-report.key` in the folder that holds its teams
(the folder `.mmb/` ignores itself in git). A team uses the nearest key at or above its
folder, so a report over a district or a single team below the municipality folder uses
the same key, and the same figures get the same noise. The file must be readable by its
owner only (like an SSH key); without it `--public` is refused, never made with a guessable
or empty key.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mmb import messages as msg
from mmb.errors import InputError, UsageError

KEY_FOLDER = ".mmb"
KEY_NAME = "public-report.key"
KEY_FILE = f"{KEY_FOLDER}/{KEY_NAME}"
#: Key files are one line; anything larger is not a key.
MAX_KEY_BYTES = 1024
_MIN_HEX = 32


@dataclass(frozen=True)
class ReportKey:
    """The secret, and the file it came from (for messages)."""

    secret: bytes
    path: Path


def find_key_file(folder: Path) -> Path | None:
    """The nearest key file at or above `folder` (which need not hold one)."""
    here = folder.resolve()
    for candidate in (here, *here.parents):
        path = candidate / KEY_FOLDER / KEY_NAME
        if os.path.lexists(path):
            return path
    return None


def load_key(team_roots: Sequence[Path], folders: Sequence[str]) -> ReportKey:
    """The one key that applies to every team of a report; refuse when a team has none or
    the teams have different ones. `folders`: as given on the command line (messages)."""
    found: dict[Path, Path] = {}
    for root in team_roots:
        path = find_key_file(root)
        if path is None:
            raise UsageError(msg.REPORT_KEY_MISSING.format(
                folder=" ".join(folders), where=_suggest(team_roots, folders),
                name=KEY_FILE))
        found.setdefault(path, root)
    paths = list(found)
    if len(paths) > 1:
        raise UsageError(msg.REPORT_KEY_MIXED.format(
            folders=" ".join(folders), first=_shown(paths[0]), second=_shown(paths[1])))
    if not paths:  # no team: the caller reports that
        raise UsageError(msg.REPORT_KEY_MISSING.format(
            folder=" ".join(folders), where=folders[0] if folders else ".", name=KEY_FILE))
    return ReportKey(read_key(paths[0]), paths[0])


def _suggest(team_roots: Sequence[Path], folders: Sequence[str]) -> str:
    """Where the key should be made: the folder with the teams' mmb.yaml when they share
    one, else the folder given."""
    from mmb.folder import find_defaults

    homes = set()
    for root in team_roots:
        defaults = find_defaults(root)
        homes.add(defaults.parent if defaults is not None else None)
    home = homes.pop() if len(homes) == 1 else None
    if home is None:
        return folders[0] if len(folders) == 1 else "MUNICIPALITY-FOLDER"
    return _shown(home)


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(path)


def read_key(path: Path) -> bytes:
    """The secret in a key file: a regular file (no link), readable by its owner only."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if os.path.islink(path):
            raise InputError(msg.REPORT_KEY_NOT_FILE.format(path=path)) from None
        raise InputError(msg.REPORT_KEY_UNREADABLE.format(
            path=path, reason=exc.strerror or str(exc))) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(msg.REPORT_KEY_NOT_FILE.format(path=path))
        if os.name == "posix" and info.st_mode & 0o077:
            raise InputError(msg.REPORT_KEY_READABLE.format(
                path=path, mode=stat.filemode(info.st_mode)))
        data = os.read(fd, MAX_KEY_BYTES + 1)
    finally:
        os.close(fd)
    text = data.decode("ascii", errors="replace").strip()
    if len(data) > MAX_KEY_BYTES or len(text) < _MIN_HEX or len(text) % 2:
        raise InputError(msg.REPORT_KEY_BAD.format(path=path))
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise InputError(msg.REPORT_KEY_BAD.format(path=path)) from None


def create_key(folder: Path) -> Path:
    """Make the key for the teams below `folder`, once: refused when a key already
    applies to `folder` or to a folder below it (a second key would undo the protection).
    Returns the key file."""
    import secrets

    if not folder.is_dir():
        raise UsageError(msg.REPORT_KEY_NOT_FOLDER.format(folder=folder))
    existing = find_key_file(folder)
    if existing is None:
        existing = next((p for p in _keys_below(folder)), None)
    if existing is not None:
        raise UsageError(msg.REPORT_KEY_EXISTS.format(folder=folder, path=existing))
    keys = folder / KEY_FOLDER
    path = keys / KEY_NAME
    if keys.is_symlink():
        raise UsageError(msg.REPORT_KEY_FAILED.format(folder=folder,
                                                      reason=f"{keys} is a link"))
    try:
        keys.mkdir(mode=0o700, exist_ok=True)
        ignore = keys / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# made by mmb: nothing in this folder goes into git\n*\n",
                              encoding="utf-8")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                     | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise UsageError(msg.REPORT_KEY_FAILED.format(
            folder=folder, reason=exc.strerror or str(exc))) from None
    return path


def _keys_below(folder: Path) -> list[Path]:
    """Key files in folders below `folder` (not following links)."""
    out: list[Path] = []
    for base, dirs, _files in os.walk(folder):
        if KEY_FOLDER in dirs and Path(base) != folder:
            candidate = Path(base) / KEY_FOLDER / KEY_NAME
            if os.path.lexists(candidate):
                out.append(candidate)
        dirs[:] = [d for d in dirs if d not in (".git", KEY_FOLDER)]
    return out
