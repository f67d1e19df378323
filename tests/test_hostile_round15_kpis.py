"""Round 15 audit of the KPIs and decision support: three decided items (a re-referred child's
new worker, time with non-qualified staff, a target on a KPI the same in every run), then what a
hostile or careless user of optimise, targets, sensitivity and compare meets.

Toy models with known answers keep it quick; the one real run is short and shared.
"""
from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from workbench import load_scenario
from workbench.decision import LeverRange, optimise
from workbench.decision.targets import check_targets, parse_target

BASE = load_scenario("scenarios/baseline.yaml")
ACADEMY = (LeverRange("academy_intake_per_year", 12, 13, 1),)
DOCS = Path(__file__).resolve().parents[1] / "docs" / "kpis.md"


# ------------------------------------------------------------------ 3. a KPI with no spread
@pytest.mark.parametrize("target, values", [
    ("unallocated_mean<=5", [0.0, 0.0, 0.0, 0.0]),                    # nothing happened
    ("assessment_within_45wd_pct>=90", [100.0, 100.0, 100.0]),        # 100% of a handful
    ("unallocated_peak<=3", [3.0, 3.0, 3.0]),                         # a count equal each time
    ("assessment_within_45wd_pct>=90", [100 * 14 / 15] * 7),          # sd 1.5e-14 in numpy
])
def test_a_target_on_a_kpi_the_same_in_every_run_is_not_read_as_surely_met(target, values):
    # a spread of zero gave a bound equal to the value, and the target read as met "with 90%
    # confidence" (round 14 made Sequential stopping never count it as precise)
    t = parse_target(target)
    (c,) = check_targets({t.kpi: values}, [t], 0.95)
    assert not c.met and math.isnan(c.bound)
    assert c.n == len(values) and c.mean == values[0]
    assert "same value" in c.note and f"in all {len(values)} runs" in c.note
    assert "spread of zero" in c.note


def test_a_target_on_a_kpi_with_no_value_in_some_runs_is_not_met_on_the_others():
    # 2 runs had no conference at all: the mean of the 3 others (where one happened) was
    # checked as if it were the plan's, and met the target
    t = parse_target("icpc_within_15wd_pct>=50")
    (c,) = check_targets({t.kpi: [80.0, math.nan, 90.0, math.nan, 85.0]}, [t], 0.9)
    assert not c.met and math.isnan(c.bound)
    assert "no value in 2 of 5 runs" in c.note
    # a KPI that varies, with a value in every run, is checked as before
    (c,) = check_targets({t.kpi: [80.0, 90.0, 85.0]}, [t], 0.9)
    assert c.met and c.note == "" and c.bound < 85.0


def flat(scenario, seed, years=None, warmup_days=0.0):
    """Nobody waits in any run, whatever the plan; the cost varies."""
    rng = np.random.default_rng(seed)
    return SimpleNamespace(
        kpis={"unallocated_mean": 0.0,
              "cost_gbp": 1e6 + 1e4 * scenario.academy.intake_per_year + rng.normal(0, 1e3)},
        timeseries=pd.DataFrame({"week": [0], "unallocated": [0.0]}))


def test_optimise_says_why_no_confidence_can_be_stated_for_a_kpi_with_no_spread():
    res = optimise(BASE, ["unallocated_mean<=5"], ACADEMY, max_trials=2, budget_minutes=None,
                   executor="serial", out=None, simulate_fn=flat, progress=False, years=1,
                   replications=2, confirm_replications=3, candidates=2, confidence=0.9)
    assert res.chosen is None
    c = res.candidates
    assert not c["passed"].any() and c["note"].str.contains("same value").all()
    said = res.statement()
    assert "but for all of them no confidence can be stated (children waiting for a social " \
        "worker (average): the same value (0) in all 3 runs" in said
    assert "bounds were too wide" not in said   # more fresh runs would not help
    assert "Simulate more years" in said


# ------------------------------------------------------------------ 1, 2. changes of worker
@pytest.fixture(scope="module")
def surge():
    """A year of the demand surge (shared): non-qualified staff take stable cases in it."""
    from workbench import simulate

    return simulate(load_scenario("scenarios/demand_surge.yaml"), seed=1, years=1.0)


