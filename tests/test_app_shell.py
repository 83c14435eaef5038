"""The app shell: create_app twice in one process, navigation from the page registry, no data in the
layout, assets local only. Served through Flask's test client, no browser.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import dash
import duckdb
import pytest
from dash import html

from app import create_app, wsgi
from presentation import style as _style
from tests.conftest import login_client
from tests.test_access import router_body
from warehouse.connection import DB_FILENAME
from warehouse.queries import REGION_CODE

PROJECT = Path(__file__).resolve().parents[1]


def write_warehouse(folder: Path, region_value: float) -> Path:
    """The smallest warehouse the overview reads: one absence figure for the region and for Breda."""
    folder.mkdir(parents=True)
    con = duckdb.connect(str(folder / DB_FILENAME))
    con.execute("""
        CREATE TABLE mart_kpi_values (kpi_id VARCHAR, period VARCHAR, municipality_code VARCHAR,
            breakdown VARCHAR, value DOUBLE, numerator DOUBLE, denominator DOUBLE);
        CREATE TABLE mart_periods AS SELECT 'schooljaar' AS period_kind, '2024-2025' AS period;
        CREATE TABLE int_municipalities AS
            SELECT 'GM0758' AS gemeente_code, 'Breda' AS naam, '2' AS uitvoeringsniveau;
        CREATE TABLE load_history (load_id INTEGER, started_at TIMESTAMP, finished_at TIMESTAMP, load_date DATE,
            result VARCHAR);
        INSERT INTO load_history VALUES (1, '2026-11-23 08:00', '2026-11-23 08:05', '2026-11-23', 'gepubliceerd');
    """)
    con.executemany(
        "INSERT INTO mart_kpi_values VALUES ('relatief_verzuim_per_1000', '2024-2025', ?, '', ?, NULL, NULL)",
        [(REGION_CODE, region_value), ("GM0758", 41.0)],
    )
    con.close()
    return folder


def render(client, search: str = "") -> str:
    """The overview as Dash's page router serves it to the browser (the same request, as JSON)."""
    client.get("/")  # the first request sets up the router callback
    response = client.post("/_dash-update-component", json=router_body("/", search))
    assert response.status_code == 200, response.text
    return response.get_data(as_text=True)


