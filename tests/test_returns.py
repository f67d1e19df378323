"""Issue 16: the statutory returns (CIN census XML, SSDA903, Annex A, workforce census) read,
combined across years and fitted; broken returns get named errors without identifiers; a
dataset made without the model is recovered (not circular)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import shutil

import pytest

from workbench.calibration.derive_timeliness import elapsed_histogram
from workbench.calibration.extracts import ExtractError
from workbench.calibration.returns import read_returns
from workbench.calibration.returns.independent import Truth, generate
from workbench.calibration.returns.write import Irregularities, write_returns
from workbench.scenario import load_scenario
from workbench.scenario.basics import Histogram

START, CUT, END = dt.date(2020, 4, 1), dt.date(2021, 4, 1), dt.date(2023, 3, 31)
TRUTH = Truth()


@pytest.fixture(scope="module")
def tables():
    return generate(START, END, TRUTH, seed=3)


@pytest.fixture(scope="module")
def folder(tables, tmp_path_factory):
    out = tmp_path_factory.mktemp("returns")
    write_returns(out, *tables, CUT, END, seed=1,
                  irregular=Irregularities(duplicate=0.03, late=0.03, missing=0.03))
    return out


@pytest.fixture(scope="module")
def data(folder):
    return read_returns(folder)


def test_all_four_formats_are_written_and_recognised(folder, data):
    names = sorted(p.name for p in folder.iterdir())
    assert {"cin_census_2022.xml", "cin_census_2023.xml", "ssda903_episodes_2023.csv",
            "ssda903_header_2023.csv", "annex_a.xlsx", "workforce_census_2023.csv"} <= set(names)
    assert set(data.files.kind) == {"cin", "ssda903", "ssda903_header", "ssda903_oc3", "annex_a",
                                    "workforce"}
    assert any("given twice" in n for n in data.notes)       # duplicates merged, and said so


def test_years_combine_into_one_history(tables, data):
    cases, _ = tables
    in_window = cases[(cases.CINreferralDate >= CUT.isoformat())]
    got = data.cases.episodes
    n_win = int((got.referral >= (CUT - dt.date(1970, 1, 1)).days).sum())
    # late records appear in the next year's census; only the last year's late ones are lost
    assert abs(n_win - len(in_window)) <= 0.01 * len(in_window)
    # 3% of episodes have their assessment's end left blank in one year's return: where the
    # next year's return holds the episode the date is filled from it, so fewer stay missing
    a = data.cases.stages[data.cases.stages.stage == "assessment"]
    closed_eps = set(got.episode[got.closure.notna()])
    done = a[a.episode.isin(closed_eps)]
    assert 0 < done.end.isna().mean() < 0.03
    assert (data.cases.stages.stage == "lac").sum() > 0       # SSDA903 episodes joined into periods


@pytest.fixture(scope="module")
def command(folder, tmp_path_factory):
    """``workbench calibrate --returns folder`` over the window CUT to END, run once: its exit
    status, what it printed, the scenario it wrote, and the Calibration it made (the command's
    call of :func:`~workbench.calibration.fit.calibrate`, with the data the reader gave and the
    bundled baseline as template: the fit test reads that fit rather than making it again)."""
    import workbench.calibration.fit as fit_module
    from workbench.cli import main

    made = []
    real = fit_module.calibrate

    def keep(*args, **kw):
        made.append(real(*args, **kw))
        return made[-1]

    tmp = tmp_path_factory.mktemp("command")
    out = tmp / "fitted.yaml"
    printed = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(printed):
        mp.setattr(fit_module, "calibrate", keep)
        code = main(["calibrate", "--returns", str(folder), "--out", str(out), "--report-dir",
                     str(tmp / "rep"), "--window-start", CUT.isoformat(), "--window-end",
                     END.isoformat(), "--no-backtest"])
    return code, printed.getvalue(), out, made


def test_fit_recovers_the_independent_truth(data, command):
    *_, made = command
    [cal] = made
    assert cal.window_start == CUT and cal.window_end == END
    assert cal.fit_args["sources"] == data.sources and cal.fit_args["seed"] == 0
    t = cal.table.set_index("parameter")

    def inside(p, value, slack=0.0):
        lo, hi = t.loc[p, "lower"], t.loc[p, "upper"]
        assert lo - slack <= value <= hi + slack, (p, value, lo, hi)

    inside("front_door.nfa_pct", TRUTH.nfa_pct)
    inside("stages.s47.next.icpc", TRUTH.icpc_pct / 100)
    inside("stages.cp.duration_days.mean", TRUTH.plan_mean_days["cp"])
    inside("stages.lac.duration_days.mean", TRUTH.plan_mean_days["lac"], slack=50)
    # uniform 8..44 working days, whole days: median about 25-26
    assert abs(t.loc["stages.assessment.elapsed_wd.median", "estimate"] - 25.5) <= 2
    sc = cal.scenario
    assert sc.stages["assessment"].elapsed_wd.dist == "histogram"
    assert "CIN census" in sc.sources["calibration"] and "workforce census" in sc.sources["calibration"]


def test_elapsed_histogram_is_a_valid_schema_histogram():
    import numpy as np
    wd = np.arange(1, 101, dtype=float)
    ended = np.ones(100, dtype=bool)
    ended[-10:] = False          # the longest still open: censored
    h = elapsed_histogram(wd, ended)
    Histogram(**h)                # validates: edges increase, probabilities sum to 1
    assert h["edges"][0] == 1.0 and abs(sum(h["probs"]) - 1) < 1e-9
    assert elapsed_histogram(wd[:5], ended[:5]) is None       # too few to fit


# --------------------------------------------------------------------------------------------
# Broken returns: named errors (file, row or element, field), never an identifier
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small(tables, tmp_path_factory):
    """The same process's returns, written (as ``folder``) for one child in five: the broken
    returns below are copies of it, each read whole (most of a read is the CIN census XML and
    Annex A's rows). It reads without a problem as it is."""
    cases, workforce = tables
    kept = set(cases.LAchildID.unique()[::5])
    out = tmp_path_factory.mktemp("returns_small")
    write_returns(out, cases[cases.LAchildID.isin(kept)], workforce, CUT, END, seed=1,
                  irregular=Irregularities(duplicate=0.03, late=0.03, missing=0.03))
    read_returns(out)
    return out


def _broken(folder, tmp_path, edit):
    out = tmp_path / "r"
    shutil.copytree(folder, out)
    ids = edit(out)
    with pytest.raises(ExtractError) as e:
        read_returns(out)
    msg = str(e.value)
    for i in ids:
        assert i not in msg, "an identifier leaked into a message"
    return msg


def _first_id(text: str, tag: str) -> str:
    return re.search(rf"<{tag}>([^<]+)</{tag}>", text).group(1)


def test_bad_date_in_the_census_names_element_and_field(small, tmp_path):
    def edit(out):
        p = out / "cin_census_2023.xml"
        t = p.read_text()
        lid = _first_id(t, "LAchildID")
        ref = _first_id(t, "CINreferralDate")
        p.write_text(t.replace(f"<CINreferralDate>{ref}<", "<CINreferralDate>2022-02-30<", 1))
        return [lid]
    msg = _broken(small, tmp_path, edit)
    assert re.search(r"cin_census_2023\.xml, element Child 1 / CINdetails 1 \(line \d+\), "
                     r"field CINreferralDate: '2022-02-30' is not a date", msg)


def test_malformed_xml_names_the_line(small, tmp_path):
    def edit(out):
        p = out / "cin_census_2022.xml"
        p.write_text(p.read_text()[:5000])
        return []
    msg = _broken(small, tmp_path, edit)
    assert "cin_census_2022.xml" in msg and "not well-formed XML" in msg


def test_ssda903_problems_name_row_and_column(small, tmp_path):
    def edit(out):
        p = out / "ssda903_episodes_2023.csv"
        lines = p.read_text().splitlines()
        head = lines[0].split(",")
        cells = lines[1].split(",")
        cells[head.index("RNE")] = "Q"
        lines[1] = ",".join(cells)
        p.write_text("\n".join(lines) + "\n")
        q = out / "ssda903_episodes_2022.csv"
        q.write_text(q.read_text().replace("DECOM", "DATE_START", 1))
        return [cells[head.index("CHILD")]]
    msg = _broken(small, tmp_path, edit)
    assert "ssda903_episodes_2023.csv, row 2, field RNE: unknown code" in msg
    assert "ssda903_episodes_2022.csv" in msg


def test_order_problem_found_after_combining_points_at_the_return(small, tmp_path):
    """A CP plan ending before it starts is found by the combined table's checks, and reported
    against the census element it came from."""
    def edit(out):
        p = out / "cin_census_2023.xml"
        t = p.read_text()
        m = re.search(r"<CPPstartDate>([^<]+)</CPPstartDate>\s*<CPPendDate>([^<]+)</CPPendDate>", t)
        t = t[:m.start(2)] + "2000-01-01" + t[m.end(2):]
        p.write_text(t)
        return []
    msg = _broken(small, tmp_path, edit)
    assert re.search(r"cin_census_2023\.xml, element Child \d+ / CINdetails \d+ / "
                     r"ChildProtectionPlans 1 \(line \d+\), field CPPendDate: ends before", msg)


def test_workforce_and_missing_returns_are_named(small, tmp_path):
    def edit(out):
        for p in out.glob("workforce_census_*.csv"):
            p.write_text(p.read_text().replace("OrgRole", "Role"))
        return []
    msg = _broken(small, tmp_path, edit)
    assert "workforce_census_2023.csv, field OrgRole: required column is missing" in msg
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ExtractError, match="no case return found"):
        read_returns(empty)


def test_annex_a_bad_date_names_sheet_row_and_title(small, tmp_path):
    import openpyxl

    def edit(out):
        p = out / "annex_a.xlsx"
        wb = openpyxl.load_workbook(p)
        ws = wb["List 7 CP"]
        child = ws.cell(row=4, column=1).value
        ws.cell(row=4, column=2).value = "31/02/2023"
        wb.save(p)
        return [child]
    msg = _broken(small, tmp_path, edit)
    assert ("annex_a.xlsx [List 7 CP], row 4, field Child Protection Plan Start Date: "
            "'31/02/2023' is not a date") in msg


def test_cli_calibrates_from_a_folder_of_returns(command, capsys):
    from workbench.cli import main
    code, text, out, _ = command
    assert code == 0
    assert "CIN census: 2 file(s), years 2022-2023" in text
    assert "Fitted from the data" in text and "Left at the template's values" in text
    assert "stages.assessment.elapsed_wd" in text
    load_scenario(out)      # a valid scenario
    bad = main(["calibrate", "--out", str(out)])
    assert bad == 2 and "--returns DIR" in capsys.readouterr().err
