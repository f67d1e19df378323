"""The fifth hostile audit of calibration's inputs (issue 13), helper A's part: records that
parse but contradict each other or the return's own rules, and files in the shapes real
spreadsheets and systems save. Each case was read before its fix: silently (a value lost, a
child counted twice, an impossible number fitted), refused in misleading words, or refused
although it could be read.

- CIN census XML: an element named in another case (``<CINClosureDate>``, ``<assessments>``),
  a module outside its ``CINdetails``, a field given twice, a processing instruction inside a
  value: each value was read past or lost, so episodes stayed open or assessments vanished.
- Dates out of order where no check looked: an ICPC before its s47 enquiry (placed on a row of
  its own) or before the referral; a reason for closure on an open episode (DfE rule 8810).
- One child's CP plans or periods of care in two referral episodes at once (counted twice).
- SSDA903: an episode ending X1 (care continues) with no episode following on its DEC (DfE
  rules 388, 433: the period stayed open for ever); a date after the collection year in the
  file's name.
- Workforce census: an earlier year's FTE, Cases30 or WorkingDaysLost out of range (only the
  latest year's were checked; the others went into the pressure fit), days lost above the
  working days in a year (calendar days).
- Messages about a plan overlapping another named the combined table's row ("row 326"), which
  means nothing to the reader: now the other record's return, element or row.
- Shapes: an Annex A list whose titles run over two rows (refused, now read), a workforce
  census or SSDA903 table saved as .xlsx (said to be no Annex A), and the empty rows a
  spreadsheet saves at the end of a CSV (refused cell by cell, now read past).

No message may hold a child's or a worker's identifier.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from workbench.calibration.extracts import ExtractError, read_workforce
from workbench.calibration.returns.annex_a import read_annex_a
from workbench.calibration.returns.cin_census import read_cin_census
from workbench.cli import main

from conftest import ROOT, calibrate_returns
from conftest import refused_returns as refused

SAMPLE = ROOT / "data" / "sample"
C23 = "cin_census_2023.xml"


def first_sub(path: Path, pattern: str, make) -> re.Match:
    """``path`` with the first match of ``pattern`` replaced by ``make(match)``; the match."""
    text = path.read_text()
    m = re.search(pattern, text, re.S)
    assert m, pattern
    path.write_text(text[:m.start()] + make(m) + text[m.end():])
    return m


def no_row_of_the_combined_table(err: str) -> None:
    assert not re.search(r"\(row [0-9]+\)", err), err


# --------------------------------------------------------------------------------------------
# CIN census XML: values read past unseen
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("old, new, says", [
    ("CINclosureDate>", "CINClosureDate>", "<CINClosureDate> (and"),
    ("Assessments>", "assessments>", "<assessments> (and"),
])
def test_an_element_named_in_another_case_is_refused_not_read_past(old, new, says, returns,
                                                                    tmp_path, capsys):
    # before: every closure date (or assessment) of the file was silently missing; open cases
    # in s47 went from 1 to 39 without Annex A
    p = returns / C23
    p.write_text(p.read_text().replace(old, new))
    err = refused(returns, tmp_path, capsys, f"{C23}, element Child ", says,
                  f"DfE's name is {old[:-1]}", "case-sensitive")
    assert err.count(C23 + ", element") == 1          # once a name, with how many


def test_a_module_outside_its_cindetails_is_refused(returns, tmp_path, capsys):
    first_sub(returns / C23, r"</ChildIdentifiers>", lambda m: m[0] + (
        "<Section47><S47ActualStartDate>2022-06-01</S47ActualStartDate></Section47>"))
    refused(returns, tmp_path, capsys, f"{C23}, element Child 1 / Section47 1",
            "outside a CINdetails is not read")


def test_a_field_given_twice_in_one_cindetails_is_refused(returns, tmp_path, capsys):
    # before: the first was read, the second (another closure date) read past
    first_sub(returns / C23, r"<CINclosureDate>[^<]*</CINclosureDate>",
              lambda m: m[0] + "<CINclosureDate>2023-03-01</CINclosureDate>")
    refused(returns, tmp_path, capsys, f"{C23}, element Child 2 / CINdetails 1",
            "field CINclosureDate: given twice in one CINdetails")


def test_a_processing_instruction_inside_a_value_keeps_the_value(returns):
    # before: the text after it was lost, and the closure read as blank (the episode open)
    p = returns / C23
    closures = sorted(e.closure for e in read_cin_census(p, []).episodes)
    first_sub(p, r"<CINclosureDate>([^<]*)<", lambda m: f"<CINclosureDate><?x y?>{m[1]}<")
    recs = read_cin_census(p, problems := [])
    assert not problems
    assert sorted(e.closure for e in recs.episodes) == closures


# --------------------------------------------------------------------------------------------
# Dates out of order where no check looked
# --------------------------------------------------------------------------------------------

def test_an_icpc_before_its_s47_enquiry_is_refused_at_the_module(returns, tmp_path, capsys):
    # before: the ICPC went on a row of its own, past the check of its order, and was fitted
    first_sub(returns / C23, r"(<S47ActualStartDate>[^<]*</S47ActualStartDate>\s*)"
                             r"<DateOfInitialCPC>[^<]*<",
              lambda m: m[1] + "<DateOfInitialCPC>2019-01-02<")
    refused(returns, tmp_path, capsys, "/ Section47 1 (line",
            "field DateOfInitialCPC: before the s47 enquiry started (S47ActualStartDate)")


def test_an_episodes_icpc_before_the_referral_is_refused(returns, tmp_path, capsys):
    first_sub(returns / C23, r"<ReferralNFA>false</ReferralNFA>",
              lambda m: m[0] + "<DateOfInitialCPC>2015-01-05</DateOfInitialCPC>")
    refused(returns, tmp_path, capsys, f"{C23}, element Child 1 / CINdetails 1",
            "field DateOfInitialCPC: before the referral (CINreferralDate)")


def test_a_reason_for_closure_on_an_open_episode_is_refused(returns, tmp_path, capsys):
    # DfE rule 8810; before: read, the episode counted open to the end
    first_sub(returns / C23, r"<ReferralNFA>false</ReferralNFA>(?=\s*<Assessments>)",
              lambda m: m[0] + "<ReasonForClosure>RC1</ReasonForClosure>")
    refused(returns, tmp_path, capsys, f"{C23}, element Child 1 / CINdetails 1",
            "field ReasonForClosure: a reason for closure, but the episode has no "
            "CINclosureDate", "8810")


# --------------------------------------------------------------------------------------------
# One child counted twice
# --------------------------------------------------------------------------------------------

def test_cp_plans_of_one_child_in_two_referrals_at_once_are_refused(returns, tmp_path, capsys):
    # a second referral of a child on an open CP plan, with a CP plan of its own
    first_sub(returns / C23, r"<CINdetails>\s*<CINreferralDate>2021-0[0-9]-..</CINreferralDate>"
                             r"\s*<ReferralNFA>false</ReferralNFA>.*?<ChildProtectionPlans>\s*"
                             r"<CPPstartDate>[^<]*</CPPstartDate>\s*</ChildProtectionPlans>.*?"
                             r"</CINdetails>",
              lambda m: m[0] + "<CINdetails><CINreferralDate>2022-05-03</CINreferralDate>"
                               "<ReferralNFA>false</ReferralNFA><ChildProtectionPlans>"
                               "<CPPstartDate>2022-05-10</CPPstartDate></ChildProtectionPlans>"
                               "</CINdetails>")
    err = refused(returns, tmp_path, capsys, "/ CINdetails 2 / ChildProtectionPlans 1",
                  "field CPPstartDate: overlaps the same child's CP plan in another referral "
                  "episode", "which has no end date")
    no_row_of_the_combined_table(err)


def test_an_overlap_names_the_earlier_plans_return_not_a_row_of_the_combined_table(
        returns, tmp_path, capsys):
    # before: '... overlaps the episode's earlier CP plan (row 326)': a row of no file
    first_sub(returns / C23, r"<ChildProtectionPlans>\s*<CPPstartDate>([^<]*)</CPPstartDate>\s*"
                             r"<CPPendDate>[^<]*</CPPendDate>\s*</ChildProtectionPlans>",
              lambda m: m[0] + f"<ChildProtectionPlans><CPPstartDate>{m[1][:8]}28</CPPstartDate>"
                               "</ChildProtectionPlans>")
    err = refused(returns, tmp_path, capsys, "/ ChildProtectionPlans 2 (line",
                  "overlaps the episode's earlier CP plan (element Child ",
                  "/ ChildProtectionPlans 1, line ")
    no_row_of_the_combined_table(err)


@pytest.fixture(scope="module")
def sample():
    cases = pd.read_csv(SAMPLE / "cases.csv", dtype=str, keep_default_na=False)
    roster = pd.read_csv(SAMPLE / "workforce.csv", dtype=str, keep_default_na=False)
    return cases, roster


def calibrate_extracts(cases, roster, tmp_path, capsys):
    (tmp_path / "cases.csv").write_text(cases.to_csv(index=False))
    (tmp_path / "workforce.csv").write_text(roster.to_csv(index=False))
    code = main(["calibrate", "--cases", str(tmp_path / "cases.csv"), "--workforce",
                 str(tmp_path / "workforce.csv"), "--out", str(tmp_path / "out.yaml"),
                 "--report-dir", str(tmp_path / "rep"), "--no-backtest"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    ids = (set(cases.LAchildID) | set(cases.AllocatedWorker) | set(roster.WorkerID)) - {""}
    assert not [i for i in ids if i in out + err]
    return code, err


def a_new_referral_of(cases: pd.DataFrame, i: int, **dates) -> pd.DataFrame:
    """``cases`` with a second referral episode of row ``i``'s child, holding ``dates``."""
    row = {c: "" for c in cases.columns}
    row.update(LAchildID=cases.LAchildID[i], ReferralNFA="0", **dates)
    return pd.concat([cases, pd.DataFrame([row])], ignore_index=True)


