"""Shared helpers: build team folders from inline YAML."""

from __future__ import annotations

import hashlib
import textwrap
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from mmb.findings import Finding
from mmb.folder import load_team
from mmb.rules import check_team

NOW = datetime(2026, 11, 22, 12, 0)


@pytest.fixture(autouse=True, scope="session")
def _isolated_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test reads or writes the user's real home, cache or config folder, and no setting
    of the person running the tests (language, household secret, git identity) leaks in.
    Subprocesses inherit this environment."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(home))
        mp.setenv("XDG_CACHE_HOME", str(home / ".cache"))
        mp.setenv("XDG_CONFIG_HOME", str(home / ".config"))
        mp.setenv("GIT_CONFIG_NOSYSTEM", "1")
        mp.setenv("GIT_AUTHOR_NAME", "mmb tests")
        mp.setenv("GIT_AUTHOR_EMAIL", "tests@example.org")
        mp.setenv("GIT_COMMITTER_NAME", "mmb tests")
        mp.setenv("GIT_COMMITTER_EMAIL", "tests@example.org")
        for name in ("MMB_LANG", "MMB_HOUSEHOLD_SECRET", "LANGUAGE", "LC_ALL", "LC_MESSAGES"):
            mp.delenv(name, raising=False)
        yield

TEAM_YAML = """\
name: Buurtteam Test
municipality: Amsterdam
district: Noord
members:
  - id: fatima
    role: maatschappelijk werk
  - id: jan
  - id: anneke
  - id: piet
    role: WPI
  - id: sanne
    until: 2026-06-30
  - id: joost
    since: 2026-04-01
rules:
  quorum: 3
  household_cap: 500
budget:
  - year: 2026
    amount: 3000
    top_ups: [{date: 2026-07-01, amount: 1000}]
categories: [vervoer, zorg, woonlasten, leefgeld]
"""


def tree_hash(folder: Path) -> str:
    """One digest of every path below `folder` and every file's bytes: equal before and
    after a command means it left the folder byte-identical."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def case_yaml(
    case_id: str = "2026-001",
    *,
    opened: str = "2026-03-02 10:15",
    requested_by: str = "fatima",
    household: str = "H-0001",
    category: str = "vervoer",
    amount: str = "180",
    purpose: str = "Tweedehands fiets zodat het kind naar school kan",
    votes: list[tuple[str, str, str]] | None = None,
    outcome: str | None = "approved",
    decided: str = "2026-03-02 11:45",
    by: str = "anneke",
    approved: str | None = "150",
    extra: str = "",
) -> str:
    """A case file; default: approved with three valid votes."""
    if votes is None:
        votes = [("jan", "approve", "2026-03-02 10:40"), ("anneke", "akkoord", "2026-03-02 11:00"),
                 ("piet", "approve", "2026-03-02 11:30")]
    lines = [f"id: {case_id}", f"opened: {opened}", f"requested_by: {requested_by}",
             f"household: {household}", f"category: {category}", f"amount: {amount}",
             f"purpose: {purpose}"]
    if votes:
        lines.append("votes:")
        for member, vote, at in votes:
            lines += [f"  - member: {member}", f"    vote: {vote}", f"    at: {at}"]
    if outcome:
        lines += ["decision:", f"  outcome: {outcome}", f"  at: {decided}", f"  by: {by}"]
        if approved is not None:
            lines.append(f"  amount: {approved}")
    text = "\n".join(lines) + "\n"
    if extra:
        text += textwrap.dedent(extra)
    return text


@pytest.fixture
def make_team(tmp_path: Path) -> Callable[..., Path]:
    """make_team(cases={"2026-001": text, ...}, team=TEAM_YAML) -> team folder."""

    def make(cases: dict[str, str] | None = None, team: str = TEAM_YAML,
             folder: str = "team") -> Path:
        root = tmp_path / folder
        (root / "cases").mkdir(parents=True)
        (root / "team.yaml").write_text(team, encoding="utf-8")
        for name, text in (cases or {}).items():
            file = name if name.endswith((".yaml", ".yml")) else f"{name}.yaml"
            (root / "cases" / file).write_text(text, encoding="utf-8")
        return root

    return make


def check(root: Path, now: datetime = NOW) -> list[Finding]:
    """All findings of one team folder."""
    return sorted(check_team(load_team(root), now), key=lambda f: (f.path, f.line, f.code))


def codes(findings: list[Finding]) -> list[tuple[str, str, int]]:
    """(code, path, line) triples, for compact assertions."""
    return [(f.code, f.path, f.line) for f in findings]


# --------------------------------------------------------------------------- public reports
#: The report key of the test copies of examples/ (a public report needs one): fixed, so
#: the public goldens are stable. A real key is random and secret (`mmb report --new-key`).
TEST_REPORT_KEY = "5eed" * 16


def write_report_key(folder: Path, key: str = TEST_REPORT_KEY) -> Path:
    """A report key file in `folder`, readable by its owner only (as `--new-key` makes it)."""
    import os

    path = folder / ".mmb" / "public-report.key"
    path.parent.mkdir(exist_ok=True)
    path.write_text(key + "\n", encoding="ascii")
    os.chmod(path, 0o600)
    return path


@pytest.fixture(scope="session")
def public_examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of examples/ with the test report key in its municipality folder; the folder
    that holds `examples/` is returned (run from there, so paths read `examples/...`)."""
    import shutil

    root = tmp_path_factory.mktemp("public")
    shutil.copytree(Path(__file__).resolve().parent.parent / "examples", root / "examples")
    write_report_key(root / "examples" / "amsterdam")
    return root
