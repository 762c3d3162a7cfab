"""``mph compare A.yaml B.yaml ...``: scenarios side by side, per measure and the MKBA, with an HTML report."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sim import announce_compiling
from sim.cli.args import (
    add_lang_option,
    add_point_option,
    add_report_option,
    check_report,
    non_negative_int,
    percent,
    positive_int,
)
from sim.cli.sweep import add_execution_options


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compare", help="compare scenarios side by side, with an MKBA and an offline HTML report",
                       description="Run each scenario under both methods on the same households (same seed) and "
                       "compare them per measure and in the MKBA, with 5-95%% intervals; write tables, charts "
                       "and a self-contained HTML report that opens offline.")
    p.add_argument("scenarios", nargs="+", type=Path, metavar="SCENARIO.yaml", help="scenario files to compare")
    p.add_argument("--reps", type=positive_int, help="replications per scenario (default: the first scenario's)")
    p.add_argument("--years", type=positive_int, help="horizon in years (default: each scenario's own)")
    p.add_argument("--seed", type=non_negative_int, help="random seed for all scenarios (default: the first's)")
    p.add_argument("--uncertain", action="store_true",
                   help="draw the scenarios' uncertainties per replication (intervals include parameter uncertainty)")
    p.add_argument("--out", type=Path, default=Path("results/compare"), help="output folder (default: results/compare)")
    p.add_argument("--html", type=Path, help="HTML report file (default: OUT/vergelijking.html)")
    p.add_argument("--excel", type=Path, metavar="FILE",
                   help="also write an Excel workbook (MKBA and measures per scenario, settings)")
    p.add_argument("--register", action="append", type=Path, default=[], metavar="FILE",
                   help="register file whose entries override the bundled prices (repeatable)")
    rate = p.add_mutually_exclusive_group()
    rate.add_argument("--discount-rate", type=percent, metavar="PCT", help="discount rate in percent per year")
    rate.add_argument("--discount-regime", metavar="NAME", help="discount regime from the register (default: newest)")
    add_execution_options(p)
    add_lang_option(p)
    add_report_option(p)
    add_point_option(p)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from calibration.status import calibration_status
    from scenarios.posterior import pinned
    from scenarios.register import load_register
    from scenarios.scenario import load_scenario
    from sim import __version__
    from sim.experiments.cluster import dask_client
    from sim.experiments.compare import compare, write_report
    from sim.mkba.cockpit import resolve_rate
    from sim.reports import labels as L
    from sim.reports.bands import band_note
    from sim.reports.outputs import MANIFEST, check_result_folder, check_writable, moved_into, result_set
    from sim.reports.summary import compare_table, write_compare_workbook

    lang = args.lang
    check_result_folder(args.out, "--out", "mph compare")
    check_writable(args.html, "--html", file=True)
    check_report(args.report)
    check_writable(args.excel, "--excel", file=True)
    scenarios = [load_scenario(path) for path in args.scenarios]
    if args.point:
        scenarios = [pinned(s) for s in scenarios]
    register = load_register(args.register)
    rate_pct, _ = resolve_rate(register, args.discount_rate, args.discount_regime)
    announce_compiling()
    started = time.perf_counter()
    with dask_client(args.scheduler, args.workers) as client:
        comparison = compare(scenarios, replications=args.reps, years=args.years, seed=args.seed, register=register,
                             rate_pct=rate_pct, uncertain=args.uncertain, client=client)
    elapsed = time.perf_counter() - started
    first = comparison.scenarios[0]
    about = {"command": "mph compare", "version": __version__, "scenarios": comparison.names, "seed": first.seed,
             "replications": first.replications, "uncertain": args.uncertain}
    with result_set(args.out, about) as staging:  # the whole set appears at once, or the previous one stays
        written = moved_into(args.out, staging, write_report(comparison, staging, args.html, lang))
    written.append(args.out / MANIFEST)
    if args.report:
        from sim.experiments.compare import comparison_document
        from sim.reports.report_doc import write_document

        # the same report as OUT/vergelijking.html, with its A4 PDF
        written += write_document(comparison_document(comparison, lang), args.report)
    if args.excel:
        written.append(write_compare_workbook(comparison, args.excel, lang))
    reps = int(comparison.measures["replication"].nunique())
    print(L.text("compare_line", lang, n=len(scenarios), seconds=L.number(elapsed, lang, 1)) + "; "
          + L.text("interval_note", lang) + "; " + band_note(reps, lang) + "\n")
    print(compare_table(comparison, lang))
    for line in dict.fromkeys(calibration_status(s).line(lang) for s in comparison.scenarios):
        print(line)
    print("\n" + L.text("written", lang) + ": " + ", ".join(str(p) for p in written))
    return 0
