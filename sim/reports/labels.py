"""The one catalogue of words and the one number formatter of every output: Dutch by default, English with
``--lang en``.

Words live in ``labels.yaml`` beside this module and in any ``labels_*.yaml`` there (another module adds its own
keys in its own file; a key defined twice is an error). Each entry is ``kind -> key -> {nl, en}``; keys are the
model's machine names, which data columns keep; people read these labels. Numbers, money, percentages and dates
go through Babel with the language's locale (nl_NL: 12.189 and 2,25%; en: 12,189 and 2.25%).

Typical use::

    from sim.reports import labels as L
    L.measure("eviction_per_year", "en")        # 'evictions'
    L.measure_with_unit("eviction_per_year")    # 'huisuitzettingen (per jaar)'
    L.item("trajectory.youth_care")             # 'trajecten Bureau Jeugdzorg'
    L.parameter("dynamics.drift_rate", "en")    # 'worsening without help (a week)'
    L.outcome("mkba_balance")                   # 'MKBA-saldo'
    L.number(12189.4), L.percent(0.0225)        # '12.189', '2,25%'
    L.text("band_from", "nl", n=10)

This module imports nothing of the project, so that every layer (measures, reports, CLI, workshop) may use it.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

LANGS: tuple[str, ...] = ("nl", "en")
DEFAULT_LANG = "nl"
LOCALES = {"nl": "nl_NL", "en": "en_GB"}  # en_GB: 12,189 and 2.25%, dates as 29 November 2026
HERE = Path(__file__).parent

# Item keys per organisation (sim.costing: trajectory.<org>, intake_hours.<org>, coordination_hours.<org>)
ITEMS_PER_ORG = ("trajectory", "intake_hours", "coordination_hours")
CASH_SUFFIXES = ("_non_cashable", "_cashable")  # the longer first: both end in _cashable


class MissingLabel(KeyError):
    """A machine key without a label in the catalogue: add it to labels.yaml (or a labels_*.yaml)."""


# -- the catalogue -------------------------------------------------------------------------------------------------
def catalogue_files() -> list[Path]:
    return [HERE / "labels.yaml", *sorted(HERE.glob("labels_*.yaml"))]


@cache
def catalogue() -> dict[str, dict[str, dict[str, str]]]:
    """kind -> key -> {nl, en, ...} from every catalogue file; refuses a key defined twice or a missing language."""
    merged: dict[str, dict[str, dict[str, str]]] = {}
    for path in catalogue_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for kind, entries in data.items():
            target = merged.setdefault(kind, {})
            for key, entry in (entries or {}).items():
                key = str(key)
                if key in target:
                    raise ValueError(f"{path.name}: label {kind}.{key} is already defined in another catalogue file")
                missing = [lang for lang in LANGS if not isinstance(entry, dict) or not entry.get(lang)]
                if missing:
                    raise ValueError(f"{path.name}: label {kind}.{key} lacks {', '.join(missing)}")
                target[key] = {k: str(v) for k, v in entry.items()}
    return merged


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: use one of {', '.join(LANGS)}")
    return lang


def has(kind: str, key: str) -> bool:
    return str(key) in catalogue().get(kind, {})


def label(kind: str, key: str, lang: str = DEFAULT_LANG) -> str:
    """The word for ``key`` of ``kind`` (method, escalation, measure, payer, ...) in ``lang``."""
    try:
        return catalogue()[kind][str(key)][check_lang(lang)]
    except KeyError:
        raise MissingLabel(f"no label for {kind} {key!r}: add it to sim/reports/labels.yaml") from None


def text(key: str, lang: str = DEFAULT_LANG, kind: str = "text", **values: Any) -> str:
    """A phrase of the catalogue's ``kind`` section (``text`` unless told), its ``{placeholders}`` filled with
    ``values``."""
    phrase = label(kind, key, lang)
    return phrase.format(**values) if values else phrase


def column(key: str, lang: str = DEFAULT_LANG) -> str:
    """The header of a CSV, Excel or JSON column."""
    return label("column", key, lang)


def method(key: str, lang: str = DEFAULT_LANG, short: bool = False) -> str:
    return label("method_short" if short else "method", key, lang)


def escalation(key: str, lang: str = DEFAULT_LANG) -> str:
    return label("escalation", key, lang)


def payer(key: str, lang: str = DEFAULT_LANG) -> str:
    return label("payer", key, lang)


def flow(key: str, lang: str = DEFAULT_LANG) -> str:
    """A column of the yearly flow table (entered, left_recovered, stock, ...)."""
    return label("flow", key, lang)


def domain(key: str, lang: str = DEFAULT_LANG) -> str:
    return label("domain", key, lang)


def unit(key: str, lang: str = DEFAULT_LANG) -> str:
    return label("unit", key, lang)


def organisation(key: str, lang: str = DEFAULT_LANG, fallback: str | None = None) -> str:
    """An organisation (silo); one a scenario adds itself keeps the scenario's own ``label`` (``fallback``)."""
    if has("organisation", key):
        return label("organisation", key, lang)
    return fallback or key.replace("_", " ")


