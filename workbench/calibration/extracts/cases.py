"""The cases extract: validation of a cases table and the pseudonymised :class:`CaseData`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...scenario.basics import MAX_REFERRALS_PER_YEAR
from .cells import (ExtractError, Problem, either_way_dates, link_keys, match_columns, parse_all,
                    to_date)
from .layouts import CASE_COLUMNS, EPISODE_FIELDS, PLAN_STAGE_COLUMNS, STAGE_COLUMNS


@dataclass
class CaseData:
    """The cases extract, validated and pseudonymised.

    ``episodes``: one row per referral episode: ``episode``, ``child`` (integer code), ``referral``,
    ``nfa``, ``closure``, ``reason``, ``team``, ``allocated`` (a worker was named),
    ``worker_key`` (a keyed digest of AllocatedWorker, 0 when blank: see :func:`link_keys`).
    ``stages``: one row per stage instance: ``episode``, ``stage``, ``start``, ``end``.
    Dates are day numbers (see :func:`day_number`); NaN when missing.
    """

    episodes: pd.DataFrame
    stages: pd.DataFrame
    source: str = "cases"
    columns: frozenset = frozenset()
    #: dates with slashes that every one read either way round (:func:`~.cells.either_way_dates`)
    either_way_dates: int = 0
    #: keyed digests (:func:`~.cells.link_keys`) of the values of both extracts' columns outside
    #: the layouts (a UPN, a payroll number): a note never quotes one as a team name
    hidden_keys: frozenset = frozenset()

    @property
    def last_date(self) -> float:
        vals = [self.episodes.referral.max(), self.episodes.closure.max(),
                self.stages.start.max(), self.stages.end.max()]
        vals = [v for v in vals if v == v]
        return float(max(vals)) if vals else float("nan")


def validate_cases_frame(df: pd.DataFrame, file: str = "cases.csv",
                         problems: list[Problem] | None = None,
                         other_ids: frozenset[str] | set[str] = frozenset()) -> CaseData | None:
    """Check a cases table (all cells as text) and build :class:`CaseData`.

    Problems are appended to ``problems`` when given (then None is returned if any were found);
    otherwise :class:`ExtractError` is raised.
    ``other_ids``: the identifiers of the files read with this one (the roster's WorkerIDs, the
    returns' children and SWENos): like this file's own, never quoted in a message.
    """
    own = problems is None
    problems = [] if own else problems
    n0 = len(problems)
    df = match_columns(df.astype(str), CASE_COLUMNS, file, problems)
    if "LAchildID" not in df.columns or "CINreferralDate" not in df.columns:
        # without the episode key nothing else can be checked beyond the cells
        parse_all(df, CASE_COLUMNS, file, problems, other_ids)
        if own:
            raise ExtractError(problems)
        return None
    v = parse_all(df, CASE_COLUMNS, file, problems, other_ids)
    n = len(df)
    rows = np.arange(n) + 2
    nan = np.full(n, np.nan)
    get = lambda name: v.get(name, nan)  # noqa: E731

    def blank(name: str) -> np.ndarray:
        """Cells left blank: a date that did not read is a problem of its own, not a blank."""
        if name not in df.columns:
            return np.ones(n, dtype=bool)
        return (df[name].astype(str).str.strip() == "").to_numpy()

    ref = get("CINreferralDate")
    closure = get("CINclosureDate")
    nfa = get("ReferralNFA")
    # more referrals than the model can hold: said before the row-by-row checks, which take
    # minutes on millions of rows (a 200 MB file took 74 s and 4 GB, then the fit 12 GB)
    big = _too_many_referrals(v["LAchildID"], ref, file)
    if big is not None:
        problems.append(big)
        if own:
            raise ExtractError(problems)
        return None

    def report(mask, column, message):
        for i in np.flatnonzero(mask):
            msg = message(i) if callable(message) else message
            problems.append(Problem(file, msg, int(rows[i]), column))

    # dates in order within a row
    any_stage = np.zeros(n, dtype=bool)
    for stage, c0, c1 in STAGE_COLUMNS:
        s = get(c0) if c0 else nan
        e = get(c1)
        if c0:
            any_stage |= ~np.isnan(s)
            report(~np.isnan(e) & ~np.isnan(s) & (e < s), c1, f"ends before it starts ({c0})")
            start_blank = ((df[c0].str.strip() == "").to_numpy() if c0 in df.columns
                           else np.ones(n, dtype=bool))
            report(~np.isnan(e) & start_blank, c1,
                   f"an end date without a start date ({c0} is blank or missing)")
            report(~np.isnan(s) & ~np.isnan(ref) & (s < ref), c0,
                   "starts before the referral (CINreferralDate)")
        else:
            # an ICPC (a date, no start) on a row of its own escaped every check of its order
            report(~np.isnan(e) & ~np.isnan(ref) & (e < ref), c1,
                   "before the referral (CINreferralDate)")
        any_stage |= ~np.isnan(e)
        for c in (c0, c1):
            if c:
                x = get(c)
                report(~np.isnan(x) & ~np.isnan(closure) & (x > closure), c,
                       "after the episode closed (CINclosureDate)")
        if stage in PLAN_STAGE_COLUMNS:
            report(~np.isnan(s) & blank(c1) & ~np.isnan(closure), c1,
                   "blank although the episode closed (CINclosureDate): give the plan's end date")
    if "DateOfInitialCPC" in df.columns and "S47ActualStartDate" in df.columns:
        icpc, s47 = get("DateOfInitialCPC"), get("S47ActualStartDate")
        report(~np.isnan(icpc) & ~np.isnan(s47) & (icpc < s47), "DateOfInitialCPC",
               "before the s47 enquiry started (S47ActualStartDate)")
    report(~np.isnan(closure) & ~np.isnan(ref) & (closure < ref), "CINclosureDate",
           "before the referral (CINreferralDate)")
    report((nfa == 1) & any_stage, "ReferralNFA",
           "the referral is marked no further action but the row has assessment or plan dates")
    if "CINPlanDisability" in df.columns:
        report((get("CINPlanDisability") == 1) & blank("CINPlanStartDate"),
               "CINPlanDisability", "set on a row without a CIN plan (CINPlanStartDate is blank)")

    # episodes: rows sharing LAchildID and CINreferralDate
    ids = pd.Series(v["LAchildID"], dtype=object)
    keyable = (ids.str.len() > 0).to_numpy() & ~np.isnan(ref)
    key = pd.DataFrame({"id": ids, "ref": ref})
    ep = np.full(n, -1, dtype=np.int64)
    if keyable.any():
        codes, _ = pd.factorize(pd.MultiIndex.from_frame(key[keyable]))
        ep[keyable] = codes
    # exact duplicate rows
    dup = df.duplicated(keep="first").to_numpy()
    if dup.any():
        # empty rows are said as such (see read_csv), not also as copies of one another
        dup = dup & (df.apply(lambda col: col.str.strip() != "")).any(axis=1).to_numpy()
    if dup.any():
        first = {}
        for i, t in enumerate(map(tuple, df.itertuples(index=False, name=None))):
            if dup[i]:
                problems.append(Problem(file, f"duplicate row (the same as row {first[t]})",
                                        int(rows[i]), "LAchildID", other_row=first[t]))
            else:
                first.setdefault(t, int(rows[i]))
    # episode-level fields must agree across an episode's rows
    ep_vals: dict[str, np.ndarray | list] = {}
    for fname in EPISODE_FIELDS:
        if fname not in v:
            continue
        vals = v[fname]
        arr = np.asarray(vals, dtype=object if not isinstance(vals, np.ndarray) else float)
        blank = (arr != arr) if arr.dtype == float else (arr == "")
        seen: dict[int, tuple[object, int]] = {}
        for i in np.flatnonzero(~blank & (ep >= 0) & ~dup):
            e = ep[i]
            if e in seen and seen[e][0] != arr[i]:
                problems.append(Problem(file, f"disagrees with row {seen[e][1]} of the same episode "
                                              "(same LAchildID and CINreferralDate)",
                                        int(rows[i]), fname, other_row=seen[e][1]))
            else:
                seen.setdefault(e, (arr[i], int(rows[i])))
        ep_vals[fname] = seen
    n_ep = int(ep.max()) + 1 if (ep >= 0).any() else 0
    if "ReferralNFA" in v:
        have = ep_vals.get("ReferralNFA", {})
        # an episode whose flag is written but refused (0.0, maybe) is said at that cell; it was
        # also said here to have no flag at all, a second line a row
        written = set(ep[(df["ReferralNFA"].astype(str).str.strip() != "").to_numpy()
                         & (ep >= 0)].tolist()) if "ReferralNFA" in df.columns else set()
        missing_rows = {}
        for i in np.flatnonzero(ep >= 0):
            if ep[i] not in have and ep[i] not in written:
                missing_rows.setdefault(ep[i], int(rows[i]))
        for e, r in missing_rows.items():
            problems.append(Problem(file, "no row of this episode says whether the referral was "
                                          "no further action (1 or 0)", r, "ReferralNFA"))
    # DfE's rule 8810: a reason for closure needs the closure date; with the date lost the
    # episode was counted open to the end (and its child as a case still held)
    if "ReasonForClosure" in ep_vals:
        closed = ep_vals.get("CINclosureDate", {})
        for e, (_, r) in ep_vals["ReasonForClosure"].items():
            if e not in closed:
                problems.append(Problem(file, "a reason for closure, but the episode has no "
                                              "CINclosureDate (DfE validation rule 8810): give "
                                              "the date the episode closed, or leave the reason "
                                              "blank while it is open", r, "ReasonForClosure"))
    # a referral marked NFA must have no stage on any row of the episode
    if "ReferralNFA" in ep_vals:
        nfa_eps = {e for e, (val, _) in ep_vals["ReferralNFA"].items() if val == 1}
        for i in np.flatnonzero(any_stage & (nfa != 1)):
            if ep[i] in nfa_eps:
                problems.append(Problem(file, "this episode's referral is marked no further action "
                                              "(on another row) but this row has stage dates",
                                        int(rows[i]), "ReferralNFA"))

    # stage instances
    inst = []
    for stage, c0, c1 in STAGE_COLUMNS:
        s = get(c0) if c0 else nan
        e = get(c1)
        has = ~np.isnan(e) if c0 is None else ~np.isnan(s)
        st = np.full(n, stage, dtype=object)
        if stage == "cin" and "CINPlanDisability" in v:
            st = np.where(get("CINPlanDisability") == 1, "cin_disability", st)
        for i in np.flatnonzero(has & (ep >= 0) & ~dup):
            inst.append((int(ep[i]), st[i], s[i], e[i], int(rows[i]), c1 if c0 is None else c0, c1))
    stages = pd.DataFrame(inst, columns=["episode", "stage", "start", "end", "row", "c0", "c1"])
    stages = stages.astype({"start": float, "end": float})   # day numbers, also when empty
    if len(stages):
        # the same instance on several rows is merged; the same start with different ends conflicts
        key_start = stages.start.where(stages.start.notna(), stages.end)
        stages["_k"] = key_start
        stages = stages.drop_duplicates(["episode", "stage", "start", "end"])
        clash = stages.duplicated(["episode", "stage", "_k"], keep=False)
        if clash.any():
            for _, grp in stages[clash].groupby(["episode", "stage", "_k"], sort=False):
                first = grp.iloc[0]
                for _, r in grp.iloc[1:].iterrows():
                    problems.append(Problem(
                        file, f"the same {r.stage} (same start date) as row {first.row} with a "
                              "different end date", int(r.row), r.c1, other_row=int(first.row)))
        stages = stages.drop(columns=["_k"])
        if not clash.any():
            _overlapping_plans(stages, file, problems)
            _plans_across_episodes(stages, child_codes_of(ids), file, problems)

    if len(problems) > n0:
        if own:
            raise ExtractError(problems)
        return None

    # build episodes (first non-blank value of each episode-level field)
    first_row = pd.Series(np.arange(n)).groupby(ep).min()
    epi = pd.DataFrame({"episode": np.arange(n_ep)})
    idx = first_row.reindex(np.arange(n_ep)).to_numpy()
    child_codes, _ = pd.factorize(ids)
    epi["child"] = child_codes[idx]
    epi["referral"] = ref[idx]

    def field_of(fname, default):
        seen = ep_vals.get(fname, {})
        return [seen[e][0] if e in seen else default for e in range(n_ep)]

    epi["nfa"] = np.asarray(field_of("ReferralNFA", 0.0), dtype=float) == 1
    epi["closure"] = np.asarray(field_of("CINclosureDate", np.nan), dtype=float)
    epi["reason"] = field_of("ReasonForClosure", "")
    epi["team"] = field_of("Team", "")
    epi["allocated"] = [bool(x) for x in field_of("AllocatedWorker", "")]
    epi["worker_key"] = link_keys(field_of("AllocatedWorker", ""))
    stages = stages[["episode", "stage", "start", "end"]].reset_index(drop=True)
    return CaseData(episodes=epi, stages=stages, source=file, columns=frozenset(df.columns),
                    either_way_dates=either_way_dates(df, CASE_COLUMNS))


def _too_many_referrals(ids, ref: np.ndarray, file: str) -> Problem | None:
    """A problem when more referral episodes (distinct child and referral date) fall in some
    365 days than the model can simulate in a year (:data:`MAX_REFERRALS_PER_YEAR`), else None."""
    ok = ~np.isnan(ref)
    if ok.sum() <= MAX_REFERRALS_PER_YEAR:
        return None
    eps = pd.DataFrame({"id": np.asarray(ids, dtype=object)[ok], "ref": ref[ok]}).drop_duplicates()
    days = np.sort(eps.ref.to_numpy())
    in_year = np.searchsorted(days, days + 365, side="left") - np.arange(len(days))
    k = int(np.argmax(in_year))
    peak = int(in_year[k])
    if peak <= MAX_REFERRALS_PER_YEAR:
        return None
    return Problem(file, f"{peak:,} referral episodes in the 365 days from {to_date(days[k])}: "
                         f"more than the model can simulate (at most {MAX_REFERRALS_PER_YEAR:,} a "
                         "year, about 8 times the largest English authority). Is it one "
                         "authority's extract, each referral once?", column="CINreferralDate")


def _overlapping_plans(stages: pd.DataFrame, file: str, problems: list[Problem]) -> None:
    """Two plans of one kind in an episode at once (a CP plan starting while the episode's
    earlier CP plan is open): the child would be counted on both. Reported at the later plan's
    start, naming the earlier's row (a plan that follows another on its end day is fine)."""
    plans = stages[stages.stage.isin(list(PLAN_STAGE_COLUMNS) + ["cin_disability"])
                   & stages.start.notna()].sort_values(["episode", "stage", "start"], kind="stable")
    if len(plans) < 2:
        return
    same = ((plans.episode.shift(1) == plans.episode) & (plans.stage.shift(1) == plans.stage)).to_numpy()
    prev_end = plans.end.shift(1).to_numpy(dtype=float)
    start = plans.start.to_numpy(dtype=float)
    open_ = np.isnan(prev_end)
    bad = same & (open_ | (start < prev_end))
    prev_row = plans.row.shift(1).to_numpy()
    for i in np.flatnonzero(bad):
        r = plans.iloc[i]
        what = "has no end date" if open_[i] else "ends after this one starts"
        kind = _PLAN_NAMES.get(r.stage, r.stage)
        problems.append(Problem(file, f"overlaps the episode's earlier {kind} (row "
                                      f"{int(prev_row[i])}), which {what}: a child has one "
                                      f"{kind} at a time (end the first, or give them as one)",
                                int(r.row), r.c0, other_row=int(prev_row[i])))


def child_codes_of(ids) -> np.ndarray:
    """Each row's child as an integer code (the identifier itself is not kept)."""
    codes, _ = pd.factorize(pd.Series(ids, dtype=object))
    return codes


#: Plans a child has one of at a time whatever the referral (a period of care is the child's,
#: as in SSDA903; so is a child protection plan)
PER_CHILD_PLANS = ("lac", "cp")


def _plans_across_episodes(stages: pd.DataFrame, child_of_row: np.ndarray, file: str,
                           problems: list[Problem]) -> None:
    """A period of care or a CP plan of one child overlapping another of hers in another
    referral episode (a second referral while she is looked after, given its own period of
    care, or the same period repeated on both episodes' rows): she would be counted twice at
    the end, and each plan's length and outcome once more. Reported at the later plan's start,
    naming the earlier's row (plans within one episode are :func:`_overlapping_plans`')."""
    plans = stages[stages.stage.isin(PER_CHILD_PLANS) & stages.start.notna()].copy()
    if len(plans) < 2:
        return
    plans["child"] = child_of_row[plans.row.to_numpy(dtype=int) - 2]
    plans = plans.sort_values(["child", "stage", "start", "row"], kind="stable")
    end = plans.end.fillna(np.inf).to_numpy(dtype=float)
    child = plans.child.to_numpy()
    stage = plans.stage.to_numpy()
    episode = plans.episode.to_numpy()
    start = plans.start.to_numpy(dtype=float)
    row = plans.row.to_numpy(dtype=int)
    latest_end, latest_i = -np.inf, -1
    for i in range(len(plans)):
        if i == 0 or child[i] != child[i - 1] or stage[i] != stage[i - 1]:
            latest_end, latest_i = end[i], i
            continue
        if start[i] < latest_end and episode[latest_i] != episode[i]:
            kind = _PLAN_NAMES.get(stage[i], stage[i])
            what = "has no end date" if latest_end == np.inf else "ends after this one starts"
            problems.append(Problem(
                file, f"overlaps the same child's {kind} in another referral episode (row "
                      f"{row[latest_i]}), which {what}: a child has one {kind} at a time, "
                      "whatever the referral (give it on one episode's rows, or end the first)",
                int(row[i]), plans.c0.iat[i], other_row=int(row[latest_i])))
        if end[i] > latest_end:
            latest_end, latest_i = end[i], i


_PLAN_NAMES = {"cin": "CIN plan", "cin_disability": "CIN plan", "cp": "CP plan",
               "court": "court proceedings", "lac": "period of care",
               "care_leaver": "time as a care leaver"}
