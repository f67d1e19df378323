"""The managers' app: the explorer as a page with no code, plus saving and exporting.

``make app`` (``workbench app``) serves ``notebooks/app.ipynb`` with Voila, which shows only the
widgets of :class:`App`: a how-to, the scenario picker, the levers, Run with a progress bar, the
results with their ranges and readings, the charts; then **Find the cheapest plan** (targets,
the levers the plan may move and their ranges, a time budget: the optimiser of
:mod:`workbench.decision.optimise`, with its progress, the chosen plan, its confidence and the
cost frontier), **Save your scenario** (a variant file beside its base that the picker,
``workbench run`` and ``workbench report`` then find) and **Download the results** (an Excel
workbook, :mod:`workbench.present.export`). In a notebook::

    from workbench.present.app import App
    App().show()

The server side (starting Voila with the offline page template) is :mod:`workbench.present.app_server`.
"""

from __future__ import annotations

import base64
import html
import math
import os
import time
import unicodedata
from pathlib import Path

from ..analysis.registry import KPIS, kpi
from ..decision.levers import LEVER_BY_KEY, build_scenario, describe_levers
from ..decision.space import DEFAULT_RANGES, LeverRange
from .. import files
from ..errors import UserError
from ..scenario import ScenarioError
from ..scenario.save import save_variant
from .explorer import Explorer
from .explorer_layout import STATUS_CLASS, progress_bar
from .tables import bidi_html, isolate, text_html

__all__ = ["App", "HOW_TO", "PLAN_LEVERS", "PLAN_TARGETS", "Unavailable"]

#: The page's opening words (HTML): what the tool does and how to use it, in six steps.
HOW_TO = """
<h2 style="margin:0 0 6px 0">Children's social care workforce: try a policy</h2>
<div style="max-width:900px;line-height:1.45">
<p style="margin:0 0 6px 0">Try out a workforce policy on a model of a children's social care
service and see what it does to timeliness, children waiting, caseloads, the workforce,
stability for children and cost, with the range each answer could take.</p>
<ol style="margin:0 0 6px 1.2em;padding:0">
<li><b>Start from</b> a scenario: the baseline, a bundled policy, or one a colleague saved.</li>
<li>Move the <b>controls</b> in the tabs (recruitment, academy, agency staff, retention, demand).
The line under each control says what it does.</li>
<li>Press <b>Run</b>. Your scenario and the starting one are simulated several times on the same
chance events; it takes a few seconds.</li>
<li>Read the <b>Summary</b> table: each measure with its difference, the 95% range of the
difference and a plain-English reading. The other tabs hold the charts.</li>
<li><b>Save your scenario</b> (bottom of the page) to share it: it joins the <i>Start from</i>
list, and analysts can run it and put it in the scrutiny report.</li>
<li><b>Download the results</b> as an Excel workbook for a briefing.</li>
</ol>
<p style="margin:0 0 6px 0">Or let the tool <b>find the cheapest plan</b> that meets your
targets (near the bottom of the page): give the targets, the levers it may move and the time
it may take.</p></div>
"""

#: The levers the plan search may move, with their starting ranges: the optimiser's four
#: (:data:`~workbench.decision.space.DEFAULT_RANGES`, ticked), and the agency limit (unticked).
PLAN_LEVERS: tuple[tuple[LeverRange, bool], ...] = tuple(
    (r, True) for r in DEFAULT_RANGES) + ((LeverRange("agency_cap_pct", 0, 50, 5), False),)
#: The target rows the page starts with: (KPI, comparison, threshold) or None for an empty row.
PLAN_TARGETS = [("assessment_within_45wd_pct", ">=", 85.0), None, None]
#: How long the search may take, minutes (the choices; 5 to start with).
PLAN_MINUTES = [1, 2, 5, 10, 20, 30]

#: The longest scenario name the save box takes (the scenario file's own limit).
MAX_NAME = 200

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BOX = "border-top:1px solid #ccc;margin-top:14px;padding-top:8px;max-width:900px"
_RED = "color:#b42318"


