"""The tables of the page "Capaciteit" (pages/capaciteit.py), built from `queries.kpi_values` rows (no SQL,
no callbacks: a shared module is imported once per process, see pages/_components.py), so the page and its
downloads show the same figures and tests can build them without an app.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from access.roles import PERSON_LEVEL, Viewer
from pages import _download, _filters
from presentation import formats as fmt
from presentation.labels import REGION_NAME
from warehouse import periods, queries, tiles
from warehouse.connection import Warehouse

KIND, YEAR_KIND = "peildatum", "schooljaar"
STOCK_KPIS = ["fte", "leerplichtigen_per_fte", "werkvoorraad", "werkvoorraad_per_fte", "contactpersoon_dekking"]
FLOW_KPI = "nieuwe_zaken_per_fte"
ROLES = {"leerplichtambtenaar": "Leerplichtambtenaar", "doorstroomcoach": "Doorstroomcoach",
         "coordinator": "Coördinator", "administratief": "Administratief"}
KINDS_OF_WORK = {"melding": "Meldingen", "zaak": "Zaken", "traject": "Trajecten"}
AGES = {"0-27": "0-27 dagen", "28-84": "28-84 dagen", "85+": "85 dagen en ouder"}
COVERAGE = {0: "geen", 1: "één"}  # anything above one: "meerdere"
UNASSIGNED = "(geen behandelaar)"


@dataclass(frozen=True)
class Figures:
    """The KPI rows of one view: the stock figures on the reference date (and the one before), new cases
    per FTE in the school year (and the one before), as (kpi, period, municipality, breakdown) ->
    (value, numerator, denominator). Values are numbers, or for a portfolio holder possibly a suppression mark."""

    date: str
    previous: str | None
    year: str
    previous_year: str | None
    rows: dict[tuple[str, str, str, str], tuple[object, object, object]]

    def value(self, kpi: str, code: str, breakdown: str = "", period: str | None = None) -> object:
        return self.rows.get((kpi, period or self._period(kpi), code, breakdown), (None, None, None))[0]

    def numerator(self, kpi: str, code: str, breakdown: str = "") -> object:
        return self.rows.get((kpi, self._period(kpi), code, breakdown), (None, None, None))[1]

    def denominator(self, kpi: str, code: str, breakdown: str = "") -> object:
        return self.rows.get((kpi, self._period(kpi), code, breakdown), (None, None, None))[2]

    def breakdowns(self, kpi: str, code: str, key: str) -> dict[str, object]:
        """value -> figure of the rows of one single-key breakdown (`key=value`) of one area."""
        prefix, period = f"{key}=", self._period(kpi)
        return {b.removeprefix(prefix): v for (k, p, c, b), (v, _, _) in self.rows.items()
                if k == kpi and p == period and c == code and b.startswith(prefix) and ";" not in b}

    def _period(self, kpi: str) -> str:
        return self.year if kpi == FLOW_KPI else self.date


def school_year_before(on: str) -> str:
    """The last school year that ended on or before the reference date: new cases per FTE are counted
    over a whole school year (a running one would divide part of a year's cases by a full year's FTE)."""
    d = date.fromisoformat(on)
    year = periods.period_of(YEAR_KIND, d)
    return year if periods.bounds(YEAR_KIND, year)[1] <= d else periods.previous(YEAR_KIND, year)


def year_before(dates: list[str], on: str) -> str | None:
    """The reference date to compare with: the latest one at least a year before `on` (1-10-2023 for
    1-10-2024), the one rule of every tile (warehouse.tiles.reference_date_year_before)."""
    return tiles.reference_date_year_before(dates, on)


def load_figures(wh: Warehouse, dates: list[str], on: str, public: bool) -> Figures:
    """Two reads of mart_kpi_values: the stock KPIs on `on` and a year before (`year_before`), new cases per
    FTE in the school year before `on` and the one before that (suppressed for a portfolio holder)."""
    previous = year_before(dates, on)
    year = school_year_before(on)
    previous_year = periods.previous(YEAR_KIND, year)
    stock = queries.kpi_values(wh, STOCK_KPIS, [on] + ([previous] if previous else []), breakdown=None,
                               public=public)
    flow = queries.kpi_values(wh, [FLOW_KPI], [year, previous_year], breakdown=None, public=public)
    rows = {}
    for frame in (stock, flow):
        for k, p, c, b, *figure in frame[queries.KPI_COLUMNS].itertuples(index=False):
            rows[(k, p, c, b)] = tuple(None if fmt.is_missing(x) else x for x in figure)
    return Figures(on, previous, year, previous_year, rows)


def municipality_columns(year: str) -> list[_download.Column]:
    return [
        ("gemeente", "Gemeente", None),
        *((f"fte_{r}", f"Fte {label.lower()}", 2) for r, label in ROLES.items()),
        ("fte", "Fte totaal", 2),
        ("inwoners", "Inwoners 5-17 jaar", 0),
        ("leerplichtigen_per_fte", "Leerplichtigen per fte leerplichtambtenaar", 0),
        ("werkvoorraad", "Werkvoorraad", 0),
        ("wv_leerplichtambtenaar", "Werkvoorraad per fte leerplichtambtenaar", 1),
        ("wv_doorstroomcoach", "Werkvoorraad per fte doorstroomcoach", 1),
        ("wv", "Werkvoorraad per fte (beide rollen)", 1),
        ("nz_leerplichtambtenaar", f"Nieuwe zaken per fte leerplichtambtenaar ({year})", 1),
        ("nz_doorstroomcoach", f"Nieuwe zaken per fte doorstroomcoach ({year})", 1),
        ("dekking", "Dekking contactpersonen (%)", 1),
    ]


def municipality_table(figures: Figures, codes: list[str], names: dict[str, str]
                       ) -> tuple[pd.DataFrame, list[_download.Column]]:
    """One row per area in `codes` (municipalities, then the region if it is among them): FTE per role and
    in total, inhabitants 5-17 and inhabitants per FTE leerplichtambtenaar, the work in progress and per
    FTE of each role, new cases per FTE of each role in the school year, and the contact person coverage."""
    rows = []
    for code in codes:
        value = figures.value
        row = {"gemeente": names.get(code, REGION_NAME), "fte": value("fte", code),
               "inwoners": figures.numerator("leerplichtigen_per_fte", code),
               "leerplichtigen_per_fte": value("leerplichtigen_per_fte", code),
               "werkvoorraad": value("werkvoorraad", code), "wv": value("werkvoorraad_per_fte", code),
               "dekking": value("contactpersoon_dekking", code)}
        fte = figures.breakdowns("fte", code, "rol")
        for role in ROLES:
            row[f"fte_{role}"] = fte.get(role, 0.0)  # no assignment of that role: 0 fte, not unknown
        for role in ("leerplichtambtenaar", "doorstroomcoach"):
            row[f"wv_{role}"] = value("werkvoorraad_per_fte", code, f"rol={role}")
            row[f"nz_{role}"] = value(FLOW_KPI, code, f"rol={role}")
        rows.append(row)
    columns = municipality_columns(figures.year)
    return pd.DataFrame(rows, columns=[c[0] for c in columns], dtype=object), columns


AGE_COLUMNS: list[_download.Column] = [("soort", "Soort", None), *((f"age_{a}", h, 0) for a, h in AGES.items()),
                                       ("totaal", "Totaal", 0)]


def age_table(figures: Figures, code: str) -> tuple[pd.DataFrame, list[_download.Column]]:
    """The work in progress of one area on the reference date: a row per kind (reports, cases,
    trajectories) and the total, a column per age bucket and the total. A combination without open work
    has no KPI row: it is 0."""
    rows = []
    for kind, label in [*KINDS_OF_WORK.items(), ("", "Totaal")]:
        row = {"soort": label}
        for age in AGES:
            breakdown = ";".join(p for p in (f"ouderdom={age}", f"soort={kind}" if kind else "") if p)
            row[f"age_{age}"] = or_zero(figures.value("werkvoorraad", code, breakdown))
        row["totaal"] = or_zero(figures.value("werkvoorraad", code, f"soort={kind}" if kind else ""))
        rows.append(row)
    return pd.DataFrame(rows, columns=[c[0] for c in AGE_COLUMNS], dtype=object), AGE_COLUMNS


def school_columns(with_staff: bool) -> list[_download.Column]:
    return [("school_id", "Vestiging", None), ("naam", "School", None), ("sector", "Sector", None),
            ("gemeente", "Gemeente", None), ("dekking", "Dekking", None), ("contactpersonen", "Contactpersonen", 0),
            *([("medewerkers", "Medewerkers (code)", None)] if with_staff else [])]


def school_table(wh: Warehouse, on: str, code: str, names: dict[str, str], with_staff: bool
                 ) -> tuple[pd.DataFrame, list[_download.Column]]:
    """The school locations of the area without or with several active contact persons on `on`; the
    contact persons' staff codes only `with_staff` (the coordinator)."""
    frame = queries.contact_person_exceptions(wh, on, with_staff=with_staff)
    if code != queries.REGION_CODE:
        frame = frame[frame["municipality_code"] == code]
    frame = frame.assign(gemeente=frame["municipality_code"].map(lambda c: names.get(c, c)),
                         dekking=frame["contactpersonen"].map(lambda n: COVERAGE.get(int(n), "meerdere")))
    columns = school_columns(with_staff)
    return frame[[c[0] for c in columns]].reset_index(drop=True), columns


