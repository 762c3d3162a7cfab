"""The terminal outputs of `mph mkba --cockpit` and `mph mkba SCENARIO` speak the language asked (issue 18): the
catalogue's words, no machine keys, numbers through the one formatter (12.189 and 2,25% in Dutch, 12,189 and 2.25%
in English)."""

from __future__ import annotations

import re

import pytest

from sim.cli import main

MACHINE_KEYS = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\bmkba_|\btrajectory\.")  # as tests/test_report.py's


def before_notes(printed: str, lang: str) -> str:
    """The table, without the notes the inputs file brings in its own words."""
    heading = {"nl": "Opmerkingen over de gepubliceerde cijfers", "en": "Notes on the published figures"}[lang]
    return printed.split(heading)[0]


@pytest.mark.parametrize(("lang", "words", "foreign", "total"), [
    ("nl", ["Totale kosten", "Wie betaalt, wie profiteert", "saldo nul bij 18,47 (nu 12)", "discontovoet 2,25%"],
     ["break-even at", "Total costs", "published costs_keur_ncw"], "1.365"),
    ("en", ["Total costs", "Who pays, who benefits", "balance zero at 18.47 (now 12)", "discount rate 2.25%"],
     ["Totale kosten", "Gemeente", "saldo"], "1,365")])
def test_cockpit_table_speaks_the_language_asked(capsys, lang, words, foreign, total) -> None:
    assert main(["mkba", "--cockpit", "--lang", lang]) == 0
    printed = capsys.readouterr().out
    for word in words:
        assert word in printed, word
    for word in foreign:
        assert word not in printed, word
    table = before_notes(printed, lang)
    assert re.search(rf"\s{re.escape(total)}\s+{re.escape(total)}\s", table)  # total costs, reproduced and published
    assert MACHINE_KEYS.findall(table) == []


def test_simulated_mkba_and_its_cockpit_show_labels_not_keys(tmp_path, small, capsys) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(small.to_yaml())
    assert main(["mkba", str(path), "--reps", "2", "--years", "1"]) == 0
    printed = capsys.readouterr().out
    assert "Aantal voorkomen huisuitzettingen" in printed and "Totale kosten" in printed  # the published labels
    assert "band: laagste tot hoogste van 2 replicaties" in printed  # two replications give no 5%-95% band
    assert re.search(r"Kans op een positief saldo: \d+% van 2 replicaties; .* laagste -?[\d.]+, mediaan", printed)
    assert MACHINE_KEYS.findall(printed) == []
