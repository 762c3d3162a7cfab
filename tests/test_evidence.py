"""The evidence register: every figure has a value, an uncertainty, a unit, a population, the model output it
corresponds to and a verified source before it may be fitted; mistakes are one-line errors naming the entry."""

import pytest
import yaml

from calibration.config import load_calibration
from calibration.evidence import REGISTER, load_evidence
from scenarios.errors import UserError


def test_the_bundled_register_is_complete_and_its_fitted_targets_verified():
    evidence = load_evidence()
    assert evidence.spec.version >= 1 and len(evidence.hash) == 12
    fitted = evidence.fitted()
    assert {"evictions_prevented_per_year", "intensive_care_avoided_per_year",
            "national_debt_relief_success"} <= set(fitted)
    # the cockpit's 550 is a first-year count, which a 3-year fit cannot match: a check (evidence.yaml says why)
    assert evidence.spec.targets["intakes_per_year"].use == "check"
    for key, target in evidence.spec.targets.items():
        assert target.source and target.unit and target.population, key
        if target.use == "target":
            assert target.verified, key
    threats = evidence.spec.targets["eviction_threats_per_year"]  # a back-calculation, not a printed figure
    assert not threats.verified and threats.use == "check"
    assert {"ketenregie_does_not_work", "quality_of_regisseurs"} <= set(evidence.spec.checks)


def test_an_interval_reads_as_a_95_percent_band():
    target = load_evidence().spec.targets["intensive_care_avoided_per_year"]
    assert target.band == (-32.0, -16.0) and target.centre == -24.0 and target.spread == 4.0


def test_the_calibrated_default_fits_the_registers_targets():
    calibration = load_calibration(REGISTER.parent / "default.yaml")
    assert {t.key for t in calibration.targets} == set(load_evidence().fitted())
    evictions = next(t for t in calibration.targets if t.key == "evictions_prevented_per_year")
    assert (evictions.value, evictions.sd, evictions.town_households) == (-16, 8, 3000)


def _register(tmp_path, **entry):
    raw = yaml.safe_load(REGISTER.read_text())
    raw["targets"]["evictions_prevented_per_year"].update(entry)
    path = tmp_path / "evidence.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


@pytest.mark.parametrize(("entry", "message"), [
    ({"verified": False}, "verified: true"),
    ({"sd": None}, "needs its uncertainty"),
    ({"measure": "evictions_per_decade"}, "unknown measure 'evictions_per_decade'"),
    ({"interval": [5, 1]}, "low < high"),
    ({"use": "context"}, "why_not_compared"),
    ({"use": "guess"}, "evictions_prevented_per_year"),
])
def test_register_mistakes_name_the_entry_and_what_is_allowed(tmp_path, entry, message):
    with pytest.raises(UserError, match=message) as err:
        load_evidence(_register(tmp_path, **entry))
    assert "evictions_prevented_per_year" in str(err.value) and "\n" not in str(err.value).strip()
