"""Tables that pages show and download, built from warehouse.queries results (no SQL, no callbacks), so
they can be tested without building an app and shared by a page and its download callback."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

from pages._download import Column
from presentation import formats as fmt
from presentation import labels
from warehouse import coverage, queries, views
from warehouse.connection import Warehouse
from warehouse.kpis import KPIS

SCHOOL_KPI = "verzuim_per_school"


def header_min_width(header: str, least: int = 110) -> int:
    """The least width (px) of a grid column whose header wraps (wrapHeaderText): the header breaks between
    words only if its longest word fits beside the sort and filter icons (about 48 px; 14 px text is about
    7,5 px a letter), else the browser breaks it mid-word ("Meldinge n")."""
    return max(least, round(7.5 * max((len(w) for w in header.split()), default=0)) + 56)
KINDS = ["PO", "VO", "VSO", "MBO"]  # the education groups of int_schools, the `onderwijssoort=` breakdown

SCHOOL_COLUMNS: list[Column] = [
    ("school_id", "Vestiging", None), ("naam", "School", None), ("soort", "Soort onderwijs", None),
    ("gemeente", "Gemeente", None), ("leerlingen", "Leerlingen (1 oktober)", 0),
    ("personen", "Leerlingen met een melding", 0), ("per_100", "Per 100 leerlingen", 1),
    ("interval", "95%-interval per 100", None), ("vergelijking", "Vergelijking met de regio", None),
    ("meldingen", "Meldingen", 0),
]
TOO_SMALL = "te klein om te vergelijken"


def school_table(wh: Warehouse, year: str, code: str, kind: str, public: bool, region: bool = True
                 ) -> tuple[pd.DataFrame, list[Column]]:
    """One row per school location in the selection, highest rate first: the rate, its reports (total and
    per kind of absence) and the region's rate for its type of school. Raw values (numbers or suppression
    marks), with the columns as (field, Dutch header, decimals). Without `region` (staff, who do not see the
    region's figures) the reference column is left out."""
    frame = queries.kpi_values(wh, [SCHOOL_KPI], [year], breakdown=None, public=public)
    if code != queries.REGION_CODE:
        region_rows = frame[frame["municipality_code"] == queries.REGION_CODE]
        frame = pd.concat([frame[frame["municipality_code"] == code], region_rows])
    parts = frame["breakdown"].map(views.parts)
    reference = {p["onderwijssoort"]: v for p, v, m in zip(parts, frame["value"], frame["municipality_code"],
                                                             strict=True)
                 if m == queries.REGION_CODE and set(p) == {"onderwijssoort"}}
    in_scope = (frame["municipality_code"] == code) | (code == queries.REGION_CODE)
    rows: dict[str, dict] = {}
    for p, value, num, den, keep in zip(parts, frame["value"], frame["numerator"], frame["denominator"], in_scope,
                                        strict=True):
        if not keep or "school" not in p:
            continue
        row = rows.setdefault(p["school"], {"school_id": p["school"]})
        if set(p) == {"school"}:
            row["per_100"], row["personen"], row["leerlingen"] = value, num, den
        elif set(p) == {"maat", "school"}:
            row["meldingen"] = value
        elif "verzuimsoort" in p:
            row[f"soort_{p['verzuimsoort']}"] = value
    columns = list(SCHOOL_COLUMNS)
    schools = queries.schools(wh).set_index("school_id")
    municipalities = queries.municipalities(wh)
    names = dict(zip(municipalities["gemeente_code"], municipalities["naam"], strict=True))
    if not rows:
        return pd.DataFrame(columns=[f for f, _, _ in columns]), columns
    table = pd.DataFrame(list(rows.values()), dtype=object)
    info = schools.reindex(table["school_id"])
    table["naam"] = info["naam"].fillna("onbekend").to_numpy()
    table["soort"] = info["education_group"].fillna("onbekend").to_numpy()
    table["gemeente"] = [names.get(c, "buiten de regio") for c in info["municipality_code"]]
    table["referentie"] = table["soort"].map(lambda s: reference.get(s))
    if kind:
        table = table[table["soort"] == kind]
    for k in sorted(c for c in table.columns if c.startswith("soort_")):
        columns.append((k, f"Meldingen {k.removeprefix('soort_')}", 0))
        table[k] = table[k].where(table[k].notna(), 0) if not public else table[k].fillna(fmt.MISSING)
    if region:
        columns.append(("referentie", "Regio (zelfde soort) per 100", 1))
    _compare_schools(wh, year, table)
    # ranked by rate; the schools under the minimum size are not ranked: listed apart, after the others
    rank = pd.to_numeric(table.get("per_100"), errors="coerce").where(table["vergelijking"] != TOO_SMALL)
    small = table["vergelijking"] == TOO_SMALL
    table = table.assign(_rank=rank, _small=small).sort_values(["_small", "_rank", "naam"],
                                                               ascending=[True, False, True], na_position="last")
    for field, _, _ in columns:
        if field not in table:
            table[field] = None
    return table[[f for f, _, _ in columns]].reset_index(drop=True), columns


def _compare_schools(wh: Warehouse, year: str, table: pd.DataFrame) -> None:
    """The 95 % interval of each school's rate and its place against the region (warehouse.signals: one
    definition with the funnel plot and the signal list): "hoger dan verwacht" / "lager dan verwacht" outside the
    99,8 % limits, "binnen verwachting", or TOO_SMALL under the minimum size."""
    from warehouse import signals

    units = {u.code: u for u in signals.funnels(wh, year, (signals.SCHOOL_KPI,)).get(signals.SCHOOL_KPI, [])}
    minimum = signals.min_school_size()
    intervals, verdicts = [], []
    for school, k, n in zip(table["school_id"], table.get("personen", pd.Series(dtype=object)),
                            table.get("leerlingen", pd.Series(dtype=object)), strict=False):
        numeric = isinstance(k, int | float) and isinstance(n, int | float) and not fmt.is_missing(k) \
            and not fmt.is_missing(n) and n > 0
        band = signals.wilson(float(k), float(n)) if numeric else None
        intervals.append(f"{fmt.number(100 * band[0], 1)} – {fmt.number(100 * band[1], 1)}" if band else fmt.MISSING)
        unit = units.get(school)
        if numeric and n < minimum:
            verdicts.append(TOO_SMALL)
        elif unit is None or not numeric:  # a suppressed rate gets no verdict either
            verdicts.append(fmt.MISSING)
        else:
            verdicts.append({"hoger": "hoger dan verwacht", "lager": "lager dan verwacht"}.get(unit.signal,
                                                                                              "binnen verwachting"))
    table["interval"], table["vergelijking"] = intervals, verdicts


VSV_KPIS = ("vsv_percentage", "vsv_aantal")
VSV_COLUMNS: list[Column] = [
    ("groep", "Groep", None), ("aantal", "VSV'ers", 0), ("pct", "VSV-percentage", 2),
    ("regio_pct", "VSV-percentage regio", 2), ("norm", "Landelijke norm", 2),
]
_AGE_ORDER = ("12-15", "16-17", "18-20", "21-22")


def vsv_status(wh: Warehouse, code: str, public: bool = False) -> dict[str, str]:
    """count year -> "voorlopig" or "definitief": which DUO list the figures of that year come from. One rule
    for the region and every municipality (warehouse.views.vsv_status); `code` and `public` do not change it."""
    return views.vsv_status(wh)


def _vsv_group(breakdown: str) -> tuple[int, str] | None:
    """The order and Dutch label of a VSV breakdown row in the table; None for rows it does not show."""
    parts = views.parts(breakdown)
    if not parts:
        return (0, "Totaal")
    if set(parts) == {"onderwijssoort"}:
        return ({"VO": 1, "MBO": 2}.get(parts["onderwijssoort"], 3), parts["onderwijssoort"])
    if set(parts) == {"onderwijssoort", "niveau"}:
        return (10 + int(parts["niveau"]) if parts["niveau"].isdigit() else 19, f"MBO niveau {parts['niveau']}")
    if set(parts) == {"leeftijd"}:
        age = parts["leeftijd"]
        return (20 + (_AGE_ORDER.index(age) if age in _AGE_ORDER else 9), f"{age} jaar")
    if set(parts) == {"geslacht"}:
        return (30 + (1 if parts["geslacht"] == "V" else 0), labels.SEX.get(parts["geslacht"], parts["geslacht"]))
    return None


def vsv_table(wh: Warehouse, year: str, code: str, public: bool, norms: pd.DataFrame, region: bool = True
              ) -> tuple[pd.DataFrame, list[Column]]:
    """One row per group (total, VO, MBO, MBO per level, age band, sex) of one count year: the number of
    early school leavers, the VSV percentage, the region's (not without `region`: staff do not see the
    region's figures) and, for an MBO level, the national norm."""
    frame = queries.kpi_values(wh, list(VSV_KPIS), [year], breakdown=None, public=public)
    region_rows = frame[frame["municipality_code"] == queries.REGION_CODE]
    own = frame[frame["municipality_code"] == code]
    norm = {n: v for t, n, v in norms.itertuples(index=False) if t == year}
    rows: dict[str, dict] = {}
    sources = [(own, {"vsv_aantal": "aantal", "vsv_percentage": "pct"})]
    sources += [(region_rows, {"vsv_percentage": "regio_pct"})] if region else []
    for source, field_of in sources:
        for kpi_id, breakdown, value in zip(source["kpi_id"], source["breakdown"], source["value"], strict=True):
            group = _vsv_group(breakdown)
            if group is None or kpi_id not in field_of:
                continue
            row = rows.setdefault(breakdown, {"_order": group[0], "groep": group[1]})
            row[field_of[kpi_id]] = value
            if "niveau" in (level := views.parts(breakdown)):
                row["norm"] = norm.get(level["niveau"])
    columns = [c for c in VSV_COLUMNS if region or c[0] != "regio_pct"]
    table = pd.DataFrame(list(rows.values()), columns=["_order"] + [f for f, _, _ in columns], dtype=object)
    table = table.sort_values("_order", kind="stable")
    return table[[f for f, _, _ in columns]].reset_index(drop=True), columns


# --- one school location: the detail that opens on a click in the school chart or table -----------------
REASONS_KPI = "sluitredenen"


@dataclass(frozen=True)
class SchoolDetail:
    """One school location's figures for the detail panel; values are numbers or suppression marks."""

    trend: pd.DataFrame  # period, value: persons reported per 100 pupils, every school year with a figure
    reports: pd.DataFrame  # soort (Dutch label), aantal: reports of the chosen school year, per kind
    reports_total: object  # all reports of the chosen school year at this location
    reasons: pd.DataFrame  # reden (Dutch label), aantal: reports closed in the chosen school year, per reason
    partial: dict = dataclasses.field(default_factory=dict)  # partial school years of the trend: period -> date


def school_detail(wh: Warehouse, school_id: str, year: str, years: list[str], public: bool) -> SchoolDetail:
    """The school's rate over `years`, its reports per kind in `year` (verzuim_per_school, whose rows belong
    to the municipality where the school stands) and its closing reasons in `year` (sluitredenen, the region's
    rows: reports at this school from pupils of every municipality, as the school's rate counts them)."""
    # one read for the trend and the counts: suppression (public) works on whole tables, and costs per read
    frame = queries.kpi_values(wh, [SCHOOL_KPI], years, breakdown=None, public=public)
    frame = frame[frame["breakdown"].str.contains(f"school={school_id}", regex=False)]
    rates = frame[frame["breakdown"] == f"school={school_id}"]
    trend = pd.DataFrame({"period": rates["period"].tolist(), "value": rates["value"].tolist()}, dtype=object)
    total, kinds = None, []
    for period, breakdown, value in zip(frame["period"], frame["breakdown"], frame["value"], strict=True):
        parts = views.parts(breakdown)
        if period != year or parts.get("school") != school_id or parts.get("maat") != "meldingen":
            continue
        if "verzuimsoort" in parts:
            kinds.append((labels.ABSENCE_KINDS.get(parts["verzuimsoort"], parts["verzuimsoort"]), value))
        else:
            total = value
    reasons_frame = queries.kpi_values(wh, [REASONS_KPI], [year], municipality_code=queries.REGION_CODE,
                                       breakdown=None, public=public)
    reasons = []
    for breakdown, value in zip(reasons_frame["breakdown"], reasons_frame["value"], strict=True):
        parts = views.parts(breakdown)
        if parts.get("school") == school_id and "reden" in parts:
            reasons.append((parts["reden"], value))
    reasons.sort(key=lambda r: int(r[0]) if r[0].isdigit() else 99)
    return SchoolDetail(
        trend=trend.sort_values("period", kind="stable").reset_index(drop=True),
        reports=pd.DataFrame(sorted(kinds), columns=["soort", "aantal"], dtype=object),
        reports_total=total,
        reasons=pd.DataFrame([(labels.CLOSING_REASONS.get(r, r), v) for r, v in reasons], columns=["reden", "aantal"],
                             dtype=object),
        partial=coverage.partial_periods(wh, KPIS[SCHOOL_KPI], "schooljaar", sorted(set(trend["period"]))),
    )
