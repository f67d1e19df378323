"""The statistical estimators calibration uses, each returning a value with its 95% interval.

- proportions: Wilson intervals (:func:`wilson`);
- rates: exact Poisson intervals on the count (:func:`poisson_rate`);
- means and percentiles: bootstrap intervals (:func:`bootstrap_interval`);
- durations: a log-normal fitted by maximum likelihood with right-censoring and left-truncation
  (:func:`fit_lognormal`);
- referrals: a Poisson log-linear model (statsmodels' GLM) on monthly
  counts with a trend and a multiplier per calendar month (:func:`fit_referrals`).

Nothing here knows about scenario fields: :mod:`.derive` turns these into scenario values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ..scenario import Scenario
from .extracts import CaseData, day_number, to_date

YEAR = 365.25                 # days
Z95 = 1.959963984540054       # standard normal 97.5% point
DRAWS = 4000                  # parameter draws pushed through to derived values


# --------------------------------------------------------------------------------------------
# Proportions, rates, bootstrap
# --------------------------------------------------------------------------------------------

def wilson(k: float, n: float) -> tuple[float, float, float]:
    """Proportion ``k / n`` with its Wilson 95% interval.

    Parameters
    ----------
    k, n : float
        Successes and trials (may be fractional: effective sample sizes).

    Returns
    -------
    (p, lower, upper) : tuple of float
        Proportions in [0, 1]; all NaN when ``n <= 0``.
    """
    if n <= 0:
        return math.nan, math.nan, math.nan
    p = k / n
    den = 1 + Z95 ** 2 / n
    centre = (p + Z95 ** 2 / (2 * n)) / den
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95 ** 2 / (4 * n * n)) / den
    # at p = 0 or 1 the interval reaches the bound exactly: rounded, 194 of 194 had an upper
    # limit of 0.9999999999999999, below its own estimate (and the truth, 1, "outside")
    lo = 0.0 if p <= 0 else max(min(centre - half, p), 0.0)
    hi = 1.0 if p >= 1 else min(max(centre + half, p), 1.0)
    return p, lo, hi


def pipeline_rounds_missed(time_to_hire, interval_weeks: int, draws: int = 100_000) -> float:
    """Rounds, per appointment, that counting "hires starting within the mean time to hire" as
    the pipeline takes off the vacancies, beyond the model's: at a round the model's pipeline
    holds the hires booked at EARLIER rounds and not yet started, E[ceil(D / I)] - 1 rounds per
    hire (D its time to hire, I the interval between rounds), while the count held each for
    E[D] / I, the round's own successes among them (0.49 for the baseline's 12 weeks, cv 0.4,
    every 6 weeks). Drawn with a fixed seed, so the same for the same inputs."""
    from ..model.streams import draw_array

    d = draw_array(time_to_hire, np.random.default_rng(0), draws)
    i = max(int(interval_weeks), 1)
    return float(max(d.mean() / i - (np.ceil(d / i) - 1).mean(), 0.0))


def poisson_rate(k: int, exposure: float, weight: float | None = None) -> tuple[float, float, float]:
    """Rate (weighted events) / exposure with an exact Poisson 95% interval on the count ``k``.

    Parameters
    ----------
    k : int
        Number of events.
    exposure : float
        Time at risk, in whatever unit the rate is wanted per (e.g. FTE-years).
    weight : float, optional
        The weighted count (e.g. the FTE of the leavers); ``k`` itself by default.

    Returns
    -------
    (rate, lower, upper) : tuple of float
        Events per unit of exposure; all NaN when ``exposure <= 0``.
    """
    if exposure <= 0:
        return math.nan, math.nan, math.nan
    weight = float(k) if weight is None else weight
    lo = stats.chi2.ppf(0.025, 2 * k) / 2 if k > 0 else 0.0
    hi = stats.chi2.ppf(0.975, 2 * (k + 1)) / 2
    w = weight / k if k > 0 else 1.0
    return weight / exposure, lo * w / exposure, hi * w / exposure


def bootstrap_interval(values, fn, n: int = 1000, seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap 95% interval of the statistic ``fn(values)``.

    Returns NaNs for fewer than two values (the statistic has no sampling spread to show).
    """
    values = np.asarray(values, dtype=float)
    if len(values) < 2:
        return math.nan, math.nan
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(values), size=(n, len(values)))
    est = np.array([fn(values[i]) for i in idx])
    return float(np.percentile(est, 2.5)), float(np.percentile(est, 97.5))


