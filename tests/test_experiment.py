"""Experiments: common random numbers, executors, resume, failures, sequential stopping, warm-up.

Runs of the real model are short (0.25 years, 2-4 replications). Properties of the experiment
machinery that do not depend on the model (sequential stopping, the statistics) use a fast fake
model with a known distribution, so they can run many replications.
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import math
import subprocess
import sys
import zlib
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from workbench import simulate
from workbench.experiment import (
    ID_COLUMNS, Experiment, Sequential, mser, mser5, replication_seed, run_experiment,
    t_interval, warmup_diagnostic,
)
from workbench.experiment.executors import _ProgressExecutor

YEARS = 0.25


# ------------------------------------------------------------------ models used by the tests
# Module-level (importable) so that worker processes can run them.

def fake_simulate(scenario, seed, *, years=None, warmup_days=0.0):
    """A fast stand-in for the model: KPIs with a known distribution and a shared component.

    ``x`` = 100 + (referrals_per_year - 6250)/100 + common(seed) + own(seed), common ~ N(0, 5),
    own ~ N(0, 1): paired differences have sd sqrt(2), unpaired sd sqrt(52).
    """
    rng = np.random.default_rng(seed)
    common = rng.normal(0, 5)
    own = np.random.default_rng([seed, zlib.crc32(scenario.name.encode())]).normal(0, 1)
    shift = (scenario.demand.referrals_per_year - 6250) / 100
    weeks = 100
    t = np.arange(weeks) * 7.0
    ts = pd.DataFrame({"week": np.arange(weeks), "t_days": t,
                       "unallocated": 10 + 40 * np.exp(-np.arange(weeks) / 3) + rng.normal(0, 1, weeks)})
    return SimpleNamespace(kpis={"x": 100 + shift + common + own, "y": 10 + rng.normal(0, 0.1)},
                           timeseries=ts, horizon_days=weeks * 7.0)


CALLS: list[tuple[str, int]] = []


def counting_simulate(scenario, seed, *, years=None, warmup_days=0.0):
    """The real model, recording each call (serial executor only: the list is in this process)."""
    CALLS.append((scenario.name, seed))
    return simulate(scenario, seed, years=years, warmup_days=warmup_days)


def flaky_simulate(scenario, seed, *, years=None, warmup_days=0.0):
    """The real model, except that scenario 'Broken' raises on replication 1 of base seed 0."""
    if scenario.name == "Broken" and seed == replication_seed(0, 1):
        raise ValueError("boom: a deliberately failing replication")
    return simulate(scenario, seed, years=years, warmup_days=warmup_days)


class Interrupt:
    """The real model, but Ctrl-C on the n-th call (serial executor); records calls in CALLS."""

    def __init__(self, n=None):
        self.n, self.calls = n, 0

    def __call__(self, scenario, seed, *, years=None, warmup_days=0.0):
        self.calls += 1
        if self.calls == self.n:
            raise KeyboardInterrupt
        CALLS.append((scenario.name, seed))
        return simulate(scenario, seed, years=years, warmup_days=warmup_days)


@pytest.fixture(scope="module")
def scenarios():
    from workbench import load_scenario
    from conftest import SCENARIOS

    base = load_scenario(SCENARIOS / "baseline.yaml")
    staff = [g.model_dump() for g in base.teams["families_first"].staff]
    staff.append({"type": "agency", "count": 4, "fte": 1.0})
    more_staff = base.replace({"teams.families_first.staff": staff, "name": "More agency"})
    more_demand = base.replace({"demand.referrals_per_year": 6500, "name": "More demand"})
    return {"Baseline": base, "More agency": more_staff, "More demand": more_demand}


# ------------------------------------------------------------------ seeds
def test_replication_seed_is_stable_and_independent_of_the_count():
    seeds = [replication_seed(7, i) for i in range(20)]
    assert seeds == [int(np.random.SeedSequence(7, spawn_key=(i,)).generate_state(1)[0])
                     for i in range(20)]
    assert len(set(seeds)) == 20
    assert replication_seed(7, 3) != replication_seed(8, 3)
    with pytest.raises(ValueError):
        replication_seed(-1, 0)


def test_replication_i_has_the_same_seed_whatever_the_number_of_replications(scenarios):
    one = {"Baseline": scenarios["Baseline"]}
    e2 = run_experiment(one, 2, seed=5, executor="serial", out=None, progress=False,
                        simulate_fn=fake_simulate)
    e4 = run_experiment(one, 4, seed=5, executor="serial", out=None, progress=False,
                        simulate_fn=fake_simulate)
    pd.testing.assert_frame_equal(e2.kpis, e4.kpis.iloc[:2])


# ------------------------------------------------------------------ tables, CRN, executors
@pytest.fixture(scope="module")
def crn_experiment(scenarios):
    sc = {k: scenarios[k] for k in ("Baseline", "More agency")}
    return run_experiment(sc, 4, seed=11, years=YEARS, executor="process", out=None,
                          progress=False)


def test_tables_are_tidy_with_scenario_and_seed_columns(crn_experiment, scenarios):
    e = crn_experiment
    k = e.kpis
    assert list(k.columns[:5]) == list(ID_COLUMNS)
    assert len(k) == 2 * 4 and not k.duplicated(["scenario", "replication"]).any()
    assert set(e.kpi_names) <= set(k.columns) and "referrals_per_year" in e.kpi_names
    # common random numbers: replication i has the same seed in every scenario
    seeds = k.pivot(index="replication", columns="scenario", values="seed")
    assert (seeds["Baseline"] == seeds["More agency"]).all()
    assert list(seeds["Baseline"]) == [replication_seed(11, i) for i in range(4)]
    assert set(k["digest"]) == {scenarios["Baseline"].digest(), scenarios["More agency"].digest()}
    ts = e.timeseries
    assert list(ts.columns[:5]) == list(ID_COLUMNS)
    assert {"week", "date", "t_days", "unallocated", "caseload_mean"} <= set(ts.columns)
    weeks = ts.groupby(["scenario", "replication"]).size()
    assert len(weeks) == 8 and weeks.nunique() == 1 and weeks.iloc[0] >= 13
    long = e.kpis_long()
    assert len(long) == len(k) * len(e.kpi_names) and {"kpi", "value"} <= set(long.columns)


def test_paired_ci_under_common_random_numbers_is_narrower_than_unpaired(crn_experiment):
    paired = crn_experiment.compare("Baseline", paired=True).set_index("kpi")
    unpaired = crn_experiment.compare("Baseline", paired=False).set_index("kpi")
    assert (paired["method"] == "paired").all() and (unpaired["method"] == "welch").all()
    # the point estimate is the same; only the interval differs
    np.testing.assert_allclose(paired["difference"], unpaired["difference"], atol=1e-9)
    for kpi in ("caseload_mean", "open_cases_end", "lac_end"):
        assert paired.loc[kpi, "half_width"] < unpaired.loc[kpi, "half_width"], kpi
    both = pd.DataFrame({"p": paired["half_width"], "u": unpaired["half_width"]})
    both = both[(both.u > 0) & np.isfinite(both.u)]
    ratio = both.p / both.u
    assert len(ratio) >= 10
    assert (ratio < 1).mean() >= 0.75      # narrower for most KPIs...
    assert ratio.median() < 0.6            # ...and substantially so


def test_paired_variance_is_smaller_with_a_known_shared_component(scenarios):
    sc = {"Baseline": scenarios["Baseline"], "More demand": scenarios["More demand"]}
    e = run_experiment(sc, 30, seed=1, executor="serial", out=None, progress=False,
                       simulate_fn=fake_simulate)
    p = e.compare(paired=True, kpis=["x"]).iloc[0]
    u = e.compare(paired=False, kpis=["x"]).iloc[0]
    assert p["difference"] == pytest.approx(2.5, abs=1.0)    # (6500 - 6250) / 100
    assert p["sd_difference"] == pytest.approx(math.sqrt(2), rel=0.4)
    assert p["half_width"] < 0.4 * u["half_width"]


def test_serial_process_and_dask_give_identical_numbers(scenarios):
    sc = {k: scenarios[k] for k in ("Baseline", "More demand")}
    kw = dict(replications=2, seed=3, years=YEARS, out=None, progress=False)
    serial = run_experiment(sc, executor="serial", **kw)
    process = run_experiment(sc, executor="process", max_workers=2, **kw)
    dask = run_experiment(sc, executor="dask", max_workers=2, **kw)
    assert serial.executor == "serial" and process.executor == "process" and dask.executor == "dask"
    for other in (process, dask):
        pd.testing.assert_frame_equal(serial.kpis, other.kpis, check_exact=True)
        pd.testing.assert_frame_equal(serial.timeseries, other.timeseries, check_exact=True)
        assert other.failures.empty
    # and the same as calling the model directly
    direct = simulate(sc["More demand"], replication_seed(3, 1), years=YEARS)
    row = serial.kpis[(serial.kpis.scenario == "More demand") & (serial.kpis.replication == 1)]
    for k, v in direct.kpis.items():
        assert row[k].iloc[0] == pytest.approx(float(v), nan_ok=True)



def test_a_spawned_process_pool_gives_the_same_numbers_as_serial(scenarios):
    # Windows and macOS start workers with "spawn": nothing may rely on fork (module-level
    # worker function, picklable arguments, the model digest recomputed in each worker).
    sc = {k: scenarios[k] for k in ("Baseline", "More demand")}
    kw = dict(replications=2, seed=3, years=YEARS, out=None, progress=False)
    serial = run_experiment(sc, executor="serial", **kw)
    pool = _ProgressExecutor("process", max_workers=2, mp_context="spawn")
    try:
        spawned = run_experiment(sc, executor=pool, **kw)
        assert pool._pool._mp_context.get_start_method() == "spawn"
    finally:
        pool.shutdown()
    assert spawned.failures.empty
    pd.testing.assert_frame_equal(serial.kpis, spawned.kpis, check_exact=True)
    pd.testing.assert_frame_equal(serial.timeseries, spawned.timeseries, check_exact=True)

# ------------------------------------------------------------------ statistics
def _fake_experiment(values: dict[str, list[float]]) -> Experiment:
    rows = []
    for scen, vals in values.items():
        for i, v in enumerate(vals):
            rows.append({"scenario": scen, "scenario_name": scen, "digest": "d" + scen,
                         "replication": i, "seed": replication_seed(0, i), "x": v})
    kpis = pd.DataFrame(rows)
    return Experiment(scenarios={s: None for s in values}, digests={s: "d" + s for s in values},
                      seed=0, replications=max(map(len, values.values())), years=None,
                      warmup_days=0.0, kpis=kpis, timeseries=pd.DataFrame(),
                      failures=pd.DataFrame(), kpi_names=("x",))


def test_summary_ci_uses_the_t_distribution():
    vals = [10.0, 12.0, 9.0, 14.0]
    s = _fake_experiment({"A": vals}).summary().iloc[0]
    n, mean, sd = 4, np.mean(vals), np.std(vals, ddof=1)
    hw = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    assert s["n"] == n and s["mean"] == pytest.approx(mean) and s["sd"] == pytest.approx(sd)
    assert s["half_width"] == pytest.approx(hw, rel=1e-12)
    assert (s["ci_low"], s["ci_high"]) == (pytest.approx(mean - hw), pytest.approx(mean + hw))
    assert hw > 1.96 * sd / math.sqrt(n) * 1.5    # t with 3 df, much wider than the normal
    s90 = _fake_experiment({"A": vals}).summary(level=0.90).iloc[0]
    assert s90["half_width"] == pytest.approx(stats.t.ppf(0.95, 3) * sd / 2)
    one = _fake_experiment({"A": [3.0]}).summary().iloc[0]
    assert one["n"] == 1 and one["mean"] == 3.0 and math.isnan(one["half_width"])


def test_compare_paired_and_welch_against_hand_computation():
    a = [10.0, 12.0, 9.0, 14.0, 11.0]
    b = [11.0, 13.5, 9.5, 15.0, 12.5]
    e = _fake_experiment({"A": a, "B": b})
    p = e.compare("A").iloc[0]
    d = np.subtract(b, a)
    assert p["difference"] == pytest.approx(d.mean())
    assert p["half_width"] == pytest.approx(stats.t.ppf(0.975, 4) * d.std(ddof=1) / math.sqrt(5))
    assert p["significant"]
    w = e.compare("A", paired=False).iloc[0]
    ref = stats.ttest_ind(b, a, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert (w["ci_low"], w["ci_high"]) == (pytest.approx(ci.low), pytest.approx(ci.high))
    with pytest.raises(ValueError):
        e.compare("nope")


def test_t_interval_drops_missing_values():
    n, mean, sd, hw, q = t_interval([1.0, np.nan, 3.0])
    assert n == 2 and mean == 2.0 and q == pytest.approx(stats.t.ppf(0.975, 1))


# ------------------------------------------------------------------ result files and resume
def test_results_are_written_per_replication_and_resume_loads_them(scenarios, tmp_path):
    sc = {k: scenarios[k] for k in ("Baseline", "More demand")}
    kw = dict(seed=2, years=YEARS, executor="serial", out=tmp_path, name="exp", progress=False,
              simulate_fn=counting_simulate)
    CALLS.clear()
    first = run_experiment(sc, 2, **kw)
    assert len(CALLS) == 4 and first.n_run == 4 and first.n_loaded == 0
    d = tmp_path / "exp"
    jsons = sorted(d.glob("*__seed*.json"))
    assert len(jsons) == 4 and len(list(d.glob("*.weekly.csv"))) == 4
    meta = json.loads(jsons[0].read_text())
    assert meta["digest"] in jsons[0].name and meta["digest"] in {s.digest() for s in sc.values()}
    assert set(meta["kpis"]) == set(first.kpi_names)
    weekly = pd.read_csv(d / meta["weekly_file"])
    assert "child" not in weekly.columns and len(weekly) == first.timeseries.groupby(
        ["scenario", "replication"]).size().iloc[0]

    # more replications: the four finished ones are loaded, only replication 2 runs
    CALLS.clear()
    second = run_experiment(sc, 3, **kw)
    assert second.n_loaded == 4 and second.n_run == 2
    assert second.runs["loaded"].tolist() == [True, True, False, True, True, False]
    assert (second.runs["status"] == "ok").all()
    assert sorted(CALLS) == sorted((s.name, replication_seed(2, 2)) for s in sc.values())
    # loaded from the files, exactly as they were computed (floats round-trip)
    pd.testing.assert_frame_equal(second.kpis[second.kpis.replication < 2].reset_index(drop=True),
                                  first.kpis, check_exact=True)
    pd.testing.assert_frame_equal(
        second.timeseries[second.timeseries.replication < 2].reset_index(drop=True),
        first.timeseries, check_exact=True)

    # a changed scenario has a new digest: it is run again, the unchanged one is loaded
    CALLS.clear()
    changed = dict(sc, **{"More demand": sc["More demand"].replace(
        {"demand.referrals_per_year": 6600})})
    third = run_experiment(changed, 3, **kw)
    assert third.n_loaded == 3 and third.n_run == 3
    assert {name for name, _ in CALLS} == {"More demand"}

    # a different horizon or warm-up is a different replication too
    CALLS.clear()
    run_experiment({"Baseline": sc["Baseline"]}, 1, **dict(kw, years=0.3))
    assert len(CALLS) == 1

    # a damaged file is run again, not trusted
    CALLS.clear()
    jsons[0].write_text("{not json")
    fourth = run_experiment(sc, 2, **kw)
    assert fourth.n_run == 1 and fourth.n_loaded == 3
    pd.testing.assert_frame_equal(fourth.kpis, first.kpis, check_exact=True)

    # resume=False runs everything again
    CALLS.clear()
    run_experiment(sc, 1, **dict(kw, resume=False))
    assert len(CALLS) == 2


def test_interrupted_experiment_keeps_finished_replications(scenarios, tmp_path):
    sc = {"Baseline": scenarios["Baseline"]}
    kw = dict(seed=4, years=YEARS, executor="serial", out=tmp_path, name="int", progress=False)
    with pytest.raises(KeyboardInterrupt):
        run_experiment(sc, 4, simulate_fn=Interrupt(3), **kw)
    assert len(list((tmp_path / "int").glob("*__seed*.json"))) == 2
    CALLS.clear()
    e = run_experiment(sc, 4, simulate_fn=Interrupt(), **kw)
    assert e.n_loaded == 2 and e.n_run == 2 and len(CALLS) == 2
    assert sorted(s for _, s in CALLS) == sorted(replication_seed(4, i) for i in (2, 3))


def test_a_failing_replication_is_reported_and_the_others_finish(scenarios, tmp_path):
    broken = scenarios["Baseline"].replace({"name": "Broken"})
    sc = {"Baseline": scenarios["Baseline"], "Broken": broken}
    with pytest.warns(RuntimeWarning, match=r"'Broken', replication 1, seed \d+: ValueError: boom"):
        e = run_experiment(sc, 3, seed=0, years=YEARS, executor="process", out=tmp_path,
                           name="fail", progress=False, simulate_fn=flaky_simulate)
    assert len(e.failures) == 1
    f = e.failures.iloc[0]
    assert (f["scenario"], f["replication"], f["seed"]) == ("Broken", 1, replication_seed(0, 1))
    assert "boom" in f["error"] and "ValueError" in f["traceback"]
    assert len(e.kpis) == 5
    assert set(e.kpis[e.kpis.scenario == "Broken"].replication) == {0, 2}
    # the failure is not written as finished, so a rerun tries it again
    assert len(list((tmp_path / "fail").glob("*__seed*.json"))) == 5
    # summaries and paired comparisons use what finished
    assert e.summary().set_index(["scenario", "kpi"]).loc[("Broken", "caseload_mean"), "n"] == 2
    assert e.compare("Baseline")["n"].max() == 2


# ------------------------------------------------------------------ sequential stopping
def test_sequential_stops_as_soon_as_the_half_width_criterion_holds(scenarios):
    rule = Sequential(kpis=["x"], half_width_pct=2.0, min_replications=3, max_replications=200,
                      batch=1)
    sc = {"Baseline": scenarios["Baseline"], "More demand": scenarios["More demand"]}
    e = run_experiment(sc, rule, seed=9, executor="serial", out=None, progress=False,
                       simulate_fn=fake_simulate)
    n = e.replications
    assert e.stopped == "precision" and rule.min_replications <= n < 200
    assert e.n_run == 2 * n and (e.kpis.groupby("scenario").size() == n).all()
    assert rule.met(e.kpis)
    prec = e.precision()
    assert (prec["half_width_pct"] <= 2.0).all() and (prec["n"] == n).all()
    if n > rule.min_replications:   # it did not stop one replication too late
        assert not rule.met(e.kpis[e.kpis.replication < n - 1])


def test_sequential_never_exceeds_the_maximum(scenarios, tmp_path):
    rule = Sequential(kpis=("x", "y"), half_width_pct=0.001, min_replications=2,
                      max_replications=7, batch=3)
    sc = {"Baseline": scenarios["Baseline"]}
    kw = dict(seed=1, executor="serial", out=tmp_path, progress=False, simulate_fn=fake_simulate)
    e = run_experiment(sc, rule, **kw)
    assert e.stopped == "max_replications" and e.replications == 7 and len(e.kpis) == 7
    assert not rule.met(e.kpis)
    # resuming a sequential experiment loads what it ran
    again = run_experiment(sc, rule, **kw)
    assert again.n_run == 0 and again.n_loaded == 7
    pd.testing.assert_frame_equal(e.kpis, again.kpis)


def fake_unless_broken(scenario, seed, *, years=None, warmup_days=0.0):
    if scenario.name == "Broken":
        raise RuntimeError("always fails")
    return fake_simulate(scenario, seed, years=years, warmup_days=warmup_days)


def test_sequential_is_not_satisfied_by_a_scenario_without_results(scenarios):
    rule = Sequential(kpis=["x"], half_width_pct=50, min_replications=2, max_replications=4)
    sc = {"Baseline": scenarios["Baseline"],
          "Broken": scenarios["Baseline"].replace({"name": "Broken"})}
    with pytest.warns(RuntimeWarning, match="always fails"):
        e = run_experiment(sc, rule, executor="serial", out=None, progress=False,
                           simulate_fn=fake_unless_broken)
    assert e.stopped == "max_replications" and e.replications == 4 and len(e.failures) == 4
    assert rule.met(e.kpis) and not rule.met(e.kpis, list(sc))


def test_sequential_rule_is_validated():
    with pytest.raises(ValueError):
        Sequential(kpis=[], half_width_pct=5)
    with pytest.raises(ValueError):
        Sequential(kpis=["x"], min_replications=1)
    with pytest.raises(ValueError):
        Sequential(kpis=["x"], min_replications=5, max_replications=4)
    with pytest.raises(ValueError):
        Sequential(kpis=["x"], half_width_pct=0)


# ------------------------------------------------------------------ warm-up
def test_mser5_finds_an_initial_transient():
    rng = np.random.default_rng(0)
    t = np.arange(300)
    series = 20 + 30 * np.exp(-t / 8) + rng.normal(0, 1, t.size)
    r = mser5(series)
    assert r.batch_size == 5 and r.truncation % 5 == 0 and r.reliable
    assert 15 <= r.truncation <= 60
    flat = mser5(20 + rng.normal(0, 1, 300))
    assert flat.truncation <= 50 and flat.reliable
    # the statistic is the MSER formula on batch means
    z = series[:300].reshape(60, 5).mean(axis=1)
    d = 4
    assert r.statistic[d] == pytest.approx(((z[d:] - z[d:].mean()) ** 2).sum() / (60 - d) ** 2)
    # a series that keeps trending: the minimum is late, so the answer is flagged unreliable
    trend = mser(np.linspace(0, 100, 200) ** 2, batch_size=5)
    assert not trend.reliable
    with pytest.raises(ValueError):
        mser5([1.0, 2.0, 3.0])
    with pytest.raises(ValueError):
        mser5([1.0, np.nan] * 20)


def test_warmup_diagnostic_gives_a_truncation_point_and_plot_data(scenarios):
    e = run_experiment({"Baseline": scenarios["Baseline"]}, 3, executor="serial", out=None,
                       progress=False, simulate_fn=fake_simulate)
    diag = e.warmup_diagnostic("unallocated")
    s = diag.suggestions.iloc[0]
    assert s["scenario"] == "Baseline" and s["n_weeks"] == 100 and s["reliable"]
    # the fake transient (40 exp(-week/3)) exceeds the batch-mean noise for ~12 weeks
    assert 10 <= s["truncation_weeks"] <= 50
    assert s["truncation_days"] == 7.0 * s["truncation_weeks"]
    assert diag.suggested_warmup_days == s["truncation_days"]
    assert {"scenario", "replication", "week", "t_days", "value"} <= set(diag.weekly.columns)
    assert len(diag.weekly) == 3 * 100 and (diag.mean["n"] == 3).all()
    assert {"mean", "low", "high"} <= set(diag.mean.columns)
    assert len(diag.statistic) > 0
    with pytest.raises(ValueError, match="no weekly column"):
        warmup_diagnostic(e.timeseries, "nope")


def test_warmup_filter_is_passed_to_the_model(scenarios):
    sc = {"Baseline": scenarios["Baseline"]}
    kw = dict(seed=0, years=0.5, executor="serial", out=None, progress=False)
    cold = run_experiment(sc, 1, **kw)
    warm = run_experiment(sc, 1, warmup_days=60, **kw)
    ref = simulate(sc["Baseline"], replication_seed(0, 0), years=0.5, warmup_days=60)
    assert warm.warmup_days == 60
    assert warm.kpis["referrals_per_year"].iloc[0] == pytest.approx(ref.kpis["referrals_per_year"])
    assert warm.kpis["referrals_per_year"].iloc[0] != cold.kpis["referrals_per_year"].iloc[0]
    # the weekly table keeps every week; the diagnostic can run on the real series
    assert len(warm.timeseries) == len(cold.timeseries)
    diag = warm.warmup_diagnostic("unallocated")
    assert len(diag.suggestions) == 1 and diag.suggestions.iloc[0]["truncation_days"] >= 0


# ------------------------------------------------------------------ validation, progress, import
@pytest.mark.parametrize("kwargs, match", [
    (dict(replications=0), "at least 1"),
    (dict(replications=2.5), "whole number"),
    (dict(seed=-1), "seed"),
    (dict(years=0), "years"),
    (dict(warmup_days=400, years=1), "warmup_days"),
    (dict(executor="gpu"), "executor"),
    (dict(max_workers=0), "max_workers"),
    (dict(replications=Sequential(kpis=["no_such_kpi"])), "unknown KPI"),
])
def test_bad_arguments_fail_before_anything_runs(scenarios, kwargs, match):
    CALLS.clear()
    kw = dict(replications=1, executor="serial", out=None, progress=False,
              simulate_fn=counting_simulate)
    kw.update(kwargs)
    if isinstance(kw["replications"], Sequential):
        kw.pop("simulate_fn")
    with pytest.raises((ValueError, TypeError), match=match):
        run_experiment({"Baseline": scenarios["Baseline"]}, **kw)
    assert CALLS == []


def test_scenario_labels(scenarios):
    base = scenarios["Baseline"]
    with pytest.raises(ValueError, match="labelled"):
        run_experiment([base, base], 1, executor="serial", out=None, progress=False)
    e = run_experiment([base, scenarios["More demand"]], 1, executor="serial", out=None,
                       progress=False, simulate_fn=fake_simulate)
    assert list(e.scenarios) == ["Baseline", "More demand"]


def test_progress_bar_can_be_shown(scenarios, capsys):
    run_experiment({"Baseline": scenarios["Baseline"]}, 3, executor="serial", out=None,
                   progress=True, simulate_fn=fake_simulate)
    assert "3/3" in capsys.readouterr().err


def test_import_has_no_process_start_side_effects():
    code = ("import sys, threading, multiprocessing as mp\n"
            "import workbench.experiment, workbench.cli.compare\n"
            "assert not mp.active_children(), mp.active_children()\n"
            "assert threading.active_count() == 1, threading.enumerate()\n"
            "assert 'distributed' not in sys.modules and 'dask' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


class ForeignCodeExecutor(cf.ThreadPoolExecutor):
    """An executor whose workers report different model code (like a stale Dask worker)."""

    def submit(self, fn, /, *args, **kwargs):
        def foreign(*a, **k):
            res = fn(*a, **k)
            res["model_digest"] = "000000000000"
            return res
        return super().submit(foreign, *args, **kwargs)


def test_a_given_executor_is_used_and_workers_on_other_model_code_are_refused(scenarios, tmp_path):
    sc = {"Baseline": scenarios["Baseline"]}
    with cf.ThreadPoolExecutor(2) as ex:
        e = run_experiment(sc, 3, executor=ex, out=None, progress=False, simulate_fn=fake_simulate)
    assert len(e.kpis) == 3 and e.failures.empty
    with ForeignCodeExecutor(2) as ex, pytest.warns(RuntimeWarning, match="different model code"):
        e = run_experiment(sc, 2, executor=ex, out=tmp_path, progress=False,
                           simulate_fn=fake_simulate)
    assert e.kpis.empty and len(e.failures) == 2
    assert not list(tmp_path.rglob("*__seed*.json"))


def test_files_from_another_model_function_are_not_loaded(scenarios, tmp_path):
    sc = {"Baseline": scenarios["Baseline"]}
    kw = dict(executor="serial", out=tmp_path, name="m", progress=False)
    run_experiment(sc, 2, simulate_fn=fake_simulate, **kw)
    e = run_experiment(sc, 2, simulate_fn=fake_unless_broken, **kw)
    assert e.n_loaded == 0 and e.n_run == 2
    again = run_experiment(sc, 2, simulate_fn=fake_unless_broken, **kw)
    assert again.n_loaded == 2
