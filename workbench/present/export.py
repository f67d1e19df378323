"""Results for a briefing: an Excel workbook and labelled CSV files.

One set of tables, :func:`export_tables`, with human labels and units as headers and numbers
rounded for reading (each KPI in its registry format's digits, pounds in millions where the
registry shows millions), feeds both :func:`write_workbook` (one sheet a table) and
:func:`write_labelled_csv` (one file a table, ``*_labelled.csv``, beside the full-precision CSVs
that :meth:`Experiment.save` writes). Only aggregates are exported: averages over runs, their
95% ranges (from :mod:`workbench.analysis.stats`, through the experiment), weekly averages.

Text that a spreadsheet would read as a formula (a scenario name such as
``=HYPERLINK("http://x","click")``, or one starting with ``+``, ``-``, ``@``, a tab or a carriage
return) is kept as text: a cell of the workbook is written as a text cell with Excel's
"quote prefix" (it shows the name as it is, and stays text when edited), and a labelled CSV
cell gets a leading ``'`` (OWASP's advice on CSV injection), :func:`as_text`. Numbers, negative
ones included, are numbers and untouched.

A name that sits inside longer text (a column heading "<name>: average", the list of scenarios,
"Scenario file: <name>") is isolated (:func:`~workbench.present.tables.isolate`: FSI ... PDI
around a right-to-left name), so that it cannot reorder the words and figures around it; a cell
that holds a name alone keeps the name as it is (a cell is a paragraph of its own, and a filter
on the name still matches).
"""

from __future__ import annotations

import io
import math
import re
from pathlib import Path
from typing import Mapping

import pandas as pd

from .. import files as output
from ..files import FORMULA_STARTS, as_text, formula_like
from ..analysis.registry import KPIS, kpi
from .tables import (clip_range, difference_reading, display_name, isolate, run_details,
                     scenario_order)

__all__ = ["FORMULA_STARTS", "WEEKLY_LABELS", "as_text", "export_tables", "formula_like",
           "weekly_label", "workbook_bytes", "write_labelled_csv", "write_workbook"]

#: Labels of the weekly series' columns that are not KPIs (a KPI's label comes from the
#: registry). Stocks are counted at the start of the week, flows during it.
WEEKLY_LABELS = {
    "days_in_run": "Days of the week in the run (7, fewer for a last week cut short)",
    "in_front_door": "Referrals awaiting a front-door decision",
    "unallocated": "Children waiting for a social worker",
    "awaiting_transfer": ("Children waiting to move to another team or worker (their worker keeps "
                          "the case meanwhile)"),
    "open_total": "Open cases",
    "in_assessment": "Children in assessment",
    "fte_total": "Social workers (FTE)",
    "fte_absent": "Social workers on long-term absence (FTE)",
    "fte_employed_case_holding": "Employed case-holding social workers (FTE)",
    "establishment_fte": "Funded posts (FTE)",
    "vacancies_fte": "Vacant posts (FTE)",
    "caseload_per_fte": "Cases per case-holding FTE",
    "work_pressure_mean": "Work pressure (average, 1 = hours match the work)",
    "overtime_pct": "Overtime (% of hours)",
    "service_pressure": "Service pressure (0 = none)",
    "held_unqualified": "Stable cases held by non-qualified staff",
    "referrals": "Children referred in the week",
    "decision_within_1wd_pct": "Front-door decisions within 1 working day (%)",
    "assessments_completed": "Assessments finished in the week",
    "icpcs": "Child protection conferences in the week",
    "sw_changes": "Changes of social worker in the week",
    "starters": "Social workers starting in the week",
    "leavers": "Social workers leaving in the week",
}
_PREFIXES = {"open_": "Open cases: ", "fte_": "Social workers (FTE): ",
             "caseload_p": "Caseload, percentile "}
#: Weekly columns that identify a row rather than measure anything.
_WEEKLY_SKIP = {"scenario", "scenario_name", "digest", "replication", "seed", "week", "date",
                "t_days"}


def _plain_names(prefix: str) -> Mapping[str, str]:
    """The stages' (``open_``) and staff types' (``fte_``) plain names, as the report's appendix
    and charts give them (imported when needed: the charts' module brings matplotlib)."""
    if prefix == "open_":
        from .appendix import STAGE_NAMES
        return STAGE_NAMES
    if prefix == "fte_":
        from .plots import WORKER_LABELS
        return WORKER_LABELS
    return {}


def weekly_label(column: str) -> str:
    """A readable header for a weekly column (the registry's label and unit for a KPI)."""
    if column in WEEKLY_LABELS:
        return WEEKLY_LABELS[column]
    if column in KPIS:
        k = KPIS[column]
        return f"{k.label} ({k.display_unit()})"
    for prefix, words in _PREFIXES.items():
        if column.startswith(prefix):
            rest = column[len(prefix):]
            # a stage or a staff type by the name the report gives it ("Open cases: Section 47
            # enquiry", not "Open cases: s47"; "Newly qualified (ASYE year)", not "nqsw")
            return words + (_plain_names(prefix).get(rest) or rest.replace("_", " "))
    text = column.replace("_pct", " (%)").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _round(x: float, digits: int) -> float | None:
    # (+ 0.0: a small negative value rounds to -0.0, shown "-0.0" in a spreadsheet)
    return (None if x is None or (isinstance(x, float) and math.isnan(x))
            else round(float(x), digits) + 0.0)


