"""Checks on a folder of returns taken together: one authority's, each year once and none
missing between two, no file under two years' names, each return's children those of the
others (an SSDA903 file and its header, episodes and Annex A beside the CIN census), and no test
records. Called by :func:`workbench.calibration.returns.combine.read_returns`; each problem names
the files (never an identifier's value).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path

from ..extracts import ExtractError, Problem
from .annex_a_years import annex_a_of_another_year, closure_dates_disagree
from .common import ReturnRecords, spelling_key
from .la_codes import lea_of
from .workforce_census import shown_code


def _listed(p: Path, f: Path) -> bool:
    """Whether a path below the folder is one the reader looks at: not hidden, not Office's
    lock file (``~$``), not a README, not in a hidden folder."""
    return (not f.name.startswith(("~$", ".")) and not f.name.lower().startswith("readme")
            and not any(part.startswith(".") for part in f.relative_to(p).parts[:-1]))


def return_files(folder: str | Path) -> list[Path]:
    """The files of a folder of returns (subfolders too, e.g. one a year), in name order:
    every file but hidden ones, Office's lock files (``~$``) and READMEs (the reader says which
    it leaves out). Entries that are not files are left out too: :func:`not_files` says which."""
    p = Path(folder)
    if not p.exists():
        raise ExtractError([Problem(p.name, f"folder not found ({p})")])
    if p.is_file():
        return [p]
    if not p.is_dir():
        raise ExtractError([Problem(p.name, f"not a folder or a file ({_what(p)}): give the "
                                            "folder of returns")])
    return sorted(f for f in p.rglob("*") if f.is_file() and _listed(p, f))


#: What an entry that is neither a file nor a folder is, by its mode (as ``ls -l`` tells it)
_SPECIAL = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"),
            (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))


def _what(f: Path) -> str:
    """What an entry that is neither a file nor a folder is (its mode, as ``ls -l`` tells it)."""
    try:
        mode = os.stat(f).st_mode
    except OSError:
        return "a link to a file that is not there" if f.is_symlink() else "could not be looked at"
    return next((w for test, w in _SPECIAL if test(mode)), "not a file")


def not_files(folder: str | Path) -> list[str]:
    """A note naming the entries of the folder that are neither files nor folders (a named
    pipe, a socket, a device, a link to nothing) and were skipped: a pipe named
    ``cin_census_2022.xml`` was skipped without a word, and the year's census with it. Only
    the entries' modes are looked at (``stat``): a pipe is never opened, which would wait for
    a writer for ever."""
    p = Path(folder)
    if not p.is_dir():
        return []
    said = []
    for f in sorted(p.rglob("*")):
        if not _listed(p, f):
            continue
        if not (f.is_file() or f.is_dir()):
            said.append(f"{f.relative_to(p).as_posix()} ({_what(f)})")
    if not said:
        return []
    shown = "; ".join(said[:5]) + (f"; and {len(said) - 5:,} more" if len(said) > 5 else "")
    return [f"skipped {len(said):,} entr{'y' if len(said) == 1 else 'ies'} of the folder that "
            f"{'is' if len(said) == 1 else 'are'} not a file, so cannot be read as a return: "
            f"{shown}. Copy the return itself into the folder if it is one"]


def digest(path: Path) -> str:
    """The file's bytes' digest ("" when it cannot be read: its reader said so)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def mixed_returns(recs: list[ReturnRecords], folder: str,
                   digests: list[str] | None = None) -> list[Problem]:
    """Returns that cannot be combined: two authorities' (the LEA codes of their headers or LA
    columns differ, or their children are not the same children), the same return for the same
    year twice (a copy in a subfolder), whose records would be counted twice, one file under
    two years' names, a year missing between two others, a workforce census far older than the
    case returns, and test records."""
    problems = []
    # one authority written two ways (the CIN census's LEA 840, the workforce census's LA
    # column E06000047 or "Durham County Council") is one authority: by its three-digit code
    by_la: dict[str, list[str]] = {}
    given: dict[str, list[str]] = {}
    for r in recs:
        if r.authority:
            key = lea_of(r.authority)
            by_la.setdefault(key, []).append(r.file)
            if r.authority not in given.setdefault(key, []):
                given[key].append(r.authority)
    if len(by_la) > 1:
        said = "; ".join(f"LEA {' or '.join(shown_code(c) for c in given[la])}: "
                         f"{', '.join(files)}" for la, files in sorted(by_la.items()))
        problems.append(Problem(folder, f"returns of {len(by_la)} authorities ({said}): give one "
                                        "authority's returns" + _reorganised(set(by_la))))
    by_year: dict[tuple, list[str]] = {}
    for r in recs:
        if r.year:
            by_year.setdefault((r.kind, r.year), []).append(r.file)
    for (kind, year), files in sorted(by_year.items()):
        if len(files) > 1:
            problems.append(Problem(folder, f"{len(files)} {_KIND_NAMES.get(kind, kind)} returns for "
                                            f"{year} ({', '.join(files)}): give each year once"))
    problems.extend(_copies(recs, folder, digests or []))
    problems.extend(_years_missing(recs, folder))
    problems.extend(annex_a_of_another_year(recs))
    for r, note in closure_dates_disagree(recs):
        r.notes.append(note)         # read_returns gathers each return's notes after this
    problems.extend(_other_childrens(recs))
    problems.extend(_years_written_differently(recs))
    problems.extend(_test_records(recs))
    return problems


