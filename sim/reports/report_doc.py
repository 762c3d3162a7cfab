"""A report as a list of blocks (headings, paragraphs, tables, figures, a glossary), rendered twice: one
self-contained HTML file (:mod:`sim.reports.html`) and an A4 PDF (:mod:`sim.reports.report_pdf`).

The builders (:mod:`sim.reports.report`) only say what a report contains; both renderers show the same blocks in
the same order, so the HTML and the printed PDF never tell different stories.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = "plain"  # plain | note (smaller, grey) | status (the calibration status, framed)


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """Cells are already formatted text; the first column is the row label (left-aligned), the rest numbers."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    bold_rows: frozenset[int] = frozenset()
    indent: tuple[int, ...] = ()  # per row, the depth of its label (the cockpit's tree)
    wrapper: str = ""  # a CSS class for the HTML (tests and print styles find the cockpit table by it)


@dataclass(frozen=True)
class Figure:
    png: bytes
    caption: str


@dataclass(frozen=True)
class Glossary:
    entries: tuple[tuple[str, str], ...]


Block = Heading | Paragraph | Bullets | Table | Figure | Glossary


@dataclass
class Document:
    title: str
    subtitle: str
    lang: str = "nl"
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)


def figure_png(figure: Any, dpi: int = 130) -> bytes:
    """A matplotlib figure as PNG bytes (the figure is closed afterwards)."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def report_paths(target: Path) -> tuple[Path, Path]:
    """``--report`` FILE.html gives FILE.html and FILE.pdf; a folder (or a name without .html) gives
    rapport.html and rapport.pdf inside it."""
    target = Path(target)
    if target.suffix.lower() in (".html", ".htm"):
        return target, target.with_suffix(".pdf")
    return target / "rapport.html", target / "rapport.pdf"


def write_document(document: Document, target: Path) -> list[Path]:
    """Write the HTML and the PDF of ``document`` (see :func:`report_paths`); both appear complete or not at all."""
    from sim.reports.html import render_document
    from sim.reports.outputs import atomic_target
    from sim.reports.report_pdf import render_pdf

    html_path, pdf_path = report_paths(target)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    pdf = render_pdf(document)  # both rendered before either is written
    page = render_document(document)
    with atomic_target(html_path) as tmp:
        tmp.write_text(page, encoding="utf-8")
    with atomic_target(pdf_path) as tmp:
        tmp.write_bytes(pdf)
    return [html_path, pdf_path]


__all__ = ["Block", "Bullets", "Document", "Figure", "Glossary", "Heading", "Paragraph", "Table", "figure_png",
           "report_paths", "write_document"]
