"""The plans the optimiser may choose from: levers with ranges, and a plan as a scenario.

A plan is a value for each lever being searched (the explorer's levers,
:mod:`workbench.decision.levers`), each within its range and on its step; the levers left out
keep the starting scenario's setting. :func:`plan_scenario` turns a plan into a validated
scenario whose name and description say what the plan changes.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import warnings
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from ..errors import UserError
from ..scenario import Scenario, ScenarioError
from .levers import (LEVER_BY_KEY, _show, build_scenario, describe_levers, fixed_lines,
                     lever_values)

__all__ = ["DEFAULT_RANGES", "LeverRange", "parse_lever_range", "plan_key", "plan_scenario",
           "suggest_plan"]


#: Levers that are choices the model does not price (what it costs a council to make them is
#: not in its cost): the optimiser does not move them.
UNPRICED = {
    "advert_success_pct": "what it takes to fill more posts per advert round (a market "
                          "supplement, say)",
    "time_to_hire_weeks": "what it takes to bring new starters in sooner (faster checks, "
                          "paying notice periods)",
}


@dataclass(frozen=True)
class LeverRange:
    """One lever the optimiser moves: its key (:data:`~workbench.decision.levers.LEVERS`), its
    lowest and highest value and its step, in the lever's own unit."""

    key: str
    low: float
    high: float
    step: float = 1.0

    def __post_init__(self):
        if self.key not in LEVER_BY_KEY:
            raise UserError(f"lever {self.key!r}: unknown; known: {', '.join(LEVER_BY_KEY)}")
        lv = LEVER_BY_KEY[self.key]
        if lv.kind == "month" or self.key in ("cost_per_extra_recruit_gbp",
                                              "retention_effect_pct", "demand_change_pct"):
            raise UserError(f"lever {self.key!r} ({lv.label}) is an assumption or a month, not "
                            f"a choice with a cost; the optimiser does not move it")
        if self.key in UNPRICED:
            # the search took a better value for nothing in place of choices that are costed
            # (recruits at GBP 20,000 each), and the plan's cost left out what it would take
            raise UserError(f"lever {self.key!r} ({lv.label}) has no price in the model: "
                            f"{UNPRICED[self.key]} is not costed, so the optimiser would take "
                            f"it in place of choices that are, and the plan's cost would leave "
                            f"it out; try it with `workbench compare` or the explorer instead")
        if math.isfinite(self.low) and self.high == self.low:
            # "the range must have high > low" told a user who meant to hold a lever still
            # neither that nothing is searched in one value nor how to hold it
            raise UserError(f"lever {self.key} ({lv.label}): a range of one value ({self.low:g} "
                            f"to {self.high:g}) leaves nothing to search; to hold it at "
                            f"{self.low:g}, leave it out of the levers searched and give it "
                            f"that value in the starting scenario")
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.high > self.low):
            # the ends the wrong way round: say which order is meant, not only the rule
            swap = (f"; give the lower value first ({self.key}={self.high:g}:{self.low:g})"
                    if math.isfinite(self.low) and math.isfinite(self.high) else "")
            raise UserError(f"lever {self.key}: the range must have high > low "
                            f"(got {self.low:g} to {self.high:g}){swap}")
        if self.low < lv.min or self.high > lv.max:
            raise UserError(f"lever {self.key}: the range {self.low:g} to {self.high:g} goes "
                            f"outside what the lever allows ({lv.min:g} to {lv.max:g})")
        if not (math.isfinite(self.step) and self.step > 0):
            raise UserError(f"lever {self.key}: the step must be above 0 (got {self.step:g})")
        if lv.kind == "int":
            # a whole-number lever runs as a whole number: a fractional end or step would be
            # described as one value and run as another (build_scenario rounds)
            odd = [f"{what} {v:g}" for what, v in (("low", self.low), ("high", self.high),
                                                  ("step", self.step)) if v != int(v)]
            if odd:
                raise UserError(f"lever {self.key} ({lv.label}) takes whole numbers; give a "
                                f"whole-number low, high and step (got {', '.join(odd)})")
        if self.step > self.high - self.low:
            raise UserError(f"lever {self.key}: the step {self.step:g} is more than the range "
                            f"{self.low:g} to {self.high:g}, so only {self.low:g} would be "
                            f"tried; give a step of at most {self.high - self.low:g}")

    @property
    def label(self) -> str:
        return LEVER_BY_KEY[self.key].label

    def values(self) -> int:
        """How many values the lever can take."""
        return int(math.floor((self.high - self.low) / self.step + 1e-9)) + 1

    def snap(self, x: float) -> float:
        """``x`` clipped to the range and rounded to the nearest value on the steps."""
        x = min(max(float(x), self.low), self.high)
        # on the grid the search moves on: a high end off the steps is not a value it tries
        k = min(round((x - self.low) / self.step), self.values() - 1)
        return float(min(self.low + k * self.step, self.high))


#: The four choices a director weighs (issue 17): more experienced recruits, a bigger academy,
#: agency cover of vacancies, and a retention payment. Ranges: the explorer's, cut to what a
#: county authority could do in a year (recruitment 0-40 a year, academy 0-40 places, any
#: agency cover, a payment up to GBP 5,000).
DEFAULT_RANGES: tuple[LeverRange, ...] = (
    LeverRange("extra_recruits_per_year", 0, 40, 1),
    LeverRange("academy_intake_per_year", 0, 40, 1),
    LeverRange("agency_cover_pct", 0, 100, 5),
    LeverRange("retention_payment_gbp", 0, 5000, 250),
)

