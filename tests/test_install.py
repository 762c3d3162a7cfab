"""What the install promises: a fast ``mph --help``, exactly the locked libraries, and stored results keyed by them."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from sim import fingerprint

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "numpy", "numba", "mesa", "matplotlib", "scipy", "pydantic", "dask", "streamlit")


def test_help_loads_no_heavy_library() -> None:
    code = ("import sys; from sim.cli import build_parser; build_parser(); "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == ""


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    from sim.cli import COMMANDS, build_parser

    parser = build_parser()
    for command in COMMANDS:
        with pytest.raises(SystemExit) as exit_:
            parser.parse_args([command, "--help"])
        assert exit_.value.code == 0
        assert f"usage: mph {command}" in capsys.readouterr().out


def test_installed_libraries_are_the_locked_ones() -> None:
    from importlib import metadata

    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    pinned = {p["name"]: p["version"] for p in lock["package"] if "version" in p}
    for name in ("mesa", "numpy", "numba", "pandas", "scipy", "pyabc"):
        assert metadata.version(name) == pinned[name.lower()], name


def test_resume_keys_follow_the_lock(monkeypatch) -> None:
    assert fingerprint.lock_hash() == hashlib.sha256((ROOT / "uv.lock").read_bytes()).hexdigest()[:16]
    before = fingerprint.code_fingerprint.__wrapped__()
    monkeypatch.setattr(fingerprint, "lock_hash", lambda: "another lock")
    assert fingerprint.code_fingerprint.__wrapped__() != before


def test_a_calibration_state_belongs_to_its_code(monkeypatch) -> None:
    from calibration import config

    calibration = config.load_calibration(ROOT / "calibration" / "example.yaml", None)
    before = calibration.fingerprint()
    monkeypatch.setattr(config, "code_fingerprint", lambda: "other code")
    assert calibration.fingerprint() != before
