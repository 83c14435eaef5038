"""Kwartaalrapportage: the PDF meeting pack of one calendar quarter for the joint body, small numbers suppressed.

`python -m reports kwartaal --quarter 2025-K3 [--gemeente GM0758] --out pack.pdf`; the page /kwartaal shows the
same view (`build`) and offers the same pack as a download. The figures are quarterly KPIs over the calendar
quarter and reference-date KPIs (stock: work in progress, capacity) on its last day (docs/kpis_intro.md,
"Quarter"), each beside the previous quarter and the same quarter a year before; one row per municipality;
the deadlines coming up (settings `deadlines.*`); charts as images (plotly, rendered by kaleido in Debian's
Chromium). Every page carries the date of the data, the sources, the suppression note and its page number.
Choices: docs/reports/kwartaal.md.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import re
import sys
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from pathlib import Path

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from config.settings import Settings, load_settings, small_number_threshold
from presentation import formats as fmt
from presentation.style import PRIMARY, plotly_template
from reports.workbook import Definition, ExportMeta
from warehouse import notes, queries
from warehouse.connection import Warehouse
from warehouse.periods import QUARTER_FORM, quarter_bounds, shift_quarter
from warehouse.registry import QUARTER, Kpi

KIND = QUARTER
REGION_NAME = "Regio West-Brabant"
TITLE = "Kwartaalrapportage"
# The cards: what the joint body follows each quarter (flow over the quarter, stock on its last day).
CARD_KPIS = ("relatief_verzuim_per_1000", "absoluut_verzuim_per_1000", "thuiszitters_breed_per_1000",
             "verzuim_meldingen", "reactietijd", "vsv_in_beeld", "positief_resultaat", "werkvoorraad",
             "leerplichtigen_per_fte")
# The table per municipality: KPI id and a short column header.
TABLE_KPIS: tuple[tuple[str, str], ...] = (
    ("relatief_verzuim_per_1000", "Relatief verzuim per 1.000"),
    ("absoluut_verzuim_per_1000", "Absoluut verzuim per 1.000"), ("verzuim_meldingen", "Meldingen"),
    ("reactietijd", "Reactietijd (werkdagen)"),
    ("vsv_in_beeld", "Jongeren in beeld"), ("werkvoorraad", "Werkvoorraad"),
    ("leerplichtigen_per_fte", "Leerplichtigen per fte"),
)
TABLE_WIDTHS = (18, 18, 18, 20.5, 18, 23.5, 25)  # mm: each header's longest word fits, 174 mm with the names
KPI_IDS = tuple(dict.fromkeys([*CARD_KPIS, *(k for k, _ in TABLE_KPIS)]))
TREND_QUARTERS = 9  # the quarter and the eight before it: every quarter of the year shows twice
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")
# The reports with a deadline (domain.md "Reports and deadlines"): setting key in [deadlines], report, to whom.
DEADLINES: tuple[tuple[str, str, str], ...] = (
    ("concept_jaarverslag", "Concept statistisch jaarverslag (gemeenten met alleen niveau 1)",
     "gemeenschappelijk orgaan"),
    ("jaarverslag", "Statistisch leerplichtjaarverslag (art. 25 Leerplichtwet)", "elke gemeenteraad"),
    ("inhoudelijk_jaarverslag", "Inhoudelijk jaarverslag (handhaving)", "gemeenteraden niveau 2 en 2A"),
    ("leerplichttelling", "Jaarcijfers voor het ministerie (leerplichttelling)", "OCW via DUO"),
    ("effectrapportage", "Effectrapportage Doorstroompunt", "OCW via DUO"),
)


# --- quarters in words ------------------------------------------------------------------------------------
def quarter_label(quarter: str) -> str:
    """"2025-K3" -> "3e kwartaal 2025"."""
    m = QUARTER_FORM.fullmatch(quarter)
    return f"{m[2]}e kwartaal {m[1]}" if m else quarter


def quarter_span(quarter: str) -> str:
    """"2025-K3" -> "1 juli t/m 30 september 2025"."""
    start, end = quarter_bounds(quarter)
    return f"1 {MONTHS[start.month - 1]} t/m {end.day} {MONTHS[end.month - 1]} {end.year}"


def is_number(value: object) -> bool:
    return not isinstance(value, str) and not fmt.is_missing(value)


def value_text(kpi: Kpi, value: object) -> str:
    """A figure as the pages write it; a suppression mark as it is; nothing as an en dash."""
    return fmt.by_unit(None if fmt.is_missing(value) else value, kpi.unit, kpi.decimals)


def change_text(kpi: Kpi, value: object, other: object) -> str:
    """The difference value - other in the figure's own unit, with its sign ("+1,2", "-3", "+0,4 %-punt");
    an en dash when either is missing or suppressed (a difference would give the hidden one away)."""
    if not (is_number(value) and is_number(other)):
        return fmt.MISSING
    diff = float(value) - float(other)
    text = fmt.number(abs(diff), kpi.decimals)
    sign = "" if text == fmt.number(0, kpi.decimals) else ("+" if diff > 0 else "-")
    return f"{sign}{text}" + (" %-punt" if kpi.unit == "%" else "")


# --- the view ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Card:
    """One figure of the quarter with its two comparisons and the words beside it."""

    kpi: Kpi
    value: object  # a number, a suppression mark ("<5", "–", "×") or None
    previous: object
    year_before: object
    read_on: date | None  # a stock figure: the quarter's last day
    series_note: str | None
    explanation: str | None


@dataclass(frozen=True)
class Deadline:
    key: str  # the setting deadlines.<key>
    report: str
    to: str
    due: date  # deliver before this day
    school_year: str  # the school year it reports on: the last one ended before the due date
    days: int  # from today


@dataclass(frozen=True)
class QuarterView:
    quarter: str
    municipality_code: str
    municipality_name: str
    public: bool
    data_date: date | None
    cards: list[Card]
    table: pd.DataFrame  # one row per municipality, the region last: code, gemeente, one column per TABLE_KPIS id
    trend: pd.DataFrame  # kpi_id, period, municipality_code, value over the last TREND_QUARTERS quarters
    names: dict[str, str]
    through: date | None = None  # the quarter is in progress: its figures count up to this day (warehouse.coverage)

    @property
    def previous(self) -> str:
        return shift_quarter(self.quarter, -1)

    @property
    def year_before(self) -> str:
        return shift_quarter(self.quarter, -4)

    @property
    def last_day(self) -> date:
        return quarter_bounds(self.quarter)[1]


def build(wh: Warehouse, quarter: str, code: str, public: bool) -> QuarterView:
    """The quarter view of the region (code REGIO) or one municipality; `public`: suppressed as for a portfolio
    holder (the pack always is)."""
    from warehouse.kpis import KPIS

    known = set(queries.periods(wh, KIND))
    trend_quarters = [q for q in (shift_quarter(quarter, -i) for i in range(TREND_QUARTERS - 1, -1, -1)) if q in known]
    frame = queries.quarter_values(wh, list(KPI_IDS), trend_quarters, public=public)
    values = {(r.kpi_id, r.period, r.municipality_code): r.value for r in frame.itertuples(index=False)}
    _like_for_like(wh, quarter, public, values)
    municipalities = queries.municipalities(wh)
    names = dict(zip(municipalities["gemeente_code"], municipalities["naam"], strict=True))
    cards = [_card(KPIS[k], quarter, code, values) for k in CARD_KPIS]
    rows = []
    for gm, name in [*names.items(), (queries.REGION_CODE, REGION_NAME)]:
        rows.append({"code": gm, "gemeente": name, **{k: values.get((k, quarter, gm)) for k, _ in TABLE_KPIS}})
    in_trend = frame["municipality_code"].isin([queries.REGION_CODE, code])
    trend = frame.loc[in_trend, ["kpi_id", "period", "municipality_code", "value"]].reset_index(drop=True)
    from warehouse.coverage import page_through

    return QuarterView(quarter, code, names.get(code, REGION_NAME), public, queries.data_date(wh), cards,
                       pd.DataFrame(rows, dtype=object), trend, names, page_through(wh, "kwartaal", quarter))


def _like_for_like(wh: Warehouse, quarter: str, public: bool, values: dict) -> None:
    """A quarter still in progress (warehouse.coverage) is compared with the quarter before and the same quarter a
    year earlier up to the same day and month: their whole-quarter values are replaced by those, for the cards."""
    from warehouse.coverage import comparison_values, coverage, figure_through
    from warehouse.kpis import KPIS

    for kpi_id in CARD_KPIS:
        kpi = KPIS[kpi_id]
        if not kpi.quarterly or figure_through(kpi, KIND, quarter, coverage(wh)) is None:
            continue
        for key in [k for k in values if k[0] == kpi_id and k[1] in (shift_quarter(quarter, -1),
                                                                    shift_quarter(quarter, -4))]:
            values[key] = None  # never the whole quarter: like for like, or nothing to compare ("–")
        for (_, gm, breakdown), (period, _, value) in comparison_values(wh, kpi, KIND, quarter, public).items():
            if breakdown == "":
                values[(kpi_id, period, gm)] = value


def _card(kpi: Kpi, quarter: str, code: str, values: dict) -> Card:
    stock = kpi.period_kind == "peildatum"
    last_day = quarter_bounds(quarter)[1]
    text = notes.explanation(kpi.id, quarter, code)
    if text is None and stock:  # a stock figure's explanation may also be written for its reference date
        text = notes.explanation(kpi.id, last_day.isoformat(), code)
    series = notes.series_notes(kpi.id)
    return Card(kpi, values.get((kpi.id, quarter, code)), values.get((kpi.id, shift_quarter(quarter, -1), code)),
                values.get((kpi.id, shift_quarter(quarter, -4), code)), last_day if stock else None,
                series.get(quarter) or (series.get(last_day.isoformat()) if stock else None), text)


def deadlines(today: date, settings: Settings | None = None) -> list[Deadline]:
    """Each report's next due date on or after today (settings `deadlines.*`, "MM-DD"), soonest first; a report
    whose setting is missing is left out."""
    configured = (settings or load_settings()).values.get("deadlines", {})
    out = []
    for key, report, to in DEADLINES:
        if key not in configured:
            continue
        month, day = (int(x) for x in str(configured[key]).split("-"))
        due = date(today.year, month, day)
        if due < today:
            due = date(today.year + 1, month, day)
        ended = due.year if (month, day) > (7, 31) else due.year - 1  # the school year ended on 31 July of this
        out.append(Deadline(key, report, to, due, f"{ended - 1}-{ended}", (due - today).days))
    return sorted(out, key=lambda d: (d.due, d.key))


def meta(view: QuarterView, made_at: datetime | None = None) -> ExportMeta:
    """The pack's account of itself (reports.workbook): period, data date, sources, suppression, definitions."""
    from warehouse.kpis import KPIS

    period = f"{quarter_label(view.quarter)} ({quarter_span(view.quarter)})"
    if view.through is not None:  # a quarter in progress (warehouse.coverage): its figures count up to that day
        period += f", t/m {view.through:%d-%m-%Y} (vergeleken over dezelfde dagen)"
    kwargs = {"made_at": made_at} if made_at else {}
    return ExportMeta(title=f"{TITLE} {quarter_label(view.quarter)}, {view.municipality_name}", period=period,
                      data_date=view.data_date, suppressed=view.public,
                      definitions=[Definition.of(KPIS[k]) for k in KPI_IDS], kpi_ids=list(KPI_IDS),
                      periods=[view.quarter], municipality_code=view.municipality_code,
                      threshold=small_number_threshold(), **kwargs)


