"""Rendering a `mmb.report.Report`: terminal table (Rich), csv, json, xlsx (openpyxl), md
and html (`mmb.report_html`). No figures are computed here; Rich and openpyxl are imported
inside the functions that need them.

Safety: free text (team names, categories, counterparties, notes, finding messages) never
becomes a spreadsheet formula (csv: `mmb.ledger.csv_safe`; xlsx: text cells forced to text
with Excel's quote prefix) nor markup (Rich `Text`, Markdown and HTML escaping).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO

from mmb.ledger import csv_safe
from mmb.messages import YE_COVERAGE_NONE
from mmb.money import euro, money_str
from mmb.report import (
    ACCOUNT_LABELS,
    FLOW_LABELS,
    FLOWS,
    LABELS,
    LEGEND_SUPPRESSED,
    METHOD_PUBLIC,
    OUTCOMES,
    RECEIPT_LABELS,
    ROW_COUNTS,
    ROW_MONEY,
    SPENT_LINES,
    SUPPRESSED_MARK,
    TEAM_MONEY,
    UNKNOWN_MARK,
    Account,
    AppendixRow,
    Report,
    Row,
    status_line,
)
from mmb.report_sdc import AMOUNT_NOISE, COUNT_NOISE, Cell
from mmb.text import json_safe, visible

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

#: Short column headers for the breakdown tables on a terminal.
SHORT: dict[str, str] = {
    "requests": "Req.", "approved": "Appr.", "rejected": "Rej.", "solved_otherwise": "Other",
    "withdrawn": "Wdr.", "pending": "Pend.", "households": "HH ask", "households_helped":
    "HH helped", "approved_amount": "Approved €", "spent": "Spent €", "budget": "Budget €",
    "bank_costs": "Costs €", "unspent": "Unspent €",
}
SHORT_LEGEND = ("Req. requests, Appr. approved, Rej. rejected, Other solved otherwise, "
                "Wdr. withdrawn, Pend. pending, HH households")
SECTION_OF_DIM = {"district": "by_district", "team": "by_team", "category": "by_category",
                  "month": "by_month"}


# ============================================================================ values

def columns(dim: str) -> list[str]:
    """The measures of a breakdown row, in order."""
    return [*ROW_COUNTS, *ROW_MONEY, *(TEAM_MONEY if dim in ("district", "team") else ())]


def show(cell: Cell, *, euro_sign: bool = True) -> str:
    """A cell for people: Dutch money notation, hours with one decimal."""
    if cell.suppressed:
        return SUPPRESSED_MARK
    value = cell.value
    if value is None:
        return UNKNOWN_MARK
    if cell.unit == "euro":
        assert isinstance(value, Decimal)
        return euro(value) if euro_sign else euro(value).replace("€ ", "")
    if cell.unit == "hours":
        return f"{value} h"
    return str(value)


def machine(cell: Cell) -> str | int | None:
    """A cell for JSON: money as a string with two decimals, counts as numbers, hours as a
    string with one decimal; None when hidden or not known."""
    value = cell.shown
    if value is None:
        return None
    if cell.unit == "euro":
        assert isinstance(value, Decimal)
        return money_str(value)
    if cell.unit == "hours":
        return str(value)
    return int(value)


def _row_json(row: Row, dim: str) -> dict[str, Any]:
    out: dict[str, Any] = {"key": row.key}
    if dim == "team":
        out["district"] = row.district
    for col in columns(dim):
        out[col] = machine(row.cells[col])
    return out


def _account_json(a: Account) -> dict[str, Any]:
    out: dict[str, Any] = {"opening_balance": machine(a.opening_balance)}
    for name in FLOWS:
        out[name] = machine(a.flows[name])
    out["cases_net"] = machine(a.cases_net)
    out["money_in"] = machine(a.money_in)
    out["money_out"] = machine(a.money_out)
    out["computed_closing"] = machine(a.computed_closing)
    out["closing_balance"] = machine(a.closing_balance)
    out["difference"] = machine(a.difference)
    out["agrees"] = a.agrees if not a.difference.suppressed else None
    return out


#: The JSON keys of the budget side's lines (money out positive).
SPENT_KEYS = {"cases": "spent", "bank_costs": "bank_costs", "transfers": "transfers_out",
              "corrections": "corrections_out", "other": "other_out",
              "refunds_unlinked": "refunds_unlinked_out", "unexplained": "unexplained_out"}


def _budget_json(a: Account) -> dict[str, Any]:
    """The budget side of an account: every line of everything spent, and unspent."""
    out: dict[str, Any] = {"budget_total": machine(a.budget_total)}
    for name in SPENT_LINES:
        out[SPENT_KEYS[name]] = machine(a.spent_lines[name])
    out["spent_total"] = machine(a.spent_total)
    out["unspent"] = machine(a.unspent)
    return out


def _reconciliation_json(a: Account) -> dict[str, Any]:
    """The budget side against the bank side: opening + unspent = closing balance."""
    return {"opening_balance": machine(a.opening_balance), "unspent": machine(a.unspent),
            "expected_closing": machine(a.expected_closing),
            "closing_balance": machine(a.closing_balance),
            "difference": machine(a.reconciliation_difference),
            "budget_not_received": machine(a.budget_not_received),
            "bank_difference": machine(a.difference),
            "agrees": a.reconciled if not a.reconciliation_difference.suppressed else None}


def to_json(report: Report) -> dict[str, Any]:
    """The report as one JSON object; the README documents every key."""
    meta, t = report.meta, report.total
    row = t.row.cells
    public = meta.public
    return {
        "format": "mmb-report/1",
        "year": meta.year,
        "generated": meta.generated.strftime("%Y-%m-%d %H:%M"),
        "public": public,
        "title": meta.title,
        "status": {"final": meta.final, "errors": meta.errors,
                   "warnings": meta.warnings,
                   "message": status_line(report), "reasons": list(meta.reasons)},
        "scope": {"municipalities": meta.municipalities, "teams": meta.teams,
                  "districts": meta.districts, "team_names": meta.team_names,
                  "breakdowns": meta.dimensions, "ibans": list(t.account.ibans)},
        "coverage": [{"team": team, "iban": c.iban,
                      "from": c.first.isoformat() if c.first else None,
                      "to": c.last.isoformat() if c.last else None,
                      "reaches": c.reaches.isoformat() if c.reaches else None,
                      "complete": c.complete(meta.year)} for team, c in report.coverage],
        "notices": meta.notices,
        "money": {
            "budget": machine(t.budget_base), "top_ups": machine(t.top_ups),
            "budget_total": machine(row["budget"]), "approved": machine(row["approved_amount"]),
            "payments": machine(t.payments), "refunds": machine(t.refunds),
            "spent": machine(row["spent"]), "bank_costs": machine(row["bank_costs"]),
            **{SPENT_KEYS[n]: machine(t.account.spent_lines[n]) for n in SPENT_LINES[2:]},
            "spent_total": machine(t.account.spent_total),
            "unspent": machine(row["unspent"]),
        },
        "requests": {"total": machine(row["requests"]),
                     **{o: machine(row[o]) for o in OUTCOMES}},
        "solved_by": [{"solver": name, "requests": machine(cell)} for name, cell in t.solved_by],
        "households": {"asking": machine(row["households"]),
                       "helped": machine(row["households_helped"])},
        "grants": {"count": machine(row["approved"]), "average": machine(t.average_grant),
                   "median": machine(t.median_grant)},
        "decision_time": {"decided": machine(t.decided), "median_hours": machine(t.median_hours),
                          "p90_hours": machine(t.p90_hours), "target_hours": t.target_hours,
                          "within_target": machine(t.within_target)},
        "followup": {"followed_up": machine(t.followed_up), "regret": machine(t.regret)},
        "open_items": {name: machine(cell) for name, cell in t.open.items()},
        "account": _account_json(t.account),
        "reconciliation": _reconciliation_json(t.account),
        "breakdowns": {dim: [_row_json(r, dim) for r in rows]
                       for dim, rows in report.breakdowns.items()},
        "accounts": [{"team": a.team, "district": a.district, "folder": a.folder,
                      "ledger": a.has_ledger, "ibans": list(a.account.ibans),
                      **_account_json(a.account), "budget": _budget_json(a.account),
                      "reconciliation": _reconciliation_json(a.account)}
                     for a in report.accounts],
        "regrets": [{"team": r.team, "case": r.case_id, "category": r.category,
                     "followup": r.followup.isoformat() if r.followup else None,
                     "note": r.note} for r in report.regrets],
        "unpaid": [{"team": team, "case": u.case_id,
                    "decided": u.decided.strftime("%Y-%m-%d %H:%M"),
                    "amount": money_str(u.amount), "days": u.days}
                   for team, u in report.open_items.unpaid],
        "findings": [{"path": f.path, "line": f.line, "code": f.code, "severity": f.level,
                      "case": f.case, "message": f.message} for f in report.findings],
        "appendix": [{"team": a.team, "row": a.row, "date": a.day.isoformat(),
                      "amount": money_str(a.amount), "kind": a.kind, "case": a.case or None,
                      "category": a.category or None, "receipt": a.receipt or None,
                      "receipt_files": list(a.receipts),
                      "counterparty": a.counterparty} for a in report.appendix],
        "fingerprint": None if report.fingerprint is None else report.fingerprint.to_json(),
        "disclosure": None if report.protection is None else {
            "unit": "household", "threshold": report.protection.threshold,
            "design": "cell-key", "count_noise_max": COUNT_NOISE,
            "amount_noise_max_percent": int(AMOUNT_NOISE * 100),
            "perturbed": report.protection.perturbed, "hidden": report.protection.hidden,
            "method": method_note(report.protection.threshold),
        },
    }


def render_json(report: Report) -> str:
    # Controls and bidi marks in free text stay JSON escapes, never raw bytes.
    return json_safe(json.dumps(to_json(report), ensure_ascii=False, indent=2)) + "\n"


# ============================================================================ csv

CSV_COLUMNS = ("year", "dimension", "group", "measure", "value", "status")


def tidy_rows(report: Report) -> Iterator[tuple[str, str, str, Cell | int | str | None]]:
    """(dimension, group, measure, cell) for every figure: the tidy long form. The first
    rows are the status (final: true or false, and each reason)."""
    t = report.total
    row = t.row.cells
    meta = report.meta
    yield "status", "", "final", "true" if meta.final else "false"
    for reason in meta.reasons:
        yield "status", "", "reason", reason
    if report.fingerprint is not None:
        yield "status", "", "fingerprint", report.fingerprint.digest
    a = t.account
    totals: list[tuple[str, Cell | int | None]] = [
        ("budget", t.budget_base), ("top_ups", t.top_ups), ("budget_total", row["budget"]),
        ("approved_amount", row["approved_amount"]), ("payments", t.payments),
        ("refunds", t.refunds), ("spent", row["spent"]), ("bank_costs", row["bank_costs"]),
        *((SPENT_KEYS[n], a.spent_lines[n]) for n in SPENT_LINES[2:]),
        ("spent_total", a.spent_total),
        ("unspent", row["unspent"]), ("requests", row["requests"]),
        *((o, row[o]) for o in OUTCOMES),
        ("households", row["households"]), ("households_helped", row["households_helped"]),
        ("average_grant", t.average_grant), ("median_grant", t.median_grant),
        ("decided", t.decided), ("median_hours", t.median_hours), ("p90_hours", t.p90_hours),
        ("target_hours", t.target_hours), ("within_target", t.within_target),
        ("followed_up", t.followed_up), ("regret", t.regret), *t.open.items(),
    ]
    for measure, cell in totals:
        yield "total", "", measure, cell
    for name, cell in t.solved_by:
        yield "solved_by", name, "requests", cell
    for measure, cell in _account_cells(t.account):
        yield "account", "", measure, cell
    for measure, cell in _reconciliation_cells(t.account):
        yield "reconciliation", "", measure, cell
    for team in report.accounts:
        for measure, cell in _account_cells(team.account):
            yield "account", team.team, measure, cell
        for measure, cell in _reconciliation_cells(team.account):
            yield "reconciliation", team.team, measure, cell
    for dim, rows in report.breakdowns.items():
        for r in rows:
            for col in columns(dim):
                yield dim, r.key, col, r.cells[col]


def _account_cells(a: Account) -> list[tuple[str, Cell]]:
    return [("opening_balance", a.opening_balance), *((f, a.flows[f]) for f in FLOWS),
            ("cases_net", a.cases_net), ("money_in", a.money_in), ("money_out", a.money_out),
            ("computed_closing", a.computed_closing), ("closing_balance", a.closing_balance),
            ("difference", a.difference)]


def _reconciliation_cells(a: Account) -> list[tuple[str, Cell]]:
    return [("opening_balance", a.opening_balance), ("unspent", a.unspent),
            ("expected_closing", a.expected_closing), ("closing_balance", a.closing_balance),
            ("difference", a.reconciliation_difference),
            ("budget_not_received", a.budget_not_received), ("bank_difference", a.difference)]


def render_csv(report: Report, *, dutch_excel: bool = False) -> str:
    """The figures as one tidy table: year, dimension, group, measure, value, status.
    Numbers are numbers (`-3.45`, Dutch Excel: `-3,45`); text is formula-safe and shown
    `visible`."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if dutch_excel else ",",
                        lineterminator="\r\n" if dutch_excel else "\n")
    writer.writerow(CSV_COLUMNS)
    year = str(report.meta.year)
    for dim, group, measure, cell in tidy_rows(report):
        if isinstance(cell, str):  # the status rows: words, not numbers
            writer.writerow([year, dim, csv_safe(visible(group)), measure,
                             csv_safe(visible(cell)), ""])
            continue
        if isinstance(cell, Cell):
            value = machine(cell)
            status = "suppressed" if cell.suppressed else ("unknown" if value is None else "")
        else:
            value, status = cell, ("unknown" if cell is None else "")
        text = "" if value is None else str(value)
        if dutch_excel:
            text = text.replace(".", ",")
        writer.writerow([year, dim, csv_safe(visible(group)), measure, text, status])
    return ("\ufeff" if dutch_excel else "") + out.getvalue()


