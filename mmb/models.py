"""The models of `team.yaml`, `mmb.yaml` and case files (SPEC 2.1, 2.2).

Money is `Decimal` read exactly (see `mmb.money`); times are naive local Dutch time.
Unknown keys are refused (a typo must not pass silently). Checks that need more than one
field or file (quorum, caps, references) live in `mmb.rules`, not here.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from mmb import messages as msg
from mmb.money import MoneyError, parse_money

CASE_ID_RE = re.compile(r"^\d{4}-\d{3,4}$")
#: A household code as `mmb household` makes them, "H-" and capitals or digits (SPEC
#: 6.3); a team.yaml or mmb.yaml may set its own `household_pattern`.
DEFAULT_HOUSEHOLD_PATTERN = r"H-[0-9A-Z]{1,16}"
#: The team's identity for its household secret: random, written once into team.yaml.
TEAM_ID_RE = re.compile(r"^[0-9a-f]{32}$")
MEMBER_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")
#: A payee's id in payees.yaml (issue 21): like a member id.
PAYEE_ID_RE = MEMBER_ID_RE
#: The end-to-end id `mmb pay` gives a transfer: the case id and a sequence (2026-014-1).
END_TO_END_ID_RE = re.compile(r"^(\d{4}-\d{3,4})-([1-9]\d{0,2})$")
#: A batch's message id (pain.001 MsgId, at most 35 characters).
BATCH_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,34}$")
_DATETIME_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _money(value: Any) -> Decimal:
    try:
        return parse_money(value)
    except MoneyError as exc:
        raise PydanticCustomError("money", str(exc)) from None


def _local_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        raise PydanticCustomError("datetime", msg.DATETIME_NEEDS_TIME.format(value=value))
    if not isinstance(value, str):
        raise PydanticCustomError("datetime", msg.DATETIME_BAD.format(value=value))
    m = _DATETIME_RE.match(value.strip())
    if not m:
        if _DATE_RE.match(value.strip()):
            raise PydanticCustomError("datetime", msg.DATETIME_NEEDS_TIME.format(value=value))
        raise PydanticCustomError("datetime", msg.DATETIME_BAD.format(value=value))
    y, mo, d, h, mi, s = m.groups()
    try:
        return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s) if s else 0)
    except ValueError:
        raise PydanticCustomError("datetime", msg.DATE_NOT_REAL.format(value=value)) from None


def _local_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DATE_RE.match(value.strip()):
        raise PydanticCustomError("date", msg.DATE_BAD.format(value=value))
    y, mo, d = (int(g) for g in _DATE_RE.match(value.strip()).groups())  # type: ignore[union-attr]
    try:
        return date(y, mo, d)
    except ValueError:
        raise PydanticCustomError("date", msg.DATE_NOT_REAL.format(value=value)) from None


_MONEY_SCHEMA = {
    "anyOf": [
        {"type": "number", "minimum": 0, "multipleOf": 0.01},
        {"type": "string", "pattern": r"^\s*(€|EUR)?\s*\d{1,3}([.,]?\d{3})*([.,]\d{1,2})?\s*$"},
    ],
    "description": "Euros, at most two decimals: 149.95 or \"149,95\" or \"€ 1.234,56\"",
}

Money = Annotated[Decimal, BeforeValidator(_money), WithJsonSchema(_MONEY_SCHEMA)]
LocalDateTime = Annotated[
    datetime,
    BeforeValidator(_local_datetime),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(:\d{2})?$",
                    "description": "Local Dutch time: YYYY-MM-DD HH:MM"}),
]
LocalDate = Annotated[
    date,
    BeforeValidator(_local_date),
    WithJsonSchema({"type": "string", "format": "date", "description": "YYYY-MM-DD"}),
]
Text = Annotated[str, Field(min_length=1, max_length=4000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, frozen=True,
                              defer_build=True)


class VoteValue(StrEnum):
    approve = "approve"
    object = "object"
    abstain = "abstain"


#: Dutch (and a few other common) spellings accepted for a vote.
VOTE_ALIASES: dict[str, VoteValue] = {
    "approve": VoteValue.approve,
    "akkoord": VoteValue.approve,
    "object": VoteValue.object,
    "tegen": VoteValue.object,
    "abstain": VoteValue.abstain,
    "onthouding": VoteValue.abstain,
}


def parse_vote(value: Any) -> VoteValue:
    """A vote word (English or Dutch, any case) as its canonical value."""
    if isinstance(value, VoteValue):
        return value
    found = VOTE_ALIASES.get(str(value).strip().lower())
    if found is None:
        raise PydanticCustomError("vote", msg.VOTE_BAD.format(value=value))
    return found


class Outcome(StrEnum):
    approved = "approved"
    rejected = "rejected"
    solved_otherwise = "solved_otherwise"
    withdrawn = "withdrawn"


class CapPeriod(StrEnum):
    calendar_year = "calendar_year"
    rolling_365_days = "rolling_365_days"
    ever = "ever"


class Member(_Strict):
    id: Annotated[str, Field(pattern=MEMBER_ID_RE.pattern,
                             description="Short id used everywhere else, e.g. fatima")]
    name: str | None = Field(None, description="Display name of the colleague (never a client)")
    role: str | None = Field(None, description="Free text; escalation rules match it")
    chat_names: list[str] = Field(default_factory=list,
                                  description="How the member appears in chat exports")
    since: LocalDate | None = None
    until: LocalDate | None = None

    def active_on(self, day: date) -> bool:
        """Membership is inclusive at both ends."""
        return (self.since is None or self.since <= day) and (
            self.until is None or day <= self.until)


class Escalation(_Strict):
    above: Money
    role: Annotated[str, Field(min_length=1)]


class Rules(_Strict):
    quorum: Annotated[int, Field(ge=1, le=50)] = 3
    household_cap: Money | None = Decimal(500)
    household_cap_period: CapPeriod = CapPeriod.calendar_year
    escalation: list[Escalation] = Field(default_factory=list)
    veto: bool = False
    decision_hours: Annotated[int, Field(ge=1, le=24 * 365)] = 24
    receipt_grace_days: Annotated[int, Field(ge=0, le=3650)] = 14
    unpaid_warning_days: Annotated[int, Field(ge=1, le=3650)] = 30
    allow_cash: bool = False


class TopUp(_Strict):
    date: LocalDate
    amount: Money
    note: str | None = None


class BudgetYear(_Strict):
    year: Annotated[int, Field(ge=2000, le=2100)]
    amount: Money
    top_ups: list[TopUp] = Field(default_factory=list)


class Account(_Strict):
    iban: Annotated[str, Field(min_length=1, max_length=42)]
    name: str | None = None

    @field_validator("iban")
    @classmethod
    def _iban(cls, value: str) -> str:
        from mmb import iban

        found = iban.problem(value)
        if found is not None:
            reason, fields = found
            raise PydanticCustomError("iban", msg.IBAN_PROBLEMS[reason].format(value=value,
                                                                               **fields))
        return iban.normalise(value)


DEFAULT_CATEGORIES = ["woonlasten", "schulden", "zorg", "vervoer", "kleding", "onderwijs",
                      "inrichting", "leefgeld", "ontspanning", "overig"]


def _household_pattern(value: Any) -> Any:
    """A `household_pattern` must compile; it is matched against whole codes."""
    if isinstance(value, str):
        try:
            re.compile(value)
        except re.error as exc:
            raise PydanticCustomError("pattern", msg.HOUSEHOLD_PATTERN_BAD.format(
                error=exc)) from None
    return value


HouseholdPattern = Annotated[str, Field(min_length=1, max_length=200),
                             BeforeValidator(_household_pattern)]


def household_regex(pattern: str | None) -> re.Pattern[str]:
    """The compiled household pattern (the default when `pattern` is None)."""
    return _compiled(pattern or DEFAULT_HOUSEHOLD_PATTERN)


_COMPILED: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    found = _COMPILED.get(pattern)
    if found is None:
        found = _COMPILED[pattern] = re.compile(pattern)
    return found


class Team(_Strict):
    """`team.yaml`."""

    name: Text
    team_id: Annotated[str | None, Field(
        pattern=TEAM_ID_RE.pattern,
        description="Written once by mmb: which household secret is this team's")] = None
    municipality: str | None = None
    district: str | None = None
    members: Annotated[list[Member], Field(min_length=1)]
    rules: Rules = Field(default_factory=Rules)
    budget: list[BudgetYear] = Field(default_factory=list)
    categories: Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)] = (
        Field(default_factory=lambda: list(DEFAULT_CATEGORIES)))
    accounts: list[Account] = Field(default_factory=list)
    household_pattern: Annotated[HouseholdPattern | None, Field(
        description="Regular expression every household code must match (default: "
                    "H- and capitals or digits)")] = None


class Defaults(_Strict):
    """`mmb.yaml` at a municipality folder's root: defaults for the teams below it."""

    name: str | None = None
    municipality: str | None = None
    district: str | None = None
    members: list[Member] | None = None
    rules: Rules | None = None
    budget: list[BudgetYear] | None = None
    categories: list[str] | None = None
    accounts: list[Account] | None = None
    household_pattern: HouseholdPattern | None = None


