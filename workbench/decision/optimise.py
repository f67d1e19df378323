"""The cheapest workforce plan that meets the targets, with a stated confidence.

Two stages:

1. **Search** (Optuna's TPE sampler with constraints): each candidate plan runs ``replications``
   replications on the same seeds as every other plan (common random numbers, so plans are
   compared on the same referrals and chance events), and is scored by its mean workforce cost
   (``cost_gbp``) with each target's mean shortfall as a constraint. Plans run a batch of
   :data:`SEARCH_BATCH` at a time, whatever the workers and the executor (the batch decides the
   sampler's sequence, so the same seed tries the same plans on any machine), until the time
   budget or the trial limit is reached. A trial limit (``max_trials``) gives the same search
   everywhere; a time budget stops it wherever the machine has got to.
2. **Selection** (a feasibility check with a Bonferroni guarantee): ``candidates`` plans whose
   search means met every target, stepped along the frontier (the cheapest, then the cheapest
   with more and more to spare, up to twice the half-width the check will have) run again on
   fresh seeds (base seed
   ``seed + FRESH_SEED_OFFSET``, independent of the search's). Each target of each candidate is
   checked with a one-sided Student-t bound at confidence ``1 - (1 - confidence) / (K m)``
   (K candidates, m targets); the chosen plan is the cheapest on the fresh runs whose bounds all
   meet their targets. By Bonferroni's inequality, with probability at least ``confidence`` every
   bound is on the right side of its plan's true mean at once, so the chosen plan's expected
   KPIs meet every target with confidence at least ``confidence`` (given approximately normal
   replication means, as every t interval here assumes), whichever plan the data picked.

The frontier is every plan the search tried that no other beat on both cost and the first
target's KPI: the cost of each level of timeliness.
"""

from __future__ import annotations

import json
import math
import numbers
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from .. import files
from ..analysis.registry import kpi, too_short_for
from ..analysis.run import simulate
from ..errors import UserError
from ..scenario import Scenario
from .runner import Runner
from .levers import describe_levers, fixed_lines, retention_said
from .space import (DEFAULT_RANGES, LeverRange, base_plan, check_ranges, describe_plan,
                    plan_key, plan_params, plan_scenario, start_outside, suggest_plan)
from .shortfall import check_measured, why_no_plan
from .targets import Target, against_better, check_targets, confidence_text, parse_targets

__all__ = ["FRESH_SEED_OFFSET", "SEARCH_BATCH", "OptimiseResult", "frontier", "optimise"]

#: The confirmation runs' base seed is the search's plus this: seeds the search never used.
FRESH_SEED_OFFSET = 1_000_003
#: Plans the search asks for (and runs) at once. Fixed, not the number of workers: the sampler
#: learns from each batch before asking for the next, so the batch decides which plans are
#: tried, and the same command and seed must try the same plans on every machine and executor.
SEARCH_BATCH = 4
#: The KPI minimised: workforce cost over the period (pay, agency, academy, recruitment,
#: retention), GBP.
COST = "cost_gbp"
#: A constraint value for a plan whose replications all failed (Optuna needs a finite number).
_FAILED = 1e9


