"""Text alternatives for the report's charts: what each chart shows and its main finding.

A councillor using a screen reader, or reading a printed paper where a chart did not reproduce,
gets the same finding as one looking at the chart (WCAG 2.2, 1.1.1). Every sentence is built from
the experiment's numbers (means from :meth:`Experiment.summary`, paired differences from
:meth:`Experiment.compare`, formats from :mod:`workbench.analysis.registry`); nothing about a
result is written by hand. Every name in them is isolated (:func:`~workbench.present.tables.
isolate`: FSI ... PDI in the ``alt`` text, ``<bdi>`` in a visible caption), so that a
right-to-left name cannot move the figure after it.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

from ..analysis.registry import kpi
from .tables import baseline_words, counted, display_name, isolate, reading, scenario_order

__all__ = ["extremes", "alt_bars", "alt_lines", "alt_differences", "alt_panels", "alt_tradeoffs",
           "alt_waiting"]


def _means(exp, kpi_name: str, labels: Sequence[str]) -> dict[str, float]:
    s = exp.summary(kpis=[kpi_name])
    return {lb: float(s.loc[s.scenario == lb, "mean"].iloc[0]) for lb in labels
            if (s.scenario == lb).any() and not math.isnan(float(s.loc[s.scenario == lb, "mean"].iloc[0]))}


def extremes(exp, kpi_name: str, labels: Sequence[str] | None = None,
             names: Mapping[str, str] | None = None) -> str:
    """ "Highest: A (v); lowest: B (w)." for one measure over ``labels`` (default all);
    ``names``: what to call some of them (default their names)."""
    labels = list(labels or scenario_order(exp.kpis))
    m = _means(exp, kpi_name, labels)
    if not m:
        return "No values to compare."
    k = kpi(kpi_name)
    hi, lo = max(m, key=m.get), min(m, key=m.get)
    name = {lb: isolate((names or {}).get(lb) or display_name(exp, lb)) for lb in (hi, lo)}
    if len(m) == 1 or m[hi] == m[lo]:
        return f"Average {k.format(m[hi])} ({name[hi]})."
    return (f"Highest on average: {name[hi]} ({k.format(m[hi])}); lowest: "
            f"{name[lo]} ({k.format(m[lo])}).")


def _period(exp) -> str:
    ts = exp.timeseries
    if ts.empty:
        return ""
    d = ts["date"].astype(str)
    return f" from {d.min()[:7]} to {d.max()[:7]}"


def alt_lines(exp, title: str, kpi_name: str, labels: Sequence[str], what: str = "") -> str:
    """A line chart of a weekly series, one line per option (with its 95% range band)."""
    return (f"Line chart: {title}, week by week{_period(exp)}, one line for each of "
            f"{counted(len(labels), 'option')} with a shaded 95% range. {what}"
            f"Over the period: {extremes(exp, kpi_name, labels)}").replace("  ", " ")


def alt_bars(exp, kpi_name: str, labels: Sequence[str]) -> str:
    """A bar chart of one measure, one bar per option with its 95% range."""
    return (f"Bar chart: {kpi(kpi_name).label}, one bar for each of "
            f"{counted(len(labels), 'option')} with its 95% range. {extremes(exp, kpi_name, labels)}")


def alt_differences(exp, baseline: str, labels: Sequence[str], kpi_names: Sequence[str]) -> str:
    """The difference chart: each option minus the baseline, one panel per measure."""
    names = [n for n in kpi_names if n in exp.kpis.columns]
    cmp = exp.compare(baseline, kpis=names)
    better, worse = [], []
    for _, r in cmp[cmp.scenario.isin(labels)].iterrows():
        k = kpi(r.kpi)
        word = reading(float(r.difference), float(r.ci_low), float(r.ci_high), k.better,
                       k.resolution)
        item = f"{isolate(display_name(exp, r.scenario))} on {kpi(r.kpi).label.lower()}"
        (better if word == "better" else worse if word == "worse" else []).append(item)
    found = (("Clearly better: " + "; ".join(better) + ". ") if better else
             "No option is clearly better on any measure. ")
    found += ("Clearly worse: " + "; ".join(worse) + ".") if worse else "None is clearly worse."
    return (f"Bar chart in {counted(len(names), 'panel')}, one for each measure: each option's "
            f"difference from the {baseline_words(display_name(exp, baseline))} with its 95% "
            f"range. {found} Every other difference is not clear.")


def alt_panels(exp, title: str, labels: Sequence[str], kpi_name: str, what: str) -> str:
    """Small multiples: one panel per option on the same scales."""
    return (f"{title}: {counted(len(labels), 'panel')}, one for each option, on the same scales. {what} "
            f"{extremes(exp, kpi_name, labels)}")


def alt_tradeoffs(exp, labels: Sequence[str], kpi_names: Sequence[str],
                  x: str = "cost_per_year_gbp") -> str:
    """Cost against several measures, one point per option."""
    parts = [f"{kpi(n).label}: {extremes(exp, n, labels)}" for n in kpi_names
             if n in exp.kpis.columns]
    return (f"Scatter charts of {kpi(x).label.lower()} against {counted(len(parts), 'measure')}, "
            f"one point per option with 95% ranges. {kpi(x).label}: {extremes(exp, x, labels)} "
            + " ".join(parts))


def alt_waiting(exp, options: Sequence[str], stressed: Sequence[str], pressure: str | None,
                names: Mapping[str, str] | None = None) -> str:
    """The children-waiting chart: the options, and beside them the stress test (``names``:
    each stressed run by its option's name, as the chart's legend calls it)."""
    text = (f"Line charts of children waiting for a social worker, week by week{_period(exp)}. "
            f"Left: the {counted(len(options), 'option')} on their own scale. "
            f"{extremes(exp, 'unallocated_mean', options)}")
    if pressure and stressed:
        text += (f" Right: the same options under the stress test ({isolate(pressure)}), on its "
                 f"own scale. {extremes(exp, 'unallocated_mean', stressed, names)}")
    return text
