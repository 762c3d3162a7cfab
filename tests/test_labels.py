"""One catalogue of labels and one number formatter: every key the model can emit reads as Dutch by default and as
English with --lang en, and numbers follow the language (12.189 and 2,25% against 12,189 and 2.25%)."""

import datetime

import pytest
import yaml

from scenarios.domains import ESCALATIONS, METHODS
from scenarios.register import STAKEHOLDERS, load_register
from scenarios.scenario import load_scenario
from sim.costing import price_list
from sim.measures import LABELS, MEASURE_KEYS
from sim.mkba.simulated import CASH, MEASURES
from sim.reports import labels as L

DEFAULTS = yaml.safe_load((L.HERE.parent.parent / "scenarios" / "defaults.yaml").read_text(encoding="utf-8"))


def scenario_paths(node: dict, prefix: str = "") -> list[str]:
    """Every parameter path of the defaults (what a lever or uncertainty can name)."""
    paths = []
    for key, value in node.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and "value" in value and "source" in value:
            paths.append(path)
        elif isinstance(value, dict):
            paths += scenario_paths(value, path + ".")
    return paths


def emitted_keys() -> list[tuple[str, str]]:
    """(kind, key) of everything an output can show: measures, escalations, methods, payers, cost items, levers
    and uncertainties, MKBA results."""
    scenario = load_scenario()
    register = load_register()
    items = sorted(set(price_list(list(scenario.organisations), register)["item"]))
    prices = [k for k in register if k.startswith("cost.") and k not in ("cost.mda_case",
              "cost.care_trajectory", "cost.help_trajectories_per_found_household")]
    mkba = [*MEASURES, *(f"balance_{s}{c}" for s in STAKEHOLDERS for c in ("", *(f"_{x}" for x in CASH)))]
    skip = {"name", "description"}
    return ([("measure", k) for k in MEASURE_KEYS] + [("escalation", e) for e in ESCALATIONS]
            + [("method", m) for m in (*METHODS, "difference")] + [("payer", s) for s in STAKEHOLDERS]
            + [("item", i) for i in items]
            + [("parameter", p) for p in scenario_paths(DEFAULTS) if p not in skip] + [("parameter", p) for p in prices]
            + [("mkba", m) for m in mkba])


FINDERS = {"measure": L.measure, "escalation": L.escalation, "method": L.method, "payer": L.payer, "item": L.item,
           "parameter": L.parameter, "mkba": L.mkba}


@pytest.mark.parametrize("lang", L.LANGS)
def test_every_key_the_model_emits_has_a_label_in_both_languages(lang: str) -> None:
    raw = []
    for kind, key in emitted_keys():
        words = FINDERS[kind](key, lang)
        # a label is words, not the machine key: no underscores, no dotted paths
        if not words or "_" in words or ("." in key and key in words):
            raw.append((kind, key, words))
    assert raw == []


def test_dutch_and_english_differ_where_the_words_do() -> None:
    assert L.measure("eviction_per_year", "nl") == "huisuitzettingen"
    assert L.measure("eviction_per_year", "en") == "evictions"
    assert L.measure_with_unit("eviction_per_year") == "huisuitzettingen (per jaar)"
    assert L.item("trajectory.youth_care") == "trajecten Bureau Jeugdzorg"
    assert L.item("trajectory.youth_care", "en") == "trajectories Youth care"
    assert L.parameter("levers.fte") == "fte regisseurs"
    assert L.parameter("dynamics.drift_rate", "en") == "worsening without help (a week)"
    assert L.outcome("mkba_balance") == "MKBA-saldo"
    assert L.outcome("mkba_balance_municipality", "en") == "balance municipality"
    assert L.outcome("1g1p1r:eviction_per_year") == "huisuitzettingen (1g1p1r)"


def test_the_measures_module_takes_its_words_from_the_catalogue() -> None:
    # sim.measures used to build "eviction (per jaar)" from the English key
    assert LABELS["eviction_per_year"] == ("huisuitzettingen", "per jaar")
    assert all("_" not in label for label, _ in LABELS.values())


def test_numbers_follow_the_language() -> None:
    assert L.number(12189.4) == "12.189"
    assert L.number(12189.4, "en") == "12,189"
    assert L.number(2.254) == "2,25"
    assert L.percent(0.0225, "nl", 2) == "2,25%"
    assert L.percent(0.0225, "en", 2) == "2.25%"
    assert L.money(-12189) == "€ -12.189"
    assert L.money(12189, "en") == "€12,189"
    assert L.number(float("nan")) == "–"
    assert L.date(datetime.date(2026, 11, 29)) == "29 november 2026"
    assert L.date(datetime.date(2026, 11, 29), "en") == "29 November 2026"


def test_a_missing_key_is_named() -> None:
    with pytest.raises(L.MissingLabel, match="no_such_measure"):
        L.measure("no_such_measure")
    with pytest.raises(ValueError, match="language 'de'"):
        L.measure("eviction_per_year", "de")


def test_other_catalogue_files_add_keys_but_cannot_redefine_them(tmp_path, monkeypatch) -> None:
    extra = tmp_path / "labels_extra.yaml"
    extra.write_text("text:\n  greeting: {nl: hallo, en: hello}\n", encoding="utf-8")
    monkeypatch.setattr(L, "catalogue_files", lambda: [L.HERE / "labels.yaml", extra])
    L.catalogue.cache_clear()
    try:
        assert L.text("greeting", "en") == "hello"
        extra.write_text("text:\n  written: {nl: klaar, en: done}\n", encoding="utf-8")
        L.catalogue.cache_clear()
        with pytest.raises(ValueError, match="already defined"):
            L.catalogue()
        extra.write_text("text:\n  half: {nl: half}\n", encoding="utf-8")
        L.catalogue.cache_clear()
        with pytest.raises(ValueError, match="lacks en"):
            L.catalogue()
    finally:
        L.catalogue.cache_clear()


def test_every_command_takes_lang() -> None:
    import argparse

    from sim.cli import build_parser

    def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
        found = {}
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    nested = subcommands(sub)
                    found.update({f"{name} {k}": v for k, v in nested.items()} if nested else {name: sub})
        return found

    commands = subcommands(build_parser())
    assert {"run", "mkba", "compare", "sweep", "calibrate", "data check", "data synth", "effect", "des",
            "workshop"} <= set(commands)
    # mph validate writes the developers' validation report (docs/validation.md), in English: no --lang
    lacking = [name for name, sub in commands.items()
               if "--lang" not in sub._option_string_actions and name != "validate"]
    assert lacking == []


def test_mph_run_speaks_the_language_asked_without_raw_keys(tmp_path, capsys) -> None:
    import json
    import re

    from sim.cli import main

    keys = set(MEASURE_KEYS) | {"eviction", "households_reached", "left_recovered", "in_approach_now"}
    for lang, word in (("nl", "huisuitzettingen"), ("en", "evictions")):
        out_json = tmp_path / f"{lang}.json"
        assert main(["run", "tests/workshop/small_town.yaml", "--reps", "1", "--years", "1", "--no-charts",
                     "--out", str(tmp_path / lang), "--json", str(out_json), "--lang", lang]) == 0
        printed = capsys.readouterr().out
        assert word in printed
        assert not keys & set(re.findall(r"[a-z0-9]+(?:_[a-z0-9]+)+", printed))  # no measure or flow key shown
        labels = json.loads(out_json.read_text(encoding="utf-8"))["labels"]
        assert labels["eviction_per_year"]["label"] == word