@dataclass
class OptimiseResult:
    """What :func:`optimise` found.

    Attributes
    ----------
    base : Scenario or None
        The starting scenario (None for a result loaded from files, :func:`load_result`).
    targets : tuple of Target
    ranges : tuple of LeverRange
        The levers searched.
    trials : pandas.DataFrame
        One row per plan tried: ``trial, plan`` (its key), each lever, ``cost_mean`` (GBP),
        each target KPI's mean, ``feasible`` (the search means meet every target), ``margin``
        (the search's one-sided bounds at ``confidence`` meet them too) and ``on_frontier``.
    candidates : pandas.DataFrame
        The plans checked on fresh seeds: ``plan``, each lever, ``cost_mean``, for each target
        KPI its mean and one-sided bound, ``passed`` and ``chosen``.
    chosen : dict or None
        The chosen plan's lever values (None when no candidate passed).
    chosen_scenario : Scenario or None
    confidence : float
        Joint confidence that the chosen plan meets every target.
    replications, confirm_replications : int
        Replications per plan in the search and in the check.
    seed : int
        The search's base seed (the check's is ``seed + FRESH_SEED_OFFSET``).
    elapsed_s : float
        Wall-clock seconds.
    n_run, n_loaded : int
        Replications run, and loaded from earlier result files.
    """

    base: Scenario | None
    targets: tuple[Target, ...]
    ranges: tuple[LeverRange, ...]
    trials: pd.DataFrame
    candidates: pd.DataFrame
    chosen: dict | None
    chosen_scenario: Scenario | None
    confidence: float
    replications: int
    confirm_replications: int
    seed: int
    years: float | None
    elapsed_s: float = 0.0
    n_run: int = 0
    n_loaded: int = 0
    stopped: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def frontier(self) -> pd.DataFrame:
        """The plans on the cost-against-first-target frontier, cheapest first."""
        return self.trials[self.trials["on_frontier"]].sort_values("cost_mean")

    def statement(self) -> str:
        """The answer in plain English, with its confidence and what it rests on."""
        if self.base is None:  # loaded from files: the words written when it ran
            return str(self.extra.get("statement", ""))
        tg = "; ".join(t.describe() for t in self.targets)
        if self.chosen is None:
            said = (f"No plan the search tried met every target ({tg}) with "
                    f"{confidence_text(self.confidence)} confidence on fresh runs.")
            why = why_no_plan(self.candidates, self.targets, self.confirm_replications,
                              self.confidence, self.trials, self.base,
                              [r.key for r in self.ranges])
            return f"{said} {why}"
        row = self.candidates[self.candidates["chosen"]].iloc[0]
        cost = kpi(COST).format(row["cost_mean"])
        yrs = ("the scenario's horizon" if self.years is None
               else f"{self.years:g} year{'' if self.years == 1 else 's'}")
        worse = [w for w in map(against_better, self.targets) if w]
        if float(self.chosen.get("retention_payment_gbp", 0.0)) > 0:
            worse.append(retention_said(self.base))
        worse += [w for w in [start_outside(self.base, self.ranges)] if w]
        tail = "".join(f" Note: {w}." for w in worse)
        c = self.candidates
        ties = int((c["passed"] & (c["cost_mean"] == row["cost_mean"])).sum()) - 1
        if ties > 0:
            differ = "they differ" if ties > 1 else "it differs"
            tail = (f" {ties} other plan{'s' if ties > 1 else ''} checked cost the same on "
                    f"average and met every target too: where {differ} "
                    f"from this one, the levers changed nothing in the cost over {yrs} (a change "
                    f"that falls after the run ends, or a limit never reached), so the one that "
                    f"changes least from the starting scenario is chosen.") + tail
        runs = f"{self.confirm_replications} fresh runs per plan"
        n = int(row["n"]) if "n" in row and row["n"] == row["n"] else self.confirm_replications
        if n < self.confirm_replications:   # it said "on 4 fresh runs" where one had failed
            lost = self.confirm_replications - n
            runs = (f"{n} fresh runs of this plan (the other {lost} of the "
                    f"{self.confirm_replications} failed)")
        return (f"The cheapest plan found that meets every target ({tg}): "
                f"{describe_plan(self.base, self.chosen)}. It costs {cost} over {yrs} on "
                f"average. On {runs}, we are at least "
                f"{confidence_text(self.confidence)} confident that it meets every target on "
                f"average (one-sided t bounds, Bonferroni over {len(self.candidates)} candidate "
                f"plan(s) and {len(self.targets)} target(s))." + tail)

    def save(self, folder: str | Path) -> Path:
        """Write ``trials.csv``, ``candidates.csv`` and ``result.json`` to ``folder``."""
        folder = files.make_folder(folder)
        files.write_table(folder / "trials.csv", self.trials, formulas_as_text=True)
        files.write_table(folder / "candidates.csv", self.candidates, formulas_as_text=True)
        info = {"targets": [str(t) for t in self.targets],
                "levers": [r.__dict__ for r in self.ranges], "chosen": self.chosen,
                "confidence": self.confidence, "replications": self.replications,
                "confirm_replications": self.confirm_replications, "seed": self.seed,
                "years": self.years, "elapsed_s": self.elapsed_s, "stopped": self.stopped,
                "statement": self.statement(), **self._about()}
        files.write_text(folder / "result.json", json.dumps(info, indent=1))
        return folder

    def _about(self) -> dict:
        """What a reader of the saved result needs without the scenario: its name and digest,
        and the chosen plan in words and numbers."""
        if self.base is None:
            return {k: self.extra[k] for k in ("scenario", "scenario_digest", "plan_lines",
                                               "cost_mean") if k in self.extra}
        out = {"scenario": self.base.name, "scenario_digest": self.base.digest(),
               "plan_lines": [], "cost_mean": None}
        if self.chosen is not None:
            out["plan_lines"] = (describe_levers(self.base, self.chosen)
                                 + fixed_lines(self.base, self.chosen))
            row = self.candidates[self.candidates["chosen"]].iloc[0]
            out["cost_mean"] = float(row["cost_mean"])
        return out

    def plan_lines(self) -> list[str]:
        """What the chosen plan changes from the starting scenario, a line each (none: no plan,
        or a plan that changes nothing)."""
        if self.chosen is None:
            return []
        if self.base is None:
            return list(self.extra.get("plan_lines") or [])
        return describe_levers(self.base, self.chosen) + fixed_lines(self.base, self.chosen)

    @property
    def scenario_name(self) -> str:
        """The starting scenario's name."""
        return self.base.name if self.base is not None else str(self.extra.get("scenario", ""))


