"""The municipality profile (issue #9): what a portfolio holder looks at in the quarterly meeting, for one
municipality. `profile()` returns the content (figures with their reference points, signals, explanations), so
the page `/gemeente` and the PDF pack draw the same thing; suppressed for portfolio holders like every page."""

from __future__ import annotations

from dataclasses import dataclass

from warehouse import coverage, queries, signals
from warehouse.connection import Warehouse
from warehouse.tiles import tile_data

# The headline figures of a municipality, each on its own latest complete period (warehouse.coverage).
PROFILE_KPIS = ("relatief_verzuim_per_1000", "absoluut_verzuim_per_1000", "thuiszitters_breed_per_1000",
                "vsv_percentage", "positief_resultaat", "leerplichtigen_per_fte", "werkvoorraad")


@dataclass(frozen=True)
class Profile:
    code: str
    name: str
    public: bool
    data_date: object
    tiles: list  # warehouse.tiles.TileData per PROFILE_KPIS id (in that order), None where the KPI has no period
    signals: list[signals.Unit]  # this municipality's municipal signals
    labels: dict[str, str]  # kpi id -> period label as shown


def profile(wh: Warehouse, code: str, public: bool, region: bool = True) -> Profile:
    """The profile content of one municipality (a GM code among the participating ones)."""
    from presentation import formats as fmt
    from warehouse.kpis import KPIS

    names = dict(zip(*[queries.municipalities(wh)[c] for c in ("gemeente_code", "naam")], strict=True))
    if code not in names:
        raise ValueError(f"onbekende gemeente '{code}'")
    cover = coverage.coverage(wh)
    tiles, labels, found = [], {}, []
    for kpi_id in PROFILE_KPIS:
        kpi = KPIS[kpi_id]
        period = coverage.latest_complete([kpi], kpi.period_kind, queries.periods(wh, kpi.period_kind), cover)
        if period is None:
            tiles.append(None)
            continue
        tiles.append(tile_data(wh, kpi, kpi.period_kind, period, code, public, region))
        labels[kpi_id] = fmt.period_label(kpi.period_kind, period)
        if kpi_id in signals.MUNICIPAL_KPIS and region:
            found += [u for u in signals.signals(wh, period, (kpi_id,)) if u.code == code]
    return Profile(code, names[code], public, queries.data_date(wh), tiles, found, labels)
