"""Audit 14 (published data: boundary changes and years): ``--year Y`` uses year Y throughout
(the figures, the neighbours' table and the out-of-sample check), a named pipe among the
published files is skipped with a note as the returns reader skips one, and what authorities
whose boundaries changed (splits and mergers), revised rows, years written ``2022/23`` and
renamed columns showed. Each test builds a small folder in tmp_path from tests/data/published
(figures invented)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from workbench.cli.main import main
from workbench.published import PublishedError, find_authority, read_published
from workbench.published.build import build_scenario
from workbench.scenario.load import load_raw

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "published"
BASE = ROOT / "scenarios" / "england_average.yaml"
C1 = "c1_referrals_la_2020_to_2024.csv"
SWF = "swf_indicators_la_2019_to_2023.csv"


@pytest.fixture(scope="module")
def base():
    return load_raw(BASE)


@pytest.fixture(scope="module")
def published():
    return read_published(DATA)


def copy_of(folder: Path, *only: str) -> Path:
    """A copy of the fixture tables (``only`` those named: fewer to read, a shorter test)."""
    d = folder / "published"
    if only:
        d.mkdir()
        for name in only:
            shutil.copy(DATA / name, d / name)
        return d
    shutil.copytree(DATA, d, ignore=shutil.ignore_patterns("*.py"))
    return d


def edit(path: Path, change) -> None:
    """Rewrite a published CSV file through ``change(df) -> df`` (every cell as text)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(df).to_csv(path, index=False)


# ------------------------------------------------------------ 1. a named pipe is skipped, said
def test_a_pipe_among_the_published_files_is_skipped_with_a_note(tmp_path):
    # before: 'pipe.csv: not a file (a pipe or a device named like one)': every table refused
    # for one stray entry, where the returns reader skips it with a note
    data = copy_of(tmp_path, C1)
    os.mkfifo(data / "pipe.csv")
    got = read_published(data)
    assert "c1_referrals_la_2020_to_2024.csv" in got.files
    said = [n for n in got.notes if "pipe.csv" in n]
    assert len(said) == 1 and ("pipe.csv (a named pipe, not a file: never opened; copy the "
                               "table itself into the folder if it is one)") in said[0]


def test_a_pipe_alone_is_named_in_the_refusal(tmp_path):
    os.mkfifo(tmp_path / "c1.csv")
    with pytest.raises(PublishedError) as exc:
        read_published(tmp_path)
    assert "none of the published tables" in str(exc.value)
    assert "c1.csv is a named pipe, not a file: never opened" in str(exc.value)


# ---------------------------------------------------- 2. --year Y is year Y throughout
def test_a_year_asked_for_that_the_authority_lacks_is_refused_naming_the_years(tmp_path, capsys):
    # before: --year 2022 with Durham's 2022 referrals suppressed wrote a scenario as at 31 March
    # 2022 from 2021's referrals, with one note among many
    data = copy_of(tmp_path, C1)
    edit(data / C1, lambda df: df.assign(referral_count=df.referral_count.where(
        ~((df.la_name == "County Durham") & (df.time_period == "2022")), "c")))
    out = tmp_path / "d.yaml"
    rc = main(["from-published", "--la", "Durham", "--data", str(data), "--out", str(out),
               "--year", "2022", "--no-check"])
    err = capsys.readouterr().err
    assert rc == 2 and "Traceback" not in err and not out.exists()
    assert ("--year 2022: County Durham's referrals (C1 referral_count) for 2022 are given as "
            "'c': suppressed") in err
    assert "the files give them for 2020, 2021, 2023 and 2024: give one of those years" in err


def test_the_neighbours_table_is_as_at_the_year_asked_for(published):
    # before: --year 2022 wrote scenarios as at 2022 beside a table of 2024's figures (the
    # command now gives the table its --year)
    from workbench.published.neighbours import neighbour_table
    auths = [find_authority(published, q) for q in ("Durham", "Sunderland")]
    got = neighbour_table(auths, 2022)[1].dropna(subset=["year"])
    by = got.set_index(["measure", "authority"]).year
    assert by["Children referred a year", "County Durham"] == 2022
    assert by["Children referred a year", "England"] == 2022
    assert by["Average caseload (cases per case-holding FTE)", "Sunderland"] == 2021
    assert got.year.max() == 2022
    assert neighbour_table(auths)[1].year.max() == 2024     # without a year: the latest


