"""Round 7 (read-only audit) of the report, the app and the results: a saved scenario's extra
recruitment covers its own horizon (D1); a run too short for the MSER-5 warm-up check says so
(D6); a report of the baseline alone (D7); scenario names keep their case in the prose (D8);
intervals from two replications, "1 time", and differences of percentages (D16)."""

from __future__ import annotations

import shutil

import pytest

from workbench.decision.levers import build_scenario
from workbench.present.app import App
from workbench.scenario import load_scenario

from conftest import SCENARIOS


# --------------------------------------------------------------------------- D1: saving in the app
@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("r7") / "scenarios"
    folder.mkdir()
    shutil.copy(SCENARIOS / "baseline.yaml", folder / "baseline.yaml")
    a = App(scenarios_dir=folder, executor="serial", replications=2, years=2.0, seed=1)
    yield a
    a.close()


def test_a_saved_scenarios_extra_recruits_cover_its_own_horizon_not_the_apps_years(app):
    base = load_scenario(app.scenarios_dir / "baseline.yaml")
    assert float(app.years.value) < base.horizon_years  # the app shows fewer years than the file
    app.reset()
    app.set_levers(extra_recruits_per_year=12)
    path = app.save("Twelve more a year")
    saved = load_scenario(path)
    assert saved.horizon_years == base.horizon_years
    expected = build_scenario(base, app.levers(), name="Twelve more a year")
    assert ([c.model_dump() for c in saved.recruitment.campaigns]
            == [c.model_dump() for c in expected.recruitment.campaigns])
    extra = [c for c in saved.recruitment.campaigns if c.name.startswith("Extra recruits")]
    end = max(c.end_date for c in extra)
    # the last campaign ends at the horizon (within a month), not two years in
    assert (end - base.start_date).days > (base.horizon_years - 1 / 12) * 365.25 - 2
    assert sum(c.hires for c in extra) == pytest.approx(12 * base.horizon_years, abs=1)


# --------------------------------------------------------------------------- a synthetic experiment
def _experiment(scenarios: dict, values: dict, n: int):
    """An Experiment whose KPI ``k`` of scenario ``s`` in replication ``i`` is values[s][k][i]
    (no simulation: the numbers are the test's own)."""
    import pandas as pd

    from workbench.experiment.results import Experiment

    names = tuple(next(iter(values.values())))
    rows = [{"scenario": lb, "scenario_name": sc.name, "digest": "d", "replication": i, "seed": i,
             **{k: float(values[lb][k][i]) for k in names}}
            for lb, sc in scenarios.items() for i in range(n)]
    ts = pd.DataFrame([{"scenario": lb, "replication": i, "date": "2018-01-01", "week": 0,
                        "t_days": 7, "unallocated": 1.0} for lb in scenarios for i in range(n)])
    return Experiment(scenarios=dict(scenarios), digests={k: "d" for k in scenarios}, seed=1,
                      replications=n, years=1, warmup_days=0, kpis=pd.DataFrame(rows),
                      timeseries=ts, failures=pd.DataFrame(columns=["scenario"]), kpi_names=names)


PAGE = ("assessment_within_45wd_pct", "unallocated_mean", "caseload_mean",
        "sw_changes_per_child_year", "cost_per_year_gbp")


def _values(n: int, shift: float = 0.0, seed: int = 0) -> dict:
    import numpy as np

    rng = np.random.default_rng(seed)
    base = {"assessment_within_45wd_pct": 80.0, "unallocated_mean": 40.0, "caseload_mean": 21.0,
            "sw_changes_per_child_year": 1.2, "cost_per_year_gbp": 15e6}
    return {k: v + shift + rng.normal(0, abs(v) * 0.02, n) for k, v in base.items()}


# --------------------------------------------------------------------------- D6: short runs
def _short_weekly(weeks: int, reps: int = 2):
    import numpy as np
    import pandas as pd

    return pd.DataFrame([{"scenario": "pilot", "replication": r, "seed": r, "week": w,
                          "t_days": 7.0 * w, "unallocated": float(np.sin(w) + r)}
                         for r in range(reps) for w in range(weeks)])


def test_a_series_too_short_for_mser_warns_nothing_and_is_not_a_zero_warmup():
    import math
    import warnings

    from workbench.analysis.stats import warmup_diagnostic

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # before: a UserWarning reached the terminal
        diag = warmup_diagnostic(_short_weekly(16), "unallocated")
    assert diag.too_short == {"pilot": 16} and diag.suggestions.empty
    assert math.isnan(diag.suggested_warmup_days)  # before: 0.0, as if MSER found none
    # a long enough series is judged as before
    long = warmup_diagnostic(_short_weekly(40), "unallocated")
    assert long.too_short == {} and not math.isnan(long.suggested_warmup_days)


