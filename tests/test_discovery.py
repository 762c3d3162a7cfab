"""Scenario discovery of a sweep (PRIM): the box it finds is where the outcome holds, it says so in a plain sentence,
``mph sweep --discover`` writes the box table, chart and report section, and where no box can be found it says why in
one line."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from sim.experiments.discovery import MIN_RUNS, Question, box_table, choose_box, discover, sentences
from sim.reports.charts import overlapping_labels


def _synthetic(n: int = 600, seed: int = 1) -> pd.DataFrame:
    """The balance is positive exactly when fte lies in [8, 14] and the mandate is not 'ketenregie'; a drift that
    does not matter beside it."""
    rng = np.random.default_rng(seed)
    runs = pd.DataFrame({"levers.fte": rng.uniform(2, 20, n), "dynamics.drift_rate": rng.uniform(0, 1, n),
                         "mandate": rng.choice(["volledig", "gedeeltelijk", "ketenregie"], n)})
    inside = runs["levers.fte"].between(8, 14) & (runs["mandate"] != "ketenregie")
    runs["value"] = np.where(inside, 1, -1) * rng.uniform(1e4, 1e5, n)
    return runs


FACTORS = ["levers.fte", "dynamics.drift_rate", "mandate"]


def test_box_recovers_the_range_and_options_where_the_balance_is_positive() -> None:
    found = discover(_synthetic(), FACTORS)
    box = found.boxes[0]
    limits = {r.factor: r for r in box.restrictions}
    assert set(limits) == {"levers.fte", "mandate"}  # the drift does not matter and is not restricted
    assert limits["levers.fte"].low == pytest.approx(8, abs=0.4)
    assert limits["levers.fte"].high == pytest.approx(14, abs=0.4)
    assert set(limits["mandate"].levels) == {"volledig", "gedeeltelijk"}
    assert box.density >= 0.95 and box.coverage >= 0.9
    assert box.mass == pytest.approx(box.runs / found.runs)


def test_sentence_says_where_in_plain_dutch_and_english() -> None:
    found = discover(_synthetic(), FACTORS)
    dutch = sentences(found, "nl")
    assert dutch[0].startswith("Over alle 600 runs van de verkenning: het saldo is positief in ")
    assert "Het saldo is positief in " in dutch[1]
    assert "van de runs als fte regisseurs tussen 8" in dutch[1]
    assert "mandaat " in dutch[1] and "gedeeltelijk" in dutch[1] and " of " in dutch[1]
    assert "waarin het saldo positief is (box 1)" in dutch[1]
    english = sentences(found, "en")[1]
    assert "The balance is positive in " in english and "of the runs if fte regisseurs lies between 8" in english
    assert "levers." not in " ".join([*dutch, english])  # labels, not machine keys


def test_box_table_has_a_row_per_condition_with_coverage_density_and_mass() -> None:
    table = box_table(discover(_synthetic(), FACTORS), "nl")
    assert sorted(table["keuze of onzekerheid"]) == ["fte regisseurs", "mandaat"]
    assert {"dekking", "dichtheid", "massa", "van", "tot en met", "code"} <= set(table.columns)
    fte = table.set_index("code").loc["levers.fte"]
    assert fte["van"] == pytest.approx(8, abs=0.4) and fte["tot en met"] == pytest.approx(14, abs=0.4)
    assert fte["verkend van"] < 3 and fte["verkend tot en met"] > 19


def test_choice_rule_highest_coverage_with_density_at_least_080() -> None:
    trajectory = pd.DataFrame({"coverage": [1.0, 0.95, 0.9, 0.6], "density": [0.4, 0.7, 0.82, 0.97],
                               "res_dim": [0, 1, 1, 2]})
    assert choose_box(trajectory) == 2
    assert choose_box(trajectory, min_density=0.99) == 3  # none dense enough: the densest, said as such
    assert choose_box(trajectory.iloc[:1]) is None  # nothing restricted


def test_less_is_better_outcomes_ask_for_runs_below_the_threshold() -> None:
    runs = _synthetic()
    runs["value"] = -runs["value"] / 1e4  # evictions: fewer (negative difference) inside the same box
    found = discover(runs, FACTORS, Question("eviction_per_year", 0.0))
    assert {r.factor for r in found.boxes[0].restrictions} == {"levers.fte", "mandate"}
    assert "is lager dan 0" in sentences(found, "nl")[1]


@pytest.mark.parametrize(("change", "says"), [
    (lambda r: r.iloc[: MIN_RUNS - 1], f"heeft 19 runs met een uitkomst; PRIM heeft er minstens {MIN_RUNS} nodig"),
    (lambda r: r.assign(value=-5e4), "is in alle 600 runs gelijk"),
    (lambda r: r.assign(value=-r["value"].abs()), "in geen van de 600 runs geldt: het saldo is positief"),
    (lambda r: r.assign(value=r["value"].abs()), "in alle 600 runs geldt: het saldo is positief"),
    (lambda r: r.assign(**{f: r[f].iloc[0] for f in FACTORS}), "varieert geen keuze of onzekerheid"),
])
def test_no_box_gives_one_line_saying_why(change, says) -> None:
    found = discover(change(_synthetic()), FACTORS)
    assert found.boxes == ()
    lines = sentences(found, "nl")
    assert len(lines) == 1 and "\n" not in lines[0]
    assert lines[0].startswith("Geen voorwaarden gevonden: ") and says in lines[0]
    assert box_table(found).empty


def test_chart_has_no_overlaps_and_no_machine_keys(monkeypatch, tmp_path) -> None:
    from sim.reports import report_discovery

    figures = []
    monkeypatch.setattr(report_discovery, "save_png", lambda fig, path: figures.append(fig) or path)
    report_discovery.chart(discover(_synthetic(), FACTORS), tmp_path / "d.png", "nl")
    (fig,) = figures
    assert overlapping_labels(fig) == []
    words = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    assert "Onder welke voorwaarden is het saldo positief?" in words
    assert not [w for w in words if "_" in w or "levers." in w], words
    assert any("fte regisseurs" in w for w in words)


SWEEP = """
name: klein
scenario: {scenario}
design: grid
replications: 4
seed: 5
years: 1
overrides: {{population.households: 300}}
levers:
  levers.fte: [0.5, 2, 6]
  mandate:
    volledig: {{}}
    geen: {{levers.mandate.free_budget: false, levers.mandate.own_diagnosis_plan: false}}
