"""Tables of results for people: KPI values with their ranges, differences with a reading
(better, worse, no clear change), how the numbers were made, and one HTML rendering of them.

Every label, format and better-direction comes from :data:`workbench.analysis.registry.KPIS`;
every interval from :func:`workbench.analysis.stats.t_interval` (through the experiment's own
``summary`` and ``compare``, or :func:`kpi_intervals`).
"""

from __future__ import annotations

import datetime as dt
import html
import math
import platform
import re
import unicodedata
from pathlib import Path
from typing import Mapping, Sequence

import pandas as pd

from ..analysis.registry import KPI, format_value, kpi
from ..analysis.stats import t_interval

__all__ = [
    "HEADLINE_KPIS", "READING_COLOURS", "TABLE_KPIS", "bidi_html", "clip_range", "display_name",
    "format_value", "interval_table", "kpi_comparison_table", "kpi_difference_table",
    "kpi_intervals", "kpi_rows", "kpi_summary_table", "period_text", "reading", "run_details",
    "scenario_order", "table_html",
]

#: The measures of the explorer's and the comparison notebook's tables, in order.
TABLE_KPIS = [
    "assessment_within_45wd_pct", "cp_visits_on_time_pct", "unallocated_mean", "caseload_mean",
    "workers_over_cap_pct", "sw_changes_per_child_year", "vacancy_rate_pct", "agency_share_pct",
    "turnover_pct", "cost_per_year_gbp",
]
#: The measures of the report's headline table, in order.
HEADLINE_KPIS = [
    "assessment_within_45wd_pct", "icpc_within_15wd_pct", "cp_visits_on_time_pct",
    "referral_decision_within_1wd_pct", "unallocated_mean", "unallocated_peak", "caseload_mean",
    "workers_over_cap_pct", "sw_changes_per_child_year", "lac_3plus_sw_pct", "vacancy_rate_pct",
    "agency_share_pct", "turnover_pct", "cost_per_year_gbp", "cost_per_child_gbp",
]

READING_COLOURS = {"better": "#1a7f37", "worse": "#b42318", "no clear change": "#666666",
                   "too small to show": "#666666", "higher": "#333333", "lower": "#333333"}


# ============================================================================================
# Readings and ranges
# ============================================================================================

def reading(diff: float, lo: float, hi: float, better: int, resolution: float = 0.0) -> str:
    """What a difference and its confidence interval say, in a word or three.

    Parameters
    ----------
    diff, lo, hi : float
        The difference (variant minus baseline) and its confidence interval, in the KPI's unit.
    better : int
        :attr:`KPI.better`: +1 higher is better, -1 lower is better, 0 neither.
    resolution : float, optional
        :attr:`KPI.resolution`, the smallest step the tables show.

    Returns
    -------
    str
        "better" or "worse"; "higher" or "lower" for a measure that is neither good nor bad;
        "no clear change" when the interval includes zero; "too small to show" when it excludes
        zero but lies wholly within half the smallest step shown (paired runs on the same
        referrals can tell apart differences of a few hundredths of a point, which the tables
        would show as 0.0 and call better or worse); "not enough runs to tell" without an
        interval.
    """
    if any(math.isnan(v) for v in (diff, lo, hi)):
        return "not enough runs to tell"
    if lo <= 0 <= hi:
        return "no clear change"
    if max(abs(lo), abs(hi)) < resolution / 2:
        return "too small to show"
    if better == 0:
        return "higher" if diff > 0 else "lower"
    return "better" if (diff > 0) == (better > 0) else "worse"


def clip_range(kpi_name: str, low: float, high: float) -> tuple[float, float]:
    """A 95% range shown within the values a measure can take (counts and costs are not negative,
    percentages lie between 0 and 100); with few replications a symmetric interval can overrun.

    Parameters
    ----------
    kpi_name : str
        The KPI (``*_pct`` measures are capped at 100).
    low, high : float
        The interval, in the KPI's unit.
    """
    low = max(low, 0.0)
    if kpi_name.endswith("_pct"):
        high = min(high, 100.0)
    return low, high


def kpi_intervals(kpis: pd.DataFrame, kpi_name: str, level: float = 0.95) -> pd.DataFrame:
    """Mean and t confidence interval of one KPI per scenario, in scenario order.

    Parameters
    ----------
    kpis : pandas.DataFrame
        A tidy table with a ``scenario`` column and one column per KPI (one row a replication).
    kpi_name : str
        The column.
    level : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        ``scenario, mean, low, high, n`` in the KPI's unit; with one replication the interval is
        the mean itself (nothing to show).
    """
    rows = []
    for name in scenario_order(kpis):
        n, mean, _sd, hw, _q = t_interval(kpis.loc[kpis.scenario == name, kpi_name], level)
        hw = 0.0 if math.isnan(hw) else hw
        rows.append({"scenario": name, "mean": mean, "low": mean - hw, "high": mean + hw, "n": n})
    return pd.DataFrame(rows, columns=["scenario", "mean", "low", "high", "n"])


