"""Audit 10B of the scrutiny report's page, PDF and command: names that differ only by case or
spaces are one name; the baseline is never a stress test; the PDF's path is checked before
anything runs; a long name wraps at 320 px; the PDF prints its body text at its own size however
many scenarios there are; "Run time" is the time the runs took, not the time of reloading them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.scenario import ScenarioError, load_scenarios

from conftest import cli_refused

ROOT = Path(__file__).resolve().parents[1]
SC = ROOT / "scenarios"


def _variant(folder: Path, file: str, name: str, extra: str = "") -> Path:
    path = folder / file
    path.write_text(f"base: {SC / 'baseline.yaml'}\nname: {name!r}\n{extra}", encoding="utf-8")
    return path


# ------------------------------------------------------------------ names (item 4)
@pytest.mark.parametrize("name", ["Baseline ", "baseline", "  BASELINE", "BaseLine"])
def test_a_name_differing_only_by_case_or_spaces_is_refused_naming_both_files(tmp_path, name):
    same = _variant(tmp_path, "same.yaml", name, "agency: {cap_share_pct: 5}\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenarios([SC / "baseline.yaml", same])
    msg = str(exc.value)
    assert str(same) in msg and str(SC / "baseline.yaml") in msg
    assert "only by letter case or spaces" in msg


def test_spaces_inside_a_name_count_once_and_different_names_pass(tmp_path):
    a = _variant(tmp_path, "a.yaml", "Agency  cap", "agency: {cap_share_pct: 5}\n")
    b = _variant(tmp_path, "b.yaml", "agency cap", "agency: {cap_share_pct: 6}\n")
    with pytest.raises(ScenarioError, match="only by letter case or spaces"):
        load_scenarios([SC / "baseline.yaml", a, b])
    c = _variant(tmp_path, "c.yaml", "Agency cap 6", "agency: {cap_share_pct: 6}\n")
    assert list(load_scenarios([SC / "baseline.yaml", a, c])) == ["Baseline", "Agency  cap",
                                                                   "Agency cap 6"]


def test_the_report_refuses_a_near_duplicate_name_before_anything_runs(tmp_path, capsys):
    same = _variant(tmp_path, "same.yaml", "baseline ", "agency: {cap_share_pct: 5}\n")
    out = tmp_path / "rep" / "report.html"
    cli_refused(capsys, ["report", str(SC / "baseline.yaml"), str(same), "--replications", "2",
                         "--years", "0.25", "--warmup-days", "0", "--out", str(out)],
                "'baseline '", "'Baseline'", "only by letter case or spaces")
    assert not out.parent.exists()


# ------------------------------------------------------------------ --stress (item 5)
def test_the_baseline_named_as_a_stress_test_is_refused_in_words(tmp_path, capsys):
    out = tmp_path / "rep" / "report.html"
    err = cli_refused(capsys, ["report", str(SC / "baseline.yaml"),
                               str(SC / "retention_payment.yaml"), "--stress", "Baseline",
                               "--replications", "2", "--years", "0.25", "--warmup-days", "0",
                               "--out", str(out)],
                      "--stress 'Baseline'", "the baseline cannot be a stress test",
                      "name a variant", "'Retention payment'")
    assert "Running" not in err
    assert not out.parent.exists()


# ------------------------------------------------------------------ output paths (item 6)
def test_a_pdf_path_that_is_a_folder_is_refused_before_anything_runs(tmp_path, capsys):
    (tmp_path / "rep.pdf").mkdir()
    out = tmp_path / "rep.html"
    err = cli_refused(capsys, ["report", str(SC / "baseline.yaml"), "--replications", "2",
                               "--years", "0.25", "--warmup-days", "0", "--out", str(out),
                               "--pdf", "--executor", "serial"],
                      f"--pdf {tmp_path / 'rep.pdf'}", "is a folder")
    assert "Running" not in err and "warm-up" not in err
    assert not (tmp_path / "rep_experiment").exists() and not out.exists()


def test_check_pdf_gives_the_pdf_beside_out_and_refuses_a_path_in_a_file(tmp_path):
    from workbench.cli.report import check_pdf
    from workbench.errors import UserError

    (tmp_path / "blocked").write_text("a file where a folder would be\n", encoding="utf-8")
    with pytest.raises(UserError, match="exists and is not a folder"):
        check_pdf(tmp_path / "blocked" / "rep.html")
    assert check_pdf(tmp_path / "rep.html") == tmp_path / "rep.pdf"


def test_the_notebook_and_experiment_paths_are_checked_before_anything_runs(tmp_path, capsys):
    (tmp_path / "rep.ipynb").mkdir()
    cli_refused(capsys, ["report", str(SC / "baseline.yaml"), "--replications", "2", "--years",
                         "0.25", "--warmup-days", "0", "--out", str(tmp_path / "rep.html")],
                "rep.ipynb", "is a folder")
    assert not (tmp_path / "rep_experiment").exists()
    (tmp_path / "other_experiment").write_text("not a folder\n", encoding="utf-8")
    cli_refused(capsys, ["report", str(SC / "baseline.yaml"), "--replications", "2", "--years",
                         "0.25", "--warmup-days", "0", "--out", str(tmp_path / "other.html")],
                "other_experiment", "exists and is not a folder")


# ------------------------------------------------------------------ run time (item 1)
def test_run_time_of_loaded_runs_is_the_time_they_took_when_made(small, tmp_path):
    """The report's notebook loads the replications the command ran: its "Run time" is the time
    those runs took (as recorded when they were made), said to be loaded, never the time of
    reading them back."""
    import math

    from workbench.experiment import run_experiment

    sc = {"Small": small(years=0.25)}
    made = run_experiment(sc, replications=2, seed=5, warmup_days=0, executor="serial",
                          out=tmp_path, name="x", progress=False)
    assert made.n_run == 2 and made.run_time() == f"{made.elapsed_s:.1f} s on the serial executor"
    again = run_experiment(sc, replications=2, seed=5, warmup_days=0, executor="serial",
                           out=tmp_path, name="x", progress=False)
    assert again.n_run == 0 and again.n_loaded == 2
    took = float(made.runs["elapsed_s"].sum())
    assert math.isclose(again.made_s(), took, rel_tol=1e-9)
    assert again.elapsed_s < took  # reading them back is quicker than running them
    words = again.run_time()
    assert words == (f"2 runs loaded from {again.out_dir}; they took {took:.1f} s when made "
                     f"(each run's time, added up)")
    assert f"{again.elapsed_s:.1f} s on" not in words
