"""Charts readable at a glance: no overlapping tick labels, Dutch words with units, no 1e7 multiplier, bands that
say how many replications they rest on (no 5%-95% from fewer than ten), green for better and red for worse."""

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from scenarios.scenario import Scenario
from sim.reports import charts
from sim.reports import labels as L
from sim.reports.bands import MIN_REPS_FOR_QUANTILES, band_bounds, band_note
from sim.run import Results, run_scenario


@pytest.fixture(scope="module")
def few(small: Scenario) -> Results:
    return run_scenario(small, replications=2)


@pytest.fixture(scope="module")
def many(small: Scenario) -> Results:
    return run_scenario(small.with_overrides({"horizon_years": 2}, origin="test"), replications=MIN_REPS_FOR_QUANTILES)


def drawn(results: Results, lang: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[plt.Figure]:
    """The figures of ``mph run``, kept open instead of saved."""
    figures: list[plt.Figure] = []
    monkeypatch.setattr(charts, "save_png", lambda fig, path: figures.append(fig) or path)
    charts.write_all(results, tmp_path, lang)
    return figures


def texts(fig: plt.Figure) -> list[str]:
    """Every word a reader sees: titles, axis labels, tick labels, legends."""
    found = [fig._suptitle.get_text()] if fig._suptitle else []
    for ax in fig.axes:
        found += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        found += [t.get_text() for t in (*ax.get_xticklabels(), *ax.get_yticklabels())]
        if ax.get_legend():
            found += [t.get_text() for t in ax.get_legend().get_texts()] + [ax.get_legend().get_title().get_text()]
    for legend in fig.legends:
        found += [t.get_text() for t in legend.get_texts()]
    return [t for t in found if t]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_run_charts_have_no_overlapping_tick_labels_and_no_raw_keys(few: Results, lang: str, monkeypatch,
                                                                   tmp_path: Path) -> None:
    figures = drawn(few, lang, monkeypatch, tmp_path)
    assert len(figures) == 4
    for fig in figures:
        assert charts.overlapping_labels(fig) == []
        words = texts(fig)
        assert not [w for w in words if "_" in w], words  # no machine key such as eviction_per_year
        for ax in fig.axes:  # no offset or multiplier such as 1e7 beside an axis
            assert ax.xaxis.get_offset_text().get_text() == ""
            assert ax.yaxis.get_offset_text().get_text() == ""
        plt.close(fig)


def test_run_charts_speak_dutch_by_default_with_units(few: Results, monkeypatch, tmp_path: Path) -> None:
    words = [w for fig in drawn(few, "nl", monkeypatch, tmp_path) for w in texts(fig)]
    assert "huisuitzettingen" in words
    assert "Gemeente" in words
    assert any("x € 1.000" in w for w in words)  # money says its unit
    assert any("per jaar" in w for w in words)
    assert not any("evictions" in w for w in words)


def test_a_band_from_two_replications_is_the_range_and_says_so(few: Results, many: Results, monkeypatch,
                                                               tmp_path: Path) -> None:
    words = " ".join(w for fig in drawn(few, "nl", monkeypatch, tmp_path) for w in texts(fig))
    assert "laagste tot hoogste van 2 replicaties" in words
    assert "5%–95% over" not in words and "5-95%" not in words
    words = " ".join(w for fig in drawn(many, "en", monkeypatch, tmp_path) for w in texts(fig))
    assert f"5%–95% over {MIN_REPS_FOR_QUANTILES} replications" in words
    assert band_bounds([1.0, 5.0]) == (1.0, 5.0)
    assert band_note(1) == "gemiddelde van 1 replicaties"


def test_axis_numbers_follow_the_language_without_multiplier() -> None:
    fig, ax = plt.subplots()
    ax.plot([0, 25_000_000], [0, 12_500])
    ax.xaxis.set_major_formatter(L.axis_formatter("nl", scale=1e6))
    ax.yaxis.set_major_formatter(L.axis_formatter("en"))
    fig.canvas.draw()
    xs = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    ys = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert "25" in xs and ax.xaxis.get_offset_text().get_text() == ""
    assert "12,500" in ys or "10,000" in ys
    assert L.money_scale([2.5e7]) == (1e6, "meur")
    plt.close(fig)


SWEEP = """
name: test grid
scenario: {scenario}
design: grid
samples: 1
replications: 2
seed: 3
years: 2
overrides: {{population.households: 400}}
levers:
  levers.fte: [1, 4]
  mandate:
    volledig: {{}}
    geen: {{levers.mandate.free_budget: false, levers.mandate.own_diagnosis_plan: false}}
outcomes: [mkba_balance, eviction_per_year]
"""


@pytest.fixture(scope="module")
def grid(tmp_path_factory: pytest.TempPathFactory):
    import scenarios
    from scenarios.register import load_register
    from sim.experiments.sweep import load_sweep, run_sweep

    folder = tmp_path_factory.mktemp("sweep")
    path = folder / "sweep.yaml"
    path.write_text(SWEEP.format(scenario=scenarios.bundled("example_municipality.yaml")))
    sweep = load_sweep(path)
    return sweep, run_sweep(sweep, folder, load_register(), 2.25, progress=False)


def test_sweep_charts_are_green_where_better_and_labelled(grid, monkeypatch, tmp_path: Path) -> None:
    from matplotlib.image import AxesImage

    from sim.reports import sweep as reports

    sweep, table = grid
    figures: list[plt.Figure] = []
    monkeypatch.setattr(reports, "save_png", lambda fig, path: figures.append(fig) or path)
    reports.heatmap(sweep, table, "eviction_per_year", tmp_path / "h.png")
    reports.break_even_chart(sweep, table, "mkba_balance", tmp_path / "b.png", "en")
    heat, line = figures
    image = next(a for a in heat.axes[0].get_children() if isinstance(a, AxesImage))
    data = image.get_array()
    red, green, _, _ = image.cmap(image.norm(data.min()))  # the fewest extra evictions
    assert green > red  # fewer evictions are green, not alarm-red
    red, green, _, _ = image.cmap(image.norm(abs(data).max()))  # as many more evictions: red
    assert red > green
    for fig in figures:
        assert charts.overlapping_labels(fig) == []
        words = texts(fig)
        assert not [w for w in words if "_" in w or w.startswith("levers.")], words
    assert heat.axes[0].get_xlabel() == "fte regisseurs"
    assert "huisuitzettingen" in heat.axes[0].get_title()
    assert "x EUR" in line.axes[0].get_ylabel()  # money with its unit, no 1e7 multiplier
    assert line.axes[0].yaxis.get_offset_text().get_text() == ""
    assert "lowest to highest" in line.axes[0].get_title()  # two replications per point: the range


def test_tornado_names_factors_and_units(monkeypatch, tmp_path: Path) -> None:
    from sim.reports import sweep as reports

    indices = pd.DataFrame({"mu_star": [2.4e7, 4.0e6], "mu_star_conf": [3e6, 1e6], "sigma": [1.0, 1.0]},
                           index=pd.Index(["levers.fte", "dynamics.drift_rate"], name="factor"))
    indices["importance"] = indices["mu_star"]
    figures: list[plt.Figure] = []
    monkeypatch.setattr(reports, "save_png", lambda fig, path: figures.append(fig) or path)
    reports.tornado(indices, "morris", "mkba_balance", tmp_path / "t.png", "nl", indices["mu_star"])
    (fig,) = figures
    ax = fig.axes[0]
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["verslechtering zonder hulp (per week)",
                                                            "fte regisseurs"]
    assert "x € 1 mln" in ax.get_xlabel()
    assert ax.xaxis.get_offset_text().get_text() == ""
    assert charts.overlapping_labels(fig) == []


def test_simulated_waterfall_has_at_most_a_dozen_labelled_bars(few: Results, monkeypatch, tmp_path: Path) -> None:
    from scenarios.register import load_register
    from sim.mkba.simulated import simulated_mkba
    from sim.reports import mkba as reports

    mkba = simulated_mkba(few, load_register(), 2.25)
    assert len(mkba.items.columns) > 12  # what used to be 45 bars named trajectory.youth_care, ...
    figures: list[plt.Figure] = []
    monkeypatch.setattr(reports, "save_png", lambda fig, path: figures.append(fig) or path)
    reports.write_simulated_charts(mkba, tmp_path)
    waterfall = figures[0]
    ax = waterfall.axes[0]
    assert len(ax.patches) <= 12
    names = [t.get_text() for t in ax.get_xticklabels()]
    assert "hulptrajecten organisaties" in names
    assert not [n for n in names if "_" in n or "." in n]
    total = sum(value for _, value in charts.grouped_items(mkba.items.mean()))
    assert total == pytest.approx(mkba.items.mean().sum())  # grouping loses no money
