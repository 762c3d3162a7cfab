"""Result sets all or nothing: `mph run --out` shows the old complete set or the new one, never a mix, even when
killed mid-write; leftovers of an interrupted run are cleaned up."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.reports import outputs
from sim.reports.outputs import MANIFEST, clean_leftovers, result_set

ROOT = Path(__file__).resolve().parent.parent


def _complete(folder: Path) -> dict:
    """The manifest of ``folder``, after checking that every file it lists is there with its hash, and that no
    file of another set is."""
    manifest = json.loads((folder / MANIFEST).read_text())
    for name, meta in manifest["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == meta["sha256"], f"{name}: another set's"
    strays = {p.name for p in folder.iterdir() if p.is_file()} - set(manifest["files"]) - {MANIFEST}
    assert not strays, f"files of no set: {strays}"
    return manifest


def _write_set(out: Path, run: int, names: tuple[str, ...] = ("a.csv", "b.csv")) -> None:
    with result_set(out, {"run": run}) as staging:
        for name in names:
            (staging / name).write_text(f"{name} of run {run}\n")


@pytest.fixture(params=[True, False], ids=["exchange", "two renames"])
def swap(request, monkeypatch):
    if not request.param:
        monkeypatch.setattr(outputs, "_exchange", lambda a, b: False)


def test_a_new_set_replaces_the_old_one_whole_and_keeps_other_outputs(tmp_path, swap):
    out = tmp_path / "results"
    _write_set(out, 1, ("a.csv", "b.csv", "chart.png"))
    (out / "sweep-x").mkdir()  # another command's output in the same folder
    (out / "sweep-x" / "table.csv").write_text("keep\n")
    _write_set(out, 2)
    assert _complete(out)["run"] == 2 and not (out / "chart.png").exists()  # nothing of run 1 stays
    assert (out / "sweep-x" / "table.csv").read_text() == "keep\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]  # no staging folder left


def test_a_failed_write_leaves_the_old_set(tmp_path, swap):
    out = tmp_path / "results"
    _write_set(out, 1)
    (out / "mine").mkdir()  # another command's output in the same folder
    (out / "mine" / "notes.txt").write_text("mine\n")
    with pytest.raises(RuntimeError), result_set(out, {"run": 2}) as staging:
        (staging / "a.csv").write_text("half")
        raise RuntimeError("disk full")
    assert _complete(out)["run"] == 1 and (out / "mine" / "notes.txt").read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]


def test_leftovers_of_a_killed_run_are_cleaned(tmp_path):
    out = tmp_path / "results"
    _write_set(out, 1)
    half = tmp_path / ".results.mph-new-999999999-abc"  # killed while writing (no such process): no manifest
    half.mkdir()
    (half / "a.csv").write_text("half")
    (out / ".summary.csv.x1.part").write_text("half")  # killed in a single-file write
    removed = clean_leftovers(out)
    assert len(removed) == 2 and _complete(out)["run"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]


def test_killed_between_two_renames_the_complete_set_is_put_back(tmp_path):
    out = tmp_path / "results"
    _write_set(out, 1)
    os.replace(out, tmp_path / ".results.mph-new-999999999-abc")  # the complete new set, not yet in place
    clean_leftovers(out)
    assert _complete(out)["run"] == 1


def test_the_staging_folder_of_a_run_still_writing_is_left_alone(tmp_path):
    """Two runs to one folder: the second must not clean up the first's staging folder under its feet."""
    out = tmp_path / "results"
    writer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        busy = tmp_path / f".results.mph-new-{writer.pid}-abc"
        busy.mkdir()
        out.mkdir()
        writing = out / f".summary.json.{writer.pid}-x1y2.part"  # another command's file write in progress
        writing.write_text("half")
        assert clean_leftovers(out) == [] and busy.is_dir() and writing.is_file()
    finally:
        writer.kill()
        writer.wait()
    assert sorted(clean_leftovers(out)) == sorted([busy, writing]) and not busy.exists() and not writing.exists()


