"""Paying the supplier directly (issue 21): payees.yaml, `mmb pay` (SEPA pain.001), the
orders it records, their booking found by `mmb reconcile`, and MMB203/MMB211/MMB212."""

from __future__ import annotations

import hashlib
import tempfile
import textwrap
import xml.etree.ElementTree as ET
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import case_yaml, write_report_key
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mmb.errors import ConflictError, InputError, RefusedError, UsageError
from mmb.folder import load_team
from mmb.ledger import read_ledger
from mmb.models import Case
from mmb.pay import pay, pay_again
from mmb.payments import check_payments, left_to_pay, rows_by_case
from mmb.reconcile import reconcile
from mmb.validate import validate_team

NOW = datetime(2026, 3, 5, 10, 15)  # a Thursday
LATER = datetime(2026, 3, 9, 10, 0)
OWN = "NL91ABNA0417164300"
YMERE = "NL02ABNA0123456789"
JANSEN = "NL39RABO0300065264"
EIGEN_HAARD = "NL20INGB0001234567"

TEAM = f"""\
name: Buurtteam Noord
members:
  - id: fatima
  - id: jan
  - id: anneke
  - id: piet
rules:
  household_cap: null
budget:
  - year: 2026
    amount: 100000
categories: [woonlasten, vervoer]
accounts:
  - iban: {OWN}
"""

PAYEES = f"""\
# who the team pays by transfer
- id: ymere
  name: Woningcorporatie Ymère   # the housing corporation
  iban: {YMERE[:4]} {YMERE[4:8]} {YMERE[8:12]} {YMERE[12:16]} {YMERE[16:]}
  kind: organisation
- id: jansen
  name: J. Jansen
  iban: {JANSEN}
  kind: person
  note: private landlord of one household, pays no invoices otherwise
- id: eigen-haard
  name: Eigen Haard
  iban: {EIGEN_HAARD}
  bic: INGBNL2A
  kind: organisation
"""


def approved_case(case_id: str, amount: str = "150", *, payee: str | None = "ymere",
                  reference: str | None = "factuur 2026-118", extra: str = "",
                  **kwargs: object) -> str:
    more = ""
    if payee is not None:
        more += f"payee: {payee}\n"
    if reference is not None:
        more += f"payee_reference: {reference}\n"
    kwargs.setdefault("approved", amount)
    return case_yaml(case_id, category="woonlasten", amount=amount,
                     extra=more + textwrap.dedent(extra), **kwargs)  # type: ignore[arg-type]


def make_folder(root: Path, cases: dict[str, str], *, team: str = TEAM,
                payees: str | None = PAYEES) -> Path:
    (root / "cases").mkdir(parents=True)
    (root / "team.yaml").write_text(team, encoding="utf-8")
    if payees is not None:
        (root / "payees.yaml").write_text(payees, encoding="utf-8")
    for cid, text in cases.items():
        (root / "cases" / f"{cid}.yaml").write_text(text, encoding="utf-8")
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def camt053(account: str, opening: Decimal, day: str,
            entries: list[tuple[Decimal, str | None, str, str, str]]) -> str:
    """A CAMT.053 statement of `account` on `day`: (signed amount, end-to-end id or None,
    remittance, counterparty name, counterparty IBAN) per entry."""
    total = opening
    parts = []
    for i, (amount, e2e, text, name, iban) in enumerate(entries):
        total += amount
        party = "Cdtr" if amount < 0 else "Dbtr"
        ref = e2e or "NOTPROVIDED"
        parts.append(f"""
    <Ntry><Amt Ccy="EUR">{abs(amount):.2f}</Amt><CdtDbtInd>{"DBIT" if amount < 0 else "CRDT"}</CdtDbtInd>
      <Sts>BOOK</Sts><BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>
      <AcctSvcrRef>BANKREF{i:05d}</AcctSvcrRef>
      <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
      <NtryDtls><TxDtls><Refs><EndToEndId>{ref}</EndToEndId></Refs>
        <RltdPties><{party}><Nm>{name}</Nm></{party}><{party}Acct><Id><IBAN>{iban}</IBAN></Id></{party}Acct></RltdPties>
        <RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>""")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
  <GrpHdr><MsgId>STMT-{day}</MsgId><CreDtTm>{day}T20:00:00</CreDtTm></GrpHdr>
  <Stmt><Id>STMT-{day}</Id><CreDtTm>{day}T20:00:00</CreDtTm>
    <Acct><Id><IBAN>{account}</IBAN></Id><Ccy>EUR</Ccy></Acct>
    <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{opening:.2f}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>
    <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{total:.2f}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>{"".join(parts)}
  </Stmt></BkToCstmrStmt></Document>
