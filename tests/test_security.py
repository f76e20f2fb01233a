"""A pull request cannot make mmb leak, escape or hang (issue 11).

The team's CI runs `mmb validate` on pull requests, so everything in a team folder is
untrusted, and git stores symbolic links. Each attack runs against the command line as a
subprocess (`python -m mmb`) with a timeout and an address-space limit, and checks the
exit code and that the bytes mmb writes hold no secret and no raw control, escape or bidi
character from the data.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mmb import files
from mmb.files import TeamDir, TeamFileError, open_team_file, read_team_file
from mmb.folder import load_team
from mmb.ledger import parse_ledger_text, read_ledger
from mmb.text import clip, json_safe, visible

NOW = "2026-11-22 12:00"
SECRET = "ghp_SECRET0TOKEN0d41d8cd98f00b204e9800998ecf8427e"
#: Every kind of terminal attack at once: OSC window title, clear screen, an OSC 8 link,
#: a right-to-left override and an isolate, a C1 CSI, a carriage return and a bell.
EVIL = ("\x1b]0;TITLE\x07\x1b[2J\x1b]8;;http://x.example/\x1b\\link\x1b]8;;\x1b\\"
        "\u202eRTL\u2066\x9b1m\rCR\x07")
#: What must never be in mmb's output: C0 controls but tab and line feed, DEL, C1, the
#: bidi controls and the Unicode line separators.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e"
                       "\u2066-\u2069]")
MEMORY = 768 * 1024 * 1024  # address space of one mmb process: /dev/zero would blow it
TIMEOUT = 60  # seconds; a hang fails the test instead of the suite
IBAN = "NL57INGB0008452059"
ING_HEADER = ('"Datum";"Naam / Omschrijving";"Rekening";"Tegenrekening";"Code";"Af Bij";'
              '"Bedrag (EUR)";"Mutatiesoort";"Mededelingen";"Saldo na mutatie";"Tag"\n')


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _env(tmp: Path) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp / "home"),
            "XDG_CACHE_HOME": str(tmp / "cache"), "XDG_CONFIG_HOME": str(tmp / "config"),
            "MMB_NOW": NOW, "MMB_NO_CACHE": "1", "LANG": "C.UTF-8",
            "PYTHONPATH": os.pathsep.join(sys.path)}


class Run:
    """One finished mmb process: exit code, decoded output, time taken."""

    def __init__(self, args: list[str], proc: subprocess.CompletedProcess[bytes],
                 seconds: float) -> None:
        self.args = args
        self.code = proc.returncode
        self.raw = proc.stdout + proc.stderr
        # Strict: the output is UTF-8 (a lone surrogate from a file name would not be).
        self.out = proc.stdout.decode("utf-8")
        self.err = proc.stderr.decode("utf-8")
        self.seconds = seconds

    def clean(self) -> Run:
        """Assert: no secret, no raw control/escape/bidi character, bounded time."""
        both = self.out + self.err
        assert SECRET.encode() not in self.raw, self.args
        bad = FORBIDDEN.search(both)
        assert bad is None, (self.args, repr(both[max(0, bad.start() - 40):bad.end() + 40]))
        assert "Traceback" not in both, both
        assert self.seconds < TIMEOUT / 2, (self.args, self.seconds)
        return self


def mmb(tmp: Path, *args: str, cwd: Path | None = None, code: int | None = None,
        env: dict[str, str] | None = None, script: str | None = None) -> Run:
    """Run `python -m mmb ARGS` (or `python -c SCRIPT ARGS`) bounded in time and memory."""
    command = [sys.executable, "-m", "mmb", *args] if script is None else [
        sys.executable, "-c", script, *args]
    start = time.monotonic()
    proc = subprocess.run(command, cwd=cwd or tmp, env=env or _env(tmp), capture_output=True,
                          stdin=subprocess.DEVNULL, timeout=TIMEOUT, preexec_fn=_limit_memory)
    run = Run(list(args), proc, time.monotonic() - start)
    if code is not None:
        assert run.code == code, (args, run.code, run.out[-2000:], run.err[-2000:])
    return run.clean()


# ============================================================================ folders

TEAM = """\
name: Buurtteam Test
municipality: Amsterdam
district: Noord
members:
  - {id: anneke, name: Anneke S., chat_names: [Anneke S]}
  - {id: jan}
  - {id: piet}
  - {id: fatima}
rules: {quorum: 3, household_cap: 500}
budget:
  - {year: 2026, amount: 3000}
categories: [vervoer, zorg]
accounts:
  - {iban: IBAN}
