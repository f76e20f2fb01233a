"""Work split over two processes gives what one process gives, also when the child fails."""

from __future__ import annotations

import os
import shutil
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from conftest import TEAM_YAML, case_yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import mmb.reconcile
from mmb.ledger import LedgerRow, content_id, content_ids, match_rows, merge_export, new_rows
from mmb.parallel import Child, ChildFailed, split_in_two
from mmb.reconcile import reconcile

NOW = datetime(2026, 11, 22, 12)
ACCOUNT = "NL91ABNA0417164300"


def test_split_in_two_is_the_work_done_in_one_go():
    parent = os.getpid()

    def work(lo: int, hi: int) -> list[tuple[int, bool]]:
        return [(i * i, os.getpid() == parent) for i in range(lo, hi)]

    first, second = split_in_two(work, 10, 4)
    assert [v for v, _ in first + second] == [i * i for i in range(10)]
    assert all(here for _, here in first)
    assert not any(here for _, here in second)  # the second part ran in the child


def test_a_failed_child_has_its_part_done_here():
    parent = os.getpid()

    def work(lo: int, hi: int) -> list[int]:
        if os.getpid() != parent:
            raise RuntimeError("the child breaks")
        return list(range(lo, hi))

    assert split_in_two(work, 6, 3) == ([0, 1, 2], [3, 4, 5])


def test_a_child_that_dies_is_a_failure_not_a_hang():
    child = Child(lambda: os._exit(3))
    with pytest.raises(ChildFailed):
        child.result()


def test_an_error_here_leaves_no_child_behind():
    parent = os.getpid()
    seen: list[int] = []

    def work(lo: int, hi: int) -> bytes:
        if os.getpid() == parent:
            raise ValueError("the parent's part breaks")
        return b"x" * 1_000_000  # more than a pipe holds: the child waits to write it

    with pytest.raises(ValueError):
        split_in_two(work, 2, 1)
    with pytest.raises(ChildProcessError):  # the child was waited for: none is left
        seen.append(os.waitpid(-1, os.WNOHANG)[0])
    assert seen == []


def _rows(days: list[tuple[int, str, str]]) -> list[LedgerRow]:
    out = []
    for day, amount, who in days:
        out.append(LedgerRow(date=date(2026, 1, 1) + timedelta(days=day), amount=Decimal(amount),
                             counterparty=who, description=f"{who}  betaling"))
    return out


_DAY = st.tuples(st.integers(0, 5), st.sampled_from(["-2.50", "-10.00", "3.00"]),
                 st.sampled_from(["Koffie", "Shop"]))


@settings(max_examples=200, deadline=None)
@given(st.lists(_DAY, max_size=30).map(sorted), st.data())
def test_content_ids_of_days_apart_are_those_of_the_whole(days, data):
    rows = _rows(days)
    needed = [True] * len(rows)
    whole = content_ids(rows, ACCOUNT, needed)
    cuts = [0] + [i for i in range(1, len(rows)) if rows[i - 1].date != rows[i].date]
    cut = data.draw(st.sampled_from(cuts))
    a = content_ids(rows[:cut], ACCOUNT, needed[:cut])
    b = content_ids(rows[cut:], ACCOUNT, needed[cut:])
    assert (a[0] + b[0], a[1] + b[1]) == whole
    # Each is the content id of its row with the count of identical rows before it.
    for i, r in enumerate(rows):
        assert whole[0][i] == content_id(ACCOUNT, r, whole[1][i])


@settings(max_examples=100, deadline=None)
@given(st.lists(_DAY, max_size=20).map(sorted), st.integers(0, 20))
def test_merge_with_ids_made_beforehand_is_the_same(days, known):
    ledger = _rows(days[:known])
    incoming = _rows(days)
    bank_ids: list[str | None] = [None] * len(incoming)
    plain = list(ledger)
    merge_export(plain, incoming, ACCOUNT, bank_ids)
    prepared = list(ledger)
    matches = match_rows(prepared, incoming)
    ids = content_ids(incoming, ACCOUNT, new_rows(matches, bank_ids))
    merge_export(prepared, incoming, ACCOUNT, bank_ids, matches=matches, ids=ids)
    assert [(r.date, r.amount, r.id) for r in prepared] == [(r.date, r.amount, r.id) for r in plain]