# --- charts ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Chart:
    chart_id: str
    title: str
    figure: go.Figure | None  # None: no figure to draw (the message says why)
    source: str
    message: str = ""


def charts(view: QuarterView) -> list[Chart]:
    """The pack's charts (also on the page): two trends and the municipalities side by side."""
    from warehouse.kpis import KPIS

    relative, stock = KPIS["relatief_verzuim_per_1000"], KPIS["werkvoorraad"]
    return [
        _trend(view, relative, "kwartaal-trend-relatief", "Relatief verzuim per 1.000 leerplichtigen per kwartaal"),
        _trend(view, stock, "kwartaal-trend-werkvoorraad", "Werkvoorraad op de laatste dag van elk kwartaal"),
        _municipalities(view, relative),
    ]


def _numeric(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(v=pd.to_numeric(frame["value"], errors="coerce")).dropna(subset=["v"])


def _trend(view: QuarterView, kpi: Kpi, chart_id: str, title: str) -> Chart:
    rows = _numeric(view.trend[view.trend["kpi_id"] == kpi.id])
    if rows.empty:
        return Chart(chart_id, title, None, kpi.source, "Geen cijfers om te tonen.")
    area = {queries.REGION_CODE: REGION_NAME, view.municipality_code: view.municipality_name}
    rows = rows.assign(Gebied=rows["municipality_code"].map(area)).sort_values(["period", "municipality_code"])
    fig = px.line(rows, x="period", y="v", color="Gebied", markers=True, template=plotly_template(),
                  labels={"period": "Kwartaal", "v": kpi.unit}, category_orders={"Gebied": [REGION_NAME]})
    fig.update_layout(legend={"orientation": "h", "y": -0.25, "title": None})
    return Chart(chart_id, title, fig, kpi.source, _hidden_note(view))


def _municipalities(view: QuarterView, kpi: Kpi) -> Chart:
    title = f"{kpi.label} per gemeente, {quarter_label(view.quarter)}"
    rows = _numeric(view.table[view.table["code"] != queries.REGION_CODE].rename(columns={kpi.id: "value"}))
    if rows.empty:
        return Chart("kwartaal-gemeenten", title, None, kpi.source, "Geen cijfers om te tonen.")
    rows = rows.sort_values(["v", "gemeente"], ascending=[True, False])
    fig = px.bar(rows, x="v", y="gemeente", orientation="h", template=plotly_template(),
                 labels={"v": kpi.unit, "gemeente": ""}, color_discrete_sequence=[PRIMARY])
    fig.update_traces(texttemplate=f"%{{x:,.{kpi.decimals}f}}", textposition="outside", cliponaxis=False)
    region = view.table.loc[view.table["code"] == queries.REGION_CODE, kpi.id].iloc[0]
    if is_number(region):
        fig.add_vline(x=float(region), line_dash="dash", annotation_text=f"regio {value_text(kpi, region)}")
    fig.update_layout(height=140 + 22 * len(rows), showlegend=False)
    fig.update_yaxes(automargin=True)
    return Chart("kwartaal-gemeenten", title, fig, kpi.source, _hidden_note(view))


def _hidden_note(view: QuarterView) -> str:
    return "Onderdrukte waarden (kleine aantallen) staan niet in de grafiek." if view.public else ""


class ChartsUnavailable(RuntimeError):
    """No browser to draw the charts with; the message says what to install."""


def chart_images(figures: list[go.Figure], width: int = 900, height: int = 380) -> list[bytes]:
    """PNG images of the figures, rendered by kaleido in Debian's Chromium (/usr/bin/chromium, or BROWSER_PATH):
    one browser for the whole pack. MathJax off: it would be fetched from the internet."""
    import kaleido
    from kaleido.errors import ChromeNotFoundError

    async def render() -> list[bytes]:
        async with kaleido.Kaleido(n=1, mathjax=False) as k:
            return [await k.calc_fig(f, opts={"format": "png", "width": width,
                                              "height": f.layout.height or height, "scale": 2}) for f in figures]
    try:
        return asyncio.run(render()) if figures else []
    except ChromeNotFoundError as exc:
        raise ChartsUnavailable("geen Chromium gevonden om de grafieken te tekenen (installeer Debian's chromium, "
                                "`make browser`, of zet BROWSER_PATH)") from exc


# --- the PDF -----------------------------------------------------------------------------------------------
def pdf_bytes(view: QuarterView, today: date | None = None, made_at: datetime | None = None) -> bytes:
    """The meeting pack as an A4 PDF. It is meant for the joint body: build the view with public=True."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    account = meta(view, made_at)
    pictures = charts(view)
    try:
        images = iter(chart_images([c.figure for c in pictures if c.figure is not None]))
    except ChartsUnavailable as exc:  # the figures and tables still make a pack; say why the charts are missing
        pictures = [Chart(c.chart_id, c.title, None, c.source, f"Grafiek niet beschikbaar: {exc}.") for c in pictures]
        images = iter(())
    styles = _styles()
    story = _front(view, account, today or date.today(), styles)
    story += _charts(pictures, images, styles)
    story += _municipality_table(view, styles)
    story += _definitions(account, styles)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=20 * mm,
                            bottomMargin=30 * mm, title=account.title, author="RBL Monitor",
                            subject=f"{account.period}; gegevens van {fmt.date_nl(view.data_date)}")
    doc.build(story, canvasmaker=_numbered_canvas(_footer_lines(view, account)))
    return buffer.getvalue()


def _styles() -> dict:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    base = getSampleStyleSheet()
    body = ParagraphStyle("rbl-body", parent=base["BodyText"], fontName="Helvetica", fontSize=9.5, leading=12.5)
    return {
        "title": ParagraphStyle("rbl-title", parent=body, fontName="Helvetica-Bold", fontSize=18, leading=22,
                                textColor=colors.HexColor(PRIMARY), spaceAfter=4),
        "h2": ParagraphStyle("rbl-h2", parent=body, fontName="Helvetica-Bold", fontSize=12.5, leading=16,
                             spaceBefore=10, spaceAfter=5, textColor=colors.HexColor(PRIMARY)),
        "body": body,
        "muted": ParagraphStyle("rbl-muted", parent=body, fontSize=8.5, leading=11,
                                textColor=colors.HexColor("#5F6B7A")),
        "cell": ParagraphStyle("rbl-cell", parent=body, fontSize=8.5, leading=10.5),
        "cell_bold": ParagraphStyle("rbl-cell-bold", parent=body, fontName="Helvetica-Bold", fontSize=8.5,
                                    leading=10.5),
        "head": ParagraphStyle("rbl-head", parent=body, fontName="Helvetica-Bold", fontSize=7.5, leading=9),
        "head_right": ParagraphStyle("rbl-head-right", parent=body, fontName="Helvetica-Bold", fontSize=7.5,
                                     leading=9, alignment=2),
        "note": ParagraphStyle("rbl-note", parent=body, fontSize=8, leading=10.5, leftIndent=6,
                               textColor=colors.HexColor("#1F2933")),
    }


def markdown_inline(text: str) -> str:
    """The coordinator's Markdown as reportlab's mini-HTML: bold, italics and list items; anything else as text."""
    lines = []
    for line in escape(text, quote=False).splitlines():
        line = re.sub(r"^\s*#+\s*", "", line)
        line = re.sub(r"^\s*[-*]\s+", "• ", line)
        line = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", line)
        line = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", line)
        line = re.sub(r"(?<![\w*])\*(?!\s)(.+?)\*(?!\w)", r"<i>\1</i>", line)
        lines.append(line)
    return "<br/>".join(x for x in lines if x.strip())


def _table(data: list[list], widths: list[float], header_rows: int = 1, extra: list | None = None):
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(data, colWidths=widths, repeatRows=header_rows, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#E8F1F8")),
        ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.6, colors.HexColor(PRIMARY)),
        ("LINEBELOW", (0, header_rows), (-1, -1), 0.25, colors.HexColor("#D9DEE5")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (1, header_rows), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        *(extra or []),
    ]))
    return table


def _front(view: QuarterView, account: ExportMeta, today: date, s: dict) -> list:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    q, prev, year = (quarter_label(x) for x in (view.quarter, view.previous, view.year_before))
    story = [
        Paragraph(f"{TITLE} {q}", s["title"]),
        Paragraph(f"{escape(view.municipality_name)} · {quarter_span(view.quarter)} · voor het gemeenschappelijk "
                  "orgaan", s["body"]),
        Spacer(0, 3 * mm),
        Paragraph(f"Elk cijfer over het kwartaal, naast het vorige kwartaal ({prev}) en hetzelfde kwartaal een jaar "
                  f"eerder ({year}). Werkvoorraad en formatie op de laatste dag van het kwartaal "
                  f"({fmt.date_nl(view.last_day)}). Een toelichting van de coördinator staat onder haar cijfer.",
                  s["muted"]),
        Paragraph("Kerncijfers", s["h2"]),
    ]
    head = [Paragraph(h, s["head_right"] if i else s["head"])
            for i, h in enumerate(("Cijfer", q, prev, "verschil", year, "verschil"))]
    data, extra = [head], []
    for card in view.cards:
        kpi = card.kpi
        unit = f"op {fmt.date_nl(card.read_on)}" if card.read_on else ""
        label = f"<b>{escape(kpi.label)}</b>" + (f"<br/><font size=7.5 color='#5F6B7A'>{unit}</font>" if unit else "")
        data.append([Paragraph(label, s["cell"]), value_text(kpi, card.value), value_text(kpi, card.previous),
                     change_text(kpi, card.value, card.previous), value_text(kpi, card.year_before),
                     change_text(kpi, card.value, card.year_before)])
        for prefix, text in (("Reeksnotitie", card.series_note), ("Toelichting", card.explanation)):
            if text:
                data.append([Paragraph(f"<b>{prefix}:</b> {markdown_inline(text)}", s["note"]), "", "", "", "", ""])
                row = len(data) - 1
                extra += [("SPAN", (0, row), (-1, row)),
                          ("BACKGROUND", (0, row), (-1, row), colors.HexColor("#F4F6F8"))]
    story.append(_table(data, [58 * mm, 22 * mm, 22 * mm, 24 * mm, 22 * mm, 24 * mm], extra=extra))
    story += [Paragraph("Komende deadlines", s["h2"]),
              Paragraph(f"Gerekend vanaf {fmt.date_nl(today)}; de data zijn instellingen (deadlines.* in "
                        "config/settings.toml).", s["muted"]), Spacer(0, 1.5 * mm)]
    rows = [[Paragraph(h, s["head_right"] if i > 1 else s["head"])
             for i, h in enumerate(("Rapport", "Aan", "Over schooljaar", "Vóór", "Nog"))]]
    for d in deadlines(today):
        rows.append([Paragraph(escape(d.report), s["cell"]), Paragraph(escape(d.to), s["cell"]), d.school_year,
                     fmt.date_nl(d.due), days_text(d.days)])
    story.append(_table(rows, [70 * mm, 38 * mm, 24 * mm, 20 * mm, 19 * mm]))
    return story


def days_text(days: int) -> str:
    return "vandaag" if days == 0 else ("1 dag" if days == 1 else f"{days} dagen")


def _charts(pictures: list[Chart], images, s: dict) -> list:
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, Image, KeepTogether, PageBreak, Paragraph

    story: list = [PageBreak(), Paragraph("Door de kwartalen", s["h2"])]
    for chart in pictures:
        parts = [Paragraph(escape(chart.title), s["body"])]
        if chart.figure is None:
            parts.append(Paragraph(escape(chart.message), s["muted"]))
        else:
            png = next(images)
            width = 174 * mm
            height = width * (chart.figure.layout.height or 380) / 900
            parts += [Image(io.BytesIO(png), width=width, height=height), Paragraph(escape(caption(chart)), s["muted"])]
        story.append(KeepTogether(parts))
    return [*story, CondPageBreak(90 * mm)]  # the table per municipality below the last chart when it fits


def source_line(text: str) -> str:
    return text if text.startswith("Bron") else f"Bron: {text}"


def caption(chart: Chart) -> str:
    """The line under a chart: its source, and what it leaves out."""
    return " ".join(f"{x.rstrip('.')}." for x in (source_line(chart.source), chart.message) if x)


def _municipality_table(view: QuarterView, s: dict) -> list:
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph

    from warehouse.kpis import KPIS

    head = [Paragraph("Gemeente", s["head"])] + [Paragraph(h, s["head_right"]) for _, h in TABLE_KPIS]
    data = [head]
    for row in view.table.itertuples(index=False):
        data.append([row.gemeente] + [value_text(KPIS[k], getattr(row, k)) for k, _ in TABLE_KPIS])
    last = len(data) - 1
    return [Paragraph(f"Per gemeente, {quarter_label(view.quarter)}", s["h2"]),
            Paragraph(f"Werkvoorraad en leerplichtigen per fte op {fmt.date_nl(view.last_day)}; de andere cijfers "
                      "over het kwartaal. De regio is uit de rijen berekend, niet opgeteld.", s["muted"]),
            _table(data, [33 * mm] + [w * mm for w in TABLE_WIDTHS],
                   extra=[("FONT", (0, last), (-1, last), "Helvetica-Bold", 8.5)])]


def _definitions(account: ExportMeta, s: dict) -> list:
    from reportlab.platypus import Paragraph

    story = [Paragraph("Definities en bronnen", s["h2"]),
             Paragraph("De cijfers over een kwartaal volgen de definitie van het schooljaarcijfer, met het "
                       "kalenderkwartaal op de plaats van het schooljaar en de bevolking op 1 januari van het jaar "
                       "van het kwartaal. Werkvoorraad en leerplichtigen per fte zijn peildatumcijfers, gelezen op de "
                       "laatste dag van het kwartaal.", s["cell"])]
    for d in account.definitions:
        story.append(Paragraph(f"<b>{escape(d.name)}</b>. {escape(d.definition)} Teller: {escape(d.numerator)}. "
                               f"Noemer: {escape(d.denominator)}. {escape(source_line(d.source))}.", s["cell"]))
    hidden = escape(account.suppression_text().removeprefix("Ja: "))
    story.append(Paragraph(f"<b>Kleine aantallen onderdrukt</b>: {hidden}", s["cell"]))
    return story


def _footer_lines(view: QuarterView, account: ExportMeta) -> list[str]:
    hidden = (f"Kleine aantallen onderdrukt: 1 t/m {account.threshold - 1} als &lt;{account.threshold}, een "
              f"verhouding met teller of noemer onder {account.threshold} als –, × verbergt een tweede cel."
              if view.public else "Niet onderdrukt: alleen voor intern gebruik, niet verspreiden.")
    return [f"{escape(account.title)} · Gegevens van {fmt.date_nl(view.data_date)} · "
            f"gemaakt op {account.made_at.strftime('%d-%m-%Y %H:%M')}",
            f"Bronnen: {escape('; '.join(account.sources))}", hidden]


def _numbered_canvas(lines: list[str]):
    """A canvas that writes the footer (data date, sources, suppression, "Pagina i van n") on every page once it
    knows how many pages there are."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph

    style = ParagraphStyle("rbl-footer", fontName="Helvetica", fontSize=7, leading=8.6,
                           textColor=colors.HexColor("#5F6B7A"))

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for number, page in enumerate(self._pages, start=1):
                self.__dict__.update(page)
                self._footer(number, len(self._pages))
                super().showPage()
            super().save()

        def _footer(self, number: int, total: int) -> None:
            width = A4[0] - 36 * mm
            self.setStrokeColor(colors.HexColor("#D9DEE5"))
            self.line(18 * mm, 25 * mm, 18 * mm + width, 25 * mm)
            text = "<br/>".join(lines + [f"Pagina {number} van {total}"])
            footer = Paragraph(text, style)
            _, height = footer.wrap(width, 24 * mm)
            footer.drawOn(self, 18 * mm, 24 * mm - height)

    return NumberedCanvas


# --- command line ------------------------------------------------------------------------------------------
def filename(quarter: str, code: str) -> str:
    place = "regio" if code == queries.REGION_CODE else code
    return f"kwartaalrapportage-{quarter}-{place}.pdf"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quarter", "--kwartaal", dest="quarter",
                        help="het kwartaal, bijv. 2025-K3 (standaard: het laatste afgesloten kwartaal met cijfers)")
    parser.add_argument("--gemeente", default=queries.REGION_CODE,
                        help="een gemeentecode (GM0758) voor één gemeente; standaard de hele regio")
    parser.add_argument("--out", type=Path, help="het PDF-bestand (standaard kwartaalrapportage-KWARTAAL-regio.pdf)")


