"""``mph des``: the discrete-event (salabim) check of the organisations' waiting times, and a workshop animation."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

from scenarios.domains import METHODS
from sim import announce_compiling
from sim.cli.args import non_negative_int, positive_int

if TYPE_CHECKING:
    import pandas as pd

MAIN_REPLICATIONS = 5


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("des", help="check the organisations' waiting times with a discrete-event model (salabim)",
                       description="Run the main model, then a discrete-event (salabim) model of each organisation's "
                       "waiting list with the same referrals, slots and durations, and compare the mean waits. "
                       "Optionally render one organisation's flow as a GIF and PNG.")
    p.add_argument("scenario", nargs="?", help="scenario YAML file (default: the example municipality)")
    p.add_argument("--reps", type=positive_int, help="replications of the discrete-event model (default: 20)")
    p.add_argument("--main-reps", type=positive_int, default=MAIN_REPLICATIONS,
                   help=f"replications of the main model (default: {MAIN_REPLICATIONS})")
    p.add_argument("--seed", type=non_negative_int, help="random seed (default: from the scenario)")
    p.add_argument("--method", choices=METHODS, default="verkokerd",
                   help="working method whose waiting times are checked (default: verkokerd)")
    p.add_argument("--out", type=Path, default=Path("results/des"),
                   help="output folder, replaced whole (default: results/des)")
    p.add_argument("--animate", metavar="ORG", help="also render this organisation's flow as des_ORG.gif/.png")
    p.add_argument("--weeks", type=positive_int, default=104, help="weeks to animate (default: 104)")
    p.set_defaults(handler=handle)


def format_table(table: pd.DataFrame) -> str:
    """The comparison as fixed-width text, waits in weeks."""
    import pandas as pd

    shown = pd.DataFrame({
        "organisation": table["organisation"],
        "slots": table["slots"],
        "referrals/wk": table["referrals_per_week"].map("{:.2f}".format),
        "main wait": table["main_wait"].map("{:.2f}".format),
        "DES wait [p5 – p95]": [f"{row.des_wait:.2f} [{row.des_p5:.2f} – {row.des_p95:.2f}]"
                                for row in table.itertuples()],
        "difference": table["difference"].map("{:+.2f}".format),
        "utilisation": table["des_utilisation"].map("{:.0%}".format),
        "queue": table["des_queue_length"].map("{:.1f}".format),
        "verdict": table["verdict"],
    })
    return shown.to_string(index=False)


def handle(args: argparse.Namespace) -> int:
    # Imported here so that other mph commands do not load salabim (which reseeds the global generators).
    from scenarios.scenario import load_scenario
    from sim import __version__, des
    from sim.reports.outputs import MANIFEST, check_result_folder, moved_into, result_set
    from sim.run import run_scenario

    check_result_folder(args.out, "--out", "mph des")
    scenario = load_scenario(args.scenario)
    if args.animate:
        des.check_organisations(scenario, [args.animate])  # fail before the runs, not after
    announce_compiling()
    started = time.perf_counter()
    results = run_scenario(scenario, seed=args.seed, replications=args.main_reps, methods=[args.method],
                           progress=True)
    scenario = results.scenario
    replications = args.reps or des.DEFAULT_REPLICATIONS
    table = des.check_waiting_times(scenario, results, method=args.method, replications=replications, progress=True)
    out: Path = args.out
    about = {"command": "mph des", "version": __version__, "scenario": scenario.name, "seed": scenario.seed,
             "method": args.method, "replications": replications, "main_replications": scenario.replications}
    with result_set(out, about) as staging:  # the whole set appears at once, or the previous one stays
        written = [staging / "waiting_time_check.csv"]
        table.to_csv(written[0], index=False)
        if args.animate:
            written += des.animate(scenario, staging / f"des_{args.animate}.gif", args.animate, args.weeks,
                                   results=results, method=args.method)
    written = [*moved_into(out, staging, written), out / MANIFEST]
    print(f"{scenario.name}, {args.method}: main model {scenario.replications} replications, discrete-event model "
          f"{replications} replications, {scenario.horizon_years} years, seed {scenario.seed} "
          f"({time.perf_counter() - started:.1f} s)")
    print(f"mean wait of admitted cases in weeks; agree = difference within max({des.TOLERANCE_WEEKS:g} week, "
          f"{des.TOLERANCE_SHARE:.0%} of the main model's wait) + 2 standard errors\n")
    print(format_table(table))
    if args.method != "verkokerd":
        print(f"\nNote: the discrete-event model has no priority cases, cancelled duplicate offers or skipped "
              f"intakes, which {args.method} has; its waits are expected to be longer.")
    print("\nWritten: " + ", ".join(str(p) for p in written))
    return 0
