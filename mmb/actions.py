"""The coordinator's actions: open a case, record votes and decisions, import chat votes.

Plain Python: every action checks before it writes, under the team lock, and writes
atomically; a refusal raises `RefusedError` (exit 1) with every reason and the numbers, and
leaves every file byte-identical. The rules applied are the same functions `validate` uses,
judged as if the decision were recorded at its moment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mmb import messages as msg
from mmb.errors import InputError, RefusedError, UsageError
from mmb.files import EditableYaml, LineMap, TeamLock, YamlDoc, create_file, new_yaml_text
from mmb.findings import Finding
from mmb.folder import CASES_DIR, CaseDoc, TeamDoc, load_team
from mmb.models import (
    DEFAULT_HOUSEHOLD_PATTERN,
    Case,
    Decision,
    Member,
    Outcome,
    PastDecision,
    Team,
    Vote,
    VoteValue,
    household_regex,
    parse_vote,
)
from mmb.money import MoneyError, euro, parse_money
from mmb.privacy import mask
from mmb.rules import (
    ZERO,
    Approval,
    approvals_of,
    budget_available,
    cap_period_text,
    check_budget,
    check_decision,
    check_household_cap,
    check_votes,
    count_votes,
    find_member,
    household_total,
    member_key,
    why_not_counted,
)

if TYPE_CHECKING:
    from mmb.chat import ChatExport, DateOrder

_FILE_ID = re.compile(r"^(\d{4})-(\d{3,4})\.ya?ml$")


def minute(moment: datetime) -> datetime:
    """Times are recorded to the minute."""
    return moment.replace(second=0, microsecond=0)


def fmt_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def parse_time(text: str, option: str) -> datetime:
    """A `YYYY-MM-DD HH:MM` option value."""
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text.strip(), pattern)
        except ValueError:
            continue
    raise UsageError(msg.OPTION_TIME_BAD.format(option=option, value=text))


def parse_amount(text: str, option: str = "--amount") -> Decimal:
    """An amount typed on the command line: as in the files (`95`, `95,50`, `€95`,
    `€ 1.234,56`), and also whole euros the Dutch way, `€ 95,-`."""
    whole = re.sub(r"(?<=\d)\s*[.,]\s*[-\u2013\u2014]\s*$", "", text.strip())
    if whole != text.strip():  # whole euros: `€ 1.234,-` groups its thousands with dots
        text = re.sub(r"(?<=\d)\.(?=\d{3}(?:\.|$))", "", whole)
    try:
        amount = parse_money(text)
    except MoneyError as exc:
        raise UsageError(f"{option}: {exc}") from None
    if amount <= 0:
        raise UsageError(msg.OPTION_AMOUNT_ZERO.format(option=option))
    return amount


# --------------------------------------------------------------------------- the team

@dataclass
class TeamContext:
    """A team folder loaded for an action."""

    root: Path
    doc: TeamDoc
    team: Team
    members: dict[str, Member]

    def case(self, case_id: str) -> CaseDoc:
        """The case file of `case_id`; it must be readable and pass the schema."""
        wanted = case_id.lstrip("#").strip()
        for c in self.doc.cases:
            if Path(c.rel).stem == wanted:
                if c.case is None or c.doc.findings:
                    raise InputError(msg.CASE_HAS_PROBLEMS.format(
                        path=c.rel, problems=_first_problems(c.doc.findings)))
                return c
        raise UsageError(msg.CASE_NOT_FOUND.format(id=wanted))

    def require_readable(self, what: str) -> None:
        """Refuse (exit 2, naming each file) while a case, team.yaml, mmb.yaml or
        ledger.csv cannot be read: a sum over the team would silently leave it out."""
        from mmb.folder import refuse_unreadable
        from mmb.ledger import read_ledger

        refuse_unreadable(self.doc, what, read_ledger(self.root))

    def member(self, member_id: str, option: str) -> Member:
        """The member `member_id` names (capitals ignored); unknown: `UsageError` with
        the closest id ("did you mean `joost`?")."""
        found = find_member(self.members, member_id)
        if found is None:
            raise UsageError(unknown_member_message(self.members, member_id, option))
        return found


def unknown_member_message(members: dict[str, Member], member_id: str,
                           option: str | None) -> str:
    """`member_id` is not a member: the message, with the closest id when there is one;
    `option` names where it was given (None: the MEMBER argument of `mmb vote`)."""
    import difflib

    close = difflib.get_close_matches(member_key(member_id), list(members), n=1, cutoff=0.6)
    known = ", ".join(members)
    text = msg.UNKNOWN_MEMBER_CLOSE if close else msg.UNKNOWN_MEMBER_PLAIN
    said = text.format(member=mask(member_id), suggestion=close[0] if close else "",
                       known=known)
    return said if option is None else msg.OPTION_PREFIX.format(option=option, text=said)


def _first_problems(findings: Sequence[Finding]) -> str:
    return "; ".join(f"line {f.line}: {f.message}" for f in list(findings)[:3])


def open_team(root: Path) -> TeamContext:
    """Load a team for an action; a team.yaml that does not pass the schema stops it."""
    doc = load_team(root, parse_cache=True)
    own = [f for f in doc.findings if f.code in ("MMB001", "MMB002", "MMB005")]
    if doc.team is None or own:
        path = own[0].path if own else "team.yaml"
        raise InputError(msg.TEAM_HAS_PROBLEMS.format(path=path, problems=_first_problems(own)))
    return TeamContext(root=root, doc=doc, team=doc.team,
                       members={m.id: m for m in doc.team.members})


def _refuse_personal_data(texts: dict[str, str | None], reasons: Sequence[str] = ()) -> None:
    """Refuse (listing every reason) when a text holds personal data or `reasons` is not
    empty."""
    from mmb.privacy import KIND_LABELS, find_personal_data

    reasons = list(reasons)
    for name, text in texts.items():
        for hit in find_personal_data(text or ""):
            reasons.append(msg.REFUSE_PERSONAL_DATA.format(
                field=name, kind=KIND_LABELS[hit.kind], masked=hit.masked))
    if reasons:
        raise RefusedError(msg.REFUSED.format(reasons="\n  - ".join(reasons)))


def _insert_before(mapping: Any, key: str, value: Any, before: Sequence[str]) -> None:
    """Set `key` in a round-trip mapping, placed before the first of `before` present."""
    keys = list(mapping.keys())
    for other in before:
        if other in keys:
            mapping.insert(keys.index(other), key, value)
            return
    mapping[key] = value


# --------------------------------------------------------------------------- case new

@dataclass(frozen=True)
class NewCase:
    case_id: str
    path: Path
    household: str
    household_total: Decimal
    headroom: Decimal | None
    period_text: str


def next_case_id(root: Path, year: int) -> str:
    """The next free id of `year` after the highest one in cases/."""
    highest = 0
    folder = root / CASES_DIR
    if folder.is_dir():
        for name in (p.name for p in folder.iterdir()):
            m = _FILE_ID.match(name)
            if m and int(m.group(1)) == year:
                highest = max(highest, int(m.group(2)))
    return f"{year}-{highest + 1:03d}"


def new_case(root: Path, *, household: str, category: str, amount: Decimal, by: str,
             purpose: str, opened: datetime, alternatives: Sequence[str] = (),
             now: datetime) -> NewCase:
    """Create `cases/<year>-<next>.yaml`; refuse personal data, unknown members/categories."""
    with TeamLock(root):
        ctx = open_team(root)
        member = ctx.member(by, "--by")
        by = member.id  # as team.yaml spells it
        ctx.require_readable("case new")  # it shows the household's room under the cap
        if not member.active_on(opened.date()):
            raise UsageError(msg.OPTION_INACTIVE_MEMBER.format(member=by, day=opened.date()))
        if category not in ctx.team.categories:
            raise UsageError(msg.OPTION_UNKNOWN_CATEGORY.format(
                category=mask(category), known=", ".join(ctx.team.categories)))
        if opened > now:
            raise UsageError(msg.OPTION_IN_FUTURE.format(option="--opened"))
        household = household.strip()
        if not household:
            raise UsageError(msg.OPTION_EMPTY.format(option="--household"))
        household_form = []
        if not household_regex(ctx.team.household_pattern).fullmatch(household):
            household_form.append(msg.REFUSE_HOUSEHOLD.format(
                code=mask(household),
                pattern=ctx.team.household_pattern or DEFAULT_HOUSEHOLD_PATTERN))
        _refuse_personal_data({"purpose": purpose, "household": household,
                               **{f"alternative {i + 1}": a for i, a in enumerate(alternatives)}},
                              household_form)
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        case_id = next_case_id(root, opened.year)
        data = CommentedMap()
        data["id"] = case_id
        data["opened"] = fmt_time(opened)
        data["requested_by"] = by
        data["household"] = household
        data["category"] = category
        data["amount"] = amount
        data["purpose"] = purpose.strip()
        if alternatives:
            data["alternatives"] = CommentedSeq([a.strip() for a in alternatives])
        text = new_yaml_text(data)
        Case.model_validate(_plain(data))  # belt and braces: what we write must load
        path = root / CASES_DIR / f"{case_id}.yaml"
        path.parent.mkdir(exist_ok=True)
        create_file(path, text)
    approvals = approvals_of(c for c in ctx.doc.cases if c.case is not None)
    total, _ = household_total(ctx.team, approvals, household, opened)
    cap = ctx.team.rules.household_cap
    return NewCase(case_id, path, household, total, None if cap is None else cap - total,
                   cap_period_text(ctx.team.rules.household_cap_period, opened))


def _plain(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data


# --------------------------------------------------------------------------- votes

@dataclass(frozen=True)
class VoteRecorded:
    case_id: str
    member: str
    vote: VoteValue
    at: datetime
    counts: bool
    reason: str | None
    approvals: int
    quorum: int


@dataclass(frozen=True)
class VoteCheck:
    """What `check_new_vote` says about a vote before it is recorded."""

    member: str | None
    """The member's id as team.yaml spells it; None for a non-member."""
    refusal: str | None
    """Why the vote must not be recorded at all (a non-member, a decided case, the future)."""
    warning: str | None
    """Why the vote would not count (MMB102: the requester, an inactive member, before the
    case was opened); `mmb vote` records it with this warning, the chat import lists it."""


