"""Sign-in with the municipality's identity provider, end to end against a real OpenID Connect provider:
panva's oidc-provider (pinned in package.json) started on loopback by tests/oidc/provider.mjs, and the
real app on a threaded server. A person is walked through with requests: the app sends them to the
provider, they fill in the provider's login form, the provider sends them back with a code, the app
exchanges it (PKCE) and verifies the ID token. Issue #10."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey

from access import store

ROOT = Path(__file__).resolve().parents[1]
CLIENT_ID, CLIENT_SECRET = "rbl-monitor", "test-client-geheim"
USERS = {  # as a municipality's directory would give them
    "an.coordinator": {"name": "An", "groups": ["RBL-Coordinatoren", "Alle medewerkers"]},
    "piet.wethouder": {"name": "Piet", "groups": ["Wethouders onderwijs"]},
    "mo.medewerker": {"name": "Mo", "groups": ["RBL-Leerplicht", "Gemeente Breda"]},
    "bea.beheer": {"name": "Bea", "groups": ["RBL-Beheer"]},
    "twee.petten": {"name": "Twee", "groups": ["RBL-Coordinatoren", "Wethouders onderwijs"]},
    "geen.rol": {"name": "Geen", "groups": ["Alle medewerkers"]},
    "mo.zonder.gemeente": {"name": "Mo2", "groups": ["RBL-Leerplicht"]},
}
OIDC_SETTINGS = """
[oidc]
issuer = "{issuer}"
client_id = "{client_id}"
groepen_claim = "groups"
[oidc.rollen]
"RBL-Coordinatoren" = "coordinator"
"Wethouders onderwijs" = "portefeuillehouder"
"RBL-Leerplicht" = "medewerker"
"RBL-Beheer" = "beheerder"
[oidc.gemeenten]
"Gemeente Breda" = "GM0758"
"""


def free_port(env: str) -> int:
    """RBL_TEST_OIDC_PORT and friends pin a port; otherwise the OS picks a free one."""
    if os.environ.get(env):
        return int(os.environ[env])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def signing_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "rbl-test", "use": "sig", "alg": "RS256"}, private=True)


@pytest.fixture(scope="module")
def oidc(tmp_path_factory, signing_key: RSAKey):
    """(app base URL, provider URL, the Dash app): the app on a threaded server, the provider in node."""
    from werkzeug.serving import make_server

    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("node and node_modules/oidc-provider are needed (make node)")
    folder = tmp_path_factory.mktemp("oidc")
    provider_port = free_port("RBL_TEST_OIDC_PORT")
    issuer = f"http://127.0.0.1:{provider_port}"
    settings = folder / "settings.toml"
    base_settings = (ROOT / "config" / "settings.toml").read_text()
    settings.write_text(base_settings[:base_settings.index("[oidc]")]
                        + OIDC_SETTINGS.format(issuer=issuer, client_id=CLIENT_ID))
    saved = {k: os.environ.get(k) for k in ("RBL_SETTINGS", "RBL_INSECURE_COOKIES", "RBL_OIDC_CLIENT_SECRET")}
    os.environ.update(RBL_SETTINGS=str(settings), RBL_INSECURE_COOKIES="1", RBL_OIDC_CLIENT_SECRET=CLIENT_SECRET)
    from app import create_app

    app = create_app(folder / "leeg")
    server = make_server("127.0.0.1", free_port("RBL_TEST_OIDC_APP_PORT"), app.server, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    config = folder / "provider.json"
    config.write_text(json.dumps({
        "port": provider_port, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "redirect_uri": f"{base}/login/oidc/callback", "post_logout_redirect_uri": f"{base}/login",
        "signing_key": signing_key.as_dict(private=True), "users": USERS}))
    process = subprocess.Popen([node, str(ROOT / "tests" / "oidc" / "provider.mjs"), str(config)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()  # waits for the provider to listen (or to die)
        assert line.startswith("listening"), process.stderr.read()
        yield base, issuer, app
    finally:
        process.terminate()
        process.wait(timeout=30)
        server.shutdown()
        thread.join()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def form_of(html: str) -> tuple[str, dict[str, str]]:
    """(action, hidden fields) of the first form on a page."""
    action = unescape(re.search(r'<form[^>]*action="([^"]*)"', html)[1])
    form = html[html.index("<form"):]
    hidden = {unescape(m[1]): unescape(m[2]) for m in
              re.finditer(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)}
    return action, hidden


def sign_in(base: str, username: str,
            browser: requests.Session | None = None) -> tuple[requests.Session, requests.Response]:
    """From the app's login page through the provider's login form and back. (session, last response)."""
    browser = browser or requests.Session()
    page = browser.get(f"{base}/login", timeout=30)
    assert 'id="inloggen-gemeente"' in page.text  # the login page offers the municipality's account
    at_provider = browser.get(f"{base}/login/oidc?next=/verzuim", timeout=30)
    if urlsplit(at_provider.url).path.startswith("/interaction/"):  # not signed in there yet
        action, hidden = form_of(at_provider.text)
        at_provider = browser.post(urljoin(at_provider.url, action), timeout=30,
                                   data={**hidden, "login": username, "password": "wat-de-gemeente-ook-vraagt"})
    return browser, at_provider


def our_sessions(username: str) -> list[store.Session]:
    return [s for s in store.list_sessions() if s.username == username]


@pytest.mark.parametrize(("username", "role", "municipalities"), [
    ("an.coordinator", "coordinator", ()), ("piet.wethouder", "portefeuillehouder", ()),
    ("mo.medewerker", "medewerker", ("GM0758",)), ("bea.beheer", "beheerder", ()),
    ("twee.petten", "portefeuillehouder", ()),  # two roles' groups: the more limited role
])
def test_sign_in_through_the_provider_maps_groups_to_roles(oidc, username, role, municipalities) -> None:
    base, issuer, _app = oidc
    browser, landed = sign_in(base, username)
    assert landed.status_code == 200 and landed.url == f"{base}/verzuim"  # back where they wanted to go
    assert any(r.url.startswith(f"{issuer}/") for r in landed.history)  # really through the provider
    assert browser.get(f"{base}/_dash-layout", timeout=30).status_code == 200
    (session,) = our_sessions(username)[:1]
    assert (session.role, session.municipalities, session.via) == (role, municipalities, "oidc")
    assert store.audit_log(1)[0][1:4] == (username, role, "ingelogd (gemeenteaccount)")


def test_the_code_exchange_uses_pkce(oidc) -> None:
    base, issuer, _app = oidc
    to_provider = requests.Session().get(f"{base}/login/oidc", allow_redirects=False, timeout=30)
    query = parse_qs(urlsplit(to_provider.headers["Location"]).query)
    assert to_provider.headers["Location"].startswith(f"{issuer}/")
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["response_type"] == ["code"] and query["nonce"] and query["state"]


@pytest.mark.parametrize("username", ["geen.rol", "mo.zonder.gemeente"])
def test_a_user_without_a_mapped_group_is_refused(oidc, username: str) -> None:
    base, _issuer, _app = oidc
    browser, landed = sign_in(base, username)
    assert landed.status_code == 403
    assert "geen rol in RBL Monitor" in landed.text or "geen gemeente toegewezen" in landed.text
    assert browser.get(f"{base}/_dash-layout", timeout=30).status_code == 401
    assert our_sessions(username) == []


def test_logout_ends_the_session_here_and_at_the_provider(oidc) -> None:
    base, issuer, _app = oidc
    browser, landed = sign_in(base, "an.coordinator")
    assert landed.url == f"{base}/verzuim"
    # signed in at the provider: a second sign-in needs no form (single sign-on)
    again = browser.get(f"{base}/login/oidc", timeout=30)
    assert again.url == f"{base}/" and browser.get(f"{base}/_dash-layout", timeout=30).status_code == 200
    old_cookie = browser.cookies.get("rbl_sessie")
    _action, hidden = form_of(browser.get(f"{base}/logout", timeout=30).text)
    out = browser.post(f"{base}/logout", data=hidden, allow_redirects=False, timeout=30)
    assert out.status_code == 302 and out.headers["Location"].startswith(f"{issuer}/session/end")
    assert "id_token_hint=" in out.headers["Location"]
    confirm = browser.get(out.headers["Location"], timeout=30)  # the provider asks to confirm
    action, hidden = form_of(confirm.text)
    back = browser.post(urljoin(confirm.url, action), data={**hidden, "logout": "yes"}, timeout=30)
    assert urlsplit(back.url).path == "/login" and back.url.startswith(base)
    # here: the old cookie is dead
    replay = requests.Session()
    replay.cookies.set("rbl_sessie", old_cookie)
    assert replay.get(f"{base}/_dash-layout", timeout=30).status_code == 401
    # there: signing in asks for the provider's login form again
    at_provider = browser.get(f"{base}/login/oidc", timeout=30)
    assert urlsplit(at_provider.url).path.startswith("/interaction/") and 'name="login"' in at_provider.text


def _swap_id_token(monkeypatch, app, change) -> None:
    """Let the real provider answer the code exchange, then change the ID token in its answer."""
    client = app.server.extensions["rbl_oidc"][0].create_client("gemeente")
    real = client.fetch_access_token

    def fetch(*args, **kwargs):
        token = real(*args, **kwargs)
        token["id_token"] = change(token["id_token"])
        return token

    monkeypatch.setattr(client, "fetch_access_token", fetch)


def _claims(id_token: str) -> dict:
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _tampered(id_token: str) -> str:
    """The provider's signature over other claims: a coordinator's group added to a portfolio holder."""
    header, _payload, signature = id_token.split(".")
    claims = {**_claims(id_token), "groups": ["RBL-Coordinatoren"]}
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{payload}.{signature}"


def test_a_tampered_id_token_is_refused(oidc, monkeypatch) -> None:
    base, _issuer, app = oidc
    _swap_id_token(monkeypatch, app, _tampered)
    browser, landed = sign_in(base, "piet.wethouder")
    assert landed.status_code == 401 and "niet gelukt" in landed.text
    assert browser.get(f"{base}/_dash-layout", timeout=30).status_code == 401
    assert all(s.role == "portefeuillehouder" for s in our_sessions("piet.wethouder"))  # none made a coordinator


def test_an_expired_id_token_is_refused(oidc, monkeypatch, signing_key: RSAKey) -> None:
    """Signed with the provider's own key and otherwise right (its nonce, audience, issuer), but expired an
    hour ago: refused."""
    base, _issuer, app = oidc

    def expired(id_token: str) -> str:
        now = int(time.time())
        claims = {**_claims(id_token), "iat": now - 7200, "exp": now - 3600, "auth_time": now - 7200}
        return jwt.encode({"alg": "RS256", "kid": "rbl-test"}, claims, signing_key)

    store.end_sessions("bea.beheer")
    _swap_id_token(monkeypatch, app, expired)
    browser, landed = sign_in(base, "bea.beheer")
    assert landed.status_code == 401
    assert browser.get(f"{base}/_dash-layout", timeout=30).status_code == 401
    assert our_sessions("bea.beheer") == []


def test_an_id_token_signed_by_another_key_is_refused(oidc, monkeypatch) -> None:
    base, _issuer, app = oidc
    other = RSAKey.generate_key(2048, parameters={"kid": "rbl-test"}, private=True)
    _swap_id_token(monkeypatch, app, lambda t: jwt.encode({"alg": "RS256", "kid": "rbl-test"}, _claims(t), other))
    store.end_sessions("mo.medewerker")
    browser, landed = sign_in(base, "mo.medewerker")
    assert landed.status_code == 401
    assert our_sessions("mo.medewerker") == []


def test_a_walk_in_chromium_sign_in_with_the_provider_and_log_out_from_the_menu(oidc, dash_duo) -> None:
    """As a portfolio holder would: the button on the login page, the provider's form, the dashboard, then
    "Uitloggen" in the menu (a POST form), the provider's confirmation, back at the login page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    base, issuer, _app = oidc
    store.end_sessions("piet.wethouder")  # an earlier test's session of the same person
    driver = dash_duo.driver
    driver.set_window_size(1400, 1000)
    wait = WebDriverWait(driver, 30)
    driver.get(f"{base}/login")
    wait.until(ec.element_to_be_clickable((By.ID, "inloggen-gemeente"))).click()
    wait.until(ec.presence_of_element_located((By.NAME, "login"))).send_keys("piet.wethouder")
    assert driver.current_url.startswith(issuer)
    driver.find_element(By.NAME, "password").send_keys("wat-de-gemeente-ook-vraagt")
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(ec.presence_of_element_located((By.ID, "_pages_content")))
    button = wait.until(ec.element_to_be_clickable((By.ID, "uitloggen")))
    assert "piet.wethouder (Portefeuillehouder)" in button.text
    button.click()
    try:
        wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "button[name=logout][value=yes]"))).click()
    except Exception:
        raise AssertionError(driver.current_url + "\n" + driver.page_source[:3000]) from None
    wait.until(ec.presence_of_element_located((By.ID, "inloggen-gemeente")))
    assert driver.current_url.startswith(f"{base}/login")
    assert our_sessions("piet.wethouder") == []


