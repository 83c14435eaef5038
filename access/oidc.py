"""Sign-in with a municipality's identity provider (stub, filled in below)."""

from __future__ import annotations

from flask import Flask


def install(server: Flask) -> None:
    return None


def logout_url(id_token: str) -> str:
    return "/login"
