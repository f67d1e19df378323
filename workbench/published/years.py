"""How a figure is cited (:func:`given`, :func:`where`), and the year a scenario is asked to
start at (``from-published --year``): refused, naming the years the files give, when the authority's referrals for it are not given (suppressed, a count
that rounds to 0, a year it is not in), or when it falls before an authority formed by a split
or after one was split (then which code holds the other years is said)."""

from __future__ import annotations

from .authorities import SUCCESSIONS, Authority, Figure
from .read import PublishedError

__all__ = ["given", "where", "year_asked"]


def given(f: Figure) -> str:
    """A figure as the file writes it, with what the reader took it for ("given as 'low',
    which rounds to 0")."""
    if f.status == "ok":
        return f"given as {f.raw!r}"
    # "which rounds to 0", but "given as 'c': suppressed (...)" ("which suppressed" before)
    return f"given as {f.raw!r}" + (f", which {f.status}" if f.status.startswith("rounds")
                                     else f": {f.status}")


def where(auth: Authority, f: Figure) -> str:
    """The line of the published file a figure is on ("?" when the files do not say)."""
    rows = auth.figures[(auth.figures.measure == f.measure) & (auth.figures.year == f.year)]
    if "line" not in rows or rows.empty:
        return "?"
    return str(rows.line.iloc[0])


def _span(years: list[int]) -> str:
    return f"{years[0]} to {years[-1]}" if len(years) > 1 else str(years[0])


def _why_not_later(auth: Authority, year: int) -> list[str]:
    """Why the scenario starts at ``year`` when the files hold a later children in need year
    for the authority: its referrals that year not given (suppressed), or C1 older than the
    other tables. (A suppressed latest C1 started the scenario a year early with no word.)"""
    f = auth.figures
    later = f[(f.year > year) & (f.year_ends == "31 March")]
    if later.empty:
        return []
    last = int(later.year.max())
    ref = auth.get("referrals", last)
    if ref is not None:
        return [f"the files hold {auth.name}'s figures to {last}, but its referrals for {last} "
                f"are {given(ref)} ({ref.file}, line {where(auth, ref)}): the scenario starts at "
                f"31 March {year}, the latest year with referrals"]
    eng = auth.england[(auth.england.measure == "referrals") & (auth.england.year == last)]
    if len(eng):
        # the C1 table has the year (England's row is there): the authority's row is what is
        # missing, and "download the newer C1 table" sent the user for a table they had
        return [f"the files hold {auth.name}'s figures to {last}, and the C1 table has {last} "
                f"(England's row, {eng.file.iloc[0]}, line {int(eng.line.iloc[0])}), but no row "
                f"of {auth.name} for {last}: the scenario starts at 31 March {year}, the latest "
                f"year with its referrals; put its {last} row back (deleted or filtered out?) to "
                f"start at 31 March {last}"]
    return [f"the files hold {auth.name}'s figures to {last}, but the C1 table in the files "
            f"stops at {year}: the scenario starts at 31 March {year}, the latest year with "
            f"referrals; download the newer C1 table to start at 31 March {last}"]


def _listed(years: list[int]) -> str:
    """Years as a reader lists them ("2020, 2021 and 2023")."""
    shown = [str(y) for y in years]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def year_asked(auth: Authority, year: int) -> None:
    """Refuse a ``--year`` for which the authority's referrals are not given, naming the years
    that are: the scenario was built as at 31 March of that year from the year before's
    referrals, with a note among many, when the year was a gap in the files (suppressed, or a
    year the authority is not in). A year before an authority formed by a split says so, and
    which code holds the years before."""
    years = auth.years("referrals")
    # a count of 0 ('low') cannot size a scenario: the year before's was used, with a note
    usable = [y for y in years if auth.get("referrals", y).value > 0]
    if not years or year in usable:
        return
    split = [s for s in SUCCESSIONS if s.new_code == auth.code and s.kind == "split"
             and year < s.first_year]
    formed = "".join(f" ({s.note}; the years before are under {', '.join(s.old_codes)}, "
                     f"another authority's)" for s in split)
    after = [s for s in SUCCESSIONS if auth.code in s.old_codes and s.kind == "split"
             and year >= s.first_year]
    if after:   # an authority split since: its later years are its successors'
        split = after
        formed = (f" ({auth.name} was split, from the {after[0].first_year} reporting year: "
                  "give --la " + " or ".join(s.new_code for s in after) + " for a later year)")
    if not years[0] <= year <= years[-1]:
        if split:
            raise PublishedError(f"--year {year}: {auth.name}'s referrals (C1 referral_count) "
                                 f"in the files cover {_span(years)}{formed}: give a year from "
                                 f"{years[0]} to {years[-1]}, or leave --year out for the latest")
        return    # build_scenario says which years the files cover
    f = auth.get("referrals", year)
    why = (f"are not in the files" if f is None else
           f"are {given(f)} ({f.file}, line {where(auth, f)})" + (
               ": a scenario cannot be sized by 0 referrals" if f.ok else ""))
    there = (f"the files give them for {_listed(usable)}: give one of those years, or"
             if usable else "no year has referrals above 0: give another authority, or")
    raise PublishedError(f"--year {year}: {auth.name}'s referrals (C1 referral_count) for "
                         f"{year} {why}; {there} leave --year out for the latest")
