"""`mph validate`: every figure of the evidence register against the shipped posterior's predictive, on a small
budget. A fitted target outside its band fails this test (and makes `mph validate --strict` exit with 1)."""

import pytest
import yaml

from calibration.evidence import REGISTER
from calibration.validate import failures, validate
from scenarios.posterior import load_posterior
from sim.cli import main

DRAWS, CHECK_REPS = 40, 8  # the budget of the shipped docs/validation.md: the test checks what it reports


@pytest.fixture(scope="module")
def validation():
    return validate(draws=DRAWS, check_replications=CHECK_REPS)


def test_every_fitted_target_lies_inside_its_band(validation):
    assert load_posterior() is not None, "no posterior ships: run `./mph calibrate calibration/default.yaml --ship`"
    assert validation.status.calibrated and validation.status.drawn
    outside = validation.targets.loc[~validation.targets["inside"] & (validation.targets["use"] == "target")]
    assert failures(validation) == [], outside[["figure", "band_low", "band_high", "predictive_median"]].to_string()


def test_the_policy_theorys_mandate_and_quality_claims_hold_on_the_posterior(validation):
    holds = validation.checks.set_index("check")["holds"]
    assert set(holds.index) == set(yaml.safe_load(REGISTER.read_text())["checks"])
    assert holds["ketenregie_does_not_work"] and holds["quality_of_regisseurs"]
    assert holds["mandate_makes_the_difference"]


def test_a_check_is_measured_over_the_years_it_names(validation):
    """Aftercare's relapse is measured over 10 years of a running approach, not the fit town's first 3 (a start-up
    where the team's first intakes close into aftercare)."""
    years = yaml.safe_load(REGISTER.read_text())["checks"]["aftercare_less_relapse"]["years"]
    how = validation.checks.set_index("check").loc["aftercare_less_relapse", "how"]
    assert how.endswith(f"over {years} years") and years > validation.town.horizon_years


def test_the_report_names_every_figure_and_a_target_outside_its_band_fails_strict(tmp_path, capsys):
    raw = yaml.safe_load(REGISTER.read_text())
    impossible = {**raw["targets"]["evictions_prevented_per_year"], "value": -50_000, "sd": 10}
    raw["targets"]["impossible_evictions"] = impossible
    evidence = tmp_path / "evidence.yaml"
    evidence.write_text(yaml.safe_dump(raw))
    out = tmp_path / "validation.md"
    code = main(["validate", "--draws", "4", "--check-reps", "2", "--evidence", str(evidence), "--out", str(out),
                 "--strict"])
    assert code == 1
    report = out.read_text()
    for figure in raw["targets"]:
        assert figure in report
    assert "impossible_evictions" in report.split("outside their band:")[1].splitlines()[0]
    for chart in ("targets.png", "predictive.png"):
        assert (tmp_path / "validation" / chart).stat().st_size > 1000
    printed = capsys.readouterr().out
    assert printed.splitlines()[0].startswith(("Gekalibreerd", "Niet gekalibreerd"))
