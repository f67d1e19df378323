"""Writes the fixture files in the published open-data layout (run from the project folder:
``.venv/bin/python tests/data/published/make_fixtures.py``).

The figures are invented (deterministic, near the size of real authorities); only the layout,
the column names and the symbols follow the Department for Education's files. What they hold on
purpose: several authorities and years in each file, England's national rows and regional rows;
suppressed cells (``c``) and figures not available (``:``, ``x``, ``z``); an authority renamed
between releases ("Kingston upon Hull, City of" -> "Kingston upon Hull", same code) and one
whose code changed (Buckinghamshire, E10000002 -> E06000060 from April 2020); the CP-length table
split over two releases whose column names differ, and the looked-after tables in the older and
the newer long layout; one file that is not a table the workbench reads.
"""

from __future__ import annotations

import csv
import zlib
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
CIN_YEARS = [2020, 2021, 2022, 2023, 2024]
SWF_YEARS = [2019, 2020, 2021, 2022, 2023]

# name by year, code by year, old code, region, referrals in 2020, yearly growth
LAS = [
    ("County Durham", "E06000047", "840", "North East", 6100, 0.03),
    ("Sunderland", "E08000024", "394", "North East", 4300, 0.01),
    ("Gateshead", "E08000037", "390", "North East", 2700, -0.02),
    ("Northumberland", "E06000057", "929", "North East", 3600, 0.02),
    ("Kingston upon Hull", "E06000010", "810", "Yorkshire and The Humber", 4100, 0.04),
    ("Buckinghamshire", "E06000060", "825", "South East", 5200, 0.00),
]
ENGLAND_REFERRALS = 640000


def name_code(la, year, workforce=False):
    name, code = la[0], la[1]
    if name == "Kingston upon Hull" and year <= 2022:
        name = "Kingston upon Hull, City of"
    # Buckinghamshire became a unitary authority (new code) in April 2020: the CIN year to
    # 31 March 2020 and the workforce census of 30 September 2019 are under the old code
    if name == "Buckinghamshire" and year <= (2019 if workforce else 2020):
        code = "E10000002"
    return name, code


def geo(year, level, la=None, workforce=False):
    row = {"time_period": str(year), "time_identifier": "Reporting year",
           "geographic_level": level, "country_code": "E92000001", "country_name": "England",
           "region_code": "", "region_name": "", "old_la_code": "", "new_la_code": "",
           "la_name": ""}
    if level == "Regional":
        row.update(region_code="E12000001", region_name="North East")
    if la is not None:
        name, code = name_code(la, year, workforce)
        row.update(region_code="E12000001", region_name=la[3], old_la_code=la[2],
                   new_la_code=code, la_name=name)
    return row


def write(name, rows, columns=None):
    columns = columns or list(rows[0])
    with open(HERE / name, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, columns)
        w.writeheader()
        w.writerows(rows)


