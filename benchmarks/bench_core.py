"""Speed of the simulation core: household-weeks per second, seconds per replication, peak memory.

Run: .venv/bin/python benchmarks/bench_core.py   (numbers go to stdout and benchmarks/results/core.json)
Each case runs in a fresh subprocess so peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

CASES = {
    "example (3,000 households, 10 years, both methods)": {"population.households": 3000},
    "city (20,000 households, 10 years, both methods)": {"population.households": 20000, "levers.fte": 80},
}


def measure(overrides: dict) -> dict:
    from scenarios.scenario import load_scenario
    from sim.run import run_replication

    scenario = load_scenario().with_overrides(overrides, origin="benchmark")
    run_replication(scenario, "verkokerd", 99)  # warm-up: imports and first-call costs
    timings = []
    for rep in range(3):
        start = time.perf_counter()
        for method in scenario.methods:
            run_replication(scenario, method, rep)
        timings.append(time.perf_counter() - start)
    seconds = min(timings)
    household_weeks = scenario.population.households * scenario.weeks * len(scenario.methods)
    return {
        "seconds_per_replication_both_methods": round(seconds, 3),
        "household_weeks_per_second": round(household_weeks / seconds),
        "peak_memory_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    if len(sys.argv) == 2:
        print(json.dumps(measure(json.loads(sys.argv[1]))))
        return
    report = {}
    for name, overrides in CASES.items():
        out = subprocess.run([sys.executable, __file__, json.dumps(overrides)], check=True, capture_output=True,
                             text=True).stdout
        report[name] = json.loads(out.strip().splitlines()[-1])
        print(f"{name}: {report[name]}")
    path = Path(__file__).parent / "results" / "core.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
