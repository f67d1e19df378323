"""Audit round 15 of calibration: the known biases round 14 left (recruitment success, the child
protection plan's length for plans that are not log-normal, the back-test's referral-trend rule),
each reduced to its smallest reproduction, then what the audit of known truths found."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

# a small synthetic authority (about 960 case rows, 18 workers) and its template, as round 12's
from test_hostile_round12_extracts import small  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------ recruitment success
def _roster(rows):
    """A roster of ``rows`` (team, type, agency, start, end as day numbers, end None: in post)."""
    from workbench.calibration.extracts import Roster

    w = pd.DataFrame([{"worker": i, "agency": agency, "fte": 1.0, "role": i, "start": float(s),
                       "end": np.nan if e is None else float(e), "reason": None if e is None
                       else "RES", "cases30": np.nan, "days_lost": 0.0, "team": team,
                       "type": wtype, "worker_key": f"k{i}"}
                      for i, (team, wtype, agency, s, e) in enumerate(rows)])
    return Roster(workers=w)


def test_a_vacancy_waiting_for_its_agency_cover_is_part_of_the_establishment():
    # The model asks an agency for cover when a post falls vacant and the worker arrives the
    # agency's lead time later. The establishment (permanent FTE + agency FTE / cover share,
    # week by week) counted the cover only from her arrival, so a vacancy waiting for cover was
    # no post: the establishment came out low, the vacancy-rounds too, and recruitment success
    # high (6 synthetic authorities at scales 1 and 2.5: fitted 8% to 13% above what the model
    # itself drew; round 14's true 12% came out 18.1% where the model drew 16.4%).
    from workbench.calibration.observe import staff_groups
    from workbench.scenario import load_scenario

    template = load_scenario(ROOT / "scenarios" / "baseline.yaml").replace(
        {"agency.cover_share_pct": 100,
         "agency.lead_time_weeks": {"dist": "fixed", "value": 3}})
    # eleven posts all year: ten held throughout, one left on day 100 and covered by an agency
    # worker who arrived three weeks (the lead time) later
    rows = [("families_first", "experienced", False, -400, None) for _ in range(10)]
    rows += [("families_first", "experienced", False, -400, 100),
             ("families_first", "agency", True, 121, None)]
    got = staff_groups(_roster(rows), template, 364.0, since=0.0)
    _, est, how = got["families_first"]
    assert est == pytest.approx(11.0)
    assert "lead time of 3 weeks" in how


# ------------------------------------------------------------------ the back-test's trend rule
@pytest.fixture(scope="module")
def small_fit(small):  # noqa: F811
    """The small authority's extracts and their calibration over its two-year window."""
    from workbench.calibration.extracts import read_extracts
    from workbench.calibration.fit import calibrate

    folder, template = small
    cases, roster = read_extracts(folder / "cases.csv", folder / "workforce.csv")
    cal = calibrate(cases, roster, template, correct_timeliness=False, fit_icpc=False,
                    fit_pressure=False)
    return cases, roster, cal, template


def test_the_back_test_keeps_the_templates_trend_when_its_fit_has_under_24_months(small_fit):
    # The back-test fits again on the data before its period (by default the window less its
    # last 12 months): a trend fitted from fewer than 24 whole months is too uncertain to
    # compound over a run, and the template's is kept, as in a calibration (round 14's rule).
    # Checked so far only by a full back-test (23 s) by hand: this is the rule as the back-test
    # applies it, on a small authority, with one replication of its year.
    from workbench.calibration.backtesting import backtest, backtest_scenario
    from workbench.calibration.derive import MIN_TREND_MONTHS, whole_months
    from workbench.calibration.extracts import day_number

    cases, roster, cal, template = small_fit
    assert whole_months(day_number(cal.window_start), day_number(cal.window_end) + 1) >= 24
    # the whole window's fit writes its trend, and the back-test's scenario carries it
    fitted = cal.scenario.demand.trend_pct_per_year
    assert cal.provenance["demand.trend_pct_per_year"].startswith("fitted")
    assert fitted != template.demand.trend_pct_per_year
    p0, p1 = cal.window_end, cal.window_end + (cal.window_end - cal.window_start) / 2
    assert backtest_scenario(cal, cases, roster, p0, p1).demand.trend_pct_per_year == fitted

    bt = backtest(cal, cases, roster, reps=1)
    months = whole_months(day_number(bt.fit_start), day_number(bt.fit_end) + 1)
    assert months < MIN_TREND_MONTHS
    assert bt.scenario.demand.trend_pct_per_year == template.demand.trend_pct_per_year
    said = [n for n in bt.notes if "(out-of-sample fit) demand.trend_pct_per_year" in n]
    assert len(said) == 1 and f"from {months} whole months of referrals" in said[0]
    assert "is not written into the scenario" in said[0]


# ------------------------------------------------------------------ plan lengths, not log-normal
BANDS = np.array([30, 91, 182, 365, 730, 1095.0])      # the baseline's CP plan bands (England)
SHARES = np.array([0.159, 0.110, 0.435, 0.252, 0.044])
BANDED_MEAN = float((SHARES * (BANDS[:-1] + BANDS[1:]) / 2).sum())     # 321.7 days


def _plans_seen(lengths, starts, w0: float, w1x: float) -> pd.DataFrame:
    """The stage rows (cp) of plans of ``lengths`` started on ``starts`` (whole days) that a
    window [w0, w1x) sees: open in it; ends from w1x on are not known yet."""
    st = np.floor(starts)
    end = np.floor(starts + lengths)
    seen = (st < w1x) & (end >= w0)
    end = np.where(end >= w1x, np.nan, end)
    return pd.DataFrame({"stage": "cp", "start": st[seen], "s_end": end[seen]})


