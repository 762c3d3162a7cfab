"""Regisseurs (case directors) and their team: intake, one integral plan, mandate, escalation ladder, aftercare.

Each :class:`Regisseur` is a Mesa agent with fte, competence and a caseload. :class:`RegisseurTeam` runs the
team's weekly work for all households at once: take found households in up to the caseload norm, make one
diagnosis and plan, involve one organisation per problem, break waiting lists or climb the escalation
ladder, close with aftercare and monitoring, and readmit on relapse.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa
import numpy as np

from agents.organisation import NONE, WAITING
from sim.crn import Keyed, Weekly
from sim.fastops import nonzero2d, row_any, row_count, row_max

if TYPE_CHECKING:
    from sim.model import MPHModel

# Phases of a household in the approach.
OUTSIDE, QUEUED, DIAGNOSIS, ACTIVE, AFTERCARE, CLOSED = 0, 1, 2, 3, 4, 5
WEEKS_PER_MONTH = 52 / 12


class Regisseur(mesa.Agent):
    """A case director: an experienced generalist, or one in training who grows into the role."""

    def __init__(self, model: MPHModel, index: int, fte: float, experienced: bool, training_weeks: int) -> None:
        super().__init__(model)
        self.index = index  # position in the team; households refer to their regisseur by it
        self.fte = fte
        self.experienced = experienced
        self.training_weeks = training_weeks
        self.capacity = fte * model.scenario.levers.caseload_norm

    def competence(self, week: int) -> float:
        if self.experienced or self.training_weeks == 0:
            return 1.0
        start = self.model.scenario.regisseur_effects.in_training_competence
        return min(1.0, start + (1.0 - start) * week / self.training_weeks)

    @property
    def caseload(self) -> int:
        return int((self.model.team.regisseur == self.index).sum())


class RegisseurTeam:
    """The multidisciplinary team of regisseurs and the phase of every household in the approach."""

    def __init__(self, model: MPHModel) -> None:
        self.model = model
        levers = model.scenario.levers
        self.effects = model.scenario.regisseur_effects
        self.mandate = levers.mandate
        rng = model.streams.team
        n_regisseurs = math.ceil(levers.fte / levers.fte_per_regisseur - 1e-9)
        self.members: list[Regisseur] = []
        remaining = levers.fte
        for index in range(n_regisseurs):
            fte = min(levers.fte_per_regisseur, remaining)
            remaining -= fte
            experienced = bool(rng.random() < levers.competence_experienced_share)
            self.members.append(Regisseur(model, index, fte, experienced, levers.training_weeks))
        self._capacity = np.array([m.capacity for m in self.members])

        n = model.households.size
        self.phase = np.zeros(n, dtype=np.int8)
        self.since = np.zeros(n, dtype=np.int32)
        self.until = np.zeros(n, dtype=np.int32)
        self.regisseur = np.full(n, -1, dtype=np.int64)
        self.network = np.zeros(n, dtype=bool)
        self.competence = np.zeros(n)  # competence of the household's regisseur, refreshed weekly
        # Low-threshold reporting finds `finding_reach` more households (relative to those in view), the
        # most severe first: they are in view from the start under this method.
        hh = model.households
        extra = round(levers.finding_reach * hh.in_view.sum())
        hidden = np.flatnonzero(~hh.in_view)
        order = hidden[np.argsort(-model.mean_severity()[hidden] + 0.1 * hh.reach_rank[hidden])]
        self.found = hh.in_view.copy()
        self.found[order[:extra]] = True

        weights = self.effects.caseload_weight
        self._case_weight = np.array([weights.light, weights.heavy, weights.mda])[hh.case_type]
        self._max_active = np.array(self.effects.max_active_weeks.as_tuple())[hh.case_type].astype(np.int32)

    # -- what other parts of the model ask --------------------------------------------------------
    def under_care(self) -> np.ndarray:
        return (self.phase == DIAGNOSIS) | (self.phase == ACTIVE)

    def in_approach(self) -> np.ndarray:
        return (self.phase >= DIAGNOSIS) & (self.phase <= AFTERCARE)

    def caseload_weights(self, households: np.ndarray) -> np.ndarray:
        """Weight in a regisseur's caseload of each of ``households`` (all assigned: in care or aftercare)."""
        weights = self.effects.caseload_weight
        aftercare = np.where(self.network[households], weights.aftercare_with_network, weights.aftercare)
        return np.where(self.phase[households] == AFTERCARE, aftercare, self._case_weight[households])

    # -- the weekly step ------------------------------------------------------------------------------
    def step(self, draws: np.ndarray) -> None:
        week = self.model.week
        mean_severity = self.model.mean_severity()  # the team's work changes no severity this week
        self._refresh_competence(week)
        self._empower()
        self._find(draws, mean_severity)
        self._queue(week, mean_severity)
        self._take_in(week)
        self._plan(week)
        self._break_waiting_lists(week)
        self._close(week, mean_severity)

    def _refresh_competence(self, week: int) -> None:
        if not self.members:
            return
        by_member = np.array([m.competence(week) for m in self.members])
        self.competence = np.where(self.regisseur >= 0, by_member[np.maximum(self.regisseur, 0)], 0.0)

    def _empower(self) -> None:
        """Working from the household's own strength (eigen kracht) builds it up."""
        hh = self.model.households
        gain = self.effects.empowerment_rate * self.competence * self.under_care()
        hh.strength += gain * (1.0 - hh.strength)

    def _find(self, draws: np.ndarray, mean_severity: np.ndarray) -> None:
        """Escalations and signals from 'vindplaatsen' bring hidden households into view over time."""
        rate = self.model.scenario.dynamics.finding_rate
        self.found |= (draws[Weekly.FINDING] < rate * mean_severity**2) | self.model.escalated_this_week

    def _queue(self, week: int, mean_severity: np.ndarray) -> None:
        eligible = ((self.phase == OUTSIDE) | (self.phase == CLOSED)) & self.found
        eligible &= mean_severity >= self.effects.intake_severity
        self.phase[eligible] = QUEUED
        self.since[eligible] = week

    def _take_in(self, week: int) -> None:
        queued = np.flatnonzero(self.phase == QUEUED)
        if queued.size == 0 or not self.members:
            return
        assigned = np.flatnonzero(self.regisseur >= 0)
        load = np.bincount(self.regisseur[assigned], weights=self.caseload_weights(assigned),
                           minlength=len(self.members))
        free = self._capacity - load
        if free.max() < self._case_weight[queued].min():
            return  # the team is full this week
        # Longest waiting first; households reported in the same week in a fixed random order.
        order = np.lexsort((self.model.households.reach_rank[queued], self.since[queued]))
        taken = []
        for n in queued[order]:
            best = int(np.argmax(free))
            if free[best] < self._case_weight[n]:
                break
            free[best] -= self._case_weight[n]
            self.regisseur[n] = best
            taken.append(n)
        if not taken:
            return
        taken = np.array(taken)
        tally = self.model.tally
        tally.add("regisseur_wait_weeks", float((week - self.since[taken]).sum()))
        tally.add("regisseur_intakes", float(taken.size))
        tally.add("in_approach_new", float((~self.model.ever_in_approach[taken]).sum()))
        self.model.ever_in_approach[taken] = True
        self.model.reached[taken] = True
        self.phase[taken] = DIAGNOSIS
        self.since[taken] = week
        self.until[taken] = week + self.effects.diagnosis_weeks
        self.model.care.drop_duplicates(taken)

    def _plan(self, week: int) -> None:
        """After the diagnosis: one plan, at most a few trajectories at a time, one organisation per problem."""
        done = (self.phase == DIAGNOSIS) & (self.until <= week)
        self.phase[done] = ACTIVE
        self.until[done] = week + self._max_active[done]
        active = np.flatnonzero(self.phase == ACTIVE)
        if active.size == 0:
            return
        care = self.model.care
        hh = self.model.households
        primary_status = care.status[active][:, care.primary]  # (households, domains)
        open_now = row_count(care.status[active] != NONE)
        slots = self.model.scenario.levers.max_parallel_trajectories - open_now
        candidate = (hh.severity[active] > self.effects.plan_threshold) & (primary_status == NONE)
        candidate &= self.model.applicable[active]
        ranked = np.argsort(np.where(candidate, -hh.severity[active], np.inf), axis=1)
        for j in range(self.model.scenario.levers.max_parallel_trajectories):
            domain = ranked[:, j]
            pick = (j < slots) & candidate[np.arange(active.size), domain]
            if pick.any():
                care.refer(active[pick], care.primary[domain[pick]], via_regisseur=True)

    def _break_waiting_lists(self, week: int) -> None:
        """Mandate e breaks waiting lists for a small group in crisis; otherwise climb the escalation ladder."""
        care = self.model.care
        rows, orgs = nonzero2d((care.status == WAITING) & care.via_regisseur & ~care.priority)
        if rows.size == 0:
            return
        waited = week - care.since[rows, orgs]
        due = waited >= self.effects.priority_wait_weeks
        crisis = row_max(self.model.households.severity[rows]) >= self.effects.priority_severity
        if self.mandate.break_waiting_lists:
            broken = due & crisis
            care.priority[rows[broken], orgs[broken]] = True
            self.model.tally.add("waiting_lists_broken", float(broken.sum()))
            due &= ~broken
        over = waited - self.effects.priority_wait_weeks
        rung = over // self.effects.ladder_weeks_per_rung
        at_rung = due & (over % self.effects.ladder_weeks_per_rung == 0) & (rung < self.effects.ladder_rungs)
        if not at_rung.any():
            return
        r, o, k = rows[at_rung], orgs[at_rung], rung[at_rung]
        p = (self.effects.ladder_success_per_rung if self.mandate.administrative_backing
             else self.effects.ladder_success_without_backing)
        success = self.model.streams.keyed(Keyed.LADDER, r, o, care.since[r, o], k) < p
        care.priority[r[success], o[success]] = True
        self.model.tally.add("ladder_escalations", float(at_rung.sum()))

    def _close(self, week: int, mean_severity: np.ndarray) -> None:
        care = self.model.care
        hh = self.model.households
        active = np.flatnonzero(self.phase == ACTIVE)
        nothing_open = ~row_any(care.status[active] != NONE)
        nothing_left = ~row_any(hh.severity[active] > self.effects.plan_threshold)
        closing = np.zeros(self.phase.size, dtype=bool)
        closing[active] = (nothing_open & nothing_left) | (self.until[active] <= week)
        aftercare_weeks = round(self.model.scenario.levers.aftercare_months * WEEKS_PER_MONTH)
        if closing.any():
            self.model.tally.add("approach_closed", float(closing.sum()))
            if aftercare_weeks > 0:
                self.phase[closing] = AFTERCARE
                self.until[closing] = week + aftercare_weeks
                if self.model.scenario.levers.informal_network:
                    idx = np.flatnonzero(closing)
                    built = idx[self.model.streams.keyed(Keyed.NETWORK, idx, week) < self.effects.network_share]
                    self.network[built] = True
                    hh.strength[built] += self.effects.network_strength_gain * (1.0 - hh.strength[built])
            else:
                self._release(closing)
        ended = (self.phase == AFTERCARE) & (self.until <= week)
        self._release(ended)
        # Monitoring catches a relapse early: straight back to active care.
        relapse_level = self.model.scenario.dynamics.relapse_mean_above
        relapsing = (self.phase == AFTERCARE) & (mean_severity >= relapse_level)
        self.phase[relapsing] = ACTIVE
        self.until[relapsing] = week + self._max_active[relapsing]
        self.model.tally.add("aftercare_readmissions", float(relapsing.sum()))

    def _release(self, mask: np.ndarray) -> None:
        self.phase[mask] = CLOSED
        self.regisseur[mask] = -1

    # -- effects on households ----------------------------------------------------------------------
    def shock_protection(self) -> np.ndarray:
        """Monitoring in aftercare, and a lasting informal network, soften life events."""
        effects = self.effects
        aftercare = effects.aftercare_shock_reduction
        if not self.mandate.decides_aftercare:
            aftercare *= effects.without_aftercare_mandate_factor
        protection = np.where(self.phase == AFTERCARE, aftercare, 0.0)
        return np.maximum(protection, np.where(self.network, effects.network_shock_reduction, 0.0))

    def presence(self) -> np.ndarray:
        """How much a regisseur's presence calms the downward spiral ('rust in het gezin'), per household."""
        factor = 1.0 if self.mandate.free_time else self.effects.without_free_time_factor
        return np.where(self.under_care(), self.effects.presence_drift_reduction * factor * self.competence, 0.0)

    def prevention_factor(self) -> np.ndarray:
        """Competence of the regisseur for households in the approach, 0 elsewhere."""
        return np.where(self.in_approach(), self.competence, 0.0)
