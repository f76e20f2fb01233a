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
    # One command is a short-lived process that builds many small objects (100,000
    # ledger rows, 20,000 cases) and hardly any reference cycles; the cyclic garbage
    # collector, run every 700 allocations, took a third of the time of reading a big
    # export. Reference counting still frees everything else; the process exits soon.
    import gc

    gc.disable()
    from mmb.cli import main as cli_main

    cli_main()
