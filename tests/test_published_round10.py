"""Round 10 audit of ``workbench from-published`` (auditor 10A's findings).

A very small council got no staff at all (each staff group rounded to whole workers on its
own); "London" found the City of London in silence; a --year outside the files, a caseload of 0
and a referral count of 0 (or ``low``) crashed or wrote an invalid file that then blocked the
next run; the old Buckinghamshire code was not followed; B2's count at 31 March was cited as a
year's. Each test here failed before its fix.
"""
from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import cli_refused
from workbench.cli.main import main
from workbench.published import PublishedError, find_authority, read_published
from workbench.published.build import build_scenario
from workbench.scenario import load_scenario
from workbench.scenario.load import load_raw

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "published"
BASE = ROOT / "scenarios" / "england_average.yaml"
C1 = "c1_referrals_la_2020_to_2024.csv"
SWF = "swf_indicators_la_2019_to_2023.csv"
GEO = {"time_period", "time_identifier", "geographic_level", "country_code", "country_name",
       "region_code", "region_name", "old_la_code", "new_la_code", "la_name", "category",
       "characteristic", "breakdown", "cla_group"}


@pytest.fixture(scope="module")
def base():
    return load_raw(BASE)


@pytest.fixture(scope="module")
def published():
    return read_published(DATA)


def copy_of(tmp_path) -> Path:
    d = tmp_path / "published"
    shutil.copytree(DATA, d, ignore=shutil.ignore_patterns("*.py"))
    return d


