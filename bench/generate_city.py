#!/usr/bin/env python3
"""Generate a realistic municipality folder at scale, for benchmarks.

    python bench/generate_city.py OUT_DIR [--teams 100] [--cases 20000]
        [--ledger-rows 50000] [--years 2] [--seed 1] [--findings N] [--force]

Writes ``OUT_DIR/mmb.yaml`` (the municipality's defaults) and team folders spread over the
eight districts of a city (``OUT_DIR/<district>/<team>/``), each with:

* ``team.yaml``: 6-10 members (some joined or left during the period), a budget per year
  sized so that the approvals fit (some teams get a top-up in July), sometimes their own
  rules (48-hour decisions, veto, a higher cap with a WPI escalation) or categories, and
  one ING account whose IBAN passes the mod-97 check;
* ``cases/YYYY-NNN.yaml``: cases over the years (about 65 % approved with at least the
  quorum of valid votes, cast between opening and decision, within ``decision_hours``,
  household cap and budget respected in decision order; 10 % rejected, 20 % solved
  otherwise, 5 % withdrawn; a few with a follow-up; none pending). Purposes are anonymous
  Dutch phrases, each checked against `mmb.privacy.find_personal_data`. The layout varies a
  little per team (quoted times, Dutch vote words, Dutch money strings, flow lists, a
  schema comment, folded long purposes);
* ``bank/``: ING semicolon CSV exports (newest first, balances chained exactly, one file per
  year or per half-year, cp1252 or UTF-8): the municipality's deposits, one or more
  payments per approved case (card, iDEAL or transfer) that add up to exactly the approved
  amount, starting on the day of the decision, a few refunds, the monthly bank costs, and
  small team expenses (``kind: other`` with a note). Payments of approved cases are split
  into parts, and team expenses added, until the city holds ``--ledger-rows`` rows;
* ``receipts/``: one tiny PDF per case payment, ``<case-id>-<shop>.pdf``;
* ``ledger.csv``: exactly what ``mmb reconcile`` writes for these exports (the rows are
  built with mmb's own `LedgerRow`, `merge_export`, `sort_rows` and `ledger_text`, so ids
  and order are identical), with ``case``, ``kind``, ``receipt`` and ``note`` filled in.

Every date lies before 2026-11-22 (the last year ends 2026-11-15), every approval is paid
and every payment has its receipt, so with ``MMB_NOW="2026-11-22 12:00"`` the city
validates clean: ``mmb validate --strict OUT_DIR`` reports no problems.

``--findings N`` puts exactly N known mistakes in (quorum MMB101, a vote by a non-member
MMB102, household cap MMB103, budget MMB104, slow decision MMB107, a cost row without kind
MMB202, an overpaid case MMB203, a missing receipt file MMB206, personal data MMB301),
spread over the types and teams; ``mmb validate --format json OUT_DIR`` then reports
exactly those counts.

Output: one summary line (teams, cases, ledger rows, files, MB, seconds), then, as the
last line, the expected finding count per code as JSON (``{}`` for a clean city).

Deterministic: the same arguments give byte-identical files. Standard library and mmb only.
Sizes scale linearly with ``--teams``, ``--cases`` and ``--ledger-rows``.
"""

from __future__ import annotations

import argparse
import csv
import gc
import hashlib
import io
import json
import re
import shutil
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from random import Random

from mmb.ledger import LedgerRow, ledger_text, merge_export, sort_rows
from mmb.privacy import find_personal_data, iban_valid

LAST_YEAR = 2026
LAST_DAY = date(2026, 11, 15)  # the exports were downloaded on 16 November 2026
LAST_OPENED = date(2026, 11, 5)  # cases opened later would not be paid by LAST_DAY
MUNICIPALITY = "Amsterdam"
CITY = "AMSTERDAM"
DEFAULT_CAP = 500_00  # cents
ESCALATION_CAP = 750_00
WPI_ROLE = "WPI"
NON_MEMBER = "stagiair"

# --------------------------------------------------------------------------- the city

#: (folder, display name, neighbourhoods) of the city's districts (stadsdelen).
DISTRICTS: list[tuple[str, str, list[str]]] = [
    ("centrum", "Centrum", ["Burgwallen", "Jordaan", "Grachtengordel", "Nieuwmarkt",
                            "Haarlemmerbuurt", "Oostelijke Eilanden", "Weteringschans",
                            "De Plantage"]),
    ("noord", "Noord", ["Noord-Oost", "Noord-West", "Buiksloot", "Nieuwendam", "Tuindorp",
                        "Banne", "Kadoelen", "Volewijck", "Waterlandpleinbuurt"]),
    ("oost", "Oost", ["Dapperbuurt", "Transvaal", "Indische Buurt", "Watergraafsmeer",
                      "IJburg", "Oostelijk Havengebied", "Oosterparkbuurt", "Zeeburg"]),
    ("west", "West", ["Bos en Lommer", "De Baarsjes", "Westerpark", "Oud-West",
                      "Kinkerbuurt", "Spaarndammerbuurt", "Staatsliedenbuurt"]),
    ("zuid", "Zuid", ["De Pijp", "Rivierenbuurt", "Buitenveldert", "Zuidas",
                      "Hoofddorppleinbuurt", "Schinkelbuurt", "Stadionbuurt"]),
    ("zuidoost", "Zuidoost", ["Bijlmer", "Gaasperdam", "Holendrecht", "Reigersbos",
                              "Venserpolder", "Kantershof", "Driemond"]),
    ("nieuw-west", "Nieuw-West", ["Geuzenveld", "Slotermeer", "Osdorp", "Slotervaart",
                                  "De Aker", "Sloten", "Overtoomse Veld", "Lutkemeer"]),
    ("weesp", "Weesp", ["Weesp Centrum", "Aetsveld", "Hogewey", "Leeuwenveld"]),
]
TEAM_KINDS = [("buurtteam", "Buurtteam"), ("jeugdteam", "Jeugdteam"),
              ("wijkteam", "Wijkteam"), ("buurtteam", "Buurtteam")]

FIRST_NAMES = [
    "anneke", "fatima", "jan", "mohamed", "ricardo", "sanne", "lotte", "priya", "joost",
    "bram", "noor", "yusuf", "esra", "daan", "femke", "khadija", "mark", "ilse", "samira",
    "thomas", "ayse", "kees", "linda", "hatice", "pieter", "marloes", "said", "inge",
    "rachid", "eva", "wouter", "nadia", "gerrit", "sevda", "tim", "mirjam", "kofi", "jolanda",
    "bart", "saskia", "hamza", "annelies", "dewi", "ruud", "zeynep", "lieke",
]
INITIALS = "ABDEGHJKLMNPRSTVWY"
ROLES = ["maatschappelijk werk", "maatschappelijk werk", "schuldhulpverlening",
         "jongerenwerk", "wijkverpleging", "ggz-consulent", "jeugdverpleegkundige",
         "ouder- en kindadviseur", "participatiecoach", "sociaal raadslid"]
DEFAULT_CATEGORIES = ["woonlasten", "schulden", "zorg", "vervoer", "kleding", "onderwijs",
                      "inrichting", "leefgeld", "ontspanning", "overig"]
YOUTH_CATEGORIES = ["woonlasten", "zorg", "vervoer", "kleding", "onderwijs",
                    "sport en cultuur", "inrichting", "leefgeld", "overig"]


@dataclass(frozen=True, slots=True)
class Party:
    """A supplier. `store` is what a card terminal reports; `iban` is used for transfers,
    iDEAL and refunds; `slug` names the receipt files; `method` is how it is paid."""

    name: str
    slug: str
    method: str  # card | ideal | transfer
    store: str = ""
    iban: str = ""
    text: str = ""  # remittance text for transfers and iDEAL ({case} is filled in)
    document: str = "Kassabon"


def _digits_of(bank: str, account: str) -> str:
    return "".join(str(int(ch, 36)) for ch in bank + account + "NL00")


def make_iban(bank: str, seed: str) -> str:
    """A made-up Dutch IBAN with valid mod-97 check digits, derived from `seed`."""
    n = int(hashlib.sha256(seed.encode()).hexdigest(), 16)
    account = f"{n % 10**9:010d}" if bank != "INGB" else f"000{n % 10**7:07d}"
    check = 98 - int(_digits_of(bank, account)) % 97
    return f"NL{check:02d}{bank}{account}"


def _party(name: str, slug: str, method: str, store: str = "", text: str = "",
           document: str = "") -> Party:
    bank = ("INGB", "RABO", "ABNA")[int(hashlib.sha256(slug.encode()).hexdigest(), 16) % 3]
    doc = document or {"card": "Kassabon", "ideal": "Bestelbevestiging",
                       "transfer": "Factuur"}[method]
    return Party(name, slug, method, store or name, make_iban(bank, slug), text, doc)


