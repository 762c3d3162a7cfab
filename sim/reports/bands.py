"""Bands over replications, said for what they are: a 5%-95% band only from :data:`MIN_REPS_FOR_QUANTILES`
replications up; below that the lowest to the highest value, and labelled so (:func:`band_note`). Charts, tables and
workbooks take their bands from here."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.reports import labels as L

MIN_REPS_FOR_QUANTILES = 10  # fewer replications than this give no 5%-95% band, only their range


def band_bounds(values: pd.Series | np.ndarray) -> tuple[float, float]:
    """The band of a set of replications: 5%-95% from :data:`MIN_REPS_FOR_QUANTILES` on, else lowest-highest."""
    data = pd.Series(values, dtype=float).dropna()
    if data.empty:
        return np.nan, np.nan
    if len(data) >= MIN_REPS_FOR_QUANTILES:
        return float(data.quantile(0.05)), float(data.quantile(0.95))
    return float(data.min()), float(data.max())


def band_note(replications: int, lang: str = L.DEFAULT_LANG) -> str:
    """What the bands of a chart are, for its caption or legend."""
    if replications <= 1:
        return L.text("mean_of", lang, n=replications)
    key = "band_from" if replications >= MIN_REPS_FOR_QUANTILES else "range_from"
    return L.text(key, lang, n=replications)


def spread(measures: pd.DataFrame) -> pd.DataFrame:
    """Per method and measure: mean and the band (``lo``, ``hi``) of :func:`band_bounds`, over replications; with
    both methods also their ``difference``, paired per replication."""
    if {"verkokerd", "1g1p1r"} <= set(measures["method"]):
        wide = measures.pivot_table(index=["replication", "measure"], columns="method", values="value",
                                    dropna=False)
        paired = (wide["1g1p1r"] - wide["verkokerd"]).rename("value").reset_index().assign(method="difference")
        measures = pd.concat([measures, paired], ignore_index=True)
    rows = []
    for (method, measure), group in measures.groupby(["method", "measure"], sort=False)["value"]:
        lo, hi = band_bounds(group)
        rows.append({"method": method, "measure": measure, "mean": group.mean(), "lo": lo, "hi": hi})
    return pd.DataFrame(rows).set_index(["method", "measure"])
