"""Round 7 of the hostile audit, the command line and the results store (D2, D3, D9-D15):
results of another scenario shown as this one's, scenarios of different calendars compared,
NaN written into JSON, a description naming the wrong base, two scenarios with one label, a
window of a century, a README that cannot regenerate its folder, a cut-off results file used
on resume, and an authority written twice over a file that was there.

Each test runs bundled scenarios for a week or two with 2 replications (or stops before
anything runs) and writes only under pytest's tmp_path.
"""

from __future__ import annotations

import json
import math
import shlex
import warnings

import pandas as pd
import pytest
import yaml

from workbench import load_scenario
from workbench.cli import main

from conftest import ROOT, SCENARIOS
from conftest import cli_refused as refused

BASE = SCENARIOS / "baseline.yaml"
PUBLISHED = ROOT / "tests" / "data" / "published"
SERIAL = ["--executor", "serial", "--no-progress"]


def variant(folder, stem: str, **fields) -> str:
    """A variant file of the bundled baseline in ``folder`` with ``fields`` (YAML values)."""
    path = folder / f"{stem}.yaml"
    body = "".join(f"{k}: {v}\n" for k, v in fields.items())
    path.write_text(f"base: {BASE}\n{body}", encoding="utf-8")
    return str(path)


# ------------------------------------------------------------------ D2: report --plan/--sensitivity
def toy(scenario, seed, years=None, warmup_days=0.0):
    """A stand-in model, instant: timeliness rises with the academy at a price."""
    from types import SimpleNamespace

    import numpy as np

    rng = np.random.default_rng(seed)
    ac = scenario.academy.intake_per_year
    return SimpleNamespace(
        kpis={"assessment_within_45wd_pct": 70 + 0.5 * ac + rng.normal(0, 1),
              "cost_gbp": 1e6 + 25000 * ac + rng.normal(0, 1e4),
              "unallocated_mean": 10.0},
        timeseries=pd.DataFrame({"week": [0, 1], "unallocated": [1.0, 2.0]}))


def saved_search(scenario, folder, name):
    """An optimiser's folder as `workbench optimise --out` writes it, searched on ``scenario``."""
    from workbench.decision import LeverRange, optimise

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        optimise(scenario, ["assessment_within_45wd_pct>=75"],
                 [LeverRange("academy_intake_per_year", 0, 40, 4)], max_trials=6,
                 budget_minutes=None, replications=2, candidates=2, confirm_replications=3,
                 years=1, executor="serial", out=folder, name=name, progress=False,
                 simulate_fn=toy)
    return folder / name


def saved_sensitivity(scenario, folder, name):
    from workbench.decision.sensitivity import sensitivity
    from workbench.scenario.basics import Uniform

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sensitivity(scenario, inputs={
            "academy.intake_per_year": Uniform(dist="uniform", low=6, high=30),
            "academy.start_month": Uniform(dist="uniform", low=8, high=10)},
            trajectories=2, sobol_top=0, replications=1, years=1, executor="serial",
            out=folder, name=name, progress=False, simulate_fn=toy)
    return folder / name


def test_report_refuses_a_plan_searched_on_another_scenario(tmp_path, capsys):
    other = load_scenario(variant(tmp_path, "other", name="Another council"))
    plan = saved_search(other, tmp_path, "opt")
    out = tmp_path / "r" / "report.html"
    err = refused(capsys, ["report", str(BASE), "--plan", str(plan), "--out", str(out)],
                  "--plan", "result.json", "'Another council'", "'Baseline'", str(BASE),
                  "workbench optimise")
    assert "rerun" in err.lower()
    assert not out.parent.exists()


def test_report_refuses_a_plan_whose_scenario_file_changed_since(tmp_path, capsys):
    path = tmp_path / "ours.yaml"
    path.write_text(f"base: {BASE}\nname: Ours\n", encoding="utf-8")
    plan = saved_search(load_scenario(path), tmp_path, "opt")
    path.write_text(f"base: {BASE}\nname: Ours\nacademy:\n  intake_per_year: 30\n",
                    encoding="utf-8")
    out = tmp_path / "r" / "report.html"
    refused(capsys, ["report", str(path), "--plan", str(plan), "--out", str(out)],
            "--plan", "result.json", "'Ours'", str(path), "changed since", "workbench optimise")
    assert not out.parent.exists()


