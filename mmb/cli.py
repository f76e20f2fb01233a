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
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from mmb import __version__
from mmb import messages as msg
from mmb.completion import complete_case, complete_category, complete_member
from mmb.errors import MmbError, NotATeamFolder, UsageError


def _plain_arguments(command: object) -> None:
    """Show arguments as a user reads them, the way options are shown: `CASE`, `[FOLDERS]...`.

    Typer (0.2x) writes a positional argument's Python type after it (`CASE <str>`,
    `FOLDERS <list[str]>`) and its own brackets around it in the usage line (`{CASE}`,
    `[[FOLDERS]...]...`); an option with a metavar is spared this, an argument is not. So
    every argument of the command tree shows its metavar (or its name in capitals) as
    given, keeping only a list of choices (`<team|case|defaults|payees>`).
    tests/test_cli.py reads every command's --help for Python types."""
    for param in getattr(command, "params", []):
        if getattr(param, "param_type_name", None) != "argument":
            continue
        shown = param.metavar or param.name.upper()
        if param.metavar is None and not param.required:
            shown = f"[{shown}]"
        if param.metavar is None and param.nargs != 1:
            shown += "..."
        type_text = getattr(param, "display_type_rich", None)
        if type_text is not None:
            def choices_only(ctx: object, _type_text: Any = type_text) -> str | None:
                text = _type_text(ctx)
                return text if isinstance(text, str) and "|" in text else None

            setattr(param, "display_type_rich", choices_only)  # noqa: B010
        setattr(param, "get_usage_pieces", lambda ctx, _shown=shown: [_shown])  # noqa: B010
    for sub in getattr(command, "commands", {}).values():
        _plain_arguments(sub)


class _Group(TyperGroup):
    """The command tree, with arguments shown as `_plain_arguments` says."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        _plain_arguments(self)


app = typer.Typer(
    name="mmb",
    cls=_Group,
    help="Bookkeeping over plain files for Mini-Maatwerkbudget teams.",
    no_args_is_help=True,
    add_completion=True,
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
            raise UsageError(msg.CLI_NOW_BAD.format(value=pinned)) from None
    return datetime.now()


def _colour(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and "NO_COLOR" not in os.environ


def _echo(text: str, err: bool = False) -> None:
    """Print a line of output. Text from the files (names, chat messages, bank texts) can
    hold escape sequences and bidi controls: every line is shown `visible` (mmb's own
    line breaks kept), so nothing in the data can act on the terminal or the CI log."""
    from mmb.text import visible

    typer.echo(visible(text, newlines=True), err=err)


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
        metavar="[FOLDERS]...",
        help="Team or municipality folders (default: the current folder).")] = None,
    format: Annotated[OutputFormat, typer.Option(
        "--format", "-f", help="text, json (one object with problems and summary; see the "
        "README) or github (workflow annotations).")
    ] = OutputFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Check everything afresh; do not read or write the cache.")
    ] = False,
    since: Annotated[str | None, typer.Option(
        "--since", metavar="REF", help="Also check the git history since REF (a commit, "
        "branch or tag; in CI the pull request's base): decisions, votes, ledger rows and "
        "receipts of REF kept (MMB110, MMB111, MMB213).")] = None,
) -> None:
    """Check every rule over the team folders (for CI). Exit 1 when problems are found."""
    from mmb import render
    from mmb.validate import validate_folders

    use_cache = not no_cache and not os.environ.get("MMB_NO_CACHE")
    result = validate_folders(folders or ["."], _now(), use_cache=use_cache, since=since)
    if format is OutputFormat.json:
        _echo(render.findings_json(result))
    elif format is OutputFormat.github:
        for line in render.findings_github(result.findings):
            _echo(line)
        _echo(render.summary_line(result))
    else:
        render.findings_text(result, sys.stdout, _colour(sys.stdout))
    raise typer.Exit(1 if result.failed(strict) else 0)


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(
        metavar="[FOLDER]", help="Folder for the new team (created if needed; default: the "
        "current folder).")] = Path("."),
    name: Annotated[str | None, typer.Option("--name", metavar="NAME",
                                             help="The team's name.")] = None,
) -> None:
    """Create a team folder: a commented team.yaml, cases/, bank/, receipts/, ledger.csv
    and ready-to-use CI for the team's repository."""
    from mmb.scaffold import create_team_folder

    created = create_team_folder(folder, name)
    for path in created:
        _echo(f"  {path}")
    _echo(msg.INIT_DONE.format(folder=folder))


