"""Outputs the machine will not let the workbench write (issue 13: "every failure contained").

A read-only folder (or one without permission) is refused before anything runs, naming the
option; a disk that fills during the writing gives one message naming the file, exit status 2,
and leaves the old file or none: never an empty or cut-off report, table or scenario that a
reader could take for the real one. The disk is filled and the folder made read-only by
standing in for ``open`` and ``os.access`` under one folder (the suite may run as root, for whom
permissions do not apply, and without the right to mount a small disk); the same was checked on
real read-only and full tmpfs mounts (see the issue note).
"""

from __future__ import annotations

import builtins
import errno
import io
import os
import shutil
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

from workbench import files
from workbench.cli import main

from conftest import ROOT, SCENARIOS

matplotlib.use("Agg")

BASE = str(SCENARIOS / "baseline.yaml")
VARIANT = str(SCENARIOS / "demand_surge.yaml")
SAMPLE = ROOT / "data" / "sample"
PUBLISHED = ROOT / "tests" / "data" / "published"
SERIAL = ["--executor", "serial", "--no-progress"]


def _under(path, root: Path) -> bool:
    try:
        Path(os.path.abspath(path)).relative_to(root)
    except (TypeError, ValueError):
        return False
    return True


class _Filling:
    """A file being written on a disk with ``room`` bytes left: writes beyond it fail."""

    def __init__(self, real, name: str, disk: "FullDisk"):
        self._real, self._name, self._disk = real, name, disk

    def write(self, data):
        size = len(data)
        if self._disk.room < size:
            part = data[:max(self._disk.room, 0)]
            self._real.write(part)
            self._disk.room = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), self._name)
        self._disk.room -= size
        return self._real.write(data)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._real.close()
        return False

    def __iter__(self):
        return iter(self._real)

    def __getattr__(self, name):
        return getattr(self._real, name)


class FullDisk:
    """Files opened for writing under ``root`` fill the ``room`` bytes left, then fail."""

    def __init__(self, root: Path, room: int):
        self.root, self.room = root, room

    def opener(self, real_open):
        def fake_open(file, mode="r", *args, **kwargs):
            handle = real_open(file, mode, *args, **kwargs)
            if isinstance(file, (str, os.PathLike)) and set(mode) & set("wax") \
                    and _under(file, self.root):
                return _Filling(handle, os.fspath(file), self)
            return handle
        return fake_open


@pytest.fixture
def full_disk(tmp_path, monkeypatch):
    """A folder on a disk with 64 bytes left (the fixture's ``disk.room``)."""
    root = tmp_path / "full"
    root.mkdir()
    disk = FullDisk(root.resolve(), 64)
    fake = disk.opener(builtins.open)
    monkeypatch.setattr(builtins, "open", fake)
    monkeypatch.setattr(io, "open", fake)
    return disk


@pytest.fixture
def read_only(tmp_path, monkeypatch):
    """A folder on a read-only disk, as ``os.access`` and ``statvfs`` report it."""
    root = tmp_path / "ro"
    root.mkdir()
    real_access = os.access

    def access(path, mode, *args, **kwargs):
        if mode & os.W_OK and _under(path, root.resolve()):
            return False
        return real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(files, "_read_only", lambda folder: _under(folder, root.resolve()))
    return root