def components(tree, kind: type) -> list:
    """Every component of one kind in a layout tree."""
    found = [tree] if isinstance(tree, kind) else []
    children = getattr(tree, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if isinstance(child, dash.development.base_component.Component):
            found += components(child, kind)
    return found


def callback_outputs(client) -> list[str]:
    return [d["output"] for d in client.get("/_dash-dependencies").get_json()]


def test_create_app_twice_gives_two_working_apps(tmp_path):
    app_a = create_app(write_warehouse(tmp_path / "a", 23.4))
    app_b = create_app(write_warehouse(tmp_path / "b", 57.6))
    client_a, client_b = login_client(app_a), login_client(app_b)

    page_a, page_b = render(client_a), render(client_b)

    # each app reads its own warehouse
    assert "23,4" in page_a and "57,6" not in page_a
    assert "57,6" in page_b and "23,4" not in page_b
    # and each has the page callbacks exactly once, though both imported the same page modules
    for client in (client_a, client_b):
        assert callback_outputs(client).count("rbl-url.search") == 1


def test_a_third_app_after_serving_still_has_its_callbacks(tmp_path):
    first = create_app(write_warehouse(tmp_path / "a", 23.4))
    render(login_client(first))
    second = create_app(tmp_path / "a")

    assert callback_outputs(login_client(second)).count("rbl-url.search") == 1


def test_municipality_in_the_query_string_reaches_the_layout(tmp_path):
    client = login_client(create_app(write_warehouse(tmp_path / "wh", 23.4)))

    page = render(client, "?gemeente=GM0758")

    # Breda's own value; since issue #9 the region's 23,4 stands beside it, marked as the region's
    assert "Overzicht Breda" in page and "41,0" in page
    assert page.index("41,0") < page.index("Regio West-Brabant: ") < page.index("23,4")


def nav_links(client) -> list[tuple[str, str]]:
    """The navbar links of the layout served to a logged-in client (without the logout link)."""
    found: list[tuple[str, str]] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("type") == "NavLink" and node["props"].get("id") != "uitloggen":
                found.append((node["props"]["children"], node["props"]["href"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(client.get("/_dash-layout").get_json())
    return found


def test_navbar_is_built_from_the_page_registry(tmp_path):
    app = create_app(tmp_path)

    links = nav_links(login_client(app, "coordinator"))

    # pages marked in_menu=False (the accessibility statement, "Over deze cijfers") are in the footer instead
    assert links == [(page["name"], page["relative_path"]) for page in dash.page_registry.values()
                     if "coordinator" in page.get("access", ()) and page.get("in_menu", True)]
    assert ("Overzicht", "/") in links
    # no figures for the administrator: the data quality and the administration
    assert nav_links(login_client(app, "beheerder")) == [("Data", "/data"), ("Beheer", "/beheer")]


def test_a_new_page_appears_in_the_navbar_by_itself(tmp_path, monkeypatch):
    import_pages = dash.dash._import_layouts_from_pages

    def import_pages_and_one_more(folder):  # as if pages/ held one more module
        import_pages(folder)
        dash.register_page("extra_page", path="/extra", name="Extra pagina", layout=html.Div(), order=9,
                           access=("coordinator",))

    monkeypatch.setattr(dash.dash, "_import_layouts_from_pages", import_pages_and_one_more)
    app = create_app(tmp_path)

    links = nav_links(login_client(app))
    assert links[:3] == [("Overzicht", "/"), ("Extra pagina", "/extra"), ("Verzuim", "/verzuim")]  # by its order
    assert links.count(("Extra pagina", "/extra")) == 1 and links[-1] == ("Data", "/data")


def test_layout_holds_no_data(tmp_path):
    app = create_app(write_warehouse(tmp_path / "wh", 23.4))
    client = login_client(app)

    shell = client.get("/_dash-layout").get_data(as_text=True)

    assert "Overzicht" in shell and "_pages_content" in shell  # the navbar and the page container
    for data in ("23,4", "23.4", "Breda", "Gegevens van", "relatief_verzuim"):
        assert data not in shell
    assert "23,4" in render(client)  # the figure is there, in the page the router serves


def test_no_warehouse_yet_gives_a_page_not_an_error(tmp_path):
    page = render(login_client(create_app(tmp_path / "nog-leeg")))

    assert "Nog geen gegevens: er is nog geen warehouse gepubliceerd." in page


def test_warehouse_folder_from_argument_env_or_default(tmp_path, monkeypatch):
    monkeypatch.delenv("RBL_WAREHOUSE", raising=False)
    assert create_app().server.config["WAREHOUSE"].dir == PROJECT / "data" / "warehouse"
    monkeypatch.setenv("RBL_WAREHOUSE", str(tmp_path / "env"))
    assert create_app().server.config["WAREHOUSE"].dir == tmp_path / "env"
    assert create_app(tmp_path / "arg").server.config["WAREHOUSE"].dir == tmp_path / "arg"
    assert wsgi().config["WAREHOUSE"].dir == tmp_path / "env"  # gunicorn 'app:wsgi()'


def test_everything_is_served_locally(tmp_path):
    app = create_app(tmp_path)
    client = login_client(app)

    index = client.get("/").get_data(as_text=True)

    addresses = re.findall(r'(?:src|href)="([^"]+)"', index)
    assert addresses and all(a.startswith("/") and not a.startswith("//") for a in addresses), addresses
    assert "/assets/bootstrap.min.css" in index and "/assets/rbl.css" in index
    assert index.index("/assets/bootstrap.min.css") < index.index("/assets/rbl.css")  # ours overrides
    assert app.config.serve_locally


def test_bootstrap_version_is_the_one_the_readme_names():
    css = (PROJECT / "assets" / "bootstrap.min.css").read_text(encoding="utf-8")
    version = re.search(r"Bootstrap\s+v(\d+\.\d+\.\d+)", css).group(1)

    assert version.startswith("5.")
    assert f"Bootstrap {version}" in (PROJECT / "assets" / "README.md").read_text(encoding="utf-8")


def test_css_palette_matches_the_plotly_constants():
    css = (PROJECT / "assets" / "rbl.css").read_text(encoding="utf-8")
    pairs = re.findall(r"--rbl-([a-z-]+):\s*(#[0-9A-Fa-f]{6})", css)
    variables = {name: value.upper() for name, value in pairs}

    expected = {**_style.OKABE_ITO, "text": _style.TEXT, "muted": _style.MUTED, "grid": _style.GRID,
                "background": _style.BACKGROUND}
    assert {k: variables.get(k) for k in expected} == {k: v.upper() for k, v in expected.items()}
    assert list(_style.COLORWAY) == list(_style.OKABE_ITO.values())
    assert json.dumps(_style.plotly_template())  # a plain, serialisable template


@pytest.mark.parametrize("module", ["app.py", *sorted(p.name for p in (PROJECT / "pages").glob("*.py"))])
def test_no_sql_and_no_cdn_in_the_web_code(module):
    path = PROJECT / module if module == "app.py" else PROJECT / "pages" / module
    source = path.read_text(encoding="utf-8")

    assert not re.search(r"\b(SELECT|FROM mart_|INSERT|CREATE TABLE)\b", source)
    assert "cdn" not in source.lower() and "dbc.themes" not in source
