"""Read-only access to the published warehouse, safe across threads and atomic publishes.

Layout of a warehouse folder (docs/operations.md):

    versions/<n>/warehouse.duckdb   the database of publish n
    versions/<n>/facts/*.parquet    its person-level facts
    versions/<n>/.readers           a lock file: every process reading version n holds a shared flock on it
    current -> versions/<n>         the published version; a publish replaces this symlink with one rename
    warehouse.duckdb -> current/warehouse.duckdb   for tools, backups and older scripts

A folder from before versioned publishing (a plain `warehouse.duckdb`, no `current`) is still read.

Readers keep one in-memory DuckDB per version and process with that version's file ATTACHed read-only
(platform.md: a plain `duckdb.connect(path)` would return a cached, stale database after a swap). A request
pins the version it started on (`pin`/`unpin`, or `snapshot()`), so it finishes on that version even when a
publish lands half-way; a version's connection is closed once no pinned request uses it any more, and its
folder removed when no process holds it (`remove_unheld_versions`). Each call runs on its own cursor,
because a DuckDB connection cannot be shared between threads.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

DB_FILENAME = "warehouse.duckdb"
CURRENT = "current"
VERSIONS = "versions"
FACTS = "facts"
READERS = ".readers"


class WarehouseMissing(RuntimeError):
    """No warehouse has been published in this folder yet."""


def sql_path(path: str | os.PathLike[str]) -> str:
    """A file path as a SQL string literal (DuckDB's ATTACH and COPY take no parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


def database_path(warehouse_dir: str | os.PathLike[str]) -> Path:
    """The folder's `warehouse.duckdb`: a symlink to the current version's database (or, in a folder from
    before versioned publishing, the database itself)."""
    return Path(warehouse_dir) / DB_FILENAME


def current_version(warehouse_dir: str | os.PathLike[str]) -> Path | None:
    """The folder of the published version (`versions/<n>`), or None when the folder is not versioned."""
    link = Path(warehouse_dir) / CURRENT
    try:
        target = os.readlink(link)
    except (FileNotFoundError, OSError):
        return None
    return (link.parent / target).resolve()


def published_database(warehouse_dir: str | os.PathLike[str]) -> Path:
    """The database file of the published version (resolved now; a later publish does not move it)."""
    version = current_version(warehouse_dir)
    return version / DB_FILENAME if version is not None else database_path(warehouse_dir)


def version_number(version_dir: Path) -> int | None:
    return int(version_dir.name) if version_dir.name.isdigit() else None


def remove_unheld_versions(warehouse_dir: str | os.PathLike[str]) -> list[str]:
    """Remove every version older than the current one that no process holds (a reader's shared flock on
    its `.readers` file). Returns the removed version names. Safe to call from readers and loads alike."""
    current = current_version(warehouse_dir)
    root = Path(warehouse_dir) / VERSIONS
    if current is None or not root.is_dir():
        return []
    now = version_number(current)
    removed = []
    for version in root.iterdir():
        number = version_number(version)
        if number is None or now is None or number >= now:
            continue
        if _remove_if_unheld(version):
            removed.append(version.name)
    return removed


def _remove_if_unheld(version: Path) -> bool:
    try:
        fd = os.open(version / READERS, os.O_RDONLY)
    except FileNotFoundError:
        shutil.rmtree(version, ignore_errors=True)  # never completed, never published
        return True
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        # the database goes first: a reader that gets its shared lock after this sees no database and
        # looks up `current` again; the lock file goes last
        for name in (DB_FILENAME, DB_FILENAME + ".wal"):
            (version / name).unlink(missing_ok=True)
        for child in version.iterdir():
            if child.name != READERS:
                shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)
        (version / READERS).unlink(missing_ok=True)
        version.rmdir()
        return True
    finally:
        os.close(fd)


class _Version:
    """One published version opened by this process: its connection and its shared reader lock."""

    def __init__(self, key: str, db: Path, lock_file: Path | None) -> None:
        self.key, self.db, self.users, self.retired, self.escaped = key, db, 0, False, False
        self._lock_fd: int | None = None
        if lock_file is not None:
            fd = os.open(lock_file, os.O_RDONLY)  # FileNotFoundError: removed meanwhile, the caller retries
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)  # BlockingIOError: being removed
                if not db.exists():
                    raise FileNotFoundError(db)
            except BaseException:
                os.close(fd)
                raise
            self._lock_fd = fd
        try:
            con = duckdb.connect()
            con.execute(f"ATTACH {sql_path(db)} AS wh (READ_ONLY)")
            con.execute("USE wh")
        except BaseException:
            self._release_lock()
            raise
        self.con = con

    def close(self) -> None:
        self.con.close()
        self._release_lock()

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


