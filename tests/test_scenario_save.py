"""Scenario files written by the workbench (issue 14): a variant saved from the app states only
what differs from its base under a who/when/what comment, validates, and runs from the CLI and the
report unchanged; ``workbench new`` writes a commented template that validates as written."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
import yaml

from workbench.cli import main
from workbench.cli.report import check_inputs
from workbench.decision.levers import build_scenario, describe_levers, lever_values
from workbench.scenario import ScenarioError, load_raw, load_scenario, scenario_files
from workbench.scenario.save import (file_name_for, save_variant, variant_changes,
                                     variant_template)

from conftest import SCENARIOS


@pytest.fixture
def folder(tmp_path):
    """A scenarios folder of its own: the baseline and one bundled variant."""
    d = tmp_path / "scenarios"
    d.mkdir()
    for name in ("baseline.yaml", "academy_expansion.yaml"):
        shutil.copy(SCENARIOS / name, d / name)
    return d


def academy_and_cap(base, name="Academy 24 + agency cap 10%"):
    levers = {"academy_intake_per_year": 24, "agency_cap_pct": 10}
    return build_scenario(base, levers, name=name, years=2), describe_levers(base, levers)


def test_a_saved_variant_states_only_what_differs_and_reads_back_the_same(folder):
    base = load_scenario(folder / "baseline.yaml")
    variant, what = academy_and_cap(base)
    when = dt.datetime.now()
    path = save_variant(variant, folder / "baseline.yaml", author="A. Manager", what=what)
    assert path == folder / "academy_24_agency_cap_10.yaml"
    text = path.read_text(encoding="utf-8")
    head = [line for line in text.splitlines() if line.startswith("#")]
    assert "saved by A. Manager" in head[0] and f"{when:%Y-%m-%d}" in head[0]
    assert any("Academy places a year: 12 → 24" in line for line in head)
    assert any("no limit → 10%" in line for line in head)
    data = yaml.safe_load(text)
    assert data["base"] == "baseline.yaml"
    assert set(data) == {"base", "name", "description", "academy", "agency"}
    assert data["academy"] == {"intake_per_year": 24}
    assert data["agency"] == {"cap_share_pct": 10.0}
    back = load_scenario(path)
    assert back.to_dict() == variant.to_dict()
    assert back.digest() == variant.digest()


def test_a_saved_variant_runs_from_the_cli_and_joins_the_report(folder, tmp_path, capsys):
    base = load_scenario(folder / "baseline.yaml")
    path = save_variant(academy_and_cap(base)[0], folder / "baseline.yaml", author="me")
    assert main(["validate", str(path)]) == 0
    assert main(["run", str(path), "--years", "0.1", "--out", str(tmp_path / "out")]) == 0
    assert "Academy 24 + agency cap 10%: one replication" in capsys.readouterr().out
    # the report's default list is every file of the scenarios folder, and they must load together
    files = scenario_files(folder)
    assert path in files
    loaded = check_inputs(files, replications=2, years=0.1)
    assert "Academy 24 + agency cap 10%" in loaded


def test_a_variant_of_a_variant_and_every_lever_round_trip(folder):
    base = load_scenario(folder / "academy_expansion.yaml")
    levers = {**lever_values(base), "extra_recruits_per_year": 7, "advert_success_pct": 30,
              "time_to_hire_weeks": 9, "academy_start_month": 1, "agency_cover_pct": 40,
              "retention_payment_gbp": 1500, "retention_effect_pct": 15, "demand_change_pct": 10}
    variant = build_scenario(base, levers, name="Everything moved", years=1.5)
    path = save_variant(variant, folder / "academy_expansion.yaml",
                        what=describe_levers(base, levers))
    assert load_raw(path)["name"] == "Everything moved"
    assert yaml.safe_load(path.read_text())["base"] == "academy_expansion.yaml"
    back = load_scenario(path)
    assert back.recruitment.campaigns == variant.recruitment.campaigns
    assert back.demand.referrals_per_year == pytest.approx(variant.demand.referrals_per_year)
    assert back.retention.payment_gbp_per_year == 1500
    assert variant_changes(variant, back) == {}  # the file holds exactly the scenario saved


def test_saving_refuses_a_taken_name_or_file_and_leaves_nothing_behind(folder):
    base = load_scenario(folder / "baseline.yaml")
    variant, _ = academy_and_cap(base, name="Academy expansion")  # the bundled file's name
    with pytest.raises(ScenarioError, match="exists already"):
        save_variant(variant, folder / "baseline.yaml")
    (folder / "other.yaml").write_text("base: baseline.yaml\nname: Team plan\n")
    variant, _ = academy_and_cap(base, name="Team plan")  # another file's scenario name
    with pytest.raises(ScenarioError, match="used by other.yaml"):
        save_variant(variant, folder / "baseline.yaml")
    (folder / "other.yaml").unlink()
    first, _ = academy_and_cap(base)
    save_variant(first, folder / "baseline.yaml")
    with pytest.raises(ScenarioError, match="exists already"):
        save_variant(first, folder / "baseline.yaml")
    baseline_named, _ = academy_and_cap(base, name="baseline")
    with pytest.raises(ScenarioError, match="overwrite the scenario it starts from"):
        save_variant(baseline_named, folder / "baseline.yaml", overwrite=True)
    assert sorted(p.name for p in folder.iterdir()) == [
        "academy_24_agency_cap_10.yaml", "academy_expansion.yaml", "baseline.yaml"]


def test_file_names_and_comments_cannot_break_the_file(folder):
    assert file_name_for("Academy 24 + agency cap 10%") == "academy_24_agency_cap_10.yaml"
    assert file_name_for("../../etc/passwd") == "etc_passwd.yaml"
    assert file_name_for("£££") == "scenario.yaml"
    base = load_scenario(folder / "baseline.yaml")
    variant, what = academy_and_cap(base, name="Odd: name # with 'quotes'")
    path = save_variant(variant, folder / "baseline.yaml", author="x\nbase: evil.yaml", what=what)
    assert path.parent == folder
    assert load_scenario(path).name == "Odd: name # with 'quotes'"
    assert yaml.safe_load(path.read_text())["base"] == "baseline.yaml"


def test_workbench_new_writes_a_commented_template_that_validates(folder, capsys):
    assert main(["new", "Academy 30", "--from", str(folder / "baseline.yaml")]) == 0
    path = folder / "academy_30.yaml"
    assert f"Wrote {path}" in capsys.readouterr().out
    text = path.read_text(encoding="utf-8")
    assert "base: baseline.yaml" in text and "name: Academy 30" in text
    assert "docs/scenario-reference.md" in text
    assert "#   intake_per_year: 12" in text and "# academy:" in text
    assert "%; at least 0, at most 100" in text  # units and ranges beside the values
    sc = load_scenario(path)
    assert sc.name == "Academy 30"
    # uncommenting a field is all it takes to change it
    edited = text.replace("# academy:\n#   intake_per_year: 12", "academy:\n  intake_per_year: 30")
    path.write_text(edited, encoding="utf-8")
    assert load_scenario(path).academy.intake_per_year == 30
    # a taken file is refused with one line; --force replaces it
    assert main(["new", "Academy 30", "--from", str(folder / "baseline.yaml")]) == 2
    assert "exists already" in capsys.readouterr().err
    assert main(["new", "Academy 30", "--from", str(folder / "baseline.yaml"), "--force"]) == 0


def test_new_refuses_bad_names_and_bases(folder, tmp_path):
    with pytest.raises(ScenarioError, match="one line"):
        variant_template("  ", folder / "baseline.yaml")
    with pytest.raises(ScenarioError, match="the base's own"):
        variant_template("Baseline", folder / "baseline.yaml", out=tmp_path / "b.yaml")
    with pytest.raises(ScenarioError, match="not found"):
        variant_template("X", folder / "nope.yaml")
