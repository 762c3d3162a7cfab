"""Households: the downward spiral of problems across life domains, life events, escalations, being noticed.

A :class:`Household` is a Mesa agent that reads its own row of the population arrays. The behaviour of all
households in a week runs in :func:`household_week`, compiled with numba: one pass over the households, each
going through :func:`_spiral`, :func:`_escalate` and :func:`_noticed` in turn. Stepping thousands of Python
objects one by one is far too slow for calibration and sweeps; so is a dozen numpy passes per week.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

import mesa
import numpy as np
from numba import njit

from agents.organisation import lowest_bit, refer
from agents.regisseur import AFTERCARE, in_approach, under_care
from scenarios.domains import CASE_TYPES, DOMAIN_INDEX, DOMAINS, ESCALATIONS
from sim.crn import Draw, unit
from sim.population import DROPOUT_AGES, MAX_CHILDREN
from sim.tally import Total

if TYPE_CHECKING:
    from agents.organisation import CareCases, CareRules
    from agents.regisseur import TeamCases
    from scenarios.scenario import Scenario
    from sim.model import MPHModel
    from sim.population import Households

HOUSING = DOMAIN_INDEX["housing"]
WEEKS_PER_YEAR = 52
# "Until" of a household that was never homeless nor had a child placed: before any week, warm-up included (its
# weeks are counted up to 0, so 0 would mean "until the horizon begins").
LONG_AGO = -(1 << 30)
# The escalations with a weekly hazard, in the order of their draws (Draw.EVICTION onwards).
HAZARDS = ("eviction_threat", "out_of_home_placement", "police_incident", "intensive_care_episode",
           "school_dropout", "utility_cutoff", "collection_case")
EVICTION_THREAT, PLACEMENT, POLICE, INTENSIVE_CARE, DROPOUT, UTILITY, COLLECTION = range(len(HAZARDS))
assert Draw.COLLECTION - Draw.EVICTION == COLLECTION
# Bits of LifeEvents.events: which escalations (scenarios.domains.ESCALATIONS) a household had this week.
EVENT_BIT = {name: 1 << k for k, name in enumerate(ESCALATIONS)}
EVICTED, SHELTERED, PLACED, POLICED, INTENSIVE, DROPPED_OUT, CUT_OFF, COLLECTED = range(len(ESCALATIONS))
# The hazard whose driving domains an escalation is recorded under.
EVENT_HAZARD = np.array([HAZARDS.index(name) if name in HAZARDS else EVICTION_THREAT for name in ESCALATIONS])


class Household(mesa.Agent):
    """One multi-problem household; its state is row ``index`` of the model's arrays."""

    def __init__(self, model: MPHModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def case_type(self) -> str:
        return CASE_TYPES[self.model.households.case_type[self.index]]

    @property
    def severity(self) -> dict[str, float]:
        row = self.model.households.severity[self.index]
        return {domain: float(row[i]) for i, domain in enumerate(DOMAINS) if self.model.applicable[self.index, i]}

    @property
    def children(self) -> list[int]:
        return [int(a) for a in self.model.households.child_age[self.index] if a >= 0]

    @property
    def professionals(self) -> int:
        """Organisations working in the home, plus the regisseur if there is one."""
        return int(self.model.professionals()[self.index])

    @property
    def housed(self) -> bool:
        return bool(self.model.homeless_until[self.index] <= self.model.week)


class LifeEvents(NamedTuple):
    """What has happened to each household beyond its problems: arrays the weekly step changes in place."""

    applicable: np.ndarray  # bool (N, D): the life domain exists for the household
    applicable_count: np.ndarray  # int (N,): number of such domains
    homeless_until: np.ndarray  # week from which the household is housed again
    in_shelter: np.ndarray  # bool
    placed_until: np.ndarray  # (N, children): week a placed child comes home
    dropped_out: np.ndarray  # bool (N, children)
    reached: np.ndarray  # bool: ever had help (a regisseur or a trajectory)
    escalated: np.ndarray  # bool: an escalation (or its threat) this week: a 'vindplaats' sees the household
    events: np.ndarray  # uint16 bits EVENT_BIT: escalations this week
    event_domain: np.ndarray  # int8 (N, len(ESCALATIONS)): the driving domain that weighed most, where the bit is set
    # Scratch the escalation step reuses every week: a fresh allocation of this size each week costs page faults
    # where malloc hands freed memory back to the system at once (Dask's workers set MALLOC_TRIM_THRESHOLD_).
    candidates: np.ndarray  # households with this week's rare work: a threat may happen, an organisation notices
    drawn: np.ndarray  # bool: whose draw said yes, in a loop of its own (only such a loop computes draws in parallel)
    # Relapse after closure (sim.model._close_week): helped last week (by a regisseur in care or an organisation's
    # case), and the week the last help ended with the household below the relapse level, followed for a year.
    helped: np.ndarray  # bool
    closed_at: np.ndarray  # int32, LONG_AGO when not followed

    @classmethod
    def start(cls, households: Households) -> LifeEvents:
        n, n_children = households.child_age.shape
        return cls(np.zeros(households.severity.shape, dtype=bool), np.zeros(n, dtype=np.int64),
                   np.full(n, LONG_AGO, dtype=np.int32), np.zeros(n, dtype=bool),
                   np.full((n, n_children), LONG_AGO, dtype=np.int32),
                   np.zeros((n, n_children), dtype=bool), np.zeros(n, dtype=bool), np.zeros(n, dtype=bool),
                   np.zeros(n, dtype=np.uint16), np.zeros((n, len(ESCALATIONS)), dtype=np.int8),
                   np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool), np.zeros(n, dtype=bool),
                   np.full(n, LONG_AGO, dtype=np.int32))


