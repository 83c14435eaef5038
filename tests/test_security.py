"""Issue #10: every finding of the hands-on attack as a regression test, and the role x endpoint matrix on
the demo warehouse. Each test names the finding it reproduces (docs/security.md, "What was tried")."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pandas as pd
import pytest
import requests

from access import store
from app import create_app
from tests.conftest import TEST_PASSWORDS, login_client
from tests.etl_helpers import load, query, write_files
from tests.test_access import anonymous, outputs_of, router_body
from tests.test_etl_load import APRIL, FILES, GEMEENTEN, HEADER, MARCH

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app(tmp_path_factory.mktemp("leeg"))


@pytest.fixture(scope="module")
def demo_app(demo_warehouse):
    return create_app(demo_warehouse)


def csrf_of(client) -> str:
    with client.session_transaction() as sess:
        return sess["csrf"]


def post_login(client, username: str, password: str, next_url: str = "/"):
    client.get("/login")
    return client.post("/login", data={"csrf": csrf_of(client), "gebruikersnaam": username,
                                       "wachtwoord": password, "next": next_url})


def post_logout(client):
    return client.post("/logout", data={"csrf": csrf_of(client)})


def cookie_of(client) -> str:
    return client.get_cookie("rbl_sessie").value


def client_with_cookie(app, value: str):
    client = anonymous(app)
    client.set_cookie("rbl_sessie", value)
    return client


def temporary_account(username: str, role: str = "coordinator", municipalities: tuple[str, ...] = ()) -> None:
    if store.get_account(username):
        store.remove_account(username)
    TEST_PASSWORDS[username] = f"{username}-wachtwoord-1"
    store.add_account(username, role, TEST_PASSWORDS[username], municipalities)


# --- 1. open redirect after login ------------------------------------------------------------------------

def browser_target(location: str) -> tuple[str, str]:
    """(scheme, host) a browser goes to for a Location header: it drops tabs and newlines anywhere,
    strips leading/trailing spaces and controls, and reads a backslash as a slash (WHATWG URL)."""
    cleaned = re.sub(r"[\t\n\r]", "", location).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
                                                         "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b"
                                                         "\x1c\x1d\x1e\x1f ").replace("\\", "/")
    parts = urlsplit(cleaned)
    return parts.scheme, parts.netloc


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "\t//evil.example",
                                    " //evil.example", "/\\/evil.example", "/ /evil.example", "\x00//evil.example",
                                    "/\x0b/evil.example", "https:/evil.example", "/%09/evil.example",
                                    "/verzuim\n", "/\u3000/evil.example"])
def test_finding_1_login_redirects_only_to_a_local_path(app, target: str) -> None:
    response = post_login(anonymous(app), "coordinator", TEST_PASSWORDS["coordinator"], target)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert browser_target(location) == ("", ""), location
    assert location.startswith("/") and not location.startswith("//")


def test_finding_1_a_next_with_a_newline_is_no_server_error(app) -> None:
    client = anonymous(app)
    for query_string in ("next=%0A", "next=%2F%0A", "next=%2F%09%2Fevil.example", "next=%2F%0D%0ALocation:x"):
        page = client.get(f"/login?{query_string}")
        assert page.status_code == 200
        assert "evil.example" not in page.get_data(as_text=True)


def test_finding_1_a_local_path_with_its_query_survives_the_login(app) -> None:
    response = post_login(anonymous(app), "coordinator", TEST_PASSWORDS["coordinator"], "/verzuim?gemeente=GM0758")
    assert response.headers["Location"] == "/verzuim?gemeente=GM0758"


# --- 2. CSV formula injection ----------------------------------------------------------------------------

DANGEROUS = ['=HYPERLINK("http://x.example","klik")', "+31 6 1234", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def test_finding_2_the_one_escaping_function() -> None:
    from warehouse.spreadsheet import safe_text

    assert [safe_text(v) for v in DANGEROUS] == ["'" + v for v in DANGEROUS]
    harmless = ["Breda", "", "'al", "5", "<5", "–", "×"]
    assert [safe_text(v) for v in harmless] == harmless


def test_finding_2_page_csv_escapes_text_but_keeps_negative_numbers() -> None:
    import csv

    from pages._download import csv_bytes

    frame = pd.DataFrame({"name": DANGEROUS, "value": [-1.5, 2.0, -3.0, 4.0, 5.0, -6.5]})
    text = csv_bytes(frame, [("name", "School", None), ("value", "Verschil", 1)]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ["'" + v for v in DANGEROUS]
    assert [r[1] for r in rows[1:]] == ["-1,5", "2,0", "-3,0", "4,0", "5,0", "-6,5"]  # numbers stay numbers


def test_finding_2_the_page_xlsx_stores_such_cells_as_text() -> None:
    from pages._download import xlsx_bytes

    frame = pd.DataFrame({"name": DANGEROUS, "value": [-1.5, 2.0, -3.0, 4.0, 5.0, -6.5]})
    content = xlsx_bytes(frame, [("name", "School", None), ("value", "V", 1)])
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Tabel"]
    cells = [sheet.cell(row=r, column=1) for r in range(2, 8)]
    assert all(c.data_type == "s" for c in cells)  # a string, never a formula ("f")
    assert [c.value for c in cells][:4] == DANGEROUS[:4]
    assert sheet.cell(row=2, column=2).value == -1.5


def test_finding_2_the_kpi_and_report_csv_escape_text_cells() -> None:
    from warehouse.cli import write_csv

    out = io.StringIO()
    write_csv([("=cmd", "2023-2024", "@GM0758", "-school=1", -1.5, 3, None)], out)
    # the last, empty cell is covered_through (issue #9: a complete figure)
    assert out.getvalue().splitlines()[1] == "'=cmd,2023-2024,'@GM0758,'-school=1,-1.5,3,,"


def test_finding_2_the_rejected_rows_report_escapes_text_cells(tmp_path: Path) -> None:
    from etl.load import write_report

    write_report(tmp_path / "r.csv", [("=evil.csv", 2, "scholen", "-onbekend: =HYPERLINK(1)")])
    assert (tmp_path / "r.csv").read_text().splitlines()[1] == "'=evil.csv,2,scholen,'-onbekend: =HYPERLINK(1)"


def test_finding_2_a_formula_in_a_source_file_leaves_the_data_download_as_text(tmp_path: Path) -> None:
    """End to end: a row with a formula where a date should be is rejected, and the coordinator's CSV of
    the rejected rows on /data quotes it as text."""
    bad = HEADER + "M9;999990019;06HO;00;=HYPERLINK(1);V3;B;GM0758;01-03-2024\n"
    src = write_files(tmp_path / "src", {**FILES, "verzuimmeldingen_2024-05.csv": bad})
    assert load(src, tmp_path / "wh").published
    client = login_client(create_app(tmp_path / "wh"), "coordinator")
    content = download(client, "data-download", "afgekeurde-regels-csv").decode("utf-8-sig")
    cells = [cell for line in content.splitlines() for cell in line.split(";")]
    assert "HYPERLINK" in content
    assert not [c for c in cells if c.lstrip('"').startswith(("=", "+", "-", "@", "\t", "\r"))], content


# --- 3. sessions live on the server ----------------------------------------------------------------------

def download(client, download_id: str, button: str, buttons: list[str] | None = None) -> bytes:
    """Click a download button through Dash's endpoint; the file's bytes (b"" when refused)."""
    from pages.data import TABLES, _button_ids

    ids = buttons or [b for t in TABLES for b in _button_ids(t)]
    body = {"output": f"{download_id}.data", "outputs": {"id": download_id, "property": "data"},
            "inputs": [{"id": b, "property": "n_clicks", "value": 1 if b == button else None} for b in ids],
            "changedPropIds": [f"{button}.n_clicks"], "state": []}
    response = client.post("/_dash-update-component", json=body)
    if response.status_code != 200 or download_id not in response.get_json().get("response", {}):
        return b""
    data = response.get_json()["response"][download_id]["data"]
    return base64.b64decode(data["content"]) if data.get("base64") else data["content"].encode()


def test_finding_3_the_old_cookie_is_dead_after_logout(demo_app) -> None:
    client = login_client(demo_app, "coordinator")
    old = cookie_of(client)
    assert client.get("/_dash-layout").status_code == 200
    assert download(client, "data-download", "laadhistorie-csv")
    assert post_logout(client).status_code == 302
    replay = client_with_cookie(demo_app, old)
    assert replay.get("/_dash-layout").status_code == 401
    assert download(replay, "data-download", "laadhistorie-csv") == b""


@pytest.mark.parametrize("change", ["password", "role", "removal"])
def test_finding_3_a_password_role_change_or_removal_ends_every_session(app, change: str) -> None:
    temporary_account("wisselaar")
    first, second = login_client(app, "wisselaar"), login_client(app, "wisselaar")
    assert first.get("/_dash-layout").status_code == 200 and second.get("/_dash-layout").status_code == 200
    if change == "password":
        store.set_password("wisselaar", "een-heel-nieuw-wachtwoord")
    elif change == "role":
        store.set_role("wisselaar", "portefeuillehouder")
    else:
        store.remove_account("wisselaar")
    assert first.get("/_dash-layout").status_code == 401
    assert second.get("/_dash-layout").status_code == 401
    if change != "removal":
        store.remove_account("wisselaar")


def test_finding_3_the_administrator_sees_who_is_logged_in(app) -> None:
    login_client(app, "medewerker")
    response = login_client(app, "beheerder").post("/_dash-update-component", json=router_body("/beheer"))
    text = response.get_data(as_text=True)
    assert '"sessies"' in text
    grid = _find_component(response.get_json(), "sessies")
    rows = grid["props"]["rowData"]
    mine = [r for r in rows if r["username"] == "medewerker"]
    assert mine and mine[0]["role"] == "Medewerker" and mine[0]["since"] and mine[0]["seen"]
    assert set(rows[0]) >= {"username", "role", "since", "seen"}


def _find_component(node, component_id: str):
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == component_id:
            return node
        for value in node.values():
            found = _find_component(value, component_id)
            if found:
                return found
    elif isinstance(node, list):
        for value in node:
            found = _find_component(value, component_id)
            if found:
                return found
    return None


def test_finding_3_the_session_table_holds_no_usable_cookie(app, access_store: Path) -> None:
    client = login_client(app, "wethouder")
    con = sqlite3.connect(access_store)
    stored = " ".join(str(v) for row in con.execute("SELECT * FROM sessions") for v in row)
    con.close()
    with client.session_transaction() as sess:
        sid = sess["sid"]
    assert sid not in stored  # only a hash of the session id is kept


# --- 4. login throttling holds under parallel requests --------------------------------------------------

@pytest.fixture()
def threaded_server(tmp_path: Path, monkeypatch):
    """The real app on a threaded WSGI server on a free loopback port (plain http: insecure cookies)."""
    from werkzeug.serving import make_server

    monkeypatch.setenv("RBL_INSECURE_COOKIES", "1")
    served = create_app(tmp_path / "leeg")
    server = make_server("127.0.0.1", 0, served.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def _login_form(base: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    page = session.get(f"{base}/login", timeout=30).text
    return session, re.search(r'name="csrf" value="([^"]+)"', page)[1]


def test_finding_4_thirty_parallel_wrong_passwords_get_three_tries(threaded_server: str) -> None:
    temporary_account("doelwit")
    forms = [_login_form(threaded_server) for _ in range(30)]
    start = threading.Barrier(30)

    def attempt(form: tuple[requests.Session, str]) -> int:
        session, token = form
        start.wait()
        wrong = {"csrf": token, "gebruikersnaam": "doelwit", "wachtwoord": "fout-wachtwoord!"}
        return session.post(f"{threaded_server}/login", data=wrong, timeout=60, allow_redirects=False).status_code

    with ThreadPoolExecutor(30) as pool:
        statuses = list(pool.map(attempt, forms))
    assert sorted(statuses) == [401] * 3 + [429] * 27  # 3 free tries (settings sessie.vertraging_na_pogingen)
    # the owner during a wait (made long, 256 s, so that no machine is too slow to be inside it): refused,
    # and the try is not counted, so the wait does not grow
    with sqlite3.connect(store.store_path()) as con:
        con.execute("UPDATE login_failures SET failures = 10, last_failure = ? WHERE username = 'doelwit'",
                    (time.time(),))
    failures_before = store.failures("doelwit")
    session, token = _login_form(threaded_server)
    right = {"csrf": token, "gebruikersnaam": "doelwit", "wachtwoord": TEST_PASSWORDS["doelwit"]}
    assert session.post(f"{threaded_server}/login", data=right, allow_redirects=False, timeout=30).status_code == 429
    assert store.failures("doelwit") == failures_before
    # once the wait is over (moved into the past rather than slept), the right password works
    with sqlite3.connect(store.store_path()) as con:
        con.execute("UPDATE login_failures SET last_failure = last_failure - 3600 WHERE username = 'doelwit'")
    session, token = _login_form(threaded_server)
    right["csrf"] = token
    assert session.post(f"{threaded_server}/login", data=right, allow_redirects=False, timeout=30).status_code == 302
    assert session.get(f"{threaded_server}/_dash-layout", timeout=30).status_code == 200
    store.remove_account("doelwit")


# --- 5. load limits and symbolic links ------------------------------------------------------------------

@pytest.fixture()
def small_limits(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the settings with small load limits."""
    text = (ROOT / "config" / "settings.toml").read_text()
    text = re.sub(r"max_bestand_mb = [\d.]+", "max_bestand_mb = 0.05", text)
    text = re.sub(r"max_afgekeurde_regels = \d+", "max_afgekeurde_regels = 2", text)
    path = tmp_path / "settings.toml"
    path.write_text(text)
    monkeypatch.setenv("RBL_SETTINGS", str(path))
    return path


