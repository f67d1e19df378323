"""Picking an authority in the published files, and following it across renames and new codes.

A user names an authority as they know it ("Durham", "Hull", "E06000047", "840"); the files name
it as the Department does ("County Durham", "Kingston upon Hull, City of"). The match is tried
in order: a code (``new_la_code`` or ``old_la_code``); the name, ignoring case, punctuation and
the words "city of", "county of", "county", "council"; a name holding the words asked for, when
only one does. When none matches, the message lists the close matches (:mod:`difflib`).

Over the years an authority's rows may carry another name (a rename: same code) or another code
(Buckinghamshire became a unitary authority in April 2020 with a new code). Both are one series.
Reorganisations are listed in :data:`SUCCESSIONS`: a **recode** (one area, a new code) joins the
old code's years to the series; a **merge** (whole areas joined) sums the predecessors' counts
for the years before (their rates cannot be combined and are left out); a **split** or a
boundary change leaves the years before out, and says so.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field

import pandas as pd

from .read import ENGLAND_CODE, LA_CODE, Published, PublishedError

__all__ = ["Authority", "Figure", "Succession", "SUCCESSIONS", "find_authority", "normalise"]


@dataclass(frozen=True)
class Succession:
    """A reorganisation: ``new_code`` took over from ``old_codes`` from ``first_year`` on
    (the first reporting year under the new code)."""

    new_code: str
    old_codes: tuple[str, ...]
    first_year: int
    kind: str          # "recode", "merge" or "split"
    note: str


#: Reorganisations of English children's services authorities since the children in need census
#: began (first reporting year to 31 March under the new code; the workforce census of the
#: September before already counts the new authority where it existed). The ONS codes are as
#: DfE's dfeR package lists them with the three-digit codes (data-raw/old_la_codes.csv, from
#: Get Information about Schools and the explore-education-statistics screener's las.csv).
SUCCESSIONS: tuple[Succession, ...] = (
    Succession("E06000060", ("E10000002",), 2021, "recode",
               "Buckinghamshire became a unitary authority in April 2020 (code E10000002 -> "
               "E06000060): one area, one series"),
    Succession("E06000058", ("E06000028", "E06000029", "E10000009"), 2020, "split",
               "Bournemouth, Christchurch and Poole was formed in April 2019 from Bournemouth, "
               "Poole and part of Dorset: the years before are not comparable and are not used"),
    Succession("E06000059", ("E10000009",), 2020, "split",
               "Dorset lost Christchurch to Bournemouth, Christchurch and Poole in April 2019: "
               "the years before are not comparable and are not used"),
    Succession("E06000065", ("E10000023",), 2024, "recode",
               "North Yorkshire became a unitary authority in April 2023 (code E10000023 -> "
               "E06000065): one area, one series"),
    Succession("E06000066", ("E10000027",), 2024, "recode",
               "Somerset became a unitary authority in April 2023 (code E10000027 -> "
               "E06000066): one area, one series"),
    Succession("E06000061", ("E10000021",), 2022, "split",
               "North Northamptonshire was formed from Northamptonshire in April 2021 (its "
               "2021 workforce return also covers West Northamptonshire): earlier years not used"),
    Succession("E06000062", ("E10000021",), 2022, "split",
               "West Northamptonshire was formed from Northamptonshire in April 2021: earlier "
               "years not used"),
    Succession("E06000063", ("E10000006",), 2024, "split",
               "Cumberland was formed from Cumbria in April 2023: earlier years not used"),
    Succession("E06000064", ("E10000006",), 2024, "split",
               "Westmorland and Furness was formed from Cumbria in April 2023: earlier years "
               "not used"),
)

#: The names of the authorities the reorganisations replaced (by ONS code): one asked for in
#: files that no longer hold it is told where its area went ("close matches: Cumberland" let a
#: user take Cumberland for all of Cumbria).
OLD_NAMES = {"E10000002": "Buckinghamshire", "E06000028": "Bournemouth", "E06000029": "Poole",
             "E10000009": "Dorset", "E10000023": "North Yorkshire", "E10000027": "Somerset",
             "E10000021": "Northamptonshire", "E10000006": "Cumbria"}

#: The names of the authorities the reorganisations made (by ONS code), for a message about an
#: older authority when the files hold neither it nor its successor ("its area is in
#: E06000063 and E06000064" named no place a user could recognise).
NEW_NAMES = {"E06000058": "Bournemouth, Christchurch and Poole", "E06000059": "Dorset",
             "E06000060": "Buckinghamshire", "E06000061": "North Northamptonshire",
             "E06000062": "West Northamptonshire", "E06000063": "Cumberland",
             "E06000064": "Westmorland and Furness", "E06000065": "North Yorkshire",
             "E06000066": "Somerset"}

_DROP = re.compile(r"\b(city of|county of|county|council|the)\b")

#: England's regions (the files' region_name): a region asked for is many authorities, not one
#: ("London" lost its "city of" to the match and found the City of London alone).
REGIONS = {"north east": 12, "north west": 23, "yorkshire and the humber": 15,
           "east midlands": 10, "west midlands": 14, "east of england": 11, "london": 33,
           "inner london": 14, "outer london": 19, "south east": 19, "south west": 15}

#: Figures that are counts at 31 March (the others of the children in need tables are of the
#: year to 31 March): children in need (B2, with and without a disability recorded), on child
#: protection plans (D1) and looked after.
AT_31_MARCH = frozenset({"cin_at31", "cin_disabled", "cin_disabled_pct", "cp_at31", "lac_at31"})

#: Measures that are rates, percentages or averages: never summed over merged predecessors.
def is_rate(measure: str) -> bool:
    """True for a measure that cannot be added up over authorities (a rate or an average)."""
    return any(k in measure for k in ("pct", "rate", "caseload", "median", "p25", "p75"))


def normalise(name: str) -> str:
    """A name for matching: lower case, "&" as "and", no punctuation, without "city of",
    "county of", "county", "council", "the" ("County Durham" and "Durham" match)."""
    s = name.casefold().replace("&", " and ")
    s = re.sub(r"[^\w\s]", " ", s)
    s = _DROP.sub(" ", s)
    return " ".join(s.split())


@dataclass(frozen=True)
class Figure:
    """One published figure and where it came from.

    Attributes
    ----------
    measure, year : str, int
    value : float
        NaN when the file does not give it (``status`` says why).
    status : str
        "ok", "rounds to 0", or what the file's symbol means ("suppressed ...").
    table, file, column : str
        Where it is.
    raw : str
        The cell as written.
    year_ends : str
        "31 March" or "30 September".
    name : str
        The authority as the file names it ("England" for national rows).
    """

    measure: str
    year: int
    value: float
    status: str
    table: str
    file: str
    column: str
    raw: str
    year_ends: str = "31 March"
    name: str = ""

    @property
    def ok(self) -> bool:
        """The figure is given (a number, or a figure that rounds to 0)."""
        return not math.isnan(self.value)

    def period(self) -> str:
        """The year as a reader says it ("year to 31 March 2024", "30 September 2023")."""
        if self.year_ends != "31 March":
            return f"{self.year_ends} {self.year}"
        return (f"at 31 March {self.year}" if self.measure in AT_31_MARCH
                or self.measure.endswith("at31") else f"year to 31 March {self.year}")

    def cite(self) -> str:
        """The citation written next to a value: table, year, column and figure, and file."""
        shown = (self.raw if self.ok else "blank" if not self.raw  # not "blank (blank)"
                 else f"{self.raw} ({self.status})")
        return f"{short_title(self.table)}, {self.name}, {self.period()}: {self.column} = {shown} [{self.file}]"


def short_title(title: str) -> str:
    """A table's title as cited: its number ("C1"), or its name without the breakdown."""
    first = title.split()[0]
    if re.fullmatch(r"[A-Z]\d+", first):
        return first
    if title.startswith("Children's social work workforce"):
        return "Workforce indicators"
    return title.split(" - ")[0].split(" by ")[0]


