"""Synthetic extracts for a fictional authority, generated from a known scenario.

Tests and the demo never need real data: :func:`generate_extracts` runs :func:`simulate` on a
scenario and turns its event log and worker table into the two extract layouts of
:mod:`workbench.calibration.extracts`, with random identifiers (not the model's integer ids) and
dates ``scenario.start_date + t_days``. Because the scenario is known, a fit can be checked
against the truth (parameter recovery).

The simulation runs a burn-in (default one year) before the data window so that the window sees
the process in its stationary state (re-referrals, for example, come only from closures inside
the run). The extract holds every referral episode active in the window (referred in it, or
open at its start with its history), with dates after the window end blanked, as a council's
extract on its last day would show.

Workforce: the roster comes from the model's own worker spells (leavers, hires, academy cohorts,
agency cover and conversions simulated by :mod:`workbench.model.workforce`), typed by how each
worker started; sickness absence (``WorkingDaysLost``) is the model's long-term absence plus
short-term absence drawn at the scenario's ``absence_pct``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import files
from ..errors import UserError
from ..model import log as R
from ..analysis.run import simulate
from ..scenario import STAGES, Scenario, validate_scenario

_GROUP = {"cin_disability": "cin"}  # stages sharing columns in the cases layout
_COLS = {
    "assessment": ("AssessmentActualStartDate", "AssessmentAuthorisationDate"),
    "s47": ("S47ActualStartDate", "S47EndDate"),
    "icpc": (None, "DateOfInitialCPC"),
    "cin": ("CINPlanStartDate", "CINPlanEndDate"),
    "cp": ("CPPstartDate", "CPPendDate"),
    "court": ("CourtStartDate", "CourtEndDate"),
    "lac": ("PeriodOfCareStartDate", "PeriodOfCareEndDate"),
    "care_leaver": ("CareLeaverStartDate", "CareLeaverEndDate"),
}
CASE_HEADER = [
    "LAchildID", "CINreferralDate", "ReferralNFA", "AssessmentActualStartDate",
    "AssessmentAuthorisationDate", "S47ActualStartDate", "S47EndDate", "DateOfInitialCPC",
    "CINPlanStartDate", "CINPlanEndDate", "CINPlanDisability", "CPPstartDate", "CPPendDate",
    "CourtStartDate", "CourtEndDate", "PeriodOfCareStartDate", "PeriodOfCareEndDate",
    "CareLeaverStartDate", "CareLeaverEndDate", "CINclosureDate", "ReasonForClosure", "Team",
    "AllocatedWorker",
]
WORKFORCE_HEADER = ["WorkerID", "AgencyWorker", "FTE", "OrgRole", "RoleStartDate", "RoleEndDate",
                    "ReasonLeave", "Cases30", "WorkingDaysLost", "Team", "WorkerType"]


# --------------------------------------------------------------------------------------------
# A fictional authority
# --------------------------------------------------------------------------------------------

def fictional_scenario(template: Scenario, scale: float = 0.3,
                       start_date: dt.date = dt.date(2020, 4, 1)) -> Scenario:
    """Northmoor, a fictional authority: the template scaled down, with parameters changed so
    that a calibration against the template visibly moves them (the "truth" of the sample)."""
    d = template.model_dump(mode="python")
    d["name"] = "Northmoor (fictional)"
    d["authority"] = "Northmoor Borough Council (fictional: synthetic data only)"
    d["description"] = (f"A fictional authority for synthetic extracts: {template.name} scaled by "
                        f"{scale:g}, with its own demand, pathway and durations.")
    d["start_date"] = start_date
    d["demand"]["referrals_per_year"] = round(template.demand.referrals_per_year * scale)
    d["demand"]["trend_pct_per_year"] = 4.0
    d["demand"]["rereferral_pct"] = 20.0
    d["demand"]["surges"] = ()
    d["front_door"]["nfa_pct"] = 9.0
    d["working_time"]["absence_pct"] = 4.0
    st = d["stages"]
    if "assessment" in st:
        st["assessment"]["next"] = {"close": 0.50, "cin": 0.22, "cin_disability": 0.02,
                                    "s47": 0.24, "court": 0.02}
    durations = {"cin": (200, 1.1), "cin_disability": (600, 0.8), "cp": (330, 0.7),
                 "court": (200, 0.45), "lac": (650, 1.0), "care_leaver": (1300, 0.5)}
    for name, (mean, cv) in durations.items():
        if name in st and st[name]["kind"] == "plan":
            st[name]["duration_days"] = {"dist": "lognormal", "mean": mean, "cv": cv}
    for team in d["teams"].values():
        team["establishment_fte"] = round(team["establishment_fte"] * scale, 1)
        for g in team["staff"]:
            g["count"] = max(1, int(round(g["count"] * scale))) if g["count"] else 0
    if "academy" in d:
        d["academy"]["intake_per_year"] = int(round(d["academy"]["intake_per_year"] * scale))
    if d.get("agency", {}).get("cap_fte") is not None:
        d["agency"]["cap_fte"] = round(d["agency"]["cap_fte"] * scale, 1)
    for camp in d.get("recruitment", {}).get("campaigns", ()):
        camp["hires"] = int(round(camp["hires"] * scale))
    d["initial"]["open_cases"] = {k: int(round(v * scale)) for k, v in d["initial"]["open_cases"].items()}
    # conference chairs grow with a larger authority (as scale_authority does); a smaller one
    # keeps the template's, so that the bundled sample (scale 0.3) is unchanged
    conf = d.get("conferences") or {}
    if conf.get("slots_per_working_day") and scale > 1:
        conf["slots_per_working_day"] = math.ceil(conf["slots_per_working_day"] * scale)
    d["initial"]["unallocated"] = {}
    d["sources"] = {"synthetic": "Fictional authority for tests and demos; no real data."}
    return validate_scenario(d, source="<fictional scenario>")


# --------------------------------------------------------------------------------------------
# Extracts from a run
# --------------------------------------------------------------------------------------------

@dataclass
class SyntheticExtracts:
    """Two extract tables (all text, in the documented layouts) and what generated them."""

    cases: pd.DataFrame
    workforce: pd.DataFrame
    window_start: dt.date
    window_end: dt.date
    truth: dict = field(default_factory=dict)
    run: object = field(default=None, repr=False)   # the simulation (in memory only; for tests)

    def write(self, folder: str | Path) -> tuple[Path, Path]:
        folder = files.make_folder(folder)
        c, w = folder / "cases.csv", folder / "workforce.csv"
        return files.write_table(c, self.cases), files.write_table(w, self.workforce)


class _Ids:
    """Random identifiers, unique within a run (never the model's integer ids)."""

    def __init__(self, rng: np.random.Generator, prefix: str, digits: int, hexa: bool):
        self.rng, self.prefix, self.digits, self.hexa = rng, prefix, digits, hexa
        self.used: set[str] = set()

    def new(self) -> str:
        while True:
            if self.hexa:
                s = self.prefix + "".join(self.rng.choice(list("0123456789ABCDEF"), self.digits))
            else:
                s = self.prefix + str(int(self.rng.integers(10 ** (self.digits - 1), 10 ** self.digits)))
            if s not in self.used:
                self.used.add(s)
                return s


def _people(run, scenario: Scenario, rng: np.random.Generator) -> pd.DataFrame:
    """People in the roster, from the model's worker spells (times in model days).

    One row per worker, typed by how she started (an NQSW or academy trainee stays so typed:
    the fit derives her progression from her start date). An agency worker who takes a permanent
    post ends her agency row (reason CON) and starts a new permanent row.
    """
    wk = run.workers
    ev = run.events
    dest = ev[ev.event == R.LEAVER_DESTINATION]
    dest_of = dict(zip(dest.worker.to_numpy().tolist(), dest.value.to_numpy().astype(int).tolist()))
    mq = {}
    for tname, team in scenario.teams.items():
        for g in team.staff:
            mq.setdefault((tname, g.type, round(g.fte, 3)), g.months_qualified)
    rows = []
    for wid, g in wk.groupby("worker", sort=False):
        g = g.sort_values("joined_days", kind="stable")
        first = g.iloc[0]
        left = first.worker_left_days
        left = float(left) if left == left else np.nan
        t0 = float(first.joined_days)
        if t0 <= 0:     # in post at the start: a start date before it
            if first.type in ("nqsw", "academy"):
                months = mq.get((first.team, first.type, round(first.fte, 3)), 6.0)
                t0 = -months * 30.4375
            elif first.type == "agency":
                t0 = -rng.uniform(0.05, 0.8) * 365.25
            else:
                t0 = -rng.uniform(0.5, 8.0) * 365.25
        types = g.type.tolist()
        if types[0] == "agency" and len(types) > 1:     # converted to a permanent post
            tc = float(g.joined_days.iloc[1])
            rows.append((wid, "agency", first.team, first.fte, t0, tc, "CON"))
            rows.append((wid, types[1], first.team, first.fte, tc, left,
                         _leave_reason(rng, dest_of.get(wid)) if left == left else ""))
        else:
            rows.append((wid, types[0], first.team, first.fte, t0, left,
                         _leave_reason(rng, dest_of.get(wid)) if left == left else ""))
    return pd.DataFrame(rows, columns=["post", "type", "team", "fte", "start", "end", "reason"])


def _leave_reason(rng, destination) -> str:
    """A workforce-census style reason from the model's leaver destination."""
    from ..model.workforce import DEST_END_OF_ASSIGNMENT, DEST_NO_VACANCY, DEST_OUT_OF_SECTOR
    if destination == DEST_END_OF_ASSIGNMENT:
        return "END"
    if destination == DEST_NO_VACANCY:
        return "OTH"
    if destination == DEST_OUT_OF_SECTOR:
        return str(rng.choice(["RES", "RET", "OTH", "UNK"], p=[0.6, 0.25, 0.1, 0.05]))
    return "RES"


def _absence_days(ev: pd.DataFrame, lo: float, hi: float) -> dict[int, float]:
    """Calendar days of long-term absence per worker within [lo, hi)."""
    a = ev[ev.event.isin([R.ABSENCE_START, R.ABSENCE_END, R.WORKER_LEFT])].sort_values(
        ["worker", "t_days"], kind="stable")
    out: dict[int, float] = {}
    open_at: dict[int, float] = {}
    for t, e, w in zip(a.t_days.to_numpy(), a.event.to_numpy(), a.worker.to_numpy()):
        if e == R.ABSENCE_START:
            open_at[w] = t
        elif w in open_at:
            s = open_at.pop(w)
            out[w] = out.get(w, 0.0) + max(min(t, hi) - max(s, lo), 0.0)
    for w, s in open_at.items():
        out[w] = out.get(w, 0.0) + max(hi - max(s, lo), 0.0)
    return out


def _holders(ev: pd.DataFrame, at: float) -> pd.Series:
    """For each child open at time ``at``: the post (model worker) holding her case, else -1."""
    sel = ev[(ev.t_days < at) & ev.event.isin([R.ALLOCATED, R.QUEUED, R.CLOSED, R.REFERRAL,
                                               R.SNAPSHOT])]
    last = sel.groupby("child", sort=False).tail(1)
    held = last[last.event == R.ALLOCATED]
    return pd.Series(held.worker.to_numpy(), index=held.child.to_numpy())


def generate_extracts(scenario: Scenario, seed: int = 1, years: float = 2.0,
                      burn_in_years: float = 1.0) -> SyntheticExtracts:
    """Simulate ``scenario`` and write what a council's extracts would show for the window
    ``[start + burn_in, start + burn_in + years)``.

    Returns tables of text in the layouts of :mod:`workbench.calibration.extracts`, the window,
    and the truth (the scenario's values).
    """
    if round(years * 12) < 1:
        raise UserError(f"--years (years) {years:g}: the synthetic window is whole months, "
                        f"and {years:g} years is under half a month; give at least 0.042 (which "
                        "rounds to one month)")
    rng = np.random.default_rng([int(seed), 9173])
    start = scenario.start_date
    window_start = (pd.Timestamp(start) + pd.DateOffset(months=int(round(burn_in_years * 12)))).date()
    after = (pd.Timestamp(window_start) + pd.DateOffset(months=int(round(years * 12)))).date()
    window_end = after - dt.timedelta(days=1)
    w0 = (window_start - start).days
    w1x = (after - start).days                       # first day after the window
    run = simulate(scenario, seed=seed, years=w1x / 365.25)

    def date(t):
        return (start + dt.timedelta(days=int(np.floor(t)))).isoformat()

    child_ids = _Ids(rng, "C", 9, True)
    worker_ids = _Ids(rng, "SW", 6, False)

    # ---------------------------------------------------------------- people and posts
    people = _people(run, scenario, rng)
    people["id"] = [worker_ids.new() for _ in range(len(people))]
    by_post: dict[int, list] = {}
    for p in people.itertuples(index=False):
        by_post.setdefault(p.post, []).append((p.start, p.end, p.type == "agency", p.id))

    def person_at(post: int, t: float) -> str:
        """Who holds the post at time t: the permanent holder, else the agency cover."""
        best = ""
        for s, e, is_agency, pid in by_post.get(post, ()):
            if s <= t and (e != e or e > t):
                if not is_agency:
                    return pid
                best = pid
        return best

    team_of_post = dict(zip(run.workers.worker, run.workers.team))

    # ---------------------------------------------------------------- episodes
    ev = run.events
    ev = ev[ev.child >= 0].sort_values("child", kind="stable")
    t = ev.t_days.to_numpy()
    ch = ev.child.to_numpy()
    code = ev.event.to_numpy()
    stg = ev.stage.to_numpy()
    wkr = ev.worker.to_numpy()
    val = ev.value.to_numpy()
    episodes = []   # dicts
    cur = None
    last_child = -1
    for i in range(len(ev)):
        c, e = ch[i], code[i]
        if c != last_child:
            cur = None
            last_child = c
        if e == R.REFERRAL or e == R.SNAPSHOT:
            cur = {"child": c, "ref": t[i], "snapshot": e == R.SNAPSHOT, "inst": [], "closed": None,
                   "alloc": []}
            episodes.append(cur)
        elif cur is None:
            continue
        elif e == R.STAGE_START:
            cur["inst"].append([STAGES[stg[i]], t[i] - val[i], None])
        elif e == R.STAGE_END:
            if cur["inst"] and cur["inst"][-1][2] is None:
                cur["inst"][-1][2] = t[i]
        elif e == R.ALLOCATED:
            cur["alloc"].append((t[i], int(wkr[i])))
        elif e == R.QUEUED:
            cur["alloc"].append((t[i], -1))
        elif e == R.CLOSED:
            cur["closed"] = t[i]

    cut = float(w1x)           # nothing on or after this time is known to the extract
    lo = float(w0)
    id_of_child: dict[int, str] = {}
    rows = []
    for epi in episodes:
        ref = epi["ref"]
        inst = epi["inst"]
        if epi["snapshot"]:
            first = inst[0]
            back = rng.uniform(0, 2) if first[0] == "assessment" else rng.uniform(14, 120)
            ref = first[1] - back
        closed = epi["closed"]
        if ref >= cut:
            continue
        if closed is not None and closed < lo:
            continue
        cid = id_of_child.setdefault(epi["child"], None) or child_ids.new()
        id_of_child[epi["child"]] = cid
        closed_known = closed is not None and closed < cut
        nfa = closed_known and not inst
        at = closed - 1e-9 if closed_known else cut
        post = -1
        for ta, wid in epi["alloc"]:
            if ta <= at:
                post = wid
        worker = person_at(post, at) if post >= 0 else ""
        known = [x for x in inst if x[1] < cut]
        if worker:
            team = team_of_post.get(post, "")
        elif known:
            team = scenario.stages[known[-1][0]].team
        else:
            team = scenario.front_door.team
        base = {"LAchildID": cid, "CINreferralDate": date(ref), "ReferralNFA": "1" if nfa else "0",
                "CINclosureDate": date(closed) if closed_known else "",
                "ReasonForClosure": _closure_reason(rng, known) if closed_known else "",
                "Team": team, "AllocatedWorker": worker}
        # the k-th instance of each stage goes on row k
        # the k-th instance of each stage goes on row k; an ICPC shares the row of the s47
        # enquiry just before it (the census's s47 module holds both)
        per_group: dict[str, list] = {}
        prev = None
        for inst_ in known:
            name = inst_[0]
            if name == "icpc" and prev == "s47" and per_group["s47"][-1][1] is None:
                per_group["s47"][-1][1] = inst_
            elif name in ("s47", "icpc"):
                per_group.setdefault("s47", []).append([inst_, None] if name == "s47" else [None, inst_])
            else:
                per_group.setdefault(_GROUP.get(name, name), []).append([inst_])
            prev = name
        n_rows = max([len(v) for v in per_group.values()], default=1)
        for k in range(n_rows):
            row = dict.fromkeys(CASE_HEADER, "")
            row["LAchildID"], row["CINreferralDate"] = cid, base["CINreferralDate"]
            if k == 0:
                row.update(base)
            for lst in per_group.values():
                if k >= len(lst):
                    continue
                for inst_ in lst[k]:
                    if inst_ is None:
                        continue
                    name, s, e = inst_
                    grp = _GROUP.get(name, name)
                    c0, c1 = _COLS[grp]
                    if c0:
                        row[c0] = date(s)
                    if e is not None and e < cut:
                        row[c1] = date(e)
                    if grp == "cin":
                        row["CINPlanDisability"] = "1" if name == "cin_disability" else "0"
            rows.append(row)
    cases = pd.DataFrame(rows, columns=CASE_HEADER)
    order = rng.permutation(len(cases))                       # no hint of the model's order
    cases = cases.iloc[order].sort_values(["CINreferralDate"], kind="stable").reset_index(drop=True)

    # ---------------------------------------------------------------- workforce roster
    load_at_end = _holders(ev.sort_values(["child", "t_days"], kind="stable"), cut).value_counts()
    wd_frac = 253 / 365.25     # working days per calendar day in England (approx.)
    absence = scenario.working_time.absence_pct / 100
    long_absence = _absence_days(run.events, cut - 365.0, cut)
    wrows = []
    case_holding = {n: tm.case_holding for n, tm in scenario.teams.items()}
    for p in people.itertuples(index=False):
        end = p.end
        if p.start >= cut or (end == end and end < lo):
            continue
        in_post_at_end = p.start < cut and not (end == end and end < cut)
        holder = in_post_at_end and person_at(p.post, cut - 1e-9) == p.id
        cases30 = int(load_at_end.get(p.post, 0)) if holder else 0
        yr0 = max(p.start, cut - 365.0)
        yr1 = min(end if end == end else cut, cut)
        exposure = max(yr1 - yr0, 0.0) * wd_frac * p.fte
        lta = long_absence.get(p.post, 0.0) * wd_frac * p.fte if (p.type != "agency") else 0.0
        lost = "" if p.type == "agency" else f"{rng.poisson(absence * exposure) + lta:.0f}"
        wrows.append({
            "WorkerID": p.id, "AgencyWorker": "1" if p.type == "agency" else "0",
            "FTE": f"{p.fte:g}", "OrgRole": "5" if case_holding.get(p.team, True) else "6",
            "RoleStartDate": date(p.start),
            "RoleEndDate": date(end) if end == end and end < cut else "",
            "ReasonLeave": p.reason if end == end and end < cut else "",
            "Cases30": str(cases30) if in_post_at_end else "",
            "WorkingDaysLost": lost, "Team": p.team, "WorkerType": p.type,
        })
    workforce = pd.DataFrame(wrows, columns=WORKFORCE_HEADER)
    workforce = workforce.iloc[rng.permutation(len(workforce))].sort_values(
        "RoleStartDate", kind="stable").reset_index(drop=True)

    truth = {
        "scenario": scenario.name,
        "seed": seed,
        "window_start": window_start.isoformat(),
        "window_end": window_end.isoformat(),
        "referrals_per_year_at_start_date": scenario.demand.referrals_per_year,
        "trend_pct_per_year": scenario.demand.trend_pct_per_year,
        "rereferral_pct": scenario.demand.rereferral_pct,
        "nfa_pct": scenario.front_door.nfa_pct,
        "absence_pct": scenario.working_time.absence_pct,
        "turnover_pct_per_year": dict(scenario.workforce.turnover_pct_per_year),
        "pressure_turnover_effect": scenario.workforce.pressure_turnover_effect,
        "recruitment_success_pct": scenario.recruitment.success_pct,
        "recruitment_experienced_share_pct": scenario.recruitment.experienced_share_pct,
        "time_to_hire_weeks": scenario.recruitment.time_to_hire_weeks.model_dump(),
        "agency_tenure_weeks": scenario.agency.tenure_weeks.model_dump(),
        "academy_intake_per_year": scenario.academy.intake_per_year,
    }
    return SyntheticExtracts(cases=cases, workforce=workforce, window_start=window_start,
                             window_end=window_end, truth=truth, run=run)


def _closure_reason(rng, known) -> str:
    last = known[-1][0] if known else None
    if last is None:
        return "RC8"
    if last == "assessment":
        return str(rng.choice(["RC8", "RC9"]))
    if last == "lac":
        return str(rng.choice(["RC1", "RC3", "RC4", "RC7"], p=[0.15, 0.25, 0.2, 0.4]))
    if last == "care_leaver":
        return str(rng.choice(["RC6", "RC7"], p=[0.3, 0.7]))
    return "RC7"


# --------------------------------------------------------------------------------------------
# The bundled sample
# --------------------------------------------------------------------------------------------

SAMPLE_README = """# Synthetic sample extracts (not real data)

Everything in this folder is **synthetic**: generated by the workbench's own model for
**Northmoor**, a fictional authority. No child, worker or council is real; identifiers are random.
It exists so that tests, the calibration notebook and demos never need real data.

- `cases.csv`: referral episodes in the layout of `docs/calibration.md` (children in need census
  and Ofsted Annex A field names).
- `workforce.csv`: the social work roster (workforce census field names).
- `truth.yaml`: the scenario that generated the data; `truth.json`: the data window and the
  headline true values, so that a calibration can be compared with the truth.

Regenerate with:

    {command}

Window: {window_start} to {window_end} ({n_cases:,} case rows, {n_workers:,} workers).
"""


#: The fictional authority's first day: a burn-in year, then its data window from 1 April 2021
SAMPLE_START = dt.date(2020, 4, 1)


def sample_start(years: float, burn_in_years: float = 1.0,
                 today: dt.date | None = None) -> dt.date:
    """The fictional authority's first day: :data:`SAMPLE_START`, or as many whole years before
    it as keep the data window (``burn_in_years``, then ``years``) ending by the last 31 March
    on or before ``today``. A window of six years or more from 2021 ran into the future: every
    date after today was refused by ``workbench calibrate`` (13,945 problems for 20 years)."""
    today = today or dt.date.today()
    last = dt.date(today.year if (today.month, today.day) >= (3, 31) else today.year - 1, 3, 31)
    months = int(round(burn_in_years * 12)) + int(round(years * 12))
    start = SAMPLE_START
    while (pd.Timestamp(start) + pd.DateOffset(months=months)).date() - dt.timedelta(days=1) > last:
        start = start.replace(year=start.year - 1)
    return start


def write_sample(folder: str | Path, template: Scenario, seed: int = 7, years: float = 2.0,
                 scale: float = 0.3, burn_in_years: float = 1.0,
                 command: str | None = None) -> SyntheticExtracts:
    """Write the synthetic sample (extracts, truth, README) into ``folder``. ``command`` is the
    one the README says writes it again (default: the bundled sample's, into data/sample)."""
    import yaml

    folder = Path(folder)
    truth_sc = fictional_scenario(template, scale=scale,
                                  start_date=sample_start(years, burn_in_years))
    ex = generate_extracts(truth_sc, seed=seed, years=years, burn_in_years=burn_in_years)
    ex.write(folder)
    text = ("# The scenario that generated the synthetic sample in this folder (fictional).\n"
            + yaml.safe_dump(truth_sc.to_dict(), sort_keys=False, width=100))
    files.write_text(folder / "truth.yaml", text)
    files.write_text(folder / "truth.json", json.dumps(ex.truth, indent=2) + "\n")
    command = command or (f"workbench synthesize --out data/sample --seed {seed} --years {years} "
                          f"--scale {scale}")
    files.write_text(folder / "README.md", SAMPLE_README.format(
        command=command, window_start=ex.window_start,
        window_end=ex.window_end, n_cases=len(ex.cases), n_workers=len(ex.workforce)))
    return ex


def with_mistakes(cases_file: str | Path) -> pd.DataFrame:
    """A cases extract (all cells as text) with two typical mistakes, to show what validation
    reports: an impossible date on the first row and a CP plan that ends before it starts.

    Only for demonstrations on synthetic data: the table is child-level, so do not display it.
    """
    table = pd.read_csv(cases_file, dtype=str, keep_default_na=False)
    first_cp = table.index[table.CPPstartDate != ""][0]
    table.loc[first_cp, "CPPendDate"] = "2000-01-01"
    table.loc[0, "CINreferralDate"] = "2022-02-30"
    return table
