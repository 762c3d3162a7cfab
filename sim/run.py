"""Running scenarios: replications of both working methods on the same households, as tidy DataFrames.

:func:`run_scenario` is the one function sweeps and calibration call. It lives in the installed package (not a
notebook) so it pickles to worker processes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from tqdm import tqdm

from scenarios.posterior import drawn_parameters, pinned, with_particle
from scenarios.register import Register, load_register
from scenarios.scenario import Scenario
from sim.costing import yearly_costs
from sim.crn import RandomStreams
from sim.measures import per_replication, summarise
from sim.model import METHODS, WEEKLY_SERIES, MPHModel, RowsExhausted, generate_cohort
from sim.population import SPARE_ROWS

# Rows per household of the stock a replication may grow to before it stops with an error (see _retried).
MAX_SPARE_ROWS = 8.0
# The yearly flow table (issue 14): who came in and who left (by reason), and at the year's end the stock, the found
# and those in the approach.
FLOWS = ("entered", "left_recovered", "left_departed", "left_children_grown", "stock", "found_now", "in_approach_now")


@dataclass
class Results:
    """What a scenario run produced.

    ``yearly``: one row per replication, method, year and measure (the raw counts of each simulated year).
    ``weekly``: weekly series per replication and method (approach size, regisseur queue, organisations' waiting).
    ``measures``: one row per replication, method and measure, over the whole horizon.
    ``costs``: one row per replication, method, year, cost item and payer (EUR, register prices).
    """

    scenario: Scenario
    yearly: pd.DataFrame
    weekly: pd.DataFrame
    measures: pd.DataFrame
    costs: pd.DataFrame
    # which posterior particle each replication drew (replication, particle); empty for point values
    draws: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["replication", "particle"]))
    _summary: pd.DataFrame | None = field(default=None, init=False, repr=False)

    def summary(self) -> pd.DataFrame:
        """Per method and measure: mean and the 5% and 95% quantiles over replications, and the paired difference."""
        if self._summary is None:  # the table, the charts and the JSON all ask for it
            self._summary = summarise(self.measures)
        return self._summary

    def flows(self) -> pd.DataFrame:
        """The yearly flow table: per method and year, the mean over replications of :data:`FLOWS`."""
        rows = self.yearly[self.yearly["measure"].isin(FLOWS)]
        table = rows.pivot_table(index=["method", "year"], columns="measure", values="value", aggfunc="mean")
        return table[list(FLOWS)].reindex(list(self.scenario.methods), level="method")


def run_replication(scenario: Scenario, method: str, replication: int,
                    model: MPHModel | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One replication of one method: (yearly counts in long form, weekly series). ``model``: the replication's
    model of the method at week 0 (:func:`replication_models`); made here if not given."""
    model = model if model is not None else MPHModel(scenario, method, replication)
    return _frames([_horizon_of(replication, method, model)])


@dataclass(frozen=True)
class _Horizon:
    """What one method's horizon left: the arrays its rows in the yearly and weekly tables are made of. The tables
    of a whole run are made once from all of these (:func:`_frames`): a DataFrame per replication and method, and
    concatenating them, cost more than a posterior draw's tables themselves (issue 15)."""

    replication: int
    method: str
    years: np.ndarray  # int64 (Y,)
    measures: list[str]
    values: np.ndarray  # float (Y, measures): the DataCollector's ``years`` table
    weekly: np.ndarray  # int64 (weeks, WEEKLY_SERIES)


def _horizon_of(replication: int, method: str, model: MPHModel) -> _Horizon:
    """Play ``model`` over the horizon and keep what its tables need."""
    model.run()
    years = model.datacollector.tables["years"]
    measures = [column for column in years if column != "year"]
    return _Horizon(replication, method, np.asarray(years["year"]), measures,
                    np.array([years[m] for m in measures], dtype=float).T.reshape(len(years["year"]), len(measures)),
                    model.weekly_series())


def _frames(horizons: Sequence[_Horizon]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The yearly table (replication, method, year, measure, value: measure by measure, as ``melt`` of the wide
    year table gives) and the weekly one (replication, method, week, *WEEKLY_SERIES) of the horizons, in order."""
    rows = np.array([h.values.size for h in horizons])
    weeks = np.array([len(h.weekly) for h in horizons])
    replications = np.array([h.replication for h in horizons], dtype=np.int64)
    methods = _Labels([h.method for h in horizons])
    measures = _Labels([m for h in horizons for m in h.measures])
    yearly = pd.DataFrame({
        "replication": np.repeat(replications, rows),
        "method": methods.column(np.repeat(methods.codes, rows)),
        "year": np.concatenate([np.tile(h.years, len(h.measures)) for h in horizons]),
        "measure": measures.column(np.concatenate([np.repeat(measures.codes_of(h.measures), len(h.years))
                                                   for h in horizons])),
        "value": np.concatenate([h.values.T.ravel() for h in horizons]),
    })
    series = np.concatenate([h.weekly for h in horizons])
    weekly = pd.DataFrame({
        "replication": np.repeat(replications, weeks),
        "method": methods.column(np.repeat(methods.codes, weeks)),
        "week": np.concatenate([np.arange(1, n + 1) for n in weeks]),
        **{name: series[:, k] for k, name in enumerate(WEEKLY_SERIES)},
    })
    return yearly, weekly


class _Labels:
    """Distinct strings and codes into them: a string column made by taking from the few distinct ones (a tenth of
    the time of converting a column of Python strings, with the same pandas ``str`` dtype)."""

    def __init__(self, names: Sequence[str]) -> None:
        self.index = {name: k for k, name in enumerate(dict.fromkeys(names))}
        self.codes = self.codes_of(names)

    def codes_of(self, names: Sequence[str]) -> np.ndarray:
        return np.array([self.index[name] for name in names], dtype=np.intp)

    def column(self, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
        return pd.array(list(self.index), dtype="str").take(codes)


def replication_models(scenario: Scenario, replication: int,
                       spare_rows: float = SPARE_ROWS) -> dict[str, MPHModel]:
    """The replication's model of each of the scenario's methods at week 0: one generation of households and one
    warm-up (the old method's, before anyone else runs on) serve them all."""
    warm, own = _models(replication, [scenario], spare_rows)
    return {method: warm if method == "verkokerd" else own[0] for method in scenario.methods}


def _models(replication: int, scenarios: Sequence[Scenario],
            spare_rows: float) -> tuple[MPHModel, dict[int, MPHModel]]:
    """For scenarios with one :func:`shared_part`: one generation of households, the old method's model after the
    warm-up (the first scenario's), and a 1g1p1r model at week 0 for each scenario that runs it (by its index), which
    copies that warm-up before the old method's horizon plays on from it."""
    first = scenarios[0]
    cohort = generate_cohort(first, RandomStreams(first.seed, replication), spare_rows)
    warm = MPHModel(first, "verkokerd", replication, cohort)
    return warm, {i: MPHModel(s, "1g1p1r", replication, cohort, after=warm) for i, s in enumerate(scenarios)
                  if "1g1p1r" in s.methods}


def play_replication(scenario: Scenario, replication: int,
                     threads: int = 1) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """Every method of one replication from its one shared warm-up: (yearly, weekly) per method, in order. The
    replication draws its parameters from the shipped posterior (:func:`scenarios.posterior.with_particle`).
    ``threads`` > 1 plays the methods' horizons side by side after the warm-up (the same numbers)."""
    return [_frames([horizon]) for horizon in _play_many([scenario], replication, threads)[0][0]]


def shared_part(scenario: Scenario) -> str:
    """What a replication's households, warm-up and old method depend on: the scenario without its levers (and
    without what no run reads: names, sources, the replication count, the methods, the uncertainties' ranges), and
    which parameters it draws from the posterior. Scenarios with the same shared part play the same households,
    warm-up and old-method horizon in each replication; only 1g1p1r differs (the old method reads no lever:
    tests/test_shared_runs.py)."""
    tree = scenario.model_dump(mode="json", exclude={"levers", "name", "description", "sources", "replications",
                                                     "methods", "uncertainties"})
    tree["drawn from the posterior"] = drawn_parameters(scenario)
    return hashlib.sha256(json.dumps(tree, sort_keys=True).encode()).hexdigest()[:16]


def _play_many(scenarios: Sequence[Scenario], replication: int,
               threads: int = 1) -> list[tuple[list[_Horizon], int | None]]:
    """Replication ``replication`` of each scenario, with its particle drawn from the posterior: (the horizons of
    its methods, the particle). Scenarios that differ only in their levers (the same :func:`shared_part` once the
    particle is drawn) share one generation of households, one warm-up and the old method's horizon, and play only
    their own 1g1p1r horizons: a comparison or sweep of k lever settings costs one replication plus k - 1 horizons
    of 1g1p1r, not k replications, with the numbers each gets alone."""
    drawn = [with_particle(scenario, replication) for scenario in scenarios]
    groups: dict[str, list[int]] = {}
    for i, (scenario, _) in enumerate(drawn):
        groups.setdefault(shared_part(scenario), []).append(i)
    played: dict[int, list[_Horizon]] = {}
    for members in groups.values():
        if len(members) == 1:
            played[members[0]] = _retried(drawn[members[0]][0], replication, threads)
            continue
        try:
            played.update(zip(members, _horizons(replication, [drawn[i][0] for i in members], threads, SPARE_ROWS),
                              strict=True))
        except RowsExhausted:  # each on its own, with the empty rows its own run would end up with
            played.update((i, _retried(drawn[i][0], replication, threads)) for i in members)
    return [(played[i], particle) for i, (_, particle) in enumerate(drawn)]


def _retried(scenario: Scenario, replication: int, threads: int) -> list[_Horizon]:
    """The horizons of one scenario whose particle is drawn, played again with more empty rows while the stock
    outgrows them."""
    spare_rows = SPARE_ROWS
    while True:
        try:
            return _horizons(replication, [scenario], threads, spare_rows)[0]
        except RowsExhausted:
            # A posterior draw can let the stock grow past the spare rows (particle 162 of the example's seed did,
            # replication 6). The same households again with more empty rows: a run that fitted is unchanged, and
            # one that did not is played the same way every time.
            if spare_rows >= MAX_SPARE_ROWS:
                raise
            spare_rows *= 1.5


def _horizons(replication: int, scenarios: Sequence[Scenario], threads: int,
              spare_rows: float) -> list[list[_Horizon]]:
    """Each scenario's horizons, in the order of its methods, for scenarios with one shared part: one warm-up, the
    old method's horizon once, 1g1p1r's for each; ``threads`` > 1 plays the horizons side by side."""
    warm, own = _models(replication, scenarios, spare_rows)
    with_old = any("verkokerd" in s.methods for s in scenarios)
    tasks = [*([("verkokerd", warm)] if with_old else []), *(("1g1p1r", model) for model in own.values())]
    horizons = _side_by_side(lambda task: _horizon_of(replication, *task), tasks, threads)
    old = horizons.pop(0) if with_old else None
    mine = dict(zip(own, horizons, strict=True))
    return [[old if method == "verkokerd" else mine[i] for method in s.methods] for i, s in enumerate(scenarios)]


def _side_by_side[T, R](task: Callable[[T], R], items: Sequence[T], threads: int, progress: bool = False) -> list[R]:
    """``task`` of each item, in order; in up to ``threads`` threads of this process. The compiled weeks release the
    GIL, and every draw is keyed, so the results do not depend on the threads."""
    workers = min(threads, len(items))
    pool = ThreadPoolExecutor(workers) if workers > 1 else None
    try:
        done = pool.map(task, items) if pool is not None else map(task, items)
        return list(tqdm(done, total=len(items), desc="simulating", unit="replication", disable=not progress,
                         leave=False))
    finally:
        if pool is not None:  # after Ctrl+C only the tasks already playing finish
            pool.shutdown(cancel_futures=True)


def run_scenario(
    scenario: Scenario,
    *,
    seed: int | None = None,
    replications: int | None = None,
    years: int | None = None,
    methods: Sequence[str] | None = None,
    first_replication: int = 0,
    register: Register | None = None,
    progress: bool = False,
    threads: int = 1,
    point: bool = False,
) -> Results:
    """Run ``replications`` replications of each method; each replication's methods share all random draws.

    Each replication draws the calibrated parameters from the shipped posterior (posterior predictive; see
    :mod:`scenarios.posterior`); ``point`` holds them at the scenario's point values instead.

    ``threads`` > 1 runs replications side by side in threads of this process: the compiled weeks release the GIL,
    and every draw is keyed, so the numbers are the same as in one thread (tested). Threads left over (more threads
    than replications) play a replication's methods side by side. Sweeps leave it at 1: there every core already
    runs a Dask worker.
    """
    overrides = {}
    if seed is not None:
        overrides["seed"] = seed
    if replications is not None:
        overrides["replications"] = replications
    if years is not None:
        overrides["horizon_years"] = years
    if methods is not None:
        overrides["methods"] = list(methods)
    if overrides:
        scenario = scenario.with_overrides(overrides, origin="run options")
    if point:
        scenario = pinned(scenario)

    reps = range(first_replication, first_replication + scenario.replications)
    return run_scenarios([scenario], [reps], registers=[register] if register is not None else None,
                         progress=progress, threads=threads)[0]


def run_scenarios(scenarios: Sequence[Scenario], replications: Sequence[range], *,
                  registers: Sequence[Register] | None = None, progress: bool = False,
                  threads: int = 1) -> list[Results]:
    """:func:`run_scenario` of each scenario over its ``replications`` (the numbers of its replications), with the
    numbers each gets alone; where scenarios differ only in their levers, each replication's households, warm-up
    and old method are played once for all of them (:func:`_play_many`). ``registers``: each scenario's prices
    (default: the shipped register)."""
    numbers = sorted({r for reps in replications for r in reps})
    members = {r: [i for i, reps in enumerate(replications) if r in reps] for r in numbers}

    def replication(r: int) -> list[tuple[list[_Horizon], int | None]]:
        return _play_many([scenarios[i] for i in members[r]], r, threads=max(1, threads // len(numbers)))

    played: dict[tuple[int, int], tuple[list[_Horizon], int | None]] = {}
    for r, outcomes in zip(numbers, _side_by_side(replication, numbers, threads, progress), strict=True):
        played.update(((i, r), outcome) for i, outcome in zip(members[r], outcomes, strict=True))
    shipped = load_register() if registers is None else None
    results = []
    for i, (scenario, reps) in enumerate(zip(scenarios, replications, strict=True)):
        outcomes = [played[i, r] for r in reps]
        draws = pd.DataFrame([(r, particle) for r, (_, particle) in zip(reps, outcomes, strict=True)
                              if particle is not None], columns=["replication", "particle"])
        yearly, weekly = _frames([horizon for horizons, _ in outcomes for horizon in horizons])
        register = registers[i] if registers is not None else shipped
        costs = yearly_costs(yearly, list(scenario.organisations), register)
        results.append(Results(scenario, yearly, weekly, per_replication(yearly, costs, scenario), costs, draws))
    return results


__all__ = ["FLOWS", "METHODS", "Results", "play_replication", "replication_models", "run_replication", "run_scenario",
           "run_scenarios", "shared_part"]
