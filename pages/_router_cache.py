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
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from datetime import date
from typing import NamedTuple

from flask import Flask, Response, g, request

from access import store
from access.web import current_viewer
from warehouse import notes
from warehouse.connection import Warehouse, WarehouseMissing

ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."
HEADER = "X-RBL-Cache"


class _Entry(NamedTuple):
    version: str
    body: bytes
    content_type: str
    audits: tuple[tuple[str, str], ...]  # (action, target) of each audit entry its build wrote


class PageCache:
    """A byte-bounded LRU of router responses; entries of a version older than the newest seen are dropped."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes, self.size = max_bytes, 0
        self.entries: OrderedDict[tuple, _Entry] = OrderedDict()
        self.seen: dict[str, int] = {}  # version -> order first seen
        self.lock = threading.Lock()

    def get(self, key: tuple) -> _Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key: tuple, entry: _Entry) -> None:
        if len(entry.body) > self.max_bytes // 4:
            return
        with self.lock:
            order = self.seen.setdefault(entry.version, len(self.seen))
            if order < max(self.seen.values()):
                return  # built on a version a publish has replaced: its last requests need no cache
            for old in [k for k, e in self.entries.items() if e.version != entry.version]:
                self._drop(old)
            if key in self.entries:
                self._drop(key)
            self.entries[key] = entry
            self.size += len(entry.body)
            while self.size > self.max_bytes:
                self._drop(next(iter(self.entries)))

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


def _key(warehouse: Warehouse) -> tuple | None:
    """The cache key of this request, or None when it is not a page router request of a logged-in viewer on a
    published warehouse."""
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
    inputs = json.dumps([body.get("inputs"), body.get("state")], sort_keys=True)
    return (version, inputs, viewer.role, tuple(viewer.municipalities), date.today().isoformat(),
            words_fingerprint())


def install(server: Flask, warehouse: Warehouse) -> PageCache:
    """Serve page router requests from the cache (registered after the access guard: a refused request never
    reaches it)."""
    cache = PageCache(int(float(os.environ.get("RBL_PAGE_CACHE_MB", "64")) * 2**20))

    @server.before_request
    def _serve_cached() -> Response | None:
        key = _key(warehouse)
        if key is None:
            return None
        g.rbl_page_key = key
        entry = cache.get(key)
        if entry is not None:
            g.rbl_page_hit = True
            viewer = current_viewer()
            for action, target in entry.audits:
                store.audit(viewer.username, viewer.role, action, target)
            return Response(entry.body, status=200, content_type=entry.content_type)
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
        used = g.pop("rbl_store_used", [("store",)])
        if (not hit and response.status_code == 200 and all(u[0] == "audit" for u in used)
                and not response.is_streamed and "Content-Encoding" not in response.headers):
            audits = tuple((action, target) for _, action, target in used)
            cache.put(key, _Entry(key[0], response.get_data(), response.headers["Content-Type"], audits))
        return response

    @server.teardown_request
    def _forget(_exc: BaseException | None) -> None:
        store.unwatch()

    return cache
