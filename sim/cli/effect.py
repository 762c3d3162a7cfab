"""``mph effect FILE``: the effect of 1g1p1r against the control group, naive and matched, with intervals."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("effect", help="effect of 1g1p1r against a control group, from dossiers",
                       description="Effect of 'één gezin, één plan, één regisseur' against the control group in "
                       "a dossier: a naive before/after next to difference-in-differences, unmatched and matched on "
                       "the number of problems at baseline, with bootstrap confidence intervals.")
    p.add_argument("dossier", type=Path, help="households file (CSV/Parquet), or a folder with households and events")
    p.add_argument("--events", type=Path, help="events file (default: events.csv|parquet in the dossier folder)")
    p.add_argument("--out", type=Path, default=Path("results") / "effect", help="output folder (default: "
                   "results/effect)")
    p.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples (default 1000)")
    p.add_argument("--seed", type=int, default=1, help="bootstrap seed (default 1)")
    p.add_argument("--key-file", type=Path, help="pseudonymisation key, if the dossier has a BSN column "
                   "(or set $MPH_PSEUDONYM_KEY)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from calibration.dossiers.bsn import load_key
    from calibration.dossiers.schema import load_dossier
    from calibration.effect import OUTCOMES, measure_effect
    from scenarios.errors import UserError
    from sim.reports.outputs import atomic_write, write_json

    if args.bootstrap < 10:
        raise UserError(f"--bootstrap {args.bootstrap}: needs at least 10 resamples")
    effect = measure_effect(load_dossier(args.dossier, args.events, load_key(args.key_file)),
                            bootstrap=args.bootstrap, seed=args.seed)
    if effect.table.empty:
        raise UserError("no effect can be estimated: " + "; ".join(effect.notes))
    out: Path = args.out
    atomic_write(out / "effect.csv", lambda tmp: effect.table.to_csv(tmp, index=False))
    atomic_write(out / "strata.csv", lambda tmp: effect.strata.to_csv(tmp, index=False))
    write_json(out / "effect.json", {"estimates": effect.table.to_dict(orient="records"), "notes": effect.notes,
                                     "bootstrap": args.bootstrap, "seed": args.seed})
    for outcome, part in effect.table.groupby("outcome", sort=False):
        first = part.iloc[0]
        print(f"{OUTCOMES[outcome]} ({outcome}); 1g1p1r: {first['households_1g1p1r']} huishoudens, "
              f"controle: {first['households_control']}")
        for _, row in part.iterrows():
            print(f"  {row['label']:58s} {row['estimate']:+.3f}  [95%: {row['ci_low']:+.3f}, {row['ci_high']:+.3f}]")
    for note in effect.notes:
        print(f"let op: {note}")
    print(f"Geschreven: {out / 'effect.csv'}, {out / 'strata.csv'}, {out / 'effect.json'}")
    return 0
