"""One workshop run: both methods for every replication (in parallel worker processes if given), and its MKBA.

Replication r of both methods draws from streams seeded by the scenario's seed and r alone, so running the
replications in separate processes gives exactly the numbers of one serial :func:`sim.run.run_scenario` call
(tested): an exported scenario rerun with ``mph run`` reproduces what the room saw.
"""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from functools import cache

import pandas as pd

from scenarios.register import Register, load_register
from scenarios.scenario import Scenario
from sim.measures import per_replication
from sim.mkba.cockpit import resolve_rate
from sim.mkba.simulated import SimulatedMkba, simulated_mkba
from sim.run import Results, run_scenario


@dataclass(frozen=True)
class Outcome:
    """What the views show: the run, its MKBA at the register's default discount regime, and the time it took."""

    results: Results
    mkba: SimulatedMkba
    regime: str
    seconds: float


@cache
def register() -> Register:
    """The bundled register (read once per process: it is data, not anyone's settings)."""
    return load_register()


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes for replications. Spawned, not forked: the web server runs threads."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def _one_run(scenario: Scenario, job: tuple[int, str]) -> Results:
    replication, method = job
    return run_scenario(scenario, replications=1, first_replication=replication, methods=[method],
                        register=register())


def _in_turn(executor: Executor, scenario: Scenario, jobs: list[tuple[int, str]], share: int) -> list[Results]:
    """The jobs' results in order, with at most ``share`` of them queued or running at a time: the pool is the
    whole room's, and a participant who submitted 40 tasks at once would make everyone else wait behind them."""
    parts: dict[int, Results] = {}
    running: dict[Future, int] = {}
    for index, job in enumerate(jobs):
        if len(running) >= share:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            parts |= {running.pop(future): future.result() for future in done}
        running[executor.submit(_one_run, scenario, job)] = index
    parts |= {index: future.result() for future, index in running.items()}
    return [parts[index] for index in range(len(jobs))]


def run_replications(scenario: Scenario, executor: Executor | None = None, share: int | None = None) -> Results:
    """All replications of both methods; with an executor, one (replication, method) per task, in the order of
    :func:`sim.run.run_scenario`, so that the tables come out the same row for row; at most ``share`` tasks of
    this run in the pool at a time (default: all)."""
    if executor is None:
        return run_scenario(scenario, register=register())
    jobs = [(rep, method) for rep in range(scenario.replications) for method in scenario.methods]
    parts = _in_turn(executor, scenario, jobs, share or len(jobs))
    yearly, weekly, costs = (pd.concat([getattr(part, name) for part in parts], ignore_index=True)
                             for name in ("yearly", "weekly", "costs"))
    return Results(scenario, yearly, weekly, per_replication(yearly, costs, scenario), costs)


def simulate(scenario: Scenario, executor: Executor | None = None, share: int | None = None) -> Outcome:
    started = time.perf_counter()
    results = run_replications(scenario, executor, share)
    rate_pct, regime = resolve_rate(register(), None, None)
    mkba = simulated_mkba(results, register(), rate_pct)
    results.summary()  # computed once here, so the cached outcome carries it to every rerun
    return Outcome(results, mkba, regime, time.perf_counter() - started)
