"""The one registry of KPIs: for each, its name, a short plain-English label, a one-line
description, its unit, how to show it and which direction is better.

The CLI, notebooks, report, explorer, charts and tables all read :data:`KPIS`; nothing else keeps
its own list of labels or formats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: How values of each display format are shown (see :func:`format_value`): digits after the point
#: (for rounding a tiny difference to a plain 0) and the unit of the shown number.
_FORMATS = {
    "pct": 1,      # a percentage; differences read in percentage points ("pts")
    "count": 0,    # a number of children, cases or staff
    "dec1": 1,     # a rate or a mean with one decimal
    "dec2": 2,     # a rate with two decimals
    "gbp": 0,      # pounds
    "gbp_m": -4,   # pounds shown in millions with two decimals (so rounds to GBP 10,000)
}


@dataclass(frozen=True)
class KPI:
    """One key performance indicator.

    Attributes
    ----------
    name : str
        Its key in ``run.kpis`` and the experiment tables.
    label : str
        Short plain-English label for tables and charts (no field names).
    description : str
        One line saying what it measures (CLI output, documentation).
    unit : str
        Unit of the value as computed, e.g. ``"%"``, ``"children"``, ``"GBP a year"``.
    fmt : str
        Display format: ``"pct"``, ``"count"``, ``"dec1"``, ``"dec2"``, ``"gbp"`` or ``"gbp_m"``
        (pounds shown in millions).
    better : int
        +1 when higher is better, -1 when lower is better, 0 when neither (a cost, a mix).
    """

    name: str
    label: str
    description: str
    unit: str
    fmt: str
    better: int

    def format(self, value: float, sign: bool = False, unit: bool = True) -> str:
        """``value`` shown in this KPI's format (see :func:`format_value`)."""
        return format_value(self.fmt, value, sign, unit)

    @property
    def display_scale(self) -> float:
        """Factor from the value to the number shown (1e-6 for pounds shown in millions)."""
        return 1e-6 if self.fmt == "gbp_m" else 1.0

    @property
    def display_digits(self) -> int:
        """Digits after the point of a shown value (two for pounds shown in millions)."""
        return 2 if self.fmt == "gbp_m" else max(_FORMATS[self.fmt], 0)

    @property
    def resolution(self) -> float:
        """The smallest step of a shown value, in the value's unit (0.1 for a percentage, one
        child, GBP 10,000 for pounds shown in millions)."""
        return 10.0 ** -self.display_digits / self.display_scale

    @property
    def most(self) -> float:
        """The largest value the measure can take: 100 for a share of a whole (a percentage),
        no limit for a count, a cost or a rate such as turnover (leavers a year over the
        average staff in post, which passes 100 when more leave in a year than are in post)."""
        return 100.0 if self.fmt == "pct" and self.name not in RATES_OVER_100 else math.inf

    def display_unit(self, difference: bool = False) -> str:
        """The unit of a shown value (pounds in millions for ``gbp_m``); a difference of a
        percentage is in percentage points."""
        if self.fmt == "pct":
            return "percentage points" if difference else "%"
        if self.fmt == "gbp_m":
            return self.unit.replace("GBP", "GBP million", 1)
        return self.unit


#: Percentages that are rates, not shares of a whole: they can pass 100 (the validation page's
#: experienced staff's turnover too).
RATES_OVER_100 = frozenset({"turnover_pct", "experienced_turnover_pct"})


#: Measures counted over whole years ("in a year"): over less than a year measured they have no
#: value (:func:`workbench.analysis.kpis.lac_3plus_social_workers`), whatever the run does.
WHOLE_YEAR = frozenset({"lac_3plus_sw_pct"})


def too_short_for(name: str, years: float | None, measured: str = "") -> str | None:
    """Why the measure ``name`` can have no value over ``years`` measured (after any warm-up;
    None: a scenario's own horizon, not known here), or None when it can. A measure counted over
    whole years has none over less than one: a command ranking or targeting it ran every
    sample point first, then blamed "no visit or review fell due". ``measured`` follows the
    years in the sentence (" measured after a warm-up of 30 days")."""
    if name not in WHOLE_YEAR or years is None or years * 365.25 + 1e-6 >= 365.25:
        return None
    return (f"{kpi(name).label.lower()} ({name}) is counted over whole years, and "
            f"{years:.3g} year{'' if years == 1 else 's'}{measured} is less than one")


