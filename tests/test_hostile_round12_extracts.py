"""Audit round 12 of the council extracts through ``workbench calibrate``: inputs the earlier
rounds had not tried (long synthetic windows, impossible absence, ...), each reduced to its
smallest reproduction."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from workbench.calibration.extracts import read_extracts
from workbench.calibration.synthetic import sample_start

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"


# ------------------------------------------------------------------ synthesize --years
def test_a_long_synthetic_window_ends_by_the_last_31_march_not_in_the_future():
    # from 2021-04-01, six years or more ran past today: calibrate refused every later date
    # (13,945 problems for --years 20)
    today = dt.date(2026, 12, 1)
    assert sample_start(2, today=today) == dt.date(2020, 4, 1)     # the bundled sample's
    for years, start in ((5, dt.date(2020, 4, 1)), (6, dt.date(2019, 4, 1)),
                         (20, dt.date(2005, 4, 1)), (30, dt.date(1995, 4, 1)),
                         (2.5, dt.date(2020, 4, 1))):
        s = sample_start(years, today=today)
        assert s == start, years
        end = (pd.Timestamp(s) + pd.DateOffset(months=12 + round(years * 12))).date()
        assert end - dt.timedelta(days=1) <= dt.date(2026, 3, 31)
    assert sample_start(6, today=dt.date(2027, 3, 31)) == dt.date(2020, 4, 1)
    assert sample_start(6, today=dt.date(2027, 3, 30)) == dt.date(2019, 4, 1)


def test_synthesize_with_many_years_writes_extracts_calibrate_reads(tmp_path, capsys):
    from workbench.cli import main

    out = tmp_path / "long"
    assert main(["synthesize", "--out", str(out), "--years", "7", "--scale", "0.02",
                 "--seed", "5"]) == 0
    said = capsys.readouterr().out
    cases, roster = read_extracts(out / "cases.csv", out / "workforce.csv")
    end = dt.date.fromisoformat(said.split("window ")[1].split(" to ")[1][:10])
    assert end < dt.date.today() and end.month == 3 and end.day == 31
    assert len(cases.episodes) > 0 and len(roster.workers) > 0


# ------------------------------------------------------------------ a small authority, fitted
@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A small synthetic authority (about 960 case rows, 18 workers) and its template."""
    from workbench.calibration.synthetic import fictional_scenario, generate_extracts
    from workbench.scenario import load_scenario

    template = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    ex = generate_extracts(fictional_scenario(template, scale=0.05), seed=3)
    folder = tmp_path_factory.mktemp("small")
    ex.write(folder)
    return folder, template


def _calibrated(folder, template, cases=None, workforce=None, tmp=None, **window):
    """The calibration of ``folder``'s extracts, or of ``cases``/``workforce`` tables in their
    place (written to ``tmp``)."""
    from workbench.calibration.fit import calibrate

    c, w = folder / "cases.csv", folder / "workforce.csv"
    if cases is not None:
        c = tmp / "cases.csv"
        cases.to_csv(c, index=False)
    if workforce is not None:
        w = tmp / "workforce.csv"
        workforce.to_csv(w, index=False)
    cd, ro = read_extracts(c, w)
    # without the pilot simulations of timeliness (seconds each): not what these tests check
    return calibrate(cd, ro, template, correct_timeliness=False, fit_icpc=False, **window)


def _fit(folder, template, cases=None, workforce=None, tmp=None, **window):
    cal = _calibrated(folder, template, cases, workforce, tmp, **window)
    return dict(zip(cal.table.parameter, cal.table.estimate)), cal.notes