def _figure(row) -> Figure:
    return Figure(row["measure"], int(row["year"]), float(row["value"]), row["status"],
                  row["table"], row["file"], row["column"], row["raw"], row["year_ends"],
                  row["name"])


@dataclass
class Authority:
    """One authority's figures, followed across renames and new codes, with England's.

    Attributes
    ----------
    code, name : str
        The authority's latest code and name in the files.
    figures : pandas.DataFrame
        Its figures (the columns of :attr:`Published.figures`), one per measure and year.
    england : pandas.DataFrame
        England's national figures from the same files.
    notes : list of str
        How it was matched and followed (renames, new codes, years left out).
    """

    code: str
    name: str
    figures: pd.DataFrame
    england: pd.DataFrame
    notes: list = field(default_factory=list)

    def _get(self, df: pd.DataFrame, measure: str, year: int | None) -> Figure | None:
        rows = df[df.measure == measure]
        if year is not None:
            rows = rows[rows.year == year]
        if rows.empty:
            return None
        return _figure(rows.sort_values("year").iloc[-1])

    def get(self, measure: str, year: int | None = None) -> Figure | None:
        """The authority's figure for a measure in a year (None: the latest year it has)."""
        return self._get(self.figures, measure, year)

    def england_figure(self, measure: str, year: int | None = None) -> Figure | None:
        """England's figure for a measure in a year (None: the latest year)."""
        return self._get(self.england, measure, year)

    def up_to(self, year: int | None) -> "Authority":
        """The authority (and England) as at 31 March of ``year``: the children in need and
        looked-after figures to that year, the workforce census to the 30 September before
        (``--year`` then shows that year's figures, not the latest in the files). ``None``:
        itself."""
        if year is None:
            return self

        def cut(df: pd.DataFrame) -> pd.DataFrame:
            limit = df.year_ends.map(lambda e: year if e == "31 March" else year - 1)
            return df[df.year <= limit].reset_index(drop=True)

        return Authority(self.code, self.name, cut(self.figures), cut(self.england),
                         list(self.notes))

    def years(self, measure: str) -> list[int]:
        """The years in which the authority's figure for a measure is given."""
        rows = self.figures[(self.figures.measure == measure) & self.figures.value.notna()]
        return sorted(rows.year.unique().tolist())