def measure(key: str, lang: str = DEFAULT_LANG) -> str:
    return label("measure", key, lang)


def measure_unit(key: str, lang: str = DEFAULT_LANG) -> str:
    """The unit of a measure (``per jaar``, ``huishoudens``, ...)."""
    measure(key, lang)  # a missing measure is reported as such
    return unit(catalogue()["measure"][key].get("unit", "count"), lang)


def measure_with_unit(key: str, lang: str = DEFAULT_LANG) -> str:
    return f"{measure(key, lang)} ({measure_unit(key, lang)})"


def item(key: str, lang: str = DEFAULT_LANG) -> str:
    """A priced item of :mod:`sim.costing`: an escalation or count, or ``<kind>.<organisation>``."""
    if has("item", key):
        return label("item", key, lang)
    kind, _, org = key.partition(".")
    if kind in ITEMS_PER_ORG and org:
        return label("item_per_org", kind, lang).format(organisation=organisation(org, lang))
    raise MissingLabel(f"no label for item {key!r}: add it to sim/reports/labels.yaml")


def item_group(key: str) -> str:
    """The group an item falls in for charts of at most a dozen bars: items per organisation group by their kind,
    other items stand alone (their own key)."""
    kind, _, org = key.partition(".")
    return kind if kind in ITEMS_PER_ORG and org else key


def item_group_label(group: str, lang: str = DEFAULT_LANG) -> str:
    return label("item_group", group, lang) if has("item_group", group) else item(group, lang)


def parameter(path: str, lang: str = DEFAULT_LANG) -> str:
    """A lever or uncertainty by its scenario path (``levers.fte``, ``dynamics.drift_rate``,
    ``organisations.youth_care.capacity``) or register price (``cost.trajectory.youth_care``)."""
    if has("parameter", path):
        return label("parameter", path, lang)
    parts = path.split(".")
    if len(parts) == 3 and parts[0] == "organisations" and has("parameter_per_org", parts[2]):
        return label("parameter_per_org", parts[2], lang).format(organisation=organisation(parts[1], lang))
    if len(parts) == 3 and parts[:2] == ["cost", "trajectory"]:
        return label("parameter_per_org", "price", lang).format(organisation=organisation(parts[2], lang))
    raise MissingLabel(f"no label for parameter {path!r}: add it to sim/reports/labels.yaml")


def setting(key: str, lang: str = DEFAULT_LANG) -> str:
    """A line of a scenario's settings summary (``households``, ``mandate.free_budget``), else a parameter path."""
    if has("setting", key):
        return label("setting", key, lang)
    try:
        return parameter(key, lang)
    except MissingLabel:
        return key


