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


def hidden_cells(counts: dict[str, int]) -> set[str]:
    """The cells of ``counts`` (groups making up a known total) a report must hide: those under :data:`MIN_COUNT`
    (primary), and then the smallest shown ones until the hidden cells hold at least :data:`MIN_COUNT` households
    together and are at least two (secondary). The total minus the shown cells then gives only the hidden cells'
    joint count, and a mean over all of them only their joint mean: a group of 5 or more, never a small one."""
    hidden = {name for name, count in counts.items() if 0 < count < MIN_COUNT}
    visible = sorted((count, name) for name, count in counts.items() if name not in hidden and count > 0)
    while hidden and visible and (len(hidden) < 2 or sum(counts[n] for n in hidden) < MIN_COUNT):
        hidden.add(visible.pop(0)[1])
    return hidden


def suppress_cells(counts: dict[str, int]) -> dict[str, int | str]:
    """Counts of groups that make up a known total (the rows of a dossier), each as a report may show it: those
    under :data:`MIN_COUNT` as :data:`SUPPRESSED`, those hidden to protect them as :data:`HIDDEN`
    (:func:`hidden_cells`)."""
    hidden = hidden_cells(counts)
    return {name: (shown(count) if name not in hidden or count < MIN_COUNT else HIDDEN)
            for name, count in counts.items()}


def few_apart(first: int, second: int) -> bool:
    """Whether two household counts differ by 1-4: shown side by side, they would give away those few households."""
    return 0 < abs(first - second) < MIN_COUNT


def differs_little(first: set[str], second: set[str]) -> bool:
    """Whether two sets of households differ by 1-4 either way or in size: shown side by side, their counts (or
    plain means over them) would give away those few households."""
    return (few_apart(len(first - second), 0) or few_apart(len(second - first), 0)
            or few_apart(len(first), len(second)))
