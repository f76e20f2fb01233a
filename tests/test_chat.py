"""Chat export parsing and vote extraction (mmb.chat).

The fixture chats in tests/fixtures/chat/ are invented (colleagues, case ids, texts); they
follow the line shapes of real WhatsApp exports: iPhone Dutch 24h and English 12h (CRLF,
left-to-right marks, narrow no-break space before AM/PM), Android Dutch 24h and English 12h
with US dates (LF).
"""

from __future__ import annotations

import contextlib
import time
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mmb import chat
from mmb.chat import (
    ChatMessage,
    ChatVote,
    DateOrderUndecided,
    Unattributed,
    VoteValue,
    extract_votes,
    member_resolver,
    parse_chat_text,
    read_chat,
)
from mmb.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "chat"
LRM = "\u200e"
NNBSP = "\u202f"

MEMBERS: list[tuple[str, str | None, list[str]]] = [
    ("noor", "Noor V.", ["Noor Buurtteam"]),
    ("joost", None, []),
    ("priya", "Priya S.", []),
    ("sanne", "Sanne de W.", ["06 111 222 33"]),
    ("bram", None, ["Bram (jeugd)"]),
]
RESOLVE = member_resolver(MEMBERS)


def msg(
    at: datetime,
    sender: str,
    text: str,
    line: int,
    *,
    system: bool = False,
    media: bool = False,
    edited: bool = False,
) -> ChatMessage:
    return ChatMessage(at, sender, text, line, system, media, edited)


def vote(
    case_id: str,
    member: str,
    value: VoteValue,
    at: datetime,
    line: int,
    sender: str,
    note: str | None = None,
) -> ChatVote:
    return ChatVote(case_id, member, value, at, line, sender, note)


def reasons(skipped: list[Unattributed]) -> list[tuple[int, str]]:
    return [(u.line, u.reason) for u in skipped]


# =========================================================================== the four dialects

D = datetime


def test_ios_dutch_24h() -> None:
    messages = read_chat(FIXTURES / "ios_nl_24h.txt")
    assert messages == [
        msg(
            D(2026, 2, 3, 9, 12, 4),
            "MMB Oost",
            "Deze groep is end-to-end versleuteld; alleen leden lezen mee.",
            1,
            system=True,
        ),
        msg(
            D(2026, 2, 3, 9, 12, 4),
            "MMB Oost",
            "Noor Buurtteam heeft de groep MMB Oost gemaakt",
            2,
            system=True,
        ),
        msg(
            D(2026, 2, 3, 9, 15, 40),
            "Noor Buurtteam",
            "Casus 2026-031: moeder met twee kinderen, wasmachine kapot.\n"
            "Kringloop heeft er een voor € 240 met bezorging.\n"
            "\n"
            "Graag jullie akkoord vandaag.",
            3,
        ),
        msg(D(2026, 2, 3, 9, 21, 13), "Joost", "Akkoord 2026-031 👍🏽", 7),
        msg(D(2026, 2, 3, 9, 22, 50), "Joost", "afbeelding weggelaten", 8, media=True),
        msg(D(2026, 2, 3, 9, 30, 2), "~ Lotte", "akkoord 2026-031", 9),
        msg(
            D(2026, 2, 3, 9, 41, 27),
            "Priya S.",
            "2026-031 eens, mits het apparaat garantie heeft",
            10,
        ),
        msg(
            D(2026, 2, 3, 10, 2, 11),
            "Sanne de W.",
            "niet akkoord 2026-031, eerst bijzondere bijstand proberen",
            11,
            edited=True,
        ),
        msg(D(2026, 2, 3, 10, 5), "Bram (jeugd)", "2026-031 akkoord?", 12),
        msg(
            D(2026, 2, 13, 11, 0),
            "Bram (jeugd)",
            "Ik onthoud me voor casus 2026-032\n03-02-2026 10:30 afspraak bij de kringloop",
            13,
        ),
    ]
    votes, skipped = extract_votes(messages, RESOLVE)
    assert votes == [
        vote("2026-031", "joost", "approve", D(2026, 2, 3, 9, 21, 13), 7, "Joost"),
        vote(
            "2026-031",
            "priya",
            "approve",
            D(2026, 2, 3, 9, 41, 27),
            10,
            "Priya S.",
            note="mits het apparaat garantie heeft",
        ),
        vote("2026-031", "sanne", "object", D(2026, 2, 3, 10, 2, 11), 11, "Sanne de W."),
        vote("2026-032", "bram", "abstain", D(2026, 2, 13, 11, 0), 13, "Bram (jeugd)"),
    ]
    assert reasons(skipped) == [
        (3, "long message (18 words); read it and record the vote by hand"),
        (9, "sender not a member"),
        (12, "a question, not a vote"),
    ]
    assert skipped[1] == Unattributed(
        D(2026, 2, 3, 9, 30, 2), "~ Lotte", 9, "sender not a member", "akkoord 2026-031"
    )


def test_ios_english_12h() -> None:
    raw = (FIXTURES / "ios_en_12h.txt").read_bytes()
    assert NNBSP.encode() + b"PM]" in raw  # the fixture is what it claims
    messages = read_chat(FIXTURES / "ios_en_12h.txt")
    assert messages == [
        msg(
            D(2026, 2, 3, 9, 5, 12),
            "MMB East",
            "This group is end-to-end encrypted; only members can read along.",
            1,
            system=True,
        ),
        msg(D(2026, 2, 3, 9, 6, 30), "Noor Buurtteam", "image omitted", 2, media=True),
        msg(
            D(2026, 2, 3, 9, 7, 1),
            "Noor Buurtteam",
            "Case 2026-040: the fridge for insulin broke down.\n"
            "A small fridge costs about 180 euros.",
            3,
        ),
        msg(D(2026, 2, 3, 12, 15, 44), "Joost", "👍 2026-040", 5),
        msg(D(2026, 2, 3, 12, 20, 9), "Priya S.", "I agree with 2026-040 and 2026-041", 6),
        msg(D(2026, 2, 3, 13, 2, 33), "+31 6 11122233", "yes #2026-040", 7),
        msg(D(2026, 2, 14, 16, 45), "Bram (jeugd)", "This message was deleted.", 8, system=True),
        msg(D(2026, 2, 14, 23, 59, 59), "Bram (jeugd)", "no", 9),
        msg(D(2026, 2, 15, 0, 0, 30), "Joost", "Approved: case 2026-040 👌", 10),
    ]
    votes, skipped = extract_votes(messages, RESOLVE)
    assert votes == [
        vote("2026-040", "joost", "approve", D(2026, 2, 3, 12, 15, 44), 5, "Joost"),
        vote("2026-040", "sanne", "approve", D(2026, 2, 3, 13, 2, 33), 7, "+31 6 11122233"),
        vote("2026-040", "joost", "approve", D(2026, 2, 15, 0, 0, 30), 10, "Joost"),
    ]
    assert reasons(skipped) == [(6, "two case ids (2026-040, 2026-041)"), (9, "no case id")]


