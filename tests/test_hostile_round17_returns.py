"""Audit 17 (statutory returns and published data): returns and published tables as a real
council's analyst holds them, in shapes not tried before. Each test builds a small folder in
tmp_path (the returns from data/returns, the published files from tests/data/published)."""

from __future__ import annotations

import datetime as dt
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


def _mini(out: Path) -> Path:
    """One SSDA903 episodes file, its OC3 and a workforce census."""
    out.mkdir(parents=True)
    for f in (EPISODES, CENSUS, OC3):
        shutil.copy(RETURNS / f, out / f)
    return out


@pytest.fixture
def mini(tmp_path):
    return _mini(tmp_path / "returns")


def _lac(data) -> int:
    return int((data.cases.stages.stage == "lac").sum())


# ---------- 1. SSDA903 short breaks (legal status V3, V4): not periods of care, as in DfE's figures
def _short_breaks(folder: Path, ls: str, n: int = 10) -> None:
    df = pd.read_csv(folder / EPISODES, dtype=str, keep_default_na=False)
    rows = []
    for k in range(n):
        s = dt.date(2022, 4, 4) + dt.timedelta(days=30 * k)
        rows.append({**{c: "" for c in df.columns}, "CHILD": "RESPITE77", "RNE": "S", "LS": ls,
                     "DECOM": s.strftime("%d/%m/%Y"), "REC": "E13", "CIN": "N1",
                     "DEC": (s + dt.timedelta(days=2)).strftime("%d/%m/%Y")})
    pd.concat([df, pd.DataFrame(rows)]).to_csv(folder / EPISODES, index=False)


@pytest.mark.parametrize("ls", ["V3", "v4"])
def test_short_breaks_are_not_periods_of_care(tmp_path, ls):
    # before: a disabled child's ten weekend breaks (LS V3: an agreed series of short-term
    # breaks, each recorded as an episode) were ten periods of care: 37 looked-after periods
    # became 47, without a word (DfE's looked-after figures leave short breaks out)
    plain = _lac(read_returns(_mini(tmp_path / "a")))
    folder = _mini(tmp_path / "b")
    _short_breaks(folder, ls)
    data = read_returns(folder)
    assert _lac(data) == plain
    said = [n for n in data.notes if "V3 or V4" in n]
    assert said == [f"{EPISODES}: 10 episode(s) of 1 child(ren) with legal status V3 or V4 (an "
                    "agreed series of short-term breaks) are not read as periods of care: DfE's "
                    "looked-after figures leave short breaks out, and each break would count as "
                    "an entry to care"]
    assert not any("RESPITE77" in n for n in data.notes)


# ---------- 2. a year's SSDA903 return as DfE collects it: a period first seen at a move
def test_a_period_first_seen_at_a_placement_move_is_said(mini):
    # before: a council's 2023 return holds the episodes open in 2022-23 only; a child moved
    # before April 2022 has a first episode RNE P, taken in silence as the start of care
    # (12 periods made shorter: those ending in the year 516 days on average, read as 451)
    df = pd.read_csv(mini / EPISODES, dtype=str, keep_default_na=False)
    dec = pd.to_datetime(df.DEC, format="%d/%m/%Y", errors="coerce")
    df[dec.isna() | (dec >= pd.Timestamp("2022-04-01"))].to_csv(mini / EPISODES, index=False)
    data = read_returns(mini)
    said = [n for n in data.notes if "not a start of care" in n]
    assert said == [
        "12 period(s) of care begin, in the SSDA903 returns given, with an episode that is not a "
        "start of care (RNE P, L, T, U or B: a change of placement or legal status; "
        f"{EPISODES}: 12): the episodes before it are in earlier years' returns (a year's "
        "return holds the episodes open in its year). Each is taken to start at that episode's "
        "DECOM, so these children's time in care is understated, and with it the looked-after "
        "length fitted: give the earlier years' returns too"]


def test_periods_that_start_with_their_start_are_not_said(mini):
    assert not any("not a start of care" in n for n in read_returns(mini).notes)


# ---------- 3. a social worker in two posts at once (DfE: one record a post, FTE not deduplicated)
def _two_posts(folder: Path, fte: str = "0.5") -> str:
    df = pd.read_csv(folder / CENSUS, dtype=str, keep_default_na=False)
    i = df.index[(df.RoleEndDate == "") & (df.FTE == "1")][0]
    df.loc[i, "FTE"] = fte
    second = df.loc[i].copy()
    second["RoleStartDate"], second["Team"], second["FTE"] = "2022-01-10", "disability", "0.5"
    pd.concat([df, pd.DataFrame([second])]).to_csv(folder / CENSUS, index=False)
    return df.loc[i, "SWENo"]


