"""Calibration: clear errors in the calibration file, seeds that repeat, parameter recovery with ABC-SMC that
resumes from its stored state, a point estimate, and a calibrated scenario that `mph run` accepts."""

import pandas as pd
import pytest
from dossiers import SMALL_TOWN, small_synthetic

from calibration.abc import run_abc
from calibration.config import load_calibration
from calibration.dossiers.schema import write_dossier
from calibration.report import calibrated_scenario, posterior_table
from calibration.simulate import Simulation, evaluation_seed
from scenarios.errors import UserError
from scenarios.scenario import load_scenario
from sim.cli import main

TRUE = {"escalations.police_incident.base_hazard": 0.030, "organisations.debt_relief.success_rate": 0.45}


def _config(tmp_path, generations: int = 2, parameters: str | None = None, targets: str | None = None):
    data = tmp_path / "data"
    if not (data / "households.csv").exists():
        write_dossier(small_synthetic().dossier, data)  # synthesised at the defaults: TRUE
    parameters = parameters or """
  escalations.police_incident.base_hazard: {dist: uniform, low: 0.01, high: 0.06}
  organisations.debt_relief.success_rate: {dist: uniform, low: 0.2, high: 0.7}"""
    targets = targets or """
  - dossier: 1g1p1r.escalations_per_year
  - dossier: control.escalations_per_year
  - dossier: 1g1p1r.escalations_year_before
  - dossier: 1g1p1r.debt_relief_success_share
  - dossier: 1g1p1r.trajectory_success_share"""
    town = ", ".join(f"{k}: {v}" for k, v in SMALL_TOWN.items())
    path = tmp_path / "recovery.yaml"
    path.write_text(f"""
name: recovery
fit_settings: {{{town}}}
replications: 1
seed: 20110501
data: {{households: data/households.csv, events: data/events.csv}}
parameters:{parameters}
targets:{targets}
abc: {{population_size: 20, generations: {generations}}}
point: {{lhs: 4, polish: 4}}
""")
    return path


@pytest.mark.parametrize(("parameters", "targets", "message"), [
    ("\n  levers.ftee: {dist: uniform, low: 1, high: 2}", None, "unknown field 'levers.ftee'"),
    ("\n  organisations.debt_relief.success_rate: {dist: uniform, low: 0.5, high: 1.5}", None,
     "success_rate"),
    ("\n  levers.fte: {dist: gamma, a: 1}", None, "allowed: uniform"),
    (None, "\n  - measure: evictions_per_decade\n    value: 3\n    sd: 1", "unknown measure 'evictions_per_decade'"),
    (None, "\n  - measure: eviction_per_year\n    value: 3", "needs 'value' and 'sd'"),
    (None, "\n  - published: nvvk", "published = 'nvvk'"),
])
def test_calibration_file_errors_name_the_field(tmp_path, parameters, targets, message):
    with pytest.raises(UserError, match=message):
        load_calibration(_config(tmp_path, parameters=parameters, targets=targets))


def test_dossier_targets_take_value_and_uncertainty_from_the_data(tmp_path):
    calibration = load_calibration(_config(tmp_path))
    target = calibration.targets[0]
    assert target.key == "dossier:1g1p1r.escalations_per_year"
    assert 0.2 < target.value < 1.5 and 0 < target.sd < 0.2


def test_evaluation_seed_comes_from_the_parameters(tmp_path):
    simulate = Simulation.of(load_calibration(_config(tmp_path)))
    assert evaluation_seed(1, TRUE) == evaluation_seed(1, dict(reversed(TRUE.items())))
    assert evaluation_seed(1, TRUE) != evaluation_seed(2, TRUE)
    first = simulate(TRUE)
    assert first == simulate(TRUE) and first["seed"] == evaluation_seed(20110501, TRUE)
    assert all(isinstance(v, float) for v in first.values())


