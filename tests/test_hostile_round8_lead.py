"""The eighth audit's leftovers mended by the lead (session 12): the compare command's exported
differences read as its printed table does. Each test failed before its fix."""
from __future__ import annotations

from test_hostile_round7_present import _experiment


def test_the_exported_differences_say_the_same_in_every_run_as_the_table_does(baseline):
    # compare printed "better in every run" for a difference of -1.0 in all three pairs, while
    # its differences_labelled.csv and workbook still said "not enough runs to tell"
    from workbench.present.export import _differences

    sc = {"Baseline": baseline, "Option": baseline.replace({"name": "Option"})}
    vals = {"Baseline": {"caseload_p90": [27.5, 26.25, 29.0], "open_cases_end": [4000., 4100., 3900.]},
            "Option": {"caseload_p90": [26.5, 25.25, 28.0], "open_cases_end": [4010., 4110., 3910.]}}
    diff = _differences(_experiment(sc, vals, 3), "Baseline").set_index("Measure")["Reading"]
    assert sorted(diff) == ["better in every run", "higher in every run"], diff


def test_a_folder_named_like_the_report_is_called_a_folder(tmp_path, capsys):
    from workbench.cli import main

    from conftest import ROOT

    (tmp_path / "r.html").mkdir()
    rc = main(["report", str(ROOT / "scenarios" / "baseline.yaml"), "--out",
               str(tmp_path / "r.html"), "--replications", "2", "--years", "0.1"])
    assert rc == 2
    assert "r.html: is a folder; give a file name ending in .html or .htm" in capsys.readouterr().err
