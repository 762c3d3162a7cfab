"""The LPBL-style aggregate MKBA ("cockpit") of one gezin, één plan, één regisseur.

Inputs (a municipality's counts and effect sizes) -> quantities (evictions prevented, households
stabilised, ...) -> money lines = quantity x a unit price from the register -> NCW over the horizon, per
line and per stakeholder. The published cockpit of the e-book's example municipality is the test case:
its implied unit prices are derived in the register (with their arithmetic), so changing an input moves
the dependent lines the way the published reasoning says.

Time: the published cockpit is one year of the approach ("de totale kosten voor een jaar bedragen
ongeveer 1,4 miljoen euro"), with the longer effects of that year's households (2.5 years of shelter, the
lifetime value of a start qualification) counted at that year, as its own arithmetic does (409 = 4 x 2.5
x yearly cost, undiscounted). A horizon of H years repeats that year H times, year t discounted by
(1 + r)^-t; with the default horizon of 1 year the NCW is the published one whatever the rate.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from scenarios.errors import UserError
from scenarios.register import Register
from sim.mkba.discounting import check_horizon, check_rate, payback_years
from sim.mkba.inputs import CockpitInputs, Published
from sim.mkba.stakeholders import Kind, MoneyFlow, NcwTables, flows_for, ncw_tables


@dataclass(frozen=True)
class Line:
    """A cockpit line: a leaf prices ``quantity`` with register entry ``price``; a parent sums children.

    ``printed=False`` marks lines the published cockpit does not print but its totals imply.
    """

    key: str
    label: str
    price: str | None = None
    quantity: str | None = None
    children: tuple[Line, ...] = ()
    printed: bool = True

    def walk(self, depth: int = 0) -> Iterator[tuple[Line, int]]:
        yield self, depth
        for child in self.children:
            yield from child.walk(depth + 1)


COSTS = Line("total", "Totale kosten", children=(
    Line("project", "1. Projectkosten", children=(
        Line("project_staff", "Personeel", "cost.regisseur_fte_year", "extra_staff_fte"),
        Line("project_other", "Overige", "cost.project_other_year", "project_years"),
    )),
    Line("more_found_mph", "2. Kosten agv meer gevonden MPH", children=(
        Line("more_care_and_help_trajectories", "meer zorg- & hulptrajecten",
             "cost.help_trajectories_per_found_household", "mph_found_extra"),
        Line("mda_approach", "MDA - aanpak", "cost.mda_case", "mda_trajectories"),
        Line("fewer_care_trajectories", "minder zorgtrajecten (afgeleid)", "cost.care_trajectory",
             "care_trajectories_change", printed=False),
    )),
))

BENEFITS = Line("total", "Totale baten", children=(
    Line("short_term", "Baten op korte termijn", children=(
        Line("organisation_savings", "1. Besparing organisatiekosten", children=(
            Line("organisation_time_saved", "tijd plan- en coördinatiefase", "cost.professional_hour",
                 "professional_hours_saved", printed=False),
            Line("organisation_coordinator_removed", "coördinator elders verdwenen",
                 "cost.regisseur_fte_year", "coordinator_fte_removed", printed=False),
        )),
        Line("school_dropout_direct", "2. Minder schooluitval agv direct ingrijpen",
             "benefit.start_qualification.direct", "children_start_qualification"),
        Line("more_work", "3. Mensen meer (en eerder) aan het werk", "benefit.more_work_per_person",
             "people_in_work"),
        Line("less_sick_leave", "4. Minder ziekteverzuim op het werk",
             "benefit.sick_leave_per_stabilised_household", "financially_stabilised"),
        Line("avoided_costs_direct", "5. Baten agv direct voorkomen kosten", children=(
            Line("avoided_eviction", "- kosten huisuitzetting", "cost.eviction", "evictions_prevented"),
            Line("avoided_shelter", "- kosten maatschappelijke opvang", "cost.shelter_year",
                 "shelter_years_prevented"),
            Line("avoided_alt_schooling_benefits", "- kosten alternatieve scholingstrajecten, uitkeringen",
                 "benefit.start_qualification.alt_schooling_benefits", "children_start_qualification"),
            Line("avoided_out_of_home_placement", "- kosten uithuisplaatsing van kinderen",
                 "cost.out_of_home_placement_year", "out_of_home_placement_years_prevented"),
            Line("avoided_police_justice", "- kosten politie en justitie agv minder incidenten",
                 "cost.police_incident", "police_incidents_avoided"),
            Line("avoided_collection_costs", "- oplopende incassokosten", "cost.collection_case",
                 "financially_stabilised"),
            Line("avoided_health_care", "- kosten gezondheidszorg", "cost.intensive_care_episode",
                 "intensive_care_trajectories_avoided"),
        )),
    )),
    Line("long_term", "Baten op lange termijn", children=(
        Line("school_dropout_preventive", "6. Minder schooluitval agv preventief ingrijpen",
             "benefit.start_qualification.labour_market", "children_start_qualification"),
        Line("less_long_term_disability", "7. Minder kans op langdurig ziekteverzuim (WAO)",
             "benefit.disability_per_stabilised_household", "financially_stabilised"),
        Line("school_dropout_later_costs", "8. Kosten agv schooluitval later",
             "benefit.start_qualification.later_costs", "children_start_qualification"),
        # "-" in the published cockpit and nothing in the text says what belongs here
        Line("avoided_costs_long_term", "9. Baten agv voorkomen kosten op lange termijn"),
    )),
    Line("immaterial", "Immateriële baten", children=(
        Line("nuisance_and_safety", "10. Reductie overlast en onveiligheid", "value.nuisance_source_year",
             "nuisance_sources_fewer"),
        Line("quality_of_life_fin_stability", "11. Toename kwaliteit van leven agv fin. stabilisatie",
             "value.voly", "life_years_valued"),
    )),
))

# (key, Dutch label, nested under "diff" in lpbl_cockpit.yaml); the quantities the cockpit prints
PRINTED_QUANTITIES: tuple[tuple[str, str, bool], ...] = (
    ("mph_in_approach", "Aantal MPH 1-gezin-1-plan", False),
    ("mda_trajectories", "Aantal MDA - trajecten", False),
    ("mph_found_extra", "Meer MPH 'gevonden'", False),
    ("financially_stabilised", "Aantal MPH's in fin. stabilisatie", True),
    ("debt_free_after_3y", "Aantal MPH's schuldenvrij na 3 jaar", True),
    ("people_in_work", "Aantal mensen aan het werk", True),
    ("children_start_qualification", "Aantal kinderen met startkwalificatie", True),
    ("evictions_prevented", "Aantal voorkomen huisuitzettingen", True),
    ("intensive_care_trajectories_avoided", "Aantal minder intensieve zorgtrajecten", True),
    ("shelter_stays_prevented", "Aantal voorkomen MO", True),
    ("nuisance_households_fewer", "Minder overlastgevende MPH", False),
    ("nuisance_youths_fewer", "Minder overlastgevende jongeren", False),
    ("life_years_gained_qaly", "Aantal gewonnen levensjaren (QALY's)", False),
)


@dataclass(frozen=True)
class Settings:
    discount_rate_pct: float
    discount_regime: str  # a register regime name, or "user" for --discount-rate
    horizon_years: int
    price_year: int


@dataclass(frozen=True)
class CockpitResult:
    """NCW per line (EUR), quantities per year of the approach, stakeholder tables and returns."""

    settings: Settings
    quantities: dict[str, float]
    costs: dict[str, float]
    benefits: dict[str, float]
    tables: NcwTables
    register: Register
    published: Published | None
    comparable: bool  # horizon and price year as the published cockpit: compare line by line

    @property
    def balance(self) -> float:
        return self.benefits["total"] - self.costs["total"]

    @property
    def financial_return(self) -> float:
        """(benefits without immaterial - costs) / costs, as the cockpit's "financieel rendement"."""
        return (self.benefits["total"] - self.benefits["immaterial"] - self.costs["total"]) / self.costs["total"]

    @property
    def social_return(self) -> float:
        """(benefits - costs) / costs, as the cockpit's "maatschappelijk rendement"."""
        return self.balance / self.costs["total"]

    @property
    def benefit_cost_ratio(self) -> float:
        return self.benefits["total"] / self.costs["total"]

    @property
    def payback_years(self) -> float | None:
        return payback_years(self.tables.yearly_costs, self.tables.yearly_benefits,
                             self.settings.discount_rate_pct / 100.0)

    def result_lines(self) -> dict[str, float | None]:
        """The cockpit's result block (keys of lpbl_cockpit.yaml ``result``) plus the extra measures."""
        return {
            "mkba_balance_keur": self.balance / 1000.0,
            "financial_return_pct": 100.0 * self.financial_return,
            "social_return_pct": 100.0 * self.social_return,
            "benefit_cost_ratio": self.benefit_cost_ratio,
            "payback_years": self.payback_years,
        }


