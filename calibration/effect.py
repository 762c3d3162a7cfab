"""Effect of 1g1p1r against a control group, from dossiers: naive before/after next to a matched
difference-in-differences, each with a seeded bootstrap confidence interval.

Outcomes per household, before and after its start date (events on the start date count as before: in the
dossier the start is the intake, and what happened that day led to it):

* ``escalations_per_year``: escalations in the year up to the start, against their yearly rate from the start to
  the end of follow-up;
* ``problems``: life domains with a problem at the start (``problems_baseline``) and at the end (``problems_end``),
  where the dossier has the latter.

Estimators, as chapter 3.3 of the e-book asks ("compare before and after, against a control group of comparable
households: the same number of problems"):

* naive before/after: the 1g1p1r group's mean change. Households enter when things go badly, so part of any
  improvement would have come anyway (regression to the mean, natural recovery);
* difference-in-differences, unmatched: the 1g1p1r group's mean change minus the control group's;
* difference-in-differences, matched on baseline problems: the same within strata of equal ``problems_baseline``,
  averaged with the 1g1p1r group's weights (the effect on the treated); strata without both groups are left out.

Intervals: households resampled with replacement within each group (seeded), percentile intervals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from calibration.dossiers.disclosure import MIN_COUNT, shown, suppress_column
from calibration.dossiers.schema import Dossier
from scenarios.domains import ESCALATIONS

YEAR_DAYS = 365.25
ESTIMATORS = {
    "naive_before_after": "naive before/after (1g1p1r group only)",
    "did_unmatched": "difference-in-differences, unmatched",
    "did_matched": "difference-in-differences, matched on baseline problems",
}
OUTCOMES = {"escalations_per_year": "escalaties per jaar", "problems": "leefgebieden met een probleem"}


def escalation_rates(households: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Per household: escalations per year in the year up to its start, and from its start to its end date."""
    esc = events[events["event"].isin(ESCALATIONS)].merge(
        households[["household_id", "start_date", "end_date"]], on="household_id")
    days = (esc["date"] - esc["start_date"]).dt.days
    before = esc[(days <= 0) & (days > -YEAR_DAYS)].groupby("household_id").size()
    after = esc[(days > 0) & (esc["date"] <= esc["end_date"])].groupby("household_id").size()
    ids = households["household_id"]
    years = (households["end_date"] - households["start_date"]).dt.days.to_numpy() / YEAR_DAYS
    return pd.DataFrame({
        "household_id": ids.to_numpy(),
        "before": before.reindex(ids, fill_value=0).to_numpy() / 1.0,
        "after": np.divide(after.reindex(ids, fill_value=0).to_numpy(), years, out=np.full(len(ids), np.nan),
                           where=years > 0),
    })


def panel(dossier: Dossier) -> dict[str, pd.DataFrame]:
    """Per outcome, one row per household: group, stratum (baseline problems), before, after."""
    h = dossier.households
    base = pd.DataFrame({"group": h["group"].to_numpy(), "stratum": h["problems_baseline"].to_numpy()})
    rates = escalation_rates(h, dossier.events)
    out = {"escalations_per_year": base.assign(before=rates["before"].to_numpy(), after=rates["after"].to_numpy())}
    if "problems_end" in h.columns and h["problems_end"].notna().any():
        out["problems"] = base.assign(before=h["problems_baseline"].to_numpy(dtype=float),
                                      after=h["problems_end"].to_numpy(dtype=float))
    return {name: frame.dropna(subset=["before", "after"]).reset_index(drop=True) for name, frame in out.items()}


