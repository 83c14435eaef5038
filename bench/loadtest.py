"""The load test of issue #12: 20 simulated users on gunicorn (gthread) over loopback for 60 s, each walking
the pages and changing the school year, with a load publishing a new version half-way.

Every response is checked for its status; p95 over all responses. The users log in as the coordinator.
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
from pathlib import Path

import requests

from bench.__main__ import LOAD_DATE, ROOT, p95, router_body

USERS, SECONDS = 20, 60
PAGES = ["/", "/verzuim", "/vsv", "/capaciteit", "/kwartaal", "/jaarverslag", "/data"]
YEARS = ["", "?schooljaar=2023-2024", "?schooljaar=2022-2023", "?gemeente=GM0758"]


def _free_port() -> int:
    for port in range(8080, 8090):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise SystemExit("no free port in 8080-8089")


def _login(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    form = session.get(f"{base}/login", timeout=60).text
    token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    session.post(f"{base}/login", data={"csrf": token, "gebruikersnaam": username, "wachtwoord": password,
                                       "next": "/"}, timeout=60)
    return session


def run_load_test(wh: Path, src: Path, env: dict[str, str]) -> dict[str, float]:
    from access import store

    store.add_account("bench-last", "coordinator", "bench-wachtwoord-lang", ())
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server_env = {**env, "RBL_WAREHOUSE": str(wh), "RBL_INSECURE_COOKIES": "1"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-k", "gthread", "--threads", "8",
                               "-b", f"127.0.0.1:{port}", "app:wsgi()"], cwd=ROOT, env=server_env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                requests.get(f"{base}/login", timeout=30)
                break
            except requests.RequestException:  # not up yet: workers still importing the app
                time.sleep(0.5)
        publish = None
        times: list[float] = []
        statuses: list[int] = []
        stop = threading.Event()

        def user(n: int) -> None:
            rng = random.Random(n)
            session = _login(base, "bench-last", "bench-wachtwoord-lang")
            while not stop.is_set():
                body = router_body(rng.choice(PAGES), rng.choice(YEARS))
                t0 = time.perf_counter()
                try:
                    status = session.post(f"{base}/_dash-update-component", json=body, timeout=60).status_code
                except requests.RequestException:
                    status = 0
                times.append((time.perf_counter() - t0) * 1000)
                statuses.append(status)

        users = [threading.Thread(target=user, args=(n,)) for n in range(USERS)]
        for u in users:
            u.start()
        time.sleep(SECONDS / 2)
        publish = subprocess.run([sys.executable, "-m", "etl", "load", str(src), "--warehouse", str(wh), "--quiet",
                                  "--load-date", LOAD_DATE], cwd=ROOT, env=env, capture_output=True)
        time.sleep(SECONDS / 2)
        stop.set()
        for u in users:
            u.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"loadtest_requests": len(statuses), "loadtest_errors": sum(s != 200 for s in statuses),
            "loadtest_p95_ms": p95(times) if times else float("nan"),
            "loadtest_publish_exit": float(publish.returncode if publish is not None else -1)}


if __name__ == "__main__":  # python -m bench.loadtest WAREHOUSE SOURCES
    print(run_load_test(Path(sys.argv[1]), Path(sys.argv[2]), dict(os.environ)))
