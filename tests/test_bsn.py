"""Citizen service numbers: recognised, pseudonymised with the user's key, and never in any output."""

import io

import pandas as pd
import pytest
from dossiers import small_synthetic

from calibration.dossiers import bsn
from calibration.dossiers.schema import Dossier, check_dossier, write_dossier
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
    write_dossier(small_synthetic(with_bsn=True).dossier, tmp_path / "d", pseudonymised=False)
    assert main(["data", "check", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err
    assert "citizen service numbers (BSN)" in err and "--key-file" in err and "Traceback" not in err


def test_wrong_key_is_a_clear_error(tmp_path):
    (tmp_path / "key").write_text(KEY)
    raw = tmp_path / "raw"
    write_dossier(small_synthetic(with_bsn=True).dossier, raw, pseudonymised=False)
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
    numbers = sorted(set(synthetic.dossier.households["bsn"]))
    # as exports spell them: plain, with dots, spaces, dashes or a letter suffix (the same in both tables)
    spellings = [lambda n: n, lambda n: f"{n[:4]}.{n[4:6]}.{n[6:]}", lambda n: f"{n[:3]} {n[3:6]} {n[6:]}",
                 lambda n: f"{n[:3]}-{n[3:5]}-{n[5:]}", lambda n: f"{n}B"]
    spelt = {n: spellings[i % len(spellings)](n) for i, n in enumerate(numbers)}
    raw = tmp_path / "raw"
    households, events = (frame.assign(bsn=frame["bsn"].map(spelt))  # copies: the synthetic dossier is shared
                          for frame in (synthetic.dossier.households, synthetic.dossier.events))
    write_dossier(Dossier(households, events), raw, pseudonymised=False)
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
        leaked = [n for n in numbers if n.encode() in content or spelt[n].encode() in content]
        assert not leaked, f"{path} holds {len(leaked)} BSNs"
    assert not any(n in printed.out or n in printed.err or spelt[n] in printed.out + printed.err for n in numbers)


# -- every spelling, any share of rows, any column ------------------------------------------------------------------
# 012345672 keeps its leading zero only as text; 108186702 is an ordinary nine-digit one
SPELLINGS = {
    "plain": ("108186702", "108186702"),
    "dots": ("1081.86.702", "108186702"),
    "spaces": ("108 186 702", "108186702"),
    "dashes": ("108-18-6702", "108186702"),
    "lost leading zero": ("12345672", "012345672"),
    "leading zero kept": ("012345672", "012345672"),
    "letter suffix": ("108186702A", "108186702"),
    "letter prefix": ("NL108186702", "108186702"),
    "float": ("108186702.0", "108186702"),
    "scientific": ("1.08186702E+08", "108186702"),
    "scientific, zeros dropped": ("1.000008E+08", "100000800"),
    "in a longer code": ("dossier-2024-108186702", "108186702"),
    "two leading zeros lost": ("1000007", "001000007"),
    "slashes": ("108/186/702", "108186702"),
    "slashes, two zeros lost": ("1/000/007", "001000007"),
}


@pytest.mark.parametrize("name", SPELLINGS)
def test_every_spelling_is_recognised_and_redacted(name):
    spelt, number = SPELLINGS[name]
    assert bsn.find(spelt) == [number] and bsn.is_bsn(spelt)
    redacted = bsn.redact(f"row 4: household_id: {spelt!r}: same as row 2")
    assert bsn.find(redacted) == [] and number.lstrip("0") not in redacted.replace(".", "").replace(" ", "")


def test_dates_and_ordinary_numbers_are_not_bsns():
    for value in ("2013-01-07", "07-01-2013", "123456789", "1234567", "hh00012", "ps-123456-0123456789abcdef"):
        assert bsn.find(value) == [], value


def test_a_float_in_scientific_notation_stays_readable_in_a_log_line():
    """pyabc logs distances such as 4.108186702e+00; the fraction's nine digits pass the eleven-test, but the value is
    no whole number and so no BSN."""
    line = "eps: 4.108186702e+00, accepted 12"
    assert bsn.find("4.108186702e+00") == [] and bsn.redact(line) == line
    assert bsn.redact("id 1.08186702E+08") == "id [BSN]"


def _households(ids: list[str]) -> str:
    rows = [f"{i},{'1g1p1r' if n % 2 else 'control'},2013-01-07,2014-01-06,3" for n, i in enumerate(ids)]
    return "household_id,group,start_date,end_date,problems_baseline\n" + "\n".join(rows) + "\n"


def _scan(folder, numbers) -> list[str]:
    """Every file under ``folder`` holding one of ``numbers`` in some spelling: the number itself, without its
    leading zeros, or anything the recogniser finds."""
    leaks = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", "replace")
        if path.suffix == ".parquet":
            text = pd.read_parquet(path).to_csv(index=False)
        values = [v for line in text.splitlines() for v in line.split(",")]
        for number in numbers:
            if number in text or number.lstrip("0") in text or any(number in bsn.find(v) for v in values):
                leaks.append(f"{path.name}: {number}")
    return leaks


@pytest.mark.parametrize("name", SPELLINGS)
def test_data_check_out_pseudonymises_every_spelling_in_a_few_rows(name, tmp_path, monkeypatch, capsys):
    """BSNs in 2 of 20 rows of an identifier column, the rest ordinary identifiers: the output holds none."""
    spelt, number = SPELLINGS[name]
    other = "1112.22.333" if "." in spelt else "111222333"
    ids = [f"hh{n:03d}" for n in range(18)] + [spelt, other]
    (tmp_path / "households.csv").write_text(_households(ids))
    monkeypatch.setenv(bsn.KEY_ENV, KEY)
    assert main(["data", "check", str(tmp_path / "households.csv"), "--out", str(tmp_path / "out")]) == 0
    written = pd.read_csv(tmp_path / "out" / "households.csv", dtype=str)
    assert written["household_id"].str.startswith("ps-").sum() == 2 and "hh000" in set(written["household_id"])
    assert _scan(tmp_path / "out", [number, "111222333"]) == []
    printed = capsys.readouterr()
    assert not bsn.find(printed.out) and not bsn.find(printed.err)


@pytest.mark.parametrize("dtype", ["int64", "float64"])
def test_parquet_integer_and_float_columns(dtype, tmp_path, monkeypatch):
    """An integer column loses the leading zero (12345672); a float column (one with gaps) writes 108186702.0."""
    monkeypatch.setenv(bsn.KEY_ENV, KEY)
    frame = pd.read_csv(io.StringIO(_households(["a", "b", "c"])), dtype=str)
    frame["household_id"] = pd.Series([12345672, 108186702, 111222333], dtype=dtype)
    frame.to_parquet(tmp_path / "households.parquet")
    assert main(["data", "check", str(tmp_path / "households.parquet"), "--out", str(tmp_path / "out")]) == 0
    assert pd.read_csv(tmp_path / "out" / "households.csv")["household_id"].str.startswith("ps-").all()
    assert _scan(tmp_path / "out", ["012345672", "108186702", "111222333"]) == []


def test_without_a_key_a_single_bsn_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(bsn.KEY_ENV, raising=False)
    ids = [f"hh{n:03d}" for n in range(49)] + ["1081.86.702"]
    (tmp_path / "households.csv").write_text(_households(ids))
    assert main(["data", "check", str(tmp_path / "households.csv"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "in 1 row(s)" in err and "household_id" in err and not (tmp_path / "out").exists()


def test_output_labelled_pseudonymised_is_refused_while_it_holds_a_bsn(tmp_path):
    """The last guard: whatever went before, a table with a BSN in its identifier is not written."""
    dossier = check_dossier(_write(tmp_path, ["hh1", "hh2"])).dossier
    dossier.households.loc[1, "household_id"] = "1081 86 702"
    with pytest.raises(UserError, match="still holds 1 value") as err:
        write_dossier(dossier, tmp_path / "out")
    assert "1081" not in str(err.value) and not (tmp_path / "out" / "households.csv").exists()


def _write(folder, ids):
    path = folder / "households.csv"
    path.write_text(_households(ids))
    return path


def test_messages_never_quote_a_bsn(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(bsn.KEY_ENV, KEY)
    path = tmp_path / "households.csv"
    # BSNs where they are not allowed: in a category, a date and a count (each row reported with its value)
    path.write_text("household_id,group,start_date,end_date,problems_baseline\n"
                    "hh1,1081.86.702,2013-01-07,2014-01-06,3\n"
                    "hh2,control,108 186 702,2014-01-06,3\n"
                    "hh3,control,2013-01-07,2014-01-06,12345672\n")
    assert main(["data", "check", str(path)]) == 1
    printed = capsys.readouterr()
    assert printed.out.count("[BSN]") == 3 and not bsn.find(printed.out)
    # a file name that is a BSN, in an error message
    assert main(["data", "check", str(tmp_path / "1081.86.702.csv")]) == 2
    err = capsys.readouterr().err
    assert "[BSN]" in err and "1081" not in err


def test_a_header_only_households_file_is_not_a_dossier(tmp_path, capsys):
    assert main(["data", "check", str(_write(tmp_path, []))]) == 2
    assert "no rows" in capsys.readouterr().err


def test_dates_written_with_slashes_are_not_taken_for_bsns():
    for date in ("07/01/2013", "7/1/2013", "2013/01/07", "2013/1/7", "01/31/2013", "31-12-2013", "7.1.2013"):
        assert bsn.find(date) == [] and bsn.redact(date) == date


@pytest.mark.parametrize("name", SPELLINGS)
def test_log_records_of_any_logger_are_redacted(name, caplog, monkeypatch):
    """The command line installs the redaction; records of named loggers (pyabc, Dask) reach the root's handlers
    without its filters, so the message, its arguments and an exception's text are redacted as the record is made."""
    import logging

    spelling, number = SPELLINGS[name]
    monkeypatch.setattr(logging, "_logRecordFactory", logging.LogRecord)  # restored after the test
    monkeypatch.setattr(logging.getLogger(), "filters", [])
    bsn.install_log_redaction()
    caplog.set_level(logging.INFO)
    logging.getLogger("pyabc.sampler").info("household %s linked", spelling)
    logging.getLogger().warning(f"value {spelling} rejected")
    try:
        raise ValueError(f"bad id {spelling}")
    except ValueError:
        logging.getLogger("distributed.worker").exception("failed on %r", spelling)
    text = caplog.text
    assert text.count("[BSN]") >= 4 and spelling not in text and number not in text and not bsn.find(text)


def test_the_command_line_installs_the_log_redaction(tmp_path, monkeypatch):
    import logging

    monkeypatch.setattr(logging, "_logRecordFactory", logging.LogRecord)  # as a fresh process starts
    monkeypatch.setattr(logging.getLogger(), "filters", [])
    assert main(["data", "check", str(tmp_path / "missing.csv")]) == 2
    record = logging.getLogger("any.library").makeRecord("any.library", logging.INFO, __file__, 1,
                                                         "id %s", ("108/186/702",), None)
    assert record.getMessage() == "id [BSN]"
