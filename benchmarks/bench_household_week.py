"""Where the households' week spends its time (issues 14 and 15: the speed targets), and a replication's CPU time.

Run: .venv/bin/python benchmarks/bench_household_week.py [rounds]   (default 3)
Prints the CPU seconds of ``play_replication(load_scenario(), r)`` for r in 0..4 after a warm call (median per
round), then the CPU milliseconds per replication of each part of the households' week (:func:`_spiral`,
:func:`_escalate`, :func:`_noticed`, :func:`_found`) and of the other phases, timed inside the compiled loop with
the thread's own CPU clock (a clock call costs about a microsecond, ten thousand of them a replication). CPU time,
not wall time: the development machine is shared, and wall time measures the others too.
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


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    medians = replication_cpu(rounds)
    print("CPU s per replication (median of reps 0..4), per round:", [round(m, 3) for m in medians])
    parts = parts_ms(rounds)
    print("CPU ms per replication by phase:", parts)
    print("households' week:", round(sum(parts[p] for p in PARTS[:4]), 1), "ms")


if __name__ == "__main__":
    main()
