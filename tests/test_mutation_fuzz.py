"""The slow tier (issue 13): mutation fuzzing of the inputs people hand the workbench.

Not a fixed corpus (those are in test_hostile_*): each test takes a real input (the baseline
scenario; the sample extracts in ``data/sample``; the bundled returns in ``data/returns``: CIN
census XML, SSDA903 and workforce census CSVs, an Annex A workbook), breaks it at random in one to three places (a
field deleted, renamed or given a value of another kind, extreme or non-finite; a list item
dropped or repeated; a column dropped or its header swapped; cells blanked or given a date, a
number, a spreadsheet error, markup ...), and checks what every user may rely on:

- a scenario file is either refused in words (exit status 2, naming the file) or runs: no
  traceback, and a run that validates gives KPIs that are numbers (NaN only where a measure has
  nothing to measure, which the tables show as "n/a");
- an extract is either read or refused with an :class:`ExtractError` (a ``UserError``) whose
  every problem names its file, and no child's or worker's identifier appears in the message;
- a folder of returns is read (with notes) or refused in words, and no child's identifier
  appears in a message, a note or the summary of the files read.

The seeds are fixed, so a failure repeats; ``WB_FUZZ_SEED`` and ``WB_FUZZ_N`` (environment)
explore other mutants by hand. Every kind of break is tried in each test: the scenario and
extract tests assert it of their random mutants (unless ``WB_FUZZ_N`` is set), the returns test
makes each kind in turn first. About 25 seconds in all.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import math
import os
import random

import pytest
import yaml

from workbench import load_scenario, simulate
from workbench.calibration.extracts import ExtractError, read_extracts
from workbench.cli import main
from workbench.errors import UserError

from conftest import ROOT

pytestmark = pytest.mark.slow

SEED = int(os.environ.get("WB_FUZZ_SEED", "20261130"))
N_SCENARIOS = int(os.environ.get("WB_FUZZ_N", "60"))
N_EXTRACTS = int(os.environ.get("WB_FUZZ_N", "60"))

#: values a field may be given instead of its own (another kind, extreme, non-finite, markup)
ODD_VALUES = [-1, 0, 1, -0.0, 0.5, 1.5, 7, 100, 365, 1e12, 1e-12, 2**63, float("nan"),
              float("inf"), -float("inf"), "", "abc", "1e400", " 5 ", "5%", "٣", None, True, [],
              {}, [1, 2], "2020-02-30", "2999-12-31", "<script>alert(1)</script>", "x" * 3000,
              {"dist": "fixed", "value": 0}, {"dist": "gamma", "mean": 1e9, "sd": 1e-9}]


def _paths(node, prefix=()):
    yield prefix
    items = node.items() if isinstance(node, dict) else enumerate(node) \
        if isinstance(node, list) else ()
    for k, v in items:
        yield from _paths(v, prefix + (k,))


def _at(node, path):
    for k in path:
        node = node[k]
    return node


def mutate_scenario(doc: dict, rng: random.Random) -> str:
    """Break ``doc`` in one place; say how."""
    path = rng.choice([p for p in _paths(doc) if p])
    parent, key = _at(doc, path[:-1]), path[-1]
    where = "/".join(map(str, path))
    roll = rng.random()
    if roll < 0.15 and isinstance(parent, dict):
        del parent[key]
        return f"deleted {where}"
    if roll < 0.22 and isinstance(parent, dict):
        parent[f"{key}z"] = parent.pop(key)
        return f"renamed {where}"
    if roll < 0.28 and isinstance(parent, list):
        if rng.random() < 0.5:
            parent.append(copy.deepcopy(parent[key]))
            return f"repeated {where}"
        parent.pop(key)
        return f"dropped {where}"
    old = parent[key]
    if isinstance(old, (int, float)) and not isinstance(old, bool) and rng.random() < 0.5:
        parent[key] = old * rng.choice([10, 1000, 1e6, -1, 1e-3, 0])
        return f"scaled {where} to {parent[key]!r}"
    parent[key] = copy.deepcopy(rng.choice(ODD_VALUES))
    return f"set {where} = {str(parent[key])[:40]!r}"


#: what :func:`mutate_scenario` does, by the first word of its description
SCENARIO_KINDS = ("deleted", "renamed", "repeated", "dropped", "scaled", "set")


@pytest.fixture(scope="module")
def baseline_doc() -> dict:
    return yaml.safe_load((ROOT / "scenarios" / "baseline.yaml").read_text(encoding="utf-8"))


def test_broken_scenario_files_are_refused_in_words_or_run(baseline_doc, tmp_path):
    """60 mutants of the baseline, one to three breaks each (about 80 breaks): every kind of
    :func:`mutate_scenario` is tried (asserted), field values most (two breaks in three). A
    mutant's time is mostly the reading of its YAML (twice, for the few that validate and
    run), so 120 mutants took twice as long to try the same kinds."""
    rng = random.Random(SEED)
    outcomes = {"refused": 0, "ran": 0}
    kinds = set()
    for i in range(N_SCENARIOS):
        doc = copy.deepcopy(baseline_doc)
        how = [mutate_scenario(doc, rng) for _ in range(rng.choice([1, 1, 2, 3]))]
        kinds |= {h.split()[0] for h in how}
        path = tmp_path / f"mutant{i}.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["validate", str(path)])   # an exception here fails the test
        assert code in (0, 2), (how, err.getvalue())
        if code == 2:
            assert path.name in err.getvalue() and "Traceback" not in err.getvalue(), how
            outcomes["refused"] += 1
            continue
        try:
            run = simulate(load_scenario(path), seed=1, years=0.15)
        except UserError:   # refused at the start of the run, in words: allowed
            outcomes["refused"] += 1
            continue
        for name, value in run.kpis.items():
            if isinstance(value, float):
                # NaN: nothing to measure in a short run (no conference held): shown as "n/a"
                assert math.isnan(value) or math.isfinite(value), (how, name, value)
        outcomes["ran"] += 1
    # the mutations must exercise both outcomes, or the test checks less than it says
    assert outcomes["refused"] > N_SCENARIOS // 3 and outcomes["ran"] > 0, outcomes
    if "WB_FUZZ_N" not in os.environ:   # every kind of break tried (fewer mutants may not)
        assert kinds == set(SCENARIO_KINDS), kinds


EXTRACT_VALUES = ["", "x", "-1", "0", "1", "1.5", "1e9", "nan", "inf", "2023-02-29", "1899-12-31",
                  "2099-01-01", "31/12/2022", "2022-13-01", " 2022-06-01 ", "NULL", "#REF!", "#N/A",
                  "Yes", "RC8", '"', ",", "\u202e", "<b>x</b>", "=1+1", "é", "2022-06-01"]


#: a roll of :func:`mutate_table`, :func:`mutate_xml` and :func:`mutate_workbook` that makes
#: each kind of break (given as ``kind``: the roll is drawn all the same, so that a mutant's
#: other draws are as they would be)
TABLE_ROLLS = {"dropped column": 0.05, "swapped headers": 0.13, "repeated row": 0.19,
               "cut row": 0.25, "set column (every row)": 0.5, "set column (3 rows)": 0.5}
XML_ROLLS = {"deleted": 0.1, "repeated": 0.3, "renamed": 0.4, "text": 0.8}
WORKBOOK_ROLLS = {"deleted column": 0.05, "deleted row": 0.12, "cell": 0.5}


def mutate_table(rows: list[list[str]], rng: random.Random, kind: str | None = None) -> str:
    """Break a CSV table (header first) in one place, at random or of ``kind`` (of
    :data:`TABLE_ROLLS`); say how."""
    header = rows[0]
    roll = rng.random() if kind is None else (rng.random(), TABLE_ROLLS[kind])[1]
    if roll < 0.1:
        j = rng.randrange(len(header))
        for r in rows:
            del r[j:j + 1]
        return f"dropped column {j}"
    if roll < 0.16:
        a, b = rng.sample(range(len(header)), 2)
        header[a], header[b] = header[b], header[a]
        return f"swapped headers {a} and {b}"
    if roll < 0.22:
        i = rng.randrange(1, len(rows))
        rows.insert(i, list(rows[i]))
        return f"repeated row {i}"
    if roll < 0.27:
        i = rng.randrange(1, len(rows))
        rows[i] = rows[i][:rng.randrange(1, len(rows[i]))]
        return f"cut row {i}"
    j = rng.randrange(len(header))
    value = rng.choice(EXTRACT_VALUES)
    every = rng.random() < 0.3 if kind is None else (rng.random(), kind.endswith("every row)"))[1]
    for i in (range(1, len(rows)) if every else rng.sample(range(1, len(rows)), 3)):
        if j < len(rows[i]):
            rows[i][j] = value
    return f"set column {j} to {value!r} in {'every row' if every else '3 rows'}"


#: what :func:`mutate_table` does, by the first words of its description
TABLE_KINDS = ("dropped column", "swapped headers", "repeated row", "cut row",
               "set column (every row)", "set column (3 rows)")


def table_kind(how: str) -> str:
    if how.startswith("set column"):
        return "set column (every row)" if how.endswith("every row") else "set column (3 rows)"
    return " ".join(how.split()[:2])


#: the sample's children of its first rows (whole episodes; the reading costs by the row, and
#: a mutant breaks one place, so the other 4,900 rows only made each mutant slower to read)
EXTRACT_CHILDREN_OF_ROWS = 400


def test_broken_extracts_are_read_or_refused_by_row_without_identifiers(tmp_path):
    """The sample extracts (the cases of the children of its first 400 rows, whole episodes,
    and the whole roster), one table broken in one place, 60 times: every kind of
    :func:`mutate_table` is tried (asserted)."""
    from conftest import sample_text

    tables = {name: [list(df.columns)] + df.values.tolist()
              for name, df in zip(("cases.csv", "workforce.csv"),
                                  sample_text(EXTRACT_CHILDREN_OF_ROWS))}
    ids = {r[0] for r in tables["cases.csv"][1:]} | {r[0] for r in tables["workforce.csv"][1:]} \
        | {r[-1] for r in tables["cases.csv"][1:] if r[-1]}
    rng = random.Random(SEED + 1)
    outcomes = {"refused": 0, "read": 0}
    kinds = set()
    for i in range(N_EXTRACTS):
        broken = {name: [list(r) for r in rows] for name, rows in tables.items()}
        target = "cases.csv" if rng.random() < 0.6 else "workforce.csv"
        how = mutate_table(broken[target], rng)
        kinds.add(table_kind(how))
        folder = tmp_path / f"mutant{i}"
        folder.mkdir()
        for name, rows in broken.items():
            with open(folder / name, "w", newline="", encoding="utf-8") as fh:
                csv.writer(fh).writerows(rows)
        try:
            read_extracts(folder / "cases.csv", folder / "workforce.csv")
        except ExtractError as exc:   # any other exception fails the test
            text = str(exc)
            assert exc.problems and all(p.file in ("cases.csv", "workforce.csv")
                                        for p in exc.problems), (target, how)
            assert not [x for x in ids if x in text], (target, how)
            outcomes["refused"] += 1
            continue
        outcomes["read"] += 1
    assert outcomes["refused"] > N_EXTRACTS // 3 and outcomes["read"] > 0, outcomes
    if "WB_FUZZ_N" not in os.environ:   # every kind of break tried (fewer mutants may not)
        assert kinds == set(TABLE_KINDS), kinds


#: each kind of break of each kind of file once (13 mutants: :data:`RETURN_KINDS`), then
#: three at random: a mutant's time is the whole folder's reading (0.9 s, the same for any
#: break), and the 24 at random it was tried 9 of the 13 kinds
N_RETURNS = int(os.environ.get("WB_FUZZ_N", "16"))
RETURN_KINDS = ([(".xml", k) for k in XML_ROLLS] + [(".xlsx", k) for k in WORKBOOK_ROLLS]
                + [(".csv", k) for k in TABLE_ROLLS])


def mutate_xml(path, rng: random.Random, kind: str | None = None) -> str:
    """Break a CIN census: an element deleted, repeated or renamed, or given odd text (at
    random, or ``kind`` of :data:`XML_ROLLS`)."""
    import xml.etree.ElementTree as ET

    tree = ET.parse(path)
    parents = {child: parent for parent in tree.getroot().iter() for child in parent}
    element = rng.choice(list(parents))
    roll = rng.random() if kind is None else (rng.random(), XML_ROLLS[kind])[1]
    parent = parents[element]
    if roll < 0.25:
        parent.remove(element)
        how = f"deleted <{element.tag}>"
    elif roll < 0.35:
        parent.insert(list(parent).index(element), ET.fromstring(ET.tostring(element)))
        how = f"repeated <{element.tag}>"
    elif roll < 0.42:
        element.tag += "X"
        how = f"renamed <{element.tag}>"
    else:
        element.text = rng.choice(EXTRACT_VALUES)
        how = f"<{element.tag}> = {element.text!r}"
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return how


def mutate_workbook(path, rng: random.Random, kind: str | None = None) -> str:
    """Break an Annex A workbook: a column or row deleted, or a cell given an odd value (at
    random, or ``kind`` of :data:`WORKBOOK_ROLLS`)."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = rng.choice(wb.worksheets)
    roll = rng.random() if kind is None else (rng.random(), WORKBOOK_ROLLS[kind])[1]
    if roll < 0.1:
        col = rng.randrange(1, ws.max_column + 1)
        ws.delete_cols(col)
        how = f"{ws.title}: deleted column {col}"
    elif roll < 0.15:
        row = rng.randrange(1, ws.max_row + 1)
        ws.delete_rows(row)
        how = f"{ws.title}: deleted row {row}"
    else:
        cell = ws.cell(rng.randrange(1, ws.max_row + 2), rng.randrange(1, ws.max_column + 2))
        cell.value = rng.choice(EXTRACT_VALUES + [12345, -3.5, 44927])
        how = f"{ws.title}: {cell.coordinate} = {cell.value!r}"
    wb.save(path)
    return how


