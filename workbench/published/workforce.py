"""The workforce of a generated scenario from the children's social work workforce census.

The census (at 30 September) gives the authority's case-holding FTE, caseload, agency and vacancy
rates, turnover and absence. The model needs teams of workers. The England-average authority's
teams are kept and resized:

- case-holding workers in post = the open cases at the start / the published caseload per
  case-holding FTE (the model's caseload is open cases per case-holding FTE in post);
- of those, agency staff at the published agency rate (agency FTE / all FTE in post), the rest
  employed; funded posts = employed / (1 - the vacancy rate);
- the employed FTE, the agency FTE and the funded posts shared among the England-average
  case-holding teams in proportion to them, to a tenth of an FTE, so the teams add up to the
  figures the comment states and each keeps its share (:mod:`.staffing`); the front door, which
  holds no cases, scaled with referrals as the England-average file scaled it from the baseline.

Turnover (experienced staff at the published rate, newly qualified staff in the England-average
proportion to it) and short-term absence (the published rate less the long-term part the model
simulates) come from the census too. Recruitment and agency cover stay as the England-average
file calibrated them, and a comment says so.
"""

from __future__ import annotations

import copy

from .staffing import MIN_TENTHS, share_teams, team_staff
__all__ = ["set_workforce"]

EA = "england_average.yaml"
LONG_TERM_ABSENCE_PCT = 1.2


def _fte(team: dict, agency: bool) -> float:
    return sum(g["count"] * g.get("fte", 1.0) for g in team.get("staff", ())
               if (g["type"] == "agency") == agency)


def _scaled(team: dict, f: float) -> tuple[dict, float]:
    """The front door: the base's team x ``f``, its staff kept to a tenth of an FTE (at least a
    tenth when the base's has staff); and the FTE in post."""
    out = copy.deepcopy(team)
    emp_t, ag_t = (round(_fte(team, agency) * f * 10) for agency in (False, True))
    if emp_t + ag_t < MIN_TENTHS and _fte(team, False) + _fte(team, True) > 0:
        emp_t = MIN_TENTHS
    out["establishment_fte"] = max(round(team["establishment_fte"] * f, 1), emp_t / 10)
    out["staff"] = team_staff(team, emp_t, ag_t)
    return out, (emp_t + ag_t) / 10


def _rates(src, built):
    """The census figures used, each with its citation (None when not given)."""
    ea = built.base_name   # the base whose values are kept
    got = {}
    for m in ("caseload", "agency_rate", "vacancy_rate", "turnover_rate", "absence_rate"):
        got[m] = src.la(m)
        if got[m] is None:
            above = " above 0 (it is divided by)" if m == "caseload" else ""
            built.notes.append(f"{m} not in the workforce files{above} for {src.year - 1} or "
                               f"the two years before: {ea}'s kept")
    return got


#: Authorities whose children's social work workforce is reported together (the workforce
#: publication's data guidance: Kingston upon Thames and Richmond upon Thames submit a joint
#: return through Achieving for Children, reported against Kingston upon Thames).
JOINT_WORKFORCE = {
    "E09000021": "Kingston upon Thames's workforce figures are Kingston's and Richmond upon "
                 "Thames's together (one return through Achieving for Children): its rates "
                 "and caseload are the two boroughs'",
    "E09000027": "Richmond upon Thames's workforce is reported with Kingston upon Thames's (one "
                 "return through Achieving for Children): its own workforce rows give no "
                 "figures, so the rates are the base's unless Kingston's are put in its place",
}


#: A census one authority returned for two in one year (code, census year): the workforce
#: publication's data guidance for 2021 says North Northamptonshire submitted both new
#: authorities' census and it is reported against North Northamptonshire.
JOINT_CENSUS_YEAR = {
    ("E06000062", 2021): "West Northamptonshire's September 2021 workforce census was submitted "
                         "by North Northamptonshire and is reported against it (E06000061): its "
                         "own 2021 rows give no figures, so a scenario as at 31 March 2022 keeps "
                         "the base's rates unless North Northamptonshire's are put in their place",
}   # North Northamptonshire's own note (authorities.SUCCESSIONS) says its 2021 return is both


