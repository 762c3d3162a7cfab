"""Compiled inner loops of the weekly step (numba).

The weekly step touches every household's nine life domains several times. Written as numpy expressions that is
a dozen passes over (households x domains) arrays with a temporary each; fused into one compiled loop it is one
pass. Only the dense, every-household parts live here; the sparse follow-up (who was evicted, which child) stays
readable numpy in the agents. ``cache=True`` keeps the compiled code next to this file, so only the first run on
a machine pays the compile time (a few seconds).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def drift_and_recover(sev: np.ndarray, strength: np.ndarray, motivation: np.ndarray, presence: np.ndarray,
                      status: np.ndarray, org_domain: np.ndarray, trajectory: int, applicable: np.ndarray,
                      applicable_count: np.ndarray, drift_rate: float, spillover: float, recovery_rate: float,
                      trajectory_drift_factor: float) -> None:
    """One week of drift towards crisis and own recovery, in place, for every household and domain.

    Drift is faster for weak households and when other domains are bad (spill-over), slower under a regisseur
    (``presence``) or in a domain with a running trajectory; recovery pulls towards 0. The update
    ``sev += drift - (drift + pull) * sev`` keeps severities within [0, 1] and absent domains at 0.
    """
    n_households, n_domains = sev.shape
    in_trajectory = np.zeros(n_domains, dtype=np.bool_)
    for n in range(n_households):
        total = 0.0
        for d in range(n_domains):
            total += sev[n, d]
            in_trajectory[d] = False
        for o in range(status.shape[1]):
            if status[n, o] == trajectory:
                in_trajectory[org_domain[o]] = True
        mean = total / applicable_count[n]
        push = drift_rate * (1.0 - strength[n]) * (1.0 + spillover * mean) * (1.0 - presence[n])
        pull = recovery_rate * strength[n] * motivation[n]
        for d in range(n_domains):
            drift = push * applicable[n, d]
            if in_trajectory[d]:
                drift *= trajectory_drift_factor
            sev[n, d] += drift - (drift + pull) * sev[n, d]


@njit(cache=True)
def exposure(homeless_until: np.ndarray, child_age: np.ndarray, placed_until: np.ndarray, dropped_out: np.ndarray,
             week: int, pupil_low: int, pupil_high: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Who can have which escalation this week: housed households (eviction), children living at home
    (placement), children of ``pupil_low``-``pupil_high`` still in school (dropout); and children placed now."""
    n_households, n_children = child_age.shape
    housed = np.empty(n_households, dtype=np.bool_)
    at_home = np.zeros(n_households, dtype=np.int64)
    pupils = np.zeros(n_households, dtype=np.int64)
    placed = 0
    for n in range(n_households):
        housed[n] = homeless_until[n] <= week
        for c in range(n_children):
            age = child_age[n, c]
            if placed_until[n, c] > week:
                placed += 1
            elif age >= 0:
                at_home[n] += 1
            if pupil_low <= age <= pupil_high and not dropped_out[n, c]:
                pupils[n] += 1
    return housed, at_home, pupils, placed


@njit(cache=True)
def coordination(status: np.ndarray, via_regisseur: np.ndarray, first_open: int, regisseur_share: float
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Per organisation: its open cases (``status >= first_open``) and their coordination weight, the number of other
    organisations each case coordinates with; a regisseur's case carries only ``regisseur_share`` of that."""
    n_households, n_orgs = status.shape
    cases = np.zeros(n_orgs)
    weight = np.zeros(n_orgs)
    for n in range(n_households):
        count = 0
        for o in range(n_orgs):
            if status[n, o] >= first_open:
                count += 1
        if count == 0:
            continue
        for o in range(n_orgs):
            if status[n, o] >= first_open:
                cases[o] += 1.0
                weight[o] += (count - 1) * (regisseur_share if via_regisseur[n, o] else 1.0)
    return cases, weight
