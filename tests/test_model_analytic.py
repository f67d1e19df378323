"""Tier 2: analytic checks with tolerances (Erlang C, Little's law). No seeded number is pinned."""

from __future__ import annotations

import math

import numpy as np

from workbench import simulate
from workbench.model import log as R


def erlang_c(c: int, lam: float, mu: float) -> tuple[float, float]:
    """P(wait) and mean wait of an M/M/c queue."""
    a = lam / mu
    rho = a / c
    head = sum(a ** k / math.factorial(k) for k in range(c))
    tail = a ** c / math.factorial(c) / (1 - rho)
    p_wait = tail / (head + tail)
    return p_wait, p_wait / (c * mu - lam)


def test_degenerate_model_is_an_mmc_queue(mmc):
    """One team, c workers with a cap of one case, Poisson arrivals, exponential work, no calendar:
    the wait for allocation is an M/M/c queueing delay (Erlang C)."""
    c, lam, mean_service = 2, 0.7, 2.0
    sc = mmc(c=c, arrivals_per_day=lam, mean_service_days=mean_service, years=4)
    p_waits, waits = [], []
    for seed in range(30):
        ev = simulate(sc, seed=seed).events
        wait = ev.loc[ev.event == R.ALLOCATED, "value"].to_numpy()
        p_waits.append(np.mean(wait > 1e-12))
        waits.append(wait.mean())
    p_theory, w_theory = erlang_c(c, lam, 1 / mean_service)
    for est, theory in ((np.array(p_waits), p_theory), (np.array(waits), w_theory)):
        se = est.std(ddof=1) / math.sqrt(len(est))
        # 99.9% two-sided interval around the replication mean
        assert abs(est.mean() - theory) < 3.3 * se, (est.mean(), theory, se)


def test_littles_law_on_a_stationary_scenario(mmc):
    """Mean open cases = arrival rate x mean time in system (within sampling error)."""
    sc = mmc(c=4, arrivals_per_day=1.5, mean_service_days=2.0, years=6)
    run = simulate(sc, seed=11)
    ev = run.events
    horizon = run.horizon_days
    ref = ev[ev.event == R.REFERRAL].groupby("child").t_days.min()
    out = ev[ev.event.isin([R.CLOSED, R.CENSORED])].groupby("child").t_days.max()
    sojourn = (out - ref).dropna()
    lam_hat = len(ref) / horizon
    # time-average number in the system, exact from the sojourns
    L = sojourn.sum() / horizon
    W = sojourn.mean()
    assert abs(L - lam_hat * W) / L < 1e-9  # identity on the sample path (everything censored at the end)
    # and against the model's own weekly observations of open cases
    weekly = run.timeseries
    L_obs = (weekly.open_total + weekly.in_front_door).mean()
    assert abs(L_obs - lam_hat * W) / (lam_hat * W) < 0.05, (L_obs, lam_hat * W)
