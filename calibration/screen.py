"""The Morris screen before a fit: which of a calibration's parameters move its targets.

Each parameter goes through its prior's whole range (quantiles, as in :mod:`calibration.point`) along Morris
trajectories (:mod:`sim.experiments.sensitivity`), every evaluation on the calibration seed (common random numbers:
an elementary effect is the parameter's, not chance's). A parameter's importance is the sum over targets of its
mu* in units of the target's sd: how far, in the evidence's own uncertainty, it moves the targets.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from calibration.config import Calibration
from calibration.point import EDGE
from calibration.simulate import Simulation
from sim.experiments.sensitivity import analyse, design


def morris_screen(calibration: Calibration, trajectories: int) -> pd.DataFrame:
    """Per parameter: importance (summed mu*/sd over targets) and mu*/sd per target, most important first."""
    names = list(calibration.priors)
    seed = calibration.spec.seed
    unit = design("morris", names, trajectories, seed)
    simulate = Simulation.of(calibration, fixed_seed=True)
    runs = [simulate({n: float(calibration.priors[n].ppf(float(np.clip(q, EDGE, 1 - EDGE))))
                      for n, q in zip(names, row, strict=True)}) for row in unit]
    table = pd.DataFrame(index=pd.Index(names, name="parameter"))
    for target in calibration.targets:
        y = np.array([run[target.key] for run in runs], dtype=float)
        y = np.where(np.isfinite(y), y, np.nanmean(y))  # a ratio with nothing to divide by: no effect to credit
        table[target.key] = analyse("morris", names, unit, y, seed)["mu_star"].reindex(names) / target.sd
    table.insert(0, "importance", table.sum(axis=1))
    return table.sort_values("importance", ascending=False)


__all__ = ["morris_screen"]
