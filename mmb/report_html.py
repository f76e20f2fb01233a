"""`mmb report --format html`: one self-contained page a coordinator can mail.

Inline CSS and inline SVG charts, no external resources, no JavaScript; a print style sheet
for A4. Every text from the files is escaped (`html.escape`), in the page and in the SVG.
Chart geometry uses floats; every number printed comes from the exact Decimal figures.
"""

from __future__ import annotations

import html
import math
from decimal import Decimal

from mmb.report import (
    LABELS,
    MONTH_NAMES,
    OUTCOMES,
    ROW_COUNTS,
    SUPPRESSED_MARK,
    Report,
    status_line,
)
from mmb.report_render import (
    SECTION_OF_DIM,
    breakdown_table,
    detail_tables,
    generated_line,
    legend,
    method_text,
    show,
    signoff_lines,
    summary_sections,
)
from mmb.report_sdc import Cell
from mmb.text import visible

OUTCOME_COLOURS = {"approved": "#2e7d32", "rejected": "#c62828", "solved_otherwise": "#00838f",
                   "withdrawn": "#757575", "pending": "#f9a825"}
SPENT_COLOUR = "#2f6f9f"
COSTS_COLOUR = "#9aa5b1"
UNSPENT_COLOUR = "#a5d6a7"

CSS = """
:root { --ink: #1b1f23; --muted: #5b6570; --line: #d8dee4; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       color: var(--ink); margin: 0; background: #eef1f4; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 32px; background: #fff; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 10px; padding-bottom: 4px;
     border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 16px 0 6px; }
.meta { color: var(--muted); margin: 0 0 12px; }
.status { padding: 10px 14px; border-radius: 6px; font-weight: 600; margin: 12px 0; }
.final { background: #e8f5e9; color: #1b5e20; border-left: 6px solid #2e7d32; }
.notfinal { background: #ffebee; color: #b71c1c; border-left: 6px solid #c62828; }
.notices { color: #7a4b00; background: #fff8e1; padding: 8px 8px 8px 28px; border-radius: 6px; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px;
        margin: 16px 0; }
.kpi { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.kpi .v { font-size: 20px; font-weight: 700; white-space: nowrap; }
.kpi .l { color: var(--muted); font-size: 12px; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 12px 32px; align-items: start; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left;
         vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
td.n, th.n { text-align: right; }
td { white-space: nowrap; }
td.t { white-space: normal; min-width: 16em; }
table.narrow { width: auto; min-width: 50%; }
tr.total td { font-weight: 700; border-top: 2px solid var(--ink); }
.wide { overflow-x: auto; font-size: 12.5px; margin-bottom: 12px; }
figure { margin: 0 0 16px; }
figcaption { font-weight: 600; margin-bottom: 6px; }
svg { display: block; width: 100%; height: auto; }
svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
           fill: #1b1f23; }
.legend span { display: inline-block; margin-right: 14px; font-size: 12px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px;
            border-radius: 2px; vertical-align: -1px; }
.method { color: var(--muted); }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
.reasons { color: #b71c1c; }
.reasons h2 { font-size: 15px; border-bottom-color: #ffcdd2; }
table.signoff { width: 100%; margin-top: 12px; }
table.signoff th { font-size: 13px; color: var(--ink); width: 10%; border: 0;
                   vertical-align: bottom; padding-top: 28px; }
table.signoff td.line { border-bottom: 1px solid var(--ink); width: 26%; }
table.signoff td.line.short { width: 14%; }
@media screen and (max-width: 820px) {
  .grid2 { grid-template-columns: 1fr; }
  main { padding: 16px; }
}
@media print {
  body { background: #fff; font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  figure, .kpis, .keep, tr { break-inside: avoid; }
  thead { display: table-header-group; }
  .wide { overflow: visible; font-size: 8.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
@page { size: A4; margin: 14mm; }
"""


def esc(text: str) -> str:
    """Text from the files for the page: shown `visible` (no control or bidi character
    acts in the browser), then HTML-escaped."""
    return html.escape(visible(text), quote=True)


def _num(cell: Cell) -> float | None:
    """A shown value as a float, for chart geometry only."""
    value = cell.shown
    return None if value is None else float(value)


