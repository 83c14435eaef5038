"""A bounded in-process cache of what depends only on the published warehouse version (issue #12, fast pages).

A published version never changes (a load publishes a new one: warehouse/connection.py), so anything read
from it can be kept for as long as that version is the one requests read. `@per_version()` keeps a function's
results per `Warehouse`, per version (`wh.version`: the version this request pinned) and per arguments:

- The key is the version and *every* argument, so a result computed for one role's view can only be served to a
  call with the same arguments: suppression is an argument (`public=True` for a portfolio holder, the region
  flag for staff), never something the cache guesses. A function whose result depends on anything else (a file
  on disk that may be edited, today's date, the account store) must not use this cache.
- Bounded: at most `RBL_FIGURE_CACHE_MB` (default 128) MB per warehouse and version in this process, counted
  as the DataFrames' memory (least recently used results go first, whatever function made them); the entries
  of a version are dropped as soon as a newer version is seen (`MAX_VERSIONS` = 2 keep the one being replaced
  for its last requests; a request still pinned to an even older one computes without storing).
- One computation per key at a time: concurrent requests for the same missing key wait for the first (20
  users opening the same page right after a publish cost one computation, not twenty).
- Results are copied on the way out when they are mutable (a DataFrame, a list, a dict), so a caller that
  changes what it got (pandas code often does) cannot change what the next caller gets.

`clear(wh)` drops everything (tests; a process that swaps warehouses).
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, ParamSpec, TypeVar

import pandas as pd

P = ParamSpec("P")
R = TypeVar("R")

MAX_VERSIONS = 2
_ATTR = "_rbl_version_cache"
_setup = threading.Lock()
SMALL = 1024  # bytes counted for a result that is not a DataFrame


class _Table(OrderedDict):
    """The LRU of one version: (function, key) -> (result, bytes)."""

    size = 0


class _Store:
    """The cache of one Warehouse: {version: LRU}, newest version last."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.versions: OrderedDict[str, _Table] = OrderedDict()
        self.computing: dict[tuple, threading.Lock] = {}
        self.order: dict[str, int] = {}  # version -> the sequence in which this process first saw it
        self.max_bytes = int(float(os.environ.get("RBL_FIGURE_CACHE_MB", "128")) * 2**20)

    def table(self, version: str) -> _Table | None:
        """The LRU of `version`, created when new; None for a version older than those kept."""
        with self.lock:
            if version not in self.versions:
                seen = self.order.setdefault(version, len(self.order))
                if self.versions and seen < max(self.order[v] for v in self.versions):
                    return None  # an older version than the newest kept: not worth keeping
                self.versions[version] = _Table()
                while len(self.versions) > MAX_VERSIONS:
                    self.versions.popitem(last=False)
            return self.versions[version]

    def keep(self, table: _Table, key: Hashable, value: Any) -> None:
        """Store a result (the caller holds the lock), dropping the least recently used beyond the budget."""
        size = int(value.memory_usage(deep=True).sum()) if isinstance(value, pd.DataFrame) else SMALL
        if size > self.max_bytes // 4:
            return
        table[key] = (value, size)
        table.size += size
        while table.size > self.max_bytes:
            _, (_, dropped) = table.popitem(last=False)
            table.size -= dropped


def _store(wh: Any) -> _Store:
    store = getattr(wh, _ATTR, None)
    if store is None:
        with _setup:
            store = getattr(wh, _ATTR, None)
            if store is None:
                store = _Store()
                setattr(wh, _ATTR, store)
    return store


def clear(wh: Any) -> None:
    """Forget every cached result of this warehouse."""
    with _setup:
        if hasattr(wh, _ATTR):
            delattr(wh, _ATTR)


def _key_part(value: Any) -> Hashable:
    """An argument as part of a key: a KPI definition by its id, lists and dicts as tuples."""
    if hasattr(value, "id") and hasattr(value, "period_kind"):  # a warehouse.registry.Kpi
        return ("kpi", value.id)
    if isinstance(value, list | tuple):
        return tuple(_key_part(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _key_part(v)) for k, v in value.items()))
    if isinstance(value, set | frozenset):
        return tuple(sorted(value))
    return value


def _copy_out(value: Any) -> Any:
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy()
    if isinstance(value, list | dict | set) or dataclasses.is_dataclass(value):
        return copy.deepcopy(value)  # a dataclass may hold lists and dicts (warehouse.tiles.TileData)
    return value  # str, numbers, dates, None, and tuples of those


def per_version() -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator for `f(wh, *args, **kwargs)`: keep its results per published version of `wh` (module doc)."""
    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        name = f"{fn.__module__}.{fn.__qualname__}"

        @functools.wraps(fn)
        def cached(wh: Any, *args: Any, **kwargs: Any) -> Any:
            version = wh.version
            key = (name, _key_part(args), _key_part(kwargs))
            store = _store(wh)
            table = store.table(version)
            if table is None:
                return fn(wh, *args, **kwargs)
            with store.lock:
                if key in table:
                    table.move_to_end(key)
                    return _copy_out(table[key][0])
                busy = store.computing.setdefault((version, key), threading.Lock())
            with busy:  # the first caller computes; the others wait for it and find the result
                with store.lock:
                    if key in table:
                        table.move_to_end(key)
                        return _copy_out(table[key][0])
                try:
                    value = fn(wh, *args, **kwargs)
                    with store.lock:
                        store.keep(table, key, value)
                finally:
                    with store.lock:
                        store.computing.pop((version, key), None)
            return _copy_out(value)

        cached.uncached = fn  # type: ignore[attr-defined]
        return cached  # type: ignore[return-value]
    return decorate
