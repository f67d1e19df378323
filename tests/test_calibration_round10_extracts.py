"""How the extracts are read (audit round 10): identifiers a spreadsheet rounded into scientific
notation, a title row or a repeated header, dates a spreadsheet rewrote, near-miss header names,
agency flags in words, and a data window the referrals do not reach. Each message names the
file, row and column and the cause; no identifier is ever quoted."""

from __future__ import annotations

import dataclasses

import numpy as np
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


# --------------------------------------------------------------------------------------------
# 2. a data window the referrals do not reach
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    """The whole sample (a referral every 0.2 days), read once: its text and its extracts."""
    cases, roster = sample_text(10**6)
    cd, ro = read_extracts(*write(tmp_path_factory.mktemp("whole"), cases, roster))
    return cases, roster, cd, ro


def window_refusal(baseline, cd, ro, **window) -> str:
    from workbench.calibration import calibrate
    from workbench.errors import UserError

    with pytest.raises(UserError) as info:
        calibrate(cd, ro, baseline, **window)
    return str(info.value)


def referred_by(cd, last: str, first: str | None = None):
    """The cases without the episodes referred after ``last`` (the audit's cutmid: the extract
    sorted by referral date and cut; the later dates of the episodes before it kept), or
    between ``first`` and ``last``."""
    from workbench.calibration.extracts import day_number

    ref = cd.episodes.referral
    drop = ref > day_number(last)
    if first is not None:
        drop = (ref >= day_number(first)) & ~drop
    kept = cd.episodes[~drop]
    return dataclasses.replace(cd, episodes=kept,
                               stages=cd.stages[cd.stages.episode.isin(kept.episode)])


def test_referrals_that_stop_three_weeks_before_the_window_ends_are_refused(whole, baseline):
    cases, roster, cd, ro = whole
    text = window_refusal(baseline, referred_by(cd, "2023-03-10"), ro)
    assert text.startswith("cases.csv: the last referral (CINreferralDate) in the data window "
                           "2021-04-01 to 2023-03-31 is on 2023-03-10, 21 days before the "
                           "window's end"), text
    assert "The window's end (2023-03-31) is the latest date in cases.csv, in its " in text
    assert "Set --window-end (window_end) to 2023-03-10" in text
    no_identifier(text, ids_of(cases, roster))


def test_a_roster_date_after_the_cases_is_named_as_what_set_the_window_end(whole, baseline):
    """The audit's future_wf20: one starter entered on 2023-04-28 moved the window's end four
    weeks past the cases, and the fit took them as weeks of no referrals (-14%)."""
    from workbench.calibration.extracts import day_number

    cases, roster, cd, ro = whole
    workers = ro.workers.copy()
    workers.loc[workers.index[3], ["start", "end"]] = [day_number("2023-04-28"), np.nan]
    text = window_refusal(baseline, cd, dataclasses.replace(ro, workers=workers))
    assert "2021-04-01 to 2023-04-28 is on 2023-03-31, 28 days before the window's end" in text
    assert ("The window's end (2023-04-28) is the latest date in workforce.csv, in its "
            "RoleStartDate column.") in text
    assert "Set --window-end (window_end) to 2023-03-31" in text
    no_identifier(text, ids_of(cases, roster))


