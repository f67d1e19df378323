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
