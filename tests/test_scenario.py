"""Scenario files: validation with clear errors, extends, sources for every parameter."""

import pytest
import yaml

import scenarios
from scenarios.errors import UserError
from scenarios.scenario import load_scenario


def write(tmp_path, text: str):
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("override", "field", "value"),
    [
        ("levers: {fte: -3}", "levers.fte", "-3"),
        ("population: {in_view_share: 1.5}", "population.in_view_share", "1.5"),
        ("methods: [verkokerd, sociaal_wijkteam]", "methods.1", "sociaal_wijkteam"),
        ("levers: {ftee: 3}", "levers.ftee", None),
        # a week's change larger than the whole severity scale would push severities outside [0, 1]
        ("dynamics: {spillover: 400}", "dynamics.spillover", "1.4235"),
    ],
)
def test_bad_value_names_field_and_value(tmp_path, override, field, value):
    with pytest.raises(UserError) as err:
        load_scenario(write(tmp_path, f"extends: defaults\n{override}\n"))
    message = str(err.value)
    assert field in message and "s.yaml" in message
    if value is not None:
        assert value in message


def test_unknown_method_lists_allowed(tmp_path):
    with pytest.raises(UserError, match="verkokerd"):
        load_scenario(write(tmp_path, "extends: defaults\nmethods: [nieuw]\n"))


def test_extends_and_override(tmp_path):
    s = load_scenario(write(tmp_path, "extends: example_municipality\nname: groter\nlevers: {fte: 20}\n"))
    assert s.levers.fte == 20 and s.population.households == 3000
    assert s.sources["levers.fte"].startswith("scenario file")
    assert "cockpit" in s.sources["population.households"]


def test_a_file_of_a_few_changes_without_extends_is_told_to_extend(tmp_path):
    with pytest.raises(UserError) as err:
        load_scenario(write(tmp_path, "levers: {fte: 20}\n"))
    assert "population: missing" in str(err.value)
    assert "starts with 'extends: example_municipality.yaml'" in str(err.value)
    with pytest.raises(UserError) as err:  # a complete file's own mistake gets no such advice
        load_scenario(write(tmp_path, "extends: defaults\nlevers: {fte: -1}\n"))
    assert "extends:" not in str(err.value)


def test_exported_yaml_loads_back(example, tmp_path):
    path = write(tmp_path, example.to_yaml())
    assert load_scenario(path).model_dump(exclude={"sources"}) == example.model_dump(exclude={"sources"})


def _leaves(node, path=""):
    if isinstance(node, dict) and "value" in node:
        yield path, node
    elif isinstance(node, dict):
        for key, sub in node.items():
            yield from _leaves(sub, f"{path}.{key}" if path else key)
    else:
        yield path, node


def test_every_default_parameter_has_a_source():
    tree = yaml.safe_load(scenarios.bundled("defaults.yaml").read_text())
    missing = [p for p, leaf in _leaves(tree) if p not in ("name", "description")
               and not (isinstance(leaf, dict) and leaf.get("source"))]
    assert missing == []


def test_cli_bad_scenario_gives_one_line_error(tmp_path, capsys):
    from sim.cli import main

    path = write(tmp_path, "extends: defaults\nlevers: {fte: -1}\n")
    assert main(["run", str(path), "--reps", "1"]) == 2
    err = capsys.readouterr().err
    assert "levers.fte" in err and "Traceback" not in err


def test_cross_field_check_is_short_and_names_the_values(tmp_path):
    with pytest.raises(UserError) as err:
        mix = "population: {case_mix: {light: 0.9, heavy: 0.25, mda: 0.05}}"
        load_scenario(write(tmp_path, f"extends: defaults\n{mix}\n"))
    message = str(err.value)
    assert "case_mix" in message and "1.2" in message and len(message) < 200


def test_a_file_edited_between_two_loads_is_read_again(tmp_path):
    """Parsed files are remembered (a calibration reads the same files in every evaluation), by their text: an edit
    is seen at once, whatever the file's date, and what one load changes does not reach the next."""
    path = tmp_path / "town.yaml"
    path.write_text("extends: defaults\nlevers: {fte: 7}\n", encoding="utf-8")
    assert load_scenario(path).levers.fte == 7
    assert load_scenario(path).levers.fte == 7  # the remembered tree kept its 'extends' (a load pops it)
    path.write_text("extends: defaults\nlevers: {fte: 9}\n", encoding="utf-8")
    assert load_scenario(path).levers.fte == 9
