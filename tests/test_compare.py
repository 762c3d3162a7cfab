"""mph compare: scenarios side by side with intervals, the MKBA as `mph mkba` computes it, an offline HTML report."""

import base64
import re

import pytest

from scenarios.register import load_register
from sim.experiments.compare import compare, side_by_side, write_report
from sim.mkba.simulated import simulated_mkba
from sim.run import run_scenario


@pytest.fixture(scope="module")
def towns(small):
    tiny = small.with_overrides({"population.households": 400, "horizon_years": 2})
    return [tiny.with_overrides({"name": "2 fte", "levers.fte": 2}),
            tiny.with_overrides({"name": "4 fte", "levers.fte": 4})]


@pytest.fixture(scope="module")
def comparison(towns):
    return compare(towns, replications=2, progress=False)


def test_mkba_per_scenario_equals_a_single_run(comparison, towns):
    register = load_register()
    alone = simulated_mkba(run_scenario(towns[1], replications=2, register=register), register,
                           comparison.rate_pct).summary()
    summary = comparison.summary()
    assert summary.loc[("4 fte", "difference", "mkba_balance"), "mean"] == pytest.approx(alone.loc["balance", "mean"])
    assert summary.loc[("4 fte", "difference", "mkba_balance"), "mean"] != pytest.approx(
        summary.loc[("2 fte", "difference", "mkba_balance"), "mean"])


def test_same_households_in_every_scenario(comparison):
    # common random numbers: the old method does not depend on the regisseurs' staffing
    old = comparison.measures[comparison.measures["method"] == "verkokerd"]
    by_scenario = old.pivot_table(index=["replication", "measure"], columns="scenario", values="value")
    assert (by_scenario["2 fte"] == by_scenario["4 fte"]).all()


def test_tables_show_intervals_side_by_side(comparison):
    mkba, measures = side_by_side(comparison)
    assert list(mkba.columns) == ["2 fte", "4 fte"]
    assert re.fullmatch(r"-?[\d.,]+ \[-?[\d.,]+ – -?[\d.,]+\]", mkba.loc["MKBA saldo", "2 fte"])
    assert ("4 fte", "verschil") in measures.columns


def test_html_report_is_self_contained(comparison, tmp_path):
    written = write_report(comparison, tmp_path)
    html = (tmp_path / "vergelijking.html").read_text(encoding="utf-8")
    assert {p.name for p in written} >= {"vergelijking.html", "escalaties_waaier.png", "saldo_per_belanghebbende.png"}
    # a URL scheme, not "http": four letters that base64-embedded charts contain now and then
    assert "http://" not in html and "https://" not in html
    assert "<script" not in html and "<link" not in html and "url(" not in html
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert len(images) == 2 and all(base64.b64decode(i).startswith(b"\x89PNG") for i in images)
    assert len(re.findall(r"<img ", html)) == 2 and "MKBA saldo" in html and "4 fte" in html


def test_uncertain_draws_parameters_per_replication_the_same_in_every_scenario(towns):
    from scenarios.distributions import parse_distribution

    dist = {"register.cost.regisseur_fte_year": parse_distribution({"dist": "uniform", "low": 1, "high": 2e5}, "t")}
    twins = [t.model_copy(update={"uncertainties": dist, "name": n}) for t, n in zip(towns, ("a", "b"), strict=True)]
    twins[1] = twins[1].model_copy(update={"levers": twins[0].levers})
    result = compare(twins, replications=3, uncertain=True, progress=False).summary()
    balance = result.xs(("difference", "mkba_balance"), level=("method", "measure"))
    assert balance.loc["a", "mean"] == balance.loc["b", "mean"]  # same draws, same households
    fixed = compare(twins[:1], replications=3, progress=False).summary()
    assert fixed.loc[("a", "difference", "mkba_balance"), "p95"] != balance.loc["a", "p95"]


def test_cli_writes_report(tmp_path, capsys):
    from sim.cli import main

    paths = []
    for fte in (2, 4):
        path = tmp_path / f"s{fte}.yaml"
        path.write_text(f"extends: example_municipality\nname: {fte} fte\nhorizon_years: 2\n"
                        f"population: {{households: 400}}\nlevers: {{fte: {fte}}}\n")
        paths.append(str(path))
    assert main(["compare", *paths, "--reps", "2", "--workers", "1", "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "vergelijking.html").is_file()
    assert "MKBA-saldo" in capsys.readouterr().out  # the catalogue's word
