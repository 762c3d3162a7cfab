"""Counts of one simulated year: events, trajectories, hours, waiting, reach. Money comes later (costing)."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from sim.domains import ESCALATIONS

# Everything a simulated year reports, so every year's row has the same columns.
TOTALS: tuple[str, ...] = (
    *ESCALATIONS,
    "eviction_threats",
    "eviction_threats_in_approach",
    "shelter_household_weeks",
    "placement_child_weeks",
    "regisseur_wait_weeks",
    "regisseur_intakes",
    "in_approach_new",
    "approach_closed",
    "aftercare_readmissions",
    "waiting_lists_broken",
    "ladder_escalations",
    "stabilisations",
    "relapses",
    "professional_household_weeks",
    "helped_household_weeks",
    "regisseur_fte_weeks",
    "approach_weeks",
)
PER_ORGANISATION: tuple[str, ...] = (
    "referrals",
    "org_wait_weeks",
    "org_admissions",
    "trajectories_started",
    "trajectories_completed",
    "trajectories_succeeded",
    "intake_hours",
    "coordination_hours",
)


def columns(organisations: list[str]) -> list[str]:
    """All columns of a year's row, per-organisation ones as ``name.organisation``."""
    per_org = [f"{name}.{org}" for name in PER_ORGANISATION for org in organisations]
    return [*TOTALS, *PER_ORGANISATION, *per_org]


class YearTally:
    """Accumulates the year's counts; :meth:`close_year` returns them as one flat row and starts afresh."""

    def __init__(self, organisations: list[str]) -> None:
        self.organisations = organisations
        self._totals: defaultdict[str, float] = defaultdict(float)
        self._per_org: defaultdict[str, np.ndarray] = defaultdict(lambda: np.zeros(len(organisations)))

    def add(self, name: str, value: float) -> None:
        self._totals[name] += value

    def add_per_org(self, name: str, orgs: np.ndarray, values: np.ndarray | None = None) -> None:
        self._per_org[name] += np.bincount(orgs, weights=values, minlength=len(self.organisations))

    def close_year(self) -> dict[str, float]:
        row = {name: self._totals.get(name, 0.0) for name in TOTALS}
        for name in PER_ORGANISATION:
            per_org = self._per_org.get(name, np.zeros(len(self.organisations)))
            row[name] = float(per_org.sum())
            row.update({f"{name}.{org}": float(v) for org, v in zip(self.organisations, per_org, strict=True)})
        unknown = set(self._totals) - set(TOTALS) | set(self._per_org) - set(PER_ORGANISATION)
        if unknown:
            raise KeyError(f"measures not declared in sim.tally: {sorted(unknown)}")
        self._totals.clear()
        self._per_org.clear()
        return row
