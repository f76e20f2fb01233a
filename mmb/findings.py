"""Findings: a broken rule in the files is a value, not an exception.

Every finding has a stable code, a severity, a file, a 1-based line, the case it concerns
(or None) and a plain message. Rules return lists of findings; `sort_findings` makes the
output deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import Literal

Severity = Literal["error", "warning"]

#: Every rule code mmb knows, with its default severity and a one-line summary.
#: The README documents each; codes never change meaning.
CODES: dict[str, tuple[Severity, str]] = {
    "MMB001": ("error", "a file cannot be read or parsed (syntax, encoding, size limit)"),
    "MMB002": ("error", "schema: missing or unknown field, wrong type, bad value"),
    "MMB003": ("error", "case id differs from its file name, or two cases share an id"),
    "MMB004": ("error", "reference to a member, category or case that does not exist"),
    "MMB005": ("error", "unresolved git merge conflict"),
    "MMB101": ("error", "approved without quorum"),
    "MMB102": ("warning", "a vote that does not count"),
    "MMB103": ("error", "household cap exceeded"),
    "MMB104": ("error", "team budget exceeded"),
    "MMB105": ("error", "escalation: approved above a threshold without the required role"),
    "MMB106": ("error", "decision inconsistent"),
    "MMB107": ("warning", "slow: decided later than decision_hours, or still pending after it"),
    "MMB110": ("error", "with --since: a decision changed or removed other than by mmb reopen, "
                        "or a vote before it changed after it was committed"),
    "MMB111": ("error", "with --since: a decided case file deleted or renamed"),
    "MMB201": ("error", "ledger and bank exports disagree"),
    "MMB202": ("error", "money out with neither a case nor a kind"),
    "MMB203": ("error", "a case's payments, net of refunds, exceed its approved amount"),
    "MMB204": ("error", "payment for a case that is not approved, or dated before its decision"),
    "MMB205": ("warning", "payment without receipt (error after receipt_grace_days)"),
    "MMB206": ("error", "receipt reference broken"),
    "MMB207": ("error", "balances do not chain"),
    "MMB208": ("warning", "cash withdrawal while allow_cash is false"),
    "MMB209": ("warning", "approved but unpaid for longer than unpaid_warning_days"),
    "MMB210": ("error", "an export's stated balances do not add up"),
    "MMB211": ("warning", "a transfer ordered with `mmb pay` not booked within 10 days"),
    "MMB212": ("error", "a payee's IBAN changed after a batch to it was made"),
    "MMB213": ("error", "with --since: a ledger row of REF changed or removed, or a receipt "
                        "linked at REF deleted or changed"),
    "MMB301": ("error", "personal data in a case file"),
}


@dataclass(slots=True, unsafe_hash=True)
class Finding:
    """One broken rule at one place. `path` is relative to the team folder until the
    caller re-roots it onto the folder the user gave (see `rebase`). Treat it as a value
    (`rebase` and `dataclasses.replace` make changed copies; it hashes by value): it is
    not frozen only because a frozen dataclass takes six times as long to build, and a
    first import of a big export makes 100,000 findings."""

    path: str
    line: int
    code: str
    message: str
    case: str | None = None
    severity: Severity | None = None

    @property
    def level(self) -> Severity:
        """The severity: the explicit one, else the code's default."""
        return self.severity or CODES[self.code][0]

    def rebase(self, prefix: str) -> Finding:
        """The same finding with `path` joined onto `prefix` (posix separators)."""
        if not prefix or prefix == ".":
            return self
        joined = prefix.rstrip("/") + "/" + self.path if self.path else prefix
        return replace(self, path=joined)


def finding(
    code: str,
    path: str,
    line: int,
    message: str,
    case: str | None = None,
    severity: Severity | None = None,
) -> Finding:
    """Build a finding; unknown codes are a programming error."""
    if code not in CODES:  # pragma: no cover - guards against typos in the rules
        raise KeyError(code)
    return Finding(path=path, line=max(1, line), code=code, message=message, case=case,
                   severity=severity)


_ORDER = attrgetter("path", "line", "code", "message")


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Deterministic order: by file, line, code, message."""
    return sorted(findings, key=_ORDER)


def count(findings: Iterable[Finding]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = warnings = 0
    for f in findings:
        if f.level == "error":
            errors += 1
        else:
            warnings += 1
    return errors, warnings
