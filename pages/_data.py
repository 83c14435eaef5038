"""How pages reach the app's warehouse and the KPI registry, from inside a request.

The warehouse lives on the Flask app (set by `app.create_app`), not in a module global: several apps
can exist in one process (tests build one per test) and each must read its own warehouse folder.
"""

from __future__ import annotations

from flask import current_app

from warehouse.connection import Warehouse
from warehouse.registry import Registry

WAREHOUSE_KEY = "WAREHOUSE"


def warehouse() -> Warehouse:
    return current_app.config[WAREHOUSE_KEY]


def kpis() -> Registry:
    # Imported when a page is drawn, not when the app is built: building the app needs no registry.
    from warehouse.kpis import KPIS

    return KPIS
