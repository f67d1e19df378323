"""Calibration's staff in post and establishment for teams the roster leaves empty (issue 16).

A team with staff in post at the scenario start takes them from the roster. A team nobody is in
at the start but somebody was in during the data window starts empty, its posts vacant, with its
establishment measured over the window. A team nobody worked in during the window takes the
template's staff and establishment scaled by the authority's size relative to the template's,
said as an assumption. The rosters are built here; no model output is asserted, only structure,
provenance, and that the calibrated scenario runs without losing a child.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from workbench import simulate
from workbench.calibration import calibrate, read_extracts, validate_workforce_frame
from workbench.calibration.derive_workforce import _scaled_staff
from workbench.calibration.extracts import day_number
from workbench.calibration.fit import default_window
from workbench.calibration.observe import staff_groups
from workbench.calibration.returns import read_returns
from workbench.scenario import load_scenario

from conftest import ROOT
from test_model_invariants import assert_conserved

SAMPLE = ROOT / "data" / "sample"
RETURNS = ROOT / "data" / "returns"
TEMPLATE = "baseline.yaml"


@pytest.fixture(scope="module")
def sample():
    """The sample's cases, its raw roster (strings) and its data window as day numbers."""
    cases, roster = read_extracts(SAMPLE / "cases.csv", SAMPLE / "workforce.csv")
    raw = pd.read_csv(SAMPLE / "workforce.csv", dtype=str, keep_default_na=False)
    ws, we = default_window(cases, roster)
    return cases, raw, ws, we


def worker(n: int, team: str, start: str, end: str = "", agency: bool = False,
           fte: str = "1") -> dict:
    """One roster row (a made-up worker id)."""
    return {"WorkerID": f"T{n:05d}", "AgencyWorker": "1" if agency else "0", "FTE": fte,
            "OrgRole": "6", "RoleStartDate": start, "RoleEndDate": end,
            "ReasonLeave": "RES" if end else "", "Cases30": "", "WorkingDaysLost": "0",
            "Team": team, "WorkerType": "agency" if agency else "experienced"}


def roster_with(raw: pd.DataFrame, replace: dict[str, list[dict]]):
    """The sample roster with each named team's rows replaced by ``replace[team]`` (an empty
    list: nobody ever in it)."""
    keep = raw[~raw.Team.isin(list(replace))]
    rows = [r for rs in replace.values() for r in rs]
    return validate_workforce_frame(pd.concat([keep, pd.DataFrame(rows, columns=raw.columns)],
                                              ignore_index=True))


def fit(sample, baseline, roster):
    cases, _, ws, we = sample
    return calibrate(cases, roster, baseline, ws, we, template_name=TEMPLATE,
                     correct_timeliness=False)


def weekly_mean(rows: list[tuple[float, float, float]], w0: float, w1x: float) -> float:
    """Mean over the weeks w0, w0 + 7, ... <= w1x of the sum of weights in post ((start, end,
    weight) with end exclusive)."""
    weeks = np.arange(w0, w1x + 1e-9, 7.0)
    return float(np.mean([sum(wt for s, e, wt in rows if s <= t < e) for t in weeks]))


def est_row(cal, team: str) -> float:
    return float(cal.table.set_index("parameter").loc[f"teams.{team}.establishment_fte", "estimate"])


def headcount(sc, team: str) -> int:
    return sum(g.count for g in sc.teams[team].staff)


def runs_without_losing_children(cal, folder) -> None:
    """The written scenario loads back with the same teams, and a run loses no child."""
    assert load_scenario(cal.write(folder / "calibrated.yaml")).teams == cal.scenario.teams
    assert_conserved(simulate(cal.scenario, seed=1, years=0.25))


# --------------------------------------------------------------------------------------------
# Case-holding teams: in post, in the window only, never in the window
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gaps(sample, baseline):
    """cp_court: two workers (one agency) who left mid-window; disability: nobody ever."""
    _, raw, ws, we = sample
    mid = ws + (we - ws) / 2
    rows = [worker(1, "cp_court", "2019-01-01", mid.isoformat()),
            worker(2, "cp_court", "2019-06-01", mid.isoformat(), agency=True)]
    roster = roster_with(raw, {"cp_court": rows, "disability": []})
    return roster, mid, fit(sample, baseline, roster)


def test_a_team_in_post_keeps_the_rosters_staff(sample, baseline, gaps):
    roster, _, cal = gaps
    _, _, ws, we = sample
    start = day_number(we) + 1
    w = roster.workers
    now = w[(w.team == "families_first") & (w.start <= start) & (w.end.isna() | (w.end > start))]
    sc = cal.scenario
    assert headcount(sc, "families_first") == len(now)
    prov = cal.provenance["teams.families_first.staff"]
    assert prov.startswith("fitted") and f"{len(now)} workers in post at the start of" in prov
    assert cal.provenance["teams.families_first.establishment_fte"].startswith("assumed")


