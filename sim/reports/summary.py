"""The summary of a run as users read it: a fixed-width table on screen and a machine-readable JSON."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from sim.measures import LABELS

if TYPE_CHECKING:
    import pandas as pd

    from sim.run import Results


def summary_json(results: Results) -> dict[str, Any]:
    """Per method (and their difference), per measure: mean, p5, p95; plus the scenario's settings."""
    summary = results.summary()
    out: dict[str, Any] = {"settings": results.scenario.settings(), "methods": {}}
    for (method, measure), row in summary.iterrows():
        values = {k: (None if math.isnan(v) else round(float(v), 6)) for k, v in row.items()}
        out["methods"].setdefault(method, {})[measure] = values
    out["labels"] = {k: {"nl": label, "unit": unit} for k, (label, unit) in LABELS.items()}
    return out


def format_table(summary: pd.DataFrame) -> str:
    """Measures down, methods across: mean [p5 – p95]."""
    methods = [m for m in ("verkokerd", "1g1p1r", "difference") if m in summary.index.get_level_values("method")]
    rows = []
    for measure, (label, unit) in LABELS.items():
        cells = []
        for method in methods:
            if (method, measure) not in summary.index:
                cells.append("")
                continue
            row = summary.loc[(method, measure)]
            cells.append(f"{format_number(row['mean'])} [{format_number(row['p5'])} – {format_number(row['p95'])}]")
        rows.append((f"{label} ({unit})", cells))
    width = max(len(cell) for _, cells in rows for cell in cells) + 2
    header = f"{'maat':50s}" + "".join(f"{m:>{width}s}" for m in methods)
    lines = [header, "-" * len(header)]
    lines += [f"{label:50.50s}" + "".join(f"{cell:>{width}s}" for cell in cells) for label, cells in rows]
    return "\n".join(lines)


def format_number(value: float | None) -> str:
    """Dutch style: 12.189 and 2,25; a dash for no value."""
    if value is None or math.isnan(value):
        return "–"
    if abs(value) >= 100:
        return f"{value:,.0f}".replace(",", ".")
    return f"{value:.2f}".replace(".", ",")
