"""A folder of returns, any years, into the case and workforce tables calibration consumes.

:func:`read_returns` reads every return it recognises (CIN census XML, SSDA903 header and
episodes CSV, Annex A workbook, workforce census CSV or XML), combines the years (an episode
seen in several returns is one episode: the latest return wins where they disagree, and a date
one return left blank is taken from another), joins SSDA903 episodes into periods of care and
places each stage in its child's referral episode. The result goes through the same validation
as a hand-made extract, and any problem found there is reported against the return it came
from (file, row or element, field). Every problem in every file comes at once, in one
:class:`~workbench.calibration.extracts.ExtractError`; nothing is half-loaded.
"""

from __future__ import annotations

import bisect
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..extracts import (CASE_COLUMNS, CaseData, ExtractError, Problem, Roster, STAGE_COLUMNS,
                        validate_cases_frame, validate_workforce_frame)
from ..extracts.read import read_csv
from .annex_a import read_annex_a
from .cin_census import is_cin_census, is_ssda903_xml, parse_xml, read_cin_census
from .common import (EpisodeRecord, ReturnProblem, ReturnRecords, StageRecord, TwoDigitYear,
                     parse_date, problem_at, two_digit_years_once)
from .folder_checks import digest, mixed_returns, not_files, return_files
from .oc3 import care_leaver_stages, is_oc3_columns, read_ssda903_oc3
from .ssda903 import (columns_twice, episode_overlaps, kind_of_csv, periods_of_care,
                      read_ssda903_episodes, read_ssda903_header, year_from_path)
from .workforce_census import (census_panel, columns_across_years, combine_workers,
                               is_workforce_columns, is_workforce_xml, read_workforce_frame,
                               read_workforce_xml)
from .workers_across import posts_at_once, sweno_written_differently

KIND_LABEL = {"cin": "CIN census", "ssda903": "SSDA903 episodes", "ssda903_header": "SSDA903 header",
              "ssda903_oc3": "SSDA903 care leavers (OC3)", "annex_a": "Annex A",
              "workforce": "workforce census"}
_COLS = {s: (c0, c1) for s, c0, c1 in STAGE_COLUMNS}


@dataclass
class ReturnsData:
    """The combined returns: the extracts calibration consumes, and what went into them."""

    cases: CaseData
    roster: Roster
    files: pd.DataFrame                  # file, kind, year, records (aggregates only)
    notes: list[str] = field(default_factory=list)

    def files_summary(self) -> list[str]:
        """One line per kind of return: files, years and records (aggregates only)."""
        out = []
        for k, g in self.files.groupby("kind", sort=False):
            yrs = sorted({int(y) for y in g.year if y})
            span = f", years {yrs[0]}-{yrs[-1]}" if len(yrs) > 1 else (f", year {yrs[0]}" if yrs else "")
            out.append(f"{KIND_LABEL[k]}: {len(g)} file(s){span}, {int(g.records.sum()):,} records")
        return out

    @property
    def collection_years(self) -> list[int]:
        """The CIN census's collection years: ``calibrate(..., collection_years=...)`` takes its
        default data window from them (:func:`~workbench.calibration.fit.returns_window`)."""
        return sorted({int(y) for k, y in zip(self.files.kind, self.files.year) if k == "cin" and y})

    @property
    def sources(self) -> tuple[str, str]:
        """What the cases and the roster came from, for the scenario's provenance (counts and
        years, never a child)."""
        def say(kinds):
            f = self.files[self.files.kind.isin(kinds)]
            parts = []
            for k, g in f.groupby("kind", sort=False):
                yrs = sorted({int(y) for y in g.year if y})
                span = f" {yrs[0]}-{yrs[-1]}" if len(yrs) > 1 else (f" {yrs[0]}" if yrs else "")
                parts.append(f"{KIND_LABEL[k]}{span} ({len(g)} file(s), {int(g.records.sum()):,} "
                             "records)")
            return "; ".join(parts) or "none"
        return say(["cin", "ssda903", "ssda903_oc3", "annex_a"]), say(["workforce"])


