"""Round 10's audit of ``workbench optimise`` and ``workbench sensitivity``: the same plans
whatever the workers, whole-number levers refused fractions, a step no more than its range, the
time budget told truly, the Morris effect described as what it is, a KPI with no value refused
in words, and too few inputs for Sobol said so.

Toy models stand in for the simulation so that every test takes seconds.
"""
from __future__ import annotations

import importlib
import math
import time
import warnings
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from workbench import load_scenario
from workbench.cli.main import main
from workbench.decision import LeverRange, parse_lever_range
from workbench.decision.sensitivity import sensitivity
from workbench.errors import UserError
from workbench.scenario.basics import Uniform

from test_decision_optimise import toy as toy_plan   # the optimiser's toy model
from test_decision_optimise import toy_optimise

BASE = load_scenario("scenarios/baseline.yaml")
optimise_module = importlib.import_module("workbench.decision.optimise")
TARGET = "assessment_within_45wd_pct>=75"


def slow_plan(scenario, seed, years=None, warmup_days=0.0):
    """The toy model, a twentieth of a second a run."""
    time.sleep(0.05)
    return toy_plan(scenario, seed, years, warmup_days)


#: Round 10's small search (ten plans, two candidates); the rest as the optimiser's own tests.
QUICK = dict(max_trials=10, replications=2, confirm_replications=4, candidates=2)


def _optimise(target=TARGET, **kw):
    return toy_optimise(target, **{**QUICK, **kw})


# ------------------------------------------------------------------ 1. the same plans anywhere
def test_the_plans_tried_do_not_depend_on_the_workers():
    serial = _optimise()
    three = _optimise(executor="process", max_workers=3)
    pd.testing.assert_frame_equal(serial.trials, three.trials)
    pd.testing.assert_frame_equal(serial.candidates, three.candidates)
    assert serial.chosen == three.chosen and serial.chosen is not None
    assert len(serial.trials) == 10


def test_the_help_says_what_decides_the_batch(capsys):
    assert optimise_module.SEARCH_BATCH == 4  # the help says "four at a time"
    with pytest.raises(SystemExit):
        main(["optimise", "--help"])
    said = " ".join(capsys.readouterr().out.split())
    assert "four at a time whatever --workers is" in said
    assert "whole search and check" not in said


# ------------------------------------------------------------------ 3. whole-number levers
@pytest.mark.parametrize("text, says", [
    ("academy_intake_per_year=10.5:11.5:1",
     "academy_intake_per_year (Academy places a year) takes whole numbers; give a whole-number "
     "low, high and step (got low 10.5, high 11.5)"),
    ("extra_recruits_per_year=0:10:0.5", "takes whole numbers; give a whole-number low, high "
                                         "and step (got step 0.5)"),
    ("academy_intake_per_year=0:40:100",
     "the step 100 is more than the range 0 to 40, so only 0 would be tried; give a step of at "
     "most 40"),
])
def test_fractional_whole_number_levers_and_a_step_past_the_range_are_refused(text, says):
    with pytest.raises(UserError) as err:
        parse_lever_range(text)
    assert says in str(err.value) and text in str(err.value)


