"""Turning results into text, JSON and GitHub annotations. No decisions here."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from mmb import messages as msg
from mmb.findings import Finding
from mmb.validate import Validation


def findings_json(result: Validation) -> str:
    """SPEC 4.1: one JSON object with `problems` and `summary`."""
    payload: dict[str, Any] = {
        "problems": [
            {"path": f.path, "line": f.line, "code": f.code, "severity": f.level,
             "case": f.case, "message": f.message}
            for f in result.findings
        ],
        "summary": {"teams": result.teams, "cases": result.cases,
                    "errors": result.errors, "warnings": result.warnings},
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def findings_github(findings: Iterable[Finding]) -> list[str]:
    """One workflow command per finding: ``::error file=…,line=…,title=MMB103::message``."""
    return [
        f"::{f.level} file={_gh_escape(f.path, True)},line={f.line},"
        f"title={f.code}::{_gh_escape(f.message)}"
        for f in findings
    ]


def summary_line(result: Validation) -> str:
    if not result.findings:
        return msg.VALIDATE_CLEAN.format(teams=result.teams, cases=result.cases)
    return msg.VALIDATE_SUMMARY.format(teams=result.teams, cases=result.cases,
                                       errors=result.errors, warnings=result.warnings)


def findings_text(result: Validation, out: TextIO, colour: bool) -> None:
    """Grouped by file: a blank line between files, `path:line: severity CODE message`
    (clickable in editors and terminals), then the one-line summary."""
    from rich.console import Console
    from rich.markup import escape

    console = Console(file=out, no_color=not colour, force_terminal=colour,
                      highlight=False, soft_wrap=True, emoji=False)
    current: str | None = None
    for f in result.findings:
        if f.path != current:
            if current is not None:
                console.print()
            current = f.path
        style = "red" if f.level == "error" else "yellow"
        console.print(f"[bold]{escape(f.path)}:{f.line}:[/bold] [{style}]{f.level} {f.code}"
                      f"[/{style}] {escape(f.message)}")
    if result.findings:
        console.print()
    style = "red" if result.errors else ("yellow" if result.warnings else "green")
    console.print(f"[{style}]{escape(summary_line(result))}[/{style}]")
