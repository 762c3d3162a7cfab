"""The simulated cockpit: every line of the published LPBL cockpit, per year, from a simulation run.

Per replication and simulated year, each quantity of the cockpit is the difference 1g1p1r minus the old method
on the same households (or, for the approach's own size and costs, the 1g1p1r count), and each money line is
that quantity times the register price the cockpit reproduction uses (:mod:`sim.mkba.cockpit`). Lines the model
does not simulate are derived from simulated quantities by a stated rule taken from the cockpit's own reasoning
(debt-free after 3 years = 22/63 of the financially stabilised), or are marked "niet gesimuleerd" with the reason.
No published figure enters a line: the published cockpit is only the comparison.

Money follows the cockpit's convention (one year of the approach, undiscounted: the published figures at a
horizon of 1 year): a year's shelter stays and placements prevented count their mean duration in that year, as
the cockpit's 409 = 4 stays x 2.5 years x a yearly price does. Lines the cockpit does not price (out-of-home
placement, which it prints as "-"; school dropout beyond the cockpit's effect; utility cut-offs, which have no
line) are shown, but the cockpit's subtotals and balance leave them out; the balance "with unpriced
escalations" adds them (issue 14, item 9).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from scenarios.register import Register
from sim.costing import WEEKS_PER_YEAR
from sim.mkba.cockpit import BENEFITS, COSTS, PRINTED_QUANTITIES, Line
from sim.mkba.unpriced import COCKPIT_DROPOUT_REDUCTION, dropouts_beyond_cockpit
from sim.run import Results

NOT_SIMULATED = "niet gesimuleerd"

# Lines the cockpit does not price, with the reason; the balance "without" leaves them out.
UNPRICED: dict[str, str] = {
    "avoided_out_of_home_placement": "the cockpit prints '-' (no price); register cost.out_of_home_placement_year "
                                     "is an assumption (confidence D)",
    "school_dropout_beyond_cockpit": "prevented dropouts beyond the cockpit's effect (-1 point on 49%: "
                                     f"{100 * COCKPIT_DROPOUT_REDUCTION:.1f}% of the old method's dropouts)",
    "avoided_utility_cutoffs": "the cockpit has no line for utility cut-offs; register cost.utility_cutoff is an "
                               "assumption (confidence D)",
}

# Leaves the simulated cockpit adds to the published tree, unpriced: key -> parent (labels: the catalogue's
# report_cockpit_line, sim/reports/labels_cockpit.yaml).
EXTRA_LEAVES: dict[str, str] = {
    "avoided_utility_cutoffs": "avoided_costs_direct",
    "school_dropout_beyond_cockpit": "long_term",
}

START_QUALIFICATION = ("direct", "alt_schooling_benefits", "labour_market", "later_costs")

# quantity key -> how the simulation gives it (d = 1g1p1r minus old method in the year, a = 1g1p1r)
QUANTITY_RULES: dict[str, str] = {
    "mph_in_approach": "a: households taken into the approach in the year (in_approach_new)",
    "mda_trajectories": "derived: households taken in x the scenario's MDA share (population.case_mix.mda); the "
                        "model does not count MDA intakes apart",
    "mph_found_extra": "d: households found (in view of the municipality) at the year's end (found_now)",
    "financially_stabilised": "d: the year's debt-relief clients who reach financial stabilisation: trajectories "
                              "started (trajectories_started.debt_relief) x the share of completed ones that "
                              "succeeded, per method and year (the cockpit's rule: clients x success rate, text 7; "
                              "a 40-week trajectory started this year mostly ends next year)",
    "debt_free_after_3y": "derived: financially stabilised x register effect.debt_free_share_of_stabilised (the "
                          "cockpit's 22/63); the model does not follow debts for 3 years",
    "people_in_work": "d: the year's re-integration clients who succeed: trajectories started "
                      "(trajectories_started.reintegration) x the share of completed ones that succeeded, per "
                      "method and year (the cockpit's rule: trajectories x success rate, text 4)",
    "children_start_qualification": "-d: school dropouts (school_dropout)",
    "evictions_prevented": "-d: evictions (eviction)",
    "intensive_care_trajectories_avoided": "-d: intensive care episodes (intensive_care_episode)",
    "shelter_stays_prevented": "-d: shelter entries after eviction (shelter_entry)",
    "nuisance_households_fewer": "derived: police incidents avoided / register "
                                 "effect.police_incidents_per_nuisance_source, less the nuisance youths (the "
                                 "cockpit's rule, inverted); the model does not count nuisance households",
    "nuisance_youths_fewer": "derived: = children with a start qualification (cockpit text 6, youths back at "
                             "school); the model does not count nuisance youths",
    "life_years_gained_qaly": "derived: financially stabilised x register effect.life_years_per_stabilised_household"
                              " (the cockpit's 15/63); the model has no life years",
}

# money leaf -> how it is priced (quantities as above)
LINE_RULES: dict[str, str] = {
    "project_staff": "a: regisseur fte-years (regisseur_fte_weeks / 52) x cost.regisseur_fte_year",
    "project_other": "a: years of the approach (approach_weeks / 52) x cost.project_other_year",
    "more_care_and_help_trajectories": "d: trajectories started per organisation x cost.trajectory.<organisation>"
                                       " (net: fewer trajectories elsewhere are in it)",
    "mda_approach": "mda_trajectories x cost.mda_case",
    "fewer_care_trajectories": "netted in more_care_and_help_trajectories (the simulation prices every "
                               "trajectory; the cockpit's inferred -2% care trajectories are not a separate count)",
    "organisation_time_saved": "-d: intake and coordination hours at the organisations x cost.professional_hour",
    "organisation_coordinator_removed": f"{NOT_SIMULATED}: the model has no coordinator posts at the "
                                        "organisations (cockpit text: 1 fte); the time saved is simulated above",
    "more_work": "people_in_work x benefit.more_work_per_person",
    "less_sick_leave": "financially_stabilised x benefit.sick_leave_per_stabilised_household (cockpit rule; sick "
                       "leave is not simulated)",
    "avoided_eviction": "evictions_prevented x cost.eviction",
    "avoided_shelter": "shelter_stays_prevented x escalations.shelter.mean_years x cost.shelter_year (the cockpit "
                       "counts a stay's years in its year)",
    "avoided_out_of_home_placement": "-d: placements x escalations.out_of_home_placement.mean_years x "
                                     "cost.out_of_home_placement_year (not in the cockpit's totals)",
    "avoided_police_justice": "-d: police incidents x cost.police_incident",
    "avoided_collection_costs": "financially_stabilised x cost.collection_case (the cockpit's rule: the rising "
                                "collection costs of one case-year per stabilised household, as the price is "
                                "derived; the simulated collection cases avoided are in the run's MKBA)",
    "avoided_health_care": "intensive_care_trajectories_avoided x cost.intensive_care_episode",
    "avoided_utility_cutoffs": "-d: utility cut-offs x cost.utility_cutoff (not in the cockpit's totals)",
    "school_dropout_direct": "the cockpit's part of children_start_qualification x "
                             "benefit.start_qualification.direct",
    "avoided_alt_schooling_benefits": "the cockpit's part of children_start_qualification x "
                                      "benefit.start_qualification.alt_schooling_benefits",
    "school_dropout_preventive": "the cockpit's part of children_start_qualification x "
                                 "benefit.start_qualification.labour_market",
    "school_dropout_later_costs": "the cockpit's part of children_start_qualification x "
                                  "benefit.start_qualification.later_costs",
    "school_dropout_beyond_cockpit": "the rest of children_start_qualification x the four "
                                     "benefit.start_qualification prices (not in the cockpit's totals)",
    "less_long_term_disability": "financially_stabilised x benefit.disability_per_stabilised_household (cockpit "
                                 "rule; disability is not simulated)",
    "avoided_costs_long_term": f"{NOT_SIMULATED}: the cockpit prints '-' and says nothing of what belongs here",
    "nuisance_and_safety": "(nuisance households + nuisance youths + people in work) x value.nuisance_source_year",
    "quality_of_life_fin_stability": "life_years_gained_qaly x value.voly x effect.life_year_valuation_factor",
}

SECTIONS = ("quantities", "costs_keur_ncw", "benefits_keur_ncw", "result")


def _by_method(results: Results) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(1g1p1r, verkokerd) yearly counts: one row per (replication, year), a column per count."""
    wide = results.yearly.pivot_table(index=["method", "replication", "year"], columns="measure", values="value",
                                      aggfunc="sum")
    methods = set(wide.index.get_level_values("method"))
    if not {"verkokerd", "1g1p1r"} <= methods:
        raise ValueError("the simulated cockpit needs both methods in the results")
    return wide.loc["1g1p1r"], wide.loc["verkokerd"].reindex(wide.loc["1g1p1r"].index)


