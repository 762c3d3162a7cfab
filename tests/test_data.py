"""Dossier files: schema checks with row numbers, clear schema errors, small-count suppression, and synthetic
dossiers that register exactly what the model counted."""

import json

import pandas as pd
import pytest
from dossiers import SMALL_TOWN, small_synthetic

from calibration.dossiers.disclosure import suppress_cells
from calibration.dossiers.schema import check_dossier, load_dossier, write_dossier
from calibration.dossiers.synth import record
from scenarios.errors import UserError
from scenarios.scenario import load_scenario
from sim.cli import main

HEADER = "household_id,group,start_date,end_date,problems_baseline,problems_end\n"


def test_invalid_rows_are_reported_with_their_row_numbers(tmp_path, capsys):
    (tmp_path / "households.csv").write_text(
        HEADER
        + "a,1g1p1r,2013-01-07,2014-01-06,3,1\n"      # row 1: fine
        + "b,regisseur,2013-01-07,2014-01-06,3,\n"    # row 2: unknown group
        + "c,control,07-01-2013,2014-01-06,2,\n"      # row 3: not an ISO date
        + "d,control,2014-01-07,2013-01-06,2,\n"      # row 4: ends before it starts
        + "a,control,2013-01-07,2014-01-06,12,\n")    # row 5: duplicate id, too many problems
    (tmp_path / "events.csv").write_text(
        "household_id,date,event,domain,care_type,outcome\n"
        "a,2013-02-01,trajectory_started,finances,ambulant,\n"   # row 1: fine
        "zz,2013-02-01,police_incident,,,\n"                      # row 2: unknown household
        "a,2013-03-01,trajectory_completed,,ambulant,success\n"   # row 3: no domain
        "a,2013-03-01,eviction,housing,,success\n")               # row 4: outcome on an escalation
    assert main(["data", "check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    for row, column in [(2, "group"), (3, "start_date"), (4, "end_date"), (5, "household_id"),
                        (5, "problems_baseline")]:
        assert f"households.csv: rij {row}: {column}" in out
    for row, column in [(2, "household_id"), (3, "domain"), (4, "outcome")]:
        assert f"events.csv: rij {row}: {column}" in out
    assert "rij 1:" not in out
    assert "'regisseur': toegestaan: 1g1p1r, control" in out  # Dutch by default, English on request
    assert main(["data", "check", str(tmp_path), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "households.csv: row 2: group: 'regisseur': allowed: 1g1p1r, control" in out
    assert "events.csv: row 3: domain: required for trajectory events" in out


def test_wrong_schema_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "households.csv"
    path.write_text("household_id,groep,start_date,end_date,problems_baseline\na,1g1p1r,2013-01-07,2014-01-06,3\n")
    assert main(["data", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "missing column(s) group" in err and "Traceback" not in err
    (tmp_path / "d.xlsx").write_text("")
    with pytest.raises(UserError, match=r"unknown file type '\.xlsx'"):
        load_dossier(tmp_path / "d.xlsx")


def test_extra_columns_are_dropped_on_reading(tmp_path):
    (tmp_path / "households.csv").write_text(
        "household_id,naam,group,start_date,end_date,problems_baseline\na,Jansen,1g1p1r,2013-01-07,2014-01-06,3\n")
    check = check_dossier(tmp_path)
    assert "naam" not in check.dossier.households.columns
    assert any("ignored column(s) naam" in note for note in check.notes)


def test_semicolon_csv_and_parquet_are_read(tmp_path):
    (tmp_path / "h.csv").write_text(HEADER.replace(",", ";") + "a;1g1p1r;2013-01-07;2014-01-06;3;1\n")
    assert load_dossier(tmp_path / "h.csv").households["problems_baseline"].tolist() == [3]
    dossier = small_synthetic().dossier
    write_dossier(dossier, tmp_path / "pq", "parquet")
    back = load_dossier(tmp_path / "pq")
    assert len(back.households) == len(dossier.households) and len(back.events) == len(dossier.events)


def test_counts_under_five_households_are_suppressed(tmp_path, capsys):
    rows = [f"t{i},1g1p1r,2013-01-07,2014-01-06,3,1\n" for i in range(7)]
    rows += [f"c{i},control,2013-01-07,2014-01-06,3,1\n" for i in range(3)]
    (tmp_path / "households.csv").write_text(HEADER + "".join(rows))
    assert main(["data", "check", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    # the 10 rows are known: 7 beside '<5' would give the 3 away, so it is not shown either (secondary suppression)
    assert "controlegroep: <5" in out and "1g1p1r: x" in out and "bij x huishoudens" in out  # Dutch by default
    assert not any(n in out for n in (": 3", ": 7", "bij 10"))


def test_households_without_events_are_not_given_away_by_subtraction(tmp_path, capsys):
    """Issue 17: beside the group totals (12 + 10), "events over 20 households" told that 2 households had no event
    at all. A count within 1-4 of the total or of a group is hidden too."""
    rows = [f"t{i},1g1p1r,2013-01-07,2014-01-06,3,1\n" for i in range(12)]
    rows += [f"c{i},control,2013-01-07,2014-01-06,3,1\n" for i in range(10)]
    (tmp_path / "households.csv").write_text(HEADER + "".join(rows))
    with_events = [f"t{i}" for i in range(11)] + [f"c{i}" for i in range(9)]
    (tmp_path / "events.csv").write_text("household_id,date,event,domain,care_type,outcome\n" + "".join(
        f"{hid},2013-03-01,police_incident,,,\n" for hid in with_events))
    assert main(["data", "check", str(tmp_path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "1g1p1r: 12" in out and "control group: 10" in out
    assert "events: 20 over x households" in out and "over 20" not in out
    for missing, shown in ((0, "over 22 households"), (5, "over 17 households")):
        events = [*with_events, "t11", "c9"] if missing == 0 else with_events[:17]
        (tmp_path / "events.csv").write_text("household_id,date,event,domain,care_type,outcome\n" + "".join(
            f"{hid},2013-03-01,police_incident,,,\n" for hid in events))
        assert main(["data", "check", str(tmp_path), "--lang", "en"]) == 0
        assert shown in capsys.readouterr().out  # nothing small to give away: shown


def _trajectory_dossier(tmp_path, finances: int, other: int) -> None:
    """8 households per group; in the 1g1p1r group ``finances`` completed a debt-relief trajectory and, of those,
    ``other`` also one in another domain (success known)."""
    rows = [f"{g}{i},{group},2013-01-07,2014-01-06,3,1\n" for g, group in (("t", "1g1p1r"), ("c", "control"))
            for i in range(8)]
    (tmp_path / "households.csv").write_text(HEADER + "".join(rows))
    events = [f"t{i},2013-06-01,trajectory_completed,finances,ambulant,{('success', 'failure')[i % 2]}\n"
              for i in range(finances)]
    events += [f"t{i},2013-07-01,trajectory_completed,housing,ambulant,failure\n" for i in range(other)]
    (tmp_path / "events.csv").write_text("household_id,date,event,domain,care_type,outcome\n" + "".join(events))


@pytest.mark.parametrize(("finances", "other", "refused"), [
    (3, 0, {"1g1p1r.debt_relief_success_share", "1g1p1r.trajectory_success_share"}),  # 3 households behind both
    (8, 2, {"1g1p1r.trajectory_success_share"}),  # beside the debt-relief share it gives the 2 others' share
    (8, 0, set()), (8, 5, set()),
])
def test_a_dossier_statistic_of_a_few_households_is_refused_as_a_calibration_target(tmp_path, finances, other,
                                                                                    refused):
    """Issue 17 for `mph calibrate`: a dossier target's value goes to fit.csv and summary.json. A success share over
    the trajectories of 1-4 households, or one that beside another gives the share of 1-4 households, is refused."""
    from calibration.config import load_calibration
    from calibration.dossiers.statistics import too_few_behind

    _trajectory_dossier(tmp_path, finances, other)
    names = ["1g1p1r.debt_relief_success_share", "1g1p1r.trajectory_success_share", "1g1p1r.escalations_per_year"]
    assert set(too_few_behind(load_dossier(tmp_path), names)) == refused
    (tmp_path / "c.yaml").write_text("""
name: small
data: {households: households.csv, events: events.csv}
parameters:
  organisations.debt_relief.success_rate: {dist: uniform, low: 0.2, high: 0.7}
targets:
  - dossier: 1g1p1r.debt_relief_success_share
  - dossier: 1g1p1r.trajectory_success_share
""")
    if refused:
        with pytest.raises(UserError, match="disclosure control"):
            load_calibration(tmp_path / "c.yaml")
    else:
        assert len(load_calibration(tmp_path / "c.yaml").targets) == 2


def test_secondary_suppression():
    assert suppress_cells({"a": 7, "b": 3}) == {"a": "x", "b": "<5"}
    assert suppress_cells({"a": 7, "b": 3, "c": 2}) == {"a": 7, "b": "<5", "c": "<5"}  # two hidden: neither known
    assert suppress_cells({"a": 7, "b": 30, "c": 0}) == {"a": 7, "b": 30, "c": 0}


def test_synthetic_dossier_registers_what_the_model_counted():
    """Every escalation and trajectory in a synthetic dossier's event log adds up to the model's own yearly counts."""
    scenario = load_scenario().with_overrides(SMALL_TOWN, origin="test")
    model = record(scenario, "1g1p1r", 0)
    log = model.event_log()
    log["year"] = (log["week"] - 1) // 52 + 1
    counted = log.groupby(["year", "event"]).size().unstack(fill_value=0)
    years = model.datacollector.get_table_dataframe("years").set_index("year")
    pairs = {name: name for name in ("police_incident", "intensive_care_episode", "collection_case",
                                     "utility_cutoff", "eviction", "shelter_entry", "out_of_home_placement",
                                     "school_dropout")}
    pairs |= {"trajectory_offered": "referrals", "trajectory_started": "trajectories_started",
              "trajectory_completed": "trajectories_completed"}
    for event, column in pairs.items():
        assert counted[event].tolist() == years[column].astype(int).tolist(), event
    successes = log[log["outcome"] == "success"].groupby("year").size()
    assert successes.tolist() == years["trajectories_succeeded"].astype(int).tolist()


def test_synthetic_dossier_passes_its_own_check(tmp_path):
    synthetic = small_synthetic()
    households = synthetic.dossier.households
    assert set(households["group"]) == {"1g1p1r", "control"}
    assert (households["start_date"] >= pd.Timestamp("2012-12-24")).all()  # week 52 on: after the run-in year
    write_dossier(synthetic.dossier, tmp_path)
    check = check_dossier(tmp_path)
    assert check.problems == [] and len(check.dossier.households) == len(households)


def test_synth_command_writes_dossier_and_truth(tmp_path, capsys):
    out = tmp_path / "syn"
    assert main(["data", "synth", "--households", "300", "--years", "2", "--fte", "1", "--out", str(out),
                 "--set", "escalations.police_incident.base_hazard=0.04"]) == 0
    truth = json.loads((out / "truth.json").read_text())
    assert truth["parameters"]["escalations.police_incident.base_hazard"] == 0.04
    assert "escalations_per_year" in truth["effect"]
    assert check_dossier(out).problems == []
    assert main(["data", "synth", "--years", "1", "--out", str(out)]) == 2
    assert "run-in year" in capsys.readouterr().err
