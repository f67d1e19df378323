"""Charts for notebooks and the scrutiny report.

Every function takes the tidy tables of an experiment (:class:`workbench.experiment.Experiment`,
or anything with ``kpis`` and ``timeseries`` tables of the same shape) and returns a matplotlib
Figure. Charts have a title, axis labels with units, the statutory targets or the caseload aim as
reference lines, uncertainty as bands (weekly series: the 95% range of the replication mean) or
error bars (KPIs: 95% confidence intervals), and the same colours for the same things everywhere.
"""

from __future__ import annotations

import math
import textwrap
from typing import Sequence

import matplotlib

matplotlib.use("Agg") if matplotlib.get_backend().lower() in ("", "agg") else None
from .. import charting  # noqa: E402,F401  (names shown as written, never as mathematics)
import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ..analysis.registry import kpi  # noqa: E402
from ..analysis.stats import t_interval  # noqa: E402
from .tables import (  # noqa: E402
    READING_COLOURS, clip_range, kpi_intervals, kpi_rows, difference_reading, scenario_order,
)

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
#: Colours for scenarios, in order (the first is the baseline): colour-blind safe (Okabe-Ito,
#: with two of Paul Tol's dark tones in place of its yellow and light blue) and each at least
#: 3:1 against white, as WCAG 2.2 asks of the parts of a chart (1.4.11).
SCENARIO_COLOURS = ["#333333", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8C6D00", "#882255"]
#: Line styles for scenarios, in the same order: colour is never the only way to tell them apart.
SCENARIO_STYLES = ["-", "--", "-.", ":", (0, (6, 2)), (0, (3, 1, 1, 1, 1, 1)), (0, (8, 2, 2, 2))]
#: Marker shapes for scenarios, in the same order (points and small multiples).
SCENARIO_MARKERS = ["o", "s", "D", "^", "v", "P", "X"]
TARGET_STYLE = dict(color="#B22222", linestyle="--", linewidth=1.2)


def target_line(ax, value: float, label: str, words: str) -> None:
    """A target or aim across a chart (red dashed, in the legend as ``label``) with ``words``
    written at its right end: the second option's line is dashed too, so the legend's colour
    alone told them apart (WCAG 1.4.1)."""
    ax.axhline(value, **TARGET_STYLE, label=label)
    ax.annotate(words, xy=(1, value), xycoords=("axes fraction", "data"), xytext=(-3, 2),
                textcoords="offset points", ha="right", va="bottom", fontsize=8,
                color=TARGET_STYLE["color"],   # on white, over a band or a stack too
                bbox=dict(boxstyle="square,pad=0.1", facecolor="white", edgecolor="none"))
#: The difference chart's bars: each reading a pattern as well as a colour (WCAG 1.4.1), and a
#: grey that stays 3:1 against white at the bars' alpha of 0.75 (#888888 was 2.4:1, 1.4.11).
READING_HATCHES = {"better": None, "worse": "///"}
NEUTRAL_BAR, NEUTRAL_HATCH = "#666666", ".."
#: Staff types' patterns in the stacked charts (beside their colours, 1.4.1), and the dark line
#: between two types (neighbouring colours were 1.4:1 to 1.6:1 against each other, 1.4.11).
WORKER_HATCHES = {"experienced": None, "nqsw": "//", "academy": "..", "agency": "xx"}
STACK_EDGE = "#1a1a1a"


def _tables(exp):
    return exp.kpis, exp.timeseries


#: A scenario's name in a chart: lines of at most this many characters, at most this many lines.
NAME_WIDTH, NAME_LINES = 32, 3


def chart_name(name: str) -> str:
    """A scenario's name as a chart shows it (a tick label, a legend entry, a panel's title):
    wrapped at :data:`NAME_WIDTH` characters, a long word broken, and past :data:`NAME_LINES`
    lines shortened in the middle with "…" (its start and end kept: names that differ at the end
    stay apart). A name of up to 200 characters, or one long word, as a label squeezed the
    chart's panels to a sliver; the tables and the text alternative give it in full."""
    name = str(name)
    if len(name) <= NAME_WIDTH:
        return name
    keep, short = NAME_WIDTH * NAME_LINES, name
    while True:
        lines = textwrap.wrap(short, NAME_WIDTH, break_on_hyphens=False) or [short]
        if len(lines) <= NAME_LINES:
            return "\n".join(lines)
        keep -= 4
        tail = keep // 3
        short = name[:keep - tail - 1].rstrip() + "…" + name[len(name) - tail:].lstrip()


def _name_lines(names) -> int:
    """The most lines any of ``names`` takes in a chart (:func:`chart_name`)."""
    return max((chart_name(n).count("\n") + 1 for n in names), default=1)


def show(fig) -> None:
    """Display a figure in a notebook, then close it (so that it is neither drawn twice nor kept
    in memory)."""
    from IPython.display import display

    display(fig)
    plt.close(fig)


def scenario_colours(names: Sequence[str]) -> dict[str, str]:
    return {n: SCENARIO_COLOURS[i % len(SCENARIO_COLOURS)] for i, n in enumerate(names)}


def _second(i: int, n: int) -> int:
    """The ``i``-th scenario's line style or marker (of ``n``): the colours repeat after the
    seventh scenario, and the second carrier moves on by one each time they do, so that no two
    of the first 49 share both (the eighth scenario was drawn as the baseline, the ninth as the
    first option: same colour, same line, same marker)."""
    return (i + i // len(SCENARIO_COLOURS)) % n


def scenario_styles(names: Sequence[str]) -> dict[str, object]:
    """Each scenario's line style (a second carrier beside colour)."""
    return {n: SCENARIO_STYLES[_second(i, len(SCENARIO_STYLES))] for i, n in enumerate(names)}


def scenario_markers(names: Sequence[str]) -> dict[str, str]:
    """Each scenario's marker shape (a second carrier beside colour, for points)."""
    return {n: SCENARIO_MARKERS[_second(i, len(SCENARIO_MARKERS))] for i, n in enumerate(names)}


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
    rows = []
    for (name, date), values in df.groupby(["scenario", "date"])[column]:
        n, mean, _sd, hw, _q = t_interval(values, level)
        hw = 0.0 if math.isnan(hw) else hw  # one replication: no band, the line alone
        rows.append((name, date, mean, mean - hw, mean + hw, n))
    return pd.DataFrame(rows, columns=["scenario", "date", "mean", "low", "high", "n"])


def _line_with_band(ax, ts, column, smooth_weeks=1, scenarios=None):
    band = weekly_band(ts, column, smooth_weeks)
    names = scenarios or scenario_order(ts)
    colours, styles = scenario_colours(names), scenario_styles(names)
    for name in names:
        b = band[band.scenario == name]
        if b.empty:
            continue
        ax.plot(b.date, b["mean"], color=colours[name], linestyle=styles[name],
                label=chart_name(name),
                linewidth=1.8)
        # the band's edge in the line's own colour, at full strength: the pale fill alone was
        # 1.2:1 to 1.4:1 against white, so the range's extent was hard to see (WCAG 1.4.11)
        ax.fill_between(b.date, b["low"], b["high"], facecolor=mcolors.to_rgba(colours[name], 0.18),
                        edgecolor=colours[name], linewidth=0.5)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    for lab in ax.get_xticklabels():
        lab.set_rotation(0)
    ax.grid(alpha=0.3)


def _finish(fig, ax, title, ylabel, legend=True, note=None):
    # month ticks at round intervals: matplotlib's own put two ticks in a month on a short run,
    # each labelled with it ("Nov 2017, Nov 2017, Dec 2017, Dec 2017")
    _date_ticks(ax)
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.set_ylabel(ylabel)
    ax.set_xlabel("")
    if legend:
        ax.legend(frameon=False, fontsize=9, loc="best")
    if note:
        fig.text(0.01, 0.005, note, fontsize=8, color="#555555", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.03 if note else 0, 1, 1))
    return fig


#: Weekly columns named differently from the KPI they are the weekly version of.
WEEKLY_AS_KPI = {"decision_within_1wd_pct": "referral_decision_within_1wd_pct"}

BAND_NOTE = "Lines: average over replications. Shaded: the 95% range of that average."


def plot_timeliness(exp, column: str = "assessment_within_45wd_pct", smooth_weeks: int = 8,
                    target: float | None = None, title: str | None = None):
    """Share of assessments completed within 45 working days, over time."""
    _, ts = _tables(exp)
    fig, ax = plt.subplots(figsize=(9, 4.2))
    _line_with_band(ax, ts, column, smooth_weeks)
    if target is not None:
        target_line(ax, target, f"Target {target:g}%", f"target {target:g}%")
    ax.set_ylim(0, 100)
    return _finish(fig, ax, title or kpi(WEEKLY_AS_KPI.get(column, column)).label,
                   f"% ({smooth_weeks}-week rolling average)", note=BAND_NOTE)


def plot_unallocated(exp, title: str = "Children waiting for a social worker (unallocated)"):
    _, ts = _tables(exp)
    fig, ax = plt.subplots(figsize=(9, 4.2))
    _line_with_band(ax, ts, "unallocated")
    ax.set_ylim(bottom=0)
    return _finish(fig, ax, title, "children (weekly count)", note=BAND_NOTE)


def _finish_panels(fig, axes, title: str, note: str):
    """Date ticks on every panel, the figure title and its reading note."""
    for ax in axes:
        _date_ticks(ax, 8 if len(axes) <= 2 else 5)
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    _note(fig, note)
    return fig


def caseload_fan(ax, ts: pd.DataFrame, scenario: str, colour: str, middle_alpha: float = 0.3):
    """Draw one scenario's caseload spread over time on ``ax``: the median worker, the middle
    half and 10% to 90% of workers (averaged over replications)."""
    d = ts[ts.scenario == scenario].copy()
    d["date"] = pd.to_datetime(d["date"])
    m = d.groupby("date")[["caseload_p10", "caseload_p25", "caseload_p50", "caseload_p75",
                            "caseload_p90"]].mean()
    # each band's edge at full strength, dotted for 10% to 90% and solid for the middle half:
    # the two pale fills were told apart by their shade alone, 1.2:1 to 1.7:1 against white
    # (WCAG 1.4.1 and 1.4.11)
    ax.fill_between(m.index, m.caseload_p10, m.caseload_p90,
                    facecolor=mcolors.to_rgba(colour, 0.15), edgecolor=colour, linewidth=0.8,
                    linestyle=":", label="10% to 90% of workers")
    ax.fill_between(m.index, m.caseload_p25, m.caseload_p75,
                    facecolor=mcolors.to_rgba(colour, middle_alpha), edgecolor=colour,
                    linewidth=0.8, label="middle half of workers")
    ax.plot(m.index, m.caseload_p50, color=colour, linewidth=1.8, label="median worker")


def plot_caseloads(exp, aim: float | None = 20, scenario: str | None = None,
                   title: str | None = None, spread: bool | None = None):
    """Caseload distribution over time against the aim: median, middle half and 10-90% range
    of cases per full-time worker (one scenario), or the mean for each scenario.

    ``spread``: False draws the average line (with its 95% range) even of one scenario, as a
    chart titled and described as the average must (the median worker's line of a single
    scenario sat 4 cases above the average its title and text alternative gave); True, the
    spread of the one scenario; None (default), the spread when there is one scenario."""
    _, ts = _tables(exp)
    fig, ax = plt.subplots(figsize=(9, 4.2))
    names = scenario_order(ts)
    if spread is None:
        spread = scenario is not None or len(names) == 1
    if spread:
        name = scenario or names[0]
        caseload_fan(ax, ts, name, SCENARIO_COLOURS[1], middle_alpha=0.3)
        ttl = title or f"Caseloads against the aim: {name}"
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
        ax.grid(alpha=0.3)
    else:
        # cases held over the FTE holding them, as the measure (and the chart's text) has it;
        # the weekly caseload_mean is the mean over workers of each one's cases per FTE, higher
        # where many work part time (results saved before the column existed draw that)
        _line_with_band(ax, ts, "caseload_per_fte" if "caseload_per_fte" in ts else "caseload_mean")
        ttl = title or "Average caseload against the aim"
    if aim is not None:
        target_line(ax, aim, f"Caseload aim ({aim:g})", f"aim {aim:g}")
    ax.set_ylim(bottom=0)
    return _finish(fig, ax, ttl, "cases per full-time social worker",
                   note="Caseload aim: cases per full-time experienced worker (newly qualified staff aim lower).")


#: Worker types in the order they are stacked (permanent at the bottom).
WORKER_TYPES = ["experienced", "nqsw", "academy", "agency"]


def workforce_stack(ax, ts: pd.DataFrame, scenario: str) -> float:
    """Draw one scenario's staff in post by type (stacked, FTE, averaged over replications) and
    its vacant posts (dotted) on ``ax``; returns the highest stack (FTE), for a common scale."""
    d = ts[ts.scenario == scenario].copy()
    d["date"] = pd.to_datetime(d["date"])
    m = d.groupby("date")[[f"fte_{t}" for t in WORKER_TYPES] + ["vacancies_fte"]].mean()
    areas = ax.stackplot(m.index, *[m[f"fte_{t}"] for t in WORKER_TYPES],
                         colors=[WORKER_COLOURS[t] for t in WORKER_TYPES],
                         labels=[WORKER_LABELS[t] for t in WORKER_TYPES], alpha=0.85)
    for area, t in zip(areas, WORKER_TYPES):
        area.set_edgecolor(STACK_EDGE)
        area.set_linewidth(0.6)
        area.set_hatch(WORKER_HATCHES[t])
    # near black: #444444 was 2.5:1 against the experienced staff's blue it runs over (1.4.11)
    ax.plot(m.index, m.vacancies_fte, color=STACK_EDGE, linewidth=1.6, linestyle=":",
            label="Vacant posts (FTE)")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.grid(alpha=0.3)
    return float(sum(m[f"fte_{t}"] for t in WORKER_TYPES).max())


def plot_workforce_mix(exp, scenario: str | None = None, title: str | None = None):
    """Staff in post by type (stacked, FTE) and vacant posts, over time, for one scenario."""
    _, ts = _tables(exp)
    name = scenario or scenario_order(ts)[0]
    fig, ax = plt.subplots(figsize=(9, 4.2))
    ax.set_ylim(0, workforce_stack(ax, ts, name) * 1.12)
    ax.legend(frameon=False, fontsize=8, loc="lower left", ncol=3)
    return _finish(fig, ax, title or f"Social work staff in post and vacancies: {name}",
                   "full-time equivalent (FTE)", legend=False,
                   note="Average over replications. Academy trainees are over establishment.")


def plot_kpi_bars(exp, kpi_name: str, title: str | None = None, xlabel: str | None = None,
                  reference: float | None = None, reference_label: str = ""):
    """One bar per scenario with its 95% confidence interval, labelled in the KPI's format
    (title and axis default to the KPI's label and unit; pounds are shown in millions)."""
    k = kpi(kpi_name)
    ci = kpi_intervals(exp.kpis, kpi_name)
    scale = k.display_scale
    colours = scenario_colours(list(ci.scenario))
    rows = 0.55 * max(1.0, 0.6 * _name_lines(ci.scenario))   # room for a name of 2-3 lines
    fig, ax = plt.subplots(figsize=(9, 0.9 + rows * len(ci)))
    y = np.arange(len(ci))[::-1]
    mean, low, high = ci["mean"] * scale, ci["low"] * scale, ci["high"] * scale
    # solid: each colour is 3:1 against white (at alpha 0.85 the pink was 2.5:1, WCAG 1.4.11)
    ax.barh(y, mean, color=[colours[n] for n in ci.scenario], height=0.6)
    ax.errorbar(mean, y, xerr=[mean - low, high - mean],
                fmt="none", ecolor="black", capsize=4, linewidth=1)
    for yi, m, hi in zip(y, ci["mean"], high):
        ax.text(hi, yi, "  " + k.format(m), va="center", fontsize=9)
    ax.set_yticks(y, [chart_name(n) for n in ci.scenario])
    if reference is not None:
        ax.axvline(reference, **TARGET_STYLE, label=reference_label)
        ax.legend(frameon=False, fontsize=9, loc="lower right")
    ax.set_xlabel(xlabel or k.display_unit())
    ax.set_title(title or k.label, loc="left", fontsize=12, fontweight="bold")
    ax.grid(alpha=0.3, axis="x")
    ax.set_xlim(0, max(float(np.nanmax(high)) * 1.2, 1e-9))
    fig.text(0.01, 0.005, "Bars: average over replications. Whiskers: the 95% range of that average.",
             fontsize=8, color="#555555")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def plot_sw_changes(exp):
    return plot_kpi_bars(exp, "sw_changes_per_child_year", xlabel="changes per child per year open")


def plot_cost(exp):
    return plot_kpi_bars(exp, "cost_per_year_gbp",
                         xlabel="GBP million a year (pay, agency, academy, recruitment, retention)")


def _axis_label(name: str) -> str:
    k = kpi(name)
    return f"{k.label} ({k.display_unit()})"


def plot_tradeoff(exp, x: str = "cost_per_year_gbp", y: str = "assessment_within_45wd_pct",
                  xlabel: str | None = None, ylabel: str | None = None,
                  title: str = "Cost against timeliness"):
    """One point per scenario with 95% confidence intervals on both axes (labels and units from
    the KPI registry; pounds in millions)."""
    kp, _ = _tables(exp)
    x_scale = kpi(x).display_scale
    xlabel, ylabel = xlabel or _axis_label(x), ylabel or _axis_label(y)
    cx, cy = kpi_intervals(kp, x), kpi_intervals(kp, y)
    colours = scenario_colours(list(cx.scenario))
    fig, ax = plt.subplots(figsize=(8, 5))
    for (_, a), (_, b) in zip(cx.iterrows(), cy.iterrows()):
        ax.errorbar(a["mean"] * x_scale, b["mean"],
                    xerr=[[(a["mean"] - a["low"]) * x_scale], [(a["high"] - a["mean"]) * x_scale]],
                    yerr=[[b["mean"] - b["low"]], [b["high"] - b["mean"]]],
                    fmt="o", color=colours[a.scenario], capsize=4, markersize=8,
                    label=chart_name(a.scenario))
        ax.annotate(chart_name(a.scenario), (a["mean"] * x_scale, b["mean"]),
                    textcoords="offset points", xytext=(8, 6), fontsize=9)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.grid(alpha=0.3)
    fig.text(0.01, 0.005, "Points: averages over replications. Whiskers: their 95% ranges.",
             fontsize=8, color="#555555")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


# ============================================================================================
# Comparison charts (used by the explorer and comparison notebooks)
# ============================================================================================

def plot_sw_changes_over_time(exp, smooth_weeks: int = 8,
                              title: str = "Changes of social worker, over time"):
    """Changes of social worker per child per year, week by week (rolling average), per scenario,
    with the 95% confidence band of the average over replications.

    As the measure ``sw_changes_per_child_year``: per child with a social worker (open, less
    those waiting unallocated), each week over its days inside the run (a last week of 1.25
    days divided by 7 read as a fall in the last weeks of every line)."""
    _, ts = _tables(exp)
    weekly_with_days = getattr(exp, "weekly_with_days", None)
    d = (weekly_with_days() if weekly_with_days is not None else ts).copy()
    days = d["days_in_run"] if "days_in_run" in d.columns else pd.Series(7.0, index=d.index)
    held = d["open_total"] - d["unallocated"]
    with np.errstate(invalid="ignore", divide="ignore"):
        d["sw_changes_rate"] = np.where((held > 0) & (days > 0),
                                        d["sw_changes"] * 365.25 / days / held, np.nan)
    fig, ax = plt.subplots(figsize=(9, 4.2))
    _line_with_band(ax, d, "sw_changes_rate", smooth_weeks)
    ax.set_ylim(bottom=0)
    return _finish(fig, ax, title, f"changes per child per year ({smooth_weeks}-week rolling average)",
                   note=BAND_NOTE)


def _note(fig, text: str) -> None:
    """A grey note under a constrained-layout figure (laid out with it, so never clipped)."""
    fig.supxlabel(text, x=0.01, ha="left", fontsize=8, color="#555555")


def _panels(n: int, height: float = 3.0):
    ncols = 1 if n <= 2 else 2
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(9 if ncols == 1 else 12, 1.1 + height * nrows),
                             sharex=True, sharey=True, squeeze=False, layout="constrained")
    flat = list(axes.ravel())
    for ax in flat[n:]:
        ax.set_visible(False)
    for ax in flat[:n]:
        ax.tick_params(axis="x", labelbottom=True)
    return fig, flat[:n]