class HouseholdRules(NamedTuple):
    """The numbers the households' week reads, from the scenario (what a regisseur changes is 0 without one)."""

    drift_rate: float
    spillover: float
    recovery_rate: float
    trajectory_drift_factor: float
    shock_rate: float
    shock_size: float
    notice_rate: float
    own_plan: bool  # mandate a: no organisation refers a regisseur's household behind the regisseur's back
    finding_rate: float
    referral_threshold: float
    base_hazard: np.ndarray  # per hazard
    drivers: np.ndarray  # (domains, hazards): weights per hazard add up to 1
    threat_bound: np.ndarray  # per hazard: the most a hazard can be (base x the most pupils for dropout)
    first_threat: np.ndarray  # per hazard: the chance it is under its bound, given that none before it is
    no_threat: float  # the chance that no hazard is under its bound
    eviction_prevented: float
    utility_prevented: float
    shelter_share: float
    shelter_mean_years: float
    rehousing_weeks: int
    placement_mean_years: float
    presence: float  # drift reduction under a fully competent regisseur
    aftercare_protection: float  # fewer life events in aftercare
    network_protection: float  # fewer life events with an informal network
    eviction_gain: float  # extra share of eviction threats averted in the approach
    utility_gain: float
    placement_gain: float
    intensive_care_gain: float  # share of clinical episodes in the approach that ambulant care in the plan averts

    @classmethod
    def of(cls, scenario: Scenario) -> HouseholdRules:
        dyn, esc, effects = scenario.dynamics, scenario.escalations, scenario.regisseur_effects
        mandate = scenario.levers.mandate
        drivers = np.zeros((len(DOMAINS), len(HAZARDS)))
        for j, name in enumerate(HAZARDS):
            weights = getattr(esc, name).drivers
            total = sum(weights.values())
            for domain, weight in weights.items():
                drivers[DOMAIN_INDEX[domain], j] = weight / total
        budget = 1.0 if mandate.free_budget else effects.without_free_budget_factor
        aftercare = effects.aftercare_shock_reduction
        if not mandate.decides_aftercare:
            aftercare *= effects.without_aftercare_mandate_factor
        time = 1.0 if mandate.free_time else effects.without_free_time_factor
        base = np.array([getattr(esc, name).base_hazard for name in HAZARDS])
        bound = base * np.where(np.arange(len(HAZARDS)) == DROPOUT, MAX_CHILDREN, 1)
        # chance that none of hazards j, j+1, ... is under its bound; the last possible one is certain
        none_from = np.append(np.cumprod((1.0 - bound)[::-1])[::-1], 1.0)
        first = np.divide(bound, 1.0 - none_from[:-1], out=np.zeros_like(bound), where=bound > 0)
        first[(bound > 0) & (none_from[1:] == 1.0)] = 1.0
        return cls(
            dyn.drift_rate, dyn.spillover, dyn.recovery_rate,
            scenario.organisation_common.trajectory_drift_factor, dyn.shock_rate, dyn.shock_size, dyn.notice_rate,
            mandate.own_diagnosis_plan, dyn.finding_rate,
            dyn.referral_threshold, base, drivers, bound, first, float(none_from[0]),
            esc.eviction_threat.prevented_share, esc.utility_cutoff.prevented_share, esc.shelter.share_after_eviction,
            esc.shelter.mean_years, esc.shelter.rehousing_weeks, esc.out_of_home_placement.mean_years,
            effects.presence_drift_reduction * time,
            aftercare, effects.network_shock_reduction, effects.eviction_prevention_gain * budget,
            effects.utility_prevention_gain * budget, effects.placement_prevention_gain,
            # mandate a: one plan arranges ambulant care in time; under ketenregie each organisation indicates alone
            effects.intensive_care_prevention_gain if mandate.own_diagnosis_plan else 0.0)


