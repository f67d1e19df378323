"""Experiments: many replications of several scenarios, with common random numbers.

An experiment runs replication ``i`` of every scenario with the same seed,
:func:`replication_seed` ``(seed, i)``, so that differences between scenarios are measured on the
same simulated referrals, durations and routes (common random numbers, CRN). Paired differences
then have a smaller variance than differences between independent runs::

    from workbench import load_scenario
    from workbench.experiment import run_experiment

    base = load_scenario("scenarios/baseline.yaml")
    more = base.replace({"demand.referrals_per_year": 6500, "name": "More demand"})
    exp = run_experiment({"Baseline": base, "More demand": more}, replications=20, seed=1)
    exp.kpis                      # one row per scenario x replication
    exp.timeseries                # one row per scenario x replication x week
    exp.summary()                 # mean, sd and 95% t-interval per scenario and KPI
    exp.compare("Baseline")       # paired differences and their 95% t-intervals

Replications run serially, on a local process pool (the default) or on Dask distributed; the
same seeds give identical numbers on all three. Each finished replication is written to
``outputs/<name>/`` at once (a JSON file of KPIs and a CSV file of the weekly table: aggregates
only, never the child-level event log), so an interrupted experiment keeps what it finished and a
second call with the same arguments loads those replications instead of running them again. A
replication that raises is reported with its scenario and seed and does not stop the others.

Units: ``years`` years of 365.25 days; ``warmup_days``, ``t_days`` and ``truncation_days``
calendar days; ``half_width_pct`` percent of the mean; ``elapsed_s`` seconds of wall-clock time.
This module draws nothing: plotting belongs to notebooks and the report.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import hashlib
import json
import math
import os
import re
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from ..analysis.registry import KPI_DESCRIPTIONS
from ..model import simulate
from ..scenario import Scenario
from ..analysis.stats import (ID_COLUMNS, MSERResult, WarmupDiagnostic, mser, mser5, t_interval,
                             warmup_diagnostic, welch)

__all__ = [
    "Experiment", "MSERResult", "Sequential", "WarmupDiagnostic", "mser", "mser5",
    "replication_seed", "run_experiment", "t_interval", "warmup_diagnostic",
]

#: Columns that identify a replication in the tidy tables (before the KPI or weekly columns).
EXECUTORS = ("serial", "process", "dask")
_FILE_FORMAT = 1
# pandas < 3 needs float_precision="round_trip" to read floats back exactly; pandas 3 does by
# default and deprecates the argument.
_ROUND_TRIP = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}


# ============================================================================================
# Seeds
# ============================================================================================

def replication_seed(seed: int, replication: int) -> int:
    """The seed of replication ``replication`` of an experiment with base seed ``seed``.

    Derived with :class:`numpy.random.SeedSequence` (``spawn_key=(replication,)``), so it depends
    only on the two integers: replication ``i`` has the same seed whatever the number of
    replications, which is what lets a sequential experiment add replications and an interrupted
    one resume. Every scenario uses the same seed for the same replication (common random
    numbers).

    Parameters
    ----------
    seed : int
        The experiment's base seed (>= 0).
    replication : int
        Replication index (>= 0).

    Returns
    -------
    int
        A seed in ``[0, 2**32)`` for :func:`workbench.simulate`.
    """
    if int(seed) < 0 or int(replication) < 0:
        raise ValueError(f"seed and replication must be >= 0 (got {seed}, {replication})")
    ss = np.random.SeedSequence(int(seed), spawn_key=(int(replication),))
    return int(ss.generate_state(1)[0])


# ============================================================================================
# Replication count
# ============================================================================================

@dataclass(frozen=True)
class Sequential:
    """Run replications until every chosen KPI is estimated precisely enough, up to a maximum.

    After ``min_replications``, replications are added ``batch`` at a time (to every scenario,
    keeping the pairs for common random numbers) until, for every scenario and every KPI in
    ``kpis``, the half-width of the ``level`` t-interval is at most ``half_width_pct`` percent of
    the absolute mean, or ``max_replications`` is reached. The check is made after each batch,
    so with ``batch=1`` the experiment stops at the first replication count where the criterion
    holds; never more than ``max_replications`` replications are run.

    Parameters
    ----------
    kpis : sequence of str
        KPI names (see :data:`workbench.analysis.registry.KPI_DESCRIPTIONS`).
    half_width_pct : float
        Target half-width, percent of the mean.
    min_replications, max_replications : int
        Bounds on the number of replications per scenario (min >= 2).
    batch : int, optional
        Replications added per scenario between checks; default: enough to keep every worker
        busy (at least 1).
    level : float
        Confidence level of the interval.
    """

    kpis: tuple[str, ...]
    half_width_pct: float = 5.0
    min_replications: int = 3
    max_replications: int = 50
    batch: int | None = None
    level: float = 0.95

    def __post_init__(self):
        kpis = (self.kpis,) if isinstance(self.kpis, str) else tuple(self.kpis)
        object.__setattr__(self, "kpis", kpis)
        if not kpis:
            raise ValueError("Sequential: name at least one KPI")
        if not self.half_width_pct > 0:
            raise ValueError(f"Sequential: half_width_pct must be > 0 (got {self.half_width_pct})")
        if int(self.min_replications) < 2:
            raise ValueError("Sequential: min_replications must be >= 2 (a CI needs two values)")
        if int(self.max_replications) < int(self.min_replications):
            raise ValueError(f"Sequential: max_replications ({self.max_replications}) must be >= "
                             f"min_replications ({self.min_replications})")
        if self.batch is not None and int(self.batch) < 1:
            raise ValueError("Sequential: batch must be >= 1")
        if not 0 < self.level < 1:
            raise ValueError("Sequential: level must be between 0 and 1")

    def precision(self, kpis: pd.DataFrame, scenarios: Sequence[str] | None = None) -> pd.DataFrame:
        """Half-width as a percent of the mean, per scenario and chosen KPI, and whether it is met.

        Parameters
        ----------
        kpis : pandas.DataFrame
            A KPI table (:attr:`Experiment.kpis`).
        scenarios : sequence of str, optional
            Scenario labels that must all meet the criterion (default: those in ``kpis``); a
            scenario without values (every replication failed) does not meet it, nor does a
            KPI whose values are all missing.
        """
        rows = []
        labels = list(dict.fromkeys(kpis["scenario"])) if scenarios is None else list(scenarios)
        for scen in labels:
            g = kpis[kpis["scenario"] == scen]
            for k in self.kpis:
                n, mean, _sd, hw, _q = t_interval(g[k], self.level) if k in g else (0,) + (math.nan,) * 4
                if n >= 2 and mean != 0 and not math.isnan(hw):
                    pct = 100.0 * hw / abs(mean)
                elif n >= 2 and mean == 0 and hw == 0:
                    pct = 0.0
                else:
                    pct = math.nan
                rows.append({"scenario": scen, "kpi": k, "n": n, "mean": mean, "half_width": hw,
                             "half_width_pct": pct,
                             "met": bool(pct <= self.half_width_pct) if not math.isnan(pct) else False})
        return pd.DataFrame(rows, columns=["scenario", "kpi", "n", "mean", "half_width",
                                           "half_width_pct", "met"])

    def met(self, kpis: pd.DataFrame, scenarios: Sequence[str] | None = None) -> bool:
        """Whether the criterion holds for every scenario and chosen KPI."""
        p = self.precision(kpis, scenarios)
        return bool(len(p) and p["met"].all())


# ============================================================================================
# The experiment (results)
# ============================================================================================

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
        """
        rows = []
        for scen in self.scenarios:
            g = self.kpis[self.kpis["scenario"] == scen]
            for k in self._kpi_list(kpis):
                n, mean, sd, hw, _q = t_interval(g[k], level)
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
                    bm = float(b.mean()) if b.size else math.nan
                    vm = float(v.mean()) if v.size else math.nan
                else:
                    b = base[k].to_numpy(dtype=float)
                    v = var[k].to_numpy(dtype=float)
                    diff, hw, _df = welch(b, v, level)
                    bm, vm = float(np.nanmean(b)), float(np.nanmean(v))
                    n = int(min((~np.isnan(b)).sum(), (~np.isnan(v)).sum()))
                    sd = math.nan
                rows.append({
                    "scenario": scen, "baseline": baseline, "kpi": k, "n": n,
                    "baseline_mean": bm, "variant_mean": vm, "difference": diff,
                    "difference_pct": 100 * diff / abs(bm) if bm else math.nan,
                    "sd_difference": sd, "ci_low": diff - hw, "ci_high": diff + hw,
                    "half_width": hw,
                    "significant": bool(not math.isnan(hw) and (diff - hw > 0 or diff + hw < 0)),
                    "method": "paired" if paired else "welch"})
        return pd.DataFrame(rows, columns=[
            "scenario", "baseline", "kpi", "n", "baseline_mean", "variant_mean", "difference",
            "difference_pct", "sd_difference", "ci_low", "ci_high", "half_width", "significant",
            "method"])

    def warmup_diagnostic(self, column: str = "unallocated", batch_size: int = 5) -> WarmupDiagnostic:
        """MSER warm-up check of a weekly column (see :func:`warmup_diagnostic`)."""
        return warmup_diagnostic(self.timeseries, column=column, batch_size=batch_size)

    def precision(self) -> pd.DataFrame | None:
        """For a sequential experiment, the achieved half-width per scenario and chosen KPI."""
        return self.stopping.precision(self.kpis, list(self.scenarios)) if self.stopping else None

    def save(self, directory: str | Path, baseline: str | None = None) -> dict[str, Path]:
        """Write the tables as CSV files (aggregates only).

        Writes ``kpis.csv``, ``weekly.csv``, ``summary.csv``, ``comparison.csv`` (when there are
        two or more scenarios) and ``failures.csv`` (when any replication failed).

        Returns
        -------
        dict[str, pathlib.Path]
            The files written, by table name.
        """
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        paths = {"kpis": d / "kpis.csv", "weekly": d / "weekly.csv", "summary": d / "summary.csv"}
        self.kpis.to_csv(paths["kpis"], index=False)
        self.timeseries.to_csv(paths["weekly"], index=False)
        self.summary().to_csv(paths["summary"], index=False)
        if len(self.scenarios) > 1:
            paths["comparison"] = d / "comparison.csv"
            self.compare(baseline).to_csv(paths["comparison"], index=False)
        if len(self.failures):
            paths["failures"] = d / "failures.csv"
            self.failures.to_csv(paths["failures"], index=False)
        return paths


