"""The scrutiny report in a real browser (issue 15): axe-core finds no serious or critical
accessibility violation, the A4 PDF has no blank page and no orphaned heading, page one holds the
ranked table, the bundled scenarios fit in about 12 pages. That text from scenario files and
parameters stays text in the browser (issue 13) is test_decision_report.py's
test_html_in_names_and_parameters_renders_as_text, on the report that module builds.

Headless Debian Chromium driven by Playwright (``executable_path``, no browser download); axe-core
comes bundled in the ``axe-playwright-python`` package. The tests skip only when no Chromium is
installed and CI is not set (CI installs one with `.ci/run`, and there a missing one fails).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from workbench.cli.report import build_report
from workbench.present.report_page import write_pdf

from conftest import needs_chromium
from test_decision_report import saved  # noqa: F401  (saved optimiser and sensitivity results)

ROOT = Path(__file__).resolve().parents[1]
SC = ROOT / "scenarios"
pytestmark = needs_chromium  # never skipped in CI: there a missing browser is a failure
#: 12 until session 18, when the appendix gained the sources of 19 inputs that had none (H74:
#: every input says where it came from), which printed the bundled report on 13 pages
MAX_PAGES = 13


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    """The report for every bundled scenario (half a year and two runs: the layout is what is
    tested, and it does not depend on the numbers' precision; it prints 12 pages, as a year
    does). Its PDF is written here, before the module's browser (``chromium``) starts:
    Playwright's sync API runs one session at a time."""
    from workbench.scenario.catalog import bundled_scenarios

    out = tmp_path_factory.mktemp("bundled") / "report.html"
    build_report(bundled_scenarios(), out, replications=2, seed=3, years=0.5, executor="process",
                 progress=False, authority="Anyshire County Council", date="1 March 2027",
                 prepared_by="Strategic workforce team")
    pdf = out.with_suffix(".pdf")
    return out, pdf, write_pdf(out, pdf)


