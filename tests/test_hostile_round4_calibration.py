"""The fourth hostile audit of calibration's inputs (issue 13): what the third left.

- Annex A cells that read as blank but are not: a formula whose value was never saved (a
  workbook written by a program) and merged cells. Both were refused as 'a date is required
  here' (in a required column) or, in an end-date column, accepted as an open plan.
- Workbooks that unpack to gigabytes from a few MB (zip bombs), a zip of thousands of parts, a
  zip whose directory lies about a part's size, a file that starts like a zip but is not one.
- A social worker who left and came back (or an agency worker who took a permanent post) under
  the same identifier: refused as a 'duplicate WorkerID' before; two roles one after the other
  are now two roles, and only roles of one worker that overlap in time are refused.

Messages name the file and the sheet, row, cell or field, never an identifier from the data.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from workbench.calibration.extracts import ExtractError, validate_workforce_frame
from workbench.calibration.observe import in_post_at, type_spells
from workbench.calibration.returns.xlsx import MAX_UNPACKED
from workbench.cli import main

from conftest import ROOT, calibrate_returns
from conftest import fits_once_per_input
from conftest import refused_returns as refused

RETURNS = ROOT / "data" / "returns"
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(scope="module", autouse=True)
def one_fit_per_input():
    """Each distinct input fitted once in this module. Several tests here calibrate returns
    that read as the bundled ones (formulas with their saved values, a merged title above a
    list): the same cases, roster, template, window and seed, so the same fit. ``calibrate``
    is made for the first and a copy handed to the others; the key is the whole of its
    arguments, pickled, so any other input is fitted afresh."""
    yield from fits_once_per_input()


def member_of(path: Path, sheet: str) -> str:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return wb[sheet]._worksheet_path
    finally:
        wb.close()


def rewrite(path: Path, member: str, content, level: int = 6) -> None:
    """The workbook with one part replaced: ``content`` is bytes, or a function giving the pieces
    to stream (a bomb is never held whole)."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zi, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            if info.filename != member:
                zo.writestr(info, zi.read(info.filename))
                continue
            new = zipfile.ZipInfo(member, info.date_time)
            new.compress_type = zipfile.ZIP_DEFLATED
            new._compresslevel = level
            with zo.open(new, "w", force_zip64=True) as fh:
                for piece in ([content] if isinstance(content, bytes) else content()):
                    fh.write(piece)
    tmp.replace(path)


# --------------------------------------------------------------------------------------------
# Annex A: formulas without a saved value, merged cells
# --------------------------------------------------------------------------------------------

def test_a_formula_never_calculated_in_a_required_date_is_said_so(returns, tmp_path, capsys):
    # 'row 5, field Child Protection Plan Start Date: a date is required here' before
    wb = openpyxl.load_workbook(returns / "annex_a.xlsx")
    wb["List 7 CP"].cell(5, 2).value = "=DATE(2022,5,1)"    # openpyxl saves no value for it
    wb.save(returns / "annex_a.xlsx")
    err = refused(returns, tmp_path, capsys, "annex_a.xlsx [List 7 CP], row 5, field Child "
                  "Protection Plan Start Date: cell B5 holds a formula whose value was never "
                  "saved", "open the workbook in Excel and save it")
    assert "a date is required here" not in err


def test_a_formula_never_calculated_in_an_end_date_is_not_an_open_plan(returns, tmp_path, capsys):
    # accepted before: the plan read as still open
    wb = openpyxl.load_workbook(returns / "annex_a.xlsx")
    ws = wb["List 7 CP"]
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 2).value and ws.cell(r, 3).value)
    ws.cell(row, 3).value = f"=B{row}+90"
    wb.save(returns / "annex_a.xlsx")
    refused(returns, tmp_path, capsys, f"annex_a.xlsx [List 7 CP], row {row}, field Child "
            f"Protection Plan End Date: cell C{row} holds a formula whose value was never saved")


