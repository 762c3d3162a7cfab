"""The words and numbers of the reports: texts from ``labels_report.yaml`` (Dutch by default, English with
``lang='en'``), read through the one catalogue (:mod:`sim.reports.labels`), and numbers through its Babel formatter
(12.189 and 2,25% in Dutch, 12,189 and 2.25% in English), as every other output writes them.
"""

from __future__ import annotations

from typing import Any

from sim.reports import labels as L

# The glossary's order: the words a reader meets first (the methods), then the money, then the statistics.
GLOSSARY_ORDER = ("mph", "1g1p1r", "verkokerd", "regisseur", "mandate", "ketenregie", "mda", "escalation",
                  "recidive", "stabilised", "mkba", "cockpit", "ncw", "discount", "balance", "bcr", "cashable",
                  "stakeholder", "replication", "interval", "probability", "calibration", "crn", "scenario",
                  "sweep", "horizon", "register")


def text(key: str, lang: str = "nl", **values: Any) -> str:
    """The report phrase ``key`` in ``lang``, its ``{placeholders}`` filled from ``values``."""
    phrase = L.label("report", key, lang)
    return phrase.format(**values) if values else phrase


def lever(name: str, lang: str = "nl") -> str:
    """A sweep's lever for people ('levers.fte' -> 'fte regisseurs'); the dotted name where none is known."""
    return L.label("report_lever", name, lang) if L.has("report_lever", name) else name


def glossary(lang: str = "nl") -> list[tuple[str, str]]:
    """(term, explanation) pairs of the glossary, in reading order; docs/woordenlijst.md is generated from it."""
    return [(L.label("report_glossary_term", key, lang), L.label("report_glossary", key, lang))
            for key in GLOSSARY_ORDER]


def number(value: float | None, lang: str = "nl", decimals: int = 0) -> str:
    """``value`` with thousands separators in the language's convention: 12.189,5 (nl) or 12,189.5 (en)."""
    if value is not None:
        value = round(float(value), decimals) + 0.0  # + 0.0 turns -0 into 0
    return L.number(value, lang, decimals)


def keur(eur: float | None, lang: str = "nl") -> str:
    """Euros as thousands of euros, the cockpit's unit (1.365 for EUR 1,365,000)."""
    return number(None if eur is None else eur / 1000.0, lang)


def percent(share: float | None, lang: str = "nl", decimals: int = 0) -> str:
    """A share (0.25) as a percentage ('25%'); the 2,25% of a discount rate with ``decimals=2``."""
    return L.percent(share, lang, decimals)


def join_words(items: list[str], lang: str = "nl") -> str:
    """'a, b en c' / 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {text('word_and', lang)} {items[-1]}"


__all__ = ["GLOSSARY_ORDER", "glossary", "join_words", "keur", "lever", "number", "percent", "text"]
