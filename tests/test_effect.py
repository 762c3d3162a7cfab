"""Effect measurement: naive before/after against matched difference-in-differences, with seeded intervals."""

import numpy as np
import pandas as pd
from dossiers import small_synthetic

from calibration.dossiers.schema import Dossier
from calibration.effect import measure_effect
from sim.cli import main


def _constructed() -> Dossier:
    """Households whose escalations fall by 1 per year with 1g1p1r, on top of a fall everyone has (regression to
    the mean) that is steeper the more problems a household has; the 1g1p1r group has more problems."""
    households, events = [], []
    start, end = pd.Timestamp("2013-01-07"), pd.Timestamp("2015-01-05")  # two years of follow-up
    for group, problems, count in (("1g1p1r", 2, 10), ("1g1p1r", 5, 30), ("control", 2, 30), ("control", 5, 10)):
        for i in range(count):
            hid = f"{group}-{problems}-{i}"
            before = 2 * problems  # escalations in the year before the start
            after_per_year = before - problems / 2 - (1 if group == "1g1p1r" else 0)
            households.append({"household_id": hid, "group": group, "start_date": start, "end_date": end,
                               "problems_baseline": problems})
            dates = [start - pd.Timedelta(days=7 * (k + 1)) for k in range(before)]
            dates += [start + pd.Timedelta(days=7 * (k + 1)) for k in range(int(2 * after_per_year))]
            events += [{"household_id": hid, "date": d, "event": "police_incident", "domain": "", "care_type": "",
                        "outcome": ""} for d in dates]
    return Dossier(pd.DataFrame(households), pd.DataFrame(events))


def test_matched_comparison_recovers_a_known_effect_where_naive_ones_do_not():
    effect = measure_effect(_constructed(), bootstrap=200, seed=3)
    table = effect.table.set_index("estimator")
    assert abs(table.loc["did_matched", "estimate"] + 1.0) < 0.01  # follow-up of 728 days, not 2 x 365.25
    assert table.loc["naive_before_after", "estimate"] < -2.5  # takes the common fall for an effect
    assert table.loc["did_unmatched", "estimate"] < -1.5  # groups of unequal problems: still biased
    assert (table["ci_low"] <= table["estimate"]).all() and (table["estimate"] <= table["ci_high"]).all()


def test_intervals_are_seeded():
    dossier = small_synthetic().dossier
    first = measure_effect(dossier, bootstrap=200, seed=7).table
    again = measure_effect(dossier, bootstrap=200, seed=7).table
    other = measure_effect(dossier, bootstrap=200, seed=8).table
    pd.testing.assert_frame_equal(first, again)
    assert not np.allclose(first["ci_low"], other["ci_low"])
    assert set(first["outcome"]) == {"escalations_per_year", "problems"}


def _with_small_strata(dossier: Dossier) -> Dossier:
    """The dossier with each group's largest stratum cut to 3 households: a small stratum in each group for sure."""
    households, drop = dossier.households, []
    for group in ("1g1p1r", "control"):
        mine = households[households["group"] == group]
        largest = mine["problems_baseline"].value_counts().idxmax()
        drop += list(mine.loc[mine["problems_baseline"] == largest, "household_id"].iloc[3:])
    return Dossier(households[~households["household_id"].isin(drop)],
                   dossier.events[~dossier.events["household_id"].isin(drop)])


def test_small_strata_are_suppressed():
    strata = measure_effect(_with_small_strata(small_synthetic().dossier), bootstrap=50).strata
    for group in ("1g1p1r", "control"):
        small = strata[f"households_{group}"] == "<5"
        assert small.any()
        assert strata.loc[small, f"mean_change_{group}"].isna().all()
        shown = strata.loc[~small, f"households_{group}"].astype(int)
        assert ((shown == 0) | (shown >= 5)).all()


def test_effect_command(tmp_path, capsys):
    from calibration.dossiers.schema import write_dossier

    write_dossier(small_synthetic().dossier, tmp_path / "d")
    assert main(["effect", str(tmp_path / "d"), "--out", str(tmp_path / "out"), "--bootstrap", "100"]) == 0
    out = capsys.readouterr().out
    assert "naive before/after" in out and "matched on baseline problems" in out
    table = pd.read_csv(tmp_path / "out" / "effect.csv")
    assert len(table) == 6