def scenario_order(df: pd.DataFrame) -> list[str]:
    """The scenarios of a tidy table in the order they first appear (the baseline first)."""
    return list(dict.fromkeys(df["scenario"]))


def period_text(scenario, years: float | None, warmup_days: float = 0.0) -> str:
    """The simulated period in words, e.g. "October 2017 to October 2019".

    Parameters
    ----------
    scenario : Scenario
        Its ``start_date`` and, when ``years`` is None, its ``horizon_years``.
    years : float, optional
        Years simulated.
    warmup_days : float
        Days left out at the start (calendar days).
    """
    start = scenario.start_date + dt.timedelta(days=warmup_days)
    end = scenario.start_date + dt.timedelta(days=(years or scenario.horizon_years) * 365.25)
    return f"{start:%B %Y} to {end:%B %Y}"


def display_name(exp, label: str) -> str:
    """A scenario's name as shown to readers (its own ``name``, else its label)."""
    return exp.scenarios[label].name or label


def kpi_rows(exp, kpis: Sequence[str | KPI] | None = None,
             default: Sequence[str] = TABLE_KPIS) -> list[KPI]:
    """The registry entries of the measures asked for (``default`` when None) that the
    experiment has."""
    chosen = [k if isinstance(k, KPI) else kpi(k) for k in (default if kpis is None else kpis)]
    return [k for k in chosen if k.name in exp.kpis.columns]


# ============================================================================================
# KPI tables
# ============================================================================================

def kpi_summary_table(exp, kpis: Sequence[str | KPI] | None = None, level: float = 0.95,
                      default: Sequence[str] = TABLE_KPIS) -> pd.DataFrame:
    """Side-by-side KPI table: one row per measure, one column per scenario (its display name),
    each cell ``mean (low to high)`` with the confidence interval of the mean, shown within the
    values the measure can take (strings, for display)."""
    names = scenario_order(exp.kpis)
    out = []
    for k in kpi_rows(exp, kpis, default):
        ci = kpi_intervals(exp.kpis, k.name, level).set_index("scenario")
        row = {"Measure": k.label}
        for n in names:
            m, lo, hi = (float(ci.loc[n, c]) for c in ("mean", "low", "high"))
            lo, hi = clip_range(k.name, lo, hi)
            row[display_name(exp, n)] = (f"{k.format(m)} ({k.format(lo)} to {k.format(hi)})"
                                         if not math.isnan(m) else "n/a")
        out.append(row)
    return pd.DataFrame(out, columns=["Measure"] + [display_name(exp, n) for n in names])


def interval_table(exp, kpis: Sequence[str] | None = None) -> pd.DataFrame:
    """The report's headline table: :func:`kpi_summary_table` of :data:`HEADLINE_KPIS`."""
    return kpi_summary_table(exp, kpis, default=HEADLINE_KPIS)


def _difference(cmp: pd.DataFrame, scenario: str, name: str):
    r = cmp[(cmp.scenario == scenario) & (cmp.kpi == name)]
    return None if r.empty else r.iloc[0]


def kpi_difference_table(exp, baseline: str | None = None, kpis=None,
                         level: float = 0.95) -> pd.DataFrame:
    """Paired differences against the baseline: one row per measure, one column per other
    scenario, each cell ``difference (low to high), reading`` where the range is the confidence
    interval of the difference on common random numbers and the reading says whether the change
    is clearly better, clearly worse, or not clear (the interval includes zero)."""
    names = scenario_order(exp.kpis)
    baseline = baseline or names[0]
    cmp = exp.compare(baseline, level=level)
    others = [n for n in names if n != baseline]
    out = []
    for k in kpi_rows(exp, kpis):
        row = {"Measure": k.label}
        for n in others:
            r = _difference(cmp, n, k.name)
            if r is None:
                row[n] = "n/a"
                continue
            d, lo, hi = float(r.difference), float(r.ci_low), float(r.ci_high)
            rng = f" ({k.format(lo, True, False)} to {k.format(hi, True, False)})" if not math.isnan(lo) else ""
            row[n] = f"{k.format(d, True)}{rng}, {reading(d, lo, hi, k.better, k.resolution)}"
        out.append(row)
    return pd.DataFrame(out, columns=["Measure"] + others)