def _classify(path: Path, problems: list, left_out: dict[str, list[str]],
              name: str | None = None) -> ReturnRecords | None:
    """The file's records, or None (a problem said, or the file named in ``left_out`` by kind).
    ``name`` is the file as every message names it: its path below the folder of returns
    (``2023/cin.xml``; a name alone left a year's folder unsaid, and three files said alike)."""
    name = name or path.name
    suffix = path.suffix.lower()
    year = year_from_path(name)   # the file's name, else its year's folder
    if suffix == ".xml":
        root = parse_xml(path, problems, name)
        if root is None:
            return None
        if is_ssda903_xml(root):
            problems.append(ReturnProblem(name, "looks like an SSDA903 return written as XML "
                                                "(Child elements with CHILDID and EPISODE), not "
                                                "a CIN census: the SSDA903 is read from its CSV "
                                                "files (header and episodes, the year in each "
                                                "name, e.g. ssda903_episodes_2023.csv); give "
                                                "those, or leave this file out", root.sourceline))
            return None
        if is_cin_census(root):
            return read_cin_census(path, problems, root=root, name=name)
        if is_workforce_xml(root):
            return read_workforce_xml(root, name, problems, year)
        problems.append(ReturnProblem(name, "an XML file that is neither a CIN census "
                                            "(Message/Children/Child) nor a workforce census "
                                            "(CSWWWorker)", root.sourceline))
        return None
    if suffix == ".csv":
        empty = _empty_oc3(path, name, year, problems)
        if empty is not None:
            return empty
        df = read_csv(path, problems, name)
        if df is None:
            return None
        df = _titles_repeated(df, name, problems)
        kind = kind_of_csv(df.columns)
        if (kind in ("ssda903", "ssda903_header") or is_oc3_columns(df.columns)) \
                and columns_twice(df.columns, name, problems):
            # said; its kind is kept (not also "no case return found")
            oc3 = kind != "ssda903" and is_oc3_columns(df.columns)
            return ReturnRecords("ssda903_oc3" if oc3 else kind, name, year)
        if kind == "ssda903":
            return read_ssda903_episodes(df, name, problems, year)
        if is_oc3_columns(df.columns):
            return read_ssda903_oc3(df, name, problems, year)
        if kind == "ssda903_header":
            return read_ssda903_header(df, name, problems, year)
        if is_workforce_columns(df.columns):
            return read_workforce_frame(df, name, problems, year)
        left_out["ssda903" if kind == "ssda903_other" else "csv"].append(name)
        return None
    if suffix in (".xlsx", ".xlsm"):
        return read_annex_a(path, problems, name)
    if suffix in OTHER_SPREADSHEETS:
        # its lists would be silently missing from the fit
        problems.append(ReturnProblem(name, f"{OTHER_SPREADSHEETS[suffix]} is not read: open "
                                            "it and save it as an Excel workbook (.xlsx)"))
        return None
    left_out["other"].append(name)
    return None


def _empty_oc3(path: Path, name: str, year: int, problems: list) -> ReturnRecords | None:
    """An OC3 file of column titles and no rows: a year with no care leaver around her 17th to
    21st birthday (a small authority's), read as such (it was refused as a file with no rows)."""
    try:
        if path.stat().st_size > 1000:
            return None
        lines = [s for s in path.read_text(encoding="utf-8-sig").splitlines()
                 if s.strip(" ,\t")]
    except (OSError, UnicodeDecodeError):
        return None
    titles = [t.strip().strip('"') for t in lines[0].split(",")] if len(lines) == 1 else []
    if not titles or not year or not is_oc3_columns(titles):
        return None
    # its columns are checked as a file's with rows (one without CHILD was read as no one)
    return read_ssda903_oc3(pd.DataFrame(columns=titles), name, problems, year)