def test_a_returns_window_whose_first_weeks_hold_no_referral_is_refused(whole):
    """A window from the returns' collection years (1 April to 31 March) is refused at its start
    too; a window's start or end given is the user's word (weeks past the cases are noted)."""
    from workbench.calibration.extracts import day_number
    from workbench.calibration.window_checks import check_referrals_cover_window
    from workbench.errors import UserError

    cd, ro = whole[2:]
    late = referred_by(cd, "2021-04-20", first="2021-04-01")
    w0, w1x = day_number("2021-04-01"), day_number("2023-04-01")
    win = "2021-04-01 to 2023-03-31"
    with pytest.raises(UserError) as info:
        check_referrals_cover_window(late, w0, w1x, win, ro, ("returns", "returns"))
    text = str(info.value)
    assert text.startswith("cases.csv: the first referral (CINreferralDate) in the data window "
                           "2021-04-01 to 2023-03-31 is on 2021-04-21, 20 days after the "
                           "window's start"), text
    assert ("The window's start (2021-04-01) is that of the returns' first collection year."
            in text)
    assert "Set --window-start (window_start) to 2021-04-21" in text
    check_referrals_cover_window(late, w0, w1x, win, ro, ("given", "given"))
    cut = referred_by(cd, "2023-03-10")
    check_referrals_cover_window(cut, w0, w1x, win, ro, ("given", "given"))
    with pytest.raises(UserError, match="The window's end .2023-03-31. is that of the returns' "
                                        "last collection year"):
        check_referrals_cover_window(cut, w0, w1x, win, ro, ("returns", "returns"))


def test_a_short_gap_or_a_small_authority_is_not_refused(whole):
    """Ten days without a referral at the end pass (fewer than EDGE_DAYS); so do 40 at an
    authority with a referral a week, which chance leaves more often than once in 1,000; five
    months are refused."""
    from workbench.calibration.extracts import day_number
    from workbench.calibration.window_checks import check_referrals_cover_window
    from workbench.errors import UserError

    cd, ro = whole[2:]
    w0, w1x = day_number("2021-04-01"), day_number("2023-04-01")
    win = "2021-04-01 to 2023-03-31"
    check_referrals_cover_window(referred_by(cd, "2023-03-21"), w0, w1x, win, ro,
                                  ("extracts", "extracts"))
    for stop, refused in ((40, False), (150, True)):
        weekly = np.arange(w0, w1x - stop, 7.0)
        small = dataclasses.replace(cd, episodes=pd.DataFrame({"referral": weekly,
                                                               "closure": weekly + 30}))
        if refused:
            with pytest.raises(UserError, match=r"the last referral .* 15[0-9] days before"):
                check_referrals_cover_window(small, w0, w1x, win, ro, ("extracts", "extracts"))
        else:
            check_referrals_cover_window(small, w0, w1x, win, ro, ("extracts", "extracts"))


# --------------------------------------------------------------------------------------------
# 3. messages that name the cause
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["Agency", "Permanent", "1.0"])
def test_an_agency_flag_in_words_or_as_a_decimal_is_shown_with_what_is_expected(sample, tmp_path,
                                                                                  value):
    cases, roster = sample
    bad = roster.copy()
    bad.loc[[2, 5], "AgencyWorker"] = value             # rows 4 and 7
    lines = said(refused(tmp_path, cases, bad))
    assert lines == [f"workforce.csv, row {r}, column AgencyWorker: '{value}' is not a yes/no "
                     "flag (expected 1 or 0, Y or N, true or false; for AgencyWorker, 1 for an "
                     "agency worker and 0 for an employee)" for r in (4, 7)]


def test_a_worker_id_in_the_flag_column_is_still_not_shown(sample, tmp_path):
    cases, roster = sample
    bad = roster.assign(AgencyWorker=roster.WorkerID)
    exc = refused(tmp_path, cases, bad)
    assert "(not shown" in said(exc)[0]
    no_identifier(str(exc), ids_of(cases, roster))


@pytest.mark.parametrize("written, hint", [
    ("18/5/05", ": a two-digit year; give the year in four digits"),
    ("05/18/2022", ": month first (US order)?"),
])
def test_a_date_with_a_two_digit_year_or_month_first_says_so(sample, tmp_path, written, hint):
    cases, roster = sample
    bad = cases.copy()
    bad.loc[6, "CINreferralDate"] = written             # row 8
    lines = said(refused(tmp_path, bad, roster))
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"cases.csv, row 8, column CINreferralDate: '{written}' is not a "
                               f"date (expected YYYY-MM-DD or DD/MM/YYYY){hint}"), lines[0]


