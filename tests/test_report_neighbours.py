"""Issue 18: the committee report can set the authority beside its statistical neighbours and
England (``workbench report --published DIR --la NAME --neighbour NAME``).

The report with the section is test_report.py's (``rendered``, built once there with
``--published --la --neighbour``): its test_the_report_shows_the_authority_against_its_neighbours
makes the checks that were here, on that report."""
from __future__ import annotations

from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.cli.report import load_neighbours
from workbench.errors import UserError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "published"


def test_bad_neighbour_options_fail_clearly_before_anything_runs(tmp_path, capsys):
    assert load_neighbours(None, "") is None
    with pytest.raises(UserError, match="need --published"):
        load_neighbours(None, "Durham")
    with pytest.raises(UserError, match="needs --la"):
        load_neighbours(DATA, "")
    with pytest.raises(UserError, match="not a folder"):
        load_neighbours(tmp_path / "missing", "Durham")
    with pytest.raises(UserError, match="close matches: County Durham"):
        load_neighbours(DATA, "Durhm")
    # through the command line: one line, exit 2, no report written
    out = tmp_path / "r.html"
    assert main(["report", "--out", str(out), "--published", str(DATA), "--la", "Durham",
                 "--neighbour", "Nowhere"]) == 2
    assert "Nowhere" in capsys.readouterr().err and not out.exists()
