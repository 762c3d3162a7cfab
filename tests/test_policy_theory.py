"""The e-book's policy theory (issue 14), each claim tested over enough replications to be decided: the paired
difference (same households, same draws) must lie beyond three standard errors, not within the noise."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scenarios.scenario import Scenario
from sim.run import run_scenario

REPLICATIONS = 6


@pytest.fixture(scope="module")
def town(example: Scenario) -> Scenario:
    """A smaller town with the example's staffing per household, five years after a shorter warm-up: a comparison of
    two settings on the same households needs no settled stock, only the same one."""
    return example.with_overrides({"population.households": 800, "levers.fte": 3.2, "horizon_years": 5,
                                   "flows.warmup_years": 3, "replications": REPLICATIONS}, origin="test")


def measure(scenario: Scenario, name: str, method: str = "1g1p1r") -> pd.Series:
    """Per replication, over the horizon."""
    m = run_scenario(scenario, methods=[method]).measures
    return m[m["measure"] == name].set_index("replication")["value"]


def decided_below(a: pd.Series, b: pd.Series) -> bool:
    """a below b, paired per replication, by more than three standard errors."""
    diff = (a - b).to_numpy()
    return diff.mean() < 0 and diff.mean() + 3 * diff.std(ddof=1) / np.sqrt(diff.size) < 0


def test_aftercare_lowers_relapse_within_a_year(town):
    with_aftercare = measure(town.with_overrides({"levers.aftercare_months": 12}), "relapse_12m_share")
    without = measure(town.with_overrides({"levers.aftercare_months": 0, "levers.informal_network": False}),
                      "relapse_12m_share")
    assert decided_below(with_aftercare, without), (with_aftercare.mean(), without.mean())


def test_relapse_is_reported_per_method(town):
    summary = run_scenario(town.with_overrides({"replications": 2})).summary()
    for method in ("verkokerd", "1g1p1r"):
        assert 0.0 < summary.loc[(method, "relapse_12m_share"), "mean"] < 1.0
