"""Siloed care organisations ("kokers"): capacity, a waiting list, intake, trajectories and their outcome.

Each :class:`Organisation` is a Mesa agent with its own parameters. Their shared hot path, the weekly ending,
starting and admission of cases for all households at once, is :func:`care_week` (compiled with numba) over the
(household x organisation) case table that :class:`CareNetwork` keeps as arrays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import mesa
import numpy as np
from numba import njit
from numba.cpython.unsafe.numbers import trailing_zeros

from scenarios.domains import DOMAIN_INDEX
from sim.crn import Draw, unit
from sim.population import SCHOOL_AGES
from sim.tally import PerOrg

if TYPE_CHECKING:
    from scenarios.scenario import Organisation as OrganisationParams
    from scenarios.scenario import Scenario
    from sim.model import MPHModel
    from sim.population import Households

NONE, WAITING, INTAKE, TRAJECTORY = 0, 1, 2, 3
FAILED, SUCCEEDED = 1, 2  # CareCases.ended: how a trajectory that ended this week went
# Weeks run from -2,600 (a 50-year warm-up) to 5,200 (100 years); shifted by this they fit the 20 bits of an
# admission key (agents.organisation._admission_key).
SINCE_OFFSET = 1 << 19
# Whom an organisation's worker serves under the old method (Organisation.serves): each member its own worker.
SERVES = ("household", "adults", "children", "pupils")
# A case (household n, organisation o) in the organisations' scratch lists: n << CASE_SHIFT | o (organisations are
# bits of an int64 mask, so fewer than 64): no division to read it back.
CASE_SHIFT, CASE_MASK = 6, 63


class Organisation(mesa.Agent):
    """One care organisation; its cases are the column ``index`` of the care network's arrays."""

    def __init__(self, model: MPHModel, key: str, index: int, params: OrganisationParams) -> None:
        super().__init__(model)
        self.key = key
        self.index = index
        self.label = params.label
        self.domain = params.domain
        self.capacity = params.capacity

    @property
    def waiting_list(self) -> int:
        return int((self.model.care.status[:, self.index] == WAITING).sum())

    @property
    def caseload(self) -> int:
        return int((self.model.care.status[:, self.index] >= INTAKE).sum())


class CareCases(NamedTuple):
    """The case table, (households x organisations) arrays changed in place by the compiled weekly step."""

    status: np.ndarray  # NONE, WAITING, INTAKE or TRAJECTORY
    since: np.ndarray  # week the status began
    until: np.ndarray  # week the intake or trajectory ends
    priority: np.ndarray  # bool: the waiting list was broken for this case
    via_regisseur: np.ndarray  # bool: part of a regisseur's single plan
    started: np.ndarray  # trajectories started so far; keys the outcome draws
    ended: np.ndarray  # FAILED or SUCCEEDED where a trajectory ended this week, else 0
    # Per household, bit o set where organisation o's case is waiting, open (intake or trajectory), in trajectory:
    # the weekly step reads a household's few cases from these instead of scanning every organisation.
    waiting_bits: np.ndarray
    open_bits: np.ndarray
    trajectory_bits: np.ndarray
    # (organisations, ring weeks): case places a skipped intake would have taken in week w (at column w % ring):
    # the time one plan frees at an organisation (policy theory B), counted as it would have been spent.
    saved_intake: np.ndarray

    @classmethod
    def empty(cls, households: int, organisations: int, ring_weeks: int = 1) -> CareCases:
        shape = (households, organisations)
        return cls(np.zeros(shape, dtype=np.int8), np.zeros(shape, dtype=np.int32), np.zeros(shape, dtype=np.int32),
                   np.zeros(shape, dtype=bool), np.zeros(shape, dtype=bool), np.zeros(shape, dtype=np.int32),
                   np.zeros(shape, dtype=np.int8), *(np.zeros(households, dtype=np.int64) for _ in range(3)),
                   np.zeros((organisations, ring_weeks)))


