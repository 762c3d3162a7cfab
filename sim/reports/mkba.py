"""Cockpit outputs: terminal table in the published layout, JSON, Excel workbook and charts.

Every file is written to a temporary name beside its target and moved into place only when complete, so
an error never leaves a half-written output. Excel cells hold computed values, not formulas (readers such
as openpyxl see no value in a formula cell until Excel recalculates).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from scenarios.register import STAKEHOLDERS
from sim.mkba.breakeven import BreakEven
from sim.mkba.cockpit import (
    BENEFITS,
    COSTS,
    PRINTED_QUANTITIES,
    CockpitResult,
    Line,
    compare,
    published_sum_gaps,
    unpriced_inputs,
)
from sim.mkba.inputs import CockpitInputs
from sim.mkba.simulated import SimulatedMkba
from sim.reports.charts import save_png

STAKEHOLDER_COLUMNS = ("costs_cashable", "costs_non_cashable", "benefits_cashable", "benefits_non_cashable")
STAKEHOLDER_HEADERS = ("kosten kasbaar", "kosten niet-kasbaar", "baten kasbaar", "baten niet-kasbaar", "saldo")
PRINTED_QUANTITY_KEYS = {key for key, _, _ in PRINTED_QUANTITIES}


def notes(result: CockpitResult, cockpit: CockpitInputs) -> list[str]:
    """What the output must say about the published figures and about inputs it cannot price."""
    found = []
    if result.published is not None:
        found += published_sum_gaps(result.published) + result.published.notes
    return found + unpriced_inputs(cockpit)


# --- JSON ------------------------------------------------------------------------------------------


def _keur(tree: Line, values: dict[str, float]) -> dict[str, float]:
    return {line.key: round(values[line.key] / 1000.0, 3) for line, _ in tree.walk()}


def to_dict(result: CockpitResult, cockpit: CockpitInputs, break_evens: list[BreakEven]) -> dict[str, Any]:
    """The cockpit with the keys of ``lpbl_cockpit.yaml`` (quantities, costs_keur_ncw, benefits_keur_ncw,
    result) and extra sections."""
    q = result.quantities
    quantities: dict[str, Any] = {"diff": {}}
    for key, _, in_diff in PRINTED_QUANTITIES:
        (quantities["diff"] if in_diff else quantities)[key] = round(q[key], 4)
    used = sorted({line.price for tree in (COSTS, BENEFITS) for line, _ in tree.walk() if line.price}
                  | {"effect.debt_free_share_of_stabilised", "effect.life_years_per_stabilised_household",
                     "effect.life_year_valuation_factor", "effect.police_incidents_per_nuisance_source"})
    s = result.settings
    return {
        "source": cockpit.source,
        "settings": {"discount_rate_pct": s.discount_rate_pct, "discount_regime": s.discount_regime,
                     "horizon_years": s.horizon_years, "price_year": s.price_year},
        "quantities": quantities,
        "costs_keur_ncw": _keur(COSTS, result.costs),
        "benefits_keur_ncw": _keur(BENEFITS, result.benefits),
        "result": {k: (round(v, 4) if v is not None else None) for k, v in result.result_lines().items()},
        "quantities_not_printed": {k: round(v, 4) for k, v in q.items() if k not in PRINTED_QUANTITY_KEYS},
        "lines_not_printed": [line.key for tree in (COSTS, BENEFITS) for line, _ in tree.walk()
                              if not line.printed],
        "stakeholders_keur_ncw": {
            row.stakeholder: {**{c: round(getattr(row, c) / 1000.0, 3) for c in STAKEHOLDER_COLUMNS},
                              "balance": round(row.balance / 1000.0, 3)}
            for row in result.tables.stakeholders
        },
        "break_even": [{"input": b.key, "label": b.label, "current": b.current, "break_even": b.value,
                        "searched": [b.low, b.high]} for b in break_evens],
        "comparison_with_published": [
            {"section": c.section, "key": c.key, "published": c.published, "reproduced": round(c.reproduced, 3),
             "difference": round(c.difference, 3), "tolerance": c.tolerance, "within_tolerance": c.within}
            for c in compare(result)
        ],
        "notes": notes(result, cockpit),
        "register_entries_used": {
            key: {**result.register[key].model_dump(exclude_none=True), "file": result.register.origins[key]}
            for key in used
        },
    }


# --- terminal --------------------------------------------------------------------------------------


def _nl(value: float | None, decimals: int = 0, lang: str = "nl") -> str:
    """A number as the cockpit prints it, through the one formatter: 1.365 and 2,5 (Dutch), 1,365 and 2.5 (English)."""
    from sim.reports.report_text import number

    return "-" if value is None else number(value, lang, decimals)


def _row(label: str, reproduced: str, published: str = "", diff: str = "", width: int = 58) -> str:
    return f"{label:<{width}}{reproduced:>14}{published:>14}{diff:>10}"


def format_table(result: CockpitResult, cockpit: CockpitInputs, break_evens: list[BreakEven],
                 lang: str = "nl") -> str:
    """The cockpit as text, in the published layout with a published and a difference column, in the catalogue's
    words (the published Dutch labels, or their English translation)."""
    from sim.reports import labels as L
    from sim.reports.mkba_workbook import break_even_label, cockpit_notes, cockpit_row_label, regime_words

    s = result.settings
    by_key = {(c.section, c.key): c for c in compare(result)}

    def cells(section: str, key: str, reproduced: float, decimals: int = 0) -> list[str]:
        c = by_key.get((section, key))
        if c is None:
            return [_nl(reproduced, decimals, lang)]
        mark = "" if c.within else " !"
        return [_nl(reproduced, decimals, lang), _nl(c.published, decimals, lang),
                _nl(c.difference, decimals, lang) + mark]

    columns = [L.text(f"out_col_{c}", lang) for c in ("reproduced", "published", "difference")]
    out = [
        L.text("out_t_cockpit_title", lang),
        L.text("out_t_cockpit_settings", lang, price_year=s.price_year, years=s.horizon_years,
               rate=L.percent(s.discount_rate_pct / 100, lang, 2), regime=regime_words(s.discount_regime, lang)),
        "",
        _row(L.text("out_part_quantities", lang), *columns),
    ]
    for key, _, _ in PRINTED_QUANTITIES:
        out.append(_row(f"  {cockpit_row_label('quantities', key, lang)}", *cells("quantities", key,
                                                                                  result.quantities[key])))
    out += ["", _row(L.text("out_t_money", lang), *columns)]
    for section, tree, values in (("costs_keur_ncw", COSTS, result.costs),
                                  ("benefits_keur_ncw", BENEFITS, result.benefits)):
        for line, depth in tree.walk():
            label = "  " * depth + cockpit_row_label(section, line.key, lang) + ("" if line.printed else " *")
            out.append(_row(label, *cells(section, line.key, values[line.key] / 1000.0)))
        out.append("")
    lines = result.result_lines()
    out.append(_row(L.label("report", "row_balance", lang),
                    *cells("result", "mkba_balance_keur", lines["mkba_balance_keur"] or 0.0)))
    for key in ("financial_return_pct", "social_return_pct"):
        out.append(_row(f"{L.label('out_result', key, lang)} (%)", *cells("result", key, lines[key] or 0.0, 1)))
    out.append(_row(L.label("out_result", "benefit_cost_ratio", lang), _nl(lines["benefit_cost_ratio"], 2, lang)))
    payback = lines["payback_years"]
    out.append(_row(L.label("out_result", "payback_years", lang),
                    _nl(payback, 2, lang) if payback is not None else L.text("out_t_no_payback", lang)))
    out += ["", L.text("out_t_star", lang), L.text("out_t_bang", lang)]
    if result.published is not None and not result.comparable:
        out.append(f"({L.text('out_cockpit_not_comparable', lang)})")
    out.append("")
    out += [L.text("out_stakeholders_title", lang),
            f"  {'':<24}" + "".join(f"{L.text(f'out_col_{c}', lang):>24}" for c in (*STAKEHOLDER_COLUMNS, "balance"))]
    for row in result.tables.stakeholders:
        values = [getattr(row, c) for c in STAKEHOLDER_COLUMNS] + [row.balance]
        out.append(f"  {L.payer(row.stakeholder, lang):<24}" + "".join(f"{_nl(v / 1000, 0, lang):>24}" for v in values))
    totals = [sum(getattr(r, c) for r in result.tables.stakeholders) for c in STAKEHOLDER_COLUMNS]
    out.append(f"  {L.text('out_total', lang):<24}" + "".join(f"{_nl(v / 1000, 0, lang):>24}"
                                                              for v in [*totals, result.balance]))
    out += ["", L.text("out_t_break_even", lang)]
    for b in break_evens:
        out.append("  " + (L.text("out_t_break_even_at", lang, input=break_even_label(b, lang),
                                  value=_nl(b.value, 2, lang), now=L.quantity(b.current, lang))
                           if b.value is not None else
                           L.text("out_t_break_even_none", lang, input=break_even_label(b, lang),
                                  low=L.quantity(b.low, lang), high=L.quantity(b.high, lang),
                                  now=L.quantity(b.current, lang))))
    found = cockpit_notes(result, cockpit, lang)
    if len(found):
        out += ["", L.text("out_notes_title", lang) + ":"] + [f"  - {n}" for n in found.iloc[:, 0]]
    return "\n".join(out)


# --- files -----------------------------------------------------------------------------------------


def write_charts(result: CockpitResult, directory: Path, lang: str = "nl") -> list[Path]:
    """waterfall.png (costs and benefits to the balance) and stakeholders.png (net per stakeholder)."""
    from sim.reports.report_text import cockpit_label

    steps = [(cockpit_label(line.key, "costs", lang), -result.costs[line.key] / 1000.0) for line in COSTS.children]
    steps += [(cockpit_label(line.key, "benefits", lang), result.benefits[line.key] / 1000.0)
              for group in BENEFITS.children for line in group.children]
    rows = result.tables.stakeholders
    cash = [(r.benefits_cashable - r.costs_cashable) / 1000.0 for r in rows]
    non_cash = [(r.benefits_non_cashable - r.costs_non_cashable) / 1000.0 for r in rows]
    return [
        waterfall_chart(steps, _words("out_c_cockpit_waterfall", lang), directory / "waterfall.png", lang=lang),
        stakeholder_chart([r.stakeholder for r in rows], cash, non_cash, directory / "stakeholders.png", lang),
    ]


def _words(key: str, lang: str) -> str:
    from sim.reports import labels as L

    return L.text(key, lang)


def _axis(lang: str) -> Any:
    from sim.reports import labels as L

    return L.axis_formatter(lang)


def waterfall_chart(steps: list[tuple[str, float]], title: str, path: Path,
                    extra_balances: tuple[tuple[str, float], ...] = (), footnote: str | None = None,
                    lang: str = "nl") -> Path:
    """Bars from zero: costs down (red), benefits up (green), then the balance (and ``extra_balances``, such as
    the balance without what the cockpit does not price); ``footnote`` under the chart."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(11, 6))
    level = 0.0
    for i, (_, amount) in enumerate(steps):
        ax.bar(i, amount, bottom=level, color="#c0392b" if amount < 0 else "#27ae60")
        level += amount
    ax.bar(len(steps), level, color="#2c3e50")
    for i, (_, balance) in enumerate(extra_balances, start=len(steps) + 1):
        ax.bar(i, balance, color="#7f8c8d")
    ax.set_xticks(range(len(steps) + 1 + len(extra_balances)),
                  [label for label, _ in steps] + [_words("out_c_balance", lang)]
                  + [label for label, _ in extra_balances],
                  rotation=60, ha="right", fontsize=8)
    if footnote:
        fig.text(0.01, 0.01, footnote, fontsize=7, wrap=True)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel(_words("out_c_keur", lang))
    ax.yaxis.set_major_formatter(_axis(lang))
    ax.set_title(title)
    fig.tight_layout()
    save_png(fig, path)
    return path


