"""Round 7 (the lead's part of the audit's follow-up): the summary table of one run or of runs
that all agree shows no range as if it were certain; the charts' descriptions keep names' case
and count in the right number."""

from __future__ import annotations

import pytest

from workbench.present import alt_text
from workbench.present.tables import kpi_summary_table

from test_hostile_round7_present import _experiment, _values

NAME = "Grow Our Own Academy"


@pytest.fixture()
def one_run(baseline):
    sc = {NAME: baseline.replace({"name": NAME})}
    return _experiment(sc, {NAME: _values(1)}, 1)


def test_one_run_has_no_range_in_the_summary_table(one_run):
    table = kpi_summary_table(one_run, ["assessment_within_45wd_pct"])
    cell = table.iloc[0][NAME]
    # before: "80.0% (80.0% to 80.0%)", a range that looked certain
    assert cell.endswith("(one run: no range)"), cell
    assert " to " not in cell


def test_runs_that_all_agree_say_so(baseline):
    sc = {NAME: baseline.replace({"name": NAME})}
    values = {NAME: {k: [v[0]] * 3 for k, v in _values(3).items()}}
    table = kpi_summary_table(_experiment(sc, values, 3), ["caseload_mean"])
    assert table.iloc[0][NAME].endswith("(the same in every run)")


def test_a_range_from_runs_that_differ_is_shown(baseline):
    sc = {NAME: baseline.replace({"name": NAME})}
    table = kpi_summary_table(_experiment(sc, {NAME: _values(4)}, 4), ["caseload_mean"])
    cell = table.iloc[0][NAME]
    assert " to " in cell and "run" not in cell


def test_chart_descriptions_count_in_the_right_number_and_keep_names(baseline):
    option = "Kirklees Recruitment Drive"
    sc = {NAME: baseline.replace({"name": NAME}),
          option: baseline.replace({"name": option, "academy.intake_per_year": 24})}
    exp = _experiment(sc, {NAME: _values(4), option: _values(4, 3.0, seed=1)}, 4)
    texts = [alt_text.alt_bars(exp, "caseload_mean", [option]),
             alt_text.alt_lines(exp, "Caseload", "caseload_mean", [option]),
             alt_text.alt_panels(exp, "Caseloads", [option], "caseload_mean", ""),
             alt_text.alt_differences(exp, NAME, [option], ["caseload_mean"]),
             alt_text.alt_waiting(exp, [option], [option], "NHS Winter Surge")]
    for text in texts:
        assert "1 options" not in text and "1 panels" not in text, text
    # one bar, not "each of 1 option" (audit 10B)
    assert "one bar with its 95% range" in texts[0] and "each of 1" not in texts[0]
    assert "in 1 panel," in texts[3]
    # before: "from the grow our own academy", "(nhs winter surge)"
    assert f"from the {NAME} with" in texts[3]
    assert "(NHS Winter Surge)" in texts[4]


# ------------------------------------------------------------------ a sensitivity analysis, edited
def test_report_refuses_a_sensitivity_analysis_whose_scenario_file_changed_since(tmp_path,
                                                                                capsys):
    import json

    from workbench.scenario import load_scenario

    from conftest import cli_refused
    from test_hostile_round7_cli import BASE, saved_sensitivity

    path = tmp_path / "ours.yaml"
    path.write_text(f"base: {BASE}\nname: Ours\ndescription: ours\n", encoding="utf-8")
    sens = saved_sensitivity(load_scenario(path), tmp_path, "sens")
    info = json.loads((sens / "result.json").read_text(encoding="utf-8"))
    assert info["scenario_digest"] == load_scenario(path).digest()
    path.write_text(f"base: {BASE}\nname: Ours\ndescription: ours\nacademy:\n  intake_per_year: 30\n",
                    encoding="utf-8")
    out = tmp_path / "r" / "report.html"
    cli_refused(capsys, ["report", str(path), "--sensitivity", str(sens), "--out", str(out)],
                "--sensitivity", "result.json", "'Ours'", "changed since",
                "workbench sensitivity")
    assert not out.parent.exists()


