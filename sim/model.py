"""The MPH model: one Mesa model, the working method one of its levers.

Under ``verkokerd`` each organisation notices, takes in and plans alone. Under ``1g1p1r`` a team of
regisseurs takes found households in up to its caseload norm; everyone else still gets the old treatment,
so with zero regisseurs both methods give identical numbers. Both methods draw from the same
:class:`~sim.crn.RandomStreams`, so for the same seed they face the same households and the same luck.

Time advances by Mesa's ABMSimulator: the weekly step, plus scheduled yearly events (children grow up, the
year's counts are collected into the DataCollector's ``years`` table).
"""

from __future__ import annotations

import mesa
import numpy as np
from mesa.experimental.devs import ABMSimulator
from mesa.experimental.devs.eventlist import Priority

from agents.household import HAZARDS, WEEKS_PER_YEAR, Household, escalate, spiral
from agents.organisation import WAITING, CareNetwork
from agents.regisseur import QUEUED, RegisseurTeam
from sim import population
from sim.crn import RandomStreams, Weekly
from sim.domains import DOMAIN_INDEX, DOMAINS
from sim.errors import UserError
from sim.fastops import row_count, row_max, row_sum
from sim.scenario import Scenario
from sim.tally import YearTally, columns

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
        self._set_applicable(self.households.applicable())
        self.reached = np.zeros(n, dtype=bool)
        self.ever_in_approach = np.zeros(n, dtype=bool)
        self.stabilised = np.zeros(n, dtype=bool)
        self.ever_stabilised = np.zeros(n, dtype=bool)
        self.homeless_until = np.zeros(n, dtype=np.int32)
        self.in_shelter = np.zeros(n, dtype=bool)
        self.placed_until = np.zeros(self.households.child_age.shape, dtype=np.int32)
        self.dropped_out = np.zeros(self.households.child_age.shape, dtype=bool)
        self.escalated_this_week = np.zeros(n, dtype=bool)
        self.events_this_week: dict[str, np.ndarray] = {}  # escalation -> households, refreshed by escalate()
        self.rehousing_weeks = scenario.escalations.shelter.rehousing_weeks

        self.base_hazard = np.array([getattr(scenario.escalations, name).base_hazard for name in HAZARDS])
        self.driver_matrix = np.zeros((len(DOMAINS), len(HAZARDS)))  # weights per hazard add up to 1
        for j, name in enumerate(HAZARDS):
            drivers = getattr(scenario.escalations, name).drivers
            total = sum(drivers.values())
            for domain, weight in drivers.items():
                self.driver_matrix[DOMAIN_INDEX[domain], j] = weight / total

        self.household_agents = [Household(self, i) for i in range(n)]
        self.care = CareNetwork(self)
        self.tally = YearTally(self.care.keys)

        effects = scenario.regisseur_effects
        mandate = scenario.levers.mandate
        self.team = RegisseurTeam(self) if method == "1g1p1r" else None
        budget = 1.0 if mandate.free_budget else effects.without_free_budget_factor
        self.eviction_gain = effects.eviction_prevention_gain * budget
        self.utility_gain = effects.utility_prevention_gain * budget
        self.placement_gain = effects.placement_prevention_gain
        self.coordination_saving = effects.coordination_saving
        self.own_intake_factor = 0.0 if mandate.own_diagnosis_plan else effects.without_own_diagnosis_intake_factor

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

    # -- the week --------------------------------------------------------------------------------------
    def step(self) -> None:
        self.week = self.steps
        draws = self.streams.weekly_block(self.households.size)
        spiral(self, draws)
        escalate(self, draws)
        self._refer_siloed(draws)
        if self.team is not None:
            self.team.step(draws)
        self.care.step(self.own_intake_factor)
        self._track_stabilisation()
        self._tally_professionals()
        self.datacollector.collect(self)

    def run(self) -> None:
        self.simulator.run_until(self.scenario.weeks)

    def _refer_siloed(self, draws: np.ndarray) -> None:
        """An organisation notices one of a household's visible problems; it and its peers each start an offer."""
        dyn = self.scenario.dynamics
        u = draws[Weekly.NOTICE]
        noticed = u < dyn.notice_rate
        if self.team is not None:
            noticed &= ~self.team.under_care()
        idx = np.flatnonzero(noticed)
        if idx.size == 0:
            return
        sev = self.households.severity[idx]
        visible = np.where((sev > dyn.referral_threshold) & self.applicable[idx], sev, 0.0)
        total = row_sum(visible)
        keep = total > 0
        idx, visible, total = idx[keep], visible[keep], total[keep]
        # The conditional draw u/p chooses the domain, weighted by severity.
        pick = u[idx] / dyn.notice_rate * total
        domain = np.argmax(np.cumsum(visible, axis=1) > pick[:, None], axis=1)
        self.care.refer_siloed(idx, domain)

    def _track_stabilisation(self) -> None:
        dyn = self.scenario.dynamics
        sev = self.households.severity
        mean = self.mean_severity()
        stable = self.reached & (mean < dyn.stabilised_mean_below) & (row_max(sev) < dyn.stabilised_max_below)
        new = stable & ~self.stabilised
        relapse = self.stabilised & (mean > dyn.relapse_mean_above)
        self.stabilised = (self.stabilised | new) & ~relapse
        self.ever_stabilised |= new
        self.tally.add("stabilisations", float(new.sum()))
        self.tally.add("relapses", float(relapse.sum()))

    def _tally_professionals(self) -> None:
        count = self.professionals()
        helped = count > 0
        self.tally.add("professional_household_weeks", float(count[helped].sum()))
        self.tally.add("helped_household_weeks", float(helped.sum()))
        if self.team is not None and self.team.members:
            self.tally.add("regisseur_fte_weeks", self.scenario.levers.fte)
            self.tally.add("approach_weeks", 1.0)

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
        self.placed_until[adult] = 0
        self.dropped_out[adult] = False
        self._set_applicable(hh.applicable())
        hh.severity *= self.applicable_weight

    def _set_applicable(self, applicable: np.ndarray) -> None:
        """Which life domains exist per household; changes only when children grow up."""
        self.applicable = applicable
        self.applicable_weight = applicable.astype(float)
        self.applicable_count = np.maximum(row_count(applicable), 1)

    def mean_severity(self) -> np.ndarray:
        """Mean severity over the domains that exist for each household (others are kept at zero)."""
        return row_sum(self.households.severity) / self.applicable_count

    # -- what households and organisations ask of the method --------------------------------------------
    def professionals(self) -> np.ndarray:
        count = self.care.open_count()
        if self.team is not None:
            count = count + self.team.in_approach()
        return count

    def presence(self) -> np.ndarray:
        return self.team.presence() if self.team is not None else np.zeros(self.households.size)

    def shock_protection(self) -> np.ndarray:
        return self.team.shock_protection() if self.team is not None else np.zeros(self.households.size)

    def prevention_factor(self) -> np.ndarray:
        return self.team.prevention_factor() if self.team is not None else np.zeros(self.households.size)

    def integral_gain(self, rows: np.ndarray) -> np.ndarray:
        if self.team is None:
            return np.zeros(rows.size)
        return self.scenario.regisseur_effects.integral_success_gain * self.team.competence[rows]

    # -- weekly series for the DataCollector --------------------------------------------------------------
    @property
    def approach_size(self) -> int:
        return int(self.team.in_approach().sum()) if self.team is not None else 0

    @property
    def regisseur_queue(self) -> int:
        if self.team is None:
            return 0
        return int((self.team.phase == QUEUED).sum())

    @property
    def org_waiting(self) -> int:
        return int((self.care.status == WAITING).sum())

