"""Imports run one way (docs/architecture.md): command line and workshop -> experiments, reports, MKBA and
calibration -> the model -> agents -> the low-level pieces -> scenarios (the inputs) at the bottom."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("scenarios", "agents", "sim", "calibration")
# Each layer, from the bottom, by module-name prefix; a module may import its own layer and those below.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("scenarios",),
    ("sim.crn", "sim.tally", "sim.population", "sim.tidy", "sim.fingerprint", "sim.reports.labels"),
    ("agents",),
    ("sim.model", "sim.run", "sim.measures", "sim.costing", "sim.des"),
    ("sim.mkba", "sim.experiments", "sim.reports", "calibration"),
    ("sim.cli", "sim.workshop", "sim.__main__"),
)


def layer(module: str) -> int:
    matches = [(len(prefix), i) for i, prefixes in enumerate(LAYERS) for prefix in prefixes
               if module == prefix or module.startswith(prefix + ".")]
    if not matches:
        raise AssertionError(f"{module} belongs to no layer: add it to LAYERS")
    return max(matches)[1]


@cache
def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(path: Path) -> set[str]:
    """Every project module a file imports, at the top or inside a function (``from a import b`` counts ``a.b``
    when that is a module), type-checking imports excepted: they cost nothing at run time."""
    tree = ast.parse(path.read_text())
    checking = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If)
                and "TYPE_CHECKING" in ast.unparse(block.test) for node in ast.walk(block)}
    known, names = modules(), set()
    for node in ast.walk(tree):
        if id(node) in checking:
            continue
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in known else node.module
                      for a in node.names}
    return {n for n in names if n.split(".")[0] in PACKAGES}


@pytest.mark.parametrize("module", sorted(modules()))
def test_imports_run_downwards(module: str) -> None:
    if module in PACKAGES:
        return  # a package's face
    upward = sorted(other for other in imports(modules()[module]) if other not in PACKAGES
                    and layer(other) > layer(module))
    assert upward == [], f"{module} (layer {layer(module)}) imports from above: {upward}"
