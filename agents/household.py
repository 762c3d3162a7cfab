"""Households: the downward spiral of problems across life domains, life events, and escalations.

A :class:`Household` is a Mesa agent that reads its own row of the population arrays. The behaviour of all
households in a week (:func:`spiral` and :func:`escalate`) runs vectorised over those arrays, because
stepping thousands of Python objects one by one is too slow for calibration and sweeps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from agents.organisation import TRAJECTORY
from sim.crn import Keyed, Weekly
from sim.domains import CASE_TYPES, DOMAIN_INDEX, DOMAINS
from sim.fastops import row_any, row_count
from sim.population import DROPOUT_AGES

if TYPE_CHECKING:
    from sim.model import MPHModel

HOUSING = DOMAIN_INDEX["housing"]
WEEKS_PER_YEAR = 52


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


def spiral(model: MPHModel, draws: np.ndarray) -> None:
    """One week of drift, spill-over between domains, own recovery, help, and life events."""
    dyn = model.scenario.dynamics
    hh = model.households
    sev = hh.severity
    mean = model.mean_severity()
    # Drift pushes towards 1, faster for weak households, slower under a regisseur or a running trajectory;
    # own recovery pulls towards 0: sev += drift - (drift + pull) * sev keeps severities within [0, 1] and
    # domains that do not exist for a household (no drift) at 0. In place: this is the hottest loop.
    push = dyn.drift_rate * (1.0 - hh.strength) * (1.0 + dyn.spillover * mean) * (1.0 - model.presence())
    in_trajectory = (model.care.status == TRAJECTORY).astype(float) @ model.org_domain
    drift = 1.0 - (1.0 - model.scenario.organisation_common.trajectory_drift_factor) * np.minimum(in_trajectory, 1.0)
    drift *= model.applicable_weight
    drift *= push[:, None]
    pull = dyn.recovery_rate * hh.strength * hh.motivation
    change = drift + pull[:, None]
    change *= sev
    sev += drift
    sev -= change

    # A life event hits two domains; the conditional draw u/p picks them, so it stays independent.
    p = dyn.shock_rate * (1.0 - model.shock_protection())
    u = draws[Weekly.SHOCK]
    hit = np.flatnonzero(u < p)
    if hit.size:
        v = u[hit] / p[hit] * len(DOMAINS)
        first = v.astype(int)
        second = ((v - first) * len(DOMAINS)).astype(int)
        app = model.applicable_weight
        sev[hit, first] += dyn.shock_size * app[hit, first]
        sev[hit, second] += dyn.shock_size * app[hit, second]
        sev[hit] = np.minimum(sev[hit], 1.0)


def _hazard(model: MPHModel, name: str, drivers: np.ndarray) -> np.ndarray:
    params = getattr(model.scenario.escalations, name)
    return params.base_hazard * drivers**2


def escalate(model: MPHModel, draws: np.ndarray) -> None:
    """Escalation events whose weekly hazards grow with the severity of their driving domains."""
    esc = model.scenario.escalations
    hh = model.households
    week = model.week
    tally = model.tally
    drivers = hh.severity @ model.driver_matrix  # columns in the order of model.HAZARDS
    column = {name: drivers[:, i] for i, name in enumerate(model.HAZARDS)}
    escalated = np.zeros(hh.size, dtype=bool)
    prevention = model.prevention_factor()

    # Eviction: a threat (rent arrears procedure) that is averted or not; a share of evicted households
    # goes to shelter (maatschappelijke opvang) for years.
    housed = model.homeless_until <= week
    h = np.where(housed, _hazard(model, "eviction_threat", column["eviction_threat"]), 0.0)
    u = draws[Weekly.EVICTION]
    threat = u < h
    if threat.any():
        idx = np.flatnonzero(threat)
        v = u[idx] / h[idx]
        averted_share = esc.eviction_threat.prevented_share + model.eviction_gain * prevention[idx]
        evicted = v >= averted_share
        tally.add("eviction_threats", float(idx.size))
        tally.add("eviction_threats_in_approach", float((prevention[idx] > 0).sum()))
        escalated[idx] = True
        out = idx[evicted]
        if out.size:
            tally.add("eviction", float(out.size))
            w = (v[evicted] - averted_share[evicted]) / (1.0 - averted_share[evicted])
            to_shelter = w < esc.shelter.share_after_eviction
            stay_years = -np.log1p(-model.streams.keyed(Keyed.SHELTER_STAY, out, week)) * esc.shelter.mean_years
            homeless_weeks = np.where(to_shelter, np.ceil(stay_years * WEEKS_PER_YEAR), model.rehousing_weeks)
            model.homeless_until[out] = week + homeless_weeks.astype(np.int32)
            model.in_shelter[out] = to_shelter
            tally.add("shelter_entry", float(to_shelter.sum()))
            hh.severity[out, HOUSING] = 1.0  # losing one's home is a housing crisis by definition

    # Out-of-home placement of a child (uithuisplaatsing), averted in part by 'drang' and a safety plan.
    at_home = (hh.child_age >= 0) & (model.placed_until <= week)
    has_child = row_any(at_home)
    h = np.where(has_child, _hazard(model, "out_of_home_placement", column["out_of_home_placement"]), 0.0)
    u = draws[Weekly.PLACEMENT]
    threat = u < h
    if threat.any():
        idx = np.flatnonzero(threat)
        averted = u[idx] / h[idx] < model.placement_gain * prevention[idx]
        idx = idx[~averted]
        child = np.argmax(at_home[idx], axis=1)
        years = -np.log1p(-model.streams.keyed(Keyed.PLACEMENT_STAY, idx, week)) * esc.out_of_home_placement.mean_years
        model.placed_until[idx, child] = week + np.ceil(years * WEEKS_PER_YEAR).astype(np.int32)
        tally.add("out_of_home_placement", float(idx.size))
        escalated[idx] = True

    for name, row in (("police_incident", Weekly.POLICE), ("intensive_care_episode", Weekly.INTENSIVE_CARE),
                      ("collection_case", Weekly.COLLECTION)):
        event = draws[row] < _hazard(model, name, column[name])
        tally.add(name, float(event.sum()))
        escalated |= event

    # School dropout, per child of 12-17 still in school.
    in_school = (hh.child_age >= DROPOUT_AGES[0]) & (hh.child_age <= DROPOUT_AGES[1]) & ~model.dropped_out
    pupils = row_count(in_school)
    event = draws[Weekly.DROPOUT] < _hazard(model, "school_dropout", column["school_dropout"]) * pupils
    if event.any():
        idx = np.flatnonzero(event)
        pick = (model.streams.keyed(Keyed.DROPOUT_CHILD, idx, week) * pupils[idx]).astype(int)
        child = np.argmax(np.cumsum(in_school[idx], axis=1) > pick[:, None], axis=1)
        model.dropped_out[idx, child] = True
        tally.add("school_dropout", float(idx.size))
        escalated[idx] = True

    # Utility cut-off: averted by agreements, and faster by a regisseur with a free budget.
    h = _hazard(model, "utility_cutoff", column["utility_cutoff"])
    u = draws[Weekly.UTILITY]
    threat = u < h
    if threat.any():
        idx = np.flatnonzero(threat)
        averted = u[idx] / h[idx] < esc.utility_cutoff.prevented_share + model.utility_gain * prevention[idx]
        tally.add("utility_cutoff", float((~averted).sum()))
        escalated[idx] = True

    homeless = model.homeless_until > week
    model.in_shelter &= homeless
    tally.add("shelter_household_weeks", float(model.in_shelter.sum()))
    tally.add("placement_child_weeks", float((model.placed_until > week).sum()))
    model.escalated_this_week = escalated