class App(Explorer):
    """The explorer with a how-to, a save box and a download link: the page ``workbench app``
    serves.

    Parameters
    ----------
    scenarios_dir : str or Path, optional
        The folder of scenario files for the picker, where saved scenarios go too (default: the
        project's ``scenarios/``).
    plan_replications, plan_confirm_replications, plan_candidates : int
        The plan search's runs of each plan tried, runs of each candidate on fresh seeds, and
        candidates checked (:func:`~workbench.decision.optimise.optimise`).
    **kwargs
        As :class:`~workbench.present.explorer.Explorer` (``replications``, ``years``, ``seed``,
        ``executor``, ``max_workers``, ``base``).

    Attributes
    ----------
    save_name, save_author, save_button, save_status, download
        The save box's widgets and the download link (an HTML widget holding the workbook of the
        last run as a data link, so it downloads with no server round trip).
    plan_targets, plan_levers, plan_minutes, plan_confidence, plan_button, plan_progress,
    plan_status, plan_output, plan_use_button
        The plan search's widgets: the target rows (KPI, comparison, threshold), the lever rows
        (tick, range), the time budget, the confidence, the button, its progress and the answer.
    plan_result : OptimiseResult or None
        The last search's result.
    saved : list of Path
        Files saved from this page.
    workbook : bytes or None
        The Excel workbook of the last run.
    """

    def __init__(self, scenarios_dir: str | Path | None = None, plan_replications: int = 4,
                 plan_confirm_replications: int = 20, plan_candidates: int = 5, **kwargs):
        super().__init__(scenarios_dir=scenarios_dir, **kwargs)
        w = self._w
        self.saved: list[Path] = []
        self.workbook: bytes | None = None
        style = {"description_width": "160px"}
        self.save_name = w.Text(description="Name your scenario", style=style,
                                placeholder="e.g. Academy 24 and agency limit 10%",
                                layout=w.Layout(width="520px"))
        self.save_author = w.Text(description="Your name", style=style,
                                  placeholder="written in the file, with the date",
                                  layout=w.Layout(width="520px"))
        self.save_button = w.Button(description="Save scenario", icon="save",
                                    tooltip="Save the controls' settings as a scenario file",
                                    layout=w.Layout(width="160px"))
        self.save_button.on_click(lambda _b: self._on_save())
        # typed straight before a click, the name's last letters reach the kernel after it (D3)
        self._clicks.watch(self.save_name, self.save_author)
        self._clicks.defer(self.save_button)
        self.save_status = w.HTML()
        self.save_status.add_class(STATUS_CLASS)    # "Not saved: ..." is heard (WCAG 4.1.3)
        self.download = w.HTML("<i>Run first: the download link appears with the results.</i>")
        save_box = w.VBox([
            w.HTML(f"<div style='{_BOX}'><h3 style='margin:0'>Save your scenario</h3>"
                   "<div style='color:#555'>Saves the controls' settings as a scenario file next "
                   "to the one you started from, stating only what you changed. It then appears "
                   "in <i>Start from</i>, and runs from the command line and in the report.</div>"
                   "</div>"),
            self.save_name, self.save_author,
            w.HBox([self.save_button, self.save_status],
                   layout=w.Layout(align_items="center", grid_gap="10px")),
            w.HTML(f"<div style='{_BOX}'><h3 style='margin:0'>Download the results</h3>"
                   "<div style='color:#555'>An Excel workbook of the last run: the results with "
                   "their ranges, the differences, the weekly series and how the numbers were "
                   "made. Averages only; no child-level data.</div></div>"),
            self.download,
        ])
        self.plan_result = None
        self.plan_max_trials: int | None = None  # the button's cap on plans tried (None: time)
        self.plan_box = self._build_plan_box(plan_replications, plan_confirm_replications,
                                             plan_candidates)
        self.widget.children = ((w.HTML(HOW_TO),) + tuple(self.widget.children[1:])
                                + (self.plan_box, save_box))

    @classmethod
    def from_environment(cls) -> "App":
        """The app as ``workbench app`` configured it (``WORKBENCH_APP_*`` variables set by
        :func:`workbench.present.app_server.serve`; defaults otherwise)."""
        env = os.environ
        try:
            return cls(scenarios_dir=env.get("WORKBENCH_APP_SCENARIOS") or None,
                       replications=int(env.get("WORKBENCH_APP_REPLICATIONS", "4")),
                       years=float(env.get("WORKBENCH_APP_YEARS", "2")),
                       executor=env.get("WORKBENCH_APP_EXECUTOR", "process"))
        except UserError as exc:
            # the folder emptied or its files broken since the server started: a sentence on
            # the page (Voila otherwise shows "There was an error when executing cell [1]")
            return Unavailable(str(exc))

    # ------------------------------------------------------------------------ running
    def run(self):
        """Run (see :meth:`Explorer.run`), then make the workbook and its download link."""
        exp = super().run()
        try:
            from .export import workbook_bytes

            by_label = {label: self._files[sc.name] for label, sc in exp.scenarios.items()
                        if sc.name in self._files and label == sc.name}
            self.workbook = workbook_bytes(exp, files=by_label)
            data = base64.b64encode(self.workbook).decode("ascii")
            stem = "".join(c if c.isalnum() else "_" for c in self._base.name.lower()).strip("_")
            self.download.value = (
                f"<a download='workbench_results_{html.escape(stem)}.xlsx' "
                f"href='data:{_XLSX};base64,{data}' style='font-weight:bold'>"
                f"Download the results (Excel workbook)</a>")
        except Exception as exc:  # noqa: BLE001 - the results stand; say why there is no file
            self.workbook = None
            self.download.value = (f"<span style='{_RED}'>Could not make the workbook: "
                                   f"{text_html(str(exc))}</span>")
        return exp

    def save_workbook(self, path: str | Path) -> Path:
        """Write the last run's Excel workbook to ``path`` (from a notebook)."""
        if self.workbook is None:
            raise ValueError("no results yet: run first")
        return files.write_bytes(path, self.workbook)

    # ------------------------------------------------------------------------ the cheapest plan
    def _build_plan_box(self, replications: int, confirm: int, candidates: int):
        w = self._w
        self._plan_settings = (int(replications), int(confirm), int(candidates))
        choices = [("(no target)", "")] + [(k.label, name) for name, k in KPIS.items()]
        self.plan_targets = []
        rows = []
        for start in PLAN_TARGETS:
            name, op, value = start or ("", ">=", 0.0)
            measure = w.Dropdown(options=choices, value=name, layout=w.Layout(width="420px"),
                                 description="Target", style={"description_width": "60px"})
            # labelled for a screen reader (axe: select-name, label); the label takes no room
            # beside the row's own "Target" (on a phone it shows, above the control)
            hidden = {"description_width": "0px"}
            comparison = w.Dropdown(options=[("at least", ">="), ("at most", "<=")], value=op,
                                    description="Comparison", style=hidden,
                                    layout=w.Layout(width="110px"))
            threshold = w.FloatText(value=value, description="Target value", style=hidden,
                                    layout=w.Layout(width="110px"))
            unit = w.HTML(self._unit_text(name))
            measure.observe(lambda ch, c=comparison, u=unit: self._on_target_kpi(ch, c, u),
                            names="value")
            self.plan_targets.append((measure, comparison, threshold))
            rows.append(w.HBox([measure, comparison, threshold, unit],
                               layout=w.Layout(align_items="center", grid_gap="6px")))
        self.plan_levers = {}
        lever_rows = []
        for r, ticked in PLAN_LEVERS:
            lv = LEVER_BY_KEY[r.key]
            # the tick is labelled with the lever (a screen reader reads it); the range slider
            # is labelled "from-to" so that the explorer's slider of the same lever keeps the
            # only label of its name
            tick = w.Checkbox(value=ticked, description=lv.label, indent=False,
                              layout=w.Layout(width="360px"),
                              tooltip=f"Let the plan move: {lv.label}")
            span = w.IntRangeSlider(value=(int(r.low), int(r.high)), min=int(lv.min),
                                    max=int(lv.max), step=int(r.step), continuous_update=False,
                                    readout_format=",d", description="from-to",
                                    style={"description_width": "50px"},
                                    layout=w.Layout(width="420px"), tooltip=lv.help)
            self.plan_levers[r.key] = (tick, span)
            lever_rows.append(w.HBox([tick, span], layout=w.Layout(align_items="center")))
        style = {"description_width": "130px"}
        self.plan_minutes = w.Dropdown(options=[(f"{m} minute{'s' if m > 1 else ''}", m)
                                                for m in PLAN_MINUTES], value=5,
                                       description="Time allowed", style=style,
                                       layout=w.Layout(width="280px"))
        self.plan_confidence = w.Dropdown(options=[("80%", 0.8), ("90%", 0.9), ("95%", 0.95)],
                                          value=0.9, description="Confidence", style=style,
                                          layout=w.Layout(width="240px"),
                                          tooltip="How sure the answer must be that the plan "
                                                  "meets every target on average")
        self.plan_button = w.Button(description="Find the cheapest plan", icon="search",
                                    button_style="primary", layout=w.Layout(width="220px"),
                                    tooltip="Search the levers for the cheapest plan that meets "
                                            "every target")
        self.plan_button.on_click(lambda _b: self._on_find_plan())
        self._clicks.watch(*(box for row in self.plan_targets for box in row),
                           *(box for row in self.plan_levers.values() for box in row),
                           self.plan_minutes, self.plan_confidence)
        self._clicks.defer(self.plan_button)
        self.plan_progress = progress_bar(w, "Progress of the search for the cheapest plan", 100)
        self.plan_status = w.HTML("Give the targets and the levers, then press <b>Find the "
                                  "cheapest plan</b>.")
        self.plan_status.add_class(STATUS_CLASS)    # "Searching...", "Not searched: ..." heard
        self.plan_output = w.HTML()
        self.plan_use_button = w.Button(description="Put this plan in the controls", icon="upload",
                                        layout=w.Layout(width="260px", display="none"),
                                        tooltip="Move the controls above to the chosen plan, to "
                                                "run it, change it or save it")
        self.plan_use_button.on_click(lambda _b: self.use_plan())
        intro = w.HTML(
            f"<div style='{_BOX}'><h3 style='margin:0'>Find the cheapest plan</h3>"
            "<div style='color:#555'>Say what the service must achieve and which levers a plan "
            "may move, within what ranges. The tool tries many plans from the scenario in "
            "<i>Start from</i> (with <i>Years to simulate</i> and the <i>Random seed</i> above), "
            "all on the same chance events so that they are compared fairly, then runs the "
            "cheapest few that met the targets again on fresh chance events and picks the "
            "cheapest that meets every target with the confidence you choose. Cost is the "
            "workforce cost over the years simulated. The controls above are not used: "
            "<i>Put this plan in the controls</i> moves them to the answer.</div></div>")
        return w.VBox([
            intro, w.HTML("<b>Targets</b> (averages over the period)"), *rows,
            w.HTML("<b>Levers the plan may move</b> (tick each one, and set its range)"),
            *lever_rows,
            w.HBox([self.plan_minutes, self.plan_confidence]),
            w.HBox([self.plan_button, self.plan_progress, self.plan_progress.spoken,
                    self.plan_status],
                   layout=w.Layout(align_items="center", grid_gap="10px")),
            self.plan_output, self.plan_use_button,
        ])

    @staticmethod
    def _unit_text(name: str) -> str:
        if not name:
            return ""
        return f"<span style='color:#555'>{html.escape(kpi(name).display_unit())}</span>"

    def _on_target_kpi(self, change, comparison, unit) -> None:
        name = change["new"]
        unit.value = self._unit_text(name)
        if name and kpi(name).better:
            comparison.value = ">=" if kpi(name).better > 0 else "<="

    def plan_settings(self) -> tuple[list[str], list[LeverRange]]:
        """The targets (as ``KPI>=X`` text) and the lever ranges the page's controls give.

        Raises
        ------
        UserError
            When no target or no lever is given, a target is out of its measure's range or
            met by every plan (:func:`at_the_edge`), two rows clash (:func:`rows_clash`), or
            a range is not a range.
        """
        targets, rows = [], []
        for measure, comparison, threshold in self.plan_targets:
            if measure.value:
                value = float(threshold.value)
                top = kpi(measure.value).most
                if not (0 <= value <= top and math.isfinite(value)):  # NaN fails too
                    k = kpi(measure.value)
                    # which row, and what it holds: two rows may set one measure (a band)
                    held = ("no number" if math.isnan(value) else "a number too large to use"
                            if math.isinf(value) else f"{value:,.10g}")
                    raise UserError(f"{k.label}: give a target from 0"
                                    + (f" to {top:g}" if math.isfinite(top) else " up")
                                    + f" ({k.display_unit()}); target row {len(rows) + 1} "
                                    f"holds {held}")
                edge = at_the_edge(measure.value, comparison.value, value)
                if edge:
                    raise UserError(edge)
                targets.append(f"{measure.value}{comparison.value}{value!r}")
                rows.append((len(rows) + 1, measure.value, comparison.value, value))
            else:
                rows.append((len(rows) + 1, "", "", 0.0))
        if not targets:
            raise UserError("choose at least one target")
        clash = rows_clash(rows)
        if clash:
            raise UserError(clash)
        wrong = wrong_way(rows)
        if wrong:
            raise UserError(wrong)
        ranges = []
        for key, (tick, span) in self.plan_levers.items():
            if tick.value:
                low, high = span.value
                if high <= low:
                    raise UserError(f"{LEVER_BY_KEY[key].label}: give a range (the lowest and "
                                    f"the highest value are the same)")
                ranges.append(LeverRange(key, float(low), float(high), float(span.step)))
        if not ranges:
            raise UserError("tick at least one lever for the plan to move")
        return targets, ranges

    def find_plan(self, max_trials: int | None = None):
        """Search for the cheapest plan that meets the page's targets (the starting scenario,
        the years and the seed above; the levers ticked in their ranges; the time allowed) and
        show the answer. Returns the :class:`~workbench.decision.OptimiseResult`.

        Parameters
        ----------
        max_trials : int, optional
            Most plans to try, on top of the time allowed (a quick look; tests).
        """
        from ..decision.optimise import optimise

        self.plan_button.disabled = True
        self.plan_use_button.layout.display = "none"
        self.plan_output.value = ""
        self.plan_progress.value = 0
        t0 = time.perf_counter()
        try:
            targets, ranges = self.plan_settings()
            minutes = float(self.plan_minutes.value)
            reps, confirm, cands = self._plan_settings
            self.plan_status.value = "Searching..."

            def show(info):
                if info["stage"] == "search":
                    budget = info.get("budget_s") or 1.0
                    self.plan_progress.value = min(95, int(100 * info["elapsed_s"] / budget))
                    cost = info["best_cost"]
                    best = ("none yet" if cost is None
                            else f"the cheapest so far costs {kpi('cost_gbp').format(cost)}")
                    self.plan_status.value = html.escape(
                        f"Searching: {info['plans']} plans tried, {info['feasible']} met the "
                        f"targets on average; {best}.")
                else:
                    self.plan_progress.value = max(self.plan_progress.value, 95)
                    self.plan_status.value = html.escape(
                        f"Checking the {info['candidates']} cheapest plans on fresh runs...")

            res = optimise(self._base, targets, ranges, replications=reps,
                           years=float(self.years.value), budget_minutes=minutes,
                           max_trials=max_trials, seed=int(self.seed.value), candidates=cands,
                           confirm_replications=confirm,
                           confidence=float(self.plan_confidence.value),
                           executor=self._executor, out=self._cache_dir, name="plan",
                           progress=False, on_progress=show)
        except (UserError, ScenarioError) as exc:
            self.plan_status.value = (f"<span style='{_RED}'>Not searched: "
                                      f"{text_html(str(exc))}</span>")
            return None
        except Exception as exc:  # noqa: BLE001 - shown on the page; the page keeps working
            self.plan_status.value = (f"<span style='{_RED}'>The search failed: "
                                      f"{html.escape(type(exc).__name__)}: "
                                      f"{text_html(str(exc))}</span>")
            return None
        finally:
            self.plan_button.disabled = False
        self.plan_result = res
        self.plan_progress.value = 100
        self.plan_status.value = html.escape(
            f"Done in {time.perf_counter() - t0:.0f} s: {len(res.trials)} plans tried, "
            f"{len(res.candidates)} checked on fresh runs.")
        self.plan_output.value = plan_html(res)
        if res.chosen is not None:
            self.plan_use_button.layout.display = None
        return res

    def _on_find_plan(self) -> None:
        # the button, disabled during the search, gives the keyboard's focus back to the page's
        # body: it is returned to the button, where the user left it (WCAG 2.4.3)
        try:
            self.find_plan(self.plan_max_trials)
        finally:
            self.plan_button.focus()

    def use_plan(self) -> None:
        """Move the controls to the last search's chosen plan (the starting scenario's other
        settings kept)."""
        res = self.plan_result
        if res is None or res.chosen is None:
            return
        self.reset()
        self.set_levers(**{k: v for k, v in res.chosen.items() if k in self.controls})

    # ------------------------------------------------------------------------ saving
    def save(self, name: str, author: str = "") -> Path:
        """Save the controls' scenario as ``name`` (a variant file next to its base) and add it
        to the picker. Returns the file.

        Raises
        ------
        ScenarioError
            For a blank or taken name, no change from the starting scenario, or settings the
            scenario does not accept.
        workbench.files.CannotWrite
            When the scenarios folder cannot be written (read-only, no permission, a full disk).
        """
        # one line, and one encoding of each accent (so "Café" typed two ways is one name)
        name = unicodedata.normalize("NFC", " ".join(name.split()))
        if not name:
            raise ScenarioError("give your scenario a name first")
        if len(name) > MAX_NAME:
            raise ScenarioError(f"the name is {len(name):,} characters long; give one of at most "
                                f"{MAX_NAME} (it heads tables and charts)")
        levers = self.levers()
        what = describe_levers(self._base, levers)
        if not what:
            raise ScenarioError(f"nothing to save: the controls are those of {isolate(self._base.name)}; "
                                "move a control first")
        # the file keeps the base's horizon, so its extra recruitment runs for that horizon
        # (not for the years the page simulates: a 5-year file saved while the page shows 2
        # years would otherwise lose its last 3 years of hires when it is run)
        scenario = build_scenario(self._base, levers, name=name,
                                  years=float(self._base.horizon_years))
        path = save_variant(scenario, self._base_path, folder=self.scenarios_dir, author=author,
                            what=what)
        self.saved.append(path)
        self.refresh_list()   # it joins Start from (the folder read again, as another tab does)
        return path

    def _on_save(self) -> None:
        try:
            path = self.save(self.save_name.value, self.save_author.value)
        except UserError as exc:   # a name taken, nothing changed, a folder it cannot write in
            self.save_status.value = f"<span style='{_RED}'>Not saved: {text_html(str(exc))}</span>"
            return
        try:
            shown = str(path.resolve().relative_to(self.root))
        except ValueError:
            shown = str(path)
        # quoted when it holds a space, so that the command can be copied as it stands
        command = f'"{shown}"' if any(ch.isspace() for ch in shown) else shown
        self.save_status.value = (f"Saved as <code>{text_html(isolate(shown))}</code>. It is now in "
                                  f"<i>Start from</i>; run it with <code>workbench run "
                                  f"{html.escape(command)}</code>.")