def axe_on(page) -> list[dict]:
    """axe-core's violations on the page open in ``page``."""
    import axe_playwright_python

    page.evaluate(Path(axe_playwright_python.__file__).with_name("axe.min.js").read_text())
    res = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag', values:
        ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})""")
    return res["violations"]


@pytest.fixture(scope="module")
def bundled_page(bundled, chromium):
    """The bundled report open in the module's browser, which two tests read (axe-core only
    adds its script, no element)."""
    out, _, _ = bundled
    page = chromium.new_page()
    page.goto(out.resolve().as_uri(), wait_until="load")
    yield page
    page.close()


@functools.lru_cache(maxsize=4)
def pages_text(pdf: Path) -> list[str]:
    """Each page's text (read once per PDF: two tests read the bundled report's)."""
    from pypdf import PdfReader

    return [p.extract_text() or "" for p in PdfReader(str(pdf)).pages]


# The tests that print a PDF (write_pdf runs a Playwright session of its own) come first; the
# tests after them share the module's browser (``chromium``).
def test_report_pdf_option_writes_the_pdf_and_reports_its_pages(tmp_path, monkeypatch, capsys):
    from workbench.cli import main
    from workbench.cli import report as cli_report
    from workbench.present.report_page import page_from_notebook, section_html

    def quick(files, out, *args, **kwargs):  # the page without the simulation behind it
        from types import SimpleNamespace

        cell = {"outputs": [{"data": {"text/html": section_html("A section", "Some words.")}}]}
        out.write_text(page_from_notebook(SimpleNamespace(cells=[cell]), "Quick"))
        return out

    monkeypatch.setattr(cli_report, "build_report", quick)
    out = tmp_path / "r.html"
    assert main(["report", str(SC / "baseline.yaml"), "--out", str(out), "--pdf"]) == 0
    said = capsys.readouterr().out
    assert f"PDF written to {out.with_suffix('.pdf')}: 1 A4 pages" in said
    assert out.with_suffix(".pdf").read_bytes().startswith(b"%PDF")


def test_pdf_is_a4_with_no_blank_page_and_page_one_holds_the_ranked_table(bundled):
    from pypdf import PdfReader

    out, pdf, pages = bundled
    reader = PdfReader(str(pdf))
    assert pages == len(reader.pages) <= MAX_PAGES
    for p in reader.pages:
        w, h = float(p.mediabox.width), float(p.mediabox.height)
        assert abs(w - 595) < 3 and abs(h - 842) < 3  # A4 in points
    texts = pages_text(pdf)
    for i, text in enumerate(texts, 1):
        body = re.sub(rf"Page {i} of {pages}", "", text).strip()
        assert len(body) > 40, f"page {i} is blank"
    first = re.sub(r"\s+", " ", texts[0])  # words wrap inside the table's narrow cells
    assert "The answer in brief" in first and "Option (ranked)" in first
    assert "Anyshire County Council" in first and "Strategic workforce team" in first
    from workbench.present.report_design import report_design
    from workbench.scenario.catalog import load_scenario_files

    design = report_design(load_scenario_files(None, ROOT)[0])
    for option in design.options:  # every option is ranked on page one
        assert option in first, option


def test_no_heading_is_orphaned_at_the_foot_of_a_page(bundled):
    out, pdf, pages = bundled
    headings = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", h)).strip()
                for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", out.read_text(), flags=re.S)]
    for i, text in enumerate(pages_text(pdf), 1):
        lines = [ln.strip() for ln in text.splitlines()
                 if ln.strip() and not re.fullmatch(r"Page \d+ of \d+", ln.strip())]
        assert lines, f"page {i} is blank"
        assert lines[-1] not in headings, f"heading {lines[-1]!r} alone at the foot of page {i}"


def test_axe_finds_no_serious_or_critical_violation(bundled_page):
    violations = axe_on(bundled_page)
    bad = [(v["id"], v["impact"], v["nodes"][0]["html"][:120]) for v in violations
           if v["impact"] in ("serious", "critical")]
    assert bad == []


def test_every_chart_has_a_text_alternative_with_its_finding(bundled_page):
    page = bundled_page
    alts = page.eval_on_selector_all("img", "els => els.map(e => e.alt)")
    levels = page.eval_on_selector_all("h1, h2, h3", "els => els.map(e => +e.tagName[1])")
    lang = page.evaluate("document.documentElement.lang")
    assert len(alts) >= 7
    for alt in alts:
        assert "No description" not in alt and len(alt) > 60
        assert re.search(r"\d", alt), alt  # it states a finding with its numbers
    assert lang == "en-GB" and levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:]))  # headings in order


def test_the_decision_sections_have_no_serious_violation(chromium, saved, tmp_path):
    """The optional sections (``--plan``, ``--sensitivity``) on a page of their own: axe-core,
    text alternatives with numbers, headings in order, HTML in a scenario name kept as text."""
    from workbench.decision import load_result
    from workbench.decision.sensitivity import load_sensitivity
    from workbench.present.report_page import masthead_html
    from workbench.present.report_sections import plan_section, sensitivity_section

    blocks = [masthead_html("Decisions", "Anyshire County Council"),
              plan_section(load_result(saved.plan_dir)),
              sensitivity_section(load_sensitivity(saved.sens_dir))]
    out = _page_of(blocks, "Decisions", tmp_path / "decisions.html")
    page = chromium.new_page()
    page.goto(out.resolve().as_uri(), wait_until="load")
    alts = page.eval_on_selector_all("img", "els => els.map(e => e.alt)")
    levels = page.eval_on_selector_all("h1, h2, h3", "els => els.map(e => +e.tagName[1])")
    pwned = page.evaluate("window.pwned")
    text = page.inner_text("body")
    serious = _serious(page)  # after the reading: axe-core adds its script
    page.close()
    assert serious == []
    assert len(alts) == 2 and all(len(a) > 60 and re.search(r"\d", a) for a in alts)
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:]))
    assert pwned is None and "<script>window.pwned=1</script>" in text


def test_the_neighbours_section_has_no_serious_violation(chromium, tmp_path):
    """``--published --la --neighbour``: the authority against its neighbours and England, on a
    page of its own: axe-core finds no serious or critical violation; the chart has its text."""
    from workbench.present.neighbours import neighbours_section
    from workbench.present.report_page import masthead_html

    blocks = [masthead_html("Neighbours", "County Durham"),
              neighbours_section("Durham", ["Gateshead", "Sunderland"],
                                 data=ROOT / "tests" / "data" / "published")]
    out = _page_of(blocks, "Neighbours", tmp_path / "neighbours.html")
    page = chromium.new_page()
    page.goto(out.resolve().as_uri(), wait_until="load")
    alts = page.eval_on_selector_all("img", "els => els.map(e => e.alt)")
    serious = _serious(page)
    page.close()
    assert serious == []
    assert alts and all(len(a) > 40 for a in alts)


def _page_of(blocks: list[str], title: str, out: Path) -> Path:
    """A report page holding only ``blocks`` (HTML sections), as the report assembles them."""
    from types import SimpleNamespace

    from workbench.present.report_page import page_from_notebook

    cells = [{"outputs": [{"data": {"text/html": b}}]} for b in blocks]
    out.write_text(page_from_notebook(SimpleNamespace(cells=cells), title), encoding="utf-8")
    return out


def _serious(page) -> list:
    """axe-core's serious and critical violations on the page open in ``page``."""
    return [(v["id"], v["impact"], v["nodes"][0]["html"][:120])
            for v in axe_on(page) if v["impact"] in ("serious", "critical")]
