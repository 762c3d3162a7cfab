"""The report of ``--report`` for ``mph run``, ``mph mkba``, ``mph compare`` and ``mph sweep``: one self-contained
HTML file and an A4 PDF a policy maker can read and take to the council.

Every report opens with the same sections, in this order: what it means in plain words (sentences generated from
the numbers), how certain it is (the calibration status line), the MKBA in the cockpit's layout next to the
published cockpit, who pays and who benefits, a budget per party for the first years, the probability of a positive
balance, and a glossary. Words come from ``labels_report.yaml`` (Dutch, or English with ``lang='en'``).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from calibration.status import calibration_status
from scenarios.domains import ESCALATIONS
from scenarios.register import STAKEHOLDERS, Register
from scenarios.scenario import Scenario
from sim.mkba.cockpit import BENEFITS, COSTS
from sim.mkba.inputs import load_inputs
from sim.mkba.simulated import SimulatedMkba
from sim.mkba.simulated_cockpit import SimulatedCockpit, layout, simulated_cockpit
from sim.reports import labels as L
from sim.reports.bands import band_bounds, band_note
from sim.reports.report_doc import (
    Bullets,
    Document,
    Figure,
    Glossary,
    Heading,
    Paragraph,
    Table,
    figure_png,
    write_document,
)
from sim.reports.report_text import cockpit_label, glossary, keur, number, party, percent, text
from sim.run import Results

BUDGET_YEARS = 5  # the first years a municipality budgets for (the LPBL tool showed two to five)
FEW_REPLICATIONS = 10  # below this a share of replications is too coarse to lean on

def published_cockpit() -> Any:
    """The published cockpit of the e-book's example municipality (kEUR NCW per line key)."""
    return load_inputs(None).published


# --- the facts a report speaks about ----------------------------------------------------------------------------


def share_positive(balances: pd.Series) -> float:
    """Share of replications whose balance is above zero."""
    values = balances.dropna()
    return float((values > 0).mean()) if len(values) else float("nan")


def budget_per_party(results: Results, register: Register, years: int = BUDGET_YEARS) -> pd.DataFrame:
    """Cashable money per party and year, old method minus 1g1p1r (positive: the party keeps money), EUR, mean over
    replications, undiscounted as a budget is; the first ``years`` years of the horizon."""
    costs = results.costs
    cashable = costs["key"].map(lambda key: bool(register[key].cashable))
    cash = costs[cashable & (costs["year"] <= years)]
    wide = cash.groupby(["replication", "payer", "year", "method"])["eur"].sum().unstack("method", fill_value=0.0)
    saving = (wide.get("verkokerd", 0.0) - wide.get("1g1p1r", 0.0)).rename("eur").reset_index()
    reps = results.measures["replication"].nunique()
    table = saving.groupby(["payer", "year"])["eur"].sum().unstack("year", fill_value=0.0) / reps
    shown = range(1, min(years, results.scenario.horizon_years) + 1)
    return table.reindex(index=list(STAKEHOLDERS), columns=list(shown), fill_value=0.0)


def escalations_per_year(summary: pd.DataFrame) -> pd.DataFrame:
    """Per escalation type: mean per year under the old method, under 1g1p1r, and their paired difference."""
    rows = {}
    for escalation in ESCALATIONS:
        key = f"{escalation}_per_year"
        rows[escalation] = [summary.loc[(method, key), "mean"] for method in ("verkokerd", "1g1p1r", "difference")]
    return pd.DataFrame.from_dict(rows, orient="index", columns=["verkokerd", "1g1p1r", "difference"])


# --- shared sections ------------------------------------------------------------------------------------------------


def status_section(document: Document, scenario: Scenario) -> None:
    lang = document.lang
    document.add(Heading(text("h_status", lang)),
                 Paragraph(calibration_status(scenario).line(lang), "status"),
                 Paragraph(text("balance_meaning", lang)))


def glossary_section(document: Document) -> None:
    document.add(Heading(text("h_glossary", document.lang)), Glossary(tuple(glossary(document.lang))),
                 Paragraph(text("a_glossary", document.lang), "note"))


