"""The sixth hostile audit of calibration's inputs (issue 13), helper B's part: folders of
statutory returns that mix authorities or years, and other mistakes a council makes in putting
the folder together. Each case was read before its fix: silently (another council's children
or staff combined with this one's, a year's records standing for another's, a year's records
missing, test children fitted), or refused in words that pointed elsewhere (a plan's end date
blank, a date after the year in a name the reader had misread).

- The summary counted an SSDA903 header as 0 records: it counts its children now.
- Another authority: a workforce census whose header or LA column gives another LEA; an
  SSDA903 header, episodes or OC3 file, or an Annex A, whose children are not this authority's
  (the header lists every child of the year's episodes and OC3; a child looked after or referred
  is in the CIN census); the same children's identifiers written differently (leading zeros,
  case). An LEA given as ' 0999 ' is 999, not another authority.
- Another year: the same file under two years' names; a return whose records all fall before
  the year in its name; a CIN census whose name and header disagree; a year missing between two
  others; a workforce census years older than the case returns; an Annex A of an earlier
  inspection. Names with a collection year written as a span (``_2022-23``) are read as the
  year they end in.
- Test or dummy records left in; a Child with no CINdetails; an Annex A list whose identifier
  column is titled in a way not recognised (the list was left out unsaid); a row repeating the
  column titles; dates month first or with two-digit years get a hint.

No message may hold a child's or a worker's identifier.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from workbench.calibration.returns.combine import read_returns
from workbench.calibration.returns.ssda903 import year_from_name

from conftest import ROOT
from conftest import refused_returns as refused

C22, C23 = "cin_census_2022.xml", "cin_census_2023.xml"


def csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def new_ids(path: Path, column: str = "CHILD", prefix: str = "Q") -> set[str]:
    """Give every row of a CSV return a child of another authority; their identifiers."""
    df = csv(path)
    ids = {c: f"{prefix}{i:07d}" for i, c in enumerate(sorted(set(df[column])))}
    df[column] = df[column].map(ids)
    df.to_csv(path, index=False)
    return set(ids.values())


def none_shown(err: str, ids) -> None:
    assert not [i for i in ids if i in err], "an identifier is shown"


@pytest.fixture(scope="module")
def bundled():
    """The bundled returns as read, once, for the tests that only read them."""
    return read_returns(ROOT / "data" / "returns")


# --------------------------------------------------------------------------------------------
# The summary of files
# --------------------------------------------------------------------------------------------

def test_the_summary_counts_an_ssda903_headers_children(bundled):
    # before: "SSDA903 header: 3 file(s), years 2021-2023, 0 records"
    rows = sum(len(csv(p)) for p in (ROOT / "data" / "returns").glob("ssda903_header_*.csv"))
    line = next(s for s in bundled.files_summary() if s.startswith("SSDA903 header"))
    assert line.endswith(f", {rows:,} records"), line


# --------------------------------------------------------------------------------------------
# Another authority's return
# --------------------------------------------------------------------------------------------

def test_a_header_of_another_authoritys_children_is_refused(returns, tmp_path, capsys):
    # before: read silently (the header's values are not used, but the folder mixed councils)
    ids = set()
    for p in returns.glob("ssda903_header_*.csv"):
        ids |= new_ids(p)
    err = refused(returns, tmp_path, capsys, "ssda903_episodes_2021.csv: none of its",
                  "children is in ssda903_header_2021.csv", "another authority's")
    none_shown(err, ids)


def test_episodes_and_header_of_another_authority_are_refused_beside_the_census(returns, tmp_path,
                                                                               capsys):
    # before: refused at their rows as plans without an end date, the cause unsaid
    ids = new_ids(returns / "ssda903_episodes_2022.csv")
    ids |= new_ids(returns / "ssda903_header_2022.csv")
    err = refused(returns, tmp_path, capsys, "ssda903_episodes_2022.csv: none of its",
                  "in the CIN censuses", "a child looked after or referred is a child in need")
    none_shown(err, ids)


def test_oc3_files_of_another_authority_are_refused(returns, tmp_path, capsys):
    # before: their young people were fitted as care leavers, each given a made-up referral
    ids = set()
    for p in returns.glob("ssda903_oc3_*.csv"):
        ids |= new_ids(p)
    err = refused(returns, tmp_path, capsys, "ssda903_oc3_2023.csv: none of its",
                  "in ssda903_header_2023.csv")
    none_shown(err, ids)


def test_an_annex_a_of_another_authority_is_refused(returns, tmp_path, capsys):
    # before: its 765 children were added to this council's (1,223 records became 2,158)
    wb = openpyxl.load_workbook(returns / "annex_a.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=4):
            if row[0].value:
                row[0].value = "Q" + str(row[0].value)[1:]
    wb.save(returns / "annex_a.xlsx")
    refused(returns, tmp_path, capsys, "annex_a.xlsx: none of its", "in the CIN censuses")


@pytest.mark.parametrize("change", [
    lambda c: c.lower(),                      # letters' case changed by one system
    lambda c: c[:4] + " " + c[4:],            # a space typed into each
])
def test_the_same_children_written_differently_are_refused_with_the_reason(change, returns,
                                                                           tmp_path, capsys):
    # before: read silently, 53 periods of care each given a made-up referral episode
    for p in returns.glob("ssda903_episodes_*.csv"):
        df = csv(p)
        df["CHILD"] = df.CHILD.map(change)
        df.to_csv(p, index=False)
    refused(returns, tmp_path, capsys, "ssda903_episodes_2023.csv: none of its",
            "written differently (leading zeros dropped, letters' case or spaces changed")


def test_a_workforce_census_xml_of_another_lea_is_refused(returns, tmp_path, capsys):
    # before: another council's staff were fitted as this one's
    df = csv(returns / "workforce_census_2023.csv")
    (returns / "workforce_census_2023.csv").unlink()
    workers = "".join("<CSWWWorker>" + "".join(f"<{k}>{v}</{k}>" for k, v in r.items())
                      + "</CSWWWorker>" for r in df.to_dict("records"))
    (returns / "workforce_census_2023.xml").write_text(
        "<Message><Header><CollectionDetails><ReferenceDate>2023-09-30</ReferenceDate>"
        "</CollectionDetails><Source><LEA>888</LEA></Source></Header><CSWWWorkers>"
        f"{workers}</CSWWWorkers></Message>")
    refused(returns, tmp_path, capsys, "returns of 2 authorities",
            "LEA 888: workforce_census_2023.xml", "LEA 999: cin_census_2021.xml")


def test_a_workforce_census_la_column_of_another_authority_is_refused(returns, tmp_path, capsys):
    for year in (2021, 2022, 2023):
        p = returns / f"workforce_census_{year}.csv"
        df = csv(p)
        df.insert(0, "LA", "888" if year == 2022 else "999")
        df.to_csv(p, index=False)
    refused(returns, tmp_path, capsys, "LEA 888: workforce_census_2022.csv",
            "LEA 999: cin_census_2021.xml, cin_census_2022.xml, cin_census_2023.xml, "
            "workforce_census_2021.csv")


def test_rows_of_two_authorities_in_one_census_are_refused(returns, tmp_path, capsys):
    p = returns / "workforce_census_2023.csv"
    df = csv(p)
    df.insert(0, "LA code", ["999"] * (len(df) - 1) + ["888"])
    df.to_csv(p, index=False)
    refused(returns, tmp_path, capsys, "workforce_census_2023.csv, field LA code: rows of 2 "
                                       "authorities (999 (first at row 2), 888 (first at row")


def test_an_lea_with_a_leading_zero_is_the_same_authority(returns):
    # before: refused as the returns of 2 authorities (LEA 0999 and LEA 999)
    p = returns / C22
    p.write_text(p.read_text().replace("<LEA>999</LEA>", "<LEA> 0999 </LEA>"))
    assert read_returns(returns).cases is not None


# --------------------------------------------------------------------------------------------
# Another year's return, a year missing
# --------------------------------------------------------------------------------------------

def test_the_year_befores_episodes_under_this_years_name_are_refused(returns, tmp_path, capsys):
    # before: read silently as 2023's (140 records for 141; 2023's ends and new episodes lost)
    for kind in ("episodes", "header"):
        shutil.copy(returns / f"ssda903_{kind}_2022.csv", returns / f"ssda903_{kind}_2023.csv")
    refused(returns, tmp_path, capsys,
            "ssda903_episodes_2023.csv: no episode starts or ends in the collection year 2023",
            "Is it the 2022 return saved under 2023's name?",
            "ssda903_episodes_2022.csv and ssda903_episodes_2023.csv are the same file, byte "
            "for byte, under the names of 2022 and 2023")


def test_an_episodes_file_of_another_year_is_refused_when_it_is_no_copy(returns, tmp_path,
                                                                        capsys):
    # the 2022 return saved again under 2023 (written again, not byte for byte)
    df = csv(returns / "ssda903_episodes_2022.csv")
    df.to_csv(returns / "ssda903_episodes_2023.csv", index=False, lineterminator="\r\n")
    err = refused(returns, tmp_path, capsys, "ssda903_episodes_2023.csv: no episode starts or "
                                             "ends in the collection year 2023")
    assert "byte for byte" not in err


@pytest.mark.parametrize("stem", ["workforce_census", "ssda903_oc3"])
def test_a_return_copied_under_the_next_years_name_is_refused(stem, returns, tmp_path, capsys):
    # before: read silently (the 2022 census stood for 2023's; OC3's care leavers merged)
    shutil.copy(returns / f"{stem}_2022.csv", returns / f"{stem}_2023.csv")
    refused(returns, tmp_path, capsys, f"{stem}_2022.csv and {stem}_2023.csv are the same file, "
                                       "byte for byte", "saved under another year's name")


def test_a_census_whose_name_and_header_disagree_is_refused(returns, tmp_path, capsys):
    # before: the 2022 census renamed 2023 was read as 2022 and refused at 35 plans' end dates
    (returns / C23).unlink()
    (returns / C22).rename(returns / C23)
    refused(returns, tmp_path, capsys, f"{C23}, element Header / CollectionDetails, field Year: "
                                       "the file's name says 2023, its header (Year, "
                                       "ReferenceDate) 2022")


def test_a_census_with_no_referral_in_its_year_is_refused(returns, tmp_path, capsys):
    # the 2022 census with its name and header changed together to 2023
    t = (returns / C22).read_text().replace("<Year>2022</Year>", "<Year>2023</Year>")
    (returns / C23).write_text(t.replace("<ReferenceDate>2022-03-31<", "<ReferenceDate>2023-03-31<"))
    refused(returns, tmp_path, capsys, f"{C23}: no referral (CINreferralDate) in the census year "
                                       "2023", "the latest is in 2022's")


@pytest.mark.parametrize("gone, says", [
    (C22, "CIN census returns for 2021 and 2023 but not 2022: the referrals opened and closed"),
    ("workforce_census_2022.csv", "workforce census returns for 2021 and 2023 but not 2022"),
    ("ssda903_episodes_2022.csv", "SSDA903 episodes returns for 2021 and 2023 but not 2022"),
    ("ssda903_oc3_2022.csv", "SSDA903 OC3 returns for 2021 and 2023 but not 2022"),
])
def test_a_year_missing_between_two_others_is_refused(gone, says, returns, tmp_path, capsys):
    # before: CIN and SSDA903 were refused in words about a month without referrals or plans'
    # end dates; the workforce census and OC3 were read silently
    (returns / gone).unlink()
    refused(returns, tmp_path, capsys, says, "Give the 2022 return, or leave out the years "
                                             "before 2022")


def test_a_workforce_census_years_older_than_the_cases_is_refused(returns, tmp_path, capsys):
    # before: fitted silently from the 2021 roster (everyone in post then still in post in 2023)
    for year in (2022, 2023):
        (returns / f"workforce_census_{year}.csv").unlink()
    refused(returns, tmp_path, capsys, "the latest workforce census is 2021's, while the case "
                                       "returns run to March 2023")


def test_a_workforce_census_a_year_behind_the_cases_is_read(returns):
    # the usual state in spring: the September census is the latest there is
    (returns / "workforce_census_2023.csv").unlink()
    assert len(read_returns(returns).roster.workers)


def test_an_annex_a_of_an_earlier_inspection_is_refused(returns, tmp_path, capsys):
    # before: refused as periods of care overlapping the census's, the cause unsaid
    wb = openpyxl.load_workbook(returns / "annex_a.xlsx")
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=4):
            for c in row:
                if isinstance(c.value, str) and re.fullmatch(r"\d\d/\d\d/\d{4}", c.value):
                    c.value = c.value[:6] + str(int(c.value[6:]) - 4)
    wb.save(returns / "annex_a.xlsx")
    refused(returns, tmp_path, capsys, "annex_a.xlsx: its latest date is in the year to March "
                                       "2019, while the case returns run to March 2023")


def test_a_collection_year_written_as_a_span_is_the_year_it_ends(returns):
    # before: ssda903_episodes_2022-23.csv was read as 2022 and its later dates refused
    assert [year_from_name(n) for n in ("e_2022-23.csv", "e_2022_2023.csv", "e_2023.csv",
                                        "e_2022-24.csv")] == [2023, 2023, 2023, 2022]
    for p in list(returns.glob("*_20??.*")):
        y = int(re.search(r"20[0-9]{2}", p.name)[0])
        p.rename(returns / p.name.replace(str(y), f"{y - 1}-{str(y)[2:]}"))
    data = read_returns(returns)
    assert sorted(set(data.files.year) - {0}) == [2021, 2022, 2023]


# --------------------------------------------------------------------------------------------
# Test records, records read past, and hints
# --------------------------------------------------------------------------------------------

def test_test_children_in_the_census_are_refused(returns, tmp_path, capsys):
    # before: 40 test children referred on one day and never closed were fitted
    kids = "".join(f"<Child><ChildIdentifiers><LAchildID>TESTCHILD{i}</LAchildID>"
                   "</ChildIdentifiers><CINdetails><CINreferralDate>2022-09-01</CINreferralDate>"
                   "<ReferralNFA>false</ReferralNFA></CINdetails></Child>" for i in range(40))
    p = returns / C23
    p.write_text(p.read_text().replace("<Children>", "<Children>" + kids, 1))
    err = refused(returns, tmp_path, capsys, f"{C23}: 40 record(s) whose identifier (not shown) "
                                             "marks a test or dummy record",
                  "the first at element Child 1 / CINdetails 1")
    assert "TESTCHILD" not in err


def test_a_test_worker_in_the_workforce_census_is_refused(returns, tmp_path, capsys):
    p = returns / "workforce_census_2023.csv"
    df = csv(p)
    df = pd.concat([df, df.iloc[[0]].assign(SWENo="DUMMY01")], ignore_index=True)
    df.to_csv(p, index=False)
    err = refused(returns, tmp_path, capsys, "workforce_census_2023.csv: 1 record(s) whose "
                                             f"identifier (not shown)", f"row {len(df) + 1}, "
                                             "field SWENo")
    assert "DUMMY01" not in err


def test_a_child_with_no_cindetails_is_refused(returns, tmp_path, capsys):
    # before: read past, her referral missing from the fit without a word
    p = returns / C23
    t = p.read_text()
    t, n = re.subn(r"(<Child>\s*<ChildIdentifiers>.*?</ChildIdentifiers>)\s*<CINdetails>.*?"
                   r"</CINdetails>(\s*</Child>)", r"\1\2", t, count=1, flags=re.S)
    assert n == 1
    p.write_text(t)
    refused(returns, tmp_path, capsys, f"{C23}, element Child 1 (line",
            "a Child with no CINdetails (referral episode)")


def test_a_list_whose_identifier_title_is_not_recognised_is_refused(returns, tmp_path, capsys):
    # before: List 3 was left out unsaid (1,223 records became 907)
    wb = openpyxl.load_workbook(returns / "annex_a.xlsx")
    wb["List 3 Referrals"]["A3"] = "Client Ref"
    wb.save(returns / "annex_a.xlsx")
    refused(returns, tmp_path, capsys, "annex_a.xlsx [List 3 Referrals]: no child identifier "
                                       "column in the first 15 rows", "List 3 cannot be read")


def test_a_row_repeating_the_titles_is_said_once(returns, tmp_path, capsys):
    # before: its cells were refused as bad dates and an unknown code
    p = returns / "ssda903_episodes_2023.csv"
    lines = p.read_text().splitlines()
    p.write_text("\n".join(lines[:20] + [lines[0]] + lines[20:]) + "\n")
    err = refused(returns, tmp_path, capsys, "ssda903_episodes_2023.csv, row 21: the row repeats "
                                             "the column titles")
    assert "row 21, field" not in err


@pytest.mark.parametrize("write, says", [
    (lambda d: f"{d[3:5]}/{d[:2]}/{d[6:]}", "month first (US order)?"),
    (lambda d: d[:6] + d[8:], "a two-digit year; give the year in four digits"),
])
def test_dates_month_first_or_with_two_digit_years_get_a_hint(write, says, returns, tmp_path,
                                                              capsys):
    p = returns / "ssda903_episodes_2023.csv"
    df = csv(p)
    df["DECOM"] = [write(d) for d in df.DECOM]
    df.to_csv(p, index=False)
    refused(returns, tmp_path, capsys, "ssda903_episodes_2023.csv, row", "field DECOM", says)


def test_the_bundled_returns_are_read_with_none_of_these_said(bundled):
    # every check above stays quiet on one authority's complete returns
    data = bundled
    assert not [n for n in data.notes if re.search(r"authorit|test|byte for byte|but not|"
                                                    r"written differently", n)]


def test_oc3_files_of_years_without_care_leavers_are_read(returns):
    # before: a small authority's OC3 with titles and no rows was refused ('the file has a
    # header but no rows'); two such years are not one file under two names
    for year in (2021, 2022):
        (returns / f"ssda903_oc3_{year}.csv").write_text("CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\n")
    data = read_returns(returns)
    assert set(data.files[data.files.kind == "ssda903_oc3"].year) == {2021, 2022, 2023}


@pytest.mark.parametrize("stem", ["workforce_census", "ssda903_oc3"])
def test_a_return_written_again_under_the_next_years_name_is_refused(stem, returns, tmp_path,
                                                                      capsys):
    # before: the copy, opened and saved again (other line ends and quoting, so not the same
    # bytes), was read silently as the later year's return
    df = pd.read_csv(returns / f"{stem}_2022.csv", dtype=str, keep_default_na=False)
    df.to_csv(returns / f"{stem}_2023.csv", index=False, lineterminator="\r\n", quoting=1)
    err = refused(returns, tmp_path, capsys, f"{stem}_2022.csv and {stem}_2023.csv hold the same "
                                             "records, row for row, under the names of 2022 and "
                                             "2023", "saved again under another year's name")
    assert "byte for byte" not in err


def test_a_census_written_again_in_another_order_is_refused(returns, tmp_path, capsys):
    # the rows in another order are the same records
    df = pd.read_csv(returns / "workforce_census_2022.csv", dtype=str, keep_default_na=False)
    df.iloc[::-1].to_csv(returns / "workforce_census_2023.csv", index=False)
    refused(returns, tmp_path, capsys, "workforce_census_2022.csv and workforce_census_2023.csv "
                                       "hold the same records")


def test_the_bundled_returns_hold_no_two_alike(bundled):
    data = bundled
    assert not [n for n in data.notes if "same records" in n]
