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


def language(text: str) -> str:
    """``--lang``: the language of every label, table and chart (sim/reports/labels.yaml)."""
    from sim.reports.labels import LANGS

    if text not in LANGS:
        raise argparse.ArgumentTypeError(f"{text!r}: allowed: {', '.join(LANGS)}")
    return text


def add_lang_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", type=language, default="nl", metavar="{nl,en}",
                   help="language of tables, labels and charts: nl (default) or en")