def _clients_succeeding(counts: pd.DataFrame, organisation: str) -> pd.Series:
    """The year's clients of ``organisation`` who will succeed, whenever their trajectory ends: trajectories started
    in the year x the share of the year's completed trajectories that succeeded (pooled over replications, so that a
    replication with few completions does not swing it; 0 where none completed). The cockpit counts a year's
    clients at their success rate (texts 4 and 7), as it counts a shelter stay's later years in its year."""
    pooled = counts.groupby(level="year")[[f"trajectories_succeeded.{organisation}",
                                           f"trajectories_completed.{organisation}"]].sum()
    succeeded, completed = pooled.iloc[:, 0], pooled.iloc[:, 1]
    share = (succeeded / completed.where(completed > 0)).fillna(0.0)
    years = counts.index.get_level_values("year")
    return counts[f"trajectories_started.{organisation}"] * share.reindex(years).to_numpy()


def quantities(results: Results, register: Register) -> pd.DataFrame:
    """The cockpit's quantities (and the counts its lines price), one row per (replication, year)."""
    a, v = _by_method(results)
    d = a - v
    scenario = results.scenario
    q = pd.DataFrame(index=a.index)
    q["mph_in_approach"] = a["in_approach_new"]
    q["mda_trajectories"] = a["in_approach_new"] * scenario.population.case_mix.mda
    q["mph_found_extra"] = d["found_now"]
    q["financially_stabilised"] = _clients_succeeding(a, "debt_relief") - _clients_succeeding(v, "debt_relief")
    q["debt_free_after_3y"] = q["financially_stabilised"] * register.value("effect.debt_free_share_of_stabilised")
    q["people_in_work"] = _clients_succeeding(a, "reintegration") - _clients_succeeding(v, "reintegration")
    q["children_start_qualification"] = -d["school_dropout"]
    q["evictions_prevented"] = -d["eviction"]
    q["intensive_care_trajectories_avoided"] = -d["intensive_care_episode"]
    q["shelter_stays_prevented"] = -d["shelter_entry"]
    q["police_incidents_avoided"] = -d["police_incident"]
    q["nuisance_youths_fewer"] = q["children_start_qualification"]
    q["nuisance_households_fewer"] = (q["police_incidents_avoided"]
                                      / register.value("effect.police_incidents_per_nuisance_source")
                                      - q["nuisance_youths_fewer"])
    q["life_years_gained_qaly"] = (q["financially_stabilised"]
                                   * register.value("effect.life_years_per_stabilised_household"))
    # school dropout: the cockpit's part (its relative effect on the old method's dropouts) and the rest
    q["start_qualification_beyond"] = dropouts_beyond_cockpit(v["school_dropout"], a["school_dropout"])
    q["start_qualification_cockpit"] = q["children_start_qualification"] - q["start_qualification_beyond"]
    q["placements_prevented"] = -d["out_of_home_placement"]
    q["utility_cutoffs_avoided"] = -d["utility_cutoff"]
    q["hours_saved"] = -(d["intake_hours"] + d["coordination_hours"])
    q["regisseur_fte_years"] = a["regisseur_fte_weeks"] / WEEKS_PER_YEAR
    q["approach_years"] = a["approach_weeks"] / WEEKS_PER_YEAR
    for org in scenario.organisations:
        q[f"extra_trajectories.{org}"] = d[f"trajectories_started.{org}"]
    return q


