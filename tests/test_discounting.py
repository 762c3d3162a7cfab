"""Discounting arithmetic, payback and stakeholder NCW tables."""

from __future__ import annotations

import pytest

from scenarios.errors import UserError
from scenarios.register import STAKEHOLDERS, Entry
from sim.mkba.discounting import check_horizon, check_rate, discount_factors, npv, payback_years
from sim.mkba.stakeholders import flows_for, ncw_tables


def test_npv_known_values():
    assert npv([100.0], 0.05) == 100.0  # year 0 is not discounted
    assert npv([100.0, 100.0, 100.0], 0.05) == pytest.approx(100 + 100 / 1.05 + 100 / 1.05**2)
    assert npv([100.0, 100.0, 100.0], 0.05) == pytest.approx(285.941, abs=1e-3)
    assert npv([0.0, 0.0, 1000.0], 0.0225) == pytest.approx(956.474, abs=1e-3)
    assert npv([10.0] * 5, 0.0) == 50.0


def test_annuity_matches_closed_form():
    rate, years = 0.03, 30
    closed = (1 - (1 + rate) ** -years) / rate * (1 + rate)  # annuity due
    assert sum(discount_factors(rate, years)) == pytest.approx(closed)


def test_payback():
    assert payback_years([100.0], [200.0], 0.0) == pytest.approx(0.5)
    assert payback_years([100.0, 0.0], [50.0, 100.0], 0.0) == pytest.approx(1.5)
    assert payback_years([100.0, 100.0], [50.0, 50.0], 0.0) is None
    # discounting delays payback
    assert payback_years([100.0, 0.0], [50.0, 50.0], 0.1) is None
    assert payback_years([100.0, 0.0, 0.0], [50.0, 50.0, 50.0], 0.1) > 2.0


@pytest.mark.parametrize("rate", [-0.5, 15.01, 25])
def test_discount_rate_outside_sane_range(rate):
    with pytest.raises(UserError, match=f"discount rate {rate}%: allowed is 0 to 15%"):
        check_rate(rate)


def test_horizon_range():
    assert check_horizon(30) == 30
    with pytest.raises(UserError, match="horizon 0 years"):
        check_horizon(0)


def _entry(payer, cashable=True):
    return Entry(value=1, unit="EUR", price_year=2011, source="test", confidence="D", payer=payer,
                 cashable=cashable)


def test_stakeholder_tables_add_up_to_item_totals():
    flows = (flows_for("a", "cost", [100.0, 100.0], _entry("municipality"))
             + flows_for("b", "benefit", [80.0, 80.0], _entry({"household": 25, "care_insurer": 75}, False))
             + flows_for("c", "benefit", [0.0, 60.0], _entry("housing_corporation")))
    tables = ncw_tables(flows, 0.05)
    assert [row.stakeholder for row in tables.stakeholders] == list(STAKEHOLDERS)
    assert tables.items["a"] == pytest.approx(100 + 100 / 1.05)
    assert tables.total("cost") == pytest.approx(tables.items["a"])
    assert tables.total("benefit") == pytest.approx(tables.items["b"] + tables.items["c"])
    rows = {row.stakeholder: row for row in tables.stakeholders}
    assert rows["household"].benefits_non_cashable == pytest.approx(0.25 * tables.items["b"])
    assert rows["care_insurer"].benefits_cashable == 0.0
    assert rows["housing_corporation"].benefits_cashable == pytest.approx(60 / 1.05)
    assert tables.yearly_costs == [100.0, 100.0]
    assert tables.yearly_benefits == [80.0, 140.0]
