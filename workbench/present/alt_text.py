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
from typing import Callable, Mapping, Sequence

from ..analysis.registry import kpi
from .tables import (baseline_words, counted, difference_reading, display_name, isolate,
                     scenario_order)

__all__ = ["extremes", "alt_bars", "alt_lines", "alt_differences", "alt_panels", "alt_tradeoffs",
           "alt_waiting", "explorer_alts"]


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
    # values as shown: two that show the same are tied, and every one tied is named
    shown = {lb: k.format(v) for lb, v in m.items()}
    hi, lo = shown[max(m, key=m.get)], shown[min(m, key=m.get)]

    def who(value: str) -> str:
        return _and([isolate((names or {}).get(lb) or display_name(exp, lb))
                     for lb in m if shown[lb] == value])

    if len(m) == 1:
        return f"Average {hi} ({who(hi)})."
    if hi == lo:   # two: "Both", not "All 2"
        return (f"{'Both' if len(m) == 2 else f'All {len(m):,}'} have the same average, {hi} "
                f"({who(hi)}).")
    return f"Highest on average: {who(hi)} ({hi}); lowest: {who(lo)} ({lo})."


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _each(n: int, thing: str, what: str = "scenario") -> str:
    """ "one line for each of 3 scenarios"; "one line" for a single one (not "each of 1").
    Scenarios, not options: the baseline is one of them, and page one counts the options
    without it ("We compared 6 options with the baseline" beside "each of 7 options")."""
    return f"one {thing}" if n == 1 else f"one {thing} for each of {counted(n, what)}"


def _range(exp, text: str) -> str:
    """`` with its 95% range`` (``text``), or nothing from a single run: it has no range."""
    return text if getattr(exp, "replications", 2) > 1 else ""


def _period(exp) -> str:
    ts = exp.timeseries
    if ts.empty:
        return ""
    d = ts["date"].astype(str)
    return f" from {d.min()[:7]} to {d.max()[:7]}"


def alt_lines(exp, title: str, kpi_name: str, labels: Sequence[str], what: str = "") -> str:
    """A line chart of a weekly series, one line per option (with its 95% range band)."""
    return (f"Line chart: {title}, week by week{_period(exp)}, {_each(len(labels), 'line')}"
            f"{_range(exp, ' with a shaded 95% range')}. {what}"
            f"Over the period: {extremes(exp, kpi_name, labels)}").replace("  ", " ")


def alt_bars(exp, kpi_name: str, labels: Sequence[str]) -> str:
    """A bar chart of one measure, one bar per option with its 95% range."""
    return (f"Bar chart: {kpi(kpi_name).label}, {_each(len(labels), 'bar')}"
            f"{_range(exp, ' with its 95% range')}. {extremes(exp, kpi_name, labels)}")


def alt_differences(exp, baseline: str, labels: Sequence[str], kpi_names: Sequence[str]) -> str:
    """The difference chart: each option minus the baseline, one panel per measure."""
    names = [n for n in kpi_names if n in exp.kpis.columns]
    cmp = exp.compare(baseline, kpis=names)
    said: dict[str, list[str]] = {w: [] for w in ("better", "worse", "higher", "lower",
                                                   "too small to show", "no change in any run")}
    unnamed = 0   # differences none of the sentences below names (not clear ones)
    for _, r in cmp[cmp.scenario.isin(labels)].iterrows():
        k = kpi(r.kpi)
        word = difference_reading(r, k).removesuffix(" in every run")   # as compare reads it
        item = f"{isolate(display_name(exp, r.scenario))} on {kpi(r.kpi).label.lower()}"
        if word in said:
            said[word].append(item)
        else:
            unnamed += 1
    better, worse = said["better"], said["worse"]
    found = (("Clearly better: " + "; ".join(better) + ". ") if better else
             "No option is clearly better on any measure. ")
    found += ("Clearly worse: " + "; ".join(worse) + ".") if worse else "None is clearly worse."
    # a clear change in a measure that is neither better nor worse (the cost) is clear too:
    # "every other difference is not clear" said the cost a year was not clearly higher
    for word in ("higher", "lower"):
        if said[word]:
            found += f" Clearly {word} (neither better nor worse): " + "; ".join(said[word]) + "."
    if said["too small to show"]:
        found += " Too small to show: " + "; ".join(said["too small to show"]) + "."
    # the same value in every run is no change for certain, not a change that is not clear
    # (the table above reads "No change in any run")
    if said["no change in any run"]:
        found += " No change in any run: " + "; ".join(said["no change in any run"]) + "."
    if getattr(exp, "replications", 2) < 2:
        found = "With a single run there is no range, so no difference can be called clear."
    elif unnamed:
        # only when some difference is left unnamed: of an option the same as the baseline in
        # every run, every difference is named above and "every other" was none
        found += " Every other difference is not clear."
    return (f"Bar chart in {counted(len(names), 'panel')}, one for each measure: each option's "
            f"difference from the {baseline_words(display_name(exp, baseline))}"
            f"{_range(exp, ' with its 95% range')}. {found}")


