"""The MKBA of a simulation run: the difference between the methods, priced and discounted."""

import json
import re

import pytest

from scenarios.register import STAKEHOLDERS, load_register
from sim.cli import main
from sim.mkba.discounting import npv
from sim.mkba.simulated import simulated_mkba
from sim.run import run_scenario


@pytest.fixture(scope="module")
def results(small):
    return run_scenario(small)


def test_stakeholder_balances_add_up_to_the_balance(results):
    mkba = simulated_mkba(results, load_register(), 2.25)
    rows = mkba.per_replication
    by_stakeholder = rows[[f"balance_{s}" for s in STAKEHOLDERS]].sum(axis=1)
    assert by_stakeholder.to_numpy() == pytest.approx(rows["balance"].to_numpy())
    assert rows["balance"].to_numpy() == pytest.approx((rows["benefits"] - rows["costs"]).to_numpy())


def test_without_regisseurs_there_is_nothing_to_price(small):
    res = run_scenario(small.with_overrides({"levers.fte": 0}))
    rows = simulated_mkba(res, load_register(), 2.25).per_replication
    assert rows["costs"].abs().max() == pytest.approx(0.0, abs=1e-6)
    assert rows["benefits"].abs().max() == pytest.approx(0.0, abs=1e-6)


def test_dearer_regisseurs_cost_their_discounted_price(results, small):
    register = load_register()
    fte_cost = register.value("cost.regisseur_fte_year")
    dearer = register.with_values({"cost.regisseur_fte_year": fte_cost + 10_000}, "test", None)
    base = simulated_mkba(results, register, 3.0).per_replication["costs"]
    more = simulated_mkba(results, dearer, 3.0).per_replication["costs"]
    extra = npv([small.levers.fte * 10_000] * small.horizon_years, 0.03)
    assert (more - base).to_numpy() == pytest.approx(extra)


def test_cli_prints_and_writes_json(tmp_path, small, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(small.to_yaml())
    out = tmp_path / "mkba.json"
    assert main(["mkba", str(path), "--reps", "2", "--discount-regime", "2015", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["settings"]["discount_rate_pct"] == 3.0
    assert {"mean", "p5", "p95"} <= set(data["results_eur_ncw"]["balance"])
    assert "MKBA saldo" in capsys.readouterr().out


def test_cashable_split_and_price_year(results):
    register = load_register()
    base = simulated_mkba(results, register, 2.25).per_replication
    for s in STAKEHOLDERS:
        parts = base[f"balance_{s}_cashable"] + base[f"balance_{s}_non_cashable"]
        assert parts.to_numpy() == pytest.approx(base[f"balance_{s}"].to_numpy())
    later = simulated_mkba(results, register, 2.25, price_year=2024).per_replication
    factor = register.index_factor(2011, 2024)
    assert factor > 1
    assert later["costs"].to_numpy() == pytest.approx(base["costs"].to_numpy() * factor)


def test_cli_writes_excel_and_charts(tmp_path, small):
    import openpyxl
    from PIL import Image

    path = tmp_path / "s.yaml"
    path.write_text(small.to_yaml())
    book, charts = tmp_path / "mkba.xlsx", tmp_path / "charts"
    assert main(["mkba", str(path), "--reps", "2", "--excel", str(book), "--charts", str(charts)]) == 0
    sheets = openpyxl.load_workbook(book)
    assert sheets.sheetnames == ["MKBA", "Posten", "Wie betaalt", "Instellingen", "Bronnen"]  # tests/test_excel.py
    balance = next(r for r in sheets["MKBA"].iter_rows(values_only=True) if r[-1] == "balance")
    assert all(isinstance(v, float) for v in balance[2:5])
    for name in ("waterfall.png", "stakeholders.png"):
        assert Image.open(charts / name).size[0] > 500


def test_break_even_fte_price_zeroes_the_balance(results):
    register = load_register()
    rows = simulated_mkba(results, register, 2.25).per_replication
    for replication, price in rows["break_even_fte_cost"].items():
        at_break_even = register.with_values({"cost.regisseur_fte_year": price}, "test", None)
        balance = simulated_mkba(results, at_break_even, 2.25).per_replication.loc[replication, "balance"]
        assert balance == pytest.approx(0.0, abs=1e-3)


def test_balance_without_unpriced_escalations(results):
    """Item 9: out-of-home placement is priced (register, grade D) but the cockpit does not price it; the balance
    without it does not move when its price does, the balance with it moves by the full amount."""
    register = load_register()
    price = register.value("cost.out_of_home_placement_year")
    base = simulated_mkba(results, register, 2.25).per_replication
    dearer = simulated_mkba(results, register.with_values({"cost.out_of_home_placement_year": 2 * price}, "test",
                                                          None), 2.25).per_replication
    assert dearer["balance_without_unpriced"].to_numpy() == pytest.approx(base["balance_without_unpriced"].to_numpy())
    moved = (dearer["balance"] - base["balance"]).to_numpy()
    assert moved == pytest.approx((dearer["unpriced_in_cockpit"] - base["unpriced_in_cockpit"]).to_numpy())
    assert (base["balance"] - base["balance_without_unpriced"]).to_numpy() == pytest.approx(
        base["unpriced_in_cockpit"].to_numpy())


def test_dropouts_beyond_the_cockpit_are_those_past_its_relative_effect():
    import numpy as np

    from sim.mkba.unpriced import COCKPIT_DROPOUT_REDUCTION, dropouts_beyond_cockpit

    assert abs(COCKPIT_DROPOUT_REDUCTION - 1 / 49) < 1e-12  # cockpit: -1 point on a dropout rate of 49%
    old, new = np.array([98.0, 98.0, 98.0]), np.array([78.0, 97.0, 100.0])
    assert dropouts_beyond_cockpit(old, new) == pytest.approx([18.0, 0.0, 0.0])


def test_cli_shows_the_balance_without_unpriced_and_the_calibration_status(tmp_path, small, capsys):
    import openpyxl

    path = tmp_path / "s.yaml"
    path.write_text(small.to_yaml())
    out, book = tmp_path / "mkba.json", tmp_path / "mkba.xlsx"
    assert main(["mkba", str(path), "--reps", "2", "--json", str(out), "--excel", str(book)]) == 0
    printed = capsys.readouterr().out
    assert "MKBA-saldo zonder wat de cockpit niet prijst" in printed and "uithuisplaatsing" in printed
    assert re.search(r"^(Gekalibreerd|Niet gekalibreerd|Puntwaarden)", printed, re.M)  # what the balance rests on
    data = json.loads(out.read_text())
    assert {"mean", "p5", "p95"} <= set(data["results_eur_ncw"]["balance_without_unpriced"])
    assert set(data["without_unpriced_leaves_out"]) == {"placement_child_weeks", "school_dropout", "utility_cutoff"}
    assert data["calibration_status"].startswith(("Calibrated", "Not calibrated", "Point values"))
    rows = list(openpyxl.load_workbook(book)["MKBA"].iter_rows(values_only=True))
    assert "balance_without_unpriced" in [r[-1] for r in rows]
    cells = [r[0] for r in rows]
    assert any(isinstance(c, str) and c.startswith(("Gekalibreerd", "Niet gekalibreerd", "Puntwaarden")) for c in cells)
