"""The scrutiny report (issue 6): renders, reads as plain English, holds no code or child data."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.errors import UserError
from workbench.present.report_text import assumptions_from_file, describe_changes
from workbench.present.tables import clip_range
from workbench.cli.report import build_report, check_inputs

ROOT = Path(__file__).resolve().parents[1]
SC = ROOT / "scenarios"


def visible_text(page: str) -> str:
    page = re.sub(r"<style.*?</style>|<script.*?</script>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    path = build_report([SC / "baseline.yaml", SC / "academy_expansion.yaml"], out,
                        replications=2, seed=5, years=0.5, executor="serial", progress=False)
    return path, path.read_text(encoding="utf-8")


def test_report_renders_self_contained_html(rendered):
    path, page = rendered
    assert page.lstrip().lower().startswith("<!doctype html")
    imgs = re.findall(r'<img[^>]+src="data:image/png;base64,', page)
    assert len(imgs) >= 8  # timeliness, visits, unallocated, caseloads, workforce x2, stability, cost...
    assert not re.findall(r'(?:src|href)="https?://', page)  # readable offline


def test_report_has_no_code(rendered):
    _, page = rendered
    text = visible_text(page)
    for token in ("run_experiment", "import ", "display(", "def ", "plots.plot_", "In [", "Out["):
        assert token not in text, token


def test_report_has_the_plain_english_content(rendered):
    _, page = rendered
    text = visible_text(page)
    assert re.search(r"Baseline\. Over October 2017 to \w+ 2018, \d+% of assessments "
                     r"\(95% range \d+-\d+%\) would finish within 45 working days", text)
    assert re.search(r"Academy expansion\. Over .*?, \d+% of assessments .*? against \d+% in the baseline",
                     text)
    for heading in ("Summary", "Headline figures", "What each scenario changes",
                    "Assumptions and their sources", "Limitations", "Glossary", "Run details"):
        assert heading in text
    assert "Academy places a year: 12 → 24" in text
    for term in ("ASYE", "ICPC", "s47 enquiry", "NQSW", "CIN", "LAC"):
        assert re.search(rf"{term}\s*:", text), term  # every acronym is explained in the glossary
    assert "sha256" in text and "Replications per scenario" in text


def test_report_holds_no_child_level_data(rendered):
    path, page = rendered
    text = visible_text(page)
    assert "child_id" not in text and "t_days" not in text
    # the experiment files written beside it are aggregates too
    for f in path.parent.rglob("*"):
        if f.suffix == ".csv":
            header = f.read_text().splitlines()[0].split(",")
            assert "child" not in header and "child_id" not in header
        if f.suffix == ".json":
            assert '"child' not in f.read_text()
    assert not list(path.parent.glob("*.ipynb"))  # the executed notebook (with code) is removed


def test_bad_parameters_fail_clearly_before_anything_runs(tmp_path, capsys):
    out = tmp_path / "r" / "report.html"
    assert main(["report", str(tmp_path / "missing.yaml"), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "missing.yaml: scenario file not found" in err and "Traceback" not in err
    assert not out.parent.exists()  # nothing ran, nothing written
    with pytest.raises(SystemExit) as exc:
        main(["report", "--replications", "0"])
    assert exc.value.code == 2
    assert "at least 1" in capsys.readouterr().err
    with pytest.raises(UserError, match="at least 1"):
        check_inputs([SC / "baseline.yaml"], 0, None)
    bad = tmp_path / "bad.yaml"
    bad.write_text("base: " + str(SC / "baseline.yaml") + "\nhorizon_years: -2\n")
    with pytest.raises(UserError, match="horizon_years"):
        check_inputs([bad], 2, None)


def test_report_cli_as_a_subprocess_rejects_bad_input():
    res = subprocess.run([sys.executable, "-m", "workbench.cli", "report", "nope.yaml"],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 2
    assert "nope.yaml" in res.stderr and "Traceback" not in res.stderr


def test_describe_changes_and_assumptions(baseline):
    from workbench import load_scenario
    lines = describe_changes(baseline, load_scenario(SC / "agency_reduction.yaml"))
    assert lines == ["Cap on agency staff (% of all social workers): none → 5"]
    rows = dict(assumptions_from_file(SC / "baseline.yaml"))
    assert "domain.md" in rows["demand.rereferral_pct"]
    assert "assumption" in rows["working_time.case_time_pct"]


def test_ranges_are_shown_within_possible_values():
    assert clip_range("assessment_within_45wd_pct", 70, 106) == (70, 100)
    assert clip_range("unallocated_mean", -3, 40) == (0, 40)


def test_text_from_scenario_files_is_escaped_in_the_report(baseline):
    from types import SimpleNamespace

    from workbench.present.report_text import changes_markdown

    odd = baseline.replace({"name": "<b>Odd</b>", "description": "<script>x()</script>",
                            "academy.intake_per_year": 24})
    exp = SimpleNamespace(scenarios={"Baseline": baseline, "<b>Odd</b>": odd})
    text = changes_markdown(exp, "Baseline")
    assert "<script>" not in text and "&lt;script&gt;" in text and "&lt;b&gt;Odd" in text
    assert "Academy places a year: 12 → 24" in text
