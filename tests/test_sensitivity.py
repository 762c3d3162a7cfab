"""Global sensitivity analysis ranks what matters: a planted dominant factor comes first."""

import numpy as np
import pytest

import scenarios
from scenarios.distributions import parse_distribution
from scenarios.register import load_register
from sim.experiments.design import Factor, settings
from sim.experiments.sensitivity import analyse, design, tornado_chart


@pytest.mark.parametrize(("method", "n"), [("morris", 20), ("sobol", 256)])
def test_analytic_function_ranks_the_planted_dominant_factor_first(method, n, tmp_path):
    # a cheap function through the same pipeline as a sweep: unit design -> factor values -> outcome -> SALib
    factors = [Factor("x_small", distribution=parse_distribution({"dist": "uniform", "low": 0, "high": 1}, "t")),
               Factor("x_dominant", distribution=parse_distribution({"dist": "normal", "mean": 0, "sd": 1}, "t")),
               Factor("x_none", distribution=parse_distribution({"dist": "uniform", "low": 0, "high": 1}, "t")),
               Factor("x_medium", distribution=parse_distribution({"dist": "beta", "a": 2, "b": 2}, "t"))]
    names = [f.name for f in factors]
    unit = design(method, names, n, seed=7)
    values = [v for _, v in settings(factors, unit)]
    y = np.array([10 * v["x_dominant"] + 2 * v["x_medium"] + 0.3 * v["x_small"] for v in values])
    indices = analyse(method, names, unit, y, seed=7)
    assert list(indices.index[:3]) == ["x_dominant", "x_medium", "x_small"]
    assert indices.loc["x_none", "importance"] < 0.01 * indices.loc["x_dominant", "importance"]
    assert tornado_chart(indices, method, "test", tmp_path / "tornado.png").stat().st_size > 0


def test_model_parameter_known_to_dominate_ranks_first(tmp_path):
    # the number of households taken into the approach depends on the staffing, not on the price of a police
    # incident (which only enters the MKBA) and little on how fast problems drift
    from sim.experiments.sweep import load_sweep, run_sweep
    from sim.reports.sweep import sensitivity_tables

    path = tmp_path / "morris.yaml"
    path.write_text(f"""
name: test morris
scenario: {scenarios.bundled("example_municipality.yaml")}
design: morris
samples: 3
replications: 1
years: 2
overrides: {{population.households: 400}}
levers:
  levers.fte: {{dist: uniform, low: 0.5, high: 4}}
uncertainties:
  register.cost.police_incident: {{dist: uniform, low: 500, high: 5000}}
  dynamics.drift_rate: {{dist: uniform, low: 0.003, high: 0.004}}
outcomes: [households_in_approach, mkba_balance]
""")
    sweep = load_sweep(path)
    table = run_sweep(sweep, tmp_path, load_register(), 2.25, progress=False)
    indices = sensitivity_tables(sweep, table).set_index("outcome")
    approach = indices.loc["households_in_approach"]
    assert approach.iloc[0]["factor"] == "levers.fte"
    assert approach.set_index("factor").loc["register.cost.police_incident", "importance"] == 0
    assert indices.loc["mkba_balance"].iloc[0]["factor"] == "levers.fte"


def test_sobol_needs_a_power_of_two():
    from scenarios.errors import UserError

    with pytest.raises(UserError, match="power of 2"):
        design("sobol", ["a", "b"], 100, seed=1)
