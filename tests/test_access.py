"""Access control as security.md says: every role against every page and every callback, sessions,
cookies, headers, slowed-down guessing, and what never leaves the server."""

from __future__ import annotations

import json
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
FIGURE_ROLES = {"coordinator", "portefeuillehouder", "medewerker"}
# security.md, written out independently of what the pages declare: a new page or callback must be added here
EXPECTED_PAGES = {"/": FIGURE_ROLES, "/beheer": {"beheerder"}, "/data": {"coordinator", "beheerder"},
                  "/verzuim": FIGURE_ROLES, "/vsv": FIGURE_ROLES, "/effectrapportage": FIGURE_ROLES,
                  "/kostenverdeling": FIGURE_ROLES, "/jaarverslag": FIGURE_ROLES,
                  "/capaciteit": FIGURE_ROLES, "/kwartaal": {"coordinator", "portefeuillehouder"},
                  "/gemeente": FIGURE_ROLES, "/toegankelijkheid": set(ROLES), "/over-de-cijfers": set(ROLES)}
TEXT_PAGES = {"/toegankelijkheid"}  # a statement in words: no figures to find on it
EXPECTED_CALLBACKS = {"rbl-url.search": FIGURE_ROLES, "verzuim-url.search": FIGURE_ROLES,
                      "verzuim-download.data": FIGURE_ROLES, "vsv-url.search": FIGURE_ROLES,
                      "vsv-download.data": FIGURE_ROLES, "data-download.data": {"coordinator", "beheerder"},
                      "effectrapportage-url.search": FIGURE_ROLES, "effectrapportage-download.data": FIGURE_ROLES,
                      "kostenverdeling-url.search": FIGURE_ROLES, "kostenverdeling-melding.children": FIGURE_ROLES,
                      "kostenverdeling-download.data": FIGURE_ROLES,
                      "jaarverslag-url.search": FIGURE_ROLES, "jaarverslag-download.data": FIGURE_ROLES,
                      "jaarverslag-download-webzip.data": {"coordinator"},
                      "capaciteit-url.search": FIGURE_ROLES, "capaciteit-gemeenten-download.data": FIGURE_ROLES,
                      "capaciteit-ouderdom-download.data": FIGURE_ROLES,
                      "capaciteit-scholen-download.data": FIGURE_ROLES,
                      "capaciteit-medewerkers-download.data": {"coordinator"},
                      "verzuim-school-detail.children": FIGURE_ROLES,
                      "kwartaal-url.search": {"coordinator", "portefeuillehouder"},
                      "..kwartaal-download.data...kwartaal-pack-status.children..": {"coordinator",
                                                                                     "portefeuillehouder"},
                      "gemeenteprofiel-url.search": FIGURE_ROLES}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app(tmp_path_factory.mktemp("leeg"))  # no warehouse: the matrix is about access


ROUTER = ".._pages_content.children..._pages_store.data.."  # Dash Pages' router callback


def router_body(path: str, search: str = "") -> dict:
    output = ROUTER
    return {"output": output,
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}


def outputs_of(output: str) -> dict | list[dict]:
    """The `outputs` of a callback request for Dash's output key ("id.prop", or "..a.x...b.y.." for several)."""
    if not output.startswith(".."):
        component, prop = output.split(".")
        return {"id": component, "property": prop}
    return [outputs_of(o) for o in output[2:-2].split("...")]


def callback_body(output: str) -> dict:
    return {"output": output, "outputs": outputs_of(output), "inputs": [], "changedPropIds": [], "state": []}


def anonymous(app):
    client = app.server.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    return client


def pages() -> list[tuple[str, set[str]]]:
    """Every registered page with the roles security.md allows (after an app was built)."""
    paths = [page["path"] for page in dash.page_registry.values()]
    assert sorted(paths) == sorted(EXPECTED_PAGES), "a page without an expectation in this test"
    return [(path, EXPECTED_PAGES[path]) for path in paths]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_for_every_role(app, role: str) -> None:
    client = login_client(app, USERS[role])
    assert ROUTER in [d["output"] for d in client.get("/_dash-dependencies").get_json()]
    for path, allowed in pages():
        response = client.post("/_dash-update-component", json=router_body(path))
        assert response.status_code == 200, f"{role} on {path}: {response.status_code}"
        text = response.get_data(as_text=True)
        assert "_pages_content" in text  # a real page update, refused or not
        refused = "geen-toegang" in text
        assert refused == (role not in allowed), f"{role} on {path}"


@pytest.mark.parametrize("role", ROLES)
def test_every_callback_for_every_role(app, role: str) -> None:
    client = login_client(app, USERS[role])
    assert sorted(CALLBACK_ROLES) == sorted(EXPECTED_CALLBACKS), "a callback without an expectation in this test"
    for output, allowed in EXPECTED_CALLBACKS.items():
        status = client.post("/_dash-update-component", json=callback_body(output)).status_code
        if role in allowed:
            assert status != 403, f"{role} refused {output}"
        else:
            assert status == 403, f"{role} allowed {output}"