@pytest.mark.parametrize("start, end, kind", [
    ("PeriodOfCareStartDate", "PeriodOfCareEndDate", "period of care"),
    ("CPPstartDate", "CPPendDate", "CP plan"),
])
def test_a_childs_plan_in_two_referral_episodes_at_once_is_refused(start, end, kind, sample,
                                                                   tmp_path, capsys):
    # before: read, and the child counted twice among those looked after (or on a plan) at the
    # start of the fitted scenario
    cases, roster = sample
    i = int(np.flatnonzero(((cases[start] > "2021-06-01") & (cases[end] == "")
                            & (cases.CINclosureDate == "")).to_numpy())[0])
    day = pd.Timestamp(cases[start][i])
    cases = a_new_referral_of(cases, i, CINreferralDate=f"{day + pd.Timedelta(days=10):%Y-%m-%d}",
                              **{start: f"{day + pd.Timedelta(days=20):%Y-%m-%d}"})
    code, err = calibrate_extracts(cases, roster, tmp_path, capsys)
    assert code == 2
    assert (f"cases.csv, row {len(cases) + 1}, column {start}: overlaps the same child's {kind} "
            f"in another referral episode (row {i + 2}), which has no end date") in err


def test_the_same_period_of_care_on_two_referrals_is_refused(sample, tmp_path, capsys):
    cases, roster = sample
    i = int(np.flatnonzero(((cases.PeriodOfCareStartDate > "2021-06-01")
                            & (cases.PeriodOfCareEndDate == "")
                            & (cases.CINclosureDate == "")).to_numpy())[0])
    cases = a_new_referral_of(cases, i, CINreferralDate="2022-03-10",
                              PeriodOfCareStartDate=cases.PeriodOfCareStartDate[i])
    code, err = calibrate_extracts(cases, roster, tmp_path, capsys)
    assert code == 2 and f"(row {i + 2}), which has no end date" in err