class SchemaKind(StrEnum):
    team = "team"
    case = "case"
    defaults = "defaults"
    payees = "payees"


@app.command()
def schema(
    kind: Annotated[SchemaKind | None, typer.Argument(
        metavar="[KIND]",
        help="team (team.yaml), case (cases/*.yaml), defaults (mmb.yaml) or payees "
             "(payees.yaml).")] = None,
    output_dir: Annotated[Path | None, typer.Option(
        "--output-dir", "-o", metavar="DIR",
        help="Write team/case/mmb/payees .schema.json files into this folder.")
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
            _echo(msg.SCHEMA_WRITTEN.format(path=target))
        return
    if kind is None:
        payload = {k.value: json_schema(k.value) for k in SchemaKind}
        _echo(json.dumps(payload, indent=2))
    else:
        _echo(json.dumps(json_schema(kind.value), indent=2))


@app.command()
def status(
    team: Annotated[Path | None, typer.Option(
        "--team", "-C", metavar="PATH",
        help="Team folder (default: the nearest one at or above here).")] = None,
    year: Annotated[int | None, typer.Option("--year", metavar="YEAR",
                                             help="Budget year (default: this year).")
                    ] = None,
) -> None:
    """Budget left, cases waiting for votes or a decision, approvals, in one screen."""
    from mmb.folder import TeamDoc, load_team
    from mmb.ledger import Ledger, read_ledger
    from mmb.status import build_status, render_status
    from mmb.validate import validate_team

    now = _now()
    root = _team_root(team)
    loaded: list[tuple[TeamDoc, Ledger]] = []

    def load() -> tuple[TeamDoc, Ledger]:
        loaded.append((load_team(root, parse_cache=True), read_ledger(root)))
        return loaded[0]

    # The problem count comes from the validation cache when nothing changed since.
    found, _ = validate_team(root, now, not os.environ.get("MMB_NO_CACHE"), load=load)
    doc, ledger = loaded[0] if loaded else load()
    report = build_status(doc, now, year or now.year, found, ledger)
    render_status(report, sys.stdout, _colour(sys.stdout))


TeamOption = Annotated[Path | None, typer.Option(
    "--team", "-C", metavar="PATH",
    help="Team folder (default: the nearest one at or above here).")]
AtOption = Annotated[str | None, typer.Option(
    "--at", metavar="TIME", help="When, as YYYY-MM-DD HH:MM (default: now).")]
NoteOption = Annotated[str | None, typer.Option("--note", metavar="TEXT",
                                                 help="A short note (no personal data).")]
ByOption = Annotated[str, typer.Option("--by", metavar="MEMBER",
                                       help="Member id of who records the decision.",
                                       autocompletion=complete_member)]
CaseArgument = Annotated[str, typer.Argument(metavar="CASE", help="Case id, e.g. 2026-014.",
                                             autocompletion=complete_case)]

case_app = typer.Typer(help="Open, list and show cases.", no_args_is_help=True,
                        rich_markup_mode=None)
votes_app = typer.Typer(help="Votes from chat exports.", no_args_is_help=True,
                        rich_markup_mode=None)
app.add_typer(case_app, name="case")
app.add_typer(votes_app, name="votes")


def _ask(value: str | None, option: str, prompt: str, missing: list[str]) -> str:
    """The option's value; on a terminal ask for a missing one, else note it as missing."""
    if value is not None and value.strip():
        return value
    if sys.stdin.isatty():
        answer = str(typer.prompt(prompt)).strip()
        if answer:
            return answer
    missing.append(option)
    return ""


@case_app.command("new")
def case_new(
    household: Annotated[str | None, typer.Option(
        "--household", metavar="CODE",
        help="The household's code (see `mmb household`).")] = None,
    category: Annotated[str | None, typer.Option(
        "--category", metavar="CATEGORY", help="A category of team.yaml.",
        autocompletion=complete_category)] = None,
    amount: Annotated[str | None, typer.Option(
        "--amount", metavar="EUROS", help="Requested amount in euros.")] = None,
    by: Annotated[str | None, typer.Option(
        "--by", metavar="MEMBER", help="Member id of the requester.",
        autocompletion=complete_member)] = None,
    purpose: Annotated[str | None, typer.Option(
        "--purpose", metavar="TEXT", help="What is needed and why, anonymously.")] = None,
    opened: Annotated[str | None, typer.Option(
        "--opened", metavar="TIME",
        help="When the case was brought in, as YYYY-MM-DD HH:MM (default: now).")] = None,
    alternative: Annotated[list[str] | None, typer.Option(
        "--alternative", metavar="TEXT", help="Another route tried (repeatable).")] = None,
    team: TeamOption = None,
) -> None:
    """Open a new case; prints its id. Asks for missing options only on a terminal."""
    from mmb import actions

    root = _team_root(team)
    missing: list[str] = []
    from mmb import cli_corrections

    if cli_corrections.interactive():  # each answer checked as it is typed
        values = cli_corrections.ask_new_case(root, {
            "by": by, "household": household, "category": category, "amount": amount,
            "purpose": purpose}, actions.parse_time(opened, "--opened") if opened else _now())
    else:
        values = {
            "by": _ask(by, "--by", msg.ASK_REQUESTED_BY, missing),
            "household": _ask(household, "--household", msg.ASK_HOUSEHOLD, missing),
            "category": _ask(category, "--category", msg.ASK_CATEGORY, missing),
            "amount": _ask(amount, "--amount", msg.ASK_AMOUNT, missing),
            "purpose": _ask(purpose, "--purpose", msg.ASK_PURPOSE, missing),
        }
    if missing:
        raise UsageError(msg.OPTIONS_MISSING.format(options=", ".join(missing)))
    now = _now()
    result = actions.new_case(
        root, household=values["household"], category=values["category"],
        amount=actions.parse_amount(values["amount"]), by=values["by"],
        purpose=values["purpose"],
        opened=actions.minute(actions.parse_time(opened, "--opened") if opened else now),
        alternatives=alternative or [], now=now)
    _echo(result.case_id)
    from mmb.files import relpath
    from mmb.money import euro

    _echo(msg.CASE_CREATED.format(id=result.case_id, path=relpath(result.path, root)),
          err=True)
    if result.headroom is None:
        _echo(msg.CASE_HOUSEHOLD_NO_CAP.format(
            household=result.household, total=euro(result.household_total),
            period=result.period_text), err=True)
    else:
        _echo(msg.CASE_HOUSEHOLD.format(
            household=result.household, total=euro(result.household_total),
            period=result.period_text, room=euro(result.headroom)), err=True)
    _echo("\n" + msg.CASE_CHAT_POST_INTRO + "\n\n" + msg.CASE_CHAT_POST.format(
        id=result.case_id, category=values["category"],
        amount=euro(actions.parse_amount(values["amount"])),
        purpose=" ".join(values["purpose"].split())), err=True)


@app.command()
def vote(
    case: CaseArgument,
    member: Annotated[str, typer.Argument(metavar="MEMBER", help="Member id of the voter.",
                                          autocompletion=complete_member)],
    value: Annotated[str, typer.Argument(
        metavar="VOTE", help="approve, object or abstain (akkoord, tegen, onthouding).")],
    at: AtOption = None,
    note: NoteOption = None,
    team: TeamOption = None,
) -> None:
    """Record a vote on a case. Warns when the vote will not count."""
    from mmb import actions

    now = _now()
    result = actions.record_vote(_team_root(team), case, member, value,
                                 at=actions.parse_time(at, "--at") if at else None,
                                 note=note, now=now)
    _echo(msg.VOTE_RECORDED.format(member=result.member, vote=result.vote.value,
                                        id=result.case_id, at=actions.fmt_time(result.at),
                                        approvals=result.approvals, quorum=result.quorum))
    if not result.counts:
        _echo(msg.VOTE_WONT_COUNT.format(reason=result.reason), err=True)


class DateOrderOption(StrEnum):
    dmy = "dmy"
    mdy = "mdy"
    ymd = "ymd"


@votes_app.command("import")
def votes_import(
    chat: Annotated[Path, typer.Argument(metavar="CHAT",
                                         help="WhatsApp export: .txt or the iPhone .zip.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be recorded.")
                       ] = False,
    date_order: Annotated[DateOrderOption | None, typer.Option(
        "--date-order", help="How the export writes dates, when mmb cannot tell: dmy "
        "(31-12-2026), mdy (12/31/26) or ymd (2026/12/31).")] = None,
    by_context: Annotated[bool, typer.Option(
        "--by-context", help="Also record replies without a case id when the chat leaves "
        "exactly one case they can answer (see the README).")] = False,
    team: TeamOption = None,
) -> None:
    """Record the votes of a WhatsApp export that name a case id; list the rest."""
    from mmb import actions

    root = _team_root(team)
    now = _now()
    order = date_order.value if date_order is not None else None
    expect: set[tuple[int, str]] | None = None
    if not by_context and not dry_run and sys.stdin.isatty():
        preview = actions.import_chat_votes(root, chat, dry_run=True, now=now,
                                            date_order=order, by_context=True)  # type: ignore[arg-type]
        taken = preview.by_context
        if taken:
            for v in taken:
                _echo(msg.IMPORT_CONTEXT_ROW.format(
                    id=v.case_id, member=v.member, vote=v.vote.value,
                    at=actions.fmt_time(v.at), line=v.line, post=v.context_line))
            if typer.confirm(msg.ASK_BY_CONTEXT.format(count=len(taken)), default=False):
                by_context = True
                expect = {(v.line, v.case_id) for v in taken}
    result = actions.import_chat_votes(root, chat, dry_run=dry_run, now=now,
                                       date_order=order,  # type: ignore[arg-type]
                                       by_context=by_context, expect_by_context=expect)
    _echo(msg.IMPORT_DATE_ORDER.format(order=result.date_order,
                                            reason=result.date_order_reason))
    if result.recorded:
        verb = msg.IMPORT_VERB_DRY_RUN if dry_run else msg.IMPORT_VERB_RECORDED
        _echo(msg.IMPORT_RECORDED.format(verb=verb, count=len(result.recorded)))
        for v in result.recorded:
            row = msg.IMPORT_RECORDED_ROW.format(id=v.case_id, member=v.member,
                                                 vote=v.vote.value,
                                                 at=actions.fmt_time(v.at), line=v.line)
            if v.context_line is not None:
                row += msg.IMPORT_BY_CONTEXT.format(post=v.context_line)
            _echo(row)
    if result.already:
        _echo(msg.IMPORT_ALREADY.format(count=result.already))
    if not result.recorded and not result.already and not result.not_recorded:
        _echo(msg.IMPORT_NOTHING)
    if result.not_recorded:
        _echo(msg.IMPORT_NOT_RECORDED.format(count=len(result.not_recorded)))
        for n in result.not_recorded:
            _echo(msg.IMPORT_NOT_RECORDED_ROW.format(
                at=actions.fmt_time(n.at), sender=n.sender, line=n.line, reason=n.reason,
                excerpt=msg.IMPORT_EXCERPT.format(excerpt=n.excerpt) if n.excerpt else ""))


def _print_decided(result: object) -> None:
    from mmb.actions import Decided, fmt_time
    from mmb.models import Outcome
    from mmb.money import euro

    assert isinstance(result, Decided)
    if result.outcome is Outcome.approved and result.amount is not None:
        _echo(msg.DECIDED_APPROVED.format(id=result.case_id, amount=euro(result.amount),
                                               at=fmt_time(result.at),
                                               approvals=", ".join(result.approvals)))
        if result.household_cap is not None:
            from mmb.privacy import mask

            _echo(msg.DECIDED_CAP.format(household=mask(result.household),
                                              total=euro(result.household_total),
                                              cap=euro(result.household_cap)))
        if result.budget_left is not None:
            _echo(msg.DECIDED_BUDGET.format(year=result.year,
                                                 left=euro(result.budget_left)))
    else:
        _echo(msg.DECIDED_OTHER.format(id=result.case_id, outcome=result.outcome.value,
                                            at=fmt_time(result.at)))


@app.command()
def approve(
    case: CaseArgument,
    by: ByOption,
    amount: Annotated[str | None, typer.Option(
        "--amount", metavar="EUROS",
        help="Approved amount (default: the requested amount).")] = None,
    at: AtOption = None,
    note: NoteOption = None,
    team: TeamOption = None,
) -> None:
    """Approve a case after checking quorum, household cap, budget, escalation and veto.
    On any failure it says why, with the numbers, and changes nothing (exit 1)."""
    from mmb import actions

    result = actions.approve(_team_root(team), case, by=by,
                             amount=actions.parse_amount(amount) if amount else None,
                             at=actions.parse_time(at, "--at") if at else None,
                             note=note, now=_now())
    _print_decided(result)


def _decide(case: str, outcome: str, by: str, at: str | None, note: str | None,
            solved_by: str | None, team: Path | None) -> None:
    from mmb import actions
    from mmb.models import Outcome

    result = actions.decide(_team_root(team), case, Outcome(outcome), by=by,
                            at=actions.parse_time(at, "--at") if at else None, note=note,
                            solved_by=solved_by, now=_now())
    _print_decided(result)


@app.command()
def reject(
    case: CaseArgument,
    by: ByOption,
    at: AtOption = None,
    note: NoteOption = None,
    team: TeamOption = None,
) -> None:
    """Record that the team rejected a case."""
    _decide(case, "rejected", by, at, note, None, team)


@app.command()
def resolve(
    case: CaseArgument,
    by: ByOption,
    solved_by: Annotated[str, typer.Option(
        "--solved-by", metavar="TEXT", help="What solved it, e.g. \"bijzondere bijstand\".")],
    at: AtOption = None,
    note: NoteOption = None,
    team: TeamOption = None,
) -> None:
    """Record that a case was solved another way, without money from the budget."""
    _decide(case, "solved_otherwise", by, at, note, solved_by, team)


@app.command()
def withdraw(
    case: CaseArgument,
    by: ByOption,
    at: AtOption = None,
    note: NoteOption = None,
    team: TeamOption = None,
) -> None:
    """Record that a request was withdrawn."""
    _decide(case, "withdrawn", by, at, note, None, team)


@app.command()
def reopen(
    case: CaseArgument,
    by: Annotated[str, typer.Option("--by", metavar="MEMBER", help="Member id of who reopens it.",
                                    autocompletion=complete_member)],
    note: Annotated[str, typer.Option(
        "--note", metavar="WHY", help="Why the decision is taken anew (no personal data).")],
    team: TeamOption = None,
) -> None:
    """Reopen a decided case: the decision moves to the case's history (never rewritten)
    and the case waits for a new one. Earlier votes stay but do not count for it."""
    from mmb import actions
    from mmb.money import euro

    result = actions.reopen(_team_root(team), case, by=by, reason=note, now=_now())
    past = result.past
    _echo(msg.REOPEN_DONE.format(id=result.case_id, outcome=past.outcome.value,
                                 at=actions.fmt_time(past.at), by=past.by))
    if result.paid > 0:
        _echo(msg.REOPEN_PAID.format(id=result.case_id, paid=euro(result.paid)), err=True)


@app.command()
def household(
    client_number: Annotated[str | None, typer.Argument(
        metavar="[NUMBER]",
        help="The client's number in your own system. Better left out: typed here it stays "
             "in your shell history; without it mmb asks for it (hidden) or reads one number "
             "per line from standard input. It is neither stored nor printed.")] = None,
    new_secret: Annotated[bool, typer.Option(
        "--new-secret", help="Create the team's secret (once), outside the repository.")
    ] = False,
    import_secret: Annotated[Path | None, typer.Option(
        "--import-secret", metavar="FILE",
        help="Take over the team's secret from a key file a colleague gave you.")] = None,
    team: TeamOption = None,
) -> None:
    """Print the team's pseudonymous household code for a client number (keyed HMAC)."""
    from mmb import actions

    root = _team_root(team)
    if new_secret or import_secret is not None:
        if new_secret and import_secret is not None:
            raise UsageError(msg.HOUSEHOLD_NEW_OR_IMPORT)
        if import_secret is not None:
            made = actions.import_household_secret(root, import_secret)
        else:
            made = actions.create_household_secret(root)
        if made.team_id_added:
            _echo(msg.HOUSEHOLD_TEAM_ID_ADDED.format(team_id=made.team_id), err=True)
        if new_secret:
            _echo(msg.HOUSEHOLD_SECRET_CREATED.format(path=made.path))
        else:
            _echo(msg.HOUSEHOLD_SECRET_IMPORTED.format(source=import_secret, path=made.path))
        if client_number is None:
            return
    ctx = actions.open_team(root)
    numbers: list[str]
    if client_number is not None:
        if sys.stdin.isatty():
            _echo(msg.HOUSEHOLD_ARGUMENT_HISTORY, err=True)
        numbers = [client_number]
    elif sys.stdin.isatty():
        numbers = [str(typer.prompt(msg.ASK_CLIENT_NUMBER, hide_input=True))]
    else:
        numbers = [line.strip() for line in sys.stdin.read(1024 * 1024).splitlines()
                   if line.strip()]
        if not numbers:
            raise UsageError(msg.HOUSEHOLD_STDIN_EMPTY)
    for number in numbers:
        _echo(actions.household_code_for_team(ctx.team, number))


@app.command()
def reconcile(
    check: Annotated[bool, typer.Option(
        "--check", help="Change nothing; exit 1 if anything is open.")] = False,
    yes: Annotated[bool, typer.Option(
        "--yes", "-y", help="Take unambiguous payment links without asking.")] = False,
    team: TeamOption = None,
) -> None:
    """Import every export in bank/ into ledger.csv (once, however often run), link
    payments to cases and receipts, and show what is still open."""
    from mmb import render
    from mmb.reconcile import reconcile as run

    chooser = None
    if not check and not yes and sys.stdin.isatty():
        from mmb.cli_corrections import choose_case

        chooser = choose_case
    now = _now()
    result = run(_team_root(team), now, check=check, link=yes, choose=chooser)
    render.reconcile_summary(result, sys.stdout, _colour(sys.stdout), now.year)
    if check and result.open_items:
        raise typer.Exit(1)


class PainVersion(StrEnum):
    v03 = "03"
    v09 = "09"


@app.command()
def pay(
    output: Annotated[Path, typer.Option(
        "--output", "-o", metavar="FILE",
        help="The batch file to write; it must not exist yet.")],
    cases: Annotated[list[str] | None, typer.Argument(
        metavar="[CASES]...",
        help="Case ids (default: every approved case with a payee and money left).")] = None,
    execution_date: Annotated[str | None, typer.Option(
        "--execution-date", metavar="YYYY-MM-DD",
        help="When the bank pays: a business day, today or later (default: the first "
             "business day from today).")] = None,
    version: Annotated[PainVersion, typer.Option(
        "--version", help="03: pain.001.001.03, which every Dutch bank takes; 09: "
        "pain.001.001.09.")] = PainVersion.v03,
    account: Annotated[str | None, typer.Option(
        "--account", metavar="IBAN", help="The team account to pay from, when team.yaml "
        "has several.")] = None,
    amount: Annotated[str | None, typer.Option(
        "--amount", metavar="EUROS",
        help="With one case: pay this much of what is left (default: all).")
    ] = None,
    again: Annotated[str | None, typer.Option(
        "--again", metavar="BATCH", help="Write the file of an earlier batch again from "
        "the orders its cases recorded; nothing is ordered anew.")] = None,
    team: TeamOption = None,
) -> None:
    """Pay approved cases' payees: a SEPA transfer file (pain.001) for the bank's
    portal; each transfer is recorded in its case."""
    from mmb import actions
    from mmb.pay import describe, parse_date, pay_again
    from mmb.pay import pay as run

    root = _team_root(team)
    day = parse_date(execution_date, "--execution-date") if execution_date else None
    if again is not None:
        if cases or amount is not None:
            raise UsageError(msg.PAY_AGAIN_ALONE)
        result = pay_again(root, again, output=output, execution_date=day,
                           version=version.value, account=account, now=_now())
    else:
        result = run(root, cases or [], output=output, execution_date=day,
                     version=version.value, account=account,
                     amount=actions.parse_amount(amount) if amount is not None else None,
                     now=_now())
    for line in describe(result):
        _echo(line)


@app.command("log")
def log_(
    case: CaseArgument,
    team: TeamOption = None,
) -> None:
    """The case's history from git in plain words: opened, votes, decision, reopens,
    follow-up, transfers, payments and receipts linked, with commit authors and dates."""
    from mmb import git
    from mmb.caselog import case_log

    result = case_log(_team_root(team), case)
    _echo(msg.LOG_TITLE.format(id=result.case_id, path=result.path))
    if result.shallow:
        _echo(msg.LOG_SHALLOW, err=True)
    if not result.entries:
        _echo(msg.LOG_NOTHING)
    for entry in result.entries:
        if entry.commit.committed:
            _echo(msg.LOG_COMMIT.format(date=git.when(entry.commit), short=entry.commit.short,
                                        author=entry.commit.author))
        else:
            _echo(msg.LOG_NOT_COMMITTED)
        for event in entry.events:
            _echo(msg.LOG_EVENT.format(event=event))


class ReportFormat(StrEnum):
    table = "table"
    csv = "csv"
    xlsx = "xlsx"
    json = "json"
    md = "md"
    html = "html"
    pdf = "pdf"


class Breakdown(StrEnum):
    district = "district"
    team = "team"
    category = "category"
    month = "month"


@app.command()
def report(
    folders: Annotated[list[str] | None, typer.Argument(
        metavar="[FOLDERS]...",
        help="Team or municipality folders (default: the current folder).")] = None,
    year: Annotated[int | None, typer.Option(
        "--year", metavar="YEAR",
        help="The year (default: last year until March, else this year).")] = None,
    format: Annotated[ReportFormat, typer.Option(
        "--format", "-f", help="table, csv, xlsx, json, md, html or pdf.")
    ] = ReportFormat.table,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE",
        help="Write to this file (needed for xlsx and pdf); the name says the format: "
             ".pdf, .xlsx, .html, .md, .csv, .json, .txt.")] = None,
    by: Annotated[Breakdown | None, typer.Option(
        "--by", help="Breakdown over many teams: district, team, category or month.")] = None,
    public: Annotated[bool, typer.Option(
        "--public", help="Anonymised aggregate: no case ids, codes, names or free text; "
        "noisy figures, small ones hidden (needs the key: --new-key).")] = False,
    threshold: Annotated[int, typer.Option(
        "--threshold", metavar="N",
        help="With --public: figures of fewer (noisy) households are hidden.")] = 5,
    dutch_excel: Annotated[bool, typer.Option(
        "--dutch-excel", help="With csv: semicolons and decimal commas for Dutch Excel.")
    ] = False,
    new_key: Annotated[bool, typer.Option(
        "--new-key", help="Make the municipality's key for --public (once) in the folder "
        "given, and stop.")] = False,
    verify: Annotated[Path | None, typer.Option(
        "--verify", metavar="REPORT.json", help="Check that the folders (default: the ones "
        "the report was made from) still hold exactly the files this JSON report was made "
        "from: exit 0, or 1 listing what changed.")] = None,
) -> None:
    """The year-end account of a team, or the figures of many teams; --public for the
    municipality's anonymised aggregate."""
    if verify is not None:
        from mmb.fingerprint import run_verify

        given = [name for name, used in (
            ("--year", year is not None), ("--format", format is not ReportFormat.table),
            ("-o", output is not None), ("--by", by is not None), ("--public", public),
            ("--threshold", threshold != 5), ("--dutch-excel", dutch_excel),
            ("--new-key", new_key)) if used]
        if given:
            raise UsageError(msg.YE_VERIFY_OPTIONS.format(options=", ".join(given)))
        raise typer.Exit(run_verify(verify, folders or None, sys.stdout))
    from mmb.report import run_report

    if new_key:
        from mmb.report_key import create_key

        if folders is not None and len(folders) > 1:
            raise UsageError(msg.REPORT_KEY_ONE_FOLDER)
        if public or output is not None or by is not None or year is not None:
            raise UsageError(msg.REPORT_KEY_WITH_OPTIONS)
        folder = Path(folders[0] if folders else ".")
        path = create_key(folder)
        typer.echo(msg.REPORT_KEY_CREATED.format(path=path, folder=folder))
        raise typer.Exit(0)

    code = run_report(folders or ["."], year=year, fmt=format.value, output=output,
                      by=by.value if by else None, public=public, threshold=threshold,
                      dutch_excel=dutch_excel, now=_now(), stdout=sys.stdout,
                      colour=_colour(sys.stdout))
    raise typer.Exit(code)


