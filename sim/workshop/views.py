"""The workshop's charts and tables, in the room's language: old method and 1g1p1r side by side.

Each chart draws into axes it is given, so the app shows it alone and the take-home sheet
(:mod:`sim.workshop.exports`) puts several on one page. Colours of the methods are those of :mod:`sim.reports.charts`.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

from scenarios.domains import ESCALATIONS, METHODS
from scenarios.register import STAKEHOLDERS
from sim.reports import labels as L
from sim.reports.charts import BETTER, COLOURS, WORSE, band_bounds, band_note
from sim.workshop import labels
from sim.workshop.model_view import STATES, Snapshot
from sim.workshop.simulate import Outcome

Axes = plt.Axes
OUTCOMES = ("households_stabilised", "recidive_share", "org_wait_weeks", "regisseur_wait_weeks",
            "professionals_per_household")
KEY_TABLE = ("households_reached", "households_stabilised", "recidive_share", "org_wait_weeks",
             "regisseur_wait_weeks", "professionals_per_household", "approach_intakes_per_year",
             *(f"{e}_per_year" for e in ESCALATIONS), "cost_total_per_year")
STATE_COLOURS = {"not_reached": "#d9d9d9", "no_help": "#fdae61", "stabilised": "#1a9850", "waiting": "#fee08b",
                 "organisations": "#b2182b", "aftercare": "#92c5de", "regisseur": "#2166ac", "homeless": "#000000"}


def png(draw: Callable[[plt.Figure], None], size: tuple[float, float]) -> bytes:
    """Draw a figure and return it as PNG bytes (the app caches these, keyed by the settings)."""
    fig = plt.figure(figsize=size)
    try:
        draw(fig)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    finally:
        plt.close(fig)
    return buffer.getvalue()


def _band(ax: Axes, table: pd.DataFrame, x: str, method: str) -> None:
    """Median line and band over replications of one method's ``value`` per ``x``: 5-95% from ten replications
    on, else lowest to highest (:func:`sim.reports.charts.band_bounds`); one replication draws no band."""
    by_x = table[table["method"] == method].groupby(x)["value"]
    colour = COLOURS[method]
    if table["replication"].nunique() > 1:
        bounds = by_x.apply(lambda v: pd.Series(band_bounds(v), index=["lo", "hi"])).unstack()
        ax.fill_between(bounds.index, bounds["lo"], bounds["hi"], color=colour, alpha=0.2, linewidth=0)
    median = by_x.median()
    ax.plot(median.index, median, color=colour)


def _replications(outcome: Outcome) -> int:
    return int(outcome.results.measures["replication"].nunique())


def _with_band(title: str, outcome: Outcome, lang: str) -> str:
    return f"{title}\n{band_note(_replications(outcome), lang)}"


def method_handles(lang: str) -> list[Patch]:
    return [Patch(color=COLOURS[m], label=labels.method(lang, m)) for m in METHODS]


def _legend(fig: plt.Figure, lang: str) -> None:
    fig.legend(handles=method_handles(lang), loc="lower center", ncol=len(METHODS), frameon=False,
               bbox_to_anchor=(0.5, -0.04))


def escalations_over_time(fig: plt.Figure, outcome: Outcome, lang: str) -> None:
    """A fan per escalation type: events per year, both methods, median and 5-95% over replications."""
    yearly = outcome.results.yearly
    axes = fig.subplots(2, 4, sharex=True)
    for ax, name in zip(axes.ravel(), ESCALATIONS, strict=True):
        for method in METHODS:
            _band(ax, yearly[yearly["measure"] == name], "year", method)
        ax.set_title(labels.escalation(lang, name), fontsize=10)
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(L.axis_formatter(lang))
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel(labels.text(lang, "year"))
    fig.suptitle(_with_band(labels.text(lang, "escalations_title"), outcome, lang))
    _legend(fig, lang)


def _interval_bars(ax: Axes, rows: dict[str, pd.DataFrame], names: list[str], horizontal: bool, lang: str,
                   scale: float = 1.0, colours: list[str] | None = None) -> None:
    """Grouped bars of the mean, with whiskers where the rows have a band (``lo``, ``hi``), one colour per method
    (``rows``: method -> rows by name), or per bar (``colours``)."""
    positions = np.arange(len(names))
    width = 0.8 / len(rows)
    for i, (method, table) in enumerate(rows.items()):
        table = table.reindex(names) / scale
        errors = (np.vstack([(table["mean"] - table["lo"]).clip(lower=0), (table["hi"] - table["mean"]).clip(lower=0)])
                  if "lo" in table else None)
        offset = positions + (i - (len(rows) - 1) / 2) * width
        colour = colours if colours is not None else COLOURS.get(method, "#4d4d4d")
        if horizontal:
            ax.barh(offset, table["mean"], width, xerr=errors, capsize=3, color=colour)
        else:
            ax.bar(offset, table["mean"], width, yerr=errors, capsize=3, color=colour)
    axis = ax.xaxis if horizontal else ax.yaxis
    axis.set_major_formatter(L.axis_formatter(lang))
    ax.grid(axis="x" if horizontal else "y", alpha=0.3)


def _by_method(outcome: Outcome) -> dict[str, pd.DataFrame]:
    """Per method: mean and band (lo, hi) of every measure over the replications."""
    from sim.reports.charts import spread

    stats = spread(outcome.results.measures)
    return {m: stats.loc[m] for m in METHODS}


def escalation_bars(ax: Axes, outcome: Outcome, lang: str) -> None:
    """Escalations per year by type over the horizon, both methods, with their band; horizontal, so that the
    names stay level and do not overlap."""
    names = [f"{e}_per_year" for e in ESCALATIONS]
    _interval_bars(ax, _by_method(outcome), names, True, lang)
    ax.set_yticks(range(len(names)), [labels.escalation(lang, e) for e in ESCALATIONS])
    ax.invert_yaxis()
    ax.set_xlabel(labels.text(lang, "per_year"))
    ax.set_title(_with_band(labels.text(lang, "escalation_bars_title"), outcome, lang), fontsize=10)


def costs_by_payer(ax: Axes, outcome: Outcome, lang: str) -> None:
    names = [f"cost_{payer}_per_year" for payer in STAKEHOLDERS]
    _interval_bars(ax, _by_method(outcome), names, True, lang, scale=1000.0)
    ax.set_yticks(range(len(names)), [labels.stakeholder(lang, p) for p in STAKEHOLDERS])
    ax.invert_yaxis()
    ax.set_xlabel(labels.text(lang, "costs_axis"))
    ax.set_title(_with_band(labels.text(lang, "costs_title"), outcome, lang), fontsize=10)


def outcomes(fig: plt.Figure, outcome: Outcome, lang: str) -> None:
    """Stabilisation, recidive, waiting times and professionals per household, side by side; titles wrapped so
    that neighbours do not overlap, shares in percent."""
    import textwrap

    by_method = _by_method(outcome)
    for ax, name in zip(fig.subplots(1, len(OUTCOMES)), OUTCOMES, strict=True):
        share = L.catalogue()["measure"][name].get("unit") == "share"
        _interval_bars(ax, by_method, [name], False, lang, scale=0.01 if share else 1.0)
        label, unit = labels.measure(lang, name)
        ax.set_title(textwrap.fill(label, 22) + f"\n({'%' if share else unit})", fontsize=9)
        ax.set_xticks([])
    fig.suptitle(_with_band(labels.text(lang, "outcomes_title"), outcome, lang))
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    _legend(fig, lang)


def waiting_over_time(fig: plt.Figure, outcome: Outcome, lang: str) -> None:
    """Households waiting at organisations and for a regisseur, and in the approach, week by week."""
    weekly = outcome.results.weekly.melt(id_vars=["replication", "method", "week"], var_name="series")
    series = ("org_waiting", "regisseur_queue", "in_approach")
    for ax, name in zip(fig.subplots(1, len(series), sharex=True), series, strict=True):
        for method in METHODS:
            _band(ax, weekly[weekly["series"] == name], "week", method)
        ax.set_title(labels.text(lang, name), fontsize=10)
        ax.set_xlabel(labels.text(lang, "week"))
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(L.axis_formatter(lang))
        ax.grid(alpha=0.3)
    fig.suptitle(_with_band(labels.text(lang, "waiting_title"), outcome, lang))
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    _legend(fig, lang)


def stakeholders(ax: Axes, outcome: Outcome, lang: str) -> None:
    """Who pays, who benefits: the MKBA balance per stakeholder with its band; green where a party gains, red
    where it pays."""
    per_rep = outcome.mkba.per_replication
    rows = pd.DataFrame([{"mean": per_rep[f"balance_{s}"].mean(),
                          **dict(zip(("lo", "hi"), band_bounds(per_rep[f"balance_{s}"]), strict=True))}
                         for s in STAKEHOLDERS], index=list(STAKEHOLDERS))
    colours = [BETTER if v >= 0 else WORSE for v in rows["mean"]]
    _interval_bars(ax, {"balance": rows}, list(STAKEHOLDERS), True, lang, scale=1000.0, colours=colours)
    ax.set_yticks(range(len(STAKEHOLDERS)), [labels.stakeholder(lang, s) for s in STAKEHOLDERS])
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(labels.text(lang, "stakeholders_axis"))
    ax.set_title(_with_band(labels.text(lang, "stakeholders_title"), outcome, lang), fontsize=10)


# --- tables -----------------------------------------------------------------------------------------


def number(value: float, lang: str) -> str:
    """A number as the room reads it (:func:`sim.reports.labels.number`): 12.189 and 2,25 in Dutch."""
    return L.number(value, lang)


def _cell(row: pd.Series, lang: str) -> str:
    if pd.isna(row["mean"]):
        return "–"
    return f"{number(row['mean'], lang)} [{number(row['lo'], lang)} – {number(row['hi'], lang)}]"


def band_caption(outcome: Outcome, lang: str) -> str:
    """What the [band] of the tables is: 5%-95%, or with few replications lowest to highest."""
    return band_note(_replications(outcome), lang)


def key_table(outcome: Outcome, lang: str) -> pd.DataFrame:
    """Measure, unit, and per method and their difference: mean [band]."""
    from sim.reports.charts import spread

    stats = spread(outcome.results.measures)
    columns = {m: labels.method(lang, m) for m in METHODS} | {"difference": labels.text(lang, "difference")}
    rows = []
    for name in KEY_TABLE:
        label, unit = labels.measure(lang, name)
        cells = {title: _cell(stats.loc[(method, name)], lang) for method, title in columns.items()}
        rows.append({labels.text(lang, "table_measure"): label, labels.text(lang, "table_unit"): unit, **cells})
    return pd.DataFrame(rows)


def total_escalations(outcome: Outcome) -> pd.Series:
    """Escalations of all types per year, mean over replications, per method."""
    measures = outcome.results.measures
    names = [f"{e}_per_year" for e in ESCALATIONS]
    chosen = measures[measures["measure"].isin(names)]
    return chosen.groupby(["method", "replication"])["value"].sum().groupby("method").mean()


def mkba_table(outcome: Outcome, lang: str) -> pd.DataFrame:
    """The MKBA's headline lines (x EUR 1,000 where money), mean [5% - 95%]."""
    per_rep = outcome.mkba.per_replication
    lines = {"costs": 1000.0, "benefits": 1000.0, "balance": 1000.0, "benefit_cost_ratio": 1.0, "payback_years": 1.0}
    names = {"costs": "mkba_costs", "benefits": "mkba_benefits", "balance": "mkba_balance",
             "benefit_cost_ratio": "mkba_bcr", "payback_years": "mkba_payback"}
    rows = []
    for key, scale in lines.items():
        lo, hi = band_bounds(per_rep[key])
        row = pd.Series({"mean": per_rep[key].mean(), "lo": lo, "hi": hi}) / scale
        cell = labels.text(lang, "not_within") if key == "payback_years" and pd.isna(row["mean"]) else _cell(row, lang)
        unit = labels.text(lang, "balance_keur") if scale > 1 else ""
        rows.append({labels.text(lang, "table_measure"): labels.text(lang, names[key]),
                     labels.text(lang, "table_unit"): unit, "": cell})
    return pd.DataFrame(rows)


