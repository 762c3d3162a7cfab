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


def wide_table(long: pd.DataFrame, ids: Sequence[str]) -> pd.DataFrame:
    """``long.set_index([*ids, "measure"])["value"].unstack("measure")``: one row per id (sorted), one column per
    measure (sorted), NaN where a row lacks a measure. From the codes of each column: the index and unstack took
    more than half of a posterior-predictive run's measures (issue 15). Duplicate rows are refused as unstack
    refuses them; missing ids or measures go the way of unstack."""
    keys = [*ids, "measure"]
    codes, uniques = zip(*(pd.factorize(long[key], sort=True) for key in keys), strict=True)
    if any((c < 0).any() for c in codes):
        return long.set_index(keys)["value"].unstack("measure")
    shape = tuple(len(u) for u in uniques)
    flat = np.ravel_multi_index(codes[:-1], shape[:-1])
    seen = np.bincount(flat, minlength=int(np.prod(shape[:-1]))) > 0
    present = np.flatnonzero(seen)
    cell = (np.cumsum(seen) - 1)[flat] * shape[-1] + codes[-1]
    if np.bincount(cell, minlength=len(present) * shape[-1]).max(initial=0) > 1:
        raise ValueError("Index contains duplicate entries, cannot reshape")
    values = np.full(len(present) * shape[-1], np.nan)
    values[cell] = long["value"].to_numpy(dtype=float)
    index = pd.MultiIndex(levels=[pd.Index(u) for u in uniques[:-1]],
                          codes=np.unravel_index(present, shape[:-1]), names=list(ids))
    return pd.DataFrame(values.reshape(len(present), shape[-1]), index=index,
                        columns=pd.Index(uniques[-1], name="measure"))
