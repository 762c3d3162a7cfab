"""``mph calibrate CONFIG.yaml``: fit model parameters to dossier statistics and published figures."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim import announce_compiling
from sim.cli.args import add_lang_option

if TYPE_CHECKING:
    import pandas as pd


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("calibrate", help="fit parameters to dossier data and published figures (ABC-SMC or point)",
                       description="Calibrate the parameters a calibration file names against its targets: "
                       "Bayesian ABC-SMC (pyabc) giving a posterior, or a fast point estimate. Writes the posterior "
                       "(or point), the fit of each target, charts and a calibrated scenario file for `mph run`.")
    p.add_argument("config", type=Path, help="calibration file (see calibration/example.yaml)")
    p.add_argument("--mode", choices=("abc", "point"), default="abc",
                   help="abc: posterior distributions (default); point: best fit, fast")
    p.add_argument("--out", type=Path, help="output folder (default: results/calibration/<config name>)")
    p.add_argument("--workers", type=int, default=None,
                   help="ABC: local Dask worker processes (default: one per core); 1 = single-core sampler")
    p.add_argument("--scheduler", help="ABC: address of a running Dask scheduler (tcp://HOST:PORT)")
    p.add_argument("--fresh", action="store_true", help="ABC: discard a stored calibration state and start again")
    p.add_argument("--ship", action="store_true", help="ABC: write the posterior to scenarios/posterior/default.* "
                   "(the calibrated default every run draws from; see calibration/default.yaml)")
    p.add_argument("--key-file", type=Path, help="pseudonymisation key, if the dossier has a BSN column "
                   "(or set $MPH_PSEUDONYM_KEY)")
    add_lang_option(p)
    p.set_defaults(handler=handle)


def _table(frame: pd.DataFrame, columns: list[str], lang: str = "nl") -> str:
    """A result table in ``lang``: parameters by their labels, headers from the catalogue, numbers in the language's
    format (four significant digits)."""
    import math

    import pandas as pd

    from sim.reports import labels as L

    def significant(v: float) -> str:  # four significant digits, as before, with the language's separators
        if v != v:
            return "–"
        places = 0 if v == 0 else min(max(0, 3 - math.floor(math.log10(abs(v)))), 8)
        return L.number(float(f"{v:.4g}"), lang, places)

    shown = frame[columns].copy()
    if "parameter" in shown:
        shown["parameter"] = [L.setting(p, lang) for p in shown["parameter"]]
    for column in shown.columns:
        if pd.api.types.is_float_dtype(shown[column]):
            shown[column] = shown[column].map(significant)
    shown.columns = [L.column(c, lang) if L.has("column", c) else c for c in columns]
    return shown.to_string(index=False)


def handle(args: argparse.Namespace) -> int:
    import pandas as pd

    from calibration.config import load_calibration
    from calibration.dossiers.bsn import load_key
    from calibration.report import calibrated_scenario, fit_chart, fit_table, posterior_chart, posterior_table
    from scenarios.errors import UserError
    from sim import __version__
    from sim.experiments.cluster import default_workers
    from sim.reports import labels as L
    from sim.reports.outputs import check_result_folder, result_set, write_json

    if args.ship and args.mode != "abc":
        raise UserError("--ship: only an ABC-SMC posterior ships (leave out --mode point)")
    out: Path = args.out or Path("results") / "calibration" / args.config.stem
    check_result_folder(out, "--out", "mph calibrate")
    calibration = load_calibration(args.config, load_key(args.key_file))
    announce_compiling()
    started = time.perf_counter()
    summary: dict[str, Any] = {"config": str(args.config), "mode": args.mode,
                               "targets": [t.model_dump() for t in calibration.targets]}
    about = {"command": "mph calibrate", "version": __version__, "config": str(args.config), "mode": args.mode,
             "seed": calibration.spec.seed}
    screened = None
    if calibration.spec.screen is not None:
        from calibration.screen import morris_screen

        settings = calibration.spec.screen
        screened = morris_screen(calibration, settings.trajectories)
        keep = list(screened.index[:settings.keep])
        calibration = calibration.restricted(keep)
        summary["screen"] = {"kept": keep, "importance": screened["importance"].to_dict()}
        print("Morris-screening (mu*/sd over de doelen opgeteld):\n" + screened[["importance"]].to_string(
            float_format=lambda v: f"{v:.3g}") + f"\nGefit: {', '.join(keep)}\n")
    if args.mode == "point":
        from calibration.point import point_estimate

        estimate = point_estimate(calibration, progress=True)
        values = estimate.values
        point = pd.DataFrame({"parameter": list(values), "value": list(values.values())})
        fit = fit_table(calibration, pd.DataFrame([estimate.simulated]))
        summary |= {"point": values, "distance": estimate.distance, "evaluations": len(estimate.evaluations)}
        tables = {"point.csv": point, "evaluations.csv": estimate.evaluations}
        print(_table(point, ["parameter", "value"], args.lang))
    else:
        from calibration.abc import run_abc

        workers = args.workers if args.workers is not None else default_workers()
        # the ABC state (resumable) lives in OUT itself, outside the result set, and moves along with it
        result = run_abc(calibration, out, workers=workers, scheduler=args.scheduler, fresh=args.fresh,
                         progress=True)
        table = posterior_table(calibration, result.particles)
        values = dict(zip(table["parameter"], table["median"], strict=True))
        fit = fit_table(calibration, result.simulated)
        summary |= {"posterior": table.drop(columns=["prior"]).to_dict(orient="records"),
                    "generations": result.generations, "evaluations": result.evaluations,
                    "epsilon": result.epsilon}
        tables = {"posterior.csv": table, "posterior_samples.csv": result.particles}
        print(_table(table, ["parameter", "median", "p5", "p95"], args.lang))
        if args.ship:
            from calibration.ship import ship_posterior

            shipped = ship_posterior(calibration, result, seconds=time.perf_counter() - started, workers=workers,
                                     screened=screened)
            summary["shipped"] = str(shipped)
            print(f"\nPosterior meegeleverd: {shipped} (elke run trekt voortaan hieruit; --point voor puntwaarden)")
    scenario_file = out / "calibrated_scenario.yaml"
    how = "posterior medians, ABC-SMC" if args.mode == "abc" else "point estimate"
    with result_set(out, about) as staging:  # the whole set appears at once, or the previous one stays
        for name, frame in tables.items():
            frame.to_csv(staging / name, index=False)
        if screened is not None:
            screened.to_csv(staging / "screen.csv")
        if args.mode == "abc":
            posterior_chart(calibration, result.particles, staging / "posterior.png")
        fit.to_csv(staging / "fit.csv", index=False)
        fit_chart(fit, staging / "fit.png")
        calibrated_scenario(calibration, values, staging / scenario_file.name, how)
        summary |= {"fit": fit.to_dict(orient="records"), "seconds": round(time.perf_counter() - started, 1),
                    "calibrated_scenario": str(scenario_file)}
        write_json(staging / "summary.json", summary)
    print("\n" + _table(fit, ["target", "observed", "sd", "simulated_median", "simulated_p5", "simulated_p95"],
                         args.lang))
    print("\n" + L.text("calibrated_written", args.lang, seconds=L.number(summary["seconds"], args.lang, 1), out=out,
                        scenario=scenario_file) + f"\n  ./mph run {scenario_file}")
    return 0
