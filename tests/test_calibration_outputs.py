"""Calibration: the command end to end on the bundled synthetic sample, the files it writes, and
that no identifier from the extracts reaches any of them (only aggregates leave)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from workbench.calibration.extracts import read_extracts
from workbench.cli import main
from workbench.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"


def ids_in_extracts(cases: Path, workforce: Path) -> set[str]:
    c = pd.read_csv(cases, dtype=str, keep_default_na=False)
    w = pd.read_csv(workforce, dtype=str, keep_default_na=False)
    ids = set(c.LAchildID) | set(c.AllocatedWorker) | set(w.WorkerID)
    return {i for i in ids if i}


def assert_no_ids(folder_files: list[Path], ids: set[str]) -> None:
    child_like = {i for i in ids}
    for f in folder_files:
        data = f.read_bytes()
        if f.suffix in (".png",):
            hits = [i for i in child_like if i.encode() in data]
        else:
            tokens = set(re.findall(r"[A-Za-z0-9]+", data.decode("utf-8", errors="replace")))
            hits = sorted(tokens & child_like)
        assert not hits, f"{f.name} contains identifiers from the extracts: {hits[:5]}"


def test_sample_is_small_synthetic_and_valid():
    cases, workforce = SAMPLE / "cases.csv", SAMPLE / "workforce.csv"
    assert cases.stat().st_size + workforce.stat().st_size < 2_000_000
    readme = (SAMPLE / "README.md").read_text()
    assert "synthetic" in readme.lower() and "fictional" in readme.lower()
    c, r = read_extracts(cases, workforce)
    assert len(c.episodes) > 1000 and len(r.workers) > 20
    load_scenario(SAMPLE / "truth.yaml")


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cal")
    out = tmp / "northmoor.yaml"
    report = tmp / "report"
    code = main(["calibrate", "--cases", str(SAMPLE / "cases.csv"), "--workforce",
                 str(SAMPLE / "workforce.csv"), "--out", str(out), "--report-dir", str(report),
                 "--reps", "2", "--name", "Northmoor calibrated"])
    assert code == 0
    return out, report


def test_calibrate_writes_a_valid_commented_scenario(calibrated, capsys):
    out, report = calibrated
    sc = load_scenario(out)
    assert sc.name == "Northmoor calibrated"
    assert str(sc.start_date) == "2023-04-01"
    assert "2021-04-01 to 2023-03-31" in sc.description
    assert "calibration" in sc.sources
    text = out.read_text()
    assert re.search(r"referrals_per_year: [0-9.]+\s+# fitted|# fitted \(2021-04-01 to 2023-03-31\): Poisson", text)
    assert "# from baseline.yaml:" in text
    assert "assumed (not in the extracts)" in text
    assert main(["validate", str(out)]) == 0
    # the YAML round-trips to the scenario's own data
    assert load_scenario(out).to_dict() == sc.to_dict()
    raw = yaml.safe_load(text)
    assert raw["workforce"]["turnover_pct_per_year"]["experienced"] > 0


def test_calibrate_writes_fit_table_and_backtest(calibrated):
    out, report = calibrated
    fit = pd.read_csv(report / "fit_table.csv")
    assert list(fit.columns[:6]) == ["parameter", "estimate", "lower", "upper", "n", "method"]
    assert {"demand.referrals_per_year", "front_door.nfa_pct", "stages.cp.duration_days.mean",
            "workforce.turnover_pct_per_year.experienced"} <= set(fit.parameter)
    bt = pd.read_csv(report / "backtest_out_of_sample.csv")
    assert {"referrals", "assessment_within_45wd_pct", "open_cp_end", "caseload_mean_end",
            "leavers"} <= set(bt.measure)
    assert set(bt.verdict) <= {"inside range", "within tolerance", "outside", "not comparable"}
    # out of sample by default, labelled on every row, with the naive forecasts beside the model
    assert set(bt.comparison) == {"out-of-sample"}
    assert {"sim_mean", "naive_last_year", "naive_trend", "better_than_naive"} <= set(bt.columns)
    assert set(bt.better_than_naive.dropna()) <= {"yes", "no", "as close", "no naive forecast"}
    assert not (report / "backtest_in_sample.csv").exists()     # never mixed with in-sample
    text = (report / "backtest_out_of_sample.txt").read_text()
    assert text.startswith("Out-of-sample back-test: fitted on 2021-04-01 to 2022-03-31")
    for name in ("backtest_out_of_sample_weekly.csv", "backtest_out_of_sample_open_cases.png",
                 "backtest_out_of_sample_measures.png"):
        assert (report / name).stat().st_size > 0


def test_no_identifier_from_the_extracts_in_any_output(calibrated):
    out, report = calibrated
    ids = ids_in_extracts(SAMPLE / "cases.csv", SAMPLE / "workforce.csv")
    assert len(ids) > 1000
    files = [out] + sorted(p for p in report.iterdir() if p.is_file())
    assert len(files) >= 7
    assert_no_ids(files, ids)


def test_synthesize_writes_extracts_that_validate(tmp_path):
    code = main(["synthesize", "--out", str(tmp_path), "--scale", "0.1", "--years", "1",
                 "--seed", "3"])
    assert code == 0
    c, r = read_extracts(tmp_path / "cases.csv", tmp_path / "workforce.csv")
    assert len(c.episodes) > 100
    ids = pd.read_csv(tmp_path / "cases.csv", dtype=str).LAchildID
    assert ids.str.fullmatch(r"C[0-9A-F]{9}").all()          # random ids, not the model's


def test_calibrate_rejects_a_bad_out_name(tmp_path, capsys):
    code = main(["calibrate", "--cases", str(SAMPLE / "cases.csv"), "--workforce",
                 str(SAMPLE / "workforce.csv"), "--out", str(tmp_path / "x.txt"), "--no-backtest"])
    assert code == 2
    assert "give a file name ending in .yaml or .yml" in capsys.readouterr().err
