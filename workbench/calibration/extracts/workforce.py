"""The workforce extract: validation of a roster table and the pseudonymised :class:`Roster`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .cells import ExtractError, Problem, either_way_dates, link_keys, match_columns, parse_all
from .layouts import WORKFORCE_COLUMNS


@dataclass
class Roster:
    """The workforce extract, validated and pseudonymised: one row per role (a worker who left
    and came back has a row for each role, with the same ``worker`` code; they never overlap).

    Columns: ``worker`` (integer code), ``agency``, ``fte``, ``role``, ``start``, ``end``,
    ``reason``, ``cases30``, ``days_lost``, ``team``, ``type``, ``worker_key`` (a keyed digest of
    WorkerID, matched with the cases' AllocatedWorker: see :func:`~.cells.link_keys`).
    """

    workers: pd.DataFrame
    source: str = "workforce"
    columns: frozenset = frozenset()
    #: dates with slashes that every one read either way round (:func:`~.cells.either_way_dates`)
    either_way_dates: int = 0
    #: one row a worker a census, from returns (see
    #: :func:`~workbench.calibration.returns.workforce_census.census_panel`): ``role`` (the row of
    #: ``workers``), ``year``, ``census`` (day number), ``cases30``, ``days_lost``, ``fte``;
    #: None for a flat extract (one census)
    census: pd.DataFrame | None = None
    #: keyed digests of the values of columns outside the layouts (see ``CaseData.hidden_keys``)
    hidden_keys: frozenset = frozenset()

    @property
    def last_date(self) -> float:
        vals = [self.workers.start.max(), self.workers.end.max()]
        vals = [v for v in vals if v == v]
        return float(max(vals)) if vals else float("nan")


#: Why two rows of one worker may not overlap (said with the rows that do).
OVERLAP_HINT = ("a worker with two roles one after the other (she left and came back; an "
                "agency worker took a permanent post) has a row for each, the earlier ending "
                "(RoleEndDate) on or before the later starts")


def overlapping_roles(ids, start, end) -> list[tuple[int, int]]:
    """Rows of one worker (the same identifier) in post at the same time: (row, the first row of
    the table it overlaps), by position, each row once.

    A worker may hold several roles one after another (she left and came back; an agency worker
    took a permanent post, reason CON): each is a row, and a role ending on the day the next
    starts does not overlap it (a role is in post from its start to the day before its end).
    Rows without a start date (already a problem) are not compared."""
    s = pd.DataFrame({"id": pd.Series(ids, dtype=object).astype(str).str.strip().to_numpy(),
                      "start": np.asarray(start, dtype=float),
                      "end": np.where(np.isnan(np.asarray(end, dtype=float)), np.inf,
                                      np.asarray(end, dtype=float))})
    s["pos"] = np.arange(len(s))
    s = s[(s.id != "") & s.id.duplicated(keep=False) & ~np.isnan(s.start.to_numpy())]
    out = []
    for _, g in s.sort_values(["id", "start", "pos"], kind="stable").groupby("id", sort=False):
        latest_end, latest_pos = -np.inf, -1
        for st, en, pos in zip(g.start.to_numpy(), g.end.to_numpy(), g.pos.to_numpy()):
            if st < latest_end:
                out.append((int(max(pos, latest_pos)), int(min(pos, latest_pos))))
            if en > latest_end:
                latest_end, latest_pos = en, pos
    return sorted(dict(sorted(out, reverse=True)).items())


def validate_workforce_frame(df: pd.DataFrame, file: str = "workforce.csv",
                             problems: list[Problem] | None = None,
                             other_ids: frozenset[str] | set[str] = frozenset()) -> Roster | None:
    """Check a workforce table (all cells as text) and build :class:`Roster` (see
    :func:`validate_cases_frame` for how problems are returned, and ``other_ids``)."""
    own = problems is None
    problems = [] if own else problems
    n0 = len(problems)
    df = match_columns(df.astype(str), WORKFORCE_COLUMNS, file, problems)
    v = parse_all(df, WORKFORCE_COLUMNS, file, problems, other_ids)
    n = len(df)
    rows = np.arange(n) + 2
    nan = np.full(n, np.nan)
    get = lambda name: v.get(name, nan)  # noqa: E731
    start, end = get("RoleStartDate"), get("RoleEndDate")
    for i in np.flatnonzero(~np.isnan(start) & ~np.isnan(end) & (end < start)):
        problems.append(Problem(file, "ends before it starts (RoleStartDate)", int(rows[i]), "RoleEndDate"))
    if "ReasonLeave" in v:
        reason = np.asarray(v["ReasonLeave"], dtype=object)
        # a leaving date left blank (one that did not read is a problem of its own)
        no_end = ((df["RoleEndDate"].astype(str).str.strip() == "").to_numpy()
                  if "RoleEndDate" in df.columns else np.ones(n, dtype=bool))
        for i in np.flatnonzero((reason != "") & no_end):
            problems.append(Problem(file, "a reason for leaving without a leaving date (RoleEndDate "
                                          "is blank)", int(rows[i]), "ReasonLeave"))
    if "WorkerID" in v:
        for i, k in overlapping_roles(v["WorkerID"], start, end):
            problems.append(Problem(file, f"duplicate WorkerID (the same as row {int(rows[k])}) in "
                                          f"post at the same time: {OVERLAP_HINT}", int(rows[i]),
                                    "WorkerID", other_row=int(rows[k])))
    agency = get("AgencyWorker")
    if "WorkerType" in v:
        wt = np.asarray(v["WorkerType"], dtype=object)
        for i in np.flatnonzero(((wt == "agency") & (agency == 0)) | ((wt != "agency") & (wt != "") & (agency == 1))):
            problems.append(Problem(file, f"'{wt[i]}' disagrees with AgencyWorker "
                                          f"({int(agency[i])})", int(rows[i]), "WorkerType"))
    if len(problems) > n0:
        if own:
            raise ExtractError(problems)
        return None
    codes, _ = pd.factorize(pd.Series(v["WorkerID"], dtype=object))
    wtype = np.where(agency == 1, "agency", "experienced").astype(object)
    if "WorkerType" in v:
        given = np.asarray(v["WorkerType"], dtype=object)
        wtype = np.where(given != "", given, wtype)
    workers = pd.DataFrame({
        "worker": codes,
        "agency": agency == 1,
        "fte": get("FTE"),
        "role": np.asarray([int(x) for x in v["OrgRole"]], dtype=int),
        "start": start,
        "end": end,
        "reason": v.get("ReasonLeave", [""] * n),
        "cases30": get("Cases30"),
        "days_lost": get("WorkingDaysLost"),
        "team": v.get("Team", [""] * n),
        "type": wtype,
        "worker_key": link_keys(v["WorkerID"]),
    })
    return Roster(workers=workers, source=file, columns=frozenset(df.columns),
                  either_way_dates=either_way_dates(df, WORKFORCE_COLUMNS))