def test_report_refuses_a_sensitivity_analysis_of_another_scenario(tmp_path, capsys):
    other = load_scenario(variant(tmp_path, "other", name="Another council"))
    sens = saved_sensitivity(other, tmp_path, "sens")
    out = tmp_path / "r" / "report.html"
    refused(capsys, ["report", str(BASE), "--sensitivity", str(sens), "--out", str(out)],
            "--sensitivity", "result.json", "'Another council'", "'Baseline'",
            "workbench sensitivity")
    assert not out.parent.exists()


def test_report_checks_take_a_search_on_the_reported_scenario(tmp_path):
    from workbench.cli.report import check_decisions, check_inputs, load_decisions

    scenarios = check_inputs([BASE], 2, None)
    plan = saved_search(scenarios["Baseline"][0], tmp_path, "opt")
    sens = saved_sensitivity(scenarios["Baseline"][0], tmp_path, "sens")
    check_decisions(scenarios, plan, sens, *load_decisions(plan, sens))   # no refusal


# ------------------------------------------------------------------ D3: different start dates
def test_compare_refuses_scenarios_starting_on_different_dates(tmp_path, capsys):
    later = variant(tmp_path, "later", name="Later start", start_date="2018-04-01")
    out = tmp_path / "cmp"
    refused(capsys, ["compare", str(BASE), later, "-r", "2", "--years", "0.05", *SERIAL,
                     "--out", str(out)],
            "'Baseline'", "2017-10-31", "'Later start'", "2018-04-01", "start")
    assert not out.exists()


def test_report_refuses_scenarios_starting_on_different_dates(tmp_path, capsys):
    later = variant(tmp_path, "later", name="Later start", start_date="2018-04-01")
    out = tmp_path / "r" / "report.html"
    refused(capsys, ["report", str(BASE), later, "--replications", "2", "--years", "0.05",
                     "--out", str(out)],
            "'Baseline'", "2017-10-31", "'Later start'", "2018-04-01")
    assert not out.parent.exists()


# ------------------------------------------------------------------ D9: run writes JSON with NaN
def strict_json(text: str):
    def refuse(name):
        raise ValueError(f"{name} is not JSON")
    return json.loads(text, parse_constant=refuse)


def test_run_writes_strict_json_with_null_for_missing_values(tmp_path, capsys):
    assert main(["run", str(BASE), "--years", "0.02", "--seed", "1", "--out", str(tmp_path)]) == 0
    text = (tmp_path / "baseline_seed1_kpis.json").read_text(encoding="utf-8")
    data = strict_json(text)                  # NaN, Infinity: not JSON
    assert "NaN" not in text and "Infinity" not in text
    assert any(v is None for v in data["kpis"].values())   # a week has no conference due
    assert all(v is None or math.isfinite(v) for v in data["kpis"].values())


def test_run_json_has_no_infinity_either(tmp_path, monkeypatch, capsys):
    import workbench.analysis.run as analysis_run

    real = analysis_run.simulate

    def with_odd_values(*args, **kwargs):
        run = real(*args, **kwargs)
        run.kpis.update({"referrals_per_year": math.inf, "cost_gbp": -math.inf})
        return run

    monkeypatch.setattr(analysis_run, "simulate", with_odd_values)
    assert main(["run", str(BASE), "--years", "0.02", "--out", str(tmp_path)]) == 0
    data = strict_json((tmp_path / "baseline_seed0_kpis.json").read_text(encoding="utf-8"))
    assert data["kpis"]["referrals_per_year"] is None and data["kpis"]["cost_gbp"] is None


