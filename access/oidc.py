"""Sign-in with the municipality's identity provider: OpenID Connect, authorisation code flow with PKCE.

Authlib (a maintained client library) does the protocol: discovery from the issuer, state, nonce, the
PKCE code verifier (S256), the code exchange, and the ID token's checks (signature against the provider's
published keys, issuer, audience, expiry, nonce). This module only maps the verified claims to a role:

- the groups claim (setting `oidc.groepen_claim`) through `[oidc.rollen]` (group -> role); a user in no
  mapped group is refused, and a user in groups of several roles gets the most limited one (the order
  beheerder, medewerker, portefeuillehouder, coordinator: least data first), so a group added by mistake
  never widens access;
- for staff, the municipalities through `[oidc.gemeenten]` (group -> GM code) and, when set, the claim
  `oidc.gemeenten_claim` (a list of GM codes); staff without a municipality are refused.

Configuration: settings `[oidc]` (issuer, client_id, the claims and maps), the client secret only from the
environment (RBL_OIDC_CLIENT_SECRET). With an empty issuer the feature is off and the login page shows
local accounts only. The session that follows is the same server-side session as a local login
(access/web.py), marked `oidc`, holding the ID token so that logging out here also ends the session at
the provider (RP-initiated logout, its `end_session_endpoint`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Flask, Response, current_app, redirect, request, session, url_for
from joserfc.errors import JoseError

from access import store
from access.roles import ADMINISTRATOR, COORDINATOR, PORTFOLIO_HOLDER, ROLES, STAFF
from config.settings import load_settings

CLIENT = "gemeente"  # Authlib's name for the one registered provider
SECRET_ENV = "RBL_OIDC_CLIENT_SECRET"
LOGIN_PATH, CALLBACK_PATH = "/login/oidc", "/login/oidc/callback"
LEAST_FIRST = (ADMINISTRATOR, STAFF, PORTFOLIO_HOLDER, COORDINATOR)  # with several roles: the most limited


class SignInRefused(Exception):
    """The provider vouched for someone RBL Monitor has no role for (a Dutch message for the login page)."""


@dataclass(frozen=True)
class Settings:
    issuer: str
    client_id: str
    scope: str = "openid profile groups"
    groups_claim: str = "groups"
    municipalities_claim: str = ""
    base_url: str = ""
    button: str = "Inloggen met uw gemeenteaccount"
    roles: Mapping[str, str] = field(default_factory=dict)  # group -> role
    municipalities: Mapping[str, str] = field(default_factory=dict)  # group -> GM code

    @classmethod
    def load(cls) -> Settings | None:
        values = load_settings().values.get("oidc", {})
        if not values.get("issuer"):
            return None
        roles = dict(values.get("rollen", {}))
        unknown = sorted(set(roles.values()) - set(ROLES))
        if unknown:
            raise ValueError(f"oidc.rollen noemt onbekende rollen: {', '.join(unknown)} (kies uit {', '.join(ROLES)})")
        return cls(issuer=values["issuer"].rstrip("/"), client_id=values["client_id"],
                   scope=values.get("scope", cls.scope), groups_claim=values.get("groepen_claim", "groups"),
                   municipalities_claim=values.get("gemeenten_claim", ""), base_url=values.get("basis_url", ""),
                   button=values.get("knop", cls.button), roles=roles,
                   municipalities=dict(values.get("gemeenten", {})))


def enabled() -> bool:
    return "rbl_oidc" in current_app.extensions


def button_label() -> str:
    return current_app.extensions["rbl_oidc"][1].button


def install(server: Flask) -> None:
    """Register the provider and the two routes when `[oidc] issuer` is set; otherwise nothing."""
    settings = Settings.load()
    if settings is None:
        return
    oauth = OAuth(server)
    oauth.register(CLIENT, client_id=settings.client_id, client_secret=os.environ.get(SECRET_ENV),
                   server_metadata_url=f"{settings.issuer}/.well-known/openid-configuration",
                   client_kwargs={"scope": settings.scope, "code_challenge_method": "S256",
                                  "token_endpoint_auth_method": "client_secret_basic"})
    server.extensions["rbl_oidc"] = (oauth, settings)
    server.add_url_rule(LOGIN_PATH, "oidc_login", login)
    server.add_url_rule(CALLBACK_PATH, "oidc_callback", callback)


def _client():
    oauth, _settings = current_app.extensions["rbl_oidc"]
    return oauth.create_client(CLIENT)


def _settings() -> Settings:
    return current_app.extensions["rbl_oidc"][1]


def _url(endpoint: str, path: str) -> str:
    base = _settings().base_url
    return base.rstrip("/") + path if base else url_for(endpoint, _external=True)


def login() -> Response | tuple[str, int]:
    """To the provider (state, nonce and the PKCE challenge are kept in this browser's session)."""
    from access.web import _login_page, _safe_next

    try:
        response = _client().authorize_redirect(_url("oidc_callback", CALLBACK_PATH))
    except (AuthlibBaseError, requests.RequestException, ValueError):  # the provider cannot be reached
        return _login_page("De identiteitsprovider van de gemeente is nu niet bereikbaar. Probeer het later "
                           "opnieuw of log in met een account van RBL Monitor."), 503
    session["oidc_next"] = _safe_next(request.args.get("next"))
    return response


def callback() -> Response | tuple[str, int]:
    """Back from the provider: verify, map the claims to a role, start a session here."""
    from access.web import OIDC, _login_page, start_session

    next_url = session.get("oidc_next", "/")
    try:
        token = _client().authorize_access_token()
        claims = token.get("userinfo")
        if not claims:
            raise SignInRefused("De identiteitsprovider gaf geen ID-token.")
        username, role, municipalities = account_of(claims, _settings())
    except SignInRefused as exc:
        store.audit(UNKNOWN_OIDC, "-", "inloggen mislukt (gemeenteaccount)", LOGIN_PATH)
        return _login_page(str(exc)), 403
    except (AuthlibBaseError, JoseError, requests.RequestException, ValueError, KeyError):
        # a tampered or expired ID token, a wrong nonce or state, an unreachable provider
        store.audit(UNKNOWN_OIDC, "-", "inloggen mislukt (gemeenteaccount)", LOGIN_PATH)
        return _login_page("Inloggen met uw gemeenteaccount is niet gelukt. Probeer het opnieuw."), 401
    start_session(username, role, municipalities, OIDC, id_token=token["id_token"])
    store.audit(username, role, "ingelogd (gemeenteaccount)", LOGIN_PATH)
    return redirect(next_url)


UNKNOWN_OIDC = "(gemeenteaccount)"


def account_of(claims: Mapping, settings: Settings) -> tuple[str, str, tuple[str, ...]]:
    """(user name, role, municipalities) from verified ID-token claims; SignInRefused when there is no role."""
    username = str(claims.get("preferred_username") or claims.get("email") or claims["sub"]).lower()
    groups = _as_list(claims.get(settings.groups_claim))
    roles = {settings.roles[g] for g in groups if g in settings.roles}
    if not roles:
        raise SignInRefused("Uw gemeenteaccount heeft geen rol in RBL Monitor. Vraag de beheerder om u aan de "
                            "juiste groep toe te voegen.")
    role = next(r for r in LEAST_FIRST if r in roles)
    municipalities: tuple[str, ...] = ()
    if role == STAFF:
        codes = [settings.municipalities[g] for g in groups if g in settings.municipalities]
        if settings.municipalities_claim:
            codes += [str(c).upper() for c in _as_list(claims.get(settings.municipalities_claim))]
        municipalities = tuple(sorted(set(codes)))
        if not municipalities:
            raise SignInRefused("Uw gemeenteaccount is medewerker, maar aan geen gemeente toegewezen. Vraag de "
                                "beheerder om u aan de groep van uw gemeente toe te voegen.")
    return username, role, municipalities


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


def logout_url(id_token: str) -> str:
    """The provider's end-session address (RP-initiated logout), back to our login page afterwards."""
    if not enabled():
        return "/login"
    try:
        return _client().create_logout_url(post_logout_redirect_uri=_url("login", "/login"),
                                           id_token_hint=id_token)["url"]
    except (AuthlibBaseError, requests.RequestException, KeyError, RuntimeError):
        return "/login"  # the session here has ended; the provider's own expiry ends the one there