def check_new_vote(case: Case, members: dict[str, Member], member_id: str, when: datetime,
                   now: datetime, *, option: str | None = None) -> VoteCheck:
    """The one check of a new vote, for `mmb vote` and `mmb votes import` alike.

    Refused: a member id not in team.yaml (with the closest one), a vote on a case that is
    already decided (before the decision it would change the recorded outcome, after it
    it cannot count), and a vote dated after `now`. A vote is never re-timed.
    """
    member = find_member(members, member_id)
    if member is None:
        return VoteCheck(None, unknown_member_message(members, member_id, option), None)
    if when > now:
        return VoteCheck(member.id, msg.VOTE_IN_FUTURE.format(at=fmt_time(when)), None)
    decision = case.decision
    if decision is not None:
        text = msg.VOTE_BEFORE_DECISION if when <= decision.at else msg.VOTE_AFTER_DECIDED
        return VoteCheck(member.id, text.format(id=case.id, outcome=decision.outcome.value,
                                                at=fmt_time(decision.at)), None)
    vote = Vote(member=member.id, vote=VoteValue.approve, at=when)
    return VoteCheck(member.id, None, why_not_counted(vote, case, members, None))


def record_vote(root: Path, case_id: str, member: str, vote: str, *, at: datetime | None,
                note: str | None, now: datetime) -> VoteRecorded:
    """Append a vote to a case (see `check_new_vote` for what is refused). A vote that
    will not count is recorded with a warning."""
    try:
        value = parse_vote(vote)
    except ValueError:
        raise UsageError(msg.OPTION_VOTE_BAD.format(value=vote)) from None
    when = minute(at or now)
    if when > now:
        raise UsageError(msg.OPTION_IN_FUTURE.format(option="--at"))
    _refuse_personal_data({"note": note})
    with TeamLock(root):
        ctx = open_team(root)
        cdoc = ctx.case(case_id)
        case = cdoc.case
        assert case is not None
        checked = check_new_vote(case, ctx.members, member, when, now)
        if checked.member is None:
            raise UsageError(checked.refusal or "")
        if checked.refusal is not None:
            raise RefusedError(msg.REFUSED.format(reasons=checked.refusal))
        member = checked.member
        new_vote = Vote(member=member, vote=value, at=when, note=note)
        updated = case.model_copy(update={"votes": [*case.votes, new_vote]})
        tally = count_votes(updated, ctx.members, None)
        _write_vote(ctx, cdoc, updated, [new_vote])
    return VoteRecorded(case.id, member, value, when, checked.warning is None, checked.warning,
                        len(tally.approvals), ctx.team.rules.quorum)