def test_android_dutch_24h() -> None:
    # Every date (05-03, 06-03) reads both ways: refused without --date-order.
    with pytest.raises(DateOrderUndecided):
        read_chat(FIXTURES / "android_nl_24h.txt")
    messages = read_chat(FIXTURES / "android_nl_24h.txt", date_order="dmy")
    assert messages == [
        msg(
            D(2026, 3, 5, 8, 0),
            "",
            "Deze groep is end-to-end versleuteld; alleen leden lezen mee.",
            1,
            system=True,
        ),
        msg(
            D(2026, 3, 5, 8, 1), "", "Noor Buurtteam heeft Bram (jeugd) toegevoegd", 2, system=True
        ),
        msg(
            D(2026, 3, 5, 8, 14),
            "Noor Buurtteam",
            "casus 2026-052 – bril voor kind, oude is gebroken, 95 euro",
            3,
        ),
        msg(
            D(2026, 3, 5, 8, 15),
            "Noor Buurtteam",
            "<Media weggelaten>\nfoto van de offerte",
            4,
            media=True,
        ),
        msg(D(2026, 3, 5, 8, 30), "Joost", "2026-052 akkoord", 6),
        msg(D(2026, 3, 5, 8, 31), "Priya S.", "Ja", 7),
        msg(D(2026, 3, 5, 8, 40), "Bram (jeugd)", "Ik onthoud me bij 2026-052, ken het gezin", 8),
        msg(D(2026, 3, 5, 9, 2), "Sanne de W.", "Akkoord 2026-052 en 2026-053", 9),
        msg(D(2026, 3, 6, 10, 0), "Joost", "Dit bericht is verwijderd", 10, system=True),
        msg(D(2026, 3, 6, 10, 5), "Priya S.", "2026-052 ja maar eigenlijk nee", 11),
        msg(
            D(2026, 3, 6, 10, 7),
            "Priya S.",
            "Akkoord 2026-052\n06-03-2026 10:30 afspraak bij de opticien\nNoor: bon volgt",
            12,
        ),
        msg(D(2026, 3, 6, 11, 0), "Sanne de W.", "Geen bezwaar voor 2026-052 👍", 15),
    ]
    votes, skipped = extract_votes(messages, RESOLVE)
    assert votes == [
        vote("2026-052", "joost", "approve", D(2026, 3, 5, 8, 30), 6, "Joost"),
        vote("2026-052", "bram", "abstain", D(2026, 3, 5, 8, 40), 8, "Bram (jeugd)"),
        vote("2026-052", "priya", "approve", D(2026, 3, 6, 10, 7), 12, "Priya S."),
        vote("2026-052", "sanne", "approve", D(2026, 3, 6, 11, 0), 15, "Sanne de W."),
    ]
    assert reasons(skipped) == [
        (7, "no case id"),
        (9, "two case ids (2026-052, 2026-053)"),
        (11, "vote word unclear (ja ... nee)"),
    ]


def test_android_english_12h_us_dates() -> None:
    messages = read_chat(FIXTURES / "android_en_12h_us.txt")
    assert messages == [
        msg(
            D(2026, 3, 9, 9, 0),
            "",
            "This group is end-to-end encrypted; only members can read along.",
            1,
            system=True,
        ),
        msg(
            D(2026, 3, 9, 9, 1), "", 'Noor Buurtteam created group "MMB East: 2026"', 2, system=True
        ),
        msg(
            D(2026, 3, 9, 9, 3),
            "",
            'Noor Buurtteam changed the subject to "Vote: akkoord 2026-061"',
            3,
            system=True,
        ),
        msg(
            D(2026, 3, 9, 10, 12),
            "Noor Buurtteam",
            "Case 2026-061: rent arrears for a family of four.\n"
            "Eviction notice arrives Friday, we need 420 euros.",
            4,
        ),
        msg(D(2026, 3, 9, 12, 0), "Joost", "<Media omitted>", 6, media=True),
        msg(D(2026, 3, 9, 12, 34), "Joost", "✅ 2026-061", 7),
        msg(D(2026, 3, 9, 12, 35), "Priya S.", "not agree on 2026-061, the fund can pay", 8),
        # "0:05 PM" as some Android phones write it: five past noon
        msg(D(2026, 3, 10, 12, 5), "Bram (jeugd)", "akkoord 2026-61", 9),
        msg(D(2026, 3, 12, 20, 15), "Sanne de W.", "2026-061 👎🏿", 10),
        msg(D(2026, 3, 12, 20, 16), "Sanne de W.", "Approve 2026-061?", 11),
        msg(D(2026, 3, 13, 7, 0), "Bram (jeugd)", "I abstain on 2026-061", 12, edited=True),
    ]
    votes, skipped = extract_votes(messages, RESOLVE)
    assert votes == [
        vote("2026-061", "joost", "approve", D(2026, 3, 9, 12, 34), 7, "Joost"),
        vote("2026-061", "priya", "object", D(2026, 3, 9, 12, 35), 8, "Priya S."),
        vote("2026-061", "sanne", "object", D(2026, 3, 12, 20, 15), 10, "Sanne de W."),
        vote("2026-061", "bram", "abstain", D(2026, 3, 13, 7, 0), 12, "Bram (jeugd)"),
    ]
    assert reasons(skipped) == [
        (3, "system message, not a vote"),
        (9, "case id not clear (2026-61; a case id has three digits, like 2026-061)"),
        (11, "a question, not a vote"),
    ]


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_iphone_zip_reads_chat_txt_and_nothing_else(tmp_path: Path) -> None:
    text = (FIXTURES / "ios_nl_24h.txt").read_bytes()
    archive = _zip(
        tmp_path / "WhatsApp Chat - MMB Oost.zip",
        {
            "00000008-PHOTO-2026-02-03-09-22-50.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
            "lijst.txt": b"a document shared in the chat, not the chat",
            "_chat.txt": text,
        },
    )
    assert read_chat(archive) == read_chat(FIXTURES / "ios_nl_24h.txt")
    assert sorted(p.name for p in tmp_path.iterdir()) == [archive.name]  # nothing extracted


def test_android_zip_with_one_txt(tmp_path: Path) -> None:
    text = (FIXTURES / "android_nl_24h.txt").read_bytes()
    archive = _zip(
        tmp_path / "chat.zip",
        {"WhatsApp-chat met MMB Oost.txt": text, "IMG-20260305-WA0001.jpg": b"\x00\x01"},
    )
    assert read_chat(archive, date_order="dmy") == read_chat(
        FIXTURES / "android_nl_24h.txt", date_order="dmy"
    )