def _stratum_sums(delta: np.ndarray, strata: np.ndarray, idx: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Counts and sums of ``delta`` per stratum for each bootstrap row of ``idx`` (shape B x n)."""
    b = idx.shape[0]
    flat = (np.arange(b)[:, None] * k + strata[idx]).ravel()
    counts = np.bincount(flat, minlength=b * k).reshape(b, k)
    sums = np.bincount(flat, weights=delta[idx].ravel(), minlength=b * k).reshape(b, k)
    return counts, sums


def _estimators(treated: pd.DataFrame, control: pd.DataFrame) -> Callable[[np.ndarray, np.ndarray], dict]:
    """A function of resampling indices (B x n per group) giving each estimator's B values."""
    levels = np.union1d(treated["stratum"], control["stratum"])
    st = np.searchsorted(levels, treated["stratum"])
    sc = np.searchsorted(levels, control["stratum"])
    dt_ = (treated["after"] - treated["before"]).to_numpy(dtype=float)
    dc = (control["after"] - control["before"]).to_numpy(dtype=float)
    k = len(levels)

    def estimate(it: np.ndarray, ic: np.ndarray) -> dict[str, np.ndarray]:
        nt, sum_t = _stratum_sums(dt_, st, it, k)
        nc, sum_c = _stratum_sums(dc, sc, ic, k)
        both = (nt > 0) & (nc > 0)
        did = np.where(both, sum_t / np.maximum(nt, 1) - sum_c / np.maximum(nc, 1), 0.0)
        weight = np.where(both, nt, 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            matched = (did * weight).sum(axis=1) / weight.sum(axis=1)
        naive = dt_[it].mean(axis=1)
        return {"naive_before_after": naive, "did_unmatched": naive - dc[ic].mean(axis=1), "did_matched": matched}

    return estimate


@dataclass
class Effect:
    """Estimates with intervals (``table``), the matching strata (``strata``, small counts suppressed), notes."""

    table: pd.DataFrame
    strata: pd.DataFrame
    notes: list[str]


def strata_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Households and mean change per baseline-problem stratum and group; counts under 5 suppressed, and their
    means not shown."""
    rows = []
    for stratum, part in frame.groupby("stratum"):
        row: dict[str, object] = {"problems_baseline": int(stratum)}
        for group in ("1g1p1r", "control"):
            g = part[part["group"] == group]
            row[f"households_{group}"] = len(g)
            change = (g["after"] - g["before"]).mean() if len(g) >= MIN_COUNT else np.nan
            row[f"mean_change_{group}"] = round(float(change), 4) if len(g) else np.nan
        rows.append(row)
    table = pd.DataFrame(rows)
    for group in ("1g1p1r", "control"):
        table = suppress_column(table, f"households_{group}")
    return table


def measure_effect(dossier: Dossier, *, bootstrap: int = 1000, seed: int = 1, level: float = 0.95) -> Effect:
    """Naive before/after, unmatched and matched difference-in-differences per outcome, with intervals."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 5]))
    rows, strata, notes = [], [], []
    tail = (1 - level) / 2
    for outcome, frame in panel(dossier).items():
        treated = frame[frame["group"] == "1g1p1r"].reset_index(drop=True)
        control = frame[frame["group"] == "control"].reset_index(drop=True)
        if len(treated) < MIN_COUNT or len(control) < MIN_COUNT:
            notes.append(f"{outcome}: fewer than {MIN_COUNT} households in a group; no estimate")
            continue
        estimate = _estimators(treated, control)
        point = estimate(np.arange(len(treated))[None, :], np.arange(len(control))[None, :])
        draws = estimate(rng.integers(0, len(treated), (bootstrap, len(treated))),
                         rng.integers(0, len(control), (bootstrap, len(control))))
        for name, label in ESTIMATORS.items():
            low, high = np.nanquantile(draws[name], [tail, 1 - tail])
            rows.append({"outcome": outcome, "estimator": name, "label": label, "estimate": float(point[name][0]),
                         "ci_low": float(low), "ci_high": float(high),
                         "households_1g1p1r": shown(len(treated)), "households_control": shown(len(control))})
        table = strata_table(frame)
        unmatched = frame[~frame["stratum"].isin(set(treated["stratum"]) & set(control["stratum"]))]
        if len(unmatched):
            notes.append(f"{outcome}: {shown(len(unmatched))} households in strata without the other group are "
                         "left out of the matched estimate")
        strata.append(table.assign(outcome=outcome))
    strata_df = pd.concat(strata, ignore_index=True) if strata else pd.DataFrame()
    return Effect(pd.DataFrame(rows), strata_df, notes)


def true_effect(dossier: Dossier, old_events: pd.DataFrame) -> dict[str, float]:
    """The 1g1p1r group's escalations per year after its start, minus the same households' under the old method
    (synthetic data only: real data has no counterfactual)."""
    h = dossier.households[dossier.households["group"] == "1g1p1r"]
    new = escalation_rates(h, dossier.events)["after"]
    old = escalation_rates(h, old_events)["after"]
    return {"escalations_per_year": float((new - old).mean()), "households_1g1p1r": len(h)}
