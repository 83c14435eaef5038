"""Keyboard only, and a phone, in headless Chromium on the seeded demo warehouse (issue 11).

- The coordinator walks /verzuim with Tab and Enter alone: the skip link, into the school table, Enter on a row
  opens that school's detail, Enter on its close button closes it, Tab on to "Download CSV", Enter downloads the
  table; on the way, Enter on "Gegevens (CSV)" under the map downloads the map's table. Both files read back in
  the product's CSV dialect (`;`, decimal comma, UTF-8 with BOM).
- A portfolio holder's phone (390 x 844, emulated by Chromium's DevTools): the menu is folded, the page does not
  scroll sideways, and the first chart of /verzuim starts on the first screen; at 1024 px (a tablet) /kwartaal
  does not scroll sideways.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from tests.conftest import start_and_login
from tests.test_browser_a11y import page_ready

pytestmark = pytest.mark.browser


def press(dash_duo, key: str) -> dict:
    ActionChains(dash_duo.driver).send_keys(key).perform()
    return focused(dash_duo)


def focused(dash_duo) -> dict:
    return dash_duo.driver.execute_script("""
        const a = document.activeElement;
        return {tag: a.tagName, id: a.id, cls: String(a.className || ''), text: (a.textContent || '').trim(),
                row: a.closest('.ag-row') ? a.closest('.ag-row').getAttribute('row-id') : null};""")


def tab_until(dash_duo, wanted, limit: int = 80) -> dict:
    for _ in range(limit):
        now = press(dash_duo, Keys.TAB)
        if wanted(now):
            return now
    raise AssertionError(f"not reached with {limit} Tabs; focus on {focused(dash_duo)}")


def dutch_csv(raw: bytes) -> list[list[str]]:
    """A CSV in the product's dialect, or an assertion error saying which part differs."""
    assert raw.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte order mark"
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) > 1 and all(len(r) == len(rows[0]) for r in rows), "not one ';'-separated table"
    cells = [c for r in rows[1:] for c in r]
    assert not any(re.fullmatch(r"-?\d+\.\d{1,2}", c) for c in cells), "a decimal point instead of a comma"
    return rows


def test_keyboard_only_opens_a_school_and_downloads_its_table(dash_duo, demo_warehouse: Path) -> None:
    from app import create_app

    start_and_login(dash_duo, create_app(demo_warehouse), "coordinator", "/verzuim")
    until(lambda: page_ready(dash_duo), timeout=30)  # a fresh page: the first Tab goes to its first control
    assert press(dash_duo, Keys.TAB)["text"] == "Naar de inhoud"
    assert press(dash_duo, Keys.ENTER)["id"] == "inhoud"
    # on the way: the map's figures as a file, with the button under it
    tab_until(dash_duo, lambda f: "rbl-chart-csv" in f["cls"])
    press(dash_duo, Keys.ENTER)
    folder = Path(dash_duo.download_path)
    until(lambda: (folder / "kaart.csv").exists(), timeout=30)
    rows = dutch_csv((folder / "kaart.csv").read_bytes())
    assert rows[0] == ["Gemeente", "Relatief verzuim per 1.000 leerplichtigen"] and len(rows) == 1 + 16
    assert all(re.fullmatch(r"\d+,\d|<\d+|–|geen gegevens", r[1]) for r in rows[1:]), rows
    cell = tab_until(dash_duo, lambda f: "ag-cell" in f["cls"])
    assert cell["row"] == "0"  # the first school of the table
    school = dash_duo.driver.execute_script(
        "return document.querySelector('#verzuim-scholen .ag-row[row-id=\"0\"] [col-id=\"school_id\"]').textContent")
    press(dash_duo, Keys.ENTER)
    dash_duo.wait_for_contains_text("#verzuim-school-titel", school.strip())
    tab_until(dash_duo, lambda f: "btn-close" in f["cls"], limit=30)
    press(dash_duo, Keys.ENTER)
    until(lambda: not dash_duo.find_elements("#verzuim-school-modal.show"), timeout=10)
    tab_until(dash_duo, lambda f: f["id"] == "verzuim-download-csv", limit=30)
    press(dash_duo, Keys.ENTER)
    until(lambda: list(folder.glob("verzuim-per-school-*.csv")), timeout=30)
    rows = dutch_csv(next(folder.glob("verzuim-per-school-*.csv")).read_bytes())
    assert rows[0][:2] == ["Vestiging", "School"]
    assert school.strip() in {r[0] for r in rows[1:]}
    assert dash_duo.get_logs() == []


def test_phone_first_chart_on_the_first_screen_and_tablet(dash_duo, demo_warehouse: Path) -> None:
    from app import create_app

    start_and_login(dash_duo, create_app(demo_warehouse), "wethouder", "/")
    dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True})
    dash_duo.driver.get(f"{dash_duo.server_url}/verzuim")
    until(lambda: page_ready(dash_duo), timeout=30)
    sizes = dash_duo.driver.execute_script("""
        const top = s => document.querySelector(s).getBoundingClientRect();
        return {width: window.innerWidth, height: window.innerHeight, page: document.documentElement.scrollWidth,
                menu: top('#rbl-menu').height, graph: top('.dash-graph').top};""")
    assert (sizes["width"], sizes["height"]) == (390, 844)
    assert sizes["page"] <= 390  # nothing sticks out sideways
    assert sizes["menu"] == 0  # folded behind its button
    assert sizes["graph"] < 844, sizes
    # the menu opens with its button and closes when a page is chosen
    dash_duo.find_element("#rbl-menu-knop").click()
    dash_duo.wait_for_element("#rbl-menu.show .nav-link")
    assert dash_duo.find_element("#rbl-menu-knop").get_attribute("aria-expanded") == "true"
    # a tablet in the meeting room (1024 x 768): the quarterly view without sideways scrolling
    dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": 1024, "height": 768, "deviceScaleFactor": 2, "mobile": True})
    dash_duo.driver.get(f"{dash_duo.server_url}/kwartaal")
    until(lambda: page_ready(dash_duo), timeout=30)
    assert dash_duo.driver.execute_script("return document.documentElement.scrollWidth") <= 1024
    assert dash_duo.get_logs() == []


def test_a_laptop_s_menu_wraps_instead_of_running_off_the_screen(dash_duo, demo_warehouse: Path) -> None:
    """Seen at 1280 px: the coordinator's ten menu items and the account ran past the right edge (the page scrolled
    sideways and "Uitloggen" was cut off). They wrap to a second line now (assets/rbl.css)."""
    from app import create_app

    start_and_login(dash_duo, create_app(demo_warehouse), "coordinator", "/")
    dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False})
    dash_duo.driver.get(f"{dash_duo.server_url}/data")
    until(lambda: page_ready(dash_duo), timeout=30)
    sizes = dash_duo.driver.execute_script("""
        const links = [...document.querySelectorAll('#rbl-menu a, #rbl-menu button')];
        return {width: window.innerWidth, page: document.documentElement.scrollWidth,
                right: Math.max(...links.map(a => a.getBoundingClientRect().right)), links: links.length};""")
    assert sizes["links"] >= 11, sizes  # ten pages and the account
    assert sizes["page"] <= sizes["width"] and sizes["right"] <= sizes["width"], sizes
    assert dash_duo.get_logs() == []
