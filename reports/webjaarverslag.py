"""Webjaarverslag: the statistical annual report of a school year as a static website, one folder per municipality.

`python -m reports webjaarverslag --school-year 2023-2024 --out DIR` writes `DIR/index.html` (the region: its
headline figures, a table per municipality with links, its trends and its full table) and `DIR/<gemeente>/index.html`
for each of the 16 municipalities, each folder with its own copy of `stijl.css`: a municipality copies its folder
onto its own website as it is. No server, no JavaScript, no tracking, nothing from another site, relative links
only; `lang="nl"`, Dutch numbers, a print stylesheet.

The figures are the workbook's (`reports.jaarverslag`: `long_rows` and `area_table`, the publication version with
small numbers suppressed as `<5`, `–`, `×`); the trends are the same KPI (`jaarverslag`) over every loaded school
year, read with the same query, and the two rates per 1.000 are registry KPIs. Nothing is computed here. Every text
from the warehouse or the settings (names, explanations) is escaped.
"""

from __future__ import annotations

import argparse
import html
import io
import re
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from presentation import formats as fmt
from reports import jaarverslag as report
from reports.workbook import Definition
from warehouse import jaarverslag as jv
from warehouse import notes, queries
from warehouse.connection import Warehouse

CSS_NAME = "stijl.css"
SITE_TITLE = "Leerplicht in cijfers"
# the headline rows of the report (row ids of warehouse/jaarverslag.py), and the ones drawn as trends
HEADLINE_ROWS = ("leerplichtigen", "absoluut_verzuim", "lrv", "vrijstellingen", "vervangende_leerplicht",
                 "relatief_verzuim_personen", "relatief_verzuim_meldingen", "luxe_verzuim_meldingen", "halt",
                 "proces_verbaal")
TREND_ROWS = ("absoluut_verzuim", "lrv", "vrijstellingen", "relatief_verzuim_personen")
# registry KPIs shown beside the counts: a rate compares a municipality with the region and the nation
RATE_KPIS = ("absoluut_verzuim_per_1000", "relatief_verzuim_per_1000")
NO_NATIONAL = "geen landelijk cijfer"
# a table wider than a phone scrolls sideways in a region a keyboard can reach (WCAG 2.1.1)
SCROLL = "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Tabel: {label}\">"
NO_FIGURE = "geen cijfer"  # not loaded (a CBS count, an earlier year): never "–", which reads as suppressed


def national_values(wh: Warehouse, year: str) -> dict[str, dict]:
    """The national value of each headline rate for `year` from the national reference table (source
    `landelijke_referenties`, `queries.national_value`): that year's, else the latest earlier one, which the cell
    marks with its own year. A figure without one shows NO_NATIONAL."""
    found = {kpi_id: queries.national_value(wh, kpi_id, year) for kpi_id in RATE_KPIS}
    return {kpi_id: value for kpi_id, value in found.items() if value is not None}


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    folder: str  # "" for the region (the site's root), else the municipality's folder


@dataclass
class SiteData:
    """Everything the pages show, read once: the workbook's tables per area, the trend values, the rates."""

    year: str
    previous: str | None
    years: list[str]
    areas: list[Area]
    tables: dict[str, pd.DataFrame]  # area code -> report.area_table (the workbook's rows)
    trends: pd.DataFrame  # the jaarverslag KPI over every year, public: municipality_code, period, breakdown, value
    rates: pd.DataFrame  # the RATE_KPIS, public, for year and previous
    national: dict[str, dict]  # kpi id -> queries.national_value
    series: dict[str, str]  # school year -> time-series note (warehouse.notes), for every year in the trends
    data_date: object
    made_at: datetime
    cells: dict[tuple[str, str, str], object] = field(default_factory=dict)  # (area, row id, field) of `tables`
    rate_values: dict[tuple[str, str, str], object] = field(default_factory=dict)  # (kpi, area, period) of `rates`

    def __post_init__(self) -> None:  # the frames as look-ups, read once
        for code, table in self.tables.items():
            for row in table.to_dict("records"):
                self.cells.update({(code, row["row_id"], f): v for f, v in row.items() if row["row_id"]})
        r = self.rates
        self.rate_values = dict(zip(zip(r["kpi_id"], r["municipality_code"], r["period"], strict=True), r["value"],
                                    strict=True))


