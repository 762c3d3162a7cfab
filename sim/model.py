"""The MPH model: one Mesa model, the working method one of its levers.

Under ``verkokerd`` each organisation notices, takes in and plans alone. Under ``1g1p1r`` a team of
regisseurs takes found households in up to its caseload norm; everyone else still gets the old treatment,
so with zero regisseurs both methods give identical numbers. Both methods draw from the same
:class:`~sim.crn.RandomStreams`, so for the same seed they face the same households and the same luck.

A Mesa step is one week. The week itself is compiled (:func:`_simulate`): households, the team, the
organisations and the week's close, for a stretch of weeks per call. :meth:`MPHModel.run_for` plays the weeks up to
each year's end in one call, then the year's end: children grow up and the year's counts go into the
DataCollector's ``years`` table. Stepping week by week gives the very same numbers (tested); it only costs the
calls (about 20 us a week, a tenth of a replication).
"""

from __future__ import annotations

from functools import cached_property

import mesa
import numpy as np
import pandas as pd
from numba import njit

from agents.household import EVENT_BIT, LONG_AGO, WEEKS_PER_YEAR, Household, HouseholdRules, LifeEvents, household_week
from agents.organisation import (
    CareCases,
    CareNetwork,
    CareRules,
    Involvement,
    bit_count,
    care_week,
    involvement_week,
    members_served,
    professionals_in_year,
)
from agents.regisseur import (
    ACTIVE,
    AFTERCARE,
    DIAGNOSIS,
    NOT_TAKEN_IN,
    QUEUED,
    RegisseurTeam,
    TeamCases,
    TeamRules,
    in_approach,
    team_week,
    under_care,
)
from agents.turnover import IN_APPROACH, REACHED, STABILISED, Turnover, TurnoverRules, turnover_week
from scenarios.domains import CASE_TYPES, ESCALATIONS
from scenarios.errors import UserError
from scenarios.scenario import Scenario
from sim import population
from sim.crn import Draw, RandomStreams, unit
from sim.population import Cohort, Households
from sim.tally import Total, YearTally, columns

METHODS = ("verkokerd", "1g1p1r")
# The weekly series, one value per week: households in the approach, queued for a regisseur, waiting for an
# organisation.
WEEKLY_SERIES = ("in_approach", "regisseur_queue", "org_waiting")
# A closed case is followed this long for relapse (issue 14: "relapse within 12 months").
RELAPSE_WEEKS = 52
# State read at each year's end, next to the year's counts: the cumulative counts (since the horizon began, those
# who left included), and the stock (households in the MPH group), found and in the approach now.
YEAR_STATE = ("households_reached_cum", "households_stabilised_cum", "households_stable_now", "in_approach_cum",
              "stock", "found_now", "in_approach_now")


class RowsExhausted(RuntimeError):
    """Newcomers found no empty row: the stock grew beyond the cohort's spare rows (sim.run plays the replication
    again with more)."""


def generate_cohort(scenario: Scenario, streams: RandomStreams,
                    spare_rows: float = population.SPARE_ROWS) -> Cohort:
    """A replication's households and newcomers, for the warm-up and the horizon."""
    weeks = (scenario.flows.warmup_years + scenario.horizon_years) * WEEKS_PER_YEAR
    return population.generate(scenario.population, scenario.flows, len(scenario.organisations), weeks,
                               streams.population, spare_rows)


