"""The page cache: Dash's router response (a whole page, as JSON) kept per published warehouse version.

Building a page costs its queries, its plotly figures and turning them into JSON (together 0,1-0,8 s on the
bureau's 2 cores, docs/performance.md); the same page for the same kind of viewer on the same version is the
same bytes. So the router callback's response is kept, in this worker process, under a key of everything a page
may depend on:

- the warehouse version the request pinned (warehouse/connection.py): a publish makes every old entry useless,
  and the request's own version is the one its response was built from (never a mix of two versions);
- the router's inputs (path and query string: the filters);
- the viewer's role and municipalities (never the cached page of another role: a portfolio holder's suppressed
  figures and a coordinator's unsuppressed ones have different keys; staff see their own municipalities);
- today's date (pages count days to a deadline), and the time-series notes and the coordinator's explanations
  (read from disk: warehouse/notes.py; an edit shows at the next view, as without the cache).

A page is never kept when building it read the account store (`access.store.watch`: /beheer shows the store
itself); a page whose build wrote audit entries (the coordinator's person-level tables) is kept with those
entries, and they are written again, for the viewer of the moment, at every visit served from the cache: the
audit log misses no view. Only a 200 response is kept. The cache holds at most `RBL_PAGE_CACHE_MB` (default
64) MB of JSON per worker, least recently used out first. `X-RBL-Cache: hit|miss` says which (tests, the load test).

One build per page at a time: a request for a page another request (or the warm-up) is building waits for it.

**Warm-up** (the production server: `app.wsgi`, `RBL_PAGE_WARMUP` pages, default 48; 0 = off): a worker builds
pages before anyone asks, in one background thread: at start every page's default view for each kind of viewer
the account store holds (role and municipalities), and when a request first reads a newly published version the
pages that were viewed most recently on the version before, then the default views. A page is built as Dash
builds it for a request (the same view function, for a viewer of that role and those municipalities), without a
login: only in this process, never reachable from outside. Audit entries of such a build are not written (nobody
saw the page) but kept with it, and written at each visit.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict, deque
from datetime import date
from typing import NamedTuple

import dash
from flask import Flask, Response, g, request

from access import store
from access.roles import Viewer
from access.web import current_viewer
from warehouse import notes
from warehouse.connection import Warehouse, WarehouseMissing

ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."
HEADER = "X-RBL-Cache"
EXTENSION = "rbl_page_cache"
WAIT_S = 60  # how long a request waits for another's build of the same page before building it itself
WARM_USER = "(vooraf opgebouwd)"


class _Entry(NamedTuple):
    version: str
    body: bytes
    content_type: str
    audits: tuple[tuple[str, str], ...]  # (action, target) of each audit entry its build wrote
    request: dict  # the router request, to build the page again on the next version
    scope: tuple[str, tuple[str, ...]]  # the viewer's role and municipalities


class PageCache:
    """A byte-bounded LRU of router responses; entries of a version older than the newest seen are dropped."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes, self.size = max_bytes, 0
        self.entries: OrderedDict[tuple, _Entry] = OrderedDict()
        self.seen: dict[str, int] = {}  # version -> order first seen
        self.building: dict[tuple, threading.Event] = {}
        self.lock = threading.Lock()
        self.warmer: Warmer | None = None

    def get(self, key: tuple) -> _Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def new_version(self, version: str) -> list[_Entry] | None:
        """None when `version` was seen before; else the entries kept so far, most recently used first."""
        with self.lock:
            if version in self.seen:
                return None
            self.seen[version] = len(self.seen)
            return list(reversed(self.entries.values()))

    def claim(self, key: tuple) -> threading.Event | None:
        """None: the caller builds the page (and calls `done`); else the event of the build under way."""
        with self.lock:
            if key in self.building:
                return self.building[key]
            self.building[key] = threading.Event()
            return None

    def done(self, key: tuple) -> None:
        with self.lock:
            event = self.building.pop(key, None)
        if event is not None:
            event.set()

    def put(self, key: tuple, entry: _Entry) -> bool:
        """Keep a page; False when it is not kept (too large, or of a version a publish has replaced)."""
        if len(entry.body) > self.max_bytes // 4:
            return False
        with self.lock:
            order = self.seen.setdefault(entry.version, len(self.seen))
            if order < max(self.seen.values()):
                return False  # built on a version a publish has replaced: its last requests need no cache
            for old in [k for k, e in self.entries.items() if e.version != entry.version]:
                self._drop(old)
            if key in self.entries:
                self._drop(key)
            self.entries[key] = entry
            self.size += len(entry.body)
            while self.size > self.max_bytes:
                self._drop(next(iter(self.entries)))
        return True

    def _drop(self, key: tuple) -> None:
        self.size -= len(self.entries.pop(key).body)


