"""The same seed gives the same numbers as before the house was rebuilt (files moved, Python 3.13, Mesa 3.5).

``tests/reference/`` holds every table of four bundled scenarios (yearly counts, weekly series, measures, costs and
the simulated MKBA per replication), recorded with the code before the move. Counts must match exactly; amounts to
twelve digits (another CPU may round a sum's last bit differently). Rerecord on purpose only, after a change that
is meant to move the numbers: ``.venv/bin/python tests/test_reference_numbers.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

import scenarios
from scenarios.register import load_register
from scenarios.scenario import load_scenario
from sim.mkba.simulated import simulated_mkba
from sim.run import run_scenario

REFERENCE = Path(__file__).parent / "reference"
CASES = {"example": ("example_municipality.yaml", 2), "mandate_partial": ("variants/mandate_partial.yaml", 1),
         "aftercare_3years": ("variants/aftercare_3years.yaml", 1), "staffing_8fte": ("variants/staffing_8fte.yaml", 1)}
DISCOUNT_PCT = 4.0


def tables(case: str) -> dict[str, pd.DataFrame]:
    file, replications = CASES[case]
    # the point model (--point): the reference numbers do not move when a new posterior ships
    results = run_scenario(load_scenario(scenarios.bundled(file)), replications=replications, point=True)
    mkba = simulated_mkba(results, load_register(), DISCOUNT_PCT)
    return {"yearly": results.yearly, "weekly": results.weekly, "measures": results.measures, "costs": results.costs,
            "mkba": mkba.per_replication.reset_index()}


@pytest.mark.parametrize("case", CASES)
def test_same_seed_gives_the_recorded_numbers(case: str) -> None:
    for kind, frame in tables(case).items():
        recorded = pd.read_csv(REFERENCE / f"{case}.{kind}.csv.gz")
        now = pd.read_csv(pd.io.common.StringIO(frame.to_csv(index=False, float_format="%.17g")))
        assert list(now.columns) == list(recorded.columns), (case, kind)
        assert len(now) == len(recorded), (case, kind)
        for column in recorded.columns:
            if pd.api.types.is_float_dtype(recorded[column]):
                pd.testing.assert_series_equal(now[column], recorded[column], rtol=1e-12, atol=1e-9,
                                               obj=f"{case}.{kind}.{column}")
            else:
                pd.testing.assert_series_equal(now[column], recorded[column], check_dtype=False,
                                               obj=f"{case}.{kind}.{column}")


if __name__ == "__main__":
    REFERENCE.mkdir(exist_ok=True)
    for name in CASES if len(sys.argv) < 2 else sys.argv[1:]:
        for kind, frame in tables(name).items():
            frame.to_csv(REFERENCE / f"{name}.{kind}.csv.gz", index=False, float_format="%.17g")
