"""RBL Monitor: the app factory, and `python app.py` for a local server.

Wiring only: pages (pages/*.py) hold the layouts, figures and callbacks; the warehouse is read through
warehouse.queries. `python app.py` (and `make run`) serves with gunicorn, the production WSGI server:
2 worker processes of 4 threads (gthread), which fits the 2 cores of the bureau's server; each worker
builds its own app. `python app.py --dev` (`make run DEV=1`) runs Flask's development server instead.
RBL_HOST, RBL_PORT, RBL_WORKERS and RBL_THREADS override the defaults. The same by hand:

    gunicorn --worker-class gthread --workers 2 --threads 4 --bind 127.0.0.1:8050 'app:wsgi()'
"""

from __future__ import annotations

import argparse
import contextlib
import os
from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html
from flask import Flask, Response, has_request_context, request

from access.web import current_viewer, guard_page_layouts, install, logout_form
from pages import _router_cache
from pages._components import LOCATION_ID
from pages._compressed_assets import CompressedAssets
from pages._compressed_assets import cache_key as compressed_key
from pages._data import WAREHOUSE_KEY
from warehouse.connection import Warehouse, WarehouseMissing

PROJECT = Path(__file__).resolve().parent
DEFAULT_WAREHOUSE = PROJECT / "data" / "warehouse"
VERSION_HEADER = "X-RBL-Version"


def create_app(warehouse_dir: str | Path | None = None, warm_pages: int = 0,
               best_compression: bool = False) -> dash.Dash:
    """A new app on the warehouse in `warehouse_dir` (else env RBL_WAREHOUSE, else data/warehouse); with
    `warm_pages`, it builds that many pages ahead of their first visit (pages/_router_cache.py); with
    `best_compression`, it recompresses the browser code at the highest level (pages/_compressed_assets.py).
    The production server (`wsgi`) does both."""
    _forget_previous_pages()
    server = Flask(__name__)
    # the browser code compressed once at the highest level, everything else per response (pages/_compressed_assets.py)
    server.config.update(COMPRESS_CACHE_BACKEND=lambda: CompressedAssets(best_compression),
                         COMPRESS_CACHE_KEY=compressed_key)
    app = dash.Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder=str(PROJECT / "pages"),
        assets_folder=str(PROJECT / "assets"),
        title="RBL Monitor",
        serve_locally=True,
        update_title=None,  # no "Updating..." flicker in the tab title on every callback
        compress=True,  # flask-compress: zstd/brotli/gzip as the browser asks; plotly.js alone is 4,6 MB plain
    )
    app.index_string = INDEX_STRING
    _menu_toggle(app)
    _claim_page_callbacks(app)
    guard_page_layouts()
    folder = warehouse_dir or os.environ.get("RBL_WAREHOUSE") or DEFAULT_WAREHOUSE
    warehouse = app.server.config[WAREHOUSE_KEY] = Warehouse(folder)
    _pin_warehouse_per_request(app.server, warehouse)
    # The shell holds no data: the navbar shows the pages of the viewer's role; pages draw the figures.
    app.layout = _shell
    install(app, secure_cookies=os.environ.get("RBL_INSECURE_COOKIES") != "1")
    _router_cache.install(app.server, warehouse, warm_pages)  # after the guard: a refused request never gets here
    return app


def _pin_warehouse_per_request(server: Flask, warehouse: Warehouse) -> None:
    """Every request reads the version published when it started, also when a load publishes half-way
    (warehouse/connection.py); the version's connection stays open until its last request ends."""

    @server.before_request
    def _pin() -> None:
        with contextlib.suppress(WarehouseMissing):  # pages say so themselves
            warehouse.pin()

    @server.after_request
    def _version(response: Response) -> Response:
        # the version a callback's answer was read from: the load test checks no answer mixes two
        if request.path == "/_dash-update-component" and warehouse.pinned is not None:
            response.headers[VERSION_HEADER] = warehouse.pinned
        return response

    @server.teardown_request
    def _unpin(_exc: BaseException | None) -> None:
        warehouse.unpin()


# Dash's own page, with the language of every page (WCAG 3.1.1) and a place for the footer's scripts
INDEX_STRING = """<!DOCTYPE html>
<html lang="nl">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""
MENU_ID, MENU_TOGGLE_ID, CONTENT_ID = "rbl-menu", "rbl-menu-knop", "inhoud"


def _shell() -> html.Div:
    skip = html.A("Naar de inhoud", href=f"#{CONTENT_ID}", className="rbl-skip-link visually-hidden-focusable")
    return html.Div([skip, _navbar(), dcc.Location(id=LOCATION_ID, refresh="callback-nav"), _main(), _footer()])


def _menu_toggle(app: dash.Dash) -> None:
    """The phone's menu button opens and closes the menu; choosing a page closes it. In the browser only
    (a clientside callback): it touches no data, so the server's callback guard never sees it."""
    app.clientside_callback(
        """function(clicks, path, open) {
            const trigger = (window.dash_clientside.callback_context.triggered[0] || {}).prop_id || '';
            const next = trigger.startsWith('_pages_location') ? false : !open;
            return [next, String(next)];
        }""",
        Output(MENU_ID, "is_open"), Output(MENU_TOGGLE_ID, "aria-expanded"),
        Input(MENU_TOGGLE_ID, "n_clicks"), Input("_pages_location", "pathname"),
        State(MENU_ID, "is_open"), prevent_initial_call=True,
    )


