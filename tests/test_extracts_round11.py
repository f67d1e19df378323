"""Session 15's extract checks: a column saved with two-digit years is said once, not once a
row; a date that did not read is not also said to be blank by the checks between columns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbench.calibration.extracts import validate_cases_frame, validate_workforce_frame

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"


def _cases(n: int = 60) -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "cases.csv", dtype=str, keep_default_na=False).head(n)


def _two_digit(v: str) -> str:
    if not v:
        return v
    y, m, d = v.split("-")
    return f"{d}/{m}/{y[2:]}"


def test_a_column_of_two_digit_years_is_one_problem_naming_its_count_and_rows():
    df = _cases()
    df["CINreferralDate"] = df["CINreferralDate"].map(_two_digit)
    problems = []
    assert validate_cases_frame(df, "cases.csv", problems) is None
    said = [p for p in problems if p.column == "CINreferralDate"]
    assert len(said) == 1, [str(p) for p in said]
    text = str(said[0])
    assert "cases.csv, row 2, column CINreferralDate" in text
    assert f"{len(df)} dates (rows 2 to {len(df) + 1}) have a two-digit year" in text
    assert "four digits" in text
    for v in df["CINreferralDate"]:  # no value quoted
        assert v not in text


def test_one_two_digit_year_is_said_at_its_row_as_before():
    df = _cases()
    df.loc[4, "CINreferralDate"] = _two_digit(df.loc[4, "CINreferralDate"])
    problems = []
    validate_cases_frame(df, "cases.csv", problems)
    said = [str(p) for p in problems if p.column == "CINreferralDate"]
    assert len(said) == 1 and "row 6," in said[0] and "a two-digit year" in said[0]


def test_an_unreadable_plan_start_is_not_also_said_to_be_blank():
    df = _cases(400)
    has_plan = (df["CINPlanStartDate"] != "") & (df["CINPlanEndDate"] != "")
    i = df.index[has_plan][0]
    df.loc[i, "CINPlanDisability"] = "1"
    df.loc[i, "CINPlanStartDate"] = "31/31/2022"
    df.loc[i, "CINPlanEndDate"] = "not a date"
    problems = []
    validate_cases_frame(df, "cases.csv", problems)
    row = [str(p) for p in problems if p.row == i + 2]
    assert any("CINPlanStartDate" in p and "is not a date" in p for p in row), row
    assert any("CINPlanEndDate" in p and "is not a date" in p for p in row), row
    assert not any("is blank" in p or "blank although" in p for p in row), row
    # a plan start that is blank is still said
    df.loc[i, "CINPlanStartDate"] = ""
    problems = []
    validate_cases_frame(df, "cases.csv", problems)
    assert any("CINPlanStartDate is blank" in str(p) for p in problems if p.row == i + 2)


def test_an_unreadable_leaving_date_is_not_also_said_to_be_blank():
    wf = pd.read_csv(SAMPLE / "workforce.csv", dtype=str, keep_default_na=False)
    i = wf.index[(wf["ReasonLeave"] != "") & (wf["RoleEndDate"] != "")][0]
    wf.loc[i, "RoleEndDate"] = "soon"
    problems = []
    validate_workforce_frame(wf, "workforce.csv", problems)
    row = [str(p) for p in problems if p.row == i + 2]
    assert any("RoleEndDate" in p and "is not a date" in p for p in row), row
    assert not any("RoleEndDate is blank" in p for p in row), row
    wf.loc[i, "RoleEndDate"] = ""
    problems = []
    validate_workforce_frame(wf, "workforce.csv", problems)
    assert any("RoleEndDate is blank" in str(p) for p in problems if p.row == i + 2)
