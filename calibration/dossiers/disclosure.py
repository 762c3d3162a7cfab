"""Small-cell suppression: a count of fewer than 5 households is never shown, so nobody in a small group can be
singled out from a report; where a total is known, a second cell is suppressed too, so that the hidden one cannot be
recovered by subtraction (secondary suppression)."""

from __future__ import annotations

import pandas as pd

MIN_COUNT = 5
SUPPRESSED = "<5"
HIDDEN = "x"  # a count of 5 or more not shown because it would reveal a suppressed one (as CBS tables mark it)


def shown(count: float) -> int | str:
    """A household count as a report may show it."""
    return SUPPRESSED if 0 < count < MIN_COUNT else int(count)


def suppress_column(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """A copy with the household counts in ``column`` suppressed under :data:`MIN_COUNT`."""
    out = frame.copy()
    out[column] = [shown(v) for v in out[column]]
    return out


def suppress_cells(counts: dict[str, int]) -> dict[str, int | str]:
    """Counts of groups that make up a known total (the rows of a dossier), each as a report may show it: those
    under :data:`MIN_COUNT` suppressed, and when that leaves one hidden cell, the smallest shown one as well
    (:data:`HIDDEN`)."""
    out: dict[str, int | str] = {name: shown(count) for name, count in counts.items()}
    hidden = [name for name, value in out.items() if value == SUPPRESSED]
    visible = sorted((count, name) for name, count in counts.items() if out[name] != SUPPRESSED and count > 0)
    if len(hidden) == 1 and visible:
        out[visible[0][1]] = HIDDEN
    return out
