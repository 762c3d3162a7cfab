"""The report of ``--report`` (issue 18): one self-contained HTML file and an A4 PDF that open with a plain-language
summary and the calibration status, show the MKBA next to the published cockpit, who pays, a budget per party, the
probability of a positive balance and a glossary; Dutch by default, English with ``--lang en``."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml
from pypdf import PdfReader

from calibration.status import calibration_status
from scenarios.register import load_register
from scenarios.scenario import Scenario
from sim.cli import main
from sim.mkba.cockpit import resolve_rate
from sim.mkba.simulated import simulated_mkba
from sim.mkba.simulated_cockpit import simulated_cockpit
from sim.reports.html import render_document
from sim.reports.report import (
    budget_per_party,
    cockpit_table,
    escalations_per_year,
    summary_sentences,
    write_simulated_report,
)
from sim.reports.report_doc import report_paths
from sim.reports.report_text import glossary, keur, number
from sim.run import Results, run_scenario

A4_POINTS = (595.28, 841.89)
GLOSSARY_TERMS = ("MPH", "MDA", "NCW", "MKBA", "Verkokerd", "Kasbaar", "Regisseur", "1g1p1r", "Ketenregie",
                  "Recidive")
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


@pytest.fixture(scope="module")
def town(small: Scenario) -> Scenario:
    return small.with_overrides({"population.households": 300, "horizon_years": 2, "replications": 4}, "test")


@pytest.fixture(scope="module")
def results(town: Scenario) -> Results:
    return run_scenario(town, methods=["verkokerd", "1g1p1r"])


@pytest.fixture(scope="module")
def reports(results: Results, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, Path]]:
    """lang -> (the HTML text, the PDF path) of the run report."""
    out = tmp_path_factory.mktemp("report")
    found = {}
    for lang in ("nl", "en"):
        html, pdf = write_simulated_report(out / f"run_{lang}.html", results, load_register(), lang=lang)
        found[lang] = (html.read_text(encoding="utf-8"), pdf)
    return found


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages)


def test_html_is_self_contained(reports: dict[str, tuple[str, Path]]) -> None:
    for page, _ in reports.values():
        assert not EXTERNAL.search(page), "a report must not load anything from the network"
        assert "<script" not in page and "<link" not in page
        assert 'src="data:image/png;base64,' in page  # the chart travels inside the file


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_report_opens_with_summary_then_status(reports: dict[str, tuple[str, Path]], town: Scenario,
                                               lang: str) -> None:
    page, _ = reports[lang]
    summary = "Wat betekent dit?" if lang == "nl" else "What does this mean?"
    status = calibration_status(town).line(lang)
    assert summary in page and status in page
    assert page.index(summary) < page.index(status) < page.index('class="cockpit"')


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_report_has_cockpit_columns_parties_budget_probability_and_glossary(reports: dict[str, tuple[str, Path]],
                                                                          lang: str) -> None:
    page, _ = reports[lang]
    words = {
        "nl": ["gepubliceerde cockpit (1 jaar)", "simulatie, jaar 1", "gemiddeld per jaar over 2 jaar",
               "Totale kosten", "MKBA saldo",
               "Wie betaalt en wie profiteert", "Begroting per partij", "jaar 1", "jaar 2",
               "Kans op een positief saldo", "Woordenlijst", "1.365", "1.906", "541"],
        "en": ["published cockpit (1 year)", "simulation, year 1", "mean per year over 2 years",
               "MKBA balance", "Total costs",
               "- costs of shelter",
               "Who pays and who benefits", "Budget per party", "year 1", "year 2",
               "Probability of a positive balance", "Glossary", "1,365",
               "1,906", "541"],
    }[lang]
    for word in words:
        assert word in page, word
    for term, _ in glossary(lang):
        assert term.split(" ")[0] in page
    assert 'class="cockpit"' in page


def test_cockpit_lines_have_the_published_dutch_labels_and_english_ones() -> None:
    from sim.mkba.cockpit import BENEFITS, COSTS
    from sim.reports.report_text import cockpit_label

    for section, tree in (("costs", COSTS), ("benefits", BENEFITS)):
        for line, _ in tree.walk():
            assert cockpit_label(line.key, section, "nl") == line.label
            assert cockpit_label(line.key, section, "en") != line.label or line.label == "Cockpit"


def test_glossary_explains_the_words_of_the_issue() -> None:
    terms = " ".join(term for term, _ in glossary("nl"))
    for word in GLOSSARY_TERMS:
        assert word in terms, word
    assert all(len(meaning) > 40 for _, meaning in glossary("en"))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_pdf_is_a4_with_the_report_text(reports: dict[str, tuple[str, Path]], town: Scenario, lang: str) -> None:
    _, pdf = reports[lang]
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4_POINTS, abs=0.5)
    words = _pdf_text(pdf)
    assert ("Wat betekent dit?" if lang == "nl" else "What does this mean?") in words
    assert " ".join(calibration_status(town).line(lang).split()[:6]) in words
    assert ("Woordenlijst" if lang == "nl" else "Glossary") in words
    assert "€" in words or lang == "en"


def test_summary_sentences_come_from_the_numbers(results: Results) -> None:
    register = load_register()
    rate, _ = resolve_rate(register, None, None)
    mkba = simulated_mkba(results, register, rate)
    sentences = summary_sentences(results, mkba, register, "nl")
    assert 3 <= len(sentences) <= 5
    avoided = -escalations_per_year(results.summary())["difference"].sum()
    assert number(abs(avoided)) in sentences[0]
    positive = (mkba.per_replication["balance"] > 0).mean()
    assert f"in {number(100 * positive)}% van de 4 replicaties" in sentences[2]
    assert keur(mkba.per_replication["balance"].mean()) in sentences[2]
    english = summary_sentences(results, mkba, register, "en")
    assert "escalations a year" in english[0]


def test_the_cockpit_table_is_the_simulated_cockpit_of_mph_mkba(results: Results,
                                                                reports: dict[str, tuple[str, Path]]) -> None:
    """One mapping of simulated counts onto cockpit lines: the report's table shows the simulated cockpit that
    `mph mkba` prints and writes, line for line and total for total, and the page shows its totals."""
    cockpit = simulated_cockpit(results, load_register())
    year = cockpit.year(1)
    table = {(section, key): first for section, key, _, _, _, first, _ in cockpit_table(cockpit)}
    for section in ("costs", "benefits"):
        for key, value in year[f"{section}_keur_ncw"].items():
            assert table[(section, key)] == (None if value is None else pytest.approx(value, abs=1e-3)), key
    balance = table[("result", "mkba_balance_keur")]
    assert balance == pytest.approx(year["result"]["mkba_balance_keur"], abs=1e-3)
    assert balance == pytest.approx(table[("benefits", "total")] - table[("costs", "total")])
    for lang, (page, _) in reports.items():
        for total in (table[("costs", "total")], table[("benefits", "total")], balance):
            assert number(total, lang) in page


def test_budget_is_cashable_money_per_party_and_year(results: Results) -> None:
    register = load_register()
    budget = budget_per_party(results, register)
    assert list(budget.columns) == [1, 2]  # the horizon's two years (at most five)
    costs = results.costs
    cash = costs[costs["key"].map(lambda k: bool(register[k].cashable))]
    mine = cash[(cash["payer"] == "municipality") & (cash["year"] == 1)]
    expected = (mine[mine["method"] == "verkokerd"]["eur"].sum() - mine[mine["method"] == "1g1p1r"]["eur"].sum())
    assert budget.loc["municipality", 1] == pytest.approx(expected / results.measures["replication"].nunique())
    hours = costs[costs["key"] == "cost.professional_hour"]
    assert not hours.empty and not register["cost.professional_hour"].cashable  # time saved is not money


def test_report_paths_for_a_file_or_a_folder(tmp_path: Path) -> None:
    assert report_paths(tmp_path / "r.html") == (tmp_path / "r.html", tmp_path / "r.pdf")
    assert report_paths(tmp_path / "rapport") == (tmp_path / "rapport" / "rapport.html",
                                                 tmp_path / "rapport" / "rapport.pdf")


# --- the commands -----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def town_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("town") / "town.yaml"
    path.write_text(yaml.safe_dump({"extends": "example_municipality", "name": "Testdorp", "horizon_years": 2,
                                    "population": {"households": 300}, "levers": {"fte": 2}}))
    return path


def test_mph_run_and_mkba_write_the_report(town_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "run.html"
    assert main(["run", str(town_file), "--reps", "2", "--out", str(tmp_path / "out"), "--no-charts",
                 "--report", str(target), "--lang", "en"]) == 0
    assert "What does this mean?" in target.read_text(encoding="utf-8")
    assert target.with_suffix(".pdf").stat().st_size > 0
    folder = tmp_path / "mkba"
    assert main(["mkba", str(town_file), "--reps", "2", "--report", str(folder)]) == 0
    page = (folder / "rapport.html").read_text(encoding="utf-8")
    assert "MKBA van één gezin" in page and (folder / "rapport.pdf").exists()


def test_unwritable_report_is_refused_in_one_line_before_any_work(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--report", "/proc/no/such/report.html"]) == 2  # refused before the simulation
    assert main(["mkba", "--cockpit", "--report", "/proc/no/such"]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 2 and all(line.startswith("mph: error:") and "--report" in line for line in errors)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_mph_mkba_cockpit_report(tmp_path: Path, lang: str) -> None:
    target = tmp_path / "cockpit.html"
    assert main(["mkba", "--cockpit", "--report", str(target), "--lang", lang]) == 0
    page = target.read_text(encoding="utf-8")
    words_of = {"nl": ("Wat betekent dit?", "nagerekend"), "en": ("What does this mean?", "reproduced")}
    summary, reproduced = words_of[lang]
    assert summary in page and reproduced in page and not EXTERNAL.search(page)
    assert number(1365, lang) in page and number(541, lang) in page  # published totals and balance
    words = _pdf_text(target.with_suffix(".pdf"))
    assert summary in words and ("Woordenlijst" if lang == "nl" else "Glossary") in words
    height = float(PdfReader(target.with_suffix(".pdf")).pages[0].mediabox.height)
    assert height == pytest.approx(A4_POINTS[1], abs=0.5)


# --- the sweep's summary (no simulation: a table with known numbers) -------------------------------------------------


@pytest.fixture(scope="module")
def grid(tmp_path_factory: pytest.TempPathFactory):
    from sim.experiments.sweep import load_sweep

    path = tmp_path_factory.mktemp("sweep") / "grid.yaml"
    path.write_text(yaml.safe_dump({
        "name": "test", "design": "grid", "replications": 4, "seed": 1, "outcomes": ["mkba_balance"],
        "levers": {"levers.fte": [4, 8, 12], "mandate": {"volledig": {}, "ketenregie": {
            "levers.mandate.own_diagnosis_plan": False, "levers.mandate.free_budget": False}}}}, sort_keys=False))
    return load_sweep(path)


def _table(grid, balances: dict[tuple[int, str], list[float]]) -> pd.DataFrame:
    rows = []
    for _, point in grid.design_table().iterrows():
        for replication, value in enumerate(balances[(point["levers.fte"], point["mandate"])]):
            rows.append({"point": point["point"], "levers.fte": point["levers.fte"], "mandate": point["mandate"],
                         "replication": replication, "method": "difference", "measure": "mkba_balance",
                         "value": value})
    return pd.DataFrame(rows)


def test_sweep_summary_names_the_best_point_the_best_fte_per_mandate_and_the_risky_points(grid) -> None:
    from sim.reports.report_sweep import sweep_sentences

    balances = {(4, "volledig"): [1e5, 2e5, 3e5, 4e5], (8, "volledig"): [5e5, 6e5, 7e5, 8e5],
                (12, "volledig"): [2e5, 3e5, 4e5, -1e5], (4, "ketenregie"): [-1e5, -2e5, 1e5, -3e5],
                (8, "ketenregie"): [1e5, -1e5, 2e5, 3e5], (12, "ketenregie"): [-5e5, -6e5, -4e5, -7e5]}
    text = " ".join(sweep_sentences(grid, _table(grid, balances), "nl"))
    assert "hoogst bij fte regisseurs 8, mandaat volledig: 650" in text
    assert "Beste fte regisseurs per mandaat: volledig: 8; ketenregie: 8." in text
    assert "onder 50% bij: mandaat ketenregie: fte regisseurs 4, 12." in text
    assert "positief op 4 van de 6 ontwerppunten" in text
    assert "positive everywhere" not in text


def test_sweep_report_is_a_report(grid, tmp_path: Path) -> None:
    from sim.reports.report_doc import write_document
    from sim.reports.report_sweep import sweep_report

    balances = {key: [1e5, 2e5, -1e5, 3e5] for key in [(f, m) for f in (4, 8, 12) for m in ("volledig", "ketenregie")]}
    html, pdf = write_document(sweep_report(grid, _table(grid, balances), 2.25, lang="en"), tmp_path / "s.html")
    page = html.read_text(encoding="utf-8")
    assert "What does this mean?" in page and "Glossary" in page and not EXTERNAL.search(page)
    assert "at least half of the replications" in page
    assert float(PdfReader(pdf).pages[0].mediabox.width) == pytest.approx(A4_POINTS[0], abs=0.5)


# --- compare, from a comparison with known numbers ----------------------------------------------------------------


@pytest.fixture(scope="module")
def comparison(town: Scenario):  # a Comparison of two scenarios with known balances, no simulation
    from scenarios.domains import ESCALATIONS
    from scenarios.register import STAKEHOLDERS
    from sim.experiments.compare import Comparison

    other = town.with_overrides({"name": "Twintig fte", "levers.fte": 20}, "test")
    rows = []
    for name, shift in (("Voorbeeldgemeente", 0.0), ("Twintig fte", -3e5)):
        for replication in range(10):
            values = {"mkba_costs": 1e6, "mkba_benefits": 1.2e6 + shift + 1e5 * (replication - 4.5),
                      "mkba_benefit_cost_ratio": 1.2, **{f"{e}_per_year": -2.0 for e in ESCALATIONS}}
            values["mkba_balance"] = values["mkba_benefits"] - values["mkba_costs"]
            for who in STAKEHOLDERS:
                values |= {f"mkba_balance_{who}": 1e4, f"mkba_balance_{who}_cashable": 5e3,
                           f"mkba_balance_{who}_non_cashable": 5e3}
            rows += [{"scenario": name, "replication": replication, "method": "difference", "measure": key,
                      "value": value} for key, value in values.items()]
    return Comparison(["Voorbeeldgemeente", "Twintig fte"], [town, other], pd.DataFrame(rows), pd.DataFrame(), 2.25,
                      False)


def test_compare_report_names_the_best_scenario_and_its_probability(comparison) -> None:
    from sim.reports.report_compare import compare_report, compare_sentences

    sentences = compare_sentences(comparison, "nl")
    assert sentences[0].startswith("Van de 2 scenario's heeft 'Voorbeeldgemeente' het hoogste MKBA-saldo (200 [")
    assert "positief in 70% van de replicaties" in sentences[0] and "'Twintig fte' het laagste (-100)" in sentences[0]
    html = render_document(compare_report(comparison, "nl"))
    assert "gepubliceerde cockpit (1 jaar)" in html and "Woordenlijst" in html and "70%" in html


# --- a real browser ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def every_report(reports: dict[str, tuple[str, Path]], comparison, grid,
                 tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One HTML report of each kind: run (nl, en), the cockpit, a comparison and a sweep."""
    from sim.reports.report_compare import compare_report
    from sim.reports.report_doc import write_document
    from sim.reports.report_sweep import sweep_report

    out = tmp_path_factory.mktemp("every")
    found = {f"run_{lang}": pdf.with_suffix(".html") for lang, (_, pdf) in reports.items()}
    assert main(["mkba", "--cockpit", "--report", str(out / "cockpit.html")]) == 0
    found["cockpit"] = out / "cockpit.html"
    found["compare"] = write_document(compare_report(comparison, "nl"), out / "compare.html")[0]
    balances = {(f, m): [1e5, 2e5, -1e5, 3e5] for f in (4, 8, 12) for m in ("volledig", "ketenregie")}
    found["sweep"] = write_document(sweep_report(grid, _table(grid, balances), 2.25), out / "sweep.html")[0]
    return found


