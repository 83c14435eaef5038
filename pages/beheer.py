"""Beheer: the audit log (who opened which person-level view or export, and when), who is logged in
now (the server-side sessions), and the accounts.

For the administrator only. Accounts are managed on the server (docs/security.md); this page shows them so
the administrator can check who has which role. Moments in Dutch local time (Europe/Amsterdam, the store keeps
UTC), municipalities by name.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import dash
from dash import html

from access import store
from access.roles import ADMINISTRATION, LABELS
from config.municipalities import DEFAULT_MUNICIPALITIES
from pages._components import data_grid, page_header
from presentation import formats as fmt

LOCAL = ZoneInfo("Europe/Amsterdam")

dash.register_page(__name__, path="/beheer", name="Beheer", title="Beheer - RBL Monitor", order=90,
                   access=ADMINISTRATION)

AUDIT_COLUMNS = [("at", "Moment"), ("username", "Account"), ("role", "Rol"), ("action", "Handeling"),
                 ("target", "Pagina of export")]
SESSION_COLUMNS = [("username", "Account"), ("role", "Rol"), ("via", "Ingelogd via"), ("since", "Sinds"),
                   ("seen", "Laatst gezien")]


def _sessions() -> list[dict]:
    """Who is logged in now: the live sessions on the server (ended by logout, a password or role change,
    removal, or `python -m access logout NAAM` on the server); moments in local time."""
    return [{"username": s.username, "role": LABELS.get(s.role, s.role),
             "via": "gemeenteaccount" if s.via == "oidc" else "lokaal account",
             "since": fmt.datetime_nl(datetime.fromtimestamp(s.since, UTC).astimezone(LOCAL)),
             "seen": fmt.datetime_nl(datetime.fromtimestamp(s.seen, UTC).astimezone(LOCAL))}
            for s in store.list_sessions()]


def layout(**_: object) -> html.Div:
    audit = [dict(zip([c for c, _ in AUDIT_COLUMNS], row, strict=True)) for row in store.audit_log(2000)]
    for row in audit:
        row["role"] = LABELS.get(row["role"], row["role"])
        row["at"] = local_time(row["at"])
    names = municipality_names()
    accounts = [{"username": a.username, "role": LABELS.get(a.role, a.role),
                 "municipalities": ", ".join(names.get(c, c) for c in a.municipalities)} for a in store.list_accounts()]
    return html.Div([
        page_header("Beheer"),
        html.H2("Auditlog", className="h4"),
        html.P("Wie welke pagina of export met persoonsgegevens opende, en wanneer; ook in- en uitloggen. "
               "Nooit de inhoud.", className="text-muted"),
        data_grid("audit-log", AUDIT_COLUMNS, audit),
        html.H2("Ingelogd", className="h4 mt-4"),
        html.P("Wie nu een sessie heeft. Uitloggen, een nieuw wachtwoord, een andere rol of een verwijderd "
               "account beëindigt alle sessies van dat account meteen; de technisch beheerder kan een account ook "
               "op de server uitloggen.",
               className="text-muted"),
        data_grid("sessies", SESSION_COLUMNS, _sessions(), "14rem"),
        html.H2("Accounts", className="h4 mt-4"),
        html.P("Accounts aanmaken, wijzigen en verwijderen gebeurt op de server door de technisch beheerder.",
               className="text-muted"),
        data_grid("accounts", [("username", "Account"), ("role", "Rol"), ("municipalities", "Gemeenten")], accounts),
    ])


def local_time(at: str) -> str:
    """The store's UTC moment ("2026-11-23T08:05:00+00:00") as Dutch local time: "23-11-2026 09:05"."""
    try:
        moment = datetime.fromisoformat(at)
    except (TypeError, ValueError):
        return str(at)
    return fmt.datetime_nl(moment.astimezone(LOCAL))


def municipality_names() -> dict[str, str]:
    """Code -> name of the participating municipalities (config; this page never reads the warehouse)."""
    return {code: name for code, (name, _) in DEFAULT_MUNICIPALITIES.items()}
