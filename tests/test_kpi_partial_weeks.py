"""The rate of social-worker changes counts each week's children for its days inside the
window measured: a last week cut short by the end of the run (1.5 days of a 0.1-year run) and
a week the warm-up ends part-way through count those days, not 7 and not none (the rate read
13% low over 0.1 years)."""

from __future__ import annotations

import numpy as np
import pytest

from workbench import load_scenario, simulate
from workbench.model import log as R
from workbench.scenario import STAGES
from workbench.scenario.catalog import PACKAGE_ROOT


@pytest.fixture(scope="module")
def short_run():
    sc = load_scenario(PACKAGE_ROOT / "scenarios" / "baseline.yaml")
    return simulate(sc, seed=4, years=0.1), sc


def _child_years(weekly, start: float, end: float) -> float:
    """Children with a worker, each week's (start-of-week) count times its days in [start, end)."""
    total = 0.0
    for _, row in weekly.iterrows():
        days = min(row.t_days + 7, end) - max(row.t_days, start)
        if days > 0:
            with_worker = sum(row[f"open_{s}"] for s in STAGES) - row["unallocated"]
            total += with_worker * min(days, 7.0)
    return total / 365.25


@pytest.mark.parametrize("warmup", [0.0, 10.0])
def test_changes_are_counted_over_the_days_of_each_week_in_the_window(short_run, warmup):
    run, sc = short_run
    end = 0.1 * 365.25
    assert run.timeseries.t_days.iloc[-1] + 7 > end + 5     # the last week is cut short
    kpis = run.kpis if warmup == 0 else simulate(sc, seed=4, years=0.1,
                                                 warmup_days=warmup).kpis
    ev = run.events
    changes = int(np.sum((ev.event == R.SW_CHANGE) & (ev.t_days >= warmup)))
    assert changes > 0
    expected = changes / _child_years(run.timeseries, warmup, end)
    assert kpis["sw_changes_per_child_year"] == pytest.approx(expected, rel=1e-12)
    # as the rule was before (7 days a row, none for the week the warm-up ends in), the rate
    # differs by more than the rounding the report shows
    wk = run.timeseries[run.timeseries.t_days >= warmup]
    old = changes / float(((wk[[f"open_{s}" for s in STAGES]].sum(axis=1) - wk["unallocated"])
                           .sum() * 7 / 365.25))
    assert abs(old / expected - 1) > 0.05
