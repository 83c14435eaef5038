"""Data: how complete and current the warehouse is. For the coordinator and the administrator.

The load history, the files of every load, the rejected rows (file, line, reason; never a BSN), how
current each source is (`actualiteit`) and the reports still without a status (`open_zonder_status`).
"""

from __future__ import annotations

from datetime import date

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from access.roles import DATA_QUALITY
from pages import _format as fmt
from pages._components import data_grid, empty_state, page_header
from pages._data import kpis, warehouse
from warehouse import queries
from warehouse.connection import WarehouseMissing

dash.register_page(__name__, path="/data", name="Data", title="Data - RBL Monitor", order=80, access=DATA_QUALITY)

HISTORY = [("load_id", "Lading"), ("finished_at", "Gepubliceerd"), ("load_date", "Laaddatum"), ("files", "Bestanden"),
           ("rows_read", "Gelezen"), ("rows_loaded", "Geladen"), ("rows_updated", "Bijgewerkt"),
           ("rows_rejected", "Afgekeurd"), ("duration_s", "Duur (s)")]
FILES = [("load_id", "Lading"), ("file", "Bestand"), ("source", "Bron"), ("checksum", "Controlegetal"),
         ("rows_read", "Gelezen"), ("rows_loaded", "Geladen"), ("rows_updated", "Bijgewerkt"),
         ("rows_rejected", "Afgekeurd")]
REJECTS = [("file", "Bestand"), ("line", "Regel"), ("source", "Bron"), ("reason", "Reden")]
OPEN = [("meldingsnummer", "Meldingsnummer"), ("report_date", "Melddatum"), ("school_id", "School"),
        ("municipality_code", "Gemeente"), ("working_days", "Werkdagen")]


def _grid(grid_id: str, columns: list[tuple[str, str]], frame: pd.DataFrame, height: str = "24rem"):
    """Dates and durations written the Dutch way before they reach the table."""
    frame = frame.copy()
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]) or column in ("report_date", "load_date"):
            frame[column] = frame[column].map(fmt.date_nl)
    if "duration_s" in frame:
        frame["duration_s"] = frame["duration_s"].map(lambda s: fmt.number(s, 1))
    return data_grid(grid_id, columns, frame, height)


def _freshness(wh) -> html.Div:
    """`actualiteit` on the latest reference date: days since each source's newest date."""
    dates = queries.periods(wh, "peildatum")
    if not dates:
        return empty_state("Nog geen peildatum met gegevens.")
    kpi = kpis()["actualiteit"]
    frame = queries.kpi_values(wh, [kpi.id], [dates[-1]], breakdown=None)
    rows = []
    for r in frame.itertuples(index=False):
        parts = dict(p.split("=", 1) for p in r.breakdown.split(";") if p)
        if "bron" in parts and "waarschuwing" not in parts:
            warn = not frame[frame["breakdown"] == f"{r.breakdown};waarschuwing=ja"].empty
            rows.append(html.Tr([html.Td(parts["bron"]), html.Td(fmt.number(r.value, 0)),
                                 html.Td("te oud" if warn else "actueel", className="text-danger" if warn else "")]))
    return html.Div([
        html.P(f"{kpi.definition} Peildatum {fmt.date_nl(date.fromisoformat(dates[-1]))}.", className="text-muted"),
        dbc.Table([html.Thead(html.Tr([html.Th("Bron"), html.Th("Dagen"), html.Th("")])), html.Tbody(rows)],
                  id="actualiteit", size="sm", striped=True, className="w-auto"),
    ])


def layout(**_: object) -> html.Div:
    try:
        wh = warehouse()
        history = queries.load_history(wh)
    except WarehouseMissing:
        return html.Div([page_header("Data"), empty_state("Er is nog geen warehouse gepubliceerd.")])
    dates = queries.periods(wh, "peildatum")
    on = date.fromisoformat(dates[-1]) if dates else date.today()
    open_reports = queries.reports_without_status(wh, on)
    rejects = queries.rejected_rows(wh)
    return html.Div([
        page_header("Data", queries.data_date(wh)),
        html.H2("Actualiteit van de bronnen", className="h4"), _freshness(wh),
        html.H2("Afgekeurde regels", className="h4 mt-4"),
        html.P(f"{fmt.number(len(rejects), 0)} regels uit de laatste lading van elk bestand. Verbeter ze in de bron "
               "en lever ze opnieuw aan: dezelfde sleutel wordt dan bijgewerkt.", className="text-muted"),
        _grid("afgekeurde-regels", REJECTS, rejects),
        html.H2("Meldingen zonder status", className="h4 mt-4"),
        html.P(f"{fmt.number(len(open_reports), 0)} meldingen hebben op {fmt.date_nl(on)} nog de status "
               f"geregistreerd, langer dan de ingestelde termijn. {kpis()['open_zonder_status'].definition}",
               className="text-muted", id="zonder-status-aantal"),
        _grid("meldingen-zonder-status", OPEN, open_reports, "18rem"),
        html.H2("Laadhistorie", className="h4 mt-4"), _grid("laadhistorie", HISTORY, history, "16rem"),
        html.H2("Bestanden per lading", className="h4 mt-4"), _grid("bestanden", FILES, queries.load_files(wh)),
    ])
