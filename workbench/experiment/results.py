"""The results of an experiment: tidy tables of KPIs and weekly series, and their statistics.

:class:`Experiment` holds one row per scenario x replication (KPIs) and per scenario x
replication x week (weekly series), and summarises them with the statistics of
:mod:`workbench.analysis.stats` (t intervals, paired and Welch differences, MSER); it computes no
interval of its own. :func:`kpi_table` assembles the tables from the replications' results in a
fixed order, so the same results give the same tables whatever order they finished in.
Units: ``warmup_days`` calendar days, ``elapsed_s`` seconds of wall-clock time; KPI values in the
KPI's unit (see :mod:`workbench.analysis.registry`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from .. import files
from ..analysis.registry import KPI_DESCRIPTIONS, most_of
from ..analysis.stats import ID_COLUMNS, WarmupDiagnostic, t_interval, warmup_diagnostic, welch
from ..scenario import Scenario
from .design import Sequential

__all__ = ["Experiment", "kpi_table"]


@dataclass(eq=False)
class Experiment:
    """The results of :func:`run_experiment`.

    Attributes
    ----------
    scenarios : dict[str, Scenario]
        The scenarios by label (the ``scenario`` column of every table), in order.
    digests : dict[str, str]
        Content hash of each scenario (:meth:`Scenario.digest`).
    seed : int
        Base seed; replication ``i`` used :func:`replication_seed` ``(seed, i)``.
    replications : int
        Replications per scenario (indices ``0 .. replications-1``), including failed ones.
    years : float or None
        Horizon override in years (None: each scenario's own horizon).
    warmup_days : float
        Days left out of the KPIs.
    kpis : pandas.DataFrame
        One row per successful scenario x replication: ``scenario, scenario_name, digest,
        replication, seed`` then one column per KPI (units as in the KPI names).
    timeseries : pandas.DataFrame
        One row per successful scenario x replication x week: the same identifying columns, then
        the model's weekly columns (``week, date, t_days, unallocated, ...``).
    failures : pandas.DataFrame
        One row per failed replication: ``scenario, scenario_name, digest, replication, seed,
        error, traceback``.
    stopped : str
        ``"fixed"``, ``"precision"`` (the :class:`Sequential` criterion held) or
        ``"max_replications"``.
    n_run, n_loaded : int
        Replications run now and loaded from earlier output files.
    out_dir : pathlib.Path or None
        Where the replication files are.
    elapsed_s : float
        Wall-clock time of the call, seconds.
    executor : str
        Where the replications ran.
    kpi_names : tuple of str
        The KPI columns of :attr:`kpis`, in order.
    runs : pandas.DataFrame
        One row per replication: the identifying columns, ``status`` ("ok" or "failed"),
        ``loaded`` (from an earlier output file), ``elapsed_s`` and ``cpu_s`` (wall-clock and
        CPU seconds the replication took in its worker; as recorded when it was run).
    """

    scenarios: dict[str, Scenario]
    digests: dict[str, str]
    seed: int
    replications: int
    years: float | None
    warmup_days: float
    kpis: pd.DataFrame
    timeseries: pd.DataFrame
    failures: pd.DataFrame
    stopping: Sequential | None = None
    stopped: str = "fixed"
    n_run: int = 0
    n_loaded: int = 0
    out_dir: Path | None = None
    elapsed_s: float = 0.0
    executor: str = ""
    kpi_names: tuple[str, ...] = field(default=())
    runs: pd.DataFrame | None = None

    def __repr__(self) -> str:
        return (f"Experiment({len(self.scenarios)} scenarios x {self.replications} replications, "
                f"seed {self.seed}, {len(self.kpis)} ok, {len(self.failures)} failed, "
                f"{self.n_loaded} loaded, stopped: {self.stopped})")

    def made_s(self) -> float:
        """Seconds the loaded replications took when they were run (each one's time in its worker,
        as recorded then, added up; NaN when none was loaded or none recorded its time)."""
        if self.runs is None or not self.n_loaded:
            return math.nan
        took = self.runs.loc[self.runs["loaded"].astype(bool), "elapsed_s"].dropna()
        return float(took.sum()) if len(took) else math.nan

    def run_time(self) -> str:
        """How long the runs took, in words: :attr:`elapsed_s` when every replication ran now;
        when some or all were loaded from earlier files, says so, with the time they took when
        they were made (:meth:`made_s`), never the time of reading them back as if it were the
        runs' ("runs loaded from outputs/x; they took 1.7 s when made")."""
        now = f"{self.elapsed_s:.1f} s on the {self.executor} executor"
        if not self.n_loaded:
            return now
        made = self.made_s()
        took = (f"they took {made:.1f} s when made (each run's time, added up)"
                if not math.isnan(made) else "their run time was not recorded")
        # the folder's name, not its path: a report is published, and a path can name a person
        where = f" from {Path(self.out_dir).name}/" if self.out_dir is not None else ""
        loaded = "runs" if self.n_loaded > 1 else "run"
        if not self.n_run:
            return f"{self.n_loaded} {loaded} loaded{where}; {took}"
        return (f"{now} for the {self.n_run} run{'s' if self.n_run > 1 else ''} made now; "
                f"{self.n_loaded} {loaded} "
                f"loaded{where}: {took}")

    # ------------------------------------------------------------------ tables
    def kpis_long(self) -> pd.DataFrame:
        """The KPI table in long form: identifying columns, ``kpi``, ``value``."""
        return self.kpis.melt(id_vars=list(ID_COLUMNS), value_vars=list(self.kpi_names),
                              var_name="kpi", value_name="value")

    def _kpi_list(self, kpis) -> list[str]:
        if kpis is None:
            return list(self.kpi_names)
        kpis = [kpis] if isinstance(kpis, str) else list(kpis)
        unknown = [k for k in kpis if k not in self.kpi_names]
        if unknown:
            raise ValueError(f"unknown KPI(s) {unknown}; known: {', '.join(self.kpi_names)}")
        return kpis

    def summary(self, level: float = 0.95, kpis: Sequence[str] | None = None) -> pd.DataFrame:
        """Mean, standard deviation and t confidence interval per scenario and KPI.

        Parameters
        ----------
        level : float
            Confidence level (0.95: 95% intervals, ``t_{0.975, n-1} * sd / sqrt(n)``).
        kpis : sequence of str, optional
            KPIs to include (default all).

        Returns
        -------
        pandas.DataFrame
            Long: ``scenario, digest, kpi, n, mean, sd, ci_low, ci_high, half_width,
            half_width_pct`` (values in the KPI's unit; ``half_width_pct`` percent of |mean|).
            The interval is NaN where it cannot be estimated: one value, or values all the
            same (a spread of 0 from a few runs is not certainty, and a zero-width interval
            would print as exact).
        """
        rows = []
        for scen in self.scenarios:
            g = self.kpis[self.kpis["scenario"] == scen]
            for k in self._kpi_list(kpis):
                n, mean, sd, hw, _q = t_interval(g[k], level)
                hw = _estimable(hw, sd)
                rows.append({"scenario": scen, "digest": self.digests[scen], "kpi": k, "n": n,
                             "mean": mean, "sd": sd, "ci_low": mean - hw, "ci_high": mean + hw,
                             "half_width": hw,
                             "half_width_pct": 100 * hw / abs(mean) if mean else math.nan})
        return pd.DataFrame(rows, columns=["scenario", "digest", "kpi", "n", "mean", "sd",
                                           "ci_low", "ci_high", "half_width", "half_width_pct"])

    def compare(self, baseline: str | None = None, level: float = 0.95, paired: bool = True,
                kpis: Sequence[str] | None = None) -> pd.DataFrame:
        """Differences ``variant - baseline`` per KPI, with confidence intervals.

        Parameters
        ----------
        baseline : str, optional
            Label of the baseline scenario (default: the first).
        level : float
            Confidence level.
        paired : bool
            True (default): pair replication ``i`` of the variant with replication ``i`` of the
            baseline (same seed: common random numbers) and form the t-interval of the
            differences. False: treat the samples as independent (Welch's interval), which is
            what the comparison would cost without common random numbers.
        kpis : sequence of str, optional
            KPIs to include (default all).

        Returns
        -------
        pandas.DataFrame
            Long: ``scenario, baseline, kpi, n, baseline_mean, variant_mean, difference,
            difference_pct, sd_difference, ci_low, ci_high, half_width, significant, method``.
            ``difference`` and the interval are in the KPI's unit; ``difference_pct`` is percent
            of the baseline mean; ``significant`` is True when the interval excludes zero.

            The interval's ends are clipped to what a difference of the measure can be: a
            difference of two shares (percentages, 0 to 100) lies between -100 and +100
            percentage points, so a wide interval from few replications is cut there (the
            true difference lies within those limits anyway); ``half_width`` stays the
            unclipped t (or Welch) half-width, and ``difference`` (a difference of means) is
            never clipped. Measures without an upper limit (counts, costs, rates such as
            turnover) are not clipped. The interval is NaN where it cannot be estimated: one
            pair, or differences all the same (zero spread: a zero-width interval would print
            as exact); ``significant`` is then False. Differences that are all exactly 0 (the
            runs gave identical results) keep the interval 0 to 0: no change in any run.
        """
        if baseline is None:
            baseline = next(iter(self.scenarios))
        if baseline not in self.scenarios:
            raise ValueError(f"no scenario {baseline!r}; scenarios: {', '.join(self.scenarios)}")
        base = self.kpis[self.kpis["scenario"] == baseline].set_index("replication")
        rows = []
        for scen in self.scenarios:
            if scen == baseline:
                continue
            var = self.kpis[self.kpis["scenario"] == scen].set_index("replication")
            common = base.index.intersection(var.index)
            for k in self._kpi_list(kpis):
                if paired:
                    b = base.loc[common, k].to_numpy(dtype=float)
                    v = var.loc[common, k].to_numpy(dtype=float)
                    ok = ~(np.isnan(b) | np.isnan(v))
                    b, v = b[ok], v[ok]
                    n, diff, sd, hw, _q = t_interval(v - b, level)
                    hw = _estimable(hw, sd, diff)
                    bm = float(b.mean()) if b.size else math.nan
                    vm = float(v.mean()) if v.size else math.nan
                else:
                    b = base[k].to_numpy(dtype=float)
                    v = var[k].to_numpy(dtype=float)
                    diff, hw, _df = welch(b, v, level)
                    hw = _estimable(hw, hw, diff)  # both samples without spread: no interval
                    # a measure no run had (n/a over a short horizon) is n/a, not a warning
                    bm, vm = (float(np.nanmean(x)) if np.any(~np.isnan(x)) else math.nan
                              for x in (b, v))
                    n = int(min((~np.isnan(b)).sum(), (~np.isnan(v)).sum()))
                    sd = math.nan
                low, high = _clip_difference(k, diff - hw, diff + hw)
                rows.append({
                    "scenario": scen, "baseline": baseline, "kpi": k, "n": n,
                    "baseline_mean": bm, "variant_mean": vm, "difference": diff,
                    "difference_pct": 100 * diff / abs(bm) if bm else math.nan,
                    "sd_difference": sd, "ci_low": low, "ci_high": high,
                    "half_width": hw,
                    "significant": bool(not math.isnan(hw) and (diff - hw > 0 or diff + hw < 0)),
                    "method": "paired" if paired else "welch"})
        return pd.DataFrame(rows, columns=[
            "scenario", "baseline", "kpi", "n", "baseline_mean", "variant_mean", "difference",
            "difference_pct", "sd_difference", "ci_low", "ci_high", "half_width", "significant",
            "method"])

    def warmup_diagnostic(self, column: str = "unallocated", batch_size: int = 5) -> WarmupDiagnostic:
        """MSER warm-up check of a weekly column (see :func:`warmup_diagnostic`). A run too short
        to judge (under ``4 * batch_size`` weeks) has no suggestion: its
        ``suggested_warmup_days`` is NaN and ``too_short`` names it; nothing is warned."""
        return warmup_diagnostic(self.timeseries, column=column, batch_size=batch_size)

    def precision(self) -> pd.DataFrame | None:
        """For a sequential experiment, the achieved half-width per scenario and chosen KPI."""
        return self.stopping.precision(self.kpis, list(self.scenarios)) if self.stopping else None

    def weekly_with_days(self) -> pd.DataFrame:
        """The weekly table with ``days_in_run`` after ``date``: each week's days inside its run,
        7 but for the last week of a run that ends part-way through one, whose counts are of
        those days only (:func:`workbench.analysis.weekly.with_days_in_run`)."""
        from ..analysis.weekly import with_days_in_run

        ts = self.timeseries
        if "scenario" not in ts.columns or not len(ts):
            return ts
        horizon = {label: (self.years * 365.25 if self.years is not None else sc.horizon_days)
                   for label, sc in self.scenarios.items()}
        return with_days_in_run(ts, ts["scenario"].map(horizon).astype(float).to_numpy())

    def save(self, directory: str | Path, baseline: str | None = None) -> dict[str, Path]:
        """Write the tables as CSV files (aggregates only; text a spreadsheet would run as a
        formula starts with ``'``, :func:`workbench.files.as_text`).

        Writes ``kpis.csv``, ``weekly.csv`` (with ``days_in_run``: the days of each week
        inside the run, fewer than 7 for a last week cut short), ``summary.csv``,
        ``comparison.csv`` (when there are two or more scenarios) and ``failures.csv`` (when
        any replication failed).

        Returns
        -------
        dict[str, pathlib.Path]
            The files written, by table name.
        """
        d = files.make_folder(directory)
        tables = {"kpis": self.kpis, "weekly": self.weekly_with_days(), "summary": self.summary()}
        if len(self.scenarios) > 1:
            tables["comparison"] = self.compare(baseline)
        if len(self.failures):
            tables["failures"] = self.failures
        paths = {}
        for name, table in tables.items():
            # opened in spreadsheets too: a scenario named "=..." stays text (files.as_text)
            paths[name] = files.write_table(d / f"{name}.csv", table, formulas_as_text=True)
        if "failures" not in tables:
            # an earlier experiment's failures.csv in this folder would say that runs of this
            # one failed (a run that failed, then ran again and succeeded, stayed listed)
            try:
                (d / "failures.csv").unlink(missing_ok=True)
            except OSError:
                pass
        return paths


def kpi_table(scs: dict[str, Scenario], digests: dict[str, str], results: dict, n: int,
              with_timeseries: bool = False):
    """Assemble the tidy tables in a fixed order (scenario order, then replication).

    Parameters
    ----------
    scs : dict[str, Scenario]
        The scenarios by label, in order.
    digests : dict[str, str]
        Their content digests, by label.
    results : dict[(str, int), dict]
        Each replication's result by (label, replication): ``ok``, ``seed``, then ``kpis`` and
        ``timeseries``, or ``error`` and ``traceback``.
    n : int
        Replications per scenario (indices ``0 .. n-1``; missing ones are left out).
    with_timeseries : bool
        Also build the weekly table and the table of runs (False: only what a stopping rule
        needs, which is quicker).

    Returns
    -------
    (kpis, timeseries, failures, kpi_names, runs)
        As the attributes of :class:`Experiment`; ``timeseries`` and ``runs`` are None unless
        ``with_timeseries``. KPI columns follow the registry's order, then any others.
    """
    rows, frames, fails, runs = [], [], [], []
    kpi_names: list[str] = [k for k in KPI_DESCRIPTIONS]
    extra: list[str] = []
    for label, sc in scs.items():
        for i in range(n):
            res = results.get((label, i))
            if res is None:
                continue
            ident = {"scenario": label, "scenario_name": sc.name, "digest": digests[label],
                     "replication": i, "seed": res["seed"]}
            runs.append({**ident, "status": "ok" if res["ok"] else "failed",
                         "loaded": bool(res.get("loaded", False)),
                         "elapsed_s": _num(res.get("elapsed_s")),
                         "cpu_s": _num(res.get("cpu_s"))})
            if res["ok"]:
                rows.append({**ident, **res["kpis"]})
                for k in res["kpis"]:
                    if k not in kpi_names and k not in extra:
                        extra.append(k)
                if with_timeseries:
                    ts = res["timeseries"]
                    idf = pd.DataFrame({c: [v] * len(ts) for c, v in ident.items()})
                    frames.append(pd.concat([idf, ts.reset_index(drop=True)], axis=1))
            else:
                fails.append({**ident, "error": res["error"], "traceback": res.get("traceback", "")})
    present = set()
    for r in rows:
        present.update(r)
    names = tuple(k for k in kpi_names + extra if k in present)
    kpis = pd.DataFrame(rows, columns=list(ID_COLUMNS) + list(names))
    kpis[list(names)] = kpis[list(names)].astype(float)
    fail_df = pd.DataFrame(fails, columns=list(ID_COLUMNS) + ["error", "traceback"])
    if not with_timeseries:
        return kpis, None, fail_df, names, None
    ts = (pd.concat(frames, ignore_index=True) if frames
          else pd.DataFrame(columns=list(ID_COLUMNS)))
    runs_df = pd.DataFrame(runs, columns=list(ID_COLUMNS) + ["status", "loaded", "elapsed_s",
                                                             "cpu_s"])
    return kpis, ts, fail_df, names, runs_df


def _num(v) -> float:
    return math.nan if v is None else float(v)


def _estimable(half_width: float, spread: float, difference: float | None = None) -> float:
    """The half-width, or NaN when it cannot be estimated: no spread at all (every value the
    same), which would otherwise give an interval of zero width, as if the value were exact.
    A ``difference`` of exactly 0 without spread keeps its zero width: every pair of runs gave
    the same result (an option that changes nothing in the period simulated), which is no
    change, not too few runs."""
    if spread == 0 and difference == 0:
        return 0.0
    return math.nan if spread == 0 else half_width


def _clip_difference(kpi_name: str, low: float, high: float) -> tuple[float, float]:
    """An interval of a difference of two values of a measure, within what such a difference can
    be: ``-most .. +most`` for a measure between 0 and ``most`` (a share: -100 to +100 points)."""
    most = most_of(kpi_name)
    if math.isinf(most):
        return low, high
    return (max(low, -most) if not math.isnan(low) else low,
            min(high, most) if not math.isnan(high) else high)