""".replace("IBAN", IBAN)


def case(case_id: str, *, purpose: str = "Fiets voor school", category: str = "vervoer",
         decided: bool = True, extra: str = "") -> str:
    text = textwrap.dedent(f"""\
        id: {case_id}
        opened: 2026-03-02 10:15
        requested_by: fatima
        household: H-0001
        category: {category}
        amount: 180
        purpose: {purpose}
        votes:
          - {{member: jan, vote: approve, at: "2026-03-02 10:40"}}
          - {{member: anneke, vote: approve, at: "2026-03-02 11:00"}}
          - {{member: piet, vote: approve, at: "2026-03-02 11:30"}}
        """)
    if decided:
        text += ('decision: {outcome: approved, at: "2026-03-02 11:45", by: anneke, '
                 'amount: 150}\n')
    return text + extra


LEDGER_HEAD = "id,date,amount,balance,counterparty,counterparty_iban,description,source,case,kind,receipt,note\n"


def make_team(root: Path, *, team: str = TEAM, ledger: str | None = LEDGER_HEAD,
              cases: dict[str, str] | None = None) -> Path:
    (root / "cases").mkdir(parents=True)
    (root / "bank").mkdir()
    (root / "receipts").mkdir()
    (root / "team.yaml").write_text(team, encoding="utf-8")
    for name, text in (cases if cases is not None else {"2026-001": case("2026-001")}).items():
        (root / "cases" / f"{name}.yaml").write_text(text, encoding="utf-8")
    if ledger is not None:
        (root / "ledger.csv").write_text(ledger, encoding="utf-8")
    return root


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside every team folder holding a token (as a CI runner's would)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    path = outside / "token.txt"
    path.write_text(f"GITHUB_TOKEN={SECRET},x,y\ntoken: {SECRET}\n", encoding="utf-8")
    # Things an attacker would like read as team files, all holding the token.
    (outside / "cases").mkdir()
    (outside / "cases" / "2026-001.yaml").write_text(case("2026-001", purpose=SECRET))
    (outside / "bank").mkdir()
    (outside / "bank" / "export.csv").write_text(
        ING_HEADER + f'"20260302";"{SECRET}";"{IBAN}";"";"BA";"Af";"1,00";"Betaalautomaat";'
        f'"{SECRET}";"10,00";""\n', encoding="cp1252")
    (outside / "etc").mkdir()
    (outside / "etc" / "passwd").write_text(f"root:{SECRET}:0:0\n")
    (outside / "etc" / "2026-001-bon.pdf").write_text(SECRET)
    return path


def codes(run: Run) -> set[tuple[str, str]]:
    """(path, code) of every finding of a `validate --format json` run."""
    return {(p["path"], p["code"]) for p in json.loads(run.out)["problems"]}


def messages(run: Run, path: str) -> list[str]:
    return [p["message"] for p in json.loads(run.out)["problems"] if p["path"] == path]


# ============================================================================ links out, /dev/zero, FIFOs

def test_validate_reports_every_unsafe_file_by_its_rule_and_leaks_nothing(
        tmp_path: Path, secret: Path) -> None:
    city = tmp_path / "city"
    a = make_team(city / "a", ledger=None,
                  cases={"2026-001": case("2026-001"), "2026-005": case("2026-005")})
    os.symlink(secret, a / "ledger.csv")  # the /proc/self/environ leak, with a token file
    os.symlink("/dev/zero", a / "cases" / "2026-002.yaml")
    os.mkfifo(a / "cases" / "2026-003.yaml")
    os.symlink("../../../outside/token.txt", a / "cases" / "2026-004.yaml")  # relative, out
    os.mkfifo(a / "bank" / "pipe.csv")
    os.symlink(secret.parent / "bank" / "export.csv", a / "bank" / "link.csv")
    os.symlink("/dev/zero", a / "bank" / "zero.csv")
    os.symlink("loop.csv", a / "bank" / "loop.csv")
    b = make_team(city / "b", ledger=LEDGER_HEAD + (
        "x1,2026-03-03,-150.00,,Fietsenmaker,,,,2026-001,,receipts/passwd,\n"))
    shutil.rmtree(b / "receipts")
    os.symlink(secret.parent / "etc", b / "receipts")  # receipts/ -> /etc
    shutil.rmtree(b / "cases")
    os.symlink(secret.parent / "cases", b / "cases")
    os.symlink(secret, city / "mmb.yaml")  # the municipality defaults, linked out

    json_run = mmb(tmp_path, "validate", "--format", "json", str(city), code=1)
    found = codes(json_run)
    c = str(city)
    for path in (f"{c}/a/ledger.csv", f"{c}/a/cases/2026-002.yaml",
                 f"{c}/a/cases/2026-003.yaml", f"{c}/a/cases/2026-004.yaml",
                 f"{c}/a/bank/pipe.csv", f"{c}/a/bank/link.csv", f"{c}/a/bank/zero.csv",
                 f"{c}/a/bank/loop.csv", f"{c}/b/cases", f"{c}/mmb.yaml"):
        assert (path, "MMB001") in found, path
    assert (f"{c}/b/ledger.csv", "MMB206") in found  # receipts/passwd is no receipt
    # Each names the rule it breaks.
    assert "symbolic link to a place outside the team folder" in messages(
        json_run, f"{c}/a/ledger.csv")[0]
    assert "named pipe (FIFO), not a regular file" in messages(
        json_run, f"{c}/a/cases/2026-003.yaml")[0]
    assert "cases is a symbolic link" in messages(json_run, f"{c}/b/cases")[0]
    assert any("receipt receipts/passwd cannot be used: receipts is a symbolic link" in m
               for m in messages(json_run, f"{c}/b/ledger.csv"))
    assert "too many symbolic links" in messages(json_run, f"{c}/a/bank/loop.csv")[0]
    # The readable cases of team a are still checked; nothing else stopped.
    assert json.loads(json_run.out)["summary"]["teams"] == 2
    for fmt in ("text", "github"):
        run = mmb(tmp_path, "validate", "--format", fmt, str(city), code=1)
        assert "a/ledger.csv" in run.out


@pytest.mark.parametrize("attack", ["secret", "zero", "fifo", "big"])
def test_ledger_that_is_not_a_plain_file_inside_stops_reconcile(
        tmp_path: Path, secret: Path, attack: str) -> None:
    team = make_team(tmp_path / "team", ledger=None)
    ledger = team / "ledger.csv"
    if attack == "secret":
        os.symlink(secret, ledger)
    elif attack == "zero":
        os.symlink("/dev/zero", ledger)
    elif attack == "fifo":
        os.mkfifo(ledger)
    else:  # sparse: 60 MB of nothing, over the 50 MB limit; never read whole
        with ledger.open("wb") as handle:
            handle.truncate(60 * 1024 * 1024)
    run = mmb(tmp_path, "reconcile", "-C", str(team), code=2)
    assert run.err.startswith("mmb: ledger.csv has problems that stop the import")
    rule = {"secret": "symbolic link", "zero": "symbolic link", "fifo": "named pipe",
            "big": "over the 50.0 MB limit"}[attack]
    assert rule in run.err
    assert run.out == ""
    mmb(tmp_path, "validate", str(team), code=1)
    if attack != "big":
        assert ledger.is_symlink() or attack == "fifo"  # left as it was


@pytest.mark.parametrize("attack", ["fifo", "zero", "folder"])
def test_bank_file_that_is_not_a_plain_file_inside_stops_reconcile(
        tmp_path: Path, secret: Path, attack: str) -> None:
    team = make_team(tmp_path / "team")
    if attack == "fifo":
        os.mkfifo(team / "bank" / "export.csv")
    elif attack == "zero":
        os.symlink("/dev/zero", team / "bank" / "export.csv")
    else:
        shutil.rmtree(team / "bank")
        os.symlink(secret.parent / "bank", team / "bank")
    before = (team / "ledger.csv").read_bytes()
    run = mmb(tmp_path, "reconcile", "-C", str(team), code=2)
    assert "bank" in run.err and run.out == ""
    assert (team / "ledger.csv").read_bytes() == before


def test_case_file_fifo_hangs_no_command(tmp_path: Path) -> None:
    team = make_team(tmp_path / "team", cases={"2026-001": case("2026-001"),
                                               "2026-002": case("2026-002", decided=False)})
    os.mkfifo(team / "cases" / "2026-003.yaml")
    run = mmb(tmp_path, "validate", "--format", "json", str(team), code=1)
    assert (f"{team}/cases/2026-003.yaml", "MMB001") in codes(run)
    mmb(tmp_path, "status", "-C", str(team), code=0)
    mmb(tmp_path, "reconcile", "--check", "-C", str(team))
    run = mmb(tmp_path, "approve", "2026-003", "--by", "anneke", "-C", str(team), code=2)
    assert "named pipe" in run.err
    # No other case is decided while one cannot be read (issue 16: its approval would be
    # missing from the sums); the refusal names it, and nothing hangs.
    run = mmb(tmp_path, "approve", "2026-002", "--by", "anneke", "-C", str(team), code=2)
    assert "cases/2026-003.yaml" in run.err
    # Once it is gone, the lock is not held by a hung reader: the case is decided.
    (team / "cases" / "2026-003.yaml").unlink()
    mmb(tmp_path, "approve", "2026-002", "--by", "anneke", "-C", str(team), code=0)


@pytest.mark.parametrize("what", ["cases", "team.yaml"])
def test_team_files_linked_out_stop_the_commands_that_need_them(
        tmp_path: Path, secret: Path, what: str) -> None:
    team = make_team(tmp_path / "team", cases={"2026-002": case("2026-002", decided=False)})
    if what == "cases":
        shutil.rmtree(team / "cases")
        os.symlink(secret.parent / "cases", team / "cases")
        run = mmb(tmp_path, "approve", "2026-001", "--by", "anneke", "-C", str(team), code=2)
    else:
        (team / "team.yaml").unlink()
        os.symlink(secret, team / "team.yaml")
        assert "1 error(s) in the files" in mmb(tmp_path, "status", "-C", str(team), code=0).out
        run = mmb(tmp_path, "reconcile", "-C", str(team), code=2)
    assert "symbolic link to a place outside the team folder" in run.err


def test_chat_export_fifo_or_device_is_refused(tmp_path: Path) -> None:
    team = make_team(tmp_path / "team")
    os.mkfifo(tmp_path / "chat.txt")
    run = mmb(tmp_path, "votes", "import", str(tmp_path / "chat.txt"), "-C", str(team), code=2)
    assert "not a regular file" in run.err
    run = mmb(tmp_path, "votes", "import", "/dev/zero", "-C", str(team), code=2)
    assert "not a regular file" in run.err


def test_a_folder_linked_to_the_root_is_never_walked(tmp_path: Path) -> None:
    """The validation cache fingerprints cases/, bank/ and receipts/: one linked to / must
    not make it walk the whole machine (with the cache on, as CI would run it)."""
    team = make_team(tmp_path / "team")
    shutil.rmtree(team / "receipts")
    os.symlink("/", team / "receipts")
    shutil.rmtree(team / "bank")
    os.symlink("/proc", team / "bank")
    env = {**_env(tmp_path)}
    del env["MMB_NO_CACHE"]
    run = mmb(tmp_path, "validate", "--format", "json", str(team), env=env, code=1)
    assert (f"{team}/bank", "MMB001") in codes(run)
    assert run.seconds < 15


def test_a_symlink_that_stays_inside_the_folder_is_followed(tmp_path: Path) -> None:
    """Decided and documented: links inside the team folder (to files inside it) are
    followed, relative or absolute; receipts must stay inside receipts/."""
    team = make_team(tmp_path / "team", ledger=None, cases={})
    (team / "archive" / "cases").mkdir(parents=True)
    (team / "archive" / "cases" / "2026-001.yaml").write_text(case("2026-001"))
    os.symlink("../archive/cases/2026-001.yaml", team / "cases" / "2026-001.yaml")
    (team / "books").mkdir()
    (team / "books" / "2026.csv").write_text(
        LEDGER_HEAD + "x1,2026-03-03,-150.00,,Fiets,,,,2026-001,,receipts/2026/bon.pdf,\n")
    os.symlink(team / "books" / "2026.csv", team / "ledger.csv")  # absolute, inside
    (team / "receipts" / "scans").mkdir()
    (team / "receipts" / "scans" / "bon.pdf").write_bytes(b"%PDF")
    os.symlink("scans", team / "receipts" / "2026")
    doc = load_team(team)
    assert doc.findings == [] and [c.case.id for c in doc.cases if c.case] == ["2026-001"]
    ledger = read_ledger(team)
    assert ledger.readable and len(ledger.rows) == 1
    run = mmb(tmp_path, "validate", str(team), code=0)
    assert "no problems found" in run.out
    # A link inside the team folder but out of receipts/ is no receipt.
    (team / "books" / "2026.csv").write_text(
        LEDGER_HEAD + "x1,2026-03-03,-150.00,,Fiets,,,,2026-001,,receipts/team.pdf,\n")
    os.symlink("../team.yaml", team / "receipts" / "team.pdf")
    run = mmb(tmp_path, "validate", "--format", "json", str(team), code=1)
    assert codes(run) == {(f"{team}/ledger.csv", "MMB206")}


# ============================================================================ swapped between check and open

@pytest.fixture
def no_hang() -> Iterator[None]:
    """In-process tests that could block: fail after 10 seconds instead of hanging."""
    def fail(*_: object) -> None:
        raise TimeoutError("blocked")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(10)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _swap_on(stage: str, name: str, make: Callable[[int, str], None]) -> Callable[..., None]:
    done: list[bool] = []

    def hook(at: str, dir_fd: int, entry: str) -> None:
        if at == stage and entry == name and not done:
            done.append(True)
            make(dir_fd, entry)

    return hook


def test_a_file_swapped_for_a_link_after_the_check_is_not_followed(
        tmp_path: Path, secret: Path, monkeypatch: pytest.MonkeyPatch, no_hang: None) -> None:
    team = make_team(tmp_path / "team")

    def to_link(dir_fd: int, entry: str) -> None:
        os.unlink(entry, dir_fd=dir_fd)
        os.symlink(str(secret), entry, dir_fd=dir_fd)

    monkeypatch.setattr(files, "_race_hook", _swap_on("file", "ledger.csv", to_link))
    with pytest.raises(TeamFileError) as caught:
        read_team_file(team, "ledger.csv", 1000)
    assert "replaced by a symbolic link" in caught.value.reason
    assert SECRET not in str(caught.value)
    assert (team / "ledger.csv").is_symlink()  # the swap did happen


def test_a_folder_swapped_for_a_link_after_the_check_is_not_followed(
        tmp_path: Path, secret: Path, monkeypatch: pytest.MonkeyPatch, no_hang: None) -> None:
    team = make_team(tmp_path / "team")

    def to_link(dir_fd: int, entry: str) -> None:
        os.rename(entry, "cases.old", src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        os.symlink(str(secret.parent / "cases"), entry, dir_fd=dir_fd)

    monkeypatch.setattr(files, "_race_hook", _swap_on("folder", "cases", to_link))
    with pytest.raises(TeamFileError) as caught:
        read_team_file(team, "cases/2026-001.yaml", 1000)
    assert "replaced by a symbolic link" in caught.value.reason


def test_a_file_swapped_for_a_fifo_after_the_check_does_not_block(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_hang: None) -> None:
    team = make_team(tmp_path / "team")

    def to_fifo(dir_fd: int, entry: str) -> None:
        os.unlink(entry, dir_fd=dir_fd)
        os.mkfifo(entry, dir_fd=dir_fd)

    monkeypatch.setattr(files, "_race_hook", _swap_on("file", "team.yaml", to_fifo))
    with pytest.raises(TeamFileError) as caught:
        open_team_file(team, "team.yaml", 1000)
    assert "named pipe" in caught.value.reason


_SWAP_SCRIPT = """
import os, sys
import mmb.files
from mmb.entry import main

