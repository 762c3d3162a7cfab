"""Excel workbooks in the layout policy makers know: labels first and machine keys last, real numbers with
thousands separators, euros and percentages as formats (not text), a frozen header row, and A4 print setup
(landscape where wide, one page wide, the header repeated on every page). Written whole or not at all.

Number formats are Excel's own codes (``#,##0``): Excel shows them with the reader's separators, 12.189 in a Dutch
Excel and 12,189 in an English one; the labels are in the language asked for.

Typical use::

    with workbook(path) as book:
        add_sheet(book, "Samenvatting", frame, formats={"gemiddelde": "number"}, title="...", notes=[...])
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd

from sim.reports.outputs import atomic_target

# kind -> Excel number format
FORMATS: dict[str, str] = {
    "text": "@",
    "int": "#,##0",
    "number": "#,##0.00",
    "auto": "#,##0.##",
    "eur": "€ #,##0;€ -#,##0",
    "keur": "#,##0",
    "percent": "0.0%",
    "ratio": "0.00",
}
A4 = 9  # xlsxwriter's paper code for A4
WIDE_COLUMNS = 7  # more columns than this print landscape
MAX_WIDTH = 60


@contextmanager
def workbook(target: Path | BinaryIO) -> Iterator[Any]:
    """An xlsxwriter workbook saved to the file ``target`` in one step when the block completes, or into the
    in-memory buffer ``target`` (a download)."""
    import xlsxwriter

    if not isinstance(target, str | Path):
        book = xlsxwriter.Workbook(target, {"in_memory": True, "nan_inf_to_errors": True})
        try:
            yield book
        finally:
            book.close()
        return
    with atomic_target(Path(target)) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"nan_inf_to_errors": True})
        try:
            yield book
        finally:
            book.close()


def cell_value(value: Any) -> Any:
    """What a cell holds: numbers as numbers, missing values blank, anything structured flattened to words
    (never JSON text)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return value
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalars
        value = value.item()
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {cell_value(v)}" for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return ", ".join(str(cell_value(v)) for v in value)
    return value


def _width(frame: pd.DataFrame, column: str, fmt: str) -> int:
    texts = [str(column)] + [str(cell_value(v)) for v in frame[column].head(200)]
    longest = max(len(t) for t in texts)
    if fmt in ("int", "number", "eur", "keur", "auto"):
        longest += longest // 3  # thousands separators
    return min(max(longest + 2, 8), MAX_WIDTH)


def add_sheet(book: Any, name: str, frame: pd.DataFrame, formats: Mapping[str, str] | None = None,
              title: str | None = None, notes: Sequence[str] = (), landscape: bool | None = None,
              row_kinds: Sequence[str | None] | None = None, indent: Sequence[int] | None = None,
              bold_rows: Sequence[int] = (), indent_column: int = 0) -> Any:
    """A sheet holding ``frame`` (its columns in the order given: labels first), ``title`` and ``notes`` above the
    header row; ``formats`` maps a column to a kind of :data:`FORMATS` (numbers default to ``auto``);
    ``row_kinds`` gives a row's numbers their own kind (a share among counts shows as a percentage); ``indent``
    the depth of each row's label in column ``indent_column`` (the cockpit's tree) and ``bold_rows`` the rows in
    bold (totals)."""
    formats = dict(formats or {})
    sheet = book.add_worksheet(name[:31])
    bold = book.add_format({"bold": True, "font_size": 13})
    note = book.add_format({"italic": True, "font_color": "#555555"})
    header = book.add_format({"bold": True, "bg_color": "#E8E8E8", "border": 1, "text_wrap": True,
                              "valign": "top"})
    row = 0
    if title:
        sheet.write(row, 0, title, bold)
        row += 1
    for line in notes:
        sheet.write(row, 0, line, note)
        row += 1
    if title or notes:
        row += 1
    header_row = row
    cell_formats, column_kinds = {}, {}
    for col, column in enumerate(frame.columns):
        kind = formats.get(column) or ("auto" if pd.api.types.is_numeric_dtype(frame[column])
                                       and not pd.api.types.is_bool_dtype(frame[column]) else "text")
        column_kinds[column] = kind
        cell_formats[column] = book.add_format({"num_format": FORMATS[kind]})
        sheet.write(header_row, col, str(column), header)
        sheet.set_column(col, col, _width(frame, column, kind), cell_formats[column])
    by_kind: dict[tuple[str, int, bool], Any] = {}
    for i, values in enumerate(frame.itertuples(index=False)):
        kind = row_kinds[i] if row_kinds is not None else None
        depth = indent[i] if indent is not None else 0
        strong = i in bold_rows
        for col, value in enumerate(values):
            value = cell_value(value)
            if value is None:
                continue
            column_kind = column_kinds[frame.columns[col]]
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            style = (kind if kind and numeric else column_kind, depth if col == indent_column else 0, strong)
            if style == (column_kind, 0, False):
                fmt = cell_formats[frame.columns[col]]
            else:
                fmt = by_kind.get(style)
                if fmt is None:
                    fmt = by_kind[style] = book.add_format({"num_format": FORMATS[style[0]], "indent": style[1],
                                                            "bold": strong})
            sheet.write(header_row + 1 + i, col, value, fmt)
    sheet.freeze_panes(header_row + 1, 1)
    if len(frame.columns):
        sheet.autofilter(header_row, 0, header_row + len(frame), len(frame.columns) - 1)
    # print: A4, one page wide, the header row on every page
    sheet.set_paper(A4)
    if landscape if landscape is not None else len(frame.columns) > WIDE_COLUMNS:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)
    sheet.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.7)
    sheet.set_footer("&L&A&R&P / &N")
    if title:
        sheet.set_header(f"&L{title.replace('&', '&&')}")
    return sheet


def settings_rows(settings: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """A nested settings mapping flattened to (path, value) rows: values stay values, not JSON."""
    rows: list[tuple[str, Any]] = []
    for key, value in settings.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            rows += settings_rows(value, path + ".")
        else:
            rows.append((path, value))
    return rows


def looks_like_json(value: Any) -> bool:
    """Whether a cell's text is JSON (an object or list): what a workbook for people must not hold."""
    if not isinstance(value, str) or not value.strip().startswith(("{", "[")):
        return False
    try:
        json.loads(value)
    except ValueError:
        return False
    return True


__all__ = ["FORMATS", "add_sheet", "cell_value", "looks_like_json", "settings_rows", "workbook"]
