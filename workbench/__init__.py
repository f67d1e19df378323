"""Children's social care workforce workbench: scenario modelling and simulation.

Public API::

    from workbench import load_scenario, simulate
    scenario = load_scenario("scenarios/baseline.yaml")
    run = simulate(scenario, seed=1)
    run.kpis, run.timeseries
"""

from . import _core_guard  # noqa: F401  (first: picks the compiled or the source core)
from .analysis.registry import KPI_DESCRIPTIONS, format_kpis
from .analysis.run import Run, simulate
from .scenario import Scenario, ScenarioError, load_scenario, validate_scenario

__version__ = "0.1.0"

__all__ = [
    "KPI_DESCRIPTIONS", "Run", "Scenario", "ScenarioError", "format_kpis", "load_scenario",
    "simulate", "validate_scenario", "__version__",
]
