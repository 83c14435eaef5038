"""`python -m bench [--scale F]`: time and measure the demo pipeline against its targets.

Measures, on the seeded demo at the given scale: generating the files, loading them (wall time and the
load process's peak memory), loading the same folder again, `python -m warehouse kpis` for one school
year, and the server time of every page for the coordinator and the portfolio holder (Dash's router
callback, each page's slowest callback; median of 20 requests). Prints a table, writes
bench/results/bench-<scale>.json, and exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Targets at scale 1 (the demo region, ten school years) on 2 cores; they scale linearly with --scale.
TARGETS = {"generate_s": 90, "load_s": 120, "reload_s": 120, "load_peak_mib": 3072, "kpis_cli_s": 10,
           "overview_ms": 500, "slowest_page_ms": 1500}


PEAK = ("import resource, runpy, sys\nmodule = sys.argv.pop(1)\ntry:\n    runpy.run_module(module, "
        "run_name='__main__', alter_sys=True)\nfinally:\n    print('peak', resource.getrusage("
        "resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)")


def _run(module: str, args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak MiB) of `python -m module args` in its own process."""
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK, module, *args], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"python -m {module} failed:\n{done.stderr[-2000:]}")
    peak_kib = next(int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("peak "))
    return seconds, peak_kib / 1024


def _client(app, role: str):
    """A test client logged in as a new account of `role` (the bench has its own account store)."""
    from access import store

    username = f"bench-{role}"
    store.add_account(username, role, "bench-wachtwoord-lang", ("GM0758",) if role == "medewerker" else ())
    client = app.server.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    client.get("/login")
    with client.session_transaction() as sess:
        token = sess["csrf"]
    client.post("/login", data={"csrf": token, "gebruikersnaam": username, "wachtwoord": "bench-wachtwoord-lang"})
    return client


def _page_ms(client, path: str, search: str = "") -> float:
    """Median server time of one page build (Dash's router callback, a page's slowest callback) over 20 calls."""
    body = {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}
    times = []
    for _ in range(20):
        t0 = time.perf_counter()
        status = client.post("/_dash-update-component", json=body).status_code
        times.append((time.perf_counter() - t0) * 1000)
        if status != 200:
            raise SystemExit(f"{path}{search}: HTTP {status}")
    return statistics.median(times)


def _pages_ms(warehouse: Path) -> dict[str, float]:
    """Every registered page for the coordinator and, where allowed, the portfolio holder (suppressed)."""
    import dash

    from app import create_app

    app = create_app(warehouse)
    out = {}
    for role in ("coordinator", "portefeuillehouder"):
        client = _client(app, role)
        for page in sorted(dash.page_registry.values(), key=lambda p: p.get("order") or 0):
            if role in (page.get("access") or ()):
                out[f"page {page['path']} {role}"] = _page_ms(client, page["path"])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        env = {**os.environ, "RBL_KEY_FILE": str(tmp_path / "key"), "RBL_ACCOUNTS": str(tmp_path / "acc.sqlite"),
               "RBL_SECRET_FILE": str(tmp_path / "session.key"), "CI": "1"}
        os.environ.update({k: env[k] for k in ("RBL_KEY_FILE", "RBL_ACCOUNTS", "RBL_SECRET_FILE")})
        src, wh = tmp_path / "src", tmp_path / "wh"
        result: dict[str, float] = {"scale": args.scale}
        result["generate_s"], _ = _run("etl.demo", [str(src), "--scale", str(args.scale)], env)
        load = ["load", str(src), "--warehouse", str(wh), "--quiet", "--load-date", "2025-11-15"]
        result["load_s"], result["load_peak_mib"] = _run("etl", load, env)
        result["reload_s"], _ = _run("etl", load, env)
        result["kpis_cli_s"], _ = _run("warehouse", ["kpis", "--warehouse", str(wh), "--period", "2023-2024"], env)
        pages = _pages_ms(wh)
        result["overview_ms"] = pages["page / coordinator"]
        result.update(pages)
        result["slowest_page_ms"] = max(pages.values())
        result["warehouse_mib"] = sum(p.stat().st_size for p in wh.rglob("*") if p.is_file()) / 2**20
    missed = []
    print(f"benchmark at scale {args.scale}")
    for key, value in result.items():
        if key == "scale":
            continue
        target = TARGETS.get(key)
        limit = target * max(args.scale, 1.0) if target is not None else None
        ok = limit is None or value <= limit
        missed += [] if ok else [key]
        print(f"  {key:<40} {value:>10.1f}   {'target <= ' + format(limit, '.0f') if limit else '':<18} "
              f"{'' if ok else 'MISSED'}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"bench-{args.scale:g}.json").write_text(json.dumps(result, indent=2))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
