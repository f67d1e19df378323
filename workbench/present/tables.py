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
from pathlib import Path
from typing import Mapping, Sequence

import pandas as pd

from ..analysis.registry import KPI, format_value, kpi, most_of
from ..analysis.stats import t_interval
from .bidi import (FSI, PDI, balance_bidi, bidi_html, isolate, keep_figures, text_html,
                   unbreakable_length)

__all__ = [
    "FSI", "HEADLINE_KPIS", "PDI", "PRINT_WIDTH_PX", "READING_COLOURS", "TABLE_KPIS",
    "balance_bidi", "bidi_html", "bound_text", "clip_range",
    "difference_reading", "display_name", "isolate", "scroll_table", "text_html",
    "format_value", "interval_table", "kpi_comparison_table", "kpi_difference_table",
    "baseline_words", "counted", "kpi_intervals", "kpi_rows", "kpi_summary_table", "period_text",
    "print_groups", "reading", "run_details", "scenario_headers", "scenario_order", "table_html",
]

#: The measures of the explorer's and the comparison notebook's tables, in order.
TABLE_KPIS = [
    "assessment_within_45wd_pct", "cp_visits_on_time_pct", "court_visits_on_time_pct",
    "lac_visits_on_time_pct", "unallocated_mean", "caseload_mean", "workers_over_cap_pct",
    "sw_changes_per_child_year", "vacancy_rate_pct", "agency_share_pct", "turnover_pct",
    "cost_per_year_gbp",
]
#: The measures of the report's headline table, in order.
HEADLINE_KPIS = [
    "assessment_within_45wd_pct", "icpc_within_15wd_pct", "cp_visits_on_time_pct",
    "court_visits_on_time_pct", "lac_visits_on_time_pct", "referral_decision_within_1wd_pct",
    "unallocated_mean", "unallocated_peak", "caseload_mean", "workers_over_cap_pct",
    "sw_changes_per_child_year", "lac_3plus_sw_pct", "vacancy_rate_pct", "agency_share_pct",
    "turnover_pct", "cost_per_year_gbp", "cost_per_child_gbp",
]

READING_COLOURS = {"better": "#1a7f37", "worse": "#b42318", "no clear change": "#666666",
                   "too small to show": "#666666", "no change in any run": "#666666",
                   "higher": "#333333", "lower": "#333333"}
#: The same word for a difference that was the same in every paired run (no interval to give).
READING_COLOURS.update({f"{w} in every run": READING_COLOURS[w]
                        for w in ("better", "worse", "higher", "lower")})


# ============================================================================================
# Readings and ranges
# ============================================================================================

def reading(diff: float, lo: float, hi: float, better: int, resolution: float = 0.0,
            runs: int | None = None, all_equal: bool = False) -> str:
    """What a difference and its confidence interval say, in a word or three.

    Parameters
    ----------
    diff, lo, hi : float
        The difference (variant minus baseline) and its confidence interval, in the KPI's unit.
    better : int
        :attr:`KPI.better`: +1 higher is better, -1 lower is better, 0 neither.
    resolution : float, optional
        :attr:`KPI.resolution`, the smallest step the tables show.
    runs : int, optional
        The paired runs the difference comes from (``n`` of :meth:`Experiment.compare`), which
        says why there is no interval; without it, every difference without one is "not enough
        runs to tell", as before.
    all_equal : bool
        Every paired run gave the same difference (``sd_difference == 0``): the interval cannot
        be estimated (a zero width would print as exact), but the runs agree.

    Returns
    -------
    str
        "better" or "worse"; "higher" or "lower" for a measure that is neither good nor bad;
        "no change in any run" when two or more paired runs all gave exactly the same value;
        "no clear change" when the interval includes zero; "too small to show" when it excludes
        zero but the difference is within half the smallest step shown (paired runs on the same
        referrals can tell apart differences of a few hundredths of a point, which the tables
        would show as 0.0 and call better or worse); without an interval, "better in every run"
        (worse, higher, lower) from two or more runs that all differ by the same amount, "one
        run: cannot tell" from one, "no value to compare" when no pair of runs had a value
        (``runs`` 0), else "not enough runs to tell".
    """
    if runs is not None and runs >= 2 and all_equal and diff == 0:
        # every pair of runs gave exactly the same value (nothing the option changes reaches
        # this measure in the period): its range [0, 0] is no range at all, and "no clear
        # change" would suggest an uncertain one
        return "no change in any run"
    if any(math.isnan(v) for v in (diff, lo, hi)):
        if math.isnan(diff) and runs == 0:
            # no pair of runs had the measure at all (nobody holding cases, no assessment
            # finished, a measure "in a year" over less than one): more runs would not help
            return "no value to compare"
        if math.isnan(diff) or runs is None:
            return "not enough runs to tell"
        if runs == 1:
            return "one run: cannot tell"
        if runs >= 2 and all_equal and diff != 0:
            if abs(diff) < resolution / 2:
                return "too small to show"
            return f"{_direction(diff, better)} in every run"
        return "not enough runs to tell"
    if lo <= 0 <= hi:
        return "no clear change"
    if abs(diff) < resolution / 2:
        # the difference shows as 0.0: "better" beside it would contradict the table
        return "too small to show"
    return _direction(diff, better)


