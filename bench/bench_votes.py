"""Benchmark: `mmb votes import` of a chat with many votes.

    python bench/bench_votes.py [--votes 1000 8000 64000] [--runs 3] [--code SRC]

Writes, in a temporary folder, a team and an Android export (Dutch, 24 h) with N votes
"akkoord 2026-NNN" by 40 members, a minute apart, on cases of at most 8,000 votes each (a
case file of 8,000 votes is about 700 KB; 64,000 votes on one case would pass mmb's 1 MB
read limit and be refused, as it should). Times, as medians of several runs, each a fresh
process on a fresh copy of the team: `mmb votes import --dry-run` (read, attribute, check,
build and check the files) and `mmb votes import` (the same and write them).
`--code SRC` runs another checkout of mmb (e.g. `git archive main | tar -x -C /tmp/old`)
for comparison. Prints a table and the time per vote; changes nothing outside the
temporary folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

PER_CASE = 8000
MEMBERS = [f"lid{i:02d}" for i in range(40)]
START = datetime(2025, 1, 13, 8, 0)


def write_team(root: Path, votes: int) -> Path:
    """A team with ceil(votes / PER_CASE) open cases and the chat; returns the chat."""
    cases = -(-votes // PER_CASE)
    (root / "cases").mkdir(parents=True)
    members = "\n".join(f"  - id: {m}" for m in ["noor", *MEMBERS])
    (root / "team.yaml").write_text(
        f"name: Bench\nmembers:\n{members}\nbudget: [{{year: 2025, amount: 3000}}]\n"
        "categories: [zorg]\n")
    for n in range(1, cases + 1):
        (root / "cases" / f"2025-{n:03d}.yaml").write_text(
            f"id: 2025-{n:03d}\nopened: 2025-01-13 07:00\nrequested_by: noor\n"
            f"household: H-{n:04d}\ncategory: zorg\namount: 95\npurpose: Bril voor school\n")
    lines = []
    for i in range(votes):
        at = START + timedelta(minutes=i)
        case = i // PER_CASE + 1
        lines.append(f"{at:%d-%m-%Y %H:%M} - {MEMBERS[i % len(MEMBERS)]}: "
                     f"akkoord 2025-{case:03d}")
    chat = root.parent / f"chat-{votes}.txt"
    chat.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return chat


def run(args: list[str], code: str | None, now: datetime, cwd: Path) -> float:
    env = dict(os.environ, MMB_NOW=f"{now:%Y-%m-%d %H:%M}", PYTHONDONTWRITEBYTECODE="1")
    if code:
        env["PYTHONPATH"] = code
    start = time.perf_counter()
    # Run outside any source folder: `python -m` puts the working folder first on the path.
    done = subprocess.run([sys.executable, "-m", "mmb", *args], env=env, capture_output=True,
                          text=True, check=False, cwd=cwd)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"mmb {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=int, nargs="+", default=[1000, 8000, 64000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--code", help="run mmb from this source folder instead")
    opts = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for votes in opts.votes:
            base = Path(tmp) / f"v{votes}"
            chat = write_team(base / "team", votes)
            now = START + timedelta(minutes=votes + 60)
            dry, real = [], []
            for _ in range(opts.runs):
                work = Path(tmp) / "work"
                shutil.rmtree(work, ignore_errors=True)
                shutil.copytree(base / "team", work)
                dry.append(run(["votes", "import", str(chat), "-C", str(work), "--dry-run"],
                               opts.code, now, Path(tmp)))
                real.append(run(["votes", "import", str(chat), "-C", str(work)], opts.code,
                                now, Path(tmp)))
            rows.append((votes, statistics.median(dry), statistics.median(real)))
    print(f"{'votes':>8} {'dry-run s':>10} {'import s':>10} {'µs/vote':>9}")
    for votes, dry, real in rows:
        print(f"{votes:>8,} {dry:>10.2f} {real:>10.2f} {real / votes * 1e6:>9.0f}")


if __name__ == "__main__":
    main()
