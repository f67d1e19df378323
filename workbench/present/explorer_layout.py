"""The explorer's widgets and their settings (:mod:`.explorer`): the lever controls in their
tabs, the run settings (years, runs, seed), the results tabs and the words at the top. Built
here, wired to the explorer's handlers there."""

from __future__ import annotations

import calendar
import html
import re
from typing import Any, Callable

from ..decision.levers import LEVER_GROUPS, LEVERS, same_value
from .bidi import FSI, PDI, balance_bidi

__all__ = ["AMBER", "CHART_ALT_CLASS", "HELP_STYLE", "INTRO_HTML", "PROGRESS_CLASS",
           "PROGRESS_SPOKEN_CLASS", "REPLICATIONS_RANGE", "RESULT_TABS", "SEED_MAX",
           "STATUS_CLASS", "TAB_FIGURES", "YEARS_CHOICES", "YEARS_MAX", "chart_alt_html",
           "lever_controls", "progress_bar", "result_tabs", "run_settings",
           "seed_text_box"]

YEARS_CHOICES = [("6 months", 0.5), ("1 year", 1.0), ("2 years", 2.0), ("3 years", 3.0),
                 ("4 years", 4.0), ("5 years", 5.0)]
RESULT_TABS = ["Summary", "Timeliness", "Waiting children", "Caseloads", "Workforce",
               "Stability", "Cost"]
#: Which figures go in which results tab.
TAB_FIGURES = {
    "Timeliness": ["timeliness"],
    "Waiting children": ["unallocated"],
    "Caseloads": ["caseloads", "caseload_mean"],
    "Workforce": ["workforce"],
    "Stability": ["sw_changes_over_time", "sw_changes"],
    "Cost": ["cost"],
}
HELP_STYLE = "color:#555;font-size:0.88em;line-height:1.3;margin:0 0 8px 4px;max-width:640px"
#: Warnings and the note that results are for earlier settings: 5.4:1 against white (WCAG
#: 1.4.3 asks 4.5:1 of text; the #b26b00 before was 4.2:1).
AMBER = "color:#9a5c00"
#: The class of the lines that say how a run, a search or a save went: the app's page gives them
#: role="status" (aria-live polite), so that a screen reader says each new message (WCAG 4.1.3).
STATUS_CLASS = "wb-status"
#: The class of a progress bar: the app's page gives it role="progressbar", its tooltip as its
#: name and the share done as its value (ipywidgets gives a bar none of them) (WCAG 4.1.2).
PROGRESS_CLASS = "wb-progress"
#: The class of a progress bar's twin for a screen reader in a notebook (:func:`progress_bar`),
#: which the app's page hides (it names and values the bar itself).
PROGRESS_SPOKEN_CLASS = "wb-progress-spoken"
#: The class of a chart's text alternative beside its image (:func:`chart_alt_html`).
CHART_ALT_CLASS = "wb-chart-alt"
#: The largest seed the Random seed box takes: run_experiment and numpy take any whole number from
#: 0, but a web page holds whole numbers exactly only up to 2**53 - 1 (the command line's limit,
#: 2**63 - 1, is higher, so every seed of the box runs there too).
SEED_MAX = 2**53 - 1
#: Runs of each scenario the explorer takes (as ``workbench app --replications``).
REPLICATIONS_RANGE = (2, 100)
#: Years to simulate: above 0 and at most this (as run_experiment).
YEARS_MAX = 30.0

INTRO_HTML = (
    "<h3 style='margin:0 0 4px 0'>Workforce scenario explorer</h3>"
    "<div style='max-width:900px'>1. Choose the scenario to start from. "
    "2. Move the controls in the tabs below to describe your scenario. "
    "3. Press <b>Run</b>. Your scenario is simulated alongside the starting one, several "
    "times over, on the same referrals and chance events, so that the differences you see "
    "come from your changes. Every result carries its <b>95% range</b>: the band within "
    "which the true average probably lies. More runs narrow it.</div>")


