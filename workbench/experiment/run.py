"""Running an experiment: many replications of several scenarios, with common random numbers.

:func:`run_experiment` checks its arguments, then runs replication ``i`` of every scenario with
the seed :func:`~workbench.experiment.design.replication_seed` ``(seed, i)`` on one of the
executors, loads or saves each finished replication through the result files
(:mod:`~workbench.experiment.store`), and assembles the :class:`Experiment`. The per-replication
worker, :func:`_replicate`, is a module-level function (so spawned worker processes can import
it) and returns aggregates only, never the child-level event log.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import math
import os
import time
import traceback
import warnings
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..analysis.registry import KPI_DESCRIPTIONS, too_short_for
from ..analysis.run import simulate
from ..scenario import Scenario
from ..scenario.catalog import load_scenario_files
from ..scenario.uncertain import draw_inputs
from .design import Sequential, Task, label_scenarios, replication_seed
from .executors import EXECUTORS, make_backend
from .memory import plan_workers
from .results import Experiment, kpi_table
from .store import MODEL_DIGEST, Store

__all__ = ["run_comparison", "run_experiment"]


# ============================================================================================
# One replication (runs in a worker: must stay importable and return aggregates only)
# ============================================================================================

def _failure(exc: BaseException) -> dict:
    """A failed replication's result: the error in one line, and its traceback."""
    words = str(exc)
    if isinstance(exc, MemoryError) and not words.strip():
        # raised with no words ("MemoryError: " and nothing more) when a process reaches the
        # memory it may use (a memory limit: ulimit -v, a container's or a cluster's)
        words = ("the replication ran out of memory (its process reached the memory it may "
                 "use); run fewer worker processes (--workers), a shorter --years or a smaller "
                 "authority")
    return {"ok": False, "error": f"{type(exc).__name__}: {words}",
            "traceback": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
            "elapsed_s": math.nan}


def _replicate(simulate_fn: Callable, scenario: Scenario, seed: int, years: float | None,
               warmup_days: float) -> dict:
    """Run one replication; return its KPIs and weekly table, or the error. Never the event log."""
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        # uncertain inputs: drawn from the seed alone, the same for every scenario (CRN)
        run = simulate_fn(draw_inputs(scenario, seed), seed, years=years, warmup_days=warmup_days)
        out = {"ok": True,
               "kpis": {str(k): float(v) for k, v in run.kpis.items()},
               "timeseries": run.timeseries.reset_index(drop=True),
               "horizon_days": float(getattr(run, "horizon_days", math.nan))}
        del run
    except Exception as exc:  # noqa: BLE001 - reported with scenario and seed by the caller
        out = _failure(exc)
    out["elapsed_s"] = time.perf_counter() - t0
    out["cpu_s"] = time.process_time() - c0
    out["model_digest"] = MODEL_DIGEST
    return out


# ============================================================================================
# Steps of run_experiment
# ============================================================================================

def _check_arguments(scs: dict[str, Scenario], replications, seed, years, warmup_days, executor,
                     max_workers, simulate_fn
                     ) -> tuple[Sequential | None, int, float | None, float]:
    """Validate everything before anything runs; return ``(rule, seed, years, warmup_days)``
    normalised (``rule`` None for a fixed number of replications)."""
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
    if years is not None and not (0 < float(years) <= 30):
        raise ValueError(f"years must be above 0 and at most 30 (got {years})")
    years = None if years is None else float(years)
    warmup_days = float(warmup_days)
    for label, sc in scs.items():
        horizon = years * 365.25 if years is not None else sc.horizon_days
        if not 0 <= warmup_days < horizon:
            raise ValueError(f"warmup_days must be >= 0 and shorter than the horizon of "
                             f"{label!r} ({horizon:g} days); got {warmup_days:g}")
        for k in (rule.kpis if rule is not None and simulate_fn is simulate else ()):
            # no replication could give it a value: the rule would run to its maximum
            short = too_short_for(k, (horizon - warmup_days) / 365.25,
                                  " measured" + (f" after the warm-up of {warmup_days:g} days"
                                                 if warmup_days else ""))
            if short:
                raise ValueError(f"Sequential: {short} for {label!r}, so no replication could "
                                 f"give it a value and the experiment would run to its maximum "
                                 f"of {rule.max_replications} replications; measure a year or "
                                 f"more, or choose another KPI")
    if max_workers is not None and int(max_workers) < 1:
        raise ValueError(f"max_workers must be >= 1 (got {max_workers})")
    if isinstance(executor, str) and executor not in EXECUTORS:
        raise ValueError(f"executor must be one of {', '.join(EXECUTORS)} (got {executor!r})")
    if not callable(simulate_fn):
        raise TypeError("simulate_fn must be callable")
    return rule, int(seed), years, warmup_days


