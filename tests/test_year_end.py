"""The year-end account an accountant signs (issue 15): every euro in the account, both
identities shown and checked, "final" only for a closed and fully covered year, the
period per account, the appendix's receipts, the sign-off block, a real PDF, an XLSX that
prints, and the fingerprint with `mmb report --verify`.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import TEAM_YAML, case_yaml, write_report_key
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mmb.report import FLOWS, Facts, RowFact, TeamFacts, build_report, run_report
from mmb.report_close import Coverage
from mmb.report_render import to_json

IBAN = "NL74ABNA0612345678"
IBAN2 = "NL91ABNA0417164300"
CLOSED = datetime(2027, 2, 1, 12, 0)  # the year 2026 is over
OPEN = datetime(2026, 12, 3, 12, 0)  # it is not
HEADER = ("id,date,amount,balance,counterparty,counterparty_iban,description,source,case,"
          "kind,receipt,note\n")
TEAM_WITH_ACCOUNT = TEAM_YAML + f"accounts:\n  - iban: {IBAN}\n"


def report(folders: list[str], *, fmt: str = "json", now: datetime = CLOSED,
           output: Path | None = None, public: bool = False, year: int = 2026
           ) -> tuple[int, str]:
    out = io.StringIO()
    code = run_report(folders, year=year, fmt=fmt, output=output, by=None, public=public,
                      threshold=5, dutch_excel=False, now=now, stdout=out, colour=False)
    return code, out.getvalue()


def ledger(*rows: str) -> str:
    return HEADER + "".join(r + "\n" for r in rows)


#: The issue's example, closed: a budget of € 3.000 + € 1.000 top-up, both received, one
#: case paid with its receipt, and two payments nobody could tie to a case, marked
#: `other` with a note. Bank costs of December are booked on 2 January 2027, so the bank
#: data reach past the year's end.
CLOSED_LEDGER = ledger(
    "a,2026-01-05,3000.00,3000.00,Gemeente Amsterdam,,MMB 2026,,,deposit,,",
    "b,2026-03-03,-150.00,2850.00,Fietsen BV,,,,2026-001,,receipts/2026-001-fiets.pdf,",
    "c,2026-04-01,-23.95,2826.05,Drogisterij,,,,,other,,bon niet meer te vinden",
    "d,2026-05-02,-50.00,2776.05,Geldmaat,,,,,other,,voor de voedselbank",
    "e,2026-07-02,1000.00,3776.05,Gemeente Amsterdam,,aanvulling,,,deposit,,",
    "f,2027-01-02,-3.45,3772.60,Kosten,,december 2026,,,bank_costs,,",
)


@pytest.fixture
def closed_team(make_team) -> Path:
    root = make_team({"2026-001": case_yaml()}, team=TEAM_WITH_ACCOUNT)
    (root / "ledger.csv").write_text(CLOSED_LEDGER, encoding="utf-8")
    (root / "receipts").mkdir()
    (root / "receipts" / "2026-001-fiets.pdf").write_bytes(b"%PDF-1.4 receipt\n")
    return root


# --------------------------------------------------------------------------- 1. every euro

def test_other_money_is_in_the_account_and_both_identities_hold(closed_team: Path) -> None:
    code, text = report([str(closed_team)])
    got = json.loads(text)
    assert got["status"]["reasons"] == [] and got["status"]["final"] is True and code == 0
    money, bank, rec = got["money"], got["account"], got["reconciliation"]
    # the two unexplained payments are on their own line, and in everything spent
    assert money["other_out"] == "73.95" and bank["other"] == "-73.95"
    assert money["spent_total"] == "223.95"
    # (budget + top-ups) - everything spent = to return ...
    assert Decimal(money["budget_total"]) - Decimal(money["spent_total"]) == Decimal(
        money["unspent"]) == Decimal("3776.05")
    # ... opening + in - out = closing ...
    assert (Decimal(bank["opening_balance"]) + Decimal(bank["money_in"])
            - Decimal(bank["money_out"])) == Decimal(bank["closing_balance"]) == Decimal(
        "3776.05")
    # ... and they agree: what is to be returned is what the bank holds
    assert rec == {"opening_balance": "0.00", "unspent": "3776.05",
                   "expected_closing": "3776.05", "closing_balance": "3776.05",
                   "difference": "0.00", "budget_not_received": "0.00",
                   "bank_difference": "0.00", "agrees": True}
    md = report([str(closed_team)], fmt="md")[1]
    assert "| Other money out, net | € 73,95 |" in md
    assert "| Everything spent | € 223,95 |" in md
    assert md.count("| Unspent, to return | € 3.776,05 |") == 2  # budget side, reconciliation


def test_refunds_without_a_case_and_transfers_have_their_own_lines(make_team) -> None:
    root = make_team({}, team=TEAM_WITH_ACCOUNT)
    (root / "ledger.csv").write_text(ledger(
        "a,2026-01-05,4000.00,4250.00,Gemeente Amsterdam,,,,,deposit,,",
        "b,2026-02-01,12.50,4262.50,Winkel,,retour,,,refund,,",
        "c,2026-03-01,-200.00,4062.50,Spaarrekening,,,,,transfer,,",
        "d,2026-03-02,-10.00,4052.50,Bank,,storno,,,correction,,",
        "e,2026-03-03,10.00,4062.50,Bank,,storno terug,,,correction,,",
        "f,2027-01-02,-1.00,4061.50,Kosten,,,,,bank_costs,,",
    ), encoding="utf-8")
    got = json.loads(report([str(root)])[1])
    money, rec = got["money"], got["reconciliation"]
    assert money["refunds_unlinked_out"] == "-12.50"  # money in: negative spending
    assert money["transfers_out"] == "200.00" and money["corrections_out"] == "0.00"
    assert got["account"]["refunds_unlinked"] == "12.50"
    assert money["unspent"] == "3812.50"  # 4000 - (200 - 12.50)
    # the opening balance carried over from 2025 is its own line
    assert rec["opening_balance"] == "250.00" and rec["expected_closing"] == "4062.50"
    assert rec["closing_balance"] == "4062.50" and rec["agrees"] is True
    kinds = [a["kind"] for a in got["appendix"]]
    assert kinds == ["deposits", "refunds_unlinked", "transfers", "corrections",
                     "corrections"]
    assert got["status"]["final"] is True


def test_budget_not_received_is_a_difference_with_its_cause(make_team) -> None:
    root = make_team({}, team=TEAM_WITH_ACCOUNT)
    (root / "ledger.csv").write_text(ledger(
        "a,2026-01-05,3000.00,3000.00,Gemeente Amsterdam,,,,,deposit,,",
        "f,2027-01-02,-1.00,2999.00,Kosten,,,,,bank_costs,,",
    ), encoding="utf-8")  # the top-up of € 1.000 never arrived
    code, text = report([str(root)])
    got = json.loads(text)
    assert code == 1 and got["status"]["final"] is False
    rec = got["reconciliation"]
    assert rec["unspent"] == "4000.00" and rec["closing_balance"] == "3000.00"
    assert rec["difference"] == "1000.00" and rec["budget_not_received"] == "1000.00"
    assert rec["bank_difference"] == "0.00" and rec["agrees"] is False
    [reason] = got["status"]["reasons"]
    assert "€ 4.000,00" in reason and "€ 3.000,00" in reason
    assert "€ 1.000,00 of the budget was not received" in reason
    # more money in than granted: said the other way round
    (root / "ledger.csv").write_text(ledger(
        "a,2026-01-05,3000.00,3000.00,Gemeente Amsterdam,,,,,deposit,,",
        "b,2026-07-05,1000.00,4000.00,Gemeente Amsterdam,,,,,deposit,,",
        "c,2026-09-05,250.00,4250.00,Fonds,,,,,deposit,,",
        "f,2027-01-02,-1.00,4249.00,Kosten,,,,,bank_costs,,",
    ), encoding="utf-8")
    got = json.loads(report([str(root)])[1])
    assert got["reconciliation"]["budget_not_received"] == "-250.00"
    assert "€ 250,00 more came in than the budget" in got["status"]["reasons"][0]


def test_a_bank_difference_shows_in_both_identities(make_team) -> None:
    root = make_team({}, team=TEAM_WITH_ACCOUNT)
    (root / "ledger.csv").write_text(ledger(
        "a,2026-01-05,4000.00,4000.00,Gemeente Amsterdam,,,,,deposit,,",
        "b,2026-06-05,-30.00,3950.00,Kosten,,,,,bank_costs,,",  # a row is missing
        "f,2027-01-02,-1.00,3949.00,Kosten,,,,,bank_costs,,",
    ), encoding="utf-8")
    got = json.loads(report([str(root)])[1])
    assert got["account"]["difference"] == "-20.00"
    rec = got["reconciliation"]
    assert rec["bank_difference"] == "-20.00" and rec["difference"] == "20.00"
    assert got["status"]["final"] is False
    reasons = got["status"]["reasons"]
    assert "MMB207" in {f["code"] for f in got["findings"]}  # validate sees the break too
    assert reasons[0].startswith("mmb validate finds 1 error(s)")
    assert reasons[1].startswith("the bank balances of 1 team(s) do not add up")


# --------------------------------------------------------------------------- 2. final = closed

def test_final_needs_the_year_over_and_the_data_to_reach_its_end(closed_team: Path) -> None:
    got = json.loads(report([str(closed_team)], now=OPEN)[1])
    assert got["status"]["final"] is False
    assert ["is not over" in r for r in got["status"]["reasons"]] == [True]
    assert got["coverage"] == [{"team": "Buurtteam Test", "iban": IBAN, "from": "2026-01-05",
                                "to": "2026-07-02", "reaches": "2027-01-02",
                                "complete": True}]
    # bank data ending on 15 November: not final, however late the report is made
    text = CLOSED_LEDGER.split("f,2027")[0] + "g,2026-11-15,-3.45,3772.60,Kosten,,,,,bank_costs,,\n"
    (closed_team / "ledger.csv").write_text(text, encoding="utf-8")
    code, out = report([str(closed_team)])
    got = json.loads(out)
    assert code == 1 and got["status"]["reasons"] == [
        f"Buurtteam Test: the bank data of account {IBAN} reach 2026-11-15, not 31 December "
        "2026; put an export that runs to 31 December or later into bank/ and run "
        "`mmb reconcile`"]
    assert got["coverage"][0]["to"] == "2026-11-15" and got["coverage"][0]["complete"] is False
    md = report([str(closed_team)], fmt="md")[1]
    assert f"| Buurtteam Test | {IBAN} | 2026-01-05 | 2026-11-15 | 2026-11-15 | NO |" in md
    # a booking on 31 December itself is enough
    (closed_team / "ledger.csv").write_text(text.replace("2026-11-15", "2026-12-31"),
                                            encoding="utf-8")
    assert json.loads(report([str(closed_team)])[1])["status"]["final"] is True


def test_no_account_or_no_data_is_not_final(make_team) -> None:
    root = make_team({}, team=TEAM_YAML)  # team.yaml lists no account
    (root / "ledger.csv").write_text(CLOSED_LEDGER.replace(
        ",2026-001,,receipts/2026-001-fiets.pdf,", ",,other,,fiets"), encoding="utf-8")
    got = json.loads(report([str(root)])[1])
    assert any("lists no bank account" in r for r in got["status"]["reasons"])
    two = TEAM_WITH_ACCOUNT + f"  - iban: {IBAN2}\n"
    root2 = make_team({}, team=two, folder="two")
    _camt(root2 / "bank" / "a.xml", IBAN, Decimal(0), [
        (date(2026, 1, 5), Decimal("4000.00"), "Gemeente Amsterdam"),
        (date(2027, 1, 2), Decimal("-1.00"), "Kosten")], closing_day=date(2027, 1, 2))
    (root2 / "ledger.csv").write_text(ledger(
        "a,2026-01-05,4000.00,4000.00,Gemeente Amsterdam,,,bank/a.xml,,deposit,,",
        "f,2027-01-02,-1.00,3999.00,Kosten,,,bank/a.xml,,bank_costs,,"), encoding="utf-8")
    got = json.loads(report([str(root2)])[1])
    assert got["status"]["reasons"] == [
        f"Buurtteam Test: there are no bank data for account {IBAN2} in 2026; put its "
        "exports into bank/ and run `mmb reconcile`"]
    assert [(c["iban"], c["complete"]) for c in got["coverage"]] == [(IBAN, True),
                                                                   (IBAN2, False)]


def _camt(path: Path, iban: str, opening: Decimal, entries: list[tuple[date, Decimal, str]],
          *, closing_day: date) -> None:
    """A minimal CAMT.053 statement: opening balance, entries, stated closing balance."""
    path.parent.mkdir(parents=True, exist_ok=True)
    closing = opening + sum((a for _, a, _ in entries), Decimal(0))
    first = entries[0][0] if entries else closing_day

    def bal(code: str, amount: Decimal, day: date) -> str:
        side = "CRDT" if amount >= 0 else "DBIT"
        return (f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
                f'<Amt Ccy="EUR">{abs(amount)}</Amt><CdtDbtInd>{side}</CdtDbtInd>'
                f"<Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>")

    ntry = "".join(
        f'<Ntry><Amt Ccy="EUR">{abs(a)}</Amt><CdtDbtInd>{"CRDT" if a > 0 else "DBIT"}'
        f"</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>{d.isoformat()}</Dt></BookgDt>"
        f"<AcctSvcrRef>{iban[-4:]}{i}</AcctSvcrRef><AddtlNtryInf>{who}</AddtlNtryInf></Ntry>"
        for i, (d, a, who) in enumerate(entries))
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
        "<GrpHdr><MsgId>1</MsgId><CreDtTm>2027-01-03T06:30:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>1</Id><CreDtTm>2027-01-03T06:30:00</CreDtTm><Acct><Id><IBAN>{iban}</IBAN>"
        f"</Id><Ccy>EUR</Ccy></Acct>{bal('PRCD', opening, first)}"
        f"{bal('CLBD', closing, closing_day)}{ntry}</Stmt></BkToCstmrStmt></Document>\n",
        encoding="utf-8")


def test_a_stated_closing_balance_on_31_december_closes_the_year(make_team) -> None:
    """A statement that states its closing balance of 31 December covers the year, though
    its last booking is earlier (nothing happened after 20 December)."""
    root = make_team({}, team=TEAM_WITH_ACCOUNT)
    entries = [(date(2026, 1, 5), Decimal("4000.00"), "Gemeente Amsterdam"),
               (date(2026, 12, 20), Decimal("-3.45"), "Kosten")]
    _camt(root / "bank" / "2026.xml", IBAN, Decimal(0), entries, closing_day=date(2026, 12, 31))
    (root / "ledger.csv").write_text(ledger(
        "a,2026-01-05,4000.00,4000.00,Gemeente Amsterdam,,,bank/2026.xml,,deposit,,",
        "b,2026-12-20,-3.45,3996.55,Kosten,,,bank/2026.xml,,bank_costs,,"), encoding="utf-8")
    got = json.loads(report([str(root)])[1])
    assert got["status"]["reasons"] == []
    assert got["coverage"][0] | {} == {"team": "Buurtteam Test", "iban": IBAN,
                                       "from": "2026-01-05", "to": "2026-12-20",
                                       "reaches": "2026-12-31", "complete": True}
    # the same statement closing on 20 December does not
    _camt(root / "bank" / "2026.xml", IBAN, Decimal(0), entries, closing_day=date(2026, 12, 20))
    got = json.loads(report([str(root)])[1])
    assert got["status"]["final"] is False and "reach 2026-12-20" in got["status"]["reasons"][0]


def test_the_public_report_names_no_team_in_its_reasons(closed_team: Path) -> None:
    (closed_team / "ledger.csv").write_text(CLOSED_LEDGER.split("f,2027")[0], encoding="utf-8")
    write_report_key(closed_team.parent)  # a public report needs the report key
    got = json.loads(report([str(closed_team)], public=True)[1])
    assert got["status"]["reasons"] == ["the bank data of 1 team(s) do not reach 31 December 2026"]
    assert got["coverage"] == [] and got["scope"]["ibans"] == []
    assert IBAN not in json.dumps(got) and "Buurtteam Test" not in json.dumps(got)


# --------------------------------------------------------------------------- properties

AMOUNTS = st.integers(-50000, 50000).map(lambda c: Decimal(c).scaleb(-2))


@st.composite
def ledgers(draw: st.DrawFn) -> tuple[Facts, datetime]:
    """A team (or two) with random cash-book lines of every kind, a random opening
    balance, a closing balance that may or may not add up, a budget that may or may not be
    what was deposited, and bank data that may or may not reach the year's end."""
    teams: list[TeamFacts] = []
    rows: list[RowFact] = []
    for index in range(draw(st.integers(1, 2))):
        budget = Decimal(draw(st.integers(0, 400000))).scaleb(-2)
        top_ups = Decimal(draw(st.integers(0, 100000))).scaleb(-2)
        deposits = budget + top_ups + (draw(AMOUNTS) if draw(st.booleans()) else 0)
        team_rows = [RowFact(team=index, row=2, day=date(2026, 1, 5), amount=deposits,
                             flow="deposits")]
        for k in range(draw(st.integers(0, 12))):
            flow = draw(st.sampled_from([f for f in FLOWS if f != "deposits"]))
            amount = draw(AMOUNTS)
            if flow == "case_payments":
                amount = -abs(amount)
            elif flow in ("refunds", "refunds_unlinked"):
                amount = abs(amount)
            team_rows.append(RowFact(team=index, row=k + 3, day=date(2026, 2, 1), amount=amount,
                                     flow=flow, case="2026-001" if flow in (
                                         "case_payments", "refunds") else "",
                                     household="H-1"))
        opening = draw(AMOUNTS).copy_abs()
        closing = opening + sum((r.amount for r in team_rows), Decimal(0))
        if draw(st.booleans()):
            closing += draw(AMOUNTS)  # a balance that does not add up
        reaches = draw(st.sampled_from([date(2026, 11, 15), date(2026, 12, 31),
                                        date(2027, 1, 2)]))
        teams.append(TeamFacts(index=index, name=f"Team {index}", district="A",
                               municipality="Stad", folder=f"t{index}", budget=budget,
                               top_ups=top_ups, opening=opening, closing=closing,
                               ibans=(IBAN,), coverage=(Coverage(IBAN, date(2026, 1, 5),
                                                                 date(2026, 2, 1), reaches),)))
        rows += team_rows
    now = draw(st.sampled_from([OPEN, CLOSED]))
    return Facts(year=2026, teams=teams, rows=rows), now


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=ledgers())
def test_random_ledgers_satisfy_both_identities_or_are_not_final(
        case: tuple[Facts, datetime]) -> None:
    facts, now = case
    rep = build_report(facts, now=now)
    got = to_json(rep)
    for t, team in zip(facts.teams, got["accounts"], strict=True):
        bank, budget, rec = team, team["budget"], team["reconciliation"]
        d = {k: Decimal(v) for k, v in bank.items() if isinstance(v, str) and k not in (
            "team", "district", "folder")}
        # every line of the bank account is there, and the lines add up to in - out
        assert sum(d[f] for f in FLOWS) == d["money_in"] - d["money_out"]
        assert d["opening_balance"] + d["money_in"] - d["money_out"] == d["computed_closing"]
        # (budget + top-ups) - everything spent = to return, with every line of it
        spent = [Decimal(budget[k]) for k in ("spent", "bank_costs", "transfers_out",
                                              "corrections_out", "other_out",
                                              "refunds_unlinked_out", "unexplained_out")]
        assert sum(spent) == Decimal(budget["spent_total"])
        assert Decimal(budget["budget_total"]) == t.budget + t.top_ups
        assert Decimal(budget["budget_total"]) - sum(spent) == Decimal(budget["unspent"])
        # the two sides: a difference is exactly its two causes, never plugged
        assert Decimal(rec["expected_closing"]) == t.opening + Decimal(budget["unspent"])
        assert Decimal(rec["difference"]) == (Decimal(rec["expected_closing"])
                                              - Decimal(rec["closing_balance"]))
        assert Decimal(rec["difference"]) == (Decimal(rec["budget_not_received"])
                                              - Decimal(rec["bank_difference"]))
        if got["status"]["final"]:
            assert bank["agrees"] is True and rec["agrees"] is True
            assert Decimal(rec["closing_balance"]) == Decimal(rec["expected_closing"]) == (
                d["computed_closing"])
        elif rec["difference"] != "0.00" or bank["difference"] != "0.00":
            assert rec["agrees"] is False or bank["agrees"] is False
    # final exactly when the year is over, every account reaches its end and the money
    # agrees both ways; the team totals agree only when every team does
    agrees = all(a["agrees"] and a["reconciliation"]["agrees"] for a in got["accounts"])
    closed = now > datetime(2026, 12, 31, 23, 59) and all(
        c.complete(2026) for t in facts.teams for c in t.coverage)
    unexplained = any(r.flow == "unexplained" for r in facts.rows)
    assert got["status"]["final"] is (agrees and closed and not unexplained)
    assert got["status"]["final"] is (got["status"]["reasons"] == [])
    assert got["reconciliation"]["agrees"] is all(a["reconciliation"]["agrees"]
                                                   for a in got["accounts"])
    # the headline "to return" is the teams' own, added up
    assert Decimal(got["money"]["unspent"]) == sum(
        (Decimal(a["budget"]["unspent"]) for a in got["accounts"]), Decimal(0))


