"""Calibration: validation of the extracts. Every problem is reported with its file, row and
column, all at once, and nothing is loaded from a broken extract."""

from __future__ import annotations


import pandas as pd
import pytest

from workbench.calibration.extracts import (CASE_COLUMNS, WORKFORCE_COLUMNS, ExtractError,
                                            layout_markdown, read_extracts)
from workbench.calibration.synthetic import CASE_HEADER, WORKFORCE_HEADER
from workbench.cli import main
from workbench.errors import UserError

CASES = [  # one dict per data row (spreadsheet rows 2, 3, ...)
    dict(LAchildID="C1", CINreferralDate="2022-01-10", ReferralNFA="1", CINclosureDate="2022-01-10",
         ReasonForClosure="RC8", Team="first_contact"),
    dict(LAchildID="C2", CINreferralDate="2022-01-12", ReferralNFA="0",
         AssessmentActualStartDate="2022-01-12", AssessmentAuthorisationDate="2022-02-20",
         CINPlanStartDate="2022-02-20", CINPlanEndDate="2022-06-01", CINPlanDisability="0",
         CINclosureDate="2022-06-01", ReasonForClosure="RC7", Team="families_first",
         AllocatedWorker="SW1"),
    dict(LAchildID="C3", CINreferralDate="2022-02-01", ReferralNFA="0",
         AssessmentActualStartDate="2022-02-01", AssessmentAuthorisationDate="2022-03-01",
         S47ActualStartDate="2022-03-01", S47EndDate="2022-03-05", DateOfInitialCPC="2022-03-15",
         CPPstartDate="2022-03-15", Team="families_first", AllocatedWorker="SW3"),
    dict(LAchildID="C4", CINreferralDate="2022-03-01", ReferralNFA="0",
         AssessmentActualStartDate="2022-03-02", Team="families_first"),
    dict(LAchildID="C5", CINreferralDate="2021-03-01", ReferralNFA="0",
         PeriodOfCareStartDate="2021-05-01", Team="looked_after", AllocatedWorker="SW1"),
]
WORKERS = [
    dict(WorkerID="SW1", AgencyWorker="0", FTE="1", OrgRole="5", RoleStartDate="2019-01-01",
         Cases30="18", WorkingDaysLost="3", Team="families_first", WorkerType="experienced"),
    dict(WorkerID="SW2", AgencyWorker="1", FTE="1", OrgRole="5", RoleStartDate="2021-06-01",
         RoleEndDate="2022-03-01", ReasonLeave="END", Team="families_first", WorkerType="agency"),
    dict(WorkerID="SW3", AgencyWorker="0", FTE="0.6", OrgRole="5", RoleStartDate="2022-01-01",
         Cases30="10", WorkingDaysLost="1", Team="families_first", WorkerType="nqsw"),
    dict(WorkerID="SW4", AgencyWorker="0", FTE="1", OrgRole="6", RoleStartDate="2018-01-01",
         Cases30="0", WorkingDaysLost="2", Team="first_contact", WorkerType="experienced"),
]


def frames():
    c = pd.DataFrame([{k: r.get(k, "") for k in CASE_HEADER} for r in CASES], columns=CASE_HEADER)
    w = pd.DataFrame([{k: r.get(k, "") for k in WORKFORCE_HEADER} for r in WORKERS],
                     columns=WORKFORCE_HEADER)
    return c, w


def write(tmp_path, c, w):
    cp, wp = tmp_path / "cases.csv", tmp_path / "workforce.csv"
    c.to_csv(cp, index=False)
    w.to_csv(wp, index=False)
    return cp, wp


def problems_for(tmp_path, c, w) -> str:
    cp, wp = write(tmp_path, c, w)
    with pytest.raises(ExtractError) as exc:
        read_extracts(cp, wp)
    return str(exc.value)


def test_clean_extracts_load(tmp_path):
    c, w = frames()
    cases, roster = read_extracts(*write(tmp_path, c, w))
    assert len(cases.episodes) == 5
    assert set(cases.stages.stage) == {"assessment", "cin", "s47", "icpc", "cp", "lac"}
    assert cases.episodes.nfa.sum() == 1
    assert len(roster.workers) == 4
    # identifiers are replaced by integer codes as the extract is read
    assert cases.episodes.child.dtype.kind == "i" and roster.workers.worker.dtype.kind == "i"


def set_cell(df, row, col, value):
    df.loc[row - 2, col] = value      # spreadsheet row (header = 1)


