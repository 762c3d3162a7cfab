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
from sim.fastops import nonzero2d
from sim.kernels import drift_and_recover, exposure
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
    drift_and_recover(sev, hh.strength, hh.motivation, model.presence(), model.care.status, model.care.domain,
                      TRAJECTORY, model.applicable_weight, model.applicable_count, dyn.drift_rate, dyn.spillover,
                      dyn.recovery_rate, model.scenario.organisation_common.trajectory_drift_factor)

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


# The escalations with a weekly hazard, and their rows in the weekly block of draws. The rows are consecutive, so
# all threats of a week come from one comparison of a slice of the block (no copy) with the hazards.
HAZARDS = ("eviction_threat", "out_of_home_placement", "police_incident", "intensive_care_episode",
           "school_dropout", "utility_cutoff", "collection_case")
HAZARD_ROWS = slice(Weekly.EVICTION, Weekly.EVICTION + len(HAZARDS))
_ROWS_IN_ORDER = [Weekly.EVICTION, Weekly.PLACEMENT, Weekly.POLICE, Weekly.INTENSIVE_CARE, Weekly.DROPOUT,
                  Weekly.UTILITY, Weekly.COLLECTION]
assert list(range(HAZARD_ROWS.start, HAZARD_ROWS.stop)) == _ROWS_IN_ORDER
EVICTION, PLACEMENT, DROPOUT, UTILITY = (HAZARDS.index(name) for name in (
    "eviction_threat", "out_of_home_placement", "school_dropout", "utility_cutoff"))


def _hazards(model: MPHModel) -> np.ndarray:
    """Weekly hazard of each escalation (rows, in the order of ``HAZARDS``) per household: it grows with the square
    of the weighted severity of its driving domains, so mild problems rarely escalate and a crisis often does."""
    h = model.driver_matrix.T @ model.households.severity.T  # one BLAS call; rows come out contiguous
    h *= h
    h *= model.base_hazard[:, None]
    return h


def escalate(model: MPHModel, draws: np.ndarray) -> None:
    """Escalation events whose weekly hazards grow with the severity of their driving domains."""
    esc = model.scenario.escalations
    hh = model.households
    week = model.week
    tally = model.tally
    housed, children_at_home, pupils, placed_children = exposure(
        model.homeless_until, hh.child_age, model.placed_until, model.dropped_out, week, *DROPOUT_AGES)
    h = _hazards(model)
    h[EVICTION] *= housed  # only a housed household can be evicted,
    h[PLACEMENT] *= children_at_home > 0  # only a child at home placed,
    h[DROPOUT] *= pupils  # and each pupil can drop out
    u = draws[HAZARD_ROWS]
    which, who = nonzero2d(u < h)  # events are rare: from here on only the few households concerned
    bounds = np.searchsorted(which, np.arange(len(HAZARDS) + 1))
    threat = {name: who[bounds[j]:bounds[j + 1]] for j, name in enumerate(HAZARDS)}

    def ratio(j: int) -> np.ndarray:
        """The conditional draw u/h in [0, 1) of the threatened households: it decides the outcome (averted or
        not) independently of whether the event happened."""
        return u[j, threat[HAZARDS[j]]] / h[j, threat[HAZARDS[j]]]

    escalated = []
    events: dict[str, np.ndarray] = {}  # households per escalation this week, for who records dossiers
    prevention = model.prevention_factor()

    # Eviction: a threat (rent arrears procedure) that is averted or not; a share of evicted households
    # goes to shelter (maatschappelijke opvang) for years.
    idx, v = threat["eviction_threat"], ratio(EVICTION)
    if idx.size:
        averted_share = esc.eviction_threat.prevented_share + model.eviction_gain * prevention[idx]
        evicted = v >= averted_share
        tally.add("eviction_threats", float(idx.size))
        tally.add("eviction_threats_in_approach", float((prevention[idx] > 0).sum()))
        escalated.append(idx)
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
            events["eviction"], events["shelter_entry"] = out, out[to_shelter]
            hh.severity[out, HOUSING] = 1.0  # losing one's home is a housing crisis by definition

    # Out-of-home placement of a child (uithuisplaatsing), averted in part by 'drang' and a safety plan.
    idx = threat["out_of_home_placement"]
    if idx.size:
        averted = ratio(PLACEMENT) < model.placement_gain * prevention[idx]
        idx = idx[~averted]
        child = np.argmax((hh.child_age[idx] >= 0) & (model.placed_until[idx] <= week), axis=1)
        years = -np.log1p(-model.streams.keyed(Keyed.PLACEMENT_STAY, idx, week)) * esc.out_of_home_placement.mean_years
        model.placed_until[idx, child] = week + np.ceil(years * WEEKS_PER_YEAR).astype(np.int32)
        tally.add("out_of_home_placement", float(idx.size))
        escalated.append(idx)
        events["out_of_home_placement"] = idx

    for name in ("police_incident", "intensive_care_episode", "collection_case"):
        tally.add(name, float(threat[name].size))
        escalated.append(threat[name])
        events[name] = threat[name]

    # School dropout, per child of 12-17 still in school.
    idx = threat["school_dropout"]
    if idx.size:
        pick = (model.streams.keyed(Keyed.DROPOUT_CHILD, idx, week) * pupils[idx]).astype(int)
        ages = hh.child_age[idx]
        in_school = (ages >= DROPOUT_AGES[0]) & (ages <= DROPOUT_AGES[1]) & ~model.dropped_out[idx]
        child = np.argmax(np.cumsum(in_school, axis=1) > pick[:, None], axis=1)
        model.dropped_out[idx, child] = True
        tally.add("school_dropout", float(idx.size))
        escalated.append(idx)
        events["school_dropout"] = idx

    # Utility cut-off: averted by agreements, and faster by a regisseur with a free budget.
    idx = threat["utility_cutoff"]
    if idx.size:
        averted = ratio(UTILITY) < esc.utility_cutoff.prevented_share + model.utility_gain * prevention[idx]
        tally.add("utility_cutoff", float((~averted).sum()))
        escalated.append(idx)
        events["utility_cutoff"] = idx[~averted]

    model.in_shelter &= model.homeless_until > week
    tally.add("shelter_household_weeks", float(model.in_shelter.sum()))
    tally.add("placement_child_weeks", float(placed_children))
    model.events_this_week = events
    model.escalated_this_week = np.zeros(hh.size, dtype=bool)
    model.escalated_this_week[np.concatenate(escalated)] = True
