"""A stock that grows past the cohort's spare rows (a posterior draw can make it so: particle 162 of the example's
seed did) still gives a result, the same one every time, instead of stopping with an error."""

import pandas as pd

from sim.population import SPARE_ROWS
from sim.run import run_scenario


def test_a_stock_that_outgrows_the_spare_rows_still_runs_and_repeats(small):
    growing = small.with_overrides({"flows.inflow_share": 0.6, "flows.departure_rate": 0.0,
                                    "flows.children_grown_exit_share": 0.0, "flows.recovery_exit_weeks": 520,
                                    "flows.warmup_years": 1, "replications": 1}, origin="test")
    first = run_scenario(growing)
    stock = first.yearly[first.yearly["measure"] == "stock"]["value"]
    assert stock.max() > SPARE_ROWS * small.population.households + 16  # beyond the rows a replication starts with
    pd.testing.assert_frame_equal(first.yearly, run_scenario(growing).yearly)