def lever_controls(w, cap_options: list, on_change: Callable) -> tuple[dict[str, Any], Any]:
    """A control for each lever (:data:`~workbench.decision.levers.LEVERS`), each with its help
    beneath it, in a tab for each group; ``on_change`` observes every control's value.
    Returns the controls by key and the tabs. ``w``: the ipywidgets module."""
    label_style = {"description_width": "300px"}
    row = w.Layout(width="680px")
    controls: dict[str, Any] = {}
    groups: dict[str, list] = {g: [] for g in LEVER_GROUPS}
    for lv in LEVERS:
        common = dict(description=lv.label, tooltip=lv.help, style=label_style, layout=row,
                      continuous_update=False)
        if lv.kind == "month":
            c = w.Dropdown(options=[(calendar.month_name[i], i) for i in range(1, 13)],
                           description=lv.label, tooltip=lv.help, style=label_style,
                           layout=w.Layout(width="460px"))
        elif lv.kind == "cap":
            c = w.SelectionSlider(options=cap_options, index=0, **common)
        elif lv.key.endswith("_gbp"):
            c = w.IntSlider(min=int(lv.min), max=int(lv.max), step=int(lv.step),
                            readout_format=",d", **common)
        else:
            c = w.IntSlider(min=int(lv.min), max=int(lv.max), step=int(lv.step), **common)
        c.observe(on_change, names="value")
        controls[lv.key] = c
        groups[lv.group].append(w.VBox([c, w.HTML(f'<div style="{HELP_STYLE}">'
                                                   f"{html.escape(lv.help)}</div>")]))
    tabs = w.Tab(children=[w.VBox(v) for v in groups.values()])
    for i, g in enumerate(groups):
        tabs.set_title(i, g)
    return controls, tabs


def run_settings(w, replications: int, years: float, seed: int) -> tuple[Any, Any, Any]:
    """The Years to simulate slider (``years`` joins its choices when it is not one), the Runs
    of each scenario slider and the Random seed box, at the given values."""
    yopts = list(YEARS_CHOICES)
    if all(not same_value(v, years) for _, v in yopts):
        yopts = sorted(yopts + [(f"{years:g} years", float(years))], key=lambda t: t[1])
    years_slider = w.SelectionSlider(
        options=yopts, index=[i for i, (_, v) in enumerate(yopts) if same_value(v, years)][0],
        description="Years to simulate", style={"description_width": "130px"},
        layout=w.Layout(width="420px"), continuous_update=False,
        tooltip="How far ahead to simulate from the scenario's start date.")
    runs = w.IntSlider(
        value=replications, min=REPLICATIONS_RANGE[0], max=max(30, replications),
        description="Runs of each scenario", style={"description_width": "150px"},
        layout=w.Layout(width="440px"), continuous_update=False,
        tooltip="The simulation is run this many times with different chance events (who is "
                "referred when, who leaves). More runs give narrower ranges but take longer.")
    seed_box = seed_text_box(w)(
        value=seed, description="Random seed",
        style={"description_width": "90px"}, layout=w.Layout(width="200px"),
        tooltip=f"A whole number from 0 to {SEED_MAX:,}. Change it to see another set of "
                "chance events; the same seed always gives the same numbers.")
    return years_slider, runs, seed_box


def progress_bar(w, name: str, maximum: int):
    """A progress bar named ``name`` (its tooltip; the app's page makes it the bar's accessible
    name, with role="progressbar" and the share done as its value: class PROGRESS_CLASS).

    A notebook (Jupyter, not the app's page) runs none of the page's scripts, so there the bar
    had no role, name or value. Its ``spoken`` widget, to be put beside it, holds a native
    ``<progress>`` (role progressbar) with the same name and value, out of sight (the bar is
    what the eye sees); the app's page hides it from everyone (class PROGRESS_SPOKEN_CLASS),
    its own bar being the one a screen reader hears."""
    bar = w.IntProgress(value=0, min=0, max=maximum, description="", tooltip=name,
                        layout=w.Layout(width="260px"))
    bar.add_class(PROGRESS_CLASS)
    bar.spoken = w.HTML(layout=w.Layout(width="0px", margin="0px"))
    bar.spoken.add_class(PROGRESS_SPOKEN_CLASS)

    def speak(_change=None) -> None:
        span = bar.max - bar.min
        done = 0 if span <= 0 else round(100 * (bar.value - bar.min) / span)
        done = max(0, min(100, done))
        bar.spoken.value = (f'<progress style="{SCREEN_READER_ONLY}" max="100" value="{done}" '
                            f'aria-label="{html.escape(name)}" aria-valuetext="{done}% done">'
                            f"{done}% done</progress>")

    bar.observe(speak, names=["value", "min", "max"])
    speak()
    return bar


#: A whole number as the Random seed box takes it: ASCII digits, with or without a sign and
#: thousands' commas ("2017", "+2017", "9,007,199,254,740,991").
WHOLE_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)")