def _vote_map(member: str, value: VoteValue, when: datetime, note: str | None) -> Any:
    from ruamel.yaml.comments import CommentedMap

    entry = CommentedMap()
    entry["member"] = member
    entry["vote"] = value.value
    entry["at"] = fmt_time(when)
    if note:
        entry["note"] = note
    return entry


def _write_vote(ctx: TeamContext, cdoc: CaseDoc, expected: Case, votes: Sequence[Vote]) -> None:
    edit, text = _votes_edit(ctx, cdoc, expected, votes)
    edit.save(text)


def _votes_edit(ctx: TeamContext, cdoc: CaseDoc, expected: Case,
                votes: Sequence[Vote]) -> tuple[EditableYaml, str]:
    """The case file opened for editing with `votes` appended, and its new text, checked:
    it must read back as `expected` and stay within mmb's read limit, else nothing is
    written."""
    edit = EditableYaml(ctx.root / cdoc.rel, cdoc.rel)
    _append_votes(edit, [_vote_map(v.member, v.vote, v.at, v.note) for v in votes])
    return edit, check_written(edit, expected)


def check_written(edit: EditableYaml, expected: Case) -> str:
    """Check what will be written: the edited text must fit mmb's read limit and read
    back as exactly `expected` (the case as checked, plus the change). A file changed on
    disk since it was checked reads back differently: `ConflictError`, nothing written."""
    from mmb.errors import ConflictError
    from mmb.files import MAX_YAML_BYTES, parse_yaml

    text = edit.dump()
    size = len(text.encode("utf-8"))
    if size > MAX_YAML_BYTES:
        raise RefusedError(msg.REFUSED.format(reasons=msg.CASE_FILE_TOO_BIG.format(
            path=edit.rel, size=size, limit=MAX_YAML_BYTES)))
    doc = parse_yaml(text, edit.rel)
    written: Case | None = None
    if not doc.findings:
        try:
            written = Case.model_validate(doc.data)
        except ValueError:
            written = None
    if written != expected:
        raise ConflictError(msg.FILE_CHANGED.format(path=edit.rel))
    return text


def _append_votes(edit: EditableYaml, entries: Sequence[Any]) -> None:
    from ruamel.yaml.comments import CommentedSeq

    votes = edit.data.get("votes")
    if votes is None:
        votes = CommentedSeq()
        _insert_before(edit.data, "votes", votes, ("decision", "followup"))
    for entry in entries:
        votes.append(entry)


