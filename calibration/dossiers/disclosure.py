"""Small-cell suppression: a count of fewer than 5 households is never shown, so nobody in a small group can be
singled out from a report."""

from __future__ import annotations

import pandas as pd

MIN_COUNT = 5
SUPPRESSED = "<5"


def shown(count: float) -> int | str:
    """A household count as a report may show it."""
    return SUPPRESSED if 0 < count < MIN_COUNT else int(count)


def suppress_column(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """A copy with the household counts in ``column`` suppressed under :data:`MIN_COUNT`."""
    out = frame.copy()
    out[column] = [shown(v) for v in out[column]]
    return out
