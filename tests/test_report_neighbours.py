"""Issue 18: the committee report can set the authority beside its statistical neighbours and
England (``workbench report --published DIR --la NAME --neighbour NAME``)."""
from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from workbench.cli.main import main
from workbench.cli.report import build_report, load_neighbours
from workbench.errors import UserError

ROOT = Path(__file__).resolve().parents[1]
SC = ROOT / "scenarios"
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


def test_the_report_shows_the_authority_against_its_neighbours(tmp_path):
    out = tmp_path / "report.html"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        build_report([SC / "baseline.yaml", SC / "academy_expansion.yaml"], out,
                     replications=2, seed=5, years=0.25, executor="serial", progress=False,
                     published=DATA, la="Durham", neighbours=["Gateshead", "Sunderland"])
    page = out.read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", page)
    text = re.sub(r"\s+", " ", text)
    assert "County Durham against its neighbours and England" in text
    # after the charts, with its table (caption, header scopes) and a chart with a text alternative
    assert text.index("Cost a year") < text.index("County Durham against its neighbours")
    section = page[page.index('id="neighbours"'):]
    assert "<caption" in section and 'scope="col"' in section and 'scope="row"' in section
    assert re.search(r'<img src="data:image/png;base64,[^"]+" alt="[^"]{40,}"', section)
    assert "Gateshead" in section and "Sunderland" in section
    assert "<script" not in page
