"""Round 12's audit of scenario files, ``validate``, ``run``, ``compare`` and experiments: odd
but valid scenarios, options at their edges and the figures a run writes. Each test failed
before its fix."""
from __future__ import annotations

import pytest

from workbench.cli import main

from conftest import ROOT

BASE = str(ROOT / "scenarios" / "baseline.yaml")


def _file(tmp_path, body: str, name: str = "s.yaml", head: str = f"base: {BASE}\nname: s\n"):
    p = tmp_path / name
    p.write_text(head + body, encoding="utf-8")
    return p


def test_run_years_past_what_a_trend_allows_is_refused_before_running(tmp_path, capsys):
    # a trend of 100% a year is valid over the scenario's own year; `run --years 30` asked for
    # an array of 32 TiB and stopped with a numpy traceback
    p = _file(tmp_path, "horizon_years: 1\ndemand: {trend_pct_per_year: 100}\n")
    assert main(["validate", str(p)]) == 0
    capsys.readouterr()
    assert main(["run", str(p), "--years", "30", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "--years 30: demand:" in err and "over 30 years" in err
    assert "at most 5,000,000 are supported" in err and "give a shorter --years" in err
    assert "Traceback" not in err and not (tmp_path / "o").exists()
