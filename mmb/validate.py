"""`mmb validate`: every check over one or more team or municipality folders.

Plain Python; the CLI renders the result. Finding paths are the folder as given on the
command line joined with the file's path inside it (SPEC 4.1).
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from mmb.findings import Finding, count, sort_findings
from mmb.folder import DefaultsCache, TeamDoc, find_teams, load_team
from mmb.ledger import Ledger


@dataclass
class Validation:
    """The outcome of validating some folders."""

    findings: list[Finding] = field(default_factory=list)
    teams: int = 0
    cases: int = 0

    @property
    def errors(self) -> int:
        return count(self.findings)[0]

    @property
    def warnings(self) -> int:
        return count(self.findings)[1]

    def failed(self, strict: bool = False) -> bool:
        errors, warnings = count(self.findings)
        return errors > 0 or (strict and warnings > 0)


def display_prefix(given: str) -> str:
    """The folder as the user typed it, normalised for joining ('.' stays '.')."""
    norm = os.path.normpath(given).replace(os.sep, "/")
    return norm


def load_folders(folders: Sequence[str]) -> list[tuple[str, TeamDoc]]:
    """Load every team below the given folders; each with the prefix its paths carry.

    Raises `NotATeamFolder` when a given folder holds no team. A team reached through two
    of the given folders is loaded once.
    """
    cache = DefaultsCache()
    return [(prefix, load_team(root, cache, display_root=base))
            for prefix, base, root in team_folders(folders)]


def check_cash_book(team: TeamDoc, now: datetime, ledger: Ledger | None = None) -> list[Finding]:
    """The ledger rules (MMB2xx) of one team, with paths like the case findings.

    `ledger`: the team's ledger.csv when the caller has read it already (it is the largest
    file of a team; read it once)."""
    from mmb.files import TeamFileError
    from mmb.ledger import read_ledger
    from mmb.ledger_rules import check_ledger
    from mmb.reconcile import export_files, load_exports_for_validate

    prefix = team.team_rel

    def rel(path: str) -> str:
        return path if prefix == "." else f"{prefix}/{path}"

    if ledger is None:
        ledger = read_ledger(team.root)
    try:
        exports = bool(export_files(team.root))
    except TeamFileError:
        exports = True  # bank/ breaks a rule: `load_exports_for_validate` reports it
    if not ledger.exists and not exports:
        return []
    views, problems = load_exports_for_validate(team.root, team.team, rel)
    found = [f.rebase(prefix) for f in ledger.findings] + problems
    if team.team is not None and ledger.readable:
        found += check_ledger(team=team.team, docs=team.cases, rows=ledger.rows,
                              exports=views, root=team.root, now=now, prefix=prefix)
    else:  # the exports' own balances are checked whatever the state of the ledger
        from mmb.ledger_rules import check_stated_balances

        found += [f.rebase(prefix) for f in check_stated_balances(views)]
    return found


def validate_team(root: Path, now: datetime, use_cache: bool = True, *,
                  load: Callable[[], tuple[TeamDoc, Ledger | None]] | None = None,
                  parse_cache: bool = False) -> tuple[list[Finding], int]:
    """Every finding of one team folder, paths relative to it, and its number of cases.

    Uses the validation cache (`mmb.cache`) when it is still good, and refreshes it.
    `load`: how to read the team when the cache cannot answer (default `load_team(root)`);
    a caller that needs the team itself anyway (`mmb report`) reads it, with its ledger,
    once this way. It must load with paths relative to the team folder. `parse_cache`
    (with `use_cache`): case files unchanged since an earlier run are not parsed again
    (`mmb.parse_cache`), for a team validated again and again.
    """
    from mmb import cache

    if use_cache:
        cached = cache.load(root, now)
        if cached is not None:
            return cached
        prints = cache.fingerprint(root)  # before reading: a change while we read shows
    team, ledger = load() if load is not None else (
        load_team(root, parse_cache=parse_cache and use_cache), None)
    if ledger is None:
        from mmb.ledger import read_ledger

        ledger = read_ledger(team.root)
    from mmb.payments import check_payments
    from mmb.rules import check_team  # the models: not imported when the cache answered

    found = (check_team(team, now) + check_cash_book(team, now, ledger)
             + check_payments(team, now, ledger))
    if use_cache:
        cache.store(root, now, prints, cache.valid_until(team, now), found, len(team.cases))
    return found, len(team.cases)


def _validate_one(job: tuple[str, datetime, bool, bool, str | None]
                  ) -> tuple[list[Finding], int]:
    """One task: a team's files (`since` None), or its history since `since`."""
    root, now, use_cache, parse_cache, since = job
    if since is not None:
        # The history is never cached: it depends on REF and on commits the folder's
        # fingerprint does not see. It runs beside the team's own checks (another core).
        from mmb.history import check_history

        return check_history(Path(root), since), 0
    return validate_team(Path(root), now, use_cache, parse_cache=parse_cache)


def worker_count(jobs: int) -> int:
    """Processes to use: one per available core, no more than there are teams."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, jobs))


def team_folders(folders: Sequence[str]) -> Iterator[tuple[str, Path, Path]]:
    """(display prefix of the folder given, that folder, team folder) for every team below
    `folders`, each once: a team reached through two of the folders counts once."""
    seen: set[Path] = set()
    for given in folders:
        base = Path(given)
        prefix = display_prefix(given)
        for root in find_teams(base):
            key = root.resolve()
            if key in seen:
                continue
            seen.add(key)
            yield prefix, base, root


def validate_folders(folders: Sequence[str], now: datetime, *, use_cache: bool = True,
                     workers: int | None = None, since: str | None = None) -> Validation:
    """Run every check on every team below `folders`, a process per core.

    Teams are independent, so they are checked in parallel; each returns findings with
    paths inside its folder, re-rooted here onto the folder the user gave. Findings of a
    shared mmb.yaml come from every team below it and are reported once. `since`: also
    check each team's git history since that REF (`mmb.history`).
    """
    teams: list[tuple[str, str]] = []  # (display path of the team folder, its real path)
    for prefix, base, root in team_folders(folders):
        inside = os.path.relpath(root, base).replace(os.sep, "/")
        teams.append((posixpath.normpath(posixpath.join(prefix, inside)), str(root)))
    # One team (a coordinator's pre-commit check, again and again): its unchanged case
    # files come from the parse cache. Many teams (a municipality's CI, read once): not.
    one = len(teams) == 1
    jobs: list[tuple[str, datetime, bool, bool, str | None]] = [
        (root, now, use_cache, one, None) for _, root in teams]
    if since is not None:
        jobs += [(root, now, use_cache, one, since) for _, root in teams]
    count = workers if workers is not None else worker_count(len(jobs))
    if count > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
            # One team at a time: teams differ in size, and a last big chunk would
            # leave the other core idle at the end.
            results = list(pool.map(_validate_one, jobs))
    else:
        results = [_validate_one(job) for job in jobs]
    result = Validation(teams=len(teams))
    unique: set[Finding] = set()
    shown_of = [shown for shown, _ in teams] * (2 if since is not None else 1)
    for shown, (found, cases) in zip(shown_of, results, strict=True):
        result.cases += cases
        unique.update(_reroot(f, shown) for f in found)
    result.findings = sort_findings(unique)
    return result


def _reroot(f: Finding, team_path: str) -> Finding:
    """A finding's path inside its team folder, as seen from the folder the user gave."""
    if team_path in (".", ""):
        return replace(f, path=posixpath.normpath(f.path))
    return replace(f, path=posixpath.normpath(posixpath.join(team_path, f.path)))
