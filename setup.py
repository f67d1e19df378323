"""Build: the simulation core is compiled to a C extension with mypyc, for speed.

The core modules listed in ``workbench/_compiled.py`` are ordinary, type-annotated Python. When
they are compiled, each becomes a native extension next to its source; the results are
identical, only faster (see benchmarks/README.md). Everything else stays interpreted.

- ``WORKBENCH_PURE_PYTHON=1`` installs without compiling (for example to step through the model
  in a debugger).
- Without a working C compiler (or mypyc), the build says so in one line and installs the
  pure-Python core instead of failing.
- The build records the SHA-256 of every source it compiled (``workbench/_compiled_digest.json``);
  at import, ``workbench/_core_guard.py`` runs the Python source instead of a compiled copy built
  from other sources, so an edited core module is never shadowed by its old compiled code.
"""

import hashlib
import json
import os
import runpy
import sys

from setuptools import setup
from setuptools.command.build_ext import build_ext

# the compiled modules, listed once in workbench/_compiled.py (read here without importing
# the package, whose dependencies the build environment does not have)
COMPILED = list(runpy.run_path("workbench/_compiled.py")["CORE_MODULES"])
DIGEST = os.path.join("workbench", "_compiled_digest.json")


def _say(msg: str) -> None:
    print(f"workbench: {msg}", file=sys.stderr)


def _write_digest() -> None:
    digests = {m: hashlib.sha256(open(m, "rb").read()).hexdigest() for m in COMPILED}
    with open(DIGEST, "w", encoding="utf-8") as fh:
        json.dump(digests, fh, indent=1, sort_keys=True)


class BuildCore(build_ext):
    """build_ext that falls back to the pure-Python core when compiling fails."""

    def run(self):
        if os.path.exists(DIGEST):
            os.remove(DIGEST)  # a build that fails half-way must not look current
        try:
            super().run()
        except Exception as exc:  # no compiler, missing headers, a mypyc error
            _say(f"could not compile the simulation core ({type(exc).__name__}: no working C "
                 "compiler?); installing the pure-Python core (same results, about 3x slower)")
            self.extensions = []
            return
        _write_digest()


ext_modules = []
if os.environ.get("WORKBENCH_PURE_PYTHON", "").lower() not in ("1", "true", "yes"):
    try:
        from mypyc.build import mypycify

        ext_modules = mypycify(COMPILED, opt_level="3", group_name="workbench_core")
    except (Exception, SystemExit) as exc:  # mypyc missing, or its type check failed (it exits)
        _say(f"could not prepare the compiled core ({type(exc).__name__}); installing the "
             "pure-Python core (same results, about 3x slower)")
        ext_modules = []

setup(ext_modules=ext_modules, cmdclass={"build_ext": BuildCore})