def _date_ticks(ax, max_ticks: int = 8) -> None:
    """Month ticks at round intervals (every 1, 2, 3, 4, 6 or 12 months, or whole years), at
    most about ``max_ticks`` of them, labelled 'Jan 2018'."""
    lo, hi = ax.get_xlim()
    if (hi - lo) / 30.44 < 2:
        # under two months a month tick or two (or none) says too little: days, with the month
        step = max(1, math.ceil((hi - lo) / max_ticks))
        ax.xaxis.set_major_locator(mdates.DayLocator(interval=step))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b %Y"))
        return
    months = max((hi - lo) / 30.44, 1.0)
    for k in (1, 2, 3, 4, 6, 12):
        if months / k <= max_ticks:
            ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=range(1, 13, k)))
            break
    else:
        ax.xaxis.set_major_locator(mdates.YearLocator(base=math.ceil(months / 12 / max_ticks)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))


def plot_workforce_mix_compare(exp, scenarios: Sequence[str] | None = None,
                               title: str = "Social work staff in post and vacancies"):
    """Staff in post by type (stacked, FTE) and vacant posts, one panel per scenario on the same
    scales, so that the mixes can be compared at a glance."""
    _, ts = _tables(exp)
    names = list(scenarios or scenario_order(ts))
    fig, axes = _panels(len(names))
    top = 0.0
    for ax, name in zip(axes, names):
        top = max(top, workforce_stack(ax, ts, name))
        ax.set_title(chart_name(name), loc="left", fontsize=10)
        ax.set_ylabel("FTE")
    if len(axes) <= 2:  # one column: the legend fits above the stack in the first panel
        axes[0].set_ylim(0, top * 1.22)
        axes[0].legend(loc="upper center", ncol=5, frameon=False, fontsize=8)
    else:
        axes[0].set_ylim(0, top * 1.08)
        fig.legend(*axes[0].get_legend_handles_labels(), loc="outside right upper",
                   frameon=False, fontsize=9)
    return _finish_panels(fig, axes, title, "Full-time equivalents, average over replications. Academy trainees are over "
               "establishment. Vacant posts: funded posts without a permanent worker.")


