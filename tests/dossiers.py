"""A small synthetic dossier shared by the data, effect and calibration tests (made once per test session)."""

from functools import cache

from calibration.dossiers.synth import Synthetic, synthesise
from scenarios.scenario import load_scenario

# A small town: 600 households, 3 fte, 3 years (a run-in year, then two years of follow-up).
SMALL_TOWN = {"population.households": 600, "horizon_years": 3, "levers.fte": 3}


@cache
def small_synthetic(with_bsn: bool = False) -> Synthetic:
    scenario = load_scenario().with_overrides(SMALL_TOWN, origin="test")
    return synthesise(scenario, 0, with_bsn=with_bsn)