def test_an_extracts_icpc_before_the_referral_and_a_reason_without_closure(sample, tmp_path,
                                                                          capsys):
    cases, roster = sample
    i = int(np.flatnonzero((cases.DateOfInitialCPC != "").to_numpy())[0])
    j = int(np.flatnonzero(((cases.CINclosureDate == "") & (cases.ReasonForClosure == "")
                            & (cases.ReferralNFA == "0")).to_numpy())[0])
    cases = a_new_referral_of(cases, i, CINreferralDate=cases.CINreferralDate[i],
                              DateOfInitialCPC="2010-01-01")
    cases.loc[len(cases) - 1, "ReferralNFA"] = ""
    cases.loc[j, "ReasonForClosure"] = "RC1"
    code, err = calibrate_extracts(cases, roster, tmp_path, capsys)
    assert code == 2
    assert (f"cases.csv, row {len(cases) + 1}, column DateOfInitialCPC: before the referral "
            "(CINreferralDate)") in err
    assert (f"cases.csv, row {j + 2}, column ReasonForClosure: a reason for closure, but the "
            "episode has no CINclosureDate") in err


# --------------------------------------------------------------------------------------------
# SSDA903
# --------------------------------------------------------------------------------------------

def test_an_episode_ending_x1_with_no_episode_after_it_is_refused(returns, tmp_path, capsys):
    # before: the period of care stayed open for ever (the child looked after at the end), or
    # was refused as 'blank although the episode closed', which pointed at the wrong field
    p = returns / "ssda903_episodes_2023.csv"
    text = p.read_text()
    line = next(x for x in text.splitlines()[1:] if x.split(",")[8] not in ("X1", ""))
    fields = line.split(",")
    fields[8] = "X1"
    p.write_text(text.replace(line, ",".join(fields)))
    row = text.splitlines().index(line) + 1
    refused(returns, tmp_path, capsys, f"ssda903_episodes_2023.csv, row {row}, field REC: X1 "
            "says care continues", "no later episode of the child starts on it", "388")


