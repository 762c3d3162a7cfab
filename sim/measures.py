"""Measures (the M of XLRM): from a run's yearly counts to the numbers policy makers compare."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scenarios.domains import CASE_TYPES, ESCALATIONS
from scenarios.register import STAKEHOLDERS
from scenarios.scenario import Scenario
from sim.reports import labels
from sim.tidy import long_form

QUANTILES = (0.05, 0.95)
WEEKS_PER_YEAR = 52

# measure -> (Dutch label, unit): the catalogue's words (sim/reports/labels.yaml); other languages via
# sim.reports.labels.measure(key, lang)
MEASURE_KEYS: tuple[str, ...] = (
    *(f"{e}_per_year" for e in ESCALATIONS),
    "eviction_threats_per_year", "eviction_threats_in_approach_per_year", "households_reached",
    "households_stabilised", "households_in_approach", "approach_intakes_per_year", "approach_intakes_first_year",
    "recidive_share",
    "relapse_12m_share", "relapse_12m_share_in_approach", "own_strength_effect", "org_wait_weeks",
    "regisseur_wait_weeks", "professionals_per_household",
    *(f"professionals_per_household_{group}" for group in ("light", "heavy", "mda", "in_approach")),
    "org_referrals_per_year", "org_admissions_per_year", "priority_admission_share", "org_places", "freed_places",
    "trajectories_per_year", "debt_relief_success_share", "intake_hours_per_year", "coordination_hours_per_year",
    "cost_total_per_year", *(f"cost_{payer}_per_year" for payer in STAKEHOLDERS),
)
LABELS: dict[str, tuple[str, str]] = {key: (labels.measure(key), labels.measure_unit(key)) for key in MEASURE_KEYS}


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return numerator / denominator.where(denominator > 0)


def own_strength_effect(totals: pd.DataFrame) -> pd.Series:
    """The model's analogue of a family-functioning effect size (issue 15: Al et al. 2012, d = 0.49): among the
    households taken into the approach, own strength a year after their first intake under 1g1p1r minus under the
    old method, over the spread of strength under the old method (Glass's delta: the comparison group's SD).

    Paired by common random numbers: until its first intake a household lives the same weeks under both methods,
    and outside the approach nothing changes its own strength, so under the old method it still has the strength
    it had at intake (tests/test_own_strength.py checks this). The old method takes no one in: NaN there."""
    followed = totals["strength_followed"].where(totals["strength_followed"] > 0)
    mean_at_intake = totals["strength_at_intake"] / followed
    spread = np.sqrt((totals["strength_at_intake_sq"] / followed - mean_at_intake**2).clip(lower=0.0))
    return totals["strength_gain"] / followed / spread.where(spread > 0)


def per_replication(yearly: pd.DataFrame, costs: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """One row per replication, method and measure over the whole horizon; money from the priced ``costs``."""
    wide = yearly.set_index(["replication", "method", "year", "measure"])["value"].unstack("measure")
    runs = wide.groupby(level=["replication", "method"])
    totals, last = runs.sum(), runs.last()
    years = scenario.horizon_years
    out = {f"{name}_per_year": totals[name] / years for name in ESCALATIONS}
    out["eviction_threats_per_year"] = totals["eviction_threats"] / years
    out["eviction_threats_in_approach_per_year"] = totals["eviction_threats_in_approach"] / years
    out["households_reached"] = last["households_reached_cum"]
    out["households_stabilised"] = last["households_stabilised_cum"]
    out["households_in_approach"] = last["in_approach_cum"]
    out["approach_intakes_per_year"] = totals["regisseur_intakes"] / years
    # the cockpit's 'MPH in the approach' (550) counts the team's first year, when it fills its caseloads
    out["approach_intakes_first_year"] = runs.first()["in_approach_cum"]
    out["recidive_share"] = _ratio(totals["relapses"], totals["stabilisations"])
    out["relapse_12m_share"] = _ratio(totals["closed_relapsed_12m"], totals["cases_closed"])
    out["relapse_12m_share_in_approach"] = _ratio(totals["closed_relapsed_12m_in_approach"],
                                                  totals["cases_closed_in_approach"])
    out["own_strength_effect"] = own_strength_effect(totals)
    out["org_wait_weeks"] = _ratio(totals["org_wait_weeks"], totals["org_admissions"])
    out["regisseur_wait_weeks"] = _ratio(totals["regisseur_wait_weeks"], totals["regisseur_intakes"])
    # professionals in the home (README 'Measures'): distinct professionals in a year, per household with any
    out["professionals_per_household"] = _ratio(
        sum(totals[f"professionals_{group}"] for group in CASE_TYPES),
        sum(totals[f"households_with_professionals_{group}"] for group in CASE_TYPES))
    for group in (*CASE_TYPES, "in_approach"):
        out[f"professionals_per_household_{group}"] = _ratio(totals[f"professionals_{group}"],
                                                              totals[f"households_with_professionals_{group}"])
    out["org_referrals_per_year"] = totals["referrals"] / years
    out["org_admissions_per_year"] = totals["org_admissions"] / years
    out["priority_admission_share"] = _ratio(totals["priority_admissions"], totals["org_admissions"])
    out["org_places"] = totals["place_weeks"] / (years * WEEKS_PER_YEAR)
    out["freed_places"] = totals["freed_place_weeks"] / (years * WEEKS_PER_YEAR)
    out["trajectories_per_year"] = totals["trajectories_started"] / years
    out["debt_relief_success_share"] = _ratio(totals["trajectories_succeeded.debt_relief"],
                                              totals["trajectories_completed.debt_relief"])
    out["intake_hours_per_year"] = totals["intake_hours"] / years
    out["coordination_hours_per_year"] = totals["coordination_hours"] / years
    by_payer = costs.groupby(["replication", "method", "payer"])["eur"].sum().unstack("payer")
    by_payer = by_payer.reindex(index=totals.index, columns=list(STAKEHOLDERS), fill_value=0.0).fillna(0.0) / years
    out["cost_total_per_year"] = by_payer.sum(axis=1)
    for payer in STAKEHOLDERS:
        out[f"cost_{payer}_per_year"] = by_payer[payer]
    return long_form(pd.DataFrame(out, index=totals.index))


def _describe(grouped: pd.core.groupby.SeriesGroupBy) -> pd.DataFrame:
    """Mean, p5 and p95 of each group, NaNs left out, in one vectorised pass (calibration summarises thousands of
    runs, and a per-group apply cost more than the simulation itself)."""
    means = grouped.mean()
    if means.index.nlevels > 1:  # one block per method, measures in their order within it
        outer = means.index.get_level_values(0)
        means = means.iloc[np.argsort(pd.Index(outer.unique()).get_indexer(outer), kind="stable")]
    quantiles = grouped.quantile(list(QUANTILES)).unstack().reindex(means.index)
    quantiles.columns = ["p5", "p95"]
    return pd.concat([means.rename("mean"), quantiles], axis=1)


def summarise(measures: pd.DataFrame) -> pd.DataFrame:
    """Mean and 5-95% interval per method and measure; with both methods, also their paired difference.

    Both methods of a replication share households and draws, so the difference is taken per replication
    before summarising: its interval is the uncertainty of the method effect, not of the municipality.
    """
    by_method = _describe(measures.groupby(["method", "measure"], sort=False)["value"])
    methods = measures["method"].unique()
    if {"verkokerd", "1g1p1r"} <= set(methods):
        wide = measures.pivot_table(index=["replication", "measure"], columns="method", values="value")
        diff = (wide["1g1p1r"] - wide["verkokerd"]).rename("value").reset_index()
        diff_summary = _describe(diff.groupby("measure", sort=False)["value"])
        diff_summary.index = pd.MultiIndex.from_product([["difference"], diff_summary.index])
        by_method = pd.concat([by_method, diff_summary])
    return by_method.rename_axis(["method", "measure"])


# The waits table (issue 14, policy theory B): per method and organisation, what a wait is made of.
WAIT_COUNTS = ("referrals", "referrals_via_regisseur", "org_admissions", "priority_admissions", "trajectories_started",
               "org_wait_weeks", "priority_wait_weeks", "place_weeks", "freed_place_weeks", "waiting_list_weeks")
WAIT_COLUMNS = ("referrals_per_year", "via_regisseur_per_year", "admissions_per_year", "priority_admissions_per_year",
                "trajectories_per_year", "places", "freed_places", "waiting_list", "wait_weeks",
                "wait_weeks_priority", "wait_weeks_other")


def waits_table(yearly: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Per method and organisation (and ``total``), means over replications and years: referrals (and those from a
    regisseur's plan), admissions (and those whose waiting list was broken), trajectories started, places a week
    (capacity as used: the organisation's own, plus what one plan freed unless cashed) and the places one plan
    freed, the cases on the waiting lists (a household waiting at two organisations counts twice), and the mean wait
    of all admissions, of priority ones and of the others.
    The total row sums the organisations (places, lists, counts); its waits are the admissions' means."""
    orgs = list(scenario.organisations)
    names = [f"{count}.{org}" for count in WAIT_COUNTS for org in orgs]
    rows = yearly[yearly["measure"].isin(names)]
    runs = rows.groupby(["replication", "method", "year"]).ngroups / max(rows["method"].nunique(), 1)
    sums = rows.groupby(["method", "measure"])["value"].sum().unstack("measure").reindex(columns=names, fill_value=0.0)
    tables = []
    for method in [m for m in scenario.methods if m in sums.index]:
        per_org = pd.DataFrame({count: [sums.loc[method, f"{count}.{org}"] for org in orgs] for count in WAIT_COUNTS},
                               index=orgs)
        per_org.loc["total"] = per_org.sum()
        tables.append(_wait_columns(per_org, runs).assign(method=method).rename_axis("organisation"))
    table = pd.concat(tables).reset_index().set_index(["method", "organisation"])
    return table[list(WAIT_COLUMNS)]


