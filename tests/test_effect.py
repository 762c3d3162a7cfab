"""Effect measurement: the comparisons, their diagnostics and the recommendation, on constructed dossiers with a
known truth (the selection traps of issue 16) and on the model's synthetic dossier."""

import json
from functools import cache

import numpy as np
import pandas as pd
import pytest
from dossiers import small_synthetic

from calibration.check_design import check_design, parse_selection
from calibration.constructed import Design, construct
from calibration.dossiers.schema import Dossier, write_dossier
from calibration.effect import Effect, measure_effect
from scenarios.errors import UserError
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


def _count(value: object) -> int | None:
    """A household count as written (None where it is hidden)."""
    return None if str(value) in ("<5", "x") else int(float(value))


def test_a_suppressed_stratum_cannot_be_recovered_from_the_written_outputs(tmp_path):
    """The attack of issue 17 on `mph effect`'s files: a group's total (the unmatched comparison counts everyone)
    minus the strata shown gives the hidden households; the naive estimate (the 1g1p1r group's mean change) times
    the total minus the strata shown gives their summed change. Both must concern 5 or more households, never one
    small stratum; and no two comparisons' counts may differ by 1-4 households."""
    write_dossier(_with_small_strata(small_synthetic().dossier), tmp_path / "d")
    assert main(["effect", str(tmp_path / "d"), "--out", str(tmp_path / "out"), "--bootstrap", "50"]) == 0
    strata = pd.read_csv(tmp_path / "out" / "strata.csv", dtype=str)
    table = pd.read_csv(tmp_path / "out" / "effect.csv")
    report = json.loads((tmp_path / "out" / "effect.json").read_text())
    attacked = 0
    for outcome, rows in strata.groupby("outcome"):
        estimates = table[table["outcome"] == outcome].set_index("estimator")
        for group in ("1g1p1r", "control"):
            cells = rows[f"households_{group}"].map(_count)
            means = rows[f"mean_change_{group}"].astype(float)
            assert means[cells.isna()].isna().all()  # no mean of a hidden cell
            assert ((cells.dropna() == 0) | (cells.dropna() >= 5)).all()
            total = _count(estimates.loc["did_unmatched", f"households_{group}"])
            hidden = total - cells.sum()
            assert hidden == 0 or (hidden >= 5 and cells.isna().sum() >= 2), (outcome, group, hidden)
            if group == "1g1p1r" and hidden:
                attacked += 1
                shown = cells.notna() & means.notna()
                joint = (estimates.loc["naive_before_after", "estimate"] * total
                         - (cells[shown] * means[shown]).sum()) / hidden  # the joint mean of >= 5, nothing smaller
                assert np.isfinite(joint)
        for group in ("1g1p1r", "control"):
            counts = {_count(v) for v in estimates[f"households_{group}"]} - {None}
            assert not any(0 < abs(a - b) < 5 for a in counts for b in counts), (outcome, group, counts)
    assert attacked  # the dossier has small strata: the test tried
    for outcome in report["outcomes"].values():
        for e in outcome["estimators"].values():
            if e["households_1g1p1r"] == "x":
                assert e["diagnostics"]["outside_overlap"] is None


def test_effect_command(tmp_path, capsys):
    write_dossier(small_synthetic().dossier, tmp_path / "d")
    assert main(["effect", str(tmp_path / "d"), "--out", str(tmp_path / "out"), "--bootstrap", "100",
                 "--lang", "en", "--json", str(tmp_path / "effect.json")]) == 0
    out = capsys.readouterr().out
    assert "naive before/after" in out and "matched on baseline problems" in out
    assert out.count("  *  ") == 2  # one recommended estimate per outcome
    table = pd.read_csv(tmp_path / "out" / "effect.csv")
    assert {"did_weighted", "event_study"} <= set(table["estimator"])
    report = json.loads((tmp_path / "effect.json").read_text())
    for outcome in report["outcomes"].values():
        assert outcome["recommended"] in outcome["estimators"] and outcome["reason"]
        for e in outcome["estimators"].values():
            assert {"estimate", "interval", "diagnostics", "warnings", "trusted"} <= set(e)
            for count in (e["households_1g1p1r"], e["households_control"]):
                assert count in ("<5", "x") or count == 0 or count >= 5  # x: hidden beside a small cell


