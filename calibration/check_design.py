"""Check a design before reporting from it: simulate dossiers under the selection rule the user describes, or the
one read from the data, with a known zero and a known non-zero effect, measure each, and report every comparison's
bias and interval coverage, and the recommended one's.

Two sources of dossiers:

* :func:`check_design_model` (what ``mph effect --check-design`` runs): the full model records dossiers
  (:mod:`calibration.dossiers.synth`) of a town like the user's. Per replication one 1g1p1r run gives the dossier
  with the model's own effect; the same households under the old method, with the same draws (common random
  numbers), give the dossier with a known zero effect: the 1g1p1r group's events replaced by what the same
  households went through without the approach. The true effect of the first is the paired difference of the two.
* :func:`check_design` on the constructed process (:mod:`calibration.constructed`): tens of data sets in seconds
  with a chosen effect size and exactly the traps of issue 16 (lasting severity, passing peaks, selection on a
  peak or a crisis); the benchmark of the traps and the tests use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd

from calibration.constructed import RULES, Design, construct
from calibration.dossiers.schema import Dossier
from calibration.effect import Selection, history, measure_effect, observed_from, panel
from scenarios.errors import UserError
from scenarios.scenario import Scenario

EFFECTS = (0.0, -0.2)
MIN_COVERAGE = 85.0  # percent of data sets whose 95% interval holds the truth; 20 data sets leave some slack


def parse_selection(text: str) -> tuple[str, int | None]:
    """``RULE`` or ``RULE:K`` (problems:6, crisis:2) from the command line."""
    rule, _, k = text.partition(":")
    if rule not in RULES:
        raise UserError(f"--selection {text!r}: rule {rule!r} unknown; allowed: {', '.join(RULES)} "
                        "(problems and crisis take a number, e.g. problems:6 or crisis:2)")
    if not k:
        return rule, None
    if rule not in ("problems", "crisis") or not k.isdigit() or int(k) < 1:
        raise UserError(f"--selection {text!r}: only problems:K and crisis:K take a number K, a whole number "
                        "from 1")
    return rule, int(k)


def design_like(dossier: Dossier, selection: Selection, rule: str | None = None,
                threshold: int | None = None) -> Design:
    """A constructed design of the dossier's size and levels, under ``rule`` (default: the one read from the
    data) and ``threshold`` (default: read from the data, or 6 problems, 2 escalations)."""
    frame = panel(dossier)["escalations_per_year"]
    treated = int((frame["group"] == "1g1p1r").sum())
    controls = int((frame["group"] == "control").sum())
    rule = rule or selection.rule
    if threshold is None:
        threshold = (selection.threshold or 6) if rule == "problems" else 2
    control = frame[frame["group"] == "control"]
    households = int(np.clip(4 * (treated + controls), 1000, 20000))
    return Design(rule=rule, threshold=threshold, households=households,
                  treated_share=min(0.5, treated / households), max_controls=controls,
                  severity_mean=float(control["problems_baseline"].mean()),
                  rate=float(np.clip(control["before"].mean() / 12, 0.01, 0.5)))


def check_design(design: Design, *, replications: int = 20, effects: tuple[float, ...] = EFFECTS, seed: int = 1,
                 bootstrap: int = 200) -> pd.DataFrame:
    """Per true effect, outcome and comparison: mean estimate, the truth, bias, root mean squared error, interval
    coverage of the truth (percent), and how often the comparison was recommended; the row ``recommended`` is
    whichever comparison was recommended in each data set."""
    rows = []
    for effect in effects:
        for rep in range(replications):
            dossier, truth = construct(replace(design, effect=effect), seed * 1000 + rep)
            result = measure_effect(dossier, bootstrap=bootstrap, seed=seed + rep, lang="en")
            for outcome in result.outcomes:
                for e in outcome.estimates:
                    for name in (e.estimator, "recommended") if e.recommended else (e.estimator,):
                        rows.append({"effect": effect, "outcome": outcome.outcome, "estimator": name,
                                     "replication": rep, "truth": truth[outcome.outcome], "estimate": e.estimate,
                                     "covered": e.ci_low <= truth[outcome.outcome] <= e.ci_high,
                                     "recommended": e.recommended, "trusted": e.trusted})
    return summarise(pd.DataFrame(rows))


def summarise(raw: pd.DataFrame) -> pd.DataFrame:
    """Per true effect, outcome and comparison, from one row per data set and comparison: mean estimate, truth,
    bias, root mean squared error, coverage, and how often trusted and recommended."""
    raw = raw.assign(error=raw["estimate"] - raw["truth"])
    grouped = raw.groupby(["effect", "outcome", "estimator"], sort=False)
    return pd.DataFrame({
        "truth": grouped["truth"].mean(),
        "mean_estimate": grouped["estimate"].mean(),
        "bias": grouped["error"].mean(),
        "rmse": grouped["error"].apply(lambda e: float(np.sqrt((e.dropna() ** 2).mean()))),
        "coverage_pct": 100 * grouped["covered"].mean(),
        "trusted_pct": 100 * grouped["trusted"].mean(),
        "recommended_pct": 100 * grouped["recommended"].mean(),
        "data_sets": grouped.size(),
    }).reset_index()


# -- the model checks the design -----------------------------------------------------------------------------
def model_town(base: Scenario, dossier: Dossier) -> Scenario:
    """The model's town for a dossier: as many households as the dossier has in both groups together, times two
    (the model takes in and helps only part of its households in a few years; at least 600, at most 6,000), over
    the dossier's years plus the run-in year (2 to 6)."""
    h = dossier.households
    years = (h["end_date"].max() - h["start_date"].min()).days / 365.25
    return base.with_overrides({"population.households": int(np.clip(2 * len(h), 600, 6000)),
                                "horizon_years": int(np.clip(np.ceil(years) + 1, 2, 6))}, origin="design check")


