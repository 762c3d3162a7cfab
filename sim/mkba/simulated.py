"""The MKBA of a simulation run: 1g1p1r against the old method, from the simulated counts.

Per replication, every priced item's yearly money under 1g1p1r minus under the old method (same households,
same draws) is a cost where it adds spending and a benefit where it avoids spending. The shared
:func:`~sim.mkba.stakeholders.ncw_tables` discounts them into NCW per item and per stakeholder; the spread over
replications gives the intervals. Only what the simulation counts is priced: immaterial benefits (quality of
life, nuisance) and long-term effects beyond the horizon are not in it, and the effects rest on assumptions not yet
calibrated, so the balance shows what those assumptions imply: not a forecast, nor a lower or upper bound (the words
every output uses: ``balance_meaning`` in ``sim/reports/labels_report.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from scenarios.register import STAKEHOLDERS, Register
from sim.costing import yearly_costs
from sim.mkba.discounting import npv, payback_years
from sim.mkba.stakeholders import MoneyFlow, NcwTables, ncw_tables
from sim.mkba.unpriced import UNPRICED_ITEMS, dropouts_beyond_cockpit
from sim.run import Results

MEASURES = ("costs", "benefits", "balance", "benefit_cost_ratio", "social_return_pct", "payback_years",
            "break_even_fte_cost", "unpriced_in_cockpit", "benefits_without_unpriced", "balance_without_unpriced",
            "benefit_cost_ratio_without_unpriced")
CASH = ("cashable", "non_cashable")


@dataclass(frozen=True)
class SimulatedMkba:
    """NCW results per replication (EUR) and their summary."""

    per_replication: pd.DataFrame  # replication x (measures, balance_<stakeholder>)
    items: pd.DataFrame  # replication x item NCW (positive = cost, negative = benefit)
    rate_pct: float
    horizon_years: int
    price_year: int | None

    def summary(self) -> pd.DataFrame:
        """Mean, 5% and 95% quantile over replications of each result."""
        data = self.per_replication
        return pd.DataFrame({"mean": data.mean(), "p5": data.quantile(0.05), "p95": data.quantile(0.95)})


def _flows(amounts: pd.DataFrame, register: Register) -> list[MoneyFlow]:
    """One flow per priced item of one replication; ``amounts`` has a row per (item, key, payer), a column per
    year."""
    flows = []
    for (item, key, payer), row in zip(amounts.index, amounts.to_numpy(), strict=True):
        kind = "cost" if row.sum() > 0 else "benefit"
        sign = 1.0 if kind == "cost" else -1.0
        flows.append(MoneyFlow(item, kind, payer, bool(register[key].cashable), tuple(sign * float(a) for a in row)))
    return flows


def _row(tables: NcwTables, rate: float) -> dict[str, float]:
    costs, benefits = tables.total("cost"), tables.total("benefit")
    payback = payback_years(tables.yearly_costs, tables.yearly_benefits, rate)
    row = {
        "costs": costs,
        "benefits": benefits,
        "balance": benefits - costs,
        "benefit_cost_ratio": benefits / costs if costs else float("nan"),
        "social_return_pct": 100.0 * (benefits - costs) / costs if costs else float("nan"),
        "payback_years": float("nan") if payback is None else payback,
    }
    for r in tables.stakeholders:
        row[f"balance_{r.stakeholder}"] = r.balance
        row[f"balance_{r.stakeholder}_cashable"] = r.benefits_cashable - r.costs_cashable
        row[f"balance_{r.stakeholder}_non_cashable"] = r.benefits_non_cashable - r.costs_non_cashable
    return row


def simulated_mkba(results: Results, register: Register, rate_pct: float,
                   price_year: int | None = None) -> SimulatedMkba:
    """NCW of the difference 1g1p1r minus verkokerd over the run's horizon, per replication, at ``register`` prices.

    Simulation year 1 is year 0 of the discounting. Without ``price_year`` each entry keeps its own price year.
    """
    costs = yearly_costs(results.yearly, list(results.scenario.organisations), register, price_year)
    methods = set(costs["method"])
    if not {"verkokerd", "1g1p1r"} <= methods:
        raise ValueError("the MKBA of a run needs both methods in the results")
    keys = ["replication", "year", "item", "key", "payer"]
    wide = costs.groupby([*keys, "method"])["eur"].sum().unstack("method", fill_value=0.0)
    difference = (wide["1g1p1r"] - wide["verkokerd"]).unstack("year", fill_value=0.0)
    years = results.scenario.horizon_years
    difference = difference.reindex(columns=range(1, years + 1), fill_value=0.0)
    rows, items = {}, {}
    for replication, amounts in difference.groupby(level="replication"):
        flows = _flows(amounts.droplevel("replication"), register)
        tables = ncw_tables(flows, rate_pct / 100.0)
        rows[replication] = _row(tables, rate_pct / 100.0)
        items[replication] = {f.item: tables.items[f.item] * (1 if f.kind == "cost" else -1) for f in flows}
    per_replication = pd.DataFrame.from_dict(rows, orient="index").rename_axis("replication")
    # The balance is linear in the price of a regisseur fte-year, so its break-even price follows directly:
    # the yearly cost per fte at which the approach's balance turns zero (in the run's price year).
    fte = results.scenario.levers.fte
    fte_price = register.value("cost.regisseur_fte_year", price_year)
    ncw_per_eur = npv([fte] * years, rate_pct / 100.0)
    per_replication["break_even_fte_cost"] = (fte_price + per_replication["balance"] / ncw_per_eur
                                              if fte > 0 else float("nan"))
    _add_without_unpriced(per_replication, items, results, register, rate_pct, price_year)
    stakeholder_columns = [f"balance_{s}{suffix}" for s in STAKEHOLDERS for suffix in ("", *(f"_{c}" for c in CASH))]
    per_replication = per_replication.reindex(columns=[*MEASURES, *stakeholder_columns])
    return SimulatedMkba(per_replication, pd.DataFrame.from_dict(items, orient="index").fillna(0.0), rate_pct,
                         years, price_year)


def _add_without_unpriced(rows: pd.DataFrame, items: dict[int, dict[str, float]], results: Results,
                          register: Register, rate_pct: float, price_year: int | None) -> None:
    """The balance without what the cockpit does not price (:mod:`sim.mkba.unpriced`): ``unpriced_in_cockpit`` is
    its NCW benefit (EUR), ``balance_without_unpriced`` the balance less it."""
    yearly = results.yearly[results.yearly["measure"] == "school_dropout"]
    dropouts = yearly.pivot_table(index=["replication", "year"], columns="method", values="value", aggfunc="sum")
    beyond = pd.Series(dropouts_beyond_cockpit(dropouts["verkokerd"].to_numpy(), dropouts["1g1p1r"].to_numpy()),
                       index=dropouts.index)
    price = register.value("cost.school_dropout", price_year)
    years = range(1, results.scenario.horizon_years + 1)
    unpriced = {}
    for replication in rows.index:
        own = items.get(replication, {})
        whole = -sum(own.get(item, 0.0) for item in UNPRICED_ITEMS if item != "school_dropout")
        per_year = beyond.xs(replication, level="replication").reindex(years, fill_value=0.0)
        unpriced[replication] = whole + npv(list(per_year * price), rate_pct / 100.0)
    rows["unpriced_in_cockpit"] = pd.Series(unpriced)
    rows["benefits_without_unpriced"] = rows["benefits"] - rows["unpriced_in_cockpit"]
    rows["balance_without_unpriced"] = rows["balance"] - rows["unpriced_in_cockpit"]
    rows["benefit_cost_ratio_without_unpriced"] = rows["benefits_without_unpriced"] / rows["costs"].where(
        rows["costs"] != 0)
