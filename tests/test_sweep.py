"""Sweeps: clear errors in sweep files, the same numbers on any number of workers, resuming after an interruption."""

import pandas as pd
import pytest

import scenarios
from scenarios.errors import UserError
from scenarios.register import load_register
from sim.experiments.batches import BatchStore, execute
from sim.experiments.sweep import load_sweep, results_folder, run_sweep

SWEEP = f"""
name: test grid
scenario: {scenarios.bundled("variants/uncertain_example.yaml")}
design: grid
samples: 2
replications: 2
seed: 3
years: 2
overrides: {{population.households: 400}}
uncertainties:
  population.households: {{dist: uniform, low: 350, high: 450}}
levers:
  levers.fte: [1, 3]
  mandate:
    volledig: {{}}
    geen: {{levers.mandate.free_budget: false, levers.mandate.own_diagnosis_plan: false}}
outcomes: [mkba_balance, eviction_per_year]
"""


@pytest.fixture
def sweep_file(tmp_path):
    path = tmp_path / "sweep.yaml"
    path.write_text(SWEEP)
    return path


def test_grid_design_crosses_levers_with_uncertainty_draws(sweep_file):
    sweep = load_sweep(sweep_file)
    assert len(sweep.points) == 2 * 2 * 2
    table = sweep.design_table()
    assert set(table["levers.fte"]) == {1, 3} and set(table["mandate"]) == {"volledig", "geen"}
    # every lever combination meets the same uncertainty draws
    draws = table.groupby(["levers.fte", "mandate"])["register.cost.shelter_year"].apply(tuple)
    assert draws.nunique() == 1
    assert all(350 <= p.values["population.households"] <= 450 for p in sweep.points)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("design: grid", "design: factorial"), ["design", "'factorial'", "latin_hypercube"]),
        (("outcomes: [mkba_balance, eviction_per_year]", "outcomes: [joy]"), ["outcomes", "joy", "allowed"]),
        (("levers.fte: [1, 3]", "levers.fte: {dist: uniform, low: 1, high: 3}"), ["levers.fte", "grid needs a list"]),
        (("levers.fte: [1, 3]", "levers.fte: [1, -3]"), ["design point", "levers.fte", "-3"]),
        (("levers.mandate.free_budget: false", "levers.mandate.free_budgett: false"), ["free_budgett", "unknown"]),
        (("replications: 2", "replications: 0"), ["replications", "0", "greater than or equal to 1"]),
    ],
)
def test_bad_sweep_file_names_file_field_value_and_what_is_allowed(tmp_path, change, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(SWEEP.replace(*change))
    with pytest.raises(UserError) as err:
        load_sweep(path)
    message = str(err.value)
    assert "bad.yaml" in message
    for part in expected:
        assert part in message


def test_same_numbers_on_one_and_two_workers_and_resume_after_interruption(sweep_file, tmp_path, monkeypatch):
    from sim.cli import main
    from sim.experiments.cluster import dask_client

    monkeypatch.setattr("sim.experiments.batches.BATCH_SECONDS", 0.01)  # a batch per run: several batches to interrupt

    assert main(["sweep", str(sweep_file), "--workers", "1", "--out", str(tmp_path / "one"), "--no-charts"]) == 0
    one = pd.read_parquet(tmp_path / "one" / "sweep.parquet")
    sweep = load_sweep(sweep_file)
    register = load_register()
    with dask_client(workers=2) as client:
        two = run_sweep(sweep, tmp_path / "two", register, 2.25, client, progress=False)
        context = sweep.context(register, 2.25)
        batches = sweep.batches(context)[:2]
        first = execute(context, batches, client, progress=False)["measures"]
        again = execute(context, batches, client, progress=False)["measures"]  # the same context twice on a client
    pd.testing.assert_frame_equal(one, two)
    pd.testing.assert_frame_equal(first, again)
    assert set(one["method"]) == {"verkokerd", "1g1p1r", "difference"}
    keys = ["point", "replication", "method", "measure"]
    assert not one.duplicated(keys).any()
    assert one.groupby(["point", "replication"]).ngroups == len(sweep.points) * 2

    # interrupted: only the first half of the batches finished before the stop (in this process)
    context = sweep.context(register, 2.25)
    batches = sweep.batches(context)
    assert len(batches) >= 2
    store = BatchStore(results_folder(tmp_path / "resumed", context, batches))
    execute(context, batches[: len(batches) // 2], store=store, progress=False)
    finished = {p: p.stat().st_mtime_ns for p in store.folder.iterdir()}
    resumed = run_sweep(sweep, tmp_path / "resumed", register, 2.25, progress=False)
    pd.testing.assert_frame_equal(resumed, one)
    assert all(p.stat().st_mtime_ns == t for p, t in finished.items())  # finished batches were not redone
    assert len(store.done()) == len(batches)


def test_grid_outputs_heatmap_and_where_the_balance_turns_positive(sweep_file, tmp_path):
    from sim.reports.sweep import crossings, write_outputs

    sweep = load_sweep(sweep_file)
    table = run_sweep(sweep, tmp_path, load_register(), 2.25, progress=False)
    written = {p.name for p in write_outputs(sweep, table, tmp_path)}
    assert {"sweep.csv", "sweep.parquet", "points.csv", "break_even.csv", "heatmap_mkba_balance.png",
            "omslagpunt_mkba_balance.png"} <= written
    found = crossings(sweep, table, "eviction_per_year")
    assert list(found["level"]) == ["volledig", "geen"]


def test_changed_sweep_does_not_reuse_old_results(sweep_file):
    sweep = load_sweep(sweep_file)
    other = sweep_file.with_name("other.yaml")
    other.write_text(SWEEP.replace("seed: 3", "seed: 4"))
    changed = load_sweep(other)
    register = load_register()
    folders = [results_folder(s.path.parent, s.context(register, 2.25), s.batches(s.context(register, 2.25)))
               for s in (sweep, changed)]
    assert folders[0] != folders[1]


@pytest.mark.parametrize("path", sorted(scenarios.bundled("sweeps").glob("*.yaml"))
                         + sorted(scenarios.bundled("variants").glob("*.yaml")), ids=lambda p: p.name)
def test_bundled_sweeps_and_variants_load_and_say_they_are_illustrative(path):
    from scenarios.scenario import load_scenario

    assert "ILLUSTRATIVE" in path.read_text()
    loaded = load_sweep(path) if path.parent.name == "sweeps" else load_scenario(path)
    assert "illustratief" in (loaded.spec.name if path.parent.name == "sweeps" else loaded.name)
