"""Excel in the layout policy makers know (mph run --excel; the same helper serves compare and the workshop):
Dutch labels first and machine codes last, number formats rather than text, a frozen header row, A4 print setup
one page wide with the header repeated, and values rather than JSON in cells."""

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