def _model_digest() -> str:
    """Hash of the model's source (model package, metrics, calendar, scenario schema)."""
    root = Path(__file__).resolve().parent.parent
    files = sorted((root / "model").glob("*.py")) + [root / n for n in
                                                     ("metrics.py", "calendar.py", "scenario.py")]
    h = hashlib.sha256()
    for f in files:
        try:
            h.update(f.name.encode())
            h.update(f.read_bytes())
        except OSError:
            pass
    return h.hexdigest()[:12]


#: Digest of the model code this process imported (read once, at import). Results are keyed by
#: it, and a worker that reports a different one (a Dask worker started from other code) is
#: treated as a failed replication rather than mixed into the results.
MODEL_DIGEST = _model_digest()


# ============================================================================================
# One replication (runs in a worker: must stay importable and return aggregates only)
# ============================================================================================

def _replicate(simulate_fn: Callable, scenario: Scenario, seed: int, years: float | None,
               warmup_days: float) -> dict:
    """Run one replication; return its KPIs and weekly table, or the error. Never the event log."""
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        run = simulate_fn(scenario, seed, years=years, warmup_days=warmup_days)
        out = {"ok": True,
               "kpis": {str(k): float(v) for k, v in run.kpis.items()},
               "timeseries": run.timeseries.reset_index(drop=True),
               "horizon_days": float(getattr(run, "horizon_days", math.nan))}
        del run
    except Exception as exc:  # noqa: BLE001 - reported with scenario and seed by the caller
        out = {"ok": False, "error": f"{type(exc).__name__}: {exc}",
               "traceback": traceback.format_exc()}
    out["elapsed_s"] = time.perf_counter() - t0
    out["cpu_s"] = time.process_time() - c0
    out["model_digest"] = MODEL_DIGEST
    return out


