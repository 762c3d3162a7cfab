"""The workbooks of ``mph mkba --excel``, in the layout policy makers know (:mod:`sim.reports.workbook`): the cockpit
(``--cockpit``) line by line next to the published figures, who pays, the break-evens, the inputs and the register's
sources; or the MKBA of a simulation run with its items, parties and sources. Labels first in the language asked
(Dutch by default), the machine key last in a ``code`` column; numbers as numbers with a format, never JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from scenarios.register import STAKEHOLDERS, Register
from sim.mkba.breakeven import BreakEven
from sim.mkba.cockpit import BENEFITS, COSTS, PRINTED_QUANTITIES, CockpitResult, compare, sum_gaps
from sim.mkba.inputs import CockpitInputs
from sim.mkba.simulated import SimulatedMkba
from sim.mkba.unpriced import UNPRICED_ITEMS, UNPRICED_LABELS_NL
from sim.reports import labels as L
from sim.reports.mkba import STAKEHOLDER_COLUMNS
from sim.reports.report_text import cockpit_label
from sim.reports.workbook import add_sheet, settings_rows, workbook

# how each result line of the cockpit shows: a percentage as a share, the ratio and payback with two decimals
RESULT_KINDS = {"mkba_balance_keur": "keur", "financial_return_pct": "percent", "social_return_pct": "percent",
                "benefit_cost_ratio": "ratio", "payback_years": "ratio"}


def _yes_no(value: bool | None, lang: str) -> str | None:
    return None if value is None else L.label("report", "word_yes" if value else "word_no", lang)


def regime_words(name: str, lang: str = L.DEFAULT_LANG) -> str:
    """A discount regime: 'regime 2020', or 'opgegeven' for a rate given with --discount-rate."""
    return L.text("out_regime_user", lang) if name == "user" else L.text("out_regime", lang, name=name)


def cockpit_row_label(section: str, key: str, lang: str = L.DEFAULT_LANG) -> str:
    """A line of the cockpit by its section (quantities, costs_keur_ncw, benefits_keur_ncw, result) and key."""
    if section == "quantities":
        return L.label("out_quantity", key, lang)
    if section == "result":
        return L.label("out_result", key, lang)
    return cockpit_label(key, section.removesuffix("_keur_ncw"), lang)


def break_even_label(b: BreakEven, lang: str = L.DEFAULT_LANG) -> str:
    return L.label("out_break_even", b.key, lang) if L.has("out_break_even", b.key) else b.label


def unpriced_words(lang: str = L.DEFAULT_LANG) -> str:
    """What the balance 'without unpriced' leaves out, in the language asked."""
    return "; ".join((UNPRICED_LABELS_NL if lang == "nl" else UNPRICED_ITEMS).values())


def cockpit_sheet(result: CockpitResult, lang: str = L.DEFAULT_LANG) -> tuple[pd.DataFrame, list[str], list[int],
                                                                               list[int]]:
    """The cockpit as rows: part, line (its published Dutch label or the English translation), reproduced,
    published, difference, within tolerance, code. With each row's number kind, its depth and the bold rows."""
    by_key = {(c.section, c.key): c for c in compare(result)}
    rows: list[dict[str, Any]] = []
    kinds: list[str] = []
    depths: list[int] = []
    bold: list[int] = []

    def add(part: str, section: str, key: str, label: str, value: float | None, kind: str, depth: int = 0,
            scale: float = 1.0) -> None:
        check = by_key.get((section, key))
        if depth == 0 and section != "quantities":
            bold.append(len(rows))
        rows.append({"part": part, "line": label, "reproduced": None if value is None else value / scale,
                     "published": None if check is None else check.published / scale,
                     "difference": None if check is None else check.difference / scale,
                     "within": None if check is None else _yes_no(check.within, lang),
                     "code": f"{section}.{key}"})
        kinds.append(kind)
        depths.append(depth)

    part = L.text("out_part_quantities", lang)
    for key, _, _ in PRINTED_QUANTITIES:
        add(part, "quantities", key, cockpit_row_label("quantities", key, lang), result.quantities[key], "number")
    for section, tree, values, part_key in (("costs_keur_ncw", COSTS, result.costs, "out_part_costs"),
                                           ("benefits_keur_ncw", BENEFITS, result.benefits, "out_part_benefits")):
        for line, depth in tree.walk():
            label = cockpit_row_label(section, line.key, lang) + ("" if line.printed else " *")
            add(L.text(part_key, lang), section, line.key, label, values[line.key] / 1000.0, "keur", depth)
    part = L.text("out_part_result", lang)
    for key, value in result.result_lines().items():
        scale = 100.0 if RESULT_KINDS.get(key) == "percent" else 1.0  # 19,6 percent shows as 19,6%
        add(part, "result", key, cockpit_row_label("result", key, lang), value, RESULT_KINDS.get(key, "auto"), 0,
            scale)
    headers = {"part": L.text("out_col_part", lang), "line": L.text("out_col_line", lang),
               "reproduced": L.text("out_col_reproduced", lang), "published": L.text("out_col_published", lang),
               "difference": L.text("out_col_difference", lang), "within": L.text("out_col_within", lang),
               "code": L.column("code", lang)}
    return pd.DataFrame(rows, columns=list(headers)).rename(columns=headers), kinds, depths, bold


