"""Round 12 (audit H64) of the pages people read: the scrutiny report, the app, the explorer and
the decision pages, tried with inputs the earlier rounds did not use. Each test failed on the
code before its fix. Synthetic inputs or scenario objects only: no simulation here."""

from __future__ import annotations

import pytest

from workbench.present.appendix import appendix_rows
from workbench.present.report_changes import describe_changes
from workbench.present.report_text import describe_value, number_words


# ------------------------------------------------------- D1: a change of spread or shape is said
@pytest.mark.parametrize("hours, said", [
    ({"dist": "lognormal", "mean": 9.5, "cv": 1.5},
     "coefficient of variation 0.6 → lognormal, 9.5 on average, coefficient of variation 1.5"),
    ({"dist": "gamma", "mean": 9.5, "cv": 0.6}, "→ gamma, 9.5 on average"),
])
def test_a_change_of_spread_or_shape_with_the_same_average_is_said(baseline, hours, said):
    variant = baseline.replace({"name": "Spread", "stages.assessment.work_hours": hours})
    [line] = describe_changes(baseline, variant)
    before, after = line.split(": ", 1)[1].split(" → ")
    assert before != after, line      # was "9.5 on average → 9.5 on average"
    assert said in line


def test_a_change_of_average_is_still_said_briefly(baseline):
    variant = baseline.replace({"name": "Longer", "stages.assessment.work_hours":
                                {"dist": "lognormal", "mean": 12, "cv": 0.6}})
    assert describe_changes(baseline, variant) == [
        "Assessment: hours of a worker's time it takes: 9.5 on average → 12 on average"]


# ------------------------------------------------- D2: numbers in full, never 1.23457e+06
def test_settings_are_said_in_full_never_rounded_or_in_scientific_notation(baseline):
    variant = baseline.replace({"name": "Dear", "academy.cost_per_place_gbp": 1234567,
                                "agency.cap_share_pct": 0.0001,
                                "stages.assessment.work_hours":
                                    {"dist": "lognormal", "mean": 123456.7, "cv": 0.6}})
    lines = describe_changes(baseline, variant)
    assert "Extra cost per academy place (GBP): 8,000 → 1,234,567" in lines   # was 1.23457e+06
    assert "Cap on agency staff (% of all social workers): none → 0.0001" in lines
    assert ("Assessment: hours of a worker's time it takes: 9.5 on average → 123,456.7 on average"
            in lines)                                                            # was 123457
    assert [number_words(v) for v in (6250, 2.0, 0.1, -1.5e-7, 1e21)] == [
        "6,250", "2", "0.1", "-0.00000015", "1,000,000,000,000,000,000,000"]


def test_the_appendix_shows_no_python_lists(baseline, tmp_path):
    from pathlib import Path

    rows = appendix_rows(Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml",
                         baseline)
    values = dict((name, value) for name, value, _ in rows)
    assert values["Referrals a year"] == "6,250"
    assert values["Assessment: waiting time whatever the workload (working days)"].startswith(
        "edges 2; 13; 31; 41; 45; 60; 90, probs 0.3;")       # was "edges [2.0, 13.0, ...]"
    assert not any("[" in v or "e+" in v for v in values.values())
    assert describe_value({"dist": "uniform", "low": 1.0, "high": 8.0}) == "low 1, high 8"


# ------------------------------------------- D3: a long name never squeezes a chart to a sliver
LONG_WORD = "Supercalifragilistic" * 10                                  # 200 characters, one word
LONG_WORDS = ("Academy expansion with international recruitment and a retention payment " * 3)[:200]


@pytest.fixture(scope="module")
def long_names(baseline):
    from test_report_round10 import experiment

    sc = {"Baseline": baseline,
          LONG_WORD: baseline.replace({"name": LONG_WORD, "academy.intake_per_year": 20}),
          LONG_WORDS: baseline.replace({"name": LONG_WORDS, "academy.intake_per_year": 24}),
          LONG_WORDS[:-1] + "!": baseline.replace({"name": LONG_WORDS[:-1] + "!",
                                                    "academy.intake_per_year": 28})}
    return experiment(sc, {LONG_WORD: {"unallocated_mean": -10}})


