"""The out-of-sample check of a generated scenario: start from the state a year before the
latest published year, simulate that year, and set the model beside what was published for it.

The scenario as at 31 March of the year before is built from the figures up to then only
(:func:`~workbench.published.build.build_scenario` with ``year``), so nothing of the latest year
went into it: every row is a real check. This module says what to compare (:class:`Check`); the
run and the table in the validation page's format are made by the command
(``workbench from-published``), which may use the presentation layer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .authorities import Authority, Figure, short_title
from .tables import ASSESSMENT_BANDS, ICPC_BANDS

__all__ = ["Check", "band_share", "checks", "TOLERANCES"]

#: The range counted as a match around a published figure, by kind of measure (assumption: as
#: the validation page's, where it states them: counts +-15%, percentages +-5 points, the median
#: assessment +-6 working days, the caseload +-1.5; referrals +-10%, twice the page's +-5%,
#: which is for a figure the England-average file was fitted to, not a year's forecast).
TOLERANCES = {"count": ("relative", 0.15), "referrals": ("relative", 0.10),
              "pct": ("absolute", 5.0), "median": ("absolute", 6.0),
              "caseload": ("absolute", 1.5)}


@dataclass(frozen=True)
class Check:
    """One published figure of the checked year and the model measure it is compared with.

    Attributes
    ----------
    key : str
        ``published.<measure>``.
    measure : str
        The model's measure (a KPI of the registry, or one of the validation page's extras).
    value : float
        The published figure (NaN: not published or suppressed; the row then says so).
    published : str
        The figure as a reader quotes it.
    source : str
        Its citation (table, authority, year, column, file).
    low, high : float
        The range counted as a match.
    tolerance : str
        Where the range comes from.
    """

    key: str
    measure: str
    value: float
    published: str
    source: str
    low: float
    high: float
    tolerance: str


def _range(value: float, kind: str) -> tuple[float, float, str]:
    how, size = TOLERANCES[kind]
    if math.isnan(value):
        return math.nan, math.nan, ""
    if how == "relative":
        return value * (1 - size), value * (1 + size), f"+-{size:.0%} (assumption)"
    return value - size, value + size, f"+-{size:g} (assumption)"


def band_share(auth: Authority, year: int, total: str, bands: dict, within: int) -> tuple[float, str]:
    """The share (%) of a total in the bands up to ``within`` days, and its citation; NaN when
    a band or the total is not given (a suppressed band cannot be split)."""
    t = auth.get(total, year)
    figs = [auth.get(m, year) for m, (lo, hi) in bands.items() if hi is not None and hi <= within]
    if t is None or not t.ok or t.value <= 0 or any(f is None or not f.ok for f in figs):
        gaps = [f.column for f in figs if f is not None and not f.ok]
        why = f"suppressed: {', '.join(gaps)}" if gaps else "not in the files"
        return math.nan, f"{t.cite() if t else total} ({why})"
    n = sum(f.value for f in figs)
    cols = " + ".join(f.column for f in figs)
    # the table and the authority named, as every other source is (a neighbour's row read alike)
    return 100 * n / t.value, (f"{short_title(t.table)}, {t.name}, {t.period()}: ({cols}) / "
                               f"{t.column} = {n:g} / {t.raw} [{t.file}]")


def _fig(auth: Authority, measure: str, year: int) -> tuple[float, str]:
    f: Figure | None = auth.get(measure, year)
    if f is None:
        return math.nan, f"{measure}: not in the files for {year}"
    return f.value, f.cite()


def checks(auth: Authority, year: int) -> list[Check]:
    """What to compare for the year to 31 March ``year`` (the workforce census of the 30
    September inside it).

    Parameters
    ----------
    auth : Authority
    year : int
        The checked year (the scenario starts on 31 March of the year before).

    Returns
    -------
    list of Check
        In the validation page's order: flows, timeliness, stocks at the end, workforce.
    """
    rows = [
        ("referrals_per_year", *_fig(auth, "referrals", year), "referrals", "count0"),
        ("assessment_within_45wd_pct",
         *band_share(auth, year, "assessments", ASSESSMENT_BANDS, 45), "pct", "pct"),
        ("assessment_median_wd", *_fig(auth, "assess_median", year), "median", "count0"),
        ("icpc_within_15wd_pct", *band_share(auth, year, "icpc", ICPC_BANDS, 15), "pct", "pct"),
        ("cin_all_end", *_fig(auth, "cin_at31", year), "count", "count0"),
        ("cp_end", *_fig(auth, "cp_at31", year), "count", "count0"),
        ("lac_end", *_fig(auth, "lac_at31", year), "count", "count0"),
        ("caseload_mean", *_fig(auth, "caseload", year - 1), "caseload", "dec1"),
        ("vacancy_rate_pct", *_fig(auth, "vacancy_rate", year - 1), "pct", "pct"),
        ("agency_share_pct", *_fig(auth, "agency_rate", year - 1), "pct", "pct"),
        ("turnover_pct", *_fig(auth, "turnover_rate", year - 1), "pct", "pct"),
    ]
    out = []
    for measure, value, source, kind, shown in rows:
        low, high, tol = _range(value, kind)
        # a figure suppressed or not in the files is "not given" (its source says why): the
        # page's "none" read as if nothing had been published for the authority
        text = ("not given" if math.isnan(value) else f"{value:,.1f}%" if shown == "pct"
                else f"{value:,.1f}" if shown == "dec1" else f"{value:,.0f}")
        out.append(Check(f"published.{measure}", measure, value, text, source, low, high, tol))
    return out