class CareRules(NamedTuple):
    """The organisations' parameters (arrays over organisations) and what they share."""

    domain: np.ndarray
    join_share: np.ndarray
    capacity: np.ndarray
    intake_weeks: np.ndarray
    trajectory_weeks: np.ndarray
    success_rate: np.ndarray
    primary: np.ndarray  # per domain: the organisation a regisseur's plan involves (the first listed), or -1
    is_primary: np.ndarray
    conflict_penalty: float
    coordination_load: float
    intake_hours: float
    coordination_hours_per_week: float
    success_residual: float
    failure_residual: float
    # Mandate a (own diagnosis and plan): the regisseur's one plan replaces the organisations' own. Without it the
    # regisseur does 'ketenregie': consults, but each organisation keeps its own offer, intake, plan and coordination.
    own_plan: bool
    integral_success_gain: float  # under a fully competent regisseur with one plan
    regisseur_coordination_share: float  # of the coordination a case in one plan still costs an organisation
    regisseur_intake_factor: float  # intake time of a regisseur's referral, relative to the organisation's own
    # Policy theory B: the intake and coordination time one plan frees stays in care (more places), or is cashed
    # (the organisation's places shrink by what was freed). Under 1g1p1r the coordinator the plan makes redundant
    # (cockpit: 1 fte) becomes places too, spread over the organisations by size.
    cashed: bool
    extra_capacity: np.ndarray  # places a week, per organisation
    serves: np.ndarray  # per organisation: index into SERVES
    domain_orgs: np.ndarray  # per domain: bits of the organisations serving it
    involvement_severity: float  # from this severity an organisation serving the domain is involved (old method)

    @classmethod
    def of(cls, scenario: Scenario, staffed: bool = False) -> CareRules:
        """``staffed``: a regisseur team works (1g1p1r with fte), so the plan's coordinator is freed."""
        params = list(scenario.organisations.values())
        common, effects = scenario.organisation_common, scenario.regisseur_effects
        domain = np.array([DOMAIN_INDEX[p.domain] for p in params], dtype=np.int64)
        primary = np.full(len(DOMAIN_INDEX), -1, dtype=np.int64)
        for o in range(len(params) - 1, -1, -1):
            primary[domain[o]] = o
        own_plan = scenario.levers.mandate.own_diagnosis_plan
        capacity = np.array([p.capacity for p in params], dtype=float)
        coordinator_places = (common.coordinator_fte_freed * common.fte_hours_per_week / common.case_hours_per_week
                              if staffed and own_plan and common.freed_time_to_care else 0.0)
        extra = coordinator_places * capacity / capacity.sum() if capacity.sum() > 0 else np.zeros_like(capacity)
        return cls(
            domain, np.array([p.join_share for p in params]), np.array([p.capacity for p in params], dtype=float),
            np.array([p.intake_weeks for p in params], dtype=np.int64),
            np.array([p.trajectory_weeks for p in params], dtype=np.int64),
            np.array([p.success_rate for p in params]), primary, primary[domain] == np.arange(len(params)),
            common.conflict_penalty, common.coordination_load, common.intake_hours,
            common.coordination_hours_per_week, common.success_residual, common.failure_residual,
            own_plan, effects.integral_success_gain, 1.0 - effects.coordination_saving if own_plan else 1.0,
            0.0 if own_plan else effects.without_own_diagnosis_intake_factor,
            not common.freed_time_to_care, extra, np.array([SERVES.index(p.serves) for p in params], dtype=np.int64),
            np.array([sum(1 << o for o in range(len(params)) if domain[o] == d) for d in range(len(DOMAIN_INDEX))],
                     dtype=np.int64), common.involvement_severity)

    @property
    def ring_weeks(self) -> int:
        """Columns of CareCases.saved_intake: more than the longest intake."""
        return int(self.intake_weeks.max(initial=0)) + 2


