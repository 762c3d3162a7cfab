"""The summary of a run as users read it: a fixed-width table on screen, a machine-readable JSON and the labelled
summary table (CSV, Excel), all in one language (Dutch by default)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from sim.measures import MEASURE_KEYS
from sim.reports import labels as L

if TYPE_CHECKING:
    import pandas as pd

    from sim.run import Results

METHOD_ORDER = ("verkokerd", "1g1p1r", "difference")


def summary_json(results: Results, lang: str = L.DEFAULT_LANG) -> dict[str, Any]:
    """Per method (and their difference), per measure: mean, p5, p95; plus the scenario's settings and, per
    measure and method, its label in both languages (keys stay the machine names)."""
    summary = results.summary()
    out: dict[str, Any] = {"settings": results.scenario.settings(), "lang": lang, "methods": {}}
    for (method, measure), row in summary.iterrows():
        values = {k: (None if math.isnan(v) else round(float(v), 6)) for k, v in row.items()}
        out["methods"].setdefault(method, {})[measure] = values
    out["labels"] = {k: {"label": L.measure(k, lang), "unit": L.measure_unit(k, lang),
                         "nl": L.measure(k, "nl"), "en": L.measure(k, "en")} for k in MEASURE_KEYS}
    out["method_labels"] = {m: L.method(m, lang) for m in METHOD_ORDER}
    return out


def labelled_summary(summary: pd.DataFrame, lang: str = L.DEFAULT_LANG) -> pd.DataFrame:
    """The summary as people read it: one row per method and measure, labels first, the machine keys last."""
    frame = summary.reset_index()
    frame.insert(0, "method_label", [L.method(m, lang) for m in frame["method"]])
    frame.insert(1, "measure_label", [L.measure(m, lang) for m in frame["measure"]])
    frame.insert(2, "unit", [L.measure_unit(m, lang) for m in frame["measure"]])
    return frame[["method_label", "measure_label", "unit", "mean", "p5", "p95", "method", "measure"]]


def format_table(stats: pd.DataFrame, lang: str = L.DEFAULT_LANG) -> str:
    """Measures down, methods across: mean [band] (``stats`` from :func:`sim.reports.bands.spread`: mean, lo,
    hi; or a summary with p5 and p95)."""
    summary = stats.rename(columns={"p5": "lo", "p95": "hi"})
    methods = [m for m in METHOD_ORDER if m in summary.index.get_level_values("method")]
    rows = []
    for measure in MEASURE_KEYS:
        cells = []
        for method in methods:
            if (method, measure) not in summary.index:
                cells.append("")
                continue
            row = summary.loc[(method, measure)]
            cells.append(f"{format_number(row['mean'], lang)} [{format_number(row['lo'], lang)} – "
                         f"{format_number(row['hi'], lang)}]")
        rows.append((L.measure_with_unit(measure, lang), cells))
    width = max(len(cell) for _, cells in rows for cell in cells) + 2
    width = max([width, *(len(L.method(m, lang, short=True)) + 2 for m in methods)])
    first = max(len(label) for label, _ in rows)  # the whole label with its unit, never cut off
    header = f"{L.column('measure', lang):{first}s}" + "".join(f"{L.method(m, lang, short=True):>{width}s}"
                                                               for m in methods)
    lines = [header, "-" * len(header)]
    lines += [f"{label:{first}s}" + "".join(f"{cell:>{width}s}" for cell in cells) for label, cells in rows]
    return "\n".join(lines)


def format_number(value: float | None, lang: str = L.DEFAULT_LANG) -> str:
    """Dutch style by default: 12.189 and 2,25 (English: 12,189 and 2.25); a dash for no value."""
    return L.number(value, lang)


def _row_kind(measure: str) -> str:
    unit_key = L.catalogue()["measure"][measure].get("unit")
    return {"share": "percent", "eur_per_year": "eur", "per_year": "number", "households": "int",
            "hours_per_year": "int"}.get(unit_key, "number")


def summary_sheet(stats: pd.DataFrame, lang: str = L.DEFAULT_LANG) -> tuple[pd.DataFrame, list[str]]:
    """Measures down; per method (and the difference) the mean and the band (:mod:`sim.reports.bands`) across;
    the measure key last. With the kind of number per row (percentages, euros, counts)."""
    import pandas as pd

    summary = stats.rename(columns={"p5": "lo", "p95": "hi"})
    methods = [m for m in METHOD_ORDER if m in summary.index.get_level_values("method")]
    measures = [m for m in MEASURE_KEYS if any((method, m) in summary.index for method in methods)]
    columns: dict[str, list[Any]] = {L.column("measure", lang): [L.measure(m, lang) for m in measures],
                                     L.column("unit", lang): [L.measure_unit(m, lang) for m in measures]}
    for method in methods:
        for stat, header in (("mean", L.column("mean", lang)), ("lo", L.text("band_low", lang)),
                             ("hi", L.text("band_high", lang))):
            columns[f"{L.method(method, lang, short=True)}: {header}"] = [
                summary.loc[(method, m), stat] if (method, m) in summary.index else None for m in measures]
    columns[L.column("code", lang)] = measures
    return pd.DataFrame(columns), [_row_kind(m) for m in measures]


def write_run_workbook(results: Results, path: Any, lang: str = L.DEFAULT_LANG) -> Any:
    """``mph run --excel``: the summary, the costs per item and payer, the yearly flows and the settings."""
    import pandas as pd

    from sim.reports.bands import band_note, spread
    from sim.reports.workbook import add_sheet, settings_rows, workbook

    scenario = results.scenario
    frame, kinds = summary_sheet(spread(results.measures), lang)
    reps = scenario.replications
    title = f"{scenario.name}: {L.method('verkokerd', lang)} / {L.method('1g1p1r', lang)}"
    notes = [L.text("interval_note", lang), band_note(reps, lang),
             L.text("run_settings", lang, households=L.number(scenario.population.households, lang),
                    fte=L.quantity(scenario.levers.fte, lang), years=scenario.horizon_years, reps=reps,
                    seed=scenario.seed)]
    costs = results.costs.groupby(["method", "item", "payer"])["eur"].sum() / (reps * scenario.horizon_years)
    wide = costs.unstack("method").fillna(0.0)
    if {"verkokerd", "1g1p1r"} <= set(wide.columns):
        wide["difference"] = wide["1g1p1r"] - wide["verkokerd"]
    wide = wide.reset_index()
    cost_frame = pd.DataFrame({L.column("item", lang): [L.item(i, lang) for i in wide["item"]],
                               L.column("payer", lang): [L.payer(p, lang) for p in wide["payer"]],
                               **{L.method(m, lang, short=True): wide[m] for m in METHOD_ORDER if m in wide},
                               L.column("item", lang) + " (" + L.column("code", lang) + ")": wide["item"]})
    flows = results.flows().reset_index()
    flow_frame = pd.DataFrame({L.column("method", lang): [L.method(m, lang, short=True) for m in flows["method"]],
                               L.column("year", lang): flows["year"],
                               **{L.flow(f, lang): flows[f] for f in flows.columns if f not in ("method", "year")}})
    settings = [(L.setting(p, lang), v, p) for p, v in settings_rows(scenario.settings())]
    settings_frame = pd.DataFrame(settings, columns=[L.column("setting", lang), L.column("value", lang),
                                                     L.column("code", lang)])
    with workbook(path) as book:
        add_sheet(book, L.text("sheet_summary", lang), frame, title=title, notes=notes, row_kinds=kinds,
                  formats={L.column("unit", lang): "text"})
        add_sheet(book, L.text("sheet_costs", lang), cost_frame, title=L.text("costs_sheet_title", lang),
                  formats={c: "eur" for c in cost_frame.columns[2:-1]})
        add_sheet(book, L.text("sheet_flows", lang), flow_frame, title=L.text("flows_heading", lang),
                  formats={c: "int" for c in flow_frame.columns[2:]} | {flow_frame.columns[1]: "int"})
        add_sheet(book, L.text("sheet_settings", lang), settings_frame, title=scenario.name)
    return path


# -- mph compare ---------------------------------------------------------------------------------------------------
COMPARE_MKBA = ("mkba_costs", "mkba_benefits", "mkba_balance", "mkba_benefit_cost_ratio")


def comparison_stats(comparison: Any) -> pd.DataFrame:
    """Per scenario, method and measure of a comparison: mean and band (:mod:`sim.reports.bands`)."""
    import pandas as pd

    from sim.reports.bands import band_bounds

    rows = []
    for (scenario, method, measure), values in comparison.measures.groupby(["scenario", "method", "measure"],
                                                                           sort=False)["value"]:
        lo, hi = band_bounds(values)
        rows.append({"scenario": scenario, "method": method, "measure": measure, "mean": values.mean(), "lo": lo,
                     "hi": hi})
    return pd.DataFrame(rows).set_index(["scenario", "method", "measure"])


def _mkba_rows() -> list[str]:
    from scenarios.register import STAKEHOLDERS

    return [*COMPARE_MKBA, *(f"mkba_balance_{s}" for s in STAKEHOLDERS)]


def compare_table(comparison: Any, lang: str = L.DEFAULT_LANG) -> str:
    """The MKBA per scenario as text: rows the MKBA results, columns the scenarios, cells mean [band] in thousands
    of euros (the ratio as is)."""
    import pandas as pd

    stats = comparison_stats(comparison)
    cells = {}
    for name in comparison.names:
        column = []
        for key in _mkba_rows():
            if (name, "difference", key) not in stats.index:
                column.append("")
                continue
            row = stats.loc[(name, "difference", key)] / (1.0 if key.endswith("ratio") else 1000.0)
            column.append(f"{L.number(row['mean'], lang)} [{L.number(row['lo'], lang)} – {L.number(row['hi'], lang)}]")
        cells[name] = column
    frame = pd.DataFrame(cells, index=[L.outcome(k, lang) for k in _mkba_rows()])
    frame.index.name = L.text("compare_mkba_heading", lang)
    return frame.to_string()


def write_compare_workbook(comparison: Any, path: Any, lang: str = L.DEFAULT_LANG) -> Any:
    """``mph compare --excel``: the MKBA and every measure per scenario (mean and band), and the settings."""
    import pandas as pd

    from sim.reports.bands import band_note
    from sim.reports.workbook import add_sheet, settings_rows, workbook

    stats = comparison_stats(comparison)
    reps = int(comparison.measures["replication"].nunique())
    notes = [L.text("interval_note", lang), band_note(reps, lang)]

    def block(method: str, keys: list[str], label: Any) -> tuple[pd.DataFrame, list[str]]:
        keys = [k for k in keys if any((n, method, k) in stats.index for n in comparison.names)]
        columns: dict[str, list[Any]] = {L.column("outcome", lang): [label(k) for k in keys]}
        for name in comparison.names:
            for stat, header in (("mean", L.column("mean", lang)), ("lo", L.text("band_low", lang)),
                                 ("hi", L.text("band_high", lang))):
                columns[f"{name}: {header}"] = [stats.loc[(name, method, k), stat]
                                                if (name, method, k) in stats.index else None for k in keys]
        columns[L.column("code", lang)] = keys
        return pd.DataFrame(columns), keys

    mkba, mkba_keys = block("difference", _mkba_rows(), lambda k: L.outcome(k, lang))
    measures, measure_keys = block("1g1p1r", list(MEASURE_KEYS), lambda k: L.measure_with_unit(k, lang))
    difference, _ = block("difference", list(MEASURE_KEYS), lambda k: L.measure_with_unit(k, lang))
    paths = [p for p, _ in settings_rows(comparison.scenarios[0].settings())]
    settings = pd.DataFrame({L.column("setting", lang): [L.setting(p, lang) for p in paths]})
    for name, scenario in zip(comparison.names, comparison.scenarios, strict=True):
        values = dict(settings_rows(scenario.settings()))
        settings[name] = [values.get(p) for p in paths]
    settings[L.column("code", lang)] = paths
    title = " | ".join(comparison.names)
    with workbook(path) as book:
        add_sheet(book, L.text("sheet_mkba", lang), mkba, title=L.text("compare_mkba_heading", lang), notes=notes,
                  row_kinds=["ratio" if k.endswith("ratio") else "eur" for k in mkba_keys], landscape=True)
        add_sheet(book, "1g1p1r", measures, title=title, notes=notes,
                  row_kinds=[_row_kind(k) for k in measure_keys], landscape=True)
        add_sheet(book, L.method("difference", lang, short=True).capitalize(), difference,
                  title=L.method("difference", lang), notes=notes,
                  row_kinds=[_row_kind(k) for k in measure_keys], landscape=True)
        add_sheet(book, L.text("sheet_settings", lang), settings, title=title)
    return path
