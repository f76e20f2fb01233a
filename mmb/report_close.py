"""When a year-end account is final: the year is over, the bank data of every account reach
its end, and the money adds up both ways.

Plain Python, no rendering. Two parts:

* `bank_facts` reads, for one team, which account each ledger row is on and how far the
  bank data of each account in team.yaml reach: the last booking (in any year) or the
  latest *stated* balance of an export (CAMT.053 and MT940 statements state their closing
  balance and its date; readers that learn to state balances are used the same way, since
  `mmb.banks.BankExport.balances` is all this module reads). The exports in bank/ are only
  read when the ledger alone cannot tell (more than one account, or the ledger's last
  booking before the year's end).
* `reasons` lists, in plain words, every reason a report is not final. A report is final
  exactly when the list is empty.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from mmb import messages as msg
from mmb.money import euro

if TYPE_CHECKING:
    from mmb.ledger import LedgerRow
    from mmb.models import Team
    from mmb.report import Account, Facts

ZERO = Decimal(0)


@dataclass(frozen=True)
class Coverage:
    """The bank data of one account: its first and last booking in the year, and the
    latest date the data reach (a booking of any year, or a stated balance)."""

    iban: str
    first: date | None = None
    last: date | None = None
    reaches: date | None = None

    def complete(self, year: int) -> bool:
        """Whether the data reach the end of `year` (31 December or later)."""
        return self.reaches is not None and self.reaches >= date(year, 12, 31)


@dataclass
class BankFacts:
    """What `bank_facts` found for one team."""

    account_of: Callable[[LedgerRow], str]
    ibans: tuple[str, ...]
    coverage: tuple[Coverage, ...]
    unattributed: int = 0  # ledger rows that are on none of the accounts (as far as known)
    stated: dict[str, date] = field(default_factory=dict)


def _stated_and_owners(root: Path, ibans: Sequence[str]) -> tuple[dict[str, date],
                                                                  dict[str, str]]:
    """From the exports in bank/: the latest stated balance date per account, and the
    account of every export that holds exactly one. An export that cannot be read, or
    holds another account, is skipped: `mmb validate` reports it (MMB001, MMB201), and
    its error makes the report not final."""
    from mmb.banks import BankFormatError
    from mmb.files import TeamFileError
    from mmb.reconcile import export_files, load_export

    own = set(ibans)
    stated: dict[str, date] = {}
    owners: dict[str, str] = {}
    try:
        paths = export_files(root)
    except TeamFileError:  # bank/ leads out of the team folder: validate reports it
        paths = []
    for path in paths:
        try:
            loaded = load_export(path, root)
        except BankFormatError:
            continue
        accounts = loaded.view.accounts
        if any(a not in own for a in accounts):
            continue
        if len(accounts) == 1:
            owners[loaded.source] = accounts[0]
        for balance in loaded.view.balances:
            account, closing_date = balance.account, balance.closing_date
            if closing_date is not None and account in own and (
                    account not in stated or closing_date > stated[account]):
                stated[account] = closing_date
    return stated, owners


def bank_facts(root: Path, team: Team | None, rows: Sequence[LedgerRow], year: int
               ) -> BankFacts:
    """Which account each ledger row is on, and the coverage of every account of `team`."""
    ibans = tuple(a.iban for a in team.accounts) if team is not None else ()
    stated: dict[str, date] = {}
    read = False
    if len(ibans) > 1:
        stated, owners = _stated_and_owners(root, ibans)
        read = True

        def account_of(row: LedgerRow) -> str:
            return owners.get(row.source, "")
    else:
        only = ibans[0] if ibans else ""

        def account_of(row: LedgerRow) -> str:
            return only

    def measure() -> tuple[tuple[Coverage, ...], int]:
        per: dict[str, list[date]] = {i: [] for i in ibans}
        last_any: dict[str, date] = {}
        unattributed = 0
        for r in rows:
            account = account_of(r)
            if account not in per:
                unattributed += 1
                continue
            if account not in last_any or r.date > last_any[account]:
                last_any[account] = r.date
            if r.date.year == year:
                per[account].append(r.date)
        out = []
        for iban in ibans:
            days = per[iban]
            reach = max((d for d in (last_any.get(iban), stated.get(iban)) if d is not None),
                        default=None)
            out.append(Coverage(iban, min(days) if days else None,
                                max(days) if days else None, reach))
        return tuple(out), unattributed

    coverage, unattributed = measure()
    if not read and any(not c.complete(year) for c in coverage):
        # the ledger alone does not reach the year's end: a statement may state it
        stated, _ = _stated_and_owners(root, ibans)
        if stated:
            coverage, unattributed = measure()
    return BankFacts(account_of, ibans, coverage, unattributed, stated)


# --------------------------------------------------------------------------- reasons

def reasons(facts: Facts, accounts: Sequence[Account], now: datetime, public: bool,
            errors: int) -> list[str]:
    """Every reason the report of `facts` is not final, most urgent first; none: final.

    `accounts` are the teams' accounts (in the order of `facts.teams`); `errors` the
    validate errors that concern the year. A public report names no team."""
    year = facts.year
    out: list[str] = []
    folders = " ".join(facts.folders)
    if errors:
        out.append((msg.YE_REASON_ERRORS_PUBLIC if public else msg.YE_REASON_ERRORS).format(
            errors=errors, year=year, folders=folders))
    teams = list(zip(facts.teams, accounts, strict=True))
    differing = [t for t, a in teams if a.agrees is False]
    if differing:
        out.append(msg.YE_REASON_BALANCES.format(count=len(differing), year=year))
    # the budget side against the bank side: what was granted against what came in
    not_received = [(t, a) for t, a in teams if t.readable and t.has_ledger
                    and a.budget_not_received.value != ZERO]
    no_ledger = [t for t, _ in teams if not t.has_ledger]
    no_balances = [t for t, a in teams if t.has_ledger and a.opening_balance.value is None]
    unexplained: dict[int, list[Decimal]] = {}
    for r in facts.rows:
        if r.flow == "unexplained":
            unexplained.setdefault(r.team, []).append(r.amount)
    names = {t.index: t.name for t in facts.teams}
    if public:
        for items, template in ((not_received, msg.YE_REASON_NOT_RECEIVED_PUBLIC),
                                (no_balances, msg.YE_REASON_NO_BALANCES_PUBLIC),
                                (no_ledger, msg.YE_REASON_NO_LEDGER_PUBLIC),
                                (unexplained, msg.YE_REASON_UNEXPLAINED_PUBLIC)):
            if items:
                out.append(template.format(count=len(items), year=year))
    else:
        for t, a in not_received:
            gap = a.budget_not_received.value
            assert isinstance(gap, Decimal)
            what = (msg.YE_NOT_RECEIVED_LESS if gap > 0 else msg.YE_NOT_RECEIVED_MORE).format(
                difference=euro(abs(gap)))
            out.append(msg.YE_REASON_NOT_RECEIVED.format(
                team=t.name, year=year, budget=euro(_value(a.budget_total.value)),
                deposits=euro(_value(a.flows["deposits"].value)), what=what))
        out += [msg.YE_REASON_NO_BALANCES.format(team=t.name, year=year) for t in no_balances]
        out += [msg.YE_REASON_NO_LEDGER.format(team=t.name) for t in no_ledger]
        for index, amounts in unexplained.items():
            out.append(msg.YE_REASON_UNEXPLAINED.format(
                team=names[index], count=len(amounts), year=year,
                amount=euro(sum(amounts, ZERO))))
    # the period: the year is over and the bank data of every account reach its end
    if now.date() <= date(year, 12, 31):
        out.append(msg.YE_REASON_YEAR_OPEN.format(year=year, today=now.date().isoformat(),
                                                  next=year + 1))
    short: list[str] = []
    short_teams = 0
    for t in facts.teams:
        if not t.readable or not t.has_ledger:
            continue  # said above (an unreadable team.yaml is a validate error)
        said = len(short)
        if not t.ibans:
            short.append(msg.YE_REASON_NO_ACCOUNT.format(team=t.name, year=year))
        if t.unattributed and t.ibans:
            short.append(msg.YE_REASON_UNATTRIBUTED.format(team=t.name, count=t.unattributed))
        for c in t.coverage:
            if c.complete(year):
                continue
            if c.first is None and (c.reaches is None or c.reaches.year < year):
                short.append(msg.YE_REASON_NO_DATA.format(team=t.name, iban=c.iban, year=year))
            else:
                assert c.reaches is not None
                short.append(msg.YE_REASON_SHORT.format(team=t.name, iban=c.iban, year=year,
                                                        reaches=c.reaches.isoformat()))
        short_teams += len(short) > said
    if public:
        if short_teams:
            out.append(msg.YE_REASON_COVERAGE_PUBLIC.format(count=short_teams, year=year))
    else:
        out += short
    return out


def _value(value: object) -> Decimal:
    assert isinstance(value, Decimal)
    return value
