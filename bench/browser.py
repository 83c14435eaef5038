"""Pages in a real Chromium (issue #12): what a first visit transfers, and how long each page takes to settle.

On the production server (`python app.py`: gunicorn, as `make run` serves), once it has warmed up (bench/__main__.py
waits until every page comes from its cache), in Debian's headless Chromium with a fresh profile (an empty browser
cache):

- **first visit**: the bytes on the wire (Chromium's `Network.loadingFinished` encodedDataLength: compressed
  bodies plus headers) from opening the login page, through logging in, to the overview page settled;
- **settle** per page: from the start of the navigation (`performance.now()` counts from it) to the moment the
  page's layout is in, no callback is pending, no loading marker is left and every chart has drawn its SVG
  (the same condition as tests/test_browser_a11y.py's `page_ready`), polled every 20 ms. Each page is opened
  by a full navigation, as a bookmark or a link from a mail would, with the browser cache of the first visit;
  twice: `settle <path>` is the second, `settle_first_max_ms` the slowest first (the browser compiles the code
  it took from its cache then);
- **settle after a click** in the menu (`nav <path>`, from the overview; how people move between pages: no new
  document, Dash's router draws the page): from the click to the new page's title and the same condition.
"""

from __future__ import annotations

import json
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options

SETTLED = """
    const content = document.getElementById('_pages_content');
    if (content === null || content.children.length === 0) return null;
    if (document.querySelector('._dash-loading, ._dash-loading-callback, [data-dash-is-loading="true"]')) return null;
    if (![...document.querySelectorAll('.dash-graph')].every(g => g.querySelector('.main-svg'))) return null;
    const state = window.store && window.store.getState();
    if (!state) return null;
    const pending = Object.assign({}, state.callbacks || {});
    delete pending.stored;
    delete pending.completed;
    if (Object.values(pending).some(list => list.length)) return null;
    return performance.now();
"""


NAVIGATE = """
    const done = arguments[arguments.length - 1];
    const [href, title] = [arguments[0], arguments[1]];
    const link = [...document.querySelectorAll('.rbl-nav a')].find(a => a.getAttribute('href') === href);
    if (!link) { done(-1); return; }
    const start = performance.now();
    const settled = new Function(arguments[2]);
    link.click();
    const poll = () => {
        if (document.title === title && settled() !== null) { done(performance.now() - start); return; }
        if (performance.now() - start > 60000) { done(-2); return; }
        setTimeout(poll, 20);
    };
    setTimeout(poll, 20);
"""


def _driver() -> webdriver.Chrome:
    options = Options()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic", "--window-size=1366,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(options=options)


def _wire_bytes(driver: webdriver.Chrome) -> int:
    """Bytes on the wire since the last call (Chromium's performance log)."""
    total = 0
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.loadingFinished":
            total += int(message["params"].get("encodedDataLength", 0))
    return total


def _settle_ms(driver: webdriver.Chrome, timeout: float = 60) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        at = driver.execute_script(SETTLED)
        if at is not None:
            return float(at)
        time.sleep(0.02)
    raise SystemExit(f"{driver.current_url}: not settled after {timeout:.0f} s")


def _navigate_ms(driver: webdriver.Chrome, base: str, path: str, title: str) -> float:
    driver.get(f"{base}/")
    _settle_ms(driver)
    took = driver.execute_async_script(NAVIGATE, path, title, SETTLED)
    if took < 0:
        raise SystemExit(f"{path}: {'no menu link' if took == -1 else 'not settled after 60 s'}")
    return float(took)


def run_browser(base: str, username: str, password: str, pages: dict[str, str], menu: list[str]) -> dict[str, float]:
    """First-visit transfer (kB) and the settle times (ms) of every page (path -> title), and after a click in the
    menu of those in it (`menu`), for one account."""
    paths = list(pages)
    driver = _driver()
    try:
        driver.get(f"{base}/login?next=/")
        driver.find_element("id", "gebruikersnaam").send_keys(username)
        driver.find_element("id", "wachtwoord").send_keys(password)
        driver.find_element("id", "inloggen").click()
        _settle_ms(driver)
        out = {"first_visit_kb": _wire_bytes(driver) / 1000}
        first = []
        for path in paths:
            for visit in range(2):
                driver.get(f"{base}{path}")
                settled = _settle_ms(driver)
                if visit == 0:
                    first.append(settled)
            out[f"settle {path}"] = settled
        driver.set_script_timeout(90)
        for path in menu:
            if path != "/":
                out[f"nav {path}"] = _navigate_ms(driver, base, path, pages[path])
        out["settle_max_ms"] = max(v for k, v in out.items() if k.startswith("settle "))
        out["settle_first_max_ms"] = max(first)
        out["nav_max_ms"] = max(v for k, v in out.items() if k.startswith("nav "))
        return out
    finally:
        driver.quit()
