"""The one place where simulated events become money: counts x register unit costs, per payer.

Unit costs, payers and their sources live in the register (``scenarios/register/``, :mod:`scenarios.register`);
this module only says which simulated count each register entry prices.
"""

from __future__ import annotations

import pandas as pd

from scenarios.register import Register, load_register

WEEKS_PER_YEAR = 52

# register key -> (yearly count it prices, divisor turning the count into the register's unit)
EVENT_PRICES: dict[str, tuple[str, float]] = {
    "cost.eviction": ("eviction", 1.0),
    "cost.shelter_year": ("shelter_household_weeks", WEEKS_PER_YEAR),
    "cost.out_of_home_placement_year": ("placement_child_weeks", WEEKS_PER_YEAR),
    "cost.police_incident": ("police_incident", 1.0),
    "cost.intensive_care_episode": ("intensive_care_episode", 1.0),
    "cost.school_dropout": ("school_dropout", 1.0),
    "cost.utility_cutoff": ("utility_cutoff", 1.0),
    "cost.collection_case": ("collection_case", 1.0),
    "cost.regisseur_fte_year": ("regisseur_fte_weeks", WEEKS_PER_YEAR),
    "cost.project_other_year": ("approach_weeks", WEEKS_PER_YEAR),
}
HOUR_COUNTS = ("intake_hours", "coordination_hours")


def price_list(organisations: list[str], register: Register, price_year: int | None = None) -> pd.DataFrame:
    """One row per (priced count, payer): the unit price in EUR borne by that payer, at ``price_year`` prices
    (default: each register entry's own price year)."""
    rows = []

    def add(item: str, count: str, divisor: float, key: str, payers: dict[str, float], price: float) -> None:
        for payer, share in payers.items():
            rows.append({"item": item, "count": count, "key": key, "payer": payer,
                         "eur_per_count": price * share / divisor})

    for key, (count, divisor) in EVENT_PRICES.items():
        add(count, count, divisor, key, register[key].shares(), register.value(key, price_year))
    for org in organisations:
        key = f"cost.trajectory.{org}"
        payers = register[key].shares()
        add(f"trajectory.{org}", f"trajectories_started.{org}", 1.0, key, payers, register.value(key, price_year))
        # An organisation's own intake and coordination time is paid by whoever funds that organisation.
        for hours in HOUR_COUNTS:
            add(f"{hours}.{org}", f"{hours}.{org}", 1.0, "cost.professional_hour", payers,
                register.value("cost.professional_hour", price_year))
    return pd.DataFrame(rows)


def yearly_costs(yearly: pd.DataFrame, organisations: list[str], register: Register | None = None,
                 price_year: int | None = None) -> pd.DataFrame:
    """Costs per replication, method, year, item and payer (EUR), from the tidy yearly counts."""
    register = register if register is not None else load_register()
    prices = price_list(organisations, register, price_year)
    priced = yearly.merge(prices, left_on="measure", right_on="count", how="inner")
    priced["eur"] = priced["value"] * priced["eur_per_count"]
    return priced[["replication", "method", "year", "item", "key", "payer", "eur"]]
