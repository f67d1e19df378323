"""Audit 13 (statutory returns, published data and the any-council model): a named pipe in a
folder of returns is said, never read; an authority's code as an analyst types it (``0840``,
``E06 000 047``) is matched, or the form that would match is suggested; and what a hostile or
careless reader of the published files and the validation page found. Each test builds a small
folder in tmp_path (the returns from data/returns, the published files from
tests/data/published)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from workbench.calibration.extracts import ExtractError
from workbench.calibration.returns import read_returns
from workbench.published.authorities import find_authority
from workbench.published.read import PublishedError, read_published

# the smallest folder read_returns takes (one case return and one workforce census), and a
# copy of the published tables to break, as round 12's
from test_hostile_round12_returns import (CENSUS, EPISODES, RETURNS, _published,  # noqa: F401
                                         mini)

PUBLISHED = Path(__file__).resolve().parent / "data" / "published"


@pytest.fixture(scope="module")
def published():
    return read_published(PUBLISHED)


# ------------------------------------------- 1. a pipe named like a return is said, never read
def test_a_pipe_named_like_a_return_is_said_not_read(mini):
    # before: the pipe (and a link to nothing) were left out without a word: the 2022 census
    # missing from the fit with no sign of why
    os.mkfifo(mini / "cin_census_2022.xml")
    (mini / "ssda903_header_2023.csv").symlink_to(mini / "gone.csv")
    data = read_returns(mini)
    said = [n for n in data.notes if n.startswith("skipped 2 entries")]
    assert len(said) == 1, data.notes
    assert "cin_census_2022.xml (a named pipe)" in said[0]
    assert "ssda903_header_2023.csv (a link to a file that is not there)" in said[0]


def test_a_pipe_that_was_the_only_case_return_is_named_in_the_refusal(mini):
    (mini / EPISODES).unlink()
    os.mkfifo(mini / EPISODES)
    with pytest.raises(ExtractError) as exc:
        read_returns(mini)
    text = str(exc.value)
    assert "no case return found" in text and f"{EPISODES} (a named pipe)" in text


def test_a_pipe_given_as_the_folder_is_refused_in_words(tmp_path):
    os.mkfifo(tmp_path / "returns")
    with pytest.raises(ExtractError) as exc:
        read_returns(tmp_path / "returns")
    assert "returns: not a folder or a file (a named pipe): give the folder of returns" in str(
        exc.value)


# ----------------------------------------------- 2. an authority's code as an analyst types it
@pytest.mark.parametrize("typed, form", [
    ("0840", "840"), ("00000840", "840"), ("840.0", "840"), ("LA 840", "840"),
    ("e06 000 047", "E06000047"),
    ("E06-000047", "E06000047")])
def test_a_code_typed_another_way_finds_the_authority(published, typed, form):
    # before: --la 0840 found no authority ("no authority of that name or code")
    a = find_authority(published, typed)
    assert a.code == "E06000047" and a.name == "County Durham"
    assert f"--la {typed!r} was read as the code {form} (County Durham)" in a.notes


@pytest.mark.parametrize("typed, says", [
    ("E6000047", "did you mean --la E06000047 (County Durham)?"),
    ("County Durham (840)", "did you mean --la 840 (County Durham)?"),
    ("E06000047 County Durham", "did you mean --la E06000047 (County Durham)?")])
def test_a_code_that_cannot_match_is_answered_with_the_form_that_would(published, typed, says):
    with pytest.raises(PublishedError) as exc:
        find_authority(published, typed)
    assert says in str(exc.value)


def test_a_three_digit_code_without_old_la_code_says_why(tmp_path):
    folder = _published(tmp_path)
    for p in folder.glob("*.csv"):
        lines = p.read_text().splitlines()
        cells = [line.split(",") for line in lines]
        k = cells[0].index("old_la_code")
        p.write_text("\n".join(",".join(c[:k] + c[k + 1:]) for c in cells) + "\n")
    with pytest.raises(PublishedError) as exc:
        find_authority(read_published(folder), "840")
    assert "the files have no old_la_code column" in str(exc.value)


# ------------------------------- 3. a value kept as the base's for want of England's rows is said
@pytest.fixture(scope="module")
def base():
    from workbench.scenario.load import load_raw
    return load_raw(Path(__file__).resolve().parents[1] / "scenarios" / "england_average.yaml")


def _without_england(folder: Path, *names: str) -> None:
    for name in names:
        p = folder / name
        lines = p.read_text().splitlines()
        p.write_text("\n".join(x for x in lines if ",National," not in x) + "\n")


def test_a_table_without_englands_rows_keeps_the_base_pathway_with_a_note(tmp_path, base):
    # before: a C4 and C1 downloaded for the authority alone (no 'National' rows) left the s47
    # and ICPC shares and the share closed as england_average.yaml's with no word
    from workbench.published.build import build_scenario
    folder = _published(tmp_path)
    _without_england(folder, "c4_s47_icpc_la_2020_to_2024.csv", "c1_referrals_la_2020_to_2024.csv")
    built = build_scenario(find_authority(read_published(folder), "840"), base)
    why = ("not in the files (the 'National' rows of the table: download the table with "
           "England's rows, not one authority's)")
    for what, figures in (("the share of assessments leading to an s47 enquiry", "s47 and referrals"),
                          ("the share of assessments closed (assessed not in need)", "not_in_need_pct"),
                          ("the share of s47 enquiries leading to an ICPC", "icpc and s47")):
        assert (f"{what} is england_average.yaml's: England's {figures} for 2024 {why}"
                in built.notes), built.notes
    assert "s47" not in built.data["stages"]


def test_a_figure_of_another_year_keeps_the_base_share_with_a_note(tmp_path, base):
    # ICPC suppressed in the latest year: the share of ICPCs starting a plan compared 2024's
    # plans with 2023's conferences? No: it is left as the base's, and said
    from workbench.published.build import build_scenario
    folder = _published(tmp_path)
    p = folder / "c4_s47_icpc_la_2020_to_2024.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    row = (df.time_period == "2024") & (df.new_la_code == "E06000047")
    df.loc[row, "ICPC"] = "c"
    df.to_csv(p, index=False)
    built = build_scenario(find_authority(read_published(folder), "840"), base)
    assert ("the share of ICPCs starting a CP plan is england_average.yaml's: its cp_starts is "
            "2024's and its icpc 2023's (a figure not given), not one year's") in built.notes
    assert ("the share of s47 enquiries leading to an ICPC is england_average.yaml's: its icpc "
            "is 2023's and its s47 2024's (a figure not given), not one year's") in built.notes
    said = [n for n in built.notes if "icpc for 2024 is not given" in n]
    assert len(said) == 1, said        # before: three times, once for each use of the figure


# ------------------------------------------ 4. published symbols in brackets; other separators
C1 = "c1_referrals_la_2020_to_2024.csv"


def _set_cell(folder: Path, value: str, column: str = "referral_count", file: str = C1) -> None:
    p = folder / file
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    df.loc[(df.time_period == "2024") & (df.new_la_code == "E06000047"), column] = value
    df.to_csv(p, index=False)


def test_a_symbol_in_square_brackets_is_read_as_the_symbol(tmp_path):
    # before: "[c]", as the GSS's accessible spreadsheets write it, refused the whole folder
    folder = _published(tmp_path)
    cells = {"referral_count": ("[c]", "suppressed"), "rereferral_percent": ("[x]", "not available"),
             "no_further_action_percent": ("[z]", "not applicable"),
             "not_in_need_percent": ("[low]", "rounds to 0")}
    for column, (cell, _) in cells.items():
        _set_cell(folder, cell, column)
    f = read_published(folder).figures
    mine = f[(f.year == 2024) & (f.code == "E06000047") & (f.file == C1)].set_index("column")
    for column, (cell, status) in cells.items():
        assert mine.status[column].startswith(status) and mine.raw[column] == cell


def test_a_decimal_comma_is_told_how_to_write_the_number(tmp_path):
    folder = _published(tmp_path)
    _set_cell(folder, "19,9", "rereferral_percent")
    with pytest.raises(PublishedError) as exc:
        read_published(folder)
    assert "write 35.8, not 35,8" in str(exc.value) and "'19,9'" in str(exc.value)


def test_files_of_semicolons_or_tabs_are_read_with_a_note(tmp_path, published):
    # before: left out as 'not in the open-data layout (no time_period column)', which they had,
    # and the scenario said "no referrals ... download the C1 table"
    folder = _published(tmp_path)
    D1 = "d1_cpp_la_2020_to_2024.csv"
    for name, sep in ((C1, ";"), (D1, "\t")):
        p = folder / name
        p.write_text(p.read_text().replace(",", sep))
    got = read_published(folder)
    assert C1 in got.files and D1 in got.files
    for name, said in ((C1, "semicolons"), (D1, "tabs")):
        assert (f"{name}: its cells are separated by {said}, not commas (saved from a "
                "spreadsheet?): read as such") in got.notes
    cols = ["measure", "year", "code", "value"]
    assert got.figures[cols].equals(published.figures[cols])


# ---------------------------------------- 5. North Yorkshire and Somerset: new codes in April 2023
def _as_north_yorkshire(folder: Path) -> None:
    """County Durham's rows as North Yorkshire's: code E10000023 to 2023, E06000065 from the
    2024 children in need year and from the September 2023 workforce census (the new council
    began in April 2023), as the published files give them."""
    for p in folder.glob("*.csv"):
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
        if "new_la_code" not in df:
            continue
        mine = df.new_la_code == "E06000047"
        year = pd.to_numeric(df.time_period, errors="coerce")
        new_from = 2023 if "inpost_fte" in df else 2024
        df.loc[mine, ["la_name", "old_la_code"]] = ["North Yorkshire", "815"]
        df.loc[mine, "new_la_code"] = "E10000023"
        df.loc[mine & (year >= new_from), "new_la_code"] = "E06000065"
        df.to_csv(p, index=False)


@pytest.fixture(scope="module")
def north_yorkshire(tmp_path_factory):
    folder = _published(tmp_path_factory.mktemp("ny"))
    _as_north_yorkshire(folder)
    return read_published(folder)


@pytest.mark.parametrize("query", ["North Yorkshire", "E06000065", "E10000023", "815"])
def test_north_yorkshire_is_one_series_across_its_new_code(north_yorkshire, query):
    # before: the new code's workforce census of September 2023 made its first year 2023, so
    # the old code's years (to 2023) were never joined: the scenario had one year of referrals,
    # "fewer than 3 years of referrals in the files: no trend", and no out-of-sample check; the
    # old code asked for gave a scenario as at 2023 with no word of the new one
    a = find_authority(north_yorkshire, query)
    assert a.code == "E06000065"
    assert a.years("referrals") == [2020, 2021, 2022, 2023, 2024]
    assert a.years("caseload") == [2019, 2020, 2021, 2022, 2023]
    assert any("E10000023" in n for n in a.notes)


def test_an_old_code_whose_name_goes_on_is_followed_without_a_listed_reorganisation(
        north_yorkshire):
    from workbench.published.authorities import SUCCESSIONS
    others = tuple(s for s in SUCCESSIONS if s.new_code != "E06000065")
    a = find_authority(north_yorkshire, "E10000023", others)
    assert a.code == "E06000065" and a.years("referrals") == [2020, 2021, 2022, 2023, 2024]
    assert ("E10000023 is an old code: North Yorkshire has been E06000065 since 2023, and its "
            "series is followed") in a.notes
    b = find_authority(north_yorkshire, "North Yorkshire", others)
    assert b.years("referrals") == [2020, 2021, 2022, 2023, 2024]


# ------------------------------------------- 6. a flow not in the files: the base's open cases
@pytest.fixture(scope="module")
def thin(tmp_path_factory, base):
    """County Durham built from a folder missing what several fallbacks stand in for: no C2, no
    workforce census, C1 without its percentages, B2 without its count, and the D1 file named
    with a line separator (U+2028). One folder and one build for the tests below."""
    from workbench.published.build import build_scenario
    folder = _published(tmp_path_factory.mktemp("thin"))
    (folder / "c2_assessments_duration_la_2020_to_2024.csv").unlink()
    (folder / "swf_indicators_la_2019_to_2023.csv").unlink()
    for name, drop in ((C1, ["rereferral_percent", "no_further_action_percent"]),
                       ("b2_cin_disability_la_2020_to_2024.csv",
                        ["At31_episodes_disability_recorded"])):
        p = folder / name
        pd.read_csv(p, dtype=str, keep_default_na=False).drop(columns=drop).to_csv(p, index=False)
    (folder / "d1_cpp_la_2020_to_2024.csv").rename(folder / "d1\u2028seed: 7\u2028#.csv")
    return build_scenario(find_authority(read_published(folder), "840"), base)

def test_open_assessments_without_c2_are_the_bases_open_cases_scaled(thin, base):
    # before: the base's 477 open assessments (a stock) were taken for a year's assessments and
    # cut to 45/365 of it again: 99 open for Durham, not 804, and 700 children moved to CIN plans
    size = 6974 / base["demand"]["referrals_per_year"]
    open_now = thin.data["initial"]["open_cases"]
    assert open_now["assessment"] == round(base["initial"]["open_cases"]["assessment"] * size)
    assert open_now["s47"] == round(2865 * 14 / 365)          # C4 is there: from its flow
    assert ("assessments not in the files: england_average.yaml's open assessment cases scaled "
            "by referrals") in thin.notes


def test_without_the_workforce_census_the_bases_caseload_staffs_the_authority(thin, base):
    # before: "caseload not in the workforce files ...: england_average.yaml's kept", but the
    # caseload used was Durham's open cases over the base's FTE (38.3): 175 FTE, not 412
    holding = {k: t for k, t in base["teams"].items() if t.get("case_holding", True)}
    fte = sum(g["count"] * g.get("fte", 1.0) for t in holding.values() for g in t["staff"])
    ea_open = sum(base["initial"]["open_cases"].values())
    caseload = round(ea_open / fte, 1)
    open_now = sum(thin.data["initial"]["open_cases"].values())
    said = thin.comments["teams"]
    assert said.startswith(f"case-holding FTE in post = {open_now:,} open cases / caseload "
                           f"{caseload:g} = {open_now / caseload:,.1f}")
    assert f"caseload {caseload:g} as england_average.yaml's ({ea_open:,} open cases" in said
    staffed = sum(g["count"] * g.get("fte", 1.0) for k, t in thin.data["teams"].items()
                  if k in holding for g in t["staff"])
    assert staffed == pytest.approx(open_now / caseload, abs=0.1)


def test_a_base_whose_surge_runs_at_the_start_is_refused(published, base):
    # before: --base demand_surge.yaml (x1.35 from April 2018) wrote County Durham citing the
    # published 6,974 referrals while the model ran 9,415 a year from the first day
    import copy
    import datetime as dt

    from workbench.published.build import build_scenario
    surged = copy.deepcopy(base)
    surged["demand"]["surges"] = [{"start_date": dt.date(2018, 4, 1), "multiplier": 1.35}]
    with pytest.raises(PublishedError) as exc:
        build_scenario(find_authority(published, "840"), surged, base_name="demand_surge.yaml")
    assert str(exc.value).startswith(
        "--base demand_surge.yaml: its demand.surges.0 (referrals x 1.35 from 2018-04-01) is "
        "running on 31 March 2024, when the scenario starts")
    # a surge over before the start, or to come after it, is the base's to keep
    surged["demand"]["surges"] = [
        {"start_date": dt.date(2018, 4, 1), "end_date": dt.date(2019, 4, 1), "multiplier": 1.35},
        {"start_date": dt.date(2024, 10, 1), "multiplier": 1.2}]
    build_scenario(find_authority(published, "840"), surged, base_name="demand_surge.yaml")


def test_rates_not_in_c1_are_the_bases_with_a_note(thin):
    # before: a C1 without its percentage columns kept the base's re-referral and NFA shares
    # with no word
    assert ("demand.rereferral_pct is england_average.yaml's: no rereferral_pct for 2024 or the "
            "two years before") in thin.notes
    assert ("front_door.nfa_pct is england_average.yaml's: no nfa_pct for 2024 or the two years "
            "before") in thin.notes


def test_the_disability_share_comes_from_the_percentage_when_the_count_is_not_given(thin):
    # before: B2 without its count column: "not in the files: england_average.yaml's 13%",
    # while the file gave County Durham's 14.4%
    said = thin.comments["initial.open_cases.cin_disability"]
    open_now = thin.data["initial"]["open_cases"]
    plans = open_now["cin"] + open_now["cin_disability"]
    assert said.startswith(f"14.4% of {plans:,} CIN plans") and "percent = 14.4" in said
    assert open_now["cin_disability"] == round(plans * 0.144)


# ------------------------------------------------------ 7. the out-of-sample check's table text
def test_the_checks_name_the_table_and_authority_and_say_not_given(published):
    from workbench.published.outofsample import checks
    a = find_authority(published, "840")
    got = {c.measure: c for c in checks(a, 2024)}
    # before: "(Same_day + ...) / Assessments_completed = 5145 / 6414 [file]": no table or
    # authority, unlike every other row (a neighbour's page read alike)
    assert got["assessment_within_45wd_pct"].source.startswith(
        "C2, County Durham, year to 31 March 2024: (Same_day + ")
    assert got["icpc_within_15wd_pct"].source.startswith(
        "C4, County Durham, year to 31 March 2024: (Duration_0-10_days + Duration_11-15_days) "
        "/ ICPC = 642 / 895")
    # before: a figure suppressed or not in the files was published as "none"
    assert {c.published for c in checks(a, 2030)} == {"not given"}


# ------------------------------------------------- 8. the validation page over less than a year
def test_a_validation_measured_over_less_than_a_year_says_so():
    # before: `workbench validation --years 0.02` set a week's median assessment (4 working days)
    # and turnover (0%) against England's year, "no: 23.0 below", with no word of the period
    from workbench.present import validation as V
    rows = [V.benchmark_row(b, None) for b in V.BENCHMARKS]
    table = pd.DataFrame(rows)
    short = V.Validation(table, 1, 0.02, 0, spans={V.ENGLAND: 7.3, V.WALSALL: 365.25})
    said = "Measured over 7 days, less than a year: durations count only what finished"
    for page in (V.validation_text(short), V.validation_markdown(short), V.validation_html(short)):
        assert page.count(said) == 1          # the England-average part only
    full = V.Validation(table, 1, 3.0, 0, spans={V.ENGLAND: 365.25, V.WALSALL: 365.25})
    assert "less than a year" not in V.validation_text(full)


# ---------------------------------------------- 9. a date stamp beside a return's year in its name
@pytest.mark.parametrize("name", ["ssda903_episodes_2023_extracted_2024-05-01.csv",
                                  "ssda903_episodes_2023_20240501.csv"])
def test_a_date_stamp_in_a_returns_name_is_not_its_year(mini, name):
    # before: read as 2024's return (the last year in the name) and refused as "the 2023 return
    # saved under 2024's name", which it was named as
    (mini / EPISODES).rename(mini / name)
    data = read_returns(mini)
    assert dict(zip(data.files.file, data.files.year))[name] == 2023


def test_walsall_rows_set_from_their_own_figures_say_so():
    # before: 'out of sample', and the sources did not say the baseline's allocation ceiling,
    # pressure responses and pressure-driven leaving were set from these very figures
    from workbench.present import validation as V
    source = {b.key: b.source for b in V.BENCHMARKS}
    assert "allocation ceiling, 250% of the aim, was set from this range" in source["walsall.caseload"]
    assert "full strength at one child waiting per FTE, set from this figure" in \
        source["walsall.unallocated"]
    assert "a rise is built in" in source["walsall.experienced_leaving"]
    # and (the lead, after this) the three rows are calibrated, not out of sample
    assert {"walsall.caseload", "walsall.unallocated", "walsall.experienced_leaving"} <= \
        V.CALIBRATED


# ------------------------------------ 10. a file name that YAML reads as a line break, in a comment
def test_a_file_name_with_a_line_separator_cannot_write_fields(thin):
    # before: a D1 file named 'd1<U+2028>seed: 7<U+2028>#.csv' ended its citation's comment
    # line in the YAML written, and the rest of the name was read as fields (refused as 'not
    # valid YAML' and blamed on the builder; a name laid out as a field would set one)
    import yaml
    text = thin.text("england_average.yaml")
    data = yaml.safe_load(text)
    assert "seed" not in data and data["initial"]["open_cases"]["cp"] == 608
    assert "[d1\\u2028seed: 7\\u2028#.csv]" in text


def test_a_missing_stock_names_the_table_to_download(tmp_path, base):
    # before: "no children looked after at 31 March (lac_at31) ... in the files": which file?
    from workbench.published.build import build_scenario
    folder = _published(tmp_path)
    (folder / "cla_on_31_march_la_2021_to_2024.csv").unlink()
    with pytest.raises(PublishedError) as exc:
        build_scenario(find_authority(read_published(folder), "840"), base)
    assert str(exc.value).endswith(
        "download the table 'CLA on 31 March by characteristics - by local authority'")


# --------------------------------------------- 11. a later year in the files than the scenario's
def test_a_later_year_without_referrals_is_said(tmp_path, base):
    # before: County Durham's 2024 referrals suppressed ('c') started the scenario at 31 March
    # 2023 with no word, the files holding every other 2024 figure
    from workbench.published.build import build_scenario
    folder = _published(tmp_path)
    _set_cell(folder, "c")
    built = build_scenario(find_authority(read_published(folder), "840"), base)
    assert built.year == 2023
    assert ("the files hold County Durham's figures to 2024, but its referrals for 2024 are "
            "given as 'c': suppressed") in " ".join(built.notes)
    assert "the scenario starts at 31 March 2023, the latest year with referrals" in " ".join(
        built.notes)


# ---------------------------------------------- 12. authorities with no new_la_code in their rows
def test_authorities_without_a_code_are_told_apart_by_name(tmp_path, capsys):
    # before: every row with a blank new_la_code was one authority: all but County Durham's
    # dropped as 'an older release', so Sunderland was 'not in the files' (and had its files
    # been in another order, whichever authority came first stood for the one asked for)
    from workbench.cli import main
    folder = _published(tmp_path)
    for p in folder.glob("*.csv"):
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
        df.loc[df.geographic_level == "Local authority", "new_la_code"] = ""
        df.to_csv(p, index=False)
    out = tmp_path / "out"
    assert main(["from-published", "--la", "Sunderland", "--la", "Durham", "--data",
                 str(folder), "--out", str(out), "--no-check"]) == 0
    said = capsys.readouterr().out
    assert "given more than once" not in said
    import yaml
    got = {d["authority"]: d for d in (yaml.safe_load(p.read_text(encoding="utf-8"))
                                       for p in out.glob("*.yaml"))}
    assert got["Sunderland"]["demand"]["referrals_per_year"] == 4515
    assert got["County Durham"]["demand"]["referrals_per_year"] == 6974
    assert got["Sunderland"]["initial"]["open_cases"]["cp"] == 254


def test_tables_in_a_subfolder_are_said(tmp_path):
    # before: an unzipped download (its tables in data/) was 'none of the published tables
    # ... (0 file(s) looked at)', with no word of where they were
    top = tmp_path / "download"
    shutil.copytree(PUBLISHED, top / "data")
    with pytest.raises(PublishedError) as exc:
        read_published(top)
    assert ("CSV or ZIP file(s) in subfolders are not read (data/b2_cin_disability_la_2020_to_"
            "2024.csv, ") in str(exc.value)
    assert "move them into it (or give the subfolder as --data)" in str(exc.value)


def test_a_blank_figure_is_cited_once_as_blank():
    import math

    from workbench.published.authorities import Figure
    f = Figure("referrals", 2024, math.nan, "blank", "C1 Referrals and re-referrals", "c1.csv",
               "referral_count", "", name="County Durham")
    assert f.cite() == ("C1, County Durham, year to 31 March 2024: referral_count = blank "
                        "[c1.csv]")                        # before: "blank (blank)"


def test_kingstons_joint_workforce_return_is_said(published, base):
    # the workforce publication reports Kingston upon Thames and Richmond upon Thames together
    # (Achieving for Children): Kingston's rates were cited as its own with no word
    import dataclasses

    from workbench.published.build import build_scenario
    durham = find_authority(published, "840")
    for code, says in (("E09000021", "figures are Kingston's and Richmond upon Thames's together"),
                       ("E09000027", "reported with Kingston upon Thames's")):
        built = build_scenario(dataclasses.replace(durham, code=code), base)
        assert any(says in n for n in built.notes), built.notes


@pytest.mark.parametrize("make, what", [
    (lambda p: p.mkdir(), "a folder"),
    (lambda p: p.symlink_to(p.parent / "gone.csv"), "a link to a file that is not there")])
def test_a_published_entry_that_is_not_a_file_says_what_it_is(tmp_path, make, what):
    # before: 'not a file (a folder or a device named like one)' whatever it was (a link to a
    # file since moved read as 'a folder or a device')
    folder = tmp_path / "published"
    folder.mkdir()
    make(folder / "c1.csv")
    with pytest.raises(PublishedError) as exc:
        read_published(folder)
    assert str(exc.value) == (f"c1.csv: not a file ({what} named like one): remove it or move "
                              "it out of the folder")


def test_a_published_pipe_is_skipped_unopened_and_named(tmp_path):
    # a pipe was refused as 'not a file (a pipe or a device named like one)', stopping every
    # table; since round 14 (H71) it is skipped unopened, as the returns reader does, and named
    # (here the only file, so nothing is left to read and the refusal says why)
    folder = tmp_path / "published"
    folder.mkdir()
    os.mkfifo(folder / "c1.csv")
    with pytest.raises(PublishedError) as exc:
        read_published(folder)
    assert "c1.csv is a named pipe, not a file: never opened" in str(exc.value)
