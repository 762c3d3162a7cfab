"""Comparing scenarios side by side (``mph compare A.yaml B.yaml ...``): per measure and the MKBA, with intervals.

All scenarios run with the same seed and replication numbers (common random numbers): where two scenarios
describe the same town, their differences come from the choices, not from chance. With ``uncertain=True``
each replication also draws the scenarios' uncertainties (one Latin-hypercube draw per replication, the same
draw for the same parameter in every scenario), so the intervals cover parameter uncertainty as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scenarios.domains import ESCALATIONS, METHOD_LABELS
from scenarios.register import STAKEHOLDER_LABELS, STAKEHOLDERS, Register, load_register
from scenarios.scenario import Scenario
from sim.experiments import design
from sim.experiments.batches import Context, Point, execute, make_batches
from sim.experiments.sweep import point_seed
from sim.measures import LABELS
from sim.reports.report_text import text
from sim.reports.summary import format_number

QUANTILES = {"p5": 0.05, "p25": 0.25, "median": 0.5, "p75": 0.75, "p95": 0.95}
MKBA_ROWS = {
    "mkba_costs": "Totale kosten (extra uitgaven)",
    "mkba_benefits": "Totale baten (vermeden kosten)",
    "mkba_balance": "MKBA saldo",
    "mkba_benefit_cost_ratio": "Baten-kostenverhouding",
    **{f"mkba_balance_{s}": f"saldo {STAKEHOLDER_LABELS[s].lower()}" for s in STAKEHOLDERS},
}


@dataclass(frozen=True)
class Comparison:
    """Tidy results of every scenario: ``measures`` (scenario, replication, method, measure, value; the MKBA
    under method 'difference' as ``mkba_*``, EUR NCW) and ``yearly`` escalation counts per year."""

    names: list[str]
    scenarios: list[Scenario]
    measures: pd.DataFrame
    yearly: pd.DataFrame
    rate_pct: float
    uncertain: bool

    def summary(self) -> pd.DataFrame:
        """Per scenario, method and measure: mean and the 5, 25, 50, 75 and 95% quantiles over replications."""
        grouped = self.measures.groupby(["scenario", "method", "measure"], sort=False)["value"]
        out = pd.DataFrame({"mean": grouped.mean()})
        for name, q in QUANTILES.items():
            out[name] = grouped.quantile(q)
        return out


def unique_names(scenarios: Sequence[Scenario]) -> list[str]:
    """The scenarios' names, numbered where two are the same."""
    names = [s.name for s in scenarios]
    return [f"{n} ({i + 1})" if names.count(n) > 1 else n for i, n in enumerate(names)]


def _points(scenarios: Sequence[Scenario], replications: int, seed: int, uncertain: bool) -> list[Point]:
    if not uncertain:
        return [Point(i, i, {}, seed) for i in range(len(scenarios))]
    points = []
    for i, scenario in enumerate(scenarios):
        names = list(scenario.uncertainties)
        unit = design.latin_hypercube(names, replications, seed)
        for draw, (labels, values) in enumerate(design.settings(
                [design.Factor(n, distribution=scenario.uncertainties[n]) for n in names], unit)):
            points.append(Point(len(points), i, values, point_seed(seed, draw, common=False), labels))
    return points


def compare(scenarios: Sequence[Scenario], *, replications: int | None = None, years: int | None = None,
            seed: int | None = None, register: Register | None = None, rate_pct: float | None = None,
            uncertain: bool = False, client: Any = None, progress: bool = True) -> Comparison:
    """Run every scenario with both methods and price the difference (MKBA); see the module docstring."""
    from sim.mkba.cockpit import resolve_rate

    register = register if register is not None else load_register()
    rate_pct = rate_pct if rate_pct is not None else resolve_rate(register, None, None)[0]
    replications = replications or scenarios[0].replications
    seed = scenarios[0].seed if seed is None else seed
    if years is not None:
        scenarios = [s.with_overrides({"horizon_years": years}, "compare options") for s in scenarios]
    context = Context(tuple(scenarios), register, rate_pct, with_yearly=True)
    points = _points(scenarios, replications, seed, uncertain)
    tables = execute(context, make_batches(context, points, 1 if uncertain else replications), client,
                     progress=progress, desc="comparing")
    names = unique_names(scenarios)
    first = {}
    for p in points:
        first.setdefault(p.scenario, p.index)
    by_point = pd.DataFrame({"point": [p.index for p in points], "scenario": [names[p.scenario] for p in points],
                             "draw": [p.index - first[p.scenario] for p in points]})
    frames = {}
    for key, frame in tables.items():
        frame = frame.merge(by_point, on="point")
        if uncertain:  # one replication per draw: the draw numbers the replications
            frame["replication"] = frame["draw"]
        frames[key] = frame.drop(columns=["point", "draw"])
        frames[key].insert(0, "scenario", frames[key].pop("scenario"))
    return Comparison(names, list(scenarios), frames["measures"], frames["yearly"], rate_pct, uncertain)


