"""The municipality's report key (`mmb report --new-key`, `mmb.report_key`): made once,
readable by its owner only, found from any folder below it, refused when missing, mixed,
readable by others, damaged or a link."""

from __future__ import annotations

import io
import os
import stat
from datetime import datetime
from pathlib import Path

import pytest
from conftest import TEAM_YAML, case_yaml, write_report_key
from typer.testing import CliRunner

from mmb.cli import app
from mmb.errors import InputError, UsageError
from mmb.report import run_report
from mmb.report_key import KEY_FILE, create_key, load_key

NOW = datetime(2026, 11, 22, 12, 0)


def _city(tmp_path: Path, make_team) -> tuple[Path, Path, Path]:
    city = tmp_path / "city"
    a = make_team({"2026-001": case_yaml()}, folder="city/noord/a")
    b = make_team({"2026-001": case_yaml()}, folder="city/zuid/b",
                  team=TEAM_YAML.replace("Buurtteam Test", "Buurtteam B"))
    (city / "mmb.yaml").write_text("rules: {quorum: 3}\n", encoding="utf-8")
    return city, a, b


def _public(folder: Path) -> str:
    out = io.StringIO()
    run_report([str(folder)], year=2026, fmt="json", output=None, by=None, public=True,
               threshold=5, dutch_excel=False, now=NOW, stdout=out, colour=False)
    return out.getvalue()


def test_new_key_is_private_ignored_by_git_and_found_from_below(tmp_path: Path, make_team,
                                                                monkeypatch) -> None:
    city, a, b = _city(tmp_path, make_team)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["report", "city", "--new-key"])
    assert result.exit_code == 0, result.output
    key = city / KEY_FILE
    assert "Created the report key" in result.output and str(key.relative_to(tmp_path)) in result.output
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert (city / ".mmb" / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert len(bytes.fromhex(key.read_text(encoding="ascii").strip())) == 32
    assert load_key([a, b], ["city"]).path == key  # a district or team run finds it
    assert _public(a)
    # a second key, above or below, is refused and the first one kept
    before = key.read_bytes()
    for folder in (city, city / "noord", tmp_path):
        with pytest.raises(UsageError, match="already a report key"):
            create_key(folder)
    assert key.read_bytes() == before
    result = CliRunner().invoke(app, ["report", "city", "--new-key", "--public"])
    assert isinstance(result.exception, UsageError)  # mmb.cli.main prints it, exit 2
    assert "only makes the key" in str(result.exception)


def test_missing_key_names_the_municipality_folder(tmp_path: Path, make_team,
                                                   monkeypatch) -> None:
    _, a, _ = _city(tmp_path, make_team)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError) as caught:
        _public(a)
    assert "`mmb report city --new-key`" in str(caught.value)


def test_mixed_readable_damaged_and_linked_keys_are_refused(tmp_path: Path, make_team) -> None:
    city, a, b = _city(tmp_path, make_team)
    write_report_key(a)
    write_report_key(b, "ab" * 16)
    with pytest.raises(UsageError, match="different report keys"):
        load_key([a, b], [str(city)])
    key = write_report_key(city)
    os.remove(a / KEY_FILE)
    os.remove(b / KEY_FILE)
    os.chmod(key, 0o644)
    with pytest.raises(InputError, match=r"chmod 600"):
        _public(city)
    os.chmod(key, 0o600)
    key.write_text("not hex at all, not hex at all!!\n", encoding="ascii")
    with pytest.raises(InputError, match="damaged"):
        _public(city)
    key.unlink()
    elsewhere = write_report_key(tmp_path)
    key.symlink_to(elsewhere)
    with pytest.raises(InputError, match="not a regular file"):
        _public(city)
