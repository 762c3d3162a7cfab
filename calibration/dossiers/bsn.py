"""Citizen service numbers (burgerservicenummer, BSN): recognised, replaced by a keyed pseudonym on ingest,
never written anywhere.

A BSN has 9 digits (older ones 8, read with a leading zero) and passes the eleven-test (elfproef):
9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11 and not 0. A column holds BSNs when its name says so
(``bsn``, ``burgerservicenummer``, ``sofinummer``) or when most of its values are plain 9-digit numbers passing the
eleven-test (a column of random 9-digit numbers passes in about 1 of 11 cases).

The pseudonym is HMAC-SHA256 of the BSN under a key only the user holds (from ``--key-file`` or
``$MPH_PSEUDONYM_KEY``), so nobody without the key can recompute it from the ~90 million valid numbers. It carries
a short key id (an HMAC of a fixed text), so data pseudonymised under another key is recognised with a clear
error instead of silently failing to link.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd

from scenarios.errors import UserError

KEY_ENV = "MPH_PSEUDONYM_KEY"
MIN_KEY_BYTES = 16
NAMES = ("bsn", "burgerservicenummer", "sofinummer", "citizenservicenumber")
VALUE_SHARE = 0.5  # share of a column's values passing the eleven-test that marks it as a BSN column
_WEIGHTS = np.array([9, 8, 7, 6, 5, 4, 3, 2, -1])
_DIGITS = re.compile(r"(?<!\d)\d{8,9}(?!\d)")
PSEUDONYM = re.compile(r"^ps-([0-9a-f]{6})-[0-9a-f]{16}$")


def normalise(value: str) -> str | None:
    """The 9-digit form of a BSN-like text (spaces, dots and dashes removed, 8 digits padded), else None."""
    digits = re.sub(r"[\s.\-]", "", str(value))
    if not digits.isdigit() or len(digits) not in (8, 9):
        return None
    return digits.zfill(9)


def is_bsn(value: str) -> bool:
    """Whether ``value`` is a valid BSN: 8 or 9 digits passing the eleven-test."""
    digits = normalise(value)
    if digits is None:
        return False
    total = int(np.dot(_WEIGHTS, [int(c) for c in digits]))
    return total != 0 and total % 11 == 0


def redact(text: str) -> str:
    """``text`` with every number that passes the eleven-test replaced, for messages that quote user values."""
    return _DIGITS.sub(lambda m: "[BSN]" if is_bsn(m.group()) else m.group(), text)


def _name_says_bsn(column: str) -> bool:
    name = re.sub(r"[^a-z]", "", column.lower())
    return name in NAMES or name.startswith("bsn") or name.endswith("bsn")


def bsn_columns(frame: pd.DataFrame) -> dict[str, str]:
    """Columns holding BSNs, each with why: ``"by name"`` or ``"by values (eleven-test)"``."""
    found = {}
    for column in frame.columns:
        if _name_says_bsn(str(column)):
            found[str(column)] = "by name"
            continue
        values = [str(v).strip() for v in frame[column] if str(v).strip() not in ("", "nan", "None")]
        # by value only plain 9-digit numbers: dates and codes with separators pass the eleven-test by chance
        if values and sum(len(v) == 9 and v.isdigit() and is_bsn(v) for v in values) >= VALUE_SHARE * len(values):
            found[str(column)] = "by values (eleven-test)"
    return found


def load_key(key_file: Path | None) -> bytes | None:
    """The pseudonymisation key from ``key_file`` or ``$MPH_PSEUDONYM_KEY``; None when neither is given."""
    if key_file is not None:
        try:
            key = Path(key_file).read_bytes().strip()
        except OSError as err:
            raise UserError(f"--key-file {key_file}: cannot read the pseudonymisation key ({err.strerror})") from None
        where = f"--key-file {key_file}"
    elif os.environ.get(KEY_ENV):
        key = os.environ[KEY_ENV].strip().encode()
        where = f"${KEY_ENV}"
    else:
        return None
    if len(key) < MIN_KEY_BYTES:
        raise UserError(f"{where}: the pseudonymisation key has {len(key)} bytes; it needs at least {MIN_KEY_BYTES} "
                        "(e.g. the output of `python -c \"import secrets; print(secrets.token_hex(32))\"`)")
    return key


def key_id(key: bytes) -> str:
    """A short fingerprint of the key: says which key made a pseudonym, reveals nothing about the key."""
    return hmac.new(key, b"mph pseudonym key id", hashlib.sha256).hexdigest()[:6]


def pseudonym(bsn: str, key: bytes) -> str:
    """The keyed pseudonym of one (valid) BSN."""
    digest = hmac.new(key, normalise(bsn).encode(), hashlib.sha256).hexdigest()[:16]
    return f"ps-{key_id(key)}-{digest}"


def key_ids(values: pd.Series) -> set[str]:
    """Key ids of the pseudonyms among ``values``."""
    return {m.group(1) for v in values.astype(str) if (m := PSEUDONYM.match(v))}


__all__ = ["KEY_ENV", "bsn_columns", "is_bsn", "key_id", "key_ids", "load_key", "normalise", "pseudonym", "redact"]
