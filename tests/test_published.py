"""Issue 18: a model of any council from its published statistics (workbench/published).

Runs on the fixture files in tests/data/published (the published layout, invented figures).
Model results change while the model is worked on: these tests assert structure, sources,
labels and behaviour, never the model's numbers.
"""
from __future__ import annotations

import math
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from workbench.cli.main import main
from workbench.errors import UserError
from workbench.published import PublishedError, find_authority, read_published
from workbench.published.authorities import Succession
from workbench.published.build import build_scenario
from workbench.published.neighbours import MEASURES, neighbour_table
from workbench.published.outofsample import checks
from workbench.scenario import load_scenario
from workbench.scenario.load import load_raw

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "published"
BASE = ROOT / "scenarios" / "england_average.yaml"


@pytest.fixture(scope="module")
def published():
    return read_published(DATA)


@pytest.fixture(scope="module")
def base():
    return load_raw(BASE)


# --- reading -------------------------------------------------------------------------------

def test_reads_every_table_and_skips_others(published):
    titles = {t for ts in published.files.values() for t in ts}
    for code in ("C1", "C2", "C4", "D1", "D7", "B2"):
        assert any(t.startswith(code + " ") for t in titles), code
    assert any("workforce" in t for t in titles)
    assert {"lac_at31", "lac_starts", "lac_ceased"} <= set(published.figures.measure)
    assert published.skipped == {"c5_referral_source_la_2024.csv":
                                 "not one of the tables the workbench reads"}
    assert set(published.figures.level) == {"la", "national"}   # regional rows not read


def test_symbols_are_gaps_with_their_reason(published):
    f = published.figures
    supp = f[f.raw == "c"]
    assert len(supp) and supp.value.isna().all()
    assert supp.status.str.startswith("suppressed").all()
    for raw, status in ((":", "not available"), ("x", "not available"), ("z", "not applicable")):
        rows = f[f.raw == raw]
        assert len(rows) and rows.value.isna().all() and (rows.status == status).all()


def test_renamed_columns_and_newer_release_wins(published):
    d7 = published.figures[published.figures.measure == "cp_len_3_6m"]
    assert set(d7.column) == {"3_6_months", "more_than_3_months_6_months"}
    # 2021 is in both releases: the newer file's figure is the one kept, and a note says so
    y2021 = d7[(d7.year == 2021)]
    assert set(y2021.file) == {"d7_cpp_length_la_2021_to_2024.csv"}
    assert any("newer release" in n for n in published.notes)
    lac = published.figures[published.figures.measure == "lac_starts"]
    assert set(lac.column) == {"number"}          # the older long layout (cla_group, number)


def _write(tmp_path, name, text):
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


HEAD = "time_period,time_identifier,geographic_level,country_code,country_name,old_la_code,new_la_code,la_name,referral_count\n"


@pytest.mark.parametrize("row,expected", [
    ("2024,Reporting year,Local authority,E92000001,England,840,E06000047,County Durham,lots\n",
     "line 2: 'lots'"),
    ("20x4,Reporting year,Local authority,E92000001,England,840,E06000047,County Durham,5\n",
     "line 2: column time_period"),
])
def test_bad_cells_name_file_line_and_column(tmp_path, row, expected):
    _write(tmp_path, "c1.csv", HEAD + row)
    with pytest.raises(PublishedError) as e:
        read_published(tmp_path)
    assert "c1.csv" in str(e.value) and expected in str(e.value)


def test_missing_geography_and_empty_folder(tmp_path):
    _write(tmp_path, "c1.csv", "time_period,geographic_level,referral_count\n2024,National,5\n")
    with pytest.raises(PublishedError, match="c1.csv: expected the published layout's columns.*"
                                             "missing: la_name, new_la_code"):
        read_published(tmp_path)
    with pytest.raises(PublishedError, match="no such folder"):
        read_published(tmp_path / "nowhere")
    (tmp_path / "c1.csv").unlink()
    _write(tmp_path, "notes.csv", "a,b\n1,2\n")
    with pytest.raises(PublishedError, match="none of the published tables"):
        read_published(tmp_path)