def stakeholder_chart(stakeholders: list[str], cash: list[float], non_cash: list[float], path: Path,
                      lang: str = "nl") -> Path:
    """Who pays, who benefits: net NCW per stakeholder, cashable and non-cashable side by side."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 5))
    x = range(len(stakeholders))
    from sim.reports import labels as L

    ax.bar([i - 0.2 for i in x], cash, width=0.4, label=_words("out_c_cashable", lang), color="#2980b9")
    ax.bar([i + 0.2 for i in x], non_cash, width=0.4, label=_words("out_c_non_cashable", lang), color="#95a5a6")
    ax.set_xticks(list(x), [L.payer(s, lang) for s in stakeholders], rotation=30, ha="right")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel(_words("out_c_balance_keur", lang))
    ax.yaxis.set_major_formatter(L.axis_formatter(lang))
    ax.set_title(_words("out_c_who_pays", lang))
    ax.legend()
    fig.tight_layout()
    save_png(fig, path)
    return path


def write_simulated_charts(mkba: SimulatedMkba, directory: Path, lang: str = "nl",
                           status_line: str | None = None) -> list[Path]:
    """The same two charts for a simulation run, from the mean over replications; the waterfall's items grouped
    into at most a dozen labelled bars (sim.reports.charts.grouped_items); it also shows the balance without the
    escalations the cockpit does not price, and ``status_line`` (calibration status)."""
    from sim.reports.charts import grouped_items

    # ten item bars, the balance and the balance without unpriced escalations: a dozen bars in all
    steps = [(label, -value / 1000.0) for label, value in grouped_items(mkba.items.mean(), lang, max_bars=10)]
    mean = mkba.per_replication.mean()
    cash = [mean[f"balance_{s}_cashable"] / 1000.0 for s in STAKEHOLDERS]
    non_cash = [mean[f"balance_{s}_non_cashable"] / 1000.0 for s in STAKEHOLDERS]
    return [
        waterfall_chart(steps, _words("out_c_simulated_waterfall", lang), directory / "waterfall.png",
                        ((_words("out_c_without_unpriced", lang), mean["balance_without_unpriced"] / 1000.0),),
                        status_line, lang),
        stakeholder_chart(list(STAKEHOLDERS), cash, non_cash, directory / "stakeholders.png", lang),
    ]


def format_simulated(mkba: SimulatedMkba, name: str, regime: str, status_line: str | None = None,
                     lang: str = "nl") -> str:
    """The MKBA of a run in the cockpit's terms: NCW x 1,000 euro, mean and band over replications (5%-95% from ten
    replications on, else the lowest to the highest value), in the catalogue's words."""
    from sim.reports import labels as L
    from sim.reports.bands import band_bounds, band_note
    from sim.reports.mkba_workbook import unpriced_words

    data = mkba.per_replication
    marks = {"social_return_pct": " *", "unpriced_in_cockpit": " **", "balance_without_unpriced": " **",
             "benefit_cost_ratio_without_unpriced": " **"}
    keys = ["costs", "benefits", "balance", "benefit_cost_ratio", "social_return_pct", "payback_years",
            "break_even_fte_cost", "unpriced_in_cockpit", "balance_without_unpriced",
            "benefit_cost_ratio_without_unpriced", *(f"balance_{s}" for s in STAKEHOLDERS)]
    lines = [
        L.text("out_t_sim_title", lang, name=name),
        L.text("out_t_sim_settings", lang, years=mkba.horizon_years, rate=L.percent(mkba.rate_pct / 100, lang, 2),
               regime=regime, price_year=mkba.price_year or L.text("out_t_register_prices", lang),
               band=band_note(len(data), lang)),
        "",
    ]
    for key in keys:
        scale = 1000.0 if L.catalogue()["mkba"].get(key, {}).get("unit", "eur_ncw") == "eur_ncw" else 1.0
        decimals = 2 if key in ("benefit_cost_ratio", "payback_years", "benefit_cost_ratio_without_unpriced") else 0
        values = data[key] / scale
        cells = ["–" if pd.isna(v) else _nl(v, decimals, lang) for v in (values.mean(), *band_bounds(values))]
        unit = "(%)" if key == "social_return_pct" else ""
        label = ("  " if key.startswith("balance_") and key.removeprefix("balance_") in STAKEHOLDERS else "") + \
            " ".join(w for w in (L.mkba(key, lang), unit) if w) + marks.get(key, "")
        lines.append(f"{label:64s}{cells[0]:>10s}  [{cells[1]} – {cells[2]}]")
        if key == "benefit_cost_ratio_without_unpriced":
            lines.append(L.text("out_t_per_party", lang))
    lines += ["", L.text("out_t_sim_note", lang), L.text("out_t_sim_unpriced", lang, items=unpriced_words(lang))]
    if status_line:
        lines += ["", status_line]
    return "\n".join(lines)
