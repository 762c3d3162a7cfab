"""Money from simulated events: register prices, payers, and totals that add up."""

import pytest

from scenarios.register import STAKEHOLDERS, load_register
from sim.costing import EVENT_PRICES, yearly_costs
from sim.run import run_scenario


@pytest.fixture(scope="module")
def results(small):
    return run_scenario(small)


def test_payers_add_up_to_the_total(results):
    summary = results.measures.pivot_table(index=["replication", "method"], columns="measure", values="value")
    payers = summary[[f"cost_{p}_per_year" for p in STAKEHOLDERS]].sum(axis=1)
    assert payers.to_numpy() == pytest.approx(summary["cost_total_per_year"].to_numpy())
    years = results.scenario.horizon_years
    per_year = results.costs.groupby(["replication", "method"])["eur"].sum() / years
    assert per_year.to_numpy() == pytest.approx(summary["cost_total_per_year"].to_numpy())


def test_only_the_new_method_pays_regisseurs(results):
    staff = results.costs[results.costs["item"] == "regisseur_fte_weeks"].groupby("method")["eur"].sum()
    assert staff.get("verkokerd", 0.0) == 0.0
    fte_cost = load_register().value("cost.regisseur_fte_year")
    expected = results.scenario.levers.fte * fte_cost * results.scenario.horizon_years * results.scenario.replications
    assert staff["1g1p1r"] == pytest.approx(expected)


def test_a_price_change_moves_only_its_payer(results):
    register = load_register()
    dearer = register.with_values({"cost.eviction": register.value("cost.eviction") * 2}, "test", None)
    orgs = list(results.scenario.organisations)
    base = yearly_costs(results.yearly, orgs, register).groupby("payer")["eur"].sum()
    more = yearly_costs(results.yearly, orgs, dearer).groupby("payer")["eur"].sum()
    evictions = results.yearly.loc[results.yearly["measure"] == "eviction", "value"].sum()
    assert more["housing_corporation"] - base["housing_corporation"] == pytest.approx(
        evictions * register.value("cost.eviction"))
    assert more.drop("housing_corporation").to_numpy() == pytest.approx(base.drop("housing_corporation").to_numpy())


def test_every_priced_count_is_simulated(results):
    measures = set(results.yearly["measure"])
    assert {count for count, _ in EVENT_PRICES.values()} <= measures
