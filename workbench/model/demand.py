"""Referral demand: families arrive as a non-homogeneous Poisson process.

The rate has a trend, monthly seasonality and optional step changes (a surge). It is constant
within each calendar day, so arrivals are drawn exactly as a Poisson count per day with uniform
times within the day. Referral counts are of children; families bring one or more siblings.
Re-referrals are not drawn here: they come from children whose cases closed (see the
simulation), so new referrals are the total less the re-referral share.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..scenario import Scenario


def daily_referral_rate(scenario: Scenario, n_days: int) -> np.ndarray:
    """Expected children referred on each day 0..n_days-1 (new referrals and re-referrals)."""
    d = scenario.demand
    days = np.arange(n_days)
    dates = np.datetime64(scenario.start_date, "D") + days
    months = (dates.astype("datetime64[M]").astype(int) % 12)  # 0 = January
    season = np.asarray(d.seasonality, dtype=float)
    season = season / season.mean()
    rate = (d.referrals_per_year / 365.25) * season[months]
    rate = rate * (1 + d.trend_pct_per_year / 100) ** (days / 365.25)
    for s in d.surges:
        start = (s.start_date - scenario.start_date).days
        end = (s.end_date - scenario.start_date).days if s.end_date else n_days
        lo, hi = max(start, 0), min(max(end, 0), n_days)
        if hi > lo:
            rate[lo:hi] *= s.multiplier
    return rate


def family_arrivals(scenario: Scenario, horizon_days: float, rng_times: np.random.Generator,
                    rng_sizes: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Arrival times (days, sorted) and family sizes of new referrals over the horizon."""
    d = scenario.demand
    n_days = int(np.ceil(horizon_days))
    sizes_p = np.asarray(d.sibling_group_probs, dtype=float)
    sizes_p = sizes_p / sizes_p.sum()
    mean_size = float(np.sum(sizes_p * np.arange(1, len(sizes_p) + 1)))
    new_share = 1 - d.rereferral_pct / 100
    fam_rate = daily_referral_rate(scenario, n_days) * new_share / mean_size
    counts = rng_times.poisson(fam_rate)
    day = np.repeat(np.arange(n_days), counts)
    times = day + rng_times.random(day.size)
    times.sort()
    times = times[times < horizon_days]
    sizes = rng_sizes.choice(np.arange(1, len(sizes_p) + 1), size=times.size, p=sizes_p)
    return times, sizes
