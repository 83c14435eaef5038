"""Keyed pseudonyms for BSN and onderwijsnummer (HMAC-SHA-256), applied the moment a file is read.

The key never lives in the repository or the warehouse: it comes from `RBL_PSEUDONYM_KEY` (hex) or
from a key file (`RBL_KEY_FILE`, default `~/.config/rbl-monitor/pseudonym.key`), which is created
on first use with owner-only permissions. The same key gives the same pseudonym, so repeated
loads join; without the key the warehouse cannot be linked back to a person.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from access.secrets import secret_from

DEFAULT_KEY_FILE = Path.home() / ".config" / "rbl-monitor" / "pseudonym.key"
PSEUDONYM_LENGTH = 32  # hex characters = 128 bits: collisions are out of reach for any region


class PersonNumberError(ValueError):
    """A person number that cannot be used; the message is safe to show (it never holds the number)."""


def key_file_path() -> Path:
    return Path(os.environ.get("RBL_KEY_FILE") or DEFAULT_KEY_FILE)


def load_key() -> bytes:
    """The pseudonym key: from the environment, else from the key file, created on first use (0600)."""
    return bytes.fromhex(secret_from(os.environ.get("RBL_PSEUDONYM_KEY"), key_file_path()))


def elfproef(number: str) -> bool:
    """The BSN eleven test: 9*d1 + 8*d2 + ... + 2*d8 - d9 is divisible by 11 (and not all zeros)."""
    if len(number) != 9 or not number.isdigit() or number == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(number[:8], range(9, 1, -1), strict=True)) - int(number[8])
    return total % 11 == 0


def clean_number(raw: str | None) -> str | None:
    """Digits only; an 8-digit number gets its leading zero back (Excel drops it)."""
    if raw is None:
        return None
    digits = "".join(ch for ch in str(raw).strip() if not ch.isspace() and ch != ".")
    if digits.endswith(",0"):  # a number cell exported from Excel as 123456782,0
        digits = digits[:-2]
    if not digits or set(digits) == {"0"}:
        return None
    if len(digits) == 8 and digits.isdigit():
        digits = "0" + digits
    return digits


class Pseudonymiser:
    """Turns person numbers into pseudonyms; caches per number because files repeat persons."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key if key is not None else load_key()
        self._cache: dict[str, str] = {}

    def pseudonym(self, number: str) -> str:
        cached = self._cache.get(number)
        if cached is None:
            digest = hmac.new(self._key, number.encode("ascii"), hashlib.sha256).hexdigest()
            cached = self._cache[number] = digest[:PSEUDONYM_LENGTH]
        return cached

    def person(self, bsn: str | None, onderwijsnummer: str | None = None) -> str:
        """The pseudonym of a person given by BSN, or by onderwijsnummer where no BSN is known."""
        number = clean_number(bsn)
        if number is not None:
            if not number.isdigit() or len(number) != 9:
                raise PersonNumberError("BSN heeft geen 9 cijfers")
            if not elfproef(number):
                raise PersonNumberError("BSN voldoet niet aan de elfproef")
            return self.pseudonym(number)
        number = clean_number(onderwijsnummer)
        if number is None:
            raise PersonNumberError("verplicht veld 'bsn' is leeg (en er is geen onderwijsnummer)")
        if not number.isdigit() or len(number) != 9:
            raise PersonNumberError("onderwijsnummer heeft geen 9 cijfers")
        return self.pseudonym(number)
