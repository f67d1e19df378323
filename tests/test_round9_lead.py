"""Round 9 (the app audit's defects fixed in the library): a save that races another page for one
name, and a recruitment campaign that runs past the end of the period simulated."""

from __future__ import annotations

import datetime as dt
import errno
import os

import pytest

from workbench import files
from workbench.model import simulate
from workbench.scenario import ScenarioError, load_scenario, validate_scenario
from workbench.scenario import save as save_mod
from workbench.scenario.save import save_variant, variant_template

from conftest import SCENARIOS, returns_copy


# --------------------------------------------------------------------------- D1: racing saves
def test_exclusive_writing_never_replaces_a_file_made_meanwhile(tmp_path):
    target = tmp_path / "a.yaml"
    with pytest.raises(FileExistsError):
        with files.writing(target, exclusive=True) as tmp:
            tmp.write_text("mine\n")
            target.write_text("theirs\n")   # another writer finishes first
    assert target.read_text() == "theirs\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]   # no temporary file left
    # with no file there it is made, and the plain (replacing) mode still replaces
    other = tmp_path / "b.yaml"
    with files.writing(other, exclusive=True) as tmp:
        tmp.write_text("one\n")
    assert other.read_text() == "one\n"
    files.write_text(other, "two\n")
    assert other.read_text() == "two\n"


def test_exclusive_writing_on_a_disk_without_hard_links(tmp_path, monkeypatch):
    def no_links(src, dst, *a, **k):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "a.yaml"
    with files.writing(target, exclusive=True) as tmp:
        tmp.write_text("mine\n")
    assert target.read_text() == "mine\n"
    with pytest.raises(FileExistsError):
        with files.writing(target, exclusive=True) as tmp:
            tmp.write_text("again\n")
    assert target.read_text() == "mine\n"


def _variant(name: str):
    base = load_scenario(SCENARIOS / "baseline.yaml")
    data = base.model_dump(mode="json")
    data["name"] = name
    data["demand"]["referrals_per_year"] = base.demand.referrals_per_year * 1.1
    return validate_scenario(data, "<test>")


