"""Net present value (NCW, netto contante waarde), horizon and payback.

Convention: year 0 is the first year of the approach and is not discounted; a flow in year ``t`` is worth
``flow / (1 + r) ** t`` now. With a horizon of one year the NCW equals the year's flows, which is how the
published cockpit reads (its costs are "for one year", about 1.4 million euro). Price-year indexing is
:meth:`scenarios.register.Register.value` with ``price_year``, since the CPI series is register data.
"""

from __future__ import annotations

from collections.abc import Sequence

from scenarios.errors import UserError

MAX_RATE_PCT = 15.0  # above this no Dutch MKBA regime has ever gone; a typo such as 25 for 2.5 is likelier
MAX_HORIZON_YEARS = 100


def check_rate(rate_pct: float) -> float:
    """The discount rate as a fraction, or a :class:`UserError` when outside 0-15%."""
    if not 0.0 <= rate_pct <= MAX_RATE_PCT:
        raise UserError(f"discount rate {rate_pct}%: allowed is 0 to {MAX_RATE_PCT:g}% per year "
                        "(give percent, e.g. 2.25)")
    return rate_pct / 100.0


def check_horizon(years: int) -> int:
    if not 1 <= years <= MAX_HORIZON_YEARS:
        raise UserError(f"horizon {years} years: allowed is 1 to {MAX_HORIZON_YEARS} years")
    return years


def discount_factors(rate: float, years: int) -> list[float]:
    """``1 / (1 + rate) ** t`` for t = 0 .. years-1 (rate as a fraction)."""
    return [(1.0 + rate) ** -t for t in range(years)]


def npv(flows: Sequence[float], rate: float) -> float:
    """NCW of yearly flows, the first in year 0 (rate as a fraction)."""
    return sum(f * d for f, d in zip(flows, discount_factors(rate, len(flows)), strict=True))


def payback_years(costs: Sequence[float], benefits: Sequence[float], rate: float) -> float | None:
    """Years until discounted benefits have paid back discounted costs; None if not within the flows.

    A year's costs are paid at its start and its benefits come in evenly over the year (the regisseurs are
    hired first; evictions, shelter stays and care are avoided as the year goes on), so a year whose
    benefits exceed its costs pays back part-way through.
    """
    balance = 0.0
    for year, (cost, benefit, factor) in enumerate(
        zip(costs, benefits, discount_factors(rate, len(costs)), strict=True)
    ):
        balance -= cost * factor
        gain = benefit * factor
        if balance + gain >= 0.0:
            return year + (-balance / gain if balance < 0.0 else 0.0)
        balance += gain
    return None
