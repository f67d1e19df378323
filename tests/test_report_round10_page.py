"""Audit 10B of the scrutiny report's page, PDF and command: names that differ only by case or
spaces are one name; the baseline is never a stress test; the PDF's path is checked before
anything runs; a long name wraps at 320 px; the PDF prints its body text at its own size however
many scenarios there are; "Run time" is the time the runs took, not the time of reloading them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workbench.scenario import ScenarioError, load_scenarios

from conftest import cli_refused, needs_chromium

ROOT = Path(__file__).resolve().parents[1]
SC = ROOT / "scenarios"


def _variant(folder: Path, file: str, name: str, extra: str = "") -> Path:
    path = folder / file
    path.write_text(f"base: {SC / 'baseline.yaml'}\nname: {name!r}\n{extra}", encoding="utf-8")
    return path


# ------------------------------------------------------------------ names (item 4)
@pytest.mark.parametrize("name", ["Baseline ", "baseline", "  BASELINE", "BaseLine"])
def test_a_name_differing_only_by_case_or_spaces_is_refused_naming_both_files(tmp_path, name):
    same = _variant(tmp_path, "same.yaml", name, "agency: {cap_share_pct: 5}\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenarios([SC / "baseline.yaml", same])
    msg = str(exc.value)
    assert str(same) in msg and str(SC / "baseline.yaml") in msg
    assert "only by letter case or spaces" in msg


def test_spaces_inside_a_name_count_once_and_different_names_pass(tmp_path):
    a = _variant(tmp_path, "a.yaml", "Agency  cap", "agency: {cap_share_pct: 5}\n")
    b = _variant(tmp_path, "b.yaml", "agency cap", "agency: {cap_share_pct: 6}\n")
    with pytest.raises(ScenarioError, match="only by letter case or spaces"):
        load_scenarios([SC / "baseline.yaml", a, b])
    c = _variant(tmp_path, "c.yaml", "Agency cap 6", "agency: {cap_share_pct: 6}\n")
    assert list(load_scenarios([SC / "baseline.yaml", a, c])) == ["Baseline", "Agency  cap",
                                                                   "Agency cap 6"]


def test_the_report_refuses_a_near_duplicate_name_before_anything_runs(tmp_path, capsys):
    same = _variant(tmp_path, "same.yaml", "baseline ", "agency: {cap_share_pct: 5}\n")
    out = tmp_path / "rep" / "report.html"
    cli_refused(capsys, ["report", str(SC / "baseline.yaml"), str(same), "--replications", "2",
                         "--years", "0.25", "--warmup-days", "0", "--out", str(out)],
                "'baseline '", "'Baseline'", "only by letter case or spaces")
    assert not out.parent.exists()


# ------------------------------------------------------------------ --stress (item 5)
def test_the_baseline_named_as_a_stress_test_is_refused_in_words(tmp_path, capsys):
    out = tmp_path / "rep" / "report.html"
    err = cli_refused(capsys, ["report", str(SC / "baseline.yaml"),
                               str(SC / "retention_payment.yaml"), "--stress", "Baseline",
                               "--replications", "2", "--years", "0.25", "--warmup-days", "0",
                               "--out", str(out)],
                      "--stress 'Baseline'", "the baseline cannot be a stress test",
                      "name a variant", "'Retention payment'")
    assert "Running" not in err
    assert not out.parent.exists()


# ------------------------------------------------------------------ output paths (item 6)
def test_a_pdf_path_that_is_a_folder_is_refused_before_anything_runs(tmp_path, capsys):
    (tmp_path / "rep.pdf").mkdir()
    out = tmp_path / "rep.html"
    err = cli_refused(capsys, ["report", str(SC / "baseline.yaml"), "--replications", "2",
                               "--years", "0.25", "--warmup-days", "0", "--out", str(out),
                               "--pdf", "--executor", "serial"],
                      f"--pdf {tmp_path / 'rep.pdf'}", "is a folder")
    assert "Running" not in err and "warm-up" not in err
    assert not (tmp_path / "rep_experiment").exists() and not out.exists()


def test_check_pdf_gives_the_pdf_beside_out_and_refuses_a_path_in_a_file(tmp_path):
    from workbench.cli.report import check_pdf
    from workbench.errors import UserError

    (tmp_path / "blocked").write_text("a file where a folder would be\n", encoding="utf-8")
    with pytest.raises(UserError, match="exists and is not a folder"):
        check_pdf(tmp_path / "blocked" / "rep.html")
    assert check_pdf(tmp_path / "rep.html") == tmp_path / "rep.pdf"


def test_the_notebook_and_experiment_paths_are_checked_before_anything_runs(tmp_path, capsys):
    (tmp_path / "rep.ipynb").mkdir()
    cli_refused(capsys, ["report", str(SC / "baseline.yaml"), "--replications", "2", "--years",
                         "0.25", "--warmup-days", "0", "--out", str(tmp_path / "rep.html")],
                "rep.ipynb", "is a folder")
    assert not (tmp_path / "rep_experiment").exists()
    (tmp_path / "other_experiment").write_text("not a folder\n", encoding="utf-8")
    cli_refused(capsys, ["report", str(SC / "baseline.yaml"), "--replications", "2", "--years",
                         "0.25", "--warmup-days", "0", "--out", str(tmp_path / "other.html")],
                "other_experiment", "exists and is not a folder")


# ------------------------------------------------------------------ run time (item 1)
def test_run_time_of_loaded_runs_is_the_time_they_took_when_made(small, tmp_path):
    """The report's notebook loads the replications the command ran: its "Run time" is the time
    those runs took (as recorded when they were made), said to be loaded, never the time of
    reading them back."""
    import math

    from workbench.experiment import run_experiment

    sc = {"Small": small(years=0.25)}
    made = run_experiment(sc, replications=2, seed=5, warmup_days=0, executor="serial",
                          out=tmp_path, name="x", progress=False)
    assert made.n_run == 2 and made.run_time() == f"{made.elapsed_s:.1f} s on the serial executor"
    again = run_experiment(sc, replications=2, seed=5, warmup_days=0, executor="serial",
                           out=tmp_path, name="x", progress=False)
    assert again.n_run == 0 and again.n_loaded == 2
    took = float(made.runs["elapsed_s"].sum())
    assert math.isclose(again.made_s(), took, rel_tol=1e-9)
    words = again.run_time()
    assert words == (f"2 runs loaded from {Path(again.out_dir).name}/; they took {took:.1f} s "
                     "when made "
                     f"(each run's time, added up)")
    assert f"{again.elapsed_s:.1f} s on" not in words and str(tmp_path) not in words
    # and the report's "How the numbers were made" gives it
    from workbench.present.tables import run_details

    shown = run_details(again).astype(str).to_numpy().ravel().tolist()
    assert words in shown, shown


# ------------------------------------------------------------------ print and reflow (2, 3)
LONG = "Recruitment_drive_plus_academy_expansion_with_agency_cap_2025"
HUGE = "Supercalifragilisticexpialidocious" * 5  # 170 characters, no space


def _pdf_sizes(pdf: Path) -> dict[str, float]:
    """Each line of the PDF's text (stripped) with the size it prints at, in points: the font's
    size times the scale of the text and of the page's content (Chromium shrinks a page to fit
    by scaling its content)."""
    from pypdf import PdfReader

    sizes: dict[str, float] = {}
    for page in PdfReader(str(pdf)).pages:
        def seen(text, cm, tm, font, size):
            if text.strip():
                sizes.setdefault(text.strip(), round(abs(size * tm[0] * cm[0]), 2))
        page.extract_text(visitor_text=seen)
    return sizes


def _size_of(sizes: dict[str, float], start: str) -> float:
    found = [s for text, s in sizes.items() if text.startswith(start)]
    assert found, f"{start!r} not in the PDF's text"
    return found[0]


def _wide_page(folder: Path, n: int = 13) -> Path:
    """A page as the report assembles it: a paragraph, and the table of every measure with a
    column for each of ``n`` scenarios (figures and ranges as the report prints them)."""
    from types import SimpleNamespace

    import pandas as pd

    from workbench.present.report_page import page_from_notebook, section_html
    from workbench.present.tables import table_html

    names = ["Baseline", *[f"Option {i}" for i in range(1, n)]]
    rows = [["Assessments finished within 45 working days",
             *[f"{80 + i * 0.7:.1f}% (69.1% to 100.0%)" for i in range(n)]],
            ["Cost a year", *[f"£{31_250_000 + i * 12_345:,} (£30,100,000 to £32,400,000)"
                              for i in range(n)]]]
    table = table_html(pd.DataFrame(rows, columns=["Measure", *names]),
                       "Every measure for the baseline and each option")
    block = section_html("All the measures", "Average over the period, with the 95% range in "
                         "brackets.", table, keep_first=False)
    out = folder / "wide.html"
    cell = {"outputs": [{"data": {"text/html": block}}]}
    out.write_text(page_from_notebook(SimpleNamespace(cells=[cell]), "Wide"), encoding="utf-8")
    return out


@needs_chromium
def test_a_table_of_13_scenarios_prints_in_parts_and_the_text_keeps_its_size(tmp_path):
    """Chromium shrank every page to fit a table wider than the A4 column (body text 10 pt
    printed at 5.7 pt with 13 scenarios): the table prints as parts that each fit, the measure
    repeated in each, and the body prints at 10 pt."""
    from workbench.present.report_page import write_pdf

    out = _wide_page(tmp_path)
    pdf = out.with_suffix(".pdf")
    write_pdf(out, pdf)
    sizes = _pdf_sizes(pdf)
    assert _size_of(sizes, "Average over the period") == 10.0
    assert _size_of(sizes, "All the measures") == 13.0
    text = "\n".join(sizes)
    parts = len(re.findall(r"\(part \d of (\d)\)", text))
    assert parts >= 2 and f"(part {parts} of {parts})" in text
    assert "Option 12" in text and "Baseline" in text
    page = out.read_text(encoding="utf-8")
    assert page.count("Assessments finished within 45 working days") == 1 + parts  # screen, print


@pytest.fixture(scope="module")
def long_names(tmp_path_factory):
    """A small report whose two options have long names without spaces (61 and 170
    characters). Printed
    here, before the module's browser (``chromium``) starts: Playwright's sync API runs one
    session at a time, so the tests that use that browser come last in this file."""
    from workbench.cli.report import build_report

    d = tmp_path_factory.mktemp("long_names")
    files = [SC / "baseline.yaml",
             _variant(d, "long.yaml", LONG, "agency: {cap_share_pct: 5}\n"),
             _variant(d, "huge.yaml", HUGE, "agency: {cap_share_pct: 10}\n")]
    out = d / "report.html"
    build_report(files, out, replications=2, seed=3, years=0.25, warmup_days=0,
                 executor="serial", progress=False)
    from workbench.present.report_page import write_pdf

    write_pdf(out, out.with_suffix(".pdf"))
    return out


@needs_chromium
def test_a_report_with_long_names_prints_its_text_at_its_own_size(long_names):
    """The report's PDF: the body at 10 pt and headings at 13 pt (the body printed at 6.9 pt
    with a 170-character name: its sentences ran past the A4 column)."""
    sizes = _pdf_sizes(long_names.with_suffix(".pdf"))
    assert _size_of(sizes, "Average over the period") == 10.0
    assert _size_of(sizes, "All the measures") == 13.0
    assert _size_of(sizes, "This paper compares") == 8.5  # the introduction's own size


@needs_chromium
@pytest.mark.parametrize("width", [320, 1280])
def test_long_names_wrap_and_the_page_never_scrolls_sideways(long_names, chromium, width):
    """WCAG 1.4.10: at 320 px the page was 561 px wide (a 61-character name in the chair's list
    and the 'About' paragraph); a 170-character name ran off the page at 1280 px."""
    page = chromium.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(long_names.resolve().as_uri(), wait_until="load")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        outside = page.evaluate("""(w) => Array.from(document.querySelectorAll('main *'))
            .filter(e => !e.closest('.wb-scroll') && e.getBoundingClientRect().right > w + 1)
            .map(e => e.tagName + ': ' + (e.textContent || '').slice(0, 40))""", width)
        assert outside == []
        assert LONG in page.inner_text("main")
    finally:
        page.close()


@needs_chromium
def test_the_parts_are_printed_and_the_whole_table_is_shown_on_screen(tmp_path, chromium):
    """On screen the whole table (it scrolls in its region); in print, parts that each fit the
    A4 text column (696 px), the measure first in each, every scenario in one of them."""
    out = _wide_page(tmp_path)
    page = chromium.new_page(viewport={"width": 696, "height": 900})
    shown = ("ts => ts.filter(t => t.offsetParent).map(t => [Array.from(t.rows[0].cells)"
             ".map(c => c.textContent), t.getBoundingClientRect().width])")
    try:
        page.goto(out.resolve().as_uri(), wait_until="load")
        tables = page.eval_on_selector_all("table", shown)
        assert [len(heads) for heads, _ in tables] == [14]
        page.emulate_media(media="print")
        tables = page.eval_on_selector_all("table", shown)
        assert len(tables) >= 2 and all(heads[0] == "Measure" for heads, _ in tables)
        assert [h for heads, _ in tables for h in heads[1:]] == ["Baseline", *[
            f"Option {i}" for i in range(1, 13)]]
        assert all(width <= 696 for _, width in tables)
        assert page.evaluate("document.documentElement.scrollWidth") <= 696
    finally:
        page.close()
