"""Access control as security.md says: every role against every page and every callback, sessions,
cookies, headers, slowed-down guessing, and what never leaves the server."""

from __future__ import annotations

import time
from pathlib import Path

import dash
import pytest

from access import store
from access.auth import LocalAuthenticator
from access.roles import ROLES
from access.web import CALLBACK_ROLES
from app import create_app
from tests.conftest import TEST_PASSWORDS, TEST_ROLES, login_client

USERS = {role: user for user, role in TEST_ROLES.items()}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app(tmp_path_factory.mktemp("leeg"))  # no warehouse: the matrix is about access


def router_body(path: str) -> dict:
    output = "..._pages_content.children..._pages_store.data..."
    return {"output": output,
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": ""}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}


def callback_body(output: str) -> dict:
    component, prop = output.split(".")
    return {"output": output, "outputs": {"id": component, "property": prop},
            "inputs": [], "changedPropIds": [], "state": []}


def anonymous(app):
    client = app.server.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    return client


PAGES = [(page["path"], tuple(page.get("access", ()))) for page in dash.page_registry.values()]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_for_every_role(app, role: str) -> None:
    client = login_client(app, USERS[role])
    for path, allowed in PAGES:
        text = client.post("/_dash-update-component", json=router_body(path)).get_data(as_text=True)
        refused = "geen-toegang" in text
        assert refused == (role not in allowed), f"{role} on {path}"


@pytest.mark.parametrize("role", ROLES)
def test_every_callback_for_every_role(app, role: str) -> None:
    client = login_client(app, USERS[role])
    assert CALLBACK_ROLES, "no secured callbacks registered"
    for output, allowed in CALLBACK_ROLES.items():
        status = client.post("/_dash-update-component", json=callback_body(output)).status_code
        if role in allowed:
            assert status != 403, f"{role} refused {output}"
        else:
            assert status == 403, f"{role} allowed {output}"


def test_without_a_session_every_dash_endpoint_refuses(app) -> None:
    client = anonymous(app)
    for output in [*CALLBACK_ROLES, "..._pages_content.children..._pages_store.data..."]:
        response = client.post("/_dash-update-component", json=callback_body(output.strip(".").split("...")[0])
                               if "..." not in output else router_body("/"))
        assert response.status_code == 401
        assert "Niet ingelogd" in response.get_data(as_text=True)
    for path in ("/_dash-layout", "/_dash-dependencies"):
        assert client.get(path).status_code == 401
    page = client.get("/")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login?next=/")


def test_a_callback_registered_without_roles_is_refused_for_everyone(app) -> None:
    client = login_client(app, "coordinator")
    assert client.post("/_dash-update-component", json=callback_body("onbekend.children")).status_code == 403


def test_static_assets_and_login_are_public(app) -> None:
    client = anonymous(app)
    assert client.get("/login").status_code == 200
    assert client.get("/assets/bootstrap.min.css").status_code == 200


def test_cookie_flags_and_security_headers(app) -> None:
    client = anonymous(app)
    client.get("/login")
    with client.session_transaction() as sess:
        token = sess["csrf"]
    response = client.post("/login", data={"csrf": token, "gebruikersnaam": "coordinator",
                                           "wachtwoord": TEST_PASSWORDS["coordinator"], "next": "/"})
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("rbl_sessie=")
    for flag in ("HttpOnly", "Secure", "SameSite=Lax"):
        assert flag in cookie
    assert "Expires" not in cookie  # a session cookie: gone when the browser closes
    headers = client.get("/_dash-layout").headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-eval" not in csp and "script-src 'self' 'sha256-" in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"


def test_login_needs_its_form_token(app) -> None:
    client = anonymous(app)
    response = client.post("/login", data={"csrf": "vals", "gebruikersnaam": "coordinator",
                                           "wachtwoord": TEST_PASSWORDS["coordinator"], "next": "/"})
    assert response.status_code == 400
    assert client.get("/_dash-layout").status_code == 401


def test_a_post_from_another_site_is_refused(app) -> None:
    client = login_client(app)
    response = client.post("/_dash-update-component", json=router_body("/"),
                           headers={"Origin": "https://evil.example"})
    assert response.status_code == 403


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"])
def test_login_never_redirects_to_another_site(app, target: str) -> None:
    client = anonymous(app)
    client.get("/login")
    with client.session_transaction() as sess:
        token = sess["csrf"]
    response = client.post("/login", data={"csrf": token, "gebruikersnaam": "coordinator",
                                           "wachtwoord": TEST_PASSWORDS["coordinator"], "next": target})
    assert response.headers["Location"] == "/"


def test_session_ends_after_idle_time(app) -> None:
    client = login_client(app)
    assert client.get("/_dash-layout").status_code == 200
    with client.session_transaction() as sess:
        sess["seen"] = time.time() - 31 * 60
    assert client.get("/_dash-layout").status_code == 401


def test_session_ends_after_the_maximum_time(app) -> None:
    client = login_client(app)
    with client.session_transaction() as sess:
        sess["since"] = time.time() - 9 * 3600
    assert client.get("/_dash-layout").status_code == 401


def test_a_removed_account_loses_access_at_once(app) -> None:
    store.add_account("tijdelijk", "coordinator", "tijdelijk-wachtwoord-1")
    TEST_PASSWORDS["tijdelijk"] = "tijdelijk-wachtwoord-1"
    try:
        client = login_client(app, "tijdelijk")
        assert client.get("/_dash-layout").status_code == 200
        store.remove_account("tijdelijk")
        assert client.get("/_dash-layout").status_code == 401
    finally:
        TEST_PASSWORDS.pop("tijdelijk")


def test_repeated_failures_are_slowed_down() -> None:
    store.add_account("gokker", "coordinator", "het-goede-wachtwoord")
    auth, t0 = LocalAuthenticator(), 1_000_000.0
    for i in range(3):  # the first three tries are free
        assert auth.authenticate("gokker", f"fout-{i}", now=t0 + i).wait_s == 0
    # third failure at t0+2: the next try must wait 2 s, until t0+4 (even with the right password)
    blocked = auth.authenticate("gokker", "het-goede-wachtwoord", now=t0 + 3)
    assert blocked.account is None and blocked.wait_s == 1
    assert blocked.message == "Te veel mislukte pogingen. Probeer het over 1 seconden opnieuw."
    assert auth.authenticate("gokker", "nog-fout", now=t0 + 4).account is None  # 4th failure: wait 4 s
    assert auth.authenticate("gokker", "het-goede-wachtwoord", now=t0 + 6).wait_s == 2
    ok = auth.authenticate("gokker", "het-goede-wachtwoord", now=t0 + 8)
    assert ok.account is not None and store.failures("gokker") == (0, 0.0)


def test_passwords_are_stored_as_salted_hashes(access_store: Path) -> None:
    import sqlite3

    con = sqlite3.connect(access_store)
    hashes = [h for (h,) in con.execute("SELECT password_hash FROM accounts")]
    con.close()
    assert all(h.startswith("scrypt:") for h in hashes)
    assert len(set(hashes)) == len(hashes)
    assert not any(p in h for h in hashes for p in TEST_PASSWORDS.values())


def test_the_accounts_store_is_private(access_store: Path) -> None:
    assert access_store.stat().st_mode & 0o777 == 0o600


def test_audit_records_logins_not_content(app) -> None:
    login_client(app, "wethouder")
    rows = store.audit_log(5)
    assert any(r[1] == "wethouder" and r[3] == "ingelogd" for r in rows)
