"""One workshop run: both methods for every replication (in parallel worker processes if given), and its MKBA.

Replication r of both methods draws from streams seeded by the scenario's seed and r alone, so running the
replications in separate processes gives exactly the numbers of one serial :func:`sim.run.run_scenario` call
(tested): an exported scenario rerun with ``mph run`` reproduces what the room saw. A slider that moves only
levers plays only 1g1p1r again: the old method's replications are kept from the runs before (it reads no lever).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import OrderedDict
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from functools import cache

import pandas as pd

from scenarios.register import Register, load_register
from scenarios.scenario import Scenario
from sim.measures import per_replication
from sim.mkba.cockpit import resolve_rate
from sim.mkba.simulated import SimulatedMkba, simulated_mkba
from sim.run import Results, run_scenario, shared_part


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
    """Worker processes for replications, all started now. Spawned, not forked: the web server runs threads. A
    pool starts a process only when a task finds none idle, and a run holds a few of them at a time: otherwise a
    participant would wait for a worker to start (seconds: it imports the model) in the middle of the workshop."""
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    for started in [pool.submit(_started) for _ in range(workers)]:  # none is idle before all have started
        started.result()
    return pool


def _started() -> int:
    """A worker's first task: unpickling it imports this module, and with it the model."""
    return os.getpid()


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


# The old method's replications of the room's recent runs, by shared part and replication: the old method reads no
# lever (sim.run.shared_part), so when a slider moves a lever only 1g1p1r is played again.
KEPT_OLD_RUNS = 64
_old_runs: OrderedDict[tuple[str, int], Results] = OrderedDict()
_old_runs_lock = threading.Lock()  # the web server runs each participant's session in a thread of its own


def run_replications(scenario: Scenario, executor: Executor | None = None, share: int | None = None) -> Results:
    """All replications of both methods; with an executor, one (replication, method) per task, in the order of
    :func:`sim.run.run_scenario`, so that the tables come out the same row for row; at most ``share`` tasks of
    this run in the pool at a time (default: all). The old method's replications that a recent run with the same
    shared part played are taken from it."""
    if executor is None:
        return run_scenario(scenario, register=register())
    part = shared_part(scenario)
    jobs = [(rep, method) for rep in range(scenario.replications) for method in scenario.methods]
    with _old_runs_lock:
        kept = {job: _old_runs[part, job[0]] for job in jobs if job[1] == "verkokerd" and (part, job[0]) in _old_runs}
    todo = [job for job in jobs if job not in kept]
    played = dict(zip(todo, _in_turn(executor, scenario, todo, share or len(todo)), strict=True))
    with _old_runs_lock:
        for (rep, method), results in played.items():
            if method == "verkokerd":
                _old_runs[part, rep] = results
        for key in kept:
            _old_runs.move_to_end((part, key[0]))
        while len(_old_runs) > KEPT_OLD_RUNS:
            _old_runs.popitem(last=False)
    parts = [kept[job] if job in kept else played[job] for job in jobs]
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
