"""Issue 16: the pressure responses and the work content, fitted from the workforce censuses.

Each census keeps its own Cases30 and WorkingDaysLost (one row a worker a census). From them
calibration fits how sickness and leaving rise with work pressure, and where the work content
puts pressure 1. The recovery test uses a process made without the model, with known effects.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import math
import shutil

import numpy as np
import pandas as pd
import pytest

from workbench.calibration import calibrate
from workbench.calibration.derive_pressure import (S_GRID, _effect, fit_responses, panel_rows,
                                                   widened_interval,
                                                   profile_work_content, scale_work_content)
from workbench.calibration.derive_workforce import WORKING_DAYS_A_YEAR
from workbench.calibration.extracts import ExtractError
from workbench.calibration.holdout import known_at
from workbench.calibration.returns import read_returns
from workbench.calibration.returns.demo import demo_truth
from workbench.calibration.returns.independent import Truth, generate
from workbench.calibration.returns.write import write_returns
from workbench.scenario import load_scenario
from workbench.scenario.catalog import PACKAGE_ROOT

END = dt.date(2023, 3, 31)
START = dt.date(2018, 4, 1)
WINDOW_START = dt.date(2019, 4, 1)
DEMO = PACKAGE_ROOT / "data" / "returns"


def _returns(tmp_path, truth, seed, children_every: int = 1):
    """The returns of the process ``truth``, written and read back. ``children_every`` > 1
    keeps the cases of every n-th child only (the CIN census XML is most of the writing and
    reading): the workforce censuses are written from the workforce table alone, so the
    roster and its censuses read back are the very same, for the tests that fit only them."""
    cases, workforce = generate(START, END, truth, seed=seed)
    if children_every > 1:
        kept = set(cases.LAchildID.unique()[::children_every])
        cases = cases[cases.LAchildID.isin(kept)]
    write_returns(tmp_path, cases, workforce, WINDOW_START, END, seed=seed)
    return read_returns(tmp_path)


@pytest.fixture(scope="module")
def demo():
    """The bundled returns, read once for the tests that only read them (or fit from them)."""
    return read_returns(DEMO)


# ------------------------------------------------------------------ the censuses, year by year
def test_each_census_keeps_its_own_caseloads_and_days_lost(demo):
    data = demo
    c = data.roster.census
    assert c is not None and set(c.year) == {2021, 2022, 2023}
    # no identifier: the role is the roster's row
    assert list(c.columns) == ["role", "year", "census", "cases30", "days_lost", "fte"]
    assert c.role.between(0, len(data.roster.workers) - 1).all()
    # every census has caseloads (earlier ones too), a year apart
    by_year = c.groupby("year")
    assert (by_year.cases30.count() > 0).all()
    days = by_year.census.first().diff().dropna()
    assert ((days > 360) & (days < 370)).all()
    # the latest census's values are the roster's (the latest census wins)
    latest = c[c.year == 2023].set_index("role")
    w = data.roster.workers
    assert np.allclose(latest.cases30.dropna(), w.cases30.iloc[latest.cases30.dropna().index])


def test_a_bad_caseload_in_an_earlier_census_is_named_without_its_value(tmp_path):
    shutil.copytree(DEMO, tmp_path / "r")
    p = tmp_path / "r" / "workforce_census_2021.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    df.loc[3, "Cases30"] = "W000123"
    df.loc[5, "WorkingDaysLost"] = "-4"
    df.to_csv(p, index=False)
    with pytest.raises(ExtractError) as e:
        read_returns(tmp_path / "r")
    msg = str(e.value)
    assert "workforce_census_2021.csv, row 5, field Cases30: expected a whole number" in msg
    assert "workforce_census_2021.csv, row 7, field WorkingDaysLost: expected a number" in msg
    assert "W000123" not in msg


def test_an_out_of_sample_fit_keeps_the_censuses_before_the_cut_off(demo):
    data = demo
    cut = float(data.roster.census.census.max())        # the day of the latest census
    _, roster = known_at(data.cases, data.roster, cut)
    c = roster.census
    assert set(c.year) == {2021, 2022}
    assert c.role.between(0, len(roster.workers) - 1).all()
    # the roles still point at the same workers (their start dates agree)
    full = data.roster.census
    before = full[full.census < cut]
    assert sorted(data.roster.workers.start.iloc[before.role]) == \
        sorted(roster.workers.start.iloc[c.role])


# ------------------------------------------------------------------ recovery (not circular)
TRUE_S = 1.5           # the process's pressure starts at 18 cases; k puts the model's at 27
TRUTH = Truth(referrals_per_year=800, staff={"families_first": 150, "looked_after": 75},
              sickness_effect=3.0, leaving_effect=2.0, pressure_caseload=18.0)


@pytest.fixture(scope="module")
def pressed(tmp_path_factory):
    # only its roster is read (panel_rows): the cases of one child in 25 (identical roster)
    return _returns(tmp_path_factory.mktemp("pressed"), TRUTH, seed=1, children_every=25)


def test_the_responses_and_the_work_content_are_recovered_from_a_process_without_the_model(pressed):
    rows = panel_rows(pressed.roster, pressed.roster.last_date + 1)
    assert len(rows) > 600 and rows.left.sum() > 60
    k = 1 / (TRUE_S * TRUTH.pressure_caseload)
    best, lo, hi, dev = profile_work_content(rows, k)
    assert len(dev) == len(S_GRID)
    assert abs(best - TRUE_S) <= 0.15 and lo <= best <= hi
    sick, leave = fit_responses(rows, k, best)
    e_sick, lo_s, hi_s = _effect(sick, 0.0)        # days lost rise by (1 + 3x) in the process
    assert lo_s - 0.5 <= TRUTH.sickness_effect <= hi_s + 0.5 and abs(e_sick - 3.0) < 1.0
    # base days: 6 a year (a is per working day in post)
    assert abs(sick.a * WORKING_DAYS_A_YEAR - TRUTH.days_lost_per_year) < 1.0
    e_leave, lo_l, hi_l = _effect(leave, 0.0)
    assert lo_l <= TRUTH.leaving_effect <= hi_l
    base = -math.log1p(-TRUTH.turnover_pct / 100)
    assert abs(leave.a - base) < 0.05


def test_without_a_response_the_fit_finds_none(tmp_path):
    flat = dataclasses.replace(TRUTH, sickness_effect=0.0, leaving_effect=0.0)
    data = _returns(tmp_path, flat, seed=2, children_every=25)     # only the roster is fitted
    rows = panel_rows(data.roster, data.roster.last_date + 1)
    sick, leave = fit_responses(rows, 1 / 27.0)
    for r in (sick, leave):
        e, lo, hi = _effect(r, 0.0)
        assert lo < 0.5 and 0 <= e < 1.5


def test_scale_work_content_scales_every_hour_of_work():
    base = load_scenario(PACKAGE_ROOT / "scenarios" / "baseline.yaml").to_dict()
    new = copy.deepcopy(base)
    scaled = scale_work_content(new, 1.5)
    assert "stages.assessment.work_hours" in scaled and "stages.lac.ongoing_hours_per_week" in scaled
    for name, st in base["stages"].items():
        if isinstance(st.get("work_hours"), dict) and "mean" in st["work_hours"]:
            assert math.isclose(new["stages"][name]["work_hours"]["mean"], 1.5 * st["work_hours"]["mean"])
        if st.get("ongoing_hours_per_week"):
            assert math.isclose(new["stages"][name]["ongoing_hours_per_week"],
                                round(1.5 * st["ongoing_hours_per_week"], 4))


# ------------------------------------------------------------------ through calibrate
def test_a_small_authority_keeps_the_template_responses_and_says_why(demo):
    data = demo
    tpl = load_scenario(PACKAGE_ROOT / "scenarios" / "baseline.yaml")
    cal = calibrate(data.cases, data.roster, tpl, template_name="baseline",
                    correct_timeliness=False)
    prov = cal.provenance
    for f in ("pressure.sickness_effect", "workforce.pressure_turnover_effect"):
        assert prov[f].startswith("from baseline") and "worker-census rows" in prov[f]
        assert cal.data[f.split(".")[0]][f.split(".")[1]] == \
            tpl.to_dict()[f.split(".")[0]][f.split(".")[1]]


def test_censuses_and_timeliness_must_agree_on_the_work_content(tmp_path):
    """The process's workers are pressed from 18 cases, yet their assessments are as timely as
    ever: more work per case would make the model miss that timeliness, so calibration keeps
    the template's work content, says why, and fits the responses at it."""
    # twice the staff of the others: since a blank AllocatedWorker column no longer starts
    # every open case waiting (round 7), the pilot's pressure is lower, and 1,200 left the
    # scale's upper end at the grid's limit and too few pressed rows to fit the responses
    truth = dataclasses.replace(demo_truth(2400), sickness_effect=3.0, leaving_effect=2.0,
                                pressure_caseload=18.0)
    data = _returns(tmp_path, truth, seed=3)
    tpl = load_scenario(PACKAGE_ROOT / "scenarios" / "baseline.yaml")
    cal = calibrate(data.cases, data.roster, tpl, template_name="baseline")
    table = cal.table.set_index("parameter")
    assert "work_content.scale" in table.index
    s = table.loc["work_content.scale"]
    # the censuses locate it above the template's (pressure from 18 cases, not ~27)...
    assert 1.0 < s.lower <= s.estimate <= s.upper < S_GRID[-1]
    # ...but the process's assessments are as timely as ever: the model could not reach that
    # timeliness with so much work, so the template's work content is kept, and said why
    assert any("the two disagree" in n for n in cal.notes)
    assert cal.provenance["stages.assessment.work_hours"].startswith("from baseline")
    assert "observed timeliness" in cal.provenance["stages.assessment.work_hours"]
    assert cal.data["stages"]["assessment"]["work_hours"] == tpl.to_dict()["stages"]["assessment"]["work_hours"]
    assert cal.provenance["pressure.sickness_effect"].startswith("fitted")
    assert 0 <= cal.data["pressure"]["sickness_effect"] <= 20
    assert "WorkingDaysLost" in cal.provenance["pressure.sickness_effect"]
    # the scenario's no-pressure absence comes from the same fit
    assert cal.provenance["working_time.absence_pct"].startswith("fitted")
    assert "no work pressure" in cal.provenance["working_time.absence_pct"]


