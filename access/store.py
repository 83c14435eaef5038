"""The accounts store: a small SQLite file outside the warehouse (RBL_ACCOUNTS, default data/access.sqlite).

Holds accounts (password as a salted scrypt hash from werkzeug), the live sessions (revocable: the
cookie only carries a random id, the row here is what makes it valid), failed-login counters for slowing
down guessing, and the audit log. SQLite (WAL) is safe for the few writes several server workers make.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
from collections.abc import Callable
from contextlib import closing
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from access.roles import ROLES, STAFF

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "access.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    username TEXT PRIMARY KEY, role TEXT NOT NULL, municipalities TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL, created_at TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS login_failures (
    username TEXT PRIMARY KEY, failures INTEGER NOT NULL, last_failure REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY, username TEXT NOT NULL, role TEXT NOT NULL, municipalities TEXT NOT NULL,
    via TEXT NOT NULL, since REAL NOT NULL, seen REAL NOT NULL, id_token TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS audit (
    at TEXT NOT NULL, username TEXT NOT NULL, role TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL);
"""


class AccountError(ValueError):
    pass


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    municipalities: tuple[str, ...]
    active: bool = True


def store_path() -> Path:
    return Path(os.environ.get("RBL_ACCOUNTS") or DEFAULT_PATH)


# Set while a web request watches what building its answer did with the store: pages/_router_cache.py keeps a
# page only when the store was used for nothing but audit entries, and writes those again at every cached visit.
@dataclass
class _Watch:
    used: list[tuple[str, ...]]
    dry: bool  # a page built ahead of any visit (the page cache's warm-up): its audit entries are noted, not written


_watch: ContextVar[_Watch | None] = ContextVar("rbl_store_watch", default=None)


def watch(dry: bool = False) -> list[tuple[str, ...]]:
    """From now on in this context, note every use of the store in the returned list (until `unwatch`): an audit
    entry as ("audit", action, target), any other use as ("store",). With `dry`, audit entries are only noted:
    nobody is looking (the page cache builds a page ahead of its first visit, and writes the entries then)."""
    used: list[tuple[str, ...]] = []
    _watch.set(_Watch(used, dry))
    return used


def unwatch() -> None:
    _watch.set(None)


def _note(*use: str) -> bool:
    """Note a use; True when it is a dry run (write nothing)."""
    watching = _watch.get()
    if watching is None:
        return False
    watching.used.append(use)
    return watching.dry


def connect(path: Path | None = None) -> sqlite3.Connection:
    _note("store")
    return _connect(path)


def _connect(path: Path | None = None) -> sqlite3.Connection:
    path = path or store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    con = sqlite3.connect(path, timeout=30)
    if new:
        os.chmod(path, 0o600)
        con.execute("PRAGMA journal_mode=WAL")  # readers never wait for the one writer (kept in the file)
        con.executescript(SCHEMA)
    elif not _schema_done.get(str(path)):
        con.execute("PRAGMA journal_mode=WAL")
        con.executescript(SCHEMA)  # an older store gets the tables it lacks
        _schema_done[str(path)] = True
    return con


_schema_done: dict[str, bool] = {}


def _account(row: tuple) -> Account:
    username, role, municipalities, active = row
    return Account(username, role, tuple(m for m in municipalities.split(",") if m), bool(active))


def add_account(username: str, role: str, password: str, municipalities: tuple[str, ...] = ()) -> Account:
    if role not in ROLES:
        raise AccountError(f"onbekende rol '{role}' (kies uit: {', '.join(ROLES)})")
    if role == STAFF and not municipalities:
        raise AccountError("een medewerker moet aan minstens één gemeente zijn toegewezen (--gemeente GM0758)")
    if len(password) < 12:
        raise AccountError("een wachtwoord heeft minstens 12 tekens")
    with closing(connect()) as con, con:
        if con.execute("SELECT 1 FROM accounts WHERE username = ?", (username,)).fetchone():
            raise AccountError(f"account '{username}' bestaat al")
        con.execute("INSERT INTO accounts VALUES (?, ?, ?, ?, ?, 1)",
                    (username, role, ",".join(municipalities), generate_password_hash(password),
                     datetime.now(UTC).isoformat(timespec="seconds")))
    return Account(username, role, municipalities)


def set_password(username: str, password: str) -> None:
    if len(password) < 12:
        raise AccountError("een wachtwoord heeft minstens 12 tekens")
    with closing(connect()) as con, con:
        if not con.execute("UPDATE accounts SET password_hash = ? WHERE username = ?",
                           (generate_password_hash(password), username)).rowcount:
            raise AccountError(f"account '{username}' bestaat niet")
        _end_sessions(con, username)


def set_role(username: str, role: str, municipalities: tuple[str, ...] | None = None) -> None:
    """A new role (and for staff their municipalities); every session of the account ends."""
    account = get_account(username)
    if account is None:
        raise AccountError(f"account '{username}' bestaat niet")
    if role not in ROLES:
        raise AccountError(f"onbekende rol '{role}' (kies uit: {', '.join(ROLES)})")
    municipalities = account.municipalities if municipalities is None else municipalities
    if role == STAFF and not municipalities:
        raise AccountError("een medewerker moet aan minstens één gemeente zijn toegewezen (--gemeente GM0758)")
    with closing(connect()) as con, con:
        con.execute("UPDATE accounts SET role = ?, municipalities = ? WHERE username = ?",
                    (role, ",".join(municipalities if role == STAFF else ()), username))
        _end_sessions(con, username)


