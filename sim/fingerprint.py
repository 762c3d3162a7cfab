"""What determines the numbers besides the inputs: the model's source and the library versions it runs on.

Stored results (a sweep's finished batches, a calibration's state) are reused only under the same fingerprint, so
results of other code or of another install are never mixed in.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The packages whose source decides the numbers, and the libraries that compute them.
SOURCES = ("scenarios", "agents", "sim", "calibration")
LIBRARIES = ("numpy", "numba", "llvmlite", "pandas", "scipy", "mesa", "pyabc", "SALib")


@cache
def lock_hash() -> str:
    """Hash of the committed ``uv.lock`` (every library pinned), or of the installed versions where the package
    runs without its lock file (installed from a wheel)."""
    lock = ROOT / "uv.lock"
    if lock.is_file():
        return hashlib.sha256(lock.read_bytes()).hexdigest()[:16]
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}: absent")
    return hashlib.sha256("\n".join(versions).encode()).hexdigest()[:16]


@cache
def code_fingerprint() -> str:
    """Hash of every source file of :data:`SOURCES` and of :func:`lock_hash`."""
    digest = hashlib.sha256(lock_hash().encode())
    for package in SOURCES:
        for path in sorted((ROOT / package).rglob("*.py")):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