def stakeholder_sheet(result: CockpitResult, lang: str = L.DEFAULT_LANG) -> pd.DataFrame:
    """Per party: costs and benefits, cashable and not, and the balance (x EUR 1,000); a total row; the code last."""
    table = result.tables.stakeholders
    columns = [*STAKEHOLDER_COLUMNS, "balance"]
    values = [[getattr(row, c) / 1000.0 for c in columns] for row in table]
    totals = [sum(v[i] for v in values) for i in range(len(columns))]
    headers = [L.text(f"out_col_{c}", lang) for c in columns]
    frame = pd.DataFrame([*values, totals], columns=headers)
    frame.insert(0, L.column("stakeholder", lang), [*(L.payer(r.stakeholder, lang) for r in table),
                                                    L.text("out_total", lang)])
    frame[L.column("code", lang)] = [*(r.stakeholder for r in table), "total"]
    return frame


def break_even_sheet(break_evens: list[BreakEven], lang: str = L.DEFAULT_LANG) -> pd.DataFrame:
    """Per input searched: its value now, the value at which the balance is zero (or why there is none)."""
    return pd.DataFrame({
        L.text("out_col_input", lang): [break_even_label(b, lang) for b in break_evens],
        L.text("out_col_now", lang): [b.current for b in break_evens],
        L.text("out_col_break_even", lang): [b.value if b.value is not None else L.text("out_no_break_even", lang)
                                             for b in break_evens],
        L.text("out_col_searched_from", lang): [b.low for b in break_evens],
        L.text("out_col_searched_to", lang): [b.high for b in break_evens],
        L.column("code", lang): [b.key for b in break_evens]})


def inputs_sheet(cockpit: CockpitInputs, lang: str = L.DEFAULT_LANG) -> pd.DataFrame:
    """The inputs file, one row per input: its label, its value (yes/no for a switch) and its path."""
    rows = settings_rows(cockpit.model_dump(exclude={"published"}))
    return pd.DataFrame({
        L.text("out_col_input", lang): [L.label("out_cockpit_input", p, lang) if L.has("out_cockpit_input", p) else p
                                        for p, _ in rows],
        L.column("value", lang): [_yes_no(v, lang) if isinstance(v, bool) else v for _, v in rows],
        L.column("code", lang): [p for p, _ in rows]})


def _payer(payer: Any, lang: str) -> str | None:
    """A register entry's payer: one party, or a split such as 'Gemeente 50%, Zorgverzekeraar 50%'."""
    if payer is None:
        return None
    if isinstance(payer, Mapping):
        return ", ".join(f"{L.payer(who, lang)} {L.percent(share / 100, lang, 0)}" for who, share in payer.items())
    return L.payer(str(payer), lang)