def derive_quantities(cockpit: CockpitInputs, register: Register) -> dict[str, float]:
    """Quantities per year of the approach, by the cockpit's published reasoning (see docs/mkba.md)."""
    inp, base, eff = cockpit.inputs, cockpit.assumptions, cockpit.inputs.effectiveness
    q: dict[str, float] = {
        "mph_in_approach": inp.mph_in_approach,
        "mda_trajectories": inp.mph_in_approach * inp.mda_share_pct / 100,
        "mph_found_extra": inp.mph_found_base * inp.mph_found_extra_pct / 100,
        "evictions_prevented": base.eviction_threats_base * eff.eviction_prevention.diff_pct / 100,
        # school dropout and intensive care are reductions: a negative difference is a gain
        "children_start_qualification": base.pupils_base * -eff.school_dropout.diff_pct / 100,
        "intensive_care_trajectories_avoided":
            base.intensive_care_trajectories_base * -eff.intensive_care_reduction.diff_pct / 100,
        "nuisance_households_fewer": base.nuisance_households_fewer,
        "care_trajectories_change": inp.care_trajectories_current * inp.care_trajectories_diff_pct / 100,
        "extra_staff_fte": inp.extra_staff_fte,
        "coordinator_fte_removed": inp.coordinator_fte_removed,
        "project_years": 1.0,
        "out_of_home_placement_years_prevented": base.out_of_home_placement_years_prevented,
        "professional_hours_saved": inp.mph_in_approach * base.case_reviews_per_household
        * (inp.plan_phase_minutes_saved_per_case + inp.coordination_minutes_saved_per_case) / 60,
    }
    # Existing debt-relief clients gain the difference; households found extra get a trajectory they
    # would otherwise not get, at the new success rate (text 7).
    debt = eff.debt_relief
    q["financially_stabilised"] = (base.debt_relief_households_base * debt.diff_pct / 100
                                   + q["mph_found_extra"] * (debt.current_pct + debt.diff_pct) / 100)
    q["debt_free_after_3y"] = q["financially_stabilised"] * register.value("effect.debt_free_share_of_stabilised")
    # More work trajectories at a higher success rate, against the old number at the old rate (text 4).
    work, edu = inp.work_trajectories_current, eff.education_and_work
    q["people_in_work"] = (work * (1 + inp.work_trajectories_diff_pct / 100) * (edu.current_pct + edu.diff_pct)
                           - work * edu.current_pct) / 100
    q["shelter_stays_prevented"] = q["evictions_prevented"] * inp.share_using_shelter_pct / 100
    q["shelter_years_prevented"] = q["shelter_stays_prevented"] * inp.shelter_years_mean
    q["nuisance_youths_fewer"] = q["children_start_qualification"]  # text 6: youths back at school
    q["police_incidents_avoided"] = ((q["nuisance_households_fewer"] + q["nuisance_youths_fewer"])
                                     * register.value("effect.police_incidents_per_nuisance_source"))
    # text 6: fewer nuisance households, fewer nuisance youths, fewer long-term unemployed
    q["nuisance_sources_fewer"] = (q["nuisance_households_fewer"] + q["nuisance_youths_fewer"]
                                   + q["people_in_work"])
    q["life_years_gained_qaly"] = (q["financially_stabilised"]
                                   * register.value("effect.life_years_per_stabilised_household"))
    q["life_years_valued"] = q["life_years_gained_qaly"] * register.value("effect.life_year_valuation_factor")
    return q


