"""A third hostile audit (issue 13), the scrutiny report: text in its heading and tables.

What was seen in a report of four hostile scenario files (HTML, a 103-letter word, an Arabic
name, a 170-character name) and hostile options: ``--title 'Title ... \\u202eevil'`` printed
"Title ... live" and ``--prepared-by 'Officer\\u202eelif.exe'`` printed "Officerexe.file" (a
right-to-left override reverses what follows it; scenario names already refuse it, the options
did not); the ranked table's caption escaped the baseline's name twice (a name with ``<b>``
showed "&lt;b&gt;"); and the long word ran 238 px past the A4 print width (the ranked table 74
px, the authority off the page). The browser check is here because only a browser lays text
out; it skips only when no Chromium is installed and CI is not set.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from workbench.cli import main
from workbench.cli.report import check_text_options
from workbench.errors import UserError
from workbench.present import report_page_one
from workbench.present.report_page import (CHROMIUM_FLAGS, masthead_html,
                                           page_from_notebook)
from workbench.present.report_page_one import OptionResult, _table
from workbench.present.tables import bidi_html, table_html

from conftest import CHROMIUM, SCENARIOS, needs_chromium

WORD = "Supercalifragilisticexpialidocious" * 3 + "x"  # 103 letters, no space
ARABIC = "خطة الأكاديمية 24 (=1+1)"


@pytest.mark.parametrize("option, value, words", [
    ("--title", "Title \u202eevil", "right-to-left override, U+202E"),
    ("--prepared-by", "Officer\u202eelif.exe", "U+202E"),
    ("--authority", "Borough\u2066 Council", "U+2066"),
    ("--date", "1 March\n2027", "U+000A"),
    ("--authority", "x" * 5000, "is 5,000 characters long; at most 200"),
])
def test_heading_options_are_one_line_of_visible_text(tmp_path, capsys, option, value, words):
    out = tmp_path / "r" / "report.html"
    assert main(["report", str(SCENARIOS / "baseline.yaml"), option, value,
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{option}: " in err and words in err and "Traceback" not in err
    assert value not in err  # the value is not printed back
    assert not out.parent.exists()  # refused before anything ran


def test_ordinary_heading_text_is_accepted():
    check_text_options({"--title": "Options for scrutiny: 2027–28", "--authority":
                        "Cyngor Sir Ynys Môn / مجلس", "--date": "", "--prepared-by": None})
    with pytest.raises(UserError, match="--title"):
        check_text_options({"--title": "a\u200bb"})


def test_the_ranked_caption_escapes_the_baseline_name_once(monkeypatch):
    monkeypatch.setattr(report_page_one, "option_results", lambda *a: [])
    exp = SimpleNamespace(scenarios={"B": SimpleNamespace(name="Base <b>x</b> & co")})
    html = report_page_one.ranked_table(exp, SimpleNamespace(baseline="B", options=[]))
    assert "against the Base &lt;b&gt;x&lt;/b&gt; &amp; co:" in html
    assert "&amp;lt;" not in html and "&amp;amp;" not in html


def test_right_to_left_text_is_isolated_and_other_text_unchanged():
    assert bidi_html(ARABIC) == f"<bdi>{ARABIC}</bdi>"
    assert bidi_html("<b>Baseline</b> & co") == "&lt;b&gt;Baseline&lt;/b&gt; &amp; co"
    assert bidi_html("<script>" + "\u05d0") == "<bdi>&lt;script&gt;\u05d0</bdi>"


def hostile_page(tmp_path):
    rows = [OptionResult(f"o{i}", name, {}) for i, name in
            enumerate([WORD, ARABIC, "Option with a very long name " * 6], 1)]
    df = pd.DataFrame({"Measure": ["Assessments finished within 45 working days"],
                       "Baseline": ["93.6% (90.2% to 97.0%)"], WORD: ["62.0% (24.4% to 99.7%)"],
                       ARABIC: ["68.8% (61.6% to 75.9%)"]})
    blocks = [masthead_html("Title " + WORD, "Borough " + "W" * 80, prepared_by=WORD),
              _table(rows, f"Each option against the {WORD}", "Option (ranked)"),
              table_html(df, "Every measure")]
    page = page_from_notebook(SimpleNamespace(cells=[{"outputs": [{"data": {"text/html": b}}]}
                                                     for b in blocks]), "Hostile")
    out = tmp_path / "page.html"
    out.write_text(page, encoding="utf-8")
    return out


@needs_chromium
def test_long_words_stay_within_the_a4_print_width(tmp_path):
    from playwright.sync_api import sync_playwright

    out = hostile_page(tmp_path)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS[1:])
        try:
            # 184 mm: A4 less the report's print margins, at 96 px an inch
            page = browser.new_page(viewport={"width": 696, "height": 1000})
            page.emulate_media(media="print")
            page.goto(out.resolve().as_uri(), wait_until="load")
            over = page.evaluate("""() => {
              const w = document.documentElement.clientWidth;
              return [...document.querySelectorAll('h1, p, dd, table, th, caption')]
                .filter(e => e.getBoundingClientRect().right > w + 1)
                .map(e => e.tagName + ': ' + e.textContent.slice(0, 40));
            }""")
            bdi = page.eval_on_selector_all("bdi", "els => els.map(e => e.textContent)")
        finally:
            browser.close()
    assert over == []
    assert ARABIC in bdi


def test_a_bare_address_in_a_description_is_not_made_a_link(baseline):
    """The comparison notebook shows the descriptions as Markdown, which links a bare address
    (GitHub-flavoured, as Jupyter renders it): only the project writes links."""
    import html as html_lib

    from workbench.present.report_changes import changes_markdown

    odd = baseline.replace({"name": "**Odd** _plan_", "academy.intake_per_year": 24,
                            "description": "Log in at https://phish.example/login or "
                                           "www.evil.example, or mail x@evil.example; "
                                           "[y](vbscript:msgbox) `code`"})
    text = changes_markdown(SimpleNamespace(scenarios={"Baseline": baseline, odd.name: odd}),
                            "Baseline")
    for raw in ("://", "www.", "@", "](", "**Odd** _plan_", "`code`"):
        assert raw not in text, raw
    shown = html_lib.unescape(text)  # what a reader sees, character for character
    assert "https://phish.example/login" in shown and "**Odd** _plan_" in shown
    assert "Academy places a year: 12 → 24" in text


@pytest.mark.parametrize("name", ["Cost $^$", "A $\\nope$ B", "Pay £5 $ or $ 10"])
def test_a_dollar_in_a_name_is_text_in_the_charts(baseline, name):
    """Matplotlib set text between two "$" as mathematics: "Cost $^$" stopped every chart of the
    report and the app with a ValueError, "Pay £5 $ or $ 10" lost its spaces."""
    import io

    from workbench.experiment import run_experiment
    from workbench.present import plots

    odd = baseline.replace({"name": name, "academy.intake_per_year": 20})
    exp = run_experiment({"Baseline": baseline, name: odd}, replications=2, seed=1, years=0.05,
                         executor="serial", progress=False)
    for draw in (plots.plot_timeliness, plots.plot_unallocated):
        fig = draw(exp)
        fig.savefig(io.BytesIO(), format="png")  # drawing is where mathematics failed
        labels = [t.get_text() for ax in fig.axes if ax.get_legend()
                  for t in ax.get_legend().get_texts()]
        assert name in labels
        assert all(not t.get_parse_math() for ax in fig.axes if ax.get_legend()
                   for t in ax.get_legend().get_texts())
