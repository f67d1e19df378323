"""Use the compiled simulation core only when it was built from the sources in front of it.

``setup.py`` compiles the modules in :data:`workbench._compiled.CORE_MODULES` with mypyc and
writes the SHA-256 of each source it compiled to ``_compiled_digest.json``. Python would import a
compiled copy in preference to its source, so an edited core module could otherwise run its old
code. On import, this guard compares the digests: if the core was built from other sources (or
``WORKBENCH_PURE_PYTHON=1`` is set), every core module is loaded from its Python source (all of
them: compiled modules of one build call each other natively and cannot be mixed with
interpreted ones), with one warning line saying how to rebuild.

Standard library only; nothing here imports the model.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import warnings
from pathlib import Path

from ._compiled import CORE_MODULES

ROOT = Path(__file__).resolve().parent.parent
DIGEST_FILE = Path(__file__).resolve().parent / "_compiled_digest.json"
#: dotted module name -> source path
CORE = {m[:-len(".py")].replace("/", "."): ROOT / m for m in CORE_MODULES}


def pure_python_requested() -> bool:
    """Whether ``WORKBENCH_PURE_PYTHON`` asks for the interpreted core."""
    return os.environ.get("WORKBENCH_PURE_PYTHON", "").lower() in ("1", "true", "yes")


def source_digests() -> dict[str, str]:
    """SHA-256 of each core module's source, by path relative to the project root."""
    return {m: hashlib.sha256((ROOT / m).read_bytes()).hexdigest() for m in CORE_MODULES}


def compiled_copies() -> list[str]:
    """Core modules that have a compiled copy next to their source."""
    out = []
    for name, src in CORE.items():
        stem = src.with_suffix("")
        if any(Path(f"{stem}{suffix}").exists()
               for suffix in importlib.machinery.EXTENSION_SUFFIXES):
            out.append(name)
    return out


def stale_modules() -> list[str]:
    """Core modules whose source differs from the one the compiled core was built from."""
    try:
        built = json.loads(DIGEST_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return sorted(CORE)
    now = source_digests()
    return sorted(m[:-len(".py")].replace("/", ".") for m in CORE_MODULES
                  if built.get(m) != now[m])


class _SourceFinder(importlib.abc.MetaPathFinder):
    """Finds the core modules as Python source, ahead of the compiled copies."""

    def find_spec(self, fullname, path=None, target=None):
        src = CORE.get(fullname)
        if src is None:
            return None
        return importlib.util.spec_from_file_location(fullname, src)


def install() -> str:
    """Decide between the compiled and the interpreted core, once per process.

    Returns "compiled", "interpreted" (no compiled copy, or asked for), or "stale" (a compiled
    copy exists but was built from other sources: the interpreted core is used).
    """
    if any(isinstance(f, _SourceFinder) for f in sys.meta_path):
        return "interpreted"
    copies = compiled_copies()
    if not copies:
        return "interpreted"
    if pure_python_requested():
        sys.meta_path.insert(0, _SourceFinder())
        return "interpreted"
    stale = stale_modules()
    if stale or len(copies) != len(CORE):
        sys.meta_path.insert(0, _SourceFinder())
        warnings.warn(
            "the compiled simulation core was built from other sources "
            f"({', '.join(stale) or 'incomplete build'}): running the Python source instead "
            "(same results, slower). Run `make setup` to rebuild it.", stacklevel=3)
        return "stale"
    return "compiled"


STATE = install()