def test_an_episode_ending_x1_followed_after_a_gap_is_refused(returns, tmp_path, capsys):
    lines = (returns / "ssda903_episodes_2023.csv").read_text().splitlines()
    k = next(i for i in range(1, len(lines) - 1) if lines[i].split(",")[8] == "X1"
             and lines[i + 1].split(",")[0] == lines[i].split(",")[0])
    child, decom = lines[k + 1].split(",")[:2]
    later = (pd.Timestamp(pd.to_datetime(decom, dayfirst=True)) + pd.Timedelta(days=40))
    for f in returns.glob("ssda903_episodes_*.csv"):
        f.write_text(f.read_text().replace(f"{child},{decom},", f"{child},"
                                           f"{later:%d/%m/%Y},"))
    refused(returns, tmp_path, capsys, f"ssda903_episodes_2023.csv, row {k + 1}, field REC",
            f"the child's next episode (row {k + 2}) starts after it")


def test_an_episode_date_after_its_collection_year_is_refused_once(returns, tmp_path, capsys):
    # a file named 2022 holding a later year's episodes would lose its ends to older returns
    p = returns / "ssda903_episodes_2022.csv"
    lines = p.read_text().splitlines()
    k = next(i for i in range(1, len(lines)) if lines[i].split(",")[7])
    fields = lines[k].split(",")
    fields[7] = "28/04/2022"
    lines[k] = ",".join(fields)
    p.write_text("\n".join(lines) + "\n")
    err = refused(returns, tmp_path, capsys, f"ssda903_episodes_2022.csv, row {k + 1}, field "
                  "DEC: 2022-04-28 is after the end of the collection year 2022")
    assert "REC is given but DEC" not in err


# --------------------------------------------------------------------------------------------
# Workforce census
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("column, value, says", [
    ("FTE", "5", "the value (not shown) is out of range (must be at most 1)"),
    ("FTE", "0", "the value (not shown) is out of range (must be above 0)"),
    ("Cases30", "5000", "the value (not shown) is out of range (must be at most 1000)"),
    ("WorkingDaysLost", "400", "the value (not shown) is out of range (at most 262: "),
])
def test_an_earlier_censuss_number_out_of_range_is_refused(column, value, says, returns,
                                                           tmp_path, capsys):
    # before: only the latest census's values reached the roster's checks; an earlier one's
    # went into the pressure fit as they were
    p = returns / "workforce_census_2021.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    df.loc[1, column] = value
    df.to_csv(p, index=False)
    refused(returns, tmp_path, capsys, f"workforce_census_2021.csv, row 3, field {column}: {says}")


def test_days_lost_above_the_working_days_in_a_year_are_refused(returns, tmp_path, capsys):
    # before: 300 'working days' (calendar days) read, the fitted absence 1.9% -> 11.7%
    p = returns / "workforce_census_2023.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    df.loc[1, "WorkingDaysLost"] = "300"
    df.to_csv(p, index=False)
    refused(returns, tmp_path, capsys, "workforce_census_2023.csv, row 3, field WorkingDaysLost: "
            "300 is out of range (at most 262", "calendar days?")


def test_262_days_lost_are_read(sample, tmp_path, capsys):
    cases, roster = sample
    roster = roster.copy()
    roster.loc[roster.index[roster.WorkingDaysLost != ""][0], "WorkingDaysLost"] = "262"
    code, err = calibrate_extracts(cases, roster, tmp_path, capsys)
    assert code == 0, err


