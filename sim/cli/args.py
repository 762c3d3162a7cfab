"""Argument types shared by the ``mph`` subcommands: a bad value gets argparse's one-line error naming the option."""

from __future__ import annotations

import argparse


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {text!r}")
    return value


def positive_int(text: str) -> int:
    value = non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text!r}")
    return value


def percent(text: str) -> float:
    """A percentage such as ``2.25`` or ``2.25%``."""
    try:
        return float(text.strip().removesuffix("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a percentage (e.g. 2.25)") from None


def add_point_option(p: argparse.ArgumentParser) -> None:
    """``--point``: the calibrated parameters at their point values instead of drawn from the shipped posterior."""
    p.add_argument("--point", action="store_true",
                   help="point values for the calibrated parameters (default: each replication draws them from the "
                   "shipped posterior, so the intervals include parameter uncertainty)")