def rows_of(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def write_rows(path: Path, rows) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def set_cell(path: Path, name: str, year: str, column: str, value: str) -> int:
    """Set an authority's cell for a year; returns the line it is on (the header is 1)."""
    rows = rows_of(path)
    head = rows[0]
    for i, r in enumerate(rows):
        if r[head.index("la_name")] == name and r[head.index("time_period")] == year:
            r[head.index(column)] = value
            write_rows(path, rows)
            return i + 1
    raise AssertionError(f"{name} {year} not in {path.name}")


def with_copy_of_gateshead(folder: Path, name: str, code: str, scale: float) -> None:
    """Add an authority to every file: Gateshead's rows, its counts x ``scale`` (its rates,
    averages and medians kept)."""
    for path in folder.glob("*.csv"):
        rows = rows_of(path)
        head = rows[0]
        if "la_name" not in head:
            continue
        out = [head]
        for r in rows[1:]:
            out.append(r)
            if r[head.index("la_name")] != "Gateshead":
                continue
            c = list(r)
            c[head.index("la_name")], c[head.index("new_la_code")] = name, code
            c[head.index("old_la_code")] = "999"
            for i, h in enumerate(head):
                low = h.lower()
                if h in GEO or any(k in low for k in ("percent", "rate", "caseload", "median",
                                                      "percentile")):
                    continue
                try:
                    c[i] = str(int(round(float(c[i]) * scale)))
                except ValueError:
                    pass
            out.append(c)
        write_rows(path, out)


def staff_fte(team, agency: bool) -> float:
    return sum(g.count * g.fte for g in team.staff if (g.type == "agency") == agency)


def stated(text: str) -> tuple[float, float, float]:
    """The agency, employed FTE and funded posts the teams' comment states."""
    flat = " ".join(line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("#"))
    m = re.search(r"case-holding FTE in post = .*?: agency [\d.]+% = ([\d,.]+), employed "
                  r"([\d,.]+), funded posts .*? = ([\d,.]+)\.", flat)
    assert m, "the teams' comment states no totals"
    return tuple(float(x.replace(",", "")) for x in m.groups())


def check_totals(out: Path, base_raw: dict) -> None:
    """The case-holding teams' staff add up to the comment's figures, and every team the base
    staffs (the front door too) has staff."""
    sc = load_scenario(out)
    agency, employed, posts = stated(out.read_text(encoding="utf-8"))
    holding = [t for t in sc.teams.values() if t.case_holding]
    assert sum(staff_fte(t, True) for t in holding) == pytest.approx(agency, abs=1e-6)
    assert sum(staff_fte(t, False) for t in holding) == pytest.approx(employed, abs=1e-6)
    assert sum(t.establishment_fte for t in holding) == pytest.approx(posts, abs=1e-6)
    for name, team in base_raw["teams"].items():
        if team.get("staff"):
            got = staff_fte(sc.teams[name], False) + staff_fte(sc.teams[name], True)
            assert got > 0, f"teams.{name} has no staff"
            assert sc.teams[name].establishment_fte >= staff_fte(sc.teams[name], False) - 1e-9


# --- 1. staff that add up --------------------------------------------------------------------

@pytest.mark.parametrize("scale", [0.005, 0.03])
def test_a_small_council_is_staffed_as_its_comment_says(tmp_path, capsys, base, scale):
    data = copy_of(tmp_path)
    with_copy_of_gateshead(data, "Isles of Scilly", "E06000053", scale)
    out = tmp_path / "scilly.yaml"
    assert main(["from-published", "--la", "Isles of Scilly", "--data", str(data), "--out",
                 str(out), "--no-check"]) == 0
    check_totals(out, base)
    said = capsys.readouterr().out
    assert "Isles of Scilly is small" in said and "part-time" in said


def test_bundled_authorities_add_up_too(tmp_path, base):
    for la in ("Durham", "Gateshead"):
        out = tmp_path / f"{la}.yaml"
        assert main(["from-published", "--la", la, "--data", str(DATA), "--out", str(out),
                     "--no-check"]) == 0
        check_totals(out, base)
        assert "is small" not in out.read_text(encoding="utf-8")


def test_too_few_staff_for_the_teams_is_refused_in_words(base):
    from workbench.published.staffing import largest_remainder, share_teams

    holding = {k: t for k, t in base["teams"].items() if t.get("case_holding", True)}
    with pytest.raises(PublishedError) as e:
        share_teams(holding, 2, 1, 4, "Tiny", "england_average.yaml")
    msg = str(e.value)
    assert "Tiny: 0.3 case-holding FTE in post" in msg and "5 case-holding teams" in msg
    assert "at least 0.1 FTE each" in msg and "--base" in msg
    assert largest_remainder(7, {"a": 122, "b": 8, "c": 0}) == {"a": 7, "b": 0, "c": 0}
    assert sum(largest_remainder(4799, {"a": 3, "b": 3, "c": 1}).values()) == 4799


# --- 2. a region is not an authority ----------------------------------------------------------

def test_london_is_a_region_not_the_city(tmp_path):
    data = copy_of(tmp_path)
    with_copy_of_gateshead(data, "City of London", "E09000001", 0.05)
    published = read_published(data)
    with pytest.raises(PublishedError) as e:
        find_authority(published, "London")
    assert "--la 'London'" in str(e.value) and "region of England" in str(e.value)
    assert "City of London" in str(e.value)
    assert find_authority(published, "City of London").code == "E09000001"
    durham = find_authority(published, "Durham")
    assert "'Durham' matched 'County Durham'" in " ".join(durham.notes)


# --- 3. --year outside the files ---------------------------------------------------------------

@pytest.mark.parametrize("year", ["2030", "2010"])
def test_a_year_outside_the_files_is_said(tmp_path, capsys, year):
    out = tmp_path / "a.yaml"
    cli_refused(capsys, ["from-published", "--la", "Durham", "--data", str(DATA), "--out",
                         str(out), "--year", year, "--no-check"],
                f"--year {year}", "cover 2020 to 2024", "give a year from 2020 to 2024")
    assert not out.exists()


# --- 4. a caseload of 0 -----------------------------------------------------------------------

@pytest.mark.parametrize("cell", ["0", "low"])
def test_a_caseload_of_0_falls_back_with_a_note(tmp_path, base, cell):
    data = copy_of(tmp_path)
    line = set_cell(data / SWF, "County Durham", "2023", "caseload_fte", cell)
    auth = find_authority(read_published(data), "Durham")
    built = build_scenario(auth, base)
    notes = " ".join(built.notes)
    assert f"caseload for 2023 is not given (given as '{cell}'" in notes
    assert f"cannot be divided by: {SWF}, line {line}): 2022's figure used" in notes
    assert "caseload 17.2 " in built.comments["teams"]   # 2022's figure
    assert "30 September 2022: caseload_fte = 17.2" in built.comments["teams"]


def test_caseloads_of_0_in_every_year_keep_the_base_s(tmp_path, base):
    data = copy_of(tmp_path)
    for year in ("2021", "2022", "2023"):
        set_cell(data / SWF, "County Durham", year, "caseload_fte", "k")
    built = build_scenario(find_authority(read_published(data), "Durham"), base)
    assert ("caseload not in the workforce files above 0 (it is divided by) for 2023 or the "
            "two years before: england_average.yaml's kept") in built.notes
    assert "caseload_fte" not in built.comments["teams"]


# --- 5. a referral count of 0, and nothing left when refused -----------------------------------

def test_a_referral_count_of_low_is_left_out_of_the_trend(tmp_path, capsys, base):
    data = copy_of(tmp_path)
    line = set_cell(data / C1, "County Durham", "2021", "referral_count", "low")
    out = tmp_path / "d.yaml"
    assert main(["from-published", "--la", "Durham", "--data", str(data), "--out", str(out),
                 "--no-check"]) == 0
    said = capsys.readouterr()
    assert "divide by zero" not in said.out + said.err
    assert (f"the referrals' trend leaves out 2021 (referral_count given as 'low', which rounds "
            f"to 0: {C1}, line {line})") in said.out
    trend = yaml.safe_load(out.read_text(encoding="utf-8"))["demand"]["trend_pct_per_year"]
    assert isinstance(trend, float) and -10 <= trend <= 10


def test_a_refused_scenario_leaves_no_file(tmp_path, capsys, monkeypatch):
    import workbench.published.build as build

    real = build.build_scenario

    def broken(*a, **k):
        built = real(*a, **k)
        built.data["demand"]["trend_pct_per_year"] = float("nan")
        return built

    monkeypatch.setattr(build, "build_scenario", broken)
    out = tmp_path / "d.yaml"
    err = cli_refused(capsys, ["from-published", "--la", "Durham", "--data", str(DATA), "--out",
                               str(out), "--no-check"],
                      "demand.trend_pct_per_year", f"nothing was written to {out}")
    assert ".partial" not in err
    assert not out.exists() and not list(tmp_path.glob(".*partial*"))
    monkeypatch.setattr(build, "build_scenario", real)
    assert main(["from-published", "--la", "Durham", "--data", str(DATA), "--out", str(out),
                 "--no-check"]) == 0   # no "exists already"


def test_a_name_with_a_line_break_is_refused_naming_the_cell(tmp_path, capsys):
    data = copy_of(tmp_path)
    for path in data.glob("*.csv"):
        rows = rows_of(path)
        write_rows(path, [[("County\nDurham" if c == "County Durham" else c) for c in r]
                          for r in rows])
    out = tmp_path / "d.yaml"
    cli_refused(capsys, ["from-published", "--la", "E06000047", "--data", str(data), "--out",
                         str(out), "--no-check"],
                "line 4, column la_name", "'County\\nDurham'", "line break")
    assert not out.exists()


# --- 6. an old code followed ------------------------------------------------------------------

def test_the_old_buckinghamshire_code_is_followed(published, base):
    auth = find_authority(published, "E10000002")
    assert auth.code == "E06000060" and auth.name == "Buckinghamshire"
    assert "E10000002 is an old code: the area has been Buckinghamshire (E06000060)" in \
        " ".join(auth.notes)
    assert build_scenario(auth, base).year == 2024
    assert find_authority(published, "825").code == "E06000060"


# --- 7. a count at 31 March is cited as one ----------------------------------------------------

def test_the_disability_count_is_cited_at_31_march(published, base):
    built = build_scenario(find_authority(published, "Durham"), base)
    text = built.comments["initial.open_cases.cin_disability"]
    assert "at 31 March 2024: At31_episodes_disability_recorded = 900" in text
    assert "year to 31 March" not in text
