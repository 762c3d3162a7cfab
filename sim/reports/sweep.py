"""What a sweep writes: the tidy table (Parquet, CSV), per-point outcomes, heatmap and break-even of a grid,
sensitivity indices and tornado charts of a Morris or Sobol design."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiments.sweep import Sweep, parse_outcome
from sim.reports import labels as L
from sim.reports.bands import band_bounds, band_note
from sim.reports.charts import overlapping_labels, save_png
from sim.reports.outputs import atomic_write

MONEY_PREFIX = "mkba_"  # MKBA results are EUR: charts show them in thousands or millions of euros
GOOD_BAD = "RdYlGn"  # red (worse) to green (better); reversed where less is better


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


def scale_of(outcome: str, values: object = (0.0,), lang: str = L.DEFAULT_LANG) -> tuple[float, str]:
    """Divisor and unit words of an outcome on a chart: euros in thousands or millions (never a 1e7 multiplier)."""
    if parse_outcome(outcome)[1].startswith(MONEY_PREFIX):
        scale, unit_key = L.money_scale(values)
        return scale, f"{L.unit('eur_ncw', lang)} {L.unit(unit_key, lang)}"
    return 1.0, L.outcome_unit(outcome, lang)


def outcome_title(outcome: str, lang: str = L.DEFAULT_LANG) -> str:
    """An outcome as people read it: its label, and for a measure without a method that it is the difference."""
    method, measure = parse_outcome(outcome)
    words = L.outcome(measure, lang)
    if method == "difference" and not measure.startswith(MONEY_PREFIX):
        return f"{words} ({L.method('difference', lang, short=True)} 1g1p1r – verkokerd)"
    return words if method == "difference" else f"{words} ({L.method(method, lang, short=True)})"


def factor_label(name: str, lang: str = L.DEFAULT_LANG) -> str:
    """A lever or uncertainty by its label; a lever the sweep file names itself (``mandate``) keeps its name."""
    try:
        return L.parameter(name, lang)
    except L.MissingLabel:
        return name


def level_label(level: object, lang: str = L.DEFAULT_LANG) -> str:
    return L.quantity(level, lang) if isinstance(level, int | float) and not isinstance(level, bool) else str(level)


def _axes(sweep: Sweep) -> tuple[str, str | None]:
    """The heatmap's x lever (the first with numeric levels, else the first) and y lever (the next one)."""
    levers = [f for f in sweep.levers if f.levels]
    numeric = [f for f in levers if all(isinstance(lv.label, int | float) for lv in f.levels)]
    x = (numeric or levers)[0]
    rest = [f for f in levers if f is not x]
    return x.name, (rest[0].name if rest else None)


def crossings(sweep: Sweep, table: pd.DataFrame, outcome: str, lang: str = L.DEFAULT_LANG) -> pd.DataFrame:
    """Per level of the y lever: where the mean of ``outcome`` turns positive along the x lever (linear
    interpolation between grid values; empty when it never changes sign in the grid, with a note and the lowest and
    highest mean along the x lever)."""
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
        note = "" if turns else ("positive_everywhere" if (ys > 0).all() else
                                 "negative_everywhere" if (ys <= 0).all() else "turns_negative")
        found.append({"lever": y or "", "level": level, "outcome": outcome, "turns_positive_at": x,
                      "value": turns[0] if turns else np.nan, "note": note.replace("_", " "),
                      "lowest": float(np.min(ys)), "highest": float(np.max(ys)),
                      "toelichting": L.text(note, lang) if note else ""})
    return pd.DataFrame(found)