def _laid_out(fig) -> tuple[float, list[str]]:
    """How much wider than the figure its drawn contents are (1: they fit), and its texts."""
    import matplotlib.pyplot as plt

    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    wide = fig.get_tightbbox(r).width / fig.get_size_inches()[0]
    texts = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
    texts += [t.get_text() for ax in fig.axes for t in ax.texts]
    texts += [t.get_text() for lg in fig.legends + [ax.get_legend() for ax in fig.axes]
              if lg is not None for t in lg.get_texts()]
    texts += [ax.get_title(loc="left") for ax in fig.axes]
    plt.close(fig)
    return wide, texts


@pytest.mark.parametrize("chart", ["differences", "bars", "tradeoffs", "waiting", "workforce"])
def test_a_200_character_name_wraps_in_every_chart_and_names_stay_apart(long_names, chart):
    from workbench.present import plots
    from workbench.present.report_charts import plot_waiting_split

    exp = long_names
    exp.timeseries["unallocated"] = 1.0
    names = list(exp.scenarios)
    if chart == "workforce":
        for c in ("fte_experienced", "fte_nqsw", "fte_academy", "fte_agency", "vacancies_fte"):
            exp.timeseries[c] = 10.0
    fig = {"differences": lambda: plots.plot_paired_differences(exp, "Baseline"),
           "bars": lambda: plots.plot_kpi_bars(exp, "caseload_mean"),
           "tradeoffs": lambda: plots.plot_tradeoffs(exp),
           "waiting": lambda: plot_waiting_split(exp, names[:2], names[2:], LONG_WORD,
                                                  {names[2]: "Mine", names[3]: names[3]}),
           "workforce": lambda: plots.plot_workforce_mix_compare(exp)}[chart]()
    wide, texts = _laid_out(fig)
    assert wide < 1.05, f"the chart is {wide:.1f} times as wide as its figure"   # was 1.8-2.3
    shown = [t for t in texts if t.replace("\n", "").replace("…", "")[:10] in (
        LONG_WORD[:10], LONG_WORDS[:10], "Stress tes")]
    assert shown, texts
    for t in shown:
        lines = t.split("\n")
        assert len(lines) <= 3 and max(map(len, lines)) <= 32, t
    # two names differing only in their last character are told apart
    if chart != "waiting":
        assert len({t for t in shown if t.startswith("Academy")}) == 2, shown


# -------------------------------- D4: a scenario named as a column never overwrites that column
@pytest.fixture(scope="module")
def named_as_columns(baseline):
    from test_report_round10 import experiment

    sc = {"Reading": baseline.replace({"name": "Reading"}),
          "Measure": baseline.replace({"name": "Measure", "academy.intake_per_year": 20})}
    return experiment(sc, {"Measure": {"unallocated_mean": -10}})


def test_a_scenario_named_measure_or_reading_keeps_every_column(named_as_columns):
    from workbench.analysis.registry import kpi
    from workbench.present.tables import (kpi_comparison_table, kpi_difference_table,
                                          kpi_summary_table)

    exp = named_as_columns
    waiting = kpi("unallocated_mean").label
    summary = kpi_summary_table(exp)
    # the measures' names were replaced by the scenario "Measure"'s figures
    assert list(summary.columns) == ["Measure", "Reading", "Measure (scenario)"]
    row = summary.set_index("Measure").loc[waiting]
    assert row["Reading"].startswith("40 ") and row["Measure (scenario)"].startswith("30 ")
    both = kpi_comparison_table(exp, "Reading", "Measure").set_index("Measure").loc[waiting]
    # the starting scenario's average was replaced by the reading
    assert (both["Reading (scenario)"], both["Measure (scenario)"], both["Reading"]) == (
        "40", "30", "better")
    diff = kpi_difference_table(exp, "Reading")
    assert list(diff.columns) == ["Measure", "Measure (scenario)"] and waiting in set(diff.Measure)


