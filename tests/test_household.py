"""Issue 14, household secrets: one per team identity (team_id), never readable by
others, never too short, and the client number kept off the command line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TEAM_YAML
from typer.testing import CliRunner

from mmb import actions
from mmb.cli import app
from mmb.errors import InputError, UsageError
from mmb.folder import load_team
from mmb.scaffold import create_team_folder

runner = CliRunner()


@pytest.fixture(autouse=True)
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cfg"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    monkeypatch.delenv("MMB_HOUSEHOLD_SECRET", raising=False)
    return home


def team_of(root: Path) -> actions.Team:
    return actions.open_team(root).team


def test_two_teams_with_the_same_name_get_their_own_secret(make_team) -> None:
    one = make_team({}, folder="noord")
    two = make_team({}, folder="elders/noord")  # same name in team.yaml, same folder name
    made_one = actions.create_household_secret(one)
    made_two = actions.create_household_secret(two)
    assert made_one.team_id != made_two.team_id
    assert made_one.path != made_two.path
    assert re.fullmatch(r"[0-9a-f]{32}", made_one.team_id)
    assert made_one.team_id_added and made_two.team_id_added
    code_one = actions.household_code_for_team(team_of(one), "123456789")
    code_two = actions.household_code_for_team(team_of(two), "123456789")
    assert code_one != code_two


def test_team_id_is_written_once_into_team_yaml_keeping_the_rest(make_team) -> None:
    team = "# our team\n" + TEAM_YAML.replace("name: Buurtteam Test",
                                              "name: Buurtteam Test  # display name")
    root = make_team({}, team=team)
    made = actions.create_household_secret(root)
    text = (root / "team.yaml").read_text(encoding="utf-8")
    assert text == team.replace("name: Buurtteam Test  # display name\n",
                                f"name: Buurtteam Test  # display name\nteam_id: {made.team_id}\n")
    assert load_team(root).findings == []


def test_the_identity_survives_a_clone_a_move_and_a_rename(make_team, tmp_path) -> None:
    root = make_team({})
    made = actions.create_household_secret(root)
    code = actions.household_code_for_team(team_of(root), "123456789")
    clone = tmp_path / "elsewhere" / "other-name"
    clone.parent.mkdir()
    os.rename(root, clone)
    renamed = (clone / "team.yaml").read_text(encoding="utf-8").replace(
        "name: Buurtteam Test", "name: Wijkteam Anders")
    (clone / "team.yaml").write_text(renamed, encoding="utf-8")
    assert team_of(clone).team_id == made.team_id
    assert actions.household_code_for_team(team_of(clone), "123456789") == code


def test_init_writes_a_team_id(tmp_path) -> None:
    create_team_folder(tmp_path / "a", name="Buurtteam A")
    create_team_folder(tmp_path / "b", name="Buurtteam A")
    ids = [load_team(tmp_path / x).team.team_id for x in "ab"]  # type: ignore[union-attr]
    assert all(i is not None and re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    assert ids[0] != ids[1]


def test_a_secret_readable_by_others_is_refused_with_the_chmod(make_team) -> None:
    root = make_team({})
    path = actions.create_household_secret(root).path
    for mode in (0o644, 0o640, 0o604):
        path.chmod(mode)
        with pytest.raises(InputError) as refused:
            actions.household_secret(team_of(root))
        assert f"run `chmod 600 {path}`" in str(refused.value)
        assert oct(mode)[2:] in str(refused.value)
    path.chmod(0o600)
    assert len(actions.household_secret(team_of(root))) == 64
    path.chmod(0o400)
    assert len(actions.household_secret(team_of(root))) == 64


def test_a_short_or_odd_secret_file_is_refused(make_team) -> None:
    root = make_team({})
    path = actions.create_household_secret(root).path
    path.write_text("too short\n", encoding="utf-8")
    with pytest.raises(InputError, match="too short"):
        actions.household_secret(team_of(root))
    path.unlink()
    path.mkdir()
    with pytest.raises(InputError, match="not a regular file"):
        actions.household_secret(team_of(root))


def test_a_fifo_in_place_of_the_secret_does_not_hang(make_team) -> None:
    root = make_team({})
    path = actions.create_household_secret(root).path
    path.unlink()
    os.mkfifo(path, 0o600)
    with pytest.raises(InputError, match="not a regular file"):
        actions.household_secret(team_of(root))


def test_environment_secret_must_be_long_enough(make_team, monkeypatch) -> None:
    team = team_of(make_team({}))
    monkeypatch.setenv("MMB_HOUSEHOLD_SECRET", "fifteen-chars-x")
    with pytest.raises(UsageError, match=r"too short \(15 characters, at least 16\)"):
        actions.household_secret(team)
    monkeypatch.setenv("MMB_HOUSEHOLD_SECRET", "sixteen-chars-xx")
    assert actions.household_secret(team) == b"sixteen-chars-xx"


def test_without_team_id_the_old_name_based_secret_is_pointed_out(make_team, config_home) -> None:
    root = make_team({})
    with pytest.raises(UsageError, match=r"--new-secret` once to add a team_id"):
        actions.household_secret(team_of(root))
    old = actions.legacy_secret_path("Buurtteam Test")
    old.parent.mkdir(parents=True)
    old.write_text("0123456789abcdef0123456789abcdef\n", encoding="utf-8")
    old.chmod(0o600)
    old_code = actions.household_code(b"0123456789abcdef0123456789abcdef", "123456789")
    with pytest.raises(UsageError) as refused:
        actions.household_secret(team_of(root))
    assert f"mmb household --import-secret {old}" in str(refused.value)
    made = actions.import_household_secret(root, old)
    assert made.team_id_added and made.path == actions.secret_path(made.team_id)
    assert made.path.stat().st_mode & 0o777 == 0o600
    assert actions.household_code_for_team(team_of(root), "123456789") == old_code


def test_import_refuses_to_replace_a_different_secret(make_team, tmp_path) -> None:
    root = make_team({})
    made = actions.create_household_secret(root)
    before = made.path.read_bytes()
    other = tmp_path / "other.key"
    other.write_text("another-secret-0123456789\n", encoding="utf-8")
    with pytest.raises(UsageError, match="different household secret"):
        actions.import_household_secret(root, other)
    assert made.path.read_bytes() == before
    same = tmp_path / "same.key"
    same.write_bytes(before)
    assert actions.import_household_secret(root, same).path == made.path


def test_colleague_with_a_clone_but_no_key_is_told_what_to_do(make_team, config_home) -> None:
    root = make_team({})
    made = actions.create_household_secret(root)
    made.path.unlink()
    with pytest.raises(UsageError) as refused:
        actions.household_secret(team_of(root))
    assert made.team_id in str(refused.value)
    assert "--import-secret FILE" in str(refused.value)


def test_a_team_pattern_that_excludes_mmb_codes_is_reported(make_team) -> None:
    root = make_team({}, team=TEAM_YAML + "household_pattern: 'HH[0-9]{4}'\n")
    actions.create_household_secret(root)
    with pytest.raises(InputError, match="does not match household_pattern HH"):
        actions.household_code_for_team(team_of(root), "123456789")


# ----------------------------------------------------------------- the command


def mmb(*args: str, home: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The real entry point in a subprocess (exit codes and stderr as a user sees them)."""
    env = {**os.environ, "XDG_CONFIG_HOME": str(home), "NO_COLOR": "1"}
    env.pop("MMB_HOUSEHOLD_SECRET", None)
    return subprocess.run([sys.executable, "-m", "mmb", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_cli_reads_client_numbers_from_standard_input(make_team, config_home) -> None:
    root = make_team({})
    made = runner.invoke(app, ["household", "--new-secret", "-C", str(root)])
    assert made.exit_code == 0, made.output
    assert "Added team_id" in made.stderr
    result = runner.invoke(app, ["household", "-C", str(root)], input="123456789\n\n987.654.321\n")
    assert result.exit_code == 0, result.output
    codes = result.stdout.split()
    team = team_of(root)
    assert codes == [actions.household_code_for_team(team, "123456789"),
                     actions.household_code_for_team(team, "987654321")]
    assert "123456789" not in result.output and "987" not in result.output
    empty = mmb("household", "-C", str(root), home=config_home)
    assert empty.returncode == 2
    assert empty.stderr == "mmb: standard input held no client number; give one number per line\n"


def test_cli_keeps_the_argument_for_scripts(make_team) -> None:
    root = make_team({})
    runner.invoke(app, ["household", "--new-secret", "-C", str(root)])
    result = runner.invoke(app, ["household", "123456789", "-C", str(root)])
    assert result.exit_code == 0
    assert result.stdout.strip() == actions.household_code_for_team(team_of(root), "123456789")


def test_cli_import_secret(make_team, tmp_path, config_home) -> None:
    root = make_team({})
    key = tmp_path / "from-colleague.key"
    key.write_text("a-long-shared-secret-0123456789\n", encoding="utf-8")
    result = runner.invoke(app, ["household", "--import-secret", str(key), "-C", str(root)])
    assert result.exit_code == 0, result.output
    assert "Copied the household secret" in result.stdout
    code = runner.invoke(app, ["household", "-C", str(root)], input="42\n").stdout.strip()
    assert code == actions.household_code(b"a-long-shared-secret-0123456789", "42")
    both = mmb("household", "--new-secret", "--import-secret", str(key), "-C", str(root),
               home=config_home)
    assert both.returncode == 2 and "not both" in both.stderr


def test_cli_refuses_an_open_secret_with_exit_2(make_team, config_home) -> None:
    root = make_team({})
    runner.invoke(app, ["household", "--new-secret", "-C", str(root)])
    path = actions.secret_path(team_of(root).team_id or "")
    path.chmod(0o644)
    result = mmb("household", "-C", str(root), home=config_home, stdin="1\n")
    assert result.returncode == 2
    assert f"chmod 600 {path}" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_on_a_terminal_a_number_typed_as_argument_is_warned_about(make_team, config_home) -> None:
    # (The hidden prompt itself is typer.prompt(hide_input=True), i.e. getpass on /dev/tty.)
    import pty

    root = make_team({})
    runner.invoke(app, ["household", "--new-secret", "-C", str(root)])
    expected = actions.household_code_for_team(team_of(root), "123456789")
    env = {**os.environ, "XDG_CONFIG_HOME": str(config_home), "NO_COLOR": "1"}
    env.pop("MMB_HOUSEHOLD_SECRET", None)
    leader, follower = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "mmb", "household", "123456789", "-C",
                               str(root)], env=env, stdin=follower, capture_output=True,
                              text=True, timeout=120)
    finally:
        os.close(leader)
        os.close(follower)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == expected
    assert "stays in your shell history" in done.stderr