def test_zip_recognised_by_content_not_name(tmp_path: Path) -> None:
    text = (FIXTURES / "android_nl_24h.txt").read_bytes()
    archive = _zip(tmp_path / "export.txt", {"_chat.txt": text})
    assert len(read_chat(archive, date_order="dmy")) == 12


def test_crlf_lf_and_bom_give_the_same_messages(tmp_path: Path) -> None:
    lf = (FIXTURES / "ios_nl_24h.txt").read_bytes().replace(b"\r\n", b"\n")
    (tmp_path / "lf.txt").write_bytes(lf)
    (tmp_path / "crlf.txt").write_bytes(lf.replace(b"\n", b"\r\n"))
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + lf)
    expected = read_chat(FIXTURES / "ios_nl_24h.txt")
    for name in ("lf.txt", "crlf.txt", "bom.txt"):
        assert read_chat(tmp_path / name) == expected


def test_parsing_and_extracting_twice_gives_the_same_result() -> None:
    text = (FIXTURES / "android_en_12h_us.txt").read_text(encoding="utf-8")
    first = extract_votes(parse_chat_text(text), RESOLVE)
    second = extract_votes(parse_chat_text(text), RESOLVE)
    assert first == second


# =========================================================================== line grammar


def one(line: str) -> ChatMessage:
    messages = parse_chat_text(line + "\n")
    assert len(messages) == 1
    return messages[0]


@pytest.mark.parametrize(
    ("line", "at"),
    [
        ("[22-11-2026 14:05:09] Jan: hoi", D(2026, 11, 22, 14, 5, 9)),
        ("[22-11-2026, 14:05:09] Jan: hoi", D(2026, 11, 22, 14, 5, 9)),
        ("22-11-2026 14:05 - Jan: hoi", D(2026, 11, 22, 14, 5)),
        ("22/11/2026, 14:05 - Jan: hoi", D(2026, 11, 22, 14, 5)),
        ("11/22/26, 2:05 PM - Jan: hoi", D(2026, 11, 22, 14, 5)),
        (f"11/22/26, 2:05{NNBSP}PM - Jan: hoi", D(2026, 11, 22, 14, 5)),
        (f"[11/22/26, 2:05:09{NNBSP}PM] Jan: hoi", D(2026, 11, 22, 14, 5, 9)),
        ("[11/22/26, 2:05:09 pm] Jan: hoi", D(2026, 11, 22, 14, 5, 9)),
        ("22/11/2026, 2:05 p.\u00a0m. - Jan: hoi", D(2026, 11, 22, 14, 5)),
        ("22/11/2026, 2:05 p.m. - Jan: hoi", D(2026, 11, 22, 14, 5)),
        ("22/11/2026, 12:05 a.m. - Jan: hoi", D(2026, 11, 22, 0, 5)),
        ("11/22/26, 12:05 PM - Jan: hoi", D(2026, 11, 22, 12, 5)),
        ("11/22/26, 12:05 AM - Jan: hoi", D(2026, 11, 22, 0, 5)),
        ("11/22/26, 0:05 PM - Jan: hoi", D(2026, 11, 22, 12, 5)),
        ("2026/11/22, 14:05 - Jan: hoi", D(2026, 11, 22, 14, 5)),
        (f"\ufeff{LRM}[22-11-2026 14:05:09] Jan: hoi", D(2026, 11, 22, 14, 5, 9)),
        (f"[22-11-2026{LRM} 14:05:09] Jan: hoi", D(2026, 11, 22, 14, 5, 9)),
    ],
)
def test_timestamp_shapes(line: str, at: datetime) -> None:
    message = one(line)
    assert (message.at, message.sender, message.text) == (at, "Jan", "hoi")


@pytest.mark.parametrize(
    ("line", "at"),
    [
        ("22.11.26, 14:05 - Jan: hoi", D(2026, 11, 22, 14, 5)),
        ("[22.11.26, 14:05:09] Jan: hoi", D(2026, 11, 22, 14, 5, 9)),
    ],
)
def test_two_digit_years_are_never_guessed(line: str, at: datetime) -> None:
    # 22.11.26 is 22 November 2026 day first, or 26 November 2022 year first.
    with pytest.raises(DateOrderUndecided):
        parse_chat_text(line + "\n")
    (message,) = parse_chat_text(line + "\n", date_order="dmy")
    assert (message.at, message.sender, message.text) == (at, "Jan", "hoi")
    (message,) = parse_chat_text(line + "\n", date_order="ymd")
    assert message.at == at.replace(year=2022, day=26)


def test_multiline_keeps_inner_empty_lines_and_drops_trailing_ones() -> None:
    text = (
        "22-11-2026 14:05 - Jan: Hoe gaat het?\n"
        "\n"
        "Alles goed daar?\n"
        "\n"
        "\n"
        "22-11-2026 14:06 - Els: ja\n"
    )
    messages = parse_chat_text(text)
    assert [m.text for m in messages] == ["Hoe gaat het?\n\nAlles goed daar?", "ja"]
    assert [m.line for m in messages] == [1, 6]


@pytest.mark.parametrize(
    "continuation",
    [
        "2016-04-29 10:30:00 stond in de brief",
        "22-11-2026 15:00 afspraak bij de school",
        "over twee regels: met dubbele punt",
        "Els: ook geen bericht",
    ],
)
def test_date_like_continuation_lines_stay_in_the_message(continuation: str) -> None:
    text = (
        "22-11-2026 14:05 - Jan: eerste regel\n"
        f"{continuation}\n"
        "22-11-2026 14:06 - Els: volgende\n"
        "23-11-2026 09:00 - Els: nog een\n"
    )
    messages = parse_chat_text(text)
    assert [m.text for m in messages] == [f"eerste regel\n{continuation}", "volgende", "nog een"]


def test_lines_before_the_first_message_are_ignored() -> None:
    messages = parse_chat_text("rommel bovenaan\n\n22-11-2026 14:05 - Jan: hoi\n")
    assert [(m.line, m.text) for m in messages] == [(3, "hoi")]


def test_invisible_marks_are_removed_from_sender_and_text() -> None:
    message = one(
        f"[22-11-2026 14:05:09] \u2068~{NNBSP}Els  Vos\u2069: @\u2068Jan\u2069 {LRM}akkoord"
    )
    assert message.sender == "~ Els Vos"
    assert message.text == "@Jan akkoord"
    assert not message.system


