"""Tidy tables: one row per id and measure, the layout every output and sweep table shares.

Built directly from arrays: ``DataFrame.melt`` costs milliseconds per replication, which adds up over a sweep.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def long_table(ids: dict[str, np.ndarray], measures: Sequence[str], values: np.ndarray) -> pd.DataFrame:
    """Columns ``*ids, measure, value`` from ``values`` (one row per id, one column per measure), measure by
    measure: what ``melt`` gives for a wide table with the ids as its first columns."""
    return pd.DataFrame({**{name: np.tile(column, len(measures)) for name, column in ids.items()},
                         "measure": np.repeat(np.array(measures, dtype=object), len(values)),
                         "value": np.asarray(values, dtype=float).T.ravel()})


def long_form(wide: pd.DataFrame) -> pd.DataFrame:
    """``wide.reset_index().melt(id_vars=<index levels>, var_name="measure", value_name="value")``."""
    ids = {name: wide.index.get_level_values(name).to_numpy() for name in wide.index.names}
    return long_table(ids, list(wide.columns), wide.to_numpy())
