"""Audit 9b (returns CSV readers): a return that lost its CHILD column, a column missing from
one year's workforce census, where a year taken from a folder is said to come from, and a blank
RNE. Each test builds a mutated copy of data/returns in tmp_path."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from workbench.calibration.extracts import ExtractError
from workbench.calibration.returns import read_returns

RETURNS = Path(__file__).resolve().parents[1] / "data" / "returns"


@pytest.fixture
def returns(tmp_path):
    out = tmp_path / "returns"
    shutil.copytree(RETURNS, out)
    return out


def _ids() -> set[str]:
    """Every child's and worker's identifier in the bundled returns (none may be quoted)."""
    ids = set()
    for p in RETURNS.glob("*.csv"):
        df = pd.read_csv(p, dtype=str)
        for c in ("CHILD", "SWENo"):
            if c in df:
                ids.update(df[c].dropna().str.strip())
    return ids - {""}


def _refused(folder: Path) -> str:
    with pytest.raises(ExtractError) as exc:
        read_returns(folder)
    text = str(exc.value)
    leaked = [i for i in _ids() if re.search(rf"(?<![A-Za-z0-9]){re.escape(i)}(?![A-Za-z0-9])", text)]
    assert not leaked, "an identifier is quoted"
    return text


def _drop(path: Path, *columns: str) -> None:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.drop(columns=list(columns)).to_csv(path, index=False)


# ------------------------------------------------------------------ 1. a return without CHILD
@pytest.mark.parametrize("file, also", [
    ("ssda903_oc3_2023.csv", ()),
    ("ssda903_episodes_2023.csv", ()),
    ("ssda903_header_2023.csv", ()),
    ("ssda903_episodes_2022.csv", ("DECOM",)),      # all but two of its required columns
    ("ssda903_oc3_2022.csv", ("IN_TOUCH",)),
    ("ssda903_header_2022.csv", ("DOB",)),
])
def test_a_return_without_its_child_column_is_refused_for_it(returns, file, also):
    # before: "left out 1 CSV file(s) that are not a return this reader knows" and the fit
    # changed (initial.open_cases.care_leaver 8 -> 4 without the 2023 OC3)
    _drop(returns / file, "CHILD", *also)
    text = _refused(returns)
    assert f"{file}, field CHILD: required column is missing" in text
    for c in also:
        assert f"{file}, field {c}: required column is missing" in text
    assert "not a return this reader knows" not in text


def test_episodes_without_child_and_no_annex_a_name_the_column_first(returns):
    # before: 8 problems blaming ssda903_episodes_2022.csv's DEC, the column never named
    (returns / "annex_a.xlsx").unlink()
    _drop(returns / "ssda903_episodes_2023.csv", "CHILD")
    text = _refused(returns)
    assert "ssda903_episodes_2023.csv, field CHILD: required column is missing" in text
    assert "blank although the episode closed" not in text


def test_an_oc3_of_titles_only_without_child_is_refused(returns):
    # a year with no care leaver is a file of titles; without CHILD it was read as no one
    (returns / "ssda903_oc3_2023.csv").write_text("DOB,IN_TOUCH,ACTIV,ACCOM\n")
    text = _refused(returns)
    assert "ssda903_oc3_2023.csv, field CHILD: required column is missing" in text


def test_a_workforce_census_without_its_sweno_is_refused_for_it(returns):
    _drop(returns / "workforce_census_2023.csv", "SWENo")
    text = _refused(returns)
    assert "workforce_census_2023.csv, field WorkerID: required column is missing (SWENo)" in text


def test_a_stray_csv_is_still_left_out_with_a_note(returns):
    # a table of other things that shares a column or two with a return is no return
    (returns / "contacts.csv").write_text("Name,DOB,Phone\nA,01/01/2000,1\n")
    (returns / "uasc_2023.csv").write_text("SEX,DOB,DUC\n1,01/01/2006,01/01/2024\n")
    data = read_returns(returns)
    said = " ".join(data.notes)
    assert "contacts.csv" in said and "not a return this reader knows" in said


# ------------------------------------------------------- 2. a column missing from one census
def test_fte_missing_from_the_latest_census_is_a_missing_column(returns):
    # before: "row 14, field FTE: a value is required", the other 13 rows quietly taking FTE
    # from the 2022 or 2021 census
    _drop(returns / "workforce_census_2023.csv", "FTE")
    text = _refused(returns)
    assert "workforce_census_2023.csv, field FTE: required column is missing" in text
    assert text.count("field FTE") == 1, text
    assert "a value is required" not in text


@pytest.mark.parametrize("column, consequence", [
    ("RoleEndDate", "would keep another year's RoleEndDate, or none"),
    ("ReasonLeave", "would keep another year's ReasonLeave, or none"),
    ("Cases30", "caseloads would be missing from the fit"),
    ("WorkingDaysLost", "sickness absence would be missing from the fit"),
    ("Team", "would keep another year's Team, or none"),
])
def test_an_optional_column_missing_from_one_census_is_said(returns, column, consequence):
    # before (RoleEndDate): "row 9, field ReasonLeave: a reason for leaving without a leaving
    # date"; the others were accepted, the earlier censuses' values standing for 2023's
    _drop(returns / "workforce_census_2023.csv", column)
    text = _refused(returns)
    assert (f"workforce_census_2023.csv, field {column}: the column is absent, though "
            "workforce_census_2021.csv, workforce_census_2022.csv have it") in text
    assert consequence in text
    assert text.count(f"field {column}") == 1, text
    assert "a reason for leaving without a leaving date" not in text


def test_a_census_field_missing_from_an_earlier_census_is_said_too(returns):
    # its leavers found only there would be read as in post
    _drop(returns / "workforce_census_2021.csv", "RoleEndDate")
    text = _refused(returns)
    assert ("workforce_census_2021.csv, field RoleEndDate: the column is absent, though "
            "workforce_census_2022.csv, workforce_census_2023.csv have it") in text


def test_a_local_field_only_older_censuses_lack_is_a_note(returns):
    # DfE's census has no Team: a council that added it from 2022 is read, and told
    _drop(returns / "workforce_census_2021.csv", "Team")
    data = read_returns(returns)
    assert any(n.startswith("workforce_census_2021.csv: no Team column, though "
                            "workforce_census_2022.csv, workforce_census_2023.csv have it")
               for n in data.notes), data.notes


# ---------------------------------------------------- 3. where a year taken from a folder came from
def _year_folders(tmp_path: Path, folder_of) -> Path:
    """The bundled returns a folder a year, the year left out of the files' names; the folder
    of year y is ``folder_of(y)`` (a relative path)."""
    out = tmp_path / "foldered"
    out.mkdir()
    for f in sorted(RETURNS.iterdir()):
        m = re.search(r"_(20\d\d)", f.name)
        if not m:
            if f.suffix in (".xlsx",):
                shutil.copy(f, out / f.name)
            continue
        folder = out / folder_of(int(m.group(1)))
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(f, folder / f.name.replace(m.group(0), ""))
    return out


def test_a_date_after_a_folders_year_says_the_year_is_the_folders(tmp_path):
    # before: "2022/ssda903_episodes.csv, row 3, field DEC: ... after the end of the collection
    # year 2022 in the file's name", a name with no year; and "(from the file's name or header)"
    out = _year_folders(tmp_path, str)
    for kind in ("ssda903_episodes.csv", "workforce_census.csv"):
        a, b = out / "2022" / kind, out / "2023" / kind
        ta, tb = a.read_bytes(), b.read_bytes()
        a.write_bytes(tb)
        b.write_bytes(ta)
    text = _refused(out)
    assert re.search(r"2022/ssda903_episodes\.csv, row \d+, field DECOM?: 20\d\d-\d\d-\d\d is "
                     r"after the end of the collection year 2022, the year of its folder "
                     r"\(2022/\) \(2022-03-31\)", text), text
    assert re.search(r"2022/workforce_census\.csv, row \d+, field Role(Start|End)Date: "
                     r"20\d\d-\d\d-\d\d is after the end of the census year 2022, the year of "
                     r"its folder \(2022/\): ", text), text
    assert "file's name" not in text


def test_a_date_after_a_names_year_still_says_the_name(returns):
    # 2023's episodes under 2022's name
    p = returns / "ssda903_episodes_2022.csv"
    p.write_bytes((returns / "ssda903_episodes_2023.csv").read_bytes())
    text = _refused(returns)
    assert re.search(r"ssda903_episodes_2022\.csv, row \d+, field DECOM?: 20\d\d-\d\d-\d\d is "
                     r"after the end of the collection year 2022, the year in the file's name",
                     text), text


def test_a_span_written_as_two_folders_is_the_years_end(tmp_path):
    # before: 2022/23/ was read as 2022 (the outer folder), a year off: every return refused
    # as another year's
    from workbench.calibration.returns.ssda903 import year_from_path, year_of_path
    assert year_from_path("2022/23/ssda903_episodes.csv") == 2023
    assert year_of_path("2022/23/ssda903_episodes.csv").said == (
        "the year of its folders (2022/23/, the collection year 2022-23)")
    assert year_from_path("2022/07/ssda903_episodes.csv") == 2022     # a month, not a span
    assert year_from_path("2022-23/ssda903_episodes.csv") == 2023
    out = _year_folders(tmp_path, lambda y: f"{y - 1}/{y % 100:02d}")
    data = read_returns(out)
    flat = read_returns(RETURNS)
    assert data.collection_years == flat.collection_years == [2021, 2022, 2023]
    assert sorted(data.files.year.tolist()) == sorted(flat.files.year.tolist())
    assert len(data.cases.episodes) == len(flat.cases.episodes)
    assert len(data.cases.stages) == len(flat.cases.stages)


def test_a_folder_of_a_year_outside_those_read_is_said_with_the_range(tmp_path):
    # before: "the collection year is not in the file's name or its folder's", the folder 1999/
    out = _year_folders(tmp_path, str)
    shutil.move(out / "2021", out / "1999")
    text = _refused(out)
    assert ("1999/ssda903_episodes.csv: the year 1999 in the name of its folder 1999/ is outside "
            "the collection years read (2000 to 2099)") in text
    assert ("1999/workforce_census.csv: the year 1999 in the name of its folder 1999/ is outside "
            "the census years read (2000 to 2099)") in text
    assert "not in the file's name or its folder's" not in text


# --------------------------------------------------------------------------------- 4. a blank RNE
def test_a_blank_rne_is_a_value_required_not_an_unknown_code(returns):
    p = returns / "ssda903_episodes_2023.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    df.loc[1, "RNE"] = ""
    df.to_csv(p, index=False)
    text = _refused(returns)
    assert "ssda903_episodes_2023.csv, row 3, field RNE: a value is required" in text
    assert "unknown code" not in text
