"""`mmb validate`: every check over one or more team or municipality folders.

Plain Python; the CLI renders the result. Finding paths are the folder as given on the
command line joined with the file's path inside it (SPEC 4.1).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from mmb.findings import Finding, count, sort_findings
from mmb.folder import DefaultsCache, TeamDoc, find_teams, load_team


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
    seen: set[Path] = set()
    loaded: list[tuple[str, TeamDoc]] = []
    for given in folders:
        base = Path(given)
        prefix = display_prefix(given)
        for root in find_teams(base):
            key = root.resolve()
            if key in seen:
                continue
            seen.add(key)
            loaded.append((prefix, load_team(root, cache, display_root=base)))
    return loaded


def check_cash_book(team: TeamDoc, now: datetime) -> list[Finding]:
    """The ledger rules (MMB2xx) of one team, with paths like the case findings."""
    from mmb.ledger import LEDGER_FILE, read_ledger
    from mmb.ledger_rules import check_ledger
    from mmb.reconcile import export_files, load_exports_for_validate

    prefix = team.team_rel

    def rel(path: str) -> str:
        return path if prefix == "." else f"{prefix}/{path}"

    ledger = read_ledger(team.root, rel(LEDGER_FILE))
    if not ledger.exists and not export_files(team.root):
        return []
    views, problems = load_exports_for_validate(team.root, team.team, rel)
    found = ledger.findings + problems
    if team.team is not None and ledger.readable:
        found += check_ledger(team=team.team, docs=team.cases, rows=ledger.rows,
                              exports=views, root=team.root, now=now, prefix=prefix)
    return found


def validate_folders(folders: Sequence[str], now: datetime) -> Validation:
    """Run every check on every team below `folders`."""
    from mmb.rules import check_team

    result = Validation()
    for prefix, team in load_folders(folders):
        result.teams += 1
        result.cases += len(team.cases)
        found = check_team(team, now) + check_cash_book(team, now)
        result.findings.extend(f.rebase(prefix) for f in found)
    result.findings = sort_findings(set(result.findings))
    return result
