"""Audit 16 (statutory returns and published data): the workforce census's two FTE items read
as DfE's guide defines them, the OC3 accommodation codes of DfE's SSDA903 guide, and returns and
published tables of years and shapes not tried before. Each test builds a small folder in
tmp_path (the returns from data/returns, the published files from tests/data/published)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from workbench.calibration.returns import read_returns

ROOT = Path(__file__).resolve().parents[1]
RETURNS = ROOT / "data" / "returns"
PUBLISHED = ROOT / "tests" / "data" / "published"
EPISODES = "ssda903_episodes_2023.csv"
CENSUS = "workforce_census_2023.csv"
OC3 = "ssda903_oc3_2023.csv"


@pytest.fixture
def mini(tmp_path):
    """One SSDA903 episodes file, its OC3 and a workforce census."""
    out = tmp_path / "returns"
    out.mkdir()
    for f in (EPISODES, CENSUS, OC3):
        shutil.copy(RETURNS / f, out / f)
    return out


# ------------------- 1. the census's FTE and FTE30 that differ: the FTE30 (30 September) read
def _census_xml(tmp_path: Path, extra: str, fte: str = "0.800000") -> tuple:
    from workbench.calibration.returns.cin_census import parse_xml
    from workbench.calibration.returns.workforce_census import read_workforce_xml
    df = pd.read_csv(RETURNS / CENSUS, dtype=str, keep_default_na=False).head(6)
    df["FTE"] = fte
    workers = "".join("<CSWWWorker>" + "".join(f"<{k}>{v}</{k}>" for k, v in row.items())
                      + extra + "</CSWWWorker>" for row in df.to_dict("records"))
    p = tmp_path / "workforce_census_2023.xml"
    p.write_text("<?xml version='1.0' encoding='utf-8'?><Message><Header><CollectionDetails>"
                 "<Collection>CSWW</Collection><Year>2023</Year></CollectionDetails><Source>"
                 f"<LEA>999</LEA></Source></Header>{workers}</Message>", encoding="utf-8")
    problems: list = []
    recs = read_workforce_xml(parse_xml(p, problems), p.name, problems, 2023)
    return recs, problems


def test_fte_and_fte30_that_differ_read_the_fte30_and_say_so(tmp_path):
    # before: "field FTE30: given twice in one CSWWWorker (as FTE and FTE30)" at every worker:
    # DfE's own census (its schema has both; its guide gives FTE30 as the FTE at 30 September,
    # the census date) refused whole
    recs, problems = _census_xml(tmp_path, "<FTE30>0.500000</FTE30>")
    assert problems == []
    assert {float(w.values["FTE"]) for w in recs.workers} == {0.5}
    said = " ".join(recs.notes)
    assert ("workforce_census_2023.xml: FTE and FTE30 differ for 6 of 6 worker(s): FTE30 was "
            "read, DfE's FTE as at 30 September (the census date") in said


def test_a_leaver_without_fte30_keeps_the_fte(tmp_path):
    recs, problems = _census_xml(tmp_path, "<FTE30></FTE30>", fte="0.600000")
    assert problems == [] and {float(w.values["FTE"]) for w in recs.workers} == {0.6}
    assert not any("FTE30" in n for n in recs.notes)


@pytest.mark.parametrize("order", ["FTE30 last", "FTE30 first"])
def test_csv_fte_and_fte30_that_differ_read_the_fte30(mini, order):
    df = pd.read_csv(mini / CENSUS, dtype=str, keep_default_na=False)
    fte30 = ["0.5" if i % 2 else "" for i in range(len(df))]
    if order == "FTE30 first":
        df.insert(0, "FTE30", fte30)
    else:
        df["FTE30"] = fte30
    df["FTE"] = "1"
    df.to_csv(mini / CENSUS, index=False)
    data = read_returns(mini)
    fte = data.roster.workers.fte.tolist()
    assert fte.count(0.5) == len(df) // 2 and fte.count(1.0) == len(df) - len(df) // 2
    said = [n for n in data.notes if "FTE30" in n]
    assert len(said) == 1 and said[0].startswith(
        f"{CENSUS}: FTE and FTE30 differ for {len(df) // 2} of {len(df)} worker(s)")


# ------------------ 2. OC3 ACCOM S1 and X1: not DfE's codes, and the message now says why
@pytest.mark.parametrize("code, letter", [("S1", "S"), ("X1", "X"), ("s1", "S")])
def test_accom_s1_and_x1_are_refused_saying_the_code_to_give(mini, code, letter):
    # before: "field ACCOM: unknown code (expected one of B1, B2, ... 0)": no word that S and X
    # take only the unsuitable digit (DfE's SSDA903 validation rule 133 lists S2 and X2 only)
    from workbench.calibration.extracts import ExtractError
    df = pd.read_csv(mini / OC3, dtype=str, keep_default_na=False)
    df.loc[df.index[df.ACCOM != "0"][0], "ACCOM"] = code
    df.to_csv(mini / OC3, index=False)
    with pytest.raises(ExtractError) as exc:
        read_returns(mini)
    said = str(exc.value)
    assert (f"{OC3}, row 2, field ACCOM: {code.upper()} is not one of DfE's codes: {letter} (") \
        in said
    assert f"validation (rule 133) allows {letter}2 only; give {letter}2" in said
    assert "expected one of" not in said


# ------------- 3. DfE's LALevelVacancies (agency FTE, vacancies) in the census XML: said, not lost
def _census_with_totals(tmp_path: Path, totals: str, agency: int) -> tuple:
    from workbench.calibration.returns.cin_census import parse_xml
    from workbench.calibration.returns.workforce_census import read_workforce_xml
    df = pd.read_csv(RETURNS / CENSUS, dtype=str, keep_default_na=False)
    df = df[df.RoleEndDate == ""].head(6).copy()
    df["AgencyWorker"] = ["1"] * agency + ["0"] * (len(df) - agency)
    workers = "".join("<CSWWWorker>" + "".join(f"<{k}>{v}</{k}>" for k, v in row.items())
                      + "</CSWWWorker>" for row in df.to_dict("records"))
    p = tmp_path / "workforce_census_2023.xml"
    p.write_text("<?xml version='1.0' encoding='utf-8'?><Message><Header><CollectionDetails>"
                 "<Collection>CSWW</Collection><Year>2023</Year></CollectionDetails><Source>"
                 f"<LEA>999</LEA></Source></Header>{totals}{workers}</Message>", encoding="utf-8")
    problems: list = []
    recs = read_workforce_xml(parse_xml(p, problems), p.name, problems, 2023)
    return recs, problems


def test_an_agency_fte_above_the_agency_workers_listed_is_said(tmp_path):
    # before: the census's LALevelVacancies (NoAgencyFTE 40.5: DfE's count of agency workers
    # covering vacancies) was passed over in silence; the roster held the 2 agency workers
    # listed, its agency staff undercounted without a word
    recs, problems = _census_with_totals(
        tmp_path, "<LALevelVacancies><NumberOfVacancies>12.50</NumberOfVacancies><NoAgencyFTE>"
                  "40.50</NoAgencyFTE><NoAgencyHeadcount>42</NoAgencyHeadcount>"
                  "</LALevelVacancies>", agency=2)
    assert problems == []
    said = [n for n in recs.notes if "LALevelVacancies" in n]
    assert said == ["workforce_census_2023.xml: its LALevelVacancies gives NoAgencyFTE 40.5 "
                    "(agency workers covering vacancies at 30 September) and NumberOfVacancies "
                    "12.5; these totals are not read: the roster holds the agency workers listed "
                    "one by one in CSWWWorker records (2 in post, 2.0 FTE); fewer than its "
                    "NoAgencyFTE: add the agency workers' records for the roster to hold them"]


def test_an_agency_fte_that_is_the_listed_workers_is_not_said(tmp_path):
    recs, _ = _census_with_totals(
        tmp_path, "<LALevelVacancies><NoAgencyFTE>2.00</NoAgencyFTE></LALevelVacancies>",
        agency=2)
    assert not any("LALevelVacancies" in n for n in recs.notes)


# ------------------ 4. the built scenario's teams: every value says where it came from
def test_a_teams_caps_in_the_built_scenario_are_said_as_the_bases(tmp_path):
    # before: young_peoples' 'caps: {experienced: 25, ...}' stood in the written file with no
    # word of where it came from (the team's comment spoke of its staff only), while the
    # header says every value in the file cites its source
    from workbench.published import find_authority, read_published
    from workbench.published.build import build_scenario
    from workbench.scenario.load import load_raw
    base = load_raw(ROOT / "scenarios" / "england_average.yaml")
    assert any("caps" in t for t in base["teams"].values())
    built = build_scenario(find_authority(read_published(PUBLISHED), "County Durham"), base)
    said = built.comments["teams"]
    assert "a team's other settings (its caps) are england_average.yaml's" in said


# ------------- 5. --year as a council writes it: 23/24 read; anything else says what is read
def test_a_short_year_span_is_read_as_the_year_it_ends(capsys):
    # before: "--year must be a whole number, got '23/24'", though 2023/24 was read
    from workbench.cli.from_published import _year_given
    assert _year_given("23/24") == 2024 and _year_given("99/00") == 2000
    assert "note: --year 23/24 read as 2024 (31 March 2024" in capsys.readouterr().out


@pytest.mark.parametrize("typed", ["FY2023", "2023.0", "24/23", "2024/23"])
def test_a_year_not_read_says_the_forms_that_are(typed):
    # before: "--year must be a whole number, got 'FY2023'": no word that 2022/23 is read
    from workbench.cli.from_published import _year_given
    from workbench.errors import UserError
    with pytest.raises(UserError) as exc:
        _year_given(typed)
    assert str(exc.value) == (
        f"--year must be a whole number, got '{typed}': a year such as 2023 (starting at 31 "
        "March 2023), or a year written as 2022/23, 2022-23 or 22/23 (read as the year it ends "
        "in, one year after the first)")


@pytest.mark.parametrize("fte30", ["0", "0.000000"])
def test_an_fte30_of_0_beside_an_fte_reads_the_fte(tmp_path, fte30):
    # an FTE30 of 0 (not in post at 30 September) beside an FTE of 0.6: read as the worker's
    # FTE it was refused ('FTE: 0 is out of range'), the FTE given lost
    recs, problems = _census_xml(tmp_path, f"<FTE30>{fte30}</FTE30>", fte="0.600000")
    assert problems == [] and {float(w.values["FTE"]) for w in recs.workers} == {0.6}
    assert not any("FTE30" in n for n in recs.notes)


# ---------------------- 6. --out with its suffix in capitals is the scenario file it names
def test_an_out_file_named_in_capitals_is_a_yaml_file(tmp_path):
    # before: "--out: expected a .yaml file name for one authority, got .../D.YAML" (every other
    # output option takes its suffix in any case; the scenario loads as D.YAML), and with two
    # authorities D.YAML was made a folder
    from workbench.cli.from_published import _targets
    from workbench.errors import UserError
    assert _targets(["Durham"], tmp_path / "D.YAML") == [tmp_path / "D.YAML"]
    with pytest.raises(UserError) as exc:
        _targets(["Durham", "Gateshead"], tmp_path / "D.Yml")
    assert "with 2 authorities --out is a folder" in str(exc.value)


# --------- 7. Annex A: two date columns that could each be a list's date are not guessed
def _annex_with(tmp_path: Path, sheet: str, title: str, value: str, at: int = 2) -> Path:
    import openpyxl
    out = tmp_path / "returns"
    out.mkdir(parents=True)
    shutil.copy(RETURNS / CENSUS, out / CENSUS)
    wb = openpyxl.load_workbook(RETURNS / "annex_a.xlsx")
    ws = wb[sheet]
    ws.insert_cols(at)
    ws.cell(3, at).value = title
    for r in range(4, ws.max_row + 1):
        ws.cell(r, at).value = value
    wb.save(out / "annex_a.xlsx")
    return out


@pytest.mark.parametrize("sheet, title, field, ofsted", [
    ("List 3 Referrals", "Date of previous referral", "referral", "Date of referral"),
    ("List 8 Children in Care", "Date started to be looked after (previous period)", "start",
     "Date Started to be Looked After")])
def test_an_extra_date_column_like_the_lists_own_is_refused_naming_both(tmp_path, sheet, title,
                                                                        field, ofsted):
    # before: List 3 with 'Date of previous referral' left of 'Date of referral' read every
    # referral as the previous one's date (419 episodes became 735), without a word; the first
    # column matching the title's pattern was taken
    from workbench.calibration.extracts import ExtractError
    folder = _annex_with(tmp_path, sheet, title, "01/01/2015")
    with pytest.raises(ExtractError) as exc:
        read_returns(folder)
    said = str(exc.value)
    assert (f"annex_a.xlsx [{sheet}], row 3, field {title}: the columns '{title}' and ") in said
    assert (f"could each be the {field} date (List {sheet.split()[1]}: Ofsted's title is "
            f"'{ofsted}'): which is meant cannot be told") in said
    assert "X0" not in said and "X7" not in said                 # no child's identifier


def test_a_reason_column_beside_the_date_is_not_a_second_date(tmp_path):
    before = read_returns(_annex_with(tmp_path / "a", "List 8 Children in Care",
                                      "Child's Legal Status", "C2", at=2)).cases.stages
    after = read_returns(_annex_with(tmp_path / "b", "List 8 Children in Care",
                                     "Reason ceased to be looked after", "E8", at=4)).cases.stages
    pd.testing.assert_frame_equal(after, before)


def test_a_team_manager_column_is_not_taken_for_the_allocated_team(tmp_path):
    # before: 'Team Manager' left of 'Allocated Team' (title '^team') was read as the team
    from workbench.calibration.extracts import ExtractError
    folder = _annex_with(tmp_path, "List 3 Referrals", "Team Manager", "A Manager", at=4)
    with pytest.raises(ExtractError) as exc:
        read_returns(folder)
    assert ("field Team Manager: the columns 'Team Manager' and 'Allocated Team' could each be "
            "the allocated team (List 3: Ofsted's title is 'Allocated Team')") in str(exc.value)


# ------- 8. SSDA903: an episode whose DECOM a later year's return corrected is said as such
def test_a_decom_corrected_in_a_later_return_is_said_as_a_correction(tmp_path):
    # before: "the child's previous episode (ssda903_episodes_2022.csv, row 18) ends after this
    # one starts: episodes of care follow one another": no word that the two are one episode,
    # its start date corrected two days in the later return (returns are joined by CHILD and
    # DECOM)
    from workbench.calibration.extracts import ExtractError
    out = tmp_path / "returns"
    out.mkdir()
    for f in ("ssda903_episodes_2022.csv", EPISODES, CENSUS):
        shutil.copy(RETURNS / f, out / f)
    a = pd.read_csv(out / "ssda903_episodes_2022.csv", dtype=str, keep_default_na=False)
    b = pd.read_csv(out / EPISODES, dtype=str, keep_default_na=False)
    child = sorted(set(a.CHILD) & set(b.CHILD))[0]
    i = b.index[b.CHILD == child][0]
    d, m, y = b.loc[i, "DECOM"].split("/")
    b.loc[i, "DECOM"] = f"{int(d) + 2:02d}/{m}/{y}"
    b.to_csv(out / EPISODES, index=False)
    with pytest.raises(ExtractError) as exc:
        read_returns(out)
    said = str(exc.value)
    assert ("episodes of care follow one another. They start 2 day(s) apart: is it one episode "
            "whose DECOM the later return corrected? Returns are joined by CHILD and DECOM: give "
            "the corrected DECOM in each year's return") in said
    assert child not in said


# ------------- 9. the workforce census XML's header Year: read when there is no ReferenceDate
def _census_header(tmp_path: Path, details: str, name: str = "csww_return.xml") -> tuple:
    from workbench.calibration.returns.cin_census import parse_xml
    from workbench.calibration.returns.workforce_census import read_workforce_xml
    df = pd.read_csv(RETURNS / CENSUS, dtype=str, keep_default_na=False).head(6)
    workers = "".join("<CSWWWorker>" + "".join(f"<{k}>{v}</{k}>" for k, v in row.items())
                      + "</CSWWWorker>" for row in df.to_dict("records"))
    p = tmp_path / name
    p.write_text("<?xml version='1.0' encoding='utf-8'?><Message><Header><CollectionDetails>"
                 f"<Collection>CSWW</Collection>{details}</CollectionDetails><Source>"
                 f"<LEA>999</LEA></Source></Header>{workers}</Message>", encoding="utf-8")
    problems: list = []
    recs = read_workforce_xml(parse_xml(p, problems), p.name, problems, 0)
    return recs, [str(x) for x in problems]


def test_the_header_year_of_a_census_named_without_one_is_its_year(tmp_path):
    # before: "csww_return.xml: no census year: neither a Header / CollectionDetails /
    # ReferenceDate nor a year in the file's name": its header's <Year>2023</Year> never read
    recs, problems = _census_header(tmp_path, "<Year>2023</Year>")
    assert problems == [] and recs.year == 2023


@pytest.mark.parametrize("details, says", [
    ("<Year>2022/23</Year>", "field Year: not a year (expected the four-digit year of the "
                             "census's 30 September, e.g. 2023)"),
    ("<Year>2024</Year><ReferenceDate>2023-09-30</ReferenceDate>",
     "field Year: 2024 disagrees with the ReferenceDate 2023-09-30 (the census's year is its "
     "ReferenceDate's: 2023)")])
def test_a_header_year_not_a_year_or_not_the_reference_dates_is_said(tmp_path, details, says):
    _, problems = _census_header(tmp_path, details)
    assert len(problems) == 1 and says in problems[0], problems


# --------------- 10. an authority whose referrals are suppressed in every year is told so
def test_referrals_suppressed_in_every_year_are_not_called_a_missing_authority(tmp_path):
    # before: "Isles of Scilly: no referrals (C1 referral_count) for it in c1_...csv, which give
    # England's: is the file a selection of authorities without it? Download the C1 table by
    # local authority": its rows were in the file, every one suppressed ('c')
    from workbench.published import PublishedError, find_authority, read_published
    from workbench.published.build import build_scenario
    from workbench.scenario.load import load_raw
    d = tmp_path / "published"
    shutil.copytree(PUBLISHED, d, ignore=shutil.ignore_patterns("*.py"))
    c1 = d / "c1_referrals_la_2020_to_2024.csv"
    df = pd.read_csv(c1, dtype=str, keep_default_na=False)
    durham = df.la_name == "County Durham"
    df.loc[durham, "referral_count"] = "c"
    df.loc[durham & (df.time_period == "2024"), "referral_count"] = "x"
    df.to_csv(c1, index=False)
    base = load_raw(ROOT / "scenarios" / "england_average.yaml")
    with pytest.raises(PublishedError) as exc:
        build_scenario(find_authority(read_published(d), "County Durham"), base)
    said = str(exc.value)
    assert "a selection of authorities" not in said and "Download" not in said
    assert said.startswith("County Durham: its referrals (C1 referral_count) are in "
                           "c1_referrals_la_2020_to_2024.csv but not given in any year (2020 to "
                           "2023: 'c', suppressed")
    assert "; 2024: 'x', " in said and "build it from the council's own returns" in said


def test_referrals_of_0_in_the_latest_years_name_the_years_with_more(tmp_path):
    # before: "no referrals (C1 referral_count) above 0 for 2024 or the two years before in the
    # files (they cover 2020 to 2024); download the C1 table, or give another --year": the table
    # was there, its rows 0 or 'low'
    from workbench.published import PublishedError, find_authority, read_published
    from workbench.published.build import build_scenario
    from workbench.scenario.load import load_raw
    d = tmp_path / "published"
    shutil.copytree(PUBLISHED, d, ignore=shutil.ignore_patterns("*.py"))
    c1 = d / "c1_referrals_la_2020_to_2024.csv"
    df = pd.read_csv(c1, dtype=str, keep_default_na=False)
    late = (df.la_name == "County Durham") & df.time_period.isin(["2022", "2023", "2024"])
    df.loc[late, "referral_count"] = ["0", "low", "0"]
    df.to_csv(c1, index=False)
    base = load_raw(ROOT / "scenarios" / "england_average.yaml")
    with pytest.raises(PublishedError) as exc:
        build_scenario(find_authority(read_published(d), "County Durham"), base)
    assert str(exc.value) == (
        "County Durham: its referrals (C1 referral_count) are 0 or round to 0 for 2024 and the "
        "two years before (2022: '0', 2023: 'low', 2024: '0'; c1_referrals_la_2020_to_2024.csv): "
        "the scenario is sized by its referrals; give a --year with referrals above 0 (2020, "
        "2021)")
