"""Valid scenarios that do not do what their author probably meant get a note from ``validate``
and ``run`` (session 10, the independent audit's leftovers). Each test failed before its note."""
from __future__ import annotations

from workbench.cli import main

from conftest import ROOT

BASE = str(ROOT / "scenarios" / "baseline.yaml")


def _file(tmp_path, body: str):
    p = tmp_path / "s.yaml"
    p.write_text(f"base: {BASE}\nname: s\nhorizon_years: 1\n{body}")
    return p


def test_conferences_booked_beyond_their_timescale_are_noted(tmp_path, capsys):
    p = _file(tmp_path, "conferences: {book_at_wd: 20}\n")
    assert main(["validate", str(p)]) == 0
    out = capsys.readouterr().out
    assert ("note: conferences.book_at_wd: 20 working days is beyond the initial conference's "
            "timescale of 15 working days") in out
    # at the timescale itself: in time, no note
    assert main(["validate", str(_file(tmp_path, "conferences: {book_at_wd: 15}\n"))]) == 0
    assert "note" not in capsys.readouterr().out


def test_a_team_whose_staff_all_have_a_cap_of_0_is_noted(tmp_path, capsys):
    p = _file(tmp_path, "teams:\n  cp_court:\n    caps: {experienced: 0, nqsw: 0, agency: 0, "
                        "academy: 5}\n")
    assert main(["validate", str(p)]) == 0
    out = capsys.readouterr().out
    assert ("note: teams.cp_court: its staff at the start (agency, experienced) all have a caseload "
            "cap of 0, so its children wait until a worker of another type (academy) arrives") in out
    assert main(["run", str(p), "--years", "0.02", "--out", str(tmp_path / "o")]) == 0
    assert "note: teams.cp_court: its staff at the start" in capsys.readouterr().err


def test_the_bundled_scenarios_have_no_notes(capsys):
    files = sorted(str(p) for p in (ROOT / "scenarios").glob("*.yaml"))
    assert main(["validate", *files]) == 0
    assert "note" not in capsys.readouterr().out