def _unit_header(k, difference: bool = False) -> str:
    return k.display_unit(difference).replace("GBP", "£")


def _results(exp, summary: pd.DataFrame) -> pd.DataFrame:
    names = scenario_order(exp.kpis)
    rows = []
    for name in exp.kpi_names:
        k = kpi(name)
        row = {"Measure": k.label, "Unit": _unit_header(k)}
        for s in names:
            r = summary[(summary.scenario == s) & (summary.kpi == name)].iloc[0]
            lo, hi = clip_range(name, float(r.ci_low), float(r.ci_high))
            shown = isolate(display_name(exp, s))
            for col, v in (("average", r["mean"]), ("95% range from", lo), ("95% range to", hi)):
                row[f"{shown}: {col}"] = _round(float(v) * k.display_scale, k.display_digits)
            # a run with nothing to count (no court visit fell due) has no value: the average
            # is of the others, which the sheet did not say (the differences give "Runs paired")
            row[f"{shown}: runs with a value"] = int(r["n"])
        rows.append(row)
    return pd.DataFrame(rows)


def _differences(exp, baseline: str) -> pd.DataFrame:
    cmp = exp.compare(baseline)
    rows = []
    for r in cmp.itertuples():
        k = kpi(r.kpi)
        scale, digits = k.display_scale, k.display_digits
        rows.append({
            "Scenario": display_name(exp, r.scenario),
            "Compared with": display_name(exp, baseline),
            "Measure": k.label,
            # the averages of a percentage are in %, their difference in percentage points:
            # one "Unit" column said "percentage points" of both
            "Unit of the averages": _unit_header(k),
            "Average (compared with)": _round(r.baseline_mean * scale, digits),
            "Average (scenario)": _round(r.variant_mean * scale, digits),
            "Unit of the difference": _unit_header(k, difference=True),
            "Difference": _round(r.difference * scale, digits),
            "95% range of the difference from": _round(r.ci_low * scale, digits),
            "95% range of the difference to": _round(r.ci_high * scale, digits),
            "Reading": difference_reading(r, k),
            "Runs paired": int(r.n),
        })
    return pd.DataFrame(rows)


def _weekly(exp) -> pd.DataFrame:
    # with the days of each week inside the run: the last week of a run that ends part-way
    # through one counts only those days ("Days of the week in the run", after the date)
    weekly_with_days = getattr(exp, "weekly_with_days", None)
    ts = weekly_with_days() if weekly_with_days is not None else exp.timeseries
    cols = [c for c in ts.columns if c not in _WEEKLY_SKIP and pd.api.types.is_numeric_dtype(ts[c])]
    g = ts.groupby(["scenario", "week"], sort=False)
    mean = g[cols].mean().reset_index()
    dates = g["date"].first().reset_index(drop=True) if "date" in ts.columns else None
    out = pd.DataFrame({"Scenario": [display_name(exp, s) for s in mean["scenario"]],
                        "Week": mean["week"].astype(int) + 1})
    if dates is not None:
        out["Week starting"] = pd.to_datetime(dates).dt.date.to_numpy()
    for c in cols:
        out[weekly_label(c)] = mean[c].round(1)
    return out


def _run_details(exp, files) -> pd.DataFrame:
    details = run_details(exp, files)
    seeds = exp.kpis.groupby("scenario", sort=False)["seed"].apply(list)
    extra = [("Scenarios", "; ".join(isolate(display_name(exp, s)) for s in exp.scenarios)),
             ("Seeds of the runs", ", ".join(str(s) for s in seeds.iloc[0]) if len(seeds) else ""),
             ("Note", "Values are averages over the runs with 95% ranges of the average; the "
                      "weekly sheet averages the runs week by week. Only aggregates: no child-level "
                      "data.")]
    extra += _inputs_drawn(exp, seeds)
    return pd.concat([details, pd.DataFrame(extra, columns=["Item", "Value"])], ignore_index=True)


def _inputs_drawn(exp, seeds) -> list[tuple[str, str]]:
    """For each scenario with inputs given as ranges, the values each run drew, seed by seed
    (recomputed from the scenario and the seed, as the run drew them): the labelled tables said
    the inputs were uncertain but not what any run used."""
    from ..scenario.uncertain import draw_inputs, input_value

    rows = []
    for label, sc in exp.scenarios.items():
        if not getattr(sc, "uncertain", None) or label not in seeds.index:
            continue
        runs = []
        for seed in seeds[label]:
            data = draw_inputs(sc, int(seed)).model_dump(mode="python")
            runs.append(f"seed {int(seed)}: " + "; ".join(
                f"{path} = {input_value(data, path):,.4g}" for path in sc.uncertain))
        rows.append((f"Inputs drawn ({isolate(display_name(exp, label))})", " | ".join(runs)))
    return rows