def kpi_comparison_table(exp, baseline: str, scenario: str, kpis=None,
                         level: float = 0.95) -> pd.DataFrame:
    """A small table for one scenario against its base: columns ``Measure``, the base's mean, the
    scenario's mean, ``Difference`` (scenario minus base, paired over replications),
    ``95% CI of the difference`` and ``Reading`` ("better", "worse", "no clear change"; "higher"
    or "lower" for a measure that is neither good nor bad, such as cost)."""
    cmp = exp.compare(baseline, level=level)
    out = []
    for k in kpi_rows(exp, kpis):
        r = _difference(cmp, scenario, k.name)
        if r is None:
            continue
        d, lo, hi = float(r.difference), float(r.ci_low), float(r.ci_high)
        out.append({
            "Measure": k.label,
            baseline: k.format(float(r.baseline_mean)),
            scenario: k.format(float(r.variant_mean)),
            "Difference": k.format(d, True),
            # the range states its unit once, at its end
            "95% CI of the difference": (f"{k.format(lo, True, False)} to {k.format(hi, True)}"
                                         if not math.isnan(lo) else "n/a"),
            "Reading": reading(d, lo, hi, k.better, k.resolution),
        })
    return pd.DataFrame(out, columns=["Measure", baseline, scenario, "Difference",
                                      "95% CI of the difference", "Reading"])


# ============================================================================================
# How the numbers were made
# ============================================================================================

def run_details(exp, files: Mapping[str, str | Path] | None = None) -> pd.DataFrame:
    """A small table of how the numbers were made: versions, replications, seed, period, run
    time, each scenario file with its digests, and any failed replication.

    Parameters
    ----------
    exp : Experiment
        The results.
    files : dict[str, path], optional
        Each scenario's file, by label.
    """
    from .. import __version__
    from ..scenario import file_digest

    first = next(iter(exp.scenarios.values()))
    years = exp.years or first.horizon_years
    rows = [
        ("Workbench version", __version__),
        ("Produced", dt.datetime.now().strftime("%d %B %Y %H:%M")),
        ("Replications per scenario", str(exp.replications)),
        ("Simulated period", f"{period_text(first, years)} ({years:g} years"
                             + (")" if exp.years else ", each scenario's own horizon)")),
        ("Warm-up left out", f"{exp.warmup_days:g} days"),
        ("Base seed", f"{exp.seed} (replication i uses the same random numbers in every scenario)"),
        ("Run time", f"{exp.elapsed_s:.1f} s on the {exp.executor} executor"),
        ("Python", platform.python_version()),
    ]
    for label, path in (files or {}).items():
        rows.append((f"Scenario file: {display_name(exp, label)}",
                     f"{Path(path).name} (sha256 {file_digest(path)}, content {exp.digests[label]})"))
    for _, f in exp.failures.iterrows():
        rows.append(("Failed replication", f"{f.scenario} seed {f.seed}: {f.error}"))
    return pd.DataFrame(rows, columns=["Item", "Value"])


# ============================================================================================
# HTML
# ============================================================================================

#: A word longer than this (a name typed without spaces) may break every :data:`_PIECE`
#: characters (``<wbr>``), so that it wraps within a table's column or the page instead of
#: running past the A4 print width. Shorter words never break.
_LONG_WORD = 24
_PIECE = 16


def bidi_html(text: str) -> str:
    """``text`` escaped for HTML; text holding right-to-left letters (Arabic, Hebrew, ...) is
    also isolated in ``<bdi>``, so that it reads in its own direction and the text around it
    keeps its order (a name such as "خطة 24 (=1+1)" otherwise showed as "(1+1=) 24 خطة"); a
    word of more than 24 characters may wrap (``<wbr>``)."""
    escaped = "".join(
        "<wbr>".join(html.escape(part[i:i + _PIECE]) for i in range(0, len(part), _PIECE))
        if len(part) > _LONG_WORD else html.escape(part)
        for part in re.split(r"(\s+)", text))
    if any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text):
        return f"<bdi>{escaped}</bdi>"
    return escaped


_CELL = "padding:4px 10px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top"


def _cell(value, tag: str = "td") -> str:
    text = str(value)
    style = _CELL
    word = next((w for w in READING_COLOURS if text == w or text.endswith(", " + w)), None)
    if word in ("better", "worse"):
        style += f";color:{READING_COLOURS[word]};font-weight:600"
    elif word:
        style += f";color:{READING_COLOURS[word]}"
    scope = ' scope="col"' if tag == "th" else ""  # header cells say what they head
    return f'<{tag}{scope} style="{style}">{bidi_html(text)}</{tag}>'


def table_html(df: pd.DataFrame, caption: str = "") -> str:
    """A table as plain HTML with inline styles, so that it looks the same in a notebook, a
    widget, a saved page and the printed report; no index. Every cell is escaped. Cells that are
    or end in a reading ("better", "worse", "no clear change") are coloured."""
    head = "".join(_cell(c, "th") for c in df.columns)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>"
                   for row in df.itertuples(index=False))
    cap = (f'<caption style="text-align:left;font-weight:bold;padding-bottom:4px">'
           f"{html.escape(caption)}</caption>" if caption else "")
    return (f'<table class="wb-table" style="border-collapse:collapse;font-size:0.92em;'
            f'margin:0.4em 0 1em 0">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')
