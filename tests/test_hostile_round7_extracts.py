"""The seventh hostile audit of calibration's inputs: the extract and return readers.

Each case was read wrongly before its fix:

- A child's or a worker's identifier in a column of the OTHER extract was quoted ("7311365 is
  out of range", "unknown code '45000'"), while one of the same file was hidden: numeric
  identifiers, as many councils have, are shaped like numbers and codes. Now a value is never
  quoted when it is an identifier in either extract (or in any return of the folder), nor when
  it has five digits or more (``may_identify``); short values that are neither still are.
- Row numbers after a blank line were one short for each blank line above (the docs promise
  the spreadsheet's rows), and a blank line inside the table was skipped silently although the
  docs said an empty row inside the table is refused at its row.
- An SSDA903 REC that is no DfE code (an identifier, say) was read as the end of care.
- "unknown code the value (not shown: ...) (expected ...)" read badly; WorkingDaysLost was said
  to be "at most 366" for a huge value and "at most 262" for 300.

Inputs are made in ``tmp_path`` from the bundled data. No message may hold an identifier.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from workbench.calibration.extracts import ExtractError, read_cases, read_extracts
from workbench.calibration.returns import read_returns

from conftest import ROOT

SAMPLE = ROOT / "data" / "sample"


def _sample() -> tuple[pd.DataFrame, pd.DataFrame]:
    read = lambda p: pd.read_csv(p, dtype=str, keep_default_na=False)  # noqa: E731
    return read(SAMPLE / "cases.csv"), read(SAMPLE / "workforce.csv")


def _numeric_ids(cases: pd.DataFrame, roster: pd.DataFrame):
    """The sample with numeric identifiers, as many councils number them: children 1001 up (four
    digits: short enough to pass the digit rule, so only knowing the other file hides them) and
    workers 101 up (three)."""
    child = {c: str(1001 + k) for k, c in enumerate(dict.fromkeys(cases.LAchildID))}
    worker = {w: str(101 + k) for k, w in enumerate(dict.fromkeys(roster.WorkerID))}
    cases = cases.assign(LAchildID=cases.LAchildID.map(child),
                         AllocatedWorker=cases.AllocatedWorker.map(lambda w: worker.get(w, w)))
    return cases, roster.assign(WorkerID=roster.WorkerID.map(worker))


def _refused(tmp_path: Path, cases: pd.DataFrame, roster: pd.DataFrame) -> str:
    cases.to_csv(tmp_path / "cases.csv", index=False)
    roster.to_csv(tmp_path / "workforce.csv", index=False)
    with pytest.raises(ExtractError) as exc:
        read_extracts(tmp_path / "cases.csv", tmp_path / "workforce.csv")
    return str(exc.value)


def _not_quoted(msg: str, value: str) -> None:
    assert not re.search(rf"(?<![0-9A-Za-z]){re.escape(value)}(?![0-9A-Za-z])", msg), msg


# --------------------------------------------------------------------------------------------
# 1. An identifier of either extract (or any return) is never quoted
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("column, says", [
    ("Cases30", "the value (not shown: it may identify someone) is out of range (must be at most "
                "1000)"),
    ("FTE", "the value (not shown: it may identify someone) is out of range (must be at most 1)"),
    ("WorkingDaysLost", "the value (not shown: it may identify someone) is out of range (at most "
                        "262"),
    ("OrgRole", "unknown code (the value is not shown: it may identify someone); expected one of "
                "1, 2, 3, 4, 5, 6"),
    ("ReasonLeave", "unknown code (the value is not shown: it may identify someone); expected "
                    "one of RES"),
    ("WorkerType", "unknown code (the value is not shown: it may identify someone); expected "
                   "one of experienced"),
])
def test_a_childs_short_numeric_id_in_a_roster_column_is_not_quoted(column, says, tmp_path):
    # before: 'wf.csv, row 22, column Cases30: 4521 is out of range' (the roster's own WorkerIDs
    # were hidden, the cases' LAchildIDs were not)
    from workbench.calibration.extracts.cells import may_identify
    cases, roster = _numeric_ids(*_sample())
    child = cases.LAchildID.iloc[3520]
    assert len(child) == 4 and not may_identify(child)
    roster.loc[20, column] = child
    msg = _refused(tmp_path, cases, roster)
    assert f"workforce.csv, row 22, column {column}: {says}" in msg
    _not_quoted(msg, child)


@pytest.mark.parametrize("column, says", [
    ("ReasonForClosure", "unknown code (the value is not shown: it may identify someone); "
                         "expected one of RC1"),
    ("ReferralNFA", "the value (not shown: it may identify someone) is not a yes/no flag"),
])
def test_a_workers_short_numeric_id_in_a_case_column_is_not_quoted(column, says, tmp_path):
    # before: "unknown code '123'" (a WorkerID found only in the roster)
    cases, roster = _numeric_ids(*_sample())
    # a worker named only in the roster (no case allocated to her)
    worker = next(w for w in roster.WorkerID if w not in set(cases.AllocatedWorker))
    i = int(((cases.ReasonForClosure != "") & (cases.CINclosureDate != "")).to_numpy().nonzero()[0][0])
    cases.loc[i, column] = worker
    msg = _refused(tmp_path, cases, roster)
    assert f"cases.csv, row {i + 2}, column {column}: {says}" in msg
    _not_quoted(msg, worker)


@pytest.mark.parametrize("column, value", [
    ("Cases30", "7311365"), ("FTE", "7311365"), ("WorkingDaysLost", "728234948126"),
    ("OrgRole", "45000"), ("ReasonLeave", "W000004"),
])
def test_a_value_of_five_digits_or_more_is_never_quoted(column, value, tmp_path):
    # an identifier from neither file (another system's): before, quoted as a number or a code
    cases, roster = _sample()
    roster.loc[3, column] = value
    msg = _refused(tmp_path, cases, roster)
    assert f"workforce.csv, row 5, column {column}: " in msg
    assert "not shown" in msg
    _not_quoted(msg, value)


@pytest.mark.parametrize("column, value, says", [
    ("FTE", "37.5", "37.5 is out of range (must be at most 1)"),
    ("Cases30", "1200", "1200 is out of range (must be at most 1000)"),
    ("OrgRole", "7", "unknown code '7'; expected one of 1, 2, 3, 4, 5, 6"),
    ("ReasonLeave", "RES1", "unknown code 'RES1'; expected one of RES"),
])
def test_a_short_slip_that_is_no_identifier_is_still_quoted(column, value, says, tmp_path):
    cases, roster = _sample()
    roster.loc[3, column] = value
    assert f"workforce.csv, row 5, column {column}: {says}" in _refused(tmp_path, cases, roster)


def test_may_identify_is_the_digit_rule():
    from workbench.calibration.extracts.cells import may_identify
    assert may_identify("7311365") and may_identify("ZZCHILD999999") and may_identify("SW12345")
    assert not may_identify("Team 12") and not may_identify("1000") and not may_identify("RC8")


def _returns_with_a_numeric_child(tmp_path: Path) -> tuple[Path, str]:
    """The bundled returns with one child's identifier written as 4521 in every CSV and XML."""
    d = tmp_path / "returns"
    shutil.copytree(ROOT / "data" / "returns", d)
    (d / "README.md").unlink(missing_ok=True)
    child = re.search(r"<LAchildID>([^<]+)<", (d / "cin_census_2023.xml").read_text())[1]
    new = "4521"
    for f in list(d.glob("*.xml")) + list(d.glob("*.csv")):
        text = f.read_text()
        assert not re.search(rf"\b{new}\b", text)
        f.write_text(re.sub(rf"\b{re.escape(child)}\b", new, text))
    return d, new


