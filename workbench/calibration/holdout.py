"""The data as they stood at a cut-off date, and the naive forecasts a model must beat.

An honest back-test fits on what was known before a cut-off and forecasts the following year.
:func:`known_at` blanks everything recorded from the cut-off on (later referrals, stages, ends,
closures, starters and leavers, and the census fields of a later census), so that the fit cannot
see the year it is tested on. :func:`naive_forecasts` gives the two forecasts any analyst could
make without a model: last year's value carried forward, and a straight line through the years
before the cut-off.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd

from .extracts import CaseData, Roster, to_date

#: said in the back-test's notes when the data are cut
NOTE_CENSUS = ("Cases30 and WorkingDaysLost of the latest census are blanked: it was taken "
               "after the cut-off (censuses taken before it are kept)")
#: The same for returns, whose censuses are dated year by year.
NOTE_CENSUSES = ("Cases30 and WorkingDaysLost are those of the censuses taken before the "
                 "cut-off; later censuses are left out")


def census_note(roster: Roster) -> str:
    """What the cut-off did to the caseloads and absence (:func:`known_at`): blanked for a flat
    extract (one census, at the extract date), read from the earlier censuses for returns."""
    return NOTE_CENSUS if roster.census is None else NOTE_CENSUSES


def known_at(cases: CaseData, roster: Roster, day: float) -> tuple[CaseData, Roster]:
    """The case and workforce tables as known at the start of ``day`` (a day number).

    Episodes referred and stages started from ``day`` on are dropped; ends, closures and leaving
    dates from ``day`` on are blanked (the episode, stage or worker was still open then), with
    their closure or leaving reasons. The roster's ``Cases30`` and ``WorkingDaysLost`` come from
    the latest census, after the cut-off, so a flat extract's are blanked too
    (:data:`NOTE_CENSUS`). Of returns' censuses year by year (``roster.census``) those taken
    before the cut-off are kept, and give the caseloads and absence as they stood then
    (:func:`~.returns.workers_across.census_up_to`; before, they were blanked as well, and the
    back-test's caseloads fell back to the template's). Whether an open case had an allocated
    worker is kept as recorded (the returns give it only at their own date).
    """
    if roster.census is not None:
        from .returns.workers_across import census_up_to

        # the censuses taken before ``day`` (census_up_to keeps those on or before its day)
        roster, _later = census_up_to(roster, float(np.nextafter(day, -np.inf)))
    ep = cases.episodes[cases.episodes.referral < day].copy()
    if "worker_key" in ep:
        # the worker named is the one at the extract date, who may have started after ``day``:
        # not matched against the roster known then
        ep["worker_key"] = 0
    later = ep.closure >= day
    ep.loc[later, "closure"] = np.nan
    ep.loc[later, "reason"] = ""
    st = cases.stages[cases.stages.episode.isin(ep.episode) & ~(cases.stages.start >= day)].copy()
    st.loc[st.end >= day, "end"] = np.nan
    w = roster.workers[~(roster.workers.start >= day)].copy()
    left_later = w.end >= day
    w.loc[left_later, "end"] = np.nan
    w.loc[left_later, "reason"] = ""
    census = roster.census
    if census is None:
        w["cases30"] = np.nan
        w["days_lost"] = np.nan
    if census is not None:
        # the censuses taken before the cut-off were known then (their roles renumbered)
        new_row = pd.Series(np.arange(len(w)), index=w.index)
        census = census[(census.census < day) & census.role.isin(w.index)].copy()
        census["role"] = new_row.loc[census.role].to_numpy()
        census = census.reset_index(drop=True)
    return (replace(cases, episodes=ep.reset_index(drop=True), stages=st.reset_index(drop=True)),
            replace(roster, workers=w.reset_index(drop=True), census=census))


#: Days the window may end before the extract's date (the latest date in the two extracts)
#: with the roster's Cases30 and WorkingDaysLost still read as at the window's end
CENSUS_SLACK_DAYS = 31


def census_at(roster: Roster, cases: CaseData, w1x: float) -> tuple[Roster, str]:
    """A flat roster's ``Cases30`` and ``WorkingDaysLost`` (one census, at the extract date: the
    latest date in the extracts) blanked when the data window ends (``w1x`` - 1) more than
    :data:`CENSUS_SLACK_DAYS` before it, with a note; as given otherwise (note ""). Read as at
    the window's end, a --window-end a year early gave the caseloads and absence of the workers
    in post then from the figures of a year later, without a word (the census of returns is
    chosen by its year: :func:`~.returns.workers_across.census_up_to`)."""
    w = roster.workers
    dates = [x for x in (cases.last_date, roster.last_date) if x == x]
    if roster.census is not None or not dates or max(dates) - (w1x - 1) <= CENSUS_SLACK_DAYS \
            or not (w.cases30.notna().any() or w.days_lost.notna().any()):
        return roster, ""
    note = (f"{roster.source}: the data window ends on {to_date(w1x - 1)}, "
            f"{int(max(dates) - (w1x - 1)):,} days before the extract's date ({to_date(max(dates))}, "
            "its latest date), at which Cases30 and WorkingDaysLost are given: they are left out "
            "of the caseloads and absence (the template's are kept), not read as at the window's "
            "end. End the window at the extract's date to fit them")
    return replace(roster, workers=w.assign(cases30=np.nan, days_lost=np.nan)), note


def linear_trend(values: list[float]) -> float:
    """The next value on the least-squares line through ``values`` (one a year, oldest first);
    NaN with fewer than two."""
    y = np.asarray([v for v in values if v == v], dtype=float)
    if len(y) < 2 or len(y) != len(values):
        return math.nan
    slope, intercept = np.polyfit(np.arange(len(y)), y, 1)
    return float(intercept + slope * len(y))


def naive_forecasts(history: list[dict[str, float]], kinds: dict[str, str]) -> pd.DataFrame:
    """The two naive forecasts of each measure from its yearly history before the cut-off.

    Parameters
    ----------
    history : list of dict
        One dict a year (oldest first, the last ending at the cut-off): measure -> value over
        that year (counts, shares) or at its end (levels).
    kinds : dict
        measure -> "count", "pct" or "level".

    Returns
    -------
    pandas.DataFrame
        Indexed by measure: ``naive_last_year`` (the last year's count or share, or the level at
        the cut-off: no change) and ``naive_trend`` (the straight line through every year's
        value, one year on; NaN with fewer than two years). Shares are kept within 0-100 and
        counts and levels at or above 0.
    """
    rows = {}
    for name, kind in kinds.items():
        vals = [float(h.get(name, math.nan)) for h in history]
        last = vals[-1] if vals else math.nan
        trend = linear_trend(vals)
        hi = 100.0 if kind == "pct" else math.inf
        rows[name] = {"naive_last_year": last,
                      "naive_trend": trend if trend != trend else float(np.clip(trend, 0.0, hi))}
    return pd.DataFrame.from_dict(rows, orient="index", columns=["naive_last_year", "naive_trend"])


def better_than_naive(observed: float, model: float, naive: list[float]) -> str:
    """"yes" when the model's error is smaller than every naive forecast's, "no" when one of them
    is closer, "as close" on a tie, "no naive forecast" when there is none to compare."""
    naive = [n for n in naive if n == n]
    if observed != observed or model != model:
        return ""
    if not naive:
        return "no naive forecast"
    err, best = abs(model - observed), min(abs(n - observed) for n in naive)
    if math.isclose(err, best, abs_tol=1e-9):
        return "as close"
    return "yes" if err < best else "no"
