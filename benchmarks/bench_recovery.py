"""Recovery coverage, measured: parameter recovery repeated for truths drawn from the prior, on a reduced model.

For each truth: the model at the truth (its own seed) gives the observed targets; ABC-SMC (single-core sampler,
seeded) fits the parameters back; the 50% and 90% central credible intervals of the weighted particles either hold
the truth or not. Over the truths, the share that holds it is the empirical coverage per parameter (goal: within
10 points of 50% and 90%). The targets' sds are the simulation noise at the prior's centre (replications with
other seeds), so the distance weighs each target by how well one run can know it.

Run (about a minute per truth on a free core): nice -n 5 .venv/bin/python benchmarks/bench_recovery.py [--truths 20]
[--processes 2] [--population 50] [--generations 3]. Writes benchmarks/results/recovery.json (also after each truth,
so an interrupted run reports what it measured) and recovery.csv.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

TOWN = {"population.households": 400, "levers.fte": 1.6, "flows.warmup_years": 2, "horizon_years": 2}
PRIORS = {
    "escalations.eviction_threat.base_hazard": {"dist": "uniform", "low": 0.005, "high": 0.03},
    "organisations.debt_relief.success_rate": {"dist": "uniform", "low": 0.25, "high": 0.65},
    "regisseur_effects.empowerment_rate": {"dist": "uniform", "low": 0.0005, "high": 0.008},
}
TARGETS = [("verkokerd", "eviction_threats_per_year"), ("verkokerd", "eviction_per_year"),
           ("verkokerd", "debt_relief_success_share"), ("1g1p1r", "debt_relief_success_share"),
           ("difference", "households_stabilised"), ("difference", "police_incident_per_year")]
RESULTS = Path(__file__).parent / "results"
SEED = 2011


def _simulate(params: dict[str, float], seed: int) -> dict[str, float]:
    from scenarios.scenario import load_scenario
    from sim.run import run_scenario

    scenario = load_scenario().with_overrides({**TOWN, **params, "seed": seed, "replications": 1}, origin="bench")
    summary = run_scenario(scenario, point=True).summary()["mean"]
    return {f"{m}:{name}": float(summary[(m, name)]) for m, name in TARGETS}


def _noise() -> dict[str, float]:
    """Each target's sd over seeds at the centre of the priors."""
    centre = {n: (p["low"] + p["high"]) / 2 for n, p in PRIORS.items()}
    runs = pd.DataFrame([_simulate(centre, 1000 + i) for i in range(6)])
    return {k: max(float(v), 1e-3) for k, v in runs.std(ddof=1).items()}


def _interval_holds(values: np.ndarray, weights: np.ndarray, truth: float, mass: float) -> bool:
    from calibration.report import weighted_quantiles

    low, high = weighted_quantiles(values, weights, ((1 - mass) / 2, (1 + mass) / 2))
    return bool(low <= truth <= high)


def recover(index: int, truth: dict[str, float], sd: dict[str, float], population: int,
            generations: int) -> dict[str, Any]:
    from calibration.abc import run_abc
    from calibration.config import load_calibration

    started = time.perf_counter()
    observed = _simulate(truth, SEED + 7919 * (index + 1))
    work = Path(tempfile.mkdtemp(prefix=f"bench-recovery-{index}-"))
    config = {"name": f"recovery_{index}", "fit_settings": TOWN, "replications": 1, "seed": SEED + index,
              "parameters": PRIORS,
              "targets": [{"name": f"{m}:{name}", "measure": name, "method": m, "value": observed[f"{m}:{name}"],
                           "sd": sd[f"{m}:{name}"]} for m, name in TARGETS],
              "abc": {"population_size": population, "generations": generations}}
    (work / "recovery.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    result = run_abc(load_calibration(work / "recovery.yaml"), work / "out", workers=1)
    weights = result.particles["weight"].to_numpy()
    row: dict[str, Any] = {"truth": index, "seconds": round(time.perf_counter() - started, 1),
                           "evaluations": result.evaluations}
    for name, value in truth.items():
        values = result.particles[name].to_numpy()
        row[f"{name}:true"] = value
        row[f"{name}:in50"] = _interval_holds(values, weights, value, 0.5)
        row[f"{name}:in90"] = _interval_holds(values, weights, value, 0.9)
    return row


def coverage(rows: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    frame = pd.DataFrame(rows)
    return {name: {f"coverage_{mass}": float(frame[f"{name}:in{mass}"].mean()) for mass in (50, 90)}
            for name in PRIORS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truths", type=int, default=20)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--population", type=int, default=50)
    parser.add_argument("--generations", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    rng = np.random.default_rng(SEED)
    truths = [{n: float(rng.uniform(p["low"], p["high"])) for n, p in PRIORS.items()} for _ in range(args.truths)]
    sd = _noise()
    rows: list[dict[str, Any]] = []
    RESULTS.mkdir(exist_ok=True)
    with ProcessPoolExecutor(args.processes) as pool:
        futures = [pool.submit(recover, i, t, sd, args.population, args.generations) for i, t in enumerate(truths)]
        for future in futures:
            rows.append(future.result())
            report = {"truths_done": len(rows), "truths_planned": args.truths, "town": TOWN, "priors": PRIORS,
                      "targets": [f"{m}:{n}" for m, n in TARGETS], "target_sd": sd,
                      "abc": {"population_size": args.population, "generations": args.generations,
                              "sampler": "single-core"},
                      "processes": args.processes, "seconds": round(time.perf_counter() - started, 1),
                      "coverage": coverage(rows)}
            (RESULTS / "recovery.json").write_text(json.dumps(report, indent=2))
            pd.DataFrame(rows).to_csv(RESULTS / "recovery.csv", index=False)
            print(f"truth {len(rows)}/{args.truths}: {json.dumps(report['coverage'])}", flush=True)


if __name__ == "__main__":
    main()
