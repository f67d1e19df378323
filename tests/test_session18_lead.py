"""Session 18 (lead): what the pages say of a difference that is exactly zero in every run.

A measure the option cannot reach in the period (turnover, vacancies, agency share and costs
of a demand surge over half a year) gives exactly the same value in every pair of runs. Its
interval [0, 0] read "no clear change", which suggests an uncertain difference; the cost phrase
read "at GBP 0 a year less" (found by H72, round 14).
"""
from __future__ import annotations

import math

from workbench.analysis.registry import kpi
from workbench.present.report_page_one import Difference, no_range_note
from workbench.present.tables import READING_COLOURS, reading


def test_a_difference_of_zero_in_every_run_reads_no_change_in_any_run():
    assert reading(0.0, 0.0, 0.0, -1, 0.1, runs=4, all_equal=True) == "no change in any run"
    assert reading(0.0, math.nan, math.nan, -1, 0.1, runs=4, all_equal=True) == \
        "no change in any run"
    assert "no change in any run" in READING_COLOURS
    # an interval that includes zero from runs that differ is still "no clear change"
    assert reading(0.0, -1.0, 1.0, -1, 0.1, runs=4, all_equal=False) == "no clear change"
    # one run cannot tell, whatever its difference
    assert reading(0.0, math.nan, math.nan, -1, 0.1, runs=1, all_equal=False) == \
        "one run: cannot tell"


def test_the_ranked_tables_note_says_what_no_change_in_any_run_means():
    same = Difference(kpi("turnover_pct"), 0.0, 0.0, 0.0, 15.0, runs=3, sd=0.0)
    moved = Difference(kpi("unallocated_mean"), 5.0, math.nan, math.nan, 40.0, runs=3, sd=0.0)
    assert same.reading == "no change in any run"
    note = no_range_note([same, moved])
    assert "'No change in any run': every paired run gave exactly the same value" in note
    assert "'Higher in every run'" in note
    assert no_range_note([same]).startswith("'No change in any run'")


def test_a_cost_the_same_in_every_run_is_not_said_as_zero_less():
    from types import SimpleNamespace

    from workbench.present.report_page_one import _cost_phrase
    cost = Difference(kpi("cost_per_year_gbp"), 0.0, 0.0, 0.0, 1.3e7, runs=3, sd=0.0)
    assert _cost_phrase(SimpleNamespace(cost=cost)) == " with no change in cost in any run"
