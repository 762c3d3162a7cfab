"""The MPH model: one Mesa model, the working method one of its levers.

Under ``verkokerd`` each organisation notices, takes in and plans alone. Under ``1g1p1r`` a team of
regisseurs takes found households in up to its caseload norm; everyone else still gets the old treatment,
so with zero regisseurs both methods give identical numbers. Both methods draw from the same
:class:`~sim.crn.RandomStreams`, so for the same seed they face the same households and the same luck.

Time advances by Mesa's ABMSimulator: the weekly step, plus scheduled yearly events (children grow up, the
year's counts are collected into the DataCollector's ``years`` table).
"""

from __future__ import annotations

from functools import cached_property

import mesa
import numpy as np
from mesa.experimental.devs import ABMSimulator
from mesa.experimental.devs.eventlist import Priority
from numba import njit

from agents.household import EVENT_BIT, WEEKS_PER_YEAR, Household, HouseholdRules, LifeEvents, household_week
from agents.organisation import CareCases, CareNetwork, bit_count
from agents.regisseur import QUEUED, RegisseurTeam, TeamCases, in_approach
from sim import population
from sim.crn import RandomStreams
from sim.errors import UserError
from sim.population import Households
from sim.scenario import Scenario
from sim.tally import Total, YearTally, columns

METHODS = ("verkokerd", "1g1p1r")
# State read at each year's end, next to the year's counts.
YEAR_STATE = ("households_reached_cum", "households_stabilised_cum", "households_stable_now", "in_approach_cum")


class MPHModel(mesa.Model):
    """Multi-problem households, siloed organisations and (under 1g1p1r) regisseurs over ``scenario.weeks``."""

    def __init__(self, scenario: Scenario, method: str, replication: int = 0) -> None:
        if method not in METHODS:
            raise UserError(f"unknown method {method!r}; allowed: {', '.join(METHODS)}")
        super().__init__(seed=scenario.seed + replication)
        self.scenario = scenario
        self.method = method
        self.replication = replication
        self.week = 0
        self.streams = RandomStreams(scenario.seed, replication)
        self.households = population.generate(scenario.population, len(scenario.organisations),
                                              self.streams.population)
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

        self.care = CareNetwork(self)
        self.tally = YearTally(self.care.keys)
        self.team = RegisseurTeam(self) if method == "1g1p1r" else None
        self.team_cases = self.team.cases if self.team is not None else TeamCases.outside(n)
        # weekly series, set by the week's last phase
        self.approach_size = self.regisseur_queue = self.org_waiting = 0

        self.datacollector = mesa.DataCollector(
            model_reporters={
                "in_approach": "approach_size",
                "regisseur_queue": "regisseur_queue",
                "org_waiting": "org_waiting",
            },
            tables={"years": ["year", *YEAR_STATE, *columns(self.care.keys)]},
        )
        self.simulator = ABMSimulator()
        self.simulator.setup(self)
        for year in range(1, scenario.horizon_years + 1):
            self.simulator.schedule_event_absolute(self._end_of_year, year * WEEKS_PER_YEAR, priority=Priority.LOW)

    @cached_property
    def household_agents(self) -> list[Household]:
        """The households as Mesa agents (views on their rows), built when first asked for: the compiled step reads
        the arrays, and a sweep of thousands of runs that never looks at one household saves registering 3,000
        agents per run (about 6 us each, 7% of a run)."""
        return [Household(self, i) for i in range(self.households.size)]

    # -- the week --------------------------------------------------------------------------------------
    def step(self) -> None:
        self.week = self.steps
        seeds, totals, per_org = self.streams.seeds, self.tally.totals, self.tally.per_org
        household_week(self.households, self.life, self.care.cases, self.care.rules, self.team_cases, self.rules,
                       seeds, self.week, totals, per_org)
        if self.team is not None:
            self.team.step()
        self.care.step(self)
        self.approach_size, self.regisseur_queue, self.org_waiting = _close_week(
            self.households, self.life, self.care.cases, self.team_cases, self.stabilised, self.ever_stabilised,
            self.scenario.dynamics.stabilised_mean_below, self.scenario.dynamics.stabilised_max_below,
            self.scenario.dynamics.relapse_mean_above, totals)
        if self.team is not None and self.team.members:
            self.tally.add("regisseur_fte_weeks", self.scenario.levers.fte)
            self.tally.add("approach_weeks", 1.0)
        self.datacollector.collect(self)

    def run(self) -> None:
        self.simulator.run_until(self.scenario.weeks)

    @property
    def events_this_week(self) -> dict[str, np.ndarray]:
        """Households per escalation this week (sim.domains.ESCALATIONS), for who records dossiers."""
        return {name: np.flatnonzero(self.life.events & bit) for name, bit in EVENT_BIT.items()}

    def _end_of_year(self) -> None:
        row = self.tally.close_year()
        row.update({
            "year": self.week // WEEKS_PER_YEAR,
            "households_reached_cum": float(self.reached.sum()),
            "households_stabilised_cum": float(self.ever_stabilised.sum()),
            "households_stable_now": float(self.stabilised.sum()),
            "in_approach_cum": float(self.ever_in_approach.sum()),
        })
        self.datacollector.add_table_row("years", row)
        self._grow_up()

    def _grow_up(self) -> None:
        hh = self.households
        has_child = hh.child_age >= 0
        hh.child_age[has_child] += 1
        adult = hh.child_age >= 18
        hh.child_age[adult] = -1
        self.life.placed_until[adult] = 0
        self.life.dropped_out[adult] = False
        self._set_applicable()
        hh.severity[:] *= self.life.applicable

    def _set_applicable(self) -> None:
        """Which life domains exist per household; changes only when children grow up. In place: the compiled
        step holds these arrays."""
        self.applicable[:] = Households.applicable(self.households.child_age)
        self.life.applicable_count[:] = np.maximum(self.applicable.sum(axis=1), 1)

    def mean_severity(self) -> np.ndarray:
        """Mean severity over the domains that exist for each household (others are kept at zero)."""
        return self.households.severity.sum(axis=1) / self.life.applicable_count

    def professionals(self) -> np.ndarray:
        """Organisations working in each home, plus the regisseur if there is one."""
        count = self.care.open_count()
        if self.team is not None:
            count = count + self.team.in_approach()
        return count


