"""The pages every role may open (Toegankelijkheid, Over deze cijfers), where a login lands, /beheer's words, and
clean words in files (issue 11). Through Flask's test client: the page router serves a page as JSON."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest

from access.roles import ROLES
from app import create_app
from reports.workbook import ExportMeta, Sheet, column_width, plain_text, workbook_bytes
from tests.conftest import TEST_PASSWORDS, TEST_ROLES, login_client
from tests.test_access import router_body
from warehouse.kpis import KPIS

USERS = {role: user for user, role in TEST_ROLES.items()}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app(tmp_path_factory.mktemp("leeg"))


def page(client, path: str) -> str:
    response = client.post("/_dash-update-component", json=router_body(path))
    assert response.status_code == 200
    return json.dumps(response.get_json(), ensure_ascii=False)  # the text as written, not \u-escaped


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_both_pages_and_finds_them_in_the_footer(app, role: str) -> None:
    client = login_client(app, USERS[role])
    statement = page(client, "/toegankelijkheid")
    assert "geen-toegang" not in statement
    for words in ("WCAG) 2.1, niveau AA", "axe-core", "Wat nog niet goed werkt", "Een probleem melden"):
        assert words in statement
    about = page(client, "/over-de-cijfers")
    assert "geen-toegang" not in about
    for kpi in KPIS.values():  # every figure of the registry, with its legal basis
        assert f"cijfer-{kpi.id}" in about and kpi.label in about
    assert "Statistisch leerplichtjaarverslag (art. 25 Leerplichtwet)" in about and "1 oktober" in about
    assert "settings.toml" not in about and "deadlines." not in about
    footer = json.dumps(client.get("/_dash-layout").get_json())
    assert '"href": "/toegankelijkheid"' in footer and '"href": "/over-de-cijfers"' in footer


@pytest.mark.parametrize(("user", "lands_on"), [("coordinator", "/"), ("wethouder", "/"), ("medewerker", "/"),
                                                ("beheerder", "/data")])
def test_every_role_lands_on_a_page_it_may_open(app, user: str, lands_on: str) -> None:
    client = app.server.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    client.get("/login")
    with client.session_transaction() as sess:
        token = sess["csrf"]
    response = client.post("/login", data={"csrf": token, "gebruikersnaam": user, "wachtwoord": TEST_PASSWORDS[user],
                                           "next": "/"})
    assert response.headers["Location"] == lands_on


def test_beheer_in_local_time_with_names_and_no_commands(app) -> None:
    from pages.beheer import local_time

    assert local_time("2026-11-23T08:05:00+00:00") == "23-11-2026 09:05"  # winter: UTC+1
    assert local_time("2026-06-23T08:05:00+00:00") == "23-06-2026 10:05"  # summer: UTC+2
    text = page(login_client(app, "beheerder"), "/beheer")
    assert "python -m" not in text and "(UTC)" not in text


def test_files_carry_no_markdown_and_label_wide_columns(monkeypatch, tmp_path) -> None:
    assert plain_text("Minder meldingen in de **zomer**.\n- een *punt*, [zie](https://x.nl)") == \
        "Minder meldingen in de zomer. • een punt, zie"
    # widths: reports.workbook.column_width (engineer annual's, in Excel's units with proportional glyphs) grows
    # with the longest label: a label column is wider than its short header
    assert column_width("Naam", ["Regio West-Brabant"], None) > column_width("Naam", ["Breda"], None)
    folder = tmp_path / "toelichtingen" / "relatief_verzuim_per_1000"
    folder.mkdir(parents=True)
    (folder / "2024-2025.md").write_text("Minder meldingen in de **zomer**.", encoding="utf-8")
    monkeypatch.setenv("RBL_TOELICHTINGEN", str(tmp_path / "toelichtingen"))
    import pandas as pd

    frame = pd.DataFrame({"naam": ["Gemeente met een heel lange naam aan de Maas"], "v": [1.5]})
    meta = ExportMeta(title="T", period="schooljaar 2024-2025", data_date=None, suppressed=False, definitions=[],
                      kpi_ids=["relatief_verzuim_per_1000"], periods=["2024-2025"])
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes([Sheet("Tabel", frame, [("naam", "Naam", None),
                                                                                   ("v", "Waarde", 1)])], meta)))
    cells = [str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None]
    assert any("Minder meldingen in de zomer." in c for c in cells)
    assert not any("**" in c for c in cells)
    assert book["Tabel"].column_dimensions["A"].width > column_width("Naam", ["Breda"], None)


def test_every_page_csv_is_the_dutch_dialect() -> None:
    """pages._download.csv_bytes writes every page's CSV download (the chart buttons write the same dialect in the
    browser: tests/test_keyboard_phone.py); the annual report's machine format is the one named exception."""
    import pandas as pd

    from pages._download import csv_bytes
    from tests.test_keyboard_phone import dutch_csv

    frame = pd.DataFrame({"naam": ["Breda", "Altena"], "v": [1234.56, "<5"]})
    rows = dutch_csv(csv_bytes(frame, [("naam", "Gemeente", None), ("v", "Per 1.000", 1)]))
    assert rows == [["Gemeente", "Per 1.000"], ["Breda", "1.234,6"], ["Altena", "<5"]]
