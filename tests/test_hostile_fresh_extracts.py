"""A fresh hostile-input audit of calibration's inputs (issue 13's acceptance): broken extracts
and returns that were not in the first corpora (tests/test_extract_corpus.py, tests/test_returns.py).

Each was accepted (a silently wrong fit, or identifiers echoed as team names) or gave a
traceback. Each must now be refused by ``workbench calibrate`` with status 2, no traceback, a
message naming the file and the row and column (or field), and no identifier from the data
anywhere in what it prints.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from workbench.cli import main

from conftest import ROOT, return_ids, returns_copy, sample_text

RETURNS = ROOT / "data" / "returns"


@pytest.fixture(scope="module")
def sample():
    """The sample's first 600 rows' children (whole episodes) and its roster, as text."""
    return sample_text(600)


def ids_of(cases, roster) -> set[str]:
    return (set(cases.LAchildID) | set(cases.AllocatedWorker) | set(roster.WorkerID)) - {""}


def csv(df: pd.DataFrame, **kw) -> str:
    return df.to_csv(index=False, **kw)


def with_cell(df: pd.DataFrame, column: str, row: int, value: str) -> pd.DataFrame:
    out = df.copy()
    out.loc[row, column] = value
    return out


# name -> make(cases, roster) -> (cases text, roster text, what the message must say)
CASES = {
    # a traceback (_csv.Error) before
    "a cell of 300,000 characters": lambda c, w: (
        csv(with_cell(c, "Team", 2, "x" * 300_000)), csv(w),
        ["cases.csv, row 4:", "not a readable CSV file", "a cell longer than any value"]),
    # a hint rather than three 'required column is missing'
    "values separated by semicolons": lambda c, w: (
        csv(c, sep=";"), csv(w), ["cases.csv, row 1:", "separated by semicolons"]),
    "values separated by tabs": lambda c, w: (
        csv(c), csv(w, sep="\t"), ["workforce.csv, row 1:", "separated by tabs"]),
    # silently ambiguous before: pandas renamed the second to 'Team.1' and it was left out
    "the same column name twice": lambda c, w: (
        csv(c).replace("AllocatedWorker", "Team", 1), csv(w),
        ["cases.csv, row 1, column Team:", "gives this column twice (columns 22 and 23)"]),
    # 'the file has a header but no rows' before (and, read as CSV, a JSON file's header cells
    # can hold values)
    "a JSON file saved as .csv": lambda c, w: (
        c.head(20).to_json(), csv(w), ["cases.csv, row 1:", "not a CSV file", "JSON"]),
    # identifiers echoed in a note as 'roster teams [...]' before
    "worker ids in the roster's Team column": lambda c, w: (
        csv(c), csv(w.assign(Team=w.WorkerID)),
        ["workforce.csv, row 2, column Team:", "is an identifier", "not a name"]),
    "a child id in the cases' Team column": lambda c, w: (
        csv(with_cell(c, "Team", 3, c.LAchildID[3])), csv(w),
        ["cases.csv, row 5, column Team:", "is an identifier"]),
    "a child id in the roster's Team column": lambda c, w: (
        csv(c), csv(with_cell(w, "Team", 1, c.LAchildID[0])),
        ["workforce.csv, row 3, column Team:", "identifier from the other extract"]),
    # accepted before (silently out of the window, or a 120-year episode)
    "a referral in 1900 (a blank spreadsheet date)": lambda c, w: (
        csv(with_cell(c, "CINreferralDate", 10, "1900-01-01")), csv(w),
        ["cases.csv, row 12, column CINreferralDate:", "'1900-01-01' is before 1950"]),
    "a role start in 1899": lambda c, w: (
        csv(c), csv(with_cell(w, "RoleStartDate", 4, "30/12/1899")),
        ["workforce.csv, row 6, column RoleStartDate:", "before 1950"]),
    # 'the value (not shown: it may identify someone) is not a date' before: now what to do
    "a spreadsheet date number": lambda c, w: (
        csv(with_cell(c, "CINreferralDate", 4, "44562")), csv(w),
        ["cases.csv, row 6, column CINreferralDate:", "spreadsheet's date number",
         "format the column as a date"]),
    # inf was a number: Cases30 'inf' passed as a whole number, WorkingDaysLost 'inf' and 1e308
    # reached the fit (numpy overflow warnings, then '<calibrated scenario>: absence_pct inf')
    "a caseload of inf": lambda c, w: (
        csv(c), csv(with_cell(w, "Cases30", w.index[w.Cases30 != ""][0], "inf")),
        ["workforce.csv, row 2, column Cases30:", "is not a whole number"]),
    "a caseload of 1e300": lambda c, w: (
        csv(c), csv(with_cell(w, "Cases30", w.index[w.Cases30 != ""][0], "1e300")),
        ["workforce.csv, row 2, column Cases30:", "at most 1000"]),
    "days lost of inf": lambda c, w: (
        csv(c), csv(with_cell(w, "WorkingDaysLost", 2, "inf")),
        ["workforce.csv, row 4, column WorkingDaysLost:", "is not a number"]),
    "days lost of 1e308": lambda c, w: (
        csv(c), csv(with_cell(w, "WorkingDaysLost", 2, "1e308")),
        ["workforce.csv, row 4, column WorkingDaysLost:", "at most 262"]),
    # an FTE of 1e-300 was refused only as '<calibrated scenario>: 23 problem(s)'
    "an FTE of 1e-300": lambda c, w: (
        csv(c), csv(with_cell(w, "FTE", 1, "1e-300")),
        ["workforce.csv, row 3, column FTE:", "at least 0.01"]),
}


def run_calibrate(tmp_path, cases_text: str, roster_text: str, capsys, *extra: str):
    (tmp_path / "cases.csv").write_text(cases_text, encoding="utf-8", newline="")
    (tmp_path / "workforce.csv").write_text(roster_text, encoding="utf-8", newline="")
    code = main(["calibrate", "--cases", str(tmp_path / "cases.csv"), "--workforce",
                 str(tmp_path / "workforce.csv"), "--out", str(tmp_path / "out.yaml"),
                 "--report-dir", str(tmp_path / "rep"), "--no-backtest", *extra])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", sorted(CASES))
def test_fresh_broken_extract_is_refused_naming_row_and_column(name, sample, tmp_path, capsys):
    cases, roster = sample
    cases_text, roster_text, says = CASES[name](cases, roster)
    code, out, err = run_calibrate(tmp_path, cases_text, roster_text, capsys)
    assert code == 2, err
    assert "Traceback" not in out + err
    for part in says:
        assert part in err, f"{part!r} not in {err[:2000]!r}"
    leaked = [i for i in ids_of(cases, roster) if i in out + err]
    assert not leaked, f"identifiers in the message: {leaked[:3]}"
    assert not (tmp_path / "out.yaml").exists()


def test_old_mac_line_endings_and_times_of_midnight_are_read(sample, tmp_path, capsys):
    # CR-only line endings gave a _csv.Error traceback; '2021-04-01 00:00' (a spreadsheet's
    # date with a time) was 'not a date' on every row
    cases, roster = sample
    cases = cases.assign(CINreferralDate=cases.CINreferralDate + " 00:00")
    code, out, err = run_calibrate(tmp_path, csv(cases).replace("\n", "\r"),
                                   csv(roster).replace("\n", "\r"), capsys)
    assert code == 0, err
    assert (tmp_path / "out.yaml").exists()


# --------------------------------------------------------------------------------------------
# Returns
# --------------------------------------------------------------------------------------------
def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def two_authorities(d: Path) -> list[str]:
    replace_in(d / "cin_census_2023.xml", "<LEA>999</LEA>", "<LEA>123</LEA>")
    return ["returns of 2 authorities", "LEA 123: cin_census_2023.xml", "LEA 999"]


def a_year_twice(d: Path) -> list[str]:
    shutil.copy(d / "workforce_census_2022.csv", d / "workforce_census_2022_copy.csv")
    return ["2 workforce census returns for 2022", "workforce_census_2022_copy.csv",
            "give each year once"]


def a_copy_in_a_subfolder(d: Path) -> list[str]:
    (d / "old").mkdir()
    shutil.copy(d / "cin_census_2022.xml", d / "old" / "cin_census_2022.xml")
    return ["2 CIN census returns for 2022"]


def a_period_of_care_from_1900(d: Path) -> list[str]:
    replace_in(d / "ssda903_episodes_2022.csv", "18/07/2019", "18/07/1900")
    return ["ssda903_episodes_2022.csv, row 2, field DECOM:", "1900-07-18 is before 1950"]


def episodes_with_cr_line_endings_and_a_huge_cell(d: Path) -> list[str]:
    p = d / "ssda903_episodes_2022.csv"
    lines = p.read_text().splitlines()
    lines[1] = lines[1].replace("XXXXXXX", "Y" * 300_000)
    p.write_text("\r".join(lines) + "\r")
    return ["ssda903_episodes_2022.csv, row 2:", "a cell longer than any value"]


def episodes_with_semicolons(d: Path) -> list[str]:
    p = d / "ssda903_episodes_2022.csv"
    p.write_text(p.read_text().replace(",", ";"))
    return ["ssda903_episodes_2022.csv, row 1:", "separated by semicolons"]


@pytest.mark.parametrize("mistake", [two_authorities, a_year_twice, a_copy_in_a_subfolder,
                                     a_period_of_care_from_1900,
                                     episodes_with_cr_line_endings_and_a_huge_cell,
                                     episodes_with_semicolons], ids=lambda f: f.__name__)
def test_fresh_broken_returns_are_refused(mistake, tmp_path, capsys):
    d = returns_copy(tmp_path)
    says = mistake(d)
    code = main(["calibrate", "--returns", str(d), "--out", str(tmp_path / "out.yaml"),
                 "--report-dir", str(tmp_path / "rep"), "--no-backtest"])
    out, err = capsys.readouterr()
    assert code == 2, err
    assert "Traceback" not in out + err
    for part in says:
        assert part in err, f"{part!r} not in {err[:2000]!r}"
    assert not [i for i in return_ids() if i in out + err]
