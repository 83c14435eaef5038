"""Secrets that must live outside the repository: created on first use with owner-only permissions."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

CONFIG_DIR = Path.home() / ".config" / "rbl-monitor"


def secret_from(env_value: str | None, path: Path, nbytes: int = 32) -> str:
    """The secret from the environment, else from `path` (created 0600 with a random value)."""
    if env_value:
        return env_value
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(nbytes))
    return path.read_text().strip()


def session_secret() -> str:
    """Signs the session cookies: RBL_SECRET_KEY, else the file RBL_SECRET_FILE (default in ~/.config)."""
    path = Path(os.environ.get("RBL_SECRET_FILE") or CONFIG_DIR / "session.key")
    return secret_from(os.environ.get("RBL_SECRET_KEY"), path)
