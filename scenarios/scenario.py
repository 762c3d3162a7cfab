"""Scenario files: levers, population and uncertain parameters, validated.

A scenario file is YAML. It may ``extends:`` another file (a path relative to it, or a bundled name such
as ``defaults``) and override a few values. A value is either plain (``fte: 20``) or documented
(``fte: {value: 20, source: "..."}``); the bundled defaults document every value this way, and
:attr:`Scenario.sources` keeps where each value came from.

``uncertainties:`` maps a dotted parameter path (``regisseur_effects.eviction_prevention_gain``) or a register
price (``register.cost.shelter_year``) to a distribution (:mod:`scenarios.distributions`). A plain run uses the point
values; sweeps and ``mph compare --uncertain`` draw from the distributions.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

import scenarios
from scenarios.distributions import Distribution, parse_distribution
from scenarios.domains import CASE_TYPES, DOMAINS, ESCALATIONS
from scenarios.errors import UserError
from scenarios.validation import read_yaml_mapping, validation_message


class _Strict(BaseModel):
    # every number finite: .inf or .nan in a scenario would run to nonsense (or never end) without a word
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


# The largest plain quantity (hours, weeks, means, weights) the model takes: none is plausibly above a million,
# and far larger ones overflow its arithmetic to inf/nan. Fields with a tighter plausible maximum say so.
MAX_QUANTITY = 1_000_000.0
QUANTITY_WHY = "no quantity in the model is plausibly above a million; larger ones overflow its arithmetic"
# One regisseur (and each household) is an agent held in memory: a typing error must not build millions of them
MAX_FTE = 5_000.0
MAX_REGISSEURS = 20_000


def share(**kw: Any) -> Any:
    return Field(ge=0.0, le=1.0, **kw)


def positive(**kw: Any) -> Any:
    return Field(gt=0.0, le=MAX_QUANTITY, description=QUANTITY_WHY, **kw)


def non_negative(**kw: Any) -> Any:
    return Field(ge=0.0, le=MAX_QUANTITY, description=QUANTITY_WHY, **kw)


class PerCaseType(_Strict):
    light: float = non_negative()
    heavy: float = non_negative()
    mda: float = non_negative()

    def as_tuple(self) -> tuple[float, float, float]:
        return (self.light, self.heavy, self.mda)


class SharePerCaseType(PerCaseType):
    light: float = share()
    heavy: float = share()
    mda: float = share()


class Mandate(_Strict):
    own_diagnosis_plan: bool
    free_time: bool
    free_budget: bool
    decides_aftercare: bool
    break_waiting_lists: bool
    administrative_backing: bool


class Levers(_Strict):
    fte: float = Field(ge=0.0, le=MAX_FTE, description="a plausible maximum: a regisseur team of the largest "
                       "Dutch municipality is a few hundred fte, and each regisseur is an agent held in memory")
    fte_per_regisseur: float = Field(gt=0.0, le=1.0)
    caseload_norm: float = Field(gt=0.0, le=1_000.0, description="a plausible maximum: households per fte; "
                                 "real caseloads are 10-40")
    competence_experienced_share: float = share()
    training_weeks: int = Field(ge=0, le=520)
    mandate: Mandate
    aftercare_months: float = Field(ge=0.0, le=120.0)
    informal_network: bool
    finding_reach: float = Field(ge=0.0, le=10.0)
    max_parallel_trajectories: int = Field(ge=1, le=len(DOMAINS))

    @model_validator(mode="after")
    def _regisseurs_fit_in_memory(self) -> Levers:
        count = self.fte / self.fte_per_regisseur
        if count > MAX_REGISSEURS:
            raise ValueError(f"levers.fte / levers.fte_per_regisseur makes {count:,.0f} regisseurs; at most "
                             f"{MAX_REGISSEURS:,} (each is an agent held in memory; no municipality has more)")
        return self


class Population(_Strict):
    households: int = Field(ge=1, le=2_000_000, description="a plausible maximum: Amsterdam, Rotterdam, The Hague "
                            "and Utrecht together have about 1.5 million households; each is an agent in memory")
    in_view_share: float = share()
    case_mix: SharePerCaseType
    problem_domains_mean: PerCaseType
    problem_severity_mean: SharePerCaseType
    background_severity_mean: float = Field(gt=0.0, lt=1.0)
    severity_concentration: float = positive()
    strength_mean: SharePerCaseType
    motivation_mean: float = Field(gt=0.0, lt=1.0)
    share_with_children: float = share()
    children_mean: float = non_negative()
    single_adult_share: float = share()

    @model_validator(mode="after")
    def _case_mix_sums_to_one(self) -> Population:
        total = sum(self.case_mix.as_tuple())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"population.case_mix must add up to 1 (light + heavy + mda), got {total:g}")
        for name, value in zip(CASE_TYPES, self.problem_severity_mean.as_tuple(), strict=True):
            if not 0.0 < value < 1.0:
                raise ValueError(f"population.problem_severity_mean.{name} must be between 0 and 1, got {value}")
        return self


class Flows(_Strict):
    """The open population: households become multi-problem and leave the group again."""

    inflow_share: float = Field(ge=0.0, le=2.0)
    inflow_trend: float = Field(ge=-0.5, le=0.5)
    departure_rate: float = share()
    children_grown_exit_share: float = share()
    recovery_exit_weeks: int = Field(ge=1, le=520)
    warmup_years: int = Field(ge=0, le=50)


class Dynamics(_Strict):
    drift_rate: float = share()
    spillover: float = non_negative()
    recovery_rate: float = share()
    shock_rate: float = share()
    shock_size: float = share()
    notice_rate: float = share()
    finding_rate: float = share()
    referral_threshold: float = share()
    stabilised_mean_below: float = share()
    stabilised_max_below: float = share()
    relapse_mean_above: float = share()

    @model_validator(mode="after")
    def _severities_stay_within_bounds(self) -> Dynamics:
        # the weekly update sev += drift - (drift + pull) * sev stays within [0, 1] only while drift + pull <= 1
        most = self.drift_rate * (1.0 + self.spillover) + self.recovery_rate
        if most > 1.0:
            raise ValueError("dynamics.drift_rate x (1 + dynamics.spillover) + dynamics.recovery_rate must be at "
                             f"most 1 (a week's change cannot exceed the whole scale), got {most:g}")
        return self


def _check_drivers(drivers: dict[str, float]) -> dict[str, float]:
    for name, weight in drivers.items():
        if name not in DOMAINS:
            raise ValueError(f"unknown life domain {name!r}; allowed: {', '.join(DOMAINS)}")
        if weight < 0:
            raise ValueError(f"driver weight for {name} must be >= 0, got {weight}")
    if not drivers or sum(drivers.values()) <= 0:
        raise ValueError("drivers need at least one positive weight")
    return drivers


class Hazard(_Strict):
    base_hazard: float = share()
    drivers: dict[str, float]
    prevented_share: float = share(default=0.0)
    mean_years: float = non_negative(default=0.0)

    _drivers_ok = field_validator("drivers")(_check_drivers)


class Shelter(_Strict):
    share_after_eviction: float = share()
    mean_years: float = positive()
    rehousing_weeks: int = Field(ge=0, le=520)


class Escalations(_Strict):
    eviction_threat: Hazard
    shelter: Shelter
    out_of_home_placement: Hazard
    police_incident: Hazard
    intensive_care_episode: Hazard
    school_dropout: Hazard
    utility_cutoff: Hazard
    collection_case: Hazard


class CaseloadWeights(PerCaseType):
    aftercare: float = non_negative()
    aftercare_with_network: float = non_negative()


class RegisseurEffects(_Strict):
    diagnosis_weeks: int = Field(ge=0, le=52)
    plan_threshold: float = share()
    max_active_weeks: PerCaseType
    caseload_weight: CaseloadWeights
    intake_severity: float = share()
    # issue 14b: the regisseur queue's stated maximum wait; a longer queue is not formed (agents/regisseur.py)
    max_queue_wait_weeks: float = Field(gt=0.0, le=520.0)
    presence_drift_reduction: float = share()
    integral_success_gain: float = Field(ge=0.0, le=2.0)
    in_training_competence: float = share()
    turnover_rate: float = share()
    # mandate b, free time (issue 14): the hours a household needs (agents/regisseur.py _share_time)
    time_need_caseload: float = Field(gt=0.0, le=1000.0)
    time_need_severity: float = Field(gt=0.0, le=1.0)
    eviction_prevention_gain: float = share()
    utility_prevention_gain: float = share()
    placement_prevention_gain: float = share()
    intensive_care_prevention_gain: float = share()  # issue 14b
    without_free_budget_factor: float = share()
    coordination_saving: float = share()
    aftercare_shock_reduction: float = share()
    without_aftercare_mandate_factor: float = share()
    empowerment_rate: float = share()
    network_strength_gain: float = share()
    network_share: float = share()
    network_shock_reduction: float = share()
    priority_wait_weeks: int = Field(ge=0, le=520)
    priority_severity: float = share()
    priority_budget_per_quarter: int = Field(ge=0, le=10_000)
    ladder_rungs: int = Field(ge=0, le=10)
    ladder_weeks_per_rung: int = Field(ge=1, le=52)
    ladder_success_per_rung: float = share()
    ladder_success_without_backing: float = share()
    without_own_diagnosis_intake_factor: float = Field(ge=0.0, le=2.0)


class Organisation(_Strict):
    label: str
    domain: str
    join_share: float = share()
    capacity: int = Field(ge=0, le=10_000_000, description="a plausible maximum: more places than there are "
                          "households in the country")
    intake_weeks: int = Field(ge=0, le=520)
    trajectory_weeks: int = Field(ge=1, le=520)
    success_rate: float = share()
    # issue 14 (professionals in the home): under the old method a worker per member the organisation serves
    serves: Literal["household", "adults", "children", "pupils"] = "household"

    @field_validator("domain")
    @classmethod
    def _known_domain(cls, value: str) -> str:
        if value not in DOMAINS:
            raise ValueError(f"unknown life domain {value!r}; allowed: {', '.join(DOMAINS)}")
        return value


class OrganisationCommon(_Strict):
    conflict_penalty: float = share()
    coordination_load: float = non_negative()
    intake_hours: float = non_negative()
    plan_hours_saved: float = non_negative()
    coordination_hours_per_week: float = non_negative()
    success_residual: float = share()
    failure_residual: float = share()
    trajectory_drift_factor: float = share()
    # issue 14, policy theory B (efficiency at the organisations): staff time in case places, and where it goes
    case_hours_per_week: float = positive(default=2.0)
    fte_hours_per_week: float = positive(default=36.0)
    coordinator_fte_freed: float = non_negative(default=0.0)
    freed_time_to_care: bool = True
    # issue 14 (professionals in the home): professionals an escalation brings into the home
    escalation_professionals: dict[str, float] = Field(default_factory=dict)
    involvement_severity: float = share(default=0.45)
    workers_per_offer: PerCaseType = PerCaseType(light=1.0, heavy=1.0, mda=1.0)

    @field_validator("escalation_professionals")
    @classmethod
    def _known_escalations(cls, value: dict[str, float]) -> dict[str, float]:
        for name, count in value.items():
            if name not in ESCALATIONS:
                raise ValueError(f"unknown escalation {name!r}; allowed: {', '.join(ESCALATIONS)}")
            if not 0.0 <= count <= 10.0:
                raise ValueError(f"escalation_professionals.{name} = {count}; allowed: 0 to 10")
        return value


Method = Literal["verkokerd", "1g1p1r"]
REGISTER_PREFIX = "register."  # uncertainties on register prices: ``register.<key>``


class Scenario(_Strict):
    """A validated scenario: plain values, plus where each came from in :attr:`sources`."""

    name: str
    description: str = ""
    horizon_years: int = Field(ge=1, le=100)
    replications: int = Field(ge=1, le=100_000)
    seed: int = Field(ge=0)
    methods: tuple[Method, ...] = ("verkokerd", "1g1p1r")
    levers: Levers
    population: Population
    flows: Flows
    dynamics: Dynamics
    escalations: Escalations
    regisseur_effects: RegisseurEffects
    # at most 63: the compiled step keeps a household's cases as bits of one 64-bit integer
    organisations: dict[str, Organisation] = Field(max_length=63)
    organisation_common: OrganisationCommon
    uncertainties: dict[str, Distribution] = Field(default_factory=dict)
    sources: dict[str, str] = Field(default_factory=dict, repr=False)

    @property
    def weeks(self) -> int:
        return self.horizon_years * 52

    def settings(self) -> dict[str, Any]:
        """The headline settings a summary reports next to the numbers."""
        return {
            "scenario": self.name,
            "households": self.population.households,
            "fte": self.levers.fte,
            "caseload_norm": self.levers.caseload_norm,
            "mandate": self.levers.mandate.model_dump(),
            "aftercare_months": self.levers.aftercare_months,
            "years": self.horizon_years,
            "replications": self.replications,
            "seed": self.seed,
            "methods": list(self.methods),
        }

    def with_overrides(self, overrides: dict[str, Any], origin: str = "override") -> Scenario:
        """A copy with dotted-path overrides, e.g. ``{"levers.fte": 20}``, validated again."""
        tree = self.model_dump(exclude={"sources"})
        for dotted, value in overrides.items():
            _set_dotted(tree, dotted, value, origin)
        sources = dict(self.sources)
        sources.update({dotted: origin for dotted in overrides})
        return _validate(tree, sources, origin)

    def value_at(self, dotted: str) -> Any:
        """The point value of a dotted parameter path, e.g. ``levers.fte`` (organisations and drivers by key)."""
        node: Any = self
        for part in dotted.split("."):
            if isinstance(node, BaseModel) and part in type(node).model_fields and part != "uncertainties":
                node = getattr(node, part)
            elif isinstance(node, dict) and part in node:
                node = node[part]
            else:
                raise KeyError(dotted)
        return node

    def with_values(self, values: dict[str, float], origin: str) -> tuple[Scenario, dict[str, float]]:
        """Apply drawn values of uncertainties or levers: (the scenario with the model parameters set, the
        register prices ``{key: value}`` for :meth:`scenarios.register.Register.with_values`). Whole-number
        parameters (households, weeks) take the nearest whole number."""
        model, prices = {}, {}
        for dotted, value in values.items():
            if dotted.startswith(REGISTER_PREFIX):
                prices[dotted.removeprefix(REGISTER_PREFIX)] = float(value)
            else:
                try:
                    current = self.value_at(dotted)
                except KeyError:
                    raise UserError(f"{origin}: unknown field {dotted!r}") from None
                model[dotted] = round(value) if isinstance(current, int) and not isinstance(current, bool) else value
        return (self.with_overrides(model, origin) if model else self), prices

    def to_yaml(self) -> str:
        """Plain-valued YAML that ``mph run`` accepts back (sources are not repeated)."""
        tree = self.model_dump(exclude={"sources"}, mode="json")
        return yaml.safe_dump(tree, sort_keys=False, allow_unicode=True)


def _set_dotted(tree: dict[str, Any], dotted: str, value: Any, origin: str) -> None:
    node = tree
    parts = dotted.split(".")
    for part in parts[:-1]:
        if not isinstance(node, dict) or part not in node:
            raise UserError(f"{origin}: unknown field {dotted!r}")
        node = node[part]
    if not isinstance(node, dict) or parts[-1] not in node:
        raise UserError(f"{origin}: unknown field {dotted!r}")
    node[parts[-1]] = value


def _is_documented(node: Any) -> bool:
    return isinstance(node, dict) and "value" in node and set(node) <= {"value", "source", "unit"}


def _is_leaf(node: Any) -> bool:
    """A documented value or a distribution: replaced as a whole by a file that extends another."""
    return _is_documented(node) or (isinstance(node, dict) and "dist" in node)


def _unwrap(node: Any, path: str, sources: dict[str, str], origin: str) -> Any:
    """Replace {value, source} leaves by their value; record each leaf's source."""
    if _is_documented(node):
        sources[path] = str(node.get("source", origin))
        return node["value"]
    if isinstance(node, dict):
        return {key: _unwrap(sub, f"{path}.{key}" if path else str(key), sources, origin) for key, sub in node.items()}
    if path:
        sources[path] = origin
    return node


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and not _is_leaf(value) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def resolve_reference(reference: str, relative_to: Path | None) -> Path:
    """A scenario file named relative to ``relative_to`` (a folder), or a bundled one (``defaults``)."""
    candidates = []
    if relative_to is not None:
        candidates.append(relative_to / reference)
    candidates += [scenarios.bundled(reference), scenarios.bundled(f"{reference}.yaml")]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise UserError(f"scenario file not found: {reference!r} (looked in {', '.join(str(c) for c in candidates)})")