# (file, mutation, expected text: file, row, column and what)
CORPUS = [
    ("cases", lambda c: c.drop(columns=["CINreferralDate"]),
     "cases.csv, column CINreferralDate: required column is missing"),
    ("cases", lambda c: set_cell(c, 3, "AssessmentActualStartDate", "2022-02-30"),
     "cases.csv, row 3, column AssessmentActualStartDate: '2022-02-30' is not a date"),
    ("cases", lambda c: set_cell(c, 4, "CPPstartDate", "15/13/2022"),
     "cases.csv, row 4, column CPPstartDate: '15/13/2022' is not a date"),
    ("cases", lambda c: set_cell(c, 3, "CINPlanEndDate", "2022-02-01"),
     "cases.csv, row 3, column CINPlanEndDate: ends before it starts (CINPlanStartDate)"),
    ("cases", lambda c: set_cell(c, 2, "CINclosureDate", "2021-12-31"),
     "cases.csv, row 2, column CINclosureDate: before the referral (CINreferralDate)"),
    ("cases", lambda c: set_cell(c, 6, "PeriodOfCareEndDate", "2021-04-01"),
     "cases.csv, row 6, column PeriodOfCareEndDate: ends before it starts"),
    ("cases", lambda c: set_cell(c, 5, "CPPendDate", "2022-05-01"),
     "cases.csv, row 5, column CPPendDate: an end date without a start date"),
    ("cases", lambda c: set_cell(c, 2, "ReasonForClosure", "RC99"),
     "cases.csv, row 2, column ReasonForClosure: unknown code 'RC99'"),
    ("cases", lambda c: set_cell(c, 4, "ReferralNFA", "maybe"),
     "cases.csv, row 4, column ReferralNFA: 'maybe' is not a yes/no flag"),
    ("cases", lambda c: set_cell(c, 5, "LAchildID", ""),
     "cases.csv, row 5, column LAchildID: a value is required"),
    ("cases", lambda c: set_cell(c, 4, "AssessmentActualStartDate", "2022-01-01"),
     "cases.csv, row 4, column AssessmentActualStartDate: starts before the referral"),
    ("cases", lambda c: set_cell(c, 3, "CINclosureDate", "2022-05-01"),
     "cases.csv, row 3, column CINPlanEndDate: after the episode closed"),
    ("cases", lambda c: set_cell(c, 4, "DateOfInitialCPC", "2022-02-20"),
     "cases.csv, row 4, column DateOfInitialCPC: before the s47 enquiry started"),
    ("cases", lambda c: set_cell(c, 2, "AssessmentActualStartDate", "2022-01-10"),
     "cases.csv, row 2, column ReferralNFA: the referral is marked no further action"),
    ("workforce", lambda w: set_cell(w, 5, "WorkerID", "SW1"),
     "workforce.csv, row 5, column WorkerID: duplicate WorkerID (the same as row 2)"),
    ("workforce", lambda w: set_cell(w, 4, "FTE", "1.5"),
     "workforce.csv, row 4, column FTE: 1.5 is out of range (must be at most 1)"),
    ("workforce", lambda w: set_cell(w, 4, "FTE", "0"),
     "workforce.csv, row 4, column FTE: 0 is out of range (must be above 0)"),
    ("workforce", lambda w: set_cell(w, 2, "OrgRole", "9"),
     "workforce.csv, row 2, column OrgRole: unknown code '9'"),
    ("workforce", lambda w: set_cell(w, 3, "RoleEndDate", "2021-01-01"),
     "workforce.csv, row 3, column RoleEndDate: ends before it starts (RoleStartDate)"),
    ("workforce", lambda w: set_cell(w, 3, "AgencyWorker", "x"),
     "workforce.csv, row 3, column AgencyWorker: 'x' is not a yes/no flag"),
    ("workforce", lambda w: set_cell(w, 2, "WorkerType", "wizard"),
     "workforce.csv, row 2, column WorkerType: unknown code 'wizard'"),
    ("workforce", lambda w: set_cell(w, 3, "WorkerType", "experienced"),
     "workforce.csv, row 3, column WorkerType: 'experienced' disagrees with AgencyWorker (1)"),
    ("workforce", lambda w: set_cell(w, 2, "Cases30", "2.5"),
     "workforce.csv, row 2, column Cases30: '2.5' is not a whole number"),
    ("workforce", lambda w: set_cell(w, 2, "Cases30", "-1"),
     "workforce.csv, row 2, column Cases30: -1 is out of range (must be at least 0)"),
    ("workforce", lambda w: set_cell(w, 2, "ReasonLeave", "RES"),
     "workforce.csv, row 2, column ReasonLeave: a reason for leaving without a leaving date"),
    ("workforce", lambda w: set_cell(w, 3, "ReasonLeave", "GONE"),
     "workforce.csv, row 3, column ReasonLeave: unknown code 'GONE'"),
    ("workforce", lambda w: w.drop(columns=["FTE"]),
     "workforce.csv, column FTE: required column is missing"),
]


