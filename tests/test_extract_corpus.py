"""A corpus of broken extracts (issue 13): each one through ``workbench calibrate``.

Every broken extract is made in the test from the bundled synthetic sample (data/sample/), by
one mistake a council's analyst could make: a file saved in the wrong format, a column lost or
renamed, a cell mistyped, dates out of order, rows that contradict each other, an extract that
cannot support a fit. For each the command must exit with status 2 and no traceback, its message
must name the file and the row and column of the mistake, and no identifier from the extracts
(child or worker) may appear anywhere in what it prints.

All cases run through the command's entry point in this process (``workbench.cli.main``: the
same argument parsing, error handling and exit code); one case of each kind also runs as a real
``python -m workbench.cli calibrate`` subprocess.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from typing import Callable

import pandas as pd
import pytest

from workbench.cli import main

from conftest import ROOT

SAMPLE = ROOT / "data" / "sample"
C, W = "cases.csv", "workforce.csv"


@dataclass(frozen=True)
class Expect:
    """Where the message must point: the file, and the row and column when there are any."""

    file: str
    row: int | None = None
    column: str | None = None
    says: str = ""

    def where(self) -> str:
        parts = [self.file] + ([f"row {self.row}"] if self.row else []) + \
            ([f"column {self.column}"] if self.column else [])
        return ", ".join(parts) + ":"


@pytest.fixture(scope="module")
def sample():
    """The sample's cases for its first 800 rows' children (whole episodes), and its roster."""
    cases = pd.read_csv(SAMPLE / C, dtype=str, keep_default_na=False)
    kept = set(cases.LAchildID.iloc[:800])
    cases = cases[cases.LAchildID.isin(kept)].reset_index(drop=True)
    roster = pd.read_csv(SAMPLE / W, dtype=str, keep_default_na=False)
    return cases, roster


def identifiers(cases: pd.DataFrame, roster: pd.DataFrame) -> set[str]:
    ids = set(cases.LAchildID) | set(cases.AllocatedWorker) | set(roster.WorkerID)
    return {i for i in ids if i}


def first(df: pd.DataFrame, mask) -> int:
    """The index of the first row where ``mask`` holds (its spreadsheet row is index + 2)."""
    return int(mask.to_numpy().nonzero()[0][0])


def blank(s: pd.Series):
    return s == ""


def filled(s: pd.Series):
    return s != ""


# --------------------------------------------------------------------------------------------
# The corpus: name -> make(cases, roster) -> (cases file, roster file, Expect). A file is a
# DataFrame (written as CSV), bytes (written as they are), or a str: "folder" or "missing".
# --------------------------------------------------------------------------------------------

CORPUS: dict[str, Callable] = {}


def case(name: str):
    def register(fn):
        CORPUS[name] = fn
        return fn
    return register


def set_cell(df: pd.DataFrame, mask_or_row, column: str, value: str):
    """A copy of ``df`` with ``column`` set to ``value`` on one row; that row's index."""
    i = mask_or_row if isinstance(mask_or_row, int) else first(df, mask_or_row)
    out = df.copy()
    out.loc[i, column] = value
    return out, i


def cell_case(name, file, column, value, phrase, where=None):
    """A case that types ``value`` into ``column`` on one row (where ``where(df)`` holds; the
    tenth row by default)."""
    @case(name)
    def make(c, w):
        df = c if file == C else w
        out, i = set_cell(df, where(df) if where else 9, column, value)
        return (out, w, Expect(file, i + 2, column, phrase)) if file == C else \
            (c, out, Expect(file, i + 2, column, phrase))
    return make


# ---- files that are not CSV text
@case("cases saved as UTF-16")
def _(c, w):
    return c.to_csv(index=False).encode("utf-16"), w, Expect(C, says="contains NUL bytes")


@case("roster saved as UTF-16")
def _(c, w):
    return c, w.to_csv(index=False).encode("utf-16"), Expect(W, says="contains NUL bytes")


@case("cases saved as Latin-1")
def _(c, w):
    out, i = set_cell(c, 40, "Team", "équipe")
    return out.to_csv(index=False).encode("latin-1"), w, Expect(C, says=f"not UTF-8 text (line {i + 2})")


