"""The eighth hostile audit of calibration's inputs (issue 13): the folder of statutory returns
(CIN census, SSDA903, Annex A, the workforce census). Each case was read before its fix either
silently wrong or refused in words that pointed elsewhere:

- One census year's children's identifiers written another way (lower case, a space added):
  each child was taken as a new child (referrals 871 became 1,039, the trend +5.5% became -7.2%,
  open CIN cases 37 became 109); in the latest year, 35 lines blamed the other years' plans.
- The same SWENo and RoleStartDate twice in one workforce census: merged, the last row winning
  (half an FTE lost), said to "repeat a worker's role from another year".
- A second Children element, or a Child outside Children: its children read past (3,063 records
  became 2,570; open CIN cases 37 became 8). A second ChildIdentifiers in a Child: read past.
- An Annex A sheet of early help assessments: read as List 4 (or "List 4 is given twice").
- DfE's SSDA903 UASC file (CHILD, SEX, DOB, DUC): taken for a second header, the folder refused.
- Files in subfolders named without their folder ("cin.xml, element Child 1 ...", three lines
  alike "episodes.csv: ...").
- An SSDA903 return written as XML: 42 lines "no ChildIdentifiers/LAchildID"; a date with an
  xs:date time zone (2022-05-01Z) refused as no date; an Annex A list whose titles sit below the
  rows searched told to title its identifier column.

No message may hold a child's or a worker's identifier.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from lxml import etree

from workbench.calibration.returns.annex_a import read_annex_a
from workbench.calibration.returns.combine import read_returns

from conftest import refused_returns as refused

C21, C22, C23 = "cin_census_2021.xml", "cin_census_2022.xml", "cin_census_2023.xml"
W23 = "workforce_census_2023.csv"


def csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def ids_in(path: Path) -> set[str]:
    return set(re.findall(r"<LAchildID>([^<]+)<", path.read_text()))


def change_ids(path: Path, change) -> set[str]:
    """Every LAchildID of a census written another way; the new identifiers."""
    text = path.read_text()
    new = {change(i) for i in ids_in(path)}
    path.write_text(re.sub(r"<LAchildID>([^<]+)<", lambda m: f"<LAchildID>{change(m[1])}<", text))
    return new


def none_shown(text: str, ids) -> None:
    assert not [i for i in ids if i in text], "an identifier is shown"


def tree(path: Path):
    return etree.parse(str(path))


# --------------------------------------------------------------------------------------------
# 1. Children's identifiers written differently between census years
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("year, change", [
    (C22, lambda c: c.lower()),                 # one year's export lower-cased them
    (C22, lambda c: c[:4] + " " + c[4:]),       # a space typed into each
    (C23, lambda c: c.lower()),                 # the latest year
], ids=["2022 lower case", "2022 spaced", "2023 lower case"])
def test_a_census_years_ids_written_differently_are_refused_naming_the_years(year, change,
                                                                               returns, tmp_path,
                                                                               capsys):
    # before: 2022's taken as new children with no message (referrals 871 -> 1,039, open CIN
    # cases 37 -> 109); 2023's refused with 35 lines about other years' plans, none about ids
    new = change_ids(returns / year, change)
    err = refused(returns, tmp_path, capsys, f"{year}: ",
                  "only letters' case or spacing differing")
    other = C21 if year == C22 else C22
    line = next(s for s in err.splitlines() if other in s and year in s)
    assert re.search(r"[0-9,]+ of its [0-9,]+ children are in", line), line
    assert "CINPlanEndDate" not in err and "CINclosureDate" not in err, err
    none_shown(err, new)


def test_census_years_with_their_ids_alike_say_nothing_of_it(returns):
    data = read_returns(returns)
    assert not [n for n in data.notes if "case or spacing" in n]


# --------------------------------------------------------------------------------------------
# 6. One role twice in one workforce census
# --------------------------------------------------------------------------------------------

def test_a_role_given_twice_in_one_census_with_other_values_is_refused_at_both_rows(
        returns, tmp_path, capsys):
    # before: merged silently, the last row winning (0.5 FTE lost), and the note said the
    # records "repeat a worker's role from another year"
    df = csv(returns / W23)
    df.loc[0, "FTE"] = "0.5"
    second = df.iloc[[0]].copy()
    second["Team"] = "cp_court"
    df = pd.concat([df, second], ignore_index=True)
    df.to_csv(returns / W23, index=False)
    last = len(df) + 1
    err = refused(returns, tmp_path, capsys,
                  f"{W23}, row 2, field SWENo: the same SWENo and RoleStartDate as row {last}",
                  f"{W23}, row {last}, field SWENo: the same SWENo and RoleStartDate as row 2",
                  "with another Team")
    none_shown(err, set(df.SWENo))


def test_a_role_repeated_exactly_in_one_census_is_merged_with_a_note_saying_so(returns):
    # before: said to "repeat a worker's role from another year" with the years' repeats
    across = [n for n in read_returns(returns).notes if "from another year" in n]
    df = csv(returns / W23)
    pd.concat([df, df.iloc[[0]]], ignore_index=True).to_csv(returns / W23, index=False)
    notes = read_returns(returns).notes
    assert [n for n in notes if "given twice in one census" in n and n.startswith("1 ")], notes
    assert [n for n in notes if "from another year" in n] == across


# --------------------------------------------------------------------------------------------
# 8. Child elements outside the one Children
# --------------------------------------------------------------------------------------------

def test_a_census_split_across_two_children_elements_is_refused_at_the_second(returns, tmp_path,
                                                                              capsys):
    # before: the second Children's 210 children were read past (3,063 records -> 2,570)
    t = tree(returns / C23)
    kids = t.getroot().find("Children")
    second = etree.SubElement(t.getroot(), "Children")
    for child in list(kids)[len(kids) // 2:]:
        second.append(child)
    t.write(str(returns / C23), xml_declaration=True, encoding="UTF-8")
    refused(returns, tmp_path, capsys, f"{C23}, element Children 2 (line",
            "a second Children element", "DfE's census holds every Child in one Children")


def test_a_child_outside_children_is_refused_at_its_element_once(returns, tmp_path, capsys):
    # before: every Child directly under Message was read past (open CIN cases 37 -> 8)
    t = tree(returns / C23)
    kids = t.getroot().find("Children")
    moved = list(kids)[-5:]
    for child in moved:
        t.getroot().append(child)
    t.write(str(returns / C23), xml_declaration=True, encoding="UTF-8")
    err = refused(returns, tmp_path, capsys, f"{C23}, element Child 1 (line",
                  "a Child outside Children (and 4 more like it) is not read")
    assert err.count("outside Children") == 1, err


def test_a_second_childidentifiers_in_a_child_is_refused_at_it(returns, tmp_path, capsys):
    # before: read past, the first identifiers taken
    text = (returns / C23).read_text()
    text = text.replace("</ChildIdentifiers>", "</ChildIdentifiers><ChildIdentifiers>"
                        "<LAchildID>ZQ000000001</LAchildID></ChildIdentifiers>", 1)
    (returns / C23).write_text(text)
    err = refused(returns, tmp_path, capsys, f"{C23}, element Child 1 / ChildIdentifiers 2",
                  "a second ChildIdentifiers in one Child")
    none_shown(err, {"ZQ000000001"})


# --------------------------------------------------------------------------------------------
# 9. Early help in Annex A
# --------------------------------------------------------------------------------------------

def early_help_sheet(ws) -> None:
    """Turn a List 4 sheet into a sheet of early help assessments."""
    ws.title = "Early Help Assessments"
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and "Assessment" in c.value:
                c.value = c.value.replace("Annex A List 4 Assessments", "Early Help Assessments")
                c.value = c.value.replace("Continuous Assessment", "Early Help Assessment")


def test_an_early_help_sheet_is_never_read_as_list_4(returns):
    # before: its assessments were taken as the statutory service's (List 4), routes fitted
    p = returns / "annex_a.xlsx"
    wb = openpyxl.load_workbook(p)
    early_help_sheet(wb["List 4 Assessments"])
    wb.save(p)
    recs = read_annex_a(p, problems := [])
    assert not problems, problems
    assert not [s for s in recs.stages if s.stage == "assessment"]
    assert [n for n in recs.notes if "[Early Help Assessments]: early help" in n], recs.notes


def test_sheets_named_in_words_beside_an_early_help_sheet_are_read_with_a_note(returns):
    # before: refused, "List 4 is given twice in the workbook (sheets 'Early Help' and
    # 'Assessments')"
    p = returns / "annex_a.xlsx"
    wb = openpyxl.load_workbook(p)
    wb["List 4 Assessments"].title = "Assessments"
    eh = wb.copy_worksheet(wb["Assessments"])
    early_help_sheet(eh)
    eh.title = "Early Help"
    wb.move_sheet(eh, offset=-len(wb.sheetnames) + 1)
    wb.save(p)
    recs = read_annex_a(p, problems := [])
    assert not problems, problems
    assert [s for s in recs.stages if s.stage == "assessment"]
    assert [n for n in recs.notes if "[Assessments]: read as List 4" in n], recs.notes
    assert [n for n in recs.notes if "[Early Help]: early help" in n], recs.notes


def test_a_list_whose_titles_sit_below_the_rows_searched_says_so(returns, tmp_path, capsys):
    # before: "no child identifier column ... title the identifier column so" (it was titled)
    p = returns / "annex_a.xlsx"
    wb = openpyxl.load_workbook(p)
    ws = wb["List 7 CP"]
    ws.insert_rows(1, 16)
    for i in range(1, 17):
        ws.cell(i, 1).value = f"Guidance line {i}"
    wb.save(p)
    refused(returns, tmp_path, capsys, "annex_a.xlsx [List 7 CP]: ",
            "no child identifier column in the first 15 rows", "titles further down are not",
            "row 19 seems to hold the titles")


# --------------------------------------------------------------------------------------------
# 10. SSDA903 files calibration does not read
# --------------------------------------------------------------------------------------------

def test_the_ssda903_uasc_file_is_left_out_with_a_note(returns):
    # before: taken for a second SSDA903 header of 2023, and the folder refused
    h = csv(returns / "ssda903_header_2023.csv")
    uasc = pd.DataFrame({"CHILD": h.CHILD[:5], "SEX": h.SEX[:5], "DOB": h.DOB[:5],
                         "DUC": "01/01/2028"})
    uasc.to_csv(returns / "ssda903_uasc_2023.csv", index=False)
    pd.DataFrame({"CHILD": h.CHILD[:3], "DOB": h.DOB[:3], "REVIEW": "01/06/2022",
                  "REVIEW_CODE": "PN1"}).to_csv(returns / "ssda903_reviews_2023.csv", index=False)
    data = read_returns(returns)
    note = next(n for n in data.notes if n.startswith("left out 2 SSDA903 file(s)"))
    assert "ssda903_reviews_2023.csv" in note and "ssda903_uasc_2023.csv" in note
    none_shown(" ".join(data.notes), set(h.CHILD))


def test_an_ssda903_return_written_as_xml_is_said_once(returns, tmp_path, capsys):
    # before: read as a CIN census, and refused with a line a child: "no
    # ChildIdentifiers/LAchildID"
    eps = csv(returns / "ssda903_episodes_2023.csv")
    rows = "".join(f"<Child><CHILDID>{c}</CHILDID><EPISODE><DECOM>{d}</DECOM></EPISODE></Child>"
                   for c, d in zip(eps.CHILD, eps.DECOM))
    (returns / "ssda903_2023.xml").write_text(
        "<?xml version='1.0' encoding='UTF-8'?><Message><Header><CollectionDetails><Collection>"
        "SSDA903</Collection><Year>2023</Year></CollectionDetails></Header><Children>"
        f"{rows}</Children></Message>")
    err = refused(returns, tmp_path, capsys,
                  "ssda903_2023.xml, line 1: looks like an SSDA903 return written as XML")
    assert "ChildIdentifiers" not in err and err.count("ssda903_2023.xml") <= 2, err


# --------------------------------------------------------------------------------------------
# 11. Files in subfolders are named with their folder
# --------------------------------------------------------------------------------------------

def test_a_census_in_a_year_folder_is_named_with_its_folder(returns, tmp_path, capsys):
    # before: "cin.xml, element Child 1 ...": which year's?
    for y in (2021, 2022, 2023):
        (returns / str(y)).mkdir()
        shutil.move(returns / f"cin_census_{y}.xml", returns / str(y) / "cin.xml")
    p = returns / "2022" / "cin.xml"
    p.write_text(re.sub(r"<CINreferralDate>[^<]*<", "<CINreferralDate>2021-02-30<",
                        p.read_text(), count=1))
    refused(returns, tmp_path, capsys, "2022/cin.xml, element Child 1 / CINdetails 1",
            "'2021-02-30' is not a date")


def test_csv_files_in_subfolders_are_named_with_their_folder(returns, tmp_path, capsys):
    # before: three lines alike, "episodes.csv: the collection year is not in the file's name"
    # (folders named by their year now give the year: round 9; these are not)
    for y, folder in zip((2021, 2022, 2023), ("first", "second", "third")):
        (returns / folder).mkdir()
        shutil.move(returns / f"ssda903_episodes_{y}.csv", returns / folder / "episodes.csv")
    (returns / "third" / "workforce.csv").write_text("")      # read_csv's own problem
    err = refused(returns, tmp_path, capsys, *(f"{f}/episodes.csv: the collection year is not "
                                               "in the file's name or its folder's"
                                               for f in ("first", "second", "third")))
    assert "third/workforce.csv" in err and "- workforce.csv" not in err, err


# --------------------------------------------------------------------------------------------
# A date with an xs:date time zone
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("zone", ["Z", "+01:00", "-05:30"])
def test_a_census_date_with_a_time_zone_is_read(zone, returns):
    # before: "the value (not shown) is not a date"
    before = read_returns(returns).cases.episodes
    p = returns / C23
    p.write_text(re.sub(r"<CINreferralDate>([0-9-]{10})<",
                        lambda m: f"<CINreferralDate>{m[1]}{zone}<", p.read_text()))
    after = read_returns(returns).cases.episodes
    assert sorted(after.referral) == sorted(before.referral)