# --------------------------------------------------------------------------- 3. what is checked

def test_appendix_names_the_receipts_and_csv_carries_the_status(closed_team: Path) -> None:
    got = json.loads(report([str(closed_team)])[1])
    paid = [a for a in got["appendix"] if a["case"] == "2026-001"]
    assert [(a["receipt"], a["receipt_files"]) for a in paid] == [
        ("attached", ["receipts/2026-001-fiets.pdf"])]
    assert got["scope"]["ibans"] == [IBAN]
    md = report([str(closed_team)], fmt="md")[1]
    assert "| receipts/2026-001-fiets.pdf |" in md
    assert f"| Bank account(s) | {IBAN} |" in md
    rows = list(csv.reader(io.StringIO(report([str(closed_team)], fmt="csv")[1])))
    assert rows[1] == ["2026", "status", "", "final", "true", ""]
    short = CLOSED_LEDGER.split("f,2027")[0]
    (closed_team / "ledger.csv").write_text(short, encoding="utf-8")
    rows = list(csv.reader(io.StringIO(report([str(closed_team)], fmt="csv")[1])))
    assert rows[1] == ["2026", "status", "", "final", "false", ""]
    assert rows[2][:4] == ["2026", "status", "", "reason"] and "not 31 December" in rows[2][4]


