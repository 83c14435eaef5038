"""Data: how complete and current the warehouse is. For the coordinator and the administrator.

The load history, the files of every load, the rejected rows (file, line, reason; never a BSN), how
current each source is (`actualiteit`) and, for the coordinator only, the reports still without a status
(`open_zonder_status`: report numbers, dates, schools are case data, which the administrator never sees;
opening and downloading them is audited). The browser gets at most REJECTS_ON_SCREEN rejected rows; the
download carries them all.
"""

from __future__ import annotations

from datetime import date

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, ctx, dcc, html, no_update

from access import store
from access.roles import COORDINATOR, DATA_QUALITY, Viewer
from access.web import audit_export, current_viewer, secured_callback
from pages import _download
from pages._components import empty_state, figures_grid, page_header
from pages._data import kpis, warehouse
from pages._page import page_layout
from presentation import formats as fmt
from warehouse import queries, views
from warehouse.connection import Warehouse

DOWNLOAD_ID = "data-download"
REJECTS_ON_SCREEN = 1000  # rows the page sends; a load may have many more (the download has them all)
CASES = "meldingen-zonder-status"  # case data: the coordinator's only (security.md)


def skeleton() -> html.Div:
    return html.Div([*(html.Button(id=b) for t in TABLES for b in _button_ids(t)), dcc.Download(id=DOWNLOAD_ID)])


dash.register_page(__name__, path="/data", name="Data", title="Data - RBL Monitor", order=80, access=DATA_QUALITY,
                   skeleton=skeleton)

# (field, Dutch header, decimals: None for text) as the grid shows them and the downloads write them
HISTORY = [("load_id", "Lading", 0), ("finished_at", "Gepubliceerd", None), ("load_date", "Laaddatum", None),
           ("files", "Bestanden", 0), ("rows_read", "Gelezen", 0), ("rows_loaded", "Geladen", 0),
           ("rows_updated", "Bijgewerkt", 0), ("rows_unchanged", "Ongewijzigd", 0), ("rows_rejected", "Afgekeurd", 0),
           ("duration_s", "Duur (s)", 1)]
FILES = [("load_id", "Lading", 0), ("file", "Bestand", None), ("source", "Bron", None),
         ("checksum", "Controlegetal", None), ("rows_read", "Gelezen", 0), ("rows_loaded", "Geladen", 0),
         ("rows_updated", "Bijgewerkt", 0), ("rows_unchanged", "Ongewijzigd", 0), ("rows_rejected", "Afgekeurd", 0)]
REJECTS = [("file", "Bestand", None), ("line", "Regel", 0), ("source", "Bron", None), ("reason", "Reden", None)]
OPEN = [("meldingsnummer", "Meldingsnummer", None), ("report_date", "Melddatum", None), ("school_id", "School", None),
        ("municipality_code", "Gemeente", None), ("working_days", "Werkdagen", 0)]
# the tables with a download: name -> (file name, columns)
TABLES = {"afgekeurde-regels": REJECTS, "meldingen-zonder-status": OPEN, "laadhistorie": HISTORY}
TABLE_KPIS = {"afgekeurde-regels": "afgekeurde_regels", "meldingen-zonder-status": "open_zonder_status",
              "laadhistorie": "laadhistorie"}  # the definition each file carries
WIDE = {"file": 240, "reason": 480,  # grid columns a reader needs whole: the file to fix, the reason why
        # and the load counts' Dutch headers, which the grid would cut to "Ongewi..."
        "finished_at": 150, "load_date": 130, "files": 125, "rows_updated": 135, "rows_unchanged": 145,
        "rows_rejected": 130}


def _button_ids(table: str) -> tuple[str, str]:
    return f"{table}-csv", f"{table}-xlsx"