# --------------------------------------------------------------------------- decisions

@dataclass(frozen=True)
class Decided:
    case_id: str
    outcome: Outcome
    at: datetime
    amount: Decimal | None
    approvals: list[str]
    household: str
    household_total: Decimal
    household_cap: Decimal | None
    budget_left: Decimal | None
    year: int


def approve(root: Path, case_id: str, *, by: str, amount: Decimal | None, at: datetime | None,
            note: str | None, now: datetime) -> Decided:
    """Record an approval after checking quorum, cap, budget, escalation and veto as of
    its moment; on any failure refuse with every reason and the numbers."""
    return _decide(root, case_id, Outcome.approved, by=by, amount=amount, at=at, note=note,
                   solved_by=None, now=now)


def decide(root: Path, case_id: str, outcome: Outcome, *, by: str, at: datetime | None,
           note: str | None, solved_by: str | None, now: datetime) -> Decided:
    """Record a rejection, a solution without money or a withdrawal."""
    if outcome is Outcome.solved_otherwise and not (solved_by or "").strip():
        raise UsageError(msg.OPTION_EMPTY.format(option="--solved-by"))
    return _decide(root, case_id, outcome, by=by, amount=None, at=at, note=note,
                   solved_by=solved_by, now=now)


_COMMAND = {Outcome.approved: "approve", Outcome.rejected: "reject",
            Outcome.solved_otherwise: "resolve", Outcome.withdrawn: "withdraw"}


def _decide(root: Path, case_id: str, outcome: Outcome, *, by: str, amount: Decimal | None,
            at: datetime | None, note: str | None, solved_by: str | None,
            now: datetime) -> Decided:
    when = minute(at or now)
    _refuse_personal_data({"note": note, "solved-by": solved_by})
    with TeamLock(root):
        ctx = open_team(root)
        by = ctx.member(by, "--by").id  # as team.yaml spells it
        cdoc = ctx.case(case_id)
        case = cdoc.case
        assert case is not None
        ctx.require_readable(_COMMAND[outcome])
        if case.decision is not None:
            raise RefusedError(msg.REFUSED.format(reasons=msg.ALREADY_DECIDED.format(
                id=case.id, outcome=case.decision.outcome.value, at=fmt_time(case.decision.at))))
        if outcome is Outcome.approved and amount is None:
            amount = case.amount
        decision = Decision(outcome=outcome, at=when, by=by, amount=amount,
                            solved_by=solved_by, note=note)
        proposed = CaseDoc(rel=cdoc.rel, doc=YamlDoc(rel=cdoc.rel, lines=LineMap()),
                           case=case.model_copy(update={"decision": decision}))
        others = [c for c in ctx.doc.cases if c.case is not None and c.rel != cdoc.rel]
        before = approvals_of(others)
        after = approvals_of([*others, proposed])
        problems = _decision_problems(ctx, proposed, before, after, now)
        if problems:
            raise RefusedError(msg.REFUSED.format(reasons="\n  - ".join(problems))
                               + "\n" + _numbers(ctx, proposed, after, when))
        _write_decision(ctx, cdoc, decision, proposed.case)  # type: ignore[arg-type]
    tally = count_votes(proposed.case, ctx.members, when)  # type: ignore[arg-type]
    total, _ = household_total(ctx.team, after, case.household, when)
    available = budget_available(ctx.team, when.year, when.date())
    spent = sum((a.amount for a in after if a.at.year == when.year), ZERO)
    return Decided(case.id, outcome, when, amount, tally.approvals, case.household, total,
                   ctx.team.rules.household_cap,
                   None if available is None else available - spent, when.year)


def _decision_problems(ctx: TeamContext, proposed: CaseDoc, before: list[Approval],
                       after: list[Approval], now: datetime) -> list[str]:
    """Every error the recorded decision would cause, as plain reasons."""
    found = [f for f in check_votes(proposed, ctx.team, ctx.members) if f.level == "error"]
    found += [f for f in check_decision(proposed, now) if f.level == "error"]
    reasons = [f.message for f in found]
    old = {(f.case, f.code) for f in check_household_cap(ctx.team, before)
           + check_budget(ctx.team, before)}
    for f in check_household_cap(ctx.team, after) + check_budget(ctx.team, after):
        if (f.case, f.code) not in old:
            reasons.append(f.message if f.case == proposed.case.id  # type: ignore[union-attr]
                           else msg.LATER_CASE_OVER.format(id=f.case, message=f.message))
    return reasons