# ------------------------ D5: an option named like a stress run is never replaced by that run
@pytest.mark.parametrize("name", ["Cheap under surge", "cheap  UNDER surge"])
def test_an_option_named_like_a_stress_run_keeps_its_own_scenario(baseline, name):
    from workbench.present.report_design import changed_fields, report_design

    sc = {"Baseline": baseline,
          "Cheap": baseline.replace({"name": "Cheap", "agency.cap_share_pct": 5}),
          name: baseline.replace({"name": name, "academy.intake_per_year": 20}),
          "Surge": baseline.replace({"name": "Surge", "demand.trend_pct_per_year": 10})}
    design = report_design(sc)
    assert design.options == ["Cheap", name]
    # the option itself, not "Cheap" under the surge (which took its place and its name)
    assert changed_fields(baseline, design.scenarios[name]) == {
        "academy.intake_per_year": 20}
    under = design.stress["Surge"]["Cheap"]
    assert under == "Cheap under surge (stress test)"
    assert design.scenarios[under].name == under
    assert changed_fields(baseline, design.scenarios[under]) == {
        "agency.cap_share_pct": 5.0, "demand.trend_pct_per_year": 10.0}
    assert len(design.scenarios) == 6


# ------------------------------ D6: the plan's confidence is never said higher than it was set
@pytest.mark.parametrize("confidence, said", [(0.999, "at least 99.9% confident"),
                                              (0.975, "at least 97.5% confident"),
                                              (0.9, "at least 90% confident")])
def test_the_plan_says_its_confidence_never_rounded_up(confidence, said):
    from test_decision_optimise import toy_optimise

    from workbench.decision.targets import confidence_text

    res = toy_optimise(confidence=confidence, max_trials=6, confirm_replications=6)
    assert res.chosen is not None
    assert said in res.statement()      # was "at least 100% confident", "at least 98%"
    assert "100%" not in res.statement()
    assert confidence_text(0.99975, 2) == "99.97%" and confidence_text(0.5) == "50%"


# --------------------- D7: beside a scenario with no value, the starting one keeps its average
def test_the_starting_scenarios_average_is_shown_beside_a_scenario_with_no_value(baseline):
    from test_report_round10 import experiment

    from workbench.analysis.registry import kpi
    from workbench.present.tables import kpi_comparison_table

    sc = {"Baseline": baseline,
          "Nobody": baseline.replace({"name": "Nobody", "academy.intake_per_year": 20})}
    exp = experiment(sc, {})
    exp.kpis.loc[exp.kpis.scenario == "Nobody", "caseload_mean"] = float("nan")
    row = kpi_comparison_table(exp, "Baseline", "Nobody").set_index("Measure").loc[
        kpi("caseload_mean").label]
    own = kpi("caseload_mean").format(exp.kpis.loc[exp.kpis.scenario == "Baseline",
                                                   "caseload_mean"].mean())
    assert (row["Baseline"], row["Nobody"], row["Difference"]) == (own, "n/a", "n/a")  # was n/a