def _dutch_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates and times written the Dutch way (23-11-2026), the same on screen and in the files."""
    frame = frame.copy()
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].map(fmt.datetime_nl if column == "finished_at" else fmt.date_nl)
        elif column in ("report_date", "load_date"):
            frame[column] = frame[column].map(fmt.date_nl)
    return frame


def _table(wh: Warehouse, table: str) -> pd.DataFrame:
    if table == "afgekeurde-regels":
        return queries.rejected_rows(wh)
    if table == CASES:
        return _with_names(wh, queries.reports_without_status(wh, _reference_date(wh)))
    return queries.load_history(wh)


def _sees_cases() -> bool:
    viewer = current_viewer()
    return viewer is not None and viewer.role == COORDINATOR


def _with_names(wh: Warehouse, frame: pd.DataFrame) -> pd.DataFrame:
    """The municipality by name (GM0758 means nothing to most readers), on screen and in the files."""
    municipalities = queries.municipalities(wh)
    names = dict(zip(municipalities["gemeente_code"], municipalities["naam"], strict=True))
    return frame.assign(municipality_code=frame["municipality_code"].map(lambda c: names.get(c, c)))


def _setting(key: str) -> int:
    from config.settings import load_settings

    return int(load_settings().get("termijnen", key))


def _reference_date(wh: Warehouse) -> date:
    dates = queries.periods(wh, "peildatum")
    return date.fromisoformat(dates[-1]) if dates else date.today()


def _grid(grid_id: str, columns: list[_download.Column], frame: pd.DataFrame, height: str = "24rem",
          downloadable: bool | None = None) -> html.Div:
    grid = figures_grid(grid_id, _dutch_dates(frame), columns, height)
    grid.columnDefs = [{**c, "minWidth": WIDE[c["field"]]} if c["field"] in WIDE else c for c in grid.columnDefs]
    grid.columnDefs = [{**c, "wrapText": True, "autoHeight": True} if c["field"] == "reason" else c
                       for c in grid.columnDefs]
    parts = [grid]
    if grid_id in TABLES and (not frame.empty if downloadable is None else downloadable):
        csv_id, xlsx_id = _button_ids(grid_id)
        parts.append(html.Div([
            html.Button("Download CSV", id=csv_id, className="btn btn-outline-primary btn-sm"),
            html.Button("Download Excel", id=xlsx_id, className="btn btn-outline-primary btn-sm"),
        ], className="rbl-download d-flex gap-2 my-2"))
    return html.Div(parts)


@secured_callback(
    Output(DOWNLOAD_ID, "data"),
    *(Input(b, "n_clicks") for t in TABLES for b in _button_ids(t)),
    prevent_initial_call=True,
    roles=DATA_QUALITY,
)
def download(*_clicks: int | None) -> object:
    """The table whose button was clicked, as on screen, read again from the warehouse on the server."""
    table, _, kind = (ctx.triggered_id or "").rpartition("-")
    if table not in TABLES or (table == CASES and not _sees_cases()):
        return no_update
    wh = warehouse()
    frame = _dutch_dates(_table(wh, table))
    if table == CASES:
        audit_export(f"{CASES}.{kind}")
    on = _reference_date(wh).isoformat()
    meta = _download.export_meta(f"Datakwaliteit: {table.replace('-', ' ')}", [TABLE_KPIS[table]], "peildatum", on,
                                 queries.data_date(wh), public=False)
    return _download.send_table(frame, TABLES[table], f"{table}-{queries.data_date(wh) or 'leeg'}", kind, meta)


def _freshness(wh) -> html.Div:
    """`actualiteit` on the latest reference date: days since each source's newest date."""
    dates = queries.periods(wh, "peildatum")
    if not dates:
        return empty_state("Nog geen peildatum met gegevens.")
    kpi = kpis()["actualiteit"]
    on = fmt.date_nl(date.fromisoformat(dates[-1]))
    frame = queries.kpi_values(wh, [kpi.id], [dates[-1]], breakdown=None)
    rows = []
    for r in frame.itertuples(index=False):
        parts = views.parts(r.breakdown)
        if "bron" in parts and "waarschuwing" not in parts:
            warn = not frame[frame["breakdown"] == f"{r.breakdown};waarschuwing=ja"].empty
            rows.append(html.Tr([html.Td(parts["bron"]), html.Td(fmt.number(r.value, 0)),
                                 html.Td("te oud" if warn else "actueel", className="text-danger" if warn else "")]))
    return html.Div([
        # the registry's definition names the breakdown codes (bron=..., waarschuwing=ja); this says it plainly
        html.P(f"Per bron het aantal dagen tussen de nieuwste datum in haar gegevens (niet na de peildatum) en de "
               f"peildatum {on}: te oud bij meer dan {_setting('actualiteit_dagen')} dagen. Personen en scholen "
               "hebben geen eigen datum en staan er niet in.", className="text-muted"),
        dbc.Table([html.Thead(html.Tr([html.Th("Bron"), html.Th("Dagen"), html.Th("")])), html.Tbody(rows)],
                  id="actualiteit", size="sm", striped=True, className="w-auto"),
    ])


@page_layout("Data", missing="Er is nog geen warehouse gepubliceerd.")
def layout(wh: Warehouse, viewer: Viewer, query: dict[str, str]) -> html.Div:
    rejects = _table(wh, "afgekeurde-regels")
    shown = (f"De eerste {fmt.number(REJECTS_ON_SCREEN, 0)} staan hieronder; de download bevat ze allemaal."
             if len(rejects) > REJECTS_ON_SCREEN else "")
    return html.Div([
        dcc.Download(id=DOWNLOAD_ID),
        page_header("Data", queries.data_date(wh)),
        html.H2("Actualiteit van de bronnen", className="h4"), _freshness(wh),
        html.H2("Afgekeurde regels", className="h4 mt-4"),
        html.P(f"{fmt.number(len(rejects), 0)} regels uit de laatste lading van elk bestand. Verbeter ze in de bron "
               f"en lever ze opnieuw aan: dezelfde sleutel wordt dan bijgewerkt. {shown}".strip(),
               className="text-muted", id="afgekeurd-aantal"),
        _grid("afgekeurde-regels", REJECTS, rejects.head(REJECTS_ON_SCREEN), downloadable=not rejects.empty),
        *(_cases(wh) if _sees_cases() else []),
        html.H2("Laadhistorie", className="h4 mt-4"),
        _grid("laadhistorie", HISTORY, _table(wh, "laadhistorie"), "16rem"),
        html.H2("Bestanden per lading", className="h4 mt-4"), _grid("bestanden", FILES, queries.load_files(wh)),
    ])


def _cases(wh: Warehouse) -> list:
    """Reports without status: report numbers, dates and schools (case data), for the coordinator only."""
    viewer = current_viewer()
    store.audit(viewer.username, viewer.role, "opende", f"/data#{CASES}")
    open_reports = _table(wh, CASES)
    return [
        html.H2("Meldingen zonder status", className="h4 mt-4"),
        html.P(f"{fmt.number(len(open_reports), 0)} meldingen hebben op {fmt.date_nl(_reference_date(wh))} nog de "
               f"status geregistreerd, terwijl er sinds de melddatum {_setting('zonder_status_werkdagen')} werkdagen "
               "of meer verstreken zijn.",
               className="text-muted", id="zonder-status-aantal"),
        _grid(CASES, OPEN, open_reports, "18rem"),
    ]
