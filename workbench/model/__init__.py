"""The discrete-event model (SimPy): ``simulate(scenario, seed)`` returns a run record.

Imports nothing from analysis, experiments or presentation. One concept a module:
``engine`` (the only user of SimPy), ``entities`` (child, task, stage), ``journey`` (front door,
stages, visits, re-referral), ``allocation`` (queues, choosing a worker, place-or-queue),
``workload`` (how a worker's hours are shared: where timeliness comes from), ``workforce``
(leavers, recruitment, academy, agency), ``demand``, ``snapshot`` (warm start), ``streams``
(random numbers), ``log`` (the records' schema), ``record`` (the run record) and ``simulation``
(the wiring).

The simulation core is compiled with mypyc when the package is installed (see ``setup.py``);
:func:`core_status` tells whether the compiled copy is in use and whether it is up to date.
"""

from __future__ import annotations

import importlib
import importlib.machinery

from .. import _core_guard
from .record import RunRecord
from .simulation import Simulation, simulate

__all__ = ["RunRecord", "Simulation", "core_status", "simulate"]


def core_status() -> dict[str, str]:
    """For each core module: "compiled" or "interpreted" (what this process runs). A compiled
    copy built from other sources is never used (see :mod:`workbench._core_guard`)."""
    status = {}
    for name in _core_guard.CORE:
        mod = importlib.import_module(name)
        path = str(getattr(mod, "__file__", "") or "")
        status[name[len("workbench."):]] = (
            "compiled" if path.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))
            else "interpreted")
    return status