def slug(name: str) -> str:
    """A folder name from a municipality's name: lower-case ASCII letters, digits and hyphens only."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def areas(wh: Warehouse) -> list[Area]:
    """The region (the root) and every municipality in name order, each with a unique folder."""
    names = queries.municipalities(wh)
    out, used = [Area(queries.REGION_CODE, report.REGION_NAME, "")], set()
    for code, name in zip(names["gemeente_code"], names["naam"], strict=True):
        folder = slug(str(name)) or slug(str(code))
        if folder in used:
            folder = f"{folder}-{slug(str(code))}"
        used.add(folder)
        out.append(Area(str(code), str(name), folder))
    return out


def site_data(wh: Warehouse, year: str, made_at: datetime | None = None) -> SiteData:
    years = queries.periods(wh, report.KIND)
    previous = report.previous_year(years, year)
    all_areas = areas(wh)
    scope = report.Scope({a.code: a.name for a in all_areas[1:]}, region=True, public=True)
    rows = report.long_rows(wh, year, scope)
    tables = {a.code: report.area_table(rows, a.code, year, previous) for a in all_areas}
    shown = [y for y in years if y <= year]  # the trends: every loaded school year up to this one
    wanted = {row.breakdown for section in jv.SECTIONS for row in section.rows if row.id in TREND_ROWS}
    trends = queries.kpi_values(wh, [jv.KPI_ID], shown, breakdown=None, public=True)
    trends = trends[trends["breakdown"].isin(wanted)]
    periods = [year] + ([previous] if previous else [])
    rates = queries.kpi_values(wh, list(RATE_KPIS), periods, breakdown="", public=True)
    series = {period: text for period, text in notes.series_notes(jv.KPI_ID).items() if period in shown}
    return SiteData(year, previous, shown, all_areas, tables, trends, rates, national_values(wh, year), series,
                    queries.data_date(wh), made_at or datetime.now())


# --- building the site ------------------------------------------------------------------------------------------

def build_site(wh: Warehouse, year: str, made_at: datetime | None = None) -> dict[str, bytes]:
    """Every file of the site: relative path -> content."""
    data = site_data(wh, year, made_at)
    css = STYLESHEET.encode("utf-8")
    files: dict[str, bytes] = {}
    for area in data.areas:
        prefix = f"{area.folder}/" if area.folder else ""
        files[f"{prefix}index.html"] = area_page(wh, data, area).encode("utf-8")
        files[f"{prefix}{CSS_NAME}"] = css
    return files


def write_site(files: dict[str, bytes], out: Path) -> None:
    for name, content in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def zip_bytes(files: dict[str, bytes], root: str) -> bytes:
    """The site as a ZIP with every file under the folder `root`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(files.items()):
            archive.writestr(f"{root}/{name}", content)
    return buffer.getvalue()


def zip_name(year: str) -> str:
    return f"webjaarverslag-{year}"


# --- one page ---------------------------------------------------------------------------------------------------

def e(text: object) -> str:
    """Escaped text for HTML content and quoted attributes."""
    return html.escape(str(text), quote=True)


def value_text(value: object, decimals: int = 0) -> str:
    """A figure the Dutch way; a suppression mark as it is; an empty string where a figure is not defined."""
    if isinstance(value, str):
        return value
    return "" if fmt.is_missing(value) else fmt.number(value, decimals)


def area_page(wh: Warehouse, data: SiteData, area: Area) -> str:
    is_region = area.code == queries.REGION_CODE
    # the region's notes and explanations, or the municipality's own (as in the workbook of that municipality)
    scope = (report.Scope({a.code: a.name for a in data.areas[1:]}, region=True, public=True) if is_region
             else report.Scope({area.code: area.name}, region=False, public=True))
    meta = report.export_meta(wh, data.year, data.previous, scope, data.made_at)
    title = f"{SITE_TITLE}: {area.name}, schooljaar {data.year}"
    parts = [
        f"<h1>Leerplicht in {e(area.name)}<span class=\"sub\">Jaarverslag schooljaar {e(data.year)}</span></h1>",
        _intro(data, meta.suppression_text()),
        _headline(data, area),
    ]
    if is_region:
        parts.append(_municipalities(data))
    parts += [_explanations(meta.notes()), _trends(data, area), _full_table(data, area),
              _series_notes(data.series, meta.notes()), _definitions(meta.sources)]
    footer = (f"Regionaal Bureau Leren West-Brabant · Statistisch jaarverslag leerplicht (art. 25 Leerplichtwet) · "
              f"gegevens van {e(fmt.date_nl(data.data_date) if data.data_date else 'geen datum')} · gemaakt op "
              f"{e(data.made_at.strftime('%d-%m-%Y'))}")
    return PAGE.format(title=e(title), css=CSS_NAME, site=e(SITE_TITLE), area=e(area.name), year=e(data.year),
                       main="\n".join(p for p in parts if p), footer=footer)