def cockpit_table(cockpit: SimulatedCockpit) -> list[tuple[str, str, int, bool, bool, float | None, float | None]]:
    """The report's cockpit table from the simulated cockpit (:mod:`sim.mkba.simulated_cockpit`, the one mapping of
    simulated counts onto cockpit lines, as ``mph mkba`` prints it): per line (section, key, depth, printed, extra
    leaf, kEUR in the first year, kEUR per year over the horizon), mean over replications; None where the line is not
    simulated. The last row is the balance."""
    first = cockpit.years[0]
    rows: list[tuple[str, str, int, bool, bool, float | None, float | None]] = []

    def value(frame: pd.DataFrame, key: str) -> tuple[float | None, float | None]:
        by_year = frame[key].groupby(level="year").mean()
        if by_year.isna().all():
            return None, None
        return float(by_year.loc[first]), float(by_year.mean())

    for section, tree, frame in (("costs", COSTS, cockpit.costs), ("benefits", BENEFITS, cockpit.benefits)):
        for key, depth, printed, extra in layout(tree):
            rows.append((section, key, depth, printed, extra, *value(frame, key)))
    rows.append(("result", "mkba_balance_keur", 0, True, False, *value(cockpit.result, "mkba_balance_keur")))
    return rows


def _cockpit_section(document: Document, cockpit: SimulatedCockpit, years: int) -> None:
    lang = document.lang
    published = published_cockpit()
    header = (text("col_line", lang), text("col_published", lang), text("col_cockpit_first_year", lang),
              *([text("col_cockpit_mean_year", lang, years=years)] if years > 1 else []))
    rows, bold, indent = [], set(), []
    for section, key, depth, printed, extra, first, mean in cockpit_table(cockpit):
        if not printed and not extra and not first:  # an implied line the simulation nets elsewhere or lacks
            continue
        if section == "result":
            label, pub = text("row_balance", lang), published.result[key]
        else:
            label = cockpit_label(key, section, lang) + ("" if printed or extra else " *")
            pub = None if extra else getattr(published, f"{section}_keur_ncw").get(key)
        if depth == 0:
            bold.add(len(rows))
        indent.append(depth)
        cells = ([number(first, lang), *([number(mean, lang)] if years > 1 else [])] if first is not None
                 else [text("not_simulated", lang), *([""] if years > 1 else [])])
        rows.append((label, number(pub, lang) if pub is not None else "–", *cells))
    document.add(Heading(text("h_cockpit", lang)),
                 Table(header, tuple(rows), frozenset(bold), tuple(indent), wrapper="cockpit"),
                 Paragraph(text("cockpit_table_note", lang), "note"))


def _stakeholder_section(document: Document, mean: pd.Series, years: int) -> None:
    lang = document.lang
    header = (text("col_party", lang), text("col_balance", lang), text("col_cashable", lang),
              text("col_non_cashable", lang))
    rows = tuple((party(s, lang), keur(mean[f"balance_{s}"], lang), keur(mean[f"balance_{s}_cashable"], lang),
                  keur(mean[f"balance_{s}_non_cashable"], lang)) for s in STAKEHOLDERS)
    total = (text("col_total", lang), keur(mean["balance"], lang),
             keur(sum(mean[f"balance_{s}_cashable"] for s in STAKEHOLDERS), lang),
             keur(sum(mean[f"balance_{s}_non_cashable"] for s in STAKEHOLDERS), lang))
    document.add(Heading(text("h_stakeholders", lang)),
                 Table(header, (*rows, total), frozenset({len(rows)})),
                 Paragraph(text("stakeholder_note", lang, years=years), "note"))


def _budget_section(document: Document, budget: pd.DataFrame) -> None:
    lang = document.lang
    header = (text("col_party", lang), *(text("col_year", lang, year=y) for y in budget.columns),
              text("col_total", lang))
    rows = tuple((party(who, lang), *(keur(v, lang) for v in values), keur(sum(values), lang))
                 for who, values in zip(budget.index, budget.to_numpy(), strict=True))
    document.add(Heading(text("h_budget", lang)), Table(header, rows), Paragraph(text("budget_note", lang), "note"))


