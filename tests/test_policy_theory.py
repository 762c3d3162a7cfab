"""The e-book's policy theory (issue 14), each claim tested over enough replications to be decided: the paired
difference (same households, same draws) must lie beyond three standard errors, not within the noise."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scenarios.domains import ESCALATIONS
from scenarios.scenario import Scenario
from sim.run import run_scenario

REPLICATIONS = 6


@pytest.fixture(scope="module")
def town(example: Scenario) -> Scenario:
    """A smaller town with the example's staffing per household, five years after a shorter warm-up: a comparison of
    two settings on the same households needs no settled stock, only the same one."""
    return example.with_overrides({"population.households": 800, "levers.fte": 3.2, "horizon_years": 5,
                                   "flows.warmup_years": 3, "replications": REPLICATIONS}, origin="test")


def measure(scenario: Scenario, name: str, method: str = "1g1p1r") -> pd.Series:
    """Per replication, over the horizon."""
    m = run_scenario(scenario, methods=[method]).measures
    return m[m["measure"] == name].set_index("replication")["value"]


def decided_below(a: pd.Series, b: pd.Series) -> bool:
    """a below b, paired per replication, by more than three standard errors."""
    diff = (a - b).to_numpy()
    return diff.mean() < 0 and diff.mean() + 3 * diff.std(ddof=1) / np.sqrt(diff.size) < 0


def test_aftercare_lowers_relapse_within_a_year(town):
    """Among the cases of households taken into the approach, the only ones aftercare reaches (the share over all
    closed cases also holds the organisations' cases of households never taken in)."""
    with_aftercare = measure(town.with_overrides({"levers.aftercare_months": 12}), "relapse_12m_share_in_approach")
    without = measure(town.with_overrides({"levers.aftercare_months": 0, "levers.informal_network": False}),
                      "relapse_12m_share_in_approach")
    assert decided_below(with_aftercare, without), (with_aftercare.mean(), without.mean())


def test_relapse_is_reported_per_method(town):
    summary = run_scenario(town.with_overrides({"replications": 2})).summary()
    for method in ("verkokerd", "1g1p1r"):
        assert 0.0 < summary.loc[(method, "relapse_12m_share"), "mean"] < 1.0


ESCALATION_MEASURES = [f"{name}_per_year" for name in ESCALATIONS]


def escalations(scenario: Scenario, method: str) -> pd.Series:
    m = run_scenario(scenario, methods=[method]).measures
    return m[m["measure"].isin(ESCALATION_MEASURES)].groupby("replication")["value"].sum()


def no_mandate(scenario: Scenario, *components: str) -> Scenario:
    names = components or tuple(scenario.levers.mandate.model_dump())
    return scenario.with_overrides({f"levers.mandate.{name}": False for name in names})


# Since mandate b is a mechanism (the regisseur's hours, agents/regisseur.py _share_time) no tuned factor decides this:
# 'rust in het gezin' (presence) comes from the mandate at one person who decides (mandate a), own strength from
# working with the household outside the existing offer (mandate b); ketenregie has neither (seed 004).
def test_without_mandate_ketenregie_keeps_at_most_a_third_of_the_reduction(town):
    """Seed 004: ketenregie (coordination by consultation) does not work; mandate makes the regisseur effective."""
    old = escalations(town, "verkokerd")
    full = old - escalations(town, "1g1p1r")
    none = old - escalations(no_mandate(town), "1g1p1r")
    assert full.mean() > 0
    assert decided_below(none, full / 3), (none.mean(), full.mean())


def yearly_total(scenario: Scenario, name: str) -> pd.Series:
    y = run_scenario(scenario, methods=["1g1p1r"]).yearly
    return y[y["measure"] == name].groupby("replication")["value"].sum()


@pytest.mark.parametrize(("component", "channel", "lower_with_mandate"), [
    ("own_diagnosis_plan", "intake_hours", True),  # no separate intakes and indications, no duplicates
    ("free_time", "households_stable_now", False),  # own strength, and presence by the time given
    ("free_budget", "utility_cutoff", True),  # arrears paid at once
    ("free_budget", "eviction", True),
    # monitoring for the full length of aftercare catches more households sliding back (its effect on relapse, the
    # cockpit's -20% for aftercare as a whole, is tested above; mandate d's share of it is too small to decide here)
    ("decides_aftercare", "aftercare_readmissions", False),
])
def test_each_mandate_component_moves_its_own_channel(town, component, channel, lower_with_mandate):
    with_it, without = yearly_total(town, channel), yearly_total(no_mandate(town, component), channel)
    assert decided_below(with_it, without) if lower_with_mandate else decided_below(without, with_it)


def time_given(scenario: Scenario, weeks: int = 104) -> pd.DataFrame:
    """Households in care after ``weeks`` of 1g1p1r (one replication): their regisseur, case weight, mean severity
    and the share of the hours they need that their regisseur gives them."""
    from agents.regisseur import ACTIVE, DIAGNOSIS
    from sim.run import replication_models

    model = replication_models(scenario.with_overrides({"replications": 1}), 0)["1g1p1r"]
    model.run_for(weeks)
    team = model.team_cases
    care = (team.phase == DIAGNOSIS) | (team.phase == ACTIVE)
    return pd.DataFrame({"regisseur": team.regisseur[care], "weight": team.case_weight[care],
                         "severity": team.mean_severity[care], "share": team.time_share[care]})


def test_free_time_spends_the_hours_where_households_need_them(small):
    """Seed 004 mandate b: the regisseur 'bepaalt welke tijd aan het gezin besteed wordt'. With it a regisseur gives
    each household in care the same share of the hours it needs, so one in crisis gets more hours than a calm one;
    without it each case gets the norm's fixed time, so the worse a household is, the less of its need it gets."""
    free = time_given(small)
    assert len(free) > 20
    spread = free.groupby("regisseur")["share"].agg(lambda s: s.max() - s.min())
    assert spread.max() < 1e-9, spread
    fixed = time_given(no_mandate(small, "free_time"))
    same_weight = fixed[fixed["weight"] == 1.0]
    assert np.corrcoef(same_weight["severity"], same_weight["share"])[0, 1] < -0.5
    crisis = fixed["severity"] > small.regisseur_effects.time_need_severity
    assert (fixed.loc[crisis, "share"] < 1.0).all() and (fixed.loc[~crisis, "share"] == 1.0).all()


@pytest.mark.parametrize("free_time", [True, False])
def test_a_lower_caseload_norm_gives_households_more_of_the_time_they_need(small, free_time):
    """Presence and the building of own strength follow the hours given over the hours needed, so the caseload norm
    moves them: fewer households per fte, more time for each (with free time through the smaller caseload,
    without it through the norm's longer time per case)."""
    rule = small if free_time else no_mandate(small, "free_time")
    roomy = time_given(rule.with_overrides({"levers.caseload_norm": 20}))["share"].mean()
    tight = time_given(rule.with_overrides({"levers.caseload_norm": 60}))["share"].mean()
    assert roomy > tight + 0.1, (roomy, tight)


def queued(town: Scenario) -> Scenario:
    """The town with the organisations' places scaled to its size, so that plans' referrals wait as in the example
    (with the example's places a town of 800 has hardly a waiting list, and the ladder is hardly climbed)."""
    share = town.population.households / 3000
    return town.with_overrides({f"organisations.{key}.capacity": round(org.capacity * share)
                                for key, org in town.organisations.items()})


def test_breaking_waiting_lists_and_backing_act_on_the_waits(town):
    """Mandate e breaks waiting lists for a few in crisis; without it the regisseur climbs the escalation ladder,
    which works with backing (mandate f): more of its rungs break through. The priority budget set aside here: it
    stops the climbing once spent, so the share of rungs that break through is the ladder's own."""
    town = queued(town).with_overrides({"regisseur_effects.priority_budget_per_quarter": 1000})
    assert yearly_total(town, "waiting_lists_broken").sum() > 0
    ladder = no_mandate(town, "break_waiting_lists")
    assert yearly_total(ladder, "waiting_lists_broken").max() == 0
    unbacked = no_mandate(ladder, "administrative_backing")
    share = {name: yearly_total(s, "ladder_breakthroughs").sum() / yearly_total(s, "ladder_escalations").sum()
             for name, s in (("backed", ladder), ("unbacked", unbacked))}
    assert share["backed"] > 2 * share["unbacked"] > 0, share


def test_waiting_lists_are_broken_for_a_few(town):
    """Seed 004 mandate e: the regisseur breaks waiting lists 'voor een kleine groep mensen', as agreed with the
    organisations at the start: a budget of priority referrals a quarter per regisseur. Without a budget nobody
    jumps a queue; with the default, priority admissions are a small share of the plans' admissions."""
    town = queued(town)
    share = measure(town, "priority_admission_share")
    assert 0.0 < share.max() < 0.15, share.tolist()
    none = town.with_overrides({"regisseur_effects.priority_budget_per_quarter": 0})
    assert yearly_total(none, "priority_admissions").max() == 0
    assert yearly_total(none, "waiting_lists_broken").max() == 0


def test_a_team_of_trainees_achieves_at_most_three_quarters_of_an_experienced_team(town):
    """Seed 004: the quality of the regisseurs matters above all. Trainees grow into the role over two years, and
    a trainee who leaves is replaced by a new one."""
    old = escalations(town, "verkokerd")
    experienced = old - escalations(town.with_overrides({"levers.competence_experienced_share": 1.0}), "1g1p1r")
    trainees = old - escalations(town.with_overrides({"levers.competence_experienced_share": 0.0}), "1g1p1r")
    assert decided_below(trainees, 0.75 * experienced), (trainees.mean(), experienced.mean())


def test_trainees_learn_and_leave(town):
    from sim.model import MPHModel

    model = MPHModel(town.with_overrides({"levers.competence_experienced_share": 0.0}), "1g1p1r", 0)
    weeks = np.arange(town.weeks + 1)
    curves = np.array([m.competence(weeks) for m in model.team.members])
    start = town.regisseur_effects.in_training_competence
    assert (curves[:, 0] == start).all()
    assert (curves[:, town.levers.training_weeks] == 1.0).any()  # who stayed learned the job
    assert any(len(m.starts) > 1 for m in model.team.members)  # and some left: their place starts again
    assert (np.diff(curves, axis=1) < 0).any()


def later_escalations(scenario: Scenario) -> pd.Series:
    """Escalations in years 3 to 10, per replication."""
    y = run_scenario(scenario, methods=["1g1p1r"]).yearly
    y = y[y["measure"].isin(ESCALATIONS) & (y["year"] >= 3)]
    return y.groupby("replication")["value"].sum()


def test_more_finding_gives_fewer_escalations_in_years_3_to_10(town):
    """Seed 004: low-threshold reporting finds more households, and earlier in their spiral: more help now, fewer
    escalations later. A team has to have room to take the found in: with the example's staffing (full, its queue
    at its maximum) more finding mainly changes whom it takes in (measured: -10 +- 8 escalations over years 3-10,
    not decided); with 2.5 times the staffing it is decided."""
    roomy = town.with_overrides({"horizon_years": 10, "levers.fte": 2.5 * town.levers.fte})
    more = later_escalations(roomy.with_overrides({"levers.finding_reach": 0.3}))
    none = later_escalations(roomy.with_overrides({"levers.finding_reach": 0.0}))
    assert decided_below(more, none), (more.mean(), none.mean())
