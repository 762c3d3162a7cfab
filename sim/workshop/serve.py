"""Starting and stopping ``mph workshop`` in the background, Debian's chromium, and the few steps of driving the
page with Playwright: shared by the browser tests and the benchmark, which also takes the screenshots in docs/
(never used by the app itself)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sim.cli.workshop import stop_server

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

# Debian's chromium, not a downloaded one. The resolver rule makes "no internet" explicit: any host but
# 127.0.0.1 fails to resolve, and the tests also record every request that leaves 127.0.0.1.
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


def find_chromium() -> str | None:
    """The system chromium binary (the real one, not the wrapper script, where both exist)."""
    for candidate in CHROMIUM_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium")


TIMEOUT_MS = 60_000
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")
HEADLINE_METRICS = 4  # the headline numbers above the tabs (page._metrics: three old -> new pairs and the balance)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def workshop_server(scenario: Path | None, workers: int, log: Path, timeout: float = 120.0) -> Iterator[str]:
    """``mph workshop`` on a free port of 127.0.0.1, in its own process group; yields its URL, stops it after."""
    port = free_port()
    command = [sys.executable, "-m", "sim", "workshop", "--port", str(port), "--workers", str(workers)]
    if scenario is not None:
        command.insert(4, str(scenario))
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                   env=dict(os.environ, MPLBACKEND="Agg"))
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process, log, timeout)
        yield url
    finally:
        stop_server(process)


def _wait_until_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"mph workshop exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"mph workshop did not answer on {url} within {timeout:.0f} s:\n{log.read_text()[-3000:]}")



# --- driving the page -------------------------------------------------------------------------------


def open_page(page: Page, url: str) -> list[str]:
    """Load the app and wait until its numbers are shown; returns the (growing) list of requests that leave
    127.0.0.1, which must stay empty: the app works offline."""
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url) if not request.url.startswith(LOCAL) else None)
    page.goto(url)
    wait_for_all_metrics(page)
    return outside


def wait_idle(page: Page) -> None:
    """Wait until the app has finished its rerun (Streamlit marks its root element with the script's state), and
    its images have loaded."""
    page.wait_for_timeout(300)  # a rerun asked for by the last action has begun by then
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=TIMEOUT_MS)
    page.wait_for_function("Array.from(document.images).every(image => image.complete)", timeout=TIMEOUT_MS)


def metrics(page: Page) -> list[str]:
    return page.get_by_test_id("stMetricValue").all_inner_texts()


def wait_for_all_metrics(page: Page) -> None:
    """Wait until every headline number is on screen and the run has finished: the numbers appear one by one, and
    the script's state alone said "not running" once while only the first of them was shown."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while len(metrics(page)) < HEADLINE_METRICS:
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(metrics(page))} of the {HEADLINE_METRICS} headline numbers shown")
        time.sleep(0.05)
    wait_idle(page)


def fte_slider(page: Page) -> Locator:
    return page.get_by_role("slider", name="fte regisseurs")


def move_fte(page: Page, steps: int) -> None:
    """Move the fte slider (0.5 fte a step) by keyboard, as a participant would."""
    fte_slider(page).focus()
    for _ in range(steps):
        page.keyboard.press("ArrowRight")


def wait_for_new_numbers(page: Page, before: list[str]) -> None:
    """Wait until the shown numbers differ from ``before`` and the rerun has finished."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while metrics(page) == before:
        if time.monotonic() > deadline:
            raise AssertionError("the numbers did not change")
        time.sleep(0.05)
    wait_for_all_metrics(page)
