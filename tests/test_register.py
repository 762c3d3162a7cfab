"""The register: bundled figures, their derivations, user overrides and bad-input errors."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from scenarios.errors import UserError
from scenarios.register import STAKEHOLDERS, load_register

REQUIRED_PAYERS = {
    "cost.eviction": "housing_corporation",
    "cost.shelter_year": "municipality",
    "cost.out_of_home_placement_year": "municipality",
    "cost.police_incident": "police_justice",
    "cost.intensive_care_episode": "care_insurer",
    "cost.utility_cutoff": "household",
    "cost.collection_case": "household",
    "cost.regisseur_fte_year": "municipality",
    "cost.professional_hour": "municipality",
    "cost.trajectory.debt_relief": "municipality",
    "cost.trajectory.housing_support": "housing_corporation",
    "cost.trajectory.youth_care": "municipality",
    "cost.trajectory.mental_health": "care_insurer",
    "cost.trajectory.addiction_care": "care_insurer",
    "cost.trajectory.social_work": "municipality",
    "cost.trajectory.home_care": "municipality",
    "cost.trajectory.reintegration": "benefits_agencies",
    "cost.trajectory.school_care": "schools",
    "cost.trajectory.police_care": "police_justice",
    "cost.trajectory.mee": "municipality",
}


@pytest.fixture(scope="module")
def register():
    return load_register()


def test_bundled_register_has_the_keys_the_simulation_prices_with(register):
    for key, payer in REQUIRED_PAYERS.items():
        assert register[key].payer == payer, key
        assert register[key].price_year == 2011
    for key in ("cost.school_dropout", "cost.project_other_year", "value.voly", "value.person_in_work",
                "value.start_qualification"):
        assert key in register
    assert register.value("value.voly") == 20000
    assert register.value("value.person_in_work") == 60000
    assert register.value("value.start_qualification") == 80000


def test_cockpit_implied_prices(register):
    assert register.value("cost.eviction") == pytest.approx(76000 / 16)
    assert register.value("cost.shelter_year") == pytest.approx(409000 / (4 * 2.5))
    assert register.value("cost.intensive_care_episode") == pytest.approx(278000 / 32)
    assert register.value("cost.regisseur_fte_year") == pytest.approx(1001000 / 12, abs=0.01)


def test_every_arithmetic_derivation_gives_the_value(register):
    arithmetic = re.compile(r"^[\d\s.+\-*/()x%]+$")
    checked = 0
    for key in register:
        derivation = register[key].derivation
        if derivation and arithmetic.match(derivation):
            expression = derivation.replace("x", "*").replace("%", "/100")
            assert eval(expression) == pytest.approx(register.value(key), rel=1e-3), key
            checked += 1
    assert checked >= 15


def test_every_source_is_given_and_every_payer_share_adds_up(register):
    for key in register:
        entry = register[key]
        assert entry.source.strip(), key
        if key.startswith(("cost.", "benefit.", "value.")):
            shares = entry.shares()
            assert set(shares) <= set(STAKEHOLDERS)
            assert math.isclose(sum(shares.values()), 1.0), key


def test_discount_regimes_are_data_and_the_newest_is_default(register):
    assert register.discount_regimes() == {"2020": 2.25, "2015": 3.0, "2007": 5.5}
    assert register.default_regime() == "2020"
    assert "Werkgroep discontovoet 2020" in register["discount.2020"].source


def test_price_year_indexing(register):
    assert register.value("cost.eviction", 2011) == register.value("cost.eviction")
    assert register.value("cost.eviction", 2012) == pytest.approx(4750 * 1.025)
    assert register.value("cost.eviction", 2010) == pytest.approx(4750 / 1.023)
    with pytest.raises(UserError, match="price year 2200"):
        register.value("cost.eviction", 2200)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_user_file_overrides_and_inherits(tmp_path):
    path = _write(tmp_path, 'entries:\n  cost.eviction: {value: 6000, source: "our corporation, 2011"}\n')
    register = load_register([path])
    assert register.value("cost.eviction") == 6000
    assert register["cost.eviction"].payer == "housing_corporation"  # inherited
    assert register["cost.eviction"].derivation is None  # the bundled arithmetic no longer applies
    assert register.origins["cost.eviction"] == str(path)


@pytest.mark.parametrize(("entry", "expected"), [
    ("{value: -5, source: s}", r"mine.yaml: entries.cost.eviction.value = -5: .*greater than or equal to 0"),
    ("{value: 5, source: s, payer: landlord}", r"entries.cost.eviction.payer.*'landlord'.*'municipality'"),
    ("{value: 5, source: s, confidence: E}", r"entries.cost.eviction.confidence = 'E'.*'A', 'B', 'C' or 'D'"),
    ("{value: 5, source: s, payer: {municipality: 120}}", r"share of municipality is 120.0%.*0-100%"),
    ("{value: 5, source: s, payer: {municipality: 50, household: 40}}", r"add up to 90.0%"),
    ("{value: 5, source: s, colour: red}", r"unknown key 'entries.cost.eviction.colour'.*allowed here: value"),
    ("{value: 5}", r"entries.cost.eviction: an override needs at least 'value' and 'source'"),
])
def test_bad_entries_name_file_field_and_value(tmp_path, entry, expected):
    path = _write(tmp_path, f"entries:\n  cost.eviction: {entry}\n")
    with pytest.raises(UserError, match=expected):
        load_register([path])


def test_unknown_register_key_is_refused(tmp_path):
    path = _write(tmp_path, "entries:\n  cost.evicton: {value: 5, source: s}\n")
    with pytest.raises(UserError, match=r"unknown register key 'cost\.evicton'"):
        load_register([path])


def test_missing_file_and_bad_yaml(tmp_path):
    with pytest.raises(UserError, match="register file not found"):
        load_register([tmp_path / "nope.yaml"])
    with pytest.raises(UserError, match="not valid YAML"):
        load_register([_write(tmp_path, "entries: [unclosed\n")])


def test_with_values_replaces_value_and_keeps_the_rest(register):
    changed = register.with_values({"cost.eviction": 5000}, "test")
    assert changed.value("cost.eviction") == 5000
    assert changed["cost.eviction"].price_year == 2011 and changed["cost.eviction"].payer == "housing_corporation"
    assert register.value("cost.eviction") == 4750  # the original is untouched


def test_unknown_payer_is_one_clear_line(tmp_path):
    from scenarios.errors import UserError
    from scenarios.register import load_register

    path = tmp_path / "mine.yaml"
    path.write_text("entries:\n  cost.eviction:\n    value: 5000\n    source: own figures\n    payer: landlord\n")
    with pytest.raises(UserError) as err:
        load_register([path])
    message = str(err.value)
    assert message.count("\n") == 0
    assert "entries.cost.eviction.payer" in message and "landlord" in message and "municipality" in message
