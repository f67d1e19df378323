"""Decision support in the committee report (issue 17): "The cheapest plan that meets the
targets" from a saved optimiser result (``workbench report --plan``), "What the answer depends
on" from a saved sensitivity analysis (``--sensitivity``), both escaped with text alternatives;
bad saved results refused before anything runs; the report says what its ranges include.

The saved results come from toy models with known answers (quick); one real report, short and
with few runs, checks that the sections land on the page, after the charts.
"""
from __future__ import annotations

import html
import json
import re
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml

from workbench import load_scenario
from workbench.cli import main
from workbench.cli.report import build_report, load_decisions
from workbench.decision import load_result, optimise
from workbench.decision.sensitivity import load_sensitivity, sensitivity
from workbench.errors import UserError
from workbench.present.report_page import page_from_notebook, section_html
from workbench.present.report_sections import plan_section, sensitivity_section
from workbench.present.report_text import ranges_sentence
from workbench.scenario.basics import Uniform

from conftest import needs_chromium

ROOT = Path(__file__).resolve().parents[1]
SC = ROOT / "scenarios"
BASE = load_scenario(SC / "baseline.yaml")
ODD = "<script>window.pwned=1</script>"


def toy(scenario, seed, years=None, warmup_days=0.0):
    """Timeliness rises with the academy and agency cover at a price, and falls with the hours an
    assessment takes; waiting and cost follow."""
    rng = np.random.default_rng(seed)
    ac = scenario.academy.intake_per_year
    ag = scenario.agency.cover_share_pct if scenario.agency.enabled else 0
    h = scenario.stages["assessment"].work_hours.mean
    t = scenario.workforce.turnover_pct_per_year["experienced"]
    timely = 70 + 0.5 * ac + 0.1 * ag - 2 * (h - 10) - 0.1 * t + rng.normal(0, 1)
    cost = 1e6 + 25000 * ac + 2000 * ag + rng.normal(0, 1e4)
    return SimpleNamespace(
        kpis={"assessment_within_45wd_pct": timely, "cost_gbp": cost,
              "unallocated_mean": max(0.0, 40 - timely / 3)},
        timeseries=pd.DataFrame({"week": [0, 1], "unallocated": [1.0, 2.0]}))


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """An optimiser's and a sensitivity analysis's folders, as the commands write them, from a
    starting scenario whose name carries HTML."""
    d = tmp_path_factory.mktemp("decisions")
    # the file the report is then made of: a result is reported only with its own scenario
    odd = d / "odd.yaml"
    odd.write_text(yaml.safe_dump({"base": str(SC / "baseline.yaml"), "name": f"Odd {ODD}",
                                   "description": BASE.description}, allow_unicode=True),
                   encoding="utf-8")
    base = load_scenario(odd)
    from workbench.decision import LeverRange

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        opt = optimise(base, ["assessment_within_45wd_pct>=75"],
                       [LeverRange("academy_intake_per_year", 0, 40, 4),
                        LeverRange("agency_cover_pct", 0, 100, 10)],
                       max_trials=16, budget_minutes=None, replications=3, candidates=3,
                       confirm_replications=8, years=1, executor="serial", out=d, name="opt",
                       progress=False, simulate_fn=toy)
        sens = sensitivity(base, inputs={
            "stages.assessment.work_hours.mean": Uniform(dist="uniform", low=6, high=14),
            "workforce.turnover_pct_per_year.experienced": Uniform(dist="uniform", low=10,
                                                                   high=20),
            "academy.start_month": Uniform(dist="uniform", low=8, high=10)},
            trajectories=4, sobol_top=2, sobol_n=8, replications=2, years=1,
            executor="serial", out=d, name="sens", progress=False, simulate_fn=toy)
    assert opt.chosen is not None
    return SimpleNamespace(opt=opt, sens=sens, plan_dir=d / "opt", sens_dir=d / "sens",
                           scenario=odd)


