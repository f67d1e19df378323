"""A fresh hostile-input audit of the command line (issue 13's acceptance): arguments that once
gave a traceback, a hang or an absurd answer. Each must now stop before anything runs, with
status 2 and one message naming the option and what was expected, and leave nothing behind."""

from __future__ import annotations

import pytest

from workbench.cli import main

from conftest import cli_refused as refused
from conftest import ROOT

BASE = str(ROOT / "scenarios" / "baseline.yaml")
VARIANT = str(ROOT / "scenarios" / "demand_surge.yaml")
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture
def a_file(tmp_path):
    f = tmp_path / "afile"
    f.write_text("x")
    return f


# ------------------------------------------------------------------ run
def test_run_out_that_is_a_file(capsys, a_file):
    # was: FileExistsError traceback after the run
    refused(capsys, ["run", BASE, "--years", "0.1", "--out", str(a_file)],
            "--out", "exists and is not a folder")


def test_run_out_under_a_file(capsys, a_file):
    # was: NotADirectoryError traceback after the run
    refused(capsys, ["run", BASE, "--years", "0.1", "--out", str(a_file / "sub")],
            "--out", f"{a_file} exists and is not a folder")


def test_run_of_a_second(capsys, tmp_path):
    # was: accepted, and the cost per child came out as GBP 4.5 billion a year
    refused(capsys, ["run", BASE, "--years", "1e-9", "--out", str(tmp_path)],
            "--years", "at least 0.02", "about a week")
    assert not list(tmp_path.iterdir())


# ------------------------------------------------------------------ compare
def test_compare_a_billion_replications(capsys, tmp_path):
    # was: no message, still running after 4 minutes
    out = tmp_path / "c"
    refused(capsys, ["compare", BASE, VARIANT, "-r", "1000000000", "--out", str(out)],
            "--replications", "at most 10,000")
    assert not out.exists()


def test_compare_xlsx_under_a_file(capsys, tmp_path, a_file):
    # was: the replications ran, then the workbook could not be written
    out = tmp_path / "c"
    refused(capsys, ["compare", BASE, VARIANT, "-r", "2", "--out", str(out), "--xlsx",
                     str(a_file / "t.xlsx")], "--xlsx", "exists and is not a folder")
    assert not out.exists()


def test_compare_out_under_a_file(capsys, a_file):
    refused(capsys, ["compare", BASE, VARIANT, "-r", "2", "--out", str(a_file / "c")],
            "--out", "exists and is not a folder")


# ------------------------------------------------------------------ report
def report(tmp_path, *extra: str) -> list[str]:
    return ["report", BASE, "--replications", "2", "--years", "0.1", "--executor", "serial",
            "--out", str(tmp_path / "r.html"), *extra]


def test_report_out_that_is_a_folder(capsys, tmp_path):
    # was: IsADirectoryError traceback after every replication and the notebook had run
    refused(capsys, ["report", BASE, "--replications", "2", "--out", str(tmp_path)],
            "--out", "is a folder")


def test_report_warm_up_longer_than_the_run(capsys, tmp_path):
    # was: ValueError traceback from the experiment
    refused(capsys, report(tmp_path, "--warmup-days", "100000"),
            "--warmup-days 100000", "not shorter than the horizon", "Baseline")


def test_report_stress_test_that_is_no_scenario(capsys, tmp_path):
    # was: silently ignored, and the report said nothing of the stress test asked for
    refused(capsys, report(tmp_path, "--stress", "<nope>"),
            "--stress '<nope>'", "not the name of a scenario", "'Baseline'")


@pytest.mark.parametrize("logo", ["/dev/zero", "folder"])
def test_report_logo_that_is_no_file(capsys, tmp_path, logo):
    # was: /dev/zero read until memory ran out (killed after 86 s)
    path = str(tmp_path) if logo == "folder" else logo
    refused(capsys, report(tmp_path, "--logo", path), "--logo", "not a regular file")


def test_report_a_billion_replications(capsys, tmp_path):
    refused(capsys, report(tmp_path)[:2] + ["--replications", "1000000000"],
            "--replications", "at most 10,000")


# ------------------------------------------------------------------ calibrate
def calibrate(tmp_path, *extra: str, out: str | None = None) -> list[str]:
    return ["calibrate", "--cases", str(SAMPLE / "cases.csv"), "--workforce",
            str(SAMPLE / "workforce.csv"), "--out", out or str(tmp_path / "x.yaml"),
            "--report-dir", str(tmp_path / "rep"), "--no-backtest", *extra]


def test_calibrate_out_that_is_a_folder_named_yaml(capsys, tmp_path):
    # was: IsADirectoryError traceback after the whole fit
    folder = tmp_path / "dir.yaml"
    folder.mkdir()
    refused(capsys, calibrate(tmp_path, out=str(folder)), "--out", "is a folder")


def test_calibrate_report_dir_that_is_a_file(capsys, tmp_path, a_file):
    # was: FileExistsError traceback after the whole fit
    argv = calibrate(tmp_path)
    argv[argv.index("--report-dir") + 1] = str(a_file)
    refused(capsys, argv, "--report-dir", "exists and is not a folder")


@pytest.mark.parametrize("option, value, says", [
    ("--name", "x\u202ey", "U+202E"),        # was: accepted into the scenario and its tables
    ("--authority", "a\nb", "one line"),     # was: accepted, on two lines in the report heading
    ("--name", "n" * 300, "at most 200"),    # was: refused after the fit, as '<calibrated scenario>'
])
def test_calibrate_name_and_authority_are_checked_before_the_fit(capsys, tmp_path, option, value,
                                                                 says):
    err = refused(capsys, calibrate(tmp_path, option, value), option, says)
    assert "calibrated scenario" not in err
    assert not (tmp_path / "x.yaml").exists() and not (tmp_path / "rep").exists()


def test_a_seed_of_five_thousand_digits_is_not_echoed_whole(capsys, tmp_path):
    # was: the 5,000 digits printed back in the message
    err = refused(capsys, ["run", BASE, "--seed", "9" * 5000, "--out", str(tmp_path)],
                  "--seed", "must be a whole number", "5,000 characters")
    assert len(err) < 1000
