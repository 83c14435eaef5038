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
import json
import secrets
import time
from collections.abc import Callable
from html import escape
from urllib.parse import quote, urlsplit

import dash
from dash import dcc, html
from dash.exceptions import DependencyException, PreventUpdate
from flask import Flask, Response, abort, current_app, g, has_request_context, jsonify, redirect, request, session

from access import store
from access.auth import authenticator
from access.roles import LABELS, Viewer
from access.secrets import session_secret
from config.settings import load_settings

PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
# exact paths: /favicon.ico/x is no way around the login; the identity provider's way in and back
PUBLIC_PATHS = {"/login", "/_favicon.ico", "/login/oidc", "/login/oidc/callback"}
LOCAL, OIDC = "lokaal", "oidc"  # how a session was started
UNKNOWN_NAME = "(onbekende naam)"  # what the audit log says when a failed login named no account
TOUCH_EVERY_S = 15  # "last seen" of a session is written at most this often
MAX_JSON_DEPTH = 32  # a callback body nested deeper than this is malformed (Dash's own are < 10)
# output key of a callback (as in Dash's callback map) -> roles allowed to fire it
CALLBACK_ROLES: dict[str, tuple[str, ...]] = {}


def current_viewer() -> Viewer | None:
    """The logged-in person of this request, read from the server-side session once per request (so an
    ended session or a removed account is out at its next request)."""
    if "rbl_viewer" not in g:
        g.rbl_viewer = _viewer_of(_session_record())
    return g.rbl_viewer


def _session_record() -> store.Session | None:
    """The row of the sessions table the cookie's id points at: no row, no session."""
    if "rbl_session" not in g:
        session_id = session.get("sid")
        g.rbl_session = store.get_session(session_id) if isinstance(session_id, str) and session_id else None
    return g.rbl_session


def _viewer_of(record: store.Session | None) -> Viewer | None:
    if record is None:
        return None
    if record.via == LOCAL:  # a local account must still exist, be active and have this role
        account = store.get_account(record.username)
        if account is None or not account.active or account.role != record.role:
            return None
    return Viewer(record.username, record.role, record.municipalities)


def start_session(username: str, role: str, municipalities: tuple[str, ...], via: str, id_token: str = "") -> None:
    """Log someone in: a fresh cookie (no fixation of a pre-login session) carrying only a random id and
    the CSRF token; the session itself is a row in the accounts store, so it can be ended there."""
    session.clear()
    now = time.time()
    store.end_expired_sessions(now, *_session_limits())
    session_id = store.start_session(username, role, municipalities, via, now, id_token)
    session.update(sid=session_id, csrf=secrets.token_urlsafe(32))
    session.permanent = False
    g.pop("rbl_session", None)
    g.pop("rbl_viewer", None)


def end_session() -> store.Session | None:
    """Log out here: the row is deleted (the cookie is dead wherever a copy of it is) and the cookie
    cleared. Returns the ended session (the OpenID Connect logout needs its ID token)."""
    record = _session_record()
    session_id = session.get("sid")
    if isinstance(session_id, str) and session_id:
        store.end_session(session_id)
    session.clear()
    g.rbl_session = None
    g.rbl_viewer = None
    return record


def _session_limits() -> tuple[float, float]:
    """(idle seconds, most seconds) of a session (settings sessie.*)."""
    cfg = load_settings()
    return float(cfg.get("sessie", "inactief_minuten")) * 60, float(cfg.get("sessie", "max_uren")) * 3600


def csrf_ok(value: object) -> bool:
    """The form's token equals the session's, and there is one (an empty token never matches)."""
    token = session.get("csrf")
    return bool(token) and isinstance(value, str) and bool(value) and hmac.compare_digest(value, str(token))


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
    record = _session_record()
    if record is None:
        return False
    now, (idle, most) = time.time(), _session_limits()
    if now - record.seen > idle or now - record.since > most:
        end_session()
        return False
    if now - record.seen > TOUCH_EVERY_S:
        store.touch_session(session["sid"], now)
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
    """The role first (403), then the shape of the body against the callback's registration (400): a
    malformed body never reaches Dash, where it would be a 500."""
    body = _json_body()
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return jsonify(error="Ongeldig verzoek."), 400
    output = body["output"]
    if not _is_page_router(output):
        allowed = CALLBACK_ROLES.get(output)
        viewer = current_viewer()
        if allowed is None or viewer is None or viewer.role not in allowed:
            return jsonify(error="Geen toegang tot deze gegevens."), 403
    spec = current_app.extensions["rbl_dash"].callback_map.get(output)
    if spec is None or not _well_formed(body, spec):
        return jsonify(error="Ongeldig verzoek."), 400
    return None