class Vote(_Strict):
    member: Annotated[str, Field(min_length=1)]
    vote: Annotated[VoteValue, BeforeValidator(parse_vote),
                    WithJsonSchema({"enum": sorted(VOTE_ALIASES)})]
    at: LocalDateTime
    note: str | None = None


class Decision(_Strict):
    outcome: Outcome
    at: LocalDateTime
    by: Annotated[str, Field(min_length=1)]
    amount: Annotated[Decimal | None, BeforeValidator(lambda v: v if v is None else _money(v)),
                      WithJsonSchema({"anyOf": [_MONEY_SCHEMA, {"type": "null"}]})] = None
    solved_by: str | None = None
    note: str | None = None


class PastDecision(Decision):
    """An earlier decision, moved into the case's `history:` by `mmb reopen` (issue 16): the
    decision's keys as they were, plus who reopened the case, when and why."""

    reopened_at: LocalDateTime
    reopened_by: Annotated[str, Field(min_length=1)]
    reason: Text


class Followup(_Strict):
    at: LocalDate
    regret: bool = False
    note: str | None = None


class Payment(_Strict):
    """A transfer ordered for the case with `mmb pay` (issue 21), written by mmb. It counts
    as paid once ledger.csv holds its booking (see `mmb.payments`)."""

    ordered_at: LocalDateTime
    amount: Money
    end_to_end_id: Annotated[str, Field(pattern=END_TO_END_ID_RE.pattern,
                                        description="The case id and a sequence: 2026-014-1")]
    batch: Annotated[str, Field(pattern=BATCH_ID_RE.pattern,
                                description="The batch's message id (MsgId)")]
    payee: Annotated[str | None, Field(pattern=PAYEE_ID_RE.pattern,
                                       description="The payee (payees.yaml) paid")] = None
    execution_date: LocalDate | None = None
    remittance: Annotated[str | None, Field(min_length=1, max_length=140)] = None
    iban_sha256: Annotated[str | None, Field(
        pattern=r"^[0-9a-f]{16}$",
        description="The start of the SHA-256 of the IBAN paid: shows a later change of "
                    "the payee's IBAN (MMB212) without an account number in the case")] = None

    @field_validator("amount")
    @classmethod
    def _positive(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise PydanticCustomError("money", msg.AMOUNT_ZERO)
        return value


class Case(_Strict):
    """A request (`cases/<id>.yaml`)."""

    id: Annotated[str, Field(pattern=CASE_ID_RE.pattern, description="YYYY-NNN, = file name")]
    opened: LocalDateTime
    requested_by: Annotated[str, Field(min_length=1)]
    household: Annotated[str, Field(min_length=1, max_length=40,
                                    description="The team's pseudonymous household code")]
    category: Annotated[str, Field(min_length=1)]
    amount: Money
    purpose: Text
    alternatives: list[str] = Field(default_factory=list)
    votes: list[Vote] = Field(default_factory=list)
    decision: Decision | None = None
    followup: Followup | None = None
    payee: Annotated[str | None, Field(
        pattern=PAYEE_ID_RE.pattern,
        description="Who `mmb pay` pays: a payee id of payees.yaml, e.g. ymere")] = None
    payee_reference: Annotated[str | None, Field(
        min_length=1, max_length=120,
        description="The payee's invoice or customer number, sent with the transfer")] = None
    payments: list[Payment] = Field(default_factory=list,
                                    description="Transfers ordered with `mmb pay`")
    history: list[PastDecision] = Field(
        default_factory=list,
        description="Earlier decisions, moved here by `mmb reopen`; never edited by hand")

    @field_validator("amount")
    @classmethod
    def _positive(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise PydanticCustomError("money", msg.AMOUNT_ZERO)
        return value


SchemaKind = Literal["team", "case", "defaults", "payees"]


def json_schema(kind: SchemaKind) -> dict[str, Any]:
    """JSON Schema of a file kind, for editors (yaml-language-server)."""
    if kind == "payees":  # payees.yaml (issue 21) is a list of payees
        from pydantic import TypeAdapter

        from mmb.payees import Payee

        schema = TypeAdapter(list[Payee]).json_schema()
    else:
        models: dict[str, type[BaseModel]] = {"team": Team, "case": Case, "defaults": Defaults}
        schema = models[kind].model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = {"team": "mmb team.yaml", "case": "mmb case file",
                       "defaults": "mmb mmb.yaml (municipality defaults)",
                       "payees": "mmb payees.yaml (who `mmb pay` pays)"}[kind]
    return schema
