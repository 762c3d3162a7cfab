"""Lever settings compared or swept side by side share each replication's households, warm-up and old method: the
old method reads no lever, so a comparison of k settings plays one warm-up and one old-method horizon per
replication instead of k, with exactly the numbers each setting gets when run alone."""

from typing import Any

import pandas as pd
import pytest

import sim.run
from scenarios.register import load_register
from scenarios.scenario import Levers
from sim.experiments.batches import Context, Point, make_batches
from sim.run import run_scenario, run_scenarios

TABLES = ("yearly", "weekly", "measures", "costs", "draws")


def _changed(value: Any) -> Any:
    """Another valid value of a lever: a flag flipped, a number halved (a count moved by one where it cannot)."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value // 2 if value >= 2 else value + 1
    return value / 2 if value > 0 else 0.5


def _every_lever_changed(levers: Levers) -> dict[str, Any]:
    tree = levers.model_dump()
    changes = {f"levers.{name}": _changed(value) for name, value in tree.items() if not isinstance(value, dict)}
    for name, value in tree.items():
        if isinstance(value, dict):
            changes.update({f"levers.{name}.{part}": _changed(v) for part, v in value.items()})
    return changes


def assert_same_results(one: sim.run.Results, other: sim.run.Results) -> None:
    for table in TABLES:
        pd.testing.assert_frame_equal(getattr(one, table), getattr(other, table), check_exact=True)


def test_the_old_method_reads_no_lever(small):
    """What lets lever settings share the old method: change every lever at once (each one the schema knows, so a new
    lever is checked too) and the old method's weeks and years stay the same, to the last digit."""
    changes = _every_lever_changed(small.levers)
    assert len(changes) >= 15  # the mandate's six parts included
    other = small.with_overrides(changes, origin="test")
    assert other.levers != small.levers
    old, new = (run_scenario(s, methods=["verkokerd"]) for s in (small, other))
    pd.testing.assert_frame_equal(old.yearly, new.yearly, check_exact=True)
    pd.testing.assert_frame_equal(old.weekly, new.weekly, check_exact=True)
    assert sim.run.shared_part(small) == sim.run.shared_part(other)


def test_lever_settings_share_households_warm_up_and_old_method_and_get_their_own_numbers(small, monkeypatch):
    staffing = small.with_overrides({"levers.fte": 6}, origin="test")
    ketenregie = small.with_overrides({"levers.mandate.own_diagnosis_plan": False}, origin="test")
    faster_spiral = small.with_overrides({"dynamics.drift_rate": 0.004}, origin="test")  # not a lever: its own
    scenarios = [small, staffing, ketenregie, faster_spiral]
    alone = [run_scenario(s) for s in scenarios]

    generated = []
    cohort = sim.run.generate_cohort
    monkeypatch.setattr(sim.run, "generate_cohort", lambda *a, **k: generated.append(a[0].name) or cohort(*a, **k))
    together = run_scenarios(scenarios, [range(small.replications)] * len(scenarios), threads=2)

    assert len(generated) == 2 * small.replications  # the three lever settings once, the other spiral once
    for one, other in zip(together, alone, strict=True):
        assert_same_results(one, other)
    old = [r.yearly[r.yearly["method"] == "verkokerd"].reset_index(drop=True) for r in together[:3]]
    pd.testing.assert_frame_equal(old[0], old[2])
    assert not together[1].yearly.equals(together[0].yearly)  # 1g1p1r is each one's own


def test_lever_settings_whose_stock_outgrows_the_rows_get_the_numbers_of_their_own_runs(small):
    growing = small.with_overrides({"flows.inflow_share": 0.6, "flows.departure_rate": 0.0,
                                    "flows.children_grown_exit_share": 0.0, "flows.recovery_exit_weeks": 520,
                                    "flows.warmup_years": 1, "replications": 1}, origin="test")
    scenarios = [growing, growing.with_overrides({"levers.fte": 6}, origin="test")]
    for one, other in zip(run_scenarios(scenarios, [range(1)] * 2), [run_scenario(s) for s in scenarios],
                          strict=True):
        assert_same_results(one, other)


@pytest.mark.parametrize(("households", "settings"), [(600, 3), (3_000, 12)])
def test_a_batch_holds_the_lever_settings_of_a_replication_together_where_they_fit(small, households, settings):
    town = small.with_overrides({"population.households": households, "horizon_years": 10}, origin="test")
    levers = [town.with_overrides({"levers.fte": 2 + k}, origin="test") for k in range(settings)]
    scenarios = (*levers, town.with_overrides({"dynamics.drift_rate": 0.004}, origin="test"))
    context = Context(scenarios, load_register(), 3.0)
    points = [Point(i, i, {}, town.seed) for i in range(len(scenarios))]
    batches = make_batches(context, points, replications=4)

    batch_of: dict[tuple[int, int], list[int]] = {}
    for batch in batches:
        for run in batch.runs:
            for rep in range(run.first_replication, run.first_replication + run.replications):
                batch_of.setdefault((run.point.index, rep), []).append(batch.index)
    assert sorted(batch_of) == sorted((p.index, rep) for p in points for rep in range(4))  # each job once
    assert all(len(where) == 1 for where in batch_of.values())
    spread = [len({batch_of[k, rep][0] for k in range(settings)}) for rep in range(4)]
    # a batch is about a second of work: 3 small towns fit in one, 12 of 3,000 households do not
    assert spread == [1] * 4 if households == 600 else max(spread) > 1