SHOPS: dict[str, list[Party]] = {
    "landlord": [
        _party("Woningcorporatie Ymere", "ymere", "transfer",
               text="Casus {case} huurachterstand", document="Overzicht huurachterstand"),
        _party("Stichting Stadgenoot", "stadgenoot", "transfer",
               text="Casus {case} huurachterstand", document="Overzicht huurachterstand"),
        _party("Woonstichting De Key", "de-key", "transfer",
               text="Casus {case} achterstallige huur", document="Overzicht huurachterstand"),
        _party("Eigen Haard", "eigen-haard", "transfer",
               text="Casus {case} huurachterstand", document="Overzicht huurachterstand"),
        _party("Rochdale", "rochdale", "transfer",
               text="Casus {case} huur achterstand", document="Overzicht huurachterstand"),
    ],
    "room": [
        _party("Kamerverhuur Noord B.V.", "kamerverhuur-noord", "transfer",
               text="Borg kamer casus {case}", document="Kwitantie borg"),
        _party("Stichting Jongerenhuisvesting", "jongerenhuisvesting", "transfer",
               text="Casus {case} borg en eerste huur", document="Kwitantie borg"),
    ],
    "energy": [
        _party("Vattenfall Klantenservice N.V.", "vattenfall", "transfer",
               text="Betalingsachterstand energie casus {case}",
               document="Overzicht betalingsachterstand"),
        _party("Eneco Consumenten B.V.", "eneco", "transfer",
               text="Achterstand energierekening casus {case}",
               document="Overzicht betalingsachterstand"),
        _party("Waternet", "waternet", "transfer", text="Achterstand drinkwater casus {case}",
               document="Overzicht betalingsachterstand"),
    ],
    "debt": [
        _party("Zilveren Kruis Zorgverzekeringen", "zilveren-kruis", "transfer",
               text="Premieachterstand casus {case}", document="Betalingsoverzicht"),
        _party("VGZ Zorgverzekeraar N.V.", "vgz", "transfer",
               text="Achterstand zorgpremie casus {case}", document="Betalingsoverzicht"),
        _party("Vodafone Libertel B.V.", "vodafone", "transfer",
               text="Openstaande rekening casus {case}", document="Factuur"),
        _party("CJIB", "cjib", "transfer", text="Verkeersboete casus {case}",
               document="Acceptgiro"),
    ],
    "optician": [
        _party("Hans Anders", "hans-anders", "card", store="Hans Anders 1087"),
        _party("Specsavers", "specsavers", "card", store="Specsavers Kalverstraat"),
        _party("Pearle Opticiens", "pearle", "card", store="Pearle 2231"),
    ],
    "pharmacy": [
        _party("Etos", "etos", "card", store="Etos 7120"),
        _party("Kruidvat", "kruidvat", "card", store="Kruidvat 7781"),
        _party("Apotheek De Gaper", "apotheek-de-gaper", "card", store="Apotheek De Gaper"),
        _party("Drogisterij Noëlle", "drogisterij-noelle", "card", store="Drogisterij Noëlle"),
        _party("Tandartspraktijk De Molen", "tandarts-de-molen", "transfer",
               text="Factuur behandeling casus {case}", document="Factuur"),
    ],
    "bike": [
        _party("Fietsenmaker De Spaak", "fietsenmaker-de-spaak", "card",
               store="Fietsenmaker De Spaak"),
        _party("Decathlon", "decathlon", "card", store="Decathlon Amsterdam"),
        _party("Rijwielhandel Bijlmerplein", "rijwielhandel-bijlmerplein", "card",
               store="Rijwielh. Bijlmerplein"),
        _party("Rijwielhandel Özdemir", "rijwielhandel-ozdemir", "card",
               store="Rijwielhandel Özdemir"),
    ],
    "transport": [
        _party("GVB", "gvb", "card", store="GVB Tickets en Info"),
        _party("NS Reizigers", "ns", "card", store="NS Amsterdam Centraal"),
    ],
    "clothes": [
        _party("Zeeman", "zeeman", "card", store="Zeeman Buikslotermeerplein"),
        _party("HEMA", "hema", "card", store="HEMA Kalverstraat"),
        _party("Primark", "primark", "card", store="Primark Damrak"),
        _party("Scapino", "scapino", "card", store="Scapino Osdorpplein"),
        _party("Schoenenreus", "schoenenreus", "card", store="Schoenenreus Amsterdam"),
        _party("C&A", "c-en-a", "card", store="C&A Kalverstraat"),
        _party("Wibra", "wibra", "card", store="Wibra Dapperstraat"),
    ],
    "school": [
        _party("Stichting OBS De Waterlelie", "obs-de-waterlelie", "transfer",
               text="Ouderbijdrage schoolkamp casus {case}", document="Factuur"),
        _party("Stichting Scholengroep Noordwest", "scholengroep-noordwest", "transfer",
               text="Bijdrage werkweek casus {case}", document="Factuur"),
        _party("Bruna", "bruna", "card", store="Bruna Amsterdam"),
        _party("Coolblue B.V.", "coolblue", "ideal", text="Coolblue Tweede Kans bestelling"),
        _party("bol.com b.v.", "bol-com", "ideal", text="bol.com bestelling"),
    ],
    "furniture": [
        _party("IKEA", "ikea", "card", store="IKEA Amsterdam"),
        _party("Leen Bakker", "leen-bakker", "card", store="Leen Bakker Amsterdam Noord"),
        _party("Kringloopwinkel Zuidoost", "kringloop-zuidoost", "card",
               store="Kringloopwinkel Zuidoost"),
        _party("Witgoed Outlet Noord", "witgoed-outlet-noord", "card",
               store="Witgoed Outlet Noord"),
        _party("Coolblue B.V.", "coolblue", "ideal", text="Coolblue Tweede Kans bestelling"),
        _party("Action", "action", "card", store="Action Amsterdam"),
    ],
    "groceries": [
        _party("Albert Heijn", "albert-heijn", "card", store="Albert Heijn 1567"),
        _party("Jumbo", "jumbo", "card", store="Jumbo Amsterdam Tuindorp"),
        _party("Lidl", "lidl", "card", store="Lidl Amsterdam Zuidoost"),
        _party("Dirk van den Broek", "dirk", "card", store="Dirk vd Broek 1103"),
        _party("Aldi", "aldi", "card", store="ALDI Amsterdam"),
    ],
    "leisure": [
        _party("Zwemschool De Dolfijn", "zwemschool-de-dolfijn", "transfer",
               text="Zwemlessen casus {case}", document="Factuur"),
        _party("Voetbalvereniging AFC Noord", "afc-noord", "transfer",
               text="Contributie seizoen casus {case}", document="Factuur"),
        _party("Decathlon", "decathlon", "card", store="Decathlon Amsterdam"),
        _party("Artis", "artis", "card", store="Artis Amsterdam"),
    ],
    "office": [
        _party("Gemeente Amsterdam Stadsloket", "stadsloket", "card",
               store="Gem Amsterdam Stadsloket"),
        _party("HEMA", "hema", "card", store="HEMA Kalverstraat"),
        _party("Telefoonwinkel Centrum", "telefoonwinkel", "card",
               store="Telefoonwinkel Centrum"),
    ],
}

