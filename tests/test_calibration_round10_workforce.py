"""How calibration fits the workforce (audit round 10): roster teams the template does not have
(or a blank Team), a template team the council does not have, a worker moving between teams,
and the order of the roster's rows. The roster is the sample's (62 roles), read as text and
changed here; the functions are called directly on it, so that each test takes a second or so.
No identifier is quoted in any message."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.calibration import validate_cases_frame, validate_workforce_frame
from workbench.calibration.derive import Draft
from workbench.calibration.derive_workforce import derive_workforce
from workbench.calibration.extracts import day_number
from workbench.calibration.staff_roster import staff_roster
from workbench.errors import UserError

from conftest import sample_text

W0, W1X = day_number("2021-04-01"), day_number("2023-04-01")     # the sample's data window
TEMPLATE = "baseline.yaml"


@pytest.fixture(scope="module")
def sample():
    """The sample's cases for its first 1,500 rows' children, and its roster, as text."""
    return sample_text(1500)


@pytest.fixture(scope="module")
def cases(sample):
    return validate_cases_frame(sample[0])


def draft(baseline) -> Draft:
    return Draft(data=baseline.model_dump(mode="json"), window="2021-04-01 to 2023-03-31",
                 template_name=TEMPLATE)


def fitted(baseline, raw: pd.DataFrame, cases=None):
    """(draft, roster used) after staff_roster and derive_workforce on the roster ``raw``."""
    d = draft(baseline)
    staff = staff_roster(d, validate_workforce_frame(raw.copy()), baseline, W0, W1X, cases)
    derive_workforce(d, staff, baseline, W0, W1X)
    return d, staff


def ids(sample) -> set[str]:
    c, w = sample
    return {i for i in set(c.LAchildID) | set(c.AllocatedWorker) | set(w.WorkerID) if i}


def no_identifier(text: str, sample) -> None:
    leaked = [i for i in ids(sample) if i in text]
    assert not leaked, f"{len(leaked)} identifier(s) in the text"


def in_post(raw: pd.DataFrame) -> pd.Series:
    return (raw.RoleEndDate == "") | (raw.RoleEndDate > "2023-04-01")


# --------------------------------------------------------------------------------------------
# 1. teams the template does not have, and a blank Team
# --------------------------------------------------------------------------------------------

def test_a_blank_team_of_a_worker_in_post_is_refused_naming_its_row(baseline, sample, cases):
    raw = sample[1].copy()
    i = int((in_post(raw) & (raw.Team == "families_first")).to_numpy().nonzero()[0][2])
    raw.loc[i, "Team"] = ""
    with pytest.raises(UserError) as info:
        fitted(baseline, raw, cases)
    msg = str(info.value)
    assert msg.startswith("workforce.csv: 1 role(s) in post during the data window")
    assert f"blank Team (row {i + 2})" in msg and "column Team" in msg
    assert "families_first" in msg and "cp_court" in msg          # the names to write
    no_identifier(msg, sample)


def test_a_team_holding_none_of_the_cases_is_left_out_and_the_rest_fitted(baseline, sample,
                                                                             cases):
    raw = sample[1]
    extra = pd.DataFrame([dict(raw.iloc[0], WorkerID=f"FOSTER{k}", Team="Fostering", FTE="0.8",
                               RoleStartDate="2018-01-0" + str(k + 1), RoleEndDate="",
                               ReasonLeave="", AgencyWorker="0", WorkerType="experienced")
                          for k in range(5)])
    d, staff = fitted(baseline, pd.concat([raw, extra], ignore_index=True), cases)
    ref, _ = fitted(baseline, raw, cases)
    assert "Fostering" not in set(staff.workers.team)
    # every team's staff fitted from the roster, as without the fostering team
    for t in baseline.teams:
        assert d.data["teams"][t] == ref.data["teams"][t]
        assert d.provenance[f"teams.{t}.staff"] == ref.provenance[f"teams.{t}.staff"]
    assert d.provenance["teams.families_first.staff"].startswith("fitted")
    assert d.data["academy"] == ref.data["academy"]
    assert d.provenance["recruitment.experienced_share_pct"].startswith("fitted")
    note = [n for n in d.notes if "'Fostering'" in n]
    assert len(note) == 1
    k_all = int(in_post(raw).sum()) + 5
    assert "(5 workers, 4.0 FTE in post at the start of 2023-04-01" in note[0]
    assert f"is 5 worker(s) and 4.0 FTE smaller than the roster's {k_all}" in note[0]
    assert "column Team" in note[0] and "workforce.csv" in note[0]


def test_the_councils_own_name_for_a_team_holding_cases_is_refused(baseline, sample, cases):
    raw = sample[1].assign(Team=lambda r: r.Team.replace({"families_first": "Safeguarding North"}))
    with pytest.raises(UserError) as info:
        fitted(baseline, raw, cases)
    msg = str(info.value)
    n = int(((raw.Team == "Safeguarding North") & in_post(raw)).sum())
    assert msg.startswith("workforce.csv: team(s) the template baseline.yaml does not have "
                          "(column Team): 'Safeguarding North' (" + f"{n} workers")
    assert "AllocatedWorker" in msg and "one of first_contact, families_first" in msg
    no_identifier(msg, sample)


def test_a_roster_given_directly_with_an_unknown_team_still_fits_the_known_teams(baseline,
                                                                                sample):
    """derive_workforce alone (no staff_roster) no longer gives up on every team."""
    raw = sample[1].copy()
    raw.loc[raw.Team == "disability", "Team"] = "Fostering"
    d = draft(baseline)
    derive_workforce(d, validate_workforce_frame(raw), baseline, W0, W1X)
    assert d.provenance["teams.families_first.staff"].startswith("fitted")
    assert any("in teams the template does not have" in n for n in d.notes)


# --------------------------------------------------------------------------------------------
# 4. the order of the roster's rows
# --------------------------------------------------------------------------------------------

def table(d: Draft) -> pd.DataFrame:
    return pd.DataFrame([vars(r) for r in d.rows])


@pytest.mark.parametrize("seed", [1, 2])
def test_the_roster_in_another_order_gives_the_same_fit(baseline, sample, seed):
    raw = sample[1]
    d, _ = fitted(baseline, raw)
    shuffled, _ = fitted(baseline, raw.sample(frac=1, random_state=seed).reset_index(drop=True))
    t = table(d)
    assert {"absence.total_pct", "caseload.cases_held.mean"} <= set(t.parameter)
    pd.testing.assert_frame_equal(table(shuffled), t)
    assert shuffled.data == d.data and shuffled.notes == d.notes


# --------------------------------------------------------------------------------------------
# 3. a worker moving between teams within the authority
# --------------------------------------------------------------------------------------------

def rows_of(d: Draft) -> pd.DataFrame:
    return table(d).set_index("parameter")


def moved(raw: pd.DataFrame, to_team: str, reason: str = "", gap_days: int = 1) -> pd.DataFrame:
    """The roster with one experienced families_first worker in post since before the window
    ending her role on 2022-09-30 and starting her next role ``gap_days`` later in ``to_team``
    (the same WorkerID); her WorkingDaysLost on the later role, as a census gives it."""
    raw = raw.copy()
    i = int(((raw.Team == "families_first") & (raw.WorkerType == "experienced") & in_post(raw)
             & (raw.RoleStartDate < "2021-01-01") & (raw.AgencyWorker == "0")).to_numpy()
            .nonzero()[0][0])
    later = dict(raw.loc[i], Team=to_team,
                 RoleStartDate=str(pd.Timestamp("2022-09-30") + pd.Timedelta(days=gap_days))[:10])
    raw.loc[i, ["RoleEndDate", "ReasonLeave", "Cases30", "WorkingDaysLost"]] = [
        "2022-09-30", reason, "", ""]
    return pd.concat([raw, pd.DataFrame([later])], ignore_index=True)


@pytest.mark.parametrize("to_team,reason", [("cp_court", ""), ("cp_court", "OTH"),
                                            ("cp_court", "TRN"), ("families_first", "")])
def test_a_move_between_teams_is_no_leaver_and_no_appointment(baseline, sample, to_team, reason):
    raw = sample[1]
    ref = rows_of(fitted(baseline, raw)[0])
    d, _ = fitted(baseline, moved(raw, to_team, reason))
    got = rows_of(d)
    for p in ("turnover.experienced.observed", "workforce.turnover_pct_per_year.experienced"):
        assert got.loc[p, "n"] == ref.loc[p, "n"]                    # no leaver more
        assert got.loc[p, "estimate"] == pytest.approx(ref.loc[p, "estimate"], rel=1e-3)
    for p in ("recruitment.experienced_share_pct", "vacancy_gap_weeks.mean"):
        assert got.loc[p, "n"] == ref.loc[p, "n"]                    # no appointment more
        assert got.loc[p, "estimate"] == pytest.approx(ref.loc[p, "estimate"])
    # her days lost, given on her later role, are over her time in both
    assert got.loc["absence.total_pct", "estimate"] == pytest.approx(
        ref.loc["absence.total_pct", "estimate"], rel=1e-3)
    assert got.loc["absence.total_pct", "n"] == ref.loc["absence.total_pct", "n"]
    note = [n for n in d.notes if "move(s) within the authority" in n]
    assert len(note) == 1 and note[0].startswith("workforce.csv: 1 move(s) within")


def test_a_worker_back_after_more_than_two_weeks_left_and_was_appointed(baseline, sample):
    raw = sample[1]
    ref = rows_of(fitted(baseline, raw)[0])
    d, _ = fitted(baseline, moved(raw, "cp_court", "RES", gap_days=60))
    got = rows_of(d)
    assert got.loc["turnover.experienced.observed", "n"] == ref.loc[
        "turnover.experienced.observed", "n"] + 1
    assert got.loc["recruitment.experienced_share_pct", "n"] == ref.loc[
        "recruitment.experienced_share_pct", "n"] + 1
    assert not any("move(s) within the authority" in n for n in d.notes)


def test_internal_moves_pairs_each_role_with_the_next_within_two_weeks():
    from workbench.calibration.observe import MOVE_GAP_DAYS, internal_moves
    w = pd.DataFrame({"worker": [0, 1, 0, 1, 2, 0],
                      "start": [0.0, 0.0, 100.0, 200.0, 0.0, 300.0],
                      "end": [100.0, 180.0, 300.0 - MOVE_GAP_DAYS, None, 50.0, None]})
    on, into = internal_moves(w)
    # worker 0: 0-100, 100-286, 300-: two moves; worker 1: back after 20 days; worker 2: one role
    assert on.tolist() == [True, False, True, False, False, False]
    assert into.tolist() == [False, False, True, False, False, True]


# --------------------------------------------------------------------------------------------
# 2. a template team the council does not have
# --------------------------------------------------------------------------------------------

def fitted_with_cases(baseline, raw: pd.DataFrame, case_rows: pd.DataFrame):
    from workbench.calibration import stage_sequence
    cases = validate_cases_frame(case_rows.copy())
    d = draft(baseline)
    staff = staff_roster(d, validate_workforce_frame(raw.copy()), baseline, W0, W1X, cases,
                         stage_sequence(cases))
    derive_workforce(d, staff, baseline, W0, W1X)
    return d, staff


def test_a_stage_of_a_team_the_council_has_not_goes_to_the_team_holding_its_cases(baseline,
                                                                                 sample):
    """cp_court renamed families_first in both extracts: the court stage is held by
    families_first, and no court worker is invented."""
    from workbench.scenario import validate_scenario
    c, w = sample
    rename = {"cp_court": "families_first"}
    d, staff = fitted_with_cases(baseline, w.assign(Team=w.Team.replace(rename)),
                                 c.assign(Team=c.Team.replace(rename)))
    assert d.data["stages"]["court"]["team"] == "families_first"
    assert d.provenance["stages.court.team"].startswith("assumed")
    assert d.data["teams"]["cp_court"]["staff"] == []
    assert d.data["teams"]["cp_court"]["establishment_fte"] == 0
    assert d.provenance["teams.cp_court.staff"].startswith("assumed")
    # the fitted staff are the roster's in post, none added
    now = int(in_post(w).sum())
    assert sum(g["count"] for t in d.data["teams"].values() for g in t["staff"]) == now
    assert not any("scaled by" in n for n in d.notes)
    note = [n for n in d.notes if "stage court held by team families_first" in n]
    assert len(note) == 1 and "team cp_court given no staff" in note[0]
    sc = validate_scenario(d.data, source="<test>")
    assert sc.stages["court"].team == "families_first"


def test_a_team_whose_cases_the_extract_gives_to_it_is_scaled_and_said_loudly(baseline, sample):
    """disability: nobody in the roster, its cases in team disability in the case extract: the
    template's staff scaled, and the note says workers were added and which cases they hold."""
    c, w = sample
    d, _ = fitted_with_cases(baseline, w[w.Team != "disability"], c)
    assert d.data["stages"]["cin_disability"]["team"] == "disability"
    n = sum(g["count"] for g in d.data["teams"]["disability"]["staff"])
    assert n > 0
    note = [x for x in d.notes if x.startswith("team disability: nobody in post")]
    assert len(note) == 1
    assert f"{n} worker(s) the roster does not have are ADDED" in note[0]
    assert "holding the cases of stage cin_disability" in note[0]
    assert "case extract's Team" in note[0]