def _titles_repeated(df: pd.DataFrame, name: str, problems: list) -> pd.DataFrame:
    """The table without rows that repeat its column titles (two exports pasted into one
    file), each said at its row: its cells were refused one by one as bad dates and codes."""
    if df.empty or len(df.columns) < 2:
        return df
    titles = [str(c).strip().lower() for c in df.columns]
    cells = df.astype(str).apply(lambda col: col.str.strip().str.lower())
    same = (cells == titles).sum(axis=1) * 2 > len(titles)
    for i in same.to_numpy().nonzero()[0]:
        problems.append(ReturnProblem(name, "the row repeats the column titles (two exports "
                                            "pasted into one file?): delete it, and check the "
                                            "rows below it are this return's", int(i) + 2))
    return df[~same.to_numpy()] if same.any() else df


RETURN_SUFFIXES = (".xml", ".csv", ".xlsx", ".xlsm")
OTHER_SPREADSHEETS = {".xls": "an old Excel file (.xls)", ".xlsb": "a binary Excel file (.xlsb)",
                      ".ods": "an OpenDocument spreadsheet (.ods)"}


def _said_left_out(left_out: dict[str, list[str]]) -> list[str]:
    """The files left out, each kind in one note (a folder of 5,000 stray files gave 5,000)."""
    out: list[str] = []
    for names, what in (
            (left_out.get("ssda903", []), "SSDA903 file(s) calibration does not use (UASC, "
                                          "missing, reviews, previous permanence, placed for "
                                          "adoption, adoption, outcomes, social workers: only "
                                          "the header, episodes and OC3 are read)"),
            (left_out["csv"], "CSV file(s) that are not a return this reader knows (no SSDA903 "
                              "or workforce census columns)"),
            (left_out["other"], "file(s) of a kind that holds no return (returns are .xml, .csv "
                                "and .xlsx)")):
        if names:
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5:,} more" if len(names) > 5 else "")
            out.insert(0, f"left out {len(names):,} {what}: {shown}")
    return out


def read_returns(folder: str | Path) -> ReturnsData:
    """Read, combine and validate every return in ``folder``.

    Raises
    ------
    ExtractError
        Listing every problem in every file (file, row or XML element, field), or when the
        folder holds no case return or no workforce census.
    """
    problems: list[Problem] = []
    left_out: dict[str, list[str]] = {"csv": [], "other": [], "ssda903": []}
    recs, digests = [], []
    top = Path(folder)
    for f in return_files(folder):
        rel = f.relative_to(top).as_posix() if top.is_dir() else f.name
        n0 = len(problems)
        r = _classify(f, problems, left_out, rel)
        two_digit_years_once(problems, n0)
        if r is not None:
            recs.append(r)
            digests.append(digest(f))
    kinds = {r.kind for r in recs}
    name = Path(folder).name
    skipped = not_files(folder)      # a pipe named cin_census_2022.xml: said, never opened
    why = "".join(f" ({s[0].lower()}{s[1:]})" for s in skipped)
    if not kinds & {"cin", "ssda903", "annex_a"}:
        problems.append(Problem(name, "no case return found (a CIN census .xml, SSDA903 episodes "
                                      f".csv or Annex A .xlsx){why}"))
    if "workforce" not in kinds:
        problems.append(Problem(name, "no workforce census found (a .csv or .xml with "
                                      f"AgencyWorker, OrgRole, RoleStartDate per worker){why}"))
    problems.extend(mixed_returns(recs, name, digests))
    column_notes: list[str] = []
    problems.extend(columns_across_years(recs, column_notes))
    if not problems:
        problems.extend(episode_overlaps(_lac_episodes(recs)))
    if problems:
        raise ExtractError(problems)
    notes = skipped + _said_left_out(left_out) + column_notes
    for r in recs:
        notes.extend(r.notes)
    flat, origins, n_made = _cases_table(recs, notes)
    if n_made:
        notes.append(f"{n_made:,} episode(s) have stages but no referral in any return (e.g. "
                     "children looked after since before the returns began): their referral is "
                     "taken as the first stage's start")
    # every identifier of every return (children, SWENos, allocated workers): none is quoted in
    # a message about any return's cell (a child's id in a census's Cases30 was)
    ids = _identifiers(recs)
    cases = validate_cases_frame(flat, "returns", problems, other_ids=ids)
    _remap(problems, origins)
    wrecs = [w for r in recs for w in r.workers]
    twice, alike = _roles_given_twice(wrecs)
    problems.extend(twice)
    problems.extend(sweno_written_differently(wrecs))
    wtable, worigins, merged, placed = combine_workers(wrecs)
    posts_at_once(wtable, placed, notes)
    if alike:
        notes.append(f"{alike:,} workforce census record(s) given twice in one census (same SWENo "
                     "and RoleStartDate, every value alike) were merged")
    if merged - alike > 0:
        notes.append(f"{merged - alike:,} workforce census record(s) repeat a worker's role from "
                     "another year: combined into one")
    n0 = len(problems)
    roster = validate_workforce_frame(wtable, "workforce census", problems, other_ids=ids)
    _two_digit_census_years(problems, n0, wrecs)
    _same_worker_twice(problems, worigins, start=n0)   # said in the returns' terms, then
    _remap(problems, [{None: o} for o in worigins], start=n0)   # placed at the return's row
    problems.extend(_ids_in_wrong_columns(recs, flat, origins, wtable, worigins))
    if roster is not None:
        roster.either_way_dates = 0      # said of each census file (its name) by its reader
        roster.census = census_panel(placed, _census_days(roster, wrecs), problems)
    if problems:
        raise ExtractError(problems)
    # an SSDA903 header's records are its children (one row each)
    files = pd.DataFrame([(r.file, r.kind, r.year, len(r.episodes) + len(r.stages) + len(r.workers)
                           + len(r.care_leavers) + len(r.children)) for r in recs],
                         columns=["file", "kind", "year", "records"])
    return ReturnsData(cases=cases, roster=roster, files=files, notes=notes)