SMALL = "extends: example_municipality\npopulation:\n  households: 300\n"


def _run(folder: Path, out: Path, seed: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sim", "run", "s.yaml", "--out", str(out), "--reps", "1",
                             "--years", "1", "--seed", str(seed)], cwd=folder, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})


def _writing(folder: Path, before: dict[Path, int]) -> bool:
    """Whether a file under ``folder`` is new or changed since ``before`` (wherever the run writes)."""
    for path in folder.rglob("*"):
        try:
            if path.is_file() and before.get(path) != path.stat().st_mtime_ns:
                return True
        except FileNotFoundError:  # moved while we looked
            continue
    return False


def test_kill_9_mid_write_leaves_the_old_set_or_the_new_one(tmp_path):
    """`mph run --out` killed (SIGKILL) while it writes its files: the folder holds one complete set."""
    (tmp_path / "s.yaml").write_text(SMALL)
    out = tmp_path / "res"
    first = _run(tmp_path, out, seed=1)
    assert first.wait(timeout=300) == 0, first.stderr.read()
    assert _complete(out)["seed"] == 1
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    second = _run(tmp_path, out, seed=2)
    deadline = time.monotonic() + 300
    while not _writing(tmp_path, before):
        assert second.poll() is None and time.monotonic() < deadline, "the run ended before it wrote"
        time.sleep(0.01)
    second.send_signal(signal.SIGKILL)
    second.wait(timeout=60)
    assert _complete(out)["seed"] in (1, 2)
    assert list(tmp_path.glob(".res.mph-*"))  # the kill left its staging folder ...
    third = _run(tmp_path, out, seed=3)
    assert third.wait(timeout=300) == 0, third.stderr.read()
    assert _complete(out)["seed"] == 3 and not list(tmp_path.glob(".res.mph-*"))  # ... the next run cleaned it


# -- every command that writes a set: compare, sweep, calibrate, des ------------------------------------------------
TOWN = "extends: example_municipality\nname: {name}\nhorizon_years: 1\npopulation: {{households: 300}}\n" \
       "levers: {{fte: {fte}}}\n"


def _compare_args(tmp_path: Path, out: Path) -> list[str]:
    paths = []
    for fte in (1, 2):
        (tmp_path / f"s{fte}.yaml").write_text(TOWN.format(name=f"{fte} fte", fte=fte))
        paths.append(str(tmp_path / f"s{fte}.yaml"))
    return ["compare", *paths, "--reps", "1", "--workers", "1", "--out", str(out)]


def _sweep_args(tmp_path: Path, out: Path) -> list[str]:
    (tmp_path / "town.yaml").write_text(TOWN.format(name="town", fte=1))
    (tmp_path / "sweep.yaml").write_text("name: tiny grid\nscenario: town.yaml\ndesign: grid\nreplications: 1\n"
                                         "years: 1\nlevers:\n  levers.fte: [1, 2]\noutcomes: [mkba_balance]\n")
    return ["sweep", str(tmp_path / "sweep.yaml"), "--workers", "1", "--out", str(out)]


def _calibrate_args(tmp_path: Path, out: Path) -> list[str]:
    from dossiers import small_synthetic

    from calibration.dossiers.schema import write_dossier

    write_dossier(small_synthetic().dossier, tmp_path / "data")
    (tmp_path / "cal.yaml").write_text(
        "name: tiny\nfit_settings: {population.households: 300, horizon_years: 2, levers.fte: 2}\nreplications: 1\n"
        "data: {households: data/households.csv, events: data/events.csv}\nparameters:\n"
        "  escalations.police_incident.base_hazard: {dist: uniform, low: 0.02, high: 0.04}\n"
        "targets:\n  - dossier: 1g1p1r.escalations_per_year\npoint: {lhs: 2, polish: 0}\n")
    return ["calibrate", str(tmp_path / "cal.yaml"), "--mode", "point", "--out", str(out)]


