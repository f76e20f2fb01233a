#!/usr/bin/env python3
"""Write the bank exports and receipts of the Amsterdam example (examples/amsterdam/).

The example is one year (2026, up to 15 November) of bookkeeping for three teams, each
banking somewhere else, so that every team shows a different export format:

    team                               bank       export in bank/
    noord/buurtteam-noord-oost         ING        CSV, 11 columns, ";" (two files, newest first)
    noord/jeugdteam-noord-west         Rabobank   CSV_A_... (one file, cp1252, CRLF)
    zuidoost/buurtteam-bijlmer         ABN AMRO   CAMT.053 XML (three statement files)

For every team the year holds: the balance left from 2025 (EUR 250), the municipality's
deposit of the 2026 budget in the first week (Noord-Oost also the top-up on 1 July), one
payment for every approved case, 0-6 days after its decision and for exactly its approved
amount (two cases per team paid in two parts at two shops; one per team by a transfer that
names the case id, for rent arrears or a room deposit; the rest by debit card, iDEAL or a
transfer quoting the supplier's own reference), the monthly bank costs, and one refund of
EUR 20,00 whose description names its case. No cash withdrawals.

It also writes one tiny one-page PDF per payment in receipts/, named
``<case id>-<supplier>.pdf``, which is what `mmb reconcile` uses to propose receipts.

It does NOT write ledger.csv: `mmb reconcile` builds that from the exports (see
examples/README.md). Everything is deterministic (no clock, no randomness: bank references
are derived from a hash of the booking), so running it again gives byte-identical files.

Usage (standard library only, Python 3.10+):

    python examples/tools/make_bank_exports.py           # (re)write the files
    python examples/tools/make_bank_exports.py --check   # exit 1 if a file would change

Before writing, it checks the plan against the case files and team.yaml: every approved
case paid exactly once in full (parts summing to the approved amount), 0-6 days after the
decision, every payment for an approved case, and the account IBAN equal to the team's.
Files in bank/ or receipts/ that it does not write are left alone but reported.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

AMSTERDAM = Path(__file__).resolve().parent.parent / "amsterdam"
LAST_DAY = date(2026, 11, 15)  # the exports were downloaded on 16 November 2026
OPENING = Decimal("250.00")  # left on each team account at the end of 2025
REFUND = Decimal("20.00")

# --------------------------------------------------------------------------- helpers

BIC = {"INGB": "INGBNL2A", "RABO": "RABONL2U", "ABNA": "ABNANL2A", "BNGH": "BNGHNL2G",
       "TRIO": "TRIONL2U", "SNSB": "SNSBNL2A", "ASNB": "ASNBNL21", "KNAB": "KNABNL2H"}
ALNUM = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def ident(b: Booking) -> str:
    """What makes a booking unique, as the seed of its bank references."""
    return f"{b.day}|{b.amount}|{b.method}|{b.case}|{b.time}|{b.party.name if b.party else ''}"


def token(*parts: object, length: int = 6, alphabet: str = ALNUM) -> str:
    """A deterministic pseudo-random code derived from `parts`."""
    digest = int(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest(), 16)
    out = []
    for _ in range(length):
        digest, rest = divmod(digest, len(alphabet))
        out.append(alphabet[rest])
    return "".join(out)


def iban(bank: str, seed: str) -> str:
    """A made-up Dutch IBAN with valid check digits whose account number also passes
    the old Dutch eleven-test."""
    n = int(token(seed, length=9, alphabet="0123456789"))
    while True:
        account = f"{n % 10**9:010d}"
        if sum(int(d) * w for d, w in zip(account, range(10, 0, -1), strict=True)) % 11 == 0:
            break
        n += 1
    digits = "".join(str(int(ch, 36)) for ch in bank + account + "NL00")
    return f"NL{98 - int(digits) % 97:02d}{bank}{account}"


def bic_of(account: str) -> str:
    return BIC[account[4:8]]


def nl(amount: Decimal) -> str:
    """12,45 (unsigned, decimal comma)."""
    return f"{abs(amount):.2f}".replace(".", ",")


def signed_nl(amount: Decimal) -> str:
    """+12,45 / -12,45 (Rabobank)."""
    return ("-" if amount < 0 else "+") + nl(amount)


def dmy(day: date, sep: str = "-") -> str:
    return day.strftime(f"%d{sep}%m{sep}%Y")


MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december"]
MONTHS_SHORT = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov",
                "dec"]
HOLIDAYS = {date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 4, 27),
            date(2026, 5, 14), date(2026, 5, 25)}


def month_name(covered: str) -> str:
    """"2025-12-01" -> "december 2025"."""
    day = date.fromisoformat(covered)
    return f"{MONTHS[day.month - 1]} {day.year}"


def first_business_day(year: int, month: int) -> date:
    day = date(year, month, 1)
    while day.weekday() >= 5 or day in HOLIDAYS:
        day += timedelta(days=1)
    return day


# --------------------------------------------------------------------------- the plan

@dataclass(frozen=True)
class Party:
    """A counterparty. `store` and `city` are what a card terminal reports; `iban` is
    used for transfers, iDEAL and refunds; `slug` names the receipt files."""

    name: str
    slug: str = ""
    iban: str = ""
    store: str = ""
    city: str = "AMSTERDAM"
    postcode: str = ""


@dataclass(frozen=True)
class Booking:
    day: date
    amount: Decimal  # signed: money out is negative
    method: str  # card | ideal | transfer | deposit | refund | costs
    party: Party | None = None
    text: str = ""  # remittance text; for costs the period text
    time: str = ""  # HH:MM of a card or iDEAL payment
    case: str = ""  # the case paid or refunded
    reference: str = ""  # the payer's reference (Kenmerk / EndToEndId)
    document: str = ""  # what the receipt is ("Kassabon", "Factuur", ...)


@dataclass
class TeamPlan:
    folder: str
    bank: str  # ing | rabobank | camt
    account: str
    periods: list[tuple[date, date]]
    bookings: list[Booking] = field(default_factory=list)

    @property
    def root(self) -> Path:
        return AMSTERDAM / self.folder


GEMEENTE = Party("Gemeente Amsterdam", iban=iban("BNGH", "gemeente amsterdam mmb"))


def card(case: str, day: str, time: str, party: Party, amount: str) -> Booking:
    return Booking(date.fromisoformat(day), -Decimal(amount), "card", party, time=time,
                   case=case, document="Kassabon")


def ideal(case: str, day: str, time: str, party: Party, amount: str, text: str) -> Booking:
    return Booking(date.fromisoformat(day), -Decimal(amount), "ideal", party, text=text,
                   time=time, case=case, document="Bestelbevestiging")


def transfer(case: str, day: str, party: Party, amount: str, text: str,
             document: str = "Factuur") -> Booking:
    return Booking(date.fromisoformat(day), -Decimal(amount), "transfer", party, text=text,
                   case=case, document=document)


def refund(case: str, day: str, party: Party, text: str) -> Booking:
    return Booking(date.fromisoformat(day), REFUND, "refund", party, text=text, case=case,
                   reference=f"CN{token(case, day, length=6, alphabet='0123456789')}")


def deposit(day: str, amount: str, text: str, reference: str) -> Booking:
    return Booking(date.fromisoformat(day), Decimal(amount), "deposit", GEMEENTE, text=text,
                   reference=reference)


def monthly_costs(amount: str) -> list[Booking]:
    """Bank costs of each month, booked on the first business day of the next month
    (December 2025 on 2 January 2026)."""
    out = []
    for month in range(1, 13):
        day = first_business_day(2026, month)
        if day > LAST_DAY:
            break
        covered = date(2025, 12, 1) if month == 1 else date(2026, month - 1, 1)
        out.append(Booking(day, -Decimal(amount), "costs", text=covered.isoformat()))
    return out


# Suppliers (fictional branches and accounts; chains named as in real life).
SPAAK = Party("Fietsenmaker De Spaak", "fietsenmaker-de-spaak", iban("INGB", "spaak"),
              store="Fietsenmaker De Spaak", postcode="1024AB")
ZEEMAN = Party("Zeeman", "zeeman", store="Zeeman Buikslotermeerplein", postcode="1025XL")
SCHOENENREUS = Party("Schoenenreus", "schoenenreus", store="Schoenenreus Amsterdam",
                     postcode="1025XL")
YMERE = Party("Woningcorporatie Ymere", "woningcorporatie-ymere", iban("INGB", "ymere"))
HANS_ANDERS_NOORD = Party("Hans Anders", "hans-anders", store="Hans Anders 1087",
                          postcode="1025XL")
WITGOED_NOORD = Party("Witgoed Outlet Noord", "witgoed-outlet-noord",
                      iban("RABO", "witgoed outlet"), store="Witgoed Outlet Noord",
                      postcode="1033SC")
WITGOEDCENTRALE = Party("Witgoedcentrale Noord", "witgoedcentrale-noord",
                        store="Witgoedcentrale Noord", postcode="1031HN")
SCHOOL_NOORD_OOST = Party("Stichting OBS De Waterlelie", "obs-de-waterlelie",
                          iban("INGB", "waterlelie"))
KAMERS_NOORD = Party("Kamerverhuur Noord B.V.", "kamerverhuur-noord",
                     iban("ABNA", "kamerverhuur noord"))
COOLBLUE = Party("Coolblue B.V.", "coolblue", iban("INGB", "coolblue"))
STADSLOKET_NOORD = Party("Gemeente Amsterdam Stadsloket Noord", "stadsloket-noord",
                         store="Gem Amsterdam Stadsloket Noord", postcode="1031HX")
VATTENFALL = Party("Vattenfall Klantenservice N.V.", "vattenfall", iban("INGB", "vattenfall"))
ALBERT_HEIJN_NOORD = Party("Albert Heijn", "albert-heijn", store="Albert Heijn 1567",
                           postcode="1024MA")
IKEA = Party("IKEA", "ikea", store="IKEA Amsterdam", postcode="1101BL")
LEEN_BAKKER = Party("Leen Bakker", "leen-bakker", store="Leen Bakker Amsterdam Noord",
                    postcode="1033SC")

DECATHLON_NOORD = Party("Decathlon", "decathlon", store="Decathlon Amsterdam Noord",
                        postcode="1033SC")
SCAPINO = Party("Scapino", "scapino", store="Scapino Buikslotermeerplein", postcode="1025XL")
SPECSAVERS_NOORD = Party("Specsavers", "specsavers", store="Specsavers Amsterdam Noord",
                         postcode="1025XL")
SCHOOL_NOORD_WEST = Party("Stichting Scholengroep Noordwest", "scholengroep-noordwest",
                          iban("RABO", "scholengroep noordwest"))
BOL = Party("bol.com b.v.", "bol-com", iban("ABNA", "bol.com"))
HEMA_NOORD = Party("HEMA", "hema", store="HEMA Amsterdam Noord", postcode="1025XL")
JONGERENHUISVESTING = Party("Stichting Jongerenhuisvesting Noord", "jongerenhuisvesting-noord",
                            iban("RABO", "jongerenhuisvesting"))
GVB = Party("GVB", "gvb", store="GVB Tickets en Info", postcode="1012AB")
JUMBO = Party("Jumbo", "jumbo", store="Jumbo Amsterdam Tuindorp", postcode="1032KM")

STADSLOKET_ZUIDOOST = Party("Gemeente Amsterdam Stadsloket Zuidoost", "stadsloket-zuidoost",
                            store="Stadsloket Zuidoost", postcode="1102CT")
ALBERT_HEIJN_ZUIDOOST = Party("Albert Heijn", "albert-heijn", store="Albert Heijn 1893",
                              postcode="1102BW")
LIDL = Party("Lidl", "lidl", store="Lidl Amsterdam Zuidoost", postcode="1104AA")
RIJWIEL_BIJLMER = Party("Rijwielhandel Bijlmerplein", "rijwielhandel-bijlmerplein",
                        store="Rijwielh. Bijlmerplein", postcode="1102DB")
SPECSAVERS_ZUIDOOST = Party("Specsavers", "specsavers", store="Specsavers A'damse Poort",
                            postcode="1102BW")
HEMA_ZUIDOOST = Party("HEMA", "hema", store="HEMA Amsterdamse Poort", postcode="1102BW")
KRINGLOOP_ZUIDOOST = Party("Kringloopwinkel Zuidoost", "kringloopwinkel-zuidoost",
                           iban("TRIO", "kringloop zuidoost"), store="Kringloopwinkel Zuidoost",
                           postcode="1105AZ")
KAMERS_ZUIDOOST = Party("Stichting Kamerverhuur Zuidoost", "kamerverhuur-zuidoost",
                        iban("SNSB", "kamerverhuur zuidoost"))
DECATHLON_ZUIDOOST = Party("Decathlon", "decathlon", store="Decathlon A'dam Arena",
                           postcode="1101DL")
LEEN_BAKKER_ZUIDOOST = Party("Leen Bakker", "leen-bakker", store="Leen Bakker Amsterdam ZO",
                             postcode="1101BL")


NOORD_OOST = TeamPlan(
    "noord/buurtteam-noord-oost", "ing", "NL57INGB0008452059",
    [(date(2026, 1, 1), date(2026, 6, 30)), (date(2026, 7, 1), LAST_DAY)],
    [
        *monthly_costs("3.45"),
        deposit("2026-01-05", "2750.00", "Mini-Maatwerkbudget 2026 Buurtteam Noord-Oost",
                "MMB26NOORD01"),
        card("2026-001", "2026-01-07", "15:20", ZEEMAN, "59.98"),
        card("2026-001", "2026-01-08", "10:40", SCHOENENREUS, "69.97"),
        transfer("2026-002", "2026-01-15", YMERE, "480.00",
                 "Casus 2026-002 huurachterstand twee maanden",
                 document="Overzicht huurachterstand"),
        card("2026-003", "2026-01-24", "11:05", HANS_ANDERS_NOORD, "219.00"),
        card("2026-005", "2026-02-12", "16:10", SPAAK, "165.00"),
        card("2026-006", "2026-02-20", "14:30", WITGOED_NOORD, "299.00"),
        refund("2026-006", "2026-03-03", WITGOED_NOORD,
               "Terugbetaling aansluiting kookplaat casus 2026-006"),
        transfer("2026-007", "2026-03-06", SCHOOL_NOORD_OOST, "95.00",
                 "Ouderbijdrage schoolkamp groep 8"),
        transfer("2026-010", "2026-04-09", KAMERS_NOORD, "350.00",
                 "Borg kamer huurcontract 4471", document="Kwitantie borg"),
        card("2026-011", "2026-04-23", "11:45", WITGOEDCENTRALE, "245.00"),
        ideal("2026-012", "2026-05-06", "16:02", COOLBLUE, "399.00",
              "Coolblue Tweede Kans bestelling"),
        card("2026-014", "2026-06-04", "10:25", STADSLOKET_NOORD, "78.65"),
        deposit("2026-07-01", "1000.00",
                "Aanvulling Mini-Maatwerkbudget 2026 stadsdeel Noord", "MMB26NOORD07"),
        transfer("2026-016", "2026-07-13", VATTENFALL, "310.00",
                 "Klantnummer 104738261 betalingsachterstand energie",
                 document="Overzicht betalingsachterstand"),
        card("2026-017", "2026-08-18", "16:45", ALBERT_HEIJN_NOORD, "150.00"),
        card("2026-020", "2026-10-15", "13:30", IKEA, "89.00"),
        card("2026-020", "2026-10-16", "15:10", LEEN_BAKKER, "96.00"),
    ],
)

NOORD_WEST = TeamPlan(
    "noord/jeugdteam-noord-west", "rabobank", "NL35RABO0073702838",
    [(date(2026, 1, 1), LAST_DAY)],
    [
        *monthly_costs("3.45"),
        deposit("2026-01-05", "2750.00", "Mini-Maatwerkbudget 2026 Jeugdteam Noord-West",
                "MMB26NOORD02"),
        card("2026-001", "2026-01-09", "15:35", SPAAK, "160.00"),
        refund("2026-001", "2026-01-16", SPAAK, "Retour fietsslot casus 2026-001"),
        card("2026-002", "2026-01-21", "16:50", DECATHLON_NOORD, "74.95"),
        card("2026-002", "2026-01-22", "10:15", SCAPINO, "44.95"),
        card("2026-003", "2026-02-03", "10:20", SPECSAVERS_NOORD, "139.00"),
        card("2026-005", "2026-03-07", "11:30", LEEN_BAKKER, "210.00"),
        transfer("2026-006", "2026-03-18", SCHOOL_NOORD_WEST, "85.00",
                 "Bijdrage werkweek klas 2B"),
        ideal("2026-008", "2026-04-15", "20:14", BOL, "380.00", "bol.com bestelling"),
        card("2026-010", "2026-05-13", "09:40", STADSLOKET_NOORD, "41.20"),
        card("2026-012", "2026-06-10", "15:55", HEMA_NOORD, "54.60"),
        card("2026-012", "2026-06-11", "16:20", DECATHLON_NOORD, "69.90"),
        transfer("2026-013", "2026-06-26", JONGERENHUISVESTING, "425.00",
                 "Casus 2026-013 borg kamer", document="Kwitantie borg"),
        card("2026-015", "2026-08-27", "12:15", GVB, "55.00"),
        card("2026-017", "2026-09-24", "11:10", HANS_ANDERS_NOORD, "89.95"),
        card("2026-018", "2026-10-07", "15:45", WITGOEDCENTRALE, "265.00"),
        card("2026-019", "2026-10-27", "17:55", JUMBO, "120.00"),
    ],
)

BIJLMER = TeamPlan(
    "zuidoost/buurtteam-bijlmer", "camt", "NL67ABNA0168976846",
    [(date(2026, 1, 1), date(2026, 4, 30)), (date(2026, 5, 1), date(2026, 8, 31)),
     (date(2026, 9, 1), LAST_DAY)],
    [
        *monthly_costs("3.45"),
        deposit("2026-01-05", "3000.00", "Mini-Maatwerkbudget 2026 Buurtteam Bijlmer",
                "MMB26ZUIDOOST01"),
        transfer("2026-001", "2026-01-06", YMERE, "650.00",
                 "Casus 2026-001 huurachterstand drie maanden",
                 document="Overzicht huurachterstand"),
        ideal("2026-002", "2026-01-13", "14:48", COOLBLUE, "229.00",
              "Coolblue Tweede Kans bestelling"),
        card("2026-004", "2026-02-10", "09:50", STADSLOKET_ZUIDOOST, "77.85"),
        transfer("2026-006", "2026-03-11", VATTENFALL, "290.00",
                 "Klantnummer 209915374 betalingsachterstand energie",
                 document="Overzicht betalingsachterstand"),
        card("2026-008", "2026-04-07", "17:20", ALBERT_HEIJN_ZUIDOOST, "50.00"),
        card("2026-008", "2026-04-08", "11:05", LIDL, "30.00"),
        card("2026-010", "2026-05-06", "16:30", RIJWIEL_BIJLMER, "110.00"),
        card("2026-011", "2026-05-20", "13:15", SPECSAVERS_ZUIDOOST, "145.00"),
        card("2026-012", "2026-06-02", "11:40", IKEA, "129.00"),
        card("2026-012", "2026-06-02", "12:25", HEMA_ZUIDOOST, "36.00"),
        card("2026-015", "2026-07-22", "14:05", KRINGLOOP_ZUIDOOST, "215.00"),
        refund("2026-015", "2026-08-04", KRINGLOOP_ZUIDOOST,
               "Retour bezorgkosten koelkast casus 2026-015"),
        transfer("2026-018", "2026-09-16", KAMERS_ZUIDOOST, "250.00",
                 "Borg kamer sleuteloverdracht", document="Kwitantie borg"),
        card("2026-019", "2026-10-02", "15:40", DECATHLON_ZUIDOOST, "95.00"),
        card("2026-021", "2026-10-28", "16:40", ALBERT_HEIJN_ZUIDOOST, "60.00"),
        card("2026-022", "2026-11-11", "15:20", LEEN_BAKKER_ZUIDOOST, "150.00"),
    ],
)

TEAMS = [NOORD_OOST, NOORD_WEST, BIJLMER]


def ordered(plan: TeamPlan) -> list[tuple[Booking, Decimal]]:
    """The bookings in booking order (within a day: costs, money in, then payments by
    time) with the balance after each."""
    rank = {"costs": 0, "deposit": 1, "refund": 2}

    def key(b: Booking) -> tuple[date, int, str]:
        return (b.day, rank.get(b.method, 3), b.time)

    out, balance = [], OPENING
    for b in sorted(plan.bookings, key=key):
        balance += b.amount
        out.append((b, balance))
    return out


# --------------------------------------------------------------------------- checks

def read_cases(root: Path) -> dict[str, tuple[str, datetime | None, Decimal | None]]:
    """id -> (outcome, decision time, approved amount), read from the YAML case files
    with a few regular expressions (this script uses the standard library only)."""
    found = {}
    for path in sorted((root / "cases").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        block = re.search(r"^decision:\n((?:[ \t]+.*\n?)+)", text, re.M)
        fields = dict(re.findall(r"^\s+(outcome|at|amount):\s*(.+?)\s*(?:#.*)?$",
                                 block.group(1), re.M)) if block else {}
        amount = fields.get("amount", "").strip("'\"").replace(",", ".")
        at = fields.get("at", "").strip("'\"")
        found[path.stem] = (fields.get("outcome", ""),
                            datetime.fromisoformat(at) if at else None,
                            Decimal(amount) if amount and amount != "null" else None)
    return found


def check_plan(plan: TeamPlan) -> list[str]:
    problems = []
    team_yaml = (plan.root / "team.yaml").read_text(encoding="utf-8")
    if f"iban: {plan.account}" not in team_yaml:
        problems.append(f"{plan.folder}: team.yaml does not list the account {plan.account}")
    cases = read_cases(plan.root)
    paid: dict[str, Decimal] = {}
    for b in plan.bookings:
        if b.day > LAST_DAY:
            problems.append(f"{plan.folder}: {b.day} is after {LAST_DAY}")
        if b.method not in ("card", "ideal") and (b.day.weekday() >= 5 or b.day in HOLIDAYS):
            problems.append(f"{plan.folder}: a bank booking on {b.day}, not a business day")
        if b.method in ("card", "ideal", "transfer"):
            outcome, at, amount = cases.get(b.case, ("", None, None))
            if outcome != "approved" or at is None:
                problems.append(f"{plan.folder}: payment for {b.case}, which is not approved")
                continue
            if not 0 <= (b.day - at.date()).days <= 6:
                problems.append(f"{plan.folder}: {b.case} paid on {b.day}, decided {at}")
            if b.day == at.date() and b.time and b.time <= f"{at:%H:%M}":
                problems.append(f"{plan.folder}: {b.case} paid at {b.time}, decided {at}")
            paid[b.case] = paid.get(b.case, Decimal(0)) - b.amount
    for cid, (outcome, _, amount) in cases.items():
        if outcome == "approved" and paid.get(cid) != amount:
            problems.append(f"{plan.folder}: {cid} approved {amount}, paid {paid.get(cid)}")
    balances = [bal for _, bal in ordered(plan)]
    if min(balances) < 0:
        problems.append(f"{plan.folder}: the balance goes below zero")
    return problems


# --------------------------------------------------------------------------- ING CSV

ING_HEADER = ["Datum", "Naam / Omschrijving", "Rekening", "Tegenrekening", "Code", "Af Bij",
              "Bedrag (EUR)", "Mutatiesoort", "Mededelingen", "Saldo na mutatie", "Tag"]


def ing_row(plan: TeamPlan, b: Booking, balance: Decimal) -> list[str]:
    p = b.party
    value = f"Valutadatum: {dmy(b.day)}"
    if b.method == "card":
        assert p is not None
        name = f"{p.store} {p.city} NLD"
        counter, code, kind = "", "BA", "Betaalautomaat"
        transaction = token(plan.account, ident(b))
        notes = (f"Pasvolgnr: 001 {dmy(b.day)} {b.time} Transactie: {transaction} "
                 f"Term: {token(p.store, length=8)} {value}")
    elif b.method == "costs":
        name, counter, code, kind = "Kosten Zakelijk Pakket", "", "DV", "Diversen"
        first = date.fromisoformat(b.text)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        month = MONTHS_SHORT[first.month - 1]
        notes = f"1 {month} t/m {last.day} {month} {first.year} ING BANK N.V. {value}"
    else:
        assert p is not None
        name, counter = p.name, p.iban
        code, kind = {"ideal": ("ID", "iDEAL"), "transfer": ("GT", "Online bankieren")}.get(
            b.method, ("OV", "Overschrijving"))
        text = b.text
        reference = b.reference
        if b.method == "ideal":
            order = token(plan.account, ident(b), length=10, alphabet="0123456789")
            payment = "0050" + token(ident(b), length=12, alphabet="0123456789")
            text = f"{order} {payment} {b.text}"
            reference = f"{dmy(b.day)} {b.time} {payment}"
        notes = f"Naam: {p.name} Omschrijving: {text} IBAN: {p.iban}"
        notes += f" Kenmerk: {reference}" if reference else ""
        notes += f" {value}"
    return [b.day.strftime("%Y%m%d"), name, plan.account, counter, code,
            "Af" if b.amount < 0 else "Bij", nl(b.amount), kind, notes,
            ("-" if balance < 0 else "") + nl(balance), ""]


def write_ing(plan: TeamPlan) -> dict[str, bytes]:
    """One CSV per period, newest row first, as Mijn ING downloads them."""
    files = {}
    booked = ordered(plan)
    for start, end in plan.periods:
        rows = [ing_row(plan, b, bal) for b, bal in booked if start <= b.day <= end]
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
        writer.writerow(ING_HEADER)
        writer.writerows(reversed(rows))
        name = f"{plan.account}_{dmy(start)}_{dmy(end)}.csv"
        files[name] = buffer.getvalue().encode("cp1252")
    return files


# --------------------------------------------------------------------------- Rabobank CSV

RABO_HEADER = ["IBAN/BBAN", "Munt", "BIC", "Volgnr", "Datum", "Rentedatum", "Bedrag",
               "Saldo na trn", "Tegenrekening IBAN/BBAN", "Naam tegenpartij",
               "Naam uiteindelijke partij", "Naam initiërende partij", "BIC tegenpartij", "Code",
               "Batch ID", "Transactiereferentie", "Machtigingskenmerk", "Incassant ID",
               "Betalingskenmerk", "Omschrijving-1", "Omschrijving-2", "Omschrijving-3",
               "Reden retour", "Oorspr bedrag", "Oorspr munt", "Koers"]
RABO_FIRST_SEQ = 1187  # the account's first booking of 2026


def rabo_row(plan: TeamPlan, seq: int, b: Booking, balance: Decimal) -> list[str]:
    p = b.party
    counter = bic = name = reference = ""
    if b.method == "card":
        assert p is not None
        name, code = p.store, "bc"
        text = f"{p.city}, {p.postcode}, NLD, {b.time}"
    elif b.method == "costs":
        code, text = "db", f"Kosten Rabo zakelijk pakket {month_name(b.text)}"
    else:
        assert p is not None
        name, counter, bic = p.name, p.iban, bic_of(p.iban)
        code = {"ideal": "id", "transfer": "bg"}.get(b.method, "cb")
        text, reference = b.text, b.reference
        if b.method == "ideal":
            payment = "0040" + token(ident(b), length=12, alphabet="0123456789")
            order = token(plan.account, ident(b), length=10, alphabet="0123456789")
            text = f"{order} {payment} {b.text}"
            reference = f"{dmy(b.day)} {b.time} {payment}"
    chunks = [text[i:i + 35] for i in range(0, 105, 35)]
    chunks[1] = chunks[1] or " "  # Rabobank leaves a single space in an empty Omschrijving-2
    day = b.day.isoformat()
    return [plan.account, "EUR", "RABONL2U", f"{seq:018d}", day, day, signed_nl(b.amount),
            signed_nl(balance), counter, name, "", "", bic, code, "", reference, "", "", "",
            *chunks, "", "", "", ""]


def write_rabobank(plan: TeamPlan) -> dict[str, bytes]:
    """One CSV_A file for the whole period, oldest row first, cp1252 with CRLF."""
    start, end = plan.periods[0][0], plan.periods[-1][1]
    rows = [rabo_row(plan, RABO_FIRST_SEQ + n, b, bal)
            for n, (b, bal) in enumerate(ordered(plan))]
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(RABO_HEADER)
    writer.writerows(rows)
    name = f"CSV_A_{plan.account}_EUR_{start:%Y%m%d}_{end:%Y%m%d}.csv"
    return {name: buffer.getvalue().encode("cp1252")}


# --------------------------------------------------------------------------- CAMT.053

def camt_amount(amount: Decimal) -> str:
    return f"{abs(amount):018.2f}"  # ABN AMRO zero-pads: 000000000000087.71


def abn_text(cells: list[str]) -> str:
    """ABN AMRO's fixed-width description: 32-character cells, two to a 65-character line
    (cell, space, cell), the lines glued together and the end trimmed. A cell filled to
    the last character would run on into the next one, so values stay shorter."""
    assert all(len(cell) < 32 for cell in cells), cells
    lines = [" ".join(cell.ljust(32) for cell in cells[i:i + 2]) for i in range(0, len(cells), 2)]
    return "".join(lines).rstrip()


def camt_entry(plan: TeamPlan, b: Booking) -> str:
    p = b.party
    ref = token(plan.account, ident(b), length=16, alphabet="0123456789")
    debit = b.amount < 0
    head = (f"      <Ntry>\n"
            f"        <Amt Ccy=\"EUR\">{camt_amount(b.amount)}</Amt>\n"
            f"        <CdtDbtInd>{'DBIT' if debit else 'CRDT'}</CdtDbtInd>\n"
            f"        <Sts>BOOK</Sts>\n"
            f"        <BookgDt><Dt>{b.day}</Dt></BookgDt>\n"
            f"        <ValDt><Dt>{b.day}</Dt></ValDt>\n"
            f"        <AcctSvcrRef>{ref}</AcctSvcrRef>\n")

    def code(family: str, sub: str, proprietary: str = "", domain: str = "PMNT") -> str:
        prtry = (f"<Prtry><Cd>{proprietary}</Cd><Issr>ABNAMRO</Issr></Prtry>"
                 if proprietary else "")
        return (f"        <BkTxCd><Domn><Cd>{domain}</Cd><Fmly><Cd>{family}</Cd>"
                f"<SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn>{prtry}</BkTxCd>\n")

    if b.method == "card":
        assert p is not None
        when = f"{b.day:%d.%m.%y}/{b.time}"
        info = abn_text(["BEA, Betaalpas", f"{p.store},PAS001",
                         f"NR:{token(plan.account, ident(b))}, {when}", p.city])
        return (head + code("CCRD", "POSD", "N426")
                + f"        <AddtlNtryInf>{escape(info)}</AddtlNtryInf>\n      </Ntry>\n")
    if b.method == "costs":
        info = abn_text(["ABN AMRO Bank N.V.", f"{'Kosten zakelijk pakket':<25}{nl(b.amount):>6}",
                         f"Periode {month_name(b.text)}"])
        return (head + code("MDOP", "CHRG", "N035", domain="ACMT")
                + f"        <AddtlNtryInf>{escape(info)}</AddtlNtryInf>\n      </Ntry>\n")
    assert p is not None
    party = "Cdtr" if debit else "Dbtr"
    text, eref, trtp = b.text, b.reference or "NOTPROVIDED", "SEPA OVERBOEKING"
    if b.method == "ideal":
        payment = "0030" + token(ident(b), length=12, alphabet="0123456789")
        order = token(plan.account, ident(b), length=10, alphabet="0123456789")
        text = f"{order} {payment} {b.text}"
        eref, trtp = f"{dmy(b.day)} {b.time} {payment}", "iDEAL"
        tx_code = code("ICDT", "ESCT")
    elif debit:
        tx_code = code("ICDT", "ESCT", "N658")
    else:
        tx_code = code("RCDT", "ESCT", "N654")
    short = p.name[:24]  # ABN AMRO cuts <Nm> at 24 characters; AddtlNtryInf has it whole
    info = (f"/TRTP/{trtp}/IBAN/{p.iban}/BIC/{bic_of(p.iban)}/NAME/{p.name}/REMI/{text}"
            f"/EREF/{eref}")
    return (head + tx_code
            + "        <NtryDtls><TxDtls>\n"
            f"          <Refs><EndToEndId>{escape(eref)}</EndToEndId></Refs>\n"
            f"          <RltdPties><{party}><Nm>{escape(short)}</Nm></{party}>"
            f"<{party}Acct><Id><IBAN>{p.iban}</IBAN></Id></{party}Acct></RltdPties>\n"
            f"          <RltdAgts><{party}Agt><FinInstnId><BIC>{bic_of(p.iban)}</BIC>"
            f"</FinInstnId></{party}Agt></RltdAgts>\n"
            f"          <RmtInf><Ustrd>{escape(text)}</Ustrd></RmtInf>\n"
            "        </TxDtls></NtryDtls>\n"
            f"        <AddtlNtryInf>{escape(info)}</AddtlNtryInf>\n"
            "      </Ntry>\n")


def offset(moment: date) -> str:
    """Amsterdam's UTC offset on that day (summer time 29 March - 24 October 2026)."""
    return "+02:00" if date(2026, 3, 29) <= moment < date(2026, 10, 25) else "+01:00"


