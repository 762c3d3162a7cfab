"""``mph effect FILE``: the effect of 1g1p1r against the control group: every comparison with its diagnostics, the
recommended one and why, warnings when an estimate should not be trusted; ``--check-design`` first tests the design
on dossiers the model records of a town like the user's, with a known zero effect and the model's own."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from sim.cli.args import add_lang_option

if TYPE_CHECKING:  # the handler imports them: `mph --help` stays light
    import pandas as pd

    from calibration.effect import Effect

def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("effect", help="effect of 1g1p1r against a control group, from dossiers",
                       description="Effect of 'één gezin, één plan, één regisseur' against the control group in "
                       "a dossier: a naive before/after, difference-in-differences unmatched, matched on baseline "
                       "problems, weighted on the pre-period history, against controls at a crisis of their own, and "
                       "an event study with leads; each with a 95%% interval, balance, pre-trend and overlap "
                       "diagnostics, and a recommended estimate with the reason.")
    p.add_argument("dossier", type=Path, help="households file (CSV/Parquet), or a folder with households and events")
    p.add_argument("--events", type=Path, help="events file (default: events.csv|parquet in the dossier folder)")
    p.add_argument("--out", type=Path, default=Path("results") / "effect", help="output folder (default: "
                   "results/effect)")
    p.add_argument("--json", type=Path, help="also write the estimates, diagnostics, warnings and the "
                   "recommendation as JSON to this file")
    add_lang_option(p)
    p.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples (default 1000)")
    p.add_argument("--seed", type=int, default=1, help="bootstrap seed (default 1)")
    p.add_argument("--check-design", action="store_true", help="first let the model record dossiers of a town "
                   "like this one under the selection rule (--selection, or read from the data), with a known zero "
                   "effect (the same households without the approach, same draws) and the model's own effect, and "
                   "report each comparison's bias and interval coverage (about 10-25 s per data set)")
    p.add_argument("--scenario", type=Path, help="scenario of the town for --check-design (default: the example "
                   "municipality, sized to the dossier)")
    p.add_argument("--selection", help="selection rule for --check-design: random, problems[:K], crisis[:K] or "
                   "severity (default: read from the data)")
    p.add_argument("--reps", type=int, default=10, help="data sets per effect for --check-design (default 10)")
    p.add_argument("--key-file", type=Path, help="pseudonymisation key, if the dossier has a BSN column "
                   "(or set $MPH_PSEUDONYM_KEY)")
    p.set_defaults(handler=handle)


def _words(key: str, lang: str, **values: object) -> str:
    from sim.reports import labels as L

    return L.label("effect", key, lang).format(**values)


def _print_effect(effect: Effect, lang: str) -> None:
    from calibration.effect import label, outcome_label
    from sim.reports import labels as L

    for outcome in effect.outcomes:
        print(_words("outcome_line", lang, outcome=outcome_label(outcome.outcome, lang),
                     treated=outcome.households["1g1p1r"], controls=outcome.households["control"]))
        for e in outcome.estimates:
            mark = "*" if e.recommended else ("ok" if e.trusted else "!")
            numbers = ("–" if e.estimate != e.estimate  # missing where no household had a comparable control
                       else f"{L.signed(e.estimate, lang, 3)}  " + _words(
                           "interval", lang, low=L.signed(e.ci_low, lang, 3), high=L.signed(e.ci_high, lang, 3)))
            print(f"  {mark:2s} {label(e.estimator, lang):72s} {numbers}")
        print(f"  {outcome.reason}")
        for e in outcome.estimates:
            for text in e.warnings:
                print(f"  {_words('warning_of', lang, estimator=label(e.estimator, lang, short=True))}: {text}")
    for text in effect.warnings:
        print(f"{_words('warning', lang)}: {text}")
    print(_words("legend", lang))


def _print_design_check(check: pd.DataFrame, trusted: dict[str, list[str]], lang: str) -> None:
    """The design check's table with the catalogue's words and the language's numbers."""
    import pandas as pd

    from calibration.check_design import MIN_COVERAGE
    from calibration.effect import label, outcome_label
    from sim.reports import labels as L

    shown = pd.DataFrame({
        _words("col_effect", lang): [_words(f"check_{e}", lang) for e in check["effect"]],
        _words("col_outcome", lang): [outcome_label(o, lang) for o in check["outcome"]],
        _words("col_estimator", lang): [label(e, lang, short=True) for e in check["estimator"]],
        **{_words(f"col_{c}", lang): [L.signed(v, lang, 3) for v in check[c]]
           for c in ("truth", "mean_estimate", "bias")},
        _words("col_rmse", lang): [L.number(v, lang, 3) for v in check["rmse"]],
        **{_words(f"col_{c}", lang): [L.percent(v / 100, lang, 0) for v in check[c]]
           for c in ("coverage_pct", "trusted_pct", "recommended_pct")},
        _words("col_data_sets", lang): check["data_sets"].astype(int),
    })
    print(shown.to_string(index=False))
    for outcome, names in trusted.items():
        print("  " + _words("check_trusted", lang, outcome=outcome_label(outcome, lang),
                            pct=L.percent(MIN_COVERAGE / 100, lang, 0),
                            names=", ".join(label(n, lang, short=True) for n in names) or _words("check_none", lang)))


