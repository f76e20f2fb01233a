"""Statistical disclosure control for `mmb report --public`: the cell key method.

Plain Python, no rendering, no files (the key is read by `mmb.report_key`). A figure of the
report is a `Cell`: its value and the households behind it. `protect` replaces the value of
every protected cell by a *published* value and hides the cells that rest on too few
households. The design (the README's "The public report" gives the threat model):

1. **Record keys.** Every household gets two secret 64-bit numbers, an HMAC-SHA256 of its
   team's identity and its household code keyed with the municipality's report key. Without
   the key they are unpredictable, also for guessable codes such as H-0001.
2. **Cell keys.** A cell's key is the sum (modulo 2**64) of its households' record keys: the
   same households give the same key in every report, whatever folder, breakdown, format or
   table the cell appears in, and any other set of households an unrelated key.
3. **Counts.** The published count is `max(0, x + e + r)`:
   - `e` (-4..+4, `COUNT_WEIGHTS`) follows from the cell key and the value: the same
     households and value get the same `e` in every report ever made, so no number of
     reports averages it away;
   - `r` (-6..+6, `RELEASE_WEIGHTS`) follows from the cell key, the value and the
     *release*: a fingerprint of all the facts the report is made from. The same folder
     with the same data gives the same report (by any `--by`, in any format); after any
     change every figure gets a fresh `r`, so a reader comparing two reports cannot tell
     the figures that changed from those that did not.
4. **Small cells.** A count is shown only when its published count is at least `threshold`
   and so is the published number of households behind it (the same function, so the
   households figure of the same households agrees); a published 0 is shown as 0 (it may
   be a small count). A true zero is hidden too, with probability `ZERO_HIDDEN` by the
   release, so a hidden figure does not say "not zero".
5. **Amounts.** An amount is shown when its number of households would be (rule 4, so the
   amount and the households figure of the same households show or hide together). The
   published amount is the amount plus two noises like `e` and `r`, each up to
   `AMOUNT_NOISE` times the largest household's share of it (bell-shaped), in cents.
6. **Derived figures** (unspent = budget - spent - costs, the average grant) are computed
   from published figures by the caller, so public relations cannot undo the noise. Tables
   need not add up.

What a reader who knows this design, the noise tables and every public output can learn:
for every count only that it lies within `COUNT_NOISE` of what is published (0 to
threshold - 1 + `COUNT_NOISE` when hidden), for every amount within the noise bound; an
exact value only if several figures all drew their most extreme noise in the unlucky
direction. tests/test_public_attacks.py runs the attacks of issue 14.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Literal

Unit = Literal["count", "euro", "hours"]
#: Why a cell is hidden: "" (shown), "small" (its published count or households are below
#: the threshold), "zero" (a true zero hidden at random, so that hiding says nothing),
#: "derived" (computed from a hidden cell), "policy" (never published in a public report,
#: e.g. a median grant, which is one household's amount).
Hidden = Literal["", "small", "zero", "derived", "policy"]
HouseholdKey = tuple[int, str]

#: The lasting noise of a count (`e`): weights of -4..+4 out of 2**30, a discrete Gaussian
#: with standard deviation 1, cut at 4 (+-4: 1 in 7 500 each).
COUNT_WEIGHTS: Mapping[int, int] = {0: 428362288, 1: 259814861, 2: 57972532, 3: 4758675,
                                    4: 143700}
#: The release noise of a count (`r`): the same Gaussian, cut at 6 (+-6: 1 in 150 million).
RELEASE_WEIGHTS: Mapping[int, int] = {0: 428361008, 1: 259814086, 2: 57972359, 3: 4758661,
                                      4: 143699, 5: 1596, 6: 7}
#: The most a published count differs from the true one (before it is cut at 0). Together
#: the two noises have a standard deviation of 1.4: 28 % of counts are published exactly,
#: 72 % within 1, 93 % within 2, 99 % within 3 (about as exact as rounding to multiples of
#: 5, whose error has a standard deviation of 1.4 too).
COUNT_NOISE = max(COUNT_WEIGHTS) + max(RELEASE_WEIGHTS)
#: A true zero is hidden with this chance (out of 1), decided by the release.
ZERO_HIDDEN = Decimal("0.10")
#: Each noise of an amount: at most this share of the largest household's part of it.
AMOUNT_NOISE = Decimal("0.30")

_BITS = 64
_MOD = 1 << _BITS
_CENT = Decimal("0.01")


@dataclass(eq=False)
class Cell:
    """One published figure. `households` maps each contributing household to its share
    (a count of cases, or euros). `protect` is False for figures that concern no household
    (a team's budget, bank costs): they are published as they are. Cells compare by
    identity, so the same total can stand in several tables. `family` names the set of
    households a cell counts within its row (the cells of one family are zero together:
    see `protect`). After `protect`, `value` is the published value and `exact` the true one."""

    value: int | Decimal | None
    unit: Unit = "count"
    households: dict[HouseholdKey, Decimal] = field(default_factory=dict, repr=False)
    protect: bool = True
    is_total: bool = False
    suppressed: Hidden = ""
    family: str = ""
    exact: int | Decimal | None = field(default=None, repr=False)

    @property
    def shown(self) -> int | Decimal | None:
        """The value as published: None when hidden or not known."""
        return None if self.suppressed else self.value

    @property
    def hidden(self) -> bool:
        return bool(self.suppressed)


@dataclass
class Protection:
    """What `protect` did, for the report's method note (never which cell or why)."""

    threshold: int
    perturbed: int = 0
    hidden: int = 0


@dataclass(frozen=True)
class Scope:
    """Where a row's cells come from, for the key of a true zero (which has no households):
    the identities of the teams it covers and the slice (`""`, `category:zorg`,
    `month:2026-03`). The same population gives the same key in every report."""

    teams: tuple[str, ...]
    part: str = ""


class Keys:
    """The record keys of the households, from the municipality's report key and the
    teams' identities (`identities[team index]`)."""

    def __init__(self, secret: bytes, identities: Mapping[int, str], release: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the report key is too short")
        self._secret = secret
        self._identities = identities
        #: the release, keyed: a reader who guesses the facts cannot compute it
        self.release = hmac.new(secret, b"mmb-release/1\0" + release, hashlib.sha256).digest()
        self._cache: dict[HouseholdKey, tuple[int, int]] = {}

    def record(self, household: HouseholdKey) -> tuple[int, int]:
        """The household's two record keys: one for counts, one for amounts."""
        known = self._cache.get(household)
        if known is None:
            team, code = household
            message = b"\0".join((b"mmb-household/1", self._identities[team].encode("utf-8"),
                                  code.encode("utf-8")))
            digest = hmac.new(self._secret, message, hashlib.sha256).digest()
            known = (int.from_bytes(digest[:8], "big"), int.from_bytes(digest[8:16], "big"))
            self._cache[household] = known
        return known

    def cell(self, households: Iterable[HouseholdKey]) -> tuple[int, int]:
        """The cell keys of a set of households (sums of their record keys)."""
        count = amount = 0
        for household in households:
            a, b = self.record(household)
            count += a
            amount += b
        return count % _MOD, amount % _MOD

    def zero(self, scope: Scope, family: str) -> int:
        """A 64-bit number for a true zero of `family` in `scope` (it has no households)
        in this release."""
        message = b"\0".join((b"mmb-zero/1", self.release, family.encode("utf-8"),
                              scope.part.encode("utf-8"),
                              *(t.encode("utf-8") for t in sorted(scope.teams))))
        digest = hmac.new(self._secret, message, hashlib.sha256).digest()
        return int.from_bytes(digest[:8], "big")


def _draw(key: int, label: bytes, value: int, release: bytes = b"") -> int:
    """A 64-bit number that follows from a cell key, the value and (for the release noise)
    the release: the same always gives the same number, anything else an unrelated one."""
    data = key.to_bytes(8, "big") + label + value.to_bytes(16, "big", signed=True) + release
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


def _cumulative(weights: Mapping[int, int]) -> list[tuple[int, int]]:
    """(upper bound out of 2**30, noise) for -max..+max in order."""
    out: list[tuple[int, int]] = []
    running = 0
    top = max(weights)
    for e in range(-top, top + 1):
        running += weights[abs(e)]
        out.append((running, e))
    assert running == 1 << 30
    return out


_LASTING = _cumulative(COUNT_WEIGHTS)
_RELEASE = _cumulative(RELEASE_WEIGHTS)


def _pick(table: list[tuple[int, int]], u: int) -> int:
    u >>= _BITS - 30
    for bound, e in table:
        if u < bound:
            return e
    raise AssertionError("unreachable")  # pragma: no cover


def count_noise(key: int, value: int, release: bytes) -> int:
    """The noise of a count of `value` in a cell with key `key` in a release: the lasting
    part (`COUNT_WEIGHTS`) plus the release part (`RELEASE_WEIGHTS`)."""
    return (_pick(_LASTING, _draw(key, b"count", value))
            + _pick(_RELEASE, _draw(key, b"count-release", value, release)))


def published_count(key: int, value: int, release: bytes) -> int:
    """The count as a public report publishes it (before hiding): never below zero."""
    return max(0, value + count_noise(key, value, release))


def _bell(u: int) -> Decimal:
    """-1..1, bell-shaped: the mean of four uniform numbers from the bits of `u`."""
    parts = [(u >> (16 * i)) & 0xFFFF for i in range(4)]
    return Decimal(sum(parts) - 2 * 0xFFFF) / Decimal(2 * 0xFFFF)


def amount_noise(key: int, value: Decimal, largest: Decimal, release: bytes) -> Decimal:
    """The noise of an amount: a lasting and a release part, each up to `AMOUNT_NOISE` x
    `largest` (the largest household's share), in cents."""
    cents = int((value / _CENT).to_integral_value())
    both = _bell(_draw(key, b"euro", cents)) + _bell(_draw(key, b"euro-release", cents,
                                                           release))
    return (AMOUNT_NOISE * largest * both).quantize(_CENT, ROUND_HALF_EVEN)


def _zero_hidden(keys: Keys, scope: Scope, family: str) -> bool:
    return Decimal(keys.zero(scope, family)) < ZERO_HIDDEN * _MOD


def protect(rows: Iterable[tuple[Scope, Iterable[Cell]]], keys: Keys,
            threshold: int) -> Protection:
    """Publish every protected cell in place (see the module docstring): `value` becomes
    the published value (the true one is kept in `exact`) and small cells are hidden.
    `rows`: the cells of each row with the row's scope. A cell that stands in several rows
    is published once."""
    log = Protection(threshold=threshold)
    done: set[int] = set()
    zeros: dict[tuple[Scope, str], bool] = {}
    for scope, cells in rows:
        for cell in cells:
            if id(cell) in done or not cell.protect or cell.value is None:
                continue
            done.add(id(cell))
            cell.exact = cell.value
            households = [k for k, share in cell.households.items() if share != 0] \
                if cell.unit == "count" else list(cell.households)
            if not households:
                # a true zero: hidden at random, with the rest of its family in the row
                hide = zeros.setdefault((scope, cell.family),
                                        _zero_hidden(keys, scope, cell.family))
                cell.value = Decimal("0.00") if cell.unit == "euro" else 0
                if hide:
                    cell.suppressed = "zero"
                    log.hidden += 1
                continue
            count_key, amount_key = keys.cell(households)
            release = keys.release
            shown_households = published_count(count_key, len(households), release)
            log.perturbed += 1
            if cell.unit == "euro":
                assert isinstance(cell.value, Decimal)
                if shown_households == 0:
                    cell.value = Decimal("0.00")
                    continue
                largest = max(abs(v) for v in cell.households.values())
                cell.value = cell.value + amount_noise(amount_key, cell.value, largest,
                                                       release)
            else:
                value = int(cell.value)
                cell.value = published_count(count_key, value, release)
                if cell.value == 0:
                    continue
            if shown_households < threshold or (cell.unit == "count"
                                                and int(cell.value) < threshold):
                cell.suppressed = "small"
                log.hidden += 1
    return log
