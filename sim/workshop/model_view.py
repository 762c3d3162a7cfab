"""The one adapter between the workshop and the model's internals: it steps :class:`sim.model.MPHModel` week by
week and reads its state into plain tables for the live agent view.

Everything the workshop reads from the model, its agents and their arrays is read here and nowhere else, so
that a change to the model's internals (it is being optimised) needs a change in this module only. It reads
public attributes only: the model's week, household arrays and flags, the regisseur team (phases, assignments,
members) and the care network (case status, organisation agents).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from agents.organisation import INTAKE, WAITING
from agents.regisseur import ACTIVE, AFTERCARE, DIAGNOSIS, QUEUED
from scenarios.domains import METHODS
from scenarios.scenario import Scenario
from sim.model import MPHModel

# Household states in the view, from least to most involved; each household shows the last one that applies.
STATES: tuple[str, ...] = ("not_reached", "no_help", "stabilised", "waiting", "organisations", "aftercare",
                           "regisseur", "homeless")


@dataclass(frozen=True)
class Snapshot:
    """One method's model at one week, as the view draws it."""

    week: int
    household_state: np.ndarray  # index into STATES, one per household
    regisseurs: pd.DataFrame  # per regisseur: experienced, load (weighted caseload), households, capacity
    organisations: pd.DataFrame  # per organisation: label, waiting, caseload, capacity


def _household_state(model: MPHModel) -> np.ndarray:
    status = model.care.status
    conditions = {
        "no_help": model.reached,
        "stabilised": model.stabilised,
        "waiting": (status == WAITING).any(axis=1),
        "organisations": (status >= INTAKE).any(axis=1),
        "homeless": model.homeless_until > model.week,
    }
    team = model.team
    if team is not None and team.members:  # without regisseurs nobody is waiting for one
        conditions["waiting"] = conditions["waiting"] | (team.phase == QUEUED)
        conditions["aftercare"] = team.phase == AFTERCARE
        conditions["regisseur"] = (team.phase == DIAGNOSIS) | (team.phase == ACTIVE)
    state = np.zeros(model.households.size, dtype=np.int8)
    for code, name in enumerate(STATES):
        if name in conditions:
            state[conditions[name]] = code
    return state


def _regisseurs(model: MPHModel) -> pd.DataFrame:
    team = model.team
    columns = ["experienced", "load", "households", "capacity"]
    if team is None or not team.members:
        return pd.DataFrame(columns=columns)
    assigned = np.flatnonzero(team.regisseur >= 0)
    size = len(team.members)
    load = np.bincount(team.regisseur[assigned], weights=team.caseload_weights(assigned), minlength=size)
    households = np.bincount(team.regisseur[assigned], minlength=size)
    return pd.DataFrame({"experienced": [m.experienced for m in team.members], "load": load,
                         "households": households, "capacity": [m.capacity for m in team.members]})


def _organisations(model: MPHModel) -> pd.DataFrame:
    return pd.DataFrame([{"label": o.label, "waiting": o.waiting_list, "caseload": o.caseload, "capacity": o.capacity}
                         for o in model.care.agents])


class LiveRun:
    """Replication ``replication`` of both methods, advanced together week by week (same households, same luck)."""

    def __init__(self, scenario: Scenario, replication: int = 0) -> None:
        self.weeks = scenario.weeks
        self.models = {method: MPHModel(scenario, method, replication) for method in METHODS}

    @property
    def week(self) -> int:
        return self.models[METHODS[0]].week

    @property
    def finished(self) -> bool:
        return self.week >= self.weeks

    def advance(self, weeks: int = 1) -> None:
        """Play ``weeks`` weeks forward (the model's yearly events included), not past the horizon."""
        weeks = min(weeks, self.weeks - self.week)
        if weeks > 0:
            for model in self.models.values():
                model.run_for(weeks)

    def snapshots(self) -> dict[str, Snapshot]:
        return {method: Snapshot(model.week, _household_state(model), _regisseurs(model), _organisations(model))
                for method, model in self.models.items()}