def test_a_report_warmup_on_a_short_run_says_the_run_was_too_short(baseline):
    import warnings

    from workbench.present.report_design import Warmup, choose_warmup

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        w = choose_warmup(baseline, replications=2, seed=1, years=0.3, executor="serial")
    assert w.basis == "too_short" and w.days == 0
    text = w.sentence(baseline.start_date)
    assert "too short for the MSER-5 warm-up check" in text and "no warm-up left out" in text
    assert "found no start-up effect" not in text
    # the check that ran and found nothing still says so
    assert "found no start-up effect" in Warmup(0.0, "mser").sentence(baseline.start_date)


@pytest.fixture(scope="module")
def short_report(tmp_path_factory):
    """`workbench report` of the baseline alone over 0.3 years (about 16 weeks), 2 runs."""
    import subprocess
    import sys
    from pathlib import Path

    out = tmp_path_factory.mktemp("short") / "report.html"
    exe = Path(sys.executable).with_name("workbench")
    done = subprocess.run([str(exe), "report", str(SCENARIOS / "baseline.yaml"), "--years", "0.3",
                           "--replications", "2", "--executor", "serial", "--out", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return out.read_text(encoding="utf-8"), done.stderr


def _visible(page: str) -> str:
    import html
    import re

    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_short_report_says_the_run_was_too_short_and_prints_no_warning(short_report):
    page, err = short_report
    assert "UserWarning" not in err and "warnings.warn" not in err and "results.py" not in err
    text = _visible(page)
    assert "too short for the MSER-5 warm-up check" in text
    assert "found no start-up effect" not in text


# --------------------------------------------------------------------------- D7: the baseline alone
def test_the_report_of_the_baseline_alone_compares_no_zero_options(short_report):
    text = _visible(short_report[0])
    assert "compared 0" not in text and "0 options" not in text
    assert "There are no options in this paper: it shows the baseline alone" in text
    assert "against the baseline: ." not in text and "No option is clearly better" not in text
    assert "Option (ranked)" not in text  # no empty ranked table


def test_chair_sentences_for_the_baseline_alone_and_for_one_option(baseline):
    from workbench.present.report_design import report_design
    from workbench.present.report_page_one import chair_sentences

    alone = {"Baseline": baseline}
    design = report_design(alone)
    lines = chair_sentences(_experiment(alone, {"Baseline": _values(4)}, 4), design)
    assert lines[0] == ("There are no options in this paper: it shows the baseline alone, "
                        "simulated 4 times on different chance events.")
    assert not any("option is clearly" in s or "difference" in s for s in lines)
    # a baseline and a pressure, no option: the stress test, without "no option offsets it"
    sc = {"Baseline": baseline,
          "Surge": baseline.replace({"name": "Surge", "demand.trend_pct_per_year": 10})}
    design = report_design(sc)
    assert design.options == [] and design.pressures == ["Surge"]
    exp = _experiment(sc, {"Baseline": _values(4), "Surge": _values(4, 5.0, seed=1)}, 4)
    lines = chair_sentences(exp, design)
    assert any(s.startswith("The stress test, Surge,") for s in lines)
    assert not any("no option clearly offsets" in s for s in lines)


# --------------------------------------------------------------------------- D8: names keep their case
NAME, PRESSURE, OPTION = "Grow Our Own Academy", "NHS Winter Surge", "Kirklees Recruitment Drive"


@pytest.fixture(scope="module")
def named(baseline):
    from workbench.present.report_design import report_design

    sc = {NAME: baseline.replace({"name": NAME}),
          OPTION: baseline.replace({"name": OPTION, "academy.intake_per_year": 24}),
          PRESSURE: baseline.replace({"name": PRESSURE, "demand.trend_pct_per_year": 10})}
    design = report_design(sc)
    values = {lb: _values(4, 3.0 * i, seed=i) for i, lb in enumerate(design.scenarios)}
    return _experiment(design.scenarios, values, 4), design


def test_scenario_names_keep_their_case_in_the_reports_prose(named, monkeypatch):
    from workbench.present import plots, report_sections
    from workbench.present.report_design import Warmup
    from workbench.present.report_page_one import chair_sentences, ranked_table, stress_table
    from workbench.present.tables import isolate

    exp, design = named
    assert design.baseline == NAME and design.pressures == [PRESSURE]
    r = report_sections.Report(exp, {}, design, Warmup(0.0, "given"))
    seen = {}

    def plot(*a, title="", **k):
        seen["title"] = title
        raise RuntimeError("no chart needed")

    monkeypatch.setattr(plots, "plot_paired_differences", plot)
    with pytest.raises(RuntimeError):
        report_sections.differences_section(r)
    texts = {"chair": " ".join(chair_sentences(exp, design)),
             "ranked": ranked_table(exp, design),
             "stress": " ".join(stress_table(exp, design, PRESSURE)),
             "intro": report_sections.about_section(r), "chart title": seen["title"]}
    for where, text in texts.items():
        for name in (NAME, PRESSURE, OPTION):
            assert name.lower() not in text, (where, name)  # before: "the grow our own academy"
    assert f"with the {isolate(NAME)}, each" in texts["chair"]
    assert f"The stress test, {isolate(PRESSURE)}," in texts["chair"]
    assert f"against the {isolate(NAME)}" in texts["intro"]
    assert f"against the {isolate(NAME)}:" in texts["ranked"]
    assert f"against the {isolate(NAME)}" in texts["stress"]
    assert texts["chart title"] == f"Each option against the {NAME}"


def test_a_stress_label_lowers_only_a_plain_sentence_case_name():
    from workbench.present.report_design import stress_label

    assert stress_label("Academy", "Demand surge") == "Academy under demand surge"
    assert stress_label("Academy", NAME) == f"Academy under {NAME}"
    assert stress_label("Academy", "NHS strike") == "Academy under NHS strike"
    assert stress_label("Academy", "Demand Surge") == "Academy under Demand Surge"


# --------------------------------------------------------------------------- D16: intervals, "1 times"
def test_values_all_the_same_have_no_interval_not_a_zero_width_one(baseline):
    import math

    sc = {"Baseline": baseline, "Option": baseline.replace({"name": "Option"})}
    same = {k: [v[0]] * 2 for k, v in _values(2).items()}
    plus3 = {k: [v[0] + 3.0] * 2 for k, v in _values(2).items()}
    exp = _experiment(sc, {"Baseline": same, "Option": plus3}, 2)
    s = exp.summary().set_index(["scenario", "kpi"]).loc[("Baseline", "caseload_mean")]
    assert s["sd"] == 0 and math.isnan(s["half_width"])  # before: 0 (an "exact" interval)
    assert math.isnan(s["ci_low"]) and math.isnan(s["ci_high"]) and s["mean"] == same["caseload_mean"][0]
    for paired in (True, False):
        c = exp.compare("Baseline", paired=paired).set_index("kpi").loc["caseload_mean"]
        assert c["difference"] == pytest.approx(3.0)
        assert math.isnan(c["ci_low"]) and math.isnan(c["ci_high"]), paired  # before: 3.0 to 3.0
        assert not c["significant"], paired  # before: "clearly" different on two equal pairs
    # identical runs (an option that changes nothing): no change in any run, not "too few runs"
    twin = _experiment(sc, {"Baseline": same, "Option": same}, 2)
    c = twin.compare("Baseline").set_index("kpi").loc["caseload_mean"]
    assert (c["difference"], c["ci_low"], c["ci_high"], c["significant"]) == (0, 0, 0, False)
    from workbench.present.report_page_one import option_results

    d = option_results(twin, "Baseline", ["Option"])[0].differences["caseload_mean"]
    # session 18: "no change in any run" (was "no clear change", as if the runs disagreed)
    assert d.reading == "no change in any run" and d.text().endswith("(the same in every run)")
    # two runs that differ: the t interval with one degree of freedom, wide and finite
    from scipy import stats

    varied = _experiment(sc, {"Baseline": _values(2), "Option": _values(2, 3.0, seed=1)}, 2)
    s = varied.summary().set_index(["scenario", "kpi"]).loc[("Baseline", "caseload_mean")]
    assert s["half_width"] == pytest.approx(stats.t.ppf(0.975, 1) * s["sd"] / math.sqrt(2))


def test_page_one_reads_a_difference_the_same_in_every_run_as_compare_does(baseline):
    from workbench.present.report_design import report_design
    from workbench.present.report_page_one import chair_sentences, option_results, ranked_table

    sc = {"Baseline": baseline, "Option": baseline.replace({"name": "Option",
                                                            "academy.intake_per_year": 24})}
    same = {k: [v[0]] * 2 for k, v in _values(2).items()}
    plus = {k: [v[0] + 3.0] * 2 for k, v in _values(2).items()}
    exp = _experiment(sc, {"Baseline": same, "Option": plus}, 2)
    design = report_design(sc)
    d = option_results(exp, "Baseline", ["Option"])[0].differences["caseload_mean"]
    # the same +3.0 in both runs reads as compare reads it (audit 10B): worse in every run
    assert d.reading == "worse in every run"
    assert d.text() == "+3.0 (the same in every run)"
    page = ranked_table(exp, design)
    assert "+3.0 to +3.0" not in page and "the same in every run" in page
    # two equal pairs are not a "clear" change: before, the option "does best"
    assert chair_sentences(exp, design)[1].startswith("No option is clearly better")


def test_the_notebook_tables_and_the_difference_chart_read_as_compare_does(baseline):
    """Audit 10B (the helper's leftover): the explorer's and notebook's difference tables and the
    difference chart read a difference the same in every run as compare does, not "not enough
    runs to tell" (the chart then drew it grey, neither better nor worse)."""
    import matplotlib.colors as mcolors

    from workbench.present.plots import plot_paired_differences
    from workbench.present.tables import (READING_COLOURS, kpi_comparison_table,
                                          kpi_difference_table)

    sc = {"Baseline": baseline, "Option": baseline.replace({"name": "Option",
                                                            "academy.intake_per_year": 24})}
    same = {k: [v[0]] * 2 for k, v in _values(2).items()}
    plus = {k: [v[0] + 3.0] * 2 for k, v in _values(2).items()}
    exp = _experiment(sc, {"Baseline": same, "Option": plus}, 2)
    table = kpi_comparison_table(exp, "Baseline", "Option", kpis=["caseload_mean"])
    assert table.Reading.tolist() == ["worse in every run"]
    wide = kpi_difference_table(exp, "Baseline", kpis=["caseload_mean"])
    assert wide.Option.iloc[0].endswith(", worse in every run")
    fig = plot_paired_differences(exp, "Baseline", kpis=["caseload_mean"])
    bars = [b for ax in fig.axes for b in ax.patches]
    assert bars and mcolors.to_hex(bars[0].get_facecolor()[:3]) == READING_COLOURS["worse"]
    assert bars[0].get_hatch() == "///"


def test_one_run_is_said_once_not_1_times(baseline):
    from workbench.present import report_sections
    from workbench.present.report_design import Warmup, report_design
    from workbench.present.report_page_one import chair_sentences

    sc = {"Baseline": baseline, "Option": baseline.replace({"name": "Option",
                                                            "academy.intake_per_year": 24})}
    exp = _experiment(sc, {"Baseline": _values(1), "Option": _values(1, 2.0, seed=1)}, 1)
    design = report_design(sc)
    said = " ".join(chair_sentences(exp, design))
    assert "1 times" not in said and "each simulated once" in said
    intro = report_sections.about_section(report_sections.Report(exp, {}, design,
                                                                 Warmup(0.0, "given")))
    assert "1 times" not in intro and "simulated once" in intro
    assert "a single run, with no range" in intro
    from workbench.present.report_text import counted, times

    assert (times(1), times(2), times(1000)) == ("once", "2 times", "1,000 times")
    assert (counted(1, "option"), counted(3, "option")) == ("1 option", "3 options")


def test_differences_of_percentages_have_intervals_within_100_points(baseline):
    import math

    sc = {"Baseline": baseline, "Option": baseline.replace({"name": "Option"})}
    base = {k: list(v) for k, v in _values(2).items()}
    opt = {k: list(v) for k, v in _values(2, seed=1).items()}
    # a share: differences of 95 and 99 points, whose t interval (1 df) runs past +100
    base["assessment_within_45wd_pct"], opt["assessment_within_45wd_pct"] = [4.0, 0.0], [99.0, 99.0]
    # a count: differences of 95 and 99 children, not clipped (a count has no upper limit)
    base["unallocated_mean"], opt["unallocated_mean"] = [4.0, 0.0], [99.0, 99.0]
    exp = _experiment(sc, {"Baseline": base, "Option": opt}, 2)
    c = exp.compare("Baseline").set_index("kpi")
    share, count = c.loc["assessment_within_45wd_pct"], c.loc["unallocated_mean"]
    assert share["difference"] == pytest.approx(97.0)  # the mean is not clipped
    assert share["ci_high"] == 100.0 and -100.0 <= share["ci_low"] < 97.0  # before: about 122
    assert share["half_width"] > 3.0  # the t half-width itself is kept
    assert count["ci_high"] > 100.0 and count["ci_high"] == pytest.approx(97.0 + count["half_width"])
    wide = _experiment(sc, {"Baseline": {**base, "assessment_within_45wd_pct": [0.0, 100.0]},
                            "Option": {**opt, "assessment_within_45wd_pct": [100.0, 0.0]}}, 2)
    w = wide.compare("Baseline").set_index("kpi").loc["assessment_within_45wd_pct"]
    assert (w["ci_low"], w["ci_high"]) == (-100.0, 100.0) and not math.isnan(w["half_width"])
    assert "-100" in (exp.compare.__doc__ or "") and "+100" in (exp.compare.__doc__ or "")
