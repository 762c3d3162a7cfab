"""Distributions of uncertain parameters: scenario uncertainties, sweep designs and calibration priors.

One small validated vocabulary, written in YAML as ``{dist: uniform, low: 0.1, high: 0.3}``. Each distribution
maps unit-interval draws to values (:meth:`ppf`), so designs (Latin hypercube, Sobol, Morris) are drawn on the
unit cube and transformed here, and it gives the equivalent frozen ``scipy.stats`` distribution for libraries
that want one (pyabc priors).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from scenarios.errors import UserError
from scenarios.validation import validation_message


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)  # .inf/.nan: nonsense, silently
    source: str = "assumption, to be calibrated"

    def frozen(self) -> Any:
        """The equivalent frozen ``scipy.stats`` distribution (each subclass imports scipy.stats here, not at module
        level: it takes ~0.3 s, and every scenario load imports this module)."""
        raise NotImplementedError

    def ppf(self, u: np.ndarray | float) -> np.ndarray:
        """Values at unit-interval quantiles ``u`` (0 < u < 1)."""
        return np.asarray(self.frozen().ppf(u), dtype=float)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return self.ppf(rng.random(size))

    @property
    def bounds(self) -> tuple[float, float]:
        """The 0.1% and 99.9% quantiles (the support, where it is bounded)."""
        low, high = self.frozen().ppf([0.001, 0.999])
        return float(low), float(high)


class Uniform(_Dist):
    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if not self.low < self.high:
            raise ValueError(f"uniform needs low < high, got low={self.low}, high={self.high}")
        return self

    def frozen(self) -> Any:
        from scipy import stats

        return stats.uniform(loc=self.low, scale=self.high - self.low)

    @property
    def bounds(self) -> tuple[float, float]:
        return self.low, self.high


class Triangular(_Dist):
    dist: Literal["triangular"]
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError(f"triangular needs low <= mode <= high and low < high, got {self.low}, {self.mode}, "
                             f"{self.high}")
        return self

    def frozen(self) -> Any:
        from scipy import stats

        width = self.high - self.low
        return stats.triang(c=(self.mode - self.low) / width, loc=self.low, scale=width)

    @property
    def bounds(self) -> tuple[float, float]:
        return self.low, self.high


class Normal(_Dist):
    """A normal distribution, truncated to [low, high] where given (e.g. a share between 0 and 1)."""

    dist: Literal["normal"]
    mean: float
    sd: float = Field(gt=0.0)
    low: float = -np.inf
    high: float = np.inf

    @model_validator(mode="after")
    def _ordered(self) -> Normal:
        if not self.low < self.high:
            raise ValueError(f"normal needs low < high, got low={self.low}, high={self.high}")
        return self

    def frozen(self) -> Any:
        from scipy import stats

        return stats.truncnorm((self.low - self.mean) / self.sd, (self.high - self.mean) / self.sd,
                               loc=self.mean, scale=self.sd)


class LogNormal(_Dist):
    """A log-normal distribution given by its median and the sd of its logarithm (for prices and rates)."""

    dist: Literal["lognormal"]
    median: float = Field(gt=0.0)
    sigma: float = Field(gt=0.0)

    def frozen(self) -> Any:
        from scipy import stats

        return stats.lognorm(s=self.sigma, scale=self.median)


class Beta(_Dist):
    """A beta distribution on [low, high] (default [0, 1]), for shares and probabilities."""

    dist: Literal["beta"]
    a: float = Field(gt=0.0)
    b: float = Field(gt=0.0)
    low: float = 0.0
    high: float = 1.0

    @model_validator(mode="after")
    def _ordered(self) -> Beta:
        if not self.low < self.high:
            raise ValueError(f"beta needs low < high, got low={self.low}, high={self.high}")
        return self

    def frozen(self) -> Any:
        from scipy import stats

        return stats.beta(self.a, self.b, loc=self.low, scale=self.high - self.low)

    @property
    def bounds(self) -> tuple[float, float]:
        return self.low, self.high


Distribution = Annotated[Uniform | Triangular | Normal | LogNormal | Beta, Field(discriminator="dist")]
_BY_NAME: dict[str, type[_Dist]] = {"uniform": Uniform, "triangular": Triangular, "normal": Normal,
                                    "lognormal": LogNormal, "beta": Beta}
DISTRIBUTION_NAMES = tuple(_BY_NAME)


def parse_distribution(spec: Any, where: str) -> _Dist:
    """Validate one distribution written as a mapping; ``where`` names it in the error (file and field)."""
    if not isinstance(spec, dict) or "dist" not in spec:
        raise UserError(f"{where}: a distribution is a mapping with 'dist' (one of {', '.join(DISTRIBUTION_NAMES)}), "
                        f"got {spec!r}")
    if spec["dist"] not in DISTRIBUTION_NAMES:
        raise UserError(f"{where}.dist = {spec['dist']!r}: allowed: {', '.join(DISTRIBUTION_NAMES)}")
    kind = _BY_NAME[spec["dist"]]
    try:
        return kind.model_validate(spec)
    except ValidationError as err:
        raise UserError(validation_message(err, where, kind)) from None


__all__ = ["DISTRIBUTION_NAMES", "Beta", "Distribution", "LogNormal", "Normal", "Triangular", "Uniform",
           "parse_distribution"]
