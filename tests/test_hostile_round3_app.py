"""A third hostile audit (issue 13), the managers' app without a browser: names typed into the
save box, and the page when its files change or a run fails while it is open. Each case is a
failure that was seen, reduced to its essence; no model output is asserted.

What was seen: ``CON``, ``nul``, ``COM1`` were saved as ``con.yaml`` and the like (Windows
opens a device for those, not a file); ``Café`` typed with a composed and a combining accent
made two files of two scenarios whose names look the same; every name in Cyrillic, Arabic or
emoji became ``scenario.yaml``, so a second could never be saved and the message asked for
"another name" (any other such name failed the same way); a 10,000-character name got the
schema's message; picking a file edited to be invalid left the picker naming it while Run ran
the previous scenario; a run that failed said "RuntimeError: every simulation failed:
MemoryError: ".
"""

from __future__ import annotations

import shutil

import pytest
import yaml

import workbench.experiment
from workbench.present.app import App
from workbench.scenario import load_scenario
from workbench.scenario.save import file_name_for, name_key

from conftest import SCENARIOS, team_folder


def new_app(folder):
    return App(scenarios_dir=folder, executor="serial", replications=2, years=0.05, seed=1)


@pytest.fixture
def app(tmp_path):
    a = new_app(team_folder(tmp_path))
    yield a
    a.close()


@pytest.fixture(scope="module")
def _apps(tmp_path_factory):
    made = {}
    yield made
    for a in made.values():
        a.close()


@pytest.fixture
def shared_app(request, _apps, tmp_path_factory):
    """One page for all the cases of a parametrised test (each case saves a file of its own, or
    sets every value it reads), over a folder of its own: starting a page loads the folder."""
    name = request.function.__name__
    if name not in _apps:
        _apps[name] = new_app(team_folder(tmp_path_factory.mktemp("shared")))
    return _apps[name]


def save(app, name, intake=20):
    app.reset()
    app.set_levers(academy_intake_per_year=intake)
    app.save_name.value = name
    before = set(app.scenarios_dir.iterdir())
    app.save_button.click()  # must not raise
    return sorted(p.name for p in set(app.scenarios_dir.iterdir()) - before)


@pytest.mark.parametrize("name, file", [
    ("../../x", "x.yaml"), ("/etc/passwd", "etc_passwd.yaml"), ("C:\\x", "c_x.yaml"),
    ("CON", "con_scenario.yaml"), ("nul", "nul_scenario.yaml"), ("COM1", "com1_scenario.yaml"),
    ("aux.yaml", "aux_yaml.yaml"), (".hidden", "hidden.yaml"),
    ("<script>alert(1)</script>", "script_alert_1_script.yaml"),
])
def test_a_name_is_never_a_path_or_a_device(shared_app, name, file):
    app = shared_app
    app.save_status.value = ""  # not the case before's
    assert save(app, name) == [file], app.save_status.value
    assert "Saved as" in app.save_status.value and "<script>" not in app.save_status.value
    assert load_scenario(app.scenarios_dir / file).name == name


def test_file_names_of_accented_and_non_latin_names():
    assert file_name_for("Café") == file_name_for("Cafe\u0301") == "cafe.yaml"
    assert file_name_for("Ｃａｆé") == "cafe.yaml"  # full-width letters
    first, second = file_name_for("План академии"), file_name_for("План б")
    assert first != second and first.startswith("scenario_") and first.endswith(".yaml")
    assert file_name_for("🎉") == file_name_for("!!!") == "scenario.yaml"  # no letters at all
    assert name_key("Café") == name_key("CAFE\u0301") == name_key(" café  ")


def test_a_name_that_only_looks_different_is_refused(app):
    assert save(app, "Café") == ["cafe.yaml"]
    assert save(app, "Cafe\u0301", 21) == []  # the same name, the accent encoded otherwise
    assert "Not saved" in app.save_status.value and "exists already" in app.save_status.value
    names = [n for _, n in app.picker.options]
    assert len(names) == len({name_key(n) for n in names})
    # a name the same but for capitals, in a file of another name
    (app.scenarios_dir / "team_plan_file.yaml").write_text(
        "base: baseline.yaml\nname: Team plan\nacademy:\n  intake_per_year: 30\n")
    assert save(app, "TEAM  PLAN", 22) == []
    status = app.save_status.value
    assert "Not saved" in status and "team_plan_file.yaml" in status and "capitals" in status


def test_two_names_in_another_script_are_two_files(app):
    assert save(app, "План академии") != []
    assert save(app, "План б", 21) != [], app.save_status.value
    assert save(app, "🚀", 22) == ["scenario.yaml"]
    assert save(app, "🎉", 23) == []
    assert "letters or digits" in app.save_status.value


def test_a_very_long_name_is_refused_in_a_sentence(app):
    assert save(app, "x" * 10_000) == []
    status = app.save_status.value
    assert "Not saved: the name is 10,000 characters long" in status and "at most 200" in status
    assert len(status) < 300


def test_picking_a_file_made_invalid_keeps_the_page_consistent(app):
    path = app.scenarios_dir / "academy_expansion.yaml"
    path.write_text("base: baseline.yaml\nname: Academy expansion\nacademy:\n"
                    "  intake_per_year: -5\n")
    app.pick("Academy expansion")  # must not raise
    status = app.status.value
    assert "Could not start from Academy expansion" in status
    assert "academy.intake_per_year" in status and "Still starting from Baseline" in status
    assert app.picker.value == "Baseline" and app.base.name == "Baseline"


