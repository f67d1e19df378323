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

__all__ = ["RunRecord", "Simulation", "core_status", "core_summary", "simulate"]


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


def core_summary() -> str:
    """One line for the end of an install: is the simulation core compiled, and if not, why
    that matters and how to see the reason. The build's own message is hidden by a quiet pip
    (``make setup``), so without this line a core that failed to compile (a type error in an
    edited module, no C compiler) would run interpreted, about three times slower, unsaid."""
    status = core_status()
    compiled = sum(1 for v in status.values() if v == "compiled")
    if compiled == len(status):
        return f"workbench: the simulation core is compiled ({compiled} modules)"
    if _core_guard.pure_python_requested():
        return ("workbench: the simulation core runs as Python source, as WORKBENCH_PURE_PYTHON "
                "asks (same results, about 3x slower)")
    return ("workbench: WARNING: the simulation core is NOT compiled "
            f"({len(status) - compiled} of {len(status)} modules run as Python source: same "
            "results, about 3x slower). To see why (no C compiler, or a type error in a core "
            "module), run: .venv/bin/python -m pip install -v -e . 2>&1 | grep -i workbench")