def wsgi() -> Flask:
    """The Flask server of a new app, for gunicorn (it cannot call `create_app().server` itself); it warms
    `RBL_PAGE_WARMUP` pages (default 48, 0 = none) at start and after each publish, and recompresses the browser
    code at the highest level (docs/operations.md)."""
    server = create_app(warm_pages=int(os.environ.get("RBL_PAGE_WARMUP", "48")), best_compression=True).server
    _router_cache.start_warmup(server)
    return server


def _forget_previous_pages() -> None:
    """Start from an empty page registry, as Dash's own multi-page tests do between tests.

    Dash keeps `dash.page_registry` in a module global. Every new app imports the page modules afresh
    and they register again; clearing first means the app has exactly the pages in pages/ now.
    """
    dash._pages.PAGE_REGISTRY.clear()


def _claim_page_callbacks(app: dash.Dash) -> None:
    """Bind the callbacks the page modules just registered with `dash.callback` to this app.

    Dash parks them in module globals and hands them to whichever app serves its first request first.
    With two apps in one process (a test per app), the other one would have no page callbacks, or
    duplicates. Taking them now, while this app imports its pages, gives every app its own set.
    """
    pending = dash._callback
    app.callback_map.update(pending.GLOBAL_CALLBACK_MAP)
    app._callback_list.extend(pending.GLOBAL_CALLBACK_LIST)
    app._inline_scripts.extend(pending.GLOBAL_INLINE_SCRIPTS)  # clientside callbacks
    pending.GLOBAL_CALLBACK_MAP.clear()
    pending.GLOBAL_CALLBACK_LIST.clear()
    pending.GLOBAL_INLINE_SCRIPTS.clear()


def _navbar() -> dbc.Navbar:
    """One link per registered page the viewer may open, in the pages' own order: the menu cannot
    drift from the routes. (Hiding a link is not access control: the page checks the role itself.)"""
    viewer = current_viewer() if has_request_context() else None
    role = viewer.role if viewer else None
    links = [
        dbc.NavItem(dbc.NavLink(page["name"], href=page["relative_path"], active="exact"))
        for page in dash.page_registry.values() if role in page.get("access", ()) and page.get("in_menu", True)
    ]
    if viewer is not None:
        links.append(dbc.NavItem(logout_form(viewer)))  # a POST with the CSRF token: a link cannot log out
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand("RBL Monitor", href="/", className="rbl-brand"),
                # below 1200 px (phone, tablet) the menu folds behind one button: ten links do not fit a tablet
                html.Button([html.Span(className="navbar-toggler-icon"), html.Span("Menu", className="ms-2")],
                            id=MENU_TOGGLE_ID, n_clicks=0, type="button", className="navbar-toggler",
                            **{"aria-controls": MENU_ID, "aria-expanded": "false"}),
                dbc.Collapse(dbc.Nav(links, className="rbl-nav ms-xl-auto", navbar=True), id=MENU_ID,
                             is_open=False, navbar=True),
            ],
            fluid="xl",  # lines up with the page content below
        ),
        className="rbl-navbar mb-3 mb-xl-4",
        dark=True,
        expand="xl",
    )


def _main() -> html.Main:
    # the skip link's target: focusable by script only, so the next Tab goes on from the content
    return html.Main(dbc.Container(dash.page_container, fluid="xl"), className="rbl-main", id=CONTENT_ID,
                     tabIndex="-1")


def _footer() -> html.Footer:
    return html.Footer(dbc.Container(html.Nav([
        html.A("Toegankelijkheid", href="/toegankelijkheid", className="me-3"),
        html.A("Over deze cijfers", href="/over-de-cijfers"),
    ], **{"aria-label": "Over deze site"}), fluid="xl"), className="rbl-footer small py-3")


def serve(host: str, port: int, workers: int, threads: int) -> None:
    """gunicorn in this process: `workers` processes of `threads` threads, each with its own app."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
                               "worker_class": "gthread", "timeout": 120,  # the PDF pack draws charts
                               "accesslog": "-", "umask": 0o077}.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return wsgi()

    Server().run()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python app.py", description="RBL Monitor serveren.")
    parser.add_argument("--dev", action="store_true", help="Flask's ontwikkelserver in plaats van gunicorn")
    args = parser.parse_args(argv)
    os.umask(0o077)  # whatever the server writes (the accounts store) is the service account's only
    host, port = os.environ.get("RBL_HOST", "127.0.0.1"), int(os.environ.get("RBL_PORT", "8050"))
    if args.dev:
        create_app().run(host=host, port=port, debug=False)
    else:
        serve(host, port, int(os.environ.get("RBL_WORKERS", "2")), int(os.environ.get("RBL_THREADS", "4")))


if __name__ == "__main__":
    main()
