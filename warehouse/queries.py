"""What pages and exports ask of the warehouse. Pages call these; they never write SQL.

Every figure comes from the KPI registry (`warehouse.kpis`): precomputed for the standard periods
in `mart_kpi_values` at load time, computed on demand (same SQL) for any other period.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from warehouse.connection import Warehouse

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
    where, params = ["kpi_id IN (SELECT unnest($kpis))"], {"kpis": kpi_ids}
    if periods is not None:
        where.append("period IN (SELECT unnest($periods))")
        params["periods"] = periods
    if municipality_code is not None and not public:
        where.append("municipality_code = $gm")
        params["gm"] = municipality_code
    if breakdown is not None and not public:
        where.append("breakdown = $bd")
        params["bd"] = breakdown
    sql = f"SELECT {', '.join(KPI_COLUMNS)} FROM mart_kpi_values WHERE {' AND '.join(where)} " \
          "ORDER BY kpi_id, period, municipality_code, breakdown"
    frame = wh.df(sql, params)
    if not public:
        return frame
    from warehouse.suppression import suppress

    rows = suppress([tuple(r) for r in frame.itertuples(index=False)])
    out = pd.DataFrame(rows, columns=KPI_COLUMNS, dtype=object)  # value: numbers and "<5", "–", "×"
    out = out.astype({"numerator": float, "denominator": float})  # as without suppression; None -> NaN
    if municipality_code is not None:
        out = out[out["municipality_code"] == municipality_code]
    return out if breakdown is None else out[out["breakdown"] == breakdown]


def periods(wh: Warehouse, period_kind: str) -> list[str]:
    """The periods of one kind (schooljaar, teljaar, peildatum, begrotingsjaar) with figures, oldest first."""
    rows = wh.rows("SELECT period FROM mart_periods WHERE period_kind = ? ORDER BY period", [period_kind])
    return [r[0] for r in rows]


def municipalities(wh: Warehouse) -> pd.DataFrame:
    """The participating municipalities: gemeente_code, naam, uitvoeringsniveau; sorted by name."""
    return wh.df("SELECT gemeente_code, naam, uitvoeringsniveau FROM int_municipalities ORDER BY naam")


def data_date(wh: Warehouse) -> date | None:
    """The date of the data: when the last successful load was published."""
    rows = wh.rows("SELECT max(finished_at)::DATE FROM load_history WHERE result = 'gepubliceerd'")
    return rows[0][0] if rows else None