_RANGE = re.compile(r"^\s*([a-z_]+)\s*=\s*([-+.\d]+)\s*:\s*([-+.\d]+)(?:\s*:\s*([.\d]+))?\s*$")


def parse_lever_range(text: str) -> LeverRange:
    """A range from text such as ``"academy_intake_per_year=0:40"`` or ``"...=0:100:5"``
    (low:high[:step])."""
    m = _RANGE.match(str(text))
    if not m:
        raise UserError(f"lever range {text!r}: expected LEVER=LOW:HIGH or LEVER=LOW:HIGH:STEP, "
                        f"e.g. academy_intake_per_year=0:40 (levers: {', '.join(LEVER_BY_KEY)})")
    try:
        low, high = float(m.group(2)), float(m.group(3))
        step = float(m.group(4)) if m.group(4) else LEVER_BY_KEY.get(m.group(1), None).step
    except (ValueError, AttributeError):
        raise UserError(f"lever range {text!r}: unknown lever or a value that is not a number "
                        f"(levers: {', '.join(LEVER_BY_KEY)})") from None
    try:
        out = LeverRange(m.group(1), low, high, step)
    except UserError as exc:
        # the range as typed, not as a float prints it (99999999999999999999 is not "1e+20")
        raise UserError(f"lever range {text.strip()!r}: {exc}") from None
    top = out.low + (out.values() - 1) * out.step
    if not math.isclose(top, out.high, rel_tol=1e-9, abs_tol=1e-9):
        warnings.warn(f"lever range {text.strip()!r}: {out.high:g} is not a whole number of "
                      f"steps of {out.step:g} from {out.low:g}, so the highest value tried is "
                      f"{top:g}", UserWarning, stacklevel=2)
    return out


def check_ranges(ranges: Iterable[LeverRange]) -> tuple[LeverRange, ...]:
    """The ranges, at least one, each lever once."""
    out = tuple(ranges)
    if not out:
        raise UserError("give at least one lever to search")
    keys = [r.key for r in out]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise UserError(f"lever(s) {twice} given twice; give each once")
    return out


def suggest_plan(trial: Any, ranges: Sequence[LeverRange]) -> dict[str, float]:
    """An Optuna trial's plan: each lever on its grid (an integer index, so the sampler sees
    the steps), as lever values."""
    plan = {}
    for r in ranges:
        k = trial.suggest_int(r.key, 0, r.values() - 1)
        plan[r.key] = r.snap(r.low + k * r.step)
    return plan


def plan_params(plan: Mapping[str, float], ranges: Sequence[LeverRange]) -> dict[str, int]:
    """The trial parameters (grid indices) of a plan, for ``study.enqueue_trial``."""
    return {r.key: int(round((r.snap(plan[r.key]) - r.low) / r.step)) for r in ranges}


def plan_key(plan: Mapping[str, Any]) -> str:
    """A short stable key of a plan (its values), for labels and file names."""
    text = json.dumps({k: float(v) for k, v in sorted(plan.items())}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def plan_scenario(base: Scenario, plan: Mapping[str, Any], years: float | None = None) -> Scenario:
    """The scenario of ``plan``: ``base`` with the levers moved, named by the plan's key.

    Raises
    ------
    UserError
        When the scenario does not accept a value (the message names the lever).
    """
    try:
        # a plan's value is a decision: at the starting scenario's own value of an input it
        # gives as a range, it fixes the input as any other value does (the plan at 12
        # academy places drew 10 to 14 while the plans beside it had 11 and 13)
        return build_scenario(base, plan, name=f"Plan {plan_key(plan)}", years=years, fix=True)
    except ScenarioError as exc:
        raise UserError(f"plan {dict(plan)}: {exc}") from None


def base_plan(base: Scenario, ranges: Sequence[LeverRange]) -> dict[str, float]:
    """The starting scenario's own settings of the searched levers (snapped to the ranges)."""
    now = lever_values(base)
    # no limit (None) is nearest the loosest limit searched, not a limit of 0: the search
    # started "where the scenario stands" from a ban on agency staff
    return {r.key: r.snap((r.high if LEVER_BY_KEY[r.key].kind == "cap" else 0.0)
                          if now[r.key] is None else now[r.key]) for r in ranges}


def describe_plan(base: Scenario, plan: Mapping[str, Any]) -> str:
    """What a plan changes from ``base``, in plain English ("no change" when nothing moves)."""
    lines = describe_levers(base, plan) + fixed_lines(base, plan)
    return "; ".join(lines) if lines else "no change from the starting scenario"


def start_outside(base: Scenario, ranges: Sequence[LeverRange]) -> str:
    """A note when the starting scenario's own setting of a lever searched lies outside the
    range searched (the search never ran the starting scenario itself), else ``""``.

    A baseline that already met the targets, searched on a range above its setting, was
    answered "the cheapest plan found ... 12 -> 20 academy places" as if the change were needed.
    """
    now = lever_values(base)
    out = [f"{r.label} {_show(r.key, now[r.key])} (searched {_show(r.key, r.low)} to "
           f"{_show(r.key, r.high)})"
           for r in ranges if now[r.key] is not None
           and not r.low - 1e-9 <= float(now[r.key]) <= r.high + 1e-9]
    if not out:
        return ""
    return (f"the starting scenario's own setting was not tried, as it lies outside the range"
            f"{'s' if len(out) > 1 else ''} searched: {'; '.join(out)}; it may meet every "
            f"target at less cost (widen the range to take it in to compare)")
