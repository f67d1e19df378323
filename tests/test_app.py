"""The managers' app without a browser (issue 14): the page's parts, saving from the controls,
the download link, the server command, and the command line's version and help."""

from __future__ import annotations

import argparse
import base64
import io
import re
import shutil

import nbformat
import openpyxl
import pytest

from workbench.cli import build_parser, main
from workbench.present.app import App
from workbench.present.app_server import (APP_NOTEBOOK, TEMPLATE_ROOT, app_environment, free_port,
                                          voila_command)
from workbench.scenario import load_scenario

from conftest import SCENARIOS


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("team") / "scenarios"
    folder.mkdir()
    for name in ("baseline.yaml", "academy_expansion.yaml", "agency_reduction.yaml"):
        shutil.copy(SCENARIOS / name, folder / name)
    (folder / "uncertain_inputs.yaml").write_text(
        "base: baseline.yaml\nname: Uncertain inputs\n"
        "description: The baseline with two inputs given as ranges\n"
        "uncertain:\n"
        "  stages.assessment.work_hours.mean: {dist: uniform, low: 8, high: 12}\n"
        "  workforce.turnover_pct_per_year.experienced: {dist: uniform, low: 10, high: 20}\n",
        encoding="utf-8")
    a = App(scenarios_dir=folder, executor="serial", replications=2, years=0.25, seed=1,
            plan_replications=2, plan_confirm_replications=3, plan_candidates=2)
    yield a
    a.close()


def test_the_page_opens_with_the_how_to_and_ends_with_save_and_download(app):
    first, last = app.widget.children[0], app.widget.children[-1]
    assert "Press <b>Run</b>" in first.value and "Save your scenario" in first.value
    assert "find the cheapest plan" in first.value
    assert app.widget.children[-2] is app.plan_box  # the plan search comes before saving
    assert app.picker in app.widget.children[1].children
    assert app.save_button in last.children[3].children and app.download in last.children
    assert "Run first" in app.download.value


def test_run_gives_results_and_a_workbook_to_download(app):
    app.set_levers(academy_intake_per_year=24, agency_cap_pct=10)
    app.run_button.click()
    assert app.last_error is None, app.last_error
    assert "Done in" in app.status.value
    assert "Difference" in app.table.columns
    link = app.download.value
    assert "download='workbench_results_baseline.xlsx'" in link
    data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)'", link).group(1))
    assert data == app.workbook
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Results", "Differences", "Weekly", "Run details"]
    # the baseline has no uncertain inputs: its ranges are said to be chance only
    summary = app._tab_html["Summary"].value
    assert "These ranges show chance only" in summary
    assert "These ranges include uncertainty" not in summary


def test_ranges_of_a_scenario_with_uncertain_inputs_say_what_they_include(app):
    app.pick("Uncertain inputs")
    try:
        app.run_button.click()
        assert app.last_error is None, app.last_error
        summary = app._tab_html["Summary"].value
        assert ("These ranges include uncertainty in how long an assessment takes and how fast "
                "experienced staff leave, as well as chance") in summary
        assert "chance (which children" in summary
    finally:
        app.pick("Baseline")


def test_saving_the_controls_adds_a_scenario_to_the_picker(app):
    app.reset()
    app.set_levers(academy_intake_per_year=24, agency_cap_pct=10)
    app.save_name.value = "Academy 24 + agency cap 10%"
    app.save_author.value = "A. Manager"
    app.save_button.click()
    path = app.scenarios_dir / "academy_24_agency_cap_10.yaml"
    assert "Saved as" in app.save_status.value and path.name in app.save_status.value
    assert app.saved == [path]
    sc = load_scenario(path)
    assert sc.academy.intake_per_year == 24 and sc.agency.cap_share_pct == 10
    assert "saved by A. Manager" in path.read_text(encoding="utf-8")
    assert "Academy 24 + agency cap 10%" in dict((v, k) for k, v in app.picker.options)
    assert app.picker.value == "Baseline"  # the page stays where it was
    assert app.changed()  # the controls are untouched by saving
    app.pick("Academy 24 + agency cap 10%")  # and it can be picked as a starting point
    assert app.levers()["academy_intake_per_year"] == 24 and not app.changed()
    app.pick("Baseline")


@pytest.mark.parametrize("name, levers, message", [
    ("  ", {"academy_intake_per_year": 20}, "give your scenario a name"),
    ("No change", {}, "nothing to save"),
    ("Agency reduction", {"academy_intake_per_year": 20}, "exists already"),
])
def test_saving_problems_are_said_on_the_page(app, name, levers, message):
    app.reset()
    app.set_levers(**levers)
    app.save_name.value = name
    before = sorted(app.scenarios_dir.iterdir())
    app.save_button.click()  # must not raise
    assert "Not saved" in app.save_status.value and message in app.save_status.value
    assert sorted(app.scenarios_dir.iterdir()) == before


def test_the_app_notebook_only_builds_the_app():
    nb = nbformat.read(APP_NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) == 1 and "App.from_environment().show()" in code[0].source
    assert all(c.outputs == [] for c in code)


def test_the_server_command_uses_the_offline_template(tmp_path):
    cmd = voila_command(8899)
    assert str(APP_NOTEBOOK) in cmd and "--template=workbench" in cmd
    assert "--port=8899" in cmd and "--Voila.ip=127.0.0.1" in cmd and "--no-browser" in cmd
    template = (TEMPLATE_ROOT / "voila/templates/workbench/index.html.j2").read_text()
    assert "fontawesome" in template and "replace(" in template
    env = app_environment(scenarios=tmp_path, replications=6, years=3)
    assert env["JUPYTER_PATH"].split(":")[0] == str(TEMPLATE_ROOT)
    assert env["WORKBENCH_APP_SCENARIOS"] == str(tmp_path.resolve())
    assert (env["WORKBENCH_APP_REPLICATIONS"], env["WORKBENCH_APP_YEARS"]) == ("6", "3")
    port = free_port()
    assert 0 < port < 65536


