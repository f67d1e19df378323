"""Audit 15 (statutory returns and published data): the authorities' codes of the boundary
changes checked against DfE's published list, the codes of older years' returns that DfE
allowed, and what returns and published tables as a council analyst supplies them showed. Each
test builds a small folder in tmp_path (the returns from data/returns, the published files from
tests/data/published)."""

from __future__ import annotations

import math
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

#: DfE's three-digit and ONS codes of the authorities the reorganisations touched, as the
#: Department's dfeR package lists them (data-raw/old_la_codes.csv, from Get Information about
#: Schools' "Local authority name and associated codes")
DFE_CODES = {
    "Bournemouth": ("837", "E06000028"), "Poole": ("836", "E06000029"),
    "Dorset (to 2019)": ("835", "E10000009"), "Dorset": ("838", "E06000059"),
    "Bournemouth, Christchurch and Poole": ("839", "E06000058"),
    "Northamptonshire": ("928", "E10000021"), "North Northamptonshire": ("940", "E06000061"),
    "West Northamptonshire": ("941", "E06000062"), "Cumbria": ("909", "E10000006"),
    "Cumberland": ("942", "E06000063"), "Westmorland and Furness": ("943", "E06000064"),
    "Buckinghamshire (to 2020)": ("825", "E10000002"), "Buckinghamshire": ("825", "E06000060"),
    "North Yorkshire (to 2023)": ("815", "E10000023"), "North Yorkshire": ("815", "E06000065"),
    "Somerset (to 2023)": ("933", "E10000027"), "Somerset": ("933", "E06000066"),
}


def _lea(name: str) -> str:
    return DFE_CODES[name][0]


def _ons(name: str) -> str:
    return DFE_CODES[name][1]


# ------------------------------------ 1. the boundary changes' codes, against DfE's own list
def test_the_boundary_changes_of_the_returns_have_dfes_three_digit_codes():
    from workbench.calibration.returns.folder_checks import _BOUNDARY_CHANGES
    want = [
        ({_lea("Bournemouth"), _lea("Poole"), _lea("Dorset (to 2019)")},
         {_lea("Dorset"), _lea("Bournemouth, Christchurch and Poole")}),
        ({_lea("Northamptonshire")},
         {_lea("North Northamptonshire"), _lea("West Northamptonshire")}),
        ({_lea("Cumbria")}, {_lea("Cumberland"), _lea("Westmorland and Furness")}),
    ]
    assert [(set(old), set(new)) for old, new, _ in _BOUNDARY_CHANGES] == want
    for old, new, said in _BOUNDARY_CHANGES:       # the sentence names the codes it checks
        for code in (*old, *new):
            assert f"({code})" in said, (code, said)


def test_the_published_reorganisations_have_the_ons_codes_of_dfes_list():
    from workbench.published.authorities import OLD_NAMES, SUCCESSIONS
    got = {(s.new_code, s.old_codes, s.first_year, s.kind) for s in SUCCESSIONS}
    assert got == {
        (_ons("Buckinghamshire"), (_ons("Buckinghamshire (to 2020)"),), 2021, "recode"),
        (_ons("Bournemouth, Christchurch and Poole"),
         (_ons("Bournemouth"), _ons("Poole"), _ons("Dorset (to 2019)")), 2020, "split"),
        (_ons("Dorset"), (_ons("Dorset (to 2019)"),), 2020, "split"),
        (_ons("North Yorkshire"), (_ons("North Yorkshire (to 2023)"),), 2024, "recode"),
        (_ons("Somerset"), (_ons("Somerset (to 2023)"),), 2024, "recode"),
        (_ons("North Northamptonshire"), (_ons("Northamptonshire"),), 2022, "split"),
        (_ons("West Northamptonshire"), (_ons("Northamptonshire"),), 2022, "split"),
        (_ons("Cumberland"), (_ons("Cumbria"),), 2024, "split"),
        (_ons("Westmorland and Furness"), (_ons("Cumbria"),), 2024, "split")}
    old = {_ons(n): n.split(" (")[0] for n in DFE_CODES if n.endswith(")")}
    old.update({_ons(n): n for n in ("Bournemouth", "Poole", "Northamptonshire", "Cumbria")})
    assert OLD_NAMES == old


