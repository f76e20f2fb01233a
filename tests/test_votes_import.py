"""`mmb votes import`: votes from a WhatsApp export, attributed to a case or listed."""

from __future__ import annotations

import zipfile
from pathlib import Path

from test_cli import mmb, tree_hash

FIXTURES = Path(__file__).parent / "fixtures" / "chat"

TEAM = """\
name: Buurtteam Chat
members:
  - id: noor
    chat_names: ["Noor Buurtteam"]
  - id: joost
  - id: priya
    name: Priya S.
  - id: bram
    chat_names: ["Bram (jeugd)"]
  - id: sanne
    name: Sanne de W.
budget: [{year: 2026, amount: 2500}]
categories: [zorg]
"""
CASE = """\
id: 2026-052
opened: 2026-03-05 08:14
requested_by: noor
household: H-0052
category: zorg
amount: 95
purpose: Bril voor een kind, de oude is gebroken
"""
ENV = {"MMB_NOW": "2026-03-06 12:00"}


def _team(tmp_path: Path) -> Path:
    root = tmp_path / "team"
    (root / "cases").mkdir(parents=True)
    (root / "team.yaml").write_text(TEAM)
    (root / "cases" / "2026-052.yaml").write_text(CASE)
    return root


def test_import_dry_run_then_record_then_nothing_new(tmp_path):
    root = _team(tmp_path)
    chat = FIXTURES / "android_nl_24h.txt"
    before = tree_hash(root)
    dry = mmb("votes", "import", str(chat), "-C", str(root), "--dry-run", env=ENV)
    assert dry.returncode == 0, dry.stderr
    assert "Would record 4 vote(s):" in dry.stdout
    assert tree_hash(root) == before

    real = mmb("votes", "import", str(chat), "-C", str(root), env=ENV)
    assert real.returncode == 0, real.stderr
    assert "Recorded 4 vote(s):" in real.stdout
    for member, vote in [("joost", "approve"), ("bram", "abstain"), ("priya", "approve"),
                         ("sanne", "approve")]:
        assert f"2026-052  {member:<12} {vote:<8}" in real.stdout
    # What could not be attributed is listed with time and sender, for the coordinator.
    assert "2026-03-05 08:31  Priya S." in real.stdout and "no case id" in real.stdout
    assert "two case ids" in real.stdout or "2 case ids" in real.stdout
    text = (root / "cases" / "2026-052.yaml").read_text()
    assert "note: from chat export android_nl_24h.txt" in text
    assert "bril voor kind" not in text.lower().replace("bril voor een kind", "")  # no chat text
    assert "Ja" not in text.split("votes:")[1]

    again = mmb("votes", "import", str(chat), "-C", str(root), env=ENV)
    assert again.returncode == 0
    assert "4 vote(s) were already recorded." in again.stdout
    assert (root / "cases" / "2026-052.yaml").read_text() == text

    ok = mmb("approve", "2026-052", "--by", "noor", "-C", str(root), env=ENV)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Approved case 2026-052" in ok.stdout
    assert mmb("validate", str(root), env=ENV).returncode == 0


def test_iphone_zip(tmp_path):
    root = _team(tmp_path)
    archive = tmp_path / "WhatsApp Chat - Buurtteam.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("_chat.txt", (FIXTURES / "android_nl_24h.txt").read_bytes())
        zf.writestr("IMG-0001.jpg", b"\xff\xd8\xff")
    result = mmb("votes", "import", str(archive), "-C", str(root), env=ENV)
    assert result.returncode == 0, result.stderr
    assert "Recorded 4 vote(s):" in result.stdout


def test_requester_and_late_votes_are_listed_not_recorded(tmp_path):
    root = _team(tmp_path)
    chat = tmp_path / "chat.txt"
    chat.write_text("05-03-2026 09:00 - Noor Buurtteam: 2026-052 akkoord\n"
                    "05-03-2026 09:05 - Onbekende: 2026-052 akkoord\n"
                    "05-03-2026 09:06 - Joost: akkoord 2026-999\n")
    result = mmb("votes", "import", str(chat), "-C", str(root), env=ENV)
    assert result.returncode == 0
    assert "No votes" not in result.stdout
    assert "the requester cannot vote" in result.stdout
    assert "not a member" in result.stdout
    assert "2026-999, which is not in cases/" in result.stdout
    assert "votes:" not in (root / "cases" / "2026-052.yaml").read_text()


def test_bad_chat_file_is_one_line_exit_2(tmp_path):
    root = _team(tmp_path)
    binary = tmp_path / "chat.txt"
    binary.write_bytes(b"\x00\x01\x02")
    result = mmb("votes", "import", str(binary), "-C", str(root), env=ENV)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "chat.txt" in result.stderr