def _numbers(ctx: TeamContext, proposed: CaseDoc, after: list[Approval], when: datetime) -> str:
    """The figures a coordinator needs after a refusal: votes, cap room, budget left."""
    case = proposed.case
    assert case is not None and case.decision is not None
    tally = count_votes(case, ctx.members, when)
    lines = [msg.NUMBERS_VOTES.format(
        count=len(tally.approvals), quorum=ctx.team.rules.quorum,
        counted=", ".join(tally.approvals) or msg.NOBODY,
        ignored="; ".join(f"{v.member}: {r}" for _, v, r in tally.not_counted) or msg.NOBODY)]
    others = [a for a in after if a.case_id != case.id]
    cap = ctx.team.rules.household_cap
    if cap is not None:
        total, _ = household_total(ctx.team, others, case.household, when)
        lines.append(msg.NUMBERS_CAP.format(household=mask(case.household), total=euro(total),
                                            cap=euro(cap), room=euro(cap - total)))
    available = budget_available(ctx.team, when.year, when.date())
    if available is not None:
        spent = sum((a.amount for a in others if a.at.year == when.year), ZERO)
        lines.append(msg.NUMBERS_BUDGET.format(year=when.year, available=euro(available),
                                               spent=euro(spent), left=euro(available - spent)))
    return "\n".join(lines)


def _write_decision(ctx: TeamContext, cdoc: CaseDoc, decision: Decision,
                    expected: Case) -> None:
    from ruamel.yaml.comments import CommentedMap

    edit = EditableYaml(ctx.root / cdoc.rel, cdoc.rel)
    entry = CommentedMap()
    entry["outcome"] = decision.outcome.value
    entry["at"] = fmt_time(decision.at)
    entry["by"] = decision.by
    if decision.amount is not None:
        entry["amount"] = decision.amount
    if decision.solved_by:
        entry["solved_by"] = decision.solved_by
    if decision.note:
        entry["note"] = decision.note
    _insert_before(edit.data, "decision", entry, ("followup",))
    edit.save(check_written(edit, expected))


# --------------------------------------------------------------------------- reopen

@dataclass(frozen=True)
class Reopened:
    case_id: str
    past: PastDecision
    paid: Decimal
    """What ledger.csv shows paid for the case (net of refunds): a new decision must
    cover it."""


def reopen(root: Path, case_id: str, *, by: str, reason: str, now: datetime) -> Reopened:
    """Reopen a decided case: its decision moves, as it was, to the end of `history:`
    with who reopened it, when (now) and why; the case is pending again. Votes cast up to
    now stay in the file but do not count for the new decision (`rules.why_not_counted`).
    Refused: no decision, an unknown or inactive member, an empty reason or one with
    personal data, and a history that would not check (`rules.check_history`)."""
    when = minute(now)
    reason = " ".join((reason or "").split())
    if not reason:
        raise UsageError(msg.OPTION_EMPTY.format(option="--note"))
    _refuse_personal_data({"note": reason})
    with TeamLock(root):
        ctx = open_team(root)
        member = ctx.member(by, "--by")
        if not member.active_on(when.date()):
            raise UsageError(msg.OPTION_INACTIVE_MEMBER.format(member=member.id,
                                                               day=when.date()))
        cdoc = ctx.case(case_id)
        case = cdoc.case
        assert case is not None
        ctx.require_readable("reopen")
        decision = case.decision
        if decision is None:
            raise RefusedError(msg.REFUSED.format(reasons=msg.REOPEN_NO_DECISION.format(
                id=case.id)))
        past = PastDecision(**decision.model_dump(), reopened_at=when,
                            reopened_by=member.id, reason=reason)
        expected = case.model_copy(update={"decision": None,
                                           "history": [*case.history, past]})
        from mmb.rules import check_history

        proposed = CaseDoc(rel=cdoc.rel, doc=YamlDoc(rel=cdoc.rel, lines=LineMap()),
                           case=expected)
        problems = [f.message for f in check_history(proposed, ctx.members, now)
                    if f.level == "error"]
        if problems:
            raise RefusedError(msg.REFUSED.format(reasons="\n  - ".join(problems)))
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        edit = EditableYaml(ctx.root / cdoc.rel, cdoc.rel)
        keys = list(edit.data.keys())
        entry = edit.data["decision"]
        if not isinstance(entry, CommentedMap):  # pragma: no cover - the schema says mapping
            entry = CommentedMap(entry)
        entry["reopened_at"] = fmt_time(when)
        entry["reopened_by"] = member.id
        entry["reason"] = reason
        history = edit.data.get("history")
        if history is None:
            history = CommentedSeq()
            edit.data.insert(keys.index("decision"), "history", history)
        history.append(entry)
        del edit.data["decision"]
        edit.save(check_written(edit, expected))
    from mmb.ledger import read_ledger

    paid = sum((-r.amount for r in read_ledger(root).rows
                if r.case == case.id and r.kind in ("", "refund")), ZERO)
    return Reopened(case.id, past, paid)


# --------------------------------------------------------------------------- chat import

@dataclass(frozen=True)
class ImportedVote:
    case_id: str
    member: str
    vote: VoteValue
    at: datetime
    line: int
    note: str | None = None
    context_line: int | None = None
    """By context: the chat line of the case's post; None when the message named the case."""


@dataclass(frozen=True)
class NotRecorded:
    at: datetime
    sender: str
    line: int
    reason: str
    excerpt: str = ""


