"""The validation cache: a warm `mmb validate` over a whole city in well under a second.

One JSON file per team folder holds that team's findings, keyed by a fingerprint of every
file they depend on (path, size and modification time of team.yaml, the mmb.yaml files
above it, cases/, ledger.csv, payees.yaml and bank/; of receipts/ its folders and links,
since findings depend on which receipts exist, not on what they hold) and by the mmb
version. A cached result is used only while nothing in the fingerprint changed and the
clock has not passed the next moment a date-dependent finding could appear, vanish or
change its wording (midnight; the hour, for young pending cases; a pending case reaching
`decision_hours`; a decision dated in the future coming due).

Where: the user's cache folder (`$XDG_CACHE_HOME/mmb`, else `~/.cache/mmb`), never the team
folder, so that `validate` writes nothing there and a cache file committed to a team
repository can never tell CI that all is well. Safe to delete; written atomically; a file
changed within two seconds of writing is not cached (its modification time may not show a
second change in the same tick); unreadable or foreign cache files are ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from mmb import __version__
from mmb.findings import Finding

_SCHEMA = 3  # 3: issue 16a (MMB005, opened in the future, history)
_RACY_SECONDS = 2.0
#: Largest cache file read (a team's findings; a first import can make 100,000).
MAX_CACHE_BYTES = 256 * 1024 * 1024


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mmb" / "validate"


def _cache_file(root: Path) -> Path:
    key = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:32]
    return cache_dir() / f"{key}.json"


def _stat(path: Path) -> list[int]:
    try:
        info = path.stat()  # follows links: a receipt link's target counts
    except OSError:
        return [-1, -1]
    return [info.st_size, info.st_mtime_ns]


def _walk(folder: str, rel: str, into: dict[str, list[int]], *, files: bool = True) -> None:
    """Stat every file below `folder` into `into` (plain strings: this runs for every
    case of a city). `files=False` (receipts, tens of thousands in a city): their names
    are what the findings depend on, not their contents, so each folder is stat-ed (its
    modification time changes when a file is added, removed or renamed) and only links
    one by one (a link's target may come and go elsewhere)."""
    try:
        entries = list(os.scandir(folder))
        if not files:
            info = os.stat(folder)
            into[f"{rel}/"] = [info.st_size, info.st_mtime_ns]
    except OSError:
        return
    for entry in entries:
        name = f"{rel}/{entry.name}"
        if entry.is_dir(follow_symlinks=False):
            _walk(entry.path, name, into, files=files)
            continue
        if not files and not entry.is_symlink():
            continue
        try:
            info = entry.stat()  # follows links: a receipt link's target counts
            into[name] = [info.st_size, info.st_mtime_ns]
        except OSError:
            into[name] = [-1, -1]


def _folder(root: Path, sub: str, into: dict[str, list[int]]) -> str | None:
    """The folder to walk for `sub`, or None. A folder that is a link is walked only when
    it stays inside the team folder (`mmb.files`); one that leads out is not walked at all
    (it could lead to / or /proc), just its link recorded: `validate` reports it."""
    path = root / sub
    try:
        info = os.lstat(path)
    except OSError:
        return None
    import stat

    if not stat.S_ISLNK(info.st_mode):
        return str(path)
    from mmb.files import TeamFileError, resolve_team_path

    into[f"{sub}@"] = [info.st_size, info.st_mtime_ns]
    try:
        resolved, mode = resolve_team_path(root, sub)
    except (TeamFileError, OSError):
        return None
    return str(root / resolved) if stat.S_ISDIR(mode) else None


def fingerprint(root: Path) -> dict[str, list[int]]:
    """Size and modification time of everything a team's findings depend on."""
    prints: dict[str, list[int]] = {}
    for name in ("team.yaml", "ledger.csv", "payees.yaml"):
        prints[name] = _stat(root / name)
    for sub in ("cases", "bank", "receipts"):
        walk = _folder(root, sub, prints)
        if walk is not None:
            _walk(walk, sub, prints, files=sub != "receipts")
    # Every place an mmb.yaml could be found above the team (one may appear later).
    for folder in root.resolve().parents:
        candidate = folder / "mmb.yaml"
        prints[str(candidate)] = _stat(candidate) if candidate.exists() else [-2, -2]
    return prints


def load(root: Path, now: datetime) -> tuple[list[Finding], int] | None:
    """The cached findings and case count of a team, or None when they may be stale."""
    from mmb.files import TeamFileError, read_regular_file

    try:  # bounded and a regular file, like every file mmb reads
        raw = json.loads(read_regular_file(_cache_file(root), MAX_CACHE_BYTES, follow=False))
    except (OSError, ValueError, TeamFileError):
        return None
    try:
        if raw.get("schema") != _SCHEMA or raw.get("mmb") != __version__:
            return None
        if raw.get("root") != str(root.resolve()):
            return None
        valid_from = datetime.fromisoformat(raw["valid_from"])
        valid_until = datetime.fromisoformat(raw["valid_until"])
        if not valid_from <= now < valid_until:
            return None
        if raw["fingerprint"] != fingerprint(root):
            return None
        findings = [Finding(path=f[0], line=int(f[1]), code=f[2], message=f[3], case=f[4],
                            severity=f[5]) for f in raw["findings"]]
        return findings, int(raw["cases"])
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def store(root: Path, now: datetime, prints: dict[str, list[int]], valid_until: datetime,
          findings: list[Finding], cases: int) -> None:
    """Write a team's result, unless a file changed too recently to be trusted."""
    from mmb.files import atomic_write_text

    newest = max((p[1] for p in prints.values() if p[1] > 0), default=0) / 1e9
    if newest > time.time() - _RACY_SECONDS:
        return
    payload: dict[str, Any] = {
        "schema": _SCHEMA, "mmb": __version__, "root": str(root.resolve()),
        "valid_from": now.isoformat(), "valid_until": valid_until.isoformat(),
        "fingerprint": prints, "cases": cases,
        "findings": [[f.path, f.line, f.code, f.message, f.case, f.severity]
                     for f in findings],
    }
    target = _cache_file(root)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # Not fsynced: a cache lost in a crash is only a slower next run.
        atomic_write_text(target, json.dumps(payload, ensure_ascii=False), durable=False)
    except OSError:
        return  # a read-only home or full disk: validating still works, just not faster


def valid_until(doc: Any, now: datetime) -> datetime:
    """The first moment after `now` at which a date-dependent finding of this team could
    change: findings about age, grace and pending cases are worded in days or hours."""
    limit = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
    team = doc.team
    hours = team.rules.decision_hours if team is not None else 24
    next_hour = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    for c in doc.cases:
        case = c.case
        if case is None:
            continue
        start = case.history[-1].reopened_at if case.history else case.opened
        if case.decision is None:
            due = start + timedelta(hours=hours)
            if due > now:
                limit = min(limit, due)
            if now - start < timedelta(hours=48):
                limit = min(limit, next_hour)  # "waiting for N hours" changes every hour
        elif case.decision.at > now:
            limit = min(limit, case.decision.at)
        soon = case.opened - timedelta(days=1)  # MMB106: opened in the future
        if soon > now:
            limit = min(limit, soon)
        for past in case.history:  # MMB106: reopened in the future
            if past.reopened_at > now:
                limit = min(limit, past.reopened_at)
    return limit
