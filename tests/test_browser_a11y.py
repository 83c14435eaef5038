"""WCAG 2.1 A and AA in headless Chromium: axe-core (the npm registry's copy in node_modules, pinned in
package-lock.json) on the login page and on every page of the registry for every role that may open it,
on the seeded demo warehouse. One server and one browser per role; the pages are walked in turn.

Every violation is listed per page and rule with its element count, so a failure says what to fix.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dash
import pytest
from dash.testing.wait import until

from tests.conftest import TEST_ROLES, start_and_login
from tests.test_access import EXPECTED_PAGES

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
USERS = {role: user for user, role in TEST_ROLES.items()}


def page_ready(dash_duo) -> bool:
    """The page's layout is in, no callback is pending and no chart is still drawing."""
    return bool(dash_duo.driver.execute_script("""
        const content = document.getElementById('_pages_content');
        return content !== null && content.children.length > 0
            && document.querySelector('._dash-loading, ._dash-loading-callback') === null
            && [...document.querySelectorAll('.dash-graph')].every(g => g.querySelector('.main-svg'));
    """)) and dash_duo.redux_state_rqs == []


def axe_violations(driver) -> dict[str, int]:
    """rule id -> number of affected elements, for the WCAG 2.0/2.1 A and AA rules on the current page."""
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(f"""
        const done = arguments[arguments.length - 1];
        axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(WCAG_TAGS)}}}, resultTypes: ['violations']}})
           .then(r => done(r.violations.map(v => [v.id, v.nodes.length,
                                                  v.nodes.map(n => n.target.join(' ') + ' ' + n.failureSummary)])),
                 e => done([['axe-error: ' + e, 0, []]]));
    """)
    if os.environ.get("RBL_AXE_DETAIL"):  # where every affected element is written, for the one who fixes it
        with open(os.environ["RBL_AXE_DETAIL"], "a", encoding="utf-8") as out:
            out.write(json.dumps({"url": driver.current_url, "violations": result}, ensure_ascii=False) + "\n")
    return {rule: count for rule, count, _ in result}


def walk(dash_duo, role: str) -> dict[str, dict[str, int]]:
    """Every page `role` may open (in the registry's order) -> its violations."""
    dash_duo.driver.set_script_timeout(60)
    found = {}
    paths = [p["path"] for p in dash.page_registry.values() if role in EXPECTED_PAGES[p["path"]]]
    assert paths, role
    for path in paths:
        dash_duo.driver.get(f"{dash_duo.server_url}{path}")
        until(lambda: page_ready(dash_duo), timeout=30)
        found[path] = axe_violations(dash_duo.driver)
    return found


def report(found: dict[str, dict[str, int]]) -> str:
    return "; ".join(f"{page}: " + ", ".join(f"{rule} ×{n}" for rule, n in rules.items())
                     for page, rules in found.items() if rules)


@pytest.mark.parametrize("role", sorted(USERS))
def test_axe_finds_no_wcag_violation_on_any_page(dash_duo, demo_warehouse, role: str) -> None:
    from app import create_app

    app = create_app(demo_warehouse)
    found = {}
    start_and_login(dash_duo, app, USERS[role], "/")
    if role == "coordinator":  # the login page once: it is the same for everyone (logout is a POST: just open it)
        dash_duo.driver.get(f"{dash_duo.server_url}/login")
        dash_duo.wait_for_element("#gebruikersnaam")
        found["/login"] = axe_violations(dash_duo.driver)
    found.update(walk(dash_duo, role))
    assert not any(found.values()), f"{role}: {report(found)}"
