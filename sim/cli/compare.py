"""``mph compare A.yaml B.yaml ...``: scenarios side by side, per measure and the MKBA, with an HTML report."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sim import announce_compiling
from sim.cli.args import add_point_option, non_negative_int, percent, positive_int
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
    p.add_argument("--register", action="append", type=Path, default=[], metavar="FILE",
                   help="register file whose entries override the bundled prices (repeatable)")
    rate = p.add_mutually_exclusive_group()
    rate.add_argument("--discount-rate", type=percent, metavar="PCT", help="discount rate in percent per year")
    rate.add_argument("--discount-regime", metavar="NAME", help="discount regime from the register (default: newest)")
    add_execution_options(p)
    add_point_option(p)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from calibration.status import calibration_status
    from scenarios.posterior import pinned
    from scenarios.register import load_register
    from scenarios.scenario import load_scenario
    from sim.experiments.cluster import dask_client
    from sim.experiments.compare import compare, side_by_side, write_report
    from sim.mkba.cockpit import resolve_rate
    from sim.reports.outputs import check_writable

    check_writable(args.out, "--out")
    check_writable(args.html, "--html", file=True)
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
    written = write_report(comparison, args.out, args.html)
    mkba, _ = side_by_side(comparison)
    print(f"{len(scenarios)} scenario's vergeleken in {elapsed:.1f} s; gemiddelde [5% – 95%] over replicaties\n")
    print(mkba.to_string())
    for scenario in dict.fromkeys(calibration_status(s).line() for s in comparison.scenarios):
        print(scenario)
    print("\nGeschreven: " + ", ".join(str(p) for p in written))
    return 0