def test_the_out_of_sample_check_is_of_the_year_asked_for(published, base, monkeypatch):
    # before: with --year 2022 the check built the scenario as at 2023 and compared 2024 (the
    # run itself is not needed to see which years: it is stopped where it would start)
    import workbench.experiment
    import workbench.published.build as build
    from workbench.cli.from_published import out_of_sample
    from workbench.published.outofsample import checks
    seen = {}

    def built_at(auth, base_data, *, year=None, base_name=""):
        seen["start"] = year
        return build_scenario(auth, base_data, year=year, base_name=base_name)

    class Stop(Exception):
        pass

    def run(scenarios, **kw):
        seen["label"] = next(iter(scenarios))
        raise Stop

    monkeypatch.setattr(build, "build_scenario", built_at)
    monkeypatch.setattr(workbench.experiment, "run_experiment", run)
    with pytest.raises(Stop):
        out_of_sample(find_authority(published, "Durham"), base, 1, "serial", year=2022)
    assert seen == {"start": 2021, "label": "County Durham (published statistics 2021)"}
    sources = " ".join(c.source for c in checks(find_authority(published, "Durham"), 2022))
    assert "year to 31 March 2022" in sources and "30 September 2021" in sources


# ------------------------------------- 3. a measure under its old and new names in one file
D7_OLD, D7_NEW = "d7_cpp_length_la_2020_to_2021.csv", "d7_cpp_length_la_2021_to_2024.csv"
BANDS = {"3_6_months": "more_than_3_months_6_months",
         "6_12_months": "more_than_6_months_less_than_1_year",
         "1_2_years": "1_year_less_than_2_years", "2_years+": "2_years_or_more"}


def _d7_joined(data: Path) -> Path:
    """The two D7 releases as a spreadsheet joins them: one file, 2024's rows with the bands
    under the older names (the newer names' cells blank), the other years' under the newer."""
    (data / D7_OLD).unlink()
    p = data / D7_NEW

    def older_2024(df):
        df = df.copy()
        m = df.time_period == "2024"
        for old, new in BANDS.items():
            for a, b in ((old, new), (old + "_percent", new + "_percent")):
                df[a] = ""
                df.loc[m, a], df.loc[m, b] = df.loc[m, b], ""
        return df

    edit(p, older_2024)
    return p


def _cp_lengths_of(published_figures, base) -> tuple[list, str]:
    """County Durham's CP plan lengths for 2024 and their comment, as the builder makes them
    (from D7 alone: the rest of a scenario is not needed to see them)."""
    from workbench.published.build import Built, _cp_lengths, _Source
    auth = find_authority(published_figures, "Durham")
    built = Built(auth, 2024, {}, {}, [])
    _cp_lengths(_Source(auth, 2024, built.notes), base, built)
    return (built.data["stages"]["cp"]["duration_days"]["probs"],
            built.comments["stages.cp.duration_days"])


def test_bands_under_their_old_names_in_a_joined_file_are_read(tmp_path, base, published):
    # before: only the newer names were read, so 2024's four bands were blank and County
    # Durham's CP plan lengths were 0.204, 0.199, 0.199, 0.199, 0.199 (the 695 plans shared
    # evenly, "suppressed bands share the plans the others leave")
    data = copy_of(tmp_path, D7_OLD, D7_NEW)
    _d7_joined(data)
    probs, said = _cp_lengths_of(read_published(data), base)
    assert probs == _cp_lengths_of(published, base)[0]
    assert "3_6_months = " in said and "suppressed" not in said


def test_a_symbol_under_the_old_name_is_read_over_a_blank_under_the_new(tmp_path):
    data = copy_of(tmp_path, D7_OLD, D7_NEW)
    p = _d7_joined(data)
    edit(p, lambda df: df.assign(**{"2_years+": df["2_years+"].where(
        ~((df.la_name == "County Durham") & (df.time_period == "2024")), "c")}))
    f = find_authority(read_published(data), "Durham").get("cp_len_2y_plus", 2024)
    assert (f.raw, f.column) == ("c", "2_years+") and f.status.startswith("suppressed")


