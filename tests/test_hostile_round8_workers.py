"""The eighth hostile audit of calibration from statutory returns (issue 13): the fitting
workers and the data window. Each case was read wrong before its fix, silently:

- 2. One referral episode in the 2021 CIN census closed in May 2019 moved the default window a
  year back (from 2020-04-01 to 2019-05-01): the referral rate and trend were fitted over a year
  the returns do not cover. With returns the window is their collection years' (1 April before
  the first to 31 March of the last), the episodes before it are counted in a note, and the
  "Data window" line says where the window came from (it said "found from the extracts" when
  --window-end was given).
- 3. ``--window-end`` before the latest workforce census read that census's Cases30 under the
  earlier date: the census at or before the window's end is read, later ones left out.
- 4. A SWENo written in other capitals in one year's census made a second worker (a team
  counted her twice; every SWENo of a year lower-cased doubled every team): refused, with a
  count and the files.
- 5. A worker in an earlier census, in no later one and with no RoleEndDate, stayed in post for
  ever unsaid: a note counts them and says what the fit assumed.
- 7. A field given twice in one CSWWWorker kept the last value silently (a second FTE and Team
  in five workers moved them between teams): refused at its element.
- ``--returns`` naming a file said "no case return found"; ``--out`` is checked as the other
  commands' file outputs are.

Built in the test from the bundled synthetic returns (data/returns/) by one change each.
Structure, messages and aggregates of inputs the test controls; no model output is asserted.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.calibration.fit import calibrate
from workbench.calibration.returns import read_returns
from workbench.calibration.returns.common import Origin, WorkerRecord
from workbench.calibration.returns.workforce_census import read_workforce_xml

from conftest import calibrate_returns, return_ids, returns_copy

W21, W22, W23 = (f"workforce_census_{y}.csv" for y in (2021, 2022, 2023))
EARLY_CHILD = "QEARLY0001"
EARLY = f"""<Child>
      <ChildIdentifiers>
        <LAchildID>{EARLY_CHILD}</LAchildID>
      </ChildIdentifiers>
      <CINdetails>
        <CINreferralDate>2019-05-01</CINreferralDate>
        <ReferralNFA>true</ReferralNFA>
        <CINclosureDate>2019-05-01</CINclosureDate>
        <ReasonForClosure>RC8</ReasonForClosure>
      </CINdetails>
    </Child>
"""


def csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def swenos(folder: Path) -> set[str]:
    return {s for f in folder.glob("workforce_census_*.csv") for s in csv(f).SWENo}


def no_id_in(text: str, folder: Path) -> None:
    ids = return_ids() | swenos(folder) | {EARLY_CHILD}
    assert not [i for i in ids if i in text], "an identifier is shown"


def with_early_closure(folder: Path) -> Path:
    """The returns with one more child in the 2021 CIN census: referred and closed (no further
    action) on 2019-05-01, eleven months before the census's collection year began."""
    p = folder / "cin_census_2021.xml"
    text = p.read_text()
    at = text.rindex("</Children>")
    p.write_text(text[:at] + EARLY + text[at:])
    return folder


@pytest.fixture(scope="module")
def template():
    from workbench.scenario import load_scenario

    from conftest import SCENARIOS
    return load_scenario(SCENARIOS / "baseline.yaml")


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    """A copy of the bundled returns, unchanged, and what they read as: read once for the tests
    that only read them (a fit leaves the data as it was)."""
    folder = returns_copy(tmp_path_factory.mktemp("bundled"))
    return folder, read_returns(folder)


def quick_fit(folder: Path, template, years: bool = True, data=None, **kw):
    """The fit as the command makes it (with the CIN census's collection years, unless
    ``years`` is False), without its slow parts; ``data``: ``folder`` as already read."""
    if data is None:
        data = read_returns(folder)
    if years:
        kw["collection_years"] = sorted({int(y) for k, y in zip(data.files.kind, data.files.year)
                                         if k == "cin"})
    return calibrate(data.cases, data.roster, template, correct_timeliness=False,
                     fit_pressure=False, **kw)