def _team_root(team: Path | None) -> Path:
    """The team folder of -C/--team, or the nearest one at or above the working folder."""
    from mmb.folder import TEAM_FILE, find_team_root

    if team is None:
        return find_team_root(Path.cwd())
    if not (team / TEAM_FILE).is_file():
        raise NotATeamFolder(msg.NOT_A_TEAM.format(folder=team))
    return team


def render_top_help(width: int = 80) -> str:
    """`mmb --help` as Typer renders it, at a fixed width (see `mmb._help`)."""
    import typer.main
    from typer._click import Context

    command = typer.main.get_command(app)
    context = Context(command, info_name="mmb", terminal_width=width, max_content_width=width)
    return command.get_help(context) + "\n"


def main() -> None:
    """Run the app, turning failures into one plain line (see `mmb.entry`)."""
    from mmb.text import visible

    try:
        app()
    except MmbError as exc:
        # The message may quote a value or a file name from the files: shown `visible`.
        sys.stderr.write(f"mmb: {visible(exc.message, newlines=True)}\n")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write(f"mmb: {msg.CLI_INTERRUPTED}\n")
        sys.exit(130)
    except OSError as exc:  # a folder or file the system refused (read-only, disk full)
        from mmb.files import write_error

        shown = str(exc.filename) if exc.filename is not None else "?"
        sys.stderr.write(f"mmb: {visible(str(write_error(shown, exc)), newlines=True)}\n")
        if os.environ.get("MMB_DEBUG"):
            raise
        sys.exit(2)
    except Exception as exc:
        from mmb.files import files_written

        written = files_written()  # so that the message never says "no file was changed"
        message = (msg.INTERNAL_ERROR_AFTER_WRITE.format(
            kind=type(exc).__name__, files=", ".join(map(str, written)))
            if written else msg.INTERNAL_ERROR.format(kind=type(exc).__name__))
        sys.stderr.write(f"mmb: {visible(message, newlines=True)}\n")
        if os.environ.get("MMB_DEBUG"):
            raise
        sys.exit(2)


from mmb import cli_corrections as _cli_corrections  # noqa: E402, F401 (registers its commands)