@dataclass(frozen=True)
class _Task:
    label: str
    scenario: Scenario
    digest: str
    replication: int
    seed: int


# ============================================================================================
# Result files
# ============================================================================================

def _slug(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return s[:40] or "scenario"


class _Store:
    """One JSON (KPIs, metadata) and one CSV (weekly table) per finished replication.

    The file key holds the scenario name, its content digest, the horizon, the warm-up and the
    seed; the JSON also records the model function and the model-code digest, and a file from
    another model or other code is not loaded (it is run again and overwritten). The JSON is
    written last (atomically): it marks the replication finished.
    """

    def __init__(self, directory: Path, years: float | None, warmup_days: float,
                 model: str = "workbench.model.simulation.simulate"):
        self.dir = directory
        self.years = years
        self.warmup_days = float(warmup_days)
        self.model = model
        self.model_digest = MODEL_DIGEST
        self.dir.mkdir(parents=True, exist_ok=True)

    def key(self, t: _Task) -> str:
        y = "default" if self.years is None else f"{self.years:g}"
        return (f"{_slug(t.scenario.name)}__{t.digest}__y{y}_w{self.warmup_days:g}"
                f"__seed{t.seed}")

    def load(self, t: _Task) -> dict | None:
        key = self.key(t)
        jpath, cpath = self.dir / f"{key}.json", self.dir / f"{key}.weekly.csv"
        if not (jpath.exists() and cpath.exists()):
            return None
        try:
            meta = json.loads(jpath.read_text(encoding="utf-8"))
            if (meta.get("format") != _FILE_FORMAT or meta.get("digest") != t.digest
                    or meta.get("seed") != t.seed or meta.get("years") != self.years
                    or meta.get("warmup_days") != self.warmup_days
                    or meta.get("model_digest") != self.model_digest
                    or meta.get("model", self.model) != self.model):
                return None
            dtypes = meta["weekly_dtypes"]
            dates = [c for c, d in dtypes.items() if d.startswith("datetime")]
            ts = pd.read_csv(cpath, parse_dates=dates, **_ROUND_TRIP)
            ts = ts.astype(dtypes)
            kpis = {k: (math.nan if v is None else float(v)) for k, v in meta["kpis"].items()}
        except (OSError, ValueError, KeyError, TypeError):
            return None  # unreadable or partial: run it again
        return {"ok": True, "kpis": kpis, "timeseries": ts,
                "horizon_days": meta.get("horizon_days", math.nan),
                "elapsed_s": meta.get("elapsed_s", math.nan),
                "cpu_s": meta.get("cpu_s", math.nan), "loaded": True}

    def save(self, t: _Task, res: dict, base_seed: int) -> None:
        key = self.key(t)
        ts = res["timeseries"]
        meta = {
            "format": _FILE_FORMAT, "scenario": t.label, "scenario_name": t.scenario.name,
            "digest": t.digest, "replication": t.replication, "base_seed": base_seed,
            "seed": t.seed, "years": self.years, "warmup_days": self.warmup_days,
            "horizon_days": res.get("horizon_days"), "model": self.model,
            "model_digest": self.model_digest,
            "elapsed_s": res.get("elapsed_s"), "cpu_s": res.get("cpu_s"),
            "finished_at": dt.datetime.now().isoformat(timespec="seconds"),
            "kpis": {k: (None if math.isnan(v) else v) for k, v in res["kpis"].items()},
            "weekly_file": f"{key}.weekly.csv",
            "weekly_dtypes": {c: str(d) for c, d in ts.dtypes.items()},
        }
        _atomic_write(self.dir / f"{key}.weekly.csv", ts.to_csv(index=False))
        _atomic_write(self.dir / f"{key}.json", json.dumps(meta, indent=1))

    def write_manifest(self, info: dict) -> None:
        _atomic_write(self.dir / "experiment.json", json.dumps(info, indent=1, default=str))


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# ============================================================================================
# Executors
# ============================================================================================

class _Serial:
    name = "serial"
    workers = 1

    def run(self, fn, tasks: list[_Task], args: tuple) -> Iterator[tuple[_Task, dict]]:
        for t in tasks:
            yield t, _replicate(fn, t.scenario, t.seed, *args)

    def close(self) -> None:
        pass


class _Pool:
    """A concurrent.futures executor (a local process pool unless one is given)."""

    name = "process"

    def __init__(self, executor: cf.Executor | None = None, max_workers: int | None = None):
        self._given = executor
        self.workers = max_workers or os.cpu_count() or 1
        if executor is not None:
            self.workers = getattr(executor, "_max_workers", self.workers)
        self._pool = executor

    def _executor(self) -> cf.Executor:
        if self._pool is None:
            self._pool = cf.ProcessPoolExecutor(max_workers=self.workers)
        return self._pool

    def run(self, fn, tasks, args):
        ex = self._executor()
        futs = {ex.submit(_replicate, fn, t.scenario, t.seed, *args): t for t in tasks}
        try:
            for f in cf.as_completed(futs):
                t = futs[f]
                try:
                    res = f.result()
                except Exception as exc:  # a worker died (BrokenProcessPool) or pickling failed
                    res = {"ok": False, "error": f"{type(exc).__name__}: {exc}",
                           "traceback": traceback.format_exc(), "elapsed_s": math.nan}
                    if isinstance(exc, cf.process.BrokenProcessPool) and self._given is None:
                        self._pool = None  # start a fresh pool for the next batch
                yield t, res
        finally:
            for f in futs:
                f.cancel()

    def close(self) -> None:
        if self._pool is not None and self._given is None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None


class _Dask:
    """Dask distributed: a scheduler at ``address``, a given Client, or a new LocalCluster."""

    name = "dask"

    def __init__(self, address=None, client=None, max_workers: int | None = None):
        from distributed import Client, LocalCluster

        self._cluster = None
        self._own_client = client is None
        if client is not None:
            self.client = client
        elif address:
            self.client = Client(address)
        else:
            import logging

            self._cluster = LocalCluster(n_workers=max_workers or os.cpu_count() or 1,
                                         threads_per_worker=1, processes=True,
                                         dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self._cluster)
        info = self.client.scheduler_info()
        self.workers = max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))

    def run(self, fn, tasks, args):
        from distributed import as_completed

        futs = {}
        for t in tasks:
            f = self.client.submit(_replicate, fn, t.scenario, t.seed, *args, pure=False,
                                   key=f"replicate-{t.digest}-{t.seed}-{time.time_ns()}")
            futs[f.key] = (f, t)
        try:
            for f in as_completed([f for f, _ in futs.values()]):
                t = futs[f.key][1]
                try:
                    res = f.result()
                except Exception as exc:  # e.g. KilledWorker
                    res = {"ok": False, "error": f"{type(exc).__name__}: {exc}",
                           "traceback": traceback.format_exc(), "elapsed_s": math.nan}
                yield t, res
        finally:
            self.client.cancel([f for f, _ in futs.values()])

    def close(self) -> None:
        if self._own_client:
            self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def _make_backend(executor, max_workers, scheduler):
    if isinstance(executor, str):
        if executor == "serial":
            return _Serial()
        if executor == "process":
            return _Pool(max_workers=max_workers)
        if executor == "dask":
            return _Dask(address=scheduler, max_workers=max_workers)
        raise ValueError(f"executor must be one of {', '.join(EXECUTORS)} (got {executor!r})")
    if isinstance(executor, cf.Executor):
        return _Pool(executor=executor)
    if type(executor).__name__ == "Client" and hasattr(executor, "submit"):
        return _Dask(client=executor)
    raise ValueError(f"executor must be one of {', '.join(EXECUTORS)}, a concurrent.futures "
                     f"Executor or a dask Client (got {type(executor).__name__})")


