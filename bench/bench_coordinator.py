"""Benchmark: the coordinator's everyday commands on a one-year team.

    python bench/bench_coordinator.py [--runs 21] [--cases 300] [--rows 600] [--code SRC]
        [--compare OLD_SRC] [--site]

Generates, in a temporary folder, one team with `bench/generate_city.py` (a year of
`--cases` cases, `--rows` ledger rows, its bank export and receipts), adds one pending
case with enough votes to be approved, and times each command as a fresh process (like
hyperfine: a warm-up run, then `--runs` runs; the median, min and max of the wall clock,
and the median CPU time of the process, user + system, which a busy machine disturbs less):

* `mmb status`
* `mmb vote CASE MEMBER approve` (the case file is put back after each run)
* `mmb approve CASE --by M` (put back after each run)
* `mmb case new ...` with every option given (the new file is removed after each run)
* `mmb validate` of the team, warm (the cache is good) and `--no-cache`
* `mmb reconcile --yes` of a small export (the year's export archived away, a
  ten-transaction export in `bank/`; ledger.csv is put back after each run)

`MMB_NOW` is pinned (2026-11-22 12:00), the caches live in the temporary folder
(`XDG_CACHE_HOME`) and the byte code is compiled first (an installed mmb has it), so the
runs measure mmb, not Python compiling it; Python starts as for an installed mmb (`-S`
with the library folders on the path: an editable install's import hook costs 40 ms a
start; `--site` keeps it). `--code SRC` runs another checkout of mmb
(e.g. `git archive main | tar -x -C /tmp/old`); `--compare OLD_SRC` runs it too, run by
run alternating with the first, so that the shared machine's busy moments hit both, and
prints the ratio of the medians. Changes
nothing outside the temporary folder.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOW = "2026-11-22 12:00"
PENDING = "2026-900"


def team_folder(base: Path, cases: int, rows: int) -> Path:
    """A one-year team; returns its folder."""
    city = base / "city"
    subprocess.run([sys.executable, str(HERE / "generate_city.py"), str(city), "--teams", "1",
                    "--cases", str(cases), "--ledger-rows", str(rows), "--years", "1"],
                   check=True, capture_output=True)
    root = next(p.parent for p in city.rglob("team.yaml"))
    return root


def members_of(root: Path) -> list[str]:
    import re

    text = (root / "team.yaml").read_text(encoding="utf-8")
    return re.findall(r"^  - id: (\S+)", text, re.M)


def add_pending(root: Path, members: list[str]) -> None:
    """A pending case opened an hour ago, with approve votes of four members."""
    votes = "".join(f"  - member: {m}\n    vote: approve\n    at: 2026-11-22 11:{10 + i}\n"
                    for i, m in enumerate(members[1:5]))
    (root / "cases" / f"{PENDING}.yaml").write_text(
        f"id: {PENDING}\nopened: 2026-11-22 11:00\nrequested_by: {members[0]}\n"
        "household: H-BENCH1\ncategory: vervoer\namount: 20\n"
        f"purpose: Ov-kaart opladen voor vervoer naar school\nvotes:\n{votes}",
        encoding="utf-8")


def small_export(root: Path, archive: Path) -> None:
    """Move the year's exports out of bank/ and put in one of its last ten transactions."""
    archive.mkdir()
    exports = sorted((root / "bank").iterdir())
    for p in exports:
        shutil.move(str(p), archive / p.name)
    first = exports[0]
    raw = (archive / first.name).read_bytes().splitlines(keepends=True)
    (root / "bank" / "small.csv").write_bytes(b"".join(raw[:11]))


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, exit code) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n"
                         f"{done.stderr.decode(errors='replace')[-2000:]}")
    return wall, cpu, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--rows", type=int, default=600)
    parser.add_argument("--code", type=Path, help="another checkout of mmb to run")
    parser.add_argument("--compare", type=Path, metavar="SRC",
                        help="also run this checkout, alternating run by run with --code "
                        "(default: this one), and give the ratio of the medians")
    parser.add_argument("--site", action="store_true",
                        help="start Python with its site hooks (an editable install's too)")
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="mmb-bench-coord-"))
    try:
        codes = [(args.code or HERE.parent).resolve()]
        if args.compare is not None:
            codes.insert(0, args.compare.resolve())
        env = {**os.environ, "MMB_NOW": NOW, "NO_COLOR": "1",
               "XDG_CACHE_HOME": str(base / "cache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        for code in codes:
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(code / "mmb")],
                           check=True, capture_output=True, env=env)
        # each checkout its own caches: two versions would take turns replacing them
        envs = [{**env, "XDG_CACHE_HOME": str(base / f"cache-{i}")} for i in range(len(codes))]
        root = team_folder(base, args.cases, args.rows)
        members = members_of(root)
        add_pending(root, members)
        small_export(root, base / "archive")

        def command(code: Path) -> list[str]:
            # As an installed mmb starts: its package and the libraries, without the
            # `.pth` hooks of this checkout's editable install (`python -S`; the hook
            # alone took 40 ms of every start here), unless --site.
            if args.site:
                return [sys.executable, "-c", f"import sys; sys.path[:0] = [{str(code)!r}]\n"
                        "from mmb.entry import main; main()"]
            import site

            paths = [str(code), *site.getsitepackages()]
            return [sys.executable, "-S", "-c", f"import sys; sys.path[:0] = {paths!r}\n"
                    "from mmb.entry import main; main()"]

        case_file = root / "cases" / f"{PENDING}.yaml"
        pending_bytes = case_file.read_bytes()
        ledger_bytes = (root / "ledger.csv").read_bytes()
        before = set((root / "cases").iterdir())

        def restore_case() -> None:
            case_file.write_bytes(pending_bytes)

        def remove_new() -> None:
            for p in set((root / "cases").iterdir()) - before:
                p.unlink()

        def restore_ledger() -> None:
            (root / "ledger.csv").write_bytes(ledger_bytes)

        nothing: Callable[[], None] = lambda: None  # noqa: E731
        commands: list[tuple[str, list[str], Callable[[], None]]] = [
            ("status", ["status"], nothing),
            ("vote", ["vote", PENDING, members[5], "approve"], restore_case),
            ("approve", ["approve", PENDING, "--by", members[1]], restore_case),
            ("case new", ["case", "new", "--household", "H-BENCH2", "--category", "vervoer",
                          "--amount", "35", "--by", members[0], "--purpose",
                          "Fietsreparatie voor vervoer naar werk"], remove_new),
            ("validate (warm)", ["validate", "."], nothing),
            ("validate --no-cache", ["validate", "--no-cache", "."], nothing),
            ("reconcile --yes (small export)", ["reconcile", "--yes"], restore_ledger),
        ]
        print(f"team: {args.cases} cases, {args.rows} ledger rows; {args.runs} runs each "
              "(after a warm-up); wall clock median (min-max), CPU median")
        print("code: " + "  |  ".join(map(str, codes)))
        for name, argv, after in commands:
            walls: list[list[float]] = [[] for _ in codes]
            cpus: list[list[float]] = [[] for _ in codes]
            time.sleep(2.5)  # files changed just now are not cached (mmb.cache)
            for i, code in enumerate(codes):  # warm-up: page cache, the caches
                timed([*command(code), *argv], root, envs[i])
                after()
            for _ in range(args.runs):
                for i, code in enumerate(codes):  # alternating: a busy moment hits both
                    wall, cpu, _code = timed([*command(code), *argv], root, envs[i])
                    after()
                    walls[i].append(wall)
                    cpus[i].append(cpu)
            cells = [f"{statistics.median(w) * 1000:4.0f} ms ({min(w) * 1000:.0f}-"
                     f"{max(w) * 1000:.0f}) cpu {statistics.median(c) * 1000:4.0f} ms"
                     for w, c in zip(walls, cpus, strict=True)]
            ratio = ""
            if len(codes) == 2:
                ratio = f"  x{statistics.median(walls[1]) / statistics.median(walls[0]):.2f}"
            print(f"{name:32} " + "  |  ".join(cells) + ratio)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