def test_two_names_of_one_figure_that_disagree_are_refused(tmp_path):
    data = copy_of(tmp_path, D7_OLD, D7_NEW)
    p = _d7_joined(data)
    edit(p, lambda df: df.assign(more_than_3_months_6_months=df.more_than_3_months_6_months.where(
        ~((df.la_name == "County Durham") & (df.time_period == "2024")), "5")))
    with pytest.raises(PublishedError) as exc:
        read_published(data)
    assert ("columns more_than_3_months_6_months and 3_6_months are one figure under two names "
            "(an older release's and a newer's) and give '5' and ") in str(exc.value)
    assert f"{D7_NEW}: line " in str(exc.value)


def test_looked_after_rows_of_both_layouts_in_one_file_are_read(tmp_path, published):
    # before: a file stacking the older layout's rows (cla_group, characteristic, number) on
    # the newer's (characteristic, breakdown, children_count) read the newer only: the older
    # years' children looked after were "not in the files"
    data = copy_of(tmp_path, "cla_on_31_march_la_2021_to_2024.csv")
    p = data / "cla_on_31_march_la_2021_to_2024.csv"

    def stacked(df):
        old = df[df.time_period == "2021"].rename(columns={
            "characteristic": "cla_group", "breakdown": "characteristic",
            "children_count": "number", "children_percent": "percentage"})
        return pd.concat([df[df.time_period != "2021"], old]).fillna("")

    edit(p, stacked)
    got = find_authority(read_published(data), "Durham")
    want = find_authority(published, "Durham")
    assert got.years("lac_at31") == want.years("lac_at31") == [2021, 2022, 2023, 2024]
    assert got.get("lac_at31", 2021).value == want.get("lac_at31", 2021).value


# ------------------------------------- 4. the check's own start year short of a figure
def test_a_check_that_cannot_start_is_said_after_the_scenario_is_written(tmp_path, capsys):
    # before: the looked-after table downloaded for 2024 only: the scenario was written, then
    # "error: County Durham: no children looked after at 31 March (lac_at31) for 2023 ...:
    # download the table" (a table that was there) ended the command with status 2
    data = copy_of(tmp_path)
    edit(data / "cla_on_31_march_la_2021_to_2024.csv", lambda df: df[df.time_period == "2024"])
    out = tmp_path / "d.yaml"
    rc = main(["from-published", "--la", "Durham", "--data", str(data), "--out", str(out),
               "--replications", "1", "--executor", "serial"])
    got = capsys.readouterr()
    assert rc == 0 and out.exists() and "Traceback" not in got.err and not got.err
    assert ("County Durham: no out-of-sample check of 2024: the scenario as at 31 March 2023, "
            "which it starts from, cannot be made from the files (County Durham: no children "
            "looked after at 31 March (lac_at31) for 2023") in got.out
    assert "The scenario as at 31 March 2024 was written" in got.out


# ----------------------------- 5. Cumbria split in April 2023 into Cumberland and W&F
def _as_cumbria(folder: Path) -> None:
    """County Durham's rows as Cumbria's (E10000006) to the 2023 children in need year and the
    September 2022 workforce census, then as Cumberland's (E06000063); Gateshead's rows from
    then as Westmorland and Furness's (E06000064), its earlier rows dropped."""
    for p in folder.glob("*.csv"):
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
        if "new_la_code" not in df:
            continue
        year = pd.to_numeric(df.time_period, errors="coerce")
        new = year >= (2023 if "inpost_fte" in df else 2024)
        d = df.new_la_code == "E06000047"
        df.loc[d, ["la_name", "old_la_code", "new_la_code"]] = ["Cumbria", "909", "E10000006"]
        df.loc[d & new, ["la_name", "old_la_code", "new_la_code"]] = [
            "Cumberland", "942", "E06000063"]
        g = df.new_la_code == "E08000037"
        df = df[~(g & ~new)]
        df.loc[df.new_la_code == "E08000037", ["la_name", "old_la_code", "new_la_code"]] = [
            "Westmorland and Furness", "943", "E06000064"]
        df.to_csv(p, index=False)


@pytest.fixture(scope="module")
def cumbria(tmp_path_factory):
    folder = copy_of(tmp_path_factory.mktemp("cumbria"))
    _as_cumbria(folder)
    return read_published(folder)


def test_cumberland_uses_its_own_years_only(cumbria, base):
    a = find_authority(cumbria, "Cumberland")
    assert a.years("referrals") == [2024] and a.years("caseload") == [2023]
    built = build_scenario(a, base)
    assert built.data["demand"]["trend_pct_per_year"] == 0
    assert "Cumberland was formed from Cumbria in April 2023" in " ".join(built.notes)
    old = find_authority(cumbria, "Cumbria")
    assert old.code == "E10000006" and old.years("referrals") == [2020, 2021, 2022, 2023]


