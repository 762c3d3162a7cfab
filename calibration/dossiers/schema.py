"""The dossier schema: a households table and an events table, read from CSV or Parquet and checked per row.

``households``: one row per household in the experiment or the control group::

    household_id, group (1g1p1r | control), start_date, end_date, problems_baseline [, problems_end, case_type]

``events``: one row per dated event of a household: a trajectory offered, started or completed in a life domain
(ambulant or clinical, with its outcome when completed), or an escalation::

    household_id, date, event [, domain, care_type, outcome]

Dates are ISO (YYYY-MM-DD). Row numbers in reports count data rows from 1 (row 1 is line 2 of a CSV). A column of
citizen service numbers (BSN) is pseudonymised on reading (:mod:`calibration.dossiers.bsn`); columns outside the
schema are dropped on reading, so personal data in them (names, addresses) never travels further.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from calibration.dossiers import bsn
from scenarios.domains import DOMAINS, ESCALATIONS
from scenarios.errors import UserError
from sim.reports import labels as L
from sim.reports.outputs import atomic_write

GROUPS = ("1g1p1r", "control")
TRAJECTORY_EVENTS = ("trajectory_offered", "trajectory_started", "trajectory_completed")
EVENTS = (*TRAJECTORY_EVENTS, *ESCALATIONS)
CARE_TYPES = ("ambulant", "clinical")
OUTCOMES = ("success", "failure")
CASE_TYPES = ("light", "heavy", "mda")  # the case's weight at intake; mda: mandated care (a court order)
MAX_PROBLEMS = len(DOMAINS)

# column -> (required, what it holds); the documentation in docs/calibration.md follows these
HOUSEHOLD_COLUMNS: dict[str, tuple[bool, str]] = {
    "household_id": (True, "identifier of the household (or a BSN column, pseudonymised on reading)"),
    "group": (True, f"{' or '.join(GROUPS)}"),
    "start_date": (True, "start of the trajectory (1g1p1r: intake by the regisseur; control: first trajectory)"),
    "end_date": (True, "end of follow-up, on or after start_date"),
    "problems_baseline": (True, f"number of life domains with a problem at start_date, 0-{MAX_PROBLEMS}"),
    "problems_end": (False, f"number of life domains with a problem at end_date, 0-{MAX_PROBLEMS}"),
    "case_type": (False, f"{', '.join(CASE_TYPES)}: the case's weight at intake (in every row when given)"),
}
EVENT_COLUMNS: dict[str, tuple[bool, str]] = {
    "household_id": (True, "the household (as in the households table, or its BSN)"),
    "date": (True, "date of the event"),
    "event": (True, f"one of {', '.join(EVENTS)}"),
    "domain": (False, f"life domain, required for trajectory events: {', '.join(DOMAINS)}"),
    "care_type": (False, f"{' or '.join(CARE_TYPES)}, required for trajectory events"),
    "outcome": (False, f"{' or '.join(OUTCOMES)}, for trajectory_completed (empty if unknown)"),
}
SUFFIXES = (".csv", ".parquet", ".pq")


@dataclass
class Dossier:
    """Checked, typed dossier tables (BSNs already replaced by pseudonyms)."""

    households: pd.DataFrame
    events: pd.DataFrame
    notes: list[str] = field(default_factory=list)


@dataclass
class Check:
    """What reading and checking a dossier found: the dossier (None if a row is invalid) and the problems."""

    dossier: Dossier | None
    problems: list[str]
    notes: list[str]


# -- reading -----------------------------------------------------------------------------------------------------
def dossier_paths(path: Path, events: Path | None = None) -> tuple[Path, Path | None]:
    """(households file, events file or None) from a households file, or from a folder holding
    ``households.csv|parquet`` and optionally ``events.csv|parquet``."""
    path = Path(path)
    if path.is_dir():
        def first(stem: str) -> Path | None:
            return next((path / f"{stem}{s}" for s in SUFFIXES if (path / f"{stem}{s}").is_file()), None)

        households = first("households")
        if households is None:
            raise UserError(f"{path}: a dossier folder needs households.csv or households.parquet")
        return households, events if events is not None else first("events")
    if not path.is_file():
        raise UserError(f"dossier file not found: {path}")
    return path, events


def read_table(path: Path) -> pd.DataFrame:
    """A CSV (comma or semicolon separated) or Parquet table with every value as text ('' where empty)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UserError(f"{path}: unknown file type {suffix!r}; allowed: {', '.join(SUFFIXES)}")
    try:
        if suffix == ".csv":
            header = path.open(encoding="utf-8-sig").readline()
            sep = ";" if header.count(";") > header.count(",") else ","
            return pd.read_csv(path, dtype=str, keep_default_na=False, sep=sep, encoding="utf-8-sig")
        frame = pd.read_parquet(path)
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as err:
        raise UserError(f"{path}: cannot read as {suffix[1:]}: {bsn.redact(str(err))}") from None
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    return frame.astype(object).where(frame.notna(), "").astype(str)


