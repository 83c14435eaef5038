"""What pages and exports ask of the warehouse. Pages call these; they never write SQL.

Every figure comes from the KPI registry (`warehouse.kpis`): precomputed for the standard periods
in `mart_kpi_values` at load time, computed on demand (same SQL) for any other period.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from config.settings import load_settings, small_number_threshold
from warehouse.cache import per_version
from warehouse.connection import Warehouse
from warehouse.kpi_engine import units
from warehouse.kpis import KPIS
from warehouse.periods import quarter_bounds
from warehouse.suppression import suppress

# The region's own rows in mart_kpi_values (written by warehouse.kpi_engine) carry this code: region
# totals are computed from the rows (kpis.md), never summed from rounded municipal values.
REGION_CODE = "REGIO"

KPI_COLUMNS = ["kpi_id", "period", "municipality_code", "breakdown", "value", "numerator", "denominator"]


def kpi_values(
    wh: Warehouse,
    kpi_ids: list[str],
    periods: list[str] | None = None,
    municipality_code: str | None = None,
    breakdown: str | None = "",
    public: bool = False,
) -> pd.DataFrame:
    """Rows of `mart_kpi_values` (long format). `breakdown=""` gives totals only; None gives all.
    `public=True` applies small-number suppression (warehouse.suppression): for portfolio holders and
    publications. Suppression needs whole tables (all breakdowns, all municipalities), so it is applied
    before the municipality and breakdown filters."""
    if public:
        out = _public_rows(wh, small_number_threshold(), tuple(kpi_ids), None if periods is None else tuple(periods))
        if municipality_code is not None:
            out = out[out["municipality_code"] == municipality_code]
        out = out if breakdown is None else out[out["breakdown"] == breakdown]
        return out
    return _rows(wh, tuple(kpi_ids), None if periods is None else tuple(periods), municipality_code, breakdown)


@per_version()
def _rows(wh: Warehouse, kpi_ids: list[str] | tuple[str, ...], periods: list[str] | tuple[str, ...] | None,
          municipality_code: str | None = None, breakdown: str | None = None) -> pd.DataFrame:
    where, params = ["kpi_id IN (SELECT unnest($kpis))"], {"kpis": list(kpi_ids)}
    if periods is not None:
        where.append("period IN (SELECT unnest($periods))")
        params["periods"] = list(periods)
    if municipality_code is not None:
        where.append("municipality_code = $gm")
        params["gm"] = municipality_code
    if breakdown is not None:
        where.append("breakdown = $bd")
        params["bd"] = breakdown
    sql = f"SELECT {', '.join(KPI_COLUMNS)} FROM mart_kpi_values WHERE {' AND '.join(where)} " \
          "ORDER BY kpi_id, period, municipality_code, breakdown"
    return wh.df(sql, params)


@per_version()
def _public_rows(wh: Warehouse, threshold: int, kpi_ids: tuple[str, ...],
                 periods: tuple[str, ...] | None) -> pd.DataFrame:
    """The suppressed rows of whole tables, kept per published version and threshold (warehouse.cache): a
    portfolio holder's page asks for the same tables again and again, and suppressing them (repeated to a
    fixpoint) costs far more than reading them."""
    frame = _rows(wh, kpi_ids, periods)
    rows = suppress([tuple(r) for r in frame.itertuples(index=False)])
    out = pd.DataFrame(rows, columns=KPI_COLUMNS, dtype=object)  # value: numbers and "<5", "–", "×"
    return out.astype({"numerator": float, "denominator": float})  # as without suppression; None -> NaN


@per_version()
def periods(wh: Warehouse, period_kind: str) -> list[str]:
    """The periods of one kind (schooljaar, teljaar, peildatum, begrotingsjaar) with figures, oldest first."""
    rows = wh.rows("SELECT period FROM mart_periods WHERE period_kind = ? ORDER BY period", [period_kind])
    return [r[0] for r in rows]


@per_version()
def municipalities(wh: Warehouse) -> pd.DataFrame:
    """The participating municipalities: gemeente_code, naam, uitvoeringsniveau; sorted by name."""
    return wh.df("SELECT gemeente_code, naam, uitvoeringsniveau FROM int_municipalities ORDER BY naam")


@per_version()
def data_date(wh: Warehouse) -> date | None:
    """The date of the data: the load date of the latest published load (the day its files describe)."""
    rows = wh.rows("SELECT max(load_date) FROM load_history WHERE result = 'gepubliceerd'")
    return rows[0][0] if rows else None


@per_version()
def load_history(wh: Warehouse) -> pd.DataFrame:
    """Every published load, newest first."""
    return wh.df("""SELECT load_id, started_at, finished_at, load_date, source_dir, files, rows_read, rows_loaded,
                           rows_updated, coalesce(rows_unchanged, 0) AS rows_unchanged, rows_rejected, duration_s,
                           result
                    FROM load_history ORDER BY load_id DESC""")


@per_version()
def load_files(wh: Warehouse) -> pd.DataFrame:
    """Every file of every published load: name, source, checksum and its row counts."""
    return wh.df("""SELECT load_id, file, source, checksum, rows_read, rows_loaded, rows_updated,
                           coalesce(rows_unchanged, 0) AS rows_unchanged, rows_rejected
                    FROM load_files ORDER BY load_id DESC, file""")


@per_version()
def rejected_rows(wh: Warehouse) -> pd.DataFrame:
    """The rejected rows of the latest load of each file (file, line, source, reason; never a BSN)."""
    return wh.df("""WITH latest AS (SELECT file, max(load_id) AS load_id FROM load_files GROUP BY file)
                    SELECT r.load_id, r.file, r.line, r.source, r.reason
                    FROM load_rejects r JOIN latest USING (file, load_id) ORDER BY r.file, r.line""")


@per_version()
def reports_without_status(wh: Warehouse, on: date) -> pd.DataFrame:
    """The reports behind `open_zonder_status` on a date (meldingsnummer, report date, school,
    municipality; never a person): the same SQL as the figure, unaggregated."""
    cur = wh.cursor()
    try:
        ids = [u for _, u in units(cur, KPIS["open_zonder_status"], "peildatum", on.isoformat(), load_settings())]
        return cur.execute("""SELECT meldingsnummer, report_date, school_id, municipality_code,
                                     working_days(report_date, ?::DATE) AS working_days
                              FROM int_reports WHERE meldingsnummer IN (SELECT unnest(?)) ORDER BY report_date""",
                           [on, ids]).df()
    finally:
        cur.close()


@per_version()
def schools(wh: Warehouse) -> pd.DataFrame:
    """Every school location: school_id (BRIN + vestiging), naam, sector, education_group (the
    `onderwijssoort` of the KPI breakdowns) and municipality_code; sorted by name."""
    return wh.df("""SELECT school_id, naam, sector, education_group, municipality_code
                    FROM int_schools ORDER BY naam, school_id""")


VSV_NORMS_FILE = Path(__file__).resolve().parent / "reference" / "vsv_normen_mbo.csv"


def vsv_norms(path: Path = VSV_NORMS_FILE) -> pd.DataFrame:
    """The national VSV norms for MBO per count year and level (DUO/OCW; reference data shipped with the
    code, from ../shared/data/reference, see warehouse/reference/README.md): teljaar, mbo_niveau (str),
    norm_vsv_pct (0-100)."""
    frame = pd.read_csv(path, dtype={"teljaar": str, "mbo_niveau": str})
    return frame[["teljaar", "mbo_niveau", "norm_vsv_pct"]]


@per_version()
def national_references(wh: Warehouse, kpi_ids: list[str] | None = None) -> pd.DataFrame:
    """Published national values (source `landelijke_referenties`): kpi_id, period, breakdown ('' = total),
    value (the KPI's own unit), source (publisher, title, URL) and published (year); oldest period first. Empty
    for a warehouse without that source."""
    columns = ["kpi_id", "period", "breakdown", "value", "source", "published"]
    if not wh.rows("SELECT 1 FROM duckdb_tables() WHERE table_name = 'int_national_references'"):
        return pd.DataFrame(columns=columns)
    frame = wh.df(f"SELECT {', '.join(columns)} FROM int_national_references ORDER BY kpi_id, period, breakdown")
    return frame if kpi_ids is None else frame[frame["kpi_id"].isin(kpi_ids)].reset_index(drop=True)


def national_value(wh: Warehouse, kpi_id: str, period: str, breakdown: str = "") -> dict | None:
    """The national value of a figure for exactly that period and breakdown: {value, source, published,
    period}; else the latest earlier one (a reference a year or two old is still a reference, and the tile
    says its year); None when there is none."""
    frame = national_references(wh, [kpi_id])
    frame = frame[(frame["breakdown"] == breakdown) & (frame["period"] <= period)]
    if frame.empty:
        return None
    row = frame.iloc[-1]
    return {"value": float(row["value"]), "source": row["source"], "published": int(row["published"]),
            "period": row["period"]}


@per_version()
def contact_person_exceptions(wh: Warehouse, on: str, with_staff: bool = False) -> pd.DataFrame:
    """The school locations behind `contactpersoon_dekking` (in the region, HO left out) that have no or
    several contact persons active on the reference date `on` (ISO date; counted by staff code; active =
    begin on or before `on` and no end or an end on or after it, as the KPI counts them): school_id, naam,
    sector, municipality_code, contactpersonen (how many). With `with_staff` also `medewerkers`, their
    staff codes (sorted, comma-separated): for the coordinator only, so by default they stay in the
    warehouse. Sorted by municipality code and name."""
    staff = ", array_to_string(list_sort(list_distinct(list(a.staff))), ', ') AS medewerkers" if with_staff else ""
    return wh.df(f"""
        WITH active AS (SELECT school_id, staff FROM int_contact_persons
                        WHERE start_date <= $on::DATE AND (end_date IS NULL OR end_date >= $on::DATE))
        SELECT s.school_id, s.naam, s.sector, s.municipality_code, count(DISTINCT a.staff) AS contactpersonen{staff}
        FROM int_schools s LEFT JOIN active a ON a.school_id = s.school_id
        WHERE s.in_region AND s.sector <> 'HO'
        GROUP BY s.school_id, s.naam, s.sector, s.municipality_code
        HAVING count(DISTINCT a.staff) <> 1
        ORDER BY s.municipality_code, s.naam, s.school_id""", {"on": on})


def quarter_values(wh: Warehouse, kpi_ids: list[str], quarters: list[str], municipality_code: str | None = None,
                   breakdown: str | None = "", public: bool = False) -> pd.DataFrame:
    """Figures per calendar quarter (`2025-K3`), for the quarterly meeting (reports/kwartaal.py): a quarterly
    KPI (`Kpi.quarterly`) over each quarter, a reference-date KPI on each quarter's last day (stock figures:
    work in progress, fte). `kpi_values` columns; `period` is the quarter for both, `read_on` the reference
    date of a stock figure (empty for the others). Only precomputed quarters and dates have rows."""
    ends = {quarter_bounds(q)[1].isoformat(): q for q in quarters}
    flows = [k for k in kpi_ids if KPIS[k].quarterly]
    stocks = [k for k in kpi_ids if KPIS[k].period_kind == "peildatum"]
    other = sorted(set(kpi_ids) - set(flows) - set(stocks))
    if other:
        raise ValueError(f"no quarter figure for {', '.join(other)}: neither quarterly nor a reference-date KPI")
    frames = []
    if flows:
        frames.append(kpi_values(wh, flows, quarters, municipality_code, breakdown, public).assign(read_on=None))
    if stocks:
        stock = kpi_values(wh, stocks, list(ends), municipality_code, breakdown, public)
        frames.append(stock.assign(read_on=stock["period"], period=stock["period"].map(ends)))
    if not frames:
        return pd.DataFrame(columns=[*KPI_COLUMNS, "read_on"])
    return pd.concat(frames, ignore_index=True)