@pytest.mark.parametrize(
    ("line", "system", "media"),
    [
        ("22-11-2026 14:05 - Jan heeft de groep verlaten", True, False),
        ('22-11-2026 14:05 - Jan changed the subject to "Casus: 2026-014"', True, False),
        ("22-11-2026 14:05 - Jan heeft het onderwerp gewijzigd naar 'Vraag: fiets'", True, False),
        (f"[22-11-2026 14:05:09] MMB Oost: {LRM}Jan heeft Els toegevoegd", True, False),
        ("22-11-2026 14:05 - Jan: This message was deleted", True, False),
        ("22-11-2026 14:05 - Jan: U hebt dit bericht verwijderd", True, False),
        ("22-11-2026 14:05 - Jan: Je hebt dit bericht verwijderd", True, False),
        (f"[22-11-2026 14:05:09] Jan: {LRM}Dit bericht is verwijderd.", True, False),
        ("22-11-2026 14:05 - Jan: Gemiste spraakoproep", True, False),
        ("22-11-2026 14:05 - Jan: <Media weggelaten>", False, True),
        ("22-11-2026 14:05 - Jan: <Media omitted>", False, True),
        (f"[22-11-2026 14:05:09] Jan: {LRM}video omitted", False, True),
        (f"[22-11-2026 14:05:09] Jan: {LRM}Visitekaartje weggelaten", False, True),
        (
            f"[22-11-2026 14:05:09] Jan: {LRM}<bijgevoegd: 00000014-PHOTO-2026-11-22-14-05-09.jpg>",
            False,
            True,
        ),
        (
            f"[22-11-2026 14:05:09] Jan: {LRM}<attached: 00000014-PHOTO-2026-11-22-14-05-09.jpg>",
            False,
            True,
        ),
        (f"22-11-2026 14:05 - Jan: {LRM}IMG-20261122-WA0003.jpg (bestand bijgevoegd)", False, True),
        ("22-11-2026 14:05 - Jan: locatie: https://maps.google.com/?q=52.37,4.89", False, True),
        ("22-11-2026 14:05 - Jan: gewoon een bericht", False, False),
    ],
)
def test_system_and_media_lines(line: str, system: bool, media: bool) -> None:
    message = one(line)
    assert (message.system, message.media) == (system, media)


def test_edited_markers_are_removed_and_noted() -> None:
    nl = one(f"22-11-2026 14:05 - Jan: akkoord 2026-014 {LRM}<Dit bericht is bewerkt>")
    en = one("22-11-2026 14:05 - Jan: akkoord 2026-014 <This message was edited>")
    assert (nl.text, nl.edited) == ("akkoord 2026-014", True)
    assert (en.text, en.edited) == ("akkoord 2026-014", True)


# =========================================================================== day and month order


def dates(text: str) -> list[datetime]:
    return [m.at for m in parse_chat_text(text)]


def test_day_first_when_a_first_field_is_above_12() -> None:
    text = "01/02/2026, 10:00 - Jan: a\n13/02/2026, 10:00 - Jan: b\n"
    assert dates(text) == [D(2026, 2, 1, 10), D(2026, 2, 13, 10)]


def test_month_first_when_a_second_field_is_above_12() -> None:
    text = "01/02/2026, 10:00 - Jan: a\n01/13/2026, 10:00 - Jan: b\n"
    assert dates(text) == [D(2026, 1, 2, 10), D(2026, 1, 13, 10)]


def test_order_from_dates_running_forward() -> None:
    # 1 Feb, 1 Mar, 2 Jan would run backwards; Jan 2, Jan 3, Feb 1 runs forward.
    text = "01/02/26, 10:00 - Jan: a\n01/03/26, 10:00 - Jan: b\n02/01/26, 10:00 - Jan: c\n"
    assert dates(text) == [D(2026, 1, 2, 10), D(2026, 1, 3, 10), D(2026, 2, 1, 10)]


@pytest.mark.parametrize(
    "text",
    [
        "05-03-2026 10:00 - Jan: a\n",  # a dash is no evidence
        "5/3/26, 10:00 AM - Jan: a\n",  # nor is a 12-hour clock
        "5/3/26, 10:00 AM - Jan: <Media weggelaten>\n",  # nor a Dutch phone
        "05/03/2026, 10:00 - Jan: a\n",  # nor a 24-hour clock
    ],
)
def test_ambiguous_dates_are_never_guessed(text: str) -> None:
    with pytest.raises(DateOrderUndecided, match="--date-order"):
        dates(text)
    assert [m.at for m in parse_chat_text(text, date_order="dmy")] == [D(2026, 3, 5, 10)]
    assert [m.at for m in parse_chat_text(text, date_order="mdy")] == [D(2026, 5, 3, 10)]


# =========================================================================== vote rules


def judge(text: str, sender: str = "Joost") -> ChatVote | Unattributed | None:
    """The single vote or unattributed entry one message gives, or None (ordinary chat)."""
    message = msg(D(2026, 3, 2, 10, 40), sender, text, 7)
    votes, skipped = extract_votes([message], RESOLVE)
    assert len(votes) + len(skipped) <= 1
    return (votes or skipped or [None])[0]


def assert_vote(text: str, value: VoteValue, case_id: str = "2026-014") -> ChatVote:
    got = judge(text)
    assert isinstance(got, ChatVote), f"{text!r} gave {got!r}"
    assert (got.case_id, got.vote, got.member) == (case_id, value, "joost")
    return got


def assert_reason(text: str, reason: str, sender: str = "Joost") -> None:
    got = judge(text, sender)
    assert isinstance(got, Unattributed), f"{text!r} gave {got!r}"
    assert got.reason == reason


@pytest.mark.parametrize(
    "text",
    [
        "akkoord 2026-014",
        "2026-014 akkoord",
        "#2026-014 akkoord",
        "# 2026-014: Akkoord!",
        "casus 2026-014: akkoord",
        "Casus nr. 2026-014 AKKOORD",
        "case 2026-014 approved",
        "(2026-014) akkoord.",
        "Akkoord voor 2026-014",
        "Akkoord voor casus 2026-014",
        "Ik ben akkoord met 2026-014",
        "Helemaal mee eens, 2026-014",
        "Geen bezwaar tegen 2026-014",
        "no objection to 2026-014",
        "I agree, 2026-014",
        "approve 2026-014",
        "ja 2026-014",
        "Ja, 2026-014",
        "yes 2026-014",
        "2026-014 eens",
        "Ik ben voor, 2026-014",
        "2026-014 👍",
        "2026-014 👍👍",
        "2026-014 ✅",
        "2026-014 ✔️",
        "2026-014 ✔",
        "2026-014 👌",
        "2026-014 👌🏾",
        *(f"2026-014 👍{tone}" for tone in "\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff"),
    ],
)
def test_approve(text: str) -> None:
    assert_vote(text, "approve")


