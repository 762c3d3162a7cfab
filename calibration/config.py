"""The calibration file: which parameters (dotted scenario paths, each with a prior), against which targets.

A target is a simulated quantity with an observed value and its uncertainty (``sd``) or weight:

* ``measure`` (any of :data:`sim.measures.LABELS`) of a ``method`` (or their paired ``difference``), the mean over
  replications; ``town_households`` says the observed value is for a town of that size, so a smaller fitting
  town is scaled up (counts per year scale with the number of households);
* ``dossier``: a dossier statistic (:data:`calibration.dossiers.statistics.NAMES`), observed in the user's dossier
  (``data:``) unless ``value`` is given, its ``sd`` from a bootstrap over the dossier's households unless given;
* ``published``: a key of the published-targets file, which supplies all of the above with its source.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from calibration.dossiers.disclosure import MIN_COUNT
from calibration.dossiers.schema import load_dossier
from calibration.dossiers.statistics import NAMES, bootstrap_sd, dossier_statistics, too_few_behind
from scenarios.distributions import parse_distribution
from scenarios.errors import UserError
from scenarios.scenario import Scenario, load_scenario, resolve_reference
from scenarios.validation import read_validated, read_yaml_mapping, validation_message
from sim.fingerprint import code_fingerprint
from sim.measures import LABELS


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # .inf/.nan: nonsense, silently


class Target(_Strict):
    name: str | None = None
    published: str | None = None
    measure: str | None = None
    method: Literal["verkokerd", "1g1p1r", "difference"] = "1g1p1r"
    dossier: str | None = None
    value: float | None = None
    sd: float | None = Field(default=None, gt=0.0)
    weight: float = Field(default=1.0, ge=0.0)
    town_households: int | None = Field(default=None, ge=1)
    source: str = ""

    @model_validator(mode="after")
    def _one_kind(self) -> Target:
        if self.published is None and (self.measure is None) == (self.dossier is None):
            raise ValueError("a target needs exactly one of 'measure', 'dossier' or 'published'")
        if self.measure is not None and self.measure not in LABELS:
            raise ValueError(f"unknown measure {self.measure!r}; allowed: {', '.join(LABELS)}")
        if self.dossier is not None and self.dossier not in NAMES:
            raise ValueError(f"unknown dossier statistic {self.dossier!r}; allowed: {', '.join(NAMES)}")
        return self

    @property
    def key(self) -> str:
        """The name under which the target's simulated and observed values travel."""
        if self.name:
            return self.name
        return f"dossier:{self.dossier}" if self.dossier else f"{self.method}:{self.measure}"


class DataFiles(_Strict):
    households: str
    events: str | None = None


class AbcSettings(_Strict):
    population_size: int = Field(default=50, ge=5, le=100_000)
    generations: int = Field(default=4, ge=1, le=100)
    min_epsilon: float = Field(default=0.0, ge=0.0)


class ScreenSettings(_Strict):
    """A Morris screen before the fit: ``trajectories`` elementary-effect paths over all ``parameters``; the
    ``keep`` with the largest effect on the targets (mu*, in units of each target's sd, summed) are fitted, the
    others stay at their point values."""

    trajectories: int = Field(default=4, ge=2, le=1000)
    keep: int = Field(default=5, ge=1, le=100)


class PointSettings(_Strict):
    lhs: int = Field(default=20, ge=1, le=100_000)
    polish: int = Field(default=40, ge=0, le=100_000)


class CalibrationFile(_Strict):
    name: str
    description: str = ""
    scenario: str = "example_municipality"
    fit_settings: dict[str, Any] = Field(default_factory=dict)
    replications: int = Field(default=2, ge=1, le=1000)
    seed: int = Field(default=1, ge=0)
    data: DataFiles | None = None
    published_targets: str | None = None
    evidence: str | None = None  # an evidence register (calibration/evidence.yaml): its fitted targets by key
    screen: ScreenSettings | None = None
    # without a parameter there is nothing to fit: a "calibrated" scenario would be the prior one, relabelled
    parameters: dict[str, dict[str, Any]] = Field(min_length=1)
    targets: list[Target] = Field(min_length=1)
    abc: AbcSettings = AbcSettings()
    point: PointSettings = PointSettings()


