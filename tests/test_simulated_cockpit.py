"""The simulated cockpit (issue 14, item 8): every line of the published cockpit, per year, from a simulation run,
and the bundled cockpit scenario's year 1 beside the published figures."""

import json
from pathlib import Path

import pytest

from scenarios.register import load_register
from scenarios.scenario import load_scenario
from sim.cli import main
from sim.mkba.inputs import load_inputs
from sim.mkba.simulated_cockpit import SECTIONS, compare_with_published, rules, simulated_cockpit
from sim.run import run_scenario

ROOT = Path(__file__).resolve().parents[1]

# The published lines scenarios/cockpit_example.yaml reproduces in year 1 (the README's table says why the others
# cannot be reached with the current model). Checked at the tolerance: 10% or 2 units.
REPRODUCED = {
    "quantities": ("mph_in_approach", "mda_trajectories", "mph_found_extra", "financially_stabilised",
                   "debt_free_after_3y", "people_in_work", "children_start_qualification", "shelter_stays_prevented",
                   "nuisance_youths_fewer", "life_years_gained_qaly"),
    "costs_keur_ncw": ("project", "project_staff", "project_other", "mda_approach"),
    "benefits_keur_ncw": ("school_dropout_direct", "less_sick_leave",
                          "avoided_alt_schooling_benefits", "avoided_collection_costs",
                          "less_long_term_disability", "school_dropout_later_costs",
                          "quality_of_life_fin_stability"),
}


def _keys(section: dict) -> set[str]:
    return {k for key, value in section.items()
            for k in (_keys(value) if isinstance(value, dict) else {key})}


@pytest.fixture(scope="module")
def small_run(small):
    return run_scenario(small)


@pytest.fixture(scope="module")
def cockpit_run():
    # the cockpit's assumptions as point values, as the README's table shows them (mph mkba ... --point)
    return run_scenario(load_scenario(ROOT / "scenarios" / "cockpit_example.yaml"), point=True)