def frontier(cost: Sequence[float], value: Sequence[float], better: int) -> np.ndarray:
    """Which points no other point beats on both: lower cost and a better ``value``
    (``better`` +1: higher is better, -1: lower). Ties on both keep the first."""
    c = np.asarray(cost, dtype=float)
    v = np.asarray(value, dtype=float) * (1 if better >= 0 else -1)
    keep = np.zeros(len(c), dtype=bool)
    best = -math.inf
    for i in sorted(range(len(c)), key=lambda j: (c[j], -v[j])):
        if np.isfinite(c[i]) and np.isfinite(v[i]) and v[i] > best:
            keep[i] = True
            best = v[i]
    return keep


def _with_columns(kpis: pd.DataFrame | None, names: Sequence[str]) -> pd.DataFrame:
    """The KPI table with a ``scenario`` column and every KPI named (empty when every
    replication failed, so that the plans are simply not feasible)."""
    if kpis is None:
        kpis = pd.DataFrame()
    for col in ["scenario", *names]:
        if col not in kpis:
            kpis[col] = pd.Series(dtype=object if col == "scenario" else float)
    return kpis


def _means(kpis: pd.DataFrame, label: str, names: Sequence[str]) -> dict[str, float]:
    g = kpis[kpis["scenario"] == label]
    return {k: (float(g[k].mean()) if len(g) and k in g else math.nan) for k in names}


