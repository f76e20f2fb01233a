"""The command line of the daily corrections (issue 16): `mmb case list`, `case show`,
`link`, `receipt add`, `followup`, the questions of an interactive `case new` and the
reconcile picker. Thin: options in, `mmb.corrections` does the work, lines out.

Registered on the app of `mmb.cli` when that module loads (its last line imports this
one); heavy modules are imported inside the commands.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mmb import messages as msg
from mmb.cli import CaseArgument, TeamOption, _echo, _now, _team_root, app, case_app
from mmb.completion import complete_case
from mmb.errors import UsageError

if TYPE_CHECKING:
    from mmb.corrections import RowChooser
    from mmb.ledger import LedgerRow
    from mmb.reconcile import CaseChoice


def interactive() -> bool:
    """Whether mmb may ask questions: standard input is a terminal."""
    return sys.stdin.isatty()


class ListFormat(StrEnum):
    text = "text"
    json = "json"


@case_app.command("list")
def case_list(
    pending: Annotated[bool, typer.Option("--pending", help="Only cases without a decision.")
                       ] = False,
    unpaid: Annotated[bool, typer.Option(
        "--unpaid", help="Only approved cases with money left to pay.")] = False,
    no_receipt: Annotated[bool, typer.Option(
        "--no-receipt", help="Only cases with a payment that has no receipt.")] = False,
    year: Annotated[int | None, typer.Option(
        "--year", metavar="YEAR", help="Only cases opened in this year.")] = None,
    format: Annotated[ListFormat, typer.Option("--format", "-f", help="text or json.")
                      ] = ListFormat.text,
    team: TeamOption = None,
) -> None:
    """The team's cases: state, paid, left and receipts. Files that cannot be read are
    listed too."""
    from mmb.corrections import CaseFilter, case_lines_json, list_cases
    from mmb.money import euro

    lines = list_cases(_team_root(team), CaseFilter(pending, unpaid, no_receipt, year))
    if format is ListFormat.json:
        _echo(case_lines_json(lines))
        return
    if not lines:
        _echo(msg.LIST_NONE)
        return
    _echo(msg.LIST_HEADER.format(**msg.LIST_COLUMNS))
    for x in lines:
        if x.opened is None:
            _echo(msg.LIST_ROW_BROKEN.format(id=x.case_id, path=x.path, problem=x.problem))
            continue
        state = x.state
        if x.approved is not None:
            state = f"{x.state} {euro(x.approved)}"
        receipts = (msg.LIST_RECEIPTS_MISSING.format(count=x.no_receipt) if x.no_receipt
                    else msg.LIST_RECEIPTS_OK if x.paid else "-")
        _echo(msg.LIST_ROW.format(
            id=x.case_id, opened=x.opened.date().isoformat(), category=x.category[:12],
            amount=euro(x.amount) if x.amount is not None else "", state=state,
            paid=euro(x.paid) if x.approved is not None else "-",
            left=euro(x.left) if x.left is not None else "-", receipts=receipts))
    _echo(msg.LIST_SUMMARY.format(count=len(lines)))


@case_app.command("show")
def case_show(case: CaseArgument, team: TeamOption = None) -> None:
    """One case: its votes (counted or not, and why), decision, history, payments,
    receipts and the household's room under the cap."""
    from mmb.corrections import render_case, show_case

    now = _now()
    view = show_case(_team_root(team), case, now)
    for line in render_case(view, now):
        _echo(line)


@app.command()
def link(
    row: Annotated[str, typer.Argument(
        metavar="ROW", help="The ledger.csv row number as validate and reconcile show it, or the "
             "transaction id.")],
    case: Annotated[str | None, typer.Argument(
        metavar="[CASE]", help="The case the payment (or with --kind refund, the refund) is for.",
        autocompletion=complete_case)] = None,
    kind: Annotated[str | None, typer.Option(
        "--kind", metavar="KIND",
        help="deposit, refund, bank_costs, transfer, correction or other.")
    ] = None,
    note: Annotated[str | None, typer.Option(
        "--note", metavar="TEXT",
        help="A short note (needed for --kind other; answers a cash withdrawal).")
    ] = None,
    replace: Annotated[bool, typer.Option(
        "--replace", help="Change a row that is linked already.")] = False,
    team: TeamOption = None,
) -> None:
    """Link a ledger row to a case, or give it a kind; checked as validate checks it."""
    from mmb.corrections import link_row, link_text
    from mmb.money import euro

    result = link_row(_team_root(team), row, case, kind=kind, note=note,
                      replace_link=replace, now=_now())
    r = result.row
    _echo(msg.LINK_DONE.format(row=r.row, date=r.date.isoformat(), amount=euro(r.amount),
                               who=r.counterparty or r.description[:40] or msg.L_UNKNOWN_PARTY,
                               now=link_text(r), was=link_text(result.before)))
    for warning in result.warnings:
        _echo(warning, err=True)