class _NamedApart:
    """An experiment seen with each scenario of a shared name shown under its label (everything
    else is the experiment's own)."""

    def __init__(self, exp, scenarios):
        self._exp, self.scenarios = exp, scenarios

    def __getattr__(self, name):
        return getattr(self._exp, name)


def names_apart(exp):
    """``exp``, or where two of its scenarios share a name (two files of one name given to
    ``workbench compare``), a view of it in which each of those is shown under its label
    (``Baseline (baseline)``, ``Baseline (copy)``), so that no two rows, columns or run details
    of a table read the same."""
    names = [sc.name for sc in exp.scenarios.values()]
    if len(set(names)) == len(names):
        return exp
    return _NamedApart(exp, {label: sc.model_copy(update={"name": label})
                             if names.count(sc.name) > 1 else sc
                             for label, sc in exp.scenarios.items()})


def export_tables(exp, baseline: str | None = None,
                  files: Mapping[str, str | Path] | None = None) -> dict[str, pd.DataFrame]:
    """The tables to export, by sheet name: "Results" (every KPI's average and 95% range per
    scenario), "Differences" (each scenario against the baseline, paired, with its reading; only
    with two or more scenarios), "Weekly" (each week's average over the runs) and "Run details"
    (scenarios, seeds, replications, version, files).

    Parameters
    ----------
    exp : Experiment
        The results.
    baseline : str, optional
        The scenario label the others are compared with (default: the first).
    files : dict[str, path], optional
        Each scenario's file by label, for the run details.
    """
    exp = names_apart(exp)
    baseline = baseline or next(iter(exp.scenarios))
    out = {"Results": _results(exp, exp.summary())}
    if len(exp.scenarios) > 1:
        out["Differences"] = _differences(exp, baseline)
    out["Weekly"] = _weekly(exp)
    out["Run details"] = _run_details(exp, files)
    return out


def _fit_columns(ws, df: pd.DataFrame) -> None:
    from openpyxl.utils import get_column_letter

    for i, col in enumerate(df.columns, start=1):
        longest = max([len(str(col))] + [len(str(v)) for v in df[col].head(200)])
        ws.column_dimensions[get_column_letter(i)].width = min(max(10, longest + 2), 70)


def _to_workbook(tables: Mapping[str, pd.DataFrame], target) -> None:
    from openpyxl.styles import Alignment, Font

    with pd.ExcelWriter(target, engine="openpyxl") as xl:
        for sheet, df in tables.items():
            df.to_excel(xl, sheet_name=sheet[:31], index=False)
            ws = xl.sheets[sheet[:31]]
            for cell in ws[1]:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.freeze_panes = "B2" if sheet != "Run details" else "A2"
            _keep_text(ws)
            _fit_columns(ws, df)


def _keep_text(ws) -> None:
    """Text a spreadsheet would read as a formula, as text cells (openpyxl makes a formula of
    any text starting with "="), with Excel's quote prefix so that editing keeps it text."""
    for row in ws.iter_rows():
        for cell in row:
            if formula_like(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True


def write_workbook(exp, path: str | Path, baseline: str | None = None,
                   files: Mapping[str, str | Path] | None = None) -> Path:
    """Write :func:`export_tables` as an Excel workbook (one sheet a table) to ``path``."""
    # made in memory, then written whole: a full disk cannot leave half a workbook
    return output.write_bytes(path, workbook_bytes(exp, baseline, files))


def workbook_bytes(exp, baseline: str | None = None,
                   files: Mapping[str, str | Path] | None = None) -> bytes:
    """The workbook of :func:`write_workbook` as bytes (for a download link)."""
    buf = io.BytesIO()
    _to_workbook(export_tables(exp, baseline, files), buf)
    return buf.getvalue()


def write_labelled_csv(exp, directory: str | Path, baseline: str | None = None,
                       files: Mapping[str, str | Path] | None = None) -> dict[str, Path]:
    """Write :func:`export_tables` as CSV files (``results_labelled.csv``, ...) in ``directory``;
    returns them by sheet name. UTF-8 with a byte-order mark, so that Excel shows "£" right;
    text a spreadsheet would read as a formula starts with ``'`` (:func:`as_text`)."""
    d = output.make_folder(directory)
    out = {}
    for sheet, df in export_tables(exp, baseline, files).items():
        p = d / f"{re.sub(r'[^a-z0-9]+', '_', sheet.lower()).strip('_')}_labelled.csv"
        output.write_table(p, df, encoding="utf-8-sig", formulas_as_text=True)
        out[sheet] = p
    return out