# ============================================================================================
# run_experiment
# ============================================================================================

def _labelled(scenarios) -> dict[str, Scenario]:
    if isinstance(scenarios, Scenario):
        scenarios = [scenarios]
    if isinstance(scenarios, Mapping):
        items = list(scenarios.items())
    else:
        items = []
        for sc in scenarios:
            if not isinstance(sc, Scenario):
                raise TypeError(f"expected Scenario objects, got {type(sc).__name__}")
            items.append((sc.name, sc))
    if not items:
        raise ValueError("run_experiment: give at least one scenario")
    out: dict[str, Scenario] = {}
    for label, sc in items:
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"scenario labels must be non-empty strings (got {label!r})")
        if not isinstance(sc, Scenario):
            raise TypeError(f"scenario {label!r}: expected a Scenario, got {type(sc).__name__}")
        if label in out:
            raise ValueError(f"two scenarios are labelled {label!r}; give them distinct names")
        out[label] = sc
    return out


def run_experiment(
    scenarios: Mapping[str, Scenario] | Sequence[Scenario] | Scenario,
    replications: int | Sequential = 10,
    *,
    seed: int = 0,
    years: float | None = None,
    warmup_days: float = 0.0,
    executor: Any = "process",
    max_workers: int | None = None,
    scheduler: str | None = None,
    out: str | Path | None = "outputs",
    name: str = "experiment",
    resume: bool = True,
    progress: bool = True,
    simulate_fn: Callable = simulate,
) -> Experiment:
    """Run replications of several scenarios with common random numbers.

    Parameters
    ----------
    scenarios : dict[str, Scenario], or a list of Scenario (labelled by ``name``), or one
        The scenarios to compare; the first is the default baseline of :meth:`Experiment.compare`.
    replications : int or Sequential
        A fixed number of replications per scenario (>= 1), or a :class:`Sequential` rule that
        adds replications until the chosen KPIs are precise enough (with a maximum).
    seed : int
        Base seed (>= 0); replication ``i`` of every scenario uses
        ``replication_seed(seed, i)``.
    years : float, optional
        Horizon in years for every scenario (default: each scenario's ``horizon_years``).
    warmup_days : float
        Calendar days at the start left out of the KPIs (the weekly table keeps every week).
        Check it with :meth:`Experiment.warmup_diagnostic`.
    executor : {"process", "serial", "dask"}, or a concurrent.futures.Executor, or a dask Client
        ``"process"`` (default): a local process pool with ``max_workers`` processes (default:
        all cores). ``"serial"``: in this process. ``"dask"``: Dask distributed, on the scheduler
        at ``scheduler`` or on a new LocalCluster of ``max_workers`` single-threaded workers.
    max_workers : int, optional
        Worker processes for ``"process"`` and a new LocalCluster (default: ``os.cpu_count()``).
    scheduler : str, optional
        Dask scheduler address, e.g. ``"tcp://10.0.0.5:8786"``.
    out : str or Path or None
        Base folder for results; replication files go to ``out/name/`` as they finish. None
        keeps everything in memory (no resume).
    name : str
        Experiment name (the sub-folder of ``out``).
    resume : bool
        Load replications already finished in ``out/name/`` (same scenario digest, seed,
        horizon, warm-up and model code) instead of running them.
    progress : bool
        Show a progress bar (``tqdm.auto``: a widget in notebooks, text in a terminal).
    simulate_fn : callable
        The model, ``simulate_fn(scenario, seed, years=..., warmup_days=...)`` returning an
        object with ``kpis`` and ``timeseries``; it must be importable by worker processes.

    Returns
    -------
    Experiment
        Tables of KPIs and weekly series, failures, and :meth:`~Experiment.summary` /
        :meth:`~Experiment.compare`.

    Raises
    ------
    ValueError, TypeError
        For bad arguments, before anything runs.

    Notes
    -----
    A replication that raises is recorded in :attr:`Experiment.failures` (scenario, seed,
    error) and a warning is issued; the other replications carry on. Interrupting (Ctrl-C)
    keeps every replication already written to ``out/name/``.
    """
    t_start = time.perf_counter()
    scs = _labelled(scenarios)
    # ---- validate everything before running anything
    if isinstance(replications, Sequential):
        rule: Sequential | None = replications
        if simulate_fn is simulate:
            unknown = [k for k in rule.kpis if k not in KPI_DESCRIPTIONS]
            if unknown:
                raise ValueError(f"Sequential: unknown KPI(s) {unknown}; known: "
                                 f"{', '.join(KPI_DESCRIPTIONS)}")
    else:
        rule = None
        if isinstance(replications, bool) or not isinstance(replications, (int, np.integer)):
            raise TypeError(f"replications must be a whole number or a Sequential rule "
                            f"(got {replications!r})")
        if replications < 1:
            raise ValueError(f"replications must be at least 1 (got {replications})")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0 (got {seed!r})")
    seed = int(seed)
    if years is not None and not (0 < float(years) <= 30):
        raise ValueError(f"years must be above 0 and at most 30 (got {years})")
    years = None if years is None else float(years)
    warmup_days = float(warmup_days)
    for label, sc in scs.items():
        horizon = years * 365.25 if years is not None else sc.horizon_days
        if not 0 <= warmup_days < horizon:
            raise ValueError(f"warmup_days must be >= 0 and shorter than the horizon of "
                             f"{label!r} ({horizon:g} days); got {warmup_days:g}")
    if max_workers is not None and int(max_workers) < 1:
        raise ValueError(f"max_workers must be >= 1 (got {max_workers})")
    if isinstance(executor, str) and executor not in EXECUTORS:
        raise ValueError(f"executor must be one of {', '.join(EXECUTORS)} (got {executor!r})")
    if not callable(simulate_fn):
        raise TypeError("simulate_fn must be callable")

    digests = {label: sc.digest() for label, sc in scs.items()}
    store = None
    if out is not None:
        model_name = (f"{getattr(simulate_fn, '__module__', '?')}."
                      f"{getattr(simulate_fn, '__qualname__', type(simulate_fn).__name__)}")
        store = _Store(Path(out) / name, years, warmup_days, model=model_name)
        store.write_manifest({
            "name": name, "seed": seed, "years": years, "warmup_days": warmup_days,
            "replications": replications if rule is None else rule.__dict__,
            "scenarios": [{"label": k, "name": sc.name, "digest": digests[k]}
                          for k, sc in scs.items()],
            "model_digest": store.model_digest,
            "started_at": dt.datetime.now().isoformat(timespec="seconds")})

    results: dict[tuple[str, int], dict] = {}
    counts = {"run": 0, "loaded": 0}
    args = (years, warmup_days)

    def tasks_for(lo: int, hi: int) -> list[_Task]:
        return [_Task(label, sc, digests[label], i, replication_seed(seed, i))
                for i in range(lo, hi) for label, sc in scs.items()]

    backend = None
    bar = None
    try:
        if progress:
            from tqdm.auto import tqdm

            total = len(scs) * (replications if rule is None else rule.max_replications)
            bar = tqdm(total=total, desc=f"{len(scs)} scenario(s)", unit="rep",
                       dynamic_ncols=True)

        def run_batch(lo: int, hi: int) -> None:
            nonlocal backend
            todo = []
            for t in tasks_for(lo, hi):
                got = store.load(t) if (store is not None and resume) else None
                if got is not None:
                    got["seed"] = t.seed
                    results[(t.label, t.replication)] = got
                    counts["loaded"] += 1
                    if bar is not None:
                        bar.update(1)
                else:
                    todo.append(t)
            if not todo:
                return
            if backend is None:
                backend = _make_backend(executor, max_workers, scheduler)
            for t, res in backend.run(simulate_fn, todo, args):
                res["seed"] = t.seed
                worker_code = res.get("model_digest", MODEL_DIGEST)
                if res["ok"] and worker_code != MODEL_DIGEST:
                    res = {"ok": False, "seed": t.seed, "traceback": "",
                           "error": f"the worker ran different model code (digest {worker_code}; "
                                    f"this process {MODEL_DIGEST}): restart the workers so that "
                                    f"both run the same version"}
                results[(t.label, t.replication)] = res
                counts["run"] += 1
                if res["ok"] and store is not None:
                    store.save(t, res, seed)
                if bar is not None:
                    bar.update(1)
                    nfail = sum(1 for r in results.values() if not r["ok"])
                    if nfail:
                        bar.set_postfix(failed=nfail)

        if rule is None:
            n = int(replications)
            run_batch(0, n)
            stopped = "fixed"
        else:
            n = rule.min_replications
            run_batch(0, n)
            while True:
                table = _kpi_table(scs, digests, results, n)[0]
                if rule.met(table, list(scs)):
                    stopped = "precision"
                    break
                if n >= rule.max_replications:
                    stopped = "max_replications"
                    break
                workers = backend.workers if backend is not None else (max_workers or os.cpu_count() or 1)
                step = rule.batch or max(1, math.ceil(workers / len(scs)))
                hi = min(n + step, rule.max_replications)
                run_batch(n, hi)
                n = hi
            if bar is not None:
                bar.total = len(scs) * n
                bar.refresh()
    finally:
        if bar is not None:
            bar.close()
        if backend is not None:
            backend.close()

    kpis, ts, fails, kpi_names, runs = _kpi_table(scs, digests, results, n,
                                                  with_timeseries=True)
    if len(fails):
        first = fails.iloc[0]
        warnings.warn(f"{len(fails)} of {len(scs) * n} replications failed; first: scenario "
                      f"{first['scenario']!r}, replication {first['replication']}, seed "
                      f"{first['seed']}: {first['error']} (see Experiment.failures)",
                      RuntimeWarning, stacklevel=2)
    exec_name = executor if isinstance(executor, str) else type(executor).__name__
    return Experiment(scenarios=scs, digests=digests, seed=seed, replications=n, years=years,
                      warmup_days=warmup_days, kpis=kpis, timeseries=ts, failures=fails,
                      stopping=rule, stopped=stopped, n_run=counts["run"],
                      n_loaded=counts["loaded"], out_dir=store.dir if store else None,
                      elapsed_s=time.perf_counter() - t_start, executor=exec_name,
                      kpi_names=kpi_names, runs=runs)


def _kpi_table(scs: dict[str, Scenario], digests: dict[str, str], results: dict, n: int,
               with_timeseries: bool = False):
    """Assemble the tidy tables in a fixed order (scenario order, then replication)."""
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
        return kpis, None, fail_df, names
    ts = (pd.concat(frames, ignore_index=True) if frames
          else pd.DataFrame(columns=list(ID_COLUMNS)))
    runs_df = pd.DataFrame(runs, columns=list(ID_COLUMNS) + ["status", "loaded", "elapsed_s",
                                                             "cpu_s"])
    return kpis, ts, fail_df, names, runs_df


def _num(v) -> float:
    return math.nan if v is None else float(v)
