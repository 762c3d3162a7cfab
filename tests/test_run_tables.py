"""A run's tables come out the same however they are assembled (issue 15 made them cheaper to make): the yearly and
weekly tables are the replications' own tables row for row, the year's professionals are the sums of the homes'
counts, and a household's problems sit in its smallest draws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scenarios.domains import CASE_TYPES
from scenarios.scenario import Scenario
from sim.population import _smallest
from sim.run import replication_models, run_replication, run_scenario


def test_a_runs_tables_are_its_replications_own_tables_row_for_row(small):
    results = run_scenario(small, replications=2)
    own = [run_replication(small, method, replication) for replication in (0, 1) for method in small.methods]
    for k, table in enumerate(("yearly", "weekly")):
        expected = pd.concat([tables[k] for tables in own], ignore_index=True)
        pd.testing.assert_frame_equal(getattr(results, table), expected, check_exact=True)


@pytest.mark.parametrize("method", ["verkokerd", "1g1p1r"])
def test_the_years_professionals_are_the_sums_of_the_homes_counts(small: Scenario, method: str):
    """With fractional workers per offer and per escalation, so that the order of the additions would show."""
    scenario = small.with_overrides({"organisation_common.workers_per_offer.light": 1.3,
                                     "organisation_common.workers_per_offer.heavy": 2.7,
                                     "organisation_common.workers_per_offer.mda": 1.9,
                                     "organisation_common.escalation_professionals.police_incident": 0.7},
                                    origin="test")
    model = replication_models(scenario, 0)[method]
    for year in range(1, scenario.horizon_years + 1):
        model.run_for(52)
        homes = model.professionals_last_year
        count, present = homes["professionals"], homes["ident"] >= 0
        groups = {name: present & (homes["case_type"] == k) for k, name in enumerate(CASE_TYPES)}
        groups["in_approach"] = present & homes["in_approach"]
        row = model.datacollector.get_table_dataframe("years").set_index("year").loc[year]
        for name, rows in groups.items():
            assert row[f"professionals_{name}"] == float(count[rows].sum()), (year, name)
            assert row[f"households_with_professionals_{name}"] == float((rows & (count > 0)).sum()), (year, name)
        assert row["stock"] == present.sum()
    assert float(count[present].sum()) != float(np.round(count[present]).sum())  # the counts are fractional


def test_a_households_problems_are_in_its_smallest_draws():
    rng = np.random.default_rng(5)
    draws, count = rng.random((2000, 9)), rng.integers(2, 10, 2000)
    ranks = np.argsort(np.argsort(draws, axis=1, kind="stable"), axis=1, kind="stable")
    np.testing.assert_array_equal(_smallest(draws, count), ranks < count[:, None])
    tied = np.array([[0.5, 0.1, 0.5, 0.9]])  # equal draws: the first of them counts as the smaller
    assert _smallest(tied, np.array([2])).tolist() == [[True, True, False, False]]
