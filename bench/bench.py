"""mmb's benchmark at city scale: medians of several runs, with anchors, on this machine.

    python bench/bench.py [--scale 1.0] [--runs 5] [--keep DIR]

Generates a municipality with `bench/generate_city.py` (default "city": 100 teams, 20,000
cases, 50,000 ledger rows; `--scale` multiplies all three) and measures, each as a fresh
process, the median (and min/max) of `--runs` runs:

* `mmb --version`, `mmb --help`;
* `mmb validate` cold (no cache) and warm (nothing changed since the previous run);
* `mmb report` over the city (when the report command exists);
* `mmb reconcile --yes` of a 100,000-row export (see bench_reconcile.py);
* the anchors a user might reach for instead, in the same run:
  - the floor: loading every YAML file of the city with ruamel.yaml's safe C loader
    (`YAML(typ="safe").load`) and nothing else, one process; and the same with mmb's own
    loader (the C parser composing nodes with line numbers, `mmb.files.load_yaml`);
  - `hledger check` on the same bookings written as an hledger journal with balance
    assertions (Debian's `hledger` package; skipped with a note when it is not installed);
* a calibration: a fixed piece of pure-Python work, since this machine's speed drifts;
* peak memory (resident set of mmb and its worker processes together) while validating;
* linearity: validate cold at 1x, 2x and 4x the number of cases (`--linear` to include;
  generating the 4x city takes a while).

Each round runs every measurement once, for `--runs` rounds, so that a drift in the
machine's speed (it is a shared virtual machine) hits all of them alike; a calibration (a
fixed loop of pure Python) is timed alongside. Prints a table of medians and the ratios to
the anchors (the median of the ratios within each round). Everything happens in a
temporary folder (or `--keep DIR`); pins `MMB_NOW` so date-dependent checks are stable.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENV_BASE = {"MMB_NOW": "2026-11-22 12:00", "NO_COLOR": "1"}


def run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None,
        ok: tuple[int, ...] = (0, 1)) -> float:
    """Seconds one command takes (wall clock)."""
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return elapsed


def peak_rss_mb(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak MB) of a command and all its child processes together, sampled."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def tree(pid: int) -> list[int]:
        pids = [pid]
        try:
            for task in Path(f"/proc/{pid}/task").iterdir():
                children = (task / "children").read_text().split()
                for child in children:
                    pids.extend(tree(int(child)))
        except OSError:
            pass
        return pids

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            total = 0
            for pid in tree(proc.pid):
                try:
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1])
                except OSError:
                    pass
            peak = max(peak, total)
            time.sleep(0.02)

    start = time.perf_counter()
    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    proc.wait()
    elapsed = time.perf_counter() - start
    done.set()
    thread.join()
    return elapsed, peak / 1024


def floor_seconds(city: Path) -> float:
    """Load every YAML file of the city with ruamel's safe C loader, in a fresh process."""
    code = (
        "import sys, pathlib\n"
        "from ruamel.yaml import YAML\n"
        "y = YAML(typ='safe')\n"
        "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.yaml')):\n"
        "    y.load(p.read_text(encoding='utf-8'))\n"
    )
    return run([sys.executable, "-c", code, str(city)])


def own_floor_seconds(city: Path) -> float:
    """Load every YAML file of the city with mmb's own loader (ruamel.yaml.clib's C parser
    composing nodes with line numbers, `mmb.files.load_yaml`) and nothing else, one
    process: the parse floor of what `mmb validate` itself does."""
    code = (
        "import sys, pathlib\n"
        "from mmb.files import load_yaml\n"
        "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.yaml')):\n"
        "    load_yaml(p, p.name)\n"
    )
    return run([sys.executable, "-c", code, str(city)])


def write_journal(city: Path, target: Path) -> int:
    """The city's bookings as one hledger journal with balance assertions; returns the
    number of transactions. Each team's account is its own hledger account."""
    count = 0
    with target.open("w", encoding="utf-8") as out:
        for ledger in sorted(city.rglob("ledger.csv")):
            team = ledger.parent.relative_to(city).as_posix().replace("/", ":")
            with ledger.open(encoding="utf-8", newline="") as handle:
                rows = list(csv.DictReader(handle))
            opening = None
            for row in rows:
                amount = row["amount"]
                balance = row["balance"]
                if opening is None and balance:
                    from decimal import Decimal

                    opening = Decimal(balance) - Decimal(amount)
                    out.write(f"{rows[0]['date']} opening\n    assets:bank:{team}  "
                              f"{opening} EUR\n    equity:opening\n\n")
                other = (f"expenses:case:{row['case']}" if row["case"] else
                         f"other:{row['kind'] or 'unexplained'}")
                assertion = f" = {balance} EUR" if balance else ""
                text = (row["counterparty"] or "-").replace(";", ",")[:40]
                out.write(f"{row['date']} {text}\n    assets:bank:{team}  {amount} EUR"
                          f"{assertion}\n    {other}\n\n")
                count += 1
    return count


