"""The workshop in a real browser: Debian's chromium, driven by Playwright, on a running ``mph workshop``.

The server runs the small town with one process; every test records the requests the page makes and fails on
any that leaves 127.0.0.1 (the app must work offline)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from playwright.sync_api import BrowserContext, Page

from sim.workshop.serve import (
    TIMEOUT_MS,
    fte_slider,
    metrics,
    move_fte,
    open_page,
    wait_for_new_numbers,
    wait_idle,
)


def _wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def _chart_source(page: Page) -> str:
    image = page.get_by_test_id("stImage").locator("img").first
    image.wait_for(timeout=TIMEOUT_MS)
    return image.get_attribute("src") or ""


def test_slider_reruns_numbers_and_charts_offline(page: Page, workshop_url: str) -> None:
    outside = open_page(page, workshop_url)
    page.get_by_role("tab", name="Escalaties").click()
    wait_idle(page)
    chart_before, numbers_before = _chart_source(page), metrics(page)
    assert fte_slider(page).input_value() == "3"
    move_fte(page, 4)
    wait_for_new_numbers(page, numbers_before)
    assert fte_slider(page).input_value() == "5"
    numbers_after = metrics(page)
    stabilised_before, stabilised_after = numbers_before[1].split(" → "), numbers_after[1].split(" → ")
    assert stabilised_after[0] == stabilised_before[0]  # the old method has no regisseurs to gain
    assert stabilised_after[1] != stabilised_before[1]  # 1g1p1r with 5 instead of 3 fte
    _wait_until(lambda: _chart_source(page) != chart_before, "the chart to be redrawn")
    assert outside == []


def test_exported_scenario_reruns_with_the_cli_to_the_same_numbers(page: Page, workshop_url: str,
                                                                   tmp_path: Path) -> None:
    outside = open_page(page, workshop_url)
    before = metrics(page)
    move_fte(page, 2)
    wait_for_new_numbers(page, before)
    page.get_by_role("tab", name="Exporteren").click()
    wait_idle(page)
    files = {}
    for label, name in (("Scenario (YAML", "workshop.yaml"), ("Resultaten (Excel)", "results.xlsx")):
        with page.expect_download(timeout=TIMEOUT_MS) as download:
            page.get_by_role("button", name=label).click()
        files[name] = tmp_path / name
        download.value.save_as(files[name])
    assert yaml.safe_load(files["workshop.yaml"].read_text(encoding="utf-8"))["levers"]["fte"]["value"] == 4.0

    elsewhere = tmp_path / "participant"
    elsewhere.mkdir()
    subprocess.run([sys.executable, "-m", "sim", "run", str(files["workshop.yaml"]), "--out", "out", "--no-charts"],
                   cwd=elsewhere, check=True, capture_output=True)
    rerun = pd.read_csv(elsewhere / "out" / "measures.csv").set_index(["replication", "method", "measure"])
    rows = list(openpyxl.load_workbook(files["results.xlsx"])["Maten"].iter_rows(values_only=True))
    shown = pd.DataFrame(rows[1:], columns=rows[0]).rename(columns={
        "replicatie": "replication", "werkwijze (code)": "method", "maat (code)": "measure", "waarde": "value"})
    shown = shown.set_index(["replication", "method", "measure"])[["value"]]
    assert len(shown) == len(rerun)
    both = shown.join(rerun.add_suffix("_cli"))
    assert both["value"].isna().equals(both["value_cli"].isna())
    assert both["value"].fillna(0).tolist() == pytest.approx(both["value_cli"].fillna(0).tolist(), rel=1e-14, abs=0)
    assert outside == []


def test_two_participants_do_not_disturb_each_other(new_context: Callable[..., BrowserContext],
                                                    workshop_url: str) -> None:
    first, second = new_context().new_page(), new_context().new_page()
    outside = open_page(first, workshop_url) + open_page(second, workshop_url)
    second_numbers = metrics(second)
    before = metrics(first)
    move_fte(first, 6)
    wait_for_new_numbers(first, before)
    second.get_by_role("tab", name="Kosten").click()  # the second participant's page reruns too
    wait_idle(second)
    assert fte_slider(second).input_value() == "3"
    assert metrics(second) == second_numbers
    assert outside == []


def test_bad_input_shows_a_message_next_to_the_field(page: Page, workshop_url: str) -> None:
    outside = open_page(page, workshop_url)
    before = metrics(page)
    field = page.get_by_label("aantal MPH in de gemeente")
    field.fill("veel")
    field.press("Enter")
    page.get_by_text("'veel' is geen geheel getal").first.wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    assert metrics(page) == before
    assert outside == []
