"""Shared fixtures: the bundled scenarios and small scenarios built in code."""

from __future__ import annotations

import copy
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from workbench.scenario import ScenarioError, load_raw, load_scenario, validate_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"

#: The test files that take longest, longest first: `make test` runs them first, so that
#: pytest-xdist's workers (a file to a worker, `--dist loadfile --no-loadscope-reorder`) finish
#: together instead of one waiting on a heavy file dealt out last (its own order put the files
#: of fewest tests last, which were the heaviest). Measured with `pytest -n auto --dist loadfile
#: --durations=0` on a quiet machine (setup, call and teardown added up by file; 19.9 min of
#: test time in all, the first file 65 s, the run 10 min 22 s), 2026-12-01; a file missing here
#: only runs later, so the list needs no care beyond the heaviest few.
SLOW_FILES_FIRST = (
    "test_app_page_round9.py", "test_calibrate_pressure.py", "test_browser_report.py",
    "test_hostile_round3_calibration.py", "test_hostile_round4_present.py",
    "test_mutation_fuzz.py", "test_hostile_round4_calibration.py",
    "test_extract_plausibility.py", "test_extract_corpus.py", "test_hostile_round7_extracts.py",
    "test_hostile_round5_returns.py", "test_explorer_round9.py", "test_hostile_round6_returns.py",
    "test_experiment_isolation.py", "test_backtest.py", "test_hostile_round7_fit.py",
    "test_workforce.py", "test_report_round10_page.py", "test_returns_csv_round9.py",
    "test_decision_dask.py", "test_returns.py", "test_output_writes.py", "test_decision_cli.py",
    "test_decision_report.py",
)


