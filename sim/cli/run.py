"""``mph run``: the example municipality (or a scenario file), both methods side by side."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from sim import announce_compiling
from sim.cli.args import add_point_option, non_negative_int, positive_int


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="simulate a scenario under both working methods",
                       description="Simulate a scenario (default: the bundled example municipality) under the old "
                       "siloed method and under 'één gezin, één plan, één regisseur', side by side.")
    p.add_argument("scenario", nargs="?", help="scenario YAML file (default: the example municipality)")
    p.add_argument("--years", type=positive_int, help="horizon in years (default: from the scenario)")
    p.add_argument("--reps", type=positive_int, help="replications per method (default: from the scenario)")
    p.add_argument("--seed", type=non_negative_int, help="random seed (default: from the scenario)")
    p.add_argument("--out", type=Path, default=Path("results"), help="output folder (default: ./results)")
    p.add_argument("--json", type=Path, help="also write a machine-readable summary to this file")
    p.add_argument("--no-charts", action="store_true", help="skip the PNG charts")
    add_point_option(p)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from calibration.status import calibration_status
    from scenarios.scenario import load_scenario
    from sim import __version__
    from sim.reports import charts
    from sim.reports.outputs import MANIFEST, check_writable, result_set, write_json
    from sim.reports.summary import format_table, summary_json
    from sim.run import run_scenario

    check_writable(args.out, "--out")
    check_writable(args.json, "--json", file=True)
    scenario = load_scenario(args.scenario)
    announce_compiling()
    started = time.perf_counter()
    results = run_scenario(scenario, seed=args.seed, replications=args.reps, years=args.years, progress=True,
                           threads=os.cpu_count() or 1, point=args.point)
    elapsed = time.perf_counter() - started
    scenario = results.scenario
    summary = results.summary()
    out: Path = args.out
    about = {"command": "mph run", "version": __version__, "scenario": scenario.name, "seed": scenario.seed,
             "replications": scenario.replications, "years": scenario.horizon_years,
             "calibration": calibration_status(scenario).line("en")}
    flows = results.flows()
    with result_set(out, about) as staging:  # the whole set appears at once, or the previous one stays
        summary.to_csv(staging / "summary.csv")
        results.measures.to_csv(staging / "measures.csv", index=False)
        results.yearly.to_csv(staging / "yearly.csv", index=False)
        results.costs.to_csv(staging / "costs.csv", index=False)
        flows.to_csv(staging / "flows.csv")
        results.draws.to_csv(staging / "posterior_draws.csv", index=False)
        names = ["summary.csv", "measures.csv", "yearly.csv", "costs.csv", "flows.csv", "posterior_draws.csv"]
        if not args.no_charts:
            names += [p.name for p in charts.write_all(results, staging)]
    written = [out / name for name in (*names, MANIFEST)]
    if args.json:
        write_json(args.json, summary_json(results))
        written.append(args.json)
    print(f"{scenario.name}: {scenario.population.households} huishoudens, {scenario.levers.fte:g} fte regisseurs, "
          f"{scenario.horizon_years} jaar, {scenario.replications} replicaties, seed {scenario.seed} "
          f"({elapsed:.1f} s)")
    print("gemiddelde [5% – 95%] over replicaties; 'difference' = 1g1p1r min verkokerd, per replicatie gepaard")
    print(calibration_status(scenario).line() + "\n")
    print(format_table(summary))
    print("\nInstroom, uitstroom en voorraad per jaar (gemiddelde over replicaties):\n")
    print(flows.round(0).to_string())
    print("\nGeschreven: " + ", ".join(str(p) for p in written))
    return 0


