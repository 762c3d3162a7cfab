"""Citizen service numbers: recognised, pseudonymised with the user's key, and never in any output."""

import pandas as pd
import pytest
from dossiers import small_synthetic

from calibration.dossiers import bsn
from calibration.dossiers.schema import check_dossier, write_dossier
from scenarios.errors import UserError
from sim.cli import main

KEY = "0123456789abcdef0123456789abcdef"
OTHER_KEY = "fedcba9876543210fedcba9876543210"


def test_eleven_test():
    assert bsn.is_bsn("111222333") and bsn.is_bsn("123456782")
    assert bsn.is_bsn("12345672") and bsn.normalise("12345672") == "012345672"  # 8 digits: a leading zero
    assert bsn.is_bsn("1234.56.782")  # written with separators
    assert not bsn.is_bsn("123456789") and not bsn.is_bsn("000000000") and not bsn.is_bsn("12345678901")
    assert bsn.redact("row 3: '123456782' and 123456789") == "row 3: '[BSN]' and 123456789"


def test_columns_recognised_by_name_and_by_values():
    frame = pd.DataFrame({
        "BSN": ["", "x"],
        "klant": ["111222333", "123456782"],  # passes the eleven-test: BSNs under another name
        "dossiernummer": ["123456789", "987654321"],  # 9 digits, failing the eleven-test
    })
    assert bsn.bsn_columns(frame) == {"BSN": "by name", "klant": "by values (eleven-test)"}


def test_pseudonym_depends_on_the_key():
    key, other = KEY.encode(), OTHER_KEY.encode()
    assert bsn.pseudonym("123456782", key) == bsn.pseudonym("1234.56.782", key)
    assert bsn.pseudonym("123456782", key) != bsn.pseudonym("123456782", other)
    assert "123456782" not in bsn.pseudonym("123456782", key)


def test_key_from_file_or_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(bsn.KEY_ENV, raising=False)
    assert bsn.load_key(None) is None
    (tmp_path / "short").write_text("secret")
    with pytest.raises(UserError, match="at least 16"):
        bsn.load_key(tmp_path / "short")
    with pytest.raises(UserError, match="cannot read"):
        bsn.load_key(tmp_path / "missing")
    monkeypatch.setenv(bsn.KEY_ENV, KEY)
    assert bsn.load_key(None) == KEY.encode()


def test_missing_key_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(bsn.KEY_ENV, raising=False)
    write_dossier(small_synthetic(with_bsn=True).dossier, tmp_path / "d")
    assert main(["data", "check", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err
    assert "citizen service numbers (BSN)" in err and "--key-file" in err and "Traceback" not in err


def test_wrong_key_is_a_clear_error(tmp_path):
    (tmp_path / "key").write_text(KEY)
    raw = tmp_path / "raw"
    write_dossier(small_synthetic(with_bsn=True).dossier, raw)
    check = check_dossier(raw, key=KEY.encode())
    write_dossier(check.dossier, tmp_path / "pseudo")
    # the pseudonymised households linked with events pseudonymised under another key
    with pytest.raises(UserError, match="wrong pseudonymisation key"):
        check_dossier(tmp_path / "pseudo" / "households.csv", raw / "events.csv", key=OTHER_KEY.encode())
    # the same key links them
    assert check_dossier(tmp_path / "pseudo" / "households.csv", raw / "events.csv", key=KEY.encode()).dossier


def test_invalid_bsn_is_reported_without_its_value(tmp_path):
    path = tmp_path / "households.csv"
    path.write_text("bsn,group,start_date,end_date,problems_baseline\n"
                    "123456782,1g1p1r,2013-01-07,2014-01-06,3\n"
                    "123456780,control,2013-01-07,2014-01-06,2\n")
    check = check_dossier(path, key=KEY.encode())
    assert any("row 2: bsn: not a valid BSN" in p for p in check.problems)
    assert not any("123456780" in p or "123456782" in p for p in check.problems)


def test_a_bsn_never_reaches_an_output(tmp_path, monkeypatch, capsys):
    synthetic = small_synthetic(with_bsn=True)
    numbers = set(synthetic.dossier.households["bsn"])
    raw = tmp_path / "raw"
    write_dossier(synthetic.dossier, raw)
    monkeypatch.setenv(bsn.KEY_ENV, KEY)
    out = tmp_path / "out"
    config = tmp_path / "calibrate.yaml"
    config.write_text(f"""
name: bsn_check
fit_settings: {{population.households: 400, horizon_years: 3, levers.fte: 2}}
replications: 1
data: {{households: {raw / 'households.csv'}, events: {raw / 'events.csv'}}}
parameters:
  escalations.police_incident.base_hazard: {{dist: uniform, low: 0.02, high: 0.04}}
targets:
  - dossier: 1g1p1r.escalations_per_year
point: {{lhs: 2, polish: 0}}
""")
    assert main(["data", "check", str(raw), "--out", str(out / "checked")]) == 0
    assert main(["data", "check", str(raw), "--out", str(out / "checked_parquet"), "--format", "parquet"]) == 0
    assert main(["effect", str(raw), "--out", str(out / "effect"), "--bootstrap", "50"]) == 0
    assert main(["calibrate", str(config), "--mode", "point", "--out", str(out / "calibration")]) == 0
    printed = capsys.readouterr()
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) >= 10
    for path in files:
        content = path.read_bytes()
        leaked = [n for n in numbers if n.encode() in content]
        assert not leaked, f"{path} holds {len(leaked)} BSNs"
    assert not any(n in printed.out or n in printed.err for n in numbers)