def _identifiers(recs: list[ReturnRecords]) -> set[str]:
    """Every identifier the returns hold: children (episodes, stages, care leavers, the SSDA903
    header's), the workforce census's SWENos and the allocated workers."""
    ids = set()
    for r in recs:
        ids.update(e.child for e in r.episodes)
        ids.update(e.worker for e in r.episodes)
        ids.update(s.child for s in r.stages)
        ids.update(c.child for c in r.care_leavers)
        ids.update(r.children)
        ids.update(w.values.get("WorkerID", "") for w in r.workers)
    return {str(i).strip() for i in ids} - {""}


def _census_days(roster: Roster, wrecs: list) -> dict[int, float]:
    """Each census year's date as a day number. A census is taken on the same day each year
    (DfE's: 30 September); the latest is taken as on the roster's last date (its last start or
    end), the earlier ones whole years before it."""
    years = sorted({w.year for w in wrecs})
    last = roster.last_date
    if not years or last != last:
        return {}
    return {y: float(round(last - (years[-1] - y) * 365.25)) for y in years}


def _ids_in_wrong_columns(recs: list[ReturnRecords], flat: pd.DataFrame, origins: list[dict],
                       wtable: pd.DataFrame, worigins: list) -> list[Problem]:
    """A team name in the workforce census that is a child's identifier from the case returns,
    one in the case returns that is a SWENo, or SWENos that are children's identifiers: a column
    mixed up, whose values would be echoed as team names in notes or counted as staff (each
    file's own identifiers are checked with its columns)."""
    children = ({e.child for r in recs for e in r.episodes} | {s.child for r in recs for s in r.stages}
                | {c.child for r in recs for c in r.care_leavers})
    workers = set(wtable["WorkerID"].astype(str).str.strip()) if "WorkerID" in wtable else set()
    out = []
    for table, where, other, whose in ((wtable, [{None: o} for o in worigins], children - workers,
                                        "a child's identifier from the case returns"),
                                       (flat, origins, workers - children,
                                        "a SWENo from the workforce census")):
        if "Team" not in table:
            continue
        for i in table["Team"].astype(str).str.strip().isin(other - {""}).to_numpy().nonzero()[0]:
            row = where[i] if i < len(where) else {}
            o = row.get("Team") or row.get(None)
            if o is not None:
                out.append(problem_at(o, f"the value (not shown) is {whose}, not a team name: is "
                                         "a column mixed up?", "Team"))
    # SWENos that are children's identifiers: the column filled from the case returns (the
    # roster was then read as twice the staff). A stray coincidence of two local numbering
    # schemes is let be: only a run of them (5 rows and a fifth of the census) is a mix-up
    if "WorkerID" in wtable:
        hit = wtable["WorkerID"].astype(str).str.strip().isin(children - {""}).to_numpy()
        if hit.sum() >= max(5, 0.2 * len(hit)):
            for i in hit.nonzero()[0]:
                o = worigins[i] if i < len(worigins) else None
                if o is not None:
                    out.append(problem_at(o, "the value (not shown) is a child's identifier from "
                                             "the case returns, not a social worker's SWENo: is "
                                             "a column mixed up?", "WorkerID"))
    return out