class Unavailable:
    """The page when the app cannot start (no scenario file in its folder loads): what is wrong
    and what to do, in place of the app (:meth:`App.from_environment`)."""

    def __init__(self, problem: str):
        import ipywidgets as w

        self.problem = problem
        self.widget = w.HTML(
            f"<h2 style='margin:0 0 6px 0'>Children's social care workforce: try a policy</h2>"
            f"<p style='{_RED};max-width:900px'><b>The app cannot start:</b> "
            f"{text_html(problem)}</p><p style='max-width:900px'>Ask your analyst to check the "
            f"scenario files with <code>workbench validate</code>, then reload this page.</p>")

    def show(self, run: bool = False):
        from IPython.display import display

        display(self.widget)


def at_the_edge(name: str, op: str, value: float) -> str | None:
    """Why a target row every plan meets is refused, in the page's words, or None: "at least 0"
    (the row's starting value) or "at most" a share's 100%. The search refused it only once
    started, naming the measure by its code (``assessment_within_45wd_pct>=0``)."""
    k = kpi(name)
    if op == ">=" and value == 0:
        never, asked, give = f"below {k.format(0.0)}", "at least 0", "above 0"
    elif op == "<=" and value == k.most:
        never, asked, give = f"above {k.format(k.most)}", f"at most {k.most:g}", f"below {k.most:g}"
    else:
        return None
    return (f"{k.label}: it is never {never}, so a target of {asked} is met by every plan and the "
            f"search would pick the cheapest whatever it does; give a target {give} "
            f"({k.display_unit()}), or choose (no target)")


