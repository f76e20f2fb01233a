"""CAMT.053 (ISO 20022 BankToCustomerStatement) XML, any ``camt.053.001.NN`` version, all
statements in the file. Also read from a zip (ABN AMRO delivers one XML per day).

Parsed with defusedxml, DTDs and entities forbidden. Amounts are unsigned with
``CdtDbtInd``; the balance after each entry follows exactly from the opening balance
(``OPBD``, else ``PRCD``) and the entries in statement order.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from mmb import messages as msg
from mmb.banks._abn import describe, split_txt
from mmb.banks._common import (
    Fields,
    amount_iso,
    clean,
    counter_account,
    date_iso,
    looks_like_cash,
    own_account,
    runs_newest_first,
    volksbank_card_merchant,
)
from mmb.banks.base import (
    BankFormatError,
    BankReader,
    BankTransaction,
    Parsed,
    Source,
    StatementBalance,
)

FORMAT_NAME = "CAMT.053 XML"
NAMESPACE_PREFIX = "urn:iso:std:iso:20022:tech:xsd:camt.053."
_SIGNS = {"crdt": False, "dbit": True}
_OPENING = ("OPBD", "PRCD")  # PRCD: closing booked balance of the previous day (ABN AMRO)
# CLBD: closing booked; ITBD (interim booked) closes a statement sent during the day.
_CLOSING = ("CLBD", "ITBD")
_STATED = (*_OPENING, *_CLOSING, "CLAV")  # CLAV: closing available, shown, not checked
_CASH_SUBFAMILIES = {"CWDL", "BCWD"}  # cash withdrawal, branch cash withdrawal
_PLACEHOLDER_REFS = {"NONREF", "NOTPROVIDED", "NOT PROVIDED"}
_VOLKSBANK = re.compile(r"NL\d{2}(?:ASNB|SNSB|RBRB)\d{10}")

Element = Any  # xml.etree.ElementTree.Element; defusedxml is untyped


def _detect(head: str) -> bool:
    return head.lstrip("\ufeff \t\r\n").startswith("<") and NAMESPACE_PREFIX in head


class _LineTreeBuilder:
    """A TreeBuilder target that also notes the line each element starts on (the slow,
    exact way; used when the quick scan in `_scan_lines` cannot be trusted)."""

    def __init__(self) -> None:
        from xml.etree.ElementTree import TreeBuilder

        self._builder = TreeBuilder()
        self.expat: Any = None
        self.lines: dict[Element, int] = {}

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        element = self._builder.start(tag, attrs)
        self.lines[element] = self.expat.CurrentLineNumber
        return element

    def end(self, tag: str) -> Element:
        return self._builder.end(tag)

    def data(self, data: str) -> None:
        self._builder.data(data)

    def close(self) -> Element:
        return self._builder.close()


def _parse(source: Source, with_lines: bool) -> tuple[Element, dict[Element, int]]:
    """Parse with defusedxml. The quick way (`with_lines=False`) is defusedxml's own
    ``fromstring``; the slow way also notes the start line of every element."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser, fromstring

    safety = {"forbid_dtd": True, "forbid_entities": True, "forbid_external": True}
    builder = _LineTreeBuilder()
    parser = DefusedXMLParser(target=builder, **safety)
    builder.expat = parser.parser
    try:
        if not with_lines:
            return fromstring(source.data, **safety), {}
        parser.feed(source.data)
        return parser.close(), builder.lines
    except ParseError as exc:
        line = exc.position[0] if exc.position else None
        reason = str(exc).split(": line ")[0]
        raise source.error(msg.BANK_XML_BROKEN, line=line, reason=reason) from None
    except (LookupError, UnicodeError) as exc:  # an unknown or wrong declared encoding
        raise source.error(msg.BANK_XML_BROKEN, line=1, reason=str(exc)) from None
    except DefusedXmlException as exc:
        line = None
        if with_lines:
            line = parser.parser.CurrentLineNumber
        else:  # find the line: the slow parser stops at the same declaration
            try:
                _parse(source, with_lines=True)
            except BankFormatError as again:
                line = again.line
        raise source.error(msg.BANK_XML_FORBIDDEN, line=line, reason=type(exc).__name__) from None


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_TAGS = ("Stmt", "Bal", "Ntry")  # the elements messages and rows point at


def _scan_lines(source: Source, root: Element) -> dict[Element, int] | None:
    """Start lines of the Stmt, Bal and Ntry elements from a scan of the text, or None
    when the scan does not find exactly the elements the parser found (a tag name inside
    a comment or CDATA, say)."""
    from bisect import bisect_right

    text = source.text
    ns = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
    breaks = [m.end() for m in _LINE_BREAK.finditer(text)]
    lines: dict[Element, int] = {}
    for tag in _LINE_TAGS:
        elements = list(root.iter(f"{{{ns}}}{tag}"))
        starts = [m.start() for m in re.finditer(rf"<(?:[\w.-]+:)?{tag}[\s/>]", text)]
        if len(starts) != len(elements):
            return None
        for element, start in zip(elements, starts, strict=True):
            lines[element] = bisect_right(breaks, start) + 1
    return lines


