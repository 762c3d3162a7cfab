"""Generates the municipality's households from the scenario's population parameters, and the households that
become multi-problem later (the open population: see :class:`Cohort`).

The population is drawn from its own random stream, before any method-specific step, so both working
methods start from the very same households and see the very same newcomers arrive in the very same weeks.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from scenarios.domains import CASE_TYPES, DOMAIN_INDEX, DOMAINS
from scenarios.scenario import Flows, Population

MAX_CHILDREN = 4
SCHOOL_AGES = (4, 17)  # leerplicht up to 18: start qualification age range
PARENTING, SCHOOL = DOMAIN_INDEX["parenting"], DOMAIN_INDEX["school"]  # domains that need (school-age) children
DROPOUT_AGES = (12, 17)
# Rows per household of the initial stock (times its growth under an inflow trend): the stock moves around its
# size, and a run stops with an error rather than turn a newcomer away (sim.model).
SPARE_ROWS = 1.15


class Households(NamedTuple):
    """Household attributes as arrays (one row per household); agents are views on these rows. A named tuple, so
    the compiled weekly step takes it as one argument; the arrays change in place, never by rebinding."""

    case_type: np.ndarray  # int8, index into CASE_TYPES
    adults: np.ndarray  # int8
    child_age: np.ndarray  # int16 (N, MAX_CHILDREN), -1 where no child
    severity: np.ndarray  # float64 (N, D), 0 no problem .. 1 crisis
    strength: np.ndarray  # eigen kracht (own strength, social network), 0..1
    motivation: np.ndarray  # 0..1
    in_view: np.ndarray  # bool: known to the system as an MPH at the start
    reach_rank: np.ndarray  # float: order in which low-threshold reporting finds households not in view
    join: np.ndarray  # float (N, O): propensity that a siloed organisation joins when a problem is referred
    # Which household a row holds: rows are reused when a household leaves and another becomes multi-problem, so
    # keyed draws take this, not the row, and both methods keep drawing the same numbers for the same household
    # even where the rows they hold differ. -1: an empty row (no severity, no domains: inert in every step).
    ident: np.ndarray  # int64
    # The run's week (counted from the first week of the warm-up, 1 on) in which the household moves away or ends;
    # drawn here, so it is the same under both methods.
    departs: np.ndarray  # int64

    @property
    def size(self) -> int:
        return len(self.case_type)

    @staticmethod
    def applicable(child_age: np.ndarray) -> np.ndarray:
        """Domains that exist for each household now (parenting needs children, school school-age ones)."""
        n = child_age.shape[0]
        mask = np.empty((n, len(DOMAINS)), dtype=bool)
        set_applicable(child_age, np.zeros(n, dtype=np.int64), mask, np.empty(n, dtype=np.int64))
        return mask


@njit(cache=True, error_model="numpy")
def set_applicable(child_age: np.ndarray, ident: np.ndarray, applicable: np.ndarray, count: np.ndarray) -> None:
    """In place: the domains that exist for each row's household (:meth:`Households.applicable`; none in an empty
    row, ``ident`` < 0), and how many (at least 1). Compiled: the model redoes it at each of a replication's thirty
    years' ends."""
    for n in range(child_age.shape[0]):
        has_child, in_school_age = False, False
        for c in range(child_age.shape[1]):
            has_child |= child_age[n, c] >= 0
            in_school_age |= (SCHOOL_AGES[0] <= child_age[n, c]) & (child_age[n, c] <= SCHOOL_AGES[1])
        present = ident[n] >= 0
        total = 0
        for d in range(applicable.shape[1]):
            applicable[n, d] = present & (in_school_age if d == SCHOOL else has_child if d == PARENTING else True)
            total += applicable[n, d]
        count[n] = max(total, 1)


