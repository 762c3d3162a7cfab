"""Calm at the edges: a successful run on Dask ends without a heartbeat traceback, and Ctrl+C (SIGINT to the
terminal's process group) in the workshop, in calibration or on a Dask cluster ends with one line and exit status
130, without tracebacks of the command or of its worker processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENV = dict(os.environ, MPLBACKEND="Agg", PYTHONUNBUFFERED="1")

DASK_SCRIPT = """
import sys, time
from sim.experiments.cluster import dask_client
try:
    with dask_client(workers=2) as client:
        assert client.submit(sum, [1, 2]).result() == 3
        print("ready", flush=True)
        if sys.argv[1] == "wait":
            client.submit(time.sleep, 300).result()
except KeyboardInterrupt:
    print("mph: interrupted", file=sys.stderr)
    sys.exit(130)
"""


def _as_a_terminal_starts_it() -> None:
    # a test run started in the background (nohup ... &) ignores SIGINT, and a child would inherit that
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(args: list[str]) -> subprocess.Popen:
    """A command in its own process group, as a terminal starts it (Ctrl+C signals the whole group)."""
    return subprocess.Popen([sys.executable, *args], cwd=ROOT, env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=_as_a_terminal_starts_it)


def ctrl_c(process: subprocess.Popen, timeout: float = 60) -> tuple[int, str, str]:
    os.killpg(process.pid, signal.SIGINT)
    try:
        out, err = process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    return process.returncode, out, err


def wait_for_line(stream, text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = stream.readline()
        if text in line:
            return
        if not line:
            time.sleep(0.2)
    raise AssertionError(f"no {text!r} within {timeout} s")


def test_a_successful_dask_run_ends_without_tracebacks() -> None:
    done = subprocess.run([sys.executable, "-c", DASK_SCRIPT, "quick"], cwd=ROOT, env=ENV, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "ERROR" not in done.stderr, done.stderr


def test_ctrl_c_on_a_dask_cluster_is_one_line_without_worker_tracebacks() -> None:
    process = start(["-c", DASK_SCRIPT, "wait"])
    wait_for_line(process.stdout, "ready", 300)
    time.sleep(1)
    code, _, err = ctrl_c(process)
    assert code == 130
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert err.strip().splitlines()[-1] == "mph: interrupted"


def test_ctrl_c_in_point_calibration_is_one_line(tmp_path: Path) -> None:
    process = start(["-m", "sim", "calibrate", "calibration/example.yaml", "--mode", "point", "--out",
                     str(tmp_path / "cal")])
    # the progress bar shows before the first fit ends (it used to be 84 s of silence)
    deadline = time.monotonic() + 300
    seen = ""
    while "kalibreren" not in seen and time.monotonic() < deadline:
        seen += process.stderr.read(1) or ""
    assert "kalibreren" in seen, seen
    code, _, err = ctrl_c(process)
    err = seen + err
    assert code == 130, err
    assert "Traceback" not in err, err
    assert err.strip().splitlines()[-1].endswith("mph: onderbroken")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_the_server(port: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError("the workshop did not start")


@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_ctrl_c_in_the_workshop_stops_the_server_with_one_line() -> None:
    port = _free_port()
    process = start(["-m", "sim", "workshop", "tests/workshop/small_town.yaml", "--port", str(port),
                     "--workers", "1"])
    try:
        _wait_for_the_server(port)
    except AssertionError:
        os.killpg(process.pid, signal.SIGKILL)
        raise
    code, out, err = ctrl_c(process)
    assert code == 130, err
    assert "Traceback" not in out + err, out + err
    assert [line for line in err.splitlines() if line.strip()] == ["mph: onderbroken"]
    with pytest.raises(OSError):  # the server is gone with it
        urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)


@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_killing_the_workshop_command_stops_its_server() -> None:
    """kill (SIGTERM) to `mph workshop` alone, as a process manager or a test's clean-up sends it: the server, in a
    session of its own, stops with it instead of listening on."""
    port = _free_port()
    process = start(["-m", "sim", "workshop", "tests/workshop/small_town.yaml", "--port", str(port),
                     "--workers", "1"])
    try:
        _wait_for_the_server(port)
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    with pytest.raises(OSError):  # the server is gone with it
        urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)

