"""Dutch and English words of the workshop: Dutch by default, with the Dutch domain terms (regisseur, MKBA, MPH,
verkokerd, 1g1p1r) kept in both languages. Dutch labels of measures, escalations, payers and methods are the
project's own (sim.measures, sim.reports.charts, scenarios.register, scenarios.domains); this module adds their
English ones."""

from __future__ import annotations

from scenarios.domains import ESCALATIONS, METHOD_LABELS
from scenarios.register import STAKEHOLDER_LABELS
from sim.measures import LABELS as MEASURE_LABELS
from sim.reports.charts import ESCALATION_LABELS

LANGUAGES = ("nl", "en")

TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Workshop: één gezin, één plan, één regisseur",
        "intro": "Verschuif de hefbomen links; beide werkwijzen lopen op dezelfde huishoudens met dezelfde toevallen.",
        "presets": "Voorinstellingen",
        "reset": "Herstel",
        "staffing": "Bezetting",
        "mandate": "Mandaat van de regisseur",
        "followup": "Nazorg en vinden",
        "population_run": "Gemeente en berekening",
        "levers.fte": "fte regisseurs",
        "levers.caseload_norm": "caseloadnorm (huishoudens per fte)",
        "levers.competence_experienced_share": "ervaren regisseurs (%)",
        "levers.mandate.own_diagnosis_plan": "a. eigen diagnose en plan",
        "levers.mandate.free_time": "b. vrij in tijdsbesteding",
        "levers.mandate.free_budget": "c. vrij besteedbaar budget",
        "levers.mandate.decides_aftercare": "d. beslist over (na)zorg",
        "levers.mandate.break_waiting_lists": "e. mag wachtlijsten doorbreken",
        "levers.mandate.administrative_backing": "f. bestuurlijke rugdekking",
        "levers.aftercare_months": "nazorg (maanden)",
        "levers.informal_network": "informeel steunnetwerk",
        "levers.finding_reach": "extra gevonden MPH (%)",
        "population.case_mix.mda": "aandeel MDA-huishoudens (%)",
        "population.households": "aantal MPH in de gemeente",
        "horizon_years": "horizon (jaren)",
        "replications": "replicaties",
        "seed": "seed (toevalsgetal)",
        "err_whole": "'{text}' is geen geheel getal van {low} tot en met {high}.",
        "err_settings": "Deze instellingen zijn niet geldig; de resultaten tonen de laatste geldige instellingen.",
        "simulating": "Bezig met rekenen ...",
        "run_line": "{households} huishoudens, {years} jaar, {reps} replicaties, seed {seed}: "
                    "{seconds:.1f} s rekentijd",
        "tab_overview": "Kerncijfers",
        "tab_escalations": "Escalaties",
        "tab_costs": "Kosten",
        "tab_outcomes": "Uitkomsten",
        "tab_mkba": "MKBA",
        "tab_live": "Live",
        "tab_export": "Exporteren",
        "table_measure": "maat",
        "table_unit": "eenheid",
        "difference": "verschil (1g1p1r min verkokerd)",
        "interval_note": "gemiddelde [5% – 95%] over replicaties; het verschil per replicatie gepaard",
        "metric_escalations": "escalaties per jaar",
        "metric_balance": "MKBA-saldo (NCW)",
        "metric_stabilised": "huishoudens gestabiliseerd",
        "metric_professionals": "professionals per huishouden",
        "per_year": "per jaar",
        "year": "jaar",
        "week": "week",
        "escalations_title": "Escalaties per jaar in de tijd (mediaan en 5-95% over replicaties)",
        "escalation_bars_title": "Escalaties per jaar (gemiddelde en 5-95% over replicaties)",
        "costs_title": "Kosten per betaler",
        "costs_axis": "kEUR per jaar (gemiddelde, 5-95%)",
        "outcomes_title": "Uitkomsten per werkwijze (gemiddelde, 5-95%)",
        "waiting_title": "Wachtlijsten in de tijd (mediaan en 5-95%)",
        "org_waiting": "wachtend bij organisaties",
        "regisseur_queue": "wachtend op een regisseur",
        "in_approach": "in de aanpak",
        "households": "huishoudens",
        "mkba_intro": "MKBA van de simulatie: 1g1p1r min oude werkwijze, NCW over de horizon, discontovoet {rate}% "
                      "(regime {regime}). Alleen wat de simulatie telt is geprijsd: een ondergrens.",
        "mkba_costs": "kosten (extra uitgaven)",
        "mkba_benefits": "baten (vermeden kosten)",
        "mkba_balance": "MKBA-saldo",
        "mkba_bcr": "baten-kostenverhouding",
        "mkba_payback": "terugverdientijd (jaar)",
        "not_within": "niet binnen de horizon",
        "stakeholders_title": "Wie betaalt, wie profiteert (saldo NCW, gemiddelde en 5-95%)",
        "stakeholders_axis": "saldo NCW x € 1.000",
        "balance_keur": "NCW x € 1.000",
        "live_intro": "Het model week voor week, replicatie 1 van beide werkwijzen: elk vakje is een huishouden.",
        "live_play": "Speel {weeks} weken af",
        "live_step": "+1 week",
        "live_restart": "Opnieuw",
        "live_end": "Einde van de horizon bereikt.",
        "live_week": "week {week} van {weeks}",
        "state.not_reached": "nog niet bereikt",
        "state.no_help": "bereikt, nu geen hulp",
        "state.stabilised": "gestabiliseerd",
        "state.waiting": "wacht op hulp",
        "state.organisations": "hulp van organisaties",
        "state.aftercare": "nazorg regisseur",
        "state.regisseur": "bij een regisseur",
        "state.homeless": "uitgezet of in de opvang",
        "regisseurs_title": "Regisseurs: caseload (gewogen) en capaciteit",
        "regisseur": "regisseur",
        "experienced": "ervaren",
        "in_training": "in opleiding",
        "capacity": "capaciteit",
        "org_title": "Wachtlijsten per organisatie",
        "no_regisseurs": "geen regisseurs",
        "export_intro": "Neem de instellingen en de resultaten mee naar huis.",
        "export_yaml": "Scenario (YAML, voor mph run)",
        "export_excel": "Resultaten (Excel)",
        "export_pdf": "Uitdraai (PDF)",
        "export_png": "Uitdraai (PNG)",
        "export_cli": "Draai het scenario zelf na met:",
        "sheet_title": "Workshop één gezin, één plan, één regisseur: {name}",
        "sheet_settings": "Instellingen",
        "on": "aan",
        "off": "uit",
    },
    "en": {
        "title": "Workshop: one family, one plan, one regisseur (1g1p1r)",
        "intro": "Move the levers on the left; both methods run on the same households with the same luck.",
        "presets": "Presets",
        "reset": "Reset",
        "staffing": "Staffing",
        "mandate": "Mandate of the regisseur",
        "followup": "Aftercare and finding",
        "population_run": "Municipality and run",
        "levers.fte": "fte regisseurs",
        "levers.caseload_norm": "caseload norm (households per fte)",
        "levers.competence_experienced_share": "experienced regisseurs (%)",
        "levers.mandate.own_diagnosis_plan": "a. own diagnosis and plan",
        "levers.mandate.free_time": "b. free to spend time",
        "levers.mandate.free_budget": "c. free budget",
        "levers.mandate.decides_aftercare": "d. decides on (after)care",
        "levers.mandate.break_waiting_lists": "e. may break waiting lists",
        "levers.mandate.administrative_backing": "f. administrative backing",
        "levers.aftercare_months": "aftercare (months)",
        "levers.informal_network": "informal support network",
        "levers.finding_reach": "extra MPH found (%)",
        "population.case_mix.mda": "share of MDA households (%)",
        "population.households": "MPH in the municipality",
        "horizon_years": "horizon (years)",
        "replications": "replications",
        "seed": "seed (random number)",
        "err_whole": "'{text}' is not a whole number from {low} to {high}.",
        "err_settings": "These settings are not valid; the results show the last valid settings.",
        "simulating": "Simulating ...",
        "run_line": "{households} households, {years} years, {reps} replications, seed {seed}: "
                    "{seconds:.1f} s to compute",
        "tab_overview": "Key figures",
        "tab_escalations": "Escalations",
        "tab_costs": "Costs",
        "tab_outcomes": "Outcomes",
        "tab_mkba": "MKBA",
        "tab_live": "Live",
        "tab_export": "Export",
        "table_measure": "measure",
        "table_unit": "unit",
        "difference": "difference (1g1p1r minus verkokerd)",
        "interval_note": "mean [5% – 95%] over replications; the difference paired per replication",
        "metric_escalations": "escalations per year",
        "metric_balance": "MKBA balance (NPV)",
        "metric_stabilised": "households stabilised",
        "metric_professionals": "professionals per household",
        "per_year": "per year",
        "year": "year",
        "week": "week",
        "escalations_title": "Escalations per year over time (median and 5-95% over replications)",
        "escalation_bars_title": "Escalations per year (mean and 5-95% over replications)",
        "costs_title": "Costs by payer",
        "costs_axis": "kEUR per year (mean, 5-95%)",
        "outcomes_title": "Outcomes by method (mean, 5-95%)",
        "waiting_title": "Waiting lists over time (median and 5-95%)",
        "org_waiting": "waiting at organisations",
        "regisseur_queue": "waiting for a regisseur",
        "in_approach": "in the approach",
        "households": "households",
        "mkba_intro": "MKBA of the simulation: 1g1p1r minus the old method, NPV over the horizon, discount rate "
                      "{rate}% (regime {regime}). Only what the simulation counts is priced: a lower bound.",
        "mkba_costs": "costs (extra spending)",
        "mkba_benefits": "benefits (avoided costs)",
        "mkba_balance": "MKBA balance",
        "mkba_bcr": "benefit-cost ratio",
        "mkba_payback": "payback period (years)",
        "not_within": "not within the horizon",
        "stakeholders_title": "Who pays, who benefits (balance NPV, mean and 5-95%)",
        "stakeholders_axis": "balance NPV x EUR 1,000",
        "balance_keur": "NPV x EUR 1,000",
        "live_intro": "The model week by week, replication 1 of both methods: each square is a household.",
        "live_play": "Play {weeks} weeks",
        "live_step": "+1 week",
        "live_restart": "Restart",
        "live_end": "End of the horizon reached.",
        "live_week": "week {week} of {weeks}",
        "state.not_reached": "not reached yet",
        "state.no_help": "reached, no help now",
        "state.stabilised": "stabilised",
        "state.waiting": "waiting for help",
        "state.organisations": "helped by organisations",
        "state.aftercare": "aftercare by regisseur",
        "state.regisseur": "with a regisseur",
        "state.homeless": "evicted or in shelter",
        "regisseurs_title": "Regisseurs: caseload (weighted) and capacity",
        "regisseur": "regisseur",
        "experienced": "experienced",
        "in_training": "in training",
        "capacity": "capacity",
        "org_title": "Waiting lists by organisation",
        "no_regisseurs": "no regisseurs",
        "export_intro": "Take the settings and the results home.",
        "export_yaml": "Scenario (YAML, for mph run)",
        "export_excel": "Results (Excel)",
        "export_pdf": "Sheet (PDF)",
        "export_png": "Sheet (PNG)",
        "export_cli": "Rerun the scenario yourself with:",
        "sheet_title": "Workshop one family, one plan, one regisseur: {name}",
        "sheet_settings": "Settings",
        "on": "on",
        "off": "off",
    },
}