# --------------------------------------------------------------------------------------------
# Log-normal with censoring and truncation
# --------------------------------------------------------------------------------------------

@dataclass
class LognormalFit:
    """A log-normal fitted by maximum likelihood: ``log T ~ Normal(mu, sigma)``."""

    mu: float
    sigma: float
    cov: np.ndarray          # covariance of (mu, log sigma)
    n: int                   # durations used
    n_events: int            # of which ended (uncensored)

    @property
    def mean(self) -> float:
        try:
            return math.exp(self.mu + self.sigma ** 2 / 2)
        except OverflowError:       # a spread without bound: refused as implausible, not a crash
            return math.inf

    @property
    def cv(self) -> float:
        try:
            return math.sqrt(math.expm1(self.sigma ** 2))
        except OverflowError:
            return math.inf

    @property
    def median(self) -> float:
        return math.exp(self.mu)

    def intervals(self, draws: int = DRAWS, seed: int = 0) -> dict[str, tuple[float, float]]:
        """95% intervals of mean, cv and median from the parameters' normal approximation."""
        rng = np.random.default_rng(seed)
        try:
            th = rng.multivariate_normal([self.mu, math.log(self.sigma)], self.cov, draws)
        except (ValueError, np.linalg.LinAlgError):
            return {k: (math.nan, math.nan) for k in ("mean", "cv", "median")}
        mu, s = th[:, 0], np.exp(th[:, 1])
        out = {"mean": np.exp(mu + s ** 2 / 2), "cv": np.sqrt(np.expm1(s ** 2)), "median": np.exp(mu)}
        return {k: (float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5))) for k, v in out.items()}


#: log of the smallest spread :func:`fit_lognormal` fits (sigma 0.01: a cv of 1%)
LOG_SIGMA_FLOOR = math.log(0.01)


def fit_lognormal(durations, ended, entry=None) -> LognormalFit:
    """Maximum-likelihood log-normal for durations, some right-censored, some left-truncated.

    Parameters
    ----------
    durations : array
        Time to the end (``ended``) or to censoring (not ended), > 0 (any time unit).
    ended : array of bool
        True where the duration ended (an event), False where it was censored (still open).
    entry : array, optional
        Left-truncation time, same unit: the duration is only seen because it exceeded ``entry``
        (0: none).

    The log-likelihood is ``sum log f(t) [ended] + sum log S(t) [censored] - sum log S(entry)``.
    """
    t = np.asarray(durations, dtype=float)
    d = np.asarray(ended, dtype=bool)
    a = np.zeros_like(t) if entry is None else np.asarray(entry, dtype=float)
    if np.any(t <= 0):
        raise ValueError("durations must be > 0")
    if d.sum() < 2:
        raise ValueError("needs at least two ended durations")
    lt = np.log(t)
    tr = a > 0
    la = np.log(a[tr])

    def nll(theta):
        mu, ls = theta
        # durations that hardly vary (every plan set to six months by rule) have their maximum
        # likelihood at sigma -> 0, where the log-likelihood overflows into NaN: the floor keeps
        # the fit finite (a spread of 1%) and never binds on durations that vary
        s = math.exp(max(ls, LOG_SIGMA_FLOOR))
        z = (lt - mu) / s
        ll = np.sum(stats.norm.logpdf(z[d]) - ls - lt[d]) + np.sum(stats.norm.logsf(z[~d]))
        if tr.any():
            ll -= np.sum(stats.norm.logsf((la - mu) / s))
        return -ll

    x0 = np.array([lt[d].mean(), math.log(max(lt[d].std(), 0.1))])
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        # the search may try far-off parameters, whose likelihood overflows; the optimisers
        # take an infinite or NaN value as a bad step (no warning belongs on the terminal)
        res = optimize.minimize(nll, x0, method="Nelder-Mead",
                                options={"xatol": 1e-7, "fatol": 1e-9, "maxiter": 4000})
        res = optimize.minimize(nll, res.x, method="BFGS")
        theta = res.x
        if not (np.all(np.isfinite(theta)) and theta[1] > LOG_SIGMA_FLOOR):
            # at the floor the likelihood is flat in the spread and BFGS can run off: fit the
            # location alone, with the spread at the floor
            one = optimize.minimize_scalar(lambda m: nll((m, LOG_SIGMA_FLOOR)),
                                           bounds=(lt.min() - 1.0, lt.max() + 1.0),
                                           method="bounded", options={"xatol": 1e-9})
            theta = np.array([one.x, LOG_SIGMA_FLOOR])
        # observed information by central differences (a NaN here leaves no interval, below)
        h = 1e-4
        H = np.zeros((2, 2))
        for i in range(2):
            for j in range(2):
                e_i, e_j = np.eye(2)[i] * h, np.eye(2)[j] * h
                H[i, j] = (nll(theta + e_i + e_j) - nll(theta + e_i - e_j)
                           - nll(theta - e_i + e_j) + nll(theta - e_i - e_j)) / (4 * h * h)
    try:
        cov = np.linalg.inv(H)
        if not np.all(np.isfinite(cov)) or np.any(np.diag(cov) <= 0):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        cov = np.full((2, 2), np.nan)
    return LognormalFit(mu=float(theta[0]), sigma=float(math.exp(max(theta[1], LOG_SIGMA_FLOOR))),
                        cov=cov, n=len(t), n_events=int(d.sum()))


