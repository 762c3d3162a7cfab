"""`mph workshop`: bad options are one clear line before any server starts; the server runs offline and local."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli import main as mph
from sim.cli.workshop import streamlit_command


def test_a_missing_scenario_is_reported_before_the_server_starts(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert mph(["workshop", str(tmp_path / "nowhere.yaml")]) == 2
    assert "mph: error: scenario file not found" in capsys.readouterr().err


@pytest.mark.parametrize(("option", "value"), [("--port", "0"), ("--workers", "0")])
def test_bad_port_or_workers_are_user_errors(option: str, value: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert mph(["workshop", option, value]) == 2
    assert f"mph: error: {option}" in capsys.readouterr().err


def test_streamlit_is_started_headless_on_the_given_address_without_usage_statistics() -> None:
    command = " ".join(streamlit_command("127.0.0.1", 8600))
    for setting in ("--server.address 127.0.0.1", "--server.port 8600", "--server.headless true",
                    "--browser.gatherUsageStats false"):
        assert setting in command


def test_streamlit_is_given_the_workshop_script() -> None:
    script = Path(streamlit_command("127.0.0.1", 8600)[4])
    assert script.is_file() and script.parent.name == "workshop", script
