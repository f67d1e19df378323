"""Session 20, the lead.

1. Statutory visits to children in care proceedings and to looked-after children were in no KPI:
   ``cp_visits_on_time_pct`` counts the child protection stage only, so a service whose court
   team visited 1 child in 10 on time read as well as one visiting all of them (the baseline's
   court visits: 6-13% on time in two years, the England-average file's 9-17%, while its CP
   visits were 96% on time). ``court_visits_on_time_pct`` and ``lac_visits_on_time_pct`` count
   them, as the CP one does: a visit made by its deadline is on time; a late visit and one still
   due when the plan or the run ended are late.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from workbench.analysis.kpis import VISIT_KPIS
from workbench.analysis.registry import KPIS
from workbench.analysis.run import simulate
from workbench.model import log as R
from workbench.scenario import STAGES


@pytest.fixture(scope="module")
def run(baseline_raw):
    from conftest import small_from_baseline
    from workbench.scenario import validate_scenario
    sc = validate_scenario(small_from_baseline(baseline_raw, 0.25, 1.0), source="<small>")
    return simulate(sc, 3)


def _by_hand(ev, stage: str) -> float:
    s = STAGES.index(stage)
    done = ev[(ev.event == R.VISIT) & (ev.stage == s)].value.to_numpy()
    missed = int(((ev.event == R.VISIT_MISSED) & (ev.stage == s)).sum())
    return 100.0 * float(np.sum(done <= 0)) / (len(done) + missed)


@pytest.mark.parametrize("stage", ["cp", "court", "lac"])
def test_each_visiting_stage_has_its_kpi_counted_from_the_log(run, stage):
    name = VISIT_KPIS[stage]
    ev = run.record.events
    assert 0 < run.kpis[name] < 100 or stage != "court"
    assert run.kpis[name] == pytest.approx(_by_hand(ev, stage), abs=1e-9)
    assert name in KPIS and KPIS[name].better == +1 and KPIS[name].fmt == "pct"


def test_court_visits_are_counted_apart_from_child_protection(run):
    # the defect's shape: the court stage's visits (late in this run) were in no KPI
    assert run.kpis["court_visits_on_time_pct"] < run.kpis["cp_visits_on_time_pct"]


def test_a_stage_without_visits_has_no_value(small):
    sc = small(years=0.25)
    r = simulate(sc.replace({"stages.court.visits": None}), 1)
    assert sc.stages["court"].visits is not None
    assert math.isnan(r.kpis["court_visits_on_time_pct"])
    assert not math.isnan(r.kpis["lac_visits_on_time_pct"])
