"""Deriving scenarios from others: a variant file over its base, changes at dotted paths, and the
same authority at another size.

These work on plain data (the dicts a scenario file or ``Scenario.model_dump`` gives) or through a
scenario's own :meth:`~workbench.scenario.Scenario.replace`, so that the schema can use them
without this module importing it.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from pydantic import BaseModel

from .errors import ScenarioError

# Blocks a variant states whole rather than merging into its base: a probability distribution over
# outcomes must sum to 1 by itself, and a distribution spec (``dist: ...``) is one unit.
_WHOLE_BLOCKS = {"next"}


def merge_variant(base: dict, override: dict) -> dict:
    """A variant's data over its base's: blocks merged key by key, except those stated whole.

    Parameters
    ----------
    base, override : dict
        Plain scenario data (as read from YAML); neither is changed.

    Returns
    -------
    dict
        A new dict: ``override``'s values win; a nested block is merged unless it is an outcome
        distribution (``next:``) or a distribution spec (has ``dist:``), which replace the base's.
    """
    out = copy.deepcopy(base)
    for key, value in override.items():
        if (isinstance(value, dict) and isinstance(out.get(key), dict)
                and key not in _WHOLE_BLOCKS and "dist" not in value):
            out[key] = merge_variant(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def set_dotted(data: dict, path: str, value: Any) -> None:
    """Set ``data`` at a dotted path such as ``"academy.intake_per_year"``, in place.

    Raises
    ------
    ScenarioError
        If a block on the path is not a field of the data.
    """
    keys = path.split(".")
    node = data
    for i, key in enumerate(keys[:-1]):
        if not isinstance(node, dict) or key not in node:
            raise ScenarioError(
                f"<derived scenario>: cannot change '{path}': '{'.'.join(keys[:i + 1])}' is not a field")
        node = node[key]
        if isinstance(node, BaseModel):
            node = node.model_dump(mode="python")
    if not isinstance(node, dict):
        raise ScenarioError(f"<derived scenario>: cannot change '{path}': its parent is not a block")
    node[keys[-1]] = value


def scale_authority(scenario, factor: float):
    """The same authority ``factor`` times the size.

    Demand, staff counts, establishment, open and unallocated cases, academy intake, campaign
    hires, conference slots and the agency FTE cap are scaled (counts rounded to whole people and cases); rates,
    durations and policies are unchanged.

    Parameters
    ----------
    scenario : Scenario
        The authority to scale.
    factor : float
        Size multiplier, above 0 (e.g. 2.0 for twice the referrals and staff).

    Returns
    -------
    Scenario
        A new, validated scenario named ``"<name> (x<factor>)"``.
    """
    if not factor > 0:
        raise ScenarioError(f"<derived scenario>: scale factor must be > 0 (got {factor})")
    d = scenario.model_dump(mode="python")

    def count(n: int) -> int:
        return int(round(n * factor))

    teams = d["teams"]
    for team in teams.values():
        team["establishment_fte"] *= factor
        for g in team["staff"]:
            g["count"] = count(g["count"])
    changes = {
        "name": f"{scenario.name} (x{factor:g})",
        "demand.referrals_per_year": d["demand"]["referrals_per_year"] * factor,
        "teams": teams,
        "initial.open_cases": {k: count(v) for k, v in d["initial"]["open_cases"].items()},
        "initial.unallocated": {k: count(v) for k, v in d["initial"]["unallocated"].items()},
        "academy.intake_per_year": count(d["academy"]["intake_per_year"]),
        "recruitment.campaigns": [dict(c, hires=count(c["hires"])) for c in d["recruitment"]["campaigns"]],
        # conference chairs grow with the authority (else its conferences queue for weeks); a
        # small authority still has room for one a day (the field's minimum)
        "conferences.slots_per_working_day": max(
            1.0, d["conferences"]["slots_per_working_day"] * factor),
    }
    if d["agency"]["cap_fte"] is not None:
        changes["agency.cap_fte"] = d["agency"]["cap_fte"] * factor
    # an uncertain input that is scaled keeps its range, scaled (without this, each run's draw
    # put the authority's own referrals back into an authority twice its size)
    changes["uncertain"] = {path: scaled_dist(dist, factor) if _SCALED.fullmatch(path) else dist
                            for path, dist in d["uncertain"].items()}
    return scenario.replace(changes)


#: The inputs :func:`scale_authority` scales that an uncertain input can name (a staff group's
#: count is an entry of a list, which cannot be).
_SCALED = re.compile(r"demand\.referrals_per_year|teams\.[^.]+\.establishment_fte|"
                     r"initial\.(open_cases|unallocated)\.[^.]+|academy\.intake_per_year|"
                     r"conferences\.slots_per_working_day|agency\.cap_fte")


def scaled_dist(dist: dict, factor: float) -> dict:
    """A distribution (plain data of :data:`~.basics.Dist`) of ``factor`` times the values: its
    location and ends scaled, its shape (cv) kept."""
    out = dict(dist)
    for key in ("value", "mean", "low", "high"):
        if out.get(key) is not None:
            out[key] = out[key] * factor
    if out.get("edges") is not None:
        out["edges"] = [e * factor for e in out["edges"]]
    return out