def leftovers(root: Path) -> list[str]:
    """Files under ``root`` that a reader could mistake for output: partial or empty ones."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if p.is_file() and (".partial" in p.name or p.stat().st_size == 0))


def stopped(capsys, argv: list[str], *parts: str) -> str:
    """``workbench argv`` stops with status 2, one message and no traceback, saying ``parts``."""
    try:
        rc = main(argv)
    except SystemExit as exc:
        rc = exc.code
    err = capsys.readouterr().err
    assert rc == 2, err
    assert "Traceback" not in err and "Errno" not in err, err
    for part in parts:
        assert part in err, f"{part!r} not in {err!r}"
    return err


# ---------------------------------------------------------------------------- workbench.files
def test_a_write_that_fills_the_disk_leaves_the_old_file_and_says_so(full_disk):
    target = full_disk.root / "report.html"
    full_disk.room = 10**6
    files.write_text(target, "the report of last month")
    full_disk.room = 64
    with pytest.raises(files.CannotWrite) as err:
        files.write_text(target, "x" * 10_000, "--out")
    assert str(err.value) == (f"--out {target}: cannot write it (the disk is full); nothing was "
                              f"written there")
    assert target.read_text() == "the report of last month"
    assert leftovers(full_disk.root) == []


def test_a_new_file_that_fills_the_disk_is_not_left_behind(full_disk):
    for write in (lambda p: files.write_text(p, "y" * 5000),
                  lambda p: files.write_bytes(p, b"y" * 5000),
                  lambda p: files.write_table(p, pd.DataFrame({"a": range(2000)}))):
        target = full_disk.root / "table.csv"
        with pytest.raises(files.CannotWrite, match="the disk is full"):
            write(target)
        assert not target.exists() and leftovers(full_disk.root) == []


def test_a_failure_while_writing_leaves_nothing_and_is_not_disguised(tmp_path):
    target = tmp_path / "a.csv"
    with pytest.raises(ZeroDivisionError):
        with files.writing(target) as tmp:
            tmp.write_text("half")
            1 / 0
    assert list(tmp_path.iterdir()) == []
    # an OSError that is not the disk's (here: a connection) is a fault, passed on as it is
    with pytest.raises(ConnectionRefusedError):
        with files.writing(target):
            raise ConnectionRefusedError(errno.ECONNREFUSED, "refused")
    assert list(tmp_path.iterdir()) == []


def test_figures_and_tables_keep_their_format(tmp_path):
    from matplotlib.figure import Figure

    fig = Figure()
    fig.subplots().plot([1, 2], [3, 4])
    png = files.save_figure(tmp_path / "sub" / "chart.png", fig, dpi=50)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = files.write_table(tmp_path / "t.csv", pd.DataFrame({"a": [1, 2]}))
    assert table.read_text().splitlines() == ["a", "1", "2"]
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["chart.png", "sub", "t.csv"]


def test_the_check_before_any_work(tmp_path, read_only):
    with pytest.raises(files.CannotWrite) as err:
        files.check_can_write(read_only / "new" / "deeper" / "r.html", "--out")
    assert str(err.value) == (f"--out {read_only / 'new' / 'deeper' / 'r.html'}: cannot write "
                              f"in {read_only} (the disk is read-only)")
    assert files.check_can_write(tmp_path / "elsewhere" / "r.html") == \
        tmp_path / "elsewhere" / "r.html"
    (tmp_path / "a_file").write_text("x")
    with pytest.raises(files.CannotWrite, match="exists and is not a folder"):
        files.check_can_write(tmp_path / "a_file" / "r.html")


def test_a_folder_that_cannot_be_made(tmp_path):
    (tmp_path / "a_file").write_text("x")
    with pytest.raises(files.CannotWrite, match=r"the folder cannot be made \(a file is in the way"):
        files.make_folder(tmp_path / "a_file", "--out")


# ---------------------------------------------------------------------------- every command
@pytest.fixture(scope="module")
def small_sample(tmp_path_factory) -> Path:
    """The sample extracts of the children of its first 600 rows (whole episodes) and its
    roster: what ``calibrate`` reads below (a whole fit of the sample's 5,455 rows took twice as long,
    and what is tested is where its outputs go)."""
    from conftest import sample_text

    folder = tmp_path_factory.mktemp("sample")
    cases, roster = sample_text(600)
    cases.to_csv(folder / "cases.csv", index=False)
    roster.to_csv(folder / "workforce.csv", index=False)
    return folder


def _commands(root: Path, sample: Path = SAMPLE) -> list[tuple[str, list[str]]]:
    """Each command with its output (the option named in the message) under ``root``;
    ``calibrate`` reads the extracts in ``sample``."""
    ok = root.parent / "ok"
    return [
        ("--out", ["run", BASE, "--years", "0.1", "--out", str(root / "run")]),
        ("--out", ["compare", BASE, VARIANT, "--replications", "1", "--years", "0.1", *SERIAL,
                   "--out", str(root / "cmp")]),
        ("--xlsx", ["compare", BASE, VARIANT, "--replications", "1", "--years", "0.1", *SERIAL,
                    "--out", str(ok / "cmp"), "--xlsx", str(root / "c.xlsx")]),
        ("--out", ["report", BASE, "--replications", "1", "--years", "0.1", "--out",
                   str(root / "r.html")]),
        ("--out", ["calibrate", "--cases", str(sample / "cases.csv"), "--workforce",
                   str(sample / "workforce.csv"), "--out", str(root / "cal.yaml"),
                   "--no-backtest"]),
        ("--report-dir", ["calibrate", "--cases", str(sample / "cases.csv"), "--workforce",
                          str(sample / "workforce.csv"), "--out", str(ok / "cal.yaml"),
                          "--report-dir", str(root / "fit"), "--no-backtest"]),
        ("--out", ["synthesize", "--out", str(root / "syn"), "--years", "0.5"]),
        ("--out", ["from-published", "--la", "Durham", "--data", str(PUBLISHED), "--out",
                   str(root / "durham.yaml"), "--no-check"]),
        ("--table", ["from-published", "--la", "Durham", "--data", str(PUBLISHED), "--out",
                     str(ok / "durham.yaml"), "--table", str(root / "t.csv"), "--no-check"]),
        ("--csv", ["validation", "--replications", "1", "--years", "0.1", "--csv",
                   str(root / "v.csv")]),
        ("--out", ["new", "Foo", "--from", BASE, "--out", str(root / "foo.yaml")]),
        ("--out", ["optimise", BASE, "--target", "assessment_within_45wd_pct>=1",
                   "--max-trials", "2", "--replications", "2", "--confirm-replications", "3",
                   "--lever", "academy_intake_per_year=0:24:12", "--years", "0.1", *SERIAL,
                   "--out", str(root / "opt")]),
        ("--out", ["sensitivity", BASE, "--trajectories", "2", "--sobol-top", "0",
                   "--replications", "1", "--years", "0.1", *SERIAL, "--out",
                   str(root / "sens")]),
    ]


@pytest.mark.parametrize("i", range(13))
def test_every_command_refuses_a_read_only_folder_before_any_work(i, capsys, read_only,
                                                                  monkeypatch, small_sample):
    option, argv = _commands(read_only, small_sample)[i]
    from workbench.model.simulation import Simulation

    def no_work(*args, **kwargs):
        raise AssertionError("a simulation started before the output was checked")

    monkeypatch.setattr(Simulation, "__init__", no_work)  # start, not run: run is compiled
    stopped(capsys, argv, f"{option} {read_only}", f"cannot write in {read_only}",
            "(the disk is read-only)")
    assert list(read_only.rglob("*")) == []


# cheap enough to run to the end: the disk fills at the first file each command writes
FILLING = {"run": 0, "compare": 1, "compare --xlsx": 2, "calibrate": 4, "calibrate fit": 5,
           "synthesize": 6, "from-published": 7, "from-published --table": 8, "new": 10}


@pytest.mark.parametrize("which", list(FILLING))
def test_a_disk_that_fills_stops_the_command_with_the_file_named(which, capsys, full_disk,
                                                                small_sample):
    root = full_disk.root
    option, argv = _commands(root, small_sample)[FILLING[which]]
    err = stopped(capsys, argv, f"{root}", "cannot write it (the disk is full); nothing was "
                                           "written there")
    assert err.count("error:") == 1, err
    assert leftovers(root) == [], err


def test_the_report_on_a_full_disk_leaves_no_report(capsys, tmp_path, monkeypatch):
    """The HTML is written last, after an hour of simulation on a real council: a disk that
    fills then must not leave a cut-off report that opens as if it were whole."""
    out = tmp_path / "r.html"
    out.write_text("<p>last month's report</p>")
    real_open = builtins.open
    disk = FullDisk(tmp_path.resolve(), 10**9)

    def open_(file, mode="r", *args, **kwargs):  # the disk fills at the report itself
        if isinstance(file, (str, os.PathLike)) and os.fspath(file).endswith(".partial.html"):
            disk.room = 1000
        return disk.opener(real_open)(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", open_)
    monkeypatch.setattr(io, "open", open_)
    stopped(capsys, ["report", BASE, "--replications", "1", "--years", "0.1", "--executor",
                     "serial", "--warmup-days", "0", "--out", str(out)],
            f"--out {out}: cannot write it (the disk is full)")
    assert out.read_text() == "<p>last month's report</p>"
    assert not list(tmp_path.glob(".*partial*"))


def test_a_write_error_no_command_foresaw_is_one_message(capsys, monkeypatch):
    import workbench.cli.validate as validate

    def disk_full(args):
        raise OSError(errno.ENOSPC, "No space left on device", "/somewhere/file.csv")

    monkeypatch.setattr(validate, "cmd_validate", disk_full)
    stopped(capsys, ["validate", BASE],
            "error: /somewhere/file.csv: cannot write it (the disk is full)")

    def refused(args):
        raise ConnectionRefusedError(errno.ECONNREFUSED, "refused")

    monkeypatch.setattr(validate, "cmd_validate", refused)
    with pytest.raises(ConnectionRefusedError):  # not the disk's: a fault, shown as one
        main(["validate", BASE])


# ---------------------------------------------------------------------------- the managers' app
def test_the_app_says_a_save_it_cannot_write_on_the_page(tmp_path, monkeypatch):
    from workbench.present.app import App

    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copy(SCENARIOS / "baseline.yaml", folder / "baseline.yaml")
    app = App(scenarios_dir=folder, executor="serial", replications=2, years=0.1, seed=1)
    try:
        disk = FullDisk(folder.resolve(), 100)
        fake = disk.opener(builtins.open)
        monkeypatch.setattr(builtins, "open", fake)
        monkeypatch.setattr(io, "open", fake)
        app.set_levers(academy_intake_per_year=24)
        app.save_name.value = "Academy 24"
        app.save_button.click()  # must not raise
        assert "Not saved" in app.save_status.value
        assert "the disk is full" in app.save_status.value
        assert sorted(p.name for p in folder.iterdir()) == ["baseline.yaml"]
    finally:
        app.close()


# ---------------------------------------------------------------------------- outputs over inputs
def test_an_output_is_never_written_over_an_input(capsys, tmp_path):
    """A careless path must not destroy what the command reads: each is refused before any work,
    and the input is unchanged."""
    scenario = tmp_path / "baseline.yaml"
    shutil.copy(SCENARIOS / "baseline.yaml", scenario)
    before = scenario.read_bytes()
    data = tmp_path / "published"
    shutil.copytree(PUBLISHED, data)
    returns = tmp_path / "returns"
    returns.mkdir()
    cases, roster = str(SAMPLE / "cases.csv"), str(SAMPLE / "workforce.csv")
    for argv, said in [
        (["new", "Foo", "--from", str(scenario), "--out", str(scenario), "--force"],
         "is the scenario it starts from"),
        (["calibrate", "--cases", cases, "--workforce", roster, "--template", str(scenario),
          "--out", str(scenario), "--no-backtest"], "is also --template"),
        (["calibrate", "--returns", str(returns), "--out", str(tmp_path / "c.yaml"),
          "--report-dir", str(returns / "fit"), "--no-backtest"], "is inside --returns"),
        (["from-published", "--la", "Durham", "--data", str(data), "--base", str(scenario),
          "--out", str(scenario), "--no-check"], "is also --base"),
        (["from-published", "--la", "Durham", "--data", str(data), "--out",
          str(tmp_path / "d.yaml"), "--table", str(data / "t.csv"), "--no-check"],
         "is inside --data"),
        (["report", str(scenario), "--out", str(scenario)], "ending in .html or .htm"),
        (["validation", "--csv", str(scenario)], "ending in .csv"),
        (["validation", "--markdown", str(tmp_path / "v.txt")], "ending in .md or .markdown"),
        (["from-published", "--la", "Durham", "--data", str(data), "--out",
          str(tmp_path / "d.yaml"), "--table", str(tmp_path / "t.xlsx"), "--no-check"],
         "ending in .csv"),
    ]:
        stopped(capsys, argv, said)
        assert scenario.read_bytes() == before, argv
    assert sorted(p.name for p in tmp_path.iterdir()) == ["baseline.yaml", "published",
                                                          "returns"]
    assert list(returns.iterdir()) == []
    assert sorted(p.name for p in data.iterdir()) == sorted(p.name for p in PUBLISHED.iterdir())


def test_a_file_written_again_keeps_its_link_and_its_permissions(tmp_path):
    real = tmp_path / "shared" / "report.html"
    real.parent.mkdir()
    real.write_text("old")
    real.chmod(0o664)
    link = tmp_path / "report.html"
    link.symlink_to(real)
    files.write_text(link, "new")
    assert link.is_symlink() and real.read_text() == "new"
    assert real.stat().st_mode & 0o777 == 0o664
    assert sorted(p.name for p in real.parent.iterdir()) == ["report.html"]


# ---------------------------------------------------------------------------- the console
@pytest.mark.parametrize("encoding", ["ascii", "cp1252"])
def test_a_console_that_cannot_show_a_name_still_runs_the_command(tmp_path, encoding):
    """Output redirected to a file on Windows is cp1252; an old terminal may be ASCII. A scenario
    named with an emoji or a pound sign must still validate and run, shown with "?"."""
    import subprocess
    import sys

    scenario = tmp_path / "emoji.yaml"
    scenario.write_text(f"base: {Path(BASE).as_posix()}\nname: \"Academy \U0001F680 plan, "
                        f"\u00a35m \u2014 \u00bd agency\"\n", encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    done = subprocess.run([sys.executable, "-m", "workbench.cli", "validate", str(scenario)],
                          capture_output=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr.decode(encoding, "replace")
    assert b"Traceback" not in done.stderr
    assert b"OK (Academy ? plan" in done.stdout


# a place where no folder can be made (it is not the disk refusing: /proc takes no new folders)
NOWHERE = Path("/proc/no-such-folder/out")


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs Linux's /proc")
@pytest.mark.parametrize("i", range(13))
def test_every_command_says_where_no_folder_can_be_made(i, capsys, monkeypatch, small_sample):
    option, argv = _commands(NOWHERE, small_sample)[i]
    from workbench.model.simulation import Simulation

    def no_work(*args, **kwargs):
        raise AssertionError("a simulation started before the output was checked")

    monkeypatch.setattr(Simulation, "__init__", no_work)
    stopped(capsys, argv, str(NOWHERE.parent))
    assert not NOWHERE.parent.exists()
