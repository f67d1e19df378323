"""Reading scenario files: YAML, ``base:`` inheritance, validation and file digests.

A variant file names a base file and states only what differs (blocks are merged key by key,
except an outcome distribution ``next:`` and a distribution spec ``{dist: ...}``, which a variant
states whole)::

    base: baseline.yaml
    name: Academy expansion
    academy:
      intake_per_year: 24
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml

from .derive import merge_variant
from .errors import ScenarioError
from .schema import Scenario, validate_scenario


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise ScenarioError(f"{path}: scenario file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ScenarioError(f"{path}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if data is None:
        raise ScenarioError(f"{path}: the file is empty")
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}: expected a mapping of fields at the top level, got {type(data).__name__}")
    return data


def load_raw(path: str | Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The merged plain data of a scenario file, following ``base:`` links."""
    path = Path(path).resolve()
    if path in _seen:
        raise ScenarioError(f"{path}: 'base' links form a loop ({' -> '.join(p.name for p in _seen + (path,))})")
    data = _read_yaml(path)
    base = data.pop("base", None)
    if base is None:
        return data
    if not isinstance(base, str):
        raise ScenarioError(f"{path}: base: expected a file name, got {base!r}")
    base_path = (path.parent / base)
    if not base_path.exists():
        raise ScenarioError(f"{path}: base: file '{base}' not found (looked in {path.parent})")
    return merge_variant(load_raw(base_path, _seen + (path,)), data)


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario file (following ``base:`` links)."""
    data = load_raw(path)
    return validate_scenario(data, source=str(path))


def load_scenarios(paths) -> dict[str, tuple[Scenario, Path]]:
    """Load several scenario files, keyed by scenario name, in the order given.

    Every problem (a missing file, a bad file, two files with the same name) is collected and
    reported together in one :class:`ScenarioError`.
    """
    scenarios: dict[str, tuple[Scenario, Path]] = {}
    problems = []
    for p in map(Path, paths):
        if not p.exists():
            problems.append(f"{p}: scenario file not found")
            continue
        try:
            sc = load_scenario(p)
        except ScenarioError as exc:
            problems.append(str(exc))
            continue
        if sc.name in scenarios:
            problems.append(f"{p}: the name '{sc.name}' is also used by "
                            f"{scenarios[sc.name][1].name}; scenario names must differ")
            continue
        scenarios[sc.name] = (sc, p)
    if problems:
        raise ScenarioError("\n".join(problems))
    return scenarios


def file_digest(path: str | Path) -> str:
    """SHA-256 (first 12 hex digits) of a scenario file and its base chain, for run details."""
    h = hashlib.sha256()
    p = Path(path).resolve()
    seen = set()
    while p and p not in seen and p.exists():
        seen.add(p)
        text = p.read_bytes()
        h.update(text)
        base = (yaml.safe_load(text) or {}).get("base") if text else None
        p = (p.parent / base).resolve() if isinstance(base, str) else None
    return h.hexdigest()[:12]