def sources_sheet(entries: Mapping[str, Mapping[str, Any]], lang: str = L.DEFAULT_LANG) -> pd.DataFrame:
    """The register entries used: their description, value, price level, payer, cashable, source, derivation and
    grade in the register's words; the key last."""
    def field(name: str) -> list[Any]:
        return [entry.get(name) for entry in entries.values()]

    return pd.DataFrame({
        L.text("out_col_description", lang): field("unit"),
        L.column("value", lang): field("value"),
        L.text("out_col_price_year", lang): field("price_year"),
        L.column("payer", lang): [_payer(p, lang) for p in field("payer")],
        L.text("out_col_cashable", lang): [_yes_no(c, lang) for c in field("cashable")],
        L.column("source", lang): field("source"),
        L.text("out_col_derivation", lang): field("derivation"),
        L.text("out_col_confidence", lang): field("confidence"),
        L.text("out_col_file", lang): field("file"),
        L.column("code", lang): list(entries)})


def cockpit_notes(result: CockpitResult, cockpit: CockpitInputs, lang: str = L.DEFAULT_LANG) -> pd.DataFrame:
    """What the workbook must say about the published figures and the inputs: published subtotals that differ from
    their printed parts, inputs it records but cannot price (in the language asked), and the inputs file's own
    notes (in that file's words)."""
    rows: list[tuple[str, str]] = []
    if result.published is not None:
        for section, key, total, parts in sum_gaps(result.published):
            rows.append((L.text("out_note_sum_gap", lang, line=cockpit_label(key, section.removesuffix("_keur_ncw"),
                                                                             lang),
                                total=L.quantity(total, lang), parts=" + ".join(L.quantity(p, lang) for p in parts),
                                added=L.quantity(sum(parts), lang)), f"{section}.{key}"))
        rows += [(note, "published.notes") for note in result.published.notes]
    if cockpit.inputs.mph_reduction_pct:
        rows.append((L.text("out_note_mph_reduction", lang, pct=L.number(cockpit.inputs.mph_reduction_pct, lang)),
                     "inputs.mph_reduction_pct"))
    if cockpit.inputs.recidive_current_pct is not None:
        rows.append((L.text("out_note_recidive", lang), "inputs.recidive_current_pct"))
    return pd.DataFrame(rows, columns=[L.column("note", lang), L.column("code", lang)])


def write_cockpit_workbook(result: CockpitResult, cockpit: CockpitInputs, break_evens: list[BreakEven],
                           entries: Mapping[str, Mapping[str, Any]], path: Path, lang: str = L.DEFAULT_LANG) -> Path:
    """``mph mkba --cockpit --excel``: sheets Cockpit, Wie betaalt, Break-even, Invoer and Bronnen (``entries``: the
    register entries used, as :func:`sim.reports.mkba.to_dict` lists them)."""
    s = result.settings
    frame, kinds, depths, bold = cockpit_sheet(result, lang)
    top = [L.text("out_cockpit_settings", lang, price_year=s.price_year, years=s.horizon_years,
                  rate=L.percent(s.discount_rate_pct / 100, lang, 2), regime=regime_words(s.discount_regime, lang),
                  source=cockpit.source), L.text("out_cockpit_marks", lang)]
    if result.published is not None and not result.comparable:
        top.append(L.text("out_cockpit_not_comparable", lang))
    numbers = {c: "auto" for c in frame.columns[2:5]}
    remarks = cockpit_notes(result, cockpit, lang)
    stakeholders = stakeholder_sheet(result, lang)
    with workbook(path) as book:
        add_sheet(book, L.text("out_sheet_cockpit", lang), frame, formats=numbers,
                  title=L.text("out_cockpit_title", lang), notes=top, row_kinds=kinds,
                  indent=depths, bold_rows=bold, indent_column=1)
        add_sheet(book, L.text("out_sheet_stakeholders", lang), stakeholders,
                  formats={c: "keur" for c in stakeholders.columns[1:-1]},
                  title=L.text("out_stakeholders_title", lang), bold_rows=[len(stakeholders) - 1])
        add_sheet(book, L.text("out_sheet_break_even", lang), break_even_sheet(break_evens, lang),
                  title=L.text("out_break_even_title", lang))
        add_sheet(book, L.text("out_sheet_inputs", lang), inputs_sheet(cockpit, lang),
                  title=L.text("out_inputs_title", lang))
        add_sheet(book, L.text("out_sheet_sources", lang), sources_sheet(entries, lang),
                  title=L.text("out_sources_title", lang), notes=[L.text("out_sources_note", lang)], landscape=True)
        if len(remarks):
            add_sheet(book, L.text("out_sheet_notes", lang), remarks, title=L.text("out_notes_title", lang),
                      notes=[L.text("out_notes_note", lang)])
    return path


