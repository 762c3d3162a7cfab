"""``mph sweep SWEEP.yaml``: a design over levers and uncertainties, many replications each, on Dask."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

from sim import announce_compiling
from sim.cli.args import add_lang_option, add_point_option, add_report_option, check_report, percent

if TYPE_CHECKING:
    from sim.experiments.discovery import Question


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sweep", help="run a grid, Latin hypercube, Morris or Sobol sweep over levers and uncertainties",
                       description="Run every design point of a sweep file (scenarios/sweeps/*.yaml) with its "
                       "replications on a Dask cluster (default: a local one on all cores), resuming where an "
                       "interrupted run stopped; write one tidy table (Parquet, CSV) and charts.")
    p.add_argument("sweep", type=Path, help="sweep YAML file")
    p.add_argument("--out", type=Path, help="output folder (default: results/sweep-<file name>)")
    add_execution_options(p)
    p.add_argument("--register", action="append", type=Path, default=[], metavar="FILE",
                   help="register file whose entries override the bundled prices (repeatable)")
    rate = p.add_mutually_exclusive_group()
    rate.add_argument("--discount-rate", type=percent, metavar="PCT", help="discount rate in percent per year")
    rate.add_argument("--discount-regime", metavar="NAME", help="discount regime from the register (default: newest)")
    p.add_argument("--no-charts", action="store_true", help="skip the PNG charts")
    add_discovery_options(p)
    add_lang_option(p)
    add_report_option(p)
    add_point_option(p)
    p.set_defaults(handler=handle)


def add_execution_options(p: argparse.ArgumentParser) -> None:
    """--workers and --scheduler, shared by the commands that run on Dask."""
    p.add_argument("--workers", type=int, metavar="N", help="local Dask worker processes (default: one per core)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="run on this Dask scheduler instead of a local cluster (also $DASK_SCHEDULER_ADDRESS)")


# Scenario discovery (PRIM) runs by itself from this many design points on: a smaller grid is read off its heatmap.
AUTO_DISCOVERY_POINTS = 10


def add_discovery_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--discover", action=argparse.BooleanOptionalAction, default=None,
                   help="scenario discovery with PRIM: under which conditions is the balance positive? writes "
                   f"discovery.csv and discovery.png (default: on from {AUTO_DISCOVERY_POINTS} design points)")
    p.add_argument("--discover-outcome", metavar="OUTCOME",
                   help="the outcome PRIM explains (default mkba_balance; a measure, or method:measure)")
    p.add_argument("--discover-threshold", type=float, metavar="X",
                   help="runs of interest: the outcome above X (below X where less is better, e.g. evictions); "
                   "default 0, in euros for MKBA outcomes")


def discovery_question(args: argparse.Namespace, points: int) -> Question | None:
    """The question PRIM answers for this sweep, or None where discovery is off; an unknown outcome is refused
    before the sweep runs."""
    from scenarios.errors import UserError
    from sim.experiments.discovery import BALANCE, Question
    from sim.experiments.sweep import OUTCOME_METHODS, known_measures, parse_outcome

    asked = args.discover_outcome is not None or args.discover_threshold is not None
    if args.discover is False or (args.discover is None and not asked and points < AUTO_DISCOVERY_POINTS):
        return None
    outcome = args.discover_outcome or BALANCE
    method, measure = parse_outcome(outcome)
    if method not in OUTCOME_METHODS or measure not in known_measures():
        raise UserError(f"--discover-outcome {outcome!r}: unknown outcome; allowed: a measure (e.g. mkba_balance, "
                        f"eviction_per_year), optionally as method:measure with method one of "
                        f"{', '.join(OUTCOME_METHODS)}")
    return Question(outcome, 0.0 if args.discover_threshold is None else args.discover_threshold)


def handle(args: argparse.Namespace) -> int:
    import dataclasses

    from calibration.status import calibration_status
    from scenarios.posterior import pinned
    from scenarios.register import load_register
    from sim import __version__
    from sim.experiments.cluster import dask_client
    from sim.experiments.sweep import load_sweep, run_sweep
    from sim.mkba.cockpit import resolve_rate
    from sim.reports import labels as L
    from sim.reports.outputs import MANIFEST, check_result_folder, moved_into, result_set
    from sim.reports.sweep import (
        crossings,
        factor_label,
        level_label,
        outcome_per_point,
        outcome_title,
        scale_of,
        write_outputs,
    )

    sweep = load_sweep(args.sweep)
    if args.point:
        sweep = dataclasses.replace(sweep, scenario=pinned(sweep.scenario))
    register = load_register(args.register)
    rate_pct, regime = resolve_rate(register, args.discount_rate if args.discount_rate is not None
                                    else sweep.spec.discount_rate_pct, args.discount_regime)
    out = args.out or Path("results") / f"sweep-{args.sweep.stem}"
    check_result_folder(out, "--out", "mph sweep")
    check_report(args.report)
    question = discovery_question(args, len(sweep.points))
    spec = sweep.spec
    factors = ", ".join(factor_label(f.name, args.lang) for f in sweep.factors) or "-"
    print(L.text("sweep_start", args.lang, name=spec.name, design=spec.design, points=len(sweep.points),
                 reps=spec.replications, factors=factors, rate=L.number(rate_pct, args.lang), regime=regime))
    announce_compiling()
    started = time.perf_counter()
    with dask_client(args.scheduler, args.workers) as client:
        table = run_sweep(sweep, out, register, rate_pct, client)
    elapsed = time.perf_counter() - started
    about = {"command": "mph sweep", "version": __version__, "sweep": spec.name, "design": spec.design,
             "seed": spec.seed, "points": len(sweep.points), "replications": spec.replications,
             "discount_rate_pct": rate_pct}
    lang = args.lang
    # the whole set appears at once, or the previous one stays; the finished batches (out/.runs) move along
    found = None
    with result_set(out, about) as staging:
        files = write_outputs(sweep, table, staging, charts=not args.no_charts, lang=lang)
        if question is not None:
            from sim.experiments.discovery import discover, runs_table
            from sim.reports.report_discovery import write_discovery

            factors = [f.name for f in sweep.factors]
            found = discover(runs_table(table, factors, question.outcome), factors, question)
            files += write_discovery(found, staging, charts=not args.no_charts, lang=lang)
        written = moved_into(out, staging, files)
    written.append(out / MANIFEST)
    print(L.text("sweep_done", lang, seconds=L.number(elapsed, lang, 1), rows=L.number(len(table), lang, 0)))
    print(calibration_status(sweep.scenario).line(lang))
    if spec.design == "grid" and sweep.levers:
        outcome = spec.outcomes[0]
        scale, unit = scale_of(outcome, outcome_per_point(table, outcome), lang)
        for _, row in crossings(sweep, table, outcome, lang).iterrows():
            level = (f"{factor_label(row['lever'], lang)} = {level_label(row['level'], lang)}" if row["lever"]
                     else L.text("out_whole_grid", lang))  # one lever: no level to name, never an empty "()"
            if row["value"] == row["value"]:
                print("  " + L.text("sweep_turns", lang, outcome=outcome_title(outcome, lang), level=level,
                                    lever=factor_label(row["turns_positive_at"], lang),
                                    value=L.number(row["value"], lang, 1)))
            else:  # no crossing in the grid: say so, and how far from zero it stays
                print("  " + L.text("sweep_no_turn", lang, outcome=outcome_title(outcome, lang), level=level,
                                    note=row["toelichting"], low=L.number(row["lowest"] / scale, lang),
                                    high=L.number(row["highest"] / scale, lang), unit=unit,
                                    lever=factor_label(row["turns_positive_at"], lang)))
    from sim.reports.report_sweep import sweep_report, sweep_sentences

    for sentence in sweep_sentences(sweep, table, args.lang):
        print(f"  {sentence}")
    if found is not None:
        from sim.experiments.discovery import sentences
        from sim.reports.report_discovery import title

        print(title(found, lang))
        for sentence in sentences(found, lang):
            print(f"  {sentence}")
    if args.report:
        from sim.reports.report_doc import write_document

        written += write_document(sweep_report(sweep, table, rate_pct, written, args.lang, discovery=found),
                                  args.report)
    print(L.text("written", lang) + ": " + ", ".join(str(p) for p in written))
    return 0
