"""The open population: households become multi-problem, and leave the group again.

Each week, after the week's work, households leave: they move away or the household ends (the week is drawn with
the population), their last child came of age at the year's end, or they recovered lastingly (calm for
``flows.recovery_exit_weeks`` weeks while not in the approach). Then the week's newcomers arrive in the rows the
leavers freed. Who arrives when is drawn with the population (sim.population.Cohort), so both methods see the same
newcomers in the same weeks; who leaves by recovery differs, which is one of the method's effects. A newcomer is in
view with the population's in-view share; under 1g1p1r, low-threshold reporting finds some more at once
(``levers.finding_reach``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from numba import njit

from agents.household import LONG_AGO
from agents.organisation import NONE, lowest_bit, set_status
from agents.regisseur import NOT_TAKEN_IN, OUTSIDE, QUEUED, case_weights, in_approach, max_active_weeks
from scenarios.domains import DOMAIN_INDEX
from sim.population import SCHOOL_AGES
from sim.tally import Total

if TYPE_CHECKING:
    from agents.household import LifeEvents
    from agents.organisation import CareCases
    from agents.regisseur import TeamCases
    from scenarios.scenario import Scenario
    from sim.population import Cohort, Households

PARENTING, SCHOOL = DOMAIN_INDEX["parenting"], DOMAIN_INDEX["school"]
# LeftEver: households that left and had been reached, stabilised, in the approach (the cumulative counts go on).
REACHED, STABILISED, IN_APPROACH = range(3)


class Turnover(NamedTuple):
    """Who comes and who goes: arrays the compiled step changes in place."""

    newcomers: Households  # profiles in order of arrival (sim.population.Cohort)
    arrivals: np.ndarray  # newcomers arrived up to each week, from the first week of the warm-up
    next_newcomer: np.ndarray  # (1,)
    # Empty rows, a ring in the order they were freed (the spare rows first, lowest first): a row freed this week is
    # not taken again at once, so its trajectory count (CareCases.started) stays readable for who records dossiers.
    free_rows: np.ndarray
    free_ends: np.ndarray  # (2,): head and length of the ring
    calm_weeks: np.ndarray  # int32: weeks in a row without a crisis and with a low mean severity
    leaving: np.ndarray  # bool: leaves this week (set at the year's end when the last child came of age)
    left_ever: np.ndarray  # (3,): REACHED, STABILISED, IN_APPROACH among those who left
    overflow: np.ndarray  # (1,): newcomers that found no empty row (a run stops on it: sim.model)

    @classmethod
    def start(cls, cohort: Cohort) -> Turnover:
        rows = cohort.rows
        empty = np.flatnonzero(rows.ident < 0)
        free = np.zeros(rows.size, dtype=np.int64)
        free[: empty.size] = empty
        return cls(cohort.newcomers, cohort.arrivals, np.zeros(1, dtype=np.int64), free,
                   np.array([0, empty.size], dtype=np.int64), np.zeros(rows.size, dtype=np.int32),
                   np.zeros(rows.size, dtype=bool), np.zeros(3, dtype=np.int64), np.zeros(1, dtype=np.int64))


class TurnoverRules(NamedTuple):
    recovery_weeks: int
    first_week: int  # the week before the warm-up's first: the run's week is week - first_week
    reach_share: float  # newcomers found at arrival by low-threshold reporting (1g1p1r with regisseurs), beyond view
    case_weight: np.ndarray  # per case type, for the team's caseload
    max_active: np.ndarray

    @classmethod
    def of(cls, scenario: Scenario, first_week: int, staffed: bool) -> TurnoverRules:
        flows, population = scenario.flows, scenario.population
        # the same reach relative to the households in view as at the start (RegisseurTeam), among the hidden
        hidden = 1.0 - population.in_view_share
        reach = min(1.0, scenario.levers.finding_reach * population.in_view_share / hidden) if hidden > 0 else 0.0
        return cls(flows.recovery_exit_weeks, first_week,
                   reach if staffed else 0.0, case_weights(scenario), max_active_weeks(scenario))


@njit(cache=True, error_model="numpy")
def turnover_week(hh: Households, life: LifeEvents, care: CareCases, team: TeamCases, flows: Turnover,
                  rules: TurnoverRules, ever_in_approach: np.ndarray, stabilised: np.ndarray,
                  ever_stabilised: np.ndarray, week: int, totals: np.ndarray) -> None:
    """The week's leavers, then its newcomers (into the rows freed longest ago)."""
    run_week = week - rules.first_week
    for n in range(hh.ident.size):  # without branches; the few leavers are handled below
        recovered = (flows.calm_weeks[n] >= rules.recovery_weeks) & (not in_approach(team.phase[n]))
        life.drawn[n] = (hh.ident[n] >= 0) & (flows.leaving[n] | (hh.departs[n] <= run_week) | recovered)
    n_leaving = 0
    for n in range(hh.ident.size):
        life.candidates[n_leaving] = n
        n_leaving += life.drawn[n]
    for i in range(n_leaving):
        n = life.candidates[i]
        if flows.leaving[n]:
            totals[Total.left_children_grown] += 1
        elif hh.departs[n] <= run_week:
            totals[Total.left_departed] += 1
        else:
            totals[Total.left_recovered] += 1
        flows.left_ever[REACHED] += life.reached[n]
        flows.left_ever[STABILISED] += ever_stabilised[n]
        flows.left_ever[IN_APPROACH] += ever_in_approach[n]
        _leave(n, hh, life, care, team, flows, ever_in_approach, stabilised, ever_stabilised)

    arrived = flows.arrivals[run_week]
    for k in range(flows.next_newcomer[0], arrived):
        head, length = flows.free_ends
        if length == 0:
            flows.overflow[0] += 1
            continue
        flows.free_ends[0], flows.free_ends[1] = (head + 1) % flows.free_rows.size, length - 1
        _arrive(flows.free_rows[head], k, hh, life, care, team, flows, rules)
        totals[Total.entered] += 1
    flows.next_newcomer[0] = arrived


