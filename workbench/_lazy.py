"""Names a package loads from its modules on first use (PEP 562), so that importing the package
does not load what only some of its names need: a refused command answers before pandas, the
statistics and the model are loaded.

    __getattr__, __dir__ = lazy_names(__name__, globals(), {"simulate": "analysis.run"})

No name may also be the name of a submodule of the package: importing the submodule would make
the name the module.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable


def lazy_names(package: str, namespace: dict[str, Any],
               homes: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``, whose public names ``homes`` maps to
    the submodule (relative, dotted) that defines each; a name once loaded is kept in the
    package's ``namespace`` (its ``globals()``)."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{home}", package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(homes))

    return __getattr__, __dir__
