"""``workbench compare``: the comparison table, the CSV tables, resume, and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from workbench.cli import build_parser, main
from workbench.experiment import replication_seed

from conftest import SCENARIOS

BASE = SCENARIOS / "baseline.yaml"


@pytest.fixture
def variant(tmp_path) -> Path:
    p = tmp_path / "more_demand.yaml"
    p.write_text(f"base: {BASE}\nname: More demand\ndemand:\n  referrals_per_year: 6600\n")
    return p


def test_compare_is_registered():
    help_text = build_parser().format_help()
    assert "compare" in help_text


def test_compare_prints_a_table_and_writes_csv_tables(variant, tmp_path, capsys):
    out = tmp_path / "cmp"
    argv = ["compare", str(BASE), str(variant), "--replications", "2", "--years", "0.25",
            "--seed", "5", "--executor", "serial", "--out", str(out), "--no-progress"]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "More demand vs Baseline: 2 paired replication(s)" in text
    header = next(line for line in text.splitlines() if line.startswith("Measure"))
    for col in ("Baseline", "More demand", "difference", "95% CI", "reading"):
        assert col in header
    # measures by their registry labels, not code names; no '*' marks
    assert any(line.startswith("Children referred a year") and "[" in line
               for line in text.splitlines())
    assert "referrals_per_year" not in text and " *" not in text
    for name in ("kpis.csv", "weekly.csv", "summary.csv", "comparison.csv"):
        assert (out / name).is_file(), name
    kpis = pd.read_csv(out / "kpis.csv")
    assert len(kpis) == 4 and set(kpis.scenario) == {"Baseline", "More demand"}
    assert set(kpis.seed) == {replication_seed(5, 0), replication_seed(5, 1)}
    comp = pd.read_csv(out / "comparison.csv")
    assert set(comp.scenario) == {"More demand"} and set(comp.baseline) == {"Baseline"}
    assert {"difference", "ci_low", "ci_high"} <= set(comp.columns)
    row = comp.set_index("kpi").loc["referrals_per_year"]
    assert row["ci_low"] <= row["difference"] <= row["ci_high"]
    assert len(list((out / "replications").glob("*__seed*.json"))) == 4

    # the same command again loads the finished replications
    assert main(argv) == 0
    assert "0 replication(s) run, 4 loaded" in capsys.readouterr().out
    pd.testing.assert_frame_equal(pd.read_csv(out / "kpis.csv"), kpis)


@pytest.mark.parametrize("extra, message", [
    (["--replications", "0"], "--replications must be at least 1, got 0"),
    (["--replications", "many"], "--replications must be a whole number"),
    (["--replications", "2", "--seed", "-3"], "--seed must be at least 0"),
    (["--replications", "2", "--years", "0"], "--years must be at least 0.02"),
    (["--replications", "2", "--workers", "0"], "--workers must be at least 1"),
    (["--replications", "2", "--warmup-days", "-1"], "--warmup-days must be at least 0"),
    (["--replications", "2", "--years", "0.1", "--warmup-days", "40"], "not shorter than"),
    (["--replications", "2", "--scheduler", "tcp://x:1"], "--scheduler only applies"),
])
def test_bad_parameters_give_one_line_before_anything_runs(variant, tmp_path, capsys, extra,
                                                           message):
    out = tmp_path / "never"
    rc = main(["compare", str(BASE), str(variant), "--out", str(out), "--no-progress", *extra])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.startswith("error: ") and message in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert not out.exists()


def test_missing_file_and_single_scenario(variant, tmp_path, capsys):
    out = tmp_path / "never"
    rc = main(["compare", str(BASE), str(tmp_path / "missing.yaml"), "-r", "2", "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 2 and "missing.yaml: scenario file not found" in err
    assert len(err.strip().splitlines()) == 1
    rc = main(["compare", str(BASE), "-r", "2", "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 2 and "at least one variant" in err
    rc = main(["compare", str(BASE), str(BASE), "-r", "2", "--out", str(out)])
    assert rc == 2 and "twice" in capsys.readouterr().err
    assert not out.exists()


def test_invalid_scenario_is_reported_without_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"base: {BASE}\nname: Bad\ndemand:\n  referrals_per_year: -5\n")
    rc = main(["compare", str(BASE), str(bad), "-r", "2", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 2 and "referrals_per_year" in err and "Traceback" not in err
