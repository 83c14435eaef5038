"""Authentication: the one module that decides who someone is.

Local accounts now (access/store.py); an OpenID Connect provider of a municipality can replace
`LocalAuthenticator` later without touching pages or the guard: they only see an `Account`.
Repeated failures for an account are slowed down: after N failures (a setting) each further try must
wait 2, 4, 8 ... seconds (at most 15 minutes) after the previous failure. Every attempt is counted as a
failure before its password is checked, in one write transaction (`store.claim_attempt`), so parallel
requests cannot race past the count; a right password undoes its count. A try during the wait is
refused without being counted, so the owner is let in once the wait is over.
(The sign-in through a municipality's identity provider is access/oidc.py: it ends in the same
`Account`-less session with a role, and the provider does its own throttling.)
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from access import store
from config.settings import load_settings

MAX_WAIT_S = 15 * 60


@dataclass(frozen=True)
class AuthResult:
    account: store.Account | None
    message: str = ""
    wait_s: int = 0


def wait_needed(failures: int, last: float, now: float) -> int:
    """Seconds to wait before the next try after `failures` failures, the last at `last`."""
    free = int(load_settings().get("sessie", "vertraging_na_pogingen"))
    if failures < free:
        return 0
    delay = min(2 ** min(failures - free + 1, 20), MAX_WAIT_S)
    return max(0, int(last + delay - now + 0.999))


class LocalAuthenticator:
    def authenticate(self, username: str, password: str, now: float | None = None) -> AuthResult:
        now = time.time() if now is None else now
        username = username.strip().lower()
        wait = store.claim_attempt(username, now, wait_needed)
        if wait:
            return AuthResult(None, f"Te veel mislukte pogingen. Probeer het over {wait} seconden opnieuw.", wait)
        account = store.verify_password(username, password)
        if account is None:
            return AuthResult(None, "Onbekende gebruikersnaam of onjuist wachtwoord.")
        store.clear_failures(username)
        return AuthResult(account)


authenticator = LocalAuthenticator()