STAFF_COLUMNS: list[_download.Column] = [("medewerker", "Medewerker (code)", None), ("open", "Open werk", 0)]


def staff_table(figures: Figures, code: str) -> tuple[pd.DataFrame, list[_download.Column]]:
    """Person-level, the coordinator only: the open reports, cases and trajectories of each staff member
    in the area on the reference date, most first, and the open work without a staff member (the total
    minus theirs: each item has at most one)."""
    per_staff = figures.breakdowns("werkvoorraad", code, "behandelaar")
    rows = [{"medewerker": s, "open": n} for s, n in sorted(per_staff.items(), key=lambda sn: (-sn[1], sn[0]))]
    total = figures.value("werkvoorraad", code)
    rest = (total or 0) - sum(per_staff.values())
    if rest:
        rows.append({"medewerker": UNASSIGNED, "open": rest})
    return pd.DataFrame(rows, columns=[c[0] for c in STAFF_COLUMNS], dtype=object), STAFF_COLUMNS


def or_zero(value: object) -> object:
    return 0 if value is None else value


@dataclass(frozen=True)
class View:
    selection: _filters.Selection
    names: dict[str, str]  # the municipalities the viewer may see
    dates: list[str]
    region: bool  # the viewer may see the region's figures

    @property
    def codes(self) -> list[str]:
        """The rows of the municipality table: every visible municipality and the region, or the chosen
        municipality and (for who may see it) the region beside it."""
        code = self.selection.municipality
        if code == queries.REGION_CODE:
            return [*self.names, queries.REGION_CODE]
        return [code] + ([queries.REGION_CODE] if self.region else [])


def resolve(wh: Warehouse, viewer: Viewer, query: dict[str, str]) -> View:
    """The URL's reference date and municipality (`query` as `_filters.query` reads it), checked against what
    exists and what the viewer may see."""
    dates = queries.periods(wh, KIND)
    sel, names = _filters.select_from(wh, viewer, KIND, dates, query)
    return View(sel, names, dates, viewer.may_see_region)


def sees_staff(viewer: Viewer | None) -> bool:
    """Work per staff member is person-level: the coordinator only (security.md)."""
    return viewer is not None and viewer.role in PERSON_LEVEL
