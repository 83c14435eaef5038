"""The accounts store: a small SQLite file outside the warehouse (RBL_ACCOUNTS, default data/access.sqlite).

Holds accounts (password as a salted scrypt hash from werkzeug), failed-login counters for slowing
down guessing, and the audit log. SQLite is safe for the few writes several server workers make.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
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


def connect(path: Path | None = None) -> sqlite3.Connection:
    path = path or store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    con = sqlite3.connect(path, timeout=10)
    if new:
        os.chmod(path, 0o600)
    con.executescript(SCHEMA)
    return con


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


def remove_account(username: str) -> None:
    with closing(connect()) as con, con:
        if not con.execute("DELETE FROM accounts WHERE username = ?", (username,)).rowcount:
            raise AccountError(f"account '{username}' bestaat niet")


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


def record_failure(username: str, at: float) -> None:
    with closing(connect()) as con, con:
        con.execute("""INSERT INTO login_failures VALUES (?, 1, ?) ON CONFLICT (username)
                       DO UPDATE SET failures = failures + 1, last_failure = excluded.last_failure""", (username, at))


def clear_failures(username: str) -> None:
    with closing(connect()) as con, con:
        con.execute("DELETE FROM login_failures WHERE username = ?", (username,))


def audit(username: str, role: str, action: str, target: str) -> None:
    """Who did what, and when; never the content of what they saw."""
    with closing(connect()) as con, con:
        con.execute("INSERT INTO audit VALUES (?, ?, ?, ?, ?)",
                    (datetime.now(UTC).isoformat(timespec="seconds"), username, role, action, target))


def audit_log(limit: int = 500) -> list[tuple[str, str, str, str, str]]:
    with closing(connect()) as con:
        return con.execute("SELECT at, username, role, action, target FROM audit ORDER BY at DESC, rowid DESC "
                           "LIMIT ?", (limit,)).fetchall()
