"""Cockpit outputs: terminal table in the published layout, JSON, Excel workbook and charts.

Every file is written to a temporary name beside its target and moved into place only when complete, so
an error never leaves a half-written output. Excel cells hold computed values, not formulas (readers such
as openpyxl see no value in a formula cell until Excel recalculates).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from scenarios.register import STAKEHOLDER_LABELS, STAKEHOLDERS, Register
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
from sim.mkba.unpriced import UNPRICED_LABELS_NL
from sim.reports.charts import save_png
from sim.reports.outputs import atomic_target

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


def _nl(value: float | None, decimals: int = 0) -> str:
    """Dutch number format as in the cockpit: 1.365, 2,5."""
    if value is None:
        return "-"
    text = f"{round(value, decimals) + 0.0:,.{decimals}f}"  # + 0.0 turns -0 into 0
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def _row(label: str, reproduced: str, published: str = "", diff: str = "", width: int = 58) -> str:
    return f"{label:<{width}}{reproduced:>14}{published:>14}{diff:>10}"


def format_table(result: CockpitResult, cockpit: CockpitInputs, break_evens: list[BreakEven]) -> str:
    """The cockpit as text, in the published layout with a published and a difference column."""
    s = result.settings
    by_key = {(c.section, c.key): c for c in compare(result)}

    def cells(section: str, key: str, reproduced: float, decimals: int = 0) -> list[str]:
        c = by_key.get((section, key))
        if c is None:
            return [_nl(reproduced, decimals)]
        mark = "" if c.within else " !"
        return [_nl(reproduced, decimals), _nl(c.published, decimals), _nl(c.difference, decimals) + mark]

    regime = "opgegeven" if s.discount_regime == "user" else f"regime {s.discount_regime}"
    out = [
        "MKBA één gezin, één plan, één regisseur: cockpit",
        f"NCW x € 1.000, prijspeil {s.price_year}, horizon {s.horizon_years} jaar, discontovoet "
        f"{_nl(s.discount_rate_pct, 2)}% ({regime})",
        "",
        _row("Hoeveelheid (per jaar)", "gereproduceerd", "gepubliceerd", "verschil"),
    ]
    for key, label, _ in PRINTED_QUANTITIES:
        out.append(_row(f"  {label}", *cells("quantities", key, result.quantities[key])))
    out += ["", _row("Kosten en baten (NCW)", "gereproduceerd", "gepubliceerd", "verschil")]
    for section, tree, values in (("costs_keur_ncw", COSTS, result.costs),
                                  ("benefits_keur_ncw", BENEFITS, result.benefits)):
        for line, depth in tree.walk():
            label = "  " * depth + line.label + ("" if line.printed else " *")
            out.append(_row(label, *cells(section, line.key, values[line.key] / 1000.0)))
        out.append("")
    lines = result.result_lines()
    out.append(_row("MKBA saldo", *cells("result", "mkba_balance_keur", lines["mkba_balance_keur"] or 0.0)))
    out.append(_row("Financieel rendement (%)", *cells("result", "financial_return_pct",
                                                       lines["financial_return_pct"] or 0.0, 1)))
    out.append(_row("Maatschappelijk rendement (%)", *cells("result", "social_return_pct",
                                                            lines["social_return_pct"] or 0.0, 1)))
    out.append(_row("Baten-kostenverhouding", _nl(lines["benefit_cost_ratio"], 2)))
    payback = lines["payback_years"]
    out.append(_row("Terugverdientijd (jaar)", _nl(payback, 2) if payback is not None else "niet binnen horizon"))
    out += ["", "* niet gedrukt in de gepubliceerde cockpit; volgt uit de gepubliceerde totalen",
            "! verschil groter dan 2% of 2 (de tolerantie)"]
    if result.published is not None and not result.comparable:
        out.append("(gepubliceerde cijfers alleen naast elkaar bij horizon 1 jaar en het prijspeil van de invoer)")
    out.append("")
    out += ["Wie betaalt, wie profiteert (NCW x € 1.000)",
            f"  {'':<24}" + "".join(f"{h:>20}" for h in STAKEHOLDER_HEADERS)]
    for row in result.tables.stakeholders:
        values = [getattr(row, c) for c in STAKEHOLDER_COLUMNS] + [row.balance]
        out.append(f"  {STAKEHOLDER_LABELS[row.stakeholder]:<24}" + "".join(f"{_nl(v / 1000):>20}" for v in values))
    totals = [sum(getattr(r, c) for r in result.tables.stakeholders) for c in STAKEHOLDER_COLUMNS]
    out.append(f"  {'Totaal':<24}" + "".join(f"{_nl(v / 1000):>20}" for v in [*totals, result.balance]))
    out += ["", "Break-even (saldo = 0):"] + [f"  {b.describe()}" for b in break_evens]
    found = notes(result, cockpit)
    if found:
        out += ["", "Opmerkingen over de gepubliceerde cijfers en de invoer:"] + [f"  - {n}" for n in found]
    return "\n".join(out)


# --- files -----------------------------------------------------------------------------------------


def _flatten(prefix: str, node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, sub in node.items():
            yield from _flatten(f"{prefix}.{key}" if prefix else str(key), sub)
    else:
        yield prefix, node


def write_excel(result: CockpitResult, data: dict[str, Any], cockpit: CockpitInputs, path: Path) -> None:
    """Workbook with sheets cockpit, inputs, stakeholders and sources; every cell a value."""
    import xlsxwriter

    labels = {(section, line.key): line.label for section, tree in (("costs_keur_ncw", COSTS),
                                                                     ("benefits_keur_ncw", BENEFITS))
              for line, _ in tree.walk()}
    labels.update({("quantities", key): label for key, label, _ in PRINTED_QUANTITIES})
    published = {(c.section, c.key): c for c in compare(result)}
    with atomic_target(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp))
        bold = book.add_format({"bold": True})
        number = book.add_format({"num_format": "#,##0.0"})

        sheet = book.add_worksheet("cockpit")
        s = data["settings"]
        sheet.write_row(0, 0, ["MKBA één gezin, één plan, één regisseur (NCW x EUR 1.000)"], bold)
        sheet.write_row(1, 0, [f"prijspeil {s['price_year']}, horizon {s['horizon_years']} jaar, "
                               f"discontovoet {s['discount_rate_pct']}% ({s['discount_regime']})"])
        header = ["section", "key", "label", "reproduced", "published", "difference", "within tolerance"]
        sheet.write_row(3, 0, header, bold)
        row = 4
        sections = [("quantities", dict(_flatten("", data["quantities"]))),
                    ("costs_keur_ncw", data["costs_keur_ncw"]), ("benefits_keur_ncw", data["benefits_keur_ncw"]),
                    ("result", data["result"])]
        for section, values in sections:
            for key, value in values.items():
                short = key.removeprefix("diff.")
                c = published.get((section, short))
                sheet.write_row(row, 0, [section, key, labels.get((section, short), key)])
                sheet.write(row, 3, value if value is not None else "-", number)
                if c is not None:
                    sheet.write_row(row, 4, [c.published, c.difference], number)
                    sheet.write(row, 6, "yes" if c.within else "NO")
                row += 1
        row += 1
        for note in data["notes"]:
            sheet.write(row, 0, note)
            row += 1
        sheet.set_column(0, 1, 30)
        sheet.set_column(2, 2, 55)
        sheet.set_column(3, 6, 14)

        sheet = book.add_worksheet("inputs")
        sheet.write_row(0, 0, ["input", "value"], bold)
        inputs = cockpit.model_dump(exclude={"published"})
        for row, (key, value) in enumerate(list(_flatten("", inputs)) + list(_flatten("settings", s)), start=1):
            sheet.write(row, 0, key)
            sheet.write(row, 1, "-" if value is None else value)
        sheet.set_column(0, 0, 55)

        sheet = book.add_worksheet("stakeholders")
        sheet.write_row(0, 0, ["stakeholder", "label", *STAKEHOLDER_COLUMNS, "balance"], bold)
        for row, who in enumerate(STAKEHOLDERS, start=1):
            values = data["stakeholders_keur_ncw"][who]
            sheet.write_row(row, 0, [who, STAKEHOLDER_LABELS[who]])
            sheet.write_row(row, 2, [values[c] for c in (*STAKEHOLDER_COLUMNS, "balance")], number)
        total_row = len(STAKEHOLDERS) + 1
        sheet.write(total_row, 0, "total", bold)
        for col, c in enumerate((*STAKEHOLDER_COLUMNS, "balance"), start=2):
            sheet.write(total_row, col, sum(data["stakeholders_keur_ncw"][w][c] for w in STAKEHOLDERS), number)
        sheet.set_column(0, 6, 22)

        sheet = book.add_worksheet("sources")
        fields = ["value", "unit", "price_year", "source", "derivation", "confidence", "payer", "cashable", "file"]
        sheet.write_row(0, 0, ["key", *fields], bold)
        for row, (key, entry) in enumerate(data["register_entries_used"].items(), start=1):
            sheet.write(row, 0, key)
            for col, f in enumerate(fields, start=1):
                value = entry.get(f, "")
                sheet.write(row, col, json.dumps(value) if isinstance(value, dict) else value)
        sheet.set_column(0, 0, 45)
        sheet.set_column(4, 5, 80)
        book.close()


def write_charts(result: CockpitResult, directory: Path) -> list[Path]:
    """waterfall.png (costs and benefits to the balance) and stakeholders.png (net per stakeholder)."""
    steps = [(line.label, -result.costs[line.key] / 1000.0) for line in COSTS.children]
    steps += [(line.label, result.benefits[line.key] / 1000.0)
              for group in BENEFITS.children for line in group.children]
    rows = result.tables.stakeholders
    cash = [(r.benefits_cashable - r.costs_cashable) / 1000.0 for r in rows]
    non_cash = [(r.benefits_non_cashable - r.costs_non_cashable) / 1000.0 for r in rows]
    return [
        waterfall_chart(steps, "Kosten en baten één gezin, één plan, één regisseur (waterval)",
                        directory / "waterfall.png"),
        stakeholder_chart([r.stakeholder for r in rows], cash, non_cash, directory / "stakeholders.png"),
    ]


def waterfall_chart(steps: list[tuple[str, float]], title: str, path: Path,
                    extra_balances: tuple[tuple[str, float], ...] = (), footnote: str | None = None) -> Path:
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
                  [label for label, _ in steps] + ["MKBA saldo"] + [label for label, _ in extra_balances],
                  rotation=60, ha="right", fontsize=8)
    if footnote:
        fig.text(0.01, 0.01, footnote, fontsize=7, wrap=True)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel("NCW x € 1.000")
    ax.set_title(title)
    fig.tight_layout()
    save_png(fig, path)
    return path


def stakeholder_chart(stakeholders: list[str], cash: list[float], non_cash: list[float], path: Path) -> Path:
    """Who pays, who benefits: net NCW per stakeholder, cashable and non-cashable side by side."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 5))
    x = range(len(stakeholders))
    ax.bar([i - 0.2 for i in x], cash, width=0.4, label="kasbaar", color="#2980b9")
    ax.bar([i + 0.2 for i in x], non_cash, width=0.4, label="niet-kasbaar", color="#95a5a6")
    ax.set_xticks(list(x), [STAKEHOLDER_LABELS[s] for s in stakeholders], rotation=30, ha="right")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_ylabel("saldo NCW x € 1.000")
    ax.set_title("Wie betaalt, wie profiteert")
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
        waterfall_chart(steps, "MKBA van de simulatie: extra kosten en vermeden kosten (gemiddelde)",
                        directory / "waterfall.png",
                        (("saldo zonder ongeprijsde escalaties", mean["balance_without_unpriced"] / 1000.0),),
                        status_line),
        stakeholder_chart(list(STAKEHOLDERS), cash, non_cash, directory / "stakeholders.png"),
    ]


