"""Round 16 (audit H86) of the pages people read: three known items, then what a councillor and
a manager see. Each test failed on the code before its fix. Synthetic experiments and small
pages; one explorer (no run), one browser session for the module's pages.

H1. The explorer's and the app's Random seed box was a whole-number box (IntText): the page
read a pasted "3.7" as 3 and "1e6" as 1 before the kernel saw it, so the box ran seed 3 and the
note beside it (round 15, G2) never said so. The box now sends the text as typed; the kernel
keeps a whole number and says beside it what was refused: 'Random seed: "3.7" is not a whole
number; it keeps 2,017. Type a whole number from 0 to 9,007,199,254,740,991.'

H2. The explorer in a plain notebook (Jupyter, not the app's page, whose scripts name the bar)
had no progressbar: a screen reader said nothing of a run's progress. Each bar now has a twin
beside it, a native <progress> out of sight, named "Progress of the run" with its value; the
app's page hides the twin (it names the bar itself), so a screen reader hears one bar there.

H3. The report counted the baseline among the options: page one said "We compared 6 options
with the baseline" and every chart's text (and printed caption) beside it "one line for each of
7 options", "Left: the 7 options on their own scale", "7 panels, one for each option", "one
point per option". They say "scenarios" now ("each of 7 scenarios"). For the baseline alone
(no pressure: one panel) the waiting chart's text began "Left: the one scenario on its own
scale." of a chart with no right: "Left:" is said only when
the stress test is the chart's right panel.

H4. The report of the baseline alone printed the heading "What each option and pressure
changes" over nothing (the next heading straight after it), and captioned its one-column table
"Every measure for the baseline and each option". The section now says "There are no options or
pressures in this paper: nothing changes the baseline." and the caption "Every measure for the
baseline".

H5. The appendix's row "Years simulated" gave the scenario file's horizon (5) of a paper run
with --years 0.5 (its details: "Simulated period October 2017 to May 2018 (0.5 years)"): a
reader took the paper's figures for five years'. It reads "0.5 in this paper (the scenario
file's 5)".

H6 (a check, no defect found). The printed report's table rows, figures and headings: each is
marked at its top and its bottom, the page printed as write_pdf prints it, and the marks read
back from the PDF: no row or figure has its top and bottom on different pages, no heading's
next block starts on a later page (also found so in the bundled report, 13 pages, and in one
of eight scenarios with names of 120 characters, 15 pages).

H7. The app's plan search refused a target out of its measure's range with "Assessments finished
within 45 working days: give a target from 0 to 100 (%)", naming neither the row nor what it
held: with two rows on one measure (a band) a manager could not tell which to mend. It adds
"; target row 2 holds 500".

H8. A chart's text (and printed caption) of two scenarios with the same average read "All 2
have the same average, 40 (Baseline and Plan A)." It reads "Both have the same average".

H9. The report's table "All the measures" printed "n/a" for looked-after children with 3+ social
workers in a year in every report of less than a year (the bundled one included: half a year)
and said nowhere why. A note under the table now says: "n/a: no value. Looked-after children
with 3+ social workers in a year is counted over whole years, and this paper measured 0.31
years after the warm-up: simulate more than a year and its warm-up to have it."

H10. The explorer's and the app's workbook (sheet Run details, and the run's saved details) said
"Run time: 2.2 s on the _ProgressExecutor executor", a class of the code; it says "on the serial
executor" (or "process"), as the command line does.

H11. Reading age: page one gives every percentage's difference in "pts" ("+5.0 pts") and the
paper's warm-up sentence names "the MSER-5 warm-up check"; the glossary had neither. It now has
"pts" (percentage points, with an example) and "Warm-up" (the bundled report still prints on 13
pages).

H12. A report of single runs said twice over its difference chart that one run has no range
("... in a single run: with one run there is no range, so no difference can be called clear.
With a single run there is no range, so no difference can be called clear."): the section's
words and the chart's printed caption. The section's words now stop at "in a single run.".

H13. workbench report --title "   " (or --authority, --date, --prepared-by of only spaces) ran
and printed a report whose title (its h1 and the page's title) or heading line was blank. It is
refused before anything runs: "--title: holds only spaces; give the words to print in the
report's heading, or leave --title out".
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from conftest import needs_chromium, team_folder

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = (ROOT / "workbench" / "present" / "app_template" / "voila" / "templates" /
            "workbench" / "index.html.j2")


@pytest.fixture(scope="module")
def explorer(tmp_path_factory):
    from workbench.present.explorer import Explorer

    return Explorer(scenarios_dir=team_folder(tmp_path_factory.mktemp("explorer")),
                    executor="serial", replications=2, years=0.05, seed=2017)


# ------------------------------------------------------------------------------ H1
@pytest.mark.parametrize("typed, says", [
    ("3.7", "Random seed: \u201c\u20683.7\u2069\u201d is not a whole number; it keeps 2,017. "
            "Type a whole number from 0 to 9,007,199,254,740,991."),
    ("1e6", "\u201c\u20681e6\u2069\u201d is not a whole number; it keeps 2,017."),
    ("", "Random seed: the box was left empty; it keeps 2,017."),
    ("<b>7</b>", "\u201c\u2068&lt;b&gt;7&lt;/b&gt;\u2069\u201d is not a whole number"),
    ("\u0664\u0662", "is not a whole number; it keeps 2,017."),     # Arabic-Indic digits
    ("4_2", "is not a whole number; it keeps 2,017."),              # Python's int() takes it
])
def test_a_seed_that_is_not_a_whole_number_is_refused_beside_the_box(explorer, typed, says):
    import ipywidgets as w

    box = explorer.seed
    assert isinstance(box, w.Text) and box._view_name == "TextView"   # the page sends text
    box.set_state({"value": 2017})
    sent = []
    box.send_state = lambda key=None: sent.append(box.value)   # what goes back to the page
    try:
        box.set_state({"value": typed})                        # as the page sends it
    finally:
        del box.send_state
    assert box.value == 2017 and sent and set(sent) == {2017}, sent   # the page shows 2017 again
    assert says in box.note.value, box.note.value


@pytest.mark.parametrize("typed, kept", [(" 42 ", 42), ("2,018", 2018), ("+7", 7),
                                         ("9007199254740992", 2**53 - 1)])
def test_a_whole_number_typed_as_text_is_the_seed(explorer, typed, kept):
    explorer.seed.set_state({"value": typed})
    assert explorer.seed.value == kept and isinstance(explorer.seed.value, int)
    assert ("9,007,199,254,740,992 is above" in explorer.seed.note.value) == (kept != int(
        typed.replace(",", "")))
    explorer.seed.set_state({"value": "2017"})
    assert explorer.seed.value == 2017 and explorer.seed.note.value == ""
    assert explorer._run_settings_now()[2] == 2017


# ------------------------------------------------------------------------------ H2
def test_the_explorers_progress_bar_has_a_spoken_twin_beside_it(explorer):
    from workbench.present.explorer_layout import PROGRESS_SPOKEN_CLASS

    bar = explorer.progress
    row = [b for b in explorer.widget.children if bar in getattr(b, "children", ())]
    assert row and bar.spoken in row[0].children
    assert PROGRESS_SPOKEN_CLASS in bar.spoken._dom_classes
    bar.max, bar.value = 8, 3
    assert re.search(r'<progress [^>]*max="100" value="38" aria-label="Progress of the run" '
                     r'aria-valuetext="38% done">', bar.spoken.value), bar.spoken.value
    bar.value = 0


#: The twin's markup in ipywidgets' HTML widget, beside the bar as ipywidgets draws it.
def _bar_and_twin(spoken: str) -> str:
    return ("<div class='jupyter-widgets widget-inline-hbox widget-hprogress wb-progress'>"
            "<label class='widget-label' style='display:none' title='Progress of the run'>"
            "</label><div class='progress'><div class='progress-bar' style='width:37.5%'>"
            "</div></div></div><div class='widget-html wb-progress-spoken'><div "
            f"class='widget-html-content'>{spoken}</div></div>")


# ---------------------------------------------------------- the module's browser: one of each page
@pytest.fixture(scope="module")
def looked(explorer, chromium, printed):
    """What each page shows, read once: the explorer's bar and its twin in a notebook (no page
    scripts) and in the app's page (its scripts and styles)."""
    explorer.progress.max, explorer.progress.value = 8, 3
    dom = _bar_and_twin(explorer.progress.spoken.value)
    explorer.progress.value = 0
    bars = ("() => [...document.querySelectorAll('[role=progressbar], progress')]"
            ".filter(e => e.getClientRects().length || e.tagName === 'PROGRESS' && "
            "getComputedStyle(e.closest('.widget-html')).display !== 'none')"
            ".map(e => [e.getAttribute('aria-label'), e.tagName === 'PROGRESS' ? "
            "String(Math.round(100 * e.position)) : e.getAttribute('aria-valuenow')])")
    seen = {}
    page = chromium.new_page(viewport={"width": 1280, "height": 600})
    page.set_content(f"<html><body><main>{dom}</main></body></html>")
    seen["notebook"] = page.evaluate(bars)
    seen["notebook_role"] = page.get_by_role("progressbar", name="Progress of the run").count()
    page.close()
    script = "\n".join(re.findall(r"<script>(.*?)</script>", TEMPLATE.read_text(), flags=re.S))
    style = "\n".join(re.findall(r"<style>(.*?)</style>", TEMPLATE.read_text(), flags=re.S))
    page = chromium.new_page(viewport={"width": 1280, "height": 600})
    page.set_content(f"<html><head><style>{style}</style><script>{script}</script></head><body>"
                     f"<div id='main'>{dom}</div></body></html>")
    page.wait_for_timeout(100)   # (the page's observers run as the markup arrives)
    seen["app_role"] = page.get_by_role("progressbar").count()
    seen["app_named"] = page.get_by_role("progressbar", name="Progress of the run").count()
    page.close()
    seen["printed"] = print_marked(chromium, printed)
    return seen