def _table(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _absence(folder, template, workforce: pd.DataFrame, tmp) -> tuple[float, list[str]]:
    """The fitted total absence (%) and the notes, from the roster alone as the fit reads it
    (its social workers, then the absence over the 12 months to 31 March 2023)."""
    from workbench.calibration.derive import Draft
    from workbench.calibration.derive_workforce import derive_absence
    from workbench.calibration.extracts import day_number, read_workforce
    from workbench.calibration.staff_roster import staff_roster

    workforce.to_csv(tmp / "workforce.csv", index=False)
    w0, w1x = day_number("2021-04-01"), day_number("2023-04-01")
    d = Draft(data=template.model_dump(mode="json"), window="", template_name="t")
    staff = staff_roster(d, read_workforce(tmp / "workforce.csv"), template, w0, w1x)
    derive_absence(d, staff, template, w1x)
    return [r.estimate for r in d.rows if r.parameter == "absence.total_pct"][0], d.notes


def test_more_days_lost_than_days_in_post_is_left_out_of_absence_with_a_note(small, tmp_path):
    # a starter of 11 days with 200 working days lost (a previous employer's, or a slip) took
    # the fitted absence from 5.1% to 10.0%, silently
    folder, template = small
    w = _table(folder / "workforce.csv")
    base, _ = _absence(folder, template, w, tmp_path)
    new = w.iloc[[0]].assign(WorkerID="SWNEW1", FTE="1", OrgRole="5", RoleStartDate="2023-03-20",
                             RoleEndDate="", ReasonLeave="", Cases30="3",
                             WorkingDaysLost="200", Team="families_first",
                             WorkerType="experienced")
    absence, notes = _absence(folder, template, pd.concat([w, new]), tmp_path)
    assert absence == pytest.approx(base, abs=0.01)
    said = [n for n in notes if "WorkingDaysLost" in n]
    assert len(said) == 1, notes
    row = len(w) + 2
    assert f"workforce.csv, row {row}, column WorkingDaysLost: more days lost than" in said[0]
    assert "12 months to the census date (2023-03-31)" in said[0]
    assert "SWNEW1" not in " ".join(notes)
    # as many days lost as she was in post is possible, and counted
    absence, notes = _absence(folder, template, pd.concat([w, new.assign(WorkingDaysLost="8")]),
                              tmp_path)
    assert not [n for n in notes if "WorkingDaysLost" in n]
    assert absence > base + 0.1
    # her days in post are those of both her roles: a move between teams is one worker
    moved = pd.concat([w, new.assign(RoleStartDate="2022-04-01", RoleEndDate="2023-03-20",
                                     ReasonLeave="", WorkingDaysLost="", Cases30=""),
                       new.assign(WorkingDaysLost="100")])
    absence, notes = _absence(folder, template, moved, tmp_path)
    assert not [n for n in notes if "WorkingDaysLost" in n]


def test_a_roster_of_one_team_says_its_other_teams_dates_in_plain_english(small, tmp_path):
    # "nobody in post in the roster between 2021-04-01 to 2022-03-31"; and (below) a window
    # ending a year before the extract's date read its Cases30 and WorkingDaysLost as then
    folder, template = small
    w = _table(folder / "workforce.csv").assign(Team="families_first")
    est, notes = _fit(folder, template, workforce=w, tmp=tmp_path,
                      window_start=dt.date(2021, 4, 1), window_end=dt.date(2022, 3, 31))
    said = [n for n in notes if "nobody in post in the roster" in n]
    assert len(said) == len(template.teams) - 1, notes
    for n in said:
        assert "nobody in post in the roster from 2021-04-01 to 2022-03-31;" in n
    assert not [n for n in notes if "between 2021" in n]
    # "scaled by 0.129 (1 workers, 1.5 FTE)"
    assert not [n for n in notes if "(1 workers" in n]
    assert [n for n in said if "(1 worker, " in n], said
    in_post = (w.RoleStartDate <= "2022-04-01") & ((w.RoleEndDate == "")
                                                   | (w.RoleEndDate > "2022-04-01"))
    assert est["teams.families_first.staff_fte"] == pytest.approx(
        pd.to_numeric(w[in_post].FTE).sum())
    # Cases30 and WorkingDaysLost are as at the extract's date (2023-03-31), not the window's end
    assert "caseload.cases_held.mean" not in est and "absence.total_pct" not in est
    [note] = [n for n in notes if "at which Cases30 and WorkingDaysLost are given" in n]
    assert note.startswith("workforce.csv: the data window ends on 2022-03-31, 365 days before "
                           "the extract's date (2023-03-31, its latest date)")


# ------------------------------------------------------------------ reading the files
def _refused(cases: Path, workforce: Path) -> list[str]:
    from workbench.calibration.extracts import ExtractError

    with pytest.raises(ExtractError) as exc:
        read_extracts(cases, workforce)
    return [str(p) for p in exc.value.problems]


@pytest.mark.parametrize("which", ["cases.csv", "workforce.csv"])
def test_a_file_without_its_header_row_is_said_to_miss_it(which, tmp_path):
    # the case extract was said to give 'a column name (not shown) twice', the roster to miss
    # five required columns: neither said that row 1 held a child's or a worker's values
    for name in ("cases.csv", "workforce.csv"):
        text = (SAMPLE / name).read_text()
        if name == which:
            text = text.split("\n", 1)[1]
        (tmp_path / name).write_text(text)
    said = _refused(tmp_path / "cases.csv", tmp_path / "workforce.csv")
    assert len(said) == 1, said
    assert said[0].startswith(f"{which}, row 1: holds values (")
    assert "the header row is missing. Add the column names as row 1" in said[0]
    first = (SAMPLE / which).read_text().split("\n")[1].split(",")[0]
    assert first not in said[0]


def test_days_lost_beyond_any_working_service_are_refused_naming_the_columns(small, tmp_path):
    # every FTE typed 0.01: absence 597%, and calibrate stopped with '<calibrated scenario>:
    # working_time.absence_pct: Input should be less than or equal to 90 (got np.float64(597.36))'
    from workbench.errors import UserError

    folder, template = small
    w = _table(folder / "workforce.csv").assign(FTE="0.01")
    with pytest.raises(UserError) as exc:
        _absence(folder, template, w, tmp_path)
    msg = str(exc.value)
    assert msg.startswith("workforce.csv, columns WorkingDaysLost and FTE: the days lost are ")
    assert "Is FTE a share of full time" in msg and "np.float64" not in msg
    for v in w.WorkerID:
        assert v not in msg


# ------------------------------------------------------------------ plan lengths
def _plans(template, cases: pd.DataFrame, tmp):
    """The plan lengths fitted from ``cases`` over 2021-04-01 to 2023-03-31 (a Draft)."""
    from workbench.calibration.derive import Draft, derive_plan_durations
    from workbench.calibration.extracts import day_number, read_cases
    from workbench.calibration.observe import stage_sequence

    cases.to_csv(tmp / "cases.csv", index=False)
    cd = read_cases(tmp / "cases.csv")
    d = Draft(data=template.model_dump(mode="json"), window="", template_name="t")
    derive_plan_durations(d, stage_sequence(cd), template, day_number("2021-04-01"),
                          day_number("2023-04-01"), source="cases.csv")
    return d


def _cp_ending(cases: pd.DataFrame, days: int, share: float) -> pd.DataFrame:
    out = cases.copy()
    ended = out.index[(out.CPPstartDate != "") & (out.CPPendDate != "")]
    ended = ended[: int(round(len(ended) * share))]
    out.loc[ended, "CPPendDate"] = (pd.to_datetime(out.loc[ended, "CPPstartDate"])
                                    + pd.Timedelta(days=days)).dt.strftime("%Y-%m-%d")
    return out


def _estimate(d, parameter: str) -> float | None:
    """The estimate of ``parameter`` a Draft fitted, or None when it kept the template's."""
    got = [r.estimate for r in d.rows if r.parameter == parameter]
    return got[0] if got else None


def _cp_mean(d) -> float | None:
    return _estimate(d, "stages.cp.duration_days.mean")


def test_cp_plans_ending_the_day_they_start_are_left_out_of_their_length(small, tmp_path):
    # one such plan of 55 took the fitted mean from 319 to 416 days; half of them to 2,537
    folder, template = small
    cases = _table(folder / "cases.csv")
    base = _cp_mean(_plans(template, cases, tmp_path))
    d = _plans(template, _cp_ending(cases, 0, 0.5), tmp_path)
    [note] = [n for n in d.notes if "end the day they start" in n]
    assert note.startswith("cases.csv: ") and "cp plans that ended in the window" in note
    assert "(CPPendDate the same as CPPstartDate): left out of the plan's length" in note
    assert _cp_mean(d) < 1.5 * base
    # plans ending the day after they start fit no log-normal: the template's length is kept
    d = _plans(template, _cp_ending(cases, 1, 0.5), tmp_path)
    assert _cp_mean(d) is None
    assert d.provenance["stages.cp.duration_days"].startswith("from t: the lengths of the ")
    [note] = [n for n in d.notes if "fit no log-normal" in n]
    assert "(CPPstartDate to CPPendDate)" in note and "last a week or less" in note


def test_every_cp_plan_ending_the_day_it_starts_still_gives_a_scenario(small, tmp_path):
    # calibrate stopped: '<calibrated scenario>: stages.cp.duration_days.lognormal.mean: must be
    # at most 1,000,000 ... (got 1859882.5)', naming no file nor column
    folder, template = small
    cases = _cp_ending(_table(folder / "cases.csv"), 0, 1.0)
    est, notes = _fit(folder, template, cases=cases, tmp=tmp_path)
    assert "stages.cp.duration_days.mean" not in est
    assert [n for n in notes if "cp plans that ended in the window end the day they start" in n]


# ------------------------------------------------------------------ agency tenure
def _agency(template, workforce: pd.DataFrame, tmp):
    """The agency tenure fitted from ``workforce`` over 2021-04-01 to 2023-03-31 (a Draft)."""
    from workbench.calibration.derive import Draft
    from workbench.calibration.derive_workforce import derive_agency_tenure
    from workbench.calibration.extracts import day_number, read_workforce
    from workbench.calibration.observe import type_change_days, type_spells
    from workbench.calibration.staff_roster import staff_roster

    workforce.to_csv(tmp / "workforce.csv", index=False)
    w0, w1x = day_number("2021-04-01"), day_number("2023-04-01")
    d = Draft(data=template.model_dump(mode="json"), window="", template_name="t")
    staff = staff_roster(d, read_workforce(tmp / "workforce.csv"), template, w0, w1x)
    derive_agency_tenure(d, staff, type_spells(staff, *type_change_days(template)), template,
                         w0, w1x)
    return d


def _with_agency(roster: pd.DataFrame, long: int, short: int, short_days: int) -> pd.DataFrame:
    rows, first = [], pd.Timestamp("2021-05-01")
    for k in range(long + short + 3):
        start = first + pd.Timedelta(days=20 * k)
        days = 280 if k < long else short_days
        end = "" if k >= long + short else (start + pd.Timedelta(days=days)).strftime("%Y-%m-%d")
        rows.append(dict(WorkerID=f"AG{k}", AgencyWorker="1", FTE="1", OrgRole="5",
                         RoleStartDate=start.strftime("%Y-%m-%d"), RoleEndDate=end,
                         ReasonLeave="END" if end else "", Team="families_first",
                         WorkerType="agency"))
    return pd.concat([roster, pd.DataFrame(rows)]).fillna("")


def _tenure(d) -> float | None:
    return _estimate(d, "agency.tenure_weeks.mean")


def test_agency_assignments_of_a_day_do_not_make_a_tenure_of_decades(small, tmp_path):
    # eight assignments of 40 weeks and eight ending the day they started: a fitted tenure of
    # 4,203 weeks (cv 961); ending the day after: 1,529 weeks (cv 211), both written as fitted
    folder, template = small
    roster = _table(folder / "workforce.csv")
    given = _with_agency(roster, 12, 3, 0)
    base = _tenure(_agency(template, given[~given.WorkerID.isin(["AG12", "AG13", "AG14"])],
                           tmp_path))
    assert 35 < base < 70
    d = _agency(template, given, tmp_path)
    [note] = [n for n in d.notes if "agency assignments" in n]
    assert note.startswith("workforce.csv: 3 of the 15 agency assignments that ended in the "
                           "window end the day they start (RoleEndDate the same as "
                           "RoleStartDate): left out")
    assert _tenure(d) == pytest.approx(base)
    d = _agency(template, _with_agency(roster, 8, 8, 1), tmp_path)
    assert _tenure(d) is None
    assert d.provenance["agency.tenure_weeks"].startswith("from t: the lengths of the 16 agency")
    [note] = [n for n in d.notes if "fit no log-normal" in n]
    assert "(RoleStartDate to RoleEndDate)" in note and "The template's agency tenure is kept" in note


@pytest.mark.parametrize("header, rows, says", [
    (",", "", "every row has 11 fields where the header has 12 names: the header has a name "
              "too many (a comma at its end?)"),
    ("", ",", "every row has 12 fields where the header has 11 names: the header lacks a name"),
], ids=["a comma after the header", "a comma after every row"])
def test_a_header_at_odds_with_every_row_is_said_once(header, rows, says, tmp_path):
    # each row was refused on a line of its own ('11 fields where the header has 12 (a
    # truncated row?)'), the header never named
    lines = (SAMPLE / "workforce.csv").read_text().splitlines()
    (tmp_path / "workforce.csv").write_text(
        "\n".join([lines[0] + header] + [r + rows for r in lines[1:]]) + "\n")
    (tmp_path / "cases.csv").write_text((SAMPLE / "cases.csv").read_text())
    said = _refused(tmp_path / "cases.csv", tmp_path / "workforce.csv")
    assert said == [f"workforce.csv, row 1: {says}" + said[0].split(says)[1]], said
    assert said[0].endswith("Make the header and the rows agree and save again")


# ------------------------------------------------------------------ extra columns of identifiers
def test_values_of_extra_identifier_columns_are_never_quoted(small, tmp_path):
    # a payroll number (an extra column) typed into OrgRole, WorkerType and ReasonLeave was
    # quoted ('P3489': shaped like a code, under five digits), and a UPN typed as a case's Team
    # was named in the note on unknown teams
    from workbench.calibration.plausibility import note_unknown_case_teams

    folder, template = small
    cases, roster = _table(folder / "cases.csv"), _table(folder / "workforce.csv")
    cases["UPN"] = [f"A{100 + i % 900}" for i in range(len(cases))]
    roster["PayrollNo"] = [f"P{3000 + i}" for i in range(len(roster))]
    bad = roster.copy()
    bad.loc[1, "OrgRole"] = bad.loc[1, "PayrollNo"]
    bad.loc[2, "WorkerType"] = bad.loc[2, "PayrollNo"]
    bad.loc[0, "ReasonLeave"] = bad.loc[1, "ReasonLeave"]    # a row without a leaving date
    cases.to_csv(tmp_path / "cases.csv", index=False)
    bad.to_csv(tmp_path / "workforce.csv", index=False)
    said = "\n".join(_refused(tmp_path / "cases.csv", tmp_path / "workforce.csv"))
    assert "workforce.csv, row 3, column OrgRole: unknown code (the value is not shown" in said
    assert "workforce.csv, row 4, column WorkerType: unknown code (the value is not shown" in said
    for v in roster.PayrollNo:
        assert v not in said
    # the same read alone (workbench's read_workforce)
    from workbench.calibration.extracts import ExtractError, read_workforce

    with pytest.raises(ExtractError) as exc:
        read_workforce(tmp_path / "workforce.csv")
    assert "P3001" not in str(exc.value) and "unknown code (the value is not shown" in str(exc.value)
    # a UPN typed as a case's team is counted, not named
    i = cases.index[cases.Team == "permanence"][:3]
    cases.loc[i, "Team"] = cases.loc[i, "UPN"]
    cases.to_csv(tmp_path / "cases.csv", index=False)
    roster.to_csv(tmp_path / "workforce.csv", index=False)
    cd, ro = read_extracts(tmp_path / "cases.csv", tmp_path / "workforce.csv")
    notes: list[str] = []
    note_unknown_case_teams(notes, cd, ro, template.teams)
    assert len(notes) == 1 and "3 name(s) not shown, as they look like identifiers" in notes[0]
    for v in cases.loc[i, "UPN"]:
        assert v not in notes[0]


# ------------------------------------------------------------------ --window-end before the extract
def test_a_window_ending_within_a_month_of_the_extract_reads_its_caseloads(small):
    # (a window ending a year before it: test_a_roster_of_one_team_...)
    from workbench.calibration.extracts import day_number
    from workbench.calibration.holdout import census_at

    folder, _ = small
    cd, ro = read_extracts(folder / "cases.csv", folder / "workforce.csv")
    same, said = census_at(ro, cd, day_number("2023-03-15"))
    assert said == "" and same.workers.cases30.equals(ro.workers.cases30)
    blank, said = census_at(ro, cd, day_number("2022-04-01"))
    assert said and blank.workers.cases30.isna().all() and blank.workers.days_lost.isna().all()


def test_a_team_name_with_a_line_break_is_quoted_on_one_line(small, tmp_path):
    # '"first\ncontact"' (a quoted cell with a line break) folds to first_contact; the note
    # quoting it ran over two lines of the terminal
    from workbench.calibration.extracts import day_number, read_workforce
    from workbench.calibration.plausibility import with_template_team_names

    folder, template = small
    w = _table(folder / "workforce.csv")
    w.loc[w.Team == "first_contact", "Team"] = "first\ncontact"
    w.to_csv(tmp_path / "workforce.csv", index=False)
    notes: list[str] = []
    ro = with_template_team_names(notes, read_workforce(tmp_path / "workforce.csv"),
                                  template.teams, day_number("2021-04-01"),
                                  day_number("2023-04-01"))
    assert "first_contact" in set(ro.workers.team)
    assert len(notes) == 1 and "\n" not in notes[0]
    assert "'first [line break] contact' as first_contact" in notes[0]


# ------------------------------------------------------------------ open cases in no stage
def test_open_episodes_whose_every_stage_ended_are_counted_in_a_note(small, tmp_path):
    # twenty open episodes whose CIN plan ended in January, with no closure: left out of the
    # open cases at the scenario's start without a word
    from workbench.calibration.derive import Draft, derive_open_cases
    from workbench.calibration.extracts import day_number, read_cases
    from workbench.calibration.observe import stage_sequence

    folder, template = small
    cases = _table(folder / "cases.csv")
    m = ((cases.CINPlanStartDate != "") & (cases.CINPlanStartDate < "2022-12-01")
         & (cases.CINPlanEndDate == "") & (cases.CINclosureDate == ""))
    cases.loc[cases.index[m][:20], "CINPlanEndDate"] = "2023-01-15"
    cases.to_csv(tmp_path / "cases.csv", index=False)
    cd = read_cases(tmp_path / "cases.csv")
    d = Draft(data=template.model_dump(mode="json"), window="", template_name="t")
    derive_open_cases(d, stage_sequence(cd), cd, template, day_number("2023-04-01"))
    [note] = [n for n in d.notes if "every stage ended" in n]
    assert note.startswith("cases.csv: 20 episode(s) open at 2023-04-01 (no CINclosureDate) "
                           "have every stage ended before it (the last: cin ")
    assert "they are not among the open cases. Give their CINclosureDate" in note
    # the extract as synthesized (every open episode in a stage, or at the front door): none
    d = Draft(data=template.model_dump(mode="json"), window="", template_name="t")
    cd = read_cases(folder / "cases.csv")
    derive_open_cases(d, stage_sequence(cd), cd, template, day_number("2023-04-01"))
    assert not [n for n in d.notes if "every stage ended" in n]
