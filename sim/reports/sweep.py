"""What a sweep writes: the tidy table (Parquet, CSV), per-point outcomes, heatmap and break-even of a grid,
sensitivity indices and tornado charts of a Morris or Sobol design."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiments.sweep import Sweep, parse_outcome
from sim.reports.charts import save_png
from sim.reports.outputs import atomic_write

MONEY_PREFIX = "mkba_"  # MKBA results are EUR: charts show them in kEUR


def outcome_per_point(table: pd.DataFrame, outcome: str) -> pd.Series:
    """Mean of ``outcome`` over replications, per design point (in point order)."""
    method, measure = parse_outcome(outcome)
    rows = table[(table["method"] == method) & (table["measure"] == measure)]
    return rows.groupby("point")["value"].mean()


def point_summary(sweep: Sweep, table: pd.DataFrame) -> pd.DataFrame:
    """Per design point: its settings and the mean, 5% and 95% quantile of each outcome over replications."""
    out = sweep.design_table().set_index("point")
    for outcome in sweep.spec.outcomes:
        method, measure = parse_outcome(outcome)
        values = table[(table["method"] == method) & (table["measure"] == measure)].groupby("point")["value"]
        out[f"{outcome}_mean"] = values.mean()
        out[f"{outcome}_p5"] = values.quantile(0.05)
        out[f"{outcome}_p95"] = values.quantile(0.95)
    return out.reset_index()


def _scale(outcome: str) -> tuple[float, str]:
    return (1000.0, "kEUR NCW") if parse_outcome(outcome)[1].startswith(MONEY_PREFIX) else (1.0, "")


def _axes(sweep: Sweep) -> tuple[str, str | None]:
    """The heatmap's x lever (the first with numeric levels, else the first) and y lever (the next one)."""
    levers = [f for f in sweep.levers if f.levels]
    numeric = [f for f in levers if all(isinstance(lv.label, int | float) for lv in f.levels)]
    x = (numeric or levers)[0]
    rest = [f for f in levers if f is not x]
    return x.name, (rest[0].name if rest else None)


