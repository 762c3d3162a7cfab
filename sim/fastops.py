"""Row-wise reductions over (households x few columns) arrays, compiled.

numpy reduces along a short last axis slowly (tens of microseconds for 3,000 x 9, plus a temporary); the weekly
step does dozens of these, so they decide whether a replication takes one second or three. Each function here
is one compiled pass without temporaries (numba, cached on disk after the first run).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def row_sum(x: np.ndarray) -> np.ndarray:
    """Sum of each row of a float array."""
    out = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        total = 0.0
        for j in range(x.shape[1]):
            total += x[i, j]
        out[i] = total
    return out


@njit(cache=True)
def row_count(mask: np.ndarray) -> np.ndarray:
    """Number of True values in each row."""
    out = np.zeros(mask.shape[0], dtype=np.int64)
    for i in range(mask.shape[0]):
        count = 0
        for j in range(mask.shape[1]):
            if mask[i, j]:
                count += 1
        out[i] = count
    return out


@njit(cache=True)
def row_any(mask: np.ndarray) -> np.ndarray:
    out = np.zeros(mask.shape[0], dtype=np.bool_)
    for i in range(mask.shape[0]):
        for j in range(mask.shape[1]):
            if mask[i, j]:
                out[i] = True
                break
    return out


@njit(cache=True)
def row_max(x: np.ndarray) -> np.ndarray:
    out = np.empty(x.shape[0])
    for i in range(x.shape[0]):
        best = x[i, 0]
        for j in range(1, x.shape[1]):
            if x[i, j] > best:
                best = x[i, j]
        out[i] = best
    return out


def nonzero2d(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and column indices of True values, in row-major order (like ``np.nonzero``); numpy's flatnonzero beats a
    compiled two-pass loop here."""
    return np.divmod(np.flatnonzero(mask), mask.shape[1])
