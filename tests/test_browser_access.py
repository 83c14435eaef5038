"""Each role logs in through the real login form in headless Chromium and sees what security.md says."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import start_and_login
from tests.etl_helpers import load, write_files
from tests.test_etl_load import FILES

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def small_warehouse(tmp_path_factory) -> Path:
    """Breda 2 and Altena 1 reported persons in 2023-2024, on 1,000 and 500 inhabitants aged 10."""
    root = tmp_path_factory.mktemp("rollen")
    assert load(write_files(root / "src", FILES), root / "wh").published
    return root / "wh"


def open_as(dash_duo, warehouse: Path, username: str, path: str = "/") -> None:
    from app import create_app

    start_and_login(dash_duo, create_app(warehouse), username, path)


def nav(dash_duo) -> list[str]:
    # textContent: below 1200 px the menu is folded (issue 11), and a hidden link has no .text
    return [a.get_attribute("textContent").strip() for a in dash_duo.find_elements(".rbl-nav .nav-link")]


def test_coordinator_sees_every_figure_unsuppressed(dash_duo, small_warehouse) -> None:
    open_as(dash_duo, small_warehouse, "coordinator")
    dash_duo.wait_for_text_to_equal("#kpi-relatief_verzuim_per_1000 .kpi-value", "2,0")  # 3 of 1.500
    assert dash_duo.find_elements("#kpi-afgekeurde_regels")  # data quality is the coordinator's too
    assert "Beheer" not in nav(dash_duo)
    assert dash_duo.get_logs() == []


def test_portfolio_holder_sees_small_numbers_suppressed(dash_duo, small_warehouse) -> None:
    open_as(dash_duo, small_warehouse, "wethouder", "/?gemeente=GM0758")
    dash_duo.wait_for_text_to_equal("h1", "Overzicht Breda")
    # 2 persons is a small number: the rate is not shown
    dash_duo.wait_for_text_to_equal("#kpi-relatief_verzuim_per_1000 .kpi-value", "–")
    assert not dash_duo.find_elements("#kpi-afgekeurde_regels")
    page = dash_duo.find_element("#_pages_content").text
    assert "2,0" not in page
    assert dash_duo.get_logs() == []


def test_staff_see_only_their_own_municipalities(dash_duo, small_warehouse) -> None:
    open_as(dash_duo, small_warehouse, "medewerker")
    dash_duo.wait_for_text_to_equal("h1", "Overzicht Breda")  # not the region
    dash_duo.wait_for_text_to_equal("#kpi-relatief_verzuim_per_1000 .kpi-value", "2,0")  # unsuppressed
    dash_duo.find_element(f"#{'gemeente-keuze'}").click()
    options = [o.text for o in dash_duo.find_elements(".Select-option, [role='option']")]
    assert "Regio West-Brabant" not in options and "Altena" not in options
    assert dash_duo.get_logs() == []


def test_a_bookmark_to_another_municipality_does_not_show_it_to_staff(dash_duo, small_warehouse) -> None:
    open_as(dash_duo, small_warehouse, "medewerker", "/?gemeente=GM1959")
    dash_duo.wait_for_text_to_equal("h1", "Overzicht Breda")
    assert "Altena" not in dash_duo.find_element("h1").text
    assert dash_duo.get_logs() == []


def test_administrator_sees_the_audit_log_and_no_figures(dash_duo, small_warehouse) -> None:
    open_as(dash_duo, small_warehouse, "beheerder", "/beheer")
    dash_duo.wait_for_text_to_equal("h1", "Beheer")
    dash_duo.wait_for_contains_text("#audit-log", "ingelogd")
    assert nav(dash_duo)[:2] == ["Data", "Beheer"]
    dash_duo.driver.get(f"{dash_duo.server_url}/")
    dash_duo.wait_for_text_to_equal("#geen-toegang h1", "Geen toegang")
    assert not dash_duo.find_elements(".kpi-value")
    assert dash_duo.get_logs() == []


def test_administrator_sees_the_load_history_and_rejected_rows(dash_duo, small_warehouse) -> None:
    open_as(dash_duo, small_warehouse, "beheerder", "/data")
    dash_duo.wait_for_text_to_equal("h1", "Data")
    dash_duo.wait_for_contains_text("#laadhistorie", "8")  # load 1 read 8 rows
    dash_duo.wait_for_contains_text("#actualiteit", "verzuimmeldingen")
    dash_duo.wait_for_contains_text("#bestanden", "verzuimmeldingen_2024-04.csv")
    dash_duo.driver.set_window_size(1280, 2200)
    dash_duo.driver.save_screenshot("/tmp/data_page.png")
    assert dash_duo.get_logs() == []
