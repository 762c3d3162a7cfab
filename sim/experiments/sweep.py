"""Sweep files: a grid, Latin hypercube, Morris or Sobol design over levers and uncertainties, run at scale.

A sweep file names a scenario, the levers to vary, the uncertainties to draw (the scenario's own, changed or
added to), the design and the replications per design point; ``mph sweep`` runs it with
:mod:`sim.experiments.batches` (on Dask, resumable) and writes one tidy table plus charts (:mod:`sim.reports.sweep`).
EMA Workbench's words: levers (L), uncertainties (X), outcomes (M).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

from scenarios.distributions import parse_distribution
from scenarios.errors import UserError
from scenarios.register import STAKEHOLDERS, Register
from scenarios.scenario import (
    REGISTER_PREFIX,
    Scenario,
    check_uncertain_path,
    check_uncertainty_ranges,
    load_scenario,
    resolve_reference,
)
from scenarios.validation import read_validated
from sim.experiments import design as designs
from sim.experiments.batches import BatchStore, Context, Point, definition_hash, execute, make_batches
from sim.measures import LABELS

OUTCOME_METHODS = ("difference", "1g1p1r", "verkokerd")


def known_measures() -> list[str]:
    """Measures of the tidy table: the model's measures and, prefixed ``mkba_``, the MKBA's results."""
    from sim.mkba.simulated import CASH, MEASURES

    mkba = [*MEASURES, *(f"balance_{s}{c}" for s in STAKEHOLDERS for c in ("", *(f"_{x}" for x in CASH)))]
    return [*LABELS, *(f"mkba_{m}" for m in mkba)]


def parse_outcome(outcome: str) -> tuple[str, str]:
    """``measure`` (the paired difference 1g1p1r minus verkokerd, where the MKBA lives) or ``method:measure``."""
    method, _, measure = outcome.rpartition(":")
    return method or "difference", measure


class SweepFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str = ""
    scenario: str | None = None  # a file relative to the sweep file, or a bundled name; default: the example
    design: Literal["grid", "latin_hypercube", "morris", "sobol"]
    samples: int = Field(default=0, ge=0, le=1_000_000)
    replications: int = Field(ge=1, le=100_000)
    seed: int = Field(default=1, ge=0)
    common_random_numbers: bool = True
    years: int | None = Field(default=None, ge=1, le=100)
    overrides: dict[str, Any] = Field(default_factory=dict)
    levers: dict[str, list[Any] | dict[str, Any]] = Field(default_factory=dict)
    uncertainties: dict[str, dict[str, Any] | None] = Field(default_factory=dict)
    outcomes: list[str] = Field(default_factory=lambda: ["mkba_balance"], min_length=1)
    morris_levels: int = Field(default=4, ge=2, le=20)
    discount_rate_pct: float | None = Field(default=None, ge=0.0, le=15.0)

    @field_validator("outcomes")
    @classmethod
    def _known_outcomes(cls, outcomes: list[str]) -> list[str]:
        measures = known_measures()
        for outcome in outcomes:
            method, measure = parse_outcome(outcome)
            if method not in OUTCOME_METHODS or measure not in measures:
                raise ValueError(f"unknown outcome {outcome!r}; allowed: a measure (e.g. mkba_balance, "
                                 f"eviction_per_year), optionally as method:measure with method one of "
                                 f"{', '.join(OUTCOME_METHODS)}")
        return outcomes

    @field_validator("levers")
    @classmethod
    def _levels_not_empty(cls, levers: dict[str, Any]) -> dict[str, Any]:
        for name, spec in levers.items():
            if not spec:
                raise ValueError(f"lever {name!r} has no values")
            if isinstance(spec, dict) and "dist" not in spec:
                for label, values in spec.items():
                    if values is not None and not isinstance(values, dict):
                        raise ValueError(f"lever {name!r}, option {label!r}: a mapping of parameter path -> value, "
                                         f"got {values!r}")
        return levers


@dataclass(frozen=True)
class Sweep:
    """A validated sweep: its design points, ready to run."""

    path: Path
    spec: SweepFile
    scenario: Scenario
    levers: list[designs.Factor]
    uncertainties: list[designs.Factor]
    points: list[Point]
    unit: np.ndarray  # the design on the unit cube (rows = points), for the sensitivity analysis

    @property
    def factors(self) -> list[designs.Factor]:
        return [*self.levers, *self.uncertainties]

    def context(self, register: Register, rate_pct: float) -> Context:
        return Context((self.scenario,), register, rate_pct)

    def batches(self, context: Context) -> list:
        return make_batches(context, self.points, self.spec.replications)

    def design_table(self) -> pd.DataFrame:
        rows = [{"point": p.index, "seed": p.seed, **p.labels} for p in self.points]
        return pd.DataFrame(rows)


def _uncertainty_factors(scenario: Scenario, spec: SweepFile, where: str) -> list[designs.Factor]:
    merged = dict(scenario.uncertainties)
    for dotted, dist in spec.uncertainties.items():
        if dist is None:
            merged.pop(dotted, None)
        else:
            merged[dotted] = parse_distribution(dist, f"{where}: uncertainties[{dotted!r}]")
    check_uncertainty_ranges(scenario, merged, f"{where}: uncertainties")
    return [designs.Factor(dotted, distribution=dist) for dotted, dist in merged.items()]


def _lever_factors(scenario: Scenario, spec: SweepFile, where: str) -> list[designs.Factor]:
    factors = []
    for name, lever in spec.levers.items():
        factor = designs.lever_factor(name, lever, lambda d, n=name: parse_distribution(d, f"{where}: levers.{n}"))
        if factor.distribution is not None:
            if spec.design == "grid":
                raise UserError(f"{where}: levers.{name}: a grid needs a list of values or named options, not a "
                                f"distribution (use design: latin_hypercube, morris or sobol to draw it)")
            check_uncertainty_ranges(scenario, {name: factor.distribution}, f"{where}: levers")
        for dotted in {p for level in factor.levels for p in level.values if p.startswith(REGISTER_PREFIX)}:
            check_uncertain_path(scenario, dotted, f"{where}: levers.{name}")
        factors.append(factor)
    return factors


def _unit_design(spec: SweepFile, levers: list, uncertainties: list, where: str) -> np.ndarray:
    names = [f.name for f in (*levers, *uncertainties)]
    if spec.design == "grid":
        combos = designs.grid(levers)
        draws = designs.latin_hypercube([f.name for f in uncertainties], max(spec.samples, 1), spec.seed)
        return np.array([[*c, *d] for c in combos for d in draws]).reshape(-1, len(names))
    if spec.samples < 1:
        raise UserError(f"{where}: samples: a {spec.design} design needs samples >= 1 (points for a Latin "
                        f"hypercube, trajectories for Morris, the base sample for Sobol)")
    if spec.design == "latin_hypercube":
        return designs.latin_hypercube(names, spec.samples, spec.seed)
    from sim.experiments.sensitivity import design

    return design(spec.design, names, spec.samples, spec.seed, spec.morris_levels)


def point_seed(seed: int, index: int, common: bool) -> int:
    """The scenario seed of design point ``index``: the sweep's seed for all points with common random numbers
    (differences between points then come from the levers and uncertainties, not from chance), otherwise one
    spawned from it by numpy's SeedSequence."""
    if common:
        return seed
    return int(np.random.SeedSequence([seed, index]).generate_state(1)[0])