# --- the live agent view ----------------------------------------------------------------------------


def agent_view(fig: plt.Figure, snapshots: dict[str, Snapshot], lang: str) -> None:
    """Households coloured by state under both methods, the regisseurs' caseloads, the organisations' queues."""
    grid = fig.add_gridspec(2, 2, height_ratios=[1.25, 1.0], hspace=0.35, wspace=0.4)
    cmap = ListedColormap([STATE_COLOURS[s] for s in STATES])
    for col, method in enumerate(METHODS):
        ax = fig.add_subplot(grid[0, col])
        state = snapshots[method].household_state
        side = math.ceil(math.sqrt(state.size * 1.5))
        cells = np.full(side * math.ceil(state.size / side), np.nan)
        cells[: state.size] = state
        ax.imshow(cells.reshape(-1, side), cmap=cmap, vmin=-0.5, vmax=len(STATES) - 0.5, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(labels.method(lang, method), fontsize=10, color=COLOURS[method])
    handles = [Patch(color=STATE_COLOURS[s], label=labels.text(lang, f"state.{s}")) for s in STATES]
    fig.legend(handles=handles, loc="center", ncol=4, frameon=False, fontsize=8, bbox_to_anchor=(0.5, 0.47))

    ax = fig.add_subplot(grid[1, 0])
    team = snapshots["1g1p1r"].regisseurs
    if team.empty:
        ax.text(0.5, 0.5, labels.text(lang, "no_regisseurs"), ha="center", va="center", transform=ax.transAxes)
    else:
        colours = np.where(team["experienced"], COLOURS["1g1p1r"], "#92c5de")
        ax.bar(team.index + 1, team["load"], color=colours)
        ax.scatter(team.index + 1, team["capacity"], marker="_", s=200, color="black",
                   label=labels.text(lang, "capacity"))
        ax.legend(handles=[Patch(color=COLOURS["1g1p1r"], label=labels.text(lang, "experienced")),
                           Patch(color="#92c5de", label=labels.text(lang, "in_training"))],
                  fontsize=8, frameon=False, loc="upper right", ncol=2)
        ax.set_ylim(0, 1.3 * max(team["capacity"].max(), team["load"].max()))
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_xlabel(labels.text(lang, "regisseur"))
    ax.set_title(labels.text(lang, "regisseurs_title"), fontsize=10)

    ax = fig.add_subplot(grid[1, 1])
    waiting = {m: snapshots[m].organisations.set_index("label")[["waiting"]].rename(columns={"waiting": "mean"})
               for m in METHODS}
    names = list(waiting[METHODS[0]].index)
    _interval_bars(ax, waiting, names, True, lang)
    ax.set_yticks(range(len(names)), names, fontsize=7)
    ax.invert_yaxis()
    ax.legend(handles=method_handles(lang), fontsize=7, frameon=False, loc="lower right")
    ax.set_xlabel(labels.text(lang, "households"))
    ax.set_title(labels.text(lang, "org_title"), fontsize=10)