def _cp_length(seq: pd.DataFrame, w0: float, w1x: float):
    from workbench.calibration.derive import Draft, derive_plan_durations
    from workbench.scenario import load_scenario

    template = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    d = Draft(data=template.model_dump(mode="json"), window="", template_name="t")
    derive_plan_durations(d, seq, template, w0, w1x)
    [row] = [r for r in d.rows if r.parameter == "stages.cp.duration_days.mean"]
    return row, d


def test_banded_plan_lengths_seen_to_their_end_are_not_fitted_long():
    # the baseline's plans are England's bands (none over three years): the log-normal fitted
    # to them, censored at the window end, ran its own tail past the bound: 340 days on
    # average for a true 322, the 95% range holding the truth in 51% of 200 two-year windows
    # at about 600 plans a year (13% at 1,500 a year). Their mean is now the area under the
    # product-limit curve (no shape assumed): 321.4 on average, the truth inside 94% (95%).
    rng = np.random.default_rng(5)
    w0, w1x = 0.0, 730.0
    starts = rng.uniform(-3000, w1x, rng.poisson(1500 / 365 * 3730))
    band = rng.choice(5, len(starts), p=SHARES)
    lengths = rng.uniform(BANDS[band], BANDS[band + 1])
    row, d = _cp_length(_plans_seen(lengths, starts, w0, w1x), w0, w1x)
    assert row.lower <= BANDED_MEAN <= row.upper
    assert row.estimate == pytest.approx(BANDED_MEAN, rel=0.02)
    assert "product-limit" in row.method and "no shape assumed" in row.method
    assert d.data["stages"]["cp"]["duration_days"]["mean"] == round(row.estimate, 1)
    assert d.provenance["stages.cp.duration_days"].startswith("fitted (): product-limit mean")


def test_complete_plan_lengths_keep_the_log_normal_fit():
    # every plan seen from its start to its end: nothing censored nor truncated, and the fit
    # stays the log-normal's, as before
    from workbench.calibration.estimators import fit_lognormal

    rng = np.random.default_rng(6)
    lengths = rng.lognormal(np.log(300), 0.6, 400)
    starts = rng.uniform(0, 100, 400)
    row, _ = _cp_length(_plans_seen(lengths, starts, 0.0, 1e6), 0.0, 1e6)
    f = fit_lognormal(np.maximum(np.floor(starts + lengths) - np.floor(starts), 0.5),
                      np.ones(400, dtype=bool))
    assert row.estimate == pytest.approx(f.mean)
    assert row.method.startswith("log-normal maximum likelihood")


def test_recovery_against_a_truth_whose_plan_lengths_are_banded(small_fit):
    # a fit compared with a known scenario whose CP plans are banded (the baseline's own) stopped
    # with "AttributeError: 'Histogram' object has no attribute 'mean'"
    _, _, cal, template = small_fit
    assert template.stages["cp"].duration_days.dist == "histogram"
    rec = cal.recovery(template).set_index("parameter")
    assert "stages.cp.duration_days.mean" in rec.index
    assert rec.loc["stages.cp.duration_days.mean", "truth"] == pytest.approx(BANDED_MEAN)


# ------------------------------------------------------------------ agency tenure
def test_an_assignment_ending_beside_newer_cover_in_an_arrivals_week_ended_on_its_own():
    # cover released when a permanent worker arrives is censored there (a competing risk); the
    # model, like councils, lets go the newest cover. Every assignment ending within a week of
    # an arrival was taken as released, though a newer one went on: at scale 2.5, 12 of 65
    # natural ends, and the tenure came out 52 weeks [40-72] for a true 40 (both authorities at
    # 2.5 missed it); now 42.5 [34-54], every release still found (59 of 59)
    from workbench.calibration.derive import Draft
    from workbench.calibration.derive_workforce import derive_agency_tenure
    from workbench.calibration.extracts import Roster
    from workbench.calibration.observe import type_change_days, type_spells
    from workbench.scenario import load_scenario

    template = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    team = "families_first"
    rows = [(team, "agency", True, 5, None)]                       # newer cover, still going
    for k in range(12):                                            # ended on their own
        rows += [(team, "agency", True, 0, 100 + 40 * k),
                 (team, "experienced", False, 97 + 40 * k, None)]
    rows += [(team, "agency", True, 600, 652), (team, "experienced", False, 650, None)]
    roster = _roster(rows)
    roster = Roster(workers=roster.workers, columns=frozenset({"Team", "WorkerType"}))
    spells = type_spells(roster, *type_change_days(template))
    d = Draft(data=template.model_dump(mode="json"), window="", template_name="t")
    derive_agency_tenure(d, roster, spells, template, 0.0, 730.0)
    [row] = [r for r in d.rows if r.parameter == "agency.tenure_weeks.mean"]
    assert row.note.startswith("12 ended, 1 released")


def test_a_few_new_short_plans_beside_many_older_long_ones_keep_the_log_normal():
    # plans begun before the window are seen only from their entry: at short lengths the few
    # begun in it are alone at risk, and the product-limit curve fell to nothing through them
    # (12 new plans of one to three months beside 300 older plans of years: a mean of 57 days,
    # the log-normal 940 [715-1596]). Too few
    # at risk while the plans are still mostly going: the log-normal is kept
    rng = np.random.default_rng(1)
    starts = np.concatenate([-rng.uniform(100, 700, 300), rng.uniform(0, 300, 12)])
    lengths = np.concatenate([rng.lognormal(np.log(800), 0.4, 300), rng.uniform(40, 90, 12)])
    row, _ = _cp_length(_plans_seen(lengths, starts, 0.0, 365.0), 0.0, 365.0)
    assert row.method.startswith("log-normal maximum likelihood")
    assert row.estimate > 500
