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
from typing import Any

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
    household_total,
)

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

    def member(self, member_id: str, option: str) -> Member:
        found = self.members.get(member_id)
        if found is None:
            raise UsageError(msg.OPTION_UNKNOWN_MEMBER.format(
                option=option, member=mask(member_id), known=", ".join(self.members)))
        return found


def _first_problems(findings: Sequence[Finding]) -> str:
    return "; ".join(f"line {f.line}: {f.message}" for f in list(findings)[:3])


def open_team(root: Path) -> TeamContext:
    """Load a team for an action; a team.yaml that does not pass the schema stops it."""
    doc = load_team(root)
    own = [f for f in doc.findings if f.code in ("MMB001", "MMB002")]
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


def record_vote(root: Path, case_id: str, member: str, vote: str, *, at: datetime | None,
                note: str | None, now: datetime) -> VoteRecorded:
    """Append a vote to a case. A vote that will not count is recorded with a warning;
    a vote dated at or before a recorded decision is refused (it would rewrite history)."""
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
        if case.decision is not None and when <= case.decision.at:
            raise RefusedError(msg.REFUSED.format(reasons=msg.VOTE_BEFORE_DECISION.format(
                id=case.id, outcome=case.decision.outcome.value, at=fmt_time(case.decision.at))))
        new_vote = Vote(member=member, vote=value, at=when, note=note)
        updated = case.model_copy(update={"votes": [*case.votes, new_vote]})
        as_of = case.decision.at if case.decision is not None else None
        tally = count_votes(updated, ctx.members, as_of)
        index = len(updated.votes) - 1
        reason = next((r for i, _v, r in tally.not_counted if i == index), None)
        _write_vote(ctx, cdoc, member, value, when, note)
    return VoteRecorded(case.id, member, value, when, reason is None, reason,
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


def _write_vote(ctx: TeamContext, cdoc: CaseDoc, member: str, value: VoteValue,
                when: datetime, note: str | None) -> None:
    edit = EditableYaml(ctx.root / cdoc.rel, cdoc.rel)
    _append_votes(edit, [_vote_map(member, value, when, note)])
    edit.save()


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


def _decide(root: Path, case_id: str, outcome: Outcome, *, by: str, amount: Decimal | None,
            at: datetime | None, note: str | None, solved_by: str | None,
            now: datetime) -> Decided:
    when = minute(at or now)
    _refuse_personal_data({"note": note, "solved-by": solved_by})
    with TeamLock(root):
        ctx = open_team(root)
        ctx.member(by, "--by")
        cdoc = ctx.case(case_id)
        case = cdoc.case
        assert case is not None
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
        _write_decision(ctx, cdoc, decision)
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


def _write_decision(ctx: TeamContext, cdoc: CaseDoc, decision: Decision) -> None:
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
    edit.save()


# --------------------------------------------------------------------------- chat import

@dataclass(frozen=True)
class ImportedVote:
    case_id: str
    member: str
    vote: VoteValue
    at: datetime
    line: int


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


def import_chat_votes(root: Path, chat: Path, *, dry_run: bool, now: datetime) -> ChatImport:
    """Record the votes of a WhatsApp export that name a case id (see `mmb.chat`).

    A vote already in the case (same member, time and value) is not added again, so
    importing the same export twice adds nothing. Votes that would not count (the
    requester's own, a non-member's, one after the decision) are listed, not recorded.
    Only the vote, its time and a note naming the export are stored, never chat text.
    """
    from mmb.chat import extract_votes, member_resolver, read_chat

    messages = read_chat(chat)
    result = ChatImport(dry_run=dry_run)
    with TeamLock(root):
        ctx = open_team(root)
        resolver = member_resolver([(m.id, m.name, m.chat_names) for m in ctx.team.members])
        votes, unattributed = extract_votes(messages, resolver)
        result.not_recorded.extend(NotRecorded(u.at, u.sender, u.line, u.reason, u.excerpt)
                                   for u in unattributed)
        by_stem = {Path(c.rel).stem: c for c in ctx.doc.cases}
        pending: dict[str, list[ImportedVote]] = {}
        for v in votes:
            when = minute(v.at)
            cdoc = by_stem.get(v.case_id)
            if cdoc is None or cdoc.case is None:
                why = msg.CHAT_UNKNOWN_CASE if cdoc is None else msg.CHAT_CASE_BROKEN
                result.not_recorded.append(NotRecorded(v.at, v.sender, v.line,
                                                       why.format(id=v.case_id)))
                continue
            case = cdoc.case
            if any(x.member == v.member and x.at == when and x.vote.value == v.vote
                   for x in case.votes):
                result.already += 1
                continue
            queued = pending.setdefault(v.case_id, [])
            candidate = Vote(member=v.member, vote=VoteValue(v.vote), at=when)
            earlier = [Vote(member=q.member, vote=q.vote, at=q.at) for q in queued]
            trial = case.model_copy(update={"votes": [*case.votes, *earlier, candidate]})
            as_of = case.decision.at if case.decision is not None else None
            tally = count_votes(trial, ctx.members, as_of)
            index = len(trial.votes) - 1
            reason = next((r for i, _x, r in tally.not_counted if i == index), None)
            if reason is not None:
                result.not_recorded.append(NotRecorded(v.at, v.sender, v.line, reason))
                continue
            queued.append(ImportedVote(v.case_id, v.member, VoteValue(v.vote), when, v.line))
        for case_id in sorted(pending):
            result.recorded.extend(pending[case_id])
        if not dry_run and result.recorded:
            edits = []
            for case_id, items in sorted(pending.items()):
                if not items:
                    continue
                cdoc = by_stem[case_id]
                edit = EditableYaml(root / cdoc.rel, cdoc.rel)
                note = msg.CHAT_VOTE_NOTE.format(source=chat.name)
                _append_votes(edit, [_vote_map(i.member, i.vote, i.at, note) for i in items])
                edits.append(edit)
            # Check every file first, then write: a conflict leaves all files untouched.
            for edit in edits:
                if not edit.unchanged_on_disk():
                    from mmb.errors import ConflictError

                    raise ConflictError(msg.FILE_CHANGED.format(path=edit.rel))
            for edit in edits:
                edit.save()
    result.not_recorded.sort(key=lambda n: (n.at, n.line))
    return result


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
