"""Constructed dossiers with a known truth, in the documented schema: households whose problems and escalations
follow a simple process, selected into the 1g1p1r group by a rule the way practice selects them.

It is a stand-in for the model where a question is about the design of a comparison, not about the model's
mechanisms, and where many data sets are needed in seconds (``mph effect --check-design``, the tests).

The process, per household and month: a persistent severity ``mu`` (life domains with a problem, on average) and a
passing part that drifts back to zero (an AR(1), so a bad month is followed by better ones: regression to the
mean). Problems are ``mu`` plus the passing part, rounded and kept within 0-9. Escalations happen at a monthly
rate that grows with the month's problems (Poisson). From its start the 1g1p1r group's escalation rate and
problems are multiplied by ``1 + effect`` (the true effect; 0 for none); the same draws without the effect give
each household's counterfactual, hence the truth.

Selection rules (``Design.rule``):

* ``random``: the textbook design, a random subset is taken in at a random month (parallel trends hold);
* ``problems``: taken in at the first month with at least ``threshold`` problems;
* ``crisis``: taken in right after ``threshold`` escalations within three months (how practice finds households);
* ``severity``: households with a higher persistent severity are more often taken in, at a random month.

Under ``problems`` and ``crisis`` only a share ``reach`` of the households meeting the rule is taken in (a team
has limited capacity); the control group is households not taken in, with a start month drawn at random in the
same window (the first trajectory of a household helped by organisations), unless ``controls`` is ``"same_rule"``:
then controls are households that met the same rule but were not taken in, starting when they met it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import poisson

from calibration.dossiers.schema import MAX_PROBLEMS, Dossier

RULES = ("random", "problems", "crisis", "severity")
CONTROLS = ("not_selected", "same_rule")
FIRST_DAY = pd.Timestamp("2012-01-01")
MONTH_DAYS = 30.4375


@dataclass(frozen=True)
class Design:
    """How a constructed dossier arises: population, process, selection rule and true effect."""

    rule: str = "random"
    threshold: int = 6  # problems (rule 'problems') or escalations within three months (rule 'crisis')
    effect: float = 0.0  # relative change of escalation rate and problems from the start: -0.2 is 20% fewer
    households: int = 4000  # population the groups are drawn from
    treated_share: float = 0.1  # rules 'random' and 'severity': share of the population taken in
    reach: float = 0.5  # rules 'problems' and 'crisis': share of those meeting the rule that is taken in
    controls: str = "not_selected"
    max_controls: int = 800  # control households kept (a sample of those available)
    months: int = 60  # observed months; starts fall in the window below, follow-up runs to the last month
    window: tuple[int, int] = (24, 48)
    severity_mean: float = 3.5
    severity_sd: float = 1.5
    passing_sd: float = 1.5  # standard deviation of the passing part of problems
    persistence: float = 0.85  # month-to-month correlation of the passing part
    rate: float = 0.06  # escalations per month at the mean severity
    rate_slope: float = 0.45  # log rate per problem

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"rule {self.rule!r}: allowed: {', '.join(RULES)}")
        if self.controls not in CONTROLS:
            raise ValueError(f"controls {self.controls!r}: allowed: {', '.join(CONTROLS)}")

    def with_effect(self, effect: float) -> Design:
        return replace(self, effect=effect)


def _meets_rule(design: Design, problems: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Per household and month: whether the selection rule is met that month (rules 'problems' and 'crisis')."""
    if design.rule == "problems":
        return problems >= design.threshold
    three_months = counts + np.pad(counts, ((0, 0), (1, 0)))[:, :-1] + np.pad(counts, ((0, 0), (2, 0)))[:, :-2]
    return three_months >= design.threshold


def _first_in_window(mask: np.ndarray, window: tuple[int, int]) -> np.ndarray:
    """First month in the window where ``mask`` holds, -1 where it never does."""
    part = mask[:, window[0]:window[1]]
    return np.where(part.any(axis=1), window[0] + part.argmax(axis=1), -1)


