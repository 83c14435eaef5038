"""Effectrapportage Doorstroompunt: the figures of the effect report for DUO (OCW) for one school year (XLSX).

Young people in view by origin and age band, first contact within the term, trajectory results and the share
positive, and 18+ absence reports with their outcome: the KPIs of section "effectrapportage" of the registry,
as one table for the region or a municipality plus one row per municipality. The deadline is a setting
(`deadlines.effectrapportage`, month-day): the arrangement says 1 December, DUO has asked for 1 April.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from config.settings import load_settings, small_number_threshold
from presentation import formats as fmt
from presentation.labels import REGION_NAME
from reports.cli import municipality_code
from reports.workbook import Column, Definition, ExportMeta, Sheet, workbook_bytes
from warehouse import coverage, queries
from warehouse.connection import Warehouse
from warehouse.kpis import KPIS

KIND = "schooljaar"
KPI_IDS = ["vsv_in_beeld", "contact_binnen_termijn", "trajecten_resultaat", "positief_resultaat", "verzuim_18plus"]

# Dutch labels of the codes in the KPI breakdowns (sources.md, domain.md)
ORIGINS = {"nieuw_vsv": "nieuwe voortijdig schoolverlaters", "oud_vsv": "oud-voortijdig schoolverlaters",
           "verzuim_18plus": "verzuim 18+", "preventief": "preventief"}
AGE_BANDS = ("16-17", "18-22", "23-26")
RESULTS = {"onderwijs": "onderwijs", "werk": "werk", "onderwijs_en_werk": "onderwijs en werk",
           "zorg_dagbesteding": "zorg of dagbesteding", "uitkering_of_elders": "uitkering of elders",
           "verhuisd": "verhuisd", "niet_bereikbaar": "niet bereikbaar",
           "geen_begeleiding_gewenst": "geen begeleiding gewenst"}
STATUSES = {"R": "geregistreerd", "B": "in behandeling", "G": "afgesloten", "K": "ter kennisgeving aangenomen"}
REASONS = {"1": "terug naar school", "2": "uitgeschreven, ander onderwijs", "3": "uitgeschreven, werk",
           "4": "uitgeschreven, andere redenen", "5": "uitgeschreven, overleden", "6": "geen verzuim, langdurig ziek",
           "7": "geen verzuim, geoorloofd afwezig"}

REPORT_COLUMNS: list[Column] = [("onderdeel", "Onderdeel", None), ("omschrijving", "Omschrijving", None),
                                ("aantal", "Aantal", 0), ("aandeel", "Aandeel (%)", 1)]
MUNICIPALITY_COLUMNS: list[Column] = [
    ("gemeente", "Gemeente", None), ("in_beeld", "Jongeren in beeld", 0),
    *[(f"herkomst_{k}", f"Herkomst: {v}", 0) for k, v in ORIGINS.items()],
    ("contact", "Contact binnen termijn (%)", 1), ("beeindigd", "Beëindigde trajecten", 0),
    ("positief", "Positief resultaat (%)", 1), ("meldingen_18plus", "Meldingen 18+", 0),
]


def deadline(school_year: str, month_day: str | None = None) -> date:
    """The date the effect report of a school year is due: the first `month_day` (setting
    deadlines.effectrapportage, "MM-DD") after the school year ends on 31 July. For 2023-2024: "12-01" gives
    1 December 2024, "04-01" gives 1 April 2025."""
    text = month_day or str(load_settings().get("deadlines", "effectrapportage"))
    month, day = (int(x) for x in text.split("-"))
    end = date(int(school_year[:4]) + 1, 7, 31)
    due = date(end.year, month, day)
    return due if due > end else date(end.year + 1, month, day)


def completed_years(years: list[str], data_date: date | None) -> list[str]:
    """The school years that had ended by the date of the data: the effect report is about a past year."""
    if data_date is None:
        return years
    return [y for y in years if date(int(y[:4]) + 1, 7, 31) <= data_date]


@dataclass(frozen=True)
class EffectReport:
    year: str
    municipality_code: str
    municipality_name: str
    public: bool
    due: date
    table: pd.DataFrame  # the report for the chosen area: one row per figure (with `sleutel`, not exported)
    municipalities: pd.DataFrame  # one row per municipality the viewer may see (and the region); `gemeente_code`
    through: date | None = None  # a source stops before the year's end: its figures count up to this day (issue #9)

    @property
    def period_text(self) -> str:
        return fmt.period_label(KIND, self.year)


def build(wh: Warehouse, year: str, code: str = queries.REGION_CODE, public: bool = False,
          visible: list[str] | None = None, region: bool = True) -> EffectReport:
    """The report of school year `year` for `code` (a municipality or REGIO). `visible` are the municipalities
    in the per-municipality table (default: all), `region` adds the region's row there. `public`: small numbers
    suppressed (portfolio holders, publications)."""
    frame = queries.kpi_values(wh, KPI_IDS, [year], breakdown=None, public=public)
    names = queries.municipalities(wh)
    name_of = dict(zip(names["gemeente_code"], names["naam"], strict=True))
    figures = _figures(frame)
    codes = list(names["gemeente_code"]) if visible is None else visible
    codes = sorted((c for c in codes if c in name_of), key=lambda c: (name_of[c], c))
    rows = [_municipality_row(name_of[c], c, figures.get(c, {})) for c in codes]
    if region:
        rows.append(_municipality_row(REGION_NAME, queries.REGION_CODE, figures.get(queries.REGION_CODE, {})))
    per_gm = pd.DataFrame(rows, columns=["gemeente_code"] + [f for f, _, _ in MUNICIPALITY_COLUMNS], dtype=object)
    table = report_table(figures.get(code, {}))
    name = REGION_NAME if code == queries.REGION_CODE else name_of.get(code, code)
    return EffectReport(year, code, name, public, deadline(year), table, per_gm,
                        coverage.figures_through(wh, KPI_IDS, KIND, year))


Figures = dict[tuple[str, str], tuple[object, object, object]]  # (kpi, breakdown) -> (value, num, den)


def _figures(frame: pd.DataFrame) -> dict[str, Figures]:
    out: dict[str, Figures] = {}
    for r in frame.itertuples(index=False):
        out.setdefault(r.municipality_code, {})[(r.kpi_id, r.breakdown)] = (r.value, r.numerator, r.denominator)
    return out


def _count(figures: Figures, kpi_id: str, breakdown: str = "") -> object:
    """A count (a number, or the suppression mark); a category that did not occur is 0."""
    value = figures.get((kpi_id, breakdown), (0, None, None))[0]
    return 0 if fmt.is_missing(value) and breakdown else value


def _share(figures: Figures, kpi_id: str) -> tuple[object, object, object]:
    """(share, hits, cases) of a share KPI; a hidden share hides its hits and cases with the same mark."""
    value, num, den = figures.get((kpi_id, ""), (None, None, None))
    if isinstance(value, str):
        return value, value, value
    return value, num, den


def report_table(figures: Figures) -> pd.DataFrame:
    """One row per figure of the effect report, in the order of the report."""
    days = int(load_settings().get("termijnen", "contact_dagen"))
    share, hits, started = _share(figures, "contact_binnen_termijn")
    positive, positive_n, _ = _share(figures, "positief_resultaat")
    rows: list[tuple[str, str, str, object, object]] = [
        ("in_beeld", "Jongeren in beeld", "Personen met een actief traject", _count(figures, "vsv_in_beeld"), None)]
    rows += [(f"herkomst_{k}", "Jongeren in beeld", f"Herkomst: {v}",
              _count(figures, "vsv_in_beeld", f"herkomst={k}"), None) for k, v in ORIGINS.items()]
    rows += [(f"leeftijd_{b}", "Jongeren in beeld", f"Leeftijd {b} jaar",
              _count(figures, "vsv_in_beeld", f"leeftijd={b}"), None) for b in AGE_BANDS]
    rows += [("gestart", "Contact binnen termijn", "Trajecten gestart in het schooljaar", started, None),
             ("contact", "Contact binnen termijn", f"Eerste contact binnen {days} dagen na de start", hits, share)]
    rows += [("beeindigd", "Trajectresultaten", "Beëindigde trajecten", _count(figures, "trajecten_resultaat"),
              None)]
    rows += [(f"resultaat_{k}", "Trajectresultaten", f"Resultaat: {v}",
              _count(figures, "trajecten_resultaat", f"resultaat={k}"), None) for k, v in RESULTS.items()]
    rows += [("positief", "Trajectresultaten", "Positief resultaat (onderwijs, werk, of onderwijs en werk)",
              positive_n, positive)]
    rows += [(f"einde_{b}", "Trajectresultaten", f"Leeftijd bij het einde {b} jaar",
              _count(figures, "trajecten_resultaat", f"leeftijd={b}"), None) for b in AGE_BANDS]
    rows += [("meldingen_18plus", "Verzuim 18+", "Meldingen V4 en RMC", _count(figures, "verzuim_18plus"), None),
             ("personen_18plus", "Verzuim 18+", "Personen met een melding",
              _count(figures, "verzuim_18plus", "maat=personen"), None)]
    rows += [(f"status_{k}", "Verzuim 18+", f"Meldingen met status {v}",
              _count(figures, "verzuim_18plus", f"status={k}"), None) for k, v in STATUSES.items()]
    rows += [(f"reden_{k}", "Verzuim 18+", f"Afgesloten met reden {k}: {v}",
              _count(figures, "verzuim_18plus", f"reden={k}"), None) for k, v in REASONS.items()]
    return pd.DataFrame(rows, columns=["sleutel", "onderdeel", "omschrijving", "aantal", "aandeel"], dtype=object)


def _municipality_row(name: str, code: str, figures: Figures) -> dict:
    row = {"gemeente_code": code, "gemeente": name, "in_beeld": _count(figures, "vsv_in_beeld"),
           "contact": _share(figures, "contact_binnen_termijn")[0],
           "beeindigd": _count(figures, "trajecten_resultaat"), "positief": _share(figures, "positief_resultaat")[0],
           "meldingen_18plus": _count(figures, "verzuim_18plus")}
    for k in ORIGINS:
        row[f"herkomst_{k}"] = _count(figures, "vsv_in_beeld", f"herkomst={k}")
    return row


def deadline_text(due: date) -> str:
    # words for the reader of the file: no setting's name or value (issue 11); the setting is in docs/settings.md
    return (f"In te leveren bij DUO vóór {fmt.date_nl(due)} (de gemeenschappelijke regeling noemt 1 december, DUO "
            "vroeg de laatste jaren om 1 april; de datum is een instelling van de beheerder).")


def meta(report: EffectReport, data_date: date | None) -> ExportMeta:
    code = None if report.municipality_code == queries.REGION_CODE else report.municipality_code
    return ExportMeta(title=f"Effectrapportage Doorstroompunt {report.municipality_name}",
                      # the Toelichting says "t/m <datum>" when a figure is partial, as the page's tiles do
                      period=report.period_text + (f", t/m {fmt.date_nl(report.through)}" if report.through else ""),
                      data_date=data_date, suppressed=report.public,
                      definitions=[Definition.of(KPIS[k]) for k in KPI_IDS], kpi_ids=KPI_IDS, periods=[report.year],
                      municipality_code=code, threshold=small_number_threshold())


def workbook(report: EffectReport, data_date: date | None) -> bytes:
    title = f"Effectrapportage Doorstroompunt {report.municipality_name}, {report.period_text}"
    sheets = [Sheet("Effectrapportage", report.table, REPORT_COLUMNS, title=f"{title}. {deadline_text(report.due)}")]
    if len(report.municipalities):
        sheets.append(Sheet("Per gemeente", report.municipalities, MUNICIPALITY_COLUMNS,
                            title=f"Per gemeente, {report.period_text}"))
    return workbook_bytes(sheets, meta(report, data_date))


def filename(report: EffectReport) -> str:
    place = "regio" if report.municipality_code == queries.REGION_CODE else report.municipality_code
    return f"effectrapportage-{report.year}-{place}.xlsx"


# --- python -m reports effectrapportage ---------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--school-year", "--schooljaar", dest="school_year", required=True,
                        help="het schooljaar waarover gerapporteerd wordt, bijv. 2023-2024")
    parser.add_argument("--gemeente", default=queries.REGION_CODE,
                        help="een gemeentecode (GM0758) voor één gemeente; standaard de hele regio")
    parser.add_argument("--openbaar", action="store_true",
                        help="kleine aantallen onderdrukt, zoals voor portefeuillehouders en publicaties")
    parser.add_argument("--out", type=Path, required=True, help="het XLSX-bestand dat geschreven wordt")


def run(args: argparse.Namespace) -> int:
    wh = Warehouse(args.warehouse)
    years = queries.periods(wh, KIND)
    if args.school_year not in years:
        known = ", ".join(years) or "geen"
        print(f"Fout: geen cijfers voor schooljaar '{args.school_year}' (wel voor: {known}).", file=sys.stderr)
        return 1
    code = municipality_code(wh, args.gemeente)
    if code is None:
        return 1
    report = build(wh, args.school_year, code, public=args.openbaar)
    args.out.write_bytes(workbook(report, queries.data_date(wh)))
    print(f"Geschreven: {args.out} ({report.period_text}, {report.municipality_name}, "
          f"{'kleine aantallen onderdrukt' if report.public else 'niet onderdrukt: alleen intern'})")
    return 0