@pytest.mark.parametrize("which,mutate,expected", CORPUS, ids=[e[2][:60] for e in CORPUS])
def test_each_broken_extract_names_file_row_and_column(tmp_path, which, mutate, expected):
    c, w = frames()
    if which == "cases":
        out = mutate(c)
        c = out if out is not None else c
    else:
        out = mutate(w)
        w = out if out is not None else w
    msg = problems_for(tmp_path, c, w)
    assert expected in msg, msg
    assert "nothing was loaded" in msg


def test_duplicates_and_conflicts_across_rows(tmp_path):
    c, w = frames()
    c = pd.concat([c, c.iloc[[1]]], ignore_index=True)                     # row 7 repeats row 3
    extra = {k: "" for k in CASE_HEADER}
    extra.update(LAchildID="C3", CINreferralDate="2022-02-01", CPPstartDate="2022-03-15",
                 CPPendDate="2022-09-01")                    # row 8: C3's CP plan (row 4), with an end
    c = pd.concat([c, pd.DataFrame([extra])], ignore_index=True)
    extra2 = {k: "" for k in CASE_HEADER}
    extra2.update(LAchildID="C2", CINreferralDate="2022-01-12", ReferralNFA="1")   # row 9 vs row 3
    c = pd.concat([c, pd.DataFrame([extra2])], ignore_index=True)
    msg = problems_for(tmp_path, c, w)
    assert "cases.csv, row 7, column LAchildID: duplicate row (the same as row 3)" in msg
    assert ("cases.csv, row 8, column CPPendDate: the same cp (same start date) as row 4 with a "
            "different end date") in msg
    assert "cases.csv, row 9, column ReferralNFA: disagrees with row 3 of the same episode" in msg


def test_all_problems_in_both_files_at_once_and_nothing_loaded(tmp_path):
    c, w = frames()
    set_cell(c, 3, "AssessmentActualStartDate", "not a date")
    set_cell(c, 2, "ReasonForClosure", "RC99")
    set_cell(c, 6, "PeriodOfCareEndDate", "2021-04-01")
    set_cell(w, 5, "WorkerID", "SW1")
    set_cell(w, 4, "FTE", "2")
    msg = problems_for(tmp_path, c, w)
    assert msg.startswith("5 problem(s) in the extract(s) cases.csv, workforce.csv; nothing was loaded")
    for where in ("cases.csv, row 3, column AssessmentActualStartDate",
                  "cases.csv, row 2, column ReasonForClosure", "cases.csv, row 6, column PeriodOfCareEndDate",
                  "workforce.csv, row 5, column WorkerID", "workforce.csv, row 4, column FTE"):
        assert where in msg


def test_messages_never_quote_a_child_id(tmp_path):
    c, w = frames()
    c["LAchildID"] = ["XQ71", "XQ72", "XQ73", "XQ74", "XQ75"]
    set_cell(c, 2, "ReasonForClosure", "RC99")
    c = pd.concat([c, c.iloc[[2]]], ignore_index=True)
    msg = problems_for(tmp_path, c, w)
    assert "XQ7" not in msg


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(ExtractError) as exc:
        read_extracts(tmp_path / "nope.csv", tmp_path / "none.csv")
    assert "nope.csv: file not found" in str(exc.value) and "none.csv: file not found" in str(exc.value)
    (tmp_path / "empty.csv").write_text("")
    c, w = frames()
    _, wp = write(tmp_path, c, w)
    with pytest.raises(ExtractError, match="empty.csv: the file is empty"):
        read_extracts(tmp_path / "empty.csv", wp)


def test_standard_aliases_and_uk_dates_are_accepted(tmp_path):
    c, w = frames()
    c = c.rename(columns={"PeriodOfCareStartDate": "DECOM", "PeriodOfCareEndDate": "DEC",
                          "LAchildID": "la child id"})
    c.loc[1, "CINreferralDate"] = "12/01/2022"
    w = w.rename(columns={"WorkerID": "SWENo", "FTE": "FTE30"})
    cases, roster = read_extracts(*write(tmp_path, c, w))
    assert "lac" in set(cases.stages.stage)
    assert len(roster.workers) == 4


