"""The command line's one set of argument types: the same bounds and the same words for every
command, whether argparse or the command itself reports the mistake."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt

import pytest

from workbench.cli import args as types
from workbench.errors import UserError

from conftest import ROOT


@pytest.mark.parametrize("number, text, value", [
    (types.positive_int, "3", 3), (types.non_negative_int, " 0 ", 0), (types.years, "0.25", 0.25),
    (types.years, "30", 30.0),
])
def test_good_values(number, text, value):
    assert number.parse(text, "--x") == value and number(text) == value


@pytest.mark.parametrize("number, text, message", [
    (types.positive_int, "0", "--x must be at least 1, got 0"),
    (types.positive_int, "2.5", "--x must be a whole number, got '2.5'"),
    (types.non_negative_int, "-3", "--x must be at least 0, got -3"),
    (types.years, "0", "--x must be at least 0.02 (about a week: the KPIs are weekly series and "
                       "yearly rates), got 0"),
    (types.years, "-1", "--x must be at least 0.02 (about a week: the KPIs are weekly series and "
                        "yearly rates), got -1"),
    (types.years, "31", "--x must be at most 30, got 31"),
    (types.years, "inf", "--x must be a finite number, got 'inf'"),
    (types.years, "soon", "--x must be a number, got 'soon'"),
])
def test_bad_values_say_what_was_expected(number, text, message):
    with pytest.raises(UserError) as exc:
        number.parse(text, "--x")
    assert str(exc.value) == message
    with pytest.raises(argparse.ArgumentTypeError) as exc:
        number(text)
    assert str(exc.value) == message.removeprefix("--x ")


def test_dates():
    assert types.date("2019-03-31") == dt.date(2019, 3, 31)
    with pytest.raises(argparse.ArgumentTypeError, match="YYYY-MM-DD"):
        types.date("31/03/2019")


@pytest.mark.parametrize("argv,says", [
    # a traceback before: a whole number too large for a float in the bound's message
    (["compare", "scenarios/baseline.yaml", "--out", "OUT", "-r", "9" * 400],
     "--replications must be a whole number of at most 30 digits, got '9999"),
    # accepted before, and the run's file name was then too long to write
    (["run", "scenarios/baseline.yaml", "--out", "OUT", "--seed", "9" * 300],
     "--seed: must be a whole number of at most 30 digits"),
    (["run", "scenarios/baseline.yaml", "--out", "OUT", "--seed", str(2**63)],
     "--seed: must be at most 9,223,372,036,854,775,807 (a seed only names a stream"),
])
def test_numbers_too_long_for_their_use_are_refused_in_words(argv, says, tmp_path, capsys):
    from workbench.cli import main

    argv = [str(tmp_path / "out") if a == "OUT" else str(ROOT / a) if a.endswith(".yaml") else a
            for a in argv]
    with pytest.raises(SystemExit) if argv[0] == "run" else contextlib.nullcontext():
        code = main(argv)
        assert code == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err
