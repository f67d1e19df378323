"""Audit 9b (Annex A of another year): an Annex A whose dates are a year off the other returns'
was refused in 57 messages blaming ssda903_episodes_2023.csv (24 blaming cin_census_2023.xml
when only List 7 was), as periods of care and plans overlapping Annex A's, with no word of the
cause. It is now said once, naming annex_a.xlsx (and the list), its period against the returns'
and how many of its dates are a year off theirs. An Annex A whose List 6 closure dates differ
from the census's is read with a note counting them (the census's were used).

No message or note may hold a child's identifier.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl

from workbench.calibration.returns.annex_a_years import annex_a_of_another_year
from workbench.calibration.returns.combine import read_returns
from workbench.calibration.returns.folder_checks import mixed_returns

from conftest import return_ids
from conftest import refused_returns as refused

_DMY = re.compile(r"\d\d/\d\d/\d{4}")


def _shift(path: Path, days: int = 0, years: int = 0, sheet: str = "", column: str = "") -> int:
    """Move the dates (text DD/MM/YYYY, as the bundled workbook holds them) of every list, or
    of the sheet whose name starts ``sheet`` (only the column titled ``column``); how many."""
    wb = openpyxl.load_workbook(path)
    n = 0
    for ws in wb.worksheets:
        if not ws.title.startswith(sheet):
            continue
        titles = [c.value for c in ws[3]]
        for row in ws.iter_rows(min_row=4):
            for c in row:
                if column and titles[c.column - 1] != column:
                    continue
                if isinstance(c.value, str) and _DMY.fullmatch(c.value):
                    d = dt.datetime.strptime(c.value, "%d/%m/%Y").date()
                    d = d.replace(year=d.year + years) + dt.timedelta(days=days)
                    c.value = d.strftime("%d/%m/%Y")
                    n += 1
    wb.save(path)
    return n


def _none_shown(text: str) -> None:
    assert not [i for i in return_ids() if i in text], "an identifier is shown"


def test_an_annex_a_a_year_earlier_is_said_once_naming_it(returns, tmp_path, capsys):
    # before: 57 messages such as "ssda903_episodes_2023.csv, row 2, field DECOM: overlaps the
    # same child's period of care in another referral episode (annex_a.xlsx [List 8 ...], row
    # 4)", none saying that the Annex A was of another year
    assert _shift(returns / "annex_a.xlsx", years=-1) > 1000
    err = refused(returns, tmp_path, capsys,
                  "annex_a.xlsx: its lists' latest date is 2022-03-31 (the year to March 2022), "
                  "while the returns run to March 2023 (CIN censuses for 2021 to 2023)",
                  "are a year earlier than theirs", "the Annex A of an earlier inspection")
    assert "overlaps" not in err
    assert "ssda903_episodes_2023.csv" not in err and "cin_census_2023.xml" not in err
    found = re.search(r"([\d,]+) of its ([\d,]+) dates that the other returns", err)
    assert found and int(found[1].replace(",", "")) > 1000
    _none_shown(err)


def test_one_list_a_year_earlier_is_said_of_that_list(returns, tmp_path, capsys):
    # before: 24 messages blaming cin_census_2023.xml ("CPPstartDate: overlaps the same child's
    # CP plan in another referral episode (annex_a.xlsx [List 7 CP], row 4)")
    _shift(returns / "annex_a.xlsx", years=-1, sheet="List 7")
    err = refused(returns, tmp_path, capsys,
                  "annex_a.xlsx [List 7 CP]: the latest date of List 7 (child protection plans) "
                  "is 2022-03-28 (the year to March 2022), while the workbook's other lists run "
                  "to 2023-03-31 and the returns to March 2023",
                  "from an earlier inspection's Annex A")
    assert "overlaps" not in err and "cin_census_2023.xml" not in err
    assert "List 8" not in err and "List 3" not in err
    _none_shown(err)


def test_an_annex_a_a_year_later_is_said_once_naming_it(returns, tmp_path, capsys):
    _shift(returns / "annex_a.xlsx", years=1)
    err = refused(returns, tmp_path, capsys, "annex_a.xlsx: its lists' latest date is "
                                             "2024-03-31 (the year to March 2024)",
                  "are a year later than theirs", "the Annex A of a later inspection")
    assert "overlaps" not in err
    _none_shown(err)


def _records(folder: Path):
    from workbench.calibration.returns.combine import _classify, return_files
    problems, left_out = [], {"csv": [], "other": [], "ssda903": []}
    recs = [_classify(f, problems, left_out, f.name) for f in return_files(folder)]
    assert not problems
    return [r for r in recs if r is not None]


def test_an_annex_a_of_an_earlier_year_of_the_returns_whose_dates_agree_is_read(returns):
    # an Annex A of the year to March 2022 (an inspection a year before the latest census),
    # its dates the 2022 census's: within the returns' years, it is not refused for its period
    assert read_returns(returns).collection_years == [2021, 2022, 2023]
    recs = _records(returns)
    annex = next(r for r in recs if r.kind == "annex_a")
    cut = "2022-03-31"
    # as the lists stood then: what began later left out, what ended later still open
    annex.episodes = [e for e in annex.episodes if e.referral <= cut]
    annex.stages = [s for s in annex.stages if (s.start or s.end) <= cut]
    for x in annex.episodes:
        x.closure = x.closure if x.closure <= cut else ""
    for x in annex.stages:
        x.end = x.end if x.end <= cut else ""
    assert len(annex.episodes) > 50 and len(annex.stages) > 10
    assert annex_a_of_another_year(recs) == []
    assert not [p for p in mixed_returns(recs, "returns") if "annex_a" in str(p)]


def test_closure_dates_that_disagree_with_the_census_are_noted(returns):
    # before: read with no word that the two returns disagree (the census's dates won)
    base = read_returns(returns)
    n = _shift(returns / "annex_a.xlsx", days=30, sheet="List 6", column="CIN Closure Date")
    assert n > 100
    data = read_returns(returns)
    said = [s for s in data.notes if "closure date" in s]
    assert len(said) == 1, data.notes
    note = said[0]
    assert note.startswith("annex_a.xlsx [List 6 CIN]: ")
    assert f"{n:,} case(s)" in note and "up to 30 day(s) apart" in note
    assert "the CIN census's dates were used" in note
    _none_shown(" ".join(data.notes))
    # the census wins: the cases read are the same
    assert data.cases.episodes.equals(base.cases.episodes)
    assert data.cases.stages.equals(base.cases.stages)
    assert not [s for s in base.notes if "closure date" in s]
