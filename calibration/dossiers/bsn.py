"""Citizen service numbers (burgerservicenummer, BSN): recognised in any spelling, replaced by a keyed pseudonym on
ingest, never written anywhere.

A BSN has 9 digits and passes the eleven-test (elfproef): 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11
(checked with python-stdnum's ``stdnum.nl.bsn``). Exports spell them in many ways, and every spelling is
recognised, anywhere in a value: with dots, spaces, dashes or slashes (``1081.86.702``, ``108 186 702``,
``108/186/702``), with leading zeros lost (8 or 7 digits, as Excel or an integer column stores ``012345672`` or
``001000007``), as a float (``108186702.0``,
``1.08186702E+08``, as a Parquet column with gaps stores them), with letters before or after (``108186702A``).

Recognition is deliberately generous: about 1 in 11 arbitrary 7- to 9-digit numbers passes the eleven-test, and
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
import logging
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
# Digits joined by single separators a BSN is written with; ':' is left out: it joins times, not numbers
_RUN = re.compile(r"(?<!\d)\d+(?:[ .\-/]\d+)*(?!\d)")
_GROUP = re.compile(r"\d+")
# A whole value that is a number in float or scientific notation (a BSN stored in a float column)
_FLOAT = re.compile(r"[+-]?\d+(?:[.,]\d*)?(?:[eE][+-]?\d+)?")
# A mantissa in scientific notation ('4.108186702e+00', as pyabc logs a distance): its digits spell a float, and
# whether that float is a BSN is the float test's to say
_EXPONENT = re.compile(r"[eE][+-]?\d")
_LENGTHS = (7, 8, 9)  # 9 digits, or 7 or 8 where leading zeros were lost
# Dates (2013-01-07, 2013/1/7, 07-01-2013, 7.1.2013, 01/31/2013) are 6 to 8 digits with separators and would pass
# the eleven-test 1 in 11
_DAY, _MONTH = r"(0?[1-9]|[12]\d|3[01])", r"(0?[1-9]|1[0-2])"
_DATE = re.compile(rf"\d{{4}}([-/]){_MONTH}\1{_DAY}|{_DAY}([.\-/]){_MONTH}\4\d{{4}}|{_MONTH}/{_DAY}/\d{{4}}")


def _valid(digits: str) -> str | None:
    """The 9-digit BSN that ``digits`` (digits only) is, else None."""
    if len(digits) not in _LENGTHS:
        return None
    number = digits.zfill(9)
    return number if stdnum_bsn.is_valid(number) else None


def _spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, 9-digit BSN) of every BSN spelt in ``text``.

    Within a run of digit groups joined by separators ('2024-108186702', '/data/1081.86.702', two numbers side by
    side) the longest stretch of neighbouring groups that is a BSN is taken, from the left."""
    found = []
    for run in _RUN.finditer(text):
        if _EXPONENT.match(text, run.end()):
            continue
        groups = list(_GROUP.finditer(run.group()))
        i = 0
        while i < len(groups):
            last, digits = i, ""  # stretches longer than 9 digits cannot be a BSN: linear in the run's length
            while last < len(groups) and len(digits) + len(groups[last].group()) <= max(_LENGTHS):
                digits += groups[last].group()
                last += 1
            for j in range(last - 1, i - 1, -1):
                start, end = run.start() + groups[i].start(), run.start() + groups[j].end()
                number = _valid(digits)
                digits = digits[:len(digits) - len(groups[j].group())]
                if number and not _DATE.fullmatch(text[start:end]):
                    found.append((start, end, number))
                    i = j
                    break
            i += 1
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


class RedactingFilter(logging.Filter):
    """Redacts every BSN spelling from a log record: its message with the arguments filled in, and the text of an
    exception it carries. Never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_bsn_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: logging reports it; the raw parts are still redacted
            message = f"{record.msg} {record.args}"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record._bsn_redacted = True
        return True


_REDACTING = RedactingFilter()


def install_log_redaction() -> None:
    """Redact BSNs from everything the logging module records, from any logger (pyabc, Dask, Streamlit, ours).

    A filter on the root logger sees only records logged on the root logger itself: records of named loggers reach
    the root's handlers without passing its filters. So the filter is on the root logger and its handlers, and the
    record factory applies it as each record is made, which covers every logger and handlers added later."""
    root = logging.getLogger()
    if _REDACTING not in root.filters:
        root.addFilter(_REDACTING)
    for handler in root.handlers:
        if _REDACTING not in handler.filters:
            handler.addFilter(_REDACTING)
    make = logging.getLogRecordFactory()
    if getattr(make, "_redacts_bsn", False):
        return

    def redacted_record(*args: object, **kwargs: object) -> logging.LogRecord:
        record = make(*args, **kwargs)
        _REDACTING.filter(record)
        return record

    redacted_record._redacts_bsn = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(redacted_record)


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


__all__ = ["KEY_ENV", "REDACTED", "RedactingFilter", "bsn_columns", "count_bsns", "find", "install_log_redaction",
           "is_bsn", "key_id", "key_ids", "load_key", "normalise", "pseudonym", "redact"]
