"""The published tables the workbench reads, and the columns each measure has had over releases.

The Department for Education publishes its statistics on the explore education statistics
service (https://explore-education-statistics.service.gov.uk) as open-data CSV files in one tidy
layout: ``time_period``, ``time_identifier``, ``geographic_level``, the country, region and
authority columns (``old_la_code``, ``new_la_code``, ``la_name``), then the measures. Three
publications give what a model of one authority needs:

- **Children in need** (years to 31 March): C1 referrals, C2 assessments by duration, C4 section
  47 enquiries and ICPCs, D1 child protection plans, D7 plans ending by length, B2 children in
  need at 31 March (with disability recorded).
- **Children looked after in England including adoptions** (years to 31 March): the long-format
  "by local authority" files of children looked after at 31 March, starting and ceasing.
- **Children's social work workforce** (at 30 September): "1. Indicators" (FTE in post, agency,
  vacancies, turnover, caseload, absence).

A *wide* table has one column per measure. Columns have been renamed between releases (D7's
``3_6_months`` became ``more_than_3_months_6_months``; B2's
``At31episodes_disability_recorded_percent`` gained an underscore), so each measure lists every
name it is known by, newest first. D7's older names ``3_6_months``, ``1_2_years`` and
``2_years+`` are those of the service's catalogue page for the 2013 to 2020 data set ("D7 Child
Protection Plans Ending in year by Length of Time"); its name for the 6 to 12 months band is not
shown there, and ``6_12_months`` is inferred from its neighbours' pattern (docs/published.md). The looked-after files are *long*: one row per characteristic
(``cla_group``/``characteristic``/``number`` until 2022, ``characteristic``/``breakdown``/
``children_count`` since), and a measure is the "Total" row of one characteristic.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LONG_MEASURES", "LongMeasure", "TABLES", "Table", "GEOGRAPHY", "MISSING_CODES"]

#: The columns every file in the layout has before its measures (``time_identifier`` and the
#: region columns are read when present, never required).
GEOGRAPHY = ("time_period", "geographic_level", "la_name", "new_la_code")

#: Symbols that stand for a figure that is not given, with what they mean (the GSS conventions
#: the publications' data guidance lists). "low" and "k" round to 0 but are not 0.
MISSING_CODES = {
    "c": "suppressed (a small number, hidden to protect confidentiality)",
    ":": "not available",
    # the GSS's older "not available" (ONS and older DfE tables): refused as "not a number",
    # where the same gap written "x" was read
    "..": "not available",
    "x": "not available",
    "z": "not applicable",
    "u": "low reliability",
    "": "blank",
}
ROUNDS_TO_ZERO = {"low", "k"}


@dataclass(frozen=True)
class Table:
    """One published table in the wide layout.

    Attributes
    ----------
    key : str
        A short identifier (``"referrals"``).
    title : str
        The table as the service names it, for citations.
    publication : str
        The statistical publication it belongs to.
    measures : dict
        Measure name -> the column names it has had, newest first.
    signature : tuple of str
        Measures whose columns identify a file as this table (all must be present).
    year_ends : str
        What a ``time_period`` of this table means ("31 March" or "30 September").
    """

    key: str
    title: str
    publication: str
    measures: dict[str, tuple[str, ...]]
    signature: tuple[str, ...]
    year_ends: str = "31 March"

    def column_for(self, columns) -> dict[str, str]:
        """Measure -> the column this file has it in (measures the file lacks are left out)."""
        have = {c.strip().lower(): c for c in columns}
        found = {}
        for measure, names in self.measures.items():
            for name in names:
                if name.lower() in have:
                    found[measure] = have[name.lower()]
                    break
        return found

    def columns_for(self, columns) -> dict[str, list[str]]:
        """Measure -> every column this file has it in, newest name first: a file stacking
        two releases' rows (a spreadsheet joining them) has the old name's column and the new
        one's, each filled in its own years' rows."""
        have = {c.strip().lower(): c for c in columns}
        found = {}
        for measure, names in self.measures.items():
            cols = [have[n.lower()] for n in names if n.lower() in have]
            if cols:
                found[measure] = cols
        return found


_CIN, _CLA, _SWF = ("Children in need", "Children looked after in England including adoptions",
                    "Children's social work workforce")

#: Assessment duration bands of C2 (working days): measure -> (low, high) working days.
ASSESSMENT_BANDS = {
    "assess_same_day": (0, 0), "assess_1_10": (1, 10), "assess_11_20": (11, 20),
    "assess_21_30": (21, 30), "assess_31_40": (31, 40), "assess_41_45": (41, 45),
    "assess_46_50": (46, 50), "assess_51_60": (51, 60), "assess_61_plus": (61, None)}
#: CP plans ending by length (D7): measure -> (low, high) days, the bands' edges.
CP_LENGTH_BANDS = {
    "cp_len_3m": (0, 91), "cp_len_3_6m": (91, 182), "cp_len_6_12m": (182, 365),
    "cp_len_1_2y": (365, 730), "cp_len_2y_plus": (730, None)}
#: ICPC within 15 working days of the s47's start (C4 bands).
ICPC_BANDS = {"icpc_0_10": (0, 10), "icpc_11_15": (11, 15), "icpc_16_20": (16, 20),
              "icpc_21_plus": (21, None)}

TABLES: tuple[Table, ...] = (
    Table("referrals", "C1 Referrals and re-referrals to children's social care services by "
          "local authority", _CIN,
          {"referrals": ("referral_count", "referrals"),
           "rereferral_pct": ("rereferral_percent", "re_referrals_percent"),
           "nfa_pct": ("no_further_action_percent",),
           "not_in_need_pct": ("not_in_need_percent",)},
          ("referrals",)),
    Table("assessments", "C2 Completed assessments by duration of assessment and local authority",
          _CIN,
          {"assessments": ("Assessments_completed", "assessments"),
           "assess_same_day": ("Same_day",), "assess_1_10": ("1-10_days",),
           "assess_11_20": ("11-20_days",), "assess_21_30": ("21-30_days",),
           "assess_31_40": ("31-40_days",), "assess_41_45": ("41-45_days",),
           "assess_46_50": ("46-50_days",), "assess_51_60": ("51-60_days",),
           "assess_61_plus": ("61+_days",),
           "assess_p25": ("25th_Percentile_days",), "assess_median": ("Median_days",),
           "assess_p75": ("75th_Percentile_days",)},
          ("assessments", "assess_median")),
    Table("s47", "C4 Section 47s and Initial Child Protection Conferences by local authority",
          _CIN,
          {"s47": ("Section47",), "icpc": ("ICPC",),
           "icpc_0_10": ("Duration_0-10_days",), "icpc_11_15": ("Duration_11-15_days",),
           "icpc_16_20": ("Duration_16-20_days",), "icpc_21_plus": ("Duration_21+_days",),
           "icpc_median": ("Duration_median",)},
          ("s47", "icpc")),
    Table("cp", "D1 Child Protection Plans by local authority", _CIN,
          {"cp_starts": ("CPP_start",), "cp_ends": ("CPP_end",), "cp_at31": ("CPP_At31",)},
          ("cp_starts", "cp_at31")),
    Table("cp_length", "D7 Child Protection Plans ending during the year by duration and local "
          "authority", _CIN,
          {"cp_ended": ("CPP_End",),
           "cp_len_3m": ("3_months_or_less",),
           "cp_len_3_6m": ("more_than_3_months_6_months", "3_6_months"),
           "cp_len_6_12m": ("more_than_6_months_less_than_1_year", "6_12_months"),
           "cp_len_1_2y": ("1_year_less_than_2_years", "1_2_years"),
           "cp_len_2y_plus": ("2_years_or_more", "2_years+")},
          ("cp_ended", "cp_len_3m")),
    Table("cin", "B2 Children in need at 31 March by recorded disability and local authority",
          _CIN,
          {"cin_at31": ("At31_episodes",),
           "cin_disabled": ("At31_episodes_disability_recorded",),
           "cin_disabled_pct": ("At31_episodes_disability_recorded_percent",
                                "At31episodes_disability_recorded_percent")},
          ("cin_at31",)),
    Table("workforce", "Children's social work workforce: 1. Indicators", _SWF,
          {"inpost_fte": ("inpost_fte",), "agency_fte": ("agency_fte",),
           "agency_rate": ("agency_rate_fte",), "vacancy_fte": ("vacancy_fte",),
           "vacancy_rate": ("vacancy_rate_fte",), "turnover_rate": ("turnover_rate_fte",),
           "leavers_fte": ("leavers_fte",), "case_holders_fte": ("case_holders_fte",),
           "cases": ("cases",), "caseload": ("caseload_fte",),
           "absence_rate": ("absence_rate_fte",),
           "agency_cover_rate": ("vacancy_agency_cover_rate_fte",)},
          ("inpost_fte", "vacancy_rate"), year_ends="30 September"),
)


@dataclass(frozen=True)
class LongMeasure:
    """A measure of a long-format table: the "Total" row of one characteristic.

    Attributes
    ----------
    measure : str
        The measure's name (``"lac_at31"``).
    table : str
        A short title of the file it comes from, for citations.
    groups : tuple of str
        Values of the characteristic column that hold it ("Age group"), lower case.
    totals : tuple of str
        Values of the breakdown column that are its total ("total", "total children").
    """

    measure: str
    table: str
    groups: tuple[str, ...]
    totals: tuple[str, ...] = ("total", "total children", "all children")


#: The looked-after measures, each the "Total" of one characteristic.
LONG_MEASURES: tuple[LongMeasure, ...] = (
    LongMeasure("lac_at31", "CLA on 31 March by characteristics - by local authority",
                ("age group", "age on 31 march")),
    LongMeasure("lac_starts", "CLA starting during the year - characteristics - by local authority",
                ("age on starting",)),
    LongMeasure("lac_ceased", "CLA ceasing during the year - characteristics - by local authority",
                ("age on ceasing",)),
)

#: The column pairs of the long layout, newest release first: (characteristic, breakdown, value).
LONG_COLUMNS = (("characteristic", "breakdown", "children_count"),
                ("cla_group", "characteristic", "number"))



def table_of(measure: str) -> str:
    """The published table a measure is read from, as the service names it."""
    for t in TABLES:
        if measure in t.measures:
            return t.title
    return next((m.table for m in LONG_MEASURES if m.measure == measure), measure)


def where_to_find(england, name: str, measure: str, year: int) -> str:
    """What to do when an authority has no figure of ``measure`` for ``year`` or the two years
    before: download its table; or, the table being in the files (``england``, England's
    figures, has the measure), give the authority's own rows, where "download the table" sent
    the user for a table they had."""
    eng = england[(england.measure == measure) & england.year.between(year - 2, year)]
    if eng.empty:
        return f"download the table '{table_of(measure)}'"
    long = next((lm for lm in LONG_MEASURES if lm.measure == measure), None)
    rows = (f" (the rows read are its 'Total' rows of '{long.groups[0].capitalize()}')"
            if long else "")
    return (f"the table '{table_of(measure)}' is in the files ({eng.file.iloc[-1]}, with "
            f"England's rows) but has no row of {name} for these years{rows}: put its rows back "
            "(deleted or filtered out?)")