def _json_body() -> object:
    """The request body as JSON, or None when it is not JSON or nested too deep (never an exception:
    Python's parser raises RecursionError on deep nesting). A body over the size limit is a 413 here."""
    try:
        body = json.loads(request.get_data(cache=True))
    except (ValueError, RecursionError):
        return None
    return None if _too_deep(body) else body


def _too_deep(node: object) -> bool:
    stack = [(node, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def _well_formed(body: dict, spec: dict) -> bool:
    """As many inputs and states as the callback has, each an {id, property} object (a list of them for
    pattern-matching ids); outputs an object or a list; changed ids strings."""
    inputs, state, outputs = body.get("inputs"), body.get("state", []), body.get("outputs")
    changed = body.get("changedPropIds", [])
    if not (isinstance(inputs, list) and isinstance(state, list) and isinstance(changed, list)):
        return False
    if len(inputs) != len(spec.get("inputs", [])) or len(state) != len(spec.get("state", [])):
        return False
    if not isinstance(outputs, dict | list) or not all(isinstance(c, str) for c in changed):
        return False
    flat = [i for x in [*inputs, *state, *(outputs if isinstance(outputs, list) else [outputs])]
            for i in (x if isinstance(x, list) else [x])]
    return all(isinstance(i, dict) and isinstance(i.get("id"), str | dict) and isinstance(i.get("property"), str)
               for i in flat)


# --- login and logout -------------------------------------------------------------------------------

def _login_page(message: str = "", next_url: str = "/", username: str = "") -> str:
    token = session.setdefault("csrf", secrets.token_urlsafe(32))
    alert = f'<div class="alert alert-danger" role="alert">{escape(message)}</div>' if message else ""
    from access import oidc

    provider = (f'<a class="btn btn-outline-primary w-100 mb-3" id="inloggen-gemeente" '
                f'href="/login/oidc?next={quote(next_url, safe="/")}">{escape(oidc.button_label())}</a>'
                '<p class="text-muted small text-center">of met een account van RBL Monitor</p>'
                if oidc.enabled() else "")
    return _small_page_head("Inloggen") + f"""\
<h1 class="h3 mb-1">RBL Monitor</h1><p class="text-muted">Regionaal Bureau Leren West-Brabant</p>
{alert}
{provider}
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
    """Only a local path: never send someone to another site after logging in, whatever the encoding.

    Browsers drop tabs and newlines anywhere in a URL, strip leading controls and spaces, and read a
    backslash as a slash (`/\t/evil` is `//evil`), so any control character or backslash refuses the
    value; what is left must be a path without scheme or host."""
    if not value or any(ord(c) < 0x20 or ord(c) == 0x7F for c in value) or "\\" in value:
        return "/"
    if not value.startswith("/") or value.startswith("//"):
        return "/"
    parts = urlsplit(value)
    return "/" if parts.scheme or parts.netloc else value


def landing(wanted: str, role: str) -> str:
    """Where a login lands: the page asked for, but for the plain start page "/" the first page of the menu
    this role may open (the administrator has no overview of figures: "Geen toegang" is no welcome)."""
    if wanted != "/":
        return wanted
    pages = sorted(dash.page_registry.values(), key=lambda p: (p.get("order") is None, p.get("order") or 0))
    allowed = [p["relative_path"] for p in pages if role in tuple(p.get("access") or ())]
    return "/" if not allowed or "/" in allowed else allowed[0]


def login() -> Response | str:
    if request.method != "POST":  # GET or HEAD
        return _login_page(next_url=_safe_next(request.args.get("next")))
    form = request.form
    if not csrf_ok(form.get("csrf")):
        return _login_page("De pagina was verlopen. Probeer het opnieuw.", _safe_next(form.get("next"))), 400
    username = form.get("gebruikersnaam", "")
    result = authenticator.authenticate(username, form.get("wachtwoord", ""))
    if result.account is None:
        # the account's name when it is one; never the typed text (it may be a password typed in the wrong box)
        known = store.get_account(username.strip().lower())
        store.audit(known.username if known else UNKNOWN_NAME, "-", "inloggen mislukt", "/login")
        status = 429 if result.wait_s else 401
        return _login_page(result.message, _safe_next(form.get("next")), username), status
    account = result.account
    start_session(account.username, account.role, account.municipalities, LOCAL)
    store.audit(account.username, account.role, "ingelogd", "/login")
    return redirect(landing(_safe_next(form.get("next")), account.role))


def logout() -> Response | str:
    """GET asks (a link or an image cannot log anyone out); POST with the session's CSRF token logs out,
    here and, for a sign-in through the identity provider, there too."""
    viewer = current_viewer()
    if request.method == "GET":
        return _logout_page(viewer) if viewer is not None else redirect("/login")
    if not csrf_ok(request.form.get("csrf")):
        return "Het formulier was verlopen. Log uit via het menu.", 400
    if viewer is not None:
        store.audit(viewer.username, viewer.role, "uitgelogd", "/logout")
    ended = end_session()
    if ended is not None and ended.via == OIDC:
        from access import oidc

        return redirect(oidc.logout_url(ended.id_token))
    return redirect("/login")


def _logout_page(viewer: Viewer) -> str:
    return _small_page_head("Uitloggen") + f"""\
<h1 class="h3 mb-3">Uitloggen</h1><p>U bent ingelogd als {escape(viewer_label(viewer))}.</p>
<form method="post" action="/logout"><input type="hidden" name="csrf" value="{escape(session.get("csrf", ""))}">
<button class="btn btn-primary" id="uitloggen-bevestigen" type="submit">Uitloggen</button>
<a class="btn btn-link" href="/">Terug</a></form></main></body></html>"""


def logout_form(viewer: Viewer) -> html.Form:
    """The navbar's logout: a POST form with the session's CSRF token (never a link)."""
    return html.Form([
        dcc.Input(type="hidden", name="csrf", value=session.get("csrf", "")),
        html.Button(f"Uitloggen – {viewer_label(viewer)}", type="submit", id="uitloggen",
                    className="nav-link btn btn-link"),
    ], method="post", action="/logout", id="uitloggen-formulier", className="d-flex")


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
    # the logout form's answer redirects to the identity provider's end-session page: the browser checks
    # form-action on that redirect too, so the provider's origin (only that) is allowed as well
    forms = " ".join(["'self'", *_provider_origin(app)])
    return ("default-src 'self'; " f"script-src {scripts}; " "style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
            f"base-uri 'self'; form-action {forms}; frame-ancestors 'none'")


def _provider_origin(app: dash.Dash) -> list[str]:
    configured = app.server.extensions.get("rbl_oidc")
    if not configured:
        return []
    parts = urlsplit(configured[1].issuer)
    return [f"{parts.scheme}://{parts.netloc}"]


def install(app: dash.Dash, secure_cookies: bool = True) -> None:
    server: Flask = app.server
    server.config.update(
        SECRET_KEY=session_secret(), SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies, SESSION_COOKIE_NAME="rbl_sessie",
        # a body over this is refused with 413 before it is read (settings web.max_verzoek_mb)
        MAX_CONTENT_LENGTH=int(float(load_settings().get("web", "max_verzoek_mb")) * 1024 * 1024),
    )
    server.extensions["rbl_dash"] = app
    server.add_url_rule("/login", "login", login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "logout", logout, methods=["GET", "POST"])
    from access import oidc

    oidc.install(server)
    server.before_request(_guard)
    # a path outside Dash's bundles (`/_dash-component-suites/dash/..%2f..`) is not found, not a server error
    server.register_error_handler(DependencyException, lambda _exc: ("Niet gevonden.", 404))

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


def _small_page_head(title: str) -> str:
    """The head of the server's own small pages (login, logout): Dutch, local styles only, no Dash."""
    return f"""<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} - RBL Monitor</title>
<link rel="icon" href="/_favicon.ico"><link rel="stylesheet" href="/assets/bootstrap.min.css">
<link rel="stylesheet" href="/assets/rbl.css"></head>
<body class="rbl-login"><main class="container" style="max-width: 26rem; margin-top: 8vh;">
"""
