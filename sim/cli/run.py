"""``mph run``: the example municipality (or a scenario file), both methods side by side."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from sim import announce_compiling
from sim.cli.args import (
    add_lang_option,
    add_point_option,
    add_report_option,
    check_report,
    non_negative_int,
    positive_int,
)


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
    p.add_argument("--excel", type=Path, metavar="FILE",
                   help="also write an Excel workbook (summary, costs per item and payer, flows, settings)")
    p.add_argument("--no-charts", action="store_true", help="skip the PNG charts")
    add_lang_option(p)
    add_report_option(p)
    add_point_option(p)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from calibration.status import calibration_status
    from scenarios.scenario import load_scenario
    from sim import __version__
    from sim.measures import explain_unsettled_lists, explain_waits, waits_table
    from sim.reports import charts
    from sim.reports import labels as L
    from sim.reports.bands import band_note, spread
    from sim.reports.outputs import MANIFEST, check_result_folder, check_writable, result_set, write_json
    from sim.reports.summary import format_table, labelled_summary, summary_json, write_run_workbook
    from sim.run import run_scenario

    lang = args.lang
    check_result_folder(args.out, "--out", "mph run")
    check_writable(args.json, "--json", file=True)
    check_report(args.report)
    check_writable(args.excel, "--excel", file=True)
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
             "replications": scenario.replications, "years": scenario.horizon_years, "lang": lang,
             "calibration": calibration_status(scenario).line("en")}
    flows = results.flows()
    waits = waits_table(results.yearly, scenario)
    why_waits = " ".join(line for line in (explain_waits(waits, lang),
                                           explain_unsettled_lists(results.yearly, scenario, lang)) if line)
    # data files keep the machine keys (measure, item, payer) and add the words people read beside them
    measures = L.labelled(results.measures, "measure", "measure", lang)
    costs = L.labelled(L.labelled(results.costs, "item", "item", lang, into="item_label"), "payer", "payer", lang,
                       into="payer_label")
    with result_set(out, about) as staging:  # the whole set appears at once, or the previous one stays
        labelled_summary(summary, lang).to_csv(staging / "summary.csv", index=False)
        measures.to_csv(staging / "measures.csv", index=False)
        results.yearly.to_csv(staging / "yearly.csv", index=False)
        costs.to_csv(staging / "costs.csv", index=False)
        flows.to_csv(staging / "flows.csv")
        # the explanation rides in a column of the total rows: one file says what the waits are and why
        waits.assign(explanation=[why_waits if org == "total" else "" for _, org in waits.index]).to_csv(
            staging / "waits.csv")
        results.draws.to_csv(staging / "posterior_draws.csv", index=False)
        names = ["summary.csv", "measures.csv", "yearly.csv", "costs.csv", "flows.csv", "waits.csv",
                 "posterior_draws.csv"]
        if not args.no_charts:
            names += [p.name for p in charts.write_all(results, staging, lang)]
    written = [out / name for name in (*names, MANIFEST)]
    if args.json:
        write_json(args.json, summary_json(results, lang))
        written.append(args.json)
    if args.report:
        from scenarios.register import load_register
        from sim.reports.report import write_simulated_report

        written += write_simulated_report(args.report, results, load_register(), lang=args.lang, command="run")
    if args.excel:
        written.append(write_run_workbook(results, args.excel, lang))
    print(L.text("run_line", lang, name=scenario.name, households=L.number(scenario.population.households, lang),
                 fte=L.quantity(scenario.levers.fte, lang), years=scenario.horizon_years, reps=scenario.replications,
                 seed=scenario.seed, seconds=L.number(elapsed, lang, 1)))
    print(L.text("run_note", lang) + "; " + band_note(scenario.replications, lang))
    print(calibration_status(scenario).line(lang) + "\n")
    print(format_table(spread(results.measures), lang))
    print("\n" + L.text("flows_heading", lang) + "\n")
    shown = flows.rename(columns=lambda f: L.flow(f, lang)).map(lambda v: L.number(v, lang, 0))
    shown.columns.name = None
    shown.index = shown.index.set_names([L.column("method", lang), L.column("year", lang)])
    print(shown.to_string())
    print("\n" + L.text("waits_heading", lang) + "\n")
    total = waits.xs("total", level="organisation")
    total = total.rename(columns=lambda c: L.column(c, lang)).map(lambda v: L.number(v, lang, 1))
    total.index = [L.method(m, lang) for m in total.index]
    print(total.to_string())
    if why_waits:
        print("\n" + why_waits)
    print("\n" + L.text("written", lang) + ": " + ", ".join(str(p) for p in written))
    return 0