def words_fingerprint() -> str:
    """A digest of the words beside the figures that pages read from disk on every view (warehouse/notes.py)."""
    digest = hashlib.blake2b(digest_size=16)
    folder = notes.explanations_dir()
    paths = [notes.notes_file(), *(sorted(folder.rglob("*")) if folder.is_dir() else [])]
    for path in paths:
        if path.is_file():
            digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def page_key(version: str, body: dict, viewer: Viewer) -> tuple:
    """Everything a page may depend on (module doc)."""
    inputs = json.dumps([body.get("inputs"), body.get("state")], sort_keys=True)
    return (version, inputs, viewer.role, tuple(viewer.municipalities), date.today().isoformat(),
            words_fingerprint())


def _request_key(warehouse: Warehouse) -> tuple[tuple, dict] | None:
    """(key, router request) of this request, or None when it is not a page router request of a logged-in viewer
    on a published warehouse."""
    if request.method != "POST" or request.path != "/_dash-update-component":
        return None
    try:
        body = json.loads(request.get_data(cache=True))
    except ValueError:
        return None
    viewer = current_viewer()
    if not isinstance(body, dict) or body.get("output") != ROUTER_OUTPUT or viewer is None:
        return None
    try:
        version = warehouse.version
    except WarehouseMissing:
        return None
    return page_key(version, body, viewer), body


def _entry(key: tuple, response: Response, used: list[tuple[str, ...]], body: dict, viewer: Viewer) -> _Entry | None:
    """What to keep of a built page, or None when it may not be kept."""
    if (response.status_code != 200 or not all(u[0] == "audit" for u in used) or response.is_streamed
            or "Content-Encoding" in response.headers):
        return None
    audits = tuple((action, target) for _, action, target in used)
    return _Entry(key[0], response.get_data(), response.headers["Content-Type"], audits, body,
                  (viewer.role, tuple(viewer.municipalities)))


def router_request(path: str, search: str = "") -> dict:
    """The body of Dash Pages' router callback for a page, as the browser sends it."""
    return {"output": ROUTER_OUTPUT,
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}


def _token(key: tuple) -> str:
    """A digest of a page's key: what its compressed form is kept under (pages/_compressed_assets.py)."""
    return hashlib.blake2b(repr(key).encode(), digest_size=16).hexdigest()


def _serve(cache: PageCache, entry: _Entry) -> Response:
    g.rbl_page_hit = True
    g.rbl_page_token = _token(g.rbl_page_key)
    viewer = current_viewer()
    for action, target in entry.audits:
        store.audit(viewer.username, viewer.role, action, target)
    return Response(entry.body, status=200, content_type=entry.content_type)


def install(server: Flask, warehouse: Warehouse, warm: int = 0) -> PageCache:
    """Serve page router requests from the cache (registered after the access guard: a refused request never
    reaches it); with `warm` > 0, build up to that many pages ahead of their first visit (module doc)."""
    cache = PageCache(int(float(os.environ.get("RBL_PAGE_CACHE_MB", "64")) * 2**20))
    server.extensions[EXTENSION] = cache
    if warm > 0:
        cache.warmer = Warmer(server, warehouse, cache, warm)  # started by `start_warmup` once the app is complete

    @server.before_request
    def _serve_cached() -> Response | None:
        found = _request_key(warehouse)
        if found is None:
            return None
        key, body = found
        g.rbl_page_key, g.rbl_page_request = key, body
        previous = cache.new_version(key[0])
        if previous is not None and cache.warmer is not None and len(cache.seen) > 1:
            cache.warmer.start([(e.request, e.scope) for e in previous])
        entry = cache.get(key)
        if entry is not None:
            return _serve(cache, entry)
        other = cache.claim(key)
        if other is not None:  # someone builds this very page now: wait for it rather than build it twice
            other.wait(WAIT_S)
            entry = cache.get(key)
            if entry is not None:
                return _serve(cache, entry)
        else:
            g.rbl_page_claimed = True
        g.rbl_store_used = store.watch()
        return None

    @server.after_request
    def _keep(response: Response) -> Response:
        key = g.pop("rbl_page_key", None)
        if key is None:
            return response
        store.unwatch()
        hit = g.pop("rbl_page_hit", False)
        response.headers[HEADER] = "hit" if hit else "miss"
        if not hit:
            entry = _entry(key, response, g.pop("rbl_store_used", [("store",)]), g.rbl_page_request,
                           current_viewer())
            if entry is not None and cache.put(key, entry):
                g.rbl_page_token = _token(key)
        if g.pop("rbl_page_claimed", False):
            cache.done(key)
        return response

    @server.teardown_request
    def _forget(_exc: BaseException | None) -> None:
        store.unwatch()
        key = g.get("rbl_page_key")
        if key is not None and g.pop("rbl_page_claimed", False):  # failed before after_request
            cache.done(key)

    return cache


