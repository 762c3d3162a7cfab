"""Speed of the workshop: does a lever change rerun the views of the example municipality within 3 seconds?

Run: .venv/bin/python benchmarks/bench_workshop.py [--screenshots docs] [--only-delay]
  1. in one process: a workshop run (both methods, the workshop's default replications, and its MKBA) of the
     example municipality, serially and with the replications on worker processes, for three fte settings;
  2. in a real browser (Debian's chromium, Playwright) on `mph workshop`: seconds from moving the fte slider until
     the new numbers are shown (key-figures tab) and until the escalation chart is redrawn (escalations tab).
  3. one participant delaying another: participant B's default run alone, and while participant A runs the largest
     task the limit allows (1 replication, 1 year, as many households as controls.MAX_WORK admits) on the same
     worker pool, each run holding at most half the workers as the app does.
Numbers go to stdout and benchmarks/results/workshop.json. With --screenshots DIR the main views are saved there as
workshop_*.png (the README's pictures).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from scenarios.scenario import load_scenario
from sim.workshop import controls, serve
from sim.workshop.simulate import simulate, worker_pool

if TYPE_CHECKING:
    from playwright.sync_api import Page

MOVES = 3


def in_process(workers: int) -> dict:
    base = load_scenario()
    values = controls.start_values(base)
    scenarios = [controls.build_scenario(base, values | {"levers.fte": fte}) for fte in (12.0, 12.5, 13.0)]
    serial = [simulate(s).seconds for s in scenarios]
    with worker_pool(workers) as pool:
        simulate(scenarios[0].with_overrides({"replications": 1}), pool)  # start the workers
        parallel = [simulate(s, pool).seconds for s in scenarios]
    return {"replications": values["replications"], "workers": workers,
            "seconds_serial": [round(t, 2) for t in serial], "seconds_on_workers": [round(t, 2) for t in parallel]}


def room_delay(workers: int) -> dict:
    """Seconds until participant B's numbers, alone and while A runs the largest allowed request; each figure is
    printed as it comes (a loaded machine may take long)."""
    base = load_scenario()
    values = controls.start_values(base)
    b = controls.build_scenario(base, values)
    most = controls.MAX_WORK // ((base.flows.warmup_years + 1) * len(base.methods))
    a = controls.build_scenario(base, values | {"horizon_years": 1, "replications": 1, "population.households": most})
    share = max(1, workers // 2)  # as sim.workshop.page gives each run
    found: dict = {"workers": workers, "share_per_run": share, "a_households": most,
                   "a_household_years": controls.work(a), "a_largest_task_household_years": controls.largest_task(a)}
    with worker_pool(workers) as pool:
        simulate(b.with_overrides({"replications": 1}), pool)  # start the workers
        found["b_alone_seconds"] = round(simulate(b, pool, share).seconds, 2)
        print(json.dumps(found), flush=True)
        a_seconds: list[float] = []
        heavy = threading.Thread(target=lambda: a_seconds.append(simulate(a, pool, share).seconds))
        heavy.start()
        time.sleep(1.0)  # A's tasks are in the pool
        found["b_while_a_runs_seconds"] = round(simulate(b, pool, share).seconds, 2)
        found["b_delay_seconds"] = round(found["b_while_a_runs_seconds"] - found["b_alone_seconds"], 2)
        print(json.dumps(found), flush=True)
        heavy.join()
    found["a_seconds"] = round(a_seconds[0], 2)
    return found


def _timed_move(page: Page, until: Callable[[], bool]) -> float:
    started = time.perf_counter()
    serve.move_fte(page, 1)
    deadline = started + serve.TIMEOUT_MS / 1000
    while not until():
        if time.perf_counter() > deadline:
            raise AssertionError("no update after moving the slider")
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    serve.wait_idle(page)
    return round(seconds, 2)


def _chart(page: Page) -> str:
    return page.get_by_test_id("stImage").locator("img").first.get_attribute("src") or ""


def in_browser(workers: int, screenshots: Path | None) -> dict:
    from playwright.sync_api import sync_playwright

    chromium = serve.find_chromium()
    if chromium is None:
        return {"skipped": "chromium not found"}
    log = Path(tempfile.mkdtemp()) / "server.log"
    with serve.workshop_server(None, workers, log) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=serve.CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1450})
        started = time.perf_counter()
        outside = serve.open_page(page, url)
        first = round(time.perf_counter() - started, 2)
        numbers = []
        for _ in range(MOVES):
            before = serve.metrics(page)
            numbers.append(_timed_move(page, lambda before=before: serve.metrics(page) != before))
        if screenshots:
            page.screenshot(path=screenshots / "workshop_overview.png")
        page.get_by_role("tab", name="Escalaties").click()
        serve.wait_idle(page)
        charts = []
        for _ in range(MOVES):
            before = _chart(page)
            charts.append(_timed_move(page, lambda before=before: _chart(page) not in ("", before)))
        if screenshots:
            _screenshots(page, screenshots)
        browser.close()
    return {"workers": workers, "first_page_seconds": first, "slider_to_new_numbers_seconds": numbers,
            "slider_to_new_escalation_chart_seconds": charts, "requests_leaving_127.0.0.1": outside}


def _screenshots(page: Page, folder: Path) -> None:
    page.screenshot(path=folder / "workshop_escalations.png")
    for tab, name in (("Uitkomsten", "outcomes"), ("MKBA", "mkba")):
        page.get_by_role("tab", name=tab).click()
        serve.wait_idle(page)
        page.screenshot(path=folder / f"workshop_{name}.png")
    page.get_by_role("tab", name="Live").click()
    serve.wait_idle(page)
    page.get_by_role("button", name="Speel 13 weken af").click()
    page.get_by_text("week 13 van 520").wait_for(timeout=serve.TIMEOUT_MS)
    serve.wait_idle(page)
    page.screenshot(path=folder / "workshop_live.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenshots", type=Path, help="save the main views as PNG in this folder")
    parser.add_argument("--only-delay", action="store_true", help="measure only one participant delaying another")
    args = parser.parse_args()
    workers = min(os.cpu_count() or 1, 8)
    report: dict = {"cpu_count": os.cpu_count(), "load_average_before": os.getloadavg()}
    if not args.only_delay:
        report |= {"in_process": in_process(workers), "browser": in_browser(workers, args.screenshots)}
    report["room_delay"] = room_delay(workers)
    print(json.dumps(report, indent=2))
    path = Path(__file__).parent / "results" / ("workshop_delay.json" if args.only_delay else "workshop.json")
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