def test_a_team_empty_at_the_start_but_staffed_in_the_window_starts_vacant(sample, baseline, gaps):
    roster, mid, cal = gaps
    _, _, ws, we = sample
    w0, w1x, m = day_number(ws), day_number(we) + 1, day_number(mid)
    sc = cal.scenario
    assert sc.teams["cp_court"].staff == ()
    # permanent FTE + agency FTE / cover share, weekly over the window
    cover = baseline.agency.cover_share_pct / 100
    expect = weekly_mean([(day_number("2019-01-01"), m, 1.0),
                          (day_number("2019-06-01"), m, 1.0 / cover)], w0, w1x)
    assert 0 < expect
    assert est_row(cal, "cp_court") == pytest.approx(expect)
    assert sc.teams["cp_court"].establishment_fte == pytest.approx(round(expect, 1))
    staff = cal.provenance["teams.cp_court.staff"]
    assert staff.startswith("fitted")
    assert f"nobody in post at {we + dt.timedelta(days=1)}" in staff
    assert "2 workers in post during the window; its posts start vacant" in staff
    assert cal.provenance["teams.cp_court.establishment_fte"].startswith("assumed")
    assert "cover share" in cal.provenance["teams.cp_court.establishment_fte"]
    t = cal.table.set_index("parameter")
    assert t.loc["teams.cp_court.staff_fte", "estimate"] == 0
    assert t.loc["teams.cp_court.establishment_fte", "n"] == 2
    assert any(n.startswith("team cp_court: nobody in post at") and "its posts start vacant" in n
               for n in cal.notes)


def test_a_team_nobody_worked_in_is_the_templates_scaled_to_the_authority(baseline, gaps):
    _, _, cal = gaps
    sc = cal.scenario
    shown = [t for t, c in baseline.teams.items() if c.case_holding and t != "disability"]
    factor = sum(est_row(cal, t) for t in shown) / sum(baseline.teams[t].establishment_fte
                                                       for t in shown)
    assert 0 < factor < 1
    tpl = baseline.teams["disability"]
    n0 = sum(g.count for g in tpl.staff)
    assert headcount(sc, "disability") == math.floor(n0 * factor + 0.5)
    assert {g.type for g in sc.teams["disability"].staff} <= {g.type for g in tpl.staff}
    assert sc.teams["disability"].establishment_fte == pytest.approx(
        round(tpl.establishment_fte * factor, 1))
    for field in ("staff", "establishment_fte"):
        prov = cal.provenance[f"teams.disability.{field}"]
        assert prov.startswith("assumed") and "fitted" not in prov.split(":")[0]
        assert f"{factor:.3f}" in prov and "nobody of this team in post" in prov
    t = cal.table.set_index("parameter")
    assert t.loc["teams.size_relative_to_template", "estimate"] == pytest.approx(factor)
    assert "teams.disability.establishment_fte" not in t.index


def test_the_calibrated_scenario_with_empty_and_scaled_teams_runs(gaps, tmp_path):
    runs_without_losing_children(gaps[2], tmp_path)


# --------------------------------------------------------------------------------------------
# The front door follows the same rules
# --------------------------------------------------------------------------------------------

def test_a_front_door_empty_at_the_start_is_staffed_at_its_mean_fte(sample, baseline, tmp_path):
    # Until session 19 the front door started vacant (staff: ()) and the model decided its
    # referrals as if one worker were there. A front door with nobody is now refused (H80's
    # audit: no referral would be decided) and its staffing is fixed in the model, so it is
    # staffed at its mean FTE in post over the window, which the note says
    _, raw, ws, we = sample
    mid = ws + (we - ws) / 2
    roster = roster_with(raw, {"first_contact": [worker(1, "first_contact", "2018-01-01",
                                                        mid.isoformat(), fte="0.8")]})
    cal = fit(sample, baseline, roster)
    sc = cal.scenario
    assert not sc.teams["first_contact"].case_holding
    expect = weekly_mean([(day_number("2018-01-01"), day_number(mid), 0.8)],
                         day_number(ws), day_number(we) + 1)
    staff = sc.teams["first_contact"].staff
    assert len(staff) == 1 and staff[0].type == "experienced" and staff[0].count == 1
    assert staff[0].fte == pytest.approx(round(expect, 3))
    assert est_row(cal, "first_contact") == pytest.approx(expect)
    assert sc.teams["first_contact"].establishment_fte == pytest.approx(round(expect, 1))
    prov = cal.provenance["teams.first_contact.staff"]
    assert prov.startswith("fitted") and "1 worker in post during the window" in prov
    assert f"staffed at its mean FTE in post over the window ({expect:.2f} FTE)" in prov
    assert "mean FTE in post" in cal.provenance["teams.first_contact.establishment_fte"]
    runs_without_losing_children(cal, tmp_path)


