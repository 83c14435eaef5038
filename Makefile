# RBL Monitor. `make run` serves the dashboard on a seeded demo warehouse; `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
DATA ?= data
WAREHOUSE ?= $(DATA)/warehouse
DEMO_SOURCES ?= $(DATA)/demo_sources
DEMO_LOAD_DATE := 2025-11-15  # the demo pretends its files were exported on this day
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help install node browser office chart-browser demo run test lint bench bench-national requirements clean

help:
	@echo "make run   - install, build the demo warehouse if there is none, serve http://127.0.0.1:8050 (gunicorn; DEV=1: Flask's server)"
	@echo "make test  - install (also Debian's chromium, chromium-driver and LibreOffice Calc) and run every test"
	@echo "make bench - speed and memory benchmarks (scale 1); make bench-national - the same at scale 25"

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
	$(PY) -m pip install -q -r requirements.txt 2>&1 | grep -v "^WARNING: Location" || true
	$(PY) -c "import dash, duckdb, pandas, pyarrow, openpyxl"  # fail here, not later, if the install failed
	touch $@

install: $(VENV)/.installed

# Node packages the tests use (axe-core, oidc-provider), pinned in package-lock.json, from the npm registry
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

node: node_modules/.installed

# Debian's Chromium and ChromeDriver for the browser tests (never a downloaded browser)
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver; \
	fi

# Debian's LibreOffice Calc (headless) prints the workbooks to PDF in the page-count tests; Carlito has Calibri's
# metrics, so the pages break where Excel breaks them. Installed only when missing, quietly.
office:
	@if ! command -v soffice >/dev/null || ! fc-list 2>/dev/null | grep -qi carlito; then \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
			--no-install-recommends libreoffice-calc-nogui fonts-crosextra-carlito >/dev/null; \
	fi

# rebuilt when the figures' code changes (the load is idempotent: the same files give the same warehouse)
$(WAREHOUSE)/warehouse.duckdb: $(wildcard config/*.py warehouse/*.py warehouse/kpis/*.py warehouse/kpis/sql/*.sql warehouse/models/*.sql warehouse/reference/*.csv etl/*.py etl/demo/*.py) | $(VENV)/.installed
	$(PY) -m etl.demo $(DEMO_SOURCES)
	$(PY) -m etl load $(DEMO_SOURCES) --warehouse $(WAREHOUSE) --report $(DATA)/demo_afgekeurd.csv \
		--load-date $(DEMO_LOAD_DATE)

demo: $(WAREHOUSE)/warehouse.duckdb

# Debian's Chromium also draws the charts of the PDF meeting pack (kaleido) and prints the pack as a tagged PDF;
# without it every page works but there is no pack, so `make run` does not fail on it
chart-browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		$(SUDO) apt-get install -y -qq chromium; } || echo "Chromium niet geinstalleerd: er is geen kwartaalpakket (PDF)."

run: install chart-browser demo
	$(PY) -m access demo  # one account per role; passwords printed once (or from RBL_DEMO_PASSWORD_<NAAM>)
	@# gunicorn (2 workers x 4 threads); `make run DEV=1` for Flask's development server
	RBL_WAREHOUSE=$(WAREHOUSE) RBL_TOELICHTINGEN=etl/demo/toelichtingen $(PY) app.py $(if $(DEV),--dev)  # the demo has example explanations

# ruff, and the import layers of docs/architecture.md (import-linter; contracts in pyproject.toml)
lint: install
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports

test: install node browser office lint
	$(PY) -m pytest -q

bench: install  # scale 1 with the 60 s load test; writes docs/performance.md
	$(PY) -m bench

bench-national: install  # scale 25 (a national-size set; long): writes docs/performance-scale-25.md
	$(PY) -m bench --scale 25 --no-load-test

requirements:
	rm -rf /tmp/rbl-req && python3 -m venv /tmp/rbl-req && /tmp/rbl-req/bin/pip install -q -r requirements.in
	(echo "# Generated from requirements.in by \`make requirements\` (pip freeze of a fresh venv). Do not edit by hand."; \
	 /tmp/rbl-req/bin/pip freeze) > requirements.txt

clean:
	rm -rf $(DATA) $(VENV)