MAX_EXTENDS = 20  # files in one chain of 'extends:'; the bundled ones use 2


def _read_tree(path: Path, seen: tuple[Path, ...] = ()) -> tuple[dict[str, Any], dict[str, str]]:
    # compared by resolved path: 'a.yaml' and './sub/../a.yaml' (or a symlink) are the same file
    resolved = path.resolve()
    if resolved in seen:
        chain = " -> ".join(p.name for p in (*seen[seen.index(resolved):], resolved))
        raise UserError(f"{path}: 'extends' loops back to a file already in the chain ({chain})")
    if len(seen) >= MAX_EXTENDS:
        raise UserError(f"{path}: 'extends' chain longer than {MAX_EXTENDS} files")
    raw = read_yaml_mapping(path, "scenario file")
    sources: dict[str, str] = {}
    parent_ref = raw.pop("extends", None)
    tree = _unwrap(raw, "", sources, f"scenario file {path.name}")
    if parent_ref is None:
        return tree, sources
    if not isinstance(parent_ref, str):
        raise UserError(f"{path}: extends = {parent_ref!r}: the name or path of one scenario file")
    parent_tree, parent_sources = _read_tree(resolve_reference(parent_ref, path.parent), (*seen, resolved))
    parent_sources.update(sources)
    return _merge(parent_tree, tree), parent_sources