# --------------------------------------------------------------------------------------------
# 2. The window of returns: their collection years
# --------------------------------------------------------------------------------------------

def test_returns_window_is_the_collection_years():
    from workbench.calibration.fit import returns_window

    assert returns_window([2021, 2022, 2023]) == (dt.date(2020, 4, 1), dt.date(2023, 3, 31))
    assert returns_window([2023]) == (dt.date(2022, 4, 1), dt.date(2023, 3, 31))
    assert returns_window([]) is None


def test_an_episode_closed_before_the_collection_years_does_not_move_the_window(tmp_path,
                                                                               capsys):
    folder = with_early_closure(returns_copy(tmp_path))
    code, out, err = calibrate_returns(folder, tmp_path, capsys)
    assert code == 0, err
    line = next(s for s in out.splitlines() if s.startswith("Data window"))
    assert line.startswith("Data window 2020-04-01 to 2023-03-31 (from the returns' collection "
                           "years (CIN census 2021 to 2023)"), line
    assert "found from the extracts" not in line
    said = [s for s in out.splitlines() if "closed (CINclosureDate) before the data window" in s]
    assert len(said) == 1 and "1 referral episode(s)" in said[0]
    no_id_in(out + err, folder)


def test_the_window_line_says_where_each_end_came_from():
    from workbench.cli.calibrate import window_said

    start, end = dt.date(2020, 4, 1), dt.date(2023, 3, 31)
    assert window_said(("given", "given"), start, end) == ("as given by "
                                                           "--window-start/--window-end")
    assert window_said(("extracts", "extracts"), start, end).startswith(
        "found from the extracts;")
    assert window_said(("returns", "returns"), start, end).startswith(
        "from the returns' collection years (CIN census 2021 to 2023);")
    mixed = window_said(("returns", "given"), start, dt.date(2022, 3, 31))
    assert mixed == ("start from the returns' first collection year (CIN census 2021); end as "
                     "given by --window-end")
    assert window_said(("given", "extracts"), start, end) == (
        "start as given by --window-start; end found from the extracts")


def test_window_end_given_is_said_as_given(tmp_path, capsys):
    from workbench.cli import main

    folder = returns_copy(tmp_path)
    code = main(["calibrate", "--returns", str(folder), "--out", str(tmp_path / "o.yaml"),
                 "--report-dir", str(tmp_path / "rep"), "--no-backtest", "--window-end",
                 "2022-03-31"])
    out, err = capsys.readouterr()
    assert code == 0, err
    line = next(s for s in out.splitlines() if s.startswith("Data window"))
    assert line == ("Data window 2020-04-01 to 2022-03-31 (start from the returns' first "
                    "collection year (CIN census 2021); end as given by --window-end)")


def test_a_part_year_census_at_the_start_is_left_out_of_the_window(tmp_path, template):
    """A CIN census of 2020 holding 15 children beside censuses of about 300 referrals a year:
    read from 1 April 2019 the fit took a year of a third of the referrals (the year before
    the first census holds the episodes still open when it began), a trend of +31% a year."""
    folder = returns_copy(tmp_path)
    text = (folder / "cin_census_2021.xml").read_text()
    head = text.split("<Children>", 1)[0]
    head = head.replace("<Year>2021</Year>", "<Year>2020</Year>").replace("2021-03-31",
                                                                          "2020-03-31")
    kids = "".join(EARLY.replace(EARLY_CHILD, f"QPART{k:04d}").replace("2019-05-01",
                                                                        f"2019-06-{k + 1:02d}")
                   for k in range(15))
    (folder / "cin_census_2020.xml").write_text(f"{head}<Children>{kids}</Children>\n</Message>\n")
    cal = quick_fit(folder, template)
    assert cal.window_start == dt.date(2020, 4, 1) and cal.window_from == ("returns", "returns")
    said = [n for n in cal.notes if "a part year's return" in n]
    assert len(said) == 1 and "the CIN census of 2020 (2019-04-01 to 2020-03-31)" in said[0]
    assert "set --window-start (window_start) to 2019-04-01 to include it" in said[0]
    ids = "\n".join(cal.notes)
    no_id_in(ids, folder)
    assert "QPART" not in ids