@pytest.mark.parametrize("la, year, says", [
    ("Cumberland", 2022, "Cumberland was formed from Cumbria in April 2023: earlier years not "
                         "used; the years before are under E10000006, another authority's"),
    ("Cumbria", 2024, "(Cumbria was split, from the 2024 reporting year: give --la E06000063 or "
                      "E06000064 for a later year)")])
def test_a_year_across_the_split_says_whose_years_they_are(cumbria, la, year, says):
    # before: "cover 2024: give a year from 2024 to 2024", with no word of the split
    from workbench.published.years import year_asked
    with pytest.raises(PublishedError) as exc:
        year_asked(find_authority(cumbria, la), year)
    assert says in str(exc.value)


# ------------------------------------------------- 6. a year written 2022/23 or 2022-23
def test_a_year_to_31_march_written_with_a_slash_or_dash_is_read(tmp_path, published):
    # before: "expected a year such as 2024 or 202324, got '2019/20'": every such file refused
    data = copy_of(tmp_path, C1)
    forms = {"2020": "2019/20", "2021": "2020-21", "2022": "2021/2022", "2023": "2022 to 2023",
             "2024": "2023\u201324"}     # the last with a word processor's dash
    edit(data / C1, lambda df: df.assign(time_period=df.time_period.replace(forms)))
    got = find_authority(read_published(data), "Durham")
    want = find_authority(published, "Durham")
    assert got.years("referrals") == want.years("referrals") == [2020, 2021, 2022, 2023, 2024]
    assert [got.get("referrals", y).value for y in range(2020, 2025)] == [
        want.get("referrals", y).value for y in range(2020, 2025)]


@pytest.mark.parametrize("typed", ["2022/23", "202223"])
def test_a_workforce_census_year_written_as_two_years_is_refused(tmp_path, typed):
    # 30 September of which year: "2022/23" could be either, so it is not guessed (202223 was
    # read as September 2023, a year on if September 2022 was meant: the service writes 2023)
    data = copy_of(tmp_path, SWF)
    edit(data / SWF, lambda df: df.assign(time_period=df.time_period.replace({"2023": typed})))
    with pytest.raises(PublishedError) as exc:
        read_published(data)
    assert (f"{SWF}: line " in str(exc.value) and f"column time_period: '{typed}' is two years, "
            "but the workforce census is at 30 September of one: expected the census's year"
            in str(exc.value))


def test_a_blank_band_is_not_said_to_be_suppressed(tmp_path, base):
    # before: "suppressed bands (2_years_or_more) share the ... plans" for a band left blank
    data = copy_of(tmp_path, D7_NEW)
    edit(data / D7_NEW, lambda df: df.assign(**{"2_years_or_more": df["2_years_or_more"].where(
        ~((df.la_name == "County Durham") & (df.time_period == "2024")), "")}))
    said = _cp_lengths_of(read_published(data), base)[1]
    assert "bands not given (2_years_or_more blank) share the" in said
    assert "suppressed" not in said


# ------------------------------------- 7. the same authority twice in one year's file
def test_a_revised_row_under_another_name_is_said_as_one_authority_twice(tmp_path):
    # before: "two authorities, County Durham and County Durham (revised), have the same
    # new_la_code ... (a column shifted?)": one council's revised row called two councils
    data = copy_of(tmp_path, C1)

    def revised(df):
        row = df[(df.la_name == "County Durham") & (df.time_period == "2024")].assign(
            la_name="County Durham (revised)", referral_count="7001")
        return pd.concat([df, row])

    edit(data / C1, revised)
    with pytest.raises(PublishedError) as exc:
        read_published(data)
    text = str(exc.value)
    assert ("rows named County Durham and County Durham (revised) have the same new_la_code "
            "'E06000047' in 2024, with different figures, '6974' and '7001': one authority "
            "given twice (a revised row? remove the one that is wrong)") in text
    assert "two authorities" not in text


@pytest.mark.parametrize("la, says", [
    # session 20: the successors by name as well as code, though the files hold neither
    ("Cumbria", "Cumbria (E10000006) is not in the files: from the 2024 reporting year its area "
                "is in Cumberland (E06000063) and Westmorland and Furness (E06000064) (a split: "
                "their years are not Cumbria's), or add the older files that hold Cumbria's own "
                "years"),
    ("E10000023", "North Yorkshire (E10000023) is not in the files: from the 2024 reporting year "
                  "its area is in North Yorkshire (E06000065) (a new code: one series)")])