def _direction(diff: float, better: int) -> str:
    if better == 0:
        return "higher" if diff > 0 else "lower"
    return "better" if (diff > 0) == (better > 0) else "worse"


def difference_reading(row, k: KPI) -> str:
    """:func:`reading` of one row of :meth:`Experiment.compare` (``difference``, ``ci_low``,
    ``ci_high``, ``n``, ``sd_difference``) for the measure ``k``: with the runs it came from, so
    that a difference the same in every paired run reads "better in every run", not "not enough
    runs to tell"."""
    sd = getattr(row, "sd_difference", math.nan)
    n = getattr(row, "n", None)
    return reading(float(row.difference), float(row.ci_low), float(row.ci_high), k.better,
                   k.resolution, runs=None if n is None or n != n else int(n),
                   all_equal=bool(sd == 0))


def bound_text(k: KPI, value: float, sign: bool = True, unit: bool = True) -> str:
    """One end of a range of differences in ``k``'s format; an end that is not zero but shows as
    zero reads "just under 0.0" or "just over 0.0": "better -0.1 (95% range -0.1 to 0.0)" and
    "no clear change -0.1 (95% range -0.1 to 0.0)" looked the same, the one ending below zero
    and the other above it."""
    shown = k.format(value, sign, unit)
    zero = k.format(0.0, sign, unit)
    if value != 0 and not math.isnan(value) and shown.lstrip("+-") == zero.lstrip("+-"):
        return f"just {'under' if value < 0 else 'over'} {zero.lstrip('+-')}"
    return shown