def test_html_and_xlsx_end_with_the_sign_off(closed_team: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    page = report([str(closed_team)], fmt="html")[1]
    signoff = page[page.index('<section class="signoff'):]
    for label in ("Sign-off", "Prepared by", "Checked by", "Date", "Signature"):
        assert label in signoff
    assert signoff.count('class="line') == 6  # a line to write on for each
    assert "fingerprint" in signoff
    target = tmp_path / "r.xlsx"
    report([str(closed_team)], output=target, fmt="table")
    ws = load_workbook(target)["Summary"]
    labels = [c.value for c in ws["A"] if c.value]
    at = labels.index("Sign-off")
    assert labels[at + 4:] == ["Prepared by", "Date", "Signature", "Checked by", "Date",
                               "Signature"]
    lines = [r for r in range(1, ws.max_row + 1)
             if ws.cell(r, 1).value in ("Prepared by", "Signature")]
    assert all(ws.cell(r, 2).border.bottom.style == "thin" for r in lines)


# --------------------------------------------------------------------------- 4. a real PDF

def _euro(value: str) -> str:
    from mmb.money import euro

    return euro(Decimal(value))


def test_the_pdf_is_a4_and_holds_the_same_totals_as_the_json(closed_team: Path,
                                                            tmp_path: Path) -> None:
    from pypdf import PdfReader

    target = tmp_path / "jaarrekening.pdf"
    code, said = report([str(closed_team)], fmt="table", output=target)
    assert code == 0 and said.startswith("Wrote the 2026 report (pdf)")
    assert target.read_bytes().startswith(b"%PDF-")
    pdf = PdfReader(target)
    assert len(pdf.pages) >= 2
    for page in pdf.pages:  # A4: 210 x 297 mm
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (
            595, 842)
    text = "\n".join(page.extract_text() for page in pdf.pages)
    got = json.loads(report([str(closed_team)])[1])
    assert pdf.metadata.title == got["title"]
    money, rec = got["money"], got["reconciliation"]
    for value in (money["budget_total"], money["spent"], money["other_out"],
                  money["spent_total"], money["unspent"], rec["closing_balance"],
                  got["account"]["money_in"], got["account"]["money_out"]):
        assert _euro(value) in text, value
    assert got["status"]["message"].split(":")[0] in text  # "Final"
    for label in ("Budget use", "Requests by outcome", "Spent per month", "Sign-off",
                  "Prepared by", "Checked by", "Signature", "receipts/2026-001-fiets.pdf",
                  IBAN):
        assert label in text, label
    # the charts are drawn (rectangles on the first page), not pictures of text
    assert b" re" in pdf.pages[0].get_contents().get_data()
    # made twice, the same bytes (dated with the report's own time)
    again = tmp_path / "again.pdf"
    report([str(closed_team)], fmt="pdf", output=again)
    assert again.read_bytes() == target.read_bytes()


def test_pdf_text_cannot_inject_markup(make_team, tmp_path: Path) -> None:
    from pypdf import PdfReader

    root = make_team({}, team=TEAM_WITH_ACCOUNT.replace(
        "name: Buurtteam Test", 'name: "Team <b>x</b> & \\u202eevil"'))
    (root / "ledger.csv").write_text(ledger(
        "a,2026-01-05,4000.00,4000.00,<font size=40>Gemeente</font>,,,,,deposit,,",
        "f,2027-01-02,-1.00,3999.00,Kosten\x07,,,,,bank_costs,,"), encoding="utf-8")
    target = tmp_path / "r.pdf"
    report([str(root)], fmt="pdf", output=target)
    text = "\n".join(p.extract_text() for p in PdfReader(target).pages)
    assert "Team <b>x</b> & \\u202eevil" in text and "<font size=40>Gemeente</font>" in text
    assert "\u202e" not in text


@pytest.mark.parametrize("name", ["report.docx", "report.odt", "report.PDFX"])
def test_an_unknown_extension_is_refused_and_nothing_written(closed_team: Path,
                                                             tmp_path: Path,
                                                             name: str) -> None:
    from mmb.errors import UsageError

    target = tmp_path / name
    with pytest.raises(UsageError, match="not a report format"):
        report([str(closed_team)], fmt="table", output=target)
    assert not target.exists()
    with pytest.raises(UsageError, match="that name says pdf"):
        report([str(closed_team)], fmt="json", output=tmp_path / "r.pdf")
    with pytest.raises(UsageError, match="-o"):
        report([str(closed_team)], fmt="pdf")
    assert list(tmp_path.glob("r.*")) == []


def test_cli_refuses_docx_with_exit_2(closed_team: Path, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "MMB_NOW": "2027-02-01 12:00", "NO_COLOR": "1"}
    run = subprocess.run([sys.executable, "-m", "mmb", "report", str(closed_team), "--year",
                          "2026", "-o", str(tmp_path / "r.docx")], env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and run.stdout == "" and "Traceback" not in run.stderr
    assert "'.docx' is not a report format" in run.stderr
    assert not (tmp_path / "r.docx").exists()
    run = subprocess.run([sys.executable, "-m", "mmb", "report", str(closed_team), "--year",
                          "2026", "-o", str(tmp_path / "r.pdf")], env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")


# --------------------------------------------------------------------------- 6. fingerprint

def _verify(report_file: Path, folders: list[str] | None = None) -> tuple[int, str]:
    from mmb.fingerprint import run_verify

    out = io.StringIO()
    return run_verify(report_file, folders, out), out.getvalue()


def _made(root: Path, tmp_path: Path) -> tuple[Path, dict]:
    target = tmp_path / "signed.json"
    report([str(root)], output=target)
    return target, json.loads(target.read_text(encoding="utf-8"))


def test_the_report_lists_every_input_with_its_sha256(closed_team: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib

    monkeypatch.setattr("mmb.fingerprint._in_git", lambda root: False)
    _, got = _made(closed_team, tmp_path)
    fp = got["fingerprint"]
    [inputs] = fp["inputs"]
    assert inputs["folder"] == str(closed_team)
    files = {f["path"]: f["sha256"] for f in inputs["files"]}
    assert sorted(files) == ["cases/2026-001.yaml", "ledger.csv",
                             "receipts/2026-001-fiets.pdf", "team.yaml"]
    for path, digest in files.items():
        assert hashlib.sha256((closed_team / path).read_bytes()).hexdigest() == digest
    assert fp["files"] == 4 and fp["git"] == [] and len(fp["digest"]) == 64
    # the sign-off of every printable format carries the digest
    assert fp["digest"] in report([str(closed_team)], fmt="html")[1]
    rows = list(csv.reader(io.StringIO(report([str(closed_team)], fmt="csv")[1])))
    assert ["2026", "status", "", "fingerprint", fp["digest"], ""] in rows
    # a public report publishes only the digest: file names would name cases, and their
    # number would count them past the noise of the figures
    write_report_key(closed_team.parent)
    public = json.loads(report([str(closed_team)], public=True)[1])["fingerprint"]
    assert public == {"algorithm": "sha256", "digest": fp["digest"], "files": None,
                      "folders": [str(closed_team)]}


def test_verify_detects_any_changed_added_or_removed_input(closed_team: Path,
                                                            tmp_path: Path) -> None:
    signed, got = _made(closed_team, tmp_path)
    assert _verify(signed)[0] == 0
    paths = [f["path"] for f in got["fingerprint"]["inputs"][0]["files"]]
    for rel in paths:  # every input file, changed by one byte, then put back
        file = closed_team / rel
        original = file.read_bytes()
        file.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
        code, said = _verify(signed)
        assert code == 1 and said.splitlines()[1:] == [f"  changed: {closed_team}/{rel}"]
        file.write_bytes(original)
        file.unlink()
        code, said = _verify(signed)
        assert code == 1 and said.splitlines()[1:] == [f"  removed: {closed_team}/{rel}"]
        file.write_bytes(original)
    assert _verify(signed)[0] == 0
    for rel in ("cases/2026-099.yaml", "bank/export.csv", "receipts/extra/bon.jpg",
                "payees.yaml"):
        file = closed_team / rel
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text("x\n", encoding="utf-8")
        code, said = _verify(signed)
        assert code == 1 and said.splitlines()[1:] == [f"  added: {closed_team}/{rel}"]
        file.unlink()
    # not inputs: hidden files, and files beside the team's folders
    (closed_team / ".DS_Store").write_text("x", encoding="utf-8")
    (closed_team / "receipts" / ".~lock").write_text("x", encoding="utf-8")
    (closed_team / "notes.txt").write_text("x", encoding="utf-8")
    code, said = _verify(signed)
    assert code == 0 and said.startswith("The folders hold exactly the 4 input file(s)")


def test_verify_from_elsewhere_and_bad_input(closed_team: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from mmb.errors import InputError, UsageError

    signed, _ = _made(closed_team, tmp_path)
    monkeypatch.chdir(closed_team)
    assert _verify(signed, ["."])[0] == 0  # the same folder, given another way
    with pytest.raises(UsageError, match="1 folder"):
        _verify(signed, [".", "."])
    # a report whose list of files was edited to match changed books is caught
    (closed_team / "ledger.csv").write_text(CLOSED_LEDGER.replace("-50.00", "-5.00"),
                                            encoding="utf-8")
    edited = json.loads(signed.read_text(encoding="utf-8"))
    import hashlib

    for f in edited["fingerprint"]["inputs"][0]["files"]:
        if f["path"] == "ledger.csv":
            f["sha256"] = hashlib.sha256((closed_team / "ledger.csv").read_bytes()).hexdigest()
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(edited), encoding="utf-8")
    code, said = _verify(forged)
    assert code == 1 and "was edited" in said
    for text, match in (("{", "not the JSON"), ('{"format": "other"}', "not the JSON"),
                        ('{"format": "mmb-report/1"}', "no fingerprint")):
        bad = tmp_path / "bad.json"
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(InputError, match=match):
            _verify(bad)
    with pytest.raises(InputError, match="No such file"):
        _verify(tmp_path / "missing.json")
    with pytest.raises(InputError, match="not a file"):
        _verify(tmp_path)


def test_verify_a_public_report_by_its_digest(closed_team: Path, tmp_path: Path) -> None:
    target = tmp_path / "public.json"
    write_report_key(closed_team.parent)
    report([str(closed_team)], output=target, public=True)
    assert _verify(target)[0] == 0
    (closed_team / "cases" / "2026-001.yaml").write_text(case_yaml(approved="149"),
                                                         encoding="utf-8")
    code, said = _verify(target)
    assert code == 1 and "cannot say which" in said


def test_special_files_are_recorded_not_opened(closed_team: Path, tmp_path: Path) -> None:
    import os

    os.mkfifo(closed_team / "receipts" / "pipe.pdf")
    os.symlink("/etc/passwd", closed_team / "receipts" / "link.pdf")
    from mmb.fingerprint import team_inputs

    files = dict(team_inputs(closed_team, with_git=False).files)
    assert files["receipts/pipe.pdf"].startswith("special:")
    assert files["receipts/link.pdf"] == "symlink:/etc/passwd"


def test_a_clean_git_checkout_records_commit_and_tree(closed_team: Path, tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.fail("git is needed for this test")
    repo = closed_team.parent

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(repo), *args], check=True, text=True,
                              capture_output=True,
                              env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x",
                                   "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x",
                                   "HOME": str(tmp_path), "PATH": os.environ["PATH"]}
                              ).stdout.strip()

    import os

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "books")
    _, got = _made(closed_team, tmp_path)
    assert got["fingerprint"]["git"] == [{"team": str(closed_team), "commit": git(
        "rev-parse", "HEAD"), "tree": git("rev-parse", f"HEAD:{closed_team.name}")}]
    # a change not committed: no git claim, the hashes still say what was read
    (closed_team / "receipts" / "2026-001-fiets.pdf").write_bytes(b"other\n")
    _, got = _made(closed_team, tmp_path)
    assert got["fingerprint"]["git"] == [] and got["fingerprint"]["files"] == 4


def test_cli_verify_exit_codes(closed_team: Path, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "MMB_NOW": "2027-02-01 12:00", "NO_COLOR": "1"}

    def mmb(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "mmb", *args], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=60)

    assert mmb("report", "team", "--year", "2026", "-o", "signed.json").returncode == 0
    same = mmb("report", "--verify", "signed.json")
    assert same.returncode == 0 and "hold exactly the 4 input file(s)" in same.stdout
    (closed_team / "ledger.csv").write_text(CLOSED_LEDGER + "\n", encoding="utf-8")
    changed = mmb("report", "--verify", "signed.json", "team")
    assert changed.returncode == 1 and "  changed: team/ledger.csv" in changed.stdout
    bad = mmb("report", "--verify", "missing.json")
    assert bad.returncode == 2 and bad.stdout == "" and "Traceback" not in bad.stderr
    mixed = mmb("report", "--verify", "signed.json", "-o", "x.pdf")
    assert mixed.returncode == 2 and "leave out -o" in mixed.stderr


