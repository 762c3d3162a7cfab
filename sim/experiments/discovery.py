"""Scenario discovery of a sweep: under which conditions is the MKBA balance positive?

PRIM (the patient rule induction method of EMA Workbench 3, ``ema_workbench.analysis.prim``) looks over all runs of a
sweep (one row per design point and replication, the levers and uncertainties as columns) for a *box*: a range per
numeric lever or uncertainty and a set of values per named option, inside which the outcome is of interest (by
default: the balance is positive) in a high share of the runs. PRIM peels the box step by step and records each
step on its *peeling trajectory*; which step to report is a choice, made here by one documented rule
(:func:`choose_box`): **the highest coverage among the boxes with a density of at least 0.8** (that restrict at least
one dimension); where no box gets there, the densest one, said as such.

- density: the share of the runs in the box in which the outcome is of interest;
- coverage: the share of all runs of interest that fall in the box;
- mass: the share of all runs that fall in the box.

After the first box PRIM may look for another among the runs outside it (``max_boxes``); a further box is only
reported when it reaches the density by itself. Cases where no box can be found (too few runs, an outcome that never
or always holds, a constant outcome, nothing varied) give a :class:`Discovery` with a ``reason`` and no boxes: one
line for the user, no traceback. Only EMA's ``Prim.find_box`` and the box limits on its trajectory are used: its
``inspect(style='data')`` fails on pandas 3 once a named option is restricted (ema_workbench 3.0.0, prim.py line 458:
``TypeError: Invalid value ... for dtype 'float64'``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.sweep import parse_outcome
from sim.reports import labels as L

MIN_RUNS = 20  # fewer runs than this give boxes of a handful of runs: refused with a reason
MIN_DENSITY = 0.8  # the rule: the highest coverage among boxes with at least this density
MAX_BOXES = 2  # the first box, and one more among the runs outside it when it reaches MIN_DENSITY itself
BALANCE = "mkba_balance"


@dataclass(frozen=True)
class Question:
    """Which runs are of interest: ``outcome`` above ``threshold`` (or below it, for an outcome where less is better,
    such as the difference in evictions; ``above=None`` asks the catalogue)."""

    outcome: str = BALANCE
    threshold: float = 0.0
    above: bool | None = None

    @property
    def upwards(self) -> bool:
        return L.higher_is_better(self.outcome) if self.above is None else self.above

    def of_interest(self, values: pd.Series) -> np.ndarray:
        return (values > self.threshold if self.upwards else values < self.threshold).to_numpy()


@dataclass(frozen=True)
class Restriction:
    """A condition of a box on one lever or uncertainty: a numeric range (``low``/``high``, either end ``None``
    where the box keeps the whole explored side) or the named values kept (``levels``)."""

    factor: str
    swept_low: float | None = None
    swept_high: float | None = None
    low: float | None = None
    high: float | None = None
    levels: tuple[Any, ...] = ()
    swept_levels: tuple[Any, ...] = ()
    quasi_p: float = float("nan")

    @property
    def numeric(self) -> bool:
        return not self.swept_levels


@dataclass(frozen=True)
class Box:
    number: int
    coverage: float
    density: float
    mass: float
    runs: int
    restrictions: tuple[Restriction, ...]
    dense_enough: bool = True


@dataclass(frozen=True)
class Discovery:
    """What PRIM found in a sweep: the boxes, or the reason (a catalogue key and its values) why there are none."""

    question: Question
    runs: int
    share_of_interest: float
    boxes: tuple[Box, ...] = ()
    reason: str = ""
    reason_values: dict[str, Any] = field(default_factory=dict)
    min_density: float = MIN_DENSITY


def runs_table(table: pd.DataFrame, factors: Sequence[str], outcome: str = BALANCE) -> pd.DataFrame:
    """From a sweep's tidy table: one row per design point and replication, the factors as columns and the outcome as
    ``value`` (a measure without a method is the paired difference 1g1p1r minus verkokerd)."""
    method, measure = parse_outcome(outcome)
    rows = table[(table["method"] == method) & (table["measure"] == measure)]
    return rows[[*factors, "value"]].reset_index(drop=True)


def discover(runs: pd.DataFrame, factors: Sequence[str], question: Question | None = None,
             min_density: float = MIN_DENSITY, max_boxes: int = MAX_BOXES) -> Discovery:
    """PRIM over ``runs`` (one row per run, or per design point, ``factors`` as columns, the outcome in ``value``;
    default question: is the MKBA balance positive?): the boxes chosen by :func:`choose_box`, or the reason why none
    can be found."""
    question = question or Question()
    runs = runs.dropna(subset=["value"]).reset_index(drop=True)
    x = runs[[f for f in factors if runs[f].nunique(dropna=False) > 1]]
    interest = question.of_interest(runs["value"])
    found = Discovery(question, len(runs), float(interest.mean()) if len(runs) else 0.0, min_density=min_density)
    reason = _why_not(runs, x, interest, question)
    if reason:
        return _with_reason(found, *reason)
    prim = _prim(x, interest)
    boxes: list[Box] = []
    for number in range(1, max_boxes + 1):
        box = prim.find_box()
        if box is None:
            break
        chosen = choose_box(box.peeling_trajectory, min_density)
        if chosen is None or (boxes and box.peeling_trajectory.loc[chosen, "density"] < min_density):
            break
        box.select(chosen)  # the next box is looked for among the runs outside this one
        boxes.append(_box(number, box, chosen, prim.box_init, x, min_density))
    if not boxes:
        return _with_reason(found, "no_restriction", {})
    return Discovery(question, len(runs), found.share_of_interest, tuple(boxes), min_density=min_density)


def choose_box(trajectory: pd.DataFrame, min_density: float = MIN_DENSITY) -> int | None:
    """The step of a peeling trajectory to report: of the boxes that restrict at least one dimension, the highest
    coverage among those with a density of at least ``min_density`` (ties: the higher density, then the fewer
    restrictions); without any such box the densest one (ties: the higher coverage). None: nothing restricted."""
    restricted = trajectory[trajectory["res_dim"] > 0]
    if restricted.empty:
        return None
    dense = restricted[restricted["density"] >= min_density]
    if not dense.empty:
        order = dense.sort_values(["coverage", "density", "res_dim"], ascending=[False, False, True], kind="stable")
    else:
        order = restricted.sort_values(["density", "coverage"], ascending=[False, False], kind="stable")
    return int(order.index[0])


def _why_not(runs: pd.DataFrame, x: pd.DataFrame, interest: np.ndarray,
             question: Question) -> tuple[str, dict[str, Any]] | None:
    if len(runs) < MIN_RUNS:
        return "too_few_runs", {"runs": len(runs), "minimum": MIN_RUNS}
    if runs["value"].nunique() == 1:
        return "constant", {"runs": len(runs), "value": float(runs["value"].iloc[0])}
    if x.shape[1] == 0:
        return "no_factors", {}
    extremes = {"runs": len(runs), "highest": float(runs["value"].max()), "lowest": float(runs["value"].min())}
    if not interest.any():
        return "none_of_interest", extremes
    if interest.all():
        return "all_of_interest", extremes
    return None


def _with_reason(found: Discovery, reason: str, values: dict[str, Any]) -> Discovery:
    return Discovery(found.question, found.runs, found.share_of_interest, (), reason, values, found.min_density)


def _prim(x: pd.DataFrame, interest: np.ndarray) -> Any:
    """EMA's PRIM on these runs: named options (text, yes/no) as categories, numbers as ranges."""
    with warnings.catch_warnings():  # importing the workbench warns that optional parallel back-ends are missing
        warnings.simplefilter("ignore")
        from ema_workbench.analysis.prim import Prim

        return Prim(x.copy(), interest.copy())


