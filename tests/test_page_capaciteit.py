"""The capacity page: its tables computed by hand on a small loaded warehouse, the downloads as on screen,
the portfolio holder's suppressed download without any staff member, work per staff member for the
coordinator only (and audited), and the whole page in headless Chromium on the demo warehouse.

Given (hand-computed): the warehouse of tests/test_kpis_capacity.py, reference date D = 1-10-2024 (see
the figures there) and, for new cases per FTE, the last complete school year before D: 2023-2024
(1-8-2023 to 31-7-2024, 366 days).
New in 2023-2024: Breda leerplichtambtenaar W3 W4 W13 (reports) + C1 (case) = 4, doorstroomcoach J1 = 1;
Altena and Etten-Leur nothing. Average FTE: Breda lpa LPA01 0,8 + LPA04 0,5 (whole year) + LPA02 0,4 x 213
days (1-1-2024 to 31-7-2024) / 366; coach DSC01 1,0; Altena lpa 0,6, coach 0,2.
"""

from __future__ import annotations

import base64
import io
import time
from pathlib import Path

import pandas as pd
import pytest

from access import store
from app import create_app
from presentation import formats as fmt
from tests.conftest import login_client, start_and_login
from tests.kpi_fixtures import load_sources
from tests.test_kpis_capacity import (
    BEVOLKING,
    CONTACTPERSONEN,
    GEMEENTEN,
    MEDEWERKERS,
    SCHOLEN,
    TRAJECTEN,
    VERZUIMMELDINGEN,
    ZAKEN,
    D,
)
from warehouse import queries
from warehouse.connection import Warehouse
from warehouse.coverage import default_period

BREDA, ALTENA, DRIMMELEN = "GM0758", "GM1959", "GM1719"
Y = "2023-2024"
BREDA_LPA = 0.8 + 0.5 + 0.4 * 213 / 366  # average FTE leerplichtambtenaar in 2023-2024
HEADERS = ["Gemeente", "Fte leerplichtambtenaar", "Fte doorstroomcoach", "Fte coördinator", "Fte administratief",
           "Fte totaal", "Inwoners 5-17 jaar", "Leerplichtigen per fte leerplichtambtenaar", "Werkvoorraad",
           "Werkvoorraad per fte leerplichtambtenaar", "Werkvoorraad per fte doorstroomcoach",
           "Werkvoorraad per fte (beide rollen)", f"Nieuwe zaken per fte leerplichtambtenaar ({Y})",
           f"Nieuwe zaken per fte doorstroomcoach ({Y})", "Dekking contactpersonen (%)"]
STAFF_CODES = ("LPA01", "LPA02", "DSC01", "COO01")


@pytest.fixture(scope="module")
def small_wh(tmp_path_factory: pytest.TempPathFactory, pseudonym_key: str) -> Path:
    return load_sources(tmp_path_factory.mktemp("capaciteit_page"), {
        "gemeenten.csv": GEMEENTEN, "bevolking.csv": BEVOLKING, "medewerkers.csv": MEDEWERKERS,
        "verzuimmeldingen.csv": VERZUIMMELDINGEN, "zaken.csv": ZAKEN, "trajecten.csv": TRAJECTEN,
        "scholen.csv": SCHOLEN, "contactpersonen.csv": CONTACTPERSONEN,
    }).path


def figures_of(wh_dir: Path, on: str = D, public: bool = False):
    from pages import _capacity

    wh = Warehouse(wh_dir)
    return _capacity.load_figures(wh, queries.periods(wh, "peildatum"), on, public)


