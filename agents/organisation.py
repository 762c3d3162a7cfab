"""Siloed care organisations ("kokers"): capacity, a waiting list, intake, trajectories and their outcome.

Each :class:`Organisation` is a Mesa agent with its own parameters and tallies. Their shared hot path, the
weekly admission and ending of cases for all households at once, lives in :class:`CareNetwork`, which
keeps the (household x organisation) case table as arrays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.crn import Keyed
from sim.domains import DOMAIN_INDEX
from sim.fastops import nonzero2d, row_count
from sim.kernels import coordination

if TYPE_CHECKING:
    from sim.model import MPHModel
    from sim.scenario import Organisation as OrganisationParams

NONE, WAITING, INTAKE, TRAJECTORY = 0, 1, 2, 3


class Organisation(mesa.Agent):
    """One care organisation; its cases are the column ``index`` of the care network's arrays."""

    def __init__(self, model: MPHModel, key: str, index: int, params: OrganisationParams) -> None:
        super().__init__(model)
        self.key = key
        self.index = index
        self.label = params.label
        self.domain = params.domain
        self.capacity = params.capacity

    @property
    def waiting_list(self) -> int:
        return int((self.model.care.status[:, self.index] == WAITING).sum())

    @property
    def caseload(self) -> int:
        return int((self.model.care.status[:, self.index] >= INTAKE).sum())