def parse_xml(source: Source) -> tuple[Element, dict[Element, int]]:
    """Parse safely with defusedxml (no DTD, no entities, no external references) and
    return the root and the start line of the statement, balance and entry elements."""
    root, _ = _parse(source, with_lines=False)
    lines = _scan_lines(source, root)
    if lines is None:
        root, lines = _parse(source, with_lines=True)
    return root, lines


class _Camt:
    """One parse of one file: namespaced look-ups and field parsers."""

    def __init__(self, source: Source, root: Element, lines: dict[Element, int]) -> None:
        self.source = source
        self.lines = lines
        self.ns = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
        self.fields = Fields(source, FORMAT_NAME)
        self._paths: dict[str, str] = {}

    def q(self, path: str) -> str:
        """``A/B`` -> ``{ns}A/{ns}B`` (cached: the same few paths are asked for each entry)."""
        found = self._paths.get(path)
        if found is None:
            found = "/".join(f"{{{self.ns}}}{part}" for part in path.split("/"))
            self._paths[path] = found
        return found

    def text(self, element: Element, *paths: str) -> str:
        """Stripped text of the first of `paths` that exists under `element`, else ""."""
        for path in paths:
            found = element.find(self.q(path))
            if found is not None and (found.text or "").strip():
                return str(found.text).strip()
        return ""

    def line(self, element: Element) -> int | None:
        return self.lines.get(element)

    def missing(self, element: Element, kind: str, name: str) -> Exception:
        return self.source.error(
            msg.BANK_XML_MISSING, line=self.line(element), element_kind=kind, element=name
        )

    def signed(self, element: Element, kind: str) -> Decimal:
        """``Amt`` signed by ``CdtDbtInd`` (DBIT negative)."""
        line = self.line(element)
        raw = self.text(element, "Amt")
        if not raw:
            raise self.missing(element, kind, "Amt")
        amt = element.find(self.q("Amt"))
        what = msg.BANK_CURRENCY_BALANCE if kind == msg.BANK_CAMT_BALANCE else (
            msg.BANK_CURRENCY_TRANSACTION)
        self.fields.euro(amt.get("Ccy", ""), line, what)
        amount = self.fields.amount(amount_iso, raw, line, "Amt", "12.45")
        indicator = self.text(element, "CdtDbtInd")
        return -amount if self.fields.choice(indicator, line, "CdtDbtInd", _SIGNS) else amount

    def day(self, element: Element, *paths: str) -> date | None:
        """The date (or date-time) at the first of `paths` that exists, else None."""
        raw = self.text(element, *paths)
        if not raw:
            return None
        return self.fields.date(date_iso, raw[:10], self.line(element), paths[0], "YYYY-MM-DD")


def _read(source: Source) -> Parsed:
    root, lines = parse_xml(source)
    camt = _Camt(source, root, lines)
    statements = list(root.iter(camt.q("Stmt")))
    if not statements:
        raise camt.missing(root, msg.BANK_CAMT_FILE, msg.BANK_CAMT_NO_STATEMENT)
    transactions: list[BankTransaction] = []
    balances: list[StatementBalance] = []
    for statement in statements:
        parsed, balance = _statement(camt, statement)
        transactions.extend(parsed)
        balances.append(balance)
    return transactions, balances


def _statement(camt: _Camt, statement: Element) -> tuple[list[BankTransaction], StatementBalance]:
    account = own_account(camt.text(statement, "Acct/Id/IBAN", "Acct/Id/Othr/Id"))
    if not account:
        raise camt.missing(statement, msg.BANK_CAMT_STATEMENT, msg.BANK_CAMT_NO_ACCOUNT)
    camt.fields.euro(camt.text(statement, "Acct/Ccy"), camt.line(statement),
                     msg.BANK_CURRENCY_ACCOUNT)
    found: dict[str, tuple[date | None, Decimal, int | None]] = {}
    for bal in statement.iterfind(camt.q("Bal")):
        code = camt.text(bal, "Tp/CdOrPrtry/Cd", "Tp/CdOrPrtry/Prtry").upper()
        if code in _STATED and code not in found:
            found[code] = (
                camt.day(bal, "Dt/Dt", "Dt/DtTm"),
                camt.signed(bal, msg.BANK_CAMT_BALANCE),
                camt.line(bal),
            )
    opening = next((found[c] for c in _OPENING if c in found), None)
    closing = next((found[c] for c in _CLOSING if c in found), None)
    out: list[BankTransaction] = []
    for entry in statement.iterfind(camt.q("Ntry")):
        status = camt.text(entry, "Sts", "Sts/Cd").upper()
        if status not in ("", "BOOK"):
            continue  # pending or information-only: not in the booked balance
        amount = camt.signed(entry, msg.BANK_CAMT_ENTRY)
        booked = camt.day(entry, "BookgDt/Dt", "BookgDt/DtTm", "ValDt/Dt", "ValDt/DtTm")
        if booked is None:
            raise camt.missing(entry, msg.BANK_CAMT_ENTRY, msg.BANK_CAMT_NO_BOOKING_DATE)
        out.append(_entry(camt, entry, account, booked, amount))
    if runs_newest_first([tx.booking_date for tx in out]):
        out.reverse()  # entries listed newest first: the balances run the other way
    movement = sum((tx.amount for tx in out), Decimal(0))
    if opening is not None:
        running = opening[1]
        for tx in out:
            running += tx.amount
            tx.balance_after = running  # the rows were made here: set before anyone sees them
    return out, StatementBalance(
        account=account,
        opening_date=opening[0] if opening else None,
        opening=opening[1] if opening else None,
        closing_date=closing[0] if closing else None,
        closing=closing[1] if closing else None,
        opening_line=opening[2] if opening else None,
        closing_line=closing[2] if closing else None,
        count=len(out),
        movement=movement,
        available=found["CLAV"][1] if "CLAV" in found else None,
    )


