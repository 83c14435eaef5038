"""The meeting pack as a tagged PDF (PDF/UA: structure tree, reading order, language nl, a title shown in the title
bar, alternative text for every chart): the pack is written as one HTML document (`pack_html`) and printed by
Debian's Chromium through its DevTools protocol (`Page.printToPDF` with `generateTaggedPDF`), the same Chromium
that kaleido draws the charts with. Why Chromium and not reportlab or WeasyPrint: docs/reports/kwartaal.md.

Every page's footer carries the pack's title, the date of the data, when it was made, the sources, the suppression
rule and "Pagina i van n".
"""

from __future__ import annotations

import asyncio
import base64
import re
import tempfile
from datetime import date, datetime
from html import escape
from pathlib import Path

from presentation import formats as fmt
from presentation.style import PRIMARY
from reports.kwartaal.charts import Chart, ChartsUnavailable, caption, chart_images, charts, source_line
from reports.kwartaal.deadlines import days_text, deadlines
from reports.kwartaal.view import (
    TABLE_KPIS,
    TITLE,
    QuarterView,
    change_text,
    meta,
    quarter_label,
    quarter_span,
    value_text,
)
from reports.workbook import ExportMeta, plain_text
from warehouse import notes
from warehouse.tiles import TileData

A4 = {"paperWidth": 8.27, "paperHeight": 11.69}  # inches
MARGINS = {"marginTop": 0.79, "marginBottom": 1.3, "marginLeft": 0.71, "marginRight": 0.71}  # 20, 33, 18 mm


class PackUnavailable(RuntimeError):
    """No Chromium to draw the charts and print the pack with; the message says what to install."""


def pdf_bytes(view: QuarterView, today: date | None = None, made_at: datetime | None = None) -> bytes:
    """The meeting pack as a tagged A4 PDF. It is meant for the joint body: build the view with public=True."""
    account = meta(view, made_at)
    pictures = charts(view)
    try:
        images = chart_images([c.figure for c in pictures if c.figure is not None])
    except ChartsUnavailable as exc:
        raise PackUnavailable(f"het kwartaalpakket kan niet worden gemaakt: {exc}") from exc
    document = pack_html(view, account, today or date.today(), pictures, images)
    return print_pdf(document, footer_html(view, account))


# --- the document ------------------------------------------------------------------------------------------
STYLE = f"""
  @page {{ size: A4; }}
  body {{ font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 9.5pt; line-height: 1.3;
         color: #1F2933; margin: 0; font-variant-ligatures: none; }}
  h1 {{ font-size: 18pt; color: {PRIMARY}; margin: 0 0 2mm; }}
  h2 {{ font-size: 12.5pt; color: {PRIMARY}; margin: 5mm 0 2mm; break-after: avoid; }}
  h3 {{ font-size: 10pt; margin: 4mm 0 1mm; break-after: avoid; }}
  p {{ margin: 0 0 1.5mm; }}
  .muted {{ color: #5F6B7A; font-size: 8.5pt; }}
  table {{ border-collapse: collapse; font-size: 8.5pt; margin-bottom: 2mm; }}
  th, td {{ padding: 0.9mm 1.5mm; vertical-align: top; border-bottom: 0.25pt solid #D9DEE5; }}
  thead th {{ background: #E8F1F8; border-bottom: 0.6pt solid {PRIMARY}; font-size: 7.5pt; text-align: left; }}
  .num {{ text-align: right; white-space: nowrap; }}
  thead th.num {{ text-align: right; white-space: normal; }}
  tbody th {{ text-align: left; font-weight: normal; }}
  tr.note td {{ background: #F4F6F8; font-size: 8pt; }}
  tr.region th, tr.region td {{ font-weight: bold; }}
  .places tbody th {{ white-space: nowrap; }}
  .when {{ display: block; font-size: 7.5pt; color: #5F6B7A; font-weight: normal; }}
  .chart {{ break-inside: avoid; margin-bottom: 3mm; }}
  .chart img {{ width: 174mm; height: auto; display: block; }}
  .new-page {{ break-before: page; }}
  .date {{ white-space: nowrap; }}
  .partial {{ border-left: 1.2mm solid #E69F00; background: #FFF6E0; padding: 1.5mm 2.5mm; }}
  * {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
"""


