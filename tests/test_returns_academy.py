"""Issue 16: the academy is fitted from the workforce census, not kept from the template.

No academy trainee in the census -> intake 0 with a citation (counts and dates, no id); trainees
present -> the yearly intake from them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from workbench.calibration import calibrate
from workbench.calibration.extracts import day_number
from workbench.calibration.returns import read_returns

RETURNS = Path(__file__).resolve().parents[1] / "data" / "returns"
W0, W1 = dt.date(2020, 4, 1), dt.date(2023, 3, 31)


@pytest.fixture(scope="module")
def data():
    return read_returns(RETURNS)


def _fit(data, roster, template):
    return calibrate(data.cases, roster, template, W0, W1, sources=data.sources,
                     correct_timeliness=False)


def _ids(roster_source: Path) -> set[str]:
    ids = set()
    for f in roster_source.glob("workforce_census_*.csv"):
        ids |= {line.split(",")[0] for line in f.read_text().splitlines()[1:]}
    return ids


def test_no_trainee_in_the_census_sets_the_intake_to_zero_and_says_why(data, baseline):
    assert baseline.academy.intake_per_year > 0                       # the template has one
    assert not (data.roster.workers.type == "academy").any()          # the census has none
    cal = _fit(data, data.roster, baseline)
    assert cal.scenario.academy.intake_per_year == 0
    why = cal.provenance["academy.intake_per_year"]
    assert why.startswith("fitted")
    assert "0" in why and "WorkerType academy" in why and "2020-04-01" in why
    assert not any(i and i in why for i in _ids(RETURNS))
    row = cal.table.set_index("parameter").loc["academy.intake_per_year"]
    assert row.estimate == 0 and row.n == 0 and row.upper > 0


def test_trainees_in_the_census_give_the_yearly_intake(data, baseline):
    w = data.roster.workers.copy()
    # the workers who started in the window become academy trainees
    w0, w1x = day_number(W0), day_number(W1) + 1
    starters = w[(w.start >= w0) & (w.start < w1x) & ~w.agency].index
    n = len(starters)
    assert n >= 2
    w.loc[starters, "type"] = "academy"
    roster = dataclasses.replace(data.roster, workers=w)
    cal = _fit(data, roster, baseline)
    years = (w1x - w0) / 365.25
    # whole cohorts: at least one trainee a year when any started
    assert cal.scenario.academy.intake_per_year == max(1, round(n / years))
    row = cal.table.set_index("parameter").loc["academy.intake_per_year"]
    assert row.n == n and row.lower < n / years < row.upper
    assert cal.provenance["academy.intake_per_year"].startswith("fitted")
    assert f"{n} trainees" in cal.provenance["academy.intake_per_year"]


def test_a_census_without_worker_types_assumes_no_intake(data, baseline):
    roster = dataclasses.replace(data.roster, columns=data.roster.columns - {"WorkerType"})
    cal = _fit(data, roster, baseline)
    assert cal.scenario.academy.intake_per_year == 0
    assert cal.provenance["academy.intake_per_year"].startswith("assumed")
    assert "no WorkerType column" in cal.provenance["academy.intake_per_year"]


def test_the_fit_summary_lists_the_academy_as_fitted(data, baseline):
    from workbench.calibration.report import fit_summary

    text = fit_summary(_fit(data, data.roster, baseline))
    fitted = text.split("Left at the template's values")[0]
    assert "academy.intake_per_year" in fitted