"""


def xsd_errors(xml: bytes, version: str) -> list[str]:
    """The official XSD (as shipped with sepaxml), read with xmlschema directly."""
    from importlib.resources import files

    import xmlschema

    schema = xmlschema.XMLSchema(str(files("sepaxml") / "schemas" / f"{version}.xsd"))
    return [str(e) for e in schema.iter_errors(xml.decode("utf-8"))]


def transfers_of(xml: bytes) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The group header and every CdtTrfTxInf of a pain.001 file, as plain texts."""
    root = ET.fromstring(xml)
    ns = root.tag[1:].partition("}")[0]

    def t(element: ET.Element, path: str) -> str:
        found = element.find("/".join(f"{{{ns}}}{p}" for p in path.split("/")))
        assert found is not None, path
        return found.text or ""

    header_el = root.find(f"{{{ns}}}CstmrCdtTrfInitn/{{{ns}}}GrpHdr")
    info = root.find(f"{{{ns}}}CstmrCdtTrfInitn/{{{ns}}}PmtInf")
    assert header_el is not None and info is not None
    header = {"MsgId": t(header_el, "MsgId"), "NbOfTxs": t(header_el, "NbOfTxs"),
              "CtrlSum": t(header_el, "CtrlSum"), "InfoNbOfTxs": t(info, "NbOfTxs"),
              "InfoCtrlSum": t(info, "CtrlSum"), "Debtor": t(info, "DbtrAcct/Id/IBAN")}
    out = []
    for tx in info.iter(f"{{{ns}}}CdtTrfTxInf"):
        out.append({"e2e": t(tx, "PmtId/EndToEndId"), "amount": t(tx, "Amt/InstdAmt"),
                    "name": t(tx, "Cdtr/Nm"), "iban": t(tx, "CdtrAcct/Id/IBAN"),
                    "text": t(tx, "RmtInf/Ustrd")})
    return header, out


def case_of(root: Path, cid: str) -> Case:
    doc = load_team(root)
    found = [c.case for c in doc.cases if c.stem == cid]
    assert found and found[0] is not None
    return found[0]


def codes_of(root: Path, now: datetime) -> list[tuple[str, str, int]]:
    found, _ = validate_team(root, now, use_cache=False)
    return sorted((f.code, f.path, f.line) for f in found)


# --------------------------------------------------------------------------- the batch

def test_batch_validates_records_orders_and_keeps_comments(tmp_path):
    root = make_folder(tmp_path / "t", {
        "2026-014": approved_case("2026-014", extra="""\
            followup:
              at: 2026-06-01
            """),
        "2026-015": approved_case("2026-015", "80,50", payee="jansen", reference="huur maart"),
        "2026-016": approved_case("2026-016", "12.34", payee="eigen-haard", reference=None)})
    text = (root / "cases/2026-014.yaml").read_text()
    (root / "cases/2026-014.yaml").write_text(text.replace("payee: ymere", "payee: ymere  # corporatie"))
    out = tmp_path / "batch.xml"
    result = pay(root, [], output=out, execution_date=None, now=NOW)
    xml = out.read_bytes()
    assert xsd_errors(xml, "pain.001.001.03") == []
    header, txs = transfers_of(xml)
    assert header["NbOfTxs"] == header["InfoNbOfTxs"] == "3"
    assert header["CtrlSum"] == header["InfoCtrlSum"] == "242.84"
    assert header["MsgId"] == result.batch_id and header["Debtor"] == OWN
    assert sorted((t["e2e"], t["amount"], t["iban"], t["name"], t["text"]) for t in txs) == [
        ("2026-014-1", "150.00", YMERE, "Woningcorporatie Ymere", "Casus 2026-014 factuur 2026-118"),
        ("2026-015-1", "80.50", JANSEN, "J. Jansen", "Casus 2026-015 huur maart"),
        ("2026-016-1", "12.34", EIGEN_HAARD, "Eigen Haard", "Casus 2026-016")]
    assert b"<BIC>INGBNL2A</BIC>" in xml and b"<Id>NOTPROVIDED</Id>" in xml
    assert b"<ReqdExctnDt>2026-03-05</ReqdExctnDt>" in xml
    assert b"<BtchBookg>false</BtchBookg>" in xml  # one bank line per transfer, per case
    written = (root / "cases/2026-014.yaml").read_text()
    assert "payee: ymere  # corporatie\n" in written  # comments and layout kept
    assert written.index("payments:") < written.index("followup:")
    case = case_of(root, "2026-014")
    (p,) = case.payments
    assert (p.amount, p.end_to_end_id, p.batch, p.payee, p.execution_date) == (
        Decimal("150"), "2026-014-1", result.batch_id, "ymere", date(2026, 3, 5))
    assert p.iban_sha256 == hashlib.sha256(YMERE.encode()).hexdigest()[:16]
    assert YMERE not in written and "NL02" not in written  # no account number in a case
    assert codes_of(root, NOW) == []
    # A second run orders nothing again: everything is on its way.
    before = snapshot(root)
    with pytest.raises(RefusedError, match="no approved case has a payee and money left"):
        pay(root, [], output=tmp_path / "again.xml", execution_date=None, now=NOW)
    assert snapshot(root) == before and not (tmp_path / "again.xml").exists()
    with pytest.raises(RefusedError, match="nothing left to pay"):
        pay(root, ["2026-014"], output=tmp_path / "again.xml", execution_date=None, now=NOW)


def test_version_09_validates_against_its_schema(tmp_path):
    root = make_folder(tmp_path / "t", {"2026-014": approved_case("2026-014")})
    out = tmp_path / "batch.xml"
    pay(root, ["2026-014"], output=out, execution_date=date(2026, 3, 6), version="09", now=NOW)
    xml = out.read_bytes()
    assert b"pain.001.001.09" in xml and b"<Dt>2026-03-06</Dt>" in xml
    assert xsd_errors(xml, "pain.001.001.09") == []
    assert xsd_errors(xml, "pain.001.001.03") != []  # the check can fail