def test_the_fit_records_where_the_window_came_from(bundled, template):
    folder, data = bundled
    cal = quick_fit(folder, template, data=data, window_end="2022-03-31")
    assert cal.window_from == ("returns", "given")
    assert (cal.window_start, cal.window_end) == (dt.date(2020, 4, 1), dt.date(2022, 3, 31))
    cal = quick_fit(folder, template, years=False, data=data)
    assert cal.window_from == ("extracts", "extracts")


# --------------------------------------------------------------------------------------------
# 3. A window ending before the latest census reads the census at or before its end
# --------------------------------------------------------------------------------------------

def test_window_end_before_the_latest_census_reads_the_earlier_census(bundled, template):
    folder, data = bundled
    cal = quick_fit(folder, template, years=False, data=data, window_start="2020-04-01",
                    window_end="2022-03-31")
    t = cal.table.set_index("parameter")
    row = t.loc["caseload.cases_held.mean"]
    # the 2022 census's own Cases30 of its case holders in post at the window's end
    c22 = csv(folder / W22)
    end = "2022-03-31"
    held = c22[(c22.OrgRole == "5") & (c22.Cases30 != "") & (c22.RoleStartDate <= end)
               & ((c22.RoleEndDate == "") | (c22.RoleEndDate > end))]
    assert int(row.n) == len(held)
    assert row.estimate == pytest.approx(held.Cases30.astype(float).mean())
    said = [n for n in cal.notes if "before the census of 2023" in n]
    assert len(said) == 1 and "the census of 2022 gives them" in said[0]


def test_census_up_to_leaves_later_censuses_out(bundled):
    from workbench.calibration.returns.workers_across import census_up_to

    roster = bundled[1].roster
    c = roster.census
    last = float(c.census.max())
    same, left = census_up_to(roster, last)
    assert same is roster and left == []
    cut, left = census_up_to(roster, last - 1)
    assert left == [int(c.year.max())]
    assert (cut.census.census <= last - 1).all() and len(cut.census) < len(c)
    # the Cases30 kept are the 2022 census's, row for row
    c22 = c[c.year == 2022].set_index("role").cases30
    got = cut.workers.cases30
    np.testing.assert_array_equal(got.loc[c22.index].to_numpy(), c22.to_numpy())
    assert got.drop(c22.index).isna().all()
    assert len(cut.workers) == len(roster.workers)


# --------------------------------------------------------------------------------------------
# 4. A SWENo written otherwise in one year's census
# --------------------------------------------------------------------------------------------

def census_records(folder: Path) -> list[WorkerRecord]:
    out = []
    for f in sorted(folder.glob("workforce_census_*.csv")):
        year = int(re.search(r"(20[0-9]{2})", f.name)[1])
        for i, row in enumerate(csv(f).to_dict("records"), start=2):
            values = {("WorkerID" if k == "SWENo" else k): v for k, v in row.items()}
            out.append(WorkerRecord(values, Origin(f.name, i, None, (("WorkerID", "SWENo"),)),
                                    year))
    return out


def sweno_problems(folder: Path) -> list:
    from workbench.calibration.returns.workers_across import sweno_written_differently

    return sweno_written_differently(census_records(folder))


def lower_sweno(folder: Path, name: str, rows=None) -> None:
    df = csv(folder / name)
    pick = df.index if rows is None else rows
    df.loc[pick, "SWENo"] = df.loc[pick, "SWENo"].str.lower()
    df.to_csv(folder / name, index=False)


