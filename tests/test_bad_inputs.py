"""The bad-input corpus: files and arguments of every command that must be refused.

Each case must end in exit status 2 with one line ``mph: error: ...`` naming what is wrong (the field, option or
file, and the value or limit), never a traceback, never a hang (an alarm fails a case after a few seconds), never
a silent accept (exit 0). The cases run in-process through :func:`sim.cli.main`, so the corpus stays fast; a few
also run as a real process (:func:`test_real_process`).
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from calibration.dossiers import bsn
from sim.cli import main

ROOT = Path(__file__).resolve().parent.parent
SECONDS = 20  # a refused input is refused in about a second; more is a hang

# -- files a person writes -------------------------------------------------------------------------------------
SCENARIO = "extends: example_municipality\n"
REGISTER = ("entries:\n  cost.eviction:\n    value: 4750\n    unit: EUR\n    price_year: 2011\n    source: test\n"
            "    confidence: C\n    payer: housing_corporation\n    cashable: true\n")
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))
# File-level defects: (name, content, what the message must say)
FILE_DEFECTS: dict[str, tuple[bytes, str]] = {
    "latin1": ("name: Café\n".encode("latin-1"), "not UTF-8"),
    "utf16": ("name: x\n".encode("utf-16"), "UTF-16"),
    "binary": (bytes(range(256)) * 4, "not UTF-8"),
    "duplicate key": (b"name: a\nseed: 1\nname: b\n", "duplicate key 'name'"),
    "alias bomb": (BOMB.encode(), "alias"),
    "recursive alias": (b"a: &a [1, *a]\n", "alias"),
    "deep nesting": (b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested deeper"),
    "invalid yaml": (b"a: [1, 2\n", "not valid YAML"),
    "tab indent": (b"a:\n\t- 1\n", "not valid YAML"),
    "a list": (b"- 1\n- 2\n", "must be a mapping"),
    "empty": (b"", "must be a mapping"),
    "too large": (b"a: 1\n" + b"# padding\n" * 250_000, "larger than"),
}
# The commands that read such a file, and how: {file} is the file
FILE_COMMANDS = {
    "run": ["run", "{file}"],
    "des": ["des", "{file}"],
    "compare": ["compare", "{file}"],
    "sweep": ["sweep", "{file}"],
    "calibrate": ["calibrate", "{file}"],
    "mkba": ["mkba", "{file}"],
    "mkba cockpit": ["mkba", "--cockpit", "{file}"],
    "mkba register": ["mkba", "--cockpit", "--register", "{file}"],
    "data synth": ["data", "synth", "{file}"],
}


@dataclass
class Case:
    argv: list[str]
    says: str  # what the message must contain
    files: dict[str, str | bytes] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)


def _file_cases() -> dict[str, Case]:
    return {f"{command}: {defect}": Case([a.replace("{file}", "in.yaml") for a in argv], says,
                                          {"in.yaml": content})
            for command, argv in FILE_COMMANDS.items() for defect, (content, says) in FILE_DEFECTS.items()}


def _scenario(**sections: str) -> dict[str, str]:
    return {"s.yaml": SCENARIO + "".join(f"{name}:\n{body}" for name, body in sections.items())}


# Values in a scenario: (section, body, what the message must say)
SCENARIO_VALUES = {
    "fte inf": ("levers", "  fte: .inf\n", "levers.fte"),
    "fte nan": ("levers", "  fte: .nan\n", "finite"),
    "fte 1e308": ("levers", "  fte: 1.0e+308\n", "plausible maximum"),
    "fte negative": ("levers", "  fte: -1\n", "levers.fte"),
    "fte text": ("levers", "  fte: veel\n", "levers.fte"),
    "regisseurs too many": ("levers", "  fte: 100\n  fte_per_regisseur: 0.0001\n", "regisseurs"),
    "fte_per_regisseur 0": ("levers", "  fte_per_regisseur: 0\n", "fte_per_regisseur"),
    "fte_per_regisseur 2": ("levers", "  fte_per_regisseur: 2\n", "fte_per_regisseur"),
    "caseload inf": ("levers", "  caseload_norm: .inf\n", "caseload_norm"),
    "caseload huge": ("levers", "  caseload_norm: 1.0e+9\n", "caseload_norm"),
    "training weeks huge": ("levers", "  training_weeks: 100000\n", "training_weeks"),
    "aftercare negative": ("levers", "  aftercare_months: -3\n", "aftercare_months"),
    "unknown lever": ("levers", "  ftee: 3\n", "unknown key"),
    "mandate not a mapping": ("levers", "  mandate: yes\n", "mandate"),
    "households 0": ("population", "  households: 0\n", "population.households"),
    "households 3 million": ("population", "  households: 3000000\n", "plausible maximum"),
    "households 1e308": ("population", "  households: 1.0e+308\n", "population.households"),
    "households fraction": ("population", "  households: 1.5\n", "population.households"),
    "households inf": ("population", "  households: .inf\n", "population.households"),
    "case mix sum": ("population", "  case_mix: {light: 0.9, heavy: 0.9, mda: 0.9}\n", "case_mix"),
    "share above 1": ("population", "  in_view_share: 1.5\n", "in_view_share"),
    "children inf": ("population", "  children_mean: .inf\n", "children_mean"),
    "severity nan": ("population", "  severity_concentration: .nan\n", "severity_concentration"),
    "drift nan": ("dynamics", "  drift_rate: .nan\n", "drift_rate"),
    "spillover huge": ("dynamics", "  spillover: 1.0e+300\n", "spillover"),
    "capacity huge": ("organisations", "  debt_relief: {capacity: 1000000000000}\n", "capacity"),
    "unknown section": ("levres", "  fte: 3\n", "unknown key"),
}


def _scenario_cases() -> dict[str, Case]:
    cases = {f"scenario: {name}": Case(["run", "s.yaml"], says, _scenario(**{section: body}))
             for name, (section, body, says) in SCENARIO_VALUES.items()}
    cases |= {
        "scenario: horizon 0": Case(["run", "s.yaml"], "horizon_years", {"s.yaml": SCENARIO + "horizon_years: 0\n"}),
        "scenario: horizon 1000": Case(["run", "s.yaml"], "horizon_years",
                                       {"s.yaml": SCENARIO + "horizon_years: 1000\n"}),
        "scenario: replications 0": Case(["run", "s.yaml"], "replications",
                                         {"s.yaml": SCENARIO + "replications: 0\n"}),
        "scenario: seed negative": Case(["run", "s.yaml"], "seed", {"s.yaml": SCENARIO + "seed: -1\n"}),
        "scenario: second levers section": Case(["run", "s.yaml"], "duplicate key 'levers'",
                                                {"s.yaml": SCENARIO + "levers: {fte: 3}\nlevers: {fte: 4}\n"}),
        "scenario: extends itself": Case(["run", "s.yaml"], "loops back", {"s.yaml": "extends: ./s.yaml\n"}),
        "scenario: extends cycle via other paths": Case(
            ["run", "a.yaml"], "loops back",
            {"a.yaml": "extends: sub/b.yaml\n", "sub/b.yaml": "extends: ../sub/../a.yaml\n"}),
        "scenario: extends missing": Case(["run", "s.yaml"], "not found", {"s.yaml": "extends: nowhere.yaml\n"}),
        "scenario: extends a list": Case(["run", "s.yaml"], "extends", {"s.yaml": "extends: [a, b]\n"}),
        "scenario: missing file": Case(["run", "missing.yaml"], "not found"),
        "scenario: a folder": Case(["run", "."], "."),
    }
    return cases


PRICES = {
    "price 1e308": ("1.0e+308", "plausible maximum"),
    "price inf": (".inf", "finite"),
    "price nan": (".nan", "finite"),
    "price negative": ("-5", "greater than or equal"),
    "price text": ("duur", "value"),
}


def _register_cases() -> dict[str, Case]:
    return {f"register: {name}": Case(["mkba", "--cockpit", "--register", "r.yaml"], says,
                                      {"r.yaml": REGISTER.replace("value: 4750", f"value: {value}")})
            for name, (value, says) in PRICES.items()}


# Output locations that cannot be written: refused before any simulation starts
OUTPUT_OPTIONS = {
    "run --out": ["run", "--out", "{blocked}"],
    "run --json": ["run", "--json", "{blocked}"],
    "run --json a folder": ["run", "--json", "."],
    "mkba --json": ["mkba", "--json", "{blocked}"],
    "mkba --excel": ["mkba", "--excel", "{blocked}"],
    "mkba --charts": ["mkba", "--charts", "{blocked}"],
    "mkba cockpit --json": ["mkba", "--cockpit", "--json", "{blocked}"],
    "compare --out": ["compare", "s.yaml", "--out", "{blocked}"],
    "compare --html": ["compare", "s.yaml", "--html", "{blocked}"],
    "sweep --out": ["sweep", str(ROOT / "scenarios/sweeps/fte_x_mandate.yaml"), "--out", "{blocked}"],
    "run --report": ["run", "--report", "{blocked}"],
    "mkba --report": ["mkba", "--report", "{blocked}.html"],
    "mkba cockpit --report": ["mkba", "--cockpit", "--report", "{blocked}"],
    "compare --report": ["compare", "s.yaml", "--report", "{blocked}"],
    "sweep --report": ["sweep", str(ROOT / "scenarios/sweeps/fte_x_mandate.yaml"), "--report", "{blocked}"],
    "calibrate --out": ["calibrate", str(ROOT / "calibration/example.yaml"), "--out", "{blocked}"],
    "des --out": ["des", "--out", "{blocked}"],
    "data synth --out": ["data", "synth", "--out", "{blocked}"],
    "data check --out": ["data", "check", "d", "--out", "{blocked}"],
}


def _output_cases() -> dict[str, Case]:
    # a file where a folder must be: refused even for root (who may write anywhere else)
    return {f"output: {name}": Case([a.replace("{blocked}", "afile/sub") for a in argv], "afile",
                                    {"afile": "not a folder\n", "s.yaml": SCENARIO})
            if "{blocked}" in " ".join(argv) else Case(argv, "is a folder", {"s.yaml": SCENARIO})
            for name, argv in OUTPUT_OPTIONS.items()}


HOUSEHOLDS = "household_id,group,start_date,end_date,problems_baseline\n"


def _dossier_cases() -> dict[str, Case]:
    return {
        "data check: header only": Case(["data", "check", "h.csv"], "no rows", {"h.csv": HOUSEHOLDS}),
        "data check: missing columns": Case(["data", "check", "h.csv"], "missing column", {"h.csv": "a,b\n1,2\n"}),
        "data check: BSN without a key": Case(["data", "check", "h.csv"], "--key-file",
                                              {"h.csv": HOUSEHOLDS + "1081.86.702,control,2013-01-07,2014-01-06,2\n"}),
        "data check: BSN in 1 of 10 rows": Case(
            ["data", "check", "h.csv"], "in 1 row(s)",
            {"h.csv": HOUSEHOLDS + "".join(f"hh{i},control,2013-01-07,2014-01-06,2\n" for i in range(9))
             + "12345672,control,2013-01-07,2014-01-06,2\n"}),
        "data check: unknown suffix": Case(["data", "check", "h.txt"], "unknown file type", {"h.txt": HOUSEHOLDS}),
        "data check: missing file": Case(["data", "check", "nothing.csv"], "not found"),
        "data check: folder without households": Case(["data", "check", "empty"], "households.csv",
                                                      {"empty/readme": "x"}),
        "data check: short key": Case(["data", "check", "h.csv", "--key-file", "k"], "at least 16",
                                      {"h.csv": HOUSEHOLDS, "k": "short"}),
        "data synth: --set alias bomb": Case(["data", "synth", "--set", f"x={BOMB.replace(chr(10), ' ')}"],
                                             "--set"),
        "data synth: --set no value": Case(["data", "synth", "--set", "levers.fte"], "PATH=VALUE"),
        "data synth: --fte inf": Case(["data", "synth", "--fte", "inf"], "levers.fte"),
        "data synth: --fte 1e308": Case(["data", "synth", "--fte", "1e308"], "plausible maximum"),
        "data synth: --households 1e7": Case(["data", "synth", "--households", "10000000"], "households"),
    }


CALIBRATION = ("name: c\nparameters:\n"
               "  escalations.police_incident.base_hazard: {dist: uniform, low: 0.02, high: 0.04}\n"
               "targets:\n  - {measure: eviction_per_year, value: 1.0, sd: 0.5}\n")


def _calibration_cases() -> dict[str, Case]:
    no_parameters = CALIBRATION.split("parameters:")[0] + "parameters: {}\ntargets:" + CALIBRATION.split("targets:")[1]
    return {
        "calibrate: no parameters": Case(["calibrate", "c.yaml"], "parameters", {"c.yaml": no_parameters}),
        "calibrate: no targets": Case(["calibrate", "c.yaml"], "targets",
                                      {"c.yaml": CALIBRATION.split("targets:")[0] + "targets: []\n"}),
        "calibrate: prior inf": Case(["calibrate", "c.yaml"], "high",
                                     {"c.yaml": CALIBRATION.replace("high: 0.04", "high: .inf")}),
        "calibrate: sd 0": Case(["calibrate", "c.yaml"], "sd", {"c.yaml": CALIBRATION.replace("sd: 0.5", "sd: 0")}),
        "calibrate: unknown measure": Case(["calibrate", "c.yaml"], "unknown measure",
                                           {"c.yaml": CALIBRATION.replace("eviction_per_year", "happiness")}),
        "calibrate: unknown parameter": Case(["calibrate", "c.yaml"], "levers.nothing",
                                             {"c.yaml": CALIBRATION.replace("escalations.police_incident.base_hazard",
                                                                            "levers.nothing")}),
        "workshop: beyond this machine without a password": Case(["workshop", "--host", "0.0.0.0"],
                                                                 "MPH_WORKSHOP_PASSWORD"),
        "workshop: a short password": Case(["workshop", "--host", "192.168.1.10"], "at least 8",
                                           env={"MPH_WORKSHOP_PASSWORD": "1234"}),
        "workshop: port 0": Case(["workshop", "--port", "0"], "--port"),
        "workshop: workers 0": Case(["workshop", "--workers", "0"], "--workers"),
        "workshop: bad scenario": Case(["workshop", "s.yaml"], "levers.fte",
                                       _scenario(levers="  fte: .inf\n")),
        "calibrate: a control group of 3": Case(
            ["calibrate", "c.yaml"], "fewer than 5 households",
            {"c.yaml": CALIBRATION.replace("measure: eviction_per_year, value: 1.0, sd: 0.5",
                                           "dossier: control.escalations_per_year")
             + "data: {households: h.csv}\n",
             "h.csv": HOUSEHOLDS + "".join(f"t{i},1g1p1r,2013-01-07,2014-01-06,2\n" for i in range(8))
             + "".join(f"c{i},control,2013-01-07,2014-01-06,2\n" for i in range(3))}),
        "effect: header only": Case(["effect", "h.csv"], "no rows", {"h.csv": HOUSEHOLDS}),
        "effect: BSN without a key": Case(["effect", "h.csv"], "--key-file",
                                          {"h.csv": HOUSEHOLDS + "108 186 702,control,2013-01-07,2014-01-06,2\n"}),
        "effect: latin1 csv": Case(["effect", "h.csv"], "h.csv", {"h.csv": (HOUSEHOLDS + "hé,control\n").encode(
            "latin-1")}),
    }


SWEEP = f"name: t\nscenario: {ROOT / 'scenarios/example_municipality.yaml'}\ndesign: grid\nreplications: 1\n"
SWEEP_VALUES = {
    "lever inf": ("levers:\n  levers.fte: [.inf]\n", "finite"),
    "lever 1e308": ("levers:\n  levers.fte: [1.0e+308]\n", "plausible maximum"),
    "unknown lever": ("levers:\n  levers.nothing: [1, 2]\n", "levers.nothing"),
    "samples huge": ("samples: 1000000000\n", "samples"),
    "seed negative": ("seed: -1\n", "seed"),
    "households 1e7": ("levers:\n  population.households: [10000000]\n", "population.households"),
}
COCKPIT = (ROOT / "scenarios/mkba/cockpit_example.yaml").read_text(encoding="utf-8")
COCKPIT_VALUES = {
    "count inf": ("mph_current: 3000 ", "mph_current: .inf ", "finite"),
    "count 1e308": ("mph_current: 3000 ", "mph_current: 1.0e+308 ", "plausible maximum"),
    "count negative": ("mph_current: 3000 ", "mph_current: -5 ", "mph_current"),
    "share 500%": ("mda_share_pct: 5 ", "mda_share_pct: 500 ", "mda_share_pct"),
    "rate nan": ("current_pct: 60,", "current_pct: .nan,", "current_pct"),
    "price year 1066": ("price_year: 2011 ", "price_year: 1066 ", "price_year"),
}


def _sweep_and_cockpit_cases() -> dict[str, Case]:
    cases = {f"sweep: {name}": Case(["sweep", "sw.yaml"], says, {"sw.yaml": SWEEP + body})
             for name, (body, says) in SWEEP_VALUES.items()}
    for name, (old, new, says) in COCKPIT_VALUES.items():
        assert old in COCKPIT, old
        cases[f"mkba cockpit: {name}"] = Case(["mkba", "--cockpit", "ck.yaml"], says,
                                              {"ck.yaml": COCKPIT.replace(old, new, 1)})
    return cases


# Arguments on the command line: (argv, what the message must say)
ARGUMENTS = {
    "run --reps 0": (["run", "--reps", "0"], "--reps"),
    "run --reps text": (["run", "--reps", "many"], "--reps"),
    "run --years -1": (["run", "--years", "-1"], "--years"),
    "run --years 1000": (["run", "--years", "1000"], "horizon_years"),
    "run --reps 10 million": (["run", "--reps", "10000000"], "replications"),
    "run --seed -5": (["run", "--seed", "-5"], "--seed"),
    "run unknown option": (["run", "--fast"], "--fast"),
    "unknown command": (["simulate"], "simulate"),
    "mkba --discount-rate 99": (["mkba", "--cockpit", "--discount-rate", "99"], "discount"),
    "mkba --discount-rate text": (["mkba", "--cockpit", "--discount-rate", "hoog"], "hoog"),
    "mkba --price-year 1800": (["mkba", "--cockpit", "--price-year", "1800"], "1800"),
    "mkba --horizon 0": (["mkba", "--cockpit", "--horizon", "0"], "horizon 0"),
    "mkba --discount-regime unknown": (["mkba", "--cockpit", "--discount-regime", "nergens"], "nergens"),
    "compare no scenario": (["compare"], "SCENARIO.yaml"),
    "compare --reps 0": (["compare", str(ROOT / "scenarios/example_municipality.yaml"), "--reps", "0"], "--reps"),
    "des --method unknown": (["des", "--method", "beter"], "beter"),
    "des --animate unknown organisation": (["des", "--animate", "nergens"], "nergens"),
    "data synth --years 1": (["data", "synth", "--years", "1"], "--years"),
    "data synth --households 0": (["data", "synth", "--households", "0"], "households"),
    "data check --format xlsx": (["data", "check", "x", "--format", "xlsx"], "xlsx"),
    "data without an action": (["data"], "ACTION"),
    "workshop --port text": (["workshop", "--port", "web"], "--port"),
}


def _argument_cases() -> dict[str, Case]:
    return {f"argument: {name}": Case(argv, says) for name, (argv, says) in ARGUMENTS.items()}


CASES = (_file_cases() | _scenario_cases() | _register_cases() | _output_cases() | _dossier_cases()
         | _calibration_cases() | _sweep_and_cockpit_cases() | _argument_cases())


class _Hang(Exception):
    pass


@contextlib.contextmanager
def _alarm(seconds: int):
    def ring(*_):
        raise _Hang(f"no answer after {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _materialise(folder: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())


@pytest.fixture(scope="module", autouse=True)
def _imported():
    """The handlers' heavy imports (seconds on a busy machine) done once, outside the alarm of each case."""
    import calibration.config  # noqa: F401
    import sim.des
    import sim.experiments.compare
    import sim.experiments.sweep
    import sim.mkba.cockpit
    import sim.reports.mkba
    import sim.run  # noqa: F401


