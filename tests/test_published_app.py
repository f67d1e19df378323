"""Issue 18: a scenario written by ``workbench from-published`` runs in the app and the report.

The scenario is generated from the fixture files (tests/data/published: the published layout,
invented figures) into a team's folder of scenarios; the app is then driven without a browser,
as tests/test_app.py does, and the report's input check is run on the file. No model numbers are
asserted: only that the app picks, runs and saves from the generated file, and that the report
accepts it.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from workbench.cli.main import main
from workbench.cli.report import check_inputs
from workbench.present.app import App
from workbench.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "published"


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    """A team's scenarios folder: the baseline and Durham's generated scenario."""
    folder = tmp_path_factory.mktemp("team") / "scenarios"
    folder.mkdir()
    shutil.copy(ROOT / "scenarios" / "baseline.yaml", folder / "baseline.yaml")
    out = folder / "durham.yaml"
    assert main(["from-published", "--la", "Durham", "--data", str(DATA), "--out", str(out),
                 "--no-check"]) == 0
    return folder, out


@pytest.fixture(scope="module")
def app(team):
    folder, out = team
    a = App(scenarios_dir=folder, base=out, executor="serial", replications=2, years=0.25, seed=1)
    yield a
    a.close()


def test_the_generated_file_is_a_variant_of_the_england_average(team):
    _, out = team
    raw = yaml.safe_load(out.read_text(encoding="utf-8"))
    base = ROOT / "scenarios" / "england_average.yaml"
    assert (out.parent / raw["base"]).resolve() == base.resolve()
    assert load_scenario(out).authority == "County Durham"


def test_the_picker_lists_the_generated_scenario_and_starts_from_it(app, team):
    _, out = team
    sc = load_scenario(out)
    names = {name: label for label, name in app.picker.options}
    assert sc.name in names and out.name in names[sc.name]
    assert "Baseline" in names                 # the other file in the folder is there too
    assert app.picker.value == sc.name and not app.changed()


def test_one_short_run_from_the_generated_scenario(app, team):
    sc = load_scenario(team[1])
    app.run_button.click()
    assert app.last_error is None, app.last_error
    assert "Done in" in app.status.value
    assert list(app.exp.scenarios) == [sc.name] and app.exp.replications == 2
    assert app.exp.failures.empty
    assert not app.exp.kpis.empty and app.workbook          # results and the download are there


def test_a_variant_saved_from_the_generated_scenario_reads_back(app, team):
    folder, out = team
    app.reset()
    app.set_levers(academy_intake_per_year=12)
    path = app.save("Durham with an academy of 12")
    try:
        sc = load_scenario(path)
        assert sc.academy.intake_per_year == 12
        assert sc.authority == load_scenario(out).authority
        assert path.parent == folder
    finally:
        app.reset()


def test_switching_from_the_baseline_to_the_generated_scenario(team):
    folder, out = team
    a = App(scenarios_dir=folder, executor="serial", replications=2, years=0.25, seed=1)
    try:
        assert a.picker.value == "Baseline"
        a.pick(load_scenario(out).name)
        assert a.picker.value == load_scenario(out).name and not a.changed()
    finally:
        a.close()


def test_the_report_accepts_the_generated_scenario(team):
    from workbench.present.report_design import report_design

    folder, out = team
    loaded = check_inputs([out, folder / "baseline.yaml"], replications=2, years=0.25)
    assert [p for _sc, p in loaded.values()] == [out, folder / "baseline.yaml"]
    (name, (sc, _)), *_ = loaded.items()
    assert sc.authority == "County Durham"
    # given first, the generated scenario is the report's baseline
    design = report_design({label: s for label, (s, _p) in loaded.items()})
    assert design.baseline == name


def test_the_app_starts_on_a_folder_of_generated_scenarios_with_no_baseline(team,
                                                                           tmp_path_factory):
    """`workbench app --scenarios DIR` on a folder holding only generated files starts from one.
    (The file ``team`` generated, copied: the same command as here, asserted there; the folder
    as deep as ``team``'s, where the file's relative ``base:`` was written for.)"""
    folder = tmp_path_factory.mktemp("only-generated") / "scenarios"
    folder.mkdir()
    out = folder / "durham.yaml"
    shutil.copy(team[1], out)
    a = App(scenarios_dir=folder, executor="serial", replications=2, years=0.25, seed=1)
    try:
        assert a.picker.value == load_scenario(out).name
    finally:
        a.close()


def test_the_app_on_an_empty_folder_says_so(tmp_path):
    from workbench.scenario import ScenarioError
    with pytest.raises(ScenarioError, match="no valid scenario file"):
        App(scenarios_dir=tmp_path, executor="serial", replications=2, years=0.25, seed=1)


def test_workbench_app_refuses_a_folder_with_no_scenarios(tmp_path, capsys):
    assert main(["app", "--scenarios", str(tmp_path), "--no-browser"]) == 2
    assert "no scenario files" in capsys.readouterr().err
    assert main(["app", "--scenarios", str(tmp_path / "missing"), "--no-browser"]) == 2
    assert "not a folder" in capsys.readouterr().err
