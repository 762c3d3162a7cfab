"""What participants take home: the settings as a scenario file ``mph run`` accepts, the results as Excel (values,
not formulas), and a one-page sheet (PDF or PNG). Everything is built in memory and handed to the browser as a
download, so nothing half-written is left on the server."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import yaml

import scenarios
from scenarios.domains import METHODS
from scenarios.scenario import Scenario
from sim.measures import LABELS
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
    """Workbook with sheets settings, summary (mean, p5, p95 per method and measure, and the paired difference),
    measures (one row per replication, method and measure), mkba and stakeholders; every cell a value."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})

    sheet = book.add_worksheet("settings")
    sheet.write_row(0, 0, ["control", "label", "value"], bold)
    for row, (path, label, value) in enumerate(_settings_rows(values, lang), start=1):
        sheet.write_row(row, 0, [path, label, json.dumps(value) if isinstance(value, bool) else value])
    row += 2
    for key, value in outcome.results.scenario.settings().items():
        sheet.write_row(row, 0, [key, "", json.dumps(value) if isinstance(value, dict | list) else value])
        row += 1
    sheet.set_column(0, 1, 40)

    sheet = book.add_worksheet("summary")
    sheet.write_row(0, 0, ["method", "measure", "label", "unit", "mean", "p5", "p95"], bold)
    for row, ((method, measure), stats) in enumerate(outcome.results.summary().iterrows(), start=1):
        label, unit = labels.measure(lang, measure) if measure in LABELS else (measure, "")
        sheet.write_row(row, 0, [method, measure, label, unit])
        sheet.write_row(row, 4, [None if stats[c] != stats[c] else float(stats[c]) for c in ("mean", "p5", "p95")])
    sheet.set_column(1, 2, 40)

    sheet = book.add_worksheet("measures")
    sheet.write_row(0, 0, ["replication", "method", "measure", "value"], bold)
    for row, record in enumerate(outcome.results.measures.itertuples(index=False), start=1):
        value = None if record.value != record.value else float(record.value)
        sheet.write_row(row, 0, [int(record.replication), record.method, record.measure, value])

    sheet = book.add_worksheet("mkba")
    sheet.write_row(0, 0, ["result (EUR NCW, 1g1p1r minus verkokerd)", "mean", "p5", "p95"], bold)
    for row, (key, stats) in enumerate(outcome.mkba.summary().iterrows(), start=1):
        sheet.write(row, 0, key)
        sheet.write_row(row, 1, [None if v != v else float(v) for v in stats])
    sheet.write(row + 2, 0, f"discount rate {outcome.mkba.rate_pct}% (regime {outcome.regime}), "
                            f"horizon {outcome.mkba.horizon_years} years")
    sheet.set_column(0, 0, 45)
    book.close()
    return buffer.getvalue()


def sheet(outcome: Outcome, values: dict[str, Any], lang: str, fmt: str) -> bytes:
    """One A4 page (``fmt`` 'pdf' or 'png'): settings, MKBA headline, escalations, costs by payer, who benefits."""
    scenario = outcome.results.scenario
    fig = plt.figure(figsize=(16.5, 11.7))
    try:
        grid = fig.add_gridspec(2, 2, hspace=0.45, wspace=0.3)
        fig.suptitle(labels.text(lang, "sheet_title", name=scenario.name), fontsize=16)
        ax = fig.add_subplot(grid[0, 0])
        ax.axis("off")
        lines = [labels.text(lang, "sheet_settings")]
        lines += [f"  {label}: {_shown(value, lang)}" for _, label, value in _settings_rows(values, lang)]
        lines += ["", *(f"{r.iloc[0]}: {r.iloc[2]} {r.iloc[1]}" for _, r in views.mkba_table(outcome, lang).iterrows())]
        ax.text(0.0, 1.0, "\n".join(lines), va="top", family="monospace", fontsize=9, transform=ax.transAxes)
        views.escalation_bars(fig.add_subplot(grid[0, 1]), outcome, lang)
        views.costs_by_payer(fig.add_subplot(grid[1, 0]), outcome, lang)
        views.stakeholders(fig.add_subplot(grid[1, 1]), outcome, lang)
        fig.legend(handles=views.method_handles(lang), loc="lower center", ncol=len(METHODS), frameon=False)
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt, dpi=110)
    finally:
        plt.close(fig)
    return buffer.getvalue()


def _shown(value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return labels.text(lang, "on" if value else "off")
    return str(value) if isinstance(value, int) else views.number(value, lang)