def alt_panels(exp, title: str, labels: Sequence[str], kpi_name: str, what: str) -> str:
    """Small multiples: one panel per scenario (the baseline is one) on the same scales."""
    panels = ("one panel" if len(labels) == 1
              else f"{counted(len(labels), 'panel')}, one for each scenario, on the same scales")
    return (f"{title}: {panels}. {what} "
            f"{extremes(exp, kpi_name, labels)}")


def alt_tradeoffs(exp, labels: Sequence[str], kpi_names: Sequence[str],
                  x: str = "cost_per_year_gbp") -> str:
    """Cost against several measures, one point per scenario (the baseline is one)."""
    parts = [f"{kpi(n).label}: {extremes(exp, n, labels)}" for n in kpi_names
             if n in exp.kpis.columns]
    return (f"Scatter charts of {kpi(x).label.lower()} against {counted(len(parts), 'measure')}, "
            f"one point per scenario{_range(exp, ' with 95% ranges')}. "
            f"{kpi(x).label}: {extremes(exp, x, labels)} "
            + " ".join(parts))


def alt_waiting(exp, options: Sequence[str], stressed: Sequence[str], pressure: str | None,
                names: Mapping[str, str] | None = None) -> str:
    """The children-waiting chart: the options, and beside them the stress test (``names``:
    each stressed run by its option's name, as the chart's legend calls it)."""
    found = extremes(exp, "unallocated_mean", options)
    if not (pressure and stressed):   # one panel: no "Left:" (there is no right)
        return (f"Line chart of children waiting for a social worker, week by week"
                f"{_period(exp)}, {_each(len(options), 'line')}. {found}")
    # the scenarios, not "the 7 options": the baseline is one of them (page one: "6 options")
    who = ("the one scenario on its" if len(options) == 1
           else f"the {len(options):,} scenarios on their")
    return (f"Line charts of children waiting for a social worker, week by week{_period(exp)}. "
            f"Left: {who} own scale. {found} Right: the same "
            f"{'scenario' if len(options) == 1 else 'scenarios'} under the stress test "
            f"({isolate(pressure)}), on its own scale. "
            f"{extremes(exp, 'unallocated_mean', stressed, names)}")


def explorer_alts(exp, aim: float) -> dict[str, Callable[[], str]]:
    """The text alternative of each of the explorer's charts, by the chart's name (each made from
    the run's numbers when its chart is drawn); ``aim``: the caseload aim the charts show."""
    labels = list(exp.scenarios)
    spread = (f"Each panel shows the median worker's caseload, the middle half and 10% to 90% of "
              f"workers, against the aim of {aim:g}. Average caseload:")
    staff = ("Each panel stacks experienced, newly qualified, academy and agency staff (full-time "
             "equivalents) with vacant posts dotted. Vacant posts, as a share of funded posts:")
    lines = {"timeliness": ("share of assessments finished within 45 working days",
                            "assessment_within_45wd_pct"),
             "unallocated": ("children waiting for a social worker", "unallocated_mean"),
             "caseload_mean": (f"average cases per full-time social worker against the aim of "
                               f"{aim:g}", "caseload_mean"),
             "sw_changes_over_time": ("changes of social worker per child per year",
                                      "sw_changes_per_child_year")}
    alts = {n: (lambda t=t, k=k: alt_lines(exp, t, k, labels)) for n, (t, k) in lines.items()}
    alts["caseloads"] = lambda: alt_panels(exp, "Caseloads against the aim", labels,
                                           "caseload_mean", spread)
    alts["workforce"] = lambda: alt_panels(exp, "Staff in post by type and vacant posts", labels,
                                           "vacancy_rate_pct", staff)
    alts["sw_changes"] = lambda: alt_bars(exp, "sw_changes_per_child_year", labels)
    alts["cost"] = lambda: alt_bars(exp, "cost_per_year_gbp", labels)
    return alts