def _short_euro(value: Decimal | float) -> str:
    """€ 1.234 (whole euros) for chart axes and labels."""
    whole = round(float(value))
    sign = "-" if whole < 0 else ""
    return f"{sign}€ {abs(whole):,}".replace(",", ".")


#: Chart widths in CSS pixels at the page's full width, so that 11px text stays 11px on
#: screen (and scales down with the page in print).
FULL_WIDTH = 1056
HALF_WIDTH = 512


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at or above `value` (axis top)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        if step * power >= value:
            return step * power
    return 10.0 * power  # pragma: no cover - the loop always returns


def column_chart(title: str, items: list[tuple[str, Cell]]) -> str:
    """Vertical bars (e.g. money per month); a hidden value is marked, not drawn."""
    width, height, left, top, bottom = FULL_WIDTH, 260, 64, 22, 34
    plot_h = height - top - bottom
    values = [_num(c) for _, c in items]
    known = [v for v in values if v is not None]
    vmax = nice_ceiling(max([0.0, *known]))
    vmin = -nice_ceiling(-min(known)) if known and min(known) < 0 else 0.0
    span = vmax - vmin or 1.0

    def y(v: float) -> float:
        return top + (vmax - v) / span * plot_h

    slot = (width - left - 8) / max(1, len(items))
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}">',
             f"<title>{esc(title)}</title>"]
    for i in range(5):  # gridlines at quarters of the (rounded up) largest value
        grid = vmax * i / 4
        gy = y(grid)
        parts.append(f'<line x1="{left}" y1="{gy:.1f}" x2="{width - 8}" y2="{gy:.1f}" '
                     f'stroke="#d8dee4" stroke-width="1"/>')
        parts.append(f'<text x="{left - 6}" y="{gy + 4:.1f}" text-anchor="end">'
                     f"{esc(_short_euro(grid))}</text>")
    base = y(0.0)
    for i, ((label, cell), v) in enumerate(zip(items, values, strict=True)):
        x = left + i * slot + slot * 0.15
        w = slot * 0.7
        cx = x + w / 2
        if v is None:
            parts.append(f'<text x="{cx:.1f}" y="{base - 6:.1f}" text-anchor="middle">'
                         f"{esc(show(cell))}</text>")
        else:
            top_y, h = (y(v), base - y(v)) if v >= 0 else (base, y(v) - base)
            parts.append(f'<rect x="{x:.1f}" y="{top_y:.1f}" width="{w:.1f}" '
                         f'height="{max(h, 0.5):.1f}" fill="{SPENT_COLOUR}">'
                         f"<title>{esc(label)}: {esc(show(cell))}</title></rect>")
            if v:
                ly = top_y - 4 if v >= 0 else top_y + h + 12
                parts.append(f'<text x="{cx:.1f}" y="{ly:.1f}" text-anchor="middle" '
                             f'font-size="10">{esc(_short_euro(v))}</text>')
        parts.append(f'<text x="{cx:.1f}" y="{height - bottom + 16}" text-anchor="middle">'
                     f"{esc(label)}</text>")
    parts.append(f'<line x1="{left}" y1="{base:.1f}" x2="{width - 8}" y2="{base:.1f}" '
                 f'stroke="#1b1f23" stroke-width="1"/>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(title: str, items: list[tuple[str, Cell, str]], width: int = FULL_WIDTH) -> str:
    """Horizontal bars with their label and value (categories, outcomes)."""
    row_h, label_w, value_w = 24, 130 if width < FULL_WIDTH else 180, 110
    height = row_h * len(items) + 8
    values = [_num(c) for _, c, _ in items]
    vmax = max([0.0, *(abs(v) for v in values if v is not None)]) or 1.0
    bar_w = width - label_w - value_w
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}">',
             f"<title>{esc(title)}</title>"]
    for i, ((label, cell, colour), v) in enumerate(zip(items, values, strict=True)):
        y = 4 + i * row_h
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">'
                     f"{esc(label)}</text>")
        w = 0.0 if v is None else abs(v) / vmax * bar_w
        if v is not None and v:
            parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{max(w, 1):.1f}" '
                         f'height="{row_h - 8}" fill="{colour}" rx="2">'
                         f"<title>{esc(label)}: {esc(show(cell))}</title></rect>")
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 16}">{esc(show(cell))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def budget_chart(report: Report) -> str:
    """One stacked bar: spent, bank costs and what is left, against the budget."""
    row = report.total.row.cells
    budget, spent, costs, unspent = (row[k] for k in ("budget", "spent", "bank_costs",
                                                       "unspent"))
    if spent.shown is None or budget.shown is None or costs.shown is None:
        return f"<p>{esc(LABELS['spent'])}: {esc(SUPPRESSED_MARK)}</p>"
    b, s, c = float(budget.shown), float(spent.shown), float(costs.shown)
    left = max(b - s - c, 0.0)
    whole = max(b, s + c + left) or 1.0
    width, x0 = HALF_WIDTH, 4
    bar_w = width - 2 * x0
    segments = [(s, SPENT_COLOUR, LABELS["spent"], spent), (c, COSTS_COLOUR,
                                                           LABELS["bank_costs"], costs),
                (left, UNSPENT_COLOUR, LABELS["unspent"], unspent)]
    title = esc(LABELS["chart_budget"])
    parts = [f'<svg viewBox="0 0 {width} 64" role="img" aria-label="{title}">',
             f"<title>{title}</title>"]
    x = float(x0)
    for value, colour, label, cell in segments:
        w = max(value, 0.0) / whole * bar_w
        if w > 0:
            parts.append(f'<rect x="{x:.1f}" y="8" width="{w:.1f}" height="30" fill="{colour}">'
                         f"<title>{esc(label)}: {esc(show(cell))}</title></rect>")
        x += w
    bx = x0 + b / whole * bar_w
    parts.append(f'<line x1="{bx:.1f}" y1="2" x2="{bx:.1f}" y2="44" stroke="#1b1f23" '
                 f'stroke-width="2"/>')
    parts.append(f'<text x="{min(bx, width - 4):.1f}" y="58" text-anchor="end">'
                 f"{esc(LABELS['budget'])}: {esc(show(budget))}</text>")
    parts.append("</svg>")
    legend_html = "".join(
        f'<span><i style="background:{colour}"></i>{esc(label)} {esc(show(cell))}</span>'
        for _, colour, label, cell in segments)
    return "".join(parts) + f'<div class="legend">{legend_html}</div>'


