"""Inputs that are not known exactly: a scenario's ``uncertain:`` block, and the draw of its
inputs for one replication.

A scenario may give any numeric input as a distribution, by its dotted path::

    uncertain:
      stages.assessment.work_hours.mean: {dist: uniform, low: 8, high: 12}
      workforce.turnover_pct_per_year.experienced: {dist: lognormal, mean: 15, cv: 0.15}
      demand.referrals_per_year: {dist: uniform, low: 5800, high: 6800}

Each replication then runs with its own values of those inputs, drawn by :func:`draw_inputs`
from the replication's seed and the input's path alone, so that every scenario of an experiment
gets the same draws in the same replication (common random numbers), and adding an uncertain
input leaves the others' draws as they were. An experiment's ranges then hold both kinds of
uncertainty: chance events, and what we do not know about the inputs (:func:`describe`).

The draw lives in the scenario layer so that the experiment may call it; the decision layer's
sensitivity analysis uses :func:`quantile` to place its sample points.
"""

from __future__ import annotations

import math
import zlib
from typing import Any, Mapping

import numpy as np

from .errors import ScenarioError

__all__ = ["apply_inputs", "describe", "dist_words", "draw_inputs", "input_value", "is_whole",
           "quantile", "uncertain_problems", "value_used", "whole_uniform"]

#: Keeps the input draws' random numbers apart from the model's own streams of the same seed.
_STREAM = 0x1A7E


def quantile(dist: Any, u: float) -> float:
    """The ``u``-quantile (0 <= u < 1) of a distribution of the schema (:data:`~.basics.Dist`).

    Parameters
    ----------
    dist : a distribution model (``dist: fixed | exponential | lognormal | gamma | uniform |
        histogram``)
    u : float
        A probability.

    Returns
    -------
    float
        In the unit of the input the distribution describes.
    """
    from scipy import stats

    u = min(max(float(u), 0.0), 1.0 - 1e-12)
    kind = dist.dist
    if kind == "fixed":
        return float(dist.value)
    if kind == "uniform":
        return float(dist.low + u * (dist.high - dist.low))
    if kind == "exponential":
        return float(-dist.mean * math.log1p(-u))
    if kind == "lognormal":
        s2 = math.log1p(dist.cv ** 2)
        return float(stats.lognorm.ppf(u, math.sqrt(s2), scale=dist.mean / math.exp(s2 / 2)))
    if kind == "gamma":
        k = 1 / dist.cv ** 2
        return float(stats.gamma.ppf(u, k, scale=dist.mean / k))
    if kind == "histogram":
        cum = np.concatenate([[0.0], np.cumsum(dist.probs)])
        return float(np.interp(u, cum, dist.edges))
    raise ValueError(f"unknown distribution {kind!r}")


def _num(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.4g}"


def dist_words(dist: Any) -> str:
    """A distribution of the schema in a few words: "5,800 to 6,800 (uniform)"."""
    kind = dist.dist
    if kind == "fixed":
        return f"{_num(dist.value)} (fixed)"
    if kind == "uniform":
        return f"{_num(dist.low)} to {_num(dist.high)} (uniform)"
    if kind == "exponential":
        return f"exponential, average {_num(dist.mean)}"
    if kind in ("lognormal", "gamma"):
        return f"{kind}, average {_num(dist.mean)}, coefficient of variation {dist.cv:g}"
    if kind == "histogram":
        return f"{_num(dist.edges[0])} to {_num(dist.edges[-1])} (histogram)"
    return kind


