"""The levers a workshop room moves: the controls, the presets, and the scenario they make.

A control is a dotted scenario path (``levers.fte``) with the range its widget offers. The room's settings are a
mapping path -> value; :func:`scenario_overrides` turns them into the overrides of the base scenario (only what
differs), which is also what the exported scenario file sets. Nothing here holds state: the app keeps each
participant's settings in their own session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from scenarios.errors import UserError
from scenarios.scenario import Mandate, Scenario
from scenarios.validation import read_yaml_mapping

PRESETS_FILE = Path(__file__).with_name("presets.yaml")
MDA = "population.case_mix.mda"
MANDATE: tuple[str, ...] = tuple(Mandate.model_fields)  # seed 004 'Bevoegdheden brede regisseur' a-f


@dataclass(frozen=True)
class Control:
    """One widget: ``slider`` (a range), ``toggle`` (on/off) or ``whole`` (a typed whole number)."""

    path: str
    kind: Literal["slider", "toggle", "whole"]
    low: float = 0.0
    high: float = 1.0
    step: float = 1.0
    percent: bool = False  # a share, shown in percent
    shown: str = "%d"  # how the widget prints its value (printf style, in the widget's unit)

    def bounds(self, value: float) -> tuple[float, float]:
        """The widget's range, widened to hold a base scenario's value outside the usual range."""
        return min(self.low, value), max(self.high, value)


# Widget ranges are what a room usefully explores; the scenario's own validation still checks every value.
CONTROLS: tuple[Control, ...] = (
    Control("levers.fte", "slider", 0.0, 40.0, 0.5, shown="%.1f"),
    Control("levers.caseload_norm", "slider", 10.0, 100.0, 1.0),
    Control("levers.competence_experienced_share", "slider", 0.0, 1.0, 0.05, percent=True, shown="%d%%"),
    *(Control(f"levers.mandate.{name}", "toggle") for name in MANDATE),
    Control("levers.aftercare_months", "slider", 0.0, 36.0, 1.0),
    Control("levers.informal_network", "toggle"),
    Control("levers.finding_reach", "slider", 0.0, 0.5, 0.05, percent=True, shown="%d%%"),
    Control(MDA, "slider", 0.0, 0.3, 0.01, percent=True, shown="%d%%"),
    Control("population.households", "whole", 1, 2_000_000),
    Control("horizon_years", "slider", 1, 20, 1),
    Control("replications", "slider", 1, 20, 1),
    Control("seed", "whole", 0, 2**32 - 1),
)
CONTROL = {c.path: c for c in CONTROLS}
GROUPS: dict[str, tuple[str, ...]] = {
    "staffing": ("levers.fte", "levers.caseload_norm", "levers.competence_experienced_share"),
    "mandate": tuple(f"levers.mandate.{name}" for name in MANDATE),
    "followup": ("levers.aftercare_months", "levers.informal_network", "levers.finding_reach"),
    "population_run": ("population.households", MDA, "horizon_years", "replications", "seed"),
}
LEVERS = GROUPS["staffing"] + GROUPS["mandate"] + GROUPS["followup"]


@dataclass(frozen=True)
class Preset:
    key: str
    label: dict[str, str]
    description: dict[str, str]
    values: dict[str, Any]
    sources: dict[str, str] = field(repr=False)


def _get(scenario: Scenario, path: str) -> Any:
    node: Any = scenario
    for part in path.split("."):
        node = getattr(node, part)
    return node


def base_values(base: Scenario) -> dict[str, Any]:
    """Every control's value in the base scenario: what 'reset' returns to."""
    return {c.path: _get(base, c.path) for c in CONTROLS}


def start_values(base: Scenario) -> dict[str, Any]:
    """Where a session starts and 'reset' returns to: the base scenario, with the workshop's replications."""
    return base_values(base) | {"replications": default_replications()}


def parse_whole(textual: str, control: Control) -> int:
    """A typed whole number within the control's range, or ValueError (the app shows it under the field)."""
    try:
        value = int(textual.strip().replace(".", "").replace("_", ""))
    except ValueError:
        raise ValueError(textual) from None
    if not control.low <= value <= control.high:
        raise ValueError(textual)
    return value


