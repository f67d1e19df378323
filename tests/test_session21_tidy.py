"""Session 21's tidy-up after round 17: a date in the asked form that is no day says which part
is wrong (H91: `--window-end 2021-13-01` said "expected YYYY-MM-DD" of a date in that form), and
the scenario files' YAML loader in its own module reads and refuses as before."""

from __future__ import annotations

import argparse

import pytest


@pytest.mark.parametrize("text, says", [
    ("2021-13-01", "'2021-13-01' is not a date: there is no month 13"),
    ("2023-02-30", "'2023-02-30' is not a date: February 2023 has no day 30"),
    ("2023-00-10", "'2023-00-10' is not a date: there is no month 0"),
    ("0000-01-01", "'0000-01-01' is not a date: there is no year 0"),
    ("31/03/2019", "expected a date as YYYY-MM-DD, got '31/03/2019'"),
])
def test_a_date_that_is_no_day_says_why(text, says):
    from workbench.cli.args import date
    with pytest.raises(argparse.ArgumentTypeError) as exc:
        date(text)
    assert str(exc.value) == says


def test_the_calibrate_command_says_it(capsys):
    from workbench.cli.main import main
    with pytest.raises(SystemExit):
        main(["calibrate", "--cases", "c.csv", "--workforce", "w.csv", "--out", "x.yaml",
              "--window-end", "2021-13-01"])
    err = capsys.readouterr().err
    assert "there is no month 13" in err and "Traceback" not in err


def test_the_yaml_loader_refuses_a_key_twice_and_a_set(tmp_path):
    from workbench.scenario.errors import ScenarioError
    from workbench.scenario.load import load_raw
    twice = tmp_path / "twice.yaml"
    twice.write_text("name: a\nname: b\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="the key 'name' is given twice"):
        load_raw(twice)
    aset = tmp_path / "set.yaml"
    aset.write_text("demand:\n  sibling_group_probs: !!set {0.7, 0.3}\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="a set keeps no order"):
        load_raw(aset)


def test_a_number_with_an_underscore_is_refused():
    # Python reads 1_0 as 10: --years 1_0 ran ten years (H91)
    from workbench.cli.args import years
    with pytest.raises(argparse.ArgumentTypeError, match="write it without underscores"):
        years("1_0")
    assert years("1.5") == 1.5