def test_finding_5_a_file_over_the_size_limit_is_refused(tmp_path: Path, small_limits: Path) -> None:
    big = MARCH + "".join(f"M{i};999990019;06HO;00;01-03-2024;V3;B;GM0758;01-03-2024\n" for i in range(10, 1500))
    result = load(write_files(tmp_path / "src", {**FILES, "verzuimmeldingen_2024-03.csv": big}), tmp_path / "wh")
    assert not result.published and result.exit_code == 2
    assert "verzuimmeldingen_2024-03.csv" in result.message and "groter dan" in result.message
    assert not (tmp_path / "wh" / "warehouse.duckdb").exists()


def test_finding_5_an_xlsx_that_expands_past_the_limit_is_refused(tmp_path: Path, small_limits: Path) -> None:
    import zipfile

    src = write_files(tmp_path / "src", FILES)
    bomb = src / "verzuimmeldingen_2024-06.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:  # 1 MB of blanks packs to ~1 kB
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", " " * (1024 * 1024))
    assert bomb.stat().st_size < 0.05 * 1024 * 1024
    result = load(src, tmp_path / "wh")
    assert not result.published and "uitgepakt" in result.message


def test_finding_5_a_file_with_too_many_rejected_rows_is_refused(tmp_path: Path, small_limits: Path) -> None:
    bad = HEADER + "".join(f"M{i};123;06HO;00;01-03-2024;V3;B;GM0758;01-03-2024\n" for i in range(3))
    result = load(write_files(tmp_path / "src", {**FILES, "verzuimmeldingen_2024-05.csv": bad}), tmp_path / "wh")
    assert not result.published and result.exit_code == 2
    assert "afgekeurde regels" in result.message and "verzuimmeldingen_2024-05.csv" in result.message


