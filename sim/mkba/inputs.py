"""The cockpit inputs file: the published inputs of a municipality, the assumptions the published cockpit
needs but does not print, and (optionally) the published cockpit to compare against.

See ``scenarios/mkba/cockpit_example.yaml``: users copy it and edit the numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

import scenarios
from scenarios.validation import read_validated

EXAMPLE = scenarios.bundled("mkba/cockpit_example.yaml")


def pct(**kw: Any) -> Any:
    """A share in percent, 0-100."""
    return Field(ge=0.0, le=100.0, **kw)


def pct_change(**kw: Any) -> Any:
    """A change in percentage points or percent, -100..100."""
    return Field(ge=-100.0, le=100.0, **kw)


# A count (households, trajectories) or an amount in euro beyond any municipality's: 1e308 would price the MKBA at
# inf/nan and print it as a result
MAX_COUNT = 1e9


def count(**kw: Any) -> Any:
    return Field(ge=0.0, le=MAX_COUNT, allow_inf_nan=False, description="a plausible maximum: a billion is more "
                 "than every household, trajectory or euro per person the cockpit counts", **kw)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)  # .inf/.nan would run to a nonsense MKBA


class Effect(_Strict):
    """A success rate now and the change under 1g1p1r, both in percent (points)."""

    current_pct: float = pct()
    diff_pct: float = pct_change()

    @model_validator(mode="after")
    def _stays_a_share(self) -> Effect:
        new = self.current_pct + self.diff_pct
        if not 0.0 <= new <= 100.0:
            raise ValueError(f"current_pct + diff_pct = {new}%; the new rate must stay within 0-100%")
        return self


class Effectiveness(_Strict):
    eviction_prevention: Effect
    debt_relief: Effect
    education_and_work: Effect
    school_dropout: Effect
    intensive_care_reduction: Effect


class Inputs(_Strict):
    """The cockpit's input sheet (keys of ``lpbl_cockpit.yaml``) plus the figures of its explanatory text."""

    mph_current: float = count()
    mph_reduction_pct: float = pct()
    mph_found_base: float = count()
    mph_found_extra_pct: float = pct()
    mph_in_approach: float = count()
    mda_share_pct: float = pct()
    work_trajectories_current: float = count()
    work_trajectories_diff_pct: float = pct_change()
    care_trajectories_current: float = count()
    care_trajectories_diff_pct: float = pct_change()
    effectiveness: Effectiveness
    recidive_current_pct: float | None = pct(default=None)
    recidive_diff_pct: float = pct_change()
    nuisance_reduction_counted: bool
    quality_of_life_in_qaly: bool
    voly_eur: float = count()
    share_using_shelter_pct: float = pct()
    shelter_years_mean: float = Field(ge=0.0, le=50.0)
    extra_staff_fte: float = count()
    coordinator_fte_removed: float = count()
    plan_phase_minutes_saved_per_case: float = Field(ge=0.0, le=480.0)
    coordination_minutes_saved_per_case: float = Field(ge=0.0, le=480.0)


class Assumptions(_Strict):
    """Base numbers the published cockpit uses but does not print; each is implied by a printed line."""

    eviction_threats_base: float = count()
    intensive_care_trajectories_base: float = count()
    debt_relief_households_base: float = count()
    pupils_base: float = count()
    case_reviews_per_household: float = count()
    nuisance_households_fewer: float = count()
    out_of_home_placement_years_prevented: float = count()


class Published(_Strict):
    """The published cockpit (same keys as the output) and notes on it, for the comparison columns."""

    source: str
    quantities: dict[str, Any]
    costs_keur_ncw: dict[str, float]
    benefits_keur_ncw: dict[str, float]
    result: dict[str, float]
    notes: list[str] = Field(default_factory=list)


class CockpitInputs(_Strict):
    source: str
    price_year: int = Field(ge=1990, le=2100)
    inputs: Inputs
    assumptions: Assumptions
    published: Published | None = None


def load_inputs(path: str | Path | None = None) -> CockpitInputs:
    """Load and validate a cockpit inputs file; without a path, the published example municipality."""
    path = Path(path) if path is not None else EXAMPLE
    return read_validated(path, "cockpit inputs file", CockpitInputs)