@pytest.fixture(scope="module")
def printed(reports, tmp_path_factory):
    """A report of several A4 pages (round 14's synthetic experiment: page one, a chart, the
    measures, the changes, the appendix, the limitations and the glossary)."""
    from types import SimpleNamespace

    from workbench.present import report_sections as rs
    from workbench.present.report_page import masthead_html, page_from_notebook

    r = reports["three"]
    r.files.setdefault(r.design.baseline, str(ROOT / "scenarios" / "baseline.yaml"))
    blocks = [masthead_html("Options for scrutiny", "Anyshire County Council", "1 March 2027"),
              rs.page_one(r), rs.caseload_section(r), rs.headline_section(r),
              rs.changes_section(r), rs.appendix_section(r), rs.limitations_section(),
              rs.glossary_section()]
    cells = [{"outputs": [{"data": {"text/html": b}}]} for b in blocks]
    out = tmp_path_factory.mktemp("printed") / "report.html"
    out.write_text(page_from_notebook(SimpleNamespace(cells=cells), "Round 16"),
                   encoding="utf-8")
    return out


#: Marks the top and the bottom of each table row, figure and heading (and of what follows a
#: heading) with a word of its own, absolutely placed so that the layout does not move; returns
#: [number, kind, the element's text].
MARK = r"""() => {
  const style = 'position:absolute;left:0;font-size:3px;line-height:1;color:#000;';
  const items = [];
  function mark(el, kind, label) {
    const host = el.tagName === 'TR' ? el.firstElementChild : el;
    if (!host || !el.getClientRects().length) return;
    if (getComputedStyle(host).position === 'static') host.style.position = 'relative';
    const n = items.length;
    for (const [end, where] of [['T', 'top:0'], ['B', 'bottom:0']]) {
      const s = document.createElement('span');
      s.textContent = 'QZ' + n + end + 'Q'; s.style.cssText = style + where;
      host.appendChild(s);
    }
    items.push([n, kind, label.replace(/\s+/g, ' ').trim().slice(0, 60)]);
  }
  document.querySelectorAll('main tr').forEach(tr => mark(tr, 'row', tr.textContent));
  document.querySelectorAll('main figure').forEach(f => mark(f, 'figure', f.textContent));
  document.querySelectorAll('main h2, main h3').forEach(h => {
    mark(h, 'heading', h.textContent);
    const next = h.nextElementSibling || h.parentElement.nextElementSibling;
    if (next) mark(next, 'after', h.textContent);
  });
  return items; }"""


