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
"""

from __future__ import annotations

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
def looked(explorer, chromium):
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
    return seen


@needs_chromium
def test_a_notebooks_progress_bar_is_a_named_progressbar(looked):
    assert looked["notebook_role"] == 1
    assert looked["notebook"] == [["Progress of the run", "38"]], looked["notebook"]


@needs_chromium
def test_the_app_page_has_one_progressbar_not_two(looked):
    assert looked["app_role"] == 1 and looked["app_named"] == 1