def write_simulated_excel(mkba: SimulatedMkba, settings: dict[str, Any], register: Register, path: Path,
                          status_line: str | None = None) -> None:
    """Workbook with sheets mkba (mean, 5%, 95%; ``status_line`` under the title), items, stakeholders, sources;
    every cell a value."""
    import xlsxwriter

    summary = mkba.summary()
    with atomic_target(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp))
        bold = book.add_format({"bold": True})
        number = book.add_format({"num_format": "#,##0.00"})
        sheet = book.add_worksheet("mkba")
        sheet.write(0, 0, "MKBA van een simulatie, 1g1p1r min oude werkwijze (NCW, EUR)", bold)
        sheet.write(1, 0, status_line or "")
        sheet.write_row(2, 0, ["measure", "mean", "p5", "p95"], bold)
        for row, (key, values) in enumerate(summary.iterrows(), start=3):
            sheet.write(row, 0, key)
            sheet.write_row(row, 1, [None if pd.isna(v) else float(v) for v in values], number)
        first = 3 + len(summary) + 1
        sheet.write(first, 0, "zonder ongeprijsd = zonder " + "; ".join(UNPRICED_LABELS_NL.values()))
        first += 2
        for row, (key, value) in enumerate(settings.items(), start=first):
            sheet.write_row(row, 0, [key, json.dumps(value) if isinstance(value, dict | list) else value])
        sheet.set_column(0, 0, 40)
        sheet.set_column(1, 3, 16)

        sheet = book.add_worksheet("items")
        sheet.write_row(0, 0, ["item", "NCW mean (EUR; + cost, - benefit)"], bold)
        for row, (item, value) in enumerate(mkba.items.mean().items(), start=1):
            sheet.write(row, 0, item)
            sheet.write(row, 1, float(value), number)
        sheet.set_column(0, 1, 36)

        sheet = book.add_worksheet("stakeholders")
        sheet.write_row(0, 0, ["stakeholder", "label", "saldo", "saldo kasbaar", "saldo niet-kasbaar"], bold)
        for row, who in enumerate(STAKEHOLDERS, start=1):
            values = [summary.loc[f"balance_{who}{suffix}", "mean"] for suffix in ("", "_cashable", "_non_cashable")]
            sheet.write_row(row, 0, [who, STAKEHOLDER_LABELS[who]])
            sheet.write_row(row, 2, [float(v) for v in values], number)
        sheet.set_column(0, 4, 22)

        sheet = book.add_worksheet("sources")
        fields = ["value", "unit", "price_year", "source", "derivation", "confidence", "payer", "cashable"]
        sheet.write_row(0, 0, ["key", *fields], bold)
        for row, key in enumerate(sorted(k for k in register if k.startswith("cost.")), start=1):
            entry = register[key].model_dump()
            sheet.write(row, 0, key)
            for col, f in enumerate(fields, start=1):
                value = entry.get(f)
                cell = json.dumps(value) if isinstance(value, dict) else ("" if value is None else value)
                sheet.write(row, col, cell)
        sheet.set_column(0, 0, 40)
        sheet.set_column(4, 5, 80)
        book.close()