_MEASURES_EN: dict[str, tuple[str, str]] = {
    "eviction_threats_per_year": ("eviction threats", "per year"),
    "eviction_threats_in_approach_per_year": ("eviction threats in the approach", "per year"),
    "households_reached": ("households reached", "households"),
    "households_stabilised": ("households stabilised", "households"),
    "households_in_approach": ("households in the approach (ever)", "households"),
    "approach_intakes_per_year": ("intakes into the approach", "per year"),
    "recidive_share": ("recidive (relapse after stabilisation)", "share"),
    "org_wait_weeks": ("waiting time at organisations", "weeks"),
    "regisseur_wait_weeks": ("waiting time for a regisseur", "weeks"),
    "professionals_per_household": ("professionals per household", "mean"),
    "trajectories_per_year": ("trajectories started", "per year"),
    "debt_relief_success_share": ("debt relief ending in financial stabilisation", "share"),
    "intake_hours_per_year": ("intake and planning hours at organisations", "hours per year"),
    "coordination_hours_per_year": ("coordination hours at organisations", "hours per year"),
    "cost_total_per_year": ("costs, total", "EUR per year"),
}
_ESCALATIONS_EN = {
    "eviction": "eviction",
    "shelter_entry": "shelter",
    "out_of_home_placement": "out-of-home placement",
    "police_incident": "police incident",
    "intensive_care_episode": "intensive care",
    "school_dropout": "school dropout",
    "utility_cutoff": "utility cut-off",
    "collection_case": "collection case",
}
_STAKEHOLDERS_EN = {
    "municipality": "Municipality",
    "housing_corporation": "Housing corporation",
    "care_insurer": "Care insurer",
    "police_justice": "Police and justice",
    "benefits_agencies": "Benefits agencies",
    "schools": "Schools",
    "employers": "Employers",
    "household": "Households",
    "neighbours": "Neighbours",
}
_METHODS_EN = {"verkokerd": "old method (verkokerd)", "1g1p1r": "one family, one plan, one regisseur"}


def text(lang: str, key: str, **values: object) -> str:
    """The phrase ``key`` in ``lang``, filled with ``values``."""
    phrase = TEXT[lang][key]
    return phrase.format(**values) if values else phrase


def measure(lang: str, name: str) -> tuple[str, str]:
    """(label, unit) of a measure of :mod:`sim.measures`."""
    escalation_name = name.removesuffix("_per_year")
    if escalation_name in ESCALATIONS:
        return escalation(lang, escalation_name), text(lang, "per_year")
    if lang == "nl":
        return MEASURE_LABELS[name]
    if name.startswith("cost_") and name != "cost_total_per_year":
        payer = name.removeprefix("cost_").removesuffix("_per_year")
        return f"costs {stakeholder(lang, payer).lower()}", "EUR per year"
    return _MEASURES_EN[name]


def escalation(lang: str, name: str) -> str:
    return ESCALATION_LABELS[name] if lang == "nl" else _ESCALATIONS_EN[name]


def stakeholder(lang: str, name: str) -> str:
    return STAKEHOLDER_LABELS[name] if lang == "nl" else _STAKEHOLDERS_EN[name]


def method(lang: str, name: str) -> str:
    return METHOD_LABELS[name] if lang == "nl" else _METHODS_EN[name]
