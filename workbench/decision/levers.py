"""Levers: the controls a manager moves (in the explorer, or the optimiser's search), and what
each changes in a scenario.

:func:`lever_values` says where the controls stand for a scenario; :func:`build_scenario` applies
moved controls to it (a validated copy; nothing moved gives the same scenario); and
:func:`describe_levers` says in plain English what moved. The explorer's widgets are in
:mod:`workbench.present.explorer`, which imports this module; the optimiser (:mod:`workbench.decision.optimise`) searches
over the same levers, so it lives below the presentation layer.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Mapping

from ..scenario import Scenario, ScenarioError
from ..scenario.derive import scaled_dist

__all__ = [
    "AGENCY_CAP_CHOICES", "LEVERS", "LEVER_BY_KEY", "LEVER_INPUTS", "LEVER_GROUPS", "Lever",
    "build_scenario", "describe_levers", "extra_recruitment", "fixed_lines", "lever_values",
    "ranged_at_own_value", "retention_said", "same_value",
]

#: Cost of one extra recruit when the starting scenario names none: the bundled recruitment
#: drive's GBP 400,000 for 20 experienced social workers (agency fee, relocation, visas).
DEFAULT_COST_PER_RECRUIT_GBP = 20000
#: Assumed fall in leaving among eligible staff when a retention payment is switched on in a
#: scenario that has none: the bundled retention scenario's assumption (not published).
DEFAULT_RETENTION_EFFECT_PCT = 20


@dataclass(frozen=True)
class Lever:
    """One control: its key in the lever dict, its label, what it does, its range and group."""

    key: str
    label: str
    help: str
    group: str
    kind: str            # "int", "float", "month", "cap"
    min: float = 0
    max: float = 100
    step: float = 1


LEVERS: list[Lever] = [
    Lever("extra_recruits_per_year", "Extra recruits a year",
          "Experienced social workers recruited each year on top of the usual rolling adverts, "
          "for example through a recruitment campaign or international recruitment. They join "
          "evenly through the year into the teams with the most vacancies.",
          "Recruitment", "int", 0, 60, 1),
    Lever("cost_per_extra_recruit_gbp", "Cost per extra recruit (£)",
          "One-off cost of each extra recruit: agency fees, relocation, visas, advertising. "
          "The bundled recruitment drive assumes £20,000.",
          "Recruitment", "int", 0, 50000, 1000),
    Lever("advert_success_pct", "Posts filled per advert round (%)",
          "The usual rolling adverts: every few weeks each vacant post is advertised, and this is "
          "the chance it is filled. A better offer (a market supplement, say) raises it.",
          "Recruitment", "int", 0, 100, 1),
    Lever("time_to_hire_weeks", "Weeks from offer to start",
          "Average time from a successful advert to the new worker's first day: notice period, "
          "references and checks. Applies to the rolling adverts.",
          "Recruitment", "int", 1, 30, 1),
    Lever("academy_intake_per_year", "Academy places a year",
          "Newly qualified social workers taken into the council's own academy each year, over "
          "the funded posts. They hold a protected caseload for a year, then fill vacancies.",
          "Academy", "int", 0, 60, 1),
    Lever("academy_start_month", "Month each academy cohort starts",
          "The month the academy takes its cohort each year (graduates usually start in "
          "the autumn, after their degree).",
          "Academy", "month", 1, 12, 1),
    Lever("agency_cover_pct", "Vacant posts covered by agency staff (%)",
          "Share of vacant posts the council asks an agency to fill. Agency workers start within "
          "weeks but cost more and move on sooner.",
          "Agency staff", "int", 0, 100, 5),
    Lever("agency_cap_pct", "Limit on agency staff (% of all social workers)",
          "The most agency staff the council allows, as a share of all its social workers (the "
          "national definition). Vacancies beyond the limit stay vacant.",
          "Agency staff", "cap", 0, 50, 1),
    Lever("retention_payment_gbp", "Retention payment a year (£ per worker)",
          "A yearly payment to permanent social workers with two or more years' experience, "
          "to keep them. £0 means no payment.",
          "Retention", "int", 0, 10000, 250),
    Lever("retention_effect_pct", "Assumed fall in leaving with the payment (%)",
          "How much less often eligible staff leave with the payment. Nobody has published this; "
          "it is an assumption to test (the bundled retention scenario uses 20%).",
          "Retention", "int", 0, 60, 5),
    Lever("demand_change_pct", "Change in referrals (%)",
          "Raise or lower the number of children referred each year, from the start of the "
          "simulation, e.g. +35% for a surge like Walsall's in 2010-11.",
          "Demand", "int", -40, 80, 5),
]
LEVER_BY_KEY = {lv.key: lv for lv in LEVERS}
LEVER_GROUPS = list(dict.fromkeys(lv.group for lv in LEVERS))
#: Choices for the agency limit control (None: no limit).
AGENCY_CAP_CHOICES = [None, 0.0, 2.0, 5.0, 7.5, 10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0]


def _dist_mean(d) -> float:
    return float(d.mean_value)


def _with_mean(d, mean: float) -> dict:
    """A distribution spec like ``d`` with mean ``mean`` (shape kept where it has one)."""
    spec = d.model_dump(mode="python")
    if "mean" in spec:
        spec["mean"] = float(mean)
        return spec
    if spec.get("dist") == "fixed":
        return {"dist": "fixed", "value": float(mean)}
    return {"dist": "lognormal", "mean": float(mean), "cv": 0.4}


def lever_values(scenario: Scenario) -> dict[str, Any]:
    """Where the controls stand for ``scenario``: its own settings (extra recruits and the change
    in referrals are changes on top of it, so they start at 0)."""
    rec, ac, ag, ret = scenario.recruitment, scenario.academy, scenario.agency, scenario.retention
    per_hire = [c.cost_gbp / c.hires for c in rec.campaigns if c.hires]
    return {
        "extra_recruits_per_year": 0,
        "cost_per_extra_recruit_gbp": int(round(per_hire[0] if per_hire else DEFAULT_COST_PER_RECRUIT_GBP)),
        "advert_success_pct": float(rec.success_pct) if rec.enabled else 0.0,
        "time_to_hire_weeks": round(_dist_mean(rec.time_to_hire_weeks), 1),
        "academy_intake_per_year": int(ac.intake_per_year),
        "academy_start_month": int(ac.start_month),
        "agency_cover_pct": float(ag.cover_share_pct) if ag.enabled else 0.0,
        "agency_cap_pct": None if ag.cap_share_pct is None else float(ag.cap_share_pct),
        "retention_payment_gbp": float(ret.payment_gbp_per_year) if ret.enabled else 0.0,
        "retention_effect_pct": (float(ret.turnover_reduction_pct) if ret.enabled
                                 else float(DEFAULT_RETENTION_EFFECT_PCT)),
        "demand_change_pct": 0.0,
    }


#: The scenario input each control sets, where it sets one number of it (an uncertain: path).
LEVER_INPUTS = {
    "advert_success_pct": "recruitment.success_pct",
    "time_to_hire_weeks": "recruitment.time_to_hire_weeks.mean",
    "academy_intake_per_year": "academy.intake_per_year",
    "academy_start_month": "academy.start_month",
    "agency_cover_pct": "agency.cover_share_pct",
    "agency_cap_pct": "agency.cap_share_pct",
    "retention_payment_gbp": "retention.payment_gbp_per_year",
    "retention_effect_pct": "retention.turnover_reduction_pct",
}


def ranged_at_own_value(base: Scenario, levers: Mapping[str, Any]) -> dict[str, str]:
    """The controls in ``levers`` left at ``base``'s own setting of an input ``base`` gives as a
    range (``uncertain:``), by key, with that input's path: a plan that sets such a control
    (optimise's) fixes the input there, which "no change" would not say."""
    current = lever_values(base)
    ranged = getattr(base, "uncertain", None) or {}
    return {k: LEVER_INPUTS[k] for k in levers
            if k in LEVER_INPUTS and LEVER_INPUTS[k] in ranged and k in current
            and same_value(levers[k], current[k])}


def fixed_lines(base: Scenario, levers: Mapping[str, Any]) -> list[str]:
    """A line for each control of a plan that fixes, at the starting scenario's own value, an
    input the starting scenario draws from a range."""
    from ..scenario.uncertain import dist_words

    return [f"{LEVER_BY_KEY[k].label.lower()}: {_show(k, levers[k])} in every run (the starting "
            f"scenario draws it from {dist_words(base.uncertain[path])})"
            for k, path in ranged_at_own_value(base, levers).items()]


def same_value(a, b) -> bool:
    """Whether two control values are the same setting (None: no limit; numbers to 1e-9)."""
    if a is None or b is None:
        return a is b
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def extra_recruitment(start: dt.date, years: float, per_year: float,
                      cost_each: float) -> list[dict]:
    """Campaigns bringing ``per_year`` experienced recruits a year from ``start`` for ``years``:
    one campaign a month (so the cost falls due month by month, as the recruits arrive), with
    the hires spread so that every twelve months bring ``per_year`` of them."""
    out = []
    for m in range(int(math.ceil(years * 12 - 1e-9))):
        n = int(math.floor(per_year * (m + 1) / 12 + 0.5)) - int(math.floor(per_year * m / 12 + 0.5))
        if n <= 0:
            continue
        s, e = _add_months(start, m), _add_months(start, m + 1)
        out.append({"name": f"Extra recruits {s:%b %Y}", "start_date": s, "end_date": e,
                    "hires": n, "cost_gbp": float(n * cost_each)})
    return out


def build_scenario(base: Scenario, levers: Mapping[str, Any], name: str = "Your scenario",
                   years: float | None = None, fix: bool = False) -> Scenario:
    """The scenario the controls describe: ``base`` with the levers applied.

    Parameters
    ----------
    base : Scenario
        The starting scenario.
    levers : dict
        Control values by key (see :data:`LEVERS`); keys left out keep the base's setting.

        - ``extra_recruits_per_year``: experienced recruits a year on top of the base's own
          recruitment (monthly campaigns into the teams with most vacancies), each costing
          ``cost_per_extra_recruit_gbp``.
        - ``advert_success_pct``: ``recruitment.success_pct``; ``time_to_hire_weeks``: the mean
          of ``recruitment.time_to_hire_weeks`` (its spread kept).
        - ``academy_intake_per_year``, ``academy_start_month``: ``academy.*``.
        - ``agency_cover_pct``: ``agency.cover_share_pct``; ``agency_cap_pct``:
          ``agency.cap_share_pct`` (None: no limit).
        - ``retention_payment_gbp`` (0: no payment) and ``retention_effect_pct``:
          ``retention.payment_gbp_per_year`` and ``retention.turnover_reduction_pct``, from the
          base's retention start date (or its start date).
        - ``demand_change_pct``: ``demand.referrals_per_year`` multiplied by ``1 + x/100``.
    name : str
        Name of the new scenario.
    years : float, optional
        Years the extra recruitment runs for (default: the base's horizon); set it to the
        simulated horizon.
    fix : bool
        A plan's settings (optimise's): a control in ``levers`` at ``base``'s own value of an
        input ``base`` gives as a range fixes the input there (:func:`ranged_at_own_value`),
        as any other value of it does; without ``fix`` (the explorer's controls at rest) the
        range is kept.

    Returns
    -------
    Scenario
        Validated; the same as ``base`` (but for its name) when no lever moves.

    Raises
    ------
    ScenarioError
        For an unknown lever or a value the scenario does not accept.
    """
    current = lever_values(base)
    unknown = [k for k in levers if k not in current]
    if unknown:
        raise ScenarioError(f"unknown control(s) {unknown}; known: {', '.join(current)}")
    lv = {**current, **dict(levers)}
    moved = {k for k in current if not same_value(lv[k], current[k])}
    ch: dict[str, Any] = {}

    # recruitment
    if "advert_success_pct" in moved:
        ch["recruitment.success_pct"] = float(lv["advert_success_pct"])
        ch["recruitment.enabled"] = True
    if "time_to_hire_weeks" in moved:
        if not float(lv["time_to_hire_weeks"]) > 0:
            raise ScenarioError("weeks from offer to start must be above 0 "
                                f"(got {lv['time_to_hire_weeks']})")
        ch["recruitment.time_to_hire_weeks"] = _with_mean(base.recruitment.time_to_hire_weeks,
                                                          lv["time_to_hire_weeks"])
    extra = float(lv["extra_recruits_per_year"])
    if extra < 0:
        raise ScenarioError(f"extra recruits a year must be 0 or more (got {extra:g})")
    if extra > 0:
        ch["recruitment.campaigns"] = (
            [c.model_dump(mode="python") for c in base.recruitment.campaigns]
            + extra_recruitment(base.start_date, years or base.horizon_years, extra,
                                float(lv["cost_per_extra_recruit_gbp"])))
    # academy
    if "academy_intake_per_year" in moved:
        ch["academy.intake_per_year"] = int(round(float(lv["academy_intake_per_year"])))
    if "academy_start_month" in moved:
        ch["academy.start_month"] = int(lv["academy_start_month"])
        if base.academy.first_intake_date is not None:
            ch["academy.first_intake_date"] = None  # the month now decides
    # agency
    if "agency_cover_pct" in moved:
        ch["agency.cover_share_pct"] = float(lv["agency_cover_pct"])
        ch["agency.enabled"] = True
    if "agency_cap_pct" in moved:
        cap = lv["agency_cap_pct"]
        ch["agency.cap_share_pct"] = None if cap is None else float(cap)
    # retention
    if moved & {"retention_payment_gbp", "retention_effect_pct"}:
        pay = float(lv["retention_payment_gbp"])
        if pay > 0:
            ch["retention.enabled"] = True
            ch["retention.payment_gbp_per_year"] = pay
            ch["retention.turnover_reduction_pct"] = float(lv["retention_effect_pct"])
            if base.retention.start_date is None:
                ch["retention.start_date"] = base.start_date
        elif "retention_payment_gbp" in moved:
            ch["retention.enabled"] = False
            ch["retention.payment_gbp_per_year"] = 0.0
    # demand
    pct = float(lv["demand_change_pct"])
    if pct != 0:
        if pct <= -100:
            raise ScenarioError(f"change in referrals must be above -100% (got {pct:g}%)")
        ch["demand.referrals_per_year"] = base.demand.referrals_per_year * (1 + pct / 100)

    if fix:
        from ..scenario.uncertain import input_value

        data = base.model_dump(mode="python")
        for k, path in ranged_at_own_value(base, levers).items():
            ch.setdefault(path, input_value(data, path))
    lines = describe_levers(base, lv)
    ch["name"] = name
    ch["description"] = (f"{base.name} with: " + "; ".join(lines)) if lines else base.description
    try:
        out = base.replace(ch)   # a lever setting an uncertain input fixes it (Scenario.replace)
        referrals = "demand.referrals_per_year"
        if pct != 0 and referrals in base.uncertain:
            # a change in referrals on a range for them moves the range: a value alone would
            # fix referrals at the changed middle, and this option's ranges would leave out
            # what the others' include
            ranges = out.model_dump(mode="python")["uncertain"]
            ranges[referrals] = scaled_dist(base.uncertain[referrals].model_dump(mode="python"),
                                            1 + pct / 100)
            out = out.replace({"uncertain": ranges})
        return out
    except ScenarioError as exc:
        raise ScenarioError(str(exc).replace("<derived scenario>", "your scenario")) from None


def _show(key: str, v) -> str:
    if key == "agency_cap_pct":
        return "no limit" if v is None else f"{float(v):g}%"
    if key == "academy_start_month":
        return calendar.month_name[int(v)]
    if key.endswith("_gbp"):
        return f"£{float(v):,.0f}"
    if key == "demand_change_pct":
        return f"{float(v):+g}%"
    if key.endswith("_pct"):
        return f"{float(v):g}%"
    return f"{float(v):g}"


def describe_levers(base: Scenario, levers: Mapping[str, Any]) -> list[str]:
    """What the controls change from ``base``, one plain-English line per moved control."""
    current = lever_values(base)
    lv = {**current, **dict(levers)}
    lines = []
    for lever in LEVERS:
        k = lever.key
        if k == "cost_per_extra_recruit_gbp":
            continue  # shown with the extra recruits
        if k == "retention_effect_pct" and float(lv["retention_payment_gbp"]) <= 0:
            continue
        if not same_value(lv[k], current[k]):
            if k == "extra_recruits_per_year":
                lines.append(f"{lever.label}: {_show(k, lv[k])} (at "
                             f"£{float(lv['cost_per_extra_recruit_gbp']):,.0f} each)")
            elif k == "retention_payment_gbp" and float(lv[k]) > 0:
                lines.append(f"{lever.label}: {_show(k, current[k])} → {_show(k, lv[k])}, "
                             f"assuming eligible staff leave {float(lv['retention_effect_pct']):g}% "
                             f"less often")
            elif k == "retention_effect_pct" and not same_value(lv["retention_payment_gbp"],
                                                           current["retention_payment_gbp"]):
                continue  # said with the payment
            elif k == "demand_change_pct":
                lines.append(f"{lever.label}: {_show(k, lv[k])} "
                             f"({base.demand.referrals_per_year:,.0f} → "
                             f"{base.demand.referrals_per_year * (1 + float(lv[k]) / 100):,.0f} a year)")
            else:
                lines.append(f"{lever.label}: {_show(k, current[k])} → {_show(k, lv[k])}")
    return lines


def retention_said(base) -> str:
    """What a searched retention payment rests on: its effect is an assumption, the same fall
    in leaving for any amount above 0, so the search takes the smallest payment that helps (a
    plan paid GBP 250 a year "assuming eligible staff leave 20% less often", which reads as a
    finding about what a payment must be to work)."""
    effect = lever_values(base)["retention_effect_pct"]
    return (f"the retention payment's effect is an assumption, the same for any amount above "
            f"£0 (eligible staff leave {effect:g}% less often), so the search takes the smallest "
            f"payment it tried that helps: its amount is not a finding of what a payment must "
            f"be to keep staff. Test the assumption in the explorer (Assumed fall in leaving "
            f"with the payment)")
