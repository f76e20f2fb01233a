"""The `mmb` console entry point, kept apart from the CLI so that `mmb --version` answers
without importing Typer, Rich, pydantic or ruamel.yaml (start-up time matters in scripts)."""

from __future__ import annotations

import sys


def main() -> None:
    """Run mmb: answer `--version` at once, else hand over to the full command line."""
    args = sys.argv[1:]
    if args in (["--version"], ["-V"]):
        from mmb import __version__

        sys.stdout.write(f"mmb {__version__}\n")
        return
    if args in (["--help"], ["-h"]):
        from mmb._help import TOP_HELP

        sys.stdout.write(TOP_HELP)
        return
    from mmb.cli import main as cli_main

    cli_main()