def test_changes_of_social_worker_count_what_their_description_and_docs_say(surge):
    # decided (docs/kpis.md): a re-referred child's new worker is a change, as is a social
    # worker other than her last after non-qualified staff held her case; their time is time
    # with an allocated worker. Recomputed here from the log and the weekly table.
    from workbench.analysis.registry import KPIS
    from workbench.model import log as R

    run = surge
    ev, ts, end = run.events, run.timeseries, run.horizon_days
    assert ts["held_unqualified"].max() > 0
    changes = ev[ev.event == R.SW_CHANGE]
    # what each reallocation followed: a closure (a new episode) or a non-qualified spell
    sub = ev[ev.event.isin([R.CLOSED, R.UNQUALIFIED, R.SW_CHANGE])]
    last, after = {}, {R.CLOSED: 0, R.UNQUALIFIED: 0}
    for e, c, v in zip(sub.event, sub.child, sub.value):
        if e != R.SW_CHANGE:
            last[c] = e
        elif v == R.REASON_REALLOCATION and last.get(c) in after:
            after[last[c]] += 1
    assert after[R.CLOSED] > 0 and after[R.UNQUALIFIED] > 0
    days = np.clip(np.minimum(ts.t_days + 7.0, end) - ts.t_days, 0, 7)
    allocated = ((ts.open_total - ts.unallocated) * days).sum() / 365.25   # incl. non-qualified
    assert run.kpis["sw_changes_per_child_year"] == pytest.approx(len(changes) / allocated)
    said = KPIS["sw_changes_per_child_year"].description
    assert "re-referred after her case closed who gets a new worker counts one" in said
    assert "non-qualified staff held her stable case" in said
    assert "counts as time with a worker" in said
    doc = DOCS.read_text(encoding="utf-8")
    assert "a new worker counts one change" in doc and "counts in the denominator" in doc


