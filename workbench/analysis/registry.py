"""The one registry of KPIs: name, plain-English description (and, in time, label, unit, format
and which direction is better). The CLI, notebooks, report, explorer and CSV headers read it.
"""

from __future__ import annotations

import math

#: Every KPI with a one-line plain-English description (used by the CLI, notebooks and report).
KPI_DESCRIPTIONS: dict[str, str] = {
    "referral_decision_within_1wd_pct": "referrals decided at the front door within 1 working day (%)",
    "assessment_within_45wd_pct": "assessments completed within 45 working days of referral (%)",
    "assessment_median_wd": "median working days from referral to completed assessment",
    "icpc_within_15wd_pct": "initial child protection conferences within 15 working days of the strategy discussion (%)",
    "cp_visits_on_time_pct": "child protection visits made on time (%)",
    "unallocated_mean": "children waiting unallocated, average over the period",
    "unallocated_peak": "children waiting unallocated, highest at any moment",
    "allocation_wait_mean_days": "days a child waited for a social worker, average over allocations",
    "caseload_mean": "cases per full-time case-holding worker, average",
    "caseload_p90": "cases per full-time case-holding worker, 90th percentile",
    "workers_over_cap_pct": "case-holding workers above their caseload cap (%)",
    "sw_changes_per_child_year": "changes of social worker per child per year with a social worker",
    "open_cases_end": "open cases at the end",
    "cin_end": "children in need (on a CIN plan) at the end",
    "cp_end": "children on a child protection plan at the end",
    "lac_end": "children looked after at the end (incl. in care proceedings)",
    "referrals_per_year": "children referred a year (incl. re-referrals)",
    "assessments_completed_per_year": "assessments completed a year",
    "turnover_pct": "employed social workers leaving a year, as a % of those in post",
    "vacancy_rate_pct": "vacant posts as a % of funded posts (establishment)",
    "agency_share_pct": "agency workers as a % of all social workers (FTE, national definition)",
    "nqsw_share_pct": "newly qualified and academy social workers as a % of all (FTE)",
    "lac_3plus_sw_pct": "looked-after children with 3 or more social workers in a year (%)",
    "cost_gbp": "workforce cost over the period: pay, agency, academy, recruitment, retention (GBP)",
    "cost_per_year_gbp": "workforce cost a year (GBP)",
    "agency_cost_gbp": "agency staff cost over the period (GBP)",
    "cost_per_fte_gbp": "workforce cost a year per full-time social worker (GBP)",
    "cost_per_child_gbp": "workforce cost per child with an open case during the period (GBP)",
}



def format_kpis(kpis: dict, title: str = "") -> str:
    """A readable block of KPIs with their descriptions."""
    lines = [title, "-" * max(len(title), 20)] if title else []
    for name, value in kpis.items():
        desc = KPI_DESCRIPTIONS.get(name, "")
        if isinstance(value, float) and math.isnan(value):
            shown = "n/a"
        elif name.endswith("_gbp"):
            shown = f"£{value:,.0f}"
        elif abs(value) >= 100:
            shown = f"{value:,.0f}"
        else:
            shown = f"{value:.2f}"
        lines.append(f"  {shown:>14}  {desc or name}")
    return "\n".join(lines)
