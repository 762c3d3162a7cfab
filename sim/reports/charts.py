"""Charts a policy maker looks at before reading: both methods side by side, with their uncertainty, in the words
and number format of the chosen language (Dutch by default).

Readable at a glance: tick labels that do not overlap (:func:`overlapping_labels` checks it), units in the axis
labels and money in thousands or millions of euros (never a ``1e7`` multiplier), and bands that say how many
replications they rest on: a 5%-95% band only from :data:`MIN_REPS_FOR_QUANTILES` replications up, below that the
lowest to the highest value, labelled as such.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from scenarios.domains import ESCALATIONS
from sim.reports import labels as L
from sim.reports.bands import MIN_REPS_FOR_QUANTILES, band_bounds, band_note, spread
from sim.reports.outputs import atomic_write

if TYPE_CHECKING:
    from sim.run import Results

# Methods are told apart by neutral colours; green and red are kept for better and worse (BETTER, WORSE).
COLOURS = {"verkokerd": "#7f7f7f", "1g1p1r": "#2166ac"}
BETTER, WORSE = "#1a9850", "#d73027"
ESCALATION_LABELS = {e: L.escalation(e) for e in ESCALATIONS}  # Dutch; L.escalation(e, lang) for others
__all__ = ["BETTER", "COLOURS", "ESCALATION_LABELS", "MIN_REPS_FOR_QUANTILES", "WORSE", "band_bounds", "band_note",
           "overlapping_labels", "save_png", "spread", "write_all"]
METHODS = ("verkokerd", "1g1p1r")


def save_png(fig: plt.Figure, path: Path, dpi: int = 120) -> Path:
    """Write a figure as PNG atomically and close it."""
    atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format="png"))
    plt.close(fig)
    return path


def _errors(rows: pd.DataFrame) -> np.ndarray:
    return np.vstack([(rows["mean"] - rows["lo"]).clip(lower=0), (rows["hi"] - rows["mean"]).clip(lower=0)])


def overlapping_labels(fig: plt.Figure) -> list[tuple[str, str]]:
    """Pairs of tick labels (on the same axis) whose drawn boxes overlap: a chart must have none."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    found = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in axis.get_ticklabels()
                     if t.get_visible() and t.get_text()]
            for i, (text_a, a) in enumerate(boxes):
                for text_b, b in boxes[i + 1:]:
                    if a.overlaps(b) and a.width > 0 and b.width > 0:
                        found.append((text_a, text_b))
    return found


def _methods(frame: pd.DataFrame) -> list[str]:
    present = set(frame.index.get_level_values("method"))
    return [m for m in METHODS if m in present]


# -- the charts of mph run -----------------------------------------------------------------------------------------
def _method_bars(stats: pd.DataFrame, names: list[str], ticks: list[str], scale: float, axis: str, title: str,
                 replications: int, lang: str, path: Path, height: float) -> Path:
    """Horizontal bars of ``names`` (labelled ``ticks``) for both methods with their band: the names stay level
    and readable however long; the legend below says what the band rests on."""
    methods = _methods(stats)
    fig, ax = plt.subplots(figsize=(10, height))
    y = np.arange(len(names))
    bar = 0.8 / max(len(methods), 1)
    for i, method in enumerate(methods):
        rows = stats.loc[method].reindex(names) / scale
        ax.barh(y + (i - (len(methods) - 1) / 2) * bar, rows["mean"], bar, xerr=_errors(rows), capsize=3,
                color=COLOURS[method], label=L.method(method, lang))
    ax.set_yticks(y, ticks)
    ax.invert_yaxis()
    ax.set_xlabel(axis)
    ax.xaxis.set_major_formatter(L.axis_formatter(lang))
    ax.set_title(title)
    ax.legend(frameon=False, title=band_note(replications, lang), title_fontsize=8, fontsize=9, ncol=2,
              loc="upper center", bbox_to_anchor=(0.5, -0.12))
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return save_png(fig, path)


def escalation_bars(stats: pd.DataFrame, path: Path, replications: int, lang: str = L.DEFAULT_LANG) -> Path:
    """Escalations per year by type, both methods, with the band over replications."""
    return _method_bars(stats, [f"{e}_per_year" for e in ESCALATIONS], [L.escalation(e, lang) for e in ESCALATIONS],
                        1.0, L.text("escalations_axis", lang), L.text("escalations_title", lang), replications, lang,
                        path, 5.5)


