"""An Annex A set beside the other returns: is it of the same years, and where do the two say
other things about the same child?

Annex A lists what happened in the 12 months before an inspection; the CIN census and SSDA903
give the same children's referrals, assessments, plans and periods of care for each collection
year (to 31 March). Called by :func:`~.folder_checks.mixed_returns`; messages name the file (and
the list), with counts and dates of the lists and years, never an identifier.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..extracts import Problem
from .common import ReturnRecords, collection_year

#: The returns Annex A's dates are compared with (their children's own records of the same kind)
_OTHERS = ("cin", "ssda903")
#: Fewest dates a year out of step before a list (or the workbook) is taken for another year's
_FEWEST = 3
#: What each list read holds, in words
_LIST_WHAT = {3: "referrals", 4: "assessments", 5: "section 47 enquiries and ICPCs",
              6: "children in need", 7: "child protection plans", 8: "children in care"}


def _dates(r: ReturnRecords):
    """(child, what, ISO date, sheet) of each date a return gives: referral and closure dates of
    episodes, and each stage's start and end (an SSDA903 episode counts as care)."""
    for e in r.episodes:
        yield e.child, "referral", e.referral, e.origin.file
        if e.closure:
            yield e.child, "closure", e.closure, e.origin.file
    for s in r.stages:
        stage = "lac" if s.stage == "lac_episode" else s.stage
        if s.start:
            yield s.child, f"{stage} start", s.start, s.origin.file
        if s.end:
            yield s.child, f"{stage} end", s.end, s.origin.file


@dataclass
class _Tally:
    """One list's (or the workbook's) dates against the other returns'."""

    latest: str = ""
    compared: int = 0        # dates the other returns also give for the same child and kind
    earlier: int = 0         # ... that are a year (364 to 366 days) before theirs, none equal
    later: int = 0           # ... that are a year after theirs

    def add(self, day: str, theirs: set[str] | None, until: str) -> None:
        self.latest = max(self.latest, day)
        if not theirs or day > until:
            return
        self.compared += 1
        if day in theirs:
            return
        d = dt.date.fromisoformat(day)
        offs = [(dt.date.fromisoformat(t) - d).days for t in theirs]
        if any(364 <= o <= 366 for o in offs):
            self.earlier += 1
        elif any(-366 <= o <= -364 for o in offs):
            self.later += 1

    def out_by_a_year(self) -> str:
        """'earlier' or 'later' when most of the dates compared are a year out, to the day."""
        for way, k in (("earlier", self.earlier), ("later", self.later)):
            if k >= _FEWEST and 2 * k > self.compared:
                return way
        return ""


def _years(ys: list[int]) -> str:
    return str(ys[0]) if len(ys) == 1 else f"{ys[0]} to {ys[-1]}"