def _roles_given_twice(wrecs: list) -> tuple[list[Problem], int]:
    """A role (SWENo and RoleStartDate) given twice in one census with other values (0.5 FTE in
    one team and 0.5 FTE in another): the years' records of a role are merged, the later winning,
    so one row was silently lost (its FTE, its team) and the note said it repeated another
    year's. Refused at both rows, naming the fields that differ (never the values), as SSDA903
    refuses an episode given twice with another end; exact repeats are merged (returned: how
    many)."""
    first: dict[tuple, object] = {}
    out: list[Problem] = []
    alike = 0
    for w in wrecs:
        sweno = str(w.values.get("WorkerID", "")).strip()
        if not sweno:
            continue
        key = (w.origin.file, sweno, str(w.values.get("RoleStartDate", "")).strip())
        a = first.setdefault(key, w)
        if a is w:
            continue
        differ = [k for k in dict.fromkeys([*a.values, *w.values])
                  if str(a.values.get(k, "")).strip() != str(w.values.get(k, "")).strip()]
        if not differ:
            alike += 1
            continue
        fields = ", ".join(str(w.origin.field(k)) for k in differ)
        for here, there in ((a, w), (w, a)):
            at = (f"element {there.origin.element}" if there.origin.element
                  else f"row {there.origin.row}")
            out.append(problem_at(here.origin, (
                f"the same SWENo and RoleStartDate as {at} of this census, with another {fields}: "
                "a census gives each role (SWENo and RoleStartDate) once, and one of the two would "
                "be lost. Give the role once (a worker in two teams at once: one role, its FTE in "
                "all; a second role needs its own RoleStartDate)"), "WorkerID"))
    return out, alike


def _two_digit_census_years(problems: list, start: int, wrecs: list) -> None:
    """Dates of the workforce census with a two-digit year, said of each census file (one
    problem a column of them, :func:`~.common.two_digit_years_once`): the combined roster said
    them once for all the years, its rows counted in the combined table ('rows 15 to 27' of a
    census whose rows are 2 to 14)."""
    dated = ("RoleStartDate", "RoleEndDate")
    problems[start:] = [p for p in problems[start:] if isinstance(p, ReturnProblem)
                        or p.column not in dated or "two-digit year" not in p.message]
    mine: list = []
    for w in wrecs:
        for col in dated:
            quiet: list = []
            parse_date(w.values.get(col, ""), w.origin, col, quiet)
            mine.extend(p for p in quiet if isinstance(p, TwoDigitYear))
    two_digit_years_once(mine)
    problems.extend(mine)


def _same_worker_twice(problems: list, origins: list, start: int = 0) -> None:
    """'duplicate WorkerID (the same as row K) in post at the same time' of the combined table,
    said of the returns: the same SWENo in two roles at once (each year's roles are one record
    per SWENo and RoleStartDate; a worker who left and came back has two roles, one after the
    other)."""
    for i in range(start, len(problems)):
        p = problems[i]
        if p.other_row is None or not 0 <= p.other_row - 2 < len(origins):
            continue
        o = origins[p.other_row - 2]
        at = f"element {o.element}" if o.element else f"row {o.row}"
        problems[i] = dataclasses.replace(p, other_row=None, message=(
            f"the same SWENo as {o.file}, {at}, with another RoleStartDate, in post at the same "
            "time: a role is one SWENo and RoleStartDate in every year's return (a start date "
            "corrected in a later return? give the same date in each). A worker who left and came "
            "back has a role for each time, the earlier ending (RoleEndDate) on or before the "
            "later starts"))


