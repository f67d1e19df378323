"""Round 13 audit of decision support and experiments: are the numbers and sentences true?

Each test recomputes, by hand, what a command says (from the tables it writes, or from a toy
model whose answer is known) and checks the words against it.
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

BASE = load_scenario("scenarios/baseline.yaml")
ACADEMY = (LeverRange("academy_intake_per_year", 12, 13, 1),)


def noisy(scenario, seed, years=None, warmup_days=0.0):
    """Children waiting: 100 on average whatever the plan, but +-60 from run to run."""
    rng = np.random.default_rng(seed)
    return SimpleNamespace(
        kpis={"unallocated_mean": 100.0 + rng.normal(0, 60),
              "cost_gbp": 1e6 + 1e4 * scenario.academy.intake_per_year},
        timeseries=pd.DataFrame({"week": [0], "unallocated": [0.0]}))


def _optimise(target, **kw):
    args = dict(max_trials=2, budget_minutes=None, executor="serial", out=None,
                simulate_fn=noisy, progress=False, years=1, replications=2,
                confirm_replications=3, candidates=2, confidence=0.9)
    args.update(kw)
    return optimise(BASE, [target], ACADEMY, **args)


@pytest.fixture(scope="module")
def unsure():
    """No plan chosen: every plan meets the target on average, none surely (shared)."""
    return _optimise("unallocated_mean<=140")


# ------------------------------------------------------------------ 1. optimise: why no plan
def test_a_plan_that_meets_the_target_on_average_but_not_surely_is_not_called_out_of_reach(
        unsure):
    # 100 children waiting on average against at most 140: every plan meets it on average, but
    # 3 fresh runs with a spread of 60 give bounds too wide to be 90% sure. The advice was
    # "widen the levers' ranges, give the search more time, or relax a target", as if the
    # target could not be reached; what helps is more fresh runs (or less confidence)
    res = unsure
    assert res.chosen is None
    c = res.candidates
    assert len(c) == 2 and (c["unallocated_mean_mean"] <= 140).all()
    assert not c["passed"].any()
    said = res.statement()
    assert said.startswith("No plan the search tried met every target")
    assert ("2 plans met every target on average in the search and were checked on 3 fresh "
            "runs each: all of them met every target on average there too") in said
    assert "more fresh runs" in said and "less confidence" in said
    # no plan met the target even on the search's averages: the advice stays as it was
    res = _optimise("unallocated_mean<=5")
    assert res.chosen is None and not len(res.candidates)
    assert res.statement().endswith("Widen the levers' ranges, give the search more time, or "
                                    "relax a target.")


def no_conferences(scenario, seed, years=None, warmup_days=0.0):
    """The noisy model over a run too short for any conference: that measure has no value."""
    run = noisy(scenario, seed, years, warmup_days)
    run.kpis["icpc_within_15wd_pct"] = math.nan
    return run


def test_a_target_whose_measure_never_had_a_value_is_refused_after_the_first_plans():
    # it searched the whole budget (10 minutes by default), then advised "widen the levers'
    # ranges, give the search more time, or relax a target", as if the target were out of reach
    from workbench.errors import UserError

    calls = []

    def counted(*a, **kw):
        calls.append(1)
        return no_conferences(*a, **kw)

    with pytest.raises(UserError) as err:
        _optimise("icpc_within_15wd_pct>=50", simulate_fn=counted, max_trials=40, years=0.03)
    assert str(err.value) == (
        "target icpc_within_15wd_pct>=50: child protection conferences within 15 working days "
        "had no value over 0.03 years in any run of the 2 plans tried: nothing it measures "
        "happened in so short a run, so no plan can meet it. Simulate more years (--years) or "
        "give another target")
    assert len(calls) == 2 * 2     # the first batch's 2 plans x 2 replications, no more


# ------------------------------------------------------------------ 2. sensitivity: Sobol
HOURS = "stages.assessment.work_hours.mean"
UNUSED = "costs.gbp_per_fte_week.agency"
FIXED = "working_time.absence_pct"


def hours_only(scenario, seed, years=None, warmup_days=0.0):
    """No chance at all: timeliness falls 5 points an assessment hour and depends on nothing
    else, so the hours drive all of its variance (a Sobol total index of 1)."""
    h = scenario.stages["assessment"].work_hours.mean
    return SimpleNamespace(kpis={"assessment_within_45wd_pct": 120 - 5 * h,
                                 "unallocated_mean": 10.0, "cost_gbp": 1e6},
                           timeseries=pd.DataFrame({"week": [0], "unallocated": [0.0]}))


def _inputs():
    """The hours (which matter), an agency rate (which the measure does not use) and absence
    given as one value (which cannot matter)."""
    from workbench.scenario.basics import Fixed, Uniform

    return {HOURS: Uniform(dist="uniform", low=6, high=14),
            UNUSED: Uniform(dist="uniform", low=1500, high=2200),
            FIXED: Fixed(dist="fixed", value=2.0)}


def _sens(**kw):
    from workbench.decision.sensitivity import sensitivity

    args = dict(inputs=_inputs(), trajectories=2, sobol_top=2, sobol_n=2, tornado_top=1,
                replications=1, executor="serial", out=None, progress=False,
                simulate_fn=hours_only)
    args.update(kw)
    return sensitivity(BASE, **args)


def test_sobol_indices_from_too_small_a_sample_are_said_to_be_unusable():
    res = _sens()
    m = res.morris[res.morris["kpi"] == "assessment_within_45wd_pct"].set_index("input")
    # the ranking is right: the hours first; an input with one value, and one the measure
    # does not use, have no effect at all
    assert res.top(1) == [HOURS]
    assert m.loc[HOURS, "mu_star"] == pytest.approx(40.0)
    assert m.loc[UNUSED, "mu_star"] == 0.0 and m.loc[FIXED, "mu_star"] == 0.0
    # and the sentence said they "matter less", as if they mattered a little
    assert res.sentence().startswith("Assessments finished within 45 working days depends most "
                                     "on how long an assessment takes; the other 2 inputs made "
                                     "no difference (Morris screening of 3 inputs")
    s = res.sobol[res.sobol["kpi"] == "assessment_within_45wd_pct"].set_index("input")
    # a share of the variance cannot exceed 1: from a base sample of 2 it came out near 2,
    # printed as "1.94" beside the ranking with nothing to say it was noise
    assert s.loc[HOURS, "ST"] > 1.5
    said = res.sobol_caution()
    assert said.startswith("The Sobol indices are not usable")
    assert "how long an assessment takes came out 1.9" in said
    assert "between 0 and 1" in said and "larger Sobol sample" in said
    # the tornado holds the other inputs at their medians: 10 hours here, where the baseline
    # file says 9.5 (it read "with every input as given", which gave 72.5%, not 70.0%)
    from workbench.decision.charts import tornado_alt

    alt = tornado_alt(res)
    assert "With every input at the middle of its range: 70.0%" in alt and "as given" not in alt
    # a larger sample: inside 0 to 1, but its ranges are wide, and that is said too
    rough = _sens(sobol_n=8).sobol_caution()
    assert rough.startswith("The Sobol indices are rough: their 95% ranges reach ±0.")
    # no Sobol indices asked for: nothing to caution
    assert _sens(sobol_top=0).sobol_caution() == ""


def test_the_command_shows_each_estimate_with_its_range_and_the_caution(monkeypatch, capsys,
                                                                         tmp_path):
    import workbench.decision.sensitivity as mod
    from workbench.cli.main import main

    real = mod.sensitivity
    monkeypatch.setattr(mod, "sensitivity", lambda *a, **kw: real(
        *a, **{**kw, "simulate_fn": hours_only, "inputs": _inputs()}))
    code = main(["sensitivity", "scenarios/baseline.yaml", "--trajectories", "2", "--sobol-top",
                 "2", "--sobol-n", "2", "-r", "1", "--years", "1", "--executor", "serial",
                 "--no-progress", "--out", str(tmp_path / "s")])
    out = capsys.readouterr().out
    assert code == 0
    row = next(line for line in out.splitlines() if "how long an assessment takes" in line
               and line.strip().startswith("1"))
    assert "40.0 ± 0.0" in row and " ± " in row.split("40.0 ± 0.0")[1]
    assert "The Sobol indices are not usable" in out and "(--sobol-n 2 now.)" in out
    assert "± gives each estimate's 95% range" in out


# ------------------------------------------------------------------ 3. compare: a measure n/a
def some_without_conferences(scenario, seed, years=None, warmup_days=0.0):
    """Conferences on time: 5 points higher with more agency cover in every run, but in one run
    in three the baseline held no conference (no value); waiting: 10 fewer in every run."""
    rng = np.random.default_rng(seed)
    more = scenario.agency.cover_share_pct > 80
    icpc = 70 + rng.normal(0, 3) + (5 if more else 0)
    return SimpleNamespace(
        kpis={"icpc_within_15wd_pct": math.nan if seed % 3 == 0 and not more else icpc,
              "unallocated_mean": 50 + rng.normal(0, 5) - (10 if more else 0)},
        timeseries=pd.DataFrame({"week": [0], "unallocated": [0.0]}))


def test_a_measure_missing_from_some_runs_says_how_many_pairs_its_reading_is_of(
        tmp_path, monkeypatch, capsys):
    import workbench.experiment as experiment
    from workbench.cli.main import main

    real = experiment.run_experiment
    monkeypatch.setattr(experiment, "run_experiment", lambda *a, **kw: real(
        *a, **{**kw, "simulate_fn": some_without_conferences}))
    more = tmp_path / "more.yaml"
    more.write_text(f"base: {Path('scenarios/baseline.yaml').resolve()}\nname: More agency\n"
                    "agency: {cover_share_pct: 90}\n", encoding="utf-8")
    code = main(["compare", "scenarios/baseline.yaml", str(more), "-r", "6", "--years", "1",
                 "--executor", "serial", "--no-progress", "--out", str(tmp_path / "c")])
    out = capsys.readouterr().out
    assert code == 0
    kp = pd.read_csv(tmp_path / "c" / "kpis.csv")
    missing = int(kp["icpc_within_15wd_pct"].isna().sum())
    assert missing == 1     # the seeds of these 6 replications: one baseline run without
    assert "6 paired replication(s)" in out
    icpc = next(line for line in out.splitlines() if line.startswith("Child protection conf"))
    wait = next(line for line in out.splitlines() if line.startswith("Children waiting"))
    # it was "better in every run" under "6 paired replication(s)": of 5 of them
    assert icpc.rstrip().endswith("better in every run (5 of 6 pairs)")
    assert wait.rstrip().endswith("better in every run")
    assert "'(N of M pairs)': the measure had no value in the other runs" in out


# ------------------------------------------------------------------ 4. cost with a warm-up
def test_a_campaign_counts_in_the_period_measured_for_the_recruits_who_start_in_it():
    from workbench.analysis.kpis import staff_cost
    from workbench.analysis.run import simulate

    warmup, end = 40.0, 0.2 * 365.25

    def beyond_pay(campaigns):
        sc = BASE.replace({"recruitment.campaigns": campaigns})
        run = simulate(sc, seed=3, years=0.2, warmup_days=warmup)
        c = run.record.costs
        assert c.loc[c["category"] == "campaigns", "t_days"].max() < warmup   # paid in it
        others = c[c["category"] != "campaigns"]
        paid = run.kpis["cost_gbp"] - staff_cost(run.record.workers, run.scenario, warmup, end)
        return paid, others["gbp"].sum(), others.loc[others["t_days"] >= warmup, "gbp"].sum()

    # recruits starting 6 to 26 days in, all in the 40-day warm-up: counted at the window's share
    # of the run, 45% of the GBP 10m (GBP 4.5m) was in the cost of the 33 days measured
    paid, most, least = beyond_pay([{"name": "Early", "start_date": "2017-11-01",
                                     "end_date": "2017-11-30", "hires": 5,
                                     "cost_gbp": 10_000_000.0}])
    assert least - 1e-6 <= paid <= most + 1e-6
    # 6 recruits starting on days 6, 16, 26, 36, 46 and 56: the last two in the window
    paid, most, least = beyond_pay([{"name": "Across", "start_date": "2017-11-01",
                                     "end_date": "2017-12-31", "hires": 6,
                                     "cost_gbp": 6_000_000.0}])
    assert least - 1e-6 <= paid - 2_000_000.0 <= most + 1e-6
    # with no warm-up every record counts, as before
    sc = BASE.replace({"recruitment.campaigns": [{"name": "Across", "start_date": "2017-11-01",
                                                  "end_date": "2017-12-31", "hires": 6,
                                                  "cost_gbp": 6_000_000.0}]})
    whole = simulate(sc, seed=3, years=0.2)
    assert whole.kpis["cost_gbp"] == pytest.approx(
        staff_cost(whole.record.workers, whole.scenario, 0.0, end)
        + whole.record.costs["gbp"].sum(), rel=1e-12)


# ------------------------------------------------------------------ 5. compare: nothing changed
def test_a_variant_that_changes_nothing_is_said_to_be_the_baseline(tmp_path, monkeypatch,
                                                                   capsys):
    # `workbench new` writes every field commented out: compared unedited, every measure read
    # "no clear change", as if the policy had been tried and made no difference
    import workbench.experiment as experiment
    from workbench.cli.main import main

    real = experiment.run_experiment
    monkeypatch.setattr(experiment, "run_experiment", lambda *a, **kw: real(
        *a, **{**kw, "simulate_fn": some_without_conferences}))
    base = Path("scenarios/baseline.yaml").resolve()
    same = tmp_path / "same.yaml"
    same.write_text(f"base: {base}\nname: Not yet edited\ndescription: to do\nauthority: Ours\n",
                    encoding="utf-8")
    more = tmp_path / "more.yaml"
    more.write_text(f"base: {base}\nname: More agency\nagency: {{cover_share_pct: 90}}\n",
                    encoding="utf-8")
    code = main(["compare", str(base), str(same), str(more), "-r", "2", "--years", "1",
                 "--executor", "serial", "--no-progress", "--out", str(tmp_path / "c")])
    out = capsys.readouterr().out
    assert code == 0
    said = ("(Not yet edited is the same scenario as Baseline but for its name and description: "
            "it changes nothing, so every difference is 0 and says nothing of a policy.")
    assert out.count(said) == 1
    assert out.index(said) < out.index("More agency vs Baseline")
    # one year is "1 year" (it read "1 years"), and the reading says what "too small to show"
    # is, as page one does (the difference itself rounds to zero, not the whole range)
    assert "paired replication(s) (common random numbers), 1 year, seed" in out
    assert "1 years" not in out
    assert "excludes zero but the difference itself rounds to zero at the last digit" in out


def test_the_frontier_chart_names_the_measure_of_the_first_target(unsure):
    # a target on children waiting was drawn under "Cost against timeliness of the plans tried"
    from workbench.decision.charts import frontier_chart

    fig = frontier_chart(unsure)
    ax = fig.axes[0]
    assert ax.get_title() == "Cost against children waiting for a social worker of the plans tried"
    assert "cheapest for its children waiting for a social worker (frontier)" in [
        t.get_text() for t in ax.get_legend().get_texts()]


# ------------------------------------------------------------------ 6. optimise: check it yourself
def test_the_chosen_plan_is_written_as_a_scenario_to_check_with_compare(tmp_path, monkeypatch,
                                                                        capsys):
    # the plan was given only in words ("Extra recruits a year: 39 ..."): checking it with
    # `compare` meant building its monthly recruitment campaigns by hand
    import workbench.decision as decision
    from workbench import load_scenario as load
    from workbench.cli.main import main
    from workbench.decision import plan_scenario

    real = decision.optimise
    monkeypatch.setattr(decision, "optimise", lambda *a, **kw: real(
        *a, **{**kw, "simulate_fn": noisy}))
    out = tmp_path / "opt"
    code = main(["optimise", "scenarios/baseline.yaml", "--target", "unallocated_mean<=300",
                 "--lever", "extra_recruits_per_year=12:24:12", "--max-trials", "2", "-r", "2",
                 "--candidates", "1", "--confirm-replications", "3", "--years", "1",
                 "--executor", "serial", "--no-progress", "--out", str(out)])
    said = " ".join(capsys.readouterr().out.split())
    assert code == 0
    plan = out / "chosen_plan.yaml"
    assert (f"Wrote the chosen plan as a scenario, {plan}: `workbench compare "
            f"scenarios/baseline.yaml {plan} --years 1 --seed 1000003 -r 3` runs it on the "
            f"fresh runs it was checked on") in said
    chosen = load(plan)
    import json

    lever = json.loads((out / "result.json").read_text())["chosen"]
    made = plan_scenario(BASE, lever, 1.0)
    assert chosen.horizon_years == 1
    assert chosen.recruitment.campaigns == made.recruitment.campaigns
    assert len(chosen.recruitment.campaigns) == 12     # a campaign a month, a year of them
    # but for its name, description and horizon, the very scenario the optimiser ran
    same = chosen.model_copy(update={"name": made.name, "description": made.description,
                                     "horizon_years": made.horizon_years})
    assert same.digest() == made.digest()
    # a later run in the folder that chooses no plan leaves no earlier plan to read as its own
    code = main(["optimise", "scenarios/baseline.yaml", "--target", "unallocated_mean<=1",
                 "--lever", "extra_recruits_per_year=12:24:12", "--max-trials", "2", "-r", "2",
                 "--candidates", "1", "--confirm-replications", "3", "--years", "1",
                 "--executor", "serial", "--no-progress", "--out", str(out)])
    assert code == 1 and not plan.exists()
