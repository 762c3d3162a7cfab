"""Global sensitivity analysis with SALib (Morris elementary effects, Sobol indices) and a tornado chart.

Designs live on the unit cube: every factor (uncertainty or lever) is moved over its whole range (its
distribution's 0.1%-99.9% quantiles, or all its levels) by :class:`sim.experiments.design.Factor`, so the indices of
factors with different units compare directly: how much does the outcome move when this factor goes through
its range. SALib is imported inside the functions: ``mph --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from scenarios.errors import UserError

Method = Literal["morris", "sobol"]
# the index each method ranks factors by, and its confidence half-width
IMPORTANCE = {"morris": ("mu_star", "mu_star_conf"), "sobol": ("ST", "ST_conf")}


def problem(names: list[str]) -> dict:
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def design(method: Method, names: list[str], n: int, seed: int, levels: int = 4) -> np.ndarray:
    """Unit-cube design: Morris with ``n`` trajectories (n x (d+1) rows) or Sobol/Saltelli with base sample ``n``
    (a power of 2; n x (d+2) rows, first-order and total indices)."""
    if len(names) < 2:
        raise UserError(f"a {method} sensitivity analysis needs at least 2 uncertainties or levers, got {names}")
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem(names), n, num_levels=levels, seed=seed)
    if n < 2 or n & (n - 1):
        raise UserError(f"samples = {n}: a Sobol design needs a power of 2 (e.g. 64, 128, 256)")
    from SALib.sample import sobol

    return sobol.sample(problem(names), n, calc_second_order=False, seed=seed)


def analyse(method: Method, names: list[str], unit: np.ndarray, y: np.ndarray, seed: int,
            levels: int = 4) -> pd.DataFrame:
    """Indices per factor, most important first (column ``importance``: Morris mu*, Sobol total index)."""
    y = np.asarray(y, dtype=float)
    if not np.isfinite(y).all():
        raise UserError(f"the outcome is undefined at {int((~np.isfinite(y)).sum())} of {len(y)} design points "
                        "(e.g. a ratio with nothing to divide by); choose another outcome")
    if method == "morris":
        from SALib.analyze import morris

        result = morris.analyze(problem(names), unit, y, num_levels=levels, seed=seed)
        columns = ["mu", "mu_star", "sigma", "mu_star_conf"]
    else:
        from SALib.analyze import sobol

        result = sobol.analyze(problem(names), y, calc_second_order=False, seed=seed)
        columns = ["S1", "S1_conf", "ST", "ST_conf"]
    table = pd.DataFrame({c: np.asarray(result[c], dtype=float) for c in columns}, index=pd.Index(names, name="factor"))
    table["importance"] = table[IMPORTANCE[method][0]]
    return table.sort_values("importance", ascending=False)


def tornado_chart(indices: pd.DataFrame, method: Method, title: str, path: Path) -> Path:
    """Horizontal bars per factor, the most important on top, with confidence intervals."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sim.reports.charts import save_png

    value, conf = IMPORTANCE[method]
    rows = indices.iloc[::-1]
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(rows) + 1.6))
    y = np.arange(len(rows))
    if method == "sobol":
        ax.barh(y + 0.2, rows["ST"], 0.4, xerr=rows["ST_conf"], capsize=3, color="#2166ac", label="totaal (ST)")
        ax.barh(y - 0.2, rows["S1"], 0.4, xerr=rows["S1_conf"], capsize=3, color="#92c5de", label="eerste orde (S1)")
        ax.set_xlabel("Sobol-index (aandeel van de variantie)")
        ax.legend(frameon=False, loc="lower right")
    else:
        ax.barh(y, rows[value], 0.6, xerr=rows[conf], capsize=3, color="#2166ac")
        ax.set_xlabel("Morris mu* (gemiddeld absoluut effect over het bereik van de factor)")
    ax.set_yticks(y, rows.index)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(title)
    return save_png(fig, path)


__all__ = ["IMPORTANCE", "analyse", "design", "problem", "tornado_chart"]