def heatmap(sweep: Sweep, table: pd.DataFrame, outcome: str, path: Path, lang: str = L.DEFAULT_LANG) -> Path:
    """Mean ``outcome`` over x lever x y lever (over replications and uncertainty draws), numbers in the cells;
    green is better and red worse (fewer evictions are green, a higher balance is green), a difference centred
    on zero."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import Normalize

    x, y = _axes(sweep)
    method, measure = parse_outcome(outcome)
    rows = table[(table["method"] == method) & (table["measure"] == measure)]
    scale, unit = scale_of(outcome, rows["value"], lang)
    grid = rows.groupby([y, x] if y else [x], sort=False)["value"].mean() / scale
    grid = grid.unstack(x) if y else grid.to_frame().T
    grid = grid.reindex(columns=[lv.label for lv in next(f for f in sweep.levers if f.name == x).levels])
    fig, ax = plt.subplots(figsize=(1.3 * grid.shape[1] + 4, 0.8 * grid.shape[0] + 2.2))
    data = grid.to_numpy(dtype=float)
    cmap = GOOD_BAD if L.higher_is_better(outcome) else f"{GOOD_BAD}_r"
    if method == "difference":  # symmetric around zero: the sign decides the colour
        extent = max(float(np.nanmax(np.abs(data))), 1e-9)
        norm = Normalize(-extent, extent)
    else:
        norm = Normalize(float(np.nanmin(data)), max(float(np.nanmax(data)), float(np.nanmin(data)) + 1e-9))
    image = ax.imshow(data, cmap=cmap, norm=norm, aspect="auto")
    for (i, j), value in np.ndenumerate(data):
        ax.text(j, i, L.number(value, lang), ha="center", va="center", fontsize=9)
    ax.set_xticks(range(grid.shape[1]), [level_label(c, lang) for c in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [level_label(i, lang) for i in grid.index] if y else [""])
    ax.set_xlabel(factor_label(x, lang))
    ax.set_ylabel(factor_label(y, lang) if y else "")
    bar = fig.colorbar(image, ax=ax, label=unit)
    bar.formatter = L.axis_formatter(lang)
    bar.update_ticks()
    ax.set_title(textwrap.fill(L.text("heatmap_title", lang, outcome=outcome_title(outcome, lang)), 70), fontsize=10)
    fig.tight_layout()
    return save_png(fig, path)


def break_even_chart(sweep: Sweep, table: pd.DataFrame, outcome: str, path: Path,
                     lang: str = L.DEFAULT_LANG) -> Path:
    """``outcome`` along the x lever per y level: mean and band over replications and draws (5-95% from ten on,
    else the range), the zero line and where it is crossed."""
    import matplotlib.pyplot as plt

    x, y = _axes(sweep)
    method, measure = parse_outcome(outcome)
    rows = table[(table["method"] == method) & (table["measure"] == measure)]
    scale, unit = scale_of(outcome, rows["value"], lang)
    fig, ax = plt.subplots(figsize=(9, 5))
    smallest = None
    for level, group in (rows.groupby(y, sort=False) if y else [("", rows)]):
        by_x = group.groupby(x)["value"]
        smallest = min(smallest or 10**9, int(by_x.size().min()))
        bounds = by_x.apply(lambda v: pd.Series(band_bounds(v), index=["lo", "hi"])).unstack().sort_index() / scale
        mean = by_x.mean().sort_index() / scale
        line = ax.plot(mean.index, mean, marker="o", label=level_label(level, lang))[0]
        ax.fill_between(bounds.index, bounds["lo"], bounds["hi"], color=line.get_color(), alpha=0.15, linewidth=0)
    for _, row in crossings(sweep, table, outcome, lang).dropna(subset=["value"]).iterrows():
        ax.axvline(row["value"], color="grey", linestyle=":", linewidth=1)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xlabel(factor_label(x, lang))
    ax.set_ylabel(f"{outcome_title(outcome, lang)}\n({unit})")
    ax.yaxis.set_major_formatter(L.axis_formatter(lang))
    ax.set_title(f"{L.text('breakeven_title', lang, outcome=outcome_title(outcome, lang))}\n"
                 f"{band_note(smallest or 0, lang)}", fontsize=10)
    if y:
        ax.legend(title=factor_label(y, lang), frameon=False)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return save_png(fig, path)


def tornado(indices: pd.DataFrame, method: str, outcome: str, path: Path, lang: str = L.DEFAULT_LANG,
            values: object = (0.0,)) -> Path:
    """Horizontal bars per factor, the most important on top, with confidence intervals: factors by their
    labels, Morris mu* in the outcome's unit (money in thousands or millions of euros), Sobol indices as shares."""
    import matplotlib.pyplot as plt

    from sim.experiments.sensitivity import IMPORTANCE

    value, conf = IMPORTANCE[method]
    rows = indices.iloc[::-1]
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(rows) + 1.8))
    positions = np.arange(len(rows))
    if method == "sobol":
        ax.barh(positions + 0.2, rows["ST"], 0.4, xerr=rows["ST_conf"], capsize=3, color="#2166ac",
                label=L.text("sobol_total", lang))
        ax.barh(positions - 0.2, rows["S1"], 0.4, xerr=rows["S1_conf"], capsize=3, color="#92c5de",
                label=L.text("sobol_first", lang))
        ax.set_xlabel(L.text("sobol_axis", lang))
        ax.legend(frameon=False, loc="lower right")
        ax.xaxis.set_major_formatter(L.axis_formatter(lang))
    else:
        scale, unit = scale_of(outcome, rows[value], lang)
        ax.barh(positions, rows[value] / scale, 0.6, xerr=rows[conf] / scale, capsize=3, color="#2166ac")
        ax.set_xlabel(L.text("morris_axis", lang, unit=unit))
        ax.xaxis.set_major_formatter(L.axis_formatter(lang))
    ax.set_yticks(positions, [factor_label(str(f), lang) for f in rows.index])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(L.text("tornado_title", lang, outcome=outcome_title(outcome, lang), design=method.capitalize()),
                 fontsize=10)
    fig.tight_layout()
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