# --------------------------------------------- D8: the appendix names each setting once, in words
def test_the_appendix_names_a_top_level_setting_once_and_the_checkpoints_in_words(baseline):
    from pathlib import Path

    from workbench.present.appendix import plain_name

    assert plain_name("start_date") == "Start date"          # was "Start date: start date"
    assert plain_name("base") == "The scenario file it builds on"   # was "Base: base"
    names = [n for n, _, _ in appendix_rows(
        Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml", baseline)]
    assert "Assessment: managers' checkpoints (working days on the stage's clock)" in names
    assert not any(n.endswith((" wd", " factor")) for n in names), names   # "checkpoints wd"


# -------------------------------------- D9: one input, one plan: never "each of 1 ... inputs"
def test_the_decision_charts_text_says_one_input_and_one_plan_in_words():
    import pandas as pd
    from types import SimpleNamespace

    from workbench.decision.charts import frontier_alt, tornado_alt

    sens = SimpleNamespace(kpi="assessment_within_45wd_pct", tornado=pd.DataFrame(
        {"label": ["assessment hours"], "kpi_low": [85.0], "kpi_high": [70.0],
         "kpi_base": [80.0]}))
    text = tornado_alt(sens)
    assert "each of 1" not in text and "with its one uncertain input at the low" in text
    from workbench.decision.targets import parse_target

    t = parse_target("assessment_within_45wd_pct>=75")
    plan = SimpleNamespace(targets=[t], trials=pd.DataFrame({"x": [1]}), chosen=None,
                           candidates=pd.DataFrame(), frontier=pd.DataFrame(
                               {"cost_mean": [1e6], "assessment_within_45wd_pct_mean": [80.0]}))
    text = frontier_alt(plan)
    assert "each of the 1 plans" not in text and "of the one plan the search tried" in text


# ---------------------- D10: the neighbours' sentences compare figures as they are shown
def _neighbour_view(values: dict):
    import pandas as pd

    from workbench.present.neighbours import NeighbourView, compared_measures

    rows = [{"measure": compared_measures()[0], "authority": who, "year": 2024, "value": v}
            for who, v in values.items()]
    return NeighbourView("Here", tuple(w for w in values if w not in ("Here", "England")),
                         pd.DataFrame(), pd.DataFrame(rows), "x")


def test_a_figure_shown_the_same_is_never_called_higher():
    from workbench.present.neighbours import alt_neighbours, differences

    # was "re-referral rate of 16.2% ... is higher than all 3 neighbours' and England's 16.2%"
    assert differences(_neighbour_view({"Here": 16.21, "N1": 16.18, "N2": 14.0, "N3": 15.0,
                                        "England": 16.2})) == []
    # was "0.3% ... is higher than England's 0.3%"
    assert differences(_neighbour_view({"Here": 0.33, "N1": 0.2, "N2": 0.5,
                                        "England": 0.3})) == []
    # was "30.0% is higher than all 3 neighbours'" beside a neighbour's 30.0%
    view = _neighbour_view({"Here": 30.04, "N1": 29.98, "N2": 20, "N3": 25, "England": 20})
    [said] = differences(view)
    assert "all 3 neighbours" not in said and "(its 3 neighbours: 20.0% to 30.0%)" in said
    assert "is the highest of the group on 0 measures" in alt_neighbours(view)


# ------------------ D11: a range ending just below zero never reads the same as one just above
def test_a_range_ending_near_zero_says_on_which_side():
    from workbench.analysis.registry import kpi
    from workbench.present.report_page_one import Difference

    k = kpi("caseload_mean")
    clear = Difference(k, -0.1, -0.16, -0.04, 20.0, runs=4, sd=0.05)
    unclear = Difference(k, -0.1, -0.22, 0.02, 20.0, runs=4, sd=0.1)
    assert (clear.reading, unclear.reading) == ("better", "no clear change")
    # both read "(95% range -0.2 to 0.0)" beside "better" and "no clear change"
    assert clear.range_text() == " (95% range -0.2 to just under 0.0)"
    assert unclear.range_text() == " (95% range -0.2 to just over 0.0)"
    pct = Difference(kpi("assessment_within_45wd_pct"), 0.3, 0.03, 0.6, 80.0, runs=4, sd=0.2)
    assert pct.range_text() == " (95% range just over 0.0 to +0.6 pts)"


def test_the_comparison_tables_say_on_which_side_of_zero_a_range_ends(named_as_columns):
    from workbench.present.tables import kpi_comparison_table, kpi_difference_table

    import dataclasses

    from workbench.analysis.registry import kpi

    exp = dataclasses.replace(named_as_columns, kpis=named_as_columns.kpis.copy())
    col = exp.kpis.scenario == "Measure"
    base = exp.kpis.loc[exp.kpis.scenario == "Reading", "caseload_mean"].to_numpy()
    exp.kpis.loc[col, "caseload_mean"] = base - [0.07, 0.1, 0.13]   # its range ends at -0.03

    label = kpi("caseload_mean").label
    row = kpi_comparison_table(exp, "Reading", "Measure").set_index("Measure").loc[label]
    assert row["95% CI of the difference"] == "-0.2 to just under 0.0", row
    cell = kpi_difference_table(exp, "Reading").set_index("Measure").loc[label].iloc[0]
    assert "to just under 0.0), better" in cell, cell


# ------------------------------------------- D12: a short period is said to the day, not the month
def test_a_short_period_is_said_to_the_day(baseline):
    from workbench.present.tables import period_text

    # was "October 2017 to November 2017" for 18 days from 31 October
    assert period_text(baseline, 0.05) == "31 October 2017 to 18 November 2017"
    january = baseline.replace({"start_date": "2018-01-01"})
    assert period_text(january, 0.04) == "1 January 2018 to 15 January 2018"   # was Jan to Jan
    assert period_text(baseline, 2) == "October 2017 to October 2019"
    assert period_text(baseline, 0.5, warmup_days=70) == "January 2018 to May 2018"


# ------------------------------ D13: a warm-up under a fortnight is said in days, never 0 weeks
# (round 16, H89: the dates without a leading zero, "3 November 2017", as the report's others)
@pytest.mark.parametrize("days, said", [(3, "The first 3 days (to 3 November 2017)"),
                                        (1, "The first 1 day (to 1 November 2017)"),
                                        (10, "The first 10 days"), (70, "The first 10 weeks")])
def test_a_short_warmup_is_said_in_days(baseline, days, said):
    from workbench.present.report_design import Warmup

    text = Warmup(days, "given").sentence(baseline.start_date)
    assert said in text and " 0 weeks" not in text and " 1 weeks" not in text   # was "0 weeks"


# ---------------- D14: a saved result's numbers are checked before the report says them
@pytest.fixture(scope="module")
def saved_plan(tmp_path_factory):
    import json

    from test_decision_optimise import toy_optimise

    out = tmp_path_factory.mktemp("plan")
    toy_optimise(max_trials=6, confirm_replications=6).save(out)
    return out, json.loads((out / "result.json").read_text())


@pytest.mark.parametrize("change, said", [
    ({"replications": 0}, "'replications' must be a whole number at least 1 (got 0)"),
    ({"confirm_replications": 2.7}, "'confirm_replications' must be a whole number"),
    ({"years": float("nan")}, "'years' must be a number at least 0.02 and at most 30 or null"),
    ({"confidence": float("nan")}, "'confidence' must be a number at least 0.5 and below 1"),
    ({"seed": "x"}, "'seed' must be a whole number at least 0 (got 'x')"),   # was a ValueError
])
def test_a_plan_file_edited_by_hand_is_refused_naming_the_field(saved_plan, tmp_path, change,
                                                                said):
    import json
    import shutil

    from workbench.decision import load_result
    from workbench.errors import UserError

    folder, info = saved_plan
    copy = tmp_path / "plan"
    shutil.copytree(folder, copy)
    (copy / "result.json").write_text(json.dumps({**info, **change}))
    # the report said "Each plan tried was simulated 0 times" and "over nan years"
    with pytest.raises(UserError) as err:
        load_result(copy)
    assert str(err.value).startswith(f"{copy / 'result.json'}: ") and said in str(err.value)
    assert "`workbench optimise --out`" in str(err.value)
    assert load_result(folder).replications == info["replications"]   # the file as written


@pytest.fixture(scope="module")
def saved_sensitivity(tmp_path_factory):
    """A small sensitivity analysis on the toy model, saved once; each test edits a copy."""
    from test_decision_sensitivity import _run

    out = tmp_path_factory.mktemp("sens")
    _run(trajectories=2, sobol_top=0, tornado_top=2).save(out)
    return out


def _copy_of(folder, tmp_path):
    import shutil

    return shutil.copytree(folder, tmp_path / folder.name)


def test_a_sensitivity_file_edited_by_hand_is_refused(saved_sensitivity, tmp_path):
    import json

    from workbench.decision.sensitivity import load_sensitivity
    from workbench.errors import UserError

    tmp_path = _copy_of(saved_sensitivity, tmp_path)
    info = json.loads((tmp_path / "result.json").read_text())
    for change in ({"years": float("nan")}, {"replications": "x"}):
        (tmp_path / "result.json").write_text(json.dumps({**info, **change}))
        with pytest.raises(UserError, match="must be"):
            load_sensitivity(tmp_path)
    (tmp_path / "result.json").write_text("[1, 2]")     # was an AttributeError
    with pytest.raises(UserError, match="not a sensitivity analysis's result"):
        load_sensitivity(tmp_path)


@pytest.mark.parametrize("file, column, value, said", [
    ("morris.csv", "rank", None, "row 2, column 'rank': expected a whole number of at least 1 "
                                 "(got a blank cell)"),          # was IntCastingNaNError
    ("morris.csv", "mu_star", "abc", "column 'mu_star': expected a number"),   # was TypeError
    ("morris.csv", "mu_star", -5.0, "(got -5)"),      # was "hardly changed over the ranges"
    ("morris.csv", "input", None, "column 'input': expected a name"),   # was "depends on nan"
    ("morris.csv", "kpi", "nonsense", "no rows for 'assessment_within_45wd_pct'"),
    ("tornado.csv", "kpi_low", "abc", "column 'kpi_low': expected a number or blank"),
    ("tornado.csv", "label", None, "column 'label': expected a name"),
])
def test_a_sensitivity_table_edited_by_hand_is_refused_naming_row_and_column(
        saved_sensitivity, tmp_path, file, column, value, said):
    import pandas as pd

    from workbench.decision.sensitivity import load_sensitivity
    from workbench.errors import UserError

    tmp_path = _copy_of(saved_sensitivity, tmp_path)
    df = pd.read_csv(tmp_path / file)
    df[column] = value
    df.to_csv(tmp_path / file, index=False)
    with pytest.raises(UserError) as err:
        load_sensitivity(tmp_path)
    assert str(err.value).startswith(f"{tmp_path / file}: ") and said in str(err.value)


@pytest.mark.parametrize("file, column, value, said", [
    ("trials.csv", "cost_mean", "abc", "row 2, column 'cost_mean': expected a number or blank"),
    ("trials.csv", "on_frontier", "maybe", "column 'on_frontier': expected True or False"),
    ("candidates.csv", "cost_mean", "abc", "column 'cost_mean': expected a number"),
    ("candidates.csv", "cost_mean", None, "column 'cost_mean': expected a number of at least 0 "
                                          "(got a blank cell)"),   # was "cost of n/a"
    ("candidates.csv", "chosen", "no", "column 'chosen': expected True or False (got 'no')"),
])
def test_a_plan_table_edited_by_hand_is_refused_naming_row_and_column(saved_plan, tmp_path,
                                                                      file, column, value, said):
    import shutil

    import pandas as pd

    from workbench.decision import load_result
    from workbench.errors import UserError

    folder, _ = saved_plan
    copy = tmp_path / "plan"
    shutil.copytree(folder, copy)
    df = pd.read_csv(copy / file, dtype={"plan": str})
    df[column] = value
    df.to_csv(copy / file, index=False)
    with pytest.raises(UserError) as err:      # a TypeError, or "no" and "maybe" read as True
        load_result(copy)
    assert str(err.value).startswith(f"{copy / file}: ") and said in str(err.value)


# ------------------------- D15: an address the computer does not have is said, not "no free port"
@pytest.mark.parametrize("host", ["bad host", "10.9.9.9"])
def test_an_address_the_app_cannot_listen_on_is_said(host):
    from workbench.errors import UserError
    from workbench.present.app_server import free_port

    with pytest.raises(UserError) as err:
        free_port(host)
    said = str(err.value)
    assert said.startswith(f"--host {host}: this computer cannot listen on that address (")
    assert "127.0.0.1" in said and "no free port" not in said        # was "no free port on ..."


def test_an_address_with_a_port_given_is_said_before_the_server_starts(capsys):
    from workbench.cli.main import main

    # was http.client.InvalidURL's traceback, after Voila had been started
    assert main(["app", "--no-browser", "--no-preheat", "--host", "bad host",
                 "--port", "8999"]) == 2
    err = capsys.readouterr().err
    assert "--host bad host: this computer cannot listen on that address" in err
    assert "Traceback" not in err


# ----------------------------------------- D16: a price under a pound is never "£0 a year per"
def test_a_price_under_a_pound_is_not_called_nothing():
    from workbench.analysis.registry import kpi
    from workbench.present.report_page_one import Difference, OptionResult

    waiting = Difference(kpi("unallocated_mean"), -20000.0, -21000.0, -19000.0, 30000.0, 4, 500)
    cost = Difference(kpi("cost_per_year_gbp"), 5000.0, 5000.0, 5000.0, 1e7, 4, 0.0)
    cost.low = cost.high = float("nan")        # the same in every run
    r = OptionResult("o", "Option", {"unallocated_mean": waiting, "cost_per_year_gbp": cost})
    assert r.unit_costs() == ["£0.25 a year per child fewer waiting"]     # was "£0 a year"


def test_a_sobol_table_edited_by_hand_is_refused(tmp_path):
    import pandas as pd

    from test_decision_sensitivity import _run

    from workbench.decision.sensitivity import load_sensitivity
    from workbench.errors import UserError

    _run(trajectories=2, sobol_top=2, sobol_n=8, tornado_top=2).save(tmp_path)
    df = pd.read_csv(tmp_path / "sobol.csv")
    df["ST"] = "abc"                     # the report stopped with a ValueError of its format
    df.to_csv(tmp_path / "sobol.csv", index=False)
    with pytest.raises(UserError, match=r"sobol.csv: row 2, column 'ST': expected a number"):
        load_sensitivity(tmp_path)
