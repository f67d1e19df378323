"""Audit 12 (statutory returns and published data): a column of two-digit years is one problem
per column, as the extracts say it; a returns file whose every slashed date reads either way
round is noted by name; and what a hostile or careless reader of the returns found. Each test
builds a small folder of returns (one SSDA903 episodes file and one workforce census, from
data/returns) in tmp_path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from workbench.calibration.returns import read_returns

from test_returns_csv_round9 import _refused  # refused, with no identifier quoted

RETURNS = Path(__file__).resolve().parents[1] / "data" / "returns"
EPISODES = "ssda903_episodes_2023.csv"
CENSUS = "workforce_census_2023.csv"
OC3 = "ssda903_oc3_2023.csv"


@pytest.fixture
def mini(tmp_path):
    """The smallest folder read_returns takes: one case return and one workforce census."""
    out = tmp_path / "returns"
    out.mkdir()
    for f in (EPISODES, CENSUS):
        shutil.copy(RETURNS / f, out / f)
    return out


def _edit(path: Path, column: str, change) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df[column] = df[column].map(lambda v: change(v) if v else v)
    df.to_csv(path, index=False)
    return df


def _two_digit(v: str) -> str:
    """DD/MM/YYYY or YYYY-MM-DD as DD/MM/YY."""
    if "-" in v:
        y, m, d = v.split("-")
        return f"{d}/{m}/{y[2:]}"
    return v[:-4] + v[-2:]


# ------------------------------------------------- 1. a column of two-digit years, said once
def test_a_column_of_two_digit_years_in_a_return_is_one_problem(mini):
    # before: 53 lines, one a row, each quoting its date
    df = _edit(mini / EPISODES, "DECOM", _two_digit)
    text = _refused(mini)
    said = [line for line in text.splitlines() if "field DECOM" in line]
    assert len(said) == 1, said
    n = int((df["DECOM"] != "").sum())
    assert (f"{EPISODES}, row 2, field DECOM: {n} dates (rows 2 to {len(df) + 1}) are not "
            "read") in said[0] and "a two-digit year" in said[0]
    assert "four digits" in said[0]
    for v in df["DECOM"]:
        assert f"'{v}'" not in text


def test_one_two_digit_year_in_a_return_is_said_at_its_row(mini):
    df = pd.read_csv(mini / EPISODES, dtype=str, keep_default_na=False)
    df.loc[3, "DECOM"] = _two_digit(df.loc[3, "DECOM"])
    df.to_csv(mini / EPISODES, index=False)
    text = _refused(mini)
    said = [line for line in text.splitlines() if "field DECOM" in line]
    assert len(said) == 1 and "row 5, field DECOM" in said[0] and "a two-digit year" in said[0]


def test_a_census_column_of_two_digit_years_names_the_census_rows(mini):
    # before: "workforce_census_2023.csv, row 2, field RoleStartDate: 13 dates (rows 15 to 27)":
    # the rows of the combined roster, not of the census (whose rows are 2 to 14)
    shutil.copy(RETURNS / "workforce_census_2022.csv", mini / "workforce_census_2022.csv")
    df = _edit(mini / CENSUS, "RoleStartDate", _two_digit)
    text = _refused(mini)
    said = [line for line in text.splitlines() if "RoleStartDate" in line]
    assert len(said) == 1, said
    assert (f"{CENSUS}, row 2, field RoleStartDate: {len(df)} dates (rows 2 to {len(df) + 1}) "
            "are not read") in said[0] and "a two-digit year" in said[0]


def test_two_digit_years_in_two_censuses_are_said_of_each(mini):
    shutil.copy(RETURNS / "workforce_census_2022.csv", mini / "workforce_census_2022.csv")
    a = _edit(mini / CENSUS, "RoleStartDate", _two_digit)
    b = _edit(mini / "workforce_census_2022.csv", "RoleStartDate", _two_digit)
    text = _refused(mini)
    said = [line for line in text.splitlines() if "RoleStartDate" in line]
    assert len(said) == 2, said
    assert any(f"{CENSUS}, row 2" in s and f"{len(a)} dates (rows 2 to {len(a) + 1})" in s
               for s in said)
    assert any("workforce_census_2022.csv, row 2" in s and f"{len(b)} dates (rows 2 to "
               f"{len(b) + 1})" in s for s in said)


def test_an_oc3_date_of_birth_is_never_quoted(mini):
    # the OC3 reader keeps a date of birth out of its messages (personal data); a date that did
    # not read was quoted: '08/12/03' is not a date
    shutil.copy(RETURNS / OC3, mini / OC3)
    df = pd.read_csv(mini / OC3, dtype=str, keep_default_na=False)
    df.loc[0, "DOB"] = _two_digit(df.loc[0, "DOB"])
    df.loc[1, "DOB"] = "31/02/2004"
    df.to_csv(mini / OC3, index=False)
    text = _refused(mini)
    said = [line for line in text.splitlines() if "field DOB" in line]
    assert len(said) == 2, said
    for v in df["DOB"]:
        assert v not in text
    assert "row 2, field DOB: the value (not shown) is not a date" in text
    assert "a two-digit year" in text


# ------------------------------------------ 2. every slashed date reads either way round
def _month_first(v: str) -> str:
    """A date as the first of its month, written month first (04/01/2022 for 1 April)."""
    d, m, y = v.split("/") if "/" in v else v.split("-")[::-1]
    return f"{m}/01/{y}"


def test_episodes_whose_every_date_reads_either_way_round_are_noted(mini):
    ep = _edit(mini / EPISODES, "DECOM", _month_first)
    ep = _edit(mini / EPISODES, "DEC", _month_first)
    notes = read_returns(mini).notes
    n = int((ep["DECOM"] != "").sum() + (ep["DEC"] != "").sum())
    said = [x for x in notes if "either way round" in x]
    assert len(said) == 1 and said[0].startswith(f"{EPISODES}: each of its {n:,} dates"), notes
    assert "month first (US order, MM/DD/YYYY)" in said[0]


def test_a_census_whose_every_date_reads_either_way_round_is_noted_by_its_name(mini):
    # before: said (by the fit) of "workforce census", no file named
    wf = _edit(mini / CENSUS, "RoleStartDate", _month_first)
    wf = _edit(mini / CENSUS, "RoleEndDate", _month_first)
    data = read_returns(mini)
    n = int((wf["RoleStartDate"] != "").sum() + (wf["RoleEndDate"] != "").sum())
    said = [x for x in data.notes if "either way round" in x]
    assert len(said) == 1 and said[0].startswith(f"{CENSUS}: each of its {n:,} dates"), data.notes
    assert data.roster.either_way_dates == 0     # not said again of the roster by the fit


def test_returns_whose_dates_show_their_order_are_not_noted(mini):
    data = read_returns(mini)          # DD/MM/YYYY episodes with days above 12, ISO census
    assert not [x for x in data.notes if "either way round" in x]
    _edit(mini / CENSUS, "RoleStartDate", lambda v: "01/01/" + v[:4])   # 01/01: the same both ways
    _edit(mini / CENSUS, "RoleEndDate", lambda v: "01/01/" + v[:4])
    data = read_returns(mini)
    assert not [x for x in data.notes if "either way round" in x]


# ------------------------------------------------ 3. published files with lines above the titles
PUBLISHED = Path(__file__).resolve().parent / "data" / "published"
SWF = "swf_indicators_la_2019_to_2023.csv"


@pytest.fixture(scope="module")
def published_ok():
    from workbench.published.read import read_published
    return read_published(PUBLISHED)


def _published(tmp_path: Path) -> Path:
    out = tmp_path / "published"
    out.mkdir()
    for p in PUBLISHED.glob("*.csv"):
        shutil.copy(p, out / p.name)
    return out


@pytest.mark.parametrize("above", [
    "Title of the table{commas}\n",                         # saved from Excel: padded with commas
    "Table: workforce indicators\nSource: DfE\n\n",        # a title, a source, a blank line
])
def test_a_title_above_the_column_titles_is_read_past_with_a_note(tmp_path, published_ok, above):
    # before: Excel's padded title left the workforce file out as "not in the open-data layout"
    # (never said), and from-published staffed Durham from England's caseload (122 FTE, not
    # 321); a title line alone refused the file as "Error tokenizing data. C error"
    from workbench.published.read import read_published
    folder = _published(tmp_path)
    f = folder / SWF
    text = f.read_text()
    above = above.format(commas="," * text.splitlines()[0].count(","))
    f.write_text(above + text)
    got = read_published(folder)
    k = above.count("\n")
    assert SWF in got.files
    assert any(n.startswith(f"{SWF}: its column titles are on line {k + 1}") for n in got.notes)
    mine = got.figures[got.figures.file == SWF].reset_index(drop=True)
    was = published_ok.figures[published_ok.figures.file == SWF].reset_index(drop=True)
    assert mine.value.equals(was.value) and (mine.line == was.line + k).all()


def test_a_bad_cell_below_a_title_names_its_own_line(tmp_path):
    from workbench.published.read import PublishedError, read_published
    folder = _published(tmp_path)
    f = folder / SWF
    lines = f.read_text().splitlines()
    cells = lines[4].split(",")
    cells[-1] = "lots"
    lines[4] = ",".join(cells)
    f.write_text("A title\n\n" + "\n".join(lines) + "\n")
    with pytest.raises(PublishedError) as exc:
        read_published(folder)
    assert "got line 7: 'lots'" in str(exc.value)     # line 5 of the table, 2 lines below


def test_files_not_read_are_said(published_ok):
    said = [n for n in published_ok.notes if "not read" in n]
    assert said == ["1 file(s) in the folder not read: c5_referral_source_la_2024.csv (not one "
                    "of the tables the workbench reads)"]


def test_a_count_with_a_fraction_is_refused_naming_its_cell(tmp_path):
    # before: 6.974 (6,974 with a point for the thousands) was read as 6.974 referrals and the
    # scenario written with referrals_per_year 6 and a trend of -10% a year, without a word
    from workbench.published.read import PublishedError, read_published
    folder = _published(tmp_path)
    f = folder / "c1_referrals_la_2020_to_2024.csv"
    df = pd.read_csv(f, dtype=str, keep_default_na=False)
    i = df.index[(df.la_name == "County Durham") & (df.time_period == "2024")][0]
    df.loc[i, "referral_count"] = "6.974"
    df.to_csv(f, index=False)
    with pytest.raises(PublishedError) as exc:
        read_published(folder)
    text = str(exc.value)
    assert "column referral_count: expected a whole number" in text
    assert f"line {i + 2}: '6.974'" in text


def test_staff_counts_keep_their_fractions(published_ok):
    fte = published_ok.figures[published_ok.figures.measure == "inpost_fte"]
    assert (fte.value != fte.value.round()).any()     # full-time equivalents are read as given


# ------------------------------------------------------------ 4. a census of an earlier year
def test_an_earlier_census_saved_under_this_years_name_is_noted(mini):
    # before: the 2021 census saved as workforce_census_2023.csv was read as 2023's without a
    # word (its latest date March 2021): calibrate fitted turnover from a roster with no leaver
    # or starter after it
    shutil.copy(RETURNS / "workforce_census_2021.csv", mini / CENSUS)
    notes = read_returns(mini).notes
    said = [n for n in notes if "earlier year's census" in n]
    assert len(said) == 1, notes
    assert said[0].startswith(f"{CENSUS}: no role starts or ends after 2 March 2021")
    assert "census year 2023 (the year in the file's name)" in said[0]


def test_a_census_with_this_years_starters_is_not_noted(mini):
    shutil.copy(RETURNS / "workforce_census_2022.csv", mini / "workforce_census_2022.csv")
    assert not [n for n in read_returns(mini).notes if "earlier year's census" in n]


# ------------------------------------------------------------------- 5. XML that attacks
def _bomb(tmp_path: Path, where: str) -> Path:
    ents = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{("&a%d;" % (i - 1)) * 10}">'
                                           for i in range(1, 10))
    body = ("<Message{attr}><Header><CollectionDetails><Collection>{text}</Collection>"
            "</CollectionDetails></Header><Children><Child><ChildIdentifiers><LAchildID>A"
            "</LAchildID></ChildIdentifiers></Child></Children></Message>")
    p = tmp_path / "cin_census_2023.xml"
    p.write_text(f'<?xml version="1.0"?><!DOCTYPE Message [{ents}]>' + body.format(
        attr=' x="&a9;"' if where == "attribute" else "",
        text="&a9;" if where == "text" else "CIN"))
    return p


@pytest.mark.parametrize("where", ["attribute", "text"])
def test_an_entity_bomb_is_refused_in_plain_words(tmp_path, where):
    # before: "... (Maximum entity amplification factor exceeded, see
    # xmlCtxtSetMaxAmplification., line 1, column 5) ...": libxml2's words
    from workbench.calibration.returns.cin_census import parse_xml
    problems: list = []
    assert parse_xml(_bomb(tmp_path, where), problems) is None
    text = " ".join(str(p) for p in problems)
    assert "cin_census_2023.xml: not well-formed XML (its entities would expand" in text
    assert "entity expansion attack" in text and "xmlCtxt" not in text


# ------------------------------------------------- 6. a census CSV with a field in two columns
@pytest.mark.parametrize("extra, read_as, value", [("StaffID", "WorkerID", "S1")])
def test_a_census_with_a_field_in_two_columns_is_refused_naming_both(mini, extra, read_as, value):
    # before: FTE (1) and FTE30 (0.5) side by side were read as FTE30 only, the last column:
    # the authority's staff halved without a word
    df = pd.read_csv(mini / CENSUS, dtype=str, keep_default_na=False)
    df[extra] = value
    df.to_csv(mini / CENSUS, index=False)
    text = _refused(mini)
    first = "SWENo" if read_as == "WorkerID" else read_as
    assert (f"{CENSUS}, field {extra}: the columns {first} and {extra} are each read as "
            f"{read_as}: only one would be read") in text


def test_a_census_with_fte_and_a_different_fte30_reads_the_fte30_and_says_so(mini):
    # session 20 (H88): FTE (1) and FTE30 (0.5) side by side were refused naming both (this
    # test's FTE30 case, before that read as FTE30 in silence); DfE's census has both items and
    # FTE30 is the FTE at 30 September, the census date: it is read, and a note says so
    df = pd.read_csv(mini / CENSUS, dtype=str, keep_default_na=False)
    df["FTE"] = "1"
    df["FTE30"] = "0.5"
    df.to_csv(mini / CENSUS, index=False)
    data = read_returns(mini)
    said = [n for n in data.notes if "FTE and FTE30 differ" in n]
    assert len(said) == 1 and said[0].startswith(f"{CENSUS}: FTE and FTE30 differ for "), said
    assert "FTE30 was read" in said[0]


@pytest.mark.parametrize("file, field", [(EPISODES, "DEC"), (OC3, "DOB")])
def test_an_ssda903_field_in_two_cases_is_refused_naming_both(mini, file, field):
    # before: an OC3 with DOB and a blank dob was refused with "a date is required here" at
    # every row (the blank column read, the dates there left out), with a pandas warning; an
    # episodes file read one DEC of the two, whichever came first
    shutil.copy(RETURNS / OC3, mini / OC3)
    df = pd.read_csv(mini / file, dtype=str, keep_default_na=False)
    df[field.lower()] = ""
    df.to_csv(mini / file, index=False)
    text = _refused(mini)
    assert (f"{file}, field {field.lower()}: the columns {field} and {field.lower()} are one "
            "field") in text
    assert "a date is required" not in text and "no case return" not in text
    assert text.count("\n") == 1      # the one problem


def test_an_annex_a_list_of_text_dates_either_way_round_is_noted(mini):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "List 3"
    ws.append(["Child Unique ID", "Date of referral", "NFA"])
    for i, d in enumerate(["04/01/2022", "05/01/2022", "06/01/2022", "07/01/2022"]):
        ws.append([f"K{i}", d, "No"])       # 1 April to 1 July, month first, as text
    wb.save(mini / "annex_a.xlsx")
    (mini / EPISODES).unlink()
    notes = read_returns(mini).notes
    said = [n for n in notes if "either way round" in n]
    assert len(said) == 1 and said[0].startswith("annex_a.xlsx [List 3]: each of its 4 dates")


# ------------------------------------------------------- 7. a row of an Annex A list twice
def _annex(folder: Path, lists: dict) -> None:
    import openpyxl
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in lists.items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    wb.save(folder / "annex_a.xlsx")


def test_an_annex_a_row_given_twice_with_another_value_is_refused(mini):
    # before: the later row's team, and one of the two authorisation dates, kept without a word
    (mini / EPISODES).unlink()
    _annex(mini, {"List 3": [["Child Unique ID", "Date of referral", "NFA", "Allocated team"],
                             ["K1", "2022-05-03", "No", "team_a"],
                             ["K1", "2022-05-03", "No", "team_b"],
                             ["K2", "2022-06-03", "No", "team_a"]],
                  "List 4": [["Child Unique ID", "Assessment start date",
                              "Assessment authorised date"],
                             ["K1", "2022-05-04", "2022-05-20"],
                             ["K1", "2022-05-04", "2022-05-30"]]})
    text = _refused(mini)
    assert ("annex_a.xlsx [List 3], row 3, field Allocated team: the same referral (child and "
            "Date of referral) as row 2, with another Allocated team") in text
    assert ("annex_a.xlsx [List 4], row 3, field Assessment authorised date: the same assessment "
            "(child and Assessment start date) as row 2, with another Assessment authorised "
            "date") in text
    assert "team_a" not in text and "2022-05-20" not in text


def test_an_annex_a_row_given_twice_alike_is_merged_with_a_note(mini):
    (mini / EPISODES).unlink()
    row = ["K1", "2022-05-03", "No", "team_a"]
    _annex(mini, {"List 3": [["Child Unique ID", "Date of referral", "NFA", "Allocated team"],
                             row, row, ["K2", "2022-06-03", "No", "team_a"]]})
    data = read_returns(mini)
    assert len(data.cases.episodes) == 2
    assert "annex_a.xlsx: 1 row(s) given twice in a list (the same child and date, every value " \
           "alike) were merged" in data.notes


def test_an_oc3_young_person_given_twice_with_another_in_touch_is_refused(mini):
    # before: the first row kept and "1 care leaver(s) given twice (same CHILD) were merged"
    shutil.copy(RETURNS / OC3, mini / OC3)
    df = pd.read_csv(mini / OC3, dtype=str, keep_default_na=False)
    twin = df.iloc[[0]].assign(IN_TOUCH="DIED" if df.loc[0, "IN_TOUCH"] != "DIED" else "YES")
    pd.concat([df, twin]).to_csv(mini / OC3, index=False)
    text = _refused(mini)
    assert (f"{OC3}, row {len(df) + 2}, field IN_TOUCH: the same young person (CHILD) as row 2, "
            "with another IN_TOUCH") in text
    # given alike, merged with the note as before
    pd.concat([df, df.iloc[[0]]]).to_csv(mini / OC3, index=False)
    assert f"{OC3}: 1 care leaver(s) given twice (same CHILD) were merged" in read_returns(mini).notes


@pytest.mark.parametrize("title, says", [
    ("Referral_Count", "the columns referral_count and Referral_Count are one column (names are "
                       "read whatever their case)"),
    ("referral_count", "the column referral_count is given twice"),
])
def test_a_published_column_given_twice_is_refused(tmp_path, title, says):
    # before: Referral_Count beside referral_count was read in its place (the last of the two),
    # the same name twice as the first: either way the other left out without a word
    import csv
    from workbench.published.read import PublishedError, read_published
    folder = _published(tmp_path)
    f = folder / "c1_referrals_la_2020_to_2024.csv"
    rows = list(csv.reader(f.open()))
    i = rows[0].index("referral_count")
    rows[0].append(title)
    for r in rows[1:]:
        r.append(str(int(r[i]) // 2) if r[i].isdigit() else r[i])
    with f.open("w", newline="") as out:
        csv.writer(out).writerows(rows)
    with pytest.raises(PublishedError) as exc:
        read_published(folder)
    assert str(exc.value).startswith(f"c1_referrals_la_2020_to_2024.csv: {says}: only one "
                                     "would be read")


# ------------------------------------------- 8. a CIN census module given twice in one episode
def _cin(folder: Path, modules: str) -> None:
    (folder / "cin_census_2023.xml").write_text(
        "<?xml version='1.0' encoding='UTF-8'?>\n<Message><Header><CollectionDetails>"
        "<Collection>CIN</Collection><Year>2023</Year><ReferenceDate>2023-03-31</ReferenceDate>"
        "</CollectionDetails><Source><LEA>999</LEA></Source></Header><Children>\n"
        "<Child><ChildIdentifiers><LAchildID>K1</LAchildID></ChildIdentifiers>\n"
        "<CINdetails><CINreferralDate>2022-06-01</CINreferralDate><ReferralNFA>false"
        f"</ReferralNFA>\n{modules}</CINdetails></Child></Children></Message>\n")


def _assessment(end: str) -> str:
    return ("<Assessments><AssessmentActualStartDate>2022-06-01</AssessmentActualStartDate>"
            f"<AssessmentAuthorisationDate>{end}</AssessmentAuthorisationDate></Assessments>\n")


def test_a_module_given_twice_in_a_cindetails_with_another_end_is_refused(mini):
    # before: the second assessment's authorisation date (20 July) kept, the first (20 June)
    # dropped without a word
    (mini / EPISODES).unlink()
    _cin(mini, _assessment("2022-06-20") + _assessment("2022-07-20"))
    text = _refused(mini)
    assert ("cin_census_2023.xml, element Child 1 / CINdetails 1 / Assessments 2 (line 6), field "
            "AssessmentAuthorisationDate: the same Assessments (AssessmentActualStartDate) as "
            "Assessments 1 of this CINdetails, with another AssessmentAuthorisationDate") in text
    _cin(mini, _assessment("2022-06-20") * 2)          # alike: one assessment
    assert len(read_returns(mini).cases.stages) == 1


def test_an_authority_missing_from_a_c1_that_was_read_is_said_so(tmp_path, capsys):
    # before: "no referrals (C1 referral_count) in the files: download the C1 table", of a
    # folder holding the C1 table (without the authority's rows)
    from workbench.cli.main import main
    folder = _published(tmp_path)
    f = folder / "c1_referrals_la_2020_to_2024.csv"
    f.write_text("".join(line for line in f.read_text().splitlines(keepends=True)
                         if "County Durham" not in line))
    code = main(["from-published", "--la", "840", "--data", str(folder), "--out",
                 str(tmp_path / "d.yaml"), "--no-check"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert ("County Durham: no referrals (C1 referral_count) for it in "
            "c1_referrals_la_2020_to_2024.csv, which give England's") in err
    assert "download the C1 table\n" not in err