def money(q: pd.DataFrame, results: Results, register: Register, price_year: int | None = None) -> pd.DataFrame:
    """Each money leaf of the cockpit (EUR, positive: a cost for costs, a benefit for benefits) per (replication,
    year); lines not simulated are NaN."""
    def price(key: str) -> float:
        return register.value(key, price_year)

    esc = results.scenario.escalations
    m = pd.DataFrame(index=q.index)
    m["project_staff"] = q["regisseur_fte_years"] * price("cost.regisseur_fte_year")
    m["project_other"] = q["approach_years"] * price("cost.project_other_year")
    m["more_care_and_help_trajectories"] = sum(
        (q[f"extra_trajectories.{org}"] * price(f"cost.trajectory.{org}") for org in results.scenario.organisations),
        start=pd.Series(0.0, index=q.index))
    m["mda_approach"] = q["mda_trajectories"] * price("cost.mda_case")
    m["fewer_care_trajectories"] = 0.0
    m["organisation_time_saved"] = q["hours_saved"] * price("cost.professional_hour")
    m["organisation_coordinator_removed"] = np.nan
    parts = {"direct": "school_dropout_direct", "alt_schooling_benefits": "avoided_alt_schooling_benefits",
             "labour_market": "school_dropout_preventive", "later_costs": "school_dropout_later_costs"}
    for part, line in parts.items():
        m[line] = q["start_qualification_cockpit"] * price(f"benefit.start_qualification.{part}")
    m["school_dropout_beyond_cockpit"] = q["start_qualification_beyond"] * sum(
        price(f"benefit.start_qualification.{part}") for part in START_QUALIFICATION)
    m["more_work"] = q["people_in_work"] * price("benefit.more_work_per_person")
    m["less_sick_leave"] = q["financially_stabilised"] * price("benefit.sick_leave_per_stabilised_household")
    m["avoided_eviction"] = q["evictions_prevented"] * price("cost.eviction")
    m["avoided_shelter"] = q["shelter_stays_prevented"] * esc.shelter.mean_years * price("cost.shelter_year")
    m["avoided_out_of_home_placement"] = (q["placements_prevented"] * esc.out_of_home_placement.mean_years
                                          * price("cost.out_of_home_placement_year"))
    m["avoided_police_justice"] = q["police_incidents_avoided"] * price("cost.police_incident")
    m["avoided_collection_costs"] = q["financially_stabilised"] * price("cost.collection_case")
    m["avoided_health_care"] = q["intensive_care_trajectories_avoided"] * price("cost.intensive_care_episode")
    m["avoided_utility_cutoffs"] = q["utility_cutoffs_avoided"] * price("cost.utility_cutoff")
    m["less_long_term_disability"] = (q["financially_stabilised"]
                                      * price("benefit.disability_per_stabilised_household"))
    m["avoided_costs_long_term"] = np.nan
    m["nuisance_and_safety"] = ((q["nuisance_households_fewer"] + q["nuisance_youths_fewer"] + q["people_in_work"])
                                * price("value.nuisance_source_year"))
    m["quality_of_life_fin_stability"] = (q["life_years_gained_qaly"] * price("value.voly")
                                          * register.value("effect.life_year_valuation_factor"))
    return m


