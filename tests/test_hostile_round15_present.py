"""Round 15 (audit H77) of the pages people read: three known items, then reflow (WCAG 1.4.10),
text spacing (1.4.12), the printed report's lines, and the charts' captions. Each test failed on
the code before its fix. Synthetic experiments and small pages, no simulation.

G1. A chart's finding ("Highest on average: Full agency cover (83.3%); lowest: ...") was only in
its text alternative: on paper (and on screen) the caption was the alt's first sentence, which
says what the chart shows, as the chart's own title does. The caption is now the finding (the
alt's sentences after the first), printed; the bundled report still prints on 13 pages
(tests/test_browser_report.py's MAX_PAGES).

G2. The explorer's and the app's Random seed box put a number typed outside 0 to 2**53 - 1 back
within it silently (the page did it, so the kernel never saw what was typed): a manager typing
-5 ran seed 0 believing it was -5. The kernel now puts it back and a note beside the box says
what was typed, what the box now holds and the range allowed (WCAG 3.3.1), as a status message.
(tests/test_explorer_round9.py's D5 pin stands: the value is still kept within the bounds.)

G3. The progress bars (the run's, the plan search's) had no role, name or value: a screen reader
said nothing of them. The app's page now gives each role="progressbar", a name ("Progress of
the run", "Progress of the search for the cheapest plan") and its value, 0 to 100, as it moves.

G4. The report's heading at 320 px (WCAG 1.4.10) gave "Period the averages cover" its whole
width (max-content) and squeezed the values into 60 px: "Strategic workforc / e team", and
with a reader's text spacing (1.4.12) one letter a line ("1 / M / a / r / c / h ..."). The names
now take at most half the row.

G6. WCAG 2.5.8 (target size, 24 by 24 px): a slider's handle was 16 by 16 px, the app's one
control under 24 (a plan's range has two handles side by side). It is 24 by 24 now; on a phone
the slider keeps 8 px above and below, so that the handle covers neither the label above it
("from-to") nor the value below it (measured in the app's page: nothing overlaps at 320, 700 or
1280 px).

G8. A plan's range handles were named "\u200bExtra recruits a year: from": the tick box's
label starts with a zero-width space, which the name kept (a braille display may show it). The
space is left out.

G9. The report's appendix, "The baseline's settings, their values and where they come from",
left the Value blank for every setting made of settings of its own: the caseload aims ("Caseloads:
caseload aims", the aim of 20 the report turns on), the weekly cost of a worker by type, the
staff leaving a year by type, each stage's shares of what happens next, the statutory visits and
the open cases at the start: a reader saw the source ("~86% of ICPCs start a CP plan") and no
value. They now read "experienced: 20; newly qualified: 13; academy: 8; agency: 20"; a team's row
(blank too: no funded posts or staff of six of the seven teams were anywhere in the report) reads
"funded posts (FTE): 14; in post: 11 experienced, 2 agency".

G10. WCAG 1.4.12 in the app at 1280 px: with a reader's letter and word spacing, "Refresh the
list" (a 150 px button) and a slider's value "6 months" (72 px) ended in "..." (ipywidgets keeps
them on one line and hides the rest). A button and a value now grow to their text (measured in the
app's page: nothing cut at 320 or 1280 px).

G7. The difference chart's text alternative (and now its printed caption) ended "Every other
difference is not clear." of an option that gave exactly the same value in every run (page one's
table above it: "No change in any run 0.0 pts (the same in every run)"): a certain nothing read
as an uncertain something. Those are now said: "No change in any run: Academy expansion on
assessments finished within 45 working days."

G5. Page one's table broke a signed sum of money between its sign and the pound sign, at every
width and on paper: the printed page read "(95% range -" at a line's end and "£0.54m to +" on
the next, each figure's sign on the line above its number. A signed sum now stays on one line,
there and in every table the package draws (tables._cell).
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from workbench.present.report_page import masthead_html, page_from_notebook, write_pdf

from conftest import needs_chromium, team_folder

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = (ROOT / "workbench" / "present" / "app_template" / "voila" / "templates" /
            "workbench" / "index.html.j2")
#: WCAG 1.4.12's text spacing, as the bookmarklet sets it.
SPACING = ("* { line-height: 1.5 !important; letter-spacing: 0.12em !important; "
           "word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }")


def _page(blocks: list[str], out: Path, title: str = "Round 15") -> Path:
    cells = [{"outputs": [{"data": {"text/html": b}}]} for b in blocks]
    out.write_text(page_from_notebook(SimpleNamespace(cells=cells), title), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def alone(baseline):
    """A report of the baseline alone, on the synthetic experiment of round 14."""
    from test_hostile_round14_present import experiment
    from workbench.present.report_design import Warmup, report_design
    from workbench.present.report_sections import Report

    design = report_design({"Baseline": baseline})
    return Report(experiment(design.scenarios), {}, design, Warmup(0.0, "given"))


@pytest.fixture(scope="module")
def small_report(alone, tmp_path_factory):
    """A page of the report's heading, its caseload chart and a page one cell of signed money,
    with its PDF (printed before the module's browser starts: one Playwright session at a
    time)."""
    from workbench.analysis.registry import kpi
    from workbench.present.report_page_one import Difference, _cell
    from workbench.present.report_sections import caseload_section

    d = Difference(kpi("cost_per_year_gbp"), diff=240_000.0, low=-540_000.0, high=1_010_000.0,
                   comparator_mean=14e6, runs=4, sd=1e5)
    cell = (f'<table class="wb-table" style="width:14rem"><tr><th scope="row">Option'
            f"</th>{_cell(d)}</tr></table>")
    out = _page([masthead_html("Options for scrutiny", "Anyshire County Council",
                               "1 March 2027", "Strategic workforce team",
                               period="January 2018 to May 2018"),
                 caseload_section(alone), cell],
                tmp_path_factory.mktemp("r15") / "report.html")
    pdf = out.with_suffix(".pdf")
    if needs_chromium.args[0]:  # (no browser: the module's tests are skipped)
        return out, None
    write_pdf(out, pdf)
    return out, pdf


# ------------------------------------------------------------------------------ G1
def test_a_charts_caption_is_its_finding():
    from workbench.present.bidi import FSI, PDI
    from workbench.present.report_charts import chart_finding

    alt = ("Line chart: average cases per full-time social worker, week by week. Over the "
           "period: Highest on average: Agency reduction (22.7); lowest: Full agency cover "
           "(20.7).")
    assert chart_finding(alt) == ("Over the period: Highest on average: Agency reduction (22.7); "
                                  "lowest: Full agency cover (20.7).")
    assert chart_finding("Highest on average: A (1.5); lowest: B (1.2).") == (
        "Highest on average: A (1.5); lowest: B (1.2).")          # one sentence: itself
    named = f"Bar chart of {FSI}Plan B. More staff{PDI} and more. Highest: {FSI}x. y{PDI} (2)."
    assert chart_finding(named) == f"Highest: {FSI}x. y{PDI} (2)."   # not cut inside a name


@needs_chromium
def test_the_printed_report_carries_each_charts_finding(small_report):
    from pypdf import PdfReader

    out, pdf = small_report
    page = out.read_text()
    [cap] = re.findall(r"<figcaption>(.*?)</figcaption>", page, flags=re.S)
    assert "Average 21.0" in cap and "Line chart" not in cap, cap
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(str(pdf)).pages))
    assert "Average 21.0" in text, text   # the finding, on paper


# ------------------------------------------------------------------------------ G7
def test_the_difference_charts_text_says_no_change_in_any_run(baseline):
    from test_hostile_round14_present import experiment
    from workbench.present import alt_text

    exp = experiment({"Baseline": baseline, "Same": baseline.replace({"name": "Same"})})
    exp.kpis.loc[:, "assessment_within_45wd_pct"] = 80.0   # the same in every run of both
    alt = alt_text.alt_differences(exp, "Baseline", ["Same"],
                                   ["assessment_within_45wd_pct", "caseload_mean"])
    assert ("No change in any run: Same on assessments finished within 45 working days."
            in alt), alt
    # (round 16, H89: every difference of "Same" is named above, so "Every other difference
    # is not clear." is no longer said; it was said of differences that were not there)
    assert alt.endswith("No change in any run: Same on assessments finished within 45 working "
                        "days."), alt


# ------------------------------------------------------------------------------ G9
def test_the_appendix_gives_the_value_of_settings_made_of_settings(baseline):
    from workbench.present.appendix import appendix_rows

    rows = {n: v for n, v, _ in appendix_rows(ROOT / "scenarios" / "baseline.yaml", baseline)}
    assert rows["Caseloads: caseload aims"] == ("experienced: 20; newly qualified: 13; academy: "
                                                "8; agency: 20")
    assert rows["Costs: weekly cost of a full-time worker, by type (GBP)"] == (
        "experienced: 1,280; newly qualified: 1,050; academy: 1,150; agency: 1,800")
    assert rows["Initial child protection conference: what happens next (shares)"] == (
        "child protection plan: 0.86; child in need plan: 0.14")
    assert rows["Looked after: transfer to another team"] == ("after (days): 100; to team: "
                                                              "Permanence teams")
    assert rows["Starting position: open cases at the start"].startswith(
        "assessment: 560; section 47 enquiry: 45; initial child protection conference: 25;")
    assert rows["Assessment"] == ""          # a stage's own heading: its settings follow it
    assert rows["Families First teams"] == (
        "funded posts (FTE): 112; in post: 70 experienced, 12 experienced at 0.6 FTE, 14 newly "
        "qualified, 12 academy, 14 agency")
    assert rows["Front door (First Contact)"] == ("funded posts (FTE): 16; in post: 15 "
                                                  "experienced; holds no cases")


# ------------------------------------------------------------------------------ G2
@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from workbench.present.app import App

    a = App(scenarios_dir=team_folder(tmp_path_factory.mktemp("app")), executor="serial",
            replications=2, years=0.05, seed=1)
    yield a
    a.close()


@pytest.mark.parametrize("typed, kept, says", [
    (-5, 0, "Random seed: -5 is below the range allowed, 0 to 9,007,199,254,740,991; the box now "
            "holds 0."),
    (2**53, 2**53 - 1, "Random seed: 9,007,199,254,740,992 is above the range allowed, 0 to "
                       "9,007,199,254,740,991; the box now holds 9,007,199,254,740,991."),
    (10**30, 2**53 - 1, "Random seed: the number typed is above the range allowed"),
])
def test_a_seed_put_back_within_its_range_is_said_beside_the_box(app, typed, kept, says):
    from workbench.present.explorer_layout import STATUS_CLASS

    app.seed.set_state({"value": typed})       # as the page sends what was typed
    assert app.seed.value == kept
    assert says in app.seed.note.value, app.seed.note.value
    assert STATUS_CLASS in app.seed.note._dom_classes     # heard as a status message
    row = [box for box in app.widget.children if app.seed in getattr(box, "children", ())]
    assert row and app.seed.note in row[0].children       # beside the box
    assert "min" not in app.seed.keys and "max" not in app.seed.keys  # the page clamps nothing
    app.seed.set_state({"value": 42})
    assert app.seed.value == 42 and app.seed.note.value == ""


# ------------------------------------------------------------------------------ G3
def test_the_progress_bars_carry_a_name(app):
    from workbench.present.explorer_layout import PROGRESS_CLASS

    assert app.progress.tooltip == "Progress of the run"
    assert app.plan_progress.tooltip == "Progress of the search for the cheapest plan"
    for bar in (app.progress, app.plan_progress):
        assert PROGRESS_CLASS in bar._dom_classes


#: ipywidgets' progress bar as its page draws it (ipywidgets 8's ProgressView): a hidden label
#: holding the tooltip, a track and a bar whose width is the share done.
PROGRESS_DOM = ("<div class='jupyter-widgets widget-inline-hbox widget-hprogress wb-progress'>"
                "<label class='widget-label' style='display:none' title='Progress of the run'>"
                "</label><div class='progress'><div class='progress-bar' style='width:0%'>"
                "</div></div></div>")


#: A slider as ipywidgets draws it: ipywidgets sizes and places its handle from the variable
#: --jp-widgets-slider-handle-size (16px of its own, on :root).
SLIDER_DOM = ("<style>:root { --jp-widgets-slider-handle-size: 16px; }</style>"
              "<div class='widget-inline-hbox widget-slider widget-hslider'><label "
              "class='widget-label'>Runs"
              "</label><div class='slider-container'><div class='noUi-target'><div "
              "class='noUi-base'><div class='noUi-handle' role='slider'></div></div></div></div>"
              "<div class='widget-readout'>2</div></div>"
              # a plan's lever: its tick box (ipywidgets starts the label with a zero-width
              # space) and its range of two handles, named from the tick box
              "<div class='widget-checkbox'><label class='widget-label' style='display:none'>"
              "\u200b</label><label class='widget-label-basic'><input type='checkbox'><span>"
              "Extra recruits a year</span></label></div><div class='widget-inline-hbox "
              "widget-slider widget-hslider'><label class='widget-label'>from-to</label><div "
              "class='slider-container'><div class='noUi-target'><div class='noUi-base'><div "
              "class='noUi-handle noUi-handle-lower' role='slider'></div><div class='noUi-handle "
              "noUi-handle-upper' role='slider'></div></div></div></div></div>")


#: A button and a slider's value as ipywidgets styles them (one line, cut with "..." past the
#: box's width), in boxes a little narrower than the app's (150 px and 72 px).
BUTTON_DOM = ("<style>.jupyter-button { overflow: hidden; text-overflow: ellipsis; white-space: "
              "nowrap; font-size: 13px; padding: 0 8px; } .widget-readout { overflow: hidden; "
              "white-space: nowrap; text-overflow: ellipsis; max-width: 148px; font-size: 13px; "
              "width: 56px; }</style><button class='jupyter-button' style='width:120px'>Refresh "
              "the list</button><div class='widget-readout'>6 months</div>")
#: Under WCAG 1.4.12's spacing, the button's and the value's text cut by their boxes.
CUT_UNDER_SPACING = """css => {
  const s = document.createElement('style'); s.textContent = css; document.head.appendChild(s);
  return [...document.querySelectorAll('.jupyter-button, .widget-readout')]
    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent); }"""


# ---------------------------------------------------------- the module's browser: one of each page
@pytest.fixture(scope="module")
def looked(small_report, chromium):
    """What each page shows, read once: the app's progress bar (the template's scripts over
    ipywidgets' markup) before and after it moves; the small report at 320 px with a reader's
    text spacing: the words broken inside (not between) their letters."""
    script = "\n".join(re.findall(r"<script>(.*?)</script>", TEMPLATE.read_text(), flags=re.S))
    style = "\n".join(re.findall(r"<style>(.*?)</style>", TEMPLATE.read_text(), flags=re.S))
    seen = {}
    page = chromium.new_page(viewport={"width": 320, "height": 600})
    page.set_content(f"<html><head><style>{style}</style><script>{script}</script></head><body>"
                     f"<div id='main'>{PROGRESS_DOM}{SLIDER_DOM}{BUTTON_DOM}</div></body></html>")
    seen["handle"] = page.evaluate(
        "() => { const h = document.querySelector('.noUi-handle'), c = h.closest("
        "'.slider-container'), s = getComputedStyle(h), m = getComputedStyle(c); return ["
        "s.getPropertyValue('--jp-widgets-slider-handle-size').trim(), m.marginTop, "
        "m.marginBottom]; }")
    aria = ("() => { const e = document.querySelector('[role=progressbar]'); return e && "
            "[e.getAttribute('aria-label'), e.getAttribute('aria-valuemin'), "
            "e.getAttribute('aria-valuemax'), e.getAttribute('aria-valuenow')]; }")
    page.wait_for_timeout(100)   # (the page's observers run as the markup arrives)
    seen["cut_under_spacing"] = page.evaluate(CUT_UNDER_SPACING, SPACING)
    seen["range_names"] = page.evaluate("[...document.querySelectorAll('.noUi-handle')]"
                                        ".map(h => h.getAttribute('aria-label'))")
    seen["bar_start"] = page.evaluate(aria)
    page.evaluate("document.querySelector('.progress-bar').style.width = '37.5%'")
    page.wait_for_timeout(100)
    seen["bar_moved"] = page.evaluate(aria)
    page.close()

    out, _ = small_report
    page = chromium.new_page(viewport={"width": 320, "height": 700})
    page.goto(out.resolve().as_uri())
    page.add_style_tag(content=SPACING)
    seen["broken_320"] = page.evaluate(BROKEN_WORDS)
    seen["scroll_320"] = page.evaluate("[document.documentElement.scrollWidth, "
                                       "document.documentElement.clientWidth]")
    page.close()
    page = chromium.new_page(viewport={"width": 1280, "height": 700})
    page.goto(out.resolve().as_uri())
    seen["broken_1280"] = page.evaluate(BROKEN_WORDS)
    page.close()
    return seen


#: The words of four characters or more (no hyphen or slash) that a line break cuts in two, as
#: [word, the tag holding it].
BROKEN_WORDS = r"""() => {
  const out = [];
  const walk = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  let n;
  while ((n = walk.nextNode())) {
    if (!n.parentElement.getClientRects().length) continue;
    const re = /[^\s\u2068\u2069]{4,}/g; let m;
    while ((m = re.exec(n.data))) {
      if (/[\/–—]/.test(m[0]) || /[a-z]-[a-z]/i.test(m[0])) continue;
      const r = document.createRange(); r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
      if (new Set([...r.getClientRects()].map(x => Math.round(x.top))).size > 1)
        out.push([m[0], n.parentElement.tagName]);
    }
  }
  // a figure and its sign in separate text nodes (a span): both on one line
  document.querySelectorAll('main td').forEach(td => {
    const text = td.textContent, re = /[+\-−]£[\d.,]+m/g; let m;
    while ((m = re.exec(text))) {
      const r = document.createRange(); let at = 0, start = null, end = null;
      const w = document.createTreeWalker(td, NodeFilter.SHOW_TEXT); let t;
      while ((t = w.nextNode())) {
        const len = t.data.length;
        if (start === null && m.index < at + len) { r.setStart(t, m.index - at); start = 1; }
        if (start !== null && m.index + m[0].length <= at + len) {
          r.setEnd(t, m.index + m[0].length - at); end = 1; break; }
        at += len;
      }
      if (end && new Set([...r.getClientRects()].filter(x => x.width)
                         .map(x => Math.round(x.top))).size > 1) out.push([m[0], 'TD']);
    }
  });
  return out; }"""


@needs_chromium
def test_a_progress_bar_is_a_named_progressbar_with_its_value(looked):
    assert looked["bar_start"] == ["Progress of the run", "0", "100", "0"]
    assert looked["bar_moved"] == ["Progress of the run", "0", "100", "38"]


@needs_chromium
def test_a_sliders_handle_is_24_px_with_room_above_and_below_on_a_phone(looked):
    assert looked["handle"] == ["24px", "8px", "8px"], looked["handle"]


@needs_chromium
def test_a_ranges_handles_are_named_without_the_tick_boxs_zero_width_space(looked):
    assert looked["range_names"] == ["Runs", "Extra recruits a year: from",
                                     "Extra recruits a year: to"], looked["range_names"]


@needs_chromium
def test_a_buttons_name_and_a_sliders_value_are_not_cut_under_text_spacing(looked):
    assert looked["cut_under_spacing"] == [], looked["cut_under_spacing"]


@needs_chromium
def test_the_heading_and_page_ones_figures_keep_their_words_whole_at_320_px(looked):
    assert looked["scroll_320"][0] <= looked["scroll_320"][1]   # no sideways scrolling
    assert looked["broken_320"] == [], looked["broken_320"]        # G4 and G5
    assert looked["broken_1280"] == [], looked["broken_1280"]      # G5
