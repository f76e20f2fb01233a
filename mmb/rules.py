"""The rules of SPEC 4 over team.yaml and the cases: data in, findings out.

Plain Python: no CLI, no rendering, no file access. One function per rule code (or per
closely related pair); `check_team` runs them all. Quorum, cap and budget are judged as of
each decision, in decision order, so a finding lands on the case that crossed the line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from mmb import messages as msg
from mmb.findings import Finding, finding
from mmb.folder import CaseDoc, TeamDoc
from mmb.models import (
    DEFAULT_HOUSEHOLD_PATTERN,
    CapPeriod,
    Case,
    Member,
    Outcome,
    Team,
    Vote,
    VoteValue,
    household_regex,
)
from mmb.money import euro
from mmb.privacy import mask

ZERO = Decimal(0)
T = TypeVar("T")
#: Keys whose values are structure (ids, times, enums), not free text: not scanned by MMB301.
_STRUCTURAL_KEYS = {"id", "opened", "at", "requested_by", "member", "by", "vote", "outcome",
                    "category", "amount", "regret",
                    # a case's payee and the orders `mmb pay` writes (ids, dates, a digest)
                    "payee", "ordered_at", "end_to_end_id", "batch", "execution_date",
                    "iban_sha256"}


# --------------------------------------------------------------------------- votes

@dataclass
class VoteCount:
    """Which votes of a case count as of a moment, and why the others do not."""

    counted: dict[str, tuple[int, Vote]] = field(default_factory=dict)
    not_counted: list[tuple[int, Vote, str]] = field(default_factory=list)

    def members_voting(self, value: VoteValue) -> list[str]:
        return sorted(m for m, (_, v) in self.counted.items() if v.vote == value)

    @property
    def approvals(self) -> list[str]:
        return self.members_voting(VoteValue.approve)

    @property
    def objections(self) -> list[str]:
        return self.members_voting(VoteValue.object)


def member_key(member_id: str) -> str:
    """How member ids compare: ignoring capitals and surrounding spaces (`Sanne` is
    `sanne`). Ids in team.yaml are lowercase; case files and options may differ."""
    return member_id.strip().casefold()


def find_member(members: dict[str, Member], member_id: str) -> Member | None:
    """The member `member_id` names, ignoring capitals; None for a non-member."""
    found = members.get(member_id)
    return found if found is not None else members.get(member_key(member_id))


def why_not_counted(vote: Vote, case: Case, members: dict[str, Member],
                    as_of: datetime | None) -> str | None:
    """Why `vote` on `case` does not count as of `as_of` (None: no limit), leaving aside
    repeats; None when it counts. Independent of the case's other votes, so checking a
    new vote costs the same however many votes the case has."""
    member = find_member(members, vote.member)
    if member is None:
        return msg.VOTE_NOT_MEMBER
    if not member.active_on(vote.at.date()):
        return msg.VOTE_INACTIVE.format(day=vote.at.date(), period=_period(member))
    if member.id == member_key(case.requested_by):
        return msg.VOTE_REQUESTER
    if vote.at < case.opened:
        return msg.VOTE_BEFORE_OPENED.format(opened=_t(case.opened))
    if case.history:
        reopened = case.history[-1].reopened_at
        if vote.at <= reopened:
            return msg.VOTE_BEFORE_REOPENED.format(at=_t(reopened))
    if as_of is not None and vote.at > as_of:
        return msg.VOTE_AFTER_DECISION.format(at=_t(as_of))
    return None


def count_votes(case: Case, members: dict[str, Member], as_of: datetime | None) -> VoteCount:
    """Count the votes of `case` cast no later than `as_of` (None: all).

    A vote counts when it comes from a team member, active on the vote's date, who is not
    the requester, cast after the case was opened and no later than `as_of`. A member's
    latest counting vote replaces their earlier ones (people change their minds); the
    earlier ones are reported as repeats. Member ids match ignoring capitals.
    """
    result = VoteCount()
    order = sorted(range(len(case.votes)), key=lambda i: (case.votes[i].at, i))
    for i in order:
        vote = case.votes[i]
        reason = why_not_counted(vote, case, members, as_of)
        if reason is not None:
            result.not_counted.append((i, vote, reason))
            continue
        member = find_member(members, vote.member)
        assert member is not None
        previous = result.counted.get(member.id)
        if previous is not None:
            result.not_counted.append((previous[0], previous[1], msg.VOTE_REPEAT))
        result.counted[member.id] = (i, vote)
    result.not_counted.sort(key=lambda t: t[0])
    return result


def _period(member: Member) -> str:
    if member.since and member.until:
        return msg.PERIOD_BOTH.format(since=member.since, until=member.until)
    if member.since:
        return msg.PERIOD_SINCE.format(since=member.since)
    return msg.PERIOD_UNTIL.format(until=member.until)


def _t(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _names(items: Iterable[str]) -> str:
    listed = [mask(item) for item in items]
    return ", ".join(listed) if listed else msg.NOBODY


# --------------------------------------------------------------------------- per case

def check_votes(doc: CaseDoc, team: Team, members: dict[str, Member]) -> list[Finding]:
    """MMB101 (quorum), MMB102 (votes that do not count), MMB105 (escalation), and the
    veto part of MMB106."""
    case = doc.case
    assert case is not None
    decision = case.decision
    as_of = decision.at if decision is not None else None
    tally = count_votes(case, members, as_of)
    out = [
        finding("MMB102", doc.rel, doc.lines.line("votes", i),
                msg.VOTE_NOT_COUNTED.format(member=mask(vote.member), reason=reason), case.id)
        for i, vote, reason in tally.not_counted
    ]
    if decision is None or decision.outcome is not Outcome.approved:
        return out
    rules = team.rules
    outcome_line = doc.lines.line("decision", "outcome")
    approvals = tally.approvals
    if len(approvals) < rules.quorum:
        ignored = [f"{mask(v.member)} ({reason})" for _, v, reason in tally.not_counted
                   if v.vote == VoteValue.approve]
        out.append(finding("MMB101", doc.rel, outcome_line, msg.QUORUM.format(
            count=len(approvals), quorum=rules.quorum, counted=_names(approvals),
            ignored=("; " + msg.NOT_COUNTED.format(votes="; ".join(ignored))) if ignored else ""),
            case.id))
    amount = decision.amount
    if amount is not None:
        for rule in rules.escalation:
            if amount > rule.above and not any(
                    _role_matches(members[m], rule.role) for m in approvals):
                out.append(finding("MMB105", doc.rel, doc.lines.line("decision", "amount"),
                                   msg.ESCALATION.format(amount=euro(amount),
                                                         above=euro(rule.above),
                                                         role=mask(rule.role)),
                                   case.id))
    if rules.veto and tally.objections:
        out.append(finding("MMB106", doc.rel, outcome_line, msg.VETO.format(
            members=_names(tally.objections)), case.id))
    return out


def _role_matches(member: Member, role: str) -> bool:
    return (member.role or "").strip().casefold() == role.strip().casefold()


def check_decision(doc: CaseDoc, now: datetime) -> list[Finding]:
    """MMB106: a decision that contradicts itself or the case; MMB002 for outcome-specific
    fields that are missing."""
    case = doc.case
    assert case is not None
    decision = case.decision
    if decision is None:
        return []
    out: list[Finding] = []
    line = doc.lines.line
    if decision.outcome is Outcome.approved:
        if decision.amount is None:
            out.append(finding("MMB106", doc.rel, line("decision"), msg.APPROVED_NO_AMOUNT.format(
                requested=euro(case.amount)), case.id))
        elif decision.amount == ZERO:
            out.append(finding("MMB106", doc.rel, line("decision", "amount"),
                               msg.APPROVED_ZERO, case.id))
        elif decision.amount > case.amount:
            out.append(finding("MMB106", doc.rel, line("decision", "amount"),
                               msg.APPROVED_ABOVE_REQUEST.format(
                                   amount=euro(decision.amount), requested=euro(case.amount)),
                               case.id))
    if decision.outcome is Outcome.solved_otherwise and not (decision.solved_by or "").strip():
        out.append(finding("MMB002", doc.rel, line("decision", "outcome"), msg.SOLVED_BY_MISSING,
                           case.id))
    if decision.at < case.opened:
        out.append(finding("MMB106", doc.rel, line("decision", "at"),
                           msg.DECIDED_BEFORE_OPENED.format(at=_t(decision.at),
                                                            opened=_t(case.opened)), case.id))
    if decision.at > now:
        out.append(finding("MMB106", doc.rel, line("decision", "at"), msg.DECIDED_IN_FUTURE.format(
            at=_t(decision.at)), case.id))
    return out


#: How far in the future a case may be opened (clocks and time zones differ a little).
OPENED_SLACK = timedelta(days=1)


def pending_since(case: Case) -> datetime:
    """When the case's current decision began to be awaited: its opening, or when it was
    last reopened (`mmb reopen`)."""
    return case.history[-1].reopened_at if case.history else case.opened


def check_opened(doc: CaseDoc, now: datetime) -> list[Finding]:
    """MMB106: a case opened more than a day after now (a typo in the year: 2100)."""
    case = doc.case
    assert case is not None
    if case.opened > now + OPENED_SLACK:
        return [finding("MMB106", doc.rel, doc.lines.line("opened"), msg.OPENED_IN_FUTURE.format(
            at=_t(case.opened)), case.id)]
    return []


def check_history(doc: CaseDoc, members: dict[str, Member], now: datetime) -> list[Finding]:
    """MMB106 for a `history:` (earlier decisions, moved there by `mmb reopen`) that
    cannot be true: oldest first, each decided after the case was opened and after the
    reopening before it, reopened after it was decided, not in the future, by a member;
    the current decision taken after the last reopening. MMB004: decided by a non-member."""
    case = doc.case
    assert case is not None
    out: list[Finding] = []
    line = doc.lines.line
    previous: datetime | None = None
    for i, past in enumerate(case.history):
        item = i + 1
        if past.at < case.opened:
            out.append(finding("MMB106", doc.rel, line("history", i, "at"),
                               msg.HISTORY_DECIDED_BEFORE_OPENED.format(
                                   item=item, at=_t(past.at), opened=_t(case.opened)), case.id))
        if previous is not None and past.reopened_at < previous:
            out.append(finding("MMB106", doc.rel, line("history", i, "reopened_at"),
                               msg.HISTORY_NOT_IN_ORDER.format(
                                   item=item, at=_t(past.reopened_at), previous=_t(previous)),
                               case.id))
        elif previous is not None and past.at < previous:
            out.append(finding("MMB106", doc.rel, line("history", i, "at"),
                               msg.HISTORY_DECIDED_BEFORE_PREVIOUS.format(
                                   item=item, at=_t(past.at), previous=_t(previous)), case.id))
        if past.reopened_at < past.at:
            out.append(finding("MMB106", doc.rel, line("history", i, "reopened_at"),
                               msg.HISTORY_REOPENED_BEFORE_DECIDED.format(
                                   item=item, at=_t(past.reopened_at), decided=_t(past.at)),
                               case.id))
        if past.reopened_at > now:
            out.append(finding("MMB106", doc.rel, line("history", i, "reopened_at"),
                               msg.HISTORY_IN_FUTURE.format(item=item, at=_t(past.reopened_at)),
                               case.id))
        if find_member(members, past.reopened_by) is None:
            out.append(finding("MMB106", doc.rel, line("history", i, "reopened_by"),
                               msg.HISTORY_REOPENED_BY.format(item=item,
                                                              member=mask(past.reopened_by)),
                               case.id))
        if find_member(members, past.by) is None:
            out.append(finding("MMB004", doc.rel, line("history", i, "by"),
                               msg.UNKNOWN_MEMBER.format(member=mask(past.by),
                                                         known=_names(members)), case.id))
        previous = max(past.reopened_at, previous) if previous is not None else past.reopened_at
    if previous is not None and case.decision is not None and case.decision.at < previous:
        out.append(finding("MMB106", doc.rel, line("decision", "at"),
                           msg.HISTORY_DECISION_BEFORE_REOPEN.format(
                               at=_t(case.decision.at), reopened=_t(previous)), case.id))
    return out


def check_speed(doc: CaseDoc, team: Team, now: datetime) -> list[Finding]:
    """MMB107: decided later than decision_hours after opening (or after the case was last
    reopened), or pending past it."""
    case = doc.case
    assert case is not None
    limit = timedelta(hours=team.rules.decision_hours)
    start = pending_since(case)
    if case.decision is not None:
        took = case.decision.at - start
        if took > limit:
            return [finding("MMB107", doc.rel, doc.lines.line("decision", "at"),
                            msg.SLOW_DECIDED.format(took=_hours(took),
                                                    hours=team.rules.decision_hours), case.id)]
        return []
    waited = now - start
    if waited > limit:
        return [finding("MMB107", doc.rel, doc.lines.line("opened"), msg.SLOW_PENDING.format(
            took=_hours(waited), hours=team.rules.decision_hours), case.id)]
    return []


def _hours(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    if hours >= 48:
        return msg.DURATION_DAYS.format(days=int(hours // 24))
    return msg.DURATION_HOURS.format(hours=int(hours))


def check_references(doc: CaseDoc, team: Team, members: dict[str, Member]) -> list[Finding]:
    """MMB004: requester, decider and category must exist in team.yaml."""
    case = doc.case
    assert case is not None
    out: list[Finding] = []
    if find_member(members, case.requested_by) is None:
        out.append(finding("MMB004", doc.rel, doc.lines.line("requested_by"),
                           msg.UNKNOWN_MEMBER.format(member=mask(case.requested_by),
                                                     known=_names(members)), case.id))
    if case.decision is not None and find_member(members, case.decision.by) is None:
        out.append(finding("MMB004", doc.rel, doc.lines.line("decision", "by"),
                           msg.UNKNOWN_MEMBER.format(member=mask(case.decision.by),
                                                     known=_names(members)), case.id))
    if case.category not in team.categories:
        out.append(finding("MMB004", doc.rel, doc.lines.line("category"),
                           msg.UNKNOWN_CATEGORY.format(category=mask(case.category),
                                                       known=_names(team.categories)),
                           case.id))
    return out


def check_personal_data(doc: CaseDoc) -> list[Finding]:
    """MMB301: BSN, IBAN, phone, e-mail, address, date of birth or a name after a title
    in any free-text value of a case file, and in any number as written (YAML reads
    ``household: 123456782`` and ``note: 0612345678`` as numbers)."""
    from mmb.privacy import KIND_LABELS, find_personal_data

    if not isinstance(doc.doc.data, dict):
        return []
    case_id = doc.case.id if doc.case is not None else None
    out: list[Finding] = []
    found = _free_text_hits(doc.doc.data, (), find_personal_data)
    for key, written in doc.doc.numbers.items():
        name = key[-1] if key else None
        if not (isinstance(name, str) and name in _STRUCTURAL_KEYS):
            hits = find_personal_data(written)
            if hits:
                found.append((key, hits))
    for key, hits in found:
        for hit in hits:
            out.append(finding("MMB301", doc.rel, doc.lines.line(*key), msg.PERSONAL_DATA.format(
                field=_field_name(key), kind=KIND_LABELS[hit.kind], masked=hit.masked), case_id))
    return out


def check_household_code(doc: CaseDoc, team: Team) -> list[Finding]:
    """MMB002: the household code must have the team's form (`household_pattern`,
    default ``H-`` and capitals or digits, as `mmb household` makes them). A name, a
    client number or an address in its place is refused."""
    case = doc.case
    assert case is not None
    if household_regex(team.household_pattern).fullmatch(case.household):
        return []
    return [finding("MMB002", doc.rel, doc.lines.line("household"), msg.HOUSEHOLD_CODE_BAD.format(
        code=mask(case.household), pattern=team.household_pattern or DEFAULT_HOUSEHOLD_PATTERN),
        case.id)]


def _free_text_hits(data: Any, key: tuple[str | int, ...], find: Callable[[str], list[T]]
                    ) -> list[tuple[tuple[str | int, ...], list[T]]]:
    """(path, what `find` found) for every text value of `data` with a finding,
    structural fields (ids, times, member ids) left out. A path is made only for the few
    texts with a finding: this runs over every value of every case of a city."""
    out: list[tuple[tuple[str | int, ...], list[T]]] = []
    items: Iterable[tuple[str | int, Any]]
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for k, v in items:
        if isinstance(v, str):
            if k in _STRUCTURAL_KEYS:
                continue
            hits = find(v)
            if hits:
                out.append(((*key, k), hits))
        elif isinstance(v, (dict, list)):
            out += _free_text_hits(v, (*key, k), find)
    return out


def _field_name(key: Sequence[str | int]) -> str:
    names = [str(k) for k in key if isinstance(k, str)]
    return names[-1] if names else "value"


def check_ids(docs: Sequence[CaseDoc]) -> list[Finding]:
    """MMB003: case id equals its file name; no two cases share an id."""
    out: list[Finding] = []
    first: dict[str, CaseDoc] = {}
    for doc in docs:
        case = doc.case
        if case is None:
            continue
        if case.id != doc.stem:
            out.append(finding("MMB003", doc.rel, doc.lines.line("id"), msg.ID_NOT_FILE_NAME.format(
                id=case.id, stem=mask(doc.stem)), case.id))
        if case.id in first:
            out.append(finding("MMB003", doc.rel, doc.lines.line("id"), msg.ID_DUPLICATE.format(
                id=case.id, other=first[case.id].rel), case.id))
        else:
            first[case.id] = doc
    return out


# --------------------------------------------------------------------------- limits

@dataclass(frozen=True)
class Approval:
    """A recorded (or proposed) approval, as the cap and budget see it."""

    case_id: str
    household: str
    at: datetime
    amount: Decimal
    rel: str = ""
    line: int = 1


def approvals_of(docs: Iterable[CaseDoc]) -> list[Approval]:
    """Every recorded approval, valid or not, in decision order (time, then case id)."""
    found: list[Approval] = []
    for doc in docs:
        case = doc.case
        if case is None or case.decision is None or case.decision.outcome is not Outcome.approved:
            continue
        line = doc.lines.line("decision", "amount") if doc.lines.has(
            "decision", "amount") else doc.lines.line("decision", "outcome")
        found.append(Approval(case.id, case.household, case.decision.at,
                              case.decision.amount or ZERO, doc.rel, line))
    found.sort(key=lambda a: (a.at, a.case_id))
    return found


def _in_cap_period(period: CapPeriod, earlier: datetime, current: datetime) -> bool:
    if period is CapPeriod.ever:
        return True
    if period is CapPeriod.calendar_year:
        return earlier.year == current.year
    return current - timedelta(days=365) < earlier <= current


def cap_period_text(period: CapPeriod, at: datetime) -> str:
    """The cap period ending at `at`, in words ("in 2026", "in the 365 days up to ...")."""
    if period is CapPeriod.ever:
        return msg.CAP_PERIOD_EVER
    if period is CapPeriod.calendar_year:
        return msg.CAP_PERIOD_YEAR.format(year=at.year)
    return msg.CAP_PERIOD_ROLLING.format(day=at.date())


def household_total(team: Team, approvals: Sequence[Approval], household: str,
                    at: datetime) -> tuple[Decimal, list[Approval]]:
    """What `household` has been approved in the cap period ending at `at` (inclusive)."""
    period = team.rules.household_cap_period
    earlier = [a for a in approvals
               if a.household == household and a.at <= at and _in_cap_period(period, a.at, at)]
    return sum((a.amount for a in earlier), ZERO), earlier


def check_household_cap(team: Team, approvals: Sequence[Approval]) -> list[Finding]:
    """MMB103 on every approval after which its household is over the cap."""
    cap = team.rules.household_cap
    if cap is None:
        return []
    period = team.rules.household_cap_period
    by_household: dict[str, list[Approval]] = defaultdict(list)
    out: list[Finding] = []
    for a in approvals:
        prior = [p for p in by_household[a.household] if _in_cap_period(period, p.at, a.at)]
        total = sum((p.amount for p in prior), ZERO) + a.amount
        if total > cap:
            out.append(finding("MMB103", a.rel, a.line, msg.CAP_EXCEEDED.format(
                household=mask(a.household), total=euro(total),
                period=cap_period_text(period, a.at),
                cap=euro(cap), over=euro(total - cap),
                earlier=_earlier(prior)), a.case_id))
        by_household[a.household].append(a)
    return out


def _earlier(prior: Sequence[Approval]) -> str:
    if not prior:
        return msg.EARLIER_NONE
    return msg.EARLIER.format(cases=", ".join(f"{p.case_id} {euro(p.amount)}" for p in prior))


def budget_available(team: Team, year: int, on: date) -> Decimal | None:
    """The year's budget plus top-ups dated on or before `on`; None without a budget."""
    for b in team.budget:
        if b.year == year:
            return b.amount + sum((t.amount for t in b.top_ups if t.date <= on), ZERO)
    return None


