"""The slow tier (issue 13): mutation fuzzing of the published statistics ``workbench
from-published`` reads (tests/data/published: the service's layout, invented figures).

Each mutant breaks the folder in one or two places: a cell (the authority's own row or any
row) given a value of another kind, extreme, non-finite or markup; a column dropped, renamed or
swapped with another; a row repeated with another value or cut short; a file emptied, deleted,
copied, filled with random bytes or saved in Windows-1252. Then ``workbench from-published``
(without the out-of-sample run) either refuses in words (exit status 2, the message naming a
file or the authority) or writes a scenario that loads and validates, with no NaN or infinity in
it. Fixed seeds; ``WB_FUZZ_SEED`` and ``WB_FUZZ_N`` explore others by hand.
"""
from __future__ import annotations

import contextlib
import csv
import io
import os
import random
import shutil
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.scenario import load_scenario

from conftest import ROOT

pytestmark = pytest.mark.slow

DATA = ROOT / "tests" / "data" / "published"
SEED = int(os.environ.get("WB_FUZZ_SEED", "20261130"))
#: 30 mutants, one or two breaks each (about 40 breaks): every kind of :data:`KINDS` is tried
#: (asserted). A mutant's time is the whole ``from-published`` (reading every table and the
#: template), the same for any break, so 60 mutants took twice as long to try the same kinds.
N = int(os.environ.get("WB_FUZZ_N", "30"))
VALUES = ["-5", "1e400", "nan", "inf", "", "c", ":", "99999999999", "0", "150", "-0.0", "1,2,3",
          "\u0663\u0664", "5.5.5", "<b>x</b>", "2024-01-01", " 7 ", "0x10", "12%", "1000000000",
          "101.5", "low"]


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8", errors="replace"))))


def _write(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


#: the breaks :func:`mutate` makes (its description starts with the kind); a cell of the
#: authority's own rows is drawn twice as often as any row's
KINDS = ["cell", "own_cell", "own_cell", "drop_column", "rename_column", "swap_columns",
         "repeat_row", "cut_row", "empty", "delete", "copy", "bytes", "cp1252"]


def mutate(folder: Path, rng: random.Random) -> str:
    f = rng.choice(sorted(folder.glob("*.csv")))
    rows = _rows(f)
    kind = rng.choice(KINDS)
    what = f"{kind} in {f.name}"
    if kind in ("cell", "own_cell"):
        lines = [i for i, r in enumerate(rows[1:], 1) if kind == "cell" or "Durham" in ",".join(r)]
        if lines:
            i, j = rng.choice(lines), rng.randrange(len(rows[0]))
            rows[i][j] = rng.choice(VALUES)
            what += f": line {i + 1}, {rows[0][j]} = {rows[i][j]!r}"
    elif kind == "drop_column":
        j = rng.randrange(len(rows[0]))
        what += f": {rows[0][j]}"
        rows = [r[:j] + r[j + 1:] for r in rows]
    elif kind == "rename_column":
        j = rng.randrange(len(rows[0]))
        rows[0][j] += "_old"
    elif kind == "swap_columns":
        a, b = rng.sample(range(len(rows[0])), 2)
        rows[0][a], rows[0][b] = rows[0][b], rows[0][a]
    elif kind == "repeat_row":
        i = rng.randrange(1, len(rows))
        twin = list(rows[i])
        twin[-1] = rng.choice(["1", "77", twin[-1]])
        rows.insert(i + 1, twin)
    elif kind == "cut_row":
        i = rng.randrange(1, len(rows))
        rows[i] = rows[i][:rng.randrange(len(rows[i]))]
    elif kind == "empty":
        f.write_text("")
        return what
    elif kind == "delete":
        f.unlink()
        return what
    elif kind == "copy":
        shutil.copy(f, folder / ("copy of " + f.name))
        return what
    elif kind == "bytes":
        f.write_bytes(bytes(rng.randrange(256) for _ in range(400)))
        return what
    elif kind == "cp1252":
        f.write_bytes(f.read_text().replace("County Durham", "County Durhäm £").encode("cp1252"))
        return what
    _write(f, rows)
    return what


def test_broken_published_files_are_refused_in_words_or_give_a_valid_scenario(tmp_path):
    rng = random.Random(SEED)
    outcomes = {"refused": 0, "written": 0}
    kinds = set()
    for k in range(N):
        folder = tmp_path / f"m{k}"
        shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("*.py"))
        breaks = [mutate(folder, rng) for _ in range(rng.choice([1, 1, 2]))]
        kinds |= {b.split()[0] for b in breaks}
        what = "; ".join(breaks)
        out_file = tmp_path / f"m{k}.yaml"
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["from-published", "--la", "Durham", "--data", str(folder), "--out",
                         str(out_file), "--no-check"])
        said = err.getvalue()
        assert "Traceback" not in said, f"{what}: {said[-2000:]}"
        if code == 0:
            text = out_file.read_text()
            assert ".nan" not in text.lower() and ".inf" not in text.lower(), what
            load_scenario(out_file)          # validates, or raises
            outcomes["written"] += 1
        else:
            assert code == 2, f"{what}: status {code}: {said}"
            assert not out_file.exists(), what
            assert ".csv" in said or ".zip" in said or "Durh" in said, f"{what}: {said}"
            outcomes["refused"] += 1
    # the mutants must test both ways out
    assert outcomes["refused"] >= N // 5 and outcomes["written"] >= N // 5, outcomes
    if "WB_FUZZ_N" not in os.environ:   # every kind of break tried (fewer mutants may not)
        assert kinds == set(KINDS), kinds
