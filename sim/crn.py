"""Common random numbers: both working methods see the same draws for the same household and week.

Two kinds of draws, both independent of what a method does with them:

* a dense block per week (one uniform per household per purpose), drawn whether or not it is used, so the
  stream never shifts between methods;
* keyed draws for sparse events (the k-th trajectory of household n at organisation o), computed from
  (seed, purpose, keys) with a counter-based hash, so the same event gets the same number in any method
  and in any process.

No global generator is touched: salabim reseeds Python's and numpy's global state on import.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
from numba import njit

# splitmix64 constants; numba freezes module globals into the compiled code
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_MIX_SHIFTS = (np.uint64(30), np.uint64(27), np.uint64(31))
_TO_53_BITS = np.uint64(11)
_TO_UNIT = 1.0 / float(1 << 53)


class Weekly(IntEnum):
    """Rows of the dense weekly block."""

    SHOCK = 0
    NOTICE = 1
    EVICTION = 2
    PLACEMENT = 3
    POLICE = 4
    INTENSIVE_CARE = 5
    DROPOUT = 6
    UTILITY = 7
    COLLECTION = 8
    FINDING = 9


class Keyed(IntEnum):
    """Purposes of keyed draws."""

    OUTCOME = 1
    SHELTER_STAY = 2
    PLACEMENT_STAY = 3
    NETWORK = 4
    LADDER = 5
    DROPOUT_CHILD = 6


@njit(cache=True)
def _hash_to_unit(seed: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Fold each column of ``keys`` into ``seed`` with an odd multiplier (a bijection per step), then mix once
    (splitmix64's finaliser); uint64 arithmetic wraps, as the hash wants."""
    out = np.empty(keys.shape[1])
    for i in range(keys.shape[1]):
        x = seed[0]
        for j in range(keys.shape[0]):
            x = (x ^ keys[j, i]) * _M1
        x = x + _GOLDEN
        x = (x ^ (x >> _MIX_SHIFTS[0])) * _M1
        x = (x ^ (x >> _MIX_SHIFTS[1])) * _M2
        x = x ^ (x >> _MIX_SHIFTS[2])
        out[i] = float(x >> _TO_53_BITS) * _TO_UNIT
    return out


class RandomStreams:
    """All randomness of one replication, derived from one seed with numpy's SeedSequence."""

    def __init__(self, seed: int, replication: int) -> None:
        root = np.random.SeedSequence([seed, replication])
        population_seq, weekly_seq, team_seq, key_seq = root.spawn(4)
        self.population = np.random.Generator(np.random.PCG64(population_seq))
        self.team = np.random.Generator(np.random.PCG64(team_seq))
        self._weekly = np.random.Generator(np.random.PCG64(weekly_seq))
        key = np.uint64(key_seq.generate_state(1, dtype=np.uint64)[0])
        # one uint64 array per purpose: numba types an array argument much faster than a numpy scalar
        self._seed_for = {purpose: np.array([key ^ np.uint64(purpose)]) for purpose in Keyed}

    def weekly_block(self, households: int) -> np.ndarray:
        """Uniforms, shape (len(Weekly), households), for the coming week."""
        return self._weekly.random((len(Weekly), households))

    def keyed(self, purpose: Keyed, *keys: np.ndarray | int) -> np.ndarray:
        """Uniforms in [0, 1) determined by (seed, purpose, keys) alone; keys are equally long 1-D arrays or scalars."""
        (size,) = np.broadcast_shapes(*(np.shape(key) for key in keys)) or (1,)
        stacked = np.empty((len(keys), size), dtype=np.uint64)
        for row, key in zip(stacked, keys, strict=True):
            row[:] = key  # a scalar key (a week) broadcasts along the households
        return _hash_to_unit(self._seed_for[purpose], stacked)
