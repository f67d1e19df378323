"""``docs/scenario-reference.md`` (issue 14): generated from the schema, and up to date."""

from __future__ import annotations

from workbench.scenario.reference import DOC_PATH, _rows, blocks, field_summary, render
from workbench.scenario.schema import Scenario

REGENERATE = ".venv/bin/python -m workbench.scenario.reference"


def test_the_committed_reference_matches_the_schema():
    assert DOC_PATH.is_file(), f"docs/scenario-reference.md is missing: run {REGENERATE}"
    assert DOC_PATH.read_text(encoding="utf-8") == render(), (
        f"docs/scenario-reference.md is out of date with the schema: run {REGENERATE}")


def test_every_field_of_every_block_is_listed_with_a_meaning():
    text = render()
    paths = [p for p, _ in blocks()]
    for path in ("", "demand", "stages.STAGE", "stages.STAGE.clock", "teams.TEAM.staff[]",
                 "recruitment.campaigns[]", "academy", "agency", "retention"):
        assert path in paths, path
    missing = []
    for path, model in blocks():
        for name, *_rest, meaning in _rows(model):
            assert f"| `{name}` |" in text
            if not meaning:
                missing.append(f"{path or 'top level'}.{name}")
    assert not missing, (f"fields with no meaning: {missing}; give them a description= in the "
                         f"schema, then run {REGENERATE}")
    assert set(Scenario.model_fields) == {r[0] for r in _rows(Scenario)}


def test_units_ranges_and_defaults_come_from_the_schema():
    rows = {r[0]: r for r in _rows(Scenario.model_fields["agency"].annotation)}
    name, kind, unit, allowed, default, meaning = rows["cover_share_pct"]
    assert (kind, unit, allowed, default) == ("number", "%", "at least 0, at most 100", "80")
    assert rows["cap_share_pct"][1] == "number or null" and rows["cap_share_pct"][4] == "null"
    assert rows["lead_time_weeks"][1:3] == ("distribution", "weeks")
    demand = {r[0]: r for r in _rows(Scenario.model_fields["demand"].annotation)}
    assert demand["referrals_per_year"][3] == "above 0, at most 250,000"
    assert demand["referrals_per_year"][4] == "required"
    assert field_summary("academy", "intake_per_year").startswith("a year; at least 0, at most 500")
    assert "| `lognormal` |" in render()
