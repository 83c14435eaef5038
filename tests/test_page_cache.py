"""Fast pages (issue #12): what the caches keep is right for whoever asks, and goes with the next publish.

The page cache (pages/_router_cache.py) keeps Dash's router responses per warehouse version, role and filters;
warehouse/cache.py keeps the view API's results per version and arguments. Neither may show an old figure after
a publish, nor one role's figures to another. Figures by hand, from tests/test_etl_load.py's files: Breda has
1.000 pupils aged 10; March brings one absence report of one pupil in Breda (M1) and one in Altena (M2); April
brings a report of another Breda pupil (M3).
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
import pytest

from access import store
from app import VERSION_HEADER, create_app
from pages._router_cache import HEADER as CACHE_HEADER
from tests.conftest import login_client
from tests.etl_helpers import load, write_files
from tests.test_access import router_body
from tests.test_etl_load import APRIL, FILES
from warehouse import queries
from warehouse.connection import Warehouse

MARCH_ONLY = {k: v for k, v in FILES.items() if "2024-04" not in k}
BREDA = "?schooljaar=2023-2024&gemeente=GM0758"


@pytest.fixture
def march(tmp_path: Path) -> Path:
    wh = tmp_path / "wh"
    assert load(write_files(tmp_path / "march", MARCH_ONLY), wh).published
    return wh


def publish_april(wh: Path) -> None:
    assert load(write_files(wh.parent / "april", {"verzuimmeldingen_2024-04.csv": APRIL}), wh).published


def view(client, path: str, search: str = ""):
    response = client.post("/_dash-update-component", json=router_body(path, search))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


def test_a_cached_page_shows_the_new_figure_right_after_a_publish(march: Path) -> None:
    client = login_client(create_app(march), "coordinator")
    first, again = view(client, "/verzuim", BREDA), view(client, "/verzuim", BREDA)
    # March: 1 pupil of Breda's 1.000 with a report -> 1,0 per 1.000
    assert set(_absence_counts(first.get_data(as_text=True))) == {"1,0"}
    assert (first.headers[CACHE_HEADER], again.headers[CACHE_HEADER]) == ("miss", "hit")
    assert again.get_data() == first.get_data()
    assert first.headers[VERSION_HEADER] == again.headers[VERSION_HEADER] == "1"

    publish_april(march)
    after = view(client, "/verzuim", BREDA)
    # April: 2 pupils of 1.000 -> 2,0 per 1.000, read from version 2, not served from version 1's cache
    assert (after.headers[VERSION_HEADER], after.headers[CACHE_HEADER]) == ("2", "miss")
    assert set(_absence_counts(after.get_data(as_text=True))) == {"2,0"}
    assert view(client, "/verzuim", BREDA).headers[CACHE_HEADER] == "hit"


def _absence_counts(text: str) -> list[str]:
    """Breda's rate in the municipal trend's title: 'Breda: 1,0 per 1.000 in 2023-2024', or, since the fixture's
    school year runs past its last report (issue #9's partial marks), 'Breda: nog geen cijfers; 2023-2024 t/m
    04-03-2024 loopt nog: 1,0 per 1.000'."""
    return re.findall(r"Breda: [^\"]*?(\d+,\d) per 1\.000", text)


def test_a_portfolio_holder_never_gets_the_coordinator_s_cached_page(march: Path) -> None:
    app = create_app(march)
    coordinator, wethouder = login_client(app, "coordinator"), login_client(app, "wethouder")
    unsuppressed = view(coordinator, "/verzuim", BREDA)
    assert view(coordinator, "/verzuim", BREDA).headers[CACHE_HEADER] == "hit"  # the key is in the cache
    suppressed = view(wethouder, "/verzuim", BREDA)
    assert suppressed.headers[CACHE_HEADER] == "miss"  # same path and filters, another role: its own page
    assert suppressed.get_data() != unsuppressed.get_data()
    # one pupil is a small number: the coordinator sees the rate, the portfolio holder never does
    assert set(_absence_counts(unsuppressed.get_data(as_text=True))) == {"1,0"}
    assert "1,0" not in _absence_counts(suppressed.get_data(as_text=True))
    # and the portfolio holder's own page, served from the cache the second time, is the same suppressed one
    again = view(wethouder, "/verzuim", BREDA)
    assert again.headers[CACHE_HEADER] == "hit" and again.get_data() == suppressed.get_data()
    # a fresh app (no cache at all) builds the very same page for the portfolio holder
    assert view(login_client(create_app(march), "wethouder"), "/verzuim", BREDA).get_data() == suppressed.get_data()


def test_staff_of_other_municipalities_get_their_own_cached_pages(march: Path) -> None:
    store.add_account("medewerker-altena", "medewerker", "test-altena-wachtwoord-lang", ("GM1959",))
    app = create_app(march)
    breda_staff = login_client(app, "medewerker")  # assigned to GM0758 and GM1719 (conftest)
    altena_staff = app.server.test_client()
    altena_staff.environ_base["wsgi.url_scheme"] = "https"
    altena_staff.get("/login")
    with altena_staff.session_transaction() as sess:
        token = sess["csrf"]
    altena_staff.post("/login", data={"csrf": token, "gebruikersnaam": "medewerker-altena",
                                      "wachtwoord": "test-altena-wachtwoord-lang", "next": "/"})
    breda = view(breda_staff, "/verzuim")
    altena = view(altena_staff, "/verzuim")
    assert altena.headers[CACHE_HEADER] == "miss"
    assert "Verzuim Breda" in breda.get_data(as_text=True)
    assert "Verzuim Altena" in altena.get_data(as_text=True)
    assert "Verzuim Breda" not in altena.get_data(as_text=True)


def test_an_audited_view_is_logged_at_every_visit_also_from_the_cache(march: Path) -> None:
    client = login_client(create_app(march), "coordinator")

    def logged() -> int:
        return sum(1 for row in store.audit_log(100_000) if row[1] == "coordinator" and row[4].startswith("/data#"))

    before = logged()
    assert view(client, "/data").headers[CACHE_HEADER] == "miss"
    assert view(client, "/data").headers[CACHE_HEADER] == "hit"
    assert logged() == before + 2


def test_the_administrator_s_page_is_never_kept(march: Path) -> None:
    client = login_client(create_app(march), "beheerder")
    view(client, "/beheer")
    store.add_account("nieuw-account-beheer", "coordinator", "nieuw-account-wachtwoord-lang")
    second = view(client, "/beheer")
    assert second.headers[CACHE_HEADER] == "miss"
    assert "nieuw-account-beheer" in second.get_data(as_text=True)


def test_an_edited_explanation_shows_at_the_next_view(march: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("RBL_TOELICHTINGEN", str(tmp_path / "toelichtingen"))
    client = login_client(create_app(march), "coordinator")
    assert "Uitleg van de coordinator" not in view(client, "/verzuim", BREDA).get_data(as_text=True)
    text = tmp_path / "toelichtingen" / "verzuim_meldingen" / "2023-2024.md"
    text.parent.mkdir(parents=True)
    text.write_text("Uitleg van de coordinator: een school meldde later.", encoding="utf-8")
    after = view(client, "/verzuim", BREDA)
    assert after.headers[CACHE_HEADER] == "miss"
    assert "Uitleg van de coordinator" in after.get_data(as_text=True)


def test_view_api_results_are_kept_per_version_and_per_suppression(march: Path) -> None:
    wh = Warehouse(march)
    try:
        def breda(public: bool) -> object:
            frame = queries.kpi_values(wh, ["verzuim_meldingen"], ["2023-2024"], "GM0758", public=public)
            return frame["value"].iloc[0]

        assert breda(False) == 1  # one report (M1)
        assert breda(True) == "<5"  # the same call for a portfolio holder: suppressed, never the cached 1
        assert breda(False) == 1
        frame = queries.kpi_values(wh, ["verzuim_meldingen"], ["2023-2024"], "GM0758")
        frame["value"] = 99  # a caller changing its copy changes nothing for the next
        assert breda(False) == 1
        publish_april(march)
        assert breda(False) == 2  # M1 and M3, from version 2
        assert breda(True) == "<5"
    finally:
        wh.close()


def test_assets_and_pages_are_sent_compressed(march: Path) -> None:
    app = create_app(march)
    client = login_client(app, "coordinator")
    index = client.get("/").get_data(as_text=True)
    script = re.search(r'src="(/_dash-component-suites/dash_ag_grid/[^"]*\.js)"', index)
    assert script, "the page loads AG Grid's bundle"
    plain = client.get(script.group(1))
    packed = client.get(script.group(1), headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert len(packed.get_data()) < len(plain.get_data()) / 3
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    # served again from the worker's copy (recompressed at the highest level meanwhile, or not yet): the same file
    again = client.get(script.group(1), headers={"Accept-Encoding": "gzip"})
    assert gzip.decompress(again.get_data()) == plain.get_data()
    page = client.post("/_dash-update-component", json=router_body("/verzuim", BREDA),
                       headers={"Accept-Encoding": "br"})
    assert page.status_code == 200 and page.headers["Content-Encoding"] == "br"
    # a page served from the page cache is sent compressed from memory too: the same page
    again = client.post("/_dash-update-component", json=router_body("/verzuim", BREDA),
                        headers={"Accept-Encoding": "br"})
    plain_page = view(client, "/verzuim", BREDA)
    assert again.headers[CACHE_HEADER] == plain_page.headers[CACHE_HEADER] == "hit"
    assert brotli.decompress(again.get_data()) == brotli.decompress(page.get_data()) == plain_page.get_data()


def test_the_warm_up_builds_pages_before_their_first_visit_and_again_after_a_publish(march: Path) -> None:
    from pages._router_cache import EXTENSION, WARM_USER, start_warmup

    app = create_app(march, warm_pages=48)
    start_warmup(app.server)  # as app.wsgi does
    warmer = app.server.extensions[EXTENSION].warmer
    assert warmer.idle.wait(300)
    client = login_client(app, "coordinator")
    audited = len(store.audit_log(100_000))
    # every page's default view was built for the coordinator before the first visit
    assert view(client, "/verzuim").headers[CACHE_HEADER] == "hit"
    assert view(client, "/data").headers[CACHE_HEADER] == "hit"
    log = store.audit_log(100_000)
    # building /data ahead wrote nothing to the audit log; the visit did, for the one who looked
    assert not [row for row in log if row[1] == WARM_USER]
    assert [row[1] for row in log[:len(log) - audited]] == ["coordinator"]
    assert set(_absence_counts(view(client, "/verzuim", BREDA).get_data(as_text=True))) == {"1,0"}

    publish_april(march)
    first = view(client, "/")  # the first request on version 2 starts building again what was viewed last
    assert first.headers[VERSION_HEADER] == "2"
    assert warmer.idle.wait(300)
    again = view(client, "/verzuim", BREDA)
    assert (again.headers[VERSION_HEADER], again.headers[CACHE_HEADER]) == ("2", "hit")
    assert set(_absence_counts(again.get_data(as_text=True))) == {"2,0"}


def test_the_figure_cache_starts_afresh_with_a_version_and_stays_within_its_budget(monkeypatch) -> None:
    import pandas as pd

    from warehouse.cache import per_version

    class Published:  # what the cache reads of a warehouse: the version a request pinned
        version = "1"

    calls: list[tuple[str, int]] = []

    @per_version()
    def frame(wh, n: int) -> pd.DataFrame:
        calls.append((wh.version, n))
        return pd.DataFrame({"x": range(n)})

    monkeypatch.setenv("RBL_FIGURE_CACHE_MB", "1")  # read when the warehouse's cache is made
    wh = Published()
    assert frame(wh, 3)["x"].tolist() == [0, 1, 2] and frame(wh, 3)["x"].tolist() == [0, 1, 2]
    assert calls == [("1", 3)]
    wh.version = "2"
    frame(wh, 3)
    assert calls == [("1", 3), ("2", 3)]  # a new version: computed again
    for n in range(10_000, 10_010):  # ten frames of 80 kB each ...
        frame(wh, n)
    frame(wh, 10_009)
    frame(wh, 10_000)  # ... fit in 1 MB: none computed twice
    assert len(calls) == 12
    for n in range(30_000, 30_005):  # 240 kB each: the least recently used go
        frame(wh, n)
    frame(wh, 10_000)
    assert calls[-1] == ("2", 10_000)


def test_the_browser_code_is_kept_recompressed_and_a_page_s_data_only_under_its_cache_token() -> None:
    import time

    import plotly as plotly_package
    from backports import zstd

    from pages._compressed_assets import DYNAMIC, PAGE, CompressedAssets

    bundle = Path(plotly_package.__file__).parent / "package_data" / "plotly.min.js"
    plotly = bundle.read_bytes()[:400_000]
    fast = zstd.compress(plotly, 3)
    backend = CompressedAssets(recompress=True)
    key = "zstd;/_dash-component-suites/plotly/package_data/plotly.min.js"
    backend.set(key, fast)
    deadline = time.monotonic() + 120
    while backend.get(key) == fast and time.monotonic() < deadline:  # recompressed in the background
        time.sleep(0.05)
    assert len(backend.get(key)) < len(fast) and zstd.decompress(backend.get(key)) == plotly
    backend.set(f"zstd;{DYNAMIC}", b"a page's figures")  # an answer the page cache does not keep: never kept
    assert backend.get(f"zstd;{DYNAMIC}") is None
    backend.set(f"zstd;{PAGE}abc", b"kept page")
    assert backend.get(f"zstd;{PAGE}abc") == b"kept page"