def _cell(row: pd.Series, scale: float = 1.0) -> str:

    mean, p5, p95 = (format_number(row[key] / scale) for key in ("mean", "p5", "p95"))
    return f"{mean} [{p5} – {p95}]"


def side_by_side(comparison: Comparison) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two tables for people: the MKBA (kEUR NCW) per scenario, and per measure 1g1p1r and its difference with
    the old method per scenario; each cell 'mean [5% – 95%]'."""
    summary = comparison.summary()
    mkba = pd.DataFrame({name: [_cell(summary.loc[(name, "difference", key)],
                                      1.0 if key == "mkba_benefit_cost_ratio" else 1000.0) for key in MKBA_ROWS]
                         for name in comparison.names}, index=list(MKBA_ROWS.values()))
    mkba.index.name = "MKBA, NCW x € 1.000 (1g1p1r min verkokerd)"
    columns = {}
    for name in comparison.names:
        for method, label in (("1g1p1r", "1g1p1r"), ("difference", "verschil")):
            columns[(name, label)] = [_cell(summary.loc[(name, method, m)]) for m in LABELS]
    measures = pd.DataFrame(columns, index=[f"{label} ({unit})" for label, unit in LABELS.values()])
    measures.index.name = "maat"
    return mkba, measures


def fan_chart(comparison: Comparison) -> Any:
    """Escalations per year over time, per type: for each scenario under 1g1p1r the median with its P25-P75 and
    P5-P95 bands; the old method of the first scenario as a grey reference."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from sim.reports.charts import ESCALATION_LABELS

    colours = plt.get_cmap("tab10").colors
    fig, axes = plt.subplots(2, 4, figsize=(15, 7), sharex=True)
    yearly = comparison.yearly
    for ax, escalation in zip(axes.ravel(), ESCALATIONS, strict=True):
        data = yearly[yearly["measure"] == escalation]
        reference = data[(data["scenario"] == comparison.names[0]) & (data["method"] == "verkokerd")]
        ax.plot(*_median(reference), color="grey", linestyle="--", label=f"{METHOD_LABELS['verkokerd']}")
        for i, name in enumerate(comparison.names):
            rows = data[(data["scenario"] == name) & (data["method"] == "1g1p1r")]
            q = rows.groupby("year")["value"].quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack()
            colour = colours[i % len(colours)]
            ax.fill_between(q.index, q[0.05], q[0.95], color=colour, alpha=0.12, linewidth=0)
            ax.fill_between(q.index, q[0.25], q[0.75], color=colour, alpha=0.3, linewidth=0)
            ax.plot(q.index, q[0.5], color=colour, label=name)
        ax.set_title(ESCALATION_LABELS[escalation], fontsize=10)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel("jaar")
    axes[0, 0].legend(frameon=False, fontsize=7)
    fig.suptitle("Escalaties per jaar onder 1g1p1r: mediaan, 25-75% en 5-95% over replicaties")
    fig.tight_layout()
    return fig


