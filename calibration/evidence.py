"""The evidence register (``calibration/evidence.yaml``): targets with their uncertainty and source, and the policy
theory's checks, validated with errors that name the entry, the field and what is allowed.

A ``target`` entry is fitted and validated, a ``check`` only validated, a ``context`` entry recorded with the
reason it is not compared. A target must have been verified against its source; an unverified figure may only be
a check or context (``../shared/domain/evidence.md``: do not use it as a hard target).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from scenarios.errors import UserError
from scenarios.validation import read_yaml_mapping, validation_message
from sim.measures import LABELS

REGISTER = Path(__file__).resolve().parent / "evidence.yaml"
# Measures a check or target may name besides sim.measures.LABELS: sums computed by calibration.validate
DERIVED = {"escalations_per_year": "all escalations per year",
           "organisation_hours_per_year": "intake and coordination hours of the organisations per year"}
CHECK_KINDS = ("mandate_share", "trainee_share", "sign", "aftercare_relapse")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class EvidenceTarget(_Strict):
    value: float | None = None
    sd: float | None = Field(default=None, gt=0.0)
    interval: tuple[float, float] | None = None
    unit: str = Field(min_length=1)
    population: str = Field(min_length=1)
    measure: str | None = None
    method: Literal["verkokerd", "1g1p1r", "difference", "relative"] | None = None
    town_households: int | None = Field(default=None, ge=1)
    source: str = Field(min_length=1)
    verified: bool
    verification: str = Field(min_length=1)
    use: Literal["target", "check", "context"]
    why_not_compared: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> EvidenceTarget:
        if self.interval is not None and not self.interval[0] < self.interval[1]:
            raise ValueError(f"interval {list(self.interval)}: needs [low, high] with low < high")
        if self.value is None and self.interval is None:
            raise ValueError("needs 'value' (with 'sd') or 'interval' [low, high]")
        if self.use == "context":
            if not self.why_not_compared:
                raise ValueError("a context entry needs 'why_not_compared': why the model is not confronted with it")
            return self
        if self.measure is None or self.method is None:
            raise ValueError(f"use '{self.use}' needs 'measure' and 'method' (the model output it corresponds to)")
        if self.measure not in LABELS and self.measure not in DERIVED:
            raise ValueError(f"unknown measure {self.measure!r}; allowed: {', '.join([*LABELS, *DERIVED])}")
        if self.interval is None and self.sd is None:
            raise ValueError("a compared figure needs its uncertainty: 'sd' or 'interval' [low, high]")
        if self.use == "target":
            if not self.verified:
                raise ValueError("use 'target' needs verified: true; an unverified figure may be a 'check' only")
            if self.method == "relative" or self.measure in DERIVED:
                raise ValueError("a fitted target needs a measure of sim/measures.py and a method verkokerd, 1g1p1r "
                                 "or difference")
        return self

    @property
    def centre(self) -> float:
        return float(self.value if self.value is not None else sum(self.interval) / 2)  # type: ignore[arg-type]

    @property
    def spread(self) -> float:
        """The sd: given, or a quarter of the interval (a 95% band)."""
        return float(self.sd if self.sd is not None else (self.interval[1] - self.interval[0]) / 4)  # type: ignore[index]

    @property
    def band(self) -> tuple[float, float]:
        """Where the model should land: the interval, or value +- 2 sd."""
        if self.interval is not None:
            return float(self.interval[0]), float(self.interval[1])
        return self.centre - 2 * self.spread, self.centre + 2 * self.spread


class Check(_Strict):
    kind: Literal["mandate_share", "trainee_share", "sign", "aftercare_relapse"]
    claim: str = Field(min_length=1)
    source: str = Field(min_length=1)
    max_share: float | None = Field(default=None, gt=0.0, le=1.0)
    measure: str | None = None
    direction: Literal["lower", "higher"] | None = None
    # aftercare_relapse: where the relative change in the measure (with aftercare / without - 1) should land
    band: tuple[float, float] | None = None
    # years of the approach the check is measured over, where the fit town's few years would measure a start-up
    # (default: the fit town's horizon)
    years: int | None = Field(default=None, ge=1, le=50)

    @model_validator(mode="after")
    def _complete(self) -> Check:
        if self.kind == "aftercare_relapse" and (self.measure is None or self.band is None):
            raise ValueError("kind 'aftercare_relapse' needs 'measure' (a relapse share) and 'band' [low, high]")
        if self.kind == "aftercare_relapse" and self.measure not in LABELS:
            raise ValueError(f"unknown measure {self.measure!r}; allowed: {', '.join(LABELS)}")
        if self.kind in ("mandate_share", "trainee_share") and self.max_share is None:
            raise ValueError(f"kind {self.kind!r} needs 'max_share' (0-1)")
        if self.kind == "sign":
            if self.measure is None or self.direction is None:
                raise ValueError("kind 'sign' needs 'measure' and 'direction' (lower or higher)")
            if self.measure not in LABELS and self.measure not in DERIVED:
                raise ValueError(f"unknown measure {self.measure!r}; allowed: {', '.join([*LABELS, *DERIVED])}")
        return self


class EvidenceFile(_Strict):
    version: int = Field(ge=1)
    checked: str = Field(min_length=1)
    targets: dict[str, EvidenceTarget] = Field(min_length=1)
    checks: dict[str, Check] = Field(default_factory=dict)


@dataclass(frozen=True)
class Evidence:
    path: Path
    spec: EvidenceFile
    hash: str

    @property
    def version(self) -> str:
        return f"v{self.spec.version} ({self.hash})"

    def compared(self) -> dict[str, EvidenceTarget]:
        return {k: t for k, t in self.spec.targets.items() if t.use != "context"}

    def fitted(self) -> dict[str, EvidenceTarget]:
        return {k: t for k, t in self.spec.targets.items() if t.use == "target"}

    def as_published(self) -> dict[str, dict[str, Any]]:
        """The fitted targets in the calibration file's vocabulary (``- published: <key>``)."""
        return {key: {"measure": t.measure, "method": t.method, "value": t.centre, "sd": t.spread,
                      "town_households": t.town_households, "source": t.source}
                for key, t in self.fitted().items()}


def load_evidence(path: Path | None = None) -> Evidence:
    """Read and check an evidence register (default: the bundled one)."""
    path = Path(path) if path is not None else REGISTER
    raw = read_yaml_mapping(path, "evidence register")
    try:
        spec = EvidenceFile.model_validate(raw)
    except ValidationError as err:
        raise UserError(validation_message(err, str(path), EvidenceFile)) from None
    return Evidence(path, spec, hashlib.sha256(path.read_bytes()).hexdigest()[:12])


__all__ = ["CHECK_KINDS", "DERIVED", "REGISTER", "Check", "Evidence", "EvidenceTarget", "load_evidence"]