def fmt(values: list[float]) -> str:
    return (f"{statistics.median(values):>9.3f}{min(values):>9.3f}{max(values):>9.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    parser.add_argument("--linear", action="store_true", help="also measure 1x/2x/4x")
    parser.add_argument("--skip-reconcile", action="store_true")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="mmb-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    cache_home = work / "xdg-cache"
    env = {**os.environ, **ENV_BASE, "XDG_CACHE_HOME": str(cache_home)}
    mmb = [sys.executable, "-m", "mmb"]
    mmb_bin = shutil.which("mmb")

    def generate(scale: float, name: str) -> Path:
        city = work / name
        if not city.exists():
            subprocess.run([sys.executable, str(HERE / "generate_city.py"), str(city),
                            "--teams", str(max(1, round(100 * scale))),
                            "--cases", str(round(20000 * scale)),
                            "--ledger-rows", str(round(50000 * scale))], check=True,
                           stdout=subprocess.DEVNULL)
        return city

    city = generate(args.scale, f"city-{args.scale:g}x")
    files = sum(1 for _ in city.rglob("*") if _.is_file())
    cases = sum(1 for _ in city.rglob("cases/*.yaml"))
    size = sum(p.stat().st_size for p in city.rglob("*") if p.is_file()) / 1e6
    print(f"city: {cases:,} cases, {files:,} files, {size:.0f} MB; {args.runs} runs each; "
          f"machine: {os.cpu_count()} cores; times in seconds")
    # Every measurement once per round, for `--runs` rounds: this machine's speed drifts
    # (a shared virtual machine), and measuring the floor and validate side by side in
    # each round keeps their ratio honest where one block of floors and then one block of
    # validates would each catch another hour.
    plan: list[tuple[str, Callable[[], float]]] = []

    def measure(name: str, fn: Callable[[], float]) -> None:
        plan.append((name, fn))

    entry = [mmb_bin] if mmb_bin else mmb
    # A fixed piece of pure-Python work, timed alongside, tells a slow hour from a slow mmb.
    measure("calibration: 10 million Python additions", lambda: run(
        [sys.executable, "-c", "s = 0\nfor i in range(10_000_000): s += i"], env=env))
    measure("mmb --version", lambda: run([*entry, "--version"], env=env))
    measure("mmb --help", lambda: run([*entry, "--help"], env=env))
    measure("floor: safe C load of every YAML file", lambda: floor_seconds(city))
    measure("floor: mmb's own YAML loader, every file", lambda: own_floor_seconds(city))

    def cold() -> float:
        shutil.rmtree(cache_home, ignore_errors=True)
        return run([*mmb, "validate", str(city)], env=env)

    # Right after the cold run, which wrote the cache (its files are minutes old).
    measure("mmb validate (cold, empty cache)", cold)
    measure("mmb validate (warm, nothing changed)",
            lambda: run([*mmb, "validate", str(city)], env=env))
    has_report = subprocess.run([*mmb, "report", "--help"], env=env,
                                capture_output=True).returncode == 0
    if has_report:
        measure("mmb report (whole city, json)", lambda: run(
            [*mmb, "report", str(city), "--year", "2026", "--format", "json"], env=env))
    hledger = shutil.which("hledger")
    if hledger:
        journal = work / "city.journal"
        txs = write_journal(city, journal)
        measure(f"anchor: hledger check ({txs:,} txns, assertions)",
                lambda: run([hledger, "-f", str(journal), "check"], env=env, ok=(0,)))
    if not args.skip_reconcile:
        sys.path.insert(0, str(HERE))
        from bench_reconcile import make_team

        template = work / "reconcile-template"
        if not template.exists():
            make_team(template, 100_000)

        def reconcile_once() -> float:
            team = work / "reconcile-run"
            shutil.rmtree(team, ignore_errors=True)
            shutil.copytree(template, team)
            return run([*mmb, "reconcile", "--yes", "-C", str(team)], env=env)

        measure("mmb reconcile --yes (100,000-row export)", reconcile_once)
    results: dict[str, list[float]] = {name: [] for name, _ in plan}
    for _ in range(args.runs):
        for name, fn in plan:
            results[name].append(fn())
    shutil.rmtree(cache_home, ignore_errors=True)
    _seconds, peak = peak_rss_mb([*mmb, "validate", "--no-cache", str(city)], env)

    print(f"{'measurement':<52}{'median':>9}{'min':>9}{'max':>9}")
    for name, values in results.items():
        print(f"{name:<52}{fmt(values)}")
    print(f"{'peak memory, validate cold (all processes)':<52}{peak:>8.0f} MB")
    cold_v = results["mmb validate (cold, empty cache)"]

    def ratio(anchor: list[float]) -> str:
        """Median of the ratios within each round, with their range."""
        each = sorted(v / a for v, a in zip(cold_v, anchor, strict=True))
        return f"{statistics.median(each):.2f} (rounds: {each[0]:.2f}–{each[-1]:.2f})"

    print("ratio validate cold / floor (ruamel safe C loader): "
          + ratio(results["floor: safe C load of every YAML file"]))
    print("ratio validate cold / floor (mmb's own loader): "
          + ratio(results["floor: mmb's own YAML loader, every file"]))
    for name, values in results.items():
        if name.startswith("anchor: hledger"):
            print(f"ratio validate cold / hledger check: {ratio(values)}")
    if args.linear:
        print("linearity (validate cold, one run each):")
        for factor in (0.25, 0.5, 1.0) if args.scale >= 1 else (1.0, 2.0, 4.0):
            scaled = generate(args.scale * factor, f"city-{args.scale * factor:g}x")
            shutil.rmtree(cache_home, ignore_errors=True)
            n = sum(1 for _ in scaled.rglob("cases/*.yaml"))
            t = run([*mmb, "validate", "--no-cache", str(scaled)], env=env)
            print(f"  {n:>7,} cases  {t:7.2f} s  {1e6 * t / n:7.1f} µs per case")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
