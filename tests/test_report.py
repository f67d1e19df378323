"""The scrutiny report (issue 6): renders, reads as plain English, holds no code or child data."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.errors import UserError
from workbench.present.report_changes import describe_changes
from workbench.present.report_text import assumptions_from_file
from workbench.present.tables import clip_range
from workbench.cli.report import build_report, check_inputs

ROOT = Path(__file__).resolve().parents[1]
SC = ROOT / "scenarios"
PUBLISHED = ROOT / "tests" / "data" / "published"


def visible_text(page: str) -> str:
    page = re.sub(r"<style.*?</style>|<script.*?</script>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The report of the baseline, an option and a pressure, with the authority set beside its
    neighbours and England (``--published --la --neighbour``, issue 18): one build for this
    module's tests and the neighbours section's."""
    out = tmp_path_factory.mktemp("report") / "report.html"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = build_report([SC / "baseline.yaml", SC / "academy_expansion.yaml",
                             SC / "demand_surge.yaml"], out,
                            replications=2, seed=5, years=0.5, executor="serial",
                            progress=False, published=PUBLISHED, la="Durham",
                            neighbours=["Gateshead", "Sunderland"])
    return path, path.read_text(encoding="utf-8")


def test_report_renders_self_contained_html(rendered):
    path, page = rendered
    assert page.lstrip().lower().startswith("<!doctype html")
    assert '<html lang="en-GB">' in page and "<main>" in page
    imgs = re.findall(r'<img src="data:image/png;base64,[^"]+" alt="([^"]+)"', page)
    assert len(imgs) >= 7  # differences, timeliness, waiting, caseloads, workforce, stability, cost
    assert all("No description" not in a for a in imgs)
    assert not re.findall(r'(?:src|href)="https?://', page)  # readable offline
    assert "<script" not in page  # nothing runs in the report


def test_report_has_no_code(rendered):
    _, page = rendered
    text = visible_text(page)
    for token in ("run_experiment", "import ", "display(", "def ", "plots.plot_", "In [", "Out["):
        assert token not in text, token


def test_report_has_the_plain_english_content(rendered):
    _, page = rendered
    text = visible_text(page)
    first = text.index("The answer in brief")
    for heading in ("The answer in brief", "For the chair", "Stress tests: the options under pressure",
                    "How each option differs from the baseline", "All the measures",
                    "What each option and pressure changes", "Appendix: assumptions and their sources",
                    "Limitations", "Glossary", "How the numbers were made"):
        assert heading in text, heading
    assert text.index("Option (ranked)") > first  # the ranked table is on page one
    assert re.search(r"We compared 1 option with the baseline, each simulated 2 times", text)
    # the surge is a stress test applied to the option, not an option
    assert "Academy expansion under demand surge" not in text[first:text.index("For the chair")]
    assert "Demand surge (pressure (stress test))" in text
    # the warm-up is stated with how it was chosen
    assert re.search(r"(left out of the averages|whole simulated period).{0,200}MSER-5", text)
    assert "95% confidence" not in text and "95% range" in text  # one wording everywhere
    # no scenario gives an input as a range: the ranges are said to show chance only
    assert "These ranges show chance only (which children are referred when" in text
    assert "These ranges include uncertainty" not in text
    assert "Academy places a year: 12 → 24" in text
    for term in ("ASYE", "ICPC", "s47 enquiry", "NQSW", "CIN", "LAC"):
        assert re.search(rf"{term}\s*:", text), term  # every acronym is explained in the glossary
    assert "sha256" in text and "Replications per scenario" in text
    # sources that ship with the workbench, never the project's private notes
    assert "docs/sources.md" in text and "domain.md" not in page and "../shared" not in page


def test_the_report_shows_the_authority_against_its_neighbours(rendered):
    """Issue 18 (moved here from test_report_neighbours.py, its checks unchanged, to share this
    module's report instead of building one of its own)."""
    _, page = rendered
    text = re.sub(r"<[^>]+>", " ", page)
    text = re.sub(r"\s+", " ", text)
    assert "County Durham against its neighbours and England" in text
    # after the charts, with its table (caption, header scopes) and a chart with a text alternative
    assert text.index("Cost a year") < text.index("County Durham against its neighbours")
    section = page[page.index('id="neighbours"'):]
    assert "<caption" in section and 'scope="col"' in section and 'scope="row"' in section
    assert re.search(r'<img src="data:image/png;base64,[^"]+" alt="[^"]{40,}"', section)
    assert "Gateshead" in section and "Sunderland" in section
    assert "<script" not in page


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
    # turnover is a rate (leavers a year over the staff in post), not a share: a service where
    # more leave in a year than are in post has turnover above 100, and its range must hold its
    # mean (issue 13: the range stopped at 100 while the mean was 112)
    assert clip_range("turnover_pct", 90, 130) == (90, 130)
    assert clip_range("experienced_turnover_pct", -5, 120) == (0, 120)
    assert clip_range("long_term_sick_pct", -5, 120) == (0, 100)


def test_text_from_scenario_files_is_escaped_in_the_report(baseline):
    from types import SimpleNamespace

    from workbench.present.report_changes import changes_markdown

    odd = baseline.replace({"name": "<b>Odd</b>", "description": "<script>x()</script>",
                            "academy.intake_per_year": 24})
    exp = SimpleNamespace(scenarios={"Baseline": baseline, "<b>Odd</b>": odd})
    text = changes_markdown(exp, "Baseline")
    assert "<script>" not in text and "&lt;script&gt;" in text and "&lt;b&gt;Odd" in text
    assert "Academy places a year: 12 → 24" in text
    linked = baseline.replace({"name": "Linked", "description": "[plan](javascript:alert(1))",
                               "academy.intake_per_year": 24})
    text = changes_markdown(SimpleNamespace(scenarios={"Baseline": baseline, "Linked": linked}),
                            "Baseline")
    assert "](javascript:" not in text  # Markdown makes no link of it



def test_a_bad_logo_fails_clearly_before_anything_runs(tmp_path, capsys):
    bad = tmp_path / "logo.svg"
    bad.write_text("<svg onload='x()'></svg>")
    out = tmp_path / "r" / "report.html"
    assert main(["report", str(SC / "baseline.yaml"), "--logo", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "logo.svg: the logo must be a PNG, JPEG or GIF image" in err and "Traceback" not in err
    assert not out.exists()
