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

import importlib.machinery
import warnings
from pathlib import Path

from .._compiled import CORE_MODULES
from .record import RunRecord
from .simulation import Simulation, simulate

__all__ = ["RunRecord", "Simulation", "core_status", "simulate"]

# dotted names under workbench: "calendar", "model.child", ...
_CORE = tuple(m[len("workbench/"):-len(".py")].replace("/", ".") for m in CORE_MODULES)


def core_status() -> dict[str, str]:
    """For each core module: "compiled", "interpreted", or "stale" (compiled copy older than its
    source: Python would run the old code until the package is rebuilt with ``make setup``)."""
    import importlib

    pkg = Path(__file__).resolve().parents[1]
    status = {}
    for name in _CORE:
        mod = importlib.import_module(f"workbench.{name}")
        so = Path(getattr(mod, "__file__", "") or "")
        if not str(so).endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
            status[name] = "interpreted"
            continue
        src = pkg / (name.replace(".", "/") + ".py")
        status[name] = ("stale" if src.exists() and src.stat().st_mtime > so.stat().st_mtime
                        else "compiled")
    return status


_stale = [n for n, s in core_status().items() if s == "stale"]
if _stale:
    warnings.warn(
        f"the compiled simulation core is older than its source ({', '.join(_stale)}): "
        "Python is running the old compiled code. Run `make setup` to rebuild it.",
        stacklevel=2)