# ============================================================================ markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MD_LINE_START = re.compile(r"^(?:[#+>-]|\d+[.)])")


def md_cell(text: str) -> str:
    """Text for a Markdown table cell: no markup, no HTML, no cell break, one line."""
    import html

    text = visible(" ".join(text.split()))
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def md_escape(text: str) -> str:
    """Text for a Markdown heading or paragraph: as `md_cell`, and what would start a
    heading, list or quote at the start of the line is escaped too."""
    text = md_cell(text)
    return "\\" + text if _MD_LINE_START.match(text) else text


def _md_table(head: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join("---:" if i in right else "---" for i in range(len(head))) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return [*lines, ""]


def _pairs_md(pairs: list[tuple[str, str]]) -> list[str]:
    return _md_table(["", ""], [[md_cell(k), md_cell(v)] for k, v in pairs], {1})


def render_md(report: Report) -> str:
    """Markdown: headings and tables, every free text escaped."""
    meta = report.meta
    out: list[str] = [f"# {md_escape(meta.title)}", "",
                      md_escape(generated_line(report)), "",
                      f"**{md_escape(status_line(report))}**", ""]
    if meta.reasons:
        out += [f"### {md_escape(LABELS['section_reasons'])}", ""]
        out += [f"{i}. {md_cell(r)}" for i, r in enumerate(meta.reasons, start=1)]
        out.append("")
    out += [f"- {md_escape(n)}" for n in meta.notices]
    if meta.notices:
        out.append("")
    for title, pairs in summary_sections(report):
        out += [f"## {md_escape(title)}", ""]
        out += _pairs_md(pairs)
    for dim, rows in report.breakdowns.items():
        out += [f"## {md_escape(LABELS[SECTION_OF_DIM[dim]])}", ""]
        head, body = breakdown_table(report, dim, rows)
        out += _md_table([md_cell(h) for h in head], [[md_cell(c) for c in r] for r in body],
                         set(range(1 if dim != "team" else 2, len(head))))
    for title, head, body in detail_tables(report):
        out += [f"## {md_escape(title)}", ""]
        if body:
            out += _md_table([md_cell(h) for h in head],
                             [[md_cell(c) for c in r] for r in body], set())
        else:
            out += [md_escape(LABELS["nothing_open"]), ""]
    if meta.public:
        out += [f"## {LABELS['section_method']}", "", md_escape(method_text(report)), "",
                md_escape(legend(report)), ""]
    return "\n".join(out).rstrip("\n") + "\n"


# ============================================================================ shared layout

def generated_line(report: Report) -> str:
    from mmb.report import GENERATED

    return GENERATED.format(now=report.meta.generated.strftime("%Y-%m-%d %H:%M"))


def method_note(threshold: int) -> str:
    """The method note of a public report (the design is `mmb.report_sdc`)."""
    return METHOD_PUBLIC.format(threshold=threshold, count_noise=COUNT_NOISE,
                                amount_percent=int(AMOUNT_NOISE * 100))


def method_text(report: Report) -> str:
    threshold = report.meta.threshold or 5
    return method_note(threshold)


def legend(report: Report) -> str:
    return LEGEND_SUPPRESSED.format(threshold=report.meta.threshold or 5)


def summary_sections(report: Report) -> list[tuple[str, list[tuple[str, str]]]]:
    """The headline figures as (section title, [(label, value)]) for every format that
    shows them as label/value lists."""
    sections = summary_cells(report)
    return [(title, [(label, show(cell) if isinstance(cell, Cell) else cell)
                     for label, cell in pairs]) for title, pairs in sections]


def summary_cells(report: Report) -> list[tuple[str, list[tuple[str, Cell | str]]]]:
    """Like `summary_sections`, with the cells (xlsx writes real numbers)."""
    t = report.total
    row = t.row.cells
    a = t.account
    money: list[tuple[str, Cell | str]] = [
        (LABELS["budget_base"], t.budget_base), (LABELS["top_ups"], t.top_ups),
        (LABELS["budget"], row["budget"]), (LABELS["approved_amount"], row["approved_amount"]),
    ]
    if not report.meta.public:
        money += [(LABELS["payments"], t.payments), (LABELS["refunds"], t.refunds)]
    # everything spent, each line apart: every euro that left the account is here
    money += [(LABELS["spent"], row["spent"]), (LABELS["bank_costs"], row["bank_costs"])]
    money += [(LABELS[f"spent_{n}"], a.spent_lines[n]) for n in SPENT_LINES[2:]]
    money += [(LABELS["spent_total"], a.spent_total), (LABELS["unspent"], row["unspent"])]
    account: list[tuple[str, Cell | str]] = []
    if a.ibans:
        account.append((LABELS["ibans"], ", ".join(a.ibans)))
    account.append((LABELS["opening_balance"], a.opening_balance))
    flows = list(FLOWS)
    if report.meta.public:
        flows = [f for f in flows if f not in ("case_payments", "refunds")]
        account.append((LABELS["cases_net"], a.cases_net))
    account += [(ACCOUNT_LABELS[f], a.flows[f]) for f in flows]
    if not report.meta.public:
        account += [(LABELS["money_in"], a.money_in), (LABELS["money_out"], a.money_out)]
    account += [(LABELS["computed_closing"], a.computed_closing),
                (LABELS["closing_balance"], a.closing_balance),
                (LABELS["difference"], a.difference)]
    if a.agrees is not None and not a.difference.suppressed:
        account.append((LABELS["agrees"], LABELS["yes"] if a.agrees else LABELS["no"]))
    reconciliation: list[tuple[str, Cell | str]] = [
        (LABELS["carried_over"], a.opening_balance), (LABELS["unspent"], a.unspent),
        (LABELS["expected_closing"], a.expected_closing),
        (LABELS["closing_balance"], a.closing_balance),
        (LABELS["reconciliation_difference"], a.reconciliation_difference),
        (LABELS["budget_not_received"], a.budget_not_received),
        (LABELS["bank_difference"], a.difference)]
    if a.reconciled is not None and not a.reconciliation_difference.suppressed:
        reconciliation.append((LABELS["reconciled"],
                               LABELS["yes"] if a.reconciled else LABELS["no"]))
    requests: list[tuple[str, Cell | str]] = [(LABELS["requests"], row["requests"])]
    requests += [(LABELS[o], row[o]) for o in OUTCOMES]
    requests += [(LABELS["households"], row["households"]),
                 (LABELS["households_helped"], row["households_helped"]),
                 (LABELS["average_grant"], t.average_grant)]
    if not report.meta.public:
        requests.append((LABELS["median_grant"], t.median_grant))
    target = (f"{t.target_hours} h" if t.target_hours is not None
              else "decision_hours of each team")
    time: list[tuple[str, Cell | str]] = [
        (LABELS["decided"], t.decided), (LABELS["median_hours"], t.median_hours),
        (LABELS["p90_hours"], t.p90_hours), (LABELS["target_hours"], target),
        (LABELS["within_target"], t.within_target)]
    follow: list[tuple[str, Cell | str]] = [(LABELS["followed_up"], t.followed_up),
                                            (LABELS["regret"], t.regret)]
    open_items: list[tuple[str, Cell | str]] = [(LABELS[k], c) for k, c in t.open.items()]
    sections = [(LABELS["section_money"], money), (LABELS["section_account"], account),
                (LABELS["section_reconciliation"], reconciliation),
                (LABELS["section_requests"], requests)]
    if t.solved_by:
        sections.append((LABELS["section_solved_by"],
                         [(name, cell) for name, cell in t.solved_by]))
    sections += [(LABELS["section_time"], time), (LABELS["section_followup"], follow),
                 (LABELS["section_open"], open_items)]
    return sections


def column_label(measure: str, short: bool = False) -> str:
    """A breakdown column header; money columns say they are in euros."""
    if short:
        return SHORT[measure]
    return LABELS[measure] + (" (€)" if measure in (*ROW_MONEY, *TEAM_MONEY) else "")


def breakdown_table(report: Report, dim: str, rows: list[Row],
                    short: bool = False) -> tuple[list[str], list[list[str]]]:
    """Header and body (the total last) of one breakdown, as display text."""
    first = [LABELS[dim]] + ([LABELS["district"]] if dim == "team" else [])
    head = first + [column_label(c, short) for c in columns(dim)]
    body = []
    for r in [*rows, report.total.row]:
        key = r.label if dim == "month" and r is not report.total.row else r.key
        if r is report.total.row:
            key = LABELS["total"]
        lead = [key] + ([r.district] if dim == "team" else [])
        body.append(lead + [show(r.cells[c], euro_sign=False) for c in columns(dim)])
    return head, body


def detail_tables(report: Report) -> list[tuple[str, list[str], list[list[str]]]]:
    """The non-public lists: accounts per team, open items, findings, regrets, appendix."""
    if report.meta.public:
        return []
    L = LABELS
    many = not report.meta.single_team
    out: list[tuple[str, list[str], list[list[str]]]] = []
    if many:
        out.append((L["section_accounts"],
                    [L["team"], L["district"], L["opening_balance"], L["money_in"],
                     L["money_out"], L["closing_balance"], L["difference"], L["agrees"],
                     L["unspent"], L["reconciled"]],
                    [[a.team, a.district, show(a.account.opening_balance),
                      show(a.account.money_in), show(a.account.money_out),
                      show(a.account.closing_balance), show(a.account.difference),
                      _agrees(a.account.agrees), show(a.account.unspent),
                      _agrees(a.account.reconciled)] for a in report.accounts]))
    coverage = coverage_table(report)
    if coverage is not None:
        out.append(coverage)
    team_col = [L["team"]] if many else []
    items = report.open_items
    out.append((L["section_no_receipt"],
                [*team_col, L["date"], L["amount"], L["case"], L["counterparty"], L["row"]],
                [[*([p.team] if many else []), p.day.isoformat(), euro(p.amount), p.case,
                  p.counterparty, str(p.row)] for p in items.no_receipt]))
    if items.declared_missing:
        out.append((L["section_declared_missing"],
                    [*team_col, L["date"], L["amount"], L["case"], L["note"], L["row"]],
                    [[*([p.team] if many else []), p.day.isoformat(), euro(p.amount), p.case,
                      note, str(p.row)] for p, note in items.declared_missing]))
    out.append((L["section_unpaid"],
                [*team_col, L["case"], L["decided_on"], L["amount"], L["days"]],
                [[*([team] if many else []), u.case_id, u.decided.strftime("%Y-%m-%d"),
                  euro(u.amount), str(u.days)] for team, u in items.unpaid]))
    out.append((L["section_findings"],
                [L["path"], L["severity"], L["code"], L["message"]],
                [[f"{f.path}:{f.line}", f.level, f.code, f.message] for f in report.findings]))
    out.append((L["section_regrets"],
                [*team_col, L["case"], L["category"], L["followup_on"], L["note"]],
                [[*([r.team] if many else []), r.case_id, r.category,
                  r.followup.isoformat() if r.followup else "", r.note]
                 for r in report.regrets]))
    out.append((L["section_appendix"],
                [*team_col, L["date"], L["amount"], L["kind"], L["case"], L["category"],
                 L["receipt"], L["counterparty"], L["row"]],
                [[*([a.team] if many else []), a.day.isoformat(), euro(a.amount),
                  FLOW_LABELS[a.kind], a.case, a.category, receipt_text(a),
                  a.counterparty, str(a.row)] for a in report.appendix]))
    return out


def coverage_table(report: Report) -> tuple[str, list[str], list[list[str]]] | None:
    """The period the bank data cover, per account (None in a public report)."""
    if report.meta.public:
        return None
    L = LABELS
    year = report.meta.year
    return (L["section_coverage"],
            [L["team"], L["iban"], L["first_booking"], L["last_booking"], L["reaches"],
             L["complete"]],
            [[team, c.iban, c.first.isoformat() if c.first else UNKNOWN_MARK,
              c.last.isoformat() if c.last else UNKNOWN_MARK,
              c.reaches.isoformat() if c.reaches else YE_COVERAGE_NONE,
              L["yes"] if c.complete(year) else L["no"]] for team, c in report.coverage])


def receipt_text(a: AppendixRow) -> str:
    """The receipt of a transaction in the appendix: its file name(s), else its status."""
    if a.receipts:
        return "; ".join(a.receipts)
    return RECEIPT_LABELS[a.receipt]


def signoff_lines(report: Report) -> tuple[list[str], list[str]]:
    """The sign-off block: what it states (status, fingerprint), and who signs."""
    from mmb.messages import YE_SIGNOFF_FINGERPRINT, YE_SIGNOFF_INTRO

    intro = [status_line(report)]
    if not report.meta.public:
        intro.append(YE_SIGNOFF_INTRO)
    fp = report.fingerprint
    if fp is not None:
        intro.append(YE_SIGNOFF_FINGERPRINT.format(files=fp.count, digest=fp.digest))
    return intro, [LABELS["prepared_by"], LABELS["checked_by"]]


def _agrees(value: bool | None) -> str:
    if value is None:
        return UNKNOWN_MARK
    return LABELS["yes"] if value else LABELS["no"]


# ============================================================================ terminal

def render_table(report: Report, out: TextIO, *, colour: bool, width: int | None = None) -> None:
    """The report on a terminal (Rich); colour only when asked."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text as RichText

    def Text(text: str, style: str = "") -> RichText:
        """Rich's `Text`, with the text shown `visible` (data can carry escapes)."""
        return RichText(visible(text), style=style)

    console = Console(file=out, no_color=not colour, force_terminal=colour, highlight=False,
                      emoji=False, width=width or (None if colour else 120),
                      color_system="auto" if colour else None)
    meta = report.meta
    console.print(Text(meta.title, style="bold"))
    console.print(Text(generated_line(report)))
    console.print(Text(status_line(report), style="bold green" if meta.final else "bold red"))
    if meta.reasons:
        console.print(Text(LABELS["section_reasons"] + ":", style="bold red"))
        for i, reason in enumerate(meta.reasons, start=1):
            console.print(Text(f"  {i}. {reason}", style="red"))
    for notice in meta.notices:
        console.print(Text(f"! {notice}", style="yellow"))
    console.print()
    for title, pairs in summary_sections(report):
        table = Table(title=Text(title, style="bold"), title_justify="left", box=box.SIMPLE,
                      show_header=False)
        table.add_column("")
        table.add_column("", justify="right")
        for label, value in pairs:
            table.add_row(Text(label), Text(value))
        console.print(table)
    for dim, rows in report.breakdowns.items():
        head, body = breakdown_table(report, dim, rows, short=True)
        lead = 2 if dim == "team" else 1
        split = lead + len(ROW_COUNTS)
        # two tables (counts, then money): fifteen columns do not fit a terminal
        for part, (start, stop) in enumerate(((lead, split), (split, len(head)))):
            table = Table(title=Text(LABELS[SECTION_OF_DIM[dim]], style="bold")
                          if part == 0 else None, title_justify="left", box=box.SIMPLE_HEAD,
                          caption=Text(SHORT_LEGEND) if part == 0 else None,
                          caption_justify="left")
            for i in [*range(lead), *range(start, stop)]:
                table.add_column(Text(head[i]), justify="left" if i < lead else "right",
                                 no_wrap=i >= lead)
            for k, cells in enumerate(body):
                picked = [*cells[:lead], *cells[start:stop]]
                table.add_row(*(Text(c) for c in picked), end_section=k == len(body) - 2,
                              style="bold" if k == len(body) - 1 else None)
            console.print(table)
    for title, head, body in detail_tables(report):
        if not body:
            console.print(Text(f"{title}: {LABELS['nothing_open']}", style="bold"))
            console.print()
            continue
        table = Table(title=Text(title, style="bold"), title_justify="left",
                      box=box.SIMPLE_HEAD)
        for h in head:
            table.add_column(Text(h))
        for cells in body:
            table.add_row(*(Text(c) for c in cells))
        console.print(table)
    if meta.public:
        console.print(Text(LABELS["section_method"], style="bold"))
        console.print(Text(method_text(report)))
        console.print(Text(legend(report)))


# ============================================================================ xlsx

EURO_FORMAT = '"€ "#,##0.00;-"€ "#,##0.00'
HOURS_FORMAT = '0.0" h"'
DATE_FORMAT = "yyyy-mm-dd"
MONTH_FORMAT = "mmm yyyy"
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def xlsx_text(ws: Worksheet, row: int, col: int, text: str) -> Any:
    """Write free text that Excel will show as text, never run as a formula: control
    characters removed (they are not allowed in the file), the cell typed as a string, and
    Excel's quote prefix set where the text starts like a formula."""
    clean = _ILLEGAL_XML.sub("", visible(text, newlines=True))[:32767]
    cell = ws.cell(row=row, column=col)
    if not clean:
        return cell  # an empty cell, not an empty string
    cell.value = clean
    cell.data_type = "s"  # openpyxl would store "=..." as a formula and "#N/A" as an error
    if clean.startswith(_FORMULA_START):
        cell.quotePrefix = True
    return cell


def _xlsx_value(ws: Worksheet, row: int, col: int, value: Cell | str | int | Decimal | date
                | None) -> Any:
    if isinstance(value, Cell):
        if value.suppressed:
            return xlsx_text(ws, row, col, SUPPRESSED_MARK)
        if value.value is None:
            return ws.cell(row=row, column=col)
        cell = ws.cell(row=row, column=col, value=value.value)
        cell.number_format = {"euro": EURO_FORMAT, "hours": HOURS_FORMAT, "count": "0"}[
            value.unit]
        return cell
    if isinstance(value, str):
        return xlsx_text(ws, row, col, value)
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, Decimal):
        cell.number_format = EURO_FORMAT
    return cell


