"""Speed of sweeps on Dask: replications of the example municipality (3,000 households, 10 years, both methods,
simulated and priced in the MKBA) per second, per core, and the speed-up from 1 to 2 workers.

Run: .venv/bin/python benchmarks/bench_sweep.py [--reps 1000] [--speedup-reps 40] [--workers 2]
Numbers go to stdout and benchmarks/results/sweep.json. The load average at the start is recorded: on a shared
machine other work slows the run down.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from scenarios.register import load_register
from scenarios.scenario import load_scenario
from sim.experiments.batches import Context, Point, execute, make_batches
from sim.experiments.cluster import dask_client
from sim.mkba.cockpit import resolve_rate


def measure(replications: int, workers: int) -> dict:
    scenario = load_scenario()
    register = load_register()
    context = Context((scenario,), register, resolve_rate(register, None, None)[0])
    batches = make_batches(context, [Point(0, 0, {}, scenario.seed)], replications)
    with dask_client(workers=workers) as client:
        client.run(lambda: __import__("sim.experiments.batches"))  # workers' imports are not part of the figure
        started = time.perf_counter()
        tables = execute(context, batches, client, progress=False)
        seconds = time.perf_counter() - started
    assert tables["measures"]["replication"].nunique() == replications
    return {"replications": replications, "workers": workers, "batches": len(batches), "seconds": round(seconds, 2),
            "replications_per_second": round(replications / seconds, 3),
            "replications_per_second_per_core": round(replications / seconds / workers, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=1000, help="replications of the main run (default 1000)")
    parser.add_argument("--speedup-reps", type=int, default=40, help="replications for the 1 vs 2 worker speed-up")
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="workers of the main run (all cores)")
    args = parser.parse_args()
    report = {"machine": {"cores": os.cpu_count(), "load_average_at_start": os.getloadavg()},
              "scenario": "example municipality: 3,000 households, 10 years, both methods, MKBA per replication"}
    one = measure(args.speedup_reps, 1)
    two = measure(args.speedup_reps, 2)
    report["speedup_1_to_2_workers"] = {"one_worker": one, "two_workers": two,
                                        "speedup": round(one["seconds"] / two["seconds"], 2)}
    print(json.dumps(report["speedup_1_to_2_workers"], indent=2))
    report["main_run"] = measure(args.reps, args.workers)
    print(json.dumps(report["main_run"], indent=2))
    path = Path(__file__).parent / "results" / "sweep.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
