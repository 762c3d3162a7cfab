"""``mph calibrate CONFIG.yaml``: fit model parameters to dossier statistics and published figures."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim import announce_compiling

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
    p.set_defaults(handler=handle)


def _table(frame: pd.DataFrame, columns: list[str]) -> str:
    return frame[columns].to_string(index=False, float_format=lambda v: f"{v:.4g}")


def handle(args: argparse.Namespace) -> int:
    import pandas as pd

    from calibration.config import load_calibration
    from calibration.dossiers.bsn import load_key
    from calibration.report import calibrated_scenario, fit_chart, fit_table, posterior_chart, posterior_table
    from scenarios.errors import UserError
    from sim.experiments.cluster import default_workers
    from sim.reports.outputs import atomic_write, check_writable, write_json

    check_writable(args.out, "--out")
    if args.ship and args.mode != "abc":
        raise UserError("--ship: only an ABC-SMC posterior ships (leave out --mode point)")
    calibration = load_calibration(args.config, load_key(args.key_file))
    out: Path = args.out or Path("results") / "calibration" / args.config.stem
    announce_compiling()
    started = time.perf_counter()
    summary: dict[str, Any] = {"config": str(args.config), "mode": args.mode,
                               "targets": [t.model_dump() for t in calibration.targets]}
    screened = None
    if calibration.spec.screen is not None:
        from calibration.screen import morris_screen

        settings = calibration.spec.screen
        screened = morris_screen(calibration, settings.trajectories)
        atomic_write(out / "screen.csv", lambda tmp: screened.to_csv(tmp))
        keep = list(screened.index[:settings.keep])
        calibration = calibration.restricted(keep)
        summary["screen"] = {"kept": keep, "importance": screened["importance"].to_dict()}
        print("Morris-screening (mu*/sd over de doelen opgeteld):\n" + screened[["importance"]].to_string(
            float_format=lambda v: f"{v:.3g}") + f"\nGefit: {', '.join(keep)}\n")
    if args.mode == "point":
        from calibration.point import point_estimate

        estimate = point_estimate(calibration)
        values = estimate.values
        point = pd.DataFrame({"parameter": list(values), "value": list(values.values())})
        fit = fit_table(calibration, pd.DataFrame([estimate.simulated]))
        atomic_write(out / "point.csv", lambda tmp: point.to_csv(tmp, index=False))
        atomic_write(out / "evaluations.csv", lambda tmp: estimate.evaluations.to_csv(tmp, index=False))
        summary |= {"point": values, "distance": estimate.distance, "evaluations": len(estimate.evaluations)}
        print(_table(point, ["parameter", "value"]))
    else:
        from calibration.abc import run_abc

        workers = args.workers if args.workers is not None else default_workers()
        result = run_abc(calibration, out, workers=workers, scheduler=args.scheduler, fresh=args.fresh,
                         progress=True)
        table = posterior_table(calibration, result.particles)
        values = dict(zip(table["parameter"], table["median"], strict=True))
        fit = fit_table(calibration, result.simulated)
        atomic_write(out / "posterior.csv", lambda tmp: table.to_csv(tmp, index=False))
        atomic_write(out / "posterior_samples.csv", lambda tmp: result.particles.to_csv(tmp, index=False))
        posterior_chart(calibration, result.particles, out / "posterior.png")
        summary |= {"posterior": table.drop(columns=["prior"]).to_dict(orient="records"),
                    "generations": result.generations, "evaluations": result.evaluations,
                    "epsilon": result.epsilon}
        print(_table(table, ["parameter", "median", "p5", "p95"]))
        if args.ship:
            from calibration.ship import ship_posterior

            shipped = ship_posterior(calibration, result, seconds=time.perf_counter() - started, workers=workers,
                                     screened=screened)
            summary["shipped"] = str(shipped)
            print(f"\nPosterior meegeleverd: {shipped} (elke run trekt voortaan hieruit; --point voor puntwaarden)")
    atomic_write(out / "fit.csv", lambda tmp: fit.to_csv(tmp, index=False))
    fit_chart(fit, out / "fit.png")
    how = "posterior medians, ABC-SMC" if args.mode == "abc" else "point estimate"
    scenario_file = calibrated_scenario(calibration, values, out / "calibrated_scenario.yaml", how)
    summary |= {"fit": fit.to_dict(orient="records"), "seconds": round(time.perf_counter() - started, 1),
                "calibrated_scenario": str(scenario_file)}
    write_json(out / "summary.json", summary)
    print("\n" + _table(fit, ["target", "observed", "sd", "simulated_median", "simulated_p5", "simulated_p95"]))
    print(f"\n{summary['seconds']} s. Geschreven naar {out}/; gekalibreerd scenario: {scenario_file}"
          f"\n  ./mph run {scenario_file}")
    return 0
