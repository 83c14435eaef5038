"""The quarter view of the meeting pack and the page /kwartaal (`build`): quarterly KPIs over the calendar quarter
and reference-date KPIs (stock: work in progress, capacity) on its last day (docs/kpis_intro.md, "Quarter"), each
beside the previous quarter and the same quarter a year before; one row per municipality; the quarters in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from config.settings import small_number_threshold
from presentation import formats as fmt
from reports import profiel
from reports.profiel import Profile
from reports.workbook import Definition, ExportMeta
from warehouse import notes, queries
from warehouse.connection import Warehouse
from warehouse.coverage import comparison_values, coverage, figure_through, page_through, partial_periods
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
    # per KPI, the quarters of the trend still in progress: {kpi_id: {quarter: covered-through}} (charts mark them)
    partial: dict[str, dict[str, date]] = field(default_factory=dict)
    profile: Profile | None = None  # the municipality's profile, for the pack of one municipality (build(profile=))

    @property
    def previous(self) -> str:
        return shift_quarter(self.quarter, -1)

    @property
    def year_before(self) -> str:
        return shift_quarter(self.quarter, -4)

    @property
    def last_day(self) -> date:
        return quarter_bounds(self.quarter)[1]


def build(wh: Warehouse, quarter: str, code: str, public: bool, *, profile: bool = False) -> QuarterView:
    """The quarter view of the region (code REGIO) or one municipality; `public`: suppressed as for a portfolio
    holder (the pack always is). `profile`: with the municipality's profile (reports.profiel) for the pack of one
    municipality (the region's pack has none: docs/reports/kwartaal.md)."""
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
    partial = {k: partial_periods(wh, KPIS[k], KIND, trend_quarters) for k in KPI_IDS}
    content = profiel.profile(wh, code, public) if profile and code in names else None
    return QuarterView(quarter, code, names.get(code, REGION_NAME), public, queries.data_date(wh), cards,
                       pd.DataFrame(rows, dtype=object), trend, names, page_through(wh, "kwartaal", quarter),
                       {k: v for k, v in partial.items() if v}, content)


def _like_for_like(wh: Warehouse, quarter: str, public: bool, values: dict) -> None:
    """A quarter still in progress (warehouse.coverage) is compared with the quarter before and the same quarter a
    year earlier up to the same day and month: their whole-quarter values are replaced by those, for the cards."""
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