def _wait_columns(counts: pd.DataFrame, runs: float) -> pd.DataFrame:
    """From counts summed over ``runs`` replication-years to the table's means."""
    weeks = runs * WEEKS_PER_YEAR
    others = counts["org_admissions"] - counts["priority_admissions"]
    return pd.DataFrame({
        "referrals_per_year": counts["referrals"] / runs,
        "via_regisseur_per_year": counts["referrals_via_regisseur"] / runs,
        "admissions_per_year": counts["org_admissions"] / runs,
        "priority_admissions_per_year": counts["priority_admissions"] / runs,
        "trajectories_per_year": counts["trajectories_started"] / runs,
        "places": counts["place_weeks"] / weeks,
        "freed_places": counts["freed_place_weeks"] / weeks,
        "waiting_list": counts["waiting_list_weeks"] / weeks,
        "wait_weeks": _ratio(counts["org_wait_weeks"], counts["org_admissions"]),
        "wait_weeks_priority": _ratio(counts["priority_wait_weeks"], counts["priority_admissions"]),
        "wait_weeks_other": _ratio(counts["org_wait_weeks"] - counts["priority_wait_weeks"], others),
    }, index=counts.index)


def _signed(value: float, lang: str, decimals: int = 0) -> str:
    """A change with its sign (+380, -0,2), in the language's number format."""
    return ("+" if value >= 0 else "-") + labels.number(abs(value), lang, decimals)


