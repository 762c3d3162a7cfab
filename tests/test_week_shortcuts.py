"""The team's and the organisations' weeks visit only the households with something to do (docs/performance.md):
the shortcuts rest on facts about the model's state that these tests hold to, week by week, and on the plain rules
giving the same result as the compiled passes."""

from __future__ import annotations

import numpy as np
import pytest

from agents.organisation import INTAKE, Involvement, involvement_week
from agents.regisseur import ACTIVE, AFTERCARE, DIAGNOSIS
from scenarios.scenario import Scenario
from sim.run import replication_models

WEEKS = 104


@pytest.fixture(scope="module")
def weeks(small: Scenario) -> list[dict[str, np.ndarray]]:
    """The 1g1p1r model of a small town stepped week by week after its warm-up: each week's state."""
    model = replication_models(small, 0)["1g1p1r"]
    states = []
    for _ in range(WEEKS):
        model.step()
        team = model.team_cases
        states.append({"phase": team.phase.copy(), "regisseur": team.regisseur.copy(),
                       "time_share": team.time_share.copy(), "status": model.care.cases.status.copy(),
                       "open_bits": model.care.cases.open_bits.copy()})
    return states


def test_only_households_with_a_regisseur_are_in_diagnosis_care_or_aftercare(weeks):
    """The team's passes after the intakes visit only the households with a regisseur."""
    taken_in = 0
    for state in weeks:
        phase = state["phase"]
        in_approach = (phase >= DIAGNOSIS) & (phase <= AFTERCARE)
        assert ((state["regisseur"] >= 0) == in_approach).all()
        taken_in += in_approach.sum()
    assert taken_in > 0  # the team did work


def test_a_household_out_of_care_has_no_share_of_a_regisseurs_time(weeks):
    """The time shares are set only where a regisseur works; elsewhere (aftercare, released, emptied) none."""
    shared = 0
    for state in weeks:
        phase = state["phase"]
        under_care = (phase == DIAGNOSIS) | (phase == ACTIVE)
        assert (state["time_share"][~under_care] == 0.0).all()
        shared += (state["time_share"][under_care] > 0).sum()
    assert shared > 0


def test_the_open_case_masks_agree_with_the_case_table(weeks):
    """The organisations' week reads a household's open cases from its mask, not from the table."""
    for state in weeks:
        orgs = state["status"].shape[1]
        bits = ((state["status"] >= INTAKE) * (np.int64(1) << np.arange(orgs, dtype=np.int64))).sum(axis=1)
        assert (bits == state["open_bits"]).all()


def test_the_week_of_professionals_follows_the_plain_rule(small):
    """involvement_week in its passes (newcomers, all rows, households under a plan) adds what the rule says."""
    model = replication_models(small, 1)["1g1p1r"]
    model.run_for(30)
    hh, care, rules, team = model.households, model.care.cases, model.care.rules, model.team_cases
    inv = model.involvement
    inv.ident[::7] = -2  # some rows as if a newcomer took them over
    before = Involvement(*(array.copy() for array in inv))
    involvement_week(hh, model.life.applicable, care, rules, model.life.events, team.phase, (DIAGNOSIS, ACTIVE),
                     (DIAGNOSIS, AFTERCARE), inv)

    under_plan_rows = 0
    for n in range(hh.size):
        own, plan, esc, regisseur = (before.own_offer_bits[n], before.plan_bits[n], before.escalation_bits[n],
                                     before.regisseur[n])
        joined = before.joined[n]
        if before.ident[n] != hh.ident[n]:
            own, plan, esc, regisseur = 0, 0, 0, False
            joined = sum(1 << o for o in range(rules.join_share.size) if hh.join[n, o] < rules.join_share[o])
        visible = 0
        for d in range(hh.severity.shape[1]):
            if hh.severity[n, d] > rules.involvement_severity and model.life.applicable[n, d]:
                visible |= int(rules.domain_orgs[d])
        open_bits = int(care.open_bits[n])
        if rules.own_plan and team.phase[n] in (DIAGNOSIS, ACTIVE):
            under_plan_rows += 1
            in_plan = sum(1 << o for o in range(care.status.shape[1])
                          if open_bits >> o & 1 and care.via_regisseur[n, o])
            plan |= in_plan
            own |= open_bits & ~in_plan
        else:
            own |= open_bits | (visible & joined)
        assert inv.own_offer_bits[n] == own and inv.plan_bits[n] == plan and inv.joined[n] == joined
        assert inv.escalation_bits[n] == esc | model.life.events[n]
        assert inv.regisseur[n] == (regisseur or DIAGNOSIS <= team.phase[n] <= AFTERCARE)
    assert under_plan_rows > 0