receipt_app = typer.Typer(help="Receipts: copy one in and link it.", no_args_is_help=True,
                          rich_markup_mode=None)
app.add_typer(receipt_app, name="receipt")


def _choose_row(case_id: str) -> RowChooser:
    def choose(rows: list[LedgerRow]) -> LedgerRow | None:
        from mmb.money import euro
        from mmb.text import visible

        if not interactive():
            return None
        options = ", ".join(msg.RECEIPT_ROW_OPTION.format(
            row=r.row, date=r.date.isoformat(), amount=euro(r.amount), receipt=r.receipt or "-")
            for r in rows)
        while True:
            answer = str(typer.prompt(visible(msg.RECEIPT_CHOOSE.format(
                id=case_id, options=options)), default="", show_default=False)).strip()
            if not answer:
                return None
            for r in rows:
                if answer == str(r.row):
                    return r
            _echo(msg.ASK_AGAIN.format(problem=msg.R_CHOOSE_OUT_OF_RANGE.format(
                answer=answer, count=len(rows)).strip()))

    return choose


@receipt_app.command("add")
def receipt_add(
    file: Annotated[Path, typer.Argument(metavar="FILE",
                                               help="The photo or PDF of the receipt.")],
    case: Annotated[str, typer.Option("--case", metavar="CASE",
                                      help="The case it is a receipt of.",
                                      autocompletion=complete_case)],
    row: Annotated[str | None, typer.Option(
        "--row", metavar="ROW",
        help="The ledger row of the payment (when the case has more than one).")
    ] = None,
    team: TeamOption = None,
) -> None:
    """Copy a receipt into receipts/ under the case's name and link it on its payment."""
    from mmb.corrections import add_receipt
    from mmb.money import euro

    case_id = case
    result = add_receipt(_team_root(team), file, case_id, row=row, now=_now(),
                         choose=_choose_row(case_id.strip()))
    if result.row is None:
        _echo(msg.RECEIPT_DONE_UNLINKED.format(source=file.name, path=result.path, id=case_id))
    else:
        _echo(msg.RECEIPT_DONE.format(source=file.name, path=result.path, row=result.row.row,
                                      date=result.row.date.isoformat(),
                                      amount=euro(result.row.amount)))


@app.command()
def followup(
    case: CaseArgument,
    note: Annotated[str, typer.Option(
        "--note", metavar="TEXT", help="How it went (no personal data).")],
    regret: Annotated[bool | None, typer.Option(
        "--regret/--no-regret", help="Whether the team regrets the spending.")] = None,
    at: Annotated[str | None, typer.Option(
        "--at", metavar="DAY", help="The day, YYYY-MM-DD (default: today).")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Replace an earlier follow-up.")
                       ] = False,
    team: TeamOption = None,
) -> None:
    """Record how an approved case turned out (followup: in the case file)."""
    from mmb.corrections import record_followup

    day: date | None = None
    if at is not None:
        try:
            day = date.fromisoformat(at.strip())
        except ValueError:
            raise UsageError(msg.DATE_BAD.format(value=at)) from None
    result = record_followup(_team_root(team), case, regret=regret, note=note, at=day,
                             replace_followup=replace, now=_now())
    _echo(msg.FOLLOWUP_DONE.format(id=result.case_id, at=result.followup.at.isoformat(),
                                   regret=msg.SHOW_REGRET if result.followup.regret
                                   else msg.SHOW_NO_REGRET))
    if result.replaced is not None:
        _echo(msg.FOLLOWUP_REPLACED.format(at=result.replaced.at.isoformat()))


# --------------------------------------------------------------------------- case new