@dataclass
class Calibration:
    """A checked calibration: the scenario to fit on, priors, targets with values and sds, where it came from."""

    path: Path
    spec: CalibrationFile
    base_path: Path
    base: Scenario
    scenario: Scenario  # the base with the fit settings: what each evaluation runs
    priors: dict[str, Any]
    targets: list[Target]

    @property
    def observed(self) -> dict[str, float]:
        return {t.key: float(t.value) for t in self.targets}

    def restricted(self, names: list[str]) -> Calibration:
        """The same calibration fitting only ``names`` (the screen's choice); the others keep their point values."""
        spec = self.spec.model_copy(update={"parameters": {n: self.spec.parameters[n] for n in names}})
        return Calibration(self.path, spec, self.base_path, self.base, self.scenario,
                           {n: self.priors[n] for n in names}, self.targets)

    def fingerprint(self) -> str:
        """Identifies the problem a stored calibration state was made for (not the run settings: more generations
        continue a run), with the model's code and locked libraries; a changed problem must start afresh."""
        text = json.dumps({"spec": self.spec.model_dump(mode="json", exclude={"abc", "point", "description", "screen"}),
                           "observed": self.observed,
                           "sd": [t.sd for t in self.targets],
                           "code": code_fingerprint()}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _published(path: Path, spec: CalibrationFile) -> dict[str, dict[str, Any]]:
    if spec.evidence is not None:
        from calibration.evidence import load_evidence

        return load_evidence(path.parent / spec.evidence).as_published()
    if spec.published_targets is None:
        return {}
    file = path.parent / spec.published_targets
    raw = read_yaml_mapping(file, "published-targets file")
    targets = raw.get("targets")
    if not isinstance(targets, dict):
        raise UserError(f"{file}: needs a mapping 'targets' of name -> target")
    return targets


def _complete(target: Target, index: int, path: Path, published: dict[str, dict[str, Any]],
              small: dict[str, str], key_data: tuple[dict[str, float], dict[str, float]] | None) -> Target:
    where = f"{path}: targets.{index}"
    if target.published is not None:
        if target.published not in published:
            raise UserError(f"{where}.published = {target.published!r}: allowed: {', '.join(published) or '(none)'}")
        merged = {**published[target.published], **target.model_dump(exclude_unset=True, exclude={"published"})}
        merged.setdefault("name", target.published)
        try:
            target = Target.model_validate(merged)
        except ValidationError as err:
            raise UserError(validation_message(err, f"{where} ({target.published})", Target)) from None
    updates: dict[str, Any] = {}
    if target.dossier is not None:
        if key_data is None and (target.value is None or target.sd is None):
            raise UserError(f"{where}: dossier statistic {target.dossier!r} needs 'data:' (the dossier) or both "
                            "'value' and 'sd'")
        if target.value is None:
            if target.dossier in small:  # fit.csv and summary.json would publish a value of a few households
                raise UserError(f"{where}: dossier statistic {target.dossier!r}: {small[target.dossier]}; it could "
                                "single them out in fit.csv and summary.json (disclosure control): calibrate on "
                                f"statistics of at least {MIN_COUNT} households, or give 'value' and 'sd'")
            updates["value"] = key_data[0][target.dossier]
        if target.sd is None:
            updates["sd"] = key_data[1][target.dossier]
    target = target.model_copy(update=updates)
    if target.value is None or target.sd is None:
        raise UserError(f"{where} ({target.key}): needs 'value' and 'sd' (the uncertainty of the observed value)")
    if not target.sd > 0 or target.value != target.value:
        raise UserError(f"{where} ({target.key}): the dossier gives no usable value or spread for it "
                        f"(value {target.value}, sd {target.sd}); give 'value' and 'sd'")
    return target


def load_calibration(path: Path, key: bytes | None = None) -> Calibration:
    """Read and check a calibration file; dossier targets are observed in its ``data`` (read with ``key``)."""
    path = Path(path)
    spec = read_validated(path, "calibration file", CalibrationFile)
    base_path = resolve_reference(spec.scenario, path.parent)
    base = load_scenario(base_path)
    scenario = base.with_overrides({**spec.fit_settings, "seed": spec.seed, "replications": spec.replications},
                                   origin=f"{path}: fit_settings")
    priors = {name: parse_distribution(prior, f"{path}: parameters.{name}") for name, prior in spec.parameters.items()}
    for name, prior in priors.items():
        for value in prior.bounds:  # the whole prior must be a valid value of the parameter
            scenario.with_overrides({name: _typed(scenario, name, value)}, origin=f"{path}: parameters.{name}")
    dossier = key_data = None
    if spec.data is not None:
        events = path.parent / spec.data.events if spec.data.events else None
        dossier = load_dossier(path.parent / spec.data.households, events, key)
        key_data = (dossier_statistics(dossier), bootstrap_sd(dossier, seed=spec.seed))
    published = _published(path, spec)
    # dossier statistics taken from the data that would rest on 1-4 households (alone or beside another)
    small = {} if dossier is None else too_few_behind(dossier, [t.dossier for t in spec.targets
                                                                 if t.dossier is not None and t.value is None])
    targets = [_complete(t, i, path, published, small, key_data) for i, t in enumerate(spec.targets)]
    keys = [t.key for t in targets]
    if len(set(keys)) != len(keys):
        raise UserError(f"{path}: two targets share a name; give them distinct 'name's")
    return Calibration(path, spec, base_path, base, scenario, priors, targets)


def _typed(scenario: Scenario, dotted: str, value: float) -> float | int:
    """``value`` as the parameter's type: whole numbers for integer fields (capacities, weeks)."""
    node: Any = scenario.model_dump()
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return value
        node = node[part]
    return round(value) if isinstance(node, int) and not isinstance(node, bool) else float(value)


def as_overrides(scenario: Scenario, values: dict[str, float]) -> dict[str, float | int]:
    """Parameter values as scenario overrides of the right type."""
    return {name: _typed(scenario, name, value) for name, value in values.items()}
