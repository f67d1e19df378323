"""``workbench from-published``: a scenario for any English council from its published statistics.

    workbench from-published --la NAME --data DIR --out scenarios/NAME.yaml
                             [--year Y] [--base FILE] [--no-check] [--replications N]
    workbench from-published --la NAME --la NEIGHBOUR ... --data DIR --out DIR [--table FILE]

Reads the Department for Education's CSV files in DIR (see docs/published.md for which to
download), finds each authority by name or code, and writes a scenario for it: a variant of the
England-average authority whose every value cites the table, year and figure it came from. With
several authorities ``--out`` is a folder (one file each) and a table sets them beside each
other and England (the statistical-neighbour view; ``--table`` writes it as CSV).

Each scenario is then checked out of sample: the scenario as at 31 March of the year before the
latest (built from the figures up to then only) is simulated for that year and set beside the
published figures of the latest year, in the validation page's table (``--no-check`` skips it).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from .. import files
from ..errors import UserError
from ..scenario.catalog import PACKAGE_ROOT, project_root
from . import args as types

_reps = types.Number(int, 1, 200)
_year = types.Number(int, 2000, 2100)


def register(subparsers) -> None:
    """Add the ``from-published`` subcommand to the ``workbench`` parser."""
    c = subparsers.add_parser(
        "from-published",
        help="write a scenario for any English council from DfE's published statistics",
        description="Read the published children in need, children looked after and social "
                    "work workforce CSV files in a folder and write a scenario for an "
                    "authority, every value citing the table, year and figure it came from; "
                    "then check it out of sample on the latest year.")
    c.add_argument("--la", action="append", required=True, metavar="NAME",
                   help="the authority, by name (\"Durham\") or code (E06000047, 840); give it "
                        "again for neighbours (then --out is a folder)")
    c.add_argument("--data", required=True, metavar="DIR",
                   help="the folder of downloaded CSV (or ZIP) files")
    c.add_argument("--out", required=True, metavar="FILE",
                   help="the scenario file to write (.yaml); a folder with several --la")
    c.add_argument("--year", default=None, metavar="Y",
                   help="start at 31 March of this year (2023, or 2022/23 for the year it ends in; "
                        "default: the latest in the files)")
    c.add_argument("--base", default=None, metavar="FILE",
                   help="the scenario the file varies, whose values it keeps where the "
                        "tables say nothing (default: scenarios/england_average.yaml, the "
                        "England-average authority)")
    c.add_argument("--force", action="store_true",
                   help="replace a scenario file that exists already (default: refuse)")
    c.add_argument("--table", default=None, metavar="FILE",
                   help="also write the authorities-and-England table as CSV")
    c.add_argument("--no-check", action="store_true",
                   help="do not run the out-of-sample check of the latest year")
    c.add_argument("--replications", "-r", default="5", metavar="N",
                   help="replications of the out-of-sample year (whole number, 1-200; default 5)")
    c.add_argument("--executor", default="process", choices=("process", "serial"),
                   help="where the check's replications run (default: a process pool)")
    c.set_defaults(func=cmd_from_published)


def _year_given(value: str | None) -> int | None:
    """``--year`` as a number; a year written as the files may write it (``2022/23``,
    ``2022-23``, ``202223``) is the year it ends in, with a note ("must be a whole number"
    refused the form the files' own years are read in)."""
    if value is None:
        return None
    from ..published.read import _two_years, _year as year_of
    text = str(value).strip()
    six = _two_years(text) or (text if len(text) == 6 and text.isdigit() else None)
    end = year_of(six) if six else None
    short = re.fullmatch(r"(\d{2})\s*[/-]\s*(\d{2})", text)
    if end is None and short and int(short[2]) == (int(short[1]) + 1) % 100:
        end = 2000 + int(short[2])     # 23/24, as a council writes its year: 2024
    if end is not None:
        print(f"note: --year {text} read as {end} (31 March {end}, the end of that year)")
        return _year.parse(str(end), "--year")
    if not text.isdigit():
        # "must be a whole number" said of 'FY2023' or '2024/23', though 2022/23 is read
        shown = text if len(text) <= 20 else text[:20] + "..."
        raise UserError(f"--year must be a whole number, got '{shown}': a year such as 2023 "
                        "(starting at 31 March 2023), or a year written as 2022/23, 2022-23 or "
                        "22/23 (read as the year it ends in, one year after the first)")
    return _year.parse(value, "--year")


def _base_path(value: str | None) -> Path:
    path = Path(value) if value else project_root() / "scenarios" / "england_average.yaml"
    if not path.exists() and not value:
        path = PACKAGE_ROOT / "scenarios" / "england_average.yaml"
    if not path.is_file():
        raise UserError(f"--base {path}: no such scenario file")
    return path


def _targets(names: list[str], out: Path) -> list[Path]:
    """The file each authority's scenario goes to (checked before anything is read)."""
    # the suffix in any case, as every other output option takes it (D.YAML was refused as
    # "expected a .yaml file name", and with two authorities made a folder named D.YAML)
    if len(names) == 1:
        if out.suffix.lower() not in (".yaml", ".yml"):
            raise UserError(f"--out: expected a .yaml file name for one authority, got {out}")
        return [out]
    if out.suffix.lower() in (".yaml", ".yml"):
        raise UserError(f"--out: with {len(names)} authorities --out is a folder (one file "
                        f"each), got the file name {out}")
    return []


def _header(built, folder: str, base: Path) -> str:
    lines = [f"{built.authority.name}: written by `workbench from-published` on {dt.date.today()}",
             f"from the published statistics in {Path(folder).name}/ (files listed in each comment).",
             "Every value below cites the table, the authority, the year, the column and the",
             f"figure [file]; every value not here is {base.name}'s (the base scenario given:",
             "work content, elapsed times, caps, pay, recruitment, agency cover).",
             "Only published aggregates: nothing in this file identifies a child or a worker."]
    lines += [f"note: {n}" for n in built.notes]
    return "\n".join(lines)


def _once(names: list[str]) -> list[str]:
    """The ``--la`` queries with each given once (the same text, but for capitals and spaces),
    in the order given; a note for each one repeated."""
    seen: dict[str, str] = {}
    for q in names:
        key = " ".join(str(q).split()).casefold()
        if key in seen:
            print(f"note: --la {q!r} is given more than once: its scenario is written once")
            continue
        seen[key] = q
    return list(seen.values())


def _distinct(auths: list, queries: list[str]) -> list:
    """The authorities found, each once (a name and a code of the same authority find it
    twice), with a note for each one found again."""
    out, codes = [], {}
    for auth, q in zip(auths, queries):
        key = auth.code or f"name {auth.name}"    # rows with no new_la_code: told by name
        if key in codes:
            print(f"note: --la {q!r} is {auth.name}, given more than once (as "
                  f"{codes[key]!r}): its scenario is written once")
            continue
        codes[key] = q
        out.append(auth)
    return out


def _not_there(targets: list[Path], force: bool) -> None:
    """Refuse scenario files that exist already (as ``workbench new`` does), unless
    ``--force``: a scenario file is often edited by hand after it is written."""
    if force:
        return
    for target in targets:
        if target.exists():
            raise UserError(f"--out {target}: exists already; nothing was written (give "
                            f"another file or folder, or --force to replace it)")


def write_scenario(built, out: Path, base: Path, folder: str) -> Path:
    """Write a built scenario next to its base's relative path and check it loads. The file
    is written beside ``out`` under another name and becomes ``out`` only once it loads: a
    scenario refused leaves nothing (an invalid file left behind made the next run refuse with
    "exists already")."""
    from ..scenario import load_scenario
    from ..scenario.errors import ScenarioError

    files.make_folder(out.parent, "--out")
    try:
        ref = os.path.relpath(base.resolve(), out.parent.resolve())
    except ValueError:  # another drive (Windows): an absolute path
        ref = str(base.resolve())
    text = built.text(Path(ref).as_posix(), _header(built, folder, base))
    with files.writing(out, "--out") as tmp:
        tmp.write_text(text, encoding="utf-8")
        try:
            load_scenario(tmp)
        except ScenarioError as exc:   # a bug in the builder, or a figure it did not foresee
            raise ScenarioError(f"{str(exc).replace(str(tmp), str(out))}\nThe scenario built "
                                f"for {built.authority.name} from the files in {folder} is not "
                                f"valid: nothing was written to {out}") from None
    return out


def _data_not_a_download(data) -> None:
    """--data naming a downloaded file (the service's ZIP, or one CSV table) rather than the
    folder it is in: 'exists and is not a folder' did not say that the folder is read, every
    table and ZIP in it."""
    p = Path(str(data))
    if p.is_file() and p.suffix.lower() in (".zip", ".csv"):
        raise UserError(f"--data {p}: this is a downloaded {p.suffix[1:].upper()} file, and "
                        "--data takes the folder it is in: give --data "
                        f"{p.parent if str(p.parent) != '' else '.'} (every CSV table and ZIP in "
                        "the folder is read, a ZIP as it came from the service)")


def out_of_sample(auth, base_data: dict, replications: int, executor: str = "process",
                  base_name: str = "england_average.yaml", year: int | None = None):
    """Simulate the latest year (or ``year``, the ``--year`` asked for) from the state a year
    before and compare it with what was published, as the validation page's
    :class:`~workbench.present.validation.Validation`. With ``--year`` nothing after it is
    used: the check was of the latest year whatever the year asked for."""
    import pandas as pd

    from ..experiment import run_experiment
    from ..present.tables import period_text
    from ..present.validation import (Benchmark, Validation, benchmark_row, scenario_values,
                                      simulate_for_validation)
    from ..published.build import build_scenario
    from ..published.outofsample import checks

    latest = year if year is not None else auth.years("referrals")[-1]
    built = build_scenario(auth, base_data, year=latest - 1, base_name=base_name)
    scenario = built.scenario(base_data)
    label = scenario.name
    exp = run_experiment({label: scenario}, replications=replications, seed=0, years=1.0,
                         warmup_days=0.0, executor=executor, out=None, progress=False,
                         simulate_fn=simulate_for_validation)
    comparison = f"{auth.name}: the year to 31 March {latest}, from 31 March {latest - 1}"
    values = scenario_values(exp, label)
    rows = []
    for c in checks(auth, latest):
        b = Benchmark(c.key, comparison, c.measure, c.published, c.source, c.low, c.high,
                      c.tolerance)
        col = values[c.measure].dropna() if c.measure in values else None
        rows.append(benchmark_row(b, None if col is None or col.empty else col))
    class Check(Validation):
        def command(self) -> str:   # the table's "made with" line names this command
            return (f"workbench from-published --la {auth.name!r} --data DIR --out FILE "
                    + (f"--year {year} " if year is not None else "")
                    + f"--replications {replications}").replace("'", '"')

    return Check(pd.DataFrame(rows), replications, 1.0, 0,
                 {comparison: period_text(scenario, 1.0, 0.0)},
                 {comparison: (f"{label}, built from the figures to {latest - 1}",)},
                 len(exp.failures), {comparison: exp})


def cmd_from_published(args) -> int:
    from ..present.validation import validation_text
    from ..published import PublishedError, find_authority, read_published
    from ..published.build import build_scenario
    from ..published.years import year_asked
    from ..published.neighbours import neighbour_table
    from ..scenario.load import load_raw
    from ..scenario.save import file_name_for

    out = Path(args.out)
    _data_not_a_download(args.data)
    types.input_folder(args.data, "--data")   # a file given for the folder: said as such
    queries = _once(args.la)
    targets = _targets(queries, out)
    inputs = {"--base": _base_path(args.base), "--data": args.data}
    for target in targets:
        types.not_an_input(types.output_file(target, "--out", ".yaml", ".yml"), "--out", inputs)
    _not_there(targets, args.force)   # one authority: its file is known now
    if not targets:   # several authorities: --out is a folder
        types.not_an_input(types.folder_could_be_made(out, "--out"), "--out", inputs)
    if args.table:
        types.not_an_input(types.output_file(args.table, "--table", ".csv"), "--table", inputs)
    year = _year_given(args.year)
    reps = _reps.parse(args.replications, "--replications")
    base = _base_path(args.base)
    base_data = load_raw(base)
    published = read_published(args.data)
    for note in published.notes:
        print(f"note: {note}")
    auths = _distinct([find_authority(published, q) for q in queries], queries)
    if len(queries) > 1:   # --out is a folder, even if two queries found one authority
        targets = [out / file_name_for(a.name) for a in auths]
    _not_there(targets, args.force)
    if year is not None:   # every authority's referrals given for the year, before any is written
        for auth in auths:
            year_asked(auth, year)
    built_for = {}
    for auth, target in zip(auths, targets):
        built = build_scenario(auth, base_data, year=year, base_name=base.name)
        built_for[id(auth)] = built.year
        write_scenario(built, target, base, args.data)
        print(f"Wrote {target}: {built.data['name']} (a valid scenario; every value cites its "
              f"table, year and figure)")
        for note in built.notes:
            print(f"  note: {note}")
    if len(auths) > 1 or args.table:
        shown, numbers = neighbour_table(auths, year)
        print()
        print(shown.to_string(index=False))
        if args.table:
            files.write_table(args.table, numbers, "--table", float_format="%.6g",
                              formulas_as_text=True)
            print(f"Wrote {args.table}")
    if args.no_check:
        return 0
    for auth in auths:
        if len([y for y in auth.years("referrals") if year is None or y <= year]) < 2:
            upto = f" to {year}" if year is not None else ""
            print(f"\n{auth.name}: one year of referrals in the files{upto}: no out-of-sample "
                  "check")
            continue
        checked = year if year is not None else auth.years("referrals")[-1]
        try:
            check = out_of_sample(auth, base_data, reps, args.executor, base_name=base.name,
                                  year=year)
        except PublishedError as exc:
            # the scenario is written: the check's own start a year earlier may lack a figure
            # (a table downloaded for the latest year only), which ended the command with an
            # error and "download the table" for a table that was there
            print(f"\n{auth.name}: no out-of-sample check of {checked}: the scenario as at 31 "
                  f"March {checked - 1}, which it starts from, cannot be made from the files "
                  f"({exc}). The scenario as at 31 March {built_for[id(auth)]} was written")
            continue
        print()
        print(validation_text(check))
    return 0
