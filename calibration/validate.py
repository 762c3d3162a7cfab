"""``mph validate``: every figure of the evidence register against the calibrated model's posterior predictive, and
every policy-theory check, as a table, a Markdown report and charts.

The predictive runs the town the posterior was fitted on (the base scenario with the fit's settings, from the
posterior's header), one replication per posterior draw: replication ``r`` uses particle ``k(r)``
(:mod:`scenarios.posterior`). Counts of a town of ``town_households`` are scaled to the simulated town, as in the
fit. A figure is inside its band when the predictive median lies in it (the interval, or value +- 2 sd). The checks
run paired variants of the same town (same seed: the same households, draws and particles in every variant).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from calibration.evidence import Check, Evidence, EvidenceTarget, load_evidence
from calibration.model_identity import town_of
from calibration.status import CalibrationStatus, calibration_status
from scenarios.domains import ESCALATIONS
from scenarios.posterior import Posterior, load_posterior
from scenarios.scenario import Scenario
from sim.run import run_scenario

# The town of the fit when no posterior says which: the calibration file's settings
FALLBACK_SETTINGS = {"population.households": 600, "levers.fte": 2.4, "flows.warmup_years": 3, "horizon_years": 3}
ESCALATION_MEASURES = [f"{name}_per_year" for name in ESCALATIONS]


@dataclass
class Validation:
    targets: pd.DataFrame  # one row per compared figure
    checks: pd.DataFrame  # one row per policy-theory check
    predictive: pd.DataFrame  # per replication: each figure's simulated value (for the charts)
    status: CalibrationStatus
    evidence: Evidence
    posterior: Posterior | None
    town: Scenario
    draws: int


def fit_town(posterior: Posterior | None, draws: int, seed: int) -> Scenario:
    """The town the posterior was fitted on, with ``draws`` replications."""
    town = town_of(posterior.about if posterior else {"fit_settings": FALLBACK_SETTINGS})
    return town.with_overrides({"replications": draws, "seed": seed}, origin="mph validate")


def _wide(measures: pd.DataFrame) -> pd.DataFrame:
    """(replication, method) x measure, with the derived sums of :data:`calibration.evidence.DERIVED`."""
    wide = measures.pivot_table(index=["replication", "method"], columns="measure", values="value", aggfunc="first")
    wide["escalations_per_year"] = wide[ESCALATION_MEASURES].sum(axis=1)
    wide["organisation_hours_per_year"] = wide["intake_hours_per_year"] + wide["coordination_hours_per_year"]
    return wide


def simulated(wide: pd.DataFrame, target: EvidenceTarget, households: int) -> pd.Series:
    """Per replication: the model's value of a figure (scaled to the figure's town for counts)."""
    by = wide[target.measure].unstack("method")
    if target.method == "difference":
        values = by["1g1p1r"] - by["verkokerd"]
    elif target.method == "relative":
        values = by["1g1p1r"] / by["verkokerd"].where(by["verkokerd"] != 0) - 1.0
    else:
        values = by[target.method]
    scale = target.town_households / households if target.town_households and target.method != "relative" else 1.0
    return values * scale


def _target_rows(evidence: Evidence, wide: pd.DataFrame, households: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, predictive = [], {}
    for key, target in evidence.compared().items():
        values = simulated(wide, target, households).dropna()
        predictive[key] = values
        median, p5, p95 = (float(values.quantile(q)) if len(values) else np.nan for q in (0.5, 0.05, 0.95))
        low, high = target.band
        rows.append({"figure": key, "use": target.use, "verified": target.verified, "unit": target.unit,
                     "observed": target.centre, "band_low": low, "band_high": high, "predictive_median": median,
                     "predictive_p5": p5, "predictive_p95": p95, "inside": bool(low <= median <= high),
                     "source": target.source})
    return pd.DataFrame(rows), pd.DataFrame(predictive)


def _escalations(scenario: Scenario, method: str) -> pd.Series:
    m = run_scenario(scenario, methods=[method]).measures
    return m[m["measure"].isin(ESCALATION_MEASURES)].groupby("replication")["value"].sum()


def _measure(scenario: Scenario, name: str) -> pd.Series:
    m = run_scenario(scenario, methods=["1g1p1r"]).measures
    return m[m["measure"] == name].set_index("replication")["value"]


def run_check(check: Check, town: Scenario, wide: pd.DataFrame) -> tuple[float, bool, str]:
    """(the measured quantity, whether the claim holds, how it was measured) on the posterior predictive."""
    if check.kind in ("mandate_share", "trainee_share"):
        old = _escalations(town, "verkokerd")
        if check.kind == "mandate_share":
            full = old - _escalations(town, "1g1p1r")
            names = list(town.levers.mandate.model_dump())
            weak = old - _escalations(town.with_overrides({f"levers.mandate.{n}": False for n in names}), "1g1p1r")
            how = "reduction in escalations without any mandate / with full mandate"
        else:
            full = old - _escalations(town.with_overrides({"levers.competence_experienced_share": 1.0}), "1g1p1r")
            weak = old - _escalations(town.with_overrides({"levers.competence_experienced_share": 0.0}), "1g1p1r")
            how = "reduction in escalations by a team of trainees / by an experienced team"
        share = float(weak.mean() / full.mean()) if full.mean() > 0 else np.inf
        return share, bool(share <= check.max_share), f"{how} (at most {check.max_share:.2f})"
    if check.kind == "sign":
        by = wide[check.measure].unstack("method")
        diff = float((by["1g1p1r"] - by["verkokerd"]).mean())
        holds = diff < 0 if check.direction == "lower" else diff > 0
        return diff, bool(holds), f"mean paired difference 1g1p1r - old method in {check.measure}"
    low, high = check.band  # type: ignore[misc]
    if check.years is not None:
        town = town.with_overrides({"horizon_years": check.years}, origin=f"check over {check.years} years")
    with_aftercare = _measure(town.with_overrides({"levers.aftercare_months": 12}), check.measure)
    without = _measure(town.with_overrides({"levers.aftercare_months": 0, "levers.informal_network": False}),
                       check.measure)
    change = float(with_aftercare.mean() / without.mean() - 1.0) if without.mean() > 0 else np.nan
    return change, bool(low <= change <= high), (
        f"{check.measure}: 12 months of aftercare and a network / neither - 1 (within {low:+.2f} to {high:+.2f}), "
        f"over {town.horizon_years} years")


def validate(draws: int = 100, check_replications: int = 12, seed: int = 15,
             evidence_path: Path | None = None) -> Validation:
    """The posterior predictive of ``draws`` replications against the register, and its checks."""
    evidence = load_evidence(evidence_path)
    posterior = load_posterior()
    town = fit_town(posterior, draws, seed)
    wide = _wide(run_scenario(town).measures)
    targets, predictive = _target_rows(evidence, wide, town.population.households)
    check_town = town.with_overrides({"replications": min(check_replications, draws)}, origin="mph validate checks")
    check_wide = wide.loc[wide.index.get_level_values("replication") < check_town.replications]
    rows = []
    for key, check in evidence.spec.checks.items():
        value, holds, how = run_check(check, check_town, check_wide)
        rows.append({"check": key, "claim": check.claim, "measured": value, "holds": holds, "how": how,
                     "source": check.source})
    return Validation(targets, pd.DataFrame(rows), predictive, calibration_status(town), evidence, posterior, town,
                      draws)


def failures(validation: Validation) -> list[str]:
    """The fitted targets outside their band (what ``mph validate --strict`` and the test refuse)."""
    t = validation.targets
    return list(t.loc[(t["use"] == "target") & ~t["inside"], "figure"])


__all__ = ["Validation", "failures", "fit_town", "run_check", "simulated", "validate"]
