"""``mph sweep SWEEP.yaml``: a design over levers and uncertainties, many replications each, on Dask."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sim import announce_compiling
from sim.cli.args import add_point_option, percent


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
    add_point_option(p)
    p.set_defaults(handler=handle)


def add_execution_options(p: argparse.ArgumentParser) -> None:
    """--workers and --scheduler, shared by the commands that run on Dask."""
    p.add_argument("--workers", type=int, metavar="N", help="local Dask worker processes (default: one per core)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="run on this Dask scheduler instead of a local cluster (also $DASK_SCHEDULER_ADDRESS)")


def handle(args: argparse.Namespace) -> int:
    import dataclasses

    from calibration.status import calibration_status
    from scenarios.posterior import pinned
    from scenarios.register import load_register
    from sim.experiments.cluster import dask_client
    from sim.experiments.sweep import load_sweep, run_sweep
    from sim.mkba.cockpit import resolve_rate
    from sim.reports.outputs import check_writable
    from sim.reports.sweep import crossings, write_outputs

    sweep = load_sweep(args.sweep)
    if args.point:
        sweep = dataclasses.replace(sweep, scenario=pinned(sweep.scenario))
    register = load_register(args.register)
    rate_pct, regime = resolve_rate(register, args.discount_rate if args.discount_rate is not None
                                    else sweep.spec.discount_rate_pct, args.discount_regime)
    out = args.out or Path("results") / f"sweep-{args.sweep.stem}"
    check_writable(out, "--out")
    spec = sweep.spec
    print(f"{spec.name}: {spec.design}, {len(sweep.points)} ontwerppunten x {spec.replications} replicaties, "
          f"factoren: {', '.join(f.name for f in sweep.factors) or '-'}; discontovoet {rate_pct:g}% ({regime})")
    announce_compiling()
    started = time.perf_counter()
    with dask_client(args.scheduler, args.workers) as client:
        table = run_sweep(sweep, out, register, rate_pct, client)
    elapsed = time.perf_counter() - started
    written = write_outputs(sweep, table, out, charts=not args.no_charts)
    print(f"klaar in {elapsed:.1f} s; {len(table):,} rijen")
    print(calibration_status(sweep.scenario).line())
    if spec.design == "grid" and sweep.levers:
        for _, row in crossings(sweep, table, spec.outcomes[0]).iterrows():
            where = f"{row['value']:.1f}" if row["value"] == row["value"] else row["note"]
            print(f"  {row['outcome']} > 0 vanaf {row['turns_positive_at']} = {where}  ({row['lever']} {row['level']})")
    print("Geschreven: " + ", ".join(str(p) for p in written))
    return 0