def test_version_and_help(capsys):
    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    assert re.match(r"workbench \d+\.\d+\.\d+ \(simulation core: .+\)", out)
    text = build_parser().format_help()
    for command in ("new", "app", "compare", "report"):
        assert command in text


def test_every_option_of_every_command_has_help_text():
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    missing = [f"{name} {a.option_strings or a.dest}" for name, p in sub.choices.items()
               for a in p._actions if not isinstance(a, argparse._HelpAction) and not a.help]
    assert not missing, f"options with no help text: {missing}"
    app_help = " ".join(sub.choices["app"].format_help().split())
    assert "years to simulate" in app_help and "(2-100; default 4)" in app_help
    compare_help = " ".join(sub.choices["compare"].format_help().split())
    assert "calendar days" in compare_help and ".xlsx" in compare_help


def test_app_rejects_a_bad_folder(capsys, tmp_path):
    assert main(["app", "--scenarios", str(tmp_path / "nope"), "--no-browser"]) == 2
    assert "not a folder" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        build_parser().parse_args(["app", "--port", "70000"])


# ------------------------------------------------------------------ find the cheapest plan
def _plan_page(app, targets, levers):
    """Set the plan box: ``targets`` as (KPI, op, value) rows, ``levers`` as key -> (low, high)
    (the others unticked)."""
    for row, t in zip(app.plan_targets, list(targets) + [None] * 3):
        measure, comparison, threshold = row
        measure.value = t[0] if t else ""
        if t:
            comparison.value, threshold.value = t[1], t[2]
    for key, (tick, span) in app.plan_levers.items():
        tick.value = key in levers
        if key in levers:
            span.value = levers[key]


def test_the_plan_box_starts_from_the_optimisers_defaults(app):
    from workbench.decision import DEFAULT_RANGES

    measure, comparison, threshold = app.plan_targets[0]
    assert (measure.value, comparison.value, threshold.value) == (
        "assessment_within_45wd_pct", ">=", 85.0)
    assert all(m.value == "" for m, _, _ in app.plan_targets[1:])
    for r in DEFAULT_RANGES:
        tick, span = app.plan_levers[r.key]
        assert tick.value and span.value == (r.low, r.high) and span.step == r.step
    assert not app.plan_levers["agency_cap_pct"][0].value
    # choosing a measure where lower is better turns the comparison to "at most"
    app.plan_targets[1][0].value = "unallocated_mean"
    unit = app.plan_box.children[3].children[3]
    assert app.plan_targets[1][1].value == "<=" and "children" in unit.value
    app.plan_targets[1][0].value = ""
    assert app.plan_use_button.layout.display == "none"


def test_find_the_cheapest_plan_shows_the_plan_its_confidence_and_the_frontier(app):
    app.reset()
    _plan_page(app, [("assessment_within_45wd_pct", ">=", 1.0), ("unallocated_mean", "<=", 1e6)],
               {"academy_intake_per_year": (0, 24), "agency_cover_pct": (0, 100)})
    seen = []
    app.plan_status.observe(lambda ch: seen.append(ch["new"]), names="value")
    app.plan_max_trials = 4  # the button searches for the time allowed; a quick look here
    try:
        app.plan_button.click()
    finally:
        app.plan_max_trials = None
    res = app.plan_result
    assert res is not None and "Done in" in app.plan_status.value, app.plan_status.value
    assert any(s.startswith("Searching:") for s in seen) and any("fresh runs" in s for s in seen)
    assert app.plan_progress.value == 100
    assert res.chosen is not None and set(res.chosen) == {"academy_intake_per_year",
                                                          "agency_cover_pct"}
    page = app.plan_output.value
    assert "The cheapest plan found that meets every target" in page
    assert "90% confident" in page and "The plan, from Baseline" in page
    assert "Meets every target" in page and "yes: chosen" in page
    alt = re.search(r'<img src="data:image/png;base64,[^"]+" alt="([^"]+)"', page).group(1)
    assert alt.startswith("Scatter chart") and "chosen plan" in alt and re.search(r"\d", alt)
    # the answer can be put in the controls, to run or save
    assert app.plan_use_button.layout.display is None
    app.plan_use_button.click()
    levers = app.levers()
    assert levers["academy_intake_per_year"] == res.chosen["academy_intake_per_year"]
    assert levers["agency_cover_pct"] == res.chosen["agency_cover_pct"]
    app.reset()


def test_plan_search_problems_are_said_on_the_page(app):
    _plan_page(app, [], {"academy_intake_per_year": (0, 24)})
    assert app.find_plan(max_trials=2) is None
    assert "Not searched: choose at least one target" in app.plan_status.value
    _plan_page(app, [("assessment_within_45wd_pct", ">=", 1.0)], {})
    assert app.find_plan(max_trials=2) is None
    assert "tick at least one lever" in app.plan_status.value
    _plan_page(app, [("assessment_within_45wd_pct", ">=", 1.0)],
               {"academy_intake_per_year": (5, 5)})
    assert app.find_plan(max_trials=2) is None and "give a range" in app.plan_status.value
    assert not app.plan_button.disabled
