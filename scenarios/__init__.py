"""Bundled scenario files and data registers (YAML), shipped with the package."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """Path of a bundled scenario or data file, e.g. ``bundled("example_municipality.yaml")``."""
    return ROOT / name