def _intro(data: SiteData, suppression: str) -> str:
    beside = (f" Ter vergelijking staat het schooljaar {e(data.previous)} ernaast." if data.previous
              else " Het vorige schooljaar is niet geladen.")
    return (f"<p class=\"intro\">Het statistisch jaarverslag leerplicht (art. 25 Leerplichtwet) van schooljaar "
            f"{e(data.year)} (1 augustus tot en met 31 juli), dat vóór {e(fmt.date_nl(report.deadline(data.year)))} "
            f"naar de gemeenteraad gaat.{beside} De cijfers zijn dezelfde als in het Excel-bestand van het "
            f"jaarverslag, met dezelfde definities.</p>\n"
            f"<p class=\"suppression\"><strong>Kleine aantallen:</strong> {e(suppression)} Een leeg vak: het cijfer "
            f"bestaat niet (een CBS-telling heeft geen soort onderwijs).</p>")


def _row_value(data: SiteData, code: str, row_id: str, field: str) -> object:
    return data.cells.get((code, row_id, field))


def _rate(data: SiteData, code: str, kpi_id: str, period: str | None) -> object:
    return data.rate_values.get((kpi_id, code, period)) if period else None


def _label(row_id: str) -> str:
    return next(row.label for section in jv.SECTIONS for row in section.rows if row.id == row_id)


def _cell(value: object, decimals: int, attrs: str) -> str:
    text = value_text(value, decimals)
    return f"<td {attrs}>{e(text)}</td>" if text else f"<td class=\"none\" {attrs}>{NO_FIGURE}</td>"


def _national_cell(data: SiteData, key: str, decimals: int) -> str:
    found = data.national.get(key)
    if found is None or fmt.is_missing(found["value"]):
        return f"<td class=\"none\" data-kerncijfer=\"{e(key)}\" data-kolom=\"landelijk\">{NO_NATIONAL}</td>"
    text = value_text(found["value"], decimals)
    if found["period"] != data.year:  # an older reference is still one, with its own year beside it
        text += f" ({found['period']})"
    source = f"Bron: {fmt.citation(found['source'])} (gepubliceerd {found['published']})"
    return (f"<td data-kerncijfer=\"{e(key)}\" data-kolom=\"landelijk\" title=\"{e(source)}\">"
            f"{e(text)}</td>")