def crossings(sweep: Sweep, table: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """Per level of the y lever: where the mean of ``outcome`` turns positive along the x lever (linear
    interpolation between grid values; empty when it never changes sign in the grid)."""
    x, y = _axes(sweep)
    method, measure = parse_outcome(outcome)
    rows = table[(table["method"] == method) & (table["measure"] == measure)]
    groups = rows.groupby(y, sort=False) if y else [("", rows)]
    found = []
    for level, group in groups:
        means = group.groupby(x)["value"].mean().sort_index()
        xs, ys = means.index.to_numpy(dtype=float), means.to_numpy()
        turns = [xs[i] + (xs[i + 1] - xs[i]) * -ys[i] / (ys[i + 1] - ys[i])
                 for i in range(len(xs) - 1) if ys[i] <= 0 < ys[i + 1]]
        found.append({"lever": y or "", "level": level, "outcome": outcome, "turns_positive_at": x,
                      "value": turns[0] if turns else np.nan,
                      "note": "" if turns else ("positive everywhere" if (ys > 0).all() else
                                                "negative everywhere" if (ys <= 0).all() else "turns negative")})
    return pd.DataFrame(found)


def heatmap(sweep: Sweep, table: pd.DataFrame, outcome: str, path: Path) -> Path:
    """Mean ``outcome`` over x lever x y lever (over replications and uncertainty draws), numbers in the cells."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import Normalize

    x, y = _axes(sweep)
    method, measure = parse_outcome(outcome)
    scale, unit = _scale(outcome)
    rows = table[(table["method"] == method) & (table["measure"] == measure)]
    grid = rows.groupby([y, x] if y else [x], sort=False)["value"].mean() / scale
    grid = grid.unstack(x) if y else grid.to_frame().T
    grid = grid.reindex(columns=[lv.label for lv in next(f for f in sweep.levers if f.name == x).levels])
    fig, ax = plt.subplots(figsize=(1.2 * grid.shape[1] + 3, 0.8 * grid.shape[0] + 1.8))
    data = grid.to_numpy(dtype=float)
    # symmetric around zero: red is always a loss, blue a gain
    extent = max(float(np.nanmax(np.abs(data))), 1e-9)
    image = ax.imshow(data, cmap="RdBu", norm=Normalize(-extent, extent), aspect="auto")
    for (i, j), value in np.ndenumerate(data):
        ax.text(j, i, f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}", ha="center", va="center", fontsize=9)
    ax.set_xticks(range(grid.shape[1]), [str(c) for c in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [str(i) for i in grid.index] if y else [""])
    ax.set_xlabel(x)
    ax.set_ylabel(y or "")
    fig.colorbar(image, ax=ax, label=f"{outcome} {unit}".strip())
    ax.set_title(f"{outcome} ({method}): gemiddelde over replicaties en onzekerheden")
    return save_png(fig, path)


def break_even_chart(sweep: Sweep, table: pd.DataFrame, outcome: str, path: Path) -> Path:
    """``outcome`` along the x lever per y level: mean and 5-95% band, the zero line and where it is crossed."""
    import matplotlib.pyplot as plt

    x, y = _axes(sweep)
    method, measure = parse_outcome(outcome)
    scale, unit = _scale(outcome)
    rows = table[(table["method"] == method) & (table["measure"] == measure)]
    fig, ax = plt.subplots(figsize=(9, 5))
    for level, group in (rows.groupby(y, sort=False) if y else [("", rows)]):
        q = group.groupby(x)["value"].agg(["mean", lambda v: v.quantile(0.05), lambda v: v.quantile(0.95)])
        q = q.sort_index() / scale
        line = ax.plot(q.index, q.iloc[:, 0], marker="o", label=str(level))[0]
        ax.fill_between(q.index, q.iloc[:, 1], q.iloc[:, 2], color=line.get_color(), alpha=0.15, linewidth=0)
    for _, row in crossings(sweep, table, outcome).dropna(subset=["value"]).iterrows():
        ax.axvline(row["value"], color="grey", linestyle=":", linewidth=1)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xlabel(x)
    ax.set_ylabel(f"{outcome} {unit}".strip())
    ax.set_title(f"Waar {outcome} positief wordt (gemiddelde en 5-95%)")
    if y:
        ax.legend(title=y, frameon=False)
    ax.grid(alpha=0.3)
    return save_png(fig, path)


def sensitivity_tables(sweep: Sweep, table: pd.DataFrame) -> pd.DataFrame:
    """SALib indices per outcome and factor (Morris or Sobol designs)."""
    from sim.experiments.sensitivity import analyse

    frames = []
    for outcome in sweep.spec.outcomes:
        y = outcome_per_point(table, outcome).reindex(range(len(sweep.points))).to_numpy()
        indices = analyse(sweep.spec.design, [f.name for f in sweep.factors], sweep.unit, y, sweep.spec.seed,
                          sweep.spec.morris_levels)
        frames.append(indices.reset_index().assign(outcome=outcome))
    return pd.concat(frames, ignore_index=True)


def write_outputs(sweep: Sweep, table: pd.DataFrame, out: Path, charts: bool = True) -> list[Path]:
    """The tidy table, per-point outcomes and the design's charts and tables."""
    from sim.experiments.sensitivity import tornado_chart

    written = [out / "sweep.parquet", out / "sweep.csv", out / "points.csv"]
    atomic_write(written[0], lambda tmp: table.to_parquet(tmp, index=False))
    atomic_write(written[1], lambda tmp: table.to_csv(tmp, index=False))
    atomic_write(written[2], lambda tmp: point_summary(sweep, table).to_csv(tmp, index=False))
    if sweep.spec.design == "grid" and sweep.levers:
        found = pd.concat([crossings(sweep, table, o) for o in sweep.spec.outcomes], ignore_index=True)
        atomic_write(out / "break_even.csv", lambda tmp: found.to_csv(tmp, index=False))
        written.append(out / "break_even.csv")
        if charts:
            for outcome in sweep.spec.outcomes:
                name = outcome.replace(":", "_")
                written.append(heatmap(sweep, table, outcome, out / f"heatmap_{name}.png"))
                written.append(break_even_chart(sweep, table, outcome, out / f"omslagpunt_{name}.png"))
    if sweep.spec.design in ("morris", "sobol"):
        indices = sensitivity_tables(sweep, table)
        atomic_write(out / "sensitivity.csv", lambda tmp: indices.to_csv(tmp, index=False))
        written.append(out / "sensitivity.csv")
        if charts:
            for outcome, group in indices.groupby("outcome", sort=False):
                name = outcome.replace(":", "_")
                written.append(tornado_chart(group.set_index("factor"), sweep.spec.design,
                                             f"Wat bepaalt {outcome}? ({sweep.spec.design})",
                                             out / f"tornado_{name}.png"))
    return written


__all__ = ["break_even_chart", "crossings", "heatmap", "outcome_per_point", "point_summary", "sensitivity_tables",
           "write_outputs"]
