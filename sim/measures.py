"""Measures (the M of XLRM): from a run's yearly counts to the numbers policy makers compare."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scenarios.domains import ESCALATIONS
from scenarios.register import STAKEHOLDERS
from scenarios.scenario import Scenario
from sim.reports import labels
from sim.tidy import long_form

QUANTILES = (0.05, 0.95)

# measure -> (Dutch label, unit): the catalogue's words (sim/reports/labels.yaml); other languages via
# sim.reports.labels.measure(key, lang)
MEASURE_KEYS: tuple[str, ...] = (
    *(f"{e}_per_year" for e in ESCALATIONS),
    "eviction_threats_per_year", "eviction_threats_in_approach_per_year", "households_reached",
    "households_stabilised", "households_in_approach", "approach_intakes_per_year", "recidive_share",
    "relapse_12m_share", "org_wait_weeks", "regisseur_wait_weeks", "professionals_per_household",
    "trajectories_per_year", "debt_relief_success_share", "intake_hours_per_year", "coordination_hours_per_year",
    "cost_total_per_year", *(f"cost_{payer}_per_year" for payer in STAKEHOLDERS),
)
LABELS: dict[str, tuple[str, str]] = {key: (labels.measure(key), labels.measure_unit(key)) for key in MEASURE_KEYS}


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return numerator / denominator.where(denominator > 0)


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
    out["recidive_share"] = _ratio(totals["relapses"], totals["stabilisations"])
    out["relapse_12m_share"] = _ratio(totals["closed_relapsed_12m"], totals["cases_closed"])
    out["org_wait_weeks"] = _ratio(totals["org_wait_weeks"], totals["org_admissions"])
    out["regisseur_wait_weeks"] = _ratio(totals["regisseur_wait_weeks"], totals["regisseur_intakes"])
    out["professionals_per_household"] = _ratio(totals["professional_household_weeks"],
                                                 totals["helped_household_weeks"])
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


def _describe(values: pd.Series) -> pd.Series:
    clean = values.dropna()
    if clean.empty:
        return pd.Series({"mean": np.nan, "p5": np.nan, "p95": np.nan})
    return pd.Series({"mean": clean.mean(), "p5": clean.quantile(QUANTILES[0]), "p95": clean.quantile(QUANTILES[1])})


def summarise(measures: pd.DataFrame) -> pd.DataFrame:
    """Mean and 5-95% interval per method and measure; with both methods, also their paired difference.

    Both methods of a replication share households and draws, so the difference is taken per replication
    before summarising: its interval is the uncertainty of the method effect, not of the municipality.
    """
    by_method = measures.groupby(["method", "measure"], sort=False)["value"].apply(_describe).unstack()
    methods = measures["method"].unique()
    if {"verkokerd", "1g1p1r"} <= set(methods):
        wide = measures.pivot_table(index=["replication", "measure"], columns="method", values="value")
        diff = (wide["1g1p1r"] - wide["verkokerd"]).rename("value").reset_index()
        diff_summary = diff.groupby("measure", sort=False)["value"].apply(_describe).unstack()
        diff_summary.index = pd.MultiIndex.from_product([["difference"], diff_summary.index])
        by_method = pd.concat([by_method, diff_summary])
    return by_method.rename_axis(["method", "measure"])
