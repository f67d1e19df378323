"""Session 15: an output folder that cannot be made is refused before any work, whoever runs the
command (root's permission bits say yes everywhere, /proc included); the report's kernels; the
synthetic window."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench import files
from workbench.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"


def test_calibrate_refuses_an_out_under_proc_before_reading_or_fitting(monkeypatch, capsys):
    import workbench.calibration.extracts as extracts

    def never(*a, **k):
        raise AssertionError("the extracts were read")

    monkeypatch.setattr(extracts, "read_extracts", never)
    code = main(["calibrate", "--cases", str(SAMPLE / "cases.csv"), "--workforce",
                 str(SAMPLE / "workforce.csv"), "--out", "/proc/no-such-folder/out/cal.yaml"])
    err = capsys.readouterr().err
    assert code == 2
    assert "--out /proc/no-such-folder/out/cal.yaml: cannot write in /proc" in err
    assert "Traceback" not in err


def test_the_probe_leaves_nothing_behind_and_still_passes_a_writable_folder(tmp_path):
    target = tmp_path / "a" / "b" / "out.yaml"
    assert files.check_can_write(target, "--out") == target
    assert list(tmp_path.iterdir()) == []  # nothing made, not even the probe
    with pytest.raises(files.CannotWrite, match=r"--report-dir /proc/x: cannot write in /proc"):
        files.check_can_write(Path("/proc/x"), "--report-dir")


def test_two_report_kernels_started_together_get_sockets_of_their_own(tmp_path, monkeypatch):
    """jupyter_client names a kernel's local sockets kernel-ipc-1 ... in the current folder,
    chosen before the kernel binds them: two reports started there at once could take the same
    names. The report's kernels get names of their own in Jupyter's runtime folder."""
    import asyncio

    from workbench.cli.report import _kernel_transport

    monkeypatch.chdir(tmp_path)
    manager = _kernel_transport()["kernel_manager_class"]

    async def both():
        a, b = manager(kernel_name="python3"), manager(kernel_name="python3")
        await asyncio.gather(a.start_kernel(), b.start_kernel())
        try:
            clients = [a.client(), b.client()]
            for c in clients:
                c.start_channels()
            await asyncio.gather(*(c.wait_for_ready(timeout=60) for c in clients))
            for c in clients:
                c.stop_channels()
            return a.ip, b.ip
        finally:
            await asyncio.gather(a.shutdown_kernel(now=True), b.shutdown_kernel(now=True))

    ip_a, ip_b = asyncio.run(both())
    assert ip_a != ip_b
    assert all(Path(ip).is_absolute() and Path(ip).name.startswith("workbench-")
               for ip in (ip_a, ip_b))
    assert list(tmp_path.iterdir()) == []  # nothing in the folder the command ran from


def test_a_synthetic_window_under_half_a_month_is_refused_not_ended_before_it_starts(
        tmp_path, capsys):
    """--years 0.01 wrote extracts whose window ended the day before it started."""
    code = main(["synthesize", "--out", str(tmp_path / "syn"), "--years", "0.01"])
    err = capsys.readouterr().err
    assert code == 2 and "--years (years) 0.01: the synthetic window is whole months" in err
    assert "give at least 0.042" in err and not (tmp_path / "syn").exists()
