"""Loading: the C parser, exact numbers, and a table of bad files with code and line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import TEAM_YAML, case_yaml, check, codes

from mmb.files import c_parser_in_use, parse_yaml
from mmb.folder import load_case


def test_c_parser_is_in_use():
    import _ruamel_yaml  # noqa: F401  - the C extension must be installed

    assert c_parser_in_use()


def test_numbers_are_exact_decimals_and_lines_are_recorded():
    doc = parse_yaml("a: 149.95\nb: 150\nlist:\n  - x: 1\n  - y: 0.10\n", "f.yaml")
    assert doc.data == {"a": Decimal("149.95"), "b": 150, "list": [{"x": 1},
                                                                    {"y": Decimal("0.10")}]}
    assert isinstance(doc.data["a"], Decimal)
    assert doc.lines.line("list", 1, "y") == 5
    assert doc.lines.line("list", 1) == 5
    assert doc.lines.line("list", 0, "missing") == 4  # falls back to the nearest parent


def _case_findings(tmp_path: Path, text: str | bytes, name: str = "2026-001.yaml"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    cdoc = load_case(path, name)
    return cdoc, [(f.code, f.line) for f in cdoc.doc.findings]


BAD_CASES = [
    pytest.param("id: 2026-001\nopened: [unclosed\n", ("MMB001", 3), id="syntax-error"),
    pytest.param("id: 2026-001\nvotes:\n\t- member: jan\n", ("MMB001", 3), id="tab-indent"),
    pytest.param("", ("MMB002", 1), id="empty-file"),
    pytest.param("- id: 2026-001\n- id: 2026-002\n", ("MMB002", 1), id="list-not-mapping"),
    pytest.param(case_yaml(opened="2026-02-30 10:15"), ("MMB002", 2), id="date-2026-02-30"),
    pytest.param(case_yaml(amount='"12,345"'), ("MMB002", 6), id="ambiguous-amount"),
    pytest.param(case_yaml(amount="12.345"), ("MMB002", 6), id="three-decimals"),
    pytest.param(case_yaml(amount="-5"), ("MMB002", 6), id="negative-amount"),
    pytest.param(case_yaml(amount="[1, 2]"), ("MMB002", 6), id="amount-is-list"),
    pytest.param(case_yaml(opened="2026-03-02"), ("MMB002", 2), id="opened-without-time"),
    pytest.param(case_yaml().replace("vote: approve", "vote: misschien", 1), ("MMB002", 10),
                 id="bad-vote-word"),
    pytest.param(case_yaml().replace("purpose:", "purpsoe:"), ("MMB002", 7), id="typo-key"),
    pytest.param(case_yaml().replace("  by: anneke\n", ""), ("MMB002", 18),
                 id="missing-decision-by"),
    pytest.param(case_yaml() + "amount: 200\n", ("MMB002", 23), id="duplicate-key"),
    pytest.param("id: &x 2026-001\nhousehold: *x\n", ("MMB001", 2), id="alias"),
    pytest.param("a: &a [1,2]\nb: {<<: *a}\n", ("MMB001", 2), id="merge-key"),
    pytest.param("id: !!python/object:os.system 2026-001\n", ("MMB001", 1), id="python-tag"),
    pytest.param(b"id: 2026-001\npurpose: caf\xe9\n", ("MMB001", 2), id="not-utf8"),
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ("MMB001", 1), id="binary"),
    pytest.param(case_yaml(outcome="goedgekeurd"), ("MMB002", 19), id="bad-outcome"),
]


@pytest.mark.parametrize(("text", "expected"), BAD_CASES)
def test_bad_case_files(tmp_path, text, expected):
    _cdoc, found = _case_findings(tmp_path, text)
    assert expected in found, found


def test_typo_is_reported_but_case_still_checked(tmp_path):
    cdoc, found = _case_findings(tmp_path, case_yaml().replace("purpose:", "purpose:") +
                                 "bedrag: 12\n")
    assert found == [("MMB002", 23)]
    assert cdoc.case is not None  # the other rules still see the case
    assert "`bedrag` is not a known field" in cdoc.doc.findings[0].message


def test_did_you_mean(tmp_path):
    cdoc, _ = _case_findings(tmp_path, case_yaml().replace("household:", "houshold:"))
    messages = [f.message for f in cdoc.doc.findings]
    assert any("did you mean `household`" in m for m in messages), messages
    assert any("`household` is missing" in m for m in messages), messages


def test_huge_file_is_not_parsed(tmp_path):
    path = tmp_path / "2026-001.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    cdoc = load_case(path, "2026-001.yaml")
    assert [(f.code, f.line) for f in cdoc.doc.findings] == [("MMB001", 1)]
    assert "50.0 MB" in cdoc.doc.findings[0].message


def test_alias_bomb_is_refused_quickly(tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefghij"):
        prev = "abcdefghij"[i]
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    _cdoc, found = _case_findings(tmp_path, "\n".join(lines) + "\n")
    assert found == [("MMB001", 2)]


def test_bad_files_do_not_stop_other_files(make_team):
    root = make_team({"2026-001": "id: [\n", "2026-002": case_yaml("2026-002"),
                      "2026-003": b"\x00\x01".decode("latin-1")})
    found = check(root)
    assert [(c, p) for c, p, _ in codes(found)] == [("MMB001", "cases/2026-001.yaml"),
                                                   ("MMB001", "cases/2026-003.yaml")]


def test_team_yaml_problems_have_lines(make_team):
    bad = TEAM_YAML.replace("  quorum: 3\n", "  quorum: drie\n").replace(
        "district: Noord\n", "district: Noord\ndistrikt: Noord\n")
    root = make_team({}, team=bad)
    assert codes(check(root)) == [("MMB002", "team.yaml", 4), ("MMB002", "team.yaml", 17)]


def test_team_yaml_duplicate_member_and_bad_iban(make_team):
    bad = TEAM_YAML.replace("  - id: jan\n", "  - id: jan\n  - id: jan\n") + (
        "accounts:\n  - iban: NL92ABNA0417164300\n")
    root = make_team({}, team=bad)
    assert codes(check(root)) == [("MMB002", "team.yaml", 8), ("MMB002", "team.yaml", 25)]


def test_a_file_over_the_size_limit_is_not_parsed(tmp_path):
    from mmb.files import load_yaml

    path = tmp_path / "big.yaml"
    path.write_text("purpose: " + "x" * 2000 + "\n")
    doc = load_yaml(path, "big.yaml", limit=1000)
    assert not doc.readable and [f.code for f in doc.findings] == ["MMB001"]
    assert "over the 1000 bytes limit" in doc.findings[0].message
    assert "the file is 2 KB" in doc.findings[0].message  # its size, not what was read
    assert load_yaml(path, "big.yaml", limit=5000).readable