def test_a_header_with_a_word_after_a_known_name_is_that_column(sample, tmp_path):
    """The audit's 'Team Name': the roster's teams were left out without a word, and the fit
    later said the roster had no Team column."""
    cases, roster = sample
    c, w = write(tmp_path, cases.rename(columns={"LAchildID": "Child ID"}),
                 roster.rename(columns={"Team": "Team Name", "WorkerID": "Worker ID"}))
    cd, ro = read_extracts(c, w)
    assert "Team" in ro.columns
    assert list(ro.workers.team) == list(roster.Team)
    assert cd.episodes.child.nunique() == cases.LAchildID.nunique()
    # the name itself wins over a longer one; neither is read twice
    both = roster.assign(**{"Team Name": "x"})
    c, w = write(tmp_path, cases, both)
    assert list(read_extracts(c, w)[1].workers.team) == list(roster.Team)


@pytest.mark.parametrize("above", ["Children in need extract - run 31/03/2023\n",
                                   "Children in need extract,,,\nRun 31/03/2023\n\n"])
def test_a_title_above_the_header_is_said_once(sample, tmp_path, above):
    """The audit's title row: 1,000 lines of '23 fields where the header has 1' before."""
    cases, roster = sample
    c, w = write(tmp_path, cases, roster)
    c.write_text(above + c.read_text())
    with pytest.raises(ExtractError) as info:
        read_extracts(c, w)
    row = above.count("\n") + 1
    assert said(info.value) == [f"cases.csv, row 1: row 1 is not the header (the column names): "
                                f"the header is row {row}; delete the rows above it (a title or "
                                "a report's heading) and save again"]


def test_a_header_repeated_inside_the_table_is_said_once(sample, tmp_path):
    """The audit's two exports pasted together: 21 lines of 'not a date' for the row before."""
    cases, roster = sample
    pasted = pd.concat([cases.iloc[:250], pd.DataFrame([cases.columns], columns=cases.columns),
                        cases.iloc[250:]], ignore_index=True)
    exc = refused(tmp_path, pasted, roster)
    assert said(exc) == ["cases.csv, row 252: the row repeats the column titles (two exports "
                         "pasted into one file?): delete it"]


def test_a_roster_date_days_after_the_cases_is_noted_with_its_file_and_column(whole):
    """Ten days past the cases (too few to refuse) are not moved into the window silently."""
    from workbench.calibration.extracts import day_number
    from workbench.calibration.window_checks import check_referrals_cover_window

    cd, ro = whole[2:]
    w0, w1x = day_number("2021-04-01"), day_number("2023-04-01")
    assert check_referrals_cover_window(cd, w0, w1x, "", ro, ("extracts",) * 2) == []
    workers = ro.workers.copy()
    workers.loc[workers.index[3], ["start", "end"]] = [day_number("2023-04-10"), np.nan]
    later = dataclasses.replace(ro, workers=workers)
    w1x = day_number("2023-04-11")
    [note] = check_referrals_cover_window(cd, w0, w1x, "", later, ("extracts",) * 2)
    assert note == ("workforce.csv: the window's end (2023-04-10) is the latest date in "
                    "workforce.csv, in its RoleStartDate column. That is 10 days after the last "
                    "date in cases.csv (2023-03-31): those days are fitted as without "
                    "referrals. If the case extract is of an earlier date than the roster, set "
                    "--window-end (window_end) to 2023-03-31")
    assert check_referrals_cover_window(cd, w0, w1x, "", later, ("given",) * 2) == []


def test_a_required_column_spelt_nearly_right_is_named(sample, tmp_path):
    cases, roster = sample
    exc = refused(tmp_path, cases.rename(columns={"CINreferralDate": "CINReferalDate"}),
                  roster.rename(columns={"RoleStartDate": "Role Strat Date"}))
    lines = said(exc)
    assert ("cases.csv, column CINreferralDate: required column is missing (also accepted: "
            "ReferralDate); the header has 'CINReferalDate': is it this column? Rename it "
            "CINreferralDate") in lines
    assert ("workforce.csv, column RoleStartDate: required column is missing; the header has "
            "'Role Strat Date': is it this column? Rename it RoleStartDate") in lines
