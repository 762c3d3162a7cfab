"""Running many experiments (design points x replications) in batches, on Dask or in this process, resumable.

Each design point is a base scenario plus drawn values (model parameters and ``register.<key>`` prices) and its
own seed. Its replications are cut into batches of about a second of work each (Dask costs a few milliseconds
per task), each batch a pure function of its inputs: the numbers do not depend on the number of workers, on
which worker ran what, or on the order in which batches finish. With a :class:`BatchStore` each finished batch
is written atomically to a folder named by a hash of everything that determines the results (scenarios,
register, design, code); a rerun skips the batches found there, so an interrupted sweep resumes without redoing
or losing finished runs.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from scenarios.domains import ESCALATIONS
from scenarios.register import Register
from scenarios.scenario import Scenario
from sim.fingerprint import code_fingerprint
from sim.reports.outputs import atomic_write
from sim.tidy import long_form

# Speed of the model used to size batches (household-weeks per second, both methods; benchmarks/bench_core.py
# measured about 14-15 M on this machine). Batches of about a second keep Dask's cost per task and the fixed cost of
# pricing a batch small. Only the batch size depends on these, not any result.
HOUSEHOLD_WEEKS_PER_SECOND = 14e6
BATCH_SECONDS = 1.0
KEYS = ["point", "replication", "method", "measure"]


@dataclass(frozen=True)
class Context:
    """What every batch shares; sent to the workers once."""

    scenarios: tuple[Scenario, ...]
    register: Register
    rate_pct: float
    with_yearly: bool = False


@dataclass(frozen=True)
class Point:
    """A design point: base scenario ``scenario`` (an index into :attr:`Context.scenarios`) with ``values`` set."""

    index: int
    scenario: int
    values: dict[str, Any]
    seed: int
    labels: dict[str, Any] = field(default_factory=dict)  # the factors' values, for the results table


@dataclass(frozen=True)
class Run:
    point: Point
    first_replication: int
    replications: int


@dataclass(frozen=True)
class Batch:
    index: int
    runs: tuple[Run, ...]


def point_scenario(context: Context, point: Point) -> tuple[Scenario, Register]:
    """The scenario and register of a design point (validated: a bad drawn value names the point)."""
    scenario, prices = context.scenarios[point.scenario].with_values(point.values, f"design point {point.index}")
    scenario = scenario.with_overrides({"seed": point.seed}, f"design point {point.index}")
    register = context.register.with_values(prices, f"design point {point.index}") if prices else context.register
    return scenario, register


def tidy_results(results: Any, mkba: Any, point: int) -> pd.DataFrame:
    """One row per replication, method and measure: both methods, their paired difference and, under method
    'difference', the MKBA results prefixed ``mkba_``."""
    measures = results.measures
    wide = measures.pivot(index=["replication", "measure"], columns="method", values="value")
    difference = (wide["1g1p1r"] - wide["verkokerd"]).rename("value").reset_index()
    difference.insert(1, "method", "difference")
    money = long_form(mkba.per_replication.rename(columns=lambda c: f"mkba_{c}").rename_axis("replication"))
    money.insert(1, "method", "difference")
    frame = pd.concat([measures, difference, money], ignore_index=True)
    frame.insert(0, "point", point)
    return frame[[*KEYS, "value"]]


def run_batch(batch: Batch, context: Context) -> dict[str, pd.DataFrame]:
    """Simulate and price one batch: ``measures`` (tidy, see :func:`tidy_results`) and, if the context asks,
    ``yearly`` escalation counts per replication, method and year. Runs of lever settings at the same replication
    share its households, warm-up and old method (:func:`sim.run.run_scenarios`)."""
    from sim.mkba.simulated import simulated_mkba
    from sim.run import run_scenarios

    settings = [point_scenario(context, run.point) for run in batch.runs]
    both = {"methods": ["verkokerd", "1g1p1r"]}
    scenarios = [scenario.with_overrides(both, "run options") for scenario, _ in settings]
    registers = [register for _, register in settings]
    results_of = run_scenarios(scenarios, [range(run.first_replication, run.first_replication + run.replications)
                                           for run in batch.runs], registers=registers)
    measures, yearly = [], []
    for run, register, results in zip(batch.runs, registers, results_of, strict=True):
        mkba = simulated_mkba(results, register, context.rate_pct)
        measures.append(tidy_results(results, mkba, run.point.index))
        if context.with_yearly:
            counts = results.yearly[results.yearly["measure"].isin(ESCALATIONS)].copy()
            counts.insert(0, "point", run.point.index)
            yearly.append(counts)
    out = {"measures": pd.concat(measures, ignore_index=True)}
    if context.with_yearly:
        out["yearly"] = pd.concat(yearly, ignore_index=True)
    return out


def seconds_per_replication(scenario: Scenario) -> float:
    """Estimated work of one replication of both methods (for batch sizes only)."""
    return scenario.population.households * scenario.weeks * 2 / HOUSEHOLD_WEEKS_PER_SECOND


def make_batches(context: Context, points: Sequence[Point], replications: int) -> list[Batch]:
    """Replications of the points, cut into batches of about :data:`BATCH_SECONDS` of work. The points that differ
    only in their levers come together at each replication (as many as fit a batch, and then all of a replication's
    where that fits), so that a batch plays their households, warm-up and old method once."""
    from sim.run import shared_part

    scenarios = [point_scenario(context, p)[0] for p in points]
    largest = max(seconds_per_replication(s) for s in scenarios)
    size = max(1, math.ceil(BATCH_SECONDS / largest))
    groups: dict[str, list[Point]] = {}
    for point, scenario in zip(points, scenarios, strict=True):
        groups.setdefault(shared_part(scenario), []).append(point)
    alike = max(len(group) for group in groups.values())
    if alike <= size:  # each replication's alike points whole in one batch
        size = size // alike * alike
    jobs = [(point, rep) for group in groups.values() for rep in range(replications) for point in group]
    batches = []
    for start in range(0, len(jobs), size):
        runs: list[Run] = []
        for point, rep in jobs[start:start + size]:
            if runs and runs[-1].point is point and runs[-1].first_replication + runs[-1].replications == rep:
                runs[-1] = Run(point, runs[-1].first_replication, runs[-1].replications + 1)
            else:
                runs.append(Run(point, rep, 1))
        batches.append(Batch(len(batches), tuple(runs)))
    return batches


def definition_hash(context: Context, batches: Sequence[Batch]) -> str:
    """Everything that determines the numbers: scenarios, register, discount rate, batches and the code."""
    definition = {
        "scenarios": [s.model_dump(mode="json", exclude={"sources"}) for s in context.scenarios],
        "register": {k: context.register[k].model_dump(mode="json") for k in sorted(context.register)},
        "rate_pct": context.rate_pct,
        "with_yearly": context.with_yearly,
        "batches": [[{**asdict(run.point), "first": run.first_replication, "n": run.replications}
                     for run in b.runs] for b in batches],
        "code": code_fingerprint(),
    }
    text = json.dumps(definition, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class BatchStore:
    """Finished batches as Parquet files in one folder; a file exists only once its batch is complete."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _path(self, index: int, table: str) -> Path:
        return self.folder / f"batch-{index:06d}.{table}.parquet"

    def done(self) -> set[int]:
        # the measures file is written last: it marks a complete batch
        return {int(p.name.split(".")[0].removeprefix("batch-")) for p in self.folder.glob("batch-*.measures.parquet")}

    def write(self, index: int, tables: dict[str, pd.DataFrame]) -> None:
        for table in sorted(tables, key=lambda t: t == "measures"):
            atomic_write(self._path(index, table), lambda tmp, t=table: tables[t].to_parquet(tmp, index=False))

    def read(self, index: int, table: str) -> pd.DataFrame:
        return pd.read_parquet(self._path(index, table))


