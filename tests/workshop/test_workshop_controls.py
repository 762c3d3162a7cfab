"""The workshop's controls and presets make valid scenarios that change only what the room set."""

from __future__ import annotations

import pytest

from scenarios.errors import UserError
from scenarios.scenario import Scenario
from sim.run import run_scenario
from sim.workshop import controls


def test_start_values_are_the_base_scenario_with_the_workshop_replications(small_town: Scenario) -> None:
    start = controls.start_values(small_town)
    assert start["levers.fte"] == small_town.levers.fte
    assert start["population.households"] == 600
    assert start["replications"] == controls.default_replications()
    assert controls.scenario_overrides(small_town, start) == {"replications": controls.default_replications()}


def test_overrides_hold_only_the_changed_controls(small_town: Scenario) -> None:
    values = controls.base_values(small_town) | {"levers.fte": 7.5, "levers.mandate.free_budget": False,
                                                 "horizon_years": 2}
    assert controls.scenario_overrides(small_town, values) == {
        "levers.fte": 7.5, "levers.mandate.free_budget": False, "horizon_years": 2}
    scenario = controls.build_scenario(small_town, values)
    assert scenario.levers.fte == 7.5
    assert not scenario.levers.mandate.free_budget
    assert scenario.horizon_years == 2


def test_mda_share_rescales_light_and_heavy_so_the_mix_adds_up_to_one(small_town: Scenario) -> None:
    mix = small_town.population.case_mix
    values = controls.base_values(small_town) | {controls.MDA: 0.2}
    new = controls.build_scenario(small_town, values).population.case_mix
    assert new.mda == 0.2
    assert new.light + new.heavy + new.mda == pytest.approx(1.0, abs=1e-12)
    assert new.light / new.heavy == pytest.approx(mix.light / mix.heavy)


def test_a_value_the_scenario_does_not_allow_is_a_user_error_naming_the_field(small_town: Scenario) -> None:
    values = controls.base_values(small_town) | {"levers.caseload_norm": 0.0}
    with pytest.raises(UserError, match="caseload_norm"):
        controls.build_scenario(small_town, values)


@pytest.mark.parametrize(("text", "expected"), [("3000", 3000), (" 3.000 ", 3000), ("1", 1)])
def test_typed_whole_numbers_are_read_with_or_without_thousands_separators(text: str, expected: int) -> None:
    assert controls.parse_whole(text, controls.CONTROL["population.households"]) == expected


@pytest.mark.parametrize("text", ["abc", "", "0", "2,5", "-4", "2000001"])
def test_bad_whole_numbers_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        controls.parse_whole(text, controls.CONTROL["population.households"])


def test_every_preset_sets_every_lever_with_a_source_and_makes_a_valid_scenario(small_town: Scenario) -> None:
    presets = controls.presets()
    assert set(presets) == {"oude_werkwijze", "experiment", "ideale_context"}
    for preset in presets.values():
        assert set(preset.values) == set(controls.LEVERS)
        assert all(preset.sources[path].strip() for path in preset.values)
        assert preset.label["nl"] and preset.label["en"]
        controls.build_scenario(small_town, controls.base_values(small_town) | preset.values)


def test_ideal_context_is_full_mandate_experienced_regisseurs_aftercare_and_network(small_town: Scenario) -> None:
    ideal = controls.build_scenario(small_town, controls.base_values(small_town)
                                    | controls.presets()["ideale_context"].values)
    assert all(ideal.levers.mandate.model_dump().values())
    assert ideal.levers.competence_experienced_share == 1.0
    assert ideal.levers.aftercare_months > 0
    assert ideal.levers.informal_network
    experiment = controls.presets()["experiment"].values
    assert not all(experiment[f"levers.mandate.{name}"] for name in controls.MANDATE)


def test_old_method_preset_gives_both_methods_the_same_numbers(small_town: Scenario) -> None:
    old = controls.build_scenario(small_town, controls.base_values(small_town)
                                  | controls.presets()["oude_werkwijze"].values)
    measures = run_scenario(old, replications=1).measures
    wide = measures.pivot_table(index="measure", columns="method", values="value")
    assert (wide["verkokerd"] == wide["1g1p1r"]).all()


def test_one_participant_cannot_ask_for_more_than_a_fair_share_of_work(small_town: Scenario) -> None:
    """2,000,000 households would hold up every other participant on the shared workers: refused, naming why."""
    values = controls.base_values(small_town) | {"population.households": 2_000_000}
    with pytest.raises(UserError, match="hold up the room"):
        controls.build_scenario(small_town, values)
    years = small_town.flows.warmup_years + small_town.horizon_years  # each task plays its own warm-up
    most = controls.MAX_WORK // (years * small_town.replications * len(small_town.methods))
    allowed = controls.base_values(small_town) | {"population.households": most}
    assert controls.work(controls.build_scenario(small_town, allowed)) <= controls.MAX_WORK
    with pytest.raises(UserError, match="hold up the room"):
        controls.build_scenario(small_town, allowed | {"population.households": most + 1})


def test_the_warm_up_counts_so_one_task_stays_bounded(small_town: Scenario) -> None:
    """1,000,000 households for 1 year in 1 replication looked like 1,000,000 household-years but simulates 11 times
    that (the 10-year warm-up): refused. What is allowed keeps one task, what another participant's run can wait
    for behind it, at MAX_WORK / 2 household-years at most."""
    short = controls.base_values(small_town) | {"horizon_years": 1, "replications": 1}
    with pytest.raises(UserError, match="warm-up"):
        controls.build_scenario(small_town, short | {"population.households": 1_000_000})
    most = controls.MAX_WORK // ((small_town.flows.warmup_years + 1) * len(small_town.methods))
    largest = controls.build_scenario(small_town, short | {"population.households": most})
    assert controls.largest_task(largest) <= controls.MAX_WORK // 2
