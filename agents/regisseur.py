"""Regisseurs (case directors) and their team: intake, one integral plan, mandate, escalation ladder, aftercare.

Each :class:`Regisseur` is a Mesa agent with fte, competence and a caseload. :class:`RegisseurTeam` runs the
team's weekly work for all households at once (:func:`team_week`, compiled with numba): take found households in
up to the caseload norm, make one diagnosis and plan, involve one organisation per problem, break waiting lists
or climb the escalation ladder, close with aftercare and monitoring, and readmit on relapse.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

import mesa
import numpy as np
from numba import njit

from agents.organisation import NONE, CareCases, CareRules, bit_count, lowest_bit, refer, take_over
from sim.crn import Draw, unit
from sim.tally import Total

if TYPE_CHECKING:
    from agents.household import LifeEvents
    from scenarios.scenario import Scenario
    from sim.model import MPHModel
    from sim.population import Households

# Phases of a household in the approach.
OUTSIDE, QUEUED, DIAGNOSIS, ACTIVE, AFTERCARE, CLOSED = 0, 1, 2, 3, 4, 5
# Own strength is followed this long after a household's first intake (sim.measures own_strength_effect).
STRENGTH_FOLLOW_WEEKS = 52
NOT_TAKEN_IN = -(1 << 30)  # intake_week of a household never taken in (or whose row was emptied)
WEEKS_PER_MONTH = 52 / 12


@njit(cache=True, error_model="numpy")
def under_care(phase: int) -> bool:
    """In diagnosis or active care: a regisseur works with the household now. Without branches, so a loop over all
    households that asks it still runs in parallel lanes."""
    return (phase == DIAGNOSIS) | (phase == ACTIVE)


@njit(cache=True, error_model="numpy")
def in_approach(phase: int) -> bool:
    """Taken in and not yet released: in care or in aftercare."""
    return DIAGNOSIS <= phase <= AFTERCARE


class Regisseur(mesa.Agent):
    """A place in the team: an experienced generalist, or one in training who grows into the role. When a
    regisseur in training leaves (turnover), a new one starts the learning curve again; an experienced one is
    replaced by another (seed 004: they are scarce, so a team does not grow experienced by itself)."""

    def __init__(self, model: MPHModel, index: int, fte: float, experienced: bool, training_weeks: int,
                 starts: np.ndarray) -> None:
        """``starts``: the weeks in which a new regisseur took this place (0 first)."""
        super().__init__(model)
        self.index = index  # position in the team; households refer to their regisseur by it
        self.fte = fte
        self.experienced = experienced
        self.training_weeks = training_weeks
        self.starts = starts
        self.capacity = fte * model.params.levers.caseload_norm  # at full competence

    def competence(self, weeks: np.ndarray) -> np.ndarray:
        """Competence in each of ``weeks``: full when experienced, else growing from the in-training level over
        the weeks since the place's current regisseur started."""
        if self.experienced or self.training_weeks == 0:
            return np.ones(weeks.shape)
        start = self.model.params.regisseur_effects.in_training_competence
        tenure = weeks - self.starts[np.searchsorted(self.starts, weeks, side="right") - 1]
        return np.minimum(1.0, start + (1.0 - start) * tenure / self.training_weeks)

    @property
    def caseload(self) -> int:
        return int((self.model.team.regisseur == self.index).sum())