def test_reads_the_service_zip(tmp_path):
    shutil.make_archive(str(tmp_path / "download"), "zip", DATA)
    (tmp_path / "data").mkdir()
    shutil.move(str(tmp_path / "download.zip"), tmp_path / "data" / "download.zip")
    p = read_published(tmp_path / "data")
    assert all(name.startswith("download.zip/") for name in p.files)
    assert len(p.figures) == len(read_published(DATA).figures)


# --- picking an authority -------------------------------------------------------------------

@pytest.mark.parametrize("query", ["Durham", "county durham", "E06000047", "840", "COUNTY DURHAM"])
def test_find_by_name_or_code(published, query):
    assert find_authority(published, query).name == "County Durham"


def test_wrong_name_lists_close_matches(published):
    with pytest.raises(PublishedError) as e:
        find_authority(published, "Sunderlnd")
    assert "close matches: Sunderland" in str(e.value)
    assert isinstance(e.value, UserError)


def test_renamed_authority_is_one_series(published):
    a = find_authority(published, "Hull")
    assert a.name == "Kingston upon Hull"
    assert set(a.figures[a.figures.measure == "referrals"].year) == {2020, 2021, 2022, 2023, 2024}
    assert any("same code" in n for n in a.notes)
    assert a.get("referrals", 2021).name == "Kingston upon Hull, City of"   # as the file has it


def test_new_code_joins_the_series(published):
    a = find_authority(published, "Buckinghamshire")
    assert a.code == "E06000060"
    assert a.get("referrals", 2020) is not None and a.get("inpost_fte", 2019) is not None
    assert any("E10000002" in n for n in a.notes)


def test_merge_sums_counts_and_drops_rates(published):
    merged = (Succession("E06000047", ("E08000024", "E08000037"), 2023, "merge",
                         "a test merger of Sunderland and Gateshead into County Durham"),)
    figs = published.figures.copy()
    # County Durham's own years from 2023 only, as if it were formed then
    keep = ~((figs.code == "E06000047") & (figs.year < 2023))
    published2 = type(published)(figs[keep], published.files, {}, [], published.folder)
    a = find_authority(published2, "E06000047", successions=merged)
    s, g = (find_authority(published, n) for n in ("Sunderland", "Gateshead"))
    assert a.get("referrals", 2022).value == s.get("referrals", 2022).value + g.get("referrals", 2022).value
    assert a.get("rereferral_pct", 2022) is None              # a rate cannot be summed
    assert any("added up" in n for n in a.notes)


def test_split_leaves_earlier_years_out(published):
    split = (Succession("E06000047", ("E08000024",), 2023, "split", "a test split"),)
    figs = published.figures
    published2 = type(published)(figs[~((figs.code == "E06000047") & (figs.year < 2023))],
                                 published.files, {}, [], published.folder)
    a = find_authority(published2, "E06000047", successions=split)
    assert a.years("referrals") == [2023, 2024] and "a test split" in a.notes


# --- the scenario ---------------------------------------------------------------------------

SOURCE = re.compile(r"\[[^\]]+\.csv\]|england_average\.yaml|assumption|written by|labels the|"
                    r"new_la_code|31 March \d{4}: the end")


def test_every_value_cites_its_source(published, base, tmp_path):
    b = build_scenario(find_authority(published, "Durham"), base)
    paths = []

    def walk(node, path):
        for k, v in node.items():
            p = f"{path}.{k}" if path else k
            if isinstance(v, dict) and not any(c.startswith(p) for c in b.comments if c == p):
                walk(v, p)
            else:
                paths.append(p)
    walk(b.data, "")
    for p in paths:
        parents = [p.rsplit(".", i)[0] for i in range(p.count(".") + 1)]
        comment = next((b.comments[q] for q in parents if q in b.comments), None)
        assert comment and SOURCE.search(comment), f"{p}: {comment!r}"
    assert b.data["demand"]["referrals_per_year"] == find_authority(published, "Durham").get("referrals").value
    assert b.data["start_date"].isoformat() == "2024-03-31"


def test_uses_only_figures_up_to_the_year(published, base):
    b = build_scenario(find_authority(published, "Sunderland"), base, year=2022)
    text = re.sub(r"\[[^\]]*\]", "", " ".join(b.comments.values()))   # file names aside
    assert "2023" not in text and "2024" not in text
    assert "30 September 2021" in text            # the workforce census before the start


