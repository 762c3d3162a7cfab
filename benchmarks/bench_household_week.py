"""Where the households' week spends its time (issues 14 and 15: the speed targets), and a replication's CPU time.

Run: .venv/bin/python benchmarks/bench_household_week.py [rounds]   (default 3)
Prints the CPU seconds of ``play_replication(load_scenario(), r)`` for r in 0..4 after a warm call (median per
round), then the CPU milliseconds per replication of each part of the households' week (:func:`_spiral`,
:func:`_escalate`, :func:`_noticed`, :func:`_found`) and of the other phases, timed inside the compiled loop with
the thread's own CPU clock (a clock call costs about a microsecond, ten thousand of them a replication). CPU time,
not wall time: the development machine is shared, and wall time measures the others too.

Run: .venv/bin/python benchmarks/bench_household_week.py kernels [rounds]   (default 12)
Prints each weekly kernel's CPU microseconds per call on a realistic state (the example's 1g1p1r model after five
years of its horizon), the kernels called in turn, round after round, in one process, the least of ``rounds``
rounds; the cost of entering a compiled call with the model's named tuples from Python (unboxing some seventy
arrays, 10-15 us, paid once a year inside a run) is measured with an empty kernel and taken off. Under load
(three engineers on two cores) the figures of separate processes varied by 50%; a variant compared this way, in
the same process beside the kernel it replaces (add it to :func:`kernel_calls`), differs reliably by a few us.
"""

from __future__ import annotations

import statistics
import sys
import time

import numba
import numpy as np
from numba import njit

PARTS = ("spiral", "escalate", "noticed", "found", "team", "care", "involvement", "close", "turnover")


@njit
def _clock() -> float:
    with numba.objmode(t="f8"):
        t = time.thread_time()
    return t


def _timed_simulate():
    """sim.model._simulate with a clock between its phases; the household week is split into its four parts."""
    import agents.household as H
    from sim.model import (
        ACTIVE,
        AFTERCARE,
        DIAGNOSIS,
        Total,
        _close_week,
        care_week,
        involvement_week,
        team_week,
        turnover_week,
    )

    spiral, escalate, noticed, found = H._spiral, H._escalate, H._noticed, H._found

    @njit
    def simulate(hh, life, rules, care, care_rules, care_scratch, team, team_rules, with_team, flows, flow_rules,
                 ever_in_approach, stabilised, ever_stabilised, stable_mean_below, stable_max_below,
                 relapse_mean_above, fte, staffed, seeds, first_week, last_week, totals, per_org, involvement, spent):
        series = np.empty((last_week - first_week + 1, 3), dtype=np.int64)
        for week in range(first_week, last_week + 1):
            t = _clock()
            spiral(hh, life, care, care_rules, team, rules, seeds, week)
            t, spent[0] = _clock(), spent[0] + _clock() - t
            escalate(hh, life, team, rules, seeds, week, totals)
            t, spent[1] = _clock(), spent[1] + _clock() - t
            noticed(hh, life, care, care_rules, team, rules, seeds, week, per_org)
            t, spent[2] = _clock(), spent[2] + _clock() - t
            found(hh, life, team, rules, seeds, week)
            t, spent[3] = _clock(), spent[3] + _clock() - t
            if with_team:
                team_week(hh, life, team, team_rules, care, care_rules, ever_in_approach, seeds, week, totals,
                          per_org)
            t, spent[4] = _clock(), spent[4] + _clock() - t
            care_week(hh, life.reached, care, care_rules, team.competence, seeds, week, per_org, care_scratch[0],
                      care_scratch[1])
            t, spent[5] = _clock(), spent[5] + _clock() - t
            if week > 0:
                involvement_week(hh, life.applicable, care, care_rules, life.events, team.phase,
                                 (DIAGNOSIS, ACTIVE), (DIAGNOSIS, AFTERCARE), involvement)
            t, spent[6] = _clock(), spent[6] + _clock() - t
            row = series[week - first_week]
            row[0], row[1], row[2] = _close_week(hh, life, care, team, flows, stabilised, ever_stabilised,
                                                 stable_mean_below, stable_max_below, relapse_mean_above, week,
                                                 totals)
            t, spent[7] = _clock(), spent[7] + _clock() - t
            turnover_week(hh, life, care, team, flows, flow_rules, ever_in_approach, stabilised, ever_stabilised,
                          week, totals)
            spent[8] += _clock() - t
            if staffed:
                totals[Total.regisseur_fte_weeks] += fte
                totals[Total.approach_weeks] += 1.0
        return series

    return simulate


