"""Calibration outputs: posterior table and charts, the fit of each target, and a calibrated scenario file that
``mph run`` accepts (it ``extends:`` the base scenario and sets the calibrated values with their source)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import yaml

import scenarios
from calibration.config import Calibration, as_overrides
from scenarios.scenario import load_scenario
from sim.reports.charts import save_png
from sim.reports.outputs import atomic_target

INTERVAL = (0.05, 0.95)  # the 90% credible interval


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs: tuple[float, ...]) -> list[float]:
    """Quantiles of a weighted sample (pyabc particles carry importance weights)."""
    order = np.argsort(values)
    v, w = np.asarray(values)[order], np.asarray(weights)[order]
    cum = (np.cumsum(w) - 0.5 * w) / w.sum()
    return [float(np.interp(q, cum, v)) for q in qs]


def posterior_table(calibration: Calibration, particles: pd.DataFrame) -> pd.DataFrame:
    """Per parameter: posterior median, 90% credible interval, mean, and the prior it came from."""
    rows = []
    weights = particles["weight"].to_numpy()
    for name, prior in calibration.priors.items():
        values = particles[name].to_numpy()
        p5, median, p95 = weighted_quantiles(values, weights, (INTERVAL[0], 0.5, INTERVAL[1]))
        low, high = prior.bounds
        rows.append({"parameter": name, "median": median, "p5": p5, "p95": p95,
                     "mean": float(np.average(values, weights=weights)),
                     "prior": prior.model_dump(exclude={"source"}), "prior_p0.1": low, "prior_p99.9": high})
    return pd.DataFrame(rows)


def fit_table(calibration: Calibration, simulated: pd.DataFrame) -> pd.DataFrame:
    """Per target: observed value and sd next to the simulated median and 90% interval (posterior predictive, or
    the single run at a point estimate)."""
    rows = []
    weights = simulated["weight"].to_numpy() if "weight" in simulated else np.ones(len(simulated))
    for t in calibration.targets:
        values = simulated[t.key].to_numpy(dtype=float)
        ok = ~np.isnan(values)
        p5, median, p95 = (weighted_quantiles(values[ok], weights[ok], (INTERVAL[0], 0.5, INTERVAL[1])) if ok.any()
                           else [np.nan] * 3)
        rows.append({"target": t.key, "observed": t.value, "sd": t.sd, "weight": t.weight,
                     "simulated_median": median, "simulated_p5": p5, "simulated_p95": p95,
                     "z": (median - t.value) / t.sd, "source": t.source})
    return pd.DataFrame(rows)


def posterior_chart(calibration: Calibration, particles: pd.DataFrame, path: Path,
                    truth: dict[str, float] | None = None) -> Path:
    """Prior density and weighted posterior histogram per parameter (with the true value, when known)."""
    names = list(calibration.priors)
    fig, axes = plt.subplots(1, len(names), figsize=(4 * len(names), 3.2), squeeze=False)
    for ax, name in zip(axes[0], names, strict=True):
        prior = calibration.priors[name]
        low, high = prior.bounds
        grid = np.linspace(low, high, 200)
        ax.plot(grid, prior.frozen().pdf(grid), color="grey", label="prior")
        ax.hist(particles[name], weights=particles["weight"], bins=20, density=True, alpha=0.6, color="#2166ac",
                label="posterior")
        if truth and name in truth:
            ax.axvline(truth[name], color="#b2182b", label="true value")
        ax.set_title(name, fontsize=9)
        ax.legend(fontsize=7)
    return save_png(fig, path, dpi=110)


def fit_chart(fit: pd.DataFrame, path: Path) -> Path:
    """Each target: observed value with +-2 sd, and the simulated median with its 90% interval, in sd units."""
    fig, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * len(fit)))
    y = np.arange(len(fit))
    ax.errorbar(np.zeros(len(fit)), y, xerr=2, fmt="o", color="black", label="observed ± 2 sd")
    z = lambda col: (fit[col] - fit["observed"]) / fit["sd"]  # noqa: E731
    ax.errorbar(z("simulated_median"), y + 0.15, xerr=[z("simulated_median") - z("simulated_p5"),
                                                         z("simulated_p95") - z("simulated_median")],
                fmt="s", color="#2166ac", label="simulated (median, 90%)")
    ax.set_yticks(y, fit["target"], fontsize=8)
    ax.axvline(0, color="grey", lw=0.5)
    ax.set_xlabel("afwijking in standaarddeviaties van het doel")
    ax.legend(fontsize=7)
    return save_png(fig, path, dpi=110)


def _extends(base_path: Path, folder: Path) -> str:
    """How the calibrated file refers to its base: a bundled name, or a path relative to the file."""
    if base_path.resolve().parent == scenarios.ROOT:
        return base_path.stem
    return os.path.relpath(base_path.resolve(), folder.resolve())


def calibrated_scenario(calibration: Calibration, values: dict[str, float], path: Path, how: str) -> Path:
    """Write a scenario that extends the base and sets ``values``, each with source
    "calibrated: <config>, <date>"; checked by loading it back as ``mph run`` would."""
    source = f"calibrated ({how}): {calibration.path.name}, {dt.date.today().isoformat()}"
    tree: dict[str, Any] = {
        "extends": _extends(calibration.base_path, path.parent),
        "name": f"{calibration.base.name} (gekalibreerd: {calibration.spec.name})",
        "description": f"{calibration.base.name} with parameters calibrated by {calibration.path.name} ({how}).",
    }
    for dotted, value in as_overrides(calibration.base, values).items():
        node = tree
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = {"value": value if isinstance(value, int) else round(value, 6), "source": source}
    text = "# Written by `mph calibrate`: the base scenario with calibrated values.\n" + yaml.safe_dump(
        tree, sort_keys=False, allow_unicode=True)
    with atomic_target(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
        load_scenario(tmp)  # only a file `mph run` accepts is moved into place
    return path
