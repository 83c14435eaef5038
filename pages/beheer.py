"""Beheer: the audit log (who opened which person-level view or export, and when) and the accounts.

For the administrator only. Accounts are managed with `python -m access` (docs/security.md); this page
shows them so the administrator can check who has which role.
"""

from __future__ import annotations

import dash
from dash import html

from access import store
from access.roles import ADMINISTRATION, LABELS
from pages._components import data_grid, page_header

dash.register_page(__name__, path="/beheer", name="Beheer", title="Beheer - RBL Monitor", order=90,
                   access=ADMINISTRATION)

AUDIT_COLUMNS = [("at", "Moment (UTC)"), ("username", "Account"), ("role", "Rol"), ("action", "Handeling"),
                 ("target", "Pagina of export")]


def layout(**_: object) -> html.Div:
    audit = [dict(zip([c for c, _ in AUDIT_COLUMNS], row, strict=True)) for row in store.audit_log(2000)]
    for row in audit:
        row["role"] = LABELS.get(row["role"], row["role"])
    accounts = [{"username": a.username, "role": LABELS.get(a.role, a.role),
                 "municipalities": ", ".join(a.municipalities)} for a in store.list_accounts()]
    return html.Div([
        page_header("Beheer"),
        html.H2("Auditlog", className="h4"),
        html.P("Wie welke pagina of export met persoonsgegevens opende, en wanneer; ook in- en uitloggen. "
               "Nooit de inhoud.", className="text-muted"),
        data_grid("audit-log", AUDIT_COLUMNS, audit),
        html.H2("Accounts", className="h4 mt-4"),
        html.P("Beheren met `python -m access` (zie docs/security.md).", className="text-muted"),
        data_grid("accounts", [("username", "Account"), ("role", "Rol"), ("municipalities", "Gemeenten")], accounts),
    ])
