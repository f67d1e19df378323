"""Audit round 14 of calibration: the referral trend rule (a trend is written into the scenario
only from 24 whole months of referrals) and the known biases of the fit, each reduced to its
smallest reproduction against a synthetic authority whose truth is known."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

# a small synthetic authority (about 960 case rows, 18 workers) and its template, as round 12's
from test_hostile_round12_extracts import small  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------ the referral trend rule
def _demand(folder, template, start: str, end: str):
    """The demand part of a calibration of ``folder``'s cases over ``start`` to ``end``."""
    from workbench.calibration.derive import Draft, derive_demand
    from workbench.calibration.extracts import day_number, read_cases

    cases = read_cases(folder / "cases.csv")
    w0, w1x = day_number(start), day_number(end) + 1
    d = Draft(data=template.model_dump(mode="json"), window=f"{start} to {end}",
              template_name="baseline.yaml")
    derive_demand(d, cases, template, w0, w1x)
    return d


def test_whole_months_of_a_window():
    from workbench.calibration.derive import whole_months
    from workbench.calibration.extracts import day_number

    def n(a, b):
        return whole_months(day_number(a), day_number(b) + 1)
    assert n("2021-04-01", "2023-03-31") == 24
    assert n("2021-04-01", "2023-03-30") == 23
    assert n("2021-04-15", "2023-04-13") == 23
    assert n("2021-04-15", "2023-04-14") == 24
    assert n("2021-04-01", "2022-04-30") == 13
    assert n("2020-01-31", "2020-02-27") == 0


def test_a_trend_from_13_months_is_reported_not_compounded(small):
    # 2021-04-01 to 2022-04-30 wrote the fitted trend (3.5% [-6.0, 14.0] at scale 1, once
    # +19.4%) into the scenario, compounded over a run of years
    folder, template = small
    d = _demand(folder, template, "2021-04-01", "2022-04-30")
    kept = template.demand.trend_pct_per_year
    assert d.data["demand"]["trend_pct_per_year"] == kept
    row = [r for r in d.rows if r.parameter == "demand.trend_pct_per_year"][0]
    assert row.scenario_field == "" and row.lower < row.estimate < row.upper
    said = d.provenance["demand.trend_pct_per_year"]
    assert said.startswith(f"from baseline.yaml: fewer than 24 months: the template's {kept:g}% "
                           "kept (fitted ")
    assert f"95% range {row.lower:.1f}% to {row.upper:.1f}%" in said and "13 whole months" in said
    assert row.note == "not used: " + said.removeprefix("from baseline.yaml: ")
    note = [n for n in d.notes if n.startswith("demand.trend_pct_per_year:")]
    assert len(note) == 1 and f"fitted {row.estimate:.1f}% a year" in note[0]
    assert f"the template's {kept:g}% a year is kept" in note[0]


def test_a_trend_from_24_whole_months_is_written(small):
    folder, template = small
    d = _demand(folder, template, "2021-04-01", "2023-03-31")
    row = [r for r in d.rows if r.parameter == "demand.trend_pct_per_year"][0]
    assert row.scenario_field == "demand.trend_pct_per_year"
    assert d.data["demand"]["trend_pct_per_year"] == round(row.estimate, 2)
    assert d.provenance["demand.trend_pct_per_year"].startswith("fitted (")
    assert not [n for n in d.notes if n.startswith("demand.trend_pct_per_year:")]
    # a day short of 24 months: seasonality is fitted (23.5 months), the trend is not
    d = _demand(folder, template, "2021-04-01", "2023-03-30")
    assert d.data["demand"]["trend_pct_per_year"] == template.demand.trend_pct_per_year
    assert "23 whole months" in d.provenance["demand.trend_pct_per_year"]
