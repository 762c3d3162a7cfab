"""Counts of one simulated year: events, trajectories, hours, waiting, reach. Money comes later (costing).

The counts live in two arrays, so the compiled weekly step adds to them directly: ``totals[Total.eviction]`` and
``per_org[PerOrg.referrals, organisation]``.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from scenarios.domains import CASE_TYPES, ESCALATIONS

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
    "not_taken_in",  # issue 14b: found households the regisseur queue did not take (it would wait too long)
    "approach_closed",
    "aftercare_readmissions",
    "waiting_lists_broken",
    "ladder_escalations",
    "ladder_breakthroughs",
    "stabilisations",
    "relapses",
    "professional_household_weeks",
    "helped_household_weeks",
    "regisseur_fte_weeks",
    "approach_weeks",
    "cases_closed",
    "closed_relapsed_12m",
    "cases_closed_in_approach",  # of the cases closed, those of households taken into the approach
    "closed_relapsed_12m_in_approach",
    # own strength a year after the first intake (sim.measures own_strength_effect): households followed, the sum
    # of their gain since intake, and of their strength at intake and its square (the comparison group's spread)
    "strength_followed",
    "strength_gain",
    "strength_at_intake",
    "strength_at_intake_sq",
    "entered",
    "left_recovered",
    "left_departed",
    "left_children_grown",
    # professionals in the home (issue 14): per case type and for households in the approach, the sum over
    # households of the distinct professionals who worked in the home in the year, and the households with any
    *(f"professionals_{group}" for group in (*CASE_TYPES, "in_approach")),
    *(f"households_with_professionals_{group}" for group in (*CASE_TYPES, "in_approach")),
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
    # why waits are what they are (issue 14, policy theory B): where referrals came from, who jumped the queue, the
    # places (capacity) a week and what one plan freed of them, summed over the year's weeks
    "referrals_via_regisseur",
    "priority_admissions",
    "priority_wait_weeks",
    "place_weeks",
    "freed_place_weeks",
    "waiting_list_weeks",
)
Total = IntEnum("Total", {name: i for i, name in enumerate(TOTALS)})
PerOrg = IntEnum("PerOrg", {name: i for i, name in enumerate(PER_ORGANISATION)})


def columns(organisations: list[str]) -> list[str]:
    """All columns of a year's row, per-organisation ones as ``name.organisation``."""
    per_org = [f"{name}.{org}" for name in PER_ORGANISATION for org in organisations]
    return [*TOTALS, *PER_ORGANISATION, *per_org]


class YearTally:
    """Accumulates the year's counts; :meth:`close_year` returns them as one flat row and starts afresh."""

    def __init__(self, organisations: list[str]) -> None:
        self.organisations = organisations
        self.totals = np.zeros(len(TOTALS))
        self.per_org = np.zeros((len(PER_ORGANISATION), len(organisations)))
        # the row's per-organisation column names, made once rather than at each of a replication's twenty rows
        self._per_org_columns = [[f"{name}.{org}" for org in organisations] for name in PER_ORGANISATION]

    def close_year(self) -> dict[str, float]:
        row = dict(zip(TOTALS, self.totals.tolist(), strict=True))
        for name, names, per_org in zip(PER_ORGANISATION, self._per_org_columns, self.per_org.tolist(), strict=True):
            row[name] = float(sum(per_org))
            row.update(zip(names, per_org, strict=True))
        self.totals[:] = 0.0  # in place: the compiled step holds these arrays
        self.per_org[:] = 0.0
        return row