def test_finding_5_a_symbolic_link_out_of_the_folder_is_never_followed(tmp_path: Path) -> None:
    outside = write_files(tmp_path / "elders", {"geheim.csv": APRIL})
    src = write_files(tmp_path / "src", FILES)
    (src / "verzuimmeldingen_2024-07.csv").symlink_to(outside / "geheim.csv")
    result = load(src, tmp_path / "wh")
    assert not result.published and result.exit_code == 2
    assert "koppeling" in result.message
    # a link that stays inside the folder is an ordinary file
    (src / "verzuimmeldingen_2024-07.csv").unlink()
    write_files(src / "sub", {"april.csv": APRIL})
    (src / "verzuimmeldingen_2024-07.csv").symlink_to(src / "sub" / "april.csv")
    assert load(src, tmp_path / "wh").published


def test_finding_5_data_page_sends_a_bounded_number_of_rejected_rows(tmp_path: Path) -> None:
    many = 1025
    bad = HEADER + "".join(f"M{i};123;06HO;00;01-03-2024;V3;B;GM0758;01-03-2024\n" for i in range(many))
    src = write_files(tmp_path / "src", {**FILES, "verzuimmeldingen_2024-05.csv": bad})
    assert load(src, tmp_path / "wh").published
    client = login_client(create_app(tmp_path / "wh"), "coordinator")
    from pages.data import REJECTS_ON_SCREEN  # (a page module is imported by the app)

    assert REJECTS_ON_SCREEN == 1000
    page = client.post("/_dash-update-component", json=router_body("/data")).get_json()
    grid = _find_component(page, "afgekeurde-regels")
    assert len(grid["props"]["rowData"]) == REJECTS_ON_SCREEN
    assert f"eerste {REJECTS_ON_SCREEN:,}".replace(",", ".") in json.dumps(page, ensure_ascii=False)
    csv = download(client, "data-download", "afgekeurde-regels-csv").decode("utf-8-sig")
    assert len(csv.strip().split("\r\n")) == many + 1  # the download carries all


