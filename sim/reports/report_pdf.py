"""The printable A4 PDF of a report, with fpdf2 (pure Python: installs from PyPI without system libraries).

Text is set in DejaVu Sans, the font matplotlib ships, so € and ë print on any machine without a font to install;
tables break across pages with their header repeated, and each chart is scaled to the page width.
"""

from __future__ import annotations

import io
from pathlib import Path

from sim.reports import report_doc as doc

MARGIN_MM = 15
BODY_PT, SMALL_PT, TABLE_PT = 10, 8.5, 7.5


def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


class _Pdf:
    """fpdf2's FPDF set up for a report: A4 portrait, margins, fonts, a page number in the footer."""

    def __init__(self, title: str) -> None:
        from fpdf import FPDF

        class _Pages(FPDF):
            def footer(self) -> None:
                self.set_y(-10)
                self.set_font("DejaVu", size=7)
                self.set_text_color(120)
                self.cell(0, 5, f"{title}  ·  {self.page_no()}", align="C")

        pdf = _Pages(orientation="portrait", unit="mm", format="A4")
        fonts = _font_dir()
        pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
        pdf.add_font("DejaVu", "I", str(fonts / "DejaVuSans-Oblique.ttf"))
        pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
        pdf.set_auto_page_break(True, margin=MARGIN_MM)
        pdf.set_title(title)
        pdf.set_creator("mph-sim")
        pdf.add_page()
        self.pdf = pdf

    def heading(self, text: str, size: float = 13) -> None:
        pdf = self.pdf
        if pdf.get_y() > pdf.h - 45:  # a heading never ends a page
            pdf.add_page()
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", size)
        pdf.set_text_color(20)
        pdf.multi_cell(0, size * 0.5, text)
        pdf.ln(1.5)

    def paragraph(self, block: doc.Paragraph) -> None:
        pdf = self.pdf
        if block.style == "status":
            pdf.set_fill_color(255, 247, 230)
            pdf.set_draw_color(199, 124, 2)
            pdf.set_font("DejaVu", "", SMALL_PT + 0.5)
            pdf.multi_cell(0, 4.6, block.text, border="L", fill=True, padding=2)
        else:
            note = block.style == "note"
            pdf.set_font("DejaVu", "I" if note else "", SMALL_PT if note else BODY_PT)
            pdf.set_text_color(85 if note else 20)
            pdf.multi_cell(0, 4.2 if note else 5, block.text)
        pdf.set_text_color(20)
        pdf.ln(1.5)

    def bullets(self, block: doc.Bullets) -> None:
        pdf = self.pdf
        pdf.set_font("DejaVu", "", BODY_PT)
        for item in block.items:
            pdf.set_x(MARGIN_MM + 2)
            pdf.multi_cell(0, 5, f"•  {item}")
        pdf.ln(1)

    def table(self, block: doc.Table) -> None:
        from fpdf.fonts import FontFace

        pdf = self.pdf
        pdf.set_font("DejaVu", "", TABLE_PT)
        columns = len(block.header)
        first = min(0.45, max(0.25, 1.6 / (columns + 1.6)))  # the label column takes what the numbers leave
        widths = [first * pdf.epw] + [(1 - first) * pdf.epw / max(columns - 1, 1)] * (columns - 1)
        bold = FontFace(emphasis="BOLD")
        with pdf.table(col_widths=widths, text_align=("LEFT", *["RIGHT"] * (columns - 1)), line_height=3.6,
                       first_row_as_headings=True, repeat_headings=1, borders_layout="HORIZONTAL_LINES",
                       headings_style=FontFace(emphasis="BOLD", fill_color=(240, 240, 240)),
                       padding=0.8) as table:
            table.row(list(block.header))
            for i, cells in enumerate(block.rows):
                row = table.row()
                depth = block.indent[i] if block.indent else 0
                style = bold if i in block.bold_rows else None
                row.cell("   " * depth + cells[0], style=style)
                for cell in cells[1:]:
                    row.cell(cell, style=style)
        pdf.ln(2)

    def figure(self, block: doc.Figure) -> None:
        from PIL import Image

        pdf = self.pdf
        with Image.open(io.BytesIO(block.png)) as image:
            ratio = image.height / image.width
        width = pdf.epw
        height = width * ratio
        limit = pdf.eph * 0.7
        if height > limit:  # a tall chart keeps to most of a page
            width, height = limit / ratio, limit
        if pdf.get_y() + height + 8 > pdf.h - MARGIN_MM:
            pdf.add_page()
        pdf.image(io.BytesIO(block.png), x=MARGIN_MM + (pdf.epw - width) / 2, w=width, h=height)
        pdf.set_font("DejaVu", "I", SMALL_PT)
        pdf.set_text_color(85)
        pdf.multi_cell(0, 4, block.caption)
        pdf.set_text_color(20)
        pdf.ln(2)

    def glossary(self, block: doc.Glossary) -> None:
        pdf = self.pdf
        for term, meaning in block.entries:
            pdf.set_font("DejaVu", "B", SMALL_PT + 0.5)
            pdf.multi_cell(0, 4.4, term)
            pdf.set_font("DejaVu", "", SMALL_PT + 0.5)
            pdf.set_x(MARGIN_MM + 4)
            pdf.multi_cell(0, 4.4, meaning)
            pdf.ln(1)


def render_pdf(document: doc.Document) -> bytes:
    """The document as A4 pages: title, subtitle, then every block in order."""
    out = _Pdf(document.title)
    out.heading(document.title, size=16)
    out.paragraph(doc.Paragraph(document.subtitle, "note"))
    for block in document.blocks:
        if isinstance(block, doc.Heading):
            out.heading(block.text)
        elif isinstance(block, doc.Paragraph):
            out.paragraph(block)
        elif isinstance(block, doc.Bullets):
            out.bullets(block)
        elif isinstance(block, doc.Table):
            out.table(block)
        elif isinstance(block, doc.Figure):
            out.figure(block)
        elif isinstance(block, doc.Glossary):
            out.glossary(block)
    return bytes(out.pdf.output())


__all__ = ["render_pdf"]
