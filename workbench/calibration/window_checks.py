"""Does the extract cover the data window? Refusals of an extract whose referrals stop short
of the window's ends or leave whole months empty, beyond what chance allows (the rate and the
seasonality would be fitted too low), with where each end of the window came from. Called by
:func:`workbench.calibration.fit.calibrate`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..errors import UserError
from .extracts import STAGE_COLUMNS, CaseData, Roster, to_date


#: Whole months of the data window without a referral mean that the extract does not cover the
#: window (the rate would be fitted too low) when chance alone would leave a month empty less
#: often than this over the window (Poisson with the other months' mean). A small authority
#: (the Isles of Scilly refer a few dozen children a year) has empty months by chance: at 5
#: referrals a month, one of 24 months is empty 15% of the time, and that is not refused.
GAP_CHANCE = 0.001


#: Days without a referral at the start or the end of the data window that pass whatever the
#: rate (see :func:`_check_referrals_reach_window_ends`). assumption: an authority with referrals
#: every day goes at most about a week without one (the Christmas and New Year holidays, four
#: days with a weekend), so two weeks at an end are not chance but an extract cut short (the
#: audit's: referrals to 10 March in a window to 31 March fitted 2,049 referrals a year for
#: 2,218, and March's seasonality 0.75 for 1.03).
EDGE_DAYS = 14


def check_referrals_cover_window(cases: CaseData, w0: float, w1x: float, win: str,
                                  roster: Roster | None = None,
                                  window_from: tuple[str, str] = ("given", "given")) -> list[str]:
    """Refuse a window with whole calendar months without a referral while its other months
    hold several a month, or whose first or last days hold none for longer than the referrals
    leave elsewhere (:func:`_check_referrals_reach_window_ends`): the extract covers less than
    the window (referrals of one month only, a case extract cut short, or a roster running on
    past the cases), and the referral rate would be fitted too low. Returns a note when the
    roster, not the cases, set the window's end (days past the cases, too few to refuse)."""
    ref = cases.episodes.referral.to_numpy(dtype=float)
    ref = ref[(ref >= w0) & (ref < w1x)]
    _check_months_have_referrals(cases, ref, w0, w1x, win, roster, window_from)
    _check_referrals_reach_window_ends(cases, np.sort(ref), w0, w1x, win, roster, window_from)
    c_last = cases.last_date
    if window_from[1] != "extracts" or roster is None or not c_last == c_last \
            or not w1x - 1 > c_last:
        return []
    days = w1x - 1 - c_last
    said = _window_edge_source(cases, roster, w0, w1x, True, window_from)
    those = "that day is" if days == 1 else "those days are"
    return [f"{roster.source}: {said[0].lower()}{said[1:]} That is {days:,.0f} "
            f"day{'' if days == 1 else 's'} after the last date in {cases.source} "
            f"({to_date(c_last)}): {those} fitted as without referrals. If the case extract is "
            f"of an earlier date than the roster, set --window-end (window_end) to "
            f"{to_date(c_last)}"]


def _check_months_have_referrals(cases: CaseData, ref: np.ndarray, w0: float, w1x: float,
                                 win: str, roster: Roster | None, window_from) -> None:
    """Refuse whole months without a referral (``ref``: the window's; :data:`GAP_CHANCE`)."""
    first, last = to_date(w0), to_date(w1x - 1)
    months = pd.period_range(first, last, freq="M")
    whole = [m for m in months if m.start_time.date() >= first and m.end_time.date() <= last]
    if len(whole) < 2 or not len(ref):
        return
    seen = pd.Series(pd.to_datetime([to_date(x) for x in ref])).dt.to_period("M").value_counts()
    empty = [m for m in whole if seen.get(m, 0) == 0]
    full = [seen.get(m, 0) for m in whole if seen.get(m, 0) > 0]
    if not empty or not full or len(whole) * math.exp(-float(np.mean(full))) >= GAP_CHANCE:
        return
    said = _month_runs(empty)
    # what holds the latest date, when it is past the last referral (it may be what moved a
    # default window's end: closures or plan ends a year late, not the referrals)
    latest = {"a closure (CINclosureDate)": cases.episodes.closure.max(),
              "a stage's start or end date": max(cases.stages.start.max(), cases.stages.end.max())}
    latest = {k: v for k, v in latest.items() if v == v and v > ref.max()}
    after = (f" The latest date in the cases is {to_date(max(latest.values()))}, "
             f"{max(latest, key=latest.get)}, after the last referral ({to_date(ref.max())}): "
             "if the window's end came from it, check that column." if latest else "")
    if empty[-1] == whole[-1]:
        after += " " + _window_edge_source(cases, roster, w0, w1x, True, window_from)
    raise UserError(
        f"{cases.source}: no referral (CINreferralDate) in {said}: {len(empty)} of the "
        f"{len(whole)} whole months of the data window {win}, while the others have "
        f"{np.mean(full):.0f} a month on average. The extract does not seem to cover the whole "
        "window, and the referral rate would be fitted too low: set --window-start and "
        "--window-end (window_start, window_end) to the period it covers, or give the complete "
        "extract (a workforce extract running on past the cases also moves the window's end)."
        + after)