def test_partial_amount_and_the_next_end_to_end_id(tmp_path):
    root = make_folder(tmp_path / "t", {"2026-014": approved_case("2026-014")})
    pay(root, ["2026-014"], output=tmp_path / "a.xml", execution_date=None,
        amount=Decimal("100"), now=NOW)
    assert left_to_pay(case_of(root, "2026-014"), []).left == Decimal(50)
    before = snapshot(root)
    with pytest.raises(RefusedError, match="more than the € 50,00 left"):
        pay(root, ["2026-014"], output=tmp_path / "b.xml", execution_date=None,
            amount=Decimal("50.01"), now=NOW)
    assert snapshot(root) == before and not (tmp_path / "b.xml").exists()
    # Paid in part: the rest may not be owed, so it is paid only when the case is named.
    with pytest.raises(RefusedError, match=r"paid or ordered in part already .* € 50,00 left"):
        pay(root, [], output=tmp_path / "b.xml", execution_date=None, now=NOW)
    assert snapshot(root) == before
    pay(root, ["2026-014"], output=tmp_path / "b.xml", execution_date=None, now=NOW)
    _, txs = transfers_of((tmp_path / "b.xml").read_bytes())
    assert [(t["e2e"], t["amount"]) for t in txs] == [("2026-014-2", "50.00")]


# --------------------------------------------------------------------------- refusals

REFUSALS = [
    ("pending", {"2026-014": approved_case("2026-014", outcome=None)}, ["2026-014"], r"not approved \(pending\)"),
    ("rejected", {"2026-014": approved_case("2026-014", outcome="rejected", approved=None)}, ["2026-014"], r"not approved \(rejected\)"),
    ("no payee", {"2026-014": approved_case("2026-014", payee=None)}, ["2026-014"], "no payee"),
    ("unknown payee", {"2026-014": approved_case("2026-014", payee="vesteda")}, ["2026-014"], "`vesteda` is not in payees.yaml"),
    ("no such case", {"2026-014": approved_case("2026-014")}, ["2026-099"], "no such case"),
    ("quorum", {"2026-014": approved_case("2026-014", votes=[("jan", "approve", "2026-03-02 10:40")])}, ["2026-014"], "MMB101|errors"),
    ("one bad of two", {"2026-014": approved_case("2026-014"), "2026-015": approved_case("2026-015", payee=None)}, ["2026-014", "2026-015"], "2026-015: it has no payee"),
    ("reference characters", {"2026-014": approved_case("2026-014", reference="'factuur 118 & co'")}, ["2026-014"], "characters banks do not accept"),
]


