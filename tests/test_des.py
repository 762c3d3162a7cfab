"""The discrete-event (salabim) view of the organisations: a textbook queue, seeding, and the waiting-time check."""

from __future__ import annotations

import argparse
import io
import math
import os
import random
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import salabim
from PIL import Image

from scenarios.errors import UserError
from scenarios.scenario import Scenario
from sim import des
from sim.cli import des as des_cli
from sim.run import Results, run_replication, run_scenario


def _md1(rate: float) -> des.OrgQueue:
    """One slot, no intake, a trajectory of exactly one week: the M/D/1 queue."""
    return des.OrgQueue("md1", "M/D/1", slots=1, intake_weeks=0, trajectory_weeks=1.0, weekly_rates=(rate,))


def test_reproduces_the_md1_queue() -> None:
    # Pollaczek-Khinchine for deterministic service S = 1: Wq = rate / (2 (1 - rate)), Lq = rate * Wq.
    rate = 0.5
    wait = rate / (2 * (1 - rate))
    # About 40,000 customers: the estimates' spread over seeds is about 1.3%, so 5% holds for any seed.
    run = des.replicate([_md1(rate)], weeks=40_000, seed=3, replications=2)
    assert run["wait_weeks"].sum() / run["admissions"].sum() == pytest.approx(wait, rel=0.05)
    assert run["queue_length"].mean() == pytest.approx(rate * wait, rel=0.05)
    assert run["utilisation"].mean() == pytest.approx(rate, rel=0.02)


def test_same_seed_same_numbers_whatever_the_global_generators() -> None:
    queues = [_md1(0.8), des.OrgQueue("two", "two slots", 2, 1, 3.0, (0.7, 0.3))]
    random.seed(1)
    np.random.seed(1)
    first = des.simulate(queues, weeks=300, seed=11)
    salabim.Environment()  # reseeds Python's and numpy's global generators
    random.random()
    again = des.simulate(queues, weeks=300, seed=11)
    pd.testing.assert_frame_equal(first, again)
    other = des.simulate(queues, weeks=300, seed=12)
    assert not first.equals(other)


def test_same_seed_same_numbers_in_another_process() -> None:
    # Another process has another string-hash salt and fresh global generators; neither may matter.
    code = ("import sys; from sim import des; q = des.OrgQueue('md1', 'M/D/1', 1, 0, 1.0, (0.8,)); "
            "sys.stdout.write(des.simulate([q], weeks=300, seed=11).to_json())")
    env = {**os.environ, "PYTHONHASHSEED": "random"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    here = des.simulate([_md1(0.8)], weeks=300, seed=11)
    pd.testing.assert_frame_equal(pd.read_json(io.StringIO(out)), here, check_dtype=False)


def test_the_des_does_not_change_the_main_model(small: Scenario) -> None:
    before, _ = run_replication(small, "verkokerd", 0)
    salabim.Environment()  # the global reseeding the main model must be immune to
    des.simulate([_md1(0.5)], weeks=50, seed=1)
    after, _ = run_replication(small, "verkokerd", 0)
    pd.testing.assert_frame_equal(before, after)


@pytest.fixture(scope="module")
def main_run(small: Scenario) -> Results:
    return run_scenario(small, replications=2, methods=["verkokerd"])


def test_check_has_a_finite_row_per_organisation(small: Scenario, main_run: Results) -> None:
    table = des.check_waiting_times(small, main_run, replications=2)
    assert list(table["organisation"]) == list(small.organisations)
    numbers = table[["main_wait", "des_wait", "des_p5", "des_p95", "difference", "des_utilisation",
                     "des_queue_length"]]
    assert np.isfinite(numbers.to_numpy(dtype=float)).all()
    assert table["verdict"].str.startswith("agree").all()


def test_check_disagrees_when_the_des_has_too_few_slots(small: Scenario, main_run: Results) -> None:
    # The same referrals into a tenth of the slots must give much longer waits than the main model found.
    fewer = small.with_overrides({"organisations.mental_health.capacity": 3})
    table = des.check_waiting_times(fewer, main_run, replications=2).set_index("organisation")
    assert table.loc["mental_health", "verdict"].startswith("disagree: DES waits")
    assert table.loc["mental_health", "difference"] > table.loc["mental_health", "tolerance"]


def test_slots_account_for_coordination_overhead(small: Scenario, main_run: Results) -> None:
    overhead = des.coordination_overhead(small, main_run.yearly)
    assert all(1.0 <= factor < 1.0 + 3 * small.organisation_common.coordination_load for factor in overhead.values())
    queues = {q.key: q for q in des.organisation_queues(small, main_run)}
    for key, org in small.organisations.items():
        assert queues[key].slots == round(org.capacity / overhead[key])
        assert len(queues[key].weekly_rates) == small.horizon_years


def test_animation_is_a_gif_with_frames(small: Scenario, tmp_path) -> None:
    gif, png = des.animate(small, tmp_path / "flow.gif", "addiction_care", weeks=12, rate=2.0)
    with Image.open(gif) as image:
        assert image.n_frames > 1
    assert png.stat().st_size > 0


def _des_command(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="mph")
    des_cli.add_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["des", *argv])


def test_cli_names_the_allowed_organisations(small: Scenario, tmp_path) -> None:
    scenario_file = tmp_path / "small.yaml"
    scenario_file.write_text(small.to_yaml())
    args = _des_command(str(scenario_file), "--animate", "ggz", "--out", str(tmp_path))
    with pytest.raises(UserError, match=r"unknown organisation 'ggz'; allowed: debt_relief, mee, .*police_care$"):
        args.handler(args)
    assert not (tmp_path / "waiting_time_check.csv").exists()  # it stopped before running anything


def test_cli_writes_the_check(small: Scenario, tmp_path, capsys) -> None:
    scenario_file = tmp_path / "small.yaml"
    scenario_file.write_text(small.to_yaml())
    args = _des_command(str(scenario_file), "--reps", "2", "--main-reps", "1", "--seed", "5", "--out", str(tmp_path))
    assert args.handler(args) == 0
    table = pd.read_csv(tmp_path / "waiting_time_check.csv")
    assert len(table) == len(small.organisations)
    assert not math.isnan(table["des_wait"].sum())
    assert not table["verdict"].str.contains("agree").any()  # the CSV's verdict in Dutch too, as on screen
    out = capsys.readouterr().out
    assert "Verslavingszorg" in out and "addiction_care" not in out  # organisations by name, in Dutch