def ask_new_case(root: Path, given: dict[str, str | None], opened: datetime
                 ) -> dict[str, str]:
    """The answers of an interactive `mmb case new`: each option not given (or given
    wrong) is asked, checked as soon as it is typed, and asked again alone after a
    mistake, so earlier answers are kept. Members and categories are shown to choose
    from; an amount may be written `95`, `95,50`, `€95` or `€ 95,-`."""
    from mmb.actions import open_team, parse_amount
    from mmb.corrections import (
        check_household_answer,
        check_member_answer,
        check_text_answer,
        pick_category,
    )

    ctx = open_team(root)
    team = ctx.team
    day = opened.date()

    def member(answer: str) -> tuple[str | None, str | None]:
        problem = check_member_answer(ctx.members, answer, day)
        return (None, problem) if problem else (answer.strip(), None)

    def household(answer: str) -> tuple[str | None, str | None]:
        problem = check_household_answer(team.household_pattern, answer)
        return (None, problem) if problem else (answer.strip(), None)

    def category(answer: str) -> tuple[str | None, str | None]:
        found = pick_category(team.categories, answer)
        return (found, None) if found else (None, msg.CATEGORY_UNKNOWN_ANSWER.format(
            answer=answer))

    def amount(answer: str) -> tuple[str | None, str | None]:
        try:
            parse_amount(answer)
        except UsageError as exc:
            return None, exc.message.removeprefix("--amount: ")
        return answer.strip(), None

    def purpose(answer: str) -> tuple[str | None, str | None]:
        if not answer.strip():
            return None, msg.OPTION_EMPTY.format(option="--purpose")
        problem = check_text_answer("purpose", answer)
        return (None, problem) if problem else (answer.strip(), None)

    active = [m for m in team.members if m.active_on(day)]
    shown = {
        "by": msg.ASK_CHOOSE_MEMBER.format(members=", ".join(
            f"{m.id} ({m.name})" if m.name else m.id for m in active)),
        "category": msg.ASK_CHOOSE_CATEGORY.format(categories=", ".join(
            f"{i}) {c}" for i, c in enumerate(team.categories, start=1))),
    }
    questions = (("by", msg.ASK_REQUESTED_BY, member), ("household", msg.ASK_HOUSEHOLD, household),
                 ("category", msg.ASK_CATEGORY, category), ("amount", msg.ASK_AMOUNT, amount),
                 ("purpose", msg.ASK_PURPOSE, purpose))
    answers: dict[str, str] = {}
    for key, prompt, check in questions:
        value = given.get(key)
        if value is not None and value.strip():
            ok, problem = check(value)
            if ok is not None:
                answers[key] = ok
                continue
            _echo(msg.ASK_AGAIN.format(problem=problem), err=True)
        if key in shown:
            _echo(shown[key], err=True)
        while True:
            answer = str(typer.prompt(prompt, err=True)).strip()
            ok, problem = check(answer) if answer else (None, msg.OPTION_EMPTY.format(
                option="--" + key))
            if ok is not None:
                answers[key] = ok
                break
            _echo(msg.ASK_AGAIN.format(problem=problem), err=True)
    return answers


# --------------------------------------------------------------------------- reconcile

def choose_case(row: LedgerRow, options: list[CaseChoice]) -> str | None:
    """Ask the coordinator which case a payment is for (only on a terminal): date, amount
    and counterparty, and per candidate its purpose, approved amount and what is left. An
    answer that is not in the list asks again; Enter skips the payment."""
    from mmb.money import euro
    from mmb.text import shorten

    _echo(msg.R_CHOOSE_HEAD.format(date=row.date, amount=euro(row.amount),
                                   who=row.counterparty or row.description[:40]
                                   or msg.L_UNKNOWN_PARTY))
    for n, c in enumerate(options, start=1):
        _echo(msg.R_CHOOSE_OPTION.format(n=n, id=c.case_id,
                                         purpose=shorten(" ".join(c.purpose.split()), 50),
                                         approved=euro(c.approved), left=euro(c.left)))
    ids = [c.case_id for c in options]
    while True:
        answer = str(typer.prompt(msg.R_CHOOSE_ASK, default="", show_default=False)).strip()
        if not answer:
            return None
        if answer.isdigit() and 1 <= int(answer) <= len(options):
            return ids[int(answer) - 1]
        if answer.lstrip("#") in ids:
            return answer.lstrip("#")
        _echo(msg.R_CHOOSE_OUT_OF_RANGE.format(answer=answer, count=len(options)))
