"""Issue 16: ICPC timeliness fitted from the s47 start and DateOfInitialCPC dates.

The booking day (``conferences.book_at_wd``) and the ICPC stage's elapsed time are fitted, the
elapsed time scaled by pilot simulations; the back-test's ICPC row then moves toward the observed
share. Assertions are on inputs the test controls (the independent process's ICPC delays) and on
the direction of the back-test's error, never on a model figure."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from workbench.calibration import calibrate
from workbench.calibration.backtesting import backtest
from workbench.calibration.derive_timeliness import icpc_timeliness, icpcs_held, working_days
from workbench.calibration.extracts import day_number, validate_cases_frame, validate_workforce_frame
from workbench.calibration.report import fit_summary
from workbench.calibration.returns import read_returns
from workbench.calibration.returns.independent import Truth, generate

RETURNS = Path(__file__).resolve().parents[1] / "data" / "returns"
W0, W1 = dt.date(2020, 4, 1), dt.date(2023, 3, 31)
KEYS = ("conferences.book_at_wd", "stages.icpc.elapsed_wd")


@pytest.fixture(scope="module")
def data():
    return read_returns(RETURNS)


@pytest.fixture(scope="module")
def fitted(data, baseline):
    return calibrate(data.cases, data.roster, baseline, W0, W1, sources=data.sources)


def test_booking_and_elapsed_time_are_fitted_and_cited(fitted, baseline):
    for k in KEYS:
        assert fitted.provenance[k].startswith("fitted"), k
    assert "ICPCs" in fitted.provenance["conferences.book_at_wd"]
    assert "pilot simulations" in fitted.provenance["stages.icpc.elapsed_wd"]
    target = baseline.stages["icpc"].timescale_wd(15)
    # the booking day is the median of the on-time conferences' working days from the s47 start
    seq = fitted.seq
    ic = icpcs_held(seq, day_number(W0), day_number(W1) + 1)
    wd = working_days(baseline, ic.s47_start.to_numpy(), ic.held.to_numpy())
    on_time = wd[wd <= target]
    assert fitted.scenario.conferences.book_at_wd == int(np.clip(round(np.median(on_time)), 1, target))
    t = fitted.table.set_index("parameter")
    assert t.loc["stages.icpc.within_timescale_pct", "estimate"] == pytest.approx(
        100 * np.mean(wd <= target))
    assert t.loc["stages.icpc.elapsed_wd.scale", "estimate"] > 0
    text = fit_summary(fitted).split("Left at the template's values")[0]
    assert all(k in text for k in KEYS)


def test_without_the_icpc_fit_the_template_values_stay(data, baseline):
    cal = calibrate(data.cases, data.roster, baseline, W0, W1, correct_timeliness=False,
                    fit_icpc=False)
    assert cal.scenario.conferences.book_at_wd == baseline.conferences.book_at_wd
    assert cal.scenario.stages["icpc"].elapsed_wd == baseline.stages["icpc"].elapsed_wd
    assert not any(k in cal.provenance for k in KEYS)


def _case_data(truth: Truth, seed: int = 4):
    cases, workforce = generate(dt.date(2020, 4, 1), dt.date(2022, 3, 31), truth, seed=seed)
    return (validate_cases_frame(cases.astype(str), "cases.csv"),
            validate_workforce_frame(workforce.astype(str), "workforce.csv"))


def test_later_conferences_in_the_data_give_a_longer_fitted_elapsed_time(baseline):
    """The independent process's ICPC delay after the enquiry is the input: a later one must
    lower the observed share on time and lengthen the fitted elapsed time."""
    fits = {}
    for name, delay in (("prompt", (1.0, 4.0)), ("late", (10.0, 20.0))):
        truth = Truth(referrals_per_year=900, icpc_pct=60.0, icpc_wd_after_s47=delay)
        cases, roster = _case_data(truth)
        fits[name] = calibrate(cases, roster, baseline, "2020-04-01", "2022-03-31",
                               correct_timeliness=False)
    t = {k: f.table.set_index("parameter") for k, f in fits.items()}
    share = {k: t[k].loc["stages.icpc.within_timescale_pct", "estimate"] for k in t}
    med = {k: t[k].loc["stages.icpc.elapsed_wd.median", "estimate"] for k in t}
    assert share["late"] < share["prompt"] - 30
    assert med["late"] > med["prompt"] + 5
    for f in fits.values():
        assert 1 <= f.scenario.conferences.book_at_wd <= baseline.stages["icpc"].timescale_wd(15)


def test_backtest_icpc_row_moves_toward_the_observed_share(data, baseline, fitted):
    template_only = calibrate(data.cases, data.roster, baseline, W0, W1, fit_icpc=False)
    rows = {}
    for name, cal in (("fitted", fitted), ("template", template_only)):
        bt = backtest(cal, data.cases, data.roster, reps=3, seed=0)
        rows[name] = bt.table.set_index("measure").loc["icpc_within_15wd_pct"]
    obs = rows["fitted"].observed
    assert obs == rows["template"].observed
    err = {k: abs(r.sim_mean - obs) for k, r in rows.items()}
    assert err["fitted"] < err["template"]
    # the observed share in the back-test year is the one the out-of-sample fit never saw
    p0, p1x = day_number(dt.date(2022, 4, 1)), day_number(W1) + 1
    pct, n = icpc_timeliness(fitted.seq, baseline, p0, p1x)
    assert n > 0 and pct == pytest.approx(obs)


def test_too_few_icpcs_keep_the_template_and_say_why(data, baseline):
    no_icpc = dataclasses.replace(data.cases, stages=data.cases.stages[data.cases.stages.stage != "icpc"])
    cal = calibrate(no_icpc, data.roster, baseline, W0, W1, correct_timeliness=False)
    for k in KEYS:
        assert cal.provenance[k].startswith("from"), k
        assert "ICPCs" in cal.provenance[k]
    assert cal.scenario.conferences.book_at_wd == baseline.conferences.book_at_wd