@pytest.mark.parametrize(
    "text",
    [
        "niet akkoord 2026-014",
        "Niet akkoord met 2026-014",
        "Ik ben niet akkoord met 2026-014",
        "ik ga niet mee akkoord, 2026-014",
        "geen akkoord 2026-014",
        "tegen 2026-014",
        "Ik ben tegen 2026-014",
        "2026-014 nee",
        "Nee, 2026-014 kan via de bijzondere bijstand",
        "no 2026-014",
        "oneens 2026-014",
        "Ik ben het niet eens met 2026-014",
        "Ik ben het er niet mee eens, 2026-014",
        "not agree on 2026-014",
        "I don't agree with 2026-014",
        "I don’t agree with 2026-014",
        "I do not agree, 2026-014",
        "disagree 2026-014",
        "object 2026-014",
        "2026-014 👎",
        "2026-014 ❌",
        *(f"2026-014 👎{tone}" for tone in "\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff"),
    ],
)
def test_object(text: str) -> None:
    assert_vote(text, "object")


@pytest.mark.parametrize(
    "text",
    [
        "onthouding 2026-014",
        "Ik onthoud me bij 2026-014",
        "ik onthoud mij van stemming over 2026-014",
        "2026-014: onthoud",
        "abstain 2026-014",
        "I abstain on 2026-014",
    ],
)
def test_abstain(text: str) -> None:
    assert_vote(text, "abstain")


@pytest.mark.parametrize(
    ("text", "case_id"),
    [
        ("akkoord 2026-0014", "2026-014"),
        ("akkoord 2026-1234", "2026-1234"),
        ("akkoord 2031-007", "2031-007"),
        ("akkoord 2026-014 en nog eens 2026-014", "2026-014"),
    ],
)
def test_case_id_normalised(text: str, case_id: str) -> None:
    assert_vote(text, "approve", case_id)


@pytest.mark.parametrize(
    "text",
    [
        "akkoord, betaald op 2026-03-02",
        "akkoord, afspraak 2026-03-02 om 10:30",
        "akkoord 2026/014",
        "akkoord 1999-014",
        "akkoord NL-2026-014",
        "akkoord 2026-014-02",
        "akkoord 2026-014:30",
        "akkoord 2026-12345",
        "akkoord 12026-014",
        "akkoord ref2026-014",
        "akkoord",
        "👍",
    ],
)
def test_not_a_case_id(text: str) -> None:
    assert_reason(text, "no case id")


def test_short_case_id_is_listed_not_guessed() -> None:
    assert_reason(
        "akkoord 2026-14", "case id not clear (2026-14; a case id has three digits, like 2026-014)"
    )


def test_two_case_ids() -> None:
    assert_reason("akkoord 2026-014 en 2026-015", "two case ids (2026-014, 2026-015)")
    assert_reason("akkoord 2026-014 en 2026-15", "two case ids (2026-014, 2026-15)")
    assert_reason(
        "akkoord #2026-014, #2026-015, #2026-016", "3 case ids (2026-014, 2026-015, 2026-016)"
    )


@pytest.mark.parametrize(
    "text",
    [
        "akkoord? 2026-014",
        "2026-014 akkoord?",
        "2026-014 akkoord ?",
        "Wie is akkoord met 2026-014?",
        "Akkoord met 2026-014? 🙂",
        "Casus 2026-014: fiets voor kind. Akkoord?",
    ],
)
def test_questions_are_not_votes(text: str) -> None:
    assert_reason(text, "a question, not a vote")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2026-014 ja maar eigenlijk nee", "ja ... nee"),
        ("Ja, maar eigenlijk toch nee hoor, 2026-014", "Ja ... nee"),
        ("akkoord 2026-014 👎", "akkoord ... 👎"),
        ("👍 2026-014 ❌", "👍 ... ❌"),
        ("Akkoord 2026-014, anders tegen", "Akkoord ... tegen"),
        ("onthouding of toch akkoord, 2026-014", "onthouding ... akkoord"),
        ("Ik ben voor 2026-014", "voor"),
        ("Ik ben niet tegen 2026-014", "niet tegen"),
        ("ik ben niet voor, 2026-014", "niet voor"),
        ("akkoord 2026-014, maar niet voor morgen kopen", "akkoord ... niet voor"),
        ("not against 2026-014", "not against"),
    ],
)
def test_unclear_vote_words(text: str, words: str) -> None:
    assert_reason(text, f"vote word unclear ({words})")


@pytest.mark.parametrize(
    "text",
    [
        "Update 2026-014: fiets is besteld",
        "2026-014: fiets besteld voor morgen",
        "Bon voor 2026-014 staat in de map",
        "Hij maakt bezwaar tegen de beschikking, 2026-014",
        "Voorstel voor 2026-014 staat in de map",
        "2026-014: vorig jaar ook al een aanvraag",
        "Kijk naar de nota van 2026-014",
        "Goedemorgen allemaal",
        "Dank jullie wel!",
        "Hoe laat is het overleg?",
    ],
)
def test_ordinary_chat_is_ignored(text: str) -> None:
    assert judge(text) is None


def test_long_message_is_listed_not_counted() -> None:
    text = (
        "Ik heb vanmorgen met de consulent van het fonds gesproken over 2026-014 en "
        "die is akkoord met de aanvraag als wij de bon opsturen"
    )
    assert_reason(text, "long message (18 words); read it and record the vote by hand")


def test_unknown_sender_is_listed() -> None:
    assert_reason("akkoord 2026-014", "sender not a member", sender="~ Onbekend")
    assert_reason("akkoord 2026-014", "sender not a member", sender="+31 6 99988877")


def test_system_and_media_messages_with_vote_words_are_listed() -> None:
    system = msg(
        D(2026, 3, 2, 10), "", 'Jan changed the subject to "akkoord 2026-014"', 3, system=True
    )
    media = msg(D(2026, 3, 2, 10), "Joost", "<Media weggelaten>\nakkoord 2026-014", 4, media=True)
    votes, skipped = extract_votes([system, media], RESOLVE)
    assert votes == []
    assert reasons(skipped) == [
        (3, "system message, not a vote"),
        (4, "photo, file or location, not a text vote"),
    ]


def test_conditional_approval_is_an_approval_with_a_note() -> None:
    got = assert_vote("Akkoord 2026-014, mits tweedehands", "approve")
    assert got.note == "mits tweedehands"
    got = assert_vote("Als het een tweedehands fiets is: akkoord met 2026-014", "approve")
    assert got.note == "Als het een tweedehands fiets is: akkoord met 2026-014"
    got = assert_vote("tegen 2026-014, tenzij het fonds niets doet", "object")
    assert got.note == "tenzij het fonds niets doet"
    assert assert_vote("akkoord 2026-014", "approve").note is None