# --- 6. the administrator never sees a report -----------------------------------------------------------

def test_finding_6_the_administrator_gets_no_reports_without_status(demo_app, demo_warehouse: Path) -> None:
    numbers = [n for (n,) in query(demo_warehouse, "SELECT meldingsnummer FROM stg_verzuimmeldingen LIMIT 50")]
    admin = login_client(demo_app, "beheerder")
    text = admin.post("/_dash-update-component", json=router_body("/data")).get_data(as_text=True)
    assert "Afgekeurde regels" in text and "Laadhistorie" in text
    assert "Meldingen zonder status" not in text and "meldingen-zonder-status-csv" not in text
    assert not any(n in text for n in numbers)
    for kind in ("csv", "xlsx"):
        assert download(admin, "data-download", f"meldingen-zonder-status-{kind}") == b""


def test_finding_6_the_coordinator_sees_them_and_that_is_audited(demo_app) -> None:
    coordinator = login_client(demo_app, "coordinator")
    text = coordinator.post("/_dash-update-component", json=router_body("/data")).get_data(as_text=True)
    assert "Meldingen zonder status" in text
    assert store.audit_log(1)[0][1:] == ("coordinator", "coordinator", "opende", "/data#meldingen-zonder-status")
    content = download(coordinator, "data-download", "meldingen-zonder-status-csv").decode("utf-8-sig")
    assert content.startswith("Meldingsnummer;")
    assert store.audit_log(1)[0][1:] == ("coordinator", "coordinator", "downloadde", "meldingen-zonder-status.csv")