def _names(published: Published) -> pd.DataFrame:
    la = published.authorities()
    if la.empty:
        raise PublishedError(f"{published.folder}: the files hold no local-authority rows "
                             "(download the 'by local authority' files)")
    la["norm"] = la.name.map(normalise)
    return la


def _plain(name: str) -> str:
    """A name as written, without case, punctuation or repeated spaces (no words dropped)."""
    s = re.sub(r"[^\w\s]", " ", name.casefold().replace("&", " and "))
    return " ".join(s.split())


def _region(q: str, la: pd.DataFrame) -> None:
    """Refuse a region's name that is not also an authority's name as written."""
    n = REGIONS.get(_plain(q))
    if n is None or (la.name.map(_plain) == _plain(q)).any():
        return
    near = sorted(set(la[la.norm.map(lambda x: set(normalise(q).split()) <= set(x.split()))].name))
    raise PublishedError(
        f"--la {q!r}: {q.strip()} is a region of England ({n} authorities), not one authority; "
        f"give one authority's name or code (new_la_code)"
        + (f": in the files, {', '.join(near)} has the name in it" if near else ""))


def _pick(la: pd.DataFrame, query: str, folder: str) -> tuple[str, list[str], str]:
    """The code of the authority asked for, how it was matched, and its name (which is what
    tells authorities apart in rows with no new_la_code)."""
    q = query.strip()
    if len(q) > 200:       # longer than any authority's name (the longest has about 40 letters)
        raise PublishedError(f"--la {q[:40]!r}... ({len(q):,} characters): give an authority's "
                             "name or its code (new_la_code)")
    key = code_key(q)
    hit = la[(la.code.str.casefold() == q.casefold()) | (la.old_code.str.casefold() == q.casefold())
             | (key is not None) & (la.code.map(code_key).eq(key) | la.old_code.map(code_key).eq(key))]
    notes = []
    if not hit.empty and q.casefold() not in set(la.code.str.casefold()) | set(
            la.old_code.str.casefold()):
        shown = hit.sort_values("last").iloc[-1]
        form = shown.code if code_key(shown.code) == key else shown.old_code
        notes.append(f"--la {q!r} was read as the code {form} ({shown['name']})")
    if hit.empty:
        _region(q, la)
        hit = la[la.norm == normalise(q)]
        if not hit.empty and not (hit.name.map(_plain) == _plain(q)).any():
            notes.append(f"'{q}' matched '{hit.sort_values('last').name.iloc[-1]}' (the words "
                         f"'city of', 'county' and 'council' are not compared)")
    if hit.empty and normalise(q):
        words = normalise(q).split()
        hit = la[la.norm.map(lambda n: all(w in n.split() for w in words))]
        if hit.code.nunique() == 1 or hit.norm.nunique() == 1:
            notes.append(f"'{q}' matched '{hit.sort_values('last').name.iloc[-1]}'")
    if hit.empty or hit.norm.nunique() > 1:
        choices = sorted(set(la.sort_values("last").drop_duplicates("code", keep="last").name))
        if not hit.empty:
            raise PublishedError(f"--la {q!r}: more than one authority matches: "
                                 f"{', '.join(sorted(set(hit.name)))}; give the full name or "
                                 "the code (new_la_code)")
        close = difflib.get_close_matches(q, choices, n=5, cutoff=0.5)
        close += [n for n in difflib.get_close_matches(
            normalise(q), list(la.norm), n=5, cutoff=0.6) for n in la[la.norm == n].name
            if n not in close]
        hint = (f"close matches: {', '.join(dict.fromkeys(close))}" if close else
                f"the files hold {len(choices)} authorities, e.g. {', '.join(choices[:5])}")
        hint = _code_hint(q, la) or hint
        hint = _reorganised(q, la) or hint
        if q.casefold() in ("england", ENGLAND_CODE.casefold()):
            hint = (f"England is the comparator, not a local authority (for a typical English "
                    f"authority, use scenarios/england_average.yaml); {hint}")
        raise PublishedError(f"--la {q!r}: no authority of that name or code in the files in "
                             f"{folder}; {hint}")
    # several codes with one name: the one seen last is the authority today
    latest = hit.sort_values("last").iloc[-1]
    return latest.code, notes, latest["name"]