def test_abc_resumes_on_a_dask_cluster_and_writes_a_calibrated_scenario(tmp_path):
    """The first call (single-core sampler) stops after one generation, as an interrupted run would; the second
    continues from the stored state on a Dask cluster of 2 workers instead of starting again. Dask's workers propose
    from OS entropy, so this posterior varies from run to run (one run in seven put the true police hazard just
    outside its 90% interval of 20 particles); recovery is checked on the single-worker run, which repeats (below)."""
    path = _config(tmp_path, generations=1)
    out = tmp_path / "out"
    first = run_abc(load_calibration(path), out, workers=1)
    assert first.generations == 1
    changed = path.read_text()
    path.write_text(changed.replace("high: 0.06", "high: 0.07"))
    with pytest.raises(UserError, match="--fresh"):
        run_abc(load_calibration(path), out, workers=1)  # another problem: no silent mix of states
    path.write_text(changed.replace("generations: 1", "generations: 2"))
    calibration = load_calibration(path)
    result = run_abc(calibration, out, workers=2)
    assert result.generations == 2 and result.simulated["seed"].notna().all() and result.evaluations > first.evaluations
    table = posterior_table(calibration, result.particles).set_index("parameter")
    assert set(table.index) == set(TRUE)
    scenario_file = calibrated_scenario(calibration, table["median"].to_dict(), tmp_path / "calibrated.yaml", "test")
    scenario = load_scenario(scenario_file)
    assert scenario.population.households == 3000  # the base scenario, not the small fitting town
    assert scenario.sources["escalations.police_incident.base_hazard"].startswith("calibrated (test): recovery.yaml")


def test_point_estimate_and_outputs(tmp_path, capsys):
    path = _config(tmp_path)
    out = tmp_path / "point"
    assert main(["calibrate", str(path), "--mode", "point", "--out", str(out)]) == 0
    point = pd.read_csv(out / "point.csv").set_index("parameter")["value"]
    assert 0.01 <= point["escalations.police_incident.base_hazard"] <= 0.06
    assert len(pd.read_csv(out / "evaluations.csv")) == 4 + 4
    fit = pd.read_csv(out / "fit.csv")
    assert len(fit) == 5 and fit["simulated_median"].notna().all()
    for name in ("fit.png", "calibrated_scenario.yaml", "summary.json"):
        assert (out / name).is_file()
    assert load_scenario(out / "calibrated_scenario.yaml").name.endswith("(gekalibreerd: recovery)")


def test_an_interrupted_single_worker_run_resumed_gives_the_same_posterior_that_recovers_the_truth(tmp_path):
    """Each generation starts from the stored history with numpy's generator seeded by the calibration seed and the
    generation's number: stopping after the first generation and resuming takes exactly the uninterrupted steps.
    Data synthesised at known values is calibrated back: the true values lie in the 90% credible intervals (how
    often such intervals cover the truth over many truths: benchmarks/bench_recovery.py)."""
    whole = tmp_path / "whole"
    path = _config(tmp_path, generations=2)
    straight = run_abc(load_calibration(path), whole, workers=1)
    interrupted = tmp_path / "interrupted"
    first = _config(tmp_path, generations=1)
    run_abc(load_calibration(first), interrupted, workers=1)
    path = _config(tmp_path, generations=2)
    resumed = run_abc(load_calibration(path), interrupted, workers=1)
    assert resumed.generations == straight.generations == 2
    pd.testing.assert_frame_equal(resumed.particles, straight.particles)
    pd.testing.assert_frame_equal(resumed.simulated, straight.simulated)
    assert resumed.epsilon == straight.epsilon
    table = posterior_table(load_calibration(path), resumed.particles).set_index("parameter")
    for name, value in TRUE.items():
        assert table.loc[name, "p5"] <= value <= table.loc[name, "p95"], (name, table.loc[name].to_dict())


# --- the shipped posterior: runs draw from it (posterior predictive), --point holds point values -----------------