def test_excerpt_is_short_and_on_one_line() -> None:
    text = "akkoord\n" + "x " * 200
    got = judge(text)
    assert isinstance(got, Unattributed)
    assert len(got.excerpt) <= 60
    assert "\n" not in got.excerpt
    assert got.excerpt.startswith("akkoord x x")


def test_vote_fields_come_from_the_message() -> None:
    message = msg(D(2026, 3, 2, 10, 40, 5), "~ Noor V.", "akkoord 2026-014", 42)
    votes, skipped = extract_votes([message], RESOLVE)
    assert skipped == []
    assert votes == [vote("2026-014", "noor", "approve", D(2026, 3, 2, 10, 40, 5), 42, "~ Noor V.")]


# =========================================================================== members


def test_resolver_order_chat_names_then_name_then_id() -> None:
    resolve = member_resolver(
        [
            ("jan", "Jan de Vries", ["Els"]),  # an odd chat name, but the team's choice
            ("els", "Els", []),
            ("piet", None, ["jan"]),
        ]
    )
    assert resolve("Els") == "jan"  # chat_names win over a name
    assert resolve("jan") == "piet"  # chat_names win over an id
    assert resolve("Jan de Vries") == "jan"
    assert resolve("els") == "jan"
    assert resolve("piet") == "piet"
    assert resolve("Kees") is None
    assert resolve("") is None


def test_resolver_ignores_case_marks_tilde_and_spaces() -> None:
    resolve = member_resolver([("fatima", "Fatima B.", ["Fatima BT"])])
    for sender in (
        "fatima bt",
        "FATIMA  BT",
        f"~{NNBSP}Fatima BT",
        "~ Fatima B.",
        "\u2068Fatima BT\u2069",
        f"{LRM}Fatima\u00a0BT ",
        "Fatima",
    ):
        assert resolve(sender) == "fatima", sender


@pytest.mark.parametrize(
    "sender",
    [
        "+31 6 12345678",
        "+31612345678",
        "0612345678",
        "06-12345678",
        "06 1234 5678",
        "0031 6 12345678",
        "+31 (0)6 12345678",
        f"{LRM}+31\u00a06\u00a012345678",
    ],
)
@pytest.mark.parametrize("written", ["+31 6 12345678", "0612345678", "06 12 34 56 78"])
def test_resolver_matches_phone_numbers_however_written(sender: str, written: str) -> None:
    resolve = member_resolver([("sanne", None, [written]), ("piet", None, ["+44 7700 900123"])])
    assert resolve(sender) == "sanne"
    assert resolve("+44 7700 900123") == "piet"
    assert resolve("+31 6 12345679") is None


def test_resolver_refuses_to_guess_between_two_members() -> None:
    resolve = member_resolver([("jan", "Jan", []), ("jan2", "jan", [])])
    assert resolve("Jan") is None


# =========================================================================== bad input


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"gone\.txt: cannot read"):
        read_chat(tmp_path / "gone.txt")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_chat(tmp_path)


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "leeg.txt").write_bytes(b"")
    with pytest.raises(InputError, match=r"leeg\.txt: the chat export is empty"):
        read_chat(tmp_path / "leeg.txt")
    (tmp_path / "wit.txt").write_bytes(b"\xef\xbb\xbf \r\n\n")
    with pytest.raises(InputError, match=r"wit\.txt: the chat export is empty"):
        read_chat(tmp_path / "wit.txt")


