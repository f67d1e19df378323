"""Charts of a calibration: referrals against the fitted rate, and the back-test.

Written with matplotlib's object API (no pyplot: no global state, any backend) as PNG files, so
that the command line, the notebook and a report can all use them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .. import charting  # noqa: F401  (names shown as written, never as mathematics)
from .. import files
from .backtesting import BacktestResult
from .estimators import DemandFit


def plot_referrals(demand: DemandFit, folder: str | Path, prefix: str = "referrals") -> Path:
    """Referrals a day month by month (bars) against the fitted rate (line).

    Parameters
    ----------
    demand : DemandFit
        The fitted referral model (``Calibration.demand``).
    folder : str or Path
        Where the PNG is written (created if missing).

    Returns
    -------
    Path
        The chart (``{prefix}.png``): children referred a day, observed and fitted.
    """
    from matplotlib.figure import Figure

    folder = Path(folder)
    files.make_folder(folder)
    curve = demand.curve()
    fig = Figure(figsize=(9, 3.2))
    ax = fig.subplots()
    ax.bar(curve.month, curve.observed_per_day, color="tab:blue", alpha=0.6,
           label="observed (referrals a day)")
    ax.plot(curve.month, curve.fitted_per_day, color="black", marker=".",
            label=f"fitted ({demand.mode})")
    ax.set_ylabel("children referred a day")
    ax.tick_params(axis="x", labelrotation=90, labelsize=7)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = folder / f"{prefix}.png"
    files.save_figure(path, fig, dpi=110)
    return path


def plot_backtest(result: BacktestResult, folder: str | Path, prefix: str = "backtest") -> list[Path]:
    """Two charts: open cases week by week (observed against the simulated band) and every
    measure's observed value against its simulated range and the naive forecasts. Both titles
    say whether the back-test is out of sample or in sample."""
    from matplotlib.figure import Figure   # no pyplot: no global state, any backend

    folder = Path(folder)
    files.make_folder(folder)
    paths = []
    groups = ["cin", "cp", "lac", "assessment"]
    fig = Figure(figsize=(11, 7))
    axes = fig.subplots(2, 2, sharex=True)
    titles = {"cin": "Children in need", "cp": "Child protection plans",
              "lac": "Looked after (incl. proceedings)", "assessment": "In assessment"}
    for ax, g in zip(axes.flat, groups):
        w = result.weekly[result.weekly.measure == f"open_{g}"]
        x = pd.to_datetime(w.date)
        ax.fill_between(x, w.sim_low, w.sim_high, alpha=0.3, color="tab:blue",
                        label=f"simulated (range of {result.reps})")
        ax.plot(x, w.sim_mean, color="tab:blue", lw=1)
        ax.plot(x, w.observed, color="black", lw=1.8, label="observed (extracts)")
        ax.set_title(titles[g], fontsize=10)
        ax.set_ylim(bottom=0)
    axes.flat[0].legend(fontsize=8, loc="lower left")
    kind = "out of sample" if result.mode == "out-of-sample" else "in sample (calibrated)"
    fig.suptitle(f"Back-test ({kind}): open cases, {result.period_start} to {result.period_end}")
    fig.autofmt_xdate()
    fig.tight_layout()
    p = folder / f"{prefix}_open_cases.png"
    files.save_figure(p, fig, dpi=110)
    paths.append(p)

    t = result.table[result.table.verdict != "not comparable"].iloc[::-1]
    fig = Figure(figsize=(9, 0.42 * len(t) + 1.2))
    ax = fig.subplots()
    y = np.arange(len(t))
    base = t.sim_mean.replace(0, np.nan).abs()
    rel = lambda v: 100 * (v - t.sim_mean) / base  # noqa: E731
    colours = t.verdict.map({"inside range": "tab:green", "within tolerance": "tab:orange",
                             "outside": "tab:red"})
    ax.hlines(y, rel(t.sim_low), rel(t.sim_high), color="tab:blue", lw=5, alpha=0.35,
              label="simulated range")
    ax.scatter(rel(t.observed), y, c=colours, zorder=3, label="observed")
    ax.scatter(rel(t.naive_last_year), y, marker="|", s=90, color="black", zorder=2,
               label="naive: last year")
    ax.scatter(rel(t.naive_trend), y, marker="x", s=25, color="grey", zorder=2,
               label="naive: linear trend")
    ax.legend(fontsize=7, loc="lower right")
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels(t.measure, fontsize=8)
    ax.set_xlabel("difference from the simulated mean (%)")
    ax.set_title(f"Back-test ({kind}): observed against simulated (green inside the range, "
                 "orange within tolerance, red outside) and the naive forecasts", fontsize=9)
    fig.tight_layout()
    p = folder / f"{prefix}_measures.png"
    files.save_figure(p, fig, dpi=110)
    paths.append(p)
    return paths