def load_sweep(path: str | Path) -> Sweep:
    """Read and validate a sweep file and lay out its design points (each validated)."""
    path = Path(path)
    spec = read_validated(path, "sweep file", SweepFile)
    where = str(path)
    base = load_scenario(resolve_reference(spec.scenario, path.parent) if spec.scenario else None)
    fixed = dict(spec.overrides)
    if spec.years is not None:
        fixed["horizon_years"] = spec.years
    scenario = base.with_overrides(fixed, f"{where}: overrides") if fixed else base
    levers = _lever_factors(scenario, spec, where)
    uncertainties = _uncertainty_factors(scenario, spec, where)
    if spec.design == "grid" and spec.samples == 0:
        uncertainties = []  # a grid without samples keeps the uncertainties at their point values
    unit = _unit_design(spec, levers, uncertainties, where)
    points = []
    for index, (labels, values) in enumerate(designs.settings([*levers, *uncertainties], unit)):
        # every point is validated before anything runs: a bad lever value stops the sweep at once
        _, prices = scenario.with_values(values, f"{where}: design point {index} {labels}")
        for key, price in prices.items():
            if price < 0:
                raise UserError(f"{where}: design point {index}: register.{key} = {price:g}: prices must be >= 0")
        points.append(Point(index, 0, values, point_seed(spec.seed, index, spec.common_random_numbers), labels))
    return Sweep(path, spec, scenario, levers, uncertainties, points, unit)


def tidy_table(sweep: Sweep, measures: pd.DataFrame) -> pd.DataFrame:
    """One row per design point, replication, method and measure, with the point's lever and uncertainty values."""
    design = sweep.design_table().drop(columns="seed")
    table = design.merge(measures, on="point", how="right", validate="one_to_many")
    factors = [c for c in design.columns if c != "point"]
    return table[["point", *factors, "replication", "method", "measure", "value"]]


def results_folder(out: Path, context: Context, batches: list) -> Path:
    """Where finished batches are kept: named by the hash of the sweep's definition, so a rerun of the same
    sweep finds them and a changed sweep (or changed code) starts afresh."""
    return Path(out) / ".runs" / definition_hash(context, batches)


def run_sweep(sweep: Sweep, out: Path, register: Register, rate_pct: float, client: Any = None,
              progress: bool = True) -> pd.DataFrame:
    """Run (or resume) the sweep, keeping finished batches under ``out/.runs/``; the tidy table."""
    context = sweep.context(register, rate_pct)
    batches = sweep.batches(context)
    store = BatchStore(results_folder(out, context, batches))
    tables = execute(context, batches, client, store, progress, desc=f"sweep {sweep.spec.name}")
    return tidy_table(sweep, tables["measures"])


__all__ = ["Sweep", "SweepFile", "known_measures", "load_sweep", "parse_outcome", "point_seed", "results_folder",
           "run_sweep", "tidy_table"]