def format_simulated(mkba: SimulatedMkba, name: str, regime: str, status_line: str | None = None) -> str:
    """The MKBA of a run in the cockpit's terms: NCW x 1,000 euro, mean and 5-95% over replications."""
    summary = mkba.summary()
    labels = {
        "costs": "Totale kosten (extra uitgaven)",
        "benefits": "Totale baten (vermeden kosten)",
        "balance": "MKBA saldo",
        "benefit_cost_ratio": "Baten-kostenverhouding",
        "social_return_pct": "Rendement (%) *",
        "payback_years": "Terugverdientijd (jaar)",
        "break_even_fte_cost": "Break-even: kosten per fte-jaar regisseur (euro)",
        "unpriced_in_cockpit": "Waarvan niet geprijsd in de cockpit **",
        "balance_without_unpriced": "MKBA saldo zonder ongeprijsde escalaties **",
        "benefit_cost_ratio_without_unpriced": "Baten-kostenverhouding zonder ongeprijsde **",
        **{f"balance_{s}": f"  saldo {STAKEHOLDER_LABELS[s].lower()}" for s in STAKEHOLDERS},
    }
    lines = [
        f"MKBA van een simulatie: {name}, 1g1p1r tegenover de oude werkwijze",
        f"NCW x € 1.000 over {mkba.horizon_years} jaar, discontovoet {_nl(mkba.rate_pct, 2)}% ({regime}), prijspeil "
        f"{mkba.price_year or 'van het register'}; "
        "gemiddelde [5% – 95%] over replicaties",
        "",
    ]
    for key, label in labels.items():
        row = summary.loc[key]
        scale = 1.0 if key in ("benefit_cost_ratio", "social_return_pct", "payback_years", "break_even_fte_cost",
                               "benefit_cost_ratio_without_unpriced") else 1000.0
        decimals = 2 if key in ("benefit_cost_ratio", "payback_years", "benefit_cost_ratio_without_unpriced") else 0
        cells = ["–" if pd.isna(row[c]) else _nl(row[c] / scale, decimals) for c in ("mean", "p5", "p95")]
        lines.append(f"{label:50s}{cells[0]:>10s}  [{cells[1]} – {cells[2]}]")
        if key == "benefit_cost_ratio_without_unpriced":
            lines.append("Saldo per belanghebbende (baten min kosten; kasbaar en niet-kasbaar in --json):")
    lines += ["", "* Alleen wat de simulatie telt is geprijsd (escalaties, trajecten, uren, regisseurs); immateriële",
              "baten (kwaliteit van leven, overlast) ontbreken, dus financieel = maatschappelijk rendement. Het saldo",
              "laat zien wat de niet-gekalibreerde aannames opleveren: geen prognose, geen onder- of bovengrens; de",
              "gepubliceerde cockpit blijft de referentie. Terugverdientijd '–': niet terugverdiend binnen de horizon.",
              "** Zonder wat de cockpit niet prijst: " + "; ".join(UNPRICED_LABELS_NL.values()) + "."]
    if status_line:
        lines += ["", status_line]
    return "\n".join(lines)