@njit(cache=True, error_model="numpy")
def household_week(hh: Households, life: LifeEvents, care: CareCases, care_rules: CareRules, team: TeamCases,
                   rules: HouseholdRules, seeds: np.ndarray, week: int, totals: np.ndarray, per_org: np.ndarray
                   ) -> None:
    """One week of every household: problems drift and spill over, life events hit, escalations happen, an
    organisation may notice a problem, and the household may come into view as an MPH."""
    _spiral(hh, life, care, care_rules, team, rules, seeds, week)
    _escalate(hh, life, team, rules, seeds, week, totals)
    _noticed(hh, life, care, care_rules, team, rules, seeds, week, per_org)
    _found(hh, life, team, rules, seeds, week)


@njit(cache=True, error_model="numpy")
def _found(hh: Households, life: LifeEvents, team: TeamCases, rules: HouseholdRules, seeds: np.ndarray,
           week: int) -> None:
    """A hidden MPH comes into view through an escalation or a report from a 'vindplaats', the likelier the worse
    its problems; under either method, so the flow table counts the found alike (low-threshold reporting adds to
    it under 1g1p1r: agents.regisseur, agents.turnover)."""
    for n in range(hh.severity.shape[0]):
        if team.found[n]:  # most are, after a while
            continue
        total = 0.0
        for d in range(hh.severity.shape[1]):
            total += hh.severity[n, d]
        mean = total / life.applicable_count[n]
        team.found[n] = life.escalated[n] or unit(seeds, Draw.FINDING, week, hh.ident[n]) < rules.finding_rate * mean**2


@njit(cache=True, error_model="numpy")
def _spiral(hh: Households, life: LifeEvents, care: CareCases, care_rules: CareRules, team: TeamCases,
            rules: HouseholdRules, seeds: np.ndarray, week: int) -> None:
    """Drift towards crisis and own recovery, then perhaps a life event.

    Drift is faster for weak households and when other domains are bad (spill-over), slower under a regisseur
    or in a domain with a running trajectory; recovery pulls towards 0. The update
    ``sev += drift - (drift + pull) * sev`` keeps severities within [0, 1] and absent domains at 0.

    The rare life events are applied in a second pass: a rarely taken branch that writes severities in the main
    loop makes the whole loop compile to code twice as slow. Each household still goes through the same steps in
    the same order.
    """
    for n in range(hh.severity.shape[0]):
        sev = hh.severity[n]
        app = life.applicable[n]
        in_trajectory = 0  # bit per domain
        orgs = care.trajectory_bits[n]
        while orgs:
            in_trajectory |= 1 << care_rules.domain[lowest_bit(orgs)]
            orgs &= orgs - 1
        presence = rules.presence * team.competence[n] if under_care(team.phase[n]) else 0.0
        total = 0.0
        for d in range(sev.size):
            total += sev[d]
        mean = total / life.applicable_count[n]
        push = rules.drift_rate * (1.0 - hh.strength[n]) * (1.0 + rules.spillover * mean) * (1.0 - presence)
        pull = rules.recovery_rate * hh.strength[n] * hh.motivation[n]
        for d in range(sev.size):
            drift = push * app[d]
            if in_trajectory & (1 << d):
                drift *= rules.trajectory_drift_factor
            sev[d] += drift - (drift + pull) * sev[d]

    for n in range(hh.severity.shape[0]):  # the draws in a loop of their own: see _noticed
        life.drawn[n] = unit(seeds, Draw.SHOCK, week, hh.ident[n]) < _shock_chance(n, team, rules)
    hit, n_hit = life.candidates, _compact(life.drawn, life.candidates)

    # A life event hits two domains; the conditional draw u/p picks them, so it stays independent.
    for i in range(n_hit):
        n = hit[i]
        sev = hh.severity[n]
        app = life.applicable[n]
        v = unit(seeds, Draw.SHOCK, week, hh.ident[n]) / _shock_chance(n, team, rules) * sev.size
        first = int(v)
        second = int((v - first) * sev.size)
        sev[first] += rules.shock_size * app[first]
        sev[second] += rules.shock_size * app[second]
        for d in range(sev.size):
            sev[d] = min(sev[d], 1.0)


