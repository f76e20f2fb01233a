"""The team's cash book, `ledger.csv` (SPEC 2.3): one row per bank transaction.

This module owns the file's columns; importing exports and linking payments build on it.
"""

from __future__ import annotations

#: The columns of ledger.csv, in order.
LEDGER_COLUMNS: tuple[str, ...] = (
    "id", "date", "amount", "balance", "counterparty", "counterparty_iban", "description",
    "source", "case", "kind", "receipt", "note",
)

#: Values of the `kind` column; empty means a payment for a case.
KINDS: tuple[str, ...] = ("deposit", "refund", "bank_costs", "transfer", "correction", "other")


def header_line() -> str:
    """The header row of a new ledger.csv."""
    return ",".join(LEDGER_COLUMNS) + "\n"
