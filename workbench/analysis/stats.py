"""Statistics shared by experiments, tables, plots, the report and the explorer.

One place for every interval and difference the workbench shows: Student-t intervals of a mean,
paired and Welch differences of two scenarios, and the MSER warm-up diagnostic. Nothing here
knows about the model or about presentation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: columns of a tidy experiment table that identify a replication rather than measure it
ID_COLUMNS = ("scenario", "scenario_name", "digest", "replication", "seed")

# ============================================================================================
# Statistics
# ============================================================================================

def t_interval(values, level: float = 0.95) -> tuple[int, float, float, float, float]:
    """Mean and Student-t confidence interval of independent values (NaNs dropped).

    Parameters
    ----------
    values : array-like of float
        One value per replication, in the KPI's own unit.
    level : float
        Confidence level, between 0 and 1.

    Returns
    -------
    (n, mean, sd, half_width, t_quantile)
        ``sd`` is the sample standard deviation (ddof 1) and ``half_width`` is
        ``t_{(1+level)/2, n-1} * sd / sqrt(n)``, both in the unit of the values; NaN when n < 2.
    """
    from scipy import stats

    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = int(x.size)
    if n == 0:
        return 0, math.nan, math.nan, math.nan, math.nan
    mean = float(x.mean())
    if n < 2:
        return n, mean, math.nan, math.nan, math.nan
    # the same value every time has no spread at all: numpy's sd of seven copies of 93.33...
    # (14 of 15 on time) is 1.5e-14, which read as a half-width of "0.0%", precise, where a
    # spread of exactly 0 is said to show nothing (Sequential, summaries, targets)
    # (and a paired difference the same in every pair but for the last bit of its arithmetic,
    # 10.1 + 0.7 - 10.1 against 41.9 + 0.7 - 41.9, is the same difference)
    same = float(x.max() - x.min()) <= 1e-12 * float(np.abs(x).max())
    sd = 0.0 if same else float(x.std(ddof=1))
    q = float(stats.t.ppf((1 + level) / 2, n - 1))
    return n, mean, sd, q * sd / math.sqrt(n), q


def welch(a, b, level: float) -> tuple[float, float, float]:
    """Difference of means ``b - a`` of two independent samples, Welch's half-width and df."""
    from scipy import stats

    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if a.size < 2 or b.size < 2:
        return float(b.mean() - a.mean()) if a.size and b.size else math.nan, math.nan, math.nan
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    se2 = va + vb
    diff = float(b.mean() - a.mean())
    if se2 == 0:
        return diff, 0.0, math.inf
    df = se2 ** 2 / (va ** 2 / (a.size - 1) + vb ** 2 / (b.size - 1))
    q = float(stats.t.ppf((1 + level) / 2, df))
    return diff, q * math.sqrt(se2), float(df)


# ============================================================================================
# Warm-up diagnostic (MSER-5)
# ============================================================================================

@dataclass(frozen=True)
class MSERResult:
    """The outcome of :func:`mser`.

    Attributes
    ----------
    truncation : int
        Suggested number of observations to delete from the start (a multiple of
        ``batch_size``).
    batch_size : int
        Observations per batch (5 for MSER-5).
    statistic : numpy.ndarray
        The MSER statistic for deleting ``d`` batches, ``d = 0, 1, ...`` (same unit as the
        values, squared, per observation squared); for a plot.
    reliable : bool
        False when the overall minimum lies in the second half of the series: the run is then
        too short to judge the warm-up and ``truncation`` is the best point in the first half.
    """

    truncation: int
    batch_size: int
    statistic: np.ndarray
    reliable: bool


def mser(values, batch_size: int = 5, max_fraction: float = 0.5) -> MSERResult:
    """MSER truncation point of one output series (White 1997; MSER-5 with ``batch_size=5``).

    The series is cut into batches of ``batch_size`` observations (a trailing partial batch is
    ignored) and the batch means ``z`` are formed; deleting ``d`` batches scores
    ``sum((z[d:] - mean(z[d:]))**2) / (m - d)**2``. The suggested truncation minimises the score
    over ``d <= max_fraction * m``.

    Parameters
    ----------
    values : array-like of float
        An output series in time order, e.g. a weekly series averaged across replications.
        Must be finite.
    batch_size : int
        Observations per batch.
    max_fraction : float
        Largest share of the batches that may be deleted.

    Returns
    -------
    MSERResult
    """
    x = np.asarray(values, dtype=float)
    if x.ndim != 1:
        raise ValueError("mser: expected a one-dimensional series")
    if not np.all(np.isfinite(x)):
        raise ValueError("mser: the series has missing or infinite values")
    if batch_size < 1:
        raise ValueError("mser: batch_size must be >= 1")
    m = x.size // batch_size
    if m < 4:
        raise ValueError(f"mser: need at least {4 * batch_size} observations (got {x.size})")
    z = x[: m * batch_size].reshape(m, batch_size).mean(axis=1)
    stat = np.empty(m - 1)
    for d in range(m - 1):
        tail = z[d:]
        stat[d] = float(((tail - tail.mean()) ** 2).sum()) / tail.size ** 2
    limit = max(0, min(m - 2, int(math.floor(max_fraction * m))))
    best_all = int(np.argmin(stat))
    best = int(np.argmin(stat[: limit + 1]))
    return MSERResult(truncation=best * batch_size, batch_size=batch_size, statistic=stat,
                      reliable=best_all <= limit)