def most_of(name: str) -> float:
    """The largest value a measure named ``name`` can take (:attr:`KPI.most`), also for
    measures outside the registry: a ``*_pct`` is a share (at most 100) unless it is a rate."""
    k = KPIS.get(name)
    if k is not None:
        return k.most
    return 100.0 if name.endswith("_pct") and name not in RATES_OVER_100 else math.inf


def _k(name, label, description, unit, fmt, better) -> tuple[str, KPI]:
    if fmt not in _FORMATS:
        raise ValueError(f"KPI {name}: unknown display format {fmt!r}")
    return name, KPI(name, label, description, unit, fmt, better)


#: Every KPI, in the order tables and the CLI list them.
KPIS: dict[str, KPI] = dict([
    _k("referral_decision_within_1wd_pct", "Front-door decisions within 1 working day",
       "referrals decided at the front door within 1 working day (%)", "%", "pct", +1),
    _k("assessment_within_45wd_pct", "Assessments finished within 45 working days",
       "assessments completed within 45 working days of referral (%)", "%", "pct", +1),
    _k("assessment_median_wd", "Working days to finish an assessment (median)",
       "median working days from referral to completed assessment", "working days", "dec1", -1),
    _k("icpc_within_15wd_pct", "Child protection conferences within 15 working days",
       "initial child protection conferences within 15 working days of the strategy discussion (%)",
       "%", "pct", +1),
    _k("cp_visits_on_time_pct", "Child protection visits made on time",
       "child protection visits made on time (%)", "%", "pct", +1),
    _k("court_visits_on_time_pct", "Visits to children in care proceedings made on time",
       "statutory visits to children in care proceedings (the court stage) made on time (%)",
       "%", "pct", +1),
    _k("lac_visits_on_time_pct", "Visits to children in care made on time",
       "statutory visits to looked-after children made on time (%)", "%", "pct", +1),
    _k("unallocated_mean", "Children waiting for a social worker (average)",
       "children waiting unallocated, average over the period", "children", "count", -1),
    _k("unallocated_peak", "Children waiting for a social worker (highest)",
       "children waiting unallocated, highest at any moment", "children", "count", -1),
    _k("allocation_wait_mean_days", "Days waiting for a social worker (average)",
       "days a child waited for a social worker, averaged over every allocation in the period, "
       "0 for one made at once (a new case, a move after a leaver or for balancing); the cases "
       "open at the start are placed with their workers at once and not counted; children still "
       "waiting at the end are left out",
       "days", "dec1", -1),
    _k("caseload_mean", "Average caseload (cases per full-time worker)",
       "cases held per full-time-equivalent case-holding social worker (the published "
       "definition: cases over FTE; agency staff and staff on long-term absence count in the "
       "FTE), average over the weeks", "cases per FTE", "dec1", -1),
    _k("caseload_p90", "Caseload of the busiest tenth of workers",
       "cases per FTE of each case-holding worker, every worker in every week pooled: the "
       "90th percentile", "cases per FTE", "dec1", -1),
    _k("workers_over_cap_pct", "Workers above their caseload aim",
       "case-holding workers above their caseload cap (cases weighted as the caps weigh them, "
       "the cap scaled to her FTE), % of the workers, average over the weeks", "%", "pct", -1),
    _k("sw_changes_per_child_year", "Changes of social worker per child per year",
       "changes of social worker per child per year with an allocated worker (a child re-referred "
       "after her case closed who gets a new worker counts one, as she would in the social "
       "workers counted for her over 12 months; so does a child who gets a social worker other "
       "than her last after non-qualified staff held her stable case, and the time they held "
       "it counts as time with a worker; see docs/kpis.md)",
       "changes per child per year", "dec2", -1),
    _k("open_cases_end", "Open cases at the end", "open cases at the end", "cases", "count", 0),
    _k("cin_end", "Children in need at the end", "children in need (on a CIN plan) at the end",
       "children", "count", 0),
    _k("cp_end", "Children on a child protection plan at the end",
       "children on a child protection plan at the end", "children", "count", 0),
    _k("lac_end", "Children looked after at the end",
       "children looked after at the end (incl. in care proceedings)", "children", "count", 0),
    _k("referrals_per_year", "Children referred a year",
       "children referred a year (incl. re-referrals)", "children a year", "count", 0),
    _k("assessments_completed_per_year", "Assessments finished a year",
       "assessments completed a year", "assessments a year", "count", 0),
    _k("turnover_pct", "Permanent staff leaving a year (turnover)",
       "employed case-holding social workers leaving a year, as a % of the average FTE of "
       "those who can leave (the published definition)", "%", "pct", -1),
    _k("vacancy_rate_pct", "Vacant posts (share of funded posts)",
       "vacant posts as a % of funded posts (establishment)", "%", "pct", -1),
    _k("agency_share_pct", "Agency workers (share of all social workers)",
       "agency workers as a % of all social workers (FTE, national definition)", "%", "pct", 0),
    _k("nqsw_share_pct", "Newly qualified and academy staff (share of all)",
       "newly qualified and academy social workers as a % of all (FTE)", "%", "pct", 0),
    _k("lac_3plus_sw_pct", "Looked-after children with 3+ social workers in a year",
       "looked-after children with 3 or more social workers in a year (%)", "%", "pct", -1),
    _k("cost_gbp", "Workforce cost over the period",
       "workforce cost over the period: pay, agency, academy, recruitment, retention (GBP)",
       "GBP", "gbp_m", 0),
    _k("cost_per_year_gbp", "Workforce cost a year", "workforce cost a year (GBP)",
       "GBP a year", "gbp_m", 0),
    _k("agency_cost_gbp", "Agency staff cost over the period",
       "agency staff cost over the period (GBP)", "GBP", "gbp_m", 0),
    _k("cost_per_fte_gbp", "Workforce cost a year per full-time social worker",
       "workforce cost a year per full-time social worker (GBP)", "GBP a year", "gbp", 0),
    _k("cost_per_child_gbp", "Workforce cost a year per open case",
       "workforce cost a year per child with an open case (average open cases; GBP)",
       "GBP a year", "gbp", 0),
])