def test_the_command_refuses_a_fractional_academy_in_one_line(tmp_path, capsys):
    code = main(["optimise", "scenarios/baseline.yaml", "--target", TARGET, "--lever",
                 "academy_intake_per_year=10.5:11.5:1", "--max-trials", "2",
                 "--out", str(tmp_path / "o"), "--no-progress", "--executor", "serial"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "academy_intake_per_year" in err and "takes whole numbers" in err
    assert not (tmp_path / "o" / "result.json").exists()


def test_fractions_stay_allowed_where_the_lever_takes_them():
    assert LeverRange("agency_cap_pct", 0, 50, 2.5).values() == 21
    assert LeverRange("academy_intake_per_year", 0, 40, 40).values() == 2


# ------------------------------------------------------------------ 5. the time budget
def test_a_check_beyond_the_budget_is_said_and_names_the_options():
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        res = _optimise("assessment_within_45wd_pct>=55", simulate_fn=slow_plan,
                        max_trials=None, budget_minutes=0.005, candidates=1,
                        confirm_replications=20,
                        levers=[LeverRange("academy_intake_per_year", 0, 40, 20)])
    said = [str(w.message) for w in got if issubclass(w.category, UserWarning)]
    notes = [s for s in said if "check on fresh runs" in s]
    assert len(notes) == 1, said
    assert "--budget-minutes 0.005" in notes[0] and "--confirm-replications" in notes[0]
    assert "1 candidate plan(s) x 20 runs" in notes[0]
    assert res.elapsed_s > 0.005 * 60  # it did overrun, as the note said it would


def test_a_check_within_the_budget_says_nothing():
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        _optimise(max_trials=4, budget_minutes=5)
    assert not [w for w in got if "check on fresh runs" in str(w.message)]


# ------------------------------------------------------------------ sensitivity
HOURS = "stages.assessment.work_hours.mean"
REFERRALS = "demand.referrals_per_year"
INPUTS = {HOURS: Uniform(dist="uniform", low=6, high=14),
          REFERRALS: Uniform(dist="uniform", low=5500, high=7000)}
VISITS = "cp_visits_on_time_pct"


def toy_linear(scenario, seed, years=None, warmup_days=0.0):
    """No chance at all: timeliness falls 5 points an assessment hour, waiting rises a child a
    hundred referrals; visits on time have a value only when assessments take over 10 hours,
    and never a value at a horizon under half a year (nothing fell due)."""
    h = scenario.stages["assessment"].work_hours.mean
    r = scenario.demand.referrals_per_year
    visits = 70.0 + h if h > 10 and (years or 1) >= 0.5 else math.nan
    return SimpleNamespace(
        kpis={"assessment_within_45wd_pct": 120 - 5 * h, "unallocated_mean": r / 100,
              "cost_gbp": 1e6, VISITS: visits},
        timeseries=pd.DataFrame({"week": [0], "unallocated": [0.0]}))


def _sens(**kw):
    args = dict(inputs=INPUTS, trajectories=4, sobol_top=2, sobol_n=4, tornado_top=2,
                replications=1, executor="serial", out=None, progress=False,
                simulate_fn=toy_linear)
    args.update(kw)
    return sensitivity(BASE, **args)


def _toy_command(monkeypatch):
    """`workbench sensitivity` running the toy model in this process."""
    import workbench.decision.sensitivity as mod

    real = mod.sensitivity
    monkeypatch.setattr(mod, "sensitivity",
                        lambda *a, **kw: real(*a, **{**kw, "simulate_fn": toy_linear,
                                                     "inputs": INPUTS}))


# ------------------------------------------------------------------ 2. the Morris effect
def test_the_morris_effect_is_the_change_per_the_whole_range_and_is_said_so(tmp_path,
                                                                            monkeypatch,
                                                                            capsys):
    from workbench.decision.sensitivity import load_sensitivity
    from workbench.present.report_sections import sensitivity_section

    res = _sens(out=tmp_path, name="s")
    m = res.morris.set_index(["kpi", "input"])["mu_star"]
    # a straight line: the change over the whole range, 5 points x 8 hours, 1 child x 15
    assert m[("assessment_within_45wd_pct", HOURS)] == pytest.approx(40.0, rel=1e-9)
    assert m[("unallocated_mean", REFERRALS)] == pytest.approx(15.0, rel=1e-9)
    assert m[("assessment_within_45wd_pct", REFERRALS)] == pytest.approx(0.0, abs=1e-9)
    # the tornado's swing (5% to 95%: 90% of the range) is 0.9 of it
    t = res.tornado.set_index("input")
    assert t.loc[HOURS, "swing"] == pytest.approx(0.9 * 40.0)
    words = "per the input's whole range (lowest to highest value), from moves of one input"
    info = (tmp_path / "s" / "result.json").read_text()
    assert words in info
    assert words in sensitivity_section(load_sensitivity(tmp_path / "s"))
    _toy_command(monkeypatch)
    code = main(["sensitivity", "scenarios/baseline.yaml", "--trajectories", "2", "--sobol-top",
                 "2", "--sobol-n", "2", "-r", "1", "--years", "1", "--executor", "serial",
                 "--no-progress", "--out", str(tmp_path / "cli")])
    said = " ".join(capsys.readouterr().out.split())
    assert code == 0
    assert (f"Morris effect: the average size of the change in the measure {words} at a time, "
            "in assessments finished within 45 working days (percentage points)") in said
    assert "a step of its range" not in said


# ------------------------------------------------------------------ 4. a KPI with no value
def test_a_kpi_with_no_value_anywhere_is_refused_in_words():
    with pytest.raises(UserError) as err:
        _sens(kpi_name=VISITS, years=0.02)
    said = str(err.value)
    assert said.startswith(f"{VISITS} (child protection visits made on time) has no value over "
                           f"0.02 years at any of the 12 sample points")
    assert "Simulate more years (--years)" in said and "--kpi" in said


def test_the_command_says_so_in_one_line(tmp_path, monkeypatch, capsys):
    _toy_command(monkeypatch)
    code = main(["sensitivity", "scenarios/baseline.yaml", "--kpi", VISITS, "--years", "0.02",
                 "--trajectories", "2", "--sobol-top", "2", "--sobol-n", "2", "-r", "1",
                 "--executor", "serial", "--no-progress", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and "IntCastingNaNError" not in err
    assert f"{VISITS} (child protection visits made on time) has no value over 0.02 years" in err


def test_a_kpi_with_a_value_at_some_points_is_analysed_and_the_gaps_said():
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        res = _sens(kpi_name=VISITS, years=1)
    said = [str(w.message) for w in got if issubclass(w.category, UserWarning)]
    gaps = [s for s in said if s.startswith(f"{VISITS} (child protection visits made on time) "
                                             "has no value at ")]
    assert gaps and "of the 12 points of the Morris screening" in gaps[0]
    assert "its effects are understated" in gaps[0]
    m = res.morris[res.morris["kpi"] == VISITS]
    assert m["mu_star"].notna().all() and sorted(m["rank"]) == [1, 2]
    assert res.top(1) == [HOURS]


def test_another_kpi_with_no_value_is_left_out_and_said():
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        res = _sens(also=("unallocated_mean", VISITS), years=0.02)
    said = [str(w.message) for w in got if issubclass(w.category, UserWarning)]
    assert any(s.startswith(f"{VISITS} (child protection visits made on time) has no value over "
                            "0.02 years at any sample point: it is left out") for s in said)
    assert set(res.morris["kpi"]) == {"assessment_within_45wd_pct", "unallocated_mean"}
    assert res.kpis == ("assessment_within_45wd_pct", "unallocated_mean")
    assert len(res.sobol) == 4


# ------------------------------------------------------------------ 6. Sobol and the inputs
def test_sobol_for_one_input_is_refused(tmp_path, capsys):
    with pytest.raises(UserError, match="Sobol indices need at least two inputs"):
        _sens(sobol_top=1)
    code = main(["sensitivity", "scenarios/baseline.yaml", "--sobol-top", "1",
                 "--no-progress", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and "--sobol-top" in err and "give 2 or more, or 0 for none (got 1)" in err


def test_too_few_inputs_names_the_file_and_its_uncertain_block(tmp_path, capsys):
    path = tmp_path / "one.yaml"
    path.write_text(f"base: {Path('scenarios/baseline.yaml').resolve()}\nname: One uncertain\n"
                    "uncertain:\n"
                    f"  {REFERRALS}: {{dist: uniform, low: 5000, high: 7500}}\n",
                    encoding="utf-8")
    code = main(["sensitivity", str(path), "--no-progress", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert str(path) in err and "its uncertain: block has 1 input (demand.referrals_per_year)" \
        in err and "add another input with its range to the uncertain: block" in err


def test_a_high_end_off_the_steps_is_said():
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        r = parse_lever_range("academy_intake_per_year=0:40:15")
        parse_lever_range("agency_cover_pct=0:100:5")
    said = [str(w.message) for w in got]
    assert r.values() == 3 and r.snap(40) == 30
    assert said == ["lever range 'academy_intake_per_year=0:40:15': 40 is not a whole number of "
                    "steps of 15 from 0, so the highest value tried is 30"]
