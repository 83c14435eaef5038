"""The load test of issue #12: 20 simulated users on the production server (`python app.py`: gunicorn, 2 workers
of 4 threads, as `make run` serves) over loopback, walking the pages and changing the filters without pause:
30 s, then a load publishing a new version (the users go on meanwhile: a full load of the demo takes minutes on
2 cores), then 30 s more.

The users are coordinators, portfolio holders and staff (12, 5 and 3), each on the pages of their role, each
request a page with a random filter (school year, municipality). The publish loads the same sources with the
next day as load date, so the two versions differ in what every page says first: "Gegevens van <date>".

Checked per response: the status (200), the version it was read from (`X-RBL-Version`: every answer names one),
that the page's date of the data is the one of that version (the body and the pinned version agree: a response
never mixes two versions), and that no user ever goes back to an older version after seeing a newer one. p95
over all responses, including the pages built afresh after the publish.
"""

from __future__ import annotations

import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import requests

from bench.__main__ import LOAD_DATE, ROOT, p95, router_body

USERS, SECONDS = 20, 60
ROLES = {"coordinator": 12, "portefeuillehouder": 5, "medewerker": 3}
PAGES = {
    "coordinator": ["/", "/verzuim", "/vsv", "/capaciteit", "/kwartaal", "/gemeente", "/jaarverslag",
                    "/effectrapportage", "/kostenverdeling", "/data"],
    "portefeuillehouder": ["/", "/verzuim", "/vsv", "/capaciteit", "/kwartaal", "/gemeente", "/jaarverslag",
                           "/effectrapportage", "/kostenverdeling"],
    "medewerker": ["/", "/verzuim", "/vsv", "/capaciteit", "/gemeente", "/jaarverslag", "/effectrapportage"],
}
FILTERS = ["", "?schooljaar=2023-2024", "?schooljaar=2022-2023", "?gemeente=GM0758", "?gemeente=GM0826",
           "?schooljaar=2023-2024&gemeente=GM0758"]
PASSWORD = "bench-wachtwoord-lang"
STAMP = re.compile(r"Gegevens van ([^\"]+)\"")
VERSION = "X-RBL-Version"


def free_port() -> int:
    """RBL_TEST_PORT when set (each engineer's own), else the first free port from 8080."""
    if os.environ.get("RBL_TEST_PORT"):
        return int(os.environ["RBL_TEST_PORT"])
    for port in range(8080, 8090):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise SystemExit("no free port in 8080-8089")


def start_server(wh: Path, env: dict[str, str]) -> tuple[str, subprocess.Popen]:
    """`python app.py` (gunicorn, the production server) on the warehouse; returns its base URL when it answers."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_env = {**env, "RBL_WAREHOUSE": str(wh), "RBL_INSECURE_COOKIES": "1", "RBL_PORT": str(port)}
    server = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=server_env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            requests.get(f"{base}/login", timeout=30)
            return base, server
        except requests.RequestException:  # not up yet: workers still importing the app
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("the server did not answer within 120 s")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


def login(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    form = session.get(f"{base}/login", timeout=60).text
    token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    done = session.post(f"{base}/login", data={"csrf": token, "gebruikersnaam": username, "wachtwoord": password,
                                              "next": "/"}, timeout=60)
    done.raise_for_status()
    return session


def accounts() -> None:
    """One bench account per role (the bench's own account store)."""
    from access import store

    for role in ROLES:
        if store.get_account(f"bench-last-{role}") is None:
            staff_of = ("GM0758", "GM0826") if role == "medewerker" else ()
            store.add_account(f"bench-last-{role}", role, PASSWORD, staff_of)


def run_load_test(wh: Path, src: Path, env: dict[str, str]) -> dict[str, float]:
    accounts()
    base, server = start_server(wh, env)
    publish = None
    times: list[float] = []
    statuses: list[int] = []
    seen: dict[str, set[str]] = defaultdict(set)  # version -> the dates of the data its pages said
    backwards: list[str] = []
    unnamed: list[int] = []
    cache: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    stop = threading.Event()
    try:
        roles = [r for r, n in ROLES.items() for _ in range(n)][:USERS]
        # log in one after the other: parallel logins of one account are throttled (issue #10)
        sessions = [login(base, f"bench-last-{role}", PASSWORD) for role in roles]

        def user(n: int, role: str, session: requests.Session) -> None:
            rng = random.Random(n)
            newest = 0
            while not stop.is_set():
                body = router_body(rng.choice(PAGES[role]), rng.choice(FILTERS))
                t0 = time.perf_counter()
                try:
                    response = session.post(f"{base}/_dash-update-component", json=body, timeout=60)
                    status, version = response.status_code, response.headers.get(VERSION)
                except requests.RequestException:
                    status, version, response = 0, None, None
                elapsed = (time.perf_counter() - t0) * 1000
                with lock:
                    times.append(elapsed)
                    statuses.append(status)
                    if status != 200:
                        continue
                    cache[response.headers.get("X-RBL-Cache", "none")] += 1
                    if version is None or not version.isdigit():
                        unnamed.append(status)
                        continue
                    if int(version) < newest:
                        backwards.append(f"user {n}: {version} after {newest}")
                    newest = max(newest, int(version))
                    stamp = STAMP.search(response.text)
                    if stamp:
                        seen[version].add(stamp.group(1))

        users = [threading.Thread(target=user, args=(n, role, session))
                 for n, (role, session) in enumerate(zip(roles, sessions, strict=True))]
        for u in users:
            u.start()
        time.sleep(SECONDS / 2)
        next_day = (date.fromisoformat(LOAD_DATE) + timedelta(days=1)).isoformat()
        publish = subprocess.run([sys.executable, "-m", "etl", "load", str(src), "--warehouse", str(wh), "--quiet",
                                  "--load-date", next_day], cwd=ROOT, env=env, capture_output=True)
        time.sleep(SECONDS / 2)
        stop.set()
        for u in users:
            u.join()
    finally:
        stop.set()
        stop_server(server)
    mixed = [v for v, stamps in seen.items() if len(stamps) != 1]
    distinct = len({next(iter(s)) for s in seen.values() if len(s) == 1}) == len(seen)
    return {"loadtest_requests": len(statuses), "loadtest_errors": sum(s != 200 for s in statuses),
            "loadtest_p95_ms": p95(times) if times else float("nan"),
            "loadtest_median_ms": sorted(times)[len(times) // 2] if times else float("nan"),
            "loadtest_versions": float(len(seen)),
            # a version whose pages said two dates, two versions saying one, an answer without a version, a user
            # served an older version after a newer one: each is a response mixing versions
            "loadtest_mixed": float(len(mixed) + (0 if distinct else 1) + len(unnamed) + len(backwards)),
            "loadtest_cache_hits": float(cache["hit"]),
            "loadtest_publish_exit": float(publish.returncode if publish is not None else -1)}


if __name__ == "__main__":  # python -m bench.loadtest WAREHOUSE SOURCES (the warehouse is loaded into: a copy)
    print(run_load_test(Path(sys.argv[1]), Path(sys.argv[2]), dict(os.environ)))