@pytest.mark.parametrize("column", ["Cases30", "FTE", "WorkingDaysLost"])
def test_a_childs_id_from_the_case_returns_in_a_census_number_is_not_quoted(column, tmp_path):
    # before: 'workforce_census_2023.csv, row 4, field Cases30: 4521 is out of range'
    d, child = _returns_with_a_numeric_child(tmp_path)
    p = d / "workforce_census_2023.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    df.loc[2, column] = child
    df.to_csv(p, index=False)
    with pytest.raises(ExtractError) as exc:
        read_returns(d)
    msg = str(exc.value)
    assert f"workforce_census_2023.csv, row 4, field {column}: the value (not shown" in msg
    _not_quoted(msg, child)


def test_a_long_number_in_a_census_column_is_not_quoted(tmp_path):
    d = tmp_path / "returns"
    shutil.copytree(ROOT / "data" / "returns", d)
    p = d / "workforce_census_2023.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    df.loc[2, "Cases30"] = "728234948126"
    df.to_csv(p, index=False)
    with pytest.raises(ExtractError) as exc:
        read_returns(d)
    assert "workforce_census_2023.csv, row 4, field Cases30: the value (not shown" in str(exc.value)
    assert "728234948126" not in str(exc.value)


# --------------------------------------------------------------------------------------------
# 2. Row numbers are the spreadsheet's, blank lines included
# --------------------------------------------------------------------------------------------

def _lines_with_bad_flag(at: int) -> list[str]:
    """The sample's cases as lines, with ReferralNFA '7' on data line ``at`` (0 = header)."""
    lines = (SAMPLE / "cases.csv").read_text().splitlines()
    cells = lines[at].split(",")
    cells[2] = "7"
    lines[at] = ",".join(cells)
    return lines


@pytest.mark.parametrize("blanks", [1, 3])
def test_a_row_after_blank_lines_is_named_by_its_spreadsheet_row(blanks, tmp_path):
    # before: 'row 201' for the bad cell on row 202 (or 204 after three blank lines), and the
    # blank lines skipped silently
    lines = _lines_with_bad_flag(200)
    lines[100:100] = [""] * blanks
    p = tmp_path / "cases.csv"
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(ExtractError) as exc:
        read_cases(p)
    msg = str(exc.value)
    assert f"cases.csv, row {201 + blanks}, column ReferralNFA: '7' is not a yes/no flag" in msg
    for r in range(101, 101 + blanks):
        assert f"cases.csv, row {r}: an empty row inside the table" in msg
    assert "duplicate row" not in msg


