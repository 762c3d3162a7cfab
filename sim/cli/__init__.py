"""The ``mph`` command line (also ``python -m sim``)."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import signal
import sys
import types
import typing
from collections.abc import Sequence

from scenarios.errors import UserError


class _Parser(argparse.ArgumentParser):
    """argparse with the one-line errors of every other refusal (``mph: error: ...``, exit status 2) instead of the
    usage block followed by the error; ``--help`` still shows the usage."""

    def error(self, message: str) -> typing.NoReturn:
        self.exit(2, f"mph: error: {self.prog}: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mph",
        description="Simulate multi-problem households (MPH): the siloed method versus "
        "'één gezin, één plan, één regisseur', with an MKBA of the difference.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in command_modules():
        module.add_parser(sub)
    return parser


# One module per command, in the order ``mph --help`` lists them; each adds its subcommand with ``add_parser`` and
# imports heavy libraries only inside its handler, so that ``mph --help`` stays fast.
COMMANDS = ("run", "mkba", "compare", "sweep", "calibrate", "validate", "data", "effect", "des", "workshop")


def command_modules() -> list[types.ModuleType]:
    """The modules of :data:`COMMANDS` (``sim.cli.run``, ...)."""
    return [importlib.import_module(f"{__name__}.{name}") for name in COMMANDS]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from calibration.dossiers.bsn import install_log_redaction, redact

    install_log_redaction()  # log records of any library never carry a citizen service number either
    try:
        return int(args.handler(args) or 0)
    except UserError as err:
        # messages quote what the user gave: a citizen service number in any spelling never reaches the terminal
        print(f"mph: error: {redact(str(err))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        # one line and the conventional status of Ctrl+C (128 + SIGINT); outputs were written whole or not at all.
        # A second Ctrl+C (or one still pending) while shutting down must not end in a traceback or a kill by SIGINT.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        with contextlib.suppress(KeyboardInterrupt):
            print("mph: interrupted" if getattr(args, "lang", "nl") == "en" else "mph: onderbroken", file=sys.stderr)
        if argv is None:
            # the mph command itself: end here, after the files were closed or removed by the unwinding above, so
            # that nothing left running (compute threads, progress bars' finalisers) prints or changes the status
            with contextlib.suppress(Exception):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(130)
        return 130


if __name__ == "__main__":
    sys.exit(main())
