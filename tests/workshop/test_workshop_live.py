"""The live agent view: both methods stepped week by week on the same households, read through one adapter."""

from __future__ import annotations

import math

import numpy as np

from scenarios.scenario import Scenario
from sim.workshop.model_view import STATES, LiveRun


def test_weeks_play_forward_and_regisseurs_appear_only_under_1g1p1r(small_town: Scenario) -> None:
    live = LiveRun(small_town)
    live.advance(26)
    assert live.week == 26
    snapshots = live.snapshots()
    regisseur = STATES.index("regisseur")
    assert (snapshots["1g1p1r"].household_state == regisseur).sum() > 0
    assert (snapshots["verkokerd"].household_state == regisseur).sum() == 0
    team = snapshots["1g1p1r"].regisseurs
    assert len(team) == math.ceil(small_town.levers.fte / small_town.levers.fte_per_regisseur)
    assert team["households"].sum() > 0
    heaviest = max(small_town.regisseur_effects.caseload_weight.model_dump().values())
    assert (team["load"] <= team["capacity"] + heaviest).all()
    assert snapshots["verkokerd"].regisseurs.empty
    organisations = snapshots["verkokerd"].organisations
    assert len(organisations) == len(small_town.organisations)
    assert (organisations["waiting"] >= 0).all() and organisations["caseload"].sum() > 0


def test_without_regisseurs_both_methods_look_the_same(small_town: Scenario) -> None:
    live = LiveRun(small_town.with_overrides({"levers.fte": 0}))
    live.advance(20)
    snapshots = live.snapshots()
    assert np.array_equal(snapshots["verkokerd"].household_state, snapshots["1g1p1r"].household_state)


def test_the_view_stops_at_the_horizon(small_town: Scenario) -> None:
    live = LiveRun(small_town.with_overrides({"horizon_years": 1}))
    live.advance(60)
    assert live.week == 52
    assert live.finished