def mkba(key: str, lang: str = DEFAULT_LANG) -> str:
    """An MKBA result (``balance``, ``benefit_cost_ratio``, ...) or a stakeholder's (``balance_municipality``,
    ``balance_municipality_cashable``)."""
    if has("mkba", key):
        return label("mkba", key, lang)
    rest = key.removeprefix("balance_")
    suffix = next((s for s in CASH_SUFFIXES if rest.endswith(s)), "")
    who = rest.removesuffix(suffix)
    if key.startswith("balance_") and has("payer", who):
        return label("mkba_per_payer", f"balance{suffix}", lang).format(payer=payer(who, lang).lower())
    raise MissingLabel(f"no label for MKBA result {key!r}: add it to sim/reports/labels.yaml")


def mkba_unit(key: str, lang: str = DEFAULT_LANG) -> str:
    return unit(catalogue()["mkba"].get(key, {}).get("unit", "eur_ncw"), lang)


def outcome(name: str, lang: str = DEFAULT_LANG) -> str:
    """A sweep or comparison outcome: a measure, an MKBA result (``mkba_balance``), either with a method
    (``1g1p1r:eviction_per_year``); without a method a measure is the paired difference."""
    method_key, _, key = name.rpartition(":")
    words = mkba(key.removeprefix("mkba_"), lang) if key.startswith("mkba_") else measure(key, lang)
    return f"{words} ({method(method_key, lang, short=True)})" if method_key else words


def higher_is_better(name: str) -> bool:
    """Whether more of an outcome (a measure, an MKBA result, ``method:measure``) is better: fewer evictions
    are better, a higher balance is; charts colour better green and worse red."""
    key = name.rpartition(":")[2]
    if key.startswith("mkba_"):
        key = key.removeprefix("mkba_")
        entry = catalogue()["mkba"].get(key, {"better": "higher"})  # a stakeholder's balance
    else:
        entry = catalogue()["measure"].get(key, {})
    return entry.get("better", "higher") == "higher"


def outcome_unit(name: str, lang: str = DEFAULT_LANG) -> str:
    key = name.rpartition(":")[2]
    return mkba_unit(key.removeprefix("mkba_"), lang) if key.startswith("mkba_") else measure_unit(key, lang)


def humanise(key: str, lang: str = DEFAULT_LANG) -> str:
    """Whatever a machine key is (measure, escalation, item, parameter, MKBA result, payer, method), its label;
    for columns and axes whose keys come from several kinds."""
    for kind in ("measure", "method", "escalation", "payer", "flow", "column"):
        if has(kind, key):
            return label(kind, key, lang)
    for find in (item, parameter, mkba, outcome):
        try:
            return find(key, lang)
        except MissingLabel:
            continue
    raise MissingLabel(f"no label for {key!r}: add it to sim/reports/labels.yaml")


# -- numbers -------------------------------------------------------------------------------------------------------
def locale(lang: str = DEFAULT_LANG) -> str:
    return LOCALES[check_lang(lang)]


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float | None, lang: str = DEFAULT_LANG, decimals: int | None = None) -> str:
    """12.189 (nl) or 12,189 (en); ``decimals`` default: none from 100 up, else two; a dash for no value."""
    from babel.numbers import format_decimal

    if _missing(value):
        return "–"
    if decimals is None:
        decimals = 0 if abs(value) >= 100 else 2
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=locale(lang))


def signed(value: float | None, lang: str = DEFAULT_LANG, decimals: int = 2) -> str:
    """A change or difference with its sign: +0,25 / -1,30 (nl), +0.25 / -1.30 (en); zero as +0,00."""
    if _missing(value):
        return "–"
    shown = round(float(value), decimals) + 0.0  # + 0.0: no "-0,00"
    return ("+" if shown >= 0 else "-") + number(abs(shown), lang, decimals)


def quantity(value: float | None, lang: str = DEFAULT_LANG) -> str:
    """A setting such as 12 fte or 0,9: whole numbers without decimals, others as :func:`number`."""
    if not _missing(value) and float(value).is_integer():
        return number(value, lang, 0)
    return number(value, lang)


