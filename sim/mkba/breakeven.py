"""Break-even: the value of one input at which the MKBA balance turns zero, solved on the real calculation.

Bisection rather than algebra, so it stays right when the calculation changes (and for the MKBA of a
simulation run later, where the balance is not linear in anything).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scenarios.register import Register
from sim.mkba.cockpit import compute_cockpit
from sim.mkba.inputs import CockpitInputs

Setter = Callable[[CockpitInputs, float], None]


@dataclass(frozen=True)
class BreakEven:
    key: str
    label: str
    current: float
    value: float | None  # None: the balance keeps its sign over the whole range
    low: float
    high: float

    def describe(self) -> str:
        if self.value is not None:
            return f"{self.label}: break-even at {self.value:.2f} (now {self.current:g})"
        return (f"{self.label}: no break-even between {self.low:g} and {self.high:g} "
                f"(the balance keeps its sign; now {self.current:g})")


def bisect(f: Callable[[float], float], low: float, high: float, tol: float = 1e-6) -> float | None:
    """A root of ``f`` in [low, high] by bisection, or None when ``f`` has the same sign at both ends."""
    f_low, f_high = f(low), f(high)
    if f_low == 0.0:
        return low
    if f_high == 0.0:
        return high
    if (f_low > 0.0) == (f_high > 0.0):
        return None
    while high - low > tol * max(1.0, abs(low), abs(high)):
        mid = (low + high) / 2.0
        f_mid = f(mid)
        if (f_mid > 0.0) == (f_low > 0.0):
            low, f_low = mid, f_mid
        else:
            high = mid
    return (low + high) / 2.0


def _set_fte(c: CockpitInputs, x: float) -> None:
    c.inputs.extra_staff_fte = x


def _set_eviction_diff(c: CockpitInputs, x: float) -> None:
    c.inputs.effectiveness.eviction_prevention.diff_pct = x


def _scale_effects(c: CockpitInputs, x: float) -> None:
    """Scale every effect difference (effectiveness, work and care trajectories) by ``x``."""
    for effect in c.inputs.effectiveness.__dict__.values():
        effect.diff_pct *= x
    c.inputs.work_trajectories_diff_pct *= x
    c.inputs.care_trajectories_diff_pct *= x


def break_even(cockpit: CockpitInputs, register: Register, **settings: Any) -> list[BreakEven]:
    """Break-even fte, eviction-prevention effect and share of all assumed effects (``settings`` as for
    :func:`compute_cockpit`)."""
    eviction = cockpit.inputs.effectiveness.eviction_prevention
    searches: list[tuple[str, str, float, float, float, Setter]] = [
        ("extra_staff_fte", "extra fte regisseurs en coördinatoren", cockpit.inputs.extra_staff_fte,
         0.0, 1000.0, _set_fte),
        ("effectiveness.eviction_prevention.diff_pct", "effect voorkomen huisuitzettingen (procentpunt)",
         eviction.diff_pct, -eviction.current_pct, 100.0 - eviction.current_pct, _set_eviction_diff),
        # a scale of 1 is the inputs' effects; 0 none of them
        ("effect_scale", "aandeel van alle aangenomen effecten", 1.0, 0.0, 1.0, _scale_effects),
    ]
    results = []
    for key, label, current, low, high, setter in searches:
        def balance(x: float, setter: Setter = setter) -> float:
            changed = cockpit.model_copy(deep=True)
            setter(changed, x)
            return compute_cockpit(changed, register, **settings).balance

        results.append(BreakEven(key, label, current, bisect(balance, low, high), low, high))
    return results
