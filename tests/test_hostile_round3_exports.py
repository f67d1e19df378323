"""A third hostile audit (issue 13), the downloads: text from scenario files that a spreadsheet
would run as a formula (CSV or formula injection). openpyxl wrote a scenario named
``=HYPERLINK("http://x","click")`` as a live formula in four sheets of the workbook (headers
included), and the labelled CSVs carried it as is; Excel runs both when a council officer opens
them. Each case is reduced to its essence; no model output is asserted.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from workbench.experiment import run_experiment
from workbench.present.export import (as_text, formula_like, workbook_bytes,
                                      write_labelled_csv)
from workbench.scenario import load_scenario

from conftest import SCENARIOS

HOSTILE = ['=HYPERLINK("http://x","click")', "=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(1)"]


@pytest.fixture(scope="module")
def exp():
    base = load_scenario(SCENARIOS / "baseline.yaml")
    scenarios = {"Baseline": base}
    for i, name in enumerate(HOSTILE):
        scenarios[name] = base.replace({"name": name, "academy.intake_per_year": 13 + i})
    return run_experiment(scenarios, replications=2, seed=3, years=0.05, executor="serial",
                          progress=False)


@pytest.mark.parametrize("text", HOSTILE + ["\tx", "\rx", "\uff1dSUM(1)", "-", "+"])
def test_text_that_starts_a_formula_is_kept_as_text(text):
    assert formula_like(text) and as_text(text) == "'" + text


@pytest.mark.parametrize("value", ["-2.5", "+3", "-12%", "1e-3", "-1,200.5", "Baseline",
                                   "'=already quoted", " =spaced", "", -2.5, 3, None])
def test_numbers_and_ordinary_text_are_untouched(value):
    assert not formula_like(value) and as_text(value) == value


def test_the_workbook_holds_no_formula_and_shows_the_names_as_written(exp):
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(exp)))
    seen = set()
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    assert cell.quotePrefix, (ws.title, cell.coordinate)
                    seen.add(cell.value.split(": ")[0])
    assert set(HOSTILE) <= seen  # shown as written (no added quote in the workbook)
    results = wb["Results"]
    header = [c.value for c in results[1]]
    assert f"{HOSTILE[0]}: average" in header
    numbers = [c.value for c in results[2][2:]]
    assert numbers and all(isinstance(v, (int, float)) for v in numbers)  # still numbers


def test_the_labelled_csvs_quote_formulas_and_keep_numbers(exp, tmp_path):
    written = write_labelled_csv(exp, tmp_path)
    for path in written.values():
        with path.open(encoding="utf-8-sig", newline="") as f:
            for row in csv.reader(f):
                for cell in row:
                    assert not formula_like(cell), (path.name, cell)
    diff = pd.read_csv(written["Differences"], encoding="utf-8-sig")
    assert set(diff["Scenario"]) == {"'" + n for n in HOSTILE}
    assert pd.api.types.is_numeric_dtype(diff["Difference"])
    results = pd.read_csv(written["Results"], encoding="utf-8-sig")
    assert f"'{HOSTILE[0]}: average" in results.columns
    assert all(pd.api.types.is_numeric_dtype(results[c]) for c in results.columns[2:])


def test_the_full_precision_csvs_quote_formulas_and_keep_numbers(exp, tmp_path):
    """kpis.csv, summary.csv, comparison.csv and weekly.csv (Experiment.save, what `workbench
    compare --out` writes beside the labelled ones) are opened in spreadsheets too."""
    written = exp.save(tmp_path, baseline="Baseline")
    assert {"kpis", "weekly", "summary", "comparison"} <= set(written)
    for path in written.values():
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.reader(f):
                for cell in row:
                    assert not formula_like(cell), (path.name, cell)
    kpis = pd.read_csv(written["kpis"])
    assert set(kpis["scenario"]) == {"Baseline"} | {"'" + n for n in HOSTILE}
    numbers = [c for c in kpis.columns if c not in ("scenario", "scenario_name", "digest")]
    assert all(pd.api.types.is_numeric_dtype(kpis[c]) for c in numbers), kpis.dtypes
