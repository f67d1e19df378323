"""Round 9's systematic audit of the scenario fields: clocks that changed what a statutory
measure measures, settings with nothing to act on, a digest blind to the order that decides the
draws, turnover past any observed pressure, and a length counted with its quotes."""

from __future__ import annotations

import copy

import pytest

from workbench.scenario import ScenarioError, load_raw, validate_scenario

from conftest import SCENARIOS


@pytest.fixture(scope="module")
def raw():
    return load_raw(SCENARIOS / "baseline.yaml")


def _problems(data) -> str:
    with pytest.raises(ScenarioError) as exc:
        validate_scenario(data, "<test>")
    return str(exc.value)


@pytest.mark.parametrize("stage, clock, says", [
    # before: "Assessments finished within 45 working days" 83.8% -> 20.1%, a 20-day clock
    ("assessment", {"start": "referral", "target_wd": 20}, "counts 45 working days of the referral"),
    ("assessment", {"start": "stage", "target_wd": 45}, "got start: stage, target_wd: 45"),
    ("icpc", {"start": "previous", "target_wd": 10}, "counts 15 working days of the strategy"),
    ("icpc", {"start": "referral", "target_wd": 15}, "got start: referral"),
])
def test_a_clock_that_would_change_a_statutory_measure_is_refused(raw, stage, clock, says):
    d = copy.deepcopy(raw)
    d["stages"][stage]["clock"] = clock
    msg = _problems(d)
    assert f"stages.{stage}.clock" in msg and says in msg
    assert "uncertain" not in msg


def test_a_local_clock_on_another_stage_is_kept(raw):
    d = copy.deepcopy(raw)
    d["stages"]["s47"]["clock"] = {"start": "stage", "target_wd": 12}
    assert validate_scenario(d, "<test>").stages["s47"].clock.target_wd == 12
    d = copy.deepcopy(raw)
    del d["stages"]["assessment"]["clock"]          # no clock: the statutory one
    d["stages"]["assessment"].pop("checkpoints_wd", None)
    validate_scenario(d, "<test>")


def test_an_assessment_booked_into_conference_slots_is_refused(raw):
    d = copy.deepcopy(raw)
    d["stages"]["assessment"]["booked"] = True       # before: on time 93.8% -> 56.8%
    msg = _problems(d)
    assert "stages.assessment.booked: only the initial child protection conference" in msg


def test_checkpoints_with_no_clock_are_refused_once(raw):
    d = copy.deepcopy(raw)
    d["stages"]["assessment"]["clock"] = None
    d["uncertain"] = {"stages.assessment.work_hours.mean": {"dist": "uniform", "low": 8,
                                                            "high": 12}}
    msg = _problems(d)
    assert "stages.assessment.checkpoints_wd: checkpoints are working days on the stage's clock" in msg
    # said once, not again under each uncertain input's draws
    assert msg.count("checkpoints are working days") == 1 and "uncertain." not in msg


def test_the_digest_follows_the_order_that_decides_the_draws(raw):
    """Teams (or a stage's outcomes) in another order give other numbers on the same seed; the
    digest sorted its keys and called them one scenario (the explorer reused one's runs)."""
    a = validate_scenario(copy.deepcopy(raw), "<a>")
    d = copy.deepcopy(raw)
    d["teams"] = dict(reversed(list(d["teams"].items())))
    b = validate_scenario(d, "<b>")
    assert a.digest() != b.digest()
    d = copy.deepcopy(raw)
    nxt = d["stages"]["assessment"]["next"]
    d["stages"]["assessment"]["next"] = dict(reversed(list(nxt.items())))
    assert validate_scenario(d, "<c>").digest() != a.digest()
    # the same content in the same order: the same digest, however it was loaded
    assert validate_scenario(copy.deepcopy(raw), "<again>").digest() == a.digest()


def test_a_long_name_is_counted_without_its_quotes(raw):
    d = copy.deepcopy(raw)
    d["name"] = "x" * 201
    assert "(201 characters)" in _problems(d)


def test_turnover_stops_rising_at_the_most_pressure_observed(raw):
    """An assessment of 1,000,000 hours (the field's limit) gave turnover of 757% a year: the
    linear rise of leaving with work pressure ran on without end. It now stops at three times a
    worker's hours."""
    from workbench import simulate
    from workbench.model.workforce import PRESSURE_EFFECT_MAX_OVER

    assert PRESSURE_EFFECT_MAX_OVER == 2.0
    d = copy.deepcopy(raw)
    d["stages"]["assessment"]["work_hours"] = {"dist": "fixed", "value": 1_000_000}
    d["workforce"]["pressure_turnover_effect"] = 3.0
    sc = validate_scenario(d, "<test>")
    run = simulate(sc, seed=1, years=0.25)
    base = max(sc.workforce.turnover_pct_per_year.values())
    # at most 1 + 3 x 2 = 7 times the highest base hazard (with room for chance in a quarter)
    assert run.kpis["turnover_pct"] < 7 * base * 1.6
    assert run.kpis["turnover_pct"] < 300
