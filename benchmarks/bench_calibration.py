"""Parameter recovery at full size: a synthetic dossier of the example municipality (3,000 households, 4 years) at
known parameter values, calibrated back with ABC-SMC on a local Dask cluster; reports whether each true value lies
in its 90% credible interval, and the run time.

Run: .venv/bin/python benchmarks/bench_calibration.py [--workers N] [--population N] [--generations N]
Writes benchmarks/results/calibration.json, calibration_posterior.png and calibration_fit.csv (the pyabc state stays
in a temporary folder).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import yaml

from calibration.abc import run_abc
from calibration.config import load_calibration
from calibration.dossiers.schema import write_dossier
from calibration.dossiers.synth import synthesise
from calibration.report import fit_table, posterior_chart, posterior_table
from scenarios.scenario import load_scenario
from sim.experiments.cluster import default_workers

TOWN = {"population.households": 3000, "horizon_years": 4}
TRUE = {"escalations.police_incident.base_hazard": 0.030, "organisations.debt_relief.success_rate": 0.45,
        "dynamics.shock_rate": 0.006}
PRIORS = {
    "escalations.police_incident.base_hazard": {"dist": "uniform", "low": 0.01, "high": 0.06},
    "organisations.debt_relief.success_rate": {"dist": "uniform", "low": 0.2, "high": 0.7},
    "dynamics.shock_rate": {"dist": "uniform", "low": 0.002, "high": 0.012},
}
TARGETS = ["1g1p1r.escalations_per_year", "control.escalations_per_year", "1g1p1r.escalations_year_before",
           "control.escalations_year_before", "1g1p1r.debt_relief_success_share", "control.debt_relief_success_share",
           "1g1p1r.problems_baseline", "1g1p1r.problems_change", "control.trajectories_per_year"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--population", type=int, default=60)
    parser.add_argument("--generations", type=int, default=4)
    args = parser.parse_args()
    results = Path(__file__).parent / "results"
    work = Path(tempfile.mkdtemp(prefix="bench-calibration-"))
    started = time.perf_counter()
    scenario = load_scenario().with_overrides({**TOWN, **TRUE}, origin="benchmark: true values")
    synthetic = synthesise(scenario, 0, counterfactual=False)
    write_dossier(synthetic.dossier, work / "data")
    synth_seconds = time.perf_counter() - started
    config = {"name": "bench_recovery", "fit_settings": TOWN, "replications": 1, "seed": scenario.seed,
              "data": {"households": "data/households.csv", "events": "data/events.csv"},
              "parameters": PRIORS, "targets": [{"dossier": t} for t in TARGETS],
              "abc": {"population_size": args.population, "generations": args.generations}}
    (work / "recovery.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    calibration = load_calibration(work / "recovery.yaml")
    started = time.perf_counter()
    posterior = run_abc(calibration, work / "abc", workers=args.workers, fresh=True, progress=True)
    abc_seconds = time.perf_counter() - started
    table = posterior_table(calibration, posterior.particles)
    posterior_chart(calibration, posterior.particles, results / "calibration_posterior.png", truth=TRUE)
    fit_table(calibration, posterior.simulated).to_csv(results / "calibration_fit.csv", index=False)
    recovered = {row.parameter: {"true": TRUE[row.parameter], "median": round(row.median, 5),
                                 "p5": round(row.p5, 5), "p95": round(row.p95, 5),
                                 "inside_90": bool(row.p5 <= TRUE[row.parameter] <= row.p95)}
                 for row in table.itertuples()}
    report = {
        "town": TOWN, "households_in_dossier": len(synthetic.dossier.households),
        "workers": args.workers, "population_size": args.population, "generations": posterior.generations,
        "evaluations": posterior.evaluations, "synth_seconds": round(synth_seconds, 1),
        "abc_seconds": round(abc_seconds, 1), "seconds_per_evaluation": round(abc_seconds / posterior.evaluations, 3),
        "all_inside_90": all(r["inside_90"] for r in recovered.values()), "parameters": recovered,
    }
    (results / "calibration.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
