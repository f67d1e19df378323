"""Build: the simulation core is compiled to a C extension with mypyc, for speed.

The core modules listed in ``workbench/_compiled.py`` are ordinary, type-annotated Python. When
they are compiled, each becomes a native extension next to its source and Python imports that instead;
the results are identical, only faster (see benchmarks/README.md). Everything else in the
package stays interpreted.

Set ``WORKBENCH_PURE_PYTHON=1`` to install without compiling (for example to step through the
model in a debugger). After editing a compiled module, re-run ``make setup`` (the Makefile
rebuilds when a core source changes); until then Python keeps importing the old compiled copy.
"""

import os
import runpy

from setuptools import setup

# the compiled modules, listed once in workbench/_compiled.py (read here without importing
# the package, whose dependencies the build environment does not have)
COMPILED = list(runpy.run_path("workbench/_compiled.py")["CORE_MODULES"])

ext_modules = []
if os.environ.get("WORKBENCH_PURE_PYTHON", "") not in ("1", "true", "yes"):
    from mypyc.build import mypycify

    ext_modules = mypycify(COMPILED, opt_level="3", group_name="workbench_core")

setup(ext_modules=ext_modules)
