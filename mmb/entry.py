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
    _no_pydantic_plugins()
    from mmb.cli import main as cli_main

    try:
        cli_main()
        code = 0
    except SystemExit as exc:
        code = _exit_code(exc.code)
    # Leave without the interpreter's clean-up: it frees every object one by one, a tenth
    # of a second after a big reconcile, and there is nothing left to clean up (files are
    # written and closed, the lock is let go, worker processes have ended).
    import contextlib
    import os

    for stream in (sys.stdout, sys.stderr):
        # A closed pipe (`mmb ... | head`): nothing more to say.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def _no_pydantic_plugins() -> None:
    """mmb's models use no pydantic plugins. Looking for them imports `importlib.metadata`
    and reads the metadata of every installed package, a tenth of a coordinator command's
    time: so the run says there are none (`PYDANTIC_DISABLE_PLUGINS`, and in place of
    pydantic's plugin loader a module whose `get_plugins` gives none). A plugin installed
    for other programs would only watch mmb validate its own files."""
    import os
    import types

    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    name = "pydantic.plugin._loader"
    if name not in sys.modules and "pydantic" not in sys.modules:
        loader = types.ModuleType(name, "mmb: no pydantic plugins (see mmb.entry)")
        loader.get_plugins = lambda: ()  # type: ignore[attr-defined]

        def real(attr: str) -> object:
            # A pydantic that wants more of its loader than `get_plugins` gets the real one
            # (PEP 562), never an ImportError: only the saving is lost.
            if attr.startswith("__"):  # the import system asking (__path__ ...)
                raise AttributeError(attr)
            import importlib

            sys.modules.pop(name, None)
            return getattr(importlib.import_module(name), attr)

        loader.__getattr__ = real  # type: ignore[method-assign]
        sys.modules[name] = loader


def _exit_code(code: object) -> int:
    """The process exit status `sys.exit(code)` would give."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    sys.stderr.write(f"{code}\n")
    return 1
