"""Round 7 (read-only audit) of the report, the app and the results: a saved scenario's extra
recruitment covers its own horizon (D1); a run too short for the MSER-5 warm-up check says so
(D6); a report of the baseline alone (D7); scenario names keep their case in the prose (D8);
intervals from two replications, "1 time", and differences of percentages (D16)."""

from __future__ import annotations

import shutil

import pytest

from workbench.decision.levers import build_scenario
from workbench.present.app import App
from workbench.scenario import load_scenario

from conftest import SCENARIOS


# --------------------------------------------------------------------------- D1: saving in the app
@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("r7") / "scenarios"
    folder.mkdir()
    shutil.copy(SCENARIOS / "baseline.yaml", folder / "baseline.yaml")
    a = App(scenarios_dir=folder, executor="serial", replications=2, years=2.0, seed=1)
    yield a
    a.close()


def test_a_saved_scenarios_extra_recruits_cover_its_own_horizon_not_the_apps_years(app):
    base = load_scenario(app.scenarios_dir / "baseline.yaml")
    assert float(app.years.value) < base.horizon_years  # the app shows fewer years than the file
    app.reset()
    app.set_levers(extra_recruits_per_year=12)
    path = app.save("Twelve more a year")
    saved = load_scenario(path)
    assert saved.horizon_years == base.horizon_years
    expected = build_scenario(base, app.levers(), name="Twelve more a year")
    assert ([c.model_dump() for c in saved.recruitment.campaigns]
            == [c.model_dump() for c in expected.recruitment.campaigns])
    extra = [c for c in saved.recruitment.campaigns if c.name.startswith("Extra recruits")]
    end = max(c.end_date for c in extra)
    # the last campaign ends at the horizon (within a month), not two years in
    assert (end - base.start_date).days > (base.horizon_years - 1 / 12) * 365.25 - 2
    assert sum(c.hires for c in extra) == pytest.approx(12 * base.horizon_years, abs=1)