def _median(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    median = rows.groupby("year")["value"].median()
    return median.index.to_numpy(), median.to_numpy()


def stakeholder_bars(comparison: Comparison) -> Any:
    """MKBA balance per stakeholder and scenario (kEUR NCW, mean with 5-95%)."""
    import matplotlib.pyplot as plt

    summary = comparison.summary()
    fig, ax = plt.subplots(figsize=(11, 5.5))
    n = len(comparison.names)
    y = np.arange(len(STAKEHOLDERS) + 1)
    keys = ["mkba_balance", *(f"mkba_balance_{s}" for s in STAKEHOLDERS)]
    height = 0.8 / n
    for i, name in enumerate(comparison.names):
        rows = pd.DataFrame([summary.loc[(name, "difference", k)] for k in keys]) / 1000.0
        err = np.vstack([rows["mean"] - rows["p5"], rows["p95"] - rows["mean"]])
        ax.barh(y + (i - (n - 1) / 2) * height, rows["mean"], height, xerr=err, capsize=2, label=name)
    ax.set_yticks(y, ["MKBA saldo (totaal)", *(STAKEHOLDER_LABELS[s] for s in STAKEHOLDERS)])
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("saldo NCW x € 1.000 (gemiddelde, 5-95%)")
    ax.set_title("Wie betaalt, wie profiteert: saldo per belanghebbende")
    ax.legend(frameon=False, fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def charts(comparison: Comparison) -> dict[str, tuple[Any, str]]:
    """File name -> (figure, caption)."""
    return {
        "escalaties_waaier.png": (fan_chart(comparison), "Escalaties per jaar in de tijd per scenario (waaier: "
                                  "mediaan, 25-75% en 5-95%); grijs gestreept: de oude werkwijze"),
        "saldo_per_belanghebbende.png": (stakeholder_bars(comparison), "MKBA-saldo per belanghebbende per "
                                         "scenario, NCW x € 1.000, gemiddelde met 5-95%"),
    }


def describe(comparison: Comparison) -> list[str]:
    """What was run, in words."""
    first = comparison.scenarios[0]
    reps = comparison.measures["replication"].nunique()
    lines = [f"{len(comparison.names)} scenario's, elk {reps} replicaties van beide werkwijzen op dezelfde "
             f"huishoudens (seed {first.seed}, gemeenschappelijke toevalsgetallen), {first.horizon_years} jaar; "
             f"MKBA tegen {comparison.rate_pct:g}% discontovoet."]
    if comparison.uncertain:
        lines.append("Elke replicatie trekt ook de onzekere parameters van de scenario's (Latin hypercube): de "
                     "intervallen omvatten toeval en parameteronzekerheid.")
    else:
        lines.append("Onzekere parameters staan op hun puntwaarde: de intervallen tonen alleen toeval "
                     "(gebruik --uncertain om ook de parameteronzekerheid mee te nemen).")
    lines.append(text("balance_meaning", "nl") + " Illustratieve scenario's bevatten geen gegevens van een echte "
                 "gemeente.")
    return lines


def write_report(comparison: Comparison, out: Path, html_path: Path | None = None) -> list[Path]:
    """CSV tables, PNG charts and the self-contained HTML report (default ``out/vergelijking.html``)."""
    from sim.reports.html import HtmlReport
    from sim.reports.outputs import atomic_write

    out = Path(out)
    mkba, measures = side_by_side(comparison)
    written = [out / "compare_summary.csv", out / "compare_measures.csv"]
    atomic_write(written[0], lambda tmp: comparison.summary().to_csv(tmp))
    atomic_write(written[1], lambda tmp: comparison.measures.to_csv(tmp, index=False))
    report = HtmlReport("Scenario's vergeleken: " + " | ".join(comparison.names))
    for line in describe(comparison):
        report.paragraph(line, note=True)
    report.heading("MKBA per scenario")
    report.table(mkba)
    for name, (figure, caption) in charts(comparison).items():
        atomic_write(out / name, lambda tmp, f=figure: f.savefig(tmp, format="png", dpi=110, bbox_inches="tight"))
        written.append(out / name)
        report.heading(caption.split(" (")[0].split(",")[0])
        report.figure(figure, caption)
    report.heading("Per maat: 1g1p1r en het verschil met de oude werkwijze")
    report.table(measures)
    report.heading("Scenario's")
    settings = pd.DataFrame({name: {k: str(v) for k, v in s.settings().items() if k not in ("replications", "seed")}
                             for name, s in zip(comparison.names, comparison.scenarios, strict=True)})
    report.table(settings)
    written.append(report.write(html_path or out / "vergelijking.html"))
    return written


__all__ = ["Comparison", "charts", "compare", "describe", "fan_chart", "side_by_side", "stakeholder_bars",
           "unique_names", "write_report"]