def _ing_export(rows: int) -> str:
    """An ING export of `rows` days-spread rows, newest first, with card payments, a
    deposit and a transfer naming a case."""
    header = ('"Datum";"Naam / Omschrijving";"Rekening";"Tegenrekening";"Code";"Af Bij";'
              '"Bedrag (EUR)";"Mutatiesoort";"Mededelingen";"Saldo na mutatie";"Tag"\n')
    balance = Decimal("100000.00")
    lines = []
    for i in range(rows):
        day = date(2026, 1, 1) + timedelta(days=i // 7)
        if i == 3:
            amount, name, note = Decimal("500.00"), "Gemeente Amsterdam", "budget"
        elif i % 11 == 0:
            amount, name, note = Decimal("-40.00"), "Woningcorporatie", "Casus 2026-001 huur"
        else:
            amount, name, note = -Decimal(100 + i % 9) / 100, "Koffie", "Pasvolgnr 001"
        balance += amount
        sign = "Bij" if amount > 0 else "Af"
        text = f"{abs(amount):.2f}".replace(".", ",")
        bal = f"{balance:.2f}".replace(".", ",")
        lines.append(f'"{day:%Y%m%d}";"{name}";"{ACCOUNT}";"";"BA";"{sign}";"{text}";'
                     f'"Betaalautomaat";"{note}";"{bal}";""\n')
    return header + "".join(reversed(lines))


@pytest.mark.parametrize("split", [True, False])
def test_reconcile_of_a_big_export_is_the_same_in_two_processes(make_team, tmp_path, monkeypatch,
                                                                split):
    root = make_team({"2026-001": case_yaml()}, team=TEAM_YAML + f"accounts: [{{iban: {ACCOUNT}}}]\n")
    (root / "bank").mkdir()
    (root / "bank" / "export.csv").write_text(_ing_export(300), encoding="utf-8")
    alone_root = tmp_path / "alone"
    shutil.copytree(root, alone_root)
    monkeypatch.setattr(mmb.reconcile, "MIN_ROWS", 50 if split else 10**9)
    result = reconcile(root, NOW, link=True)
    monkeypatch.setattr(mmb.reconcile, "MIN_ROWS", 10**9)
    alone = reconcile(alone_root, NOW, link=True)
    assert result.added == alone.added == 300
    assert (root / "ledger.csv").read_bytes() == (alone_root / "ledger.csv").read_bytes()
    assert result.findings == alone.findings
    assert len(result.classified) == len(alone.classified) > 20  # refunds/payments named, deposit


def test_a_bank_id_taken_already_gives_the_row_a_content_id():
    first = _rows([(1, "-2.50", "Koffie")])
    second = _rows([(2, "-9.00", "Shop"), (2, "-9.00", "Shop")])
    rows: list[LedgerRow] = []
    merge_export(rows, first, ACCOUNT, ["BANK-1"])
    added = merge_export(rows, second, ACCOUNT, ["BANK-1", "BANK-2"])
    assert [r.id for r in rows] == ["BANK-1", content_id(ACCOUNT, second[0], 1), "BANK-2"]
    assert added == rows[1:]
    # The second identical one, its bank id taken too, is the second occurrence.
    again = _rows([(3, "-1.00", "Shop"), (3, "-1.00", "Shop")])
    merge_export(rows, again, ACCOUNT, ["BANK-3", "BANK-1"])
    assert rows[-1].id == content_id(ACCOUNT, again[1], 2)


def test_content_ids_are_made_of_the_text_they_always_were():
    """Ids already in ledgers stay what they are: the same text, the same hash."""
    import hashlib

    row = LedgerRow(date=date(2026, 3, 1), amount=Decimal("-2.5"), balance=Decimal("97.50"),
                    counterparty=" Koffie  Bar", description="Pas\t001 ")
    text = f"{ACCOUNT}|2026-03-01|-2.50|97.50|Koffie Bar|Pas 001|2"
    expected = "mmb-" + hashlib.sha1(text.encode()).hexdigest()[:12]
    assert content_id(ACCOUNT, row, 2) == expected
    assert content_ids([row, row], ACCOUNT, [True, True])[0][1] == expected