# -- checking ----------------------------------------------------------------------------------------------------
class _Rows:
    """Collects per-row problems of one table: 'FILE: row N: column: message'."""

    def __init__(self, path: Path, lang: str) -> None:
        self.path = path
        self.lang = lang
        self.lines: list[tuple[int, str]] = []

    def add(self, row: int, column: str, problem: str, **params: object) -> None:
        """Problem ``problem`` (a key of the catalogue's ``dossier`` texts) in 1-based ``row``."""
        message = L.text(f"dossier_{problem}", self.lang, **params)
        where = L.text("dossier_where", self.lang, path=self.path, row=row, column=column)
        self.lines.append((row, f"{where}: {message}"))

    def flag(self, mask: np.ndarray | pd.Series, column: str, problem: str, values: pd.Series,
             **params: object) -> None:
        for i in np.flatnonzero(np.asarray(mask)):
            self.add(int(i) + 1, column, problem, value=_quote(values.iloc[i]), **params)

    def sorted(self) -> list[str]:
        return [line for _, line in sorted(self.lines, key=lambda item: item[0])]


def _quote(value: str) -> str:
    value = bsn.redact(str(value))
    return repr(value if len(value) <= 40 else value[:37] + "...")


def _schema(frame: pd.DataFrame, path: Path, columns: dict[str, tuple[bool, str]], what: str, lang: str) -> list[str]:
    """Whole-file problems: required columns missing. Returns notes on columns dropped."""
    missing = [c for c, (required, _) in columns.items() if required and c not in frame.columns]
    if missing:
        need = "; ".join(f"{c}: {desc}" for c, (req, desc) in columns.items() if req)
        raise UserError(f"{path}: not a dossier {what} table: missing column(s) {', '.join(missing)} "
                        f"(required: {need})")
    extra = [str(c) for c in frame.columns if c not in columns]
    if not extra:
        return []
    return [L.text("dossier_note_ignored", lang, path=path, columns=", ".join(extra), what=what)]


# Columns checked against a closed set of values (dates, counts, categories): a BSN there makes the row invalid and
# its message redacted. Every other column (the identifier, columns outside the schema) may carry free text.
TYPED_COLUMNS = frozenset((set(HOUSEHOLD_COLUMNS) | set(EVENT_COLUMNS)) - {"household_id"})


def _pseudonymise(frame: pd.DataFrame, path: Path, key: bytes | None, rows: _Rows) -> tuple[pd.DataFrame, list[str]]:
    """Replace every value that could be a BSN, in any free-text column, by its pseudonym before anything else
    reads it."""
    found = bsn.bsn_columns(frame, [c for c in frame.columns if c not in TYPED_COLUMNS])
    if not found:
        return frame, []
    names = ", ".join(f"{c!r} ({why})" for c, why in found.items())
    if key is None:
        raise UserError(f"{path}: column {names} holds citizen service numbers (BSN) in "
                        f"{max(bsn.count_bsns(frame[c]) for c in found)} row(s); they are pseudonymised on "
                        f"reading with a key only you hold: give it with --key-file FILE or ${bsn.KEY_ENV} "
                        "(it is never stored)")
    frame = frame.copy()
    for column, why in found.items():
        values = frame[column].astype(str).str.strip()
        numbers = values.map(bsn.find)
        if why == "by name":
            rows.flag((values != "") & (numbers.map(len) == 0), column, "not_bsn", values)
        rows.flag(numbers.map(len) > 1, column, "two_bsns", values)

        def replaced(value: str, found_in_value: list[str], by_name: bool = why == "by name") -> str:
            if len(found_in_value) == 1:
                return bsn.pseudonym(found_in_value[0], key)
            # a value without a BSN stays in a column recognised by its values (ordinary identifiers beside BSNs);
            # the rest (no BSN in a BSN column, two BSNs in one value) is reported above and not kept
            return "" if found_in_value or by_name else value

        pseudonyms = [replaced(v, n) for v, n in zip(values, numbers, strict=True)]
        if column == "household_id" or "household_id" not in frame.columns:
            frame["household_id"] = pseudonyms
        if column != "household_id":
            frame = frame.drop(columns=column)
    return frame, [L.text("dossier_note_pseudonymised", rows.lang, path=path, columns=names, key_id=bsn.key_id(key))]


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values.str.strip(), format="%Y-%m-%d", errors="coerce")