def camt_balance(kind: str, amount: Decimal, day: date) -> str:
    return (f"      <Bal><Tp><CdOrPrtry><Cd>{kind}</Cd></CdOrPrtry></Tp>"
            f"<Amt Ccy=\"EUR\">{camt_amount(amount)}</Amt>"
            f"<CdtDbtInd>{'DBIT' if amount < 0 else 'CRDT'}</CdtDbtInd>"
            f"<Dt><Dt>{day}</Dt></Dt></Bal>\n")


def write_camt(plan: TeamPlan) -> dict[str, bytes]:
    """One statement per period, ABN AMRO style: PRCD opening (the closing balance of the
    day before the period), CLBD closing, zero-padded amounts, card payments with only
    AddtlNtryInf."""
    files = {}
    booked = ordered(plan)
    balance = OPENING
    number = plan.account[8:]
    for seq, (start, end) in enumerate(plan.periods, start=1):
        rows = [b for b, _ in booked if start <= b.day <= end]
        opening = balance
        balance = opening + sum((b.amount for b in rows), Decimal(0))
        created = end + timedelta(days=1)
        stamp = f"{created}T06:30:00{offset(created)}"
        ident = f"{number}.{end}"
        credits = [b.amount for b in rows if b.amount > 0]
        debits = [-b.amount for b in rows if b.amount < 0]
        net = sum(credits, Decimal(0)) - sum(debits, Decimal(0))
        summary = (
            "      <TxsSummry>"
            f"<TtlNtries><NbOfNtries>{len(rows)}</NbOfNtries>"
            f"<Sum>{sum(credits, Decimal(0)) + sum(debits, Decimal(0)):.2f}</Sum>"
            f"<TtlNetNtryAmt>{abs(net):.2f}</TtlNetNtryAmt>"
            f"<CdtDbtInd>{'DBIT' if net < 0 else 'CRDT'}</CdtDbtInd></TtlNtries>"
            f"<TtlCdtNtries><NbOfNtries>{len(credits)}</NbOfNtries>"
            f"<Sum>{sum(credits, Decimal(0)):.2f}</Sum></TtlCdtNtries>"
            f"<TtlDbtNtries><NbOfNtries>{len(debits)}</NbOfNtries>"
            f"<Sum>{sum(debits, Decimal(0)):.2f}</Sum></TtlDbtNtries>"
            "</TxsSummry>\n")
        text = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
            "  <BkToCstmrStmt>\n"
            f"    <GrpHdr><MsgId>{ident}</MsgId><CreDtTm>{stamp}</CreDtTm>"
            "<MsgPgntn><PgNb>1</PgNb><LastPgInd>true</LastPgInd></MsgPgntn></GrpHdr>\n"
            "    <Stmt>\n"
            f"      <Id>{ident}</Id>\n"
            f"      <ElctrncSeqNb>{seq:018d}</ElctrncSeqNb>\n"
            f"      <CreDtTm>{stamp}</CreDtTm>\n"
            f"      <FrToDt><FrDtTm>{start}T00:00:00{offset(start)}</FrDtTm>"
            f"<ToDtTm>{end}T23:59:59{offset(end)}</ToDtTm></FrToDt>\n"
            f"      <Acct><Id><IBAN>{plan.account}</IBAN></Id><Ccy>EUR</Ccy>"
            "<Svcr><FinInstnId><BIC>ABNANL2A</BIC></FinInstnId></Svcr></Acct>\n"
            + camt_balance("PRCD", opening, start - timedelta(days=1))
            + camt_balance("CLBD", balance, end)
            + summary
            + "".join(camt_entry(plan, b) for b in rows)
            + "    </Stmt>\n  </BkToCstmrStmt>\n</Document>\n")
        files[f"camt053_{plan.account}_{start}_{end}.xml"] = text.encode("utf-8")
    return files


