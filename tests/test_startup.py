"""Start-up: `mmb --version` and `mmb --help` import none of the heavy libraries.

Not a timing test (timings flake); the benchmark script measures the milliseconds. What
makes start-up fast is what gets imported, and that is checked here exactly.
"""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("typer", "rich", "pydantic", "ruamel", "mmb.cli", "mmb.models")

PROBE = """
import sys, io, contextlib
sys.argv = ["mmb", {arg!r}]
out = io.StringIO()
with contextlib.redirect_stdout(out):
    from mmb.entry import main
    main()
print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r} or m in {heavy!r}))
"""


def _imported(arg: str) -> str:
    result = subprocess.run([sys.executable, "-c", PROBE.format(arg=arg, heavy=list(HEAVY))],
                            capture_output=True, text=True, check=True)
    return result.stdout.strip().splitlines()[-1]


def test_version_imports_nothing_heavy():
    assert _imported("--version") == "[]"


def test_help_imports_nothing_heavy():
    assert _imported("--help") == "[]"


def test_static_help_is_what_typer_renders():
    from mmb._help import TOP_HELP
    from mmb.cli import render_top_help

    assert render_top_help() == TOP_HELP, (
        "mmb/_help.py is out of date; regenerate it as its docstring says")


def test_rules_do_not_import_the_cli_stack():
    probe = ("import sys, mmb.rules, mmb.ledger_rules, mmb.validate, mmb.actions; "
             "print(sorted(m for m in ('typer', 'rich') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


def test_the_exit_status_is_what_sys_exit_gives(capsys):
    """The entry point leaves with `os._exit` (no clean-up of a big run's objects): the
    status must be the one `sys.exit` would have given."""
    from mmb.entry import _exit_code

    assert [_exit_code(None), _exit_code(0), _exit_code(1), _exit_code(2), _exit_code(258)] == [
        0, 0, 1, 2, 2]
    assert _exit_code("mmb: gone") == 1
    assert capsys.readouterr().err == "mmb: gone\n"


def test_a_command_neither_looks_for_pydantic_plugins_nor_compiles_unused_patterns(tmp_path):
    """`importlib.metadata` (pydantic's plugin search) and compiling every pattern of
    `mmb.privacy` were a fifth of a coordinator command's start-up (issue 16)."""
    probe = ("import sys, io, contextlib\n"
             "sys.argv = ['mmb', 'schema', 'case']\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n"
             "    from mmb.entry import _no_pydantic_plugins\n"
             "    _no_pydantic_plugins()\n"
             "    from mmb.cli import app\n"
             "    try:\n"
             "        app()\n"
             "    except SystemExit:\n"
             "        pass\n"
             "import re, mmb.privacy as p\n"
             "print('importlib.metadata' in sys.modules,\n"
             "      sum(isinstance(v, re.Pattern) for v in vars(p).values()))\n"
             "p.find_personal_data('bel 06-12345678 of mail a@b.nl, NL91ABNA0417164300')\n"
             "print(sum(isinstance(v, re.Pattern) for v in vars(p).values()),\n"
             "      all(isinstance(v, re.Pattern) for v in p._IBAN_BY_LENGTH.values()))\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)
    first, second = result.stdout.split("\n")[:2]
    assert first.startswith("False ")
    before = int(first.split()[1])
    after, ibans = second.split()
    assert int(after) > before  # compiled when used, then in their own place
    assert ibans == "False"  # only the lengths met were compiled


def test_validate_answered_from_its_cache_builds_no_models(tmp_path):
    """A warm `mmb validate` reads findings from the cache: the models (building them is
    pydantic's slow part; Typer itself imports pydantic) and the YAML parser are not even
    imported (issue 16)."""
    import os
    import time

    team = tmp_path / "team"
    (team / "cases").mkdir(parents=True)
    (team / "team.yaml").write_text("name: T\nmembers: [{id: a}, {id: b}]\n"
                                    "categories: [zorg]\n", encoding="utf-8")
    old = time.time() - 60  # files changed in the last two seconds are not cached
    os.utime(team / "team.yaml", (old, old))
    os.utime(team / "cases", (old, old))
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "MMB_NOW": "2026-11-22 12:00"}
    probe = ("import sys, io, contextlib\n"
             f"sys.argv = ['mmb', 'validate', {str(team)!r}]\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n"
             "    from mmb.cli import app\n"
             "    try:\n"
             "        app()\n"
             "    except SystemExit:\n"
             "        pass\n"
             "print(sorted(m for m in ('mmb.models', 'ruamel.yaml') if m in sys.modules))\n")
    first = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           check=True, env=env)
    assert "mmb.models" in first.stdout  # the first run checks the files
    warm = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, env=env)
    assert warm.stdout.strip().splitlines()[-1] == "[]"


def test_a_pydantic_wanting_more_of_its_plugin_loader_gets_the_real_one() -> None:
    """mmb.entry stands in for pydantic's plugin loader (start-up time); a pydantic release
    that imports anything else from it must get the real module, not an ImportError."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from mmb.entry import _no_pydantic_plugins\n"
            "_no_pydantic_plugins()\n"
            "from pydantic.plugin._loader import get_plugins\n"
            "assert tuple(get_plugins()) == ()\n"
            "from pydantic.plugin._loader import PYDANTIC_ENTRY_POINT_GROUP\n"
            "assert PYDANTIC_ENTRY_POINT_GROUP == 'pydantic'\n"
            "import pydantic\n"
            "class M(pydantic.BaseModel):\n"
            "    x: int\n"
            "assert M(x=1).x == 1\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
