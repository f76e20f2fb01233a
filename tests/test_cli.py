"""The command line as a user runs it: exit codes, stdout and stderr, files on disk."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import case_yaml, tree_hash

ROOT = Path(__file__).resolve().parent.parent
# The validation cache of these runs goes to a folder of their own, not the user's.
CACHE_HOME = tempfile.mkdtemp(prefix="mmb-test-cache-")
EXAMPLES = ROOT / "examples"


def mmb(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None):
    """Run the real console entry point in a subprocess (no traceback may leak)."""
    full_env = {**os.environ, "MMB_NOW": "2026-11-22 12:00", "NO_COLOR": "1",
                "XDG_CACHE_HOME": CACHE_HOME, **(env or {})}
    full_env.pop("MMB_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "mmb", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=120)


def test_version():
    result = mmb("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("mmb ")


def test_examples_validate_clean_strict():
    before = tree_hash(EXAMPLES)
    result = mmb("validate", "--strict", str(EXAMPLES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 team(s), 64 case(s): no problems found" in result.stdout
    assert tree_hash(EXAMPLES) == before  # validate never writes


def test_examples_json_summary():
    result = mmb("validate", "--format", "json", "examples", cwd=ROOT)
    payload = json.loads(result.stdout)
    assert payload == {"problems": [], "summary": {"teams": 3, "cases": 64, "errors": 0,
                                                   "warnings": 0}}


def test_findings_text_json_github(make_team):
    root = make_team({"2026-001": case_yaml(approved="600", amount="600"),
                      "2026-002": "id: 2026-002\nopened: [\n"})
    text = mmb("validate", str(root))
    assert text.returncode == 1
    assert f"{root}/cases/2026-001.yaml:22: error MMB103 household H-0001" in text.stdout
    assert f"{root}/cases/2026-002.yaml:3: error MMB001 YAML syntax error" in text.stdout
    assert text.stdout.strip().endswith("1 team(s), 2 case(s): 2 error(s), 0 warning(s)")
    assert text.stderr == ""

    payload = json.loads(mmb("validate", "--format", "json", str(root)).stdout)
    first = payload["problems"][0]
    assert set(first) == {"path", "line", "code", "severity", "case", "message"}
    assert first["path"] == f"{root}/cases/2026-001.yaml"
    assert (first["line"], first["code"], first["severity"], first["case"]) == (
        22, "MMB103", "error", "2026-001")
    assert payload["problems"][1]["case"] == "2026-002"  # from the file name (SPEC 6.1)
    assert payload["summary"] == {"teams": 1, "cases": 2, "errors": 2, "warnings": 0}

    gh = mmb("validate", "--format", "github", str(root)).stdout.splitlines()
    assert gh[0].startswith(f"::error file={root}/cases/2026-001.yaml,line=22,title=MMB103::")


def test_paths_are_given_folder_joined_with_file(make_team, tmp_path):
    make_team({"2026-001": case_yaml(approved="600", amount="600")}, folder="stad/noord/team")
    result = mmb("validate", "--format", "json", "stad", cwd=tmp_path)
    assert json.loads(result.stdout)["problems"][0]["path"] == "stad/noord/team/cases/2026-001.yaml"
    result = mmb("validate", "--format", "json", cwd=tmp_path / "stad/noord/team")
    assert json.loads(result.stdout)["problems"][0]["path"] == "cases/2026-001.yaml"


def test_warnings_pass_unless_strict(make_team):
    root = make_team({"2026-001": case_yaml(decided="2026-03-04 10:00")})
    assert mmb("validate", str(root)).returncode == 0
    strict = mmb("validate", "--strict", str(root))
    assert strict.returncode == 1
    assert "warning MMB107" in strict.stdout


@pytest.mark.parametrize("args", [["validate", "/nonexistent/folder"], ["status", "-C", "/tmp"],
                                  ["validate", "--format", "xml"]])
def test_cannot_run_is_exit_2_one_line(args):
    result = mmb(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_not_a_team_folder(tmp_path):
    result = mmb("validate", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "holds no team folder" in result.stderr


def test_init_creates_a_valid_team_and_refuses_twice(tmp_path):
    target = tmp_path / "noord-oost"
    result = mmb("init", str(target), "--name", "Buurtteam Noord-Oost")
    assert result.returncode == 0, result.stderr
    for rel in ["team.yaml", "ledger.csv", "cases", "bank", "receipts", ".gitignore",
                "requirements-mmb.txt", ".github/workflows/mmb.yml", ".gitlab-ci.yml",
                ".pre-commit-config.yaml"]:
        assert (target / rel).exists(), rel
    assert (target / "ledger.csv").read_text().startswith("id,date,amount,balance,")
    assert "mmb validate --format github" in (target / ".github/workflows/mmb.yml").read_text()
    # The validation cache lives outside the team folder (tests/test_dist.py checks more).
    assert (target / ".gitignore").read_text().splitlines()[-1] == ".*.tmp"
    assert mmb("validate", "--strict", str(target)).returncode == 0
    before = tree_hash(target)
    again = mmb("init", str(target))
    assert again.returncode == 2 and "already holds team.yaml" in again.stderr
    assert tree_hash(target) == before


def test_init_team_yaml_explains_every_rule(tmp_path):
    from mmb.models import Rules

    mmb("init", str(tmp_path / "t"))
    text = (tmp_path / "t" / "team.yaml").read_text()
    for key in Rules.model_fields:
        line = next(ln for ln in text.splitlines() if ln.strip().startswith(f"{key}:"))
        assert "#" in line, f"rule {key} has no explanation"


def test_schema(tmp_path):
    result = mmb("schema", "case")
    schema = json.loads(result.stdout)
    assert schema["title"] == "mmb case file"
    assert "household" in schema["properties"] and schema["additionalProperties"] is False
    out = mmb("schema", "-o", str(tmp_path))
    assert out.returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "case.schema.json", "mmb.schema.json", "payees.schema.json", "team.schema.json"]


def test_status_on_example():
    team = EXAMPLES / "amsterdam" / "noord" / "buurtteam-noord-oost"
    result = mmb("status", "-C", str(team))
    assert result.returncode == 0, result.stderr
    assert "Buurtteam Noord-Oost" in result.stdout
    assert "No cases waiting for a decision." in result.stdout


def test_status_finds_team_above_working_folder():
    team = EXAMPLES / "amsterdam" / "noord" / "buurtteam-noord-oost"
    result = mmb("status", cwd=team / "cases")
    assert result.returncode == 0 and "Buurtteam Noord-Oost" in result.stdout


def test_no_colour_when_piped(make_team):
    root = make_team({"2026-001": case_yaml(approved="600", amount="600")})
    result = mmb("validate", str(root), env={"NO_COLOR": ""})
    assert "\x1b[" not in result.stdout


def _leaf_commands(command, path=()):
    subs = getattr(command, "commands", None)
    if not subs:
        yield path
        return
    for name, sub in subs.items():
        yield from _leaf_commands(sub, (*path, name))


def test_help_shows_no_python_types_and_no_documents_users_lack():
    """Every command's --help: metavars a user reads (CASE, [FOLDERS]..., --by MEMBER), no
    Python types (`<str>`, `<list[str]>`), no Typer brackets (`{CASE}`, `[[FOLDER]]`), and
    no reference to documents a user does not have (the project's SPEC)."""
    import typer.main
    from typer.testing import CliRunner

    from mmb.cli import app

    commands = list(_leaf_commands(typer.main.get_command(app)))
    assert ("validate",) in commands and ("case", "new") in commands
    for path in commands:
        result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, (path, result.output)
        text = result.output
        types = [t for t in re.findall(r"<[^<>\s]+>", text) if "|" not in t]
        assert types == [], (path, text)
        assert "list[" not in text and "{" not in text and "[[" not in text, (path, text)
        assert "SPEC" not in text, (path, text)
        usage = text.splitlines()[0]
        assert usage.startswith(f"Usage: mmb {' '.join(path)} [OPTIONS]"), usage