def set_workforce(src, base: dict, built, open_cases: float, referrals: float) -> None:
    """Set the teams, turnover and absence of ``built`` from the workforce census.

    Parameters
    ----------
    src : workbench.published.build._Source
        The authority's figures as at the start.
    base : dict
        The England-average scenario as plain data.
    built : Built
        The scenario being written.
    open_cases : float
        All open cases at the start (the stocks just set).
    referrals : float
        The year's referrals (sizes the front door).
    """
    ea = built.base_name   # the base whose values are kept
    if src.auth.code in JOINT_WORKFORCE:
        built.notes.append(JOINT_WORKFORCE[src.auth.code])
    census = src.year - 1    # the September before the start
    if (src.auth.code, census) in JOINT_CENSUS_YEAR:
        built.notes.append(JOINT_CENSUS_YEAR[(src.auth.code, census)])
    r = _rates(src, built)
    teams = base["teams"]
    holding = {k: t for k, t in teams.items() if t.get("case_holding", True)}
    ea_emp = sum(_fte(t, False) for t in holding.values())
    ea_ag = sum(_fte(t, True) for t in holding.values())
    ea_est = sum(t["establishment_fte"] for t in holding.values())
    ea_in_post = ea_emp + ea_ag
    # without the census's caseload, the base's own: its open cases per FTE in post (this
    # authority's open cases over the base's FTE staffed County Durham at 38 cases each, and
    # the note said the base's caseload was kept)
    ea_open = float(sum((base.get("initial") or {}).get("open_cases", {}).values()))
    caseload = (r["caseload"].value if r["caseload"] else
                round(ea_open / ea_in_post, 1) if ea_open > 0 and ea_in_post > 0 else 16.0)
    agency = (r["agency_rate"].value / 100 if r["agency_rate"] else ea_ag / ea_in_post)
    vacancy = (r["vacancy_rate"].value / 100 if r["vacancy_rate"]
               else 1 - ea_emp / ea_est)
    in_post = open_cases / caseload
    # kept to a tenth of an FTE, so that the teams' staff add up to the figures stated here
    in_post_t = round(in_post * 10)
    ag_t = round(in_post_t * agency)
    emp_t = in_post_t - ag_t
    est_t = max(round(emp_t / max(1 - vacancy, 0.05)), emp_t)
    shares, notes = share_teams(holding, emp_t, ag_t, est_t, built.authority.name, ea)
    cite = "; ".join(f.cite() for f in (r["caseload"], r["agency_rate"], r["vacancy_rate"]) if f)
    if not r["caseload"]:
        cite = (f"caseload {caseload:g} as {ea}'s ({ea_open:,.0f} open cases / "
                f"{ea_in_post:,.1f} FTE in post)" + (f"; {cite}" if cite else ""))
    built.set("teams", {}, (
        f"case-holding FTE in post = {open_cases:,.0f} open cases / caseload {caseload:g} = "
        f"{in_post_t / 10:,.1f}: agency {agency:.1%} = {ag_t / 10:,.1f}, employed "
        f"{emp_t / 10:,.1f}, funded posts {emp_t / 10:,.1f} / (1 - vacancy {vacancy:.1%}) = "
        f"{est_t / 10:,.1f}. Shared among {ea}'s case-holding teams in proportion to its teams "
        f"(largest remainders, to a tenth of an FTE; each staffed team at least "
        f"{MIN_TENTHS / 10:g}); within a team, whole workers of each of its groups and one "
        f"part-time worker for the rest; a team's other settings (its caps) are {ea}'s. "
        f"Sources: {cite or 'none: England-average rates'}"))
    built.notes.extend(notes)
    ea_ref = float(base["demand"]["referrals_per_year"])
    for name, team in teams.items():
        if name in holding:
            e, a, est = shares[name]
            built.data["teams"][name] = {**copy.deepcopy(team), "establishment_fte": est / 10,
                                         "staff": team_staff(team, e, a)}
        else:
            f = referrals / ea_ref
            scaled, fte = _scaled(team, f)
            built.set(f"teams.{name}", scaled,
                      f"the front door (no cases): {ea}'s team x {f:.2f}, its referrals "
                      f"{referrals:,.0f} against {ea_ref:,.0f}: {fte:g} FTE in post, "
                      f"{scaled['establishment_fte']:g} funded posts (to a tenth of an FTE)")
    t = r["turnover_rate"]
    if t is not None:
        rates = dict(base["workforce"]["turnover_pct_per_year"])
        ratio = rates["nqsw"] / rates["experienced"] if rates.get("experienced") else 1.0
        rates.update(experienced=t.value, nqsw=round(t.value * ratio, 1))
        built.set("workforce.turnover_pct_per_year", rates,
                  f"experienced: the published turnover ({t.cite()}); newly qualified in "
                  f"{ea}'s proportion to it (x {ratio:.2f}); academy and agency as {ea}")
    a = r["absence_rate"]
    if a is not None:
        built.set("working_time.absence_pct", round(max(a.value - LONG_TERM_ABSENCE_PCT, 0.5), 1),
                  f"the published sickness absence less the {LONG_TERM_ABSENCE_PCT:g} points "
                  f"of long-term absence the model simulates (workforce.long_term_absence), at "
                  f"least 0.5 ({a.cite()})")
    built.notes.append(
        f"recruitment and agency cover are {ea}'s"
        + (", calibrated to England's vacancy and agency rates" if ea == EA else "")
        + "; this authority's own rates set the starting staff only (the out-of-sample "
        "check shows whether they hold)")
