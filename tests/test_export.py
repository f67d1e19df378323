"""Export for briefings (issue 14): an Excel workbook with labelled sheets and rounded numbers, and
labelled CSVs beside the full-precision ones, from the Python API and ``workbench compare``.

Model numbers change as the model does: these tests check structure, labels and rounding, never
a particular result.
"""

from __future__ import annotations

import math

import openpyxl
import pandas as pd
import pytest

from workbench import __version__
from workbench.analysis.registry import KPIS
from workbench.cli import main
from workbench.experiment import run_experiment
from workbench.present.export import (export_tables, weekly_label, workbook_bytes,
                                      write_labelled_csv, write_workbook)
from workbench.decision.levers import build_scenario

from conftest import SCENARIOS

READINGS = {"better", "worse", "no clear change", "higher", "lower", "not enough runs to tell",
            "too small to show", "one run: cannot tell", "no value to compare",
            "no change in any run",  # session 18: exactly the same value in every pair
            *(f"{w} in every run" for w in ("better", "worse", "higher", "lower"))}


@pytest.fixture(scope="module")
def exp():
    from workbench.scenario import load_scenario

    base = load_scenario(SCENARIOS / "baseline.yaml")
    mine = build_scenario(base, {"academy_intake_per_year": 24, "agency_cap_pct": 10},
                          name="Academy 24 + agency cap 10%", years=0.25)
    return run_experiment({"Baseline": base, mine.name: mine}, replications=2, seed=3,
                          years=0.25, executor="serial", progress=False)


def decimals(x) -> int:
    text = repr(float(x))
    return 0 if text.endswith(".0") else len(text.split(".")[1])


def test_the_workbook_has_a_labelled_sheet_per_table(exp, tmp_path):
    path = write_workbook(exp, tmp_path / "results.xlsx",
                          files={"Baseline": SCENARIOS / "baseline.yaml"})
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Results", "Differences", "Weekly", "Run details"]
    res = wb["Results"]
    header = [c.value for c in res[1]]
    assert header[:2] == ["Measure", "Unit"]
    assert "Academy 24 + agency cap 10%: average" in header
    assert "Baseline: 95% range from" in header and "Baseline: 95% range to" in header
    measures = [r[0].value for r in res.iter_rows(min_row=2)]
    assert KPIS["assessment_within_45wd_pct"].label in measures
    assert not any(m in KPIS for m in measures)  # labels, never code names
    units = {r[0].value: r[1].value for r in res.iter_rows(min_row=2)}
    assert units[KPIS["cost_gbp"].label] == "£ million"
    assert units[KPIS["assessment_within_45wd_pct"].label] == "%"
    for row in res.iter_rows(min_row=2, values_only=True):
        k = next(k for k in KPIS.values() if k.label == row[0])
        for v in row[2:]:
            if v is not None:
                assert isinstance(v, (int, float)) and decimals(v) <= k.display_digits, (row, v)
    diff = pd.read_excel(path, sheet_name="Differences")
    assert set(diff["Reading"]) <= READINGS
    assert set(diff["Scenario"]) == {"Academy 24 + agency cap 10%"}
    assert set(diff["Compared with"]) == {"Baseline"}
    # (one "Unit" column said "percentage points" of the averages too: each has its own now)
    assert "percentage points" in set(diff["Unit of the difference"])
    timely = diff[diff["Measure"] == KPIS["assessment_within_45wd_pct"].label].iloc[0]
    assert (timely["Unit of the averages"], timely["Unit of the difference"]) == (
        "%", "percentage points")
    shown = diff.select_dtypes("number").to_numpy().ravel()
    assert not any(v == 0 and math.copysign(1, v) < 0 for v in shown)   # no "-0.0"
    weekly = pd.read_excel(path, sheet_name="Weekly")
    assert {"Scenario", "Week", "Week starting", "Children waiting for a social worker"} <= set(weekly.columns)
    assert weekly.groupby("Scenario").size().nunique() == 1  # the same weeks for both
    details = dict(pd.read_excel(path, sheet_name="Run details").values)
    assert details["Workbench version"] == __version__
    assert str(details["Replications per scenario"]) == "2"
    seeds = sorted(exp.kpis.loc[exp.kpis.scenario == "Baseline", "seed"])
    assert details["Seeds of the runs"] == ", ".join(str(s) for s in seeds)
    assert "Academy 24 + agency cap 10%" in details["Scenarios"]
    assert any(str(k).startswith("Scenario file: Baseline") for k in details)


def test_one_scenario_has_no_differences_sheet_and_bytes_match_the_file(exp, tmp_path):
    one = run_experiment({"Baseline": exp.scenarios["Baseline"]}, replications=2, seed=3,
                         years=0.1, executor="serial", progress=False)
    tables = export_tables(one)
    assert list(tables) == ["Results", "Weekly", "Run details"]
    data = workbook_bytes(one)
    assert data[:2] == b"PK"  # a zip: what an .xlsx is
    import io

    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames == list(tables)


def test_labelled_csvs_sit_beside_the_full_precision_ones(exp, tmp_path):
    exp.save(tmp_path)
    written = write_labelled_csv(exp, tmp_path)
    assert {p.name for p in written.values()} == {
        "results_labelled.csv", "differences_labelled.csv", "weekly_labelled.csv",
        "run_details_labelled.csv"}
    raw = pd.read_csv(tmp_path / "summary.csv")
    assert "assessment_within_45wd_pct" in set(raw["kpi"])  # code names, full precision
    assert max(decimals(v) for v in raw["mean"].dropna()) > 2
    labelled = pd.read_csv(tmp_path / "results_labelled.csv", encoding="utf-8-sig")
    assert labelled.columns[0] == "Measure"
    assert KPIS["assessment_within_45wd_pct"].label in set(labelled["Measure"])
    assert (tmp_path / "results_labelled.csv").read_bytes()[:3] == b"\xef\xbb\xbf"


def test_weekly_labels():
    assert weekly_label("unallocated") == "Children waiting for a social worker"
    assert weekly_label("agency_share_pct") == (f"{KPIS['agency_share_pct'].label} (%)")
    # (round 16, H89: the stage by its plain name, as the report gives it, not its code "cin")
    assert weekly_label("open_cin") == "Open cases: Child in need plan"
    assert weekly_label("something_new_pct") == "Something new (%)"


def test_compare_writes_the_workbook_with_xlsx(tmp_path, capsys):
    variant = tmp_path / "more.yaml"
    variant.write_text(f"base: {SCENARIOS / 'baseline.yaml'}\nname: More demand\n"
                       "demand:\n  referrals_per_year: 6600\n")
    out, xlsx = tmp_path / "cmp", tmp_path / "briefing.xlsx"
    assert main(["compare", str(SCENARIOS / "baseline.yaml"), str(variant), "-r", "2",
                 "--years", "0.1", "--executor", "serial", "--out", str(out), "--no-progress",
                 "--xlsx", str(xlsx)]) == 0
    text = capsys.readouterr().out
    assert f"Wrote the Excel workbook {xlsx}" in text
    assert openpyxl.load_workbook(xlsx).sheetnames == ["Results", "Differences", "Weekly",
                                                       "Run details"]
    assert (out / "differences_labelled.csv").is_file() and (out / "comparison.csv").is_file()
    assert main(["compare", str(SCENARIOS / "baseline.yaml"), str(variant), "-r", "2",
                 "--out", str(out), "--xlsx", str(tmp_path / "x.csv")]) == 2
    assert "ending in .xlsx" in capsys.readouterr().err
