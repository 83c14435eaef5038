"""The web side of access control: login and logout, the guard on every request, callback roles,
the audit hook and the security headers. `install(app)` wires it into a Dash app.

Deny by default: every request needs a live session except the login page and static assets; every
Dash callback must have been registered with `secured_callback(..., roles=...)` (Dash's own page
router excepted: page layouts are checked by `guard_page_layouts`); a refusal is an HTTP status,
never data.
"""

from __future__ import annotations

import functools
import hmac
import secrets
import time
from collections.abc import Callable
from html import escape
from urllib.parse import quote, urlsplit

import dash
from dash import html
from dash.exceptions import PreventUpdate
from flask import Flask, Response, abort, g, has_request_context, jsonify, redirect, request, session

from access import store
from access.auth import authenticator
from access.roles import LABELS, Viewer
from access.secrets import session_secret
from config.settings import load_settings

PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico", "/favicon.ico")
PUBLIC_PATHS = {"/login"}
# output key of a callback (as in Dash's callback map) -> roles allowed to fire it
CALLBACK_ROLES: dict[str, tuple[str, ...]] = {}


def current_viewer() -> Viewer | None:
    """The logged-in person of this request, read from the store once per request (so a removed
    account is out at its next request)."""
    if "rbl_viewer" not in g:
        g.rbl_viewer = _viewer_from_store(session.get("user"))
    return g.rbl_viewer


def _viewer_from_store(username: str | None) -> Viewer | None:
    account = store.get_account(username) if username else None
    if account is None or not account.active:
        return None
    return Viewer(account.username, account.role, account.municipalities)