def test_binary_file(tmp_path: Path) -> None:
    (tmp_path / "foto.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputError, match=r"foto\.txt: this is not a text file"):
        read_chat(tmp_path / "foto.txt")


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    data = "22-11-2026 14:05 - Jan: hoi\n22-11-2026 14:06 - Jan: café\n".encode("latin-1")
    (tmp_path / "oud.txt").write_bytes(data)
    with pytest.raises(InputError, match=r"oud\.txt:2: this is not UTF-8 text"):
        read_chat(tmp_path / "oud.txt")


def test_text_without_messages(tmp_path: Path) -> None:
    (tmp_path / "notities.txt").write_text("boodschappen\nmelk\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"notities\.txt: no WhatsApp messages found"):
        read_chat(tmp_path / "notities.txt")
    with pytest.raises(InputError, match="no WhatsApp messages found"):
        parse_chat_text("2016-04-29 10:30:00 geen chat\n")


def test_file_over_the_size_cap(tmp_path: Path) -> None:
    big = tmp_path / "groot.txt"
    with big.open("wb") as fh:  # sparse: no need to write 50 MB
        fh.truncate(chat.MAX_CHAT_BYTES + 1)
    with pytest.raises(
        InputError, match=r"groot\.txt: the chat export is 50\.1 MB, over the 50 MB"
    ):
        read_chat(big)


def test_text_over_the_size_cap_without_a_size(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A file that grows or lies about its size is still read only up to the cap.
    monkeypatch.setattr(chat, "MAX_CHAT_BYTES", 100)
    monkeypatch.setattr(chat, "_regular_size", lambda fh: None)
    (tmp_path / "groeit.txt").write_text("22-11-2026 14:05 - Jan: " + "x" * 200, encoding="utf-8")
    with pytest.raises(InputError, match=r"groeit\.txt: the chat export is"):
        read_chat(tmp_path / "groeit.txt")


def test_zip_without_txt(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "media.zip", {"IMG-1.jpg": b"\xff\xd8", "map/": b""})
    with pytest.raises(InputError, match=r"media\.zip: the zip holds no chat text"):
        read_chat(archive)


def test_empty_zip(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "leeg.zip", {})
    with pytest.raises(InputError, match=r"leeg\.zip: the zip holds no chat text"):
        read_chat(archive)


def test_zip_ignores_macos_resource_forks(tmp_path: Path) -> None:
    text = (FIXTURES / "android_nl_24h.txt").read_bytes()
    archive = _zip(tmp_path / "mac.zip", {"chat.txt": text, "__MACOSX/._chat.txt": b"\x00\x05\x16"})
    assert len(read_chat(archive, date_order="dmy")) == 12


def test_zip_with_several_txt_and_no_chat_txt(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "twee.zip", {"a.txt": b"x", "b.txt": b"y"})
    with pytest.raises(
        InputError, match=r"twee\.zip: the zip holds several \.txt files \(a\.txt, b\.txt\)"
    ):
        read_chat(archive)


def test_damaged_zip(tmp_path: Path) -> None:
    (tmp_path / "kapot.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(InputError, match=r"kapot\.zip: this zip cannot be read"):
        read_chat(tmp_path / "kapot.zip")


def test_zip_member_over_the_cap(tmp_path: Path) -> None:
    # A zip bomb in small: 50 MB + 1 of zeros squeezes into about 50 kB.
    archive = tmp_path / "bom.zip"
    with (
        zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf,
        zf.open("_chat.txt", "w") as member,
    ):
        block = b"0" * (1024 * 1024)
        for _ in range(50):
            member.write(block)
        member.write(b"0")
    assert archive.stat().st_size < 1024 * 1024
    with pytest.raises(
        InputError, match=r"bom\.zip \(_chat\.txt\): the chat export is 50\.1 MB, over"
    ):
        read_chat(archive)


def test_zip_member_with_a_false_size_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    archive = _zip(tmp_path / "chat.zip", {"_chat.txt": b"x" * 500})
    monkeypatch.setattr(chat, "MAX_CHAT_BYTES", 100)
    real_member = chat._chat_member

    def lying_member(zf: zipfile.ZipFile, path: Path) -> zipfile.ZipInfo:
        info = real_member(zf, path)
        info.file_size = 10  # what a crafted central directory could claim
        return info

    monkeypatch.setattr(chat, "_chat_member", lying_member)
    with pytest.raises(InputError, match=r"chat\.zip"):
        read_chat(archive)


def test_zip_member_not_utf8_names_member_and_line(tmp_path: Path) -> None:
    archive = _zip(
        tmp_path / "chat.zip", {"_chat.txt": b"[22-11-2026 14:05:09] Jan: hoi\r\n\xff\r\n"}
    )
    with pytest.raises(InputError, match=r"chat\.zip \(_chat\.txt\):2: this is not UTF-8 text"):
        read_chat(archive)


@pytest.mark.parametrize(
    "text",
    [
        "[" + "1" * 100_000,
        "22-11-2026 14:05 - Jan: " + " " * 100_000 + "x",
        "22-11-2026 14:05 - Jan: " + "ja " * 30_000 + "2026-014",
        "22-11-2026 14:05 - Jan: akkoord" + "\u200e" * 100_000 + "?",
        "22-11-2026 14:05 - Jan: " + "2026-" * 30_000,
        "22-11-2026 14:05 - Jan: " + "casus " * 20_000 + "2026-014 akkoord",
        "22-11-2026 14:05 - Jan: x\n" + "\n" * 100_000,
    ],
)
def test_hostile_text_is_handled_quickly(text: str) -> None:
    start = time.perf_counter()
    with contextlib.suppress(InputError, DateOrderUndecided):
        extract_votes(parse_chat_text(text), RESOLVE)
    assert time.perf_counter() - start < 5


def test_many_messages_parse_in_linear_time() -> None:
    line = "22-11-2026 14:05 - Jan: akkoord 2026-014\nmet een tweede regel\n"
    start = time.perf_counter()
    messages = parse_chat_text(line * 50_000)
    assert len(messages) == 50_000
    assert time.perf_counter() - start < 15


# =========================================================================== property

Render = Callable[[datetime, str, str], str]


def _h12(at: datetime) -> tuple[int, str]:
    return (at.hour % 12 or 12), ("AM" if at.hour < 12 else "PM")


def _ios_nl(at: datetime, who: str, rest: str) -> str:
    return f"[{at:%d-%m-%Y %H:%M:%S}] {who}{rest}"


def _ios_en(at: datetime, who: str, rest: str) -> str:
    hour, ampm = _h12(at)
    return f"[{at.month}/{at.day}/{at:%y}, {hour}:{at:%M:%S}{NNBSP}{ampm}] {who}{rest}"


def _android_nl(at: datetime, who: str, rest: str) -> str:
    return f"{at:%d-%m-%Y %H:%M} - {who}{rest}"


def _android_en(at: datetime, who: str, rest: str) -> str:
    hour, ampm = _h12(at)
    return f"{at.month}/{at.day}/{at:%y}, {hour}:{at:%M}{NNBSP}{ampm} - {who}{rest}"


# name, renderer, line end, keeps seconds, system line, media placeholder
DIALECTS: dict[str, tuple[Render, str, bool, str, str]] = {
    "ios_nl": (
        _ios_nl,
        "\r\n",
        True,
        f"MMB Oost: {LRM}Els heeft de groep verlaten",
        f"{LRM}afbeelding weggelaten",
    ),
    "ios_en": (_ios_en, "\r\n", True, f"MMB East: {LRM}Els left", f"{LRM}image omitted"),
    "android_nl": (_android_nl, "\n", False, "Els heeft de groep verlaten", "<Media weggelaten>"),
    "android_en": (_android_en, "\n", False, "Els left", "<Media omitted>"),
}

# (id, name, chat_names, how the export may spell the sender)
PEOPLE = [
    ("noor", "Noor V.", ["Noor Buurtteam"], ["Noor Buurtteam", "~ Noor V.", "noor"]),
    ("joost", None, [], ["Joost", "~ joost"]),
    ("priya", "Priya S.", [], ["Priya S.", "~\u202fPriya S."]),
    ("sanne", "Sanne de W.", ["06 111 222 33"], ["+31 6 11122233", "Sanne de W."]),
    ("bram", None, ["Bram (jeugd)"], ["Bram (jeugd)", "\u2068Bram (jeugd)\u2069"]),
]
PROPERTY_RESOLVE = member_resolver([(i, n, c) for i, n, c, _ in PEOPLE])

WORDS: dict[VoteValue, list[str]] = {
    "approve": [
        "akkoord",
        "eens",
        "ja",
        "yes",
        "agree",
        "approve",
        "approved",
        "voor",
        "mee eens",
        "geen bezwaar",
        "👍",
        "👍🏽",
        "✅",
        "✔️",
        "👌",
    ],
    "object": [
        "tegen",
        "nee",
        "no",
        "oneens",
        "niet akkoord",
        "object",
        "disagree",
        "👎",
        "👎🏿",
        "❌",
    ],
    "abstain": ["onthouding", "ik onthoud me", "abstain", "onthoud"],
}
TEMPLATES = [
    "{w} {c}",
    "{c} {w}",
    "{c}: {w}",
    "#{c} {w}!",
    "casus {c}: {w}",
    "{w}, case {c}",
    "{c} {w}, mits tweedehands",
    "{c}\n{w}",
]
CHATTER = [
    "Ik bel morgen de school",
    "Wie heeft de bon van de kringloop",
    "Bon staat in de map\nmet de factuur erbij",
    "Fijne avond allemaal",
    "Zie de mail van de consulent\n22-11-2026 14:05 afspraak bij de school\n\nGroet",
    "Update 2026-014: fiets is besteld",
]


@st.composite
def chats(draw: st.DrawFn) -> tuple[str, str, list[tuple[str, object]], list[datetime]]:
    dialect = draw(st.sampled_from(sorted(DIALECTS)))
    count = draw(st.integers(min_value=1, max_value=12))
    start = draw(st.datetimes(min_value=D(2001, 1, 1), max_value=D(2098, 1, 1)))
    start = start.replace(microsecond=0)  # exports have whole seconds at most
    steps = draw(st.lists(st.integers(0, 200_000), min_size=count, max_size=count))
    times = []
    at = start
    for step in steps:  # exports run forward in time
        at += timedelta(seconds=step)
        times.append(at)
    items: list[tuple[str, object]] = []
    for _ in range(count):
        kind = draw(st.sampled_from(["vote", "vote", "vote", "chatter", "system", "media"]))
        person = draw(st.sampled_from(PEOPLE))
        spelled = draw(st.sampled_from(person[3]))
        if kind == "vote":
            value: VoteValue = draw(st.sampled_from(["approve", "object", "abstain"]))
            word = draw(st.sampled_from(WORDS[value]))
            word = draw(st.sampled_from([word, word.upper(), word.capitalize()]))
            template = draw(st.sampled_from(TEMPLATES))
            if word.lower() == "voor" and template == "{w} {c}":
                template = "{c} {w}"  # "voor 2026-014" reads as "for 2026-014"
            case_id = f"{draw(st.integers(2000, 2099))}-{draw(st.integers(1, 9999)):03d}"
            text = template.format(w=word, c=case_id)
            items.append(("vote", (person[0], spelled, value, case_id, text)))
        elif kind == "chatter":
            items.append(("chatter", (spelled, draw(st.sampled_from(CHATTER)))))
        else:
            items.append((kind, spelled))
    return dialect, draw(st.sampled_from(["", "\ufeff"])), items, times


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(chats())
def test_property_votes_come_back_in_every_dialect(
    generated: tuple[str, str, list[tuple[str, object]], list[datetime]],
) -> None:
    dialect, bom, items, times = generated
    render, eol, seconds, system_line, media_text = DIALECTS[dialect]
    lines: list[str] = []
    expected: list[ChatVote] = []
    for (kind, payload), at in zip(items, times, strict=True):
        if not seconds:
            at = at.replace(second=0)
        line_no = len(lines) + 1
        if kind == "vote":
            assert isinstance(payload, tuple)
            member, spelled, value, case_id, text = payload
            lines.extend(render(at, spelled, f": {text}").split("\n"))
            sender = " ".join(
                spelled.replace("\u2068", "").replace("\u2069", "").replace(NNBSP, " ").split()
            )
            expected.append(ChatVote(case_id, member, value, at, line_no, sender, _note(text)))
        elif kind == "chatter":
            assert isinstance(payload, tuple)
            spelled, text = payload
            lines.extend(render(at, spelled, f": {text}").split("\n"))
        elif kind == "system":
            lines.append(render(at, "", system_line))
        else:
            lines.append(render(at, str(payload), f": {media_text}"))
    export = bom + eol.join(lines) + eol

    order = "dmy" if dialect.endswith("_nl") else "mdy"
    messages = parse_chat_text(export, date_order=order)
    assert len(messages) == len(items)
    votes, skipped = extract_votes(messages, PROPERTY_RESOLVE)
    assert votes == expected
    assert skipped == []


def _note(text: str) -> str | None:
    return "mits tweedehands" if "mits tweedehands" in text else None


def test_property_renderers_cover_the_fixture_shapes() -> None:
    # The generated lines have the same shapes as the committed fixtures.
    at = D(2026, 2, 3, 13, 2, 33)
    assert _ios_nl(at, "Jan", ": x") == "[03-02-2026 13:02:33] Jan: x"
    assert _ios_en(at, "Jan", ": x") == f"[2/3/26, 1:02:33{NNBSP}PM] Jan: x"
    assert _android_nl(at, "Jan", ": x") == "03-02-2026 13:02 - Jan: x"
    assert _android_en(at, "Jan", ": x") == f"2/3/26, 1:02{NNBSP}PM - Jan: x"


HEADERISH = st.sampled_from(
    [
        "[22-11-2026 14:05:09] ",
        "22-11-2026 14:05 - ",
        "11/22/26, 2:05\u202fPM - ",
        "[1/2/26, 0:00:00 AM] ",
        "Jan: ",
        ": ",
        "\u200e",
        "\r\n",
        "\n",
        "2026-014 ",
        "akkoord ",
        "niet ",
        "voor ",
        "? ",
        "👍🏽",
        "<Media weggelaten>",
        "mits ",
        "casus ",
        "#",
        "2026-03-02 ",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(HEADERISH, st.text(max_size=12)), max_size=40).map("".join))
def test_property_any_text_parses_or_raises_input_error(text: str) -> None:
    try:
        messages = parse_chat_text(text)
    except (InputError, DateOrderUndecided):
        return
    assert messages, "a parsed export has at least one message"
    assert [m.line for m in messages] == sorted({m.line for m in messages})
    votes, skipped = extract_votes(messages, RESOLVE)
    assert len(votes) + len(skipped) <= len(messages)
    assert all(len(u.excerpt) <= 60 for u in skipped)
    assert (votes, skipped) == extract_votes(messages, RESOLVE)


VOTE_PIECES = st.sampled_from(
    [
        "niet",
        "akkoord",
        "mee",
        "eens",
        "het",
        "er",
        "geen",
        "bezwaar",
        "tegen",
        "voor",
        "ja",
        "nee",
        "no",
        "objection",
        "I",
        "don't",
        "don’t",
        "do",
        "not",
        "agree",
        "disagree",
        "ik",
        "onthoud",
        "me",
        "👍",
        "👍🏽",
        "👎🏿",
        "✅",
        "✔️",
        "✔",
        "❌",
        "👌",
        "x",
        "?",
        ",",
        "2026-014",
        "akkoordje",
        "jaar",
        "object",
        "abstain",
        "approved",
        "onthouding",
        "oneens",
        "against",
        "AKKOORD",
        "Niet",
        "oké",
        "Oke",
        "ok",
        "is",
        "goed",
        "top",
        "prima",
        "+1",
        "1+1",
        "+",
        "1",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(VOTE_PIECES, st.sampled_from([" ", "", ",", "\n", "  "])), max_size=10))
def test_property_fast_vote_scan_equals_plain_regex_scan(pieces: list[tuple[str, str]]) -> None:
    text = "".join(word + gap for word, gap in pieces)
    slow = [(m.start(), m.end(), m.lastgroup) for m in chat._VOTE.finditer(text)]
    fast = [(m.start(), m.end(), m.lastgroup) for m in chat._vote_matches(text)]
    assert fast == slow