def _des_args(tmp_path: Path, out: Path) -> list[str]:
    (tmp_path / "town.yaml").write_text(TOWN.format(name="town", fte=1))
    return ["des", str(tmp_path / "town.yaml"), "--reps", "2", "--main-reps", "1", "--animate", "addiction_care",
            "--weeks", "8", "--out", str(out)]


def _fail_after_writing(*_args, **_kwargs):
    raise RuntimeError("disk full")  # injected after the first files of the new set were written


def _des_fails_mid_gif(scenario, path, *_args, **_kwargs):
    Path(path).write_bytes(b"GIF89a half")
    raise RuntimeError("disk full")


@pytest.mark.parametrize(("arguments", "breaks", "replacement"), [
    (_compare_args, "sim.experiments.compare.charts", _fail_after_writing),
    (_sweep_args, "sim.reports.sweep.point_summary", _fail_after_writing),
    (_calibrate_args, "calibration.report.fit_chart", _fail_after_writing),
    (_des_args, "sim.des.animate", _des_fails_mid_gif),
], ids=["compare", "sweep", "calibrate", "des"])
def test_an_interrupted_command_leaves_its_previous_complete_set(tmp_path, monkeypatch, arguments, breaks,
                                                                 replacement):
    """compare, sweep, calibrate and des write their files as one set, like `mph run --out`: an error after some
    files of the new set were written leaves the previous set whole, with its manifest, and nothing staged."""
    from sim.cli import main

    monkeypatch.chdir(tmp_path)
    out = tmp_path / "results" / "set"
    argv = arguments(tmp_path, out)
    assert main(argv) == 0
    first = _complete(out)
    assert first["command"] == f"mph {argv[0]}" and first["version"] and first["lock_hash"] and len(first["files"]) >= 2
    before = {name: (out / name).read_bytes() for name in first["files"]}
    monkeypatch.setattr(breaks, replacement)
    with pytest.raises(RuntimeError, match="disk full"):
        main(argv)
    assert _complete(out) == first and {name: (out / name).read_bytes() for name in first["files"]} == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["set"]  # the half-written set is gone


def test_a_command_does_not_replace_another_commands_set(tmp_path):
    """`mph des --out results` after `mph run`: refused before any simulation, run's set stays."""
    from sim.cli import main

    out = tmp_path / "results"
    _write_set(out, 1)
    manifest = json.loads((out / MANIFEST).read_text())
    (out / MANIFEST).write_text(json.dumps({**manifest, "command": "mph run"}))
    argv = _des_args(tmp_path, out)
    assert main(argv) == 2
    assert (out / "a.csv").read_text() == "a.csv of run 1\n"


def test_kill_9_during_des_leaves_the_old_set_and_the_next_run_cleans_up(tmp_path):
    """`mph des` killed (SIGKILL) while it renders its animation into the new set: the previous set stays whole."""
    out = tmp_path / "res"
    argv = _des_args(tmp_path, out)
    argv[argv.index("--weeks") + 1] = "20"  # the animation comes after the table: time to kill it mid-set

    def start() -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "sim", *argv], cwd=tmp_path, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})

    first = start()
    assert first.wait(timeout=300) == 0, first.stderr.read()
    manifest = _complete(out)
    second = start()
    deadline = time.monotonic() + 300
    while not any(p.is_file() for p in tmp_path.glob(".res.mph-new-*/*")):
        assert second.poll() is None and time.monotonic() < deadline, "the run ended before it wrote"
        time.sleep(0.01)
    second.send_signal(signal.SIGKILL)
    second.wait(timeout=60)
    assert _complete(out) == manifest and list(tmp_path.glob(".res.mph-*"))
    third = start()
    assert third.wait(timeout=300) == 0, third.stderr.read()
    assert _complete(out)["files"].keys() == manifest["files"].keys() and not list(tmp_path.glob(".res.mph-*"))