def units(year, la):
    """Every figure of one authority (or England, la None) for one year, as numbers."""
    rng = np.random.default_rng(zlib.crc32(f"{year} {la[0] if la else 'England'}".encode()))
    if la is None:
        ref = ENGLAND_REFERRALS * (1.0 + 0.005 * (year - 2020))
    else:
        ref = la[4] * (1 + la[5]) ** (year - 2020) * rng.uniform(0.98, 1.02)
    j = lambda lo, hi: rng.uniform(lo, hi)  # noqa: E731
    f = {"referrals": round(ref), "rereferral_pct": round(j(17, 26), 1),
         "nfa_pct": round(j(2, 10), 1), "not_in_need_pct": round(j(24, 36), 1)}
    f["assessments"] = round(ref * j(0.88, 0.98))
    shares = np.array([0.02, 0.10, 0.12, 0.14, 0.16, 0.26, 0.08, 0.06, 0.06]) * j(0.8, 1.2, )
    shares[-3:] *= j(0.5, 2.0)
    shares = shares / shares.sum()
    f["bands"] = [round(f["assessments"] * s) for s in shares]
    f["median"] = round(j(27, 40))
    f["p25"], f["p75"] = f["median"] - round(j(12, 18)), f["median"] + round(j(8, 14))
    f["s47"] = round(ref * j(0.25, 0.45))
    f["icpc"] = round(f["s47"] * j(0.22, 0.40))
    ib = np.array([0.10, 0.70, 0.10, 0.10]) * np.array([j(0.5, 1.5) for _ in range(4)])
    f["icpc_bands"] = [round(f["icpc"] * s / ib.sum()) for s in ib]
    f["cp_starts"] = round(f["icpc"] * j(0.78, 0.92))
    f["cp_at31"] = round(f["cp_starts"] * j(0.7, 0.95))
    f["cp_ends"] = round(f["cp_starts"] * j(0.9, 1.1))
    lb = np.array([0.16, 0.11, 0.43, 0.25, 0.05]) * np.array([j(0.7, 1.3) for _ in range(5)])
    f["cp_len"] = [round(f["cp_ends"] * s / lb.sum()) for s in lb]
    f["lac"] = round(ref * j(0.10, 0.16))
    f["cin_at31"] = round(ref * j(0.55, 0.75)) + f["cp_at31"] + f["lac"]
    f["cin_disabled"] = round(f["cin_at31"] * j(0.10, 0.16))
    f["lac_starts"] = round(f["lac"] * j(0.35, 0.45))
    f["lac_ceased"] = round(f["lac"] * j(0.35, 0.45))
    cases = f["cin_at31"] * j(0.95, 1.15)
    f["caseload"] = round(j(14, 20), 1)
    f["case_holders_fte"] = round(cases / f["caseload"], 1)
    f["cases"] = round(cases)
    f["inpost_fte"] = round(f["case_holders_fte"] * j(1.45, 1.7), 1)
    f["agency_rate"] = round(j(6, 24), 1)
    f["agency_fte"] = round(f["inpost_fte"] * f["agency_rate"] / (100 - f["agency_rate"]), 1)
    f["vacancy_rate"] = round(j(8, 24), 1)
    f["vacancy_fte"] = round(f["inpost_fte"] * f["vacancy_rate"] / (100 - f["vacancy_rate"]), 1)
    f["turnover_rate"] = round(j(10, 20), 1)
    f["leavers_fte"] = round(f["inpost_fte"] * f["turnover_rate"] / 100, 1)
    f["absence_rate"] = round(j(2.0, 4.5), 1)
    f["agency_cover_rate"] = round(j(55, 90), 1)
    return f


def rows(years, make, workforce=False, regional=True):
    out = []
    for y in years:
        out.append(make(geo(y, "National", workforce=workforce), units(y, None), None, y))
        if regional:
            out.append(make(geo(y, "Regional", workforce=workforce), units(y, None), None, y))
        for la in LAS:
            out.append(make(geo(y, "Local authority", la, workforce), units(y, la), la, y))
    return out


def pct(a, b):
    return round(100 * a / b, 1) if b else "z"


def c1(g, f, la, y):
    return {**g, "category": "Referrals and Re-referrals", "referral_count": f["referrals"],
            "rereferral_count": round(f["referrals"] * f["rereferral_pct"] / 100),
            "rereferral_percent": f["rereferral_pct"], "no_further_action_percent": f["nfa_pct"],
            "not_in_need_percent": f["not_in_need_pct"]}


def c2(g, f, la, y):
    names = ["Same_day", "1-10_days", "11-20_days", "21-30_days", "31-40_days", "41-45_days",
             "46-50_days", "51-60_days", "61+_days"]
    row = {**g, "category": "Duration of assessment", "Assessments_completed": f["assessments"]}
    row.update(dict(zip(names, f["bands"])))
    if la is not None and la[0] == "Gateshead" and y == 2021:
        row["Same_day"] = "c"      # a small number, suppressed
    row.update({"25th_Percentile_days": f["p25"], "Median_days": f["median"],
                "75th_Percentile_days": f["p75"]})
    return row


def c4(g, f, la, y):
    row = {**g, "category": "Section 47s and Initial Child Protection Conferences",
           "Section47": f["s47"], "Section47_child": round(f["s47"] * 0.85), "ICPC": f["icpc"],
           "ICPC_child": round(f["icpc"] * 0.98)}
    row.update(dict(zip(["Duration_0-10_days", "Duration_11-15_days", "Duration_16-20_days",
                         "Duration_21+_days"], f["icpc_bands"])))
    if la is not None and la[0] == "Northumberland" and y in (2022, 2024):
        row["Duration_16-20_days"] = "c"
        row["Duration_21+_days"] = "c"   # secondary suppression
    row.update({"Duration_25th_Percentile": 12, "Duration_median": 14,
                "Duration_75th_Percentile": 15})
    return row


def d1(g, f, la, y):
    return {**g, "category": "Child Protection Plans", "CPP_start": f["cp_starts"],
            "CPP_child_start": f["cp_starts"] - 2, "CPP_end": f["cp_ends"],
            "CPP_child_end": f["cp_ends"] - 2, "CPP_anypoint": f["cp_at31"] + f["cp_ends"],
            "CPP_child_anypoint": f["cp_at31"] + f["cp_ends"] - 5, "CPP_At31": f["cp_at31"]}


