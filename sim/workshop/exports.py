"""What participants take home: the settings as a scenario file ``mph run`` accepts, the results as Excel (values,
not formulas), and a one-page sheet (PDF or PNG). Everything is built in memory and handed to the browser as a
download, so nothing half-written is left on the server."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import yaml

import scenarios
from scenarios.domains import METHODS
from scenarios.scenario import Scenario
from sim.workshop import labels, views
from sim.workshop.controls import CONTROLS, scenario_overrides
from sim.workshop.simulate import Outcome

EXAMPLE_FILE = scenarios.bundled("example_municipality.yaml")


def base_reference(base_file: Path) -> str:
    """How an exported file ``extends:`` the workshop's base scenario so that ``mph run`` finds it from any folder:
    a bundled file by its bundled name, a user's file by its absolute path."""
    base_file = Path(base_file).resolve()
    if base_file.parent == scenarios.ROOT:
        return base_file.stem
    return str(base_file)


def _nest(overrides: dict[str, Any], source: str) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for dotted, value in overrides.items():
        *parents, leaf = dotted.split(".")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = {"value": value, "source": source}
    return tree


def scenario_yaml(base: Scenario, base_file: Path, values: dict[str, Any], today: dt.date | None = None) -> str:
    """A small scenario file: ``extends:`` the base scenario and sets only the levers the room changed."""
    today = today or dt.date.today()
    overrides = scenario_overrides(base, values)
    header = (f"# Exported by `mph workshop` on {today.isoformat()}: {base.name} with the settings of the room.\n"
              "# Run it with: mph run THIS_FILE.yaml  (same seed and settings give the same numbers)\n")
    tree = {"extends": base_reference(base_file), "name": f"{base.name} (workshop {today.isoformat()})",
            **_nest(overrides, f"workshop {today.isoformat()}: set by the room")}
    return header + yaml.safe_dump(tree, sort_keys=False, allow_unicode=True)


def _settings_rows(values: dict[str, Any], lang: str) -> list[tuple[str, str, Any]]:
    return [(c.path, labels.text(lang, c.path), values[c.path]) for c in CONTROLS]


def excel(outcome: Outcome, values: dict[str, Any], lang: str) -> bytes:
    """Workbook in the layout of :mod:`sim.reports.workbook`, in the room's language: the summary (per method and
    the paired difference: mean and band per measure), the measures (one row per replication, method and measure),
    the MKBA and its stakeholders, and the settings; labels first, machine codes last, every cell a value."""
    import pandas as pd

    from sim.reports import labels as L
    from sim.reports.bands import band_bounds, band_note, spread
    from sim.reports.summary import summary_sheet
    from sim.reports.workbook import add_sheet, settings_rows, workbook

    results, mkba = outcome.results, outcome.mkba
    scenario = results.scenario
    reps = results.measures["replication"].nunique()
    frame, kinds = summary_sheet(spread(results.measures), lang)
    measures = results.measures
    tidy = pd.DataFrame({L.column("method", lang): [L.method(m, lang, short=True) for m in measures["method"]],
                         L.column("measure", lang): [L.measure(m, lang) for m in measures["measure"]],
                         L.column("replication", lang): measures["replication"].astype(int),
                         L.column("value", lang): measures["value"],
                         f"{L.column('method', lang)} ({L.column('code', lang)})": measures["method"],
                         f"{L.column('measure', lang)} ({L.column('code', lang)})": measures["measure"]})
    per_rep = mkba.per_replication
    lines = [c for c in per_rep.columns if per_rep[c].notna().any()]
    bounds = [band_bounds(per_rep[c]) for c in lines]
    money = [L.mkba_unit(c, lang) == L.unit("eur_ncw", lang) or c == "break_even_fte_cost" for c in lines]
    mkba_frame = pd.DataFrame({L.column("outcome", lang): [L.mkba(c, lang) for c in lines],
                               L.column("unit", lang): [L.mkba_unit(c, lang) for c in lines],
                               L.column("mean", lang): [per_rep[c].mean() for c in lines],
                               L.text("band_low", lang): [lo for lo, _ in bounds],
                               L.text("band_high", lang): [hi for _, hi in bounds],
                               L.column("code", lang): lines})
    controls = [(label, _shown(value, lang, label) if isinstance(value, bool | str) else value, path)
                for path, label, value in _settings_rows(values, lang)]
    controls += [(L.setting(p, lang), v, p) for p, v in settings_rows(scenario.settings())]
    settings = pd.DataFrame(controls, columns=[L.column("setting", lang), L.column("value", lang),
                                               L.column("code", lang)])
    title = labels.text(lang, "sheet_title", name=scenario.name)
    buffer = io.BytesIO()
    with workbook(buffer) as book:
        add_sheet(book, L.text("sheet_summary", lang), frame, title=title,
                  notes=[L.text("interval_note", lang), band_note(reps, lang)], row_kinds=kinds)
        add_sheet(book, L.text("sheet_measures", lang), tidy, formats={L.column("replication", lang): "int"})
        add_sheet(book, L.text("sheet_mkba", lang), mkba_frame, title=labels.text(lang, "mkba_intro",
                  rate=L.number(mkba.rate_pct, lang), regime=outcome.regime), notes=[band_note(reps, lang)],
                  row_kinds=["eur" if m else "number" for m in money])
        add_sheet(book, L.text("sheet_settings", lang), settings, title=title)
    return buffer.getvalue()


