"""The simulation core that ``setup.py`` compiles with mypyc: the one list of its modules.

Read by ``setup.py`` (without importing the package), the Makefile (to rebuild when one of them
changes) and :func:`workbench.model.core_status`. Keep this file free of imports.
"""

CORE_MODULES = (
    "workbench/calendar.py",
    "workbench/model/child.py",
    "workbench/model/records.py",
    "workbench/model/streams.py",
    "workbench/model/worker.py",
    "workbench/model/team.py",
    "workbench/model/simulation.py",
    "workbench/model/workforce.py",
)
