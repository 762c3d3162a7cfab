"""Own strength's effect size (sim.measures.own_strength_effect, issue 15's evidence register: Al et al. 2012,
d = 0.49; a later meta-analysis, g = 0.18): the households taken in, a year after their first intake, paired with
themselves under the old method by common random numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from agents.regisseur import NOT_TAKEN_IN, STRENGTH_FOLLOW_WEEKS
from scenarios.scenario import Scenario
from sim.measures import own_strength_effect
from sim.run import replication_models, run_scenario


def test_the_effect_is_the_paired_difference_a_year_after_intake(small: Scenario):
    """Both methods' models of one replication, week by week: each household the team took in is compared, a year
    after its first intake, with the same household (same identity) under the old method in the same week. Under
    the old method it still has exactly the strength it had at intake (nothing outside the approach changes it),
    and the measure from the run's counts is that paired difference over the old method's spread."""
    models = replication_models(small, 0)
    new, old = models["1g1p1r"], models["verkokerd"]
    gains, at_intake = [], []
    while new.week < small.weeks:
        new.step()
        old.step()
        due = np.flatnonzero(new.week - new.team_cases.intake_week == STRENGTH_FOLLOW_WEEKS)
        row_of = {ident: row for row, ident in enumerate(old.households.ident) if ident >= 0}
        for n in due:
            row = row_of.get(new.households.ident[n])
            if row is None:  # left the group under the old method: its counterpart is its strength at intake
                continue
            assert old.households.strength[row] == new.team_cases.intake_strength[n]
            gains.append(new.households.strength[n] - old.households.strength[row])
            at_intake.append(old.households.strength[row])
    assert len(gains) > 50
    by_hand = np.mean(gains) / np.std(at_intake)
    years = new.datacollector.get_table_dataframe("years")
    measured = own_strength_effect(years.sum().to_frame().T).iloc[0]
    assert by_hand > 0
    assert measured == pytest.approx(by_hand, rel=0.05)  # households that left under the old method only differ


def test_the_effect_comes_from_what_a_regisseur_builds(small: Scenario):
    """Without empowerment and without an informal network's strength gain, nothing changes own strength: the effect
    is zero; the old method takes no one in, so it has none (NaN, not zero)."""
    def effect(scenario: Scenario) -> pd.Series:
        m = run_scenario(scenario).measures
        return m[m["measure"] == "own_strength_effect"].set_index(["method", "replication"])["value"]

    built = effect(small)
    assert (built.loc["1g1p1r"] > 0).all()
    assert built.loc["verkokerd"].isna().all()
    nothing = effect(small.with_overrides({"regisseur_effects.empowerment_rate": 0.0,
                                           "regisseur_effects.network_strength_gain": 0.0}))
    assert (nothing.loc["1g1p1r"] == 0.0).all()


def test_a_household_not_taken_in_is_not_followed(small: Scenario):
    model = replication_models(small, 0)["verkokerd"]
    model.run()
    assert (model.team_cases.intake_week == NOT_TAKEN_IN).all()
