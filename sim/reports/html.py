"""A self-contained HTML report: one file, charts embedded as base64 PNG, styles inline, no scripts and no
links, so it opens offline and can be mailed to a colleague.

:class:`HtmlReport` builds a page section by section (``mph compare``'s overview); :func:`render_document` renders
a :class:`~sim.reports.report_doc.Document`, the report of ``--report`` whose PDF shows the same blocks.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import Any

import pandas as pd

from sim.reports.outputs import atomic_target

STYLE = """
body { font-family: Arial, Helvetica, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1.2em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.8em 0; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f0f0f0; } img { max-width: 100%; } .note { color: #555; font-size: 0.9em; }
figure { margin: 1em 0; } figcaption { color: #555; font-size: 0.9em; }
.subtitle { color: #555; } .status { border-left: 4px solid #c77c02; background: #fff7e6; padding: 0.5em 0.8em; }
.summary p { font-size: 1.05em; line-height: 1.45; }
td.bold, tr.bold td { font-weight: bold; } dl.glossary dt { font-weight: bold; margin-top: 0.5em; }
dl.glossary dd { margin-left: 1.5em; }
@page { size: A4; margin: 15mm; }
@media print { body { max-width: none; margin: 0; } h2 { break-after: avoid; } figure, table { break-inside: avoid; } }
"""


class HtmlReport:
    """Build a report section by section; :meth:`write` saves it atomically."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.parts: list[str] = [f"<h1>{html.escape(title)}</h1>"]

    def heading(self, text: str) -> None:
        self.parts.append(f"<h2>{html.escape(text)}</h2>")

    def paragraph(self, text: str, note: bool = False) -> None:
        css = ' class="note"' if note else ""
        self.parts.append(f"<p{css}>{html.escape(text)}</p>")

    def table(self, frame: pd.DataFrame) -> None:
        self.parts.append(frame.to_html(border=0, na_rep="–", escape=True, render_links=False))

    def figure(self, figure: Any, caption: str) -> None:
        """A matplotlib figure (closed afterwards), embedded as a base64 PNG."""
        import matplotlib.pyplot as plt

        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
        plt.close(figure)
        data = base64.b64encode(buffer.getvalue()).decode("ascii")
        self.parts.append(f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
                          f"<figcaption>{html.escape(caption)}</figcaption></figure>")

    def render(self) -> str:
        body = "\n".join(self.parts)
        return (f'<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
                f"<title>{html.escape(self.title)}</title>\n<style>{STYLE}</style>\n</head>\n"
                f"<body>\n{body}\n</body>\n</html>\n")

    def write(self, path: Path) -> Path:
        with atomic_target(path) as tmp:
            tmp.write_text(self.render(), encoding="utf-8")
        return path


def _block(block: Any) -> str:
    from sim.reports import report_doc as doc

    esc = html.escape
    if isinstance(block, doc.Heading):
        return f"<h2>{esc(block.text)}</h2>"
    if isinstance(block, doc.Paragraph):
        css = {"note": ' class="note"', "status": ' class="status"'}.get(block.style, "")
        return f"<p{css}>{esc(block.text)}</p>"
    if isinstance(block, doc.Bullets):
        return "<ul>" + "".join(f"<li>{esc(item)}</li>" for item in block.items) + "</ul>"
    if isinstance(block, doc.Table):
        head = "".join(f"<th>{esc(cell)}</th>" for cell in block.header)
        rows = []
        for i, row in enumerate(block.rows):
            depth = block.indent[i] if block.indent else 0
            css = ' class="bold"' if i in block.bold_rows else ""
            label = f'<td style="padding-left:{0.4 + 1.2 * depth:.1f}em">{esc(row[0])}</td>'
            rows.append(f"<tr{css}>{label}" + "".join(f"<td>{esc(cell)}</td>" for cell in row[1:]) + "</tr>")
        wrapper = f' class="{esc(block.wrapper)}"' if block.wrapper else ""
        return f"<table{wrapper}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    if isinstance(block, doc.Figure):
        data = base64.b64encode(block.png).decode("ascii")
        return (f'<figure><img alt="{esc(block.caption)}" src="data:image/png;base64,{data}">'
                f"<figcaption>{esc(block.caption)}</figcaption></figure>")
    if isinstance(block, doc.Glossary):
        return '<dl class="glossary">' + "".join(f"<dt>{esc(term)}</dt><dd>{esc(meaning)}</dd>"
                                                  for term, meaning in block.entries) + "</dl>"
    raise TypeError(f"no HTML for {type(block).__name__}")


def render_document(document: Any) -> str:
    """One self-contained page: styles inline, charts as data URIs, no scripts, no links. The first section (the
    plain-language summary) is wrapped in ``<section class="summary">``."""
    from sim.reports.report_doc import Heading

    body = [f"<h1>{html.escape(document.title)}</h1>", f'<p class="subtitle">{html.escape(document.subtitle)}</p>']
    headings = 0
    for block in document.blocks:
        if isinstance(block, Heading):
            headings += 1
            body.append('<section class="summary">' if headings == 1 else "</section>" if headings == 2 else "")
        body.append(_block(block))
    if headings == 1:
        body.append("</section>")
    page = "\n".join(part for part in body if part)
    return (f'<!DOCTYPE html>\n<html lang="{html.escape(document.lang)}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(document.title)}</title>\n<style>{STYLE}</style>\n</head>\n"
            f"<body>\n{page}\n</body>\n</html>\n")


__all__ = ["HtmlReport", "render_document"]