def _headline(data: SiteData, area: Area) -> str:
    """The headline figures: this school year, the previous one, the region (for a municipality), the nation."""
    is_region = area.code == queries.REGION_CODE
    def head(place: str, year: str) -> str:  # the place and the year each on a line of its own
        return f"{e(place)} <span class=\"year\">{e(year)}</span>"

    heads = [head(area.name, data.year)]
    heads += [head(area.name, data.previous)] if data.previous else []
    heads += [] if is_region else [head(report.REGION_NAME, data.year)]
    heads += [head("Nederland", data.year)]
    body = []
    for row_id in HEADLINE_ROWS:
        attrs = f"data-kerncijfer=\"{e(row_id)}\""
        cells = [_cell(_row_value(data, area.code, row_id, "totaal"), 0, f"{attrs} data-kolom=\"dit_jaar\"")]
        if data.previous:
            cells.append(_cell(_row_value(data, area.code, row_id, "vorig_jaar"), 0,
                               f"{attrs} data-kolom=\"vorig_jaar\""))
        if not is_region:
            cells.append(_cell(_row_value(data, queries.REGION_CODE, row_id, "totaal"), 0,
                               f"{attrs} data-kolom=\"regio\""))
        cells.append(_national_cell(data, row_id, 0))
        body.append(f"<tr><th scope=\"row\">{e(_label(row_id))}</th>{''.join(cells)}</tr>")
    from warehouse.kpis import KPIS

    for kpi_id in RATE_KPIS:
        attrs = f"data-kerncijfer=\"{e(kpi_id)}\""
        cells = [_cell(_rate(data, area.code, kpi_id, data.year), 1, f"{attrs} data-kolom=\"dit_jaar\"")]
        if data.previous:
            cells.append(_cell(_rate(data, area.code, kpi_id, data.previous), 1, f"{attrs} data-kolom=\"vorig_jaar\""))
        if not is_region:
            cells.append(_cell(_rate(data, queries.REGION_CODE, kpi_id, data.year), 1, f"{attrs} data-kolom=\"regio\""))
        cells.append(_national_cell(data, kpi_id, 1))
        body.append(f"<tr><th scope=\"row\">{e(KPIS[kpi_id].label)}</th>{''.join(cells)}</tr>")
    head = "".join(f"<th scope=\"col\">{h}</th>" for h in ["Cijfer", *heads])
    return (f"<section aria-labelledby=\"kerncijfers\"><h2 id=\"kerncijfers\">Kerncijfers</h2>\n"
            f"{SCROLL.format(label='Kerncijfers')}<table class=\"figures\" id=\"tabel-kerncijfers\">"
            f"<caption>Kerncijfers van "
            f"{e(area.name)}, schooljaar {e(data.year)}: aantallen leerlingen, zaken en meldingen, en twee cijfers "
            f"per 1.000 inwoners van 5 tot en met 17 jaar</caption>\n<thead><tr>{head}</tr></thead>\n"
            f"<tbody>{''.join(body)}</tbody></table></div>{_national_sources(data)}</section>")


def _national_sources(data: SiteData) -> str:
    """Where the national values come from, under the table (not only in a tooltip)."""
    if not data.national:
        return ""
    from warehouse.kpis import KPIS

    items = "".join(f"<li>{e(KPIS[k].label)}, {e(v['period'])}: {e(fmt.citation(v['source']))} "
                    f"(gepubliceerd {v['published']})</li>" for k, v in data.national.items())
    return f"<p class=\"note\">Landelijke cijfers:</p><ul class=\"note\">{items}</ul>"


def _municipalities(data: SiteData) -> str:
    """The region's page: each municipality's headline counts, its name linking to its own folder."""
    shown = ("absoluut_verzuim", "lrv", "vrijstellingen", "relatief_verzuim_personen")
    head = "".join(f"<th scope=\"col\">{e(_label(r))}</th>" for r in shown)
    body = []
    for area in data.areas[1:]:
        cells = "".join(_cell(_row_value(data, area.code, r, "totaal"), 0,
                              f"data-gemeente=\"{e(area.code)}\" data-rij=\"{e(r)}\"") for r in shown)
        link = f"<a href=\"{e(area.folder)}/index.html\">{e(area.name)}</a>"
        body.append(f"<tr><th scope=\"row\">{link}</th>{cells}</tr>")
    return (f"<section aria-labelledby=\"gemeenten\"><h2 id=\"gemeenten\">Per gemeente</h2>\n"
            f"<p>Elke gemeente heeft een eigen pagina met haar kerncijfers, de ontwikkeling en de volledige "
            f"tabel.</p>\n"
            f"{SCROLL.format(label='Per gemeente')}<table class=\"figures\"><caption>Kerncijfers per gemeente, "
            f"schooljaar "
            f"{e(data.year)}</caption>\n<thead><tr><th scope=\"col\">Gemeente</th>{head}</tr></thead>\n"
            f"<tbody>{''.join(body)}</tbody></table></div></section>")


# --- the trends as charts with their data --------------------------------------------------------------------------

def _trend_points(data: SiteData, code: str, row_id: str) -> list[tuple[str, object]]:
    row = next(r for section in jv.SECTIONS for r in section.rows if r.id == row_id)
    t = data.trends
    mine = t[(t["municipality_code"] == code) & (t["breakdown"] == row.breakdown)]
    values = dict(zip(mine["period"], mine["value"], strict=True))
    return [(y, values.get(y)) for y in data.years]