class TeamCases(NamedTuple):
    """Every household's place in the approach, arrays changed in place by the compiled weekly step. Without a
    team (the old method) all households stay OUTSIDE."""

    phase: np.ndarray  # int8: OUTSIDE .. CLOSED
    since: np.ndarray  # week the phase began (QUEUED, DIAGNOSIS)
    until: np.ndarray  # week the phase ends (DIAGNOSIS, ACTIVE, AFTERCARE)
    regisseur: np.ndarray  # index of the household's regisseur, -1 for none
    network: np.ndarray  # bool: an informal support network was built in aftercare
    competence: np.ndarray  # competence of the household's regisseur, refreshed weekly; 0 without one
    # Mandate b (issue 14): the hours the household's regisseur gives it over the hours it needs (0-1), set at the
    # end of the team's week (_share_time); scales presence (agents.household) and the building of own strength.
    time_share: np.ndarray
    found: np.ndarray  # bool: in view of the approach
    case_weight: np.ndarray  # weight in a caseload in care (light, heavy, MDA)
    max_active: np.ndarray  # weeks of active care before the plan is closed
    mean_severity: np.ndarray  # scratch: this week's mean severity, read by several phases
    report_order: np.ndarray  # among households reported in the same week, the order of the queue (a fixed draw)
    # The queue for a regisseur in its order: a ring of households from line_ends[0], line_ends[1] long. Longest
    # waiting first, so the week's newcomers join at the back (in report order) and intakes leave at the front.
    line: np.ndarray
    line_ends: np.ndarray
    newcomers: np.ndarray  # scratch: the week's newcomers to the queue
    # Out of the team's sight (issue 14b): a found household the team could not take in within the stated maximum
    # wait, or one released without monitoring, comes back to the queue only when it is reported again: by an
    # escalation, or under low-threshold reporting by a signal (_prepare).
    needs_report: np.ndarray  # bool
    # (2,): the team's free room (caseload weight) left after last week's intakes, and the room it frees a week
    # (smoothed): the rate at which the line moves, so a household's wait is the weight ahead of it over this rate.
    room: np.ndarray
    # Priority referrals each regisseur claimed this quarter (mandate e and the ladder's breakthroughs), indexed by
    # the regisseur's place; as long as the households so that it fits any team (a team has fewer places).
    priority_spent: np.ndarray
    # The first intake's week and the own strength then: the old method's strength of the same household, since
    # nothing outside the approach changes it (sim.measures own_strength_effect)
    intake_week: np.ndarray
    intake_strength: np.ndarray
    # scratch: the week's households with a regisseur (in care or aftercare), in row order, after the intakes: the
    # team's later passes visit only these (a sixth of the rows), in the order a scan of all rows would
    assigned: np.ndarray

    @classmethod
    def outside(cls, households: int) -> TeamCases:
        return cls(np.zeros(households, dtype=np.int8), np.zeros(households, dtype=np.int32),
                   np.zeros(households, dtype=np.int32), np.full(households, -1, dtype=np.int64),
                   np.zeros(households, dtype=bool), np.zeros(households), np.zeros(households),
                   np.zeros(households, dtype=bool),
                   np.zeros(households), np.zeros(households, dtype=np.int32), np.zeros(households),
                   np.zeros(households, dtype=np.int64), np.zeros(households, dtype=np.int64),
                   np.zeros(2, dtype=np.int64), np.zeros(households, dtype=np.int64),
                   np.zeros(households, dtype=bool), np.zeros(2), np.zeros(households, dtype=np.int64),
                   np.full(households, NOT_TAKEN_IN, dtype=np.int64), np.zeros(households),
                   np.zeros(households, dtype=np.int64))