# -- the traps, with a known truth -------------------------------------------------------------------------------
SMALL = {"households": 2500, "max_controls": 600}


@cache
def _measured(rule: str, seed: int, effect: float = 0.0, **more: object) -> tuple[Effect, dict]:
    dossier, truth = construct(Design(rule=rule, effect=effect, **SMALL | more), seed)
    return measure_effect(dossier, bootstrap=300, seed=seed, lang="en"), truth


def _row(effect: Effect, outcome: str, estimator: str) -> pd.Series:
    table = effect.table
    return table[(table["outcome"] == outcome) & (table["estimator"] == estimator)].iloc[0]


def _recommended(effect: Effect, outcome: str) -> pd.Series:
    table = effect.table
    return table[(table["outcome"] == outcome) & table["recommended"]].iloc[0]


def _covers(row: pd.Series, value: float) -> bool:
    return bool(row["ci_low"] <= value <= row["ci_high"])


@pytest.mark.parametrize("seed", [1, 2])
def test_selection_after_a_crisis_is_named_and_the_recommended_estimate_covers_zero(seed):
    effect, truth = _measured("crisis", seed, threshold=2, households=4000, max_controls=800)
    assert truth["escalations_per_year"] == 0
    naive = _row(effect, "escalations_per_year", "naive_before_after")
    assert naive["ci_high"] < -0.5  # the trap: a fall of more than half an escalation a year that is not there
    assert not _row(effect, "escalations_per_year", "did_unmatched")["trusted"]
    assert any("right after a crisis" in w for w in effect.warnings)
    best = _recommended(effect, "escalations_per_year")
    assert best["estimator"] in ("event_study", "did_crisis_controls")  # against controls at a crisis of their own
    assert _covers(best, 0.0)
    problems = _recommended(effect, "problems")
    assert _covers(problems, 0.0) or not problems["trusted"]


@pytest.mark.parametrize("seed", [1, 2])
def test_selection_on_a_high_problem_count_is_named_and_nothing_is_trusted(seed):
    effect, _ = _measured("problems", seed)
    assert _row(effect, "problems", "naive_before_after")["ci_high"] < -1  # regression to the mean
    assert any("6 or more problems" in w for w in effect.warnings)
    for outcome in ("escalations_per_year", "problems"):
        best = _recommended(effect, outcome)
        assert _covers(best, 0.0) or not best["trusted"]
    assert not effect.table["trusted"].any()
    assert "do not report an effect" in effect.outcomes[1].reason


def test_controls_chosen_by_the_same_threshold_are_trusted_and_cover_zero():
    effect, _ = _measured("problems", 1, controls="same_rule")
    assert not effect.warnings
    for outcome in ("escalations_per_year", "problems"):
        best = _recommended(effect, outcome)
        assert best["trusted"] and _covers(best, 0.0)


@pytest.mark.parametrize("seed", [1, 2])
def test_groups_of_different_lasting_severity_matching_on_baseline_is_flagged(seed):
    effect, _ = _measured("severity", seed)
    matched = _row(effect, "problems", "did_matched")
    assert matched["ci_low"] > 0.3  # the trap: a harm that is not there, with a narrow interval
    assert not matched["trusted"] and "diverged before the start" in matched["warnings"]
    best = _recommended(effect, "problems")
    assert best["estimator"] == "did_unmatched" and best["trusted"] and _covers(best, 0.0)
    assert any("lastingly in severity" in w for w in effect.warnings)