def rows_clash(rows) -> str | None:
    """Why two target rows (number, measure, comparison, value) cannot stand together, in the
    page's words, or None: one measure twice with the same comparison, or "at least" above "at
    most". The search said so naming the measure's code ("target assessment_within_45wd_pct>=
    is given twice")."""
    given = [r for r in rows if r[1]]
    for i, (n1, name, op1, v1) in enumerate(given):
        for n2, other, op2, v2 in given[i + 1:]:
            if other != name:
                continue
            k = kpi(name)
            if op1 == op2:
                word = "at least" if op1 == ">=" else "at most"
                return (f"Target rows {n1} and {n2} both set {k.label} '{word}'; keep one "
                        f"(choose (no target) in the other)")
            low, high = (v1, v2) if op1 == ">=" else (v2, v1)
            if low > high:
                return (f"Target rows {n1} and {n2}: {k.label} cannot be at least "
                        f"{k.format(low)} and at most {k.format(high)}, so no plan meets both; "
                        f"give the 'at least' value at or below the 'at most' one, or keep one")
    return None


def wrong_way(rows) -> str | None:
    """Why a target row asks for a worse value, in the page's words, or None: "at least" so many
    children waiting (lower is better) or "at most" so much timeliness, alone on its measure
    (with the other way too it is a band). The search then chose the plan making it worse and
    said so after the search, in the command line's words (``give unallocated_mean<=20``)."""
    from ..decision.targets import against_better, parse_target

    given = [r for r in rows if r[1]]
    for n, name, op, value in given:
        if against_better(parse_target(f"{name}{op}{value!r}")) is None:
            continue
        if any(o == name and p != op for _, o, p, _ in given):
            continue
        k = kpi(name)
        sign = 1 if op == ">=" else -1
        asked, other = ("at least", "at most") if sign > 0 else ("at most", "at least")
        return (f"Target row {n}: {k.label} {asked} {k.format(value)} asks for "
                f"{'more' if sign > 0 else 'less'}, where {'lower' if k.better < 0 else 'higher'} "
                f"is better, so the cheapest plan meeting it would make it worse; choose "
                f"'{other}' if that is what you meant")
    return None


