"""Charts for notebooks and the scrutiny report.

Every function takes the tidy tables of an experiment (:class:`workbench.experiment.Experiment`,
or anything with ``kpis`` and ``timeseries`` tables of the same shape) and returns a matplotlib
Figure. Charts have a title, axis labels with units, the statutory targets or the caseload aim as
reference lines, uncertainty as bands (weekly series: the 95% range of the replication mean) or
error bars (KPIs: 95% confidence intervals), and the same colours for the same things everywhere.
"""

from __future__ import annotations

import math
from typing import Sequence

import matplotlib

matplotlib.use("Agg") if matplotlib.get_backend().lower() in ("", "agg") else None
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy import stats  # noqa: E402

#: Colours for worker types (colour-blind safe, from the Okabe-Ito palette).
WORKER_COLOURS = {
    "experienced": "#0072B2",   # blue
    "nqsw": "#009E73",          # green
    "academy": "#E69F00",       # orange
    "agency": "#D55E00",        # vermilion
    "vacancies": "#BBBBBB",     # grey
}
WORKER_LABELS = {"experienced": "Experienced (permanent)", "nqsw": "Newly qualified (ASYE year)",
                 "academy": "Academy trainees", "agency": "Agency", "vacancies": "Vacant posts"}
#: Colours for scenarios, in order (the first is the baseline).
SCENARIO_COLOURS = ["#333333", "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9",
                    "#F0E442"]
TARGET_STYLE = dict(color="#B22222", linestyle="--", linewidth=1.2)


def _tables(exp):
    return exp.kpis, exp.timeseries


def scenario_colours(names: Sequence[str]) -> dict[str, str]:
    return {n: SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)] for i, n in enumerate(names)}


def _order(df: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(df["scenario"]))


def weekly_band(ts: pd.DataFrame, column: str, smooth_weeks: int = 1,
                level: float = 0.95) -> pd.DataFrame:
    """Per scenario and week: the mean over replications and its confidence band.

    ``smooth_weeks`` > 1 first takes a rolling mean within each replication (weekly rates are
    noisy). Returns columns ``scenario, date, mean, low, high, n``.
    """
    df = ts[["scenario", "replication", "date", column]].copy()
    df["date"] = pd.to_datetime(df["date"])
    if smooth_weeks > 1:
        df[column] = (df.sort_values("date").groupby(["scenario", "replication"])[column]
                      .transform(lambda s: s.rolling(smooth_weeks, min_periods=1).mean()))
    g = df.groupby(["scenario", "date"])[column]
    out = g.agg(["mean", "std", "count"]).reset_index()
    q = stats.t.ppf(0.5 + level / 2, np.maximum(out["count"] - 1, 1))
    hw = np.where(out["count"] > 1, q * out["std"] / np.sqrt(out["count"]), 0.0)
    out["low"] = out["mean"] - hw
    out["high"] = out["mean"] + hw
    return out.rename(columns={"count": "n"})[["scenario", "date", "mean", "low", "high", "n"]]


def _line_with_band(ax, ts, column, smooth_weeks=1, scenarios=None):
    band = weekly_band(ts, column, smooth_weeks)
    names = scenarios or _order(ts)
    colours = scenario_colours(names)
    for name in names:
        b = band[band.scenario == name]
        if b.empty:
            continue
        ax.plot(b.date, b["mean"], color=colours[name], label=name, linewidth=1.8)
        ax.fill_between(b.date, b["low"], b["high"], color=colours[name], alpha=0.18, linewidth=0)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    for lab in ax.get_xticklabels():
        lab.set_rotation(0)
    ax.grid(alpha=0.3)


def _finish(fig, ax, title, ylabel, legend=True, note=None):
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.set_ylabel(ylabel)
    ax.set_xlabel("")
    if legend:
        ax.legend(frameon=False, fontsize=9, loc="best")
    if note:
        fig.text(0.01, 0.005, note, fontsize=8, color="#555555", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.03 if note else 0, 1, 1))
    return fig


BAND_NOTE = "Lines: average over replications. Shaded: 95% confidence range of that average."