#: Every KPI with its one-line plain-English description (derived from :data:`KPIS`).
KPI_DESCRIPTIONS: dict[str, str] = {k.name: k.description for k in KPIS.values()}


def kpi(name: str) -> KPI:
    """The registry entry of ``name``; a name not in the registry (a derived column, say) gets
    its own name as label, two decimals and no better direction."""
    return KPIS.get(name) or KPI(name, name, name, "", "dec2", 0)


def shown_step(fmt: str) -> float:
    """The smallest step of a value shown in display format ``fmt``, in the value's own unit
    (0.1 for a percentage, one for a count, GBP 10,000 for pounds shown in millions)."""
    return 10.0 ** -_FORMATS.get(fmt, 2)


def format_value(fmt: str, x: float, sign: bool = False, unit: bool = True) -> str:
    """A value as shown in tables and text.

    Parameters
    ----------
    fmt : str
        A display format (:attr:`KPI.fmt`): ``"pct"`` (one decimal and "%"), ``"count"``
        (thousands separated), ``"dec1"``, ``"dec2"``, ``"gbp"`` (£, whole pounds) or ``"gbp_m"``
        (£ millions, two decimals).
    x : float
        The value in the KPI's own unit (pounds, not millions); NaN or None shows as "n/a".
    sign : bool
        Show + or -: a difference (a percentage's then reads in percentage points, "pts").
    unit : bool
        False leaves out "%" or "pts" (inside a range that already states it).
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if round(x, _FORMATS.get(fmt, 2)) == 0:
        x = 0.0  # no "-0.00" or "+0": a difference that rounds to nothing shows as 0
    s = "+" if sign and x > 0 else ("-" if x < 0 else "")
    a = abs(x)
    if fmt == "pct":
        return f"{s}{a:.1f}" + ("" if not unit else " pts" if sign else "%")
    if fmt == "count":
        return f"{s}{a:,.0f}"
    if fmt == "dec1":
        return f"{s}{a:.1f}"
    if fmt == "gbp_m":
        return f"{s}£{a / 1e6:,.2f}m"
    if fmt == "gbp":
        return f"{s}£{a:,.0f}"
    return f"{s}{a:.2f}"


def format_kpis(kpis: dict, title: str = "") -> str:
    """A readable block of KPIs: each value in its format, with its description.

    Parameters
    ----------
    kpis : dict[str, float]
        KPI values by name (e.g. ``run.kpis``), each in its own unit.
    title : str
        A heading, underlined.
    """
    lines = [title, "-" * max(len(title), 20)] if title else []
    for name, value in kpis.items():
        k = kpi(name)
        lines.append(f"  {k.format(float(value)):>14}  {k.description}")
    return "\n".join(lines)