@njit(cache=True, error_model="numpy")
def _smallest(draws: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Per row, whether each draw is among the row's ``count`` smallest: the domains a household's problems are in
    (the first ``count`` of the row's argsort). By counting the smaller draws of each: an argsort and its inverse
    per row cost ten times as much for rows of nine. Equal draws (two equal doubles in a row of nine: about once in
    10^14 rows) go to the first; an argsort may order those either way."""
    smallest = np.empty(draws.shape, dtype=np.bool_)
    for n in range(draws.shape[0]):
        for d in range(draws.shape[1]):
            rank = 0
            for k in range(draws.shape[1]):
                rank += (draws[n, k] < draws[n, d]) | ((draws[n, k] == draws[n, d]) & (k < d))
            smallest[n, d] = rank < count[n]
    return smallest


def _beta(rng: np.random.Generator, mean: np.ndarray | float, concentration: float, size: int) -> np.ndarray:
    mean = np.clip(mean, 1e-3, 1 - 1e-3)
    return rng.beta(mean * concentration, (1 - mean) * concentration, size=size)


class Cohort(NamedTuple):
    """A replication's households: the rows of the municipality (the initial stock first, then empty rows for
    newcomers), the profiles of the households that become multi-problem later, in order of arrival, and when."""

    rows: Households
    newcomers: Households  # newcomer k gets ident = initial stock + k
    arrivals: np.ndarray  # int64 (weeks + 1,): newcomers arrived up to each week of the run (warm-up included)

    def copy(self) -> Cohort:
        return Cohort(Households(*(a.copy() for a in self.rows)), self.newcomers, self.arrivals)


def generate(population: Population, flows: Flows, organisations: int, weeks: int,
             rng: np.random.Generator, spare_rows: float = SPARE_ROWS) -> Cohort:
    """The initial stock and, for ``weeks`` weeks, the newcomers: a Poisson number a week, ``flows.inflow_share``
    of the stock's size a year, changing by ``flows.inflow_trend`` a year. ``spare_rows``: rows per household of
    the stock (:data:`SPARE_ROWS`; more only changes how many rows stay empty, not who is drawn)."""
    departure = 1.0 - (1.0 - flows.departure_rate) ** (1 / 52)  # weekly
    stock = _households(population, population.households, organisations, rng, 0, np.zeros(0), departure)
    years = np.arange(weeks) // 52
    weekly = population.households * flows.inflow_share / 52 * (1.0 + flows.inflow_trend) ** years
    arrivals = np.concatenate([[0], np.cumsum(rng.poisson(weekly))])
    arrival_week = np.repeat(np.arange(1, weeks + 1), np.diff(arrivals))
    newcomers = _households(population, int(arrivals[-1]), organisations, rng, population.households, arrival_week,
                            departure)
    # Room for the stock and its growth: rows freed by leavers are reused (see Households.ident).
    growth = max(1.0, (1.0 + flows.inflow_trend) ** (weeks / 52))
    size = int(np.ceil(population.households * spare_rows * growth)) + 16
    return Cohort(_with_empty_rows(stock, size), newcomers, arrivals)


def _with_empty_rows(stock: Households, size: int) -> Households:
    def padded(a: np.ndarray, fill: float) -> np.ndarray:
        out = np.full((size, *a.shape[1:]), fill, dtype=a.dtype)
        out[: len(a)] = a
        return out

    empty = {"child_age": -1, "ident": -1, "departs": -1}
    return Households(*(padded(getattr(stock, name), empty.get(name, 0)) for name in Households._fields))


def _households(population: Population, n: int, organisations: int, rng: np.random.Generator,
                first_ident: int, arrival_week: np.ndarray, departure: float) -> Households:
    """``n`` households; newcomers arrive in ``arrival_week`` (the initial stock, empty, in week 0)."""
    d = len(DOMAINS)
    case_type = rng.choice(len(CASE_TYPES), size=n, p=np.array(population.case_mix.as_tuple())).astype(np.int8)

    adults = np.where(rng.random(n) < population.single_adult_share, 1, 2).astype(np.int8)
    has_children = rng.random(n) < population.share_with_children
    n_children = np.where(has_children, 1 + rng.poisson(max(population.children_mean - 1, 0), n), 0)
    n_children = np.minimum(n_children, MAX_CHILDREN)
    ages = rng.integers(0, 18, size=(n, MAX_CHILDREN))
    child_age = np.where(np.arange(MAX_CHILDREN)[None, :] < n_children[:, None], ages, -1).astype(np.int16)

    # Which domains carry a named problem: a count per case type, domains picked at random.
    domains_mean = np.array(population.problem_domains_mean.as_tuple())[case_type]
    n_problems = np.clip(rng.poisson(domains_mean), 2, d)
    has_problem = _smallest(rng.random((n, d)), n_problems)

    severity_mean = np.array(population.problem_severity_mean.as_tuple())[case_type]
    problem = _beta(rng, np.repeat(severity_mean[:, None], d, axis=1).ravel(), population.severity_concentration,
                    n * d).reshape(n, d)
    background = _beta(rng, population.background_severity_mean, population.severity_concentration, n * d).reshape(n, d)
    severity = np.where(has_problem, problem, background)

    strength_mean = np.array(population.strength_mean.as_tuple())[case_type]
    strength = _beta(rng, strength_mean, 8.0, n)
    motivation = _beta(rng, population.motivation_mean, 6.0, n)
    in_view = rng.random(n) < population.in_view_share
    reach_rank = rng.random(n)
    join = rng.random((n, organisations))

    severity[~Households.applicable(child_age)] = 0.0
    departs = (arrival_week if arrival_week.size else 0) + (rng.geometric(departure, n) if departure > 0
                                                            else np.full(n, np.iinfo(np.int32).max))
    return Households(case_type, adults, child_age, severity, strength, motivation, in_view, reach_rank, join,
                      np.arange(first_ident, first_ident + n, dtype=np.int64), departs.astype(np.int64))
