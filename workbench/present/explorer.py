"""The scenario explorer: controls for the workforce levers, a Run button, and charts that update.

Strategic managers use it in JupyterLab (``notebooks/01_explore.ipynb``)::

    from workbench.present.explorer import Explorer
    Explorer().show()

They pick a starting scenario (one of the bundled files), move the controls (recruitment,
academy, agency staff, retention, demand), press **Run**, and see their scenario against the
starting one, simulated on the same referrals and chance events (common random numbers), with
95% ranges. Everything here is plain Python and runs without a browser, so the tests drive it
as a manager would: set the controls, press Run, read the charts and the table.

The *Start from* list is read from the scenarios folder again on each Run, on each new choice
in it and with **Refresh the list**, so that a scenario saved from another tab joins it; the
scenario the page starts from is never changed but by the manager's choice.

The mapping from controls to scenario fields is :func:`workbench.decision.levers.build_scenario`;
the controls start at :func:`~workbench.decision.levers.lever_values` of the starting scenario, so
pressing Run without moving anything runs the starting scenario alone.
"""

from __future__ import annotations

import html
import io
import os
import shutil
import tempfile
import time
import weakref
from pathlib import Path
from typing import Any, Callable

from ..experiment.executors import _ProgressExecutor
from ..scenario import Scenario, ScenarioError
from ..scenario.catalog import project_root
from ..decision.levers import (
    AGENCY_CAP_CHOICES, LEVER_BY_KEY, build_scenario, describe_levers, lever_values, same_value,
)
from .clicks import SettledClicks
from .explorer_layout import (AMBER, HELP_STYLE, INTRO_HTML, REPLICATIONS_RANGE, RESULT_TABS,
                              SEED_MAX, STATUS_CLASS, TAB_FIGURES, YEARS_MAX, chart_alt_html,
                              lever_controls, progress_bar, result_tabs, run_settings)
from .run_problems import EverySimulationFailed, checked_setting, run_problem
from .scenario_shelf import ScenarioShelf, file_state
from .tables import bidi_html, isolate, text_html

__all__ = ["EverySimulationFailed", "Explorer", "run_problem"]

# ============================================================================================
# The explorer
# ============================================================================================

def _fig_png(fig, dpi: int = 96) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)  # the charts lay themselves out (tight_layout)
    plt.close(fig)
    return buf.getvalue()