def test_broken_returns_are_read_or_refused_without_identifiers(tmp_path):
    """The bundled returns (CIN census XML, SSDA903 and workforce census CSVs, an Annex A
    workbook), one or two files broken: read, with notes, or refused in words; never a
    traceback, and no child's id in a message, a note or the files' summary. The first 13
    mutants' first break is each of :data:`RETURN_KINDS` in turn (in a file of its kind drawn
    at random), the rest at random."""
    from workbench.calibration.returns import read_returns

    from conftest import return_ids, returns_copy

    ids = return_ids()
    rng = random.Random(SEED + 2)
    outcomes = {"refused": 0, "read": 0}
    for i in range(N_RETURNS):
        folder = returns_copy(tmp_path / f"mutant{i}")
        how = []
        for b in range(rng.choice([1, 1, 2])):
            suffix, kind = RETURN_KINDS[i] if b == 0 and i < len(RETURN_KINDS) else (None, None)
            path = rng.choice([p for p in sorted(folder.iterdir())
                               if suffix in (None, p.suffix)
                               and (suffix != ".csv" or len(p.read_bytes().splitlines()) > 3)])
            if path.suffix == ".xml":
                how.append(f"{path.name}: {mutate_xml(path, rng, kind)}")
            elif path.suffix == ".xlsx":
                how.append(f"{path.name}: {mutate_workbook(path, rng, kind)}")
            else:
                rows = list(csv.reader(open(path, newline="", encoding="utf-8")))
                if len(rows) > 3:
                    how.append(f"{path.name}: {mutate_table(rows, rng, kind)}")
                    with open(path, "w", newline="", encoding="utf-8") as fh:
                        csv.writer(fh).writerows(rows)
        try:
            data = read_returns(folder)
        except ExtractError as exc:   # any other exception fails the test
            text = str(exc)
            outcomes["refused"] += 1
        else:
            text = "\n".join(data.notes + data.files_summary())
            outcomes["read"] += 1
        assert not [x for x in ids if x in text], how
    assert outcomes["refused"] > 0 and outcomes["read"] > 0, outcomes
