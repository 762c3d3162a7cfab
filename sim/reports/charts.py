"""Charts a policy maker looks at before reading: both methods side by side, with their uncertainty."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from scenarios.domains import ESCALATIONS, METHOD_LABELS
from sim.measures import LABELS
from sim.reports.outputs import atomic_write

if TYPE_CHECKING:
    from sim.run import Results

COLOURS = {"verkokerd": "#b2182b", "1g1p1r": "#2166ac"}
ESCALATION_LABELS = {
    "eviction": "huisuitzetting",
    "shelter_entry": "maatschappelijke opvang",
    "out_of_home_placement": "uithuisplaatsing",
    "police_incident": "politie-incident",
    "intensive_care_episode": "intensieve zorg",
    "school_dropout": "schooluitval",
    "utility_cutoff": "afsluiting energie",
    "collection_case": "incassozaak",
}


def save_png(fig: plt.Figure, path: Path, dpi: int = 120) -> Path:
    """Write a figure as PNG atomically and close it."""
    atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format="png"))
    plt.close(fig)
    return path


def escalation_bars(summary: pd.DataFrame, path: Path) -> Path:
    """Escalations per year by type, both methods, with 5-95% intervals over replications."""
    methods = [m for m in ("verkokerd", "1g1p1r") if m in summary.index.get_level_values("method")]
    fig, ax = plt.subplots(figsize=(10, 4.8))
    x = np.arange(len(ESCALATIONS))
    width = 0.8 / max(len(methods), 1)
    for i, method in enumerate(methods):
        rows = summary.loc[method].reindex([f"{e}_per_year" for e in ESCALATIONS])
        err = np.vstack([rows["mean"] - rows["p5"], rows["p95"] - rows["mean"]])
        ax.bar(x + (i - (len(methods) - 1) / 2) * width, rows["mean"], width, yerr=err, capsize=3,
               color=COLOURS[method], label=METHOD_LABELS[method])
    ax.set_xticks(x, [ESCALATION_LABELS[e] for e in ESCALATIONS], rotation=25, ha="right")
    ax.set_ylabel("per jaar (gemiddelde, 5-95%)")
    ax.set_title("Escalaties per jaar: oude werkwijze en 1 gezin 1 plan 1 regisseur")
    ax.legend(frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return save_png(fig, path)


def escalations_over_time(yearly: pd.DataFrame, path: Path) -> Path:
    """Fan chart per escalation type: median and 5-95% band over replications, per year."""
    fig, axes = plt.subplots(2, 4, figsize=(14, 6), sharex=True)
    for ax, name in zip(axes.ravel(), ESCALATIONS, strict=True):
        data = yearly[yearly["measure"] == name]
        for method, group in data.groupby("method"):
            q = group.groupby("year")["value"].quantile([0.05, 0.5, 0.95]).unstack()
            ax.fill_between(q.index, q[0.05], q[0.95], color=COLOURS[method], alpha=0.2, linewidth=0)
            ax.plot(q.index, q[0.5], color=COLOURS[method], label=METHOD_LABELS[method])
        ax.set_title(ESCALATION_LABELS[name], fontsize=10)
        ax.grid(alpha=0.3)
    axes[0, 0].legend(frameon=False, fontsize=8)
    for ax in axes[1]:
        ax.set_xlabel("jaar")
    fig.suptitle("Escalaties per jaar in de tijd (mediaan en 5-95% over replicaties)")
    return save_png(fig, path)


def key_measures(summary: pd.DataFrame, path: Path) -> Path:
    """Reach, stabilisation, recidive, waiting and professionals per household, side by side."""
    names = ["households_reached", "households_stabilised", "recidive_share", "org_wait_weeks",
             "regisseur_wait_weeks", "professionals_per_household"]
    methods = [m for m in ("verkokerd", "1g1p1r") if m in summary.index.get_level_values("method")]
    fig, axes = plt.subplots(1, len(names), figsize=(16, 3.6))
    for ax, name in zip(axes, names, strict=True):
        for i, method in enumerate(methods):
            row = summary.loc[(method, name)]
            if np.isnan(row["mean"]):
                continue
            ax.bar(i, row["mean"], 0.6, yerr=[[row["mean"] - row["p5"]], [row["p95"] - row["mean"]]], capsize=3,
                   color=COLOURS[method])
        label, unit = LABELS[name]
        ax.set_title(f"{label}\n({unit})", fontsize=9)
        ax.set_xticks(range(len(methods)), methods)
        ax.grid(axis="y", alpha=0.3)
    return save_png(fig, path)


def costs_per_payer(summary: pd.DataFrame, path: Path) -> Path:
    """Yearly costs per payer under both methods (register prices), with 5-95% intervals."""
    methods = [m for m in ("verkokerd", "1g1p1r") if m in summary.index.get_level_values("method")]
    names = [m for m in summary.loc[methods[0]].index if m.startswith("cost_") and m != "cost_total_per_year"]
    fig, ax = plt.subplots(figsize=(10, 4.8))
    y = np.arange(len(names))
    height = 0.8 / max(len(methods), 1)
    for i, method in enumerate(methods):
        rows = summary.loc[method].reindex(names) / 1000.0
        err = np.vstack([rows["mean"] - rows["p5"], rows["p95"] - rows["mean"]])
        ax.barh(y + (i - (len(methods) - 1) / 2) * height, rows["mean"], height, xerr=err, capsize=3,
                color=COLOURS[method], label=METHOD_LABELS[method])
    ax.set_yticks(y, [LABELS[n][0].removeprefix("kosten ") for n in names])
    ax.invert_yaxis()
    ax.set_xlabel("kEUR per jaar (gemiddelde, 5-95%)")
    ax.set_title("Kosten per betaler")
    ax.legend(frameon=False)
    ax.grid(axis="x", alpha=0.3)
    return save_png(fig, path)


def write_all(results: Results, out_dir: Path) -> list[Path]:
    summary = results.summary()
    out_dir = Path(out_dir)
    return [
        escalation_bars(summary, out_dir / "escalaties_per_jaar.png"),
        escalations_over_time(results.yearly, out_dir / "escalaties_in_de_tijd.png"),
        key_measures(summary, out_dir / "kerncijfers.png"),
        costs_per_payer(summary, out_dir / "kosten_per_betaler.png"),
    ]
