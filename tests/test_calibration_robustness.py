"""Calibration on awkward input (issue 13): odd rosters, too few cases, broken files (the large
authority's referral model is in test_calibration_fit.py).

Every failure is a clear message naming the file and the row or column, never a traceback, and
no message quotes an identifier from the extracts.
"""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.calibration import ExtractError, calibrate, read_extracts, validate_workforce_frame
from workbench.cli import main
from workbench.errors import UserError

from conftest import ROOT

SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(scope="module")
def sample():
    cases, roster = read_extracts(SAMPLE / "cases.csv", SAMPLE / "workforce.csv")
    raw_cases = pd.read_csv(SAMPLE / "cases.csv", dtype=str, keep_default_na=False)
    raw_workforce = pd.read_csv(SAMPLE / "workforce.csv", dtype=str, keep_default_na=False)
    return cases, roster, raw_cases, raw_workforce


def message(tmp_path, cases: pd.DataFrame | bytes, workforce: pd.DataFrame) -> str:
    cp, wp = tmp_path / "cases.csv", tmp_path / "workforce.csv"
    if isinstance(cases, bytes):
        cp.write_bytes(cases)
    else:
        cases.to_csv(cp, index=False)
    workforce.to_csv(wp, index=False)
    with pytest.raises(ExtractError) as exc:
        read_extracts(cp, wp)
    return str(exc.value)


# --------------------------------------------------------------------------------------------
# Rosters
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["one worker", "all agency"])
def test_odd_rosters_give_a_fit_with_the_template_where_they_cannot_say(baseline, sample, kind):
    cases, _, _, raw = sample
    table = raw.iloc[[0]] if kind == "one worker" else raw.assign(AgencyWorker="1", WorkerType="agency")
    roster = validate_workforce_frame(table)
    cal = calibrate(cases, roster, baseline, template_name="baseline.yaml")
    assert cal.provenance["recruitment.success_pct"].startswith("from baseline.yaml")
    assert cal.scenario.demand.referrals_per_year > 0


def test_a_roster_with_nobody_in_post_in_the_window_is_refused(baseline, sample):
    cases, _, _, raw = sample
    gone = raw.assign(RoleStartDate="2015-01-01", RoleEndDate="2016-01-01", ReasonLeave="RES")
    with pytest.raises(UserError, match="workforce.csv: nobody in the roster is in post during "
                                        "the data window.*RoleEndDate"):
        calibrate(cases, validate_workforce_frame(gone), baseline)


def test_a_handful_of_cases_is_refused_with_the_file_named(baseline, sample, tmp_path):
    _, _, raw_cases, raw_workforce = sample
    one = raw_cases[raw_cases.LAchildID == raw_cases.LAchildID.iloc[0]]
    cp, wp = tmp_path / "cases.csv", tmp_path / "workforce.csv"
    one.to_csv(cp, index=False)
    raw_workforce.to_csv(wp, index=False)
    cases, roster = read_extracts(cp, wp)
    with pytest.raises(UserError, match=r"cases.csv: 1 referral\(s\) in the data window .*"
                                        "CINreferralDate.*at least 20"):
        calibrate(cases, roster, baseline)


# --------------------------------------------------------------------------------------------
# Broken files
# --------------------------------------------------------------------------------------------

def test_swapped_headers_never_echo_a_child_id(sample, tmp_path):
    _, _, raw_cases, raw_workforce = sample
    swapped = raw_cases.rename(columns={"LAchildID": "CINreferralDate", "CINreferralDate": "LAchildID"})
    msg = message(tmp_path, swapped, raw_workforce)
    assert "cases.csv, row 2, column CINreferralDate: the value (not shown" in msg
    ids = set(raw_cases.LAchildID) | set(raw_cases.AllocatedWorker) - {""}
    assert not [i for i in ids if i in msg]


def test_an_id_typed_into_a_code_or_flag_column_is_not_echoed(sample, tmp_path):
    _, _, raw_cases, raw_workforce = sample
    broken = raw_cases.copy()
    child = broken.LAchildID.iloc[5]
    broken.loc[3, "ReasonForClosure"] = child
    broken.loc[4, "ReferralNFA"] = child
    msg = message(tmp_path, broken, raw_workforce)
    assert "row 5, column ReasonForClosure: unknown code (the value is not shown" in msg
    assert "row 6, column ReferralNFA: the value (not shown" in msg
    assert child not in msg


def test_a_truncated_row_is_refused(sample, tmp_path):
    _, _, raw_cases, raw_workforce = sample
    text = raw_cases.head(30).to_csv(index=False)
    lines = text.splitlines()
    cut = lines[-1].split(",")[:4]
    data = ("\n".join(lines[:-1] + [",".join(cut)]) + "\n").encode()
    msg = message(tmp_path, data, raw_workforce)
    assert f"cases.csv, row {len(lines)}: 4 fields where the header has 23 (a truncated row?)" in msg


def test_nul_bytes_are_refused(sample, tmp_path):
    _, _, raw_cases, raw_workforce = sample
    data = raw_cases.head(5).to_csv(index=False).encode("utf-16")
    msg = message(tmp_path, data, raw_workforce)
    assert "cases.csv: contains NUL bytes" in msg and "UTF-8" in msg


def test_dates_in_the_future_are_refused_naming_the_column(sample, tmp_path):
    _, _, raw_cases, raw_workforce = sample
    ahead = raw_cases.copy()
    for col in ("CINreferralDate", "CINclosureDate"):
        ok = ahead[col] != ""
        ahead.loc[ok, col] = (pd.to_datetime(ahead.loc[ok, col]) + pd.DateOffset(years=100)).dt.strftime("%Y-%m-%d")
    msg = message(tmp_path, ahead, raw_workforce)
    assert "cases.csv, row 2, column CINreferralDate: '21" in msg
    assert "is in the future" in msg


def test_the_command_reports_a_broken_extract_without_a_traceback(sample, tmp_path, capsys):
    _, _, raw_cases, raw_workforce = sample
    cp, wp = tmp_path / "cases.csv", tmp_path / "workforce.csv"
    cp.write_bytes(b"LAchildID,CINreferralDate\x00\n")
    raw_workforce.to_csv(wp, index=False)
    code = main(["calibrate", "--cases", str(cp), "--workforce", str(wp),
                 "--out", str(tmp_path / "x.yaml"), "--no-backtest"])
    err = capsys.readouterr().err
    assert code == 2 and "contains NUL bytes" in err and "Traceback" not in err
