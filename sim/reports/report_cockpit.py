"""The report of ``mph mkba --cockpit``: the e-book's aggregate cockpit (or a municipality's own inputs), rebuilt line
by line next to the published figures, with the sections every report has (:mod:`sim.reports.report`).

The cockpit is one calculation from published assumptions, not a simulation: it has no replications, so its report
says what it rests on instead of a probability of a positive balance.
"""

from __future__ import annotations

import datetime as dt

from scenarios.register import STAKEHOLDERS
from sim.mkba.cockpit import BENEFITS, COSTS, CockpitResult, compare
from sim.mkba.discounting import npv
from sim.reports.report import BUDGET_YEARS, glossary_section
from sim.reports.report_doc import Document, Heading, Paragraph, Table
from sim.reports.report_text import cockpit_label, keur, number, party, percent, text


def cockpit_sentences(result: CockpitResult, lang: str = "nl") -> list[str]:
    """What the cockpit says, in three to five sentences from its numbers."""
    s = result.settings
    lines = result.result_lines()
    benefit_lines = {line.key: cockpit_label(line.key, "benefits", lang) for group in BENEFITS.children
                     for line in group.children}
    top = max(benefit_lines, key=lambda key: result.benefits[key])
    rows = {row.stakeholder: row for row in result.tables.stakeholders}
    city = rows["municipality"]
    others = {who: rows[who].balance for who in STAKEHOLDERS if who != "municipality"}
    winner = max(others, key=lambda who: others[who])
    checks = compare(result)
    sentences = [
        text("k_totals", lang, years=s.horizon_years, costs=keur(result.costs["total"], lang),
             benefits=keur(result.benefits["total"], lang), balance=keur(result.balance, lang),
             ratio=number(lines["benefit_cost_ratio"], lang, 2)),
        text("k_top", lang, line=benefit_lines[top], amount=keur(result.benefits[top], lang),
             share=percent(result.benefits[top] / result.benefits["total"], lang)),
        text("k_municipality", lang, costs=keur(city.costs, lang), benefits=keur(city.benefits, lang),
             non_cashable=keur(city.benefits_non_cashable, lang), winner=party(winner, lang, running=True),
             winner_balance=keur(others[winner], lang)),
    ]
    if checks:
        outside = [c for c in checks if not c.within]
        sentences.append(text("k_reproduced", lang, n=len(checks)) if not outside
                         else text("k_outside", lang, n=len(outside), total=len(checks)))
    sentences.append(text("k_certainty", lang))
    return sentences


def cockpit_report(result: CockpitResult, source: str, lang: str = "nl") -> Document:
    """The cockpit's report: summary, what it rests on, the cockpit next to the published one, who pays, the budget
    per party per year, and the glossary."""
    from sim import __version__

    s = result.settings
    subtitle = text("k_subtitle", lang, source=source, years=s.horizon_years, price_year=s.price_year,
                    rate=percent(s.discount_rate_pct / 100, lang, 2), date=dt.date.today().isoformat(),
                    version=__version__)
    document = Document(text("title_cockpit", lang), subtitle, lang)
    document.add(Heading(text("h_summary", lang)), *(Paragraph(x) for x in cockpit_sentences(result, lang)))
    document.add(Heading(text("h_status", lang)), Paragraph(text("k_status", lang), "status"))
    by_key = {(c.section, c.key): c for c in compare(result)}
    header = (text("col_line", lang), text("col_published", lang), text("col_reproduced", lang),
              text("col_difference", lang))
    rows, bold, indent = [], set(), []
    for section, tree, values in (("costs_keur_ncw", COSTS, result.costs), ("benefits_keur_ncw", BENEFITS,
                                                                            result.benefits)):
        for line, depth in tree.walk():
            check = by_key.get((section, line.key))
            if depth == 0:
                bold.add(len(rows))
            indent.append(depth)
            rows.append((cockpit_label(line.key, section.removesuffix("_keur_ncw"), lang)
                         + ("" if line.printed else " *"),
                         number(check.published, lang) if check else "–", keur(values[line.key], lang),
                         number(check.difference, lang, 1) if check else ""))
    balance = by_key.get(("result", "mkba_balance_keur"))
    bold.add(len(rows))
    indent.append(0)
    rows.append((text("row_balance", lang), number(balance.published, lang) if balance else "–",
                 keur(result.balance, lang), number(balance.difference, lang, 1) if balance else ""))
    document.add(Heading(text("h_cockpit_reproduced", lang)),
                 Table(header, tuple(rows), frozenset(bold), tuple(indent), wrapper="cockpit"),
                 Paragraph(text("k_cockpit_note", lang), "note"))
    stakeholders = result.tables.stakeholders
    party_rows = tuple((party(r.stakeholder, lang), keur(r.balance, lang),
                        keur(r.benefits_cashable - r.costs_cashable, lang),
                        keur(r.benefits_non_cashable - r.costs_non_cashable, lang)) for r in stakeholders)
    document.add(Heading(text("h_stakeholders", lang)),
                 Table((text("col_party", lang), text("col_balance", lang), text("col_cashable", lang),
                        text("col_non_cashable", lang)), party_rows),
                 Paragraph(text("stakeholder_note_cockpit", lang, years=s.horizon_years), "note"))
    # every year of the approach repeats the published year: its cash is the NCW spread back over the years
    per_year = npv([1.0] * s.horizon_years, s.discount_rate_pct / 100.0)
    years = range(1, min(BUDGET_YEARS, s.horizon_years) + 1)
    budget_rows = tuple(
        (party(r.stakeholder, lang), *(keur((r.benefits_cashable - r.costs_cashable) / per_year, lang) for _ in years))
        for r in stakeholders)
    document.add(Heading(text("h_budget", lang)),
                 Table((text("col_party", lang), *(text("col_year", lang, year=y) for y in years)), budget_rows),
                 Paragraph(text("k_budget_note", lang), "note"))
    glossary_section(document)
    return document


__all__ = ["cockpit_report", "cockpit_sentences"]