@njit(cache=True, error_model="numpy")
def _compact(drawn: np.ndarray, into: np.ndarray) -> int:
    """The households whose draw said yes, in order, into the front of ``into``; returns how many (no branches)."""
    count = 0
    for n in range(drawn.size):
        into[count] = n
        count += drawn[n]
    return count


@njit(cache=True, error_model="numpy")
def _shock_chance(n: int, team: TeamCases, rules: HouseholdRules) -> float:
    """Weekly chance of a life event: lower in aftercare and with an informal network."""
    aftercare = rules.aftercare_protection if team.phase[n] == AFTERCARE else 0.0
    network = rules.network_protection if team.network[n] else 0.0
    return rules.shock_rate * (1.0 - max(aftercare, network))


@njit(cache=True, error_model="numpy")
def _escalate(hh: Households, life: LifeEvents, team: TeamCases, rules: HouseholdRules, seeds: np.ndarray,
              week: int, totals: np.ndarray) -> None:
    """Escalation events whose weekly hazards grow with the square of the weighted severity of their driving
    domains, so mild problems rarely escalate and a crisis often does.

    A threat happens when its draw u falls below the hazard h = base hazard x drive^2 (x pupils for dropout); the
    conditional draw u/h in [0, 1) then decides the outcome (averted or not) independently of whether the threat
    happened. The drive is a weighted mean of severities in [0, 1], so h never exceeds its bound (the base hazard,
    x the most pupils a household can have for dropout): a draw above the bound needs no drive at all.

    So one draw per household and week first says whether any hazard's draw is under its bound (about one
    household in ten); only for those households are the seven draws made, conditioned on that, in order: hazard
    j is under its bound with chance ``first_threat[j]`` while none before it is, else with its bound, and is then
    uniform under its bound. Together these have exactly the law of seven independent draws, at a seventh of the
    cost. The draws depend on the household and the week only, not on its state, so both methods share them.

    Rare work stays out of the pass over all households: a rarely taken branch there makes the whole loop compile
    to slower code."""
    n_households = hh.severity.shape[0]
    for n in range(n_households):
        life.drawn[n] = unit(seeds, Draw.THREATS, week, hh.ident[n]) >= rules.no_threat
    candidates, n_candidates = life.candidates, _compact(life.drawn, life.candidates)
    placed = life.placed_until.ravel()
    placed_child_weeks = 0
    for i in range(placed.size):  # flat, without branches: vectorised
        placed_child_weeks += placed[i] > week
    totals[Total.placement_child_weeks] += placed_child_weeks
    life.events[:] = 0
    life.escalated[:] = False

    allowed = np.ones(len(HAZARDS))  # _allowed sets the hazards that depend on the household
    ratio = np.empty(len(HAZARDS))  # per hazard: the conditional draw u/h of a threat, -1 for none
    for i in range(n_candidates):
        n = candidates[i]
        ages = hh.child_age[n]
        at_home, pupils = 0, 0
        for c in range(ages.size):
            at_home += (ages[c] >= 0) & (life.placed_until[n, c] <= week)
            pupils += _in_school(ages[c], life.dropped_out[n, c])
        _allowed(allowed, life.homeless_until[n] <= week, at_home, pupils)
        threatened, under_bound = False, False
        for j in range(len(HAZARDS)):
            ratio[j] = -1.0
            v = unit(seeds, Draw.EVICTION + j, week, hh.ident[n])
            p = rules.threat_bound[j] if under_bound else rules.first_threat[j]
            if v >= p:
                continue
            under_bound = True
            drive = 0.0
            for d in range(hh.severity.shape[1]):
                drive += rules.drivers[d, j] * hh.severity[n, d]
            h = drive * drive * rules.base_hazard[j] * allowed[j]
            u = v / p * rules.threat_bound[j]  # uniform under the bound
            if u < h:
                ratio[j] = u / h
                threatened = True
        if not threatened:
            continue
        sev = hh.severity[n]
        for k in range(EVENT_HAZARD.size):  # recorded before an eviction makes housing a crisis
            life.event_domain[n, k] = _main_driver(sev, rules.drivers[:, EVENT_HAZARD[k]])
        prevention = team.competence[n] if in_approach(team.phase[n]) else 0.0
        life.events[n] = _outcomes(n, hh, life, rules, seeds, week, totals, ratio, pupils, prevention)
        # an averted placement threat alone goes unseen
        life.escalated[n] = life.events[n] != 0 or ratio[EVICTION_THREAT] >= 0.0 or ratio[UTILITY] >= 0.0

    sheltered = 0
    for n in range(n_households):  # without branches
        life.in_shelter[n] &= life.homeless_until[n] > week
        sheltered += life.in_shelter[n]
    totals[Total.shelter_household_weeks] += sheltered