def finding(label: str, name: str, points: list[tuple[str, object]]) -> str:
    """The chart's title: what the figures say, in words."""
    year, now = points[-1]
    if isinstance(now, str) or fmt.is_missing(now):
        shown = "minder dan 5" if now == "<5" else "niet te tonen (kleine aantallen)"
        return f"{label} in {name}: {shown} in {year}"
    text = f"{label} in {name}: {fmt.number(now, 0)} in {year}"
    if len(points) > 1:
        before_year, before = points[-2]
        if not isinstance(before, str) and not fmt.is_missing(before):
            diff = float(now) - float(before)
            change = ("evenveel als" if diff == 0 else
                      f"{fmt.number(abs(diff), 0)} {'meer' if diff > 0 else 'minder'} dan")
            text += f", {change} in {before_year}"
    return text


def bar_chart(chart_id: str, title: str, desc: str, points: list[tuple[str, object]],
              marked: frozenset[str] = frozenset()) -> str:
    """An inline SVG bar chart (role="img", <title> and <desc>); a suppressed year shows its mark, not a bar; a
    year in `marked` (a time-series note) has an asterisk."""
    width, height, left, top, bottom = 640, 240, 52, 16, 40
    plot_w, plot_h = width - left - 12, height - top - bottom
    numbers = [float(v) for _, v in points if not isinstance(v, str) and not fmt.is_missing(v)]
    top_value = nice_max(max(numbers, default=0.0))
    parts = [f"<svg class=\"chart\" role=\"img\" aria-labelledby=\"{chart_id}-t {chart_id}-d\" "
             f"viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\">",
             f"<title id=\"{chart_id}-t\">{e(title)}</title><desc id=\"{chart_id}-d\">{e(desc)}</desc>"]
    for fraction in (0.0, 0.5, 1.0):
        y = top + plot_h * (1 - fraction)
        parts.append(f"<line x1=\"{left}\" x2=\"{width - 12}\" y1=\"{y:.1f}\" y2=\"{y:.1f}\" class=\"grid\"/>"
                     f"<text x=\"{left - 6}\" y=\"{y + 4:.1f}\" text-anchor=\"end\">"
                     f"{e(fmt.number(top_value * fraction, 0 if (top_value * fraction).is_integer() else 1))}</text>")
    step = plot_w / max(1, len(points))
    for i, (period, value) in enumerate(points):
        x = left + step * i + step * 0.2
        label = (f"{period[2:4]}-{period[7:9]}" if len(period) == 9 else period) + ("*" if period in marked else "")
        parts.append(f"<text x=\"{x + step * 0.3:.1f}\" y=\"{height - bottom + 16}\" text-anchor=\"middle\">"
                     f"{e(label)}</text>")
        if isinstance(value, str) or fmt.is_missing(value):
            mark = value if isinstance(value, str) else ""  # not loaded: no bar and no mark
            parts.append(f"<text x=\"{x + step * 0.3:.1f}\" y=\"{top + plot_h - 4}\" text-anchor=\"middle\" "
                         f"class=\"mark\">{e(mark)}</text>")
            continue
        bar_h = plot_h * float(value) / top_value if top_value else 0.0
        parts.append(f"<rect x=\"{x:.1f}\" y=\"{top + plot_h - bar_h:.1f}\" width=\"{step * 0.6:.1f}\" "
                     f"height=\"{bar_h:.1f}\" class=\"{'bar now' if i == len(points) - 1 else 'bar'}\"/>")
    parts.append("</svg>")
    return "".join(parts)


def nice_max(value: float) -> float:
    """The top of the axis: 1, 2 or 5 times a power of ten, at least the largest value."""
    if value <= 0:
        return 1.0
    power = 10 ** len(str(int(value))) / 10
    for factor in (1, 2, 5, 10):
        if factor * power >= value:
            return float(factor * power)
    return float(10 * power)


