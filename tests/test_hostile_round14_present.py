"""Round 14 (audit H73) of the pages people read: WCAG 2.2 AA criteria not tested before, the
app's error states, and what a chart's text alternative says against the chart. Each test failed
on the code before its fix; synthetic experiments (the test's own numbers), no simulation.

F1. The report of the baseline alone drew its caseload chart as the median worker with the
spread of workers (a line near 25 cases, bands from 8 to 28) under the title "Average caseload
against the aim", and its text alternative said "one line with a shaded 95% range ... Average
21.6": the line shown was not the average the title and the text gave. It now draws the average
(with its 95% range) as it does for two or more scenarios.

F2. The week-by-week charts of a short run (the report's timeliness, waiting and caseload charts,
the explorer's) labelled their date axis "Nov 2017, Nov 2017, Dec 2017, Dec 2017, Jan 2018, Jan
2018": matplotlib's ticks every few weeks, each labelled with its month. They now tick at whole
months (days, with the month, under two months), as the charts in panels did.

F3. WCAG 4.1.3 (status messages): the app's lines that say how a run, a plan's search or a save
went ("Running 4 simulations...", "Done in 3.2 s", "Could not run: ...", "Not saved: ...")
changed with nothing to tell a screen reader: a blind manager pressing Run heard nothing, not
even that the run had failed. They are now status messages (role="status", aria-live polite),
set as the page draws them, before their first change; so is the note under Start from ("The
file of ... has changed since you chose it", "Two files give one name").

F4. WCAG 1.4.11 (non-text contrast) and 1.4.1 (use of colour) in the charts, by contrast ratios
computed from the colours drawn: the difference chart's grey bars ("no clear change") were 2.4:1
against white, and told apart from the green "clearly better" ones by colour alone; the bar
charts' pink bar 2.5:1 (the palette's 3:1 lost to an alpha of 0.85); the stacked staff types
1.4:1 to 1.6:1 against each other, told apart by colour alone; the vacant posts' dotted line
2.5:1 and the warm-up's line 1.9:1 against the blue they cross; the 95% range bands 1.2:1 to
1.4:1 and the caseload spread's two bands (10% to 90%, the middle half) told apart by their shade
alone. Grey bars are now 3:1 and dotted; bars solid; each staff type has its own pattern and a
dark edge; the lines are near black; each band has an edge in its line's colour (dotted for
10% to 90%).

F5. WCAG 1.1.1: the app's and the explorer's charts (Timeliness, Waiting children, Caseloads,
Workforce, Stability, Cost) were image widgets with no text alternative: a screen reader said
"image" or the picture's address, and nothing of what it showed. Each now has the text
alternative the report's charts have (what it shows and its main finding, from the run's
numbers): the widget after each image holds it, out of sight, and the app's page copies it to the
image's alt (hiding the copy, so that it is read once); in a notebook a screen reader reads it
after the image.

F6. The staff chart's text alternative (report and app) said "with vacant posts dotted. Vacant
posts: Average 17.5%" of a chart that draws vacant posts in full-time equivalents (about 35): the
figure is the share of funded posts left vacant, and now says so.

F7. WCAG 1.4.3 (text contrast): the app's warnings and its note that the results shown are for
earlier settings ("(The results below are for earlier settings: press Run.)", "Two files give
one name", a file that cannot be used) were amber #b26b00, 4.2:1 against white where text needs
4.5:1. They are now #9a5c00, 5.4:1.

F8. WCAG 1.4.11 for the app's controls (measured in the app's page in Chromium): the text boxes
and lists (Random seed, Name your scenario, Start from, the plan's targets) were edged #bdbdbd,
1.9:1 against white; a slider's handle #d9d9d9 on white, 1.4:1, and its track #bdbdbd on
#fafafa, 1.8:1. The app's page now edges boxes and lists #767676 (4.5:1), the handle #595959 and
the track #808080 (3.8:1); a handle's hover and focus colour still shows.

F9. WCAG 1.4.1: the caseload aim (and the timeliness target) is a red dashed line, and so is the
second option's line (blue, dashed): the legend told them apart by colour alone. The line now
says what it is at its right end ("aim 20"), on white.

F10. The report's PDF (`workbench report --pdf`) was untagged: a screen reader reading it found
no headings, no tables and no chart's text alternative (the page's alt texts did not reach it),
no language, and it had no bookmarks to move between sections. It is now printed tagged (each
chart a Figure with its alt text; the page's language) with the headings as bookmarks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.experiment.results import Experiment

from conftest import needs_chromium

KPIS = {"assessment_within_45wd_pct": 80.0, "unallocated_mean": 40.0, "caseload_mean": 21.0,
        "sw_changes_per_child_year": 1.2, "cost_per_year_gbp": 15e6,
        "vacancy_rate_pct": 12.0, "agency_share_pct": 10.0}


def experiment(scenarios: dict, weeks: int = 17, n: int = 3) -> Experiment:
    """Each scenario's KPIs as KPIS (a small wobble per run); weekly series from 2 October 2017
    in which the median worker holds 25 cases and the average 21."""
    rows, ts = [], []
    for j, label in enumerate(scenarios):
        for i in range(n):
            rows.append({"scenario": label, "scenario_name": scenarios[label].name, "digest": "d",
                         "replication": i, "seed": i,
                         **{k: v * (1 + 0.01 * j) + 0.001 * i for k, v in KPIS.items()}})
            for wk in range(weeks):
                ts.append({"scenario": label, "replication": i, "week": wk,
                           "date": str((pd.Timestamp("2017-10-02") + pd.Timedelta(weeks=wk))
                                       .date()), "t_days": 7 * (wk + 1),
                           "unallocated": 40.0 + j, "assessment_within_45wd_pct": 80.0,
                           "caseload_mean": 21.0 + j + 0.1 * i, "caseload_p10": 9.0,
                           "caseload_p25": 16.0, "caseload_p50": 25.0, "caseload_p75": 26.5,
                           "caseload_p90": 28.0, "fte_experienced": 140.0, "fte_nqsw": 20.0,
                           "fte_academy": 12.0, "fte_agency": 20.0, "vacancies_fte": 35.0})
    return Experiment(scenarios=dict(scenarios), digests={k: "d" for k in scenarios}, seed=1,
                      replications=n, years=weeks / 52, warmup_days=0, kpis=pd.DataFrame(rows),
                      timeseries=pd.DataFrame(ts), failures=pd.DataFrame(columns=["scenario"]),
                      kpi_names=tuple(KPIS))


@pytest.fixture(scope="module")
def alone(baseline):
    """A report of the baseline alone."""
    from workbench.present.report_design import Warmup, report_design
    from workbench.present.report_sections import Report

    design = report_design({"Baseline": baseline})
    return Report(experiment(design.scenarios), {}, design, Warmup(0.0, "given"))


def _drawn(monkeypatch, section, r):
    """The figure a report section draws, and its text alternative."""
    from workbench.present import report_sections

    got = {}

    def keep(fig, alt, *args, **kwargs):
        got["fig"], got["alt"] = fig, alt
        return ""

    monkeypatch.setattr(report_sections, "figure_html", keep)
    section(r)
    return got["fig"], got["alt"]


# ------------------------------------------------------------------------------ F1
def test_the_caseload_chart_of_the_baseline_alone_draws_the_average_its_title_gives(
        alone, monkeypatch):
    import matplotlib.pyplot as plt

    from workbench.present.report_sections import caseload_section

    fig, alt = _drawn(monkeypatch, caseload_section, alone)
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Average caseload against the aim"
    assert "one line with a shaded 95% range" in alt and "Average 21.0 (Baseline)" in alt, alt
    lines = [ln for ln in ax.get_lines() if ln.get_label() == "Baseline"]
    assert len(lines) == 1, [ln.get_label() for ln in ax.get_lines()]
    assert np.allclose(np.asarray(lines[0].get_ydata(), float), 21.1)   # was the median, 25
    assert "median worker" not in [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close(fig)


def test_the_explorer_still_shows_one_scenarios_spread_of_caseloads():
    import matplotlib.pyplot as plt

    from workbench.present import plots
    from workbench.scenario import load_scenario
    from conftest import SCENARIOS

    exp = experiment({"Baseline": load_scenario(SCENARIOS / "baseline.yaml")})
    fig = plots.plot_caseloads(exp, aim=20)
    assert "median worker" in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    plt.close(fig)


# ------------------------------------------------------------------------------ F2
@pytest.mark.parametrize("weeks, first", [(17, "Oct 2017"), (6, "05 Oct 2017")])
def test_a_short_runs_date_axis_names_each_month_once(baseline, weeks, first):
    import matplotlib.pyplot as plt

    from workbench.present import plots

    exp = experiment({"Baseline": baseline, "Other": baseline.replace({"name": "Other"})},
                     weeks=weeks)
    for fig in (plots.plot_timeliness(exp), plots.plot_unallocated(exp),
                plots.plot_caseloads(exp), plots.plot_workforce_mix(exp)):
        fig.canvas.draw()
        ax = fig.axes[0]
        shown = [t.get_text() for t in ax.get_xticklabels()
                 if t.get_text() and ax.get_xlim()[0] <= t.get_position()[0] <= ax.get_xlim()[1]]
        plt.close(fig)
        assert len(shown) >= 3 and len(shown) == len(set(shown)), shown
        assert shown[0] == first, shown


# ------------------------------------------------------------------------------ F10
# (before the module's browser starts: write_pdf runs a Playwright session of its own)
@needs_chromium
def test_the_pdf_is_tagged_with_each_charts_text_and_its_headings_as_bookmarks(tmp_path):
    from types import SimpleNamespace

    import matplotlib.pyplot as plt
    from pypdf import PdfReader

    from workbench.present.report_charts import figure_html
    from workbench.present.report_page import page_from_notebook, section_html, write_pdf

    alt = "Bar chart: cost a year. Highest on average: Baseline (£15.00m)."
    cell = {"outputs": [{"data": {"text/html": section_html(
        "Cost a year", "Some words.", figure_html(plt.figure(figsize=(2, 1)), alt))}}]}
    out = tmp_path / "r.html"
    out.write_text(page_from_notebook(SimpleNamespace(cells=[cell]), "Quick"), encoding="utf-8")
    assert write_pdf(out, tmp_path / "r.pdf") == 1
    reader = PdfReader(str(tmp_path / "r.pdf"))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"], list(root)
    assert str(root["/Lang"]).startswith("en")
    found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, dict):
            found.append((node.get("/S"), node.get("/Alt")))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
                if hasattr(kid, "get_object"):
                    walk(kid)

    walk(root["/StructTreeRoot"])
    assert ("/Figure", alt) in found, found
    assert ("/H2", None) in found, found
    assert [b["/Title"] for b in reader.outline] == ["Cost a year"]

# ------------------------------------------------------------------------------ F3
@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from conftest import team_folder
    from workbench.present.app import App

    folder = team_folder(tmp_path_factory.mktemp("r14"), ("baseline.yaml",))
    a = App(scenarios_dir=folder, executor="serial", replications=2, years=0.05, seed=1)
    yield a
    a.close()


def test_the_apps_run_search_and_save_lines_are_status_messages(app):
    for line in (app.status, app.plan_status, app.save_status, app.list_note):
        assert "wb-status" in line._dom_classes, line


def _template_script(marker: str) -> str:
    import re
    from pathlib import Path

    import workbench.present as present

    template = (Path(present.__file__).parent / "app_template" / "voila" / "templates" /
                "workbench" / "index.html.j2").read_text()
    [script] = [s for s in re.findall(r"<script>(.*?)</script>", template, flags=re.S)
                if marker in s]
    return script


@needs_chromium
def test_the_apps_page_makes_a_status_line_a_live_region_before_it_changes(chromium):
    page = chromium.new_page()
    page.set_content("<html><body><div id='main'></div><script>"
                     + _template_script("noUi-handle") + "</script></body></html>")
    # the widget is drawn after the page loads, as ipywidgets draws it, then its message changes
    page.evaluate("""() => { const d = document.createElement('div');
        d.className = 'widget-html wb-status';
        d.innerHTML = '<div class="widget-html-content">Press <b>Run</b></div>';
        document.getElementById('main').appendChild(d); }""")
    page.wait_for_function("() => document.querySelector('.wb-status').getAttribute('role')")
    got = page.evaluate("""() => { const d = document.querySelector('.wb-status');
        d.firstChild.innerHTML = 'Could not run: the scenario is broken';
        return [d.getAttribute('role'), d.getAttribute('aria-live'),
                d.getAttribute('aria-atomic')]; }""")
    page.close()
    assert got == ["status", "polite", "true"], got


# ------------------------------------------------------------------------------ F4
def _luminance(rgb) -> float:
    def one(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (one(float(c)) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _on(rgba, under=(1.0, 1.0, 1.0)):
    """A colour with its alpha as drawn over ``under``."""
    import matplotlib.colors as mcolors

    r, g, b, a = mcolors.to_rgba(rgba)
    return tuple(a * c + (1 - a) * u for c, u in zip((r, g, b), under))


def contrast(one, two=(1.0, 1.0, 1.0)) -> float:
    hi, lo = sorted([_luminance(one), _luminance(two)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.fixture(scope="module")
def charts(baseline):
    """The charts drawn for six scenarios (the palette's first six) over 17 weeks."""
    import matplotlib.pyplot as plt

    from workbench.present import plots

    names = ["Baseline", "Two", "Three", "Four", "Five", "Six"]
    exp = experiment({n: baseline.replace({"name": n}) for n in names})
    exp.kpis.loc[exp.kpis.scenario == "Two", "caseload_mean"] -= 1.0       # clearly better
    exp.kpis.loc[exp.kpis.scenario == "Three", "caseload_mean"] += 1.0     # clearly worse
    exp.timeseries["unallocated"] += exp.timeseries.replication * 3.0
    out = {"differences": plots.plot_paired_differences(exp, "Baseline"),
           "bars": plots.plot_kpi_bars(exp, "caseload_mean"),
           "workforce": plots.plot_workforce_mix_compare(exp, names[:1]),
           "lines": plots.plot_unallocated(exp),
           "fan": plots.plot_caseloads(exp, scenario="Baseline")}
    yield out
    for fig in out.values():
        plt.close(fig)


def test_every_bar_is_3_to_1_and_each_reading_has_its_own_pattern(charts):
    from matplotlib.patches import Rectangle

    seen = {}
    for ax in charts["differences"].axes:
        for bar in (p for p in ax.patches if isinstance(p, Rectangle)):
            face = _on(bar.get_facecolor())
            assert contrast(face) >= 3, (ax.get_title(), bar.get_facecolor())
            seen.setdefault(bar.get_hatch(), set()).add(tuple(round(c, 3) for c in face))
    assert len(seen) == 3, seen        # better, worse and grey: three patterns, not two
    bars = [p for p in charts["bars"].axes[0].patches if isinstance(p, Rectangle)]
    assert len(bars) == 6
    for bar in bars:
        assert contrast(_on(bar.get_facecolor())) >= 3, bar.get_facecolor()


def test_the_stacked_staff_types_have_patterns_edges_and_lines_of_3_to_1(charts, alone,
                                                                         monkeypatch):
    from matplotlib.collections import PolyCollection

    from workbench.present.report_sections import WARMUP_LINE

    ax = charts["workforce"].axes[0]
    areas = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(areas) == 4
    assert len({a.get_hatch() for a in areas}) == 4, [a.get_hatch() for a in areas]
    fills = [_on(a.get_facecolor()[0]) for a in areas]
    for area, fill in zip(areas, fills):
        assert area.get_linewidth()[0] > 0 and contrast(area.get_edgecolor()[0], fill) >= 3
    [vacant] = [ln for ln in ax.get_lines() if ln.get_label() == "Vacant posts (FTE)"]
    assert contrast(_on(vacant.get_color()), fills[0]) >= 3      # over the experienced staff
    assert contrast(_on(WARMUP_LINE), fills[0]) >= 3 and contrast(_on(WARMUP_LINE)) >= 3


def test_each_band_has_an_edge_of_3_to_1_and_the_spreads_bands_differ_by_more_than_shade(
        charts):
    from matplotlib.collections import PolyCollection

    ax = charts["lines"].axes[0]
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 6
    for band in bands:
        assert band.get_linewidth()[0] > 0 and contrast(_on(band.get_edgecolor()[0])) >= 3
    fan = [c for c in charts["fan"].axes[0].collections if isinstance(c, PolyCollection)]
    assert len(fan) == 2
    assert all(contrast(_on(b.get_edgecolor()[0])) >= 3 and b.get_linewidth()[0] > 0
               for b in fan)
    assert fan[0].get_linestyle() != fan[1].get_linestyle()


# ------------------------------------------------------------------------------ F5, F6
@pytest.fixture(scope="module")
def ran(app):
    app.run()
    return app.figures


def test_every_chart_in_the_app_has_a_text_alternative_with_its_finding(app, ran):
    import html
    import re

    from workbench.analysis.registry import kpi

    s = app.exp.summary()
    means = {k: kpi(k).format(float(s.loc[s.kpi == k, "mean"].iloc[0])) for k in s.kpi.unique()}
    said = {}
    for tab, images in app._tab_images.items():
        page = list(app.results.children[list(app._tab_html).index(tab)].children)
        for name, img in images.items():
            alt = app._tab_alts[tab][name]
            assert page[page.index(img) + 1] is alt          # the text follows its image
            if name in ran:
                assert img.value == ran[name]
                m = re.fullmatch(r'<p class="wb-chart-alt" style="[^"]*clip:rect\(0,0,0,0\)[^"]*">'
                                 r"(.*)</p>", alt.value)
                assert m, alt.value
                said[name] = html.unescape(m.group(1)).replace("\u2068", "").replace("\u2069", "")
            else:
                assert alt.value == ""
    assert set(said) == {"timeliness", "unallocated", "caseloads", "workforce",
                         "sw_changes_over_time", "sw_changes", "cost"}, set(said)
    for name, text in said.items():
        assert text.startswith(("Line chart: ", "Bar chart: ", "Caseloads against", "Staff in")), text
    assert f"Average {means['assessment_within_45wd_pct']} (" in said["timeliness"]
    assert f"Average {means['unallocated_mean']} (" in said["unallocated"]
    assert f"Average {means['cost_per_year_gbp']} (" in said["cost"]
    assert ("Vacant posts, as a share of funded posts: Average "
            f"{means['vacancy_rate_pct']} (") in said["workforce"]
    assert "against the aim of 20" in said["caseloads"]


@needs_chromium
def test_the_apps_page_gives_each_chart_image_its_text_as_alt_and_reads_it_once(chromium):
    page = chromium.new_page()
    page.set_content("<html><body><div id='main'></div><script>"
                     + _template_script("noUi-handle") + "</script></body></html>")
    page.evaluate("""() => { document.getElementById('main').innerHTML =
        '<img class="widget-image" src="data:,"><div class="widget-html">' +
        '<div class="widget-html-content"><p class="wb-chart-alt">Bar chart: cost. ' +
        'Average £15.00m (Baseline).</p></div></div>'; }""")
    page.wait_for_function("() => document.querySelector('img').getAttribute('alt')")
    first = page.evaluate("""() => [document.querySelector('img').getAttribute('alt'),
        document.querySelector('.widget-html').getAttribute('aria-hidden')]""")
    # redrawn after another run: the alt follows the new text
    page.evaluate("""() => { document.querySelector('.widget-html-content').innerHTML =
        '<p class="wb-chart-alt">Bar chart: cost. Average £16.00m (Baseline).</p>'; }""")
    page.wait_for_function("() => document.querySelector('img').alt.includes('16.00')")
    page.close()
    assert first == ["Bar chart: cost. Average £15.00m (Baseline).", "true"], first


def test_the_reports_staff_chart_says_its_figure_is_a_share_of_funded_posts(alone, monkeypatch):
    from workbench.present.report_sections import workforce_section

    fig, alt = _drawn(monkeypatch, workforce_section, alone)
    assert "Vacant posts, as a share of funded posts: Average 12.0% (" in alt, alt


# ------------------------------------------------------------------------------ F7
def test_the_apps_warnings_and_stale_note_are_4_5_to_1(app, ran):
    import re

    from conftest import SCENARIOS

    box = app.years
    before = box.value
    box.value = [v for _, v in box.options if v != before][0]
    try:
        note = app.changes_note.value
    finally:
        box.value = before
    assert "earlier settings" in note
    colours = re.findall(r"color:\s*(#[0-9a-fA-F]{6})", note)
    assert colours, note
    for c in colours:
        assert contrast(_on(c)) >= 4.5, (c, round(contrast(_on(c)), 2))
    # a second file giving the same name: the list's warning
    import shutil

    folder = app.scenarios_dir
    shutil.copy(SCENARIOS / "baseline.yaml", folder / "baseline_copy.yaml")
    try:
        app.refresh_list()
        said = app.list_note.value
    finally:
        (folder / "baseline_copy.yaml").unlink()
        app.refresh_list()
    assert "Two files give one name" in said, said
    for c in re.findall(r"color:\s*(#[0-9a-fA-F]{6})", said):
        assert contrast(_on(c)) >= 4.5, (c, round(contrast(_on(c)), 2))


# ------------------------------------------------------------------------------ F8
#: ipywidgets 8's own rules for the controls' edges (its colours and selectors), which the app's
#: page loads after the template's style.
WIDGET_EDGES = """
:root { --jp-border-color1: #bdbdbd; --jp-layout-color3: #bdbdbd;
        --jp-widgets-input-border-color: var(--jp-border-color1); }
.widget-text input { border: 1px solid var(--jp-widgets-input-border-color); }
.widget-dropdown > select { border: 1px solid var(--jp-widgets-input-border-color); }
.widget-slider .noUi-target { background: #fafafa; }
.widget-slider .noUi-connects { background: var(--jp-layout-color3); }
.widget-slider .noUi-handle { border: 1px solid #D9D9D9; background: #FFF; }
.widget-slider .noUi-target:not([disabled]) .noUi-handle:focus {
  border: 1px solid #1976d2; }
"""


def _css_rgb(text: str) -> tuple[float, float, float]:
    import re

    r, g, b = (int(x) / 255 for x in re.findall(r"\d+", text)[:3])
    return (r, g, b)


@needs_chromium
def test_the_apps_boxes_lists_and_sliders_have_edges_of_3_to_1(chromium):
    import re
    from pathlib import Path

    import workbench.present as present

    template = (Path(present.__file__).parent / "app_template" / "voila" / "templates" /
                "workbench" / "index.html.j2").read_text()
    app_css = "\n".join(re.findall(r"<style>(.*?)</style>", template, flags=re.S))
    page = chromium.new_page()
    page.set_content(
        f"<html><head><style>{app_css}</style><style>{WIDGET_EDGES}</style></head><body>"
        "<div class='widget-text'><input type='text' value='x'></div>"
        "<div class='widget-dropdown'><select><option>4</option></select></div>"
        "<div class='widget-slider'><div class='noUi-target'><div class='noUi-base'>"
        "<div class='noUi-connects' style='height:4px'></div>"
        "<div class='noUi-handle' tabindex='0' style='width:16px;height:16px'></div>"
        "</div></div></div></body></html>")
    got = page.evaluate("""() => {
        const c = (sel, prop) => getComputedStyle(document.querySelector(sel))[prop];
        return {input: c('input', 'borderTopColor'), select: c('select', 'borderTopColor'),
                track: c('.noUi-connects', 'backgroundColor'),
                handle: c('.noUi-handle', 'borderTopColor')}; }""")
    page.focus(".noUi-handle")
    focused = page.evaluate("() => getComputedStyle(document.querySelector('.noUi-handle'))"
                            ".borderTopColor")
    page.close()
    white, pale = (1.0, 1.0, 1.0), _css_rgb("rgb(250, 250, 250)")
    assert contrast(_css_rgb(got["input"]), white) >= 3, got
    assert contrast(_css_rgb(got["select"]), white) >= 3, got
    assert contrast(_css_rgb(got["track"]), pale) >= 3, got
    assert contrast(_css_rgb(got["handle"]), pale) >= 3, got
    assert focused == "rgb(25, 118, 210)", focused          # the focus colour still shows


# ------------------------------------------------------------------------------ F9
def test_the_aim_line_says_what_it_is_beside_it(baseline):
    import matplotlib.pyplot as plt

    from workbench.present import plots

    exp = experiment({"Baseline": baseline, "Other": baseline.replace({"name": "Other"})})
    for fig in (plots.plot_caseloads(exp, aim=20), plots.plot_caseloads_compare(exp, aim=20),
                plots.plot_timeliness(exp, target=85)):
        for ax in fig.axes:
            said = [t for t in ax.texts if t.get_text() in ("aim 20", "target 85%")]
            assert len(said) == 1, [t.get_text() for t in ax.texts]
            assert said[0].xy[1] in (20, 85)
            assert said[0].get_bbox_patch().get_facecolor()[:3] == (1.0, 1.0, 1.0)
        plt.close(fig)
