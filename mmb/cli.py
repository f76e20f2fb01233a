"""The `mmb` command line: parse options, call the core, render, set the exit code.

No rules here. Heavy modules (pydantic, ruamel.yaml, rich) are imported inside the commands
that need them, so `mmb --version` starts fast. Every failure is an `MmbError` and becomes
one plain line on stderr with exit code 2 (1 for a refusal); no traceback reaches a user.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from mmb import __version__
from mmb import messages as msg
from mmb.errors import MmbError, NotATeamFolder, UsageError

app = typer.Typer(
    name="mmb",
    help="Bookkeeping over plain files for Mini-Maatwerkbudget teams.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _now() -> datetime:
    """Local time now; `MMB_NOW=YYYY-MM-DD HH:MM` pins it (reproducible runs and tests)."""
    pinned = os.environ.get("MMB_NOW")
    if pinned:
        try:
            return datetime.strptime(pinned.strip(), "%Y-%m-%d %H:%M")
        except ValueError:
            raise UsageError(f"MMB_NOW={pinned!r} is not YYYY-MM-DD HH:MM") from None
    return datetime.now()


def _colour(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and "NO_COLOR" not in os.environ


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mmb {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Cases, votes, the cash book and reports for a Mini-Maatwerkbudget team, kept as
    YAML and CSV files in a team folder under git."""


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


@app.command()
def validate(
    folders: Annotated[list[str] | None, typer.Argument(
        help="Team or municipality folders (default: the current folder).")] = None,
    format: Annotated[OutputFormat, typer.Option(
        "--format", "-f", help="text, json (SPEC 4.1) or github (workflow annotations).")
    ] = OutputFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
) -> None:
    """Check every rule over the team folders (for CI). Exit 1 when problems are found."""
    from mmb import render
    from mmb.validate import validate_folders

    result = validate_folders(folders or ["."], _now())
    if format is OutputFormat.json:
        typer.echo(render.findings_json(result))
    elif format is OutputFormat.github:
        for line in render.findings_github(result.findings):
            typer.echo(line)
        typer.echo(render.summary_line(result))
    else:
        render.findings_text(result, sys.stdout, _colour(sys.stdout))
    raise typer.Exit(1 if result.failed(strict) else 0)


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="Folder for the new team (created if needed).")
                      ] = Path("."),
    name: Annotated[str | None, typer.Option("--name", help="The team's name.")] = None,
) -> None:
    """Create a team folder: a commented team.yaml, cases/, bank/, receipts/, ledger.csv
    and ready-to-use CI for the team's repository."""
    from mmb.scaffold import create_team_folder

    created = create_team_folder(folder, name)
    for path in created:
        typer.echo(f"  {path}")
    typer.echo(msg.INIT_DONE.format(folder=folder))


class SchemaKind(StrEnum):
    team = "team"
    case = "case"
    defaults = "defaults"


@app.command()
def schema(
    kind: Annotated[SchemaKind | None, typer.Argument(
        help="team (team.yaml), case (cases/*.yaml) or defaults (mmb.yaml).")] = None,
    output_dir: Annotated[Path | None, typer.Option(
        "--output-dir", "-o", help="Write team/case/mmb .schema.json files into this folder.")
    ] = None,
) -> None:
    """JSON Schema of team.yaml, case files and mmb.yaml, for editor autocompletion."""
    import json

    from mmb.files import atomic_write_text
    from mmb.models import json_schema

    if output_dir is not None:
        output_dir.mkdir(parents=True, exist_ok=True)
        kinds = [kind] if kind else list(SchemaKind)
        for k in kinds:
            target = output_dir / f"{'mmb' if k is SchemaKind.defaults else k.value}.schema.json"
            atomic_write_text(target, json.dumps(json_schema(k.value), indent=2) + "\n")
            typer.echo(msg.SCHEMA_WRITTEN.format(path=target))
        return
    if kind is None:
        payload = {k.value: json_schema(k.value) for k in SchemaKind}
        typer.echo(json.dumps(payload, indent=2))
    else:
        typer.echo(json.dumps(json_schema(kind.value), indent=2))


@app.command()
def status(
    team: Annotated[Path | None, typer.Option(
        "--team", "-C", help="Team folder (default: the nearest one at or above here).")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Budget year (default: this year).")
                    ] = None,
) -> None:
    """Budget left, cases waiting for votes or a decision, approvals, in one screen."""
    from mmb.folder import load_team
    from mmb.status import build_status, render_status

    now = _now()
    doc = load_team(_team_root(team))
    report = build_status(doc, now, year or now.year)
    render_status(report, sys.stdout, _colour(sys.stdout))


def _team_root(team: Path | None) -> Path:
    """The team folder of -C/--team, or the nearest one at or above the working folder."""
    from mmb.folder import TEAM_FILE, find_team_root

    if team is None:
        return find_team_root(Path.cwd())
    if not (team / TEAM_FILE).is_file():
        raise NotATeamFolder(msg.NOT_A_TEAM.format(folder=team))
    return team


def main() -> None:
    """Console entry point: run the app, turning failures into one plain line."""
    if sys.argv[1:] in (["--version"], ["-V"]):
        # Answer before importing anything else: start-up time matters in scripts.
        sys.stdout.write(f"mmb {__version__}\n")
        return
    try:
        app()
    except MmbError as exc:
        sys.stderr.write(f"mmb: {exc.message}\n")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("mmb: interrupted\n")
        sys.exit(130)
    except Exception as exc:
        sys.stderr.write(f"mmb: {msg.INTERNAL_ERROR.format(kind=type(exc).__name__)}\n")
        if os.environ.get("MMB_DEBUG"):
            raise
        sys.exit(2)