def test_awkward_panels_give_a_fit_or_none_never_an_error():
    """Degenerate census rows (no days lost, everyone above or below pressure 1, one row,
    nobody leaving, everybody leaving) are fitted or declined, never raise."""
    rng = np.random.default_rng(7)
    for case in range(40):
        n = int(rng.integers(1, 60))
        rows = pd.DataFrame({
            "per_fte": [rng.uniform(1, 60, n), np.full(n, 30.0), np.full(n, 5.0)][case % 3],
            "fte": np.ones(n),
            "sick_expo": rng.uniform(0, 225, n),
            "days_lost": [np.zeros(n), rng.poisson(6, n).astype(float),
                          np.full(n, np.nan)][(case // 3) % 3],
            "at_risk": rng.uniform(0, 1, n),
            "left": [np.zeros(n), np.ones(n), (rng.random(n) < 0.2).astype(float)][(case // 9) % 3],
            "full_year": np.ones(n, dtype=bool),
            "census": np.full(n, 19000.0),
        })
        k = float(rng.uniform(0.01, 0.08))
        for r in fit_responses(rows, k):
            if r is not None:
                assert r.a > 0 and r.b >= 0 and math.isfinite(r.deviance)
        prof = profile_work_content(rows, k)
        if prof is not None:
            best, lo, hi, dev = prof
            assert lo <= best <= hi


def test_the_widened_interval_carries_the_uncertainty_of_the_work_content(pressed):
    rows = panel_rows(pressed.roster, pressed.roster.last_date + 1)
    k = 1 / (TRUE_S * TRUTH.pressure_caseload)
    best, lo, hi, _ = profile_work_content(rows, k)
    allowed = [float(g) for g in S_GRID if lo <= g <= hi]
    _, c_lo, c_hi = _effect(fit_responses(rows, k, best)[0], 0.0)
    w_lo, w_hi = widened_interval(rows, k, allowed, 0, 0.0)
    assert w_lo <= c_lo and w_hi >= c_hi
    assert w_lo <= TRUTH.sickness_effect <= w_hi