#: (need, shop group, lowest, highest amount in euros) per category.
NEEDS: dict[str, list[tuple[str, str, int, int]]] = {
    "woonlasten": [
        ("Huurachterstand van twee maanden betalen zodat de verhuurder de "
         "ontruimingsprocedure stopt", "landlord", 300, 480),
        ("Huurachterstand van een maand na het verlies van een bijbaan", "landlord", 150, 450),
        ("Borg en eerste maand huur voor een kamer na vertrek uit de opvang", "room", 200, 475),
        ("Achterstand bij de energieleverancier aflossen om afsluiting te voorkomen",
         "energy", 120, 420),
        ("Achterstallige rekening drinkwater betalen zodat een regeling mogelijk wordt",
         "energy", 60, 200),
    ],
    "schulden": [
        ("Premieachterstand zorgverzekering betalen zodat de verzekering niet stopt", "debt",
         80, 350),
        ("Openstaande telefoonrekening betalen; zonder telefoon geen contact met werkgever",
         "debt", 40, 180),
        ("Verkeersboete betalen voordat de verhoging komt", "debt", 50, 260),
    ],
    "zorg": [
        ("Bril voor een kind, de oude is gebroken", "optician", 60, 220),
        ("Nieuwe bril voor een moeder die anders niet kan werken", "optician", 90, 260),
        ("Eigen bijdrage medicijnen en verband die niet vergoed worden", "pharmacy", 20, 120),
        ("Tandartsbehandeling met pijnklachten, niet verzekerd", "pharmacy", 80, 350),
    ],
    "vervoer": [
        ("Tweedehands fiets met slot, zodat het kind zonder OV naar school kan", "bike",
         80, 200),
        ("Fiets laten repareren zodat de vader naar zijn werk kan", "bike", 30, 120),
        ("OV-saldo voor de reis naar ziekenhuisafspraken", "transport", 20, 90),
    ],
    "kleding": [
        ("Winterjassen en waterdichte schoenen voor twee kinderen", "clothes", 60, 200),
        ("Kleding voor een sollicitatiegesprek", "clothes", 40, 150),
        ("Schoenen en sportkleding voor de gymles", "clothes", 30, 110),
    ],
    "onderwijs": [
        ("Ouderbijdrage schoolkamp groep 8", "school", 60, 180),
        ("Tweedehands laptop zodat een scholier huiswerk kan maken", "school", 150, 420),
        ("Schoolspullen en een rekenmachine voor het nieuwe schooljaar", "school", 25, 120),
    ],
    "inrichting": [
        ("Bed en matras voor een kind dat op de bank slaapt", "furniture", 120, 350),
        ("Koelkast voor insuline, de oude is kapot", "furniture", 150, 400),
        ("Gordijnen en een kookplaat na een verhuizing vanuit de opvang", "furniture",
         80, 300),
        ("Tweedehands wasmachine voor een gezin met vier kinderen", "furniture", 150, 450),
    ],
    "leefgeld": [
        ("Boodschappen voor een week voor een gezin zonder leefgeld door beslag", "groceries",
         50, 150),
        ("Boodschappen en babyvoeding tot de uitkering weer loopt", "groceries", 40, 140),
        ("Boodschappen voor een alleenstaande vader met drie kinderen", "groceries", 60, 150),
    ],
    "ontspanning": [
        ("Zwemlessen zodat het kind het diploma kan halen", "leisure", 60, 250),
        ("Contributie van de voetbalclub voor een jongere", "leisure", 50, 200),
        ("Dagje uit met de kinderen na een zware periode", "leisure", 25, 90),
    ],
    "overig": [
        ("Kosten van een identiteitskaart, nodig voor de aanvraag van een uitkering",
         "office", 40, 80),
        ("Eenvoudige telefoon zodat de cliënt bereikbaar is voor instanties", "office",
         30, 120),
        ("Pasfoto's en leges voor een verblijfsdocument", "office", 30, 90),
    ],
}
NEEDS["sport en cultuur"] = NEEDS["ontspanning"]
CATEGORY_WEIGHTS = {"woonlasten": 16, "schulden": 7, "zorg": 12, "vervoer": 11, "kleding": 10,
                    "onderwijs": 10, "inrichting": 12, "leefgeld": 12, "ontspanning": 5,
                    "sport en cultuur": 5, "overig": 5}
REASONS = [
    "", "", "", "; de bijzondere bijstand duurt zes weken.",
    ". Het schuldhulptraject start pas volgende maand.",
    "; het gezin heeft geen buffer en de toeslag is nog niet binnen.",
    ". Zonder hulp loopt de situatie deze week verder uit de hand.",
    "; er ligt beslag op de uitkering.", ", de aanvraag bij het fonds loopt nog.",
    ". De cliënt werkt mee aan een budgetplan.", "; familie kan niet bijspringen.",
    ". Het gezin wacht nog op de kinderopvangtoeslag.",
    "; de werkgever betaalt het loon pas aan het eind van de maand.",
    ". Overlegd met de school, die ziet de nood ook.",
]
ALTERNATIVES = [
    "bijzondere bijstand aangevraagd, beslistermijn acht weken",
    "voedselbank: intake pas over twee weken", "fonds benaderd, geen reactie binnen een week",
    "Stichting Leergeld: alleen voor schoolgaande kinderen", "netwerk kan niet helpen",
    "kringloop heeft niets passends", "schuldhulp neemt deze schuld niet over",
    "verhuurder wil zonder eerste betaling geen regeling",
    "energieleverancier wil pas na een eerste betaling een regeling",
]
APPROVE_NOTES = ["mits tweedehands", "liefst via de kringloop", "wel schuldhulp direct starten",
                 "graag de bon bewaren", "goed onderbouwd", "wel budgetcoaching inzetten"]
OBJECT_NOTES = ["eerst bijzondere bijstand afwachten", "structureel probleem, past niet in MMB",
                "te hoog bedrag voor dit doel", "eerst het netwerk vragen"]
ABSTAIN_NOTES = ["ken de situatie niet", "eerst de voedselbank bellen, die kan vandaag nog",
                 "twijfel, laat het aan de anderen"]
SOLVED_BY = ["bijzondere bijstand", "voedselbank", "Stichting Leergeld",
             "Jeugdfonds Sport & Cultuur", "kringloopwinkel", "schuldhulpverlening",
             "Fonds Bijzondere Noden", "netwerk van de cliënt", "diaconie",
             "betalingsregeling met de energieleverancier", "betalingsregeling met de verhuurder",
             "kledingbank"]
SOLVED_NOTES = ["Noodpakket dezelfde dag opgehaald; intake ingepland.",
                "Regeling getroffen, geen betaling nodig.",
                "Aanvraag binnen een week toegekend.", ""]
REJECT_NOTES = ["Past niet binnen de MMB: structureel tekort, doorverwezen naar schuldhulp.",
                "Onvoldoende onderbouwd; eerst andere voorzieningen benutten.",
                "Geen acuut probleem; loopt via een reguliere aanvraag."]
WITHDRAW_NOTES = ["Cliënt heeft het zelf kunnen regelen.",
                  "Ingetrokken: het probleem was al opgelost voor de stemming."]
FOLLOWUP_NOTES = ["Kind fietst nog dagelijks naar school.",
                  "Huur wordt weer maandelijks betaald; het schuldhulptraject loopt.",
                  "Gezin is geholpen, geen nieuwe achterstanden.",
                  "Wordt goed gebruikt; geen nieuwe aanvraag nodig."]
REGRET_NOTES = ["Achteraf had de bijzondere bijstand het ook vergoed.",
                "Het probleem kwam na twee maanden terug."]
OTHER_SPENDING: list[tuple[Party, str, int, int]] = [
    (_party("Q-Park Amsterdam", "q-park", "card", store="Q-Park Amsterdam"),
     "Parkeren bij huisbezoek, geen casus", 250, 1200),
    (_party("GVB", "gvb", "card", store="GVB Tickets en Info"),
     "OV-saldo voor begeleiding naar afspraken, teamkosten", 500, 3000),
    (_party("PostNL", "postnl", "card", store="PostNL Punt Primera"),
     "Porto aangetekende brieven voor cliënten, teamkosten", 250, 1500),
    (_party("Albert Heijn", "albert-heijn", "card", store="Albert Heijn 1567"),
     "Koffie en fruit voor het inloopspreekuur, akkoord coördinator", 300, 2500),
    (_party("HEMA", "hema", "card", store="HEMA Kalverstraat"),
     "Kopieerkaart en enveloppen voor het team", 200, 1500),
    (_party("Café De Ooievaar", "cafe-de-ooievaar", "card", store="Café De Ooievaar"),
     "Koffie bij een eerste gesprek buiten de deur, teamkosten", 250, 900),
]
#: Personal data put into a purpose by --findings (each gives exactly one MMB301).
PERSONAL = [" Moeder is bereikbaar op 06-1234 5678.", " Mail de verhuurder via "
            "gezin.devries@gmail.com.", " Gezin woont op Kerkstraat 12.",
            " BSN 123456782 staat op de aanvraag.", " Huur overmaken naar NL91ABNA0417164300."]

MONTHS_SHORT = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov",
                "dec"]
ING_HEADER = ["Datum", "Naam / Omschrijving", "Rekening", "Tegenrekening", "Code", "Af Bij",
              "Bedrag (EUR)", "Mutatiesoort", "Mededelingen", "Saldo na mutatie", "Tag"]
ALNUM = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
FINDING_ORDER = ["MMB101", "MMB103", "MMB102", "MMB301", "MMB202", "MMB206", "MMB203",
                 "MMB107", "MMB104"]
APPLY_ORDER = ["MMB203", "MMB101", "MMB102", "MMB107", "MMB301", "MMB206", "MMB202", "MMB103",
               "MMB104"]
QUORUM = 3
TRANSFER_GROUPS = {"landlord", "room", "energy", "debt"}
MAX_PARTS = 8
PAY_DELAYS = [0, 0, 0, 1, 1, 2, 3, 4, 6, 9, 13]  # days from decision to (part) payment


# --------------------------------------------------------------------------- calendar

def _easter(year: int) -> date:
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return date(year, month, day + 1)


_HOLIDAYS: dict[int, set[date]] = {}