def _open_store(out, name: str, scs: dict[str, Scenario], digests: dict[str, str], seed: int,
                years: float | None, warmup_days: float, replications,
                simulate_fn: Callable) -> Store | None:
    """The result files of this experiment (None when ``out`` is None), with its manifest."""
    if out is None:
        return None
    model_name = (f"{getattr(simulate_fn, '__module__', '?')}."
                  f"{getattr(simulate_fn, '__qualname__', type(simulate_fn).__name__)}")
    store = Store(Path(out) / name, years, warmup_days, model=model_name)
    store.write_manifest({
        "name": name, "seed": seed, "years": years, "warmup_days": warmup_days,
        "replications": replications.__dict__ if isinstance(replications, Sequential)
        else replications,
        "scenarios": [{"label": k, "name": sc.name, "digest": digests[k]}
                      for k, sc in scs.items()],
        "model_digest": store.model_digest,
        "started_at": dt.datetime.now().isoformat(timespec="seconds")})
    return store


class _Batches:
    """Runs replications ``lo .. hi-1`` of every scenario, a batch at a time, keeping every
    result by ``(label, replication)``: loaded from the result files when there, else run on
    the executor (started at the first batch that needs it) and saved as each one finishes."""

    def __init__(self, scs, digests, seed, years, warmup_days, simulate_fn, store, resume,
                 executor, max_workers, scheduler):
        self.scs, self.digests, self.seed = scs, digests, seed
        self.args = (years, warmup_days)
        self.simulate_fn = simulate_fn
        self.load_from = store if resume else None
        self.save_to = store
        self.executor, self.max_workers, self.scheduler = executor, max_workers, scheduler
        self.results: dict[tuple[str, int], dict] = {}
        self.n_run = self.n_loaded = 0
        self.backend = None
        self.bar = None

    def show_progress(self, total: int) -> None:
        """Show a progress bar (``tqdm.auto``: a widget in notebooks, text in a terminal)."""
        from tqdm.auto import tqdm

        self.bar = tqdm(total=total, desc=f"{len(self.scs)} scenario(s)", unit="rep",
                        dynamic_ncols=True)

    @property
    def workers(self) -> int:
        """Workers of the executor (before it starts: what was asked for, or every core)."""
        if self.backend is not None:
            return self.backend.workers
        return self.max_workers or os.cpu_count() or 1

    def run(self, lo: int, hi: int) -> None:
        """Replications ``lo .. hi-1`` of every scenario: loaded, or run and collected."""
        tasks = [Task(label, sc, self.digests[label], i, replication_seed(self.seed, i))
                 for i in range(lo, hi) for label, sc in self.scs.items()]
        todo = [t for t in tasks if not self._load(t)]
        if not todo:
            return
        if self.backend is None:
            self.backend = make_backend(self.executor, self._workers_that_fit(), self.scheduler)
        jobs = [(t, (self.simulate_fn, t.scenario, t.seed, *self.args)) for t in todo]
        for t, res, exc in self.backend.run(_replicate, jobs):
            self._collect(t, _failure(exc) if exc is not None else res)

    def _workers_that_fit(self) -> int | None:
        """The worker processes to start: those asked for, or fewer where they would not fit in
        this machine's memory (a UserError where not even one replication would; a warning
        for a pool the caller gave; no check for a Dask scheduler elsewhere)."""
        ex, years = self.executor, self.args[0]
        if ex == "serial":
            plan_workers(self.scs, years, 1)
            return self.max_workers
        if ex == "process" or (ex == "dask" and not self.scheduler):
            return plan_workers(self.scs, years, self.workers)
        if isinstance(ex, cf.Executor):
            plan_workers(self.scs, years, getattr(ex, "_max_workers", 1), can_shrink=False)
        return self.max_workers

    def _load(self, t: Task) -> bool:
        """Take replication ``t`` from the result files if it is there (resume)."""
        got = self.load_from.load(t) if self.load_from is not None else None
        if got is None:
            return False
        got["seed"] = t.seed
        self.results[(t.label, t.replication)] = got
        self.n_loaded += 1
        if self.bar is not None:
            self.bar.update(1)
        return True

    def _collect(self, t: Task, res: dict) -> None:
        """Keep a finished replication's result (refusing one from other model code), save it
        and move the progress bar."""
        res["seed"] = t.seed
        worker_code = res.get("model_digest", MODEL_DIGEST)
        if res["ok"] and worker_code != MODEL_DIGEST:
            res = {"ok": False, "seed": t.seed, "traceback": "",
                   "error": f"the worker ran different model code (digest {worker_code}; "
                            f"this process {MODEL_DIGEST}): restart the workers so that "
                            f"both run the same version"}
        self.results[(t.label, t.replication)] = res
        self.n_run += 1
        if res["ok"] and self.save_to is not None:
            self.save_to.save(t, res, self.seed)
        if self.bar is not None:
            self.bar.update(1)
            nfail = sum(1 for r in self.results.values() if not r["ok"])
            if nfail:
                self.bar.set_postfix(failed=nfail)

    def close(self, abort: bool = False) -> None:
        """Close the progress bar and the executor (``abort``: stop its workers now)."""
        if self.bar is not None:
            self.bar.close()
        if self.backend is not None:
            self.backend.close(abort=abort)