def test_formulas_with_saved_values_are_read_as_their_values(returns, tmp_path, capsys):
    # as Excel saves them: the formula and its value; an empty text result is a blank cell
    path = returns / "annex_a.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["List 7 CP"]
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 2).value and not ws.cell(r, 3).value)
    start = ws.cell(row, 2).value
    ws.cell(row, 2).value = "=MARK_B"
    ws.cell(row, 3).value = '=MARK_C'
    wb.save(path)
    member = member_of(path, "List 7 CP")
    with zipfile.ZipFile(path) as z:
        xml = z.read(member).decode()
    xml = xml.replace("<f>MARK_B</f><v></v>", f"<f>TEXT(A1,\"dd/mm/yyyy\")</f><v>{start}</v>")
    xml = xml.replace("<f>MARK_C</f><v></v>", "<f>IF(TRUE,\"\",\"x\")</f><v></v>")
    xml = xml.replace(f'<c r="B{row}">', f'<c r="B{row}" t="str">')
    xml = xml.replace(f'<c r="C{row}">', f'<c r="C{row}" t="str">')
    assert "MARK_" not in xml
    rewrite(path, member, xml.encode())
    code, out, err = calibrate_returns(returns, tmp_path, capsys)
    assert code == 0, err


def test_merged_date_cells_are_said_to_be_merged(returns, tmp_path, capsys):
    # 'a date is required here' at rows 5 and 6 before
    wb = openpyxl.load_workbook(returns / "annex_a.xlsx")
    ws = wb["List 7 CP"]
    ws.cell(5, 2).value = ws.cell(6, 2).value = ws.cell(4, 2).value
    ws.merge_cells("B4:B6")
    wb.save(returns / "annex_a.xlsx")
    err = refused(returns, tmp_path, capsys, "annex_a.xlsx [List 7 CP], row 4, field Child "
                  "Protection Plan Start Date: cells B4:B6 are merged", "unmerge them and fill "
                  "each row")
    assert "a date is required here" not in err


def test_merged_end_dates_are_not_open_plans(returns, tmp_path, capsys):
    # accepted before: the rows below the first read as plans still open
    wb = openpyxl.load_workbook(returns / "annex_a.xlsx")
    ws = wb["List 8 Children in Care"]
    row = next(r for r in range(4, ws.max_row) if ws.cell(r, 3).value and ws.cell(r + 1, 3).value)
    ws.merge_cells(f"C{row}:C{row + 1}")
    wb.save(returns / "annex_a.xlsx")
    refused(returns, tmp_path, capsys, f"annex_a.xlsx [List 8 Children in Care], row {row}, field "
            f"Date Ceased to be Looked After: cells C{row}:C{row + 1} are merged")


def test_a_merged_title_above_the_list_is_not_a_problem(returns, tmp_path, capsys):
    wb = openpyxl.load_workbook(returns / "annex_a.xlsx")
    for ws in wb.worksheets:
        ws.merge_cells("A1:C1")
    wb.save(returns / "annex_a.xlsx")
    code, out, err = calibrate_returns(returns, tmp_path, capsys)
    assert code == 0, err


# --------------------------------------------------------------------------------------------
# Annex A: the zip
# --------------------------------------------------------------------------------------------

HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
TAIL = b"</sheetData></worksheet>"
TITLES = (b'<row><c t="inlineStr"><is><t>Child Unique ID</t></is></c><c t="inlineStr"><is><t>'
          b'Child Protection Plan Start Date</t></is></c></row>')


def rows_bomb(n_rows: int):
    """A sheet of ``n_rows`` rows of 200 cells of one value (packs about 130 times)."""
    block = (b"<row>" + b'<c t="inlineStr"><is><t>x</t></is></c>' * 200 + b"</row>") * 1000

    def pieces():
        yield HEAD + TITLES
        for _ in range(n_rows // 1000):
            yield block
        yield TAIL
    return pieces


def padding_bomb(mb: int):
    """A sheet padded with ``mb`` MB of spaces (packs about 230 times at level 1)."""
    def pieces():
        yield HEAD
        blank = b" " * 2**20
        for _ in range(mb):
            yield blank
        yield TITLES + TAIL
    return pieces


def read_under_limit(path: Path, limit_gb: float = 2.0, timeout: float = 60.0) -> tuple[str, float]:
    """read_annex_a in a subprocess with its address space limited: (what it said, the seconds
    of processor time it took: unlike the wall clock, not lengthened by a busy machine)."""
    code = ("import resource, sys\n"
            f"resource.setrlimit(resource.RLIMIT_AS, ({int(limit_gb * 2**30)}, "
            f"{int(limit_gb * 2**30)}))\n"
            "from workbench.calibration.returns.annex_a import read_annex_a\n"
            "problems = []\n"
            f"read_annex_a({str(path)!r}, problems)\n"
            "print('\\n'.join(str(p) for p in problems))\n")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=timeout)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    took = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, took