def escalations_over_time(yearly: pd.DataFrame, path: Path, lang: str = L.DEFAULT_LANG) -> Path:
    """Fan chart per escalation type: median and the band over replications, per year."""
    replications = yearly["replication"].nunique()
    fig, axes = plt.subplots(2, 4, figsize=(14, 6.5), sharex=True)
    for ax, name in zip(axes.ravel(), ESCALATIONS, strict=True):
        data = yearly[yearly["measure"] == name]
        for method, group in data.groupby("method"):
            by_year = group.groupby("year")["value"]
            bounds = by_year.apply(lambda v: pd.Series(band_bounds(v), index=["lo", "hi"])).unstack()
            median = by_year.median()
            if replications > 1:
                ax.fill_between(bounds.index, bounds["lo"], bounds["hi"], color=COLOURS[method], alpha=0.2,
                                linewidth=0)
            ax.plot(median.index, median, color=COLOURS[method], label=L.method(method, lang))
        ax.set_title(L.escalation(name, lang), fontsize=10)
        ax.yaxis.set_major_formatter(L.axis_formatter(lang))
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True, nbins=6))
        ax.grid(alpha=0.3)
    axes[0, 0].legend(frameon=False, fontsize=8)
    for ax in axes[1]:
        ax.set_xlabel(L.text("year", lang))
    axes[0, 0].set_ylabel(L.text("per_year", lang))
    axes[1, 0].set_ylabel(L.text("per_year", lang))
    fig.suptitle(f"{L.text('escalations_over_time_title', lang)}; {band_note(replications, lang)}")
    fig.tight_layout()
    return save_png(fig, path)


KEY_MEASURES = ("households_reached", "households_stabilised", "recidive_share", "org_wait_weeks",
                "regisseur_wait_weeks", "professionals_per_household")


def key_measures(stats: pd.DataFrame, path: Path, replications: int, lang: str = L.DEFAULT_LANG) -> Path:
    """Reach, stabilisation, recidive, waiting and professionals per household: one small chart each, in a grid
    wide enough for their titles; the methods are told apart by colour (legend), not by tick labels."""
    methods = _methods(stats)
    fig, axes = plt.subplots(2, 3, figsize=(12, 7))
    for ax, name in zip(axes.ravel(), KEY_MEASURES, strict=True):
        share = L.catalogue()["measure"][name].get("unit") == "share"
        scale = 100.0 if share else 1.0
        for i, method in enumerate(methods):
            if (method, name) not in stats.index or np.isnan(stats.loc[(method, name), "mean"]):
                continue
            row = stats.loc[[(method, name)]] * scale
            ax.bar(i, row["mean"], 0.6, yerr=_errors(row), capsize=3, color=COLOURS[method],
                   label=L.method(method, lang))
        unit = "%" if share else L.measure_unit(name, lang)
        ax.set_title(f"{L.measure(name, lang)}\n({unit})", fontsize=10)
        ax.set_xticks([])
        ax.set_xlim(-0.6, len(methods) - 0.4)
        ax.yaxis.set_major_formatter(L.axis_formatter(lang))
        ax.grid(axis="y", alpha=0.3)
    handles = [plt.Rectangle((0, 0), 1, 1, color=COLOURS[m]) for m in methods]
    fig.legend(handles, [L.method(m, lang) for m in methods], loc="lower center", ncol=len(methods), frameon=False)
    fig.suptitle(f"{L.text('key_measures_title', lang)}; {band_note(replications, lang)}")
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return save_png(fig, path)


def costs_per_payer(stats: pd.DataFrame, path: Path, replications: int, lang: str = L.DEFAULT_LANG) -> Path:
    """Yearly costs per payer under both methods (register prices), in thousands of euros, with the band."""
    methods = _methods(stats)
    names = [m for m in stats.loc[methods[0]].index if m.startswith("cost_") and m != "cost_total_per_year"]
    payers = [n.removeprefix("cost_").removesuffix("_per_year") for n in names]
    return _method_bars(stats, names, [L.payer(p, lang) for p in payers], 1000.0, L.text("costs_axis", lang),
                        L.text("costs_title", lang), replications, lang, path, 5.0)


def write_all(results: Results, out_dir: Path, lang: str = L.DEFAULT_LANG) -> list[Path]:
    stats = spread(results.measures)
    replications = results.measures["replication"].nunique()
    out_dir = Path(out_dir)
    return [
        escalation_bars(stats, out_dir / "escalaties_per_jaar.png", replications, lang),
        escalations_over_time(results.yearly, out_dir / "escalaties_in_de_tijd.png", lang),
        key_measures(stats, out_dir / "kerncijfers.png", replications, lang),
        costs_per_payer(stats, out_dir / "kosten_per_betaler.png", replications, lang),
    ]


def grouped_items(items: pd.Series, lang: str = L.DEFAULT_LANG, max_bars: int = 11) -> list[tuple[str, float]]:
    """Priced items (item key -> amount) as at most ``max_bars`` labelled bars, for a waterfall that a reader
    takes in at a glance (with the balance bar, a dozen): items per organisation grouped by their kind
    (all trajectories, all intake hours, ...), then the smallest groups folded into "other items". Largest
    first, the folded rest last."""
    grouped = items.groupby([L.item_group(str(k)) for k in items.index]).sum()
    grouped = grouped.reindex(grouped.abs().sort_values(ascending=False).index)
    if len(grouped) > max_bars:
        kept, rest = grouped.iloc[: max_bars - 1], grouped.iloc[max_bars - 1:]
        grouped = pd.concat([kept, pd.Series({"other": rest.sum()})])
    return [(L.item_group_label(str(key), lang), float(value)) for key, value in grouped.items()]