def _counts(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.str.strip(), errors="coerce")


def _check_households(frame: pd.DataFrame, rows: _Rows) -> pd.DataFrame:
    ids = frame["household_id"].astype(str).str.strip()
    rows.flag(ids == "", "household_id", "empty", ids)
    first = {}
    for i, value in enumerate(ids):
        if value and value in first:
            rows.add(i + 1, "household_id", "same_as_row", first=first[value] + 1)
        first.setdefault(value, i)
    group = frame["group"].str.strip()
    rows.flag(~group.isin(GROUPS), "group", "allowed", group, allowed=", ".join(GROUPS))
    start, end = _dates(frame["start_date"]), _dates(frame["end_date"])
    for column, parsed in (("start_date", start), ("end_date", end)):
        rows.flag(parsed.isna(), column, "not_a_date", frame[column])
    rows.flag(start.notna() & end.notna() & (end < start), "end_date", "before_start", frame["end_date"])
    typed = pd.DataFrame({"household_id": ids, "group": group, "start_date": start, "end_date": end})
    for column in ("problems_baseline", "problems_end"):
        if column not in frame.columns:
            continue
        text = frame[column].astype(str).str.strip()
        count = _counts(text)
        optional = column == "problems_end"
        bad = ~((count >= 0) & (count <= MAX_PROBLEMS) & (count == count.round()))
        if optional:
            bad &= text != ""
        rows.flag(bad, column, "domains", text, most=MAX_PROBLEMS)
        typed[column] = count
    if "case_type" in frame.columns:
        case = frame["case_type"].astype(str).str.strip().str.lower()
        rows.flag(~case.isin(CASE_TYPES), "case_type", "case_type", frame["case_type"], allowed=", ".join(CASE_TYPES))
        typed["case_type"] = case
    return typed


def _check_events(frame: pd.DataFrame, rows: _Rows, household_ids: set[str]) -> pd.DataFrame:
    ids = frame["household_id"].astype(str).str.strip()
    rows.flag(~ids.isin(household_ids), "household_id", "unknown_household", ids)
    date = _dates(frame["date"])
    rows.flag(date.isna(), "date", "not_a_date", frame["date"])
    event = frame["event"].str.strip()
    rows.flag(~event.isin(EVENTS), "event", "allowed", event, allowed=", ".join(EVENTS))
    optional = {c: (frame[c].astype(str).str.strip() if c in frame.columns else pd.Series([""] * len(frame)))
                for c in ("domain", "care_type", "outcome")}
    trajectory = event.isin(TRAJECTORY_EVENTS)
    domain, care, outcome = optional["domain"], optional["care_type"], optional["outcome"]
    rows.flag(trajectory & (domain == ""), "domain", "required", domain)
    rows.flag((domain != "") & ~domain.isin(DOMAINS), "domain", "allowed", domain, allowed=", ".join(DOMAINS))
    rows.flag(trajectory & ~care.isin(CARE_TYPES), "care_type", "required_allowed", care,
              allowed=", ".join(CARE_TYPES))
    rows.flag((outcome != "") & ~((event == "trajectory_completed") & outcome.isin(OUTCOMES)), "outcome",
              "outcome", outcome, allowed=", ".join(OUTCOMES))
    return pd.DataFrame({"household_id": ids, "date": date, "event": event, "domain": domain, "care_type": care,
                         "outcome": outcome})


def _key_consistency(tables: list[tuple[Path, pd.Series]], key: bytes | None) -> None:
    """Pseudonyms made under another key than the one given (or two keys mixed) would silently not link."""
    found = {path: bsn.key_ids(ids) for path, ids in tables}
    ids = set().union(*found.values())
    if key is not None:
        wrong = {str(p): sorted(k - {bsn.key_id(key)}) for p, k in found.items() if k - {bsn.key_id(key)}}
        if wrong:
            where = "; ".join(f"{p} (key id {', '.join(k)})" for p, k in wrong.items())
            raise UserError(f"wrong pseudonymisation key: {where} was pseudonymised with another key than the one "
                            f"given (key id {bsn.key_id(key)}); use the key those pseudonyms were made with")
    elif len(ids) > 1:
        raise UserError(f"the dossier mixes pseudonyms made with different keys (key ids {', '.join(sorted(ids))}); "
                        "pseudonymise every table with the same key")