A4_LANDSCAPE = (11.69, 8.27)  # inches: the sheet prints on A4 as docs/workshop.md says


def sheet(outcome: Outcome, values: dict[str, Any], lang: str, fmt: str) -> bytes:
    """One A4 page, landscape (``fmt`` 'pdf' or 'png'): settings, MKBA headline, escalations, costs by payer, who
    benefits."""
    scenario = outcome.results.scenario
    fig = plt.figure(figsize=A4_LANDSCAPE)
    try:
        grid = fig.add_gridspec(2, 2, hspace=0.55, wspace=0.55, left=0.17, right=0.98, top=0.88, bottom=0.1)
        fig.suptitle(labels.text(lang, "sheet_title", name=scenario.name), fontsize=13)
        ax = fig.add_subplot(grid[0, 0])
        ax.axis("off")
        lines = [labels.text(lang, "sheet_settings")]
        lines += [f"  {label}: {_shown(value, lang, label)}" for _, label, value in _settings_rows(values, lang)]
        lines += ["", *(f"{r.iloc[0]}: {r.iloc[2]} {r.iloc[1]}" for _, r in views.mkba_table(outcome, lang).iterrows())]
        ax.text(-0.2, 1.05, "\n".join(lines), va="top", family="monospace", fontsize=6.5, transform=ax.transAxes)
        views.escalation_bars(fig.add_subplot(grid[0, 1]), outcome, lang)
        views.costs_by_payer(fig.add_subplot(grid[1, 0]), outcome, lang)
        views.stakeholders(fig.add_subplot(grid[1, 1]), outcome, lang)
        for ax in fig.axes:
            ax.tick_params(labelsize=7)
            ax.title.set_fontsize(8)
            ax.xaxis.label.set_fontsize(7)
        fig.legend(handles=views.method_handles(lang), loc="lower center", ncol=len(METHODS), frameon=False,
                   fontsize=8)
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, dpi=150)
    finally:
        plt.close(fig)
    return buffer.getvalue()


def _shown(value: Any, lang: str, label: str = "") -> str:
    from sim.reports import labels as L

    if isinstance(value, bool):
        return labels.text(lang, "on" if value else "off")
    if label.endswith("(%)") and isinstance(value, float):
        return L.percent(value, lang, 0)  # the control holds a share, its label promises a percentage
    return str(value) if isinstance(value, int) else views.number(value, lang)
