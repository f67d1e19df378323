"""Round 17 (task H92) of the pages people read: session 20's two visits measures shown where the
child protection visits are, then what a councillor and a manager see. Each test failed on the
code before its fix. Synthetic experiments (no simulation) and small pages.

J1. Session 20 added the visits to children in care proceedings (court_visits_on_time_pct) and
to children in care (lac_visits_on_time_pct), but the report's table of all the measures, the
explorer's and the app's Summary table and the comparison notebook's table showed only the
child protection visits: the baseline's court visits, about one in eight on time, were nowhere
on the pages. Both now follow the child protection visits in those tables, and the report's
Timeliness section and the explorer's Summary say in words, with the 95% ranges, how many of
each stage's visits were made on time and which stages' visits were mostly late: "Statutory
visits made on time in the baseline: 55.0% of child protection visits (95% range 53.8 to
56.2%), 12.0% of visits to children in care proceedings (...) and 88.0% of visits to children
in care (...). Most visits to children in care proceedings were late." (The bundled report
still prints on 13 pages: the run details' names take 30% of the printed width, one line each,
and the limitations and the glossary print at 9pt.)

J2. A measure some runs had no value for (no court visit fell due in them) was averaged over the
others in silence in the report's and the explorer's tables, and a value from one of three runs
read "one run: no range": the cells say "; 2 of 3 runs had a value" and "only 1 of 3 runs had a
value: no range" (the visits sentence too).

J3. A visits measure with no value because the scenario sets no visits for that stage was
explained under the table of all the measures as "there was nothing to count over the period";
the note now says the scenario sets no statutory visits for those children.

J4. With more than seven scenarios the eighth was drawn exactly as the baseline (colour, line
style and marker all repeated) in the week-by-week charts and the cost trade-offs.

J5. The workbook's Results sheet averaged over the runs with a value without saying how many:
each scenario has a column "runs with a value".

J6. The explorer's comparison read "one run: cannot tell" of three runs of which one pair had a
value: its 95% CI cell adds "(1 of 3 runs had a value in both)"; so do the comparison
notebook's differences and page one's ("only 1 of 3 runs had a value in both: no range").

J7. The appendix read a setting's key as one word: a team named "North locality" was left out
and its settings and sources were given to the team before it.
"""

from __future__ import annotations

import dataclasses
import html
import math
import re

import pytest

VISITS = {"cp_visits_on_time_pct": 55.0, "court_visits_on_time_pct": 12.0,
          "lac_visits_on_time_pct": 88.0}


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))).strip()


def _with(exp, values: dict):
    """``exp`` with more KPI columns: each a value per run (a small wobble), or None: n/a."""
    kpis = exp.kpis.copy()
    for name, v in values.items():
        kpis[name] = [math.nan if v is None else v + 0.5 * (i % 3 - 1)
                      for i in range(len(kpis))]
    names = tuple(dict.fromkeys([*exp.kpi_names, *values]))
    return dataclasses.replace(exp, kpis=kpis, kpi_names=names)


@pytest.fixture(scope="module")
def reports(baseline):
    """The baseline alone and with two options (round 14's synthetic experiment), with visits."""
    from test_hostile_round14_present import experiment
    from workbench.present.report_design import Warmup, report_design
    from workbench.present.report_sections import Report

    out = {}
    for key, names in (("alone", ["Baseline"]), ("three", ["Baseline", "Plan A", "Plan B"])):
        scs = {n: baseline.replace({"name": n}) for n in names}
        design = report_design(scs, baseline="Baseline")
        out[key] = Report(_with(experiment(design.scenarios), VISITS), {}, design,
                          Warmup(0.0, "given"))
    return out


# ------------------------------------------------------------------------------ J1
def test_the_table_of_all_the_measures_has_the_three_visits_in_order(reports):
    from workbench.present.report_sections import headline_section

    text = _text(headline_section(reports["three"]))
    at = [text.find(w) for w in ("Child protection visits made on time",
                                 "Visits to children in care proceedings made on time",
                                 "Visits to children in care made on time")]
    assert all(a >= 0 for a in at) and at == sorted(at), text
    assert "12.0% (" in text