def holidays(year: int) -> set[date]:
    """Days the bank books nothing: weekends aside, the Dutch bank holidays."""
    if year not in _HOLIDAYS:
        easter = _easter(year)
        kings = date(year, 4, 27)
        if kings.weekday() == 6:
            kings = date(year, 4, 26)
        _HOLIDAYS[year] = {date(year, 1, 1), easter - timedelta(days=2),
                           easter + timedelta(days=1), kings, easter + timedelta(days=39),
                           easter + timedelta(days=50), date(year, 12, 25),
                           date(year, 12, 26)}
    return _HOLIDAYS[year]


def business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays(day.year)


def next_business_day(day: date) -> date:
    while not business_day(day):
        day += timedelta(days=1)
    return day


def year_end(year: int) -> date:
    return LAST_DAY if year == LAST_YEAR else date(year, 12, 31)


# --------------------------------------------------------------------------- helpers

def money(cents: int) -> Decimal:
    """Cents as an exact two-decimal Decimal."""
    return Decimal(cents).scaleb(-2)


def nl(cents: int) -> str:
    """12,45 (unsigned, decimal comma), as ING writes amounts."""
    return f"{abs(cents) // 100},{abs(cents) % 100:02d}"


def token(rng: Random, length: int, alphabet: str = ALNUM) -> str:
    return "".join(rng.choices(alphabet, k=length))


def dmy(day: date) -> str:
    return f"{day.day:02d}-{day.month:02d}-{day.year}"


_PLAIN = re.compile(r"[A-Za-z\u00c0-\u024f][^\n\"'#:]*")
_RESERVED = {"null", "true", "false", "yes", "no", "on", "off", "y", "n"}


def ys(text: str, flow: bool = False) -> str:
    """A YAML scalar for `text`: plain where that is safe, else double-quoted."""
    if (_PLAIN.fullmatch(text) and text == text.strip() and text.lower() not in _RESERVED
            and not (flow and any(ch in text for ch in ",[]{}"))):
        return text
    return json.dumps(text, ensure_ascii=False)


_clean_cache: dict[str, bool] = {}


def anonymous(text: str) -> str:
    """`text`, after making sure the personal-data detector finds nothing in it."""
    ok = _clean_cache.get(text)
    if ok is None:
        ok = _clean_cache[text] = not find_personal_data(text)
    if not ok:
        raise AssertionError(f"generated text would be flagged as personal data: {text!r}")
    return text