def _reorganised(q: str, la: pd.DataFrame,
                 successions: tuple[Succession, ...] | None = None) -> str | None:
    """For an authority a reorganisation replaced, asked for by name or ONS code in files that
    do not hold it: what its area is now, and the --la to give."""
    key, n = code_key(q), normalise(q)
    for old, name in OLD_NAMES.items():
        if key != old and normalise(name) != n:
            continue
        now = [s for s in (successions or SUCCESSIONS) if old in s.old_codes]
        if not now:
            return None

        def named(s: Succession) -> str:
            rows = la[la.code == s.new_code]
            name = rows.name.iloc[-1] if not rows.empty else NEW_NAMES.get(s.new_code)
            return f"{name} ({s.new_code})" if name else s.new_code

        split = any(s.kind == "split" for s in now)
        held = [s.new_code for s in now if (la.code == s.new_code).any()]
        return (f"{name} ({old}) is not in the files: from the {now[0].first_year} reporting "
                f"year its area is in {' and '.join(named(s) for s in now)}"
                + (f" (a split: {'their' if len(now) > 1 else 'its'} years are not "
                   f"{name}'s)" if split else
                   " (a new code: one series)")
                + (f". Give --la {' or '.join(held)}" if held else "")
                + (f", or add the older files that hold {name}'s own years" if split else ""))
    return None


def code_key(text: str) -> str | None:
    """A code as a council analyst may type it, in one form for matching: the old three-digit
    code with or without zeros before it or a spreadsheet's ".0" (``0840``, ``840.0``, ``LA
    840`` are ``840``), an ONS code whatever its case or spaces (``e06 000 047``); None when
    the text is not a code."""
    t = re.sub(r"[\s\-]", "", str(text)).upper()
    m = re.fullmatch(r"(?:LA)?(\d{1,9})(?:\.0+)?", t)
    if m:
        return str(int(m[1]))
    return t if LA_CODE.fullmatch(t) else None