def test_a_worker_in_two_posts_in_one_census_is_read_as_both(tmp_path):
    # before: "the same SWENo as row 2, with another RoleStartDate, in post at the same time:
    # a role is one SWENo and RoleStartDate ...": the census refused, though DfE's census has a
    # record for each post a social worker holds (its methodology: "duplicates are not removed
    # from full-time equivalent (FTE) figures"; headcount keeps one post)
    plain = read_returns(_mini(tmp_path / "a")).roster.workers
    folder = _mini(tmp_path / "b")
    sweno = _two_posts(folder)
    data = read_returns(folder)
    w = data.roster.workers
    assert len(w) == len(plain) + 1 and w.fte.sum() == pytest.approx(plain.fte.sum())
    said = [n for n in data.notes if "posts at once" in n]
    assert said == [f"{CENSUS}: 1 social worker(s) hold two or more posts at once (one SWENo, "
                    "other RoleStartDates, none ended): each post is read as a worker of its "
                    "own with its own FTE, as DfE counts FTE (duplicates are not removed from "
                    "FTE figures); a worker in one post moved between teams is one record, "
                    "its FTE in all"]
    assert not any(sweno in n for n in data.notes)


def test_a_start_date_corrected_in_a_later_census_is_still_refused(tmp_path):
    # the same worker in two censuses, her RoleStartDate other in the later: one role, not two
    # posts (no census holds both), so the message about a corrected date stands
    from workbench.calibration.extracts import ExtractError
    folder = _mini(tmp_path / "r")
    shutil.copy(RETURNS / "workforce_census_2022.csv", folder)
    df = pd.read_csv(folder / CENSUS, dtype=str, keep_default_na=False)
    old = pd.read_csv(folder / "workforce_census_2022.csv", dtype=str, keep_default_na=False)
    both = sorted(set(df.SWENo[df.RoleEndDate == ""]) & set(old.SWENo[old.RoleEndDate == ""]))
    i = df.index[df.SWENo == both[0]][0]
    df.loc[i, "RoleStartDate"] = "2012-01-01"
    df.to_csv(folder / CENSUS, index=False)
    with pytest.raises(ExtractError) as exc:
        read_returns(folder)
    assert "a start date corrected in a later return?" in str(exc.value)


# ---------- 4. a CIN census header Year written as the collection year's span
@pytest.mark.parametrize("typed, says", [
    ("2022/23", ": the census of 2022/23 is the year it ends in, 2023)"),
    ("2022-2023", ": the census of 2022/23 is the year it ends in, 2023)"),
    ("2023/22", ")")])
def test_a_cin_census_year_written_as_a_span_names_the_year_to_give(tmp_path, typed, says):
    # before: "field Year: not a year (expected the four-digit year the collection ends in,
    # e.g. 2023)": no word of which year 2022/23 is (DfE's schema: Year is xs:gYear, a year alone)
    from workbench.calibration.extracts import ExtractError
    folder = tmp_path / "returns"
    folder.mkdir()
    shutil.copy(RETURNS / CENSUS, folder)
    text = (RETURNS / "cin_census_2023.xml").read_text(encoding="utf-8")
    (folder / "cin_census_2023.xml").write_text(
        text.replace("<Year>2023</Year>", f"<Year>{typed}</Year>", 1), encoding="utf-8")
    with pytest.raises(ExtractError) as exc:
        read_returns(folder)
    assert ("cin_census_2023.xml, element Header / CollectionDetails (line 2), field Year: not a "
            "year (expected the four-digit year the collection ends in, e.g. 2023, as DfE's "
            f"schema has it{says}") in str(exc.value)


# ---------- 5. a published table saved from a spreadsheet: empty rows and notes below the table
C1 = "c1_referrals_la_2020_to_2024.csv"


def _published_with(tmp_path: Path, tail: str) -> Path:
    """A folder of the C1 table alone, ``tail`` written below it."""
    d = tmp_path / "published"
    d.mkdir()
    shutil.copy(PUBLISHED / C1, d)
    with open(d / C1, "a", encoding="utf-8") as fh:
        fh.write(tail)
    return d