class Warehouse:
    """One published warehouse folder, opened read-only; follows every new publish."""

    def __init__(self, warehouse_dir: str | os.PathLike[str]) -> None:
        self.dir = Path(warehouse_dir)
        self.path = database_path(self.dir)
        self._lock = threading.Lock()
        self._latest: _Version | None = None
        self._open: list[_Version] = []
        self._local = threading.local()

    def _missing(self) -> WarehouseMissing:
        return WarehouseMissing(
            f"Er is nog geen warehouse in {self.dir}: laad eerst bronbestanden met "
            f"`python -m etl load MAP --warehouse {self.dir}` (of `make run` voor de demo).")

    def _published(self) -> tuple[str, Path, Path | None]:
        """(key, database, lock file) of what is published now."""
        version = current_version(self.dir)
        if version is not None:
            return version.name, version / DB_FILENAME, version / READERS
        try:
            st = self.path.stat()
        except FileNotFoundError as exc:
            raise self._missing() from exc
        return f"{st.st_ino}-{st.st_mtime_ns}", self.path, None

    def _acquire(self) -> _Version:
        for _attempt in range(20):
            key, db, lock_file = self._published()
            with self._lock:
                if self._latest is not None and self._latest.key == key:
                    self._latest.users += 1
                    return self._latest
                try:
                    opened = _Version(key, db, lock_file)
                except (FileNotFoundError, BlockingIOError):
                    continue  # a publish moved on while we looked; look again
                if self._latest is not None:
                    self._retire(self._latest)
                self._latest = opened
                self._open.append(opened)
                opened.users += 1
                return opened
        raise self._missing()

    def _retire(self, version: _Version) -> None:
        version.retired = True
        self._close_if_idle(version)

    def _close_if_idle(self, version: _Version) -> None:
        if version.retired and version.users == 0 and not version.escaped:
            version.close()
            self._open.remove(version)
            with contextlib.suppress(OSError):  # a reader without write access: the next load removes it
                remove_unheld_versions(self.dir)

    def _release(self, version: _Version) -> None:
        with self._lock:
            version.users -= 1
            self._close_if_idle(version)

    # --- pinning a version for the length of a request ---

    def pin(self) -> None:
        """Pin the published version for this thread until `unpin` (nested pins share the outer one)."""
        stack = self._local.__dict__.setdefault("pins", [])
        stack.append(stack[-1] if stack else self._acquire())
        if len(stack) > 1:
            with self._lock:
                stack[-1].users += 1

    def unpin(self) -> None:
        stack = self._local.__dict__.get("pins")
        if stack:
            self._release(stack.pop())

    @contextmanager
    def snapshot(self) -> Iterator[Warehouse]:
        """`with wh.snapshot():` every query inside reads the same version."""
        self.pin()
        try:
            yield self
        finally:
            self.unpin()

    def _pinned(self) -> _Version | None:
        stack = self._local.__dict__.get("pins")
        return stack[-1] if stack else None

    @property
    def pinned(self) -> str | None:
        """The version this thread has pinned, or None."""
        pinned = self._pinned()
        return pinned.key if pinned is not None else None

    @property
    def version(self) -> str:
        """The version this thread reads (pinned, else published now): a cache key for derived data."""
        pinned = self._pinned()
        return pinned.key if pinned is not None else self._published()[0]

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor on the pinned version, else on the published one. An unpinned cursor's version stays open
        until `close()` (the caller owns the cursor); inside a request the version is pinned."""
        pinned = self._pinned()
        if pinned is None:
            version = self._acquire()
            with self._lock:
                version.escaped = True
                version.users -= 1
        else:
            version = pinned
        cur = version.con.cursor()
        cur.execute("USE wh")
        return cur

    def df(self, sql: str, params: list | dict | None = None) -> pd.DataFrame:
        with self.snapshot():
            cur = self.cursor()
            try:
                return cur.execute(sql, params or []).df()
            finally:
                cur.close()

    def rows(self, sql: str, params: list | dict | None = None) -> list[tuple]:
        with self.snapshot():
            cur = self.cursor()
            try:
                return cur.execute(sql, params or []).fetchall()
            finally:
                cur.close()

    def close(self) -> None:
        with self._lock:
            for version in self._open:
                version.close()
            self._open, self._latest = [], None