def _box(number: int, box: Any, step: int, box_init: pd.DataFrame, x: pd.DataFrame, min_density: float) -> Box:
    """The box at ``step`` of ``box``'s trajectory, its limits snapped to the values runs really have (a grid's
    levels, the draws of an uncertainty), so that the table says which runs it holds."""
    limits = box.box_lims[step]
    quasi_p = box.p_values[step]
    restrictions = []
    for factor in x.columns:
        initial, kept = box_init[factor], limits[factor]
        if all(_same(a, b) for a, b in zip(initial, kept, strict=True)):
            continue
        p = [v for v in quasi_p.get(factor, []) if v >= 0]
        if pd.api.types.is_numeric_dtype(x[factor].dtype) and not pd.api.types.is_bool_dtype(x[factor].dtype):
            inside = x[factor][(x[factor] >= kept[0]) & (x[factor] <= kept[1])]
            restrictions.append(Restriction(
                factor, float(initial[0]), float(initial[1]),
                float(inside.min()) if kept[0] > initial[0] else None,
                float(inside.max()) if kept[1] < initial[1] else None,
                quasi_p=max(p) if p else float("nan")))
        else:
            order = list(dict.fromkeys(x[factor]))  # the order the sweep lists them in
            restrictions.append(Restriction(factor, levels=tuple(v for v in order if v in kept[0]),
                                            swept_levels=tuple(order), quasi_p=max(p) if p else float("nan")))
    row = box.peeling_trajectory.loc[step]
    return Box(number, float(row["coverage"]), float(row["density"]), float(row["mass"]), int(row["n"]),
               tuple(restrictions), float(row["density"]) >= min_density)