def annex_a_of_another_year(recs: list[ReturnRecords]) -> list[Problem]:
    """An Annex A (or one of its lists) of another year than the returns beside it.

    The returns' period is the case returns' collection years (the CIN census's, else
    SSDA903's; ``ReturnsData.collection_years``), ending 31 March of the latest, ``Y``. Annex
    A's period is read from its dates: its 12 months end near its latest date, in the
    collection year ``A`` (``collection_year`` of that date). The rule:

    - ``A`` two or more years before ``Y``: refused as an Annex A of an earlier inspection (its
      lists stand wholly before the latest two years of returns; no data needed beyond that).
    - ``A`` one year before ``Y``, or after it: an Annex A may well be of an inspection in an
      earlier year of the returns (its lists then agree with that year's census) or run past
      the latest census (an inspection after March), so the period alone refuses nothing. It is
      refused when, besides, most of its dates that the CIN census or SSDA903 also give for the
      same child and kind (a referral, a plan's start, a period of care's end; only dates up to
      the end of ``Y``) are a year off theirs to the day, that way: the same children's records
      of another year. Those dates were otherwise refused one by one in the other returns, as
      periods of care, plans and episodes overlapping Annex A's (57 messages blaming
      ssda903_episodes_2023.csv, and none naming the cause); that many is now said as a count.
    - The same for one list whose latest date is in a year before (after) both ``Y`` and the
      other lists' (List 7 pasted from the previous Annex A): said of that list.

    The bundled returns (an Annex A to 31 March 2023 beside censuses 2021-2023, every date equal
    to the census's) give no problem; nor does an Annex A of any year whose dates agree.
    """
    others = [r for r in recs if r.kind in _OTHERS and r.year]
    cin_years = sorted({r.year for r in others if r.kind == "cin"})
    years = cin_years or sorted({r.year for r in others})
    if not years:
        return []
    last = max(r.year for r in others)
    said = f"CIN census{'es' if len(cin_years) > 1 else ''}" if cin_years else "SSDA903"
    until = f"{last}-03-31"
    theirs: dict[tuple[str, str], set[str]] = {}
    for r in others:
        for child, what, day, _ in _dates(r):
            theirs.setdefault((child, what), set()).add(day)
    out = []
    for r in recs:
        if r.kind != "annex_a":
            continue
        whole, lists = _Tally(), {}
        for child, what, day, sheet in _dates(r):
            got = theirs.get((child, what))
            whole.add(day, got, until)
            lists.setdefault(sheet, _Tally()).add(day, got, until)
        if not whole.latest:
            continue
        a = collection_year(whole.latest)
        if a < last - 1:
            # an earlier inspection's lists left in the folder
            out.append(Problem(r.file, f"its latest date is in the year to March {a}, while "
                                       f"the case returns run to March {last}: an Annex A of "
                                       "an earlier inspection? Annex A lists the last 12 "
                                       "months: give the latest, or leave it out"))
            continue
        way = whole.out_by_a_year()
        if way and (a < last if way == "earlier" else a > last):
            out.append(Problem(r.file, (
                f"its lists' latest date is {whole.latest} (the year to March {a}), while the "
                f"returns run to March {last} ({said} for {_years(years)}), and "
                f"{_off(whole, way)}: it looks like the Annex A of {_an(way)} inspection (or its "
                f"dates written a year {way}). Annex A lists the 12 months before an inspection: "
                f"give the one for the year to March {last}, or leave it out")))
            continue
        for sheet, t in lists.items():
            way = t.out_by_a_year()
            rest = max((u.latest for s, u in lists.items() if s != sheet), default="")
            if not way or not rest:
                continue
            y, y_rest = collection_year(t.latest), collection_year(rest)
            if (y < min(last, y_rest)) if way == "earlier" else (y > max(last, y_rest)):
                n = _list_number(sheet)
                what = f"List {n} ({_LIST_WHAT[n]})" if n in _LIST_WHAT else "this list"
                out.append(Problem(sheet, (
                    f"the latest date of {what} is {t.latest} (the year to March {y}), while "
                    f"the workbook's other lists run to {rest} and the returns to March {last} "
                    f"({said} for {_years(years)}), and {_off(t, way)}: the list looks like one "
                    f"from {_an(way)} inspection's Annex A (or its dates written a year {way}). "
                    "Give the list of the same Annex A as the others, or leave it out")))
    return out


def _an(way: str) -> str:
    return "an earlier" if way == "earlier" else "a later"


def _off(t: _Tally, way: str) -> str:
    k = t.earlier if way == "earlier" else t.later
    return (f"{k:,} of its {t.compared:,} dates that the other returns also give for the same "
            f"child are a year {way} than theirs, to the day (each would be refused as a period "
            "of care, plan or episode overlapping the other returns')")


def _list_number(sheet: str) -> int | None:
    """The list number of 'annex_a.xlsx [List 7 CP]' (the sheet as messages name it)."""
    from .annex_a import LIST_NAME
    inner = sheet.rsplit("[", 1)[-1].rstrip("]")
    m = LIST_NAME.match(inner)
    return int(m.group(2)) if m else None


def closure_dates_disagree(recs: list[ReturnRecords]) -> list[tuple[ReturnRecords, str]]:
    """A note for each Annex A whose List 6 closure dates differ from the CIN census's for the
    same child and referral: how many cases, the largest difference in days, and that the
    census's were used (the combiner lets the later return win, and Annex A's records come
    before every year's census). Not a refusal: which return is right is the council's to
    check. No identifier is said."""
    census: dict[tuple[str, str], set[str]] = {}
    for r in recs:
        if r.kind == "cin":
            for e in r.episodes:
                if e.closure:
                    census.setdefault((e.child, e.referral), set()).add(e.closure)
    out = []
    for r in recs:
        if r.kind != "annex_a" or not census:
            continue
        by_sheet: dict[str, list[int]] = {}
        both = 0
        for e in r.episodes:
            theirs = census.get((e.child, e.referral))
            if not e.closure or not theirs:
                continue
            both += 1
            if e.closure not in theirs:
                d = dt.date.fromisoformat(e.closure)
                by_sheet.setdefault(e.origin.file, []).append(
                    min(abs((dt.date.fromisoformat(t) - d).days) for t in theirs))
        for sheet, days in by_sheet.items():
            out.append((r, f"{sheet}: {len(days):,} case(s) (of {both:,} closed in both returns) "
                           "have a CIN closure date other than the CIN census's for the same "
                           f"child and referral, up to {max(days):,} day(s) apart: the CIN "
                           "census's dates were used (the later return wins where two "
                           "disagree); check which is right"))
    return out