def test_every_authority_of_the_bundled_published_tables_has_its_dfe_codes():
    # the three-digit and ONS codes of each authority in the fixture tables, as DfE lists them
    known = {"Gateshead": ("390", "E08000037"), "Sunderland": ("394", "E08000024"),
             "Kingston upon Hull, City of": ("810", "E06000010"),
             "Kingston upon Hull": ("810", "E06000010"),
             "County Durham": ("840", "E06000047"), "Northumberland": ("929", "E06000057"),
             "Buckinghamshire": {("825", "E06000060"), ("825", "E10000002")}}
    seen = set()
    for f in sorted(PUBLISHED.glob("*.csv")):
        df = pd.read_csv(f, dtype=str, keep_default_na=False)
        if "old_la_code" not in df.columns:
            continue
        la = df[df.geographic_level.str.lower() == "local authority"]
        for _, r in la[["la_name", "old_la_code", "new_la_code"]].drop_duplicates().iterrows():
            want = known[r.la_name]
            pair = (r.old_la_code, r.new_la_code)
            assert pair in want if isinstance(want, set) else pair == want, (f.name, pair)
            seen.add(r.la_name)
    assert seen == set(known)


# -------------------------------- 2. codes of older years' returns that DfE's schemas allowed
@pytest.fixture
def mini(tmp_path):
    """One SSDA903 episodes file, its OC3 and a workforce census."""
    out = tmp_path / "returns"
    out.mkdir()
    for f in (EPISODES, CENSUS, OC3):
        shutil.copy(RETURNS / f, out / f)
    return out


def _first(path: Path, column: str, was: str, now: str) -> None:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    i = df.index[df[column] == was][0]
    df.loc[i, column] = now
    df.to_csv(path, index=False)


@pytest.mark.parametrize("rec", ["E43", "E44"])
def test_a_special_guardianship_order_of_an_older_years_return_ends_care(mini, rec):
    # before: 'field REC: unknown code ... expected one of X1, E11, ...': the whole folder
    # refused for a code of DfE's returns before E45 to E48 (2017 schema: E43, E44)
    before = read_returns(mini).cases.stages
    _first(mini / EPISODES, "REC", "E8", rec)
    after = read_returns(mini).cases.stages
    pd.testing.assert_frame_equal(after, before)      # care ended there, as with E8


@pytest.mark.parametrize("activ", ["F3", "P3"])
def test_a_care_leaver_in_training_or_work_in_an_older_years_oc3_is_read(mini, activ):
    # before: 'field ACTIV: unknown code (expected one of F1, P1, F2, P2, F4, ...)': the folder
    # refused for the training-or-employment code DfE's earlier OC3 used
    _first(mini / OC3, "ACTIV", "F2", activ)
    read_returns(mini)


# ------------------------------------------- 3. the published tables as an analyst has them
def _published_copy(tmp_path: Path) -> Path:
    d = tmp_path / "published"
    shutil.copytree(PUBLISHED, d, ignore=shutil.ignore_patterns("*.py"))
    return d


def _edit_published(path: Path, change) -> None:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(df).to_csv(path, index=False)


C1 = "c1_referrals_la_2020_to_2024.csv"


@pytest.mark.parametrize("symbol", ["..", "[..]"])
def test_the_older_tables_not_available_is_a_gap(tmp_path, symbol):
    # before: "column referral_count: expected a number, or one of the published symbols ...;
    # got line 36: '..'": the whole folder refused for the GSS's older "not available"
    from workbench.published import find_authority, read_published
    d = _published_copy(tmp_path)

    def durham_2024(df):
        df.loc[(df.la_name == "County Durham") & (df.time_period == "2024"),
               "referral_count"] = symbol
        return df
    _edit_published(d / C1, durham_2024)
    a = find_authority(read_published(d), "County Durham")
    f = a.figures[(a.figures.measure == "referrals") & (a.figures.year == 2024)].iloc[0]
    assert math.isnan(f.value) and f.status == "not available"
    assert a.years("referrals") == [2020, 2021, 2022, 2023]


# -------------------------------- 4. one authority written two ways in two returns is one
@pytest.fixture
def durham(tmp_path):
    """A CIN census whose header gives LEA 840 (County Durham) and a workforce census."""
    out = tmp_path / "returns"
    out.mkdir()
    xml = (RETURNS / "cin_census_2023.xml").read_text(encoding="utf-8")
    assert xml.count("<LEA>999</LEA>") == 1
    (out / "cin_census_2023.xml").write_text(xml.replace("<LEA>999</LEA>", "<LEA>840</LEA>"),
                                             encoding="utf-8")
    shutil.copy(RETURNS / CENSUS, out / CENSUS)
    return out


def _la_column(folder: Path, title: str, value: str) -> None:
    df = pd.read_csv(folder / CENSUS, dtype=str, keep_default_na=False)
    df[title] = value
    df.to_csv(folder / CENSUS, index=False)


@pytest.mark.parametrize("title, value", [("LA code", "E06000047"), ("LA code", "e06000047"),
                                          ("Local authority", "Durham County Council"),
                                          ("Local authority", "County Durham"),
                                          ("LEA", "0840")])
