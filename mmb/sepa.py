"""SEPA credit-transfer files (ISO 20022 `pain.001`) for `mmb pay` (issue 21).

* `sepa_text`: names and remittance texts in the characters every SEPA bank accepts (the
  EPC's basic Latin set: letters, digits, space and ``/ - ? : ( ) . , ' +``). Latin letters
  with accents and typographic dashes and quotes are transliterated (text-unidecode);
  anything else is reported, so that mmb refuses rather than sends a character a bank
  rejects or silently drops.
* `is_business_day`: a TARGET2 business day (no weekend, no New Year's Day, Good Friday,
  Easter Monday, 1 May, 25 and 26 December), the days SEPA credit transfers are executed;
  the calendar is the `holidays` library's ECB calendar.
* `batch_xml`: the file, made by sepaxml, given mmb's own message id, creation time and
  payment-information id (so that the same batch made again is the same file), batch
  booking off (each transfer its own line in the bank export, so that each can be linked
  to its case), the debtor agent written "NOTPROVIDED" as banks want when no BIC is
  given, checked against the
  official XSD (shipped with sepaxml, read with xmlschema) and read back: every amount,
  end-to-end id, IBAN and text must be the batch's, and the control sums must add up.

sepaxml, xmlschema and holidays are imported only by the functions that need them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from mmb import messages as msg
from mmb.errors import InputError

#: The EPC's basic Latin character set for SEPA texts (EPC217-08).
SEPA_CHARACTERS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ ")
#: Punctuation transliterated like the Latin letters (quotes, dashes, ellipsis).
_PUNCTUATION = frozenset("\u2018\u2019\u201a\u201b\u2010\u2011\u2012\u2013\u2014\u2026\u00b4")
#: The versions of pain.001 mmb writes: `--version 03` (every Dutch bank) or `09`.
VERSIONS = {"03": "pain.001.001.03", "09": "pain.001.001.09"}
#: Largest amount of one transfer a pain.001 carries (its amount type has 18 digits; SEPA
#: allows 999,999,999.99).
MAX_AMOUNT = Decimal("999999999.99")


def sepa_text(text: str) -> tuple[str, list[str]]:
    """`text` in SEPA characters, whitespace runs made one space, and the characters that
    could not be written so (each once, in order). Latin letters with accents become the
    plain letter (é → e, ß → ss, Ø → O), typographic quotes and dashes the plain ones."""
    out: list[str] = []
    bad: list[str] = []
    for char in text:
        if char in SEPA_CHARACTERS:
            out.append(char)
            continue
        if char.isspace():
            out.append(" ")
            continue
        if unicodedata.name(char, "").startswith("LATIN ") or char in _PUNCTUATION:
            from text_unidecode import unidecode

            plain = unidecode(char)
            if plain and all(c in SEPA_CHARACTERS for c in plain):
                out.append(plain)
                continue
        if char not in bad:
            bad.append(char)
    return " ".join("".join(out).split()), bad


def shown_characters(chars: Sequence[str]) -> str:
    """Characters for a message: each quoted, controls as their code point."""
    return ", ".join(f"'{c}'" if c.isprintable() else f"U+{ord(c):04X}" for c in chars)


# --------------------------------------------------------------------------- business days

@lru_cache(maxsize=64)
def _target_closed(year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.financial_holidays("XECB", years=year))


def is_business_day(day: date) -> bool:
    """A TARGET2 business day: SEPA credit transfers are executed on these."""
    return day.weekday() < 5 and day not in _target_closed(day.year)


def next_business_day(day: date) -> date:
    """`day` when it is a business day, else the first one after it."""
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


# --------------------------------------------------------------------------- the file

@dataclass(frozen=True)
class Transfer:
    """One credit transfer of a batch; texts already in SEPA characters."""

    end_to_end_id: str
    amount: Decimal
    creditor_name: str
    creditor_iban: str
    creditor_bic: str | None
    remittance: str


@dataclass(frozen=True)
class Batch:
    """A whole pain.001 file: one payment-information block, one debtor account."""

    message_id: str
    created: datetime
    execution_date: date
    debtor_name: str
    debtor_iban: str
    transfers: tuple[Transfer, ...]
    version: str = VERSIONS["03"]

    @property
    def total(self) -> Decimal:
        return sum((t.amount for t in self.transfers), Decimal(0))


def cents(amount: Decimal) -> int:
    """An amount of euros with at most two decimals as whole cents, exactly."""
    value = amount * 100
    if value != value.to_integral_value() or amount <= 0 or amount > MAX_AMOUNT:
        raise ValueError(f"not an amount a transfer can carry: {amount}")
    return int(value)


def batch_xml(batch: Batch) -> bytes:
    """The pain.001 file of `batch`, validated against the official XSD and read back.
    Raises `InputError` when the file would not be exactly the batch (a bug, or input
    mmb should have refused before): nothing is written then."""
    from sepaxml import SepaTransfer

    config: dict[str, Any] = {"name": batch.debtor_name, "IBAN": batch.debtor_iban,
                              "batch": True, "currency": "EUR"}
    try:
        sepa = SepaTransfer(config, schema=batch.version, clean=False)
        for t in batch.transfers:
            payment: dict[str, Any] = {
                "name": t.creditor_name, "IBAN": t.creditor_iban, "amount": cents(t.amount),
                "execution_date": batch.execution_date, "description": t.remittance,
                "endtoend_id": t.end_to_end_id}
            if t.creditor_bic:
                payment["BIC"] = t.creditor_bic
            sepa.add_payment(payment)
        raw: bytes = sepa.export(validate=False)
    except Exception as exc:  # sepaxml raises plain Exception for what it refuses
        raise InputError(msg.PAY_XML_FAILED.format(reason=str(exc) or type(exc).__name__)
                         ) from None
    xml = _settle(raw, batch)
    problems = xsd_problems(xml, batch.version)
    if problems:
        raise InputError(msg.PAY_XML_INVALID.format(problems="; ".join(problems[:3])))
    read = read_batch(xml)
    expected = [(t.end_to_end_id, t.amount, t.creditor_iban, t.creditor_name, t.remittance)
                for t in batch.transfers]
    if (read.transfers != expected or read.count != len(expected)
            or read.control_sum != batch.total or read.message_id != batch.message_id
            or read.debtor_iban != batch.debtor_iban
            or read.execution_date != batch.execution_date.isoformat()):
        raise InputError(msg.PAY_XML_MISMATCH)
    return xml


def _ns(version: str) -> str:
    return f"urn:iso:std:iso:20022:tech:xsd:{version}"


def _settle(raw: bytes, batch: Batch) -> bytes:
    """sepaxml's file with mmb's ids and time, the debtor agent filled in, indented."""
    import xml.etree.ElementTree as ET

    from defusedxml.ElementTree import fromstring

    ns = _ns(batch.version)
    ET.register_namespace("", ns)
    root = fromstring(raw, forbid_dtd=True)

    def q(path: str) -> str:
        return "/".join(f"{{{ns}}}{part}" for part in path.split("/"))

    header = root.find(q("CstmrCdtTrfInitn/GrpHdr"))
    header.find(q("MsgId")).text = batch.message_id
    header.find(q("CreDtTm")).text = batch.created.strftime("%Y-%m-%dT%H:%M:%S")
    for number, info in enumerate(root.iter(f"{{{ns}}}PmtInf"), start=1):
        info.find(q("PmtInfId")).text = f"{batch.message_id}-{number}"
        # Each transfer booked on its own: a batch booked as one sum ("verzamelbetaling")
        # would be one row in the bank export, which cannot be linked to several cases.
        info.find(q("BtchBookg")).text = "false"
        agent = info.find(q("DbtrAgt/FinInstnId"))
        if agent is not None and len(agent) == 0:
            other = ET.SubElement(agent, f"{{{ns}}}Othr")
            ET.SubElement(other, f"{{{ns}}}Id").text = "NOTPROVIDED"
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


@lru_cache(maxsize=4)
def _schema(version: str) -> Any:
    from importlib.resources import files

    import xmlschema

    path = files("sepaxml") / "schemas" / f"{version}.xsd"
    return xmlschema.XMLSchema(str(path))


def xsd_problems(xml: bytes, version: str) -> list[str]:
    """What the official XSD of `version` finds wrong with `xml` (empty: valid)."""
    schema = _schema(version)
    return [f"{getattr(e, 'path', '') or ''} {getattr(e, 'reason', '') or e}".strip()
            for e in schema.iter_errors(xml.decode("utf-8"))]


@dataclass(frozen=True)
class ReadBatch:
    """What a pain.001 file says, read back."""

    version: str
    message_id: str
    count: int
    control_sum: Decimal
    info_count: int
    info_control_sum: Decimal
    execution_date: str
    debtor_iban: str
    #: (end-to-end id, amount, creditor IBAN, creditor name, remittance) per transfer.
    transfers: list[tuple[str, Decimal, str, str, str]]


def read_batch(xml: bytes) -> ReadBatch:
    """Read a pain.001 file (any version mmb writes) back; the group header and the
    payment-information block must agree with the transfers (count and control sum),
    else `InputError`."""
    from defusedxml.ElementTree import fromstring

    root = fromstring(xml, forbid_dtd=True)
    ns = root.tag[1:].partition("}")[0]

    def q(path: str) -> str:
        return "/".join(f"{{{ns}}}{part}" for part in path.split("/"))

    def text(element: Any, path: str) -> str:
        found = element.find(q(path))
        return "" if found is None or found.text is None else str(found.text)

    start = root.find(q("CstmrCdtTrfInitn"))
    header = start.find(q("GrpHdr"))
    infos = start.findall(q("PmtInf"))
    transfers = []
    info_count = 0
    info_sum = Decimal(0)
    when = ""
    debtor = ""
    for info in infos:
        info_count += int(text(info, "NbOfTxs") or "0")
        info_sum += Decimal(text(info, "CtrlSum") or "0")
        when = text(info, "ReqdExctnDt/Dt") or text(info, "ReqdExctnDt")
        debtor = text(info, "DbtrAcct/Id/IBAN")
        for tx in info.findall(q("CdtTrfTxInf")):
            transfers.append((text(tx, "PmtId/EndToEndId"), Decimal(text(tx, "Amt/InstdAmt")),
                              text(tx, "CdtrAcct/Id/IBAN"), text(tx, "Cdtr/Nm"),
                              text(tx, "RmtInf/Ustrd")))
    read = ReadBatch(version=ns.rsplit(":", 1)[-1], message_id=text(header, "MsgId"),
                     count=int(text(header, "NbOfTxs") or "0"),
                     control_sum=Decimal(text(header, "CtrlSum") or "0"),
                     info_count=info_count, info_control_sum=info_sum,
                     execution_date=when, debtor_iban=debtor, transfers=transfers)
    total = sum((t[1] for t in transfers), Decimal(0))
    if not (read.count == read.info_count == len(transfers)
            and read.control_sum == read.info_control_sum == total):
        raise InputError(msg.PAY_XML_MISMATCH)
    return read