def test_one_sweno_lower_cased_in_one_year_is_refused(tmp_path):
    folder = returns_copy(tmp_path)
    assert sweno_problems(folder) == []
    lower_sweno(folder, W22, rows=[1])
    problems = sweno_problems(folder)
    assert len(problems) == 1
    p = problems[0]
    assert p.file == W22 and p.column == "SWENo"
    assert p.message.startswith("1 worker(s)' SWENo (not shown) written differently")
    assert W21 in p.message and W23 in p.message
    no_id_in(str(p), folder)


def test_every_sweno_of_a_year_lower_cased_is_one_problem_with_the_count(tmp_path):
    folder = returns_copy(tmp_path)
    n22 = len(csv(folder / W22))
    lower_sweno(folder, W22)
    problems = sweno_problems(folder)
    assert [p.file for p in problems] == [W22]
    assert problems[0].message.startswith(f"{n22} worker(s)' SWENo")
    no_id_in(str(problems[0]), folder)


def test_spaces_in_a_sweno_are_written_differently_too(tmp_path):
    folder = returns_copy(tmp_path)
    df = csv(folder / W23)
    df.loc[0, "SWENo"] = df.loc[0, "SWENo"][:2] + " " + df.loc[0, "SWENo"][2:]
    df.to_csv(folder / W23, index=False)
    problems = sweno_problems(folder)
    assert [p.file for p in problems] == [W23]


def test_read_returns_refuses_a_sweno_written_differently(tmp_path, capsys):
    from conftest import refused_returns

    folder = returns_copy(tmp_path)
    lower_sweno(folder, W22, rows=[1])
    err = refused_returns(folder, tmp_path, capsys, W22, "written differently")
    no_id_in(err, folder)


# --------------------------------------------------------------------------------------------
# 5. A worker in an earlier census, in no later one, with no RoleEndDate
# --------------------------------------------------------------------------------------------

def test_a_worker_who_vanishes_from_the_censuses_is_noted(bundled, tmp_path, template):
    from workbench.calibration.returns.workers_across import vanished_note, vanished_roles

    folder = returns_copy(tmp_path)
    assert vanished_roles(bundled[1].roster) == {}
    df = csv(folder / W23)
    gone = df[(df.RoleEndDate == "") & df.SWENo.isin(csv(folder / W22).SWENo)].index[0]
    df.drop(index=gone).to_csv(folder / W23, index=False)
    roster = read_returns(folder).roster
    assert vanished_roles(roster) == {2022: 1}
    note = vanished_note(roster)
    assert "1 worker role(s) in an earlier census are in no later one" in note
    assert "still in post" in note
    cal = quick_fit(folder, template, years=False)
    assert [n for n in cal.notes if "in no later one" in n] == [note]
    no_id_in("\n".join(cal.notes), folder)


def test_a_window_ending_before_the_latest_census_does_not_count_its_absentees(tmp_path,
                                                                               template):
    folder = returns_copy(tmp_path)
    df = csv(folder / W23)
    gone = df[(df.RoleEndDate == "") & df.SWENo.isin(csv(folder / W22).SWENo)].index[0]
    df.drop(index=gone).to_csv(folder / W23, index=False)
    cal = quick_fit(folder, template, years=False, window_end="2022-03-31")
    assert not [n for n in cal.notes if "in no later one" in n]
    assert [n for n in cal.notes if "before the census of 2023" in n]


# --------------------------------------------------------------------------------------------
# 7. A field given twice in one CSWWWorker
# --------------------------------------------------------------------------------------------

def census_xml(df: pd.DataFrame, extra: dict[int, str] | None = None) -> str:
    workers = []
    for i, row in enumerate(df.to_dict("records")):
        cells = "".join(f"<{k}>{v}</{k}>" for k, v in row.items())
        workers.append(f"<CSWWWorker>{cells}{(extra or {}).get(i, '')}</CSWWWorker>")
    return ("<?xml version='1.0' encoding='utf-8'?>\n<Message>\n<Header><CollectionDetails>"
            "<Collection>CSWW</Collection><Year>2023</Year><ReferenceDate>2023-03-31"
            "</ReferenceDate></CollectionDetails><Source><LEA>999</LEA></Source></Header>\n"
            + "\n".join(workers) + "\n</Message>\n")