def test_a_transfer_to_a_team_the_council_has_not_keeps_the_cases_where_they_are(baseline,
                                                                                sample):
    """permanence renamed looked_after in both extracts: looked-after cases stay in
    looked_after (no transfer after 100 days), and permanence gets no staff."""
    from workbench.scenario import validate_scenario
    c, w = sample
    rename = {"permanence": "looked_after"}
    assert baseline.stages["lac"].transfer.to_team == "permanence"
    d, _ = fitted_with_cases(baseline, w.assign(Team=w.Team.replace(rename)),
                             c.assign(Team=c.Team.replace(rename)))
    assert d.data["stages"]["lac"]["team"] == "looked_after"
    assert d.data["stages"]["lac"]["transfer"] is None
    assert d.data["teams"]["permanence"]["staff"] == []
    assert any("stage lac's cases stay in team looked_after (no transfer to permanence)" in n
               for n in d.notes)
    assert validate_scenario(d.data, source="<test>").stages["lac"].transfer is None


def test_without_the_cases_link_a_left_out_team_is_not_said_to_hold_no_cases(baseline, sample,
                                                                             cases):
    raw = sample[1].copy()
    raw.loc[raw.Team == "disability", "Team"] = "Fostering"
    d, _ = fitted(baseline, raw)                    # no cases: nothing names the workers
    note = [n for n in d.notes if "'Fostering'" in n]
    assert len(note) == 1 and "cannot be told" in note[0]
    assert "None of their workers holds a case" not in note[0]
    unlinked = validate_cases_frame(sample[0].assign(AllocatedWorker=""))
    d, _ = fitted(baseline, raw, unlinked)
    assert "cannot be told" in [n for n in d.notes if "'Fostering'" in n][0]