def percent(share: float | None, lang: str = DEFAULT_LANG, decimals: int = 1) -> str:
    """A share as a percentage: 0.0225 -> 2,25% (nl, decimals=2) or 2.25% (en)."""
    from babel.numbers import format_percent

    if _missing(share):
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "") + "%"
    return format_percent(share, format=pattern, locale=locale(lang))


def money(eur: float | None, lang: str = DEFAULT_LANG, decimals: int = 0) -> str:
    """Euros: € 12.189 / € -12.189 (nl), €12,189 / -€12,189 (en)."""
    from babel.numbers import format_currency

    if _missing(eur):
        return "–"
    digits = "." + "0" * decimals if decimals > 0 else ""
    pattern = f"¤ #,##0{digits};¤ -#,##0{digits}" if lang == "nl" else f"¤#,##0{digits};-¤#,##0{digits}"
    return format_currency(eur, "EUR", format=pattern, locale=locale(lang), currency_digits=False)


def date(value: _dt.date, lang: str = DEFAULT_LANG) -> str:
    """29 november 2026 (nl), 29 November 2026 (en)."""
    from babel.dates import format_date

    return format_date(value, format="long", locale=locale(lang))


def money_scale(values: Any) -> tuple[float, str]:
    """The divisor and unit key (``keur`` or ``meur``) for euro values of this size: an axis shows 1.250 x € 1.000
    or 12,5 x € 1 mln, never a 1e7 multiplier."""
    import numpy as np

    finite = np.abs(np.asarray(values, dtype=float))
    finite = finite[np.isfinite(finite)]
    largest = float(finite.max()) if finite.size else 0.0
    return (1e6, "meur") if largest >= 1e7 else (1e3, "keur")


def axis_formatter(lang: str = DEFAULT_LANG, scale: float = 1.0, decimals: int | None = None) -> Any:
    """A matplotlib tick formatter: values divided by ``scale`` in the language's number format, with as many
    decimals as the tick spacing needs (0,5 1 1,5 ...), and no offset or multiplier such as ``1e7``."""
    from matplotlib.ticker import Formatter

    class LocaleFormatter(Formatter):
        places = decimals if decimals is not None else 0

        def format_ticks(self, values: Any) -> list[str]:
            if decimals is None:  # as few decimals as show every tick exactly (0,5 1 1,5; -2,5 0 2,5)
                scaled = [float(v) / scale for v in values]
                self.places = next((p for p in range(5) if all(abs(v * 10**p - round(v * 10**p)) < 1e-6 * 10**p
                                                               for v in scaled)), 4)
            return [self(v, i) for i, v in enumerate(values)]

        def __call__(self, value: float, pos: int | None = None) -> str:
            shown = value / scale
            return number(0.0 if abs(shown) < 1e-12 else shown, lang, self.places)

    return LocaleFormatter()


def labelled(frame: Any, kind: str, key_column: str, lang: str = DEFAULT_LANG, into: str = "label") -> Any:
    """``frame`` with a column ``into`` holding the label of each key in ``key_column`` (keys stay as they are)."""
    finder: Mapping[str, Callable[[str, str], str]] = {
        "measure": measure, "item": item, "parameter": parameter, "payer": payer, "method": method,
        "escalation": escalation, "outcome": outcome, "mkba": mkba, "any": humanise}
    out = frame.copy()
    out[into] = [finder[kind](str(key), lang) for key in out[key_column]]
    return out


__all__ = [
    "DEFAULT_LANG", "LANGS", "MissingLabel", "axis_formatter", "catalogue", "column", "date", "domain", "escalation",
    "flow", "has", "higher_is_better", "humanise", "item", "item_group", "item_group_label", "label", "labelled",
    "measure", "measure_unit", "measure_with_unit", "method", "mkba", "mkba_unit", "money", "money_scale", "number",
    "organisation", "outcome", "outcome_unit", "parameter", "payer", "percent", "quantity", "setting", "signed", "text",
    "unit",
]
