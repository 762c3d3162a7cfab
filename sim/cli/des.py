"""``mph des``: the discrete-event (salabim) check of the organisations' waiting times, and a workshop animation."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

from scenarios.domains import METHODS
from sim import announce_compiling
from sim.cli.args import add_lang_option, non_negative_int, positive_int

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
    add_lang_option(p)
    p.set_defaults(handler=handle)


def verdict(row: object, lang: str = "nl") -> str:
    """The check's verdict on one organisation in words (sim.des gives the numbers)."""
    from sim.reports import labels as L

    difference, tolerance = row.difference, row.tolerance
    if difference != difference:
        return L.text("des_none", lang)
    if abs(difference) <= tolerance:
        return L.text("des_agree", lang, tolerance=L.number(tolerance, lang, 1))
    return L.text("des_longer" if difference > 0 else "des_shorter", lang, weeks=L.number(abs(difference), lang, 1),
                  tolerance=L.number(tolerance, lang, 1))


def format_table(table: pd.DataFrame, lang: str = "nl") -> str:
    """The comparison as fixed-width text, waits in weeks, in ``lang``."""
    import pandas as pd

    from sim.reports import labels as L

    def n(value: float, places: int = 2) -> str:
        return L.number(value, lang, places)

    shown = pd.DataFrame({
        L.text("des_organisation", lang): [L.organisation(k, lang, label) for k, label in
                                           zip(table["organisation"], table["label"], strict=True)],
        L.text("des_slots", lang): table["slots"],
        L.text("des_referrals", lang): table["referrals_per_week"].map(n),
        L.text("des_main_wait", lang): table["main_wait"].map(n),
        L.text("des_wait", lang): [f"{n(row.des_wait)} [{n(row.des_p5)} – {n(row.des_p95)}]"
                                   for row in table.itertuples()],
        L.text("des_difference", lang): table["difference"].map(lambda v: ("+" if v > 0 else "") + n(v)),
        L.text("des_utilisation", lang): table["des_utilisation"].map(lambda v: L.percent(v, lang, 0)),
        L.text("des_queue", lang): table["des_queue_length"].map(lambda v: n(v, 1)),
        L.text("des_verdict", lang): [verdict(row, lang) for row in table.itertuples()],
    })
    return shown.to_string(index=False)


def handle(args: argparse.Namespace) -> int:
    # Imported here so that other mph commands do not load salabim (which reseeds the global generators).
    from scenarios.scenario import load_scenario
    from sim import __version__, des
    from sim.reports import labels as L
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
        # the keys stay (organisation); the label and the verdict in the language asked, as on screen
        table.assign(label=[L.organisation(k, args.lang, label) for k, label in
                            zip(table["organisation"], table["label"], strict=True)],
                     verdict=[verdict(row, args.lang) for row in table.itertuples()]).to_csv(written[0], index=False)
        if args.animate:
            written += des.animate(scenario, staging / f"des_{args.animate}.gif", args.animate, args.weeks,
                                   results=results, method=args.method)
    written = [*moved_into(out, staging, written), out / MANIFEST]
    lang = args.lang
    print(L.text("des_line", lang, name=scenario.name, method=args.method, main=scenario.replications,
                 reps=replications, years=scenario.horizon_years, seed=scenario.seed,
                 seconds=L.number(time.perf_counter() - started, lang, 1)))
    print(L.text("des_note", lang, weeks=L.quantity(des.TOLERANCE_WEEKS, lang),
                 share=L.percent(des.TOLERANCE_SHARE, lang, 0)) + "\n")
    print(format_table(table, lang))
    if args.method != "verkokerd":
        print("\n" + L.text("des_method_note", lang, method=args.method))
    print("\n" + L.text("written", lang) + ": " + ", ".join(str(p) for p in written))
    return 0
