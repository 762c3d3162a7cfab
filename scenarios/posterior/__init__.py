"""The shipped posterior: calibrated parameter draws (particles, with weights and seeds) that runs draw from.

``default.csv`` holds the particles of the last ABC-SMC generation (one column per parameter, ``weight`` and the
evaluation ``seed``); ``default.yaml`` beside it says what they rest on: the calibration file, the evidence register
(its version), the model they were fitted on (the hash of what it computes on the fit's town:
:mod:`calibration.model_identity`), the fit's settings and cost. Both are written by
``mph calibrate calibration/default.yaml --ship``.

Posterior predictive: replication ``r`` of a run with seed ``s`` uses particle ``k(r)``, drawn by weight from a
generator keyed by ``(s, r)``: the same seed gives the same particles, both methods of a replication (and every
scenario of a comparison) share the particle, so common random numbers still hold. A parameter a scenario sets
itself (its source is no longer that of the bundled defaults: a scenario file, an uncertainty's draw, a sweep's
lever, ``--point``) keeps its own value: the posterior only replaces the defaults' assumptions.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

import scenarios
from scenarios.errors import UserError

FOLDER = Path(__file__).resolve().parent
DEFAULT = "default"
REPO = FOLDER.parent.parent
POINT_ORIGIN = "--point (point values, no posterior draw)"
_DRAW_TAG = 0x9057  # keeps the particle draws apart from every other stream keyed by (seed, replication)


@dataclass(frozen=True)
class Posterior:
    """Particles (parameter values, normalised weights, evaluation seeds) and what they rest on."""

    name: str
    particles: pd.DataFrame
    about: dict[str, Any]

    @property
    def parameters(self) -> list[str]:
        return list(self.about["parameters"])

    @property
    def fitted_on(self) -> str:
        return str(self.about.get("model_hash", "?"))

    def particle(self, seed: int, replication: int) -> int:
        """The particle replication ``replication`` of a run with ``seed`` uses."""
        rng = np.random.default_rng([int(seed), int(replication), _DRAW_TAG])
        return int(rng.choice(len(self.particles), p=self.particles["weight"].to_numpy()))

    def values(self, index: int) -> dict[str, float]:
        return dict(zip(self.parameters, self._table[index].tolist(), strict=True))

    @functools.cached_property
    def _table(self) -> np.ndarray:
        """The parameters' values, one row per particle: read a row at a time, once per replication."""
        return self.particles[self.parameters].to_numpy(dtype=float)


def _read(name: str) -> Posterior | None:
    header, table = FOLDER / f"{name}.yaml", FOLDER / f"{name}.csv"
    if not (header.is_file() and table.is_file()):
        return None
    about = yaml.safe_load(header.read_text(encoding="utf-8"))
    particles = pd.read_csv(table)
    missing = [p for p in [*about.get("parameters", {}), "weight"] if p not in particles.columns]
    if missing or particles.empty:
        raise UserError(f"{table}: the shipped posterior lacks columns {missing} or particles; rerun "
                        "`mph calibrate calibration/default.yaml --ship`")
    weights = particles["weight"].to_numpy(dtype=float)
    particles = particles.assign(weight=weights / weights.sum())
    return Posterior(name, particles, about)


@functools.cache
def load_posterior(name: str = DEFAULT) -> Posterior | None:
    """The shipped posterior ``name`` (None where none ships)."""
    return _read(name)


@functools.cache
def _default_sources() -> dict[str, str]:
    from scenarios.scenario import load_scenario  # the scenario module does not import this one

    return dict(load_scenario(scenarios.bundled("defaults.yaml")).sources)


def drawn_parameters(scenario: Any, posterior: Posterior | None = None) -> list[str]:
    """The posterior's parameters that ``scenario`` leaves at the defaults' assumptions (and so draws)."""
    posterior = posterior if posterior is not None else load_posterior()
    if posterior is None:
        return []
    defaults = _default_sources()
    return [p for p in posterior.parameters if scenario.sources.get(p) == defaults.get(p)]


def with_particle(scenario: Any, replication: int, posterior: Posterior | None = None) -> tuple[Any, int | None]:
    """``scenario`` with replication ``replication``'s particle set (and the particle's index), or unchanged
    (index None) where no posterior ships or the scenario sets every posterior parameter itself."""
    posterior = posterior if posterior is not None else load_posterior()
    names = drawn_parameters(scenario, posterior)
    if not names:
        return scenario, None
    index = posterior.particle(scenario.seed, replication)
    values = posterior.values(index)
    drawn, _ = scenario.with_values({n: values[n] for n in names}, f"posterior {posterior.name}, particle {index}")
    # the draw must not read as the user's own setting: a second draw (another replication) replaces it again
    defaults = _default_sources()
    return drawn.model_copy(update={"sources": {**drawn.sources, **{n: defaults[n] for n in names}}}), index


def pinned(scenario: Any, posterior: Posterior | None = None) -> Any:
    """``scenario`` with the posterior's parameters held at their point values (``--point``)."""
    posterior = posterior if posterior is not None else load_posterior()
    names = drawn_parameters(scenario, posterior)
    if not names:
        return scenario
    return scenario.with_overrides({n: scenario.value_at(n) for n in names}, POINT_ORIGIN)


__all__ = ["DEFAULT", "POINT_ORIGIN", "Posterior", "drawn_parameters", "load_posterior", "pinned", "with_particle"]
