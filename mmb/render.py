"""Turning results into text, JSON and GitHub annotations. No decisions here."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from mmb import messages as msg
from mmb.findings import Finding
from mmb.text import json_safe, shorten, visible
from mmb.validate import Validation

#: Longest finding message shown: a net under the rule that a finding quotes only the
#: value at fault (no message of mmb's own comes near it).
MAX_MESSAGE = 1000


def findings_json(result: Validation) -> str:
    """SPEC 4.1: one JSON object with `problems` and `summary`."""
    payload: dict[str, Any] = {
        "problems": [
            {"path": f.path, "line": f.line, "code": f.code, "severity": f.level,
             "case": f.case, "message": shorten(f.message, MAX_MESSAGE)}
            for f in result.findings
        ],
        "summary": {"teams": result.teams, "cases": result.cases,
                    "errors": result.errors, "warnings": result.warnings},
    }
    # Controls and bidi marks from the files stay JSON escapes, never raw bytes.
    return json_safe(json.dumps(payload, ensure_ascii=False, indent=2))


def _gh_escape(text: str, prop: bool = False) -> str:
    """Text for a GitHub workflow command: shown `visible` (no escape sequence reaches
    the log), then `%`, CR and LF escaped as GitHub's command syntax wants (and `:` and
    `,` in a property)."""
    text = visible(text)
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def findings_github(findings: Iterable[Finding]) -> list[str]:
    """One workflow command per finding: ``::error file=…,line=…,title=MMB103::message``."""
    return [
        f"::{f.level} file={_gh_escape(f.path, True)},line={f.line},"
        f"title={f.code}::{_gh_escape(shorten(f.message, MAX_MESSAGE))}"
        for f in findings
    ]


def summary_line(result: Validation) -> str:
    if not result.findings:
        return msg.VALIDATE_CLEAN.format(teams=result.teams, cases=result.cases)
    return msg.VALIDATE_SUMMARY.format(teams=result.teams, cases=result.cases,
                                       errors=result.errors, warnings=result.warnings)


_ANSI = {"bold": "\x1b[1m", "red": "\x1b[31m", "yellow": "\x1b[33m", "green": "\x1b[32m",
         "reset": "\x1b[0m"}


def findings_text(result: Validation, out: TextIO, colour: bool) -> None:
    """Grouped by file: a blank line between files, `path:line: severity CODE message`
    (clickable in editors and terminals), then the one-line summary.

    Written as plain lines with ANSI colours (only on a terminal): a city's worth of
    findings must print in a blink, which per-line Rich rendering does not.
    """

    def paint(text: str, style: str) -> str:
        return f"{_ANSI[style]}{text}{_ANSI['reset']}" if colour else text

    lines: list[str] = []
    current: str | None = None
    for f in result.findings:
        if f.path != current:
            if current is not None:
                lines.append("")
            current = f.path
        style = "red" if f.level == "error" else "yellow"
        message = _plain(shorten(f.message, MAX_MESSAGE))
        lines.append(f"{paint(f'{_plain(f.path)}:{f.line}:', 'bold')} "
                     f"{paint(f'{f.level} {f.code}', style)} {message}")
    if result.findings:
        lines.append("")
    style = "red" if result.errors else ("yellow" if result.warnings else "green")
    lines.append(paint(summary_line(result), style))
    out.write("\n".join(lines) + "\n")


def _plain(text: str) -> str:
    """Text from files printed to a terminal: shown `visible` (no escape codes)."""
    return visible(text)


#: Findings listed per code after a reconcile; the rest are counted.
SUMMARY_PER_CODE = 10


def reconcile_summary(result: Any, out: TextIO, colour: bool, year: int) -> None:
    """The summary after `mmb reconcile`: imported, linked, balances, spending, open items.

    Plain lines with ANSI colours only on a terminal, like `findings_text` (no Rich to
    import for a few lines); texts from bank exports lose their control characters."""
    from collections import Counter

    from mmb.money import euro

    def paint(text: str, style: str) -> str:
        return f"{_ANSI[style]}{text}{_ANSI['reset']}" if colour and style else text

    def say(text: str, style: str = "") -> None:
        out.write(paint(_plain(text), style) + "\n")

    if not result.exports:
        say(msg.R_NO_EXPORTS, "yellow")
    else:
        total = sum(e.transactions for e in result.exports)
        if result.check:
            say(msg.R_CHECK_IMPORT.format(new=result.added) if result.added else
                msg.R_IMPORTED.format(new=0, total=total, files=len(result.exports)))
        else:
            say(msg.R_IMPORTED.format(new=result.added, total=total, files=len(result.exports)),
                "bold")
        for e in result.exports:
            say(msg.R_EXPORT_ROW.format(source=e.source, format=e.format_name,
                                        count=e.transactions, new=e.new))
    if result.classified:
        kinds = Counter(what for _, what in result.classified)
        say(msg.R_CLASSIFIED.format(count=len(result.classified), detail=", ".join(
            f"{n}× {k}" for k, n in sorted(kinds.items()))))
    if result.linked:
        say(msg.R_LINKED.format(count=len(result.linked), detail=", ".join(
            f"{euro(-r.amount)} → {cid}" for r, cid in result.linked)))
    if result.receipts:
        say(msg.R_RECEIPTS.format(count=len(result.receipts)))
    for b in result.balances:
        if b.stated is None:
            say(msg.R_BALANCE_NONE.format(account=b.account, formats=", ".join(b.formats),
                                          count=b.count, total=euro(b.total)), "yellow")
        elif b.computed is None:
            say(msg.R_BALANCE_NO_ROWS.format(account=b.account, bank=euro(b.stated),
                                             date=b.stated_date, source=b.stated_source),
                "yellow")
        else:
            state = msg.R_BALANCE_OK if b.agree else msg.R_BALANCE_DIFF_STATED.format(
                diff=euro(abs(b.stated - b.computed)))
            say(msg.R_BALANCE_STATED.format(
                account=b.account, bank=euro(b.stated), date=b.stated_date,
                source=b.stated_source, computed=euro(b.computed), opening=euro(b.opening),
                opening_date=b.opening_date, count=b.count, state=state),
                "" if b.agree else "red")
    if result.spent:
        say(msg.R_SPENT.format(year=year, detail=", ".join(
            f"{cat} {euro(amount)}" for cat, amount in result.spent.items())))
    if result.proposals:
        say(msg.R_PROPOSALS.format(count=len(result.proposals)), "yellow")
        for r, cases in result.proposals:
            say(msg.R_PROPOSAL_ROW.format(row=r.row or "new", date=r.date,
                                          amount=euro(r.amount),
                                          who=r.counterparty or r.description[:30],
                                          cases=", ".join(cases)))
    if result.findings:
        codes = Counter(f.code for f in result.findings)
        say(msg.R_OPEN.format(count=len(result.findings)), "yellow")
        for code, n in sorted(codes.items()):
            say(msg.R_OPEN_ROW.format(code=code, count=n, hint=msg.R_HINTS.get(code, "")))
        # The first few of each code; `mmb validate` lists them all.
        shown: Counter[str] = Counter()
        for f in result.findings:
            shown[f.code] += 1
            if shown[f.code] > SUMMARY_PER_CODE:
                continue
            style = "red" if f.level == "error" else "yellow"
            out.write(f"  {paint(_plain(f'{f.path}:{f.line}: {f.level} {f.code}'), style)} "
                      f"{_plain(shorten(f.message, MAX_MESSAGE))}\n")
        hidden = sum(max(0, n - SUMMARY_PER_CODE) for n in codes.values())
        if hidden:
            say(msg.R_MORE.format(count=hidden))
    elif not result.proposals and result.exports:
        say(msg.R_ALL_CLEAR, "green")