def seed_text_box(w):
    """The Random seed box's class: a box of text whose value, in Python, is always a whole
    number the model takes, and which says so beside it when it changes or refuses what was
    typed. ``min`` and ``max`` stay in Python: a bounded box (BoundedIntText) had the page put
    -5 back to 0 silently, the kernel never seeing what was typed; a whole-number box (IntText)
    had the page read a pasted "3.7" as 3 and "1e6" as 1, again unseen. Here the page sends the
    text as typed; the kernel keeps a whole number (put back within the range) and the box's
    ``note`` (beside it, a status message) says what was typed, what the box now holds and what
    is allowed (WCAG 3.3.1)."""
    import traitlets

    class SeedBox(w.Text):
        value = traitlets.Any(0).tag(sync=True)   # text from the page, a whole number here
        min = traitlets.Int(0)    # not synced: the page holds no bounds of its own
        max = traitlets.Int(SEED_MAX)

        def __init__(self, **kwargs):
            self._kept = 0            # the last whole number kept (a refused text keeps it)
            self.note = w.HTML()
            self.note.add_class(STATUS_CLASS)
            kwargs.setdefault("continuous_update", False)   # read when the reader leaves it
            super().__init__(**kwargs)

        def _say(self, words: str) -> None:
            self.note.value = f'<span style="{AMBER}">Random seed: {words}</span>'

        def _allowed(self) -> str:
            return f"a whole number from {self.min:,} to {self.max:,}"

        @traitlets.validate("value")
        def _within(self, proposal):
            typed, before = proposal["value"], self._kept
            if isinstance(typed, float) and typed.is_integer():
                typed = int(typed)
            if isinstance(typed, str):
                text = typed.strip()
                if WHOLE_NUMBER.fullmatch(text):
                    typed = int(text.replace(",", ""))
                else:
                    shown = text if len(text) <= 24 else text[:21] + "..."
                    said = (f"\u201c{FSI}{html.escape(shown)}{PDI}\u201d is not a whole "
                            "number" if text else "the box was left empty")
                    self._say(f"{said}; it keeps {before:,}. Type {self._allowed()}.")
                    return before
            if isinstance(typed, bool) or not isinstance(typed, int):
                self._say(f"that is not a whole number; it keeps {before:,}. Type "
                          f"{self._allowed()}.")
                return before
            kept = min(max(typed, self.min), self.max)
            if kept != typed:
                said = f"{typed:,}" if abs(typed) <= 2**53 or len(str(typed)) <= 24 else (
                    "the number typed")
                self._say(f'{said} is {"below" if typed < kept else "above"} the range '
                          f"allowed, {self.min:,} to {self.max:,}; the box now holds "
                          f"{kept:,}.")
            else:
                self.note.value = ""
            self._kept = kept
            return kept

        def set_state(self, sync_data):
            before = self.value
            super().set_state(sync_data)
            # what the page shows is what the kernel kept (a refused text leaves the value as
            # it was, so no change would be sent of itself)
            if "value" in sync_data and sync_data["value"] != self.value == before:
                self.send_state("value")

    return SeedBox


#: Out of sight, not out of a screen reader's hearing: a chart's text alternative beside it.
SCREEN_READER_ONLY = ("position:absolute;width:1px;height:1px;margin:-1px;padding:0;"
                      "overflow:hidden;clip:rect(0,0,0,0);white-space:normal;border:0")


def chart_alt_html(text: str) -> str:
    """A chart's text alternative (plain text, escaped here) as the HTML of the widget after its
    image: an image widget has no ``alt``, so the app's page copies it to the image's ``alt``
    (class ``wb-chart-alt``); elsewhere (a notebook) a screen reader reads it after the image."""
    if not text:
        return ""
    return (f'<p class="{CHART_ALT_CLASS}" style="{SCREEN_READER_ONLY}">'
            f"{html.escape(balance_bidi(text))}</p>")


def result_tabs(w) -> tuple[Any, dict[str, Any], dict[str, dict[str, Any]],
                            dict[str, dict[str, Any]]]:
    """The results tabs (:data:`RESULT_TABS`), each a note and its figures' images (hidden
    until drawn), each image followed by its text alternative (:func:`chart_alt_html`).
    Returns the tabs, the notes by tab, and the images and their text alternatives by tab and
    figure."""
    notes: dict[str, Any] = {}
    images: dict[str, dict[str, Any]] = {}
    alts: dict[str, dict[str, Any]] = {}
    pages = []
    for name in RESULT_TABS:
        note = w.HTML()
        notes[name] = note
        imgs = {f: w.Image(format="png", layout=w.Layout(max_width="960px", height="auto",
                                                         display="none"))
                for f in TAB_FIGURES.get(name, [])}
        images[name] = imgs
        alts[name] = {f: w.HTML() for f in imgs}
        pages.append(w.VBox([note, *(x for f in imgs for x in (imgs[f], alts[name][f]))]))
    results = w.Tab(children=pages)
    for i, name in enumerate(RESULT_TABS):
        results.set_title(i, name)
    return results, notes, images, alts