def plot_timeliness(exp, column: str = "assessment_within_45wd_pct", smooth_weeks: int = 8,
                    target: float | None = None, title: str | None = None):
    """Share of assessments completed within 45 working days, over time."""
    _, ts = _tables(exp)
    fig, ax = plt.subplots(figsize=(9, 4.2))
    _line_with_band(ax, ts, column, smooth_weeks)
    if target is not None:
        ax.axhline(target, **TARGET_STYLE, label=f"Target {target:g}%")
    ax.set_ylim(0, 100)
    labels = {
        "assessment_within_45wd_pct": "Assessments finished within 45 working days",
        "cp_visits_on_time_pct": "Child protection visits made on time",
        "icpc_within_15wd_pct": "Child protection conferences within 15 working days",
        "decision_within_1wd_pct": "Front-door decisions within 1 working day",
    }
    return _finish(fig, ax, title or labels.get(column, column),
                   f"% ({smooth_weeks}-week rolling average)", note=BAND_NOTE)


def plot_unallocated(exp, title: str = "Children waiting for a social worker (unallocated)"):
    _, ts = _tables(exp)
    fig, ax = plt.subplots(figsize=(9, 4.2))
    _line_with_band(ax, ts, "unallocated")
    ax.set_ylim(bottom=0)
    return _finish(fig, ax, title, "children (weekly count)", note=BAND_NOTE)


def plot_caseloads(exp, aim: float | None = 20, scenario: str | None = None,
                   title: str | None = None):
    """Caseload distribution over time against the aim: median, middle half and 10-90% range
    of cases per full-time worker (one scenario), or the mean for each scenario."""
    _, ts = _tables(exp)
    fig, ax = plt.subplots(figsize=(9, 4.2))
    names = _order(ts)
    if scenario is not None or len(names) == 1:
        name = scenario or names[0]
        d = ts[ts.scenario == name].copy()
        d["date"] = pd.to_datetime(d["date"])
        m = d.groupby("date")[["caseload_p10", "caseload_p25", "caseload_p50", "caseload_p75",
                                "caseload_p90", "caseload_mean"]].mean()
        c = SCENARIO_COLOURS[1]
        ax.fill_between(m.index, m.caseload_p10, m.caseload_p90, color=c, alpha=0.15,
                        label="10% to 90% of workers")
        ax.fill_between(m.index, m.caseload_p25, m.caseload_p75, color=c, alpha=0.3,
                        label="middle half of workers")
        ax.plot(m.index, m.caseload_p50, color=c, linewidth=1.8, label="median worker")
        ttl = title or f"Caseloads against the aim: {name}"
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
        ax.grid(alpha=0.3)
    else:
        _line_with_band(ax, ts, "caseload_mean")
        ttl = title or "Average caseload against the aim"
    if aim is not None:
        ax.axhline(aim, **TARGET_STYLE, label=f"Caseload aim ({aim:g})")
    ax.set_ylim(bottom=0)
    return _finish(fig, ax, ttl, "cases per full-time social worker",
                   note="Caseload aim: cases per full-time experienced worker (newly qualified staff aim lower).")


def plot_workforce_mix(exp, scenario: str | None = None, title: str | None = None):
    """Staff in post by type (stacked, FTE) and vacant posts, over time, for one scenario."""
    _, ts = _tables(exp)
    name = scenario or _order(ts)[0]
    d = ts[ts.scenario == name].copy()
    d["date"] = pd.to_datetime(d["date"])
    m = d.groupby("date")[["fte_experienced", "fte_nqsw", "fte_academy", "fte_agency",
                            "vacancies_fte"]].mean()
    fig, ax = plt.subplots(figsize=(9, 4.2))
    types = ["experienced", "nqsw", "academy", "agency"]
    ax.stackplot(m.index, *[m[f"fte_{t}"] for t in types],
                 colors=[WORKER_COLOURS[t] for t in types],
                 labels=[WORKER_LABELS[t] for t in types], alpha=0.85)
    top = sum(m[f"fte_{t}"] for t in types)
    ax.plot(m.index, m.vacancies_fte, color="#444444", linewidth=1.6, linestyle=":",
            label="Vacant posts (FTE)")
    ax.set_ylim(0, float(top.max()) * 1.12)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=8, loc="lower left", ncol=3)
    return _finish(fig, ax, title or f"Social work staff in post and vacancies: {name}",
                   "full-time equivalent (FTE)", legend=False,
                   note="Average over replications. Academy trainees are over establishment.")