def plot_caseloads_compare(exp, aim: float | None = 20, scenarios: Sequence[str] | None = None,
                           title: str = "Caseloads against the aim"):
    """The spread of caseloads among workers over time (median, middle half, 10% to 90%), one
    panel per scenario on the same scales, against the caseload aim."""
    _, ts = _tables(exp)
    names = list(scenarios or scenario_order(ts))
    fig, axes = _panels(len(names))
    colours = scenario_colours(scenario_order(ts))
    for ax, name in zip(axes, names):
        c = colours[name] if colours[name] != SCENARIO_COLOURS[0] else "#555555"
        caseload_fan(ax, ts, name, c, middle_alpha=0.32)
        if aim is not None:
            target_line(ax, aim, f"Caseload aim ({aim:g})", f"aim {aim:g}")
        ax.set_title(chart_name(name), loc="left", fontsize=10)
        ax.set_ylabel("cases per FTE")
        ax.grid(alpha=0.3)
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
        ax.legend(frameon=False, fontsize=8, loc="lower right", ncol=2)
    return _finish_panels(fig, axes, title, "Cases per full-time case-holding social worker, average over replications. "
               "The aim is for experienced workers; newly qualified staff aim lower.")


def plot_paired_differences(exp, baseline: str | None = None, kpis=None, level: float = 0.95,
                            title: str | None = None):
    """Each scenario minus the baseline, one small panel per measure: the average paired
    difference over replications (common random numbers) with its 95% confidence interval.
    Green: clearly better; red: clearly worse; grey: not clearly different (the interval
    includes zero) or a measure that is neither good nor bad."""
    names = scenario_order(exp.kpis)
    baseline = baseline or names[0]
    others = [n for n in names if n != baseline]
    rows = kpi_rows(exp, kpis or ["assessment_within_45wd_pct", "unallocated_mean",
                                   "caseload_mean", "sw_changes_per_child_year",
                                   "agency_share_pct", "cost_per_year_gbp"])
    cmp = exp.compare(baseline, level=level)
    ncols = 2 if len(rows) > 1 else 1
    nrows = math.ceil(len(rows) / ncols)
    per = 0.32 * max(1.0, 0.6 * _name_lines(others))   # room for a name of 2-3 lines
    fig, axes = plt.subplots(nrows, ncols, figsize=(12 if ncols == 2 else 7,
                                                    1.0 + nrows * (0.7 + per * len(others))),
                             squeeze=False, layout="constrained")
    flat = list(axes.ravel())
    for ax in flat[len(rows):]:
        ax.set_visible(False)
    y = np.arange(len(others))[::-1]
    for ax, k in zip(flat, rows):
        scale = k.display_scale
        for yi, n in zip(y, others):
            r = cmp[(cmp.scenario == n) & (cmp.kpi == k.name)]
            if r.empty:
                continue
            d, lo, hi = (float(r[c].iloc[0]) for c in ("difference", "ci_low", "ci_high"))
            # read as compare and page one read it ("worse in every run" is worse)
            word = difference_reading(r.iloc[0], k).removesuffix(" in every run")
            colour = {"better": READING_COLOURS["better"],
                      "worse": READING_COLOURS["worse"]}.get(word, NEUTRAL_BAR)
            # the pattern repeats the colour's meaning for readers who cannot tell red from
            # green, or green from grey (WCAG 1.4.1): solid, hatched or dotted
            ax.barh(yi, d * scale, color=colour, alpha=0.75, height=0.6,
                    hatch=READING_HATCHES.get(word, NEUTRAL_HATCH), edgecolor="white")
            if not math.isnan(lo):
                ax.errorbar(d * scale, yi, xerr=[[(d - lo) * scale], [(hi - d) * scale]],
                            fmt="none", ecolor="black", capsize=3, linewidth=1)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks(y, [chart_name(n) for n in others], fontsize=8)
        ax.set_title(k.label, loc="left", fontsize=10)
        ax.set_xlabel(f"difference ({k.display_unit(difference=True)})", fontsize=8)
        ax.tick_params(axis="x", labelsize=8)
        ax.grid(alpha=0.3, axis="x")
    fig.suptitle(title or f"Difference from {baseline}", x=0.01, ha="left", fontsize=12,
                 fontweight="bold")
    _note(fig, "Bars: average difference over paired replications (same simulated referrals). "
               "Whiskers: the 95% range.\nGreen, solid: clearly better; red, hatched: clearly worse; "
               "grey, dotted: no clear change, no change in any run, too small to show, or neither "
               "better nor worse.")
    return fig


