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