class _Search:
    """The search stage: Optuna asks for plans, the runner runs them, Optuna is told."""

    def __init__(self, base, targets, ranges, runner, replications, seed, years, confidence):
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        self.base, self.targets, self.ranges = base, targets, ranges
        self.runner, self.replications, self.seed, self.years = runner, replications, seed, years
        self.confidence = confidence
        # constraints are set on each trial (Trial.set_constraint, Optuna 5): <= 0 is feasible
        sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=max(8, 2 * len(ranges)))
        self.study = optuna.create_study(direction="minimize", sampler=sampler)
        self.rows: list[dict] = []
        self.asked = 0  # trials asked (the study also counts the two enqueued before any ran)
        self.done: dict[str, dict] = {}  # plan key -> its row (a plan asked again is not rerun)
        self.names = [COST] + list(dict.fromkeys(t.kpi for t in targets))
        # start from where the scenario stands, and from the most of every lever
        self.study.enqueue_trial(plan_params(base_plan(base, ranges), ranges))
        self.study.enqueue_trial({r.key: r.values() - 1 for r in ranges})

    def batch(self, size: int) -> None:
        """Ask ``size`` plans, run the new ones, tell every result."""
        trials = [self.study.ask() for _ in range(size)]
        self.asked += size
        plans = [suggest_plan(t, self.ranges) for t in trials]
        new = {plan_key(p): plan_scenario(self.base, p, self.years) for p in plans
               if plan_key(p) not in self.done}
        kpis = _with_columns(self.runner.run(new, self.replications, self.seed) if new else None,
                             self.names)
        for trial, plan in zip(trials, plans):
            key = plan_key(plan)
            if key not in self.done:
                means = _means(kpis, key, self.names)
                row = {"trial": trial.number, "plan": key, **plan,
                       "cost_mean": means[COST],
                       **{f"{k}_mean": means[k] for k in self.names[1:]}}
                row["feasible"] = all(t.met_by(means[t.kpi]) for t in self.targets)
                g = kpis[kpis["scenario"] == key]
                for t in self.targets:
                    row[f"{t.kpi}_sd"] = float(g[t.kpi].std(ddof=1)) if len(g) > 1 else math.nan
                row["margin"] = all(c.met for c in check_targets(
                    {t.kpi: g[t.kpi].to_numpy() for t in self.targets}, self.targets,
                    self.confidence))
                self.done[key] = row
                self.rows.append(row)
            row = self.done[key]
            for t in self.targets:
                gap = t.shortfall(row[f"{t.kpi}_mean"])
                trial.set_constraint(str(t), gap if math.isfinite(gap) else _FAILED)
            cost = row["cost_mean"]
            self.study.tell(trial, cost if math.isfinite(cost) else _FAILED * 1e3)

    def table(self) -> pd.DataFrame:
        cols = (["trial", "plan"] + [r.key for r in self.ranges] + ["cost_mean"]
                + [f"{k}_mean" for k in self.names[1:]]
                + [f"{t.kpi}_sd" for t in self.targets] + ["feasible", "margin"])
        df = pd.DataFrame(self.rows, columns=cols)
        first = self.targets[0].kpi
        df["on_frontier"] = frontier(df["cost_mean"], df[f"{first}_mean"], kpi(first).better
                                     or self.targets[0].sign)
        return df