# ------------------------------------------------------------------ D10, D15: from-published
def test_from_published_description_names_the_base_used(tmp_path, capsys):
    base = tmp_path / "bases" / "my_base.yaml"
    base.parent.mkdir()
    base.write_text(f"base: {SCENARIOS / 'england_average.yaml'}\nname: My own base\n",
                    encoding="utf-8")
    out = tmp_path / "durham.yaml"
    assert main(["from-published", "--la", "Durham", "--data", str(PUBLISHED), "--base",
                 str(base), "--out", str(out), "--no-check"]) == 0
    sc = load_scenario(out)
    assert "my_base.yaml" in sc.description
    assert "england_average" not in sc.description and "England average" not in sc.description
    text = out.read_text(encoding="utf-8")
    assert "every value not here is my_base.yaml's (the base scenario given" in text
    assert "England-average\n# authority" not in text


def test_from_published_takes_an_authority_given_twice_once(tmp_path, capsys):
    out = tmp_path / "ne"
    assert main(["from-published", "--la", "Durham", "--la", "Gateshead", "--la", "Durham",
                 "--data", str(PUBLISHED), "--out", str(out), "--no-check"]) == 0
    said = capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == ["county_durham.yaml", "gateshead.yaml"]
    assert said.count("Wrote ") == 2 and "more than once" in said


def test_from_published_same_authority_by_name_and_code_is_one(tmp_path, capsys):
    out = tmp_path / "ne"
    assert main(["from-published", "--la", "Durham", "--la", "Gateshead", "--la", "E06000047",
                 "--data", str(PUBLISHED), "--out", str(out), "--no-check"]) == 0
    said = capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == ["county_durham.yaml", "gateshead.yaml"]
    assert "more than once" in said
    header = next(line for line in said.splitlines() if line.strip().startswith("Measure"))
    assert header.count("County Durham") == 1   # one column of the neighbour table, not two


def test_from_published_refuses_an_existing_out_without_force(tmp_path, capsys):
    out = tmp_path / "durham.yaml"
    out.write_text("# someone's own file\n", encoding="utf-8")
    refused(capsys, ["from-published", "--la", "Durham", "--data", str(PUBLISHED), "--out",
                     str(out), "--no-check"], f"--out {out}", "exists already", "--force")
    assert out.read_text(encoding="utf-8") == "# someone's own file\n"
    assert main(["from-published", "--la", "Durham", "--data", str(PUBLISHED), "--out",
                 str(out), "--no-check", "--force"]) == 0
    assert load_scenario(out).authority == "County Durham"


def test_from_published_refuses_an_existing_file_in_the_out_folder(tmp_path, capsys):
    out = tmp_path / "ne"
    out.mkdir()
    (out / "gateshead.yaml").write_text("# kept\n", encoding="utf-8")
    refused(capsys, ["from-published", "--la", "Durham", "--la", "Gateshead", "--data",
                     str(PUBLISHED), "--out", str(out), "--no-check"],
            "gateshead.yaml", "exists already", "--force")
    assert sorted(p.name for p in out.iterdir()) == ["gateshead.yaml"]   # nothing written


# ------------------------------------------------------------------ D11: a variant's description
def test_a_variant_without_description_does_not_take_its_bases_as_its_own(tmp_path):
    base = load_scenario(BASE)
    sc = load_scenario(variant(tmp_path, "mine", name="Mine",
                               academy="{intake_per_year: 30}"))
    assert sc.description != base.description
    assert sc.description.startswith("Variant of Baseline")
    assert base.description in sc.description


def test_a_variant_with_its_own_description_keeps_it(tmp_path):
    sc = load_scenario(variant(tmp_path, "mine", name="Mine", description="My own words."))
    assert sc.description == "My own words."
    raw = yaml.safe_load((SCENARIOS / "academy_expansion.yaml").read_text(encoding="utf-8"))
    assert load_scenario(SCENARIOS / "academy_expansion.yaml").description == raw["description"]


