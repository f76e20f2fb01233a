"""`payees.yaml`: the organisations (and the odd private landlord) a team pays by transfer
with `mmb pay` (issue 21).

An optional file in the team folder: a list of payees, each `{id, name, iban, bic?, kind:
organisation|person, note?, iban_verified?}`. It is read the one safe way
(`mmb.files.load_yaml`), checked here (the IBAN with `mmb.iban`, a SEPA country, the name in
the characters every bank accepts, ids unique, a `person` with a note why, never one of the
team's own accounts) and never shown in a report. MMB301 does not scan it: naming the
creditor and its account is what the file is for, and a private landlord's entry says why.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from mmb import messages as msg
from mmb.files import LineMap, load_yaml
from mmb.findings import Finding, finding
from mmb.models import PAYEE_ID_RE, LocalDateTime, Team

PAYEES_FILE = "payees.yaml"

#: The countries of the SEPA credit-transfer scheme whose IBANs a Dutch bank pays (the
#: European Payments Council's list of SEPA scheme countries: the EU, the EEA, Andorra,
#: Gibraltar, Monaco, San Marino, Switzerland, the United Kingdom and Vatican City; French
#: overseas departments and Åland use FR and FI IBANs). Countries the EPC admitted later
#: (Albania, Moldova, Montenegro, North Macedonia, Serbia) are left out until their banks
#: take part: a payee there is refused, never sent to a bank that returns the money.
SEPA_COUNTRIES = frozenset((
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE",
    "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",  # the EU
    "IS", "LI", "NO",  # the rest of the EEA
    "AD", "CH", "GB", "GI", "MC", "SM", "VA"))


class PayeeKind(StrEnum):
    organisation = "organisation"
    person = "person"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, frozen=True)


class IbanVerified(_Strict):
    """Who confirmed a changed IBAN with the payee, when and how (clears MMB212 for the
    batches made before it)."""

    at: LocalDateTime
    by: Annotated[str, Field(min_length=1, description="Member id of who checked")]
    note: Annotated[str, Field(min_length=1, max_length=4000, description=(
        "How it was checked, e.g. called the number on their website"))]


class Payee(_Strict):
    """One creditor the team pays with `mmb pay`."""

    id: Annotated[str, Field(pattern=PAYEE_ID_RE.pattern,
                             description="Short id a case names as `payee:`, e.g. ymere")]
    name: Annotated[str, Field(min_length=1, max_length=70,
                               description="The account holder's name, as on the invoice")]
    iban: Annotated[str, Field(min_length=1, max_length=42)]
    bic: Annotated[str | None, Field(description="Optional; Dutch banks need no BIC")] = None
    kind: PayeeKind
    note: Annotated[str | None, Field(max_length=4000, description=(
        "Why the team pays this payee; required for a person"))] = None
    iban_verified: IbanVerified | None = None

    @field_validator("iban")
    @classmethod
    def _iban(cls, value: str) -> str:
        from mmb import iban

        found = iban.problem(value)
        if found is not None:
            reason, fields = found
            text = (msg.PAYEE_IBAN_ACCOUNT_NUMBER.format(value=value)
                    if reason == "account_number"
                    else msg.IBAN_PROBLEMS[reason].format(value=value, **fields))
            raise PydanticCustomError("iban", text)
        return iban.normalise(value)

    @field_validator("bic")
    @classmethod
    def _bic(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from stdnum import bic

        compact = "".join(value.split()).upper()
        if not bic.is_valid(compact):
            raise PydanticCustomError("iban", msg.PAYEE_BIC_BAD.format(value=value))
        return compact


@dataclass
class PayeeFile:
    """payees.yaml as read: the payees that passed every check, by id, and the findings."""

    rel: str
    exists: bool = False
    #: False when the file cannot be read, or is no list of payees: then nothing is known
    #: of its payees (and no case is told its payee is missing).
    readable: bool = True
    payees: dict[str, Payee] = field(default_factory=dict)
    #: Every id the file names, valid payee or not (a case naming a payee whose entry has
    #: a typo is not told the payee does not exist).
    named: set[str] = field(default_factory=set)
    #: The list position of each id, for the line of a finding.
    index: dict[str, int] = field(default_factory=dict)
    lines: LineMap = field(default_factory=LineMap)
    findings: list[Finding] = field(default_factory=list)

    def line(self, payee_id: str, *key: str) -> int:
        """The line of `key` of the payee `payee_id` (its entry's line without `key`)."""
        position = self.index.get(payee_id)
        return 1 if position is None else self.lines.line(position, *key)


def load_payees(root: Path, team: Team | None, rel: str = PAYEES_FILE) -> PayeeFile:
    """Read and check payees.yaml of the team folder `root` (absent: no payees). `rel`:
    the file's path as findings show it. `team`: for its own accounts and members."""
    result = PayeeFile(rel=rel)
    path = root / PAYEES_FILE
    if not os.path.lexists(path):
        return result
    result.exists = True
    doc = load_yaml(path, rel)
    result.lines = doc.lines
    result.findings.extend(doc.findings)
    if not doc.readable:
        result.readable = False
        return result
    data = doc.data
    if data is None:
        return result
    if not isinstance(data, list):
        result.findings.append(finding("MMB002", rel, 1, msg.PAYEES_NOT_LIST))
        result.readable = False
        return result
    for position, item in enumerate(data):
        _read_payee(result, position, item, team)
    return result


def _read_payee(result: PayeeFile, position: int, item: Any, team: Team | None) -> None:
    from mmb.folder import describe_error
    from mmb.privacy import mask

    rel, lines = result.rel, result.lines
    if not isinstance(item, dict):
        result.findings.append(finding("MMB002", rel, lines.line(position),
                                       msg.PAYEE_NOT_MAPPING.format(number=position + 1)))
        return
    raw_id = item.get("id")
    if isinstance(raw_id, str) and raw_id:
        if raw_id in result.named:
            result.findings.append(finding("MMB002", rel, lines.line(position, "id"),
                                           msg.PAYEE_DUPLICATE.format(id=mask(raw_id))))
            return
        result.named.add(raw_id)
        result.index[raw_id] = position
    try:
        payee = Payee.model_validate(item)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            result.findings.append(finding(
                "MMB002", rel, lines.line(position, *error["loc"]),
                msg.PAYEE_PREFIX.format(number=position + 1,
                                        text=describe_error(error, Payee))))
        return
    problems = payee_problems(payee, team)
    for key, text in problems:
        code = "MMB004" if key == ("iban_verified", "by") else "MMB002"
        result.findings.append(finding(code, rel, lines.line(position, *key), text))
    if not problems:
        result.payees[payee.id] = payee


def payee_problems(payee: Payee, team: Team | None) -> list[tuple[tuple[str, ...], str]]:
    """What is wrong with a payee that passed the schema, as (key, message) pairs: a
    person without a note, an IBAN outside SEPA or of the team's own account, a name the
    SEPA character set cannot carry, a checker who is no member."""
    from mmb.sepa import sepa_text, shown_characters

    out: list[tuple[tuple[str, ...], str]] = []
    if payee.kind is PayeeKind.person and not (payee.note or "").strip():
        out.append((("kind",), msg.PAYEE_PERSON_NOTE.format(id=payee.id)))
    country = payee.iban[:2]
    if country not in SEPA_COUNTRIES:
        out.append((("iban",), msg.PAYEE_NOT_SEPA.format(id=payee.id, country=country)))
    if team is not None and payee.iban in {a.iban for a in team.accounts}:
        out.append((("iban",), msg.PAYEE_OWN_ACCOUNT.format(id=payee.id)))
    written, bad = sepa_text(payee.name)
    if bad:
        out.append((("name",), msg.PAYEE_NAME_CHARACTERS.format(
            id=payee.id, characters=shown_characters(bad))))
    elif len(written) > 70:
        out.append((("name",), msg.PAYEE_NAME_LONG.format(id=payee.id, name=written)))
    verified = payee.iban_verified
    if verified is not None and team is not None:
        from mmb.rules import find_member

        members = {m.id: m for m in team.members}
        if find_member(members, verified.by) is None:
            from mmb.privacy import mask

            out.append((("iban_verified", "by"), msg.UNKNOWN_MEMBER.format(
                member=mask(verified.by), known=", ".join(members))))
    return out


def verified_after(payee: Payee, moment: datetime) -> bool:
    """Whether the payee's IBAN was confirmed (`iban_verified`) after `moment`."""
    return payee.iban_verified is not None and payee.iban_verified.at > moment


def iban_digest(iban: str) -> str:
    """What a payment record keeps of the IBAN it paid (`Payment.iban_sha256`): the first
    16 hex digits of the SHA-256 of the IBAN without spaces, upper case. Enough to see
    that a payee's IBAN changed (MMB212); no account number in the anonymous case file.
    (Not a secret: an IBAN can be found from it by trying them all.)"""
    import hashlib

    from mmb.iban import normalise

    return hashlib.sha256(normalise(iban).encode("ascii")).hexdigest()[:16]
