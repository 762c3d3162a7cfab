"""Efficiency at the organisations (issue 14, policy theory B): one plan frees intake, diagnosis and coordination
time, which becomes places at the organisations; the waits table says what the organisations' waits are made of."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scenarios.scenario import Scenario
from sim.measures import explain_unsettled_lists, explain_waits, waiting_lists_by_year, waits_table
from sim.run import run_scenario

REPLICATIONS = 6


@pytest.fixture(scope="module")
def town(example: Scenario) -> Scenario:
    return example.with_overrides({"population.households": 800, "levers.fte": 3.2, "horizon_years": 4,
                                   "flows.warmup_years": 3, "replications": REPLICATIONS}, origin="test")


def per_replication(scenario: Scenario, names: list[str]) -> pd.DataFrame:
    m = run_scenario(scenario, methods=["1g1p1r"]).measures
    return m[m["measure"].isin(names)].pivot(index="replication", columns="measure", values="value")


def test_the_freed_time_becomes_places_and_shortens_waits(town):
    names = ["org_wait_weeks", "trajectories_per_year", "org_places", "freed_places"]
    reinvested = per_replication(town, names)
    cashed = per_replication(town.with_overrides({"organisation_common.freed_time_to_care": False}), names)
    assert (reinvested["freed_places"] > 0).all()
    # the places the organisations work with: the freed ones stay (and the plan's coordinator joins them)
    assert (reinvested["org_places"] > cashed["org_places"] + 0.5 * reinvested["freed_places"]).all()
    longer = (cashed["org_wait_weeks"] - reinvested["org_wait_weeks"]).to_numpy()
    assert longer.mean() - 3 * longer.std(ddof=1) / np.sqrt(longer.size) > 0, longer  # decided


def test_the_old_method_frees_nothing(small):
    summary = run_scenario(small, methods=["verkokerd"]).summary()
    assert summary.loc[("verkokerd", "freed_places"), "mean"] == 0


@pytest.fixture(scope="module")
def waits(small: Scenario) -> pd.DataFrame:
    return waits_table(run_scenario(small).yearly, small)


def test_the_waits_table_adds_up(waits, small):
    for method in ("verkokerd", "1g1p1r"):
        table = waits.xs(method, level="method")
        orgs, total = table.drop(index="total"), table.loc["total"]
        assert list(orgs.index) == list(small.organisations)
        for column in ("referrals_per_year", "via_regisseur_per_year", "admissions_per_year",
                       "priority_admissions_per_year", "places", "freed_places", "waiting_list"):
            assert total[column] == pytest.approx(orgs[column].sum())
        # the mean wait is the admissions' mean: priority ones and the others, weighted by their numbers
        priority, admissions = total["priority_admissions_per_year"], total["admissions_per_year"]
        parts = (np.nan_to_num(total["wait_weeks_priority"]) * priority
                 + total["wait_weeks_other"] * (admissions - priority))
        assert total["wait_weeks"] == pytest.approx(parts / admissions)
        mean_wait = (orgs["wait_weeks"] * orgs["admissions_per_year"]).sum() / orgs["admissions_per_year"].sum()
        assert total["wait_weeks"] == pytest.approx(mean_wait)
    old = waits.loc[("verkokerd", "total")]
    assert old["freed_places"] == 0 and old["via_regisseur_per_year"] == 0 and old["priority_admissions_per_year"] == 0


def test_the_explanation_says_why_in_the_tables_numbers(waits, small):
    line = explain_waits(waits)
    old, new = waits.loc[("verkokerd", "total")], waits.loc[("1g1p1r", "total")]
    for value in (old["wait_weeks"], new["wait_weeks"]):
        assert f"{value:.1f}".replace(".", ",") in line
    more = new["referrals_per_year"] - old["referrals_per_year"]
    assert f"{more:+,.0f}".replace(",", ".") in line
    assert ("hoger" in line) == (new["wait_weeks"] > old["wait_weeks"])
    summary = run_scenario(small).summary()  # the same run's headline measure says the same
    assert summary.loc[("1g1p1r", "org_wait_weeks"), "mean"] == pytest.approx(new["wait_weeks"], rel=0.25)


def test_the_change_of_the_mean_wait_splits_into_parts_that_add_up(waits):
    from sim.measures import wait_change

    parts = wait_change(waits)
    change = waits.loc[("1g1p1r", "total"), "wait_weeks"] - waits.loc[("verkokerd", "total"), "wait_weeks"]
    assert parts.to_numpy().sum() == pytest.approx(change)
    assert f"{parts['mix'].sum():+.1f}".replace(".", ",") in explain_waits(waits)


def _lists(scenario: Scenario, by_method: dict[str, list[float]]) -> pd.DataFrame:
    """A yearly table whose waiting lists are ``by_method`` (cases, one value a year), at the first organisation."""
    org = next(iter(scenario.organisations))
    return pd.DataFrame([{"replication": 0, "method": method, "year": year, "measure": f"waiting_list_weeks.{org}",
                          "value": 52.0 * cases} for method, values in by_method.items()
                         for year, cases in enumerate(values, start=1)])


def test_the_waits_say_what_they_rest_on_and_whether_the_lists_settle(small):
    growing = explain_unsettled_lists(_lists(small, {"verkokerd": [600, 700, 900], "1g1p1r": [1000, 1050, 1090]}),
                                      small)
    assert "aannames" in growing and "jaar 1 -> jaar 3" in growing
    assert "600 -> 900 (+50%)" in growing and "1.000 -> 1.090 (+9%)" in growing
    assert growing.index("oude werkwijze") < growing.index("één gezin")
    assert "komen niet tot rust" in growing
    settled = explain_unsettled_lists(_lists(small, {"verkokerd": [600, 640, 650], "1g1p1r": [1000, 980, 950]}),
                                      small, "en")
    assert "stay within 10%" in settled and "-5%" in settled


def test_the_waiting_lists_by_year_are_the_weeks_cases_over_replications(small):
    yearly = run_scenario(small).yearly
    lists = waiting_lists_by_year(yearly, small)
    assert list(lists.columns) == list(small.methods) and list(lists.index) == [1, 2, 3]
    rows = yearly[yearly["measure"].str.startswith("waiting_list_weeks.") & (yearly["year"] == 2)]
    old = rows[rows["method"] == "verkokerd"].groupby("replication")["value"].sum().mean() / 52
    assert lists.loc[2, "verkokerd"] == pytest.approx(old)
    assert f"{lists.iloc[0]['verkokerd']:,.0f}".replace(",", ".") in explain_unsettled_lists(yearly, small)
