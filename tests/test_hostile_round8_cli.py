"""Round 8 of the hostile audit, the command line and the comparison table (S1-S7): a bad
scenario name reported under a hidden temporary file's name, a scenario written as ``out.txt``,
a file where a folder is expected called a missing folder, a folder named like a file called a
wrong suffix, contradictory targets searched for ten minutes, a seed echoed as ``1.84467e+19``,
and differences the same in every run read as "not enough runs to tell".

Nothing here simulates: each command stops before any run (a stand-in refuses to start one),
and the comparison table is built from the test's own numbers.
"""

from __future__ import annotations

import math

import pytest

from workbench.cli import main

from conftest import ROOT, SCENARIOS
from conftest import cli_refused as refused

BASE = SCENARIOS / "baseline.yaml"
PUBLISHED = ROOT / "tests" / "data" / "published"


@pytest.fixture
def no_runs(monkeypatch):
    """Any simulation started fails the test: every refusal here comes before any run."""
    from workbench.model.simulation import Simulation

    def no_work(*args, **kwargs):
        raise AssertionError("a simulation started before the arguments were checked")

    monkeypatch.setattr(Simulation, "__init__", no_work)


def variant_of_baseline(folder):
    """A base file of its own in ``folder`` (``workbench new`` writes next to its base)."""
    path = folder / "mine.yaml"
    path.write_text(f"base: {BASE}\nname: Mine\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------ S1: a name that fails
@pytest.mark.parametrize("name, says", [
    ("a\u202eb", ["scenario name 'a\\u202eb'", "one line of visible text",
                  "right-to-left override"]),
    ("x" * 300, ["scenario name 'xxxxxxxx", "(300 characters)", "at most 200 characters"]),
    ("a\u200bb", ["scenario name 'a\\u200bb'", "zero width space"]),
])
def test_a_name_that_fails_is_named_as_typed_not_as_a_temporary_file(name, says, tmp_path,
                                                                      capsys):
    base = variant_of_baseline(tmp_path)
    err = refused(capsys, ["new", name, "--from", str(base)], *says)
    assert ".partial" not in err and "problem(s)" not in err, err  # before: the temp file
    assert err.count("\n") == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.yaml"]  # nothing left behind
    # with --out too
    err = refused(capsys, ["new", name, "--from", str(base), "--out",
                           str(tmp_path / "mine2.yaml")], *says)
    assert ".partial" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.yaml"]


def test_a_good_name_still_writes_its_template(tmp_path, capsys):
    base = variant_of_baseline(tmp_path)
    assert main(["new", "Academy 30 é", "--from", str(base)]) == 0
    assert (tmp_path / "academy_30_e.yaml").is_file()
    refused(capsys, ["new", "", "--from", str(base)], "scenario name ''")   # as before


# ------------------------------------------------------------------ S2: --out's suffix
@pytest.mark.parametrize("out", ["out.txt", "out", "out.yaml.bak", "out.json"])
def test_new_writes_only_a_yaml_file(out, tmp_path, capsys):
    base = variant_of_baseline(tmp_path)
    refused(capsys, ["new", "x", "--from", str(base), "--out", str(tmp_path / out)],
            f"--out {tmp_path / out}", "give a file name ending in .yaml or .yml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.yaml"]


@pytest.mark.parametrize("out", ["x.yml", "X.YAML"])
def test_new_takes_either_yaml_suffix(out, tmp_path, capsys):
    base = variant_of_baseline(tmp_path)
    assert main(["new", "x", "--from", str(base), "--out", str(tmp_path / out)]) == 0
    assert (tmp_path / out).is_file()


# ------------------------------------------------------------------ S3: a file for a folder
def test_a_file_where_a_folder_is_expected_is_called_a_file(tmp_path, capsys, no_runs):
    afile = tmp_path / "afile"
    afile.write_text("not a folder\n")
    for option, name in (("--csv", "x.csv"), ("--markdown", "x.md")):
        err = refused(capsys, ["validation", option, str(afile / name)],
                      f"{option} {afile / name}", f"{afile} exists and is not a folder")
        assert "does not exist" not in err  # before: "the folder afile does not exist"
    # a folder that is missing is still called missing
    refused(capsys, ["validation", "--csv", str(tmp_path / "nothere" / "x.csv")],
            f"the folder {tmp_path / 'nothere'} does not exist")
    for data in (afile, afile / "sub"):
        err = refused(capsys, ["from-published", "--la", "Durham", "--data", str(data),
                               "--out", str(tmp_path / "d.yaml"), "--no-check"],
                      f"--data {data}", "exists and is not a folder")
        assert "no such folder" not in err   # before: "no such folder"
    refused(capsys, ["from-published", "--la", "Durham", "--data", str(tmp_path / "nothere"),
                     "--out", str(tmp_path / "d.yaml"), "--no-check"], "no such folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


# ------------------------------------------------------------------ S4: a folder for a file
def test_a_folder_named_like_a_file_is_called_a_folder(tmp_path, capsys, no_runs):
    for name in ("xl.xlsx", "t.csv", "m.md", "n.yaml"):
        (tmp_path / name).mkdir()
    mine = variant_of_baseline(tmp_path)
    other = tmp_path / "other.yaml"
    other.write_text(f"base: {BASE}\nname: Other\n", encoding="utf-8")
    cases = [
        (["compare", str(mine), str(other), "-r", "2", "--years", "0.05", "--out",
          str(tmp_path / "o"), "--xlsx", str(tmp_path / "xl.xlsx")], "--xlsx", "xl.xlsx", ".xlsx"),
        (["validation", "--csv", str(tmp_path / "t.csv")], "--csv", "t.csv", ".csv"),
        (["validation", "--markdown", str(tmp_path / "m.md")], "--markdown", "m.md", ".md"),
        (["new", "x", "--from", str(mine), "--out", str(tmp_path / "n.yaml")], "--out", "n.yaml",
         ".yaml"),
        (["from-published", "--la", "Durham", "--data", str(PUBLISHED), "--out",
          str(tmp_path / "n.yaml"), "--no-check"], "--out", "n.yaml", ".yaml"),
        (["from-published", "--la", "Durham", "--data", str(PUBLISHED), "--out",
          str(tmp_path / "d.yaml"), "--table", str(tmp_path / "t.csv"), "--no-check"],
         "--table", "t.csv", ".csv"),
    ]
    for argv, option, name, suffix in cases:
        refused(capsys, argv, f"{option} {tmp_path / name}: is a folder; give a file name "
                              f"ending in {suffix}")
    assert not (tmp_path / "o").exists() and not (tmp_path / "d.yaml").exists()
    # a wrong suffix on a file name still says so
    refused(capsys, ["compare", str(mine), str(other), "-r", "2", "--out", str(tmp_path / "o"),
                     "--xlsx", str(tmp_path / "x.csv")],
            f"--xlsx {tmp_path / 'x.csv'}: give a file name ending in .xlsx")


def test_the_shared_output_file_check():
    from workbench.cli import args as types
    from workbench.errors import UserError

    assert types.output_file("a/b.XLSX", "--xlsx", ".xlsx").name == "b.XLSX"
    with pytest.raises(UserError, match=r"^--x b\.txt: give a file name ending in \.csv or \.tsv$"):
        types.output_file("b.txt", "--x", ".csv", ".tsv")


# ------------------------------------------------------------------ S5: targets no plan meets
def test_contradictory_targets_are_refused_before_any_run(tmp_path, capsys, no_runs,
                                                          monkeypatch):
    import workbench.decision as decision

    def no_search(*args, **kwargs):
        raise AssertionError("the search started")

    monkeypatch.setattr(decision, "optimise", no_search)
    out = tmp_path / "opt"
    err = refused(capsys, ["optimise", str(BASE), "--target", "assessment_within_45wd_pct>=80",
                           "--target", "assessment_within_45wd_pct<=70", "--out", str(out)],
                  "assessment_within_45wd_pct>=80", "assessment_within_45wd_pct<=70",
                  "no plan can meet both")
    assert err.count("error:") == 1
    # the other way round, with other targets among them
    refused(capsys, ["optimise", str(BASE), "--target", "unallocated_mean<=5", "--target",
                     "caseload_mean<=10", "--target", "caseload_mean>=12.5", "--out", str(out)],
            "caseload_mean>=12.5", "caseload_mean<=10")
    # a share above 100 (refused already; kept)
    refused(capsys, ["optimise", str(BASE), "--target", "assessment_within_45wd_pct>=101",
                     "--out", str(out)], "assessment_within_45wd_pct>=101", "no plan can meet")
    assert not out.exists()


def test_a_range_that_can_be_met_is_not_refused():
    from workbench.decision import parse_targets
    from workbench.errors import UserError

    # the library refuses a pair no value meets, so optimise() called from Python does too
    with pytest.raises(UserError, match="contradict each other"):
        parse_targets(["assessment_within_45wd_pct>=80", "assessment_within_45wd_pct<=70"])
    assert len(parse_targets(
        ["assessment_within_45wd_pct>=70", "assessment_within_45wd_pct<=80"])) == 2
    assert len(parse_targets(   # exactly one value meets both
        ["assessment_within_45wd_pct>=70", "assessment_within_45wd_pct<=70"])) == 2
    assert len(parse_targets(["caseload_mean>=12", "unallocated_mean<=5"])) == 2


# ------------------------------------------------------------------ S6: numbers as typed
@pytest.mark.parametrize("argv, typed", [
    (["run", str(BASE), "--seed", "18446744073709551616"], "18446744073709551616"),
    (["compare", str(BASE), str(BASE), "-r", "2", "--out", "OUT", "--seed",
      "18446744073709551616"],
     "18446744073709551616"),
    (["validation", "--seed", "99999999999999999999"], "99999999999999999999"),
    (["optimise", str(BASE), "--target", "unallocated_mean<=5", "--seed",
      "18446744073709551616"], "18446744073709551616"),
    (["compare", str(BASE), str(BASE), "--out", "OUT", "-r", "123456789012345678901"],
     "123456789012345678901"),
    (["from-published", "--la", "Durham", "--data", str(PUBLISHED), "--out", "OUT.yaml",
      "--year", "99999999999999999999", "--no-check"], "99999999999999999999"),
])
def test_a_number_out_of_range_is_echoed_as_typed(argv, typed, tmp_path, capsys, no_runs):
    argv = [str(tmp_path / a) if a.startswith("OUT") else a for a in argv]
    err = refused(capsys, argv, f"got {typed}")
    assert "e+" not in err, err   # before: got 1.84467e+19


@pytest.mark.parametrize("number, text, says", [
    ("seed", " 18446744073709551616 ", "got 18446744073709551616"),
    ("positive_int", "-0", "got -0"),
    ("years", "30.0000001", "at most 30, got 30.0000001"),    # before: "at most 30, got 30"
    ("years", "1e-5", "got 1e-5"),
])
def test_the_number_types_echo_the_text(number, text, says):
    from workbench.cli import args as types
    from workbench.errors import UserError

    with pytest.raises(UserError) as exc:
        getattr(types, number).parse(text, "--x")
    assert str(exc.value).endswith(says), str(exc.value)


# ------------------------------------------------------------------ S7: the same in every run
def test_reading_of_differences_the_same_in_every_run():
    from workbench.present.tables import reading

    nan = math.nan
    # unchanged without the runs: the report, the charts and the exports call it so
    assert reading(-1.0, nan, nan, -1, 0.1) == "not enough runs to tell"
    assert reading(-1.0, nan, nan, -1, 0.1, runs=3, all_equal=True) == "better in every run"
    assert reading(-1.0, nan, nan, +1, 0.1, runs=3, all_equal=True) == "worse in every run"
    assert reading(+2.0, nan, nan, +1, 0.1, runs=2, all_equal=True) == "better in every run"
    assert reading(+2.0, nan, nan, 0, 0.1, runs=2, all_equal=True) == "higher in every run"
    assert reading(-2.0, nan, nan, 0, 0.1, runs=2, all_equal=True) == "lower in every run"
    assert reading(0.01, nan, nan, 1, 0.1, runs=2, all_equal=True) == "too small to show"
    assert reading(-1.0, nan, nan, -1, 0.1, runs=1) == "one run: cannot tell"
    assert reading(-1.0, nan, nan, -1, 0.1, runs=1, all_equal=True) == "one run: cannot tell"
    # no pair of runs had a value (session 16: was "not enough runs to tell", which said more
    # runs would help; a longer horizon or staff who hold cases would)
    assert reading(nan, nan, nan, -1, 0.1, runs=0) == "no value to compare"
    assert reading(nan, nan, nan, -1, 0.1) == "not enough runs to tell"
    assert reading(-1.0, nan, nan, -1, 0.1, runs=3) == "not enough runs to tell"
    # with an interval, the runs change nothing
    for runs, same in ((None, False), (3, False), (3, True)):
        assert reading(-1.0, -1.5, -0.5, -1, 0.1, runs=runs, all_equal=same) == "better"
        assert reading(0.2, -0.5, 0.9, -1, 0.1, runs=runs, all_equal=same) == "no clear change"
        # exactly zero in every pair of runs (session 18): "no change in any run", not the
        # "no clear change" of an uncertain difference; without the runs, as before
        assert reading(0.0, 0.0, 0.0, -1, 0.1, runs=runs, all_equal=same) == (
            "no change in any run" if same else "no clear change")


def _experiment(values: dict, n: int):
    """An Experiment whose KPI ``k`` of scenario ``s`` in replication ``i`` is values[s][k][i]."""
    import pandas as pd

    from workbench import load_scenario
    from workbench.experiment.results import Experiment

    base = load_scenario(BASE)
    scenarios = {"Baseline": base, "Option": base.replace({"name": "Option"})}
    names = tuple(next(iter(values.values())))
    rows = [{"scenario": lb, "scenario_name": sc.name, "digest": "d", "replication": i, "seed": i,
             **{k: float(values[lb][k][i]) for k in names}}
            for lb, sc in scenarios.items() for i in range(n)]
    ts = pd.DataFrame([{"scenario": lb, "replication": i, "date": "2018-01-01", "week": 0,
                        "t_days": 7, "unallocated": 1.0} for lb in scenarios for i in range(n)])
    return Experiment(scenarios=scenarios, digests={k: "d" for k in scenarios}, seed=1,
                      replications=n, years=1, warmup_days=0, kpis=pd.DataFrame(rows),
                      timeseries=ts, failures=pd.DataFrame(columns=["scenario"]), kpi_names=names)


def _line(table: str, label: str) -> str:
    return next(line for line in table.splitlines() if line.startswith(label))


def test_compare_reads_a_difference_the_same_in_every_run_as_such():
    from workbench.analysis.registry import kpi
    from workbench.cli.compare import format_comparison

    base = {"caseload_p90": [27.5, 26.25, 29.0], "caseload_mean": [21.0, 21.4, 20.8],
            "unallocated_mean": [40.0, 41.0, 39.0], "open_cases_end": [4000.0, 4100.0, 3900.0]}
    option = {"caseload_p90": [26.5, 25.25, 28.0],         # -1.0 in every run
              "caseload_mean": [20.0, 21.1, 20.9],         # varies
              "unallocated_mean": [40.0, 41.0, 39.0],      # identical runs
              "open_cases_end": [4010.0, 4110.0, 3910.0]}  # +10 in every run: neither good nor bad
    exp = _experiment({"Baseline": base, "Option": option}, 3)
    comp = exp.compare("Baseline")
    row = comp.set_index("kpi").loc["caseload_p90"]
    assert row["difference"] == pytest.approx(-1.0) and math.isnan(row["ci_low"])  # pinned
    table = format_comparison(comp, "Option", "Baseline")
    p90 = _line(table, kpi("caseload_p90").label)
    assert p90.rstrip().endswith("better in every run") and "n/a" in p90, table
    assert "not enough runs" not in table, table
    # the same value in every run (session 18: was "no clear change", as if uncertain)
    assert _line(table, kpi("unallocated_mean").label).rstrip().endswith("no change in any run")
    better = kpi("open_cases_end").better
    word = {0: "higher", 1: "better", -1: "worse"}[better]
    assert _line(table, kpi("open_cases_end").label).rstrip().endswith(f"{word} in every run")
    # one pair: cannot tell, said as such
    one = _experiment({"Baseline": {k: v[:1] for k, v in base.items()},
                       "Option": {k: v[:1] for k, v in option.items()}}, 1)
    table = format_comparison(one.compare("Baseline"), "Option", "Baseline")
    assert _line(table, kpi("caseload_p90").label).rstrip().endswith("one run: cannot tell")
    assert "not enough runs" not in table, table


def test_the_html_cell_colours_the_new_readings():
    from workbench.present.tables import READING_COLOURS, _cell

    assert READING_COLOURS["better in every run"] == READING_COLOURS["better"]
    assert "font-weight:600" in _cell("worse in every run")
    assert READING_COLOURS["worse"] in _cell("worse in every run")
