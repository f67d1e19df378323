"""Children's social care workforce workbench: scenario modelling and simulation.

Public API::

    from workbench import load_scenario, simulate
    scenario = load_scenario("scenarios/baseline.yaml")
    run = simulate(scenario, seed=1)
    run.kpis, run.timeseries
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import _core_guard  # noqa: F401  (first: picks the compiled or the source core)
from ._lazy import lazy_names

__version__ = "0.1.0"

#: public name -> the module that defines it. Each loads on first use (PEP 562), so that a
#: command that refuses its input, or ``workbench --help``, does not wait for pandas and the
#: model. No name here is also the name of a submodule.
_HOMES = {
    "KPI_DESCRIPTIONS": "analysis.registry", "format_kpis": "analysis.registry",
    "Run": "analysis.run", "simulate": "analysis.run",
    "Scenario": "scenario", "ScenarioError": "scenario", "load_scenario": "scenario",
    "validate_scenario": "scenario",
}

__all__ = [*sorted(_HOMES), "__version__"]


__getattr__, __dir__ = lazy_names(__name__, globals(), _HOMES)


if TYPE_CHECKING:
    from .analysis.registry import KPI_DESCRIPTIONS, format_kpis
    from .analysis.run import Run, simulate
    from .scenario import Scenario, ScenarioError, load_scenario, validate_scenario