def execute(context: Context, batches: Sequence[Batch], client: Any = None, store: BatchStore | None = None,
            progress: bool = True, desc: str = "simulating") -> dict[str, pd.DataFrame]:
    """Run the batches not yet in ``store`` (on ``client``, a ``distributed.Client``, or here when None) and
    return their tables concatenated in batch order."""
    finished: dict[int, dict[str, pd.DataFrame]] = {}
    skipped = store.done() if store is not None else set()
    pending = [b for b in batches if b.index not in skipped]
    units = {b.index: sum(r.replications for r in b.runs) for b in batches}
    bar = tqdm(total=sum(units.values()), initial=sum(units[i] for i in skipped if i in units), desc=desc,
               unit="rep", disable=not progress)

    def keep(batch: Batch, tables: dict[str, pd.DataFrame]) -> None:
        if store is not None:
            store.write(batch.index, tables)
        else:
            finished[batch.index] = tables
        bar.update(units[batch.index])

    with bar:
        _run(pending, context, client, keep)
    tables = [finished[b.index] if store is None else _read(store, b.index, context) for b in batches]
    # point by point, each point's replications in order (batches put alike points side by side: make_batches)
    return {name: pd.concat([t[name] for t in tables], ignore_index=True).sort_values("point", kind="stable",
                                                                                      ignore_index=True)
            for name in tables[0]} if tables else {}


def _read(store: BatchStore, index: int, context: Context) -> dict[str, pd.DataFrame]:
    names = ["measures", "yearly"] if context.with_yearly else ["measures"]
    return {name: store.read(index, name) for name in names}


def _run(pending: Sequence[Batch], context: Context, client: Any,
         keep: Callable[[Batch, dict[str, pd.DataFrame]], None]) -> None:
    if client is None:
        for batch in pending:
            keep(batch, run_batch(batch, context))
        return
    from distributed import as_completed

    # a key of its own: a second execute on the same client must not reuse a key the first one is releasing
    shared = client.scatter(context, broadcast=True, hash=False)
    futures = {client.submit(run_batch, batch, shared, pure=False): batch for batch in pending}
    try:
        for future in as_completed(futures):
            keep(futures[future], future.result())
    finally:
        client.cancel(list(futures))


__all__ = ["BatchStore", "Context", "Point", "definition_hash", "execute", "make_batches", "point_scenario",
           "run_batch", "tidy_results"]