@dataclass
class LengthsFit:
    """What :func:`fit_lengths` made of a set of lengths: how many ended the day they started (left
    out), the log-normal of the rest (None: fewer than ``min_events`` of them ended), whether that
    fit is plausible, and how many of the kept lengths that ended are short."""

    same_day: int                  # ended lengths left out: they ended the day they started
    ended_before: int              # ended lengths before those were left out
    ended: int                     # ended lengths fitted
    short: int                     # of which at most ``short`` long
    fit: LognormalFit | None
    plausible: bool                # cv and mean within the bounds given
    finite: bool                   # the fit has a location and a spread at all

    def refused(self, what: str, dates: str, unit: str, max_cv: float, beside: str) -> str:
        """Why an implausible fit is refused, in the words both fits use (``what``: 'cp plans
        that ended in the window'; ``dates``: '(CPPstartDate to CPPendDate)'; ``beside``:
        'plans of months')."""
        f = self.fit
        return (f"the lengths of the {self.ended:,} {what} {dates} fit no log-normal (a mean of "
                f"{f.mean:,.0f} {unit}, cv {f.cv:,.1f}; at most {max_cv:g}): {self.short:,} of "
                f"them last a week or less beside {beside}")


def fit_lengths(durations, ended, entry, *, same_day: float, min_events: int, max_cv: float,
                max_mean: float, short: float) -> LengthsFit:
    """Fit a log-normal to lengths (:func:`fit_lognormal`) after leaving out the ended ones of at
    most ``same_day`` (they end the day they start: a recording slip or a day's booking, which
    beside lengths of months spreads the log-normal without bound), and say whether the fit is
    plausible: a cv of at most ``max_cv`` and a mean of at most ``max_mean`` (the unit of the
    lengths). One helper for the plans' lengths and the agency assignments' (each in its own
    words), so that both leave out and refuse alike."""
    t = np.asarray(durations, dtype=float)
    d = np.asarray(ended, dtype=bool)
    a = np.asarray(entry, dtype=float)
    slip = d & (t <= same_day)
    before = int(d.sum())
    t, d, a = t[~slip], d[~slip], a[~slip]
    n_short = int((d & (t <= short)).sum())
    if d.sum() < max(min_events, 2):
        return LengthsFit(int(slip.sum()), before, int(d.sum()), n_short, None, False, False)
    f = fit_lognormal(t, d, a)
    finite = bool(np.isfinite(f.mu) and np.isfinite(f.sigma))
    plausible = bool(f.cv <= max_cv and f.mean <= max_mean)
    return LengthsFit(int(slip.sum()), before, int(d.sum()), n_short, f, plausible, finite)


# --------------------------------------------------------------------------------------------
# Referrals: Poisson log-linear model on monthly counts
# --------------------------------------------------------------------------------------------

def poisson_glm(y, X, offset):
    """Poisson regression with log link (statsmodels' GLM, fitted by IRLS).

    Parameters
    ----------
    y : array
        Counts.
    X : 2-d array
        Design matrix (one row per count).
    offset : array
        Known part of the linear predictor (log exposure, and any fixed effects).

    Returns
    -------
    (beta, covariance, dispersion)
        Coefficients, their covariance (unscaled) and the Pearson dispersion (at least 1).
    """
    import statsmodels.api as sm

    res = sm.GLM(np.asarray(y, dtype=float), X, family=sm.families.Poisson(),
                 offset=np.asarray(offset, dtype=float)).fit()
    df = len(y) - X.shape[1]
    disp = float(res.pearson_chi2 / df) if df > 0 else 1.0
    return np.asarray(res.params), np.asarray(res.cov_params()), max(disp, 1.0)