def print_marked(browser, html_path: Path) -> dict:
    """The page printed as write_pdf prints it (A4, its footer), its marks read back from the
    PDF: the rows and figures whose top and bottom are on different pages, and the headings
    whose next block starts on a later page."""
    from pypdf import PdfReader

    page = browser.new_page()
    page.goto(html_path.resolve().as_uri(), wait_until="load")
    page.emulate_media(media="print")
    items = page.evaluate(MARK)
    pdf = html_path.with_suffix(".pdf")
    pdf.write_bytes(page.pdf(format="A4", print_background=True, prefer_css_page_size=True,
                             display_header_footer=True, header_template="<span></span>",
                             footer_template="<div style='font-size:8px'>Page <span "
                                             "class='pageNumber'></span></div>"))
    page.close()
    where: dict[int, dict[str, int]] = {}
    pages = PdfReader(str(pdf)).pages
    for i, p in enumerate(pages, 1):
        for m in re.finditer(r"QZ(\d+)([TB])Q", re.sub(r"\s+", "", p.extract_text())):
            where.setdefault(int(m.group(1)), {}).setdefault(m.group(2), i)  # (a header row
            # repeated on the next page: its first)
    kinds = {n: kind for n, kind, _ in items}
    split = [(kind, label, where.get(n)) for n, kind, label in items if kind in ("row", "figure")
             and len(set(where.get(n, {}).values())) != 1]
    alone = [(label, where.get(n), where.get(n + 1)) for n, kind, label in items
             if kind == "heading" and kinds.get(n + 1) == "after"
             and where.get(n, {}).get("B") != where.get(n + 1, {}).get("T")]
    return {"pages": len(pages), "items": len(items), "split": split, "alone": alone,
            "kinds": sorted(set(kinds.values()))}