def test_a_quoted_line_break_is_one_row(tmp_path):
    lines = _lines_with_bad_flag(200)
    cells = lines[50].split(",")
    cells[21] = '"first\ncontact"'
    lines[50] = ",".join(cells)
    p = tmp_path / "cases.csv"
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(ExtractError) as exc:
        read_cases(p)
    assert "cases.csv, row 201, column ReferralNFA: '7'" in str(exc.value)


def test_a_truncated_row_after_a_blank_line_is_named_by_its_row(tmp_path):
    # before: the row count of the field check skipped blank lines too
    lines = (SAMPLE / "cases.csv").read_text().splitlines()
    lines[300] = ",".join(lines[300].split(",")[:3])
    lines[10:10] = [""]
    p = tmp_path / "cases.csv"
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(ExtractError) as exc:
        read_cases(p)
    assert "cases.csv, row 302: 3 fields where the header has 23" in str(exc.value)


def test_blank_lines_after_the_table_are_still_read_past(tmp_path):
    p = tmp_path / "cases.csv"
    p.write_text((SAMPLE / "cases.csv").read_text() + "\n\n" + "," * 22 + "\n\n")
    assert len(read_cases(p).episodes) == len(read_cases(SAMPLE / "cases.csv").episodes)


def test_a_file_starting_with_a_blank_line_is_refused(tmp_path):
    # before: read, with every row's number one short
    p = tmp_path / "cases.csv"
    p.write_text("\n" + (SAMPLE / "cases.csv").read_text())
    with pytest.raises(ExtractError) as exc:
        read_cases(p)
    assert ("cases.csv, row 1: an empty row where the column names (the header) go: delete the "
            "empty rows above the header") in str(exc.value)


def test_a_blank_line_in_a_return_is_refused_at_its_row(tmp_path):
    d = tmp_path / "returns"
    shutil.copytree(ROOT / "data" / "returns", d)
    p = d / "ssda903_episodes_2023.csv"
    lines = p.read_text().splitlines()
    lines[5:5] = [""]
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(ExtractError) as exc:
        read_returns(d)
    assert "ssda903_episodes_2023.csv, row 6: an empty row inside the table" in str(exc.value)


# --------------------------------------------------------------------------------------------
# 3. An unknown SSDA903 REC code is refused
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["728234948126", "E99", "4521"])
def test_an_unknown_rec_code_is_refused_at_its_row_not_quoted(value, tmp_path):
    # before: read as the end of the period of care, silently
    d = tmp_path / "returns"
    shutil.copytree(ROOT / "data" / "returns", d)
    p = d / "ssda903_episodes_2023.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    k = int((df.REC == "E8").to_numpy().nonzero()[0][0])
    df.loc[k, "REC"] = value
    df.to_csv(p, index=False)
    with pytest.raises(ExtractError) as exc:
        read_returns(d)
    msg = str(exc.value)
    assert (f"ssda903_episodes_2023.csv, row {k + 2}, field REC: unknown code (the value is not "
            "shown: it may identify someone); expected one of X1, E11") in msg
    _not_quoted(msg, value)


def test_every_rec_code_of_the_bundled_returns_is_known(tmp_path):
    from workbench.calibration.returns.ssda903 import REC_CODES
    for f in (ROOT / "data" / "returns").glob("ssda903_episodes_*.csv"):
        recs = set(pd.read_csv(f, dtype=str, keep_default_na=False).REC) - {""}
        assert recs <= set(REC_CODES)


# --------------------------------------------------------------------------------------------
# 4. The words
# --------------------------------------------------------------------------------------------

def test_an_unknown_code_not_shown_reads_as_a_sentence(tmp_path):
    # before: 'unknown code the value (not shown: it may identify someone) (expected one of ...)'
    cases, roster = _sample()
    i = int((cases.ReasonForClosure != "").to_numpy().nonzero()[0][0])
    cases.loc[i, "ReasonForClosure"] = cases.LAchildID.iloc[i]
    msg = _refused(tmp_path, cases, roster)
    assert (f"row {i + 2}, column ReasonForClosure: unknown code (the value is not shown: it may "
            "identify someone); expected one of RC1, RC2") in msg
    assert "unknown code the value" not in msg


@pytest.mark.parametrize("value", ["300", "400", "1e308"])
def test_days_lost_have_one_bound_said_one_way(value, tmp_path):
    # before: 300 was 'at most 262 ... calendar days?', 400 and 1e308 'at most 366'
    cases, roster = _sample()
    roster.loc[2, "WorkingDaysLost"] = value
    msg = _refused(tmp_path, cases, roster)
    assert ("row 4, column WorkingDaysLost: " in msg and "is out of range (at most 262: 12 months "
            "hold at most 262 working days, Monday to Friday: are these calendar days?)" in msg)
    assert "366" not in msg