def mser5(values) -> MSERResult:
    """MSER-5: :func:`mser` with batches of five observations."""
    return mser(values, batch_size=5)


@dataclass
class WarmupDiagnostic:
    """A warm-up check of one weekly series across replications (see :func:`warmup_diagnostic`).

    Attributes
    ----------
    column : str
        The weekly column examined (e.g. ``"unallocated"``).
    weekly : pandas.DataFrame
        Tidy plot data: ``scenario, replication, seed, week, t_days, value``.
    mean : pandas.DataFrame
        Per scenario and week: ``mean``, ``sd``, ``low`` and ``high`` (min and max across
        replications) and ``n`` replications; the series to plot with a band.
    suggestions : pandas.DataFrame
        Per scenario: ``truncation_weeks``, ``truncation_days`` (calendar days from the start),
        ``reliable`` and ``n_weeks``, from MSER on the across-replication mean.
    statistic : pandas.DataFrame
        Per scenario and batch: ``deleted_weeks`` and the MSER ``statistic``, for a plot.
    too_short : dict[str, int]
        The scenarios whose series is too short for MSER (fewer than ``4 * batch_size`` weeks
        with a value), with the weeks they have: they have no suggestion.
    """

    column: str
    batch_size: int
    weekly: pd.DataFrame
    mean: pd.DataFrame
    suggestions: pd.DataFrame
    statistic: pd.DataFrame
    too_short: dict[str, int] = field(default_factory=dict)

    @property
    def weeks_needed(self) -> int:
        """The fewest weeks MSER can judge: four batches."""
        return 4 * self.batch_size

    @property
    def suggested_warmup_days(self) -> float:
        """The largest suggested truncation over the scenarios judged, in calendar days; NaN
        when none could be judged (every series too short, see :attr:`too_short`), never a
        silent 0."""
        if self.suggestions.empty:
            return math.nan
        return float(self.suggestions["truncation_days"].max())


def warmup_diagnostic(timeseries: pd.DataFrame, column: str = "unallocated",
                      batch_size: int = 5) -> WarmupDiagnostic:
    """Check the warm-up of a weekly series with MSER on its across-replication mean.

    Parameters
    ----------
    timeseries : pandas.DataFrame
        A tidy weekly table with columns ``scenario``, ``replication``, ``week``, ``t_days`` and
        ``column`` (e.g. :attr:`Experiment.timeseries`).
    column : str
        The weekly series to examine.
    batch_size : int
        Weeks per MSER batch (5: MSER-5).

    Returns
    -------
    WarmupDiagnostic
        A scenario whose series is too short to judge (fewer than ``4 * batch_size`` weeks with
        a value) has no suggestion and is listed in :attr:`WarmupDiagnostic.too_short`; nothing
        is printed or warned (the caller says it, e.g. the report's warm-up sentence).
    """
    if column not in timeseries.columns:
        numeric = [c for c in timeseries.columns
                   if c not in ID_COLUMNS and pd.api.types.is_numeric_dtype(timeseries[c])]
        raise ValueError(f"no weekly column {column!r}; choose one of: {', '.join(numeric)}")
    keep = [c for c in ("scenario", "replication", "seed", "week", "t_days") if c in timeseries]
    weekly = timeseries[keep + [column]].rename(columns={column: "value"}).reset_index(drop=True)
    grouped = weekly.groupby(["scenario", "week"], sort=False)
    mean = grouped.agg(t_days=("t_days", "first"), mean=("value", "mean"), sd=("value", "std"),
                       low=("value", "min"), high=("value", "max"),
                       n=("value", "count")).reset_index()
    suggestions, stats_rows, too_short = [], [], {}
    for scen, g in mean.groupby("scenario", sort=False):
        g = g.sort_values("week")
        ok = g[np.isfinite(g["mean"].to_numpy(dtype=float))]
        if len(ok) < 4 * batch_size:  # too short to judge: said by the caller, not warned
            too_short[str(scen)] = int(len(ok))
            continue
        res = mser(ok["mean"].to_numpy(dtype=float), batch_size=batch_size)
        first = ok.iloc[res.truncation]
        suggestions.append({"scenario": scen, "column": column,
                            "truncation_weeks": int(first["week"] - ok["week"].iloc[0]),
                            "truncation_days": float(first["t_days"]),
                            "reliable": res.reliable, "n_weeks": int(len(ok))})
        for d, s in enumerate(res.statistic):
            stats_rows.append({"scenario": scen, "deleted_weeks": d * batch_size,
                               "statistic": float(s)})
    return WarmupDiagnostic(
        column=column, batch_size=batch_size, weekly=weekly, mean=mean,
        suggestions=pd.DataFrame(suggestions, columns=["scenario", "column", "truncation_weeks",
                                                       "truncation_days", "reliable", "n_weeks"]),
        statistic=pd.DataFrame(stats_rows, columns=["scenario", "deleted_weeks", "statistic"]),
        too_short=too_short)
