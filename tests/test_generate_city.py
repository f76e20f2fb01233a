"""bench/generate_city.py: a generated city validates clean, its ledger is what `mmb
reconcile` writes, the output is deterministic, and `--findings N` gives exactly the
findings the generator promises."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

GENERATOR = Path(__file__).resolve().parent.parent / "bench" / "generate_city.py"
TINY = ["--teams", "3", "--cases", "60", "--ledger-rows", "300"]
ENV = {**os.environ, "MMB_NOW": "2026-11-22 12:00", "NO_COLOR": "1", "MMB_NO_CACHE": "1"}


@pytest.fixture(autouse=True, scope="module")
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Whatever mmb caches goes to a temporary folder, never the user's."""
    ENV["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))


def generate(out: Path, *args: str) -> list[str]:
    """Run the generator on a tiny city; its stdout lines."""
    result = subprocess.run([sys.executable, str(GENERATOR), str(out), *TINY, *args],
                            capture_output=True, text=True, env=ENV, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def mmb(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mmb", *args], capture_output=True, text=True,
                          env=ENV, timeout=120)


def validate_json(folder: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    result = mmb("validate", "--format", "json", *extra, str(folder))
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def teams_of(city: Path) -> list[Path]:
    return sorted(p.parent for p in city.glob("*/*/team.yaml"))


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    out = tmp_path_factory.mktemp("gen") / "city"
    return out, generate(out)


def test_city_validates_clean(city: tuple[Path, list[str]]) -> None:
    out, lines = city
    assert json.loads(lines[-1]) == {}
    assert "3 teams, 60 cases, 300 ledger rows" in lines[0]
    code, report = validate_json(out, "--strict")
    assert report["problems"] == []
    assert report["summary"] == {"teams": 3, "cases": 60, "errors": 0, "warnings": 0}
    assert code == 0
    teams = teams_of(out)
    assert len(teams) == 3
    rows = 0
    for team in teams:
        assert list((team / "bank").glob("*.csv"))
        with open(team / "ledger.csv", encoding="utf-8", newline="") as fh:
            rows += sum(1 for _ in csv.reader(fh)) - 1
    assert rows == 300


def test_ledger_is_what_reconcile_writes(city: tuple[Path, list[str]],
                                         tmp_path: Path) -> None:
    out, _ = city
    for team in teams_of(out):
        check = mmb("reconcile", "--check", "-C", str(team))
        assert check.returncode == 0, check.stdout + check.stderr
        copy = tmp_path / team.name
        shutil.copytree(team, copy)
        shutil.copy(out / "mmb.yaml", tmp_path / "mmb.yaml")
        (copy / "ledger.csv").unlink()
        result = mmb("reconcile", "-C", str(copy))
        assert result.returncode == 0, result.stderr
        with open(team / "ledger.csv", encoding="utf-8", newline="") as fh:
            generated = list(csv.reader(fh))
        with open(copy / "ledger.csv", encoding="utf-8", newline="") as fh:
            imported = list(csv.reader(fh))
        # id, date, amount, balance, counterparty, counterparty_iban, description, source
        assert [r[:8] for r in generated] == [r[:8] for r in imported]


def test_same_seed_same_bytes(city: tuple[Path, list[str]], tmp_path: Path) -> None:
    out, _ = city
    again = tmp_path / "again"
    generate(again)
    assert tree(again) == tree(out)
    other = tmp_path / "other"
    generate(other, "--seed", "2")
    assert tree(other) != tree(out)


def test_findings_variant_reports_exactly_the_promised_counts(tmp_path: Path) -> None:
    out = tmp_path / "city"
    expected = json.loads(generate(out, "--findings", "12")[-1])
    assert sum(expected.values()) == 12
    assert len(expected) >= 6  # spread over the types
    code, report = validate_json(out)
    assert code == 1
    assert dict(Counter(p["code"] for p in report["problems"])) == expected
