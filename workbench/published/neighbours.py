"""A statistical-neighbour view: several authorities side by side with England, from the same
published files, each figure from the authority's latest year (the year is shown)."""

from __future__ import annotations

import math

import pandas as pd

from .authorities import Authority
from .outofsample import band_share
from .tables import ASSESSMENT_BANDS

__all__ = ["MEASURES", "neighbour_table"]

#: The rows: label, how it is made (a measure, or a ratio of two per 100), display format.
MEASURES = (
    ("Children referred a year", ("referrals",), "count"),
    ("Re-referrals within 12 months (%)", ("rereferral_pct",), "pct"),
    ("Referrals closed with no further action (%)", ("nfa_pct",), "pct"),
    ("Assessments finished within 45 working days (%)", ("within45",), "pct"),
    ("Working days to finish an assessment (median)", ("assess_median",), "dec"),
    ("Section 47 enquiries per 100 referrals", ("s47", "referrals"), "dec"),
    ("ICPCs per 100 section 47 enquiries", ("icpc", "s47"), "dec"),
    ("Children in need at 31 March", ("cin_at31",), "count"),
    ("Children on a child protection plan at 31 March", ("cp_at31",), "count"),
    ("Children looked after at 31 March", ("lac_at31",), "count"),
    ("Average caseload (cases per case-holding FTE)", ("caseload",), "dec"),
    ("Agency workers (% of FTE)", ("agency_rate",), "pct"),
    ("Vacancies (% of posts)", ("vacancy_rate",), "pct"),
    ("Turnover (% a year)", ("turnover_rate",), "pct"),
    ("Sickness absence (% of days)", ("absence_rate",), "pct"),
)


def _value(get, spec) -> tuple[float, int | None]:
    """A row's value for one authority (or England) and its year."""
    f = get(spec[0])
    if f is None or not f.ok:
        return math.nan, None
    if len(spec) == 1:
        return f.value, f.year
    d = get(spec[1], f.year)
    if d is None or not d.ok or d.value <= 0:
        return math.nan, None
    return 100 * f.value / d.value, f.year


def _shown(v: float, year, fmt: str) -> str:
    if math.isnan(v):
        return "not given"
    text = f"{v:,.0f}" if fmt == "count" else f"{v:,.1f}"
    return f"{text} ({year})"


class _England:
    """England's figures in an Authority's interface (so one code path fills every column)."""

    def __init__(self, auth: Authority):
        self.auth = auth

    def get(self, measure, year=None):
        return self.auth.england_figure(measure, year)



def neighbour_table(authorities: list[Authority],
                    year: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The authorities and England side by side.

    Parameters
    ----------
    authorities : list of Authority
        From :func:`~workbench.published.authorities.find_authority`, the first is the one the
        others are neighbours of.
    year : int, optional
        As at 31 March of this year (``--year``): each figure the latest to then (the workforce
        census to the 30 September before); default the latest in the files.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The table for reading (a row per measure, a column per authority and England, values
        with their year) and the numbers (``measure``, ``authority``, ``year``, ``value``).
    """
    if not authorities:
        raise ValueError("no authorities to compare")
    authorities = [a.up_to(year) for a in authorities]
    columns = [(a.name, a) for a in authorities] + [("England", _England(authorities[0]))]
    shown, numbers = [], []
    for label, spec, fmt in MEASURES:
        row = {"Measure": label}
        for name, who in columns:
            if spec == ("within45",):
                target = who.auth if isinstance(who, _England) else who
                v, y = _within45(target, national=isinstance(who, _England))
            else:
                v, y = _value(who.get, spec)
            row[name] = _shown(v, y, fmt)
            numbers.append({"measure": label, "authority": name, "year": y, "value": v})
        shown.append(row)
    return pd.DataFrame(shown), pd.DataFrame(numbers)


def _within45(auth: Authority, national: bool) -> tuple[float, int | None]:
    """Assessments within 45 working days (%) in the latest year that gives every band."""
    if national:
        auth = Authority(auth.code, "England", auth.england, auth.england)
    for y in reversed(auth.years("assessments")):
        v, _ = band_share(auth, y, "assessments", ASSESSMENT_BANDS, 45)
        if not math.isnan(v):
            return v, y
    return math.nan, None
