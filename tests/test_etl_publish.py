"""Versioned publish: a load killed at any step, a full disk or a second load at once leave one consistent
published version; readers finish on the version they started with, also on a threaded server."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import duckdb
import pytest
import requests

from etl.load import EXIT_BUSY, EXIT_WRITE
from etl.publish import FAULT_ENV, FAULT_POINTS
from tests.conftest import TEST_PASSWORDS
from tests.etl_helpers import LOAD_DATE, load, write_files
from tests.test_access import router_body
from tests.test_etl_load import APRIL, FILES
from warehouse.connection import DB_FILENAME, Warehouse

ROOT = Path(__file__).resolve().parents[1]
MARCH_ONLY = {k: v for k, v in FILES.items() if "2024-04" not in k}
PARQUET_FACTS = 9  # warehouse.build.PARQUET_MODELS
BEFORE_SWITCH = {"read", "merged", "built", "facts", "switch"}  # killed before `current` moved: old version


@pytest.fixture(scope="module")
def published_march(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse with March published (version 1), copied by each test that changes it."""
    wh = tmp_path_factory.mktemp("march") / "wh"
    assert load(write_files(wh.parent / "src", MARCH_ONLY), wh).published
    return wh


def copy_of(wh: Path, tmp_path: Path) -> Path:
    target = tmp_path / "wh"
    shutil.copytree(wh, target, symlinks=True)
    return target


