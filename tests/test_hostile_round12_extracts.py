"""Audit round 12 of the council extracts through ``workbench calibrate``: inputs the earlier
rounds had not tried (long synthetic windows, impossible absence, ...), each reduced to its
smallest reproduction."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from workbench.calibration.extracts import read_extracts
from workbench.calibration.synthetic import sample_start

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"


# ------------------------------------------------------------------ synthesize --years
def test_a_long_synthetic_window_ends_by_the_last_31_march_not_in_the_future():
    # from 2021-04-01, six years or more ran past today: calibrate refused every later date
    # (13,945 problems for --years 20)
    today = dt.date(2026, 12, 1)
    assert sample_start(2, today=today) == dt.date(2020, 4, 1)     # the bundled sample's
    for years, start in ((5, dt.date(2020, 4, 1)), (6, dt.date(2019, 4, 1)),
                         (20, dt.date(2005, 4, 1)), (30, dt.date(1995, 4, 1)),
                         (2.5, dt.date(2020, 4, 1))):
        s = sample_start(years, today=today)
        assert s == start, years
        end = (pd.Timestamp(s) + pd.DateOffset(months=12 + round(years * 12))).date()
        assert end - dt.timedelta(days=1) <= dt.date(2026, 3, 31)
    assert sample_start(6, today=dt.date(2027, 3, 31)) == dt.date(2020, 4, 1)
    assert sample_start(6, today=dt.date(2027, 3, 30)) == dt.date(2019, 4, 1)


def test_synthesize_with_many_years_writes_extracts_calibrate_reads(tmp_path, capsys):
    from workbench.cli import main

    out = tmp_path / "long"
    assert main(["synthesize", "--out", str(out), "--years", "7", "--scale", "0.02",
                 "--seed", "5"]) == 0
    said = capsys.readouterr().out
    cases, roster = read_extracts(out / "cases.csv", out / "workforce.csv")
    end = dt.date.fromisoformat(said.split("window ")[1].split(" to ")[1][:10])
    assert end < dt.date.today() and end.month == 3 and end.day == 31
    assert len(cases.episodes) > 0 and len(roster.workers) > 0