def _meets(dossier: Dossier, rule: str, threshold: int | None) -> Dossier:
    """The dossier with its 1g1p1r group cut to the households that meet the selection rule at their start (the
    model takes households in its own way; a municipality that took in only those with K problems, or right after
    K escalations, has a narrower group). ``random`` and ``severity`` keep the model's own selection."""
    h = dossier.households
    if rule == "problems":
        keep = (h["group"] == "control") | (h["problems_baseline"] >= (threshold or 6))
    elif rule == "crisis":
        recent = history(h, dossier.events, observed_from(dossier))["escalations_0_3m"].to_numpy()
        keep = (h["group"] == "control").to_numpy() | (recent >= (threshold or 2))
    else:
        return dossier
    kept = h[np.asarray(keep)]
    return Dossier(kept, dossier.events[dossier.events["household_id"].isin(kept["household_id"])], dossier.notes)


def model_dossiers(scenario: Scenario, replication: int) -> tuple[Dossier, Dossier, float]:
    """One replication's dossier with the model's effect, the same households' dossier without the approach
    (known zero effect), and the true effect on escalations per year of the first (the paired difference)."""
    from calibration.dossiers.synth import dossier_from, record, without_approach
    from calibration.effect import true_effect

    approach = record(scenario, "1g1p1r", replication)
    with_effect = dossier_from(approach)
    without = without_approach(approach, record(scenario, "verkokerd", replication))
    return with_effect, without, true_effect(with_effect, without.events)["escalations_per_year"]


def check_design_model(scenario: Scenario, *, rule: str = "random", threshold: int | None = None,
                       replications: int = 5, seed: int = 1, bootstrap: int = 200,
                       progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Per effect (``zero`` and ``model``), outcome escalations per year and comparison: bias and coverage over
    ``replications`` dossiers the model records of ``scenario`` under ``rule``. ``progress`` is called after
    each replication with the number done."""
    rows = []
    for rep in range(replications):
        with_effect, without, truth = model_dossiers(scenario, rep)
        for effect, dossier, true in (("zero", without, 0.0), ("model", with_effect, truth)):
            dossier = _meets(dossier, rule, threshold)
            result = measure_effect(dossier, bootstrap=bootstrap, seed=seed + rep, lang="en")
            for outcome in result.outcomes:
                if outcome.outcome != "escalations_per_year":
                    continue  # the counterfactual gives the truth of escalations; problems at the end are the
                    # old method's only in the zero dossier
                for e in outcome.estimates:
                    for name in (e.estimator, "recommended") if e.recommended else (e.estimator,):
                        rows.append({"effect": effect, "outcome": outcome.outcome, "estimator": name,
                                     "replication": rep, "truth": true, "estimate": e.estimate,
                                     "covered": e.ci_low <= true <= e.ci_high, "recommended": e.recommended,
                                     "trusted": e.trusted})
        if progress is not None:
            progress(rep + 1)
    if not rows:
        raise UserError(f"design check: the model's dossiers of {scenario.population.households} households had "
                        f"fewer than 5 households in a group under the selection {rule}"
                        f"{'' if threshold is None else f':{threshold}'}; no comparison could be checked (give a "
                        "larger town with --scenario, or another --selection)")
    return summarise(pd.DataFrame(rows))


def trustworthy(check: pd.DataFrame) -> dict[str, list[str]]:
    """Per outcome, the comparisons whose intervals held the truth in at least :data:`MIN_COVERAGE` percent of the
    data sets under every effect checked."""
    rows = check[check["estimator"] != "recommended"]
    passed = rows.groupby(["outcome", "estimator"], sort=False)["coverage_pct"].min() >= MIN_COVERAGE
    return {outcome: [name for (o, name), ok in passed.items() if o == outcome and ok]
            for outcome in rows["outcome"].unique()}