@dataclass
class ChatImport:
    recorded: list[ImportedVote] = field(default_factory=list)
    already: int = 0
    not_recorded: list[NotRecorded] = field(default_factory=list)
    dry_run: bool = False
    date_order: str = ""
    """How the export's dates were read, e.g. "day first (05-03-2026 = 2026-03-05)"."""
    date_order_reason: str = ""
    """Why that reading (the evidence, or --date-order)."""

    @property
    def by_context(self) -> list[ImportedVote]:
        return [v for v in self.recorded if v.context_line is not None]


def import_chat_votes(root: Path, chat: Path, *, dry_run: bool, now: datetime,
                      date_order: DateOrder | None = None, by_context: bool = False,
                      expect_by_context: set[tuple[int, str]] | None = None) -> ChatImport:
    """Record the votes of a WhatsApp export (see `mmb.chat` for what is a vote).

    The export's dates are read in the order its own evidence leaves (`mmb.chat.
    parse_export`); when that leaves more than one, the reading under which every vote
    falls between its case's opening and its decision (or now) wins if only one does;
    else `date_order` must say, or nothing is recorded (`DateOrderUndecided`, exit 1).

    Every vote passes `check_new_vote`, as `mmb vote` does; votes it refuses or that would
    not count are listed, not recorded. A vote already in the case (same member, time and
    value) is not added again, so importing the same export twice adds nothing. Replies
    without a case id are recorded by context only with `by_context` (see
    `mmb.chat.ByContext`); `expect_by_context` (line, case id) makes the import refuse
    when they differ from what the coordinator was shown. Stored per vote: member, vote,
    time and a note naming the export and line (with a condition, "mits ...", before it).
    """
    from mmb.chat import ByContext, decide_order, read_export

    export = read_export(chat, today=now.date())
    result = ChatImport(dry_run=dry_run)
    with TeamLock(root):
        ctx = open_team(root)
        by_stem = {Path(c.rel).stem: c for c in ctx.doc.cases}
        resolver_input = [(m.id, m.name, m.chat_names) for m in ctx.team.members]
        order, reason = _chat_date_order(export, date_order, by_stem, resolver_input, now)
        result.date_order = _order_text(export, order)
        result.date_order_reason = reason
        decide_order(export, order)  # refuses an order under which a date does not exist
        messages = export.messages(order)

        def open_at(case_id: str, moment: datetime) -> bool | None:
            cdoc = by_stem.get(case_id)
            if cdoc is None or cdoc.case is None:
                return None
            decision = cdoc.case.decision
            return decision is None or decision.at > moment

        from mmb.chat import extract_votes, member_resolver

        votes, unattributed = extract_votes(
            messages, member_resolver(resolver_input),
            context=ByContext(hours=ctx.team.rules.decision_hours, open_at=open_at))
        result.not_recorded.extend(NotRecorded(u.at, u.sender, u.line, u.reason, u.excerpt)
                                   for u in unattributed)
        seen: dict[str, set[tuple[str, datetime, str]]] = {}
        pending: dict[str, list[ImportedVote]] = {}
        for v in votes:
            when = minute(v.at)

            def skip(why: str, v: Any = v) -> None:
                result.not_recorded.append(NotRecorded(v.at, v.sender, v.line, why))

            if v.context_line is not None and not by_context:
                skip(msg.CHAT_BY_CONTEXT_OFF.format(id=v.case_id, post=v.context_line))
                continue
            cdoc = by_stem.get(v.case_id)
            if cdoc is None or cdoc.case is None:
                skip((msg.CHAT_UNKNOWN_CASE if cdoc is None else msg.CHAT_CASE_BROKEN)
                     .format(id=v.case_id))
                continue
            case = cdoc.case
            known = seen.get(v.case_id)
            if known is None:
                known = seen[v.case_id] = {(member_key(x.member), x.at, x.vote.value)
                                           for x in case.votes}
            key = (member_key(v.member), when, v.vote)
            if key in known:
                result.already += 1
                continue
            checked = check_new_vote(case, ctx.members, v.member, when, now)
            why_not = checked.refusal or checked.warning
            if why_not is not None:
                skip(why_not)
                continue
            note = _chat_note(chat.name, v.line, v.note, v.context_line)
            if note is None:
                skip(msg.CHAT_CONDITION_PERSONAL)
                continue
            known.add(key)
            pending.setdefault(v.case_id, []).append(ImportedVote(
                v.case_id, checked.member or v.member, VoteValue(v.vote), when, v.line, note,
                v.context_line))
        for case_id in sorted(pending):
            result.recorded.extend(pending[case_id])
        if expect_by_context is not None:
            taken = {(v.line, v.case_id) for v in result.by_context}
            if taken != expect_by_context:
                from mmb.errors import ConflictError

                raise ConflictError(msg.CHAT_BY_CONTEXT_CHANGED)
        # Every file is edited and checked first (what it will hold, its size), then all
        # are written: a refusal or conflict leaves every file untouched.
        edits = []
        for case_id, items in sorted(pending.items()):
            target = by_stem[case_id]
            assert target.case is not None
            new = [Vote(member=i.member, vote=i.vote, at=i.at, note=i.note) for i in items]
            expected = target.case.model_copy(update={"votes": [*target.case.votes, *new]})
            edits.append(_votes_edit(ctx, target, expected, new))
        if not dry_run:
            for edit, _ in edits:
                if not edit.unchanged_on_disk():
                    from mmb.errors import ConflictError

                    raise ConflictError(msg.FILE_CHANGED.format(path=edit.rel))
            for edit, text in edits:
                edit.save(text)
    result.not_recorded.sort(key=lambda n: (n.at, n.line))
    return result


