"""Calibration: parameter recovery. Data drawn from known values must give those values back.

Statistical methods on data drawn in the test (censored durations, Poisson demand, shares) and
the whole pipeline on synthetic extracts simulated from a known scenario.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from workbench.calibration.extracts import CaseData, validate_cases_frame, validate_workforce_frame
from workbench.calibration import (calibrate, fit_lognormal, fit_referrals, open_cases_at,
                                   poisson_rate, stage_sequence, wilson)
from workbench.calibration.synthetic import fictional_scenario, generate_extracts
from workbench.model import log as R
from workbench.scenario import STAGES


def lognormal_draws(rng, mean, cv, n):
    s2 = math.log1p(cv ** 2)
    return rng.lognormal(math.log(mean) - s2 / 2, math.sqrt(s2), n)


# --------------------------------------------------------------------------------------------
# Censored durations
# --------------------------------------------------------------------------------------------

def test_censored_lognormal_recovers_truth_where_the_closed_case_mean_is_biased():
    """Plans start evenly over a two-year window and are censored at its end: the mean of the
    plans that ended is far too short; the censored maximum-likelihood fit finds the truth."""
    rng = np.random.default_rng(11)
    mean, cv, n, window = 300.0, 1.0, 4000, 730.0
    start = rng.uniform(0, window, n)
    dur = lognormal_draws(rng, mean, cv, n)
    ended = start + dur < window
    seen = np.where(ended, dur, window - start)

    naive = seen[ended].mean()
    assert naive < 0.75 * mean                       # the bias the fit must avoid

    f = fit_lognormal(seen, ended)
    ci = f.intervals(seed=1)
    assert f.mean == pytest.approx(mean, rel=0.08)
    assert f.cv == pytest.approx(cv, rel=0.12)
    assert ci["mean"][0] < mean < ci["mean"][1]
    assert ci["cv"][0] < cv < ci["cv"][1]
    assert f.n == n and f.n_events == int(ended.sum())


def test_censored_fit_agrees_with_scipy_censored_data():
    rng = np.random.default_rng(5)
    t = lognormal_draws(rng, 120.0, 0.8, 600)
    c = rng.uniform(20, 400, 600)
    ended = t < c
    obs = np.minimum(t, c)
    f = fit_lognormal(obs, ended)
    data = stats.CensoredData(uncensored=obs[ended], right=obs[~ended])
    shape, _, scale = stats.lognorm.fit(data, floc=0)
    assert f.sigma == pytest.approx(shape, rel=2e-3)
    assert f.median == pytest.approx(scale, rel=2e-3)


def test_left_truncated_and_censored_fit_recovers_truth():
    """Plans that began before the window are seen only if they lasted into it (length bias)."""
    rng = np.random.default_rng(3)
    mean, cv = 600.0, 0.9
    start = rng.uniform(-3000, 730, 20000)
    dur = lognormal_draws(rng, mean, cv, len(start))
    end = start + dur
    seen = end >= 0
    start, end = start[seen], end[seen]
    ended = end < 730
    t = np.where(ended, end - start, 730 - start)
    entry = np.maximum(-start, 0)
    f = fit_lognormal(t, ended, entry)
    assert f.mean == pytest.approx(mean, rel=0.06)
    assert f.cv == pytest.approx(cv, rel=0.1)
    # ignoring the truncation overstates the length (longer plans are over-represented)
    g = fit_lognormal(t, ended)
    assert g.mean > 1.15 * mean


# --------------------------------------------------------------------------------------------
# Demand
# --------------------------------------------------------------------------------------------

SEASON = np.array([1.1, 1.05, 1.1, 1.0, 1.0, 1.05, 0.95, 0.7, 1.0, 1.05, 1.05, 0.95])
SEASON = SEASON / SEASON.mean()


def referral_cases(rng, rate: float, trend: float, years: int = 3):
    """Referrals a day drawn from a known rate (a year), trend (% a year) and seasonality, from
    2021-04-01: (cases, window start, days)."""
    w0 = 18718.0                                   # 2021-04-01
    days = np.arange(years * 365)
    dates = np.datetime64("2021-04-01") + days
    month = dates.astype("datetime64[M]").astype(int) % 12
    lam = rate / 365.25 * SEASON[month] * (1 + trend / 100) ** (days / 365.25)
    counts = rng.poisson(lam)
    ref = np.repeat(w0 + days, counts).astype(float)
    eps = pd.DataFrame({"episode": np.arange(len(ref)), "child": np.arange(len(ref)),
                        "referral": ref, "nfa": False, "closure": np.nan, "reason": "",
                        "team": "", "allocated": True})
    cases = CaseData(episodes=eps, stages=pd.DataFrame(columns=["episode", "stage", "start", "end"]))
    return cases, w0, days


def test_poisson_glm_recovers_rate_trend_and_seasonality(baseline):
    rng = np.random.default_rng(8)
    season = SEASON
    rate, trend = 2000.0, 6.0
    cases, w0, days = referral_cases(rng, rate, trend)
    fit = fit_referrals(cases, w0, w0 + len(days), baseline)
    assert fit.mode == "trend+season"
    r, lo, hi = fit.referrals_per_year(w0)
    assert lo < rate < hi and r == pytest.approx(rate, rel=0.05)
    t, tlo, thi = fit.trend_pct()
    assert tlo < trend < thi
    se = fit.seasonality()
    covered = sum(lo_ < s < hi_ for s, (_, lo_, hi_) in zip(season, se))
    assert covered >= 10                           # 95% intervals: most months cover the truth
    assert se[7][0] == pytest.approx(season[7], abs=0.08)


@pytest.mark.parametrize("rate", [14_000.0, 30_000.0])
def test_seasonal_glm_fits_a_large_authority(baseline, rate):
    """Above ~14k referrals a year the GLM's first step used to be singular (only the first
    month's coefficient had a start value; issue 13)."""
    cases, w0, days = referral_cases(np.random.default_rng(4), rate, 0.0)
    fit = fit_referrals(cases, w0, w0 + len(days), baseline)
    assert fit.mode == "trend+season"
    r, lo, hi = fit.referrals_per_year(w0)
    assert lo < rate < hi and r == pytest.approx(rate, rel=0.02)
    assert fit.seasonality()[7][0] == pytest.approx(SEASON[7], abs=0.03)


