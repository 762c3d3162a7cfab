"""Escalations the published cockpit does not price (issue 14, item 9).

The simulation prices every escalation it counts, with the register's sourced prices and confidence grades. The
published cockpit leaves some out: out-of-home placement (printed "-", register price an assumption, grade D),
utility cut-offs (no line; grade D) and school dropout beyond its own small effect (-1 point on a dropout rate of
49%: one child). An MKBA of a run therefore shows its balance with them and without them, so a reader sees how
much of it rests on what the cockpit did not count.
"""

from __future__ import annotations

import numpy as np

from sim.mkba.inputs import load_inputs

# The cockpit's effect on school dropout, relative: -1 point on 49% (cockpit inputs.effectiveness.school_dropout)
# is 2.0% fewer dropouts. Prevented dropouts up to that share of the old method's are the cockpit's; the rest
# is "school dropout beyond the cockpit's".
_SCHOOL = load_inputs().inputs.effectiveness.school_dropout
COCKPIT_DROPOUT_REDUCTION: float = -_SCHOOL.diff_pct / _SCHOOL.current_pct

# simulated MKBA item (sim.costing counts) -> what of it the cockpit does not price, and why
UNPRICED_ITEMS: dict[str, str] = {
    "placement_child_weeks": "out-of-home placement: the cockpit prints '-' (register "
                             "cost.out_of_home_placement_year, an assumption, confidence D)",
    "school_dropout": "school dropout beyond the cockpit's: prevented dropouts beyond "
                      f"{100 * COCKPIT_DROPOUT_REDUCTION:.1f}% of the old method's (the cockpit's -1 point on 49%; "
                      "register cost.school_dropout, confidence C)",
    "utility_cutoff": "utility cut-offs: the cockpit has no line (register cost.utility_cutoff, an assumption, "
                      "confidence D)",
}


def dropouts_beyond_cockpit(old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Prevented dropouts (``old`` minus ``new``, per year) beyond the cockpit's relative effect on ``old``."""
    return np.clip(old - new - COCKPIT_DROPOUT_REDUCTION * old, 0.0, None)

# The same in the Dutch of the printed tables
UNPRICED_LABELS_NL: dict[str, str] = {
    "placement_child_weeks": "uithuisplaatsing (cockpit: '-')",
    "school_dropout": f"schooluitval voorkomen boven {100 * COCKPIT_DROPOUT_REDUCTION:.1f}% van de oude werkwijze "
                      "(cockpit: -1 punt op 49%)".replace(".", ","),
    "utility_cutoff": "afsluitingen energie en water (geen cockpitregel)",
}