@functools.cache
def _register_keys() -> frozenset[str]:
    from scenarios.register import load_register  # the register imports nothing from here, but loads files: lazily

    return frozenset(load_register().keys())


def _parse_uncertainties(tree: dict[str, Any], origin: str) -> None:
    """Check each distribution in place with :func:`parse_distribution`, so an error names the uncertainty as
    written (``uncertainties['levers.fte']``) rather than pydantic's union tags; ``null`` removes an inherited one."""
    raw = tree.get("uncertainties")
    if raw is None:
        tree.pop("uncertainties", None)
        return
    if not isinstance(raw, dict):
        raise UserError(f"{origin}: uncertainties: a mapping of parameter path -> distribution, got {raw!r}")
    tree["uncertainties"] = {path: spec if isinstance(spec, BaseModel)
                             else parse_distribution(spec, f"{origin}: uncertainties[{path!r}]")
                             for path, spec in raw.items() if spec is not None}


def check_uncertain_path(scenario: Scenario, dotted: str, where: str) -> None:
    """A path an uncertainty or sweep may vary: a numeric model parameter or a register price."""
    if dotted.startswith(REGISTER_PREFIX):
        if dotted.removeprefix(REGISTER_PREFIX) not in _register_keys():
            raise UserError(f"{where}: {dotted!r}: no such register entry (allowed: register.<key> with a key "
                            f"from scenarios/register/*.yaml, e.g. register.cost.shelter_year)")
        return
    try:
        value = scenario.value_at(dotted)
    except KeyError:
        raise UserError(f"{where}: {dotted!r}: no such parameter (allowed: a dotted path to a number in the "
                        f"scenario, e.g. levers.fte or regisseur_effects.eviction_prevention_gain, or "
                        f"register.<key>)") from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UserError(f"{where}: {dotted!r} is {value!r}, not a number: only numeric parameters can be uncertain "
                        f"(vary switches such as the mandate as lever options in a sweep)")