target = sys.argv.pop(1)
done = []

def hook(stage, dir_fd, name):
    if stage == "file" and name == "ledger.csv" and not done:
        done.append(True)
        os.unlink(name, dir_fd=dir_fd)
        os.symlink(target, name, dir_fd=dir_fd)

mmb.files._race_hook = hook
sys.argv[0] = "mmb"
main()
"""


def test_swap_during_a_validate_run_is_reported_not_followed(
        tmp_path: Path, secret: Path) -> None:
    team = make_team(tmp_path / "team")
    run = mmb(tmp_path, str(secret), "validate", "--format", "github", str(team),
              script=_SWAP_SCRIPT, code=1)
    assert "title=MMB001::the file was replaced by a symbolic link" in run.out
    assert (team / "ledger.csv").is_symlink()


# ============================================================================ the lock

_HOLD_SCRIPT = """
import sys, time
from pathlib import Path
from mmb.files import TeamLock

with TeamLock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(60)
"""


def test_a_second_process_waiting_for_the_lock_gives_up_plainly(tmp_path: Path) -> None:
    team = make_team(tmp_path / "team", cases={"2026-002": case("2026-002", decided=False)})
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_SCRIPT, str(team)],
                              env=_env(tmp_path), stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"locked\n"
        before = (team / "cases" / "2026-002.yaml").read_bytes()
        run = mmb(tmp_path, "approve", "2026-002", "--by", "anneke", "-C", str(team), code=2)
        assert run.err.startswith("mmb: another mmb command is writing in the team folder")
        assert 2 < run.seconds < 20
        assert (team / "cases" / "2026-002.yaml").read_bytes() == before
    finally:
        holder.kill()
        holder.wait()


# ============================================================================ escape sequences and bidi

def _yq(text: str) -> str:
    """A YAML double-quoted scalar holding `text` exactly (controls as escapes)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or 0x2028 <= ord(ch) <= 0x202E or (
                0x2066 <= ord(ch) <= 0x2069):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _csv(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def evil_team(root: Path, *, broken: bool = True) -> Path:
    """A team with an escape-and-bidi payload in every text field of every input kind."""
    e = _yq(EVIL)
    team = textwrap.dedent(f"""\
        name: {_yq("Buurtteam " + EVIL)}
        municipality: {e}
        district: {e}
        members:
          - {{id: anneke, name: {e}, role: {e}, chat_names: [{_yq("Anneke " + EVIL)}]}}
          - {{id: jan, name: {e}}}
          - {{id: piet}}
          - {{id: fatima}}
        rules: {{quorum: 3, household_cap: 500}}
        budget:
          - {{year: 2026, amount: 3000, top_ups: [{{date: "2026-07-01", amount: 100, note: {e}}}]}}
        categories: [vervoer, {e}]
        accounts:
          - {{iban: {IBAN}, name: {e}}}
        """)
    first = case("2026-001", purpose=e, category=e, extra=textwrap.dedent(f"""\
        alternatives: [{e}]
        followup: {{at: "2026-04-01", note: {e}}}
        """)).replace("by: anneke, amount: 150}", f"by: anneke, amount: 150, note: {e}}}")
    pending = case("2026-002", decided=False, purpose=e).replace(
        "requested_by: fatima", f"requested_by: {_yq('x' + EVIL)}")
    votes = case("2026-003", decided=False).replace(
        "member: jan,", f"member: {_yq('jan' + EVIL)}, note: {e},")
    root = make_team(root, team=team, cases={"2026-001": first, "2026-002": pending,
                                             "2026-003": votes})
    (root / "cases" / f"2026-9{EVIL[:9]}.yaml").write_text(case("2026-009"))  # a file name
    (root / "cases" / "2026-010.yaml").write_text(f"id: 2026-010\npurpose: {EVIL}\n")  # raw
    c = _csv(EVIL)
    rows = [f"x1,2026-03-03,-150.00,850.00,{c},,{c},,2026-001,,{_csv('receipts/' + EVIL)},{c}",
            f"x3,2026-03-04,-10.00,,{c},,{c},,{_csv('2026-' + EVIL)},,,",
            f"x5,2026-03-06,-30.00,,{c},,{c},,,,,"]
    if broken:  # rows mmb cannot read: their findings quote the cells
        rows += [f"x2,{c},-1.00,,,,,,,,,", f"x4,2026-03-05,-20.00,,{c},,{c},,,{c},,",
                 f"x6,2026-03-07,{c},,,,,,,,,"]
    (root / "ledger.csv").write_text(LEDGER_HEAD + "".join(r + "\n" for r in rows),
                                     encoding="utf-8")
    (root / "bank" / "ing.csv").write_text(ING_HEADER + "".join(
        f'"2026030{d}";{c};"{IBAN}";"";"BA";"Af";"{d},00";"Betaalautomaat";{c};"9{d},00";""\n'
        for d in (8, 9)), encoding="utf-8")
    (root / "chat.txt").write_text("".join(line + "\n" for line in (
        f"22-11-2026 09:00 - Anneke {EVIL}: akkoord 2026-002",
        f"22-11-2026 09:01 - Onbekend {EVIL}: akkoord 2026-002 {EVIL}",
        f"22-11-2026 09:02 - Anneke {EVIL}: {EVIL} eens? 2026-003",
        f"22-11-2026 09:03 - Jan{EVIL}: akkoord 2026-002 en 2026-003",
    )), encoding="utf-8")
    return root


def readable(tmp: Path) -> Path:
    """The evil team without the files mmb cannot read (the raw case file, the ledger rows
    without a date or amount), which `mmb report` refuses to leave out of its figures."""
    team = evil_team(tmp / "readable", broken=False)
    (team / "cases" / "2026-010.yaml").unlink()
    return team


def test_escape_sequences_in_every_field_never_reach_the_output(tmp_path: Path) -> None:
    team = evil_team(tmp_path / "team")
    t = str(team)
    text = mmb(tmp_path, "validate", t, code=1)
    assert "\\x1b]0;TITLE\\x07" in text.out and "\\u202eRTL" in text.out
    github = mmb(tmp_path, "validate", "--format", "github", t, code=1)
    assert all(line.startswith("::") for line in github.out.splitlines()[:-1])
    data = mmb(tmp_path, "validate", "--format", "json", t, code=1)
    assert json.loads(data.out)["summary"]["errors"] > 5
    assert "\\u001b]0;TITLE" in data.out  # a value as JSON keeps it: a JSON escape
    mmb(tmp_path, "status", "-C", t, code=0)
    mmb(tmp_path, "votes", "import", "--dry-run", str(team / "chat.txt"), "-C", t, code=0)
    mmb(tmp_path, "reconcile", "--check", "-C", t)
    refused = mmb(tmp_path, "report", "--year", "2026", t, code=2)  # its refusal is clean too
    assert "\\x1b" in refused.err
    shown = str(readable(tmp_path))  # the figures are made only when every file can be read
    for fmt in ("table", "md", "html", "csv"):
        run = mmb(tmp_path, "report", "--year", "2026", "--format", fmt, shown)
        assert run.code in (0, 1)
        assert "\\x1b" in run.out, fmt
    report = mmb(tmp_path, "report", "--year", "2026", "--format", "json", shown)
    # JSON keeps the values themselves, as JSON escapes.
    assert "\\u001b]0;TITLE\\u0007" in report.out and "\\u202e" in report.out
    assert any(EVIL in value for value in _strings(json.loads(report.out)))
    # Error lines on stderr quote data visibly too.
    run = mmb(tmp_path, "approve", "2026-" + EVIL, "--by", "anneke", "-C", t, code=2)
    assert "\\x1b" in run.err
    run = mmb(tmp_path, "reconcile", "--yes", "-C", t, code=2)  # the ledger must be fixed
    assert "\\x1b" in run.err
    team = evil_team(tmp_path / "team2", broken=False)
    t = str(team)
    run = mmb(tmp_path, "reconcile", "--yes", "-C", t, code=2)  # a case cannot be read
    assert "2026-010.yaml" in run.err
    (team / "cases" / "2026-010.yaml").unlink()
    run = mmb(tmp_path, "reconcile", "--yes", "-C", t, code=0)
    assert "Imported 2 new transaction(s)" in run.out and "\\x1b" in run.out
    (team / "bank" / "broken.csv").write_text(
        ING_HEADER + f'"20260310";"Winkel";"{IBAN}";"";"BA";"Af";{_csv("1," + EVIL)};"x";"y";"1,00";""\n')
    run = mmb(tmp_path, "reconcile", "-C", t, code=2)
    assert "broken.csv" in run.err and "\\x1b" in run.err


def _strings(value: object) -> Iterator[str]:
    """Every string in a parsed JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _on_a_terminal(tmp: Path, *args: str, **extra: str) -> str:
    """Run mmb with its standard output on a pseudo-terminal (colours on, unless
    `extra` environment says otherwise)."""
    import pty

    leader, follower = pty.openpty()
    env = {**_env(tmp), "TERM": "xterm-256color", "COLUMNS": "200", **extra}
    proc = subprocess.Popen([sys.executable, "-m", "mmb", *args], stdout=follower,
                            stderr=follower, stdin=subprocess.DEVNULL, env=env, cwd=tmp,
                            preexec_fn=_limit_memory)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=TIMEOUT)
    os.close(leader)
    return b"".join(chunks).decode("utf-8")


def test_on_a_terminal_only_mmb_s_own_colours_are_escape_sequences(tmp_path: Path) -> None:
    team = evil_team(tmp_path / "team")
    for args in (("validate", str(team)), ("status", "-C", str(team)),
                 ("report", "--year", "2026", str(team))):
        if args[0] == "report":  # the figures are made only when every file can be read
            args = ("report", "--year", "2026", str(readable(tmp_path)))
        out = _on_a_terminal(tmp_path, *args)
        assert "\x1b[" in out, args  # coloured: it is a terminal
        own = re.sub(r"\x1b\[[0-9;]*m", "", out).replace("\r\n", "\n")
        bad = FORBIDDEN.search(own)
        assert bad is None, (args, repr(own[max(0, bad.start() - 40):bad.end() + 40]))
        assert "\\x1b" in own, args
        # With NO_COLOR, not one escape sequence, the terminal notwithstanding.
        assert "\x1b" not in _on_a_terminal(tmp_path, *args, NO_COLOR="1"), args


# ============================================================================ in-process: the functions themselves

UNSAFE = st.characters(codec="utf-8", categories=("Cc", "Cf", "Zl", "Zp", "Cs")) | st.sampled_from(
    ["\x1b", "\x9b", "\u202e", "\u2066", "\u200f", "\u061c", "\r", "\n", "\x00", "\x7f"])


@settings(max_examples=200)
@given(st.text(alphabet=UNSAFE | st.characters(codec="utf-8"), max_size=40))
def test_visible_leaves_no_unsafe_character_and_is_idempotent(text: str) -> None:
    shown = visible(text)
    assert FORBIDDEN.search(shown) is None and "\n" not in shown
    assert visible(shown) == shown
    assert FORBIDDEN.search(visible(text, newlines=True)) is None
    data = json.dumps({"v": text}, ensure_ascii=False)
    assert FORBIDDEN.search(json_safe(data)) is None
    assert json.loads(json_safe(data)) == {"v": text}


def test_visible_keeps_ordinary_text() -> None:
    for text in ("Café Noëlle €", "👨‍👩‍👧 gezin", "ﬁets", "naïef\tkolom", "nbsp\u00a0hier",
                 "Zoë 👍🏽", "עברית", "العربية"):
        assert visible(text) == text
    assert visible("a\x1b[2Jb\u202ec\r\n") == "a\\x1b[2Jb\\u202ec\\r\\n"
    assert visible("one\ntwo", newlines=True) == "one\ntwo"


def test_a_file_that_is_no_ledger_is_not_quoted() -> None:
    ledger = parse_ledger_text(f"PATH=/usr/bin,HOME=/root,GITHUB_TOKEN={SECRET}\n", "ledger.csv")
    assert [f.code for f in ledger.findings] == ["MMB002"]
    assert SECRET not in ledger.findings[0].message and "/root" not in ledger.findings[0].message
    assert "names none of the columns" in ledger.findings[0].message


def test_findings_quote_only_a_short_visible_value() -> None:
    long = "x" * 5000 + EVIL
    payload = "\x1b[2J\u202eRTL\x9b1m" * 10  # no separator in it: stays one header cell
    header = LEDGER_HEAD.rstrip("\n") + "," + ",".join(f"extra{i}{payload}" for i in range(20))
    text = header + "\n" + f"x1,{long},-1.00,,,,,,,{long},,,\n"
    ledger = parse_ledger_text(text, "ledger.csv")
    for f in ledger.findings:
        assert len(f.message) < 600, f.message
        assert FORBIDDEN.search(f.message) is None
    assert "and 15 more" in ledger.findings[0].message
    assert clip(long).endswith("…") and len(clip(long)) == 61


def test_team_dir_lists_without_following_and_reads_with_a_limit(
        tmp_path: Path, no_hang: None) -> None:
    team = make_team(tmp_path / "team")
    os.mkfifo(team / "cases" / "pipe.yaml")
    os.symlink("/etc", team / "cases" / "etc")
    with TeamDir(team, "cases") as folder:
        kinds = dict(folder.entries())
        assert kinds == {"2026-001.yaml": "file", "etc": "link", "pipe.yaml": "other"}
        assert folder.read("2026-001.yaml", 10_000).startswith(b"id: 2026-001")
        with pytest.raises(TeamFileError, match="named pipe"):
            folder.read("pipe.yaml", 10_000)
        with pytest.raises(TeamFileError, match="over the 10 bytes limit"):
            folder.read("2026-001.yaml", 10)
    with pytest.raises(TeamFileError, match="outside the team folder"):
        read_team_file(team, "cases/etc/passwd", 10_000)
    with pytest.raises(TeamFileError, match="leads outside the team folder"):
        read_team_file(team, "../outside.txt", 10_000)


def test_the_ci_workflow_mmb_init_writes_gives_a_pull_request_nothing_to_steal(
        tmp_path: Path) -> None:
    from mmb.scaffold import create_team_folder

    create_team_folder(tmp_path / "team", "Test")
    workflow = (tmp_path / "team" / ".github" / "workflows" / "mmb.yml").read_text()
    assert "on: [push, pull_request]" in workflow
    assert "pull_request_target:" not in workflow and "secrets." not in workflow
    assert "permissions:\n  contents: read\n" in workflow
    assert "persist-credentials: false" in workflow


def test_municipality_defaults_that_are_no_plain_file_are_reported_not_skipped(
        tmp_path: Path) -> None:
    city = tmp_path / "city"
    make_team(city / "a")
    os.symlink("/dev/zero", city / "mmb.yaml")
    doc = load_team(city / "a", display_root=city)
    assert [(f.path, f.code) for f in doc.findings] == [("mmb.yaml", "MMB001")]
    assert "symbolic link" in doc.findings[0].message


def test_the_report_fingerprint_never_walks_a_folder_linked_out(
        tmp_path: Path, secret: Path) -> None:
    from mmb.fingerprint import team_inputs

    team = make_team(tmp_path / "team")
    shutil.rmtree(team / "receipts")
    os.symlink(secret.parent / "etc", team / "receipts")  # receipts/ -> /etc
    paths = [path for path, _ in team_inputs(team, with_git=False).files]
    assert "receipts" in paths  # recorded as the link it is
    assert not any(p.startswith("receipts/") for p in paths)  # /etc's names not listed
    (team / "receipts").unlink()
    (team / "scans").mkdir()
    (team / "scans" / "2026-001-bon.pdf").write_bytes(b"%PDF")
    os.symlink("scans", team / "receipts")  # inside the team folder: walked
    paths = [path for path, _ in team_inputs(team, with_git=False).files]
    assert "receipts/2026-001-bon.pdf" in paths