def d7(new_names):
    names = (["3_months_or_less", "more_than_3_months_6_months",
              "more_than_6_months_less_than_1_year", "1_year_less_than_2_years",
              "2_years_or_more"] if new_names else
             ["3_months_or_less", "3_6_months", "6_12_months", "1_2_years", "2_years+"])

    def make(g, f, la, y):
        row = {**g, "category": "Child Protection Plans ending by length of time",
               "CPP_End": f["cp_ends"]}
        for n, v in zip(names, f["cp_len"]):
            small = la is not None and la[0] == "Gateshead" and n.startswith("2_years")
            row[n], row[n + "_percent"] = ("c", "c") if small else (v, pct(v, f["cp_ends"]))
        return row
    return make


def b2(g, f, la, y):
    row = {**g, "category": "Recorded disability", "At31_episodes": f["cin_at31"],
           "At31_episodes_disability_recorded": f["cin_disabled"],
           "At31episodes_disability_recorded_percent": pct(f["cin_disabled"], f["cin_at31"])}
    if la is not None and la[0] == "Sunderland" and y == 2020:
        row["At31_episodes_disability_recorded"] = ":"   # not returned that year
        row["At31episodes_disability_recorded_percent"] = ":"
    return row


def swf(g, f, la, y):
    keys = ["inpost_fte", "leavers_fte", "turnover_rate", "agency_fte", "agency_rate",
            "agency_cover_rate", "vacancy_fte", "vacancy_rate", "case_holders_fte", "cases",
            "caseload", "absence_rate"]
    cols = ["inpost_fte", "leavers_fte", "turnover_rate_fte", "agency_fte", "agency_rate_fte",
            "vacancy_agency_cover_rate_fte", "vacancy_fte", "vacancy_rate_fte",
            "case_holders_fte", "cases", "caseload_fte", "absence_rate_fte"]
    row = {**g, **{c: f[k] for c, k in zip(cols, keys)}}
    if la is not None and la[0] == "Kingston upon Hull" and y == 2021:
        row["absence_rate_fte"] = "x"      # unavailable
    if la is not None and la[0] == "Gateshead" and y == 2020:
        row["vacancy_agency_cover_rate_fte"] = "z"
    return row


def cla(kind, old_layout):
    group = {"at31": "Age group", "starts": "Age on starting", "ceased": "Age on ceasing"}[kind]
    key = {"at31": "lac", "starts": "lac_starts", "ceased": "lac_ceased"}[kind]
    out = []
    for y in CIN_YEARS[1:]:
        for level, la in [("National", None)] + [("Local authority", x) for x in LAS]:
            g, f = geo(y, level, la), units(y, la)
            total = f[key]
            parts = [("Under 1 year", round(total * 0.1)), ("1 to 4 years", round(total * 0.2)),
                     ("Total", total), ("Male", round(total * 0.55))]
            for breakdown, n in parts:
                grp = "Sex" if breakdown == "Male" else group
                if old_layout:
                    out.append({**g, "cla_group": grp, "characteristic": breakdown, "number": n,
                                "percentage": round(100 * n / total)})
                else:
                    small = la is not None and la[0] == "Gateshead" and breakdown == "Under 1 year"
                    out.append({**g, "characteristic": grp, "breakdown": breakdown,
                                "children_count": "c" if small else n,
                                "children_percent": "c" if small else round(100 * n / total)})
    return out


def main():
    write("c1_referrals_la_2020_to_2024.csv", rows(CIN_YEARS, c1))
    write("c2_assessments_duration_la_2020_to_2024.csv", rows(CIN_YEARS, c2))
    write("c4_s47_icpc_la_2020_to_2024.csv", rows(CIN_YEARS, c4))
    write("d1_cpp_la_2020_to_2024.csv", rows(CIN_YEARS, d1))
    write("d7_cpp_length_la_2020_to_2021.csv", rows(CIN_YEARS[:2], d7(False)))
    write("d7_cpp_length_la_2021_to_2024.csv", rows(CIN_YEARS[1:], d7(True)))
    write("b2_cin_disability_la_2020_to_2024.csv", rows(CIN_YEARS, b2))
    write("swf_indicators_la_2019_to_2023.csv", rows(SWF_YEARS, swf, workforce=True))
    write("cla_on_31_march_la_2021_to_2024.csv", cla("at31", old_layout=False))
    write("cla_starting_la_2021_to_2024.csv", cla("starts", old_layout=True))
    write("cla_ceasing_la_2021_to_2024.csv", cla("ceased", old_layout=False))
    write("c5_referral_source_la_2024.csv",
          [{**geo(2024, "National"), "category": "Source of referral", "Education_Services": 1}])


if __name__ == "__main__":
    main()