def test_without_a_session_every_dash_endpoint_refuses(app) -> None:
    client = anonymous(app)
    for body in [*(callback_body(o) for o in CALLBACK_ROLES), router_body("/")]:
        response = client.post("/_dash-update-component", json=body)
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


def _age_session(client, column: str, seconds: float) -> None:
    """Move this client's server-side session back in time (sessions live in the store, issue #10)."""
    import hashlib
    import sqlite3

    with client.session_transaction() as sess:
        id_hash = hashlib.sha256(sess["sid"].encode()).hexdigest()
    with sqlite3.connect(store.store_path()) as con:
        con.execute(f"UPDATE sessions SET {column} = ? WHERE id_hash = ?", (time.time() - seconds, id_hash))


def test_session_ends_after_idle_time(app) -> None:
    client = login_client(app)
    assert client.get("/_dash-layout").status_code == 200
    _age_session(client, "seen", 31 * 60)
    assert client.get("/_dash-layout").status_code == 401


def test_session_ends_after_the_maximum_time(app) -> None:
    client = login_client(app)
    _age_session(client, "since", 9 * 3600)
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


def _kpi_numbers(node, out: list[str]) -> list[str]:
    """The texts of every .kpi-value in a Dash component tree (JSON)."""
    if isinstance(node, dict):
        props = node.get("props", {})
        if "kpi-value" in str(props.get("className", "")) and isinstance(props.get("children"), str):
            out.append(props["children"])
        for value in node.values():
            _kpi_numbers(value, out)
    elif isinstance(node, list):
        for value in node:
            _kpi_numbers(value, out)
    return out


def test_portfolio_holder_never_receives_a_pseudonym_staff_code_or_small_count(tmp_path) -> None:
    import re

    from tests.etl_helpers import load, query, write_files
    from tests.test_etl_load import FILES

    extra = {"medewerkers.csv": "medewerker;rol;gemeente_code;fte;begindatum\nLPA07;leerplichtambtenaar;GM0758;0,8;"
                                "01-01-2020\n",
             "zaken.csv": "zaak_id;bsn;soort;startdatum;behandelaar\nZ1;999990019;absoluut_verzuim;01-03-2024;LPA07\n"}
    wh = tmp_path / "wh"
    assert load(write_files(tmp_path / "src", {**FILES, **extra}), wh).published
    pseudonyms = {p for (p,) in query(wh, "SELECT person_id FROM stg_verzuimmeldingen")}
    app = create_app(wh)
    client = login_client(app, "wethouder")
    responses = [client.get("/_dash-layout").get_data(as_text=True)]
    for path, _ in pages():  # every page; a refused one must not leak either
        for gemeente in ("", "?gemeente=GM0758", "?gemeente=GM1959"):
            response = client.post("/_dash-update-component", json=router_body(path, gemeente))
            assert response.status_code == 200
            responses.append(response.get_data(as_text=True))
    text = "\n".join(responses)
    assert "Overzicht Breda" in text  # the pages were really served
    assert not any(p in text for p in pseudonyms)
    assert not re.search(r"\b[0-9a-f]{32}\b", text)
    assert "LPA07" not in text
    for response in responses:
        if response.startswith("{"):
            numbers = _kpi_numbers(json.loads(response), [])
            assert not [n for n in numbers if re.fullmatch(r"[1-4]", n)], numbers


def test_opening_a_person_level_page_is_audited_without_its_content(tmp_path, monkeypatch) -> None:
    import_pages = dash.dash._import_layouts_from_pages
    secret = "inhoud-die-nooit-in-het-log-mag"

    def with_a_person_level_page(folder):
        import_pages(folder)
        dash.register_page("werk_per_zaak", path="/werk-per-zaak", name="Werk per zaak", order=50,
                           layout=lambda **_: dash.html.Div(secret), access=("coordinator",), person_level=True)

    monkeypatch.setattr(dash.dash, "_import_layouts_from_pages", with_a_person_level_page)
    EXPECTED_PAGES["/werk-per-zaak"] = {"coordinator"}
    try:
        app = create_app(tmp_path)
        client = login_client(app, "coordinator")
        assert secret in client.post("/_dash-update-component", json=router_body("/werk-per-zaak")).get_data(True)
        refused = login_client(app, "wethouder").post("/_dash-update-component", json=router_body("/werk-per-zaak"))
        assert secret not in refused.get_data(as_text=True)
    finally:
        EXPECTED_PAGES.pop("/werk-per-zaak")
    entries = [r for r in store.audit_log(20) if r[4] == "/werk-per-zaak"]
    assert [(r[1], r[2], r[3]) for r in entries] == [("coordinator", "coordinator", "opende")]
    assert secret not in str(store.audit_log(2000))


def test_logout_ends_the_session(app) -> None:
    client = login_client(app, "coordinator")
    assert client.get("/_dash-layout").status_code == 200
    with client.session_transaction() as sess:
        token = sess["csrf"]
    response = client.post("/logout", data={"csrf": token})  # a POST with its token (issue #10: GET asks)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/_dash-layout").status_code == 401
    assert store.audit_log(1)[0][1:4] == ("coordinator", "coordinator", "uitgelogd")