# --- 7. malformed requests get a 4xx, never a 500 -------------------------------------------------------

@pytest.mark.parametrize("body", ["[1, 2]", "[" * 100_000 + "]" * 100_000, '{"output": 5}', "nul", '"tekst"',
                                  '{"output": "rbl-url.search"}', '{"output": "rbl-url.search", "inputs": 3}',
                                  json.dumps({"output": ".._pages_content.children..._pages_store.data..",
                                              "inputs": "x"}),
                                  json.dumps({"output": "rbl-url.search", "outputs": {}, "inputs": [],
                                              "changedPropIds": [], "state": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[
                                                  []]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]})])
def test_finding_7_malformed_callback_bodies_get_a_400(app, body: str) -> None:
    client = login_client(app, "coordinator")
    response = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert 400 <= response.status_code < 500, response.status_code


@pytest.mark.parametrize("path", ["/_dash-component-suites/dash/..%2f..",
                                  "/_dash-component-suites/dash/..%2f..%2fapp.py",
                                  "/_dash-component-suites/onbekend/x.js", "/_dash-component-suites/dash/%2e%2e/x"])
def test_finding_7_a_path_outside_the_bundles_is_a_404(app, path: str) -> None:
    assert anonymous(app).get(path).status_code == 404


def test_finding_7_a_body_over_the_limit_is_a_413(app) -> None:
    client = login_client(app, "coordinator")
    response = client.post("/_dash-update-component", data=b"{" + b" " * (50 * 1024 * 1024) + b"}",
                           content_type="application/json")
    assert response.status_code == 413
    assert anonymous(app).post("/login", data=b"x" * (50 * 1024 * 1024),
                               content_type="application/x-www-form-urlencoded").status_code == 413