def _children(line: Line) -> list[str]:
    """A line's children's keys, with the simulated cockpit's extra leaves."""
    return [c.key for c in line.children] + [k for k, parent in EXTRA_LEAVES.items() if parent == line.key]


def layout(tree: Line, depth: int = 0) -> Iterator[tuple[str, int, bool, bool]]:
    """The lines of ``tree`` in the cockpit's order, each parent's extra leaves after its own children:
    (key, depth, printed by the published cockpit, an extra leaf the cockpit does not have)."""
    yield tree.key, depth, tree.printed, False
    for child in tree.children:
        yield from layout(child, depth + 1)
    for extra in _children(tree)[len(tree.children):]:
        yield extra, depth + 1, False, True


def _totals(tree: Line, leaves: pd.DataFrame, *, with_unpriced: bool) -> pd.DataFrame:
    """Every line of ``tree`` per row: leaves as priced (NaN: not simulated), subtotals the sum of their children
    (a line not simulated counts 0; an unpriced line only ``with_unpriced``)."""
    out: dict[str, pd.Series] = {}

    def total(line: Line) -> pd.Series:
        if not line.children:
            out[line.key] = leaves[line.key] if line.key in leaves else pd.Series(np.nan, index=leaves.index)
            return out[line.key]
        values = [total(child) for child in line.children]
        keys = [child.key for child in line.children]
        for extra in _children(line)[len(line.children):]:
            out[extra] = leaves[extra]
            values.append(leaves[extra])
            keys.append(extra)
        out[line.key] = sum((v.fillna(0.0) for k, v in zip(keys, values, strict=True)
                             if with_unpriced or k not in UNPRICED), start=pd.Series(0.0, index=leaves.index))
        return out[line.key]

    total(tree)
    return pd.DataFrame(out)