def test_two_pages_saving_one_name_at_once_do_not_both_succeed(tmp_path, monkeypatch):
    """Page A's save checks the name, writes and reads back its file; page B saves the same
    name in that moment. Before, A's os.replace then overwrote B's file and both said "Saved
    as"; now A is refused and B's scenario is kept."""
    for p in ("baseline.yaml",):
        (tmp_path / p).write_text((SCENARIOS / p).read_text())
    real = save_mod.variant_yaml

    def racing(base, ref, variant, **kw):
        text = real(base, ref, variant, **kw)
        (tmp_path / "more_referrals.yaml").write_text("# page B's file\n" + text)
        return text

    monkeypatch.setattr(save_mod, "variant_yaml", racing)
    with pytest.raises(ScenarioError, match="saved a moment ago.*another page") as exc:
        save_variant(_variant("More referrals"), tmp_path / "baseline.yaml")
    assert "more_referrals.yaml" in str(exc.value)
    assert (tmp_path / "more_referrals.yaml").read_text().startswith("# page B's file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["baseline.yaml", "more_referrals.yaml"]


def test_new_does_not_overwrite_a_file_made_while_it_writes(tmp_path, monkeypatch):
    (tmp_path / "baseline.yaml").write_text((SCENARIOS / "baseline.yaml").read_text())
    real = save_mod.load_scenario
    calls = []

    def racing(path, *a, **k):
        calls.append(path)
        if len(calls) == 2:   # the template read back: another command makes the file now
            (tmp_path / "my_variant.yaml").write_text("# someone else's\n")
        return real(path, *a, **k)

    monkeypatch.setattr(save_mod, "load_scenario", racing)
    with pytest.raises(ScenarioError, match="made a moment ago"):
        variant_template("My variant", tmp_path / "baseline.yaml")
    assert (tmp_path / "my_variant.yaml").read_text() == "# someone else's\n"


# --------------------------------------------------------------------------- D4: campaigns at the end
def _with_campaign(start: dt.date, end: dt.date, hires: int, cost: float, years: float):
    base = load_scenario(SCENARIOS / "baseline.yaml")
    data = base.model_dump(mode="json")
    data["horizon_years"] = years
    data["recruitment"]["campaigns"] = [{"name": "drive", "start_date": start.isoformat(),
                                         "end_date": end.isoformat(), "hires": hires,
                                         "cost_gbp": cost}]
    return validate_scenario(data, "<test>")


def _campaign_cost(run) -> float:
    c = run.costs
    return float(c.loc[c["category"] == "campaigns", "gbp"].sum())


def test_a_campaign_starting_on_the_last_day_costs_nothing_within_the_period():
    """The app (2 years) and the file it saved (the base's 5 years, run for 2) differed by one
    monthly campaign's cost: the file's month-25 campaign starts on the period's last day,
    charged its whole cost and brought no one within the period."""
    base = load_scenario(SCENARIOS / "baseline.yaml")
    start = base.start_date
    last_day = start + dt.timedelta(days=int(1.0 * 365.25))   # within the year, its last day
    sc = _with_campaign(last_day, last_day + dt.timedelta(days=30), 3, 90_000, 1.0)
    assert _campaign_cost(simulate(sc, seed=1, years=1.0)) == 0.0


def test_a_campaign_straddling_the_end_is_charged_for_the_hires_within_it():
    base = load_scenario(SCENARIOS / "baseline.yaml")
    start = base.start_date
    horizon = 365.25
    # four hires at 1/8, 3/8, 5/8 and 7/8 of 100 days starting 50 days before the end: the first
    # two start within the period (days -37.5 and -12.5 from its end), the other two after it
    c0 = start + dt.timedelta(days=int(horizon) - 50)
    sc = _with_campaign(c0, c0 + dt.timedelta(days=100), 4, 80_000, 1.0)
    assert _campaign_cost(simulate(sc, seed=1, years=1.0)) == pytest.approx(40_000)
    # wholly within the period: its whole cost, to the penny
    inside = _with_campaign(start + dt.timedelta(days=30), start + dt.timedelta(days=130), 3,
                            90_001.37, 1.0)
    assert _campaign_cost(simulate(inside, seed=1, years=1.0)) == 90_001.37
    # a campaign of no hires (an advert that found no one) still costs what it cost
    none = _with_campaign(start + dt.timedelta(days=30), start + dt.timedelta(days=130), 0,
                          5_000, 1.0)
    assert _campaign_cost(simulate(none, seed=1, years=1.0)) == 5_000


def test_the_app_and_its_saved_file_cost_the_same(tmp_path):
    """The app's own scenario (campaigns for the years it simulates) and the file it saves
    (campaigns for the base's horizon) give the same cost when run for the app's years."""
    from workbench.decision.levers import build_scenario

    base = load_scenario(SCENARIOS / "baseline.yaml")
    page = build_scenario(base, {"extra_recruits_per_year": 12}, name="x", years=2.0)
    saved = build_scenario(base, {"extra_recruits_per_year": 12}, name="x",
                           years=float(base.horizon_years))
    assert len(saved.recruitment.campaigns) > len(page.recruitment.campaigns)
    a, b = simulate(page, seed=4, years=2.0), simulate(saved, seed=4, years=2.0)
    assert _campaign_cost(a) == _campaign_cost(b) > 0


# --------------------------------------------------------------------------- small ones
def test_a_difference_shown_as_zero_is_not_called_better():
    """A cost difference of -0.04 (shown as 0.0) whose interval excludes zero was called
    "better" beside the 0.0; it is too small to show."""
    from workbench.present.tables import reading

    assert reading(-0.04, -0.08, -0.01, -1, 0.1) == "too small to show"
    assert reading(-0.06, -0.08, -0.01, -1, 0.1) == "better"   # shows as -0.1
    assert reading(0.04, 0.01, 0.08, +1, 0.1) == "too small to show"


def test_a_lever_range_out_of_bounds_is_named_as_typed():
    from workbench.decision.space import parse_lever_range
    from workbench.errors import UserError

    with pytest.raises(UserError) as exc:
        parse_lever_range("academy_intake_per_year=0:99999999999999999999")
    assert str(exc.value).startswith("lever range 'academy_intake_per_year=0:99999999999999999999'")


def test_the_plan_search_refuses_an_infinite_target(tmp_path):
    import shutil

    from workbench.errors import UserError
    from workbench.present.app import App

    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(SCENARIOS / "baseline.yaml", folder / "baseline.yaml")
    app = App(scenarios_dir=folder, executor="serial", replications=2, years=0.25, seed=1)
    try:
        measure, _comparison, threshold = app.plan_targets[1]
        measure.value = "cost_gbp"           # a measure with no top
        threshold.value = float("inf")
        with pytest.raises(UserError, match="give a target from 0 up"):
            app.plan_settings()
        threshold.value = 1e7
        targets, _ranges = app.plan_settings()
        assert targets[1] in ("cost_gbp<=10000000.0", "cost_gbp>=10000000.0")
    finally:
        app.close()


# --------------------------------------------------------------------------- the back-test's cut
def test_the_back_test_cut_keeps_the_caseloads_of_censuses_before_it():
    """known_at blanked every worker's Cases30 and WorkingDaysLost, also those of returns'
    censuses taken before the cut-off, so the out-of-sample fit's caseloads fell back to the
    template's. They are now those of the latest census before the cut."""
    import numpy as np

    from workbench.calibration.holdout import census_note, known_at
    from workbench.calibration.returns import read_returns
    from workbench.scenario.catalog import PACKAGE_ROOT

    data = read_returns(PACKAGE_ROOT / "data" / "returns")
    full = data.roster.census
    cut = float(full.census.max())                   # the day of the latest census
    _, roster = known_at(data.cases, data.roster, cut)
    w = roster.workers
    assert w.cases30.notna().sum() > 10
    # each worker's Cases30 is the one the latest census before the cut gave her role
    c = roster.census
    latest = c[c.year == c.year.max()]
    assert latest.year.iloc[0] < full.year.max()
    got = w.cases30.to_numpy()[latest.role.to_numpy()]
    np.testing.assert_array_equal(got, latest.cases30.to_numpy(dtype=float))
    assert "taken before the cut-off" in census_note(data.roster)


# --------------------------------------------------------------------------- returns in year folders
def _year_folders(tmp_path, span: bool = False):
    """The bundled returns as a council may keep them: a folder a year, the year left out of
    the files' names (``2023/ssda903_episodes.csv``, or ``2022-23/...``)."""
    import re
    import shutil

    from workbench.scenario.catalog import PACKAGE_ROOT

    out = tmp_path / "returns"
    for f in sorted((PACKAGE_ROOT / "data" / "returns").iterdir()):
        m = re.search(r"_(20\d\d)", f.name)
        if not m:
            out.mkdir(exist_ok=True)
            shutil.copy(f, out / f.name)
            continue
        y = int(m.group(1))
        folder = out / (f"{y - 1}-{y % 100:02d}" if span else str(y))
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(f, folder / f.name.replace(m.group(0), ""))
    return out


@pytest.mark.parametrize("span", [False, True])
def test_returns_kept_in_a_folder_a_year_read_as_named_files(tmp_path, span):
    """A folder a year (2023/ssda903_episodes.csv) was refused: "the collection year is not in
    the file's name". The year now comes from the folder when the name has none."""
    from workbench.calibration.returns import read_returns
    from workbench.scenario.catalog import PACKAGE_ROOT

    named = read_returns(PACKAGE_ROOT / "data" / "returns")
    foldered = read_returns(_year_folders(tmp_path, span))
    assert foldered.collection_years == named.collection_years == [2021, 2022, 2023]
    assert len(foldered.cases.episodes) == len(named.cases.episodes)
    assert len(foldered.cases.stages) == len(named.cases.stages)
    assert sorted(set(foldered.roster.census.year)) == sorted(set(named.roster.census.year))
    assert sorted(foldered.files.year.tolist()) == sorted(named.files.year.tolist())


def test_a_return_with_no_year_in_its_name_or_folder_is_still_refused(tmp_path):
    from workbench.calibration.extracts import ExtractError
    from workbench.calibration.returns import read_returns

    out = _year_folders(tmp_path)
    (out / "2022" / "ssda903_episodes.csv").rename(out / "ssda903_episodes.csv")
    with pytest.raises(ExtractError) as exc:
        read_returns(out)
    assert ("ssda903_episodes.csv: the collection year is not in the file's name or its "
            "folder's") in str(exc.value)


# --------------------------------------------------------------------------- workbench app --close-idle-after
def test_the_app_command_passes_how_long_a_closed_page_keeps_its_process(monkeypatch, capsys):
    from workbench.cli import main
    from workbench.present import app_server

    seen = {}
    monkeypatch.setattr(app_server, "serve", lambda **kw: seen.update(kw) or 0)
    assert main(["app", "--no-browser"]) == 0
    assert (seen["cull_idle_s"], seen["cull_interval_s"]) == (app_server.CULL_IDLE_S,
                                                              app_server.CULL_INTERVAL_S)
    assert main(["app", "--no-browser", "--close-idle-after", "30"]) == 0
    assert (seen["cull_idle_s"], seen["cull_interval_s"]) == (30, 15)
    assert main(["app", "--no-browser", "--close-idle-after", "0"]) == 0
    assert seen["cull_idle_s"] == 0
    seen.clear()
    assert main(["app", "--no-browser", "--close-idle-after", "5"]) == 2
    assert not seen and "give 0 (never) or 10 seconds or more" in capsys.readouterr().err


# --------------------------------------------------------------------------- D3 for Save
def test_save_from_the_page_takes_the_name_as_typed_to_its_last_letter(tmp_path):
    """Typing a name and clicking Save at once: the name's last change reached the kernel after
    the click (the page sends a box's changes one at a time, a click at once), and the scenario
    was saved as "Academy 2" for "Academy 24". Save now waits for the boxes to settle, as Run."""
    import asyncio
    import shutil

    from workbench.present.app import App

    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(SCENARIOS / "baseline.yaml", folder / "baseline.yaml")
    app = App(scenarios_dir=folder, executor="serial", replications=2, years=0.05, seed=1)
    try:
        app.set_levers(academy_intake_per_year=24)

        async def kernel():
            app.save_name.set_state({"value": "Academy 2"})
            app.save_button._handle_custom_msg({"event": "click"}, [])
            assert not app.saved and app.save_button.disabled
            await asyncio.sleep(0.02)
            app.save_name.set_state({"value": "Academy 24"})
            for _ in range(200):
                await asyncio.sleep(0.025)
                if app.saved:
                    return

        asyncio.run(kernel())
        assert [p.name for p in app.saved] == ["academy_24.yaml"]
        assert "Academy 24" in [name for _label, name in app.picker.options]
        assert not app.save_button.disabled
    finally:
        app.close()


# --------------------------------------------------------------------------- returns: audit 9b, lead's two
def test_a_blank_plan_end_is_blamed_on_the_return_that_left_it_blank(tmp_path):
    """The plan is open in the 2021 census (rightly blank) and closed in 2023's, whose end was
    blanked: the message named cin_census_2021.xml (Child 292, line 4872), which is right."""
    from workbench.calibration.extracts import ExtractError
    from workbench.calibration.returns import read_returns

    out = returns_copy(tmp_path)
    p = out / "cin_census_2023.xml"
    lines = p.read_text().split("\n")
    assert lines[188].strip() == "<CINPlanEndDate>2023-01-02</CINPlanEndDate>"
    lines[188] = lines[188].replace("2023-01-02", "")
    p.write_text("\n".join(lines))
    with pytest.raises(ExtractError) as exc:
        read_returns(out)
    msg = str(exc.value)
    assert "cin_census_2023.xml, element Child 12 / CINdetails 1 / CINPlanDates 1" in msg
    assert "field CINPlanEndDate: blank although the episode closed" in msg
    assert "cin_census_2021.xml" not in msg


def test_a_workbook_holding_an_ssda903_table_not_read_is_said_in_words(tmp_path):
    """An .xlsx whose first sheet is an SSDA903 UASC table (CHILD, SEX, DOB, DUC) raised
    KeyError: 'ssda903_other' (a traceback)."""
    import openpyxl

    from workbench.calibration.extracts import ExtractError
    from workbench.calibration.returns import read_returns

    out = returns_copy(tmp_path)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["CHILD", "SEX", "DOB", "DUC"])
    ws.append(["A1", "1", "2010-01-01", "2028-01-01"])
    wb.save(out / "uasc_2023.xlsx")
    with pytest.raises(ExtractError) as exc:
        read_returns(out)
    msg = str(exc.value)
    assert "uasc_2023.xlsx: an SSDA903 table saved as a workbook: only Annex A is read" in msg
    assert "A1" not in msg.replace("Annex A", "")


def test_a_census_in_another_year_s_folder_says_the_folder_not_the_name(tmp_path):
    from workbench.calibration.extracts import ExtractError
    from workbench.calibration.returns import read_returns

    out = _year_folders(tmp_path)
    a, b = out / "2022" / "cin_census.xml", out / "2023" / "cin_census.xml"
    a.rename(tmp_path / "x.xml")
    b.rename(a)
    (tmp_path / "x.xml").rename(b)
    with pytest.raises(ExtractError) as exc:
        read_returns(out)
    msg = str(exc.value)
    assert ("2022/cin_census.xml, element Header / CollectionDetails, field Year: the year of "
            "its folder (2022/) says 2022, its header (Year, ReferenceDate) 2023") in msg
    assert "the file's name says" not in msg