def _xlsx_header(ws: Worksheet, row: int, head: list[str]) -> None:
    from openpyxl.styles import Font

    for i, h in enumerate(head, start=1):
        xlsx_text(ws, row, i, h).font = Font(bold=True)


#: Column widths (in characters): the widest cell, within these bounds; longer text wraps.
MIN_WIDTH, MAX_WIDTH = 8, 60
#: Sheets wider than this (characters, about A4 portrait at 100 %) print landscape.
PORTRAIT_WIDTH = 95


def shown_width(cell: Any) -> int:
    """About how many characters a cell shows (text as is, numbers in their format)."""
    value = cell.value
    if value is None:
        return 0
    if isinstance(value, str):
        return max(len(line) for line in value.split("\n"))
    if isinstance(value, date):  # a datetime too: the number format says what shows
        return {DATE_FORMAT: 10, MONTH_FORMAT: 8}.get(cell.number_format, 16)
    if isinstance(value, (Decimal, float)) and cell.number_format == EURO_FORMAT:
        return len(euro(Decimal(str(value))))
    return len(str(value))


def xlsx_footer(report: Report) -> str:
    """The printed footer: final or not, and the title (Excel allows 255 characters)."""
    word = LABELS["final"] if report.meta.final else LABELS["not_final"]
    return f"{word}: {report.meta.title}"[:150]