def check_uncertainty_ranges(scenario: Scenario, uncertainties: dict[str, Any], where: str) -> None:
    """Every value a distribution's designs can reach (its ``bounds``) must be allowed for its parameter."""
    for dotted, dist in uncertainties.items():
        check_uncertain_path(scenario, dotted, where)
        for end in dist.bounds:
            try:
                scenario.with_values({dotted: end}, f"{where}: uncertainties[{dotted!r}] reaches {end:g}")
            except UserError as err:
                raise UserError(f"{err} (distribution {dist.dist}, bounds {dist.bounds[0]:g} to "
                                f"{dist.bounds[1]:g})") from None
            if dotted.startswith(REGISTER_PREFIX) and end < 0:
                raise UserError(f"{where}: uncertainties[{dotted!r}] reaches {end:g}: register values must be >= 0")


def _validate(tree: dict[str, Any], sources: dict[str, str], origin: str) -> Scenario:
    _parse_uncertainties(tree, origin)
    try:
        scenario = Scenario.model_validate({**tree, "sources": sources})
    except ValidationError as err:
        message = validation_message(err, origin, Scenario)
        if any(e["type"] == "missing" and len(e["loc"]) == 1 for e in err.errors()):
            # whole sections missing: most likely a file of a few changes that does not say what it changes
            message += (f"\n{origin}: a scenario file that sets only some values starts with "
                        f"'extends: example_municipality.yaml' (or another scenario file) and takes the rest from it")
        raise UserError(message) from None
    for dotted in scenario.uncertainties:
        check_uncertain_path(scenario, dotted, f"{origin}: uncertainties")
    return scenario


def load_scenario(path: str | Path | None = None) -> Scenario:
    """Load and validate a scenario file; without a path, the bundled example municipality."""
    if path is None:
        path = scenarios.bundled("example_municipality.yaml")
    path = Path(path)
    if not path.is_file():
        raise UserError(f"scenario file not found: {path}")
    tree, sources = _read_tree(path)
    scenario = _validate(tree, sources, str(path))
    check_uncertainty_ranges(scenario, scenario.uncertainties, str(path))
    return scenario