class TeamRules(NamedTuple):
    """The numbers the team's week reads, from the scenario's levers and regisseur effects."""

    # (weeks + 1, regisseurs): fte x caseload norm x competence: one in training takes fewer households in
    capacity_by_week: np.ndarray
    competence_by_week: np.ndarray  # (weeks + 1, regisseurs)
    empowerment_rate: float
    # Mandate b, free time (issue 14): with it a regisseur spends their hours where households need them, without
    # it each case gets the norm's fixed time (a product), whatever its need.
    free_time: bool
    hours: np.ndarray  # (regisseurs,): each regisseur's working time, in fte
    norm_time: float  # fte the caseload norm allots a case of weight 1: 1 / caseload_norm
    need_time: float  # fte a case of weight 1 needs per unit of mean severity
    own_plan: bool  # mandate a: the regisseur's one plan refers the household; without it, only consultation
    intake_severity: float
    diagnosis_weeks: int
    plan_threshold: float
    max_parallel_trajectories: int
    aftercare_weight: float
    aftercare_weight_with_network: float
    break_waiting_lists: bool
    priority_wait_weeks: int
    priority_severity: float
    priority_budget: int  # priority referrals a regisseur may claim a quarter (PRIORITY_PERIOD_WEEKS)
    ladder_rungs: int
    ladder_weeks_per_rung: int
    ladder_success: float
    aftercare_weeks: int
    informal_network: bool
    network_share: float
    network_strength_gain: float
    relapse_mean_above: float
    max_queue_wait_weeks: float
    finding_rate: float
    reporting: float  # low-threshold reporting (issue 14b): severity added to the one that makes a report likely

    @classmethod
    def of(cls, scenario: Scenario, members: list[Regisseur]) -> TeamRules:
        """The team's rules; without members (the old method) the same types, so one compiled step serves both."""
        levers, effects = scenario.levers, scenario.regisseur_effects
        weights = effects.caseload_weight
        weeks = np.arange(scenario.weeks + 1)
        by_week = np.empty((weeks.size, len(members)))
        for i, member in enumerate(members):
            by_week[:, i] = member.competence(weeks)
        return cls(
            by_week * np.array([m.capacity for m in members], dtype=float), by_week,
            # Own strength grows only where the regisseur works with the household, outside the existing offer
            # (mandate b; seed 004 b and its Arnhem example, 'Participatie door Empowerment': time, room and trust,
            # and 'het gezin/bewoner groeit'); without it the regisseur orders the offer, ketenregie, which 'doet
            # iets voor het huishouden en niet met het huishouden' (seed 004, 'Bevoegdheden brede regisseur')
            effects.empowerment_rate if levers.mandate.free_time else 0.0,
            levers.mandate.free_time, np.array([m.fte for m in members], dtype=float), 1.0 / levers.caseload_norm,
            1.0 / (effects.time_need_caseload * effects.time_need_severity),
            levers.mandate.own_diagnosis_plan, effects.intake_severity, effects.diagnosis_weeks, effects.plan_threshold,
            levers.max_parallel_trajectories,
            weights.aftercare, weights.aftercare_with_network, levers.mandate.break_waiting_lists,
            effects.priority_wait_weeks, effects.priority_severity, effects.priority_budget_per_quarter,
            effects.ladder_rungs,
            effects.ladder_weeks_per_rung,
            effects.ladder_success_per_rung if levers.mandate.administrative_backing
            else effects.ladder_success_without_backing,
            # mandate d: without it the regisseur cannot decide aftercare; the organisations end it sooner
            round(levers.aftercare_months * WEEKS_PER_MONTH * (1.0 if levers.mandate.decides_aftercare
                                                               else effects.without_aftercare_mandate_factor)),
            levers.informal_network,
            # mandate d: who decides aftercare also arranges the informal network
            effects.network_share * (1.0 if levers.mandate.decides_aftercare
                                     else effects.without_aftercare_mandate_factor),
            effects.network_strength_gain, scenario.dynamics.relapse_mean_above, effects.max_queue_wait_weeks,
            scenario.dynamics.finding_rate, levers.finding_reach if members else 0.0)


def case_weights(scenario: Scenario) -> np.ndarray:
    """Weight in a caseload in care per case type (light, heavy, MDA)."""
    weights = scenario.regisseur_effects.caseload_weight
    return np.array([weights.light, weights.heavy, weights.mda])


def max_active_weeks(scenario: Scenario) -> np.ndarray:
    """Weeks of active care per case type before the plan is closed."""
    return np.array(scenario.regisseur_effects.max_active_weeks.as_tuple(), dtype=np.int32)