# ------------------------------------------------------------------ a variant keeping its base's words
def test_a_variant_saved_with_its_bases_description_reads_back_the_same(tmp_path):
    import shutil

    from workbench.scenario import load_scenario
    from workbench.scenario.save import save_variant

    from conftest import SCENARIOS

    shutil.copy(SCENARIOS / "baseline.yaml", tmp_path / "baseline.yaml")
    base = load_scenario(tmp_path / "baseline.yaml")
    same_words = base.replace({"name": "More academy", "academy.intake_per_year": 20})
    assert same_words.description == base.description
    # before: the description was left out as unchanged, and read back as "Variant of ..."
    path = save_variant(same_words, tmp_path / "baseline.yaml", what=["academy 20"])
    back = load_scenario(path)
    assert back.description == base.description
    assert back.digest() == same_words.digest()


# ------------------------------------------------------------------ from-published --base: every comment
def test_from_published_comments_name_the_base_used_not_england_average(tmp_path, capsys):
    from workbench.cli import main

    from conftest import SCENARIOS
    from test_hostile_round7_cli import PUBLISHED

    base = tmp_path / "bases" / "my_base.yaml"
    base.parent.mkdir()
    base.write_text(f"base: {SCENARIOS / 'england_average.yaml'}\nname: My own base\n"
                    "description: mine\n", encoding="utf-8")
    out = tmp_path / "durham.yaml"
    assert main(["from-published", "--la", "Durham", "--data", str(PUBLISHED), "--base",
                 str(base), "--out", str(out), "--no-check"]) == 0
    said = capsys.readouterr()
    text = out.read_text(encoding="utf-8")
    # before: the fields' comments and the notes said "england_average.yaml's ..." whatever
    # --base was, and that its values were calibrated to England's
    for where in (text, said.out, said.err):
        assert "england_average.yaml" not in where
        assert "calibrated to England's" not in where
    assert "my_base.yaml's" in text
    # the England-average base still says where its values came from
    ea = tmp_path / "ea.yaml"
    assert main(["from-published", "--la", "Durham", "--data", str(PUBLISHED), "--out", str(ea),
                 "--no-check"]) == 0
    assert "england_average.yaml's" in ea.read_text(encoding="utf-8")


# ------------------------------------------------------------------ the workbench's own notes
def test_a_replication_run_again_is_one_note_line_not_a_python_warning(tmp_path, capsys):
    from workbench.cli import main

    from conftest import SCENARIOS
    from test_hostile_round7_cli import BASE

    argv = ["compare", str(BASE), str(SCENARIOS / "academy_expansion.yaml"), "--replications", "2", "--years", "0.02",
            "--executor", "serial", "--no-progress", "--out", str(tmp_path / "cmp")]
    assert main(argv) == 0
    csv = sorted((tmp_path / "cmp" / "replications").glob("*.weekly.csv"))[0]
    csv.write_text(csv.read_text(encoding="utf-8")[:-40], encoding="utf-8")   # cut off
    capsys.readouterr()
    assert main(argv) == 0
    err = capsys.readouterr().err
    notes = [line for line in err.splitlines() if line.startswith("note: ")]
    # before: "/.../workbench/experiment/store.py:156: UserWarning: ..." and the source line
    assert any(csv.name in line for line in notes), err
    assert "UserWarning" not in err and "store.py" not in err and "warnings.warn" not in err


# ------------------------------------------------------------------ what the report command says
def test_the_report_command_says_only_what_it_does(tmp_path, capfd):
    from workbench.cli import main

    from conftest import SCENARIOS

    out = tmp_path / "report.html"
    assert main(["report", str(SCENARIOS / "baseline.yaml"), "--replications", "2", "--years",
                 "0.05", "--executor", "serial", "--out", str(out)]) == 0
    err = capfd.readouterr().err    # the kernel's own output too (another process, fd 2)
    # before: "Running 1 scenarios (0 options, 0 pressures applied to each)" and the kernel's
    # "WARNING | Kernel is running over TCP without encryption ... susceptible to eavesdropping"
    assert "Running 1 scenario (the baseline alone) x 2 replications" in err
    assert "TCP" not in err and "eavesdropping" not in err and "WARNING" not in err
    assert out.is_file()