def test_finding_7_an_annual_report_for_a_municipality_named_with_sheet_characters(tmp_path: Path) -> None:
    from reports.cli import main

    name = "Gem[ee]nte: *A?/B\\C met een heel lange naam"
    src = write_files(tmp_path / "src", {**FILES, "gemeenten.csv": GEMEENTEN.replace("Altena", name)})
    assert load(src, tmp_path / "wh").published
    out = tmp_path / "jaarverslag.xlsx"
    assert main(["jaarverslag", "--school-year", "2023-2024", "--out", str(out), "--warehouse",
                 str(tmp_path / "wh"), "--gemeente", "GM1959"]) == 0
    names = openpyxl.load_workbook(out).sheetnames
    assert any(n.startswith("Gem(ee)nte- -A -B-C") for n in names), names
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


# --- 8. the smaller findings ----------------------------------------------------------------------------

def test_finding_8_login_without_a_session_and_an_empty_token_is_refused(app) -> None:
    client = anonymous(app)
    response = client.post("/login", data={"csrf": "", "gebruikersnaam": "coordinator",
                                           "wachtwoord": TEST_PASSWORDS["coordinator"], "next": "/"})
    assert response.status_code == 400
    assert client.get("/_dash-layout").status_code == 401


def test_finding_8_a_get_of_logout_does_not_log_out(app) -> None:
    client = login_client(app, "coordinator")
    page = client.get("/logout")
    assert page.status_code == 200 and 'method="post"' in page.get_data(as_text=True)  # asks, with a form
    assert client.get("/_dash-layout").status_code == 200
    assert client.post("/logout", data={"csrf": "vals"}).status_code == 400
    assert client.get("/_dash-layout").status_code == 200
    response = post_logout(client)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/_dash-layout").status_code == 401


def test_finding_8_the_navbar_logs_out_with_a_post_form(app) -> None:
    layout = json.dumps(login_client(app, "wethouder").get("/_dash-layout").get_json())
    form = _find_component(json.loads(layout), "uitloggen-formulier")
    assert form["props"]["method"] == "post" and form["props"]["action"] == "/logout"
    assert '"href": "/logout"' not in layout