@case("a spreadsheet renamed .csv")
def _(c, w):
    return b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)), w, Expect(C, says="contains NUL bytes")


@case("an empty cases file")
def _(c, w):
    return b"", w, Expect(C, says="the file is empty")


@case("a roster with a header and no rows")
def _(c, w):
    return c, w.head(0), Expect(W, says="the file has a header but no rows")


@case("a folder given for the cases")
def _(c, w):
    return "folder", w, Expect(C, says="not a file")


@case("a roster file that is not there")
def _(c, w):
    return c, "missing", Expect(W, says="file not found")


@case("a truncated last row")
def _(c, w):
    lines = c.to_csv(index=False).splitlines()
    lines[-1] = ",".join(lines[-1].split(",")[:5])
    return ("\n".join(lines) + "\n").encode(), w, Expect(C, len(lines), None, "5 fields where "
                                                                              "the header has 23")


@case("a stray comma in the roster")
def _(c, w):
    lines = w.to_csv(index=False).splitlines()
    lines[6] = lines[6] + ","
    return c, ("\n".join(lines) + "\n").encode(), Expect(W, 7, None, "12 fields where the header "
                                                                     "has 11")


@case("an unclosed quote in the cases")
def _(c, w):
    lines = c.to_csv(index=False).splitlines()
    lines[3] = lines[3].replace(",", ',"', 1)
    return ("\n".join(lines) + "\n").encode(), w, Expect(C, 4, None, "fields where the header has")


# ---- headers
def drop_column(name, file, column):
    @case(name)
    def make(c, w):
        if file == C:
            return c.drop(columns=[column]), w, Expect(C, None, column, "required column is missing")
        return c, w.drop(columns=[column]), Expect(W, None, column, "required column is missing")


drop_column("no LAchildID column", C, "LAchildID")
drop_column("no CINreferralDate column", C, "CINreferralDate")
drop_column("no ReferralNFA column", C, "ReferralNFA")
drop_column("no WorkerID column", W, "WorkerID")
drop_column("no FTE column", W, "FTE")
drop_column("no OrgRole column", W, "OrgRole")
drop_column("no RoleStartDate column", W, "RoleStartDate")
drop_column("no AgencyWorker column", W, "AgencyWorker")


@case("the child id given twice (LAchildID and ChildID)")
def _(c, w):
    return c.assign(ChildID=c.LAchildID), w, Expect(C, None, "LAchildID", "given twice")


@case("FTE given twice (FTE and FTE30)")
def _(c, w):
    return c, w.assign(FTE30=w.FTE), Expect(W, None, "FTE", "given twice")


def swap_headers(name, file, a, b, phrase):
    """A case with the headers of columns ``a`` and ``b`` swapped; the message must point at
    column ``b`` (which now holds ``a``'s values) on the first row."""
    @case(name)
    def make(c, w):
        out = (c if file == C else w).rename(columns={a: b, b: a})
        pair = (out, w) if file == C else (c, out)
        return (*pair, Expect(file, 2, b, phrase))


swap_headers("child id and referral date headers swapped", C, "LAchildID", "CINreferralDate",
             "the value (not shown")
swap_headers("referral date and closure reason headers swapped", C, "CINreferralDate",
             "ReasonForClosure", "unknown code")
swap_headers("worker id and start date headers swapped", W, "WorkerID", "RoleStartDate",
             "the value (not shown")


@case("allocated worker and closure reason headers swapped")
def _(c, w):
    out = c.rename(columns={"AllocatedWorker": "ReasonForClosure",
                            "ReasonForClosure": "AllocatedWorker"})
    i = first(out, filled(out.ReasonForClosure))
    return out, w, Expect(C, i + 2, "ReasonForClosure",
                                "unknown code (the value is not shown")