#: Reorganisations that changed an authority's LEA code with its boundary (the old code,
#: the new codes, and when): returns from either side are different areas' and cannot be
#: combined, which "returns of 2 authorities" left unexplained for a council's own years.
#: The three-digit codes are DfE's (Get Information about Schools' "Local authority name and
#: associated codes", as the Department's dfeR package lists them beside the ONS codes in
#: data-raw/old_la_codes.csv: Dorset 835 -> 838, Poole 836, Bournemouth 837, Bournemouth,
#: Christchurch and Poole 839; Northamptonshire 928, North 940, West 941; Cumbria 909,
#: Cumberland 942, Westmorland and Furness 943). Buckinghamshire (825), North Yorkshire (815)
#: and Somerset (933) became unitary authorities keeping their three-digit codes: one area.
_BOUNDARY_CHANGES = (
    (("835", "836", "837"), ("838", "839"), "Bournemouth (837), Poole (836) and Dorset (835) "
     "became Bournemouth, Christchurch and Poole (839) and Dorset (838) in April 2019"),
    (("928",), ("940", "941"), "Northamptonshire (928) was split into North Northamptonshire "
     "(940) and West Northamptonshire (941) in April 2021"),
    (("909",), ("942", "943"), "Cumbria (909) was split into Cumberland (942) and Westmorland "
     "and Furness (943) in April 2023"),
)


def _reorganised(codes: set) -> str:
    """A sentence when the LEA codes of the returns are the two sides of a boundary change."""
    plain = {str(c).strip().lstrip("0") for c in codes}
    for old, new, what in _BOUNDARY_CHANGES:
        if plain & set(old) and plain & set(new):
            return (f". {what}: the returns from before and after are different areas' and "
                    "cannot be combined; give the new authority's returns from its first "
                    "year only (or the old authority's to its last)")
    return ""


def _copies(recs: list[ReturnRecords], folder: str, digests: list[str]) -> list[Problem]:
    """One file, byte for byte, under two years' names (the 2022 census saved again as 2023):
    its records stood for both years, and the later year's own were missing unsaid."""
    same: dict[str, list[ReturnRecords]] = {}
    for r, d in zip(recs, digests):
        if d and (r.workers or _children(r)):     # two empty years' files may well be alike
            same.setdefault(d, []).append(r)
    out = []
    said = set()
    for rs in same.values():
        years = sorted({r.year for r in rs})
        if len(rs) > 1 and len(years) > 1:
            said.update(r.file for r in rs)
            out.append(Problem(folder, f"{' and '.join(r.file for r in rs)} are the same file, "
                                       f"byte for byte, under the names of {_and(years)}: a copy "
                                       "saved under another year's name? Give each year's own "
                                       "return"))
    # the same records written again (opened and saved by a spreadsheet: other line ends,
    # quoting, column widths): two years' returns never hold the same records, row for row
    alike: dict[tuple[str, str], list[ReturnRecords]] = {}
    for r in recs:
        if r.file not in said and (r.workers or r.episodes or r.stages or r.care_leavers):
            alike.setdefault((r.kind, _records_digest(r)), []).append(r)
    for rs in alike.values():
        years = sorted({r.year for r in rs})
        if len(rs) > 1 and len(years) > 1:
            out.append(Problem(folder, f"{' and '.join(r.file for r in rs)} hold the same "
                                       f"records, row for row, under the names of {_and(years)}: "
                                       "one year's return saved again under another year's "
                                       "name? Give each year's own return"))
    return out