@pytest.mark.parametrize("seed", [1, 2])
def test_a_known_minus_20_percent_effect_in_a_textbook_design_is_recovered(seed):
    effect, truth = _measured("random", seed, effect=-0.2)
    assert truth["escalations_per_year"] < -0.2 and truth["problems"] < -0.3
    assert not effect.warnings
    for outcome in ("escalations_per_year", "problems"):
        best = _recommended(effect, outcome)
        assert best["trusted"] and _covers(best, truth[outcome])


def test_outputs_in_dutch_by_default():
    dossier, _ = construct(Design(rule="crisis", threshold=2, **SMALL), 1)
    effect = measure_effect(dossier, bootstrap=100)
    assert any("Selectie na een crisis" in w for w in effect.warnings)
    assert "Aanbevolen" in effect.outcomes[0].reason


# -- the design check --------------------------------------------------------------------------------------------
def test_check_design_shows_which_comparison_covers_the_truth():
    design = Design(rule="crisis", threshold=2, households=2000, max_controls=500)
    check = check_design(design, replications=2, bootstrap=100).set_index(["effect", "outcome", "estimator"])
    naive = check.loc[(0.0, "escalations_per_year", "naive_before_after")]
    assert naive["bias"] < -0.5 and naive["coverage_pct"] == 0
    event = check.loc[(0.0, "escalations_per_year", "event_study")]
    assert abs(event["bias"]) < 0.3 and event["coverage_pct"] == 100
    assert check.loc[(-0.2, "escalations_per_year", "recommended"), "coverage_pct"] == 100


def test_check_design_command_and_bad_input(tmp_path, capsys):
    """`--check-design` lets the model record dossiers of a small town like the user's: per data set the model's
    own effect (truth: the paired difference with the same households under the old method) and a known zero
    (those households' old-method dossier), with a progress bar."""
    write_dossier(small_synthetic().dossier, tmp_path / "d")
    args = ["effect", str(tmp_path / "d"), "--out", str(tmp_path / "out"), "--bootstrap", "50", "--lang", "en"]
    assert main([*args, "--check-design", "--reps", "2", "--selection", "problems:2"]) == 0
    printed = capsys.readouterr()
    assert "Design check: the model records 2 dossiers" in printed.out and "coverage_pct" in printed.out
    assert "design check" in printed.err  # the progress bar
    report = json.loads((tmp_path / "out" / "effect.json").read_text())
    assert report["design_check"]["town"] == {"households": 2 * len(small_synthetic().dossier.households),
                                              "years": 3, "rule": "problems", "threshold": 2}
    check = pd.read_csv(tmp_path / "out" / "design_check.csv")
    assert set(check["effect"]) == {"zero", "model"} and (check["data_sets"] == 2).all()
    assert (check.loc[check["effect"] == "zero", "truth"] == 0).all()
    assert (check.loc[check["effect"] == "model", "truth"] < 0).all()  # the approach prevents escalations
    assert "recommended" in set(check["estimator"])
    for bad, field in ((["--selection", "lottery"], "--selection 'lottery'"), (["--lang", "fr"], "--lang 'fr'"),
                       (["--selection", "severity:3"], "--selection 'severity:3'")):
        assert main([*args, "--check-design", *bad]) == 2
        assert field in capsys.readouterr().err
    assert main([*args, "--selection", "crisis"]) == 2
    assert "only used with --check-design" in capsys.readouterr().err
    with pytest.raises(UserError, match="problems:K"):
        parse_selection("crisis:x")