def wait_change(table: pd.DataFrame) -> pd.DataFrame:
    """The change of the mean wait (1g1p1r minus verkokerd) split per organisation into two parts that add up to it:
    ``mix``, admissions moving to organisations with longer or shorter waits (the new share of admissions minus the
    old, times the old wait), and ``within``, waits changing at the same organisation (the new share times the
    change of its wait). An organisation without admissions under a method counts with a wait of 0 there."""
    old, new = (table.xs(method, level="method").drop(index="total") for method in ("verkokerd", "1g1p1r"))
    old_share = old["admissions_per_year"] / old["admissions_per_year"].sum()
    new_share = new["admissions_per_year"] / new["admissions_per_year"].sum()
    old_wait, new_wait = old["wait_weeks"].fillna(0.0), new["wait_weeks"].fillna(0.0)
    return pd.DataFrame({"mix": (new_share - old_share) * old_wait, "within": new_share * (new_wait - old_wait)})


# Change of the waiting lists from the horizon's first year to its last beyond which they are said not to settle.
UNSETTLED_LISTS = 0.10


def waiting_lists_by_year(yearly: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Cases waiting at the organisations (all of them; a household waiting at two counts twice), the mean over the
    year's weeks and the replications: one row per year, one column per method."""
    names = [f"waiting_list_weeks.{org}" for org in scenario.organisations]
    rows = yearly[yearly["measure"].isin(names)]
    per_run = rows.groupby(["method", "replication", "year"])["value"].sum() / WEEKS_PER_YEAR
    by_year = per_run.groupby(["year", "method"]).mean().unstack("method")
    return by_year[[m for m in scenario.methods if m in by_year.columns]]


def explain_unsettled_lists(yearly: pd.DataFrame, scenario: Scenario, lang: str = labels.DEFAULT_LANG) -> str:
    """What the waits rest on: the organisations' places are assumptions, and no one leaves a waiting list except by
    admission or by leaving the group; so say how the lists moved over the horizon, and whether they settle."""
    lists = waiting_lists_by_year(yearly, scenario)
    if lists.empty or len(lists) < 2:
        return ""
    first, last = lists.iloc[0], lists.iloc[-1]
    growth = (last / first - 1.0).where(first > 0, 0.0)
    moves = "; ".join(labels.text("waits_list_move", lang, method=labels.method(m, lang),
                                  first=labels.number(first[m], lang), last=labels.number(last[m], lang),
                                  change=_signed(100 * growth[m], lang)) for m in lists.columns)
    settled = bool((growth.abs() <= UNSETTLED_LISTS).all())
    return labels.text("waits_rest_on", lang, last_year=int(lists.index[-1]), moves=moves,
                       settle=labels.text("waits_settle" if settled else "waits_do_not_settle", lang))


def explain_waits(table: pd.DataFrame, lang: str = labels.DEFAULT_LANG) -> str:
    """One line on why the organisations' mean wait differs between the methods, in the table's numbers: demand
    (referrals, from plans), capacity (places, freed places), what got in (admissions) and who went first."""
    if not {"verkokerd", "1g1p1r"} <= set(table.index.get_level_values("method")):
        return ""
    old, new = table.loc[("verkokerd", "total")], table.loc[("1g1p1r", "total")]
    more_referrals = new["referrals_per_year"] - old["referrals_per_year"]
    more_admissions = new["admissions_per_year"] - old["admissions_per_year"]
    parts = wait_change(table)
    top = parts.sum(axis=1).abs().idxmax()
    old_top, new_top = table.loc[("verkokerd", top)], table.loc[("1g1p1r", top)]

    def n(value: float, decimals: int = 0) -> str:
        return labels.number(value, lang, decimals)

    return labels.text(
        "waits_explained", lang,
        old_wait=n(old["wait_weeks"], 1), new_wait=n(new["wait_weeks"], 1),
        direction=labels.text("waits_higher" if new["wait_weeks"] > old["wait_weeks"] else "waits_lower", lang),
        more_referrals=_signed(more_referrals, lang),
        referrals_pct=_signed(100 * more_referrals / old["referrals_per_year"], lang),
        via_plans=n(new["via_regisseur_per_year"]), freed=n(new["freed_places"]),
        freed_pct=_signed(100 * new["freed_places"] / old["places"], lang), places=n(old["places"]),
        more_admissions=_signed(more_admissions, lang),
        why=labels.text("waits_demand_faster" if more_referrals > more_admissions else "waits_places_faster", lang),
        old_list=n(old["waiting_list"]), new_list=n(new["waiting_list"]),
        priority=n(new["priority_admissions_per_year"]), admissions=n(new["admissions_per_year"]),
        priority_wait=n(new["wait_weeks_priority"], 1), other_wait=n(new["wait_weeks_other"], 1),
        old_other_wait=n(old["wait_weeks_other"], 1), change=_signed(new["wait_weeks"] - old["wait_weeks"], lang, 1),
        mix=_signed(parts["mix"].sum(), lang, 1), within=_signed(parts["within"].sum(), lang, 1),
        top=labels.organisation(top, lang, fallback=top), top_change=_signed(parts.loc[top].sum(), lang, 1),
        top_old=n(old_top["wait_weeks"], 0), top_new=n(new_top["wait_weeks"], 0),
        top_referrals=n(new_top["referrals_per_year"]), top_places=n(new_top["places"]))
