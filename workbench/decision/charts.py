"""Charts of decision support: the cost-against-timeliness frontier the optimiser found, and the
tornado of what the answer depends on, each with its text alternative (what the chart shows
and its finding, from the numbers: :func:`frontier_alt`, :func:`tornado_alt`).

matplotlib's object API (no pyplot: no global state, any backend); each function returns a
Figure, which the command line saves as PNG and a notebook shows. Labels and units come from the
KPI registry.
"""

from __future__ import annotations

import math

from .. import charting  # noqa: F401  (names shown as written, never as mathematics)
from ..analysis.registry import kpi
from .optimise import COST, OptimiseResult
from .sensitivity import SensitivityResult

__all__ = ["frontier_alt", "frontier_chart", "tornado_alt", "tornado_chart"]


def frontier_alt(res: OptimiseResult) -> str:
    """The frontier chart in words: what it plots, where the frontier runs and the chosen plan."""
    t = res.targets[0]
    k, c = kpi(t.kpi), kpi(COST)
    col = f"{t.kpi}_mean"
    tr = res.trials
    each = "the one plan" if len(tr) == 1 else f"each of the {len(tr):,} plans"
    text = (f"Scatter chart: the average {c.label.lower()} of {each} the "
            f"search tried against its {k.label.lower()}, with the frontier (the cheapest plan "
            f"for each level) joined and the target ({t.describe()}) as a dashed line.")
    fr = res.frontier.dropna(subset=["cost_mean", col])
    if len(fr):
        lo, hi = fr.iloc[0], fr.iloc[-1]
        text += (f" The frontier runs from {c.format(lo['cost_mean'])} ({k.format(lo[col])}) "
                 f"to {c.format(hi['cost_mean'])} ({k.format(hi[col])}).")
        met = fr[fr[col].map(t.met_by)]
        text += (f" The cheapest plan tried whose average met the target cost "
                 f"{c.format(met['cost_mean'].iloc[0])}." if len(met) else
                 " No plan tried met the target on average.")
    if res.chosen is not None and len(res.candidates):
        row = res.candidates[res.candidates["chosen"]].iloc[0]
        text += (f" The chosen plan, ringed, costs {c.format(row['cost_mean'])} with "
                 f"{k.format(row[col])} on fresh runs.")
    else:
        text += " No plan was chosen."
    return text


def tornado_alt(res: SensitivityResult, n: int = 8) -> str:
    """The tornado chart in words: the KPI at each input's low and high end, widest first."""
    k = kpi(res.kpi)
    t = res.tornado.head(n)
    if t.empty:
        return (f"Bar chart: {k.label.lower()} with each uncertain input at either end of its "
                f"range; no inputs.")
    base = float(t["kpi_base"].iloc[0])
    parts = []
    for r in t.head(4).itertuples():
        if math.isnan(r.kpi_low) or math.isnan(r.kpi_high):
            continue
        parts.append(f"{r.label}: {k.format(r.kpi_low)} at its low end, {k.format(r.kpi_high)} "
                     f"at its high end")
    each = ("its one uncertain input" if len(t) == 1
            else f"each of {len(t)} uncertain inputs")
    # the others at their medians, which is the scenario's own value only for the default
    # ranges (an uncertain: block of 7 to 14 hours, where the file says 9.5, is held at 10.5)
    others = ("" if len(t) == 1 else " and the others at the middle of their ranges, the "
              "widest swing at the top")
    return (f"Bar chart (tornado): {k.label.lower()} with {each} at "
            f"the low and the high end of its range (its 5% and 95% points){others}. With "
            f"every input at the middle of its range: "
            f"{k.format(base)}. "
            + "; ".join(parts) + ".")


def _short(label: str) -> str:
    """A measure's label in lower case for a title, without its bracket ("children waiting
    for a social worker")."""
    return label.split(" (")[0].lower()


def frontier_chart(res: OptimiseResult):
    """Every plan tried: mean cost against the first target's KPI, the frontier joined, the
    target's threshold dashed and the chosen plan ringed."""
    from matplotlib.figure import Figure

    t = res.targets[0]
    k, c = kpi(t.kpi), kpi(COST)
    col = f"{t.kpi}_mean"
    fig = Figure(figsize=(7.5, 4.2))
    ax = fig.subplots()
    tr = res.trials
    # in the unit the axis names (a cost in pounds on an axis of "GBP million" read a million
    # times too high)
    y = k.display_scale
    ax.scatter(tr["cost_mean"] * 1e-6, tr[col] * y, s=14, color="0.6", label="plans tried")
    fr = res.frontier
    ax.plot(fr["cost_mean"] * 1e-6, fr[col] * y, "-o", ms=4, color="tab:blue",
            label=f"cheapest for its {_short(k.label)} (frontier)")
    ax.axhline(t.threshold * y, ls="--", color="tab:red", lw=1,
               label=f"target: {t.describe()}")
    if res.chosen is not None:
        row = res.candidates[res.candidates["chosen"]].iloc[0]
        ax.scatter([row["cost_mean"] * 1e-6], [row[col] * y], s=120, facecolors="none",
                   edgecolors="black", linewidths=1.5, label="chosen plan (fresh runs)")
    ax.set_xlabel(f"{c.label} (£ million)")
    ax.set_ylabel(f"{k.label} ({k.display_unit()})")
    # the first target's measure, which need not be timeliness (children waiting, caseload)
    ax.set_title(f"Cost against {_short(k.label)} of the plans tried")
    ax.legend(fontsize=8, loc="best")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def tornado_chart(res: SensitivityResult, n: int = 8):
    """The KPI with each input at the low and the high end of its range (others at their medians),
    widest swing at the top, around the KPI with every input as given."""
    from matplotlib.figure import Figure

    k = kpi(res.kpi)
    t = res.tornado.head(n).iloc[::-1]
    fig = Figure(figsize=(7.5, 0.45 * len(t) + 1.6))
    ax = fig.subplots()
    sc = k.display_scale   # in the unit the axis names (pounds on "GBP million" before)
    base = float(res.tornado["kpi_base"].iloc[0]) * sc if len(res.tornado) else 0.0
    y = range(len(t))
    ax.barh(y, t["kpi_low"] * sc - base, left=base, color="tab:orange",
            label="input at its low end")
    ax.barh(y, t["kpi_high"] * sc - base, left=base, color="tab:blue", alpha=0.7,
            label="input at its high end")
    ax.axvline(base, color="black", lw=1)
    ax.set_yticks(list(y), [s[:1].upper() + s[1:] for s in t["label"]], fontsize=8)
    ax.set_xlabel(f"{k.label} ({k.display_unit()})")
    ax.set_title("What the answer depends on")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig
