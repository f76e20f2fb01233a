"""Reading a team folder's git history, safely (for `validate --since` and `mmb log`).

The repository is untrusted input like the files (a pull request can hold any commit), so
git is run one way:

* the git command line, with fixed argument lists and never a shell; a REF from the user
  is refused when it starts with `-` and resolved with `rev-parse --verify
  --end-of-options`, and every later command gets full commit ids only;
* only read-only plumbing (`rev-parse`, `merge-base`, `log`, `ls-tree`, `cat-file`),
  which runs no hook; no system or global configuration (`GIT_CONFIG_NOSYSTEM`,
  `GIT_CONFIG_GLOBAL=/dev/null`), no prompt, no pager, no replace objects (which would
  let a local ref show other history), no `.mailmap`, literal pathspecs, no fsmonitor;
* blobs are read with one `git cat-file --batch-check` and one `git cat-file --batch`
  for all of them (never a process per file or commit), each only when it is a regular
  file (a symbolic link, mode 120000, is not followed: it is "not a regular file") and
  within the size limit of its kind.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from mmb import messages as msg
from mmb.errors import InputError

#: Git's empty object id: "no file" on one side of a change.
NULL_ID = "0" * 40
#: Modes of a regular file in a tree (a link is 120000, a submodule 160000).
REGULAR_MODES = frozenset(("100644", "100755", "100664"))
#: Longest author name shown.
MAX_AUTHOR = 60
#: Seconds any one git command may take (a hostile repository must not hang CI).
GIT_TIMEOUT = 120


class GitError(InputError):
    """git cannot answer: not a repository, git missing, REF unknown, a shallow clone."""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_NO_REPLACE_OBJECTS": "1",
        "GIT_LITERAL_PATHSPECS": "1",
        "GIT_OPTIONAL_LOCKS": "0",
        "GIT_PAGER": "cat",
        "GIT_ASKPASS": "",
        "GIT_ATTR_NOSYSTEM": "1",
        "LC_ALL": "C",
    })
    return env


_OPTIONS = ("-c", "core.fsmonitor=false", "-c", "core.hooksPath=" + os.devnull,
            "-c", "log.showSignature=false", "-c", "log.mailmap=false", "--no-pager")


def run_git(cwd: Path, args: Sequence[str], *, stdin: bytes | None = None,
            check: bool = True) -> subprocess.CompletedProcess[bytes]:
    """Run `git args` in `cwd` (see the module docstring); raises `GitError` when git is
    missing or (with `check`) exits non-zero."""
    try:
        done = subprocess.run(["git", *_OPTIONS, *args], cwd=cwd, input=stdin,
                              capture_output=True, env=_env(), shell=False,
                              timeout=GIT_TIMEOUT, check=False)
    except FileNotFoundError:
        raise GitError(msg.GIT_MISSING) from None
    except subprocess.TimeoutExpired:
        raise GitError(msg.GIT_TIMEOUT.format(seconds=GIT_TIMEOUT)) from None
    if check and done.returncode != 0:
        from mmb.text import clip

        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(msg.GIT_FAILED.format(command=args[0], reason=clip(
            reason[-1] if reason else f"exit {done.returncode}", 200)))
    return done


@dataclass(frozen=True, slots=True)
class Commit:
    """A commit as findings name it: full and short id, author, author date.
    `id` is "" for the changes in the working folder that are not committed yet."""

    id: str
    author: str
    date: datetime | None

    @property
    def short(self) -> str:
        return self.id[:10]

    @property
    def committed(self) -> bool:
        return bool(self.id)


#: The pseudo-commit of changes in the working folder not committed yet.
UNCOMMITTED = Commit("", "", None)


@dataclass(frozen=True, slots=True)
class Entry:
    """A tree entry: mode, blob id, size (None for a non-blob)."""

    mode: str
    blob: str
    size: int | None


@dataclass
class Repository:
    """The git repository a team folder is in: its top folder and the team's path in
    it (`prefix`, "" when the team is the top folder, else ending in "/")."""

    top: Path
    prefix: str
    shallow: bool
    cache: BlobCache = field(default_factory=lambda: BlobCache())

    @classmethod
    def of(cls, folder: Path) -> Repository:
        """The repository holding `folder`; `GitError` when there is none."""
        done = run_git(folder, ["rev-parse", "--show-toplevel", "--show-prefix",
                                "--is-shallow-repository"], check=False)
        if done.returncode != 0:
            text = done.stderr.decode("utf-8", "replace")
            if "dubious ownership" in text:
                raise GitError(msg.GIT_DUBIOUS.format(folder=folder))
            raise GitError(msg.GIT_NOT_A_REPO.format(folder=folder))
        lines = done.stdout.decode("utf-8", "surrogateescape").split("\n")
        top, prefix, shallow = [*lines, "", "", ""][:3]
        return cls(Path(top), prefix, shallow.strip() == "true")

    def git(self, args: Sequence[str], *, stdin: bytes | None = None,
            check: bool = True) -> subprocess.CompletedProcess[bytes]:
        return run_git(self.top, args, stdin=stdin, check=check)

    # ------------------------------------------------------------------ commits
    def resolve(self, ref: str) -> str:
        """The commit id `ref` names; refuses an option-like REF, and says which fetch to
        run when a shallow clone lacks it."""
        if not ref or ref.startswith("-") or "\x00" in ref or "\n" in ref:
            raise GitError(msg.GIT_REF_BAD.format(ref=ref))
        done = self.git(["rev-parse", "--verify", "--quiet", "--end-of-options",
                         f"{ref}^{{commit}}"], check=False)
        if done.returncode != 0:
            if self.shallow:
                raise GitError(msg.GIT_REF_SHALLOW.format(ref=ref))
            raise GitError(msg.GIT_REF_UNKNOWN.format(ref=ref))
        return done.stdout.decode("ascii", "replace").strip()

    def head(self) -> str | None:
        """The commit checked out, or None in a repository without commits."""
        done = self.git(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], check=False)
        return done.stdout.decode("ascii").strip() if done.returncode == 0 else None

    def base(self, ref: str, ref_id: str, head: str) -> str:
        """The commit the checks compare with: REF itself when HEAD contains it, else the
        point where HEAD's history left REF's (`git merge-base`): what HEAD could change."""
        done = self.git(["merge-base", ref_id, head], check=False)
        if done.returncode != 0:
            if self.shallow:
                raise GitError(msg.GIT_REF_SHALLOW.format(ref=ref))
            raise GitError(msg.GIT_NO_BASE.format(ref=ref))
        return done.stdout.decode("ascii").split()[0]

    def changes(self, base: str | None, head: str, paths: Sequence[str] | None = None
                ) -> list[tuple[Commit, str, str, str]]:
        """Every change to a file under `paths` (None: the team folder; empty: the whole
        repository) in the commits after `base` up to `head` (all of head's history when
        `base` is None), oldest first: (commit, path in the repository, new mode, new blob
        or "" when removed). A merge lists what differs from each of its parents."""
        limit = [head] if base is None else [head, f"^{base}"]
        spec = ([self.prefix] if self.prefix else []) if paths is None else list(paths)
        done = self.git(["log", "-z", "--raw", "-r", "--no-renames", "--no-abbrev", "-m",
                         "--topo-order", "--reverse", "--no-mailmap", "--no-color",
                         "--format=%x01%H%x00%an%x00%aI", *limit, "--", *spec])
        out = _parse_log(done.stdout)
        if self.shallow and base is not None:
            # A shallow clone cut inside the range shows its oldest commits without
            # parents: then what changed before them is not known here.
            parents = self.git(["rev-list", "--parents", head, f"^{base}"])
            if any(len(line.split()) == 1
                   for line in parents.stdout.decode("ascii").splitlines()):
                raise GitError(msg.GIT_RANGE_SHALLOW)
        return out

    # ------------------------------------------------------------------ trees and blobs
    def tree(self, commit: str, under: str | None = None) -> dict[str, Entry]:
        """Every file of `commit` under the team folder (or `under`), by path in the
        repository, with mode, blob and size."""
        spec = under if under is not None else self.prefix
        args = ["ls-tree", "-r", "-l", "-z", "--full-tree", commit]
        if spec:
            args += ["--", spec]
        done = self.git(args)
        out: dict[str, Entry] = {}
        for item in done.stdout.split(b"\x00"):
            if not item:
                continue
            meta, _, name = item.partition(b"\t")
            fields = meta.decode("ascii", "replace").split()
            if len(fields) < 4:
                continue
            size = int(fields[3]) if fields[3].isdigit() else None
            out[name.decode("utf-8", "surrogateescape")] = Entry(fields[0], fields[2], size)
        return out

    def read_blobs(self, wanted: Iterable[tuple[str, int]]) -> None:
        """Fetch the blobs `wanted` ((id, size limit) pairs) into the cache: one
        `cat-file --batch-check` for their types and sizes, then `cat-file --batch` for
        those that are blobs within their limit (one process per 32 MB of content, so
        that no answer is held whole in memory beyond that)."""
        cache = self.cache
        limits: dict[str, int] = {}
        for blob, limit in wanted:
            if blob and not cache.has(blob):
                limits[blob] = max(limit, limits.get(blob, 0))
        unknown = [b for b in limits if b not in cache.info]
        if unknown:
            checked = self.git(["cat-file", "--batch-check"],
                               stdin="".join(f"{b}\n" for b in unknown).encode("ascii"))
            for line in checked.stdout.decode("ascii", "replace").splitlines():
                fields = line.split()
                if len(fields) == 3 and fields[2].isdigit():
                    cache.info[fields[0]] = (fields[1], int(fields[2]))
                elif fields:
                    cache.info[fields[0]] = ("missing", 0)
        chunk: list[str] = []
        total = 0
        for blob, limit in limits.items():
            kind, size = cache.info.get(blob, ("missing", 0))
            if kind != "blob" or size > limit:
                continue
            if chunk and total + size > CHUNK_BYTES:
                self._fetch(chunk)
                chunk, total = [], 0
            chunk.append(blob)
            total += size
        if chunk:
            self._fetch(chunk)

    def _fetch(self, blobs: Sequence[str]) -> None:
        done = self.git(["cat-file", "--batch"],
                        stdin="".join(f"{b}\n" for b in blobs).encode("ascii"))
        data = done.stdout
        pos = 0
        for blob in blobs:
            end = data.find(b"\n", pos)
            header = data[pos:end].split() if end >= 0 else []
            if len(header) != 3 or header[1] != b"blob" or not header[2].isdigit():
                raise GitError(msg.GIT_LOG_UNREADABLE)
            size = int(header[2])
            self.cache.store(blob, data[end + 1:end + 1 + size])
            pos = end + 1 + size + 1

    def blob(self, blob: str, limit: int) -> bytes | None:
        """The content of `blob` (None: not a blob, missing, or over `limit`)."""
        cache = self.cache
        found = cache.get(blob)
        if found is None:
            self.read_blobs([(blob, limit)])
            found = cache.get(blob)
            if found is None:
                kind, size = cache.info.get(blob, ("missing", 0))
                if kind == "blob" and size <= limit:  # evicted at once: a huge run
                    self._fetch([blob])
                    found = cache.get(blob)
        if found is not None and len(found) > limit:
            return None
        return found


#: Content fetched per `cat-file --batch` process, and kept in the cache at most.
CHUNK_BYTES = 32 * 1024 * 1024
CACHE_BYTES = 128 * 1024 * 1024


@dataclass
class BlobCache:
    """Blobs read from git, by id: types and sizes (`info`), contents within a budget
    (emptied when full: a blob can always be read again), and `pinned` contents that are
    not in git (the files as they are now), never dropped."""

    info: dict[str, tuple[str, int]] = field(default_factory=dict)
    contents: dict[str, bytes] = field(default_factory=dict)
    pinned: dict[str, bytes] = field(default_factory=dict)
    held: int = 0

    def has(self, blob: str) -> bool:
        return blob in self.pinned or blob in self.contents

    def get(self, blob: str) -> bytes | None:
        found = self.pinned.get(blob)
        return found if found is not None else self.contents.get(blob)

    def store(self, blob: str, data: bytes) -> None:
        if self.held + len(data) > CACHE_BYTES:
            self.contents.clear()
            self.held = 0
        self.contents[blob] = data
        self.held += len(data)

    def pin(self, data: bytes) -> str:
        """Keep `data` (a file as it is now) under its blob id; returns the id."""
        blob = blob_id(data)
        self.pinned[blob] = data
        self.info[blob] = ("blob", len(data))
        return blob


def blob_id(data: bytes) -> str:
    """The id git gives a file with this content (SHA-1 of "blob SIZE\\0" + data)."""
    import hashlib

    return hashlib.sha1(b"blob %d\x00" % len(data) + data, usedforsecurity=False).hexdigest()


def _parse_log(data: bytes) -> list[tuple[Commit, str, str, str]]:
    """`git log -z --raw --format=%x01%H%x00%an%x00%aI` as (commit, path, new mode, new
    blob or "" when removed), read token by token: a path is taken whole wherever it
    stands, whatever bytes it holds, and anything out of place fails (`GitError`), never
    a guess."""
    import re

    tokens = data.split(b"\x00")
    out: list[tuple[Commit, str, str, str]] = []
    commit: Commit | None = None
    i = 0
    hex_id = re.compile(rb"\n?\x01([0-9a-f]{40})\Z")
    while i < len(tokens):
        token = tokens[i]
        i += 1
        stripped = token.lstrip(b"\n")
        if not stripped:
            continue
        header = hex_id.match(token)
        if header is not None:
            if i + 1 >= len(tokens):
                raise GitError(msg.GIT_LOG_UNREADABLE)
            commit = _commit(header.group(1), tokens[i], tokens[i + 1])
            i += 2
            continue
        if commit is None or not stripped.startswith(b":") or i >= len(tokens):
            raise GitError(msg.GIT_LOG_UNREADABLE)
        fields = stripped[1:].decode("ascii", "replace").split()
        path = tokens[i].decode("utf-8", "surrogateescape")
        i += 1
        if len(fields) < 5:
            raise GitError(msg.GIT_LOG_UNREADABLE)
        new_mode, new_blob, status = fields[1], fields[3], fields[4]
        out.append((commit, path, new_mode,
                    "" if new_blob == NULL_ID or status.startswith("D") else new_blob))
    return out


def _commit(full: bytes, author: bytes, when: bytes) -> Commit:
    from mmb.text import clip

    try:
        date = datetime.fromisoformat(when.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        raise GitError(msg.GIT_LOG_UNREADABLE) from None
    name = author.decode("utf-8", "replace").strip()
    return Commit(full.decode("ascii"), clip(name, MAX_AUTHOR) or "?", date)


def when(commit: Commit) -> str:
    """A commit's author date as `YYYY-MM-DD HH:MM` in the author's own time zone."""
    if commit.date is None:
        return "?"
    return commit.date.strftime("%Y-%m-%d %H:%M")


def describe(commit: Commit) -> str:
    """`commit 1a2b3c4d5e by Anneke on 2026-03-02 11:50`, or "not committed yet"."""
    if not commit.committed:
        return msg.GIT_UNCOMMITTED
    return msg.GIT_COMMIT.format(short=commit.short, author=commit.author, date=when(commit))
