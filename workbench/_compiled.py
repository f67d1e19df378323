"""The simulation core that ``setup.py`` compiles with mypyc: the one list of its modules.

Read by ``setup.py`` (without importing the package), the Makefile (to rebuild when one of them
changes) and :func:`workbench.model.core_status`. Keep this file free of imports.
"""

CORE_MODULES = (
    "workbench/calendar.py",
    "workbench/model/heap.py",
    "workbench/model/engine.py",
    "workbench/model/entities.py",
    "workbench/model/log.py",
    "workbench/model/streams.py",
    "workbench/model/workload.py",
    "workbench/model/allocation.py",
    "workbench/model/rebalance.py",
    "workbench/model/journey.py",
    "workbench/model/workforce.py",
    "workbench/model/simulation.py",
)
