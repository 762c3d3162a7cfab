"""Excel in the layout policy makers know (mph run --excel; the same helper serves compare and the workshop):
Dutch labels first and machine codes last, number formats rather than text, a frozen header row, A4 print setup
one page wide with the header repeated, and values rather than JSON in cells."""

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from scenarios.scenario import Scenario
from sim.cli import main
from sim.reports.summary import write_run_workbook
from sim.reports.workbook import add_sheet, cell_value, looks_like_json, workbook
from sim.run import Results, run_scenario

A4 = 9


@pytest.fixture(scope="module")
def results(small: Scenario) -> Results:
    return run_scenario(small, replications=2)


def header_row(sheet) -> int:
    """The row the panes are frozen under."""
    return openpyxl.utils.cell.coordinate_to_tuple(sheet.freeze_panes)[0] - 1


def check_layout(book: openpyxl.Workbook) -> None:
    for sheet in book:
        assert sheet.freeze_panes is not None, sheet.title
        row = header_row(sheet)
        assert sheet.print_title_rows == f"${row}:${row}", sheet.title  # the header repeats on every page
        assert int(sheet.page_setup.paperSize) == A4, sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0  # one page wide
        if sheet.max_column > 7:
            assert sheet.page_setup.orientation == "landscape", sheet.title
        for cells in sheet.iter_rows(min_row=row + 1):
            for cell in cells:
                assert not looks_like_json(cell.value), (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, float):
                    assert cell.number_format != "General", (sheet.title, cell.coordinate)


def test_run_workbook_is_laid_out_for_policy_makers(results: Results, tmp_path: Path) -> None:
    path = write_run_workbook(results, tmp_path / "run.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Samenvatting", "Kosten per post", "Stromen", "Instellingen"]
    check_layout(book)
    summary = book["Samenvatting"]
    row = header_row(summary)
    headers = [c.value for c in summary[row]]
    assert headers[:2] == ["maat", "eenheid"] and headers[-1] == "code"  # labels first, the machine key last
    rows = {r[0]: r for r in summary.iter_rows(min_row=row + 1, values_only=True)}
    evictions = rows["huisuitzettingen"]
    expected = results.summary().loc[("verkokerd", "eviction_per_year"), "mean"]
    assert evictions[headers.index("verkokerd: gemiddelde")] == pytest.approx(expected)
    assert evictions[-1] == "eviction_per_year"
    recidive = next(r for r in summary.iter_rows(min_row=row + 1) if r[0].value.startswith("recidive"))
    assert "%" in recidive[2].number_format  # a share shows as a percentage
    costs = book["Kosten per post"]
    money = [c for r in costs.iter_rows(min_row=header_row(costs) + 1) for c in r[2:-1]]
    assert money and all("€" in c.number_format for c in money)
    labels = [r[0] for r in costs.iter_rows(min_row=header_row(costs) + 1, values_only=True)]
    assert "trajecten Bureau Jeugdzorg" in labels and not any("_" in label for label in labels)


def test_run_workbook_in_english(results: Results, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_run_workbook(results, tmp_path / "run.xlsx", "en"))
    assert book.sheetnames[0] == "Summary"
    summary = book["Summary"]
    assert [c.value for c in summary[header_row(summary)]][:2] == ["measure", "unit"]


def test_cells_hold_values_not_json(tmp_path: Path) -> None:
    assert cell_value({"housing": 0.6, "finances": 0.4}) == "housing: 0.6; finances: 0.4"
    assert cell_value(float("nan")) is None
    frame = pd.DataFrame({"instelling": ["oorzaken"], "waarde": [{"housing": 0.6}]})
    with workbook(tmp_path / "x.xlsx") as book:
        add_sheet(book, "Instellingen", frame)
    sheet = openpyxl.load_workbook(tmp_path / "x.xlsx")["Instellingen"]
    assert sheet["B2"].value == "housing: 0.6"


def test_mph_run_writes_the_workbook(tmp_path: Path) -> None:
    out, excel = tmp_path / "out", tmp_path / "resultaten.xlsx"
    assert main(["run", "tests/workshop/small_town.yaml", "--reps", "1", "--years", "1", "--out", str(out),
                 "--no-charts", "--excel", str(excel)]) == 0
    check_layout(openpyxl.load_workbook(excel))
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary.columns[:3]) == ["method_label", "measure_label", "unit"]
    assert "huisuitzettingen" in set(summary["measure_label"])
    measures = pd.read_csv(out / "measures.csv")
    assert {"measure", "label"} <= set(measures.columns)  # the key stays, the words come beside it


def test_compare_workbook_and_table(small: Scenario, tmp_path: Path) -> None:
    from sim.experiments.compare import compare
    from sim.reports.summary import compare_table, write_compare_workbook

    more = small.with_overrides({"levers.fte": 6}, origin="test")
    comparison = compare([small, more], replications=2, years=2, progress=False)
    book = openpyxl.load_workbook(write_compare_workbook(comparison, tmp_path / "vergelijking.xlsx"))
    assert book.sheetnames == ["MKBA", "1g1p1r", "Verschil", "Instellingen"]
    check_layout(book)
    mkba = book["MKBA"]
    rows = list(mkba.iter_rows(min_row=header_row(mkba) + 1, values_only=True))
    assert rows[2][0] == "MKBA-saldo" and rows[2][-1] == "mkba_balance"
    settings = {r[0]: r[1:] for r in book["Instellingen"].iter_rows(values_only=True)}
    assert settings["fte regisseurs"][:2] == (3, 6)
    text = compare_table(comparison, "en")
    assert "MKBA balance" in text and "mkba_" not in text