@dataclass
class DemandFit:
    """Referral rate over time: trend, seasonality and level, with parameter draws."""

    origin: float                # day number of t = 0
    mode: str                    # "trend+season", "trend", "level"
    beta: np.ndarray
    cov: np.ndarray
    dispersion: float
    season_template: np.ndarray  # Jan..Dec, mean 1 (used when seasonality is not fitted)
    trend_template: float        # % a year (used in "level" mode)
    n_referrals: int
    months: float
    counts: pd.DataFrame         # month, exposure_days, referrals (aggregates)
    draws: np.ndarray = field(repr=False, default=None)
    stop: float = math.nan       # day number just after the window (the origin is its start)
    #: the month effects' coefficients and draws, fitted to the new referrals alone (the model
    #: applies seasonality to them, re-referrals following closures); None: those of ``beta``
    season_beta: np.ndarray | None = field(repr=False, default=None)
    season_draws: np.ndarray | None = field(repr=False, default=None)

    def _rate(self, beta: np.ndarray, day: float) -> np.ndarray:
        beta = np.atleast_2d(beta)
        t = (day - self.origin) / YEAR
        if self.mode == "trend+season":
            return np.exp(beta[:, :12]).mean(axis=1) * np.exp(beta[:, 12] * t)
        if self.mode == "trend":
            return np.exp(beta[:, 0] + beta[:, 1] * t)
        g = math.log1p(self.trend_template / 100)
        return np.exp(beta[:, 0] + g * t)

    def referrals_per_year(self, day: float) -> tuple[float, float, float]:
        """Children referred a year at a date (day number), seasonally averaged, with interval."""
        est = float(self._rate(self.beta, day)[0] * YEAR)
        d = self._rate(self.draws, day) * YEAR
        return est, float(np.percentile(d, 2.5)), float(np.percentile(d, 97.5))

    def trend_pct(self) -> tuple[float, float, float] | None:
        """The fitted trend in % a year with its interval; None when the template's was used."""
        if self.mode == "level":
            return None
        k = 12 if self.mode == "trend+season" else 1
        f = lambda b: 100 * np.expm1(b)  # noqa: E731
        d = f(self.draws[:, k])
        return float(f(self.beta[k])), float(np.percentile(d, 2.5)), float(np.percentile(d, 97.5))

    def seasonality(self) -> list[tuple[float, float, float]] | None:
        """Month multipliers Jan..Dec (mean 1) with intervals; None when not fitted."""
        if self.mode != "trend+season":
            return None

        def norm(b):
            e = np.exp(np.atleast_2d(b)[:, :12])
            return e / e.mean(axis=1, keepdims=True)
        own = self.season_beta is not None
        est = norm(self.season_beta if own else self.beta)[0]
        d = norm(self.season_draws if own else self.draws)
        return [(float(est[k]), float(np.percentile(d[:, k], 2.5)), float(np.percentile(d[:, k], 97.5)))
                for k in range(12)]

    def curve(self) -> pd.DataFrame:
        """Observed and fitted referrals a day, month by month over the data window.

        Returns
        -------
        pandas.DataFrame
            Columns ``month`` (YYYY-MM), ``exposure_days`` (days of the month in the window),
            ``referrals`` (children), ``observed_per_day`` and ``fitted_per_day`` (children a
            day; the fitted rate at the middle of the month, with its month effect).
        """
        bins = month_bins(self.origin, self.stop)
        mid = ((bins.start + bins.stop) / 2).to_numpy()
        cal = bins.cal_month.to_numpy() - 1
        if self.mode == "trend+season":
            fitted = np.exp(self.beta[cal] + self.beta[12] * (mid - self.origin) / YEAR)
        else:
            fitted = np.array([self.referrals_per_year(x)[0] / YEAR * self.season_template[m]
                               for x, m in zip(mid, cal)])
        out = self.counts.copy()
        out["observed_per_day"] = out.referrals / out.exposure_days
        out["fitted_per_day"] = fitted
        return out


def month_bins(w0: float, w1x: float) -> pd.DataFrame:
    """The calendar months overlapping the days ``[w0, w1x)`` (day numbers), clipped to them.

    Columns: ``month`` (YYYY-MM), ``cal_month`` (1-12), ``start``, ``stop`` (day numbers).
    """
    d0, d1 = to_date(w0), to_date(w1x - 1)
    months = pd.period_range(d0, d1, freq="M")
    rows = []
    for m in months:
        a = max(day_number(m.start_time), w0)
        b = min(day_number(m.end_time) + 1, w1x)
        if b > a:
            rows.append((str(m), m.month, a, b))
    return pd.DataFrame(rows, columns=["month", "cal_month", "start", "stop"])


