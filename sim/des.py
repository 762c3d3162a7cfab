"""A discrete-event view of the care organisations' intake and waiting lists, in salabim.

The main model (``sim/model.py``) moves all households a week at a time with numpy. Here each referral is a
salabim process of its own, in continuous time: it arrives (Poisson), waits first-in-first-out for one of the
organisation's case slots, goes through intake and trajectory, and leaves. That is the textbook queue behind
the main model's waiting lists, so it serves two purposes:

* :func:`check_waiting_times` checks the main model's waiting times: the same arrivals per year, slots and
  durations, simulated the discrete-event way, should give about the same mean wait;
* :func:`animate` renders one organisation's flow as a GIF (and PNG) without a display, for workshops.

Randomness: ``import salabim`` reseeds Python's and numpy's global generators, and ``Environment`` would do so
again unless told not to (``random_seed=""``). Every draw here comes from a ``random.Random`` made per
replication and organisation from a numpy ``SeedSequence``, so results depend only on the seed, in any process,
and the main model (which never touches global generators either) is unaffected.

Time is in weeks. salabim handles a few ten thousand events a second, so this stays off the main model's path.
"""

from __future__ import annotations

import math
import random
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import salabim as sb
from tqdm import tqdm

from scenarios.errors import UserError
from scenarios.scenario import Scenario
from sim.run import Results, run_scenario

WEEKS_PER_YEAR = 52
DEFAULT_REPLICATIONS = 20
# Spawn key of the DES's random streams, so they never coincide with another part's streams from the same seed.
_STREAM_KEY = 0xDE5

# The time grid of the main model (admissions and releases once a week) against continuous time here: a case
# waits up to a week longer or shorter there. So a difference up to one week is no disagreement; beyond that,
# 10% of the main model's mean wait covers the averaged coordination overhead (slots are rounded, the real load
# per case varies) in long, overloaded queues where every missing slot adds up over the years.
TOLERANCE_WEEKS = 1.0
TOLERANCE_SHARE = 0.10


@dataclass(frozen=True)
class OrgQueue:
    """One organisation as a queue: its slots, durations and referral rate per simulated year."""

    key: str
    label: str
    slots: int
    intake_weeks: float
    trajectory_weeks: float
    weekly_rates: tuple[float, ...]  # referrals per week in year 1, 2, ...; the last one holds after that

    def rate_in_year(self, year: int) -> float:
        return self.weekly_rates[min(year, len(self.weekly_rates) - 1)]


# -- parameters from a scenario and a main-model run ---------------------------------------------------------------
def organisation_queues(
    scenario: Scenario,
    results: Results | None = None,
    *,
    method: str = "verkokerd",
    rates: Mapping[str, float] | None = None,
) -> list[OrgQueue]:
    """The organisations of ``scenario`` as queues.

    Referral rates come from ``rates`` (referrals per week, per organisation key) where given, otherwise from
    the main-model ``results`` (``referrals.<org>`` per year, mean over replications); without ``results``,
    only the organisations in ``rates`` are returned. With ``results`` the slots are the capacity divided by
    the coordination overhead measured there; without, the full capacity.
    """
    keys = list(scenario.organisations)
    rates = dict(rates or {})
    check_organisations(scenario, rates)
    if any(rate < 0 for rate in rates.values()):
        raise UserError(f"referral rates must not be negative, got {rates}")
    yearly = _method_rows(results, method) if results is not None else None
    overhead = coordination_overhead(scenario, yearly) if yearly is not None else dict.fromkeys(keys, 1.0)
    weekly = referral_rates(yearly, keys) if yearly is not None else {}
    weekly.update({key: (float(rate),) for key, rate in rates.items()})
    return [OrgQueue(key, org.label, _slots(org.capacity, overhead[key]), org.intake_weeks, org.trajectory_weeks,
                     weekly[key])
            for key, org in scenario.organisations.items() if key in weekly]


def check_organisations(scenario: Scenario, names: Sequence[str] | Mapping[str, object]) -> None:
    """A clear error for organisation names the scenario does not have."""
    unknown = [name for name in names if name not in scenario.organisations]
    if unknown:
        raise UserError(f"unknown organisation {', '.join(map(repr, unknown))}; "
                        f"allowed: {', '.join(scenario.organisations)}")