def _same(a: Any, b: Any) -> bool:
    return bool(a == b) if not isinstance(a, float) else bool(np.isclose(a, b))


# -- words -------------------------------------------------------------------------------------------------------
def factor_name(factor: str, lang: str = L.DEFAULT_LANG) -> str:
    """A lever or uncertainty as people read it (a register price ``register.cost.x`` by the price's label)."""
    from sim.reports.report_text import lever

    name = lever(factor, lang)
    if name == factor and factor.startswith("register."):
        try:
            return L.parameter(factor.removeprefix("register."), lang)
        except L.MissingLabel:
            return factor
    return name


def value_words(value: Any, lang: str = L.DEFAULT_LANG) -> str:
    """A setting in words: a number with as many decimals as it needs (12; 0,35; 41.250), yes/no, an option's name."""
    if isinstance(value, bool | np.bool_):
        return L.label("discovery", "yes" if value else "no", lang)
    if isinstance(value, int | float | np.integer | np.floating):
        value = float(value)
        most = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
        fewest = next(d for d in range(most + 1) if round(value, d) == round(value, most))  # 0,5 not 0,50
        return L.number(value, lang, fewest)
    return str(value)


def subject(question: Question, lang: str = L.DEFAULT_LANG, subordinate: bool = False) -> str:
    """What is of interest, in words: 'het saldo is positief', 'huisuitzettingen (...) is lager dan 0'; with
    ``subordinate`` in the word order of a subordinate clause ('... waarin het saldo positief is')."""
    tail = "_sub" if subordinate else ""
    if question.outcome == BALANCE and question.threshold == 0 and question.upwards:
        return word(f"subject_balance_positive{tail}", lang)
    from sim.reports.sweep import outcome_title

    threshold = (L.money(question.threshold, lang) if parse_outcome(question.outcome)[1].startswith("mkba_")
                 else value_words(question.threshold, lang))
    return word(("subject_above" if question.upwards else "subject_below") + tail, lang,
                 outcome=outcome_title(question.outcome, lang), threshold=threshold)


def condition(restriction: Restriction, lang: str = L.DEFAULT_LANG) -> str:
    """One restriction in words: 'fte regisseurs tussen 10 en 16 ligt', 'mandaat volledig of gedeeltelijk is'."""
    name = factor_name(restriction.factor, lang)
    if not restriction.numeric:
        return word("one_of", lang, name=name, levels=_listed([value_words(v, lang) for v in restriction.levels],
                                                                 word("or", lang)))
    low, high = (None if v is None else value_words(v, lang) for v in (restriction.low, restriction.high))
    lowest = low if low is not None else value_words(restriction.swept_low, lang)
    if lowest == (high if high is not None else value_words(restriction.swept_high, lang)):  # one value of a grid
        return word("one_of", lang, name=name, levels=lowest)
    if low is not None and high is not None:
        return word("between", lang, name=name, low=low, high=high)
    return word("at_least", lang, name=name, low=low) if low is not None else word("at_most", lang, name=name,
                                                                                       high=high)