def _trending(slope: float) -> Dossier:
    """60 households per group, escalations drawn per quarter over two years before and one after a common start;
    the 1g1p1r group's rate climbs by ``slope`` a year each quarter before the start (a pre-trend), no effect."""
    rng = np.random.default_rng(4)
    start, households, events = pd.Timestamp("2014-01-01"), [], []
    for group in ("1g1p1r", "control"):
        for i in range(60):
            hid = f"{group}-{i}"
            households.append({"household_id": hid, "group": group, "start_date": start,
                               "end_date": start + pd.Timedelta(days=366), "problems_baseline": 4})
            for quarter in range(-8, 4):
                rate = 2.0 + (slope * (quarter + 8) if group == "1g1p1r" and quarter < 0 else 0.0)
                for _ in range(rng.poisson(rate / 4)):
                    day = start + pd.Timedelta(days=int(91.3 * quarter + rng.integers(2, 90)))
                    events.append({"household_id": hid, "date": day, "event": "police_incident", "domain": "",
                                   "care_type": "", "outcome": ""})
    return Dossier(pd.DataFrame(households), pd.DataFrame(events))


def test_event_study_leads_catch_a_pre_trend():
    flat = _row(measure_effect(_trending(0.0), bootstrap=100, lang="en"), "escalations_per_year", "event_study")
    climbing = _row(measure_effect(_trending(0.6), bootstrap=100, lang="en"), "escalations_per_year", "event_study")
    assert flat["leads_p"] > 0.05 and flat["trusted"]
    assert climbing["leads_p"] < 0.05 and not climbing["trusted"] and "before the start" in climbing["warnings"]


def _by_case_type(with_case_type: bool) -> Dossier:
    """Zero true effect; heavy cases' escalations fall by 3 a year, light ones' by 1, and the 1g1p1r group holds
    mostly heavy cases. Baseline problems and the escalation history are the same for everyone: only the case type
    tells the groups apart."""
    households, events = [], []
    start, end = pd.Timestamp("2013-01-07"), pd.Timestamp("2015-01-05")
    for group, case, count in (("1g1p1r", "heavy", 30), ("1g1p1r", "light", 10), ("control", "heavy", 10),
                               ("control", "light", 30)):
        for i in range(count):
            hid = f"{group}-{case}-{i}"
            households.append({"household_id": hid, "group": group, "start_date": start, "end_date": end,
                               "problems_baseline": 3, **({"case_type": case} if with_case_type else {})})
            after_per_year = 6 - (3 if case == "heavy" else 1)
            dates = [start - pd.Timedelta(days=7 * (k + 1)) for k in range(6)]
            dates += [start + pd.Timedelta(days=7 * (k + 1)) for k in range(2 * after_per_year)]
            events += [{"household_id": hid, "date": d, "event": "police_incident", "domain": "", "care_type": "",
                        "outcome": ""} for d in dates]
    return Dossier(pd.DataFrame(households), pd.DataFrame(events))


def test_the_case_type_enters_the_propensity_score_when_given():
    without = measure_effect(_by_case_type(False), bootstrap=50).table.set_index("estimator")
    given = measure_effect(_by_case_type(True), bootstrap=50).table.set_index("estimator")
    assert without.loc["did_weighted", "estimate"] == pytest.approx(-1.0, abs=0.05)  # blind to the case mix
    assert given.loc["did_weighted", "estimate"] == pytest.approx(0.0, abs=0.05)
    assert given.loc["did_weighted", "ci_low"] <= 0 <= given.loc["did_weighted", "ci_high"]
    # the balance check shows the case type: unweighted, the groups differ in it
    assert given.loc["did_unmatched", "worst_covariate"] == "case_heavy"
    assert given.loc["did_unmatched", "max_abs_smd"] > 0.5


def test_a_case_type_outside_the_allowed_ones_is_named(tmp_path, capsys):
    dossier = _by_case_type(True)
    households = dossier.households.copy()
    households.loc[3, "case_type"] = "zwaar"
    write_dossier(Dossier(households, dossier.events), tmp_path / "d")
    assert main(["data", "check", str(tmp_path / "d")]) == 1
    out = capsys.readouterr().out
    assert "row 4: case_type: 'zwaar': allowed: light, heavy, mda" in out
    assert main(["effect", str(tmp_path / "d"), "--bootstrap", "10", "--out", str(tmp_path / "out")]) == 2
    assert "case_type" in capsys.readouterr().err
