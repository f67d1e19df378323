"""The explorer's widgets and their settings (:mod:`.explorer`): the lever controls in their
tabs, the run settings (years, runs, seed), the results tabs and the words at the top. Built
here, wired to the explorer's handlers there."""

from __future__ import annotations

import calendar
import html
from typing import Any, Callable

from ..decision.levers import LEVER_GROUPS, LEVERS, same_value

__all__ = ["AMBER", "HELP_STYLE", "INTRO_HTML", "REPLICATIONS_RANGE", "RESULT_TABS", "SEED_MAX",
           "TAB_FIGURES", "YEARS_CHOICES", "YEARS_MAX", "lever_controls", "result_tabs",
           "run_settings"]

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
AMBER = "color:#b26b00"
#: The class of the lines that say how a run, a search or a save went: the app's page gives them
#: role="status" (aria-live polite), so that a screen reader says each new message (WCAG 4.1.3).
STATUS_CLASS = "wb-status"
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
    # bounded, so that the box cannot hold a seed the model refuses (the page puts a
    # number typed outside the range back within it)
    seed_box = w.BoundedIntText(
        value=seed, min=0, max=SEED_MAX, description="Random seed",
        style={"description_width": "90px"}, layout=w.Layout(width="200px"),
        tooltip=f"A whole number from 0 to {SEED_MAX:,}. Change it to see another set of "
                "chance events; the same seed always gives the same numbers.")
    return years_slider, runs, seed_box


def result_tabs(w) -> tuple[Any, dict[str, Any], dict[str, dict[str, Any]]]:
    """The results tabs (:data:`RESULT_TABS`), each a note and its figures' images (hidden
    until drawn). Returns the tabs, the notes by tab and the images by tab and figure."""
    notes: dict[str, Any] = {}
    images: dict[str, dict[str, Any]] = {}
    pages = []
    for name in RESULT_TABS:
        note = w.HTML()
        notes[name] = note
        imgs = {f: w.Image(format="png", layout=w.Layout(max_width="960px", height="auto",
                                                         display="none"))
                for f in TAB_FIGURES.get(name, [])}
        images[name] = imgs
        pages.append(w.VBox([note, *imgs.values()]))
    results = w.Tab(children=pages)
    for i, name in enumerate(RESULT_TABS):
        results.set_title(i, name)
    return results, notes, images