def _remap(problems: list, origins: list[dict], start: int = 0) -> None:
    """Problems found in the combined table, moved to the return each value came from; the
    other row a problem names (an earlier plan it overlaps) is said as its return's row or
    element too (the combined table's row numbers mean nothing to the reader)."""
    for i in range(start, len(problems)):
        p = problems[i]
        if isinstance(p, ReturnProblem) or p.row is None:
            continue
        row = origins[p.row - 2] if 0 <= p.row - 2 < len(origins) else {}
        o = row.get(p.column) or row.get(None)
        if o is not None:
            message = p.message
            if p.other_row is not None and 0 <= p.other_row - 2 < len(origins):
                other = origins[p.other_row - 2]
                q = other.get(p.column) or other.get(None)
                if q is not None:
                    message = message.replace(f"row {p.other_row}", _said(q, o.file), 1)
            problems[i] = problem_at(o, message, p.column)


def _said(o, here: str) -> str:
    """Where a record came from, in a message about another record of ``here`` (the file named
    only when it is another)."""
    at = (f"element {o.element}" + (f", line {o.row}" if o.row else "") if o.element
          else f"row {o.row}")
    return at if o.file == here else f"{o.file}, {at}"


# --------------------------------------------------------------------------------------------
# Episodes and stages into the flattened cases table
# --------------------------------------------------------------------------------------------

def _merge_episodes(recs: list[ReturnRecords]) -> dict[tuple, EpisodeRecord]:
    eps: dict[tuple, EpisodeRecord] = {}
    for e in sorted((e for r in recs for e in r.episodes), key=lambda e: e.year):
        key = (e.child, e.referral)
        old = eps.get(key)
        if old is None:
            given = {f: e.origin for f in ("nfa", "closure", "reason", "team", "worker")
                     if getattr(e, f)}
            eps[key] = EpisodeRecord(**{**e.__dict__, "field_origins": {**given, **e.field_origins}})
            continue
        for f in ("nfa", "closure", "reason", "team", "worker"):
            v = getattr(e, f)
            if v:
                setattr(old, f, v)
                old.field_origins[f] = e.origin     # a problem with it points here
        old.year = e.year
        if old.origin.file != e.origin.file and e.origin.element:
            old.origin = e.origin     # the latest census names where to look
    return eps


def _lac_episodes(recs: list[ReturnRecords]) -> list[StageRecord]:
    """SSDA903 episodes of every year, each (child, DECOM) once: the latest return's."""
    lac_eps: dict[tuple, StageRecord] = {}
    for r in recs:
        for s in r.stages:
            if s.stage == "lac_episode":
                key = (s.child, s.start)
                if key not in lac_eps or s.year >= lac_eps[key].year:
                    lac_eps[key] = s
    return list(lac_eps.values())


def _stages(recs: list[ReturnRecords], notes: list | None = None) -> list[StageRecord]:
    out = [s for r in recs for s in r.stages if s.stage != "lac_episode"]
    periods = periods_of_care(_lac_episodes(recs), notes)
    leavers = care_leaver_stages([c for r in recs for c in r.care_leavers], periods)
    return out + periods + leavers