def _entry(
    camt: _Camt,
    entry: Element,
    account: str,
    booked: date,
    amount: Decimal,
) -> BankTransaction:
    # The counterparty is the creditor of money going out, the debtor of money coming in.
    party = "Cdtr" if amount < 0 else "Dbtr"
    names: list[str] = []
    ibans: list[str] = []
    texts: list[str] = []
    e2e_ids: list[str] = []
    for tx in entry.iterfind(camt.q("NtryDtls/TxDtls")):
        e2e = camt.text(tx, "Refs/EndToEndId")
        if e2e and e2e.upper() not in _PLACEHOLDER_REFS and e2e not in e2e_ids:
            e2e_ids.append(e2e)
        name = clean(camt.text(tx, f"RltdPties/{party}/Nm", f"RltdPties/{party}/Pty/Nm"))
        iban = counter_account(
            camt.text(tx, f"RltdPties/{party}Acct/Id/IBAN", f"RltdPties/{party}Acct/Id/Othr/Id")
        )
        # Ustrd parts may be split mid-word: join without a separator.
        text = clean("".join(u.text or "" for u in tx.iterfind(camt.q("RmtInf/Ustrd"))))
        if not text:
            refs = tx.iterfind(camt.q("RmtInf/Strd/CdtrRefInf/Ref"))
            text = clean(" ".join(r.text or "" for r in refs)) or clean(camt.text(tx, "AddtlTxInf"))
        for value, bucket in ((name, names), (iban, ibans), (text, texts)):
            if value and value not in bucket:
                bucket.append(value)
    counterparty, counterparty_iban, description = (
        "; ".join(names),
        "; ".join(ibans),
        "; ".join(texts),
    )
    info = camt.text(entry, "AddtlNtryInf")
    if info:
        said = describe(split_txt(info))
        if not counterparty or (
            len(said.counterparty) > len(counterparty)
            and said.counterparty.startswith(counterparty)
        ):
            counterparty = said.counterparty  # ABN AMRO cuts <Nm> at 24 characters
        counterparty_iban = counterparty_iban or said.counterparty_iban
        description = description or said.description
        if not e2e_ids and said.end_to_end_id:
            e2e_ids.append(said.end_to_end_id)
    if not counterparty and _VOLKSBANK.fullmatch(account):
        counterparty = volksbank_card_merchant(description)
    domain = camt.text(entry, "BkTxCd/Domn/Cd")
    family = camt.text(entry, "BkTxCd/Domn/Fmly/Cd")
    subfamily = camt.text(entry, "BkTxCd/Domn/Fmly/SubFmlyCd")
    code = "/".join(p for p in (domain, family, subfamily) if p) or camt.text(
        entry, "BkTxCd/Prtry/Cd"
    )
    ref = camt.text(entry, "AcctSvcrRef") or camt.text(entry, "NtryRef")
    return BankTransaction(
        account=account,
        booking_date=booked,
        amount=amount,
        balance_after=None,  # set by `_statement`, in the statement's booking order
        counterparty=counterparty,
        counterparty_iban=counterparty_iban,
        description=description,
        bank_id=ref if ref and ref.upper() not in _PLACEHOLDER_REFS else None,
        code=code,
        is_cash=amount < 0
        and (
            subfamily.upper() in _CASH_SUBFAMILIES
            or looks_like_cash(counterparty, description, info)
        ),
        row=camt.line(entry) or 0,
        # One transfer's own reference; a batch booked as one entry has no single one.
        end_to_end_id=e2e_ids[0] if len(e2e_ids) == 1 else None,
    )


READERS = (BankReader("camt053", FORMAT_NAME, _detect, _read, order="statements"),)
