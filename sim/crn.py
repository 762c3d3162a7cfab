"""Common random numbers: both working methods see the same draws for the same household and week.

Every draw after the population is generated is a keyed draw: a uniform in [0, 1) computed from (seed, purpose,
keys) with a counter-based hash, e.g. (week, household) for the weekly chance of a life event, or (household,
organisation, k) for the outcome of the k-th trajectory. A draw is therefore the same in either method and in
any process, whether or not another draw was used before it, and the compiled weekly step computes only the
draws it needs.

No global generator is touched: salabim reseeds Python's and numpy's global state on import.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
from numba import literal_unroll, njit

# splitmix64 constants; numba freezes module globals into the compiled code
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_MIX_SHIFTS = (np.uint64(30), np.uint64(27), np.uint64(31))
_TO_53_BITS = np.uint64(11)
_TO_UNIT = 1.0 / float(1 << 53)


class Draw(IntEnum):
    """Purposes of keyed draws; each has its own seed, so equal keys of two purposes give unrelated numbers."""

    # weekly, keyed (week, household); "household" is always its ident (sim.population.Households.ident), not its row
    SHOCK = 0
    NOTICE = 1
    EVICTION = 2  # the seven escalation threats, in the order of agents.household.HAZARDS
    PLACEMENT = 3
    POLICE = 4
    INTENSIVE_CARE = 5
    DROPOUT = 6
    UTILITY = 7
    COLLECTION = 8
    FINDING = 9
    # per event
    OUTCOME = 10  # (household, organisation, trajectory number)
    SHELTER_STAY = 11  # (household, week)
    PLACEMENT_STAY = 12  # (household, week)
    NETWORK = 13  # (household)
    LADDER = 14  # (household, organisation, week waiting began, rung)
    DROPOUT_CHILD = 15  # (household, week)
    THREATS = 16  # (week, household): whether any escalation threat's draw is under its bound (agents.household)
    CHILDREN_GROWN = 17  # (household, week): leaving the group when the last child comes of age


@njit(cache=True, error_model="numpy")
def unit(seeds: np.ndarray, purpose: int, *keys: int) -> float:
    """The uniform of ``purpose`` for ``keys``: each key is folded into the purpose's seed with an odd multiplier (a
    bijection per step), then mixed once."""
    x = seeds[purpose]
    for key in literal_unroll(keys):  # keys may differ in integer type
        x = (x ^ np.uint64(key)) * _M1
    return _mix_to_unit(x)


@njit(cache=True, error_model="numpy")
def _units(seeds: np.ndarray, purpose: int, keys: np.ndarray) -> np.ndarray:
    """:func:`unit` of each column of ``keys``."""
    out = np.empty(keys.shape[1])
    for i in range(keys.shape[1]):
        x = seeds[purpose]
        for j in range(keys.shape[0]):
            x = (x ^ np.uint64(keys[j, i])) * _M1
        out[i] = _mix_to_unit(x)
    return out


@njit(cache=True, error_model="numpy")
def _mix_to_unit(x: np.uint64) -> float:
    """splitmix64's finaliser, then the top 53 bits as a float in [0, 1); uint64 arithmetic wraps."""
    x = x + _GOLDEN
    x = (x ^ (x >> _MIX_SHIFTS[0])) * _M1
    x = (x ^ (x >> _MIX_SHIFTS[1])) * _M2
    x = x ^ (x >> _MIX_SHIFTS[2])
    return float(x >> _TO_53_BITS) * _TO_UNIT


class RandomStreams:
    """All randomness of one replication, derived from one seed with numpy's SeedSequence."""

    def __init__(self, seed: int, replication: int) -> None:
        root = np.random.SeedSequence([seed, replication])
        population_seq, team_seq, key_seq = root.spawn(3)
        self.population = np.random.Generator(np.random.PCG64(population_seq))
        self.team = np.random.Generator(np.random.PCG64(team_seq))
        #: one seed per purpose (uint64), indexed by :class:`Draw`; the compiled step reads them with :func:`unit`
        self.seeds = key_seq.generate_state(len(Draw), dtype=np.uint64)

    def keyed(self, purpose: Draw, *keys: np.ndarray | int) -> np.ndarray:
        """:func:`unit` for keys that are equally long 1-D arrays or scalars, as an array."""
        (size,) = np.broadcast_shapes(*(np.shape(key) for key in keys)) or (1,)
        stacked = np.empty((len(keys), size), dtype=np.int64)
        for row, key in zip(stacked, keys, strict=True):
            row[:] = key  # a scalar key (a week) broadcasts along the households
        return _units(self.seeds, int(purpose), stacked)