def _check_referrals_reach_window_ends(cases: CaseData, ref: np.ndarray, w0: float, w1x: float,
                                       win: str, roster: Roster | None, window_from) -> None:
    """Refuse a data window whose last days (not given, but found from the extracts or the
    returns; or first, when the start is the returns') hold no referral (``ref``: the window's, sorted) for longer than all of: :data:`EDGE_DAYS`, the longest run of days without one
    between two referrals in the window, and the days that chance would leave without one less
    often than :data:`GAP_CHANCE` at the window's mean rate (Poisson; a small authority's
    referrals a week apart pass). The days after the last referral would be fitted as no
    demand: the rate too low, the trend and the last months' seasonality bent with it."""
    if len(ref) < 2:
        return
    rate = len(ref) / (w1x - w0)
    inside = float(np.diff(ref).max()) - 1
    limit = max(EDGE_DAYS, inside, math.log(1 / GAP_CHANCE) / rate)
    head, tail = ref[0] - w0, (w1x - 1) - ref[-1]
    # a start or end given is the user's word (weeks past the cases are noted, a whole month
    # without a referral refused above); a start from the extracts is their earliest closure,
    # not a referral (a part of an extract may have closures long before its first referral)
    head = head if window_from[0] == "returns" else 0.0
    tail = tail if window_from[1] != "given" else 0.0
    if max(head, tail) <= limit:
        return
    at_end = tail >= head
    days, edge, which = (tail, "end", "the last") if at_end else (head, "start", "the first")
    date = to_date(ref[-1] if at_end else ref[0])
    option = "--window-end (window_end)" if at_end else "--window-start (window_start)"
    raise UserError(
        f"{cases.source}: {which} referral (CINreferralDate) in the data window {win} is on "
        f"{date}, {days:,.0f} days {'before' if at_end else 'after'} the window's {edge}, while "
        f"the window holds a referral every {1 / rate:.1f} days and at most {inside:,.0f} "
        f"day{'' if inside == 1 else 's'} in a row without one elsewhere. The extract does not seem to reach the window's {edge}: "
        f"those days would be fitted as no referrals, and the referral rate, its trend and "
        f"seasonality too low. {_window_edge_source(cases, roster, w0, w1x, at_end, window_from)}"
        f" Set {option} to {date} (the {which[4:]} referral's date), or give the complete "
        "extract.")


def _window_edge_source(cases: CaseData, roster: Roster | None, w0: float, w1x: float,
                        at_end: bool, window_from: tuple[str, str]) -> str:
    """Which file and column set the window's start or end (a date is not an identifier)."""
    edge, day = ("end", w1x - 1) if at_end else ("start", w0)
    how = window_from[1 if at_end else 0]
    if how == "given":
        return f"The window's {edge} ({to_date(day)}) was given."
    if how == "returns":
        return (f"The window's {edge} ({to_date(day)}) is that of the returns' "
                f"{'last' if at_end else 'first'} collection year.")
    found = {"CINreferralDate": cases.episodes.referral.max(),
             "CINclosureDate": cases.episodes.closure.max()}
    st = cases.stages
    for stage, c0, c1 in STAGE_COLUMNS:
        for col, end in ((c0, "start"), (c1, "end")):
            if col is not None and len(st):
                found[col] = st.loc[st.stage.str.startswith(stage), end].max()
    source = cases.source
    if roster is not None and roster.last_date == roster.last_date \
            and roster.last_date > cases.last_date:
        source, found = roster.source, {"RoleStartDate": roster.workers.start.max(),
                                        "RoleEndDate": roster.workers.end.max()}
    col = max((k for k, v in found.items() if v == v), key=lambda k: found[k])
    return f"The window's end ({to_date(day)}) is the latest date in {source}, in its {col} column."


def _month_runs(months: list) -> str:
    """Months as runs: '2022-06 to 2023-02, 2023-05'."""
    runs: list[list] = []
    for m in months:
        if runs and m == runs[-1][-1] + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    parts = [f"{r[0]} to {r[-1]}" if len(r) > 1 else f"{r[0]}" for r in runs]
    return ", ".join(parts[:6]) + (f" and {len(parts) - 6} more" if len(parts) > 6 else "")