def sentences(discovery: Discovery, lang: str = L.DEFAULT_LANG) -> list[str]:
    """One plain sentence per box ('Het saldo is positief in 86% van de runs als fte regisseurs tussen 10 en 16 ligt
    en mandaat volledig of gedeeltelijk is.'), with its mass and coverage; or the one line saying why there is none."""
    what = subject(discovery.question, lang)
    if not discovery.boxes:
        return [why_no_box(discovery, lang)]
    found = [word("overall", lang, runs=L.number(discovery.runs, lang, 0), subject=what,
                   share=L.percent(discovery.share_of_interest, lang, 0))]
    for box in discovery.boxes:
        conditions = _listed([condition(r, lang) for r in box.restrictions], word("and", lang))
        # a later box is found among the runs outside the earlier ones: its density counts those runs only
        outside = word("outside", lang, boxes=box.number - 1) + " " if box.number > 1 else ""
        start = what if outside else what[:1].upper() + what[1:]
        line = (outside + word("box", lang, Subject=start, density=L.percent(box.density, lang, 0),
                               conditions=conditions) + " "
                + word("box_numbers", lang, mass=L.percent(box.mass, lang, 0),
                        coverage=L.percent(box.coverage, lang, 0), number=box.number,
                        subject=subject(discovery.question, lang, subordinate=True)))
        if not box.dense_enough:
            line += " " + word("below_density", lang, density=L.percent(discovery.min_density, lang, 0))
        found.append(line)
    return found


def why_no_box(discovery: Discovery, lang: str = L.DEFAULT_LANG) -> str:
    """'Geen voorwaarden gevonden: in geen van de 60 runs geldt: het saldo is positief (...)'."""
    values = dict(discovery.reason_values)
    money = parse_outcome(discovery.question.outcome)[1].startswith("mkba_")
    for key in ("highest", "lowest", "value"):
        if key in values:
            values[key] = L.money(values[key], lang) if money else value_words(values[key], lang)
    for key in ("runs", "minimum"):
        if key in values:
            values[key] = L.number(values[key], lang, 0)
    from sim.reports.sweep import outcome_title

    detail = word(discovery.reason, lang, subject=subject(discovery.question, lang),
                   outcome=outcome_title(discovery.question.outcome, lang), **values)
    return f"{word('no_box', lang)}: {detail}"


def box_table(discovery: Discovery, lang: str = L.DEFAULT_LANG) -> pd.DataFrame:
    """The boxes as a table, one row per box and restricted lever or uncertainty: its range (or values) in the box
    and over the sweep, and the box's coverage, density, mass and runs; headers in ``lang``, the machine key of the
    lever or uncertainty in the last column. Empty (headers only) when no box was found."""
    rows = []
    for box in discovery.boxes:
        for r in box.restrictions:
            rows.append({
                "box": box.number, "factor": factor_name(r.factor, lang), "condition": condition(r, lang),
                "low": _or_nan(r.low), "high": _or_nan(r.high),
                "levels": "; ".join(value_words(v, lang) for v in r.levels),
                "swept_low": _or_nan(r.swept_low), "swept_high": _or_nan(r.swept_high),
                "swept_levels": "; ".join(value_words(v, lang) for v in r.swept_levels),
                "coverage": box.coverage, "density": box.density, "mass": box.mass, "runs": box.runs,
                "quasi_p": r.quasi_p, "code": r.factor})
    columns = ["box", "factor", "condition", "low", "high", "levels", "swept_low", "swept_high", "swept_levels",
               "coverage", "density", "mass", "runs", "quasi_p", "code"]
    table = pd.DataFrame(rows, columns=columns)
    return table.rename(columns=lambda c: L.label("discovery_column", c, lang))


def _or_nan(value: float | None) -> float:
    return float("nan") if value is None else value


def word(key: str, lang: str = L.DEFAULT_LANG, **values: Any) -> str:
    """A phrase of the catalogue's ``discovery`` section (labels_discovery.yaml), its placeholders filled in."""
    return L.text(key, lang, kind="discovery", **values)


def _listed(parts: list[str], last: str) -> str:
    """'a', 'a en b', 'a, b en c'."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} {last} {parts[-1]}"


__all__ = ["MAX_BOXES", "MIN_DENSITY", "MIN_RUNS", "Box", "Discovery", "Question", "Restriction", "box_table",
           "choose_box", "condition", "discover", "factor_name", "runs_table", "sentences", "subject",
           "value_words", "why_no_box", "word"]
