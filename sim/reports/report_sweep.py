"""The summary and report of ``mph sweep``: where the MKBA balance is highest, the best setting of the first lever
per level of the second, and where the probability of a positive balance drops below one half; then the sections
of every report (:mod:`sim.reports.report`) for the best design point, the table per point and the sweep's charts.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from calibration.status import calibration_status
from scenarios.register import STAKEHOLDERS
from sim.reports.bands import band_bounds, band_note
from sim.reports.report import (
    FEW_REPLICATIONS,
    glossary_section,
    published_cockpit,
    status_section,
    subtitle,
)
from sim.reports.report_doc import Document, Figure, Heading, Paragraph, Table
from sim.reports.report_text import cockpit_label, keur, lever, number, party, percent, text

BALANCE = "mkba_balance"
MAX_LISTED = 8  # points named in one sentence; more are counted


def _setting(value: Any, lang: str) -> str:
    if isinstance(value, float):
        return number(value, lang, 0 if value.is_integer() else 1)
    return str(value)


def point_outcomes(sweep: Any, table: pd.DataFrame) -> pd.DataFrame:
    """Per design point: its lever settings, and the balance's mean, band (``p5``, ``p95``) and the share of
    replications in which it is positive (EUR NCW); empty when the sweep computes no balance."""
    rows = table[(table["method"] == "difference") & (table["measure"] == BALANCE)]
    if rows.empty:
        return pd.DataFrame()
    values = rows.groupby("point")["value"]
    out = sweep.design_table().set_index("point")[[f.name for f in sweep.levers]]
    out["mean"] = values.mean()
    bands = values.apply(band_bounds)
    out["p5"] = bands.map(lambda b: b[0])  # the band of sim.reports.bands: 5%-95% from 10 replications, else range
    out["p95"] = bands.map(lambda b: b[1])
    out["share_positive"] = values.apply(lambda v: float((v > 0).mean()))
    out["replications"] = values.size()
    return out


def where(sweep: Any, row: pd.Series, lang: str) -> str:
    """A design point in words: 'fte regisseurs 20, mandaat volledig' (or its number where it has no levers)."""
    if not sweep.levers:
        return f"{'ontwerppunt' if lang == 'nl' else 'design point'} {row.name}"
    return ", ".join(f"{lever(f.name, lang)} {_setting(row[f.name], lang)}" for f in sweep.levers)


def _grid_axes(sweep: Any) -> tuple[str, str | None] | None:
    """The grid's x lever (numeric levels) and y lever, as the heatmap draws them; None for other designs."""
    if sweep.spec.design != "grid" or not sweep.levers:
        return None
    from sim.reports.sweep import _axes

    return _axes(sweep)


def sweep_sentences(sweep: Any, table: pd.DataFrame, lang: str = "nl") -> list[str]:
    """The plain-language summary of a sweep (see the module docstring)."""
    points = point_outcomes(sweep, table)
    if points.empty:
        return [text("w_no_money", lang)]
    best, worst = points["mean"].idxmax(), points["mean"].idxmin()
    sentences = [
        text("w_highest", lang, where=where(sweep, points.loc[best], lang),
             balance=f"{keur(points.loc[best, 'mean'], lang)} [{keur(points.loc[best, 'p5'], lang)} – "
                     f"{keur(points.loc[best, 'p95'], lang)}]"),
        text("w_lowest", lang, where=where(sweep, points.loc[worst], lang), balance=keur(points.loc[worst, "mean"],
                                                                                          lang)),
    ]
    axes = _grid_axes(sweep)
    if axes is not None:
        x, y = axes
        if y is None:
            sentences.append(text("w_best_x", lang, x=lever(x, lang),
                                  best=_setting(points.loc[points["mean"].idxmax(), x], lang)))
        else:
            pairs = [f"{_setting(level, lang)}: {_setting(group.loc[group['mean'].idxmax(), x], lang)}"
                     for level, group in _by_level(sweep, points, y)]
            sentences.append(text("w_best_per", lang, x=lever(x, lang), y=lever(y, lang),
                                  pairs="; ".join(pairs)))
    below = points[points["share_positive"] < 0.5]
    if below.empty:
        lowest = points["share_positive"].idxmin()
        sentences.append(text("w_never_below_half", lang, lowest=percent(points.loc[lowest, "share_positive"], lang),
                              where=where(sweep, points.loc[lowest], lang)))
    elif len(below) == len(points):
        sentences.append(text("w_below_half_everywhere", lang))
    else:
        sentences.append(text("w_below_half", lang, where=_below_half(sweep, points, below, axes, lang)))
    sentences.append(text("w_sign", lang, positive=int((points["mean"] > 0).sum()), points=len(points)))
    return sentences


def _by_level(sweep: Any, points: pd.DataFrame, lever: str) -> list[tuple[Any, pd.DataFrame]]:
    """The points per level of ``lever``, in the order the sweep file lists the levels."""
    levels = [lv.label for lv in next(f for f in sweep.levers if f.name == lever).levels]
    return [(level, points[points[lever] == level]) for level in levels if (points[lever] == level).any()]