# ------------------------------------------------------------------ 4. compare: no effect
def test_compare_says_when_a_variant_had_no_effect_in_the_years_run(tmp_path, capsys):
    # the academy's intake is in May; a run from October to December never reaches it, and
    # every measure read "no change in any run" with nothing to say why (no note either)
    from workbench.cli.main import main

    code = main(["compare", "scenarios/baseline.yaml", "scenarios/academy_expansion.yaml",
                 "-r", "2", "--years", "0.1", "--executor", "serial", "--no-progress",
                 "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 0
    assert ("(Every measure came out the same in every pair of runs: what Academy expansion "
            "changes had no effect in 0.1 years, for instance a policy that starts after the "
            "run ends or a cap never reached. Check when it starts, or give a longer --years.)"
            ) in " ".join(out.split())


# ------------------------------------------------------------------ 5. a target the wrong way
def waiting(scenario, seed, years=None, warmup_days=0.0):
    """Fewer children wait with a bigger academy, which costs more."""
    rng = np.random.default_rng(seed)
    ac = scenario.academy.intake_per_year
    return SimpleNamespace(
        kpis={"unallocated_mean": 100.0 - 5 * ac + rng.normal(0, 1),
              "cost_gbp": 1e6 + 1e4 * ac + rng.normal(0, 1e3)},
        timeseries=pd.DataFrame({"week": [0], "unallocated": [0.0]}))


def test_a_target_that_asks_for_a_worse_value_is_said_to_read_the_wrong_way():
    # "unallocated_mean>=30" (typed for <=) chose the cheapest plan with at least 30 children
    # waiting and gave it as the answer, with nothing to say the target read the wrong way
    with pytest.warns(UserWarning, match="where lower is better: the cheapest plan that meets "
                                         "it is one that makes it worse"):
        res = optimise(BASE, ["unallocated_mean>=30"], ACADEMY, max_trials=2,
                       budget_minutes=None, executor="serial", out=None, simulate_fn=waiting,
                       progress=False, years=1, replications=2, confirm_replications=3,
                       candidates=1, confidence=0.9)
    assert res.chosen == {"academy_intake_per_year": 12.0}
    said = res.statement()
    assert said.startswith("The cheapest plan found that meets every target")
    assert said.endswith("If you meant the opposite, give unallocated_mean<=30.")
    # a target the right way round says nothing of it
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = optimise(BASE, ["unallocated_mean<=45"], ACADEMY, max_trials=2,
                       budget_minutes=None, executor="serial", out=None, simulate_fn=waiting,
                       progress=False, years=1, replications=2, confirm_replications=3,
                       candidates=1, confidence=0.9)
    assert "Note:" not in res.statement()


# ------------------------------------------------------------------ 6. a target every plan meets
@pytest.mark.parametrize("target, says", [
    ("assessment_within_45wd_pct>=0", "is never below 0.0%"),
    ("workers_over_cap_pct<=100", "is never above 100.0%"),
    ("unallocated_mean>=0", "is never below 0,"),
])
def test_a_target_every_plan_meets_is_refused_before_any_run(target, says):
    # the search chose the cheapest plan it tried whatever that did (and with a wide spread the
    # one-sided bound, reaching past the limit, could say the plan failed it)
    from workbench.errors import UserError

    with pytest.raises(UserError, match="so every plan meets it and it would choose the "
                                        "cheapest plan whatever it does") as exc:
        parse_target(target)
    assert says in str(exc.value)
    for fine in ("unallocated_mean<=0", "turnover_pct<=100", "assessment_within_45wd_pct>=0.1"):
        parse_target(fine)   # a limit that can be missed is a target


# ------------------------------------------------------------------ 7. levers a plan rests on
def paid(scenario, seed, years=None, warmup_days=0.0):
    """As the model: any retention payment above 0 has the same effect; it costs its amount."""
    rng = np.random.default_rng(seed)
    ret = scenario.retention.payment_gbp_per_year if scenario.retention.enabled else 0.0
    return SimpleNamespace(
        kpis={"unallocated_mean": (60.0 if ret > 0 else 80.0) + rng.normal(0, 1),
              "cost_gbp": 1e6 + 100 * ret + rng.normal(0, 1e3)},
        timeseries=pd.DataFrame({"week": [0], "unallocated": [0.0]}))


def test_a_chosen_retention_payment_says_its_amount_is_not_a_finding():
    # the plan "Retention payment a year: £0 -> £250, assuming eligible staff leave 20% less
    # often" read as if £250 were enough to keep staff: the effect is the same for any amount
    res = optimise(BASE, ["unallocated_mean<=70"],
                   (LeverRange("retention_payment_gbp", 0, 1000, 250),), max_trials=5,
                   budget_minutes=None, executor="serial", out=None, simulate_fn=paid,
                   progress=False, years=1, replications=2, confirm_replications=3,
                   candidates=1, confidence=0.9)
    assert res.chosen["retention_payment_gbp"] > 0
    said = res.statement()
    assert ("the retention payment's effect is an assumption, the same for any amount above £0 "
            "(eligible staff leave 20% less often), so the search takes the smallest payment it "
            "tried that helps: its amount is not a finding") in said


@pytest.mark.parametrize("lever", ["advert_success_pct=10:100:10", "time_to_hire_weeks=1:20"])
def test_a_lever_the_model_does_not_price_is_not_searched(lever):
    # the search took 100% of posts filled per round, or new starters in a week, at no cost
    # in place of recruits at £20,000 each, and the plan's cost left out what it would take
    from workbench.decision import parse_lever_range
    from workbench.errors import UserError

    with pytest.raises(UserError, match="has no price in the model") as exc:
        parse_lever_range(lever)
    assert "is not costed, so the optimiser would take it in place of choices that are" in \
        str(exc.value)


# ------------------------------------------------------------------ 8. sensitivity: a range of 0
def test_a_morris_range_that_rounds_to_nothing_is_not_shown_as_zero(monkeypatch, capsys,
                                                                    tmp_path):
    # "how long an assessment takes  21 ± 0" (children waiting, from 2 trajectories): a range
    # of 0.13 children shown as none, as if the estimate were exact
    import workbench.decision.sensitivity as mod
    from workbench.cli.main import main

    def fake(base, kpi_name, **kw):
        morris = pd.DataFrame({"kpi": kpi_name, "input": ["a", "b"],
                               "label": ["how long an assessment takes", "short-term absence"],
                               "mu_star": [21.4, 0.0], "mu_star_conf": [0.13, 0.0],
                               "sigma": [0.1, 0.0], "rank": [1, 2]})
        return mod.SensitivityResult(
            base=base, kpi=kpi_name, kpis=(kpi_name,), inputs={}, morris=morris,
            sobol=pd.DataFrame(), tornado=pd.DataFrame(columns=[
                "input", "label", "low", "high", "kpi_low", "kpi_high", "kpi_base", "swing"]),
            replications=1, years=1.0)

    monkeypatch.setattr(mod, "sensitivity", fake)
    code = main(["sensitivity", "scenarios/baseline.yaml", "--kpi", "unallocated_mean",
                 "--no-progress", "--executor", "serial", "--out", str(tmp_path / "s")])
    out = capsys.readouterr().out
    assert code == 0
    hours = next(line for line in out.splitlines() if "how long an assessment takes" in line
                 and line.strip().startswith("1 "))
    absence = next(line for line in out.splitlines() if "short-term absence" in line
                   and line.strip().startswith("2 "))
    assert hours.rstrip().endswith("21 ± <1")
    assert absence.rstrip().endswith("0 ± 0")   # no effect at all: none


# ------------------------------------------------------------------ 9. run: n/a said
def test_run_says_why_a_measure_counted_over_whole_years_has_no_value(tmp_path, capsys):
    from workbench.cli.main import main

    code = main(["run", "scenarios/baseline.yaml", "--years", "0.02", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert ("n/a: Looked-after children with 3+ social workers in a year (lac_3plus_sw_pct) is "
            "counted over whole years, and 0.02 years is less than one, so it has no value: "
            "give --years 1 or more.") in out


# ------------------------------------------------------------------ 10. a threshold as given
@pytest.mark.parametrize("target, says", [
    ("cost_per_year_gbp<=1", "Workforce cost a year at most £1"),          # read "£0.00m"
    ("unallocated_mean<=20.5", "(average) at most 20.5"),                    # read "20"
    ("assessment_within_45wd_pct>=85.25", "at least 85.25%"),                # read "85.2%"
    ("assessment_within_45wd_pct>=85", "at least 85.0%"),                    # as before
    ("cost_gbp<=1230000", "at most £1.23m"),
])
def test_a_target_is_described_with_its_threshold_as_given(target, says):
    assert parse_target(target).describe().endswith(says)


# ------------------------------------------------------------------ 11. frontier chart's unit
def yearly(scenario, seed, years=None, warmup_days=0.0):
    """A cost a year that falls with a bigger academy (fewer agency staff), in pounds."""
    rng = np.random.default_rng(seed)
    ac = scenario.academy.intake_per_year
    return SimpleNamespace(
        kpis={"cost_per_year_gbp": 14e6 - 1e5 * ac + rng.normal(0, 1e4),
              "cost_gbp": 1e6 + 1e4 * ac + rng.normal(0, 1e3)},
        timeseries=pd.DataFrame({"week": [0], "unallocated": [0.0]}))


def test_the_frontier_chart_plots_a_cost_target_in_the_unit_its_axis_names():
    # the axis said "GBP million a year" and the points were in pounds: 13 million times too high
    from workbench.decision.charts import frontier_chart

    res = optimise(BASE, ["cost_per_year_gbp<=13000000"], ACADEMY, max_trials=2,
                   budget_minutes=None, executor="serial", out=None, simulate_fn=yearly,
                   progress=False, years=1, replications=2, confirm_replications=3,
                   candidates=1, confidence=0.9)
    ax = frontier_chart(res).axes[0]
    assert "GBP million a year" in ax.get_ylabel()
    ys = np.concatenate([np.asarray(c.get_offsets())[:, 1] for c in ax.collections]
                        + [np.asarray(line.get_ydata(), dtype=float) for line in ax.lines])
    assert ys.max() < 20 and ys.min() > 10   # GBP 12.7m to 13.0m, and the target at 13


def test_the_tornado_plots_a_cost_in_the_unit_its_axis_names():
    from workbench.decision.charts import tornado_chart
    from workbench.decision.sensitivity import SensitivityResult

    tornado = pd.DataFrame({"input": ["a"], "label": ["how many children are referred"],
                            "low": [5000.0], "high": [7000.0], "kpi_low": [13.2e6],
                            "kpi_high": [14.9e6], "kpi_base": [14.0e6], "swing": [1.7e6]})
    res = SensitivityResult(base=BASE, kpi="cost_per_year_gbp", kpis=("cost_per_year_gbp",),
                            inputs={}, morris=pd.DataFrame(), sobol=pd.DataFrame(),
                            tornado=tornado, replications=1, years=1.0)
    ax = tornado_chart(res).axes[0]
    assert "GBP million a year" in ax.get_xlabel()
    ends = sorted(x for p in ax.patches for x in (p.get_x(), p.get_x() + p.get_width()))
    assert ends[0] == pytest.approx(13.2) and ends[-1] == pytest.approx(14.9)


# ------------------------------------------------------------------ 12. where the search starts
def test_the_search_starts_from_no_agency_limit_not_from_a_ban():
    # a scenario with no limit on agency staff started the search "where the scenario stands"
    # at a limit of 0%: no agency staff at all
    from workbench.decision.space import base_plan, describe_plan

    ranges = (LeverRange("agency_cap_pct", 0, 50, 5), LeverRange("academy_intake_per_year", 0, 40))
    plan = base_plan(BASE, ranges)
    assert plan == {"agency_cap_pct": 50.0, "academy_intake_per_year": 12.0}
    assert "→ 0%" not in describe_plan(BASE, plan)


# ------------------------------------------------------------------ 13. optimise's settings
@pytest.mark.parametrize("setting, says", [
    (dict(seed=5_000_000_000), "the seed (--seed) of a search must be a whole number from 0 "
                               "to 4,294,967,295 (got 5000000000)"),   # numpy's traceback
    (dict(max_trials=-1), "max trials must be a whole number, at least 1 (got -1)"),  # KeyError
    (dict(replications=2.7), "replications must be a whole number, at least 1 (got 2.7)"),
])
def test_optimise_refuses_a_setting_it_cannot_use_in_words(setting, says):
    from workbench.errors import UserError

    args = dict(max_trials=2, budget_minutes=None, executor="serial", out=None,
                simulate_fn=waiting, progress=False, years=1, replications=2,
                confirm_replications=3, candidates=1, confidence=0.9)
    with pytest.raises(UserError) as exc:
        optimise(BASE, ["unallocated_mean<=45"], ACADEMY, **{**args, **setting})
    assert str(exc.value) == says
    # a numpy whole number is a whole number
    res = optimise(BASE, ["unallocated_mean<=45"], ACADEMY, **{**args, "replications":
                                                              np.int64(2)})
    assert res.replications == 2


# ------------------------------------------------------------------ 14. sensitivity's settings
@pytest.mark.parametrize("setting, says", [
    (dict(sobol_n=16.5, sobol_top=2), "sobol_n must be a whole number, at least 2 (got 16.5)"),
    (dict(seed=-1), "seed must be a whole number, at least 0 (got -1)"),
    (dict(trajectories=2.5), "trajectories must be a whole number, at least 2 (got 2.5)"),
    (dict(levels=3), "levels must be an even number: an odd grid gives a biased Morris sample"),
])
def test_sensitivity_refuses_a_setting_it_cannot_use_in_words(setting, says):
    # a TypeError for a Sobol sample of 16.0 (now run as 16), numpy's "expected non-negative
    # integer", 2 trajectories run for 2.5, and SALib's own warning that the sample "may be
    # biased"
    from workbench.decision.sensitivity import sensitivity
    from workbench.errors import UserError

    args = dict(trajectories=2, sobol_top=0, replications=1, years=1, executor="serial",
                out=None, progress=False, simulate_fn=waiting)
    with pytest.raises(UserError) as exc:
        sensitivity(BASE, "unallocated_mean", **{**args, **setting})
    assert str(exc.value).startswith(says)


def test_the_command_points_to_years_when_no_bound_could_be_had(monkeypatch, capsys, tmp_path):
    # it printed "(Fresh runs per plan: --confirm-replications ...)" under advice to simulate
    # more years: more fresh runs of the same length do not give a spread
    import workbench.decision as dec
    from workbench.cli.main import main

    real = dec.optimise
    monkeypatch.setattr(dec, "optimise", lambda base, targets, levers, **kw: real(
        base, targets, ACADEMY, **{**kw, "simulate_fn": flat}))
    code = main(["optimise", "scenarios/baseline.yaml", "--target", "unallocated_mean<=5",
                 "--years", "1", "--max-trials", "2", "-r", "2", "--confirm-replications", "3",
                 "--candidates", "1", "--executor", "serial", "--no-progress",
                 "--out", str(tmp_path / "o")])
    out = capsys.readouterr().out
    assert code == 1
    assert "no confidence can be stated" in out and "(Years simulated: --years, 1 now.)" in out
    assert "--confirm-replications, 3 now" not in out


# ------------------------------------------------------------------ 15. no spread, exactly
def fourteen_of_fifteen(scenario, seed, *, years=None, warmup_days=0.0):
    """14 of 15 on time in every replication: 93.33...%, the same each time."""
    return SimpleNamespace(kpis={"x": 100 * 14 / 15},
                           timeseries=pd.DataFrame({"week": [0], "t_days": [0.0],
                                                    "unallocated": [0.0]}),
                           horizon_days=7.0)


def test_the_same_value_in_every_run_has_no_spread_whatever_the_rounding():
    # numpy gave seven copies of 93.33...% a standard deviation of 1.5e-14: the half-width was
    # not 0, so Sequential stopping (round 14) counted the measure as precise after 7
    # replications, and summaries showed a zero-width interval as exact
    from workbench.analysis.stats import t_interval
    from workbench.experiment import Sequential, run_experiment

    assert t_interval([100 * 14 / 15] * 7)[2] == 0.0 and t_interval([0.7] * 3)[2] == 0.0
    rule = Sequential(kpis=["x"], half_width_pct=5, min_replications=7, max_replications=8,
                      batch=1)
    e = run_experiment({"Base": BASE}, rule, executor="serial", out=None, progress=False,
                       simulate_fn=fourteen_of_fifteen)
    assert e.stopped == "max_replications" and e.replications == 8
    assert "same value" in e.precision().iloc[0]["note"]
    s = e.summary().iloc[0]
    assert math.isnan(s["half_width"])


def shifted(scenario, seed, *, years=None, warmup_days=0.0):
    """Children waiting: 10.1 to 41.9 from run to run, and 0.7 more with a bigger academy."""
    x = [10.1, 20.3, 33.7, 41.9][seed % 4] + (0.7 if scenario.academy.intake_per_year > 12 else 0)
    return SimpleNamespace(kpis={"unallocated_mean": x},
                           timeseries=pd.DataFrame({"week": [0], "t_days": [0.0],
                                                    "unallocated": [0.0]}),
                           horizon_days=7.0)


def test_a_difference_the_same_in_every_pair_reads_so_whatever_the_last_bit():
    # 0.7 more in every pair of runs, but 10.1 + 0.7 - 10.1 and 41.9 + 0.7 - 41.9 differ in the
    # last bit: a spread of 3.6e-15 gave the interval [0.7, 0.7], printed as exact, in place of
    # "higher in every run"
    from workbench.analysis.registry import kpi
    from workbench.experiment import run_experiment
    from workbench.present.tables import difference_reading

    more = BASE.replace({"academy.intake_per_year": 24})
    e = run_experiment({"Base": BASE, "More academy": more}, replications=4, executor="serial",
                       out=None, progress=False, simulate_fn=shifted)
    r = e.compare("Base").iloc[0]
    assert r["difference"] == pytest.approx(0.7) and math.isnan(r["half_width"])
    assert difference_reading(r, kpi("unallocated_mean")).endswith("in every run")