@njit(cache=True, error_model="numpy")
def _close_week(hh: Households, life: LifeEvents, care: CareCases, team: TeamCases, stabilised: np.ndarray,
                ever_stabilised: np.ndarray, stable_mean_below: float, stable_max_below: float,
                relapse_mean_above: float, totals: np.ndarray) -> tuple[int, int, int]:
    """Who is stable now and who relapsed, the professionals in each home; returns the week's series (households
    in the approach, queued for a regisseur, waiting for an organisation)."""
    approach, queue, waiting = 0, 0, 0
    relapses, stabilisations, professional_weeks, helped_weeks = 0, 0, 0, 0
    for n in range(hh.severity.shape[0]):  # without branches: they would make this loop several times slower
        sev = hh.severity[n]
        total, worst = 0.0, 0.0
        for d in range(sev.size):
            total += sev[d]
            worst = max(worst, sev[d])
        mean = total / life.applicable_count[n]
        stable = life.reached[n] & (mean < stable_mean_below) & (worst < stable_max_below)
        relapse = stabilised[n] & (mean > relapse_mean_above)
        newly = stable & (not stabilised[n])
        stabilised[n] = (stabilised[n] & (not relapse)) | newly
        ever_stabilised[n] |= newly
        relapses += relapse
        stabilisations += newly
        professionals = in_approach(team.phase[n])
        approach += professionals
        queue += team.phase[n] == QUEUED
        professionals += bit_count(care.open_bits[n])
        waiting += bit_count(care.waiting_bits[n])
        professional_weeks += professionals
        helped_weeks += professionals > 0
    totals[Total.relapses] += relapses
    totals[Total.stabilisations] += stabilisations
    totals[Total.professional_household_weeks] += professional_weeks
    totals[Total.helped_household_weeks] += helped_weeks
    return approach, queue, waiting