MACHINE_KEYS = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\blevers\.|\bmkba_|\btrajectory\.")


@pytest.mark.parametrize("kind", ["run_nl", "run_en", "cockpit", "compare", "sweep"])
def test_report_renders_offline_in_chromium_without_machine_keys(every_report: dict[str, Path], kind: str) -> None:
    from sim.workshop.serve import CHROMIUM_ARGS, find_chromium

    chromium = find_chromium()
    if chromium is None:
        if os.environ.get("MPH_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium not found and MPH_REQUIRE_BROWSER=1")
        pytest.skip("chromium not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    heading = "What does this mean?" if kind.endswith("_en") else "Wat betekent dit?"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.goto(every_report[kind].as_uri())
        assert page.get_by_role("heading", name=heading).is_visible()
        assert page.locator("table.cockpit").is_visible()
        images = page.locator("img")
        drawn = [images.nth(i).evaluate("img => img.naturalWidth") for i in range(images.count())]
        body = page.inner_text("body")
        browser.close()
    assert all(width > 0 for width in drawn)  # every embedded chart draws
    assert [url for url in requests if not url.startswith(("file:", "data:"))] == []
    assert MACHINE_KEYS.findall(body) == []


# --- the documentation for policy makers ------------------------------------------------------------------------------

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_glossary_page_comes_from_the_reports_glossary() -> None:
    from sim.reports.report_text import glossary_markdown

    page = (DOCS / "woordenlijst.md").read_text(encoding="utf-8")
    assert page == glossary_markdown("nl"), "docs/woordenlijst.md is stale: run scripts/docs-rapport"


def test_example_report_is_in_docs_as_html_and_a4_pdf() -> None:
    folder = DOCS / "voorbeeldrapport"
    for name, heading in (("rapport", "Wat betekent dit?"), ("report-en", "What does this mean?")):
        page = (folder / f"{name}.html").read_text(encoding="utf-8")
        assert heading in page and 'class="cockpit"' in page and not EXTERNAL.search(page)
        pages = PdfReader(folder / f"{name}.pdf").pages
        assert all((float(p.mediabox.width), float(p.mediabox.height)) == pytest.approx(A4_POINTS, abs=0.5)
                   for p in pages)
    guide = (DOCS / "uitkomsten-lezen.md").read_text(encoding="utf-8")
    for topic in ("Niet gekalibreerd", "interval", "niet gesimuleerd", "kasbaar", "scripts/docs-rapport"):
        assert topic in guide, topic


def test_point_values_are_not_called_calibrated() -> None:
    """Under --point no replication draws the fitted parameters, so no report sentence may call the run calibrated
    (its status line says "Puntwaarden"); with the posterior drawn, it may."""
    from scenarios.posterior import load_posterior, pinned
    from scenarios.scenario import load_scenario

    if load_posterior() is None:
        pytest.skip("no posterior ships")
    scenario = load_scenario()
    assert calibration_status(scenario).drawing
    point = calibration_status(pinned(scenario))
    assert point.calibrated and not point.drawing
    assert point.line("nl").startswith("Puntwaarden")
