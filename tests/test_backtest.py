"""Issue 16: the honest back-test (out of sample by default, naive forecasts beside the model, a
verdict per measure, in-sample only as a labelled option), the timeliness correction by pilot
simulations, and the shipped synthetic returns.

The model changes while this is written (issue 12): no test asserts a model number, except the
timeliness that the calibration itself is fitted to reproduce."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.calibration import calibrate
from workbench.calibration.backtesting import COLUMNS, MEASURES, backtest
from workbench.calibration.derive_timeliness import _search, scale_histogram
from workbench.calibration.extracts import day_number
from workbench.calibration.holdout import better_than_naive, known_at, naive_forecasts
from workbench.calibration.returns import read_returns
from workbench.calibration.returns.demo import write_demo_returns
from workbench.errors import UserError
from workbench.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data" / "returns"
CUT = dt.date(2022, 4, 1)


@pytest.fixture(scope="module")
def template():
    return load_scenario(ROOT / "scenarios" / "baseline.yaml")


@pytest.fixture(scope="module")
def shipped():
    return read_returns(SHIPPED)


@pytest.fixture(scope="module")
def command(tmp_path_factory):
    """``workbench calibrate --returns data/returns --reps 2`` run once: its exit status, what
    it printed, the scenario and report folder it wrote, and the Calibration and out-of-sample
    back-test it made (its own calls of ``calibrate`` and ``backtest``: the shipped returns
    with the baseline template, seed 0, two replications; the same fit table, notes and
    back-test as calling the two directly)."""
    import sys

    import workbench.calibration.fit as fit_module
    from workbench.cli import main

    bt_module = sys.modules["workbench.calibration.backtesting"]
    made: dict[str, list] = {"calibrate": [], "backtest": []}

    def keep(module, name):
        real = getattr(module, name)

        def call(*args, **kw):
            made[name].append(real(*args, **kw))
            return made[name][-1]
        return call

    tmp = tmp_path_factory.mktemp("command")
    out, rep = tmp / "demo.yaml", tmp / "rep"
    printed = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(printed):
        mp.setattr(fit_module, "calibrate", keep(fit_module, "calibrate"))
        mp.setattr(bt_module, "backtest", keep(bt_module, "backtest"))
        code = main(["calibrate", "--returns", str(SHIPPED), "--out", str(out), "--report-dir",
                     str(rep), "--reps", "2"])
    return code, printed.getvalue(), out, rep, made


@pytest.fixture(scope="module")
def fitted(command, template):
    [cal] = command[-1]["calibrate"]
    assert cal.template.to_dict() == template.to_dict() and cal.fit_args["seed"] == 0
    return cal


@pytest.fixture(scope="module")
def out_of_sample(command, fitted):
    [bt] = command[-1]["backtest"]
    assert bt.reps == 2
    return bt


# --------------------------------------------------------------------------------------------
# Pure pieces: the data at the cut-off, naive forecasts, the search
# --------------------------------------------------------------------------------------------

def test_known_at_blanks_everything_from_the_cut_off(shipped):
    day = day_number(CUT)
    cases, roster = known_at(shipped.cases, shipped.roster, day)
    ep, st, w = cases.episodes, cases.stages, roster.workers
    for col in (ep.referral, ep.closure, st.start, st.end, w.start, w.end):
        assert not (col >= day).any()
    assert (ep.reason[ep.closure.isna()] == "").all()
    # Cases30 and WorkingDaysLost are those of the censuses before the cut (round 9: they were
    # blanked, with the later census's)
    assert roster.census.census.max() < day and w.cases30.notna().any()
    # what was known stays: every episode referred before the cut-off
    full = shipped.cases.episodes
    assert len(ep) == int((full.referral < day).sum()) > 100
    assert int(ep.closure.notna().sum()) == int((full.closure < day).sum())


def test_naive_forecasts_last_year_and_linear_trend():
    history = [{"a": 100.0, "p": 90.0, "l": 10.0}, {"a": 110.0, "p": 96.0, "l": 4.0},
               {"a": 120.0, "p": 99.0, "l": 1.0}]
    f = naive_forecasts(history, {"a": "count", "p": "pct", "l": "level"})
    assert f.loc["a"].tolist() == [120.0, pytest.approx(130.0)]
    assert f.loc["p", "naive_last_year"] == 99.0
    assert f.loc["p", "naive_trend"] == 100.0            # a share stays within 0-100
    assert f.loc["l", "naive_trend"] == 0.0              # a level does not go below 0
    one = naive_forecasts(history[-1:], {"a": "count"})
    assert one.loc["a", "naive_last_year"] == 120.0 and math.isnan(one.loc["a", "naive_trend"])


def test_better_than_naive_verdicts():
    assert better_than_naive(100, 101, [110, 90]) == "yes"
    assert better_than_naive(100, 105, [102, 90]) == "no"
    assert better_than_naive(0, 0, [0, 0]) == "as close"
    assert better_than_naive(100, 101, [math.nan, math.nan]) == "no naive forecast"
    assert better_than_naive(math.nan, 101, [100]) == ""


def test_search_finds_the_factor_on_a_known_curve():
    calls = []

    def pct(f):                      # timeliness falls as the elapsed time grows
        calls.append(f)
        return 100 - 20 * f
    tried = _search(pct, 86.0)
    best = min(tried, key=lambda t: abs(t[1] - 86.0))
    assert abs(best[0] - 0.7) < 0.05 and len(calls) <= 6
    # an unreachable target stops at the bound, no endless search
    tried = _search(lambda f: 50.0 - f, 99.0)
    assert len(tried) <= 6 and min(t[0] for t in tried) >= 0.2


def test_scale_histogram_keeps_the_shape():
    h = {"dist": "histogram", "edges": [1.0, 10.0, 40.0], "probs": [0.4, 0.6]}
    s = scale_histogram(h, 0.5)
    assert s["edges"] == [0.5, 5.0, 20.0] and s["probs"] == h["probs"]


# --------------------------------------------------------------------------------------------
# The back-test on the shipped returns
# --------------------------------------------------------------------------------------------

def test_shipped_returns_are_small_synthetic_and_in_four_formats(shipped):
    size = sum(p.stat().st_size for p in SHIPPED.iterdir())
    assert size < 1_000_000
    readme = (SHIPPED / "README.md").read_text()
    assert "synthetic" in readme.lower() and "not by the workbench's model" in readme
    assert set(shipped.files.kind) == {"cin", "ssda903", "ssda903_header", "ssda903_oc3", "annex_a",
                                       "workforce"}


def test_out_of_sample_is_the_default_and_fits_only_before_the_cut_off(fitted, out_of_sample):
    bt = out_of_sample
    assert bt.mode == "out-of-sample"
    assert bt.period_start == CUT and bt.period_end == fitted.window_end
    assert bt.fit_end == CUT - dt.timedelta(days=1) and bt.fit_start == fitted.window_start
    assert str(bt.scenario.start_date) == CUT.isoformat()       # from the state at the cut-off
    assert bt.label.startswith("Out-of-sample back-test: fitted on 2020-04-01 to 2022-03-31")
    assert any("blanked" in n for n in bt.notes)


def test_table_has_model_and_naive_side_by_side_with_verdicts(out_of_sample):
    t = out_of_sample.table
    assert list(t.columns) == COLUMNS
    assert list(t.measure) == [m[0] for m in MEASURES]
    assert set(t.comparison) == {"out-of-sample"}
    assert set(t.verdict) <= {"inside range", "within tolerance", "outside", "not comparable"}
    assert set(t.better_than_naive) <= {"yes", "no", "as close", "no naive forecast", ""}
    # three years of returns: two whole years before the cut-off, so both naive forecasts exist
    assert out_of_sample.history_years == 2
    ref = t.set_index("measure").loc["referrals"]
    assert ref.naive_last_year > 0 and ref.naive_trend == ref.naive_trend
    assert (t.verdict != "not comparable").sum() >= 12
    s = out_of_sample.summary()
    assert "last year" in s and "trend" in s and "better than naive" in s


def test_in_sample_is_an_option_labelled_apart(fitted, shipped, out_of_sample):
    bt = backtest(fitted, shipped.cases, shipped.roster, reps=1, mode="in-sample")
    assert bt.mode == "in-sample" and set(bt.table.comparison) == {"in-sample (calibrated)"}
    assert bt.label.startswith("In-sample check (calibrated)") and "not a forecast" in bt.label
    assert bt.fit_end == fitted.window_end >= bt.period_end
    # the observed column is the same data; only the fit differs
    pd.testing.assert_series_equal(bt.table.observed, out_of_sample.table.observed)


def test_back_test_errors_are_plain(fitted, shipped):
    with pytest.raises(UserError, match="expected one of out-of-sample, in-sample"):
        backtest(fitted, shipped.cases, shipped.roster, reps=1, mode="sideways")
    with pytest.raises(UserError, match="less than 180 days to fit on.*in-sample"):
        backtest(fitted, shipped.cases, shipped.roster, dt.date(2020, 6, 1),
                 dt.date(2021, 5, 31), reps=1)


def test_cli_calibrates_the_shipped_returns_with_an_out_of_sample_back_test(command, capsys):
    from workbench.cli import main
    code, text, out, rep, _ = command
    assert code == 0
    load_scenario(out)
    assert "Out-of-sample back-test: fitted on" in text and "last year" in text
    t = pd.read_csv(rep / "backtest_out_of_sample.csv")
    assert {"observed", "sim_mean", "naive_last_year", "naive_trend", "verdict",
            "better_than_naive"} <= set(t.columns)
    # no identifier from the returns in anything written
    ids = set(re.findall(r"<LAchildID>([^<]+)</LAchildID>",
                         (SHIPPED / "cin_census_2023.xml").read_text()))
    assert len(ids) > 100
    for f in [out, *rep.iterdir()]:
        if f.suffix in (".csv", ".txt", ".yaml"):
            assert not ids & set(re.findall(r"[A-Za-z0-9]+", f.read_text())), f.name
    with pytest.raises(SystemExit) as e:
        main(["calibrate", "--returns", str(SHIPPED), "--out", str(out), "--backtest", "sideways"])
    assert e.value.code == 2 and "choose from 'out-of-sample', 'in-sample'" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# Timeliness: the correction by pilot simulations, and the back-test within 5 points
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def larger(tmp_path_factory):
    """1,000 referrals a year: enough assessments that a year's timeliness is not mostly noise."""
    folder = tmp_path_factory.mktemp("returns1000")
    write_demo_returns(folder, referrals_per_year=1000, seed=2)
    return read_returns(folder)