# --------------------------------------------------------------------------- 5. xlsx prints

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.mark.parametrize("public", [False, True])
def test_every_xlsx_sheet_is_set_up_to_print(tmp_path: Path, public: bool,
                                             public_examples: Path) -> None:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    from mmb.report_render import shown_width

    target = tmp_path / "r.xlsx"
    # a public report needs the report key: the copy of the examples has one
    folder = public_examples / "examples" if public else EXAMPLES
    report([str(folder)], fmt="xlsx", output=target, public=public, now=OPEN)
    wb = load_workbook(target)
    expected = {"Summary", "By district", "By category", "By month"}
    if not public:
        expected |= {"By team", "Accounts", "Bank data", "Open items", "Appendix"}
    assert set(wb.sheetnames) == expected
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert int(setup.paperSize) == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True, ws.title
        assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 0), ws.title
        assert ws.print_title_rows == ("$1:$3" if ws.title == "Summary" else "$1:$1")
        assert "&P" in ws.oddFooter.right.text and "NOT FINAL" in ws.oddFooter.left.text
        merged = {c.coordinate for r in ws.merged_cells.ranges for row in ws[r.coord]
                  for c in row}
        widths = {}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None or cell.coordinate in merged:
                    continue
                width = ws.column_dimensions[get_column_letter(cell.column)].width
                widths[cell.column] = width
                # no label is cut: the column holds it, or the cell wraps
                assert width >= shown_width(cell) or cell.alignment.wrap_text, (
                    ws.title, cell.coordinate, cell.value)
        wide = sum(widths.values()) > 95
        assert setup.orientation == ("landscape" if wide else "portrait"), ws.title
    if not public:
        appendix = wb["Appendix"]
        receipts = [appendix.cell(r, 7).value for r in range(2, appendix.max_row + 1)]
        assert "receipts/2026-001-zeeman.pdf" in " ".join(str(r) for r in receipts)
