"""What participants take home: a scenario file that `mph run` reruns to the same numbers, Excel with values,
and a one-page sheet; and runs that give the same numbers in worker processes as in one."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
import yaml

from scenarios.scenario import Scenario, load_scenario
from sim.cli import main as mph
from sim.run import run_scenario
from sim.workshop import controls, exports
from sim.workshop.simulate import Outcome, run_replications, simulate, worker_pool


@pytest.fixture(scope="module")
def room(small_town: Scenario) -> dict[str, Any]:
    """Settings a room might arrive at: fewer staff, no free budget, more MDA, its own seed, two replications."""
    return controls.start_values(small_town) | {"levers.fte": 5.0, "levers.mandate.free_budget": False,
                                                controls.MDA: 0.1, "seed": 7, "replications": 2}


@pytest.fixture(scope="module")
def outcome(small_town: Scenario, room: dict[str, Any]) -> Outcome:
    return simulate(controls.build_scenario(small_town, room))


def _sorted(measures: pd.DataFrame) -> pd.DataFrame:
    return measures.sort_values(["replication", "method", "measure"]).reset_index(drop=True)


def test_exported_scenario_reruns_with_mph_run_from_another_folder_to_identical_measures(
        small_town: Scenario, small_town_file: Path, room: dict[str, Any], outcome: Outcome, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    text = exports.scenario_yaml(small_town, small_town_file, room, today=dt.date(2026, 11, 22))
    tree = yaml.safe_load(text)
    assert tree["extends"] == str(small_town_file.resolve())
    assert set(tree["levers"]) == {"fte", "mandate"}
    source = "workshop 2026-11-22: set by the room"
    assert tree["levers"]["mandate"] == {"free_budget": {"value": False, "source": source}}
    assert tree["seed"]["value"] == 7
    elsewhere = tmp_path / "home" / "participant"
    elsewhere.mkdir(parents=True)
    (elsewhere / "workshop.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    assert mph(["run", "workshop.yaml", "--out", "results", "--no-charts"]) == 0
    rerun = pd.read_csv(elsewhere / "results" / "measures.csv").drop(columns="label")  # the words beside the keys
    pd.testing.assert_frame_equal(_sorted(rerun), _sorted(outcome.results.measures), check_dtype=False)


def test_exports_of_the_example_extend_it_by_its_bundled_name(tmp_path: Path) -> None:
    example = load_scenario()
    values = controls.start_values(example) | {"levers.fte": 20.0, "levers.aftercare_months": 24.0}
    text = exports.scenario_yaml(example, exports.EXAMPLE_FILE, values)
    assert yaml.safe_load(text)["extends"] == "example_municipality"
    path = tmp_path / "mijn_ronde.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_scenario(path)
    expected = controls.build_scenario(example, values)
    assert loaded.model_dump(exclude={"sources", "name"}) == expected.model_dump(exclude={"sources", "name"})


def test_excel_holds_the_numbers_as_values_not_formulas(outcome: Outcome, room: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "results.xlsx"
    path.write_bytes(exports.excel(outcome, room, "nl"))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Samenvatting", "Maten", "MKBA", "Instellingen"]
    formulas = [c.coordinate for sheet in book for row in sheet.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")]
    assert formulas == []
    for sheet in book:  # the policy layout: frozen header, A4, one page wide, values not JSON
        assert sheet.freeze_panes is not None and int(sheet.page_setup.paperSize) == 9
        assert sheet.page_setup.fitToHeight == 0
        assert not [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)
                    and c.value.startswith(("{", "["))]
    rows = list(book["Samenvatting"].iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "maat")
    summary = pd.DataFrame(rows[header + 1:], columns=rows[header]).set_index("code")
    expected = outcome.results.summary()
    assert summary.loc["eviction_per_year", "1g1p1r: gemiddelde"] == pytest.approx(
        expected.loc[("1g1p1r", "eviction_per_year"), "mean"], rel=1e-12)
    assert summary.loc["eviction_per_year", "maat"] == "huisuitzettingen"
    assert book["Maten"].max_row == len(outcome.results.measures) + 1
    mkba = {row[-1]: row[2] for row in book["MKBA"].iter_rows(values_only=True)}
    assert mkba["balance"] == pytest.approx(outcome.mkba.summary().loc["balance", "mean"], rel=1e-12)
    settings = {row[2]: row[1] for row in book["Instellingen"].iter_rows(values_only=True)}
    assert settings["levers.fte"] == 5.0 and settings["levers.mandate.free_budget"] == "uit"


def test_workshop_charts_do_not_overlap_and_say_what_their_bands_are(outcome: Outcome) -> None:
    import matplotlib.pyplot as plt

    from sim.reports.charts import overlapping_labels
    from sim.workshop import views

    for lang in ("nl", "en"):
        for draw, size in ((views.outcomes, (15, 4)), (views.escalations_over_time, (14, 6.5)),
                           (views.waiting_over_time, (15, 4))):
            fig = plt.figure(figsize=size)
            draw(fig, outcome, lang)
            assert overlapping_labels(fig) == [], draw.__name__
            title = fig._suptitle.get_text()
            # two replications: no 5-95% band, their range, and the chart says so
            assert "band: 5%–95%" not in title and "5-95%" not in title
            assert any(words in title for words in ("laagste tot hoogste van 2", "lowest to highest of 2"))
            plt.close(fig)


def test_take_home_sheet_is_one_a4_page(outcome: Outcome, room: dict[str, Any]) -> None:
    import re

    pdf = exports.sheet(outcome, room, "nl", "pdf")
    box = [float(v) for v in re.search(rb"/MediaBox \[\s*([\d.\s]+)\]", pdf).group(1).split()]
    assert box[2:] == pytest.approx([842, 595], abs=1)  # A4 landscape in points
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type/Page\n") <= 1


@pytest.mark.parametrize(("fmt", "magic"), [("pdf", b"%PDF"), ("png", b"\x89PNG")])
def test_take_home_sheet_is_a_pdf_or_png_page(outcome: Outcome, room: dict[str, Any], fmt: str, magic: bytes) -> None:
    assert exports.sheet(outcome, room, "en", fmt).startswith(magic)


def test_replications_in_worker_processes_give_the_numbers_of_one_process(small_town: Scenario) -> None:
    scenario = small_town.with_overrides({"replications": 2, "horizon_years": 2})
    with worker_pool(2) as pool:
        parallel = run_replications(scenario, pool)
    serial = run_scenario(scenario)
    for name in ("yearly", "weekly", "measures", "costs"):
        pd.testing.assert_frame_equal(getattr(parallel, name), getattr(serial, name))


def test_a_lever_moved_plays_only_1g1p1r_again_with_the_numbers_of_a_fresh_run(small_town: Scenario,
                                                                                monkeypatch) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from sim.workshop import simulate as simulate_module

    base = small_town.with_overrides({"replications": 2, "horizon_years": 2})
    played: list[tuple[int, str]] = []
    one_run = simulate_module._one_run
    monkeypatch.setattr(simulate_module, "_one_run", lambda s, job: played.append(job) or one_run(s, job))
    monkeypatch.setattr(simulate_module, "_old_runs", type(simulate_module._old_runs)())
    moved = base.with_overrides({"levers.fte": base.levers.fte + 2, "levers.mandate.free_budget": False})
    faster = base.with_overrides({"dynamics.drift_rate": base.dynamics.drift_rate * 1.5})  # not a lever
    with ThreadPoolExecutor(2) as pool:
        run_replications(base, pool)
        played.clear()
        after_lever = run_replications(moved, pool)
        assert sorted(played) == [(0, "1g1p1r"), (1, "1g1p1r")]
        played.clear()
        run_replications(faster, pool)
        assert len(played) == 4
    fresh = run_scenario(moved)
    for name in ("yearly", "weekly", "measures", "costs"):
        pd.testing.assert_frame_equal(getattr(after_lever, name), getattr(fresh, name))


def test_the_room_s_workers_are_all_started_before_the_first_run() -> None:
    """A pool starts a process only when a task finds none idle; a run that holds one worker at a time would leave
    the others unstarted, and a participant would later wait seconds for one to import the model."""
    with worker_pool(2) as pool:
        assert len(pool._processes) == 2


def test_one_run_holds_at_most_its_share_of_the_room_s_workers(small_town: Scenario, monkeypatch) -> None:
    """A participant's 40 tasks go into the shared pool a few at a time, so another participant's task waits for
    at most one of them, not all 40; the results still come back in order."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from sim.workshop import simulate as simulate_module

    lock, state = threading.Lock(), {"now": 0, "most": 0}

    def task(scenario: Scenario, job: tuple[int, str]) -> tuple[int, str]:
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(0.01)
        with lock:
            state["now"] -= 1
        return job

    monkeypatch.setattr(simulate_module, "_one_run", task)
    jobs = [(rep, method) for rep in range(20) for method in ("verkokerd", "1g1p1r")]
    with ThreadPoolExecutor(8) as pool:
        assert simulate_module._in_turn(pool, small_town, jobs, share=2) == jobs
    assert state["most"] == 2