def test_elapsed_time_is_scaled_and_says_how(larger, template):
    cal = calibrate(larger.cases, larger.roster, template, "2020-04-01", "2022-03-31",
                    sources=larger.sources)
    row = cal.table.set_index("parameter").loc["stages.assessment.elapsed_wd.scale"]
    assert 0.2 <= row.estimate <= 2.0 and row.n >= 1
    comment = cal.provenance["stages.assessment.elapsed_wd"]
    assert "pilot simulations" in comment and f"scaled by {row.estimate:.3f}" in comment
    raw = calibrate(larger.cases, larger.roster, template, "2020-04-01", "2022-03-31",
                    sources=larger.sources, correct_timeliness=False)
    got = np.array(cal.scenario.stages["assessment"].elapsed_wd.edges)
    was = np.array(raw.scenario.stages["assessment"].elapsed_wd.edges)
    assert np.allclose(got, np.round(was * row.estimate, 3))
    assert "stages.assessment.elapsed_wd.scale" not in set(raw.table.parameter)


def test_timeliness_back_tests_within_5_points_out_of_sample(larger, template):
    """The acceptance test of issue 16: calibrated on the years before the cut-off (the
    correction fitted there), the model's assessment timeliness in the next year is within 5
    points of what the returns show."""
    cal = calibrate(larger.cases, larger.roster, template, sources=larger.sources)
    bt = backtest(cal, larger.cases, larger.roster, reps=3)
    row = bt.table.set_index("measure").loc["assessment_within_45wd_pct"]
    assert bt.mode == "out-of-sample"
    assert abs(row.sim_mean - row.observed) <= 5.0, (row.observed, row.sim_mean)
    assert row.verdict in ("inside range", "within tolerance")


def test_plain_verdicts_say_when_a_naive_forecast_wins(out_of_sample):
    bt = out_of_sample
    lines = bt.verdicts()
    t = bt.table
    comparable = t[t.verdict != "not comparable"]
    assert len(lines) == len(comparable) + 1
    for r, line in zip(comparable.itertuples(index=False), lines):
        if r.better_than_naive == "no":
            assert "came closer to the observed" in line and "than the model" in line
            assert "is the better forecast" in line
        elif r.better_than_naive == "yes":
            assert line.split(":")[1].strip().startswith("the model")
    overall = lines[-1]
    n_yes = int((t.better_than_naive == "yes").sum())
    assert overall.startswith(f"Overall the model beat both naive forecasts on {n_yes} of ")
    for m in t[t.better_than_naive == "no"].measure:
        assert m in overall
    assert "In plain words:" in bt.summary() and overall in bt.summary()