def test_the_explorers_summary_has_the_visits_with_a_sentence(reports):
    from workbench.present.report_text import explorer_summary

    exp = reports["three"].options_exp
    table, page = explorer_summary(exp, ["A change"])
    assert {"Visits to children in care proceedings made on time",
            "Visits to children in care made on time"} <= set(table["Measure"])
    text = _text(page)
    assert "Most visits to children in care proceedings were late." in text, text
    table, page = explorer_summary(reports["alone"].exp)
    assert "Visits to children in care made on time" in set(table["Measure"])
    assert ("Statutory visits made on time in Baseline: 55.0% of child protection visits "
            "(95% range") in _text(page)


def test_the_timeliness_section_says_the_visits_and_which_were_mostly_late(reports,
                                                                            monkeypatch):
    from workbench.present import report_sections

    monkeypatch.setattr(report_sections, "figure_html", lambda *a, **k: "")
    text = _text(report_sections.timeliness_section(reports["three"]))
    assert ("Statutory visits made on time in the baseline: 55.0% of child protection visits "
            "(95% range ") in text, text
    assert "12.0% of visits to children in care proceedings (95% range " in text
    assert "and 88.0% of visits to children in care (95% range " in text
    assert text.endswith("Most visits to children in care proceedings were late. The table "
                         "\u201cAll the measures\u201d gives each option\u2019s."), text
    alone = _text(report_sections.timeliness_section(reports["alone"]))
    assert alone.endswith("Most visits to children in care proceedings were late."), alone


def test_a_stage_without_visits_is_left_out_and_none_says_nothing(reports):
    from workbench.present.report_text import visits_sentence

    r = reports["alone"]
    exp = _with(r.exp, {"court_visits_on_time_pct": None, "lac_visits_on_time_pct": 60.0})
    said = visits_sentence(exp, "Baseline", "the baseline")
    assert "care proceedings" not in said
    assert said.startswith("Statutory visits made on time in the baseline: 55.0% of child "
                           "protection visits (95% range "), said
    assert "and 60.0% of visits to children in care (95% range " in said, said
    assert "late" not in said
    none = _with(r.exp, dict.fromkeys(VISITS))
    assert visits_sentence(none, "Baseline") == ""


# ------------------------------------------------------------------------------ J2
def test_a_measure_some_runs_had_no_value_for_says_how_many_had(reports):
    from workbench.present.report_text import visits_sentence
    from workbench.present.tables import kpi_summary_table

    r = reports["three"]
    exp = r.options_exp
    kpis = exp.kpis.copy()
    court = "court_visits_on_time_pct"
    kpis.loc[(kpis.scenario == "Baseline") & (kpis.replication == 0), court] = math.nan
    kpis.loc[(kpis.scenario == "Plan A") & (kpis.replication < 2), court] = math.nan
    kpis.loc[kpis.scenario == "Plan B", court] = 12.0                 # the same in each run
    kpis.loc[(kpis.scenario == "Plan B") & (kpis.replication == 2), court] = math.nan
    exp = dataclasses.replace(exp, kpis=kpis)
    row = kpi_summary_table(exp, [court]).iloc[0]
    assert row["Baseline"].endswith("; 2 of 3 runs had a value)"), row["Baseline"]
    assert row["Plan A"] == "12.5% (only 1 of 3 runs had a value: no range)", row["Plan A"]
    assert row["Plan B"] == "12.0% (the same in each of the 2 of 3 runs that had a value)"
    said = visits_sentence(exp, "Plan A")
    assert "12.5% of visits to children in care proceedings (only 1 of 3 runs had a value)" in said
    assert "; 2 of 3 runs had a value)" in visits_sentence(exp, "Baseline")
    # every run with a value: as before
    assert kpi_summary_table(r.options_exp, [court]).iloc[0]["Baseline"].endswith("%)")