@needs_chromium
def test_a_notebooks_progress_bar_is_a_named_progressbar(looked):
    assert looked["notebook_role"] == 1
    assert looked["notebook"] == [["Progress of the run", "38"]], looked["notebook"]


@needs_chromium
def test_the_app_page_has_one_progressbar_not_two(looked):
    assert looked["app_role"] == 1 and looked["app_named"] == 1


# ------------------------------------------------------------------------------ H3, H4
@pytest.fixture(scope="module")
def reports(baseline):
    """Reports (no simulation: round 14's synthetic experiment) of the baseline alone and of
    the baseline with two options."""
    from test_hostile_round14_present import experiment
    from workbench.present.report_design import Warmup, report_design
    from workbench.present.report_sections import Report

    out = {}
    for key, names in (("alone", ["Baseline"]), ("three", ["Baseline", "Plan A", "Plan B"])):
        scs = {n: baseline.replace({"name": n}) for n in names}
        design = report_design(scs, baseline="Baseline")
        out[key] = Report(experiment(design.scenarios), {}, design, Warmup(0.0, "given"))
    return out


def test_the_charts_count_scenarios_as_page_one_counts_options(reports):
    from workbench.present import alt_text
    from workbench.present.report_page_one import chair_sentences

    r = reports["three"]
    assert chair_sentences(r.exp, r.design)[0].startswith("We compared 2 options with the")
    lines = alt_text.alt_lines(r.exp, "average caseload", "caseload_mean", r.labels)
    bars = alt_text.alt_bars(r.exp, "cost_per_year_gbp", r.labels)
    waiting = alt_text.alt_waiting(r.exp, r.labels, [], None)
    for text in (lines, bars, waiting):
        assert "each of 3 scenarios" in text and "3 options" not in text, text
    panels = alt_text.alt_panels(r.exp, "Staff", r.labels, "vacancy_rate_pct", "Vacant:")
    assert "3 panels, one for each scenario, on the same scales" in panels, panels
    points = alt_text.alt_tradeoffs(r.exp, r.labels, ["caseload_mean"])
    assert "one point per scenario" in points and "option" not in points, points


