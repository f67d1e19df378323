"""Build: the simulation core is compiled to a C extension with mypyc, for speed.

The core modules listed in ``COMPILED`` are ordinary, type-annotated Python. When they are
compiled, each becomes a native extension next to its source and Python imports that instead;
the results are identical, only faster (see benchmarks/README.md). Everything else in the
package stays interpreted.

Set ``WORKBENCH_PURE_PYTHON=1`` to install without compiling (for example to step through the
model in a debugger). After editing a compiled module, re-run ``make setup`` (the Makefile
rebuilds when a core source changes); until then Python keeps importing the old compiled copy.
"""

import os

from setuptools import setup

COMPILED = [
    "workbench/calendar.py",
    "workbench/model/child.py",
    "workbench/model/records.py",
    "workbench/model/streams.py",
    "workbench/model/worker.py",
    "workbench/model/team.py",
    "workbench/model/simulation.py",
    "workbench/model/workforce.py",
]

ext_modules = []
if os.environ.get("WORKBENCH_PURE_PYTHON", "") not in ("1", "true", "yes"):
    from mypyc.build import mypycify

    ext_modules = mypycify(COMPILED, opt_level="3", group_name="workbench_core")

setup(ext_modules=ext_modules)