outcomes: [mkba_balance]
"""


@pytest.fixture(scope="module")
def tiny_sweep(tmp_path_factory):
    """A 3 x 2 grid on a town of 300 households, 1 year, 4 replications: 24 runs, run once; later calls of
    ``mph sweep`` with the same --out resume from its finished batches."""
    import scenarios
    from sim.cli import main

    folder = tmp_path_factory.mktemp("discover")
    path = folder / "sweep.yaml"
    path.write_text(SWEEP.format(scenario=scenarios.bundled("variants/uncertain_example.yaml")))
    out = folder / "out"
    assert main(["sweep", str(path), "--workers", "1", "--out", str(out), "--no-discover", "--no-charts"]) == 0
    assert not (out / "discovery.csv").exists()
    table = pd.read_parquet(out / "sweep.parquet")
    balance = table[(table["method"] == "difference") & (table["measure"] == "mkba_balance")]["value"]
    return path, out, balance


def test_mph_sweep_discover_writes_box_table_chart_report_and_sentence(tiny_sweep, capsys) -> None:
    from sim.cli import main

    path, out, balance = tiny_sweep
    threshold = float(balance.median())  # half the runs above it: there is something to find
    report = out.parent / "rapport.html"
    assert main(["sweep", str(path), "--workers", "1", "--out", str(out), "--discover", "--discover-threshold",
                 str(threshold), "--report", str(report)]) == 0
    printed = capsys.readouterr().out
    assert "Onder welke voorwaarden geldt: MKBA-saldo is hoger dan" in printed
    assert "van de runs als " in printed and "(box 1)" in printed
    table = pd.read_csv(out / "discovery.csv")
    assert {"box", "keuze of onzekerheid", "dekking", "dichtheid", "massa"} <= set(table.columns)
    assert set(table["code"]) <= {"levers.fte", "mandate"} and len(table) >= 1
    assert (out / "discovery.png").stat().st_size > 0
    page = report.read_text(encoding="utf-8")
    section = page[page.index("<h2>Onder welke voorwaarden"):page.index("Gevonden met PRIM")]
    assert "<table>" in section and "<figure>" in section and "(box 1)" in section
    words = re.sub(r'src="data:[^"]*"', "", section)
    assert not re.findall(r"\b[a-z]+(?:_[a-z]+)+\b|\blevers\.|\bmkba_", words)  # labels, not machine keys


def test_mph_sweep_discover_without_a_box_says_why_in_one_line(tiny_sweep, capsys) -> None:
    from sim.cli import main

    path, out, balance = tiny_sweep
    above_all = float(balance.max()) + 1e6
    assert main(["sweep", str(path), "--workers", "1", "--out", str(out), "--no-charts", "--lang", "en",
                 "--discover-threshold", str(above_all)]) == 0  # a threshold asks for discovery
    printed = capsys.readouterr()
    line = next(x for x in printed.out.splitlines() if "No conditions found" in x)
    assert "in none of the 24 runs" in line
    assert "Traceback" not in printed.out + printed.err
    assert not (out / "discovery.csv").exists()


def test_unknown_discovery_outcome_is_refused_before_the_sweep_runs(tiny_sweep, capsys) -> None:
    from sim.cli import main

    path, out, _ = tiny_sweep
    assert main(["sweep", str(path), "--out", str(out), "--discover-outcome", "joy"]) != 0
    err = capsys.readouterr().err
    assert "--discover-outcome 'joy'" in err and "allowed" in err and "Traceback" not in err