def test_the_waiting_chart_of_one_panel_says_no_left(reports):
    from workbench.present import alt_text

    r = reports["alone"]
    text = alt_text.alt_waiting(r.exp, r.labels, [], None)
    assert "Left" not in text and "Right" not in text, text
    assert text.startswith("Line chart of children waiting for a social worker, week by week")
    assert text.endswith("one line. Average 40 (Baseline)."), text
    two = alt_text.alt_waiting(r.exp, r.labels, r.labels, "Surge")    # a right panel: said
    assert "Left: the one scenario on its own scale." in two, two
    assert "Right: the same scenario under the stress test" in two, two


def test_the_baseline_alones_report_has_no_empty_section_and_no_each_option(reports):
    from workbench.present.report_sections import changes_section, headline_section

    text = re.sub(r"<[^>]+>|[\u2068\u2069]", "", changes_section(reports["alone"]))
    assert ("There are no options or pressures in this paper: nothing changes the baseline."
            in text), text
    caption = re.search(r"<caption[^>]*>(.*?)</caption>", headline_section(reports["alone"]),
                        flags=re.S).group(1)
    assert re.sub(r"<[^>]+>", "", caption) == "Every measure for the baseline"
    many = re.search(r"<caption[^>]*>(.*?)</caption>", headline_section(reports["three"]),
                     flags=re.S).group(1)
    assert "each option" in re.sub(r"<[^>]+>", "", many)


# ------------------------------------------------------------------------------ H5
def test_the_appendix_gives_the_years_the_paper_simulated(baseline, reports):
    from workbench.present.appendix import appendix_rows
    from workbench.present.report_sections import appendix_section

    path = ROOT / "scenarios" / "baseline.yaml"

    def years_row(years):
        return {n: v for n, v, _ in appendix_rows(path, baseline, years)}["Years simulated"]

    assert years_row(0.5) == "0.5 in this paper (the scenario file's 5)"
    assert years_row(None) == years_row(5.0) == "5"          # the file's own horizon
    r = reports["alone"]
    r.files[r.design.baseline] = str(path)
    page = html.unescape(re.sub(r"<[^>]+>|[\u2068\u2069]", " ", appendix_section(r)))
    assert re.search(r"Years simulated\s+0\.326923 in this paper \(the scenario file's 5\)",
                     page), page[:2000]


# ------------------------------------------------------------------------------ H6 (a check)
@needs_chromium
def test_the_printed_report_splits_no_row_or_figure_and_strands_no_heading(looked):
    got = looked["printed"]
    assert got["pages"] >= 4 and got["items"] > 100, got     # the check saw the page
    assert got["kinds"] == ["after", "figure", "heading", "row"], got["kinds"]
    assert got["split"] == [], got["split"]
    assert got["alone"] == [], got["alone"]


# ------------------------------------------------------------------------------ H7
@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from workbench.present.app import App

    a = App(scenarios_dir=team_folder(tmp_path_factory.mktemp("app")), executor="serial",
            replications=2, years=0.05, seed=1)
    yield a
    a.close()


@pytest.mark.parametrize("value, held", [(500.0, "500"), (-2.5, "-2.5"),
                                         (float("inf"), "a number too large to use")])
def test_a_target_out_of_range_names_its_row_and_what_it_holds(app, value, held):
    rows = app.plan_targets
    rows[0][0].value, rows[0][2].value = "assessment_within_45wd_pct", 80.0
    rows[1][0].value, rows[1][1].value = "assessment_within_45wd_pct", "<="
    rows[1][2].value = value                     # the second row of a band on one measure
    assert app.find_plan(max_trials=1) is None
    assert ("Not searched: Assessments finished within 45 working days: give a target from 0 "
            f"to 100 (%); target row 2 holds {held}") in app.plan_status.value, \
        app.plan_status.value
    rows[1][0].value = ""


# ------------------------------------------------------------------------------ H8
def test_two_with_the_same_average_are_both_not_all_2(reports):
    from workbench.present.alt_text import extremes

    r = reports["three"]
    same = r.exp.kpis.copy()
    r.exp.kpis.loc[:, "unallocated_mean"] = 40.0
    try:
        assert extremes(r.exp, "unallocated_mean", r.labels[:2]) == (
            "Both have the same average, 40 (Baseline and Plan A).")
        assert extremes(r.exp, "unallocated_mean", r.labels).startswith(
            "All 3 have the same average, 40 (")
    finally:
        r.exp.kpis = same