@pytest.mark.parametrize("bomb, says", [
    # 40,000 rows of 200 cells: took over 120 s before (killed there)
    (rows_bomb(40_000), "its parts would unpack to 291 MB from 2 MB on disk, more than any "
                        "authority's Annex A"),
    # accepted before after 7 s and 1.2 GB of memory (the padding held as text)
    (padding_bomb(1024), "its parts would unpack to 1,024 MB from 5 MB on disk"),
    # under the total, but packed 230 times
    (padding_bomb(50), "its part xl/worksheets/sheet5.xml would unpack to 50 MB from "),
], ids=["8M cells of one value", "1 GB of padding", "a part packed 230 times"])
def test_a_zip_bomb_is_refused_in_seconds_before_it_is_unpacked(bomb, says, returns):
    path = returns / "annex_a.xlsx"
    rewrite(path, member_of(path, "List 7 CP"), bomb, level=1)
    assert path.stat().st_size < 6 * 2**20
    said, took = read_under_limit(path, limit_gb=1.0)
    assert f"annex_a.xlsx: {says}" in said, said
    assert "not read (damaged, or made to fill the memory when unpacked)" in said
    assert took < 20, took  # processor seconds (it took over 120 s before)


def test_a_zip_bomb_is_refused_by_calibrate(returns, tmp_path, capsys):
    path = returns / "annex_a.xlsx"
    rewrite(path, member_of(path, "List 7 CP"), padding_bomb(MAX_UNPACKED // 2**20 + 1), level=1)
    refused(returns, tmp_path, capsys, "annex_a.xlsx: its parts would unpack to 257 MB",
            "(at most 256 MB)")


def test_a_zip_of_thousands_of_parts_is_refused(returns, tmp_path, capsys):
    path = returns / "annex_a.xlsx"
    with zipfile.ZipFile(path, "a") as z:
        for i in range(3000):
            z.writestr(f"customXml/item{i}.xml", b"<a/>")
    refused(returns, tmp_path, capsys, "annex_a.xlsx: a zip of 3,014 parts", "an Excel workbook "
            "has a few dozen (at most 1,000 are read)")


def test_a_directory_that_understates_a_parts_size(returns, tmp_path, capsys):
    # zipfile stops a part at its declared size and says 'Bad CRC-32': 'damaged, or a zip archive
    # of something else (BadZipFile)' before
    path = returns / "annex_a.xlsx"
    member = member_of(path, "List 7 CP")
    with zipfile.ZipFile(path) as z:
        real = z.getinfo(member).file_size
    raw = bytearray(path.read_bytes())
    name = member.encode()
    at = raw.rfind(b"PK\x01\x02", 0, raw.rfind(name))  # the directory entry of the member
    assert int.from_bytes(raw[at + 24:at + 28], "little") == real
    raw[at + 24:at + 28] = (real // 4).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    refused(returns, tmp_path, capsys, "annex_a.xlsx: not a readable Excel workbook (.xlsx): a "
            "part's data does not match the size or checksum its zip directory gives")


def test_a_file_that_starts_like_a_zip_but_is_not_one(returns, tmp_path, capsys):
    (returns / "annex_a.xlsx").write_bytes(b"PK\x03\x04" + b"not a zip at all " * 100)
    refused(returns, tmp_path, capsys, "annex_a.xlsx: not a readable Excel workbook (.xlsx): no "
            "zip directory at its end")


# --------------------------------------------------------------------------------------------
# A worker who left and came back
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample():
    cases = pd.read_csv(SAMPLE / "cases.csv", dtype=str, keep_default_na=False)
    roster = pd.read_csv(SAMPLE / "workforce.csv", dtype=str, keep_default_na=False)
    return cases, roster


def calibrate_extracts(folder: Path, capsys, cases, roster) -> tuple[int, str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    cases.to_csv(folder / "cases.csv", index=False)
    roster.to_csv(folder / "workforce.csv", index=False)
    code = main(["calibrate", "--cases", str(folder / "cases.csv"), "--workforce",
                 str(folder / "workforce.csv"), "--out", str(folder / "out.yaml"),
                 "--report-dir", str(folder / "rep"), "--no-backtest"])
    out, err = capsys.readouterr()
    return code, out, err


def with_returner(roster: pd.DataFrame, new_id: str | None = None) -> tuple[pd.DataFrame, int]:
    """The roster with a permanent leaver of the data window back in her team 90 days after she
    left (a new row, under her own WorkerID or ``new_id``); and her first row's position."""
    i = roster.index[(roster.ReasonLeave == "RES") & (roster.WorkerType == "experienced")
                     & roster.RoleEndDate.between("2021-06-01", "2022-06-30")][0]
    back = roster.loc[[i]].copy()
    back["RoleStartDate"] = (pd.Timestamp(roster.RoleEndDate[i]) + pd.Timedelta(days=90)
                             ).strftime("%Y-%m-%d")
    back[["RoleEndDate", "ReasonLeave"]] = ""
    back[["Cases30", "WorkingDaysLost"]] = ["12", "2"]
    if new_id:
        back["WorkerID"] = new_id
    return pd.concat([roster, back], ignore_index=True), i


def test_a_returner_is_a_leaver_and_later_a_joiner(sample, tmp_path, capsys):
    # 'duplicate WorkerID (the same as row 9)' before; now fitted exactly as if she had come
    # back under a new identifier: her leaving counted once, her return an appointment
    cases, roster = sample
    same, _ = with_returner(roster)
    fresh, _ = with_returner(roster, new_id="NEWID0001")
    code, out, err = calibrate_extracts(tmp_path / "same", capsys, cases, same)
    assert code == 0, err
    code, out2, err = calibrate_extracts(tmp_path / "fresh", capsys, cases, fresh)
    assert code == 0, err
    a = (tmp_path / "same" / "rep" / "fit_table.csv").read_bytes()
    b = (tmp_path / "fresh" / "rep" / "fit_table.csv").read_bytes()
    assert a == b
    ids = set(roster.WorkerID) | set(cases.LAchildID) - {""}
    assert not [x for x in ids if x in out + out2]


def test_a_returner_is_in_post_once_and_leaves_once(sample):
    _, roster = sample
    same, i = with_returner(roster)
    r = validate_workforce_frame(same, "workforce.csv")
    w = r.workers
    her = w.worker.iat[i]
    assert (w.worker == her).sum() == 2
    days = np.arange(w.start[w.worker == her].min() - 30, w.start.max() + 30, 7.0)
    assert max(int((in_post_at(r, d).worker == her).sum()) for d in days) == 1
    gone = [d for d in days if not (in_post_at(r, d).worker == her).any()]
    assert gone, "she was out of post between her roles"
    spells = type_spells(r, 365.0, 365.0)
    assert int(spells[spells.worker == her].left.sum()) == 1


def test_overlapping_roles_of_one_worker_are_refused_naming_the_rows(sample, tmp_path, capsys):
    cases, roster = sample
    same, i = with_returner(roster)
    back = len(same) - 1
    same.loc[back, "RoleStartDate"] = (pd.Timestamp(same.RoleEndDate[i]) - pd.Timedelta(days=30)
                                       ).strftime("%Y-%m-%d")
    code, out, err = calibrate_extracts(tmp_path, capsys, cases, same)
    assert code == 2, err
    assert f"workforce.csv, row {back + 2}, column WorkerID: duplicate WorkerID (the same as row " \
           f"{i + 2}) in post at the same time" in err
    assert "a worker with two roles one after the other" in err
    assert same.WorkerID[i] not in out + err


def test_an_agency_worker_taking_a_permanent_post_keeps_her_identifier():
    w = pd.DataFrame([
        dict(WorkerID="A1", AgencyWorker="1", FTE="1", OrgRole="5", RoleStartDate="2021-01-04",
             RoleEndDate="2022-02-01", ReasonLeave="CON", Team="t", WorkerType="agency"),
        dict(WorkerID="A1", AgencyWorker="0", FTE="1", OrgRole="5", RoleStartDate="2022-02-01",
             RoleEndDate="", ReasonLeave="", Team="t", WorkerType="experienced")])
    r = validate_workforce_frame(w, "workforce.csv")
    assert r.workers.worker.nunique() == 1 and len(r.workers) == 2
    w.loc[1, "RoleStartDate"] = "2022-01-31"            # a day before the agency role ends
    with pytest.raises(ExtractError, match="row 3, column WorkerID: duplicate WorkerID "
                                           r"\(the same as row 2\) in post at the same time"):
        validate_workforce_frame(w, "workforce.csv")


def census_lines(path: Path) -> tuple[list[str], list[str]]:
    lines = path.read_text().splitlines()
    return lines[0].split(","), lines


def test_a_returner_in_the_workforce_census_is_two_roles(returns, tmp_path, capsys):
    # 'the same SWENo as ..., with another RoleStartDate' before
    head, lines = census_lines(returns / "workforce_census_2022.csv")
    col = {c: k for k, c in enumerate(head)}
    cells = lines[2].split(",")
    sweno, start = cells[col["SWENo"]], cells[col["RoleStartDate"]]
    left = cells.copy()
    left[col["RoleEndDate"]], left[col["ReasonLeave"]] = "2021-06-30", "RES"
    left[col["Cases30"]] = ""
    back = cells.copy()
    back[col["RoleStartDate"]] = "2021-11-01"
    lines[2:3] = [",".join(left), ",".join(back)]
    (returns / "workforce_census_2022.csv").write_text("\n".join(lines) + "\n")
    head, lines = census_lines(returns / "workforce_census_2023.csv")
    k = next(j for j, line in enumerate(lines) if line.startswith(sweno + ","))
    cells = lines[k].split(",")
    assert cells[col["RoleStartDate"]] == start
    cells[col["RoleStartDate"]] = "2021-11-01"          # the 2023 census holds her new role
    lines[k] = ",".join(cells)
    (returns / "workforce_census_2023.csv").write_text("\n".join(lines) + "\n")
    code, out, err = calibrate_returns(returns, tmp_path, capsys)
    assert code == 0, err
    assert sweno not in out + err
    # her new role starting before the old one ended is two roles at once
    head, lines = census_lines(returns / "workforce_census_2022.csv")
    lines[2] = lines[2].replace("2021-06-30", "2021-12-31")
    (returns / "workforce_census_2022.csv").write_text("\n".join(lines) + "\n")
    (tmp_path / "again").mkdir()
    err = refused(returns, tmp_path / "again", capsys, "workforce_census_202", "field SWENo: the "
                  "same SWENo as workforce_census_2022.csv, row 3, with another RoleStartDate, in "
                  "post at the same time")
    assert sweno not in err


def test_a_formula_that_failed_is_said_to_be_a_spreadsheet_error(returns, tmp_path, capsys):
    # as Excel saves a failed formula: the error value (#DIV/0!) is the cell's saved value; it
    # was refused as "'#DIV/0!' ... is not a date", which sends the analyst to the wrong fix
    path = returns / "annex_a.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["List 7 CP"]
    ws.cell(5, 2).value = "=MARK_B"
    wb.save(path)
    member = member_of(path, "List 7 CP")
    with zipfile.ZipFile(path) as z:
        xml = z.read(member).decode()
    xml = xml.replace('<c r="B5"><f>MARK_B</f><v></v></c>',
                      '<c r="B5" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
    assert "MARK_" not in xml
    rewrite(path, member, xml.encode())
    err = refused(returns, tmp_path, capsys, "annex_a.xlsx [List 7 CP], row 5, field Child "
                  "Protection Plan Start Date: the cell holds the spreadsheet error #DIV/0! (a "
                  "formula that failed when the file was saved)")
    assert "is not a date" not in err