def read_xml(text: str, tmp_path: Path):
    from workbench.calibration.returns.cin_census import parse_xml

    p = tmp_path / "workforce_census_2023.xml"
    p.write_text(text)
    problems: list = []
    root = parse_xml(p, problems)
    return read_workforce_xml(root, p.name, problems, 2023), problems


def test_a_field_given_twice_in_one_worker_is_refused_at_its_element(tmp_path):
    folder = returns_copy(tmp_path)
    df = csv(folder / W23)
    recs, problems = read_xml(census_xml(df), tmp_path)
    assert problems == [] and len(recs.workers) == len(df)
    twice = {k: "<FTE>0.5</FTE><Team>looked_after</Team>" for k in range(1, 6)}
    recs, problems = read_xml(census_xml(df, twice), tmp_path)
    said = [str(p) for p in problems]
    assert len(said) == 10
    for k in range(2, 7):
        for field in ("FTE", "Team"):
            assert any(s.startswith(f"workforce_census_2023.xml, element CSWWWorker {k} ")
                       and f"field {field}: given twice in one CSWWWorker" in s for s in said)
    no_id_in("\n".join(said), folder)


def test_fte_and_fte30_that_differ_read_the_census_dates_fte30(tmp_path):
    # session 20 (H88): this pinned a refusal ("field FTE30: given twice in one CSWWWorker (as
    # FTE and FTE30)"); DfE's schema has both items and its guide gives FTE30 as the FTE at 30
    # September, the census date, so a census giving both is valid: the FTE30 is read, and said
    df = csv(returns_copy(tmp_path) / W23)
    recs, problems = read_xml(census_xml(df, {0: "<FTE30>0.5</FTE30>"}), tmp_path)
    assert problems == []
    assert float(recs.workers[0].values["FTE"]) == 0.5
    assert any("FTE and FTE30 differ for 1 of 1 worker(s): FTE30 was read" in n
               for n in recs.notes), recs.notes


def test_a_census_xml_with_a_field_twice_is_refused_by_the_command(tmp_path, capsys):
    folder = returns_copy(tmp_path)
    df = csv(folder / W23)
    (folder / W23).unlink()
    (folder / "workforce_census_2023.xml").write_text(census_xml(df, {0: "<FTE>0.5</FTE>"}))
    code, out, err = calibrate_returns(folder, tmp_path, capsys)
    assert code == 2
    assert ("workforce_census_2023.xml, element CSWWWorker 1 (line 4), field FTE: given twice "
            "in one CSWWWorker") in err
    assert "Traceback" not in out + err
    no_id_in(out + err, folder)


# --------------------------------------------------------------------------------------------
# The command's own checks: --returns a file, --out
# --------------------------------------------------------------------------------------------

def test_returns_naming_a_file_is_refused_as_not_a_folder(tmp_path, capsys):
    from workbench.cli import main

    afile = tmp_path / "afile"
    afile.write_text("x\n")
    code = main(["calibrate", "--returns", str(afile), "--out", str(tmp_path / "o.yaml"),
                 "--no-backtest"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"--returns {afile}: exists and is not a folder" in err
    assert "no case return found" not in err and "Traceback" not in err


def test_out_is_a_yaml_file_not_a_folder_named_like_one(tmp_path, capsys):
    from workbench.cli import main

    folder = returns_copy(tmp_path)
    (tmp_path / "x.yaml").mkdir()
    for out, says in ((tmp_path / "x.yaml", "is a folder; give a file name ending in .yaml or "
                                             ".yml"),
                      (tmp_path / "x.txt", "give a file name ending in .yaml or .yml")):
        code = main(["calibrate", "--returns", str(folder), "--out", str(out), "--no-backtest"])
        err = capsys.readouterr().err
        assert code == 2 and f"--out {out}: {says}" in err, err
