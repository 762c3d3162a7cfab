"""Dutch and English words of the workshop: Dutch by default, with the Dutch domain terms (regisseur, MKBA, MPH,
verkokerd, 1g1p1r) kept in both languages. Every word comes from the project's one catalogue
(sim/reports/labels.yaml for measures, escalations, payers and methods; sim/reports/labels_workshop.yaml for the
workshop's own phrases); this module only keeps the workshop's call style, ``text(lang, key)``."""

from __future__ import annotations

from sim.reports import labels as L

LANGUAGES = L.LANGS


def text(lang: str, key: str, **values: object) -> str:
    """The phrase ``key`` in ``lang``, filled with ``values``."""
    phrase = L.label("workshop", key, lang)
    return phrase.format(**values) if values else phrase


def measure(lang: str, name: str) -> tuple[str, str]:
    """(label, unit) of a measure of :mod:`sim.measures`."""
    return L.measure(name, lang), L.measure_unit(name, lang)


def escalation(lang: str, name: str) -> str:
    return L.escalation(name, lang)


def stakeholder(lang: str, name: str) -> str:
    return L.payer(name, lang)


def method(lang: str, name: str) -> str:
    return L.method(name, lang)