def _records_digest(r: ReturnRecords) -> str:
    """A digest of what a file's records say, leaving out where they were read (file, row) and
    the year its name gives: equal for a return and a copy of it written out again. Kept in
    memory only (its records hold children's and workers' identifiers)."""
    rows = sorted([repr(sorted((str(k), str(v)) for k, v in w.values.items()))
                   for w in r.workers]
                  + [repr((e.child, e.referral, e.nfa, e.closure, e.reason, e.team, e.worker,
                           e.stated)) for e in r.episodes]
                  + [repr((s.child, s.stage, s.start, s.end, s.referral, s.code))
                     for s in r.stages]
                  + [repr((c.child, c.dob, c.in_touch)) for c in r.care_leavers]
                  + [repr(("child", c)) for c in r.children])
    h = hashlib.sha256()
    for row in rows:
        h.update(row.encode("utf-8", "surrogatepass"))
        h.update(b"\n")
    return h.hexdigest()


def _and(items) -> str:
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


#: Why a year missing between two others makes the fit wrong, by kind of return
_GAP_WHY = {
    "cin": "the referrals opened and closed within it are in no other census (the referral "
           "rate, and the share of short episodes, would be fitted too low)",
    "ssda903": "the episodes of care that began and ended within it are in no other return",
    "ssda903_oc3": "the young people seen as care leavers only in it are in no other return",
    "workforce": "the staff who joined and left within it are in no other census (turnover "
                 "fitted too low), and its caseloads and days lost are missing",
}


def _years_missing(recs: list[ReturnRecords], folder: str) -> list[Problem]:
    """A year missing between two years of a return (2021 and 2023 but not 2022), and a
    workforce census more than a year older than the case returns' latest year: what the
    missing year alone held is in no other file, and the fit was silently too low. (An Annex A
    of another year: :func:`~.annex_a_years.annex_a_of_another_year`.)"""
    years: dict[str, set[int]] = {}
    for r in recs:
        if r.year and r.kind in _GAP_WHY:
            years.setdefault(r.kind, set()).add(r.year)
    out = []
    for kind, ys in years.items():
        gap = sorted(set(range(min(ys), max(ys) + 1)) - ys)
        if gap:
            s = "s" if len(gap) > 1 else ""
            out.append(Problem(folder, f"{_KIND_NAMES[kind]} returns for {_and(sorted(ys))} but "
                                       f"not {_and(gap)}: {_GAP_WHY[kind]}. Give the {_and(gap)} "
                                       f"return{s}, or leave out the years before {gap[-1]}"))
    cases = max(years.get("cin", set()) | years.get("ssda903", set()), default=0)
    staff = max(years.get("workforce", set()), default=0)
    if cases and staff and staff < cases - 1:
        out.append(Problem(folder, f"the latest workforce census is {staff}'s, while the case "
                                   f"returns run to March {cases}: staff who joined or left "
                                   f"after the {staff} census are missing (turnover, staffing "
                                   "and caseloads would be fitted from a roster years out of "
                                   f"date). Give the censuses after {staff}, or leave out the "
                                   f"case returns after {staff + 1}"))
    return out


def _children(r: ReturnRecords) -> set[str]:
    return (set(r.children) | {e.child for e in r.episodes} | {s.child for s in r.stages}
            | {c.child for c in r.care_leavers})


def _norm_id(child: str) -> str:
    """An identifier as a spreadsheet may have changed it: spaces, letters' case and leading
    zeros dropped."""
    return spelling_key(child).lstrip("0")


def _other_childrens(recs: list[ReturnRecords]) -> list[Problem]:
    """Returns whose children are not the other returns' children: an SSDA903 episodes or OC3
    file and its year's header (DfE: the header has a row for each child of the year's episodes
    and OC3 files), and an SSDA903 episodes file or Annex A beside the CIN census (a child
    looked after, or referred, is a child in need, in the census too). Another authority's
    return has (almost) none of them, and its records were combined with this one's; the same
    children written differently (leading zeros a spreadsheet dropped) were not joined."""
    headers = {r.year: r for r in recs if r.kind == "ssda903_header" and r.year}
    cin = [r for r in recs if r.kind == "cin"]
    cin_kids = set().union(*(_children(r) for r in cin)) if cin else set()
    cin_years = {r.year for r in cin}
    out = []
    for r in recs:
        kids = _children(r)
        checks = []
        if r.kind in ("ssda903", "ssda903_oc3") and r.year in headers:
            h = headers[r.year]
            checks.append((set(h.children), h.file, 0.5, "the header lists every child of the "
                           "year's episodes and OC3 files (DfE)"))
        if (r.kind == "ssda903" and r.year in cin_years) or (r.kind == "annex_a" and cin):
            # Annex A's last 12 months may run past the latest census: a fifth is enough
            checks.append((cin_kids, "the CIN census" + ("es" if len(cin) > 1 else ""),
                           0.5 if r.kind == "ssda903" else 0.2,
                           "a child looked after or referred is a child in need, in the CIN "
                           "census too"))
        for ref, where, frac, why in checks:
            n, k = len(kids), len(kids & ref)
            if not ref or n < 3 or (k > 0 and (n < 10 or k >= frac * n)):
                continue
            norm_ref = {_norm_id(c) for c in ref}
            k_norm = sum(_norm_id(c) in norm_ref for c in kids)
            if k_norm >= max(frac, 0.5) * n:
                hint = ("the same children's identifiers are written differently (leading zeros "
                        "dropped, letters' case or spaces changed: a spreadsheet may have read "
                        "them as numbers), and would not be joined: give each child the same "
                        "identifier in every return (export the column as text)")
            else:
                hint = f"{why}: is one of them another authority's (or another year's) return?"
            some = f"only {k:,} of its {n:,} children are" if k else \
                f"none of its {n:,} children is"
            out.append(Problem(r.file, f"{some} in {where}: {hint}"))
    return out


