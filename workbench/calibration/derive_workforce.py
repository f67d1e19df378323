"""Deriving scenario values from the roster: caseloads, turnover, agency assignments, vacancy
gaps, staff in post and establishment, recruitment, the academy and absence.

Each ``derive_*`` function fills one part of a :class:`~.derive.Draft`; :func:`derive_workforce`
runs them in order. Turnover is a rate per FTE-year at risk by worker type; the model's rate is
the one at a work pressure of at most 1 (the work in front of a worker over her hours), so the
observed rate is divided by the pressure factor the model would apply to the caseloads at the
census date (the window's last day), each case worth a case's weekly hours over an FTE's.

Everything here counts the roster's rows, each a role. A worker whose role is followed within
two weeks by her next role (the same WorkerID or SWENo; :data:`.observe.MOVE_GAP_DAYS`) moved
within the authority: neither a leaver nor an appointment, as DfE's turnover counts those who
left the authority (:func:`.observe.internal_moves`). A worker who left and came back later is a
leaver when her first role ends (counted once, as DfE's turnover counts every leaver in the
year, whatever she does next) and an appointment when her second starts, exactly as if she had
come back under a new identifier; her roles never overlap (the roster's check), so at any date
she is in post, and her FTE counted, once. An agency
worker who takes a permanent post (ReasonLeave CON) is not a leaver, and her permanent role is
not an appointment from outside.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..scenario import WORKER_TYPES, Scenario
from ..scenario.policies import MIN_AGENCY_TENURE_WEEKS
from .derive import (MAX_PLAN_CV, MAX_PLAN_MEAN_DAYS, MIN_EVENTS, SAME_DAY, Draft, Estimate,
                     lognormal_field)
from .derive_academy import derive_academy
# the absence (moved there beside the sickness response) is fitted with the workforce
from .derive_pressure import (WORKING_DAYS_A_YEAR, derive_absence,  # noqa: F401
                              work_pressure_over)
from .estimators import (YEAR, bootstrap_interval, fit_lengths, fit_lognormal,
                         pipeline_rounds_missed, poisson_rate, wilson)
from .extracts import CASE_HOLDER_ROLE, Roster, to_date
from .observe import (MOVE_GAP_DAYS, establishment_note, has_workforce, in_post_at,
                      in_post_during, internal_moves, staff_groups, type_change_days, type_spells,
                      vacancy_gaps)
from .staff_roster import (check_covers_window, idle_template_teams, in_stable_order,
                           note_a_still_roster)

MIN_HOLDERS = 5           # case holders with Cases30 needed for caseload figures
MIN_LEAVERS = 3           # leavers of a type needed to fit its turnover
MIN_GAPS = 5              # filled vacancy gaps needed to report their length
MIN_HIRES = 5             # permanent appointments needed for recruitment figures
MIN_ROUNDS = 5            # vacancy-rounds needed for the recruitment success rate
MAX_TURNOVER_PCT = 99.0


def _mask(flags) -> np.ndarray:
    """A boolean row mask from an iterable (a plain list would select columns when empty)."""
    return np.fromiter(flags, dtype=bool)


def derive_workforce(d: Draft, roster: Roster, template: Scenario, w0: float, w1x: float,
                     seed: int = 0) -> None:
    """Every workforce value the roster supports, in the fit table's order. ``roster`` is the
    one :func:`staff_roster` gives."""
    roster = in_stable_order(roster)
    check_covers_window(roster, w0, w1x)
    note_a_still_roster(d, roster, w0, w1x)
    nqsw_days, academy_days = type_change_days(template)
    spells = type_spells(roster, nqsw_days, academy_days)
    note_internal_moves(d, roster, w0, w1x)
    holders = derive_caseloads(d, roster, template, w1x - 1, seed)
    pressure = work_pressure_over(d, holders, template, w1x - 1)
    # the model's turnover applies to case-holding teams (the front door's staffing is fixed)
    fixed = [t for t, c in template.teams.items() if not c.case_holding]
    held = spells[~spells.team.isin(fixed)]
    derive_turnover(d, held, template, w0, w1x, pressure)
    d.later["turnover"] = (held, holders)       # for refit_turnover
    derive_agency_tenure(d, roster, held, template, w0, w1x, seed)
    derive_vacancy_gaps(d, roster, template, w0, w1x, seed)
    if has_workforce(template) and derive_staffing(d, roster, template, w0, w1x):
        derive_recruitment(d, roster, spells, template, w0, w1x)
        derive_academy(d, roster, w0, w1x, template)
    elif has_workforce(template):
        d.from_template("academy.intake_per_year", "the roster has no Team column, so the "
                        "template's staff (and academy) are kept")
    derive_absence(d, roster, template, w1x, seed)


def note_internal_moves(d: Draft, roster: Roster, w0: float, w1x: float) -> None:
    """A note counting the moves within the authority in the window (:func:`internal_moves`)."""
    _, moved_in = internal_moves(roster.workers)
    start = roster.workers.start.to_numpy(dtype=float)
    n = int((moved_in & (start >= w0) & (start < w1x)).sum())
    if n:
        d.notes.append(
            f"{roster.source}: {n:,} move(s) within the authority in the data window: a role "
            f"followed within {MOVE_GAP_DAYS} days by the same worker's next role (WorkerID or "
            "SWENo), to another team or post. Counted neither as leavers nor as appointments "
            "(DfE's turnover counts those who left the authority); the worker is in post in her "
            "new team from the day her next role starts")


#: Cases per FTE above which a case holder's Cases30 is worth a second look (noted, not
#: refused). domain.md: "some over 50" against an average of 16-22; 60 is beyond what a
#: social worker holds, though a manager may hold unallocated cases in the return.
HIGH_CASELOAD = 60


def derive_caseloads(d: Draft, roster: Roster, template: Scenario, census: float,
                     seed: int = 0) -> pd.DataFrame | None:
    """Caseloads of case holders at the census date; returns the case holders in post then with
    their Cases30 (None when too few: no pressure then)."""
    holders = in_post_at(roster, census)
    holders = holders[(holders.role == CASE_HOLDER_ROLE) & holders.cases30.notna()]
    if len(holders) < MIN_HOLDERS:
        d.notes.append(f"caseloads not estimable: fewer than {MIN_HOLDERS} case holders with "
                       "Cases30 at the census date")
        return None
    c = holders.cases30.to_numpy()
    per = c / holders.fte.to_numpy()
    # the intervals depend on the values, not the order of the roster's rows
    c, per = np.sort(c), np.sort(per)
    high = per > HIGH_CASELOAD
    if high.any():
        d.notes.append(
            f"{int(high.sum())} case holder(s) hold more than {HIGH_CASELOAD} cases per FTE at the "
            f"census date (the most {per.max():.0f}): a manager holding unallocated cases, or a "
            f"mistyped figure? They move the mean from {per[~high].mean() if (~high).any() else 0:.1f} "
            f"to {per.mean():.1f} cases per FTE, and the pressure fitted from it; correct the "
            "return if so")
    p90 = lambda x: np.percentile(x, 90)  # noqa: E731
    for label, vals, unit in (("caseload.cases_held", c, "cases"),
                              ("caseload.cases_per_fte", per, "cases per FTE")):
        d.add(Estimate(f"{label}.mean", float(vals.mean()), *bootstrap_interval(vals, np.mean, seed=seed),
                       len(vals), "mean of Cases30 over case holders in post at the census "
                       f"date {to_date(census)} (bootstrap 95%)", unit),
              Estimate(f"{label}.p90", float(p90(vals)), *bootstrap_interval(vals, p90, seed=seed),
                       len(vals), "90th percentile (bootstrap 95%)", unit))
    return holders


def derive_turnover(d: Draft, spells: pd.DataFrame, template: Scenario, w0: float, w1x: float,
                    pressure: dict[str, float]) -> None:
    """Leavers per FTE-year at risk in the window by worker type, pressure-adjusted."""
    has_dyn = has_workforce(template)
    s0 = np.maximum(spells.start.to_numpy(dtype=float), w0)
    s1 = np.minimum(spells.end.fillna(np.inf).to_numpy(dtype=float), w1x)
    expo = np.clip(s1 - s0, 0, None) / YEAR * spells.fte.to_numpy()
    left_in = spells.left.to_numpy() & (spells.end.to_numpy(dtype=float) >= w0) & \
        (spells.end.to_numpy(dtype=float) < w1x) & (spells.reason.to_numpy() != "CON")
    effect = template.workforce.pressure_turnover_effect if has_dyn else 0.0
    per_case = pressure.get("per_case", math.nan)
    turnover = {}
    for wtype in WORKER_TYPES:
        m = (spells.type == wtype).to_numpy()
        e = float(expo[m].sum())
        k = int(left_in[m].sum())
        if e < 1.0:
            continue
        rate, lo, hi = poisson_rate(k, e, float((spells.fte.to_numpy()[m] * left_in[m]).sum()))
        d.add(Estimate(f"turnover.{wtype}.observed", 100 * rate, 100 * lo, 100 * hi, k,
                       f"leavers per 100 FTE-years at risk ({e:.1f} FTE-years; exact Poisson 95%)",
                       "% a year"))
        factor = 1 + effect * pressure.get(wtype, 0.0)
        conv = lambda h: 100 * (1 - math.exp(-h / factor))  # noqa: E731
        turnover[wtype] = (conv(rate), conv(lo), conv(hi), k)
        if wtype != "agency":
            how = (f"mean work pressure above 1 at the census date: {per_case:.4f} a case (a "
                   "case's weekly hours over an FTE's) x Cases30 / FTE" if per_case == per_case
                   else "no work pressure measured")
            d.add(Estimate(f"workforce.turnover_pct_per_year.{wtype}", *turnover[wtype][:3], k,
                           f"observed rate / pressure factor (1 + effect x {how} = "
                           f"{factor:.3f}), as a yearly probability 100(1 - exp(-h))",
                           "% a year", "workforce.turnover_pct_per_year"))
    if not has_dyn:
        d.notes.append("the scenario has no workforce block: turnover is in the fit table only")
        return
    tp = dict(d.data["workforce"]["turnover_pct_per_year"])
    got = []
    for wtype in ("experienced", "nqsw", "academy"):
        if wtype in turnover and turnover[wtype][3] >= MIN_LEAVERS:
            tp[wtype] = round(min(turnover[wtype][0], MAX_TURNOVER_PCT), 2)
            got.append(f"{wtype} {tp[wtype]:.1f} ({turnover[wtype][3]} leavers)")
    if not template.agency.enabled and "agency" in turnover and turnover["agency"][3] >= MIN_LEAVERS:
        tp["agency"] = round(min(turnover["agency"][0], MAX_TURNOVER_PCT), 2)
        got.append(f"agency {tp['agency']:.1f}")
    d.data["workforce"]["turnover_pct_per_year"] = tp
    if got:
        d.fitted("workforce.turnover_pct_per_year", "leavers per FTE-year by type, pressure-adjusted "
                 f"(leaving effect {effect:g}): "
                 + "; ".join(got) + ("" if len(got) == 4 else "; others from the template"))
    else:
        d.from_template("workforce.turnover_pct_per_year",
                        f"fewer than {MIN_LEAVERS} leavers of each type")


def refit_turnover(d: Draft, template: Scenario, w0: float, w1x: float) -> None:
    """The turnover fitted again once :func:`.derive_pressure.derive_pressure` has fitted the
    leaving response to pressure (or the work content, which moves the pressure a caseload gives):
    the observed leaving is divided by the pressure factor of the scenario written, not the
    template's. Before, a fitted effect of 0.2 beside the template's 1.5 left the experienced
    turnover divided by the template's factor, and the model, leaving at the fitted effect,
    lost fewer workers than the roster showed. The rows and comment of the first fit are
    replaced in place."""
    got = d.later.get("turnover")
    if got is None or not has_workforce(template):
        return
    effect = d.data["workforce"].get("pressure_turnover_effect")
    work = any(d.provenance.get(f"stages.{s}.{h}", "").startswith("fitted")
               for s in template.stages for h in ("work_hours", "ongoing_hours_per_week"))
    if effect == template.workforce.pressure_turnover_effect and not work:
        return
    # the template with the fitted effect and work content (its working time, as the first fit's)
    fitted = template.replace({"workforce.pressure_turnover_effect": effect,
                               "stages": d.data["stages"]})
    held, holders = got
    again = Draft(data=d.data, window=d.window, template_name=d.template_name)
    derive_turnover(again, held, fitted, w0, w1x, work_pressure_over(again, holders, fitted, w1x - 1))
    new = {r.parameter: r for r in again.rows}
    d.rows = [new.pop(r.parameter, r) for r in d.rows] + list(new.values())
    d.provenance.update(again.provenance)
    d.notes.extend(again.notes)


def derive_agency_tenure(d: Draft, roster: Roster, spells: pd.DataFrame, template: Scenario,
                         w0: float, w1x: float, seed: int = 0) -> None:
    """How long agency assignments last (the model's agency leaving is by tenure, not turnover)."""
    w = roster.workers
    moved_on, _ = internal_moves(w)
    is_ag = (w.type == "agency").to_numpy()
    ag, ag_moved = w[is_ag], moved_on[is_ag]
    if not len(ag):
        return
    has_dyn = has_workforce(template)
    start = ag.start.to_numpy(dtype=float)
    end = ag.end.to_numpy(dtype=float)
    end = np.where(end >= w1x, np.nan, end)
    seen = (start < w1x) & (np.isnan(end) | (end >= w0))
    start, end = start[seen], end[seen]
    # an assignment that went on in another team (a move within the authority) did not end there
    moved = ag_moved[seen] & ~np.isnan(end)
    # cover released because a permanent worker or graduate arrived in the team that week is not
    # the end of an assignment: censored there (a competing risk)
    teams = ag.team.to_numpy()[seen]
    arrivals = spells[spells.type.isin(["experienced", "nqsw"])]
    released = np.zeros(len(end), dtype=bool)
    if "Team" in roster.columns:
        arr_by_team = {t: g.start.to_numpy() for t, g in arrivals.groupby("team")}
        # the cover released is the latest to have joined the team (as the model, and councils,
        # let go the newest): an assignment ending beside a later one still going ended on its
        # own. Without this, a natural end in an arrival's week was censored as cover released
        # (12 of 65 at scale 2.5), and the tenure came out 52 weeks for a true 40
        a_team, a_start = ag.team.to_numpy(), ag.start.to_numpy(dtype=float)
        a_end = ag.end.fillna(np.inf).to_numpy(dtype=float)
        for i in np.flatnonzero(~np.isnan(end)):
            a = arr_by_team.get(teams[i])
            if a is not None and np.any((a >= end[i] - 7) & (a <= end[i])):
                later = ((a_team == teams[i]) & (a_start > start[i]) & (a_start <= end[i])
                         & (a_end > end[i]))
                released[i] = not later.any()
    cens_at = np.where(released | moved, end, w1x)
    end = np.where(released | moved, np.nan, end)
    ended = ~np.isnan(end)
    if ended.sum() < MIN_EVENTS:
        if has_dyn:
            d.from_template("agency.tenure_weeks", f"only {int(ended.sum())} agency assignments ended")
        return
    dur = np.maximum(np.where(ended, end - start, cens_at - start), 0.5) / 7
    entry = np.maximum(w0 - start, 0) / 7
    # an assignment ending the day it starts (a booking, or a slip) beside assignments of
    # months: the log-normal spread without bound (half of them gave a mean of 4,203 weeks, cv
    # 961, for 52): left out, said; lengths that still fit no log-normal keep the template's
    got = fit_lengths(dur, ended, entry, same_day=SAME_DAY / 7, min_events=MIN_EVENTS,
                      max_cv=MAX_PLAN_CV, max_mean=MAX_PLAN_MEAN_DAYS / 7, short=1)
    if got.same_day:
        d.notes.append(f"{roster.source}: {got.same_day:,} of the {got.ended_before:,} "
                       "agency assignments that ended in the window end the day they start "
                       "(RoleEndDate the same as RoleStartDate): left out of the agency tenure "
                       "(a day's booking is not cover for a vacancy)")
        if got.fit is None:
            if has_dyn:
                d.from_template("agency.tenure_weeks", f"only {got.ended} agency "
                                "assignments ended (besides those ending the day they start)")
            return
    f = got.fit
    if got.finite and not got.plausible:
        why = got.refused("agency assignments that ended", "(RoleStartDate to RoleEndDate)",
                          "weeks", MAX_PLAN_CV, "assignments of months")
        d.notes.append(f"{roster.source}: {why}. The template's agency tenure is kept")
        if has_dyn:
            d.from_template("agency.tenure_weeks", why)
        return
    if not (np.isfinite(f.mean) and np.isfinite(f.cv)):
        # every assignment of one length (a roster filled in by rule) leaves no spread to fit
        if has_dyn:
            d.from_template("agency.tenure_weeks", f"the {f.n_events} agency assignments that "
                            f"ended do not support a fit (their lengths hardly vary): check the "
                            f"roster's agency RoleStartDate and RoleEndDate")
        return
    if f.mean < MIN_AGENCY_TENURE_WEEKS:
        # a roster whose agency rows last days (bookings, or dates entered as the same day)
        # does not describe cover for a vacancy; the scenario refuses such a stay
        if has_dyn:
            d.from_template("agency.tenure_weeks", f"agency assignments lasted {f.mean:.1f} weeks "
                            f"on average, under the {MIN_AGENCY_TENURE_WEEKS:g} week a scenario "
                            f"accepts: check the roster's agency RoleStartDate and RoleEndDate")
        return
    ci = f.intervals(seed=seed)
    d.add(Estimate("agency.tenure_weeks.mean", f.mean, *ci["mean"], f.n,
                   "log-normal maximum likelihood, censored and truncated, of agency workers' time "
                   "in post; cover released the week a permanent worker arrived is censored there",
                   "weeks", "agency.tenure_weeks",
                   f"{f.n_events} ended, {int(released.sum())} released"
                   + (f", {int(moved.sum())} moved team" if moved.any() else "")),
          Estimate("agency.tenure_weeks.cv", f.cv, *ci["cv"], f.n,
                   "log-normal maximum likelihood (as above)", "sd / mean", "agency.tenure_weeks"))
    if has_dyn:
        d.data["agency"]["tenure_weeks"] = lognormal_field(f)
        d.fitted("agency.tenure_weeks", f"censored log-normal of {f.n} agency assignments "
                 f"({f.n_events} ended); mean 95% CI {ci['mean'][0]:.0f}-{ci['mean'][1]:.0f} weeks")


def derive_vacancy_gaps(d: Draft, roster: Roster, template: Scenario, w0: float, w1x: float,
                        seed: int = 0) -> None:
    """The gap from a permanent leaver to the next permanent starter in her team (reported only:
    it is not the model's time to hire)."""
    gaps = vacancy_gaps(roster, w0, w1x)
    if gaps is not None and gaps[1].sum() >= MIN_GAPS:
        dur, ended = gaps
        # a post filled the day its holder left (a replacement already appointed) has no gap:
        # as half a day among gaps of weeks it spread the log-normal without bound (a mean of
        # months for gaps of weeks), so the share filled at once is given apart and the
        # log-normal is of the gaps there were
        at_once = ended & (dur < 1)
        share, lo, hi = wilson(int(at_once.sum()), int(ended.sum()))
        d.add(Estimate("vacancy_gap_weeks.filled_at_once_pct", 100 * share, 100 * max(lo, 0.0),
                       100 * hi, int(ended.sum()), "filled posts whose next permanent starter "
                       "began the day the leaver went (Wilson 95%)", "%", ""))
        if (ended & ~at_once).sum() >= MIN_GAPS:
            f = fit_lognormal(dur[~at_once] / 7, ended[~at_once])
            ci = f.intervals(seed=seed)
            d.add(Estimate("vacancy_gap_weeks.mean", f.mean, *ci["mean"], f.n,
                           "leaver to the next permanent starter in the same team (first in, "
                           "first out), censored log-normal of the gaps longer than a day",
                           "weeks", "", f"{f.n_events} filled after a gap; not "
                           "recruitment.time_to_hire_weeks (see docs)"),
                  Estimate("vacancy_gap_weeks.cv", f.cv, *ci["cv"], f.n, "as above",
                           "sd / mean"))
    elif gaps is None:
        d.notes.append("vacancy gaps not estimable: the roster has no Team column")
    if has_workforce(template):
        d.from_template("recruitment.time_to_hire_weeks", "a roster shows when a post was filled, "
                        "not when the successful recruitment round was; the vacancy gap is in the "
                        "fit table")


def _keep_recruitment(d: Draft, why: str) -> None:
    for f in ("recruitment.success_pct", "recruitment.experienced_share_pct"):
        d.from_template(f, why)


def derive_staffing(d: Draft, roster: Roster, template: Scenario, w0: float, w1x: float) -> bool:
    """Staff in post by team at the scenario start and each team's establishment.

    A team with workers in post at the start takes them. A team nobody is in at the start but
    somebody was in during the window starts empty, its posts vacant (the model's recruitment
    and agency cover fill them; its children wait unallocated meanwhile), with its establishment
    measured over the window as for the others. A team nobody was in during the window takes the
    template's staff and establishment scaled by the authority's size relative to the template's
    (:func:`_scale_unstaffed_teams`), an assumption, never a fit.

    Roles in teams the template does not have are in no team's staff (:func:`.staff_roster.
    staff_roster` leaves them out, or refuses them, saying which). Returns False without a Team
    column (then neither staff nor recruitment are fitted)."""
    day = w1x
    now = in_post_at(roster, day)
    teams_known = set(template.teams)
    if "Team" not in roster.columns:
        for t in template.teams:
            d.from_template(f"teams.{t}.staff", "the roster has no Team column")
        _keep_recruitment(d, "vacancies need staff by team (no Team column)")
        return False
    unknown = now[~now.team.isin(list(teams_known))]
    if len(unknown):
        # staff_roster leaves them out (or refuses) with the names; a roster given here directly
        d.notes.append(f"{len(unknown):,} worker(s) in post at {to_date(day)} are in teams the "
                       "template does not have (column Team): not in any team's staff")
    groups = staff_groups(roster, template, day, since=w0)
    window = roster.workers[in_post_during(roster.workers, w0, w1x)]
    for tname in template.teams:
        if tname not in groups:
            continue
        tw = now[now.team == tname]
        staff, est, how = groups[tname]
        # the front door with nobody in post at the start: a scenario with nobody to decide
        # referrals is refused (the model once decided them as if one worker were there) and
        # its staffing is fixed in the model, so it is staffed at its mean FTE in post over the
        # window (its establishment), experienced, in as few posts as hold it
        empty_door = tw.empty and tname == template.front_door.team and est > 0
        if empty_door:
            staff = _door_staff(est)
        d.data["teams"][tname]["staff"] = staff
        d.data["teams"][tname]["establishment_fte"] = round(est, 1)
        if tw.empty:
            n_win = int((window.team == tname).sum())
            what = (f"nobody in post at {to_date(day)}; {n_win} worker{'s' if n_win != 1 else ''} "
                    f"in post during the window; its posts start vacant")
            if empty_door:
                what = (f"nobody in post at {to_date(day)} ({n_win} worker"
                        f"{'s' if n_win != 1 else ''} in post during the window); the front "
                        f"door needs staff to decide referrals and the model keeps its staffing "
                        f"fixed, so it is staffed at its mean FTE in post over the window "
                        f"({est:.2f} FTE): set teams.{tname}.staff from the team's rota if that "
                        f"is not its staffing")
            d.notes.append(f"team {tname}: {what}")
            if round(est, 1) <= 0 and template.teams[tname].case_holding:
                d.notes.append(
                    f"team {tname}: its establishment over the window rounds to 0 FTE (in post for "
                    "only a few days of it), so nobody is recruited to it and its children wait "
                    f"unallocated for the whole run: set teams.{tname}.establishment_fte if it "
                    "has posts")
        else:
            n_win = len(tw)
            what = f"{len(tw)} worker{'s' if len(tw) != 1 else ''} in post at the start of {to_date(day)}"
        said = establishment_note(tname, est, how, template.teams[tname].case_holding)
        d.notes.extend([said] if said and not empty_door else [])
        d.add(Estimate(f"teams.{tname}.establishment_fte", est, n=n_win, method=how,
                       unit="FTE", scenario_field=f"teams.{tname}.establishment_fte"),
              Estimate(f"teams.{tname}.staff_fte", float(tw.fte.sum()), n=len(tw),
                       method=f"FTE in post at the start of {to_date(day)}", unit="FTE",
                       scenario_field=f"teams.{tname}.staff"))
        d.fitted(f"teams.{tname}.staff", what)
        d.assumed(f"teams.{tname}.establishment_fte", how)
    _scale_unstaffed_teams(d, template, groups, w0, w1x)
    return True


def _scale_unstaffed_teams(d: Draft, template: Scenario, groups: dict[str, tuple], w0: float,
                           w1x: float) -> None:
    """Teams nobody in the roster worked in during the window: the template's staff and
    establishment scaled by the authority's size relative to the template's, measured on the
    case-holding teams the roster does show (their fitted establishment over the template's).
    Without any such team, the template's are kept."""
    idle = idle_template_teams(template)
    for t in idle:
        if t not in groups:
            d.from_template(f"teams.{t}.staff", "no stage is held by this team and no transfer "
                            "moves cases to it: it holds no cases")
    # the teams whose stages staff_roster gave to the team holding their cases in the extract
    used = {s["team"] for s in d.data["stages"].values()}
    used |= {s["transfer"]["to_team"] for s in d.data["stages"].values() if s.get("transfer")}
    routed = [t for t, c in template.teams.items()
              if c.case_holding and t not in groups and t not in idle and t not in used]
    for t in routed:
        d.data["teams"][t]["staff"] = []
        d.data["teams"][t]["establishment_fte"] = 0.0
        why = ("nobody of this team in the roster, and the case extract's Team gives its stages' "
               "cases to another team (see stages.*.team): none, it holds no cases")
        d.assumed(f"teams.{t}.staff", why)
        d.assumed(f"teams.{t}.establishment_fte", why)
    missing = [t for t in template.teams if t not in groups and t not in idle and t not in routed]
    if not missing:
        return
    span = f"{to_date(w0)} to {to_date(w1x - 1)}"
    shown = [t for t, c in template.teams.items() if c.case_holding and t in groups]
    fitted = sum(groups[t][1] for t in shown)
    base = sum(template.teams[t].establishment_fte for t in shown)
    if fitted <= 0 or base <= 0:
        for t in missing:
            d.from_template(f"teams.{t}.staff", "no worker of this team in post in the roster, and "
                            "no staffed case-holding team to scale the template's by")
            d.notes.append(f"team {t}: nobody in post in the roster from {span}; kept the "
                           "template's staff")
        return
    factor = fitted / base
    d.add(Estimate("teams.size_relative_to_template", factor, n=len(shown),
                   method=f"fitted establishment of the case-holding teams in the roster "
                   f"({', '.join(shown)}: {fitted:.1f} FTE) / the template's ({base:.1f} FTE)",
                   unit="ratio", note="scales the teams nobody worked in during the window"))
    for t in missing:
        cfg = template.teams[t]
        staff = _scaled_staff([g.model_dump(mode="json") for g in cfg.staff], factor)
        if not staff and t == template.front_door.team:
            # nobody would decide referrals (refused): the front door keeps its share of the
            # template's FTE, in as few posts as hold it (the model gives it those hours)
            staff = _door_staff(sum(g.count * g.fte for g in cfg.staff) * factor)
        n0, n1 = sum(g.count for g in cfg.staff), sum(g["count"] for g in staff)
        est = round(cfg.establishment_fte * factor, 1)
        d.data["teams"][t]["staff"] = staff
        d.data["teams"][t]["establishment_fte"] = est
        why = (f"nobody of this team in post in the roster from {span}: the template's "
               f"{{}} scaled by {factor:.3f}, the authority's size relative to the template's "
               f"(fitted establishment of {', '.join(shown)} over the template's)")
        d.assumed(f"teams.{t}.staff", why.format(f"{n0} workers") + f", rounded to {n1}"
                  + (" (its posts start vacant)" if n1 == 0 else ""))
        d.assumed(f"teams.{t}.establishment_fte",
                  why.format(f"establishment {cfg.establishment_fte:g} FTE") + f", to {est:g} FTE")
        d.notes.append(f"team {t}: nobody in post in the roster from {span}; the template's "
                       f"staff and establishment scaled by {factor:.3f} ({n1} "
                       f"worker{'' if n1 == 1 else 's'}, {est:g} FTE)"
                       + (f": {n1} worker(s) the roster does not have are ADDED to the fitted "
                          f"workforce, holding the cases of {_held_by(d, t)}. If the council "
                          f"has no team {t}, write the team holding those cases in the case "
                          "extract's Team (the fit then gives them to it); if it has, give its "
                          "staff in the roster" if n1 and cfg.case_holding else ""))


def _door_staff(fte: float) -> list[dict]:
    """A front door of ``fte`` FTE (at least 0.01): experienced workers in as few posts as hold
    it, each with an equal share."""
    posts = max(1, math.ceil(round(fte, 2) - 1e-9))
    return [{"type": "experienced", "count": posts, "fte": max(round(fte / posts, 3), 0.01),
             "months_qualified": 36.0}]


def _held_by(d: Draft, team: str) -> str:
    """The stages (and transfers) the draft gives to ``team``, in words."""
    st = [n for n, s in d.data["stages"].items() if s["team"] == team]
    st += [f"{n} after its transfer" for n, s in d.data["stages"].items()
           if s.get("transfer") and s["transfer"]["to_team"] == team]
    return "stage " + ", ".join(st) if st else "no stage"


def _scaled_staff(staff: list[dict], factor: float) -> list[dict]:
    """Staff groups with their total headcount scaled by ``factor`` and rounded (half up), shared
    among the groups by largest remainder so that the mix of types is kept."""
    counts = np.array([g["count"] for g in staff], dtype=float)
    total = int(math.floor(counts.sum() * factor + 0.5))
    if total == 0 or not len(counts):
        return []
    share = counts * total / counts.sum()
    out = np.floor(share).astype(int)
    order = sorted(range(len(share)), key=lambda i: (-(share[i] - out[i]), -counts[i], i))
    for i in order[: total - int(out.sum())]:
        out[i] += 1
    return [dict(g, count=int(k)) for g, k in zip(staff, out) if k > 0]


def derive_recruitment(d: Draft, roster: Roster, spells: pd.DataFrame, template: Scenario,
                       w0: float, w1x: float) -> None:
    """Success per advertised vacancy-round and the experienced share of appointments."""
    w = roster.workers
    rec = template.recruitment
    _, moved_in = internal_moves(w)      # a move within the authority is no appointment
    perm_rows = w[w.type.isin(["experienced", "nqsw"]).to_numpy() & ~moved_in & w.team.isin(
        [t for t, c in template.teams.items() if c.case_holding]).to_numpy()]
    con = set(zip(w[w.reason == "CON"].team, w[w.reason == "CON"].end))
    hires = perm_rows[(perm_rows.start >= w0) & (perm_rows.start < w1x)]
    hires = hires[_mask((t, s) not in con for t, s in zip(hires.team, hires.start))]
    k_exp = int((hires.type == "experienced").sum())
    if len(hires) < MIN_HIRES:
        d.from_template("recruitment.experienced_share_pct", f"fewer than {MIN_HIRES} permanent appointments")
        d.from_template("recruitment.success_pct", f"fewer than {MIN_HIRES} permanent appointments")
        return
    p, lo, hi = wilson(k_exp, len(hires))
    d.add(Estimate("recruitment.experienced_share_pct", 100 * p, 100 * lo, 100 * hi, len(hires),
                   "share of permanent appointments who were experienced (Wilson 95%)", "%",
                   "recruitment.experienced_share_pct"))
    d.data["recruitment"]["experienced_share_pct"] = round(100 * p, 2)
    d.fitted("recruitment.experienced_share_pct", f"{k_exp} of {len(hires)} appointments experienced")
    # vacancy-rounds: weekly vacancies (establishment - permanent FTE - hires on their way).
    # The establishment comes from agency cover: without it, it is the FTE in post, and the
    # roster shows no vacancy to count rounds over (an authority with no agency: 9 appointments
    # over 11 rounds gave 84% for a true 12%, written as fitted)
    holding = [t for t, c in template.teams.items() if c.case_holding]
    ag = spells[(spells.type == "agency").to_numpy() & spells.team.isin(holding).to_numpy()]
    covered = bool(template.agency.enabled and template.agency.cover_share_pct > 0
                   and in_post_during(ag, w0, w1x).any())
    if not covered:
        d.from_template("recruitment.success_pct", "the roster shows no vacancies to count "
                        "appointments against: with no agency cover in the case-holding teams "
                        "in the window, the establishment is taken as the FTE in post")
        return
    tth = rec.time_to_hire_weeks.mean_value * 7
    weeks = np.arange(w0, w1x, 7.0)
    vac_weeks = 0.0
    for tname, tcfg in template.teams.items():
        if not tcfg.case_holding or d.provenance.get(f"teams.{tname}.staff", "").startswith("assumed"):
            continue      # a team nobody worked in: its scaled establishment is not a vacancy
        est = d.data["teams"][tname]["establishment_fte"]
        pt = spells[(spells.team == tname) & spells.type.isin(["experienced", "nqsw"])]
        st, en, fte = pt.start.to_numpy(), pt.end.fillna(np.inf).to_numpy(), pt.fte.to_numpy()
        th = hires[hires.team == tname].start.to_numpy()
        for t in weeks:
            inpost = fte[(st <= t) & (en > t)].sum()
            pipeline = np.sum((th > t) & (th <= t + tth))
            vac_weeks += max(math.floor(est - inpost - pipeline + 0.5), 0)
    every = max(round(rec.round_interval_weeks), 1)
    # the weekly count took each appointment off its own round's vacancies (it is "on its
    # way" from its start less the mean time to hire): the model's round does not (6 seeds of
    # a synthetic authority: 10% fewer vacancy-rounds, success too high by as much)
    missed = pipeline_rounds_missed(rec.time_to_hire_weeks, every) * len(hires)
    rounds = vac_weeks / every + missed
    if rounds < MIN_ROUNDS:
        d.from_template("recruitment.success_pct", "too few vacancy-rounds in the window")
        return
    rate, lo, hi = poisson_rate(len(hires), rounds)
    rate, lo, hi = (min(x, 1.0) for x in (rate, lo, hi))
    d.add(Estimate("recruitment.success_pct", 100 * rate, 100 * lo, 100 * hi, len(hires),
                   f"appointments / vacancy-rounds advertised ({rounds:.0f}: {vac_weeks:.0f} "
                   f"vacancy-weeks / {every}, a round every {every} weeks, + {missed:.1f} for the "
                   "appointments on their way counted from before their round; vacancies from "
                   "the fitted establishment; exact Poisson 95%)", "%", "recruitment.success_pct"))
    d.data["recruitment"]["success_pct"] = round(100 * rate, 2)
    d.fitted("recruitment.success_pct", f"{len(hires)} appointments over {rounds:.0f} "
             "vacancy-rounds (vacancies from the fitted establishment)")