def kpi_intervals(kpis: pd.DataFrame, kpi: str, level: float = 0.95) -> pd.DataFrame:
    """Mean and t confidence interval of one KPI per scenario (in scenario order)."""
    rows = []
    for name in _order(kpis):
        v = kpis.loc[kpis.scenario == name, kpi].dropna().to_numpy(dtype=float)
        n = len(v)
        mean = float(v.mean()) if n else math.nan
        hw = float(stats.t.ppf(0.5 + level / 2, n - 1) * v.std(ddof=1) / math.sqrt(n)) if n > 1 else 0.0
        rows.append({"scenario": name, "mean": mean, "low": mean - hw, "high": mean + hw, "n": n})
    return pd.DataFrame(rows)


def plot_kpi_bars(exp, kpi: str, title: str, ylabel: str, reference: float | None = None,
                  reference_label: str = "", fmt: str = "{:.1f}"):
    """One bar per scenario with its 95% confidence interval."""
    kp, _ = _tables(exp)
    ci = kpi_intervals(kp, kpi)
    colours = scenario_colours(list(ci.scenario))
    fig, ax = plt.subplots(figsize=(9, 0.9 + 0.55 * len(ci)))
    y = np.arange(len(ci))[::-1]
    ax.barh(y, ci["mean"], color=[colours[n] for n in ci.scenario], alpha=0.85, height=0.6)
    ax.errorbar(ci["mean"], y, xerr=[ci["mean"] - ci["low"], ci["high"] - ci["mean"]],
                fmt="none", ecolor="black", capsize=4, linewidth=1)
    for yi, m, hi in zip(y, ci["mean"], ci["high"]):
        ax.text(hi, yi, "  " + fmt.format(m), va="center", fontsize=9)
    ax.set_yticks(y, ci.scenario)
    if reference is not None:
        ax.axvline(reference, **TARGET_STYLE, label=reference_label)
        ax.legend(frameon=False, fontsize=9, loc="lower right")
    ax.set_xlabel(ylabel)
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.grid(alpha=0.3, axis="x")
    ax.set_xlim(0, max(float(np.nanmax(ci["high"])) * 1.2, 1e-9))
    fig.text(0.01, 0.005, "Bars: average over replications. Whiskers: 95% confidence interval.",
             fontsize=8, color="#555555")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def plot_sw_changes(exp):
    return plot_kpi_bars(exp, "sw_changes_per_child_year",
                         "Changes of social worker per child per year",
                         "changes per child per year open")


def plot_cost(exp):
    kp, _ = _tables(exp)
    kp = kp.assign(cost_per_year_gbp_m=kp["cost_per_year_gbp"] / 1e6)

    class _E:  # a light view with the cost in millions
        kpis = kp
        timeseries = None
    return plot_kpi_bars(_E, "cost_per_year_gbp_m", "Workforce cost a year",
                         "GBP million a year (pay, agency, academy, recruitment, retention)",
                         fmt="£{:.2f}m")


def plot_tradeoff(exp, x: str = "cost_per_year_gbp", y: str = "assessment_within_45wd_pct",
                  xlabel: str = "workforce cost a year (GBP million)",
                  ylabel: str = "assessments within 45 working days (%)",
                  title: str = "Cost against timeliness", x_scale: float = 1e-6):
    """One point per scenario with 95% confidence intervals on both axes."""
    kp, _ = _tables(exp)
    cx, cy = kpi_intervals(kp, x), kpi_intervals(kp, y)
    colours = scenario_colours(list(cx.scenario))
    fig, ax = plt.subplots(figsize=(8, 5))
    for (_, a), (_, b) in zip(cx.iterrows(), cy.iterrows()):
        ax.errorbar(a["mean"] * x_scale, b["mean"],
                    xerr=[[(a["mean"] - a["low"]) * x_scale], [(a["high"] - a["mean"]) * x_scale]],
                    yerr=[[b["mean"] - b["low"]], [b["high"] - b["mean"]]],
                    fmt="o", color=colours[a.scenario], capsize=4, markersize=8, label=a.scenario)
        ax.annotate(a.scenario, (a["mean"] * x_scale, b["mean"]), textcoords="offset points",
                    xytext=(8, 6), fontsize=9)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.grid(alpha=0.3)
    fig.text(0.01, 0.005, "Points: averages over replications. Whiskers: 95% confidence intervals.",
             fontsize=8, color="#555555")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig
