"""The managers' app: the explorer as a page with no code, plus saving and exporting.

``make app`` (``workbench app``) serves ``notebooks/app.ipynb`` with Voila, which shows only the
widgets of :class:`App`: a how-to, the scenario picker, the levers, Run with a progress bar, the
results with their ranges and readings, the charts; then **Save your scenario** (a variant file
beside its base that the picker, ``workbench run`` and ``workbench report`` then find) and
**Download the results** (an Excel workbook, :mod:`workbench.present.export`). In a notebook::

    from workbench.present.app import App
    App().show()

The server side (starting Voila with the offline page template) is :mod:`workbench.present.app_server`.
"""

from __future__ import annotations

import base64
import html
import os
from pathlib import Path

from ..scenario import ScenarioError
from ..scenario.save import save_variant
from .explorer import Explorer
from ..decision.levers import build_scenario, describe_levers

__all__ = ["App", "HOW_TO"]

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
</ol></div>
"""

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
    **kwargs
        As :class:`~workbench.present.explorer.Explorer` (``replications``, ``years``, ``seed``,
        ``executor``, ``max_workers``, ``base``).

    Attributes
    ----------
    save_name, save_author, save_button, save_status, download
        The save box's widgets and the download link (an HTML widget holding the workbook of the
        last run as a data link, so it downloads with no server round trip).
    saved : list of Path
        Files saved from this page.
    workbook : bytes or None
        The Excel workbook of the last run.
    """

    def __init__(self, scenarios_dir: str | Path | None = None, **kwargs):
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
        self.save_status = w.HTML()
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
        self.widget.children = (w.HTML(HOW_TO),) + tuple(self.widget.children[1:]) + (save_box,)

    @classmethod
    def from_environment(cls) -> "App":
        """The app as ``workbench app`` configured it (``WORKBENCH_APP_*`` variables set by
        :func:`workbench.present.app_server.serve`; defaults otherwise)."""
        env = os.environ
        return cls(scenarios_dir=env.get("WORKBENCH_APP_SCENARIOS") or None,
                   replications=int(env.get("WORKBENCH_APP_REPLICATIONS", "4")),
                   years=float(env.get("WORKBENCH_APP_YEARS", "2")),
                   executor=env.get("WORKBENCH_APP_EXECUTOR", "process"))

    # ------------------------------------------------------------------------ running
    def run(self):
        """Run (see :meth:`Explorer.run`), then make the workbook and its download link."""
        exp = super().run()
        try:
            from .export import workbook_bytes

            files = {label: self._files[sc.name] for label, sc in exp.scenarios.items()
                     if sc.name in self._files and label == sc.name}
            self.workbook = workbook_bytes(exp, files=files)
            data = base64.b64encode(self.workbook).decode("ascii")
            stem = "".join(c if c.isalnum() else "_" for c in self._base.name.lower()).strip("_")
            self.download.value = (
                f"<a download='workbench_results_{html.escape(stem)}.xlsx' "
                f"href='data:{_XLSX};base64,{data}' style='font-weight:bold'>"
                f"Download the results (Excel workbook)</a>")
        except Exception as exc:  # noqa: BLE001 - the results stand; say why there is no file
            self.workbook = None
            self.download.value = (f"<span style='{_RED}'>Could not make the workbook: "
                                   f"{html.escape(str(exc))}</span>")
        return exp

    def save_workbook(self, path: str | Path) -> Path:
        """Write the last run's Excel workbook to ``path`` (from a notebook)."""
        if self.workbook is None:
            raise ValueError("no results yet: run first")
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.workbook)
        return path

    # ------------------------------------------------------------------------ saving
    def save(self, name: str, author: str = "") -> Path:
        """Save the controls' scenario as ``name`` (a variant file next to its base) and add it
        to the picker. Returns the file.

        Raises
        ------
        ScenarioError
            For a blank or taken name, no change from the starting scenario, or settings the
            scenario does not accept.
        """
        name = " ".join(name.split())
        if not name:
            raise ScenarioError("give your scenario a name first")
        levers = self.levers()
        what = describe_levers(self._base, levers)
        if not what:
            raise ScenarioError(f"nothing to save: the controls are those of {self._base.name}; "
                                "move a control first")
        scenario = build_scenario(self._base, levers, name=name, years=float(self.years.value))
        path = save_variant(scenario, self._base_path, folder=self.scenarios_dir, author=author,
                            what=what)
        self.saved.append(path)
        self._files[scenario.name] = path
        current = self.picker.value
        self.picker.unobserve(self._on_pick, names="value")
        try:
            self.picker.options = [(f"{n} ({p.name})", n) for n, p in self._files.items()]
            self.picker.value = current
        finally:
            self.picker.observe(self._on_pick, names="value")
        return path

    def _on_save(self) -> None:
        try:
            path = self.save(self.save_name.value, self.save_author.value)
        except ScenarioError as exc:
            self.save_status.value = f"<span style='{_RED}'>Not saved: {html.escape(str(exc))}</span>"
            return
        try:
            shown = path.resolve().relative_to(self.root)
        except ValueError:
            shown = path
        self.save_status.value = (f"Saved as <code>{html.escape(str(shown))}</code>. It is now in "
                                  f"<i>Start from</i>; run it with <code>workbench run "
                                  f"{html.escape(str(shown))}</code>.")
