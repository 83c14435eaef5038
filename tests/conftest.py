"""Shared fixtures: one seeded demo warehouse for the whole session, and headless Chromium options."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from selenium.webdriver.chrome.options import Options

ROOT = Path(__file__).resolve().parents[1]
DEMO_SEED = 2026
# Small enough to build in seconds, large enough that every municipality has figures.
DEMO_SCALE = float(os.environ.get("RBL_TEST_SCALE", "0.1"))


def pytest_setup_options() -> Options:
    """Chromium flags for this machine's closed network (platform.md)."""
    options = Options()
    for flag in ("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"):
        options.add_argument(flag)
    return options


@pytest.fixture(scope="session", autouse=True)
def pseudonym_key(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A throw-away pseudonym key for the whole test session, never the developer's own."""
    key_file = tmp_path_factory.mktemp("keys") / "pseudonym.key"
    os.environ["RBL_KEY_FILE"] = str(key_file)
    os.environ.pop("RBL_PSEUDONYM_KEY", None)
    return str(key_file)


# Test-only accounts, one per role; the passwords exist only in this test session.
TEST_PASSWORDS = {"coordinator": "test-coordinator-wachtwoord", "wethouder": "test-wethouder-wachtwoord",
                  "medewerker": "test-medewerker-wachtwoord", "beheerder": "test-beheerder-wachtwoord"}
TEST_ROLES = {"coordinator": "coordinator", "wethouder": "portefeuillehouder", "medewerker": "medewerker",
              "beheerder": "beheerder"}


@pytest.fixture(scope="session", autouse=True)
def access_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throw-away accounts store and session secret, with one account per role."""
    folder = tmp_path_factory.mktemp("access")
    os.environ["RBL_ACCOUNTS"] = str(folder / "access.sqlite")
    os.environ["RBL_SECRET_FILE"] = str(folder / "session.key")
    os.environ.pop("RBL_SECRET_KEY", None)
    from access import store

    for username, password in TEST_PASSWORDS.items():
        municipalities = ("GM0758", "GM1719") if username == "medewerker" else ()
        store.add_account(username, TEST_ROLES[username], password, municipalities)
    return folder / "access.sqlite"


def login_client(app, username: str = "coordinator"):
    """A Flask test client of `app`, logged in as `username` (over https, so Secure cookies travel)."""
    client = app.server.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    client.get("/login")
    with client.session_transaction() as sess:
        token = sess["csrf"]
    response = client.post("/login", data={
        "csrf": token, "gebruikersnaam": username, "wachtwoord": TEST_PASSWORDS[username], "next": "/"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def start_and_login(dash_duo, app, username: str = "coordinator", path: str = "/") -> None:
    """Serve `app`, log in through the real login form in Chromium, and open `path`."""
    # RBL_TEST_PORT lets two test runs on one machine serve side by side
    dash_duo.start_server(app, navigate=False, port=int(os.environ.get("RBL_TEST_PORT", "8050")))
    dash_duo._url = dash_duo.server.url.rstrip("/")  # the setter would wait for a Dash page: this is /login
    browser_login(dash_duo, username, path)


def browser_login(dash_duo, username: str = "coordinator", path: str = "/") -> None:
    """Log in through the real login form in Chromium, then open `path`."""
    dash_duo.driver.get(f"{dash_duo.server_url}/login?next={path}")
    dash_duo.wait_for_element("#gebruikersnaam").send_keys(username)
    dash_duo.find_element("#wachtwoord").send_keys(TEST_PASSWORDS[username])
    dash_duo.find_element("#inloggen").click()
    dash_duo.wait_for_element("#_pages_content")


@pytest.fixture(scope="session")
def demo_sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded demo source folder (generated once per session)."""
    from etl.demo import generate

    out = tmp_path_factory.mktemp("demo_sources")
    generate(out, seed=DEMO_SEED, scale=DEMO_SCALE)
    return out


@pytest.fixture(scope="session")
def demo_load(demo_sources: Path, tmp_path_factory: pytest.TempPathFactory, pseudonym_key: str):
    """The demo folder loaded once into a warehouse: (warehouse_dir, LoadResult)."""
    from etl.load import run_load

    wh_dir = tmp_path_factory.mktemp("warehouse")
    result = run_load(demo_sources, wh_dir, report_path=wh_dir.parent / "demo_report.csv", quiet=True,
                      load_date=date(2025, 11, 15))  # as `make run` does: the day the demo was "exported"
    assert result.published, result.message
    return wh_dir, result


@pytest.fixture(scope="session")
def demo_warehouse(demo_load) -> Path:
    """The published demo warehouse folder (read-only for tests: copy it before changing it)."""
    return demo_load[0]