class CareNetwork:
    """The organisations and their case table: status, dates, and how each case came in."""

    def __init__(self, model: MPHModel) -> None:
        scenario = model.params
        self.keys = list(scenario.organisations)
        self.rules = CareRules.of(scenario)
        self.cases = CareCases.empty(model.households.size, len(self.keys), self.rules.ring_weeks)
        # read by the agents' views and by who records dossiers
        self.status, self.started, self.domain = self.cases.status, self.cases.started, self.rules.domain
        # scratch for the week's waiting and due cases, reused: see LifeEvents on why not allocated each week
        # (the second also lists the households with open cases, from its end)
        self.scratch = (np.empty(self.status.size, dtype=np.int64),
                        np.empty(self.status.size + model.households.size, dtype=np.int64))
        self.agents = [Organisation(model, key, i, p) for i, (key, p) in enumerate(scenario.organisations.items())]

    @property
    def completed_this_week(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(households, organisations, succeeded) of the trajectories ended this week, for who records dossiers."""
        rows, orgs = np.nonzero(self.cases.ended)
        return rows, orgs, self.cases.ended[rows, orgs] == SUCCEEDED

    def open_count(self) -> np.ndarray:
        """Organisations involved per household (intake or trajectory): the professionals in the home."""
        return (self.status >= INTAKE).sum(axis=1)


@njit(cache=True, error_model="numpy")
def set_status(care: CareCases, n: int, o: int, status: int) -> None:
    """The one place a case's status changes, so that the household's bit masks always agree with the table."""
    bit = np.int64(1) << o
    care.status[n, o] = status
    care.waiting_bits[n] &= ~bit
    care.open_bits[n] &= ~bit
    care.trajectory_bits[n] &= ~bit
    if status == WAITING:
        care.waiting_bits[n] |= bit
    elif status >= INTAKE:
        care.open_bits[n] |= bit
        if status == TRAJECTORY:
            care.trajectory_bits[n] |= bit


@njit(cache=True, error_model="numpy")
def lowest_bit(bits: int) -> int:
    """Index of the lowest set bit of ``bits`` (> 0): the first organisation in a household's mask. The one use of
    numba's low-level intrinsic (a single instruction), so a change there is mended here."""
    return trailing_zeros(bits)


@njit(cache=True, error_model="numpy")
def bit_count(bits: int) -> int:
    """Set bits of ``bits``: a household's cases in a mask."""
    count = 0
    while bits:
        bits &= bits - 1
        count += 1
    return count


@njit(cache=True, error_model="numpy")
def refer(care: CareCases, n: int, o: int, week: int, via_regisseur: bool, per_org: np.ndarray) -> None:
    """Put household ``n`` on organisation ``o``'s waiting list, if not already involved."""
    if care.status[n, o] != NONE:
        return
    set_status(care, n, o, WAITING)
    care.since[n, o] = week
    care.priority[n, o] = False
    care.via_regisseur[n, o] = via_regisseur
    per_org[PerOrg.referrals, o] += 1
    per_org[PerOrg.referrals_via_regisseur, o] += via_regisseur


@njit(cache=True, error_model="numpy")
def take_over(care: CareCases, rules: CareRules, n: int) -> None:
    """A regisseur's single plan: offers of non-primary organisations stop (duplicate offers), primary ones are
    taken over. Under ketenregie (no mandate a) every organisation keeps its offer."""
    orgs = care.waiting_bits[n] | care.open_bits[n]
    while orgs:
        o = lowest_bit(orgs)
        if rules.is_primary[o]:
            care.via_regisseur[n, o] = True
        elif rules.own_plan:
            set_status(care, n, o, NONE)
        orgs &= orgs - 1


@njit(cache=True, error_model="numpy")
def care_week(hh: Households, reached: np.ndarray, care: CareCases, rules: CareRules, competence: np.ndarray,
              seeds: np.ndarray, week: int, per_org: np.ndarray, waiting: np.ndarray, due: np.ndarray) -> None:
    """The organisations' week: intakes and trajectories that are due end, then free capacity is filled from the
    waiting lists. ``competence`` is the competence of each household's regisseur (0 without one). ``waiting`` and
    ``due``: scratch (CareNetwork.scratch).

    An organisation's capacity goes to its open cases and to coordination: per case, the other organisations
    involved with the household (a regisseur takes most of that over)."""
    n_households, n_orgs = care.status.shape
    care.ended[:] = 0
    # The waiting cases and the intakes and trajectories that are due (as n << CASE_SHIFT | o);
    # the few due ones are handled in a pass of their own, which keeps the scan over all cases free of branches.
    # The households with open cases are listed on the way (in order, from the end of ``due``): the count of places
    # below visits only them, as nothing opens before it (a due case ends or moves from intake to trajectory).
    open_rows = due[due.size - n_households:]
    listed = np.zeros(n_orgs, dtype=np.int64)  # the waiting lists' lengths at the week's start
    n_waiting, n_due, n_open = 0, 0, 0
    for n in range(n_households):
        orgs = care.waiting_bits[n]
        while orgs:
            o = lowest_bit(orgs)
            waiting[n_waiting] = n << CASE_SHIFT | o
            listed[o] += 1
            n_waiting += 1
            orgs &= orgs - 1
        orgs = care.open_bits[n]
        if orgs == 0:
            continue
        open_rows[n_open] = n
        n_open += 1
        while orgs:
            o = lowest_bit(orgs)
            due[n_due] = n << CASE_SHIFT | o
            n_due += care.until[n, o] <= week
            orgs &= orgs - 1
    for o in range(n_orgs):  # mean list = these / weeks (whole numbers: the same sum as one at a time)
        per_org[PerOrg.waiting_list_weeks, o] += listed[o]
    # each due case with the household's other open cases before anything ended (due cases come in household order)
    open_before, last = 0, -1
    for i in range(n_due):
        n, o = due[i] >> CASE_SHIFT, due[i] & CASE_MASK
        if n != last:
            open_before, last = bit_count(care.open_bits[n]), n
        if care.status[n, o] == TRAJECTORY:
            _finish_trajectory(hh, care, rules, n, o, max(open_before - 1, 0), competence[n], seeds, per_org)
        else:
            _start_trajectory(reached, care, rules, n, o, week, per_org)

    cases = np.zeros(n_orgs)
    coordination = np.zeros(n_orgs)
    coordination_alone = np.zeros(n_orgs)  # as it would be without a regisseur taking coordination over
    for i in range(n_open):
        n = open_rows[i]
        count = bit_count(care.open_bits[n])
        orgs = care.open_bits[n]
        while orgs:
            o = lowest_bit(orgs)
            cases[o] += 1.0
            coordination[o] += (count - 1) * _coordination_share(care, rules, n, o)
            coordination_alone[o] += count - 1
            orgs &= orgs - 1
    # Places one plan freed this week: coordination taken over and intakes skipped (each counted in the weeks it
    # would have taken), plus the coordinator's time. Cashed, the organisation's places shrink by as much.
    ring = week % care.saved_intake.shape[1]
    freed = rules.coordination_load * (coordination_alone - coordination) + care.saved_intake[:, ring]
    care.saved_intake[:, ring] = 0.0
    places = rules.capacity + rules.extra_capacity - freed * rules.cashed
    free = np.floor(places - cases - rules.coordination_load * coordination)
    # admission keys only at organisations with a free place (most weeks few have one)
    n_keys = 0
    for i in range(n_waiting):
        n, o = waiting[i] >> CASE_SHIFT, waiting[i] & CASE_MASK
        if free[o] > 0:
            waiting[n_keys] = _admission_key(care, n, o)
            n_keys += 1
    _admit(reached, care, rules, week, per_org, waiting[:n_keys], free, coordination)
    for o in range(n_orgs):
        per_org[PerOrg.coordination_hours, o] += rules.coordination_hours_per_week * coordination[o]
        per_org[PerOrg.freed_place_weeks, o] += freed[o] + rules.extra_capacity[o]
        per_org[PerOrg.place_weeks, o] += places[o]


@njit(cache=True, error_model="numpy")
def _coordination_share(care: CareCases, rules: CareRules, n: int, o: int) -> float:
    return rules.regisseur_coordination_share if care.via_regisseur[n, o] else 1.0


@njit(cache=True, error_model="numpy")
def _start_trajectory(reached: np.ndarray, care: CareCases, rules: CareRules, n: int, o: int, week: int,
                      per_org: np.ndarray) -> None:
    set_status(care, n, o, TRAJECTORY)
    care.until[n, o] = week + rules.trajectory_weeks[o]
    care.started[n, o] += 1
    reached[n] = True
    per_org[PerOrg.trajectories_started, o] += 1


@njit(cache=True, error_model="numpy")
def _finish_trajectory(hh: Households, care: CareCases, rules: CareRules, n: int, o: int, others: int,
                       competence: float, seeds: np.ndarray, per_org: np.ndarray) -> None:
    """End a trajectory with success or failure. Organisations working side by side get in each other's way;
    one integral plan instead helps, the more so under a competent regisseur."""
    if care.via_regisseur[n, o] and rules.own_plan:
        method = 1.0 + rules.integral_success_gain * competence
    else:
        method = (1.0 - rules.conflict_penalty) ** float(others)
    p = rules.success_rate[o] * (0.6 + 0.8 * hh.motivation[n]) * method
    success = unit(seeds, Draw.OUTCOME, hh.ident[n], o, care.started[n, o]) < min(p, 0.98)
    hh.severity[n, rules.domain[o]] *= rules.success_residual if success else rules.failure_residual
    set_status(care, n, o, NONE)
    care.via_regisseur[n, o] = False
    care.ended[n, o] = SUCCEEDED if success else FAILED
    per_org[PerOrg.trajectories_completed, o] += 1
    per_org[PerOrg.trajectories_succeeded, o] += success


@njit(cache=True, error_model="numpy")
def _admission_key(care: CareCases, n: int, o: int) -> int:
    """The waiting case's sortable key: (organisation, not priority, waiting since, household). Weeks of the warm-up
    are negative, so "since" is shifted into 20 non-negative bits: a negative one borrowed from the organisation's
    bits and admitted the case at the organisation before it (or at none: a crash in bigger towns)."""
    since = care.since[n, o] + SINCE_OFFSET
    return (((o * 2 + (not care.priority[n, o])) << 20) + since) << 32 | n


@njit(cache=True, error_model="numpy")
def _admit(reached: np.ndarray, care: CareCases, rules: CareRules, week: int, per_org: np.ndarray,
           keys: np.ndarray, free: np.ndarray, coordination: np.ndarray) -> None:
    """Fill free capacity (in cases) from the waiting lists: priority cases first, then longest waiting, then in
    household order. ``keys``: the waiting cases' admission keys (:func:`_admission_key`, any order; an
    organisation without a free place admits none of its own); ``coordination`` (per organisation) grows with
    each admission."""
    for key in _admitted(keys, free):
        n = key & 0xFFFFFFFF
        o = key >> 53
        count = 0
        others = care.open_bits[n]
        while others:  # each open case of the household has one more organisation to coordinate with
            other = lowest_bit(others)
            coordination[other] += _coordination_share(care, rules, n, other)
            count += 1
            others &= others - 1
        coordination[o] += count * _coordination_share(care, rules, n, o)
        per_org[PerOrg.org_wait_weeks, o] += week - care.since[n, o]
        per_org[PerOrg.org_admissions, o] += 1
        if care.priority[n, o]:
            per_org[PerOrg.priority_admissions, o] += 1
            per_org[PerOrg.priority_wait_weeks, o] += week - care.since[n, o]
        intake_weeks = rules.intake_weeks[o]
        if care.via_regisseur[n, o]:
            intake_weeks = int(np.rint(intake_weeks * rules.regisseur_intake_factor))
            ring = care.saved_intake.shape[1]
            for k in range(1, rules.intake_weeks[o] - intake_weeks + 1):  # the weeks its own intake would take
                care.saved_intake[o, (week + k) % ring] += 1.0
        if intake_weeks <= 0:
            _start_trajectory(reached, care, rules, n, o, week, per_org)
        else:
            set_status(care, n, o, INTAKE)
            care.since[n, o] = week
            care.until[n, o] = week + intake_weeks
            reached[n] = True
            per_org[PerOrg.intake_hours, o] += rules.intake_hours


@njit(cache=True, error_model="numpy")
def _admitted(keys: np.ndarray, free: np.ndarray) -> np.ndarray:
    """The admission keys that get a place, in admission order: per organisation (in order) its ``free`` lowest keys,
    lowest first. As sorting all keys and skipping an organisation's beyond its free places, but in one pass that
    keeps each organisation's lowest so far in order: a waiting list holds hundreds, a week frees a handful of
    places, so almost every key is turned away by one comparison."""
    n_orgs = free.size
    start = np.zeros(n_orgs + 1, dtype=np.int64)
    for o in range(n_orgs):
        start[o + 1] = start[o] + int(min(max(free[o], 0.0), float(keys.size)))
    chosen = np.empty(start[n_orgs], dtype=np.int64)
    filled = start[:n_orgs].copy()  # end of each organisation's kept keys
    for key in keys:
        o = key >> 53
        first, end = start[o], filled[o]
        if end < start[o + 1]:  # a place left: keep it
            i = end
            filled[o] = end + 1
        elif end > first and key < chosen[end - 1]:  # all places taken: instead of the highest kept
            i = end - 1
        else:
            continue
        while i > first and chosen[i - 1] > key:
            chosen[i] = chosen[i - 1]
            i -= 1
        chosen[i] = key
    count = 0
    for o in range(n_orgs):
        for i in range(start[o], filled[o]):
            chosen[count] = chosen[i]
            count += 1
    return chosen[:count]


class Involvement(NamedTuple):
    """Who worked in each home during the current year (issue 14, 'professionals in the home'), reset at each
    year's end: organisations with a case open (intake or trajectory) as their own offer, with a worker per member
    they serve, or as the one offer of a regisseur's plan (one worker for the household: duplicate offers stop,
    'één aanbod', seed 004 casus Gezin A); the escalations, each of which brings its own professional (the housing
    corporation, the neighbourhood police officer, a family guardian ...); and whether a regisseur was involved."""

    own_offer_bits: np.ndarray  # int64 (N,): bit o, organisation o worked with its own offer
    plan_bits: np.ndarray  # int64 (N,): bit o, organisation o worked as part of a regisseur's single plan
    escalation_bits: np.ndarray  # int64 (N,): bits of scenarios.domains.ESCALATIONS that happened
    regisseur: np.ndarray  # bool (N,)
    ident: np.ndarray  # int64 (N,): the household the row's year belongs to (a newcomer in a reused row starts afresh)
    joined: np.ndarray  # int64 (N,): bits of the organisations that join the household's problems (its join draws)
    under_plan: np.ndarray  # scratch: the week's households under a plan

    @classmethod
    def empty(cls, households: int) -> Involvement:
        return cls(*(np.zeros(households, dtype=np.int64) for _ in range(3)), np.zeros(households, dtype=bool),
                   np.full(households, -1, dtype=np.int64),
                   *(np.zeros(households, dtype=np.int64) for _ in range(2)))

    def reset(self) -> None:
        """A new year: nobody has worked in any home yet (who the row holds, and whom they join, stay)."""
        for array in (self.own_offer_bits, self.plan_bits, self.escalation_bits, self.regisseur):
            array[:] = 0


@njit(cache=True, error_model="numpy")
def involvement_week(hh: Households, applicable: np.ndarray, care: CareCases, rules: CareRules, events: np.ndarray,
                     phase: np.ndarray, plan_phases: tuple[int, int], approach_phases: tuple[int, int],
                     inv: Involvement) -> None:
    """Add this week's professionals to each home's year.

    Outside a regisseur's plan every organisation serving a domain where the household has a problem (severity
    above ``involvement_severity``) is involved with its own offer, if it joins such households at all (its
    ``join_share``, the same draw as for its referrals): a trajectory, an intake, an indication, outreach. Under a
    plan (``plan_phases``, with mandate a) the others step back (seed 003: 'het laten terugtreden van overige
    hulpverleners'): only the plan's organisations, one worker each. Escalations and a regisseur (``approach_phases``)
    add theirs under either.

    In passes the compiler runs in parallel lanes (no branches): the rare newcomer and the few households under a
    plan each in a pass of their own."""
    n_households, n_domains = hh.severity.shape
    for n in range(n_households):
        if inv.ident[n] != hh.ident[n]:  # a newcomer in a row a leaver freed: the leaver's year is not theirs
            inv.ident[n] = hh.ident[n]
            inv.own_offer_bits[n], inv.plan_bits[n], inv.escalation_bits[n], inv.regisseur[n] = 0, 0, 0, False
            joined = np.int64(0)
            for o in range(rules.join_share.size):
                joined |= np.int64(hh.join[n, o] < rules.join_share[o]) << o
            inv.joined[n] = joined
    n_plan = 0
    for n in range(n_households):
        visible = np.int64(0)
        for d in range(n_domains):
            visible |= rules.domain_orgs[d] * ((hh.severity[n, d] > rules.involvement_severity) & applicable[n, d])
        under_plan = rules.own_plan & (plan_phases[0] <= phase[n]) & (phase[n] <= plan_phases[1])
        inv.under_plan[n_plan] = n
        n_plan += under_plan
        # under a plan its own offers are added below, without those of the plan
        inv.own_offer_bits[n] |= (care.open_bits[n] | (visible & inv.joined[n])) * (not under_plan)
        inv.escalation_bits[n] |= events[n]
        inv.regisseur[n] |= (approach_phases[0] <= phase[n]) & (phase[n] <= approach_phases[1])
    for i in range(n_plan):
        n = inv.under_plan[i]
        plan = np.int64(0)
        orgs = care.open_bits[n]
        while orgs:
            o = lowest_bit(orgs)
            if care.via_regisseur[n, o]:
                plan |= np.int64(1) << o
            orgs &= orgs - 1
        inv.plan_bits[n] |= plan
        inv.own_offer_bits[n] |= care.open_bits[n] & ~plan


@njit(cache=True, error_model="numpy")
def professionals_in_year(inv: Involvement, rules: CareRules, members: np.ndarray, workers_per_offer: np.ndarray,
                          escalation_professionals: np.ndarray) -> np.ndarray:
    """Distinct professionals who worked in each home this year (the measure 'professionals per household', README):
    per organisation with its own offer, ``workers_per_offer`` (per household, by case type) per member it serves
    (``members``: (households, SERVES), at least 1); per organisation in a regisseur's plan, one; per escalation
    type that happened, its professionals; the regisseur, one. Compiled: it runs at every year's end."""
    count = np.empty(inv.own_offer_bits.size)
    for n in range(count.size):
        own_workers, plan = 0, 0
        for o in range(rules.serves.size):
            own = (inv.own_offer_bits[n] >> o) & 1
            own_workers += own * max(members[n, rules.serves[o]], 1)
            plan += ((inv.plan_bits[n] >> o) & 1) & (1 - own)
        escalations = 0.0
        for e in range(escalation_professionals.size):
            if (inv.escalation_bits[n] >> e) & 1:
                escalations += escalation_professionals[e]
        count[n] = own_workers * workers_per_offer[n] + plan + escalations + inv.regisseur[n]
    return count


@njit(cache=True, error_model="numpy")
def members_served(child_age: np.ndarray, adults: np.ndarray) -> np.ndarray:
    """(households, SERVES): the members each kind of organisation gives a worker of its own: the household (1),
    each adult, each child, each child of school age."""
    members = np.empty((child_age.shape[0], len(SERVES)), dtype=np.int64)
    for n in range(child_age.shape[0]):
        children, pupils = 0, 0
        for c in range(child_age.shape[1]):
            children += child_age[n, c] >= 0
            pupils += (child_age[n, c] >= SCHOOL_AGES[0]) & (child_age[n, c] <= SCHOOL_AGES[1])
        members[n, 0], members[n, 1], members[n, 2], members[n, 3] = 1, adults[n], children, pupils
    return members