def referral_rates(yearly: pd.DataFrame, keys: Sequence[str]) -> dict[str, tuple[float, ...]]:
    """Referrals per week per simulated year, mean over replications (rows of one method)."""
    per_year = yearly.groupby(["measure", "year"])["value"].mean()
    return {key: tuple(per_year.loc[f"referrals.{key}"].sort_index() / WEEKS_PER_YEAR) for key in keys}


def coordination_overhead(scenario: Scenario, yearly: pd.DataFrame) -> dict[str, float]:
    """Mean case load per open case, ``1 + coordination_load * (other organisations open)``, per organisation.

    The main model reports coordination hours (``coordination_hours_per_week`` per other organisation per open
    case-week) but not its open case-weeks; those follow from the admissions per year and the fixed time a case
    holds its slot (intake plus trajectory), cut off at the horizon.
    """
    common = scenario.organisation_common
    if common.coordination_hours_per_week <= 0 or common.coordination_load <= 0:
        return dict.fromkeys(scenario.organisations, 1.0)  # no overhead, or none that can be measured
    per_year = yearly.groupby(["measure", "year"])["value"].sum()
    horizon = int(yearly["year"].max()) * WEEKS_PER_YEAR
    factors = {}
    for key, org in scenario.organisations.items():
        admissions = per_year.loc[f"org_admissions.{key}"].sort_index()
        case_weeks = sum(count * _mean_weeks_held(int(year), org.intake_weeks + org.trajectory_weeks, horizon)
                         for year, count in admissions.items())
        others = per_year.loc[f"coordination_hours.{key}"].sum() / common.coordination_hours_per_week
        factors[key] = float(1.0 + common.coordination_load * others / case_weeks) if case_weeks > 0 else 1.0
    return factors


def _mean_weeks_held(year: int, service_weeks: int, horizon: int) -> float:
    """Weeks within the horizon that a case admitted during ``year`` (any week alike) holds its slot."""
    admitted = np.arange((year - 1) * WEEKS_PER_YEAR, year * WEEKS_PER_YEAR)
    return float(np.minimum(service_weeks, horizon - admitted).mean())


def _slots(capacity: int, overhead: float) -> int:
    """Concurrent cases: the capacity in load units over the mean load per case; at least one if any capacity."""
    return max(round(capacity / overhead), 1) if capacity > 0 else 0


def _method_rows(results: Results, method: str) -> pd.DataFrame:
    rows = results.yearly[results.yearly["method"] == method]
    if rows.empty:
        raise UserError(f"the main-model run has no method {method!r}; it has: "
                        f"{', '.join(results.yearly['method'].unique())}")
    return rows


# -- the salabim model ----------------------------------------------------------------------------------------------
class _Organisation:
    """An organisation in one salabim environment: its case slots and a tally of the waits of admitted cases."""

    def __init__(self, env: sb.Environment, params: OrgQueue) -> None:
        self.params = params
        self.slots = sb.Resource(f"slots.{params.key}", capacity=params.slots, env=env)
        self.waits = sb.Monitor(f"waits.{params.key}", env=env)
        # Finished cases, to be reused: creating a salabim component inspects its method signatures, which took
        # two thirds of the run time when every referral was a new one.
        self.finished: list[_Case] = []
        self.in_intake = 0  # cases in intake now, for the animation's colours

    def refer(self) -> None:
        if self.finished:
            self.finished.pop().activate()
        else:
            _Case(organisation=self, env=self.slots.env)


class _Case(sb.Component):
    """One referral: waits for a slot (FIFO), then intake, then trajectory, then frees the slot."""

    def setup(self, organisation: _Organisation) -> None:
        self.organisation = organisation

    def process(self) -> None:
        org = self.organisation
        arrived = self.env.now()
        self.request(org.slots)
        org.waits.tally(self.env.now() - arrived)
        org.in_intake += 1
        self.hold(org.params.intake_weeks)
        org.in_intake -= 1
        self.hold(org.params.trajectory_weeks)
        self.release()
        org.finished.append(self)  # the process ends right after this, so it is free to be reused