def test_finding_8_a_failed_login_keeps_no_typed_text_in_the_audit_log(app) -> None:
    typed = "MijnGeheimeWachtwoord2026"  # someone typed the password in the name field
    post_login(anonymous(app), typed, "iets")
    post_login(anonymous(app), "wethouder", "fout-wachtwoord")
    log = store.audit_log(5)
    assert typed.lower() not in str(log) and typed not in str(log)
    assert log[1][1:4] == ("(onbekende naam)", "-", "inloggen mislukt")
    assert log[0][1:4] == ("wethouder", "-", "inloggen mislukt")


def test_finding_8_warehouse_facts_and_reports_are_private_files(tmp_path: Path) -> None:
    src = write_files(tmp_path / "src", FILES)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "etl", "load", str(src), "--warehouse", str(tmp_path / "wh"), "--quiet",
                    "--report", str(tmp_path / "afgekeurd.csv"), "--load-date", "2025-11-15"],
                   check=True, cwd=ROOT, env=env, capture_output=True)
    subprocess.run([sys.executable, "-m", "reports", "jaarverslag", "--school-year", "2023-2024", "--warehouse",
                    str(tmp_path / "wh"), "--out", str(tmp_path / "jaarverslag.xlsx")],
                   check=True, cwd=ROOT, env=env, capture_output=True)
    written = [tmp_path / "wh", *(tmp_path / "wh").rglob("*"), tmp_path / "afgekeurd.csv",
               tmp_path / "jaarverslag.xlsx"]
    assert any(p.suffix == ".parquet" for p in written)
    loose = [(str(p), oct(p.stat().st_mode & 0o777)) for p in written if stat.S_IMODE(p.stat().st_mode) & 0o077]
    assert loose == []


@pytest.mark.parametrize("path", ["/favicon.ico/x", "/_favicon.ico/x", "/favicon.icox", "/favicon.ico",
                                  "/assets/../app.py"])
def test_finding_8_no_dash_index_for_someone_not_logged_in(app, path: str) -> None:
    response = anonymous(app).get(path)
    assert "_dash-config" not in response.get_data(as_text=True)
    assert response.status_code in (302, 404)


def test_finding_8_docs_name_the_referrer_policy_the_server_sends(app) -> None:
    sent = anonymous(app).get("/login").headers["Referrer-Policy"]
    docs = (ROOT / "docs" / "security.md").read_text()
    named = re.findall(r"Referrer-Policy:\s*`?([a-z-]+)", docs)
    assert named and set(named) == {sent}


# --- production serving ---------------------------------------------------------------------------------

