"""Shipping a fitted posterior with the scenarios (``mph calibrate ... --ship``): the last generation's particles
as ``scenarios/posterior/default.csv`` and what they rest on as ``default.yaml`` (see :mod:`scenarios.posterior`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from calibration.abc import Posterior
from calibration.config import Calibration
from calibration.evidence import load_evidence
from calibration.model_identity import numbers_of, town_of
from calibration.report import posterior_table
from calibration.simulate import evaluation_seed
from scenarios.posterior import DEFAULT, FOLDER, load_posterior
from sim.reports.outputs import atomic_target

REDO = "nice -n 5 ./mph calibrate calibration/default.yaml --ship --fresh"
MODEL_HASH_OF = ("what the model computes on the fit's town (fit_settings, point values, both methods, 2 "
                 "replications of seed 1): calibration/model_identity.py")


def ship_posterior(calibration: Calibration, result: Posterior, *, seconds: float, workers: int,
                   screened: pd.DataFrame | None = None, folder: Path = FOLDER, name: str = DEFAULT,
                   note: str = "") -> Path:
    """Write the particles (parameters, weight, evaluation seed) and their header; returns the header's path."""
    names = list(calibration.priors)
    particles = result.particles[[*names, "weight"]].copy()
    particles["seed"] = [evaluation_seed(calibration.spec.seed, {n: float(row[n]) for n in names})
                         for _, row in particles.iterrows()]
    table = posterior_table(calibration, result.particles).set_index("parameter")
    evidence = load_evidence(calibration.path.parent / calibration.spec.evidence) if calibration.spec.evidence else None
    about: dict[str, Any] = {
        "name": name,
        "fitted": dt.date.today().isoformat(),
        "calibration": calibration.path.name,
        "scenario": calibration.base.name,
        "scenario_file": calibration.spec.scenario,
        "fit_settings": calibration.spec.fit_settings,
        "model_hash": numbers_of(town_of({"scenario_file": calibration.spec.scenario,
                                           "fit_settings": calibration.spec.fit_settings})),
        "model_hash_of": MODEL_HASH_OF,
        "evidence": ({"file": evidence.path.name, "version": evidence.spec.version, "hash": evidence.hash}
                     if evidence else {"file": None, "version": None, "hash": None}),
        "targets": [t.key for t in calibration.targets],
        "parameters": {n: {"median": float(table.loc[n, "median"]), "p5": float(table.loc[n, "p5"]),
                           "p95": float(table.loc[n, "p95"]),
                           "prior": calibration.priors[n].model_dump(exclude={"source"})} for n in names},
        "screened_out": ([p for p in screened.index if p not in names] if screened is not None else []),
        "abc": {"population_size": calibration.spec.abc.population_size, "generations": result.generations,
                "evaluations": result.evaluations, "epsilon": float(result.epsilon), "workers": workers,
                "seed": calibration.spec.seed},
        "cost_seconds": round(seconds, 1),
        "redo": REDO,
        "note": note,
    }
    csv, header = folder / f"{name}.csv", folder / f"{name}.yaml"
    with atomic_target(csv) as tmp:
        particles.to_csv(tmp, index=False, float_format="%.10g")
    with atomic_target(header) as tmp:
        tmp.write_text("# Written by `mph calibrate --ship`: what the particles in " + csv.name + " rest on.\n"
                       + yaml.safe_dump(about, sort_keys=False, allow_unicode=True), encoding="utf-8")
    load_posterior.cache_clear()
    return header