@pytest.fixture(scope="module")
def c1_alone(tmp_path_factory):
    from workbench.published import read_published
    return read_published(_published_with(tmp_path_factory.mktemp("c1"), ""))


@pytest.mark.parametrize("tail, lines", [
    ("," * 15 + "\n" + "," * 15 + "\n", "lines 42 to 43"),          # Excel's rows once used
    ("\nSource: Children in need census 2024\n", "lines 42 to 43"),
    ("Notes:" + "," * 15 + "\nc = suppressed\n", "lines 42 to 43")])
def test_empty_rows_and_notes_below_a_table_are_read_past(tmp_path, c1_alone, tail, lines):
    # before: "c1_...csv: line 42: column geographic_level: expected 'National', 'Regional' or
    # 'Local authority', got ''": the table refused for the empty rows a spreadsheet saves, or
    # for a source line under it, while a title above it was read past
    from workbench.published import find_authority, read_published
    got = read_published(_published_with(tmp_path, tail))
    pd.testing.assert_frame_equal(got.figures, c1_alone.figures)
    said = [n for n in got.notes if n.startswith(C1)]
    assert said == [f"{C1}: 2 line(s) with no figures (empty rows, or notes below the table such "
                    f"as a source) were read past: {lines}"]
    assert find_authority(got, "Durham").get("referrals").value == 6974


@pytest.mark.parametrize("tail", [
    "2025,Reporting year,Locl authority" + "," * 13 + "\n",       # a row typed over: refused
    "Source:,DfE" + "," * 14 + "\n"])                               # two cells: not a note
def test_a_row_below_with_more_than_a_note_is_still_refused(tmp_path, tail):
    from workbench.published import PublishedError, read_published
    with pytest.raises(PublishedError) as exc:
        read_published(_published_with(tmp_path, tail))
    assert f"{C1}: line 42: column" in str(exc.value)


def test_a_bad_cell_after_a_blank_line_names_its_own_line(tmp_path):
    # a blank line inside the table was skipped and the lines after it said one line early
    from workbench.published import PublishedError, read_published
    d = _published_with(tmp_path, "")
    lines = (d / C1).read_text(encoding="utf-8").splitlines()
    cells = lines[5].split(",")
    cells[11] = "6.974"
    lines[5] = ",".join(cells)
    (d / C1).write_text("\n".join(lines[:3] + [""] + lines[3:]) + "\n", encoding="utf-8")
    with pytest.raises(PublishedError) as exc:
        read_published(d)
    assert "line 7: '6.974'" in str(exc.value)


def test_care_going_on_after_an_episode_that_ended_care_is_said(mini):
    # an episode ending care (REC E13) followed the same day by one of a placement move (RNE P):
    # read as a new period of care, an entry to care, without a word
    df = pd.read_csv(mini / EPISODES, dtype=str, keep_default_na=False)
    df.loc[df.index[df.REC == "X1"][0], "REC"] = "E13"
    df.to_csv(mini / EPISODES, index=False)
    said = [n for n in read_returns(mini).notes if "say care went on" in n]
    assert said == [
        "1 SSDA903 episode(s) say care went on (RNE P, L, T, U or B: a change of placement or "
        "legal status) after an episode of the child that ended care (REC not X1) or ended days "
        "before: each is read as a new period of care, an entry to care. If care went on, give "
        "the earlier episode REC X1 and a DEC on this one's DECOM; if care began again, give "
        "this one RNE S"]


# ---------- 6. --data naming the downloaded ZIP (or a CSV) instead of its folder
@pytest.mark.parametrize("name", ["children-in-need_2024.zip", "c1_referrals.CSV"])
def test_data_naming_a_download_says_to_give_its_folder(tmp_path, name):
    # before: "--data .../children-in-need_2024.zip: exists and is not a folder": no word that
    # the folder holding the ZIP is what is read
    from workbench.cli.from_published import _data_not_a_download
    from workbench.errors import UserError
    f = tmp_path / name
    f.write_bytes(b"PK")
    with pytest.raises(UserError) as exc:
        _data_not_a_download(str(f))
    kind = Path(name).suffix[1:].upper()
    assert str(exc.value) == (
        f"--data {f}: this is a downloaded {kind} file, and --data takes the folder it is in: "
        f"give --data {tmp_path} (every CSV table and ZIP in the folder is read, a ZIP as it "
        "came from the service)")
    _data_not_a_download(str(tmp_path))          # a folder: nothing said