def _chat_note(source: str, line: int, condition: str | None,
               context_line: int | None) -> str | None:
    """The note of an imported vote: the condition (if any), how it was attributed and
    where it came from; None when the condition holds personal data."""
    from mmb.privacy import find_personal_data

    where = msg.CHAT_VOTE_NOTE_LINE.format(source=source, line=line)
    if context_line is not None:
        where = msg.CHAT_VOTE_NOTE_CONTEXT.format(where=where, post=context_line)
    if condition is None:
        return where
    if find_personal_data(condition):
        return None
    return msg.CHAT_VOTE_NOTE_CONDITION.format(condition=condition, where=where)


def _order_text(export: ChatExport, order: DateOrder) -> str:
    from mmb.chat import order_example

    return order_example(export, order)


def _chat_date_order(export: ChatExport, date_order: DateOrder | None,
                     by_stem: dict[str, CaseDoc],
                     resolver_input: list[tuple[str, str | None, list[str]]],
                     now: datetime) -> tuple[DateOrder, str]:
    """The date order to read `export` in, and why; see `import_chat_votes`."""
    from mmb.chat import DateOrderUndecided, extract_votes, member_resolver, undecided_message

    if date_order is not None:
        note = export.excluded.get(date_order)
        reason = msg.CHAT_ORDER_GIVEN if note is None else msg.CHAT_ORDER_GIVEN_DESPITE.format(
            note=note)
        return date_order, reason
    if export.order is not None:
        why = "; ".join(export.excluded.values())
        return export.order, why or msg.CHAT_ORDER_ONLY.format(shape=export.shape_text())
    fitting: list[DateOrder] = []
    misfits: dict[DateOrder, str] = {}
    resolve = member_resolver(resolver_input)
    for order in export.orders:
        votes, _ = extract_votes(export.messages(order), resolve)
        checked = 0
        for v in votes:
            found = by_stem.get(v.case_id)
            if found is None or found.case is None:
                continue
            case = found.case
            until = case.decision.at if case.decision is not None else now
            checked += 1
            if not case.opened <= minute(v.at) <= until:
                misfits[order] = msg.CHAT_ORDER_CASE_MISFIT.format(
                    order=msg.CHAT_ORDER_LABELS[order], line=v.line, member=v.member,
                    id=case.id, at=fmt_time(v.at), opened=fmt_time(case.opened),
                    until=fmt_time(until))
                break
        if checked and order not in misfits:
            fitting.append(order)
    if len(fitting) == 1:
        chosen = fitting[0]
        others = "; ".join([*export.excluded.values(),
                            *(misfits[o] for o in export.orders if o in misfits)])
        return chosen, msg.CHAT_ORDER_BY_CASES.format(order=msg.CHAT_ORDER_LABELS[chosen],
                                                      other=others)
    extra = [msg.CHAT_ORDER_CASES_BOTH.format(
        orders=" and ".join(msg.CHAT_ORDER_LABELS[o] for o in fitting))] if fitting else []
    extra += [misfits[o] for o in export.orders if o in misfits]
    raise DateOrderUndecided(undecided_message(export, extra))