# --------------------------------------------------------------------------- receipts

def pdf_text(line: str) -> bytes:
    raw = line.encode("cp1252")  # WinAnsiEncoding: the euro sign and dashes included
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def tiny_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF (a small strip, 12 cm wide) showing `lines` in Helvetica."""
    shown = b" T* ".join(b"(" + pdf_text(line) + b") Tj" for line in lines)
    top = str(18 + 11 * len(lines)).encode()
    stream = b"BT /F1 8 Tf 11 TL 12 " + top + b" Td " + shown + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 340 " + str(30 + 11 * len(lines)).encode()
        + b"] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += str(number).encode() + b" 0 obj\n" + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    return bytes(out)


def receipts(plan: TeamPlan) -> dict[str, bytes]:
    files = {}
    for b in plan.bookings:
        if b.method not in ("card", "ideal", "transfer"):
            continue
        assert b.party is not None
        name = f"{b.case}-{b.party.slug}.pdf"
        assert name not in files, name
        when = f"{dmy(b.day)} {b.time}".strip()
        how = {"card": "betaald met pinpas", "ideal": "betaald met iDEAL",
               "transfer": "betaald per overboeking"}[b.method]
        files[name] = tiny_pdf([f"{b.document} {b.party.name} \u2014 {nl(b.amount)}",
                                f"{when} \u00b7 {how} \u00b7 totaal \u20ac {nl(b.amount)}"])
    return files


# --------------------------------------------------------------------------- main

WRITERS = {"ing": write_ing, "rabobank": write_rabobank, "camt": write_camt}


def planned_files(plan: TeamPlan) -> dict[Path, bytes]:
    out = {plan.root / "bank" / n: data for n, data in WRITERS[plan.bank](plan).items()}
    out.update({plan.root / "receipts" / n: data for n, data in receipts(plan).items()})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when a file is missing or differs")
    args = parser.parse_args(argv)
    problems = [p for plan in TEAMS for p in check_plan(plan)]
    if problems:
        print("The plan does not fit the case files:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    stale = 0
    for plan in TEAMS:
        files = planned_files(plan)
        for path, data in sorted(files.items()):
            rel = path.relative_to(AMSTERDAM.parent)
            if path.exists() and path.read_bytes() == data:
                continue
            stale += 1
            if args.check:
                print(f"differs: {rel}")
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                print(f"wrote {rel}")
        for folder in ("bank", "receipts"):
            for path in sorted((plan.root / folder).iterdir()):
                if path not in files and not path.name.startswith("."):
                    print(f"not written by this script (left alone): "
                          f"{path.relative_to(AMSTERDAM.parent)}")
    if args.check:
        print("all files up to date" if not stale else f"{stale} file(s) differ")
        return 1 if stale else 0
    print(f"{stale} file(s) written" if stale else "all files already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
