"""Targets: a KPI with a threshold (``assessment_within_45wd_pct>=85``), and the check that a
plan meets it with a stated confidence.

A target is met by a plan when the plan's *expected* KPI (the mean over replications, i.e. over
chance events and, where the scenario gives them, uncertain inputs) is on the right side of the
threshold. From ``n`` replications that is checked with a one-sided Student-t bound: for
``KPI >= X`` the lower bound ``mean - t_{c, n-1} sd / sqrt(n)`` must be at least ``X``
(for ``<=`` the upper bound at most ``X``). The bound comes from
:func:`workbench.analysis.stats.t_interval`: a two-sided interval at level ``2c - 1`` has the
one-sided quantile ``t_c``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from ..analysis.registry import KPIS, kpi
from ..analysis.stats import t_interval
from ..errors import UserError

__all__ = ["Target", "TargetCheck", "against_better", "check_targets", "confidence_text", "parse_target",
           "parse_targets"]


def confidence_text(confidence: float, places: int = 1) -> str:
    """A confidence as a percentage for people, never above it: cut (not rounded) to at most
    ``places`` decimals, so that 0.999 reads "99.9%" and 0.975 "97.5%" (``:.0%`` said "at least
    100% confident" and "at least 98%")."""
    step = 10 ** places
    shown = math.floor(confidence * 100 * step + 1e-9) / step
    return f"{shown:.{places}f}".rstrip("0").rstrip(".") + "%"

_PATTERN = re.compile(r"^\s*([A-Za-z0-9_]+)\s*(>=|<=)\s*([-+]?[0-9]*\.?[0-9]+(?:[eE][-+]?\d+)?)\s*$")


@dataclass(frozen=True)
class Target:
    """One target: ``kpi op threshold`` (``op`` is ``">="`` or ``"<="``), in the KPI's unit."""

    kpi: str
    op: str
    threshold: float

    def __post_init__(self):
        if self.kpi not in KPIS:
            raise UserError(f"target {self.kpi!r}: unknown KPI; known: {', '.join(KPIS)}")
        if self.op not in (">=", "<="):
            raise UserError(f"target {self.kpi}: the comparison must be >= or <= (got {self.op!r})")
        if not math.isfinite(float(self.threshold)):
            raise UserError(f"target {self.kpi}: the threshold must be a finite number")
        k = kpi(self.kpi)
        top = k.most      # every KPI is 0 or more; a share is at most 100
        if not 0 <= self.threshold <= top:
            raise UserError(f"target {self}: {k.label} lies between 0 and "
                            f"{f'{top:g}' if math.isfinite(top) else 'no upper limit'}"
                            f" ({k.display_unit()}), so no plan can meet {self.threshold:g}")
        if (self.op == ">=" and self.threshold == 0) or (self.op == "<=" and self.threshold == top):
            # every plan meets it: the search chose the cheapest plan it tried whatever that did
            # (and a one-sided bound reaching past the limit could even say it failed)
            edge = (f"below {k.format(0.0)}" if self.op == ">=" else f"above {k.format(top)}")
            raise UserError(f"target {self}: {k.label} is never {edge}, so every plan meets it "
                            f"and it would choose the cheapest plan whatever it does; give a "
                            f"threshold {'above 0' if self.op == '>=' else f'below {top:g}'}")

    @property
    def sign(self) -> int:
        """+1 for ``>=`` (higher meets it), -1 for ``<=``."""
        return 1 if self.op == ">=" else -1

    def shortfall(self, value: float) -> float:
        """How far ``value`` is from meeting the target, in the KPI's unit (0 or less: met;
        NaN counts as far from it)."""
        if value is None or math.isnan(value):
            return math.inf
        return self.sign * (self.threshold - float(value))

    def met_by(self, value: float) -> bool:
        """Whether ``value`` meets the target."""
        return self.shortfall(value) <= 0

    def __str__(self) -> str:
        return f"{self.kpi}{self.op}{self.threshold:g}"

    def describe(self) -> str:
        """The target in plain English, e.g. "Assessments finished within 45 working days at
        least 85.0%"."""
        k = kpi(self.kpi)
        word = "at least" if self.op == ">=" else "at most"
        return f"{k.label} {word} {threshold_text(k, self.threshold)}"


def threshold_text(k, x: float) -> str:
    """A target's threshold in ``k``'s format, or as given where that format would round it
    (``cost_per_year_gbp<=1`` read "at most £0.00m", ``unallocated_mean<=20.5`` "at most 20")."""
    scaled = x * k.display_scale
    if round(scaled, k.display_digits) == scaled:
        return k.format(x)
    if k.fmt == "pct":
        return f"{x:g}%"
    if k.fmt in ("gbp", "gbp_m"):
        return f"£{x:,.0f}" if x == int(x) else f"£{x:,.2f}"
    return f"{x:,g}"


def against_better(t: Target) -> str | None:
    """Why ``t`` reads the wrong way, or None: a target that asks for at least so much of a
    measure where lower is better (children waiting, caseloads) or at most so much where higher
    is better (timeliness). The cheapest plan meeting it is one that makes the measure worse:
    ``unallocated_mean>=20`` typed for ``<=20`` chose the plan with the fewest staff, and said
    so as an answer."""
    better = kpi(t.kpi).better
    if not better or better == t.sign:
        return None
    k = kpi(t.kpi)
    other = "<=" if t.op == ">=" else ">="
    return (f"target {t} asks for {k.label.lower()} {'at least' if t.sign > 0 else 'at most'} "
            f"{k.format(t.threshold)}, where {'lower' if better < 0 else 'higher'} is better: "
            f"the cheapest plan that meets it is one that makes it worse. If you meant the "
            f"opposite, give {t.kpi}{other}{t.threshold:g}")


def parse_target(text: str) -> Target:
    """A target from text such as ``"assessment_within_45wd_pct>=85"``.

    Raises
    ------
    UserError
        Naming the text and what was expected.
    """
    m = _PATTERN.match(str(text))
    if not m:
        raise UserError(f"target {text!r}: expected KPI>=NUMBER or KPI<=NUMBER, e.g. "
                        f"assessment_within_45wd_pct>=85 (KPI names: {', '.join(KPIS)})")
    return Target(m.group(1), m.group(2), float(m.group(3)))


def parse_targets(items: Iterable[str | Target]) -> tuple[Target, ...]:
    """Targets from text or :class:`Target` objects; at least one, each KPI once."""
    out = tuple(t if isinstance(t, Target) else parse_target(t) for t in items)
    if not out:
        raise UserError("give at least one target, e.g. --target assessment_within_45wd_pct>=85")
    seen: set[tuple[str, str]] = set()
    for t in out:
        if (t.kpi, t.op) in seen:
            raise UserError(f"target {t.kpi}{t.op} is given twice; give each once")
        seen.add((t.kpi, t.op))
    for low in out:
        for high in out:
            # the search would spend its whole budget, then report that no plan met them
            if low.kpi == high.kpi and low.op == ">=" and high.op == "<=" \
                    and low.threshold > high.threshold:
                k = kpi(low.kpi)
                raise UserError(
                    f"targets {low} and {high} contradict each other: {k.label} cannot be at "
                    f"least {k.format(low.threshold)} and at most {k.format(high.threshold)}, so "
                    f"no plan can meet both (give the >= threshold at or below the <= one, or "
                    f"only one of them)")
    return out


@dataclass(frozen=True)
class TargetCheck:
    """The one-sided check of one target on ``n`` replications.

    Attributes
    ----------
    target : Target
    n : int
        Replications with a value.
    mean : float
        Mean of the KPI, in its unit.
    bound : float
        The one-sided confidence bound at ``confidence`` (lower for ``>=``, upper for ``<=``).
    confidence : float
        Confidence of this one bound (after any multiplicity adjustment).
    met : bool
        Whether the bound is on the right side of the threshold.
    note : str
        Why the target could not be judged met (too few values, the same value in every
        replication), in plain English; empty otherwise.
    """

    target: Target
    n: int
    mean: float
    bound: float
    confidence: float
    met: bool
    note: str = ""


def check_targets(values: dict[str, Sequence[float]], targets: Sequence[Target],
                  confidence: float) -> list[TargetCheck]:
    """Check every target with a one-sided t bound at ``confidence`` each.

    Parameters
    ----------
    values : dict[str, sequence of float]
        Each target KPI's values, one per replication (NaN: no value in that replication).
    targets : sequence of Target
    confidence : float
        Confidence of each one-sided bound, between 0.5 and 1.

    Returns
    -------
    list of TargetCheck
        One per target; fewer than two values never meet a target, nor does a KPI with no
        value in some replications (nothing it measures happened there), nor the same
        value in every replication: a spread of zero shows only that nothing varied (nothing
        happened, 100% of a handful of events), not that the mean is known, so no confidence
        can be stated (as :meth:`workbench.experiment.design.Sequential.precision` never counts
        it as precise). Before, its bound was the value itself and the target read as met
        with the stated confidence.
    """
    if not 0.5 <= confidence < 1:
        raise ValueError(f"confidence must be in [0.5, 1) (got {confidence})")
    out = []
    for t in targets:
        x = np.asarray(values[t.kpi], dtype=float)
        n, mean, sd, hw, _q = t_interval(x, 2 * confidence - 1)
        if n < 2 or math.isnan(hw):
            note = (f"{n} run{'' if n == 1 else 's'} with a value: at least 2 are needed for a "
                    f"bound")
            out.append(TargetCheck(t, n, mean, math.nan, confidence, False, note))
            continue
        if n < len(x):   # its average would be of the runs where something happened
            note = (f"no value in {len(x) - n} of {len(x)} runs (nothing it measures "
                    f"happened in them): the average of the others is not the plan's")
            out.append(TargetCheck(t, n, mean, math.nan, confidence, False, note))
            continue
        if sd == 0:   # the same value in every run (to the last bits: stats.t_interval)
            note = (f"the same value ({kpi(t.kpi).format(float(x[0]))}) in all {n} runs: a "
                    f"spread of zero does not show how sure the average is (nothing varied, "
                    f"or nothing happened)")
            out.append(TargetCheck(t, n, float(x[0]), math.nan, confidence, False, note))
            continue
        bound = mean - t.sign * hw
        out.append(TargetCheck(t, n, mean, bound, confidence, t.met_by(bound)))
    return out