def handle(args: argparse.Namespace) -> int:
    from calibration.check_design import check_design_model, model_town, parse_selection, trustworthy
    from calibration.dossiers.bsn import load_key
    from calibration.dossiers.schema import load_dossier
    from calibration.effect import json_safe, measure_effect
    from scenarios.errors import UserError
    from sim import __version__
    from sim.reports.outputs import MANIFEST, check_result_folder, check_writable, result_set, write_json

    if args.bootstrap < 10:
        raise UserError(f"--bootstrap {args.bootstrap}: needs at least 10 resamples")
    if args.reps < 2:
        raise UserError(f"--reps {args.reps}: needs at least 2 data sets per effect")
    for option, value in (("--selection", args.selection), ("--scenario", args.scenario)):
        if value and not args.check_design:
            raise UserError(f"{option} {value}: only used with --check-design")
    rule, threshold = parse_selection(args.selection) if args.selection else (None, None)
    check_result_folder(args.out, "--out", "mph effect")
    check_writable(args.json, "--json", file=True)
    dossier = load_dossier(args.dossier, args.events, load_key(args.key_file))
    effect = measure_effect(dossier, bootstrap=args.bootstrap, seed=args.seed, lang=args.lang)
    if effect.table.empty:
        raise UserError(_words("no_estimate", args.lang) + ": " + "; ".join(effect.notes))
    out: Path = args.out
    report = effect.to_json() | {"bootstrap": args.bootstrap, "seed": args.seed}
    if args.check_design:
        from tqdm import tqdm

        from scenarios.scenario import load_scenario
        from sim import announce_compiling

        town = model_town(load_scenario(args.scenario), dossier)
        rule = rule or (effect.selection.rule if effect.selection else "random")
        print(_words("check_start", args.lang, reps=args.reps, households=town.population.households,
                     years=town.horizon_years, rule=f"{rule}:{threshold}" if threshold else rule))
        announce_compiling()
        with tqdm(total=args.reps, desc=_words("check_progress", args.lang), unit=_words("check_unit", args.lang)) \
                as bar:
            check = check_design_model(town, rule=rule, threshold=threshold, replications=args.reps, seed=args.seed,
                                       bootstrap=min(args.bootstrap, 200), progress=lambda done: bar.update(1))
        trusted = trustworthy(check)
        report["design_check"] = json_safe({"town": {"households": town.population.households,
                                                     "years": town.horizon_years, "rule": rule,
                                                     "threshold": threshold},
                                            "results": check.to_dict(orient="records"), "trustworthy": trusted})
        _print_design_check(check, trusted, args.lang)
    _print_effect(effect, args.lang)
    about = {"command": "mph effect", "version": __version__, "seed": args.seed, "bootstrap": args.bootstrap}
    with result_set(out, about) as staging:  # the whole set appears at once, or the previous one stays
        effect.table.to_csv(staging / "effect.csv", index=False)
        effect.strata.to_csv(staging / "strata.csv", index=False)
        if args.check_design:
            check.to_csv(staging / "design_check.csv", index=False)
        write_json(staging / "effect.json", report)
    if args.json:
        write_json(args.json, report)
    for note in effect.notes:
        print(f"{_words('note', args.lang)}: {note}")
    print(f"{_words('written', args.lang)}: {out / 'effect.csv'}, {out / 'strata.csv'}, {out / 'effect.json'}, "
          f"{out / MANIFEST}")
    return 0
