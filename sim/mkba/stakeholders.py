"""Who pays and who benefits: yearly money flows per line item and stakeholder, turned into NCW tables.

This is the part the cockpit and the MKBA of a simulation run share. A caller describes each line item's
yearly amounts and the register entry that prices it; :func:`flows_for` splits the amounts over the entry's
stakeholders, and :func:`ncw_tables` discounts them into NCW per line item and per stakeholder, split into
cashable (kasbaar: a budget holder's cash saving or spending) and non-cashable.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from scenarios.register import STAKEHOLDERS, Entry
from sim.mkba.discounting import npv

Kind = Literal["cost", "benefit"]


@dataclass(frozen=True)
class MoneyFlow:
    """One line item's yearly amounts (EUR, year 0 first) for one stakeholder."""

    item: str
    kind: Kind
    stakeholder: str
    cashable: bool
    amounts: tuple[float, ...]


@dataclass(frozen=True)
class StakeholderRow:
    """NCW (EUR) of one stakeholder's costs and benefits."""

    stakeholder: str
    costs_cashable: float = 0.0
    costs_non_cashable: float = 0.0
    benefits_cashable: float = 0.0
    benefits_non_cashable: float = 0.0

    @property
    def costs(self) -> float:
        return self.costs_cashable + self.costs_non_cashable

    @property
    def benefits(self) -> float:
        return self.benefits_cashable + self.benefits_non_cashable

    @property
    def balance(self) -> float:
        return self.benefits - self.costs


@dataclass(frozen=True)
class NcwTables:
    """NCW per line item and per stakeholder (EUR), and the undiscounted yearly totals."""

    items: dict[str, float]
    stakeholders: list[StakeholderRow]
    yearly_costs: list[float] = field(default_factory=list)
    yearly_benefits: list[float] = field(default_factory=list)

    def total(self, kind: Kind) -> float:
        rows = self.stakeholders
        return sum(r.costs for r in rows) if kind == "cost" else sum(r.benefits for r in rows)


def flows_for(item: str, kind: Kind, amounts: Sequence[float], entry: Entry) -> list[MoneyFlow]:
    """Split an item's yearly amounts over the stakeholders of the register entry that prices it."""
    if entry.cashable is None or not entry.shares():
        raise ValueError(f"{item}: register entry has no payer/cashable; it cannot price money")
    return [
        MoneyFlow(item, kind, who, entry.cashable, tuple(a * share for a in amounts))
        for who, share in entry.shares().items()
    ]


def ncw_tables(flows: Iterable[MoneyFlow], rate: float) -> NcwTables:
    """Discount every flow at ``rate`` (a fraction) and add up per item and per stakeholder.

    Stakeholders come out in the fixed order of :data:`scenarios.register.STAKEHOLDERS`, all of them, so tables
    of different runs line up; per-stakeholder sums equal the item totals by construction.
    """
    items: dict[str, float] = defaultdict(float)
    cells: dict[tuple[str, str], float] = defaultdict(float)
    yearly: dict[Kind, list[float]] = {"cost": [], "benefit": []}
    for flow in flows:
        value = npv(flow.amounts, rate)
        items[flow.item] += value
        cash = "cashable" if flow.cashable else "non_cashable"
        cells[(flow.stakeholder, f"{flow.kind}s_{cash}")] += value
        totals = yearly[flow.kind]
        totals.extend([0.0] * (len(flow.amounts) - len(totals)))
        for year, amount in enumerate(flow.amounts):
            totals[year] += amount
    rows = [
        StakeholderRow(who, **{col: cells[(who, col)] for col in (
            "costs_cashable", "costs_non_cashable", "benefits_cashable", "benefits_non_cashable")})
        for who in STAKEHOLDERS
    ]
    years = max(len(yearly["cost"]), len(yearly["benefit"]))
    pad = [yearly[k] + [0.0] * (years - len(yearly[k])) for k in ("cost", "benefit")]
    return NcwTables(dict(items), rows, pad[0], pad[1])
