"""Deriving the academy from the roster: trainees a year, the month their cohorts start and
their team (:func:`derive_academy`, run by :func:`.derive_workforce.derive_workforce`)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..scenario import Scenario
from .derive import Draft, Estimate
from .estimators import YEAR, month_bins, poisson_rate
from .extracts import Roster, to_date
from .observe import has_workforce, internal_moves


#: A window within this many years of a whole number of years counts the trainees over its years
WHOLE_YEARS = 0.02
#: The share of trainees starting in one calendar month above which they are taken as cohorts
COHORT_SHARE = 0.8


def _months_in(w0: float, w1x: float, month: int) -> float:
    """How many times calendar ``month`` (1-12) falls in the days ``[w0, w1x)``, a part month
    counted by its share of days."""
    bins = month_bins(w0, w1x)
    sel = bins[bins.cal_month == month]
    return float(sum((b - a) / pd.Period(m).days_in_month
                     for a, b, m in zip(sel.start, sel.stop, sel.month)))


def derive_academy(d: Draft, roster: Roster, w0: float, w1x: float,
                   template: Scenario | None = None) -> None:
    """Academy trainees a year, the month cohorts start in and their team.

    Trainees are the roster's ``WorkerType`` = academy. None starting in the window sets the
    intake to 0 (the template's intake would add trainees over establishment that the authority
    does not have, inflating the simulated FTE); without a WorkerType column trainees cannot be
    told apart (the census has no academy flag): any there are count as staff in post and
    establishment, their intake as recruitment, so the intake is 0 too, said as an assumption.
    """
    w = roster.workers
    years = (w1x - w0) / YEAR
    span = f"{to_date(w0)} to {to_date(w1x - 1)}"
    seen = w[(w.start < w1x) & (w.end.isna() | (w.end >= w0))]
    if "WorkerType" not in roster.columns:
        d.data["academy"]["intake_per_year"] = 0
        d.assumed("academy.intake_per_year",
                  f"0: the workforce census has no WorkerType column, so academy trainees cannot "
                  f"be told from other staff; any of the {len(seen):,} workers in post between "
                  f"{span} are counted as staff and establishment, their intake as recruitment")
        return
    _, moved_in = internal_moves(w)      # a trainee moving team is not a new trainee
    acad = w[((w.type == "academy") & (w.start >= w0) & (w.start < w1x)).to_numpy() & ~moved_in]
    in_post = int((seen.type == "academy").sum())
    month0 = template.academy.start_month if template is not None and has_workforce(template) else 0
    if len(acad) == 0 and in_post and month0 and not _months_in(w0, w1x, month0):
        # a window of a few months without the cohorts' month: no trainee could start in it,
        # yet trainees are in post. Before, the intake was fitted as 0 (Jan-Mar, 12 a year)
        d.from_template("academy.intake_per_year", f"the window {span} holds no "
                        f"{dt.date(2000, month0, 1):%B}, the month the template's cohorts start, "
                        f"so no trainee could start in it; {in_post:,} academy trainee(s) "
                        "(WorkerType academy) were in post in it")
        return
    if len(acad) == 0:
        d.add(Estimate("academy.intake_per_year", 0.0, 0.0, poisson_rate(0, years)[2], 0,
                       "academy trainees starting in the window a year (exact Poisson 95%)",
                       "trainees a year", "academy.intake_per_year"))
        d.data["academy"]["intake_per_year"] = 0
        d.fitted("academy.intake_per_year",
                 f"0: none of the {len(seen):,} workers in post from {span} in the workforce "
                 "census started as an academy trainee (WorkerType academy)")
        return
    month = int(pd.Series([to_date(x).month for x in acad.start]).mode().iloc[0])
    cohort = float(np.mean([to_date(x).month == month for x in acad.start]))
    if abs(years - round(years)) > WHOLE_YEARS and cohort >= COHORT_SHARE:
        # trainees start in cohorts, once a year: over a window of 14 months holding two of
        # them, the trainees over the years gave twice the intake (and 13 months holding one,
        # 8% less); the cohorts the window holds are its years
        years = _months_in(w0, w1x, month)
    per_year = len(acad) / years
    rate, lo, hi = poisson_rate(len(acad), years)
    d.add(Estimate("academy.intake_per_year", per_year, lo, hi, len(acad),
                   "academy trainees starting in the window a year (exact Poisson 95%)",
                   "trainees a year", "academy.intake_per_year"))
    # the model takes whole cohorts: at least one trainee a year when any started
    d.data["academy"]["intake_per_year"] = max(1, int(round(per_year)))
    d.data["academy"]["start_month"] = month
    d.data["academy"]["first_intake_date"] = None
    teams = acad.team[acad.team != ""]
    where = ""
    if template is not None and len(teams) and teams.mode().iloc[0] in template.teams:
        d.data["academy"]["team"] = str(teams.mode().iloc[0])
        where = f"; in team {d.data['academy']['team']}"
    d.fitted("academy.intake_per_year", f"{len(acad)} trainees (WorkerType academy) started "
             f"from {span} ({per_year:.1f} a year); cohorts in month {month}{where}")
