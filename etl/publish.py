"""Publishing a load's version (issue #12): a version folder `versions/<load id>/` (database and Parquet facts)
is made, then published in one atomic step: a new `current` symlink renamed over the old one
(warehouse/connection.py describes the layout). A load that fails or is killed at any point leaves the published
version as it was; `sweep_leftovers` removes what it left. Old versions are removed once no reader holds them.

Fault points (`fault`) let tests kill a load or fill its disk at a named step, deterministically.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import uuid
from pathlib import Path

import duckdb

from warehouse.build import PARQUET_MODELS
from warehouse.connection import (
    CURRENT,
    DB_FILENAME,
    FACTS,
    READERS,
    VERSIONS,
    current_version,
    remove_unheld_versions,
    sql_path,
    version_number,
)

FAULT_ENV = "RBL_TEST_FAULT"  # tests only: "kill:<point>" or "enospc:<point>" (see `fault`)
FAULT_POINTS = ("read", "merged", "built", "facts", "switch", "switched", "cleanup")


def fault(point: str) -> None:
    """A test's fault at a named step of the load: SIGKILL this process, or fail as a full disk would.
    Without the environment variable (every real load) this does nothing."""
    wanted = os.environ.get(FAULT_ENV, "")
    action, _, at = wanted.partition(":")
    if at != point:
        return
    if action == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if action == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), point)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def new_version(warehouse_dir: Path, load_id: int) -> Path:
    """`versions/<load id>/` with its readers' lock file; any leftover of a killed load is swept first."""
    version = warehouse_dir / VERSIONS / str(load_id)
    shutil.rmtree(version, ignore_errors=True)
    version.mkdir(parents=True)
    (version / READERS).touch()
    return version


def export_facts(version: Path, previous: Path | None = None) -> None:
    """Person-level facts also as Parquet (pseudonymised), for analysts working outside DuckDB. A table the
    build found unchanged since the published version `previous` (warehouse.build `mart_build_tables`) keeps
    that version's file: a hard link, as `link_facts`."""
    facts = version / FACTS
    facts.mkdir()
    con = duckdb.connect(str(version / DB_FILENAME), read_only=True)
    try:
        same = {r[0] for r in con.execute("SELECT table_name FROM mart_build_tables WHERE NOT changed").fetchall()} \
            if previous is not None and con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'mart_build_tables'").fetchone()[0] else set()
        for table in PARQUET_MODELS:
            old = previous / FACTS / f"{table}.parquet" if previous is not None else None
            if table in same and old is not None and old.exists():
                _link_or_copy(old, facts / old.name)
                continue
            con.execute(f"COPY {table} TO {sql_path(facts / (table + '.parquet'))} (FORMAT parquet)")
    finally:
        con.close()


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def link_facts(previous: Path, version: Path) -> None:
    """The previous version's Parquet facts, unchanged: hard links (a copy where links cannot be made)."""
    (version / FACTS).mkdir()
    for parquet in sorted((previous / FACTS).glob("*.parquet")):
        _link_or_copy(parquet, version / FACTS / parquet.name)


def replace_link(link: Path, target: str) -> None:
    """Point the symlink `link` at `target` in one atomic rename (a new link, renamed over the old)."""
    tmp = link.parent / f".{link.name}-{uuid.uuid4().hex}"
    os.symlink(target, tmp)
    if link.is_dir() and not link.is_symlink():  # a copy that followed the links (cp -rL, copytree): its plain
        shutil.rmtree(link)                       # `current` folder goes; `warehouse.duckdb` still serves meanwhile
    os.replace(tmp, link)


def publish(warehouse_dir: Path, version: Path) -> None:
    """Publish `version` in one atomic step: `current` is renamed over. Everything before it leaves the old
    version published; everything after it only tidies up (and is redone by the next load if killed)."""
    with open(version / DB_FILENAME, "rb") as fh:
        os.fsync(fh.fileno())
    for folder in (version / FACTS, version):
        fsync_dir(folder)
    fault("switch")
    replace_link(warehouse_dir / CURRENT, f"{VERSIONS}/{version.name}")
    fsync_dir(warehouse_dir)
    fault("switched")
    compatibility_links(warehouse_dir)
    fault("cleanup")
    remove_unheld_versions(warehouse_dir)


def compatibility_links(warehouse_dir: Path) -> None:
    """`warehouse.duckdb` and `facts` point through `current`, for tools and a folder published before
    versions existed (its plain database file and `facts/<n>/` folders are replaced once)."""
    for name in (DB_FILENAME, FACTS):
        link, target = warehouse_dir / name, f"{CURRENT}/{name}"
        if link.is_symlink() and os.readlink(link) == target:
            continue
        if link.is_dir() and not link.is_symlink():
            shutil.rmtree(link)
        replace_link(link, target)


def sweep_leftovers(warehouse_dir: Path) -> None:
    """What a failed or killed load left: unpublished version folders (newer than `current`), half-made
    symlinks, and the build files of loads from before versioned publishing. Runs under the load lock."""
    for leftover in warehouse_dir.glob(".build-*"):
        leftover.unlink(missing_ok=True)
    for tmp in warehouse_dir.glob(".work-*"):
        shutil.rmtree(tmp, ignore_errors=True)
    for tmp in warehouse_dir.glob(".facts-*"):
        shutil.rmtree(tmp, ignore_errors=True)
    for link in (*warehouse_dir.glob(f".{CURRENT}-*"), *warehouse_dir.glob(f".{DB_FILENAME}-*"),
                 *warehouse_dir.glob(f".{FACTS}-*")):
        if link.is_symlink():
            link.unlink(missing_ok=True)
    current = current_version(warehouse_dir)
    versions = warehouse_dir / VERSIONS
    if versions.is_dir():
        now = version_number(current) if current is not None else None
        for version in versions.iterdir():
            number = version_number(version)
            if number is None or now is None or number > now:
                shutil.rmtree(version, ignore_errors=True)
    if current is not None:
        compatibility_links(warehouse_dir)
        remove_unheld_versions(warehouse_dir)