def _trends(data: SiteData, area: Area) -> str:
    if len(data.years) < 2:
        return ""
    figures = []
    for row_id in TREND_ROWS:
        points = _trend_points(data, area.code, row_id)
        label = _label(row_id)
        title = finding(label, area.name, points)
        chart_id = f"grafiek-{row_id}"
        desc = (f"Staafdiagram van {label.lower()} in {area.name} per schooljaar, {points[0][0]} tot en met "
                f"{points[-1][0]}. De cijfers staan in de tabel ernaast.")
        rows = "".join(f"<tr><th scope=\"row\">{e(p)}{' *' if p in data.series else ''}</th>"
                       f"<td data-trend=\"{e(row_id)}\" data-periode=\"{e(p)}\">"
                       f"{e(value_text(v) or NO_FIGURE)}</td></tr>"
                       for p, v in points)
        figures.append(
            f"<figure class=\"trend\" aria-labelledby=\"{chart_id}-k\"><figcaption id=\"{chart_id}-k\">{e(title)}"
            f"</figcaption><div class=\"trend-body\">"
            f"{bar_chart(chart_id, title, desc, points, frozenset(data.series))}"
            f"<table class=\"figures small\"><caption>{e(label)} in {e(area.name)} per schooljaar</caption>"
            f"<thead><tr><th scope=\"col\">Schooljaar</th><th scope=\"col\">Aantal</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div></figure>")
    return (f"<section aria-labelledby=\"ontwikkeling\"><h2 id=\"ontwikkeling\">Ontwikkeling</h2>\n"
            f"<p>Per schooljaar sinds {e(data.years[0])}; een jaar met kleine aantallen toont het teken van de "
            f"onderdrukking in plaats van een staaf. Een jaar met * is niet goed vergelijkbaar: zie "
            f"<a href=\"#opmerkingen\">Opmerkingen bij de reeks</a>.</p>\n{''.join(figures)}</section>")


# --- the full table, the words, the definitions ------------------------------------------------------------------

def _full_table(data: SiteData, area: Area) -> str:
    """The area's table exactly as the workbook's sheet (the same `area_table`), cells marked for read-back."""
    columns = report.table_columns(data.year, data.previous)
    head = "".join(f"<th scope=\"col\">{e(h)}</th>" for _, h, _ in columns)
    body = []
    for row in data.tables[area.code].to_dict("records"):
        if not row["row_id"]:
            body.append(f"<tr class=\"block\"><th scope=\"colgroup\" colspan=\"{len(columns)}\">"
                        f"{e(row['omschrijving'])}</th></tr>")
            continue
        cls = " class=\"member\"" if row["niveau"] else ""
        cells = "".join(f"<td data-rij=\"{e(row['row_id'])}\" data-kolom=\"{e(f)}\">{e(value_text(row[f]))}</td>"
                        for f, _, _ in columns[1:])
        body.append(f"<tr><th scope=\"row\"{cls}>{e(row['omschrijving'])}</th>{cells}</tr>")
    return (f"<section aria-labelledby=\"tabel\"><h2 id=\"tabel\">Alle cijfers van het schooljaar</h2>\n"
            f"<p>Per soort onderwijs: een leerling zonder onderwijs telt bij het laatst gevolgde onderwijs en nog "
            f"eens bij ‘waarvan geen onderwijs’.</p>\n{SCROLL.format(label='Alle cijfers')}"
            f"<table class=\"figures full\" "
            f"id=\"tabel-jaarverslag\"><caption>Statistisch jaarverslag leerplicht {e(area.name)}, schooljaar "
            f"{e(data.year)}</caption>\n<thead><tr>{head}</tr></thead>\n<tbody>{''.join(body)}</tbody></table>"
            f"</div></section>")


def _explanations(found: list[tuple[str, str, str]]) -> str:
    texts = [(name, period, text.removeprefix("Toelichting: ")) for name, period, text in found
             if text.startswith("Toelichting: ")]
    if not texts:
        return ""
    items = "".join(f"<div class=\"explanation\"><h3>{e(name)}, {e(period)}</h3>{markdown_html(text)}</div>"
                    for name, period, text in texts)
    return (f"<section aria-labelledby=\"toelichting\"><h2 id=\"toelichting\">Toelichting van het Regionaal "
            f"Bureau Leren</h2>\n{items}</section>")


def _series_notes(series: dict[str, str], found: list[tuple[str, str, str]]) -> str:
    """The time-series notes of every year in the trends, and those of the report's related KPIs."""
    texts = sorted(set(series.items()) | {(period, text.removeprefix("Reeksnotitie: ")) for _, period, text in found
                                          if text.startswith("Reeksnotitie: ")})
    body = ("".join(f"<li><strong>{e(period)}:</strong> {e(text)}</li>" for period, text in texts) if texts
            else "<li>Geen opmerkingen: de jaren zijn goed vergelijkbaar.</li>")
    return (f"<section aria-labelledby=\"opmerkingen\"><h2 id=\"opmerkingen\">Opmerkingen bij de reeks</h2>\n"
            f"<ul>{body}</ul></section>")