def test_the_corpus_is_large():
    assert len(CASES) >= 150, len(CASES)


@pytest.mark.parametrize("name", CASES)
def test_refused_in_one_line(name, tmp_path, monkeypatch, capsys):
    case = CASES[name]
    _materialise(tmp_path, case.files)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(bsn.KEY_ENV, raising=False)
    monkeypatch.delenv("MPH_WORKSHOP_PASSWORD", raising=False)
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    with _alarm(SECONDS):
        try:
            status = main(case.argv)  # anything but a UserError propagates: a traceback fails the case
        except SystemExit as exit_:  # argparse refusing an argument
            status = exit_.code
    err = capsys.readouterr().err
    assert status == 2, f"exit {status} (a silent accept?)\n{err}"
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mph: error: "), err
    assert case.says in lines[0], lines[0]
    assert not bsn.find(lines[0]), lines[0]
    assert not any(p.name.endswith(".part") for p in tmp_path.rglob("*"))


@pytest.mark.parametrize("name", ["run: alias bomb", "run: latin1", "run: deep nesting", "scenario: fte 1e308"])
def test_real_process(name, tmp_path):
    """The same refusals from a real `python -m sim`: exit 2, one line, no traceback, in time."""
    case = CASES[name]
    _materialise(tmp_path, case.files)
    done = subprocess.run([sys.executable, "-m", "sim", *case.argv], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1 and case.says in done.stderr