# ---- cells
cell_case("a blank child id", C, "LAchildID", "", "a value is required")
cell_case("a blank referral date", C, "CINreferralDate", "", "a value is required")
cell_case("a blank worker id", W, "WorkerID", "", "a value is required")
cell_case("a blank start date in the roster", W, "RoleStartDate", "", "a value is required")
cell_case("a blank FTE", W, "FTE", "", "a value is required")
cell_case("the 31st of February", C, "AssessmentActualStartDate", "31/02/2022", "is not a date",
          lambda d: filled(d.AssessmentActualStartDate))
cell_case("a US-style date", C, "CINreferralDate", "05/18/2022", "is not a date")
cell_case("a date in words", C, "CPPstartDate", "next Tuesday", "is not a date",
          lambda d: filled(d.CPPstartDate))
cell_case("a child id in a date column", C, "CINclosureDate", "__CHILD__", "the value (not shown",
          lambda d: filled(d.CINclosureDate))
cell_case("a flag that is not yes or no", C, "ReferralNFA", "maybe", "is not a yes/no flag",
          lambda d: filled(d.ReferralNFA))
cell_case("a child id in the NFA flag", C, "ReferralNFA", "__CHILD__", "the value (not shown",
          lambda d: filled(d.ReferralNFA))
cell_case("a disability flag of 2", C, "CINPlanDisability", "2", "is not a yes/no flag",
          lambda d: filled(d.CINPlanDisability))
cell_case("an unknown closure code", C, "ReasonForClosure", "RC10", "unknown code",
          lambda d: filled(d.ReasonForClosure))
cell_case("a child id as a closure code", C, "ReasonForClosure", "__CHILD__",
          "unknown code (the value is not shown", lambda d: filled(d.ReasonForClosure))
cell_case("a referral in 2100", C, "CINreferralDate", "2100-01-01", "is in the future")
cell_case("a closure in 2099", C, "CINclosureDate", "2099-12-31", "is in the future",
          lambda d: filled(d.CINclosureDate))
cell_case("an FTE of 0", W, "FTE", "0", "out of range (must be above 0)")
cell_case("an FTE of 1.5", W, "FTE", "1.5", "out of range (must be at most 1)")
cell_case("an FTE in words", W, "FTE", "full", "is not a number")
cell_case("a worker id as FTE", W, "FTE", "__WORKER__", "the value (not shown")
cell_case("an OrgRole of 7", W, "OrgRole", "7", "unknown code")
cell_case("an agency flag in words", W, "AgencyWorker", "sometimes", "is not a yes/no flag")
cell_case("a negative caseload", W, "Cases30", "-1", "out of range (must be at least 0)")
cell_case("half a case", W, "Cases30", "2.5", "is not a whole number")
cell_case("days lost in words", W, "WorkingDaysLost", "a few", "is not a number")
cell_case("an unknown worker type", W, "WorkerType", "manager", "unknown code")
cell_case("a leaving code that is not one", W, "ReasonLeave", "QUIT", "unknown code",
          lambda d: filled(d.ReasonLeave))
cell_case("a start date in 2101", W, "RoleStartDate", "2101-01-01", "is in the future")


# ---- rows that contradict themselves
cell_case("an assessment that ends before it starts", C, "AssessmentAuthorisationDate",
          "2000-01-01", "ends before it starts",
          lambda d: filled(d.AssessmentAuthorisationDate) & (d.CINreferralDate > "2001"))
cell_case("an s47 end without a start", C, "S47EndDate", "2022-01-01",
          "an end date without a start date", lambda d: blank(d.S47ActualStartDate)
          & (d.CINreferralDate < "2021-12-01") & blank(d.CINclosureDate) & (d.ReferralNFA == "0"))
cell_case("a plan that starts before the referral", C, "CPPstartDate", "1999-01-01",
          "starts before the referral", lambda d: filled(d.CPPstartDate))
cell_case("a CIN plan still open after closure", C, "CINPlanEndDate", "",
          "blank although the episode closed",
          lambda d: filled(d.CINPlanEndDate) & filled(d.CINclosureDate))
cell_case("a closure before the referral", C, "CINclosureDate", "2000-01-01",
          "before the referral", lambda d: filled(d.CINclosureDate) & (d.CINreferralDate > "2001"))
