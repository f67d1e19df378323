"""Session 16's mends from the helpers' reports: compare's printed range says on which side of
zero an end lies that shows as zero, as page one does; a measure no pair of runs had reads "no
value to compare", not "not enough runs to tell"; the looked-after children's stability, a
measure "in a year", is n/a over less than one."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from workbench import load_scenario, simulate
from workbench.analysis.registry import kpi
from workbench.cli.compare import format_comparison
from workbench.scenario.catalog import PACKAGE_ROOT


@pytest.fixture(scope="module")
def short_experiment():
    """The baseline over 0.1 years (36.525 days: five weeks and 1.5 days), twice."""
    from workbench.experiment import run_experiment

    sc = load_scenario(PACKAGE_ROOT / "scenarios" / "baseline.yaml")
    return run_experiment({"Baseline": sc}, replications=2, seed=5, years=0.1,
                          executor="serial", out=None, progress=False)


def _row(name: str, low: float, high: float, diff: float, n: int = 5) -> dict:
    return {"scenario": "Option", "kpi": name, "baseline_mean": 10.0, "variant_mean": 10.0 + diff,
            "difference": diff, "ci_low": low, "ci_high": high,
            "half_width": (high - low) / 2, "n": n, "sd_difference": 0.1}


def _line(table: str, label: str) -> str:
    return next(line for line in table.splitlines() if line.startswith(label))


def test_compare_says_on_which_side_of_zero_a_range_ends():
    label = kpi("unallocated_mean").label
    # children are shown whole: a range from -1.4 to -0.4 and one from -1.4 to +0.2 both
    # showed "[-1, -0]" or "[-1, +0]", one better and one no clear change
    below = format_comparison(pd.DataFrame([_row("unallocated_mean", -1.4, -0.4, -0.9)]),
                              "Option", "Baseline")
    above = format_comparison(pd.DataFrame([_row("unallocated_mean", -1.4, 0.2, -0.6)]),
                              "Option", "Baseline")
    assert "[-1, just under 0]" in _line(below, label), below
    assert "[-1, just over 0]" in _line(above, label), above


def test_a_measure_no_run_had_reads_no_value_to_compare():
    nan = math.nan
    table = format_comparison(pd.DataFrame([_row("lac_3plus_sw_pct", nan, nan, nan, n=0)]),
                              "Option", "Baseline")
    assert _line(table, kpi("lac_3plus_sw_pct").label).rstrip().endswith("no value to compare")
    assert "not enough runs" not in table


def test_stability_in_a_year_is_not_measured_over_less_than_one():
    sc = load_scenario(PACKAGE_ROOT / "scenarios" / "baseline.yaml")
    short = simulate(sc, seed=2, years=0.25).kpis["lac_3plus_sw_pct"]
    assert math.isnan(short)
    # a year measured after a warm-up of half a year: the year after it, a share
    year = simulate(sc, seed=2, years=1.5, warmup_days=182.625).kpis["lac_3plus_sw_pct"]
    assert 0 < year < 100
    # a warm-up that leaves less than a year: n/a again
    assert math.isnan(simulate(sc, seed=2, years=1.0, warmup_days=30).kpis["lac_3plus_sw_pct"])


def test_optimise_refuses_a_stability_target_over_less_than_a_year(tmp_path, capsys):
    from workbench.cli.main import main

    code = main(["optimise", str(PACKAGE_ROOT / "scenarios" / "baseline.yaml"),
                 "--target", "lac_3plus_sw_pct<=20", "--years", "0.5",
                 "--out", str(tmp_path / "o")])
    assert code == 2
    err = capsys.readouterr().err
    assert "--target lac_3plus_sw_pct" in err and "give --years 1 or more" in err
    assert not (tmp_path / "o").exists()


def test_report_refuses_scenarios_on_different_calendars(tmp_path, capsys):
    from workbench.cli.main import main

    base = PACKAGE_ROOT / "scenarios" / "baseline.yaml"
    every_day = tmp_path / "every_day.yaml"
    every_day.write_text(f"base: {base}\nname: Every day\ncalendar: {{working_days: false}}\n",
                         encoding="utf-8")
    code = main(["report", str(base), str(every_day), "--out", str(tmp_path / "r.html")])
    assert code == 2
    err = capsys.readouterr().err
    assert "'Every day'" in err and "every_day.yaml" in err and "same calendar" in err, err
    assert not (tmp_path / "r.html").exists()


def test_report_says_each_scenarios_notes_before_it_runs(tmp_path, capsys):
    from workbench.cli.report import scenario_notes_said
    from workbench.scenario.load import load_scenario as load

    base = PACKAGE_ROOT / "scenarios" / "baseline.yaml"
    unnamed = tmp_path / "unnamed.yaml"
    unnamed.write_text(f"base: {base}\nacademy: {{intake_per_year: 16}}\n", encoding="utf-8")
    scenarios = {"Baseline": (load(base), base), "Baseline (unnamed)": (load(unnamed), unnamed)}
    scenario_notes_said(scenarios, 1.0)
    err = capsys.readouterr().err
    assert "note: Baseline (unnamed): name: unnamed.yaml gives no name" in err, err
    assert "note: Baseline:" not in err


def test_the_chart_of_changes_over_time_counts_the_last_weeks_days(short_experiment):
    """The chart's rate is the measure's, week by week: per child with a social worker, over
    the days of each week inside the run (a last week of 1.5 days was divided by 7 and by every
    open case, so each line fell in its last week)."""
    import matplotlib.pyplot as plt
    import numpy as np

    from workbench.present.plots import plot_sw_changes_over_time

    exp = short_experiment
    ts = exp.weekly_with_days()
    last = ts[ts.week == ts.week.max()]
    assert (last.days_in_run > 1.4).all() and (last.days_in_run < 1.6).all()
    held = last.open_total - last.unallocated
    expected = float(np.mean(last.sw_changes * 365.25 / last.days_in_run / held))
    fig = plot_sw_changes_over_time(exp, smooth_weeks=1)
    try:
        y = fig.axes[0].lines[0].get_ydata()
        assert y[-1] == pytest.approx(expected, rel=1e-9)
    finally:
        plt.close(fig)


def test_the_labelled_weekly_table_says_the_days_of_each_week_in_the_run(short_experiment):
    from workbench.present.export import export_tables

    weekly = export_tables(short_experiment)["Weekly"]
    days = weekly["Days of the week in the run (7, fewer for a last week cut short)"]
    assert list(days) == [7.0] * (len(days) - 1) + [1.5]   # 36.525 days: five weeks and 1.5


def test_a_template_without_a_name_is_not_called_the_template_template():
    from workbench.calibration.staff_roster import _the_template

    assert _the_template("template") == "the template"
    assert _the_template("") == "the template"
    assert _the_template("baseline.yaml") == "the template baseline.yaml"


def test_a_number_typed_as_a_spreadsheet_shows_it_is_told_how_to_write_it(tmp_path):
    """Cases30 '1,000', FTE '100%' and '0,5' were told only that they were not numbers (FTE's
    value not even shown); the message now says what is wrong with the shape, never the value."""
    from workbench.calibration.extracts import ExtractError, read_workforce

    lines = (PACKAGE_ROOT / "data" / "sample" / "workforce.csv").read_text().splitlines()[:6]
    head = lines[0].split(",")
    rows = [line.split(",") for line in lines[1:]]
    rows[0][head.index("Cases30")] = '"1,200"'
    rows[1][head.index("FTE")] = "100%"
    rows[2][head.index("FTE")] = '"0,5"'
    path = tmp_path / "workforce.csv"
    path.write_text("\n".join([lines[0], *(",".join(r) for r in rows)]) + "\n")
    with pytest.raises(ExtractError) as err:
        read_workforce(path)
    text = str(err.value)
    assert "row 2, column Cases30" in text and "write it without them (1000, not 1,000)" in text
    assert "row 3, column FTE" in text and "give it without the % sign" in text
    assert "row 4, column FTE" in text and "write a decimal point (0.5, not 0,5)" in text
    for r in rows[:3]:
        assert r[head.index("WorkerID")] not in text