def test_wilson_and_poisson_intervals():
    p, lo, hi = wilson(30, 100)
    assert p == 0.3 and lo == pytest.approx(0.2189, abs=1e-3) and hi == pytest.approx(0.3958, abs=1e-3)
    r, lo, hi = poisson_rate(10, 100.0)
    assert r == 0.1 and lo == pytest.approx(0.04795, abs=1e-4) and hi == pytest.approx(0.18390, abs=1e-4)
    r, lo, hi = poisson_rate(0, 50.0)
    assert r == 0 and lo == 0 and hi == pytest.approx(3.689 / 50, rel=1e-3)


# --------------------------------------------------------------------------------------------
# The whole pipeline on synthetic extracts from a known scenario
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def synthetic(baseline):
    truth = fictional_scenario(baseline, scale=0.3)
    ex = generate_extracts(truth, seed=1, years=2.0)
    cases = validate_cases_frame(ex.cases)
    roster = validate_workforce_frame(ex.workforce)
    cal = calibrate(cases, roster, baseline, template_name="baseline.yaml")
    return truth, ex, cases, roster, cal


def row(cal, name):
    t = cal.table.set_index("parameter")
    return t.loc[name]


def test_pipeline_recovers_demand_and_front_door(synthetic):
    truth, ex, cases, roster, cal = synthetic
    assert (str(cal.window_start), str(cal.window_end)) == (ex.truth["window_start"], ex.truth["window_end"])
    years = (cal.window_end - truth.start_date).days / 365.25
    true_rate = truth.demand.referrals_per_year * (1 + truth.demand.trend_pct_per_year / 100) ** years
    r = row(cal, "demand.referrals_per_year")
    assert r.lower < true_rate < r.upper
    assert r.estimate == pytest.approx(true_rate, rel=0.1)
    nfa = row(cal, "front_door.nfa_pct")
    assert nfa.lower < truth.front_door.nfa_pct < nfa.upper
    # re-referrals: what the model realised (closures in the first year re-referred within 12
    # months) is recovered closely; the truth within sampling error
    rr = row(cal, "demand.rereferral_pct")
    ev = ex.run.events
    w0 = (cal.window_start - truth.start_date).days
    cl = ev[(ev.event == R.CLOSED) & (ev.t_days >= w0) & (ev.t_days < w0 + 365)]
    again = ev[ev.event == R.REREFERRAL]
    m = cl[["child", "t_days"]].merge(again[["child", "t_days"]], on="child", how="left",
                                      suffixes=("", "_again"))
    m["hit"] = (m.t_days_again > m.t_days) & (m.t_days_again <= m.t_days + 365)
    realised = 100 * m.groupby(["child", "t_days"]).hit.any().mean()
    assert rr.estimate == pytest.approx(realised, abs=1.0)
    assert rr.estimate == pytest.approx(truth.demand.rereferral_pct, abs=3.0)


