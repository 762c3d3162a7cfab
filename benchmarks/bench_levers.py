"""Lever settings side by side: the example at k staffing levels (posterior draws), played together
(:func:`sim.run.run_scenarios`: each replication's households, warm-up and old method once) and each alone, in one
process, one thread, back to back, with the numbers checked equal.

Run: .venv/bin/python benchmarks/bench_levers.py [replications] [settings]   (default 10 and 3; figures to stdout
and benchmarks/results/levers.json). CPU seconds, not wall time: the development machine is shared.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pandas as pd


def main() -> None:
    from scenarios.scenario import load_scenario
    from sim.run import run_scenario, run_scenarios

    replications = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    settings = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    example = load_scenario()
    scenarios = [example.with_overrides({"levers.fte": 4.0 * (k + 2)}, origin="benchmark") for k in range(settings)]
    run_scenario(example, replications=1, first_replication=10_000)  # imports and first-call costs
    reps = range(replications)

    start = time.process_time()
    alone = [run_scenario(s, replications=replications) for s in scenarios]
    alone_cpu = time.process_time() - start
    start = time.process_time()
    together = run_scenarios(scenarios, [reps] * settings)
    together_cpu = time.process_time() - start
    for one, other in zip(together, alone, strict=True):
        pd.testing.assert_frame_equal(one.measures, other.measures, check_exact=True)
    report = {"settings": settings, "replications": replications,
              "cpu_seconds_alone": round(alone_cpu, 2), "cpu_seconds_together": round(together_cpu, 2),
              "cpu_seconds_per_setting_and_replication": {
                  "alone": round(alone_cpu / settings / replications, 3),
                  "together": round(together_cpu / settings / replications, 3)},
              "saved": f"{1 - together_cpu / alone_cpu:.0%}"}
    print(json.dumps(report))
    path = Path(__file__).parent / "results" / "levers.json"
    path.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