class MPHModel(mesa.Model):
    """Multi-problem households, siloed organisations and (under 1g1p1r) regisseurs over ``scenario.weeks``."""

    def __init__(self, scenario: Scenario, method: str, replication: int = 0, cohort: Cohort | None = None,
                 after: MPHModel | None = None) -> None:
        """``cohort``: the replication's households as :func:`sim.population.generate` made them from the
        replication's stream (copied here, so both methods can start from one generation); made here if not given.

        The model first plays ``flows.warmup_years`` of the old method (weeks up to 0, counted nowhere), so the
        horizon starts from a settled stock rather than a fresh cohort; then, under 1g1p1r, the team starts.
        ``after``: a model of the same replication at week 0 (not yet run) whose warm-up this one copies instead of
        playing it again (sim.run: one warm-up serves both methods)."""
        if method not in METHODS:
            raise UserError(f"unknown method {method!r}; allowed: {', '.join(METHODS)}")
        super().__init__(rng=scenario.seed + replication)
        self.params = scenario  # not `scenario`: Mesa 3.5 keeps its own experimental Scenario there
        self.method = method
        self.replication = replication
        self.week = 0
        self.streams = RandomStreams(scenario.seed, replication)
        warmup_weeks = scenario.flows.warmup_years * WEEKS_PER_YEAR
        cohort = cohort.copy() if cohort is not None else generate_cohort(scenario, self.streams)
        self.households = cohort.rows
        n = self.households.size
        self.life = LifeEvents.start(self.households)
        # The arrays others read by name; the compiled step changes them in place.
        self.applicable, self.reached, self.homeless_until = (
            self.life.applicable, self.life.reached, self.life.homeless_until)
        self._set_applicable()
        self.ever_in_approach = np.zeros(n, dtype=bool)
        self.stabilised = np.zeros(n, dtype=bool)
        self.ever_stabilised = np.zeros(n, dtype=bool)
        self.rules = HouseholdRules.of(scenario)
        self.flows = Turnover.start(cohort)
        self.flow_rules = TurnoverRules.of(scenario, -warmup_weeks, staffed=False)

        self.care = CareNetwork(self)
        self.tally = YearTally(self.care.keys)
        # professionals in the home (issue 14): who worked in each home this year, and last year's count per row
        self.involvement = Involvement.empty(n)
        self.escalation_professionals = np.array(
            [scenario.organisation_common.escalation_professionals.get(name, 0.0) for name in ESCALATIONS])
        self._workers_per_offer = np.array(scenario.organisation_common.workers_per_offer.as_tuple())  # by case type
        # where the year's professionals go: (professionals_<group>, households_with_professionals_<group>) per group
        # of _year_counts (the case types, then the households in the approach)
        self._professionals_totals = [(Total[f"professionals_{group}"], Total[f"households_with_professionals_{group}"])
                                      for group in (*CASE_TYPES, "in_approach")]
        self.professionals_last_year: dict[str, np.ndarray] = {}
        self.team: RegisseurTeam | None = None
        self.team_cases = TeamCases.outside(n)
        self.team_cases.found[:] = self.households.in_view
        self.team_rules = TeamRules.of(scenario, [])
        self._series: list[np.ndarray] = []  # the weekly series, a block of weeks per compiled call

        if after is None:
            self.week = -warmup_weeks
            while self.week < 0:  # _play, not run_for: a subclass that records its weeks starts at week 0
                self._play(min(0, (self.week // WEEKS_PER_YEAR + 1) * WEEKS_PER_YEAR))
            self._series.clear()
            self.tally.close_year()
            self.flows.left_ever[:] = 0
        else:
            if after.week != 0 or after.replication != replication:
                raise ValueError("a model copies the warm-up of its own replication, before that one runs on")
            for mine, theirs in zip(self._state(), after._state(), strict=True):
                np.copyto(mine, theirs)
        if method == "1g1p1r":
            self.team = RegisseurTeam(self)
            self.team_rules = self.team.rules
            self.flow_rules = TurnoverRules.of(scenario, -warmup_weeks, staffed=bool(self.team.members))
            self.care.rules = CareRules.of(scenario, staffed=bool(self.team.members))  # the freed coordinator

        self.datacollector = mesa.DataCollector(
            tables={"years": ["year", *YEAR_STATE, *columns(self.care.keys)]})

    @cached_property
    def household_agents(self) -> list[Household]:
        """The households as Mesa agents (views on their rows), built when first asked for: the compiled step reads
        the arrays, and a sweep of thousands of runs that never looks at one household saves registering 3,000
        agents per run (about 6 us each, 7% of a run)."""
        return [Household(self, i) for i in range(self.households.size)]

    # -- the weeks --------------------------------------------------------------------------------------
    def step(self) -> None:
        """One week (and the year's end, when the week closes a year)."""
        self._play(self.week + 1)

    def run_for(self, weeks: int) -> None:
        """Play ``weeks`` weeks forward, not past the horizon: one compiled call up to each year's end."""
        end = min(self.week + weeks, self.params.weeks)
        while self.week < end:
            self._play(min(end, (self.week // WEEKS_PER_YEAR + 1) * WEEKS_PER_YEAR))

    def run(self) -> None:
        """The whole horizon."""
        self.run_for(self.params.weeks - self.week)

    def _play(self, last_week: int) -> None:
        """Weeks ``self.week + 1`` to ``last_week`` (within one year), then the year's end if it is one."""
        dyn, staffed = self.params.dynamics, self.team is not None and bool(self.team.members)
        self._series.append(_simulate(
            self.households, self.life, self.rules, self.care.cases, self.care.rules, self.care.scratch,
            self.team_cases, self.team_rules, self.team is not None, self.flows, self.flow_rules,
            self.ever_in_approach, self.stabilised, self.ever_stabilised, dyn.stabilised_mean_below,
            dyn.stabilised_max_below, dyn.relapse_mean_above, self.params.levers.fte if staffed else 0.0, staffed,
            self.streams.seeds, self.week + 1, last_week, self.tally.totals, self.tally.per_org, self.involvement))
        if self.flows.overflow[0]:
            raise RowsExhausted(f"{self.flows.overflow[0]} newcomers found no empty row: raise "
                                "sim.population.SPARE_ROWS")
        self.week = self.steps = last_week
        if last_week % WEEKS_PER_YEAR == 0 and last_week // WEEKS_PER_YEAR <= self.params.horizon_years:
            self._end_of_year()

    def weekly(self) -> pd.DataFrame:
        """The weekly series so far (:data:`WEEKLY_SERIES`), one row per week from week 1."""
        frame = pd.DataFrame(self.weekly_series(), columns=list(WEEKLY_SERIES))
        frame.insert(0, "week", np.arange(1, len(frame) + 1))
        return frame

    def weekly_series(self) -> np.ndarray:
        """:meth:`weekly` as an array (weeks, :data:`WEEKLY_SERIES`), without the week column."""
        return np.concatenate(self._series) if self._series else np.zeros((0, len(WEEKLY_SERIES)), dtype=np.int64)

    @property
    def events_this_week(self) -> dict[str, np.ndarray]:
        """Households per escalation this week (scenarios.domains.ESCALATIONS), for who records dossiers."""
        return {name: np.flatnonzero(self.life.events & bit) for name, bit in EVENT_BIT.items()}

    def _end_of_year(self) -> None:
        """The year's row (not in the warm-up), then children grow up."""
        if self.week > 0:
            state = self._count_professionals()
            left = self.flows.left_ever
            row = self.tally.close_year()
            row.update({
                "year": self.week // WEEKS_PER_YEAR,
                "households_reached_cum": float(state[0] + left[REACHED]),
                "households_stabilised_cum": float(state[1] + left[STABILISED]),
                "households_stable_now": float(state[2]),
                "in_approach_cum": float(state[3] + left[IN_APPROACH]),
                "stock": float(state[4]),
                "found_now": float(state[5]),
                "in_approach_now": float(state[6]),
            })
            self.datacollector.add_table_row("years", row)
        self.involvement.reset()
        self._grow_up()

    def _count_professionals(self) -> np.ndarray:
        """The year's professionals in each home (agents.organisation.professionals_in_year) into the year's counts,
        per case type and for households in the approach; kept per row in :attr:`professionals_last_year`. Returns
        the counts of :func:`_year_counts` for the year's row (households reached, stabilised, ...)."""
        hh, tally = self.households, self.tally
        count, gathered, bounds, with_any, state = _year_counts(
            self.involvement, self.care.rules, hh.child_age, hh.adults, hh.case_type, hh.ident,
            self._workers_per_offer, self.escalation_professionals, self.life.reached, self.ever_stabilised,
            self.stabilised, self.ever_in_approach, self.team_cases.found, self.team_cases.phase)
        for g, (professionals, with_professionals) in enumerate(self._professionals_totals):
            # numpy's sum of each group's counts, as count[rows].sum() gave: the same additions in the same order
            tally.totals[professionals] += float(gathered[bounds[g]:bounds[g + 1]].sum())
            tally.totals[with_professionals] += float(with_any[g])
        self.professionals_last_year = {"ident": hh.ident.copy(), "professionals": count,
                                        "in_approach": self.involvement.regisseur.copy(),
                                        "case_type": hh.case_type.copy()}
        return state

    def _grow_up(self) -> None:
        """Children age a year; a child of 18 is an adult and leaves the household's child domains. A household
        whose last child came of age leaves the group with ``flows.children_grown_exit_share`` (next week)."""
        hh, life = self.households, self.life
        _grow_up(hh.child_age, life.placed_until, life.dropped_out, hh.ident, hh.severity, life.applicable,
                 life.applicable_count, self.flows.leaving, self.streams.seeds, self.week,
                 self.params.flows.children_grown_exit_share)

    def _set_applicable(self) -> None:
        """Which life domains exist per household (none in an empty row); changes only when children grow up or
        households come and go. In place: the compiled step holds these arrays."""
        population.set_applicable(self.households.child_age, self.households.ident, self.applicable,
                                  self.life.applicable_count)

    def mean_severity(self) -> np.ndarray:
        """Mean severity over the domains that exist for each household (others are kept at zero)."""
        return self.households.severity.sum(axis=1) / self.life.applicable_count

    def _state(self) -> tuple[np.ndarray, ...]:
        """Every array the weeks change (before a team starts), in a fixed order: what a copied warm-up copies."""
        return (*self.households, *self.life, *self.care.cases, *self.team_cases, *self.flows[1:],
                self.ever_in_approach, self.stabilised, self.ever_stabilised)

    def present(self) -> np.ndarray:
        """Rows that hold a household now (the others wait for newcomers)."""
        return self.households.ident >= 0

    def professionals(self) -> np.ndarray:
        """Organisations working in each home, plus the regisseur if there is one."""
        count = self.care.open_count()
        if self.team is not None:
            count = count + self.team.in_approach()
        return count


@njit(cache=True, error_model="numpy", nogil=True)  # run_scenario's threads play replications side by side
def _simulate(hh: Households, life: LifeEvents, rules: HouseholdRules, care: CareCases, care_rules: CareRules,
              care_scratch: tuple[np.ndarray, np.ndarray], team: TeamCases, team_rules: TeamRules, with_team: bool,
              flows: Turnover, flow_rules: TurnoverRules, ever_in_approach: np.ndarray, stabilised: np.ndarray,
              ever_stabilised: np.ndarray, stable_mean_below: float, stable_max_below: float,
              relapse_mean_above: float, fte: float, staffed: bool, seeds: np.ndarray, first_week: int,
              last_week: int, totals: np.ndarray, per_org: np.ndarray, involvement: Involvement) -> np.ndarray:
    """Weeks ``first_week`` to ``last_week``: households, then (under 1g1p1r) the team, then the organisations,
    then the week's close, then who leaves and who arrives. Returns the weekly series, one row per week."""
    series = np.empty((last_week - first_week + 1, 3), dtype=np.int64)
    for week in range(first_week, last_week + 1):
        household_week(hh, life, care, care_rules, team, rules, seeds, week, totals, per_org)
        if with_team:
            team_week(hh, life, team, team_rules, care, care_rules, ever_in_approach, seeds, week, totals, per_org)
        care_week(hh, life.reached, care, care_rules, team.competence, seeds, week, per_org, *care_scratch)
        if week > 0:  # the warm-up's years are counted nowhere
            involvement_week(hh, life.applicable, care, care_rules, life.events, team.phase, (DIAGNOSIS, ACTIVE),
                             (DIAGNOSIS, AFTERCARE), involvement)
        row = series[week - first_week]
        row[0], row[1], row[2] = _close_week(hh, life, care, team, flows, stabilised, ever_stabilised,
                                             stable_mean_below, stable_max_below, relapse_mean_above, week, totals)
        turnover_week(hh, life, care, team, flows, flow_rules, ever_in_approach, stabilised, ever_stabilised, week,
                      totals)
        if staffed:
            totals[Total.regisseur_fte_weeks] += fte
            totals[Total.approach_weeks] += 1.0
    return series


@njit(cache=True, error_model="numpy")
def _age_children(child_age: np.ndarray, placed_until: np.ndarray, dropped_out: np.ndarray) -> np.ndarray:
    """Children age a year; one of 18 is an adult (no longer placed or a dropout). Returns, per household, whether
    its last child came of age now. Compiled: as whole-array numpy it cost a few ms at each of a replication's
    thirty years' ends."""
    grown = np.zeros(child_age.shape[0], dtype=np.bool_)
    for n in range(child_age.shape[0]):
        had_children, has_children = False, False
        for c in range(child_age.shape[1]):
            if child_age[n, c] >= 0:
                had_children = True
                child_age[n, c] += 1
                if child_age[n, c] >= 18:
                    child_age[n, c] = -1
                    placed_until[n, c] = LONG_AGO
                    dropped_out[n, c] = False
            has_children |= child_age[n, c] >= 0
        grown[n] = had_children and not has_children
    return grown


@njit(cache=True, error_model="numpy")
def _grow_up(child_age: np.ndarray, placed_until: np.ndarray, dropped_out: np.ndarray, ident: np.ndarray,
             severity: np.ndarray, applicable: np.ndarray, applicable_count: np.ndarray, leaving: np.ndarray,
             seeds: np.ndarray, week: int, exit_share: float) -> None:
    """:meth:`MPHModel._grow_up` in one compiled call (a dozen numpy calls cost ten times the work at each of a
    replication's thirty years' ends): children age, a household whose last child came of age leaves with its
    keyed draw under ``exit_share``, the domains that exist are set again and those that no longer do lose their
    severity."""
    grown = _age_children(child_age, placed_until, dropped_out)
    for n in range(grown.size):
        if grown[n] and unit(seeds, Draw.CHILDREN_GROWN, ident[n], week) < exit_share:
            leaving[n] = True
    population.set_applicable(child_age, ident, applicable, applicable_count)
    for n in range(severity.shape[0]):
        for d in range(severity.shape[1]):
            severity[n, d] *= 1.0 if applicable[n, d] else 0.0  # as numpy's severity *= applicable


@njit(cache=True, error_model="numpy")
def _year_counts(involvement: Involvement, care_rules: CareRules, child_age: np.ndarray, adults: np.ndarray,
                 case_type: np.ndarray, ident: np.ndarray, workers_per_offer: np.ndarray,
                 escalation_professionals: np.ndarray, reached: np.ndarray, ever_stabilised: np.ndarray,
                 stabilised: np.ndarray, ever_in_approach: np.ndarray, found: np.ndarray, phase: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """What a year's row counts per household, in one compiled call: the professionals in each home this year
    (:func:`agents.organisation.professionals_in_year`; 0 in an empty row); per group (each case type, then the
    households in the approach) the counts of its households in row order, one block per group (``gathered``,
    block g from ``bounds[g]`` to ``bounds[g + 1]``: the caller sums each with numpy, as before) and how many have
    any; and the households reached, ever stabilised, stable now, ever in the approach, present, found and present,
    and in the approach now."""
    count = professionals_in_year(involvement, care_rules, members_served(child_age, adults),
                                  workers_per_offer[case_type], escalation_professionals)
    groups = len(CASE_TYPES) + 1  # the last: the households in the approach
    bounds = np.zeros(groups + 1, dtype=np.int64)
    with_any = np.zeros(groups, dtype=np.int64)
    state = np.zeros(7, dtype=np.int64)
    for n in range(count.size):
        present = ident[n] >= 0
        if not present:  # a row emptied this year: its household is counted by no one
            count[n] = 0.0
        professionals, approach = count[n] > 0, present & involvement.regisseur[n]
        bounds[case_type[n] + 1] += present
        with_any[case_type[n]] += present & professionals
        bounds[groups] += approach
        with_any[groups - 1] += approach & professionals
        state[0] += reached[n]
        state[1] += ever_stabilised[n]
        state[2] += stabilised[n]
        state[3] += ever_in_approach[n]
        state[4] += present
        state[5] += found[n] & present
        state[6] += (phase[n] >= DIAGNOSIS) & (phase[n] <= AFTERCARE)
    bounds = np.cumsum(bounds)
    gathered = np.empty(bounds[-1])
    at = bounds[:-1].copy()
    for n in range(count.size):
        if ident[n] >= 0:
            gathered[at[case_type[n]]] = count[n]
            at[case_type[n]] += 1
            if involvement.regisseur[n]:
                gathered[at[groups - 1]] = count[n]
                at[groups - 1] += 1
    return count, gathered, bounds, with_any, state


@njit(cache=True, error_model="numpy")
def _close_week(hh: Households, life: LifeEvents, care: CareCases, team: TeamCases, flows: Turnover,
                stabilised: np.ndarray, ever_stabilised: np.ndarray, stable_mean_below: float,
                stable_max_below: float, relapse_mean_above: float, week: int, totals: np.ndarray
                ) -> tuple[int, int, int]:
    """Who is stable now and who relapsed, who has been calm how long, whose case closed and who relapsed within
    :data:`RELAPSE_WEEKS` of closing, the professionals in each home; returns the week's series (households in the
    approach, queued for a regisseur, waiting for an organisation).

    A case closes in the week the household's last help ends (the regisseur's active care, into aftercare or out,
    and every organisation's case) with its mean severity at most the relapse level: the same definition under both
    methods. It relapses when the mean severity rises above that level within the year after."""
    approach, queue, waiting = 0, 0, 0
    relapses, stabilisations, professional_weeks, helped_weeks, closed, relapsed_after = 0, 0, 0, 0, 0, 0
    closed_in_approach, relapsed_in_approach = 0, 0
    for n in range(hh.severity.shape[0]):  # without branches: they would make this loop several times slower
        sev = hh.severity[n]
        total, worst = 0.0, 0.0
        for d in range(sev.size):
            total += sev[d]
            worst = max(worst, sev[d])
        mean = total / life.applicable_count[n]
        calm = (mean < stable_mean_below) & (worst < stable_max_below) & (hh.ident[n] >= 0)
        flows.calm_weeks[n] = (flows.calm_weeks[n] + 1) * calm
        stable = life.reached[n] & calm
        relapse = stabilised[n] & (mean > relapse_mean_above)
        newly = stable & (not stabilised[n])
        stabilised[n] = (stabilised[n] & (not relapse)) | newly
        ever_stabilised[n] |= newly
        relapses += relapse
        stabilisations += newly
        helped = under_care(team.phase[n]) | ((care.open_bits[n] | care.waiting_bits[n]) != 0)
        closes = life.helped[n] & (not helped) & (mean <= relapse_mean_above)
        followed = week - life.closed_at[n] <= RELAPSE_WEEKS
        relapsed = followed & (mean > relapse_mean_above)
        # without branches, as the rest of this loop: a closure starts the follow-up, a relapse ends it
        kept = life.closed_at[n] * (1 - relapsed) + LONG_AGO * relapsed
        life.closed_at[n] = week * closes + kept * (1 - closes)
        life.helped[n] = helped
        closed += closes
        relapsed_after += relapsed
        taken_in = team.intake_week[n] != NOT_TAKEN_IN  # the cases aftercare can reach (issue 14 item 7)
        closed_in_approach += closes & taken_in
        relapsed_in_approach += relapsed & taken_in
        professionals = in_approach(team.phase[n])
        approach += professionals
        queue += team.phase[n] == QUEUED
        professionals += bit_count(care.open_bits[n])
        waiting += bit_count(care.waiting_bits[n])
        professional_weeks += professionals
        helped_weeks += professionals > 0
    totals[Total.relapses] += relapses
    totals[Total.cases_closed] += closed
    totals[Total.closed_relapsed_12m] += relapsed_after
    totals[Total.cases_closed_in_approach] += closed_in_approach
    totals[Total.closed_relapsed_12m_in_approach] += relapsed_in_approach
    totals[Total.stabilisations] += stabilisations
    totals[Total.professional_household_weeks] += professional_weeks
    totals[Total.helped_household_weeks] += helped_weeks
    return approach, queue, waiting