def start_warmup(server: Flask) -> None:
    """Start building the default views (call when the app is complete: the warm-up serves a request)."""
    warmer = server.extensions[EXTENSION].warmer
    if warmer is not None:
        warmer.start([])


class Warmer:
    """Builds pages ahead of their first visit, one at a time, in one background thread of this worker."""

    def __init__(self, server: Flask, warehouse: Warehouse, cache: PageCache, limit: int) -> None:
        self.server, self.warehouse, self.cache, self.limit = server, warehouse, cache, limit
        self.jobs: deque[tuple[dict, tuple[str, tuple[str, ...]]]] = deque()
        self.lock = threading.Lock()
        self.idle = threading.Event()
        self.idle.set()
        self.thread: threading.Thread | None = None

    def start(self, recent: list[tuple[dict, tuple[str, tuple[str, ...]]]]) -> None:
        """Queue the pages viewed most recently (first) and every kind of viewer's default views, `limit` at most."""
        jobs, seen = [], set()
        for job in [*recent, *self._defaults()]:
            marker = json.dumps(job, sort_keys=True)
            if marker not in seen:
                seen.add(marker)
                jobs.append(job)
        with self.lock:
            self.jobs.clear()
            self.jobs.extend(jobs[:self.limit])
            self.idle.clear()
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="rbl-page-warmup", daemon=True)
                self.thread.start()

    def _defaults(self) -> list[tuple[dict, tuple[str, tuple[str, ...]]]]:
        """Each page's default view for each kind of viewer with an active account, in the pages' order."""
        scopes = sorted({(a.role, tuple(a.municipalities)) for a in store.list_accounts() if a.active})
        pages = sorted(dash.page_registry.values(), key=lambda p: p.get("order") or 0)
        return [(router_request(page["path"]), scope) for page in pages for scope in scopes
                if scope[0] in (page.get("access") or ())]

    def _run(self) -> None:
        # Dash registers the pages' router callback at the first request a worker serves: make sure one has passed
        self.server.test_client().get("/_favicon.ico")
        while True:
            with self.lock:
                if not self.jobs:
                    self.idle.set()
                    return
                body, (role, municipalities) = self.jobs.popleft()
            try:
                self._build(body, Viewer(WARM_USER, role, municipalities))
            except Exception:  # noqa: BLE001 - a page that fails here is built (and reported) at its visit
                self.server.logger.exception("page warm-up: %s for %s", body["inputs"][0].get("value"), role)

    def _build(self, body: dict, viewer: Viewer) -> None:
        with self.server.test_request_context("/_dash-update-component", method="POST", json=body):
            g.rbl_viewer = viewer
            try:
                self.warehouse.pin()
            except WarehouseMissing:
                return
            try:
                key = page_key(self.warehouse.pinned, body, viewer)
                if self.cache.get(key) is not None or self.cache.claim(key) is not None:
                    return  # kept already, or a request builds it now
                try:
                    used = store.watch(dry=True)
                    view = self.server.view_functions[request.url_rule.endpoint]
                    response = self.server.make_response(view())
                    entry = _entry(key, response, used, body, viewer)
                    if entry is not None:
                        self.cache.put(key, entry)
                finally:
                    store.unwatch()
                    self.cache.done(key)
            finally:
                self.warehouse.unpin()
