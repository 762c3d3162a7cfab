"""Effect of 1g1p1r against a control group, from dossiers: several comparisons, each with its diagnostics, and a
recommended one with the reason, so that a comparison that falls into a selection trap says so.

Outcomes per household, before and after its start date (events on the start date count as before: in the
dossier the start is the intake, and what happened that day led to it):

* ``escalations_per_year``: escalations in the year up to the start, against their yearly rate from the start to
  the end of follow-up;
* ``problems``: life domains with a problem at the start (``problems_baseline``) and at the end (``problems_end``),
  where the dossier has the latter.

Comparisons (:data:`ESTIMATORS`): the naive before/after; difference-in-differences (DiD) unmatched, matched on
baseline problems (chapter 3.3 of the e-book), and weighted by a propensity score on the pre-period history
(escalations in the 3 and the 12 months before the start, baseline problems) with overlap trimming; DiD against
controls taken at a crisis of their own (when the 1g1p1r group was taken in right after one); and an event-study
DiD in quarters with leads. Households enter when things go badly, so a comparison that conditions on how they
entered can still be wrong: hence the diagnostics, which a comparison must pass to be trusted:

* *pre-trend* (placebo): the comparison applied to the change from the second year before the start to the first,
  when nothing had started yet; it must be zero (its interval must cover 0). For the event study: the leads;
* *balance*: standardised differences of the history between the groups as the comparison weighs them; a matched
  or weighted comparison must bring them under 0.1;
* *overlap*: the share of the 1g1p1r group without comparable controls; under 10%.

The recommended comparison is the first that passes its checks in the order event study, crisis controls,
unmatched, weighted, matched: an adjustment is used only when a simpler comparison fails its checks, because
matching on a pre-period that drifts back by itself (regression to the mean) adds bias rather than removing it.

Intervals: a BCa bootstrap over households within each group (scipy, seeded), with the weights held fixed; the
event study's from cluster-robust standard errors (statsmodels).

Disclosure control (docs/effect.md, "Small numbers"): the matching strata are pooled until each holds at least 5
households of each group (:func:`pooled_strata`), so the plain-mean comparisons count the same households and no
difference between two estimates isolates a few; counts that would differ by 1-4 are shown as "x". Words come from
``sim/reports/labels_effect.yaml``, numbers from :mod:`sim.reports.labels`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from calibration import designs
from calibration.dossiers.disclosure import HIDDEN, MIN_COUNT, differs_little, few_apart, shown
from calibration.dossiers.schema import CASE_TYPES, GROUPS, Dossier
from scenarios.domains import ESCALATIONS
from sim.reports import labels as L

YEAR_DAYS = 365.25
CRISIS_DAYS = 91  # 'a crisis': escalations within three months
ESTIMATORS = ("naive_before_after", "did_unmatched", "did_matched", "did_weighted", "did_crisis_controls",
              "event_study")
PREFERENCE = ("event_study", "did_crisis_controls", "did_unmatched", "did_weighted", "did_matched")
HISTORY = ("escalations_0_3m", "escalations_3_12m", "problems_baseline")
MAX_SMD = 0.1
MAX_OUTSIDE = 0.1


# -- words (sim/reports/labels_effect.yaml) ----------------------------------------------------------------------
def label(estimator: str, lang: str, short: bool = False) -> str:
    """A comparison's name (``short`` for tables)."""
    return L.label("effect_estimator_short" if short else "effect_estimator", estimator, lang)


def outcome_label(outcome: str, lang: str) -> str:
    return L.label("effect_outcome", outcome, lang)


def warning(key: str, lang: str, **values: object) -> str:
    """A warning of the catalogue; numbers in ``values`` come formatted already (:mod:`sim.reports.labels`)."""
    return L.label("effect_warning", key, lang).format(**values)


def covariate_label(name: str, lang: str) -> str:
    return L.label("effect_covariate", name, lang)


# -- per-household tables ----------------------------------------------------------------------------------------
def _count(esc: pd.DataFrame, ids: pd.Series, mask: pd.Series) -> np.ndarray:
    return esc[mask].groupby("household_id").size().reindex(ids, fill_value=0).to_numpy(dtype=float)


