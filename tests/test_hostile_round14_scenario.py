"""Round 14's audit of scenario files as a careless user writes them, and of the provenance of
every value in the bundled scenarios. Each test of a defect failed before its fix."""
from __future__ import annotations

import pytest

from workbench.cli import main

from conftest import ROOT

BASE = str(ROOT / "scenarios" / "baseline.yaml")


def _file(tmp_path, body: str, name: str = "s.yaml", head: str = f"base: {BASE}\nname: s\n"):
    p = tmp_path / name
    p.write_text(head + body, encoding="utf-8")
    return p


# ============================================================================================
# A percentage written as a fraction (0.05 for 5%), a surge written as the rise alone
# ============================================================================================

@pytest.mark.parametrize("body, says", [
    # agency capped at 0.05% of the workforce (no agency at all), not 5%: validated, run, and
    # reported as a cap of 5% in a reader's mind, with no word
    ("agency: {cap_share_pct: 0.05}\n",
     "agency.cap_share_pct: 0.05 reads as less than 1% (0.05%, not 5%): percentages are "
     "written out of 100 (5 for 5%)"),
    ("demand: {rereferral_pct: 0.226}\n",
     "demand.rereferral_pct: 0.226 reads as less than 1% (0.226%, not 22.6%)"),
    ("workforce:\n  turnover_pct_per_year: {experienced: 0.15, nqsw: 0.18, academy: 0.08, "
     "agency: 0}\n",
     "workforce.turnover_pct_per_year: experienced 0.15, nqsw 0.18, academy 0.08 read as less "
     "than 1% (0.15%, not 15%)"),
    # +35% written as 0.35: referrals fell to 35% of the usual
    ("demand:\n  surges:\n    - {start_date: 2018-04-01, multiplier: 0.35}\n",
     "demand.surges.0.multiplier: 0.35 cuts referrals to 35% of the usual from 2018-04-01; a "
     "rise of 35% is written 1.35"),
])
def test_a_percentage_written_as_a_fraction_is_noted(tmp_path, capsys, body, says):
    p = _file(tmp_path, body)
    assert main(["validate", str(p)]) == 0
    out = capsys.readouterr().out
    assert f"note: {says}" in out


def test_percentages_of_one_or_more_and_rises_are_not_noted(tmp_path, capsys):
    p = _file(tmp_path, "agency: {cap_share_pct: 5}\ndemand:\n  rereferral_pct: 1\n"
                        "  surges:\n    - {start_date: 2018-04-01, multiplier: 0.8}\n")
    assert main(["validate", str(p)]) == 0
    assert "note:" not in capsys.readouterr().out


# ============================================================================================
# A number typed as a person writes it
# ============================================================================================

@pytest.mark.parametrize("field, typed, says", [
    ("demand.referrals_per_year", "6,250", "write the number without thousands separators: 6250"),
    ("demand.referrals_per_year", "6 250", "write the number without thousands separators: 6250"),
    ("demand.referrals_per_year", "6k", "write the number in full: 6000"),
    ("demand.rereferral_pct", "22.6%", "write the number alone, without a % sign (a _pct field "
                                       "is already a percentage): 22.6"),
    ("demand.rereferral_pct", "'22,6'", "write a decimal point, not a comma: 22.6"),
    ("recruitment.cost_per_hire_gbp", "£3,000", "write the number without thousands "
                                                "separators: 3000"),
])
def test_a_number_typed_with_separators_says_what_to_write(tmp_path, capsys, field, typed, says):
    # before: "Input should be a valid number, unable to parse string as a number"
    block, key = field.split(".")
    p = _file(tmp_path, f"{block}:\n  {key}: {typed}\n")
    assert main(["validate", str(p)]) == 2
    err = capsys.readouterr().err
    assert f"- {field}: expected a number; {says} (got " in err
    assert "unable to parse" not in err and "Traceback" not in err
