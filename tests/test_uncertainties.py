"""Uncertainties in scenario files: validated with clear errors, ignored by a plain run, applied by sweeps."""

import pytest

import scenarios
from scenarios.errors import UserError
from scenarios.scenario import load_scenario


def write(tmp_path, text: str, name: str = "s.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("levers.ftee: {dist: uniform, low: 1, high: 2}", ["levers.ftee", "no such parameter"]),
        ("levers.mandate.free_budget: {dist: uniform, low: 0, high: 1}", ["free_budget", "not a number"]),
        ("levers.fte: {dist: uniform, low: 5, high: 2}", ["levers.fte", "low < high"]),
        ("levers.fte: {dist: gamma, shape: 2}", ["levers.fte", "'gamma'", "uniform"]),
        ("levers.fte: {dist: normal, mean: 3}", ["levers.fte", "sd", "missing"]),
        ("register.cost.unicorn: {dist: uniform, low: 1, high: 2}", ["register.cost.unicorn", "register entry"]),
        ("population.in_view_share: {dist: uniform, low: 0.2, high: 1.5}",
         ["population.in_view_share", "1.5", "less than or equal to 1"]),
        ("register.cost.eviction: {dist: uniform, low: -5, high: 2}", ["register.cost.eviction", "-5", ">= 0"]),
    ],
)
def test_bad_uncertainty_names_file_field_value_and_what_is_allowed(tmp_path, block, expected):
    with pytest.raises(UserError) as err:
        load_scenario(write(tmp_path, f"extends: defaults\nuncertainties:\n  {block}\n"))
    message = str(err.value)
    assert "s.yaml" in message
    for part in expected:
        assert part in message


def test_variants_extend_and_remove_uncertainties(tmp_path):
    parent = scenarios.bundled("variants/uncertain_example.yaml")
    base = load_scenario(parent)
    assert "register.cost.shelter_year" in base.uncertainties
    child = load_scenario(write(tmp_path, f"extends: {parent}\nuncertainties:\n  register.cost.shelter_year: null\n"
                                "  levers.fte: {dist: triangular, low: 8, mode: 12, high: 20}\n"))
    assert "register.cost.shelter_year" not in child.uncertainties
    assert child.uncertainties["levers.fte"].dist == "triangular"
    assert child.uncertainties["population.households"] == base.uncertainties["population.households"]


def test_plain_run_uses_point_values(small):
    from sim.run import run_scenario

    uncertain = load_scenario("scenarios/variants/uncertain_example.yaml")
    overrides = {"population.households": 600, "horizon_years": 2, "levers.fte": 3}
    with_uncertainties = run_scenario(uncertain.with_overrides(overrides), replications=1).measures
    without = run_scenario(load_scenario().with_overrides(overrides), replications=1).measures
    assert with_uncertainties.equals(without)


def test_drawn_values_round_whole_numbers_and_route_prices_to_the_register(example):
    scenario, prices = example.with_values({"population.households": 1234.6, "levers.fte": 7.5,
                                            "register.cost.shelter_year": 50_000.0}, "test")
    assert scenario.population.households == 1235 and scenario.levers.fte == 7.5
    assert prices == {"cost.shelter_year": 50_000.0}


def test_scenario_with_uncertainties_pickles_and_exports(tmp_path):
    import pickle

    scenario = load_scenario("scenarios/variants/staffing_20fte.yaml")
    assert pickle.loads(pickle.dumps(scenario)) == scenario
    again = load_scenario(write(tmp_path, scenario.to_yaml()))
    assert again.uncertainties == scenario.uncertainties and again.levers.fte == 20