def secured_callback(*args, roles: tuple[str, ...], **kwargs) -> Callable:
    """`dash.callback` that only the given roles may fire: checked by the guard before Dash runs it,
    and again inside (defence in depth)."""
    def register(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def checked(*a, **kw):
            viewer = current_viewer()
            if viewer is None or viewer.role not in roles:
                raise PreventUpdate
            return fn(*a, **kw)

        result = dash.callback(*args, **kwargs)(checked)
        CALLBACK_ROLES[dash._callback.GLOBAL_CALLBACK_LIST[-1]["output"]] = tuple(roles)
        return result
    return register


def guard_page_layouts() -> None:
    """Wrap every registered page's layout with its role check (pages declare `access=` roles).

    A page's real layout (with figures) is only built inside Dash's router callback, for a viewer of an
    allowed role. Anywhere else (Dash calls every layout on its first request to build the validation
    layout, which it embeds in the index page for every visitor) it returns the page's `skeleton`: the
    component ids its callbacks need, without data.
    """
    for page in dash.page_registry.values():
        layout = page["layout"]
        if getattr(layout, "_guarded", False):
            continue

        def guarded(*args, _layout=layout, _page=page, **kwargs):
            if not has_request_context() or request.path != "/_dash-update-component":
                return skeleton(_page)
            viewer = current_viewer()
            if viewer is None or viewer.role not in tuple(_page.get("access") or ()):
                return refusal()
            if _page.get("person_level"):
                store.audit(viewer.username, viewer.role, "opende", _page["path"])
            return _layout(*args, **kwargs) if callable(_layout) else _layout

        guarded._guarded = True
        page["layout"] = guarded


def skeleton(page: dict) -> html.Div:
    make = page.get("skeleton")
    return make() if callable(make) else html.Div()


def validation_layout(app: dash.Dash) -> html.Div:
    """What Dash checks callbacks against: the shell and every page's skeleton; never data."""
    shell = app.layout() if callable(app.layout) else app.layout
    return html.Div([skeleton(p) for p in dash.page_registry.values()] + [shell])


def refusal() -> html.Div:
    return html.Div([html.H1("Geen toegang", className="h3"),
                     html.P("Deze pagina hoort niet bij uw rol. Kies een pagina in het menu.")],
                    className="rbl-empty-state", id="geen-toegang")


# --- the guard --------------------------------------------------------------------------------------

def _session_alive() -> bool:
    now, cfg = time.time(), load_settings()
    idle = float(cfg.get("sessie", "inactief_minuten")) * 60
    most = float(cfg.get("sessie", "max_uren")) * 3600
    if not session.get("user"):
        return False
    if now - session.get("seen", 0) > idle or now - session.get("since", 0) > most:
        session.clear()
        return False
    session["seen"] = now
    return current_viewer() is not None


def _same_origin() -> bool:
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.host


def _guard() -> Response | None:
    path = request.path
    if request.method == "POST" and not _same_origin():
        abort(403)
    if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
        return None
    if not _session_alive():
        if path.startswith("/_dash") or path.startswith("/_reload"):
            return jsonify(error="Niet ingelogd of sessie verlopen."), 401
        return redirect("/login?next=" + quote(request.full_path.rstrip("?"), safe="/"))
    if path == "/_dash-update-component":
        return _check_callback()
    return None


def _is_page_router(output: str) -> bool:
    """Dash Pages' own router callbacks (ids `_pages_*`): the layouts they serve check roles themselves."""
    ids = [part.split(".")[0] for part in output.strip(".").split("...")]
    return bool(ids) and all(i.startswith("_pages_") for i in ids)


def _check_callback() -> Response | None:
    body = request.get_json(silent=True) or {}
    output = str(body.get("output", ""))
    if _is_page_router(output):
        return None
    allowed = CALLBACK_ROLES.get(output)
    viewer = current_viewer()
    if allowed is None or viewer is None or viewer.role not in allowed:
        return jsonify(error="Geen toegang tot deze gegevens."), 403
    return None


# --- login and logout -------------------------------------------------------------------------------

def _login_page(message: str = "", next_url: str = "/", username: str = "") -> str:
    token = session.setdefault("csrf", secrets.token_urlsafe(32))
    alert = f'<div class="alert alert-danger" role="alert">{escape(message)}</div>' if message else ""
    return f"""<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Inloggen - RBL Monitor</title>
<link rel="stylesheet" href="/assets/bootstrap.min.css"><link rel="stylesheet" href="/assets/rbl.css"></head>
<body class="rbl-login"><main class="container" style="max-width: 26rem; margin-top: 8vh;">
<h1 class="h3 mb-1">RBL Monitor</h1><p class="text-muted">Regionaal Bureau Leren West-Brabant</p>
{alert}
<form method="post" action="/login" autocomplete="on">
<input type="hidden" name="csrf" value="{token}"><input type="hidden" name="next" value="{escape(next_url)}">
<div class="mb-3"><label class="form-label" for="gebruikersnaam">Gebruikersnaam</label>
<input class="form-control" id="gebruikersnaam" name="gebruikersnaam" value="{escape(username)}"
 autocomplete="username" required autofocus></div>
<div class="mb-3"><label class="form-label" for="wachtwoord">Wachtwoord</label>
<input class="form-control" id="wachtwoord" name="wachtwoord" type="password" autocomplete="current-password"
 required></div>
<button class="btn btn-primary w-100" id="inloggen" type="submit">Inloggen</button>
</form>
<p class="small text-muted mt-4">Deze gegevens gaan over minderjarigen. Gebruik ze alleen voor uw taak.</p>
</main></body></html>"""


def _safe_next(value: str | None) -> str:
    """Only a local path: never send someone to another site after logging in."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def login() -> Response | str:
    if request.method == "GET":
        return _login_page(next_url=_safe_next(request.args.get("next")))
    form = request.form
    if not hmac.compare_digest(str(form.get("csrf", "")), str(session.get("csrf", ""))):
        return _login_page("De pagina was verlopen. Probeer het opnieuw.", _safe_next(form.get("next"))), 400
    username = form.get("gebruikersnaam", "")
    result = authenticator.authenticate(username, form.get("wachtwoord", ""))
    if result.account is None:
        store.audit(username.strip().lower()[:64] or "-", "-", "inloggen mislukt", "/login")
        status = 429 if result.wait_s else 401
        return _login_page(result.message, _safe_next(form.get("next")), username), status
    session.clear()  # a fresh session: no fixation of a pre-login session
    now = time.time()
    session.update(user=result.account.username, since=now, seen=now, csrf=secrets.token_urlsafe(32))
    session.permanent = False
    store.audit(result.account.username, result.account.role, "ingelogd", "/login")
    return redirect(_safe_next(form.get("next")))


def logout() -> Response:
    viewer = current_viewer()
    if viewer is not None:
        store.audit(viewer.username, viewer.role, "uitgelogd", "/logout")
    session.clear()
    return redirect("/login")


# --- headers ----------------------------------------------------------------------------------------

def _headers(app: dash.Dash) -> Callable[[Response], Response]:
    def add(response: Response) -> Response:
        # computed per response: Dash adds inline scripts (clientside callbacks) at its first request
        response.headers["Content-Security-Policy"] = content_security_policy(app)
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"  # no-referrer would make form posts Origin: null
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if not request.path.startswith(("/assets/", "/_dash-component-suites/")):
            response.headers["Cache-Control"] = "no-store"  # figures about minors stay out of caches
        return response
    return add


def content_security_policy(app: dash.Dash) -> str:
    """Only this server; Dash's inline start-up scripts by their hashes. Styles may be inline because
    React and plotly set element styles."""
    scripts = " ".join(["'self'", *app.csp_hashes()])
    return ("default-src 'self'; " f"script-src {scripts}; " "style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
            "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def install(app: dash.Dash, secure_cookies: bool = True) -> None:
    server: Flask = app.server
    server.config.update(
        SECRET_KEY=session_secret(), SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies, SESSION_COOKIE_NAME="rbl_sessie",
    )
    server.add_url_rule("/login", "login", login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "logout", logout, methods=["GET", "POST"])
    server.before_request(_guard)

    @server.before_request
    def _data_free_validation_layout() -> None:
        # runs after Dash's own first-request setup, which builds the validation layout from the pages
        if not getattr(app, "_rbl_validation_layout", False):
            app.validation_layout = validation_layout(app)
            app._rbl_validation_layout = True
    server.after_request(_headers(app))


def viewer_label(viewer: Viewer) -> str:
    return f"{viewer.username} ({LABELS.get(viewer.role, viewer.role)})"


def audit_export(target: str) -> None:
    """Record that the current person downloaded a person-level export (never its content)."""
    viewer = current_viewer()
    if viewer is not None:
        store.audit(viewer.username, viewer.role, "downloadde", target)