# ------------------------------------------------------------------------------ J3
def test_a_stage_without_visits_says_so_under_the_table(reports):
    from workbench.present.report_design import Warmup, report_design
    from workbench.present.report_sections import Report, headline_section

    r = reports["three"]
    scs = dict(r.exp.scenarios)
    scs["Plan B"] = scs["Plan B"].replace({"stages.court.visits": None})
    kpis = r.exp.kpis.copy()
    kpis.loc[kpis.scenario == "Plan B", "court_visits_on_time_pct"] = math.nan
    kpis.loc[kpis.scenario == "Plan A", "icpc_within_15wd_pct"] = math.nan
    exp = dataclasses.replace(r.exp, scenarios=scs, kpis=kpis,
                              kpi_names=(*r.exp.kpi_names, "icpc_within_15wd_pct"))
    design = report_design(scs, baseline="Baseline")
    text = _text(headline_section(Report(exp, {}, design, Warmup(0.0, "given"))))
    assert ("Visits to children in care proceedings made on time: the scenario Plan B sets no "
            "statutory visits for children in care proceedings (the court stage has no visits: "
            "setting)") in text, text
    # any other n/a as before
    assert ("Child protection conferences within 15 working days: there was nothing to count "
            "over the period") in text


# ------------------------------------------------------------------------------ J4
def test_twelve_scenarios_are_each_drawn_their_own_way(baseline):
    """The colours repeat after seven scenarios; the line styles and markers repeated with
    them, so that the eighth was drawn exactly as the baseline (the ninth as the first option)
    in the week-by-week charts and the cost trade-offs, whose points are named only in the
    legend."""
    import matplotlib.pyplot as plt

    from test_hostile_round14_present import experiment
    from workbench.present import plots

    names = ["Baseline"] + [f"Plan {c}" for c in "ABCDEFGHIJK"]
    exp = experiment({n: baseline.replace({"name": n}) for n in names}, weeks=6, n=2)
    for draw in (plots.plot_timeliness, plots.plot_caseloads):
        fig = draw(exp)
        drawn = [(ln.get_color(), str(ln._unscaled_dash_pattern), ln.get_marker())
                 for ln in fig.axes[0].get_lines() if ln.get_label() in names]
        assert len(drawn) == 12 and len(set(drawn)) == 12, (draw.__name__, drawn)
        plt.close(fig)
    fig = plots.plot_tradeoffs(exp)
    points = [(c.lines[0].get_color(), c.lines[0].get_marker()) for c in fig.axes[0].containers]
    assert len(points) == 12 and len(set(points)) == 12, points
    plt.close(fig)


# ------------------------------------------------------------------------------ J5
def test_the_workbooks_results_say_how_many_runs_had_a_value(reports):
    from workbench.present.export import export_tables

    exp = reports["three"].options_exp
    kpis = exp.kpis.copy()
    court = "court_visits_on_time_pct"
    kpis.loc[(kpis.scenario == "Plan A") & (kpis.replication < 2), court] = math.nan
    exp = dataclasses.replace(exp, kpis=kpis)
    results = export_tables(exp)["Results"].set_index("Measure")
    row = results.loc["Visits to children in care proceedings made on time"]
    assert row["Plan A: runs with a value"] == 1 and row["Baseline: runs with a value"] == 3
    assert math.isnan(row["Plan A: 95% range from"]) and row["Plan A: average"] == 12.5


# ------------------------------------------------------------------------------ J6
def test_the_explorers_comparison_says_how_many_runs_were_paired(reports):
    from workbench.present.tables import kpi_comparison_table

    exp = reports["three"].options_exp
    kpis = exp.kpis.copy()
    court = "court_visits_on_time_pct"
    kpis.loc[(kpis.scenario == "Plan A") & (kpis.replication < 2), court] = math.nan
    kpis.loc[(kpis.scenario == "Baseline") & (kpis.replication == 2), "lac_visits_on_time_pct"] \
        = math.nan
    exp = dataclasses.replace(exp, kpis=kpis)
    table = kpi_comparison_table(exp, "Baseline", "Plan A").set_index("Measure")
    row = table.loc["Visits to children in care proceedings made on time"]
    assert row["95% CI of the difference"] == "n/a (1 of 3 runs had a value in both)", row
    lac = table.loc["Visits to children in care made on time", "95% CI of the difference"]
    assert lac.endswith(" (2 of 3 runs had a value in both)"), lac
    assert not table.loc["Child protection visits made on time",
                         "95% CI of the difference"].endswith("in both)")


