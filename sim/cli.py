"""The ``mph`` command line (also ``python -m sim``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sim.errors import UserError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mph",
        description="Simulate multi-problem households (MPH): the siloed method versus "
        "'één gezin, één plan, één regisseur', with an MKBA of the difference.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    from sim import des_cli, run_cli
    from sim.mkba import cli as mkba_cli

    for module in (run_cli, mkba_cli, des_cli):
        module.add_parser(sub)
    return parser


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
