"""What the scenario discovery of a sweep shows (:mod:`sim.experiments.discovery`): ``discovery.csv`` (the box
table), ``discovery.png`` (per box, each restricted lever or uncertainty: the box's range against the range the sweep
explored) and the section of the sweep's report."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np

from sim.experiments.discovery import (
    BALANCE,
    Discovery,
    Restriction,
    box_table,
    factor_name,
    sentences,
    subject,
    value_words,
    word,
)
from sim.reports import labels as L
from sim.reports.charts import save_png
from sim.reports.outputs import atomic_write
from sim.reports.report_doc import Document, Figure, Heading, Paragraph, Table

EXPLORED, INSIDE = "#d9d9d9", "#2166ac"  # grey: what the sweep explored; blue: what the box keeps
CSV, PNG = "discovery.csv", "discovery.png"
MAX_NAMED = 4  # named options with at most this many values get their names in the bar


def write_discovery(discovery: Discovery, out: Path, charts: bool = True, lang: str = L.DEFAULT_LANG) -> list[Path]:
    """``discovery.csv`` and (with ``charts``) ``discovery.png`` in ``out``; nothing where no box was found."""
    if not discovery.boxes:
        return []
    written = [out / CSV]
    atomic_write(written[0], lambda tmp: box_table(discovery, lang).to_csv(tmp, index=False))
    if charts:
        written.append(chart(discovery, out / PNG, lang))
    return written


def _ends(r: Restriction, lang: str) -> tuple[float, float, str]:
    """A restriction on the explored range's scale 0..1, and its words on the right of the bar."""
    if not r.numeric:
        kept = ", ".join(value_words(v, lang) for v in r.levels)
        return 0.0, 1.0, word("chart_levels", lang, kept=kept, n=len(r.swept_levels))
    low = r.swept_low if r.low is None else r.low
    high = r.swept_high if r.high is None else r.high
    width = (r.swept_high - r.swept_low) or 1.0
    start, end = (low - r.swept_low) / width, (high - r.swept_low) / width
    swept = {"swept_low": value_words(r.swept_low, lang), "swept_high": value_words(r.swept_high, lang)}
    if value_words(low, lang) == value_words(high, lang):  # one value of a grid: a narrow bar, visible
        return max(start - 0.01, 0.0), min(end + 0.01, 1.0), word("chart_value", lang, value=value_words(low, lang),
                                                                   **swept)
    return start, end, word("chart_range", lang, low=value_words(low, lang), high=value_words(high, lang), **swept)


def chart(discovery: Discovery, path: Path, lang: str = L.DEFAULT_LANG) -> Path:
    """Per box a panel, per restricted lever or uncertainty a bar: grey the range the sweep explored, blue the part
    inside the box (named options: a segment per value, blue where the box keeps it); the values in words beside it."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    heights = [len(box.restrictions) + 0.6 for box in discovery.boxes]
    fig, axes = plt.subplots(len(heights), 1, figsize=(10, 1.3 + 0.55 * sum(heights) + 0.5 * len(heights)),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    for ax, box in zip(axes[:, 0], discovery.boxes, strict=True):
        rows = box.restrictions[::-1]  # the first restriction on top
        for y, r in enumerate(rows):
            start, end, words = _ends(r, lang)
            if r.numeric:
                ax.barh(y, 1.0, 0.55, color=EXPLORED)
                ax.barh(y, end - start, 0.55, left=start, color=INSIDE)
            else:
                width = 1.0 / len(r.swept_levels)
                for i, level in enumerate(r.swept_levels):
                    kept = level in r.levels
                    ax.barh(y, width * 0.96, 0.55, left=i * width, color=INSIDE if kept else EXPLORED)
                    if len(r.swept_levels) <= MAX_NAMED:  # the value's name in its segment
                        ax.text((i + 0.48) * width, y, textwrap.shorten(value_words(level, lang), 18, placeholder="…"),
                                ha="center", va="center", fontsize=8, color="white" if kept else "black")
            ax.text(1.02, y, words, va="center", ha="left", fontsize=9, transform=ax.get_yaxis_transform())
        ax.set_yticks(np.arange(len(rows)), [textwrap.fill(factor_name(r.factor, lang), 32) for r in rows])
        ax.set_xlim(0, 1)
        ax.set_ylim(-0.6, len(rows) - 0.4)
        ax.set_xticks([0, 0.5, 1.0])
        ax.xaxis.set_major_formatter(lambda v, _pos: L.percent(v, lang, 0))
        ax.set_title(word("chart_box", lang, number=box.number, density=L.percent(box.density, lang, 0),
                           coverage=L.percent(box.coverage, lang, 0), mass=L.percent(box.mass, lang, 0))
                     + (" " + word("chart_outside", lang, boxes=box.number - 1) if box.number > 1 else ""),
                     fontsize=9, loc="left")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    axes[-1, 0].set_xlabel(word("chart_axis", lang))
    fig.legend(handles=[Patch(color=EXPLORED, label=word("chart_swept", lang)),
                        Patch(color=INSIDE, label=word("chart_kept", lang))],
               loc="lower right", ncols=2, frameon=False, fontsize=9)
    fig.suptitle(textwrap.fill(title(discovery, lang), 80), fontsize=10)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    return save_png(fig, path)


def title(discovery: Discovery, lang: str = L.DEFAULT_LANG) -> str:
    """The question: 'Onder welke voorwaarden is het saldo positief?' (or the outcome and threshold asked)."""
    question = discovery.question
    if question.outcome == BALANCE and question.threshold == 0 and question.upwards:
        return word("heading", lang)
    return word("heading_other", lang, subject=subject(question, lang))


def discovery_section(document: Document, discovery: Discovery, png: Path | None = None) -> None:
    """The report's section: the question as a heading, the sentences, the box table and the chart, how to read it."""
    lang = document.lang
    document.add(Heading(title(discovery, lang)))
    document.add(*(Paragraph(s) for s in sentences(discovery, lang)))
    if not discovery.boxes:
        return
    header = tuple(L.label("discovery_column", c, lang) for c in ("factor", "condition", "density", "coverage",
                                                                   "mass"))
    rows = tuple((f"{box.number}. {factor_name(r.factor, lang)}", _condition_only(r, lang),
                  L.percent(box.density, lang, 0), L.percent(box.coverage, lang, 0), L.percent(box.mass, lang, 0))
                 for box in discovery.boxes for r in box.restrictions)
    document.add(Table(header, rows))
    if png is not None and Path(png).exists():
        document.add(Figure(Path(png).read_bytes(), title(discovery, lang)))
    document.add(Paragraph(word("method_note", lang, density=L.percent(discovery.min_density, lang, 0)), "note"))


def _condition_only(r: Restriction, lang: str) -> str:
    """The condition's values without the name the row already gives ('10 – 16', 'volledig, gedeeltelijk')."""
    return _ends(r, lang)[2]


__all__ = ["CSV", "PNG", "chart", "discovery_section", "title", "write_discovery"]