def test_suppressed_cp_lengths_share_the_rest(published, base):
    b = build_scenario(find_authority(published, "Gateshead"), base)
    probs = b.data["stages"]["cp"]["duration_days"]["probs"]
    assert math.isclose(sum(probs), 1.0, abs_tol=1e-9)
    assert "suppressed bands" in b.comments["stages.cp.duration_days"]


def test_command_writes_a_valid_scenario_fast(tmp_path, capsys):
    out = tmp_path / "scenarios" / "durham.yaml"
    t0 = time.perf_counter()
    assert main(["from-published", "--la", "Durham", "--data", str(DATA), "--out", str(out),
                 "--no-check"]) == 0
    assert time.perf_counter() - t0 < 60
    sc = load_scenario(out)
    assert sc.authority == "County Durham" and str(sc.start_date) == "2024-03-31"
    text = out.read_text(encoding="utf-8")
    assert text.count("[c1_referrals_la_2020_to_2024.csv]") >= 3
    raw = yaml.safe_load(text)
    assert (out.parent / raw["base"]).resolve() == BASE.resolve()
    assert "Wrote" in capsys.readouterr().out


def test_command_errors_are_one_line(tmp_path, capsys):
    rc = main(["from-published", "--la", "Durhm", "--data", str(DATA), "--out",
               str(tmp_path / "x.yaml"), "--no-check"])
    err = capsys.readouterr().err
    assert rc == 2 and "close matches: County Durham" in err and "Traceback" not in err
    rc = main(["from-published", "--la", "Durham", "--la", "Gateshead", "--data", str(DATA),
               "--out", str(tmp_path / "x.yaml"), "--no-check"])
    assert rc == 2 and "is a folder" in capsys.readouterr().err
    assert not (tmp_path / "x.yaml").exists()


def test_neighbours_command_and_table(tmp_path, capsys, published):
    rc = main(["from-published", "--la", "Durham", "--la", "Sunderland", "--la", "E08000037",
               "--data", str(DATA), "--out", str(tmp_path / "ne"), "--table",
               str(tmp_path / "ne.csv"), "--no-check"])
    assert rc == 0
    assert sorted(p.name for p in (tmp_path / "ne").iterdir()) == [
        "county_durham.yaml", "gateshead.yaml", "sunderland.yaml"]
    for p in (tmp_path / "ne").iterdir():
        load_scenario(p)
    out = capsys.readouterr().out
    assert "England" in out and "Children referred a year" in out
    shown, numbers = neighbour_table([find_authority(published, n) for n in ("Durham", "Gateshead")])
    assert list(shown.columns) == ["Measure", "County Durham", "Gateshead", "England"]
    assert list(shown.Measure) == [m[0] for m in MEASURES]
    assert set(numbers.authority) == {"County Durham", "Gateshead", "England"}
    assert (tmp_path / "ne.csv").exists()


# --- the out-of-sample check ------------------------------------------------------------------

def test_checks_cite_the_latest_year(published):
    cs = checks(find_authority(published, "Northumberland"), 2024)
    assert [c.key.split(".")[1] for c in cs][:3] == ["referrals_per_year",
                                                    "assessment_within_45wd_pct",
                                                    "assessment_median_wd"]
    for c in cs:
        assert c.key.startswith("published.")
        if not math.isnan(c.value):
            assert c.low <= c.value <= c.high and ("2024" in c.source or "2023" in c.source)


def test_out_of_sample_table_in_the_validation_format(published, base):
    from workbench.cli.from_published import out_of_sample
    from workbench.present.validation import SHOWN, validation_html, validation_text

    v = out_of_sample(find_authority(published, "Gateshead"), base, 2, executor="serial")
    assert list(v.table.columns[:len(SHOWN)]) == SHOWN
    assert (v.table.Kind == "out of sample").all()
    assert v.table["Model mean"].ne("not modelled yet").sum() >= 8
    text = validation_text(v)
    assert "Gateshead: the year to 31 March 2024, from 31 March 2023" in text
    page = validation_html(v)
    assert "<table" in page and "workbench from-published --la &quot;Gateshead&quot;" in page


def test_runs_as_a_subprocess_without_traceback(tmp_path):
    r = subprocess.run([sys.executable, "-m", "workbench.cli", "from-published", "--la", "Nowhere",
                        "--data", str(DATA), "--out", str(tmp_path / "n.yaml")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "Traceback" not in r.stderr and "--la 'Nowhere'" in r.stderr
