"""Citizen service numbers (burgerservicenummer, BSN): recognised in any spelling, replaced by a keyed pseudonym on
ingest, never written anywhere.

A BSN has 9 digits and passes the eleven-test (elfproef): 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11
(checked with python-stdnum's ``stdnum.nl.bsn``). Exports spell them in many ways, and every spelling is
recognised, anywhere in a value: with dots, spaces or dashes (``1081.86.702``, ``108 186 702``), with the leading
zero lost (8 digits, as Excel or an integer column stores ``012345672``), as a float (``108186702.0``,
``1.08186702E+08``, as a Parquet column with gaps stores them), with letters before or after (``108186702A``).

Recognition is deliberately generous: about 1 in 11 arbitrary 8- or 9-digit numbers passes the eleven-test, and
each is treated as a BSN (pseudonymised, redacted from messages). A wrongly pseudonymised dossier number costs
nothing; a BSN let through cannot be called back.

The pseudonym is HMAC-SHA256 of the BSN under a key only the user holds (from ``--key-file`` or
``$MPH_PSEUDONYM_KEY``), so nobody without the key can recompute it from the ~90 million valid numbers. It carries
a short key id (an HMAC of a fixed text), so data pseudonymised under another key is recognised with a clear
error instead of silently failing to link.

Only the standard library and python-stdnum are imported: the command line redacts every error message with
:func:`redact` and must stay light.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from stdnum.nl import bsn as stdnum_bsn

from scenarios.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

KEY_ENV = "MPH_PSEUDONYM_KEY"
MIN_KEY_BYTES = 16
NAMES = ("bsn", "burgerservicenummer", "sofinummer", "citizenservicenumber")
REDACTED = "[BSN]"
PSEUDONYM = re.compile(r"^ps-([0-9a-f]{6})-[0-9a-f]{16}$")
# Digits joined by single separators a BSN is written with; '/' and ':' are left out: they join dates and times
_RUN = re.compile(r"(?<!\d)\d+(?:[ .\-]\d+)*(?!\d)")
_GROUP = re.compile(r"\d+")
# A whole value that is a number in float or scientific notation (a BSN stored in a float column)
_FLOAT = re.compile(r"[+-]?\d+(?:[.,]\d*)?(?:[eE][+-]?\d+)?")
_LENGTHS = (8, 9)  # 9 digits, or 8 where the leading zero was lost
# Dates (2013-01-07, 07-01-2013, 07.01.2013) are 8 digits with separators and would pass the eleven-test 1 in 11
_DATE = re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])|(0[1-9]|[12]\d|3[01])[.\-](0[1-9]|1[0-2])[.\-]\d{4}")


def _valid(digits: str) -> str | None:
    """The 9-digit BSN that ``digits`` (digits only) is, else None."""
    if len(digits) not in _LENGTHS:
        return None
    number = digits.zfill(9)
    return number if stdnum_bsn.is_valid(number) else None


def _spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, 9-digit BSN) of every BSN spelt in ``text``."""
    found = []
    for run in _RUN.finditer(text):
        if _DATE.fullmatch(run.group()):
            continue
        number = _valid(re.sub(r"\D", "", run.group()))
        if number:
            found.append((run.start(), run.end(), number))
            continue
        # a longer run ('2024-108186702', '108186702.0', two numbers side by side): each plain group on its own
        found += [(run.start() + g.start(), run.start() + g.end(), n) for g in _GROUP.finditer(run.group())
                  if (n := _valid(g.group()))]
    return found


def _as_float(text: str) -> str | None:
    """The digits of a whole value written as a float with an integer value ('108186702.0', '1.08E+08')."""
    if not _FLOAT.fullmatch(text):
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    if not math.isfinite(value) or value != int(value) or not 0 < value < 1e9:
        return None
    return str(int(value))


def find(value: object) -> list[str]:
    """The BSNs (9-digit form) spelt anywhere in ``value``; none in a pseudonym."""
    text = str(value).strip()
    if PSEUDONYM.match(text):
        return []
    whole = _as_float(text)
    if whole and (number := _valid(whole)):
        return [number]
    return list(dict.fromkeys(number for _, _, number in _spans(text)))


def is_bsn(value: object) -> bool:
    """Whether ``value`` holds one BSN, in any spelling."""
    return len(find(value)) == 1


def normalise(value: object) -> str | None:
    """The 9-digit form of the one BSN in ``value``, else None."""
    found = find(value)
    return found[0] if len(found) == 1 else None


def redact(text: str) -> str:
    """``text`` with every spelling of a number that passes the eleven-test replaced, for messages and logs."""
    text = str(text)
    spans = _spans(text)
    # floats ('108186702.0', '1.08186702E+08') as whole words
    words = [(m.start(), m.end()) for m in re.finditer(r"[^\s'\",;:()\[\]{}]+", text)
             if (digits := _as_float(m.group())) and _valid(digits)]
    cut = sorted([(s, e) for s, e, _ in spans] + words)
    out, at = [], 0
    for start, end in cut:
        if start >= at:
            out += [text[at:start], REDACTED]
            at = end
        elif end > at:
            at = end
    return "".join(out) + text[at:]


def _name_says_bsn(column: str) -> bool:
    name = re.sub(r"[^a-z]", "", column.lower())
    return name in NAMES or name.startswith("bsn") or name.endswith("bsn")


def bsn_columns(frame: pd.DataFrame, columns: Iterable[str] | None = None) -> dict[str, str]:
    """Columns (of ``columns``, default all) holding BSNs, each with why: ``"by name"`` or ``"by values
    (eleven-test)"``. One value in any spelling is enough: BSNs in a few rows are as personal as in all."""
    found = {}
    for column in frame.columns if columns is None else columns:
        if _name_says_bsn(str(column)):
            found[str(column)] = "by name"
        elif any(find(v) for v in frame[column]):
            found[str(column)] = "by values (eleven-test)"
    return found


def count_bsns(values: Iterable[object]) -> int:
    """How many values hold a BSN in some spelling (for messages that must not show them)."""
    return sum(bool(find(v)) for v in values)


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
    """The keyed pseudonym of one BSN (any spelling: each spelling of a number gets the same pseudonym)."""
    number = normalise(bsn)
    if number is None:
        raise ValueError("not a BSN")  # callers pseudonymise only what find() recognised
    digest = hmac.new(key, number.encode(), hashlib.sha256).hexdigest()[:16]
    return f"ps-{key_id(key)}-{digest}"


def key_ids(values: pd.Series) -> set[str]:
    """Key ids of the pseudonyms among ``values``."""
    return {m.group(1) for v in values.astype(str) if (m := PSEUDONYM.match(v))}


__all__ = ["KEY_ENV", "REDACTED", "bsn_columns", "count_bsns", "find", "is_bsn", "key_id", "key_ids", "load_key",
           "normalise", "pseudonym", "redact"]
