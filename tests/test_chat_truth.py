"""Votes from real-shaped chat exports: exactly the truth, or nothing.

The fixtures in tests/fixtures/chat/real/ are one invented Dutch conversation about case
2026-014, written by build.py in the timestamp shape and the system/media wording of real
WhatsApp exports (one file per shape; sources in PROVENANCE.md). Its truth is written out
here by hand: which messages are votes (member, value, minute) and why each other
vote-like message is not recorded.
"""

from __future__ import annotations

import importlib.util
import sys
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cli import mmb, tree_hash

from mmb import actions, chat
from mmb.chat import DateOrderUndecided, extract_votes, member_resolver, parse_export
from mmb.errors import ConflictError, RefusedError, UsageError
from mmb.models import VoteValue

REAL = Path(__file__).parent / "fixtures" / "chat" / "real"


def _load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("chat_fixture_build", REAL / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


BUILD = _load_builder()

TEAM = """\
name: Buurtteam Oost
members:
  - id: noor
    chat_names: ["Noor Buurtteam"]
  - id: joost
  - id: priya
    name: Priya S.
  - id: sanne
    name: Sanne de W.
  - id: bram
    chat_names: ["Bram (jeugd)"]
budget: [{year: 2026, amount: 2500}]
categories: [vervoer]
"""
CASE = """\
id: 2026-014
opened: {opened}
requested_by: noor
household: H-0231
category: vervoer
amount: 180
purpose: Tweedehands fiets met slot, zodat het kind zonder ov naar school kan
"""
NOW = datetime(2026, 3, 20, 12, 0)


def team(tmp_path: Path, opened: str = "2026-03-13 09:10", extra: str = "") -> Path:
    root = tmp_path / "team"
    (root / "cases").mkdir(parents=True)
    (root / "team.yaml").write_text(TEAM)
    (root / "cases" / "2026-014.yaml").write_text(CASE.format(opened=opened) + extra)
    return root


# The truth of the conversation (build.render): (case, member, vote, HH:MM, chat line).
VOTES = [
    ("2026-014", "joost", "approve", "09:15", 6),
    ("2026-014", "priya", "approve", "09:20", 7),
    ("2026-014", "sanne", "approve", "09:25", 8),
    ("2026-014", "priya", "approve", "10:05", 14),
]
BY_CONTEXT = ("2026-014", "bram", "approve", "09:40", 10)


def not_recorded(shape: str) -> list[tuple[str, int, str, str]]:
    """(HH:MM, chat line, sender, reason) of every vote-like message not recorded."""
    return [
        ("09:10", 2, "Noor Buurtteam", "vote word unclear (akkoord ... tegen)"),
        ("09:30", 9, "Bram (jeugd)",
         "no case id (only a clear word like akkoord, tegen or 👍 is taken by context)"),
        ("09:40", 10, "Bram (jeugd)", "no case id; by context it is 2026-014 (posted on line "
         "2): run with --by-context to record it"),
        ("09:45", 11, "~ Lotte", "sender not a member"),
        ("10:00", 13, "Sanne de W.", "names case 2026-015, which is not in cases/"),
        ("10:10", 16, "Els", f"its timestamp (13-03-2026) is written differently from the "
         f"rest of the export ({shape}): pasted, or edited by hand? Check it and record the "
         f"vote by hand"),
        ("10:15", 17, "Bram (jeugd)", "a question, not a vote"),
    ]


#: How each fixture writes its dates (the truth), and its shape as mmb names it.
ORDERS = {
    "android_nl_24h": ("dmy", "nn-nn-yyyy hh:mm -"),
    "ios_nl_24h": ("dmy", "[nn-nn-yyyy hh:mm:ss]"),
    "android_en_gb_24h": ("dmy", "nn/nn/yyyy, hh:mm -"),
    "android_en_us_12h": ("mdy", "nn/nn/yy, hh:mm am/pm -"),
    "ios_en_us_12h": ("mdy", "[nn/nn/yy, hh:mm:ss am/pm]"),
    "ios_en_us_24h_no_seconds": ("mdy", "[nn/nn/yy hh:mm]"),
    "android_en_12h_dotted_ampm": ("dmy", "nn/nn/yyyy, hh:mm am/pm -"),
    "android_es_12h_spaced_ampm": ("mdy", "nn/nn/yyyy, hh:mm am/pm -"),
    "ios_es_12h_no_comma": ("dmy", "[nn/nn/yy hh:mm:ss am/pm]"),
    "android_de_24h": ("dmy", "nn.nn.yy, hh:mm -"),
    "ios_de_24h": ("dmy", "[nn.nn.yy, hh:mm:ss]"),
    "android_de_12h_vorm_nachm": ("dmy", "nn.nn.yy, hh:mm am/pm -"),
    "android_fr_a": ("dmy", "nn/nn/yyyy à hh:mm -"),
    "ios_fr_us_region": ("mdy", "[nn/nn/yy hh:mm:ss]"),
    "android_pt_br": ("dmy", "nn/nn/yyyy hh:mm -"),
    "ios_pt_old_colon": ("mdy", "nn/nn/yy, hh:mm:ss:"),
    "android_tr": ("dmy", "nn.nn.yyyy hh:mm -"),
    "android_fi_klo": ("dmy", "nn.nn.yyyy klo hh.mm -"),
    "android_fi_klo_seconds": ("dmy", "nn.nn.yyyy klo hh.mm.ss -"),
    "ios_id_dotted_time": ("mdy", "[nn/nn/yy hh.mm.ss]"),
    "old_colon_24h": ("dmy", "nn.nn.yyyy, hh:mm:ss:"),
    "old_colon_dotted": ("dmy", "nn.nn.yy hh.mm.ss:"),
    "semicolon": ("dmy", "nn/nn/yyyy; hh:mm -"),
    "two_spaces_before_dash": ("dmy", "nn-nn-yyyy hh:mm -"),
    "spaced_dotted_date_no_separator": ("dmy", "nn. nn. yyyy. hh:mm:ss"),
    "spaced_dotted_date_dash": ("dmy", "nn. nn. yyyy. hh:mm -"),
    "year_first_android": ("ymd", "yyyy/mm/dd, hh:mm -"),
    "year_first_ios": ("ymd", "[yyyy/mm/dd, hh:mm:ss]"),
    "ios_ar_12h_arabic_digits": ("dmy", "[nn/nn/yyyy, hh:mm:ss am/pm]"),
    "ios_ar_24h": ("dmy", "[nn/nn/yyyy, hh:mm:ss]"),
}


def recorded(result: actions.ChatImport) -> list[tuple[str, str, str, str, int]]:
    return [(v.case_id, v.member, v.vote.value, v.at.strftime("%H:%M"), v.line)
            for v in result.recorded]


def listed(result: actions.ChatImport) -> list[tuple[str, int, str, str]]:
    return [(n.at.strftime("%H:%M"), n.line, n.sender, n.reason) for n in result.not_recorded]


def test_fixtures_are_what_build_py_writes() -> None:
    built = BUILD.files()
    on_disk = {p.name: p.read_bytes() for p in REAL.glob("*.txt")}
    assert on_disk == built
    assert {d.name for d in BUILD.DIALECTS} == set(ORDERS)


@pytest.mark.parametrize("name", sorted(ORDERS))
def test_every_dialect_gives_exactly_the_truth(tmp_path: Path, name: str) -> None:
    root = team(tmp_path)
    order, shape = ORDERS[name]
    export = chat.read_export(REAL / f"{name}.txt", today=NOW.date())
    assert export.shape_text() == shape
    assert len(export.messages(order)) == 17 - (name == "spaced_dotted_date_no_separator")

    before = tree_hash(root)
    result = actions.import_chat_votes(root, REAL / f"{name}.txt", dry_run=True, now=NOW)
    assert tree_hash(root) == before
    assert result.date_order.startswith(BUILD_LABEL[order])
    assert all(v.at.date() == BUILD.DAY.date() for v in result.recorded)
    assert recorded(result) == VOTES
    assert listed(result) == not_recorded(shape)
    # The condition is kept as the vote's note, with where it came from.
    notes = {v.line: v.note for v in result.recorded}
    assert notes[7] == f"mits de goedkope variant (from chat export {name}.txt, line 7)"
    assert notes[6] == f"from chat export {name}.txt, line 6"

    taken = actions.import_chat_votes(root, REAL / f"{name}.txt", dry_run=True, now=NOW,
                                      by_context=True)
    assert recorded(taken) == sorted([*VOTES, BY_CONTEXT], key=lambda v: v[4])
    assert [n for n in listed(taken) if n[1] == 10] == []
    (context,) = taken.by_context
    assert context.context_line == 2
    assert context.note == (f"from chat export {name}.txt, line 10, by context (a reply to "
                            f"the case posted on line 2)")


BUILD_LABEL = {"dmy": "day first", "mdy": "month first", "ymd": "year first"}


def test_import_writes_the_truth_and_then_nothing_more(tmp_path: Path) -> None:
    root = team(tmp_path)
    env = {"MMB_NOW": "2026-03-20 12:00"}
    fixture = str(REAL / "ios_de_24h.txt")
    done = mmb("votes", "import", fixture, "-C", str(root), "--by-context", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("Dates read day first (13.03.26 = 2026-03-13):")
    assert "  2026-014  bram         approve  2026-03-13 09:40  (chat line 10)  by context " \
           "(reply to the case posted on line 2)" in done.stdout
    text = (root / "cases" / "2026-014.yaml").read_text()
    assert ("  - member: priya\n    vote: approve\n    at: 2026-03-13 09:20\n"
            "    note: mits de goedkope variant (from chat export ios_de_24h.txt, line 7)\n"
            ) in text
    assert text.count("- member:") == 5
    again = mmb("votes", "import", fixture, "-C", str(root), "--by-context", env=env)
    assert again.returncode == 0
    assert "5 vote(s) were already recorded." in again.stdout
    assert (root / "cases" / "2026-014.yaml").read_text() == text
    assert mmb("validate", str(root), env=env).returncode == 0


# --------------------------------------------------------------------------- date order

@pytest.mark.parametrize(("name", "truth"), [("ambiguous_android_nl_24h", "dmy"),
                                              ("ambiguous_ios_en_us_12h", "mdy")])
def test_ambiguous_order_records_nothing_without_the_option(tmp_path: Path, name: str,
                                                            truth: str) -> None:
    # 06-04-2026 / 4/6/26: 6 April or 4 June; the case was opened before both, it is
    # pending and today is after both, so nothing decides it.
    root = team(tmp_path, opened="2026-04-06 09:10")
    env = {"MMB_NOW": "2026-07-01 12:00"}
    fixture = str(REAL / f"{name}.txt")
    before = tree_hash(root)
    refused = mmb("votes", "import", fixture, "-C", str(root), env=env)
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert "can be read more than one way" in refused.stderr
    assert "Nothing was recorded" in refused.stderr and "--date-order dmy|mdy" in refused.stderr
    assert tree_hash(root) == before
    dry = mmb("votes", "import", fixture, "-C", str(root), "--dry-run", env=env)
    assert dry.returncode == 1 and tree_hash(root) == before

    done = mmb("votes", "import", fixture, "-C", str(root), "--date-order", truth, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].endswith(": as given with --date-order.")
    result = actions.import_chat_votes(root, Path(fixture), dry_run=True,
                                       now=datetime(2026, 7, 1, 12), date_order=truth)  # type: ignore[arg-type]
    assert result.already == 4 and result.recorded == []
    text = (root / "cases" / "2026-014.yaml").read_text()
    assert "at: 2026-04-06 09:15" in text and "2026-06-04" not in text


def test_today_settles_the_order(tmp_path: Path) -> None:
    # On 1 May, 4 June has not happened yet: only 6 April is possible.
    root = team(tmp_path, opened="2026-04-06 09:10")
    result = actions.import_chat_votes(root, REAL / "ambiguous_android_nl_24h.txt",
                                       dry_run=True, now=datetime(2026, 5, 1, 12))
    assert recorded(result) == VOTES
    assert "after today" in result.date_order_reason


def test_the_cases_settle_the_order_when_only_one_reading_fits(tmp_path: Path) -> None:
    # Decided on 6 April at noon: votes on 4 June would come after the decision.
    root = team(tmp_path, opened="2026-04-06 09:10",
                extra="decision:\n  outcome: rejected\n  at: 2026-04-06 12:00\n  by: joost\n")
    result = actions.import_chat_votes(root, REAL / "ambiguous_android_nl_24h.txt",
                                       dry_run=True, now=datetime(2026, 7, 1, 12))
    assert result.date_order.startswith("day first")
    assert "only day first puts every vote between its case's opening and its decision" in \
        result.date_order_reason
    # The case is decided: every vote is listed, none recorded.
    assert result.recorded == []
    assert {n.line for n in result.not_recorded} >= {6, 7, 8, 14}


def test_a_reading_that_makes_dates_run_backwards_is_excluded() -> None:
    text = ("01/02/2026, 10:00 - Jan: a\n01/03/2026, 10:00 - Jan: b\n"
            "02/01/2026, 10:00 - Jan: c\n")
    export = parse_export(text)
    assert export.orders == ("mdy",)
    assert "run backwards" in export.excluded["dmy"]


def test_an_iphone_attachment_name_settles_the_order(tmp_path: Path) -> None:
    lines = ["[4/6/26, 9:12:00\u202fAM] Joost: \u200e<attached: 00000010-PHOTO-2026-04-06-09-12-"
             "00.jpg>", "[4/6/26, 9:15:00\u202fAM] Joost: akkoord 2026-014"]
    export = parse_export("\r\n".join(lines) + "\r\n")
    assert export.orders == ("mdy",)
    assert "attachment" in export.excluded["dmy"]


def test_zip_member_names_settle_the_order(tmp_path: Path) -> None:
    archive = tmp_path / "WhatsApp Chat - MMB Oost.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("_chat.txt", (REAL / "ambiguous_ios_en_us_12h.txt").read_bytes())
        zf.writestr("00000004-PHOTO-2026-04-06-09-12-00.jpg", b"\xff\xd8\xff")
    export = chat.read_export(archive)
    assert export.orders == ("mdy",)
    assert "the name of a file in the zip" in export.excluded["dmy"]
    without = chat.read_export(REAL / "ambiguous_ios_en_us_12h.txt")
    assert without.orders == ("dmy", "mdy")


def test_a_given_order_under_which_a_date_does_not_exist_is_refused(tmp_path: Path) -> None:
    root = team(tmp_path)
    before = tree_hash(root)
    with pytest.raises(RefusedError, match="--date-order mdy cannot be right"):
        actions.import_chat_votes(root, REAL / "android_nl_24h.txt", dry_run=False, now=NOW,
                                  date_order="mdy")
    with pytest.raises(RefusedError, match="does not fit timestamps written"):
        actions.import_chat_votes(root, REAL / "android_nl_24h.txt", dry_run=False, now=NOW,
                                  date_order="ymd")
    assert tree_hash(root) == before


def test_the_twelve_or_24_hour_clock_is_no_evidence() -> None:
    for text in ("5/3/26, 10:00 AM - Jan: a\n", "05/03/2026, 22:00 - Jan: a\n",
                 "5/3/26, 10:00 AM - Jan: <Media weggelaten>\n"):
        with pytest.raises(DateOrderUndecided):
            chat.parse_chat_text(text)


# --------------------------------------------------------------------------- no gluing

def test_a_header_in_another_shape_is_never_glued_to_the_message_above() -> None:
    # "2026-014 niet akkoord" by Kees, pasted with an iPhone timestamp into an Android chat,
    # must not become part of (or an objection in) Joost's message.
    text = ("13-03-2026 09:00 - Joost: akkoord 2026-014\n"
            "[13-03-2026 09:05:00] Kees: 2026-014 niet akkoord\n"
            "13-03-2026 09:10 - Priya S.: 2026-014 niet akkoord\n")
    messages = chat.parse_chat_text(text)
    assert [(m.line, m.sender, m.text) for m in messages] == [
        (1, "Joost", "akkoord 2026-014"),
        (2, "Kees", "2026-014 niet akkoord"),
        (3, "Priya S.", "2026-014 niet akkoord"),
    ]
    assert messages[1].stamp_problem is not None and messages[1].at == messages[0].at
    resolve = member_resolver([("joost", None, []), ("kees", None, []), ("priya", "Priya S.", [])])
    votes, skipped = extract_votes(messages, resolve)
    assert [(v.member, v.vote, v.line) for v in votes] == [("joost", "approve", 1),
                                                          ("priya", "object", 3)]
    assert [(u.line, u.sender) for u in skipped] == [(2, "Kees")]
    assert "written differently" in skipped[0].reason


@pytest.mark.parametrize("line", ["31-02-2026 10:00 - Els: akkoord 2026-014",
                                  "13-03-2026 25:00 - Els: akkoord 2026-014"])
def test_a_header_that_is_no_real_date_starts_a_flagged_message(line: str) -> None:
    text = f"13-03-2026 09:00 - Joost: eerste regel\n{line}\n13-03-2026 09:10 - Els: hoi\n"
    messages = chat.parse_chat_text(text)
    assert [m.text for m in messages] == ["eerste regel", "akkoord 2026-014", "hoi"]
    votes, skipped = extract_votes(messages, member_resolver([("els", None, [])]))
    assert votes == []
    assert [u.line for u in skipped] == [2] and "not a real date" in skipped[0].reason


# --------------------------------------------------------------------------- vote words

def _one(text: str) -> object:
    message = chat.ChatMessage(datetime(2026, 3, 13, 10), "Joost", text, 1, False, False)
    votes, skipped = extract_votes([message], member_resolver([("joost", None, [])]))
    return (votes + skipped + [None])[0]  # type: ignore[operator]


@pytest.mark.parametrize("text", ["2026-004 oké", "Oké 2026-004", "2026-004 oke!", "ok 2026-004",
                                  "2026-004 prima", "is goed 2026-004", "2026-004 top",
                                  "+1 2026-004", "2026-004 +1", "2026-004 👍🏽", "2026-004 👍🏿"])
def test_everyday_approvals_with_the_case_id_are_votes(text: str) -> None:
    got = _one(text)
    assert isinstance(got, chat.ChatVote) and (got.case_id, got.vote) == ("2026-004", "approve")


@pytest.mark.parametrize(("text", "words"), [
    ("oké, 2026-004 doe maar", "oké"),
    ("2026-004 prima idee toch", "prima"),
    ("niet oké 2026-004", "niet oké"),
    ("2026-004 is niet goed", "is niet goed"),
])
def test_everyday_words_that_may_not_be_votes_are_listed(text: str, words: str) -> None:
    got = _one(text)
    assert isinstance(got, chat.Unattributed) and got.reason == f"vote word unclear ({words})"


@pytest.mark.parametrize("text", ["oké", "Top!", "+1", "prima, tot morgen",
                                  "top dat het gelukt is met 2026-004 en de school",
                                  "1+1 voor 2026-004 is twee"])
def test_everyday_words_without_a_clear_vote_are_chat(text: str) -> None:
    assert _one(text) is None


# --------------------------------------------------------------------------- by context

def _ctx(open_ids: dict[str, bool | None], hours: int = 24) -> chat.ByContext:
    return chat.ByContext(hours=hours, open_at=lambda case_id, at: open_ids.get(case_id))


def _chat(*texts: tuple[int, str, str]) -> list[chat.ChatMessage]:
    base = datetime(2026, 3, 13, 9)
    return [chat.ChatMessage(base + timedelta(minutes=m), who, text, i + 1, False, False)
            for i, (m, who, text) in enumerate(texts)]


RESOLVE = member_resolver([("noor", None, []), ("joost", None, []), ("priya", None, [])])


def test_by_context_only_with_one_open_case_posted_recently() -> None:
    messages = _chat((0, "Noor", "Casus 2026-014: fiets"), (5, "Joost", "akkoord"),
                     (6, "Priya", "👍"))
    votes, skipped = extract_votes(messages, RESOLVE, context=_ctx({"2026-014": True}))
    assert [(v.member, v.case_id, v.context_line) for v in votes] == [
        ("joost", "2026-014", 1), ("priya", "2026-014", 1)]
    assert skipped == []
    # Without the context rule these are just "no case id".
    votes, skipped = extract_votes(messages, RESOLVE)
    assert votes == [] and [u.reason for u in skipped] == ["no case id", "no case id"]


@pytest.mark.parametrize(("messages", "states", "reason"), [
    ([(0, "Noor", "Casus 2026-014: fiets"), (1, "Noor", "Casus 2026-015: bril"),
      (5, "Joost", "akkoord")], {"2026-014": True, "2026-015": True},
     "no case id (2026-014, 2026-015 all appeared in the chat in the 24 hours before)"),
    ([(0, "Noor", "Casus 2026-014: fiets"), (1, "Noor", "2026-013 is betaald"),
      (5, "Joost", "akkoord")], {"2026-014": True, "2026-013": False},
     "no case id (2026-014, 2026-013 all appeared in the chat in the 24 hours before)"),
    ([(0, "Noor", "Casus 2026-014: fiets"), (1, "Noor", "zie ook 2026-15"),
      (5, "Joost", "akkoord")], {"2026-014": True},
     "no case id (2026-014, 2026-15 all appeared in the chat in the 24 hours before)"),
    ([(0, "Noor", "Casus 2026-014: fiets"), (25 * 60, "Joost", "akkoord")], {"2026-014": True},
     "no case id (and none in the chat in the 24 hours before)"),
    ([(0, "Noor", "Casus 2026-014: fiets"), (5, "Joost", "akkoord")], {"2026-014": False},
     "no case id (by context it would be 2026-014, which was already decided)"),
    ([(0, "Noor", "Casus 2026-014: fiets"), (5, "Joost", "akkoord")], {},
     "no case id (by context it would be 2026-014, which is not in cases/)"),
    ([(0, "Noor", "Casus 2026-014: fiets"), (5, "Joost", "ja")], {"2026-014": True},
     "no case id (only a clear word like akkoord, tegen or 👍 is taken by context)"),
])
def test_by_context_never_when_anything_is_ambiguous(
        messages: list[tuple[int, str, str]], states: dict[str, bool | None],
        reason: str) -> None:
    votes, skipped = extract_votes(_chat(*messages), RESOLVE, context=_ctx(states))
    assert votes == []
    assert [u.reason for u in skipped] == [reason]


# --------------------------------------------------------------------------- mmb vote

def test_vote_checks_unknown_member_capitals_future_and_decided(tmp_path: Path) -> None:
    root = team(tmp_path)
    env = {"MMB_NOW": "2026-03-20 12:00"}
    before = tree_hash(root)
    typo = mmb("vote", "2026-014", "jost", "akkoord", "-C", str(root), env=env)
    assert typo.returncode == 2
    assert "`jost` is not a member in team.yaml; did you mean `joost`?" in typo.stderr
    future = mmb("vote", "2026-014", "joost", "akkoord", "--at", "2026-03-21 09:00",
                 "-C", str(root), env=env)
    assert future.returncode == 2 and "future" in future.stderr
    assert tree_hash(root) == before

    ok = mmb("vote", "2026-014", "Sanne", "akkoord", "-C", str(root), env=env)
    assert ok.returncode == 0, ok.stderr
    assert "Recorded: sanne approve" in ok.stdout
    assert "member: sanne\n" in (root / "cases" / "2026-014.yaml").read_text()
    decided = mmb("reject", "2026-014", "--by", "JOOST", "--at", "2026-03-20 11:00",
                  "-C", str(root), env=env)
    assert decided.returncode == 0, decided.stderr
    assert "by: joost\n" in (root / "cases" / "2026-014.yaml").read_text()
    before = tree_hash(root)
    late = mmb("vote", "2026-014", "priya", "akkoord", "-C", str(root), env=env)
    assert late.returncode == 1 and "after the decision cannot count" in late.stderr
    assert tree_hash(root) == before


def test_the_import_refuses_what_mmb_vote_refuses(tmp_path: Path) -> None:
    root = team(tmp_path)
    (tmp_path / "chat.txt").write_text(
        "13-03-2026 09:15 - Joost: akkoord 2026-014\n"
        "13-03-2026 09:20 - Noor Buurtteam: akkoord 2026-014\n"  # the requester
        "20-03-2026 12:30 - Priya S.: akkoord 2026-014\n")  # after "now": the future
    result = actions.import_chat_votes(root, tmp_path / "chat.txt", dry_run=True,
                                       now=datetime(2026, 3, 20, 12, 0))
    assert recorded(result) == [("2026-014", "joost", "approve", "09:15", 1)]
    assert [(n.line, n.reason) for n in result.not_recorded] == [
        (2, "the requester cannot vote on their own case"),
        (3, "the vote is dated 2026-03-20 12:30, which is in the future"),
    ]
    case = actions.open_team(root).doc.cases[0].case
    assert case is not None
    for member, when in (("joost", datetime(2026, 3, 13, 9, 15)),
                         ("priya", datetime(2026, 3, 20, 12, 30)),
                         ("noor", datetime(2026, 3, 13, 9, 20))):
        checked = actions.check_new_vote(case, actions.open_team(root).members, member, when,
                                         datetime(2026, 3, 20, 12, 0))
        reason = checked.refusal or checked.warning
        expected = {n.line: n.reason for n in result.not_recorded}
        line = {"joost": 1, "noor": 2, "priya": 3}[member]
        assert reason == expected.get(line)


def test_member_ids_compare_ignoring_capitals_in_the_rules(tmp_path: Path) -> None:
    # The requester's own vote never counts, however the id is written.
    root = team(tmp_path, extra=(
        "votes:\n"
        "  - {member: Noor, vote: approve, at: '2026-03-13 09:30'}\n"
        "  - {member: JOOST, vote: approve, at: '2026-03-13 09:31'}\n"
        "  - {member: joost, vote: approve, at: '2026-03-13 09:32'}\n"))
    from mmb.rules import count_votes

    ctx = actions.open_team(root)
    case = ctx.doc.cases[0].case
    assert case is not None
    tally = count_votes(case, ctx.members, None)
    assert tally.approvals == ["joost"]
    assert [(i, r) for i, _, r in tally.not_counted] == [
        (0, "the requester cannot vote on their own case"),
        (1, "the same member voted again later (the later vote counts)")]
    (root / "cases" / "2026-014.yaml").write_text(
        CASE.format(opened="2026-03-13 09:10").replace("requested_by: noor", "requested_by: Noor"))
    found = mmb("validate", str(root), env={"MMB_NOW": "2026-03-13 10:00"})
    assert "MMB004" not in found.stdout


# --------------------------------------------------------------------------- safety

def test_a_vote_never_makes_a_case_file_bigger_than_mmb_reads(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mmb.files

    root = team(tmp_path)
    before = tree_hash(root)
    size = len((root / "cases" / "2026-014.yaml").read_bytes())
    monkeypatch.setattr(mmb.files, "MAX_YAML_BYTES", size + 60)
    with pytest.raises(RefusedError, match=r"over the \d+ bytes that mmb reads"):
        actions.import_chat_votes(root, REAL / "android_nl_24h.txt", dry_run=False, now=NOW)
    with pytest.raises(RefusedError, match=r"over the \d+ bytes that mmb reads"):
        actions.record_vote(root, "2026-014", "joost", "akkoord", at=None,
                            note="x" * 80, now=NOW)
    assert tree_hash(root) == before


def test_approve_checks_what_it_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Someone changes the amount between mmb's checks and its edit: refused, their change
    # is kept, nothing of mmb's is written.
    root = team(tmp_path, extra=(
        "votes:\n"
        "  - {member: joost, vote: approve, at: '2026-03-13 09:30'}\n"
        "  - {member: priya, vote: approve, at: '2026-03-13 09:31'}\n"
        "  - {member: sanne, vote: approve, at: '2026-03-13 09:32'}\n"))
    path = root / "cases" / "2026-014.yaml"
    real = actions.EditableYaml

    class Meddled(real):  # type: ignore[misc, valid-type]
        def __init__(self, target: Path, rel: str) -> None:
            target.write_text(target.read_text().replace("amount: 180", "amount: 490"))
            super().__init__(target, rel)

    monkeypatch.setattr(actions, "EditableYaml", Meddled)
    with pytest.raises(ConflictError, match="changed"):
        actions.approve(root, "2026-014", by="noor", amount=None, at=None, note=None, now=NOW)
    assert "amount: 490" in path.read_text() and "decision" not in path.read_text()


def test_unknown_member_in_vote_is_usage_error(tmp_path: Path) -> None:
    root = team(tmp_path)
    with pytest.raises(UsageError, match="did you mean `priya`"):
        actions.record_vote(root, "2026-014", "Pria", "akkoord", at=None, note=None, now=NOW)


def test_case_new_prints_a_message_to_paste_into_the_chat(tmp_path: Path) -> None:
    root = team(tmp_path)
    made = mmb("case", "new", "--by", "noor", "--household", "H-0300", "--category", "vervoer",
               "--amount", "180", "--purpose", "Fiets voor school", "-C", str(root),
               env={"MMB_NOW": "2026-03-20 12:00"})
    assert made.returncode == 0, made.stderr
    assert made.stdout == "2026-015\n"
    assert ("Casus 2026-015 (vervoer, € 180,00): Fiets voor school\n"
            "Stem met: akkoord 2026-015 / tegen 2026-015 / onthouding 2026-015\n") in made.stderr
    # What it asks colleagues to write is read back as votes.
    for word, value in (("akkoord", "approve"), ("tegen", "object"), ("onthouding", "abstain")):
        got = _one(f"{word} 2026-015")
        assert isinstance(got, chat.ChatVote) and got.vote == value


# --------------------------------------------------------------------------- property

PEOPLE = [("noor", "Noor Buurtteam"), ("joost", "Joost"), ("priya", "Priya S."),
          ("sanne", "Sanne de W."), ("bram", "Bram (jeugd)")]
PROPERTY_RESOLVE = member_resolver([("noor", None, ["Noor Buurtteam"]), ("joost", None, []),
                                    ("priya", "Priya S.", []), ("sanne", "Sanne de W.", []),
                                    ("bram", None, ["Bram (jeugd)"])])
STRONG = {"approve": ["akkoord", "👍", "mee eens", "geen bezwaar"],
          "object": ["niet akkoord", "tegen", "👎", "oneens"],
          "abstain": ["onthouding", "ik onthoud me"]}
NOISE = ["Wie heeft de bon?", "Ik bel morgen de school", "akkoord?", "ja", "akkoord",
         "akkoord 2026-014 en 2026-015", "oké, tot morgen"]
DIALECT_ORDER = {d.name: ORDERS[d.name][0] for d in BUILD.DIALECTS}


@st.composite
def conversations(draw: st.DrawFn) -> tuple[object, list[tuple[datetime, str, str, object]]]:
    dialect = draw(st.sampled_from(BUILD.DIALECTS))
    start = draw(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2026, 1, 1)))
    at = start.replace(second=0, microsecond=0)
    items: list[tuple[datetime, str, str, object]] = []
    for _ in range(draw(st.integers(1, 10))):
        at += timedelta(minutes=draw(st.integers(0, 60 * 24 * 20)))
        member, spelled = draw(st.sampled_from(PEOPLE))
        kind = draw(st.sampled_from(["vote", "vote", "noise", "pasted"]))
        if kind == "vote":
            value = draw(st.sampled_from(sorted(STRONG)))
            word = draw(st.sampled_from(STRONG[value]))
            case_id = f"2026-{draw(st.integers(1, 999)):03d}"
            items.append((at, spelled, f"{word} {case_id}", (case_id, member, value)))
        elif kind == "noise":
            items.append((at, spelled, draw(st.sampled_from(NOISE)), None))
        else:  # a vote pasted with another shape's timestamp inside a message
            items.append((at, spelled, "zie hieronder\n[01-01-2026 10:00:00] Els: akkoord 2026-001"
                          if "[" not in dialect.stamp(at) else
                          "zie hieronder\n01-01-2026 10:00 - Els: akkoord 2026-001", None))
    return dialect, items


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conversations())
def test_property_any_dialect_gives_exactly_the_truth_or_nothing(
        generated: tuple[object, list[tuple[datetime, str, str, object]]]) -> None:
    dialect, items = generated
    lines: list[str] = []
    truth: list[tuple[str, str, str, datetime, int]] = []
    for at, spelled, text, vote in items:
        if vote is not None:
            case_id, member, value = vote  # type: ignore[misc]
            truth.append((case_id, member, value, at, len(lines) + 1))
        lines.extend((dialect.stamp(at) + spelled + ": " + text).split("\n"))  # type: ignore[attr-defined]
    export = parse_export("\n".join(lines) + "\n", today=datetime(2026, 12, 31).date())
    try:
        order = chat.decide_order(export, None)
    except DateOrderUndecided:
        return  # nothing recorded: allowed, never a guess
    assert order == DIALECT_ORDER[dialect.name]  # type: ignore[attr-defined]
    votes, _ = extract_votes(export.messages(order), PROPERTY_RESOLVE)
    got = [(v.case_id, v.member, v.vote, v.at.replace(second=0), v.line) for v in votes]
    assert got == truth


def test_vote_values_are_the_models_values() -> None:
    assert {v.value for v in VoteValue} == set(STRONG)