# -- the MKBA of a simulation run ----------------------------------------------------------------------------------
def _mkba_kind(key: str) -> str:
    unit = L.catalogue()["mkba"].get(key, {}).get("unit", "eur_ncw")
    return {"eur_ncw": "eur", "eur_per_year": "eur", "ratio": "ratio", "percent": "number", "years": "ratio"}[unit]


def write_simulated_workbook(mkba: SimulatedMkba, settings: Mapping[str, Any], register: Register, path: Path,
                             name: str, status_line: str | None = None, lang: str = L.DEFAULT_LANG) -> Path:
    """``mph mkba SCENARIO --excel``: sheets MKBA (mean and band per result, the calibration status above),
    Posten (every priced item), Wie betaalt (per party), Instellingen and Bronnen (the register's prices)."""
    from sim.reports.bands import band_note

    summary = mkba.summary()
    reps = len(mkba.per_replication)
    keys = list(summary.index)
    results = pd.DataFrame({L.column("outcome", lang): [L.mkba(k, lang) for k in keys],
                            L.column("unit", lang): [L.mkba_unit(k, lang) for k in keys],
                            L.column("mean", lang): summary["mean"].to_numpy(),
                            L.text("band_low", lang): summary["p5"].to_numpy(),
                            L.text("band_high", lang): summary["p95"].to_numpy(),
                            L.column("code", lang): keys})
    unpriced = unpriced_words(lang)
    notes = [line for line in (status_line, L.text("interval_note", lang) + "; " + band_note(reps, lang),
                               L.text("out_unpriced_note", lang, items=unpriced)) if line]
    items = mkba.items.mean()
    item_frame = pd.DataFrame({L.column("item", lang): [L.item(str(k), lang) for k in items.index],
                               L.column("ncw", lang): items.to_numpy(), L.column("code", lang): list(items.index)})
    mean = summary["mean"]
    parties = pd.DataFrame({L.column("stakeholder", lang): [L.payer(s, lang) for s in STAKEHOLDERS],
                            **{L.mkba(f"balance_{suffix}" if suffix else "balance", lang):
                               [mean[f"balance_{s}{'_' + suffix if suffix else ''}"] for s in STAKEHOLDERS]
                               for suffix in ("", "cashable", "non_cashable")},
                            L.column("code", lang): list(STAKEHOLDERS)})
    rows = settings_rows(settings)
    settings_frame = pd.DataFrame({L.column("setting", lang): [L.setting(p, lang) for p, _ in rows],
                                   L.column("value", lang): [_yes_no(v, lang) if isinstance(v, bool) else v
                                                             for _, v in rows],
                                   L.column("code", lang): [p for p, _ in rows]})
    prices = {key: register[key].model_dump() | {"file": register.origins.get(key)}
              for key in sorted(k for k in register if k.startswith("cost."))}
    with workbook(path) as book:
        add_sheet(book, L.text("sheet_mkba", lang), results, title=L.text("out_simulated_title", lang, name=name),
                  notes=notes, row_kinds=[_mkba_kind(k) for k in keys], formats={L.column("unit", lang): "text"})
        add_sheet(book, L.text("out_sheet_items", lang), item_frame, formats={L.column("ncw", lang): "eur"},
                  title=L.text("out_items_title", lang))
        add_sheet(book, L.text("out_sheet_stakeholders", lang), parties,
                  formats={c: "eur" for c in parties.columns[1:-1]}, title=L.text("out_stakeholders_eur_title", lang))
        add_sheet(book, L.text("sheet_settings", lang), settings_frame, title=name)
        add_sheet(book, L.text("out_sheet_sources", lang), sources_sheet(prices, lang),
                  title=L.text("out_sources_title_simulated", lang), notes=[L.text("out_sources_note", lang)],
                  landscape=True)
    return path


__all__ = [
    "break_even_label",
    "break_even_sheet",
    "cockpit_notes",
    "cockpit_row_label",
    "cockpit_sheet",
    "inputs_sheet",
    "regime_words",
    "sources_sheet",
    "stakeholder_sheet",
    "unpriced_words",
    "write_cockpit_workbook",
    "write_simulated_workbook",
]