def _definitions(sources: list[str]) -> str:
    from warehouse.kpis import KPIS

    blocks: dict[str, list[str]] = {}
    for row in report.definitions_table().to_dict("records"):
        detail = [row["definitie"]]
        detail += [f"Telt: {row['teller']}."] if row["teller"] else []
        detail += [f"Wettelijke basis: {row['wettelijke_basis']}."] if row["wettelijke_basis"] else []
        detail += [row["bron"]] if row["bron"] else []
        blocks.setdefault(row["blok"], []).append(f"<dt>{e(row['rij'])}</dt><dd>{e(' '.join(detail))}</dd>")
    for kpi_id in RATE_KPIS:
        d = Definition.of(KPIS[kpi_id])
        text = f"{d.definition} Teller: {d.numerator}. Noemer: {d.denominator}. Wettelijke basis: {d.legal_basis}. "
        blocks.setdefault("Cijfers per 1.000", []).append(f"<dt>{e(d.name)}</dt><dd>{e(text + d.source)}</dd>")
    parts = "".join(f"<h3>{e(block)}</h3><dl>{''.join(items)}</dl>" for block, items in blocks.items())
    return (f"<section aria-labelledby=\"definities\"><h2 id=\"definities\">Definities en bronnen</h2>\n"
            f"<p>{e(report.REPORT_DEFINITION)}</p>\n{parts}\n<h3>Bronnen</h3><ul>"
            f"{''.join(f'<li>{e(s)}</li>' for s in sources)}</ul></section>")


BULLET = re.compile(r"^[-*]\s+")


def markdown_html(text: str) -> str:
    """The coordinator's Markdown as HTML: paragraphs, lists (- or *), **bold** and *italics*; everything else as
    escaped text (no raw HTML, no links or images: the page loads nothing and links nowhere)."""
    out = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines and all(BULLET.match(line) for line in lines):
            items = "".join(f"<li>{_inline(BULLET.sub('', line))}</li>" for line in lines)
            out.append(f"<ul>{items}</ul>")
        elif lines:
            out.append(f"<p>{_inline(' '.join(line.lstrip('#').strip() for line in lines))}</p>")
    return "".join(out)


def _inline(text: str) -> str:
    escaped = e(text)
    escaped = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)
    return re.sub(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])", r"<em>\1</em>", escaped)


PAGE = """<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<link rel="stylesheet" href="{css}">
</head>
<body>
<a class="skip" href="#inhoud">Naar de inhoud</a>
<header class="site"><p class="site-name">{site}</p><p class="site-sub">{area} · schooljaar {year}</p></header>
<main id="inhoud">
{main}
</main>
<footer class="site"><p>{footer}</p></footer>
</body>
</html>
"""