def plan_html(res) -> str:
    """The optimiser's answer for the page: the statement with its confidence, the chosen plan
    as a list, the candidates checked on fresh runs and the frontier chart with its text
    alternative (every value escaped)."""
    from ..decision.charts import frontier_alt, frontier_chart
    from .report_charts import figure_html
    from .report_text import plan_candidates_table
    from .tables import table_html

    parts = [f"<p style='max-width:900px'><b>{text_html(res.statement())}</b></p>"]
    lines = res.plan_lines()
    if res.chosen is not None:
        items = "".join(f"<li>{text_html(x)}</li>" for x in lines) or "<li>no change</li>"
        parts.append(f"<p style='margin:0'>The plan, from {bidi_html(res.scenario_name)}:</p>"
                     f"<ul>{items}</ul>")
    if len(res.candidates):
        parts.append(table_html(plan_candidates_table(res),
                                "The cheapest plans, run again on fresh chance events"))
        parts.append("<p style='color:#555;font-size:0.9em;max-width:900px'>The lowest (or "
                     "highest) likely value is the one-sided bound the check uses: a plan meets "
                     "a target when that bound does.</p>")
    if len(res.trials):
        parts.append(figure_html(frontier_chart(res), frontier_alt(res), dpi=90))
    return "<div style='max-width:960px'>" + "".join(parts) + "</div>"
