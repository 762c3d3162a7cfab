"""Experimental designs over levers and uncertainties (the X and L of XLRM, in EMA Workbench's words).

A :class:`Factor` maps a unit-interval coordinate to a setting: a distribution (an uncertainty, or a lever
varied over a range) through its quantile function, or a list of levels (``levers.fte: [8, 12, 20]``, or named
options such as a full and a partial mandate) by equal slices of the interval. Designs are drawn on the unit cube
(grid, Latin hypercube here; Morris and Sobol in :mod:`sim.experiments.sensitivity`) and turned into settings by the
factors, so every design treats every kind of factor the same way.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from scenarios.distributions import Distribution

# Designs cover each distribution between these quantiles: a normal or log-normal has no finite ends, and a
# Morris or Sobol design puts points on the edges of the unit cube.
QUANTILE_RANGE = (0.001, 0.999)


@dataclass(frozen=True)
class Level:
    """One setting of a lever with levels: its value in the results table and the parameters it sets."""

    label: Any
    values: dict[str, Any]


@dataclass(frozen=True)
class Factor:
    """A lever or uncertainty: ``distribution`` or ``levels`` (exactly one)."""

    name: str
    distribution: Distribution | None = None
    levels: tuple[Level, ...] = field(default=())

    def at(self, u: float) -> Level:
        """The setting at unit coordinate ``u``."""
        if self.distribution is not None:
            value = float(self.distribution.ppf(float(np.clip(u, *QUANTILE_RANGE))))
            return Level(value, {self.name: value})
        return self.levels[min(int(u * len(self.levels)), len(self.levels) - 1)]


def lever_factor(name: str, spec: Any, parse: Any) -> Factor:
    """A sweep file's lever: a list of values for the path ``name``, a mapping of named options (each a mapping
    of parameter paths to values), or a distribution (``parse`` validates it)."""
    if isinstance(spec, list):
        return Factor(name, levels=tuple(Level(v, {name: v}) for v in spec))
    if isinstance(spec, dict) and "dist" in spec:
        return Factor(name, distribution=parse(spec))
    return Factor(name, levels=tuple(Level(label, dict(values or {})) for label, values in spec.items()))


def stream(seed: int, name: str) -> np.random.Generator:
    """A generator for one named factor: its draws do not change when other factors are added or removed."""
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little")
    return np.random.default_rng(np.random.SeedSequence([seed, key]))


def latin_hypercube(names: list[str], n: int, seed: int) -> np.ndarray:
    """``n`` x ``len(names)`` Latin hypercube on the unit cube: each column hits each of ``n`` equal strata once,
    in an order and at a place within the stratum drawn from the column's own stream."""
    columns = []
    for name in names:
        rng = stream(seed, name)
        columns.append((rng.permutation(n) + rng.random(n)) / n)
    return np.column_stack(columns) if columns else np.empty((n, 0))


def grid(factors: list[Factor]) -> np.ndarray:
    """Every combination of the factors' levels, as unit coordinates at the middle of each level's slice."""
    axes = [(np.arange(len(f.levels)) + 0.5) / len(f.levels) for f in factors]
    return np.array(list(itertools.product(*axes)), dtype=float).reshape(-1, len(factors))


def settings(factors: list[Factor], unit: np.ndarray) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Per design row: (the factors' values for the results table, the parameter values to set)."""
    rows = []
    for coordinates in unit:
        labels, values = {}, {}
        for factor, u in zip(factors, coordinates, strict=True):
            level = factor.at(u)
            labels[factor.name] = level.label
            values.update(level.values)
        rows.append((labels, values))
    return rows


__all__ = ["QUANTILE_RANGE", "Factor", "Level", "grid", "latin_hypercube", "lever_factor", "settings", "stream"]
