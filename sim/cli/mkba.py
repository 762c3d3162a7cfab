"""``mph mkba``: the social cost-benefit analysis (MKBA).

``mph mkba --cockpit [INPUTS.yaml]`` runs the LPBL-style aggregate cockpit; without a file, the published
example municipality, which it reproduces line by line. ``mph mkba [SCENARIO.yaml]`` prices a simulation run:
1g1p1r against the old method, with intervals over replications.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scenarios.errors import UserError
from sim import announce_compiling
from sim.cli.args import add_lang_option, add_point_option, add_report_option, check_report, percent

if TYPE_CHECKING:
    from sim.mkba.simulated_cockpit import LineComparison


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "mkba",
        help="social cost-benefit analysis (MKBA); --cockpit for the published LPBL-style cockpit",
        description="MKBA of 'één gezin, één plan, één regisseur'. With --cockpit: the aggregate cockpit of "
        "the e-book's example municipality (or your own inputs file), compared with the published figures.",
    )
    parser.add_argument("scenario", nargs="?", type=Path,
                        help="scenario YAML to simulate and price (default: the example municipality)")
    parser.add_argument("--years", type=int, help="simulation horizon in years (default: from the scenario)")
    parser.add_argument("--reps", type=int, help="replications (default: from the scenario)")
    parser.add_argument("--seed", type=int, help="random seed (default: from the scenario)")
    parser.add_argument("--cockpit", nargs="?", const=True, type=Path, metavar="INPUTS.yaml",
                        help="cockpit inputs file (default: the published example, "
                        "scenarios/mkba/cockpit_example.yaml)")
    parser.add_argument("--register", action="append", type=Path, default=[], metavar="FILE",
                        help="register file whose entries override the bundled ones (repeatable)")
    parser.add_argument("--horizon", type=int, default=1, metavar="YEARS",
                        help="cockpit only: years of the approach to count, each discounted to year 0 (default 1: "
                        "the published cockpit is one year); a simulation run uses its own horizon")
    rate = parser.add_mutually_exclusive_group()
    rate.add_argument("--discount-rate", type=percent, metavar="PCT",
                      help="real discount rate in percent per year, 0-15 (default: the newest regime)")
    rate.add_argument("--discount-regime", metavar="NAME",
                      help="discount regime from the register: 2020 (2.25%%, default), 2015 (3%%), 2007 (5.5%%)")
    parser.add_argument("--price-year", type=int, metavar="YEAR",
                        help="express money in this year's prices (CPI; default: the inputs' price year, 2011)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the cockpit as JSON")
    add_point_option(parser)
    parser.add_argument("--excel", type=Path, metavar="FILE", help="write an Excel workbook")
    parser.add_argument("--charts", type=Path, metavar="DIR", help="write waterfall and stakeholder charts (PNG)")
    add_lang_option(parser)
    add_report_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.cockpit is None:
        return run_simulated(args)
    if args.scenario is not None:
        raise UserError("mph mkba: give a scenario file or --cockpit, not both")
    from scenarios.register import load_register
    from sim.mkba.breakeven import break_even
    from sim.mkba.cockpit import compute_cockpit
    from sim.mkba.inputs import load_inputs
    from sim.reports.mkba import format_table, to_dict, write_charts
    from sim.reports.mkba_workbook import write_cockpit_workbook
    from sim.reports.outputs import write_json

    _check_outputs(args)
    cockpit = load_inputs(None if args.cockpit is True else args.cockpit)  # a bare --cockpit: the published one
    register = load_register(args.register)
    settings = {"discount_rate_pct": args.discount_rate, "discount_regime": args.discount_regime,
                "horizon": args.horizon, "price_year": args.price_year}
    result = compute_cockpit(cockpit, register, **settings)
    break_evens = break_even(cockpit, register, **settings)
    data = to_dict(result, cockpit, break_evens)
    # everything is computed before the first file is written
    if args.json:
        write_json(args.json, data)
    if args.excel:
        write_cockpit_workbook(result, cockpit, break_evens, data["register_entries_used"], args.excel, args.lang)
    if args.charts:
        write_charts(result, args.charts, args.lang)
    if args.report:
        from sim.reports.report_cockpit import cockpit_report
        from sim.reports.report_doc import write_document

        write_document(cockpit_report(result, cockpit.source, args.lang), args.report)
    print(format_table(result, cockpit, break_evens, args.lang))
    return 0


def run_simulated(args: argparse.Namespace) -> int:
    """MKBA of a simulation run: both methods on the same households, the difference priced and discounted, and
    the simulated cockpit (every published line, per year)."""
    from calibration.status import calibration_status
    from scenarios.register import load_register
    from scenarios.scenario import load_scenario
    from sim.mkba.cockpit import resolve_rate
    from sim.mkba.inputs import load_inputs
    from sim.mkba.simulated import simulated_mkba
    from sim.mkba.simulated_cockpit import compare_with_published, rules, simulated_cockpit
    from sim.mkba.unpriced import UNPRICED_ITEMS
    from sim.reports.mkba import format_simulated, write_simulated_charts
    from sim.reports.mkba_workbook import write_simulated_workbook
    from sim.reports.outputs import write_json
    from sim.run import run_scenario

    _check_outputs(args)
    register = load_register(args.register)
    rate_pct, regime = resolve_rate(register, args.discount_rate, args.discount_regime)
    scenario = load_scenario(args.scenario)
    announce_compiling()
    results = run_scenario(scenario, seed=args.seed, replications=args.reps, years=args.years,
                           methods=["verkokerd", "1g1p1r"], register=register, progress=True, point=args.point,
                           threads=os.cpu_count() or 1)
    mkba = simulated_mkba(results, register, rate_pct, args.price_year)
    cockpit = simulated_cockpit(results, register, args.price_year)
    status = calibration_status(results.scenario)
    summary = mkba.summary()
    settings = results.scenario.settings() | {"discount_rate_pct": rate_pct, "discount_regime": regime,
                                              "price_year": args.price_year}
    if args.json:
        first = cockpit.years[0]
        write_json(args.json, {
            "settings": settings,
            "calibration_status": status.line("en"),
            "results_eur_ncw": summary.to_dict(orient="index"),
            "items_eur_ncw_mean": mkba.items.mean().to_dict(),
            "without_unpriced_leaves_out": UNPRICED_ITEMS,
            # the simulated cockpit: the keys of lpbl_cockpit.yaml for the run's first year (mean over
            # replications), so it diffs against the published cockpit; every year and the intervals below
            "cockpit_year": first,
            **cockpit.year(first),
            "cockpit_interval": {s: cockpit.year(first, s) for s in ("p5", "p95")},
            "cockpit_per_year": {str(y): cockpit.year(y) for y in cockpit.years},
            "cockpit_rules": rules(),
            "balance_positive_probability": float((mkba.per_replication["balance"] > 0).mean()),
        })
    if args.excel:
        write_simulated_workbook(mkba, settings, register, args.excel, results.scenario.name,
                                 status.line(args.lang), args.lang)
    if args.charts:
        write_simulated_charts(mkba, args.charts, args.lang, status.line(args.lang))
    if args.report:
        from sim.reports.report import write_simulated_report

        write_simulated_report(args.report, results, register, lang=args.lang, command="mkba", rate_pct=rate_pct,
                               regime=regime, mkba=mkba)
    print(format_simulated(mkba, results.scenario.name, regime, status.line(args.lang), args.lang))
    if args.price_year in (None, load_inputs().price_year):  # in other prices the published figures do not compare
        print()
        print(format_cockpit_comparison(compare_with_published(cockpit), cockpit.years[0], args.lang))
    print(_balance_distribution(mkba.per_replication["balance"], args.lang))
    return 0


def format_cockpit_comparison(rows: list[LineComparison], year: int, lang: str = "nl") -> str:
    """The simulated cockpit of ``year`` beside the published one (the issue's tolerance: 10% or 2 units), its lines
    in the catalogue's words."""
    from sim.reports import labels as L
    from sim.reports.mkba import _nl
    from sim.reports.mkba_workbook import cockpit_row_label

    lines = [L.text("out_t_simulated_cockpit", lang, year=year),
             f"{L.text('out_t_col_line', lang):54s}{L.text('out_t_col_published', lang):>9s}"
             f"{L.text('out_t_col_simulated', lang):>12s}  [{L.text('band_low', lang)} – {L.text('band_high', lang)}]"
             f"   {L.text('out_t_col_within', lang)}"]
    for row in rows:
        if row.mean is None:
            cells = f"  {L.text('out_t_not_simulated', lang):<34s}"
        else:
            cells = f"{_nl(row.mean, 1, lang):>12s}  [{_nl(row.p5, 1, lang)} – {_nl(row.p95, 1, lang)}]"
        mark = L.label("report", "word_yes" if row.within else "word_no", lang)
        label = cockpit_row_label(row.section, row.key, lang)
        lines.append(f"{label[:53]:54s}{_nl(row.published, 0, lang):>9s}{cells:36s}{mark}")
    lines.append(L.text("out_t_rules", lang))
    return "\n".join(lines)


def _balance_distribution(balance: Any, lang: str = "nl") -> str:
    """The probability of a positive balance and its distribution over replications (each replication with its own
    posterior draw, so parameter uncertainty is in it; with --point only chance); quantiles only from ten
    replications on, else the lowest and highest value."""
    from sim.reports import labels as L
    from sim.reports.bands import MIN_REPS_FOR_QUANTILES

    def keur(q: float) -> str:
        return L.number(balance.quantile(q) / 1000, lang, 0)

    if len(balance) >= MIN_REPS_FOR_QUANTILES:
        spread = L.text("out_t_quantiles", lang, p5=keur(0.05), p25=keur(0.25), p50=keur(0.5), p75=keur(0.75),
                        p95=keur(0.95))
    else:
        spread = L.text("out_t_range", lang, lo=keur(0.0), p50=keur(0.5), hi=keur(1.0))
    return L.text("out_t_probability", lang, share=L.percent(float((balance > 0).mean()), lang, 0), n=len(balance),
                  spread=spread)


def _check_outputs(args: argparse.Namespace) -> None:
    from sim.reports.outputs import check_writable

    check_writable(args.json, "--json", file=True)
    check_writable(args.excel, "--excel", file=True)
    check_writable(args.charts, "--charts")
    check_report(args.report)
