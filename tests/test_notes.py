"""Time-series notes and coordinator explanations (kpis.md, "Notes and explanations"): read from the
settings files, shown on the KPI card of their period, carried by every XLSX export."""

from __future__ import annotations

import io
import json
from datetime import date

import openpyxl
import pandas as pd
import plotly
import pytest

from pages._tile import reference_tile
from reports.workbook import Definition, ExportMeta, Sheet, workbook_bytes
from warehouse import notes
from warehouse.kpis import KPIS
from warehouse.tiles import TileData

KPI = "relatief_verzuim_per_1000"


@pytest.fixture
def words(tmp_path, monkeypatch):
    (tmp_path / "reeksnotities.toml").write_text(
        '[[notitie]]\nkpi = "*"\nperiode = "2019-2020"\ntekst = "Scholen dicht."\n'
        f'[[notitie]]\nkpi = "{KPI}"\nperiode = "2019-2020"\ntekst = "Nieuwe definitie."\n'
        '[[notitie]]\nkpi = "vsv_percentage"\nperiode = "2021-2022"\ntekst = "Herlevering."\n', encoding="utf-8")
    folder = tmp_path / "toelichtingen" / KPI
    folder.mkdir(parents=True)
    (folder / "2023-2024.md").write_text("Regio: **meer** meldingen.\n", encoding="utf-8")
    (folder / "2023-2024.GM0758.md").write_text("Breda: nieuw protocol.", encoding="utf-8")
    monkeypatch.setenv("RBL_REEKSNOTITIES", str(tmp_path / "reeksnotities.toml"))
    monkeypatch.setenv("RBL_TOELICHTINGEN", str(tmp_path / "toelichtingen"))
    return tmp_path


def test_series_notes_join_the_notes_for_every_kpi_and_for_this_one(words) -> None:
    assert notes.series_notes(KPI) == {"2019-2020": "Scholen dicht. Nieuwe definitie."}
    assert notes.series_notes("vsv_percentage") == {"2019-2020": "Scholen dicht.", "2021-2022": "Herlevering."}


def test_a_municipality_s_own_explanation_wins_over_the_region_s(words) -> None:
    assert notes.explanation(KPI, "2023-2024") == "Regio: **meer** meldingen."
    assert notes.explanation(KPI, "2023-2024", "GM0758") == "Breda: nieuw protocol."
    assert notes.explanation(KPI, "2023-2024", "GM1719") == "Regio: **meer** meldingen."
    assert notes.explanation(KPI, "2022-2023") is None
    assert notes.explanation(KPI, "../../etc/passwd") is None  # a period is never a path


def test_a_note_without_text_is_refused_with_the_file_named(words) -> None:
    (words / "reeksnotities.toml").write_text('[[notitie]]\nkpi = "*"\nperiode = "2020-2021"\n', encoding="utf-8")
    with pytest.raises(notes.NotesError, match="reeksnotities.toml: notitie 1 mist tekst"):
        notes.series_notes(KPI)


def test_the_card_shows_its_period_s_note_and_explanation(words) -> None:
    # the reference tile (pages._tile) replaced the old one-comparison card on every page (issue #9)
    def text(period: str, code: str = "REGIO") -> str:
        data = TileData(KPIS[KPI], "schooljaar", period, code, 12.0, None, None, None, None, [], 11.0, None, None,
                        None)
        card = reference_tile(data, f"schooljaar {period}", {})
        return json.dumps(card.to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder)

    assert "Nieuwe definitie." in text("2019-2020")
    card = text("2023-2024", "GM0758")
    assert "Breda: nieuw protocol." in card and "Scholen dicht." not in card
    assert "Toelichting" not in text("2022-2023")


def test_an_export_carries_period_data_date_suppression_definitions_and_notes(words) -> None:
    kpi = KPIS[KPI]
    meta = ExportMeta("Verzuim", "schooljaar 2019-2020", date(2025, 11, 15), True, [Definition.of(kpi)], [KPI],
                      ["2019-2020"])
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(
        [Sheet("Tabel", pd.DataFrame({"x": [1234.56, "<5"]}), [("x", "Aantal", 1)])], meta)))
    assert book.sheetnames == ["Toelichting", "Tabel"]
    about = {r[0]: r[1] for r in book["Toelichting"].iter_rows(values_only=True) if r[0]}
    assert about["Periode"] == "schooljaar 2019-2020"
    assert about["Datum van de gegevens"] == "15-11-2025"
    assert about["Kleine aantallen onderdrukt"].startswith("Ja: aantallen van 1 tot en met 4 staan als <5")
    assert about["Bronnen"] == "DUO verzuimregister; CBS"
    rows = list(book["Toelichting"].iter_rows(values_only=True))
    assert (kpi.label, kpi.definition, kpi.numerator, kpi.denominator, kpi.legal_basis, kpi.source) in rows
    assert (kpi.label, "2019-2020", "Reeksnotitie: Scholen dicht. Nieuwe definitie.") in [r[:3] for r in rows]
    assert [c.value for c in book["Tabel"]["A"]] == ["Aantal", 1234.6, "<5"]
    assert book["Tabel"]["A2"].number_format == "#,##0.0"
