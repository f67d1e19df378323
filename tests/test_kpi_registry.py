"""The one KPI registry: every KPI has a label, a description, a unit, a display format and a
better direction; the CLI's descriptions and the tables' labels come from it."""

from __future__ import annotations

import math

import pytest

from workbench import KPI_DESCRIPTIONS, format_kpis
from workbench.analysis.registry import KPIS, format_value, kpi


def test_every_kpi_is_described_completely():
    assert list(KPI_DESCRIPTIONS) == list(KPIS)
    for name, k in KPIS.items():
        assert k.name == name
        assert k.label and "_" not in k.label, name  # plain English, no field names
        assert k.description == KPI_DESCRIPTIONS[name]
        assert k.unit, name
        assert k.better in (-1, 0, 1), name
        assert k.format(1234.5) != "n/a"
        if name.endswith("_pct"):
            assert k.fmt == "pct" and k.display_unit(difference=True) == "percentage points"
        if name.endswith("_gbp"):
            assert k.fmt in ("gbp", "gbp_m")
    assert len({k.label for k in KPIS.values()}) == len(KPIS)  # no two read the same


@pytest.mark.parametrize("fmt, value, sign, shown", [
    ("pct", 91.84, False, "91.8%"), ("pct", -2.5, True, "-2.5 pts"), ("pct", 0.01, True, "0.0 pts"),
    ("count", 1234.4, False, "1,234"), ("dec1", 18.26, False, "18.3"), ("dec2", 0.849, True, "+0.85"),
    ("gbp", 41234.4, False, "£41,234"), ("gbp_m", 13_830_000, False, "£13.83m"),
    ("gbp_m", -250_000, True, "-£0.25m"), ("count", math.nan, False, "n/a"),
])
def test_format_value(fmt, value, sign, shown):
    assert format_value(fmt, value, sign) == shown


def test_an_unknown_column_is_shown_plainly_and_format_kpis_uses_the_registry():
    assert kpi("fte_agency").label == "fte_agency" and kpi("fte_agency").better == 0
    text = format_kpis({"cost_per_year_gbp": 13_830_000, "assessment_within_45wd_pct": 81.23},
                       title="Baseline")
    assert "£13.83m  workforce cost a year (GBP)" in text
    assert "81.2%  assessments completed within 45 working days" in text
    assert KPIS["cost_per_year_gbp"].display_unit() == "GBP million a year"
