"""Fixtures of the workshop tests: a small town as the base scenario, Streamlit's AppTest on the real app script,
and a real browser (Debian's chromium driven by Playwright) on a running ``mph workshop``."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from scenarios.scenario import Scenario, load_scenario
from sim.workshop import BASE_ENV, WORKERS_ENV
from sim.workshop.serve import CHROMIUM_ARGS, find_chromium, workshop_server

HERE = Path(__file__).parent
SMALL_TOWN = HERE / "small_town.yaml"
APP = HERE.parents[1] / "sim" / "workshop" / "app.py"


@pytest.fixture(scope="session")
def small_town_file() -> Path:
    return SMALL_TOWN


@pytest.fixture(scope="session")
def small_town() -> Scenario:
    return load_scenario(SMALL_TOWN)


@pytest.fixture
def new_session(monkeypatch: pytest.MonkeyPatch) -> Callable[[], AppTest]:
    """Opens the app on the small town as a new session (a new browser tab), run once; one process, no pool."""
    monkeypatch.setenv(BASE_ENV, str(SMALL_TOWN))
    monkeypatch.setenv(WORKERS_ENV, "1")

    def open_session() -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=120)
        at.run()
        assert not at.exception, at.exception
        return at

    return open_session


@pytest.fixture
def app(new_session: Callable[[], AppTest]) -> AppTest:
    return new_session()


# --- real browser -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium; without it the browser tests skip, unless MPH_REQUIRE_BROWSER=1 (CI) makes them fail."""
    path = find_chromium()
    if path is None:
        message = "chromium not found (apt-get install chromium); the workshop's browser tests need it"
        if os.environ.get("MPH_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " and MPH_REQUIRE_BROWSER=1")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, chromium: str) -> dict:
    """pytest-playwright launches the system chromium (never a downloaded browser)."""
    return {**browser_type_launch_args, "executable_path": chromium, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}, "accept_downloads": True}


@pytest.fixture(scope="session")
def workshop_url(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``mph workshop`` on the small town, on a free port of 127.0.0.1, for the whole browser session."""
    log = tmp_path_factory.mktemp("workshop") / "server.log"
    with workshop_server(SMALL_TOWN, workers=1, log=log) as url:
        yield url
