"""Audit 14 (published data: boundary changes and years): ``--year Y`` uses year Y throughout
(the figures, the neighbours' table and the out-of-sample check), a named pipe among the
published files is skipped with a note as the returns reader skips one, and what authorities
whose boundaries changed (splits and mergers), revised rows, years written ``2022/23`` and
renamed columns showed. Each test builds a small folder in tmp_path from tests/data/published
(figures invented)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from workbench.cli.main import main
from workbench.published import PublishedError, find_authority, read_published
from workbench.published.build import build_scenario
from workbench.scenario.load import load_raw

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "published"
BASE = ROOT / "scenarios" / "england_average.yaml"
C1 = "c1_referrals_la_2020_to_2024.csv"
SWF = "swf_indicators_la_2019_to_2023.csv"


@pytest.fixture(scope="module")
def base():
    return load_raw(BASE)


@pytest.fixture(scope="module")
def published():
    return read_published(DATA)


def copy_of(folder: Path) -> Path:
    d = folder / "published"
    shutil.copytree(DATA, d, ignore=shutil.ignore_patterns("*.py"))
    return d


def edit(path: Path, change) -> None:
    """Rewrite a published CSV file through ``change(df) -> df`` (every cell as text)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(df).to_csv(path, index=False)


# ------------------------------------------------------------ 1. a named pipe is skipped, said
def test_a_pipe_among_the_published_files_is_skipped_with_a_note(tmp_path):
    # before: 'pipe.csv: not a file (a pipe or a device named like one)': every table refused
    # for one stray entry, where the returns reader skips it with a note
    data = copy_of(tmp_path)
    os.mkfifo(data / "pipe.csv")
    got = read_published(data)
    assert "c1_referrals_la_2020_to_2024.csv" in got.files
    said = [n for n in got.notes if "pipe.csv" in n]
    assert len(said) == 1 and ("pipe.csv (a named pipe, not a file: never opened; copy the "
                               "table itself into the folder if it is one)") in said[0]


def test_a_pipe_alone_is_named_in_the_refusal(tmp_path):
    os.mkfifo(tmp_path / "c1.csv")
    with pytest.raises(PublishedError) as exc:
        read_published(tmp_path)
    assert "none of the published tables" in str(exc.value)
    assert "c1.csv is a named pipe, not a file: never opened" in str(exc.value)
