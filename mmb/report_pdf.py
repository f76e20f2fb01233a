"""`mmb report --format pdf`: the report as a real A4 PDF, with charts, for printing and
signing.

Made with ReportLab (BSD licence, installs with pip alone: pure-Python wheels plus Pillow's),
chosen over fpdf2 for its layout engine: tables that flow over pages with their header row
repeated, paragraphs that wrap inside table cells, page templates with "page N of M", and
vector drawing for the charts. The text font is Bitstream Vera (shipped inside ReportLab),
embedded as a subset, so the euro sign and accented names print on any machine; the
standard PDF fonts have no euro sign in a portable encoding.

No figure is computed here: everything shown comes from the `Report` (the same helpers as
the other formats). Free text is escaped for ReportLab's paragraph markup and control or
direction characters are shown as visible escapes, so no input can change the layout.
ReportLab is imported only inside `render_pdf`.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from mmb.report import LABELS, MONTH_NAMES, OUTCOMES, ROW_COUNTS, Report, status_line
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

if TYPE_CHECKING:
    from reportlab.graphics.shapes import Drawing

FONT = "MmbSans"
FONT_BOLD = "MmbSans-Bold"
INK = "#1b1f23"
MUTED = "#5b6570"
LINE = "#d8dee4"
OUTCOME_COLOURS = {"approved": "#2e7d32", "rejected": "#c62828", "solved_otherwise": "#00838f",
                   "withdrawn": "#757575", "pending": "#f9a825"}
SPENT_COLOUR = "#2f6f9f"
COSTS_COLOUR = "#9aa5b1"
UNSPENT_COLOUR = "#a5d6a7"
def pdf_text(text: str) -> str:
    """Free text as ReportLab paragraph markup: controls, escapes and direction controls
    shown as escapes, never obeyed (`mmb.text.visible`, the one function every output
    uses), markup escaped, line breaks kept."""
    shown = visible(text.replace("\r\n", "\n"), newlines=True)
    return escape(shown).replace("\n", "<br/>").replace("\t", " ")


def _fonts() -> None:
    """Register the embedded font once (Vera, inside ReportLab's own package)."""
    from pathlib import Path

    import reportlab
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(reportlab.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(folder / "VeraBd.ttf")))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT)
    addMapping(FONT, 1, 1, FONT_BOLD)


def _rect(x: float, y: float, width: float, height: float, colour: str) -> Any:
    """A filled rectangle without outline (set after construction: the type stubs of
    ReportLab type the keyword arguments of shapes wrongly)."""
    from reportlab.graphics.shapes import Rect
    from reportlab.lib.colors import HexColor

    rect = Rect(x, y, width, height)
    rect.fillColor = HexColor(colour)
    rect.strokeColor = None
    return rect


def _num(cell: Cell) -> float | None:
    """A shown value as a float, for chart geometry only (labels come from `show`)."""
    value = cell.shown
    return None if value is None else float(value)


def _short_euro(value: Decimal | float) -> str:
    whole = round(float(value))
    return f"{'-' if whole < 0 else ''}€ {abs(whole):,}".replace(",", ".")


def _nice(value: float) -> float:
    from mmb.report_html import nice_ceiling

    return nice_ceiling(value)


def column_chart(items: list[tuple[str, Cell]], width: float) -> Drawing:
    """Vertical bars (money per month); a hidden value is marked, not drawn."""
    from reportlab.graphics.shapes import Drawing, Line, String
    from reportlab.lib.colors import HexColor

    height, left, top, bottom = 150.0, 44.0, 12.0, 20.0
    plot_h = height - top - bottom
    values = [_num(c) for _, c in items]
    known = [v for v in values if v is not None]
    vmax = _nice(max([0.0, *known]))
    vmin = -_nice(-min(known)) if known and min(known) < 0 else 0.0
    span = vmax - vmin or 1.0

    def y(v: float) -> float:
        return bottom + (v - vmin) / span * plot_h

    d = Drawing(width, height)
    for i in range(5):
        gy = y(vmax * i / 4)
        d.add(Line(left, gy, width - 4, gy, strokeColor=HexColor(LINE), strokeWidth=0.5))
        d.add(String(left - 4, gy - 3, _short_euro(vmax * i / 4), fontName=FONT,
                     fontSize=6.5, textAnchor="end", fillColor=HexColor(MUTED)))
    slot = (width - left - 4) / max(1, len(items))
    base = y(0.0)
    for i, ((label, cell), v) in enumerate(zip(items, values, strict=True)):
        x = left + i * slot + slot * 0.15
        w = slot * 0.7
        cx = x + w / 2
        if v is None:
            d.add(String(cx, base + 3, show(cell), fontName=FONT, fontSize=6.5,
                         textAnchor="middle"))
        elif v:
            top_y, bot_y = (y(v), base) if v >= 0 else (base, y(v))
            d.add(_rect(x, bot_y, w, max(top_y - bot_y, 0.5), SPENT_COLOUR))
            d.add(String(cx, (top_y + 2) if v >= 0 else (bot_y - 7), _short_euro(v),
                         fontName=FONT, fontSize=6, textAnchor="middle"))
        d.add(String(cx, bottom - 10, label, fontName=FONT, fontSize=6.5,
                     textAnchor="middle"))
    d.add(Line(left, base, width - 4, base, strokeColor=HexColor(INK), strokeWidth=0.7))
    return d