def remove_account(username: str) -> None:
    with closing(connect()) as con, con:
        if not con.execute("DELETE FROM accounts WHERE username = ?", (username,)).rowcount:
            raise AccountError(f"account '{username}' bestaat niet")
        _end_sessions(con, username)


def get_account(username: str) -> Account | None:
    with closing(connect()) as con:
        row = con.execute("SELECT username, role, municipalities, active FROM accounts WHERE username = ?",
                          (username,)).fetchone()
    return _account(row) if row else None


def list_accounts() -> list[Account]:
    with closing(connect()) as con:
        rows = con.execute("SELECT username, role, municipalities, active FROM accounts ORDER BY username").fetchall()
    return [_account(r) for r in rows]


# A hash to check against when the username is unknown, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("geen-account-maar-wel-even-traag")


def verify_password(username: str, password: str) -> Account | None:
    with closing(connect()) as con:
        row = con.execute("SELECT username, role, municipalities, active, password_hash FROM accounts "
                          "WHERE username = ?", (username,)).fetchone()
    if row is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    account = _account(row[:4])
    return account if check_password_hash(row[4], password) and account.active else None


def failures(username: str) -> tuple[int, float]:
    with closing(connect()) as con:
        row = con.execute("SELECT failures, last_failure FROM login_failures WHERE username = ?",
                          (username,)).fetchone()
    return row if row else (0, 0.0)


def claim_attempt(username: str, now: float, wait_for: Callable[[int, float, float], int]) -> int:
    """Count a login attempt as a failure before its password is checked, in one write transaction, so
    parallel requests cannot all slip through: returns the seconds still to wait (the attempt is then
    not counted: trying during the wait does not lengthen it), or 0 (counted; `clear_failures` undoes it
    when the password was right). `wait_for(failures, last_failure, now)` is the rule (access/auth.py)."""
    con = connect()
    try:
        con.isolation_level = None
        con.execute("BEGIN IMMEDIATE")
        row = con.execute("SELECT failures, last_failure FROM login_failures WHERE username = ?",
                          (username,)).fetchone()
        wait = wait_for(*(row or (0, 0.0)), now)
        if not wait:
            con.execute("""INSERT INTO login_failures VALUES (?, 1, ?) ON CONFLICT (username)
                           DO UPDATE SET failures = failures + 1, last_failure = excluded.last_failure""",
                        (username, now))
        con.execute("COMMIT")
        return wait
    finally:
        con.close()


def clear_failures(username: str) -> None:
    with closing(connect()) as con, con:
        con.execute("DELETE FROM login_failures WHERE username = ?", (username,))


# --- sessions: the cookie carries a random id; only its SHA-256 is stored, so the store gives no cookie ---

@dataclass(frozen=True)
class Session:
    username: str
    role: str
    municipalities: tuple[str, ...]
    via: str  # "lokaal" or "oidc"
    since: float
    seen: float
    id_token: str = ""  # OpenID Connect: the ID token, as the hint for logging out at the provider


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start_session(username: str, role: str, municipalities: tuple[str, ...], via: str, now: float,
                  id_token: str = "") -> str:
    """A new session; returns its id (for the cookie only)."""
    session_id = secrets.token_urlsafe(32)
    with closing(connect()) as con, con:
        con.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (_hash(session_id), username, role, ",".join(municipalities), via, now, now, id_token))
    return session_id


def get_session(session_id: str) -> Session | None:
    with closing(connect()) as con:
        row = con.execute("SELECT username, role, municipalities, via, since, seen, id_token FROM sessions "
                          "WHERE id_hash = ?", (_hash(session_id),)).fetchone()
    if row is None:
        return None
    username, role, municipalities, via, since, seen, id_token = row
    return Session(username, role, tuple(m for m in municipalities.split(",") if m), via, since, seen, id_token)


def touch_session(session_id: str, now: float) -> None:
    with closing(connect()) as con, con:
        con.execute("UPDATE sessions SET seen = ? WHERE id_hash = ?", (now, _hash(session_id)))


def end_session(session_id: str) -> None:
    with closing(connect()) as con, con:
        con.execute("DELETE FROM sessions WHERE id_hash = ?", (_hash(session_id),))


def _end_sessions(con: sqlite3.Connection, username: str) -> int:
    return con.execute("DELETE FROM sessions WHERE username = ?", (username,)).rowcount


def end_sessions(username: str) -> int:
    """End every session of an account at once (also of a sign-in through the identity provider)."""
    with closing(connect()) as con, con:
        return _end_sessions(con, username)


def end_expired_sessions(now: float, idle_s: float, most_s: float) -> None:
    with closing(connect()) as con, con:
        con.execute("DELETE FROM sessions WHERE seen < ? OR since < ?", (now - idle_s, now - most_s))


def list_sessions() -> list[Session]:
    with closing(connect()) as con:
        rows = con.execute("SELECT username, role, municipalities, via, since, seen FROM sessions "
                           "ORDER BY seen DESC").fetchall()
    return [Session(u, r, tuple(m for m in ms.split(",") if m), v, a, b) for u, r, ms, v, a, b in rows]


def audit(username: str, role: str, action: str, target: str) -> None:
    """Who did what, and when; never the content of what they saw."""
    if _note("audit", action, target):
        return
    with closing(_connect()) as con, con:
        con.execute("INSERT INTO audit VALUES (?, ?, ?, ?, ?)",
                    (datetime.now(UTC).isoformat(timespec="seconds"), username, role, action, target))


def audit_log(limit: int = 500) -> list[tuple[str, str, str, str, str]]:
    with closing(connect()) as con:
        return con.execute("SELECT at, username, role, action, target FROM audit ORDER BY at DESC, rowid DESC "
                           "LIMIT ?", (limit,)).fetchall()