def check_dossier(households: Path, events: Path | None = None, key: bytes | None = None, lang: str = "en") -> Check:
    """Read and check a dossier; every problem names the file, the row, the column and what is allowed (in ``lang``:
    ``mph data check`` speaks Dutch by default)."""
    households, events = dossier_paths(households, events)
    h_rows = _Rows(households, lang)
    raw, notes = _pseudonymise(read_table(households), households, key, h_rows)
    notes += _schema(raw, households, HOUSEHOLD_COLUMNS, "households", lang)
    h = _check_households(raw, h_rows)
    if h.empty:
        raise UserError(f"{households}: the households table has no rows (only a header): nothing to check")
    problems = h_rows.sorted()
    tables = [(households, h["household_id"])]
    if events is not None:
        e_rows = _Rows(events, lang)
        raw_events, bsn_notes = _pseudonymise(read_table(events), events, key, e_rows)
        notes += bsn_notes + _schema(raw_events, events, EVENT_COLUMNS, "events", lang)
        e = _check_events(raw_events, e_rows, set(h["household_id"]))
        tables.append((events, e["household_id"]))
        problems += e_rows.sorted()
    else:
        e = pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "date" else str) for c in EVENT_COLUMNS})
    _key_consistency(tables, key)
    if problems:
        return Check(None, problems, notes)
    h["problems_baseline"] = h["problems_baseline"].astype(int)
    return Check(Dossier(h, e, notes), [], notes)


def load_dossier(households: Path, events: Path | None = None, key: bytes | None = None) -> Dossier:
    """A checked dossier, or a :class:`UserError` listing the invalid rows (the first 20)."""
    check = check_dossier(households, events, key)
    if check.dossier is None:
        shown = check.problems[:20]
        more = len(check.problems) - len(shown)
        tail = f"\n... and {more} more (run `mph data check` for all)" if more else ""
        raise UserError("the dossier has invalid rows:\n" + "\n".join(shown) + tail)
    return check.dossier


# -- writing -----------------------------------------------------------------------------------------------------
def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
    return out


def assert_pseudonymised(frame: pd.DataFrame, path: Path) -> None:
    """Refuse to write ``path`` while a free-text column of ``frame`` still holds a number passing the eleven-test
    (the last guard: whatever went before, no BSN is written to a file labelled pseudonymised)."""
    for column in frame.columns:
        if column in TYPED_COLUMNS or pd.api.types.is_datetime64_any_dtype(frame[column]):
            continue
        if count := bsn.count_bsns(frame[column]):
            raise UserError(f"{path}: not written: column {column!r} still holds {count} value(s) that pass the "
                            "eleven-test (citizen service numbers); the output would not be pseudonymised")


def write_dossier(dossier: Dossier, folder: Path, fmt: str = "csv", *, pseudonymised: bool = True) -> list[Path]:
    """``households.<fmt>`` and ``events.<fmt>`` in ``folder``, each written atomically. Tables said to be
    ``pseudonymised`` (all but made-up teaching data) are refused while they hold a BSN."""
    if fmt not in ("csv", "parquet"):
        raise UserError(f"--format {fmt!r}: allowed: csv, parquet")
    written = []
    for name, frame in (("households", dossier.households), ("events", dossier.events)):
        path = Path(folder) / f"{name}.{fmt}"
        if pseudonymised:
            assert_pseudonymised(frame, path)
        text = _as_text(frame)
        if fmt == "csv":
            atomic_write(path, lambda tmp, t=text: t.to_csv(tmp, index=False))
        else:
            atomic_write(path, lambda tmp, t=text: t.to_parquet(tmp, index=False))
        written.append(path)
    return written


__all__ = ["CARE_TYPES", "CASE_TYPES", "EVENTS", "EVENT_COLUMNS", "GROUPS", "HOUSEHOLD_COLUMNS", "OUTCOMES",
           "TRAJECTORY_EVENTS", "Check", "Dossier", "assert_pseudonymised", "check_dossier", "dossier_paths",
           "load_dossier", "read_table", "write_dossier"]
