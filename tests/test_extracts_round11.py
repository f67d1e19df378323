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


def _slashed(v: str, first_of_month: bool, us: bool) -> str:
    if not v:
        return v
    y, m, d = v.split("-")
    d = "01" if first_of_month else d
    return f"{m}/{d}/{y}" if us else f"{d}/{m}/{y}"


def test_a_roster_whose_every_date_reads_either_way_round_is_noted():
    """A roster of first-of-the-month dates saved month first (04/01/2022 for 1 April) gives no
    sign of its order: it reads as 4 January without a problem, so it is said in a note."""
    from workbench.calibration.plausibility import note_extracts

    wf = pd.read_csv(SAMPLE / "workforce.csv", dtype=str, keep_default_na=False)
    for col in ("RoleStartDate", "RoleEndDate"):
        wf[col] = wf[col].map(lambda v: _slashed(v, True, us=True))
    roster = validate_workforce_frame(wf, "roster.csv")
    n = int((wf["RoleStartDate"] != "").sum() + (wf["RoleEndDate"] != "").sum())
    assert roster.either_way_dates == n
    notes = []
    note_extracts(notes, None, None, roster, {}, 0.0, 1.0)
    said = [x for x in notes if "either way round" in x]
    assert len(said) == 1 and said[0].startswith(f"roster.csv: each of its {n:,} dates")
    assert "month first (US order, MM/DD/YYYY)" in said[0] and "YYYY-MM-DD" in said[0]


def test_dates_that_show_their_order_are_not_noted():
    wf = pd.read_csv(SAMPLE / "workforce.csv", dtype=str, keep_default_na=False)
    assert validate_workforce_frame(wf, "roster.csv").either_way_dates == 0  # ISO dates
    uk = wf.copy()
    for col in ("RoleStartDate", "RoleEndDate"):
        uk[col] = uk[col].map(lambda v: _slashed(v, False, us=False))
    assert validate_workforce_frame(uk, "roster.csv").either_way_dates == 0  # a day above 12
    cases = _cases(200)
    for col in [c for c in cases.columns if c.endswith("Date")]:
        cases[col] = cases[col].map(lambda v: _slashed(v, False, us=False))
    assert validate_cases_frame(cases, "cases.csv").either_way_dates == 0
    same = wf.copy()  # 01/01/2022: the same either way round
    for col in ("RoleStartDate", "RoleEndDate"):
        same[col] = same[col].map(lambda v: f"01/01/{v[:4]}" if v else v)
    assert validate_workforce_frame(same, "roster.csv").either_way_dates == 0
