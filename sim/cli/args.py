"""Argument types shared by the ``mph`` subcommands: a bad value gets argparse's one-line error naming the option."""

from __future__ import annotations

import argparse
from pathlib import Path


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
    if "--lang" in p._option_string_actions:  # --report adds it where a command has none yet
        return
    p.add_argument("--lang", type=language, default="nl", metavar="{nl,en}",
                   help="language of tables, labels and charts: nl (default) or en")


def add_report_option(p: argparse.ArgumentParser) -> None:
    """--report FILE.html (or a folder): the self-contained HTML report and its A4 PDF; and --lang where the command
    has none yet."""
    p.add_argument("--report", type=Path, metavar="FILE.html",
                   help="write a report for policy makers: FILE.html (self-contained, opens offline) and FILE.pdf "
                   "(A4); a folder gets rapport.html and rapport.pdf")
    add_lang_option(p)


def check_report(path: Path | None) -> None:
    """Refuse an unwritable --report location before a simulation starts."""
    if path is None:
        return
    from sim.reports.outputs import check_writable
    from sim.reports.report_doc import report_paths

    html, pdf = report_paths(path)
    check_writable(html, "--report", file=True)
    check_writable(pdf, "--report", file=True)


def add_point_option(p: argparse.ArgumentParser) -> None:
    """``--point``: the calibrated parameters at their point values instead of drawn from the shipped posterior."""
    p.add_argument("--point", action="store_true",
                   help="point values for the calibrated parameters (default: each replication draws them from the "
                   "shipped posterior, so the intervals include parameter uncertainty)")