def resolve_rate(register: Register, rate_pct: float | None, regime: str | None) -> tuple[float, str]:
    """(rate in percent, regime name): an explicit rate wins, else the named or the default regime."""
    if rate_pct is not None:
        if regime is not None:
            raise UserError("give --discount-rate or --discount-regime, not both")
        check_rate(rate_pct)
        return rate_pct, "user"
    regimes = register.discount_regimes()
    name = regime if regime is not None else register.default_regime()
    if name not in regimes:
        raise UserError(f"discount regime {name!r}: allowed are {', '.join(sorted(regimes))}")
    check_rate(regimes[name])
    return regimes[name], name


def compute_cockpit(
    cockpit: CockpitInputs,
    register: Register,
    *,
    discount_rate_pct: float | None = None,
    discount_regime: str | None = None,
    horizon: int = 1,
    price_year: int | None = None,
) -> CockpitResult:
    """The cockpit for ``cockpit`` priced with ``register``; money in EUR (NCW) at ``price_year`` prices."""
    rate_pct, regime = resolve_rate(register, discount_rate_pct, discount_regime)
    settings = Settings(rate_pct, regime, check_horizon(horizon), price_year or cockpit.price_year)
    # the inputs file's VOLY is the cockpit's own input; it replaces the register's
    register = register.with_values({"value.voly": cockpit.inputs.voly_eur}, "cockpit inputs: voly_eur",
                                    cockpit.price_year)
    quantities = derive_quantities(cockpit, register)
    flows: list[MoneyFlow] = []
    for kind, tree in (("cost", COSTS), ("benefit", BENEFITS)):
        for line, _ in tree.walk():
            if line.price is None or line.quantity is None:
                continue
            per_year = quantities[line.quantity] * register.value(line.price, settings.price_year)
            flows += flows_for(line.key, kind, (per_year,) * settings.horizon_years, register[line.price])
    tables = ncw_tables(flows, rate_pct / 100.0)
    comparable = settings.horizon_years == 1 and settings.price_year == cockpit.price_year
    return CockpitResult(settings, quantities, _line_totals(COSTS, tables), _line_totals(BENEFITS, tables),
                         tables, register, cockpit.published, comparable)