@dataclass(frozen=True)
class SimulatedCockpit:
    """The cockpit's lines per (replication, year): quantities in counts, money in kEUR (that year, undiscounted)."""

    quantities: pd.DataFrame  # (replication, year) x printed quantity keys
    costs: pd.DataFrame  # (replication, year) x cost line keys (kEUR)
    benefits: pd.DataFrame  # (replication, year) x benefit line keys, totals without the unpriced lines (kEUR)
    result: pd.DataFrame  # (replication, year) x result keys, with and without the unpriced lines

    @property
    def years(self) -> list[int]:
        return sorted(set(self.quantities.index.get_level_values("year")))

    def year(self, year: int, statistic: str = "mean") -> dict[str, Any]:
        """The cockpit of ``year`` with the keys of lpbl_cockpit.yaml: mean, p5 or p95 over replications."""
        def stat(frame: pd.DataFrame) -> pd.Series:
            rows = frame.xs(year, level="year")
            if statistic == "mean":
                return rows.mean()
            return rows.quantile({"p5": 0.05, "p95": 0.95}[statistic])

        def clean(value: float) -> float | None:
            return None if pd.isna(value) else round(float(value), 3)

        quantities = stat(self.quantities)
        nested: dict[str, Any] = {"diff": {}}
        for key, _, in_diff in PRINTED_QUANTITIES:
            (nested["diff"] if in_diff else nested)[key] = clean(quantities[key])
        return {
            "quantities": nested,
            "costs_keur_ncw": {k: clean(v) for k, v in stat(self.costs).items()},
            "benefits_keur_ncw": {k: clean(v) for k, v in stat(self.benefits).items()},
            "result": {k: clean(v) for k, v in stat(self.result).items()},
        }


def simulated_cockpit(results: Results, register: Register, price_year: int | None = None) -> SimulatedCockpit:
    """Every line of the published cockpit per replication and year of ``results`` (see the module's doc)."""
    q = quantities(results, register)
    m = money(q, results, register, price_year) / 1000.0
    costs = _totals(COSTS, m, with_unpriced=True)
    benefits = _totals(BENEFITS, m, with_unpriced=False)
    with_all = _totals(BENEFITS, m, with_unpriced=True)
    cost = costs["total"]

    def returns(total: pd.Series, suffix: str) -> dict[str, pd.Series]:
        immaterial = benefits["immaterial"]
        return {
            f"mkba_balance_keur{suffix}": total - cost,
            f"financial_return_pct{suffix}": 100.0 * (total - immaterial - cost) / cost.where(cost != 0),
            f"social_return_pct{suffix}": 100.0 * (total - cost) / cost.where(cost != 0),
            f"benefits_total_keur{suffix}": total,
        }

    result = pd.DataFrame({**returns(benefits["total"], ""), **returns(with_all["total"], "_with_unpriced")})
    printed = [key for key, _, _ in PRINTED_QUANTITIES]
    return SimulatedCockpit(q[printed], costs, benefits, result)


def rules() -> dict[str, dict[str, str]]:
    """How each line is derived from the simulation, and which lines are not simulated or not in the totals."""
    return {
        "quantities": QUANTITY_RULES,
        "lines": {k: v for k, v in LINE_RULES.items() if v},
        "not_simulated": {k: v.split(": ", 1)[1] for k, v in LINE_RULES.items() if v.startswith(NOT_SIMULATED)},
        "unpriced_in_cockpit": UNPRICED,
    }


@dataclass(frozen=True)
class LineComparison:
    """One published line next to its simulated value (mean and 5-95% over replications) in one year."""

    section: str
    key: str
    published: float
    mean: float | None
    p5: float | None
    p95: float | None

    @property
    def tolerance(self) -> float:
        """The issue's tolerance: 10% or 2 units (count, kEUR, percentage point), whichever is larger."""
        return max(0.10 * abs(self.published), 2.0)

    @property
    def within(self) -> bool:
        return self.mean is not None and abs(self.mean - self.published) <= self.tolerance


def _flat(section: dict[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in section.items():
        flat.update(_flat(value) if isinstance(value, dict) else {key: value})
    return flat


def compare_with_published(cockpit: SimulatedCockpit, year: int = 1) -> list[LineComparison]:
    """Every line of the published cockpit (scenarios/mkba/cockpit_example.yaml ``published``) beside ``year`` of
    the simulated one."""
    from sim.mkba.inputs import load_inputs

    published = load_inputs().published
    assert published is not None  # the bundled inputs carry the published cockpit
    stats = {s: cockpit.year(year, s) for s in ("mean", "p5", "p95")}
    rows = []
    for section in SECTIONS:
        figures = _flat(getattr(published, section))
        values = {s: _flat(stats[s][section]) for s in stats}
        rows += [LineComparison(section, key, float(value), values["mean"].get(key), values["p5"].get(key),
                                values["p95"].get(key)) for key, value in figures.items()]
    return rows