def _code_hint(q: str, la: pd.DataFrame) -> str | None:
    """For a query that is not an authority: the form that would match, when the query holds
    an authority's code ("County Durham (840)") or is an ONS code short of a zero
    (``E6000047``); or why a three-digit code cannot match (no old_la_code in the files)."""
    words = re.findall(r"[A-Za-z]?\d[\d.]*", q)
    for w in words:
        k = code_key(w)
        by = la[(la.code.map(code_key) == k) | (la.old_code.map(code_key) == k)] if k else la[:0]
        squeezed = re.sub(r"[\s0]", "", w).upper()
        if by.empty and re.fullmatch(r"[EWSN]\d+", squeezed):
            by = la[la.code.str.replace("0", "").str.upper() == squeezed]
        if not by.empty:
            f = by.sort_values("last").iloc[-1]
            form = f.code if not k or code_key(f.code) == k else f.old_code
            return f"did you mean --la {form} ({f['name']})?"
    if words and code_key(q) and code_key(q).isdigit() and not (la.old_code != "").any():
        return ("the files have no old_la_code column, so a three-digit code cannot be matched: "
                "give the authority's name or its new_la_code (such as E06000047)")
    return None


def _successor(code: str, la: pd.DataFrame, successions: tuple[Succession, ...],
               notes: list) -> str:
    """The code an old code's area has today: an old code asked for (``E10000002``) is
    followed to its successor when one area took it over whole (a recode or a merge) and the
    files hold it; a split authority is kept as it was, with a note."""
    split = False
    for s in successions:
        if code not in s.old_codes or not (la.code == s.new_code).any():
            continue
        new = la[la.code == s.new_code].sort_values("last").name.iloc[-1]
        if s.kind in ("recode", "merge"):
            notes.append(f"{code} is an old code: the area has been {new} ({s.new_code}) since "
                         f"{s.first_year} (reporting year), and its series is followed")
            return s.new_code
        notes.append(f"{code} is an old code: it was split ({s.note}); the scenario is the old "
                     f"authority's, from its own years")
        split = True
    if split:
        return code
    # an old code of an area whose name goes on under a newer code (a reorganisation not in
    # the list): followed, as the name asked for would be, not left at the old code's years
    mine = la[la.code == code]
    newer = la[la.norm.isin(set(mine.norm)) & (la.code != code)
               & (la["first"] > mine["first"].min()) & (la["last"] > mine["last"].max())]
    if not newer.empty:
        now = newer.sort_values("last").iloc[-1]
        notes.append(f"{code} is an old code: {now['name']} has been {now.code} since "
                     f"{int(newer['first'].min())}, and its series is followed")
        return now.code
    return code


