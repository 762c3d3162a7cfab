"""One evaluation of the model at given parameter values: the simulated value of every target.

:class:`Simulation` is a plain picklable object in the installed package, so pyabc's Dask sampler can ship it to
worker processes. pyabc reseeds workers from OS entropy, so the simulation seed is never left to it: each
evaluation's seed is derived from the calibration seed and the parameter values (same values, same numbers, in any
process) and returned as the statistic ``seed``, which pyabc stores with the particle. The point-estimate mode
fixes the seed instead (common random numbers), so its objective is smooth in the parameters.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np

from calibration.config import Calibration, Target, as_overrides
from calibration.dossiers.statistics import dossier_statistics
from calibration.dossiers.synth import dossier_from, record
from scenarios.scenario import Scenario
from sim.run import run_scenario

SEED_KEY = "seed"


def evaluation_seed(base: int, params: dict[str, float]) -> int:
    """A seed determined by the calibration seed and the parameter values alone."""
    text = ";".join(f"{name}={float(params[name])!r}" for name in sorted(params))
    return int.from_bytes(hashlib.sha256(f"{base}|{text}".encode()).digest()[:4], "little") & 0x7FFFFFFF


@dataclass
class Simulation:
    """Simulated target values at given parameters; ``fixed_seed`` uses the calibration seed for every call."""

    scenario: Scenario
    targets: list[Target]
    seed: int
    fixed_seed: bool = False

    @classmethod
    def of(cls, calibration: Calibration, fixed_seed: bool = False) -> Simulation:
        return cls(calibration.scenario, calibration.targets, calibration.spec.seed, fixed_seed)

    def __call__(self, params: dict[str, float]) -> dict[str, float]:
        params = {name: float(value) for name, value in dict(params).items()}
        seed = self.seed if self.fixed_seed else evaluation_seed(self.seed, params)
        scenario = self.scenario.with_overrides({**as_overrides(self.scenario, params), "seed": seed},
                                                origin="calibration")
        out = {SEED_KEY: float(seed)}
        measures = [t for t in self.targets if t.measure is not None]
        if measures:
            methods = {t.method for t in measures}
            methods = ("verkokerd", "1g1p1r") if "difference" in methods else tuple(sorted(methods))
            # point values: the fit sets its parameters, and no shipped posterior may draw the others
            summary = run_scenario(scenario, methods=methods, point=True).summary()["mean"]
            for t in measures:
                scale = t.town_households / scenario.population.households if t.town_households else 1.0
                out[t.key] = float(summary.get((t.method, t.measure), np.nan)) * scale
        dossier_targets = [t for t in self.targets if t.dossier is not None]
        if dossier_targets:
            # one simulated dossier, like the one observed: its sampling noise is part of what ABC compares
            stats = dossier_statistics(dossier_from(record(scenario, "1g1p1r", 0)))
            out |= {t.key: stats[t.dossier] for t in dossier_targets}
        return out


@dataclass
class Distance:
    """Weighted Euclidean distance of simulated from observed values, each scaled by its target's sd."""

    targets: list[Target]

    def __call__(self, simulated: dict[str, float], observed: dict[str, float]) -> float:
        total = 0.0
        for t in self.targets:
            value = simulated[t.key]
            if value != value:  # a statistic the simulation could not produce (no households in a group)
                return math.inf
            total += t.weight * ((value - observed[t.key]) / t.sd) ** 2
        return math.sqrt(total)