def test_an_authority_since_reorganised_says_where_its_area_went(published, la, says):
    # before: "--la 'Cumbria': ... close matches: Cumberland", as if Cumberland were Cumbria
    with pytest.raises(PublishedError) as exc:
        find_authority(published, la)
    assert says in str(exc.value)


def test_a_successor_in_the_files_is_offered_as_the_la_to_give(cumbria):
    from workbench.published.authorities import _reorganised
    la = cumbria.authorities()
    said = _reorganised("Cumbria", la[la.code != "E10000006"])
    assert said.endswith("its area is in Cumberland (E06000063) and Westmorland and Furness "
                         "(E06000064) (a split: their years are not Cumbria's). Give --la "
                         "E06000063 or E06000064, or add the older files that hold Cumbria's "
                         "own years")


# ------------------------------- 8. a council's own returns across a boundary change
def test_returns_across_a_split_say_why_they_cannot_be_combined(tmp_path):
    # before: "returns of 2 authorities (LEA 909: ...; LEA 942: ...)", no word that 909 is
    # Cumbria, split into Cumberland (942) and Westmorland and Furness (943) in April 2023
    from workbench.calibration.extracts import ExtractError
    from workbench.calibration.returns import read_returns
    folder = tmp_path / "returns"
    folder.mkdir()
    for year, lea in ((2022, "909"), (2023, "0942")):
        text = (ROOT / "data" / "returns" / f"cin_census_{year}.xml").read_text()
        (folder / f"cin_census_{year}.xml").write_text(
            text.replace("<LEA>999</LEA>", f"<LEA>{lea}</LEA>"))
    with pytest.raises(ExtractError) as exc:
        read_returns(folder)
    assert ("Cumbria (909) was split into Cumberland (942) and Westmorland and Furness (943) in "
            "April 2023: the returns from before and after are different areas' and cannot be "
            "combined") in str(exc.value)


@pytest.mark.parametrize("typed", ["2022/23", "2022-23", "202223"])
def test_a_year_asked_for_as_the_files_write_it_is_read(tmp_path, capsys, typed):
    # before: "--year must be a whole number, got '2022/23'" (202223: "at most 2100")
    from workbench.cli.from_published import _year_given
    assert _year_given(typed) == 2023
    assert f"note: --year {typed} read as 2023 (31 March 2023" in capsys.readouterr().out


def test_a_year_asked_for_as_two_years_not_one_apart_is_refused():
    from workbench.errors import UserError
    from workbench.cli.from_published import _year_given
    with pytest.raises(UserError) as exc:
        _year_given("2022/24")
    assert "--year must be a whole number, got '2022/24'" in str(exc.value)


# ------------------------------ 9. an older file's rows with no new_la_code
def _codeless_to_2021(folder: Path, rename: dict | None = None) -> None:
    """Every authority's rows to the 2021 children in need year (and the September 2021
    census) without a new_la_code, as an older file may give them; ``rename`` maps County
    Durham's code by year (a function of the year) for the later rows."""
    for p in folder.glob("*.csv"):
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
        if "new_la_code" not in df:
            continue
        year = pd.to_numeric(df.time_period, errors="coerce")
        la = df.geographic_level == "Local authority"
        df.loc[la & (year <= 2021), "new_la_code"] = ""
        if rename:
            for (lo, hi), (name, code) in rename.items():
                d = la & (df.old_la_code == "840") & (year >= lo) & (year <= hi)
                df.loc[d, "la_name"] = name
                df.loc[d & (year > 2021), "new_la_code"] = code
        df.to_csv(p, index=False)


@pytest.fixture(scope="module")
def codeless(tmp_path_factory):
    folder = copy_of(tmp_path_factory.mktemp("codeless"), C1)
    _codeless_to_2021(folder)
    return read_published(folder)


def test_rows_with_no_code_join_only_the_authority_of_that_name(codeless, published):
    # before: every authority's rows with no code joined the series: Sunderland's 2020 and 2021
    # referrals were County Durham's (6,084 and 6,332), its trend drawn through them
    a = find_authority(codeless, "Sunderland")
    want = find_authority(published, "Sunderland")
    got = {y: a.get("referrals", y).value for y in a.years("referrals")}
    assert got == {y: want.get("referrals", y).value for y in range(2020, 2025)}
    assert ("Sunderland: years to 2021 are in rows with no new_la_code, matched by name: one "
            "series") in a.notes