def test_json_has_every_published_key_per_year(tmp_path, small):
    path = tmp_path / "s.yaml"
    path.write_text(small.to_yaml())
    out = tmp_path / "cockpit.json"
    assert main(["mkba", str(path), "--years", "2", "--reps", "2", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    published = load_published()
    not_simulated = set(data["cockpit_rules"]["not_simulated"])
    for section in SECTIONS:
        assert _keys(published[section]) <= _keys(data[section]), section
        for year in ("1", "2"):
            assert _keys(data["cockpit_per_year"][year][section]) == _keys(data[section])
    values = {k: v for s in ("costs_keur_ncw", "benefits_keur_ncw") for k, v in data[s].items()}
    assert {k for k, v in values.items() if v is None} <= not_simulated
    assert data["calibration_status"].startswith(("Calibrated", "Not calibrated", "Point values"))


def load_published() -> dict:
    """The published cockpit as transcribed in the bundled cockpit inputs (keys of lpbl_cockpit.yaml)."""
    return load_inputs().published.model_dump()


def test_without_regisseurs_every_line_is_zero(small):
    """Nothing is a hard-coded published number: without regisseurs there is no difference to price."""
    results = run_scenario(small.with_overrides({"levers.fte": 0}), years=1)
    cockpit = simulated_cockpit(results, load_register())
    year = cockpit.year(1)
    for section in ("quantities", "costs_keur_ncw", "benefits_keur_ncw"):
        flat = [v for v in (_values(year[section])) if v is not None]
        assert flat and all(v == pytest.approx(0.0, abs=1e-9) for v in flat), section


def _values(section: dict) -> list:
    return [v for value in section.values() for v in (_values(value) if isinstance(value, dict) else [value])]


def test_derived_lines_follow_their_rule(small_run):
    """Lines the model does not simulate are derived from simulated ones by a register ratio: change the ratio
    and only they move."""
    register = load_register()
    base = simulated_cockpit(small_run, register)
    share = register.value("effect.debt_free_share_of_stabilised")
    doubled = simulated_cockpit(small_run, register.with_values(
        {"effect.debt_free_share_of_stabilised": 2 * share}, "test", None))
    assert base.quantities["debt_free_after_3y"].to_numpy() == pytest.approx(
        share * base.quantities["financially_stabilised"].to_numpy())
    assert doubled.quantities["debt_free_after_3y"].to_numpy() == pytest.approx(
        2 * base.quantities["debt_free_after_3y"].to_numpy())
    assert doubled.quantities["financially_stabilised"].to_numpy() == pytest.approx(
        base.quantities["financially_stabilised"].to_numpy())
    assert set(rules()["quantities"]) == set(base.quantities.columns)


def test_trajectory_outcomes_count_the_years_clients_at_their_success_share(small_run):
    """The cockpit counts a year's debt-relief and re-integration clients at their success rate (texts 4 and 7), not
    the trajectories that happen to end within the year: financially stabilised = trajectories started x the share
    of completed ones that succeeded, 1g1p1r minus the old method; collection costs follow it, one case-year per
    stabilised household (the rule cost.collection_case is derived by)."""
    register = load_register()
    cockpit = simulated_cockpit(small_run, register)
    yearly = small_run.yearly.pivot_table(index=["method", "replication", "year"], columns="measure", values="value",
                                          aggfunc="sum")
    for organisation, key in (("debt_relief", "financially_stabilised"), ("reintegration", "people_in_work")):
        clients = {}
        for method in ("1g1p1r", "verkokerd"):
            rows = yearly.loc[method]
            pooled = rows.groupby(level="year")[[f"trajectories_succeeded.{organisation}",
                                                 f"trajectories_completed.{organisation}"]].sum()
            share = pooled.iloc[:, 0] / pooled.iloc[:, 1]
            years = rows.index.get_level_values("year")
            clients[method] = rows[f"trajectories_started.{organisation}"] * share.loc[years].to_numpy()
        expected = (clients["1g1p1r"] - clients["verkokerd"]).reindex(cockpit.quantities.index)
        assert cockpit.quantities[key].to_numpy() == pytest.approx(expected.to_numpy()), key
    price = register.value("cost.collection_case")
    assert cockpit.benefits["avoided_collection_costs"].to_numpy() == pytest.approx(
        cockpit.quantities["financially_stabilised"].to_numpy() * price / 1000.0)
    assert (cockpit.quantities["financially_stabilised"] != 0).any()


def test_unpriced_lines_are_outside_the_cockpit_totals(small_run):
    """Out-of-home placement is shown but, as in the published cockpit ('-'), not in its totals; the balance
    with unpriced escalations adds it."""
    register = load_register()
    base = simulated_cockpit(small_run, register)
    price = register.value("cost.out_of_home_placement_year")
    dearer = simulated_cockpit(small_run, register.with_values(
        {"cost.out_of_home_placement_year": 2 * price}, "test", None))
    assert dearer.benefits["total"].to_numpy() == pytest.approx(base.benefits["total"].to_numpy())
    moved = dearer.benefits["avoided_out_of_home_placement"] - base.benefits["avoided_out_of_home_placement"]
    with_unpriced = dearer.result["mkba_balance_keur_with_unpriced"] - base.result["mkba_balance_keur_with_unpriced"]
    assert with_unpriced.to_numpy() == pytest.approx(moved.to_numpy())
    assert (base.benefits["avoided_out_of_home_placement"] != 0).any()


def test_cockpit_scenario_reproduces_the_published_lines_it_can(cockpit_run):
    """scenarios/cockpit_example.yaml, year 1, against the published cockpit: every line the README marks as
    reproduced lies within 10% or 2 units of the published figure."""
    rows = {(row.section, row.key): row for row in compare_with_published(simulated_cockpit(cockpit_run,
                                                                                            load_register()))}
    for section, keys in REPRODUCED.items():
        for key in keys:
            row = rows[(section, key)]
            assert row.within, (section, key, row.published, row.mean)


def test_readme_shows_every_published_line_with_a_reason_where_it_is_not_reproduced():
    """The README's table: every published line, 'ja' (within) exactly for the lines tested above, and a reason for
    every other."""
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("### De gesimuleerde cockpit naast de gepubliceerde"):]
    table = table[:table.index("\n## ")]
    for section in SECTIONS:
        for key in _keys(load_published()[section]):
            line = next((line for line in table.splitlines() if line.startswith(f"| {section} | `{key}` |")), None)
            assert line is not None, (section, key)
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            assert (cells[5] == "ja") == (key in REPRODUCED.get(section, ())), (section, key)
            assert cells[5] == "ja" or cells[6], f"{section}.{key}: no reason given"