def fit_referrals(cases: CaseData, w0: float, w1x: float, template: Scenario,
                  seed: int = 0, fit_trend: bool = True) -> DemandFit:
    """Poisson log-linear fit of referrals (children, incl. re-referrals) in days ``[w0, w1x)``.

    With 24 months or more the trend and a multiplier per calendar month are fitted; with 12 to
    24 the trend only (the template's seasonality held fixed); with less, or ``fit_trend``
    False, the level only (the template's trend and seasonality too). Standard errors are
    scaled by the Pearson over-dispersion (siblings arrive together). The month effects are fitted again to the new referrals alone (not
    re-referrals within 12 months of a closure, :func:`rereferred`), as the model applies them.
    """
    ref = cases.episodes.referral.to_numpy()
    ref_new = ref[~rereferred(cases.episodes)]
    ref = ref[(ref >= w0) & (ref < w1x)]
    bins = month_bins(w0, w1x)
    y = np.array([np.sum((ref >= a) & (ref < b)) for a, b in zip(bins.start, bins.stop)], dtype=float)
    expo = (bins.stop - bins.start).to_numpy(dtype=float)
    mid = ((bins.start + bins.stop) / 2 - w0).to_numpy() / YEAR
    season_t = np.asarray(template.demand.seasonality, dtype=float)
    season_t = season_t / season_t.mean()
    months = (w1x - w0) / (YEAR / 12)
    cal = bins.cal_month.to_numpy() - 1
    offset = np.log(expo)
    if months >= 23.5 and fit_trend:
        mode = "trend+season"
        X = np.zeros((len(y), 13))
        X[np.arange(len(y)), cal] = 1.0
        X[:, 12] = mid
    elif months >= 11.5 and fit_trend:
        mode = "trend"
        X = np.column_stack([np.ones(len(y)), mid])
        offset = offset + np.log(season_t[cal])
    else:
        mode = "level"
        X = np.ones((len(y), 1))
        offset = offset + np.log(season_t[cal]) + mid * math.log1p(template.demand.trend_pct_per_year / 100)
    beta, cov, disp = poisson_glm(y, X, offset)
    rng = np.random.default_rng(seed)
    draws = rng.multivariate_normal(beta, cov * disp, DRAWS)
    counts = pd.DataFrame({"month": bins.month, "exposure_days": expo, "referrals": y.astype(int)})
    season_beta = season_draws = None
    if mode == "trend+season":
        # the model's seasonality is of new referrals: re-referrals follow closures (over the
        # year after), nearly flat. Fitted to every referral, the month effects were damped by
        # the re-referrals' share (a true August of 0.78 came out 0.865 [0.789-0.943]), and the
        # model, applying them to new referrals only, damped them again
        new = ref_new[(ref_new >= w0) & (ref_new < w1x)]
        y_new = np.array([np.sum((new >= a) & (new < b)) for a, b in zip(bins.start, bins.stop)],
                         dtype=float)
        if len(new) < len(ref) and all(y_new[cal == m].sum() > 0 for m in range(12)):
            b_new, c_new, d_new = poisson_glm(y_new, X, offset)
            season_beta = b_new
            season_draws = rng.multivariate_normal(b_new, c_new * d_new, DRAWS)
    return DemandFit(origin=w0, mode=mode, beta=beta, cov=cov * disp, dispersion=disp,
                     season_template=season_t, trend_template=template.demand.trend_pct_per_year,
                     n_referrals=int(len(ref)), months=months, counts=counts, draws=draws,
                     stop=w1x, season_beta=season_beta, season_draws=season_draws)


def rereferred(episodes: pd.DataFrame, within_days: float = 365.0) -> np.ndarray:
    """Whether each episode's referral is a re-referral as the model has them: of a child whose
    earlier episode closed at most ``within_days`` before (on or before the referral)."""
    e = episodes[["episode", "child", "referral"]]
    prev = episodes.loc[episodes.closure.notna(), ["episode", "child", "closure"]].rename(
        columns={"episode": "other"})
    m = e.merge(prev, on="child")
    hit = m[(m.other != m.episode) & (m.closure <= m.referral)
            & (m.closure >= m.referral - within_days)].episode
    return episodes.episode.isin(set(hit)).to_numpy()