def test_saving_after_the_folder_is_gone_or_a_file_says_so(app):
    folder = app.scenarios_dir
    shutil.rmtree(folder)
    app.reset()
    app.set_levers(academy_intake_per_year=20)
    app.save_name.value = "Gone"
    app.save_button.click()  # must not raise
    assert "Not saved" in app.save_status.value and "not found" in app.save_status.value
    folder.write_text("a file where the folder was")
    app.save_name.value = "A file"
    app.save_button.click()
    assert "Not saved" in app.save_status.value
    assert folder.read_text() == "a file where the folder was"


@pytest.mark.parametrize("error, words", [
    (MemoryError(), "every simulation ran out of memory"),
    (ValueError("cannot convert float NaN to integer"),
     "every simulation stopped with an error (ValueError: cannot convert float NaN"),
])
def test_a_run_where_every_simulation_fails_says_what_to_do(shared_app, monkeypatch, error,
                                                            words):
    app = shared_app
    app.status.value = ""  # not the case before's
    real = workbench.experiment.run_experiment

    def failing(*args, **kwargs):
        def simulate(*_a, **_k):
            raise error
        return real(*args, simulate_fn=simulate, **kwargs)

    monkeypatch.setattr(workbench.experiment, "run_experiment", failing)
    app.set_levers(academy_intake_per_year=20)
    with pytest.warns(RuntimeWarning):
        app.run_button.click()  # must not raise
    status = app.status.value
    assert "Could not run:" in status and words in status
    assert "RuntimeError" not in status and "Traceback" not in status
    assert not app.run_button.disabled


def test_a_full_disk_during_a_run_is_said_plainly(app, monkeypatch):
    def full(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(workbench.experiment, "run_experiment", full)
    app.set_levers(academy_intake_per_year=20)
    app.run_button.click()
    assert "Could not run:</b> the disk is full" in app.status.value


def test_the_saved_file_reads_back_with_the_name_as_typed(app):
    assert save(app, "Cafe\u0301 plan") == ["cafe_plan.yaml"]
    data = yaml.safe_load((app.scenarios_dir / "cafe_plan.yaml").read_text(encoding="utf-8"))
    assert data["name"] == "Café plan"  # one encoding of the accent (composed)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -5.0, 1e308])
def test_a_plan_target_out_of_range_is_said_in_words(shared_app, value):
    """A target of NaN or infinity got the command line's message ("expected KPI>=NUMBER ...
    KPI names: referral_decision_within_1wd_pct, ..."); 1e308% searched for a plan."""
    app = shared_app
    app.plan_status.value = ""  # not the case before's
    measure, _, threshold = app.plan_targets[0]
    measure.value, threshold.value = "assessment_within_45wd_pct", value
    assert app.find_plan(max_trials=1) is None  # must not raise
    status = app.plan_status.value
    assert ("Not searched: Assessments finished within 45 working days: give a target from 0 "
            "to 100 (%)") in status
    assert "KPI" not in status and "_pct" not in status


def test_a_broken_baseline_starts_the_page_from_a_file_that_loads(tmp_path):
    """A baseline.yaml edited to be invalid: Voila showed only "There was an error when
    executing cell [1]. Please run Voila with --show_tracebacks=True ..."."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "baseline.yaml").write_text("name: [broken\n")
    text = (SCENARIOS / "baseline.yaml").read_text(encoding="utf-8")
    (folder / "copy.yaml").write_text(text.replace("\nname: Baseline\n", "\nname: Copy\n"),
                                      encoding="utf-8")
    a = App(scenarios_dir=folder, executor="serial", replications=2, years=0.05, seed=1)
    try:
        assert a.base.name == "Copy" and a.picker.value == "Copy"
        assert "baseline.yaml cannot be used" in a.status.value
        assert "not valid YAML" in a.status.value and "starting from Copy" in a.status.value
    finally:
        a.close()


def test_a_folder_where_nothing_loads_gives_a_sentence_not_an_error_cell(tmp_path, monkeypatch,
                                                                          capsys):
    from workbench.cli import main
    from workbench.present.app import Unavailable

    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "baseline.yaml").write_text("name: [broken\n")
    assert main(["app", "--scenarios", str(folder), "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert "no scenario file in it loads" in err and "baseline.yaml: not valid YAML" in err
    assert "Traceback" not in err
    # the files broken after the server started: the page says so
    monkeypatch.setenv("WORKBENCH_APP_SCENARIOS", str(folder))
    page = App.from_environment()
    assert isinstance(page, Unavailable)
    assert "The app cannot start:</b>" in page.widget.value
    assert "baseline.yaml: not valid YAML" in page.widget.value


def test_two_files_with_one_name_are_said_on_the_page(tmp_path):
    """A file copied by hand without renaming the scenario: one of the two vanished from the
    picker without a word."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(SCENARIOS / "baseline.yaml", folder / "baseline.yaml")
    shutil.copy(SCENARIOS / "academy_expansion.yaml", folder / "academy_expansion.yaml")
    shutil.copy(SCENARIOS / "academy_expansion.yaml", folder / "academy_copy.yaml")
    a = App(scenarios_dir=folder, executor="serial", replications=2, years=0.05, seed=1)
    try:
        status = a.status.value
        assert "Two files give one name" in status
        assert "Academy expansion is the name in academy_" in status
        assert "academy_copy.yaml" in status and "academy_expansion.yaml" in status
        assert [n for _, n in a.picker.options].count("Academy expansion") == 1
    finally:
        a.close()