def input_value(data: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path of plain scenario data (``Scenario.model_dump()``), or a
    :class:`KeyError` naming the first part that is missing."""
    node: Any = data
    for i, key in enumerate(path.split(".")):
        if not isinstance(node, Mapping) or key not in node:
            raise KeyError(".".join(path.split(".")[:i + 1]))
        node = node[key]
    return node


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


#: Fields that frame the run rather than describe the authority: the same in every replication,
#: so that replications (and the scenarios compared with them) cover the same period.
_FRAME = {
    "horizon_years": "it is the length of the run, which every replication (and every scenario "
                     "compared) must share; give the run's length as horizon_years itself",
    "start_date": "it is the date the run starts, which every replication must share",
    "calendar": "the working-day calendar is the same in every replication",
}


def uncertain_problems(sc: Any) -> list[str]:
    """Every ``uncertain:`` path that does not lead to a number of the scenario."""
    if not getattr(sc, "uncertain", None):
        return []
    data = sc.model_dump(mode="python")
    out = []
    for path in sc.uncertain:
        parts = path.split(".")
        if any(p != p.strip() or not p for p in parts):
            # 'demand..referrals_per_year' was told "'demand.' is not a field", a name no one wrote
            why = ("an empty part (two dots together, or a dot at the start or end)"
                   if any(not p.strip() for p in parts) else "a space beside a dot or at an end")
            out.append(f"uncertain.{path}: the path has {why}; give the dotted path of a number "
                       f"with no spaces, e.g. demand.referrals_per_year")
            continue
        top = parts[0]
        if top in ("uncertain", "name", "description", "sources"):
            out.append(f"uncertain.{path}: cannot be uncertain (give a numeric input's path)")
            continue
        if top in _FRAME:
            out.append(f"uncertain.{path}: cannot be uncertain: {_FRAME[top]}")
            continue
        try:
            v = input_value(data, path)
        except KeyError as exc:
            missing = exc.args[0]
            parent = missing.rpartition(".")[0]
            if parent and isinstance(input_value(data, parent), (list, tuple)):
                # staff.0.count, seasonality.3: an entry of a list is a field, but not one an
                # uncertain input can name ("is not a field of this scenario" was not true)
                out.append(f"uncertain.{path}: '{parent}' is a list, and {_LIST_ENTRY}")
            else:
                out.append(f"uncertain.{path}: '{missing}' is not a field of this scenario (give "
                           f"the dotted path of a number, e.g. stages.assessment.work_hours.mean)")
            continue
        if not _is_number(v):
            out.append(_not_a_number(path, v))
            continue
        out.extend(_range_problems(sc, path))
    return out


#: Why neither a list nor an entry of one (staff.0.count, seasonality.3) can be uncertain.
_LIST_ENTRY = ("an entry of a list cannot be uncertain; give the path of a number in a block, "
               "e.g. stages.assessment.work_hours.mean or teams.<team>.establishment_fte")


def _not_a_number(path: str, v: Any) -> str:
    """Why ``path`` cannot be uncertain, with a path that can: it said 'it holds dict ...
    e.g. a distribution's mean' of a block of counts (initial.unallocated) and of a list."""
    if isinstance(v, Mapping) and "dist" in v:
        inside = [k for k in ("mean", "low", "high", "value") if _is_number(v.get(k))]
        eg = f"{path}.{inside[0]}" if inside else f"{path}.mean"
        return (f"uncertain.{path}: is not a number but a distribution ({v['dist']}); give the "
                f"path of a number inside it, e.g. {eg}")
    if isinstance(v, Mapping):
        nums = [k for k, x in v.items() if _is_number(x)]
        if nums:
            shown = ", ".join(map(str, nums[:6])) + (", ..." if len(nums) > 6 else "")
            return (f"uncertain.{path}: is not a number but a block of numbers ({shown}); give "
                    f"the path of one, e.g. {path}.{nums[0]}")
        return (f"uncertain.{path}: is not a number but a block with no number in it in this "
                f"scenario; only a number the scenario gives can be given a range")
    if isinstance(v, (list, tuple)):
        return f"uncertain.{path}: is not a number but a list, and {_LIST_ENTRY}"
    if v is None:
        return (f"uncertain.{path}: is not a number: it is not set in this scenario; only a "
                f"number the scenario gives can be given a range")
    what = "yes/no" if isinstance(v, bool) else "a date" if hasattr(v, "isoformat") else "text"
    return (f"uncertain.{path}: is not a number (it holds {what}); only a number can be given "
            f"a range")


#: The draws checked against the input's own limits: all but the rarest 0.1% at each end.
RANGE_QUANTILES = (0.001, 0.999)


def _range_problems(sc: Any, path: str) -> list[str]:
    """Whether the input accepts its distribution's draws (at :data:`RANGE_QUANTILES`): a
    distribution reaching past the input's limits passed validation, then every replication that
    drew there failed."""
    from .errors import ScenarioError

    dist = sc.uncertain[path]
    data = sc.model_dump(mode="python")
    own = input_value(data, path)
    if dist.dist == "fixed" and value_used(data, path, dist.value) != own:
        # every run used the fixed value while the file (and all that shows its inputs) said
        # another: two values for one input
        return [f"uncertain.{path}: a fixed distribution is one value ({_num(dist.value)}), "
                f"not a range, and it differs from the scenario's own {path} ({_num(own)}), "
                f"which every run would replace with it; give {_num(dist.value)} as {path} "
                f"itself and take it out of the uncertain: block, or give a range"]
    if dist.dist != "fixed" and is_whole(data, path):
        ends = {value_used(data, path, quantile(dist, u)) for u in RANGE_QUANTILES}
        if len(ends) == 1:
            return [f"uncertain.{path}: the input is a whole number, and every value its "
                    f"distribution draws ({dist_words(dist)}) rounds to {ends.pop():g}, so the "
                    f"range changes nothing; give a range that spans whole numbers, or the "
                    f"value itself"]
    for u in RANGE_QUANTILES:
        x = quantile(dist, u)
        try:
            apply_inputs(sc, {path: x})
        except ScenarioError as exc:
            why = [line.strip().removeprefix("- ") for line in str(exc).splitlines()
                   if line.startswith("  - ")]
            if any("must sum to" in w for w in why):
                return [_share_problem(sc, path)]
            return [f"uncertain.{path}: its distribution draws values the input does not accept "
                    f"(at its {u:.1%} quantile, {x:g}: {'; '.join(why) or exc}); narrow it to the "
                    f"input's range"]
    return []


def _share_problem(sc: Any, path: str) -> str:
    """Why a share that must sum with its neighbours cannot be uncertain: every draw but the
    value given breaks the sum, so narrowing the range (as the general message advised) cannot
    help."""
    parent, _, key = path.rpartition(".")
    shares = input_value(sc.model_dump(mode="python"), parent)
    others = [k for k in shares if k != key]
    total = sum(shares.values())
    whole = f"{total:g}"
    return (f"uncertain.{path}: is one of the shares in {parent}, which must sum to {whole} "
            f"with {', '.join(others) or 'the others'}; drawn on its own, any value but the "
            f"{shares[key]:g} given breaks that sum, so a share cannot be given a range; take it "
            f"out of the uncertain: block")


def is_whole(data: Mapping[str, Any], path: str) -> bool:
    """Whether the input at ``path`` of plain scenario data holds a whole number (a draw for it
    is rounded)."""
    now = input_value(data, path)
    return isinstance(now, int) and not isinstance(now, bool)


def whole_uniform(data: Mapping[str, Any], path: str, dist: Any) -> tuple[int, int] | None:
    """``(low, high)`` when ``dist`` is a uniform range between whole numbers on an input that
    holds a whole number, whose draws are then each whole number from low to high with equal
    chance (:func:`draw_inputs`); else None (a draw is rounded)."""
    if dist.dist != "uniform" or not is_whole(data, path):
        return None
    lo, hi = float(dist.low), float(dist.high)
    return (int(lo), int(hi)) if lo.is_integer() and hi.is_integer() else None


def value_used(data: Mapping[str, Any], path: str, v: float) -> float | int:
    """The value a run uses for a draw ``v`` of the input at ``path``: rounded to a whole
    number where the field holds one."""
    return int(round(v)) if is_whole(data, path) else float(v)


def apply_inputs(scenario: Any, values: Mapping[str, float], name: str | None = None) -> Any:
    """``scenario`` with the inputs at ``values``' paths set (whole numbers rounded where the
    field holds a whole number), without an ``uncertain:`` block: a scenario with known inputs.

    Raises
    ------
    ScenarioError
        Naming the path and the value when the scenario does not accept it.
    """
    data = scenario.model_dump(mode="python")
    changes: dict[str, Any] = {"uncertain": {}}
    for path, v in values.items():
        changes[path] = value_used(data, path, v)
    if name is not None:
        changes["name"] = name
    try:
        return scenario.replace(changes)
    except ScenarioError as exc:
        shown = ", ".join(f"{p} = {changes[p]:g}" for p in values)
        # the problems alone: the heading named "<derived scenario>", which no reader knows
        problems = [line for line in str(exc).splitlines() if line.startswith("  - ")]
        said = "\n".join(problems) if problems else str(exc)
        raise ScenarioError(f"{scenario.name}: the inputs {shown} are not accepted:\n{said}") \
            from None


def draw_inputs(scenario: Any, seed: int) -> Any:
    """The scenario of one replication: each uncertain input drawn from its distribution.

    The draw of an input depends only on ``seed`` and its path (common random numbers across
    the scenarios of an experiment). A scenario without uncertain inputs is returned as it is.

    Parameters
    ----------
    scenario : Scenario
    seed : int
        The replication's seed (:func:`workbench.experiment.replication_seed`).

    Returns
    -------
    Scenario
        With the drawn values and no ``uncertain:`` block (same name).
    """
    unc = getattr(scenario, "uncertain", None)
    if not unc:
        return scenario
    values = {}
    data = scenario.model_dump(mode="python")
    for path, dist in unc.items():
        key = zlib.crc32(path.encode())
        u = np.random.default_rng(np.random.SeedSequence([int(seed), _STREAM, key])).random()
        whole = whole_uniform(data, path, dist)
        if whole is not None:
            # each whole number of the range equally likely: rounding a draw from 10 to 14
            # gave 10 and 14 half the chance of 11, 12 and 13
            lo, hi = whole
            values[path] = min(lo + math.floor(u * (hi - lo + 1)), hi)
        else:
            values[path] = quantile(dist, u)
    try:
        return apply_inputs(scenario, values)
    except ScenarioError as exc:
        # a draw in the rarest 0.1% at an end, which validation does not check
        raise ScenarioError(f"{exc}\n(drawn for this run from the scenario's uncertain: "
                            f"ranges, beyond the 0.1% and 99.9% points validation checks; "
                            f"narrow the range to the values the input accepts)") from None


def describe(scenario: Any) -> str:
    """One sentence saying what a range of this scenario's results includes."""
    # an input fixed at one value (dist: fixed) is not uncertain: it was counted as one
    unc = [p for p, d in (getattr(scenario, "uncertain", None) or {}).items()
           if d.dist != "fixed"]
    if not unc:
        return ("Ranges show the spread of chance events (referrals, durations, who leaves) for "
                "the inputs as given; uncertainty in the inputs themselves is not included.")
    inputs = "1 input" if len(unc) == 1 else f"{len(unc)} inputs"
    return (f"Ranges include both chance events and uncertainty in {inputs} not known "
            f"exactly ({', '.join(unc)}), drawn afresh for each run.")
