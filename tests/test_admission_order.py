"""The organisations admit from their waiting lists in a fixed order (priority, longest waiting, household), and
children come of age at the year's end: the compiled shortcuts must keep exactly what the plain rules say."""

import numpy as np

from agents.household import LONG_AGO
from agents.organisation import _admitted
from sim.model import _age_children


def _sort_and_skip(keys: np.ndarray, free: np.ndarray) -> list[int]:
    """The rule as written: all keys in order, each admitted while its organisation has a free place."""
    taken = np.zeros(free.size)
    admitted = []
    for key in np.sort(keys):
        o = key >> 53
        if taken[o] < free[o]:
            taken[o] += 1
            admitted.append(int(key))
    return admitted


def test_each_organisation_admits_its_lowest_keys_in_order():
    rng = np.random.default_rng(7)
    for _ in range(200):
        orgs = int(rng.integers(1, 12))
        o = rng.integers(0, orgs, size=int(rng.integers(0, 400)))
        since = rng.integers(0, 1 << 20, size=o.size)
        keys = ((((o * 2 + rng.integers(0, 2, size=o.size)) << 20) + since) << 32) | rng.integers(0, 5000, o.size)
        free = np.floor(rng.uniform(-2, 40, size=orgs))
        assert _admitted(keys.astype(np.int64), free).tolist() == _sort_and_skip(keys, free)


def test_children_of_18_leave_the_child_domains_and_a_household_without_children_left_is_marked():
    ages = np.array([[17, 3, -1], [17, -1, -1], [-1, -1, -1], [5, -1, -1]])
    placed = np.full(ages.shape, 100)
    dropped = np.ones(ages.shape, dtype=bool)
    grown = _age_children(ages, placed, dropped)
    assert ages.tolist() == [[-1, 4, -1], [-1, -1, -1], [-1, -1, -1], [6, -1, -1]]
    assert grown.tolist() == [False, True, False, False]  # the household that never had children is not 'grown'
    assert placed[0, 0] == placed[1, 0] == LONG_AGO and placed[0, 1] == 100
    assert not dropped[0, 0] and dropped[0, 1]