def test_python_app_py_serves_with_gunicorn_two_workers_of_four_threads(demo_warehouse: Path) -> None:
    """What `make run` runs: gunicorn (gthread), not the development server; `--dev` only when asked."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "RBL_PORT": str(port), "RBL_WAREHOUSE": str(demo_warehouse)}
    process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        for line in process.stdout:  # gunicorn reports each step; wait for both workers to boot
            lines.append(line)
            if sum("Booting worker" in seen for seen in lines) == 2:
                break
        text = "".join(lines)
        assert "Using worker: gthread" in text and f"Listening at: http://127.0.0.1:{port}" in text, text
        response = requests.get(f"http://127.0.0.1:{port}/login", timeout=60)
        assert response.status_code == 200 and response.headers["Server"].startswith("gunicorn")
    finally:
        process.terminate()
        process.wait(timeout=60)
    makefile = (ROOT / "Makefile").read_text()
    assert "$(PY) app.py $(if $(DEV),--dev)" in makefile


def test_the_access_cli_lists_and_ends_sessions_and_changes_roles(app, capsys) -> None:
    from access.cli import main

    temporary_account("klikker", "portefeuillehouder")
    client = login_client(app, "klikker")
    assert main(["sessions"]) == 0
    assert re.search(r"klikker\s+Portefeuillehouder\s+lokaal\s+sinds ", capsys.readouterr().out)
    assert main(["logout", "klikker"]) == 0 and "1 sessie(s) van klikker" in capsys.readouterr().out
    assert client.get("/_dash-layout").status_code == 401
    client = login_client(app, "klikker")
    assert main(["role", "klikker", "--rol", "medewerker", "--gemeente", "GM0758"]) == 0
    assert client.get("/_dash-layout").status_code == 401
    assert store.get_account("klikker").municipalities == ("GM0758",)
    store.remove_account("klikker")


# --- the role x endpoint matrix on the demo warehouse ---------------------------------------------------

def _has_content(node) -> bool:
    """A page update that shows data: a grid with rows, a chart with points, or a KPI card with a number."""
    if isinstance(node, dict):
        props = node.get("props", {}) if isinstance(node.get("props"), dict) else {}
        if node.get("type") == "AgGrid" and props.get("rowData"):
            return True
        if node.get("type") == "Graph" and any(t.get("x") is not None or t.get("z") is not None
                                               for t in (props.get("figure") or {}).get("data", [])):
            return True
        if "kpi-value" in str(props.get("className", "")) and re.search(r"\d", str(props.get("children"))):
            return True
        if node.get("type") == "Table" and re.search(r"\d", json.dumps(props.get("children"))):
            return True
        return any(_has_content(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_content(v) for v in node)
    return False


def _download_body(app, output: str) -> dict:
    """A click on the first CSV (else the first) button of a download callback, built from its registration."""
    spec = app.callback_map[output]
    buttons = [i for i in spec["inputs"] if i["property"] == "n_clicks"]
    trigger = next((b for b in buttons if "csv" in b["id"]), buttons[0])

    def value(item: dict) -> object:
        return 1 if item is trigger else ("" if item["property"] == "search" else None)
    return {"output": output, "outputs": outputs_of(output),
            "inputs": [{**i, "value": value(i)} for i in spec["inputs"]],
            "state": [{**s, "value": value(s)} for s in spec["state"]],
            "changedPropIds": [f"{trigger['id']}.n_clicks"]}


@pytest.mark.parametrize("role", ["coordinator", "portefeuillehouder", "medewerker", "beheerder"])
def test_role_by_endpoint_matrix_on_the_demo_warehouse(demo_app, role: str) -> None:
    """Every page and every download for every role on real figures: allowed is a 200 with content (rows,
    points, numbers; a file with rows), refused is "Geen toegang" without content or a 403."""
    from tests.test_access import EXPECTED_CALLBACKS, EXPECTED_PAGES, TEXT_PAGES, USERS

    client = login_client(demo_app, USERS[role])
    for path, allowed in EXPECTED_PAGES.items():
        response = client.post("/_dash-update-component", json=router_body(path))
        assert response.status_code == 200
        page = response.get_json()["response"]["_pages_content"]["children"]
        if role in allowed:
            assert "geen-toegang" not in json.dumps(page), f"{role} on {path}"
            assert path in TEXT_PAGES or _has_content(page), f"{role} on {path}: no content"
        else:
            assert "geen-toegang" in json.dumps(page) and not _has_content(page), f"{role} on {path}"
    for output, allowed in EXPECTED_CALLBACKS.items():
        if "-download.data" not in output:
            continue
        response = client.post("/_dash-update-component", json=_download_body(demo_app, output))
        if role in allowed:
            assert response.status_code == 200, f"{role} {output}: {response.status_code}"
            outputs = outputs_of(output)
            download = next(o["id"] for o in (outputs if isinstance(outputs, list) else [outputs])
                            if o["property"] == "data")
            data = response.get_json()["response"][download]["data"]
            content = base64.b64decode(data["content"]) if data.get("base64") else data["content"].encode()
            if data["filename"].endswith(".csv"):  # a header and rows with figures
                rows = content.decode("utf-8-sig").strip().splitlines()
                assert len(rows) >= 2 and re.search(r"\d", "".join(rows[1:])), f"{role} {output}: no rows"
            else:
                assert len(content) > 2000, f"{role} {output}: an empty file"
        else:
            assert response.status_code == 403, f"{role} {output}: {response.status_code}"
