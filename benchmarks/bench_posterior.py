"""Speed of a posterior-predictive run (issue 15): the example with N parameter draws from the shipped posterior,
as ``mph run --reps N`` plays it (replications side by side in one thread per core), without writing outputs.

Run: .venv/bin/python benchmarks/bench_posterior.py [N]   (default 200; figures to stdout and
benchmarks/results/posterior.json). The target: 200 draws in under a minute on the 2-core machine.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def main() -> None:
    from scenarios.scenario import load_scenario
    from sim.run import run_scenario

    draws = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    scenario = load_scenario()
    threads = os.cpu_count() or 1
    run_scenario(scenario, replications=1, first_replication=10_000)  # imports and first-call costs
    load = os.getloadavg()[0]
    start, start_cpu = time.perf_counter(), time.process_time()
    results = run_scenario(scenario, replications=draws, threads=threads)
    seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    report = {"draws": draws, "threads": threads, "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
              "cpu_seconds_per_draw": round(cpu / draws, 3),
              "distinct_particles": int(results.draws["particle"].nunique()),
              "load_average_at_start": round(load, 1)}
    print(json.dumps(report))
    path = Path(__file__).parent / "results" / "posterior.json"
    path.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
