"""Working days: England's bank holidays and weekends, as fast day-indexed arrays.

Simulation time is in calendar days (float) from the scenario's start date. Statutory timescales
count working days, so each calendar day gets a cumulative working-day number. Bank holidays
come from the maintained ``holidays`` package (England and Wales subdivision), not a hand list.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

import numpy as np


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

    def wd_number(self, t: float) -> int:
        """Working days up to and including the day containing time t."""
        d = int(t)
        if d >= self.n_days:
            d = self.n_days - 1
        return self._cum_list[d] if d >= 0 else 0

    def wd_between(self, t0: float, t1: float) -> int:
        """Working days after the day of t0 up to and including the day of t1."""
        return self.wd_number(t1) - self.wd_number(t0)

    def deadline(self, t0: float, n_wd: int) -> float:
        """End of the n-th working day after the day of t0, as a simulation time."""
        k = self.wd_number(t0) + n_wd - 1
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
        i0 = np.clip(np.asarray(t0, dtype=np.int64), 0, self.n_days - 1)
        i1 = np.clip(np.asarray(t1, dtype=np.int64), 0, self.n_days - 1)
        return self.cum[i1] - self.cum[i0]

    def date_of(self, t: float) -> dt.date:
        return self.start_date + dt.timedelta(days=int(t))

    @property
    def working_fraction(self) -> float:
        """Share of calendar days that are working days (hours are spread over them)."""
        return float(self.is_working_day.mean())