@pytest.fixture
def shipped(tmp_path, monkeypatch):
    """A posterior of three particles shipped in a temporary folder, fitted on the model as it is (or ``other``)."""
    import yaml

    import scenarios.posterior as posterior
    from calibration.model_identity import numbers_of, town_of

    def ship(model: str | None = None):
        folder = tmp_path / "posterior"
        folder.mkdir(exist_ok=True)
        point = load_scenario().value_at("regisseur_effects.empowerment_rate")  # particle 1 holds the point value
        pd.DataFrame({"regisseur_effects.empowerment_rate": [0.0005, point, 0.008], "weight": [1.0, 1.0, 2.0],
                      "seed": [1, 2, 3]}).to_csv(folder / "default.csv", index=False)
        about = {"name": "default", "fitted": "2026-11-29", "fit_settings": SMALL}
        model = model or numbers_of(town_of(about))
        (folder / "default.yaml").write_text(yaml.safe_dump({
            **about, "model_hash": model,
            "evidence": {"version": 1, "hash": "abc"},
            "parameters": {"regisseur_effects.empowerment_rate": {"median": point}}}))
        monkeypatch.setattr(posterior, "FOLDER", folder)
        posterior.load_posterior.cache_clear()
        return posterior.load_posterior()

    yield ship
    posterior.load_posterior.cache_clear()


SMALL = {"population.households": 600, "horizon_years": 3, "levers.fte": 3, "flows.warmup_years": 3}


def test_replications_draw_particles_with_the_runs_seed(shipped):
    from sim.run import run_scenario

    shipped()
    scenario = load_scenario().with_overrides({**SMALL, "replications": 4}, origin="test")
    first, again = run_scenario(scenario), run_scenario(scenario)
    pd.testing.assert_frame_equal(first.measures, again.measures)  # same seed, same particles, same numbers
    assert list(first.draws["replication"]) == [0, 1, 2, 3]
    assert first.draws["particle"].equals(again.draws["particle"])
    point = run_scenario(scenario, point=True)
    assert point.draws.empty
    pinned_run = run_scenario(scenario.with_overrides({"regisseur_effects.empowerment_rate": 0.004}, origin="test"))
    assert pinned_run.draws.empty  # a value the scenario sets itself is kept
    drawn = first.draws.set_index("replication")["particle"]
    same = drawn[drawn == 1].index  # replications that drew the point value match the point run there
    m, p = (r.measures.set_index(["replication", "method", "measure"])["value"] for r in (first, point))
    for rep in same:
        pd.testing.assert_series_equal(m.loc[rep], p.loc[rep])
    if (drawn != 1).any():
        rep = drawn[drawn != 1].index[0]
        assert not m.loc[rep].equals(p.loc[rep])


def test_the_status_line_names_the_posterior_and_says_when_the_model_changed(shipped):
    from calibration.status import calibration_status
    from scenarios.posterior import pinned

    small = load_scenario()
    shipped()
    line = calibration_status(small).line("en")
    assert line.startswith("Calibrated: 1 parameters drawn") and "evidence register v1 (abc)" in line
    assert "WARNING" not in line
    assert calibration_status(pinned(small)).line("en").startswith("Point values (--point)")
    shipped(model="0123456789ab")
    assert "fitted on another model version" in calibration_status(small).line("en")
    assert "LET OP: het model is sindsdien veranderd" in calibration_status(small).line("nl")


def test_the_model_is_known_by_its_numbers_on_the_fit_town():
    """A posterior belongs to the model that computes the same numbers on the town it was fitted on: the same code
    gives the same identity in any process; a changed relation (here a default) gives another."""
    from calibration.model_identity import numbers_of, town_of

    town = town_of({"fit_settings": SMALL})
    assert numbers_of(town) == numbers_of(town_of({"fit_settings": SMALL}))
    moved = town.with_overrides({"dynamics.drift_rate": 0.0036}, origin="test")
    assert numbers_of(moved) != numbers_of(town)


def test_the_shipped_posterior_was_fitted_on_this_model():
    """What users run draws from a posterior fitted on the model as it is: after a change that moves the model's
    numbers, refit (calibration/default.yaml says how) before the change lands."""
    from calibration.model_identity import is_current
    from scenarios.posterior import load_posterior

    assert is_current(load_posterior()), "the shipped posterior belongs to another model version: refit"