def _balance_histogram(balances: pd.Series, lang: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    values = balances.dropna().to_numpy() / 1000.0
    fig, ax = plt.subplots(figsize=(7, 2.6))
    bins = max(5, min(30, len(values) // 2))
    counts, edges = np.histogram(values, bins=bins)
    colours = ["#2e7d32" if (lo + hi) / 2 > 0 else "#c62828" for lo, hi in itertools.pairwise(edges)]
    ax.bar(edges[:-1], counts, width=np.diff(edges), align="edge", color=colours, edgecolor="white")
    ax.axvline(0, color="black", linewidth=1)
    ax.set_xlabel(f"{text('row_balance', lang)} (NCW, {'x € 1.000' if lang == 'nl' else 'x EUR 1,000'})")
    ax.set_ylabel("replicaties" if lang == "nl" else "replications")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return figure_png(fig)


def _probability_section(document: Document, balances: pd.Series, calibrated: bool) -> None:
    lang = document.lang
    values = balances.dropna()
    reps = len(values)
    positive = int((values > 0).sum())
    document.add(Heading(text("h_probability", lang)),
                 Paragraph(text("probability_text", lang, positive=positive, reps=reps,
                                share=percent(positive / reps if reps else float("nan"), lang),
                                band=band_note(reps, lang), lo=keur(band_bounds(values)[0], lang),
                                hi=keur(band_bounds(values)[1], lang))),
                 Paragraph(text("probability_calibrated" if calibrated else "probability_uncalibrated", lang),
                           "status"))
    if reps < FEW_REPLICATIONS:
        document.add(Paragraph(text("few_reps", lang, reps=reps), "note"))
    if reps >= 2:
        caption = ("MKBA-saldo per replicatie; groen: positief, rood: negatief" if lang == "nl"
                   else "MKBA balance per replication; green: positive, red: negative")
        document.add(Figure(_balance_histogram(values, lang), caption))


def _escalation_section(document: Document, summary: pd.DataFrame) -> None:
    lang = document.lang
    table = escalations_per_year(summary)
    header = (text("col_measure", lang), text("col_old", lang), text("col_new", lang), text("col_difference", lang))
    rows = tuple((L.label("escalation", str(e), lang),
                  number(r["verkokerd"], lang, 1), number(r["1g1p1r"], lang, 1), number(r["difference"], lang, 1))
                 for e, r in table.iterrows())
    document.add(Heading(text("h_escalations", lang)), Table(header, rows))


def _about(document: Document, lines: Sequence[str]) -> None:
    document.add(Heading(text("h_about", document.lang)), Bullets(tuple(lines)))


def subtitle(scenario: Scenario, lang: str, name: str | None = None, replications: int | None = None) -> str:
    """What was run, in one line under the title."""
    return text("subtitle", lang, scenario=name or scenario.name,
                households=number(scenario.population.households, lang),
                fte=number(scenario.levers.fte, lang, 1 if scenario.levers.fte % 1 else 0),
                years=scenario.horizon_years, reps=replications or scenario.replications, seed=scenario.seed,
                date=dt.date.today().isoformat(), version=_version())


# --- the plain-language summary ---------------------------------------------------------------------------------------


def summary_sentences(results: Results, mkba: SimulatedMkba, register: Register, lang: str = "nl") -> list[str]:
    """Three to five sentences from the numbers: escalations avoided, what it costs and avoids, the balance and how
    often it is positive, who pays and who benefits, and how certain it is."""
    summary = results.summary()
    scenario = results.scenario
    esc = escalations_per_year(summary)
    avoided = -float(esc["difference"].sum())
    base = float(esc["verkokerd"].sum())
    evictions = -float(esc.loc["eviction", "difference"])
    mean = mkba.per_replication.mean()
    reps = len(mkba.per_replication)
    word = "fewer" if avoided >= 0 else "more"
    sentences = [
        text("s_escalations", lang, fewer=number(abs(avoided), lang), direction=text(word, lang),
             pct=percent(abs(avoided) / base if base else float("nan"), lang),
             evictions=number(abs(evictions), lang, 1), eviction_direction=text("fewer" if evictions >= 0 else "more",
                                                                              lang)),
        # the run's MKBA (NCW over the horizon), whose balance the next sentence gives
        text("s_costs", lang, years=scenario.horizon_years, costs=keur(mean["costs"], lang),
             benefits=keur(mean["benefits"], lang)),
        text("s_balance", lang, balance=with_interval(mkba.per_replication["balance"], lang),
             share=percent(share_positive(mkba.per_replication["balance"]), lang), reps=reps),
    ]
    budget = budget_per_party(results, register)
    balances = {s: mean[f"balance_{s}"] for s in STAKEHOLDERS if s != "municipality"}
    winner = max(balances, key=lambda s: balances[s])
    sentences.append(text("s_payers", lang, municipality=keur(budget.loc["municipality"].sum(), lang),
                          budget_years=len(budget.columns), winner=party(winner, lang, running=True),
                          winner_balance=keur(balances[winner], lang)))
    published = published_cockpit().result["mkba_balance_keur"]
    calibrated = calibration_status(scenario).drawing
    sentences.append(text("s_certainty_calibrated" if calibrated else "s_certainty", lang,
                          cockpit=number(published, lang)))
    return sentences


def with_interval(values: pd.Series, lang: str) -> str:
    """'mean [low – high]' with the band of :mod:`sim.reports.bands` (5%-95% from 10 replications, else the range)."""
    lo, hi = band_bounds(values)
    return f"{keur(values.mean(), lang)} [{keur(lo, lang)} – {keur(hi, lang)}]"


# --- the reports ------------------------------------------------------------------------------------------------------


def simulated_report(results: Results, mkba: SimulatedMkba, register: Register, regime: str, lang: str = "nl",
                     command: str = "run") -> Document:
    """The report of ``mph run`` (``command='run'``, with the escalation table) or ``mph mkba SCENARIO``."""
    scenario = results.scenario
    document = Document(text(f"title_{command}", lang), subtitle(scenario, lang), lang)
    document.add(Heading(text("h_summary", lang)),
                 *(Paragraph(s) for s in summary_sentences(results, mkba, register, lang)))
    status_section(document, scenario)
    _cockpit_section(document, simulated_cockpit(results, register, mkba.price_year), scenario.horizon_years)
    _stakeholder_section(document, mkba.per_replication.mean(), mkba.horizon_years)
    _budget_section(document, budget_per_party(results, register))
    _probability_section(document, mkba.per_replication["balance"], calibration_status(scenario).drawing)
    if command == "run":
        _escalation_section(document, results.summary())
    glossary_section(document)
    _about(document, [text("a_run", lang),
                      text("a_discount", lang, rate=percent(mkba.rate_pct / 100, lang, 2), regime=regime)])
    return document


def write_simulated_report(target: Path, results: Results, register: Register, lang: str = "nl",
                           command: str = "run", rate_pct: float | None = None, regime: str | None = None,
                           mkba: SimulatedMkba | None = None) -> list[Path]:
    """Price ``results`` (unless ``mkba`` is given) and write the report's HTML and PDF; returns both paths."""
    from sim.mkba.cockpit import resolve_rate
    from sim.mkba.simulated import simulated_mkba

    if rate_pct is None:
        rate_pct, regime = resolve_rate(register, None, None)
    if mkba is None:
        mkba = simulated_mkba(results, register, rate_pct)
    return write_document(simulated_report(results, mkba, register, regime or "", lang, command), target)


def _version() -> str:
    from sim import __version__

    return __version__


__all__ = [
    "BUDGET_YEARS",
    "budget_per_party",
    "cockpit_table",
    "escalations_per_year",
    "share_positive",
    "simulated_report",
    "summary_sentences",
    "write_simulated_report",
]