def test_the_backtests_scratch_draft_reads_the_roster_of_a_council_without_a_team(baseline,
                                                                                  sample):
    """backtest's _as_fitted calls staff_roster with an empty draft: the roster, no routing."""
    from workbench.calibration import stage_sequence
    c, w = sample
    rename = {"cp_court": "families_first"}
    cases = validate_cases_frame(c.assign(Team=c.Team.replace(rename)))
    scratch = Draft(data={}, window="", template_name="")
    staff = staff_roster(scratch, validate_workforce_frame(w.assign(Team=w.Team.replace(rename))),
                         baseline, W0, W1X, cases, stage_sequence(cases))
    assert len(staff.workers) == len(w) and scratch.data == {}


def test_the_backtests_observed_leavers_leave_out_a_move_between_teams(baseline, sample):
    """The back-test's observed leavers counted a move within the authority as a leaver, while
    the fit's turnover did not (helper 55's leftover): both now agree."""
    from workbench.calibration.backtest_measures import observed_leavers

    raw = sample[1]
    _, ref = fitted(baseline, raw)
    _, mv = fitted(baseline, moved(raw, "cp_court", "OTH"))
    _, back = fitted(baseline, moved(raw, "cp_court", "RES", gap_days=60))
    n0 = observed_leavers(ref.workers, set(), W0, W1X)
    assert observed_leavers(mv.workers, set(), W0, W1X) == n0
    assert observed_leavers(back.workers, set(), W0, W1X) == n0 + 1
