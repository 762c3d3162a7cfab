"""Fast point estimate: the best of a Latin hypercube over the priors, polished with Nelder-Mead.

Every evaluation uses the same seed (common random numbers), so differences between parameter values are not
drowned in simulation noise. The search runs on the priors' quantile scale (0-1 per parameter), which keeps it
inside each prior's support.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize
from scipy.stats import qmc

from calibration.config import Calibration
from calibration.simulate import Distance, Simulation

EDGE = 1e-4  # quantiles kept away from 0 and 1, where unbounded priors have no finite value


@dataclass
class PointEstimate:
    values: dict[str, float]
    simulated: dict[str, float]
    distance: float
    evaluations: pd.DataFrame  # one row per evaluation: parameters, distance


def point_estimate(calibration: Calibration, progress: bool = False) -> PointEstimate:
    """The best of a Latin hypercube over the priors, polished with Nelder-Mead; ``progress`` shows a bar of the
    evaluations (at most the hypercube's points, the polish's and the final one) on stderr."""
    from tqdm import tqdm

    names = list(calibration.priors)
    simulate = Simulation.of(calibration, fixed_seed=True)
    distance = Distance(calibration.targets)
    observed = calibration.observed
    rows: list[dict[str, float]] = []
    settings = calibration.spec.point
    bar = tqdm(total=settings.lhs + max(settings.polish, 0) + 1, desc="kalibreren (punt)", unit="run",
               disable=not progress, leave=False)

    def values(u: np.ndarray) -> dict[str, float]:
        u = np.clip(u, EDGE, 1 - EDGE)
        return {name: float(calibration.priors[name].ppf(q)) for name, q in zip(names, u, strict=True)}

    def objective(u: np.ndarray) -> float:
        params = values(u)
        d = distance(simulate(params), observed)
        rows.append({**params, "distance": d})
        bar.update()
        return d

    try:  # the bar is closed however the search ends (Ctrl+C included), not later by the garbage collector
        design = qmc.LatinHypercube(d=len(names), seed=calibration.spec.seed).random(settings.lhs)
        scores = [objective(u) for u in design]
        best = design[int(np.argmin(scores))]
        if settings.polish > 0:
            result = optimize.minimize(objective, best, method="Nelder-Mead",
                                       options={"maxfev": settings.polish, "xatol": 1e-3, "fatol": 1e-3,
                                                "initial_simplex": _simplex(best)})
            if result.fun <= min(scores):
                best = result.x
        chosen = values(best)
        simulated = simulate(chosen)
        bar.update(max(bar.total - bar.n, 0))  # the polish may stop before its budget
    finally:
        bar.close()
    return PointEstimate(chosen, simulated, distance(simulated, observed), pd.DataFrame(rows))


def _simplex(u: np.ndarray, step: float = 0.1) -> np.ndarray:
    """A starting simplex of a tenth of each prior's quantile range around ``u``, inside (0, 1)."""
    points = [u]
    for i in range(u.size):
        p = u.copy()
        p[i] = p[i] + step if p[i] + step < 1 - EDGE else p[i] - step
        points.append(p)
    return np.array(points)