def test_a_callback_without_its_state_is_refused(oidc) -> None:
    """A code and state the browser did not start here (a forged or replayed callback)."""
    base, _issuer, _app = oidc
    browser = requests.Session()
    response = browser.get(f"{base}/login/oidc/callback?code=vals&state=vals", timeout=30)
    assert response.status_code == 401 and "niet gelukt" in response.text
    assert browser.get(f"{base}/_dash-layout", timeout=30).status_code == 401


def test_an_unreachable_provider_is_a_clear_message_not_a_500(tmp_path: Path, monkeypatch) -> None:
    from app import create_app
    from tests.test_access import anonymous

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    base_settings = (ROOT / "config" / "settings.toml").read_text()
    settings = tmp_path / "settings.toml"
    settings.write_text(base_settings[:base_settings.index("[oidc]")]
                        + OIDC_SETTINGS.format(issuer=f"http://127.0.0.1:{closed}", client_id=CLIENT_ID))
    monkeypatch.setenv("RBL_SETTINGS", str(settings))
    client = anonymous(create_app(tmp_path / "leeg"))
    assert 'id="inloggen-gemeente"' in client.get("/login").get_data(as_text=True)
    response = client.get("/login/oidc")
    assert response.status_code == 503 and "niet bereikbaar" in response.get_data(as_text=True)
