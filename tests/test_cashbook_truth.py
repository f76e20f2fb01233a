"""The cash book tells the truth: no transaction counted twice, no cell lost, no edit
overwritten, nothing written before every check passed, and ledger.csv kept in the
dialect it was found in (issue 12 items 6 and 7, issue 16 "spreadsheet-friendly")."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import TEAM_YAML, case_yaml

from mmb.folder import load_team
from mmb.ledger import LedgerRow
from mmb.ledger_rules import ExportView, check_ledger

ACCOUNT = "NL91ABNA0417164300"
HEADER = ("id,date,amount,balance,counterparty,counterparty_iban,description,source,case,"
          "kind,receipt,note\n")
TEAM = TEAM_YAML + f"accounts:\n  - iban: {ACCOUNT}\n"
NOW = datetime(2026, 4, 1, 12, 0)


def row(day: str, amount: str, balance: str | None = None, **kw: str) -> LedgerRow:
    return LedgerRow(date=date.fromisoformat(day), amount=Decimal(amount),
                     balance=None if balance is None else Decimal(balance), **kw)


def codes(found) -> list[tuple[str, str, int]]:
    return sorted((f.code, f.path, f.line) for f in found)


# ---------------------------------------------------------------- MMB208 and a note

def test_a_cash_row_with_a_note_is_a_declaration_not_a_finding(make_team):
    root = make_team({"2026-001": case_yaml()}, team=TEAM)
    rows = [row("2026-03-05", "-50.00", description="Geldautomaat Centrum", kind="correction"),
            row("2026-03-05", "-40.00", description="Geldautomaat Centrum", kind="correction",
                note="contant voor de buurtmaaltijd, bon volgt"),
            row("2026-03-06", "-20.00", description="Pasvolgnr 3", source="bank/x.csv",
                kind="correction", note="opname voor de sleutelkluis"),
            row("2026-03-06", "-20.00", description="Pasvolgnr 4", source="bank/x.csv",
                kind="correction")]
    for number, r in enumerate(rows, start=2):
        r.row = number
    # The export's own code says cash for both rows of bank/x.csv.
    view = ExportView(source="bank/x.csv", rows=(rows[2], rows[3]), lines=(2, 3),
                      accounts=(ACCOUNT,), cash=(True, True))
    doc = load_team(root)
    found = check_ledger(team=doc.team, docs=doc.cases, rows=rows, exports=[view], root=root,
                         now=NOW)
    assert codes(f for f in found if f.code == "MMB208") == [("MMB208", "ledger.csv", 2),
                                                             ("MMB208", "ledger.csv", 5)]


def _write(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))