def _case_mix(base: Scenario, mda: float) -> dict[str, float]:
    """The MDA share set by the room, light and heavy rescaled in their base proportion so the mix adds up to 1."""
    mix = base.population.case_mix
    rest = mix.light + mix.heavy
    light_part = mix.light / rest if rest > 0 else 0.5
    light = (1.0 - mda) * light_part
    return {"population.case_mix.light": light, "population.case_mix.heavy": 1.0 - mda - light, MDA: mda}


def scenario_overrides(base: Scenario, values: dict[str, Any]) -> dict[str, Any]:
    """Dotted overrides of ``base`` for the values that differ from it (plain Python numbers, YAML-ready)."""
    current = base_values(base)
    overrides: dict[str, Any] = {}
    for path, value in values.items():
        if path not in CONTROL:
            raise UserError(f"workshop: unknown control {path!r}")
        if value == current[path]:
            continue
        if path == MDA:
            overrides.update(_case_mix(base, float(value)))
        elif CONTROL[path].kind == "toggle":
            overrides[path] = bool(value)
        elif isinstance(current[path], int) and float(value).is_integer():
            overrides[path] = int(value)
        else:
            overrides[path] = float(value)
    return overrides


# The most work one participant may ask for, in household-years simulated: every participant's run shares the same
# worker processes, so one asking for 2,000,000 households must not hold up the room. Each task the room's pool runs
# is one replication of one method with its own warm-up, so the warm-up years count: without them, 1,000,000
# households for 1 year passed as 1,000,000 household-years while simulating 11,000,000. Three times the example
# municipality's full run: 3,000 households x (10 warm-up + 10 years) x 10 replications x 2 methods = 1,200,000.
# One task is then at most MAX_WORK / 2 household-years (1 replication): what another participant's run can wait
# for (measured in benchmarks/bench_workshop.py, stated in docs/workshop.md).
MAX_WORK = 3_600_000


def work(scenario: Scenario) -> int:
    """What a run of ``scenario`` costs in the workshop: household-years simulated, each method's replication with
    its own warm-up (one task of the pool each)."""
    years = scenario.flows.warmup_years + scenario.horizon_years
    return scenario.population.households * years * scenario.replications * len(scenario.methods)


def largest_task(scenario: Scenario) -> int:
    """Household-years of the largest task of a run: one replication of one method, with its warm-up."""
    return scenario.population.households * (scenario.flows.warmup_years + scenario.horizon_years)


def build_scenario(base: Scenario, values: dict[str, Any]) -> Scenario:
    """The room's scenario: ``base`` with the controls' values, validated (UserError names the field), and no
    more work than :data:`MAX_WORK` (or than the base scenario itself, if that is larger)."""
    overrides = scenario_overrides(base, values)
    scenario = base.with_overrides(overrides, origin="workshop") if overrides else base
    if work(scenario) > max(MAX_WORK, work(base)):
        raise UserError(f"households x (warm-up + horizon years) x replications x methods = {work(scenario):,}; at "
                        f"most {MAX_WORK:,} in a workshop (every participant shares the same workers: a larger run "
                        "would hold up the room)")
    return scenario


@cache
def presets() -> dict[str, Preset]:
    """The presets of ``presets.yaml``, each setting every lever control with a documented value."""
    raw = read_yaml_mapping(PRESETS_FILE, "workshop presets file")
    found = {}
    for key, entry in raw["presets"].items():
        levers = entry["levers"]
        if set(levers) != set(LEVERS):
            raise UserError(f"{PRESETS_FILE}: preset {key} must set exactly the lever controls "
                            f"{', '.join(LEVERS)}; it sets {', '.join(levers)}")
        found[key] = Preset(key, entry["label"], entry["description"],
                            {path: item["value"] for path, item in levers.items()},
                            {path: item["source"] for path, item in levers.items()})
    return found


def default_replications() -> int:
    """The workshop's default number of replications (a measured choice, documented in ``presets.yaml``)."""
    return int(read_yaml_mapping(PRESETS_FILE, "workshop presets file")["workshop"]["replications"]["value"])
