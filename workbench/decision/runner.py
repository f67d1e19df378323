"""Many small experiments on one set of workers: the optimiser's and the sensitivity analysis's
way of running the model.

Both ask for replications in batches (a batch of candidate plans, a block of sample points), so
:class:`Runner` keeps one executor for the whole search and hands it to
:func:`workbench.experiment.run_experiment` batch after batch: a local process pool kept between
batches, a Dask client (a new LocalCluster, or the scheduler at an address), or this process.
Every replication goes through the experiment's result files, so a search that is interrupted and
started again with the same arguments loads what it finished instead of running it again.
"""

from __future__ import annotations

import math
import time
import warnings
from pathlib import Path
from typing import Any, Callable, Mapping

import pandas as pd

from ..analysis.run import simulate
from ..experiment import run_experiment
from ..experiment.executors import EXECUTORS, _ProgressExecutor, dask_client
from ..scenario import Scenario

__all__ = ["Runner"]


class Runner:
    """One executor for many batches of replications.

    Parameters
    ----------
    executor : {"process", "serial", "dask"}, or a concurrent.futures.Executor or dask Client
        Where replications run: a local process pool (kept for every batch), this process, or
        Dask distributed (``scheduler``'s cluster, or a new LocalCluster); or workers someone
        else started and stops (the managers' app hands over its pool), used as they are.
    max_workers : int, optional
        Worker processes of the pool or LocalCluster (default: every core).
    scheduler : str, optional
        Dask scheduler address, e.g. ``"tcp://10.0.0.5:8786"``.
    out : str or Path or None
        Base folder of the result files (``out/name/``); None keeps results in memory only.
    name : str
        The sub-folder for this search's replications.
    years : float, optional
        Horizon of every run, years (default: each scenario's own).
    simulate_fn : callable
        The model (see :func:`~workbench.experiment.run_experiment`).
    about : str, optional
        The starting scenario's name, which the memory check names beside the plan or point
        it sized (a bare plan key, "scenario 'dd6fc023'", told the user nothing).

    Attributes
    ----------
    n_run, n_loaded : int
        Replications run and loaded from earlier result files so far.
    rep_seconds : float
        Mean wall-clock seconds of one replication in its worker (NaN before any ran).
    """

    def __init__(self, executor: str = "process", max_workers: int | None = None,
                 scheduler: str | None = None, out: str | Path | None = "outputs",
                 name: str = "decision", years: float | None = None,
                 simulate_fn: Callable = simulate, about: str | None = None):
        self._ex: Any = None
        self._cluster: Any = None
        if not isinstance(executor, str):
            if not hasattr(executor, "submit"):
                raise ValueError(f"executor must be one of {', '.join(EXECUTORS)}, an Executor "
                                 f"or a dask Client (got {type(executor).__name__})")
            # workers someone else started: used as they are, left running by close()
            self._ex, executor = executor, "given"
        elif executor not in EXECUTORS:
            raise ValueError(f"executor must be one of {', '.join(EXECUTORS)} (got {executor!r})")
        self.kind, self.max_workers, self.scheduler = executor, max_workers, scheduler
        self.out, self.name, self.years, self.simulate_fn = out, name, years, simulate_fn
        self.n_run = self.n_loaded = 0
        self._seconds: list[float] = []
        self.about = about
        self._fitted = False

    # ------------------------------------------------------------------ executor
    def _executor(self) -> Any:
        """What run_experiment gets: a pool or client started once and kept, or "serial"."""
        if self.kind == "serial":
            return "serial"
        if self._ex is None:
            if self.kind == "process":
                self._ex = _ProgressExecutor("process", self.max_workers)
            else:
                import logging

                from distributed import Client, LocalCluster

                if self.scheduler:
                    # a mistyped or unreachable --scheduler ended in distributed's traceback
                    # here, as it no longer does in compare
                    self._ex = dask_client(self.scheduler)
                else:
                    self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1,
                                                 processes=True, dashboard_address=None,
                                                 silence_logs=logging.ERROR)
                    self._ex = Client(self._cluster)
        return self._ex

    @property
    def workers(self) -> int:
        """Replications that run at once."""
        import os

        if self.kind == "serial":
            return 1
        if self._ex is not None and hasattr(self._ex, "scheduler_info"):  # a dask Client
            info = self._ex.scheduler_info()
            return max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))
        if self.kind == "given":
            return int(getattr(self._ex, "_max_workers", None) or os.cpu_count() or 1)
        return self.max_workers or os.cpu_count() or 1

    def close(self) -> None:
        """Stop the workers this runner started (not those it was given)."""
        if self.kind == "given":
            return
        if self._ex is not None and self.kind == "process":
            self._ex.shutdown(wait=True, cancel_futures=True)
        elif self._ex is not None:
            self._ex.close()
            if self._cluster is not None:
                self._cluster.close()
        self._ex = self._cluster = None

    def __enter__(self) -> "Runner":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _fit_memory(self, scenarios: Mapping[str, Scenario]) -> None:
        """Size the pool this runner starts to this machine's memory, as ``compare`` does
        (:func:`~workbench.experiment.memory.plan_workers`: fewer worker processes, said, or a
        UserError where not even one replication fits). The experiment's own check cannot: it
        is handed the pool already started, and its warnings are silenced with the failed
        runs' (a pool of 2 where 1 fitted ran on, and nothing was said). A pool someone else
        started is only warned about, once; a Dask scheduler elsewhere has its own memory."""
        if self.kind == "dask" and self.scheduler:
            return
        from ..experiment.memory import plan_workers

        named = {self._label(k, sc): sc for k, sc in scenarios.items()}
        if self.kind == "serial":
            plan_workers(named, self.years, 1)
            return
        own = self._ex is None and self.kind in ("process", "dask")
        if self._fitted and not own:
            return
        n = plan_workers(named, self.years, self.workers, can_shrink=own)
        if own:
            self.max_workers = n
        self._fitted = True

    def _label(self, key: str, sc: Scenario | None) -> str:
        """A plan's or point's label as the user can place it ("Baseline, plan dd6fc023")."""
        name = sc.name if sc is not None and sc.name else ""
        what = name[:1].lower() + name[1:] if name else key
        return f"{self.about}, {what}" if self.about else key

    # ------------------------------------------------------------------ running
    @property
    def rep_seconds(self) -> float:
        return sum(self._seconds) / len(self._seconds) if self._seconds else math.nan

    def run(self, scenarios: Mapping[str, Scenario], replications: int, seed: int) -> pd.DataFrame:
        """KPIs of ``replications`` replications of every scenario, on common random numbers.

        Parameters
        ----------
        scenarios : dict[str, Scenario]
            The scenarios by label.
        replications : int
            Replications of each (``replication_seed(seed, i)``, i = 0 .. replications-1).
        seed : int
            Base seed.

        Returns
        -------
        pandas.DataFrame
            The experiment's KPI table (one row per successful scenario x replication; a failed
            replication has no row, and a warning names it).
        """
        t0 = time.perf_counter()
        self._fit_memory(scenarios)
        with warnings.catch_warnings():
            # one replication that fails is reported by the caller's tables, not once a batch
            warnings.simplefilter("ignore", RuntimeWarning)
            exp = run_experiment(dict(scenarios), replications=replications, seed=seed,
                                 years=self.years, executor=self._executor(),
                                 out=self.out, name=self.name, progress=False,
                                 simulate_fn=self.simulate_fn)
        self.n_run += exp.n_run
        self.n_loaded += exp.n_loaded
        if exp.runs is not None:
            ran = exp.runs[~exp.runs["loaded"]]["elapsed_s"].dropna()
            self._seconds.extend(float(x) for x in ran)
        if len(exp.failures):
            first = exp.failures.iloc[0]
            where = self._label(str(first["scenario"]), scenarios.get(first["scenario"]))
            warnings.warn(f"{len(exp.failures)} replication(s) failed; first: "
                          f"{where!r} seed {first['seed']}: {first['error']}",
                          RuntimeWarning, stacklevel=2)
        self.last_batch_s = time.perf_counter() - t0
        return exp.kpis