def write_outputs(sweep: Sweep, table: pd.DataFrame, out: Path, charts: bool = True,
                  lang: str = L.DEFAULT_LANG) -> list[Path]:
    """The tidy table, per-point outcomes and the design's charts and tables, charts in ``lang``."""
    written = [out / "sweep.parquet", out / "sweep.csv", out / "points.csv"]
    atomic_write(written[0], lambda tmp: table.to_parquet(tmp, index=False))
    atomic_write(written[1], lambda tmp: table.to_csv(tmp, index=False))
    atomic_write(written[2], lambda tmp: point_summary(sweep, table).to_csv(tmp, index=False))
    if sweep.spec.design == "grid" and sweep.levers:
        found = pd.concat([crossings(sweep, table, o, lang) for o in sweep.spec.outcomes], ignore_index=True)
        atomic_write(out / "break_even.csv", lambda tmp: found.to_csv(tmp, index=False))
        written.append(out / "break_even.csv")
        if charts:
            for outcome in sweep.spec.outcomes:
                name = outcome.replace(":", "_")
                written.append(heatmap(sweep, table, outcome, out / f"heatmap_{name}.png", lang))
                written.append(break_even_chart(sweep, table, outcome, out / f"omslagpunt_{name}.png", lang))
    if sweep.spec.design in ("morris", "sobol"):
        indices = sensitivity_tables(sweep, table)
        atomic_write(out / "sensitivity.csv", lambda tmp: indices.to_csv(tmp, index=False))
        written.append(out / "sensitivity.csv")
        if charts:
            for outcome, group in indices.groupby("outcome", sort=False):
                name = outcome.replace(":", "_")
                values = outcome_per_point(table, outcome)
                written.append(tornado(group.set_index("factor"), sweep.spec.design, outcome,
                                       out / f"tornado_{name}.png", lang, values))
    return written


__all__ = [
    "break_even_chart",
    "crossings",
    "factor_label",
    "heatmap",
    "level_label",
    "outcome_per_point",
    "outcome_title",
    "overlapping_labels",
    "point_summary",
    "scale_of",
    "sensitivity_tables",
    "tornado",
    "write_outputs",
]
