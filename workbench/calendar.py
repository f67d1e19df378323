"""Working days: England's bank holidays and weekends, as fast day-indexed arrays.

Simulation time is in calendar days (float) from the scenario's start date. Statutory timescales
count working days, so each calendar day gets a cumulative working-day number. Bank holidays
come from the maintained ``holidays`` package (England and Wales subdivision), not a hand list.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache
from typing import Any

import numpy as np


#: Calendar days before day 0 with their own working days (a case open at the start may have a
#: clock that began years earlier; beyond this, 5 working days a week)
BACK_DAYS = 3660


@lru_cache(maxsize=32)
def _holiday_array(country: str, subdivision: str, first_year: int, last_year: int) -> np.ndarray:
    import holidays

    days = holidays.country_holidays(
        country, subdiv=subdivision or None, years=range(first_year, last_year + 1))
    return np.array(sorted(days.keys()), dtype="datetime64[D]")


class WorkingCalendar:
    """Maps simulation days to working days.

    Parameters
    ----------
    start_date : date
        Day 0 of the simulation.
    n_days : int
        Calendar days to cover (the horizon plus a margin for deadlines beyond it).
    working_days : bool
        False makes every day a working day (for analytic tests).
    """

    def __init__(self, start_date: dt.date, n_days: int, working_days: bool = True,
                 country: str = "GB", subdivision: str = "ENG"):
        self.start_date: dt.date = start_date
        self.n_days: int = int(n_days)
        start = np.datetime64(start_date, "D")
        dates = start + np.arange(self.n_days)
        if working_days:
            years = (start_date.year, (start_date + dt.timedelta(days=self.n_days)).year)
            hol = _holiday_array(country, subdivision, years[0], years[1])
            is_wd = np.is_busday(dates, holidays=hol)
        else:
            is_wd = np.ones(self.n_days, dtype=bool)
        self.is_working_day: Any = is_wd
        # cum[d] = working days in days 0..d inclusive
        self.cum: Any = np.cumsum(is_wd).astype(np.int64)
        self.wd_days: Any = np.flatnonzero(is_wd)  # calendar day of the k-th working day (0-based)
        self._cum_list: list[int] = self.cum.tolist()
        self._wd_list: list[int] = self.wd_days.tolist()
        self._wd_flag: list[bool] = [bool(x) for x in is_wd.tolist()]
        #: working days in a week (hours a week are spread over them)
        self.days_per_week: float = 5.0 if working_days else 7.0
        # Days before day 0: a case open at the start has a clock (a referral, a last visit)
        # that started before it. _back_cum[j] = working days in days -j..-1 (j = 0..BACK_DAYS);
        # _back_wd[j] = calendar day (negative) of the (j+1)-th working day counting back.
        back = np.datetime64(start_date, "D") - np.arange(1, BACK_DAYS + 1)
        if working_days:
            hol_back = _holiday_array(country, subdivision,
                                      (start_date - dt.timedelta(days=BACK_DAYS)).year,
                                      start_date.year)
            back_wd = np.is_busday(back, holidays=hol_back)
        else:
            back_wd = np.ones(BACK_DAYS, dtype=bool)
        self._back_cum: list[int] = [0] + np.cumsum(back_wd).astype(np.int64).tolist()
        self._back_wd: list[int] = (-1 - np.flatnonzero(back_wd)).tolist()

    def wd_number(self, t: float) -> int:
        """Working days up to and including the day containing time t."""
        d = math.floor(t)
        if d >= self.n_days:
            d = self.n_days - 1
        if d >= 0:
            return self._cum_list[d]
        # before day 0: minus the working days after day d up to day -1, so that
        # wd_between(t0, t1) counts the working days after t0's day for a clock started earlier
        j = -d - 1
        if j <= BACK_DAYS:
            return -self._back_cum[j]
        return -self._back_cum[BACK_DAYS] - int((j - BACK_DAYS) * 5 // 7)

    def wd_between(self, t0: float, t1: float) -> int:
        """Working days after the day of t0 up to and including the day of t1."""
        return self.wd_number(t1) - self.wd_number(t0)

    def deadline(self, t0: float, n_wd: int) -> float:
        """End of the n-th working day after the day of t0, as a simulation time."""
        k = self.wd_number(t0) + n_wd - 1
        if k < 0:
            # a deadline before day 0 (a clock started before the run): the (-k)-th working day
            # counting back from day -1 (beyond the calendar: 5 working days a week)
            j = -k - 1
            if j < len(self._back_wd):
                return float(self._back_wd[j] + 1)
            return float(self._back_wd[-1] + 1 - (j - len(self._back_wd) + 1) * 7 / 5)
        if k >= len(self._wd_list):
            # beyond the calendar: extend at 5 working days a week
            extra = k - len(self._wd_list) + 1
            return float(self._wd_list[-1] + 1 + extra * 7 / 5)
        return float(self._wd_list[k] + 1)

    def work_time(self, t: float) -> float:
        """Working time from day 0 to time ``t``, in working days: a working day counts as it
        passes, a weekend or bank holiday not at all (beyond the calendar: 5 days in 7)."""
        d = int(t)
        if d < 0:
            return t * 5.0 / 7.0
        if d >= self.n_days:
            return float(self._cum_list[-1]) + (t - self.n_days) * 5.0 / 7.0
        base = float(self._cum_list[d - 1]) if d > 0 else 0.0
        return base + (t - d) if self._wd_flag[d] else base

    def at_work_time(self, x: float) -> float:
        """The earliest time at which :meth:`work_time` reaches ``x`` (working days)."""
        n = int(x)
        frac = x - n
        wd = self._wd_list
        if x < 0.0:
            return x * 7.0 / 5.0
        if frac <= 0.0:
            if n == 0:
                return 0.0
            if n - 1 < len(wd):
                return float(wd[n - 1] + 1)
        elif n < len(wd):
            return wd[n] + frac
        return float(self.n_days) + (x - float(self._cum_list[-1])) * 7.0 / 5.0

    def wd_between_array(self, t0: np.ndarray, t1: np.ndarray) -> np.ndarray:
        """Vectorised :meth:`wd_between`."""
        # g[d + BACK_DAYS + 1] = wd_number(d) for -BACK_DAYS - 1 <= d < n_days
        g = np.asarray([-c for c in self._back_cum[::-1]] + self._cum_list, dtype=np.int64)
        lo, hi = -BACK_DAYS - 1, self.n_days - 1
        i0 = np.clip(np.floor(np.asarray(t0, dtype=float)).astype(np.int64), lo, hi) - lo
        i1 = np.clip(np.floor(np.asarray(t1, dtype=float)).astype(np.int64), lo, hi) - lo
        return g[i1] - g[i0]

    def date_of(self, t: float) -> dt.date:
        return self.start_date + dt.timedelta(days=int(t))

    @property
    def working_fraction(self) -> float:
        """Share of calendar days that are working days (hours are spread over them)."""
        return float(self.is_working_day.mean())