def print_setup(ws: Worksheet, *, title_rows: str, sentences: set[int] | None = None,
                footer: str = "") -> None:
    """Make a sheet print: A4, fit to the page width (as many pages down as needed),
    landscape when it is wider than a portrait page, `title_rows` repeated on every page,
    columns as wide as their widest cell (up to `MAX_WIDTH`; longer text wraps, so no
    label is cut), and page numbers with the report's status in the footer. `sentences`:
    rows of running text, merged over the used columns and wrapped."""
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    sentences = sentences or set()
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.row in sentences:
                continue
            widths[cell.column] = max(widths.get(cell.column, 0), shown_width(cell))
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = min(
            max(width + 2, MIN_WIDTH), MAX_WIDTH)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows():
        for cell in row:
            if cell.row not in sentences and shown_width(cell) + 2 > MAX_WIDTH:
                cell.alignment = wrap
    total = sum(min(max(w + 2, MIN_WIDTH), MAX_WIDTH) for w in widths.values()) or MIN_WIDTH
    last = max(widths or {1: 0})
    for r in sorted(sentences):
        cell = ws.cell(row=r, column=1)
        if last > 1:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last)
        cell.alignment = wrap
        lines = -(-shown_width(cell) // max(total, 1)) if cell.value else 1
        if lines > 1:
            ws.row_dimensions[r].height = 15 * lines
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if total > PORTRAIT_WIDTH else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.print_title_rows = title_rows
    ws.print_options.horizontalCentered = False
    ws.oddFooter.left.text = footer.replace("&", "&&")
    ws.oddFooter.right.text = "&P / &N"


def render_xlsx(report: Report) -> bytes:
    """A workbook: Summary (headline figures), one sheet per breakdown and, unless public,
    the bank accounts, open items and the Appendix of every transaction. Numbers and dates
    are real number and date cells, money in a euro number format."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    meta = report.meta
    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    xlsx_text(ws, 1, 1, meta.title).font = Font(bold=True, size=14)
    xlsx_text(ws, 2, 1, generated_line(report))
    xlsx_text(ws, 3, 1, status_line(report)).font = Font(
        bold=True, color="006100" if meta.final else "C00000")
    sentences = {1, 2, 3}  # rows of running text (merged over the columns, wrapped)
    r = 4
    for i, reason in enumerate(meta.reasons, start=1):
        xlsx_text(ws, r, 1, f"{i}. {reason}").font = Font(color="C00000")
        sentences.add(r)
        r += 1
    for notice in meta.notices:
        xlsx_text(ws, r, 1, notice)
        sentences.add(r)
        r += 1
    if meta.public:
        xlsx_text(ws, r, 1, legend(report))
        sentences.add(r)
        r += 1
    for title, pairs in summary_cells(report):
        r += 1
        xlsx_text(ws, r, 1, title).font = Font(bold=True)
        r += 1
        for label, value in pairs:
            xlsx_text(ws, r, 1, label)
            _xlsx_value(ws, r, 2, value)
            r += 1
    if meta.public:
        r += 1
        xlsx_text(ws, r, 1, LABELS["section_method"]).font = Font(bold=True)
        xlsx_text(ws, r + 1, 1, method_text(report))
        sentences.add(r + 1)
        r += 2
    _xlsx_signoff(ws, r + 1, report, sentences)
    print_setup(ws, title_rows="1:3", sentences=sentences, footer=xlsx_footer(report))
    for dim, rows in report.breakdowns.items():
        sheet = wb.create_sheet(LABELS[SECTION_OF_DIM[dim]])
        lead = [LABELS[dim]] + ([LABELS["district"]] if dim == "team" else [])
        cols = columns(dim)
        _xlsx_header(sheet, 1, lead + [column_label(c) for c in cols])
        for i, row in enumerate([*rows, report.total.row], start=2):
            total = row is report.total.row
            if dim == "month" and not total:
                cell = sheet.cell(row=i, column=1,
                                  value=date(meta.year, int(row.key[5:7]), 1))
                cell.number_format = MONTH_FORMAT
            else:
                xlsx_text(sheet, i, 1, LABELS["total"] if total else row.key)
            if dim == "team":
                xlsx_text(sheet, i, 2, "" if total else row.district)
            for j, col in enumerate(cols, start=len(lead) + 1):
                cell = _xlsx_value(sheet, i, j, row.cells[col])
                if total:
                    cell.font = Font(bold=True)
            if total:
                sheet.cell(row=i, column=1).font = Font(bold=True)
        sheet.freeze_panes = "B2"
        print_setup(sheet, title_rows="1:1", footer=xlsx_footer(report))
    if not meta.public:
        _xlsx_details(wb, report)
    wb.properties.creator = "mmb"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _xlsx_signoff(ws: Worksheet, r: int, report: Report, sentences: set[int]) -> int:
    """The sign-off block from row `r`: what it states, then a line to fill in and a line
    to sign for each of who prepared and who checked the account. Returns the next row."""
    from openpyxl.styles import Border, Font, Side

    intro, lines = signoff_lines(report)
    xlsx_text(ws, r, 1, LABELS["section_signoff"]).font = Font(bold=True, size=12)
    r += 1
    for text in intro:
        xlsx_text(ws, r, 1, text)
        sentences.add(r)
        r += 1
    line = Border(bottom=Side(style="thin", color="000000"))
    for who in lines:
        r += 1
        for label in (who, LABELS["signoff_date"], LABELS["signature"]):
            xlsx_text(ws, r, 1, label).font = Font(bold=True)
            ws.cell(row=r, column=2).border = line
            ws.row_dimensions[r].height = 24
            r += 1
    return r


def _xlsx_details(wb: Any, report: Report) -> None:
    L = LABELS
    footer = xlsx_footer(report)
    if len(report.accounts) > 1:
        sheet = wb.create_sheet("Accounts")
        head = [L["team"], L["district"], L["ledger"], L["opening_balance"],
                *(ACCOUNT_LABELS[f] for f in FLOWS), L["money_in"], L["money_out"],
                L["closing_balance"], L["difference"], L["agrees"], L["spent_total"],
                L["unspent"], L["reconciliation_difference"], L["reconciled"]]
        _xlsx_header(sheet, 1, head)
        for i, a in enumerate(report.accounts, start=2):
            acc = a.account
            values: list[Any] = [a.team, a.district, L["yes"] if a.has_ledger else L["no"],
                                 acc.opening_balance, *(acc.flows[f] for f in FLOWS),
                                 acc.money_in, acc.money_out, acc.closing_balance,
                                 acc.difference, _agrees(acc.agrees), acc.spent_total,
                                 acc.unspent, acc.reconciliation_difference,
                                 _agrees(acc.reconciled)]
            for j, v in enumerate(values, start=1):
                _xlsx_value(sheet, i, j, v)
        sheet.freeze_panes = "B2"
        print_setup(sheet, title_rows="1:1", footer=footer)
    coverage = coverage_table(report)
    if coverage is not None:
        sheet = wb.create_sheet("Bank data")
        _, head, _ = coverage
        _xlsx_header(sheet, 1, head)
        year = report.meta.year
        for i, (team, c) in enumerate(report.coverage, start=2):
            values = [team, c.iban, c.first, c.last, c.reaches if c.reaches else
                      YE_COVERAGE_NONE, L["yes"] if c.complete(year) else L["no"]]
            for j, v in enumerate(values, start=1):
                _xlsx_value(sheet, i, j, v)
        print_setup(sheet, title_rows="1:1", footer=footer)
    items = report.open_items
    sheet = wb.create_sheet("Open items")
    xlsx_text(sheet, 1, 1, f"{report.meta.title}: {L['section_open']}")
    r = 3
    tables: list[tuple[str, list[str], list[list[Any]]]] = [
        (L["section_no_receipt"], [L["team"], L["date"], L["amount"], L["case"],
                                   L["counterparty"], L["row"]],
         [[p.team, p.day, p.amount, p.case, p.counterparty, p.row] for p in items.no_receipt]),
        (L["section_declared_missing"], [L["team"], L["date"], L["amount"], L["case"],
                                         L["note"], L["row"]],
         [[p.team, p.day, p.amount, p.case, note, p.row] for p, note in items.declared_missing]),
        (L["section_unpaid"], [L["team"], L["case"], L["decided_on"], L["amount"], L["days"]],
         [[team, u.case_id, u.decided.date(), u.amount, u.days] for team, u in items.unpaid]),
        (L["section_findings"], [L["path"], L["line"], L["severity"], L["code"], L["message"]],
         [[f.path, f.line, f.level, f.code, f.message] for f in report.findings]),
        (L["section_regrets"], [L["team"], L["case"], L["category"], L["followup_on"],
                                L["note"]],
         [[g.team, g.case_id, g.category, g.followup, g.note] for g in report.regrets]),
    ]
    from openpyxl.styles import Font

    for title, head, body in tables:
        xlsx_text(sheet, r, 1, title).font = Font(bold=True, size=12)
        r += 1
        if not body:
            xlsx_text(sheet, r, 1, L["nothing_open"])
            r += 2
            continue
        _xlsx_header(sheet, r, head)
        r += 1
        for values in body:
            for j, v in enumerate(values, start=1):
                _xlsx_value(sheet, r, j, v)
            r += 1
        r += 1
    print_setup(sheet, title_rows="1:1", sentences={1}, footer=footer)
    sheet = wb.create_sheet("Appendix")
    head = [L["team"], L["date"], L["amount"], L["kind"], L["case"], L["category"],
            L["receipt"], L["counterparty"], L["row"]]
    _xlsx_header(sheet, 1, head)
    for i, item in enumerate(report.appendix, start=2):
        values = [item.team, item.day, item.amount, FLOW_LABELS[item.kind], item.case,
                  item.category, receipt_text(item), item.counterparty, item.row]
        for j, v in enumerate(values, start=1):
            _xlsx_value(sheet, i, j, v)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:I{max(1, len(report.appendix) + 1)}"
    print_setup(sheet, title_rows="1:1", footer=footer)


# ============================================================================ dispatch

def render_text(report: Report, fmt: str, *, dutch_excel: bool = False) -> str:
    """Every text format (the table without colour, as written to a file)."""
    if fmt == "json":
        return render_json(report)
    if fmt == "csv":
        return render_csv(report, dutch_excel=dutch_excel)
    if fmt == "md":
        return render_md(report)
    if fmt == "html":
        from mmb.report_html import render_html

        return render_html(report)
    buffer = io.StringIO()
    render_table(report, buffer, colour=False)
    # Rich pads every line to the table width; a file needs no trailing blanks
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def render_bytes(report: Report, fmt: str, *, dutch_excel: bool = False) -> bytes:
    """The file to write for `-o`: UTF-8 text, the xlsx workbook or the PDF."""
    if fmt == "xlsx":
        return render_xlsx(report)
    if fmt == "pdf":
        from mmb.report_pdf import render_pdf

        return render_pdf(report)
    return render_text(report, fmt, dutch_excel=dutch_excel).encode("utf-8")


def write(report: Report, fmt: str, out: TextIO, *, colour: bool,
          dutch_excel: bool = False) -> None:
    """Write a text format to standard output (the table straight to the terminal)."""
    if fmt == "table" and colour:
        render_table(report, out, colour=colour)
    else:
        out.write(render_text(report, fmt, dutch_excel=dutch_excel))