@njit(cache=True, error_model="numpy")
def _outcomes(n: int, hh: Households, life: LifeEvents, rules: HouseholdRules, seeds: np.ndarray, week: int,
              totals: np.ndarray, ratio: np.ndarray, pupils: int, prevention: float) -> int:
    """What the threats of a household's week come to; returns the escalations as EVENT_BIT bits."""
    sev = hh.severity[n]
    ages = hh.child_age[n]
    events = 0

    # Eviction: a threat (rent arrears procedure) that is averted or not; a share of evicted households
    # goes to shelter (maatschappelijke opvang) for years.
    v = ratio[EVICTION_THREAT]
    if v >= 0.0:
        averted_share = rules.eviction_prevented + rules.eviction_gain * prevention
        totals[Total.eviction_threats] += 1
        totals[Total.eviction_threats_in_approach] += prevention > 0
        if v >= averted_share:
            totals[Total.eviction] += 1
            events |= 1 << EVICTED
            to_shelter = (v - averted_share) / (1.0 - averted_share) < rules.shelter_share
            if to_shelter:
                years = -math.log1p(-unit(seeds, Draw.SHELTER_STAY, hh.ident[n], week)) * rules.shelter_mean_years
                life.homeless_until[n] = week + math.ceil(years * WEEKS_PER_YEAR)
                totals[Total.shelter_entry] += 1
                events |= 1 << SHELTERED
            else:
                life.homeless_until[n] = week + rules.rehousing_weeks
            life.in_shelter[n] = to_shelter
            sev[HOUSING] = 1.0  # losing one's home is a housing crisis by definition

    # Out-of-home placement of a child (uithuisplaatsing), averted in part by 'drang' and a safety plan.
    v = ratio[PLACEMENT]
    if v >= 0.0 and v >= rules.placement_gain * prevention:
        for c in range(ages.size):
            if ages[c] >= 0 and life.placed_until[n, c] <= week:
                years = -math.log1p(-unit(seeds, Draw.PLACEMENT_STAY, hh.ident[n], week)) * rules.placement_mean_years
                life.placed_until[n, c] = week + math.ceil(years * WEEKS_PER_YEAR)
                break
        totals[Total.out_of_home_placement] += 1
        events |= 1 << PLACED

    if ratio[POLICE] >= 0.0:
        totals[Total.police_incident] += 1
        events |= 1 << POLICED
    # Intensive (clinical) care, averted in part where one plan arranges ambulant care in time.
    if ratio[INTENSIVE_CARE] >= rules.intensive_care_gain * prevention:
        totals[Total.intensive_care_episode] += 1
        events |= 1 << INTENSIVE
    if ratio[COLLECTION] >= 0.0:
        totals[Total.collection_case] += 1
        events |= 1 << COLLECTED

    # School dropout, of one of the children of 12-17 still in school.
    if ratio[DROPOUT] >= 0.0:
        pick = int(unit(seeds, Draw.DROPOUT_CHILD, hh.ident[n], week) * pupils)
        for c in range(ages.size):
            if _in_school(ages[c], life.dropped_out[n, c]):
                if pick == 0:
                    life.dropped_out[n, c] = True
                    break
                pick -= 1
        totals[Total.school_dropout] += 1
        events |= 1 << DROPPED_OUT

    # Utility cut-off: averted by agreements, and faster by a regisseur with a free budget.
    v = ratio[UTILITY]
    if v >= 0.0 and v >= rules.utility_prevented + rules.utility_gain * prevention:
        totals[Total.utility_cutoff] += 1
        events |= 1 << CUT_OFF
    return events