def _confirm(base, targets, ranges, trials, runner, candidates, confirm_reps, seed, confidence,
             years) -> pd.DataFrame:
    """Run the cheapest feasible plans on fresh seeds; check every target with Bonferroni."""
    # candidates stepped along the frontier: the j-th is the cheapest plan whose search means
    # beat every target by j/(K-1) of twice the half-width the check will have (estimated from
    # the search's spread), so that the cheap, only-just-feasible plans are not the only ones
    # checked (they often fail a one-sided bound on fresh runs)
    from scipy import stats

    start = base_plan(base, ranges)
    feas = trials[trials["feasible"]].assign(moved=lambda d: sum(
        (d[r.key] - start[r.key]).abs() / (r.high - r.low) for r in ranges))
    # the cheapest first; of plans that cost the same, the one nearest the starting scenario
    feas = feas.sort_values(["cost_mean", "moved", "trial"], kind="stable")
    each = 1 - (1 - confidence) / (candidates * len(targets))
    q = float(stats.t.ppf(each, confirm_reps - 1)) / math.sqrt(confirm_reps)
    keys: list[str] = []
    for j in range(candidates):
        step = 2 * j / max(candidates - 1, 1)
        ok = np.ones(len(feas), dtype=bool)
        for t in targets:
            sd = float(np.nanmedian(feas[f"{t.kpi}_sd"])) if len(feas) else math.nan
            need = step * q * (0 if math.isnan(sd) else sd)
            ok &= (-feas[f"{t.kpi}_mean"].map(t.shortfall) >= need).to_numpy()
        for key in feas[ok]["plan"]:
            if key not in keys:
                keys.append(key)
                break
    keys += [k for k in feas["plan"] if k not in keys][:candidates - len(keys)]
    pool = feas.set_index("plan").loc[keys].reset_index()
    cols = ["plan"] + [r.key for r in ranges]
    if pool.empty:
        return pd.DataFrame(columns=cols + ["cost_mean", "passed", "note", "chosen"])
    plans = {row["plan"]: {r.key: float(row[r.key]) for r in ranges} for _, row in pool.iterrows()}
    kpis = _with_columns(runner.run({k: plan_scenario(base, p, years) for k, p in plans.items()},
                                    confirm_reps, seed + FRESH_SEED_OFFSET),
                         [COST] + [t.kpi for t in targets])
    each = 1 - (1 - confidence) / (len(plans) * len(targets))
    rows = []
    for key, plan in plans.items():
        g = kpis[kpis["scenario"] == key]
        checks = check_targets({t.kpi: g[t.kpi].to_numpy() for t in targets}, targets, each)
        row = {"plan": key, **plan, "cost_mean": float(g[COST].mean()) if len(g) else math.nan,
               "n": len(g), "confidence_each": each}
        for c in checks:
            row[f"{c.target.kpi}_mean"] = c.mean
            row[f"{c.target.kpi}_bound"] = c.bound
        row["passed"] = all(c.met for c in checks)
        # why a bound could not be had (the same value in every run, no value in some)
        row["note"] = "; ".join(f"{kpi(c.target.kpi).label.lower()}: {c.note}"
                                for c in checks if c.note)
        rows.append(row)
    df = pd.DataFrame(rows)
    df["chosen"] = False
    # of plans that cost the same, the one that moves the levers least from the starting
    # scenario: a lever that changed nothing in the run (an intake after it ends, a limit never
    # reached) was recommended at whatever the first plan tried had ("the most of every lever")
    df["moved"] = [sum(abs(p[r.key] - start[r.key]) / (r.high - r.low) for r in ranges)
                   for p in plans.values()]
    ok = df[df["passed"]].sort_values(["cost_mean", "moved"], kind="stable")
    if len(ok):
        df.loc[ok.index[0], "chosen"] = True
    return df


def _warn_if_check_overruns(trials, runner, candidates, confirm_reps, budget_minutes, t0,
                            deadline) -> None:
    """Say so when the check on fresh runs cannot finish within the time budget: the search
    stops in time for it when it can, but the check always runs in full."""
    n = min(candidates, int(trials["feasible"].sum()))
    per_rep = runner.rep_seconds
    if budget_minutes is None or not n or math.isnan(per_rep):
        return
    need = per_rep * math.ceil(n * confirm_reps / max(runner.workers, 1))
    now = time.perf_counter()
    if now + need <= deadline:
        return
    warnings.warn(
        f"the check on fresh runs ({n} candidate plan(s) x {confirm_reps} runs, about "
        f"{need / 60:.1f} min at {per_rep:.1f} s a run) does not fit in what is left of the "
        f"time budget (--budget-minutes {budget_minutes:g}; {(now - t0) / 60:.1f} min used): "
        f"it runs in full, so the whole run takes about {(now - t0 + need) / 60:.1f} min. For a "
        f"shorter run give fewer --confirm-replications or --candidates, or a shorter --years",
        UserWarning, stacklevel=3)


