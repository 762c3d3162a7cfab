"""Check a design before reporting from it: draw constructed dossiers (:mod:`calibration.constructed`) under the
selection rule the user describes, or the one read from the data, with a known zero and a known non-zero effect,
measure each, and report every comparison's bias and interval coverage, and the recommended one's.

The dossiers come from the constructed process, not from the full model: a design question needs tens of data
sets in a minute, and the model takes that long for one dossier of a town; the process has what the traps need
(lasting severity, passing peaks, escalations growing with problems, selection on a peak or a crisis).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from calibration.constructed import RULES, Design, construct
from calibration.dossiers.schema import Dossier
from calibration.effect import Selection, measure_effect, panel
from scenarios.errors import UserError

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
    raw = pd.DataFrame(rows)
    raw["error"] = raw["estimate"] - raw["truth"]
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


def trustworthy(check: pd.DataFrame) -> dict[str, list[str]]:
    """Per outcome, the comparisons whose intervals held the truth in at least :data:`MIN_COVERAGE` percent of the
    data sets under every effect checked."""
    rows = check[check["estimator"] != "recommended"]
    passed = rows.groupby(["outcome", "estimator"], sort=False)["coverage_pct"].min() >= MIN_COVERAGE
    return {outcome: [name for (o, name), ok in passed.items() if o == outcome and ok]
            for outcome in rows["outcome"].unique()}
