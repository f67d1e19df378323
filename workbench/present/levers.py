"""Levers: the controls a manager moves in the explorer, and what each changes in a scenario.

The mapping lives in :mod:`workbench.decision.levers` (the optimiser searches over the same
levers, and the decision layer may not import this one); this module keeps the explorer's and
the notebooks' imports working.
"""

from __future__ import annotations

from ..decision.levers import (  # noqa: F401 - re-exported
    AGENCY_CAP_CHOICES, DEFAULT_COST_PER_RECRUIT_GBP, DEFAULT_RETENTION_EFFECT_PCT, LEVER_BY_KEY,
    LEVER_GROUPS, LEVERS, Lever, build_scenario, describe_levers, extra_recruitment, lever_values,
    same_value,
)

__all__ = [
    "AGENCY_CAP_CHOICES", "LEVERS", "LEVER_BY_KEY", "LEVER_GROUPS", "Lever", "build_scenario",
    "describe_levers", "extra_recruitment", "lever_values", "same_value",
]