# ------------------------------------------------------------------------------ J7
@pytest.mark.parametrize("team", ["North locality", '"<b>North & Co</b>"'])
def test_a_team_named_with_spaces_or_quotes_keeps_its_own_rows(tmp_path, team):
    """The appendix read a setting's key as a word (letters, digits, underscores): a team the
    council named "North locality" was left out, and its settings and their sources were given
    to the team before it ("Child protection and court teams: funded posts | 14 | Assumption:
    funded for 12 as agreed by cabinet")."""
    from workbench.present.appendix import appendix_html, appendix_rows
    from workbench.scenario import load_scenario

    from conftest import SCENARIOS

    raw = (SCENARIOS / "baseline.yaml").read_text(encoding="utf-8")
    name = team.strip('"')
    raw = raw.replace("  disability:                     # domain.md: 2 disability teams",
                      f"  {team}:   # assumption: our north team, set up in 2017", 1)
    raw = raw.replace("team: disability", f"team: {team}")
    raw = raw.replace("    establishment_fte: 12\n    staff:\n      - {type: experienced, count: 10",
                      "    establishment_fte: 12   # assumption: cabinet agreed 12 posts\n"
                      "    staff:\n      - {type: experienced, count: 10", 1)
    path = tmp_path / "north.yaml"
    path.write_text(raw, encoding="utf-8")
    sc = load_scenario(path)
    rows = appendix_rows(path, sc)
    assert (name, "funded posts (FTE): 12; in post: 10 experienced, 1 newly qualified",
            "Assumption: our north team, set up in 2017") in rows, rows
    assert (f"{name}: funded posts (full-time)", "12",
            "Assumption: cabinet agreed 12 posts") in rows
    assert not any("cabinet" in c for a, _, c in rows if not a.startswith(name))
    page = appendix_html(path, sc)
    assert "<b>North" not in page


def test_the_comparison_notebooks_differences_say_how_many_runs_were_paired(reports):
    from workbench.present.tables import kpi_difference_table

    exp = reports["three"].options_exp
    kpis = exp.kpis.copy()
    court = "court_visits_on_time_pct"
    kpis.loc[(kpis.scenario == "Plan A") & (kpis.replication < 2), court] = math.nan
    exp = dataclasses.replace(exp, kpis=kpis)
    table = kpi_difference_table(exp, "Baseline").set_index("Measure")
    cell = table.loc["Visits to children in care proceedings made on time", "Plan A"]
    assert cell.endswith("one run: cannot tell (1 of 3 runs had a value in both)"), cell
    assert not table.loc["Visits to children in care proceedings made on time",
                         "Plan B"].endswith("in both)")


def test_page_one_says_how_many_runs_were_paired(reports):
    from workbench.present.report_page_one import option_results

    exp = reports["three"].options_exp
    kpis = exp.kpis.copy()
    a45 = "assessment_within_45wd_pct"
    kpis.loc[(kpis.scenario == "Plan A") & (kpis.replication < 2), a45] = math.nan
    kpis.loc[(kpis.scenario == "Plan B") & (kpis.replication == 0), a45] = math.nan
    kpis.loc[kpis.scenario == "Plan B", a45] += kpis.replication ** 2   # differences spread
    exp = dataclasses.replace(exp, kpis=kpis)
    said = {r.label: r.differences[a45].text() for r in option_results(
        exp, "Baseline", ["Plan A", "Plan B"], [a45])}
    assert said["Plan A"].endswith(" (only 1 of 3 runs had a value in both: no range)"), said
    assert said["Plan B"].endswith("; 2 of 3 runs had a value in both)"), said
    kpis.loc[kpis.scenario == "Plan B", a45] = \
        kpis.loc[kpis.scenario == "Baseline", a45].to_numpy() + 1.0
    kpis.loc[(kpis.scenario == "Plan B") & (kpis.replication == 0), a45] = math.nan
    same = dataclasses.replace(exp, kpis=kpis)
    said = option_results(same, "Baseline", ["Plan B"], [a45])[0].differences[a45].text()
    assert said.endswith("(the same in each of the 2 of 3 runs that had a value in both)"), said