def pytest_collection_modifyitems(config, items):
    """The slowest files first (:data:`SLOW_FILES_FIRST`), each file's tests kept together and in
    their order; the rest in collection order."""
    rank = {name: i for i, name in enumerate(SLOW_FILES_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(scope="session")
def stopping():
    """Servers a test module told to stop (``proc.terminate()``), waited for at the end of the
    session: Voila takes seconds to stop its kernels, and the next tests go on meanwhile."""
    procs = []
    yield procs
    for proc in procs:
        proc.wait(timeout=60)


@pytest.fixture(scope="session")
def baseline():
    return load_scenario(SCENARIOS / "baseline.yaml")


@pytest.fixture(scope="session")
def baseline_raw():
    return load_raw(SCENARIOS / "baseline.yaml")


def mmc_data(c: int = 3, arrivals_per_day: float = 1.2, mean_service_days: float = 2.0,
             years: float = 2.0) -> dict:
    """A degenerate scenario that is an M/M/c queue.

    One case-holding team of c workers with a cap of one case each (so a worker serves one child
    at a time), Poisson arrivals, exponential work, every day a working day, one hour of casework
    a day per worker (so work hours = service days), an instant front door, and every case closing
    after its assessment. The wait for allocation is then the M/M/c queueing delay.
    """
    return {
        "name": f"M/M/{c}",
        "start_date": "2021-01-01",
        "horizon_years": years,
        "calendar": {"working_days": False},
        "working_time": {"hours_per_fte_week": 7, "case_time_pct": 100, "absence_pct": 0,
                         "min_task_time_pct": 100, "completion_step_hours": 0},
        "demand": {"referrals_per_year": arrivals_per_day * 365.25, "rereferral_pct": 0},
        "front_door": {"team": "door", "decision_hours": {"dist": "fixed", "value": 0.0},
                       "nfa_pct": 0},
        "stages": {"assessment": {
            "team": "duty", "kind": "task",
            "work_hours": {"dist": "exponential", "mean": mean_service_days},
            "next": {"close": 1.0}}},
        "teams": {
            "door": {"case_holding": False, "establishment_fte": 1,
                     "staff": [{"type": "experienced", "count": 1}]},
            "duty": {"establishment_fte": c, "staff": [{"type": "experienced", "count": c}]},
        },
        "caseload": {"caps": {"experienced": 1, "nqsw": 1, "academy": 1, "agency": 1},
                     "hard_limit_pct": 100},
        "costs": {"gbp_per_fte_week": {"experienced": 1000, "nqsw": 900, "academy": 900,
                                       "agency": 1500}},
        "initial": {"open_cases": {}},
    }


@pytest.fixture
def mmc():
    def make(**kw):
        return validate_scenario(mmc_data(**kw), source="<mmc>")
    return make


def small_from_baseline(raw: dict, scale: float = 0.1, years: float = 0.5) -> dict:
    """The baseline scaled down (demand, staff, open cases) for quick tests."""
    d = copy.deepcopy(raw)
    d["horizon_years"] = years
    d["demand"]["referrals_per_year"] *= scale
    for team in d["teams"].values():
        team["establishment_fte"] = max(1.0, round(team["establishment_fte"] * scale, 1))
        for g in team["staff"]:
            g["count"] = max(1, int(round(g["count"] * scale)))
    d["initial"]["open_cases"] = {k: int(round(v * scale)) for k, v in d["initial"]["open_cases"].items()}
    return d


@pytest.fixture
def small(baseline_raw):
    def make(scale=0.1, years=0.5, **changes):
        d = small_from_baseline(baseline_raw, scale, years)
        sc = validate_scenario(d, source="<small>")
        return sc.replace(changes) if changes else sc
    return make


def pids_written(folder, n: int = 2, timeout: float = 90.0) -> list[int]:
    """The pids of ``n`` worker processes that have started a job: each writes ``PID.pid`` into
    ``folder``. Waits up to ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        pids = [int(p.stem) for p in Path(folder).glob("*.pid")]
        if len(pids) >= n:
            return pids
        time.sleep(0.1)
    raise AssertionError(f"the workers did not start within {timeout:g} s")


def still_running(pids, timeout: float = 15.0, poll: float = 0.1) -> list[int]:
    """The processes of ``pids`` still alive (not zombies) after waiting up to ``timeout``
    seconds for them to end. A process that ends while it is being asked about counts as
    ended (the question is racy by nature; it must not fail the test)."""
    import psutil

    def alive(pid: int) -> bool:
        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    end = time.monotonic() + timeout
    left = list(pids)
    while time.monotonic() < end:
        left = [p for p in pids if alive(p)]
        if not left:
            break
        time.sleep(poll)
    return left


def refused_naming(path, parts) -> None:
    """Loading the scenario file ``path`` fails with a message naming the file and every one of
    ``parts`` (the field, and what was expected)."""
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    msg = str(exc.value)
    assert str(path) in msg
    for part in parts:
        assert part in msg, f"{part!r} not in {msg!r}"


def cli_refused(capsys, argv: list[str], *parts: str) -> str:
    """Run ``workbench argv``: status 2 (argparse's exit or ours), no traceback, each of
    ``parts`` said; returns the message."""
    from workbench.cli import main

    try:
        rc = main(argv)
    except SystemExit as exc:  # an argparse type's refusal
        rc = exc.code
    err = capsys.readouterr().err
    assert rc == 2, err
    assert "Traceback" not in err
    for part in parts:
        assert part in err, f"{part!r} not in {err!r}"
    return err


def validate_says(path, part: str, capsys) -> None:
    """``workbench validate path`` exits with status 2 and a message holding ``part``, with no
    traceback."""
    from workbench.cli import main

    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and part in err


def return_ids() -> set[str]:
    """Every child identifier in the bundled returns (``data/returns``): none may appear in a
    message, a note or an output."""
    folder = ROOT / "data" / "returns"
    ids = set()
    for f in folder.glob("*.xml"):
        ids |= set(re.findall(r"<LAchildID>([^<]+)<", f.read_text()))
    for f in folder.glob("*.csv"):
        ids |= set(re.findall(r"^([A-Z][0-9]+),", f.read_text(), re.M))
    return ids

def sample_text(children_of_rows: int):
    """The sample extracts as text: the cases of the children in the first ``children_of_rows``
    rows (their whole episodes), and the roster."""
    import pandas as pd

    cases = pd.read_csv(ROOT / "data" / "sample" / "cases.csv", dtype=str, keep_default_na=False)
    kept = set(cases.LAchildID.iloc[:children_of_rows])
    cases = cases[cases.LAchildID.isin(kept)].reset_index(drop=True)
    roster = pd.read_csv(ROOT / "data" / "sample" / "workforce.csv", dtype=str,
                         keep_default_na=False)
    return cases, roster


def team_folder(tmp_path, names=("baseline.yaml", "academy_expansion.yaml")) -> Path:
    """A team's scenarios folder (``team/scenarios``) holding copies of the bundled ``names``."""
    folder = tmp_path / "team" / "scenarios"
    folder.mkdir(parents=True)
    for name in names:
        shutil.copy(SCENARIOS / name, folder / name)
    return folder


def returns_copy(tmp_path) -> Path:
    """A copy of the bundled returns (``data/returns``) to break, without their README."""
    d = tmp_path / "returns"
    shutil.copytree(ROOT / "data" / "returns", d)
    (d / "README.md").unlink(missing_ok=True)
    return d


@pytest.fixture
def returns(tmp_path) -> Path:
    return returns_copy(tmp_path)


def calibrate_returns(folder: Path, tmp_path, capsys) -> tuple[int, str, str]:
    """``workbench calibrate --returns folder`` (no back-test): exit status, stdout, stderr."""
    from workbench.cli import main

    code = main(["calibrate", "--returns", str(folder), "--out", str(tmp_path / "out.yaml"),
                 "--report-dir", str(tmp_path / "rep"), "--no-backtest"])
    out, err = capsys.readouterr()
    return code, out, err


def refused_returns(folder, tmp_path, capsys, *says: str) -> str:
    """Calibrating from ``folder`` is refused in words holding each of ``says``, with no
    traceback, no child's id and no scenario written; returns the message."""
    code, out, err = calibrate_returns(folder, tmp_path, capsys)
    assert code == 2, err
    assert "Traceback" not in out + err
    for part in says:
        assert part in err, f"{part!r} not in {err[:3000]!r}"
    assert not [i for i in return_ids() if i in out + err]
    assert not (tmp_path / "out.yaml").exists()
    return err


def _chromium() -> str | None:
    from workbench.present.report_page import find_chromium

    return find_chromium()


#: The Chromium the browser tests drive (None when none is installed).
CHROMIUM = _chromium()
#: Browser tests skip only where a developer has no Chromium; in CI (.ci/run installs it) a
#: missing browser is a failure, never a skip.
needs_chromium = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                                    reason="no Chromium installed (Debian: apt-get install "
                                           "chromium; .ci/run does it)")


@pytest.fixture()
def browser():
    """Headless Chromium, one per test: a Playwright session left open would block write_pdf's
    own (its sync API)."""
    from playwright.sync_api import sync_playwright

    from workbench.present.report_page import CHROMIUM_FLAGS

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS[1:])
        yield b
        b.close()


@pytest.fixture(scope="module")
def chromium():
    """Headless Chromium shared by a module's tests (the app's pages, each in its own page or
    context)."""
    from playwright.sync_api import sync_playwright

    from workbench.present.report_page import CHROMIUM_FLAGS

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS[1:])
        yield b
        b.close()


def fits_once_per_input():
    """``workbench.calibration.fit.calibrate`` made once for each distinct input while in use:
    a later call with the same arguments (pickled and hashed: the same cases, roster, template,
    window and seed, so the same seeded fit) gets a deep copy of the first call's result; any
    other input is fitted afresh. A generator for a module's autouse fixture (the modules whose
    tests calibrate returns that read as the bundled ones say which)."""
    import hashlib
    import pickle

    import workbench.calibration.fit as fit_module

    real = fit_module.calibrate
    made = {}

    def calibrate(*args, **kw):
        key = hashlib.sha256(pickle.dumps((args, kw))).digest()
        if key not in made:
            made[key] = real(*args, **kw)
        return copy.deepcopy(made[key])

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(fit_module, "calibrate", calibrate)
        yield
