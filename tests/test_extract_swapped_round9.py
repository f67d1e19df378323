"""Two header names of one extract exchanged (audit round 9): the cause is said first, plainly,
and the problems that follow from it are counted in a line a file and column, not listed row by
row. The audit's case: the roster's WorkerID and Team swapped gave 5,342 problems, 5,168 of them
on the innocent cases.csv before the roster's 174. No identifier is ever quoted."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from workbench.calibration.extracts import ExtractError, read_extracts
from workbench.cli import main

from conftest import ROOT, sample_text

SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(scope="module")
def sample():
    """The sample's cases for its first 1,200 rows' children (whole episodes), and its roster."""
    return sample_text(1200)


def swap(df: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """The same table with the names of columns ``a`` and ``b`` exchanged in the header only."""
    return df.rename(columns={a: b, b: a})


def ids_of(cases: pd.DataFrame, roster: pd.DataFrame) -> set[str]:
    ids = set(cases.LAchildID) | set(cases.AllocatedWorker) | set(roster.WorkerID)
    return {i for i in ids if i}


def refused(tmp_path, cases: pd.DataFrame, roster: pd.DataFrame) -> ExtractError:
    c, w = tmp_path / "cases.csv", tmp_path / "workforce.csv"
    cases.to_csv(c, index=False)
    roster.to_csv(w, index=False)
    with pytest.raises(ExtractError) as info:
        read_extracts(c, w)
    return info.value


def lines(exc: ExtractError) -> list[str]:
    return [ln[4:] for ln in str(exc).splitlines()[1:] if ln.startswith("  - ")]


def no_identifier(exc: ExtractError, ids: set[str]) -> None:
    text = str(exc) + "\n".join(p.message for p in exc.problems)
    leaked = sorted(i for i in ids if i in text)
    assert not leaked, f"{len(leaked)} identifier(s) in the message"


def test_the_audit_command_says_the_roster_swap_first_and_counts_the_cases_rows(tmp_path, capsys):
    """The audit's command, on the whole sample: the cause on the roster first, the cases'
    5,274 rows (5,168 in the sample made before session 21) in one line, and a message of a
    handful of lines."""
    cases = pd.read_csv(SAMPLE / "cases.csv", dtype=str, keep_default_na=False)
    roster = pd.read_csv(SAMPLE / "workforce.csv", dtype=str, keep_default_na=False)
    w = tmp_path / "W.csv"
    swap(roster, "WorkerID", "Team").to_csv(w, index=False)
    code = main(["calibrate", "--cases", str(SAMPLE / "cases.csv"), "--workforce", str(w),
                 "--out", str(tmp_path / "x.yaml"), "--report-dir", str(tmp_path / "r"),
                 "--no-backtest"])
    err = capsys.readouterr().err
    assert code == 2
    said = [ln.strip()[2:] for ln in err.splitlines() if ln.startswith("  - ")]
    assert said[0].startswith("W.csv: the columns WorkerID and Team look swapped"), said[0]
    assert "team names" in said[0] and "worker identifiers" in said[0]
    assert "cases.csv's AllocatedWorker values" in said[0]
    flagged = int(cases.Team.isin(set(roster.Team)).sum())
    assert flagged == 5274          # 5,168 in the sample made before session 21
    on_cases = [s for s in said if s.startswith("cases.csv")]
    assert on_cases == [s for s in on_cases if s.startswith("cases.csv, column Team: 5,274 rows")]
    assert len(on_cases) == 1
    assert all(not s.startswith("cases.csv, row") for s in said)
    # the roster's problems come before the cases'
    first_cases = min(i for i, s in enumerate(said) if s.startswith("cases.csv"))
    assert all(s.startswith("W.csv") for s in said[:first_cases])
    assert len(said) < 10
    assert not (tmp_path / "x.yaml").exists()
    leaked = sorted(i for i in ids_of(cases, roster) if i in err)
    assert not leaked, f"{len(leaked)} identifier(s) in the message"
    # a few ids of the rows, by name (the cases' first child and worker, the roster's first)
    for value in (cases.LAchildID[0], cases.AllocatedWorker[0], roster.WorkerID[0],
                  roster.WorkerID[50]):
        assert value and value not in err


def test_the_swapped_roster_keeps_its_real_problems_and_the_cases_theirs(sample, tmp_path):
    cases, roster = sample
    bad_roster = swap(roster, "WorkerID", "Team").copy()
    bad_roster.loc[4, "FTE"] = "abc"                  # row 6
    bad_cases = cases.copy()
    bad_cases.loc[8, "CINreferralDate"] = "2022-02-31"   # row 10
    exc = refused(tmp_path, bad_cases, bad_roster)
    said = lines(exc)
    assert said[0].startswith("workforce.csv: the columns WorkerID and Team look swapped")
    assert "workforce.csv, row 6, column FTE: " in "\n".join(said)
    assert ("cases.csv, row 10, column CINreferralDate: '2022-02-31' is not a date"
            in "\n".join(said))
    # the consequences: one line for each column, with its count
    assert sum(s.startswith("cases.csv, column Team: ") for s in said) == 1
    assert sum(s.startswith("workforce.csv, column Team: ") for s in said) == 1
    assert sum(s.startswith("workforce.csv, column WorkerID: ") for s in said) == 1
    assert not [s for s in said if re.match(r"(cases|workforce)\.csv, row \d+, column "
                                            r"(Team|WorkerID)", s)]
    no_identifier(exc, ids_of(cases, roster))


@pytest.mark.parametrize("a, b, kinds", [
    ("LAchildID", "AllocatedWorker", ("worker identifiers", "child identifiers")),
    ("AllocatedWorker", "Team", ("team names", "worker identifiers")),
    ("LAchildID", "Team", ("team names", "child identifiers")),
])
def test_two_swapped_case_columns_are_said_first(sample, tmp_path, a, b, kinds):
    cases, roster = sample
    exc = refused(tmp_path, swap(cases, a, b), roster)
    said = lines(exc)
    assert said[0].startswith(f"cases.csv: the columns {a} and {b} look swapped"), said[0]
    assert f"the {a} column holds what look like {kinds[0]}" in said[0]
    assert f"the {b} column holds what look like {kinds[1]}" in said[0]
    assert exc.problems[0].message in said[0]
    # nothing row by row: every consequence counted in a line of its column
    assert all(p.row is None for p in exc.problems), [str(p) for p in exc.problems if p.row]
    assert len(exc.problems) < 15
    # the innocent roster's Team column: one line, counted, after the cause
    on_roster = [s for s in said if s.startswith("workforce.csv")]
    if "Team" in (a, b):
        assert on_roster == [f"workforce.csv, column Team: {len(roster):,} rows hold a value that "
                             "is an identifier from the other extract, not a team name: this "
                             f"follows from cases.csv's swapped {a} and {b} columns (said above),"
                             " so the rows are not listed one by one; they go when that header "
                             "row is put right"]
    else:
        assert on_roster == []
    no_identifier(exc, ids_of(cases, roster))


def test_the_extracts_as_given_are_read(sample, tmp_path):
    cases, roster = sample
    c, w = tmp_path / "cases.csv", tmp_path / "workforce.csv"
    cases.to_csv(c, index=False)
    roster.to_csv(w, index=False)
    cd, ro = read_extracts(c, w)
    assert len(ro.workers) == len(roster)


def test_worker_ids_copied_into_the_roster_team_are_not_called_a_swap(sample, tmp_path):
    """Both columns holding the worker ids (one value a row each) is not a swap: each row is
    still said, as before."""
    cases, roster = sample
    exc = refused(tmp_path, cases, roster.assign(Team=roster.WorkerID))
    assert not any("look swapped" in p.message for p in exc.problems)
    assert "workforce.csv, row 2, column Team:" in str(exc)
    no_identifier(exc, ids_of(cases, roster))


def test_both_files_swapped_the_same_way_are_said_first_in_each(sample, tmp_path):
    """The roster's WorkerID and Team and the cases' AllocatedWorker and Team swapped alike:
    the files agree with each other, so it is the counts of different values that say so.
    Before: 87 'duplicate WorkerID' rows on the roster and no word of the cause."""
    cases, roster = sample
    exc = refused(tmp_path, swap(cases, "AllocatedWorker", "Team"), swap(roster, "WorkerID", "Team"))
    said = lines(exc)
    causes = [s for s in said if "look swapped" in s]
    for name in ("workforce.csv", "cases.csv"):  # each file's cause before its other lines
        assert [s for s in said if s.startswith(name)][0] in causes, said
    assert causes[0].startswith("workforce.csv: the columns WorkerID and Team look swapped")
    assert causes[1].startswith("cases.csv: the columns AllocatedWorker and Team look swapped")
    assert "the WorkerID column holds what look like team names" in causes[0]
    assert "the Team column holds what look like worker identifiers" in causes[1]
    assert all(p.row is None for p in exc.problems), [str(p) for p in exc.problems if p.row]
    assert len(exc.problems) < 8
    no_identifier(exc, ids_of(cases, roster))


def test_a_small_roster_of_few_workers_in_many_teams_is_not_called_a_swap(sample, tmp_path):
    """Counts out of order but too few to say (under INVERTED_MIN_VALUES teams): the rows are
    checked as given."""
    from workbench.calibration.extracts.swaps import find_swaps
    cases, roster = sample
    few = roster.head(12).assign(WorkerID=[f"W{i % 3}" for i in range(12)],
                                 Team=[f"team {i}" for i in range(12)])
    assert find_swaps(cases.head(0), few, "cases.csv", "workforce.csv") == []
    many = roster.head(40).assign(WorkerID=[f"W{i % 3}" for i in range(40)],
                                  Team=[f"team {i}" for i in range(40)])
    assert [s.a + "/" + s.b for s in find_swaps(cases.head(0), many, "c", "w")] == ["WorkerID/Team"]
