"""The report of ``mph compare``: the sections of every report (:mod:`sim.reports.report`), one column per
scenario."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from calibration.status import calibration_status
from scenarios.domains import ESCALATIONS
from scenarios.register import STAKEHOLDERS
from sim.reports.bands import band_bounds, band_note
from sim.reports.report import (
    FEW_REPLICATIONS,
    glossary_section,
    published_cockpit,
    share_positive,
    status_section,
    subtitle,
    with_interval,
)
from sim.reports.report_doc import Block, Document, Heading, Paragraph, Table
from sim.reports.report_text import cockpit_label, keur, number, party, percent, text


def _per_scenario(comparison: Any, measure: str, method: str = "difference") -> pd.DataFrame:
    """replication x scenario values of one measure of a comparison."""
    rows = comparison.measures[(comparison.measures["method"] == method) & (comparison.measures["measure"] == measure)]
    return rows.pivot_table(index="replication", columns="scenario", values="value").reindex(columns=comparison.names)


def compare_sentences(comparison: Any, lang: str = "nl") -> list[str]:
    """The plain-language summary of a comparison: the best and worst scenario by balance, escalations avoided, the
    municipality's cash, and why differences between scenarios are not chance."""
    balance = _per_scenario(comparison, "mkba_balance")
    means = balance.mean()
    best, worst = str(means.idxmax()), str(means.idxmin())
    avoided = -sum(_per_scenario(comparison, f"{e}_per_year").mean() for e in ESCALATIONS)
    cash = _per_scenario(comparison, "mkba_balance_municipality_cashable").mean()
    sentences = [text("c_best", lang, n=len(comparison.names), best=best, balance=with_interval(balance[best], lang),
                      share=percent(share_positive(balance[best]), lang), worst=worst,
                      worst_balance=keur(means[worst], lang))]
    if best != worst:
        sentences.append(text("c_escalations", lang, best=best, fewer=number(avoided[best], lang), worst=worst,
                              worst_fewer=number(avoided[worst], lang)))
    sentences += [text("c_municipality", lang, municipality=keur(cash[best], lang), best=best),
                  text("c_same_households", lang)]
    published = published_cockpit().result["mkba_balance_keur"]
    calibrated = calibration_status(comparison.scenarios[0]).drawing
    sentences.append(text("s_certainty_calibrated" if calibrated else "s_certainty", lang,
                          cockpit=number(published, lang)))
    return sentences


def compare_report(comparison: Any, lang: str = "nl", details: Sequence[Block] = ()) -> Document:
    """The report of ``mph compare``: the sections of every report, one column per scenario; ``details`` (the
    comparison's own tables and charts) go before the glossary."""
    first = comparison.scenarios[0]
    reps = comparison.measures["replication"].nunique()
    document = Document(text("title_compare", lang), subtitle(first, lang, " | ".join(comparison.names), reps), lang)
    document.add(Heading(text("h_summary", lang)), *(Paragraph(s) for s in compare_sentences(comparison, lang)))
    status_section(document, first)
    names = comparison.names
    published = published_cockpit()
    mean = {key: _per_scenario(comparison, key).mean() for key in ("mkba_costs", "mkba_benefits", "mkba_balance")}
    ratio = _per_scenario(comparison, "mkba_benefit_cost_ratio").mean()
    header = (text("col_line", lang), text("col_published", lang),
              *(f"{n} ({text('col_simulated', lang, years=s.horizon_years)})"
                for n, s in zip(names, comparison.scenarios, strict=True)))
    rows = (
        (cockpit_label("total", "costs", lang), number(published.costs_keur_ncw["total"], lang),
         *(keur(mean["mkba_costs"][n], lang) for n in names)),
        (cockpit_label("total", "benefits", lang), number(published.benefits_keur_ncw["total"], lang),
         *(keur(mean["mkba_benefits"][n], lang) for n in names)),
        (text("row_balance", lang), number(published.result["mkba_balance_keur"], lang),
         *(keur(mean["mkba_balance"][n], lang) for n in names)),
        (text("row_bcr", lang),
         number(published.benefits_keur_ncw["total"] / published.costs_keur_ncw["total"], lang, 2),
         *(number(ratio[n], lang, 2) for n in names)),
    )
    document.add(Heading(text("h_cockpit", lang)), Table(header, rows, frozenset({2}), wrapper="cockpit"),
                 Paragraph(text("compare_cockpit_note", lang, rate=percent(comparison.rate_pct / 100, lang, 2)),
                           "note"))
    party_header = (text("col_party", lang), *names)
    for heading, suffix, note in (("h_stakeholders", "", text("stakeholder_note", lang, years=first.horizon_years)),
                                  ("h_budget", "_cashable", text("budget_compare_note", lang))):
        rows = tuple((party(s, lang), *(keur(v, lang) for v in
                                               _per_scenario(comparison, f"mkba_balance_{s}{suffix}").mean()))
                     for s in STAKEHOLDERS)
        document.add(Heading(text(heading, lang)), Table(party_header, rows), Paragraph(note, "note"))
    balance = _per_scenario(comparison, "mkba_balance")
    rows = tuple((n, percent(share_positive(balance[n]), lang), *(keur(b, lang) for b in band_bounds(balance[n])))
                 for n in names)
    calibrated = calibration_status(first).drawing
    document.add(Heading(text("h_probability", lang)),
                 Table((text("col_scenario", lang), text("col_share_positive", lang), text("col_band_lo", lang),
                        text("col_band_hi", lang)), rows),
                 Paragraph(band_note(reps, lang), "note"),
                 Paragraph(text("probability_calibrated" if calibrated else "probability_uncalibrated", lang),
                           "status"))
    if reps < FEW_REPLICATIONS:
        document.add(Paragraph(text("few_reps", lang, reps=reps), "note"))
    document.add(*details)
    glossary_section(document)
    return document


__all__ = ["compare_report", "compare_sentences"]
