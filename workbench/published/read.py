"""Reading the published CSV files a user has downloaded into a folder (or the service's ZIP).

Every file is recognised by its columns, not its name (the service's file names change between
releases). What real files hold is handled: several years in one file; suppressed cells (``c``)
and figures not available (``:``, ``..``, ``x``, ``z``, ``u``) kept as gaps with their reason;
``low`` and ``k`` (rounds to 0) read as 0; thousands separators; a table split over files from different
releases (for a year in both, the newer release wins, as it carries the revisions). Regional rows
are not read. Anything else that is not a number is a mistake: one message naming the file, the
line and the column, the value, and what was expected.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .sources import SKIPPED, PublishedError, in_subfolders, sources
from .tables import (ASSESSMENT_BANDS, CP_LENGTH_BANDS, GEOGRAPHY, ICPC_BANDS, LONG_COLUMNS,
                     LONG_MEASURES, MISSING_CODES, ROUNDS_TO_ZERO, TABLES)

__all__ = ["Published", "PublishedError", "read_published"]

ENGLAND_CODE = "E92000001"
LEVELS = {"local authority": "la", "national": "national"}
#: Other geographic levels of the service's open-data layout: their rows are not read. A row
#: whose level is none of these is a mistake (a shifted column, a typed-over cell), not a row
#: to pass over in silence: it may be the authority's own.
OTHER_LEVELS = {"regional", "local authority district", "parliamentary constituency", "ward",
                "local skills improvement plan area", "local enterprise partnership",
                "english devolved area", "mayoral combined authority", "opportunity area",
                "health area", "rsc region", "police force area", "planning area",
                "multi-academy trust", "mat", "sponsor", "school", "provider", "institution"}
#: The earliest year a figure can be for: the children in need census began in 2009 and the
#: workforce census in 2017; a year before 2000 is a mistyped year, not an old release.
EARLIEST_YEAR = 2000
#: Measures that are a share of a whole (per cent): a value above 100 is a mistake. The agency
#: cover rate (agency FTE per vacancy) and turnover are rates that can pass 100, so are not here.
SHARES = {"rereferral_pct", "nfa_pct", "not_in_need_pct", "cin_disabled_pct", "agency_rate",
          "vacancy_rate", "absence_rate"}
#: Measures in working days (percentiles and medians of durations): no child's assessment or
#: conference waits four years, so a figure above this is a mistyped or shifted cell.
DAYS = {"assess_p25", "assess_median", "assess_p75", "icpc_median"}
MOST_DAYS = 1000
#: Measures that are not counts of children, plans or staff (the others are, and no authority's
#: count can be larger than England's for the same year).
NOT_COUNTS = SHARES | DAYS | {"turnover_rate", "agency_cover_rate", "caseload"}
#: A band's counts and the total they split (C2, C4, D7): the bands cannot add to more.
BANDED = {"assessments": ASSESSMENT_BANDS, "icpc": ICPC_BANDS, "cp_ended": CP_LENGTH_BANDS}
#: ONS codes of authorities (E06000047): a new_la_code of another shape is a shifted column.
LA_CODE = re.compile(r"[EWSN]\d{8}")
#: The columns of :attr:`Published.figures`.
COLUMNS = ["measure", "year", "level", "code", "old_code", "name", "value", "status", "raw",
           "table", "file", "line", "column", "release", "year_ends"]


@dataclass
class Published:
    """Every figure read from a folder of published files, one row per figure.

    Attributes
    ----------
    figures : pandas.DataFrame
        Columns :data:`COLUMNS`: the measure, the year (``time_period``: the year ending 31
        March, or the 30 September of the workforce census), ``level`` ("la" or "national"),
        the authority's codes and name as the file gives them, the value (NaN when not given),
        its ``status`` ("ok", "rounds to 0", or what the symbol means), the cell as written,
        and where it is: table title, file, line (the header is line 1), column, and the newest
        year in that file (its ``release``).
    files : dict
        File name -> the tables read from it.
    skipped : dict
        File name -> why it was not read (not a table the workbench uses).
    notes : list of str
        What the reader did that a user should know (figures replaced by a newer release).
    """

    figures: pd.DataFrame
    files: dict = field(default_factory=dict)
    skipped: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    folder: str = ""

    def authorities(self) -> pd.DataFrame:
        """Every authority in the files: code, name, old code, first and last year seen."""
        la = self.figures[self.figures.level == "la"]
        if la.empty:
            return pd.DataFrame(columns=["code", "name", "old_code", "first", "last"])
        g = la.groupby(["code", "name"], sort=False)
        out = g.agg(old_code=("old_code", "first"), first=("year", "min"), last=("year", "max"))
        return out.reset_index()


def _year(text: str) -> int | None:
    """A ``time_period``: ``2024`` (a reporting year) or ``202324`` (a financial or academic
    year, ending in 2024), also as a person writes it, ``2023/24``, ``2023-24`` or
    ``2023/2024`` (a spreadsheet's or the table tool's way)."""
    t = text.strip()
    if re.fullmatch(r"\d{4}", t):
        return int(t)
    two = _two_years(t)
    if two:
        t = two
    if re.fullmatch(r"\d{6}", t) and int(t[4:]) == (int(t[2:4]) + 1) % 100:
        return int(t[:2] + t[4:]) if t[4:] != "00" else int(t[:4]) + 1
    return None


def _two_years(text: str) -> str | None:
    """``2023/24``, ``2023-24`` (or with the dash a word processor puts, 2023\u201324),
    ``2023/2024`` or ``2023 to 2024`` as ``202324`` (None for any other text)."""
    m = re.fullmatch(r"(\d{4})\s*(?:/|-|\u2013|\u2014|to)\s*(\d{2}|\d{4})", text.strip())
    if not m or (len(m[2]) == 4 and int(m[2]) != int(m[1]) + 1):
        return None
    return m[1] + m[2][-2:]


def _cells(raw: pd.Series, name: str, column: str,
           measure: str = "") -> tuple[np.ndarray, np.ndarray]:
    """The numbers of one measure column and each cell's status; a cell that is neither a
    number nor a published symbol, a number that is not finite, a negative number, or a share
    above 100 per cent, is a :class:`PublishedError` naming its line."""
    text = raw.astype(str).str.strip()
    # the GSS symbols as accessible spreadsheets write them, in square brackets ("[c]", "[low]"):
    # the same symbols, refused as "not a number" when a table was saved from one
    low = text.str.lower().str.replace(r"^\[\s*(\S*?)\s*\]$", r"\1", regex=True)
    # thousands separators only where they separate thousands ("1,234", not "1,2,3")
    grouped = text.str.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
    value = pd.to_numeric(text.where(~grouped, text.str.replace(",", "", regex=False)),
                          errors="coerce")
    status = np.where(value.notna(), "ok", "")
    known = low.isin(list(MISSING_CODES))
    zero = low.isin(list(ROUNDS_TO_ZERO))
    status = np.where(known, low.map(MISSING_CODES).fillna(""), status)
    status = np.where(zero, "rounds to 0", status)
    value = value.where(~zero, 0.0)
    decimal_comma = text.str.fullmatch(r"-?\d+,\d{1,2}|-?\d+,\d{4,}")
    checks = (
        (value.isna() & ~known, "expected a number, or one of the published symbols c "
                                "(suppressed), : .. x z (not available), u, low, k (or the same "
                                "in square brackets, [c])"
         + ("; a comma in a number only separates thousands (write 35.8, not 35,8)"
            if (value.isna() & ~known & decimal_comma).any() else "")),
        (value.notna() & ~np.isfinite(value.fillna(0.0)), "expected a finite number"),
        (value.notna() & (value < 0), "expected a count, rate or number of days, which "
                                      "cannot be negative"),
        (value.notna() & (value > 100) & (measure in SHARES),
         "expected a percentage of a whole, 0 to 100"),
        (value.notna() & (value > MOST_DAYS) & (measure in DAYS),
         f"expected a number of working days, at most {MOST_DAYS:,} (four years)"),
        # a count of children, referrals or plans is whole: 6.974 (6,974 written with a point
        # for the thousands) was read as 6.974 referrals, and the scenario made of 6 a year
        (value.notna() & (value != value.round()) & _whole(measure),
         "expected a whole number (a count of children, referrals or plans; write thousands "
         "as 6974 or 6,974)"),
    )
    for bad, expected in checks:
        if bad.any():
            rows = [f"line {i + 2}: {_shown(text[i])}" for i in raw.index[bad][:3]]
            more = f" (and {int(bad.sum()) - 3} more)" if bad.sum() > 3 else ""
            raise PublishedError(f"{name}: column {column}: {expected}; got {', '.join(rows)}"
                                 f"{more}")
    return value.to_numpy(dtype=float), status


def _whole(measure: str) -> bool:
    """Whether a measure is a count of children, referrals or plans (whole numbers); staff
    counts are full-time equivalents (``_fte``), which have fractions."""
    return bool(measure) and measure not in NOT_COUNTS and not measure.endswith("_fte")


def _shown(text: str) -> str:
    """A cell of a published file, quoted, cut short and with control characters escaped
    (the files hold figures for areas, never a child's record)."""
    return repr(text if len(text) <= 40 else text[:40] + "...")


def _frame(name: str, df: pd.DataFrame, title: str, measure: str, column: str, values,
           status, raw, year_ends: str) -> pd.DataFrame:
    return pd.DataFrame({
        "measure": measure, "year": df["_year"].to_numpy(), "level": df["_level"].to_numpy(),
        "code": df["_code"].to_numpy(), "old_code": df["_old"].to_numpy(),
        "name": df["_name"].to_numpy(), "value": values, "status": status,
        "raw": raw.astype(str).str.strip().to_numpy(), "table": title, "file": name,
        "line": df.index.to_numpy() + 2, "column": column, "release": int(df["_year"].max()),
        "year_ends": year_ends})


def _geography(name: str, df: pd.DataFrame, cols: dict[str, str],
               september: bool = False) -> pd.DataFrame:
    """The rows of authorities and of England, with their year, level, codes and name."""
    missing = [c for c in GEOGRAPHY if c not in cols]
    if missing:
        raise PublishedError(
            f"{name}: expected the published layout's columns {', '.join(GEOGRAPHY)}; missing: "
            f"{', '.join(missing)} (download the 'by local authority' file of this table)")
    given = df[cols["geographic_level"]].astype(str).str.strip()
    unknown = ~given.str.lower().isin(set(LEVELS) | OTHER_LEVELS)
    if unknown.any():
        i = given.index[unknown][0]
        raise PublishedError(f"{name}: line {i + 2}: column geographic_level: expected "
                             f"'National', 'Regional' or 'Local authority', got "
                             f"{_shown(given[i])}")
    level = given.str.lower().map(LEVELS)
    df = df[level.notna()].copy()
    if df.empty:
        raise PublishedError(f"{name}: no rows for England ('National') or for a local authority "
                             "('Local authority') in column geographic_level (download the 'by "
                             "local authority' file of this table)")
    df["_level"] = level[level.notna()]
    years = df[cols["time_period"]].astype(str).map(_year)
    if years.isna().any():
        i = years.index[years.isna()][0]
        raise PublishedError(f"{name}: line {i + 2}: column time_period: expected a year such as "
                             f"2024, 202324 or 2023/24, got {_shown(str(df.at[i, cols['time_period']]))}")
    latest = dt.date.today().year
    odd = (years < EARLIEST_YEAR) | (years > latest)
    if odd.any():
        i = years.index[odd][0]
        raise PublishedError(f"{name}: line {i + 2}: column time_period: {int(years[i])} is "
                             f"{'in the future' if years[i] > latest else 'before ' + str(EARLIEST_YEAR)}"
                             f": expected a year the statistics cover ({EARLIEST_YEAR} to {latest})")
    # (the service writes the census's year alone, "2023": 202223 is as ambiguous as 2022/23)
    two = df[cols["time_period"]].astype(str).map(
        lambda t: _two_years(t) is not None or re.fullmatch(r"\d{6}", t.strip()) is not None)
    if september and two.any():
        # a census at 30 September is of one year: "2022/23" could be September 2022's (the
        # academic year's) or 2023's (as 202223 is read): which cannot be told
        i = two.index[two][0]
        raise PublishedError(f"{name}: line {i + 2}: column time_period: "
                             f"{_shown(str(df.at[i, cols['time_period']]))} is two years, but the "
                             "workforce census is at 30 September of one: expected the census's "
                             "year, as the service writes it (2023 for 30 September 2023)")
    df["_year"] = years.astype(int)
    nat = df["_level"] == "national"
    code = df[cols["new_la_code"]].astype(str).str.strip()
    # an ONS code whatever its case (a spreadsheet's lower-cased e06000047 refused every file);
    # anything else as written, for the message that refuses it
    code = code.where(~code.str.upper().str.fullmatch(LA_CODE), code.str.upper())
    df["_code"] = code.where(~nat, ENGLAND_CODE)
    df["_name"] = df[cols["la_name"]].astype(str).str.strip().where(~nat, "England")
    old = cols.get("old_la_code")
    df["_old"] = (df[old].astype(str).str.strip() if old else pd.Series("", index=df.index)
                  ).where(~nat, "")
    odd = (df["_level"] == "la") & (df["_code"] != "") & ~df["_code"].str.fullmatch(LA_CODE)
    if odd.any():
        i = df.index[odd][0]
        raise PublishedError(f"{name}: line {i + 2}: column new_la_code: expected an ONS code such "
                             f"as E06000047, got {_shown(df.at[i, '_code'])}")
    blank = (df["_level"] == "la") & ((df["_code"] == "") & (df["_name"] == ""))
    if blank.any():
        i = df.index[blank][0]
        raise PublishedError(f"{name}: line {i + 2}: a local-authority row with neither la_name "
                             "nor new_la_code")
    return df


def _read_one(name: str, df: pd.DataFrame) -> tuple[list[pd.DataFrame], list[str]]:
    """The figures of one file and the titles of the tables found in it."""
    cols = {c.strip().lower(): c for c in df.columns}
    frames, titles = [], []
    wide = [t for t in TABLES if all(m in t.column_for(df.columns) for m in t.signature)]
    # both long layouts when a file stacks an older release's rows on a newer's (the older
    # rows' characteristic is the newer layout's breakdown: read in one layout, they were lost)
    longs = [lc for lc in LONG_COLUMNS if all(c in cols for c in lc)]
    if not wide and not longs:
        return [], []
    _columns_once(name, df.columns, wide, tuple(c for lc in longs for c in lc))
    df = _geography(name, df, cols, any(t.year_ends != "31 March" for t in wide))
    for t in wide:
        titles.append(t.title)
        for measure, columns in t.columns_for(df.columns).items():
            raw, column = _one_of(name, df, columns)
            label = " or ".join(columns)
            values, status = _cells(raw, name, label, measure)
            frames.append(_frame(name, df, t.title, measure, column, values, status, raw,
                                 t.year_ends))
    for long in longs:
        group = df[cols[long[0]]].astype(str).str.strip().str.lower()
        part = df[cols[long[1]]].astype(str).str.strip().str.lower()
        for lm in LONG_MEASURES:
            rows = df[group.isin(lm.groups) & part.isin(lm.totals)]
            if rows.empty:
                continue
            if lm.table not in titles:
                titles.append(lm.table)
            column = cols[long[2]]
            values, status = _cells(rows[column], name, column, lm.measure)
            frames.append(_frame(name, rows, lm.table, lm.measure, column, values, status,
                                 rows[column], "31 March"))
    return frames, titles


def _one_of(name: str, df: pd.DataFrame, columns: list[str]):
    """The cells of a measure that a file gives under several names (its old and new name, as
    a spreadsheet joining two releases' rows leaves it): each row's figure from the column that
    gives it, and that column's name. A file with ``3_6_months`` filled in 2020's rows and
    ``more_than_3_months_6_months`` in 2024's read the new name only: 2020's bands were blank,
    and the CP plan lengths made of them shared the plans out evenly, as if suppressed. Two
    columns giving a row different figures are a :class:`PublishedError` naming both."""
    first = columns[0]
    raw = df[first].astype(str)
    used = pd.Series(first, index=df.index, dtype=object)
    for other in columns[1:]:
        cell = df[other].astype(str)
        have = ~raw.str.strip().str.lower().isin(list(MISSING_CODES))
        gives = ~cell.str.strip().str.lower().isin(list(MISSING_CODES))
        clash = have & gives & (raw.str.strip() != cell.str.strip())
        if clash.any():
            i = clash.idxmax()
            raise PublishedError(
                f"{name}: line {i + 2}: columns {used[i]} and {other} are one figure under "
                f"two names (an older release's and a newer's) and give {_shown(raw[i].strip())} "
                f"and {_shown(cell[i].strip())}: keep the one that is right and blank the other")
        # a figure over a symbol, and a symbol (c: suppressed) over a blank cell
        take = (~have & gives) | ((raw.str.strip() == "") & (cell.str.strip() != ""))
        raw = raw.where(~take, cell)
        used = used.where(~take, other)
    return raw, (first if len(columns) == 1 else used.to_numpy())


def _columns_once(name: str, columns, wide: list, long) -> None:
    """A column the reader reads given twice (``referral_count`` and ``Referral_Count``, or the
    same name twice, which pandas reads as ``referral_count.1``) is a :class:`PublishedError`
    naming both: one was read and the other left out without a word (the last of two names in
    two cases, the first of two alike)."""
    used = {c.lower() for c in GEOGRAPHY} | {"old_la_code"} | {c for c in (long or ())}
    for t in wide:
        used |= {n.lower() for names in t.measures.values() for n in names}
    seen: dict[str, str] = {}
    for c in columns:
        title = str(c).strip()
        twin = re.fullmatch(r"(.+)\.[0-9]+", title)
        key = title.lower()
        if twin and twin[1] in columns and key not in used:
            key, title = twin[1].strip().lower(), twin[1].strip()
        if key in seen and key in used:
            what = (f"the column {title} is given twice" if seen[key] == title else
                    f"the columns {seen[key]} and {title} are one column (names are read "
                    "whatever their case)")
            raise PublishedError(f"{name}: {what}: only one would be read; delete the other")
        seen.setdefault(key, title)


def _table(name: str, raw: bytes) -> pd.DataFrame | None:
    text = None
    for encoding in ("utf-8-sig", "cp1252"):  # the service writes UTF-8; Excel re-saves cp1252
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or "\x00" in text:
        raise PublishedError(f"{name}: not a CSV text file (expected text in UTF-8 or Windows-1252, "
                             "as the service or Excel saves it; is it a spreadsheet or a "
                             "damaged download?)")
    lines = text.splitlines(keepends=True)
    above, sep = _titles_at(lines)
    try:
        # blank lines kept as rows (dropped below), so that every row keeps its line number
        df = pd.read_csv(io.StringIO("".join(lines[above:])), dtype=str, keep_default_na=False,
                         sep=sep, skip_blank_lines=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise PublishedError(f"{name}: not a readable CSV file ({str(exc).strip()})") from None
    if above:
        df.index = df.index + above        # messages keep the file's own line numbers
    df, below = _past_the_table(df)
    df.attrs["lines_above"] = above
    df.attrs["lines_below"] = below
    df.attrs["separator"] = sep
    return df


def _lines_said(lines: list[int]) -> str:
    """Line numbers as runs ('line 42', 'lines 42 to 44, 50')."""
    runs, start = [], None
    for k, n in enumerate(lines):
        if start is None:
            start = n
        if k + 1 == len(lines) or lines[k + 1] != n + 1:
            runs.append(f"{start}" if start == n else f"{start} to {n}")
            start = None
    return ("line " if len(lines) == 1 else "lines ") + ", ".join(runs)


def _past_the_table(df: pd.DataFrame) -> tuple[pd.DataFrame, list[int]]:
    """The table without the rows a spreadsheet leaves around it, and their lines: rows with no
    cell filled (Excel saves a row of commas for every row once used), and, below the last row
    of figures, rows of one text cell (a footnote: "Source: ...", "Notes:", "c = suppressed").
    They were refused as a row of an unknown geographic_level ('got '), while a title above
    the column titles was read past. A row below with more than one cell, or a number, is kept,
    and a row of the table typed over is refused as before."""
    if df.empty:
        return df, []
    cells = df.astype(str).apply(lambda c: c.str.strip())
    filled = (cells != "").sum(axis=1)
    drop = list(df.index[filled == 0])
    for i in reversed(df.index[filled > 0]):
        one = cells.loc[i][cells.loc[i] != ""]
        if len(one) != 1 or pd.notna(pd.to_numeric(one.iloc[0].replace(",", ""),
                                                    errors="coerce")):
            break
        drop.append(i)
    return df.drop(index=drop), sorted(int(i) + 2 for i in drop)


#: Lines searched for the column titles: a table saved from Excel or a table tool may carry a
#: title, a source and a blank line above them (DfE's downloads do)
TITLE_LINES = 10


#: What separates the cells: commas as the service writes them; semicolons as Excel saves "CSV"
#: where a comma is the decimal mark; tabs as a "tab delimited" save or a copy from a table
SEPARATORS = (",", ";", "\t")
SEPARATOR_NAMES = {";": "semicolons", "\t": "tabs"}


def _titles_at(lines: list[str]) -> tuple[int, str]:
    """The line (counted from 0) holding the column titles, the first with a ``time_period``
    cell among the first :data:`TITLE_LINES` (0 when none is: the first line is the titles),
    and what separates its cells. A title above the titles made the file unreadable
    ('Expected 1 fields in line 4, saw 16'), or, saved from Excel with its commas, left out as
    not a table: its figures lost unsaid; a file of semicolons was left out as 'no
    time_period column', which it had."""
    for k, line in enumerate(lines[:TITLE_LINES]):
        for sep in SEPARATORS:
            if "time_period" in {c.strip().strip('"').strip().lower() for c in line.split(sep)}:
                return k, sep
    return 0, ","


def _one_figure_each(figures: pd.DataFrame, notes: list) -> pd.DataFrame:
    """The figures with rows repeated in one file, or in two files of the same release, given
    once; a figure given twice with different values there is a :class:`PublishedError` naming
    both places (which is right cannot be told: neither is newer)."""
    who = figures.code.where(figures.code != "", "name " + figures.name)
    said = figures.value.astype(str) + "|" + figures.status
    key = [figures.measure, figures.year, who, figures.level]
    for scope, where in (([figures.file], "the same file"),
                         ([figures.release], "two files of the same release")):
        groups = said.groupby(key + scope, sort=False)
        differ = groups.transform("nunique") > 1
        if differ.any():
            gid = groups.ngroup()
            i = differ.idxmax()
            j = ((gid == gid[i]) & (said != said[i])).idxmax()
            first, twin = figures.loc[i], figures.loc[j]
            places = (f"{first.file}, line {first.line}, column {first.column}, and {twin.file}, "
                      f"line {twin.line}, column {twin.column}")
            if first["name"] != twin["name"]:
                # one code is one authority: "two authorities" misread a revised row under
                # its new name as two councils
                raise PublishedError(f"{places}: rows named {first['name']} and {twin['name']} "
                                     f"have the same new_la_code {_shown(first.code)} in "
                                     f"{first.year}, with different figures, {_shown(first.raw)} "
                                     f"and {_shown(twin.raw)}: one authority given twice (a "
                                     "revised row? remove the one that is wrong) or a column "
                                     "shifted")
            raise PublishedError(
                f"{places}: {first['name']}'s figure for {first.year} is given twice in {where}, "
                f"as {_shown(first.raw)} and {_shown(twin.raw)} (remove the row or file that is "
                "wrong)")
    keep = ~pd.DataFrame({"m": figures.measure, "y": figures.year, "w": who, "l": figures.level,
                          "r": figures.release}).duplicated(keep="first").to_numpy()
    if not keep.all():
        notes.append(f"{int((~keep).sum())} figure(s) given twice with the same value, in one file "
                     "or in two files of the same release: read once")
    return figures[keep]


def _check_sizes(figures: pd.DataFrame) -> None:
    """No authority's count above England's for the same year, and no bands adding to more
    than their total: either is a mistyped figure or a shifted column, refused at its line."""
    ok = figures[figures.status == "ok"]
    eng = ok[ok.level == "national"].set_index(["measure", "year"]).value
    eng = eng[~eng.index.duplicated()]
    la = ok[(ok.level == "la") & ~ok.measure.isin(NOT_COUNTS)]
    ref = eng.reindex(pd.MultiIndex.from_arrays([la.measure, la.year])).to_numpy()
    big = la[(ref > 0) & (la.value.to_numpy() > ref)]
    if not big.empty:
        f = big.iloc[0]
        raise PublishedError(f"{f.file}: line {f.line}: column {f.column}: {f['name']}'s figure "
                             f"for {f.year}, {f.value:,g}, is larger than England's, "
                             f"{eng[(f.measure, f.year)]:,g} (a mistyped figure, or a column "
                             "shifted?)")
    for total, bands in BANDED.items():
        part = figures[figures.measure.isin([total, *bands])]
        for (file, line), row in part.groupby(["file", "line"], sort=False):
            got = dict(zip(row.measure, zip(row.value, row.status, row.column)))
            if total not in got or got[total][1] != "ok":
                continue
            n = sum(v for m, (v, st, _) in got.items() if m != total and st in ("ok", "rounds to 0"))
            whole = got[total][0]
            if n > whole + max(5.0, 0.01 * whole):
                cols = ", ".join(c for m, (_, _, c) in got.items() if m != total)
                raise PublishedError(f"{file}: line {line}: columns {cols} add to {n:,g}, more than "
                                     f"the total in column {got[total][2]}, {whole:,g} (a mistyped "
                                     "figure, or a column shifted?)")


def read_published(folder: str | Path) -> Published:
    """Read every published table in a folder.

    Parameters
    ----------
    folder : str or Path
        A folder holding the downloaded CSV files (or the service's ZIP files); files that are
        not tables the workbench uses are listed in :attr:`Published.skipped`.

    Returns
    -------
    Published

    Raises
    ------
    PublishedError
        The folder is missing or holds none of the tables; a file breaks the layout.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise PublishedError(f"--data {folder}: no such folder (download the published CSV files "
                             "into a folder; see docs/published.md)")
    frames, files, skipped = [], {}, {}
    notes: list[str] = []
    for name, raw in sources(folder, skipped):
        df = _table(name, raw)
        if df is None or "time_period" not in {c.strip().lower() for c in df.columns}:
            skipped[name] = "not in the open-data layout (no time_period column)"
            continue
        got, titles = _read_one(name, df)
        if titles:
            files[name] = titles
            frames += got
            sep = df.attrs.get("separator", ",")
            if sep != ",":
                notes.append(f"{name}: its cells are separated by {SEPARATOR_NAMES[sep]}, not "
                             "commas (saved from a spreadsheet?): read as such")
            gone = df.attrs.get("lines_below", [])
            if gone:
                notes.append(f"{name}: {len(gone)} line(s) with no figures (empty rows, or notes "
                             f"below the table such as a source) were read past: "
                             f"{_lines_said(gone)}")
            k = df.attrs.get("lines_above", 0)
            if k:
                notes.append(f"{name}: its column titles are on line {k + 1}; the {k} line(s) "
                             "above them (a title?) were read past")
        else:
            skipped[name] = "not one of the tables the workbench reads"
    below = in_subfolders(folder)
    if not frames:
        raise PublishedError(
            f"{folder}: none of the published tables the workbench reads was found "
            f"({len(skipped)} file(s) looked at); see docs/published.md for which to download"
            + (f"; {below}" if below else "") + "".join(
                f"; {n} is {why}" for n, why in skipped.items() if why.startswith(SKIPPED)))
    if below:
        notes.append(below)
    if skipped:
        said = [f"{n} ({why})" for n, why in skipped.items()]
        more = f" and {len(said) - 5:,} more" if len(said) > 5 else ""
        notes.append(f"{len(said):,} file(s) in the folder not read: {'; '.join(said[:5])}{more}")
    figures = pd.concat(frames, ignore_index=True)
    figures = _one_figure_each(figures, notes)
    _check_sizes(figures)
    # a year in two releases: the newer release wins (it carries the local authorities'
    # amendments); the older figure is dropped and counted
    figures = figures.sort_values(["release", "file"], ascending=[False, True], kind="stable")
    # an authority is its code, or its name in a row with no new_la_code (every such row was
    # one authority here: all but the first file's first dropped as 'an older release')
    who = figures.code.where(figures.code != "", "name " + figures.name)
    dup = pd.DataFrame({"m": figures.measure, "y": figures.year, "w": who,
                        "l": figures.level}).duplicated(keep="first")
    if dup.any():
        old = figures[dup]
        notes.append(f"{int(dup.sum())} figure(s) found in more than one file: the newer release "
                     f"was used (older: {', '.join(sorted(old.file.unique()))})")
    figures = figures[~dup].sort_values(["measure", "code", "year"]).reset_index(drop=True)
    return Published(figures[COLUMNS], files, skipped, notes, str(folder))