def construct(design: Design, seed: int) -> tuple[Dossier, dict[str, Any]]:
    """A dossier drawn under ``design`` and its truth: the 1g1p1r group's mean change in escalations per year
    and in problems at the end, against the same households without the effect."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 16]))
    n, months = design.households, design.months
    mu = rng.normal(design.severity_mean, design.severity_sd, n)
    passing = np.empty((n, months))
    passing[:, 0] = rng.normal(0, design.passing_sd, n)
    shock_sd = design.passing_sd * np.sqrt(1 - design.persistence ** 2)
    for t in range(1, months):
        passing[:, t] = design.persistence * passing[:, t - 1] + rng.normal(0, shock_sd, n)
    uniforms = rng.random((n, months))  # common random numbers: with and without the effect
    day_in_month = rng.random((n, months, 8))  # when in the month each of up to 8 escalations happens

    def outcomes(start: np.ndarray, effect: float) -> tuple[np.ndarray, np.ndarray]:
        after = np.arange(months)[None, :] > start[:, None]
        after &= start[:, None] >= 0
        level = np.where(after, (mu[:, None] + passing) * (1 + effect), mu[:, None] + passing)
        problems = np.clip(np.rint(level), 0, MAX_PROBLEMS)
        rate = design.rate * np.exp(design.rate_slope * (problems - design.severity_mean))
        counts = poisson.ppf(uniforms, np.where(after, rate * (1 + effect), rate)).astype(int)
        return problems, np.minimum(counts, day_in_month.shape[2])

    never = np.full(n, -1)
    problems0, counts0 = outcomes(never, 0.0)
    lo, hi = design.window
    random_month = rng.integers(lo, hi, n)
    taken = rng.random(n)
    if design.rule == "random":
        start = np.where(taken < design.treated_share, random_month, -1)
        met = np.full(n, -1)
    elif design.rule == "severity":
        odds = design.treated_share / (1 - design.treated_share) * np.exp(1.5 * (mu - design.severity_mean))
        start = np.where(taken < odds / (1 + odds), random_month, -1)
        met = np.full(n, -1)
    else:
        met = _first_in_window(_meets_rule(design, problems0, counts0), design.window)
        start = np.where((met >= 0) & (taken < design.reach), met, -1)
    treated = start >= 0
    candidates = np.flatnonzero(~treated & (met >= 0)) if design.controls == "same_rule" else np.flatnonzero(~treated)
    controls = rng.permutation(candidates)[:design.max_controls]
    control_start = met if design.controls == "same_rule" else random_month
    problems1, counts1 = outcomes(start, design.effect)

    index = np.concatenate([np.flatnonzero(treated), np.sort(controls)])
    is_treated = treated[index]
    begin = np.where(is_treated, start[index], control_start[index])
    month_day = FIRST_DAY + pd.to_timedelta(np.arange(months + 1) * MONTH_DAYS, unit="D").floor("D")
    ids = np.array([f"c{i:05d}" for i in index], dtype=object)
    end_problems = problems1[index, -1]
    households = pd.DataFrame({
        "household_id": ids,
        "group": np.where(is_treated, "1g1p1r", "control"),
        # the start is the month's last day: that month's escalations led to it and count as before
        "start_date": month_day[begin + 1] - pd.Timedelta(days=1),
        "end_date": month_day[months] - pd.Timedelta(days=1),
        "problems_baseline": problems1[index, begin].astype(int),
        "problems_end": end_problems.astype(int),
    })
    rows, cols = np.nonzero(counts1[index])
    repeats = counts1[index][rows, cols]
    which = np.concatenate([np.arange(k) for k in repeats]) if repeats.size else np.zeros(0, dtype=int)
    rows, cols = np.repeat(rows, repeats), np.repeat(cols, repeats)
    length = (month_day[cols + 1] - month_day[cols]).days.to_numpy()
    offset = np.floor(day_in_month[index[rows], cols, which] * length).astype(int)
    events = pd.DataFrame({"household_id": ids[rows], "date": month_day[cols] + pd.to_timedelta(offset, unit="D"),
                           "event": "police_incident", "domain": "", "care_type": "", "outcome": ""})
    events = events.sort_values(["date", "household_id"], kind="stable", ignore_index=True)

    t = index[is_treated]
    follow = np.arange(months)[None, :] > start[t][:, None]
    years = follow.sum(axis=1) / 12
    truth = {
        "escalations_per_year": float((((counts1[t] - counts0[t]) * follow).sum(axis=1) / years).mean())
        if t.size else float("nan"),
        "problems": float((problems1[t, -1] - problems0[t, -1]).mean()) if t.size else float("nan"),
        "design": asdict(design), "seed": seed,
    }
    return Dossier(households, events, [f"constructed: {design.rule}, effect {design.effect:+.0%}, seed {seed}"]), truth