def test_pipeline_recovers_pathways_and_durations(synthetic):
    truth, ex, cases, roster, cal = synthetic
    for stage, out in (("assessment", "close"), ("assessment", "s47"), ("assessment", "cin"),
                       ("s47", "icpc"), ("icpc", "cp"), ("cin", "close"), ("cp", "court"),
                       ("court", "lac"), ("lac", "care_leaver")):
        r = row(cal, f"stages.{stage}.next.{out}")
        # within sampling error: 3.29 standard errors (99.9%) from the fit's own 95% interval.
        # (A fixed 0.05 held by the seed's luck: after session 19's model fixes lac ->
        # care_leaver read 0.300 [0.243, 0.365] from 213 children for a true 0.25.)
        se = (r.upper - r.lower) / (2 * 1.96)
        assert r.lower <= r.estimate <= r.upper
        assert r.estimate == pytest.approx(truth.stages[stage].next[out], abs=3.29 * se), \
            (stage, out, r.estimate, r.lower, r.upper)
    for stage in ("cin", "cp", "court", "lac", "care_leaver"):
        true = truth.stages[stage].duration_days
        m = row(cal, f"stages.{stage}.duration_days.mean")
        assert m.estimate == pytest.approx(true.mean, rel=0.15), stage
        cv = row(cal, f"stages.{stage}.duration_days.cv")
        assert cv.estimate == pytest.approx(true.cv, rel=0.25), stage
    sc = cal.scenario
    assert sc.stages["cp"].duration_days.dist == "lognormal"
    assert sum(sc.stages["assessment"].next.values()) == pytest.approx(1.0)


def test_open_cases_at_the_window_end_match_the_model(synthetic):
    """The snapshot read back from the extracts is the model's own state at the window end."""
    truth, ex, cases, roster, cal = synthetic
    ev = ex.run.events
    cens = ev[(ev.event == R.CENSORED) & (ev.stage >= 0)].stage.value_counts()
    model = {s: int(cens.get(i, 0)) for i, s in enumerate(STAGES)}
    got = cal.scenario.initial.open_cases
    for s in ("assessment", "cin", "cin_disability", "cp", "court", "lac", "care_leaver"):
        assert got[s] == model[s], s
    assert got["s47"] + got["icpc"] == model["s47"] + model["icpc"]
    assert str(cal.scenario.start_date) == "2023-04-01"


def test_pipeline_recovers_workforce(synthetic):
    truth, ex, cases, roster, cal = synthetic
    sc = cal.scenario
    t = row(cal, "workforce.turnover_pct_per_year.experienced")
    assert t.lower < truth.workforce.turnover_pct_per_year["experienced"] < t.upper
    a = row(cal, "academy.intake_per_year")
    assert a.lower < truth.academy.intake_per_year < a.upper
    s = row(cal, "recruitment.success_pct")
    assert s.lower < truth.recruitment.success_pct < s.upper
    # staff in post at the start are the roster's, team by team
    for team in truth.teams:
        fte = sum(g.count * g.fte for g in sc.teams[team].staff)
        assert fte == pytest.approx(row(cal, f"teams.{team}.staff_fte").estimate)
    absence = row(cal, "absence.total_pct")
    assert 3.0 < absence.estimate < 7.0
    cl = row(cal, "caseload.cases_per_fte.mean")
    assert cl.lower <= cl.estimate <= cl.upper and 5 < cl.estimate < 40


def test_every_fitted_field_says_so(synthetic):
    truth, ex, cases, roster, cal = synthetic
    text = cal.to_yaml()
    assert "fitted (2021-04-01 to 2023-03-31)" in text
    assert "from baseline.yaml" in text
    assert "2021-04-01 to 2023-03-31" in cal.scenario.description
    assert "calibration" in cal.scenario.sources
    for field in ("demand.referrals_per_year", "front_door.nfa_pct", "stages.cp.duration_days",
                  "stages.assessment.next", "initial.open_cases", "workforce.turnover_pct_per_year"):
        assert cal.provenance[field].startswith("fitted"), field
    assert cal.provenance["recruitment.time_to_hire_weeks"].startswith("from baseline.yaml")
    assert cal.provenance["demand.sibling_group_probs"].startswith("from baseline.yaml")


def test_sequence_counts_each_child_once(synthetic):
    truth, ex, cases, roster, cal = synthetic
    seq = stage_sequence(cases)
    day = float(seq.start.median())
    opened = open_cases_at(seq, day)
    assert sum(opened.values()) <= cases.episodes.shape[0]
    assert all(v >= 0 for v in opened.values())