# --- mph mkba --excel: the cockpit and the MKBA of a run, in the same layout ------------------------------------------
MACHINE_KEYS = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\bmkba_|\btrajectory\.")  # as tests/test_report.py's, less levers.


def labels_of(sheet) -> list[str]:
    """The words of a sheet below its header, the code column (last) left out."""
    return [v for row in sheet.iter_rows(min_row=header_row(sheet) + 1, values_only=True) for v in row[:-1]
            if isinstance(v, str)]


@pytest.mark.parametrize(("lang", "sheets", "headers", "total_costs"), [
    ("nl", ["Cockpit", "Wie betaalt", "Break-even", "Invoer", "Bronnen", "Toelichting"],
     ["onderdeel", "regel", "nagerekend", "gepubliceerd", "verschil", "binnen tolerantie", "code"], "Totale kosten"),
    ("en", ["Cockpit", "Who pays", "Break-even", "Inputs", "Sources", "Notes"],
     ["part", "line", "reproduced", "published", "difference", "within tolerance", "code"], "Total costs")])
def test_cockpit_workbook_is_laid_out_for_policy_makers(tmp_path: Path, lang, sheets, headers, total_costs) -> None:
    path = tmp_path / "cockpit.xlsx"
    assert main(["mkba", "--cockpit", "--excel", str(path), "--lang", lang]) == 0
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == sheets
    check_layout(book)  # frozen header, A4 one page wide with the header on every page, no JSON, formatted numbers
    cockpit = book["Cockpit"]
    row = header_row(cockpit)
    assert [c.value for c in cockpit[row]] == headers  # labels first, the machine key last
    rows = {r[-1].value: r for r in cockpit.iter_rows(min_row=row + 1)}
    costs = rows["costs_keur_ncw.total"]
    assert costs[1].value == total_costs and costs[2].value == pytest.approx(1365, abs=2) and costs[3].value == 1365
    assert costs[2].number_format == "#,##0" and costs[1].font.b  # x EUR 1,000 without decimals; a total in bold
    assert rows["costs_keur_ncw.project_staff"][1].alignment.indent == 2  # the cockpit's tree, indented
    social = rows["result.social_return_pct"]
    assert social[3].value == pytest.approx(0.40) and "%" in social[3].number_format  # 40% shows as 40,0%
    assert social[5].value in ("ja", "yes")
    for name in sheets[:4]:  # the register's and the inputs file's own texts aside, no machine key is shown
        assert [w for w in labels_of(book[name]) if MACHINE_KEYS.search(w)] == [], name
    parties = book[sheets[1]]
    municipality = next(r for r in parties.iter_rows(min_row=header_row(parties) + 1, values_only=True)
                        if r[-1] == "municipality")
    assert municipality[0] in ("Gemeente", "Municipality") and municipality[-2] == pytest.approx(-450, abs=2)
    sources = book[sheets[4]]
    payers = [r[3] for r in sources.iter_rows(min_row=header_row(sources) + 1, values_only=True)]
    assert ("Gemeente 50%, Zorgverzekeraar 50%" if lang == "nl" else "Municipality 50%, Care insurer 50%") in payers


def test_simulated_mkba_workbook_is_laid_out_for_policy_makers(results: Results, tmp_path: Path) -> None:
    from scenarios.register import load_register
    from sim.mkba.simulated import simulated_mkba
    from sim.reports.mkba_workbook import write_simulated_workbook

    register = load_register()
    mkba = simulated_mkba(results, register, 2.25)
    settings = results.scenario.settings() | {"discount_rate_pct": 2.25}
    book = openpyxl.load_workbook(write_simulated_workbook(mkba, settings, register, tmp_path / "mkba.xlsx",
                                                           results.scenario.name, "Puntwaarden (--point)"))
    assert book.sheetnames == ["MKBA", "Posten", "Wie betaalt", "Instellingen", "Bronnen"]
    check_layout(book)
    sheet = book["MKBA"]
    row = header_row(sheet)
    assert [c.value for c in sheet[row]][:3] == ["uitkomst", "eenheid", "gemiddelde"]
    assert sheet.cell(2, 1).value == "Puntwaarden (--point)"  # what the balance rests on, above the table
    balance = next(r for r in sheet.iter_rows(min_row=row + 1) if r[-1].value == "balance")
    assert balance[0].value == "MKBA-saldo" and "€" in balance[2].number_format
    assert balance[2].value == pytest.approx(mkba.summary().loc["balance", "mean"])
    items = book["Posten"]
    assert "trajecten Bureau Jeugdzorg" in labels_of(items)
    for name in ("MKBA", "Posten", "Wie betaalt"):
        assert [w for w in labels_of(book[name]) if MACHINE_KEYS.search(w)] == [], name