def _below_half(sweep: Any, points: pd.DataFrame, below: pd.DataFrame, axes: tuple[str, str | None] | None,
                lang: str) -> str:
    """The points where a positive balance is less likely than not, grouped per level of the grid's second lever
    ('mandaat ketenregie: fte regisseurs 4, 8; mandaat gedeeltelijk: elke fte regisseurs')."""
    if axes is None or axes[1] is None:
        named = [where(sweep, row, lang) for _, row in below.iterrows()]
        more = f" (+{len(named) - MAX_LISTED})" if len(named) > MAX_LISTED else ""
        return "; ".join(named[:MAX_LISTED]) + more
    x, y = axes
    parts = []
    for level, group in _by_level(sweep, below, y):
        every = len(group) == int((points[y] == level).sum())
        xs = (text("word_every", lang) + " " + lever(x, lang) if every
              else f"{lever(x, lang)} {', '.join(_setting(v, lang) for v in group[x])}")
        parts.append(f"{lever(y, lang)} {_setting(level, lang)}: {xs}")
    return "; ".join(parts)


def sweep_report(sweep: Any, table: pd.DataFrame, rate_pct: float, charts: Sequence[Path] = (),
                 lang: str = "nl", discovery: Any = None) -> Document:
    """The report of ``mph sweep``: the summary, the calibration status, the best point's MKBA next to the published
    cockpit and per party, the probability of a positive balance per point, with a scenario discovery (PRIM,
    :mod:`sim.experiments.discovery`) the conditions under which the balance is positive, the sweep's charts and
    the glossary."""
    points = point_outcomes(sweep, table)
    reps = sweep.spec.replications
    document = Document(text("title_sweep", lang),
                        f"{sweep.spec.name} ({sweep.spec.design}, {len(sweep.points)} "
                        f"{'ontwerppunten' if lang == 'nl' else 'design points'}); "
                        + subtitle(sweep.scenario, lang, replications=reps).split(": ", 1)[1], lang)
    document.add(Heading(text("h_summary", lang)), *(Paragraph(s) for s in sweep_sentences(sweep, table, lang)))
    status_section(document, sweep.scenario)
    if not points.empty:
        best = points["mean"].idxmax()
        _best_point_sections(document, sweep, table, best, where(sweep, points.loc[best], lang), rate_pct)
        header = (text("col_scenario", lang), text("col_mean", lang), text("col_band_lo", lang),
                  text("col_band_hi", lang), text("col_share_positive", lang))
        rows = tuple((where(sweep, row, lang), keur(row["mean"], lang), keur(row["p5"], lang),
                      keur(row["p95"], lang), percent(row["share_positive"], lang)) for _, row in points.iterrows())
        calibrated = calibration_status(sweep.scenario).drawing
        document.add(Heading(text("h_probability", lang)), Table(header, rows),
                     Paragraph(band_note(reps, lang), "note"),
                     Paragraph(text("probability_calibrated" if calibrated else "probability_uncalibrated", lang),
                               "status"))
        if reps < FEW_REPLICATIONS:
            document.add(Paragraph(text("few_reps", lang, reps=reps), "note"))
    pictures = [p for p in charts if Path(p).suffix == ".png" and Path(p).exists()]
    if discovery is not None:
        from sim.reports.report_discovery import PNG, discovery_section

        discovery_section(document, discovery, next((p for p in pictures if Path(p).name == PNG), None))
        pictures = [p for p in pictures if Path(p).name != PNG]
    if pictures:
        document.add(Heading(text("h_charts", lang)))
        document.add(*(Figure(Path(p).read_bytes(), Path(p).stem.replace("_", " ")) for p in pictures))
    glossary_section(document)
    return document


def _best_point_sections(document: Document, sweep: Any, table: pd.DataFrame, point: int, name: str,
                         rate_pct: float) -> None:
    lang = document.lang
    rows = table[(table["method"] == "difference") & (table["point"] == point)]
    mean = rows.groupby("measure")["value"].mean()
    published = published_cockpit()
    header = (text("col_line", lang), text("col_published", lang),
              f"{text('col_best', lang)}: {name} ({text('col_simulated', lang, years=sweep.scenario.horizon_years)})")
    cockpit_rows = (
        (cockpit_label("total", "costs", lang), number(published.costs_keur_ncw["total"], lang),
         keur(mean.get("mkba_costs"), lang)),
        (cockpit_label("total", "benefits", lang), number(published.benefits_keur_ncw["total"], lang),
         keur(mean.get("mkba_benefits"), lang)),
        (text("row_balance", lang), number(published.result["mkba_balance_keur"], lang),
         keur(mean.get("mkba_balance"), lang)),
    )
    document.add(Heading(text("h_cockpit", lang)), Table(header, cockpit_rows, frozenset({2}), wrapper="cockpit"),
                 Paragraph(text("compare_cockpit_note", lang, rate=percent(rate_pct / 100, lang, 2)), "note"))
    party_rows = tuple((party(s, lang), keur(mean.get(f"mkba_balance_{s}"), lang),
                        keur(mean.get(f"mkba_balance_{s}_cashable"), lang),
                        keur(mean.get(f"mkba_balance_{s}_non_cashable"), lang)) for s in STAKEHOLDERS)
    document.add(Heading(f"{text('h_stakeholders', lang)} ({name})"),
                 Table((text("col_party", lang), text("col_balance", lang), text("col_cashable", lang),
                        text("col_non_cashable", lang)), party_rows),
                 Paragraph(text("stakeholder_note", lang, years=sweep.scenario.horizon_years), "note"))


__all__ = ["point_outcomes", "sweep_report", "sweep_sentences", "where"]
