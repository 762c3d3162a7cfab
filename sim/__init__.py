"""Agent-based simulation of multi-problem household (MPH) caseloads: the model and running it.

The old siloed method ("verkokerd") and "één gezin, één plan, één regisseur" (1g1p1r) run on the same
generated population with common random numbers; :func:`sim.run.run_scenario` is the one entry point that
sweeps and calibration call.

Here: the model (``model``, with the agents of the top-level ``agents`` package), the low-level pieces the agents
share (``crn`` random streams, ``population``, ``tally``), running and measuring (``run``, ``measures``,
``costing``, ``tidy``) and the discrete-event check (``des``). Above them: ``experiments``, ``mkba``, ``reports``,
and at the top ``cli`` and ``workshop``. Inputs come from the ``scenarios`` package; ``calibration`` confronts the
model with data. See docs/architecture.md.
"""

import hashlib
import os
import sys
from pathlib import Path

__version__ = "0.1.0"


def _compiled_code_cache() -> str:
    """A numba cache folder named by a hash of every source file with compiled code.

    numba invalidates a cached function when its own file changes, not when a function it calls from another file
    does: after an edit of ``sim/crn.py`` the households' step would keep the old draws compiled in and give other
    numbers for the same seed. A folder per version of the compiled sources rules that out.
    """
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted([*root.glob("sim/*.py"), *root.glob("agents/*.py")]):
        text = path.read_bytes()
        if b"njit" in text:
            digest.update(path.name.encode() + text)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return str(base / "mph-sim" / "numba" / digest.hexdigest()[:16])


# Before any compiled function is defined; a folder the user chose with NUMBA_CACHE_DIR is kept.
os.environ.setdefault("NUMBA_CACHE_DIR", _compiled_code_cache())
if "numba" in sys.modules:  # imported before us (a notebook, say): its configuration is read already
    sys.modules["numba"].config.CACHE_DIR = os.environ["NUMBA_CACHE_DIR"]


def compiled_code_ready() -> bool:
    """Whether numba's cache holds this version of the compiled model; if not, the first run compiles it."""
    return any(Path(os.environ["NUMBA_CACHE_DIR"]).rglob("*.nbi"))


def announce_compiling() -> None:
    """Say, before a first run compiles the model, what the wait is for (once: later runs load the cache)."""
    if not compiled_code_ready():
        print("mph: compiling the model for this machine first (once, about a minute on 2 cores): numba turns the "
              f"weekly step into machine code and keeps it in {os.environ['NUMBA_CACHE_DIR']} for later runs",
              file=sys.stderr)
