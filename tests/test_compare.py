"""mph compare: scenarios side by side with intervals, the MKBA as `mph mkba` computes it, and one report for
policy makers (OUT/vergelijking.html, and with --report also its A4 PDF): the sections of every report, then the
comparison's tables and charts, in the catalogue's words (Dutch, or English with --lang en)."""

import base64
import html as htmllib
import re

import pytest
from test_report import MACHINE_KEYS  # the report tests' check for machine keys in what a reader sees

from scenarios.register import load_register
from sim.experiments.compare import compare, labelled_summary, side_by_side, write_report
from sim.mkba.simulated import simulated_mkba
from sim.run import run_scenario

DUTCH_NUMBER = r"-?\d{1,3}(?:\.\d{3})*(?:,\d+)?"
ENGLISH_NUMBER = r"-?\d{1,3}(?:,\d{3})*(?:\.\d+)?"


def visible_text(page: str) -> str:
    """What a reader sees of an HTML page: no styles, no tags, no embedded images."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", page))


def headings(page: str) -> list[str]:
    return re.findall(r"<h2>(.*?)</h2>", page)


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


@pytest.mark.parametrize(("lang", "balance", "difference", "number"), [
    ("nl", "MKBA-saldo", "verschil", DUTCH_NUMBER), ("en", "MKBA balance", "difference", ENGLISH_NUMBER)])
def test_tables_show_intervals_side_by_side_in_the_catalogues_words(comparison, lang, balance, difference, number):
    mkba, measures = side_by_side(comparison, lang)
    assert list(mkba.columns) == ["2 fte", "4 fte"]
    assert re.fullmatch(rf"{number} \[{number} – {number}\]", mkba.loc[balance, "2 fte"])
    assert ("4 fte", difference) in measures.columns
    assert not any(MACHINE_KEYS.search(label) for label in [*mkba.index, *measures.index])


@pytest.mark.parametrize(("lang", "summary", "glossary"), [("nl", "Wat betekent dit?", "Woordenlijst"),
                                                            ("en", "What does this mean?", "Glossary")])
def test_html_is_the_report_self_contained_without_machine_keys(comparison, tmp_path, lang, summary, glossary):
    from calibration.status import calibration_status

    written = write_report(comparison, tmp_path, lang=lang)
    html = (tmp_path / "vergelijking.html").read_text(encoding="utf-8")
    assert {p.name for p in written} >= {"vergelijking.html", "escalaties_waaier.png", "saldo_per_belanghebbende.png"}
    # a URL scheme, not "http": four letters that base64-embedded charts contain now and then
    assert "http://" not in html and "https://" not in html
    assert "<script" not in html and "<link" not in html and "url(" not in html
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert len(images) == 2 and all(base64.b64decode(i).startswith(b"\x89PNG") for i in images)
    # the layout of every report: the summary first, then how certain it is, ..., the glossary last
    found = headings(html)
    assert found[0] == summary and found[-1] == glossary and 'table class="cockpit"' in html
    status = calibration_status(comparison.scenarios[0]).line(lang)
    assert f'<p class="status">{htmllib.escape(status)}</p>' in html
    text = visible_text(html)
    assert "4 fte" in text and MACHINE_KEYS.findall(text) == []
    assert (tmp_path / "escalaties_waaier.png").read_bytes().startswith(b"\x89PNG")


def test_summary_csv_has_labels_first_and_the_keys_last(comparison):
    frame = labelled_summary(comparison, "nl")
    assert list(frame.columns[:4]) == ["scenario", "method_label", "measure_label", "unit"]
    assert list(frame.columns[-2:]) == ["method", "measure"]
    row = frame[(frame["measure"] == "mkba_balance") & (frame["scenario"] == "4 fte")].iloc[0]
    assert row["measure_label"] == "MKBA-saldo" and row["method_label"].startswith("verschil")
    assert row["mean"] == pytest.approx(comparison.summary().loc[("4 fte", "difference", "mkba_balance"), "mean"])


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


def test_cli_writes_one_report_as_html_and_with_report_also_as_pdf(tmp_path, capsys):
    from pypdf import PdfReader

    from sim.cli import main

    paths = []
    for fte in (2, 4):
        path = tmp_path / f"s{fte}.yaml"
        path.write_text(f"extends: example_municipality\nname: {fte} fte\nhorizon_years: 2\n"
                        f"population: {{households: 400}}\nlevers: {{fte: {fte}}}\n")
        paths.append(str(path))
    report = tmp_path / "rapport.html"
    assert main(["compare", *paths, "--reps", "2", "--workers", "1", "--out", str(tmp_path / "out"),
                 "--report", str(report), "--lang", "en"]) == 0
    assert "MKBA balance" in capsys.readouterr().out  # the catalogue's word (issue 18)
    page = (tmp_path / "out" / "vergelijking.html").read_text(encoding="utf-8")
    assert headings(page) == headings(report.read_text(encoding="utf-8"))  # one and the same report
    assert "What does this mean?" in page and MACHINE_KEYS.findall(visible_text(page)) == []
    first = PdfReader(report.with_suffix(".pdf")).pages[0]
    assert (float(first.mediabox.width), float(first.mediabox.height)) == pytest.approx((595.28, 841.89), abs=0.5)