def _line_totals(tree: Line, tables: NcwTables) -> dict[str, float]:
    totals: dict[str, float] = {}

    def total(line: Line) -> float:
        value = sum(total(c) for c in line.children) if line.children else tables.items.get(line.key, 0.0)
        totals[line.key] = value
        return value

    total(tree)
    return totals


def kind_tree(kind: Kind) -> Line:
    return COSTS if kind == "cost" else BENEFITS


@dataclass(frozen=True)
class Comparison:
    section: str
    key: str
    published: float
    reproduced: float

    @property
    def difference(self) -> float:
        return self.reproduced - self.published

    @property
    def tolerance(self) -> float:
        """2% or 2 units (kEUR, count, percentage point), whichever is larger (issue 3)."""
        return max(0.02 * abs(self.published), 2.0)

    @property
    def within(self) -> bool:
        return abs(self.difference) <= self.tolerance


def compare(result: CockpitResult) -> list[Comparison]:
    """Every published line next to its reproduction; empty when the inputs carry no published cockpit or
    the horizon or price year differ from the published one (a comparison would then mean nothing)."""
    pub = result.published
    if pub is None or not result.comparable:
        return []
    flat_pub = {**{k: v for k, v in pub.quantities.items() if k != "diff"}, **pub.quantities.get("diff", {})}
    rows = [Comparison("quantities", key, float(flat_pub[key]), result.quantities[key])
            for key, _, _ in PRINTED_QUANTITIES if key in flat_pub]
    for section, published, reproduced in (("costs_keur_ncw", pub.costs_keur_ncw, result.costs),
                                           ("benefits_keur_ncw", pub.benefits_keur_ncw, result.benefits)):
        rows += [Comparison(section, key, value, reproduced[key] / 1000.0)
                 for key, value in published.items() if key in reproduced]
    lines = result.result_lines()
    rows += [Comparison("result", key, value, float(lines[key] or 0.0))
             for key, value in pub.result.items() if key in lines]
    return rows


def sum_gaps(published: Published) -> list[tuple[str, str, float, list[float]]]:
    """Published subtotals that differ from the sum of their printed parts: (section, line key, the subtotal, the
    printed parts)."""
    gaps = []
    for section, tree, figures in (("costs_keur_ncw", COSTS, published.costs_keur_ncw),
                                   ("benefits_keur_ncw", BENEFITS, published.benefits_keur_ncw)):
        for line, _ in tree.walk():
            parts = [c.key for c in line.children if c.printed and c.key in figures]
            if not parts or line.key not in figures:
                continue
            if abs(sum(figures[p] for p in parts) - figures[line.key]) > 1e-9:
                gaps.append((section, line.key, figures[line.key], [figures[p] for p in parts]))
    return gaps


def published_sum_gaps(published: Published) -> list[str]:
    """Published subtotals that differ from the sum of their printed parts, in words (the JSON's notes)."""
    return [f"published {section}.{key} = {total:g} but its printed parts ({' + '.join(f'{p:g}' for p in parts)}) "
            f"add up to {sum(parts):g}" for section, key, total, parts in sum_gaps(published)]


def unpriced_inputs(cockpit: CockpitInputs) -> list[str]:
    """Published inputs the reproduction records but cannot price, when they are set to something."""
    notes = []
    if cockpit.inputs.mph_reduction_pct:
        notes.append(f"inputs.mph_reduction_pct = {cockpit.inputs.mph_reduction_pct:g}%: fewer MPH through "
                     "prevention has no published price; not priced")
    if cockpit.inputs.recidive_current_pct is not None:
        notes.append("inputs.recidive_*: the published cockpit prints no line that depends on relapse; "
                     "not priced")
    return notes