STYLESHEET = """/* Webjaarverslag leerplicht: one small stylesheet, copied into every folder (no fonts or images from
   elsewhere). Colours meet WCAG AA contrast on white. */
:root { --ink: #1a1a1a; --muted: #4a4a4a; --line: #c8c8c8; --accent: #154273; --bar: #2f6ea3; --soft: #f2f5f8; }
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink);
       background: #fff; line-height: 1.5; }
body { margin: 0; }
.skip { position: absolute; left: -999px; top: 0; background: var(--accent); color: #fff; padding: .5rem 1rem; }
.skip:focus { left: 0; }
header.site, footer.site { background: var(--accent); color: #fff; padding: .75rem 1.5rem; }
header.site p { margin: 0; }
.site-name { font-weight: 700; font-size: 1.1rem; }
footer.site { background: var(--soft); color: var(--muted); margin-top: 3rem; font-size: .9rem; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem; }
h1 { color: var(--accent); font-size: 2rem; margin: 1rem 0 .5rem; }
h1 .sub { display: block; font-size: 1.1rem; color: var(--muted); font-weight: 400; }
h2 { color: var(--accent); border-bottom: 2px solid var(--accent); padding-bottom: .2rem; margin-top: 2.5rem; }
a { color: var(--accent); }
a:focus { outline: 3px solid #ffb612; outline-offset: 2px; }
.intro { font-size: 1.1rem; max-width: 60rem; }
.suppression { background: var(--soft); border-left: 4px solid var(--accent); padding: .5rem 1rem; }
.scroll { overflow-x: auto; }
.scroll:focus { outline: 3px solid #ffb612; }
table.figures { border-collapse: collapse; margin: .5rem 0 1rem; font-variant-numeric: tabular-nums; }
table.figures caption { text-align: left; font-weight: 600; padding: .25rem 0; }
table.figures th, table.figures td { border-bottom: 1px solid var(--line); padding: .3rem .6rem; vertical-align: top; }
table.figures thead th { border-bottom: 2px solid var(--ink); text-align: right; vertical-align: bottom; }
table.figures thead th:first-child { text-align: left; }
table.figures .year { display: block; white-space: nowrap; }
#tabel-kerncijfers tbody th, table.full tbody th { min-width: 14rem; }
table.figures td { text-align: right; white-space: nowrap; }
table.figures tbody th { text-align: left; font-weight: 400; }
table.figures tr.block th { background: var(--soft); font-weight: 700; }
table.figures th.member { padding-left: 1.6rem; }
table.figures .none { color: var(--muted); font-style: italic; }
table.small { font-size: .9rem; }
figure.trend { margin: 1.5rem 0; border: 1px solid var(--line); padding: 1rem; }
figure.trend figcaption { font-weight: 700; margin-bottom: .5rem; }
.trend-body { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
svg.chart { width: 100%; max-width: 40rem; height: auto; font-size: 12px; }
svg.chart text { fill: var(--ink); }
svg.chart .grid { stroke: var(--line); stroke-width: 1; }
svg.chart .bar { fill: var(--bar); }
svg.chart .bar.now { fill: var(--accent); }
svg.chart .mark { font-weight: 700; }
.explanation { background: var(--soft); padding: .5rem 1rem; margin: 1rem 0; }
.explanation h3 { margin: .25rem 0; font-size: 1rem; }
dl dt { font-weight: 700; margin-top: .6rem; }
dl dd { margin: 0 0 0 1rem; max-width: 60rem; }
@media print {
  @page { size: A4; margin: 15mm 12mm; }
  html { font-size: 10pt; }
  .skip { display: none; }
  header.site, footer.site { background: none; color: var(--ink); padding: 0; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; margin-top: 1.5rem; }
  figure.trend, table.figures tr, .explanation { break-inside: avoid; }
  .scroll { overflow: visible; }
  table.figures th, table.figures td { padding: .15rem .35rem; }
  #tabel-kerncijfers tbody th, table.full tbody th { min-width: 11rem; }
  figure.trend { padding: .5rem; margin: .75rem 0; }
  .trend-body { flex-wrap: nowrap; gap: 1rem; }
  svg.chart { max-width: 62%; }
  table.small { font-size: 8pt; }
  a { color: var(--ink); text-decoration: none; }
}
"""


# --- python -m reports webjaarverslag ----------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--school-year", "--schooljaar", dest="school_year", required=True,
                        help="het schooljaar van het verslag, bijv. 2023-2024 (het vorige staat ernaast)")
    parser.add_argument("--out", type=Path, required=True,
                        help="de map van de website: index.html voor de regio en een map per gemeente")


def run(args: argparse.Namespace) -> int:
    wh = Warehouse(args.warehouse)
    years = queries.periods(wh, report.KIND)
    if args.school_year not in years:
        print(f"Fout: geen cijfers voor schooljaar '{args.school_year}' (wel voor: {', '.join(years) or 'geen'}).",
              file=sys.stderr)
        return 1
    if args.out.exists() and not args.out.is_dir():
        print(f"Fout: --out '{args.out}' is een bestand; geef een map.", file=sys.stderr)
        return 1
    files = build_site(wh, args.school_year)
    write_site(files, args.out)
    folders = sorted({name.split("/")[0] for name in files if "/" in name})
    print(f"Geschreven: {args.out}/index.html (regio) en {len(folders)} mappen per gemeente "
          f"({report.TITLE.lower()}, schooljaar {args.school_year}, kleine aantallen onderdrukt)")
    return 0
