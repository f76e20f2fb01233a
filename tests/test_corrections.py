"""The daily corrections without a text editor (issue 16): `mmb case list`, `case show`,
`link`, `receipt add`, `followup`, the interactive `case new`, the reconcile picker and
shell completion. Every command is run as a user runs it (the Typer app, with mmb's own
error handling); every refusal must leave every file of the folder byte-identical."""

from __future__ import annotations

import json
import os
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import case_yaml
from typer.testing import CliRunner

from mmb.cli import app
from mmb.errors import MmbError
from mmb.ledger import read_ledger

runner = CliRunner()
# The validation cache `case show` reads and refreshes goes to a folder of these tests.
CACHE_HOME = tempfile.mkdtemp(prefix="mmb-test-cache-")
NOW = "2026-03-10 12:00"
HEADER = "id,date,amount,balance,counterparty,counterparty_iban,description,source,case,kind,receipt,note\n"
# Spreadsheet rows 2..7 (header = row 1).
LEDGER = HEADER + (
    "t-shop,2026-03-05,-100.00,,Fietsenmaker De Spaak AMSTERDAM NLD,,Pasvolgnr 001,,,,,\n"
    "t-linked,2026-03-06,-50.00,,Zeeman,,Pasvolgnr 002,,2026-001,,,\n"
    "t-deposit,2026-03-01,3000.00,,Gemeente Amsterdam,NL75BNGH0922030758,Budget,,,deposit,,\n"
    "t-early,2026-02-01,-30.00,,Hema,,Pasvolgnr 003,,,,,\n"
    "t-costs,2026-03-08,-3.00,,Kosten pakket,,Kosten,,,,,\n"
    "t-big,2026-03-09,-120.00,,Coolblue,,Pasvolgnr 004,,,,,\n"
)
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def run(*args: str, input: str | None = None) -> Run:
    """`mmb ARGS` in this process, as `mmb.cli.main` runs it: an `MmbError` is one line
    on stderr and its exit code, never a traceback."""
    result = runner.invoke(app, list(args), input=input,
                           env={"MMB_NOW": NOW, "NO_COLOR": "1", "XDG_CACHE_HOME": CACHE_HOME})
    exc = result.exception
    if isinstance(exc, MmbError):
        return Run(exc.exit_code, result.stdout, result.stderr + exc.message)
    assert exc is None or isinstance(exc, SystemExit), repr(exc)
    return Run(result.exit_code, result.stdout, result.stderr)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` with its bytes (a folder as b"/": one made counts too)."""
    out: dict[str, bytes] = {}
    for p in sorted(folder.rglob("*")):
        out[str(p.relative_to(folder))] = p.read_bytes() if p.is_file() else b"/"
    return out


@pytest.fixture
def team(make_team) -> Path:
    cases = {
        "2026-001": case_yaml(),  # approved € 150 on 2026-03-02
        "2026-002": case_yaml("2026-002", household="H-0002", outcome=None,
                              votes=[("jan", "approve", "2026-03-09 10:00"),
                                     ("fatima", "approve", "2026-03-09 10:05"),
                                     ("sanne", "approve", "2026-03-09 10:10")],
                              opened="2026-03-09 09:00"),
        "2026-003": case_yaml("2026-003", household="H-0003", outcome="rejected",
                              approved=None),
        "2026-004": case_yaml("2026-004", household="H-0004", approved="200"),
    }
    root = make_team(cases)
    (root / "ledger.csv").write_text(LEDGER, encoding="utf-8")
    (root / "receipts").mkdir()
    return root


def refused(root: Path, *args: str, code: int = 1, says: str = "") -> Run:
    """Run a command that must be refused: exit `code`, nothing changed, `says` said."""
    before = snapshot(root)
    result = run(*args, "-C", str(root))
    assert result.code == code, (result.stdout, result.stderr)
    assert snapshot(root) == before
    assert says in result.stderr, result.stderr
    return result


def ledger_lines(root: Path) -> list[str]:
    return (root / "ledger.csv").read_text(encoding="utf-8").splitlines(keepends=True)


# --------------------------------------------------------------------------- link

def test_link_a_payment_changes_only_its_case_cell(team: Path) -> None:
    before = ledger_lines(team)
    result = run("link", "2", "2026-004", "-C", str(team))
    assert result.code == 0, result.stderr
    assert "ledger.csv row 2" in result.stdout and "case 2026-004" in result.stdout
    assert "was: not linked" in result.stdout
    after = ledger_lines(team)
    assert after[2:] == before[2:] and after[0] == before[0]
    assert after[1] == before[1].replace("Pasvolgnr 001,,,,,", "Pasvolgnr 001,,2026-004,,,")
    [row] = [r for r in read_ledger(team).rows if r.row == 2]
    assert (row.case, row.kind) == ("2026-004", "")
    # no receipt yet: said, with the command that adds it
    assert "mmb receipt add FILE --case 2026-004 --row 2" in result.stderr


def test_link_by_transaction_id_and_a_kind(team: Path) -> None:
    assert run("link", "t-costs", "--kind", "bank_costs", "-C", str(team)).code == 0
    assert run("link", "t-early", "--kind", "other", "--note", "borg terug bij verhuizing",
               "-C", str(team)).code == 0
    rows = {r.id: r for r in read_ledger(team).rows}
    assert (rows["t-costs"].kind, rows["t-costs"].case) == ("bank_costs", "")
    assert (rows["t-early"].kind, rows["t-early"].note) == ("other", "borg terug bij verhuizing")


@pytest.mark.parametrize(("args", "code", "says"), [
    (["2", "2026-002"], 1, "MMB204"),            # pending: not approved
    (["2", "2026-003"], 1, "MMB204"),            # rejected
    (["5", "2026-001"], 1, "before its approval"),  # paid before the decision (MMB204)
    (["7", "2026-001"], 1, "MMB203"),            # 50 + 120 over the 150 approved
    (["2", "2026-099"], 2, "no case 2026-099"),  # unknown case
    (["3", "2026-004"], 1, "linked already"),    # linked to 2026-001, no --replace
    (["3", "2026-001"], 1, "linked that way already"),
    (["4", "2026-001"], 1, "money in"),          # a deposit is no payment
    (["2", "2026-001", "--kind", "refund"], 1, "money out"),
    (["6", "--kind", "other"], 2, "needs --note"),
    (["6", "--kind", "other", "--note", "  "], 2, "needs --note"),
    (["6", "--kind", "fee"], 2, "not a kind"),
    (["6", "2026-001", "--kind", "deposit"], 2, "for no case"),
    (["6"], 2, "give a CASE"),
    (["99", "2026-001"], 2, "has no row 99"),
    (["nope", "2026-001"], 2, "has no row nope"),
    (["2", "2026-004", "--note", "bel 0612345678"], 1, "phone number"),
])
def test_link_refusals_leave_every_file_as_it_was(team: Path, args: list[str], code: int,
                                                  says: str) -> None:
    refused(team, "link", *args, code=code, says=says)


def test_link_keeps_the_note_a_missing_receipt_needs(team: Path) -> None:
    (team / "ledger.csv").write_text(
        LEDGER + "t-lost,2026-03-09,-20.00,,Bakker,,Pasvolgnr 005,,2026-001,,missing,bon kwijt\n")
    refused(team, "link", "8", "2026-001", "--note", "", says="cannot be emptied")
    assert run("link", "8", "2026-004", "--replace", "-C", str(team)).code == 0
    [row] = [r for r in read_ledger(team).rows if r.row == 8]
    assert (row.case, row.receipt, row.note) == ("2026-004", "missing", "bon kwijt")


def test_link_replace_moves_a_payment_and_is_checked_again(team: Path) -> None:
    refused(team, "link", "3", "2026-002", "--replace", says="MMB204")
    assert run("link", "3", "2026-004", "--replace", "-C", str(team)).code == 0
    assert [r.case for r in read_ledger(team).rows if r.row == 3] == ["2026-004"]


def test_link_refuses_a_receipt_shared_between_cases(team: Path) -> None:
    (team / "receipts" / "2026-001-zeeman.pdf").write_bytes(PDF)
    text = LEDGER.replace("2026-001,,,\n", "2026-001,,receipts/2026-001-zeeman.pdf,\n")
    text = text.replace("Pasvolgnr 001,,,,,", "Pasvolgnr 001,,,,receipts/2026-001-zeeman.pdf,")
    (team / "ledger.csv").write_text(text, encoding="utf-8")
    refused(team, "link", "2", "2026-004", says="MMB206")


def test_link_note_answers_a_cash_withdrawal(team: Path) -> None:
    text = LEDGER + "t-cash,2026-03-09,-20.00,,Geldmaat Stationsplein,,Geldopname,,,,,\n"
    (team / "ledger.csv").write_text(text, encoding="utf-8")
    from mmb.validate import validate_team

    def codes() -> list[str]:
        return [f.code for f in validate_team(team, _now(), use_cache=False)[0]
                if f.line == 8 and f.path == "ledger.csv"]

    assert "MMB208" in codes()
    assert run("link", "8", "--kind", "other", "--note", "contant voor buskaart, bon in map",
               "-C", str(team)).code == 0
    assert "MMB208" not in codes()


def _now():
    from datetime import datetime

    return datetime.strptime(NOW, "%Y-%m-%d %H:%M")


def test_link_keeps_the_dutch_excel_dialect(team: Path) -> None:
    dutch = (HEADER.replace(",", ";") +
             "t-shop;5-3-2026;-100,00;;Fietsenmaker;;Pasvolgnr 001;;;;;\r\n"
             "t-linked;6-3-2026;-50,00;;Zeeman;;Pasvolgnr 002;;2026-001;;;\r\n").replace(
        "note\n", "note\r\n")
    raw = b"\xef\xbb\xbf" + dutch.encode("utf-8")
    (team / "ledger.csv").write_bytes(raw)
    assert run("link", "2", "2026-004", "-C", str(team)).code == 0
    written = (team / "ledger.csv").read_bytes()
    assert written == raw.replace(b"Pasvolgnr 001;;;;;", b"Pasvolgnr 001;;2026-004;;;")


def test_link_never_overwrites_an_edit_saved_meanwhile(team: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import mmb.corrections as corrections

    checks = corrections._refuse_new_errors

    def edit_meanwhile(*args: object, **kwargs: object) -> None:
        checks(*args, **kwargs)  # type: ignore[arg-type]
        path = team / "ledger.csv"
        path.write_text(path.read_text() + "t-new,2026-03-09,-1.00,,X,,Y,,,,,\n")

    monkeypatch.setattr(corrections, "_refuse_new_errors", edit_meanwhile)
    result = run("link", "2", "2026-004", "-C", str(team))
    assert result.code == 2 and "changed" in result.stderr
    text = (team / "ledger.csv").read_text()
    assert text == LEDGER + "t-new,2026-03-09,-1.00,,X,,Y,,,,,\n"  # their edit, not ours


def test_link_refuses_a_ledger_it_cannot_write_back_whole(team: Path) -> None:
    (team / "ledger.csv").write_text(LEDGER + "t-bad,not a date,-1.00,,X,,Y,,,,,\n")
    refused(team, "link", "2", "2026-004", code=2, says="fix them first")


# --------------------------------------------------------------------------- receipt add

def test_receipt_add_copies_and_links_on_the_one_payment(team: Path, tmp_path: Path) -> None:
    source = tmp_path / "IMG_2041.jpg"
    source.write_bytes(PDF)  # a PDF, whatever the name says
    result = run("receipt", "add", str(source), "--case", "2026-001", "-C", str(team))
    assert result.code == 0, result.stderr
    copied = team / "receipts" / "2026-001-zeeman.pdf"
    assert copied.read_bytes() == PDF
    assert "linked it on ledger.csv row 3" in result.stdout
    [row] = [r for r in read_ledger(team).rows if r.row == 3]
    assert row.receipt == "receipts/2026-001-zeeman.pdf"
    before, after = LEDGER.splitlines(), ledger_lines(team)
    assert [a.rstrip("\n") for i, a in enumerate(after) if i != 2] == [
        b for i, b in enumerate(before) if i != 2]
    from mmb.validate import validate_team

    found = validate_team(team, _now(), use_cache=False)[0]
    assert not [f for f in found if f.code in ("MMB205", "MMB206") and f.line == 3]


def test_receipt_add_names_a_second_receipt_apart_and_needs_row(team: Path,
                                                                 tmp_path: Path) -> None:
    first, second = tmp_path / "a.pdf", tmp_path / "b.jpg"
    first.write_bytes(PDF)
    second.write_bytes(JPEG)
    assert run("receipt", "add", str(first), "--case", "2026-001", "-C", str(team)).code == 0
    # its one payment has a receipt now: a second one needs --row
    refused(team, "receipt", "add", str(second), "--case", "2026-001", code=2,
            says="--row")
    result = run("receipt", "add", str(second), "--case", "2026-001", "--row", "3",
                 "-C", str(team))
    assert result.code == 0, result.stderr
    [row] = [r for r in read_ledger(team).rows if r.row == 3]
    assert row.receipt == "receipts/2026-001-zeeman.pdf;receipts/2026-001-zeeman.jpg"


def test_receipt_add_asks_which_payment_when_there_are_two(team: Path, tmp_path: Path) -> None:
    assert run("link", "2", "2026-004", "-C", str(team)).code == 0
    text = (team / "ledger.csv").read_text().replace(
        "Pasvolgnr 004,,,,,", "Pasvolgnr 004,,2026-004,,,").replace("-120.00", "-90.00")
    (team / "ledger.csv").write_text(text)
    source = tmp_path / "bon.pdf"
    source.write_bytes(PDF)
    result = refused(team, "receipt", "add", str(source), "--case", "2026-004", code=2,
                     says="more than one payment")
    assert "row 2" in result.stderr and "row 7" in result.stderr
    assert run("receipt", "add", str(source), "--case", "2026-004", "--row", "7",
               "-C", str(team)).code == 0
    assert (team / "receipts" / "2026-004-coolblue.pdf").read_bytes() == PDF


def test_receipt_add_on_a_terminal_asks_which_payment(team: Path, tmp_path: Path,
                                                      terminal: None) -> None:
    assert run("link", "2", "2026-004", "-C", str(team)).code == 0
    text = (team / "ledger.csv").read_text().replace(
        "Pasvolgnr 004,,,,,", "Pasvolgnr 004,,2026-004,,,").replace("-120.00", "-90.00")
    (team / "ledger.csv").write_text(text)
    source = tmp_path / "bon.pdf"
    source.write_bytes(PDF)
    before = snapshot(team)
    stopped = run("receipt", "add", str(source), "--case", "2026-004", "-C", str(team),
                  input="\n")  # Enter: stop, nothing written
    assert stopped.code == 2 and "more than one payment" in stopped.stderr
    assert snapshot(team) == before
    result = run("receipt", "add", str(source), "--case", "2026-004", "-C", str(team),
                 input="5\n7\n")
    assert result.code == 0, result.stdout + result.stderr
    assert "Which payment of case 2026-004" in result.stdout
    assert "'5' is not one of 1 to 2" in result.stdout  # asked again
    [row] = [r for r in read_ledger(team).rows if r.row == 7]
    assert row.receipt == "receipts/2026-004-coolblue.pdf"


def test_receipt_add_without_a_payment_yet_copies_for_reconcile(team: Path,
                                                                tmp_path: Path) -> None:
    source = tmp_path / "bon.pdf"
    source.write_bytes(PDF)
    before = (team / "ledger.csv").read_bytes()
    result = run("receipt", "add", str(source), "--case", "2026-004", "-C", str(team))
    assert result.code == 0 and "mmb reconcile" in result.stdout
    assert (team / "receipts" / "2026-004-bon.pdf").read_bytes() == PDF
    assert (team / "ledger.csv").read_bytes() == before


def test_receipt_add_refusals(team: Path, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    text = tmp_path / "bon.txt"
    text.write_text("not a receipt")
    refused(team, "receipt", "add", str(text), "--case", "2026-001", code=2,
            says="not a photo or a PDF")
    refused(team, "receipt", "add", str(tmp_path), "--case", "2026-001", code=2,
            says="not a regular file")
    refused(team, "receipt", "add", str(tmp_path / "gone.pdf"), "--case", "2026-001", code=2,
            says="no such file")
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    refused(team, "receipt", "add", str(fifo), "--case", "2026-001", code=2,
            says="not a regular file")
    pdf = tmp_path / "bon.pdf"
    pdf.write_bytes(PDF)
    refused(team, "receipt", "add", str(pdf), "--case", "2026-002", says="not approved")
    refused(team, "receipt", "add", str(pdf), "--case", "2026-003", says="not approved")
    refused(team, "receipt", "add", str(pdf), "--case", "2026-001", "--row", "2",
            says="not a payment of case 2026-001")
    import mmb.corrections as corrections

    monkeypatch.setattr(corrections, "MAX_RECEIPT_BYTES", 10)
    refused(team, "receipt", "add", str(pdf), "--case", "2026-001", code=2, says="limit")
    monkeypatch.undo()
    assert run("receipt", "add", str(pdf), "--case", "2026-001", "-C", str(team)).code == 0
    again = tmp_path / "again.pdf"
    again.write_bytes(PDF)
    refused(team, "receipt", "add", str(again), "--case", "2026-001", "--row", "3",
            says="in receipts/ already")
    other = tmp_path / "other.jpg"
    other.write_bytes(JPEG)
    (team / "ledger.csv").write_text(LEDGER + "t-bad,2026-03-09,lots,,X,,Y,,,,,\n")
    refused(team, "receipt", "add", str(other), "--case", "2026-004", "--row", "2", code=2,
            says="fix them first")  # a ledger mmb cannot write back whole
    (team / "ledger.csv").unlink()
    refused(team, "receipt", "add", str(other), "--case", "2026-001", "--row", "3", code=2,
            says="no ledger.csv yet")


def test_receipt_add_refuses_a_receipts_folder_that_links_out(team: Path,
                                                              tmp_path: Path) -> None:
    (team / "receipts").rmdir()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (team / "receipts").symlink_to(outside)
    pdf = tmp_path / "bon.pdf"
    pdf.write_bytes(PDF)
    refused(team, "receipt", "add", str(pdf), "--case", "2026-001", code=2, says="receipts/")
    assert list(outside.iterdir()) == []


def test_receipt_types_are_known_by_content() -> None:
    from mmb.corrections import receipt_type

    assert receipt_type(PDF) == "pdf" and receipt_type(JPEG) == "jpg"
    assert receipt_type(b"\x89PNG\r\n\x1a\n" + b"\0" * 8) == "png"
    assert receipt_type(b"\0\0\0\x18ftypheic" + b"\0" * 8) == "heic"
    assert receipt_type(b"RIFF\0\0\0\0WEBPVP8 ") == "webp"
    assert receipt_type(b"PK\x03\x04 a zip") is None and receipt_type(b"") is None


# --------------------------------------------------------------------------- followup

def test_followup_is_written_after_the_decision_keeping_the_file(team: Path) -> None:
    path = team / "cases" / "2026-001.yaml"
    path.write_text("# kept comment\n" + path.read_text())
    before = path.read_text()
    result = run("followup", "2026-001", "--no-regret", "--note", "kind fietst dagelijks",
                 "--at", "2026-03-09", "-C", str(team))
    assert result.code == 0, result.stderr
    text = path.read_text()
    assert text == before + ("followup:\n  at: 2026-03-09\n  regret: false\n"
                             "  note: kind fietst dagelijks\n")
    from mmb.folder import load_case

    case = load_case(path, "cases/2026-001.yaml").case
    assert case is not None and case.followup is not None
    assert (str(case.followup.at), case.followup.regret) == ("2026-03-09", False)


def test_followup_replace(team: Path) -> None:
    assert run("followup", "2026-001", "--note", "goed", "-C", str(team)).code == 0
    refused(team, "followup", "2026-001", "--regret", "--note", "toch niet",
            says="--replace")
    result = run("followup", "2026-001", "--regret", "--note", "toch niet", "--replace",
                 "-C", str(team))
    assert result.code == 0 and "replaces the follow-up of 2026-03-10" in result.stdout
    text = (team / "cases" / "2026-001.yaml").read_text()
    assert text.count("followup:") == 1 and "regret: true" in text and "toch niet" in text


@pytest.mark.parametrize(("args", "code", "says"), [
    (["2026-002", "--note", "x"], 1, "pending"),
    (["2026-003", "--note", "x"], 1, "rejected"),
    (["2026-001", "--note", "x", "--at", "2026-03-01"], 1, "before the decision"),
    (["2026-001", "--note", "x", "--at", "2026-04-01"], 2, "in the future"),
    (["2026-001", "--note", "x", "--at", "1-4-2026"], 2, "not a date"),
    (["2026-001", "--note", "   "], 2, "must not be empty"),
    (["2026-001", "--note", "mail j.jansen@example.nl"], 1, "e-mail"),
    (["2026-009", "--note", "x"], 2, "no case 2026-009"),
])
def test_followup_refusals(team: Path, args: list[str], code: int, says: str) -> None:
    refused(team, "followup", *args, code=code, says=says)


# --------------------------------------------------------------------------- case list/show

def test_case_list_and_its_filters(team: Path) -> None:
    def ids(*options: str) -> list[str]:
        result = run("case", "list", "--format", "json", *options, "-C", str(team))
        assert result.code == 0, result.stderr
        return [c["id"] for c in json.loads(result.stdout)["cases"]]

    assert ids() == ["2026-001", "2026-002", "2026-003", "2026-004"]
    assert ids("--pending") == ["2026-002"]
    assert ids("--unpaid") == ["2026-001", "2026-004"]  # 2026-001: € 100 of € 150 left
    assert ids("--no-receipt") == ["2026-001"]
    assert ids("--year", "2025") == []
    payload = json.loads(run("case", "list", "--format", "json", "-C", str(team)).stdout)
    first = payload["cases"][0]
    assert (first["approved"], first["paid"], first["left"], first["state"]) == (
        "150.00", "50.00", "100.00", "approved")
    text = run("case", "list", "-C", str(team)).stdout
    assert "2026-001" in text and "€ 100,00" in text and "1 missing" in text


def test_case_list_names_a_broken_file_instead_of_leaving_it_out(team: Path) -> None:
    (team / "cases" / "2026-005.yaml").write_text("id: 2026-005\n<<<<<<< HEAD\nopened: [\n")
    text = run("case", "list", "-C", str(team)).stdout
    assert "2026-005  cannot be read (cases/2026-005.yaml)" in text
    pending = json.loads(run("case", "list", "--pending", "--format", "json",
                             "-C", str(team)).stdout)["cases"]
    assert [c["id"] for c in pending] == ["2026-002", "2026-005"]
    assert pending[1]["problem"]


def test_case_show_says_which_votes_count_and_why(team: Path) -> None:
    result = run("case", "show", "2026-002", "-C", str(team))
    assert result.code == 0, result.stderr
    out = result.stdout
    assert "Votes: 2 of 3 needed approvals count (jan, sanne)" in out
    assert "fatima       approve  2026-03-09 10:05  does not count: the requester" in out
    assert "Decision: pending for 27 h" in out
    assert "Household H-0002: € 0,00 approved in 2026, cap € 500,00, room € 500,00" in out


def test_case_show_payments_receipts_history_and_findings(team: Path) -> None:
    path = team / "cases" / "2026-001.yaml"
    path.write_text(path.read_text() + textwrap.dedent("""\
        history:
          - outcome: rejected
            at: 2026-03-02 11:00
            by: anneke
            reopened_at: 2026-03-02 11:20
            reopened_by: anneke
            reason: verkeerde casus afgewezen
        """))
    (team / "receipts" / "2026-001-fiets.jpg").write_bytes(JPEG)
    out = run("case", "show", "2026-001", "-C", str(team)).stdout
    assert "Decision: approved at 2026-03-02 11:45 by anneke, € 150,00" in out
    assert ("earlier: Decision: rejected at 2026-03-02 11:00 by anneke; reopened "
            "2026-03-02 11:20 by anneke: verkeerde casus afgewezen") in out
    assert "Money: approved € 150,00, paid € 50,00, ordered and not booked € 0,00, " \
           "left € 100,00" in out
    assert "row 3" in out and "receipt: none yet" in out
    assert "receipts/2026-001-fiets.jpg  (not linked to a row yet)" in out
    assert "MMB205" in out  # validate's finding on its payment without receipt


def test_case_show_of_an_unknown_or_broken_case(team: Path) -> None:
    refused(team, "case", "show", "2026-077", code=2, says="no case 2026-077")
    (team / "cases" / "2026-005.yaml").write_text("id: 2026-005\nopened: [\n")
    refused(team, "case", "show", "2026-005", code=2, says="cases/2026-005.yaml has problems")
    # another case's room never leaves a broken file out without a word
    out = run("case", "show", "2026-001", "-C", str(team)).stdout
    assert "not counted, as they cannot be read (fix them, see `mmb validate`): " \
           "cases/2026-005.yaml" in out


# --------------------------------------------------------------------------- case new

@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import mmb.cli_corrections as cli_corrections

    monkeypatch.setattr(cli_corrections, "interactive", lambda: True)


def test_case_new_checks_each_answer_and_asks_only_the_wrong_one(team: Path,
                                                               terminal: None) -> None:
    answers = "\n".join([
        "nobody", "fatima",             # an unknown member, then a member
        "Jan Jansen", "H-0042",         # not a household code, then one
        "9", "zorg",                    # no category 9, then by name
        "veel", "€ 95,-",               # not an amount, then the Dutch way
        "bel 0612345678", "Bril voor een kind, de oude is gebroken",
    ]) + "\n"
    result = run("case", "new", "-C", str(team), input=answers)
    assert result.code == 0, result.stdout + result.stderr
    assert "2026-005" in result.stdout.splitlines()  # (the runner echoes the answers too)
    errors = result.stderr
    assert "Members: fatima, jan, anneke, piet, sanne" in errors  # joost only from April
    assert "Categories: 1) vervoer, 2) zorg, 3) woonlasten, 4) leefgeld" in errors
    assert errors.count("try again") == 5
    assert errors.count("Requested by") == 2 and errors.count("Category") == 2
    text = (team / "cases" / "2026-005.yaml").read_text()
    assert "requested_by: fatima\nhousehold: H-0042\ncategory: zorg\namount: 95\n" in text
    assert "0612345678" not in text


def test_case_new_asks_again_for_a_given_option_that_is_wrong(team: Path,
                                                             terminal: None) -> None:
    result = run("case", "new", "--by", "fatima", "--household", "H-0042", "--category",
                 "fietsen", "--amount", "95,50", "--purpose", "Fiets", "-C", str(team),
                 input="1\n")
    assert result.code == 0, result.stderr
    assert "'fietsen' is not one of the categories" in result.stderr
    text = (team / "cases" / "2026-005.yaml").read_text()
    assert "category: vervoer\namount: 95.50\n" in text


@pytest.mark.parametrize("written", ["€ 95,-", "95", "95,50", "€95", "€ 1.234,-", "95.-"])
def test_amounts_typed_the_dutch_way(written: str) -> None:
    from decimal import Decimal

    from mmb.actions import parse_amount

    expected = {"€ 95,-": "95", "95": "95", "95,50": "95.50", "€95": "95",
                "€ 1.234,-": "1234", "95.-": "95"}[written]
    assert parse_amount(written) == Decimal(expected)


def test_case_new_without_a_terminal_never_asks(team: Path) -> None:
    refused(team, "case", "new", "--by", "fatima", code=2, says="--household")


# --------------------------------------------------------------------------- picker

def test_picker_shows_the_candidates_and_asks_again_out_of_range(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import date
    from decimal import Decimal

    import mmb.cli_corrections as cli_corrections
    from mmb.ledger import LedgerRow
    from mmb.reconcile import CaseChoice

    answers = iter(["3", "x", "2"])
    monkeypatch.setattr(cli_corrections.typer, "prompt", lambda *a, **k: next(answers))
    row = LedgerRow(date(2026, 3, 5), Decimal("-100.00"), counterparty="Fietsenmaker")
    options = [CaseChoice("2026-001", "Fiets voor school", Decimal(150), Decimal(150)),
               CaseChoice("2026-004", "Bril\nvoor een kind", Decimal(200), Decimal(120))]
    assert cli_corrections.choose_case(row, options) == "2026-004"
    out = capsys.readouterr().out
    assert "Payment of 2026-03-05 -€ 100,00 to Fietsenmaker: which case is it for?" in out
    assert "1) 2026-001  Fiets voor school  approved € 150,00, left € 150,00" in out
    assert "2) 2026-004  Bril voor een kind  approved € 200,00, left € 120,00" in out
    assert out.count("is not one of 1 to 2") == 2
    skip = iter([""])
    monkeypatch.setattr(cli_corrections.typer, "prompt", lambda *a, **k: next(skip))
    assert cli_corrections.choose_case(row, options) is None


def test_reconcile_gives_the_picker_purpose_approved_and_left(make_team) -> None:
    from datetime import datetime

    from mmb.reconcile import reconcile

    cases = {"2026-001": case_yaml(),
             "2026-002": case_yaml("2026-002", household="H-2", approved="180")}
    root = make_team(cases)
    (root / "ledger.csv").write_text(
        HEADER + "t1,2026-03-05,-100.00,,Shop,,Af,,,,,\n", encoding="utf-8")
    seen: list[list[tuple[str, str, str, str]]] = []

    def choose(row: object, options: list) -> str:  # type: ignore[type-arg]
        seen.append([(o.case_id, o.purpose[:4], str(o.approved), str(o.left))
                     for o in options])
        return options[0].case_id

    reconcile(root, datetime(2026, 3, 10, 12, 0), choose=choose)
    assert seen == [[("2026-001", "Twee", "150", "150"), ("2026-002", "Twee", "180", "180")]]


# --------------------------------------------------------------------------- completion

def test_completion_of_cases_members_and_categories(team: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from mmb.completion import complete_case, complete_category, complete_member

    monkeypatch.chdir(team / "cases")  # the nearest team folder above
    assert complete_case(None, "2026-00") == ["2026-001", "2026-002", "2026-003", "2026-004"]
    assert complete_case(None, "#2026-003") == ["2026-003"]
    assert complete_member(None, "j") == ["jan", "joost"]
    assert complete_category(None, "w") == ["woonlasten"]

    from types import SimpleNamespace

    ctx = SimpleNamespace(params={"team": str(team)})
    monkeypatch.chdir(team.parent)  # no team here: -C says where
    assert complete_case(ctx, "2026-004") == ["2026-004"]
    assert complete_case(None, "") == []  # no team folder: silently nothing
    (team / "team.yaml").write_text("members: [\n")
    assert complete_member(ctx, "") == []  # a broken team.yaml: nothing, no error


def test_completion_through_the_shell_protocol(team: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(team)
    result = runner.invoke(app, [], prog_name="mmb", env={
        "_MMB_COMPLETE": "complete_bash", "COMP_WORDS": "mmb approve 2026-00",
        "COMP_CWORD": "2"})
    assert result.stdout.split() == ["2026-001", "2026-002", "2026-003", "2026-004"]
    result = runner.invoke(app, [], prog_name="mmb", env={
        "_MMB_COMPLETE": "complete_bash", "COMP_WORDS": "mmb case new --category l",
        "COMP_CWORD": "4"})
    assert result.stdout.split() == ["leefgeld"]


def test_text_from_the_files_cannot_act_on_the_terminal(team: Path) -> None:
    path = team / "cases" / "2026-004.yaml"
    path.write_text(path.read_text().replace(
        "purpose: Tweedehands fiets zodat het kind naar school kan",
        'purpose: "\\e[2J\\u202eTweedehands fiets"', 1))
    out = run("case", "show", "2026-004", "-C", str(team)).stdout
    assert "\x1b" not in out and "\u202e" not in out
    assert "\\x1b[2J\\u202eTweedehands" in out


def test_no_correction_touches_a_case_file_that_cannot_be_read(team: Path,
                                                               tmp_path: Path) -> None:
    path = team / "cases" / "2026-004.yaml"
    path.write_text(path.read_text() + "<<<<<<< HEAD\n=======\n>>>>>>> theirs\n")
    pdf = tmp_path / "bon.pdf"
    pdf.write_bytes(PDF)
    for args in (["link", "2", "2026-004"], ["followup", "2026-004", "--note", "x"],
                 ["receipt", "add", str(pdf), "--case", "2026-004"]):
        refused(team, *args, code=2, says="cases/2026-004.yaml has problems")


def test_case_show_never_shows_stale_findings(team: Path, tmp_path: Path) -> None:
    assert "MMB205" in run("case", "show", "2026-001", "-C", str(team)).stdout
    assert "MMB205" in run("case", "show", "2026-001", "-C", str(team)).stdout  # cached
    pdf = tmp_path / "bon.pdf"
    pdf.write_bytes(PDF)
    assert run("receipt", "add", str(pdf), "--case", "2026-001", "-C", str(team)).code == 0
    assert "MMB205" not in run("case", "show", "2026-001", "-C", str(team)).stdout