@njit(cache=True, error_model="numpy")
def _allowed(allowed: np.ndarray, housed: bool, at_home: int, pupils: int) -> None:
    """Factors of the hazards: only a housed household can be evicted, only a child at home placed, and each pupil
    can drop out."""
    allowed[EVICTION_THREAT] = housed
    allowed[PLACEMENT] = at_home > 0
    allowed[DROPOUT] = pupils


@njit(cache=True, error_model="numpy")
def _in_school(age: int, dropped_out: bool) -> bool:
    """A child of an age that can drop out (12-17) who has not."""
    return (DROPOUT_AGES[0] <= age) & (age <= DROPOUT_AGES[1]) & (not dropped_out)


@njit(cache=True, error_model="numpy")
def _main_driver(sev: np.ndarray, weights: np.ndarray) -> int:
    """The driving domain that weighs most in a hazard (the first of equals)."""
    best, best_weight = 0, -1.0
    for d in range(sev.size):
        if weights[d] > 0.0 and sev[d] * weights[d] > best_weight:
            best, best_weight = d, sev[d] * weights[d]
    return best


@njit(cache=True, error_model="numpy")
def _noticed(hh: Households, life: LifeEvents, care: CareCases, care_rules: CareRules, team: TeamCases,
             rules: HouseholdRules, seeds: np.ndarray, week: int, per_org: np.ndarray) -> None:
    """Old method: an organisation notices one of the household's visible problems (the conditional draw picks
    which, weighted by severity); every organisation serving that domain may start its own offer. A regisseur's
    household is not referred behind the regisseur's back, unless the regisseur lacks mandate a (ketenregie: the
    organisations keep their own indications).

    The few households noticed this week are found in a pass without branches, then handled (see _spiral)."""
    for n in range(hh.severity.shape[0]):
        noticed = unit(seeds, Draw.NOTICE, week, hh.ident[n]) < rules.notice_rate
        life.drawn[n] = noticed & ((not under_care(team.phase[n])) | (not rules.own_plan))
    noticed, n_noticed = life.candidates, _compact(life.drawn, life.candidates)
    for i in range(n_noticed):
        n = noticed[i]
        sev = hh.severity[n]
        total = 0.0
        for d in range(sev.size):
            if sev[d] > rules.referral_threshold and life.applicable[n, d]:
                total += sev[d]
        if total == 0.0:
            continue
        pick = unit(seeds, Draw.NOTICE, week, hh.ident[n]) / rules.notice_rate * total
        domain, cumulative = 0, 0.0
        for d in range(sev.size):
            if sev[d] > rules.referral_threshold and life.applicable[n, d]:
                cumulative += sev[d]
                if cumulative > pick:
                    domain = d
                    break
        for o in range(care_rules.domain.size):
            if care_rules.domain[o] == domain and hh.join[n, o] < care_rules.join_share[o]:
                refer(care, n, o, week, False, per_org)