def _until_precise(rule: Sequential, batches: _Batches) -> tuple[int, str]:
    """Run batches until ``rule`` is met or its maximum reached; return ``(n, stopped)``."""
    scs = batches.scs
    n = rule.min_replications
    batches.run(0, n)
    while True:
        table = kpi_table(scs, batches.digests, batches.results, n)[0]
        if rule.met(table, list(scs)):
            stopped = "precision"
            break
        if n >= rule.max_replications:
            stopped = "max_replications"
            break
        hi = min(n + rule.step(batches.workers, len(scs)), rule.max_replications)
        batches.run(n, hi)
        n = hi
    if batches.bar is not None:
        batches.bar.total = len(scs) * n
        batches.bar.refresh()
    return n, stopped


# ============================================================================================
# run_experiment
# ============================================================================================

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
    UserError
        When not even one replication of the largest scenario would fit in this machine's
        memory (:mod:`~workbench.experiment.memory`; a pool that would not fit all at once
        runs with fewer worker processes, with a warning).

    Notes
    -----
    A replication that raises is recorded in :attr:`Experiment.failures` (scenario, seed,
    error) and a warning is issued; the other replications carry on. So is a replication whose
    worker process died (a crash, or out of memory: ``WorkerDied`` names the signal); the other
    replications that were in the broken pool are run again, each in a process of its own.
    Interrupting (Ctrl-C) stops the worker processes at once and keeps every replication already
    written to ``out/name/``; a killed experiment's workers end themselves within a second.
    """
    t_start = time.perf_counter()
    scs = label_scenarios(scenarios)
    rule, seed, years, warmup_days = _check_arguments(scs, replications, seed, years, warmup_days,
                                                      executor, max_workers, simulate_fn)
    digests = {label: sc.digest() for label, sc in scs.items()}
    store = _open_store(out, name, scs, digests, seed, years, warmup_days, replications,
                        simulate_fn)
    batches = _Batches(scs, digests, seed, years, warmup_days, simulate_fn, store, resume,
                       executor, max_workers, scheduler)
    aborted = True  # until every batch is in: an interrupt stops the workers at once
    try:
        if progress:
            batches.show_progress(len(scs) * (replications if rule is None
                                               else rule.max_replications))
        if rule is None:
            n, stopped = int(replications), "fixed"
            batches.run(0, n)
        else:
            n, stopped = _until_precise(rule, batches)
        aborted = False
    finally:
        batches.close(abort=aborted)

    kpis, ts, fails, kpi_names, runs = kpi_table(scs, digests, batches.results, n,
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
                      stopping=rule, stopped=stopped, n_run=batches.n_run,
                      n_loaded=batches.n_loaded, out_dir=store.dir if store else None,
                      elapsed_s=time.perf_counter() - t_start, executor=exec_name,
                      kpi_names=kpi_names, runs=runs)


def run_comparison(files: Sequence[str | Path] | None = None, replications: int = 6,
                   years: float | None = 3, seed: int = 2017, executor: str = "process",
                   out: str | Path | None = None, name: str = "compare",
                   progress: bool = True, root: str | Path | None = None):
    """Run several scenario files on common random numbers (the comparison notebook).

    Parameters
    ----------
    files : list of paths, optional
        Scenario files (relative to the project folder); default every bundled file, the
        baseline first. The first is the baseline of the comparison.
    replications, years, seed, executor, out, name, progress
        As :func:`run_experiment` (``out=None``: nothing written).
    root : str or Path, optional
        The project folder (default: found from the working directory).

    Returns
    -------
    (Experiment, dict[str, Path])
        The experiment and each scenario's file, by label.
    """
    scenarios, paths = load_scenario_files(files, root)
    exp = run_experiment(scenarios, replications=replications, seed=seed, years=years,
                         executor=executor, out=out, name=name, progress=progress)
    return exp, paths