def _cases_table(recs: list[ReturnRecords],
                 notes: list | None = None) -> tuple[pd.DataFrame, list[dict], int]:
    eps = _merge_episodes(recs)
    by_child: dict[str, list[str]] = {}
    for child, ref in eps:
        by_child.setdefault(child, []).append(ref)
    for v in by_child.values():
        v.sort()
    made = 0
    inst: dict[tuple, dict[tuple, StageRecord]] = {}
    for s in sorted(_stages(recs, notes), key=lambda s: s.year):
        day = s.start or s.end
        ref = s.referral
        if not ref:
            refs = by_child.get(s.child, [])
            k = bisect.bisect_right(refs, day) - 1
            if k >= 0:
                ref = refs[k]
            else:
                ref = day
                eps[(s.child, ref)] = EpisodeRecord(s.child, ref, s.origin, nfa="0", stated=False)
                bisect.insort(by_child.setdefault(s.child, []), ref)
                made += 1
        key = (s.child, ref)
        if key not in eps:   # a census module whose episode failed to parse was reported there
            continue
        mine = inst.setdefault(key, {})
        sk = (s.stage, day)
        if sk in mine:
            old = mine[sk]
            if s.end and (s.year >= old.year or not old.end):
                old.end = s.end            # the latest return's end, and where it came from
                old.origin, old.year = s.origin, s.year
            elif not s.end and not old.end and s.year >= old.year:
                # still open in a later return: a problem with the blank end (a plan end left
                # blank though the episode closed) names that return, not the first year's
                old.origin, old.year = s.origin, s.year
        else:
            mine[sk] = StageRecord(**s.__dict__)
    # a care leaver's episode stays open while she is one (the model's care_leaver stage is part
    # of the child's journey): a closure before her time as a care leaver ends moves to its end
    kept_open = 0
    for key, mine in inst.items():
        for s in mine.values():
            ep = eps[key]
            if s.stage == "care_leaver" and ep.closure and (not s.end or s.end > ep.closure):
                ep.closure = s.end
                ep.reason = ep.reason if s.end else ""
                kept_open += 1
    if kept_open and notes is not None:
        notes.append(f"{kept_open:,} episode(s) closed in the CIN census before the young person's "
                     "time as a care leaver ended (OC3): kept open to its end")
    rows, origins = [], []
    for key, ep in eps.items():
        by_stage: dict[str, list[StageRecord]] = {}
        for s in sorted(inst.get(key, {}).values(), key=lambda s: s.start or s.end):
            by_stage.setdefault(s.stage, []).append(s)
        icpcs = by_stage.pop("icpc", [])
        n = max([1] + [len(v) for v in by_stage.values()])
        mine_rows, mine_orgs = [], []
        for k in range(n):
            row = {"LAchildID": ep.child, "CINreferralDate": ep.referral}
            org = {None: ep.origin, "LAchildID": ep.origin, "CINreferralDate": ep.origin}
            if k == 0:
                row.update(ReferralNFA=ep.nfa or "0", CINclosureDate=ep.closure,
                           ReasonForClosure=ep.reason, Team=ep.team, AllocatedWorker=ep.worker)
                for c, f in (("ReferralNFA", "nfa"), ("CINclosureDate", "closure"),
                             ("ReasonForClosure", "reason"), ("Team", "team"),
                             ("AllocatedWorker", "worker")):
                    org[c] = ep.field_origins.get(f, ep.origin)
            for stage, lst in by_stage.items():
                if k < len(lst):
                    _put(row, org, stage, lst[k])
            mine_rows.append(row)
            mine_orgs.append(org)
        # an ICPC goes on the row of the s47 enquiry before it (the layout checks their order)
        for s in icpcs:
            free = [i for i, r in enumerate(mine_rows) if not r.get("DateOfInitialCPC")
                    and r.get("S47ActualStartDate", "") <= s.end]
            with_s47 = [i for i in free if mine_rows[i].get("S47ActualStartDate")]
            pick = max(with_s47, key=lambda i: mine_rows[i]["S47ActualStartDate"]) if with_s47 \
                else next((i for i in free if not mine_rows[i].get("S47ActualStartDate")), None)
            if pick is None:
                mine_rows.append({"LAchildID": ep.child, "CINreferralDate": ep.referral})
                mine_orgs.append({None: ep.origin})
                pick = len(mine_rows) - 1
            _put(mine_rows[pick], mine_orgs[pick], "icpc", s)
        rows.extend(mine_rows)
        origins.extend(mine_orgs)
    table = pd.DataFrame(rows).reindex(columns=[c.name for c in CASE_COLUMNS]).astype(object).fillna("")
    return table, origins, made


def _put(row: dict, org: dict, stage: str, s: StageRecord) -> None:
    c0, c1 = _COLS[stage]
    if c0:
        row[c0] = s.start
        org[c0] = s.origin
    row[c1] = s.end
    org[c1] = s.origin