def test_an_authority_given_by_its_ons_code_or_name_is_the_census_headers_one(durham, title,
                                                                               value):
    # before: "returns of 2 authorities (LEA 840: cin_census_2023.xml; LEA E06000047:
    # workforce_census_2023.csv): give one authority's returns": County Durham's own returns
    _la_column(durham, title, value)
    read_returns(durham)


def test_another_authority_by_its_ons_code_is_still_refused(durham):
    from workbench.calibration.extracts import ExtractError
    _la_column(durham, "LA code", _ons("Cumberland"))
    with pytest.raises(ExtractError) as exc:
        read_returns(durham)
    assert ("returns of 2 authorities (LEA 840: cin_census_2023.xml; LEA E06000063: "
            "workforce_census_2023.csv)") in str(exc.value)


def test_a_boundary_change_is_explained_whichever_code_each_return_gives(durham):
    from workbench.calibration.extracts import ExtractError
    xml = (durham / "cin_census_2023.xml").read_text(encoding="utf-8")
    (durham / "cin_census_2023.xml").write_text(xml.replace("<LEA>840</LEA>", "<LEA>909</LEA>"),
                                                encoding="utf-8")
    _la_column(durham, "LA code", _ons("Westmorland and Furness"))
    with pytest.raises(ExtractError) as exc:
        read_returns(durham)
    assert "Cumbria (909) was split into Cumberland (942) and Westmorland and Furness" in str(
        exc.value)


def test_the_table_of_codes_is_dfes():
    from workbench.calibration.returns.la_codes import ONS_TO_LEA, lea_of
    for name, (lea, ons) in DFE_CODES.items():
        assert ONS_TO_LEA[ons] == lea, name
    assert len(ONS_TO_LEA) == 161        # 153 authorities today and the 8 codes replaced
    assert lea_of("999") == "999" and lea_of("Dorset") == "Dorset"   # two Dorsets: not guessed


# ------------------------- 5. the authority's own C1 row missing, not the table's year
@pytest.fixture(scope="module")
def base():
    from workbench.scenario.load import load_raw
    return load_raw(ROOT / "scenarios" / "england_average.yaml")


def test_an_authoritys_missing_c1_row_is_not_called_an_old_table(tmp_path, base):
    # before: "the C1 table in the files stops at 2023 ... download the newer C1 table": the
    # table held 2024 (England's and the others' rows); County Durham's own row was missing
    from workbench.published import find_authority, read_published
    from workbench.published.build import build_scenario
    d = _published_copy(tmp_path)
    _edit_published(d / C1, lambda df: df[~((df.la_name == "County Durham")
                                            & (df.time_period == "2024"))])
    built = build_scenario(find_authority(read_published(d), "County Durham"), base)
    said = " ".join(built.notes)
    assert "stops at" not in said and "download the newer C1" not in said
    assert ("the C1 table has 2024 (England's row, c1_referrals_la_2020_to_2024.csv, line 34), "
            "but no row of County Durham for 2024: the scenario starts at 31 March 2023") in said


def test_an_authoritys_missing_total_rows_are_not_a_table_to_download(tmp_path, base):
    # before: "no children looked after at 31 March (lac_at31) ...: download the table 'CLA on
    # 31 March by characteristics - by local authority'": the table was in the folder, read,
    # with the authority's age bands; its 'Total' rows were what was missing
    from workbench.published import PublishedError, find_authority, read_published
    from workbench.published.build import build_scenario
    d = _published_copy(tmp_path)
    cla = "cla_on_31_march_la_2021_to_2024.csv"
    _edit_published(d / cla, lambda df: df[~((df.breakdown == "Total")
                                             & (df.la_name == "County Durham"))])
    with pytest.raises(PublishedError) as exc:
        build_scenario(find_authority(read_published(d), "County Durham"), base)
    said = str(exc.value)
    assert "download the table" not in said
    assert (f"is in the files ({cla}, with England's rows) but has no row of County Durham for "
            "these years (the rows read are its 'Total' rows of 'Age group')") in said


# ------------------------------ 6. the workforce census's ReasonLeave as DfE's schema codes it
def test_dfes_numeric_reasons_for_leaving_are_read(mini):
    # before: "field ReasonLeave: unknown code '7'; expected one of RES, RET, ...": a census as
    # DfE's schema writes it (reasontype 1 resignation ... 10 not yet collected) refused
    df = pd.read_csv(mini / CENSUS, dtype=str, keep_default_na=False)
    df.loc[df.index[df.ReasonLeave != ""][0], "ReasonLeave"] = "7"
    df.to_csv(mini / CENSUS, index=False)
    assert (read_returns(mini).roster.workers.reason == "TRN").sum() == 1