class RegisseurTeam:
    """The multidisciplinary team of regisseurs and the phase of every household in the approach."""

    def __init__(self, model: MPHModel) -> None:
        self.model = model
        scenario = model.params
        levers = scenario.levers
        rng = model.streams.team
        n_regisseurs = math.ceil(levers.fte / levers.fte_per_regisseur - 1e-9)
        self.members: list[Regisseur] = []
        remaining = levers.fte
        # weekly chance that a place's regisseur leaves
        leaves = 1.0 - (1.0 - scenario.regisseur_effects.turnover_rate) ** (1 / 52)
        for index in range(n_regisseurs):
            fte = min(levers.fte_per_regisseur, remaining)
            remaining -= fte
            experienced = bool(rng.random() < levers.competence_experienced_share)
            starts = [0]
            while leaves > 0 and starts[-1] <= scenario.weeks:
                starts.append(starts[-1] + int(rng.geometric(leaves)))
            self.members.append(Regisseur(model, index, fte, experienced, levers.training_weeks, np.array(starts)))

        hh = model.households
        # The households' places as the warm-up left them (everyone OUTSIDE, some found): the team starts now.
        self.cases = model.team_cases
        self.phase, self.regisseur, self.network = self.cases.phase, self.cases.regisseur, self.cases.network
        self.cases.case_weight[:] = case_weights(scenario)[hh.case_type]
        self.cases.max_active[:] = max_active_weeks(scenario)[hh.case_type]
        self.cases.report_order[np.argsort(hh.reach_rank, kind="stable")] = np.arange(hh.size)
        if self.members:
            # Low-threshold reporting finds `finding_reach` more households at once (relative to those in view),
            # whomever its reporting points reach, not the most severe first; later it finds hidden households
            # earlier in their spiral (_prepare). Without regisseurs there is no one to report to. Newcomers:
            # agents.turnover.
            present, found = hh.ident >= 0, self.cases.found
            extra = round(levers.finding_reach * (found & present).sum())
            hidden = np.flatnonzero(~found & present)
            found[hidden[np.argsort(hh.reach_rank[hidden], kind="stable")[:extra]]] = True

        self.rules = TeamRules.of(scenario, self.members)
        # The line moves as fast as room frees up. Before the team has any history, a first estimate: the room of a
        # full team turned over once in the longest a case can stay in care (diagnosis and active care, by case
        # mix); the smoothed measurement takes over within months (_take_in).
        mix = scenario.population.case_mix
        stay = scenario.regisseur_effects.diagnosis_weeks + float(
            np.dot([mix.light, mix.heavy, mix.mda], max_active_weeks(scenario)))
        capacity = float(self.rules.capacity_by_week[0].sum())
        self.cases.room[:] = capacity, capacity / stay

    def in_approach(self) -> np.ndarray:
        return (self.phase >= DIAGNOSIS) & (self.phase <= AFTERCARE)

    def caseload_weights(self, households: np.ndarray) -> np.ndarray:
        """Weight in a regisseur's caseload of each of ``households`` (all assigned: in care or aftercare)."""
        return np.array([_caseload_weight(self.phase[n], self.network[n], self.cases.case_weight[n],
                                          self.rules.aftercare_weight, self.rules.aftercare_weight_with_network)
                         for n in households])


@njit(cache=True, error_model="numpy")
def _caseload_weight(phase: int, network: bool, case_weight: float, aftercare: float,
                     aftercare_with_network: float) -> float:
    if phase == AFTERCARE:
        return aftercare_with_network if network else aftercare
    return case_weight


@njit(cache=True, error_model="numpy")
def team_week(hh: Households, life: LifeEvents, team: TeamCases, rules: TeamRules, care: CareCases,
              care_rules: CareRules, ever_in_approach: np.ndarray, seeds: np.ndarray, week: int, totals: np.ndarray,
              per_org: np.ndarray) -> None:
    """The team's week: households come into view and queue, the team takes in whom it has room for, then plans,
    breaks waiting lists and closes. Each phase is one pass over the households."""
    _prepare(hh, life, team, rules, seeds, week)
    if rules.capacity_by_week.shape[1]:
        _take_in(hh, life, team, rules, care, care_rules, ever_in_approach, week, totals,
                 team.assigned[:_list_assigned(team)])
    assigned = team.assigned[:_list_assigned(team)]
    _plan(hh, life, team, rules, care, care_rules, week, per_org, assigned)
    _break_waiting_lists(hh, team, rules, care, seeds, week, totals, assigned)
    _follow_strength(hh, team, week, totals)
    _close(hh, team, rules, care, seeds, week, totals, assigned)
    _share_time(team, rules, assigned)


@njit(cache=True, error_model="numpy")
def _list_assigned(team: TeamCases) -> int:
    """Fill ``team.assigned`` with the households that have a regisseur (in row order); returns how many. Only
    they can be in diagnosis, active care or aftercare (a regisseur is assigned at intake and released with the
    phase), so the passes that act on those phases need visit no other row. Without branches: the compiler
    vectorises it."""
    count = 0
    for n in range(team.regisseur.size):
        team.assigned[count] = n
        count += team.regisseur[n] >= 0
    return count


# Weeks over which the room a team frees each week is smoothed: a quarter, as a team would look back on its intake.
ROOM_SMOOTHING_WEEKS = 13
# The period of a regisseur's priority budget (regisseur_effects.priority_budget_per_quarter): a quarter.
PRIORITY_PERIOD_WEEKS = 13


@njit(cache=True, error_model="numpy")
def _prepare(hh: Households, life: LifeEvents, team: TeamCases, rules: TeamRules, seeds: np.ndarray,
             week: int) -> None:
    """Refresh each household's regisseur's competence, build up own strength (eigen kracht) in care, find hidden
    households earlier, and bring found households (agents.household._found) into the queue once their problems
    are bad enough.

    Low-threshold reporting (seed 004: a 'meldpunt', 'vindplaatsen' that report signals, not only crises): where a
    'vindplaats' reports a hidden household with weekly chance ``finding_rate x mean^2`` (the problems must be
    visible), it now reports with ``finding_rate x mean x (mean + finding_reach)``: relatively more so early in the
    spiral. The same draw as agents.household._found, so whoever that found is found here too. The same signals
    report a household again that the team released or could not take in (``needs_report``)."""
    newcomers = team.newcomers
    n_new = 0
    competence = rules.competence_by_week[min(week, rules.competence_by_week.shape[0] - 1)]
    for n in range(team.phase.size):
        r = team.regisseur[n]
        team.competence[n] = competence[r] if r >= 0 else 0.0
        if under_care(team.phase[n]):
            hh.strength[n] += rules.empowerment_rate * team.competence[n] * team.time_share[n] * (1.0 - hh.strength[n])
        total = 0.0
        for d in range(hh.severity.shape[1]):
            total += hh.severity[n, d]
        mean = total / life.applicable_count[n]
        team.mean_severity[n] = mean
        if rules.reporting > 0.0 and (team.needs_report[n] or not team.found[n]) and hh.ident[n] >= 0:
            chance = rules.finding_rate * mean * (mean + rules.reporting)
            if unit(seeds, Draw.FINDING, week, hh.ident[n]) < chance:
                team.found[n] = True
                team.needs_report[n] = False
        outside = team.phase[n] == OUTSIDE or team.phase[n] == CLOSED
        newcomers[n_new] = n
        # one not taken in is reported again by its next escalation
        n_new += outside and team.found[n] and mean >= rules.intake_severity and (
            not team.needs_report[n] or life.escalated[n])

    # Newcomers join the back of the line in report order (a handful a week: insertion sort), all reported now.
    for i in range(n_new):
        n = newcomers[i]
        team.phase[n] = QUEUED
        team.since[n] = week
        j = i
        while j > 0 and team.report_order[newcomers[j - 1]] > team.report_order[n]:
            newcomers[j] = newcomers[j - 1]
            j -= 1
        newcomers[j] = n
    head, length = team.line_ends
    for i in range(n_new):
        team.line[(head + length + i) % team.line.size] = newcomers[i]
    team.line_ends[1] = length + n_new


@njit(cache=True, error_model="numpy")
def _take_in(hh: Households, life: LifeEvents, team: TeamCases, rules: TeamRules, care: CareCases,
             care_rules: CareRules, ever_in_approach: np.ndarray, week: int, totals: np.ndarray,
             assigned: np.ndarray) -> None:
    """From the front of the line (longest waiting first, households reported in the same week in a fixed random
    order), each to the regisseur with the most room, until the next in line does not fit. Then the line is cut
    where the wait would pass the stated maximum: the rest are not taken in (they stay with the old method).
    ``assigned``: the households with a regisseur now, in row order."""
    capacity = rules.capacity_by_week[min(week, rules.capacity_by_week.shape[0] - 1)]
    load = np.zeros(capacity.size)
    for n in assigned:
        r = team.regisseur[n]
        load[r] += _caseload_weight(team.phase[n], team.network[n], team.case_weight[n],
                                        rules.aftercare_weight, rules.aftercare_weight_with_network)
    free = capacity - load
    # room freed since last week (cases that closed or left, regisseurs that learned), smoothed
    freed = free.sum() - team.room[0]
    team.room[1] += (freed - team.room[1]) / ROOM_SMOOTHING_WEEKS
    head, length = team.line_ends
    while length:
        n = team.line[head]
        best = np.argmax(free)
        if free[best] < team.case_weight[n]:
            break
        head = (head + 1) % team.line.size
        length -= 1
        free[best] -= team.case_weight[n]
        team.regisseur[n] = best
        totals[Total.regisseur_wait_weeks] += week - team.since[n]
        totals[Total.regisseur_intakes] += 1
        totals[Total.in_approach_new] += not ever_in_approach[n]
        if not ever_in_approach[n]:
            team.intake_week[n] = week
            team.intake_strength[n] = hh.strength[n]
        ever_in_approach[n] = True
        life.reached[n] = True
        team.phase[n] = DIAGNOSIS
        team.since[n] = week
        team.until[n] = week + rules.diagnosis_weeks
        take_over(care, care_rules, n)
    team.room[0] = free.sum()
    # Keep the line only as far as the team takes it in within the maximum wait at the rate room frees up.
    ahead, kept = 0.0, 0
    while kept < length:
        n = team.line[(head + kept) % team.line.size]
        ahead += team.case_weight[n]
        if ahead > rules.max_queue_wait_weeks * max(team.room[1], 0.0):
            break
        team.needs_report[n] = False
        kept += 1
    for i in range(kept, length):
        n = team.line[(head + i) % team.line.size]
        team.phase[n] = CLOSED if ever_in_approach[n] else OUTSIDE
        team.needs_report[n] = True
        totals[Total.not_taken_in] += 1
    team.line_ends[0], team.line_ends[1] = head, kept


@njit(cache=True, error_model="numpy")
def _plan(hh: Households, life: LifeEvents, team: TeamCases, rules: TeamRules, care: CareCases,
          care_rules: CareRules, week: int, per_org: np.ndarray, assigned: np.ndarray) -> None:
    """After the diagnosis: one plan, at most a few trajectories at a time, one organisation per problem, the
    most severe problems first. Without mandate a there is no such plan (ketenregie): the regisseur consults, and
    the household gets help as the organisations notice and indicate it themselves (agents.household._noticed)."""
    n_domains = hh.severity.shape[1]
    for n in assigned:  # the households in diagnosis or active care are among them
        if team.phase[n] == DIAGNOSIS and team.until[n] <= week:
            team.phase[n] = ACTIVE
            team.until[n] = week + team.max_active[n]
        if team.phase[n] != ACTIVE or not rules.own_plan:
            continue
        slots = rules.max_parallel_trajectories - bit_count(care.waiting_bits[n] | care.open_bits[n])
        if slots <= 0:  # most weeks: the plan's trajectories are all running
            continue
        candidate = 0  # bit per domain
        for d in range(n_domains):
            o = care_rules.primary[d]
            if (o >= 0 and hh.severity[n, d] > rules.plan_threshold and care.status[n, o] == NONE
                    and life.applicable[n, d]):
                candidate |= 1 << d
        for _ in range(slots):
            best = -1
            for d in range(n_domains):
                if candidate & (1 << d) and (best < 0 or hh.severity[n, d] > hh.severity[n, best]):
                    best = d
            if best < 0:
                break
            candidate &= ~(1 << best)
            refer(care, n, care_rules.primary[best], week, True, per_org)


@njit(cache=True, error_model="numpy")
def _break_waiting_lists(hh: Households, team: TeamCases, rules: TeamRules, care: CareCases, seeds: np.ndarray,
                         week: int, totals: np.ndarray, assigned: np.ndarray) -> None:
    """Mandate e breaks waiting lists for a small group in crisis; otherwise climb the escalation ladder.

    Both draw on the regisseur's priority budget, agreed with the organisations at the start (seed 004 e: 'voor
    een kleine groep mensen ... Bij aanvang van de aanpak zijn hierover goede afspraken gemaakt'): a few priority
    referrals a quarter. Once it is spent, the plan's referrals wait their turn (and no rung is climbed) until the
    next quarter; a household the regisseur released has no budget behind it. ``assigned``: the households with a
    regisseur, in row order (the budget goes to them in that order)."""
    if week % PRIORITY_PERIOD_WEEKS == 0:
        team.priority_spent[:] = 0
    left = 0
    for r in range(rules.hours.size):
        left += team.priority_spent[r] < rules.priority_budget
    if left == 0:
        return  # every budget spent (most weeks late in a quarter): no case below gets through
    for n in assigned:
        r = team.regisseur[n]
        if team.priority_spent[r] >= rules.priority_budget:
            continue
        orgs = care.waiting_bits[n]
        while orgs:
            o = lowest_bit(orgs)
            orgs &= orgs - 1
            if not care.via_regisseur[n, o] or care.priority[n, o]:
                continue
            over = week - care.since[n, o] - rules.priority_wait_weeks
            if over < 0 or r < 0 or team.priority_spent[r] >= rules.priority_budget:
                continue
            if rules.break_waiting_lists and hh.severity[n].max() >= rules.priority_severity:
                care.priority[n, o] = True
                team.priority_spent[r] += 1
                totals[Total.waiting_lists_broken] += 1
                continue
            rung, weeks_into_rung = divmod(over, rules.ladder_weeks_per_rung)
            if weeks_into_rung == 0 and rung < rules.ladder_rungs:
                totals[Total.ladder_escalations] += 1
                if unit(seeds, Draw.LADDER, hh.ident[n], o, care.since[n, o], rung) < rules.ladder_success:
                    care.priority[n, o] = True
                    team.priority_spent[r] += 1
                    totals[Total.ladder_breakthroughs] += 1


@njit(cache=True, error_model="numpy")
def _follow_strength(hh: Households, team: TeamCases, week: int, totals: np.ndarray) -> None:
    """Own strength a year after the first intake, beside the strength then (sim.measures own_strength_effect).
    Before _close, which adds an informal network's strength: as it was read before the network's gain."""
    for n in range(team.phase.size):
        if week - team.intake_week[n] == STRENGTH_FOLLOW_WEEKS:
            intake = team.intake_strength[n]
            totals[Total.strength_followed] += 1
            totals[Total.strength_gain] += hh.strength[n] - intake
            totals[Total.strength_at_intake] += intake
            totals[Total.strength_at_intake_sq] += intake * intake