def replication_cpu(rounds: int) -> list[float]:
    """Per round, the median CPU seconds of replications 0..4 of the example (both methods, warm-up included)."""
    from scenarios.scenario import load_scenario
    from sim.run import play_replication

    scenario = load_scenario()
    play_replication(scenario, 99)  # imports and first-call costs
    medians = []
    for _ in range(rounds):
        cpu = []
        for rep in range(5):
            start = time.process_time()
            play_replication(scenario, rep)
            cpu.append(time.process_time() - start)
        medians.append(statistics.median(cpu))
    return medians


def parts_ms(rounds: int) -> dict[str, float]:
    """CPU milliseconds per replication of each phase (the least of ``rounds`` rounds of replications 0..2)."""
    import sim.model as model
    from scenarios.scenario import load_scenario
    from sim.run import play_replication

    scenario = load_scenario()
    simulate, original = _timed_simulate(), model._simulate
    spent = np.zeros(len(PARTS))
    model._simulate = lambda *args: simulate(*args, spent)
    try:
        play_replication(scenario, 99)
        best = np.full(len(PARTS), np.inf)
        for _ in range(rounds):
            spent[:] = 0.0
            for rep in range(3):
                play_replication(scenario, rep)
            best = np.minimum(best, spent / 3)
    finally:
        model._simulate = original
    return {name: round(1000 * seconds, 1) for name, seconds in zip(PARTS, best, strict=True)}


@njit
def _entry(*args) -> None:
    """Nothing: the cost of entering a compiled call with these arguments."""


def kernel_calls() -> dict[str, object]:
    """The weekly kernels, each a call without arguments on one model's state (which they change as a week would;
    severity is restored after each kernel's calls, so the state does not drift far)."""
    import agents.household as H
    import sim.model as M
    from agents.organisation import involvement_week
    from agents.regisseur import ACTIVE, AFTERCARE, DIAGNOSIS, _prepare
    from scenarios.scenario import load_scenario
    from sim.run import replication_models

    model = replication_models(load_scenario(), 0)["1g1p1r"]
    model.run_for(5 * 52)
    hh, life, care, team, rules = model.households, model.life, model.care.cases, model.team_cases, model.rules
    care_rules, seeds, totals, dyn = model.care.rules, model.streams.seeds, model.tally.totals, model.params.dynamics
    week = model.week + 1
    close = (hh, life, care, team, model.flows, model.stabilised, model.ever_stabilised, dyn.stabilised_mean_below,
             dyn.stabilised_max_below, dyn.relapse_mean_above, week, totals)
    calls = {
        "spiral": (H._spiral, (hh, life, care, care_rules, team, rules, seeds, week)),
        "escalate": (H._escalate, (hh, life, team, rules, seeds, week, totals)),
        "noticed": (H._noticed, (hh, life, care, care_rules, team, rules, seeds, week, model.tally.per_org)),
        "found": (H._found, (hh, life, team, rules, seeds, week)),
        "prepare (team)": (_prepare, (hh, life, team, model.team_rules, seeds, week)),
        "involvement": (involvement_week, (hh, life.applicable, care, care_rules, life.events, team.phase,
                                           (DIAGNOSIS, ACTIVE), (DIAGNOSIS, AFTERCARE), model.involvement)),
        "close": (M._close_week, close),
    }
    return {name: (kernel, args, hh.severity) for name, (kernel, args) in calls.items()}


def kernels_us(rounds: int, calls_per_round: int = 100) -> dict[str, float]:
    """CPU microseconds per call of each kernel, less the cost of entering it (see the module's docstring)."""
    calls = kernel_calls()
    best = dict.fromkeys(calls, np.inf)
    entry = dict.fromkeys(calls, np.inf)
    for _ in range(rounds):
        for name, (kernel, args, severity) in calls.items():
            before = severity.copy()
            for f, into in ((kernel, best), (_entry, entry)):
                f(*args)
                start = time.process_time()
                for _ in range(calls_per_round):
                    f(*args)
                into[name] = min(into[name], (time.process_time() - start) / calls_per_round)
            np.copyto(severity, before)
    return {name: round(1e6 * (best[name] - entry[name]), 1) for name in calls}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "kernels":
        rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 12
        print("CPU us per call (least of", rounds, "rounds, entry cost taken off):", kernels_us(rounds))
        return
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    medians = replication_cpu(rounds)
    print("CPU s per replication (median of reps 0..4), per round:", [round(m, 3) for m in medians])
    parts = parts_ms(rounds)
    print("CPU ms per replication by phase:", parts)
    print("households' week:", round(sum(parts[p] for p in PARTS[:4]), 1), "ms")


if __name__ == "__main__":
    main()