cell_case("a disability flag without a CIN plan", C, "CINPlanDisability", "1",
          "set on a row without a CIN plan", lambda d: blank(d.CINPlanStartDate))
cell_case("a leaver who left before starting", W, "RoleEndDate", "2000-01-01",
          "ends before it starts", lambda d: filled(d.RoleEndDate))
cell_case("a reason for leaving without a leaving date", W, "ReasonLeave", "RES",
          "without a leaving date", lambda d: blank(d.RoleEndDate))
cell_case("an agency type on an employee", W, "WorkerType", "agency", "disagrees with AgencyWorker",
          lambda d: d.AgencyWorker == "0")


@case("a stage after the episode closed")
def _(c, w):
    i = first(c, filled(c.AssessmentAuthorisationDate) & filled(c.CINclosureDate))
    late = (pd.Timestamp(c.loc[i, "CINclosureDate"]) + pd.Timedelta(days=3)).strftime("%Y-%m-%d")
    out, _ = set_cell(c, i, "AssessmentAuthorisationDate", late)
    return out, w, Expect(C, i + 2, "AssessmentAuthorisationDate", "after the episode closed")


@case("an ICPC before its s47 enquiry")
def _(c, w):
    m = filled(c.DateOfInitialCPC) & filled(c.S47ActualStartDate)
    i = first(c, m)
    out = c.copy()
    out.loc[i, "DateOfInitialCPC"] = (pd.Timestamp(c.loc[i, "S47ActualStartDate"])
                                      - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    return out, w, Expect(C, i + 2, "DateOfInitialCPC", "before the s47 enquiry started")


@case("no further action with an assessment")
def _(c, w):
    out, i = set_cell(c, filled(c.AssessmentActualStartDate) & (c.ReferralNFA == "0"),
                      "ReferralNFA", "1")
    return out, w, Expect(C, i + 2, "ReferralNFA", "marked no further action")


# ---- rows that contradict each other
@case("a row given twice")
def _(c, w):
    out = pd.concat([c, c.iloc[[20]]], ignore_index=True)
    return out, w, Expect(C, len(out) + 1, "LAchildID", "duplicate row (the same as row 22)")


@case("two rows of an episode with different closure reasons")
def _(c, w):
    i = first(c, filled(c.ReasonForClosure) & filled(c.AssessmentActualStartDate))
    extra = c.iloc[[i]].copy()
    extra["ReasonForClosure"] = "RC1" if c.loc[i, "ReasonForClosure"] != "RC1" else "RC2"
    extra["AssessmentActualStartDate"] = extra["AssessmentAuthorisationDate"] = ""
    out = pd.concat([c, extra], ignore_index=True)
    return out, w, Expect(C, len(out) + 1, "ReasonForClosure", "disagrees with row")


@case("an episode whose NFA flag is blank on every row")
def _(c, w):
    counts = c.groupby(["LAchildID", "CINreferralDate"]).LAchildID.transform("size")
    i = first(c, (counts == 1) & filled(c.ReferralNFA))
    out, _ = set_cell(c, i, "ReferralNFA", "")
    return out, w, Expect(C, i + 2, "ReferralNFA", "no row of this episode says")


@case("the same plan with two end dates")
def _(c, w):
    i = first(c, filled(c.CPPstartDate) & filled(c.CPPendDate))
    extra = c.iloc[[i]].copy()
    extra["CPPendDate"] = (pd.Timestamp(c.loc[i, "CPPendDate"]) - pd.Timedelta(days=1)
                           ).strftime("%Y-%m-%d")
    out = pd.concat([c, extra], ignore_index=True)
    return out, w, Expect(C, len(out) + 1, "CPPendDate", "with a different end date")


@case("a worker id given twice")
def _(c, w):
    out, i = set_cell(w, 12, "WorkerID", w.loc[3, "WorkerID"])
    return c, out, Expect(W, i + 2, "WorkerID", "duplicate WorkerID (the same as row 5)")


# ---- extracts that cannot support a fit
@case("a single child's extract")
def _(c, w):
    one = c[c.LAchildID == c.LAchildID.iloc[0]]
    # a whole-file problem: the column is named in the message's words
    return one, w, Expect(C, says="(CINreferralDate); a calibration needs at least 20")


@case("a roster of people who all left long ago")
def _(c, w):
    gone = w.assign(RoleStartDate="2001-01-01", RoleEndDate="2002-01-01", ReasonLeave="RES")
    return c, gone, Expect(W, says="nobody in the roster is in post during the data window "
                                   "2021-04-01 to 2023-03-30 (every RoleEndDate is before it")


@case("both files broken at once")
def _(c, w):
    out_c, i = set_cell(c, 30, "CINreferralDate", "not a date")
    out_w, j = set_cell(w, 4, "FTE", "2")
    return out_c, out_w, Expect(C, i + 2, "CINreferralDate", f"{W}, row {j + 2}, column FTE")


# --------------------------------------------------------------------------------------------
# Running a case
# --------------------------------------------------------------------------------------------

def write_case(name, sample, folder):
    """Write the case's two files into ``folder``; return (cases path, roster path, Expect,
    the identifiers that must not appear)."""
    c, w = sample
    child, worker = c.LAchildID.iloc[7], w.WorkerID.iloc[7]
    cases, roster, expect = CORPUS[name](c, w)
    ids = identifiers(c, w)
    paths = []
    for obj, fname in ((cases, C), (roster, W)):
        p = folder / fname
        if isinstance(obj, pd.DataFrame):
            text = obj.to_csv(index=False).replace("__CHILD__", child).replace("__WORKER__", worker)
            p.write_text(text, encoding="utf-8")
        elif isinstance(obj, bytes):
            p.write_bytes(obj)
        elif obj == "folder":
            p.mkdir()
        paths.append(p)
    return paths[0], paths[1], expect, ids


def argv(cases, roster, folder) -> list[str]:
    return ["calibrate", "--cases", str(cases), "--workforce", str(roster),
            "--out", str(folder / "fitted.yaml"), "--report-dir", str(folder / "report"),
            "--no-backtest"]


def check_output(code: int, out: str, err: str, expect: Expect, ids: set[str], folder) -> None:
    assert code == 2, f"exit code {code}; stderr:\n{err}"
    assert "Traceback" not in err and "Traceback" not in out
    assert expect.where() in err, f"expected {expect.where()!r} in:\n{err}"
    assert expect.says in err, f"expected {expect.says!r} in:\n{err}"
    leaked = sorted(i for i in ids if i in err or i in out)
    assert not leaked, f"{len(leaked)} identifier(s) in the message"
    assert not (folder / "fitted.yaml").exists()


def test_the_corpus_is_large_enough():
    assert len(CORPUS) >= 50
    assert len({make.__name__ for make in CORPUS.values()}) >= 1  # every entry registered


@pytest.mark.parametrize("name", list(CORPUS))
def test_each_broken_extract_is_refused_naming_the_row_and_column(name, sample, tmp_path, capsys):
    cases, roster, expect, ids = write_case(name, sample, tmp_path)
    code = main(argv(cases, roster, tmp_path))
    captured = capsys.readouterr()
    check_output(code, captured.out, captured.err, expect, ids, tmp_path)


# one case of each kind, as a real subprocess of the command
SUBPROCESS = ["cases saved as UTF-16", "a truncated last row",
              "child id and referral date headers swapped", "a worker id as FTE",
              "two rows of an episode with different closure reasons", "a single child's extract"]


def test_the_command_line_refuses_them_too(sample, tmp_path):
    procs = []
    for k, name in enumerate(SUBPROCESS):
        folder = tmp_path / f"case{k}"
        folder.mkdir()
        cases, roster, expect, ids = write_case(name, sample, folder)
        procs.append((subprocess.Popen([sys.executable, "-m", "workbench.cli",
                                        *argv(cases, roster, folder)],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
                      expect, ids, folder))
        if len(procs) % 2 == 0:  # two at a time: the machine has two cores
            procs[-2][0].wait(timeout=300)
    for proc, expect, ids, folder in procs:
        out, err = proc.communicate(timeout=300)
        check_output(proc.returncode, out, err, expect, ids, folder)