def download(client, key: str, search: str, kind: str) -> tuple[str, bytes]:
    ids = {k: f"capaciteit-{key}-{k}" for k in ("csv", "xlsx", "download")}
    body = {"output": f"{ids['download']}.data", "outputs": {"id": ids["download"], "property": "data"},
            "inputs": [{"id": ids["csv"], "property": "n_clicks", "value": 1 if kind == "csv" else None},
                       {"id": ids["xlsx"], "property": "n_clicks", "value": 1 if kind == "xlsx" else None}],
            "state": [{"id": "capaciteit-url", "property": "search", "value": search}],
            "changedPropIds": [f"{ids[kind]}.n_clicks"]}
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    data = response.get_json()["response"][ids["download"]]["data"]
    return data["filename"], base64.b64decode(data["content"])


def render(client, search: str) -> str:
    body = {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/capaciteit"},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_last_complete_school_year_before_the_reference_date() -> None:
    from pages._capacity import school_year_before

    assert school_year_before("2024-10-01") == "2023-2024"
    assert school_year_before("2024-07-31") == "2023-2024"  # the day it ends: complete
    assert school_year_before("2024-07-30") == "2022-2023"
    assert school_year_before("2025-11-15") == "2024-2025"


def test_cards_compare_with_a_year_earlier_not_the_date_before() -> None:
    from pages._capacity import year_before

    dates = ["2023-09-30", "2023-10-01", "2023-12-31", "2024-09-30", "2024-10-01"]
    assert year_before(dates, "2024-10-01") == "2023-10-01"
    assert year_before(dates, "2024-09-30") == "2023-09-30"
    assert year_before(dates, "2025-02-14") == "2023-12-31"
    assert year_before(["2023-02-28"], "2024-02-29") == "2023-02-28"  # a leap day has no twin
    assert year_before(dates, "2023-12-31") is None


def test_municipality_table_by_hand(small_wh: Path) -> None:
    from pages._capacity import municipality_table

    figures = figures_of(small_wh)
    assert (figures.year, figures.previous, figures.previous_year) == (Y, "2023-10-01", "2022-2023")
    names = {BREDA: "Breda", ALTENA: "Altena"}
    table, columns = municipality_table(figures, [BREDA, ALTENA, queries.REGION_CODE], names)
    assert [h for _, h, _ in columns] == HEADERS
    got = {r["gemeente"]: r for r in table.to_dict("records")}
    assert got["Breda"] == pytest.approx({
        "gemeente": "Breda", "fte_leerplichtambtenaar": 1.2, "fte_doorstroomcoach": 1.0, "fte_coordinator": 0.5,
        "fte_administratief": 0.0, "fte": 2.7, "inwoners": 1200, "leerplichtigen_per_fte": 1000.0,
        "werkvoorraad": 10, "wv_leerplichtambtenaar": 8 / 1.2, "wv_doorstroomcoach": 2.0, "wv": 10 / 2.2,
        "nz_leerplichtambtenaar": 4 / BREDA_LPA, "nz_doorstroomcoach": 1.0, "dekking": 100 / 3})
    assert got["Altena"] == pytest.approx({
        "gemeente": "Altena", "fte_leerplichtambtenaar": 0.6, "fte_doorstroomcoach": 0.2, "fte_coordinator": 0.0,
        "fte_administratief": 0.0, "fte": 0.8, "inwoners": 600, "leerplichtigen_per_fte": 1000.0,
        "werkvoorraad": 3, "wv_leerplichtambtenaar": 1 / 0.6, "wv_doorstroomcoach": 10.0, "wv": 3.75,
        "nz_leerplichtambtenaar": 0.0, "nz_doorstroomcoach": 0.0, "dekking": 50.0})
    assert got["Regio West-Brabant"] == pytest.approx({
        "gemeente": "Regio West-Brabant", "fte_leerplichtambtenaar": 1.8, "fte_doorstroomcoach": 1.2,
        "fte_coordinator": 0.5, "fte_administratief": 0.25, "fte": 3.75, "inwoners": 2300,
        "leerplichtigen_per_fte": 2300 / 1.8, "werkvoorraad": 14, "wv_leerplichtambtenaar": 10 / 1.8,
        "wv_doorstroomcoach": 4 / 1.2, "wv": 14 / 3, "nz_leerplichtambtenaar": 4 / (BREDA_LPA + 0.6),
        "nz_doorstroomcoach": 1 / 1.2, "dekking": 50.0})


def test_age_staff_and_school_tables_by_hand(small_wh: Path) -> None:
    from pages._capacity import age_table, school_table, staff_table

    figures = figures_of(small_wh)
    ages, _ = age_table(figures, BREDA)
    # Breda on D: reports 0-27 W1 W5 W10, 28-84 W2 W3 W7, 85+ W4 W13; case C1 85+; trajectory J1 85+
    assert ages.values.tolist() == [["Meldingen", 3, 3, 2, 8], ["Zaken", 0, 0, 1, 1], ["Trajecten", 0, 0, 1, 1],
                                    ["Totaal", 3, 3, 4, 10]]
    staff, _ = staff_table(figures, BREDA)
    assert staff.values.tolist() == [["LPA01", 6], ["DSC01", 2], ["LPA02", 2]]
    region, _ = staff_table(figures, queries.REGION_CODE)
    # C5 (Etten-Leur) has no staff member: 14 open, 13 with one
    assert region.values.tolist() == [["LPA01", 6], ["DSC01", 4], ["LPA02", 3], ["(geen behandelaar)", 1]]

    wh, names = Warehouse(small_wh), {BREDA: "Breda", ALTENA: "Altena"}
    schools, columns = school_table(wh, D, queries.REGION_CODE, names, with_staff=True)
    assert [h for _, h, _ in columns][-1] == "Medewerkers (code)"
    assert schools.values.tolist() == [
        ["12AB00", "Basisschool De Klimop", "PO", "Breda", "meerdere", 2, "LPA01, LPA02"],
        ["13CD00", "SBO 't Kompas", "SBO", "Breda", "geen", 0, ""],
        ["21QQ00", "Het Mozaïek", "PO", "Altena", "geen", 0, ""],
    ]
    breda, columns = school_table(wh, D, BREDA, names, with_staff=False)
    assert "medewerkers" not in breda and "Medewerkers (code)" not in [h for _, h, _ in columns]
    assert breda["school_id"].tolist() == ["12AB00", "13CD00"]
    # the list agrees with the KPI's counts of schools without and with several contact persons
    assert figures.value("contactpersoon_dekking", queries.REGION_CODE, "dekking=geen") == 2
    assert figures.value("contactpersoon_dekking", queries.REGION_CODE, "dekking=meerdere") == 1


def test_coordinator_downloads_csv_and_xlsx_as_on_screen(small_wh: Path) -> None:
    client = login_client(create_app(small_wh), "coordinator")
    name, content = download(client, "gemeenten", f"?jaar={D}&gemeente={BREDA}", "csv")
    assert name == f"capaciteit-gemeenten-{D}-{BREDA}.csv"
    assert content.decode("utf-8-sig").split("\r\n") == [
        ";".join(HEADERS),
        "Breda;1,20;1,00;0,50;0,00;2,70;1.200;1.000;10;6,7;2,0;4,5;2,6;1,0;33,3",
        "Regio West-Brabant;1,80;1,20;0,50;0,25;3,75;2.300;1.278;14;5,6;3,3;4,7;1,9;0,8;50,0",
        "",
    ]
    name, content = download(client, "gemeenten", f"?jaar={D}&gemeente={BREDA}", "xlsx")
    assert name == f"capaciteit-gemeenten-{D}-{BREDA}.xlsx"
    book = pd.read_excel(io.BytesIO(content), sheet_name=None)
    assert list(book) == ["Toelichting", "Tabel"]
    sheet = book["Tabel"]
    assert sheet.columns.tolist() == HEADERS
    assert sheet.iloc[0].tolist() == ["Breda", 1.2, 1.0, 0.5, 0.0, 2.7, 1200, 1000, 10, 6.7, 2.0, 4.5, 2.6, 1.0, 33.3]
    about = book["Toelichting"].to_string()
    assert "peildatum 01-10-2024" in about and f"schooljaar {Y}" in about

    _, content = download(client, "ouderdom", f"?jaar={D}&gemeente={BREDA}", "csv")
    assert content.decode("utf-8-sig").split("\r\n")[:2] == [
        "Soort;0-27 dagen;28-84 dagen;85 dagen en ouder;Totaal", "Meldingen;3;3;2;8"]
    _, content = download(client, "scholen", f"?jaar={D}", "csv")
    assert content.decode("utf-8-sig").split("\r\n")[:2] == [
        "Vestiging;School;Sector;Gemeente;Dekking;Contactpersonen;Medewerkers (code)",
        "12AB00;Basisschool De Klimop;PO;Breda;meerdere;2;LPA01, LPA02"]
    name, content = download(client, "medewerkers", f"?jaar={D}&gemeente={BREDA}", "csv")
    assert name == f"capaciteit-medewerkers-{D}-{BREDA}.csv"
    assert content.decode("utf-8-sig").split("\r\n")[:-1] == [
        "Medewerker (code);Open werk", "LPA01;6", "DSC01;2", "LPA02;2"]


def test_portfolio_holder_download_is_suppressed_and_has_no_staff_member(small_wh: Path) -> None:
    client = login_client(create_app(small_wh), "wethouder")
    _, content = download(client, "gemeenten", f"?jaar={D}", "csv")
    table = pd.read_csv(io.BytesIO(content), sep=";", dtype=str, encoding="utf-8-sig").set_index("Gemeente")
    # Altena 3 and Etten-Leur 1 open items: counts of 1 to 4 are not shown, nor rates resting on them
    assert table.loc["Altena", "Werkvoorraad"] == "<5" and table.loc["Etten-Leur", "Werkvoorraad"] == "<5"
    assert table.loc["Breda", "Werkvoorraad"] == "10" and table.loc["Regio West-Brabant", "Werkvoorraad"] == "14"
    assert table.loc["Altena", "Werkvoorraad per fte (beide rollen)"] == "–"
    assert table.loc["Breda", "Fte leerplichtambtenaar"] == "1,20"  # capacity is not about persons
    assert not table["Werkvoorraad"].isin(["1", "2", "3", "4"]).any()
    _, ages = download(client, "ouderdom", f"?jaar={D}&gemeente={BREDA}", "csv")
    assert "<5" in ages.decode("utf-8-sig")
    for key in ("gemeenten", "ouderdom", "scholen"):
        for kind in ("csv", "xlsx"):
            _, content = download(client, key, f"?jaar={D}", kind)
            text = content.decode("utf-8-sig") if kind == "csv" else _xlsx_text(content)
            assert not any(code in text for code in STAFF_CODES), (key, kind)
            assert "Medewerker" not in text
            if kind == "xlsx":
                assert "Ja: aantallen" in text  # the sheet "Toelichting" says it was suppressed


def _xlsx_text(content: bytes) -> str:
    book = pd.read_excel(io.BytesIO(content), sheet_name=None, header=None)
    return "\n".join(frame.to_string() for frame in book.values())


@pytest.mark.parametrize("username", ["wethouder", "medewerker"])
def test_only_the_coordinator_sees_work_per_staff_member(small_wh: Path, username: str) -> None:
    app = create_app(small_wh)
    coordinator = render(login_client(app, "coordinator"), f"?jaar={D}&gemeente={BREDA}")
    assert "werk-per-medewerker" in coordinator and "LPA01" in coordinator
    client = login_client(app, username)
    page = render(client, f"?jaar={D}&gemeente={BREDA}")
    assert "Capaciteit Breda" in page and "Basisschool De Klimop" in page  # the page itself is served
    assert "werk-per-medewerker" not in page
    assert not any(code in page for code in STAFF_CODES)
    body = {"output": "capaciteit-medewerkers-download.data",
            "outputs": {"id": "capaciteit-medewerkers-download", "property": "data"},
            "inputs": [{"id": "capaciteit-medewerkers-csv", "property": "n_clicks", "value": 1},
                       {"id": "capaciteit-medewerkers-xlsx", "property": "n_clicks", "value": None}],
            "state": [{"id": "capaciteit-url", "property": "search", "value": f"?jaar={D}&gemeente={BREDA}"}],
            "changedPropIds": ["capaciteit-medewerkers-csv.n_clicks"]}
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 403
    assert "LPA01" not in response.get_data(as_text=True)


def test_the_staff_view_and_its_download_are_audited_without_content(small_wh: Path) -> None:
    app = create_app(small_wh)
    target = f"/capaciteit#werk-per-medewerker?peildatum={D}&gemeente={BREDA}"
    render(login_client(app, "wethouder"), f"?jaar={D}&gemeente={BREDA}")
    assert not [r for r in store.audit_log(2000) if r[1] == "wethouder" and r[4].startswith("/capaciteit")]
    client = login_client(app, "coordinator")
    render(client, f"?jaar={D}&gemeente={BREDA}")
    assert store.audit_log(1)[0][1:] == ("coordinator", "coordinator", "opende", target)
    download(client, "gemeenten", f"?jaar={D}&gemeente={BREDA}", "csv")  # aggregates: not person-level
    assert store.audit_log(1)[0][3] == "opende"
    download(client, "medewerkers", f"?jaar={D}&gemeente={BREDA}", "xlsx")
    assert store.audit_log(1)[0][1:] == ("coordinator", "coordinator", "downloadde", target)
    assert "LPA01" not in str(store.audit_log(2000))


def test_layout_for_each_role_and_empty_states(small_wh: Path) -> None:
    app = create_app(small_wh)
    page = render(login_client(app, "coordinator"), f"?jaar={D}&gemeente={DRIMMELEN}")
    # Drimmelen has inhabitants and nothing else
    assert "Capaciteit Drimmelen" in page
    assert "Geen formatie op deze peildatum in deze selectie." in page
    assert "Op deze peildatum staat in deze selectie niets open." in page
    assert "Geen schoolvestigingen in deze selectie." in page
    page = render(login_client(app, "coordinator"), "?jaar=01-10-2024&gemeente=GM9999")
    assert "Onbekende peildatum '01-10-2024'; hieronder de laatste volledige peildatum." in page
    assert "Onbekende gemeente 'GM9999'; hieronder de cijfers van de hele regio." in page
    assert "Capaciteit Regio West-Brabant" in page
    staff = render(login_client(app, "medewerker"), "")
    assert "Capaciteit Breda" in staff and "Regio West-Brabant" not in staff
    # the reference dates are listed the Dutch way; the URL keeps the ISO date
    assert '"label":"01-10-2024","value":"2024-10-01"' in page.replace(" ", "")


def test_without_a_warehouse_the_page_says_so(tmp_path: Path) -> None:
    page = render(login_client(create_app(tmp_path), "coordinator"), "")
    assert "Nog geen gegevens: er is nog geen warehouse gepubliceerd." in page


@pytest.mark.browser
def test_capaciteit_page_on_the_demo(dash_duo, demo_warehouse: Path) -> None:
    wh = Warehouse(demo_warehouse)
    dates = queries.periods(wh, "peildatum")
    on = dates[-2]

    def value(kpi: str, code: str, unit_decimals: tuple[str, int]) -> str:
        row = queries.kpi_values(wh, [kpi], [on], municipality_code=code)
        return fmt.by_unit(row["value"].item(), *unit_decimals)

    # the filter change must show other figures, or the test would not see it
    assert value("werkvoorraad", BREDA, ("aantal", 0)) != value("werkvoorraad", DRIMMELEN, ("aantal", 0))
    start_and_login(dash_duo, create_app(demo_warehouse), "coordinator", f"/capaciteit?jaar={on}%26gemeente={BREDA}")
    dash_duo.wait_for_text_to_equal("#kpi-werkvoorraad .kpi-value", value("werkvoorraad", BREDA, ("aantal", 0)))
    assert dash_duo.find_element("h1").text == "Capaciteit Breda"
    assert dash_duo.find_element("#kpi-fte .kpi-value").text == value("fte", BREDA, ("fte", 2))
    dash_duo.wait_for_element("#werk-per-medewerker")

    dash_duo.select_dcc_dropdown("#capaciteit-gemeente", value="Drimmelen")
    dash_duo.wait_for_text_to_equal("h1", "Capaciteit Drimmelen")
    dash_duo.wait_for_text_to_equal("#kpi-werkvoorraad .kpi-value", value("werkvoorraad", DRIMMELEN, ("aantal", 0)))
    dash_duo.wait_for_text_to_equal("#kpi-leerplichtigen_per_fte .kpi-value",
                                    value("leerplichtigen_per_fte", DRIMMELEN, ("inwoners per fte", 0)))
    # the date the page opens on (the latest complete one, issue #9) stays out of the URL
    opens_on = default_period(wh, "capaciteit")
    assert dash_duo.driver.current_url == (f"{dash_duo.server_url}/capaciteit?"
                                           f"{'' if on == opens_on else f'peildatum={on}&'}gemeente={DRIMMELEN}")

    button = dash_duo.wait_for_element("#capaciteit-gemeenten-csv")
    dash_duo.driver.execute_script("arguments[0].click();", button)  # below the fold in the small window
    target = Path(dash_duo.download_path) / f"capaciteit-gemeenten-{on}-{DRIMMELEN}.csv"
    deadline = time.time() + 10
    while not target.exists() and time.time() < deadline:
        time.sleep(0.1)
    got = pd.read_csv(target, sep=";", dtype=str, encoding="utf-8-sig").set_index("Gemeente")
    assert list(got.index) == ["Drimmelen", "Regio West-Brabant"]
    for code, name in ((DRIMMELEN, "Drimmelen"), (queries.REGION_CODE, "Regio West-Brabant")):
        assert got.loc[name, "Fte totaal"] == value("fte", code, ("fte", 2))
        assert got.loc[name, "Werkvoorraad"] == value("werkvoorraad", code, ("aantal", 0))
        assert got.loc[name, "Leerplichtigen per fte leerplichtambtenaar"] == value(
            "leerplichtigen_per_fte", code, ("inwoners per fte", 0))
    assert dash_duo.get_logs() == []


def test_work_without_a_municipality_counts_in_the_region_only(tmp_path: Path) -> None:
    # a case without a gemeente_code: per-FTE figures once gave it a row with no municipality, which broke
    # suppression (and so this page) for the portfolio holder
    from tests.etl_helpers import load, write_files
    from tests.test_etl_load import FILES

    extra = {"medewerkers.csv": "medewerker;rol;gemeente_code;fte;begindatum\nLPA07;leerplichtambtenaar;GM0758;0,8;"
                                "01-01-2020\n",
             "zaken.csv": "zaak_id;bsn;soort;startdatum;behandelaar\nZ1;999990019;absoluut_verzuim;01-03-2024;LPA07\n"}
    wh = tmp_path / "wh"
    assert load(write_files(tmp_path / "src", {**FILES, **extra}), wh).published
    rows = queries.kpi_values(Warehouse(wh), ["werkvoorraad_per_fte", "nieuwe_zaken_per_fte"], breakdown=None)
    assert rows["municipality_code"].notna().all()
    page = render(login_client(create_app(wh), "wethouder"), "")
    assert "Capaciteit Regio West-Brabant" in page
