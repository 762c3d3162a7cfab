"""Bayesian calibration with pyabc's ABC-SMC: a posterior distribution of the parameters.

The state lives in pyabc's SQLite history (``calibration.db`` in the output folder), written at the end of every
generation; ``state.json`` beside it records which calibration file (fingerprint) and run it belongs to. Running
the same file again continues from the last complete generation (``ABCSMC.load``) up to ``abc.generations``; a
changed file needs ``--fresh``.

Samplers: pyabc's single-core sampler for ``--workers 1`` (its proposals come from numpy's global generator,
seeded per generation from the calibration seed and the generation's number, so such a run repeats exactly, also
when interrupted and resumed), otherwise its ``DaskDistributedSampler`` on
:func:`sim.experiments.cluster.dask_client` (workers reseed from OS entropy: which parameters are proposed then
varies, but every evaluation's simulation seed is derived from its parameters and stored, see
:mod:`calibration.simulate`).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from calibration.config import Calibration
from calibration.simulate import Distance, Simulation
from scenarios.errors import UserError
from sim.experiments.cluster import dask_client
from sim.reports.outputs import write_json

DB = "calibration.db"
STATE = "state.json"


@dataclass
class Posterior:
    """The last generation's particles: parameter values, weights, and each particle's simulated targets."""

    particles: pd.DataFrame  # one column per parameter, plus 'weight'
    simulated: pd.DataFrame  # one column per target key (and 'seed'), plus 'weight'
    generations: int
    evaluations: int
    epsilon: float


def _prior(calibration: Calibration) -> Any:
    import pyabc

    variables = {}
    for name, dist in calibration.priors.items():
        frozen = dist.frozen()
        variables[name] = pyabc.RV(frozen.dist.name, *frozen.args, **frozen.kwds)
    return pyabc.Distribution(**variables)


@contextlib.contextmanager
def _sampler(workers: int, scheduler: str | None, seed: int) -> Iterator[Any]:
    import pyabc

    if workers == 1 and scheduler is None:
        np.random.seed(seed)  # pyabc proposes from numpy's global generator (reseeded per generation in run_abc)
        yield pyabc.SingleCoreSampler()
        return
    with dask_client(scheduler, workers) as client:
        yield pyabc.sampler.DaskDistributedSampler(dask_client=client, batch_size=1)


def _state(out: Path) -> dict[str, Any] | None:
    path = out / STATE
    if not (path.is_file() and (out / DB).is_file()):
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def generation_seed(seed: int, t: int) -> int:
    """The seed of numpy's global generator for generation ``t``: a function of the calibration seed and ``t``
    alone, so a generation proposes the same particles whether the run went on or was resumed before it."""
    return int(np.random.SeedSequence([int(seed), int(t)]).generate_state(1)[0])


def run_abc(calibration: Calibration, out: Path, *, workers: int = 1, scheduler: str | None = None,
            fresh: bool = False, progress: bool = False) -> Posterior:
    """Run (or continue) ABC-SMC until ``abc.generations`` generations are stored in ``out``.

    One generation at a time, each from the stored history (``ABCSMC.load``) and, on the single-core sampler, with
    numpy's global generator seeded by :func:`generation_seed`: an uninterrupted run takes exactly the steps of one
    interrupted and resumed, so both end with the same posterior (tested). On Dask the workers draw from OS entropy
    and only the stored particles (with their evaluation seeds) repeat.
    """
    import logging

    import pyabc

    logging.getLogger("ABC").setLevel(logging.INFO if progress else logging.WARNING)
    for name in ("Sampler", "Epsilon", "Distance", "Acceptor", "Population-Size", "History", "Transitions"):
        logging.getLogger(f"ABC.{name}").setLevel(logging.WARNING)
    settings = calibration.spec.abc
    out.mkdir(parents=True, exist_ok=True)
    state = _state(out)
    if state is not None and state["fingerprint"] != calibration.fingerprint() and not fresh:
        raise UserError(f"{out / DB}: this calibration state was made for another version of {calibration.path.name} "
                        "(parameters, targets or settings, the model's code or its libraries changed); run with "
                        "--fresh to start again, or use another --out")
    db_url = f"sqlite:///{(out / DB).resolve()}"
    if state is not None and not fresh and pyabc.History(db_url, _id=state["run_id"]).max_t < 0:
        state = None  # interrupted inside the first generation: nothing to continue from
    seed = calibration.spec.seed
    with _sampler(workers, scheduler, seed) as sampler:
        def smc() -> Any:
            return pyabc.ABCSMC(Simulation.of(calibration), _prior(calibration), Distance(calibration.targets),
                                population_size=settings.population_size, sampler=sampler)

        if state is None or fresh:
            (out / DB).unlink(missing_ok=True)
            abc = smc()
            history = abc.new(db_url, calibration.observed)
            run_id = history.id
            write_json(out / STATE, {"fingerprint": calibration.fingerprint(), "run_id": run_id,
                                     "config": str(calibration.path)})
        else:
            run_id, abc = state["run_id"], None
        history = pyabc.History(db_url, _id=run_id)
        while history.max_t + 1 < settings.generations:
            done = history.max_t + 1
            if abc is None:  # every generation after the first starts from the stored history alone
                abc = smc()
                abc.load(db_url, run_id)
            np.random.seed(generation_seed(seed, done))  # proposals come from numpy's global generator
            history = abc.run(minimum_epsilon=settings.min_epsilon, max_nr_populations=1)
            abc = None
            if history.max_t + 1 == done:  # stopped by min_epsilon (or the acceptance rate): no new generation
                break
    return posterior(history)


def posterior(history: Any) -> Posterior:
    """The last stored generation of a pyabc history."""
    t = history.max_t
    particles, weights = history.get_distribution(m=0, t=t)
    sum_weights, stats = history.get_weighted_sum_stats(t=t)
    populations = history.get_all_populations()
    epsilon = float(populations.loc[populations["t"] == t, "epsilon"].iloc[0])
    return Posterior(
        particles=particles.reset_index(drop=True).assign(weight=np.asarray(weights)),
        simulated=pd.DataFrame([{k: float(v) for k, v in s.items()} for s in stats]).assign(
            weight=np.asarray(sum_weights)),
        generations=t + 1,
        evaluations=int(history.total_nr_simulations),
        epsilon=epsilon,
    )
