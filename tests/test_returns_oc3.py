"""Issue 16: the SSDA903 care leavers file (OC3) read, checked, combined across years and used
for the model's care leavers (their number open, the share of children leaving care who become
care leavers)."""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest

from workbench.calibration import calibrate, open_cases_at, stage_sequence
from workbench.calibration.extracts import ExtractError, day_number
from workbench.calibration.returns import read_returns
from workbench.calibration.returns.independent import Truth, generate
from workbench.calibration.returns.oc3 import birthday
from workbench.calibration.returns.write import write_returns

START, CUT, END = dt.date(2019, 4, 1), dt.date(2020, 4, 1), dt.date(2023, 3, 31)
TRUTH = Truth(referrals_per_year=800, after_assessment={"close": 0.5, "cin": 0.2, "s47": 0.15,
                                                        "lac": 0.15})


@pytest.fixture(scope="module")
def tables():
    return generate(START, END, TRUTH, seed=5)


@pytest.fixture(scope="module")
def folder(tables, tmp_path_factory):
    out = tmp_path_factory.mktemp("returns")
    write_returns(out, *tables, CUT, END, seed=2)
    return out


@pytest.fixture(scope="module")
def data(folder):
    return read_returns(folder)


def test_oc3_files_are_written_recognised_and_summarised(folder, data):
    names = {p.name for p in folder.iterdir()}
    assert {"ssda903_oc3_2021.csv", "ssda903_oc3_2022.csv", "ssda903_oc3_2023.csv"} <= names
    assert "ssda903_oc3" in set(data.files.kind)
    assert any(line.startswith("SSDA903 care leavers (OC3): 3 file(s)") for line in data.files_summary())
    assert "OC3" in data.sources[0]


def test_care_leavers_open_at_the_end_match_the_process(tables, data):
    cases, _ = tables
    end = END.isoformat()
    cl = cases[(cases.CareLeaverStartDate != "") & (cases.CareLeaverStartDate <= end)
               & ((cases.CareLeaverEndDate == "") | (cases.CareLeaverEndDate > end))]
    assert len(cl) >= 10
    seq = stage_sequence(data.cases)
    got = open_cases_at(seq, day_number(END) + 1)["care_leaver"]
    assert got == len(cl)
    # the time as a care leaver starts when care ended (the SSDA903 period's end)
    st = data.cases.stages
    assert (st.stage == "care_leaver").sum() == ((cases.CareLeaverStartDate != "")
                                                & (cases.CareLeaverStartDate <= end)).sum()


def test_calibration_uses_the_care_leavers(data, baseline):
    cal = calibrate(data.cases, data.roster, baseline, CUT, END, sources=data.sources,
                    correct_timeliness=False)
    nxt = cal.scenario.stages["lac"].next
    assert "care_leaver" in nxt
    assert cal.provenance["stages.lac.next"].startswith("fitted")
    t = cal.table.set_index("parameter")
    lo, hi = t.loc["stages.lac.next.care_leaver", ["lower", "upper"]]
    assert lo <= TRUTH.care_leaver_pct / 100 <= hi
    seq = stage_sequence(data.cases)
    assert cal.scenario.initial.open_cases["care_leaver"] == \
        open_cases_at(seq, day_number(END) + 1)["care_leaver"] > 0


def _broken(folder, tmp_path, edit):
    out = tmp_path / "broken"
    shutil.copytree(folder, out)
    edit(out)
    with pytest.raises(ExtractError) as e:
        read_returns(out)
    return str(e.value)


def _oc3(out, year=2023):
    p = out / f"ssda903_oc3_{year}.csv"
    return p, pd.read_csv(p, dtype=str, keep_default_na=False)


def test_bad_codes_and_dates_name_file_row_and_field_without_ids(folder, tmp_path):
    def edit(out):
        p, df = _oc3(out)
        df.loc[0, "IN_TOUCH"] = df.loc[1, "CHILD"]        # an identifier in a code column
        df.loc[1, "ACCOM"] = "Q9"
        df.loc[2, "DOB"] = "31/02/2004"
        df.loc[3, "DOB"] = "01/06/2015"                   # seven: no 17th-21st birthday
        df.to_csv(p, index=False)
    text = _broken(folder, tmp_path, edit)
    assert "ssda903_oc3_2023.csv, row 2, field IN_TOUCH: unknown code" in text
    assert "ssda903_oc3_2023.csv, row 3, field ACCOM: unknown code" in text
    assert "row 4, field DOB" in text and "is not a date" in text
    assert "row 5, field DOB: the young person has no 17th to 21st birthday" in text
    _, df = _oc3(folder)
    assert not any(c in text for c in df.CHILD)
    assert "01/06/2015" not in text


def test_missing_column_and_year_are_named(folder, tmp_path):
    def edit(out):
        p, df = _oc3(out)
        df.drop(columns=["IN_TOUCH"]).assign(ACTIV=df.ACTIV).to_csv(p, index=False)
        q, df2 = _oc3(out, 2022)
        q.unlink()
        df2.to_csv(out / "care_leavers.csv", index=False)
    text = _broken(folder, tmp_path, edit)
    assert "ssda903_oc3_2023.csv, field IN_TOUCH: required column is missing" in text
    assert "care_leavers.csv: the collection year is not in the file's name" in text


def test_returned_home_ends_the_time_as_a_care_leaver_on_that_birthday(folder, tmp_path):
    out = tmp_path / "rhom"
    shutil.copytree(folder, out)
    p, df = _oc3(out)
    df.loc[0, "IN_TOUCH"] = "RHOM"
    df.loc[0, ["ACTIV", "ACCOM"]] = "0"
    df.to_csv(p, index=False)
    data = read_returns(out)
    dob = dt.datetime.strptime(df.loc[0, "DOB"], "%d/%m/%Y").date()
    day = next(birthday(dob, a) for a in range(17, 22)
               if dt.date(2022, 4, 1) <= birthday(dob, a) <= dt.date(2023, 3, 31))
    st = data.cases.stages
    ended = st[(st.stage == "care_leaver") & (st.end == day_number(day))]
    assert len(ended) == 1
    seq = stage_sequence(data.cases)
    before = open_cases_at(stage_sequence(read_returns(folder).cases), day_number(day) + 1)
    assert open_cases_at(seq, day_number(day) + 1)["care_leaver"] == before["care_leaver"] - 1
