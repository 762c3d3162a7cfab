"""Names the whole model shares: life domains, case types, escalation types, working methods."""

DOMAINS: tuple[str, ...] = (
    "finances",
    "housing",
    "work_income",
    "parenting",
    "school",
    "mental_health",
    "addiction",
    "domestic_safety",
    "nuisance",
)
DOMAIN_INDEX = {name: i for i, name in enumerate(DOMAINS)}
# Domains that only exist for households with children (parenting) or school-age children (school).
CHILD_DOMAINS = ("parenting",)
SCHOOL_DOMAINS = ("school",)

CASE_TYPES: tuple[str, ...] = ("light", "heavy", "mda")

ESCALATIONS: tuple[str, ...] = (
    "eviction",
    "shelter_entry",
    "out_of_home_placement",
    "police_incident",
    "intensive_care_episode",
    "school_dropout",
    "utility_cutoff",
    "collection_case",
)

METHODS: tuple[str, ...] = ("verkokerd", "1g1p1r")
METHOD_LABELS = {"verkokerd": "oude werkwijze (verkokerd)", "1g1p1r": "één gezin, één plan, één regisseur"}
