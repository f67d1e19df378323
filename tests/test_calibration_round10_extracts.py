"""How the extracts are read (audit round 10): identifiers a spreadsheet rounded into scientific
notation, a title row or a repeated header, dates a spreadsheet rewrote, near-miss header names,
agency flags in words, and a data window the referrals do not reach. Each message names the
file, row and column and the cause; no identifier is ever quoted."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.calibration.extracts import ExtractError, read_cases, read_extracts

from conftest import sample_text


@pytest.fixture(scope="module")
def sample():
    """The sample's cases for its first 600 rows' children (whole episodes), and its roster."""
    return sample_text(600)


def ids_of(cases: pd.DataFrame, roster: pd.DataFrame) -> set[str]:
    ids = set(cases.LAchildID) | set(cases.AllocatedWorker) | set(roster.WorkerID)
    return {i for i in ids if i}


def write(tmp_path, cases: pd.DataFrame, roster: pd.DataFrame):
    c, w = tmp_path / "cases.csv", tmp_path / "workforce.csv"
    cases.to_csv(c, index=False)
    roster.to_csv(w, index=False)
    return c, w


def refused(tmp_path, cases: pd.DataFrame, roster: pd.DataFrame) -> ExtractError:
    c, w = write(tmp_path, cases, roster)
    with pytest.raises(ExtractError) as info:
        read_extracts(c, w)
    return info.value


def said(exc: ExtractError) -> list[str]:
    return [ln[4:] for ln in str(exc).splitlines()[1:] if ln.startswith("  - ")]


def no_identifier(text: str, ids: set[str]) -> None:
    leaked = sorted(i for i in ids if i in text)
    assert not leaked, f"{len(leaked)} identifier(s) in the message"


# --------------------------------------------------------------------------------------------
# 1. identifiers rounded by a spreadsheet (7.49562E+11)
# --------------------------------------------------------------------------------------------

def excel_number(codes: pd.Series, start: int = 400_000_000_000) -> pd.Series:
    """Each different value of ``codes`` as a twelve-digit number, as a spreadsheet saves it
    (six significant digits: 7.49562E+11)."""
    number = {v: start + 7_919 * i for i, v in enumerate(dict.fromkeys(codes))}
    return codes.map(lambda v: f"{number[v]:.5E}" if v else "")


def test_child_ids_in_scientific_notation_are_refused_first_in_one_line(sample, tmp_path):
    cases, roster = sample
    bad = cases.assign(LAchildID=excel_number(cases.LAchildID))
    assert bad.LAchildID.iloc[0].count("E+11") == 1
    exc = refused(tmp_path, bad, roster)
    lines = said(exc)
    assert lines == [lines[0]], lines[:3]
    first = lines[0]
    assert first.startswith(f"cases.csv, column LAchildID: {len(cases):,} of its {len(cases):,} "
                            "rows with a value hold a number in scientific notation"), first
    assert "a spreadsheet turned the identifiers into rounded numbers" in first
    assert "Text" in first and "export" in first.lower()
    assert "swapped" not in str(exc)
    no_identifier(str(exc), ids_of(bad, roster) | ids_of(cases, roster))


def test_sequential_ids_collapsing_to_two_values_are_not_said_to_be_swapped(sample, tmp_path):
    """The audit's sciid2: ids collapse to 5E+11 and 4E+11, fewer values than the workers: it was
    said that LAchildID and AllocatedWorker were swapped (exchanging them made it worse)."""
    cases, roster = sample
    half = len(cases) // 2
    bad = cases.copy()
    bad["LAchildID"] = ["4E+11"] * half + ["5E+11"] * (len(cases) - half)
    exc = refused(tmp_path, bad, roster)
    lines = said(exc)
    assert len(lines) == 1 and "swapped" not in str(exc), lines[:3]
    assert lines[0].startswith("cases.csv, column LAchildID: ")
    assert "scientific notation" in lines[0]


def test_worker_ids_rounded_in_either_file_are_named_by_file_and_column(sample, tmp_path):
    cases, roster = sample
    bad_roster = roster.assign(WorkerID=excel_number(roster.WorkerID, 300_000_000_000))
    bad_cases = cases.copy()
    rows = bad_cases.AllocatedWorker != ""
    bad_cases.loc[rows.to_numpy().nonzero()[0][:7], "AllocatedWorker"] = "3.00012E+11"
    exc = refused(tmp_path, bad_cases, bad_roster)
    lines = said(exc)
    assert [ln.split(":")[0] for ln in lines] == ["cases.csv, column AllocatedWorker",
                                                  "workforce.csv, column WorkerID"], lines[:4]
    assert lines[0].startswith(f"cases.csv, column AllocatedWorker: 7 of its {int(rows.sum()):,} "
                               "rows with a value hold a number in scientific notation")
    no_identifier(str(exc), ids_of(cases, roster))


def test_read_cases_alone_refuses_rounded_ids(sample, tmp_path):
    cases, roster = sample
    c, _ = write(tmp_path, cases.assign(LAchildID=excel_number(cases.LAchildID)), roster)
    with pytest.raises(ExtractError) as info:
        read_cases(c)
    assert [p.column for p in info.value.problems] == ["LAchildID"]
    assert "scientific notation" in info.value.problems[0].message


def test_an_id_with_an_e_but_no_plus_is_an_identifier(sample, tmp_path):
    """Only a spreadsheet writes E+: an alphanumeric id like 12E45 is read as it is."""
    cases, roster = sample
    c, w = write(tmp_path, cases.assign(LAchildID=cases.LAchildID + "E12"), roster)
    read_extracts(c, w)