def share(total: int, weights: Sequence[float]) -> list[int]:
    """`total` split over `weights` (largest remainder), summing exactly to `total`."""
    whole = sum(weights)
    if whole <= 0 or not weights:
        return [0] * len(weights)
    exact = [total * w / whole for w in weights]
    out = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (out[i] - exact[i], i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def tiny_pdf(lines: Sequence[str]) -> bytes:
    """A valid one-page PDF showing `lines` (a receipt scan stand-in, ~600 bytes)."""
    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = " ".join(f"({esc(line)}) Tj 0 -12 Td" for line in lines)
    stream = f"BT /F1 9 Tf 12 60 Td {text} ET".encode("cp1252", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 80] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


# --------------------------------------------------------------------------- the model

@dataclass(slots=True)
class Member:
    id: str
    name: str
    role: str
    chat_names: list[str] = field(default_factory=list)
    since: date | None = None
    until: date | None = None

    def active(self, day: date) -> bool:
        return (self.since is None or self.since <= day) and (
            self.until is None or day <= self.until)


@dataclass(slots=True)
class Vote:
    member: str
    value: str  # approve | object | abstain
    at: datetime
    note: str = ""


@dataclass(slots=True)
class Booking:
    """One transaction on the team account. Amounts in cents, signed."""

    day: date
    cents: int
    method: str  # card | ideal | transfer | deposit | costs | refund
    order: tuple[int, int, int]  # within a day: (rank, minute, sequence)
    party: Party | None = None
    text: str = ""
    case: str = ""
    kind: str = ""
    receipt: str = ""
    note: str = ""
    write_receipt: bool = True
    balance: int = 0


@dataclass(slots=True)
class Case:
    id: str
    opened: datetime
    requested_by: str
    household: str
    category: str
    need: tuple[str, str, int, int]
    requested: int
    purpose: str
    alternatives: list[str]
    outcome: str
    decided: datetime
    decided_by: str
    approved: int = 0  # cents, approved cases only
    solved_by: str = ""
    note: str = ""
    votes: list[Vote] = field(default_factory=list)
    followup: tuple[date, bool, str] | None = None
    parts: int = 1
    refund: bool = False
    payments: list[Booking] = field(default_factory=list)


@dataclass
class Style:
    """How a team writes its case files."""

    quote_times: bool
    dutch_votes: float  # share of votes written akkoord / tegen / onthouding
    dutch_money: bool
    flow_lists: bool
    flow_votes: bool
    schema_comment: bool
    hmac_households: bool


@dataclass
class Team:
    index: int
    district: str
    district_name: str
    slug: str
    name: str
    kind: str
    members: list[Member]
    iban: str
    rules: dict[str, object]
    categories: list[str] | None
    style: Style
    half_year_files: bool
    encoding: str
    opening: int
    costs: int
    topup_years: set[int]
    cases: list[Case] = field(default_factory=list)
    bookings: list[Booking] = field(default_factory=list)
    budget: dict[int, tuple[int, int, date | None]] = field(default_factory=dict)
    households: set[str] = field(default_factory=set)
    receipt_names: set[str] = field(default_factory=set)
    others: dict[int, int] = field(default_factory=dict)  # year -> team expenses (rows)
    deposit_day: dict[int, date] = field(default_factory=dict)

    @property
    def folder(self) -> str:
        return f"{self.district}/{self.slug}"

    @property
    def decision_hours(self) -> int:
        hours = self.rules.get("decision_hours", 24)
        return hours if isinstance(hours, int) else 24

    @property
    def cap(self) -> int:
        return ESCALATION_CAP if "escalation" in self.rules else DEFAULT_CAP

    @property
    def veto(self) -> bool:
        return bool(self.rules.get("veto", False))

    @property
    def category_list(self) -> list[str]:
        return self.categories or DEFAULT_CATEGORIES


# --------------------------------------------------------------------------- teams

def make_teams(rng: Random, count: int, years: list[int]) -> list[Team]:
    start = date(years[0], 1, 1)
    teams: list[Team] = []
    used_slugs: set[str] = set()
    used_ibans: set[str] = set()
    for i in range(count):
        district, district_name, hoods = DISTRICTS[i % len(DISTRICTS)]
        round_no = i // len(DISTRICTS)
        hood = hoods[round_no % len(hoods)]
        kind, kind_name = TEAM_KINDS[(round_no // len(hoods) + i) % len(TEAM_KINDS)]
        base = f"{kind}-{re.sub(r'[^a-z0-9]+', '-', hood.lower()).strip('-')}"
        slug, n = base, 2
        while f"{district}/{slug}" in used_slugs:
            slug, n = f"{base}-{n}", n + 1
        used_slugs.add(f"{district}/{slug}")
        name = f"{kind_name} {hood}" + (f" {n - 1}" if slug != base else "")

        size = rng.randint(6, 10)
        bounded = min(2, size - 5, rng.choice([0, 1, 1, 2, 2]))
        ids = rng.sample(FIRST_NAMES, size)
        members: list[Member] = []
        for j, mid in enumerate(ids):
            m = Member(mid, f"{mid.capitalize()} {rng.choice(INITIALS)}.", rng.choice(ROLES))
            if j == 0:
                m.role += " (coördinator MMB)"
            if rng.random() < 0.3:
                m.chat_names = [f"{m.name[:-1]}", f"{mid.capitalize()} {kind_name}"][
                    : rng.randint(1, 2)]
            if rng.random() < 0.2:
                m.since = start - timedelta(days=rng.randint(100, 2000))
            members.append(m)
        span = (LAST_DAY - start).days
        for j in range(bounded):
            m = members[size - 1 - j]
            edge = start + timedelta(days=rng.randint(60, max(61, span - 60)))
            if j == 0:
                m.since, m.until = (m.since, edge)
            else:
                m.since = edge
        rules: dict[str, object] = {}
        roll = rng.random()
        if roll < 0.1:
            rules = {"household_cap": 750, "escalation": [{"above": 500, "role": WPI_ROLE}]}
            members[1].role = WPI_ROLE
            members[1].since = members[1].until = None
        elif roll < 0.2:
            rules = {"decision_hours": 48}
        elif roll < 0.27:
            rules = {"veto": True}
        elif roll < 0.32:
            rules = {"receipt_grace_days": 30, "unpaid_warning_days": 45}
        categories = YOUTH_CATEGORIES if kind == "jeugdteam" and rng.random() < 0.5 else None
        iban = make_iban("INGB", f"team {i} {rng.random()}")
        while iban in used_ibans:
            iban = make_iban("INGB", f"team {i} {rng.random()}")
        used_ibans.add(iban)
        assert iban_valid(iban)
        style = Style(quote_times=rng.random() < 0.25, dutch_votes=rng.choice([0, 0, 0.5, 1]),
                      dutch_money=rng.random() < 0.25, flow_lists=rng.random() < 0.3,
                      flow_votes=rng.random() < 0.15, schema_comment=rng.random() < 0.2,
                      hmac_households=rng.random() < 0.4)
        topups = {LAST_YEAR} if i % 3 == 1 else set()
        teams.append(Team(i, district, district_name, slug, name, kind, members, iban, rules,
                          categories, style, half_year_files=rng.random() < 0.5,
                          encoding="cp1252" if rng.random() < 0.6 else "utf-8",
                          opening=rng.randint(100, 600) * 100 + rng.choice([0, 45, 95]),
                          costs=rng.choice([345, 345, 895, 1150]), topup_years=topups))
    return teams


def new_household(team: Team, rng: Random) -> str:
    while True:
        if team.style.hmac_households:
            code = "H-" + token(rng, 6, CROCKFORD)
        else:
            code = f"H-{rng.randint(1, 9999):04d}"
        if code not in team.households:
            team.households.add(code)
            return anonymous(code)


# --------------------------------------------------------------------------- cases

def open_window(team: Team, year: int, rng: Random) -> tuple[date, date]:
    """Budget deposit day and the first and last day cases are opened in `year`."""
    deposit = next_business_day(date(year, 1, 2) + timedelta(days=rng.randint(0, 3)))
    team.deposit_day[year] = deposit
    last = LAST_OPENED if year == LAST_YEAR else date(year, 12, 15)
    return deposit + timedelta(days=1), last


def make_cases(team: Team, year: int, count: int, rng: Random) -> None:
    first, last = open_window(team, year, rng)
    days = [first + timedelta(days=d) for d in range((last - first).days + 1)]
    days = [d for d in days if business_day(d)]
    moments = sorted(datetime(d.year, d.month, d.day) + timedelta(minutes=rng.randint(510, 1050))
                     for d in (rng.choice(days) for _ in range(count)))
    cap_used: dict[str, int] = defaultdict(int)
    recent: list[str] = []
    limit = team.decision_hours * 60
    wpi = [m for m in team.members if m.role == WPI_ROLE]
    weights = [CATEGORY_WEIGHTS[c] for c in team.category_list]
    for number, opened in enumerate(moments, start=1):
        cid = f"{year}-{number:03d}"
        day = opened.date()
        active = [m for m in team.members if m.active(day)]
        requester = rng.choice(active)
        category = rng.choices(team.category_list, weights)[0]
        need = rng.choice(NEEDS[category])
        outcome = rng.choices(["approved", "rejected", "solved_otherwise", "withdrawn"],
                              [65, 10, 20, 5])[0]
        lo, hi = need[2], need[3]
        if "escalation" in team.rules and need[1] in ("landlord", "room") and rng.random() < .4:
            hi = 740
        requested = rng.randint(lo, hi) * 100
        if rng.random() < 0.5:
            requested = max(lo * 100, requested // 500 * 500)
        elif rng.random() < 0.5:
            requested += rng.choice([95, 99, 50, 45])
        decided_off = int(rng.triangular(30, limit - 1, 120))
        decided = opened + timedelta(minutes=decided_off)
        voters = [m for m in team.members if m.active(day) and m.active(decided.date())
                  and m.id != requester.id]
        approved = 0
        household = ""
        if outcome == "approved":
            approved = requested if rng.random() < 0.7 else max(
                500, requested * rng.randint(60, 99) // 100 // 100 * 100 + rng.choice(
                    [0, 95, 99, 50]))
            approved = min(approved, requested)
            needs_wpi = approved > DEFAULT_CAP
            if needs_wpi and not any(w in voters for w in wpi):
                approved = min(approved, DEFAULT_CAP)
                needs_wpi = False
            if recent and rng.random() < 0.3:
                household = rng.choice(recent[-40:])
                if cap_used[household] + approved > team.cap:
                    household = ""
            if not household:
                household = new_household(team, rng)
            cap_used[household] += approved
        else:
            household = rng.choice(recent[-40:]) if recent and rng.random() < 0.3 else (
                new_household(team, rng))
            needs_wpi = False
        recent.append(household)
        votes = make_votes(team, rng, outcome, opened, decided_off, voters, needs_wpi)
        decider = rng.choice([m for m in team.members if m.active(decided.date())][:3])
        purpose = anonymous(need[0] + rng.choice(REASONS))
        if not purpose.endswith("."):
            purpose += "."
        alternatives = [anonymous(a) for a in rng.sample(ALTERNATIVES, rng.choice(
            [0, 0, 0, 1, 1, 2]))]
        case = Case(cid, opened, requester.id, household, category, need, requested,
                    purpose, alternatives, outcome, decided, decider.id, approved, votes=votes)
        if outcome == "solved_otherwise":
            case.solved_by = rng.choice(SOLVED_BY)
            case.note = rng.choice(SOLVED_NOTES)
        elif outcome == "rejected":
            case.note = rng.choice(REJECT_NOTES)
        elif outcome == "withdrawn":
            case.note = rng.choice(WITHDRAW_NOTES)
        elif rng.random() < 0.25:
            case.note = "rechtstreeks aan de leverancier"
        if outcome == "approved" and rng.random() < 0.08:
            at = decided.date() + timedelta(days=rng.randint(30, 150))
            if at <= LAST_DAY:
                regret = rng.random() < 0.15
                case.followup = (at, regret, rng.choice(REGRET_NOTES if regret
                                                        else FOLLOWUP_NOTES))
        team.cases.append(case)


def make_votes(team: Team, rng: Random, outcome: str, opened: datetime, window: int,
               voters: list[Member], needs_wpi: bool) -> list[Vote]:
    """Votes that all count: distinct active non-requesters, between opening and decision."""
    pool = list(voters)
    rng.shuffle(pool)
    if needs_wpi:
        pool.sort(key=lambda m: m.role != WPI_ROLE)
    if outcome == "approved":
        approvals = min(len(pool), rng.choice([3, 3, 3, 4, 4, 5]))
        values = ["approve"] * approvals
        extra = len(pool) - approvals
        if extra > 0 and rng.random() < 0.25:
            values.append("abstain" if team.veto or rng.random() < 0.6 else "object")
    elif outcome == "rejected":
        values = ["object"] * rng.randint(1, min(3, len(pool)))
        values += ["approve"] * rng.randint(0, min(2, len(pool) - len(values)))
    elif outcome == "solved_otherwise":
        values = [rng.choice(["abstain", "object"]) for _ in range(rng.randint(0, 2))]
    else:
        values = ["abstain"] * rng.randint(0, 1)
    offsets = sorted(rng.randint(2, window) for _ in values)
    votes = []
    for member, value, offset in zip(pool, values, offsets, strict=False):
        note = ""
        if rng.random() < 0.15:
            note = rng.choice({"approve": APPROVE_NOTES, "object": OBJECT_NOTES,
                               "abstain": ABSTAIN_NOTES}[value])
        votes.append(Vote(member.id, value, opened + timedelta(minutes=offset), note))
    if rng.random() < 0.1:
        rng.shuffle(votes)  # not every coordinator records them in time order
    return votes


# --------------------------------------------------------------------------- bookings

def plan_payments(team: Team, case: Case, rng: Random, seq: list[int]) -> None:
    """The payments of an approved case: `case.parts` of them, summing to the approved
    amount, from the decision day on, with one receipt file each."""
    group = case.need[1]
    shops = SHOPS[group]
    fixed = rng.choice(shops) if group in TRANSFER_GROUPS else None
    cents = case.approved
    weights = [rng.randint(1, 4) for _ in range(case.parts)]
    amounts = [cents * w // sum(weights) for w in weights]
    amounts[-1] += cents - sum(amounts)
    end = year_end(case.decided.year)
    decided = case.decided.date()
    days = sorted(min(end, decided + timedelta(days=rng.choice(PAY_DELAYS)))
                  for _ in amounts)
    for amount, day in zip(amounts, days, strict=True):
        shop = fixed or rng.choice(shops)
        minute = rng.randint(540, 1230)
        if day == decided:
            start = case.decided.hour * 60 + case.decided.minute + 5
            if start > 1290 and day < end:
                day += timedelta(days=1)
            else:
                minute = rng.randint(min(start, 1299), 1300)
        if shop.method == "transfer":
            moved = next_business_day(day)
            day = moved if moved <= end else day
        name = f"{case.id}-{shop.slug}.pdf"
        n = 2
        while name in team.receipt_names:
            name, n = f"{case.id}-{shop.slug}-{n}.pdf", n + 1
        team.receipt_names.add(name)
        seq[0] += 1
        booking = Booking(day, -amount, shop.method, (3, minute, seq[0]), shop,
                          shop.text.format(case=case.id), case=case.id,
                          receipt=f"receipts/{name}")
        case.payments.append(booking)
        team.bookings.append(booking)
    if case.refund:
        last = max(b.day for b in case.payments)
        refund_day = next_business_day(last + timedelta(days=rng.randint(3, 20)))
        paid_by = case.payments[-1]
        amount = min(rng.randint(5, 30) * 100, -paid_by.cents // 2)
        assert refund_day <= end and amount > 0, case.id  # allocate_rows leaves room
        seq[0] += 1
        team.bookings.append(Booking(
            refund_day, amount, "refund", (2, 600, seq[0]), paid_by.party,
            f"Terugbetaling retour casus {case.id}", case=case.id, kind="refund"))


def plan_bank(team: Team, years: list[int], rng: Random) -> None:
    """Costs, team expenses, deposits (the budget, sized to fit), case payments; then the
    balances in booking order."""
    seq = [0]
    for case in team.cases:
        if case.outcome == "approved":
            plan_payments(team, case, rng, seq)
    for year in years:
        for month in range(1, 13):
            day = next_business_day(date(year, month, 1))
            if day > year_end(year):
                break
            covered = date(year - 1, 12, 1) if month == 1 else date(year, month - 1, 1)
            last = (covered + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            short = MONTHS_SHORT[covered.month - 1]
            seq[0] += 1
            team.bookings.append(Booking(
                day, -team.costs, "costs", (0, 0, seq[0]),
                text=f"1 {short} t/m {last.day} {short} {covered.year} ING BANK N.V.",
                kind="bank_costs"))
        first = team.deposit_day[year]
        span = (year_end(year) - first).days
        for _ in range(team.others.get(year, 0)):
            party, note, lo, hi = rng.choice(OTHER_SPENDING)
            day = first + timedelta(days=rng.randint(1, span))
            seq[0] += 1
            team.bookings.append(Booking(
                day, -rng.randint(lo, hi), "card", (3, rng.randint(540, 1200), seq[0]), party,
                kind="other", note=note))
    for year in years:
        size_budget(team, year, rng, seq)
    team.bookings.sort(key=lambda b: (b.day, b.order))
    balance = team.opening
    for b in team.bookings:
        balance += b.cents
        b.balance = balance


def _up(cents: int, step: int = 250_00) -> int:
    return -(-cents // step) * step


def size_budget(team: Team, year: int, rng: Random, seq: list[int]) -> None:
    """The year's budget (and top-up), large enough for every approval in decision order
    and for what leaves the account, and the municipality's deposits of it."""
    approvals = sorted((c.decided, c.approved) for c in team.cases
                       if c.outcome == "approved" and c.decided.year == year)
    spent = [(b.day, -b.cents) for b in team.bookings
             if b.day.year == year and b.cents < 0 and b.kind != "refund" and not b.case]
    total = sum(a for _, a in approvals) + sum(s for _, s in spent)
    margin = rng.randint(0, 4) * 250_00
    topup_day: date | None = None
    if year in team.topup_years:
        topup_day = next_business_day(date(year, 7, 1))
        before = sum(a for t, a in approvals if t.date() < topup_day) + sum(
            s for d, s in spent if d < topup_day)
        base = _up(before + 100_00)
        topup = max(250_00, _up(total - base + margin))
    else:
        base, topup = _up(total + margin + 50_00), 0
    team.budget[year] = (base, topup, topup_day)
    seq[0] += 1
    team.bookings.append(Booking(
        team.deposit_day[year], base, "deposit", (1, 0, seq[0]),
        text=f"Mini-Maatwerkbudget {year} {team.name}", kind="deposit"))
    if topup_day is not None:
        seq[0] += 1
        team.bookings.append(Booking(
            topup_day, topup, "deposit", (1, 0, seq[0]),
            text=f"Aanvulling Mini-Maatwerkbudget {year} stadsdeel {team.district_name}",
            kind="deposit"))


# --------------------------------------------------------------------------- ledger rows

def allocate_rows(teams: list[Team], years: list[int], target: int, rng: Random) -> int:
    """Split payments and add team expenses until the city holds `target` ledger rows
    (or as few as the cases need). Returns the number of rows the city will hold."""
    approved = [c for t in teams for c in t.cases if c.outcome == "approved"]
    for case in approved:
        room = (year_end(case.decided.year) - case.decided.date()).days
        case.refund = case.approved >= 40_00 and room > 45 and rng.random() < 0.02
    fixed = 0
    for t in teams:
        for year in years:
            months = sum(1 for m in range(1, 13)
                         if next_business_day(date(year, m, 1)) <= year_end(year))
            fixed += months + 1 + (year in t.topup_years)
    base = fixed + len(approved) + sum(c.refund for c in approved)
    extra = max(0, target - base)
    others = extra // 5
    splits = extra - others
    capacity = [c for c in approved if c.approved >= 20_00]
    for _ in range(splits):
        placed = False
        while capacity:
            k = rng.randrange(len(capacity))
            case = capacity[k]
            if case.parts < min(MAX_PARTS, case.approved // 10_00):
                case.parts += 1
                placed = True
                break
            capacity[k] = capacity[-1]  # full: drop it
            capacity.pop()
        if not placed:
            others += 1
    slots = [(t, y) for t in teams for y in years]
    for _ in range(others):
        t, y = rng.choice(slots)
        t.others[y] = t.others.get(y, 0) + 1
    return base + extra


# --------------------------------------------------------------------------- findings

class Injector:
    """Puts known mistakes into a generated city, each giving exactly one finding."""

    def __init__(self, teams: list[Team], rng: Random) -> None:
        self.teams = list(teams)
        self.rng = rng
        rng.shuffle(self.teams)
        self.used: set[tuple[int, str]] = set()
        self.used_rows: set[int] = set()
        self.used_years: set[tuple[int, int]] = set()

    def run(self, count: int) -> dict[str, int]:
        """Place `count` findings round-robin over the types and teams; returns the
        expected count per code."""
        plan = [FINDING_ORDER[i % len(FINDING_ORDER)] for i in range(count)]
        # Amounts change before the budget is cut to fit them (MMB203 before MMB104).
        plan.sort(key=APPLY_ORDER.index)
        done: Counter[str] = Counter()
        turn = 0
        for code in plan:
            for step in range(len(self.teams)):
                team = self.teams[(turn + step) % len(self.teams)]
                if getattr(self, code.lower())(team):
                    turn += step + 1
                    break
            else:
                raise SystemExit(f"generate_city: no place left for {code}: the city is too "
                                 f"small for {count} findings")
            done[code] += 1
        return dict(sorted(done.items()))

    def free(self, team: Team, approved: bool = True) -> list[Case]:
        """Cases not changed yet; approved ones only within the plain cap, without refund."""
        return [c for c in team.cases if (team.index, c.id) not in self.used and (
            not approved or (c.outcome == "approved" and c.approved <= DEFAULT_CAP
                             and not c.refund))]

    def take(self, team: Team, cases: list[Case]) -> Case | None:
        if not cases:
            return None
        case = self.rng.choice(cases)
        self.used.add((team.index, case.id))
        return case

    def mmb101(self, team: Team) -> bool:
        """Approved with one approval short of the quorum."""
        case = self.take(team, self.free(team))
        if case is None:
            return False
        approvals = [v for v in case.votes if v.value == "approve"]
        for v in approvals[: len(approvals) - (QUORUM - 1)]:
            case.votes.remove(v)
        return True

    def mmb102(self, team: Team) -> bool:
        """An extra approve vote by someone who is not in the team."""
        case = self.take(team, self.free(team))
        if case is None:
            return False
        at = case.opened + (case.decided - case.opened) / 2
        case.votes.append(Vote(NON_MEMBER, "approve", at.replace(second=0, microsecond=0),
                               "ook akkoord"))
        return True

    def mmb103(self, team: Team) -> bool:
        """Two approvals of one year moved to one new household, together over the cap:
        the later one crosses it."""
        by_year: dict[int, list[Case]] = defaultdict(list)
        for c in sorted(self.free(team), key=lambda c: (c.decided, c.id)):
            by_year[c.decided.year].append(c)
        pairs = [(z, x) for group in by_year.values() for i, z in enumerate(group)
                 for x in group[i + 1: i + 12] if z.approved + x.approved > team.cap]
        if not pairs:
            return False
        earlier, later = self.rng.choice(pairs)
        earlier.household = later.household = new_household(team, self.rng)
        self.used.update({(team.index, earlier.id), (team.index, later.id)})
        return True

    def mmb104(self, team: Team) -> bool:
        """A year's budget one cent short of its approvals: the year's last one crosses."""
        years = sorted({c.decided.year for c in team.cases if c.outcome == "approved"}
                       - team.topup_years)
        years = [y for y in years if (team.index, y) not in self.used_years]
        if not years:
            return False
        year = years[0]
        self.used_years.add((team.index, year))
        total = sum(c.approved for c in team.cases
                    if c.outcome == "approved" and c.decided.year == year)
        _, topup, day = team.budget[year]
        team.budget[year] = (total - 1, topup, day)
        return True

    def mmb107(self, team: Team) -> bool:
        """Opened well before the decision_hours allow."""
        case = self.take(team, [c for c in self.free(team) if c.opened.month > 1])
        if case is None:
            return False
        case.opened -= timedelta(hours=team.decision_hours + self.rng.randint(2, 30))
        return True

    def mmb202(self, team: Team) -> bool:
        """A bank-costs row whose kind was left empty."""
        rows = [b for b in team.bookings if b.kind == "bank_costs"
                and id(b) not in self.used_rows]
        if not rows:
            return False
        row = self.rng.choice(rows)
        self.used_rows.add(id(row))
        row.kind = ""
        return True

    def mmb203(self, team: Team) -> bool:
        """Approved one cent less than was paid: the last payment goes over."""
        case = self.take(team, [c for c in self.free(team) if c.approved > 1_00])
        if case is None:
            return False
        case.approved -= 1
        return True

    def mmb206(self, team: Team) -> bool:
        """A receipt the ledger names but that was never put in receipts/."""
        rows = [b for c in self.free(team) for b in c.payments if id(b) not in self.used_rows]
        if not rows:
            return False
        row = self.rng.choice(rows)
        self.used_rows.add(id(row))
        row.write_receipt = False
        return True

    def mmb301(self, team: Team) -> bool:
        """A phone number, e-mail address, address, BSN or IBAN in a purpose."""
        case = self.take(team, self.free(team, approved=False))
        if case is None:
            return False
        text = case.purpose + self.rng.choice(PERSONAL)
        if len(find_personal_data(text)) != 1:
            raise AssertionError(f"expected exactly one personal-data hit in {text!r}")
        case.purpose = text
        return True


# --------------------------------------------------------------------------- writing

def when(moment: datetime, style: Style) -> str:
    text = f"{moment:%Y-%m-%d %H:%M}"
    return f"'{text}'" if style.quote_times else text


def money_yaml(cents: int, style: Style) -> str:
    if cents % 100 == 0:
        return str(cents // 100)
    if style.dutch_money:
        return f'"{cents // 100},{cents % 100:02d}"'
    return f"{cents // 100}.{cents % 100:02d}"


DUTCH_VOTES = {"approve": "akkoord", "object": "tegen", "abstain": "onthouding"}


def case_yaml(case: Case, team: Team, rng: Random) -> str:
    s = team.style
    out: list[str] = []
    if s.schema_comment:
        out.append("# yaml-language-server: $schema=../.mmb-schema/case.schema.json")
    out += [f"id: {case.id}", f"opened: {when(case.opened, s)}",
            f"requested_by: {case.requested_by}", f"household: {case.household}",
            f"category: {ys(case.category)}", f"amount: {money_yaml(case.requested, s)}"]
    if len(case.purpose) > 90 and rng.random() < 0.3:
        out.append("purpose: >-")
        line = ""
        for word in case.purpose.split(" "):
            if line and len(line) + len(word) > 76:
                out.append("  " + line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        out.append("  " + line)
    else:
        out.append(f"purpose: {ys(case.purpose)}")
    if case.alternatives:
        if s.flow_lists:
            out.append("alternatives: [" + ", ".join(ys(a, True) for a in case.alternatives)
                       + "]")
        else:
            out.append("alternatives:")
            out += [f"  - {ys(a)}" for a in case.alternatives]
    if case.votes:
        out.append("votes:")
        for v in case.votes:
            word = DUTCH_VOTES[v.value] if rng.random() < s.dutch_votes else v.value
            if s.flow_votes:
                note = f", note: {ys(v.note, True)}" if v.note else ""
                out.append(f"  - {{member: {v.member}, vote: {word}, "
                           f"at: '{v.at:%Y-%m-%d %H:%M}'{note}}}")
            else:
                out += [f"  - member: {v.member}", f"    vote: {word}", f"    at: {when(v.at, s)}"]
                if v.note:
                    out.append(f"    note: {ys(v.note)}")
    out += ["decision:", f"  outcome: {case.outcome}", f"  at: {when(case.decided, s)}",
            f"  by: {case.decided_by}"]
    if case.outcome == "approved":
        comment = ""
        if case.payments and case.payments[0].method == "transfer" and rng.random() < 0.3:
            comment = "   # rechtstreeks aan de leverancier"
        out.append(f"  amount: {money_yaml(case.approved, s)}{comment}")
    if case.solved_by:
        out.append(f"  solved_by: {ys(case.solved_by)}")
    if case.note:
        out.append(f"  note: {ys(case.note)}")
    if case.followup:
        at, regret, note = case.followup
        out += ["followup:", f"  at: {at.isoformat()}", f"  regret: {str(regret).lower()}",
                f"  note: {ys(note)}"]
    return "\n".join(out) + "\n"


def team_yaml(team: Team, seed: int) -> str:
    out = [f"# {team.name}: Mini-Maatwerkbudget (synthetische gegevens, seed {seed})",
           "# Quorum, huishoudmaximum en termijn komen uit ../../mmb.yaml, tenzij hieronder.",
           f"name: {ys(team.name)}", f"municipality: {MUNICIPALITY}",
           f"district: {ys(team.district_name)}", "members:"]
    for m in team.members:
        out += [f"  - id: {m.id}", f"    name: {ys(m.name)}", f"    role: {ys(m.role)}"]
        if m.chat_names:
            out.append("    chat_names: [" + ", ".join(json.dumps(n, ensure_ascii=False)
                                                        for n in m.chat_names) + "]")
        if m.since:
            out.append(f"    since: {m.since.isoformat()}")
        if m.until:
            out.append(f"    until: {m.until.isoformat()}")
    if team.rules:
        out.append("rules:")
        for k, v in team.rules.items():
            if k == "escalation":
                out.append(f"  escalation: [{{above: 500, role: {WPI_ROLE}}}]")
            elif isinstance(v, bool):
                out.append(f"  {k}: {str(v).lower()}")
            else:
                out.append(f"  {k}: {v}")
    out.append("budget:")
    for year in sorted(team.budget):
        base, topup, day = team.budget[year]
        out += [f"  - year: {year}", f"    amount: {money_yaml(base, team.style)}"]
        if day is not None:
            out += ["    top_ups:", f"      - date: {day.isoformat()}",
                    f"        amount: {money_yaml(topup, team.style)}",
                    f"        note: aanvulling stadsdeel {team.district_name} na het eerste "
                    "halfjaar"]
    if team.categories:
        out.append("categories: [" + ", ".join(team.categories) + "]")
    out += ["accounts:", f"  - iban: {team.iban}"]
    return "\n".join(out) + "\n"


MMB_YAML = """\
# Gemeente {municipality}: standaardinstellingen voor alle MMB-teams in deze map
# (synthetische stad, gemaakt door bench/generate_city.py met seed {seed}).
rules:
  quorum: 3                          # akkoord van drie collega's, niet de aanvrager
  household_cap: 500                 # euro per huishouden
  household_cap_period: calendar_year
  decision_hours: 24                 # binnen een dag beslissen
  veto: false
  receipt_grace_days: 14
  unpaid_warning_days: 30
  allow_cash: false
categories:                          # kostensoorten voor de stadsdeelrapportage
{categories}
"""


def ing_fields(team: Team, b: Booking, rng: Random) -> list[str]:
    """One row of an ING semicolon export: the 11 columns as text."""
    value = f"Valutadatum: {dmy(b.day)}"
    p = b.party
    if b.method == "card":
        assert p is not None
        minute = b.order[1]
        name = f"{p.store} {CITY} NLD"
        counter, code, kind = "", "BA", "Betaalautomaat"
        notes = (f"Pasvolgnr: 001 {dmy(b.day)} {minute // 60:02d}:{minute % 60:02d} "
                 f"Transactie: {token(rng, 6)} Term: {token(rng, 8)} {value}")
    elif b.method == "costs":
        name, counter, code, kind = "Kosten Zakelijk Pakket", "", "DV", "Diversen"
        notes = f"{b.text} {value}"
    elif b.method == "deposit":
        name, counter, code, kind = (f"Gemeente {MUNICIPALITY}", GEMEENTE_IBAN, "OV",
                                     "Overschrijving")
        reference = f"MMB{b.day:%y}{team.district[:5].upper()}{team.index:03d}"
        notes = (f"Naam: Gemeente {MUNICIPALITY} Omschrijving: {b.text} IBAN: {counter} "
                 f"Kenmerk: {reference} {value}")
    else:
        assert p is not None
        name, counter = p.name, p.iban
        code, kind = {"ideal": ("ID", "iDEAL"), "transfer": ("GT", "Online bankieren"),
                      "refund": ("OV", "Overschrijving")}[b.method]
        text = b.text
        reference = ""
        if b.method == "ideal":
            minute = b.order[1]
            order = token(rng, 10, "0123456789")
            payment = "0050" + token(rng, 12, "0123456789")
            text = f"{order} {payment} {b.text}"
            reference = f"{dmy(b.day)} {minute // 60:02d}:{minute % 60:02d} {payment}"
        elif b.method == "refund":
            reference = "CN" + token(rng, 6, "0123456789")
        notes = f"Naam: {p.name} Omschrijving: {text} IBAN: {p.iban}"
        notes += f" Kenmerk: {reference}" if reference else ""
        notes += f" {value}"
    return [f"{b.day:%Y%m%d}", name, team.iban, counter, code, "Af" if b.cents < 0 else "Bij",
            nl(b.cents), kind, notes, ("-" if b.balance < 0 else "") + nl(b.balance), ""]


GEMEENTE_IBAN = make_iban("BNGH", f"gemeente {MUNICIPALITY.lower()} mmb")


def periods(team: Team, years: list[int]) -> list[tuple[date, date]]:
    out = []
    for year in years:
        end = year_end(year)
        if team.half_year_files:
            out += [(date(year, 1, 1), date(year, 6, 30)), (date(year, 7, 1), end)]
        else:
            out.append((date(year, 1, 1), end))
    return out


class Writer:
    """Writes files and counts them (files, bytes)."""

    def __init__(self) -> None:
        self.files = 0
        self.bytes = 0

    def put(self, path: Path, data: bytes | str) -> None:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        with open(path, "wb") as fh:
            fh.write(raw)
        self.files += 1
        self.bytes += len(raw)


def write_team(out: Writer, root: Path, team: Team, years: list[int], seed: int,
               rng: Random) -> int:
    """Write one team folder; returns the number of ledger rows."""
    for sub in ("cases", "bank", "receipts"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    out.put(root / "team.yaml", team_yaml(team, seed))
    cases_dir = str(root / "cases")
    for case in team.cases:
        out.put(Path(f"{cases_dir}/{case.id}.yaml"), case_yaml(case, team, rng))
    exports: list[tuple[str, list[tuple[Booking, list[str]]]]] = []
    rows_of: dict[int, list[str]] = {id(b): ing_fields(team, b, rng) for b in team.bookings}
    for start, end in periods(team, years):
        name = f"{team.iban}_{dmy(start)}_{dmy(end)}.csv"
        booked = [(b, rows_of[id(b)]) for b in team.bookings if start <= b.day <= end]
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(ING_HEADER)
        writer.writerows(fields for _, fields in reversed(booked))
        out.put(root / "bank" / name, buffer.getvalue().encode(team.encoding))
        exports.append((name, booked))
    for b in team.bookings:
        if b.receipt and b.write_receipt:
            p = b.party
            assert p is not None
            out.put(root / b.receipt, tiny_pdf([
                f"{p.document} {p.store}", f"{dmy(b.day)}  EUR {nl(b.cents)}",
                f"Betaald met {'pin' if b.method == 'card' else b.method}"]))
    # ledger.csv as `mmb reconcile` writes it: exports in name order, merged one by one.
    rows: list[LedgerRow] = []
    for name, booked in sorted(exports, key=lambda e: e[0]):
        incoming = [LedgerRow(
            date=b.day, amount=money(b.cents), balance=money(b.balance),
            counterparty=" ".join(f[1].split()), counterparty_iban=f[3].strip().upper(),
            description=" ".join(f[8].split()), source=f"bank/{name}", case=b.case,
            kind=b.kind, receipt=b.receipt, note=b.note) for b, f in booked]
        added = merge_export(rows, incoming, team.iban, [None] * len(incoming))
        if len(added) != len(incoming):
            raise AssertionError(f"{team.folder}: {name} overlaps an earlier export")
    rows = sort_rows(rows)
    out.put(root / "ledger.csv", ledger_text(rows))
    return len(rows)


# --------------------------------------------------------------------------- main

def generate(out: Path, *, teams: int, cases: int, ledger_rows: int, years: int, seed: int,
             findings: int) -> tuple[dict[str, int], dict[str, int]]:
    """Build and write the city; returns (sizes, expected finding counts)."""
    for text in [*ALTERNATIVES, *APPROVE_NOTES, *OBJECT_NOTES, *ABSTAIN_NOTES, *SOLVED_BY,
                 *SOLVED_NOTES, *REJECT_NOTES, *WITHDRAW_NOTES, *FOLLOWUP_NOTES, *REGRET_NOTES,
                 *(need for needs in NEEDS.values() for need, _, _, _ in needs), "ook akkoord",
                 "rechtstreeks aan de leverancier"]:
        anonymous(text)  # free text of case files: nothing the MMB301 detector flags
    rng = Random(f"mmb-city:{seed}")
    year_list = list(range(LAST_YEAR - years + 1, LAST_YEAR + 1))
    city = make_teams(rng, teams, year_list)
    counts = share(cases, [rng.uniform(0.5, 1.5) for _ in city])
    lengths = [(year_end(y) - date(y, 1, 1)).days for y in year_list]
    for team, n in zip(city, counts, strict=True):
        team_rng = Random(f"mmb-city:{seed}:team:{team.index}")
        for year, k in zip(year_list, share(n, lengths), strict=True):
            if k > 9999:
                raise SystemExit(f"generate_city: {k:,} cases in one team-year do not fit "
                                 "case ids YYYY-NNNN; use more --teams or --years")
            make_cases(team, year, k, team_rng)
    total_rows = allocate_rows(city, year_list, ledger_rows, rng)
    for team in city:
        plan_bank(team, year_list, Random(f"mmb-city:{seed}:bank:{team.index}"))
    expected = Injector(city, rng).run(findings) if findings else {}
    out.mkdir(parents=True, exist_ok=True)
    writer = Writer()
    categories = "\n".join(f"  - {c}" for c in DEFAULT_CATEGORIES)
    writer.put(out / "mmb.yaml", MMB_YAML.format(municipality=MUNICIPALITY, seed=seed,
                                                 categories=categories))
    written = 0
    for team in city:
        written += write_team(writer, out / team.folder, team, year_list, seed,
                              Random(f"mmb-city:{seed}:write:{team.index}"))
    assert written == total_rows, (written, total_rows)
    sizes = {"teams": len(city), "cases": sum(len(t.cases) for t in city),
             "ledger_rows": written, "files": writer.files, "bytes": writer.bytes}
    return sizes, expected


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate a large, realistic municipality folder for mmb benchmarks.")
    parser.add_argument("out", type=Path, metavar="OUT_DIR")
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--ledger-rows", type=int, default=50_000)
    parser.add_argument("--years", type=int, default=2, help="years up to 2026 (1-10)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--findings", type=int, default=0,
                        help="put exactly N known findings in (default 0: validates clean)")
    parser.add_argument("--force", action="store_true",
                        help="replace OUT_DIR if it holds an earlier generated city")
    args = parser.parse_args(argv)
    if args.teams < 1 or args.cases < 0 or args.ledger_rows < 0 or args.findings < 0:
        parser.error("--teams must be at least 1; counts cannot be negative")
    if not 1 <= args.years <= 10:
        parser.error("--years must be 1 to 10")
    out: Path = args.out
    if out.exists() and any(out.iterdir()):
        if not (args.force and (out / "mmb.yaml").is_file()):
            parser.error(f"{out} is not empty (--force replaces an earlier generated city)")
        shutil.rmtree(out)
    started = time.perf_counter()
    # Hundreds of thousands of small objects, no reference cycles, one short process: the
    # cyclic collector would only rescan them over and over (superlinear time).
    gc.disable()
    sizes, expected = generate(out, teams=args.teams, cases=args.cases,
                               ledger_rows=args.ledger_rows, years=args.years, seed=args.seed,
                               findings=args.findings)
    elapsed = time.perf_counter() - started
    note = "" if sizes["ledger_rows"] == args.ledger_rows else (
        f" (at least {sizes['ledger_rows']:,} needed for these cases)")
    print(f"{out}: {sizes['teams']:,} teams, {sizes['cases']:,} cases, "
          f"{sizes['ledger_rows']:,} ledger rows{note}, {sizes['files']:,} files, "
          f"{sizes['bytes'] / 1e6:.1f} MB in {elapsed:.1f} s")
    print(json.dumps(expected, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