#: Measures for the trade-off charts, against cost.
TRADEOFF_KPIS = ["assessment_within_45wd_pct", "unallocated_mean", "sw_changes_per_child_year"]


def plot_tradeoffs(exp, kpis: Sequence[str] | None = None, x: str = "cost_per_year_gbp",
                   xlabel: str | None = None,
                   title: str = "What each option buys, and what it costs"):
    """Small multiples of cost against several measures (default :data:`TRADEOFF_KPIS`): one
    point per scenario with 95% confidence intervals on both axes, the scenarios named in one
    legend (no overlapping labels). Ranges are shown within the values a measure can take (no
    share above 100%); labels and units come from the KPI registry."""
    kp, _ = _tables(exp)
    rows = [k for k in (kpis or TRADEOFF_KPIS) if k in kp.columns]
    x_scale = kpi(x).display_scale
    xlabel = xlabel or _axis_label(x)
    names = scenario_order(kp)
    colours, markers = scenario_colours(names), scenario_markers(names)
    fig, axes = plt.subplots(1, len(rows), figsize=(4.2 * len(rows), 4.6), squeeze=False,
                             layout="constrained")
    cx = kpi_intervals(kp, x).set_index("scenario")
    for ax, name in zip(axes[0], rows):
        cy = kpi_intervals(kp, name).set_index("scenario")
        for n in names:
            xm, xl, xh = (float(cx.loc[n, c]) for c in ("mean", "low", "high"))
            ym, yl, yh = (float(cy.loc[n, c]) for c in ("mean", "low", "high"))
            yl, yh = clip_range(name, yl, yh)
            ax.errorbar(xm * x_scale, ym, xerr=[[(xm - xl) * x_scale], [(xh - xm) * x_scale]],
                        yerr=[[max(ym - yl, 0)], [max(yh - ym, 0)]], fmt=markers[n],
                        color=colours[n], capsize=3, markersize=7, label=chart_name(n),
                        linewidth=1)
        ax.set_xlabel(xlabel, fontsize=9)
        ax.set_title(kpi(name).label, loc="left", fontsize=10)
        ax.set_ylabel(kpi(name).display_unit(), fontsize=9)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=8)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=min(len(names), 4),
               frameon=False, fontsize=9)
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    return fig