@njit(cache=True, error_model="numpy")
def _close(hh: Households, team: TeamCases, rules: TeamRules, care: CareCases, seeds: np.ndarray, week: int,
           totals: np.ndarray, assigned: np.ndarray) -> None:
    """Close the plan when nothing is open or left to do, or time is up: into aftercare (perhaps with an informal
    network) or out. Monitoring catches a relapse in aftercare early: straight back to active care. ``assigned``:
    the households with a regisseur (the only ones in active care or aftercare)."""
    for n in assigned:
        if team.phase[n] != ACTIVE and team.phase[n] != AFTERCARE:
            continue
        if team.phase[n] == ACTIVE and (team.until[n] <= week or (
                not care.waiting_bits[n] | care.open_bits[n] and hh.severity[n].max() <= rules.plan_threshold)):
            totals[Total.approach_closed] += 1
            if rules.aftercare_weeks > 0:
                team.phase[n] = AFTERCARE
                team.until[n] = week + rules.aftercare_weeks
                # built once, in a share of households (not a fresh chance at each closing: readmitted households
                # would gather networks and their strength gain again, issue 14 relapse decomposition)
                if (rules.informal_network and not team.network[n]
                        and unit(seeds, Draw.NETWORK, hh.ident[n]) < rules.network_share):
                    team.network[n] = True
                    hh.strength[n] += rules.network_strength_gain * (1.0 - hh.strength[n])
            else:
                _release(team, n)
        if team.phase[n] == AFTERCARE and team.until[n] <= week:
            _release(team, n)
        if team.phase[n] == AFTERCARE and team.mean_severity[n] >= rules.relapse_mean_above:
            team.phase[n] = ACTIVE
            team.until[n] = week + team.max_active[n]
            totals[Total.aftercare_readmissions] += 1


@njit(cache=True, error_model="numpy")
def _share_time(team: TeamCases, rules: TeamRules, assigned: np.ndarray) -> None:
    """Mandate b, free time (seed 004 'Bevoegdheden brede regisseur' b: the regisseur 'bepaalt welke tijd aan het
    gezin besteed wordt'): each household in care gets a share of the hours it needs, ``time_share``.

    A household needs time in proportion to its case weight and its mean severity: more in crisis, less when calm.
    Monitoring in aftercare takes the norm's time for its weight under either rule. With free time a regisseur
    divides the rest of their hours over their households in care in proportion to need, so all get the same share
    of what they need (all of it while the hours suffice); without it each gets the norm's fixed time for its
    weight, whatever its need: a calm household's spare time is lost, one in crisis gets too little. So the
    caseload norm and fte move presence too: fewer households per fte, more time for each.

    ``assigned``: the households that had a regisseur before _close; every other row has no share (a row the team
    left earlier lost it then: _close releasing it a week before, or agents.turnover emptying it)."""
    spare = rules.hours.copy()  # fte left for households in care after monitoring
    need = np.zeros(rules.hours.size)
    for n in assigned:
        r = team.regisseur[n]
        if r < 0:
            continue
        if team.phase[n] == AFTERCARE:
            spare[r] -= rules.norm_time * _caseload_weight(team.phase[n], team.network[n], team.case_weight[n],
                                                           rules.aftercare_weight, rules.aftercare_weight_with_network)
        elif under_care(team.phase[n]):
            need[r] += rules.need_time * team.case_weight[n] * team.mean_severity[n]
    for n in assigned:
        r = team.regisseur[n]
        share = 0.0
        if r >= 0 and under_care(team.phase[n]):
            needed = rules.need_time * team.case_weight[n] * team.mean_severity[n]
            if needed <= 0.0:
                share = 1.0
            elif rules.free_time:
                share = max(spare[r], 0.0) / need[r]
            else:
                share = rules.norm_time * team.case_weight[n] / needed
        team.time_share[n] = min(share, 1.0)


@njit(cache=True, error_model="numpy")
def _release(team: TeamCases, n: int) -> None:
    """Out of the approach and of the team's sight: without monitoring, the team hears of the household again
    when it is reported again."""
    team.phase[n] = CLOSED
    team.regisseur[n] = -1
    team.needs_report[n] = True
