"""Benchmark: importing and reconciling a 100,000-row bank export.

    python bench/bench_reconcile.py [--rows 100000] [--runs 5]

Writes a team folder with one ING CSV export of N rows (newest first, balances chained,
card payments, transfers naming case ids, deposits, bank costs) into a temporary folder
and times, as medians of several runs:

* reading the export alone (the ING reader);
* `mmb reconcile --yes` on an empty ledger (import + linking + all ledger rules + write);
* `mmb reconcile --yes` again (nothing new: matching 100,000 rows against the ledger);
* `mmb reconcile --check` (what CI would run).

The commands run as subprocesses, as a user runs them. Prints a table; changes nothing
outside the temporary folder.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ACCOUNT = "NL69INGB0123456789"
HEADER = ('"Datum";"Naam / Omschrijving";"Rekening";"Tegenrekening";"Code";"Af Bij";'
          '"Bedrag (EUR)";"Mutatiesoort";"Mededelingen";"Saldo na mutatie";"Tag"\r\n')
SHOPS = ["Albert Heijn 1234", "HEMA Centrum", "Kruidvat 7781", "Fietsenmaker De Spaak",
         "Coolblue B.V.", "Decathlon Amsterdam", "Bol.com", "Hans Anders"]


def _nl(amount: Decimal, signed: bool = False) -> str:
    text = f"{abs(amount):.2f}".replace(".", ",")
    return "-" + text if signed and amount < 0 else text


def write_export(path: Path, rows: int) -> Decimal:
    """An ING semicolon export of `rows` transactions; returns the final balance."""
    lines = []
    balance = Decimal("1000.00")
    start = date(2026, 1, 1)
    for i in range(rows):
        day = start + timedelta(days=i * 300 // rows)
        if i % 50 == 0:
            amount, name, code, kind = Decimal("2500.00"), "Gemeente Amsterdam", "OV", \
                "Overschrijving"
            note = "Mini-Maatwerkbudget aanvulling"
        elif i % 97 == 0:
            amount, name, code, kind = Decimal("-3.45"), "Kosten zakelijk pakket", "DV", \
                "Diversen"
            note = "Kosten"
        elif i % 7 == 0:
            amount = -Decimal(20 + i % 180)
            name, code, kind = "Woningcorporatie", "GT", "Online bankieren"
            note = f"Casus 2026-{i % 900 + 1:03d} huurachterstand"
        else:
            amount = -Decimal(100 + (i * 37) % 9000) / 100
            name, code, kind = SHOPS[i % len(SHOPS)], "BA", "Betaalautomaat"
            note = f"Pasvolgnr: 001 {day:%d-%m-%Y} Transactie: {i:08X} Term: T{i % 97}"
        balance += amount
        sign = "Bij" if amount > 0 else "Af"
        lines.append(f'"{day:%Y%m%d}";"{name}";"{ACCOUNT}";"";"{code}";"{sign}";'
                     f'"{_nl(amount)}";"{kind}";"{note}";"{_nl(balance, signed=True)}";""\r\n')
    path.write_text(HEADER + "".join(reversed(lines)), encoding="utf-8")
    return balance


def make_team(root: Path, rows: int) -> None:
    (root / "cases").mkdir(parents=True)
    (root / "bank").mkdir()
    (root / "receipts").mkdir()
    (root / "team.yaml").write_text(
        "name: Bench\nmunicipality: Amsterdam\nmembers: [{id: a}, {id: b}, {id: c}, {id: d}]\n"
        "budget: [{year: 2026, amount: 1000000}]\n"
        f"accounts: [{{iban: {ACCOUNT}}}]\n", encoding="utf-8")
    write_export(root / "bank" / "export.csv", rows)


def timed(args: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mmb", *args], cwd=cwd,
                            capture_output=True, text=True,
                            env={"MMB_NOW": "2026-11-22 12:00", "PATH": "/usr/bin:/bin"})
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(f"mmb {' '.join(args)} failed:\n{result.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        template = base / "template"
        make_team(template, args.rows)
        size = (template / "bank" / "export.csv").stat().st_size
        read_times, first, again, check = [], [], [], []
        for run in range(args.runs):
            team = base / f"run{run}"
            shutil.copytree(template, team)
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; "
                            "from mmb.banks import read_export; "
                            "read_export(Path(sys.argv[1]))", str(team / "bank/export.csv")],
                           check=True)
            read_times.append(time.perf_counter() - start)
            first.append(timed(["reconcile", "--yes"], team))
            again.append(timed(["reconcile", "--yes"], team))
            check.append(timed(["reconcile", "--check"], team))
        print(f"export: {args.rows:,} rows, {size / 1e6:.1f} MB (ING CSV); "
              f"median of {args.runs} runs, seconds, each a fresh process")
        print(f"{'step':<42}{'median':>8}{'min':>8}{'max':>8}")
        for name, values in [("read the export (python -c, incl. start-up)", read_times),
                             ("mmb reconcile --yes (import, empty ledger)", first),
                             ("mmb reconcile --yes (again, nothing new)", again),
                             ("mmb reconcile --check", check)]:
            print(f"{name:<42}{statistics.median(values):>8.2f}{min(values):>8.2f}"
                  f"{max(values):>8.2f}")


if __name__ == "__main__":
    main()
