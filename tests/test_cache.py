"""The validation cache: used when nothing changed, never over a changed file or a new day."""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta

import pytest
from conftest import case_yaml

from mmb import validate as validate_module
from mmb.validate import validate_folders

NOW = datetime(2026, 11, 22, 12, 0)


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _age(root, seconds=60):
    """Make every file look written a minute ago (the cache ignores fresh files)."""
    past = time.time() - seconds
    for path in root.rglob("*"):
        os.utime(path, (past, past))


def _no_loading(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the team was loaded although the cache was good")

    monkeypatch.setattr(validate_module, "load_team", refuse)


def test_warm_run_uses_cache_and_gives_same_result(make_team, monkeypatch):
    root = make_team({"2026-001": case_yaml(approved="600", amount="600")})
    _age(root)
    cold = validate_folders([str(root)], NOW, workers=1)
    assert [f.code for f in cold.findings] == ["MMB103"]
    _no_loading(monkeypatch)
    warm = validate_folders([str(root)], NOW, workers=1)
    assert warm.findings == cold.findings and warm.cases == cold.cases == 1


def test_changed_file_is_not_trusted(make_team):
    root = make_team({"2026-001": case_yaml(approved="600", amount="600")})
    _age(root)
    assert [f.code for f in validate_folders([str(root)], NOW, workers=1).findings] == ["MMB103"]
    path = root / "cases" / "2026-001.yaml"
    path.write_text(path.read_text().replace("amount: 600\n", "amount: 400\n"))  # same size
    _age(root, 30)
    assert validate_folders([str(root)], NOW, workers=1).findings == []


def test_new_or_removed_file_is_seen(make_team):
    root = make_team({"2026-001": case_yaml()})
    _age(root)
    assert validate_folders([str(root)], NOW, workers=1).findings == []
    (root / "cases" / "2026-002.yaml").write_text("id: [\n")
    _age(root)
    assert [f.code for f in validate_folders([str(root)], NOW, workers=1).findings] == ["MMB001"]
    (root / "cases" / "2026-002.yaml").unlink()
    assert validate_folders([str(root)], NOW, workers=1).findings == []


def test_mmb_yaml_appearing_above_is_seen(make_team, tmp_path):
    root = make_team({"2026-001": case_yaml()})
    _age(root)
    assert validate_folders([str(root)], NOW, workers=1).findings == []
    (tmp_path / "mmb.yaml").write_text("rules:\n  quorom: 2\n")  # a typo, reported there
    _age(tmp_path)
    found = validate_folders([str(root)], NOW, workers=1).findings
    assert [(f.code, os.path.basename(f.path)) for f in found] == [("MMB002", "mmb.yaml")]


def test_time_dependent_findings_are_recomputed(make_team, monkeypatch):
    pending = case_yaml("2026-001", opened="2026-11-22 10:00", outcome=None, votes=[])
    root = make_team({"2026-001": pending})
    _age(root)
    assert validate_folders([str(root)], NOW, workers=1).findings == []
    # Opened at 10:00: at 09:00 the next day it is 23 hours old, at 11:00 25 hours: late.
    # The cached "no findings" must not be used then.
    later = validate_folders([str(root)], NOW + timedelta(hours=21), workers=1)
    assert later.findings == []
    late = validate_folders([str(root)], NOW + timedelta(hours=23), workers=1)
    assert [f.code for f in late.findings] == ["MMB107"]


def test_fresh_files_are_not_cached(make_team, monkeypatch):
    root = make_team({"2026-001": case_yaml()})  # just written: mtime is now
    validate_folders([str(root)], NOW, workers=1)
    _no_loading(monkeypatch)
    with pytest.raises(AssertionError, match="loaded although"):
        validate_folders([str(root)], NOW, workers=1)


def test_corrupt_cache_is_ignored(make_team, tmp_path):
    root = make_team({"2026-001": case_yaml(approved="600", amount="600")})
    _age(root)
    validate_folders([str(root)], NOW, workers=1)
    for path in (tmp_path / "cache").rglob("*.json"):
        path.write_text("{not json")
    assert [f.code for f in validate_folders([str(root)], NOW, workers=1).findings] == ["MMB103"]


def test_parallel_equals_serial(tmp_path):
    from pathlib import Path

    examples = Path(__file__).resolve().parent.parent / "examples"
    serial = validate_folders([str(examples)], NOW, workers=1, use_cache=False)
    parallel = validate_folders([str(examples)], NOW, workers=2, use_cache=False)
    assert parallel.findings == serial.findings and parallel.cases == serial.cases == 64


def test_receipts_coming_and_going_are_seen(make_team):
    """Receipts are fingerprinted by their folders and links, not file by file."""
    root = make_team({"2026-001": case_yaml()})
    (root / "ledger.csv").write_text(
        "id,date,amount,balance,counterparty,counterparty_iban,description,source,case,kind,"
        "receipt,note\nx1,2026-03-03,-150.00,,Fietsenmaker,,,,2026-001,,"
        "receipts/2026/2026-001-fiets.pdf,\n")
    receipt = root / "receipts" / "2026" / "2026-001-fiets.pdf"
    receipt.parent.mkdir(parents=True)
    receipt.write_bytes(b"%PDF")
    _age(root)
    assert validate_folders([str(root)], NOW, workers=1).findings == []
    receipt.unlink()  # in a subfolder: its own modification time changes
    _age(root, 50)
    assert [f.code for f in validate_folders([str(root)], NOW, workers=1).findings] == ["MMB206"]
    elsewhere = root / "receipts" / "scan.pdf"
    elsewhere.write_bytes(b"%PDF")
    receipt.symlink_to(elsewhere)
    _age(root, 40)
    assert validate_folders([str(root)], NOW, workers=1).findings == []
    folder = (root / "receipts").stat()
    elsewhere.unlink()  # the link stays, its target goes; the folder looks untouched
    os.utime(root / "receipts", ns=(folder.st_atime_ns, folder.st_mtime_ns))
    assert [f.code for f in validate_folders([str(root)], NOW, workers=1).findings] == ["MMB206"]
