"""The words and numbers of the reports: texts from ``labels_report.yaml`` (Dutch by default, English with
``lang='en'``) and the one place the reports format a number.

Every number of a report goes through :func:`number` (12.189 and 2,25% in Dutch, 12,189 and 2.25% in English):
the one function to point at the shared Babel formatter of :mod:`sim.reports.labels` (issue 18) once it lands.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import Any

import yaml

LANGS = ("nl", "en")
CATALOGUE = Path(__file__).with_name("labels_report.yaml")
# The glossary's order: the words a reader meets first (the methods), then the money, then the statistics.
GLOSSARY_ORDER = ("mph", "1g1p1r", "verkokerd", "regisseur", "mandate", "ketenregie", "mda", "escalation",
                  "recidive", "stabilised", "mkba", "cockpit", "ncw", "discount", "balance", "bcr", "cashable",
                  "stakeholder", "replication", "interval", "probability", "calibration", "crn", "scenario",
                  "sweep", "horizon", "register")


@cache
def _catalogue() -> dict[str, dict[str, dict[str, str]]]:
    return yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: use one of {', '.join(LANGS)}")
    return lang


def text(key: str, lang: str = "nl", **values: Any) -> str:
    """The report phrase ``key`` in ``lang``, its ``{placeholders}`` filled from ``values``."""
    phrase = _catalogue()["report"][key][check_lang(lang)]
    return phrase.format(**values) if values else phrase


def glossary(lang: str = "nl") -> list[tuple[str, str]]:
    """(term, explanation) pairs of the glossary, in reading order; docs/woordenlijst.md is generated from it."""
    terms, meanings = _catalogue()["report_glossary_term"], _catalogue()["report_glossary"]
    return [(terms[key][check_lang(lang)], meanings[key][lang]) for key in GLOSSARY_ORDER]


def number(value: float | None, lang: str = "nl", decimals: int = 0) -> str:
    """``value`` with thousands separators in the language's convention: 12.189,5 (nl) or 12,189.5 (en)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    value = round(float(value), decimals) + 0.0  # + 0.0 turns -0 into 0
    plain = f"{value:,.{decimals}f}"
    return plain if lang == "en" else plain.replace(",", "_").replace(".", ",").replace("_", ".")


def keur(eur: float | None, lang: str = "nl") -> str:
    """Euros as thousands of euros, the cockpit's unit (1.365 for EUR 1,365,000)."""
    return number(None if eur is None else eur / 1000.0, lang)


def percent(share: float | None, lang: str = "nl", decimals: int = 0) -> str:
    """A share (0.25) as a percentage ('25%'); the 2,25% of a discount rate with ``decimals=2``."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    return f"{number(100.0 * share, lang, decimals)}%"


def join_words(items: list[str], lang: str = "nl") -> str:
    """'a, b en c' / 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {text('word_and', lang)} {items[-1]}"


__all__ = ["GLOSSARY_ORDER", "check_lang", "glossary", "join_words", "keur", "number", "percent", "text"]