def pack_html(view: QuarterView, account: ExportMeta, today: date, pictures: list[Chart], images: list[bytes]) -> str:
    """The pack as one HTML document in reading order: headings h1-h3, tables with header cells, every chart an
    <img> with its alternative text (and its figures in the table per municipality or the key figures)."""
    body = [*_front(view, today), *_charts(pictures, iter(images)), *_municipality_table(view),
            *_profile(view), *_definitions(account)]
    return (f'<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8"><title>{escape(account.title)}</title>'
            f'<meta name="author" content="RBL Monitor"><style>{STYLE}</style></head>\n<body><main>\n'
            + "\n".join(body) + "\n</main></body></html>")


def _front(view: QuarterView, today: date) -> list[str]:
    q, prev, year = (quarter_label(x) for x in (view.quarter, view.previous, view.year_before))
    out = [
        f"<h1>{TITLE} {q}</h1>",
        f"<p>{escape(view.municipality_name)} · {quarter_span(view.quarter)} · voor het gemeenschappelijk orgaan</p>",
        f'<p class="muted">Elk cijfer over het kwartaal, naast het vorige kwartaal ({prev}) en hetzelfde kwartaal een '
        f"jaar eerder ({year}). Werkvoorraad en formatie op de laatste dag van het kwartaal "
        f"({fmt.date_nl(view.last_day)}). Een toelichting van de coördinator staat onder haar cijfer.</p>",
        *_partial_notice(view),
        "<h2>Kerncijfers</h2>",
        '<table style="width: 174mm"><thead><tr><th scope="col" style="width: 58mm">Cijfer</th>'
        + "".join(f'<th scope="col" class="num">{h}</th>' for h in (q, prev, "verschil", year, "verschil"))
        + "</tr></thead><tbody>",
    ]
    for card in view.cards:
        kpi = card.kpi
        when = f'<span class="when">op {fmt.date_nl(card.read_on)}</span>' if card.read_on else ""
        cells = (value_text(kpi, card.value), value_text(kpi, card.previous),
                 change_text(kpi, card.value, card.previous), value_text(kpi, card.year_before),
                 change_text(kpi, card.value, card.year_before))
        out.append(f'<tr><th scope="row"><b>{escape(kpi.label)}</b>{when}</th>'
                   + "".join(f'<td class="num">{escape(c)}</td>' for c in cells) + "</tr>")
        for prefix, text in (("Reeksnotitie", card.series_note), ("Toelichting", card.explanation)):
            if text:
                out.append(f'<tr class="note"><td colspan="6"><b>{prefix}:</b> {markdown_inline(text)}</td></tr>')
    out += ["</tbody></table>", "<h2>Komende deadlines</h2>",
            f'<p class="muted">Gerekend vanaf {fmt.date_nl(today)}.</p>',
            '<table style="width: 174mm"><thead><tr>'
            + "".join(f'<th scope="col"{" class=num" if i > 1 else ""}>{h}</th>'
                      for i, h in enumerate(("Rapport", "Aan", "Over schooljaar", "Vóór", "Nog")))
            + "</tr></thead><tbody>"]
    for d in deadlines(today):
        out.append(f'<tr><th scope="row">{escape(d.report)}</th><td>{escape(d.to)}</td><td class="num">{d.school_year}'
                   f'</td><td class="num">{fmt.date_nl(d.due)}</td><td class="num">{days_text(d.days)}</td></tr>')
    return [*out, "</tbody></table>"]