def state(wh: Path) -> tuple[str, int, int]:
    """(published version, reports in it, Parquet facts in it), read as the app reads it; and the folder's
    `warehouse.duckdb` (for tools and backups) must hold the same."""
    reader = Warehouse(wh)
    try:
        (reports,) = reader.rows("SELECT count(*) FROM stg_verzuimmeldingen")[0]
        version = reader.version
    finally:
        reader.close()
    con = duckdb.connect(str(wh / DB_FILENAME), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM stg_verzuimmeldingen").fetchone()[0] == reports
        assert con.execute("SELECT max(load_id) FROM load_history").fetchone()[0] == int(version)
    finally:
        con.close()
    facts = list((wh / "current" / "facts").glob("*.parquet"))
    return version, reports, len(facts)


def child_load(src: Path, wh: Path, fault: str) -> subprocess.CompletedProcess:
    """A load in its own process, with a fault injected at a named step (etl.publish.fault)."""
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from datetime import date
        from etl.load import run_load
        day = date.fromisoformat({LOAD_DATE.isoformat()!r})
        result = run_load({str(src)!r}, {str(wh)!r}, quiet=True, load_date=day)
        print(result.exit_code, result.message)
    """)
    env = {**os.environ, FAULT_ENV: fault}
    return subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=240)


@pytest.mark.parametrize("point", FAULT_POINTS)
def test_a_load_killed_at_any_step_leaves_one_consistent_version_and_the_next_load_succeeds(
        published_march: Path, tmp_path: Path, point: str) -> None:
    wh = copy_of(published_march, tmp_path)
    src = write_files(tmp_path / "all", FILES)
    killed = child_load(src, wh, f"kill:{point}")
    assert killed.returncode == -9, killed.stderr[-2000:]
    # before the switch the old version (March: 2 reports) is published; from the switch on, the new one (3)
    expected = ("1", 2, PARQUET_FACTS) if point in BEFORE_SWITCH else ("2", 3, PARQUET_FACTS)
    assert state(wh) == expected
    after = load(src, wh)
    assert after.published, after.message
    assert state(wh)[1:] == (3, PARQUET_FACTS)
    # what the killed load left is gone: only the published version remains, no half-made links
    assert [p.name for p in (wh / "versions").iterdir()] == [state(wh)[0]]
    assert not [p.name for p in wh.iterdir() if p.name.startswith(".") and p.name not in (".load.lock",)]


@pytest.mark.parametrize("point", ["read", "built", "facts", "switch"])
def test_a_full_disk_stops_the_load_with_a_clear_message_and_changes_nothing(
        published_march: Path, tmp_path: Path, monkeypatch, point: str) -> None:
    wh = copy_of(published_march, tmp_path)
    monkeypatch.setenv(FAULT_ENV, f"enospc:{point}")
    result = load(write_files(tmp_path / "all", FILES), wh)
    assert (result.published, result.exit_code) == (False, EXIT_WRITE)
    assert result.message.startswith(f"De schijf van {wh} is vol: de lading is gestopt en er is niets gepubliceerd")
    assert state(wh) == ("1", 2, PARQUET_FACTS)
    assert [p.name for p in (wh / "versions").iterdir()] == ["1"]  # the half-built version freed its space


def test_a_second_load_at_the_same_time_is_refused(published_march: Path, tmp_path: Path) -> None:
    wh = copy_of(published_march, tmp_path)
    with open(wh / ".load.lock", "w") as running:  # as a running load holds it
        fcntl.flock(running, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = load(write_files(tmp_path / "april", {"verzuimmeldingen_2024-04.csv": APRIL}), wh)
    assert (result.published, result.exit_code) == (False, EXIT_BUSY)
    assert result.message == (f"Er loopt al een lading in {wh}; deze lading is niet gestart. Wacht tot de andere "
                              "lading klaar is en start deze daarna opnieuw.")
    assert state(wh) == ("1", 2, PARQUET_FACTS)


def test_a_file_that_disappears_during_the_load_is_refused_with_a_clear_message(
        published_march: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Found in session 4: a source file removed from the folder while a load ran stopped it with a traceback.
    import etl.load

    wh = copy_of(published_march, tmp_path)
    src = write_files(tmp_path / "april", {"verzuimmeldingen_2024-04.csv": APRIL})
    found = etl.load.discover

    def discover_then_lose_the_file(folder: Path):
        files, notes = found(folder)
        (folder / "verzuimmeldingen_2024-04.csv").unlink()  # as another process would, after the folder was read
        return files, notes
    monkeypatch.setattr(etl.load, "discover", discover_then_lose_the_file)
    result = load(src, wh)
    assert (result.published, result.exit_code) == (False, 2)
    assert result.message == ("Bestand geweigerd, er is niets gepubliceerd. verzuimmeldingen_2024-04.csv: het "
                              "bestand is tijdens het laden verdwenen of niet meer leesbaar. Zet het bestand terug "
                              "(of haal het uit de map) en laad opnieuw.")
    assert state(wh) == ("1", 2, PARQUET_FACTS)


def test_a_reader_finishes_on_its_version_and_the_old_version_goes_when_it_is_done(
        published_march: Path, tmp_path: Path) -> None:
    wh = copy_of(published_march, tmp_path)
    reader = Warehouse(wh)
    try:
        with reader.snapshot():
            assert reader.rows("SELECT count(*) FROM stg_verzuimmeldingen") == [(2,)]
            assert load(write_files(tmp_path / "april", {"verzuimmeldingen_2024-04.csv": APRIL}), wh).published
            # published now, but this reader's request started on version 1 and stays there
            assert reader.rows("SELECT count(*) FROM stg_verzuimmeldingen") == [(2,)]
            assert reader.version == "1"
            assert sorted(p.name for p in (wh / "versions").iterdir()) == ["1", "2"]  # held: not removed
        assert reader.rows("SELECT count(*) FROM stg_verzuimmeldingen") == [(3,)]
        assert [p.name for p in (wh / "versions").iterdir()] == ["2"]  # let go: removed
    finally:
        reader.close()


def test_a_folder_from_before_versions_is_read_and_becomes_versioned(published_march: Path, tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    wh.mkdir()
    shutil.copy(published_march / "versions" / "1" / DB_FILENAME, wh / DB_FILENAME)  # the old layout
    (wh / "facts" / "1").mkdir(parents=True)
    reader = Warehouse(wh)
    try:
        assert reader.rows("SELECT count(*) FROM stg_verzuimmeldingen") == [(2,)]
    finally:
        reader.close()
    assert load(write_files(tmp_path / "april", {"verzuimmeldingen_2024-04.csv": APRIL}), wh).published
    assert state(wh) == ("2", 3, PARQUET_FACTS)
    assert (wh / DB_FILENAME).is_symlink() and (wh / "facts").is_symlink()


def _login(base: str) -> requests.Session:
    session = requests.Session()
    form = session.get(f"{base}/login", timeout=30).text
    token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    response = session.post(f"{base}/login", timeout=30, allow_redirects=False, data={
        "csrf": token, "gebruikersnaam": "coordinator", "wachtwoord": TEST_PASSWORDS["coordinator"], "next": "/"})
    assert response.status_code == 302
    return session


ROUTER = router_body("/data")


def test_requests_on_a_threaded_server_get_no_error_while_loads_publish(
        published_march: Path, tmp_path: Path, monkeypatch) -> None:
    """Issue #10's finding: the swap closed the shared connection under running requests (HTTP 500)."""
    from werkzeug.serving import make_server

    from app import create_app

    monkeypatch.setenv("RBL_INSECURE_COOKIES", "1")  # plain http on loopback
    wh = copy_of(published_march, tmp_path)
    port = int(os.environ.get("RBL_TEST_PORT", "8050"))
    server = make_server("127.0.0.1", port, create_app(wh).server, threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    base = f"http://127.0.0.1:{port}"
    statuses: list[int] = []
    publishing = threading.Event()
    publishing.set()

    def user(session: requests.Session) -> None:
        session.get(f"{base}/data", timeout=60)
        while publishing.is_set():
            statuses.append(session.post(f"{base}/_dash-update-component", json=ROUTER, timeout=120).status_code)

    # log in one after the other: parallel logins of one account are throttled (issue #10), which is not this test
    users = [threading.Thread(target=user, args=(_login(base),)) for _ in range(4)]
    try:
        for u in users:
            u.start()
        src = write_files(tmp_path / "april", {"verzuimmeldingen_2024-04.csv": APRIL})
        for _ in range(3):
            assert load(src, wh).published
        # one request after the last publish moves the server on, so version 3 is let go
        assert _login(base).post(f"{base}/_dash-update-component", json=ROUTER, timeout=120).status_code == 200
    finally:
        publishing.clear()
        for u in users:
            u.join(timeout=120)
        server.shutdown()
    assert statuses and set(statuses) == {200}
    assert [p.name for p in (wh / "versions").iterdir()] == ["4"]  # every old version removed once let go


def test_a_real_full_disk_fails_cleanly(published_march: Path, tmp_path: Path) -> None:
    """The same on a real full file system: a tmpfs with room for the published version and half another
    (needs root to mount; the fault-point test above covers every machine)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    size = sum(p.stat().st_size for p in (published_march / "versions").rglob("*") if p.is_file())
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size * 3 // 2}", "tmpfs",
                                            str(mount)], capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (not root)")
    try:
        wh = mount / "wh"
        shutil.copytree(published_march, wh, symlinks=True)
        result = load(write_files(tmp_path / "all", FILES), wh)
        assert (result.published, result.exit_code) == (False, EXIT_WRITE), result.message
        assert state(wh) == ("1", 2, PARQUET_FACTS)
        assert [p.name for p in (wh / "versions").iterdir()] == ["1"]
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_copy_that_followed_the_links_loads_and_publishes(published_march: Path, tmp_path: Path) -> None:
    """A backup copied with `cp -rL` (or copytree) has plain folders where the links were: it still serves,
    and the next load publishes a version on it instead of failing on `current` being a folder."""
    wh = tmp_path / "wh"
    shutil.copytree(published_march, wh)  # follows the symlinks
    assert (wh / "current").is_dir() and not (wh / "current").is_symlink()
    assert load(write_files(tmp_path / "april", {"verzuimmeldingen_2024-04.csv": APRIL}), wh).published
    assert (wh / "current").is_symlink()
    version, reports, facts = state(wh)
    assert (reports, facts) == (3, PARQUET_FACTS)
