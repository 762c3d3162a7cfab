"""Charts readable at a glance: no overlapping tick labels, Dutch words with units, no 1e7 multiplier, bands that
say how many replications they rest on (no 5%-95% from fewer than ten), green for better and red for worse."""

from pathlib import Path

import matplotlib.pyplot as plt
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