def _partial_notice(view: QuarterView) -> list[str]:
    """A quarter still in progress says so on the first page, as the page /kwartaal does (warehouse.coverage)."""
    if view.through is None:
        return []
    day = f'<span class="date">{fmt.date_nl(view.through)}</span>'  # never broken at its hyphens
    return [f'<p class="partial"><b>t/m {day}</b>: {quarter_label(view.quarter)} is nog niet '
            f"compleet; de gegevens lopen tot en met {day}. De cijfers worden daarom vergeleken "
            "met het vorige kwartaal en hetzelfde kwartaal een jaar eerder over dezelfde dagen, niet met het hele "
            "kwartaal; in de grafieken staat een kwartaal dat nog loopt als open ruit aan een stippellijn.</p>"]


def _charts(pictures: list[Chart], images) -> list[str]:
    out = ['<h2 class="new-page">Door de kwartalen</h2>']
    for chart in pictures:
        parts = [f"<h3>{escape(chart.title)}</h3>"]
        if chart.figure is None:
            parts.append(f'<p class="muted">{escape(chart.message)}</p>')
        else:
            png = base64.b64encode(next(images)).decode("ascii")
            parts += [f'<img src="data:image/png;base64,{png}" alt="{escape(chart.alt or chart.title)}">',
                      f'<p class="muted">{escape(caption(chart))}</p>']
        out.append(f'<div class="chart">{"".join(parts)}</div>')
    return out


def _municipality_table(view: QuarterView) -> list[str]:
    from warehouse.kpis import KPIS

    rows = []
    for row in view.table.itertuples(index=False):
        region = ' class="region"' if row.code == "REGIO" else ""
        rows.append(f'<tr{region}><th scope="row">{escape(row.gemeente)}</th>'
                    + "".join(f'<td class="num">{escape(value_text(KPIS[k], getattr(row, k)))}</td>'
                              for k, _ in TABLE_KPIS) + "</tr>")
    return [f"<h2>Per gemeente, {quarter_label(view.quarter)}</h2>",
            f'<p class="muted">Werkvoorraad en leerplichtigen per fte op {fmt.date_nl(view.last_day)}; de andere '
            "cijfers over het kwartaal. De regio is uit de rijen berekend, niet opgeteld.</p>",
            '<table class="places" style="width: 174mm"><thead><tr><th scope="col">Gemeente</th>'
            + "".join(f'<th scope="col" class="num">{h}</th>' for _, h in TABLE_KPIS) + "</tr></thead><tbody>",
            *rows, "</tbody></table>"]


SIGNAL_WORDS = {"hoger": "signaal: hoger dan verwacht (buiten de 99,8%-grens van de regio)",
                "lager": "signaal: lager dan verwacht (buiten de 99,8%-grens van de regio)",
                "waarschuwing": "buiten de 95%-band, binnen de 99,8%-grens: geen signaal",
                "": "binnen wat toeval verklaart: geen signaal"}


def _profile(view: QuarterView) -> list[str]:
    """The municipality's profile (reports.profiel, the page /gemeente) on a page of its own: each headline figure
    on its latest complete period with the year before, the region, its place among the municipalities and the
    national value, then its course, signal and explanation; last the municipality's signals. One A4 page."""
    profile = view.profile
    if profile is None:
        return []
    out = [f'<h2 class="new-page">Gemeenteprofiel {escape(profile.name)}</h2>',
           '<p class="muted">Elk cijfer over de laatste volledige periode, naast dezelfde periode een jaar eerder, de '
           "regio, de plaats onder de gemeenten (1 = laagste waarde, onder de getoonde waarden) en de landelijke "
           "waarde waar die gepubliceerd is. Kleine aantallen onderdrukt, zoals op de pagina Gemeenteprofiel.</p>",
           '<table style="width: 174mm"><thead><tr><th scope="col" style="width: 50mm">Cijfer</th>'
           + "".join(f'<th scope="col" class="num">{h}</th>'
                     for h in ("Waarde", "Een jaar eerder", "Regio", "Plaats", "Landelijk")) + "</tr></thead><tbody>"]
    shown = [t for t in profile.tiles if t is not None]
    for tile in shown:
        out += _profile_rows(tile, profile.labels.get(tile.kpi.id, ""))
    out.append("</tbody></table>")
    cited = [f"{escape(t.kpi.label)}: {escape(fmt.citation(t.national['source']))}, {t.national['published']}"
             for t in shown if t.national]
    if cited:
        out.append(f'<p class="muted"><b>Landelijke waarden</b>: {"; ".join(cited)}.</p>')
    out.append("<h3>Signalen</h3>")
    if profile.signals:
        out.append("<ul>" + "".join(f"<li>{escape(KPI_LABELS.get(u.kpi_id, u.kpi_id))} {u.period}: "
                                     f"{SIGNAL_WORDS[u.signal]}</li>" for u in profile.signals) + "</ul>")
    else:
        out.append("<p>Geen signalen: de cijfers van deze gemeente liggen binnen wat toeval verklaart.</p>")
    return out