def test_a_front_door_nobody_worked_in_is_scaled(sample, baseline, tmp_path):
    _, raw, _, _ = sample
    cal = fit(sample, baseline, roster_with(raw, {"first_contact": []}))
    factor = float(cal.table.set_index("parameter").loc["teams.size_relative_to_template",
                                                         "estimate"])
    tpl = baseline.teams["first_contact"]
    assert headcount(cal.scenario, "first_contact") == math.floor(
        sum(g.count for g in tpl.staff) * factor + 0.5)
    assert cal.scenario.teams["first_contact"].establishment_fte == pytest.approx(
        round(tpl.establishment_fte * factor, 1))
    assert cal.provenance["teams.first_contact.staff"].startswith("assumed")
    runs_without_losing_children(cal, tmp_path)


def test_with_no_case_holding_team_in_the_roster_the_templates_staff_are_kept(sample, baseline):
    """Nothing to measure the authority's size by: the template's staff stay, and say so."""
    _, raw, _, _ = sample
    case_teams = [t for t, c in baseline.teams.items() if c.case_holding]
    cal = fit(sample, baseline, roster_with(raw, {t: [] for t in case_teams}))
    for t in case_teams:
        assert cal.scenario.teams[t] == baseline.teams[t]
        assert cal.provenance[f"teams.{t}.staff"].startswith(f"from {TEMPLATE}")
    assert "teams.size_relative_to_template" not in set(cal.table.parameter)


# --------------------------------------------------------------------------------------------
# The pieces
# --------------------------------------------------------------------------------------------

def test_staff_groups_gives_an_empty_team_only_with_a_window(sample, baseline, gaps):
    roster, _, _ = gaps
    _, _, ws, we = sample
    day = day_number(we) + 1
    assert "cp_court" not in staff_groups(roster, baseline, day)
    with_window = staff_groups(roster, baseline, day, since=day_number(ws))
    assert with_window["cp_court"][0] == []
    assert "disability" not in with_window
    # a team in post is the same with or without the window (bar its averaged establishment)
    assert with_window["families_first"][0] == staff_groups(roster, baseline, day)["families_first"][0]


def test_scaled_staff_rounds_the_headcount_and_keeps_the_mix():
    staff = [{"type": "experienced", "count": 8, "fte": 1.0, "months_qualified": 36.0},
             {"type": "nqsw", "count": 3, "fte": 1.0, "months_qualified": 6.0},
             {"type": "agency", "count": 2, "fte": 0.8, "months_qualified": 36.0}]
    assert _scaled_staff(staff, 1.0) == staff
    half = _scaled_staff(staff, 0.5)              # 6.5 workers: 7
    assert sum(g["count"] for g in half) == 7
    assert {g["type"]: g["count"] for g in half} == {"experienced": 4, "nqsw": 2, "agency": 1}
    assert all(g["fte"] == s["fte"] for g in half for s in staff if s["type"] == g["type"])
    assert sum(g["count"] for g in _scaled_staff(staff, 0.1)) == 1    # 1.3
    assert _scaled_staff(staff, 0.03) == []                          # 0.39: nobody, posts vacant
    assert _scaled_staff([], 0.5) == []


# --------------------------------------------------------------------------------------------
# The shipped returns
# --------------------------------------------------------------------------------------------

def test_no_team_in_the_returns_calibration_has_more_staff_than_it_ever_had(baseline):
    data = read_returns(RETURNS)
    cal = calibrate(data.cases, data.roster, baseline, template_name=TEMPLATE,
                    sources=data.sources, correct_timeliness=False)
    w0, w1x = day_number(cal.window_start), day_number(cal.window_end) + 1
    w = data.roster.workers
    for team in cal.scenario.teams:
        tw = w[w.team == team]
        days = np.unique(np.concatenate([[w0, w1x], tw.start.clip(w0, w1x),
                                         tw.end.dropna().clip(w0, w1x)]))
        most = max((int(((tw.start <= t) & (tw.end.isna() | (tw.end > t))).sum()) for t in days),
                   default=0)
        assert headcount(cal.scenario, team) <= most, team
        if headcount(cal.scenario, team) == 0:
            assert "its posts start vacant" in cal.provenance[f"teams.{team}.staff"]


def test_a_team_staffed_for_only_days_says_its_children_would_wait(sample, baseline):
    """A team whose only worker was in post for a few days of the window has an establishment
    that rounds to 0: nobody would ever be recruited, so the calibration says so."""
    cases, raw, ws, we = sample
    start = dt.date.fromisoformat(str(we)) - dt.timedelta(days=40)
    roster = roster_with(raw, {"disability": [worker(90001, "disability", start.isoformat(),
                                                    (start + dt.timedelta(days=3)).isoformat())]})
    cal = fit(sample, baseline, roster)
    assert cal.scenario.teams["disability"].establishment_fte == 0
    assert any(n.startswith("team disability: its establishment over the window rounds to 0 FTE")
               and "teams.disability.establishment_fte" in n for n in cal.notes)
