"""``mph validate``: the evidence register against the calibrated model's posterior predictive, with the
policy-theory checks; writes docs/validation.md and its charts."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim import announce_compiling
from sim.cli.args import non_negative_int, positive_int


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="evidence figures and policy-theory checks against the posterior predictive",
                       description="Run the calibrated model's posterior predictive on the town it was fitted on and "
                       "report every figure of calibration/evidence.yaml inside or outside its band, and every "
                       "policy-theory check; writes a Markdown report with charts.")
    p.add_argument("--draws", type=positive_int, default=100, help="posterior draws (replications; default 100)")
    p.add_argument("--check-reps", type=positive_int, default=12,
                   help="replications of each policy-theory variant (default 12)")
    p.add_argument("--seed", type=non_negative_int, default=15, help="random seed (default 15)")
    p.add_argument("--evidence", type=Path, help="evidence register (default: calibration/evidence.yaml)")
    p.add_argument("--out", type=Path, default=Path("docs/validation.md"), help="report (default docs/validation.md)")
    p.add_argument("--charts", type=Path, help="chart folder (default: docs/validation/ beside the report)")
    p.add_argument("--strict", action="store_true", help="exit with status 1 when a fitted target is outside its band")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from calibration.validate import failures, validate
    from calibration.validation_report import write_report
    from sim.reports.outputs import check_writable

    check_writable(args.out, "--out", file=True)
    charts = args.charts or args.out.with_suffix("")
    announce_compiling()
    validation = validate(args.draws, args.check_reps, args.seed, args.evidence)
    command = f"./mph validate --draws {args.draws} --check-reps {args.check_reps} --seed {args.seed}"
    written = write_report(validation, args.out, charts, command)
    t = validation.targets
    print(validation.status.line())
    print(t[["figure", "use", "band_low", "band_high", "predictive_median", "inside"]].to_string(
        index=False, float_format=lambda v: f"{v:.4g}"))
    print()
    print(validation.checks[["check", "measured", "holds"]].to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    outside = failures(validation)
    print("\n" + (f"Buiten de band: {', '.join(outside)}" if outside else "Alle gefitte doelen binnen hun band."))
    print("Geschreven: " + ", ".join(str(p) for p in written))
    return 1 if args.strict and outside else 0