# ------------------------------------------------------------------------------ H9
def test_a_measure_with_no_value_says_why_under_the_table(reports, baseline):
    import dataclasses
    import math

    from workbench.present.report_design import Warmup
    from workbench.present.report_sections import Report, headline_section

    r = reports["three"]
    kpis = r.exp.kpis.copy()
    kpis["lac_3plus_sw_pct"] = math.nan          # counted over whole years: a short run has none
    kpis.loc[kpis.scenario == "Plan B", "icpc_within_15wd_pct"] = math.nan   # none fell due
    exp = dataclasses.replace(r.exp, kpis=kpis, warmup_days=70.0, years=0.5,
                              kpi_names=tuple(dict.fromkeys([*r.exp.kpi_names,
                                                             "lac_3plus_sw_pct",
                                                             "icpc_within_15wd_pct"])))
    page = headline_section(Report(exp, {}, r.design, Warmup(70.0, "mser")))
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))
    assert "n/a" in text
    assert ("n/a: no value. Child protection conferences within 15 working days: there was "
            "nothing to count over the period; Looked-after children with 3+ social workers in "
            "a year is counted over whole years, and this paper measured 0.31 years after the "
            "warm-up: simulate more than a year and its warm-up to have it.") in text, text
    plain = headline_section(r)
    assert "n/a" not in plain and "no value" not in plain


# ------------------------------------------------------------------------------ H10
def test_the_workbooks_run_details_name_the_executor_not_a_class(app):
    from workbench.present.tables import run_details

    app.reset()
    app.run()
    said = dict(run_details(app.exp, {}).values.tolist())["Run time"]
    assert said.endswith("on the serial executor"), said
    assert "_" not in said and "Executor" not in said


# ------------------------------------------------------------------------------ H11
def test_the_glossary_says_what_pts_and_the_warm_up_are(reports):
    from workbench.present.report_sections import glossary_section, page_one

    page = page_one(reports["three"])
    assert " pts" in page                                   # page one's differences use it
    glossary = html.unescape(re.sub(r"<[^>]+>", "", glossary_section()))
    assert "pts: Percentage points: the difference between two percentages (80% to 85% is +5 " \
           "pts)." in glossary, glossary
    assert "Warm-up: The first weeks of a simulation, while it settles from its starting " \
           "snapshot; left out of the averages. A standard check (MSER-5) suggests how long." \
           in glossary, glossary


# ------------------------------------------------------------------------------ H12
def test_a_single_runs_difference_chart_says_no_range_once(reports, monkeypatch):
    from test_hostile_round14_present import experiment
    from workbench.present import report_sections as rs
    from workbench.present.report_design import Warmup

    r = reports["three"]
    one = rs.Report(experiment(r.design.scenarios, n=1), {}, r.design, Warmup(0.0, "given"))
    monkeypatch.setattr(rs.plots, "plot_paired_differences", lambda *a, **k: None)
    monkeypatch.setattr(rs, "figure_html", lambda fig, alt: f"<figcaption>{alt}</figcaption>")
    text = html.unescape(re.sub(r"<[^>]+>", " ", rs.differences_section(one)))
    assert text.count("no difference can be called clear") == 1, text
    assert "in a single run." in text


# ------------------------------------------------------------------------------ H13
@pytest.mark.parametrize("option", ["--title", "--authority", "--date", "--prepared-by"])
def test_a_heading_option_of_only_spaces_is_refused(option, tmp_path, capsys):
    from workbench.cli import main

    out = tmp_path / "r.html"
    code = main(["report", str(ROOT / "scenarios" / "baseline.yaml"), "--out", str(out),
                 option, " \u00a0 "])
    err = capsys.readouterr().err
    assert code != 0 and not out.exists()
    assert (f"{option}: holds only spaces; give the words to print in the report's heading, "
            f"or leave {option} out") in err, err
    assert "Traceback" not in err
