"""The regression designs of effect measurement (statsmodels): propensity scores on the pre-period history, and
the event-study difference-in-differences with pre-period leads and cluster-robust errors.

Both work on the per-household table of :func:`calibration.effect.panel` and on quarterly escalation counts.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

QUARTER_DAYS = 365.25 / 4
LEADS = (-8, -7, -6, -5)  # quarters tested for parallel trends before the start
REFERENCE = (-4, -3, -2)  # the comparison base: the year before the start without its last quarter
SPIKE = -1  # the quarter before the start: where selection on a crisis shows; kept out of the base
MAX_POST = 12  # quarters after the start in the regression
TRIM = (0.1, 0.9)  # overlap: households with a propensity outside it are left out (Crump et al. 2009)


def propensity(covariates: pd.DataFrame, treated: np.ndarray) -> np.ndarray:
    """Probability of being in the 1g1p1r group given the pre-period history (logistic regression)."""
    import statsmodels.api as sm

    x = covariates.to_numpy(dtype=float)
    sd = x.std(axis=0)
    x = sm.add_constant((x[:, sd > 0] - x[:, sd > 0].mean(axis=0)) / sd[sd > 0], has_constant="add")
    model = sm.GLM(treated.astype(float), x, family=sm.families.Binomial())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # perfect separation is what the overlap check then reports
        # a light ridge (L2) keeps the fit finite when a covariate separates the groups completely
        fit = model.fit_regularized(alpha=1e-4, L1_wt=0.0)
    return np.asarray(model.predict(fit.params, x))


def att_weights(score: np.ndarray, treated: np.ndarray) -> np.ndarray:
    """Weights for the effect on the treated: 1 for a treated household, the odds e/(1-e) for a control; 0
    outside the overlap :data:`TRIM`."""
    inside = (score >= TRIM[0]) & (score <= TRIM[1])
    odds = np.divide(score, 1 - score, out=np.zeros_like(score), where=inside)
    return np.where(inside, np.where(treated, 1.0, odds), 0.0)


def quarterly(households: pd.DataFrame, events: pd.DataFrame, observed_from: pd.Timestamp) -> pd.DataFrame:
    """Escalations per household and complete quarter relative to its start (quarter 0 is the first after it),
    as a yearly rate; quarters before ``observed_from`` or after the end date are left out."""
    h = households.reset_index(drop=True)
    days_before = (h["start_date"] - observed_from).dt.days.to_numpy()
    days_after = (h["end_date"] - h["start_date"]).dt.days.to_numpy()
    first = np.maximum(-np.floor(days_before / QUARTER_DAYS), LEADS[0]).astype(int)
    last = np.minimum(np.floor(days_after / QUARTER_DAYS) - 1, MAX_POST - 1).astype(int)
    rows = np.repeat(np.arange(len(h)), np.maximum(last - first + 1, 0))
    quarter = np.concatenate([np.arange(a, b + 1) for a, b in zip(first, last, strict=True)]) if len(h) else rows
    esc = events.merge(pd.DataFrame({"household_id": h["household_id"], "row": np.arange(len(h)),
                                     "start_date": h["start_date"]}), on="household_id")
    # a quarter runs from just after start + k quarters to start + k + 1 quarters: the start day counts as before
    k = np.floor(((esc["date"] - esc["start_date"]).dt.days.to_numpy() - 1) / QUARTER_DAYS).astype(int)
    counts = pd.Series(1, index=pd.MultiIndex.from_arrays([esc["row"].to_numpy(), k])).groupby(level=[0, 1]).sum()
    key = pd.MultiIndex.from_arrays([rows, quarter])
    return pd.DataFrame({"row": rows, "quarter": quarter,
                         "rate": counts.reindex(key, fill_value=0).to_numpy() * 4.0})


@dataclass
class EventStudy:
    """The post-start effect (escalations per year), its interval, the leads and their joint test."""

    estimate: float
    ci_low: float
    ci_high: float
    leads: dict[int, float]
    leads_p: float
    spike: float


def event_study(quarters: pd.DataFrame, treated: np.ndarray, level: float = 0.95) -> EventStudy | None:
    """Two-way difference-in-differences in event time: household fixed effects, a common effect per quarter
    relative to the start, and for the 1g1p1r group one coefficient per lead quarter, one for the quarter before the
    start and one for all quarters after it; errors clustered by household. None without enough quarters."""
    import statsmodels.api as sm

    q = quarters[quarters["quarter"].isin(REFERENCE) | quarters["quarter"].isin((*LEADS, SPIKE))
                 | (quarters["quarter"] >= 0)]
    is_t = treated[q["row"].to_numpy()]
    columns = {f"q{k}": (q["quarter"] == k).to_numpy(float) for k in sorted(set(q["quarter"]) - set(REFERENCE))}
    names = {k: f"t{k}" for k in (*LEADS, SPIKE) if ((q["quarter"] == k) & is_t).sum() >= 5}
    columns |= {names[k]: ((q["quarter"] == k).to_numpy() & is_t).astype(float) for k in names}
    columns["post"] = ((q["quarter"] >= 0).to_numpy() & is_t).astype(float)
    x = pd.DataFrame(columns)
    if x["post"].sum() < 5 or not any(k in names for k in LEADS) or x.shape[0] <= x.shape[1]:
        return None
    groups = q["row"].to_numpy()
    # household fixed effects by the within transformation (exact for one set of fixed effects)
    y = q["rate"].to_numpy() - q.groupby("row")["rate"].transform("mean").to_numpy()
    x = x - x.groupby(groups).transform("mean")
    x = x.loc[:, x.abs().sum() > 0]
    fit = sm.OLS(y, x).fit(cov_type="cluster", cov_kwds={"groups": groups})
    low, high = fit.conf_int(1 - level).loc["post"]
    tested = [names[k] for k in LEADS if k in names and names[k] in x.columns]
    wald = fit.wald_test(np.eye(len(x.columns))[[list(x.columns).index(c) for c in tested]], scalar=True)
    return EventStudy(float(fit.params["post"]), float(low), float(high),
                      {k: float(fit.params[names[k]]) for k in LEADS if k in names and names[k] in x.columns},
                      float(wald.pvalue), float(fit.params.get(names.get(SPIKE, ""), np.nan)))
