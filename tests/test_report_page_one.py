"""Page one, the stress-test design, text alternatives and the appendix (issue 15), on a
synthetic experiment whose differences are known: no simulation, no exact model numbers."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.experiment.results import Experiment
from workbench.present import alt_text
from workbench.present.appendix import appendix_rows, cite, plain_name
from workbench.present.report_design import (
    Warmup, changed_fields, report_design, split_pressures, stress_label,
)
from workbench.present.report_page_one import (
    PAGE_ONE_KPIS, chair_sentences, option_results, page_one_html, ranked_table, stress_table,
)

ROOT = Path(__file__).resolve().parents[1]
N = 6  # replications


@pytest.fixture(scope="module")
def design(baseline):
    sc = {"Baseline": baseline,
          "Cheap": baseline.replace({"name": "Cheap", "agency.cap_share_pct": 5}),
          "Better": baseline.replace({"name": "Better", "academy.intake_per_year": 24}),
          "Surge": baseline.replace({"name": "Surge", "demand.trend_pct_per_year": 10})}
    return report_design(sc)


def synthetic(design, effects: dict[str, dict[str, float]]) -> Experiment:
    """An experiment whose KPI ``k`` in scenario ``s`` is base + effects[s][k] + paired noise."""
    rng = np.random.default_rng(1)
    base = {"assessment_within_45wd_pct": 80.0, "unallocated_mean": 40.0, "caseload_mean": 21.0,
            "sw_changes_per_child_year": 1.2, "cost_per_year_gbp": 15e6}
    noise = {k: rng.normal(0, abs(v) * 0.01, N) for k, v in base.items()}
    rows = []
    for label in design.scenarios:
        for i in range(N):
            row = {"scenario": label, "scenario_name": label, "digest": "d", "replication": i,
                   "seed": i}
            for k, v in base.items():
                # a tiny wobble of each scenario's own keeps the paired differences' sd above zero
                row[k] = (v + effects.get(label, {}).get(k, 0.0) + noise[k][i]
                          + 1e-3 * ((i * len(label)) % 7))
            rows.append(row)
    kpis = pd.DataFrame(rows)
    ts = pd.DataFrame([{"scenario": lb, "replication": i, "date": "2018-01-01", "week": 0,
                        "t_days": 7, "unallocated": 1.0}
                       for lb in design.scenarios for i in range(N)])
    return Experiment(scenarios=design.scenarios, digests={k: "d" for k in design.scenarios},
                      seed=1, replications=N, years=1, warmup_days=0, kpis=kpis, timeseries=ts,
                      failures=pd.DataFrame(columns=["scenario"]), kpi_names=tuple(base))


EFFECTS = {
    "Better": {"assessment_within_45wd_pct": 5.0, "unallocated_mean": -10.0, "cost_per_year_gbp": 2e5},
    "Cheap": {"unallocated_mean": 15.0, "cost_per_year_gbp": -3e5},
    "Surge": {"assessment_within_45wd_pct": -8.0, "unallocated_mean": 60.0},
    "Cheap under surge": {"assessment_within_45wd_pct": -12.0, "unallocated_mean": 90.0},
    "Better under surge": {"assessment_within_45wd_pct": -3.0, "unallocated_mean": 40.0},
}


@pytest.fixture(scope="module")
def exp(design):
    return synthetic(design, EFFECTS)


def test_pressures_are_sorted_from_options_and_applied_to_each(design, baseline):
    assert design.options == ["Cheap", "Better"] and design.pressures == ["Surge"]
    under = design.stress["Surge"]
    assert under == {"Baseline": "Surge", "Cheap": "Cheap under surge",
                     "Better": "Better under surge"}
    combined = design.scenarios["Better under surge"]
    # the option's lever and the pressure's change, together
    assert combined.academy.intake_per_year == 24 and combined.demand.trend_pct_per_year == 10
    assert changed_fields(baseline, combined).keys() == {"academy.intake_per_year",
                                                         "demand.trend_pct_per_year"}
    # an explicit pressure is one whatever it changes
    opts, press = split_pressures(design.scenarios, "Baseline", pressures=["Cheap"])
    assert "Cheap" in press and "Better" in opts
    assert stress_label("Academy", "Demand surge") == "Academy under demand surge"


def test_bundled_demand_surge_is_a_stress_test_not_an_option():
    from workbench.scenario.catalog import load_scenario_files

    sc, _ = load_scenario_files(None, ROOT)
    d = report_design(sc)
    assert "Demand surge" in d.pressures and "Demand surge" not in d.options
    assert len(d.options) >= 4 and all(d.stress["Demand surge"][o] in d.scenarios
                                       for o in d.options)


def test_options_are_ranked_with_readings_and_ranges(exp, design):
    results = option_results(exp, "Baseline", design.options)
    assert [r.label for r in results] == ["Better", "Cheap"]  # 2 better vs 1 worse
    better = results[0].differences
    assert better["assessment_within_45wd_pct"].reading == "better"
    assert better["unallocated_mean"].reading == "better"
    assert results[1].differences["unallocated_mean"].reading == "worse"
    assert results[1].differences["caseload_mean"].reading == "no clear change"
    text = better["assessment_within_45wd_pct"].text()
    assert re.fullmatch(r"\+\d+\.\d pts \(95% range \+\d+\.\d to \+\d+\.\d pts\)", text), text
    # the cost of a unit of improvement: pounds a year per percentage point, from the results
    costs = results[0].unit_costs()
    per_point = [c for c in costs if c.endswith("per point more assessments on time")][0]
    expected = 2e5 / 5.0
    shown = float(re.search(r"£([\d,]+) a year", per_point).group(1).replace(",", ""))
    assert abs(shown - expected) / expected < 0.05
    assert results[1].unit_costs() == []  # nothing clearly better: nothing to price


def test_ranked_table_is_accessible_html(exp, design):
    page = ranked_table(exp, design)
    assert page.count('<th scope="col">') == len(PAGE_ONE_KPIS) + 2
    assert page.count('<th scope="row">') == 2 and "<caption>" in page
    assert re.search(r'<th scope="row">1\. Better</th>', page)
    # the reading is a word, not only a colour
    # (the mark only repeats the word: hidden from screen readers, which read it as "black
    # up-pointing triangle" before the word; session 16, was '>▲ Better<')
    assert '><span aria-hidden="true">▲ </span>Better<' in page
    assert '><span aria-hidden="true">▼ </span>Worse<' in page and "No clear change" in page


def test_chair_sentences_come_from_the_results(exp, design):
    lines = chair_sentences(exp, design)
    assert 3 <= len(lines) <= 5
    assert lines[0].startswith("We compared 2 options with the baseline")
    assert lines[1].startswith("Better does best: clearly better on assessments finished")
    assert any("Cheap is clearly worse on children waiting" in s for s in lines)
    assert any(s.startswith("The stress test, Surge,") and "Better helps most" in s for s in lines)
    # different results, different words
    flipped = synthetic(design, {"Cheap": {"assessment_within_45wd_pct": 9.0}})
    assert chair_sentences(flipped, design)[1].startswith("Cheap does best")
    none = synthetic(design, {})
    assert "No option is clearly better" in chair_sentences(none, design)[1]


def test_stress_table_compares_options_under_the_pressure(exp, design):
    page = "".join(stress_table(exp, design, "Surge"))
    assert "Surge: what it does to the baseline" in page
    assert re.search(r'<th scope="row">1\. Better</th>', page)  # named as the option, ranked
    assert "under surge" not in re.sub(r"<caption>.*?</caption>", "", page)


def test_page_one_escapes_names(design, baseline):
    odd = dict(design.scenarios)
    odd["<img src=x onerror=alert(1)>"] = baseline.replace(
        {"name": "<img src=x onerror=alert(1)>", "academy.intake_per_year": 20})
    d2 = report_design(odd)
    page = page_one_html(synthetic(d2, {}), d2, "A <b>question</b>?")
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;b&gt;question" in page


def test_alt_text_states_what_and_the_finding(exp, design):
    alt = alt_text.alt_differences(exp, "Baseline", design.options, PAGE_ONE_KPIS)
    assert alt.startswith("Bar chart in 5 panels")
    assert "Clearly better: Better on assessments" in alt
    assert "Clearly worse: Cheap on children waiting" in alt
    bars = alt_text.alt_bars(exp, "unallocated_mean", ["Baseline", *design.options])
    assert "Highest on average: Cheap" in bars and "lowest: Better" in bars
    assert "No description" not in bars


def test_warmup_sentence_states_how_it_was_chosen(baseline):
    text = Warmup(140.0, "mser", ("unallocated",)).sentence(baseline.start_date)
    assert text.startswith("The first 20 weeks (to 20 March 2018) are left out")
    assert "MSER-5" in text
    assert "whole simulated period" in Warmup(0.0, "mser").sentence(baseline.start_date)


def test_appendix_is_plain_english_and_cites_shipped_sources(baseline):
    rows = appendix_rows(ROOT / "scenarios" / "baseline.yaml", baseline)
    assert len(rows) > 40
    sources = (ROOT / "docs" / "sources.md").read_text()
    for name, _value, source in rows:
        assert "_" not in name and not re.search(r"\w\.\w+_", name), name  # no field paths
        assert "domain.md" not in source and "../shared" not in source and "seeds/" not in source
        for sid in re.findall(r"\bS(\d+)\b", source):
            assert f"## S{sid}." in sources, sid
        # every assumption carries its reasoning, not the bare word
        assert not re.fullmatch(r"\s*assumption\.?\s*", source, flags=re.I), name
    assert plain_name("stages.s47.work_hours") == "Section 47 enquiry: hours of a worker's time it takes"
    assert cite("domain.md: Walsall referrals +29.8%").startswith("Published (S2): Walsall")