KPI_LABELS = {"relatief_verzuim_per_1000": "Relatief verzuim", "absoluut_verzuim_per_1000": "Absoluut verzuim",
              "vsv_percentage": "VSV-percentage"}


def _profile_rows(tile: TileData, label: str) -> list[str]:
    """A figure's row of the profile and the row under it: course over the last periods, signal, explanation."""
    kpi = tile.kpi

    def period(p: str) -> str:  # a reference date the Dutch way, a year or quarter as it is
        return fmt.date_nl(p) if tile.kind == "peildatum" else p

    when = label + (f", t/m {fmt.date_nl(tile.through)}" if tile.through else "")
    earlier = fmt.MISSING
    if tile.compared_period:
        span = f" t/m {fmt.date_nl(tile.compared_through)}" if tile.compared_through else ""
        earlier = (f"{value_text(kpi, tile.compared_value)} ({change_text(kpi, tile.value, tile.compared_value)}; "
                   f"{period(tile.compared_period)}{span})")
    national = fmt.MISSING
    if tile.national:
        national = f"{value_text(kpi, tile.national['value'])} ({tile.national['period']})"
    cells = (value_text(kpi, tile.value), earlier, value_text(kpi, tile.region_value) if tile.region else fmt.MISSING,
             f"Plaats {tile.rank[0]} van {tile.rank[1]}" if tile.rank else fmt.MISSING, national)
    rows = [f'<tr><th scope="row"><b>{escape(kpi.label)}</b><span class="when">{escape(when)}</span></th>'
            + "".join(f'<td class="num">{escape(c)}</td>' for c in cells) + "</tr>"]
    course = " · ".join(f"{period(p)} {value_text(kpi, v)}" for p, v in tile.spark)
    below = [f"<b>Verloop:</b> {escape(course)}"] if len(tile.spark) > 1 else []
    if tile.signal is not None:
        below.append(escape(SIGNAL_WORDS[tile.signal]).capitalize())
    text, regions = notes.explanation_of(kpi.id, tile.period, tile.code)
    if text:
        title = "Toelichting voor de hele regio" if regions else "Toelichting"
        below.append(f"<b>{title}:</b> {markdown_inline(text)}")
    if below:
        rows.append(f'<tr class="note"><td colspan="6">{"<br>".join(below)}</td></tr>')
    return rows


def _definitions(account: ExportMeta) -> list[str]:
    out = ["<h2>Definities en bronnen</h2>",
           "<p>De cijfers over een kwartaal volgen de definitie van het schooljaarcijfer, met het kalenderkwartaal op "
           "de plaats van het schooljaar en de bevolking op 1 januari van het jaar van het kwartaal. Werkvoorraad en "
           "leerplichtigen per fte zijn peildatumcijfers, gelezen op de laatste dag van het kwartaal.</p>"]
    for d in account.definitions:
        out.append(f"<p><b>{escape(d.name)}</b>. {escape(plain_text(d.definition))} Teller: "
                   f"{escape(plain_text(d.numerator))}. Noemer: {escape(plain_text(d.denominator))}. "
                   f"{escape(source_line(d.source))}.</p>")
    hidden = escape(account.suppression_text().removeprefix("Ja: "))
    return [*out, f"<p><b>Kleine aantallen onderdrukt</b>: {hidden}</p>"]


