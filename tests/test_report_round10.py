"""Round 10 (audit 10B) of the scrutiny report's words: page one reads a difference as
``workbench compare`` does (D1); the chair names the worst of the clearly worse options (D2); a
one-run report says so everywhere (D3); the sensitivity section's Sobol clause (D4); the
appendix's citations (D5); what each option changes, in words (D6); captions and chart text
alternatives (D7). Synthetic experiments: the numbers are the test's own, no simulation."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from workbench.analysis.registry import kpi
from workbench.experiment.results import Experiment
from workbench.present.report_design import report_design
from workbench.present.report_page_one import (
    chair_sentences, option_results, page_one_html, ranked_table, stress_table,
)
from workbench.present.tables import difference_reading

BASE = {"assessment_within_45wd_pct": 80.0, "unallocated_mean": 40.0, "caseload_mean": 21.0,
        "sw_changes_per_child_year": 1.2, "cost_per_year_gbp": 15e6}


def experiment(scenarios: dict, effects: dict, n: int = 3, noise: float = 0.02,
               fixed: dict | None = None) -> Experiment:
    """KPI ``k`` of scenario ``s`` in run ``i``: base + effects[s][k] + noise shared by every
    scenario in run ``i`` (paired), plus a wobble of the scenario's own, except for the measures
    in ``fixed[s]``, whose difference from the baseline is the same in every run."""
    rng = np.random.default_rng(3)
    shared = {k: rng.normal(0, abs(v) * noise, n) for k, v in BASE.items()}
    rows = []
    for j, label in enumerate(scenarios):
        own = {k: rng.normal(0, abs(v) * noise, n) for k, v in BASE.items()}
        for i in range(n):
            row = {"scenario": label, "scenario_name": scenarios[label].name, "digest": "d",
                   "replication": i, "seed": i}
            for k, v in BASE.items():
                wobble = 0.0 if (j == 0 or k in (fixed or {}).get(label, ())) else own[k][i]
                row[k] = v + shared[k][i] + wobble + effects.get(label, {}).get(k, 0.0)
            rows.append(row)
    ts = pd.DataFrame([{"scenario": lb, "replication": i, "date": "2018-01-01", "week": 0,
                        "t_days": 7, "unallocated": 1.0} for lb in scenarios for i in range(n)])
    return Experiment(scenarios=dict(scenarios), digests={k: "d" for k in scenarios}, seed=1,
                      replications=n, years=1, warmup_days=0, kpis=pd.DataFrame(rows),
                      timeseries=ts, failures=pd.DataFrame(columns=["scenario"]),
                      kpi_names=tuple(BASE))


def text_of(html_text: str) -> str:
    import html as h

    return h.unescape(re.sub(r"<[^>]+>", "", html_text)).replace("\u2068", "").replace("\u2069", "")


# --------------------------------------------------------------------------- D1: every run agrees
@pytest.fixture(scope="module")
def fee(baseline):
    sc = {"Baseline": baseline,
          "Dearer places": baseline.replace({"name": "Dearer places",
                                             "academy.cost_per_place_gbp": 99999}),
          "Surge": baseline.replace({"name": "Surge", "demand.trend_pct_per_year": 10})}
    design = report_design(sc)
    # the option's cost is £0.96m a year more in every run, its service measures unchanged but
    # for chance; under the surge it is also better on children waiting in every run
    effects = {"Dearer places": {"cost_per_year_gbp": 0.96e6},
               "Dearer places under surge": {"cost_per_year_gbp": 0.96e6,
                                             "unallocated_mean": 12.0},
               "Surge": {"unallocated_mean": 20.0}}
    fixed = {"Dearer places": ("cost_per_year_gbp",),
             "Surge": ("cost_per_year_gbp", "unallocated_mean"),
             "Dearer places under surge": tuple(BASE)}
    return design, experiment(design.scenarios, effects, fixed=fixed)


def test_page_one_reads_a_difference_the_same_in_every_run_as_compare_does(fee):
    design, exp = fee
    cmp = exp.compare("Baseline")
    row = cmp[(cmp.scenario == "Dearer places") & (cmp.kpi == "cost_per_year_gbp")].iloc[0]
    said = difference_reading(row, kpi("cost_per_year_gbp"))
    assert said == "higher in every run"   # what compare prints
    r = option_results(exp, "Baseline", ["Dearer places"])[0]
    assert r.cost.reading == said
    page = text_of(ranked_table(exp, design))
    assert "Not enough runs to tell" not in page and "cannot be estimated" not in page
    assert "Higher in every run +£0.96m (the same in every run)" in page
    assert "every paired run differed by the same amount" in page


def test_stress_table_and_chair_price_a_cost_the_same_in_every_run(fee):
    design, exp = fee
    head, body = (text_of(t) for t in stress_table(exp, design, "Surge"))
    assert "Not enough runs to tell" not in body
    assert "▲ Better in every run -8 (the same in every run)" in body      # children waiting, under the surge
    # a cost known in every run is priced, not "not priced"
    assert "not priced" not in body
    assert "£120,000 a year per child fewer waiting" in body   # 0.96m / 8
    chair = " ".join(chair_sentences(exp, design))
    assert "has no 95% range" not in chair
    assert "Dearer places helps most under it" in chair
    assert "a difference the same in every run has no range, but no run disagreed" in chair


def test_a_zero_difference_in_every_run_is_not_too_few_runs(baseline):
    sc = {"Baseline": baseline,
          "Copy": baseline.replace({"name": "Copy", "academy.cost_per_place_gbp": 1})}
    design = report_design(sc)
    # cost differs by a hair (well under £0.01m) in every run: compare says too small to show
    exp = experiment(design.scenarios, {"Copy": {"cost_per_year_gbp": 1.0}},
                     fixed={"Copy": ("cost_per_year_gbp",)})
    page = text_of(ranked_table(exp, design))
    assert "Too small to show £0.00m (the same in every run)" in page
    assert "Not enough runs" not in page


# --------------------------------------------------------------------------- D2: the worst named
def test_the_chair_names_the_worst_options_first_and_counts_the_rest(baseline):
    worse = {f"Opt {i}": i for i in range(1, 7)}   # Opt i is worse on min(i, 4) measures
    sc = {"Baseline": baseline}
    for name, i in worse.items():
        sc[name] = baseline.replace({"name": name, "academy.intake_per_year": 10 + i})
    design = report_design(sc)
    effects = {}
    order = ["assessment_within_45wd_pct", "unallocated_mean", "caseload_mean",
             "sw_changes_per_child_year"]
    for name, i in worse.items():
        e = {"assessment_within_45wd_pct": -5.0 * i, "unallocated_mean": 10.0 * i,
             "caseload_mean": 3.0 * i, "sw_changes_per_child_year": 0.3 * i}
        effects[name] = {k: e[k] for k in order[:min(i, 4)]}
    exp = experiment(design.scenarios, effects, noise=0.005)
    chair = " ".join(chair_sentences(exp, design))
    named = re.findall(r"(Opt \d) is clearly worse", chair)
    assert named == ["Opt 6", "Opt 5", "Opt 4"]   # four measures each, the larger change first
    assert "and 3 other options are clearly worse on at least one measure" in chair
    assert "all are in the table above" in chair


def test_the_chair_names_all_when_few_are_worse(baseline):
    sc = {"Baseline": baseline,
          "Cap 10": baseline.replace({"name": "Cap 10", "agency.cap_share_pct": 10}),
          "Cap 5": baseline.replace({"name": "Cap 5", "agency.cap_share_pct": 5}),
          "Cover 30": baseline.replace({"name": "Cover 30", "agency.cover_share_pct": 30})}
    design = report_design(sc)
    effects = {"Cap 10": {"unallocated_mean": 5.0},
               "Cap 5": {"unallocated_mean": 8.0},
               "Cover 30": {"unallocated_mean": 9.0, "caseload_mean": 3.0,
                            "assessment_within_45wd_pct": -6.0}}
    exp = experiment(design.scenarios, effects, noise=0.005)
    chair = " ".join(chair_sentences(exp, design))
    assert re.findall(r"(Cap 10|Cap 5|Cover 30) is clearly worse", chair) == [
        "Cover 30", "Cap 5", "Cap 10"]
    assert "other option" not in chair


# --------------------------------------------------------------------------- D3: one run
def test_a_one_run_report_says_so_on_page_one(baseline):
    sc = {"Baseline": baseline,
          "Fewer agency": baseline.replace({"name": "Fewer agency", "agency.cap_share_pct": 5})}
    design = report_design(sc)
    exp = experiment(design.scenarios, {"Fewer agency": {"unallocated_mean": 6.0}}, n=1)
    page = text_of(page_one_html(exp, design, "Which?"))
    assert "Not enough runs to tell" not in page and "cannot be estimated" not in page
    assert "One run: cannot tell" in page and "(one run: no range)" in page
    assert "95% range" not in page
    chair = " ".join(chair_sentences(exp, design))
    assert "Each difference has a 95% range" not in chair
    assert "With a single run there is no range" in chair


def test_a_one_run_report_says_so_in_every_section_and_chart_text(baseline):
    from workbench.present import alt_text
    from workbench.present.report_design import Warmup
    from workbench.present.report_sections import (Report, about_section,
                                                   differences_section, headline_section)

    sc = {"Baseline": baseline,
          "Fewer agency": baseline.replace({"name": "Fewer agency", "agency.cap_share_pct": 5})}
    design = report_design(sc)
    exp = experiment(design.scenarios, {"Fewer agency": {"unallocated_mean": 6.0}}, n=1)
    r = Report(exp, {}, design, Warmup(0.0, "given"))
    about = text_of(about_section(r))
    assert "single run, with no range" in about and "These ranges" not in about
    assert "95% range" not in text_of(headline_section(r))
    assert "single run" in text_of(headline_section(r))
    words = [alt_text.alt_lines(exp, "waiting", "unallocated_mean", list(sc)),
             alt_text.alt_bars(exp, "cost_per_year_gbp", list(sc)),
             alt_text.alt_differences(exp, "Baseline", ["Fewer agency"], list(BASE)),
             alt_text.alt_tradeoffs(exp, list(sc), ["unallocated_mean"])]
    assert not [w for w in words if "range" in w and "no range" not in w]
    assert "no difference can be called clear" in words[2]
    # two runs: the ranges are there
    two = experiment(design.scenarios, {"Fewer agency": {"unallocated_mean": 6.0}}, n=2)
    assert "with its 95% range" in alt_text.alt_bars(two, "cost_per_year_gbp", list(sc))
    about2 = text_of(about_section(Report(two, {}, design, Warmup(0.0, "given"))))
    assert "These ranges show chance only" in about2


# --------------------------------------------------------------------------- D7: words
def test_chart_text_names_every_tied_option_and_counts_one_without_each(baseline):
    from workbench.present import alt_text

    sc = {"Baseline": baseline,
          "Identical copy": baseline.replace({"name": "Identical copy"}),
          "Dearer": baseline.replace({"name": "Dearer", "academy.intake_per_year": 30}),
          "Dearer too": baseline.replace({"name": "Dearer too", "academy.intake_per_year": 31})}
    exp = experiment(sc, {"Dearer": {"cost_per_year_gbp": 1e6},
                          "Dearer too": {"cost_per_year_gbp": 1e6}},
                     fixed={s: tuple(BASE) for s in sc})
    said = alt_text.extremes(exp, "cost_per_year_gbp")
    plain = said.replace("\u2068", "").replace("\u2069", "")
    assert re.fullmatch(r"Highest on average: Dearer and Dearer too \(£(\d+\.\d\d)m\); "
                        r"lowest: Baseline and Identical copy \(£(\d+\.\d\d)m\)\.", plain), said
    same = alt_text.extremes(exp, "assessment_within_45wd_pct")
    assert re.fullmatch(r"All 4 have the same average, \d+\.\d% \(Baseline, Identical copy, "
                        r"Dearer and Dearer too\)\.", same.replace("\u2068", "").replace("\u2069", "")), same
    alone = experiment({"Baseline": baseline}, {})
    lines = alt_text.alt_lines(alone, "waiting", "unallocated_mean", ["Baseline"])
    assert "each of 1" not in lines and "one line with a shaded 95% range" in lines
    panels = alt_text.alt_panels(alone, "Staff", ["Baseline"], "unallocated_mean", "Vacant:")
    assert "1 panel" not in panels and "one for each option" not in panels
    assert "1 option" not in alt_text.alt_bars(alone, "cost_per_year_gbp", ["Baseline"])


def test_the_page_one_caption_says_only_cost_is_a_years(fee):
    design, exp = fee
    page = text_of(ranked_table(exp, design))
    assert "difference a year on average" not in page
    assert "average difference over the period (cost: a year), with its 95% range" in page


# --------------------------------------------------------------------------- D4: sensitivity
def _sensitivity(n_inputs: int, sobol: bool):
    from workbench.decision.sensitivity import SensitivityResult

    names = [f"input_{i}" for i in range(n_inputs)]
    morris = pd.DataFrame({"kpi": "caseload_mean", "input": names,
                           "label": [f"input number {i}" for i in range(n_inputs)],
                           "mu_star": [10.0] + [0.5] * (n_inputs - 1), "mu_star_conf": 0.1,
                           "sigma": 0.1, "rank": range(1, n_inputs + 1)})
    cols = ["kpi", "input", "label", "S1", "S1_conf", "ST", "ST_conf"]
    sob = (pd.DataFrame([["caseload_mean", names[0], "input number 0", 0.5, 0.1, 0.7, 0.1]],
                        columns=cols) if sobol else pd.DataFrame(columns=cols))
    return SensitivityResult(base=None, kpi="caseload_mean", kpis=("caseload_mean",),
                             inputs={p: {} for p in names}, morris=morris, sobol=sob,
                             tornado=pd.DataFrame(), replications=2, years=1.0)


def test_the_sensitivity_section_names_sobol_only_when_there_are_sobol_indices():
    from workbench.present.report_sections import sensitivity_section

    without = text_of(sensitivity_section(_sensitivity(20, sobol=False)))
    assert "Sobol" not in without
    assert "the other 19 inputs matter less" in without and "input(s)" not in without
    with_sobol = text_of(sensitivity_section(_sensitivity(20, sobol=True)))
    assert "given variance-based (Sobol) indices" in with_sobol
    assert "Share of the spread it drives (Sobol total)" in with_sobol and "0.70" in with_sobol
    one = text_of(sensitivity_section(_sensitivity(2, sobol=False)))
    assert "the other input matters less" in one and "input(s)" not in one


# --------------------------------------------------------------------------- D5: citations
GARBLE = re.compile(r":\s*\)|:\s*,|\(\s*:|\(\s*\)")


def test_the_appendix_cites_only_known_sources_in_readable_sentences():
    from pathlib import Path

    from workbench.present.appendix import appendix_rows, cite

    root = Path(__file__).resolve().parents[1]
    rows = {}
    for path in sorted((root / "scenarios").glob("*.yaml")):
        for name, _value, source in appendix_rows(path):
            assert not GARBLE.search(source), (path.name, name, source)
            assert "domain.md" not in source, (path.name, name, source)
            if path.name == "baseline.yaml":
                rows[name] = source
    assert len(rows) > 40
    asye = next(v for k, v in rows.items() if "assessed and supported year" in v)
    assert asye.startswith("Published (S1):"), asye
    checkpoints = next(v for v in rows.values() if "checkpoints at allocation" in v)
    assert checkpoints.startswith("Published (S1, S3):"), checkpoints
    s47 = next(v for v in rows.values() if "within 24 hours to 5 working days" in v)
    assert "(within 24 hours to 5 working days, S3)" in s47 and "S5" not in s47
    bends = next(v for v in rows.values() if v.startswith("How the service bends"))
    assert "(Published (S2, S3): Walsall 2010-11 and York 2019: caseloads" in bends
    turnover = next(v for v in rows.values() if "national turnover" in v)
    assert turnover.startswith("Published (S7):"), turnover
    # no source guessed: words that name none cite the list of sources itself
    assert cite("domain.md: something no keyword names") == (
        "Published (docs/sources.md): something no keyword names")
    assert cite("a rate (domain.md): chosen") == "A rate (docs/sources.md): chosen"


# --------------------------------------------------------------------------- D6: changes in words
FIELD_PATH = re.compile(r"\b[a-z]+(?:_[a-z]+)*\.[a-z_]+\b|[{}]|'type'")


def test_what_each_option_changes_is_in_words_never_a_field_path(baseline):
    from workbench.present.report_changes import describe_changes

    caps = baseline.replace({"name": "Aim 18", "caseload.caps.agency": 18,
                             "caseload.caps.experienced": 18})
    lines = describe_changes(baseline, caps)
    assert "Agency workers' caseload cap: 20 → 18" in lines
    assert "Experienced social workers' caseload cap: 20 → 18" in lines
    staff = [dict(g) for g in baseline.to_dict()["teams"]["families_first"]["staff"]]
    first = next(g for g in staff if g["type"] == "experienced")
    before = first["count"]
    first["count"] += 10
    more = baseline.replace({"name": "More", "teams.families_first.staff": staff,
                             "teams.families_first.establishment_fte":
                                 baseline.teams["families_first"].establishment_fte + 10})
    lines = describe_changes(baseline, more)
    assert f"Families First: experienced social workers {before} → {before + 10}" in lines
    assert any(x.startswith("Families First: funded posts (full-time): ") for x in lines)
    for line in lines:
        assert not FIELD_PATH.search(line) and len(line) < 90, line
    assert describe_changes(baseline, baseline.replace({"name": "Copy"})) == [
        "Changes nothing: every setting is the same as the baseline's."]


def test_no_bundled_option_shows_a_field_path():
    from pathlib import Path

    from workbench.present.report_changes import describe_changes
    from workbench.scenario import load_scenario

    root = Path(__file__).resolve().parents[1] / "scenarios"
    base = load_scenario(root / "baseline.yaml")
    for path in sorted(root.glob("*.yaml")):
        if path.name == "baseline.yaml":
            continue
        for line in describe_changes(base, load_scenario(path)):
            assert not FIELD_PATH.search(line.replace("scenarios/", "")), (path.name, line)


def test_a_setting_of_its_own_is_named_once(baseline):
    import datetime as dt

    from workbench.present.report_changes import describe_changes

    later = baseline.replace({"name": "Later", "start_date": dt.date(2018, 1, 1)})
    assert describe_changes(baseline, later) == ["Start date: 2017-10-31 → 2018-01-01"]
