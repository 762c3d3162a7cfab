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

from scenarios.domains import ESCALATIONS
from scenarios.register import STAKEHOLDERS, Register, load_register
from scenarios.scenario import Scenario
from sim.experiments import design
from sim.experiments.batches import Context, Point, execute, make_batches
from sim.experiments.sweep import point_seed
from sim.measures import MEASURE_KEYS
from sim.reports import labels as L
from sim.reports.bands import MIN_REPS_FOR_QUANTILES, band_bounds, band_note

QUANTILES = {"p5": 0.05, "p25": 0.25, "median": 0.5, "p75": 0.75, "p95": 0.95}
# The MKBA results a comparison shows per scenario (method 'difference'), in the cockpit's order.
MKBA_KEYS = ("mkba_costs", "mkba_benefits", "mkba_balance", "mkba_benefit_cost_ratio",
             *(f"mkba_balance_{s}" for s in STAKEHOLDERS))
CHARTS = ("escalaties_waaier.png", "saldo_per_belanghebbende.png")


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


# --- the tables and charts a person reads -------------------------------------------------------------------------


def _groups(comparison: Comparison) -> dict[tuple[str, str, str], pd.Series]:
    """(scenario, method, measure) -> the values over replications."""
    return {key: values for key, values in comparison.measures.groupby(["scenario", "method", "measure"],
                                                                        sort=False)["value"]}


def _interval(values: pd.Series, lang: str, scale: float = 1.0) -> str:
    """'mean [band]' over replications, the band of :mod:`sim.reports.bands` (5%-95% from ten replications on,
    else the lowest to the highest value), in the language's number format."""
    lo, hi = band_bounds(values)
    mean, lo, hi = (L.number(v / scale, lang) for v in (values.mean(), lo, hi))
    return f"{mean} [{lo} – {hi}]"


def side_by_side(comparison: Comparison, lang: str = L.DEFAULT_LANG) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two tables for people, labelled from the catalogue: the MKBA (x EUR 1,000 NCW) per scenario, and per measure
    1g1p1r and its difference with the old method per scenario; each cell 'mean [band]'."""
    groups = _groups(comparison)
    names = comparison.names

    def cell(name: str, method: str, key: str, scale: float = 1.0) -> str:
        values = groups.get((name, method, key))
        return "–" if values is None else _interval(values, lang, scale)

    keys = [k for k in MKBA_KEYS if any((n, "difference", k) in groups for n in names)]
    mkba = pd.DataFrame({name: [cell(name, "difference", k, 1.0 if k.endswith("ratio") else 1000.0) for k in keys]
                         for name in names}, index=[L.outcome(k, lang) for k in keys])
    mkba.index.name = L.text("compare_mkba_heading", lang)
    measures = [m for m in MEASURE_KEYS if any((n, "1g1p1r", m) in groups for n in names)]
    columns = {(name, L.method(method, lang, short=True)): [cell(name, method, m) for m in measures]
               for name in names for method in ("1g1p1r", "difference")}
    table = pd.DataFrame(columns, index=[L.measure_with_unit(m, lang) for m in measures])
    table.index.name = L.column("measure", lang)
    return mkba, table


def fan_chart(comparison: Comparison, lang: str = L.DEFAULT_LANG) -> Any:
    """Escalations per year over time, per type: for each scenario under 1g1p1r the median with its band (5%-95%
    and 25%-75% from ten replications on, else the lowest to the highest value, as the title says); the old method
    of the first scenario as a grey dashed reference."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    colours = plt.get_cmap("tab10").colors
    reps = int(comparison.yearly["replication"].nunique())
    fig, axes = plt.subplots(2, 4, figsize=(15, 7), sharex=True)
    yearly = comparison.yearly
    for ax, escalation in zip(axes.ravel(), ESCALATIONS, strict=True):
        data = yearly[yearly["measure"] == escalation]
        reference = data[(data["scenario"] == comparison.names[0]) & (data["method"] == "verkokerd")]
        ax.plot(*_median(reference), color="grey", linestyle="--", label=L.method("verkokerd", lang))
        for i, name in enumerate(comparison.names):
            by_year = data[(data["scenario"] == name) & (data["method"] == "1g1p1r")].groupby("year")["value"]
            colour = colours[i % len(colours)]
            if reps >= MIN_REPS_FOR_QUANTILES:
                q = by_year.quantile([0.05, 0.25, 0.75, 0.95]).unstack()
                ax.fill_between(q.index, q[0.05], q[0.95], color=colour, alpha=0.12, linewidth=0)
                ax.fill_between(q.index, q[0.25], q[0.75], color=colour, alpha=0.3, linewidth=0)
            elif reps > 1:
                ax.fill_between(by_year.min().index, by_year.min(), by_year.max(), color=colour, alpha=0.2,
                                linewidth=0)
            median = by_year.median()
            ax.plot(median.index, median, color=colour, label=name)
        ax.set_title(L.escalation(escalation, lang), fontsize=10)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
        ax.yaxis.set_major_formatter(L.axis_formatter(lang))
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel(L.text("year", lang))
    for ax in axes[:, 0]:
        ax.set_ylabel(L.text("per_year", lang))
    axes[0, 0].legend(frameon=False, fontsize=7)
    bands = (L.text("out_fan_bands", lang, n=reps) if reps >= MIN_REPS_FOR_QUANTILES else band_note(reps, lang))
    fig.suptitle(f"{L.text('out_fan_title', lang)}; {bands}")
    fig.tight_layout()
    return fig