def bar_chart(items: list[tuple[str, Cell, str]], width: float) -> Drawing:
    """Horizontal bars with their label and value (categories, outcomes)."""
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.pdfbase.pdfmetrics import stringWidth

    row_h = 14.0
    label_w = min(width * 0.4, max([stringWidth(label, FONT, 7) for label, _, _ in items]
                                   + [20.0]) + 6)
    value_w = 62.0
    height = row_h * len(items) + 4
    values = [_num(c) for _, c, _ in items]
    vmax = max([0.0, *(abs(v) for v in values if v is not None)]) or 1.0
    bar_w = width - label_w - value_w
    d = Drawing(width, height)
    for i, ((label, cell, colour), v) in enumerate(zip(items, values, strict=True)):
        y = height - (i + 1) * row_h
        d.add(String(label_w - 4, y + 4, _clip(label, label_w - 6, 7), fontName=FONT,
                     fontSize=7, textAnchor="end"))
        w = 0.0 if v is None else abs(v) / vmax * bar_w
        if v:
            d.add(_rect(label_w, y + 2, max(w, 0.8), row_h - 5, colour))
        d.add(String(label_w + w + 4, y + 4, show(cell), fontName=FONT, fontSize=7))
    return d


def _clip(text: str, width: float, size: float) -> str:
    """`text`, cut with an ellipsis to fit `width` points (chart labels only)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    text = visible(text)  # a category's name comes from the files
    if stringWidth(text, FONT, size) <= width:
        return text
    while text and stringWidth(text + "…", FONT, size) > width:
        text = text[:-1]
    return text + "…"


def budget_chart(report: Report, width: float) -> Drawing | None:
    """One stacked bar: spent, bank costs and what is left, against the budget."""
    from reportlab.graphics.shapes import Drawing, Line, String
    from reportlab.lib.colors import HexColor

    row = report.total.row.cells
    budget, spent, costs, unspent = (row[k] for k in ("budget", "spent", "bank_costs",
                                                       "unspent"))
    if spent.shown is None or budget.shown is None or costs.shown is None:
        return None
    b, s, c = float(budget.shown), float(spent.shown), float(costs.shown)
    left = max(b - s - c, 0.0)
    whole = max(b, s + c + left) or 1.0
    d = Drawing(width, 58)
    x = 2.0
    bar_w = width - 4
    segments = [(s, SPENT_COLOUR, LABELS["spent"], spent),
                (c, COSTS_COLOUR, LABELS["bank_costs"], costs),
                (left, UNSPENT_COLOUR, LABELS["unspent"], unspent)]
    for value, colour, _, _ in segments:
        w = max(value, 0.0) / whole * bar_w
        if w > 0:
            d.add(_rect(x, 30, w, 20, colour))
        x += w
    bx = 2 + b / whole * bar_w
    d.add(Line(bx, 26, bx, 54, strokeColor=HexColor(INK), strokeWidth=1.2))
    lx = 2.0
    for _, colour, label, cell in segments:
        d.add(_rect(lx, 12, 7, 7, colour))
        text = f"{label} {show(cell)}"
        d.add(String(lx + 10, 13, text, fontName=FONT, fontSize=6.5))
        from reportlab.pdfbase.pdfmetrics import stringWidth

        lx += stringWidth(text, FONT, 6.5) + 22
    d.add(String(width - 2, 2, f"{LABELS['budget']}: {show(budget)}", fontName=FONT,
                 fontSize=6.5, textAnchor="end"))
    return d


def render_pdf(report: Report) -> bytes:
    """The whole report as an A4 PDF (bytes)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    _fonts()
    meta = report.meta
    margin = 15 * mm
    frame_w = A4[0] - 2 * margin
    base = ParagraphStyle("base", fontName=FONT, fontSize=8.5, leading=11,
                          textColor=colors.HexColor(INK))
    small = ParagraphStyle("small", parent=base, fontSize=7, leading=8.6)
    small_r = ParagraphStyle("small_r", parent=small, alignment=TA_RIGHT)
    title = ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=15, leading=19,
                           spaceAfter=2)
    h2 = ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14,
                        spaceBefore=10, spaceAfter=4)
    h3 = ParagraphStyle("h3", parent=base, fontName=FONT_BOLD, fontSize=9, leading=12,
                        spaceBefore=6, spaceAfter=2)
    status_colour = "#1b5e20" if meta.final else "#b71c1c"
    status = ParagraphStyle("status", parent=base, fontName=FONT_BOLD, fontSize=9.5,
                            leading=12.5, textColor=colors.HexColor(status_colour), borderPadding=5,
                            backColor=colors.HexColor("#e8f5e9" if meta.final else "#ffebee"),
                            spaceBefore=6, spaceAfter=8)
    story: list[Any] = [Paragraph(pdf_text(meta.title), title),
                        Paragraph(pdf_text(generated_line(report)), small),
                        Paragraph(pdf_text(status_line(report)), status)]
    if meta.reasons:
        story.append(Paragraph(pdf_text(LABELS["section_reasons"]), h3))
        story += [Paragraph(f"{i}. {pdf_text(r)}", base)
                  for i, r in enumerate(meta.reasons, start=1)]
    for notice in meta.notices:
        story.append(Paragraph("! " + pdf_text(notice), ParagraphStyle(
            "notice", parent=small, textColor=colors.HexColor("#7a4b00"))))

    def table(head: list[str], body: list[list[str]], *, numeric_from: int | None = None,
              total_last: bool = False, widths: list[float] | None = None) -> Table:
        """A table that flows over pages with its header repeated; long text wraps."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        n = len(head)
        numeric = [numeric_from is not None and i >= numeric_from for i in range(n)]
        if numeric_from is None:
            numeric = [all(_looks_numeric(r[i]) for r in body) and bool(body)
                       for i in range(n)]
        if widths is None:
            natural = [max([stringWidth(head[i], FONT_BOLD, 7)]
                           + [stringWidth(r[i], FONT, 7) for r in body[:400]]) + 8
                       for i in range(n)]
            widths = _fit(natural, frame_w)
        header = any(head)  # label/value lists have no header row
        cells = [[Paragraph(pdf_text(h), ParagraphStyle(
            "th", parent=small_r if numeric[i] else small, fontName=FONT_BOLD,
            textColor=colors.HexColor(MUTED))) for i, h in enumerate(head)]] if header else []
        for r in body:
            cells.append([Paragraph(pdf_text(c), small_r if numeric[i] else small)
                          for i, c in enumerate(r)])
        t = Table(cells, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
        style: list[Any] = [("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor(LINE)),
                 ("LINEBELOW", (0, 0), (-1, 0), 0.8,
                  colors.HexColor(INK if header else LINE)),
                 ("VALIGN", (0, 0), (-1, -1), "TOP"),
                 ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                 ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                 ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
        if total_last and body:
            style.append(("LINEABOVE", (0, -1), (-1, -1), 1.0, colors.HexColor(INK)))
        t.setStyle(TableStyle(style))
        return t

    # charts
    half = (frame_w - 12) / 2
    row = report.total.row.cells
    budget = budget_chart(report, half)
    outcomes = bar_chart([(LABELS[o], row[o], OUTCOME_COLOURS[o]) for o in OUTCOMES], half)
    charts = Table([[Paragraph(pdf_text(LABELS["chart_budget"]), h3),
                     Paragraph(pdf_text(LABELS["chart_outcomes"]), h3)],
                    [budget if budget is not None else Paragraph(
                        pdf_text(f"{LABELS['spent']}: {show(row['spent'])}"), base), outcomes]],
                   colWidths=[half + 6, half + 6], hAlign="LEFT")
    charts.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story.append(charts)
    if "month" in report.breakdowns:
        months = [(MONTH_NAMES[int(r.key[5:7]) - 1], r.cells["spent"])
                  for r in report.breakdowns["month"]]
        story.append(KeepTogether([Paragraph(pdf_text(LABELS["chart_month"]), h3),
                                   column_chart(months, frame_w)]))
    if "category" in report.breakdowns:
        cats = [(r.key, r.cells["spent"], SPENT_COLOUR) for r in report.breakdowns["category"]]
        story.append(KeepTogether([Paragraph(pdf_text(LABELS["chart_category"]), h3),
                                   bar_chart(cats, frame_w)]))
    # the headline figures: label and value, two tables side by side would cut labels
    for heading, pairs in summary_sections(report):
        label_w = frame_w * 0.62
        block = [Paragraph(pdf_text(heading), h2),
                 table(["", ""], [[k, v] for k, v in pairs], numeric_from=1,
                       widths=[label_w, frame_w * 0.25])]
        story.append(KeepTogether(block))
    for dim, rows in report.breakdowns.items():
        head, body = breakdown_table(report, dim, rows)
        lead = 2 if dim == "team" else 1
        split = lead + len(ROW_COUNTS)
        story.append(Paragraph(pdf_text(LABELS[SECTION_OF_DIM[dim]]), h2))
        for a, b in ((lead, split), (split, len(head))):
            story.append(table([*head[:lead], *head[a:b]], [[*r[:lead], *r[a:b]] for r in body],
                               numeric_from=lead, total_last=True))
            story.append(Spacer(1, 6))
    for heading, head, body in detail_tables(report):
        story.append(Paragraph(pdf_text(heading), h2))
        story.append(table(head, body) if body else Paragraph(
            pdf_text(LABELS["nothing_open"]), base))
    if meta.public:
        story += [Paragraph(pdf_text(LABELS["section_method"]), h2),
                  Paragraph(pdf_text(method_text(report)), base),
                  Paragraph(pdf_text(legend(report)), small)]
    story.append(KeepTogether(_signoff(report, frame_w, h2, base, small)))

    buffer = io.BytesIO()
    footer_left = meta.title
    footer_right = LABELS["final"] if meta.final else LABELS["not_final"]

    def numbered(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.setFillColor(colors.HexColor(MUTED))
        canvas.drawString(margin, 9 * mm, _clip(footer_left, frame_w * 0.6, 7))
        canvas.drawRightString(A4[0] - margin, 9 * mm,
                               f"{footer_right} · {LABELS['page']} {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=margin, rightMargin=margin,
                            topMargin=margin, bottomMargin=16 * mm, title=meta.title,
                            author="mmb", creator="mmb", subject=status_line(report),
                            invariant=True, lang="en")
    def first(canvas: Any, doc: Any) -> None:
        _dated(canvas, meta.generated)
        numbered(canvas, doc)

    doc.build(story, onFirstPage=first, onLaterPages=numbered)
    return buffer.getvalue()


def _dated(canvas: Any, moment: datetime) -> None:
    """Date the PDF (CreationDate, ModDate) with the moment the report was made, so the
    same report gives the same bytes and the date is true. `invariant=True` would write
    1 January 2000; ReportLab reads the stamp only when it saves, so it is set here
    (a private attribute: if a ReportLab release renames it, the file is still right,
    only dated 2000)."""
    stamp = getattr(getattr(canvas, "_doc", None), "_timeStamp", None)
    if stamp is None:
        return
    if moment.tzinfo is None:  # mmb's times are Dutch local time
        try:
            from zoneinfo import ZoneInfo

            moment = moment.replace(tzinfo=ZoneInfo("Europe/Amsterdam"))
        except (ImportError, KeyError, ValueError):  # no time zone data: the machine's
            moment = moment.astimezone()
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    stamp.lt = moment.timetuple()
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh, stamp.dmm = int(minutes / 60), abs(minutes) % 60


def _signoff(report: Report, width: float, h2: Any, base: Any, small: Any) -> list[Any]:
    """The sign-off block: status, fingerprint, and lines to fill in and sign."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    intro, lines = signoff_lines(report)
    out: list[Any] = [Paragraph(pdf_text(LABELS["section_signoff"]), h2)]
    out += [Paragraph(pdf_text(text), base) for text in intro]
    out.append(Spacer(1, 6))
    cells = [[Paragraph(pdf_text(who), base), "", Paragraph(pdf_text(LABELS["signoff_date"]),
                                                          base), "",
              Paragraph(pdf_text(LABELS["signature"]), base), ""] for who in lines]
    t = Table(cells, colWidths=[width * w for w in (0.14, 0.26, 0.07, 0.15, 0.11, 0.27)],
              rowHeights=[30] * len(cells), hAlign="LEFT")
    t.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        *(("LINEBELOW", (col, 0), (col, -1), 0.7, colors.black) for col in (1, 3, 5)),
    ]))
    out.append(t)
    return out


_NUMERIC = re.compile(r"^-?(€ )?-?[\d.]+(,\d+)?( h)?$|^[x–]$")


def _looks_numeric(text: str) -> bool:
    return bool(_NUMERIC.match(text))


def _fit(natural: list[float], total: float) -> list[float]:
    """Column widths: the natural ones when they fit; else narrow columns keep theirs and
    the wide ones share what is left (their text wraps)."""
    if sum(natural) <= total:
        return natural
    fair = total / len(natural)
    narrow = [w for w in natural if w <= fair]
    wide = [w for w in natural if w > fair]
    room = total - sum(narrow)
    scale = room / sum(wide) if wide else 1.0
    return [w if w <= fair else w * scale for w in natural]