def run(args: argparse.Namespace) -> int:
    """Always suppressed: the pack is for the joint body."""
    wh = Warehouse(args.warehouse)
    quarters = queries.periods(wh, KIND)
    codes = set(queries.municipalities(wh)["gemeente_code"])
    from warehouse.coverage import default_period

    # without --quarter: the latest complete quarter (a running one would look like a fall; warehouse.coverage)
    quarter = (args.quarter or (default_period(wh, "kwartaal") if quarters else "") or "").upper()
    if quarter not in quarters:
        known = f"{quarters[0]} t/m {quarters[-1]}" if quarters else "geen"
        print(f"Fout: geen cijfers voor kwartaal '{args.quarter or ''}' (wel voor: {known}); schrijf het kwartaal "
              "als 2025-K3.", file=sys.stderr)
        return 1
    code = args.gemeente.upper()
    if code != queries.REGION_CODE and code not in codes:
        print(f"Fout: onbekende gemeente '{args.gemeente}'; geef een code als GM0758, of laat --gemeente weg voor "
              "de hele regio.", file=sys.stderr)
        return 1
    view = build(wh, quarter, code, public=True)
    out = args.out or Path(filename(quarter, code))
    out.write_bytes(pdf_bytes(view))
    print(f"Geschreven: {out} ({quarter_label(quarter)}, {view.municipality_name}, kleine aantallen onderdrukt)")
    return 0