def _figure(caption: str, body: str) -> str:
    return f"<figure><figcaption>{esc(caption)}</figcaption>{body}</figure>"


def _pairs(title: str, pairs: list[tuple[str, str]]) -> str:
    rows = "".join(f"<tr><td>{esc(k)}</td><td class=\"n\">{esc(v)}</td></tr>" for k, v in pairs)
    return f'<div class="keep"><h3>{esc(title)}</h3><table class="pairs">{rows}</table></div>'


#: Columns of the detail tables that hold numbers (right-aligned) or long text (wrapped).
_NUMERIC = {LABELS[k] for k in ("amount", "row", "days", "line", "opening_balance", "money_in",
                                "money_out", "closing_balance", "difference")}
_LONG_TEXT = {LABELS[k] for k in ("note", "message", "counterparty")}


def _table(head: list[str], body: list[list[str]], numeric_from: int | None = None,
           total_last: bool = False) -> str:
    def cls(i: int) -> str:
        if (numeric_from is not None and i >= numeric_from) or (
                numeric_from is None and head[i] in _NUMERIC):
            return ' class="n"'
        return ' class="t"' if head[i] in _LONG_TEXT else ""

    thead = "".join(f"<th{cls(i)}>{esc(h)}</th>" for i, h in enumerate(head))
    rows = []
    for k, r in enumerate(body):
        tr = ' class="total"' if total_last and k == len(body) - 1 else ""
        rows.append(f"<tr{tr}>" + "".join(f"<td{cls(i)}>{esc(c)}</td>" for i, c in enumerate(r))
                    + "</tr>")
    narrow = ' class="narrow"' if len(head) <= 4 else ""
    return (f'<div class="wide"><table{narrow}><thead><tr>{thead}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def signoff_html(report: Report) -> str:
    """The sign-off block: what it states, and lines to fill in and sign on paper."""
    intro, lines = signoff_lines(report)
    rows = "".join(
        f"<tr><th>{esc(who)}</th><td class=\"line\"></td><th>{esc(LABELS['signoff_date'])}</th>"
        f"<td class=\"line short\"></td><th>{esc(LABELS['signature'])}</th>"
        f"<td class=\"line\"></td></tr>" for who in lines)
    texts = "".join(f"<p>{esc(t)}</p>" for t in intro)
    return (f'<section class="signoff keep"><h2>{esc(LABELS["section_signoff"])}</h2>{texts}'
            f'<table class="signoff">{rows}</table></section>\n')


def render_html(report: Report) -> str:
    """The whole page."""
    meta, t = report.meta, report.total
    row = t.row.cells
    out = ['<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
           '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
           f"<title>{esc(meta.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
           f"<header><h1>{esc(meta.title)}</h1>"
           f'<p class="meta">{esc(generated_line(report))}</p></header>\n',
           f'<p class="status {"final" if meta.final else "notfinal"}">'
           f"{esc(status_line(report))}</p>\n"]
    if meta.reasons:
        out.append(f'<section class="reasons"><h2>{esc(LABELS["section_reasons"])}</h2><ol>'
                   + "".join(f"<li>{esc(r)}</li>" for r in meta.reasons) + "</ol></section>\n")
    if meta.notices:
        out.append('<ul class="notices">' + "".join(f"<li>{esc(n)}</li>" for n in meta.notices)
                   + "</ul>\n")
    kpis = [(LABELS["budget"], row["budget"]), (LABELS["approved_amount"], row["approved_amount"]),
            (LABELS["spent"], row["spent"]), (LABELS["unspent"], row["unspent"]),
            (LABELS["requests"], row["requests"]),
            (LABELS["households_helped"], row["households_helped"])]
    out.append('<section class="kpis">' + "".join(
        f'<div class="kpi"><div class="v">{esc(show(c))}</div>'
        f'<div class="l">{esc(label.replace(" (€)", ""))}</div></div>' for label, c in kpis)
        + "</section>\n")
    charts = [_figure(LABELS["chart_budget"], budget_chart(report)),
              _figure(LABELS["chart_outcomes"], bar_chart(
                  LABELS["chart_outcomes"],
                  [(LABELS[o], row[o], OUTCOME_COLOURS[o]) for o in OUTCOMES], HALF_WIDTH))]
    out.append('<section class="grid2">' + "".join(charts) + "</section>\n")
    if "month" in report.breakdowns:
        months = [(MONTH_NAMES[int(r.key[5:7]) - 1], r.cells["spent"])
                  for r in report.breakdowns["month"]]
        out.append(_figure(LABELS["chart_month"], column_chart(LABELS["chart_month"], months)))
    if "category" in report.breakdowns:
        cats = [(r.key, r.cells["spent"], SPENT_COLOUR) for r in report.breakdowns["category"]]
        out.append(_figure(LABELS["chart_category"], bar_chart(LABELS["chart_category"], cats)))
    sections = summary_sections(report)
    half = 3  # money, the bank account and how they agree on the left; the rest right
    out.append('<section class="grid2"><div>'
               + "".join(_pairs(title, pairs) for title, pairs in sections[:half])
               + "</div><div>"
               + "".join(_pairs(title, pairs) for title, pairs in sections[half:])
               + "</div></section>\n")
    for dim, rows in report.breakdowns.items():
        head, body = breakdown_table(report, dim, rows)
        lead = 2 if dim == "team" else 1
        split = lead + len(ROW_COUNTS)
        # counts, then money: one table of up to fifteen columns does not fit A4
        tables = "".join(
            _table([*head[:lead], *head[a:b]], [[*r[:lead], *r[a:b]] for r in body],
                   numeric_from=lead, total_last=True)
            for a, b in ((lead, split), (split, len(head))))
        out.append(f"<section><h2>{esc(LABELS[SECTION_OF_DIM[dim]])}</h2>{tables}</section>\n")
    for title, head, body in detail_tables(report):
        content = (_table(head, body) if body else f"<p>{esc(LABELS['nothing_open'])}</p>")
        out.append(f"<section><h2>{esc(title)}</h2>{content}</section>\n")
    if meta.public:
        out.append(f'<section class="method"><h2>{esc(LABELS["section_method"])}</h2>'
                   f"<p>{esc(method_text(report))}</p><p>{esc(legend(report))}</p></section>\n")
    out.append(signoff_html(report))
    out.append(f"<footer>{esc(generated_line(report))}</footer>\n</main>\n</body>\n</html>\n")
    return "".join(out)