# ------------------------------------------------------------------ right-to-left names on the terminal
def test_a_right_to_left_name_is_isolated_in_terminal_lines(tmp_path, capsys):
    from workbench.cli import main

    from test_hostile_round7_cli import BASE

    name = "خطة 2027"
    f = tmp_path / "plan.yaml"
    f.write_text(f"base: {BASE}\nname: {name}\ndescription: x\n", encoding="utf-8")
    fsi, pdi = "\u2068", "\u2069"
    # before: "plan.yaml: OK (خطة 2027: 3,955 open cases ...)", where the figures after the name
    # are drawn inside its right-to-left run and read in the wrong order
    assert main(["validate", str(f)]) == 0
    assert f"OK ({fsi}{name}{pdi}: " in capsys.readouterr().out
    assert main(["run", str(f), "--years", "0.05", "--out", str(tmp_path / "run")]) == 0
    assert f"{fsi}{name}{pdi}: one replication" in capsys.readouterr().out
    assert main(["compare", str(BASE), str(f), "--replications", "2", "--years", "0.05",
                 "--executor", "serial", "--no-progress", "--out", str(tmp_path / "cmp")]) == 0
    assert f"{fsi}{name}{pdi} vs Baseline: 2 paired" in capsys.readouterr().out


# ------------------------------------------------------------------ rows after a repeated title row
@pytest.mark.parametrize("stem", ["ssda903_episodes_2022", "ssda903_oc3_2022"])
def test_rows_after_a_repeated_title_row_keep_their_spreadsheet_numbers(stem, returns, tmp_path,
                                                                       capsys):
    from conftest import refused_returns

    path = returns / f"{stem}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(2, lines[0])                 # the titles again at spreadsheet row 3
    cols = lines[0].split(",")
    col = "REC" if "REC" in cols else "IN_TOUCH"
    cells = lines[4].split(",")               # spreadsheet row 5, after the repeat
    cells[cols.index(col)] = "Q9"
    lines[4] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # before: the bad cell was said at row 4, one short, as the repeated row had been dropped.
    # Since round 10 the file reader refuses the repeated titles first (delete them, then the
    # rows below are numbered as the spreadsheet will number them); nothing is misnumbered
    err = refused_returns(returns, tmp_path, capsys, f"{path.name}, row 3",
                          "repeats the column titles")
    assert f"{path.name}, row 4" not in err


# ------------------------------------------------------------------ the back-test's staff as the fit's
def test_the_back_tests_staff_are_the_fits_social_workers_in_the_templates_teams(tmp_path):
    import datetime as dt

    import pandas as pd

    from workbench.calibration import backtest, calibrate
    from workbench.calibration.extracts import read_cases, read_workforce
    from workbench.scenario import load_scenario

    from conftest import ROOT, SCENARIOS

    sample = ROOT / "data" / "sample"
    w = pd.read_csv(sample / "workforce.csv", dtype=str, keep_default_na=False)
    odd = w.copy()
    odd["Team"] = odd["Team"].str.replace("_", " ").str.title()     # "Families First"
    bosses = odd.drop_duplicates("Team").copy()                       # a manager in each team
    bosses["WorkerID"] = [f"M{i:04d}" for i in range(len(bosses))]
    bosses["OrgRole"] = "2"
    bosses["Cases30"] = ""
    odd = pd.concat([odd, bosses], ignore_index=True)
    odd.to_csv(tmp_path / "workforce.csv", index=False)
    template = load_scenario(SCENARIOS / "baseline.yaml")
    cases = read_cases(sample / "cases.csv")
    staffed = {}
    for name, path in (("plain", sample / "workforce.csv"), ("odd", tmp_path / "workforce.csv")):
        roster = read_workforce(path)
        cal = calibrate(cases, roster, template)
        bt = backtest(cal, cases, roster, dt.date(2022, 10, 1), dt.date(2023, 3, 31), reps=1,
                      mode="in-sample")
        staffed[name] = {t: [s.model_dump() for s in c.staff] for t, c in bt.scenario.teams.items()}
        staffed[name + " fte"] = float(bt.table.set_index("measure").loc["fte_in_post_end",
                                                                         "observed"])
    # before: the staff at the cut-off were the raw roster's: managers counted, and teams named
    # "Families First" not found, so those teams kept the fit's staff at the window's end
    assert staffed["odd"] == staffed["plain"]
    assert staffed["odd fte"] == staffed["plain fte"]