def find_authority(published: Published, query: str,
                   successions: tuple[Succession, ...] = SUCCESSIONS) -> Authority:
    """Find an authority by name or code and gather its figures across renames and new codes.

    Parameters
    ----------
    published : Published
        What :func:`~workbench.published.read.read_published` read.
    query : str
        A name ("Durham", "County Durham") or a code (``E06000047``, ``840``).
    successions : tuple of Succession
        The reorganisations to follow (default :data:`SUCCESSIONS`).

    Returns
    -------
    Authority

    Raises
    ------
    PublishedError
        No authority matches (the message lists the close matches), or more than one does.
    """
    la = _names(published)
    code, notes, picked = _pick(la, query, published.folder)
    if code:
        code = _successor(code, la, successions, notes)
    # rows with no new_la_code are told apart by their names: every such authority was taken
    # for one (the first file's first figures stood for whichever was asked for)
    same = (lambda df: (df.code == code) & (df.name == picked)) if not code else (
        lambda df: df.code == code)
    mine = la[same(la)]
    name = mine.sort_values("last").name.iloc[-1]
    if mine.name.nunique() > 1:
        notes.append(f"{name} is named {', '.join(repr(n) for n in mine.sort_values('first').name)}"
                     " in different years (same code): one series")
    figs = published.figures
    own = figs[(figs.level == "la") & same(figs)]
    # the same name under an older code, begun before this one and ended by its end: a new
    # code (North Yorkshire's September 2023 workforce census under its new code, while its
    # 2023 children in need year was under the old, kept the old code's years out: "stops
    # before this one starts" was never true, and the trend had one year)
    older = la[(la.norm == normalise(name)) & (la.code != code)
               & (la["first"] < mine["first"].min()) & (la["last"] <= mine["last"].max())]
    joined = {c: None for c in older.code}
    for s in successions:
        if s.new_code != code:
            continue
        if s.kind == "split":
            notes.append(s.note)
            # rows with no code under the same name (Dorset's) are the old area's too
            joined = {c: y for c, y in joined.items() if c not in s.old_codes and c}
            continue
        for c in s.old_codes:
            joined[c] = s.first_year
        notes.append(s.note)
    # a merger adds up its predecessors' counts; anything else joined (a new code, an older
    # code of the same name, rows with no code) is one area's series: summed as a merger
    # whenever two codes were joined, its rates and averages were dropped
    merging = any(s.new_code == code and s.kind == "merge" for s in successions)
    if merging:
        joined.pop("", None)
    # rows with no new_la_code are an authority's by name only: taken by code, every
    # authority's codeless rows joined the series (Sunderland's 2020 referrals were County
    # Durham's, from an older file without codes)
    by_name = ((figs.code == "") & ("" in joined)
               & figs.name.map(lambda n, _k=normalise(name): normalise(n) == _k))
    predecessors = figs[(figs.level == "la") & (figs.code.isin([c for c in joined if c])
                                                | by_name)]
    # a predecessor counts only for the years before the new code took over
    # (the code's own years of each measure, when joined by name: a table's years under the
    # new code begin later than another's)
    first = own.groupby("measure").year.min().to_dict()
    cut = [joined.get(c) or first.get(m, 10 ** 6)
           for c, m in zip(predecessors.code, predecessors.measure)]
    predecessors = predecessors[predecessors.year.to_numpy() < cut]
    if merging and not predecessors.empty:
        predecessors = _merge(predecessors, name, notes)
    elif not predecessors.empty:
        old = older.code.tolist() or list(joined)
        if older.code.tolist():
            codes = [c for c in dict.fromkeys(old) if c]
            under = ((f"under code {', '.join(codes)}" if codes else "")
                     + (" and " if codes and "" in old else "")
                     + ("in rows with no new_la_code, matched by name" if "" in old else ""))
            notes.append(f"{name}: years to {int(predecessors.year.max())} are {under}"
                         + (" (a new code since)" if codes else "") + ": one series")
        # a year given both under a code and in a row with no code: the code's is read
        predecessors = predecessors.assign(name=name).sort_values(
            "code", ascending=False, kind="stable")
    figures = pd.concat([own.assign(name=own.name), predecessors], ignore_index=True)
    _said_twice(figures, name, code, notes)
    figures = figures.drop_duplicates(["measure", "year"], keep="first")
    england = figs[(figs.level == "national") & (figs.code == ENGLAND_CODE)]
    return Authority(code, name, figures.reset_index(drop=True), england.reset_index(drop=True),
                     notes)


def _said_twice(figures: pd.DataFrame, name: str, code: str, notes: list) -> None:
    """A note when a year's figure is given under the authority's code and again under an
    older code (or in a row with no code) with another value, as a release revising the year
    of a new code may: the code's own is read (the other was dropped with no word)."""
    both = figures[figures.duplicated(["measure", "year"], keep=False)]
    differ = both.groupby(["measure", "year"]).value.nunique(dropna=False) > 1
    if not differ.any():
        return
    years = sorted({int(y) for _, y in differ[differ].index})
    others = sorted({c or "no new_la_code" for c in both.code if c != code})
    notes.append(f"{name}: figures for {', '.join(map(str, years))} are given under "
                 f"{code or 'its name'} and again, with other values, under "
                 f"{', '.join(others)}: {code or 'the first'}'s are read "
                 f"({int(differ.sum())} figure(s))")


def _merge(rows: pd.DataFrame, name: str, notes: list) -> pd.DataFrame:
    """Predecessors merged into one authority: counts summed for each measure and year when
    every predecessor gives the figure; rates and averages left out."""
    out = []
    for (measure, year), g in rows.groupby(["measure", "year"]):
        if is_rate(measure) or g.value.isna().any():
            continue
        first = g.iloc[0]
        out.append({**first.to_dict(), "value": float(g.value.sum()), "name": name,
                    "raw": " + ".join(g.raw), "status": "ok",
                    "column": f"{first.column} (sum of {', '.join(g.code)})"})
    notes.append(f"{name}: the years before the merger are its predecessors' counts added up "
                 "(their rates and averages cannot be combined and are not used)")
    return pd.DataFrame(out, columns=rows.columns)
