import pytest

from scenarios.scenario import Scenario, load_scenario


@pytest.fixture(scope="session")
def example() -> Scenario:
    """The example municipality at point values (``--point``): tests of the model's mechanisms do not draw from
    the shipped posterior (tests/test_calibrate.py and tests/test_validate.py test the draws)."""
    from scenarios.posterior import pinned

    return pinned(load_scenario())


@pytest.fixture(scope="session")
def small(example: Scenario) -> Scenario:
    """A small town: fast enough to run many times in tests."""
    return example.with_overrides(
        {"population.households": 600, "horizon_years": 3, "replications": 2, "levers.fte": 3}, origin="test")
