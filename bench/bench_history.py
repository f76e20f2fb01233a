"""Benchmark: `mmb validate --since REF` over a team's git history.

    python bench/bench_history.py [--cases 300] [--commits 500] [--runs 3] [--code SRC]

Builds, in a temporary folder and with `git fast-import` (seconds, not minutes), a team
repository: a base commit with a third of the cases decided, their ledger rows and
receipts; then COMMITS commits: each remaining case opened with its votes in one commit
and decided in the next, with its payment appended to ledger.csv and its receipt filed,
and follow-ups written into the cases decided at the base. So every commit is in the
range, every case file and the ledger change many times, and every rule has work to do.
Times, as medians of fresh processes: `mmb validate` (no cache), `mmb validate --since
BASE` (no cache), and `--since HEAD~20` (a typical pull request). Prints a table; changes
nothing outside the temporary folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

TEAM = """\
name: Bench
members:
  - id: fatima
  - id: jan
  - id: anneke
  - id: piet
rules:
  quorum: 3
  household_cap: null
budget:
  - year: 2026
    amount: 500000
categories: [vervoer, zorg]
"""
HEADER = ("id,date,amount,balance,counterparty,counterparty_iban,description,source,case,"
          "kind,receipt,note\n")
START = datetime(2026, 1, 5, 9, 0)


def case_text(n: int, at: datetime, decided: bool, followup: bool = False) -> str:
    opened = at.strftime("%Y-%m-%d %H:%M")
    lines = [f"id: 2026-{n:03d}", f"opened: {opened}", "requested_by: fatima",
             f"household: H-{n:04d}", "category: zorg", "amount: 95",
             "purpose: Bril voor school", "votes:"]
    for i, member in enumerate(("jan", "anneke", "piet")):
        lines += [f"  - member: {member}", "    vote: approve",
                  f"    at: {(at + timedelta(minutes=10 * (i + 1))):%Y-%m-%d %H:%M}"]
    if decided:
        lines += ["decision:", "  outcome: approved",
                  f"  at: {(at + timedelta(hours=1)):%Y-%m-%d %H:%M}", "  by: anneke",
                  "  amount: 95"]
    if followup:
        lines += ["followup:", f"  at: {(at + timedelta(days=60)):%Y-%m-%d}", "  regret: false"]
    return "\n".join(lines) + "\n"


def ledger_row(n: int, at: datetime, balance: int) -> str:
    return (f"T{n:05d},{at:%Y-%m-%d},-95.00,{balance}.00,Opticien,,bril,,2026-{n:03d},,"
            f"receipts/2026-{n:03d}.pdf,\n")


def build(folder: Path, cases: int, commits: int) -> str:
    """The repository; returns the base commit's id."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(folder)], check=True)
    out: list[bytes] = []
    mark = 0
    clock = int(START.timestamp())

    def commit(files: dict[str, str | bytes], message: str, author: str) -> None:
        nonlocal mark, clock
        mark += 1
        clock += 3600
        out.append(f"commit refs/heads/main\nmark :{mark}\n"
                   f"author {author} <{author.lower()}@example.org> {clock} +0100\n"
                   f"committer ci <ci@example.org> {clock} +0100\n".encode())
        msg = message.encode()
        out.append(b"data %d\n%s\n" % (len(msg), msg))
        if mark > 1:
            out.append(f"from :{mark - 1}\n".encode())
        for path, content in files.items():
            data = content.encode() if isinstance(content, str) else content
            out.append(f"M 100644 inline {path}\n".encode())
            out.append(b"data %d\n%s\n" % (len(data), data))

    at_base = cases // 3
    ledger = HEADER
    balance = 1_000_000
    files: dict[str, str | bytes] = {"team.yaml": TEAM}
    for n in range(1, at_base + 1):
        at = START + timedelta(days=n % 200)
        files[f"cases/2026-{n:03d}.yaml"] = case_text(n, at, True)
        balance -= 95
        ledger += ledger_row(n, at, balance)
        files[f"receipts/2026-{n:03d}.pdf"] = b"%PDF-1.4 " + bytes(str(n), "ascii") * 2000
    files["ledger.csv"] = ledger
    commit(files, "base", "Anneke")
    made = 0
    n = at_base
    follow = 1
    while made < commits:
        if n < cases:
            n += 1
            at = START + timedelta(days=n % 200)
            commit({f"cases/2026-{n:03d}.yaml": case_text(n, at, False)}, f"open {n}", "Fatima")
            made += 1
            if made >= commits:
                break
            balance -= 95
            ledger += ledger_row(n, at, balance)
            commit({f"cases/2026-{n:03d}.yaml": case_text(n, at, True),
                    "ledger.csv": ledger,
                    f"receipts/2026-{n:03d}.pdf": b"%PDF-1.4 " + bytes(str(n), "ascii") * 2000},
                   f"decide {n}", "Anneke")
            made += 1
        else:
            at = START + timedelta(days=follow % 200)
            commit({f"cases/2026-{follow:03d}.yaml": case_text(follow, at, True, True)},
                   f"follow-up {follow}", "Jan")
            follow = follow % cases + 1
            made += 1
    subprocess.run(["git", "fast-import", "--quiet"], cwd=folder, input=b"".join(out),
                   check=True)
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=folder, check=True)
    return subprocess.run(["git", "rev-list", "--max-parents=0", "HEAD"], cwd=folder,
                          check=True, capture_output=True, text=True).stdout.strip()


def timed(args: list[str], cwd: Path, code: str | None, runs: int) -> tuple[float, int]:
    env = dict(os.environ, MMB_NOW="2026-11-22 12:00", PYTHONDONTWRITEBYTECODE="1",
               MMB_NO_CACHE="1")
    if code:
        env["PYTHONPATH"] = code
    times = []
    rc = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "mmb", *args], cwd=cwd, env=env,
                              capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        rc = done.returncode
        if rc not in (0, 1):
            raise SystemExit(done.stderr)
    return statistics.median(times), rc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--commits", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--code", help="another checkout of mmb to run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "team"
        t0 = time.perf_counter()
        base = build(folder, args.cases, args.commits)
        built = time.perf_counter() - t0
        count = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=folder,
                               capture_output=True, text=True, check=True).stdout.strip()
        print(f"repository: {args.cases} cases, {count} commits, built in {built:.1f} s")
        rows = [("mmb validate --no-cache", ["validate", "--no-cache"]),
                (f"mmb validate --since BASE ({int(count) - 1} commits)",
                 ["validate", "--no-cache", "--since", base]),
                ("mmb validate --since HEAD~20", ["validate", "--no-cache", "--since",
                                                  "HEAD~20"]),
                ("mmb log 2026-001", ["log", "2026-001"])]
        print(f"{'command':<48} {'median s':>9}  exit")
        for label, argv in rows:
            seconds, rc = timed(argv, folder, args.code, args.runs)
            print(f"{label:<48} {seconds:>9.2f}  {rc}")


if __name__ == "__main__":
    main()