def escalation_rates(households: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Per household: escalations per year in the year up to its start, and from its start to its end date."""
    esc = events[events["event"].isin(ESCALATIONS)].merge(
        households[["household_id", "start_date", "end_date"]], on="household_id")
    days = (esc["date"] - esc["start_date"]).dt.days
    ids = households["household_id"]
    years = (households["end_date"] - households["start_date"]).dt.days.to_numpy() / YEAR_DAYS
    after = _count(esc, ids, (days > 0) & (esc["date"] <= esc["end_date"]))
    return pd.DataFrame({
        "household_id": ids.to_numpy(),
        "before": _count(esc, ids, (days <= 0) & (days > -YEAR_DAYS)),
        "after": np.divide(after, years, out=np.full(len(ids), np.nan), where=years > 0),
    })


def history(households: pd.DataFrame, events: pd.DataFrame, observed_from: pd.Timestamp) -> pd.DataFrame:
    """Per household: escalations in the 3 months up to its start, in the 9 months before those, and in the year
    before that (NaN where the dossier does not reach back two years)."""
    esc = events[events["event"].isin(ESCALATIONS)].merge(households[["household_id", "start_date"]],
                                                          on="household_id")
    days = (esc["start_date"] - esc["date"]).dt.days
    ids = households["household_id"]
    two_years = (households["start_date"] - observed_from).dt.days.to_numpy() >= 2 * YEAR_DAYS - 1
    return pd.DataFrame({
        "escalations_0_3m": _count(esc, ids, (days >= 0) & (days < CRISIS_DAYS)),
        "escalations_3_12m": _count(esc, ids, (days >= CRISIS_DAYS) & (days < YEAR_DAYS)),
        "escalations_year_2": np.where(two_years, _count(esc, ids, (days >= YEAR_DAYS) & (days < 2 * YEAR_DAYS)),
                                       np.nan),
    })


def observed_from(dossier: Dossier) -> pd.Timestamp:
    """The first day the dossier registers: its earliest event or start date."""
    dates = pd.concat([dossier.events["date"], dossier.households["start_date"]])
    return dates.min()


def _frame(households: pd.DataFrame, events: pd.DataFrame, since: pd.Timestamp) -> pd.DataFrame:
    rates = escalation_rates(households, events)
    hist = history(households, events, since)
    return pd.DataFrame({
        "household_id": households["household_id"].to_numpy(),
        "group": households["group"].to_numpy(),
        "stratum": households["problems_baseline"].to_numpy(),
        "escalations_before": rates["before"].to_numpy(),
        "escalations_after": rates["after"].to_numpy(),
        **{c: hist[c].to_numpy() for c in hist},
        "problems_baseline": households["problems_baseline"].to_numpy(dtype=float),
        "problems_end": (households["problems_end"].to_numpy(dtype=float) if "problems_end" in households.columns
                         else np.full(len(households), np.nan)),
        **case_indicators(households),
    })


def case_indicators(households: pd.DataFrame) -> dict[str, np.ndarray]:
    """Where the dossier gives a case type: one 0/1 column per type but the first (light), for the propensity score
    and the balance check; none otherwise."""
    if "case_type" not in households.columns:
        return {}
    case = households["case_type"].to_numpy()
    return {f"case_{name}": (case == name).astype(float) for name in CASE_TYPES[1:]}


def covariates(frame: pd.DataFrame, base: tuple[str, ...] = HISTORY) -> tuple[str, ...]:
    """What the propensity score and the balance check use: the pre-period history, and the case type if given."""
    return (*base, *(c for c in frame.columns if c.startswith("case_")))


def panel(dossier: Dossier) -> dict[str, pd.DataFrame]:
    """Per outcome, one row per household: group, stratum (baseline problems), before, after, the pre-period
    history, and the placebo change (escalations in the second year before the start against the first)."""
    frame = _frame(dossier.households, dossier.events, observed_from(dossier))
    common = frame.assign(placebo_before=frame["escalations_year_2"], placebo_after=frame["escalations_before"])
    out = {"escalations_per_year": common.assign(before=frame["escalations_before"], after=frame["escalations_after"])}
    if frame["problems_end"].notna().any():
        out["problems"] = common.assign(before=frame["problems_baseline"], after=frame["problems_end"])
    return {name: f.dropna(subset=["before", "after"]).reset_index(drop=True) for name, f in out.items()}


# -- selection ---------------------------------------------------------------------------------------------------
@dataclass
class Selection:
    """How the 1g1p1r group appears to have been selected, read from the data (shares in percent)."""

    crisis: bool
    crisis_share: float  # of the 1g1p1r group: 2+ escalations in the 3 months up to the start
    crisis_share_control: float
    threshold: int | None  # problems at the start that (nearly) every 1g1p1r household had
    threshold_share: float
    threshold_share_control: float
    severity_smd: float  # difference in escalations 3-12 months before the start, standardised

    @property
    def rule(self) -> str:
        """The selection rule to simulate in a design check: crisis, problems, severity or random."""
        if self.crisis:
            return "crisis"
        if self.threshold is not None:
            return "problems"
        return "severity" if abs(self.severity_smd) > 0.25 else "random"


def infer_selection(frame: pd.DataFrame) -> Selection:
    """Read the selection from one outcome's table: a crisis just before the start, a problem threshold, or a
    lasting difference in severity."""
    t, c = frame[frame["group"] == "1g1p1r"], frame[frame["group"] == "control"]
    crisis_t = 100 * float((t["escalations_0_3m"] >= 2).mean())
    crisis_c = 100 * float((c["escalations_0_3m"] >= 2).mean())
    threshold = int(np.floor(np.quantile(t["problems_baseline"], 0.05)))
    share_t = 100 * float((t["problems_baseline"] >= threshold).mean())
    share_c = 100 * float((c["problems_baseline"] >= threshold).mean())
    selective = threshold >= 3 and share_c <= share_t / 2
    return Selection(crisis=crisis_t >= 50 and crisis_t >= 3 * crisis_c, crisis_share=crisis_t,
                     crisis_share_control=crisis_c, threshold=threshold if selective else None,
                     threshold_share=share_t, threshold_share_control=share_c,
                     severity_smd=_smd(t["escalations_3_12m"], c["escalations_3_12m"], np.ones(len(c))))


def anchor_controls(dossier: Dossier, threshold: int = 2) -> Dossier:
    """The 1g1p1r households that met the crisis rule (``threshold`` escalations within three months up to their
    start), and control households re-dated to their own first such crisis within the 1g1p1r group's start dates
    (controls without one are left out): controls whose start arose the way the treated ones' did. A control's
    start is its crisis plus the 1g1p1r group's median delay from the crisis to the intake, so that escalations
    right after a crisis count on the same side of the start in both groups."""
    h, events = dossier.households, dossier.events
    esc = events[events["event"].isin(ESCALATIONS)].sort_values(["household_id", "date"], ignore_index=True)
    prior = esc.groupby("household_id")["date"].shift(threshold - 1)
    crisis = esc[(esc["date"] - prior).dt.days < CRISIS_DAYS][["household_id", "date"]]
    treated = h[h["group"] == "1g1p1r"]
    frame = history(treated, events, observed_from(dossier))
    treated = treated[frame["escalations_0_3m"].to_numpy() >= threshold]
    last = esc.merge(treated[["household_id", "start_date"]], on="household_id")
    last = last[last["date"] <= last["start_date"]].groupby("household_id").agg(date=("date", "max"),
                                                                                 start=("start_date", "first"))
    delay = pd.Timedelta(days=float((last["start"] - last["date"]).dt.days.median()) if len(last) else 0.0)
    crisis = crisis.assign(date=crisis["date"] + delay).merge(
        h[h["group"] == "control"][["household_id", "end_date"]], on="household_id")
    crisis = crisis[(crisis["date"] >= treated["start_date"].min()) & (crisis["date"] <= treated["start_date"].max())
                    & (crisis["date"] < crisis["end_date"])]
    first = crisis.groupby("household_id")["date"].min()
    controls = h[h["household_id"].isin(first.index)].copy()
    controls["start_date"] = controls["household_id"].map(first)
    # the delay can carry a crisis's first escalation out of the three months: such controls do not meet the rule
    controls = controls[history(controls, events, observed_from(dossier))["escalations_0_3m"].to_numpy() >= threshold]
    return Dossier(pd.concat([treated, controls], ignore_index=True), events, dossier.notes)


# -- estimates ---------------------------------------------------------------------------------------------------
@dataclass
class Estimate:
    """One comparison of one outcome: the estimate, its interval, its diagnostics, whether it passes them and
    the warnings (plain language) when it does not."""

    outcome: str
    estimator: str
    estimate: float
    ci_low: float
    ci_high: float
    treated: int
    controls: int
    diagnostics: dict[str, Any]
    trusted: bool
    warnings: list[str] = field(default_factory=list)
    recommended: bool = False
    counts_hidden: bool = False  # it leaves out 1-4 households of a group: its counts would reveal how many

    def shown_counts(self) -> dict[str, int | str]:
        """The households it compares, as an output may show them."""
        if self.counts_hidden:
            return {"households_1g1p1r": HIDDEN, "households_control": HIDDEN}
        return {"households_1g1p1r": shown(self.treated), "households_control": shown(self.controls)}

    def shown_diagnostics(self) -> dict[str, Any]:
        """The diagnostics as an output may show them: no share outside the overlap that gives a small count."""
        return {k: (np.nan if k == "outside_overlap" and self.counts_hidden else v)
                for k, v in self.diagnostics.items()}

    def record(self, lang: str) -> dict[str, Any]:
        return {"outcome": self.outcome, "estimator": self.estimator, "label": label(self.estimator, lang),
                "estimate": self.estimate, "ci_low": self.ci_low, "ci_high": self.ci_high, **self.shown_counts(),
                **{k: v for k, v in self.shown_diagnostics().items() if not isinstance(v, dict)},
                "trusted": self.trusted, "recommended": self.recommended, "warnings": " | ".join(self.warnings)}


def _smd(treated: pd.Series, control: pd.Series, weights: np.ndarray) -> float:
    """Standardised difference of means: treated against weighted controls, over the unweighted pooled sd."""
    t, c = treated.to_numpy(dtype=float), control.to_numpy(dtype=float)
    ok = ~np.isnan(c) & (weights > 0)
    if t.size == 0 or not ok.any():
        return float("nan")
    sd = np.sqrt((np.nanvar(t) + np.nanvar(c)) / 2)
    diff = np.nanmean(t) - np.average(c[ok], weights=weights[ok])
    return float(diff / sd) if sd > 0 else 0.0


def _interval(dt: np.ndarray, wt: np.ndarray, dc: np.ndarray | None, wc: np.ndarray | None,
              rng: np.random.Generator, resamples: int, level: float) -> tuple[float, float, float]:
    """Weighted mean change of the treated minus the controls' (none for the naive), and its BCa interval from
    households resampled within each group (weights held fixed)."""
    from scipy.stats import bootstrap

    def stat_t(it: np.ndarray) -> np.ndarray:
        return (wt[it] * dt[it]).sum(axis=-1) / np.maximum(wt[it].sum(axis=-1), 1e-12)

    def statistic(*idx: np.ndarray, axis: int = -1) -> np.ndarray:
        if dc is None or wc is None:
            return stat_t(idx[0])
        return stat_t(idx[0]) - (wc[idx[1]] * dc[idx[1]]).sum(axis=-1) / np.maximum(wc[idx[1]].sum(axis=-1), 1e-12)

    data = (np.flatnonzero(wt > 0),) if dc is None or wc is None else (np.flatnonzero(wt > 0), np.flatnonzero(wc > 0))
    point = float(statistic(*(d[None, :] for d in data))[0])
    for method in ("BCa", "percentile"):  # BCa is undefined when every resample agrees (a degenerate placebo)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ci = bootstrap(data, statistic, n_resamples=resamples, confidence_level=level, method=method,
                           vectorized=True, batch=200, rng=rng).confidence_interval
        if np.isfinite(ci.low) and np.isfinite(ci.high):
            return point, float(ci.low), float(ci.high)
    return point, float("nan"), float("nan")


def _weighted(frame: pd.DataFrame, name: str, weights: np.ndarray, rng: np.random.Generator, resamples: int,
              level: float, history_columns: tuple[str, ...] | None = None) -> Estimate:
    """A comparison given by fixed weights per household (treated and controls), with its diagnostics."""
    is_t = (frame["group"] == "1g1p1r").to_numpy()
    t, c = frame[is_t], frame[~is_t]
    wt, wc = weights[is_t], weights[~is_t]
    naive = name == "naive_before_after"
    if (wt > 0).sum() < MIN_COUNT or (not naive and (wc > 0).sum() < MIN_COUNT):
        # no overlap left to compare: the estimate is missing and the overlap check says why
        return Estimate(str(frame.attrs.get("outcome")), name, np.nan, np.nan, np.nan, int((wt > 0).sum()),
                        int((wc > 0).sum()), {"outside_overlap": float((wt == 0).mean())}, trusted=False)

    def change(part: pd.DataFrame, before: str, after: str) -> np.ndarray:
        return (part[after] - part[before]).to_numpy(dtype=float)

    est, low, high = _interval(change(t, "before", "after"), wt, None if naive else change(c, "before", "after"),
                               None if naive else wc, rng, resamples, level)
    diagnostics: dict[str, Any] = {}
    if not naive:
        history_columns = covariates(frame) if history_columns is None else history_columns
        smds = {col: _smd(t.loc[wt > 0, col], c[col], wc) for col in history_columns}
        worst = max(smds, key=lambda k: abs(smds[k]) if np.isfinite(smds[k]) else -1)
        diagnostics |= {"max_abs_smd": abs(smds[worst]), "worst_covariate": worst,
                        "smd": {k: round(v, 3) for k, v in smds.items()}}
    diagnostics["outside_overlap"] = float((wt == 0).mean()) if len(wt) else 0.0
    pre_t = t["placebo_before"].notna().to_numpy() & (wt > 0)
    pre_c = c["placebo_before"].notna().to_numpy() & (wc > 0)
    if pre_t.sum() >= MIN_COUNT and (naive or pre_c.sum() >= MIN_COUNT):
        placebo = _interval(change(t[pre_t], "placebo_before", "placebo_after"), wt[pre_t],
                            None if naive else change(c[pre_c], "placebo_before", "placebo_after"),
                            None if naive else wc[pre_c], rng, resamples, level)
        diagnostics |= dict(zip(("placebo", "placebo_low", "placebo_high"), placebo, strict=True))
    return Estimate(str(frame.attrs.get("outcome")), name, est, low, high, int((wt > 0).sum()),
                    int((wc > 0).sum()), diagnostics, trusted=False)


def _matched_weights(frame: pd.DataFrame) -> np.ndarray:
    """Controls weighted to the 1g1p1r group's spread over baseline problems; treated in a stratum without controls
    get weight 0 (outside the overlap)."""
    is_t = (frame["group"] == "1g1p1r").to_numpy()
    counts = pd.crosstab(frame["stratum"], frame["group"]).reindex(columns=["1g1p1r", "control"], fill_value=0)
    nt = frame["stratum"].map(counts["1g1p1r"]).to_numpy(dtype=float)
    nc = frame["stratum"].map(counts["control"]).to_numpy(dtype=float)
    return np.where(nc * nt > 0, np.where(is_t, 1.0, nt / np.maximum(nc, 1)), 0.0)


def _propensity_weights(frame: pd.DataFrame) -> np.ndarray:
    is_t = (frame["group"] == "1g1p1r").to_numpy()
    score = designs.propensity(frame[list(covariates(frame))], is_t)
    return designs.att_weights(score, is_t)


# -- checks, warnings, recommendation ----------------------------------------------------------------------------
def _judge(est: Estimate, selection: Selection, lang: str) -> None:
    """Set ``trusted`` and the warnings of one comparison from its diagnostics and the selection."""
    d, problems = est.diagnostics, []
    if selection.threshold is not None:
        problems.append(warning("threshold_short", lang, k=selection.threshold))
    if est.estimator == "naive_before_after":
        problems.append(warning("naive", lang))  # its placebo is shown, but nothing to compare it with
    elif not np.isfinite(est.estimate):
        pass  # no overlap: the overlap check below says why
    elif est.estimator == "event_study":
        if not np.isfinite(d.get("leads_p", np.nan)):
            problems.append(warning("untestable", lang))
        elif d["leads_p"] < 0.05:
            problems.append(warning("leads", lang, p=L.number(d["leads_p"], lang, 3)))
    elif "placebo" not in d:
        problems.append(warning("untestable", lang))
    elif not d["placebo_low"] <= 0 <= d["placebo_high"]:
        problems.append(warning("pre_trend", lang, **{k: L.signed(d[key], lang) for k, key in (
            ("value", "placebo"), ("low", "placebo_low"), ("high", "placebo_high"))}))
    if est.estimator in ("did_matched", "did_weighted", "did_crisis_controls") and d.get("max_abs_smd", 0) > MAX_SMD:
        problems.append(warning("balance", lang, smd=L.number(d["max_abs_smd"], lang, 2),
                                covariate=covariate_label(d["worst_covariate"], lang), limit=L.number(MAX_SMD, lang)))
    if d.get("outside_overlap", 0) > MAX_OUTSIDE:
        # beside hidden counts an exact share would tell how many households the comparison has
        share = (f"> {L.percent(MAX_OUTSIDE, lang, 0)}" if est.counts_hidden
                 else L.percent(d["outside_overlap"], lang, 0))
        problems.append(warning("overlap", lang, share=share))
    est.trusted = not problems
    est.warnings = problems


def _pre_trend_size(est: Estimate) -> float:
    """How far a comparison's groups drifted apart before the start, in escalations per year: the absolute placebo,
    or for the event study the mean absolute lead (infinite where untestable). Under a stable selection it
    estimates the comparison's bias; a noisy comparison is not rewarded for a wide interval."""
    d = est.diagnostics
    if d.get("leads"):
        return float(np.mean(np.abs(list(d["leads"].values()))))
    return abs(d["placebo"]) if "placebo" in d else float("inf")


def recommend(estimates: list[Estimate], lang: str) -> tuple[Estimate, str]:
    """The first trusted comparison in :data:`PREFERENCE`; if none passes, the one whose groups drifted apart
    least before the start among those that keep the overlap (an estimate for a small remnant of the group says
    little), with a warning that no comparison can be trusted."""
    by_name = {e.estimator: e for e in estimates}
    for name in PREFERENCE:
        if name in by_name and by_name[name].trusted:
            by_name[name].recommended = True
            return by_name[name], warning("reason_trusted", lang, label=label(name, lang))
    candidates = [e for e in estimates if e.estimator != "naive_before_after" and np.isfinite(e.estimate)]
    best = max(candidates or estimates,
               key=lambda e: (e.diagnostics.get("outside_overlap", 0) <= MAX_OUTSIDE, -_pre_trend_size(e)))
    best.recommended = True
    return best, warning("reason_none", lang, label=label(best.estimator, lang))


def selection_warnings(selection: Selection, lang: str) -> list[str]:
    out = []
    def pct(share: float) -> str:  # the selection's shares are in percent
        return L.percent(share / 100, lang, 0)

    if selection.crisis:
        out.append(warning("crisis", lang, share=pct(selection.crisis_share),
                           control=pct(selection.crisis_share_control)))
    if selection.threshold is not None:
        out.append(warning("threshold", lang, k=selection.threshold, share=pct(selection.threshold_share),
                           control=pct(selection.threshold_share_control)))
        out.append(warning("threshold_design", lang, k=selection.threshold))
    if abs(selection.severity_smd) > 0.25 and not selection.crisis:
        out.append(warning("severity", lang, smd=L.signed(selection.severity_smd, lang)))
    return out


# -- the whole measurement ---------------------------------------------------------------------------------------
@dataclass
class OutcomeEffect:
    """Every comparison of one outcome, the recommended one and why."""

    outcome: str
    estimates: list[Estimate]
    recommended: str
    reason: str
    households: dict[str, int | str] = field(default_factory=dict)  # per group, as shown ('x' when hidden)


@dataclass
class Effect:
    """Per outcome the comparisons (``outcomes``; flat in ``table``), the selection read from the data and its
    warnings, the matching strata (``strata``, small counts suppressed), and notes."""

    table: pd.DataFrame
    strata: pd.DataFrame
    notes: list[str]
    outcomes: list[OutcomeEffect] = field(default_factory=list)
    selection: Selection | None = None
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Per outcome and comparison: estimate, interval, diagnostics, warnings; and which is recommended (a
        missing number is null)."""
        return json_safe({
            "selection": None if self.selection is None else {**vars(self.selection), "rule": self.selection.rule},
            "warnings": self.warnings,
            "outcomes": {o.outcome: {
                "recommended": o.recommended, "reason": o.reason,
                **{f"households_{group}": count for group, count in o.households.items()},
                "estimators": {e.estimator: {"estimate": e.estimate, "interval": [e.ci_low, e.ci_high],
                                             **e.shown_counts(), "diagnostics": e.shown_diagnostics(),
                                             "trusted": e.trusted,
                                             "warnings": e.warnings} for e in o.estimates}}
                for o in self.outcomes},
            "notes": self.notes,
        })


def json_safe(value: Any) -> Any:
    """``value`` with NaN replaced by None throughout: JSON has no NaN."""
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    return value


def _households(frame: pd.DataFrame, group: str, values: list[int] | None = None) -> set[str]:
    """The households of ``group`` in ``frame`` (with baseline problems in ``values``, if given)."""
    mine = frame["group"] == group
    if values is not None:
        mine &= frame["problems_baseline"].isin(values)
    return set(frame.loc[mine, "household_id"])


def outcomes_with_hidden_counts(frames: dict[str, pd.DataFrame]) -> set[str]:
    """The outcomes whose household counts an output must hide: those whose households differ from the first
    outcome's by 1-4 in a group (such as the few without an end measurement), which their counts side by side
    would give away. Their estimates stay: no other output holds a value of those few households."""
    first, *others = frames
    return {o for o in others for group in GROUPS
            if differs_little(_households(frames[first], group), _households(frames[o], group))}


def pooled_strata(frames: dict[str, pd.DataFrame], hidden: set[str]) -> list[list[int]]:
    """Baseline-problem counts pooled into strata, adjacent counts from the lowest up, until each stratum holds at
    least :data:`MIN_COUNT` control households and none or at least :data:`MIN_COUNT` of the 1g1p1r group for every
    outcome, and the households of two outcomes whose counts are shown differ in it by none or by :data:`MIN_COUNT`
    or more. Then no stratum's count or mean needs hiding, and the matched comparison, whose strata these are,
    leaves no 1g1p1r household out: it is computed on the same households of that group as the naive and unmatched
    ones, so no difference between their estimates isolates a few households (controls in a stratum without the
    1g1p1r group, 5 or more, are shown in the table anyway). The whole range is always such a stratum (a group of
    fewer than 5 has no estimate at all)."""
    values = sorted({int(v) for frame in frames.values() for v in frame["problems_baseline"]})
    shown_frames = [f for o, f in frames.items() if o not in hidden]

    def holds(band: list[int]) -> bool:
        for group in GROUPS:
            # controls in a stratum without 1g1p1r households stay apart (matching gives them no weight anyway)
            low = 1 if group == "1g1p1r" else 0
            if any(low <= len(_households(f, group, band)) < MIN_COUNT for f in frames.values()):
                return False
            if any(differs_little(_households(a, group, band), _households(b, group, band))
                   for a, b in combinations(shown_frames, 2)):
                return False
        return True

    bands: list[list[int]] = []
    current: list[int] = []
    for value in values:
        current.append(value)
        if holds(current):
            bands.append(current)
            current = []
    if current:
        bands.append(current)
    while len(bands) > 1 and not holds(bands[-1]):  # a short last stratum joins the one before
        last = bands.pop()
        bands[-1] += last
    return bands


def band_name(band: list[int]) -> str:
    return str(band[0]) if len(band) == 1 else f"{band[0]}-{band[-1]}"


def strata_table(frames: dict[str, pd.DataFrame], bands: list[list[int]], hidden: set[str]) -> pd.DataFrame:
    """Households and mean change per outcome, stratum of baseline problems (:func:`pooled_strata`) and group.
    Every stratum holds none or at least 5 households of each group, so every mean there is shown; the counts of an
    outcome in ``hidden`` (:func:`outcomes_with_hidden_counts`) are shown as "x"."""
    rows = []
    for outcome, frame in frames.items():
        for band in bands:
            part = frame[frame["problems_baseline"].isin(band)]
            row: dict[str, object] = {"outcome": outcome, "problems_baseline": band_name(band)}
            for group in GROUPS:
                g = part[part["group"] == group]
                row[f"households_{group}"] = HIDDEN if outcome in hidden else shown(len(g))
                change = (g["after"] - g["before"]).mean() if len(g) >= MIN_COUNT else np.nan
                row[f"mean_change_{group}"] = round(float(change), 4)
            rows.append(row)
    return pd.DataFrame(rows)


def _hide_counts_near_others(estimates: list[Estimate], totals: list[dict[str, int | str]]) -> None:
    """Hide the counts of every comparison whose count of a group lies 1-4 from another count of that group shown in
    the same output (another outcome's comparison that trims other households from the overlap, or an outcome's
    total): side by side, the two would isolate those few households. Repeated until no shown pair is that close."""
    changed = True
    while changed:
        changed = False
        for group, attribute in (("1g1p1r", "treated"), ("control", "controls")):
            others = ([t[group] for t in totals if isinstance(t[group], int)]
                      + [getattr(e, attribute) for e in estimates if not e.counts_hidden])
            for e in estimates:
                mine = getattr(e, attribute)
                if not e.counts_hidden and any(few_apart(mine, other) for other in others):
                    e.counts_hidden = changed = True


def _anchored(dossier: Dossier) -> tuple[Dossier, pd.DataFrame] | None:
    """The crisis design's dossier (:func:`anchor_controls`) and its escalations table; None with too few in a
    group."""
    anchored = anchor_controls(dossier)
    groups = anchored.households["group"].value_counts()
    if min(groups.get("1g1p1r", 0), groups.get("control", 0)) < MIN_COUNT:
        return None
    frame = _frame(anchored.households, anchored.events, observed_from(dossier))
    frame = frame.assign(before=frame["escalations_before"], after=frame["escalations_after"],
                         placebo_before=frame["escalations_year_2"], placebo_after=frame["escalations_before"])
    frame = frame.dropna(subset=["before", "after"]).reset_index(drop=True)
    frame.attrs["outcome"] = "escalations_per_year"
    return anchored, frame


def _event_study_estimate(dossier: Dossier, frame: pd.DataFrame, level: float) -> Estimate | None:
    h = dossier.households.drop_duplicates("household_id").set_index("household_id").loc[frame["household_id"]]
    quarters = designs.quarterly(h.reset_index(), dossier.events[dossier.events["event"].isin(ESCALATIONS)],
                                 observed_from(dossier))
    is_t = (frame["group"] == "1g1p1r").to_numpy()
    study = designs.event_study(quarters, is_t, level)
    if study is None:
        return None
    diagnostics = {"leads_p": study.leads_p, "spike": study.spike, "leads": study.leads}
    return Estimate("escalations_per_year", "event_study", study.estimate, study.ci_low, study.ci_high,
                    int(is_t.sum()), int((~is_t).sum()), diagnostics, trusted=False)


def _enough(frames: dict[str, pd.DataFrame], lang: str) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The outcomes with at least :data:`MIN_COUNT` households in each group, and a note for each without."""
    kept, notes = {}, []
    for outcome, frame in frames.items():
        if min(len(_households(frame, group)) for group in GROUPS) < MIN_COUNT:
            notes.append(L.label("effect", "too_few", lang).format(outcome=outcome_label(outcome, lang), n=MIN_COUNT))
        else:
            frame.attrs["outcome"] = outcome
            kept[outcome] = frame
    return kept, notes


def measure_effect(dossier: Dossier, *, bootstrap: int = 1000, seed: int = 1, level: float = 0.95,
                   lang: str = "nl") -> Effect:
    """Every comparison per outcome with intervals and diagnostics, the recommended one, and warnings."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 5]))
    frames, notes = _enough(panel(dossier), lang)
    if not frames:
        return Effect(pd.DataFrame(), pd.DataFrame(), notes)
    hidden = outcomes_with_hidden_counts(frames)
    bands = pooled_strata(frames, hidden)
    stratum = {value: i for i, band in enumerate(bands) for value in band}
    for frame in frames.values():
        frame["stratum"] = frame["problems_baseline"].astype(int).map(stratum)
    selection = infer_selection(next(iter(frames.values())))
    design_warnings = selection_warnings(selection, lang)
    per_outcome: dict[str, list[Estimate]] = {}
    counts: dict[str, dict[str, int | str]] = {}
    for outcome, frame in frames.items():
        is_t = (frame["group"] == "1g1p1r").to_numpy()
        makers: dict[str, Callable[[], Estimate | None]] = {
            "naive_before_after": lambda f=frame, t=is_t: _weighted(f, "naive_before_after", t.astype(float), rng,
                                                                     bootstrap, level),
            "did_unmatched": lambda f=frame: _weighted(f, "did_unmatched", np.ones(len(f)), rng, bootstrap, level),
            "did_matched": lambda f=frame: _weighted(f, "did_matched", _matched_weights(f), rng, bootstrap, level),
            "did_weighted": lambda f=frame: _weighted(f, "did_weighted", _propensity_weights(f), rng, bootstrap,
                                                      level),
        }
        if outcome == "escalations_per_year":
            # after a crisis, the event study too compares with controls at a crisis of their own
            anchored = _anchored(dossier) if selection.crisis else None
            if anchored is not None:
                # baseline problems are counted at the intake, not at a control's crisis: balance on escalations
                makers["did_crisis_controls"] = lambda a=anchored: _weighted(
                    a[1], "did_crisis_controls", np.ones(len(a[1])), rng, bootstrap, level,
                    covariates(a[1], HISTORY[:2]))
            makers["event_study"] = lambda f=frame, a=anchored: (_event_study_estimate(dossier, f, level)
                                                                 if a is None else _event_study_estimate(*a, level))
        estimates = [e for e in (make() for make in makers.values()) if e is not None]
        for e in estimates:  # one that leaves out 1-4 households of a group, next to one with all, tells how many
            e.counts_hidden = (outcome in hidden or few_apart(int(is_t.sum()), e.treated)
                               or few_apart(int((~is_t).sum()), e.controls))
        per_outcome[outcome] = estimates
        counts[outcome] = {group: HIDDEN if outcome in hidden else shown(len(_households(frame, group)))
                           for group in GROUPS}
    _hide_counts_near_others([e for es in per_outcome.values() for e in es], list(counts.values()))
    rows, outcomes = [], []
    for outcome, estimates in per_outcome.items():
        for e in estimates:
            _judge(e, selection, lang)
        best, reason = recommend(estimates, lang)
        outcomes.append(OutcomeEffect(outcome, estimates, best.estimator, reason, counts[outcome]))
        rows += [e.record(lang) for e in estimates]
        if outcome in hidden:
            notes.append(L.label("effect", "counts_hidden", lang).format(outcome=outcome_label(outcome, lang),
                                                                         n="<5"))
    if any(len(band) > 1 for band in bands):
        notes.append(L.label("effect", "pooled", lang).format(n=MIN_COUNT,
                                                              bands=", ".join(band_name(b) for b in bands)))
    return Effect(pd.DataFrame(rows), strata_table(frames, bands, hidden), notes, outcomes, selection,
                  design_warnings)


def true_effect(dossier: Dossier, old_events: pd.DataFrame) -> dict[str, float]:
    """The 1g1p1r group's escalations per year after its start, minus the same households' under the old method
    (synthetic data only: real data has no counterfactual)."""
    h = dossier.households[dossier.households["group"] == "1g1p1r"]
    new = escalation_rates(h, dossier.events)["after"]
    old = escalation_rates(h, old_events)["after"]
    return {"escalations_per_year": float((new - old).mean()), "households_1g1p1r": len(h)}