def test_every_bundled_scenario_keeps_its_description():
    for path in sorted(SCENARIOS.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert load_scenario(path).description == raw["description"], path.name


# ------------------------------------------------------------------ D12: two scenarios, one name
def test_compare_labels_two_files_of_one_name_apart(tmp_path, capsys):
    twin = variant(tmp_path, "twin", name="Baseline", description="A copy.",
                   demand="{referrals_per_year: 6600}")
    out = tmp_path / "cmp"
    xlsx = tmp_path / "cmp.xlsx"
    assert main(["compare", str(BASE), twin, "-r", "2", "--years", "0.02", *SERIAL, "--out",
                 str(out), "--xlsx", str(xlsx)]) == 0
    details = pd.read_csv(out / "run_details_labelled.csv", encoding="utf-8-sig")
    files = details[details["Item"].str.startswith("Scenario file")]
    assert len(files) == 2 and files["Item"].nunique() == 2
    assert any("baseline" in i for i in files["Item"]) and any("twin" in i for i in files["Item"])
    results = pd.read_csv(out / "results_labelled.csv", encoding="utf-8-sig")
    averages = [c for c in results.columns if c.endswith(": average")]
    assert len(averages) == 2 and not any(".1" in c for c in results.columns)
    weekly = pd.read_csv(out / "weekly_labelled.csv", encoding="utf-8-sig")
    assert weekly["Scenario"].nunique() == 2
    book = pd.read_excel(xlsx, sheet_name=None)
    assert book["Differences"]["Scenario"].iloc[0] != book["Differences"]["Compared with"].iloc[0]
    said = capsys.readouterr().out
    assert "vs Baseline (baseline)" in said and "Baseline (twin) vs" in said


# ------------------------------------------------------------------ D13: synthesize
def test_synthesize_refuses_a_century(tmp_path, capsys):
    refused(capsys, ["synthesize", "--out", str(tmp_path / "s"), "--years", "100"],
            "--years", "100", "at most 30")
    assert not (tmp_path / "s").exists()


def test_synthesize_readme_regenerates_with_every_option_given(tmp_path, capsys):
    folder = tmp_path / "my sample"
    template = tmp_path / "tmpl's.yaml"
    template.write_text(f"base: {BASE}\nname: Template\ndescription: T.\n", encoding="utf-8")
    argv = ["synthesize", "--out", str(folder), "--template", str(template), "--seed", "3",
            "--years", "0.3", "--scale", "0.05"]
    assert main(argv) == 0
    readme = (folder / "README.md").read_text(encoding="utf-8")
    line = next(x.strip() for x in readme.splitlines() if x.strip().startswith("workbench synth"))
    assert shlex.split(line)[1:] == argv


# ------------------------------------------------------------------ D14: the results store
def _experiment(out, **kw):
    from workbench.experiment import run_experiment

    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        exp = run_experiment({"Baseline": load_scenario(BASE)}, replications=2, seed=4,
                             years=0.02, executor="serial", out=out, name="reps",
                             progress=False, **kw)
    return exp, [str(w.message) for w in said]


@pytest.mark.parametrize("cut", ["rows", "mid-row"])
def test_store_reruns_a_cut_off_weekly_file(tmp_path, cut):
    first, _ = _experiment(tmp_path)
    csvs = sorted((tmp_path / "reps").glob("*.weekly.csv"))
    assert len(csvs) == 2
    text = csvs[0].read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    assert len(lines) >= 3
    short = "".join(lines[:-1]) if cut == "rows" else text[:len(text) - len(lines[-1]) // 2]
    csvs[0].write_text(short, encoding="utf-8")
    again, notes = _experiment(tmp_path)
    assert again.n_loaded == 1 and again.n_run == 1
    assert any(csvs[0].name in n and "again" in n for n in notes), notes
    pd.testing.assert_frame_equal(again.timeseries.reset_index(drop=True),
                                  first.timeseries.reset_index(drop=True))
    assert csvs[0].read_text(encoding="utf-8") == text   # written whole again


def test_store_loads_whole_files_without_a_note(tmp_path):
    _experiment(tmp_path)
    again, notes = _experiment(tmp_path)
    assert again.n_loaded == 2 and again.n_run == 0
    assert not [n for n in notes if "weekly" in n]