@pytest.mark.parametrize("code, reason", [("1", "RES"), ("2", "RED"), ("3", "RED"), ("4", "DIS"),
                                          ("5", "RET"), ("6", "OTH"), ("7", "TRN"), ("8", "OTH"),
                                          ("9", "UNK"), ("10", "UNK"), ("5.0", "RET"),
                                          ("RES", "RES")])
def test_each_of_dfes_reasons_for_leaving_has_its_meaning(code, reason):
    from workbench.calibration.returns.common import Origin
    from workbench.calibration.returns.workforce_census import _record
    assert _record({"ReasonLeave": code}, Origin("f", 2), 2023).values["ReasonLeave"] == reason


# ----------------------------- 7. the SSDA903 social worker file of 2023-24 is an SSDA903 file
def test_the_903_social_worker_file_is_said_as_an_ssda903_file_not_read(mini):
    # before: "left out 1 CSV file(s) that are not a return this reader knows (no SSDA903 or
    # workforce census columns)": the file of each child's social workers DfE added in 2023-24
    (mini / "ssda903_socialworker_2023.csv").write_text(
        "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\n"
        "A1,01/01/2010,SW1234567890,01/04/2022,01/06/2022,MANAGE\n", encoding="utf-8")
    notes = read_returns(mini).notes
    said = [n for n in notes if "ssda903_socialworker_2023.csv" in n]
    assert len(said) == 1 and said[0].startswith("left out 1 SSDA903 file(s) calibration does "
                                                 "not use"), notes
    assert "social workers" in said[0]


# -------------------- 8. DfE's census gives FTE and FTE30: one value under both is one FTE
def _census_xml(tmp_path: Path, extra: str) -> tuple:
    from workbench.calibration.returns.cin_census import parse_xml
    from workbench.calibration.returns.workforce_census import read_workforce_xml
    df = pd.read_csv(RETURNS / CENSUS, dtype=str, keep_default_na=False).head(6)
    df["FTE"] = "0.800000"
    workers = "".join("<CSWWWorker>" + "".join(f"<{k}>{v}</{k}>" for k, v in row.items())
                      + extra + "</CSWWWorker>" for row in df.to_dict("records"))
    p = tmp_path / "workforce_census_2023.xml"
    p.write_text("<?xml version='1.0' encoding='utf-8'?><Message><Header><CollectionDetails>"
                 "<Collection>CSWW</Collection><Year>2023</Year></CollectionDetails><Source>"
                 f"<LEA>999</LEA></Source></Header>{workers}</Message>", encoding="utf-8")
    problems: list = []
    recs = read_workforce_xml(parse_xml(p, problems), p.name, problems, 2023)
    return recs, problems


@pytest.mark.parametrize("extra", ["<FTE30>0.8</FTE30>", "<FTE30></FTE30>", "<FTE30/>"])
def test_fte_and_fte30_giving_one_value_are_one_fte(tmp_path, extra):
    # before: "field FTE30: given twice in one CSWWWorker (as FTE and FTE30)" for every worker:
    # DfE's schema (social_work_workforce_2022.xsd) has both elements, so its own census
    # was refused whole, though the two said the same
    recs, problems = _census_xml(tmp_path, extra)
    assert problems == [] and {float(w.values["FTE"]) for w in recs.workers} == {0.8}


def test_fte_and_fte30_that_differ_read_the_fte30(tmp_path):
    # session 20 (H88): this pinned the refusal round 15 left ("given twice in one CSWWWorker
    # (as FTE and FTE30)"); FTE30 is DfE's FTE at the census date, now read, with a note
    recs, problems = _census_xml(tmp_path, "<FTE30>0.5</FTE30>")
    assert problems == []
    assert {float(w.values["FTE"]) for w in recs.workers} == {0.5}
    assert any("differ for 6 of 6 worker(s): FTE30 was read" in n for n in recs.notes)


def test_csv_columns_fte_and_fte30_alike_are_read_as_one(mini):
    df = pd.read_csv(mini / CENSUS, dtype=str, keep_default_na=False)
    df["FTE30"] = [v if i % 2 else "" for i, v in enumerate(df.FTE)]
    df.to_csv(mini / CENSUS, index=False)
    read_returns(mini)


# ------------------------------------- 9. an ONS code lower-cased by a spreadsheet is the code
def test_a_lower_case_new_la_code_is_read_as_the_code(tmp_path):
    # before: "b2_cin_disability_la_2020_to_2024.csv: line 4: column new_la_code: expected an
    # ONS code such as E06000047, got 'e06000047'": every file refused for the letter's case
    from workbench.published import find_authority, read_published
    d = _published_copy(tmp_path)
    for f in d.glob("*.csv"):
        _edit_published(f, lambda df: df.assign(new_la_code=df.new_la_code.str.lower()))
    a = find_authority(read_published(d), "E06000047")
    assert a.name == "County Durham" and a.code == "E06000047"