def markdown_inline(text: str) -> str:
    """The coordinator's Markdown as HTML: bold, italics and list items; anything else as text (never raw `*`)."""
    lines = []
    for line in escape(text, quote=False).splitlines():
        line = re.sub(r"^\s*#+\s*", "", line)
        line = re.sub(r"^\s*[-*]\s+", "• ", line)
        line = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", line)
        line = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", line)
        line = re.sub(r"(?<![\w*])\*(?!\s)(.+?)\*(?!\w)", r"<i>\1</i>", line)
        lines.append(line)
    return "<br>".join(x for x in lines if x.strip())


def footer_html(view: QuarterView, account: ExportMeta) -> str:
    """Chromium's footer template (its own small document: styles inline, the page numbers filled in by Chromium)."""
    hidden = (f"Kleine aantallen onderdrukt: 1 t/m {account.threshold - 1} als &lt;{account.threshold}, een "
              f"verhouding met teller of noemer onder {account.threshold} als –, × verbergt een tweede cel."
              if view.public else "Niet onderdrukt: alleen voor intern gebruik, niet verspreiden.")
    lines = [f"{escape(account.title)} · Gegevens van {fmt.date_nl(view.data_date)} · gemaakt op "
             f"{account.made_at.strftime('%d-%m-%Y %H:%M')}", f"Bronnen: {escape('; '.join(account.sources))}", hidden,
             'Pagina <span class="pageNumber"></span> van <span class="totalPages"></span>']
    return ('<div style="font-family: \'DejaVu Sans\', Arial, sans-serif; font-size: 7pt; line-height: 1.25; '
            'color: #5F6B7A; width: 100%; margin: 0 18mm; border-top: 0.5pt solid #D9DEE5; padding-top: 1.5mm;">'
            + "<br>".join(lines) + "</div>")


# --- printing ----------------------------------------------------------------------------------------------
def print_pdf(document: str, footer: str) -> bytes:
    """`document` printed to a tagged PDF by Chromium (DevTools `Page.printToPDF`), through choreographer (which
    kaleido brings along): one headless Chromium, started and closed here."""
    try:
        return asyncio.run(_print(document, footer))
    except PackUnavailable:
        raise
    except Exception as exc:  # choreographer's own errors for a missing or failing browser
        if "Chrom" in type(exc).__name__ or "browser" in str(exc).lower():
            raise PackUnavailable("het kwartaalpakket kan niet worden gemaakt: Chromium start niet "
                                  f"({type(exc).__name__})") from exc
        raise


async def _print(document: str, footer: str) -> bytes:
    import choreographer

    with tempfile.TemporaryDirectory(prefix="rbl-pakket-") as folder:
        page = Path(folder) / "pakket.html"
        page.write_text(document, encoding="utf-8")
        async with choreographer.Browser(headless=True) as browser:
            tab = await browser.create_tab("")
            await tab.send_command("Page.enable")
            loaded = tab.subscribe_once("Page.loadEventFired")
            await tab.send_command("Page.navigate", params={"url": page.as_uri()})
            await loaded
            result = await tab.send_command("Page.printToPDF", params={
                **A4, **MARGINS, "printBackground": True, "generateTaggedPDF": True, "generateDocumentOutline": True,
                "displayHeaderFooter": True, "headerTemplate": "<span></span>", "footerTemplate": footer,
                "preferCSSPageSize": False})
    if "error" in result:
        raise PackUnavailable(f"het kwartaalpakket kan niet worden gemaakt: {result['error'].get('message')}")
    return base64.b64decode(result["result"]["data"])