def clip_range(kpi_name: str, low: float, high: float) -> tuple[float, float]:
    """A 95% range shown within the values a measure can take (counts and costs are not negative,
    shares lie between 0 and 100); with few replications a symmetric interval can overrun. The
    clipped range is still a 95% range: the true value lies within the limits anyway.

    Parameters
    ----------
    kpi_name : str
        The KPI (shares are capped at 100, :attr:`~workbench.analysis.registry.KPI.most`; turnover,
        a rate, is not).
    low, high : float
        The interval, in the KPI's unit.
    """
    return max(low, 0.0), min(high, most_of(kpi_name))


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
        the mean itself (a chart's bar with no range; :func:`kpi_summary_table` says "one run").
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
    if (end - start).days < SHORT_PERIOD_DAYS:
        # months alone misled: 31 October to 18 November read "October 2017 to November 2017"
        # and a fortnight in January "January 2018 to January 2018"
        return f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"
    return f"{start:%B %Y} to {end:%B %Y}"


#: A period shorter than this (days) is said to the day, not the month.
SHORT_PERIOD_DAYS = 92


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

def scenario_headers(fixed: Sequence[str], names: Sequence[str]) -> list[str]:
    """Column headers for scenarios beside a table's own headers (``fixed``): a scenario named as
    one of them ("Measure", "Reading") is headed "Measure (scenario)", so that neither column
    overwrites the other (a scenario named "Measure" took the place of the measures' names)."""
    taken, out = set(fixed), []
    for n in names:
        h = n
        while h in taken:
            h = f"{h} (scenario)"
        taken.add(h)
        out.append(h)
    return out


def kpi_summary_table(exp, kpis: Sequence[str | KPI] | None = None, level: float = 0.95,
                      default: Sequence[str] = TABLE_KPIS) -> pd.DataFrame:
    """Side-by-side KPI table: one row per measure, one column per scenario (its display name),
    each cell ``mean (low to high)`` with the confidence interval of the mean, shown within the
    values the measure can take (strings, for display)."""
    names = scenario_order(exp.kpis)
    heads = scenario_headers(["Measure"], [display_name(exp, n) for n in names])
    out = []
    for k in kpi_rows(exp, kpis, default):
        ci = kpi_intervals(exp.kpis, k.name, level).set_index("scenario")
        row = {"Measure": k.label}
        for n, head in zip(names, heads):
            m, lo, hi = (float(ci.loc[n, c]) for c in ("mean", "low", "high"))
            lo, hi = clip_range(k.name, lo, hi)
            runs = int(ci.loc[n, "n"])
            made = int((exp.kpis.scenario == n).sum())
            # runs with nothing to count (no court visit fell due in one of three) have no
            # value: the average of the others read as the scenario's, and "one run: no
            # range" as if one run had been made
            some = f"; {runs_with_value(runs, made)}" if runs < made else ""
            if math.isnan(m):
                cell = "n/a"
            elif runs < 2:       # one run has no range: "x (x to x)" would look certain
                cell = (f"{k.format(m)} (one run: no range)" if not some else
                        f"{k.format(m)} (only 1 of {made} runs had a value: no range)")
            elif hi - lo <= 1e-9 * max(1.0, abs(m)):   # every run gave the same value
                cell = (f"{k.format(m)} (the same in every run)" if not some else
                        f"{k.format(m)} (the same in each of the {runs} of {made} runs that "
                        f"had a value)")
            elif k.format(lo) == k.format(hi):   # a range narrower than the figure's last digit
                cell = f"{k.format(m)} (the range is within the figure shown{some})"
            else:
                cell = f"{k.format(m)} ({k.format(lo)} to {k.format(hi)}{some})"
            row[head] = cell
        out.append(row)
    return pd.DataFrame(out, columns=["Measure"] + heads)


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
    heads = scenario_headers(["Measure"], others)
    out = []
    for k in kpi_rows(exp, kpis):
        row = {"Measure": k.label}
        for n, head in zip(others, heads):
            r = _difference(cmp, n, k.name)
            if r is None:
                row[head] = "n/a"
                continue
            d, lo, hi = float(r.difference), float(r.ci_low), float(r.ci_high)
            rng = (f" ({bound_text(k, lo, True, False)} to {bound_text(k, hi, True, False)})"
                   if not math.isnan(lo) else "")
            row[head] = (f"{k.format(d, True)}{rng}, {difference_reading(r, k)}"
                         + _paired_of(exp, n, r, d))
        out.append(row)
    return pd.DataFrame(out, columns=["Measure"] + heads)


def _own_mean(exp, label: str, name: str, paired: float) -> float:
    """The paired runs' mean, or where no run pairs with a value (the other scenario has none:
    no assessment finished, say) the scenario's own mean over its runs: a starting scenario's
    average read "n/a" beside a scenario with no value."""
    if not math.isnan(float(paired)):
        return float(paired)
    values = exp.kpis.loc[exp.kpis.scenario == label, name].astype(float)
    return float(values.mean()) if values.notna().any() else math.nan


def runs_with_value(runs: int, made: int, both: bool = False) -> str:
    """"2 of 3 runs had a value" (" in both" of a paired comparison) when a measure had a value
    in fewer runs than were made (nothing it counts happened in the others); "" otherwise. The
    one wording of the tables, page one and the report's sentences."""
    return (f"{runs} of {made} runs had a value{' in both' if both else ''}"
            if 0 < runs < made else "")


def _paired_of(exp, scenario: str, r, d: float) -> str:
    """" (2 of 3 runs had a value in both)" when fewer runs were paired than were made (no
    court visit fell due in one of three: its reading said "one run: cannot tell" of a
    comparison of three runs, and a range of two pairs read as of all); "" otherwise."""
    made = int((exp.kpis.scenario == scenario).sum())
    paired = int(r.n) if r.n == r.n else made
    return (f" ({runs_with_value(paired, made, both=True)})"
            if 0 < paired < made and not math.isnan(d) else "")


def kpi_comparison_table(exp, baseline: str, scenario: str, kpis=None,
                         level: float = 0.95) -> pd.DataFrame:
    """A small table for one scenario against its base: columns ``Measure``, the base's mean, the
    scenario's mean, ``Difference`` (scenario minus base, paired over replications),
    ``95% CI of the difference`` and ``Reading`` ("better", "worse", "no clear change"; "higher"
    or "lower" for a measure that is neither good nor bad, such as cost)."""
    cmp = exp.compare(baseline, level=level)
    fixed = ["Measure", "Difference", "95% CI of the difference", "Reading"]
    base_head, head = scenario_headers(fixed, [baseline, scenario])
    out = []
    for k in kpi_rows(exp, kpis):
        r = _difference(cmp, scenario, k.name)
        if r is None:
            continue
        d, lo, hi = float(r.difference), float(r.ci_low), float(r.ci_high)
        some = _paired_of(exp, scenario, r, d)
        out.append({
            "Measure": k.label,
            base_head: k.format(_own_mean(exp, baseline, k.name, r.baseline_mean)),
            head: k.format(_own_mean(exp, scenario, k.name, r.variant_mean)),
            "Difference": k.format(d, True),
            # the range states its unit once, at its end
            "95% CI of the difference": (f"{bound_text(k, lo, True, False)} to "
                                         f"{bound_text(k, hi, True)}"
                                         if not math.isnan(lo) else "n/a") + some,
            "Reading": difference_reading(r, k),
        })
    return pd.DataFrame(out, columns=["Measure", base_head, head, "Difference",
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
        ("Produced", f"{(now := dt.datetime.now()).day} {now:%B %Y %H:%M}"),
        ("Replications per scenario", str(exp.replications)),
        ("Simulated period", f"{period_text(first, years)} ({years:g} "
                             f"year{'' if years == 1 else 's'}"
                             + (")" if exp.years else ", each scenario's own horizon)")),
        ("Warm-up left out", f"{exp.warmup_days:g} days"),
        ("Base seed", f"{exp.seed} (replication i uses the same random numbers in every scenario)"),
        # the runs' own time: a report's runs are loaded back from the command's files, and
        # the time of reading them is not the time they took (audit 10B)
        ("Run time", exp.run_time()),
        ("Python", platform.python_version()),
    ]
    for label, path in (files or {}).items():
        rows.append((f"Scenario file: {isolate(display_name(exp, label))}",
                     f"{Path(path).name} (sha256 {file_digest(path)}, content {exp.digests[label]})"))
    for _, f in exp.failures.iterrows():
        rows.append(("Failed replication", f"{isolate(f.scenario)} seed {f.seed}: {f.error}"))
    return pd.DataFrame(rows, columns=["Item", "Value"])


# ============================================================================================
# HTML (names and text as HTML: workbench.present.bidi)
# ============================================================================================

def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun in the right number: "1 option", "2 options"."""
    return f"{n:,} {noun if n == 1 else (plural or noun + 's')}"


def baseline_words(name: str, isolated: bool = True) -> str:
    """The baseline in running text, after "the": the project's word "baseline" for a baseline
    named so (in any case), else the scenario's name exactly as its author wrote it ("the Grow
    Our Own Academy"). A name is a proper noun: its case is kept, never lowered.

    Parameters
    ----------
    name : str
        The baseline scenario's name (its display name).
    isolated : bool
        Isolate the name for right-to-left text (:func:`tables.isolate`; False for a chart's
        title, which is not HTML).
    """
    plain = " ".join(str(name).split()).casefold()
    plain = plain[4:] if plain.startswith("the ") else plain
    if plain in ("", "baseline"):
        return "baseline"
    return isolate(name) if isolated else name


_CELL = "padding:4px 10px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top"


def _cell(value, tag: str = "td") -> str:
    text = str(value)
    style = _CELL
    word = next((w for w in READING_COLOURS if text == w or text.endswith(", " + w)), None)
    if word in ("better", "worse", "better in every run", "worse in every run"):
        style += f";color:{READING_COLOURS[word]};font-weight:600"
    elif word:
        style += f";color:{READING_COLOURS[word]}"
    # header cells say what they head: a column, or (the first cell of a body row) its row
    scope = ' scope="col"' if tag == "th" else ' scope="row"' if tag == "row" else ""
    if tag == "row":
        tag, style = "th", style + ";font-weight:normal"
    return f'<{tag}{scope} style="{style}">{keep_figures(bidi_html(text))}</{tag}>'


#: A table wider than the screen scrolls sideways in a region of its own, never the page (a
#: phone at 375 px; WCAG 1.4.10 exempts data tables from reflow): the region takes the keyboard's
#: focus (``tabindex="0"``: arrow keys scroll it), has a role and a name (the table's caption),
#: and shows a shadow at the edge where more columns are hidden (the white covers scroll with the
#: table and hide each shadow once its edge is reached). Inline, so that it works in a notebook
#: and a widget as in the report; the report and the app add the focus ring and, in print,
#: ``overflow: visible`` so that nothing is cut off.
SCROLL_STYLE = (
    "overflow-x:auto;max-width:100%;"
    "background:linear-gradient(to right,#fff 30%,rgba(255,255,255,0)) left center/3em 100% "
    "no-repeat local,linear-gradient(to left,#fff 30%,rgba(255,255,255,0)) right center/3em 100% "
    "no-repeat local,radial-gradient(farthest-side at 0 50%,rgba(0,0,0,.35),rgba(0,0,0,0)) "
    "left center/1.25em 100% no-repeat scroll,radial-gradient(farthest-side at 100% 50%,"
    "rgba(0,0,0,.35),rgba(0,0,0,0)) right center/1.25em 100% no-repeat scroll #fff")


def scroll_table(table: str, name: str, wide: bool = False) -> str:
    """``table`` (HTML built by the package) in its own sideways-scrolling region, named
    ``name`` (plain text, escaped here; names in it isolated by :func:`isolate`); ``wide``: the
    table has print parts (:func:`table_html`), which print in its place."""
    label = html.escape(balance_bidi(name), quote=True)
    classes = "wb-scroll wb-wide" if wide else "wb-scroll"
    return (f'<div class="{classes}" role="region" tabindex="0" aria-label="{label}" '
            f'style="{SCROLL_STYLE}">{table}</div>')


#: The A4 text column in CSS pixels (210 mm less the report's page margins of 13 mm each side, at
#: 96 px an inch), less 5% for the estimate's error: a table wider than the column would make
#: Chromium shrink every printed page to fit it, so a wider table also carries its print parts.
PRINT_WIDTH_PX = (210 - 26) / 25.4 * 96 * 0.95
#: What a character of a printed table takes at most on average (CSS pixels: Arial at 9.2 pt is
#: 12.3 px; figures are 0.56 em wide, bold ones and capitals more) and each cell's padding and
#: border (10 px each side, and 1). Measured against Chromium's narrowest tables of the bundled
#: scenarios, 10 and 13 scenarios and a 170-character name: the estimate is 0 to 15% wider.
_CHAR_PX = {"td": 0.56 * 12.3, "th": 0.62 * 12.3}
_CELL_PX = 21


def _narrowest_px(value, tag: str) -> float:
    """The estimated narrowest width of a cell of ``value``: its longest piece that cannot wrap
    (:func:`~workbench.present.bidi.unbreakable_length`) and its padding."""
    return unbreakable_length(value) * _CHAR_PX[tag] + _CELL_PX


def _column_groups(widths: list[float], first: float, room: float) -> list[list[int]]:
    """The columns 1..n shared out evenly into the fewest parts that each fit ``room`` beside the
    first column (one column a part at least)."""
    n = len(widths)
    for count in range(1, n + 1):
        size, extra = divmod(n, count)
        groups, start = [], 1
        for k in range(count):
            stop = start + size + (k < extra)
            groups.append(list(range(start, stop)))
            start = stop
        if all(first + sum(widths[i - 1] for i in g) <= room for g in groups):
            return groups
    return [[i] for i in range(1, n + 1)]


def print_groups(df: pd.DataFrame, room: float = PRINT_WIDTH_PX) -> list[list[int]]:
    """The parts ``df``'s table prints as (each a list of its columns after the first, which
    every part repeats): one part, all the columns, when it fits ``room`` (CSS pixels, by an
    estimate of its narrowest width) or has fewer than three columns."""
    columns = list(range(1, len(df.columns)))
    if len(df.columns) < 3:
        return [columns]
    widths = [max([_narrowest_px(head, "th")] + [_narrowest_px(v, "td") for v in df.iloc[:, i]])
              for i, head in enumerate(df.columns)]
    return _column_groups(widths[1:], widths[0], room)


_TABLE_OPEN = ('<table class="wb-table" style="border-collapse:collapse;font-size:0.92em;'
               'margin:0.4em 0 1em 0">')
_CAPTION_OPEN = '<caption style="text-align:left;font-weight:bold;padding-bottom:4px">'


def _table(df: pd.DataFrame, columns: list[int], caption: str) -> str:
    """The columns ``columns`` of ``df`` as an HTML table: column headers, and each row's first
    cell (the measure, the scenario) its row header (WCAG 1.3.1: a screen reader names the row
    with each figure)."""
    head = "".join(_cell(df.columns[i], "th") for i in columns)
    body = "".join("<tr>" + "".join(_cell(row[i], "row" if i == 0 else "td") for i in columns)
                   + "</tr>" for row in df.itertuples(index=False))
    return f"{_TABLE_OPEN}{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def table_html(df: pd.DataFrame, caption: str = "", name: str = "",
               room: float = PRINT_WIDTH_PX) -> str:
    """A table as plain HTML with inline styles, so that it looks the same in a notebook, a
    widget, a saved page and the printed report; no index. Every cell is escaped. Cells that are
    or end in a reading ("better", "worse", "no clear change") are coloured. The table is in its
    own scrolling region (:func:`scroll_table`) named ``name``, else its caption, else its
    first headings.

    A table too wide for the A4 text column (``room``: :func:`print_groups`) also carries its
    print parts, hidden: tables that each fit, the first column (the row headings) repeated in
    each and the caption numbered ("part 1 of 2"). The report's print style shows them in place
    of the whole table (class ``wb-wide``), which the screen shows as before, scrolling in its
    own region; everywhere else (a notebook, the explorer, the app) they stay hidden."""
    cap = f"{_CAPTION_OPEN}{text_html(caption)}</caption>" if caption else ""
    every = list(range(len(df.columns)))
    heads = ", ".join(isolate(str(c)) for c in df.columns[:3])
    heads += ", ..." if len(df.columns) > 3 else ""
    groups = print_groups(df, room)
    region = scroll_table(_table(df, every, cap), name or caption or f"Table: {heads}",
                          wide=len(groups) > 1)
    if len(groups) == 1:
        return region
    parts = []
    for k, cols in enumerate(groups, 1):
        label = f"part {k} of {len(groups)}"
        part_cap = (f"{_CAPTION_OPEN}{text_html(caption)} ({label})</caption>" if caption
                    else f"<caption>{label.capitalize()}</caption>")
        parts.append(_table(df, [0, *cols], part_cap))
    return region + f'<div class="wb-print-parts" style="display:none">{"".join(parts)}</div>'
