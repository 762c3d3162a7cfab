"""Which model a posterior was fitted on: known by the numbers the model computes, not by its source text.

A posterior's particles mean what the model makes of them on the town it was fitted on. A change that leaves every
number there the same (a faster loop, a comment, a moved file) leaves the fit valid; a changed relation or default
moves some count. So the model's identity is a hash of what it computes on the fit's own town (the posterior's
scenario and fit settings, point values, both methods, :data:`PROBE_REPLICATIONS` replications of seed
:data:`PROBE_SEED`): every yearly count and weekly figure, amounts to ten significant digits (another CPU may round
a sum's last bit differently; counts are exact).
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

import scenarios
from scenarios.posterior import Posterior, pinned
from scenarios.scenario import Scenario, load_scenario, resolve_reference
from sim.run import run_scenario

PROBE_SEED = 1
PROBE_REPLICATIONS = 2


def numbers_of(town: Scenario) -> str:
    """Hash (12 hex digits) of what the model computes on ``town``, its calibrated parameters at point values."""
    results = run_scenario(pinned(town), seed=PROBE_SEED, replications=PROBE_REPLICATIONS)
    digest = hashlib.sha256()
    for table in (results.yearly, results.weekly):
        digest.update(table.to_csv(index=False, float_format="%.10g").encode())
    return digest.hexdigest()[:12]


def town_of(about: dict[str, Any]) -> Scenario:
    """The town a posterior was fitted on: its scenario file with its fit settings."""
    base = load_scenario(resolve_reference(about.get("scenario_file", "example_municipality"), scenarios.ROOT))
    return base.with_overrides(dict(about.get("fit_settings") or {}), origin="the fit's settings")


def model_numbers(posterior: Posterior) -> str:
    """The identity of the model as it is now, on ``posterior``'s fit town: equal to ``posterior.fitted_on`` when
    the model computes there what it computed when the posterior was fitted."""
    about = posterior.about
    return _numbers(about.get("scenario_file", "example_municipality"),
                    tuple(sorted((about.get("fit_settings") or {}).items())))


@functools.cache
def _numbers(scenario_file: str, settings: tuple[tuple[str, Any], ...]) -> str:
    return numbers_of(town_of({"scenario_file": scenario_file, "fit_settings": dict(settings)}))


def is_current(posterior: Posterior) -> bool:
    """Whether ``posterior`` was fitted on the model as it is now."""
    return posterior.fitted_on == model_numbers(posterior)


__all__ = ["PROBE_REPLICATIONS", "PROBE_SEED", "is_current", "model_numbers", "numbers_of", "town_of"]