def test_extract_error_is_a_user_error_and_the_cli_prints_it_cleanly(tmp_path, capsys):
    assert issubclass(ExtractError, UserError)
    c, w = frames()
    set_cell(c, 3, "CPPendDate", "2022-13-01")
    cp, wp = write(tmp_path, c, w)
    code = main(["calibrate", "--cases", str(cp), "--workforce", str(wp),
                 "--out", str(tmp_path / "x.yaml"), "--no-backtest"])
    err = capsys.readouterr().err
    assert code == 2
    assert "cases.csv, row 3, column CPPendDate: '2022-13-01' is not a date" in err
    assert "Traceback" not in err
    assert not (tmp_path / "x.yaml").exists()


def test_layout_tables_cover_every_column():
    for layout in (CASE_COLUMNS, WORKFORCE_COLUMNS):
        md = layout_markdown(layout)
        for col in layout:
            assert f"`{col.name}`" in md
    # the documented layout in docs/calibration.md lists every column too
    from pathlib import Path
    doc = (Path(__file__).resolve().parents[1] / "docs" / "calibration.md").read_text()
    for col in CASE_COLUMNS + WORKFORCE_COLUMNS:
        assert f"`{col.name}`" in doc, col.name
    # and the synthetic generator writes the documented layouts
    assert set(CASE_HEADER) == {c.name for c in CASE_COLUMNS}
    assert set(WORKFORCE_HEADER) == {c.name for c in WORKFORCE_COLUMNS}


def test_more_problems_than_the_message_shows_are_all_listed_in_a_file(tmp_path, capsys):
    """Past MAX_SHOWN problems the message ends with a summary, and every problem (file, row,
    column, the same words, identifying values left out) is in problems.csv in the report
    folder: an analyst can filter it in a spreadsheet instead of scrolling the console."""
    from workbench.calibration.extracts.cells import MAX_SHOWN
    c, w = frames()
    many = pd.concat([c.iloc[[3]]] * (MAX_SHOWN + 50), ignore_index=True)
    many["LAchildID"] = [f"CHILD{i:05d}" for i in range(len(many))]
    many["CINreferralDate"] = "soon"
    cp, wp = write(tmp_path, many, w)
    rep = tmp_path / "rep"
    code = main(["calibrate", "--cases", str(cp), "--workforce", str(wp),
                 "--out", str(tmp_path / "x.yaml"), "--no-backtest", "--report-dir", str(rep)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "ExtractError" not in err   # no pointer into the code for a command-line user
    assert f"All {MAX_SHOWN + 50:,} problems, one a row: {rep / 'problems.csv'}" in err
    table = pd.read_csv(rep / "problems.csv", dtype=str, keep_default_na=False)
    assert list(table.columns) == ["file", "row", "column", "problem"]
    assert len(table) == MAX_SHOWN + 50
    assert set(table.column) == {"CINreferralDate"}
    assert table.row.astype(int).tolist() == list(range(2, MAX_SHOWN + 52))
    assert "CHILD" not in (rep / "problems.csv").read_text()
    assert not (tmp_path / "x.yaml").exists()


def test_a_few_problems_write_no_problems_file(tmp_path, capsys):
    c, w = frames()
    set_cell(c, 3, "CPPendDate", "2022-13-01")
    cp, wp = write(tmp_path, c, w)
    rep = tmp_path / "rep"
    code = main(["calibrate", "--cases", str(cp), "--workforce", str(wp),
                 "--out", str(tmp_path / "x.yaml"), "--no-backtest", "--report-dir", str(rep)])
    assert code == 2 and "problems.csv" not in capsys.readouterr().err
    assert not rep.exists()


def test_a_spreadsheet_error_exported_into_a_csv_is_said_as_such(tmp_path):
    """A formula that failed in the spreadsheet the extract came from is exported as its error
    value (#REF!, #N/A): said once, as a failed formula (not also as a bad date or number), and
    quoted, since it cannot identify anyone."""
    c, w = frames()
    set_cell(c, 3, "CPPstartDate", "#REF!")
    set_cell(c, 2, "ReferralNFA", "#n/a")
    w.loc[0, "FTE"] = "#VALUE!"
    text = problems_for(tmp_path, c, w)
    assert ("cases.csv, row 3, column CPPstartDate: the cell holds the spreadsheet error #REF! "
            "(a formula that failed when the file was saved)") in text
    assert "cases.csv, row 2, column ReferralNFA: the cell holds the spreadsheet error #N/A" in text
    assert "workforce.csv, row 2, column FTE: the cell holds the spreadsheet error #VALUE!" in text
    assert "not a date" not in text and "not a yes/no flag" not in text and "not a number" not in text
