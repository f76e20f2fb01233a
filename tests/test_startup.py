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