@njit(cache=True, error_model="numpy")
def _leave(n: int, hh: Households, life: LifeEvents, care: CareCases, team: TeamCases, flows: Turnover,
           ever_in_approach: np.ndarray, stabilised: np.ndarray, ever_stabilised: np.ndarray) -> None:
    """Empty row ``n``: its cases end, it leaves the regisseur's queue or caseload, and it becomes inert (no
    severity, no domains). This week's events stay readable for who records dossiers."""
    orgs = care.waiting_bits[n] | care.open_bits[n]
    while orgs:
        set_status(care, n, lowest_bit(orgs), NONE)
        orgs &= orgs - 1
    care.priority[n] = False
    care.via_regisseur[n] = False
    if team.phase[n] == QUEUED:
        _leave_line(team, n)
    team.phase[n] = OUTSIDE
    team.regisseur[n] = -1
    team.network[n] = False
    team.competence[n] = 0.0
    team.time_share[n] = 0.0  # as the team's next week would set it (it visits only rows with a regisseur)
    team.found[n] = False
    team.needs_report[n] = False
    team.intake_week[n] = NOT_TAKEN_IN
    life.applicable[n] = False
    life.applicable_count[n] = 1
    life.homeless_until[n] = LONG_AGO
    life.in_shelter[n] = False
    life.placed_until[n] = LONG_AGO
    life.dropped_out[n] = False
    life.reached[n] = False
    life.helped[n] = False
    life.closed_at[n] = LONG_AGO
    hh.severity[n] = 0.0
    hh.child_age[n] = -1
    hh.ident[n] = -1
    hh.departs[n] = -1
    ever_in_approach[n] = False
    stabilised[n] = False
    ever_stabilised[n] = False
    flows.calm_weeks[n] = 0
    flows.leaving[n] = False
    head, length = flows.free_ends
    flows.free_rows[(head + length) % flows.free_rows.size] = n
    flows.free_ends[1] = length + 1


@njit(cache=True, error_model="numpy")
def _leave_line(team: TeamCases, n: int) -> None:
    """Take ``n`` out of the regisseur's queue, keeping the others' order."""
    head, length = team.line_ends
    kept = 0
    for i in range(length):
        m = team.line[(head + i) % team.line.size]
        if m != n:
            team.line[(head + kept) % team.line.size] = m
            kept += 1
    team.line_ends[1] = kept


@njit(cache=True, error_model="numpy")
def _arrive(n: int, k: int, hh: Households, life: LifeEvents, care: CareCases, team: TeamCases, flows: Turnover,
            rules: TurnoverRules) -> None:
    """Newcomer ``k`` takes the empty row ``n``; its trajectories are counted from 0 (they key its outcome draws)."""
    care.started[n] = 0
    new = flows.newcomers
    hh.case_type[n] = new.case_type[k]
    hh.adults[n] = new.adults[k]
    hh.child_age[n] = new.child_age[k]
    hh.severity[n] = new.severity[k]
    hh.strength[n] = new.strength[k]
    hh.motivation[n] = new.motivation[k]
    hh.in_view[n] = new.in_view[k]
    hh.reach_rank[n] = new.reach_rank[k]
    hh.join[n] = new.join[k]
    hh.ident[n] = new.ident[k]
    hh.departs[n] = new.departs[k]
    has_child, in_school_age = False, False
    for age in hh.child_age[n]:
        has_child |= age >= 0
        in_school_age |= (SCHOOL_AGES[0] <= age) & (age <= SCHOOL_AGES[1])
    life.applicable[n] = True
    life.applicable[n, PARENTING] = has_child
    life.applicable[n, SCHOOL] = in_school_age
    life.applicable_count[n] = max(life.applicable[n].sum(), 1)
    team.found[n] = new.in_view[k] | (new.reach_rank[k] < rules.reach_share)
    team.case_weight[n] = rules.case_weight[new.case_type[k]]
    team.max_active[n] = rules.max_active[new.case_type[k]]
    team.report_order[n] = new.ident[k]  # after everyone of the initial stock, in order of arrival