def optimise(base: Scenario, targets: Sequence[str | Target],
             levers: Sequence[LeverRange] = DEFAULT_RANGES, *, replications: int = 4,
             years: float | None = None, budget_minutes: float | None = 10.0,
             max_trials: int | None = None, batch: int | None = None, seed: int = 0,
             candidates: int = 5, confirm_replications: int = 20, confidence: float = 0.9,
             executor: str = "process", max_workers: int | None = None,
             scheduler: str | None = None, out: str | Path | None = "outputs",
             name: str | None = None, progress: bool = True,
             on_progress: Callable[[dict], None] | None = None,
             simulate_fn: Callable = simulate) -> OptimiseResult:
    """Find the cheapest plan that meets every target with ``confidence``.

    Parameters
    ----------
    base : Scenario
        The starting scenario; levers not searched keep its settings.
    targets : sequence of str or Target
        E.g. ``["assessment_within_45wd_pct>=85", "unallocated_mean<=20"]`` (KPI units).
    levers : sequence of LeverRange
        The levers searched and their ranges (default :data:`~.space.DEFAULT_RANGES`).
    replications : int
        Replications per plan in the search (>= 2), on the same seeds for every plan.
    years : float, optional
        Horizon of every run, years (default: the scenario's).
    budget_minutes : float, optional
        Wall-clock budget, minutes: the search stops in time for the check on fresh runs when it
        can, but the first batch of plans and the check always run in full; a warning says when
        the check alone goes beyond what is left of the budget.
    max_trials : int, optional
        Most plans the search tries (at least one of this and ``budget_minutes``).
    batch : int, optional
        Plans asked for and run at once (default :data:`SEARCH_BATCH`, whatever the workers:
        the batch decides which plans the sampler tries).
    seed : int
        Base seed of the search (and of the sampler); the check uses
        ``seed + FRESH_SEED_OFFSET``.
    candidates : int
        Cheapest feasible plans checked on fresh seeds (K).
    confirm_replications : int
        Replications per candidate in the check (>= 3).
    confidence : float
        Joint confidence of the answer (e.g. 0.9).
    executor, max_workers, scheduler
        Where replications run (see :class:`~.runner.Runner`); the same seeds give the same
        answer on each, with any number of workers (they decide only how fast it goes).
    out : str or Path or None
        Base folder of result files; ``out/name/`` holds every replication (a rerun with the
        same arguments resumes) and the tables. None: in memory only.
    name : str, optional
        The sub-folder (default ``optimise-<scenario digest>``).
    progress : bool
        Show a progress bar of the plans tried.
    on_progress : callable, optional
        Called with a dict after each batch of the search (``stage "search"``, ``plans`` tried,
        ``feasible`` plans, ``best_cost`` of those or None, ``elapsed_s``, ``budget_s`` or
        None) and once before the check (``stage "check"``, ``candidates``): the managers'
        app shows it.
    simulate_fn : callable
        The model (tests give a toy one).

    Returns
    -------
    OptimiseResult

    Raises
    ------
    UserError
        For a bad target, lever range or setting.
    """
    t0 = time.perf_counter()
    targets = parse_targets(targets)
    for t in targets:
        wrong_way = against_better(t)
        if wrong_way:
            warnings.warn(wrong_way, UserWarning, stacklevel=2)
    for t in targets:
        short = too_short_for(t.kpi, years if years is not None else base.horizon_years)
        if short:   # no plan could meet it: the search would spend its whole budget first
            raise UserError(f"target {t}: {short}, so no plan could meet it; simulate 1 year "
                            f"or more (--years)")
    ranges = check_ranges(levers)
    for what, v in (("replications", replications), ("candidates", candidates),
                    ("confirm replications", confirm_replications), ("max trials", max_trials)):
        # 2.7 ran as 2, and -1 trials stopped with a KeyError after the first plans
        if v is not None and not (isinstance(v, numbers.Real) and v == int(v) and v >= 1):
            raise UserError(f"{what} must be a whole number, at least 1 (got {v!r})")
    if not 0 <= int(seed) <= 2**32 - 1:   # the sampler's limit (numpy's traceback before)
        raise UserError(f"the seed (--seed) of a search must be a whole number from 0 to "
                        f"{2**32 - 1:,} (got {seed})")
    if int(replications) < 2:
        raise UserError(f"replications must be at least 2 (got {replications})")
    if int(confirm_replications) < 3:
        raise UserError(f"confirm replications must be at least 3 (got {confirm_replications})")
    if not 0.5 <= confidence < 1:
        raise UserError(f"confidence must be at least 0.5 and below 1 (got {confidence})")
    if budget_minutes is None and max_trials is None:
        raise UserError("give a time budget (minutes) or a number of trials")
    if budget_minutes is not None and not budget_minutes > 0:
        raise UserError(f"the time budget must be above 0 minutes (got {budget_minutes})")
    if int(candidates) < 1:
        raise UserError(f"candidates must be at least 1 (got {candidates})")
    name = name or f"optimise-{base.digest()}"
    deadline = t0 + 60 * budget_minutes if budget_minutes is not None else math.inf
    with Runner(executor, max_workers, scheduler, out, name, years, simulate_fn,
                about=base.name) as runner:
        search = _Search(base, targets, ranges, runner, int(replications), int(seed), years,
                         confidence)
        size = int(batch or SEARCH_BATCH)
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=max_trials, desc="plans tried", unit="plan", dynamic_ncols=True)
        stopped = "max_trials"
        try:
            while max_trials is None or search.asked < max_trials:
                n = size if max_trials is None else min(size, max_trials - search.asked)
                # leave time for one more batch and for the check on fresh seeds: of as many
                # candidates as there can be after that batch (a search that has found no
                # feasible plan yet keeps searching instead of keeping time for a check)
                per_rep = 0.0 if math.isnan(runner.rep_seconds) else runner.rep_seconds
                checked = min(int(candidates), sum(r["feasible"] for r in search.rows) + n)
                need = (per_rep * (n * replications + checked * confirm_replications)
                        / runner.workers)
                if search.asked >= 2 and time.perf_counter() + need > deadline:
                    stopped = "budget"
                    break
                search.batch(n)
                check_measured(search.rows, targets, years)
                feas = [r["cost_mean"] for r in search.rows if r["feasible"]]
                if on_progress is not None:
                    on_progress({"stage": "search", "plans": len(search.rows),
                                 "feasible": len(feas), "best_cost": min(feas) if feas else None,
                                 "elapsed_s": time.perf_counter() - t0,
                                 "budget_s": (60 * budget_minutes if budget_minutes is not None
                                              else None)})
                if bar is not None:
                    bar.update(n)
                    bar.set_postfix(feasible=len(feas),
                                    best=kpi(COST).format(min(feas)) if feas else "none")
        finally:
            if bar is not None:
                bar.close()
        trials = search.table()
        _warn_if_check_overruns(trials, runner, int(candidates), int(confirm_replications),
                                budget_minutes, t0, deadline)
        if on_progress is not None:
            on_progress({"stage": "check", "candidates": min(int(candidates),
                                                             int(trials["feasible"].sum())),
                         "elapsed_s": time.perf_counter() - t0})
        cand = _confirm(base, targets, ranges, trials, runner, int(candidates),
                        int(confirm_replications), int(seed), confidence, years)
    chosen = None
    if len(cand) and cand["chosen"].any():
        row = cand[cand["chosen"]].iloc[0]
        chosen = {r.key: float(row[r.key]) for r in ranges}
    result = OptimiseResult(
        base=base, targets=targets, ranges=ranges, trials=trials, candidates=cand, chosen=chosen,
        chosen_scenario=(plan_scenario(base, chosen, years) if chosen else None),
        confidence=confidence, replications=int(replications),
        confirm_replications=int(confirm_replications), seed=int(seed), years=years,
        elapsed_s=time.perf_counter() - t0, n_run=runner.n_run, n_loaded=runner.n_loaded,
        stopped=stopped)
    if out is not None:
        result.save(Path(out) / name)
    return result