# --------------------------------------------------------------------------- households

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def household_code(secret: bytes, client_number: str, length: int = 6) -> str:
    """The team's pseudonymous code for a client number: ``H-`` + `length` characters of
    an HMAC-SHA256 keyed with the team secret (Crockford base32, no I/L/O/U). The same
    number always gives the same code; without the secret the code reveals nothing."""
    import hashlib
    import hmac

    normal = re.sub(r"[\s.\-/]", "", client_number).upper()
    if not normal:
        raise UsageError(msg.HOUSEHOLD_EMPTY)
    digest = hmac.new(secret, normal.encode("utf-8"), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(length):
        number, rest = divmod(number, 32)
        chars.append(_CROCKFORD[rest])
    return "H-" + "".join(chars)


# Where the secrets live: the user's config folder, never the repository. A team's
# secret is found by the team's identity, `team_id` in team.yaml: a random id written once
# (by `mmb init` or the first `mmb household --new-secret`/`--import-secret`) that every
# clone of the repository shares, that does not change when the team is renamed or the
# folder moves, and that two teams with the same name do not share. (Earlier versions
# used the team's name, so two "Buurtteam Noord" shared one secret.)
_MIN_SECRET = 16
_MAX_SECRET_BYTES = 4096


def secrets_folder() -> Path:
    import os

    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "mmb" / "household-secrets"


def secret_path(team_id: str) -> Path:
    """Where the household secret of the team with `team_id` lives."""
    return secrets_folder() / f"{team_id}.key"


def legacy_secret_path(team_name: str) -> Path:
    """Where versions before issue 14 kept a team's secret: by the team's name."""
    slug = re.sub(r"[^a-z0-9]+", "-", team_name.lower()).strip("-") or "team"
    return secrets_folder() / f"{slug}.key"


def _read_secret(path: Path, check_mode: bool = True) -> str:
    """The secret in `path`: a regular file, not readable by group or others (when
    `check_mode`), at least 16 characters."""
    import os
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise InputError(msg.HOUSEHOLD_SECRET_UNREADABLE.format(
            path=path, reason=exc.strerror)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(msg.HOUSEHOLD_SECRET_NOT_FILE.format(path=path))
        if check_mode and info.st_mode & 0o077:
            raise InputError(msg.HOUSEHOLD_SECRET_OPEN.format(
                path=path, mode=oct(stat.S_IMODE(info.st_mode))[2:]))
        raw = os.read(fd, _MAX_SECRET_BYTES)
    finally:
        os.close(fd)
    try:
        secret = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise InputError(msg.HOUSEHOLD_SECRET_SHORT.format(path=path)) from None
    if len(secret) < _MIN_SECRET:
        raise InputError(msg.HOUSEHOLD_SECRET_SHORT.format(path=path))
    return secret


def household_secret(team: Team) -> bytes:
    """The team's secret: `MMB_HOUSEHOLD_SECRET` (at least 16 characters), else the file
    `secret_path(team.team_id)` (a regular file readable only by its owner)."""
    import os

    from_env = os.environ.get("MMB_HOUSEHOLD_SECRET")
    if from_env is not None and from_env.strip():
        if len(from_env.strip()) < _MIN_SECRET:
            raise UsageError(msg.HOUSEHOLD_ENV_SHORT.format(length=len(from_env.strip())))
        return from_env.strip().encode("utf-8")
    if team.team_id is None:
        old = legacy_secret_path(team.name)
        if old.exists():
            raise UsageError(msg.HOUSEHOLD_NO_TEAM_ID_OLD.format(old=old))
        raise UsageError(msg.HOUSEHOLD_NO_TEAM_ID)
    path = secret_path(team.team_id)
    try:
        return _read_secret(path).encode("utf-8")
    except FileNotFoundError:
        raise UsageError(msg.HOUSEHOLD_NO_SECRET_FOR_ID.format(
            team_id=team.team_id, path=path)) from None


def household_code_for_team(team: Team, client_number: str) -> str:
    """`household_code` with the team's secret, checked against the team's pattern."""
    code = household_code(household_secret(team), client_number)
    if not household_regex(team.household_pattern).fullmatch(code):
        raise InputError(msg.HOUSEHOLD_CODE_OUTSIDE_PATTERN.format(
            code=code, pattern=team.household_pattern))
    return code


@dataclass(frozen=True)
class SecretMade:
    path: Path
    team_id: str
    team_id_added: bool


def _ensure_team_id(root: Path) -> tuple[str, bool]:
    """The team's id from team.yaml, written there first when it has none. Call under
    the team lock."""
    import secrets

    ctx = open_team(root)
    if ctx.team.team_id is not None:
        return ctx.team.team_id, False
    team_id = secrets.token_hex(16)
    edit = EditableYaml(root / "team.yaml", "team.yaml")
    keys = list(edit.data.keys())
    edit.data.insert(keys.index("name") + 1 if "name" in keys else 0, "team_id", team_id)
    edit.save()
    return team_id, True


def _write_secret(path: Path, secret: str) -> None:
    """Create `path` (mode 600, in a folder of mode 700); refuse to replace a file."""
    import os

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secret + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def create_household_secret(root: Path) -> SecretMade:
    """A new random secret for the team in `root` (adding its `team_id` to team.yaml if
    it has none); refuses to replace one that exists."""
    import secrets

    with TeamLock(root):
        team_id = open_team(root).team.team_id
        if team_id is not None and secret_path(team_id).exists():
            raise UsageError(msg.HOUSEHOLD_SECRET_EXISTS.format(path=secret_path(team_id)))
        team_id, added = _ensure_team_id(root)
        path = secret_path(team_id)
        _write_secret(path, secrets.token_hex(32))
    return SecretMade(path, team_id, added)


def import_household_secret(root: Path, source: Path) -> SecretMade:
    """Copy a secret a colleague handed over (or the one an earlier version kept by the
    team's name) to this team's place, readable only by the user."""
    with TeamLock(root):
        try:
            secret = _read_secret(source, check_mode=False)
        except FileNotFoundError:
            raise UsageError(msg.HOUSEHOLD_SECRET_UNREADABLE.format(
                path=source, reason="no such file")) from None
        team_id = open_team(root).team.team_id
        if team_id is not None and secret_path(team_id).exists():
            try:
                same = _read_secret(secret_path(team_id)) == secret
            except FileNotFoundError:  # pragma: no cover - removed in between
                same = False
            if not same:
                raise UsageError(msg.HOUSEHOLD_IMPORT_DIFFERS.format(
                    path=secret_path(team_id)))
            return SecretMade(secret_path(team_id), team_id, False)
        team_id, added = _ensure_team_id(root)
        path = secret_path(team_id)
        _write_secret(path, secret)
    return SecretMade(path, team_id, added)
