"""The managers' app in a real browser (issue 14): Debian's headless Chromium, driven by Playwright,
does what a manager does, on the page ``workbench app`` serves.

Start from "Academy expansion" (24 academy places), limit agency staff to 10%, press Run, read a
value from the result table, save the scenario, download the workbook; the saved file then runs
from the command line. The test fails on any browser console error and on any request that leaves
this computer (the app works offline). Outside CI it is skipped when ``/usr/bin/chromium`` is missing
(Debian: ``apt-get install chromium``); in CI that fails instead; Playwright never downloads a browser of its own here.
"""

from __future__ import annotations

import re
import shutil
import time
from urllib.parse import urlparse

import openpyxl
import pytest

from workbench.analysis.registry import KPIS
from workbench.cli import main
from workbench.present.app_server import free_port, start
from workbench.scenario import load_scenario, scenario_files

from conftest import SCENARIOS, needs_chromium

NAME = "Academy 24 + agency cap 10%"

pytestmark = needs_chromium  # never skipped in CI: there a missing browser is a failure


@pytest.fixture(scope="module")
def served(tmp_path_factory, stopping):
    """The app on a free loopback port, over a copy of the bundled scenarios; two runs of half
    a year (the table's readings and the download, not the numbers, are checked here). The
    port is one the system gives, not the app's usual 8866 when it is free: other test files
    (another worker) start servers too, and a server losing the race for a port would leave
    this test on the other one."""
    folder = tmp_path_factory.mktemp("team") / "scenarios"
    folder.mkdir()
    for p in scenario_files(SCENARIOS):
        shutil.copy(p, folder / p.name)
    proc, url = start(port=free_port(preferred=None), host="127.0.0.1", scenarios=folder,
                      replications=2, years=0.5, quiet=True)
    yield url, folder
    proc.terminate()
    stopping.append(proc)  # Voila takes seconds to stop its kernels: the next tests go on


def lever(page, label: str):
    """The slider handle of the control labelled ``label``."""
    row = page.locator(".widget-slider, .widget-hslider").filter(has_text=label)
    return row.locator(".noUi-handle")


def test_a_manager_builds_runs_saves_and_downloads(served, chromium, tmp_path):
    url, folder = served
    context = chromium.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors, away = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: away.append(r.url)
            if urlparse(r.url).hostname not in ("127.0.0.1", "localhost") and
            not r.url.startswith(("data:", "blob:")) else None)

    page.goto(url, timeout=120_000)
    page.get_by_text("Children's social care workforce: try a policy").wait_for(timeout=120_000)
    # the plan search is on the page, with three target rows (it is run without a browser in
    # test_app.py: a search takes minutes)
    page.get_by_role("button", name="Find the cheapest plan").wait_for(timeout=30_000)
    assert page.locator("select").filter(
        has_text=KPIS["assessment_within_45wd_pct"].label).count() == 3

    # pick the starting scenario
    page.locator("select").first.select_option(label="Academy expansion (academy_expansion.yaml)")
    page.get_by_text("Academy expansion", exact=True).first.wait_for()
    # move a lever: the agency limit, from "No limit" five steps to 10%
    page.get_by_role("tab", name="Agency staff").click()
    handle = lever(page, "Limit on agency staff")
    handle.focus()
    for _ in range(5):
        handle.press("ArrowRight")
    page.get_by_text("Your changes from Academy expansion").wait_for(timeout=30_000)
    page.get_by_text(re.compile("Limit on agency staff .*: no limit → 10%")).wait_for(timeout=30_000)

    # Run, and wait for the result table
    t0 = time.perf_counter()
    page.get_by_role("button", name="Run").click()
    page.get_by_text(re.compile(r"Done in \d")).wait_for(timeout=120_000)
    seconds = time.perf_counter() - t0
    print(f"\nRun to result table in the browser: {seconds:.1f} s")
    # the keyboard's focus is back on Run (disabled while it ran, it had left focus on the body)
    page.wait_for_function("() => document.activeElement && document.activeElement.tagName "
                           "=== 'BUTTON' && document.activeElement.textContent.trim() === 'Run'",
                           timeout=15_000)
    table = page.locator("table").filter(has_text="Reading").first
    label = KPIS["agency_share_pct"].label
    row = table.locator("tr").filter(has_text=label)
    cells = row.locator("th, td").all_inner_texts()   # the measure is the row's header
    assert cells[0] == label
    assert re.fullmatch(r"\d+\.\d%", cells[1]) and re.fullmatch(r"\d+\.\d%", cells[2])
    assert re.fullmatch(r"[+-]?\d+\.\d pts", cells[3]), cells
    assert cells[5] in ("higher", "lower", "no clear change"), cells

    # save the scenario
    page.get_by_label("Name your scenario").fill(NAME)
    page.get_by_label("Your name").fill("Browser test")
    page.get_by_role("button", name="Save scenario").click()
    page.get_by_text("Saved as").wait_for(timeout=30_000)
    saved = folder / "academy_24_agency_cap_10.yaml"
    sc = load_scenario(saved)
    assert sc.name == NAME and sc.academy.intake_per_year == 24 and sc.agency.cap_share_pct == 10
    assert "base: academy_expansion.yaml" in saved.read_text(encoding="utf-8")
    assert page.locator("select").first.locator("option", has_text=NAME).count() == 1

    # download the workbook
    with page.expect_download(timeout=30_000) as dl:
        page.get_by_text("Download the results (Excel workbook)").click()
    xlsx = tmp_path / dl.value.suggested_filename
    dl.value.save_as(xlsx)
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["Results", "Differences", "Weekly", "Run details"]
    assert KPIS["agency_share_pct"].label in [c.value for c in wb["Results"]["A"]]

    context.close()
    assert not errors, f"browser console errors: {errors}"
    assert not away, f"requests that left this computer: {away}"

    # the saved file runs from the command line as it is
    assert main(["run", str(saved), "--years", "0.1", "--out", str(tmp_path / "run")]) == 0
