"""Audit round 17 of calibration (H90): why a calibrated scenario ran under more pressure, and
with its ICPCs far later, than the truth it was fitted to.

The s47 enquiry's elapsed time was fitted as its whole recorded length, which already holds the
wait for a worker and the enquiry's work; the model added both again, so the calibrated
enquiries ran long and the ICPCs (timed from the s47 start) late: a synthetic authority's
calibration held 48.5% of its ICPCs in time against 57.9% in its data, and the ICPC correction
stopped at its factor's limit. The s47 elapsed time is now corrected by pilot simulations, as the
assessment's is, before the ICPC's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    """A synthetic authority (the baseline at 0.1, seed 2: about 1,800 case rows) calibrated
    with the pilot simulations of timeliness."""
    from workbench.calibration.extracts import read_extracts
    from workbench.calibration.fit import calibrate
    from workbench.calibration.synthetic import fictional_scenario, generate_extracts
    from workbench.scenario import load_scenario

    template = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    ex = generate_extracts(fictional_scenario(template, scale=0.1), seed=2)
    folder = tmp_path_factory.mktemp("h90")
    ex.write(folder)
    cases, roster = read_extracts(folder / "cases.csv", folder / "workforce.csv")
    cal = calibrate(cases, roster, template, fit_pressure=False)
    return cal, template, cases


def test_s47_elapsed_time_is_corrected_for_the_wait_and_work_the_model_adds(fitted):
    from workbench.analysis.run import simulate
    from workbench.calibration.derive_timeliness import s47_done_within, simulated_s47_within
    from workbench.calibration.extracts import day_number

    cal, template, _ = fitted
    table = cal.table.set_index("parameter")
    assert "stages.s47.elapsed_wd.scale" in table.index
    assert table.loc["stages.s47.elapsed_wd.scale", "estimate"] < 1.0
    assert "the model adds the wait for a worker" in cal.provenance["stages.s47.elapsed_wd"]
    w1x = float(day_number(cal.window_end)) + 1
    observed, n = s47_done_within(cal.seq, template, w1x - 365.0, w1x)
    assert n > 100
    # uncorrected, this authority's enquiries ran 64.8% within 10 working days against 81.9%
    runs = [simulate(cal.scenario, seed=s, years=1.0) for s in (0, 1)]
    simulated = float(np.mean([simulated_s47_within(r) for r in runs]))
    assert abs(simulated - observed) <= 5.0, (simulated, observed)


def test_icpc_timeliness_is_reached_without_the_factor_at_its_limit(fitted):
    # before: "the closest pilot simulation gave 37.9% on time against 45.6% observed (factor
    # 0.360 ...)": the s47's doubled wait and work held the ICPCs late whatever the ICPC's own
    # elapsed time
    cal, _, _ = fitted
    assert not [n for n in cal.notes if n.startswith("stages.icpc.elapsed_wd: the closest")]
    row = cal.table.set_index("parameter").loc["stages.icpc.elapsed_wd.scale"]
    sim, obs = [float(x.split("%")[0]) for x in row["note"].replace("simulated ", "")
                .split(" against observed ")]
    assert abs(sim - obs) <= 5.0


def test_s47_share_in_the_data_counts_enquiries_ended_in_the_period():
    import pandas as pd

    from workbench.calibration.derive_timeliness import s47_done_within
    from workbench.calibration.extracts import day_number
    from workbench.scenario import load_scenario

    template = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    d0 = float(day_number(pd.Timestamp("2023-01-02").date()))    # a Monday
    seq = pd.DataFrame({"stage": ["s47", "s47", "s47", "assessment"],
                        "start": [d0, d0, d0 - 100, d0],
                        "s_end": [d0 + 4, d0 + 21, d0 - 90, d0 + 2],
                        "inferred": [False, False, False, False]})
    pct, n = s47_done_within(seq, template, d0, d0 + 60)
    assert n == 2 and pct == 50.0       # 4 working days on time, 15 late; the earlier one left out


def test_a_written_trend_of_wide_range_says_what_it_does_to_the_start_rate_and_pressure():
    # the bundled sample's trend came out 10.1% [0.0, 20.5] for a true 4% (eight synthetic
    # authorities of that truth: 4.2 on average, sd 4.4: the estimator is unbiased, two years
    # cannot pin it), its start rate 5% high, and its calibrated run had twice the children
    # waiting; the comment gave the range, no note said what it does to a run
    from types import SimpleNamespace

    from workbench.calibration.derive import Draft, _derive_trend
    from workbench.calibration.extracts import day_number
    from workbench.scenario import load_scenario

    template = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    w0 = float(day_number(pd_date("2021-04-01")))
    w1x = float(day_number(pd_date("2023-04-01")))
    said = {}
    for tr in ((10.106, -0.012, 20.54), (4.0, 2.0, 6.1)):
        d = Draft(data=template.model_dump(mode="json"), window="", template_name="t",
                  provenance={})
        d.data["demand"]["referrals_per_year"] = 2217.7
        _derive_trend(d, SimpleNamespace(trend_pct=lambda tr=tr: tr, n_referrals=4036),
                      template, w0, w1x)
        said[tr[0]] = [n for n in d.notes if n.startswith("demand (the referral rate")]
    [note] = said[10.106]
    assert "fitted 10.1% a year has a 95% range of 0.0% to 20.5% (24 months" in note
    assert "(2,218 a year)" in note and "demand.trend_pct_per_year" in note
    assert "-0.0" not in note
    assert said[4.0] == []


def pd_date(text):
    import datetime as dt

    return dt.date.fromisoformat(text)


def test_pilot_simulations_run_the_demand_of_the_year_they_are_matched_with(fitted):
    # the pilots match the timeliness of the window's last 12 months, but simulated the year
    # after it, on the fitted rate at the window's end and its trend: with referrals rising 10%
    # a year they simulated 2,311 referrals for a year of 2,120, and cut the elapsed times to
    # make up for a busier year (the assessment's factor 0.74 for 0.83, the ICPC's 0.94 for 1.0)
    from workbench.analysis.run import simulate
    from workbench.calibration.derive import Draft
    from workbench.calibration.derive_timeliness import last_year_referrals, pilot_data
    from workbench.calibration.extracts import day_number
    from workbench.scenario import validate_scenario

    cal, _, cases = fitted
    w1x = float(day_number(cal.window_end)) + 1
    w0 = float(day_number(cal.window_start))
    seen = last_year_referrals(cases.episodes, w0, w1x)
    eps = cases.episodes
    assert seen == pytest.approx(((eps.referral >= w1x - 365) & (eps.referral < w1x)).sum()
                                 * 365.25 / 365)
    d = Draft(data=cal.data, window="", template_name="t")
    d.later["pilot_referrals_per_year"] = seen
    pilot = pilot_data(d)
    assert pilot["demand"]["trend_pct_per_year"] == 0.0 and pilot["horizon_years"] == 1.0
    assert pilot["demand"]["referrals_per_year"] == pytest.approx(seen, abs=0.1)
    run = simulate(validate_scenario(pilot, source="<pilot>"), seed=0)
    assert run.kpis["referrals_per_year"] == pytest.approx(seen, rel=0.08)
    # without the record (a calibration that skips the corrections) the scenario runs as fitted
    assert pilot_data(Draft(data=cal.data, window="", template_name="t"))["demand"] \
        == cal.data["demand"]