class _Referrals(sb.Component):
    """Poisson referrals with a rate per simulated year.

    At a year's end the next gap is drawn afresh with the new rate; the exponential distribution forgets how
    long it has waited, so this is exactly a Poisson process with a piecewise constant rate.
    """

    def setup(self, organisation: _Organisation, stream: random.Random) -> None:
        self.organisation = organisation
        self.gaps = [sb.Exponential(rate=r, randomstream=stream) if r > 0 else None
                     for r in organisation.params.weekly_rates]

    def process(self) -> None:
        last_year = len(self.gaps) - 1
        while True:
            year = min(int(self.env.now() // WEEKS_PER_YEAR), last_year)
            year_end = (year + 1) * WEEKS_PER_YEAR if year < last_year else math.inf
            gap = self.gaps[year].sample() if self.gaps[year] is not None else math.inf
            if self.env.now() + gap < year_end:
                self.hold(gap)
                self.organisation.refer()
            elif math.isinf(year_end):
                self.passivate()  # no referrals from here on
            else:
                self.hold(till=year_end)


def _environment(**animation: object) -> sb.Environment:
    # random_seed="" leaves the global generators alone; all draws use our own streams.
    return sb.Environment(trace=False, random_seed="", yieldless=True, **animation)


def _stream(seed: int, replication: int, key: str) -> random.Random:
    """A random stream per (seed, replication, organisation), the same in any process and whatever else runs."""
    spawn_key = (_STREAM_KEY, replication, zlib.crc32(key.encode()))
    state = np.random.SeedSequence(seed, spawn_key=spawn_key).generate_state(2, np.uint64)
    return random.Random(int(state[0]) << 64 | int(state[1]))


def _build(env: sb.Environment, queues: Sequence[OrgQueue], seed: int, replication: int) -> list[_Organisation]:
    organisations = []
    for params in queues:
        org = _Organisation(env, params)
        _Referrals(organisation=org, stream=_stream(seed, replication, params.key), env=env)
        organisations.append(org)
    return organisations


def simulate(queues: Sequence[OrgQueue], weeks: float, seed: int, replication: int = 0) -> pd.DataFrame:
    """One replication from empty queues: per organisation admissions, waiting, utilisation and queue length.

    ``wait_weeks`` sums the waits of the cases admitted within ``weeks`` (as the main model's
    ``org_wait_weeks``); ``utilisation`` and ``queue_length`` are time averages.
    """
    env = _environment()
    organisations = _build(env, queues, seed, replication)
    env.run(till=weeks)
    rows = []
    for org in organisations:
        admitted = org.waits.number_of_entries()
        rows.append({
            "organisation": org.params.key,
            "admissions": admitted,
            "wait_weeks": org.waits.mean() * admitted if admitted else 0.0,
            "utilisation": org.slots.occupancy.mean() if org.params.slots else math.nan,
            "queue_length": org.slots.requesters().length.mean(),
        })
    return pd.DataFrame(rows)


def replicate(queues: Sequence[OrgQueue], weeks: float, seed: int, replications: int,
              progress: bool = False) -> pd.DataFrame:
    """:func:`simulate` for replications 0 .. replications-1, with a ``replication`` column."""
    reps = tqdm(range(replications), desc="discrete-event", unit="run", disable=not progress, leave=False)
    frames = [simulate(queues, weeks, seed, rep).assign(replication=rep) for rep in reps]
    return pd.concat(frames, ignore_index=True)


# -- the check of the main model's waiting times ------------------------------------------------------------------
def check_waiting_times(
    scenario: Scenario,
    results: Results,
    method: str = "verkokerd",
    replications: int = DEFAULT_REPLICATIONS,
    seed: int | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Per organisation: the main model's mean wait next to the discrete-event model's, and a verdict.

    The DES gets the main run's referrals per year, horizon, durations and slots (capacity over the measured
    coordination overhead) and starts from empty waiting lists as the main model does. Waits are the mean over
    admitted cases of all years and replications, in weeks; ``des_p5``/``des_p95`` span the replications.
    They agree when the difference is within the tolerance (see :data:`TOLERANCE_WEEKS`) plus twice its
    standard error over replications (both models are finite samples).

    Meant for ``verkokerd``. Under ``1g1p1r`` the main model also puts regisseurs' crisis cases first, cancels
    duplicate offers while they wait and skips intakes the regisseur's own diagnosis makes redundant; the DES
    has none of that, so its waits come out longer there.
    """
    queues = organisation_queues(scenario, results, method=method)
    yearly = _method_rows(results, method)
    weeks = int(yearly["year"].max()) * WEEKS_PER_YEAR
    des = replicate(queues, weeks, scenario.seed if seed is None else seed, replications, progress)
    main = _main_waits(yearly, [q.key for q in queues])
    years = weeks // WEEKS_PER_YEAR
    rows = [_compare(q, main.loc[q.key], des[des["organisation"] == q.key], years) for q in queues]
    return pd.DataFrame(rows)


def _main_waits(yearly: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Per organisation and replication of the main model: admissions and weeks waited, summed over years."""
    per_rep = yearly.groupby(["measure", "replication"])["value"].sum()
    frames = {key: pd.DataFrame({"admissions": per_rep.loc[f"org_admissions.{key}"],
                                 "wait_weeks": per_rep.loc[f"org_wait_weeks.{key}"]}) for key in keys}
    return pd.concat(frames, names=["organisation"])


def _mean_wait(frame: pd.DataFrame) -> tuple[float, float]:
    """Pooled mean wait (all admitted cases of all replications) and the standard error over replications."""
    total = frame["admissions"].sum()
    mean = frame["wait_weeks"].sum() / total if total else math.nan
    per_rep = frame["wait_weeks"] / frame["admissions"].where(frame["admissions"] > 0)
    se = per_rep.std(ddof=1) / math.sqrt(per_rep.count()) if per_rep.count() > 1 else 0.0
    return mean, se


def _compare(queue: OrgQueue, main: pd.DataFrame, des: pd.DataFrame, years: int) -> dict[str, object]:
    main_wait, main_se = _mean_wait(main)
    des_wait, des_se = _mean_wait(des)
    per_rep = des["wait_weeks"] / des["admissions"].where(des["admissions"] > 0)
    difference = des_wait - main_wait
    tolerance = max(TOLERANCE_WEEKS, TOLERANCE_SHARE * main_wait)
    noise = 2.0 * math.hypot(main_se, des_se)
    return {
        "organisation": queue.key,
        "label": queue.label,
        "slots": queue.slots,
        "referrals_per_week": float(np.mean([queue.rate_in_year(year) for year in range(years)])),
        "main_wait": main_wait,
        "des_wait": des_wait,
        "des_p5": per_rep.quantile(0.05),
        "des_p95": per_rep.quantile(0.95),
        "difference": difference,
        "tolerance": tolerance + noise,
        "des_utilisation": des["utilisation"].mean(),
        "des_queue_length": des["queue_length"].mean(),
        "verdict": _verdict(difference, tolerance + noise),
    }


def _verdict(difference: float, tolerance: float) -> str:
    if math.isnan(difference):
        return "no admissions to compare"
    if abs(difference) <= tolerance:
        return f"agree (within {tolerance:.1f} weeks)"
    side = "longer" if difference > 0 else "shorter"
    return f"disagree: DES waits {abs(difference):.1f} weeks {side} (tolerance {tolerance:.1f})"


# -- the workshop animation ---------------------------------------------------------------------------------------
_WIDTH, _HEIGHT = 960, 540
_CELL, _COLUMNS = 13, 30  # one square per slot or waiting case
_MAX_WAITING_SHOWN = 10 * _COLUMNS
_COLOURS = {"intake": "orange", "trajectory": "seagreen", "free": "gainsboro", "waiting": "firebrick"}


def animate(
    scenario: Scenario,
    path: str | Path,
    organisation: str = "mental_health",
    weeks: int = 104,
    *,
    results: Results | None = None,
    rate: float | None = None,
    method: str = "verkokerd",
    seed: int | None = None,
) -> tuple[Path, Path]:
    """Render one organisation's waiting list and slots week by week as a GIF, plus a PNG of the last frame.

    Referral rates per year come from ``results`` (a main-model run), or ``rate`` (referrals per week), or else
    from one main-model replication run here. Needs no display (salabim's blind animation, Pillow writes the
    files). One frame per week, ten frames a second. Returns the GIF's and the PNG's paths.
    """
    check_organisations(scenario, [organisation])
    if results is None and rate is None:
        years = max(1, math.ceil(weeks / WEEKS_PER_YEAR))
        results = run_scenario(scenario, replications=1, years=years, methods=[method])
    rates = {organisation: rate} if rate is not None else None
    (queue,) = [q for q in organisation_queues(scenario, results, method=method, rates=rates) if q.key == organisation]
    seed = scenario.seed if seed is None else seed
    # The same seed gives the same run, so a quick run without pictures tells how high the queue will get.
    longest = _longest_queue(queue, weeks, seed)
    gif = Path(path)
    gif.parent.mkdir(parents=True, exist_ok=True)
    env = _environment(blind_animation=True)
    # x1=_WIDTH makes one unit one pixel; speed 10 weeks a second at 10 frames a second is a frame a week.
    env.animation_parameters(animate=True, width=_WIDTH, height=_HEIGHT, x1=_WIDTH, speed=10, fps=10,
                             show_fps=False, show_time=False, show_menu_buttons=False, modelname="")
    (org,) = _build(env, [queue], seed, replication=0)
    _draw(env, org, weeks, longest)
    with env.video(str(gif)):
        env.run(till=weeks)
        png = gif.with_suffix(".png")
        env.snapshot(str(png))
    return gif, png


def _longest_queue(queue: OrgQueue, weeks: int, seed: int) -> int:
    env = _environment()
    (org,) = _build(env, [queue], seed, replication=0)
    env.run(till=weeks)
    return int(org.slots.requesters().length.maximum() or 0)


def _draw(env: sb.Environment, org: _Organisation, weeks: int, longest: int) -> None:
    """Slots and waiting cases as squares, with their history as two line charts."""
    slots = org.params.slots
    sb.AnimateText(text=f"{org.params.label}: wachtlijst en plekken", x=40, y=_HEIGHT - 50, fontsize=22, env=env)
    sb.AnimateText(text=lambda t: f"week {t:.0f}", x=40, y=_HEIGHT - 90, fontsize=20, env=env)
    top = _HEIGHT - 130
    sb.AnimateText(text=lambda: f"plekken: {org.slots.claimed_quantity():.0f} van {slots} in gebruik",
                    x=40, y=top, fontsize=13, env=env)
    sb.AnimateText(text="oranje: intake   groen: traject   grijs: vrij   rood: wacht", x=40, y=30, fontsize=13,
                    env=env)
    for i in range(slots):
        sb.AnimateRectangle(spec=_cell(i, 40, top - 8), fillcolor=lambda t, i=i: _slot_colour(org, i), env=env)
    slot_rows = math.ceil(slots / _COLUMNS)
    top -= 30 + slot_rows * _CELL
    sb.AnimateText(text=lambda: _waiting_text(org), x=40, y=top, fontsize=13, env=env)
    for i in range(_MAX_WAITING_SHOWN):
        sb.AnimateRectangle(spec=_cell(i, 40, top - 8), fillcolor=_COLOURS["waiting"],
                             visible=lambda t, i=i: org.slots.requesters().length() > i, env=env)
    panel = {"x": 500, "width": 420, "height": 150, "horizontal_scale": 420 / weeks}
    # 90% of the panel's height for the highest value, so the line stays off the border.
    sb.AnimateMonitor(org.slots.claimed_quantity, title=f"plekken in gebruik (max {slots})", y=_HEIGHT - 270,
                       vertical_scale=135 / max(slots, 1), linecolor=_COLOURS["trajectory"], **panel)
    sb.AnimateMonitor(org.slots.requesters().length, title=f"wachtlijst (max {longest})", y=_HEIGHT - 480,
                       vertical_scale=135 / max(longest, 10), linecolor=_COLOURS["waiting"], **panel)


def _waiting_text(org: _Organisation) -> str:
    waiting = org.slots.requesters().length()
    shown = f" (de eerste {_MAX_WAITING_SHOWN} getoond)" if waiting > _MAX_WAITING_SHOWN else ""
    return f"wachtlijst: {waiting:.0f}{shown}"


def _cell(i: int, left: float, top: float) -> tuple[float, float, float, float]:
    x = left + (i % _COLUMNS) * _CELL
    y = top - (i // _COLUMNS) * _CELL
    return (x, y - _CELL + 3, x + _CELL - 3, y)


def _slot_colour(org: _Organisation, i: int) -> str:
    """Slot i shows intake for the first cases, trajectory for the next ones, free for the rest."""
    if i < org.in_intake:
        return _COLOURS["intake"]
    return _COLOURS["trajectory"] if i < org.slots.claimed_quantity() else _COLOURS["free"]
