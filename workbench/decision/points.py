"""The sample points of a sensitivity analysis: values in the unit cube run as scenarios, and
each point's mean KPI over the same runs as every other point's.

Every point runs ``replications`` replications on the same seeds (common random numbers), so
that the differences between points are the inputs' doing, not chance. A KPI that had no value
in some runs of a point (nothing it measures happened in them), or a run that failed, would
break that: the point's mean over the other runs set their chance against the other points'
(a measure that depended on no input was said to "depend most" on the input whose high end
left a run without a value). :meth:`Points.run` therefore takes each KPI's means over the runs
that had a value at every point, and says so.
"""

from __future__ import annotations

import warnings
from typing import Any, Mapping

import numpy as np

from ..analysis.registry import kpi
from ..scenario import Scenario
from ..scenario.uncertain import RANGE_QUANTILES, apply_inputs, quantile
from .space import plan_key

__all__ = ["Points", "point_value"]

#: Distributions with no upper end (and, but for the exponential, a lower end at 0).
_UNBOUNDED = {"exponential", "lognormal", "gamma"}


def point_value(dist: Any, u: float) -> float:
    """The input's value at a sample point ``u`` of the unit cube: its ``u``-quantile, with the
    ends of an unbounded distribution at the draws validation checks (the 0.1% and 99.9%
    points, :data:`~workbench.scenario.uncertain.RANGE_QUANTILES`). Morris's grid reaches 0 and
    1: turnover drawn from a lognormal of mean 15 was run at 0 and at its 1-in-10^12 point of
    372% (refused, though the scenario had passed validation), and an exponential's effect was
    measured over 28 times its mean."""
    if dist.dist in _UNBOUNDED:
        u = min(max(float(u), RANGE_QUANTILES[0]), RANGE_QUANTILES[1])
    return quantile(dist, u)


class Points:
    """Runs sample points (values in the unit cube) as scenarios, a chunk at a time.

    ``what`` names the sample being run ("Morris screening", "Sobol sample", "tornado") in
    what it says of runs left out."""

    def __init__(self, base, paths, dists, runner, replications, seed, kpis, bar):
        self.base, self.paths, self.dists = base, paths, dists
        self.runner, self.replications, self.seed, self.kpis, self.bar = (
            runner, replications, seed, kpis, bar)
        self.what = "sample"

    def values(self, u: np.ndarray) -> dict[str, float]:
        return {p: point_value(d, x) for p, d, x in zip(self.paths, self.dists, u)}

    def scenario(self, values: Mapping[str, float]) -> tuple[str, Scenario]:
        key = plan_key(values)
        return key, apply_inputs(self.base, values, name=f"Point {key}")

    def run(self, unit: np.ndarray) -> np.ndarray:
        """Mean of each KPI at each point (rows: points; columns: KPIs), over the runs in which
        it had a value at every point (NaN at a point where no such run is left)."""
        reps = int(self.replications)
        got = np.full((len(unit), reps, len(self.kpis)), np.nan)
        chunk = max(4, 4 * self.runner.workers)
        for lo in range(0, len(unit), chunk):
            pts = [self.scenario(self.values(u)) for u in unit[lo:lo + chunk]]
            kp = self.runner.run(dict(pts), reps, self.seed)
            # a KPI no run gave (or a chunk whose every run failed) is a column of NaN
            kp = kp.reindex(columns=["scenario", "replication", *self.kpis])
            rows = {key: g for key, g in kp.groupby("scenario")}
            for j, (key, _sc) in enumerate(pts):
                g = rows.get(key)
                if g is None:
                    continue
                i = g["replication"].to_numpy(dtype=int)
                got[lo + j, i] = g[list(self.kpis)].to_numpy(dtype=float)
            if self.bar is not None:
                self.bar.update(len(pts))
        out = np.full((len(unit), len(self.kpis)), np.nan)
        for c, name in enumerate(self.kpis):
            have = np.isfinite(got[:, :, c])
            common = have.all(axis=0)          # the runs with a value at every point
            if common.all():
                out[:, c] = got[:, :, c].mean(axis=1)
            elif common.any():
                out[:, c] = got[:, common, c].mean(axis=1)
                self._said(name, f"had no value in {reps - int(common.sum())} of the {reps} "
                                 f"runs at some points of the {self.what} (nothing it measures "
                                 f"happened in them, or the run failed): each point's average "
                                 f"is of the {int(common.sum())} run(s) that had one at every "
                                 f"point, so that every point is compared on the same runs")
            elif have.any():
                # no run had a value everywhere: only the points with every run keep a mean
                whole = have.all(axis=1)
                out[whole, c] = got[whole, :, c].mean(axis=1)
        return out

    def _said(self, name: str, text: str) -> None:
        warnings.warn(f"{name} ({kpi(name).label.lower()}) {text}", UserWarning, stacklevel=4)