def _median(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    median = rows.groupby("year")["value"].median()
    return median.index.to_numpy(), median.to_numpy()


def stakeholder_bars(comparison: Comparison, lang: str = L.DEFAULT_LANG) -> Any:
    """MKBA balance in total and per stakeholder, per scenario (NCW, mean with its band), in thousands or millions
    of euros as the amounts need."""
    import matplotlib.pyplot as plt

    groups = _groups(comparison)
    keys = ["mkba_balance", *(f"mkba_balance_{s}" for s in STAKEHOLDERS)]
    stats = {(name, key): (values.mean(), *band_bounds(values)) for (name, method, key), values in groups.items()
             if method == "difference" and key in keys}
    scale, unit = L.money_scale([v for triple in stats.values() for v in triple])
    fig, ax = plt.subplots(figsize=(11, 5.5))
    n = len(comparison.names)
    y = np.arange(len(keys))
    height = 0.8 / n
    for i, name in enumerate(comparison.names):
        rows = np.array([stats.get((name, k), (np.nan,) * 3) for k in keys], dtype=float)
        mean, lo, hi = rows.T
        err = np.vstack([(mean - lo).clip(min=0), (hi - mean).clip(min=0)]) / scale
        ax.barh(y + (i - (n - 1) / 2) * height, mean / scale, height, xerr=err, capsize=2, label=name)
    ax.set_yticks(y, [L.text("out_balance_total", lang), *(L.payer(s, lang) for s in STAKEHOLDERS)])
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.8)
    ax.xaxis.set_major_formatter(L.axis_formatter(lang))  # the bars are already divided by scale
    reps = int(comparison.measures["replication"].nunique())
    ax.set_xlabel(L.text("out_balance_axis", lang, unit=L.unit(unit, lang), band=band_note(reps, lang)))
    ax.set_title(L.text("out_stakeholder_title", lang))
    ax.legend(frameon=False, fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def charts(comparison: Comparison, lang: str = L.DEFAULT_LANG) -> dict[str, tuple[Any, str]]:
    """File name -> (figure, caption)."""
    return {
        CHARTS[0]: (fan_chart(comparison, lang), L.text("out_fan_caption", lang)),
        CHARTS[1]: (stakeholder_bars(comparison, lang), L.text("out_stakeholder_caption", lang)),
    }


def describe(comparison: Comparison, lang: str = L.DEFAULT_LANG) -> list[str]:
    """What was run, in words."""
    first = comparison.scenarios[0]
    reps = int(comparison.measures["replication"].nunique())
    lines = [L.text("out_compare_run", lang, n=len(comparison.names), reps=reps, seed=first.seed,
                    years=first.horizon_years, rate=L.percent(comparison.rate_pct / 100, lang, 2)),
             L.text("out_compare_uncertain" if comparison.uncertain else "out_compare_point", lang),
             L.text("out_compare_illustrative", lang)]
    return lines


def _setting_value(value: Any, lang: str) -> str:
    """A scenario setting in words: yes/no, methods by their names, numbers in the language's format."""
    if isinstance(value, bool):
        return L.label("report", "word_yes" if value else "word_no", lang)
    if isinstance(value, int | float):
        return L.quantity(value, lang)
    if isinstance(value, list | tuple):
        return ", ".join(L.method(str(v), lang) if L.has("method", str(v)) else str(v) for v in value)
    return str(value)


def settings_table(comparison: Comparison, lang: str = L.DEFAULT_LANG) -> tuple[tuple[str, ...],
                                                                                  tuple[tuple[str, ...], ...]]:
    """The scenarios' settings side by side (header, rows), labelled from the catalogue."""
    from sim.reports.workbook import settings_rows

    per_scenario = [dict(settings_rows(s.settings())) for s in comparison.scenarios]
    paths = [p for p in per_scenario[0] if p not in ("scenario", "replications", "seed")]
    rows = tuple((L.setting(p, lang), *(_setting_value(values.get(p), lang) for values in per_scenario))
                 for p in paths)
    return (L.column("setting", lang), *comparison.names), rows


def _table(frame: pd.DataFrame) -> Any:
    """A labelled DataFrame (from :func:`side_by_side`) as a report table; two-level columns read 'a: b'."""
    from sim.reports.report_doc import Table

    header = [": ".join(c) if isinstance(c, tuple) else str(c) for c in frame.columns]
    return Table((str(frame.index.name), *header),
                 tuple((str(label), *map(str, row)) for label, row in zip(frame.index, frame.to_numpy(),
                                                                          strict=True)))


def comparison_document(comparison: Comparison, lang: str = L.DEFAULT_LANG,
                        charts_to: Path | None = None) -> Any:
    """The one report of ``mph compare`` (``OUT/vergelijking.html`` and ``--report``): the sections of every report
    (:func:`sim.reports.report_compare.compare_report`), then the MKBA per scenario with its band, the charts, every
    measure per scenario, what was run and the scenarios' settings. ``charts_to``: also write the charts as PNG
    files into that folder."""
    from sim.reports.outputs import atomic_write
    from sim.reports.report_compare import compare_report
    from sim.reports.report_doc import Bullets, Figure, Heading, Paragraph, Table, figure_png

    reps = int(comparison.measures["replication"].nunique())
    mkba, measures = side_by_side(comparison, lang)
    details: list[Any] = [Heading(L.label("report", "h_scenarios", lang)), _table(mkba),
                          Paragraph(f"{L.text('interval_note', lang)}; {band_note(reps, lang)}", "note")]
    for name, (figure, caption) in charts(comparison, lang).items():
        png = figure_png(figure, dpi=110)
        if charts_to is not None:
            atomic_write(Path(charts_to) / name, lambda tmp, data=png: Path(tmp).write_bytes(data))
        details.append(Figure(png, caption))
    header, rows = settings_table(comparison, lang)
    details += [Heading(L.text("out_measures_heading", lang)), _table(measures),
                Paragraph(f"{L.text('run_note', lang)}; {band_note(reps, lang)}", "note"),
                Heading(L.label("report", "h_about", lang)), Bullets(tuple(describe(comparison, lang))),
                Heading(L.text("out_settings_heading", lang)), Table(header, rows)]
    return compare_report(comparison, lang, details=details)


def labelled_summary(comparison: Comparison, lang: str = L.DEFAULT_LANG) -> pd.DataFrame:
    """``compare_summary.csv``: one row per scenario, method and measure, the labels first and the machine keys
    last (as ``mph run``'s summary.csv)."""
    frame = comparison.summary().reset_index()
    labels = pd.DataFrame({
        "method_label": [L.method(m, lang) for m in frame["method"]],
        "measure_label": [L.outcome(m, lang) for m in frame["measure"]],
        "unit": [L.outcome_unit(m, lang) for m in frame["measure"]]})
    return pd.concat([frame[["scenario"]], labels, frame.drop(columns=["scenario", "method", "measure"]),
                      frame[["method", "measure"]]], axis=1)


def write_report(comparison: Comparison, out: Path, html_path: Path | None = None,
                 lang: str = L.DEFAULT_LANG) -> list[Path]:
    """CSV tables, PNG charts and the self-contained HTML report (default ``out/vergelijking.html``): the same
    report as ``--report`` writes, without its PDF."""
    from sim.reports.html import render_document
    from sim.reports.outputs import atomic_write

    out = Path(out)
    written = [out / "compare_summary.csv", out / "compare_measures.csv"]
    atomic_write(written[0], lambda tmp: labelled_summary(comparison, lang).to_csv(tmp, index=False))
    atomic_write(written[1], lambda tmp: comparison.measures.to_csv(tmp, index=False))
    page = render_document(comparison_document(comparison, lang, charts_to=out))
    written += [out / name for name in CHARTS]
    html_path = Path(html_path or out / "vergelijking.html")
    atomic_write(html_path, lambda tmp: Path(tmp).write_text(page, encoding="utf-8"))
    written.append(html_path)
    return written


__all__ = ["Comparison", "charts", "compare", "comparison_document", "describe", "fan_chart", "labelled_summary",
           "settings_table", "side_by_side", "stakeholder_bars", "unique_names", "write_report"]
