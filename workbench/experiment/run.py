"""Running experiments."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence


def run_comparison(files: Sequence[str | Path] | None = None, replications: int = 6,
                   years: float | None = 3, seed: int = 2017, executor: str = "process",
                   out: str | Path | None = None, name: str = "compare",
                   progress: bool = True, root: str | Path | None = None):
    """Run several scenario files on common random numbers (the comparison notebook).

    Parameters
    ----------
    files : list of paths, optional
        Scenario files (relative to the project folder); default every bundled file, the
        baseline first. The first is the baseline of the comparison.
    replications, years, seed, executor, out, name, progress
        As :func:`workbench.experiment.run_experiment` (``out=None``: nothing written).

    Returns
    -------
    (Experiment, dict[str, Path])
        The experiment and each scenario's file, by label.
    """
    from . import run_experiment
    from ..scenario.catalog import load_scenario_files

    scenarios, paths = load_scenario_files(files, root)
    exp = run_experiment(scenarios, replications=replications, seed=seed, years=years,
                         executor=executor, out=out, name=name, progress=progress)
    return exp, paths