class Explorer:
    """Controls for the workforce levers, a Run button and results that update.

    Parameters
    ----------
    base : str or Path
        The starting scenario file (a name in the scenarios folder, or a path).
    scenarios_dir : str or Path, optional
        Folder of scenario files for the picker (default: the project's ``scenarios/``).
    replications : int
        Runs of each scenario (the control's starting value; at least 2 for a range).
    years : float
        Years to simulate (the control's starting value).
    seed : int
        Base seed: run ``i`` of both scenarios uses the same random numbers.
    executor : {"process", "serial"}
        ``"process"``: a pool of worker processes (one per core) kept between runs;
        ``"serial"``: in this process (tests).
    max_workers : int, optional
        Worker processes (default: every core).
    cache : bool
        Keep finished runs (aggregates only) in a temporary folder so that a scenario already
        run with the same settings is not run again (the starting scenario, usually).

    Attributes
    ----------
    widget : ipywidgets.VBox
        The whole tool; :meth:`show` displays it.
    controls : dict[str, ipywidgets.Widget]
        The lever controls, by key (see :data:`LEVERS`).
    picker, replications, years, seed, run_button, reset_button, progress, status
        The other controls. Run and Reset, clicked in the page, act once the changes the page
        sent before the click are in (:mod:`~workbench.present.clicks`).
    refresh_button, list_note
        "Refresh the list" (:meth:`refresh_list`) and the note under the list (the chosen
        scenario's file gone or broken; two files giving one name).
    exp : Experiment or None
        The last run's results.
    figures : dict[str, bytes]
        PNG images of the last run's charts, by name (also shown in the results tabs).
    table : pandas.DataFrame or None
        The last run's KPI table.
    last_run_s : float or None
        Wall-clock seconds of the last run, from pressing Run to the redrawn charts.
    """

    def __init__(self, base: str | Path = "baseline.yaml", scenarios_dir: str | Path | None = None,
                 replications: int = 4, years: float = 2.0, seed: int = 2017,
                 executor: str = "process", max_workers: int | None = None, cache: bool = True):
        import ipywidgets as w

        self._w = w
        replications = checked_setting(replications, "Runs of each scenario (replications)",
                                *REPLICATIONS_RANGE)
        years = checked_setting(years, "Years to simulate (years)", 0, YEARS_MAX, whole=False)
        seed = checked_setting(seed, "Random seed (seed)", 0, SEED_MAX)
        self.root = project_root()
        self.scenarios_dir = Path(scenarios_dir) if scenarios_dir else self.root / "scenarios"
        # each file's scenario (or why it does not load), read again only when the folder changes
        self._shelf = ScenarioShelf(self.scenarios_dir)
        self._stale: dict[str, str] = {}   # the chosen scenario's file, gone: what became of it
        # a broken file is left out of the picker (the comparison notebook reports it)
        self._files, twice = self._shelf.scan()
        base_path = Path(base)
        if not base_path.is_absolute() and not base_path.exists():
            base_path = self.scenarios_dir / base_path
        if not base_path.exists() and str(base) == "baseline.yaml":
            # a folder of other scenarios (say, written by from-published) with no baseline.yaml:
            # start from its first valid scenario
            if not self._files:
                raise ScenarioError(f"{self.scenarios_dir}: no valid scenario file (*.yaml) to "
                                    "start from")
            base_path = next(iter(self._files.values()))
        self._base_path = base_path.resolve()
        problem = ""
        try:
            self._base = self._shelf.load(self._base_path)
        except ScenarioError as exc:
            # the default starting file broken (edited by hand, say): start from the first file
            # that loads, and say why, rather than show no page at all
            if str(base) != "baseline.yaml" or not self._files:
                raise
            problem = (f"<span style='color:#b42318'><b>{bidi_html(base_path.name)} cannot be "
                       f"used</b> ({text_html(str(exc))}); starting from "
                       f"{bidi_html(next(iter(self._files)))} instead.</span>")
            self._base_path = next(iter(self._files.values())).resolve()
            self._base = self._shelf.load(self._base_path)
        self._files, _note = self._with_chosen(self._files)
        self._executor = _ProgressExecutor(executor, max_workers)
        self._cache_dir: Path | None = None
        if cache:
            self._cache_dir = Path(tempfile.mkdtemp(prefix="workbench-explorer-"))
            weakref.finalize(self, shutil.rmtree, str(self._cache_dir), True)
        weakref.finalize(self, self._executor.shutdown, False)
        self._ran: dict[tuple, int] = {}   # (digest, years, seed) -> replications kept in the cache
        self.exp = None
        self._figures: dict[str, bytes] = {}
        self._fig_makers: dict[str, Callable[[], Any]] = {}
        self.table = None
        self.last_run_s: float | None = None
        self.last_error: str | None = None
        self._results_levers: dict | None = None
        self._results_settings: tuple | None = None   # (years, runs, seed) of the results shown
        self._reset_values: dict[str, tuple] = {}
        self._build(replications, years, seed)
        self.reset()
        if twice:
            problem += (f" <span style='{AMBER}'><b>Two files give one name:</b> "
                        f"{'; '.join(twice)}. Rename one so that both can be picked.</span>")
        if problem:
            self._status(problem.strip())
        # load what a run needs now, while the manager reads the controls
        from .. import experiment  # noqa: F401
        from . import plots  # noqa: F401
        from scipy import stats  # noqa: F401
        self._executor.warm_up()

    # ------------------------------------------------------------------------ widgets
    def _build(self, replications: int, years: float, seed: int) -> None:
        w = self._w
        self._cap_values = list(AGENCY_CAP_CHOICES)
        self.controls, self.lever_tabs = lever_controls(w, self._cap_options(),
                                                        self._on_control_change)

        self.picker = w.Dropdown(
            options=self._picker_options(),
            value=self._base.name, description="Start from", style={"description_width": "90px"},
            layout=w.Layout(width="520px"),
            tooltip="The scenario your changes start from; your scenario is compared with it.")
        self.picker.observe(self._on_pick, names="value")
        self.refresh_button = w.Button(
            description="Refresh the list", icon="refresh", layout=w.Layout(width="150px"),
            tooltip="Read the scenarios folder again: scenarios saved since (from another tab, "
                    "say) join the list, and files removed or broken since leave it")
        self.refresh_button.on_click(lambda _b: self.refresh_list())
        self.list_note = w.HTML()
        self.list_note.add_class(STATUS_CLASS)  # "The file of ... has changed" is heard too
        self.base_note = w.HTML()
        self.changes_note = w.HTML()

        self.years, self.replications, self.seed = run_settings(w, replications, years, seed)
        self.run_button = w.Button(description="Run", button_style="primary", icon="play",
                                   tooltip="Simulate your scenario and the starting scenario",
                                   layout=w.Layout(width="140px"))
        self.run_button.on_click(self._on_run_clicked)
        # a click from the page acts once the changes it sent before the click are in (D3)
        self._clicks = SettledClicks(lambda: self.widget.comm is not None)
        self._clicks.watch(*self.controls.values(), self.picker, self.years, self.replications,
                           self.seed)
        # the run settings change the results as the levers do: the note says when the results
        # shown are for other years, runs or a seed than the boxes hold now
        for box in (self.years, self.replications, self.seed):
            box.observe(self._on_control_change, names="value")
        self._clicks.defer(self.run_button)
        self.reset_button = w.Button(description="Reset controls", icon="undo",
                                     tooltip="Put every control back to the starting scenario",
                                     layout=w.Layout(width="160px"))
        self.reset_button.on_click(lambda _b: self.reset())
        self._clicks.defer(self.reset_button)  # not undone by a change sent before it
        self.progress = progress_bar(w, "Progress of the run", 1)
        self.status = w.HTML("Press <b>Run</b> to simulate.")
        # the app's page makes it a status message (role="status"): a screen reader hears
        # "Running...", "Done" and "Could not run: ..." without moving to it (WCAG 4.1.3)
        self.status.add_class(STATUS_CLASS)

        # results
        self.results, self._tab_html, self._tab_images, self._tab_alts = result_tabs(w)
        self.results.observe(self._on_tab, names="selected_index")
        self._tab_html["Summary"].value = ("<i>No results yet: press <b>Run</b>.</i>")

        intro = w.HTML(INTRO_HTML)
        self.widget = w.VBox([
            intro,
            w.HBox([self.picker, self.refresh_button],
                   layout=w.Layout(align_items="center", grid_gap="10px")),
            self.list_note, self.base_note,
            self.lever_tabs, self.changes_note,
            w.HBox([self.replications, self.years, self.seed, self.seed.note],
                   layout=w.Layout(align_items="center", grid_gap="10px")),
            w.HBox([self.run_button, self.reset_button, self.progress, self.progress.spoken,
                    self.status],
                   layout=w.Layout(align_items="center", grid_gap="10px")),
            self.results,
        ])

    def _cap_options(self) -> list[tuple[str, int]]:
        return [("No limit" if v is None else f"{v:g}%", i) for i, v in enumerate(self._cap_values)]

    def _set_control(self, key: str, value) -> None:
        c = self.controls[key]
        lv = LEVER_BY_KEY[key]
        if lv.kind == "cap":
            v = None if value is None else float(value)
            if all(not same_value(v, x) for x in self._cap_values):
                self._cap_values = sorted([x for x in self._cap_values if x is not None] + [v])
                self._cap_values = [None] + self._cap_values
                c.options = self._cap_options()
            c.value = [i for i, x in enumerate(self._cap_values) if same_value(x, v)][0]
            return
        if lv.kind == "month":
            c.value = int(value)
            return
        v = int(round(float(value)))
        if v < c.min:
            c.min = v
        if v > c.max:
            c.max = v
        c.value = v

    def _get_control(self, key: str):
        c = self.controls[key]
        lv = LEVER_BY_KEY[key]
        if lv.kind == "cap":
            return self._cap_values[c.value]
        return c.value

    # ------------------------------------------------------------------------ public API
    def show(self, run: bool = False):
        """Display the explorer (in a notebook); ``run=True`` also runs it once at once."""
        from IPython.display import display

        display(self.widget)
        if run:
            self.run()
        return None

    @property
    def base(self) -> Scenario:
        """The starting scenario."""
        return self._base

    def levers(self) -> dict[str, Any]:
        """The controls' current values, by key (a control left where :meth:`reset` put it
        gives the starting scenario's exact setting, even where the control rounds it)."""
        out = {}
        for k in self.controls:
            v = self._get_control(k)
            exact, shown = self._reset_values.get(k, (None, object()))
            out[k] = exact if v == shown else v
        return out

    def set_levers(self, **values) -> None:
        """Move controls, e.g. ``set_levers(academy_intake_per_year=24)``."""
        unknown = [k for k in values if k not in self.controls]
        if unknown:
            raise ValueError(f"unknown control(s) {unknown}; known: {', '.join(self.controls)}")
        for k, v in values.items():
            self._set_control(k, v)

    def reset(self) -> None:
        """Put every control back to the starting scenario's settings."""
        self._reset_values = {}
        for k, v in lever_values(self._base).items():
            self._set_control(k, v)
            self._reset_values[k] = (v, self._get_control(k))
        self._update_notes()

    def pick(self, name: str) -> None:
        """Start from another bundled scenario (by name), resetting the controls."""
        self.picker.value = name

    def scenario(self) -> Scenario:
        """Your scenario: the starting scenario with the controls applied."""
        return build_scenario(self._base, self.levers(), name=self._chosen_label(),
                              years=self.years.value)

    def changed(self) -> bool:
        """Whether the controls describe a scenario different from the starting one."""
        return bool(describe_levers(self._base, self.levers()))

    def run(self):
        """Run the starting scenario and yours (or the starting one alone when no control has
        moved) and redraw the charts and the table. Returns the :class:`Experiment`."""
        from ..experiment import run_experiment

        t0 = time.perf_counter()
        self.run_button.disabled = True
        self.last_error = None
        try:
            self.refresh_list()  # a scenario saved from another tab joins the list
            # the boxes are bounded; a value set around them (from Python) is said in words
            reps = checked_setting(self.replications.value, "Runs of each scenario",
                            *REPLICATIONS_RANGE)
            years = checked_setting(self.years.value, "Years to simulate", 0, YEARS_MAX, whole=False)
            seed = checked_setting(self.seed.value, "Random seed", 0, SEED_MAX)
            base = self._base
            levers = self.levers()
            chosen = self.scenario()
            scenarios = {base.name: base}
            if self.changed():
                scenarios[self._chosen_label()] = chosen
            todo = sum(max(reps - self._ran.get((sc.digest(), years, seed), 0), 0)
                       for sc in scenarios.values())
            total = len(scenarios) * reps
            self.progress.max = max(todo, 1)
            self.progress.value = 0
            reused = total - todo
            self._status(f"Running {todo} simulation{'s' if todo != 1 else ''}"
                         + (f" ({reused} of the starting scenario reused)" if reused else "")
                         + "...")

            def tick():
                self.progress.value = min(self.progress.value + 1, self.progress.max)

            self._executor.on_done = tick
            try:
                exp = run_experiment(scenarios, replications=reps, seed=seed, years=years,
                                     executor=self._executor, out=self._cache_dir,
                                     name="explorer", progress=False)
            finally:
                self._executor.on_done = None
            # the workbook's Run details said "on the _ProgressExecutor executor" (the class
            # that counts the runs for the bar): the executor the reader chose is its kind
            exp.executor = self._executor.kind
            if len(exp.kpis) == 0:
                first = exp.failures.iloc[0]["error"] if len(exp.failures) else "unknown error"
                raise EverySimulationFailed(f"every simulation failed: {first}")
            if self._cache_dir is not None:
                for sc in scenarios.values():
                    key = (sc.digest(), years, seed)
                    self._ran[key] = max(self._ran.get(key, 0), reps)
            self.progress.value = self.progress.max
            self.exp = exp
            self._results_levers = levers
            self._results_settings = (years, reps, seed)
            self._redraw()
            self.last_run_s = time.perf_counter() - t0
            warn = (f" <span style='color:#b42318'>{len(exp.failures)} run(s) failed: "
                    f"{text_html(str(exp.failures.iloc[0]['error']))}</span>"
                    if len(exp.failures) else "")
            reused = (f", {exp.n_loaded} of them reused from an earlier run"
                      if exp.n_loaded else "")
            self._status(f"Done in {self.last_run_s:.1f} s: {len(exp.kpis)} simulations shown"
                         f"{reused}." + warn)
            self._update_notes()
            return exp
        except Exception as exc:
            self.last_error = f"{type(exc).__name__}: {exc}"
            self._status(f"<span style='color:#b42318'><b>Could not run:</b> "
                         f"{text_html(run_problem(exc))}</span>")
            raise
        finally:
            self.run_button.disabled = False

    def close(self) -> None:
        """Stop the worker processes and close the widgets."""
        self._executor.shutdown(wait=False, cancel_futures=True)
        self.widget.close()

    # ------------------------------------------------------------------------ callbacks
    def _on_run_clicked(self, _button=None) -> None:
        """The Run button: run and redraw; errors are shown in the status line, not raised.
        The button is disabled while it runs, which sends the keyboard's focus to the page's
        body; it is given back to the button, where the user left it (WCAG 2.4.3)."""
        try:
            self.run()
        except Exception:  # noqa: BLE001 - shown to the user in the status line
            pass
        finally:
            self.run_button.focus()

    def _on_pick(self, change) -> None:
        name, old = change["new"], change["old"]
        listed = self._files.get(name)
        found, twice = self._shelf.scan()
        path = found.get(name)
        if path is None:
            # removed, broken or renamed since the list was read: the picker goes back to the
            # scenario the page still starts from, so that it never names one scenario while
            # Run runs another, and the list loses it
            self._files, note = self._with_chosen(found)
            self._set_picker(old)
            self.list_note.value = note + self._twice_note(twice)
            why = self._shelf.gone_why(listed) if listed is not None else "it is no longer in the folder"
            self._status(f"<span style='color:#b42318'><b>Could not start from "
                         f"{bidi_html(name)}</b> (its file has changed since the list was read "
                         f"or cannot be read): {text_html(why)} Still starting from "
                         f"{bidi_html(self._base.name)}.</span>")
            return
        self._base, self._base_path = self._shelf.load(path), Path(path).resolve()
        self._files, note = self._with_chosen(found)
        self._set_picker(name)
        self.list_note.value = note + self._twice_note(twice)
        self.reset()

    # ------------------------------------------------------------------------ the list
    def refresh_list(self) -> None:
        """Read the scenarios folder again (Run and a new choice in the list do it too): a
        scenario saved since, from another tab say, joins the *Start from* list, and a file
        removed or broken since leaves it. The scenario the page starts from stays chosen as it
        was read; when its file has gone or no longer loads, the note under the list says so."""
        found, twice = self._shelf.scan()
        self._files, note = self._with_chosen(found)
        self._set_picker(self._base.name)
        self.list_note.value = note + self._twice_note(twice)

    def _with_chosen(self, found: dict[str, Path]) -> tuple[dict[str, Path], str]:
        """The list: the folder's scenarios with the one the page starts from, always (its file
        may be outside the folder, give a name another file gives too, or have gone since it
        was read: then the list marks it and the note, returned as HTML, says so)."""
        name, path = self._base.name, self._base_path
        self._stale = {}
        files = dict(found) if name in found else {name: path, **found}
        files[name] = path
        if name in found and os.path.realpath(found[name]) == os.path.realpath(path):
            return files, ""
        got = self._shelf.read(path)
        if isinstance(got, Scenario) and got.name == name:
            return files, ""
        self._stale[name] = ("removed" if file_state(Path(path)) is None
                             else "no longer loads" if isinstance(got, str) else "changed")
        return files, (f"<div style='{AMBER};max-width:900px'><b>The file of "
                       f"{bidi_html(name)} has changed since you chose it:</b> "
                       f"{text_html(self._shelf.gone_why(path))} Run still starts from "
                       f"{bidi_html(name)} as it was read then; choose another scenario in "
                       f"<i>Start from</i> to move on.</div>")

    @staticmethod
    def _twice_note(twice: list[str]) -> str:
        if not twice:
            return ""
        return (f"<div style='{AMBER};max-width:900px'><b>Two files give one name:</b> "
                f"{'; '.join(twice)}. Rename one so that both can be picked.</div>")

    def _set_picker(self, value: str) -> None:
        """The list from the files found, ``value`` chosen (not a new choice: no reset)."""
        options = self._picker_options()
        if list(self.picker.options) == options and self.picker.value == value:
            return
        self.picker.unobserve(self._on_pick, names="value")
        try:
            with self.picker.hold_sync():
                self.picker.options = options
                self.picker.value = value
        finally:
            self.picker.observe(self._on_pick, names="value")

    def _on_control_change(self, _change) -> None:
        self._update_notes()

    # ------------------------------------------------------------------------ drawing
    def _picker_options(self) -> list[tuple[str, str]]:
        # an option's text is plain text: the name and its file isolated (tables.isolate), so
        # that a right-to-left name keeps "(file.yaml)" after it
        return [(f"{isolate(n)} ({isolate(p.name)}"
                 + (f", {self._stale[n]}" if n in self._stale else "") + ")", n)
                for n, p in self._files.items()]

    def _chosen_label(self) -> str:
        return "Your scenario" if self._base.name != "Your scenario" else "Your scenario (changed)"

    def _status(self, text: str) -> None:
        self.status.value = text

    def _update_notes(self) -> None:
        b = self._base
        self.base_note.value = (f"<div style='{HELP_STYLE};max-width:900px'>"
                                f"<b>{bidi_html(b.name)}</b>: {bidi_html(b.description)}</div>")
        lines = describe_levers(b, self.levers())
        if lines:
            items = "".join(f"<li>{text_html(l)}</li>" for l in lines)
            text = f"<b>Your changes from {bidi_html(b.name)}:</b><ul style='margin:2px 0'>{items}</ul>"
        else:
            text = (f"<b>No changes yet:</b> Run shows {bidi_html(b.name)} on its own. Move a "
                    f"control to compare.")
        if self.exp is not None and self._results_levers is not None and (
                self.levers() != self._results_levers
                or next(iter(self.exp.scenarios)) != b.name
                or self._run_settings_now() != self._results_settings):
            text += (f" <span style='{AMBER}'>(The results below are for earlier settings: "
                     "press Run.)</span>")
        self.changes_note.value = f"<div style='margin:4px 0 6px 0'>{text}</div>"

    def _run_settings_now(self) -> tuple | None:
        """(years, runs, seed) as the boxes hold them now, as :meth:`run` reads them."""
        try:
            return (checked_setting(self.years.value, "Years to simulate", 0, YEARS_MAX, whole=False),
                    checked_setting(self.replications.value, "Runs of each scenario",
                                    *REPLICATIONS_RANGE),
                    checked_setting(self.seed.value, "Random seed", 0, SEED_MAX))
        except Exception:  # noqa: BLE001 - a value Run would refuse: not the results' settings
            return None

    @property
    def figures(self) -> dict[str, bytes]:
        """PNG images of the last run's charts, by name (drawing any not drawn yet)."""
        for tab in TAB_FIGURES:
            self._render_tab(tab)
        return dict(self._figures)

    def _render_tab(self, tab: str) -> None:
        for n, img in self._tab_images.get(tab, {}).items():
            if n in self._fig_makers and n not in self._figures:
                self._figures[n] = _fig_png(self._fig_makers[n]())
                # the chart's text alternative (WCAG 1.1.1): an image widget has no alt (nor
                # a title: its tooltip needs a description it lacks); the widget after it
                # holds the text, which the app's page copies to the image's alt
                self._tab_alts[tab][n].value = chart_alt_html(self._fig_alts[n]())
                img.value = self._figures[n]
                img.layout.display = None

    def _on_tab(self, change) -> None:
        if change["new"] is not None:
            self._render_tab(RESULT_TABS[change["new"]])

    def _redraw(self) -> None:
        from . import alt_text, plots, report_text

        exp = self.exp
        compared = len(exp.scenarios) > 1
        aim = self._base.caseload.caps["experienced"]
        # Charts are drawn when their tab is first looked at (the summary comes at once).
        makers = {
            "timeliness": lambda: plots.plot_timeliness(exp),
            "unallocated": lambda: plots.plot_unallocated(exp),
            "caseloads": lambda: plots.plot_caseloads_compare(exp, aim=aim),
            "workforce": lambda: plots.plot_workforce_mix_compare(exp),
            "sw_changes_over_time": lambda: plots.plot_sw_changes_over_time(exp),
            "sw_changes": lambda: plots.plot_sw_changes(exp),
            "cost": lambda: plots.plot_cost(exp),
        }
        if compared:
            makers["caseload_mean"] = lambda: plots.plot_caseloads(exp, aim=aim)
        self._fig_makers = makers
        self._fig_alts = alt_text.explorer_alts(exp, aim)
        self._figures = {}
        for tab, names in TAB_FIGURES.items():
            for n, img in self._tab_images[tab].items():
                img.value = b""
                self._tab_alts[tab][n].value = ""
                img.layout.display = "none"  # shown once drawn
            self._tab_html[tab].value = (f"<p style='max-width:900px'>"
                                         f"{html.escape(report_text.EXPLORER_TAB_NOTES[tab])}</p>")
        self._render_tab(RESULT_TABS[self.results.selected_index or 0])

        lines = describe_levers(self._base, self._results_levers or {}) if compared else []
        self.table, self._tab_html["Summary"].value = report_text.explorer_summary(exp, lines)