def text_of(page: str) -> str:
    page = re.sub(r"<style.*?</style>|<script.*?</script>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


# ------------------------------------------------------------------ the saved results
def test_saved_results_load_with_the_same_tables_and_words(saved):
    plan = load_result(saved.plan_dir)
    again = load_result(saved.plan_dir / "result.json")
    assert plan.chosen == saved.opt.chosen == again.chosen
    assert plan.statement() == saved.opt.statement()
    assert plan.plan_lines() == saved.opt.plan_lines() and plan.plan_lines()
    assert plan.scenario_name == saved.opt.base.name
    pd.testing.assert_frame_equal(plan.trials.reset_index(drop=True),
                                  saved.opt.trials.reset_index(drop=True), check_dtype=False)
    assert plan.candidates["chosen"].dtype == bool and plan.candidates["chosen"].sum() == 1
    info = json.loads((saved.plan_dir / "result.json").read_text())
    assert info["scenario"] == saved.opt.base.name and info["cost_mean"] > 0
    sens = load_sensitivity(saved.sens_dir)
    assert sens.sentence() == saved.sens.sentence() and sens.kpi == saved.sens.kpi
    assert sens.top(2) == saved.sens.top(2) == ["stages.assessment.work_hours.mean",
                                                "workforce.turnover_pct_per_year.experienced"]


def test_bad_saved_results_are_refused_clearly(saved, tmp_path):
    with pytest.raises(UserError, match="no such folder"):
        load_result(tmp_path / "nope")
    with pytest.raises(UserError, match="missing result.json"):
        load_result(tmp_path)
    with pytest.raises(UserError, match="not a sensitivity analysis"):
        load_sensitivity(tmp_path)
    broken = tmp_path / "broken"
    broken.mkdir()
    for f in ("trials.csv", "candidates.csv"):
        (broken / f).write_text((saved.plan_dir / f).read_text())
    (broken / "result.json").write_text("{not json")
    with pytest.raises(UserError, match="cannot be read"):
        load_result(broken)
    (broken / "result.json").write_text('{"targets": ["foo>=3"], "levers": []}')
    with pytest.raises(UserError, match="unknown KPI"):
        load_result(broken)
    with pytest.raises(UserError, match="--plan: .*nope"):
        load_decisions(tmp_path / "nope", None)
    with pytest.raises(UserError, match="--sensitivity: "):
        load_decisions(None, tmp_path)


def test_the_report_refuses_a_bad_plan_before_anything_runs(tmp_path, capsys):
    out = tmp_path / "r" / "report.html"
    assert main(["report", str(SC / "baseline.yaml"), "--plan", str(tmp_path / "nope"),
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--plan:" in err and "nope" in err and "Traceback" not in err
    assert not out.parent.exists()


# ------------------------------------------------------------------ the sections
def test_the_plan_section_says_the_plan_its_cost_and_confidence_escaped(saved):
    block = plan_section(load_result(saved.plan_dir))
    assert ODD not in block and html.escape(ODD) in block
    text = text_of(block)
    assert "The cheapest plan that meets the targets" in text
    assert "The cheapest plan found that meets every target" in text
    assert "90% confident" in text and "fresh" in text
    for line in saved.opt.plan_lines():
        assert line in text
    assert re.search(r"average workforce cost of £[\d,.]+", text)
    assert "Meets every target" in text and "yes: chosen" in text
    alts = re.findall(r'<img src="data:image/png;base64,[^"]+" alt="([^"]+)"', block)
    assert len(alts) == 1 and "frontier" in alts[0] and "chosen plan" in alts[0]
    assert re.search(r"£[\d,.]+", html.unescape(alts[0]))


def test_the_plan_section_says_so_when_no_plan_met_the_targets(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        optimise(BASE, ["assessment_within_45wd_pct>=100"], max_trials=4, budget_minutes=None,
                 replications=2, confirm_replications=3, years=1, executor="serial",
                 out=tmp_path, name="none", progress=False, simulate_fn=toy)
    plan = load_result(tmp_path / "none")
    assert plan.chosen is None and plan.plan_lines() == []
    block = plan_section(plan)
    text = text_of(block)
    assert "No plan the search tried met every target" in text
    assert "at an average workforce cost" not in text
    assert "No plan was chosen" in html.unescape(block)  # and the frontier's alt text


def test_the_sensitivity_section_has_the_sentence_the_tornado_and_the_ranking(saved):
    block = sensitivity_section(load_sensitivity(saved.sens_dir))
    text = text_of(block)
    assert "What the answer depends on" in text
    assert "depends most on how long an assessment takes" in text
    assert "Morris effect" in text and "Sobol total" in text
    alts = re.findall(r'<img src="data:image/png;base64,[^"]+" alt="([^"]+)"', block)
    assert len(alts) == 1 and alts[0].startswith("Bar chart (tornado)")
    assert "how long an assessment takes" in alts[0] and re.search(r"\d", alts[0])


def test_extra_sections_go_after_the_charts_and_the_default_page_is_unchanged(saved):
    cells = [{"outputs": [{"data": {"text/html": section_html(t, "Words.")}}]}
             for t in ("Cost a year", "All the measures", "Limitations")]
    nb = SimpleNamespace(cells=cells)
    plain = page_from_notebook(nb, "T")
    assert page_from_notebook(nb, "T", extra=()) == plain
    page = page_from_notebook(nb, "T", extra=["<section><h2>Extra</h2></section>"])
    assert page.index("Cost a year") < page.index("Extra") < page.index("All the measures")
    assert page.replace("<section><h2>Extra</h2></section>", "") == plain


# ------------------------------------------------------------------ what the ranges include
def test_the_ranges_sentence_says_chance_only_or_names_the_uncertain_inputs():
    only = ranges_sentence({"Baseline": BASE})
    assert only.startswith("These ranges show chance only (")
    assert "not uncertainty in the inputs" in only
    unc = BASE.replace({"name": "Unsure", "uncertain": {
        "stages.assessment.work_hours.mean": {"dist": "uniform", "low": 8, "high": 12},
        "workforce.turnover_pct_per_year.experienced": {"dist": "uniform", "low": 10,
                                                        "high": 20}}})
    both = ranges_sentence({"Unsure": unc})
    assert both.startswith("These ranges include uncertainty in how long an assessment takes "
                           "and how fast experienced staff leave, as well as chance")
    mixed = ranges_sentence({"Baseline": BASE, "Unsure": unc})
    assert "That holds for Unsure" in mixed and "other scenarios show chance only" in mixed


# ------------------------------------------------------------------ a real report with both
@pytest.fixture(scope="module")
def decided(saved, tmp_path_factory):
    """One real report (short, few runs) of the saved results' own scenario, whose name carries
    HTML; an option whose name, description, and the report's title and authority carry HTML
    and ``javascript:`` links (issue 13); and an option with an uncertain input; with the saved
    plan and sensitivity analysis. One build serves the sections' checks and the browser's."""
    d = tmp_path_factory.mktemp("decided")
    variant = d / "unsure.yaml"
    variant.write_text(
        f"base: {SC / 'academy_expansion.yaml'}\nname: Academy expansion, inputs unsure\n"
        "uncertain:\n"
        "  stages.assessment.work_hours.mean: {dist: uniform, low: 8, high: 12}\n",
        encoding="utf-8")
    hostile = d / "hostile.yaml"
    hostile.write_text(
        f"base: {SC / 'baseline.yaml'}\n"
        "name: '<img src=x onerror=\"window.pwned=1\">Odd <script>window.pwned=2</script>'\n"
        "description: 'See [the plan](javascript:window.pwned=3) and <a href=\"javascript:x\">this</a>'\n"
        "academy: {intake_per_year: 16}\n", encoding="utf-8")
    out = d / "report.html"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        build_report([saved.scenario, hostile, variant], out, replications=2, seed=5,
                     years=0.25, executor="serial", progress=False, plan=saved.plan_dir,
                     sensitivity=saved.sens_dir,
                     title="<i>Title</i><script>window.pwned=4</script>",
                     authority="<b onmouseover=alert(1)>Council</b>")
    return out


def test_a_report_with_the_plan_the_sensitivity_and_uncertain_inputs(decided):
    page = decided.read_text(encoding="utf-8")
    assert ODD not in page and "<script" not in page
    text = text_of(page)
    # the headings' places (the Timeliness section's text names the table "All the measures"
    # before its heading, since session 21)
    heads = [(m.start(), text_of(m.group(1))) for m in
             re.finditer(r"<h[1-6][^>]*>(.*?)</h[1-6]>", page, flags=re.S)]
    at = {h: min(i for i, t in heads if h in t)
          for h in ("Cost a year", "The cheapest plan that meets the targets",
                    "What the answer depends on", "All the measures")}
    assert list(at) == sorted(at, key=at.get)  # after the charts, before the tables
    assert "These ranges include uncertainty in how long an assessment takes" in text
    assert "That holds for Academy expansion, inputs unsure" in text
    alts = re.findall(r'<img src="data:image/png;base64,[^"]+" alt="([^"]+)"', page)
    assert any(a.startswith("Scatter chart") for a in alts)
    assert any(a.startswith("Bar chart (tornado)") for a in alts)


@needs_chromium
def test_html_in_names_and_parameters_renders_as_text(browser, decided):
    """Issue 13, in Chromium (moved here from test_browser_report.py, its checks unchanged, to
    share this module's report): text from scenario files and the report's options stays
    text."""
    page = browser.new_page()
    page.goto(decided.resolve().as_uri())
    pwned = page.evaluate("window.pwned")
    scripts = page.eval_on_selector_all("script", "els => els.length")
    live = page.eval_on_selector_all("a[href^='javascript:' i]", "els => els.length")
    injected = page.eval_on_selector_all("img:not([src^='data:image/png'])", "els => els.length")
    text = page.inner_text("body")
    title = page.title()
    page.close()
    assert pwned is None and scripts == 0 and live == 0 and injected == 0
    assert '<img src=x onerror="window.pwned=1">Odd' in text  # shown as the characters typed
    assert "<b onmouseover=alert(1)>Council</b>" in text
    assert "[the plan](javascript:window.pwned=3)" in text
    assert title == "<i>Title</i><script>window.pwned=4</script>"
