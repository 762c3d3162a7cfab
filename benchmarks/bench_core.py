"""Speed of the simulation core: household-weeks per second, seconds per replication, peak memory, and how many
times faster than a plain Mesa model of the same size (benchmarks/plain_mesa.py) measured in the same run.

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
    """A replication as run_scenario plays it: one warm-up of the old method, then both methods' horizons."""
    from scenarios.scenario import load_scenario
    from sim.run import play_replication

    scenario = load_scenario().with_overrides(overrides, origin="benchmark")
    play_replication(scenario, 99)  # imports and first-call costs
    timings, cpu = [], []
    for rep in range(3):
        start, start_cpu = time.perf_counter(), time.process_time()
        play_replication(scenario, rep)
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    seconds = min(timings)
    side_by_side = []  # the two methods' horizons in two threads after the shared warm-up (what `mph run` does
    for rep in range(3):  # for a single replication on a machine with two cores)
        start = time.perf_counter()
        play_replication(scenario, rep, threads=2)
        side_by_side.append(time.perf_counter() - start)
    phases = [where_the_time_goes(scenario, rep) for rep in range(3)]
    weeks = scenario.flows.warmup_years * 52 + scenario.weeks * len(scenario.methods)  # all the weeks it plays
    household_weeks = scenario.population.households * weeks
    return {
        "seconds_per_replication_both_methods": round(seconds, 3),
        # the process's own CPU time: on a machine that others share, wall time measures them too
        "cpu_seconds_per_replication_both_methods": round(min(cpu), 3),
        "seconds_per_replication_methods_in_two_threads": round(min(side_by_side), 3),
        "household_weeks_per_second": round(household_weeks / seconds),
        "peak_memory_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "seconds_by_phase": {name: min(p[name] for p in phases) for name in phases[0]},
    }


def where_the_time_goes(scenario, replication: int) -> dict[str, float]:
    """One replication in its phases, as play_replication plays them: the households and newcomers drawn, the old
    method's warm-up (with the models' set-up), each method's horizon, and the tidy tables."""
    from sim.crn import RandomStreams
    from sim.model import MPHModel, generate_cohort
    from sim.run import run_replication

    times = {}
    start = time.perf_counter()
    cohort = generate_cohort(scenario, RandomStreams(scenario.seed, replication))
    times["population"] = time.perf_counter() - start
    start = time.perf_counter()
    warm = MPHModel(scenario, "verkokerd", replication, cohort)
    models = {m: warm if m == "verkokerd" else MPHModel(scenario, m, replication, cohort, after=warm)
              for m in scenario.methods}
    times["warm_up_and_set_up"] = time.perf_counter() - start
    for method, model in models.items():
        start = time.perf_counter()
        model.run()
        times[f"horizon_{method}"] = time.perf_counter() - start
        start = time.perf_counter()
        run_replication(scenario, method, replication, _Played(model))
        times[f"tables_{method}"] = time.perf_counter() - start
    return {name: round(seconds, 3) for name, seconds in times.items()}


class _Played:
    """A model already run: run_replication then only makes its tables."""

    def __init__(self, model) -> None:
        self._model = model

    def run(self) -> None:
        pass

    def __getattr__(self, name: str):
        return getattr(self._model, name)


def measure_plain_mesa(households: int, weeks: int) -> dict:
    """The same number of households and weeks, once per working method, in plain Mesa."""
    sys.path.insert(0, str(Path(__file__).parent))
    from plain_mesa import PlainModel

    start = time.perf_counter()
    for seed in (1, 2):  # two runs, as the model runs two methods per replication
        model = PlainModel(households, seed)
        for _ in range(weeks):
            model.step()
    seconds = time.perf_counter() - start
    return {"seconds_per_replication_both_methods": round(seconds, 3),
            "household_weeks_per_second": round(households * weeks * 2 / seconds)}


def _in_subprocess(argument: dict) -> dict:
    out = subprocess.run([sys.executable, __file__, json.dumps(argument)], check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) == 2:
        argument = json.loads(sys.argv[1])
        plain = argument.pop("plain_mesa", None)
        print(json.dumps(measure_plain_mesa(**plain) if plain else measure(argument)))
        return
    report = {}
    for name, overrides in CASES.items():
        report[name] = _in_subprocess(overrides)
        print(f"{name}: {report[name]}")
    plain = _in_subprocess({"plain_mesa": {"households": 3000, "weeks": 520}})
    model = report[next(iter(CASES))]
    plain["model_times_faster"] = round(model["household_weeks_per_second"] / plain["household_weeks_per_second"], 1)
    report["plain Mesa model (3,000 households, 10 years, twice)"] = plain
    print(f"plain Mesa, same size: {plain}")
    path = Path(__file__).parent / "results" / "core.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
