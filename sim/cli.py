"""The ``mph`` command line (also ``python -m sim``)."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import types
from collections.abc import Sequence

from sim.errors import UserError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mph",
        description="Simulate multi-problem households (MPH): the siloed method versus "
        "'één gezin, één plan, één regisseur', with an MKBA of the difference.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in command_modules():
        module.add_parser(sub)
    return parser


def command_modules() -> list[types.ModuleType]:
    """Every ``sim/**/*_cli.py`` (and ``sim/<package>/cli.py``) module: each adds one subcommand with ``add_parser``.

    ``run`` comes first (the main job); command modules import heavy libraries inside their handlers so that
    ``mph --help`` stays fast.
    """
    import sim

    names = sorted(info.name for info in pkgutil.walk_packages(sim.__path__, "sim.")
                   if info.name.endswith(("_cli", ".cli")) and info.name != __name__)
    names.sort(key=lambda name: name != "sim.run_cli")
    return [importlib.import_module(name) for name in names]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except UserError as err:
        print(f"mph: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("mph: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
