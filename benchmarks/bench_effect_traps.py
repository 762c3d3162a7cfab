"""The selection traps of issue 16, in numbers: constructed dossiers with a known truth (three data sets per trap)
measured with every comparison, the old answer (matched on baseline problems, no diagnostics) next to the
recommended one; the design check's bias and coverage per trap; and the model's own synthetic dossier (3,000
households, 4 years, 12 fte). The tables of docs/effect.md come from here.

Run: .venv/bin/python benchmarks/bench_effect_traps.py [--reps 20] [--seeds 3]
Writes benchmarks/results/effect_traps.json and prints markdown tables.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pandas as pd

from calibration.check_design import check_design, trustworthy
from calibration.constructed import Design, construct
from calibration.dossiers.synth import synthesise
from calibration.effect import measure_effect
from scenarios.scenario import load_scenario

TRAPS = {
    "problems >= 6, controls not selected": Design(rule="problems", threshold=6),
    "crisis (2 escalations in 3 months), controls not selected": Design(rule="crisis", threshold=2),
    "lasting severity differs, start at random": Design(rule="severity"),
    "problems >= 6, controls met the same threshold": Design(rule="problems", threshold=6, controls="same_rule"),
    "textbook (random), effect -20%": Design(rule="random", effect=-0.2),
}
OUT = Path(__file__).parent / "results" / "effect_traps.json"


def markdown(frame: pd.DataFrame) -> str:
    """A markdown table (pandas needs tabulate for this, which is not installed)."""
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def interval(row: dict) -> str:
    return f"{row['estimate']:+.2f} [{row['ci_low']:+.2f}, {row['ci_high']:+.2f}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    results: dict = {"traps": [], "checks": {}, "synthetic": {}}
    print("| trap | outcome | truth | naive | matched (old answer) | recommended (new) | trusted |")
    print("|---|---|---:|---:|---:|---|---|")
    for name, design in TRAPS.items():
        for seed in range(1, args.seeds + 1):
            dossier, truth = construct(design, seed)
            effect = measure_effect(dossier, bootstrap=1000, seed=seed, lang="en")
            for outcome in effect.outcomes:
                rows = {r["estimator"]: r for r in effect.table[effect.table["outcome"] == outcome.outcome]
                        .to_dict(orient="records")}
                best = rows[outcome.recommended]
                results["traps"].append({"trap": name, "seed": seed, "outcome": outcome.outcome,
                                         "truth": truth[outcome.outcome], "rows": rows, "warnings": effect.warnings,
                                         "recommended": outcome.recommended, "reason": outcome.reason})
                print(f"| {name} (seed {seed}) | {outcome.outcome} | {truth[outcome.outcome]:+.2f} | "
                      f"{interval(rows['naive_before_after'])} | {interval(rows['did_matched'])} | "
                      f"{outcome.recommended}: {interval(best)} | {'yes' if best['trusted'] else 'no'} |")
    for name, design in TRAPS.items():
        start = time.perf_counter()
        check = check_design(design.with_effect(0.0), replications=args.reps, bootstrap=200)
        results["checks"][name] = {"table": check.to_dict(orient="records"), "trustworthy": trustworthy(check),
                                   "seconds": time.perf_counter() - start}
        print(f"\n{name}: {time.perf_counter() - start:.0f} s\n")
        print(markdown(check.round(2)))
    scenario = load_scenario().with_overrides({"population.households": 3000, "horizon_years": 4, "levers.fte": 12},
                                              origin="bench")
    synthetic = synthesise(scenario, 0)
    effect = measure_effect(synthetic.dossier, bootstrap=1000, seed=1, lang="en")
    results["synthetic"] = {"truth": synthetic.truth["effect"], "effect": effect.to_json()}
    print(f"\nsynthetic: truth {synthetic.truth['effect']['escalations_per_year']:+.3f}")
    print(markdown(effect.table[["outcome", "estimator", "estimate", "ci_low", "ci_high", "trusted", "recommended"]]
                   .round(3)))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