# --------------------------------------------------------------------------------------------
# Shapes real files come in
# --------------------------------------------------------------------------------------------

def titles_over_two_rows(ws, first: list, second: list) -> None:
    """The sheet's title row (row 3) split: ``first`` in row 3, ``second`` in a new row 4."""
    ws.insert_rows(4)
    for col, (a, b) in enumerate(zip(first, second), start=1):
        ws.cell(3, col).value = a
        ws.cell(4, col).value = b


@pytest.fixture(scope="module")
def annex_a_as_bundled():
    """The bundled Annex A as read (its lists' records), once for the cases below."""
    recs = read_annex_a(ROOT / "data" / "returns" / "annex_a.xlsx", problems := [])
    assert not problems
    return recs


@pytest.mark.parametrize("sheet, first, second", [
    ("List 3 Referrals", ["Child Unique ID", "Date of", "Referral", "Allocated", "Allocated"],
     [None, "referral", "NFA?", "Team", "Worker"]),
    ("List 7 CP", ["Child Unique ID", "Child Protection Plan", "Child Protection Plan"],
     [None, "Start Date", "End Date"]),
])
def test_an_annex_a_list_with_titles_over_two_rows_is_read(sheet, first, second, returns,
                                                           annex_a_as_bundled):
    # before: 'no column for the referral date', and the list refused
    before = annex_a_as_bundled
    wb = openpyxl.load_workbook(returns / "annex_a.xlsx")
    titles_over_two_rows(wb[sheet], first, second)
    wb.save(returns / "annex_a.xlsx")
    after = read_annex_a(returns / "annex_a.xlsx", problems := [])
    assert not problems, [str(p) for p in problems]
    assert len(after.episodes) == len(before.episodes)
    assert len(after.stages) == len(before.stages)
    assert any("run over rows 3 and 4, read together" in n for n in after.notes)


def test_a_group_title_merged_above_the_titles_is_read(returns):
    wb = openpyxl.load_workbook(returns / "annex_a.xlsx")
    ws = wb["List 3 Referrals"]
    ws.insert_rows(3)
    ws["A3"], ws["B3"] = "Child Unique ID", "Referral details"
    ws.merge_cells("B3:E3")
    ws.merge_cells("A3:A4")
    wb.save(returns / "annex_a.xlsx")
    recs = read_annex_a(returns / "annex_a.xlsx", problems := [])
    assert not problems, [str(p) for p in problems]
    assert len(recs.episodes) > 300


@pytest.mark.parametrize("stem, says", [
    ("workforce_census_2023", "a workforce census saved as a workbook"),
    ("ssda903_episodes_2023", "an SSDA903 episodes table saved as a workbook"),
])
def test_another_return_saved_as_a_workbook_is_said_to_be_one(stem, says, returns, tmp_path,
                                                              capsys):
    # before: 'no Annex A list found'
    pd.read_csv(returns / f"{stem}.csv", dtype=str).to_excel(returns / f"{stem}.xlsx", index=False)
    (returns / f"{stem}.csv").unlink()
    refused(returns, tmp_path, capsys, f"{stem}.xlsx: {says}", "save the sheet as CSV")


def test_the_empty_rows_a_spreadsheet_saves_after_a_table_are_read_past(returns, tmp_path,
                                                                       capsys):
    # before: each refused cell by cell ('a value is required')
    for name, width in (("workforce_census_2023.csv", 11), ("ssda903_episodes_2023.csv", 13)):
        p = returns / name
        p.write_text(p.read_text() + ("," * (width - 1) + "\n") * 3)
    code, out, err = calibrate_returns(returns, tmp_path, capsys)
    assert code == 0, err
    roster = tmp_path / "roster.csv"
    roster.write_text((SAMPLE / "workforce.csv").read_text() + ",,,,,,,,,,\n")
    assert len(read_workforce(roster).workers) == len(pd.read_csv(SAMPLE / "workforce.csv"))


def test_an_empty_row_inside_a_table_is_still_refused_by_its_row(tmp_path):
    lines = (SAMPLE / "workforce.csv").read_text().splitlines()
    lines.insert(3, ",,,,,,,,,,")
    (tmp_path / "workforce.csv").write_text("\n".join(lines) + "\n")
    with pytest.raises(ExtractError) as exc:
        read_workforce(tmp_path / "workforce.csv")
    assert "workforce.csv, row 4, column WorkerID: a value is required" in str(exc.value)
