"""Summary statistics of a dossier, per group: the numbers calibration compares between the user's dossiers and
synthetic ones, with their sampling uncertainty from a seeded bootstrap over households.

Each statistic is a ratio of sums over the group's households (a mean when the denominator is the household
count), so the same definition serves real data, simulated data and their bootstrap.
"""

from __future__ import annotations

import warnings
from itertools import combinations

import numpy as np
import pandas as pd

from calibration.dossiers.disclosure import MIN_COUNT
from calibration.dossiers.schema import GROUPS, Dossier
from calibration.effect import YEAR_DAYS, escalation_rates

# statistic -> (numerator column, denominator column) of the per-household table
STATISTICS: dict[str, tuple[str, str]] = {
    "households": ("one", "unit"),
    "escalations_per_year": ("escalations_after", "years"),
    "escalations_year_before": ("escalations_before", "one"),
    "problems_baseline": ("problems_baseline", "one"),
    "problems_change": ("problems_change", "one"),
    "trajectories_per_year": ("trajectories_started", "years"),
    "trajectory_success_share": ("completed_success", "completed_known"),
    "debt_relief_success_share": ("finances_success", "finances_known"),
}
NAMES = tuple(f"{group}.{name}" for group in GROUPS for name in STATISTICS)


def household_table(dossier: Dossier) -> pd.DataFrame:
    """One row per household: its group and the sums the statistics are made of (events after its start)."""
    h = dossier.households
    rates = escalation_rates(h, dossier.events)
    years = (h["end_date"] - h["start_date"]).dt.days.to_numpy() / YEAR_DAYS
    ev = dossier.events.merge(h[["household_id", "start_date"]], on="household_id")
    ev = ev[ev["date"] > ev["start_date"]]
    completed = ev[ev["event"] == "trajectory_completed"]
    finances = completed[completed["domain"] == "finances"]

    def count(frame: pd.DataFrame) -> np.ndarray:
        return frame.groupby("household_id").size().reindex(h["household_id"], fill_value=0).to_numpy(dtype=float)

    end = h["problems_end"] if "problems_end" in h.columns else pd.Series(np.nan, index=h.index)
    return pd.DataFrame({
        "group": h["group"].to_numpy(),
        "one": 1.0,
        "unit": 1.0,
        "years": years,
        "escalations_after": rates["after"].fillna(0).to_numpy() * years,
        "escalations_before": rates["before"].to_numpy(),
        "problems_baseline": h["problems_baseline"].to_numpy(dtype=float),
        "problems_change": (end - h["problems_baseline"]).fillna(0).to_numpy(dtype=float),
        "trajectories_started": count(ev[ev["event"] == "trajectory_started"]),
        "completed_success": count(completed[completed["outcome"] == "success"]),
        "completed_known": count(completed[completed["outcome"] != ""]),
        # chapter 3.3's example: the share of debt-relief (finances) trajectories ending in financial stability
        "finances_success": count(finances[finances["outcome"] == "success"]),
        "finances_known": count(finances[finances["outcome"] != ""]),
    })


def _ratios(table: pd.DataFrame, idx: np.ndarray) -> dict[str, np.ndarray]:
    """Each statistic of one group for every row of resampling indices ``idx`` (B x n)."""
    out = {}
    for name, (num, den) in STATISTICS.items():
        top = table[num].to_numpy()[idx].sum(axis=1)
        bottom = table[den].to_numpy()[idx].sum(axis=1) if den != "unit" else np.ones(idx.shape[0])
        out[name] = np.divide(top, bottom, out=np.full(idx.shape[0], np.nan), where=bottom > 0)
    return out


def dossier_statistics(dossier: Dossier) -> dict[str, float]:
    """Every statistic per group, as ``"<group>.<statistic>"`` (NaN where a group has no households)."""
    table = household_table(dossier)
    out = {}
    for group in GROUPS:
        part = table[table["group"] == group].reset_index(drop=True)
        values = _ratios(part, np.arange(len(part))[None, :])
        out |= {f"{group}.{name}": float(v[0]) for name, v in values.items()}
    return out


def bootstrap_sd(dossier: Dossier, *, resamples: int = 200, seed: int = 1) -> dict[str, float]:
    """Standard deviation of each statistic over households resampled within their group (seeded)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 3]))
    table = household_table(dossier)
    out = {}
    for group in GROUPS:
        part = table[table["group"] == group].reset_index(drop=True)
        if part.empty:
            out |= {f"{group}.{name}": float("nan") for name in STATISTICS}
            continue
        values = _ratios(part, rng.integers(0, len(part), (resamples, len(part))))
        with warnings.catch_warnings():  # a statistic no resample defines has no sd: NaN, said by who reads it
            warnings.simplefilter("ignore", RuntimeWarning)
            out |= {f"{group}.{name}": float(np.nanstd(v, ddof=1)) for name, v in values.items()}
    return out


def too_few_behind(dossier: Dossier, names: list[str]) -> dict[str, str]:
    """The statistics among ``names`` (``"<group>.<statistic>"``) that would publish a value of 1-4 households
    (disclosure control), with why: one whose denominator comes from fewer than 5 households of its group (a success
    share over a few households' trajectories), and one whose denominator holds another's where the difference comes
    from 1-4 households (the two side by side give the share of those few)."""
    table = household_table(dossier)
    out: dict[str, str] = {}
    for name in names:
        group, statistic = name.split(".", 1)
        households = int((table.loc[table["group"] == group, STATISTICS[statistic][1]] > 0).sum())
        if 0 < households < MIN_COUNT:
            out[name] = f"it would rest on fewer than {MIN_COUNT} households of the {group} group"
    for first, second in combinations(names, 2):
        group = first.split(".", 1)[0]
        if second.split(".", 1)[0] != group:
            continue
        part = table[table["group"] == group]
        for big, small in ((first, second), (second, first)):
            outer, inner = (part[STATISTICS[n.split(".", 1)[1]][1]] for n in (big, small))
            beyond = int((outer - inner > 0).sum())
            if (inner <= outer).all() and 0 < beyond < MIN_COUNT:
                out.setdefault(big, f"beside {small} it would give away a statistic of fewer than {MIN_COUNT} "
                               f"households of the {group} group")
    return out
