"""The browser code, compressed once per worker at the highest level instead of at every request.

Flask-Compress (Dash's `compress=True`) compresses every response at a fast level (zstd 3, brotli 4, gzip 6):
right for the pages' answers, which change. The JavaScript bundles (plotly.js 4,8 MB, AG Grid 1,4 MB, Dash's own)
never change between requests (Dash's URLs carry their version and file time), so a worker keeps each one it
sent, per encoding, and serving it again costs no CPU. On the production server (`recompress`: app.wsgi) it
replaces it in the background by the same bytes compressed at the highest level (zstd 19, brotli 11, gzip 9):
plotly.js goes from 1,44 MB to 1,18 MB (zstd). Not in tests: that costs seconds of CPU per app and bundle.
Only GET requests for `/_dash-component-suites/` and `/assets/` are kept that way.

A page the page cache serves (pages/_router_cache.py) is the same bytes at every visit too: its compressed form
is kept beside it (at the fast level, under a digest of the page cache's key: version, filters, role,
municipalities, date, words), at most `PAGES_MB` per worker, least recently used out first, so a visit served
from memory is not compressed again either. Nothing else is kept.
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict

import brotli
from backports import zstd
from flask import Request, g

STATIC = ("/_dash-component-suites/", "/assets/")
DYNAMIC = "-"  # the key of everything else: never kept
PAGE = "page:"  # the key of a page the page cache serves: g.rbl_page_token (pages/_router_cache.py)
PAGES_MB = 16


def cache_key(request: Request) -> str:
    """Flask-Compress's cache key (it prefixes the encoding): the full path of a static file, a cached page's
    token, else DYNAMIC."""
    if request.method == "GET" and request.path.startswith(STATIC):
        return request.full_path
    token = g.get("rbl_page_token")
    return PAGE + token if token else DYNAMIC


def _recompress(algorithm: str, data: bytes) -> bytes | None:
    if algorithm == "zstd":
        return zstd.compress(zstd.decompress(data), 19)
    if algorithm == "br":
        return brotli.compress(brotli.decompress(data), quality=11)
    if algorithm == "gzip":
        return gzip.compress(gzip.decompress(data), 9)
    return None


class CompressedAssets:
    """Flask-Compress's cache backend (`get`/`set`): static files only, recompressed at the highest level."""

    def __init__(self, recompress: bool = False) -> None:
        self.recompress = recompress
        self.data: dict[str, bytes] = {}
        self.pages: OrderedDict[str, bytes] = OrderedDict()
        self.pages_size = 0
        self.lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        if key.partition(";")[2].startswith(PAGE):
            with self.lock:
                value = self.pages.get(key)
                if value is not None:
                    self.pages.move_to_end(key)
                return value
        return self.data.get(key)

    def set(self, key: str, value: bytes) -> None:
        algorithm, _, path = key.partition(";")
        if path == DYNAMIC:
            return
        if path.startswith(PAGE):
            self._keep_page(key, value)
            return
        with self.lock:
            if key in self.data:
                return
            self.data[key] = value
        if not self.recompress:
            return
        threading.Thread(target=self._best, args=(key, algorithm, value), name="rbl-compress", daemon=True).start()

    def _keep_page(self, key: str, value: bytes) -> None:
        with self.lock:
            if key in self.pages:
                return
            self.pages[key] = value
            self.pages_size += len(value)
            while self.pages_size > PAGES_MB * 2**20:
                self.pages_size -= len(self.pages.popitem(last=False)[1])

    def _best(self, key: str, algorithm: str, value: bytes) -> None:
        best = _recompress(algorithm, value)
        if best is not None and len(best) < len(value):
            with self.lock:
                self.data[key] = best
