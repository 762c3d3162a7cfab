"""The cockpit reproduces the published example municipality and reacts to inputs as the reasoning says."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest
import yaml

from scenarios.errors import UserError
from scenarios.register import load_register
from sim.cli import main
from sim.mkba.breakeven import break_even
from sim.mkba.cockpit import compare, compute_cockpit, published_sum_gaps
from sim.mkba.inputs import EXAMPLE, load_inputs
from sim.reports.outputs import atomic_target

SHARED_COCKPIT = Path(__file__).resolve().parents[2] / "shared" / "domain" / "lpbl_cockpit.yaml"
SECTIONS = ("quantities", "costs_keur_ncw", "benefits_keur_ncw", "result")


@pytest.fixture(scope="module")
def register():
    return load_register()


@pytest.fixture(scope="module")
def inputs():
    return load_inputs()


@pytest.fixture(scope="module")
def result(inputs, register):
    return compute_cockpit(inputs, register)


def _flat(section: dict) -> dict:
    return {**{k: v for k, v in section.items() if k != "diff"}, **section.get("diff", {})}


def test_bundled_published_figures_are_the_shared_transcription(inputs):
    if not SHARED_COCKPIT.is_file():
        pytest.skip("shared/domain/lpbl_cockpit.yaml is not beside this checkout")
    shared = yaml.safe_load(SHARED_COCKPIT.read_text(encoding="utf-8"))
    published = inputs.published.model_dump()
    for section in SECTIONS:
        assert published[section] == shared[section], section
    mine = inputs.inputs.model_dump()
    for key, value in shared["inputs"].items():
        assert mine[key] == value, key


def test_every_published_line_is_compared(result):
    compared = {(c.section, c.key) for c in compare(result)}
    published = result.published.model_dump()
    expected = {(s, k) for s in SECTIONS for k in _flat(published[s])}
    assert compared == expected
    assert len(compared) == 45


@pytest.mark.parametrize("section", SECTIONS)
def test_each_line_within_tolerance(result, section):
    rows = [c for c in compare(result) if c.section == section]
    off = [(c.key, c.published, round(c.reproduced, 2)) for c in rows
           if abs(c.reproduced - c.published) > max(0.02 * abs(c.published), 2.0)]
    assert not off


def test_quantities_round_to_the_printed_counts(result):
    for c in compare(result):
        if c.section == "quantities":
            printed = Decimal(str(c.reproduced)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            assert int(printed) == c.published, c.key


def test_returns_follow_the_published_definitions(result):
    costs, benefits = result.costs["total"], result.benefits["total"]
    immaterial = result.benefits["immaterial"]
    assert result.financial_return == pytest.approx((benefits - immaterial - costs) / costs)
    assert result.social_return == pytest.approx((benefits - costs) / costs)
    assert result.benefit_cost_ratio == pytest.approx(1 + result.social_return)
    assert round(100 * result.financial_return) == 20
    assert round(100 * result.social_return) == 40
    assert 0 < result.payback_years < 1  # one year's benefits exceed one year's costs


def test_subtotals_add_up_in_the_reproduction(result):
    c, b = result.costs, result.benefits
    assert c["total"] == pytest.approx(c["project"] + c["more_found_mph"])
    assert c["more_found_mph"] == pytest.approx(
        c["more_care_and_help_trajectories"] + c["mda_approach"] + c["fewer_care_trajectories"])
    assert b["total"] == pytest.approx(b["short_term"] + b["long_term"] + b["immaterial"])


def test_published_gaps_are_reported(result):
    gaps = published_sum_gaps(result.published)
    assert any("more_found_mph = 347" in g and "407" in g for g in gaps)
    assert any("short_term = 1508" in g and "1507" in g for g in gaps)
    assert len(gaps) == 2


@pytest.mark.parametrize("settings", [{}, {"horizon": 10, "discount_regime": "2007"}, {"price_year": 2020}])
def test_stakeholder_sums_equal_totals(inputs, register, settings):
    r = compute_cockpit(inputs, register, **settings)
    rows = r.tables.stakeholders
    assert sum(row.costs for row in rows) == pytest.approx(r.costs["total"])
    assert sum(row.benefits for row in rows) == pytest.approx(r.benefits["total"])
    assert sum(row.balance for row in rows) == pytest.approx(r.balance)


def _changed(inputs, **effects):
    changed = inputs.model_copy(deep=True)
    for name, diff in effects.items():
        getattr(changed.inputs.effectiveness, name).diff_pct = diff
    return changed


def test_twenty_points_eviction_prevention_doubles_the_eviction_chain(inputs, register, result):
    r = compute_cockpit(_changed(inputs, eviction_prevention=20), register)
    assert r.quantities["evictions_prevented"] == pytest.approx(32)
    assert r.quantities["shelter_stays_prevented"] == pytest.approx(8)
    assert r.benefits["avoided_eviction"] == pytest.approx(2 * result.benefits["avoided_eviction"])
    assert r.benefits["avoided_shelter"] == pytest.approx(2 * result.benefits["avoided_shelter"])
    assert r.benefits["avoided_health_care"] == pytest.approx(result.benefits["avoided_health_care"])
    assert r.costs["total"] == pytest.approx(result.costs["total"])
    assert r.balance - result.balance == pytest.approx(76000 + 409000, rel=1e-3)


def test_other_inputs_move_their_lines(inputs, register, result):
    r = compute_cockpit(_changed(inputs, intensive_care_reduction=-2, debt_relief=10), register)
    assert r.benefits["avoided_health_care"] == pytest.approx(2 * result.benefits["avoided_health_care"])
    assert r.quantities["financially_stabilised"] == pytest.approx(260 * 0.10 + 100 * 0.55)
    more_voly = inputs.model_copy(deep=True)
    more_voly.inputs.voly_eur = 100000
    r = compute_cockpit(more_voly, register)
    assert r.benefits["quality_of_life_fin_stability"] == pytest.approx(
        5 * result.benefits["quality_of_life_fin_stability"])


def test_horizon_and_discount_rate(inputs, register, result):
    # one year of the approach is year 0: the rate does not change it
    assert compute_cockpit(inputs, register, discount_regime="2007").costs["total"] == result.costs["total"]
    r = compute_cockpit(inputs, register, horizon=3, discount_rate_pct=5.0)
    assert r.costs["total"] == pytest.approx(result.costs["total"] * (1 + 1 / 1.05 + 1 / 1.05**2))
    assert r.social_return == pytest.approx(result.social_return)
    assert r.settings.discount_regime == "user"
    assert result.settings.discount_rate_pct == 2.25 and result.settings.discount_regime == "2020"


def test_price_year_scales_money_not_returns(inputs, register, result):
    r = compute_cockpit(inputs, register, price_year=2012)
    assert r.costs["total"] == pytest.approx(1.025 * result.costs["total"])
    assert r.social_return == pytest.approx(result.social_return)


def test_break_even_solves_the_real_calculation(inputs, register):
    found = {b.key: b for b in break_even(inputs, register)}
    fte = found["extra_staff_fte"].value
    assert fte == pytest.approx(12 + 539798 / 83416.67, rel=1e-3)
    at_fte = inputs.model_copy(deep=True)
    at_fte.inputs.extra_staff_fte = fte
    assert abs(compute_cockpit(at_fte, register).balance) < 1.0
    assert 0 < found["effect_scale"].value < 1


@pytest.mark.parametrize(("edit", "expected"), [
    (("inputs", "mph_in_approach", -5), r"inputs.mph_in_approach = -5: .*greater than or equal to 0"),
    (("inputs", "mda_share_pct", 150), r"inputs.mda_share_pct = 150: .*less than or equal to 100"),
    (("inputs", "eviction_prevention", None), r"unknown key 'inputs.eviction_prevention'.*allowed here:.*mph_current"),
    (("assumptions", "eviction_threats_base", "many"), r"assumptions.eviction_threats_base = 'many'"),
])
def test_bad_inputs_name_the_field(tmp_path, edit, expected):
    raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    section, key, value = edit
    raw[section][key] = value
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(UserError, match=f"bad.yaml: {expected}"):
        load_inputs(path)


def test_new_rate_must_stay_a_share(tmp_path):
    raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    raw["inputs"]["effectiveness"]["eviction_prevention"]["diff_pct"] = 50
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(UserError, match=r"effectiveness.eviction_prevention.*110.0%.*within 0-100%"):
        load_inputs(path)


def test_bad_settings(inputs, register):
    with pytest.raises(UserError, match=r"discount rate 20\.0%"):
        compute_cockpit(inputs, register, discount_rate_pct=20.0)
    with pytest.raises(UserError, match="discount regime '1999': allowed are 2007, 2015, 2020"):
        compute_cockpit(inputs, register, discount_regime="1999")


def test_cli_writes_json_excel_and_charts(tmp_path, capsys):
    out = tmp_path / "out"
    rc = main(["mkba", "--cockpit", "--json", str(out / "c.json"), "--excel", str(out / "c.xlsx"),
               "--charts", str(out / "charts")])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "Totale kosten" in printed and "Maatschappelijk rendement" in printed and "Gemeente" in printed

    data = json.loads((out / "c.json").read_text(encoding="utf-8"))
    for section in SECTIONS:
        assert section in data
    assert data["costs_keur_ncw"]["total"] == pytest.approx(1365, abs=2)
    assert data["quantities"]["diff"]["evictions_prevented"] == 16
    assert set(data["stakeholders_keur_ncw"]) >= {"municipality", "neighbours"}

    book = openpyxl.load_workbook(out / "c.xlsx", data_only=True)  # its layout: tests/test_excel.py
    cockpit = {row[-1]: row for row in book["Cockpit"].iter_rows(values_only=True) if row[-1]}
    assert cockpit["costs_keur_ncw.total"][2] == pytest.approx(1365, abs=2)
    assert cockpit["costs_keur_ncw.total"][3] == 1365
    assert {p.name for p in (out / "charts").iterdir()} == {"waterfall.png", "stakeholders.png"}


def test_cli_bad_input_writes_nothing(tmp_path, capsys):
    target = tmp_path / "c.json"
    assert main(["mkba", "--cockpit", "--discount-rate", "20", "--json", str(target)]) == 2
    assert "discount rate 20.0%" in capsys.readouterr().err
    assert not target.exists()
    assert main(["mkba", str(tmp_path / "no_such_scenario.yaml")]) == 2
    assert "not found" in capsys.readouterr().err


def test_atomic_target_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "x.json"
    with pytest.raises(RuntimeError), atomic_target(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_no_comparison_when_settings_differ_from_the_published_case(inputs, register):
    assert compare(compute_cockpit(inputs, register, horizon=5)) == []
    assert compare(compute_cockpit(inputs, register, price_year=2020)) == []
    assert compare(compute_cockpit(inputs, register, discount_regime="2007"))  # horizon 1: rate irrelevant
