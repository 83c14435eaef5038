"""The page scaffolding (pages/_page.py, pages/_filters.py) and the recipes of docs/architecture.md that a test
can keep true: every page module is registered and built by the one wrapper; the period's URL parameter is
named for what it holds, and an old link's `jaar` still opens the same view."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from app import create_app
from tests.conftest import login_client
from tests.test_page_verzuim import callback
from tests.test_page_verzuim import render as page_text
from warehouse import queries
from warehouse.connection import Warehouse

ROOT = Path(__file__).resolve().parents[1]
PAGE_MODULES = sorted(p.stem for p in (ROOT / "pages").glob("*.py") if not p.stem.startswith("_"))
NO_WAREHOUSE_PAGES = {"beheer",  # reads the accounts store, never the warehouse
                      "toegankelijkheid", "over_de_cijfers"}  # words, the KPI registry and settings (issue 11)


def render(client, path: str, search: str) -> dict:
    """The page the router draws for `path` + `search` (Dash's JSON layout)."""
    return json.loads(page_text(client, path, search))["response"]["_pages_content"]["children"]


def url_written(client, page: str, inputs: list[tuple[str, str, object]], search: str) -> str | None:
    """What a page's filter -> URL callback writes to its URL after a change of municipality (None: nothing)."""
    status, response = callback(client, f"{page}-url.search", inputs, [(f"{page}-url", "search", search)],
                                f"{page}-gemeente.value")
    assert status in (200, 204), status
    return response[f"{page}-url"]["search"] if response else None


def test_every_page_module_is_registered_and_built_by_the_wrapper() -> None:
    app = create_app(ROOT / "no-warehouse-here")
    import dash

    registered = {p["module"].split(".")[-1] for p in dash.page_registry.values()}
    assert registered == set(PAGE_MODULES)
    for page in dash.page_registry.values():
        name = page["module"].split(".")[-1]
        if name in NO_WAREHOUSE_PAGES:
            continue
        source = (ROOT / "pages" / f"{name}.py").read_text()
        decorated = [d for node in ast.parse(source).body if isinstance(node, ast.FunctionDef) and node.name == "layout"
                     for d in node.decorator_list]
        assert any("page_layout" in ast.unparse(d) for d in decorated), f"pages/{name}.py: layout without page_layout"
    assert app is not None


def test_no_page_module_catches_a_missing_warehouse_itself() -> None:
    for name in PAGE_MODULES:
        assert "WarehouseMissing" not in (ROOT / "pages" / f"{name}.py").read_text(), name


@pytest.mark.parametrize("path, header", [
    ("/", "Overzicht Regio West-Brabant"), ("/verzuim", "Verzuim"), ("/vsv", "Voortijdig schoolverlaten"),
    ("/capaciteit", "Capaciteit"), ("/kwartaal", "Kwartaalrapportage"), ("/jaarverslag", "Jaarverslag"),
    ("/effectrapportage", "Effectrapportage Doorstroompunt"), ("/kostenverdeling", "Kostenverdeling"),
    ("/data", "Data"),
])
def test_without_a_warehouse_every_page_says_so_under_its_own_title(tmp_path: Path, path: str, header: str) -> None:
    page = json.dumps(render(login_client(create_app(tmp_path / "leeg"), "coordinator"), path, ""), ensure_ascii=False)
    assert f'"children": "{header}"' in page
    assert "er is nog geen warehouse gepubliceerd." in page.lower()


def test_query_reads_the_old_jaar_as_the_period_under_its_own_name() -> None:
    from pages import _filters

    assert _filters.query("?jaar=2023-2024&gemeente=GM0758", "schooljaar") == {
        "schooljaar": "2023-2024", "gemeente": "GM0758"}
    assert _filters.query("?teljaar=2022-2023", "teljaar") == {"teljaar": "2022-2023"}
    # a link with both: the new name counts, the old one is dropped
    assert _filters.query("?jaar=2020-2021&schooljaar=2023-2024", "schooljaar") == {"schooljaar": "2023-2024"}
    assert _filters.query({"jaar": "2025-K2", "gemeente": None, "x": ""}, "kwartaal") == {"kwartaal": "2025-K2"}
    assert _filters.search("2024-10-01", "GM0758", period_kind="peildatum") == "?peildatum=2024-10-01&gemeente=GM0758"


def _second_latest(wh: Path, kind: str) -> str:
    periods = queries.periods(Warehouse(wh), kind)
    assert len(periods) >= 3, (kind, periods)
    return periods[-3]  # not the latest, so it must come from the URL; for the effect report a closed year


@pytest.mark.parametrize("path, kind", [
    ("/verzuim", "schooljaar"), ("/vsv", "teljaar"), ("/capaciteit", "peildatum"), ("/kwartaal", "kwartaal"),
    ("/jaarverslag", "schooljaar"), ("/effectrapportage", "schooljaar"), ("/kostenverdeling", "begrotingsjaar"),
])
def test_an_old_link_with_jaar_opens_the_same_view_as_the_new_name(demo_warehouse: Path, path: str, kind: str) -> None:
    client = login_client(create_app(demo_warehouse), "coordinator")
    period = _second_latest(demo_warehouse, kind)
    new = render(client, path, f"?{kind}={period}&gemeente=GM1719")
    old = render(client, path, f"?jaar={period}&gemeente=GM1719")
    assert old == new
    # the period was understood: only a notice quotes a URL's value ("Onbekend schooljaar '...'")
    assert f"'{period}'" not in json.dumps(new, ensure_ascii=False)
    unknown = json.dumps(render(client, path, f"?{kind}=1900&gemeente=GM1719"), ensure_ascii=False)
    assert "'1900'" in unknown


@pytest.mark.parametrize("page, kind", [
    ("capaciteit", "peildatum"), ("kwartaal", "kwartaal"), ("jaarverslag", "schooljaar"), ("verzuim", "schooljaar"),
])
def test_a_filter_change_writes_the_new_name_also_from_an_old_link(demo_warehouse: Path, page: str, kind: str) -> None:
    client = login_client(create_app(demo_warehouse), "coordinator")
    period = _second_latest(demo_warehouse, kind)
    inputs = [(f"{page}-jaar", "value", period), (f"{page}-gemeente", "value", "GM1719")]
    if page == "verzuim":  # its URL callback also has the type of education and the map
        inputs += [("verzuim-soort", "value", ""), ("verzuim-kaart-kpi", "value", "relatief_verzuim_per_1000"),
                   ("verzuim-kaart", "clickData", None)]
    assert url_written(client, page, inputs, f"?jaar={period}") == f"?{kind}={period}&gemeente=GM1719"
    # the view the URL already shows, under the old name: nothing to write
    assert url_written(client, page, inputs, f"?jaar={period}&gemeente=GM1719") is None