def check_budget(team: Team, approvals: Sequence[Approval]) -> list[Finding]:
    """MMB104 on every approval after which the year's approvals exceed what was available
    at that moment (a top-up counts from its date)."""
    spent: dict[int, Decimal] = defaultdict(lambda: ZERO)
    out: list[Finding] = []
    for a in approvals:
        year = a.at.year
        spent[year] += a.amount
        available = budget_available(team, year, a.at.date())
        if available is None:
            out.append(finding("MMB104", a.rel, a.line, msg.BUDGET_NONE.format(year=year),
                               a.case_id))
        elif spent[year] > available:
            out.append(finding("MMB104", a.rel, a.line, msg.BUDGET_EXCEEDED.format(
                amount=euro(a.amount), year=year, total=euro(spent[year]),
                available=euro(available), over=euro(spent[year] - available)), a.case_id))
    return out


# --------------------------------------------------------------------------- all

def check_team(doc: TeamDoc, now: datetime) -> list[Finding]:
    """Every rule of SPEC 4 that concerns team.yaml and the cases, for one team.

    Includes the findings made while loading. `now` is the local time the check runs at
    (pending cases and decisions in the future depend on it).
    """
    out = list(doc.findings)
    for c in doc.cases:
        out.extend(c.doc.findings)
        out.extend(check_personal_data(c))
    team = doc.team
    if team is None:
        return out
    members = {m.id: m for m in team.members}
    valid = [c for c in doc.cases if c.case is not None]
    out.extend(check_ids(valid))
    for c in valid:
        out.extend(check_references(c, team, members))
        out.extend(check_household_code(c, team))
        out.extend(check_votes(c, team, members))
        out.extend(check_decision(c, now))
        out.extend(check_opened(c, now))
        if c.case.history:  # type: ignore[union-attr]
            out.extend(check_history(c, members, now))
        out.extend(check_speed(c, team, now))
    approvals = approvals_of(valid)
    out.extend(check_household_cap(team, approvals))
    out.extend(check_budget(team, approvals))
    return out
