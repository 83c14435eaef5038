"""Periods in progress (kpis.md "Periods in progress"): how far each event source reaches, which figures are
partial, their like-for-like comparison values, and the period each page opens on.

- *Covered through* of an event source = the newest event date in its rows, as `actualiteit` shows it on
  the date of the data (the latest load date): dates after that day (planned ends, a date typed wrong) never
  count. A source without rows has no covered-through and makes no figure partial (there is nothing in it
  that could be missing; docs/kpis_intro.md "Periods in progress").
- A figure of period P is *partial* when P ends after the covered-through date of any event source it counts;
  its label is "t/m <the earliest of those dates>", and that date is the `covered_through` of
  `python -m warehouse kpis`.
- A partial figure is compared with the previous period and the same period a year earlier, each cut at the
  same day and month (`comparison_periods`): the same SQL over a shorter span (kpi_engine's `through`).
- Every page opens on its latest period that is not partial (`default_period`).
- A figure whose sources stop before its period even begins has no like-for-like comparison (shown as "–").
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from config.settings import load_settings
from warehouse import queries
from warehouse.cache import per_version
from warehouse.kpi_engine import Custom, Part, compute
from warehouse.kpis import KPIS
from warehouse.periods import period_bounds, shift_quarter
from warehouse.registry import EVENT_SOURCES, QUARTER, Kpi
from warehouse.suppression import suppress

EVENT_SOURCE_NAMES = EVENT_SOURCES  # the registry's list (warehouse.registry)

# The event date of each source, exactly as `actualiteit` reads it (warehouse/kpis.py uses this same SQL).
EVENT_DATES_SQL = """
    SELECT 'verzuimmeldingen' AS source, melddatum AS d FROM stg_verzuimmeldingen
    UNION ALL SELECT 'zaken', startdatum FROM stg_zaken
    UNION ALL SELECT 'acties', datum FROM stg_acties
    UNION ALL SELECT 'trajecten', startdatum FROM stg_trajecten
    UNION ALL SELECT 'vrijstellingen', coalesce(aanvraagdatum, begindatum) FROM stg_vrijstellingen
    UNION ALL SELECT 'vsv', make_date(CAST(right(teljaar, 4) AS INTEGER), 9, 30) FROM stg_vsv"""

# Each page's period kind and the figures whose partialness decides the period it opens on.
PAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "overzicht": ("schooljaar", ("relatief_verzuim_per_1000", "positief_resultaat")),
    "verzuim": ("schooljaar", ("relatief_verzuim_per_1000", "absoluut_verzuim_per_1000", "verzuim_meldingen",
                               "verzuim_per_school")),
    "vsv": ("teljaar", ("vsv_aantal", "vsv_percentage")),
    "capaciteit": ("peildatum", ("werkvoorraad", "werkvoorraad_per_fte", "fte")),
    "kwartaal": (QUARTER, ("relatief_verzuim_per_1000", "absoluut_verzuim_per_1000", "verzuim_meldingen",
                           "vsv_in_beeld")),
    "jaarverslag": ("schooljaar", ("jaarverslag",)),
    "effectrapportage": ("schooljaar", ("vsv_in_beeld", "trajecten_resultaat", "positief_resultaat")),
    "kostenverdeling": ("begrotingsjaar", ("kostenverdeling",)),
}

MONTHS = {"schooljaar": 12, "teljaar": 12, "begrotingsjaar": 12, QUARTER: 3}


def event_sources(kpi: Kpi) -> tuple[str, ...]:
    """The event sources a KPI counts, as its registry entry declares them (`Kpi.event_sources`)."""
    return tuple(kpi.event_sources or ())


# --- covered-through ---------------------------------------------------------------------------------------
def covered_through_sql(as_of: str = "(SELECT max(load_date) FROM load_history WHERE result = 'gepubliceerd')") -> str:
    """SQL (source, covered_through) for the event sources with rows on or before `as_of` (SQL date expression;
    by default the date of the data, the latest published load date)."""
    return f"""SELECT source, max(d) AS covered_through FROM ({EVENT_DATES_SQL})
               WHERE d IS NOT NULL AND (d <= {as_of} OR {as_of} IS NULL)
               GROUP BY source ORDER BY source"""


def covered_through(con) -> dict[str, date]:
    """Covered-through per event source ({source: date}); a source without rows is left out. `con` is a DuckDB
    connection or cursor on the warehouse, or a `Warehouse`. A warehouse without staging tables or load history
    (built by hand, or from before this module) has no covered-through: nothing is partial."""
    def run(sql: str) -> list[tuple]:
        return con.rows(sql) if hasattr(con, "rows") else con.execute(sql).fetchall()

    present = {r[0] for r in run("SELECT table_name FROM duckdb_tables()")}
    needed = {"load_history"} | {f"stg_{s}" for s in EVENT_SOURCES}
    if not needed <= present:
        return {}
    return {source: d for source, d in run(covered_through_sql())}


@per_version()
def _cached(wh) -> tuple[tuple[str, date], ...]:
    return tuple(covered_through(wh).items())


def coverage(wh) -> dict[str, date]:
    """`covered_through` of a published warehouse, kept per published version."""
    return dict(_cached(wh))


def figure_through(kpi: Kpi, kind: str, period: str, cover: dict[str, date]) -> date | None:
    """The covered-through date of a figure when it is partial (its period ends after the covered-through of a
    source it counts: the earliest such date), else None."""
    _, end, _ = period_bounds(kind, period)
    dates = [cover[s] for s in event_sources(kpi) if s in cover and cover[s] < end]
    return min(dates) if dates else None


def is_partial(kpi: Kpi, kind: str, period: str, cover: dict[str, date]) -> bool:
    return figure_through(kpi, kind, period, cover) is not None


def partial_periods(wh, kpi: Kpi, kind: str, periods: list[str]) -> dict[str, date]:
    """{period: covered-through} of the partial ones among `periods` of a published warehouse: what a trend chart
    marks (presentation.partial)."""
    cover = coverage(wh)
    found = {p: figure_through(kpi, kind, p, cover) for p in periods}
    return {p: d for p, d in found.items() if d is not None}


# --- period arithmetic (folds into warehouse/periods.py of #8 at merge) -------------------------------------
def shift_months(d: date, months: int) -> date:
    """The same day `months` later (negative: earlier); a day the month lacks becomes its last day
    (31 May - 3 months = 28 or 29 February)."""
    n = d.year * 12 + d.month - 1 + months
    y, m = divmod(n, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def previous_period(kind: str, period: str) -> str:
    """The period before: the school, count or budget year before; the quarter before; a reference date a year
    earlier (a stock has no natural 'previous' date: it is compared with the same day a year before)."""
    if kind == QUARTER:
        return shift_quarter(period, -1)
    return year_earlier(kind, period)


def year_earlier(kind: str, period: str) -> str:
    """The same period a year earlier."""
    if kind == QUARTER:
        return shift_quarter(period, -4)
    if kind in ("schooljaar", "teljaar"):
        y = int(period[:4]) - 1
        return f"{y}-{y + 1}"
    if kind == "begrotingsjaar":
        return str(int(period) - 1)
    if kind == "peildatum":
        return shift_months(date.fromisoformat(period), -12).isoformat()
    raise ValueError(f"unknown period kind {kind!r}")


@dataclass(frozen=True)
class Comparison:
    """A period a figure is compared with: `role` vorige_periode or jaar_eerder; `through` the day the
    comparison period is cut at (like for like with a partial figure), None for the whole period."""

    role: str
    period: str
    through: date | None


def comparison_periods(kind: str, period: str, through: date | None) -> list[Comparison]:
    """The previous period and the same period a year earlier; for a partial figure (t/m `through`) each cut at
    the same day and month: `through` moved back by the length of the period (a quarter: 3 months) and by a
    year. A school or count year's previous period is its year earlier: one comparison then. A reference date is
    a point, so it is never cut."""
    out: list[Comparison] = []
    for role, other, months in (("vorige_periode", previous_period(kind, period), MONTHS.get(kind, 12)),
                                ("jaar_eerder", year_earlier(kind, period), 12)):
        if any(c.period == other for c in out):
            continue
        cut = shift_months(through, -months) if through is not None and kind != "peildatum" else None
        out.append(Comparison(role, other, cut))
    return out


def like_for_like(con, kpi: Kpi, kind: str, period: str, cover: dict[str, date], settings=None) -> list[tuple]:
    """The comparison values of a figure: rows (role, comparison period, through, municipality_code, breakdown,
    value, numerator, denominator), computed by the KPI's own SQL over the comparison periods, cut like for like
    when the figure is partial."""
    settings = settings or load_settings()
    out: list[tuple] = []
    through = figure_through(kpi, kind, period, cover)
    if through is not None and through < period_bounds(kind, period)[0]:
        return out  # its sources stop before the period begins: nothing of it to compare like for like
    for comp in comparison_periods(kind, period, through):
        through = {comp.period: comp.through} if comp.through else None
        for _, per, gm, bd, value, num, den in compute(con, [kpi], kind, [comp.period], settings, through):
            out.append((comp.role, per, comp.through, gm, bd, value, num, den))
    return out


# --- the period a page opens on -----------------------------------------------------------------------------
def latest_complete(kpis: list[Kpi], kind: str, periods: list[str], cover: dict[str, date]) -> str | None:
    """The latest of `periods` (oldest first) in which none of `kpis` is partial; when all are, the latest (it
    says "t/m <datum>" wherever it appears)."""
    complete = [p for p in periods if not any(is_partial(k, kind, p, cover) for k in kpis)]
    if complete:
        return complete[-1]
    return periods[-1] if periods else None


def default_period(wh, page: str) -> str | None:
    """The period `page` opens on when the URL asks for none: its latest period that is not partial."""
    kind, ids = PAGES[page]
    return latest_complete([KPIS[i] for i in ids], kind, queries.periods(wh, kind), coverage(wh))


def comparison_values(wh, kpi: Kpi, kind: str, period: str, public: bool = False) -> dict[tuple[str, str, str], tuple]:
    """The comparison values of a figure on a published warehouse, like for like when it is partial:
    {(role, municipality_code, breakdown): (comparison period, through or None, value)}; `public` suppresses
    them as a portfolio holder's view is (warehouse.suppression, whole tables first). Kept per published
    version."""
    return dict(_comparison_values(wh, kpi.id, kind, period, public))


@per_version()
def _comparison_values(wh, kpi_id: str, kind: str, period: str, public: bool) -> tuple:
    kpi = KPIS[kpi_id]
    cur = wh.cursor()
    try:
        rows = like_for_like(cur, kpi, kind, period, coverage(wh))
    finally:
        cur.close()
    out = []
    for role in dict.fromkeys(r[0] for r in rows):
        mine = [r for r in rows if r[0] == role]
        plain = [(kpi_id, per, gm, bd, value, num, den) for _, per, _, gm, bd, value, num, den in mine]
        if public:
            plain = suppress(plain)
        through = mine[0][2]
        out += [((role, gm, bd), (per, through, value)) for _, per, gm, bd, value, _, _ in plain]
    return tuple(out)


def figures_through(wh, kpi_ids: list[str], kind: str, period: str) -> date | None:
    """The earliest covered-through among the figures of `kpi_ids` in `period` when any is partial, else None: the
    "t/m <datum>" of a download of those figures (its Toelichting sheet)."""
    cover = coverage(wh)
    dates = [d for d in (figure_through(KPIS[k], kind, period, cover) for k in kpi_ids) if d is not None]
    return min(dates) if dates else None


def page_through(wh, page: str, period: str) -> date | None:
    """The earliest covered-through among a page's main figures for `period` when any is partial, else None: the
    "t/m <datum>" a page shows beside its period."""
    kind, ids = PAGES[page]
    cover = coverage(wh)
    dates = [d for d in (figure_through(KPIS[i], kind, period, cover) for i in ids) if d is not None]
    return min(dates) if dates else None


# --- why a figure is missing ----------------------------------------------------------------------------------
NO_DATA = "Geen gegevens voor deze periode"
NO_DATA_AREA = "Geen gegevens voor deze gemeente in deze periode"
NO_COMPARISON = "Niet te vergelijken: nog geen gegevens uit deze periode"


def uses_population(kpi: Kpi) -> bool:
    """Whether the KPI divides by (or splits by) the CBS population: a rate per 1.000 inhabitants, inhabitants
    per FTE, the cost split pro rata inhabitants."""
    parts = kpi.compute if isinstance(kpi.compute, list | tuple) else [kpi.compute]
    return (any(isinstance(p, Part) and p.per is not None for p in parts)
            or any(f.startswith("pop_") for f in kpi.fragments)
            or any(isinstance(p, Custom) and "int_population" in p.sql for p in parts))


def population_date(kind: str, period: str, loaded: tuple[date, ...]) -> date:
    """The CBS population date a period's rates need: its own 1 January (kpis.md "Conventions"); a reference date
    takes the latest loaded 1 January on or before it, or, with none loaded, the 1 January of its own year."""
    _, _, pop = period_bounds(kind, period)
    if kind == "peildatum":
        earlier = [d for d in loaded if d <= pop]
        return max(earlier) if earlier else date(pop.year, 1, 1)
    return pop


@per_version()
def _population_dates(wh) -> tuple[date, ...] | None:
    present = {r[0] for r in wh.rows("SELECT table_name FROM duckdb_tables()")}
    if "int_population" not in present:
        return None
    return tuple(r[0] for r in wh.rows("SELECT DISTINCT peildatum FROM int_population ORDER BY 1"))


def population_dates(wh) -> tuple[date, ...] | None:
    """The dates of the CBS population snapshots loaded (1 January of each year), kept per published version;
    None for a warehouse without the population table (built by hand): nothing is known about it then."""
    return _population_dates(wh)


def period_reason(wh, kpi: Kpi, kind: str, period: str) -> str | None:
    """Why `kpi` has no figure at all in `period`, whatever the area, or None when nothing period-wide is missing:
    1. it needs a CBS population that is not loaded: "Nog geen bevolkingscijfer (CBS 1-1-2026)" (newer than any
       loaded: CBS publishes it later), "Geen bevolkingscijfer (CBS 1-1-2022)" (a gap, or before the first);
    2. a source it counts holds nothing from the period yet (or no rows at all): "Geen gegevens voor deze periode
       (gegevens t/m 30-09-2025)"; not for a reference date (a stock on a day counts the events before it)."""
    loaded = population_dates(wh)
    if loaded is not None and uses_population(kpi):
        needed = population_date(kind, period, loaded)
        if needed not in loaded:
            still = "Nog geen" if not loaded or needed > max(loaded) else "Geen"
            return f"{still} bevolkingscijfer (CBS {needed.day}-{needed.month}-{needed.year})"
    start, _, _ = period_bounds(kind, period)
    cover = coverage(wh)
    sources = event_sources(kpi)
    # a reference date counts what is open on it, from events before: a source a day short makes it partial
    # (no source with rows at all: nothing loaded, or a warehouse without staging tables; the generic reason then)
    if cover and kind != "peildatum" and sources and any(s not in cover or cover[s] < start for s in sources):
        reached = [cover[s] for s in sources if s in cover]
        return NO_DATA + (f" (gegevens t/m {min(reached):%d-%m-%Y})" if reached else "")
    return None


def missing_reason(wh, kpi: Kpi, kind: str, period: str, code: str = queries.REGION_CODE) -> str:
    """Why the figure of `kpi` for `period` and area `code` is missing (its value is None), in a few Dutch words
    that a page shows instead of a bare "–" (issue #9): a period-wide reason (`period_reason`); else, when the
    area's row is there with a denominator of 0, "Niet te berekenen: geen <denominator>" (e.g. no FTE
    leerplichtambtenaar on the date); else no data for the period or for this municipality in it."""
    reason = period_reason(wh, kpi, kind, period)
    if reason:
        return reason
    if period not in queries.periods(wh, kind):
        return NO_DATA
    row = queries.kpi_values(wh, [kpi.id], [period], municipality_code=code)
    if not row.empty and row["denominator"].iloc[0] == 0:
        return f"Niet te berekenen: geen {kpi.denominator}"
    return NO_DATA if code == queries.REGION_CODE else NO_DATA_AREA