class CareNetwork:
    """The case table of all organisations: status, dates, and how each case came in."""

    def __init__(self, model: MPHModel) -> None:
        scenario = model.scenario
        self.model = model
        self.keys = list(scenario.organisations)
        params = list(scenario.organisations.values())
        self.common = scenario.organisation_common
        self.domain = np.array([DOMAIN_INDEX[p.domain] for p in params])
        self.join_share = np.array([p.join_share for p in params])
        self.capacity = np.array([p.capacity for p in params], dtype=float)
        self.intake_weeks = np.array([p.intake_weeks for p in params])
        self.trajectory_weeks = np.array([p.trajectory_weeks for p in params])
        self.success_rate = np.array([p.success_rate for p in params])
        # The first organisation listed for a domain is the one a regisseur's single plan involves.
        self.primary = np.full(len(DOMAIN_INDEX), -1)
        for o in range(len(params) - 1, -1, -1):
            self.primary[self.domain[o]] = o
        self.is_primary = self.primary[self.domain] == np.arange(len(params))

        n, o = model.households.size, len(params)
        self.status = np.zeros((n, o), dtype=np.int8)
        self.since = np.zeros((n, o), dtype=np.int32)
        self.until = np.zeros((n, o), dtype=np.int32)
        self.priority = np.zeros((n, o), dtype=bool)
        self.via_regisseur = np.zeros((n, o), dtype=bool)
        self.started = np.zeros((n, o), dtype=np.int32)  # trajectories started so far, keys outcome draws

        self._all = np.arange(o)
        # (households, organisations, succeeded) of the trajectories ended this week, for who records dossiers
        none = np.zeros(0, dtype=np.int64)
        self.completed_this_week = (none, none, np.zeros(0, dtype=bool))
        self.agents = [Organisation(model, key, i, p) for i, (key, p) in enumerate(zip(self.keys, params, strict=True))]

    # -- referrals ---------------------------------------------------------------------------------
    def refer(self, households: np.ndarray, orgs: np.ndarray, via_regisseur: bool) -> None:
        """Put (household, organisation) pairs on the waiting list, if not already involved."""
        fresh = self.status[households, orgs] == NONE
        households, orgs = households[fresh], orgs[fresh]
        self.model.tally.add_per_org("referrals", orgs)
        self.status[households, orgs] = WAITING
        self.since[households, orgs] = self.model.week
        self.priority[households, orgs] = False
        self.via_regisseur[households, orgs] = via_regisseur

    def refer_siloed(self, households: np.ndarray, domains: np.ndarray) -> None:
        """Old method: every organisation serving the domain may start its own offer."""
        serves = self.domain[None, :] == domains[:, None]
        joins = serves & (self.model.households.join[households] < self.join_share[None, :])
        rows, orgs = nonzero2d(joins)
        self.refer(households[rows], orgs, via_regisseur=False)

    def drop_duplicates(self, households: np.ndarray) -> None:
        """A regisseur's single plan: offers of non-primary organisations stop, primary ones are taken over."""
        involved = self.status[households] != NONE
        stop = involved & ~self.is_primary[None, :]
        rows, orgs = nonzero2d(stop)
        self.status[households[rows], orgs] = NONE
        self.via_regisseur[households] |= involved & self.is_primary[None, :]

    # -- the weekly step -----------------------------------------------------------------------------
    def open_count(self) -> np.ndarray:
        """Organisations involved per household (intake or trajectory): the professionals in the home."""
        return row_count(self.status >= INTAKE)

    def step(self, own_intake_factor: float) -> None:
        week = self.model.week
        rows, orgs = nonzero2d((self.status >= INTAKE) & (self.until <= week))
        ending = self.status[rows, orgs] == TRAJECTORY
        success = self._finish_trajectories(rows[ending], orgs[ending])
        self.completed_this_week = (rows[ending], orgs[ending], success)
        self._start_trajectories(rows[~ending], orgs[~ending], week)
        cases, weight = self._coordination()
        self._admit(week, own_intake_factor, np.floor(self.capacity - cases - self.common.coordination_load * weight)
                    .astype(int))
        _, weight = self._coordination()
        self.model.tally.add_per_org("coordination_hours", self._all, self.common.coordination_hours_per_week * weight)

    def _start_trajectories(self, rows: np.ndarray, orgs: np.ndarray, week: int) -> None:
        self.status[rows, orgs] = TRAJECTORY
        self.until[rows, orgs] = week + self.trajectory_weeks[orgs]
        self.started[rows, orgs] += 1
        self.model.reached[rows] = True
        self.model.tally.add_per_org("trajectories_started", orgs)

    def _finish_trajectories(self, rows: np.ndarray, orgs: np.ndarray) -> np.ndarray:
        """End these trajectories with success or failure; returns which succeeded."""
        if rows.size == 0:
            return np.zeros(0, dtype=bool)
        model = self.model
        hh = model.households
        others = self.open_count()[rows] - 1
        conflict = (1.0 - self.common.conflict_penalty) ** np.maximum(others, 0)
        integral = 1.0 + model.integral_gain(rows)
        via = self.via_regisseur[rows, orgs]
        p = self.success_rate[orgs] * (0.6 + 0.8 * hh.motivation[rows]) * np.where(via, integral, conflict)
        success = model.streams.keyed(Keyed.OUTCOME, rows, orgs, self.started[rows, orgs]) < np.minimum(p, 0.98)
        domains = self.domain[orgs]
        residual = np.where(success, self.common.success_residual, self.common.failure_residual)
        hh.severity[rows, domains] *= residual
        self.status[rows, orgs] = NONE
        self.via_regisseur[rows, orgs] = False
        model.tally.add_per_org("trajectories_completed", orgs)
        model.tally.add_per_org("trajectories_succeeded", orgs[success])
        return success

    def _admit(self, week: int, own_intake_factor: float, free: np.ndarray) -> None:
        """Fill free capacity (in cases) from the waiting lists: priority cases first, then longest waiting."""
        waiting = (self.status == WAITING) & (free > 0)[None, :]
        wrows, worgs = nonzero2d(waiting)
        if wrows.size == 0:
            return
        order = np.lexsort((self.since[wrows, worgs], ~self.priority[wrows, worgs], worgs))
        wrows, worgs = wrows[order], worgs[order]
        group_start = np.searchsorted(worgs, np.arange(len(self.keys)))
        rank = np.arange(worgs.size) - group_start[worgs]
        take = rank < free[worgs]
        rows, orgs = wrows[take], worgs[take]
        if rows.size == 0:
            return
        waited = week - self.since[rows, orgs]
        via = self.via_regisseur[rows, orgs]
        self.model.tally.add_per_org("org_wait_weeks", orgs, waited.astype(float))
        self.model.tally.add_per_org("org_admissions", orgs)
        intake_weeks = np.where(via, np.rint(self.intake_weeks[orgs] * own_intake_factor), self.intake_weeks[orgs])
        direct = intake_weeks <= 0
        self._start_trajectories(rows[direct], orgs[direct], week)
        rows, orgs = rows[~direct], orgs[~direct]
        self.status[rows, orgs] = INTAKE
        self.since[rows, orgs] = week
        self.until[rows, orgs] = week + intake_weeks[~direct].astype(np.int32)
        self.model.reached[rows] = True
        hours = np.full(rows.size, self.common.intake_hours)
        self.model.tally.add_per_org("intake_hours", orgs, hours)

    def _coordination(self) -> tuple[np.ndarray, np.ndarray]:
        """Per organisation: open cases, and the other organisations they coordinate with (a regisseur takes most of
        that over)."""
        return coordination(self.status, self.via_regisseur, INTAKE, 1.0 - self.model.coordination_saving)
