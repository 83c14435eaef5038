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
import re
from pathlib import Path

import duckdb

from access.secrets import secret_from

DEFAULT_KEY_FILE = Path.home() / ".config" / "rbl-monitor" / "pseudonym.key"
PSEUDONYM_LENGTH = 32  # hex characters = 128 bits: collisions are out of reach for any region
NINE_DIGITS = re.compile("[0-9]{9}")  # ASCII digits only: another script's digits are no person number
# What clean_number drops: Python's white space (str.isspace) and dots, as one regular-expression class.
DROPPED = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in map(chr, range(0x110000)) if c.isspace()) + ".]"


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
    if re.fullmatch("[0-9]{8}", digits):
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
            if not NINE_DIGITS.fullmatch(number):
                raise PersonNumberError("BSN heeft geen 9 cijfers")
            if not elfproef(number):
                raise PersonNumberError("BSN voldoet niet aan de elfproef")
            return self.pseudonym(number)
        number = clean_number(onderwijsnummer)
        if number is None:
            raise PersonNumberError("verplicht veld 'bsn' is leeg (en er is geen onderwijsnummer)")
        if not NINE_DIGITS.fullmatch(number):
            raise PersonNumberError("onderwijsnummer heeft geen 9 cijfers")
        return self.pseudonym(number)

    def persons_in_sql(self, con: duckdb.DuckDBPyConnection, relation: str, target: str) -> None:
        """`person` for every distinct (_bsn, _fallback) of `relation`, computed in DuckDB into table `target`
        (_bsn, _fallback, person_id, err): the same cleaning, checks, messages and HMAC-SHA-256 as above, without
        a Python call per person. The key goes in as query parameters (the HMAC's inner and outer pads), never
        into SQL text or a table."""
        con.execute(f"""CREATE OR REPLACE TEMP MACRO rbl_digits(x) AS regexp_replace(x, '{DROPPED}', '', 'g');
            CREATE OR REPLACE TEMP MACRO rbl_unzero(d) AS CASE WHEN suffix(d, ',0') THEN left(d, length(d) - 2)
                ELSE d END;
            CREATE OR REPLACE TEMP MACRO rbl_padded(d) AS CASE WHEN d = '' OR regexp_full_match(d, '0+') THEN NULL
                WHEN regexp_full_match(d, '[0-9]{{8}}') THEN '0' || d ELSE d END;
            CREATE OR REPLACE TEMP MACRO rbl_clean(x) AS CASE WHEN regexp_full_match(x, '[0-9]{{9}}')
                AND x <> '000000000' THEN x ELSE rbl_padded(rbl_unzero(rbl_digits(x))) END;
            CREATE OR REPLACE TEMP MACRO rbl_elfproef(n) AS (9 * n[1]::INT + 8 * n[2]::INT + 7 * n[3]::INT
                + 6 * n[4]::INT + 5 * n[5]::INT + 4 * n[6]::INT + 3 * n[7]::INT + 2 * n[8]::INT - n[9]::INT)
                % 11 = 0""")
        block = self._key if len(self._key) <= 64 else hashlib.sha256(self._key).digest()
        inner = bytes(b ^ 0x36 for b in block.ljust(64, b"\0"))
        outer = bytes(b ^ 0x5C for b in block.ljust(64, b"\0"))
        con.execute(f"""CREATE OR REPLACE TEMP TABLE {target} AS
            WITH cleaned AS (SELECT _bsn, _fallback, rbl_clean(_bsn) AS b, rbl_clean(_fallback) AS f
                             FROM (SELECT DISTINCT _bsn, _fallback FROM {relation})),
            checked AS (SELECT *, CASE
                WHEN b IS NOT NULL THEN CASE WHEN NOT regexp_full_match(b, '[0-9]{{9}}') THEN 'BSN heeft geen 9 cijfers'
                                             WHEN NOT rbl_elfproef(b) THEN 'BSN voldoet niet aan de elfproef' END
                WHEN f IS NULL THEN 'verplicht veld ''bsn'' is leeg (en er is geen onderwijsnummer)'
                WHEN NOT regexp_full_match(f, '[0-9]{{9}}') THEN 'onderwijsnummer heeft geen 9 cijfers' END AS err
                FROM cleaned)
            SELECT _bsn, _fallback, CASE WHEN err IS NULL THEN left(sha256($outer::BLOB || unhex(sha256(
                       $inner::BLOB || encode(coalesce(b, f))))), {PSEUDONYM_LENGTH}) END AS person_id, err
            FROM checked""", {"inner": inner, "outer": outer})