#: The returns whose years are joined child by child (an episode, a period of care, a care
#: leaver seen in two years' returns is one)
_JOINED_BY_CHILD = ("cin", "ssda903", "ssda903_header", "ssda903_oc3")


def _years_written_differently(recs: list[ReturnRecords]) -> list[Problem]:
    """Two years' returns of one kind (two CIN censuses) whose children's identifiers differ
    only in letters' case or spacing ('a123' one year, 'A123' or 'A 123' the other): the years
    are joined by identifier, so each such child was taken as a new child with no message
    (the referrals counted again, her open cases twice, the trend turned), or, in the latest
    year, refused in words blaming the other years' files. Said for each pair of years' files
    with how many (never an identifier)."""
    out = []
    for kind in _JOINED_BY_CHILD:
        files = sorted((r for r in recs if r.kind == kind and r.year), key=lambda r: r.year)
        kids = [_children(r) for r in files]
        for i, a in enumerate(files):
            norm_a = {spelling_key(c) for c in kids[i]}
            for j in range(i + 1, len(files)):
                b = files[j]
                if b.year == a.year:
                    continue            # the same year twice is said as such
                n = sum(1 for c in kids[j] - kids[i] if spelling_key(c) in norm_a)
                if n:
                    out.append(Problem(b.file, (
                        f"{n:,} of its {len(kids[j]):,} children are in {a.file} (the "
                        f"{_KIND_NAMES.get(kind, kind)} for {a.year}; this is {b.year}'s) with "
                        "their identifiers written differently, only letters' case or spacing "
                        "differing (lower case in one, or a space added or dropped; the "
                        "identifiers are not shown): the years are joined by identifier, so each "
                        "would be taken as a new child (referrals counted again, open cases "
                        "twice). Give each child the same identifier, written the same way, in "
                        "every year's return")))
    return out


#: An identifier that marks a test or dummy record (a system's test children left in an export)
_TEST_ID = re.compile(r"test|dummy", re.I)


def _test_records(recs: list[ReturnRecords]) -> list[Problem]:
    """Records whose identifier marks them as a test ('TEST01', 'DUMMY CHILD'), each file's
    said once with how many and the first (the identifier is not shown): 40 test children
    referred on one day and never closed went into the referral rate and open cases."""
    out = []
    for r in recs:
        hits = [o for o in ([e.origin for e in r.episodes if _TEST_ID.search(e.child)]
                            + [s.origin for s in r.stages if _TEST_ID.search(s.child)]
                            + [c.origin for c in r.care_leavers if _TEST_ID.search(c.child)]
                            + [w.origin for w in r.workers
                               if _TEST_ID.search(str(w.values.get("WorkerID", "")))])]
        n = len(hits) + sum(bool(_TEST_ID.search(c)) for c in r.children)
        if not n:
            continue
        first = min(hits, key=lambda o: (o.row or 0)) if hits else None
        column = "LAchildID" if not first or first.element or r.kind != "workforce" else "WorkerID"
        at = ""
        if first is not None:
            at = (f" (the first at element {first.element})" if first.element
                  else f" (the first at row {first.row}, field {first.field(column)})")
        out.append(Problem(r.file, f"{n:,} record(s) whose identifier (not shown) marks a test "
                                   f"or dummy record (it holds 'test' or 'dummy'){at}: remove "
                                   "the test records from the return"))
    return out


_KIND_NAMES = {"cin": "CIN census", "ssda903": "SSDA903 episodes", "ssda903_header":
               "SSDA903 header", "ssda903_oc3": "SSDA903 OC3", "workforce": "workforce census"}
