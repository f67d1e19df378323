"""The KPIs of one run, computed from its run record (never from a live simulation).

Processes record what happened; everything here is derived. A warm-up period is a filter on the
records (``warmup_days``), never a correction inside the model. What each KPI means, its label,
unit and better direction are in :mod:`workbench.analysis.registry`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..model import log as R
from ..model.log import COST_CATEGORIES
from ..model.record import RunRecord
from ..scenario import STAGES

S = {s: i for i, s in enumerate(STAGES)}

#: The statutory-visit KPIs: the stage whose visits each counts (a visit made after its deadline
#: or missed is late; a stage without visits in the scenario gives NaN).
VISIT_KPIS = {"cp": "cp_visits_on_time_pct", "court": "court_visits_on_time_pct",
              "lac": "lac_visits_on_time_pct"}

def _pct(x: np.ndarray) -> float:
    return float(100.0 * np.mean(x)) if len(x) else math.nan


def _queue_intervals(ev: pd.DataFrame, end: float) -> pd.DataFrame:
    """Unallocated spells: from QUEUED to the child's next queue, allocation, closure or censoring.

    ``start_row`` and ``stop_row`` are the rows of the event log that open and close each spell
    (the log is in the order the events happened; ``stop_row`` is past the last row for a spell
    still open at the end), so that changes at one instant can be put in the order they happened.
    """
    mask = ev.event.isin([R.QUEUED, R.ALLOCATED, R.CLOSED, R.CENSORED]).to_numpy()
    rows = np.flatnonzero(mask)
    child = ev.child.to_numpy()[rows]
    t = ev.t_days.to_numpy()[rows]
    order = np.lexsort((rows, t, child))  # by child and time, then as the events happened
    rows, child, t = rows[order], child[order], t[order]
    q = ev.event.to_numpy()[rows] == R.QUEUED
    same = np.zeros(len(rows), dtype=bool)
    same[:-1] = child[1:] == child[:-1]
    nxt_t = np.append(t[1:], end)
    nxt_row = np.append(rows[1:], len(ev))
    stop = np.where(same[q], nxt_t[q], end)
    stop_row = np.where(same[q], nxt_row[q], len(ev))
    return pd.DataFrame({"start": t[q], "stop": np.minimum(stop, end),
                         "start_row": rows[q], "stop_row": stop_row})


def _peak_waiting(qi: pd.DataFrame, warmup_days: float) -> float:
    """The most children waiting at once after the warm-up, from the spells of
    :func:`_queue_intervals`. Changes at one instant are taken in the order they happened (the
    log's rows), so the weekly count, taken between two of them, can never exceed it; a child
    queued and allocated at one instant counts as waiting in between, as the weekly count may."""
    if not len(qi):
        return 0.0
    times = np.concatenate([qi.start.values, qi.stop.values])
    steps = np.concatenate([np.ones(len(qi)), -np.ones(len(qi))])
    at_row = np.concatenate([qi.start_row.values, qi.stop_row.values])
    # a child queued again ends one spell and starts the next at the same row: end it first
    order = np.lexsort((steps, at_row, times))
    level = np.cumsum(steps[order])
    in_window = times[order] >= warmup_days
    base = level[~in_window][-1] if np.any(~in_window) else 0.0
    return float(max(level[in_window].max(initial=0.0), base))


def costs_beyond_pay(costs: pd.DataFrame) -> float:
    """Total of the cost records (GBP), summed in time order within each category."""
    by_cat = {c: 0.0 for c in COST_CATEGORIES}
    for cat, gbp in zip(costs["category"].tolist(), costs["gbp"].tolist()):
        by_cat[cat] = by_cat.get(cat, 0.0) + gbp
    return float(sum(by_cat.values()))


#: Cost categories recorded week by week, each record for the week it starts (academy places,
#: retention payments); recruitment's cost per hire counts when it falls due, and a campaign's
#: with its hires (:func:`campaign_cost`).
ACCRUED = ("academy", "retention")


def campaign_cost(scenario, start: float, end: float) -> float:
    """What the scenario's recruitment campaigns cost for the hires who start in ``[start,
    end)`` days: each hire its share of its campaign's cost, as the model charges a campaign
    running past the end for the hires who start within the run (they start evenly over the
    campaign, at its ``k + 1/2``-th step). A campaign with no hires is charged whole on its
    first day, as the model charges it."""
    total = 0.0
    for camp in scenario.recruitment.campaigns:
        s = float((camp.start_date - scenario.start_date).days)
        e = float((camp.end_date - scenario.start_date).days)
        if s >= end or e <= 0:
            continue
        if camp.hires <= 0:
            total += camp.cost_gbp if start <= max(s, 0.0) else 0.0
            continue
        for at in camp.hire_days(scenario.start_date):
            if at >= end:
                break
            if at >= start:
                total += camp.cost_gbp / camp.hires
    return total


def costs_in_window(costs: pd.DataFrame, start: float, end: float, scenario=None) -> float:
    """The costs beyond pay (GBP) of the days ``[start, end)``: a week's accrual for its days
    inside, a cost per hire when it fell due, a campaign's for the hires who start inside
    (:func:`campaign_cost`; the records' own when no ``scenario`` is given). With no warm-up
    (``start`` 0) every record, summed as :func:`costs_beyond_pay` does. (They were prorated by
    the window's share of the run, as if spent evenly: a GBP 10m campaign whose recruits all
    started in a 40-day warm-up put GBP 4.5m into the cost of the 33 days measured.)"""
    if start <= 0 or costs.empty:
        return costs_beyond_pay(costs)
    cat = costs["category"]
    lump = cat.eq("campaigns").to_numpy() if scenario is not None else np.zeros(len(costs), bool)
    t = costs["t_days"].to_numpy(dtype=float)
    gbp = costs["gbp"].to_numpy(dtype=float)
    weekly = cat.isin(ACCRUED).to_numpy()
    length = np.minimum(7.0, end - t)
    inside = np.minimum(t + length, end) - np.maximum(t, start)
    with np.errstate(divide="ignore", invalid="ignore"):
        part = np.where(length > 0, np.clip(inside / length, 0.0, 1.0), 0.0)
    share = np.where(weekly, part, ((t >= start) & (t < end)).astype(float))
    share[lump] = 0.0
    hires = campaign_cost(scenario, start, end) if scenario is not None else 0.0
    return float(np.sum(gbp * share)) + hires


def compute_kpis(record: RunRecord, weekly: pd.DataFrame,
                 warmup_days: float = 0.0) -> dict[str, float]:
    """The KPIs of one run (see :data:`workbench.analysis.registry.KPI_DESCRIPTIONS`).

    Parameters
    ----------
    record : RunRecord
        What the run produced (:func:`workbench.model.simulate`).
    weekly : pandas.DataFrame
        Its weekly table (:func:`workbench.analysis.weekly.weekly_table`).
    warmup_days : float
        Leave the first days out (a filter on the records).
    """
    sc = record.scenario
    end = record.horizon_days
    ev = record.events
    workers = record.workers
    obs_rows = record.observations
    span_days = end - warmup_days
    years = span_days / 365.25
    flow = ev[ev.t_days >= warmup_days] if warmup_days > 0 else ev
    k: dict[str, float] = {}
    e = flow.event.values
    st = flow.stage.values
    val = flow.value.values

    dec = val[e == R.DECISION]
    k["referral_decision_within_1wd_pct"] = _pct(dec <= 1)

    a_mask = (e == R.TASK_DONE) & (st == S["assessment"])
    a = val[a_mask]
    a_target = sc.stages["assessment"].timescale_wd(45)
    k["assessment_within_45wd_pct"] = _pct(a <= a_target)
    k["assessment_median_wd"] = float(np.median(a)) if len(a) else math.nan

    if "icpc" in sc.stages:
        ic = val[(e == R.TASK_DONE) & (st == S["icpc"])]
        tgt = sc.stages["icpc"].timescale_wd(15)
        k["icpc_within_15wd_pct"] = _pct(ic <= tgt)
    else:
        k["icpc_within_15wd_pct"] = math.nan

    for stage, name in VISIT_KPIS.items():
        if stage in sc.stages and sc.stages[stage].visits is not None:
            v = val[(e == R.VISIT) & (st == S[stage])]
            missed = int(np.sum((e == R.VISIT_MISSED) & (st == S[stage])))
            n = len(v) + missed
            k[name] = 100.0 * np.sum(v <= 0) / n if n else math.nan
        else:
            k[name] = math.nan

    # unallocated children: exact time-average and peak from the queue spells
    qi = _queue_intervals(ev, end)
    s0 = np.clip(qi.start.values, warmup_days, end)
    s1 = np.clip(qi.stop.values, warmup_days, end)
    k["unallocated_mean"] = float(np.sum(s1 - s0) / span_days) if span_days > 0 else math.nan
    k["unallocated_peak"] = _peak_waiting(qi, warmup_days)
    # every allocation in the period, less the warm start's placing of the cases open at the
    # start (at time 0, with no wait behind it: not an allocation a child waited for)
    placed = (e == R.ALLOCATED) & (val >= 0)
    if warmup_days <= 0:
        snap = flow.child.values[e == R.SNAPSHOT]
        placed &= ~((flow.t_days.values == 0.0) & np.isin(flow.child.values, snap))
    alloc = val[placed]
    k["allocation_wait_mean_days"] = float(alloc.mean()) if len(alloc) else 0.0

    # caseloads from the weekly observations (per worker, per FTE)
    rows = [r for r in (obs_rows or []) if r["t_days"] >= warmup_days]
    if rows:
        pooled = np.concatenate([r["caseloads"] for r in rows])
        # as published: cases held over the FTE of case-holding staff (each week, averaged)
        k["caseload_mean"] = float(np.mean([r["caseload_per_fte"] for r in rows]))
        k["caseload_p90"] = float(np.percentile(pooled, 90))
        k["workers_over_cap_pct"] = float(np.mean([r["workers_over_cap_pct"] for r in rows]))
    else:
        k["caseload_mean"] = k["caseload_p90"] = k["workers_over_cap_pct"] = math.nan

    wk = weekly[weekly.t_days >= warmup_days]
    open_cols = [f"open_{s}" for s in STAGES]
    # per year *with* a social worker: a child waiting unallocated has no worker to change, and
    # counting her time would make a service in crisis look more stable. Each week's stock
    # (observed at its start) stands for its days inside the window [warmup_days, end): 7, but
    # fewer for a last week cut short by the end of the run (1.25 days of a 1-year run) and for
    # a week the warm-up ends part-way through, whose changes after the warm-up are counted
    # (before, every row counted 7 days and the straddling week none: the rate read 13% low
    # over 0.1 years, 1.6% over one)
    t0 = weekly.t_days.to_numpy(dtype=float)
    days_in = np.clip(np.minimum(t0 + 7.0, end) - np.maximum(t0, warmup_days), 0.0, 7.0)
    with_worker = (weekly[open_cols].sum(axis=1) - weekly["unallocated"]).to_numpy(dtype=float)
    child_years = float(np.sum(with_worker * days_in) / 365.25) if len(weekly) else 0.0
    changes = int(np.sum(e == R.SW_CHANGE))
    k["sw_changes_per_child_year"] = changes / child_years if child_years > 0 else math.nan

    counts = {s: record.open_by_stage.get(s, 0) for s in STAGES}
    k["open_cases_end"] = float(sum(counts.values()))
    k["cin_end"] = float(counts["cin"] + counts["cin_disability"])
    k["cp_end"] = float(counts["cp"])
    k["lac_end"] = float(counts["lac"] + counts["court"])

    k["referrals_per_year"] = float(np.sum(e == R.REFERRAL) / years) if years > 0 else math.nan
    k["assessments_completed_per_year"] = float(len(a) / years) if years > 0 else math.nan

    # workforce
    wt = {t: i for i, t in enumerate(("experienced", "nqsw", "academy", "agency"))}
    left = flow[flow.event == R.WORKER_LEFT]
    employed_left = left[left.stage.isin([wt["experienced"], wt["nqsw"], wt["academy"]])].value.sum()
    # as published: leavers over the average FTE of the staff who can leave (employed, in the
    # case-holding teams; the front door's staff are fixed)
    employed_fte = wk.fte_employed_case_holding.mean() if len(wk) else math.nan
    k["turnover_pct"] = float(100 * employed_left / employed_fte / years) if years > 0 and employed_fte else math.nan
    k["vacancy_rate_pct"] = float(100 * (wk.vacancies_fte / wk.establishment_fte).mean()) if len(wk) else math.nan
    total_fte = wk[["fte_experienced", "fte_nqsw", "fte_academy", "fte_agency"]].sum(axis=1)
    k["agency_share_pct"] = float(100 * (wk.fte_agency / total_fte).mean()) if len(wk) else math.nan
    k["nqsw_share_pct"] = float(100 * ((wk.fte_nqsw + wk.fte_academy) / total_fte).mean()) if len(wk) else math.nan
    k["lac_3plus_sw_pct"] = lac_3plus_social_workers(ev, warmup_days, end)

    pay = staff_cost(workers, sc, warmup_days, end)
    extra = costs_in_window(record.costs, warmup_days, end, sc) if end > 0 else 0.0
    cost = pay + extra
    k["cost_gbp"] = cost
    k["cost_per_year_gbp"] = cost / years if years > 0 else math.nan
    # nobody in post in any week: no cost per FTE (0 / 0 gave NaN and a numpy warning, which
    # the command line printed as "note: invalid value encountered in scalar divide")
    mean_fte = float(total_fte.mean()) if len(wk) else math.nan
    k["cost_per_fte_gbp"] = cost / years / mean_fte if years > 0 and mean_fte > 0 else math.nan
    agency = workers[workers["type"] == "agency"]
    k["agency_cost_gbp"] = staff_cost(agency, sc, warmup_days, end)
    # a year's cost per child with an open case (the average number open): does not grow with
    # the length of the run, unlike a cost per child ever served
    open_mean = float(wk[open_cols].sum(axis=1).mean()) if len(wk) else math.nan
    k["cost_per_child_gbp"] = (cost / years / open_mean if years > 0 and open_mean > 0
                               else math.nan)
    return k


def lac_3plus_social_workers(ev: pd.DataFrame, start: float, end: float) -> float:
    """% of children looked after at some time in a year who had 3+ social workers that year.

    The national stability measure, over each whole year after ``start``, averaged over the
    years. NaN when the period measured is shorter than a year: a count of social workers over
    a few months is not the measure "in a year" (over 5 weeks it read 0.6%, and a half-year
    validation page set that beside England's 24-27%), so it is shown as n/a.
    """
    lac = S["lac"]
    span = end - start
    n_years = int((span + 1e-6) // 365.25)   # a year computed as end - start may fall short by ulp
    if n_years < 1:
        return math.nan
    windows = [(start + i * 365.25, start + (i + 1) * 365.25) for i in range(n_years)]
    t = ev.t_days.to_numpy()
    e = ev.event.to_numpy()
    child = ev.child.to_numpy()
    worker = ev.worker.to_numpy().astype(np.int64)
    n_child = int(child.max()) + 1 if len(child) else 1
    is_lac = ev.stage.to_numpy() == lac
    starts = np.flatnonzero(is_lac & (e == R.STAGE_START))
    ends = np.flatnonzero(is_lac & (e == R.STAGE_END))
    alloc = np.flatnonzero(e == R.ALLOCATED)
    alloc = alloc[np.argsort(t[alloc], kind="stable")]
    a_t, a_child, a_worker = t[alloc], child[alloc], worker[alloc]
    # a child left with no worker (her case closed, she waited for one, or non-qualified staff
    # took her stable case): log positions
    gone = np.flatnonzero((e == R.CLOSED) | (e == R.QUEUED) | (e == R.UNQUALIFIED))
    span_w = int(worker.max()) + 2 if len(worker) else 2
    shares = []
    for w0, w1 in windows:
        # children in the lac stage at some time in [w0, w1): a child may have several lac
        # spells; keep children whose last spell started before w1 has not ended before w0
        last_start = np.full(n_child, -np.inf)
        sel = starts[t[starts] < w1]
        np.maximum.at(last_start, child[sel], t[sel])
        last_end = np.full(n_child, -np.inf)
        sel = ends[t[ends] < w0]
        np.maximum.at(last_end, child[sel], t[sel])
        in_cohort = (last_start > -np.inf) & (last_start >= last_end)
        n_cohort = int(in_cohort.sum())
        if n_cohort == 0:
            continue
        mine = in_cohort[a_child]
        # her social workers that year: those allocated during it, and the one she had at its
        # start (her last allocation before it, unless her case closed or she was left waiting
        # for a worker after it and before the year began)
        during = np.flatnonzero(mine & (a_t >= w0) & (a_t < w1))
        before = np.flatnonzero(mine & (a_t < w0))[::-1]
        _, last = np.unique(a_child[before], return_index=True)
        held = before[last]
        left = np.full(n_child, -1, dtype=np.int64)
        sel = gone[t[gone] < w0]
        np.maximum.at(left, child[sel], sel)
        held = held[alloc[held] > left[a_child[held]]]
        rows = np.concatenate([during, held])
        pairs = np.unique(a_child[rows] * span_w + a_worker[rows] + 1)
        _, n_workers = np.unique(pairs // span_w, return_counts=True)
        shares.append(100.0 * int((n_workers >= 3).sum()) / n_cohort)
    return float(np.mean(shares)) if shares else math.nan


def staff_cost(workers: pd.DataFrame, scenario, start: float, end: float) -> float:
    """Sum over workers of FTE x weeks in post within [start, end] x weekly cost of her type."""
    if workers.empty:
        return 0.0
    rate = workers["type"].map(scenario.costs.gbp_per_fte_week).astype(float)
    days = (np.minimum(workers.left_days, end) - np.maximum(workers.joined_days, start)).clip(lower=0)
    return float(np.sum(workers.fte * days / 7.0 * rate))