@pytest.mark.parametrize(("name", "cases", "wanted", "reason"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusals_leave_the_folder_byte_identical(tmp_path, name, cases, wanted, reason):
    root = make_folder(tmp_path / "t", cases)
    before = snapshot(root)
    out = tmp_path / "batch.xml"
    with pytest.raises(RefusedError, match=reason):
        pay(root, wanted, output=out, execution_date=None, now=NOW)
    assert snapshot(root) == before
    assert not out.exists() and list(tmp_path.glob(".batch.xml*")) == []


@pytest.mark.parametrize(("day", "error"), [
    (date(2026, 3, 4), "in the past"),
    (date(2026, 3, 7), "not a bank business day.*2026-03-09"),   # a Saturday
    (date(2026, 4, 3), "not a bank business day.*2026-04-07"),   # Good Friday, then Easter Monday
    (date(2026, 12, 25), "not a bank business day.*2026-12-28"),
    (date(2027, 6, 1), "more than a year ahead"),
])
def test_execution_date_must_be_a_coming_business_day(tmp_path, day, error):
    root = make_folder(tmp_path / "t", {"2026-014": approved_case("2026-014")})
    before = snapshot(root)
    with pytest.raises(UsageError, match=error):
        pay(root, ["2026-014"], output=tmp_path / "b.xml", execution_date=day, now=NOW)
    assert snapshot(root) == before


def test_default_execution_date_is_the_next_business_day():
    from mmb.pay import execution_day

    assert execution_day(None, date(2026, 3, 5)) == date(2026, 3, 5)
    assert execution_day(None, date(2026, 3, 7)) == date(2026, 3, 9)
    assert execution_day(None, date(2026, 4, 3)) == date(2026, 4, 7)
    assert execution_day(None, date(2026, 12, 31)) == date(2026, 12, 31)  # TARGET2 is open
    assert execution_day(None, date(2027, 1, 1)) == date(2027, 1, 4)  # New Year's Day, weekend


def test_output_must_be_new_and_not_in_the_data_folders(tmp_path):
    root = make_folder(tmp_path / "t", {"2026-014": approved_case("2026-014")})
    (root / "bank").mkdir()
    existing = tmp_path / "old.xml"
    existing.write_bytes(b"an earlier batch")
    before = snapshot(root)
    for target, error in ((existing, "already exists"), (root / "bank" / "b.xml", "inside bank/"),
                          (tmp_path / "nope" / "b.xml", "does not exist")):
        with pytest.raises(UsageError, match=error):
            pay(root, [], output=target, execution_date=None, now=NOW)
    assert snapshot(root) == before and existing.read_bytes() == b"an earlier batch"


def test_accounts_several_need_a_choice_and_the_name_must_be_sepa(tmp_path):
    team = TEAM.replace(f"  - iban: {OWN}\n", f"  - iban: {OWN}\n  - iban: NL44RABO0123456789\n    name: Stichting Buurt & Co\n")
    root = make_folder(tmp_path / "t", {"2026-014": approved_case("2026-014")}, team=team)
    before = snapshot(root)
    with pytest.raises(UsageError, match="several accounts"):
        pay(root, [], output=tmp_path / "b.xml", execution_date=None, now=NOW)
    with pytest.raises(RefusedError, match="cannot be written in SEPA characters"):
        pay(root, [], output=tmp_path / "b.xml", execution_date=None, account="NL44 RABO 0123 4567 89", now=NOW)
    with pytest.raises(UsageError, match="not an account of the team"):
        pay(root, [], output=tmp_path / "b.xml", execution_date=None, account=YMERE, now=NOW)
    assert snapshot(root) == before
    pay(root, [], output=tmp_path / "b.xml", execution_date=None, account=OWN.lower(), now=NOW)
    assert transfers_of((tmp_path / "b.xml").read_bytes())[0]["Debtor"] == OWN


def test_unreadable_ledger_blocks_paying(tmp_path):
    root = make_folder(tmp_path / "t", {"2026-014": approved_case("2026-014")})
    (root / "ledger.csv").write_text("id,date,amount\nx,2026-13-45,oops\n")
    before = snapshot(root)
    with pytest.raises(InputError, match=r"ledger\.csv"):
        pay(root, [], output=tmp_path / "b.xml", execution_date=None, now=NOW)
    assert snapshot(root) == before


# --------------------------------------------------------------------------- payees.yaml

def test_payees_file_checks(tmp_path):
    payees = f"""\
- id: ymere
  name: Ymere
  iban: {YMERE}
  kind: organisation
- id: ymere
  name: Ymere again
  iban: {YMERE}
  kind: organisation
- id: landlord
  name: A. Person
  iban: {JANSEN}
  kind: person
- id: own
  name: Ourselves
  iban: {OWN}
  kind: organisation
- id: typo
  name: Typo
  iban: NL02ABNA0123456788
  kind: organisation
- id: brazil
  name: Far Away
  iban: BR1800360305000010009795493C1
  kind: organisation
- id: amp
  name: Smit & Zonen
  iban: {EIGEN_HAARD}
  kind: organisation
- id: extra
  name: Extra
  iban: {EIGEN_HAARD}
  kind: company
  colour: red
"""
    root = make_folder(tmp_path / "t", {
        "2026-014": approved_case("2026-014", payee="landlord"),
        "2026-015": approved_case("2026-015", payee="nobody")}, payees=payees)
    found, _ = validate_team(root, NOW, use_cache=False)
    got = sorted((f.code, f.path, f.line) for f in found)
    assert got == [
        ("MMB002", "payees.yaml", 5),    # duplicate id
        ("MMB002", "payees.yaml", 12),   # a person without a note
        ("MMB002", "payees.yaml", 15),   # the team's own account
        ("MMB002", "payees.yaml", 19),   # a mistyped IBAN
        ("MMB002", "payees.yaml", 23),   # not a SEPA country
        ("MMB002", "payees.yaml", 26),   # '&'
        ("MMB002", "payees.yaml", 32),   # kind: company
        ("MMB002", "payees.yaml", 33),   # unknown key
        ("MMB004", "cases/2026-015.yaml", 23),
    ]
    messages = " | ".join(f.message for f in found)
    assert "used twice" in messages and "add a `note`" in messages and "own accounts" in messages
    assert "'&'" in messages and "outside the SEPA countries" in messages
    assert not any(f.code == "MMB301" for f in found)  # payees.yaml names people by design
    # A payee with problems is not paid, with the place to fix it.
    before = snapshot(root)
    with pytest.raises(RefusedError, match=r"payee `landlord` has problems in payees.yaml \(line 9\)"):
        pay(root, ["2026-014"], output=tmp_path / "b.xml", execution_date=None, now=NOW)
    assert snapshot(root) == before


def test_payee_without_file_and_bad_file_shapes(tmp_path):
    root = make_folder(tmp_path / "a", {"2026-014": approved_case("2026-014")}, payees=None)
    assert codes_of(root, NOW) == [("MMB004", "cases/2026-014.yaml", 23)]
    root = make_folder(tmp_path / "b", {}, payees="ymere: {iban: x}\n")
    assert codes_of(root, NOW) == [("MMB002", "payees.yaml", 1)]
    root = make_folder(tmp_path / "c", {}, payees="- id: [\n")
    assert [c for c, _, _ in codes_of(root, NOW)] == ["MMB001"]
    root = make_folder(tmp_path / "d", {"2026-014": approved_case("2026-014")}, payees="")
    assert codes_of(root, NOW) == [("MMB004", "cases/2026-014.yaml", 23)]


def test_payment_records_are_not_personal_data_and_are_checked(tmp_path):
    root = make_folder(tmp_path / "t", {"2026-014": approved_case("2026-014")})
    pay(root, [], output=tmp_path / "b.xml", execution_date=None, now=NOW)
    assert codes_of(root, NOW) == []
    path = root / "cases/2026-014.yaml"
    text = path.read_text()
    path.write_text(text.replace("end_to_end_id: 2026-014-1", "end_to_end_id: 2026-015-1")
                    .replace("    payee: ymere\n", "    payee: vesteda\n"))
    got = codes_of(root, NOW)
    assert ("MMB002", "cases/2026-014.yaml", 28) in got and ("MMB004", "cases/2026-014.yaml", 30) in got


# --------------------------------------------------------------------------- booked, open, late

def booked_ledger(root: Path, rows: list[tuple[str, str, str, str]]) -> None:
    """ledger.csv with (date, amount, case, description) rows."""
    lines = ["id,date,amount,balance,counterparty,counterparty_iban,description,source,case,kind,receipt,note"]
    for i, (day, amount, cid, text) in enumerate(rows):
        lines.append(f"r{i},{day},{amount},,Ymere,{YMERE},{text},,{cid},,missing,invoice by mail")
    (root / "ledger.csv").write_text("\n".join(lines) + "\n")


def test_mmb211_when_not_booked_within_ten_days(tmp_path):
    root = make_folder(tmp_path / "t", {"2026-014": approved_case("2026-014")})
    pay(root, [], output=tmp_path / "b.xml", execution_date=date(2026, 3, 6), now=NOW)
    assert codes_of(root, datetime(2026, 3, 16, 12, 0)) == []            # day 10
    late = codes_of(root, datetime(2026, 3, 17, 12, 0))                  # day 11
    assert late == [("MMB211", "cases/2026-014.yaml", 26)]
    found, _ = validate_team(root, datetime(2026, 3, 17, 12, 0), use_cache=False)
    assert found[0].level == "warning" and "2026-014-1" in found[0].message
    booked_ledger(root, [("2026-03-06", "-150.00", "2026-014", "Casus 2026-014")])
    assert codes_of(root, datetime(2026, 3, 17, 12, 0)) == []
    # A booking before the order was made is some other payment: the order is still open.
    booked_ledger(root, [("2026-03-04", "-150.00", "2026-014", "card")])
    got = codes_of(root, datetime(2026, 3, 17, 12, 0))
    assert ("MMB211", "cases/2026-014.yaml", 26) in got and ("MMB203", "cases/2026-014.yaml", 26) in got


def test_mmb203_counts_open_orders_once(tmp_path):
    root = make_folder(tmp_path / "t", {"2026-014": approved_case("2026-014")})
    pay(root, ["2026-014"], output=tmp_path / "a.xml", execution_date=None, amount=Decimal(100),
        now=NOW)
    booked_ledger(root, [("2026-03-05", "-100.00", "2026-014", "Casus 2026-014")])
    assert codes_of(root, NOW) == []                     # booked: counted once, not twice
    case = case_of(root, "2026-014")
    rows = rows_by_case(read_ledger(root).rows)["2026-014"]
    assert left_to_pay(case, rows).left == Decimal(50)
    # An order added by hand beyond what is left: booked 100 + open 80 > 150.
    path = root / "cases/2026-014.yaml"
    text = path.read_text()
    record = text[text.index("  - ordered_at"):]
    path.write_text(text + record.replace("2026-014-1", "2026-014-2").replace("amount: 100.00", "amount: 80.00"))
    got = codes_of(root, NOW)
    assert got == [("MMB203", "cases/2026-014.yaml", 34)]
    # The ledger rule keeps its own finding when the payments alone exceed the approval.
    booked_ledger(root, [("2026-03-05", "-100.00", "2026-014", "x"), ("2026-03-06", "-80.00", "2026-014", "y")])
    got = codes_of(root, NOW)
    assert [c for c in got if c[0] == "MMB203"] == [("MMB203", "ledger.csv", 3)]


def test_status_shows_ordered_not_booked(tmp_path):
    from io import StringIO

    from mmb.status import build_status, render_status

    root = make_folder(tmp_path / "t", {"2026-014": approved_case("2026-014"),
                                        "2026-015": approved_case("2026-015", payee=None)})
    pay(root, ["2026-014"], output=tmp_path / "b.xml", execution_date=None, now=NOW)
    status = build_status(load_team(root), datetime(2026, 3, 17, 9, 0), 2026)
    assert [(o.case_id, o.end_to_end_id, o.amount, o.overdue) for o in status.ordered] == [
        ("2026-014", "2026-014-1", Decimal(150), True)]
    assert [u.case_id for u in status.unpaid] == ["2026-015"]   # ordered is not "unpaid"
    out = StringIO()
    render_status(status, out, colour=False)
    assert "Ordered with `mmb pay`, not booked yet (1):" in out.getvalue()
    assert "2026-014  € 150,00  2026-014-1  to be paid on 2026-03-05 (12 day(s) ago)" in out.getvalue()


# --------------------------------------------------------------------------- MMB212

def test_mmb212_when_the_iban_changes_after_a_batch(tmp_path):
    root = make_folder(tmp_path / "t", {"2026-014": approved_case("2026-014", amount="300"),
                                        "2026-015": approved_case("2026-015")})
    pay(root, ["2026-014"], output=tmp_path / "a.xml", execution_date=None,
        amount=Decimal(100), now=NOW)
    payees = root / "payees.yaml"
    payees.write_text(payees.read_text().replace(
        "NL02 ABNA 0123 4567 89", "NL86 INGB 0002 4455 88"))  # "our bank details changed"
    found, _ = validate_team(root, NOW, use_cache=False)
    assert [(f.code, f.path, f.line, f.level) for f in found] == [
        ("MMB212", "payees.yaml", 4, "error")]
    assert "batch " in found[0].message and "2026-014" in found[0].message
    before = snapshot(root)
    for wanted in (["2026-014"], ["2026-015"]):    # no new batch to the changed account
        with pytest.raises(RefusedError, match="IBAN of its payee `ymere` changed"):
            pay(root, wanted, output=tmp_path / "b.xml", execution_date=None, now=NOW)
    assert snapshot(root) == before
    # Confirmed with the payee by phone, after the batch: cleared, and paying works again.
    payees.write_text(payees.read_text().replace("  kind: organisation\n", """\
  kind: organisation
  iban_verified:
    at: 2026-03-05 11:00
    by: anneke
    note: called their office number, as on their website
""", 1))
    assert codes_of(root, NOW) == []
    pay(root, ["2026-015"], output=tmp_path / "b.xml", execution_date=None, now=NOW)
    assert transfers_of((tmp_path / "b.xml").read_bytes())[1][0]["iban"] == "NL86INGB0002445588"
    # A verification by a non-member is no verification.
    payees.write_text(payees.read_text().replace("by: anneke", "by: mallory"))
    assert ("MMB004", "payees.yaml", 8) in codes_of(root, NOW)


# --------------------------------------------------------------------------- reconcile

def test_reconcile_links_by_end_to_end_id_even_when_the_invoice_looks_like_a_case(tmp_path):
    # The invoice number 2026-118 is also a case of the team with an order of its own.
    root = make_folder(tmp_path / "t", {"2026-014": approved_case("2026-014"),
                                        "2026-118": approved_case("2026-118", reference="nota 7")})
    pay(root, [], output=tmp_path / "b.xml", execution_date=None, now=NOW)
    (root / "bank").mkdir()
    (root / "bank" / "day.xml").write_text(camt053(OWN, Decimal(1000), "2026-03-06", [
        (Decimal("-150.00"), "2026-014-1", "Casus 2026-014 factuur 2026-118", "Ymere", YMERE),
        (Decimal("-150.00"), None, "Casus 2026-118 nota 7", "Ymere", YMERE)]))
    result = reconcile(root, LATER)
    assert result.written
    rows = read_ledger(root).rows
    assert [(r.description, r.case) for r in rows] == [
        ("Casus 2026-014 factuur 2026-118", "2026-014"), ("Casus 2026-118 nota 7", "2026-118")]
    assert not [f for f in check_payments(load_team(root), datetime(2026, 4, 1), read_ledger(root))]
    # Once booked the case is paid: nothing left to order.
    with pytest.raises(RefusedError, match="nothing left to pay"):
        pay(root, ["2026-014"], output=tmp_path / "c.xml", execution_date=None, now=LATER)


def test_reconcile_links_mt940_eref_and_ing_csv_kenmerk(tmp_path):
    root = make_folder(tmp_path / "t", {"2026-014": approved_case("2026-014"),
                                        "2026-015": approved_case("2026-015", "75")})
    pay(root, [], output=tmp_path / "b.xml", execution_date=None, now=NOW)
    (root / "bank").mkdir()
    # Rabobank MT940 structured: /EREF/ carries the end-to-end id, the text names no case.
    (root / "bank" / "rabo.swi").write_text(textwrap.dedent(f"""\
        :940:
        :20:940S260306
        :25:{OWN} EUR
        :28C:1
        :60F:C260305EUR1000,00
        :61:260306D150,00N102EREF
        {YMERE}
        :86:/EREF/2026-014-1//BENM//NAME/Ymere/REMI/factuur 2026-118/
        :62F:C260306EUR850,00
        """).replace("\n", "\r\n"))
    result = reconcile(root, LATER)
    rows = read_ledger(root).rows
    assert [(r.amount, r.case) for r in rows] == [(Decimal("-150.00"), "2026-014")], result.findings
    # An ING CSV: the end-to-end id appears in the text as "Kenmerk:".
    (root / "bank" / "ing.csv").write_text(
        '"Datum";"Naam / Omschrijving";"Rekening";"Tegenrekening";"Code";"Af Bij";"Bedrag (EUR)";"Mutatiesoort";"Mededelingen";"Saldo na mutatie";"Tag"\n'
        f'"20260309";"Ymere";"{OWN}";"{YMERE}";"OV";"Af";"75,00";"Overschrijving";"Naam: Ymere Omschrijving: factuur 2026-118 IBAN: {YMERE} Kenmerk: 2026-015-1 Valutadatum: 09-03-2026";"775,00";""\n',
        encoding="utf-8")
    reconcile(root, LATER)
    rows = read_ledger(root).rows
    assert [(r.amount, r.case) for r in rows] == [(Decimal("-150.00"), "2026-014"),
                                                  (Decimal("-75.00"), "2026-015")]


def test_open_order_is_no_room_for_a_card_payment(tmp_path):
    root = make_folder(tmp_path / "t", {"2026-014": approved_case("2026-014")})
    pay(root, [], output=tmp_path / "b.xml", execution_date=None, now=NOW)
    (root / "bank").mkdir()
    (root / "bank" / "day.xml").write_text(camt053(OWN, Decimal(1000), "2026-03-06", [
        (Decimal("-40.00"), None, "BEA Fietsenmaker Snel", "Fietsenmaker Snel", "NL70TRIO0123456789")]))
    result = reconcile(root, LATER, link=True)
    assert result.linked == [] and [r.case for r in read_ledger(root).rows] == [""]
    # Still not booked 11 days after its date: reconcile lists it as open.
    result = reconcile(root, datetime(2026, 3, 16, 9, 0), check=True)
    assert [(f.code, f.path) for f in result.findings if f.code != "MMB202"] == [
        ("MMB211", "cases/2026-014.yaml")]


# --------------------------------------------------------------------------- crash order, --again

def test_failed_case_write_leaves_no_batch_and_again_makes_it(tmp_path, monkeypatch):
    from mmb.files import EditableYaml

    root = make_folder(tmp_path / "t", {"2026-014": approved_case("2026-014"),
                                        "2026-015": approved_case("2026-015", "75")})
    saved = EditableYaml.save
    calls = []

    def failing(self, text=None):
        calls.append(self.rel)
        if len(calls) == 2:
            raise OSError("disk full")
        return saved(self, text)

    monkeypatch.setattr(EditableYaml, "save", failing)
    out = tmp_path / "b.xml"
    with pytest.raises(InputError, match=r"after the orders were recorded in cases/2026-014\.yaml") as exc:
        pay(root, [], output=out, execution_date=None, now=NOW)
    assert not out.exists() and list(tmp_path.glob(".b.xml*")) == []
    monkeypatch.setattr(EditableYaml, "save", saved)
    batch = case_of(root, "2026-014").payments[0].batch
    assert f"--again {batch}" in str(exc.value)
    assert case_of(root, "2026-015").payments == []
    # The orders recorded are never ordered again; --again writes exactly their file.
    before = snapshot(root)
    result = pay_again(root, batch, output=out, execution_date=None, now=NOW)
    assert snapshot(root) == before
    header, txs = transfers_of(out.read_bytes())
    assert header["MsgId"] == batch and [t["e2e"] for t in txs] == ["2026-014-1"]
    assert result.again and xsd_errors(out.read_bytes(), "pain.001.001.03") == []
    # The case whose order was not written is paid in a new batch of its own.
    pay(root, [], output=tmp_path / "c.xml", execution_date=None, now=NOW)
    assert [t["e2e"] for t in transfers_of((tmp_path / "c.xml").read_bytes())[1]] == ["2026-015-1"]


def test_again_is_the_same_file_and_leaves_booked_transfers_out(tmp_path):
    root = make_folder(tmp_path / "t", {"2026-014": approved_case("2026-014"),
                                        "2026-015": approved_case("2026-015", "75")})
    first = tmp_path / "a.xml"
    result = pay(root, [], output=first, execution_date=None, now=NOW)
    again = tmp_path / "again.xml"
    pay_again(root, result.batch_id, output=again, execution_date=None, now=NOW)
    assert again.read_bytes() == first.read_bytes()
    booked_ledger(root, [("2026-03-06", "-150.00", "2026-014", "Casus 2026-014")])
    third = tmp_path / "third.xml"
    result3 = pay_again(root, result.batch_id, output=third, execution_date=date(2026, 3, 10),
                        now=LATER)
    assert result3.left_out[0].case_id == "2026-014" and "booked already" in result3.left_out[0].reason
    assert [t.end_to_end_id for t in result3.transfers] == ["2026-015-1"]


def test_again_needs_a_new_date_once_the_old_one_passed(tmp_path):
    root = make_folder(tmp_path / "t", {"2026-014": approved_case("2026-014")})
    result = pay(root, [], output=tmp_path / "a.xml", execution_date=None, now=NOW)
    with pytest.raises(UsageError, match="give --execution-date"):
        pay_again(root, result.batch_id, output=tmp_path / "b.xml", execution_date=None, now=LATER)
    pay_again(root, result.batch_id, output=tmp_path / "b.xml", execution_date=date(2026, 3, 10), now=LATER)
    assert b"<ReqdExctnDt>2026-03-10</ReqdExctnDt>" in (tmp_path / "b.xml").read_bytes()
    with pytest.raises(RefusedError, match="no case records an order of batch MMB1"):
        pay_again(root, "MMB1", output=tmp_path / "c.xml", execution_date=None, now=NOW)


def test_a_case_file_changed_meanwhile_stops_everything(tmp_path, monkeypatch):
    import mmb.pay as pay_module

    root = make_folder(tmp_path / "t", {"2026-014": approved_case("2026-014"),
                                        "2026-015": approved_case("2026-015", "75")})
    real = pay_module._xml

    def edit_while_making(*args, **kwargs):
        out = real(*args, **kwargs)
        path = root / "cases/2026-015.yaml"
        path.write_text(path.read_text() + "alternatives: [fonds]\n")  # someone saves
        return out

    monkeypatch.setattr(pay_module, "_xml", edit_while_making)
    before_014 = (root / "cases/2026-014.yaml").read_bytes()
    with pytest.raises(ConflictError, match=r"2026-015\.yaml changed"):
        pay(root, [], output=tmp_path / "b.xml", execution_date=None, now=NOW)
    assert (root / "cases/2026-014.yaml").read_bytes() == before_014
    assert not (tmp_path / "b.xml").exists()


# --------------------------------------------------------------------------- texts

def test_sepa_text():
    from mmb.sepa import sepa_text

    assert sepa_text("Woningcorporatie Ymère") == ("Woningcorporatie Ymere", [])
    assert sepa_text("Straße  Ørsted – ‘t Hof") == ("Strasse Orsted - 't Hof", [])
    assert sepa_text("Smit & Zonen 😀 北京") == ("Smit Zonen", ["&", "😀", "北", "京"])
    assert sepa_text("a\u202eb") == ("ab", ["\u202e"])


def test_payee_name_too_long_once_transliterated(tmp_path):
    payees = PAYEES.replace("name: Eigen Haard", "name: " + "Straße " * 10)  # 70 -> 80 characters
    root = make_folder(tmp_path / "t", {}, payees=payees)
    found, _ = validate_team(root, NOW, use_cache=False)
    assert [(f.code, f.line) for f in found] == [("MMB002", 12)]
    assert "longer than the 70 characters" in found[0].message


def test_reports_never_show_payees(tmp_path):
    import json

    from mmb.report import run_report

    root = make_folder(tmp_path / "t", {"2026-014": approved_case("2026-014")})
    write_report_key(root)  # a public report needs the municipality's key
    pay(root, [], output=tmp_path / "b.xml", execution_date=None, now=NOW)
    for public in (False, True):
        out = tmp_path / f"r{public}.json"
        with open(tmp_path / "o.txt", "w") as stdout:
            run_report([str(root)], year=2026, fmt="json", output=out, by=None, public=public,
                       threshold=5, dutch_excel=False, now=LATER, stdout=stdout, colour=False)
        text = out.read_text()
        json.loads(text)
        for secret in ("ymere", "Ymere", "Ymère", YMERE, "NL02", "factuur 2026-118", "2026-014-1"):
            assert secret not in text, (public, secret)


# --------------------------------------------------------------------------- the CLI

def test_cli_pay_prints_what_it_did(tmp_path):
    from test_cli import mmb

    root = make_folder(tmp_path / "t", {"2026-014": approved_case("2026-014"),
                                        "2026-015": approved_case("2026-015", payee=None)})
    out = tmp_path / "batch.xml"
    run = mmb("pay", "-C", str(root), "-o", str(out), env={"MMB_NOW": "2026-03-05 10:15"})
    assert run.returncode == 0, run.stderr
    assert "1 transfer(s), € 150,00 in total, to be executed on 2026-03-05" in run.stdout
    assert "Left out (1):\n  2026-015: it has no payee" in run.stdout
    assert "Recorded as ordered in: cases/2026-014.yaml" in run.stdout
    before = snapshot(root)
    run = mmb("pay", "2026-015", "-C", str(root), "-o", str(tmp_path / "c.xml"),
              env={"MMB_NOW": "2026-03-05 10:15"})
    assert run.returncode == 1 and "2026-015: it has no payee" in run.stderr
    assert "Traceback" not in run.stderr and snapshot(root) == before
    run = mmb("pay", "-C", str(root), "-o", str(tmp_path / "c.xml"), "--execution-date", "2026-03-07",
              env={"MMB_NOW": "2026-03-05 10:15"})
    assert run.returncode == 2 and "not a bank business day" in run.stderr


# --------------------------------------------------------------------------- the property

REFERENCES = st.sampled_from([None, "factuur 118", "klantnummer 77123", "nota März", "huur april"])
CASES = st.lists(st.tuples(st.integers(min_value=1, max_value=99_999),   # cents approved
                           st.sampled_from(["ymere", "jansen", "eigen-haard"]), REFERENCES,
                           st.booleans()),                                  # e2e in the export
                 min_size=1, max_size=6)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(CASES)
def test_property_batch_validates_sums_and_reconciles(drawn):
    with tempfile.TemporaryDirectory() as folder:
        cases = {}
        for n, (cents, payee, reference, _) in enumerate(drawn, start=1):
            amount = f"{Decimal(cents) / 100:.2f}"
            cases[f"2026-{n:03d}"] = approved_case(f"2026-{n:03d}", amount, payee=payee,
                                                   reference=reference)
        root = make_folder(Path(folder) / "t", cases)
        out = Path(folder) / "batch.xml"
        pay(root, [], output=out, execution_date=None, now=NOW)
        xml = out.read_bytes()
        assert xsd_errors(xml, "pain.001.001.03") == []
        header, txs = transfers_of(xml)
        total = sum(Decimal(t["amount"]) for t in txs)
        assert Decimal(header["CtrlSum"]) == Decimal(header["InfoCtrlSum"]) == total
        assert int(header["NbOfTxs"]) == int(header["InfoNbOfTxs"]) == len(txs) == len(drawn)
        expected = {f"2026-{n:03d}-1": Decimal(c) / 100 for n, (c, *_) in enumerate(drawn, start=1)}
        assert {t["e2e"]: Decimal(t["amount"]) for t in txs} == expected
        for t in txs:
            assert all(ch.isascii() for ch in t["name"] + t["text"])
        # The bank books them: a CAMT.053 export holding the transfers (some without the
        # end-to-end id, found by the case id in the remittance).
        entries = [(-Decimal(t["amount"]), t["e2e"] if drawn[i][3] else None, t["text"],
                    t["name"], t["iban"]) for i, t in enumerate(txs)]
        (root / "bank").mkdir()
        (root / "bank" / "stmt.xml").write_text(camt053(OWN, Decimal(2_000_000), "2026-03-06", entries))
        reconcile(root, LATER)
        rows = read_ledger(root).rows
        assert sorted((r.case, -r.amount) for r in rows) == sorted(
            (e2e.rsplit("-", 1)[0], amount) for e2e, amount in expected.items())
        doc = load_team(root)
        assert [f for f in check_payments(doc, datetime(2026, 4, 30), read_ledger(root))] == []
        by_case = rows_by_case(rows)
        for c in doc.cases:
            assert c.case is not None
            assert left_to_pay(c.case, by_case[c.case.id]).left == 0


def test_validation_cache_sees_a_changed_payees_file(tmp_path, monkeypatch):
    import os
    import time

    from mmb.validate import validate_folders

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = make_folder(tmp_path / "t", {"2026-014": approved_case("2026-014")})
    pay(root, [], output=tmp_path / "b.xml", execution_date=None, now=NOW)
    old = time.time() - 60  # older than the cache's racy window
    for p in root.rglob("*"):
        os.utime(p, (old, old))
    assert validate_folders([str(root)], NOW, workers=1).findings == []
    payees = root / "payees.yaml"
    payees.write_text(payees.read_text().replace("NL02 ABNA 0123 4567 89", "NL86 INGB 0002 4455 88"))
    assert [f.code for f in validate_folders([str(root)], NOW, workers=1).findings] == ["MMB212"]