def test_rows_with_no_code_do_not_cross_a_split(codeless):
    from workbench.published.authorities import Succession
    split = (Succession("E06000047", ("E10000099",), 2022, "split", "a test split"),)
    a = find_authority(codeless, "E06000047", successions=split)
    assert a.years("referrals") == [2022, 2023, 2024]


def test_a_new_code_with_older_rows_without_one_keeps_its_rates(tmp_path):
    # before: two codes joined (the old code and the rows with no code) were summed as a
    # merger: North Yorkshire's re-referral and NFA rates, caseloads and agency rates before
    # 2024 were dropped, with "its predecessors' counts added up"
    folder = copy_of(tmp_path, C1, SWF)
    _codeless_to_2021(folder, {(2000, 2100): ("North Yorkshire", ""),
                               (2022, 2023): ("North Yorkshire", "E10000023"),
                               (2024, 2100): ("North Yorkshire", "E06000065")})
    edit(folder / SWF, lambda df: df.assign(new_la_code=df.new_la_code.where(
        ~((df.la_name == "North Yorkshire") & (df.time_period == "2023")), "E06000065")))
    a = find_authority(read_published(folder), "North Yorkshire")
    assert a.code == "E06000065"
    assert a.years("referrals") == [2020, 2021, 2022, 2023, 2024]
    assert a.years("rereferral_pct") == [2020, 2021, 2022, 2023, 2024]
    assert not any("added up" in n for n in a.notes)


def test_a_year_asked_for_whose_referrals_round_to_0_is_refused(tmp_path):
    # before: --year 2022 with referrals 'low' started at 31 March 2022 from 2021's referrals
    from workbench.published.years import year_asked
    data = copy_of(tmp_path, C1)
    edit(data / C1, lambda df: df.assign(referral_count=df.referral_count.where(
        ~((df.la_name == "County Durham") & (df.time_period == "2022")), "low")))
    with pytest.raises(PublishedError) as exc:
        year_asked(find_authority(read_published(data), "Durham"), 2022)
    assert ("for 2022 are given as 'low', which rounds to 0 (c1_referrals_la_2020_to_2024.csv, "
            "line ") in str(exc.value)
    assert (": a scenario cannot be sized by 0 referrals; the files give them for 2020, 2021, "
            "2023 and 2024") in str(exc.value)


# ------------------------------- 10. Northamptonshire's one census for two authorities in 2021
def test_northamptonshires_joint_2021_census_is_said(published, base):
    # before: West Northamptonshire as at 31 March 2022 said only "caseload not in the workforce
    # files for 2021 ...": not that North Northamptonshire returned its census (the workforce
    # publication's 2021 data guidance)
    import dataclasses
    says = ("West Northamptonshire's September 2021 workforce census was submitted by North "
            "Northamptonshire and is reported against it (E06000061)")
    auth = dataclasses.replace(find_authority(published, "840"), code="E06000062")
    assert any(says in n for n in build_scenario(auth, base, year=2022).notes)
    assert not any(says in n for n in build_scenario(auth, base, year=2023).notes)


# --------------------------- 11. one year under the old code and the new, with other values
def test_a_year_under_both_codes_with_other_values_is_noted(tmp_path):
    # before: North Yorkshire's 2023 referrals given under E10000023 and, revised, under
    # E06000065: the new code's read and the other dropped with no word
    folder = copy_of(tmp_path, C1)

    def both(df):
        df = df.copy()
        d = df.old_la_code == "840"
        df.loc[d, ["la_name", "new_la_code"]] = ["North Yorkshire", "E10000023"]
        df.loc[d & (df.time_period == "2024"), "new_la_code"] = "E06000065"
        again = df[d & (df.time_period == "2023")].assign(new_la_code="E06000065",
                                                           referral_count="6700")
        return pd.concat([df, again])

    edit(folder / C1, both)
    a = find_authority(read_published(folder), "North Yorkshire")
    assert a.get("referrals", 2023).value == 6700
    assert any(n.startswith("North Yorkshire: figures for 2023 are given under E06000065 and "
                            "again, with other values, under E10000023: E06000065's are read")
               for n in a.notes), a.notes
