"""Decision support: the cheapest workforce plan that meets the targets, what the answer depends
on, and inputs that are not known exactly (issue 17).

- :mod:`.levers`: the explorer's levers and what each changes in a scenario (the optimiser
  searches over the same levers).
- :mod:`.targets`: a KPI with a threshold, and its one-sided confidence check.
- :mod:`.space`: levers with ranges; a plan as a scenario.
- :mod:`.optimise`: :func:`optimise`, the search (Optuna) and the selection on fresh seeds.
- :mod:`.sensitivity`: Morris screening and Sobol indices (SALib), a tornado's numbers and a
  sentence.
- :mod:`.runner`: many batches of replications on one process pool or Dask cluster, stored as
  they finish (a rerun resumes).

Uncertain inputs (a scenario's ``uncertain:`` block) are drawn per replication by
:func:`workbench.scenario.uncertain.draw_inputs`, which the experiment calls (it sits in the
scenario layer so that the experiment may call it).

Optuna and SALib are imported only when a search or an analysis runs.
"""

from __future__ import annotations

from .loaded import load_result
from .optimise import FRESH_SEED_OFFSET, OptimiseResult, frontier, optimise
from .space import DEFAULT_RANGES, LeverRange, parse_lever_range, plan_scenario
from .targets import Target, check_targets, parse_target, parse_targets

__all__ = [
    "DEFAULT_RANGES", "FRESH_SEED_OFFSET", "LeverRange", "OptimiseResult", "Target",
    "check_targets", "frontier", "load_result", "optimise", "parse_lever_range", "parse_target",
    "parse_targets", "plan_scenario",
]
